/**
 * Exact capture timestamps for the pcap and pcapng readers.
 *
 * A frame carries its time twice: `time`, float epoch seconds (fine for
 * ordering and deltas, but a double holds only ~16 significant digits, so
 * nanoseconds of a current epoch are rounded away), and `timeText`, the
 * exact "seconds.fraction" string with as many fraction digits as the
 * file's resolution needs.
 *
 * pcapng timestamps are 64-bit counts of 10^-n or 2^-n second units. A
 * nanosecond count of today is about 1.7e18, beyond 2^53, so plain
 * `hi * 2^32 + lo` loses digits. The division by the unit is done exactly:
 * for units that fit in 32 bits by long division on 16-bit pieces (no
 * BigInt, so dumpcap's default nanosecond files stay fast), for the rest
 * (10^-10 and finer, 2^-33 and finer, huge offsets) with BigInt. The
 * microsecond case with a count below 2^53 is one float division,
 * corrected by one step when the quotient rounded up.
 *
 * Results are written into a caller-owned `Stamp` so the per-frame path
 * allocates nothing but the text.
 */

/** Where a timestamp computation writes its result. */
export interface Stamp {
  time: number;
  timeText: string;
}

/** A pcapng interface's timestamp resolution (if_tsresol), digested once per interface. */
export interface Resolution {
  /** 10: units of 10^-exp s; 2: units of 2^-exp s. */
  base: 10 | 2;
  exp: number;
  /** Fraction digits in timeText: exp for 10^-exp; min(exp, 9) for 2^-exp (exact when exp <= 9, else truncated to the ns). */
  digits: number;
  /** Units per second when that is at most 2^32 (the no-BigInt paths), else 0. */
  units: number;
  /** Whether this is the default 10^-6 (the float fast path). */
  micro: boolean;
}

const TWO32 = 4294967296;
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000', '000000000'];

/** `n` (a non-negative integer below 10^digits) as exactly `digits` digits. */
export function padFraction(n: number, digits: number): string {
  const s = '' + n;
  const missing = digits - s.length;
  if (missing <= 0) return s;
  return missing < ZEROS.length ? ZEROS[missing]! + s : '0'.repeat(missing) + s;
}

export const MICROSECONDS: Resolution = { base: 10, exp: 6, digits: 6, units: 1e6, micro: true };
export const NANOSECONDS: Resolution = { base: 10, exp: 9, digits: 9, units: 1e9, micro: false };

/**
 * The if_tsresol option byte: bit 7 clear → 10^-n, set → 2^-n. Returns a
 * message instead when libpcap would reject it (a unit that does not fit
 * in 64 bits: 10^-20 and finer, 2^-64 and finer).
 */
export function resolutionFromTsresol(byte: number): Resolution | string {
  if (byte & 0x80) {
    const exp = byte & 0x7f;
    if (exp > 63) return `if_tsresol 2^-${exp} is too fine (a unit must fit in 64 bits)`;
    return { base: 2, exp, digits: Math.min(exp, 9), units: exp <= 32 ? 2 ** exp : 0, micro: false };
  }
  if (byte > 19) return `if_tsresol 10^-${byte} is too fine (a unit must fit in 64 bits)`;
  if (byte === 6) return MICROSECONDS;
  if (byte === 9) return NANOSECONDS;
  return { base: 10, exp: byte, digits: byte, units: byte <= 9 ? 10 ** byte : 0, micro: false };
}

/** A human name for a resolution, for docs and notes: "10^-6 s", "2^-10 s". */
export function resolutionName(r: Resolution): string {
  return `${r.base}^-${r.exp} s`;
}

/**
 * Classic pcap: unsigned 32-bit seconds and a sub-second field in µs
 * (`nano` false) or ns. A field that is not below one second is kept as
 * tcpdump prints it (all its digits, e.g. "1418145370.1000000"); the
 * caller notes it. `time` is then seconds + field / unit, past the second.
 */
export function pcapStamp(out: Stamp, sec: number, frac: number, nano: boolean): void {
  if (nano) {
    out.time = sec + frac / 1e9;
    out.timeText = sec + '.' + (frac >= 100000000 ? '' + frac : padFraction(frac, 9));
  } else {
    out.time = sec + frac / 1e6;
    out.timeText = sec + '.' + (frac >= 100000 ? '' + frac : padFraction(frac, 6));
  }
}

