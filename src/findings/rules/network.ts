/**
 * tcp.*: what the TCP analysis of a capture (or tcpdump text) shows about
 * each server: SYNs never answered (one client, or several while others
 * are served), refusals, resets after the handshake or the request,
 * requests never answered, connections left in CLOSE_WAIT, zero windows,
 * retransmissions, and bursts of short client-closed connections.
 *
 * Streaming (issue 8): the incident builder hands each connection here once,
 * when its summary and facts are final (the TCP analysis let go of it, or
 * the input ended), and forgets it. `NetworkFacts` keeps what the rules
 * read, per server and per client host and server: counts, the first few
 * connections by id with their evidence, and where a rule needs every
 * connection, numbers only (ids, the durations of short connections, and
 * the outline correlation reads: ~25 bytes a connection). Rules that depend
 * on the capture's last packet time keep the few connections that wait on
 * it. `findings()` gives what the rules give over all connections at the
 * end, in the same order.
 */
import type { Location } from '../../model/events.js';
import type { Connection } from '../../analysis/tcp/index.js';
import { parseEndpoint } from '../../analysis/correlate/endpoints.js';
import type { ConnFacts, Incident } from '../incident.js';
import type { RawFinding } from '../types.js';
import { makeFinding, seconds } from './make.js';

/** The kernel's default net.ipv4.tcp_syn_retries and what it adds up to (1+2+…+64 s after the first try). */
const DEFAULT_SYN_RETRIES = 6;
const DEFAULT_SYN_GIVE_UP = 127;
/** A request unanswered this long, or a FIN unanswered this long before the capture ends, is not just the capture stopping. */
const SILENCE_SECONDS = 1;
const CLOSE_WAIT_MIN_AGE = 0.2;
/** Short-connection pile-up: at least this many connections, each shorter than SHORT_SECONDS. */
const SHORT_MIN_COUNT = 10;
const SHORT_SECONDS = 1;
const RETRANSMISSIONS_MIN = 3;
/** How many connections each finding quotes evidence from. */
const SYN_EVIDENCE = 12;
const SYN_SINGLE = 3;
const REFUSED_QUOTED = 3;
const REQUEST_QUOTED = 6;
const CLOSE_WAIT_QUOTED = 8;
const SHORT_QUOTED = 5;

const hostOf = (endpoint: string) => parseEndpoint(endpoint)?.ip ?? endpoint;
const portOf = (endpoint: string) => String(parseEndpoint(endpoint)?.port ?? '?');
/** "127.0.0.1 port 18182": how findings name a connection's server. */
export const serverText = (c: { resp: string }) => `${hostOf(c.resp)} port ${portOf(c.resp)}`;

function withConns(f: RawFinding, conns: number[]): RawFinding {
  f.conns = conns;
  return f;
}

function synEvidence(c: Connection, f: ConnFacts | undefined): Location[] {
  return f?.synAt.length ? f.synAt : [c.firstPacket];
}

// ---------------------------------------------------------------------------
// Compact storage.

type NumArray = Uint8Array | Uint32Array | Float64Array;
type NumArrayOf<A extends NumArray> = new (n: number) => A;
const CHUNK = 4096;

/** Numbers by index (a connection's id − 1) in typed-array chunks: no object per entry. */
class Column<A extends NumArray> {
  private chunks: A[] = [];
  constructor(private readonly Of: NumArrayOf<A>) {}
  set(i: number, v: number): void {
    const k = Math.floor(i / CHUNK);
    while (this.chunks.length <= k) this.chunks.push(new this.Of(CHUNK));
    this.chunks[k]![i % CHUNK] = v;
  }
  get(i: number): number {
    return this.chunks[Math.floor(i / CHUNK)]?.[i % CHUNK] ?? 0;
  }
  bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}

