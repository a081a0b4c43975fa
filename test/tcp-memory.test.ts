/**
 * Issue 8: `analyze` of a huge capture in bounded memory. The TCP analysis
 * lets go of a connection once it is over (closed and lingered, or replaced
 * on its ports) and hands its summary to the incident builder, which folds
 * it into the network rules' `NetworkFacts` and forgets it. These tests show
 * the structure stays bounded (tracks, queued tracks, open facts, objects
 * kept per server), and that the findings are exactly those of the rules as
 * they were before (kept here as the oracle: every connection's summary and
 * facts kept to the end, the rules run over them), on synthetic traffic
 * built to end connections out of id order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TcpAnalyzer, type Connection } from '../src/analysis/tcp/index.js';
import { correlate } from '../src/analysis/correlate/index.js';
import { parseEndpoint } from '../src/analysis/correlate/endpoints.js';
import { IncidentBuilder, type ConnFacts } from '../src/findings/incident.js';
import { networkFindings } from '../src/findings/rules/network.js';
import { makeFinding } from '../src/findings/rules/make.js';
import type { RawFinding } from '../src/findings/types.js';
import { TH, flagBits } from '../src/knowledge/tcp.js';
import type { Location, PacketEvent, TraceEvent } from '../src/model/events.js';
import { openTraces } from '../src/readers/open.js';
import { REPO } from './helpers/corpus.js';

// ------------------------------------------------------------------ oracle
// The incident builder's per-connection facts and the network rules as they
// were before streaming (src/findings/incident.ts and rules/network.ts at
// the parent commit), over every connection at the end.

interface OracleIncident {
  connections: Connection[];
  conn: Map<number, ConnFacts>;
  lastPacketTime?: number;
}

const oLoc = (ev: TraceEvent): Location => {
  const l: Location = { file: ev.file };
  if (ev.line !== undefined) l.line = ev.line;
  else if (ev.packet !== undefined) l.packet = ev.packet;
  return l;
};
const oAt = (ev: TraceEvent) => (ev.time !== undefined ? { at: oLoc(ev), time: ev.time } : { at: oLoc(ev) });

function oracleIncident(events: TraceEvent[]): OracleIncident {
  const tcp = new TcpAnalyzer();
  const conn = new Map<number, ConnFacts>();
  let lastPacketTime: number | undefined;
  for (const ev of events) {
    if (ev.kind !== 'packet') continue;
    if (ev.time !== undefined) lastPacketTime = ev.time;
    const a = tcp.add(ev);
    if (!a || a.flags.includes('duplicate-copy')) continue;
    let f = conn.get(a.conn);
    if (!f) conn.set(a.conn, (f = { conn: a.conn, zeroWindow: { orig: 0, resp: 0 }, dataRetransmits: 0, synAt: [] }));
    const orig = a.dir === 'orig';
    const bits = flagBits(ev.flags!) ?? 0;
    const len = ev.len ?? 0;
    const retrans = a.flags.some((x) => x === 'retransmission' || x === 'fast-retransmission' || x === 'spurious-retransmission');
    if ((bits & TH.SYN) !== 0 && !(bits & TH.ACK) && orig) f.synAt.push(oLoc(ev));
    if (len > 0 && (bits & TH.RST) === 0) {
      if (orig) f.firstRequest ??= { ...oAt(ev), len };
      else f.firstResponse ??= oAt(ev);
      if (retrans) {
        f.dataRetransmits++;
        f.firstRetransmit ??= oLoc(ev);
      }
    }
    if (!orig && f.origFin) f.respAfterOrigFin = true;
    if ((bits & TH.FIN) !== 0) {
      if (orig) f.origFin ??= oAt(ev);
      else f.respFin ??= oAt(ev);
    }
    if ((bits & TH.RST) !== 0) f.firstRst ??= { ...oAt(ev), orig };
    if (a.flags.includes('zero-window')) {
      if (orig) f.zeroWindow.orig++;
      else f.zeroWindow.resp++;
      f.zeroWindow.first ??= oLoc(ev);
    }
  }
  return { connections: tcp.connections(), conn, ...(lastPacketTime !== undefined ? { lastPacketTime } : {}) };
}

const DEFAULT_SYN_RETRIES = 6;
const DEFAULT_SYN_GIVE_UP = 127;
const SILENCE_SECONDS = 1;
const CLOSE_WAIT_MIN_AGE = 0.2;
const SHORT_MIN_COUNT = 10;
const SHORT_SECONDS = 1;
const RETRANSMISSIONS_MIN = 3;
const seconds = (d: number): string => (d >= 100 ? `${d.toFixed(0)} s` : d >= 1 ? `${d.toFixed(d >= 10 ? 1 : 2)} s` : `${(d * 1000).toFixed(d < 0.01 ? 2 : 0)} ms`);
const hostOf = (endpoint: string) => parseEndpoint(endpoint)?.ip ?? endpoint;
const portOf = (endpoint: string) => String(parseEndpoint(endpoint)?.port ?? '?');
const serverText = (c: Connection) => `${hostOf(c.resp)} port ${portOf(c.resp)}`;

function withConns(f: RawFinding, conns: Connection[]): RawFinding {
  f.conns = conns.map((c) => c.id);
  return f;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function oracleSynEvidence(c: Connection, f: ConnFacts | undefined): Location[] {
  return f?.synAt.length ? f.synAt : [c.firstPacket];
}

function oracleFindings(inc: OracleIncident): RawFinding[] {
  const out: RawFinding[] = [];
  const facts = (c: Connection) => inc.conn.get(c.id);
  const byServer = groupBy(inc.connections, (c) => c.resp);

  for (const [server, conns] of byServer) {
    const unanswered = conns.filter((c) => c.synSeen && !c.synAckSeen && c.reset === undefined && c.synTries >= 2);
    const served = conns.filter((c) => c.synAckSeen);
    const srv = serverText(conns[0]!);
    if (unanswered.length >= 2 && served.length > 0) {
      const tries = unanswered.reduce((n, c) => n + c.synTries, 0);
      out.push(withConns(makeFinding('tcp.syn-unanswered-many', { clients: unanswered.length, server: srv, tries, served: served.length }, unanswered.flatMap((c) => oracleSynEvidence(c, facts(c))).slice(0, 12), `syn-many ${portOf(server)}`), unanswered));
    } else {
      for (const c of unanswered.slice(0, 3)) {
        const intervals = c.synRetransmits.map((r) => seconds(r.interval)).join(', ');
        out.push(withConns(makeFinding('tcp.syn-unanswered', { server: srv, tries: c.synTries, intervals: `retries ${intervals} after the one before`, kernelGiveUp: `${DEFAULT_SYN_GIVE_UP} s (the default ${DEFAULT_SYN_RETRIES} retries)` }, oracleSynEvidence(c, facts(c)), `syn ${portOf(server)}`), [c]));
      }
    }
    const refused = conns.filter((c) => c.reset === 'rst-to-syn');
    if (refused.length) {
      const ev = refused.slice(0, 3).flatMap((c) => [c.firstPacket, facts(c)?.firstRst?.at ?? c.lastPacket]);
      out.push(withConns(makeFinding('tcp.refused', { server: srv }, ev, `refused ${portOf(server)}`), refused));
    }
    const silent: Array<{ c: Connection; f: ConnFacts; waited: number }> = [];
    const resetAfterRequest: Array<{ c: Connection; f: ConnFacts }> = [];
    for (const c of conns) {
      const f = facts(c);
      if (!f) continue;
      const by = f.firstRst?.orig ? 'client' : 'server';
      if (c.reset === 'rst-after-handshake' && f.firstRst) {
        out.push(withConns(makeFinding('tcp.reset-after-handshake', { server: srv, by }, [c.firstPacket, f.firstRst.at], `reset-hs ${portOf(server)} ${by}`), [c]));
      } else if (f.firstRequest && !f.firstResponse && f.firstRst && !f.firstRst.orig) {
        resetAfterRequest.push({ c, f });
      } else if (f.firstRequest && !f.firstResponse && !(f.firstRst && !f.firstRst.orig) && f.firstRequest.time !== undefined) {
        const gaveUp = f.origFin?.time ?? f.firstRst?.time ?? inc.lastPacketTime;
        if (gaveUp !== undefined && gaveUp - f.firstRequest.time >= SILENCE_SECONDS) silent.push({ c, f, waited: gaveUp - f.firstRequest.time });
      }
      if (f.zeroWindow.orig + f.zeroWindow.resp > 0 && f.zeroWindow.first) {
        const side = f.zeroWindow.resp >= f.zeroWindow.orig ? 'The server' : 'The client';
        out.push(withConns(makeFinding('tcp.zero-window', { side, server: srv, count: f.zeroWindow.orig + f.zeroWindow.resp }, [f.zeroWindow.first], `zero-window ${portOf(server)} ${side}`), [c]));
      }
      if (f.dataRetransmits >= RETRANSMISSIONS_MIN && f.firstRetransmit) {
        out.push(withConns(makeFinding('tcp.retransmissions', { server: srv, count: f.dataRetransmits }, [f.firstRetransmit], `retrans ${portOf(server)}`), [c]));
      }
    }
    if (resetAfterRequest.length) {
      const ev = resetAfterRequest.slice(0, 6).flatMap(({ f }) => [f.firstRequest!.at, f.firstRst!.at]);
      out.push(withConns(makeFinding('tcp.reset-after-request', { count: resetAfterRequest.length, server: srv, by: 'server', requestBytes: resetAfterRequest[0]!.f.firstRequest!.len }, ev, `reset-req ${portOf(server)}`), resetAfterRequest.map((x) => x.c)));
    }
    if (silent.length) {
      const longest = silent.reduce((a, b) => (b.waited > a.waited ? b : a));
      const end = longest.f.origFin ? 'until the client closed the connection' : longest.f.firstRst ? 'until the client reset it' : 'until the capture ended, the client still waiting';
      const ev = silent.slice(0, 6).flatMap(({ f }) => [f.firstRequest!.at, ...(f.origFin ? [f.origFin.at] : f.firstRst ? [f.firstRst.at] : [])]);
      out.push(withConns(makeFinding('tcp.no-response', { count: silent.length, server: srv, requestBytes: silent[0]!.f.firstRequest!.len, duration: seconds(longest.waited), end }, ev, `no-response ${portOf(server)}`), silent.map((x) => x.c)));
    }
    // Closed by the client, never by the server, while the capture went on.
    const closeWait = conns.filter((c) => {
      const f = facts(c);
      return f?.origFin && !f.respFin && !f.firstRst && (f.respAfterOrigFin || inc.lastPacketTime === undefined || f.origFin.time === undefined || inc.lastPacketTime - f.origFin.time >= CLOSE_WAIT_MIN_AGE);
    });
    if (closeWait.length) {
      out.push(withConns(makeFinding('tcp.close-wait', { count: closeWait.length, server: srv }, closeWait.slice(0, 8).map((c) => facts(c)!.origFin!.at), `close-wait ${portOf(server)}`), closeWait));
    }
  }

  // Many short connections from one client host to one server, closed first by the client.
  const byPair = groupBy(inc.connections, (c) => `${hostOf(c.orig)} ${c.resp}`);
  for (const conns of byPair.values()) {
    const short = conns.filter((c) => {
      const f = facts(c);
      return c.synAckSeen && c.end - c.start < SHORT_SECONDS && f?.origFin && (!f.respFin || (f.origFin.time ?? 0) <= (f.respFin.time ?? Infinity));
    });
    if (short.length < SHORT_MIN_COUNT) continue;
    const span = Math.max(...short.map((c) => c.end)) - Math.min(...short.map((c) => c.start));
    const durations = short.map((c) => c.end - c.start).sort((a, b) => a - b);
    const ports = short.map((c) => portOf(c.orig));
    const reusedPorts = ports.length - new Set(ports).size;
    const reused = reusedPorts > 0 ? `, and ${reusedPorts} of them reused a source port an earlier one had` : '';
    out.push(withConns(makeFinding('tcp.short-connections', {
      count: short.length, client: hostOf(short[0]!.orig), server: serverText(short[0]!), span: seconds(span), typical: seconds(durations[durations.length >> 1]!),
      reused, rate: span > 0 ? (short.length / span).toFixed(1) : String(short.length),
    }, short.slice(0, 5).map((c) => c.firstPacket), `short ${portOf(short[0]!.resp)}`), short));
  }
  return out;
}

// --------------------------------------------------------------- traffic
// Synthetic clients of three servers on a few source ports (so ports are
// reused mid-flight, retiring connections out of id order), with SYNs
// unanswered or refused, resets after the handshake and the request,
// requests left unanswered (the client giving up with a FIN or RST, or
// waiting to the end), connections left in CLOSE_WAIT or open, zero
// windows, retransmitted requests, duplicate copies, and now and then a
// gap longer than the flow table's 60 s linger.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILE = 'synthetic.pcap';

function traffic(seed: number, count: number, opts: { ports?: number; pace?: number } = {}): PacketEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const servers = ['10.0.0.1.80', '10.0.0.1.443', '10.0.0.2.8080'];
  const hosts = ['192.168.1.5', '192.168.1.6'];
  const out: Array<Omit<PacketEvent, 'packet'>> = [];
  let clock = 1_000;
  for (let i = 0; i < count; i++) {
    clock += r() < 0.03 ? 61 + r() * 30 : r() * (opts.pace ?? 0.05);
    const cli = `${pick(hosts)}.${40_000 + Math.floor(r() * (opts.ports ?? 12))}`;
    const srv = pick(servers);
    let t = clock;
    let cs = Math.floor(r() * 2 ** 32) >>> 0, ss = Math.floor(r() * 2 ** 32) >>> 0;
    const send = (fromClient: boolean, flags: string, len = 0, win = 1000, advance = true, dt?: number) => {
      t += dt ?? (r() < 0.1 ? 0.5 + r() * 3 : r() * 0.01);
      const ev: Omit<PacketEvent, 'packet'> = { kind: 'packet', file: FILE, time: t, proto: 'tcp', src: fromClient ? cli : srv, dst: fromClient ? srv : cli, flags, rawSeq: fromClient ? cs : ss, len, win };
      if (flags.includes('.')) ev.rawAck = fromClient ? ss : cs;
      out.push(ev);
      if (r() < 0.03) out.push({ ...ev });
      const n = len + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);
      if (!advance) return;
      if (fromClient) cs = (cs + n) >>> 0;
      else ss = (ss + n) >>> 0;
    };
    const tries = r() < 0.25 ? 1 + Math.floor(r() * 4) : 1;
    for (let k = 0; k < tries; k++) send(true, 'S', 0, 1000, k === tries - 1, k ? 2 ** (k - 1) : 0);
    const b = r();
    if (b < 0.08) continue;
    if (b < 0.16) {
      send(false, 'R.', 0, 0);
      continue;
    }
    send(false, 'S.');
    send(true, '.');
    if (r() < 0.06) {
      send(r() < 0.5, 'R', 0, 0);
      continue;
    }
    const req = 1 + Math.floor(r() * 400);
    const again = r() < 0.1 ? 3 + Math.floor(r() * 2) : r() < 0.1 ? 1 : 0;
    for (let k = 0; k <= again; k++) send(true, 'P.', req, 1000, k === again);
    const c = r();
    if (c < 0.08) {
      send(false, 'R.', 0, 0);
      continue;
    }
    if (c < 0.2) {
      const d = r();
      if (d < 0.3) {
        send(true, 'F.', 0, 1000, true, 0.5 + r() * 2);
        if (r() < 0.5) send(false, '.');
      } else if (d < 0.5) send(true, 'R.', 0, 0, true, 0.5 + r() * 2);
      continue;
    }
    const zero = r() < 0.08;
    send(false, 'P.', 1 + Math.floor(r() * 1000), zero ? 0 : 1000);
    send(true, '.', 0, zero && r() < 0.5 ? 0 : 1000);
    const e = r();
    if (e < 0.1) {
      send(true, 'F.');
      if (r() < 0.5) send(false, '.');
    } else if (e < 0.15) continue;
    else if (e < 0.6) {
      send(true, 'F.');
      send(false, 'F.');
      send(true, '.');
    } else {
      send(false, 'F.');
      send(true, 'F.');
      send(false, '.');
    }
  }
  // Timeline order (stable), numbered as frames.
  return out.map((ev, i) => ({ ev, i })).sort((a, b) => a.ev.time! - b.ev.time! || a.i - b.i).map(({ ev }, k) => ({ ...ev, packet: k + 1 }));
}

function streamed(events: TraceEvent[]): { findings: RawFinding[]; builder: IncidentBuilder } {
  const builder = new IncidentBuilder([FILE]);
  for (const ev of events) builder.add(ev);
  return { findings: networkFindings(builder.finish()), builder };
}

describe('network findings, streamed, are the rules\' findings over every connection', () => {
  it('synthetic traffic of 40 seeds: the same findings (ids, titles, evidence, connections), in the same order', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const events = traffic(seed, 400);
      const want = oracleFindings(oracleIncident(events));
      const got = streamed(events).findings;
      expect(JSON.stringify(got), `seed ${seed}`).toBe(JSON.stringify(want));
      for (const f of got) seen.add(f.id);
    }
    // The traffic reaches every network rule.
    expect([...seen].sort()).toEqual(['tcp.close-wait', 'tcp.no-response', 'tcp.refused', 'tcp.reset-after-handshake', 'tcp.reset-after-request', 'tcp.retransmissions', 'tcp.short-connections', 'tcp.syn-unanswered', 'tcp.syn-unanswered-many', 'tcp.zero-window']);
  });

  it('connections end out of id order (ports reused mid-flight, the linger, the end of the input)', () => {
    const ends: number[] = [];
    const a = new TcpAnalyzer({ keepConnections: false, onRetire: (c) => ends.push(c.id) });
    for (const ev of traffic(7, 400)) a.add(ev);
    for (const t of a.openTracks()) ends.push(t.conn.id);
    const sorted = [...ends].sort((x, y) => x - y);
    expect(ends).not.toEqual(sorted);
    // Each connection once.
    expect(sorted).toEqual(Array.from({ length: sorted.length }, (_, i) => i + 1));
  });

  it('more closed connections than may linger (1024): the same findings', () => {
    const events = traffic(99, 4000, { ports: 3000, pace: 0.001 });
    const want = oracleFindings(oracleIncident(events));
    expect(JSON.stringify(streamed(events).findings)).toBe(JSON.stringify(want));
    // Findings over many connections each: their counts, first connections by id and all their ids.
    for (const id of ['tcp.short-connections', 'tcp.no-response', 'tcp.close-wait', 'tcp.refused']) expect(want.some((f) => f.id === id && f.conns!.length > 50), id).toBe(true);
  });

  it('correlation reads only a connection\'s outline: the same links from the outlines as from the full summaries', async () => {
    const files = ['samples/captures/http-ok-vs-refused/bad-client.strace', 'samples/captures/http-ok-vs-refused/bad.pcap', 'samples/incidents/003-fd-limit/bad-server.strace', 'samples/incidents/003-fd-limit/bad.pcap'].map((f) => join(REPO, f));
    for (const [strace, pcap] of [[files[0]!, files[1]!], [files[2]!, files[3]!]]) {
      const opened = await openTraces([strace, pcap]);
      const b = new IncidentBuilder(opened.files);
      const full = new TcpAnalyzer();
      for await (const batch of opened.events) for (const ev of batch) {
        b.add(ev);
        full.add(ev);
      }
      const inc = b.finish();
      const key = (c: ReturnType<typeof correlate>) => [c.links.map((l) => [l.flow, l.conn.id, l.socket.pid, l.socket.fd, l.role, l.match]), c.listenQueue.map((q) => [q.flow, q.conn.id])];
      const fromFull = correlate(inc.syscalls!, full.connections());
      expect(fromFull.links.length).toBeGreaterThan(0);
      expect(key(correlate(inc.syscalls!, inc.network.outlines() as Connection[]))).toEqual(key(fromFull));
    }
  });
});

/** Hand-made connections: each a client port and its packets as [time, from the client, flags, payload]. */
function handmade(conns: Array<{ port: number; packets: Array<[number, boolean, string, number?]> }>): PacketEvent[] {
  const srv = '10.0.0.1.80';
  const out: Array<Omit<PacketEvent, 'packet'>> = [];
  for (const { port, packets } of conns) {
    const cli = `192.168.1.5.${port}`;
    let cs = port * 1000, ss = port * 7000;
    for (const [time, fromClient, flags, len = 0] of packets) {
      const ev: Omit<PacketEvent, 'packet'> = { kind: 'packet', file: FILE, time, proto: 'tcp', src: fromClient ? cli : srv, dst: fromClient ? srv : cli, flags, rawSeq: fromClient ? cs : ss, len, win: 1000 };
      if (flags.includes('.')) ev.rawAck = fromClient ? ss : cs;
      out.push(ev);
      const adv = len + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);
      if (fromClient) cs += adv;
      else ss += adv;
    }
  }
  return out.sort((a, b) => a.time! - b.time!).map((ev, k) => ({ ...ev, packet: k + 1 }));
}

