/**
 * The flow table: one tracked connection per TCP 4-tuple (both directions
 * share one entry), a new connection when a SYN with another initial
 * sequence number arrives on a known 4-tuple (a reused port), and eviction
 * of closed connections so memory stays bounded by the open ones: an
 * evicted connection keeps only its summary (`Connection`), never packets,
 * and only when `keepConnections` asks for it. Tracking state holds no
 * events either: of a side's previous packet only the fields duplicate-copy
 * detection compares (`LastPacket`).
 */
import type { Location, PacketEvent } from '../../model/events.js';
import type { ConnState } from '../../knowledge/tcp-analysis.js';
import { CLOSED_LINGER, MAX_LINGERING_CLOSED } from '../../knowledge/tcp-analysis.js';
import { TH } from '../../knowledge/tcp.js';
import { ZeekConnState } from './conn-state.js';

/** A summary of one TCP connection (conn.log-like). */
export interface Connection {
  /** 1-based, in order of the first packet. */
  id: number;
  /** Endpoints as tcpdump prints them ("127.0.0.1.45474", "::1.8443"). */
  orig: string;
  resp: string;
  firstPacket: Location;
  lastPacket: Location;
  /** Time of the first and last packet (seconds, as the events give them). */
  start: number;
  end: number;
  state: ConnState;
  /** Zeek's history letters: upper case from the originator, lower case from the responder. */
  history: string;
  /** SYNs the originator sent (the first try and its retransmissions). */
  synTries: number;
  /** Each repeated SYN of the originator: where, and the seconds since the previous try. */
  synRetransmits: Array<{ packet: Location; interval: number }>;
  /** Payload bytes each side sent, each byte counted once (retransmissions excluded when sequence numbers are known). */
  origBytes: number;
  respBytes: number;
  /** Packets of the connection, without duplicate copies; and per side. */
  packets: number;
  origPackets: number;
  respPackets: number;
  /** Packets recognised as a second capture of the same packet. */
  duplicateCopies: number;
  /** Retransmissions (any kind, SYNs included), per side. */
  origRetransmits: number;
  respRetransmits: number;
  /** A SYN was seen from the originator / a SYN-ACK from the responder. */
  synSeen: boolean;
  synAckSeen: boolean;
  /** How the connection was reset, when it was: the classification of its first RST. */
  reset?: 'rst-to-syn' | 'rst-after-handshake' | 'rst-after-data';
  /** The originator's SYN and the responder's SYN-ACK both carried wscale (RFC 7323), so windows are scaled. */
  windowScaling?: boolean;
  /** Handshake round trip: first SYN-ACK to the ACK that completes it, from the originator's last SYN try (seconds). */
  irtt?: number;
  /** A SYN with another ISN started this connection on a 4-tuple that had one before. */
  reusedPorts?: boolean;
  /** The flow table dropped its tracking state (closed and idle): later packets on the tuple start a new entry. */
  evicted?: boolean;
}

/** A segment remembered to name the earlier copy of a retransmission. */
export interface SentSegment {
  seq: number;
  end: number;
  syn: boolean;
  time: number;
  at: number;
}

/** Per-direction analysis state (Wireshark's tcp_flow_t, reduced). */
export interface DirState {
  /** Initial sequence number, from this side's SYN. */
  isn?: number;
  /** Time of this side's latest SYN (try), for the SYN retransmission interval. */
  synTime?: number;
  synAt?: number;
  /** wscale option of this side's SYN, or null when its SYN had none. */
  wscaleOpt?: number | null;
  /** Highest seq + segment length sent (Wireshark's nextseq) and when it was set. */
  nextSeq?: number;
  nextSeqTime?: number;
  /** Last acknowledgement sent by this side, and when. */
  lastAck?: number;
  lastAckTime?: number;
  /** Last window advertised (scaled when known), not from a SYN. */
  win?: number;
  dupAckNum: number;
  lastNonDupAck?: number;
  lastWasKeepAlive: boolean;
  /** The last few data/SYN/FIN segments, newest last (bounded). */
  recent: SentSegment[];
  /** The previous packet of this side, for duplicate-copy detection: its wire fields, not the event (which holds the decoded packet). */
  last?: LastPacket;
}

/**
 * What duplicate-copy detection compares of a side's previous packet. The
 * sender and receiver need no copy: every packet of one side of a track has
 * the same two endpoints (the track's key is the pair, the side is the sender).
 */
export interface LastPacket {
  time: number | undefined;
  flags: string | undefined;
  rawSeq: number | undefined;
  rawAck: number | undefined;
  seq: number | undefined;
  ack: number | undefined;
  len: number | undefined;
  win: number | undefined;
  ipId: number | undefined;
  tsval: number | undefined;
  tsecr: number | undefined;
  /** Its packet number (frame, or line for tcpdump text without -#). */
  num: number | undefined;
}

export function newDir(): DirState {
  return { dupAckNum: 0, lastWasKeepAlive: false, recent: [] };
}

/** What the flow table keeps for an open (or recently closed) connection. */
export interface Track {
  key: string;
  conn: Connection;
  zeek: ZeekConnState;
  o: DirState;
  r: DirState;
  /** Time the connection closed (both FINs, or a RST), for eviction. */
  closedAt?: number;
  /** Payload seen in either direction (for RST classification). */
  dataSeen: boolean;
  /** The originator's last SYN try time (for the iRTT). */
  handshakeDone: boolean;
}

/** "127.0.0.1.8080" → the endpoint; the key of a 4-tuple is its two endpoints in sorted order. */
export function flowKey(src: string, dst: string): string {
  return src < dst ? `${src} ${dst}` : `${dst} ${src}`;
}

