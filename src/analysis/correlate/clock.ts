/**
 * Clock offset between a strace log and a capture of the same run, from
 * pairs already matched by their 4-tuple: (first SYN time) − (connect call
 * time) for each pair; the median is the offset. See docs/correlation.md.
 */

export type StraceClock = 'epoch' | 'midnight' | 'unknown';

export interface ClockOffset {
  /** Seconds to add to a strace time to get a capture time. */
  seconds: number;
  /** Pairs it was detected from (0: given by the caller). */
  detectedFrom: number;
  /** How strace printed time: -ttt epoch seconds, -t/-tt seconds since local midnight, or unknown (-r, none). */
  clock: StraceClock;
  /** midnight clock: the capture day the trace was placed on (UTC date) and the traced host's UTC offset, in minutes (east positive). */
  day?: string;
  utcOffsetMinutes?: number;
  /** What remains of the median after the day and UTC offset (or, for epoch clocks, before rounding): clock skew plus the connect→SYN delay. */
  residual?: number;
  /** Largest distance of a pair from the median (seconds): how well the pairs agree. */
  spread?: number;
}

/** One 15-minute step: the granularity of real UTC offsets (e.g. +05:45, +08:45). */
export const UTC_OFFSET_STEP = 900;
/** Offsets are rounded to this (seconds): the connect→SYN delay (tens to hundreds of µs) is not clock skew. */
export const OFFSET_ROUNDING = 0.001;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

const roundTo = (x: number, step: number) => {
  const r = Math.round(x / step) * step;
  return Object.is(r, -0) ? 0 : Number(r.toFixed(9));
};

/** The offset from `diffs` (capture time − strace time of matched pairs). */
export function offsetFromDiffs(diffs: number[], clock: StraceClock): ClockOffset | undefined {
  if (!diffs.length) return undefined;
  const m = median(diffs);
  const spread = Math.max(...diffs.map((d) => Math.abs(d - m)));
  if (clock === 'midnight') {
    // Seconds since local midnight → epoch: the capture day's midnight (UTC) minus the host's UTC offset.
    // Both are unknown: take the multiple of 15 minutes nearest the median, and the day that makes the UTC offset smallest.
    const base = Math.round(m / UTC_OFFSET_STEP) * UTC_OFFSET_STEP;
    const dayStart = Math.round(base / 86400) * 86400;
    const residual = m - base;
    return {
      seconds: base + roundTo(residual, OFFSET_ROUNDING),
      detectedFrom: diffs.length,
      clock,
      day: new Date(dayStart * 1000).toISOString().slice(0, 10),
      utcOffsetMinutes: Math.round((dayStart - base) / 60) || 0,
      residual: Number(residual.toFixed(9)),
      spread: Number(spread.toFixed(9)),
    };
  }
  return { seconds: roundTo(m, OFFSET_ROUNDING), detectedFrom: diffs.length, clock, residual: Number(m.toFixed(9)), spread: Number(spread.toFixed(9)) };
}

/** How a strace time was printed, from its text ("10:57:41.690975" is since midnight) or, without text, its size. */
export function straceClockOf(timeText: string | undefined, time: number | undefined): StraceClock {
  if (timeText !== undefined) return /^\d\d:\d\d/.test(timeText) ? 'midnight' : /^\d{9,}/.test(timeText) ? 'epoch' : 'unknown';
  if (time === undefined) return 'unknown';
  return time > 1e8 ? 'epoch' : time < 2 * 86400 ? 'midnight' : 'unknown';
}