describe('rules that wait on the end of the capture', () => {
  // Two requests never answered, both waiting 2 s: one until its client closed (at 3 s), one until the capture ended (4 s).
  const closed = (t0: number) => ({ port: 1001, packets: [[t0, true, 'S'], [t0 + 0.001, false, 'S.'], [t0 + 0.002, true, '.'], [1, true, 'P.', 50], [3, true, 'F.']] as Array<[number, boolean, string, number?]> });
  const waiting = (t0: number) => ({ port: 1002, packets: [[t0, true, 'S'], [t0 + 0.001, false, 'S.'], [t0 + 0.002, true, '.'], [2, true, 'P.', 60], [4, false, '.']] as Array<[number, boolean, string, number?]> });
  it('tcp.no-response: the longest wait, on a tie the earlier connection\'s, whichever ended first', () => {
    for (const [events, end, bytes] of [
      [handmade([closed(0), waiting(0.5)]), 'until the client closed the connection', 50],
      [handmade([closed(0.5), waiting(0)]), 'until the capture ended, the client still waiting', 60],
    ] as const) {
      const got = streamed(events).findings;
      expect(JSON.stringify(got)).toBe(JSON.stringify(oracleFindings(oracleIncident(events))));
      const f = got.find((x) => x.id === 'tcp.no-response')!;
      expect(f.explanation).toContain(end);
      expect(f.title).toContain('2 connection(s)');
      expect(f.explanation).toContain(`(${bytes} bytes on the first)`);
    }
  });
  it('tcp.close-wait: a FIN the server never answered, old enough only by the capture\'s end', () => {
    const fin = (port: number, at: number) => ({ port, packets: [[at - 1, true, 'S'], [at - 0.999, false, 'S.'], [at - 0.998, true, '.'], [at - 0.5, true, 'P.', 10], [at - 0.4, false, 'P.', 10], [at, true, 'F.']] as Array<[number, boolean, string, number?]> });
    for (const last of [2.1, 2.3]) {
      const events = handmade([fin(2001, 2), fin(2002, 1.5), { port: 2003, packets: [[last, true, 'S']] }]);
      const got = streamed(events).findings;
      expect(JSON.stringify(got)).toBe(JSON.stringify(oracleFindings(oracleIncident(events))));
      expect(got.find((x) => x.id === 'tcp.close-wait')?.conns).toEqual(last === 2.1 ? [1] : [1, 2]);
    }
  });
});

