/**
 * TCP connection tracking and per-packet analysis over `packet` events:
 * Zeek's conn_state/history per connection and Wireshark's tcp.analysis.*
 * flags per packet. Streaming: feed events one at a time in capture order;
 * memory is bounded by the open connections (closed ones are summarised, or
 * with `keepConnections: false` handed to `onRetire` and let go).
 * Rules and sources: docs/tcp-analysis.md, src/knowledge/tcp-analysis.ts.
 */
import type { Location, PacketEvent, TraceEvent } from '../../model/events.js';
import type { AnalysisFlag } from '../../knowledge/tcp-analysis.js';
import { DUPLICATE_COPY_WINDOW } from '../../knowledge/tcp-analysis.js';
import { TH, flagBits } from '../../knowledge/tcp.js';
import { FlowTable, type Connection, type DirState, type FlowTableOptions, type LastPacket, type Track } from './flows.js';
import { analyzeSegment } from './packet-analysis.js';

export type { Connection, FlowTableOptions } from './flows.js';
export type { AnalysisFlag, ConnState } from '../../knowledge/tcp-analysis.js';
export { connStateOf, ZeekConnState, type EndpointState } from './conn-state.js';

export interface PacketAnalysis {
  /** Connection id, 1-based in order of appearance. */
  conn: number;
  dir: 'orig' | 'resp';
  flags: AnalysisFlag[];
  /** Packet number (frame, or line for tcpdump text without -#) of the earlier copy. */
  retransmitOf?: number;
  /** Seconds since the previous try, for retransmissions. */
  interval?: number;
  /** Packet number of the ACK this one duplicates, and which duplicate it is (1, 2…). */
  dupAckOf?: number;
  dupAckCount?: number;
}

export type TcpAnalyzerOptions = FlowTableOptions;

function isTcp(ev: TraceEvent): ev is PacketEvent {
  return ev.kind === 'packet' && ev.proto === 'tcp' && ev.src !== undefined && ev.dst !== undefined && ev.flags !== undefined;
}

function location(ev: PacketEvent): Location {
  const l: Location = { file: ev.file };
  if (ev.line !== undefined) l.line = ev.line;
  if (ev.packet !== undefined) l.packet = ev.packet;
  return l;
}

/** Same packet captured twice: same sender, flags, wire numbers, length, window, IP id (when both known), within 1 ms. */
function isDuplicateCopy(prev: LastPacket | undefined, ev: PacketEvent): boolean {
  if (!prev) return false;
  if (prev.time === undefined || ev.time === undefined || Math.abs(ev.time - prev.time) > DUPLICATE_COPY_WINDOW) return false;
  // The same sender and receiver: `prev` is the previous packet of the same side of the same track.
  if (prev.flags !== ev.flags) return false;
  if (prev.rawSeq !== ev.rawSeq || prev.rawAck !== ev.rawAck || prev.len !== ev.len || prev.win !== ev.win) return false;
  if (prev.rawSeq === undefined && (prev.seq !== ev.seq || prev.ack !== ev.ack)) return false;
  if (prev.ipId !== undefined && ev.ipId !== undefined && prev.ipId !== ev.ipId) return false;
  if (prev.tsval !== ev.tsval || prev.tsecr !== ev.tsecr) return false;
  return true;
}

/** Remember a side's packet for duplicate-copy detection: its fields, in place (the event, and the decoded packet it holds, is let go). */
function remember(dir: DirState, ev: PacketEvent): void {
  const l = dir.last;
  if (!l) {
    dir.last = { time: ev.time, flags: ev.flags, rawSeq: ev.rawSeq, rawAck: ev.rawAck, seq: ev.seq, ack: ev.ack, len: ev.len, win: ev.win, ipId: ev.ipId, tsval: ev.tsval, tsecr: ev.tsecr, num: ev.packet ?? ev.line };
    return;
  }
  l.time = ev.time;
  l.flags = ev.flags;
  l.rawSeq = ev.rawSeq;
  l.rawAck = ev.rawAck;
  l.seq = ev.seq;
  l.ack = ev.ack;
  l.len = ev.len;
  l.win = ev.win;
  l.ipId = ev.ipId;
  l.tsval = ev.tsval;
  l.tsecr = ev.tsecr;
  l.num = ev.packet ?? ev.line;
}

export class TcpAnalyzer {
  private flows: FlowTable;

  constructor(opts: TcpAnalyzerOptions = {}) {
    this.flows = new FlowTable(opts);
  }