/** A growing list of numbers: a small array doubling up to a chunk, then chunks. */
class NumList<A extends NumArray> {
  private chunks: A[] = [];
  private tail: A;
  private used = 0;
  length = 0;
  constructor(private readonly Of: NumArrayOf<A>) {
    this.tail = new Of(4);
  }
  push(v: number): void {
    if (this.used === this.tail.length) {
      if (this.tail.length < CHUNK) {
        const t = new this.Of(this.tail.length * 2);
        t.set(this.tail as never);
        this.tail = t;
      } else {
        this.chunks.push(this.tail);
        this.tail = new this.Of(CHUNK);
        this.used = 0;
      }
    }
    this.tail[this.used++] = v;
    this.length++;
  }
  toArray(): A {
    const a = new this.Of(this.length);
    let k = 0;
    for (const c of this.chunks) {
      a.set(c as never, k);
      k += c.length;
    }
    a.set(this.tail.subarray(0, this.used) as never, k);
    return a;
  }
  bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, this.tail.byteLength);
  }
}

/** Connection ids, 4 bytes each; read back in id order. */
class IdList extends NumList<Uint32Array> {
  constructor() {
    super(Uint32Array);
  }
  sorted(): number[] {
    return Array.from(this.toArray().sort());
  }
}

/** The first `n` entries by connection id (connections end in any order, so a later one may go before). */
class FirstById<T> {
  readonly ids: number[] = [];
  readonly values: T[] = [];
  constructor(private readonly n: number) {}
  wants(id: number): boolean {
    return this.ids.length < this.n || id < this.ids[this.ids.length - 1]!;
  }
  add(id: number, v: T): void {
    if (!this.wants(id)) return;
    let i = this.ids.length;
    while (i > 0 && this.ids[i - 1]! > id) i--;
    this.ids.splice(i, 0, id);
    this.values.splice(i, 0, v);
    if (this.ids.length > this.n) {
      this.ids.pop();
      this.values.pop();
    }
  }
}

/** Endpoint texts, each kept once (a copy of its own, never a slice of a reader's text), with its host and port. */
class Endpoints {
  private index = new Map<string, number>();
  readonly text: string[] = [];
  readonly host: string[] = [];
  readonly port: string[] = [];
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      const own = Buffer.from(s, 'utf8').toString('utf8');
      i = this.text.length;
      this.index.set(own, i);
      this.text.push(own);
      this.host.push(hostOf(own));
      this.port.push(portOf(own));
    }
    return i;
  }
}

// ---------------------------------------------------------------------------
// What the rules keep per server and per client host and server.

interface SynDetail {
  evidence: Location[];
  tries: number;
  intervals: number[];
}

/** The findings about one connection alone, kept as their facts (small) until the findings are made. */
interface OwnFindings {
  id: number;
  resetAfterHandshake?: { first: Location; rst: Location; by: string };
  zeroWindow?: { side: string; count: number; first: Location };
  retransmissions?: { count: number; first: Location };
}

/** A request never answered, the server never resetting. */
interface Unanswered {
  id: number;
  time: number;
  req: Location;
  len: number;
  /** The client's FIN or RST that ended the wait, quoted after the request. */
  end?: Location;
  by: 'fin' | 'rst' | 'end';
  waited?: number;
}

/** The connections a rule counts: every id, and the first few by id with what the finding quotes of them. */
interface Members<T> {
  ids: IdList;
  first: FirstById<T>;
}

const members = <T>(n: number): Members<T> => ({ ids: new IdList(), first: new FirstById<T>(n) });

function note<T>(p: Members<T>, id: number, v: () => T): void {
  p.ids.push(id);
  if (p.first.wants(id)) p.first.add(id, v());
}