// --------------------------------------------------------------- bounded
// One recorded HTTP exchange (12 packets) replayed on its own client port
// every 10 ms, as the bounded-state test of tcp-analysis.test.ts does.

async function replay(times: number): Promise<PacketEvent[]> {
  const opened = await openTraces([join(REPO, 'samples/captures/good-twice/run1.pcap')]);
  const one: PacketEvent[] = [];
  for await (const batch of opened.events) for (const ev of batch) if (ev.kind === 'packet') one.push(ev);
  expect(one).toHaveLength(12);
  const client = one[0]!.src!;
  const t0 = one[0]!.time!;
  const out: PacketEvent[] = [];
  for (let i = 0; i < times; i++) {
    const p = 1024 + (i % 60_000);
    const swap = (e: string) => (e === client ? client.slice(0, client.lastIndexOf('.') + 1) + p : e);
    for (const ev of one) out.push({ ...ev, src: swap(ev.src!), dst: swap(ev.dst!), time: t0 + i * 0.01 + (ev.time! - t0), packet: i * 12 + ev.packet! });
  }
  return out;
}

const LAST_PACKET_FIELDS = ['ack', 'flags', 'ipId', 'len', 'num', 'rawAck', 'rawSeq', 'seq', 'time', 'tsecr', 'tsval', 'win'];

