/**
 * Folding: long repetitive runs (an epoll_wait/read loop, clock_gettime,
 * futex storms, retried calls) become one element with a count, so two runs
 * that loop a different number of times still align element for element.
 *
 * A run of one repeated key folds on the key alone, whatever the outcomes:
 * retries and non-blocking loops end in different places in every run.
 * Longer patterns (period 2..FOLD_MAX_PERIOD) fold when they repeat; a
 * pattern known from either side also folds where it occurs once, so
 * "loop ×3" on one side meets "loop ×1" on the other.
 */
import { FOLD_MAX_PERIOD, FOLD_MIN_REPEAT } from '../knowledge/diff-rules.js';
import type { Interner } from './side.js';

export interface Element {
  /** Position of the element's first item in the lane's item list. */
  start: number;
  /** Items covered. */
  length: number;
  /** Items per repetition (1 for a single call or a run of one call). */
  period: number;
  /** Repetitions. */
  reps: number;
  /** Alignment key: the item's key for period 1, an interned pattern key otherwise. */
  key: number;
}

/** Runs of one key. */
function foldRuns(keys: ArrayLike<number>): Element[] {
  const out: Element[] = [];
  for (let i = 0; i < keys.length; ) {
    let j = i + 1;
    while (j < keys.length && keys[j] === keys[i]) j++;
    out.push({ start: i, length: j - i, period: 1, reps: j - i, key: keys[i]! });
    i = j;
  }
  return out;
}

function patternKey(els: Element[], at: number, p: number): string {
  let s = '*';
  for (let k = 0; k < p; k++) s += (k ? ',' : '') + els[at + k]!.key;
  return s;
}

function sameKeys(els: Element[], a: number, b: number, p: number): boolean {
  for (let k = 0; k < p; k++) if (els[a + k]!.key !== els[b + k]!.key) return false;
  return true;
}

/**
 * Fold a lane's item keys. `known` holds pattern keys to fold even when they
 * occur once; the patterns this call folded are added to `found`.
 */
export function fold(keys: ArrayLike<number>, strings: Interner, known?: ReadonlySet<string>, found?: Set<string>): Element[] {
  const runs = foldRuns(keys);
  const out: Element[] = [];
  const byFirst = indexPatterns(known);
  for (let i = 0; i < runs.length; ) {
    let best: { p: number; reps: number } | undefined;
    for (let p = 2; p <= FOLD_MAX_PERIOD && i + p <= runs.length; p++) {
      let reps = 1;
      while (i + (reps + 1) * p <= runs.length && sameKeys(runs, i, i + reps * p, p)) reps++;
      const minReps = known?.has(patternKey(runs, i, p)) ? 1 : FOLD_MIN_REPEAT;
      // A pattern made of one repeated element is a run already; skip degenerate ones.
      if (reps >= minReps && (!best || reps * p > best.reps * best.p)) {
        let distinct = false;
        for (let k = 1; k < p; k++) if (runs[i + k]!.key !== runs[i]!.key) distinct = true;
        if (distinct) best = { p, reps };
      }
    }
    if (!best) {
      // A loop's last, cut-short iteration (the write that failed and ended it) is still the loop.
      const partial = partialIteration(runs, i, byFirst);
      if (partial) {
        const last = runs[i + partial.length - 1]!;
        out.push({ start: runs[i]!.start, length: last.start + last.length - runs[i]!.start, period: partial.period, reps: 1, key: strings.id(partial.key) });
        i += partial.length;
        continue;
      }
      out.push(runs[i]!);
      i++;
      continue;
    }
    const pk = patternKey(runs, i, best.p);
    found?.add(pk);
    const first = runs[i]!;
    const last = runs[i + best.p * best.reps - 1]!;
    out.push({ start: first.start, length: last.start + last.length - first.start, period: best.p, reps: best.reps, key: strings.id(pk) });
    i += best.p * best.reps;
  }
  return out;
}

function indexPatterns(known: ReadonlySet<string> | undefined): Map<number, Array<{ key: string; keys: number[] }>> {
  const byFirst = new Map<number, Array<{ key: string; keys: number[] }>>();
  for (const key of known ?? []) {
    const keys = key.slice(1).split(',').map(Number);
    const list = byFirst.get(keys[0]!);
    if (list) list.push({ key, keys });
    else byFirst.set(keys[0]!, [{ key, keys }]);
  }
  return byFirst;
}

