/**
 * Correlation of a strace log with a capture of the same run: which TCP
 * connection of the capture each TCP socket of the trace is, the clock
 * offset between the two, and which packets each call on the socket
 * points at. Rules: docs/correlation.md.
 */
import type { Location, PacketEvent, SyscallEvent, TraceEvent } from '../../model/events.js';
import { FdLifetimes, ProcessGroups, fdRefs, locOf, soErrorValue, type FdLife } from '../syscalls/fd-lifetimes.js';
import type { SyscallAnalysis } from '../syscalls/index.js';
import { TcpAnalyzer, type Connection } from '../tcp/index.js';
import { TH, flagBits } from '../../knowledge/tcp.js';
import { familyOf } from '../../knowledge/syscall-families.js';
import { SYSCALL_ANALYSIS_THRESHOLDS } from '../../knowledge/syscall-analysis.js';
import { sockaddrText } from '../../readers/strace/fd-table.js';
import { endpointMatches, endpointText, isConcrete, parseEndpoint, type Endpoint } from './endpoints.js';
import { offsetFromDiffs, straceClockOf, type ClockOffset, type StraceClock } from './clock.js';

export { normalizeEndpoint, parseEndpoint, endpointText } from './endpoints.js';
export type { ClockOffset, StraceClock } from './clock.js';

/** A connect's first SYN must fall in [call − before, call end + after] (after the clock offset) to match by peer + time. */
export const SYN_WINDOW = { before: 0.1, after: 0.5 } as const;

export interface SocketRef {
  pid: number;
  fd: number;
  life: FdLife;
}

/** One call on a linked socket and the packets it points at. */
export interface CallLink {
  at: Location;
  call: string;
  /**
   * handshake: connect/accept → the originator's SYNs (first try and retransmissions) and the responder's answer (SYN-ACK or RST);
   * data: write/send → the segments carrying its bytes, read/recv → the segments it read;
   * fin: read = 0 → the peer's FIN; close/shutdown → our FIN or RST;
   * reset: ECONNRESET/ECONNREFUSED/EPIPE (errno or SO_ERROR) → the peer's RST.
   */
  kind: 'handshake' | 'data' | 'fin' | 'reset';
  packets: Location[];
}

export interface Link {
  /** Stable id: "tcp:ORIG>RESP#CONN" with tcpdump's endpoints and the connection's 1-based id. */
  flow: string;
  conn: Connection;
  socket: SocketRef;
  role: 'client' | 'server';
  /** The connect/accept/getsockname/getpeername calls that named the endpoints (or where the fd came from). */
  evidence: Location[];
  /** 4-tuple: both endpoints known; peer+time: only the peer (the local port was never shown); inherited: a forked copy of a linked socket. */
  match: '4-tuple' | 'peer+time' | 'inherited';
  /** Other connections that would have matched as well. */
  ambiguous?: number;
  calls: CallLink[];
}

export interface UnmatchedSocket {
  socket: SocketRef;
  role: 'client' | 'server';
  local?: string;
  peer?: string;
  reason: string;
}

/** A connection left in a listener's queue: its handshake completed, no socket accepted it (e.g. accept4 = EMFILE). */
export interface QueuedConnection {
  flow: string;
  conn: Connection;
  listener: SocketRef;
  /** The failed accepts on the listener while the connection waited, each pointing at its handshake. */
  calls: CallLink[];
}

export interface Correlation {
  links: Link[];
  unmatchedSockets: UnmatchedSocket[];
  unmatchedConnections: Connection[];
  listenQueue: QueuedConnection[];
  clockOffset?: ClockOffset;
}

export interface CorrelateOptions {
  /** Seconds to add to strace times to get capture times; default: detected from the pairs matched by 4-tuple. */
  clockOffset?: number;
}

// ---------------------------------------------------------------------------
// The strace side.

interface Sock {
  key: string;
  ref: SocketRef;
  role?: 'client' | 'server';
  listener: boolean;
  local?: Endpoint;
  peer?: Endpoint;
  evidence: Location[];
  calls: SyscallEvent[];
  connectEv?: { time?: number; duration?: number; at: Location };
  acceptTime?: number;
  start?: number;
  end?: number;
}

function lifeKey(pid: number, fd: number, created: Location | undefined): string {
  return `${pid}/${fd}/${created ? `${created.file}:${created.line ?? created.packet}` : 'pre'}`;
}

