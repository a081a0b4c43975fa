/**
 * What each source's clock counts, and how far to move it so that several
 * sources of one run (strace logs, captures, tcpdump text) share one time
 * axis. See docs/timeline.md.
 *
 *  - `epoch`: seconds since 1970 UTC (captures, strace -ttt, tcpdump -tt/-tttt);
 *  - `midnight`: seconds since midnight of the host that wrote it (strace -t/-tt,
 *    tcpdump's default HH:MM:SS);
 *  - `relative`: seconds since the source's own first event (strace -r,
 *    tcpdump -ttt/-ttttt): cannot be interleaved with anything;
 *  - `none`: no timestamps at all.
 */
import type { TraceEvent } from '../model/events.js';
import type { Format } from '../readers/detect.js';

export type ClockKind = 'epoch' | 'midnight' | 'relative' | 'none';

/** How HH:MM:SS stamps of tcpdump text count (the reader's TimeMode). */
export type TcpdumpTimeMode = 'absolute' | 'delta' | 'since-first' | 'none';

export interface ClockInfo {
  kind: ClockKind;
  /** `time` and `timeText` of the source's first timed event. */
  first?: number;
  firstText?: string;
  /**
   * Seconds added to the source's clock to read UTC / the other sources' clock —
   * the value `--clock-offset FILE=SECONDS` takes. For a `midnight` source on
   * the epoch axis it is minus the host's UTC offset (-7200 for a UTC+2 host);
   * 0 when nothing was moved.
   */
  offset: number;
  /** `midnight` sources placed on the epoch axis: the epoch second of the UTC midnight their clock counts from. */
  day?: number;
  /** Everything added to `time` to get the timeline time (`at = time + shift`): `day + offset`. */
  shift: number;
  /** `detected` from the other sources, `given` by --clock-offset, `none`: left as it is. */
  source: 'detected' | 'given' | 'none';
  /** The axis the source is ordered on: `epoch`, `midnight` (no epoch source in the run), `own` (relative/none: follows the timed sources). */
  axis: 'epoch' | 'midnight' | 'own';
}

/** The step and the bound of a detected UTC offset. */
export const OFFSET_STEP = 15 * 60;
export const OFFSET_MAX = 14 * 3600;
const DAY = 86400;

const HMS = /^\d+:\d\d:\d\d(?:\.\d+)?$/;
const DATE = /^\d{4}-\d\d-\d\d[ T]/;
const NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * The clock of a source, from its format, tcpdump's time mode, and its first
 * event that carries a time (undefined: none did).
 */
export function classifyClock(format: Format, first: TraceEvent | undefined, tcpdumpMode?: TcpdumpTimeMode): ClockKind {
  if (!first || first.time === undefined) return 'none';
  if (format === 'pcap' || format === 'pcapng') return 'epoch';
  const text = first.timeText?.trim();
  // strace -r alone prints only the relative stamp: the reader keeps no timeText.
  if (text === undefined) return 'relative';
  if (DATE.test(text)) return 'epoch';
  if (HMS.test(text)) {
    if (format === 'tcpdump' && tcpdumpMode !== undefined && tcpdumpMode !== 'absolute') return 'relative';
    return 'midnight';
  }
  // strace -ttt, tcpdump -tt: epoch seconds; anything small is a count from the start.
  if (NUMBER.test(text)) return first.time >= 1e8 ? 'epoch' : 'relative';
  return 'relative';
}

/**
 * The offset (a multiple of 15 minutes, |offset| <= 14 h) and the UTC day that
 * put a seconds-since-midnight reading `first` closest to the epoch time `ref`:
 * `day + first + offset ≈ ref`. Ties go to the smaller |offset|.
 */
export function placeMidnight(first: number, ref: number): { day: number; offset: number } {
  const total = Math.round((ref - first) / OFFSET_STEP) * OFFSET_STEP;
  const base = Math.floor(total / DAY) * DAY;
  const r = total - base; // 0 <= r < DAY
  const candidates = [
    { day: base, offset: r },
    { day: base + DAY, offset: r - DAY },
  ].filter((c) => Math.abs(c.offset) <= OFFSET_MAX);
  candidates.sort((a, b) => Math.abs(a.offset) - Math.abs(b.offset));
  // One of the two always fits: DAY - OFFSET_MAX < OFFSET_MAX.
  const best = candidates[0] ?? { day: base, offset: r };
  return { day: best.day, offset: best.offset === 0 ? 0 : best.offset }; // no -0
}