class ServerFacts {
  served = 0;
  unanswered?: Members<SynDetail> & { tries: number };
  refused?: Members<Location[]>;
  own?: OwnFindings[];
  resetAfterRequest?: Members<{ req: Location; rst: Location; len: number }>;
  /** Requests whose wait ended before the capture did (the client's FIN or RST). */
  silent?: Members<Unanswered> & { longest?: Unanswered };
  /** Requests whose wait had not ended (no timed FIN or RST) when the connection was handed over: judged against the capture's last packet time. One small object each. */
  silentOpen?: Unanswered[];
  closeWait?: Members<Location>;
  /** FINs of the client with nothing after them from the server: judged against the capture's last packet time. One small object each. */
  closeWaitOpen?: Array<{ id: number; time: number; at: Location }>;
  constructor(public firstId: number) {}
}

class PairFacts {
  short?: { ids: IdList; durations: NumList<Float64Array>; start: number; end: number; ports: Set<string>; first: FirstById<Location> };
  constructor(public firstId: number, readonly host: string, readonly resp: string) {}
}

/** Longer wait first; the earlier connection on a tie. */
const longer = (a: Unanswered, b: Unanswered) => (b.waited! > a.waited! || (b.waited === a.waited && b.id < a.id) ? b : a);

/** The connection outline `correlate` reads. */
export type ConnectionOutline = Pick<Connection, 'id' | 'orig' | 'resp' | 'start' | 'end' | 'synSeen' | 'synAckSeen'>;

export class NetworkFacts {
  /** Connections added. */
  count = 0;
  private maxId = 0;
  private readonly endpoints = new Endpoints();
  private readonly servers = new Map<string, ServerFacts>();
  private readonly pairs = new Map<string, PairFacts>();
  // The correlation outline of every connection, by id − 1.
  private readonly origOf = new Column(Uint32Array);
  private readonly respOf = new Column(Uint32Array);
  private readonly startOf = new Column(Float64Array);
  private readonly endOf = new Column(Float64Array);
  /** 1: present, 2: SYN seen, 4: SYN-ACK seen. */
  private readonly bitsOf = new Column(Uint8Array);

  /** One connection whose summary and facts are final; neither is kept. */
  add(c: Connection, f: ConnFacts | undefined): void {
    const id = c.id;
    this.count++;
    if (id > this.maxId) this.maxId = id;
    const o = this.endpoints.id(c.orig), r = this.endpoints.id(c.resp);
    const resp = this.endpoints.text[r]!;
    this.origOf.set(id - 1, o);
    this.respOf.set(id - 1, r);
    this.startOf.set(id - 1, c.start);
    this.endOf.set(id - 1, c.end);
    this.bitsOf.set(id - 1, 1 | (c.synSeen ? 2 : 0) | (c.synAckSeen ? 4 : 0));

    // Servers, and client host and server pairs, are taken in order of their first connection.
    let g = this.servers.get(resp);
    if (!g) this.servers.set(resp, (g = new ServerFacts(id)));
    else if (id < g.firstId) g.firstId = id;
    if (c.synAckSeen) g.served++;
    if (c.synSeen && !c.synAckSeen && c.reset === undefined && c.synTries >= 2) {
      const u = (g.unanswered ??= { ...members<SynDetail>(SYN_EVIDENCE), tries: 0 });
      u.tries += c.synTries;
      note(u, id, () => ({ evidence: synEvidence(c, f), tries: c.synTries, intervals: c.synRetransmits.map((x) => x.interval) }));
    }
    if (c.reset === 'rst-to-syn') note((g.refused ??= members(REFUSED_QUOTED)), id, () => [c.firstPacket, f?.firstRst?.at ?? c.lastPacket]);
    if (f) this.facts(g, c, f);

    const host = this.endpoints.host[o]!;
    const pairKey = `${host} ${resp}`;
    let p = this.pairs.get(pairKey);
    if (!p) this.pairs.set(pairKey, (p = new PairFacts(id, host, resp)));
    else if (id < p.firstId) p.firstId = id;
    if (c.synAckSeen && c.end - c.start < SHORT_SECONDS && f?.origFin && (!f.respFin || (f.origFin.time ?? 0) <= (f.respFin.time ?? Infinity))) {
      const s = (p.short ??= { ids: new IdList(), durations: new NumList(Float64Array), start: Infinity, end: -Infinity, ports: new Set(), first: new FirstById(SHORT_QUOTED) });
      s.ids.push(id);
      s.durations.push(c.end - c.start);
      s.start = Math.min(s.start, c.start);
      s.end = Math.max(s.end, c.end);
      s.ports.add(this.endpoints.port[o]!);
      s.first.add(id, c.firstPacket);
    }
  }

