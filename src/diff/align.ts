/**
 * Alignment of two element sequences: anchors first, Myers between them.
 *
 * Elements whose key is rare — it occurs exactly once on each side — and
 * whose family pins a trace down (an exec, an open of a path, a connect to
 * a service, see ANCHOR_FAMILIES) are matched first; the longest chain of
 * them that keeps both orders (patience diff's LIS step) splits the problem,
 * and Myers (jsdiff's diffArrays) runs only between consecutive anchors.
 * Where Myers would exceed its edit budget, a greedy matcher with a bounded
 * look-ahead takes over, so a pathological pair of traces stays linear.
 */
import { diffArrays } from 'diff';

export type Op =
  | { op: 'same'; g: number; b: number }
  | { op: 'good'; g: number }
  | { op: 'bad'; b: number };

export interface AlignOptions {
  /** Keys that may anchor (rare, structural events). */
  isAnchor: (key: number) => boolean;
  /** Myers gives up beyond this many edits in one stretch. */
  maxEdits?: number;
}

const DEFAULT_MAX_EDITS = 1500;
const GREEDY_WINDOW = 256;

export function align(g: ArrayLike<number>, b: ArrayLike<number>, opts: AlignOptions): Op[] {
  const out: Op[] = [];
  alignRange(g, 0, g.length, b, 0, b.length, opts, out, true);
  return matchEarly(out, g, b);
}

/**
 * Among alignments of equal length, prefer the one that matches as early
 * as possible: in `A x A` against `A`, the first A is the counterpart and
 * what is missing comes after it. Myers breaks such ties arbitrarily; a
 * divergence report must not say the first write was skipped when it was
 * the later ones that never happened.
 */
function matchEarly(ops: Op[], g: ArrayLike<number>, b: ArrayLike<number>): Op[] {
  const out: Op[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.op === 'same') {
      out.push(ops[k++]!);
      continue;
    }
    // A block of gap ops, then (maybe) a match that could move to the block's start.
    const goods: number[] = [];
    const bads: number[] = [];
    while (k < ops.length && ops[k]!.op !== 'same') {
      const o = ops[k++]!;
      if (o.op === 'good') goods.push(o.g);
      else if (o.op === 'bad') bads.push(o.b);
    }
    let next = k < ops.length ? (ops[k] as Extract<Op, { op: 'same' }>) : undefined;
    // Slide while the block's first element equals the match that follows it.
    while (next) {
      if (goods.length && g[goods[0]!] === g[next.g]) {
        const first = goods.shift()!;
        goods.push(next.g);
        for (const j of bads) out.push({ op: 'bad', b: j });
        bads.length = 0;
        out.push({ op: 'same', g: first, b: next.b });
      } else if (bads.length && b[bads[0]!] === b[next.b]) {
        const first = bads.shift()!;
        bads.push(next.b);
        for (const i of goods) out.push({ op: 'good', g: i });
        goods.length = 0;
        out.push({ op: 'same', g: next.g, b: first });
      } else break;
      k++;
      next = k < ops.length && ops[k]!.op === 'same' ? (ops[k] as Extract<Op, { op: 'same' }>) : undefined;
      if (!next) {
        // Gap ops after the moved match join the block.
        while (k < ops.length && ops[k]!.op !== 'same') {
          const o = ops[k++]!;
          if (o.op === 'good') goods.push(o.g);
          else if (o.op === 'bad') bads.push(o.b);
        }
        next = k < ops.length ? (ops[k] as Extract<Op, { op: 'same' }>) : undefined;
      }
    }
    for (const i of goods) out.push({ op: 'good', g: i });
    for (const j of bads) out.push({ op: 'bad', b: j });
  }
  return out;
}

