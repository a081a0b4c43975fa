/**
 * Normalization of packets for the differ: each packet becomes zero, one or
 * two alignment steps on the lane of its flow.
 *
 * A flow is a TCP connection (as the TCP analysis tracks it: a reused port
 * with a new ISN is a new connection), a UDP 4-tuple, or the exchanges
 * between two hosts for other protocols. Its lane is named by the server's
 * end (the protocol and the server port), never the client's ephemeral
 * port, so two runs pair their connections by service and order. A step's
 * key says which way the packet went and what it was (SYN, SYN-ACK, data,
 * FIN, RST, an ICMP error about the flow); everything that differs between
 * two good runs (addresses, ports, sequence numbers, windows, options,
 * sizes, segmentation) stays out. What takes no part, and why, is data in
 * src/knowledge/packet-diff-rules.ts.
 */
import type { PacketEvent } from '../model/events.js';
import { TcpAnalyzer, type PacketAnalysis } from '../analysis/tcp/index.js';
import { parseEndpoint } from '../analysis/correlate/endpoints.js';
import { EPHEMERAL_PORT_MIN } from '../knowledge/diff-rules.js';
import { ICMP6_ERROR_TYPES, ICMP_ERROR_TYPES } from '../knowledge/icmp.js';
import {
  BACKGROUND_ICMP6_TYPES, BACKGROUND_PROTOCOLS, BACKGROUND_UDP_PORTS, DUPLICATE_DATAGRAM_WINDOW,
  FIN_AFTER_DATA, IGNORED_ANALYSIS, KEPT_RETRANSMISSIONS, SEGMENT_ROLES,
} from '../knowledge/packet-diff-rules.js';
import { flagBits, TH } from '../knowledge/tcp.js';

/** Which way a packet went on its flow: client to server or back. */
export type PacketDirection = 'c>s' | 's>c';

export interface PacketStep {
  /** Alignment key: `tcp:18186 c>s SYN`, `udp:53 s>c ICMP-3/3`, `icmp c>s echo-request`. */
  key: string;
  /** The flow's number in this trace, from 1 (its lane). */
  flow: number;
  /** What the flow is, for pairing flows across runs: `tcp:18186`. */
  signature: string;
  /** Seconds since the flow's previous packet (0 for its first); NaN without timestamps. */
  gap: number;
}

/** What telling a second copy of a datagram needs of the flow's previous packet (not the packet: it holds its decoded layers). */
type Sent = Pick<PacketEvent, 'time' | 'src' | 'dst' | 'len' | 'proto' | 'icmpType' | 'ipId'>;

/** Kept for every flow of the trace (a million connections in a large capture): numbers and shared strings only. */
interface Flow {
  id: number;
  signature: string;
  /** The client's endpoint ("ip.port", or the ip for flows without ports). */
  client: string;
  clientIp: string;
  last: number;
  /** The flow's previous packet, for telling a second copy of a datagram (TCP copies are the analysis's). */
  lastEv?: Sent;
  tcp?: boolean;
}

const portOf = (e: string): number | undefined => parseEndpoint(e)?.port;
/** The address of an endpoint; a flow without ports is named by its address alone. */
const ipOf = (e: string): string => parseEndpoint(e)?.ip ?? e;

/** The server of a flow seen first as `src > dst`: the end with the service port, else the destination. */
function serverEnd(src: string, dst: string): 'src' | 'dst' {
  const sp = portOf(src);
  const dp = portOf(dst);
  if (sp !== undefined && dp !== undefined && sp < EPHEMERAL_PORT_MIN && dp >= EPHEMERAL_PORT_MIN) return 'src';
  return 'dst';
}

function icmpWord(ev: PacketEvent): string {
  return `ICMP${ev.proto === 'icmp6' ? '6' : ''}-${ev.icmpType ?? '?'}/${ev.icmpCode ?? '?'}`;
}

export class PacketNormalizer {
  // Only the per-packet answers are needed: no connection summaries kept, so memory follows the open connections.
  // Made on first use: when the caller already analyses the packets (a diff's incident builder) it passes the answers in.
  private tcp: TcpAnalyzer | undefined;
  private readonly tcpFlows = new Map<number, Flow>();
  private readonly flows = new Map<string, Flow>();
  /** The latest flow to a server endpoint from a client address: ICMP errors in tcpdump text quote no client port. */
  private readonly byServer = new Map<string, Flow>();
  private counter = 0;
  /** Signatures (`tcp:80`) are shared by every flow to a service. */
  private readonly signatures = new Map<string, string>();