  private facts(g: ServerFacts, c: Connection, f: ConnFacts): void {
    const id = c.id;
    const own: OwnFindings = { id };
    const by = f.firstRst?.orig ? 'client' : 'server';
    if (c.reset === 'rst-after-handshake' && f.firstRst) {
      own.resetAfterHandshake = { first: c.firstPacket, rst: f.firstRst.at, by };
    } else if (f.firstRequest && !f.firstResponse && f.firstRst && !f.firstRst.orig) {
      const req = f.firstRequest, rst = f.firstRst;
      note((g.resetAfterRequest ??= members(REQUEST_QUOTED)), id, () => ({ req: req.at, rst: rst.at, len: req.len }));
    } else if (f.firstRequest && !f.firstResponse && !(f.firstRst && !f.firstRst.orig) && f.firstRequest.time !== undefined) {
      const u: Unanswered = { id, time: f.firstRequest.time, req: f.firstRequest.at, len: f.firstRequest.len, by: f.origFin ? 'fin' : f.firstRst ? 'rst' : 'end' };
      const end = f.origFin?.at ?? f.firstRst?.at;
      if (end) u.end = end;
      const gaveUp = f.origFin?.time ?? f.firstRst?.time;
      if (gaveUp === undefined) (g.silentOpen ??= []).push(u);
      else if (gaveUp - u.time >= SILENCE_SECONDS) {
        u.waited = gaveUp - u.time;
        g.silent ??= members(REQUEST_QUOTED);
        const s = g.silent;
        note(s, id, () => u);
        s.longest = s.longest ? longer(s.longest, u) : u;
      }
    }
    if (f.zeroWindow.orig + f.zeroWindow.resp > 0 && f.zeroWindow.first) {
      own.zeroWindow = { side: f.zeroWindow.resp >= f.zeroWindow.orig ? 'The server' : 'The client', count: f.zeroWindow.orig + f.zeroWindow.resp, first: f.zeroWindow.first };
    }
    if (f.dataRetransmits >= RETRANSMISSIONS_MIN && f.firstRetransmit) own.retransmissions = { count: f.dataRetransmits, first: f.firstRetransmit };
    if (own.resetAfterHandshake || own.zeroWindow || own.retransmissions) (g.own ??= []).push(own);
    // Closed by the client, never by the server.
    if (f.origFin && !f.respFin && !f.firstRst) {
      const fin = f.origFin;
      if (f.respAfterOrigFin || fin.time === undefined) note((g.closeWait ??= members(CLOSE_WAIT_QUOTED)), id, () => fin.at);
      else (g.closeWaitOpen ??= []).push({ id, time: fin.time, at: fin.at });
    }
  }

  /** The server (responder) endpoint of connection `id`, if it was added. */
  serverOf(id: number): string | undefined {
    return this.bitsOf.get(id - 1) & 1 ? this.endpoints.text[this.respOf.get(id - 1)] : undefined;
  }

  /** Every connection's outline, in id order, for correlating them with the syscalls. */
  outlines(): ConnectionOutline[] {
    const out: ConnectionOutline[] = [];
    for (let i = 0; i < this.maxId; i++) {
      const bits = this.bitsOf.get(i);
      if (!(bits & 1)) continue;
      out.push({ id: i + 1, orig: this.endpoints.text[this.origOf.get(i)]!, resp: this.endpoints.text[this.respOf.get(i)]!, start: this.startOf.get(i), end: this.endOf.get(i), synSeen: (bits & 2) !== 0, synAckSeen: (bits & 4) !== 0 });
    }
    return out;
  }