const isTcpLife = (l: FdLife) => (l.type === 'socket' || l.type === 'unknown') && (l.proto === 'TCP' || l.proto === 'TCPv6' || (l.proto === undefined && (parseEndpoint(l.local) ?? parseEndpoint(l.peer)) !== undefined));

/** Walk the syscalls with an fd table of their own, giving each call on an fd the key of the fd's life. */
function scanSyscalls(events: Iterable<TraceEvent>, visit: (key: string, ev: SyscallEvent, created: boolean) => void): { lives: Map<number, FdLife[]>; clock: StraceClock; lastTime?: number } {
  const groups = new ProcessGroups();
  // Every closed life is kept: a correlation needs them all.
  const fdl = new FdLifetimes(groups, { closedLivesKept: Infinity, failuresPerFd: SYSCALL_ANALYSIS_THRESHOLDS.failuresPerFd.value });
  let clock: StraceClock | undefined;
  let lastTime: number | undefined;
  for (const ev of events) {
    if (ev.time !== undefined && (lastTime === undefined || ev.time > lastTime)) lastTime = ev.time;
    if (ev.kind === 'exit') {
      if (ev.supersededBy === undefined) fdl.exit(ev.pid ?? 0, ev);
      continue;
    }
    if (ev.kind !== 'syscall') continue;
    clock ??= ev.time !== undefined ? straceClockOf(ev) : undefined;
    const pid = groups.of(ev.pid ?? 0);
    for (const r of fdRefs(ev)) {
      if (r.fd < 0) continue;
      const info = fdl.lookup(pid, r.fd);
      if (info) visit(lifeKey(pid, r.fd, info.origin), ev, false);
      else visit(lifeKey(pid, r.fd, undefined), ev, false);
    }
    fdl.add(ev);
    if (ev.resultFd && ev.errno === undefined) {
      const info = fdl.lookup(pid, ev.resultFd.fd);
      if (info) visit(lifeKey(groups.of(ev.pid ?? 0), ev.resultFd.fd, info.origin), ev, true);
    }
  }
  const { lives } = fdl.finish(lastTime);
  const out: { lives: Map<number, FdLife[]>; clock: StraceClock; lastTime?: number } = { lives, clock: clock ?? 'unknown' };
  if (lastTime !== undefined) out.lastTime = lastTime;
  return out;
}

function isSyscallAnalysis(x: TraceEvent[] | SyscallAnalysis): x is SyscallAnalysis {
  return !Array.isArray(x);
}

const okNum = (ev: SyscallEvent) => (ev.errno === undefined && ev.result !== undefined && /^\d+$/.test(ev.result) ? Number(ev.result) : undefined);