/** The longest known pattern whose first elements start at `at`, when it does not complete. */
function partialIteration(runs: Element[], at: number, byFirst: Map<number, Array<{ key: string; keys: number[] }>>): { key: string; length: number; period: number } | undefined {
  const list = byFirst.get(runs[at]!.key);
  if (!list) return undefined;
  let best: { key: string; length: number; period: number } | undefined;
  for (const p of list) {
    let m = 0;
    while (m < p.keys.length && at + m < runs.length && runs[at + m]!.key === p.keys[m]) m++;
    if (m < p.keys.length && (!best || m > best.length)) best = { key: p.key, length: m, period: p.keys.length };
  }
  return best;
}

/**
 * Elements held back at the end of a chunk: an element that starts within
 * the last FOLD_MAX_PERIOD × FOLD_MIN_REPEAT runs (each element is a run or
 * more) could fold differently once the next keys are seen. Every element
 * before them is what folding the whole lane would give.
 */
const HELD_BACK = 2 * FOLD_MAX_PERIOD * FOLD_MIN_REPEAT;
/** Keys folded at a time. */
const FOLD_CHUNK = 1 << 15;

/**
 * A lane's elements, folded a chunk at a time, so a lane of ten million calls
 * never exists as ten million element objects: the differ takes a window of
 * them, aligns it, and asks for more.
 */
export class FoldStream {
  private pos = 0;
  private pending: Element[] = [];
  private next = 0;
  private readonly length: number;

  /**
   * `keys`: the lane's keys; or, with `items`, a side's whole key column, of
   * which the lane's keys are `keys[items[k]]`, gathered a chunk at a time
   * (a lane of thirteen million calls is never copied whole).
   */
  constructor(private readonly keys: Int32Array, private readonly strings: Interner, private readonly known?: ReadonlySet<string>, private readonly found?: Set<string>, private readonly items?: Int32Array) {
    this.length = items ? items.length : keys.length;
  }

  /** Everything folded and taken. */
  get done(): boolean {
    return this.next >= this.pending.length && this.pos >= this.length;
  }

  private chunk(from: number, to: number): Int32Array {
    if (!this.items) return this.keys.subarray(from, to);
    const out = new Int32Array(to - from);
    for (let k = from; k < to; k++) out[k - from] = this.keys[this.items[k]!]!;
    return out;
  }

  /** Appends elements to `into` until it holds `max` or the lane ends. */
  fill(into: Element[], max: number): void {
    while (into.length < max) {
      if (this.next >= this.pending.length && !this.refill()) return;
      while (into.length < max && this.next < this.pending.length) into.push(this.pending[this.next++]!);
    }
  }

  private refill(): boolean {
    if (this.pos >= this.length) return false;
    for (let size = FOLD_CHUNK; ; size *= 2) {
      const end = Math.min(this.length, this.pos + size);
      const last = end === this.length;
      // `found` only from what is kept: held-back elements are folded again with the next chunk.
      const found = this.found ? new Set<string>() : undefined;
      const els = fold(this.chunk(this.pos, end), this.strings, this.known, found);
      // A chunk that folds into too few elements to hold any back (one long loop) is read further.
      if (!last && els.length <= HELD_BACK) continue;
      const keep = last ? els.length : els.length - HELD_BACK;
      const base = this.pos;
      this.pending = els.slice(0, keep);
      this.next = 0;
      for (const el of this.pending) el.start += base;
      const tail = this.pending[keep - 1]!;
      this.pos = tail.start + tail.length;
      if (found?.size) {
        const kept = new Set(this.pending.map((el) => el.key));
        for (const k of found) if (kept.has(this.strings.id(k))) this.found!.add(k);
      }
      return true;
    }
  }
}

/** The patterns folding finds in a lane (its keys, or a key column and the lane's items), a chunk at a time. */
export function foldPatterns(keys: Int32Array, strings: Interner, into: Set<string>, items?: Int32Array): void {
  const s = new FoldStream(keys, strings, undefined, into, items);
  const sink: Element[] = [];
  while (!s.done) {
    s.fill(sink, 4096);
    sink.length = 0;
  }
}