  /** Feed events in capture order (non-TCP events are ignored). Returns the analysis of this packet, or undefined. */
  add(ev: TraceEvent): PacketAnalysis | undefined {
    if (!isTcp(ev)) return undefined;
    const bits = flagBits(ev.flags!);
    if (bits === undefined) return undefined;
    const at = location(ev);
    const num = ev.packet ?? ev.line ?? 0;
    const { track, isOrig, reused } = this.flows.lookup(ev, bits, at);
    const conn = track.conn;
    const dir = isOrig ? track.o : track.r;
    const result: PacketAnalysis = { conn: conn.id, dir: isOrig ? 'orig' : 'resp', flags: [] };

    if (isDuplicateCopy(dir.last, ev)) {
      conn.duplicateCopies++;
      result.flags.push('duplicate-copy');
      result.retransmitOf = dir.last!.num;
      return result;
    }
    remember(dir, ev);

    const time = ev.time ?? conn.end;
    conn.packets++;
    if (isOrig) conn.origPackets++;
    else conn.respPackets++;
    conn.lastPacket = at;
    conn.end = time;

    const seg = analyzeSegment(track, isOrig, ev, bits, num);
    if (reused) seg.flags.unshift('reused-ports');
    if (seg.flags.includes('syn-retransmission') && !seg.flags.includes('retransmission') && !seg.flags.includes('spurious-retransmission')) {
      // A repeated SYN is a Wireshark retransmission whatever the timing.
      const i = seg.flags.findIndex((f) => f === 'out-of-order' || f === 'fast-retransmission');
      if (i >= 0) seg.flags[i] = 'retransmission';
      else seg.flags.unshift('retransmission');
    }
    if (isOrig) conn.origBytes += seg.newBytes;
    else conn.respBytes += seg.newBytes;
    if (seg.newBytes > 0) track.dataSeen = true;

    const syn = (bits & TH.SYN) !== 0, ack = (bits & TH.ACK) !== 0, rst = (bits & TH.RST) !== 0;
    if (syn && ack && !isOrig) conn.synAckSeen = true;
    if (syn && !ack && isOrig) conn.synSeen = true;
    if (conn.windowScaling === undefined && track.o.wscaleOpt !== undefined && track.r.wscaleOpt !== undefined) conn.windowScaling = track.o.wscaleOpt !== null && track.r.wscaleOpt !== null;
    // iRTT: from the originator's last SYN try to the ACK that completes the handshake.
    if (!track.handshakeDone && isOrig && ack && !syn && conn.synAckSeen && track.o.synTime !== undefined) {
      track.handshakeDone = true;
      conn.irtt = time - track.o.synTime;
    }

    if (rst) {
      let kind: PacketAnalysis['flags'][number] | undefined;
      if (!isOrig && conn.synSeen && !conn.synAckSeen) kind = 'rst-to-syn';
      else if (track.dataSeen) kind = 'rst-after-data';
      else if (conn.synAckSeen) kind = 'rst-after-handshake';
      if (kind) {
        seg.flags.push(kind);
        if (conn.reset === undefined) conn.reset = kind as Connection['reset'];
      }
    }
    if (seg.flags.some((f) => f === 'retransmission' || f === 'fast-retransmission' || f === 'spurious-retransmission') && (ev.len ?? 0) > 0 && !rst) track.zeek.scaledLetter(isOrig, 't');

    track.zeek.update(isOrig, bits, ev.len ?? 0, ev.win ?? 1);
    conn.history = track.zeek.history;
    conn.state = track.zeek.connState(conn.origBytes, conn.respBytes);
    if (track.zeek.closed()) this.flows.markClosed(track, time);

    result.flags = seg.flags;
    if (seg.retransmitOf !== undefined) result.retransmitOf = seg.retransmitOf;
    if (seg.interval !== undefined) result.interval = seg.interval;
    if (seg.dupAckOf !== undefined) result.dupAckOf = seg.dupAckOf;
    if (seg.dupAckCount !== undefined) result.dupAckCount = seg.dupAckCount;
    return result;
  }

  /** All connections seen (including closed ones), in order of first packet. */
  connections(): Connection[] {
    return this.flows.connections();
  }

  /** Connections the flow table still tracks (open, or closed and lingering for late packets). */
  trackedCount(): number {
    return this.flows.tracked();
  }

  /** Tracks the flow table's queue of closed connections still refers to (never more than trackedCount()); O(queue), for tests. */
  queuedCount(): number {
    return this.flows.queued();
  }

  /** The tracking state of the open connections (for inspection). */
  openTracks(): IterableIterator<Track> {
    return this.flows.tracks();
  }
}

/** Analyse a whole list of events: each TCP packet's analysis (by index into `events`) and the connections. */
export function analyzeTcp(events: Iterable<TraceEvent>, opts?: TcpAnalyzerOptions): { packets: Map<number, PacketAnalysis>; connections: Connection[] } {
  const a = new TcpAnalyzer(opts);
  const packets = new Map<number, PacketAnalysis>();
  let i = 0;
  for (const ev of events) {
    const r = a.add(ev);
    if (r) packets.set(i, r);
    i++;
  }
  return { packets, connections: a.connections() };
}
