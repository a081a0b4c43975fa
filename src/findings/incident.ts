/**
 * One incident's analyses, built in one streaming pass over its events: the
 * syscall analysis (fd lives, blocked, slow, failures), the TCP analysis
 * (connections, with the per-packet facts the network rules need), the
 * processes (program, exit) and the listening sockets. The finding rules
 * (src/findings/rules/) read only this.
 *
 * Memory stays bounded by the open connections: the facts of a connection
 * are kept while the TCP analysis tracks it; when it lets go (the connection
 * closed and lingered, or a new one took its ports) they go, with its
 * summary, to the network rules' `NetworkFacts`, which keeps a few numbers of
 * it (src/findings/network-facts.ts).
 */
import type { Location, PacketEvent, SyscallEvent, TraceEvent } from '../model/events.js';
import { SyscallAnalyzer, type SyscallAnalysis } from '../analysis/syscalls/index.js';
import { TcpAnalyzer, type Connection, type PacketAnalysis } from '../analysis/tcp/index.js';
import { NetworkFacts } from './network-facts.js';
import { PROCESS_CREATING } from '../knowledge/fd-syscalls.js';
import { TH, flagBits } from '../knowledge/tcp.js';
import type { Value } from '../model/values.js';

export interface ProcessFacts {
  pid: number;
  /** Basename of the last program it exec'd successfully. */
  program?: string;
  exit?: { code?: number; signal?: string; coreDumped?: boolean; at: Location; time?: number };
  /** The last delivered fatal signal's siginfo text (si_addr of a SIGSEGV). */
  lastSignal?: { signal: string; infoText?: string; at: Location };
  first: Location;
}

export interface ListenFacts {
  pid?: number;
  fd: number;
  backlog: number;
  /** The address the socket listens on (from -yy or the bind before it). */
  local?: string;
  at: Location;
}

/** What the network rules need per connection beyond the TCP analysis's summary (kept while the connection is tracked). */
export interface ConnFacts {
  conn: number;
  /** Client-to-server data: the first segment with payload. */
  firstRequest?: { at: Location; time?: number; len: number };
  /** The server's first payload. */
  firstResponse?: { at: Location; time?: number };
  /** The first FIN and RST of each side. */
  origFin?: { at: Location; time?: number };
  respFin?: { at: Location; time?: number };
  /** The server's TCP sent something after the client's FIN (its ACK of it): the peer is there, only its application has not closed. */
  respAfterOrigFin?: boolean;
  firstRst?: { at: Location; time?: number; orig: boolean };
  zeroWindow: { orig: number; resp: number; first?: Location };
  dataRetransmits: number;
  firstRetransmit?: Location;
  synAt: Location[];
}

export interface Incident {
  files: string[];
  events: number;
  syscalls: SyscallAnalysis | undefined;
  /** The TCP connections as the network rules keep them: every connection's summary and facts, folded in as each one ended. */
  network: NetworkFacts;
  processes: ProcessFacts[];
  /** The pid of the first process seen: the one the operator ran or attached to. */
  rootPid?: number;
  listens: ListenFacts[];
  /** Last timestamp of strace events (the syscall clock). */
  lastSyscallTime?: number;
  /** Last timestamp of packets (the capture's clock). */
  lastPacketTime?: number;
  /** Seconds to add to a strace time to put it on the capture's clock (the timeline's placement), when both are given. */
  straceToCapture?: number;
}

function numberArg(v: Value | undefined): number {
  if (v?.type === 'number') return Number(v.text);
  if (v?.type === 'fd') return numberArg(v.fd);
  return NaN;
}

/** Where an event is: its line, else its packet (an object of one shape, made whole). */
const loc = (ev: TraceEvent): Location => (ev.line !== undefined ? { file: ev.file, line: ev.line } : ev.packet !== undefined ? { file: ev.file, packet: ev.packet } : { file: ev.file });

const at = (ev: TraceEvent) => (ev.time !== undefined ? { at: loc(ev), time: ev.time } : { at: loc(ev) });

export class IncidentBuilder {
  private readonly sys = new SyscallAnalyzer();
  private readonly network = new NetworkFacts();
  /** Connections the TCP analysis hands over when it lets go of them; it keeps no summaries itself. */
  private readonly tcp = new TcpAnalyzer({ keepConnections: false, onRetire: (c) => this.retire(c) });
  /** Facts of the connections the TCP analysis still tracks. */
  private readonly conn = new Map<number, ConnFacts>();
  private finished: Incident | undefined;
  private readonly procs = new Map<number, ProcessFacts>();
  private readonly listens: ListenFacts[] = [];
  private events = 0;
  private rootPid: number | undefined;
  private lastSyscallTime: number | undefined;
  private lastPacketTime: number | undefined;
  private shift: number | undefined;

  /** Told of each connection's id as the TCP analysis lets go of it (the differ's flows let go too). */
  private readonly retireListeners: Array<(conn: number) => void> = [];

  constructor(private readonly files: string[]) {}

  /** `listener` hears the id of every connection the analysis stops tracking: no later packet belongs to it. */
  onConnectionRetired(listener: (conn: number) => void): void {
    this.retireListeners.push(listener);
  }