function buildSockets(input: TraceEvent[] | SyscallAnalysis): { socks: Sock[]; clock: StraceClock; lastTime?: number } {
  const calls = new Map<string, SyscallEvent[]>();
  let lives: Map<number, FdLife[]>;
  let clock: StraceClock;
  let lastTime: number | undefined;
  if (isSyscallAnalysis(input)) {
    lives = input.fdLifetimes;
    lastTime = input.lastTime;
    clock = 'unknown';
    for (const ls of lives.values()) for (const l of ls) {
      const t = l.createdTime ?? l.connects[0]?.time;
      if (t !== undefined) { clock = clockOfTime(t); break; }
    }
  } else {
    const r = scanSyscalls(input, (key, ev) => {
      let a = calls.get(key);
      if (!a) calls.set(key, (a = []));
      if (a[a.length - 1] !== ev) a.push(ev);
    });
    lives = r.lives;
    clock = r.clock;
    lastTime = r.lastTime;
  }
  const socks: Sock[] = [];
  const listenerLocal = new Map<string, Endpoint>();
  for (const ls of lives.values()) for (const l of ls) if (l.listening || l.bound) {
    const e = parseEndpoint(l.local);
    if (e) listenerLocal.set(`${l.pid}/${l.fd}`, e);
  }
  for (const [pid, ls] of lives) for (const l of ls) {
    if (!isTcpLife(l)) continue;
    const key = lifeKey(pid, l.fd, l.created);
    const s: Sock = { key, ref: { pid, fd: l.fd, life: l }, listener: l.listening !== undefined, evidence: [], calls: calls.get(key) ?? [] };
    if (l.connects.length) s.role = 'client';
    else if (l.createdBy.startsWith('accept')) s.role = 'server';
    s.local = parseEndpoint(l.local);
    s.peer = parseEndpoint(l.peer);
    const c = l.connects[0];
    if (c) {
      s.connectEv = { at: c.at, ...(c.time !== undefined ? { time: c.time } : {}) };
      s.evidence.push(c.at);
    }
    if (s.role === 'server' && l.created) s.evidence.push(l.created);
    for (const ev of s.calls) {
      if (ev.name === 'connect' && s.connectEv && ev.line === s.connectEv.at.line && ev.duration !== undefined) s.connectEv.duration = ev.duration;
      if ((ev.name === 'getsockname' || ev.name === 'getpeername') && ev.errno === undefined) {
        const e = parseEndpoint(sockaddrText(ev.args?.[1]));
        if (e) {
          if (ev.name === 'getsockname') s.local ??= e; else s.peer ??= e;
          s.evidence.push(locOf(ev));
        }
      }
      if (ev.name.startsWith('accept') && ev.resultFd?.fd === l.fd && ev.errno === undefined) {
        // Without -yy: the peer from accept's sockaddr, the local side from the listener's bind.
        s.peer ??= parseEndpoint(sockaddrText(ev.args?.[1]));
        const lfd = fdRefs(ev)[0]?.fd;
        if (lfd !== undefined) s.local ??= listenerLocal.get(`${pid}/${lfd}`);
        if (ev.time !== undefined) s.acceptTime = ev.time + (ev.duration ?? 0);
      }
    }
    s.start = l.createdTime;
    s.end = l.closedTime ?? lastTime;
    if (!s.evidence.length && (l.created ?? l.firstSeen)) s.evidence.push((l.created ?? l.firstSeen)!);
    s.evidence.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    socks.push(s);
  }
  return { socks, clock, ...(lastTime !== undefined ? { lastTime } : {}) };
}

// ---------------------------------------------------------------------------
// The capture side.

interface PktRef {
  ev?: PacketEvent;
  at: Location;
  time: number;
  orig: boolean;
  bits: number;
  len: number;
  /** Offset of the first payload byte in its direction's byte stream (0-based). */
  off?: number;
}

interface ConnInfo {
  conn: Connection;
  orig: Endpoint | undefined;
  resp: Endpoint | undefined;
  firstSyn?: number;
  pkts: PktRef[];
}

function pktLoc(ev: PacketEvent): Location {
  const l: Location = { file: ev.file };
  if (ev.line !== undefined) l.line = ev.line;
  if (ev.packet !== undefined) l.packet = ev.packet;
  return l;
}

function buildConnections(input: PacketEvent[] | Connection[]): ConnInfo[] {
  if (input.length && !('kind' in input[0]!)) {
    return (input as Connection[]).map((conn) => ({ conn, orig: parseEndpoint(conn.orig), resp: parseEndpoint(conn.resp), ...(conn.synSeen ? { firstSyn: conn.start } : {}), pkts: [] }));
  }
  const a = new TcpAnalyzer();
  const per = new Map<number, PktRef[]>();
  const base = new Map<string, number>();
  const cum = new Map<string, number>();
  for (const ev of input as PacketEvent[]) {
    const r = a.add(ev);
    if (!r) continue;
    const bits = flagBits(ev.flags!) ?? 0;
    const orig = r.dir === 'orig';
    const dk = `${r.conn}/${r.dir}`;
    const p: PktRef = { ev, at: pktLoc(ev), time: ev.time ?? 0, orig, bits, len: ev.len ?? 0 };
    if (bits & TH.SYN && ev.rawSeq !== undefined) base.set(dk, (ev.rawSeq + 1) >>> 0);
    if (p.len > 0) {
      const b = base.get(dk);
      if (ev.rawSeq !== undefined && b !== undefined) p.off = (ev.rawSeq - b) >>> 0;
      else if (ev.seq !== undefined && ev.seqRelative) p.off = ev.seq - 1;
      else {
        p.off = cum.get(dk) ?? 0;
        cum.set(dk, p.off + p.len);
      }
    }
    let l = per.get(r.conn);
    if (!l) per.set(r.conn, (l = []));
    l.push(p);
  }
  return a.connections().map((conn) => {
    const pkts = per.get(conn.id) ?? [];
    const syn = pkts.find((p) => p.orig && p.bits & TH.SYN && !(p.bits & TH.ACK));
    const ci: ConnInfo = { conn, orig: parseEndpoint(conn.orig), resp: parseEndpoint(conn.resp), pkts };
    if (syn) ci.firstSyn = syn.time;
    else if (conn.synSeen) ci.firstSyn = conn.start;
    return ci;
  });
}