describe('bounded memory: closed connections let go of their state', () => {
  it('the TCP analysis: retired connections handed over once and dropped, the closed queue holds no retired track, a side remembers fields, not the packet', async () => {
    const events = await replay(12_000);
    let retired = 0;
    const a = new TcpAnalyzer({ keepConnections: false, onRetire: () => retired++ });
    let maxTracked = 0, maxQueued = 0;
    events.forEach((ev, i) => {
      a.add(ev);
      maxTracked = Math.max(maxTracked, a.trackedCount());
      if (i % 97 === 0) maxQueued = Math.max(maxQueued, a.queuedCount());
    });
    expect(a.connections()).toHaveLength(0);
    expect(retired + a.trackedCount()).toBe(12_000);
    expect(maxTracked).toBeLessThan(1200);
    expect(maxQueued).toBeLessThanOrEqual(maxTracked);
    for (const t of a.openTracks()) {
      for (const side of [t.o, t.r]) {
        if (!side.last) continue;
        expect(Object.keys(side.last).sort()).toEqual(LAST_PACKET_FIELDS);
        expect(side.recent.length).toBeLessThanOrEqual(32);
      }
    }
  });

  it('the incident builder: facts only for tracked connections; of ended ones, numbers only', async () => {
    const kept = [];
    for (const n of [3_000, 12_000]) {
      const events = await replay(n);
      const b = new IncidentBuilder([events[0]!.file]);
      let maxFacts = 0;
      for (const ev of events) {
        b.add(ev);
        maxFacts = Math.max(maxFacts, b['conn'].size);
      }
      expect(maxFacts).toBeLessThan(1200);
      const inc = b.finish();
      expect(b['conn'].size).toBe(0);
      const r = inc.network.retained();
      expect(r.connections).toBe(n);
      kept.push(r);
      expect(networkFindings(inc)).toEqual([]);
    }
    // Nothing but numbers of a connection that ended well: its outline for correlation (25 bytes, in
    // chunks of 4096 connections); one server, one client host and server pair, an endpoint per client port.
    for (const r of kept) {
      expect(r.detailObjects).toBe(0);
      expect(r.numberBytes / r.connections).toBeLessThan(40);
      expect([r.servers, r.pairs]).toEqual([1, 1]);
      expect(r.endpoints).toBe(r.connections + 1);
    }
  });
});

