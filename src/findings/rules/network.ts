/**
 * tcp.*: what the TCP analysis of a capture (or tcpdump text) shows about
 * each server: SYNs never answered (one client, or several while others
 * are served), refusals, resets after the handshake or the request,
 * requests never answered, connections left in CLOSE_WAIT, zero windows,
 * retransmissions, and bursts of short client-closed connections.
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

const hostOf = (endpoint: string) => parseEndpoint(endpoint)?.ip ?? endpoint;
const portOf = (endpoint: string) => String(parseEndpoint(endpoint)?.port ?? '?');
/** "127.0.0.1 port 18182": how findings name a connection's server. */
export const serverText = (c: Connection) => `${hostOf(c.resp)} port ${portOf(c.resp)}`;

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

function synEvidence(c: Connection, f: ConnFacts | undefined): Location[] {
  return f?.synAt.length ? f.synAt : [c.firstPacket];
}

export function networkFindings(inc: Incident): RawFinding[] {
  const out: RawFinding[] = [];
  const facts = (c: Connection) => inc.conn.get(c.id);
  const byServer = groupBy(inc.connections, (c) => c.resp);

  for (const [server, conns] of byServer) {
    const unanswered = conns.filter((c) => c.synSeen && !c.synAckSeen && c.reset === undefined && c.synTries >= 2);
    const served = conns.filter((c) => c.synAckSeen);
    const srv = serverText(conns[0]!);
    if (unanswered.length >= 2 && served.length > 0) {
      const tries = unanswered.reduce((n, c) => n + c.synTries, 0);
      out.push(withConns(makeFinding('tcp.syn-unanswered-many', { clients: unanswered.length, server: srv, tries, served: served.length }, unanswered.flatMap((c) => synEvidence(c, facts(c))).slice(0, 12), `syn-many ${portOf(server)}`), unanswered));
    } else {
      for (const c of unanswered.slice(0, 3)) {
        const intervals = c.synRetransmits.map((r) => seconds(r.interval)).join(', ');
        out.push(withConns(makeFinding('tcp.syn-unanswered', { server: srv, tries: c.synTries, intervals: `retries ${intervals} after the one before`, kernelGiveUp: `${DEFAULT_SYN_GIVE_UP} s (the default ${DEFAULT_SYN_RETRIES} retries)` }, synEvidence(c, facts(c)), `syn ${portOf(server)}`), [c]));
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