  /** What is kept, for tests and measurement: bytes in typed arrays, and objects kept per group. */
  retained(): { connections: number; servers: number; pairs: number; endpoints: number; numberBytes: number; detailObjects: number } {
    let numberBytes = this.origOf.bytes() + this.respOf.bytes() + this.startOf.bytes() + this.endOf.bytes() + this.bitsOf.bytes();
    let detailObjects = 0;
    const p = (x: Members<unknown> | undefined) => {
      if (!x) return;
      numberBytes += x.ids.bytes();
      detailObjects += x.first.values.length;
    };
    for (const g of this.servers.values()) {
      p(g.unanswered);
      p(g.refused);
      p(g.resetAfterRequest);
      p(g.silent);
      p(g.closeWait);
      detailObjects += (g.own?.length ?? 0) + (g.silentOpen?.length ?? 0) + (g.closeWaitOpen?.length ?? 0);
    }
    for (const q of this.pairs.values()) {
      if (!q.short) continue;
      numberBytes += q.short.ids.bytes() + q.short.durations.bytes();
      detailObjects += q.short.first.values.length;
    }
    return { connections: this.count, servers: this.servers.size, pairs: this.pairs.size, endpoints: this.endpoints.text.length, numberBytes, detailObjects };
  }

  /** The findings, as the rules give them over every connection; `lastPacketTime` is the capture's end. */
  findings(lastPacketTime: number | undefined): RawFinding[] {
    const out: RawFinding[] = [];
    for (const [server, g] of [...this.servers].sort((a, b) => a[1].firstId - b[1].firstId)) {
      const srv = serverText({ resp: server });
      const port = portOf(server);
      const u = g.unanswered;
      if (u && u.ids.length >= 2 && g.served > 0) {
        out.push(withConns(makeFinding('tcp.syn-unanswered-many', { clients: u.ids.length, server: srv, tries: u.tries, served: g.served }, u.first.values.flatMap((d) => d.evidence).slice(0, SYN_EVIDENCE), `syn-many ${port}`), u.ids.sorted()));
      } else if (u) {
        u.first.values.slice(0, SYN_SINGLE).forEach((d, k) => {
          const intervals = d.intervals.map((x) => seconds(x)).join(', ');
          out.push(withConns(makeFinding('tcp.syn-unanswered', { server: srv, tries: d.tries, intervals: `retries ${intervals} after the one before`, kernelGiveUp: `${DEFAULT_SYN_GIVE_UP} s (the default ${DEFAULT_SYN_RETRIES} retries)` }, d.evidence, `syn ${port}`), [u.first.ids[k]!]));
        });
      }
      if (g.refused) out.push(withConns(makeFinding('tcp.refused', { server: srv }, g.refused.first.values.flat(), `refused ${port}`), g.refused.ids.sorted()));
      for (const o of [...(g.own ?? [])].sort((a, b) => a.id - b.id)) {
        if (o.resetAfterHandshake) {
          const r = o.resetAfterHandshake;
          out.push(withConns(makeFinding('tcp.reset-after-handshake', { server: srv, by: r.by }, [r.first, r.rst], `reset-hs ${port} ${r.by}`), [o.id]));
        }
        if (o.zeroWindow) {
          const z = o.zeroWindow;
          out.push(withConns(makeFinding('tcp.zero-window', { side: z.side, server: srv, count: z.count }, [z.first], `zero-window ${port} ${z.side}`), [o.id]));
        }
        if (o.retransmissions) out.push(withConns(makeFinding('tcp.retransmissions', { server: srv, count: o.retransmissions.count }, [o.retransmissions.first], `retrans ${port}`), [o.id]));
      }
      const rar = g.resetAfterRequest;
      if (rar) {
        const ev = rar.first.values.flatMap((x) => [x.req, x.rst]);
        out.push(withConns(makeFinding('tcp.reset-after-request', { count: rar.ids.length, server: srv, by: 'server', requestBytes: rar.first.values[0]!.len }, ev, `reset-req ${port}`), rar.ids.sorted()));
      }
      this.silentFinding(out, g, srv, port, lastPacketTime);
      this.closeWaitFinding(out, g, srv, port, lastPacketTime);
    }

    // Many short connections from one client host to one server, closed first by the client.
    for (const p of [...this.pairs.values()].sort((a, b) => a.firstId - b.firstId)) {
      const s = p.short;
      if (!s || s.ids.length < SHORT_MIN_COUNT) continue;
      const count = s.ids.length;
      const span = s.end - s.start;
      const durations = s.durations.toArray().sort((a, b) => a - b);
      const reusedPorts = count - s.ports.size;
      const reused = reusedPorts > 0 ? `, and ${reusedPorts} of them reused a source port an earlier one had` : '';
      out.push(withConns(makeFinding('tcp.short-connections', {
        count, client: p.host, server: serverText(p), span: seconds(span), typical: seconds(durations[durations.length >> 1]!),
        reused, rate: span > 0 ? (count / span).toFixed(1) : String(count),
      }, [...s.first.values], `short ${portOf(p.resp)}`), s.ids.sorted()));
    }
    return out;
  }

