/**
 * tcp.*: what the TCP analysis of a capture (or tcpdump text) shows about
 * each server: SYNs never answered (one client, or several while others
 * are served), refusals, resets after the handshake or the request,
 * requests never answered, connections left in CLOSE_WAIT, zero windows,
 * retransmissions, and bursts of short client-closed connections.
 *
 * The rules read what `NetworkFacts` (src/findings/network-facts.ts) kept
 * of every connection as it ended, and give the findings over all
 * connections at the end, per server in order of its first connection.
 */
import type { Column } from '../../model/columns.js';
import { parseEndpoint } from '../../analysis/correlate/endpoints.js';
import type { Incident } from '../incident.js';
import type { ServerFacts, Unanswered } from '../network-facts.js';
import type { RawFinding } from '../types.js';
import { makeFinding, seconds } from './make.js';

/** The kernel's default net.ipv4.tcp_syn_retries and what it adds up to (1+2+…+64 s after the first try). */
const DEFAULT_SYN_RETRIES = 6;
const DEFAULT_SYN_GIVE_UP = 127;
/** A request unanswered this long, or a FIN unanswered this long before the capture ends, is not just the capture stopping. */
export const SILENCE_SECONDS = 1;
const CLOSE_WAIT_MIN_AGE = 0.2;
/** Short-connection pile-up: at least this many connections, each shorter than SHORT_SECONDS. */
const SHORT_MIN_COUNT = 10;
export const SHORT_SECONDS = 1;
export const RETRANSMISSIONS_MIN = 3;
/** How many connections each finding quotes evidence from. */
export const SYN_EVIDENCE = 12;
const SYN_SINGLE = 3;
export const REFUSED_QUOTED = 3;
export const REQUEST_QUOTED = 6;
export const CLOSE_WAIT_QUOTED = 8;
export const SHORT_QUOTED = 5;

export const hostOf = (endpoint: string) => parseEndpoint(endpoint)?.ip ?? endpoint;
export const portOf = (endpoint: string) => String(parseEndpoint(endpoint)?.port ?? '?');
/** "127.0.0.1 port 18182": how findings name a connection's server. */
export const serverText = (c: { resp: string }) => `${hostOf(c.resp)} port ${portOf(c.resp)}`;

/** Of two unanswered requests, the one a finding names as the longest wait: the longer wait; the earlier connection on a tie. */
export const longer = (a: Unanswered, b: Unanswered) => (b.waited! > a.waited! || (b.waited === a.waited && b.id < a.id) ? b : a);

const sortedIds = (ids: Column<Uint32Array>): number[] => Array.from(ids.toArray().sort());

function withConns(f: RawFinding, conns: number[]): RawFinding {
  f.conns = conns;
  return f;
}

/** The findings, as the rules give them over every connection; the capture's last packet time judges the waits still open. */
export function networkFindings(inc: Incident): RawFinding[] {
  const { network, lastPacketTime } = inc;
  const out: RawFinding[] = [];
  for (const [server, g] of [...network.servers].sort((a, b) => a[1].firstId - b[1].firstId)) {
    const srv = serverText({ resp: server });
    const port = portOf(server);
    const u = g.unanswered;
    if (u && u.ids.length >= 2 && g.served > 0) {
      out.push(withConns(makeFinding('tcp.syn-unanswered-many', { clients: u.ids.length, server: srv, tries: u.tries, served: g.served }, u.first.values.flatMap((d) => d.evidence).slice(0, SYN_EVIDENCE), `syn-many ${port}`), sortedIds(u.ids)));
    } else if (u) {
      u.first.values.slice(0, SYN_SINGLE).forEach((d, k) => {
        const intervals = d.intervals.map((x) => seconds(x)).join(', ');
        out.push(withConns(makeFinding('tcp.syn-unanswered', { server: srv, tries: d.tries, intervals: `retries ${intervals} after the one before`, kernelGiveUp: `${DEFAULT_SYN_GIVE_UP} s (the default ${DEFAULT_SYN_RETRIES} retries)` }, d.evidence, `syn ${port}`), [u.first.ids[k]!]));
      });
    }
    if (g.refused) out.push(withConns(makeFinding('tcp.refused', { server: srv }, g.refused.first.values.flat(), `refused ${port}`), sortedIds(g.refused.ids)));
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
      out.push(withConns(makeFinding('tcp.reset-after-request', { count: rar.ids.length, server: srv, by: 'server', requestBytes: rar.first.values[0]!.len }, ev, `reset-req ${port}`), sortedIds(rar.ids)));
    }
    silentFinding(out, g, srv, port, lastPacketTime);
    closeWaitFinding(out, g, srv, port, lastPacketTime);
  }

  // Many short connections from one client host to one server, closed first by the client.
  for (const p of [...network.pairs.values()].sort((a, b) => a.firstId - b.firstId)) {
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
    }, [...s.first.values], `short ${portOf(p.resp)}`), sortedIds(s.ids)));
  }
  return out;
}

/** tcp.no-response: requests unanswered for SILENCE_SECONDS until the client gave up or the capture ended. */
function silentFinding(out: RawFinding[], g: ServerFacts, srv: string, port: string, last: number | undefined): void {
  const late = last === undefined ? [] : (g.silentOpen ?? []).filter((u) => last - u.time >= SILENCE_SECONDS).map((u) => ({ ...u, waited: last - u.time }));
  const count = (g.silent?.ids.length ?? 0) + late.length;
  if (!count) return;
  const first = [...(g.silent?.first.values ?? []), ...late].sort((a, b) => a.id - b.id).slice(0, REQUEST_QUOTED);
  const longest = [...(g.silent?.longest ? [g.silent.longest] : []), ...late].reduce(longer);
  const end = longest.by === 'fin' ? 'until the client closed the connection' : longest.by === 'rst' ? 'until the client reset it' : 'until the capture ended, the client still waiting';
  const ev = first.flatMap((u) => [u.req, ...(u.end ? [u.end] : [])]);
  const ids = [...(g.silent ? sortedIds(g.silent.ids) : []), ...late.map((u) => u.id)].sort((a, b) => a - b);
  out.push(withConns(makeFinding('tcp.no-response', { count, server: srv, requestBytes: first[0]!.len, duration: seconds(longest.waited!), end }, ev, `no-response ${port}`), ids));
}

/** tcp.close-wait: closed by the client, never by the server, while the capture went on. */
function closeWaitFinding(out: RawFinding[], g: ServerFacts, srv: string, port: string, last: number | undefined): void {
  const late = (g.closeWaitOpen ?? []).filter((w) => last === undefined || last - w.time >= CLOSE_WAIT_MIN_AGE);
  const count = (g.closeWait?.ids.length ?? 0) + late.length;
  if (!count) return;
  const firstIds = g.closeWait?.first.ids ?? [];
  const first = [...(g.closeWait?.first.values ?? []).map((at, k) => ({ id: firstIds[k]!, at })), ...late].sort((a, b) => a.id - b.id).slice(0, CLOSE_WAIT_QUOTED);
  const ids = [...(g.closeWait ? sortedIds(g.closeWait.ids) : []), ...late.map((w) => w.id)].sort((a, b) => a - b);
  out.push(withConns(makeFinding('tcp.close-wait', { count, server: srv }, first.map((w) => w.at), `close-wait ${port}`), ids));
}
