/**
 * Zeek's per-endpoint TCP state machine (src/analyzer/protocol/tcp/TCP.cc:
 * UpdateInactiveState, UpdateSYN_SentState, UpdateEstablishedState,
 * UpdateClosedState, UpdateResetState), its `history` letters
 * (update_history), and conn.log's `conn_state` computed from the two
 * endpoint states (base/protocols/conn/main.zeek `conn_state`).
 */
import { TH } from '../../knowledge/tcp.js';
import type { ConnState } from '../../knowledge/tcp-analysis.js';

export type EndpointState = 'INACTIVE' | 'SYN_SENT' | 'SYN_ACK_SENT' | 'PARTIAL' | 'ESTABLISHED' | 'CLOSED' | 'RESET';

export class ZeekConnState {
  orig: EndpointState = 'INACTIVE';
  resp: EndpointState = 'INACTIVE';
  private origPrev: EndpointState = 'INACTIVE';
  private respPrev: EndpointState = 'INACTIVE';
  history = '';
  private once = new Set<string>();
  private scaled = new Map<string, { count: number; next: number }>();

  /** The first packet seen was a SYN-ACK: its sender was made the responder (Zeek's '^'). */
  flipped(): void {
    if (!this.history.startsWith('^')) this.history = '^' + this.history;
  }

  private letter(isOrig: boolean, l: string): void {
    const c = isOrig ? l.toUpperCase() : l;
    if (this.once.has(c)) return;
    this.once.add(c);
    this.history += c;
  }

  /** Zeek's ScaledHistoryEntry: the letter at the 1st, 10th, 100th… time. */
  scaledLetter(isOrig: boolean, l: string): void {
    const c = isOrig ? l.toUpperCase() : l;
    let s = this.scaled.get(c);
    if (!s) this.scaled.set(c, (s = { count: 0, next: 1 }));
    s.count++;
    if (s.count === s.next) {
      this.history += c;
      s.next *= 10;
    }
  }

  private get(isOrig: boolean): EndpointState {
    return isOrig ? this.orig : this.resp;
  }

  private set(isOrig: boolean, st: EndpointState): void {
    if (isOrig) {
      this.origPrev = this.orig;
      this.orig = st;
    } else {
      this.respPrev = this.resp;
      this.resp = st;
    }
  }

  private prev(isOrig: boolean): EndpointState {
    return isOrig ? this.origPrev : this.respPrev;
  }

  /** One packet (not a duplicate copy): history first, then the state machine, as Zeek's DeliverPacket. */
  update(isOrig: boolean, bits: number, len: number, window: number): void {
    this.updateHistory(isOrig, bits, len);
    // Zeek's update_window: a zero window, not on a RST, while the peer has not closed and we have not reset.
    const peerState = this.get(!isOrig);
    if (window === 0 && !(bits & TH.RST) && peerState !== 'CLOSED' && this.get(isOrig) !== 'RESET') this.scaledLetter(isOrig, 'w');
    this.updateState(isOrig, bits, len);
  }

  private updateHistory(isOrig: boolean, bits: number, len: number): void {
    const syn = !!(bits & TH.SYN), fin = !!(bits & TH.FIN), rst = !!(bits & TH.RST), ack = !!(bits & TH.ACK);
    const n = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (n > 1) {
      if (fin && rst) this.letter(isOrig, 'i');
      else this.letter(isOrig, 'q');
    } else if (n === 1) {
      if (syn) this.letter(isOrig, ack ? 'h' : 's');
      if (fin) this.letter(isOrig, 'f');
      if (rst) this.letter(isOrig, 'r');
    } else if (len > 0) this.letter(isOrig, 'd');
    else if (ack) this.letter(isOrig, 'a');
  }

  private updateState(isOrig: boolean, bits: number, len: number): void {
    const syn = !!(bits & TH.SYN), fin = !!(bits & TH.FIN), rst = !!(bits & TH.RST), ack = !!(bits & TH.ACK);
    const me = this.get(isOrig);
    const peer = () => this.get(!isOrig);
    switch (me) {
      case 'INACTIVE': {
        if (syn) {
          if (isOrig) this.set(true, ack ? 'SYN_ACK_SENT' : 'SYN_SENT');
          else {
            if (peer() === 'SYN_SENT') this.set(!isOrig, 'ESTABLISHED');
            this.set(isOrig, 'ESTABLISHED');
          }
        }
        if (fin) this.set(isOrig, 'CLOSED');
        if (rst) this.set(isOrig, 'RESET');
        if (this.get(isOrig) === 'INACTIVE') {
          // "Some eccentric TCP's will ack an initial SYN prior to sending a SYN reply": not partial.
          if (!isOrig && len === 0 && this.orig === 'SYN_SENT') break;
          if (ack && peer() === 'ESTABLISHED') this.set(isOrig, 'ESTABLISHED');
          else this.set(isOrig, 'PARTIAL');
        }
        break;
      }
      case 'SYN_SENT':
      case 'SYN_ACK_SENT':
        if (fin) this.set(isOrig, 'CLOSED');
        if (rst) this.set(isOrig, 'RESET');
        break;
      case 'ESTABLISHED':
      case 'PARTIAL':
        if (syn && me === 'PARTIAL' && peer() === 'INACTIVE' && !ack) this.set(isOrig, 'SYN_SENT');
        if (fin && !rst) {
          this.set(isOrig, 'CLOSED');
          // The peer sent a FIN followed by a RST: that was a normal termination.
          if (peer() === 'RESET' && this.prev(!isOrig) === 'CLOSED') this.set(!isOrig, 'CLOSED');
        }
        if (rst) this.set(isOrig, 'RESET');
        break;
      case 'CLOSED':
        // After a FIN exchange on both sides a RST changes nothing.
        if (rst && peer() !== 'CLOSED') this.set(isOrig, 'RESET');
        break;
      case 'RESET':
        break;
    }
  }

  /** Both endpoints are done: a FIN from each, or a RST from either. */
  closed(): boolean {
    return this.orig === 'RESET' || this.resp === 'RESET' || (this.orig === 'CLOSED' && this.resp === 'CLOSED');
  }

  /** conn.log's conn_state; `origBytes`/`respBytes` are the payload sizes (Zeek's c$orig$size, c$resp$size). */
  connState(origBytes: number, respBytes: number): ConnState {
    return connStateOf(this.orig, this.resp, this.history, origBytes, respBytes);
  }
}

export function connStateOf(os: EndpointState, rs: EndpointState, history: string, origBytes: number, respBytes: number): ConnState {
  const oInactive = os === 'INACTIVE' || os === 'PARTIAL';
  const rInactive = rs === 'INACTIVE' || rs === 'PARTIAL';
  if (rs === 'RESET') {
    if (os === 'SYN_SENT' || os === 'SYN_ACK_SENT' || (os === 'RESET' && origBytes === 0 && respBytes === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === 'RESET') {
    if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === 'CLOSED' && os === 'CLOSED') return 'SF';
  if (os === 'CLOSED') return rInactive ? 'SH' : 'S2';
  if (rs === 'CLOSED') return oInactive ? 'SHR' : 'S3';
  if (os === 'SYN_SENT' && rs === 'INACTIVE') return 'S0';
  if (os === 'ESTABLISHED' && rs === 'ESTABLISHED') return 'S1';
  return 'OTH';
}