  /**
   * `tcp`: this packet's TCP analysis when the caller made it (null: not a
   * TCP packet the analysis follows); omitted, the normalizer runs its own.
   * A caller passes it for every packet or for none.
   */
  normalize(ev: PacketEvent, tcp?: PacketAnalysis | null): PacketStep[] {
    if (BACKGROUND_PROTOCOLS.has(ev.proto) || ev.src === undefined || ev.dst === undefined || ev.network === undefined) return [];
    // A later fragment continues a datagram whose first fragment was the step.
    if (ev.frag && ev.frag.offset > 0) return [];
    switch (ev.proto) {
      case 'tcp':
        return this.tcpSteps(ev, tcp === undefined ? (this.tcp ??= new TcpAnalyzer({ keepConnections: false, onRetire: (c) => this.connectionRetired(c.id) })).add(ev) : tcp ?? undefined);
      case 'udp':
        return this.udpSteps(ev);
      case 'icmp':
      case 'icmp6':
        return this.icmpSteps(ev);
      default:
        return this.hostPairStep(ev, ev.proto, ev.proto, 'packet');
    }
  }

  /**
   * The TCP analysis let go of a connection (closed and lingered, or replaced
   * on its ports): no later packet can belong to it, so its flow is dropped.
   * A capture of a million connections then holds the open ones only.
   */
  connectionRetired(conn: number): void {
    this.tcpFlows.delete(conn);
  }

  /** Flows of TCP connections held (open, or closed and lingering): for tests and measurement. */
  tcpFlowsHeld(): number {
    return this.tcpFlows.size;
  }

  private newFlow(proto: string, client: string, server: string, signature: string): Flow {
    let sig = this.signatures.get(signature);
    if (sig === undefined) this.signatures.set(signature, (sig = signature));
    const flow: Flow = { id: ++this.counter, signature: sig, client, clientIp: ipOf(client), last: NaN };
    this.byServer.set(`${proto} ${flow.clientIp} ${server}`, flow);
    return flow;
  }

  private gap(flow: Flow, ev: PacketEvent): number {
    const t = ev.time ?? NaN;
    const g = Number.isNaN(flow.last) ? (Number.isNaN(t) ? NaN : 0) : t - flow.last;
    flow.last = t;
    if (!flow.tcp) flow.lastEv = { time: ev.time, src: ev.src, dst: ev.dst, len: ev.len, proto: ev.proto, icmpType: ev.icmpType, ipId: ev.ipId };
    return g;
  }

  private tcpSteps(ev: PacketEvent, a: PacketAnalysis | undefined): PacketStep[] {
    if (!a) return this.hostPairStep(ev, 'tcp', 'tcp', 'packet');
    let flow = this.tcpFlows.get(a.conn);
    const bits = flagBits(ev.flags!) ?? 0;
    if (!flow) {
      const syn = (bits & TH.SYN) !== 0;
      const ack = (bits & TH.ACK) !== 0;
      const serverIsSrc = syn ? ack : serverEnd(ev.src!, ev.dst!) === 'src';
      const [client, server] = serverIsSrc ? [ev.dst!, ev.src!] : [ev.src!, ev.dst!];
      flow = this.newFlow('tcp', client, server, `tcp:${portOf(server) ?? '?'}`);
      flow.tcp = true;
      this.tcpFlows.set(a.conn, flow);
    }
    if (a.flags.includes('duplicate-copy')) return [];
    const gap = this.gap(flow, ev);
    if (a.flags.some((f) => IGNORED_ANALYSIS[f] !== undefined) && !a.flags.some((f) => KEPT_RETRANSMISSIONS.has(f))) return [];
    const dir: PacketDirection = ev.src === flow.client ? 'c>s' : 's>c';
    const len = ev.len ?? 0;
    const role = SEGMENT_ROLES.find((r) => r.test(bits, len));
    if (!role) return [];
    const step = (word: string, g: number): PacketStep => ({ key: `${flow.signature} ${dir} ${word}`, flow: flow.id, signature: flow.signature, gap: g });
    const steps = [step(role.word, gap)];
    if (role.word === 'data' && (bits & TH.FIN) !== 0) steps.push(step(FIN_AFTER_DATA, 0));
    return steps;
  }