export interface FlowTableOptions {
  /** Seconds of capture time a closed connection stays for late packets (default 60). */
  closedLinger?: number;
  /** At most this many closed connections linger (default 1024). */
  maxLingeringClosed?: number;
  /** Keep every connection's summary for connections() (default true); a streaming consumer that only wants per-packet answers turns it off to keep memory flat. */
  keepConnections?: boolean;
  /**
   * Called once per connection when the table stops tracking it (evicted
   * after it closed and lingered, or replaced by a new connection on the same
   * ports): its summary is final. Connections still tracked at the end are
   * not reported: walk `tracks()` for them.
   */
  onRetire?: (conn: Connection) => void;
}

/**
 * A string of its own: a slice of a reader's text (tcpdump text) would keep
 * that whole chunk of the input alive for as long as the summary lives.
 */
function ownString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export class FlowTable {
  private table = new Map<string, Track>();
  private all: Connection[] = [];
  private count = 0;
  private readonly keep: boolean;
  /** Closed tracks in the order they closed (a queue with a moving head; slots behind the head are cleared). */
  private closedQueue: Array<Track | undefined> = [];
  private closedHead = 0;
  private linger: number;
  private maxClosed: number;
  private readonly onRetire: ((conn: Connection) => void) | undefined;

  constructor(opts: FlowTableOptions = {}) {
    this.linger = opts.closedLinger ?? CLOSED_LINGER;
    this.maxClosed = opts.maxLingeringClosed ?? MAX_LINGERING_CLOSED;
    this.keep = opts.keepConnections ?? true;
    this.onRetire = opts.onRetire;
  }

  /**
   * The track this packet belongs to, creating one (a new connection) when
   * the 4-tuple is unknown or the packet is a SYN that starts over with
   * another ISN. `reused` is set when a new connection replaced one.
   */
  lookup(ev: PacketEvent, bits: number, at: Location): { track: Track; isOrig: boolean; created: boolean; reused: boolean } {
    const src = ev.src!, dst = ev.dst!;
    const key = flowKey(src, dst);
    const time = ev.time ?? 0;
    this.evict(time);
    let track = this.table.get(key);
    let reused = false;
    if (track) {
      const isOrig = src === track.conn.orig;
      const syn = (bits & TH.SYN) !== 0, ack = (bits & TH.ACK) !== 0;
      if (syn && !ack && ev.rawSeq !== undefined) {
        const dir = isOrig ? track.o : track.r;
        const sameIsn = dir.isn === ev.rawSeq;
        // A SYN with another ISN than this side's earlier SYN: a new connection on the same ports.
        // A SYN after the connection closed, unless it repeats this side's own SYN.
        if ((dir.isn !== undefined && !sameIsn) || (track.closedAt !== undefined && !sameIsn)) {
          reused = true;
          this.retire(track);
          track = undefined;
        }
      }
      if (track) return { track, isOrig, created: false, reused: false };
    }
    // A new connection: the sender is the originator unless it sends a SYN-ACK (Zeek's flip).
    const synAck = (bits & (TH.SYN | TH.ACK)) === (TH.SYN | TH.ACK);
    const conn: Connection = {
      id: ++this.count,
      orig: ownString(synAck ? dst : src),
      resp: ownString(synAck ? src : dst),
      firstPacket: at,
      lastPacket: at,
      start: time,
      end: time,
      state: 'OTH',
      history: '',
      synTries: 0,
      synRetransmits: [],
      origBytes: 0,
      respBytes: 0,
      packets: 0,
      origPackets: 0,
      respPackets: 0,
      duplicateCopies: 0,
      origRetransmits: 0,
      respRetransmits: 0,
      synSeen: false,
      synAckSeen: false,
    };
    if (reused) conn.reusedPorts = true;
    track = { key, conn, zeek: new ZeekConnState(), o: newDir(), r: newDir(), dataSeen: false, handshakeDone: false };
    if (synAck) track.zeek.flipped();
    if (this.keep) this.all.push(conn);
    this.table.set(key, track);
    return { track, isOrig: !synAck, created: true, reused };
  }

  /** Mark a track closed (both FINs or a RST): it lingers for late packets, then is evicted. */
  markClosed(track: Track, time: number): void {
    if (track.closedAt !== undefined) return;
    track.closedAt = time;
    this.closedQueue.push(track);
  }

  private evict(now: number): void {
    const q = this.closedQueue;
    while (this.closedHead < q.length) {
      const t = q[this.closedHead]!;
      const lingering = q.length - this.closedHead;
      if (this.table.get(t.key) !== t) {
        q[this.closedHead++] = undefined;
        continue;
      }
      if (lingering > this.maxClosed || now - (t.conn.end ?? t.closedAt!) > this.linger) {
        this.retire(t);
        q[this.closedHead++] = undefined;
        continue;
      }
      break;
    }
    if (this.closedHead > 4096 && this.closedHead * 2 > q.length) {
      this.closedQueue = q.slice(this.closedHead);
      this.closedHead = 0;
    }
  }

  /** Drop the tracking state; the Connection summary stays (in connections() when kept, and to onRetire). */
  private retire(track: Track): void {
    if (this.table.get(track.key) === track) this.table.delete(track.key);
    if (track.conn.evicted) return;
    track.conn.evicted = true;
    this.onRetire?.(track.conn);
  }

  /** Every connection, in order of the first packet. */
  connections(): Connection[] {
    return this.all;
  }

  /** Tracks currently held (open plus lingering closed). */
  tracked(): number {
    return this.table.size;
  }

  /** Tracks the closed queue still refers to (lingering ones; retired ones are let go): at most `tracked()`. O(queue), for tests. */
  queued(): number {
    let n = 0;
    for (const t of this.closedQueue) if (t !== undefined) n++;
    return n;
  }

  tracks(): IterableIterator<Track> {
    return this.table.values();
  }
}