  /** tcp.no-response: requests unanswered for SILENCE_SECONDS until the client gave up or the capture ended. */
  private silentFinding(out: RawFinding[], g: ServerFacts, srv: string, port: string, last: number | undefined): void {
    const late = last === undefined ? [] : (g.silentOpen ?? []).filter((u) => last - u.time >= SILENCE_SECONDS).map((u) => ({ ...u, waited: last - u.time }));
    const count = (g.silent?.ids.length ?? 0) + late.length;
    if (!count) return;
    const first = [...(g.silent?.first.values ?? []), ...late].sort((a, b) => a.id - b.id).slice(0, REQUEST_QUOTED);
    const longest = [...(g.silent?.longest ? [g.silent.longest] : []), ...late].reduce(longer);
    const end = longest.by === 'fin' ? 'until the client closed the connection' : longest.by === 'rst' ? 'until the client reset it' : 'until the capture ended, the client still waiting';
    const ev = first.flatMap((u) => [u.req, ...(u.end ? [u.end] : [])]);
    const ids = [...(g.silent?.ids.sorted() ?? []), ...late.map((u) => u.id)].sort((a, b) => a - b);
    out.push(withConns(makeFinding('tcp.no-response', { count, server: srv, requestBytes: first[0]!.len, duration: seconds(longest.waited!), end }, ev, `no-response ${port}`), ids));
  }

  /** tcp.close-wait: closed by the client, never by the server, while the capture went on. */
  private closeWaitFinding(out: RawFinding[], g: ServerFacts, srv: string, port: string, last: number | undefined): void {
    const late = (g.closeWaitOpen ?? []).filter((w) => last === undefined || last - w.time >= CLOSE_WAIT_MIN_AGE);
    const count = (g.closeWait?.ids.length ?? 0) + late.length;
    if (!count) return;
    const firstIds = g.closeWait?.first.ids ?? [];
    const first = [...(g.closeWait?.first.values ?? []).map((at, k) => ({ id: firstIds[k]!, at })), ...late].sort((a, b) => a.id - b.id).slice(0, CLOSE_WAIT_QUOTED);
    const ids = [...(g.closeWait?.ids.sorted() ?? []), ...late.map((w) => w.id)].sort((a, b) => a - b);
    out.push(withConns(makeFinding('tcp.close-wait', { count, server: srv }, first.map((w) => w.at), `close-wait ${port}`), ids));
  }
}

export function networkFindings(inc: Incident): RawFinding[] {
  return inc.network.findings(inc.lastPacketTime);
}