export function flowId(conn: Connection): string {
  return `tcp:${conn.orig}>${conn.resp}#${conn.id}`;
}

// ---------------------------------------------------------------------------
// Matching.

function sidesMatch(s: Sock, c: ConnInfo, role: 'client' | 'server'): boolean {
  if (!s.peer) return false;
  const [mine, theirs] = role === 'client' ? [c.orig, c.resp] : [c.resp, c.orig];
  if (!isConcrete(s.peer) || !theirs || s.peer.ip !== theirs.ip || s.peer.port !== theirs.port) return false;
  return endpointMatches(s.local, mine);
}

/** When the socket's own action (connect, accept) happened, in strace time. */
function sockTime(s: Sock): number | undefined {
  return s.connectEv?.time ?? s.acceptTime ?? s.start;
}

function timeOk(s: Sock, c: ConnInfo, off: number): boolean {
  if (s.role === 'client' && s.connectEv?.time !== undefined) {
    if (c.firstSyn === undefined) return false;
    const t = s.connectEv.time + off;
    return c.firstSyn >= t - SYN_WINDOW.before && c.firstSyn <= t + (s.connectEv.duration ?? 0) + SYN_WINDOW.after;
  }
  // Overlap of the connection with the socket's life (accept returns after the handshake: allow the window before it).
  const from = (s.acceptTime ?? s.start);
  const to = s.end;
  if (from !== undefined && c.conn.start > from + off + SYN_WINDOW.after) return false;
  if (to !== undefined && c.conn.end < (s.start ?? from ?? to) + off - SYN_WINDOW.after) return false;
  return true;
}

function distance(s: Sock, c: ConnInfo, off: number): number {
  const t = sockTime(s);
  if (t === undefined) return 0;
  return Math.abs((c.firstSyn ?? c.conn.start) - (t + off));
}

