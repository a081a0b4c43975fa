/**
 * Wireshark's per-packet TCP analysis (epan/dissectors/packet-tcp.c
 * tcp_analyze_sequence_number, as the User's Guide "TCP Analysis" section
 * documents it), on one packet of a tracked connection, plus our own
 * SYN-retransmission and RST classification. Sequence rules need the wire
 * numbers: a packet without `rawSeq` (tcpdump text that did not print it)
 * skips them, except that a pure ACK is taken to carry the next expected
 * sequence number (which tcpdump leaves out).
 */
import type { PacketEvent } from '../../model/events.js';
import type { AnalysisFlag } from '../../knowledge/tcp-analysis.js';
import { FAST_RETRANSMISSION_WINDOW, OUT_OF_ORDER_DEFAULT } from '../../knowledge/tcp-analysis.js';
import { TH } from '../../knowledge/tcp.js';
import type { DirState, Track } from './flows.js';

const RECENT = 32;

/** a - b in sequence space (−2^31 … 2^31). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
const gt = (a: number, b: number) => seqDiff(a, b) > 0;
const lt = (a: number, b: number) => seqDiff(a, b) < 0;
const le = (a: number, b: number) => seqDiff(a, b) <= 0;
const u32 = (n: number) => n >>> 0;

export interface SegmentAnalysis {
  flags: AnalysisFlag[];
  retransmitOf?: number;
  interval?: number;
  dupAckOf?: number;
  dupAckCount?: number;
  /** Payload bytes this packet adds to the stream (0 for retransmitted bytes). */
  newBytes: number;
}

/** The window scale shift of a side: its SYN's wscale when both SYNs carried one; 0 when a SYN lacked it; undefined when unknown. */
export function windowShift(track: Track, isOrig: boolean): number | undefined {
  const me = isOrig ? track.o : track.r, peer = isOrig ? track.r : track.o;
  if (me.wscaleOpt === undefined || peer.wscaleOpt === undefined) return undefined;
  if (me.wscaleOpt === null || peer.wscaleOpt === null) return 0;
  return Math.min(me.wscaleOpt, 14);
}