/**
 * Largest |milliseconds| from 1970 that a JS Date holds: 100 000 000 days
 * either way, up to +275760-09-13. Past it `new Date(ms)` is an invalid date
 * and its `toISOString()` throws RangeError ("Invalid time value").
 */
export const DATE_MAX_MS = 8.64e15;

/**
 * `new Date(ms).toISOString()` for a time read from a trace, or undefined
 * when Date cannot hold it (a corrupt or absurd capture stamp, e.g. year
 * 294 247). Callers leave the date out and keep the plain seconds.
 */
export function isoTextOf(ms: number): string | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= DATE_MAX_MS ? new Date(ms).toISOString() : undefined;
}

/** The UTC day that puts `first + offset` closest to `ref` (for a midnight source whose offset was given). */
export function dayFor(first: number, offset: number, ref: number): number {
  return Math.round((ref - first - offset) / DAY) * DAY;
}

export interface ClockSource {
  file: string;
  /** Sources of the same format share a host clock: their midnight offset is decided together. */
  format: Format;
  kind: ClockKind;
  first?: number;
  firstText?: string;
}

/**
 * Decide every source's place on the common axis. `given`: --clock-offset,
 * by file. Epoch sources are the reference; midnight sources join them when
 * there is one (one offset per format: the files of one strace run come from
 * one host), else all midnight sources share the midnight axis unmoved.
 */
export function placeClocks(sources: ClockSource[], given: Map<string, number> = new Map()): Map<string, ClockInfo> {
  const out = new Map<string, ClockInfo>();
  const info = (s: ClockSource, rest: Omit<ClockInfo, 'kind' | 'first' | 'firstText'>): ClockInfo => ({
    kind: s.kind,
    ...(s.first !== undefined ? { first: s.first } : {}),
    ...(s.firstText !== undefined ? { firstText: s.firstText } : {}),
    ...rest,
  });
  let ref: number | undefined;
  for (const s of sources) {
    if (s.kind !== 'epoch' || s.first === undefined) continue;
    const g = given.get(s.file) ?? 0;
    ref = ref === undefined ? s.first + g : Math.min(ref, s.first + g);
  }
  // One detected offset per format, from the group's earliest first event.
  const groupFirst = new Map<Format, number>();
  for (const s of sources) {
    if (s.kind !== 'midnight' || s.first === undefined || given.has(s.file)) continue;
    const f = groupFirst.get(s.format);
    groupFirst.set(s.format, f === undefined ? s.first : Math.min(f, s.first));
  }
  for (const s of sources) {
    const g = given.get(s.file);
    switch (s.kind) {
      case 'epoch': {
        const offset = g ?? 0;
        out.set(s.file, info(s, { offset, shift: offset, source: g !== undefined ? 'given' : 'none', axis: 'epoch' }));
        break;
      }
      case 'midnight': {
        if (ref === undefined) {
          const offset = g ?? 0;
          out.set(s.file, info(s, { offset, shift: offset, source: g !== undefined ? 'given' : 'none', axis: 'midnight' }));
        } else if (g !== undefined) {
          const day = dayFor(s.first!, g, ref);
          out.set(s.file, info(s, { offset: g, day, shift: day + g, source: 'given', axis: 'epoch' }));
        } else {
          const { day, offset } = placeMidnight(groupFirst.get(s.format)!, ref);
          out.set(s.file, info(s, { offset, day, shift: day + offset, source: 'detected', axis: 'epoch' }));
        }
        break;
      }
      default:
        out.set(s.file, info(s, { offset: 0, shift: 0, source: 'none', axis: 'own' }));
    }
  }
  return out;
}

/**
 * `--clock-offset FILE=SECONDS` values. The split is at the last `=`, so a
 * file name may contain one; SECONDS may be negative and fractional.
 */
export function parseClockOffsets(specs: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const file = eq > 0 ? spec.slice(0, eq) : '';
    const text = eq > 0 ? spec.slice(eq + 1).trim() : '';
    const n = Number(text);
    if (!file || !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) || !Number.isFinite(n)) {
      throw new Error(`--clock-offset takes FILE=SECONDS (e.g. run.pcap=-3600), not ${JSON.stringify(spec)}`);
    }
    out.set(file, n);
  }
  return out;
}

