/**
 * tcpdump's relative sequence numbers, both ways.
 *
 * Without -S, tcpdump keeps one entry per connection (both directions share
 * it, ordered by port, then by address when the ports are equal). A packet
 * with ACK set that finds no entry, or that has SYN set, (re)starts the entry
 * and is printed with absolute numbers; later ACK-bearing packets print seq
 * and ack minus that entry's bases. Packets without ACK are never touched
 * (a bare SYN prints absolute). Reproducing this exactly is what lets a
 * capture's events equal the events read from tcpdump's text of it.
 */

const TH_SYN = 0x02;
const TH_ACK = 0x10;

interface Bases {
  /** Base for the sequence numbers of the direction the key names first. */
  seq: number;
  /** Base for the other direction (stored as ack - 1 of the first packet). */
  ack: number;
  /** Text readers: whether this connection's later numbers were printed relative. */
  relative?: boolean;
}

export interface SeqView {
  seq: number;
  ack: number;
  relative: boolean;
  /** What tcpdump subtracts from SACK block edges for this packet (0 when it does not number it). */
  sackBase: number;
}

const u32 = (n: number) => n >>> 0;

/** tcpdump's collating order: is this packet the reverse direction of the entry's key? */
function orient(src: string, dst: string, sport: number, dport: number): { key: string; rev: boolean } {
  const rev = sport > dport || (sport === dport && src > dst);
  return rev ? { key: `${dst}|${src}|${dport}|${sport}`, rev } : { key: `${src}|${dst}|${sport}|${dport}`, rev };
}

export class TcpSeqNumbering {
  private readonly conns = new Map<string, Bases>();

  /** Capture side: the numbers tcpdump would print for this packet. `srcAddr`/`dstAddr` are bare addresses. */
  print(srcAddr: string, dstAddr: string, sport: number, dport: number, flags: number, seq: number, ack: number): SeqView {
    if (!(flags & TH_ACK)) return { seq, ack, relative: false, sackBase: 0 };
    const { key, rev } = orient(srcAddr, dstAddr, sport, dport);
    const b = this.conns.get(key);
    if (!b || flags & TH_SYN) {
      const nb = rev ? { ack: seq, seq: u32(ack - 1) } : { seq, ack: u32(ack - 1) };
      this.conns.set(key, nb);
      return { seq, ack, relative: false, sackBase: rev ? nb.seq : nb.ack };
    }
    return rev
      ? { seq: u32(seq - b.ack), ack: u32(ack - b.seq), relative: true, sackBase: b.seq }
      : { seq: u32(seq - b.seq), ack: u32(ack - b.ack), relative: true, sackBase: b.ack };
  }

  /**
   * Text side: given the numbers tcpdump printed, recover the wire numbers.
   * Whether the text was printed with -S is decided per connection from the
   * first packet after the one that set the bases: relative numbers are
   * small next to the bases, absolute ones close to them. `seq` is undefined
   * when tcpdump did not print it (a bare ACK); so may be `ack`.
   */
  recover(srcAddr: string, dstAddr: string, sport: number, dport: number, flags: number, seq: number | undefined, ack: number | undefined): { rawSeq?: number; rawAck?: number; relative: boolean } {
    if (!(flags & TH_ACK)) return { ...(seq !== undefined ? { rawSeq: seq } : {}), relative: false };
    const { key, rev } = orient(srcAddr, dstAddr, sport, dport);
    const b = this.conns.get(key);
    if (!b || flags & TH_SYN) {
      // tcpdump prints the packet that sets the bases absolute in both modes;
      // without its seq (a bare ACK) the seq base is unknown: NaN marks that.
      const s = seq ?? NaN;
      const a = ack === undefined ? NaN : u32(ack - 1);
      this.conns.set(key, rev ? { ack: s, seq: a } : { seq: s, ack: a });
      return { ...(seq !== undefined ? { rawSeq: seq } : {}), ...(ack !== undefined ? { rawAck: ack } : {}), relative: false };
    }
    const seqBase = rev ? b.ack : b.seq;
    const ackBase = rev ? b.seq : b.ack;
    if (b.relative === undefined) {
      const probe = ack !== undefined && !Number.isNaN(ackBase) ? [ack, ackBase] : seq !== undefined && !Number.isNaN(seqBase) ? [seq, seqBase] : undefined;
      if (probe) b.relative = distance(probe[0]!, 0) < distance(probe[0]!, probe[1]!);
    }
    if (b.relative === false) return { ...(seq !== undefined ? { rawSeq: seq } : {}), ...(ack !== undefined ? { rawAck: ack } : {}), relative: false };
    const out: { rawSeq?: number; rawAck?: number; relative: boolean } = { relative: true };
    if (seq !== undefined && !Number.isNaN(seqBase)) out.rawSeq = u32(seq + seqBase);
    if (ack !== undefined && !Number.isNaN(ackBase)) out.rawAck = u32(ack + ackBase);
    return out;
  }
}

/** Distance between two 32-bit sequence numbers, the short way round. */
function distance(a: number, b: number): number {
  const d = u32(a - b);
  return Math.min(d, u32(-d));
}