function alignRange(g: ArrayLike<number>, g0: number, g1: number, b: ArrayLike<number>, b0: number, b1: number, opts: AlignOptions, out: Op[], anchorsAllowed: boolean): void {
  // Common prefix and suffix cost nothing and shrink what Myers sees.
  while (g0 < g1 && b0 < b1 && g[g0] === b[b0]) out.push({ op: 'same', g: g0++, b: b0++ });
  const tail: Op[] = [];
  while (g1 > g0 && b1 > b0 && g[g1 - 1] === b[b1 - 1]) tail.push({ op: 'same', g: --g1, b: --b1 });
  if (g0 === g1 || b0 === b1) {
    for (let i = g0; i < g1; i++) out.push({ op: 'good', g: i });
    for (let j = b0; j < b1; j++) out.push({ op: 'bad', b: j });
  } else {
    const anchors = anchorsAllowed ? findAnchors(g, g0, g1, b, b0, b1, opts.isAnchor) : [];
    if (anchors.length) {
      let pg = g0;
      let pb = b0;
      for (const [ag, ab] of anchors) {
        alignRange(g, pg, ag, b, pb, ab, opts, out, false);
        out.push({ op: 'same', g: ag, b: ab });
        pg = ag + 1;
        pb = ab + 1;
      }
      alignRange(g, pg, g1, b, pb, b1, opts, out, false);
    } else {
      myers(g, g0, g1, b, b0, b1, opts.maxEdits ?? DEFAULT_MAX_EDITS, out);
    }
  }
  for (let k = tail.length - 1; k >= 0; k--) out.push(tail[k]!);
}

/** Keys unique on both sides, anchor-worthy, kept in the longest order-preserving chain. */
function findAnchors(g: ArrayLike<number>, g0: number, g1: number, b: ArrayLike<number>, b0: number, b1: number, isAnchor: (k: number) => boolean): Array<[number, number]> {
  const countG = new Map<number, number>();
  for (let i = g0; i < g1; i++) if (isAnchor(g[i]!)) countG.set(g[i]!, countG.has(g[i]!) ? -1 : i);
  if (countG.size === 0) return [];
  const countB = new Map<number, number>();
  for (let j = b0; j < b1; j++) if (countG.has(b[j]!)) countB.set(b[j]!, countB.has(b[j]!) ? -1 : j);
  const pairs: Array<[number, number]> = [];
  for (const [k, j] of countB) {
    const i = countG.get(k)!;
    if (i >= 0 && j >= 0) pairs.push([i, j]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  return longestIncreasing(pairs);
}

/** Longest chain of pairs increasing in both coordinates (pairs sorted by the first). O(n log n). */
function longestIncreasing(pairs: Array<[number, number]>): Array<[number, number]> {
  const tails: number[] = [];
  const prev: number[] = new Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const v = pairs[k]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1]!;
    tails[lo] = k;
  }
  const chain: Array<[number, number]> = [];
  for (let k = tails.length ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) chain.push(pairs[k]!);
  return chain.reverse();
}

function myers(g: ArrayLike<number>, g0: number, g1: number, b: ArrayLike<number>, b0: number, b1: number, maxEdits: number, out: Op[]): void {
  const ga = Array.prototype.slice.call(g, g0, g1) as number[];
  const ba = Array.prototype.slice.call(b, b0, b1) as number[];
  const changes = diffArrays(ga, ba, { maxEditLength: maxEdits });
  if (!changes) {
    greedy(g, g0, g1, b, b0, b1, out);
    return;
  }
  let i = g0;
  let j = b0;
  for (const c of changes) {
    const n = c.count ?? c.value.length;
    for (let k = 0; k < n; k++) {
      if (c.added) out.push({ op: 'bad', b: j++ });
      else if (c.removed) out.push({ op: 'good', g: i++ });
      else out.push({ op: 'same', g: i++, b: j++ });
    }
  }
}

/**
 * Linear fallback: match equal keys, and on a mismatch skip to whichever
 * side's next match is nearer (within a window), else give up one on each.
 */
function greedy(g: ArrayLike<number>, g0: number, g1: number, b: ArrayLike<number>, b0: number, b1: number, out: Op[]): void {
  let i = g0;
  let j = b0;
  while (i < g1 && j < b1) {
    if (g[i] === b[j]) {
      out.push({ op: 'same', g: i++, b: j++ });
      continue;
    }
    let inB = -1;
    for (let k = j + 1; k < b1 && k <= j + GREEDY_WINDOW; k++) if (b[k] === g[i]) { inB = k; break; }
    let inG = -1;
    for (let k = i + 1; k < g1 && k <= i + GREEDY_WINDOW; k++) if (g[k] === b[j]) { inG = k; break; }
    if (inB >= 0 && (inG < 0 || inB - j <= inG - i)) while (j < inB) out.push({ op: 'bad', b: j++ });
    else if (inG >= 0) while (i < inG) out.push({ op: 'good', g: i++ });
    else {
      out.push({ op: 'good', g: i++ });
      out.push({ op: 'bad', b: j++ });
    }
  }
  while (i < g1) out.push({ op: 'good', g: i++ });
  while (j < b1) out.push({ op: 'bad', b: j++ });
}