export function correlate(syscallEvents: TraceEvent[] | SyscallAnalysis, packetEvents: PacketEvent[] | Connection[], opts: CorrelateOptions = {}): Correlation {
  const { socks, clock } = buildSockets(syscallEvents);
  const conns = buildConnections(packetEvents);

  const candidates = (s: Sock, role: 'client' | 'server') => conns.filter((c) => sidesMatch(s, c, role));
  const strict = (s: Sock) => isConcrete(s.local) && isConcrete(s.peer);

  // Clock offset.
  let clockOffset: ClockOffset | undefined;
  if (opts.clockOffset !== undefined) clockOffset = { seconds: opts.clockOffset, detectedFrom: 0, clock };
  else {
    const diffs: number[] = [];
    for (const s of socks) {
      if (s.role !== 'client' || !strict(s) || s.connectEv?.time === undefined) continue;
      const cs = candidates(s, 'client').filter((c) => c.firstSyn !== undefined);
      if (cs.length === 1) diffs.push(cs[0]!.firstSyn! - s.connectEv.time);
    }
    if (!diffs.length) {
      // No 4-tuple: peers connected to exactly once in the trace and seen in exactly one connection.
      const clients = socks.filter((s) => s.role === 'client' && isConcrete(s.peer) && s.connectEv?.time !== undefined);
      for (const s of clients) {
        if (clients.filter((o) => o.peer!.ip === s.peer!.ip && o.peer!.port === s.peer!.port).length !== 1) continue;
        const cs = candidates(s, 'client').filter((c) => c.firstSyn !== undefined);
        if (cs.length === 1) diffs.push(cs[0]!.firstSyn! - s.connectEv!.time!);
      }
    }
    clockOffset = offsetFromDiffs(diffs, clock);
  }
  const off = clockOffset?.seconds ?? 0;
  const timesComparable = clockOffset !== undefined || clock === 'epoch';

  const links: Link[] = [];
  const unmatchedSockets: UnmatchedSocket[] = [];
  const taken = new Set<string>();
  const linkOf = new Map<string, Link>();
  const ordered = [...socks.filter((s) => s.role && strict(s)), ...socks.filter((s) => s.role && !strict(s))];
  for (const s of ordered) {
    const role = s.role!;
    let cs = candidates(s, role).filter((c) => !taken.has(`${c.conn.id}/${role}`));
    const fourTuple = strict(s);
    if (timesComparable && (cs.length > 1 || !fourTuple)) cs = cs.filter((c) => timeOk(s, c, off));
    if (!fourTuple && !timesComparable && cs.length > 1) cs = [];
    if (!cs.length) {
      const u: UnmatchedSocket = { socket: s.ref, role, reason: !s.peer ? 'peer unknown' : fourTuple ? 'no connection with this 4-tuple' : 'no connection to this peer in the time window' };
      if (s.local) u.local = endpointText(s.local);
      if (s.peer) u.peer = endpointText(s.peer);
      unmatchedSockets.push(u);
      continue;
    }
    cs.sort((a, b) => (timesComparable ? distance(s, a, off) - distance(s, b, off) : a.conn.id - b.conn.id));
    const c = cs[0]!;
    taken.add(`${c.conn.id}/${role}`);
    const link: Link = { flow: flowId(c.conn), conn: c.conn, socket: s.ref, role, evidence: s.evidence, match: fourTuple ? '4-tuple' : 'peer+time', calls: callLinks(s, c, role) };
    if (cs.length > 1) link.ambiguous = cs.length - 1;
    links.push(link);
    linkOf.set(s.key, link);
  }
  // Forked copies of a linked socket act on the same connection.
  for (let pass = 0; pass < 4; pass++) {
    for (const s of socks) {
      const l = s.ref.life;
      if (l.createdBy !== 'inherited' || l.inheritedFrom === undefined || linkOf.has(s.key)) continue;
      const parent = linkOf.get(lifeKey(l.inheritedFrom, l.fd, l.created));
      if (!parent) continue;
      const link: Link = { ...parent, socket: s.ref, match: 'inherited', evidence: parent.evidence, calls: callLinks(s, conns.find((c) => c.conn === parent.conn)!, parent.role) };
      links.push(link);
      linkOf.set(s.key, link);
    }
  }

  // Connections left in a listener's queue: accept failed (EMFILE, ENFILE…) while a completed handshake waited.
  const listenQueue: QueuedConnection[] = [];
  const serverLinked = new Set(links.filter((l) => l.role === 'server').map((l) => l.conn.id));
  for (const s of socks) {
    if (!s.listener || !s.local) continue;
    const failed = s.calls.filter((ev) => ev.name.startsWith('accept') && ev.errno !== undefined && ev.errno !== 'EAGAIN' && ev.errno !== 'EWOULDBLOCK' && ev.errno !== 'EINTR');
    if (!failed.length) continue;
    for (const c of conns) {
      if (serverLinked.has(c.conn.id) || !c.conn.synAckSeen || !endpointMatches(s.local, c.resp)) continue;
      const waiting = failed.filter((ev) => !timesComparable || ev.time === undefined || c.conn.start <= ev.time + off + (ev.duration ?? 0) + SYN_WINDOW.after);
      if (!waiting.length) continue;
      const hs = handshake(c);
      listenQueue.push({ flow: flowId(c.conn), conn: c.conn, listener: s.ref, calls: waiting.map((ev) => ({ at: locOf(ev), call: ev.name, kind: 'handshake', packets: hs })) });
    }
  }

  const linkedConns = new Set(links.map((l) => l.conn.id));
  const out: Correlation = {
    links,
    unmatchedSockets,
    unmatchedConnections: conns.filter((c) => !linkedConns.has(c.conn.id)).map((c) => c.conn),
    listenQueue,
  };
  if (clockOffset) out.clockOffset = clockOffset;
  return out;
}

// ---------------------------------------------------------------------------
// Calls → packets.

function handshake(c: ConnInfo): Location[] {
  const out: Location[] = [];
  for (const p of c.pkts) {
    const syn = (p.bits & TH.SYN) !== 0, ack = (p.bits & TH.ACK) !== 0, rst = (p.bits & TH.RST) !== 0;
    if (p.orig && syn && !ack) out.push(p.at);
    else if (!p.orig && (syn && ack)) { out.push(p.at); break; }
    else if (!p.orig && rst) { out.push(p.at); break; }
    else if (p.orig && !syn) break;
  }
  return out;
}

