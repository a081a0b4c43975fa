/**
 * Clock offset between a strace log and a capture of the same run, from
 * pairs already matched by their 4-tuple: (first SYN time) − (connect call
 * time) for each pair; the median is the offset. See docs/correlation.md.
 * How a midnight clock is put on a day, and how a clock is told, are the
 * timeline's (src/timeline/clock.ts): one rule for both.
 */
import type { TraceEvent } from '../../model/events.js';
import { classifyClock, placeMidnight } from '../../timeline/clock.js';

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
    const { day: dayStart, offset } = placeMidnight(0, m);
    const base = dayStart + offset;
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

/** How a strace log's time was printed, from its first timed event (the timeline's classification). */
export function straceClockOf(first: TraceEvent): StraceClock {
  const kind = classifyClock('strace', first);
  return kind === 'epoch' || kind === 'midnight' ? kind : 'unknown';
}