/** `n` client-closed 5 ms HTTP-like connections from one host to one server, each on its own port, 10 ms apart. */
function shortConnections(n: number): PacketEvent[] {
  const out: PacketEvent[] = [];
  const srv = '10.0.0.1.80';
  for (let i = 0; i < n; i++) {
    const cli = `192.168.1.5.${1024 + (i % 60_000)}`;
    let t = 1_000 + i * 0.01;
    let cs = (i * 7919) >>> 0, ss = (i * 104729 + 5) >>> 0;
    const send = (fromClient: boolean, flags: string, len = 0) => {
      t += 0.0005;
      const ev: PacketEvent = { kind: 'packet', file: FILE, packet: out.length + 1, time: t, proto: 'tcp', src: fromClient ? cli : srv, dst: fromClient ? srv : cli, flags, rawSeq: fromClient ? cs : ss, len, win: 1000 };
      if (flags.includes('.')) ev.rawAck = fromClient ? ss : cs;
      out.push(ev);
      const adv = len + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);
      if (fromClient) cs = (cs + adv) >>> 0;
      else ss = (ss + adv) >>> 0;
    };
    send(true, 'S');
    send(false, 'S.');
    send(true, '.');
    send(true, 'P.', 80);
    send(false, 'P.', 200);
    send(true, '.');
    send(true, 'F.');
    send(false, 'F.');
    send(true, '.');
  }
  return out;
}