const RESET_ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ECONNABORTED']);
const OUT_FAMILIES = new Set(['write', 'send', 'sendfile']);
const IN_FAMILIES = new Set(['read', 'recv']);

function callLinks(s: Sock, c: ConnInfo, role: 'client' | 'server'): CallLink[] {
  const out: CallLink[] = [];
  if (!c.pkts.length) return out;
  const mineIsOrig = role === 'client';
  const mine = (p: PktRef) => p.orig === mineIsOrig;
  let sent = 0, received = 0;
  const segs = (fromMe: boolean, lo: number, hi: number) => c.pkts.filter((p) => mine(p) === fromMe && p.len > 0 && p.off !== undefined && p.off < hi && p.off + p.len > lo).map((p) => p.at);
  const firstRst = (fromMe: boolean) => c.pkts.filter((p) => mine(p) === fromMe && p.bits & TH.RST).slice(0, 1).map((p) => p.at);
  const firstFin = (fromMe: boolean) => c.pkts.filter((p) => mine(p) === fromMe && p.bits & TH.FIN).slice(0, 1).map((p) => p.at);
  for (const ev of s.calls) {
    const at = locOf(ev);
    const fam = familyOf(ev.name);
    const errno = ev.errno ?? soErrorValue(ev);
    if (ev.name === 'connect' && role === 'client') {
      const hs = handshake(c);
      // A second connect (EALREADY/EISCONN) reports on the same handshake.
      if (hs.length) out.push({ at, call: ev.name, kind: 'handshake', packets: hs });
    } else if (ev.name.startsWith('accept') && role === 'server' && ev.resultFd?.fd === s.ref.fd) {
      out.push({ at, call: ev.name, kind: 'handshake', packets: handshake(c) });
    } else if (errno && RESET_ERRNOS.has(errno)) {
      const r = firstRst(false);
      if (r.length) out.push({ at, call: ev.name, kind: 'reset', packets: r });
    } else if (OUT_FAMILIES.has(fam) && fdRefs(ev)[ev.name === 'sendfile' || ev.name === 'sendfile64' || ev.name === 'splice' || ev.name === 'copy_file_range' ? 1 : 0]?.fd === s.ref.fd) {
      const n = okNum(ev);
      if (n && n > 0) {
        out.push({ at, call: ev.name, kind: 'data', packets: segs(true, sent, sent + n) });
        sent += n;
      }
    } else if (IN_FAMILIES.has(fam)) {
      const n = okNum(ev);
      if (n === 0) {
        const f = firstFin(false);
        if (f.length) out.push({ at, call: ev.name, kind: 'fin', packets: f });
      } else if (n && n > 0) {
        out.push({ at, call: ev.name, kind: 'data', packets: segs(false, received, received + n) });
        received += n;
      }
    } else if ((ev.name === 'close' || ev.name === 'shutdown') && ev.errno === undefined) {
      const p = firstFin(true).length ? firstFin(true) : firstRst(true);
      if (p.length) out.push({ at, call: ev.name, kind: 'fin', packets: p });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Annotation.

/** Set `flow` on the syscalls that act on a linked socket during its life, and on the packets of linked connections. */
export function annotateFlows(syscallEvents: TraceEvent[], packetEvents: PacketEvent[], c: Correlation): void {
  const byLife = new Map<string, string>();
  for (const l of c.links) byLife.set(lifeKey(l.socket.pid, l.socket.fd, l.socket.life.created), l.flow);
  scanSyscalls(syscallEvents, (key, ev) => {
    const f = byLife.get(key);
    if (f) ev.flow = f;
  });
  const byConn = new Map<number, string>();
  for (const l of c.links) byConn.set(l.conn.id, l.flow);
  for (const q of c.listenQueue) byConn.set(q.conn.id, q.flow);
  const a = new TcpAnalyzer();
  for (const ev of packetEvents) {
    const r = a.add(ev);
    const f = r ? byConn.get(r.conn) : undefined;
    if (f) ev.flow = f;
  }
}

/** Without the text of a timestamp (an analysis, not events), its size tells: epoch seconds are large, a day holds 86400. */
function clockOfTime(t: number): StraceClock {
  return t >= 1e8 ? 'epoch' : t < 2 * 86400 ? 'midnight' : 'unknown';
}
