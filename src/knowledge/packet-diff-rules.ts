/**
 * The differ's rules for packets, as data: which packets take part in the
 * alignment of two captures, what a packet's alignment key keeps, and which
 * traffic is background. Each rule carries the sentence that justifies it;
 * docs/differ.md prints them (`npm run docs:rules`).
 */
import type { AnalysisFlag } from './tcp-analysis.js';
import { TH } from './tcp.js';

/**
 * What a TCP segment is, for alignment: the first row whose test matches
 * names it. A segment that matches none (a pure ACK, a window update) takes
 * no part in alignment. A FIN carrying data is two steps: its data, then
 * its FIN, so a server that piggybacks its FIN on the last segment and one
 * that sends it alone align.
 */
export interface SegmentRole {
  readonly word: string;
  readonly test: (bits: number, len: number) => boolean;
  /** How a report names it. */
  readonly phrase: string;
}

export const SEGMENT_ROLES: readonly SegmentRole[] = [
  { word: 'RST', test: (b) => (b & TH.RST) !== 0, phrase: 'a reset (RST)' },
  { word: 'SYN-ACK', test: (b) => (b & (TH.SYN | TH.ACK)) === (TH.SYN | TH.ACK), phrase: 'a SYN-ACK' },
  { word: 'SYN', test: (b) => (b & TH.SYN) !== 0, phrase: 'a SYN' },
  { word: 'data', test: (_b, len) => len > 0, phrase: 'data' },
  { word: 'FIN', test: (b) => (b & TH.FIN) !== 0, phrase: 'a FIN' },
];

/** The second step of a data segment that also carries FIN. */
export const FIN_AFTER_DATA = 'FIN';

export const IGNORED_SEGMENTS_WHY =
  'pure ACKs and window updates follow from timing (delayed ACK, how fast the reader drains its buffer) and differ between any two runs; what was sent, refused, reset or closed is in the other segments';

/**
 * Per-packet analysis flags (docs/tcp-analysis.md) that take a segment out
 * of alignment: a second copy or a retry of something already counted.
 * A repeated SYN stays: it folds into the first, and a run of unanswered
 * SYNs is what a dropped connection looks like.
 */
export const IGNORED_ANALYSIS: Readonly<Partial<Record<AnalysisFlag, string>>> = {
  'duplicate-copy': 'the same packet captured twice (`-i any` on loopback, a bridge and its port) is one packet',
  retransmission: 'a data segment sent again carries nothing new; whether the first copy was lost is timing (retried SYNs are kept and fold into the first)',
  'fast-retransmission': 'as for retransmissions',
  'spurious-retransmission': 'as for retransmissions',
  'keep-alive': 'keep-alives are sent by a timer while a connection idles',
  'keep-alive-ack': 'the answer to a keep-alive',
  'zero-window-probe': 'probes are sent by a timer while the peer\'s window is closed; the zero window itself is a finding, not an alignment step',
};

/** Keep a repeated SYN even though the analysis calls it a retransmission. */
export const KEPT_RETRANSMISSIONS: ReadonlySet<AnalysisFlag> = new Set(['syn-retransmission']);

/**
 * UDP ports whose traffic is the network's housekeeping, not the work
 * being traced: every host sends it on its own schedule.
 */
export const BACKGROUND_UDP_PORTS: ReadonlyMap<number, string> = new Map([
  [67, 'DHCP server'],
  [68, 'DHCP client'],
  [137, 'NetBIOS name service'],
  [138, 'NetBIOS datagrams'],
  [546, 'DHCPv6 client'],
  [547, 'DHCPv6 server'],
  [1900, 'SSDP, UPnP discovery'],
  [3702, 'WS-Discovery'],
  [5353, 'multicast DNS'],
  [5355, 'LLMNR'],
]);

/** ICMPv6 types that are neighbour discovery and multicast listener housekeeping (names: ICMP6_TYPES). */
export const BACKGROUND_ICMP6_TYPES: ReadonlySet<number> = new Set([130, 131, 132, 133, 134, 135, 136, 137, 143]);

/** Highest decoded layers that are never part of the work: link-layer housekeeping and address resolution. */
export const BACKGROUND_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['arp', 'address resolution happens whenever a neighbour cache entry expires, not because of the request'],
  ['rarp', 'as ARP'],
  ['igmp', 'multicast group membership reports follow their own timers'],
  ['ether', 'a frame without an IP payload (spanning tree, LLDP, vendor protocols) is the network talking to itself'],
  ['unknown', 'a frame the decoder could not place carries no flow to align'],
]);

export const BACKGROUND_ICMP6_WHY = 'neighbour discovery and multicast listener messages follow the neighbour cache and router timers';
export const BACKGROUND_UDP_WHY = 'discovery and address-configuration protocols broadcast on their own schedule';

/**
 * Two packets of one flow within this many seconds with the same sender,
 * length and IP id are one packet captured twice (the TCP analysis applies
 * the same window to TCP with more fields).
 */
export const DUPLICATE_DATAGRAM_WINDOW = 0.001;

/**
 * What it means when bad sent one thing where good sent another on the same
 * flow in the same direction, by good's step and bad's (`ICMP` for any ICMP
 * error). The report adds it to the facts in parentheses.
 */
export const REPLACEMENT_MEANINGS: ReadonlyArray<{ good: string; bad: string; meaning: string }> = [
  { good: 'SYN-ACK', bad: 'RST', meaning: 'connection refused: nothing listens on that port, or a firewall answers with a reset' },
  { good: 'SYN-ACK', bad: 'ICMP', meaning: 'connection rejected by an ICMP error: a firewall or router on the way, or an unreachable host' },
  { good: 'data', bad: 'RST', meaning: 'reset instead of answered: the peer aborted the connection, e.g. it crashed, timed out, or closed with unread data' },
  { good: 'data', bad: 'FIN', meaning: 'closed without an answer' },
  { good: 'data', bad: 'ICMP', meaning: 'rejected by an ICMP error; "port unreachable" means nothing listens on that port' },
  { good: 'FIN', bad: 'RST', meaning: 'aborted with a reset instead of closed' },
];
