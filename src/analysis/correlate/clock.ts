/**
 * Clock offset between a strace log and a capture of the same run, from
 * pairs already matched by their 4-tuple: (first SYN time) − (connect call
 * time) for each pair; the median is the offset. See docs/correlation.md.
 * How a midnight clock is put on a day, and how a clock is told, are the
 * timeline's (src/timeline/clock.ts): one rule for both.
 */
import type { TraceEvent } from '../../model/events.js';
import { classifyClock, isoTextOf, placeMidnight } from '../../timeline/clock.js';

export type StraceClock = 'epoch' | 'midnight' | 'unknown';

export interface ClockOffset {
  /** Seconds to add to a strace time to get a capture time. */
  seconds: number;
  /** Pairs it was detected from (0: given by the caller). */
  detectedFrom: number;
  /** How strace printed time: -ttt epoch seconds, -t/-tt seconds since local midnight, or unknown (-r, none). */
  clock: StraceClock;
  /**
   * midnight clock: the capture day the trace was placed on (UTC date) and the traced host's UTC offset, in minutes (east positive).
   * `day` is left out when the capture is dated past what a Date can name (after the year 275 760): `seconds` still places the trace.
   */
  day?: string;
  utcOffsetMinutes?: number;
  /** What remains of the median after the day and UTC offset (or, for epoch clocks, before rounding): clock skew plus the connect→SYN delay. */
  residual?: number;
  /** Largest distance of a pair from the median (seconds): how well the pairs agree. */
  spread?: number;
}

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
  // No offset can be taken from an infinite or NaN median (the readers keep such times out; this is a guard).
  if (!Number.isFinite(m)) return undefined;
  // A loop, not Math.max(...diffs): spreading more than ~120 000 pairs as arguments overflows the stack (like fuzzing bug #9).
  let spread = 0;
  for (const d of diffs) spread = Math.max(spread, Math.abs(d - m));
  if (clock === 'midnight') {
    // Seconds since local midnight → epoch: the capture day's midnight (UTC) minus the host's UTC offset.
    // Both are unknown: take the multiple of 15 minutes nearest the median, and the day that makes the UTC offset smallest.
    const { day: dayStart, offset } = placeMidnight(0, m);
    const base = dayStart + offset;
    const residual = m - base;
    // A capture dated past the year 275 760 (a Date's range) puts the trace on a day a Date cannot name:
    // toISOString would throw RangeError. The offset still holds; only the day's name is left out.
    // The date is what comes before the T: years past 9999 are written +YYYYYY-MM-DD (13 characters, not 10).
    const day = isoTextOf(dayStart * 1000)?.split('T')[0];
    return {
      seconds: base + roundTo(residual, OFFSET_ROUNDING),
      detectedFrom: diffs.length,
      clock,
      ...(day !== undefined ? { day } : {}),
      utcOffsetMinutes: Math.round((dayStart - base) / 60) || 0,
      residual: Number(residual.toFixed(9)),
      spread: Number(spread.toFixed(9)),
    };
  }
  return { seconds: roundTo(m, OFFSET_ROUNDING), detectedFrom: diffs.length, clock, residual: Number(m.toFixed(9)), spread: Number(spread.toFixed(9)) };
}

/** How a strace log's time was printed, from its first timed event (the timeline's classification). */
export function straceClockOf(first: TraceEvent): StraceClock {
  const kind = classifyClock('strace', first);
  return kind === 'epoch' || kind === 'midnight' ? kind : 'unknown';
}