  private udpSteps(ev: PacketEvent): PacketStep[] {
    const sp = portOf(ev.src!);
    const dp = portOf(ev.dst!);
    if ((sp !== undefined && BACKGROUND_UDP_PORTS.has(sp)) || (dp !== undefined && BACKGROUND_UDP_PORTS.has(dp))) return [];
    const id = ev.src! < ev.dst! ? `udp ${ev.src} ${ev.dst}` : `udp ${ev.dst} ${ev.src}`;
    let flow = this.flows.get(id);
    if (!flow) {
      const [client, server] = serverEnd(ev.src!, ev.dst!) === 'src' ? [ev.dst!, ev.src!] : [ev.src!, ev.dst!];
      flow = this.newFlow('udp', client, server, `udp:${portOf(server) ?? '?'}`);
      this.flows.set(id, flow);
    } else if (this.isCopy(flow, ev)) return [];
    const gap = this.gap(flow, ev);
    const dir: PacketDirection = ev.src === flow.client ? 'c>s' : 's>c';
    return [{ key: `${flow.signature} ${dir} data`, flow: flow.id, signature: flow.signature, gap }];
  }

  /** A datagram captured twice: same sender, length and IP id, within the window. */
  private isCopy(flow: Flow, ev: PacketEvent): boolean {
    const p = flow.lastEv;
    if (!p || p.time === undefined || ev.time === undefined || Math.abs(ev.time - p.time) > DUPLICATE_DATAGRAM_WINDOW) return false;
    if (p.src !== ev.src || p.dst !== ev.dst || p.len !== ev.len || p.proto !== ev.proto || p.icmpType !== ev.icmpType) return false;
    return p.ipId === undefined || ev.ipId === undefined || p.ipId === ev.ipId;
  }

  private icmpSteps(ev: PacketEvent): PacketStep[] {
    const v6 = ev.proto === 'icmp6';
    if (v6 && ev.icmpType !== undefined && BACKGROUND_ICMP6_TYPES.has(ev.icmpType)) return [];
    const isError = ev.icmpType !== undefined && (v6 ? ICMP6_ERROR_TYPES : ICMP_ERROR_TYPES).has(ev.icmpType);
    if (isError && ev.inner && (ev.inner.proto === 'udp' || ev.inner.proto === 'tcp') && ev.inner.dst !== undefined) {
      const flow = this.flowOfQuoted(ev);
      if (flow) {
        if (flow.lastEv && this.isCopy(flow, ev)) return [];
        const gap = this.gap(flow, ev);
        // The error travels towards whoever sent the quoted packet.
        const dir: PacketDirection = ev.dst === flow.clientIp ? 's>c' : 'c>s';
        return [{ key: `${flow.signature} ${dir} ${icmpWord(ev)}`, flow: flow.id, signature: flow.signature, gap }];
      }
    }
    // An echo, or an error about a flow this trace never showed: between the two hosts.
    return this.hostPairStep(ev, ev.proto, ev.proto, icmpWord(ev));
  }

  /** The flow an ICMP error quotes: by its 4-tuple, or (tcpdump text quotes no client port) by server and client address. */
  private flowOfQuoted(ev: PacketEvent): Flow | undefined {
    const inner = ev.inner!;
    if (inner.proto === 'udp' && inner.src !== undefined) {
      const id = inner.src < inner.dst! ? `udp ${inner.src} ${inner.dst}` : `udp ${inner.dst} ${inner.src}`;
      const f = this.flows.get(id);
      if (f) return f;
    }
    return this.byServer.get(`${inner.proto} ${ev.dst} ${inner.dst}`) ?? (inner.src !== undefined ? this.byServer.get(`${inner.proto} ${ipOf(inner.src)} ${inner.dst}`) : undefined);
  }

  /** Protocols without ports: one flow per pair of hosts and protocol, its client the first sender. */
  private hostPairStep(ev: PacketEvent, proto: string, signature: string, word: string): PacketStep[] {
    const id = ev.src! < ev.dst! ? `${proto} ${ev.src} ${ev.dst}` : `${proto} ${ev.dst} ${ev.src}`;
    let flow = this.flows.get(id);
    if (!flow) {
      flow = this.newFlow(proto, ev.src!, ev.dst!, signature);
      this.flows.set(id, flow);
    } else if (this.isCopy(flow, ev)) return [];
    const gap = this.gap(flow, ev);
    const dir: PacketDirection = ev.src === flow.client ? 'c>s' : 's>c';
    return [{ key: `${signature} ${dir} ${word}`, flow: flow.id, signature: flow.signature, gap }];
  }
}