/**
 * pcapng: the 64-bit count `hi`:`lo` (two unsigned 32-bit halves) in units
 * of `r`, plus `offset` whole seconds (if_tsoffset; a safe integer, or a
 * bigint when it is not).
 */
export function pcapngStamp(out: Stamp, hi: number, lo: number, r: Resolution, offset: number | bigint): void {
  let sec: number;
  let frac: number;
  if (typeof offset === 'bigint') return slowStamp(out, hi, lo, r, offset);
  if (r.micro && hi < 0x200000) {
    // The count is below 2^53: one float division, then fix a quotient that rounded up.
    const t = hi * TWO32 + lo;
    sec = Math.floor(t / 1e6);
    frac = t - sec * 1e6;
    if (frac < 0) {
      sec -= 1;
      frac += 1e6;
    }
  } else if (r.base === 10 && r.units > 0) {
    // Long division by a unit of at most 10^9: hi, then lo in two 16-bit
    // pieces; every partial dividend stays below 2^46, so each step is exact.
    const d = r.units;
    const qh = Math.floor(hi / d);
    if (qh >= 0x200000) return slowStamp(out, hi, lo, r, BigInt(offset));
    let rem = hi - qh * d;
    let x = rem * 65536 + (lo >>> 16);
    let q1 = Math.floor(x / d);
    rem = x - q1 * d;
    if (rem < 0) { q1 -= 1; rem += d; }
    x = rem * 65536 + (lo & 0xffff);
    let q2 = Math.floor(x / d);
    frac = x - q2 * d;
    if (frac < 0) { q2 -= 1; frac += d; }
    sec = qh * TWO32 + q1 * 65536 + q2;
  } else if (r.base === 2 && r.exp <= 32) {
    const e = r.exp;
    if (e === 32) {
      sec = hi;
      frac = lo;
    } else {
      if (hi >= 2 ** (21 + e)) return slowStamp(out, hi, lo, r, BigInt(offset));
      sec = hi * 2 ** (32 - e) + (e === 0 ? lo : lo >>> e);
      frac = e === 0 ? 0 : lo & (2 ** e - 1);
    }
  } else {
    return slowStamp(out, hi, lo, r, BigInt(offset));
  }
  if (offset !== 0) {
    sec += offset;
    if (sec < 0 || !Number.isSafeInteger(sec)) return slowStamp(out, hi, lo, r, BigInt(offset));
  }
  if (r.base === 10) {
    out.time = sec + frac / r.units;
    out.timeText = r.digits === 0 ? '' + sec : sec + '.' + padFraction(frac, r.digits);
  } else {
    const e = r.exp;
    out.time = sec + frac / 2 ** e;
    if (e === 0) out.timeText = '' + sec;
    else if (e <= 9) out.timeText = sec + '.' + padFraction(frac * 5 ** e, e); // frac/2^e = frac*5^e/10^e exactly
    else out.timeText = sec + '.' + padFraction(Math.floor((frac * 1953125) / 2 ** (e - 9)), 9); // floor(frac*10^9/2^e); frac*5^9 < 2^53
  }
}

/** Any resolution and offset, with BigInt: units finer than 2^32 per second, huge offsets, negative results. */
function slowStamp(out: Stamp, hi: number, lo: number, r: Resolution, offset: bigint): void {
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  const unit = r.base === 10 ? 10n ** BigInt(r.exp) : 1n << BigInt(r.exp);
  // total = t + offset*unit units; split into whole seconds and a non-negative remainder.
  const total = t + offset * unit;
  const neg = total < 0n;
  const abs = neg ? -total : total;
  const sec = abs / unit;
  const rem = abs % unit;
  const digitsValue = r.base === 10 ? rem : (rem * 10n ** BigInt(r.digits)) >> BigInt(r.exp);
  const text = (neg ? '-' : '') + sec.toString() + (r.digits === 0 ? '' : '.' + padFraction0(digitsValue.toString(), r.digits));
  out.timeText = text;
  const t0 = Number(sec) + Number(rem) / Number(unit);
  out.time = neg ? -t0 : t0;
}

function padFraction0(s: string, digits: number): string {
  return s.length >= digits ? s : '0'.repeat(digits - s.length) + s;
}

/** Seconds as a number when exact, else as a bigint (if_tsoffset is a signed 64-bit count of seconds). */
export function int64(hi: number, lo: number): number | bigint {
  // hi is the signed upper half.
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) + BigInt(lo);
}
