/**
 * The clock offset correlation detects from matched pairs
 * (src/analysis/correlate/clock.ts `offsetFromDiffs`), at the edges fuzzing
 * reached (docs/fuzzing.md, "Found outside the readers"): a capture dated
 * past the last day a JS Date can name, and more pairs than a spread call
 * can take as arguments.
 */
import { describe, expect, it } from 'vitest';
import { offsetFromDiffs } from '../src/analysis/correlate/clock.js';
import { DATE_MAX_MS, isoTextOf } from '../src/timeline/clock.js';

/** 2026-11-21 00:00:00 UTC, the day of the sample captures. */
const DAY = Date.UTC(2026, 10, 21) / 1000;
/** The last midnight a Date holds: +275760-09-13 (8.64e15 ms). */
const LAST_DAY = DATE_MAX_MS / 1000;

describe('offsetFromDiffs', () => {
  it('places a midnight (-tt) log on the capture day and names the day', () => {
    // A UTC+2 host: capture (UTC) − strace (local since midnight) = day − 2 h, plus 150 µs connect→SYN.
    const o = offsetFromDiffs([DAY - 7200 + 0.00015, DAY - 7200 + 0.00025], 'midnight');
    expect(o).toMatchObject({ seconds: DAY - 7200, detectedFrom: 2, clock: 'midnight', day: '2026-11-21', utcOffsetMinutes: 120 });
    expect(o!.residual).toBeCloseTo(0.0002, 6);
    expect(o!.spread).toBeCloseTo(0.00005, 6);
  });

  it('names days past the year 9999 whole, up to the last a Date holds, +275760-09-13', () => {
    const o = offsetFromDiffs([LAST_DAY + 0.0002], 'midnight');
    expect(o?.day).toBe('+275760-09-13');
    expect(o?.utcOffsetMinutes).toBe(0);
    expect(offsetFromDiffs([Date.UTC(12026, 10, 21) / 1000 - 7200], 'midnight')).toMatchObject({ day: '+012026-11-21', utcOffsetMinutes: 120 });
  });

  it('a capture dated past the year 275 760: the offset without the day, no RangeError', () => {
    // The fuzzing input's pairs: a pcapng with if_tsresol 10^-6 and a 2^63 µs count (year ~294 000), beside a -tt log.
    const m = 9223372035681.388 - 39461.690975;
    const o = offsetFromDiffs([m - 0.5, m, m + 0.5], 'midnight');
    expect(o).toBeDefined();
    expect(o).not.toHaveProperty('day');
    expect(o!.clock).toBe('midnight');
    expect(o!.detectedFrom).toBe(3);
    expect(Math.abs(o!.seconds - m)).toBeLessThan(0.01); // the offset still moves the log onto the capture's clock
    expect(Math.abs(o!.utcOffsetMinutes!)).toBeLessThanOrEqual(14 * 60);
    expect(o!.spread).toBeCloseTo(0.5, 2);
    // The day after the last one a Date holds is the first with no name.
    expect(offsetFromDiffs([LAST_DAY + 86400 + 0.0002], 'midnight')).not.toHaveProperty('day');
    // An epoch (-ttt) log never had a day to name.
    expect(offsetFromDiffs([m, m], 'epoch')).toMatchObject({ seconds: Math.round(m * 1000) / 1000, clock: 'epoch', spread: 0 });
  });

  it('200 000 pairs: the spread by a loop, not Math.max(...) (which overflows the stack past ~120 000 arguments)', () => {
    // Connect→SYN delays of 0-199 µs, and one pair far from the rest.
    const diffs = Array.from({ length: 200_000 }, (_, i) => DAY - 7200 + (i % 200) * 1e-6);
    diffs[123_456] = DAY - 7200 + 0.25;
    const o = offsetFromDiffs(diffs, 'midnight');
    expect(o).toMatchObject({ seconds: DAY - 7200, detectedFrom: 200_000, clock: 'midnight', day: '2026-11-21', utcOffsetMinutes: 120 });
    expect(o!.spread).toBeCloseTo(0.25 - 0.0001, 5);
    const e = offsetFromDiffs(diffs, 'epoch');
    expect(e).toMatchObject({ seconds: DAY - 7200, detectedFrom: 200_000, clock: 'epoch' });
    expect(e!.spread).toBeCloseTo(0.25 - 0.0001, 5);
  });

  it('no pairs, or a median that is no number: no offset', () => {
    expect(offsetFromDiffs([], 'midnight')).toBeUndefined();
    expect(offsetFromDiffs([Infinity], 'midnight')).toBeUndefined();
    expect(offsetFromDiffs([NaN], 'epoch')).toBeUndefined();
  });
});

describe('isoTextOf', () => {
  it('is toISOString inside Date\'s range, undefined outside it (where toISOString throws)', () => {
    expect(isoTextOf(DAY * 1000)).toBe('2026-11-21T00:00:00.000Z');
    expect(isoTextOf(DATE_MAX_MS)).toBe('+275760-09-13T00:00:00.000Z');
    expect(isoTextOf(-DATE_MAX_MS)).toBe('-271821-04-20T00:00:00.000Z');
    expect(() => new Date(DATE_MAX_MS + 1).toISOString()).toThrow(RangeError);
    expect(isoTextOf(DATE_MAX_MS + 1)).toBeUndefined();
    expect(isoTextOf(9223372036854.775 * 1000)).toBeUndefined();
    expect(isoTextOf(Infinity)).toBeUndefined();
    expect(isoTextOf(NaN)).toBeUndefined();
  });
});
