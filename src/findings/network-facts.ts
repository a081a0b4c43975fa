/**
 * What the network rules (src/findings/rules/network.ts) keep of the
 * connections of a capture, which the incident builder folds in one by one.
 *
 * Streaming (issue 8): the incident builder hands each connection here once,
 * when its summary and facts are final (the TCP analysis let go of it, or
 * the input ended), and forgets it. `NetworkFacts` keeps what the rules
 * read, per server and per client host and server: counts, the first few
 * connections by id with their evidence, and where a rule needs every
 * connection, numbers only (ids, the durations of short connections, and
 * the outline correlation reads: ~25 bytes a connection). Rules that depend
 * on the capture's last packet time keep the few connections that wait on
 * it, to be judged when the findings are made.
 */
import type { Location } from '../model/events.js';
import { Column } from '../model/columns.js';
import type { Connection } from '../analysis/tcp/index.js';
import type { ConnFacts } from './incident.js';
import {
  CLOSE_WAIT_QUOTED, REFUSED_QUOTED, REQUEST_QUOTED, RETRANSMISSIONS_MIN, SHORT_QUOTED, SHORT_SECONDS, SILENCE_SECONDS, SYN_EVIDENCE,
  hostOf, longer, portOf,
} from './rules/network.js';

// ---------------------------------------------------------------------------
// Compact storage.

/** Chunks of 4,096: there is a list per server and per client host and server, most of them short. */
const SIZE = { first: 4, chunk: 4096 };

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

export interface SynDetail {
  evidence: Location[];
  tries: number;
  intervals: number[];
}

/** The findings about one connection alone, kept as their facts (small) until the findings are made. */
export interface OwnFindings {
  id: number;
  resetAfterHandshake?: { first: Location; rst: Location; by: string };
  zeroWindow?: { side: string; count: number; first: Location };
  retransmissions?: { count: number; first: Location };
}

/** A request never answered, the server never resetting. */
export interface Unanswered {
  id: number;
  time: number;
  req: Location;
  len: number;
  /** The client's FIN or RST that ended the wait, quoted after the request. */
  end?: Location;
  by: 'fin' | 'rst' | 'end';
  waited?: number;
}

/** The connections a rule counts: every id (4 bytes each), and the first few by id with what the finding quotes of them. */
export interface Members<T> {
  ids: Column<Uint32Array>;
  first: FirstById<T>;
}

const members = <T>(n: number): Members<T> => ({ ids: new Column(Uint32Array, SIZE), first: new FirstById<T>(n) });

function note<T>(p: Members<T>, id: number, v: () => T): void {
  p.ids.push(id);
  if (p.first.wants(id)) p.first.add(id, v());
}

function synEvidence(c: Connection, f: ConnFacts | undefined): Location[] {
  return f?.synAt.length ? f.synAt : [c.firstPacket];
}

export class ServerFacts {
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

export class PairFacts {
  short?: { ids: Column<Uint32Array>; durations: Column<Float64Array>; start: number; end: number; ports: Set<string>; first: FirstById<Location> };
  constructor(public firstId: number, readonly host: string, readonly resp: string) {}
}

/** The connection outline `correlate` reads. */
export type ConnectionOutline = Pick<Connection, 'id' | 'orig' | 'resp' | 'start' | 'end' | 'synSeen' | 'synAckSeen'>;

export class NetworkFacts {
  /** Connections added. */
  count = 0;
  private maxId = 0;
  private readonly endpoints = new Endpoints();
  /** By server endpoint; the rules take them in order of `firstId`. */
  readonly servers = new Map<string, ServerFacts>();
  /** By client host and server endpoint; the rules take them in order of `firstId`. */
  readonly pairs = new Map<string, PairFacts>();
  // The correlation outline of every connection, by id − 1.
  private readonly origOf = new Column(Uint32Array, SIZE);
  private readonly respOf = new Column(Uint32Array, SIZE);
  private readonly startOf = new Column(Float64Array, SIZE);
  private readonly endOf = new Column(Float64Array, SIZE);
  /** 1: present, 2: SYN seen, 4: SYN-ACK seen. */
  private readonly bitsOf = new Column(Uint8Array, SIZE);

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
      const s = (p.short ??= { ids: new Column(Uint32Array, SIZE), durations: new Column(Float64Array, SIZE), start: Infinity, end: -Infinity, ports: new Set(), first: new FirstById(SHORT_QUOTED) });
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
}
