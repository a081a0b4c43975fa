/**
 * tcpdump's relative sequence numbers, both ways.
 *
 * Without -S, tcpdump keeps one entry per connection (both directions share
 * it, ordered by port, then by the binary address when the ports are equal).
 * A packet with ACK set that finds no entry, or that has SYN set, (re)starts
 * the entry and is printed with absolute numbers; later ACK-bearing packets
 * print seq and ack minus that entry's bases. Packets without ACK are never
 * touched (a bare SYN prints absolute). Reproducing this exactly is what lets
 * a capture's events equal the events read from tcpdump's text of it.
 *
 * Each side is given twice: as an `AddrKey` that orders like the binary
 * address (tcpdump compares addresses with memcmp when the ports are equal)
 * — the IPv4 address as a 32-bit number, IPv6 as 32 hex digits — and as its
 * endpoint text ("10.0.0.1.80"), which keys the table: the decoder's
 * endpoint strings are cached, so their hashes are too.
 */

const TH_SYN = 0x02;
const TH_ACK = 0x10;

export type AddrKey = number | string;

interface Bases {
  /** Base for the sequence numbers of the direction the key names first. */
  seq: number;
  /** Base for the other direction (stored as ack - 1 of the first packet). */
  ack: number;
  /** Text readers: whether this connection's later numbers were printed relative. */
  relative?: boolean;
}

const u32 = (n: number) => n >>> 0;

/** The key of a text address: IPv4 dotted → number, IPv6 → 32 hex digits (sorts as the bytes do). */
export function addrKey(text: string): AddrKey {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) return u32((+v4[1]! << 24) | (+v4[2]! << 16) | (+v4[3]! << 8) | +v4[4]!);
  return expandIpv6(text) ?? text;
}

function expandIpv6(text: string): string | undefined {
  let s = text;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (tail) {
    const n = addrKey(tail[0]) as number;
    s = s.slice(0, tail.index) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => g.toLowerCase().padStart(4, '0')).join('');
}

export class TcpSeqNumbering {
  /** First endpoint in tcpdump's order → second endpoint → bases. */
  private readonly conns = new Map<string, Map<string, Bases>>();

  // The result of the last print(): fields rather than an object per packet.
  seq = 0;
  ack = 0;
  relative = false;
  /** What tcpdump subtracts from SACK block edges for this packet (0 when it does not number it). */
  sackBase = 0;

  // entry() leaves its answer here: no object per packet.
  private map!: Map<string, Bases>;
  private key = '';

  /** Finds the connection's map and key; returns whether the packet runs opposite to the key's order. */
  private entry(src: AddrKey, dst: AddrKey, sport: number, dport: number, srcEnd: string, dstEnd: string): boolean {
    const rev = sport > dport || (sport === dport && src > dst);
    const k1 = rev ? dstEnd : srcEnd;
    this.key = rev ? srcEnd : dstEnd;
    let map = this.conns.get(k1);
    if (!map) this.conns.set(k1, (map = new Map()));
    this.map = map;
    return rev;
  }

  /** Capture side: the numbers tcpdump would print for this packet, left in `seq`, `ack`, `relative`, `sackBase`. */
  print(src: AddrKey, dst: AddrKey, sport: number, dport: number, srcEnd: string, dstEnd: string, flags: number, seq: number, ack: number): void {
    this.seq = seq;
    this.ack = ack;
    this.relative = false;
    this.sackBase = 0;
    if (!(flags & TH_ACK)) return;
    const rev = this.entry(src, dst, sport, dport, srcEnd, dstEnd);
    const map = this.map;
    const key = this.key;
    const b = map.get(key);
    if (!b || flags & TH_SYN) {
      const nb = rev ? { ack: seq, seq: u32(ack - 1) } : { seq, ack: u32(ack - 1) };
      map.set(key, nb);
      this.sackBase = rev ? nb.seq : nb.ack;
      return;
    }
    this.relative = true;
    if (rev) {
      this.seq = u32(seq - b.ack);
      this.ack = u32(ack - b.seq);
      this.sackBase = b.seq;
    } else {
      this.seq = u32(seq - b.seq);
      this.ack = u32(ack - b.ack);
      this.sackBase = b.ack;
    }
  }

  /**
   * Text side: given the numbers tcpdump printed, recover the wire numbers.
   * Whether the text was printed with -S is decided per connection from the
   * first packet after the one that set the bases: relative numbers are
   * small next to the bases, absolute ones close to them. `seq` is undefined
   * when tcpdump did not print it (a bare ACK); so may be `ack`.
   */
  recover(src: AddrKey, dst: AddrKey, sport: number, dport: number, srcEnd: string, dstEnd: string, flags: number, seq: number | undefined, ack: number | undefined): { rawSeq?: number; rawAck?: number; relative: boolean } {
    if (!(flags & TH_ACK)) return { ...(seq !== undefined ? { rawSeq: seq } : {}), relative: false };
    const rev = this.entry(src, dst, sport, dport, srcEnd, dstEnd);
    const map = this.map;
    const key = this.key;
    const b = map.get(key);
    if (!b || flags & TH_SYN) {
      // tcpdump prints the packet that sets the bases absolute in both modes;
      // without its seq (a bare ACK) the seq base is unknown: NaN marks that.
      const s = seq ?? NaN;
      const a = ack === undefined ? NaN : u32(ack - 1);
      map.set(key, rev ? { ack: s, seq: a } : { seq: s, ack: a });
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