describe('bounded memory: what a rule keeps of many ended connections', () => {
  it('many short connections: the first five by id as objects, every id and duration as numbers', () => {
    const kept = [];
    for (const n of [3_000, 12_000]) {
      const events = shortConnections(n);
      const { builder, findings } = streamed(events);
      expect(JSON.stringify(findings)).toBe(JSON.stringify(oracleFindings(oracleIncident(events))));
      kept.push(builder.finish().network.retained());
      const short = findings.find((f) => f.id === 'tcp.short-connections')!;
      expect(short.title).toBe(`${n} short connections from 192.168.1.5 to 10.0.0.1 port 80, each closed first by the client`);
      expect(short.conns).toHaveLength(n);
      expect(short.evidence.map((e) => e.packet)).toEqual([1, 10, 19, 28, 37]);
    }
    expect(kept.map((r) => r.detailObjects)).toEqual([5, 5]);
    // Per connection: its outline (25 bytes), its id and duration (12), in chunks and doubling arrays.
    expect((kept[1]!.numberBytes - kept[0]!.numberBytes) / (kept[1]!.connections - kept[0]!.connections)).toBeLessThan(48);
  });
});

describe('bounded memory: the differ lets go of a flow when the analysis lets go of its connection', () => {
  it('12,000 short connections: flows held stay within the lingering ones, and every connection still gets its lane', async () => {
    const { PacketNormalizer } = await import('../src/diff/normalize-packet.js');
    const { SideBuilder, Interner, laneItems } = await import('../src/diff/side.js');
    // The differ steps only what was seen at the IP layer.
    const events = shortConnections(12_000).map((ev) => ({ ...ev, network: 'IP' as const }));
    // Its own analysis, as `parse`-less library users run it.
    const alone = new PacketNormalizer();
    let mostAlone = 0;
    const flowsAlone = new Set<number>();
    for (const ev of events) {
      for (const step of alone.normalize(ev)) flowsAlone.add(step.flow);
      mostAlone = Math.max(mostAlone, alone.tcpFlowsHeld());
    }
    expect(flowsAlone.size).toBe(12_000);
    // At most the 1,024 closed connections that may linger, plus the one open.
    expect(mostAlone).toBeLessThanOrEqual(1_025);
    expect(alone.tcpFlowsHeld()).toBeLessThanOrEqual(1_025);

    // As a diff reads a side: the incident builder's analysis, its retirements passed on.
    const strings = new Interner();
    const incident = new IncidentBuilder([FILE]);
    const side = new SideBuilder(strings, [FILE]);
    incident.onConnectionRetired((conn) => side.connectionRetired(conn));
    for (const ev of events) side.add(ev, incident.add(ev));
    const s = side.finish();
    const flows = s.lanes.filter((l) => l.packets);
    expect(flows).toHaveLength(12_000);
    const seq = (l: number) => [...laneItems(s, l)].map((i) => strings.text(s.key[i]!)).join(' | ');
    const first = seq(s.lanes.indexOf(flows[0]!));
    expect(first).toBe('tcp:80 c>s SYN | tcp:80 s>c SYN-ACK | tcp:80 c>s data | tcp:80 s>c data | tcp:80 c>s FIN | tcp:80 s>c FIN');
    expect(seq(s.lanes.indexOf(flows[11_999]!))).toBe(first);
  });
});
