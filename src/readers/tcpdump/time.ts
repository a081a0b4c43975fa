/**
 * tcpdump's timestamps: recognising them at the start of a line, turning
 * them into seconds, and deciding from a file's first lines which `-t`
 * option printed them.
 *
 *   (default)  17:16:09.924505              seconds since midnight (UTC in our corpus)
 *   -tt        1418145369.924505            epoch seconds
 *   -ttt       " 00:00:00.127522"           since the previous packet (4.99+: a sign column, ' ' or '-')
 *              "00:00:00.127522"            (4.0–4.8: no sign column)
 *              "000000" / "1. 000123"       (3.x: microseconds, seconds before them when not 0)
 *   -tttt      2014-12-09 17:16:09.924505   date and time of day: epoch seconds, read as UTC
 *   -ttttt     " 00:00:00.127610"           since the first packet (same look as -ttt)
 *   --nano     nine fraction digits instead of six, in every style
 *   -t         nothing
 * An invalid sub-second field is printed whole and flagged: `17:16:10.1000000 (invalid us)`.
 */

/**
 * How to read the timestamps of a file. Only HH:MM:SS stamps need it: dates
 * (-tttt) and epoch seconds (-tt) are recognised by their shape in any mode.
 *  - 'absolute': HH:MM:SS is the time of day (tcpdump's default);
 *  - 'delta': HH:MM:SS is the time since the previous packet (-ttt), accumulated;
 *  - 'since-first': HH:MM:SS is the time since the first packet (-ttttt);
 *  - 'none': lines carry no timestamp (-t).
 */
export type TimeMode = 'absolute' | 'delta' | 'since-first' | 'none';

export type StampShape = 'hms' | 'epoch' | 'date' | 'micros';

export interface Stamp {
  shape: StampShape;
  /** As printed, without the sign column and without an "(invalid us)" mark. */
  text: string;
  /** -ttt/-ttttt sign column: '-' when the packet is earlier than its reference, ' ' otherwise, '' when absent. */
  sign: string;
  /** "us" or "ns" when tcpdump flagged the sub-second field as invalid. */
  invalid?: string;
  /** Offset just past the stamp (and its mark), before the separating space. */
  end: number;
}

const HMS = /([ -]?)(\d{2,}:\d\d:\d\d(?:\.\d+)?)/y;
const DATE = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)/y;
const EPOCH = /(\d+\.\d+)/y;
const MICROS = /((?:\d+\. )?\d{6})/y;
const INVALID = / \(invalid ([un]s)\)/y;

/**
 * The timestamp at `at`, if one is there and is followed by a space or the
 * end of the line. 3.x microsecond stamps are only looked for when `micros`.
 */
export function scanStamp(line: string, at: number, micros: boolean): Stamp | undefined {
  const c = line.charCodeAt(at);
  let shape: StampShape;
  let text: string;
  let sign = '';
  let end: number;
  if (c === 32 || c === 45) {
    HMS.lastIndex = at;
    const m = HMS.exec(line);
    if (!m) return undefined;
    shape = 'hms';
    sign = m[1]!;
    text = m[2]!;
    end = HMS.lastIndex;
  } else if (c >= 48 && c <= 57) {
    // Dispatch on the third and fifth characters: "17:", "2014-", "1418…".
    const c2 = line.charCodeAt(at + 2);
    if (c2 === 58) {
      HMS.lastIndex = at;
      const m = HMS.exec(line);
      if (!m) return undefined;
      shape = 'hms';
      text = m[2]!;
      end = HMS.lastIndex;
    } else if (line.charCodeAt(at + 4) === 45) {
      DATE.lastIndex = at;
      const m = DATE.exec(line);
      if (!m) return undefined;
      shape = 'date';
      text = m[1]!;
      end = DATE.lastIndex;
    } else {
      EPOCH.lastIndex = at;
      let m = EPOCH.exec(line);
      if (m) {
        shape = 'epoch';
        text = m[1]!;
        end = EPOCH.lastIndex;
      } else if (micros) {
        MICROS.lastIndex = at;
        m = MICROS.exec(line);
        if (!m) return undefined;
        shape = 'micros';
        text = m[1]!;
        end = MICROS.lastIndex;
      } else return undefined;
    }
  } else return undefined;
  let invalid: string | undefined;
  if (line.charCodeAt(end) === 32 && line.charCodeAt(end + 1) === 40) {
    INVALID.lastIndex = end;
    const m = INVALID.exec(line);
    if (m) {
      invalid = m[1]!;
      end = INVALID.lastIndex;
    }
  }
  const next = line.charCodeAt(end);
  if (!(next === 32 || Number.isNaN(next))) return undefined;
  return invalid ? { shape, text, sign, invalid, end } : { shape, text, sign, end };
}

/** Seconds in an H+:MM:SS(.frac) text. */
export function hmsSeconds(t: string): number {
  const c1 = t.indexOf(':');
  const h = Number(t.slice(0, c1));
  const m = Number(t.slice(c1 + 1, c1 + 3));
  const s = Number(t.slice(c1 + 4, c1 + 6));
  const dot = c1 + 6;
  return h * 3600 + m * 60 + s + (t.length > dot + 1 ? Number(t.slice(dot)) : 0);
}

/** 3.x -ttt: "000123" is 123 µs; "2. 000123" is 2.000123 s. */
export function microsSeconds(t: string): number {
  const dot = t.indexOf('. ');
  const us = Number(t.slice(dot < 0 ? 0 : dot + 2)) / 1e6;
  return dot < 0 ? us : Number(t.slice(0, dot)) + us;
}

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;