  /** One event in timeline order; for a packet, its TCP analysis (null when the analysis does not follow it). */
  add(ev: TraceEvent): PacketAnalysis | null | undefined {
    this.events++;
    if (ev.kind === 'packet') return this.packet(ev);
    if (ev.kind === 'unparsed') return undefined;
    if (ev.time !== undefined && ev.kind !== 'message') this.lastSyscallTime = ev.time;
    if (ev.at !== undefined && ev.time !== undefined) this.shift = ev.at - ev.time;
    this.sys.add(ev);
    const pid = ev.pid ?? 0;
    if (ev.kind === 'syscall' || ev.kind === 'exit' || ev.kind === 'signal') {
      this.rootPid ??= pid;
      let p = this.procs.get(pid);
      if (!p) this.procs.set(pid, (p = { pid, first: loc(ev) }));
      if (ev.kind === 'syscall') this.syscall(ev, p);
      else if (ev.kind === 'exit' && ev.supersededBy === undefined) {
        p.exit = { ...at(ev), ...(ev.code !== undefined ? { code: ev.code } : {}), ...(ev.signal ? { signal: ev.signal } : {}), ...(ev.coreDumped ? { coreDumped: true } : {}) };
      } else if (ev.kind === 'signal' && !ev.stopped) {
        p.lastSignal = { signal: ev.signal, at: loc(ev), ...(ev.infoText ? { infoText: ev.infoText } : {}) };
      }
    }
    return undefined;
  }

  private syscall(ev: SyscallEvent, p: ProcessFacts): void {
    if ((ev.name === 'execve' || ev.name === 'execveat') && ev.result === '0') {
      const path = ev.args?.find((a) => a.type === 'string');
      if (path?.type === 'string') p.program = path.value.slice(path.value.lastIndexOf('/') + 1);
    }
    // A thread or forked child runs its parent's program until it execs its own.
    if (PROCESS_CREATING.has(ev.name) && ev.result !== undefined && /^[1-9]\d*$/.test(ev.result)) {
      const child = Number(ev.result);
      const c = this.procs.get(child);
      if (!c) this.procs.set(child, { pid: child, first: loc(ev), ...(p.program ? { program: p.program } : {}) });
      else if (c.program === undefined && p.program) c.program = p.program;
    }
    if (ev.name === 'listen' && ev.result === '0') {
      const fd = ev.fds?.find((f) => f.arg === 0);
      const n = numberArg(ev.args?.[1]);
      const fdNum = fd?.fd ?? numberArg(ev.args?.[0]);
      if (Number.isFinite(n) && Number.isFinite(fdNum)) {
        const l: ListenFacts = { fd: fdNum, backlog: n, at: loc(ev) };
        if (ev.pid !== undefined) l.pid = ev.pid;
        if (fd?.local) l.local = fd.local;
        this.listens.push(l);
      }
    }
  }

  private packet(ev: PacketEvent): PacketAnalysis | null {
    if (ev.time !== undefined) this.lastPacketTime = ev.time;
    const a = this.tcp.add(ev);
    if (!a) return null;
    if (a.flags.includes('duplicate-copy')) return a;
    let f = this.conn.get(a.conn);
    if (!f) this.conn.set(a.conn, (f = { conn: a.conn, zeroWindow: { orig: 0, resp: 0 }, dataRetransmits: 0, synAt: [] }));
    const orig = a.dir === 'orig';
    const bits = flagBits(ev.flags!) ?? 0;
    const len = ev.len ?? 0;
    const retrans = a.flags.some((x) => x === 'retransmission' || x === 'fast-retransmission' || x === 'spurious-retransmission');
    if ((bits & TH.SYN) !== 0 && !(bits & TH.ACK) && orig) f.synAt.push(loc(ev));
    if (len > 0 && (bits & TH.RST) === 0) {
      if (orig) f.firstRequest ??= { ...at(ev), len };
      else f.firstResponse ??= at(ev);
      if (retrans) {
        f.dataRetransmits++;
        f.firstRetransmit ??= loc(ev);
      }
    }
    if (!orig && f.origFin) f.respAfterOrigFin = true;
    if ((bits & TH.FIN) !== 0) {
      if (orig) f.origFin ??= at(ev);
      else f.respFin ??= at(ev);
    }
    if ((bits & TH.RST) !== 0) f.firstRst ??= { ...at(ev), orig };
    if (a.flags.includes('zero-window')) {
      if (orig) f.zeroWindow.orig++;
      else f.zeroWindow.resp++;
      f.zeroWindow.first ??= loc(ev);
    }
    return a;
  }

  /** A connection is over for the analysis: its summary and facts go to the network rules, and are let go here. */
  private retire(c: Connection): void {
    this.network.add(c, this.conn.get(c.id));
    this.conn.delete(c.id);
    for (const l of this.retireListeners) l(c.id);
  }

  /** The incident, once every event is in (later calls give the same one). */
  finish(): Incident {
    if (this.finished) return this.finished;
    // The connections still tracked (open, or closed and lingering) end with the input.
    for (const t of [...this.tcp.openTracks()]) this.retire(t.conn);
    const inc: Incident = {
      files: this.files,
      events: this.events,
      // Processes are made by syscall, signal and exit events: none means no strace input.
      syscalls: this.procs.size ? this.sys.finish() : undefined,
      network: this.network,
      processes: [...this.procs.values()],
      listens: this.listens,
    };
    if (this.rootPid !== undefined) inc.rootPid = this.rootPid;
    if (this.lastSyscallTime !== undefined) inc.lastSyscallTime = this.lastSyscallTime;
    if (this.lastPacketTime !== undefined) inc.lastPacketTime = this.lastPacketTime;
    if (this.shift !== undefined) inc.straceToCapture = this.shift;
    this.finished = inc;
    return inc;
  }
}