/** Run the rules on one packet and update the per-direction state. `at` is the packet's number (frame, or line). */
export function analyzeSegment(track: Track, isOrig: boolean, ev: PacketEvent, bits: number, at: number): SegmentAnalysis {
  const f: DirState = isOrig ? track.o : track.r;
  const r: DirState = isOrig ? track.r : track.o;
  const flags: AnalysisFlag[] = [];
  const out: SegmentAnalysis = { flags, newBytes: 0 };
  const t = ev.time ?? 0;
  const syn = (bits & TH.SYN) !== 0, fin = (bits & TH.FIN) !== 0, rst = (bits & TH.RST) !== 0, ackBit = (bits & TH.ACK) !== 0;
  const len = ev.len ?? 0;
  const seglen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
  const ack = ackBit && ev.rawAck !== undefined ? u32(ev.rawAck) : undefined;
  // A pure ACK printed by tcpdump without seq: it carries the next expected seq.
  let seq = ev.rawSeq !== undefined ? u32(ev.rawSeq) : undefined;
  if (seq === undefined && len === 0 && !(bits & (TH.SYN | TH.FIN | TH.RST)) && f.nextSeq !== undefined) seq = f.nextSeq;

  // Window: scaled when both SYNs carried wscale (RFC 7323); SYN windows are never scaled.
  const rawWin = ev.win ?? 0;
  const shift = windowShift(track, isOrig);
  const win = syn ? rawWin : rawWin * 2 ** (shift ?? 0);

  if (syn) {
    if (!ackBit) track.conn.synSeen = isOrig || track.conn.synSeen;
    // A SYN repeating this side's ISN is a retransmission of the attempt.
    if (seq !== undefined && f.isn === seq && f.synTime !== undefined) {
      flags.push('syn-retransmission');
      out.interval = t - f.synTime;
      out.retransmitOf = f.synAt;
      if (isOrig && !ackBit) track.conn.synRetransmits.push({ packet: locOf(ev), interval: out.interval });
    }
    if (seq !== undefined) f.isn = seq;
    f.synTime = t;
    f.synAt = at;
    if (f.wscaleOpt === undefined || !ackBit || !isOrig) f.wscaleOpt = ev.wscale ?? null;
    if (isOrig && !ackBit) track.conn.synTries++;
  }

  if (!syn && !rst && rawWin === 0) flags.push('zero-window');

  let keepAlive = false;
  if (seq !== undefined) {
    const next = f.nextSeq;
    if (next !== undefined && seq === next && len === 1 && r.win === 0) flags.push('zero-window-probe');
    if (next !== undefined && gt(seq, next) && !rst) flags.push('lost-segment');
    if (next !== undefined && len <= 1 && !(bits & (TH.SYN | TH.FIN | TH.RST)) && seq === u32(next - 1)) {
      keepAlive = true;
      flags.push('keep-alive');
    }
    const rShift = windowShift(track, !isOrig);
    if (len > 0 && !(bits & (TH.SYN | TH.FIN | TH.RST)) && rShift !== undefined && r.win !== undefined && r.lastAck !== undefined && u32(seq + len) === u32(r.lastAck + r.win)) flags.push('window-full');
    // Pure ACK rules: window update, keep-alive ACK, duplicate ACK.
    let dup = false;
    if (len === 0 && !(bits & (TH.SYN | TH.FIN | TH.RST)) && ack !== undefined && next !== undefined && seq === next && ack === f.lastAck && win > 0) {
      if (f.win !== undefined && win !== f.win) flags.push('window-update');
      else if (f.win !== undefined && win === f.win) {
        if (r.lastWasKeepAlive) flags.push('keep-alive-ack');
        else {
          dup = true;
          f.dupAckNum++;
          flags.push('dup-ack');
          out.dupAckOf = f.lastNonDupAck;
          out.dupAckCount = f.dupAckNum;
        }
      }
    }
    if (ack !== undefined && !dup) {
      f.dupAckNum = 0;
      f.lastNonDupAck = at;
    }
    // Retransmission family: data or SYN/FIN that does not advance the sequence.
    if (!keepAlive && (len > 0 || syn || fin) && next !== undefined && gt(next, seq)) {
      let kind: AnalysisFlag = 'retransmission';
      if ((len > 0 || syn || fin) && r.lastAck !== undefined && le(u32(seq + seglen), r.lastAck) && !rst) kind = 'spurious-retransmission';
      else if (r.dupAckNum >= 2 && r.lastAck === seq && r.lastAckTime !== undefined && t - r.lastAckTime < FAST_RETRANSMISSION_WINDOW) kind = 'fast-retransmission';
      else if (f.nextSeqTime !== undefined && t - f.nextSeqTime < (track.conn.irtt ?? OUT_OF_ORDER_DEFAULT) && next !== u32(seq + seglen)) kind = 'out-of-order';
      flags.unshift(kind);
      if (kind !== 'out-of-order') {
        if (isOrig) track.conn.origRetransmits++;
        else track.conn.respRetransmits++;
      }
      if (out.retransmitOf === undefined) {
        for (let i = f.recent.length - 1; i >= 0; i--) {
          const s = f.recent[i]!;
          if (le(s.seq, seq) && lt(seq, s.end)) {
            out.retransmitOf = s.at;
            out.interval = t - s.time;
            break;
          }
        }
      }
    }
    // acked-unseen: acknowledges beyond what the peer has sent.
    if (ack !== undefined && r.nextSeq !== undefined && gt(ack, r.nextSeq)) flags.push('acked-unseen');

    // Bytes new to the stream.
    if (len > 0 && !rst) {
      const start = next === undefined || gt(seq, next) ? seq : next;
      const d = seqDiff(u32(seq + len), start);
      out.newBytes = d > 0 ? Math.min(d, len) : 0;
    }
    // State updates (Wireshark: nextseq advances unless RST).
    if (!rst && (next === undefined || gt(u32(seq + seglen), next))) {
      f.nextSeq = u32(seq + seglen);
      f.nextSeqTime = t;
    }
    if (seglen > 0 && !rst) {
      f.recent.push({ seq, end: u32(seq + seglen), syn, time: t, at });
      if (f.recent.length > RECENT) f.recent.shift();
    }
  } else {
    // No sequence number: count the payload as it is.
    if (len > 0 && !rst) out.newBytes = len;
    if (ack !== undefined) {
      f.dupAckNum = 0;
      f.lastNonDupAck = at;
    }
    if (ack !== undefined && r.nextSeq !== undefined && gt(ack, r.nextSeq)) flags.push('acked-unseen');
  }
  if (ack !== undefined) {
    f.lastAck = ack;
    f.lastAckTime = t;
  }
  f.win = syn ? undefined : win;
  f.lastWasKeepAlive = keepAlive;
  return out;
}

function locOf(ev: PacketEvent): { file: string; line?: number; packet?: number } {
  const l: { file: string; line?: number; packet?: number } = { file: ev.file };
  if (ev.line !== undefined) l.line = ev.line;
  if (ev.packet !== undefined) l.packet = ev.packet;
  return l;
}