/** Drop the fraction tcpdump flagged as invalid: the time is the whole seconds. */
function wholeSeconds(t: string): string {
  const dot = t.lastIndexOf('.');
  return dot > t.lastIndexOf(':') && dot > t.lastIndexOf(' ') ? t.slice(0, dot) : t;
}

/**
 * Turns printed stamps into `time` values, keeping what the styles need
 * across lines: the day for time-of-day stamps that pass midnight, the sum
 * for -ttt deltas.
 */
export class Clock {
  private dayOffset = 0;
  private lastClock = -1;
  private deltaSum = 0;
  private lastDate = '';
  private lastDateSecs = 0;
  private lastHms = '';
  private lastHmsSecs = 0;

  constructor(private readonly mode: TimeMode) {}

  seconds(st: Stamp): number {
    const text = st.invalid ? wholeSeconds(st.text) : st.text;
    switch (st.shape) {
      case 'epoch':
        return Number(text);
      case 'date': {
        // Consecutive packets mostly share their date and hour: convert the date once.
        const day = text.slice(0, 13);
        if (day !== this.lastDate) {
          this.lastDate = day;
          this.lastDateSecs = Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)), Number(text.slice(11, 13))) / 1000;
        }
        return this.lastDateSecs + hmsSeconds('0' + text.slice(13));
      }
      case 'micros':
        return this.relative(microsSeconds(text), 'delta');
      case 'hms': {
        let v: number;
        const hms = text.slice(0, 8);
        if (hms === this.lastHms && text.charCodeAt(2) === 58) v = this.lastHmsSecs + (text.length > 9 ? Number(text.slice(8)) : 0);
        else {
          v = hmsSeconds(text);
          if (text.charCodeAt(2) === 58) {
            this.lastHms = hms;
            this.lastHmsSecs = Math.floor(v);
            v = this.lastHmsSecs + (text.length > 9 ? Number(text.slice(8)) : 0);
          }
        }
        if (st.sign === '-') v = -v;
        // Fuzzing (docs/fuzzing.md): an hour of hundreds of digits is Infinity; it must not become
        // lastClock, or every later packet counted a day more than the one before.
        if (!Number.isFinite(v)) return v;
        // A sign column is only printed by -ttt/-ttttt; without one the file's mode decides.
        const mode = st.sign !== '' && this.mode !== 'delta' ? 'since-first' : this.mode;
        if (mode === 'delta' || mode === 'since-first') return this.relative(v, mode);
        // Going back by more than half a day means the clock passed midnight, not that time ran backwards.
        if (this.lastClock >= 0 && v + this.dayOffset < this.lastClock - 43200) this.dayOffset += 86400;
        const t = v + this.dayOffset;
        this.lastClock = t;
        return t;
      }
    }
  }

  private relative(v: number, mode: 'delta' | 'since-first'): number {
    // An Infinity delta (hundreds of digits) stays out of the sum, or every later packet was Infinity too.
    if (mode === 'since-first' || !Number.isFinite(v)) return v;
    this.deltaSum = round9(this.deltaSum + v);
    return this.deltaSum;
  }
}

/** What a packet line without a timestamp starts with: IP, ARP, a MAC pair (-e), an -i any column, an SLL direction. */
const PACKETISH = /^(?:IP6? |R?ARP, |[0-9a-f]{2}(?::[0-9a-f]{2}){5} > |\S+ +(?:In|Out|B|M|P) +\S|(?: In|Out| {2}[BMP]) )/;

/** `-#`: the packet number, right-aligned in five columns, then two spaces. */
export const NUMBER_PREFIX = /^ *\d+ {2}/;

/**
 * Decide the -t style from a file's first lines (a few hundred are plenty).
 *
 *  1. The first packet line with a date or epoch stamp: 'absolute'.
 *  2. The first HH:MM:SS stamp: with a sign column (4.99+ -ttt/-ttttt), or
 *     exactly 00:00:00.000…, it is relative; otherwise 'absolute'.
 *     A 3.x "000000" stamp is -ttt: 'delta'.
 *  3. Relative: if any later stamp in the head is smaller than the one
 *     before it (or negative), the stamps are deltas ('delta', -ttt);
 *     otherwise they only grow: 'since-first' (-ttttt).
 *  4. No stamp on any line that looks like a packet line: 'none' (-t).
 * Limits: a default-style file whose first packet is at exactly midnight
 * reads as relative; a -ttt head whose deltas never shrink reads as
 * -ttttt (the same times for the first two packets, then growing apart).
 * An empty head gives 'absolute'.
 */
export function sniffTimeMode(headLines: string[]): TimeMode {
  let firstRelative: boolean | undefined;
  let prev = -Infinity;
  let packetish = 0;
  for (const raw of headLines) {
    let at = 0;
    const num = NUMBER_PREFIX.exec(raw);
    if (num) at = num[0].length;
    if (raw.startsWith('caplen ', at)) {
      const m = /^caplen \d+ len \d+ /.exec(raw.slice(at));
      if (m) at += m[0].length;
    }
    const st = scanStamp(raw, at, firstRelative === undefined);
    if (!st) {
      if (num || PACKETISH.test(raw)) packetish++;
      continue;
    }
    if (firstRelative === undefined) {
      if (st.shape === 'date' || st.shape === 'epoch') return 'absolute';
      if (st.shape === 'micros') return 'delta';
      firstRelative = st.sign !== '' || /^0+:00:00(?:\.0+)?$/.test(st.text);
      if (!firstRelative) return 'absolute';
      prev = 0;
      continue;
    }
    if (st.shape !== 'hms') continue;
    const v = (st.sign === '-' ? -1 : 1) * hmsSeconds(st.text);
    if (v < prev) return 'delta';
    prev = v;
  }
  if (firstRelative) return 'since-first';
  return packetish > 0 ? 'none' : 'absolute';
}
