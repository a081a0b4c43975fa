/**
 * The differ: pair the structure of two runs, fold and align each pair of
 * sequences, collect every difference as a candidate, drop what two good
 * runs also show, and return the first that remains — plus what good does
 * after it that bad never does.
 */
import { ANCHOR_FAMILIES } from '../knowledge/syscall-families.js';
import { MISSING_AFTER_LIMIT, TIMING_MIN_RATIO, TIMING_MIN_SECONDS } from '../knowledge/diff-rules.js';
import { align, type Op } from './align.js';
import { FoldStream, foldPatterns, type Element } from './fold.js';
import { isSignificant, outcomesEquivalent, similarKeys, type ItemView } from './rank.js';
import { END_OF_ATTACHED, IDLE_WAIT, ON_SOCKET, laneItems, type Interner, type SideTrace } from './side.js';
import { GrowingColumn } from '../model/columns.js';
import { matchStructure } from './structure.js';

export type DivergenceKind = 'result' | 'missing' | 'extra' | 'timing';

export interface Divergence {
  kind: DivergenceKind;
  /** Bad item: the diverging event, or for `missing` the bad event just before the gap (null at the start). */
  bad: number | null;
  /** Good item: the counterpart, or for `missing` the first thing good does that bad does not. */
  good: number | null;
}

export interface MissingEntry {
  /** Good item: the first time good does it after the divergence. */
  good: number;
  /** How many times good does it after the divergence. */
  count: number;
}

export interface DiffOutcome {
  divergence: Divergence | null;
  missingAfter: MissingEntry[];
  /**
   * The differences that survived the noise rules, in bad's order, for
   * explaining and testing: all of them, or in a diff of two very different
   * runs the first CANDIDATE_LIMIT of each kind's group (timing, the rest).
   */
  candidates: Candidate[];
}

export interface DiffOptions {
  /** Elements of a lane aligned at a time (ALIGN_WINDOW); tests make it small. */
  window?: number;
}

/** Candidates kept of each group (timing, and everything else): only the first can be the divergence. */
export const CANDIDATE_LIMIT = 10_000;

/**
 * Folded elements of each side aligned at a time. A longer lane is aligned
 * window by window: what is aligned in the first three quarters of both
 * windows is kept, up to its last match, and the rest is aligned again with
 * the next keys. Memory stays that of a window however long the trace.
 */
export const ALIGN_WINDOW = 1 << 16;

export interface Candidate extends Divergence {
  /** Where in bad's order it happens (half-way between items for a gap). */
  pos: number;
}

const KIND_ORDER: Record<DivergenceKind, number> = { result: 0, missing: 1, extra: 2, timing: 3 };
const SIMILAR_SCAN_LIMIT = 64;

/** Keys that can be similar (see similarKeys) share a family and a length. */
function similarityBucket(key: string): string {
  const space = key.indexOf(' ');
  return `${key.length} ${space < 0 ? key : key.slice(0, space)}`;
}

export function diffSides(good: SideTrace, bad: SideTrace, strings: Interner, opts: DiffOptions = {}): DiffOutcome {
  const ctx = new Context(good, bad, strings, opts.window ?? ALIGN_WINDOW);
  const structure = matchStructure(good, bad);
  for (const [gl, bl] of structure.lanes) ctx.alignLanes(gl, bl);
  for (const gl of structure.goodOnlyLanes) ctx.loneLane('good', gl);
  for (const bl of structure.badOnlyLanes) ctx.loneLane('bad', bl);
  const candidates = ctx.finish();
  const first = candidates.find((c) => c.kind !== 'timing') ?? candidates.find((c) => c.kind === 'timing');
  const divergence = first ? { kind: first.kind, bad: first.bad, good: first.good } : null;
  return { divergence, missingAfter: divergence ? ctx.missingAfter(divergence) : [], candidates };
}

class Context {
  private candidates: Candidate[] = [];
  /** Good items missing in bad, and the bad item before their gap (columns: there may be millions). */
  private readonly missingGood = new GrowingColumn(Int32Array);
  private readonly missingPrevBad = new GrowingColumn(Int32Array);
  /**
   * Per good item, the bad item aligned with it (-1: none). Where a gap sits
   * in the other side is read from it at the end (badBefore, goodBefore):
   * one column for both questions, not one per side.
   */
  private readonly alignedBad: Int32Array;

  constructor(readonly good: SideTrace, readonly bad: SideTrace, readonly strings: Interner, private readonly window: number) {
    this.alignedBad = new Int32Array(good.n).fill(-1);
  }

  view(side: 'good' | 'bad', i: number): ItemView {
    const s = side === 'good' ? this.good : this.bad;
    const key = s.key[i]!;
    const m = this.strings.keyMeta[key]!;
    const v: ItemView = {
      family: m.family,
      cls: m.cls,
      outcome: this.strings.outcomes.text(s.outcome[i]!),
      onSocket: (s.flags[i]! & ON_SOCKET) !== 0,
      endOfAttached: (s.flags[i]! & END_OF_ATTACHED) !== 0,
    };
    if (m.cls === 'signal') v.signal = this.strings.text(key).slice(7).replace(/:stop$/, '');
    return v;
  }

  private isAnchor = (key: number): boolean => {
    const meta = this.strings.keyMeta[key];
    return meta !== undefined && ANCHOR_FAMILIES.has(meta.family);
  };

  private match(g: number, b: number): void {
    if (this.alignedBad[g]! < b) this.alignedBad[g] = b;
  }

  private addCandidate(c: Candidate): void {
    this.candidates.push(c);
    if (this.candidates.length > 4 * CANDIDATE_LIMIT) this.candidates = firstCandidates(this.candidates);
  }

  alignLanes(gl: number, bl: number): void {
    const gItems = laneItems(this.good, gl);
    const bItems = laneItems(this.bad, bl);
    // A first pass finds each side's loops, the second folds knowing both sides' loops. Keeping the
    // first pass's elements to skip the second when there are none would hold a whole lane in memory.
    const patterns = new Set<string>();
    foldPatterns(this.good.key, this.strings, patterns, gItems);
    foldPatterns(this.bad.key, this.strings, patterns, bItems);
    const known = patterns.size ? patterns : undefined;
    const gs = new FoldStream(this.good.key, this.strings, known, undefined, gItems);
    const bs = new FoldStream(this.bad.key, this.strings, known, undefined, bItems);
    const gWin: Element[] = [];
    const bWin: Element[] = [];
    const state = { prevBad: -1 };
    for (;;) {
      gs.fill(gWin, this.window);
      bs.fill(bWin, this.window);
      if (!gWin.length && !bWin.length) break;
      const ops = align(gWin.map((e) => e.key), bWin.map((e) => e.key), { isAnchor: this.isAnchor });
      const cut = cutWindow(ops, gWin.length, bWin.length, gs.done, bs.done);
      this.alignedBatch(gl, gItems, gWin, bItems, bWin, cut.ops, state);
      gWin.splice(0, cut.good);
      bWin.splice(0, cut.bad);
    }
  }

  /** What one window's kept alignment says: matched pairs compared, gaps paired as moved or kept as candidates. */
  private alignedBatch(gl: number, gItems: Int32Array, gEl: Element[], bItems: Int32Array, bEl: Element[], ops: Op[], state: { prevBad: number }): void {
    let prevBad = state.prevBad;
    // Gaps are numbered by the matches between them: a good and a bad element in one gap stand in the same place.
    let gapNo = 0;
    const goodGap: Array<{ el: Element; prevBad: number; gap: number }> = [];
    const badGap: Element[] = [];
    const badByGap = new Map<number, Element[]>();
    for (const op of ops) {
      if (op.op === 'same') {
        const ge = gEl[op.g]!;
        const be = bEl[op.b]!;
        this.compare(gItems, ge, bItems, be);
        this.match(gItems[ge.start]!, bItems[be.start]!);
        this.match(gItems[ge.start + ge.length - 1]!, bItems[be.start + be.length - 1]!);
        prevBad = bItems[be.start + be.length - 1]!;
        gapNo++;
      } else if (op.op === 'good') goodGap.push({ el: gEl[op.g]!, prevBad, gap: gapNo });
      else {
        badGap.push(bEl[op.b]!);
        const inGap = badByGap.get(gapNo);
        if (inGap) inGap.push(bEl[op.b]!);
        else badByGap.set(gapNo, [bEl[op.b]!]);
        prevBad = bItems[bEl[op.b]!.start + bEl[op.b]!.length - 1]!;
      }
    }
    state.prevBad = prevBad;
    const packets = this.good.lanes[gl]!.packets === true;

    // A call both runs make, in a different place, moved: only its outcome can matter.
    const movable = new Map<number, { els: Element[]; next: number }>();
    const bySimilarity = new Map<string, Element[]>();
    for (const el of badGap) {
      const q = movable.get(el.key);
      if (q) q.els.push(el);
      else movable.set(el.key, { els: [el], next: 0 });
      const bucket = similarityBucket(this.strings.text(el.key));
      const list = bySimilarity.get(bucket);
      if (list) list.push(el);
      else bySimilarity.set(bucket, [el]);
    }
    const moved = new Set<Element>();
    const takeSame = (key: number): Element | undefined => {
      const q = movable.get(key);
      while (q && q.next < q.els.length) {
        const el = q.els[q.next++]!;
        if (!moved.has(el)) return el;
      }
      return undefined;
    };
    // Packet keys differ in a direction or a flag word, never in a random token: no similarity pairing there.
    const replacedUpTo = new Map<number, number>();
    for (const { el, prevBad: pb, gap } of goodGap) {
      const other = takeSame(el.key) ?? (packets ? undefined : this.similarGap(el, bySimilarity.get(similarityBucket(this.strings.text(el.key))), moved));
      if (other) {
        moved.add(other);
        this.compare(gItems, el, bItems, other);
        continue;
      }
      if (packets && !replacedUpTo.has(gap)) {
        const stand = this.packetInPlace(gItems, el, bItems, badByGap.get(gap), moved);
        if (stand) {
          moved.add(stand);
          const b = bItems[stand.start]!;
          this.addCandidate({ kind: 'result', pos: b, bad: b, good: gItems[el.start]! });
          replacedUpTo.set(gap, bItems[stand.start + stand.length - 1]!);
          continue;
        }
      }
      const g = this.firstSignificant('good', gItems, el);
      // What good does after a packet bad answered differently is missing after that answer.
      if (g >= 0) this.pendMissing(g, Math.max(pb, replacedUpTo.get(gap) ?? -1));
    }
    for (const el of badGap) {
      if (moved.has(el)) continue;
      const b = this.firstSignificant('bad', bItems, el);
      if (b >= 0) this.addCandidate({ kind: 'extra', pos: b, bad: b, good: null });
    }
  }

  /**
   * On a flow, the first packet bad sent in the place of good's `el`, in the
   * same direction: the RST where good's server sent a SYN-ACK or data, the
   * FIN where it sent its response, the ICMP error where a reply came. That
   * is one divergence (`result`), not a missing packet and an extra one.
   */
  private packetInPlace(gItems: Int32Array, el: Element, bItems: Int32Array, sameGap: Element[] | undefined, taken: Set<Element>): Element | undefined {
    const dir = (s: SideTrace, i: number) => this.strings.text(s.key[i]!).split(' ', 2)[1];
    const first = sameGap?.find((b) => !taken.has(b));
    return first && dir(this.bad, bItems[first.start]!) === dir(this.good, gItems[el.start]!) ? first : undefined;
  }

  /** A bad gap element naming the same thing as `el` up to a random token (a tempfile name). */
  private similarGap(el: Element, candidates: Element[] | undefined, taken: Set<Element>): Element | undefined {
    if (!candidates) return undefined;
    const text = this.strings.text(el.key);
    let tried = 0;
    for (const b of candidates) {
      if (taken.has(b) || b.key === el.key) continue;
      // Bounded: a pathological gap of thousands of look-alike names must not go quadratic.
      if (++tried > SIMILAR_SCAN_LIMIT) break;
      if (similarKeys(text, this.strings.text(b.key))) return b;
    }
    return undefined;
  }

  /** A lane with no counterpart: an idle connection is noise, anything else a gap at its first real event. */
  loneLane(side: 'good' | 'bad', l: number): void {
    const s = side === 'good' ? this.good : this.bad;
    const lane = s.lanes[l]!;
    if (lane.origin && lane.idle) return;
    for (const i of laneItems(s, l)) {
      if (!isSignificant(this.view(side, i))) continue;
      if (side === 'good') this.pendMissing(i, -1);
      else this.addCandidate({ kind: 'extra', pos: i, bad: i, good: null });
      return;
    }
  }

  private firstSignificant(side: 'good' | 'bad', items: Int32Array, el: Element): number {
    for (let k = el.start; k < el.start + el.length; k++) if (isSignificant(this.view(side, items[k]!))) return items[k]!;
    return -1;
  }

  /** Two aligned elements: an outcome bad shows that good never shows is a `result`; far slower is `timing`. */
  private compare(gItems: Int32Array, ge: Element, bItems: Int32Array, be: Element): void {
    // Most aligned pairs are one call each ending the same way: no bookkeeping needed.
    if (ge.length === 1 && be.length === 1 && this.good.outcome[gItems[ge.start]!] === this.bad.outcome[bItems[be.start]!]) {
      this.compareTiming(gItems, ge, bItems, be);
      return;
    }
    const goodOutcomes = new Map<number, number[]>();
    for (let k = ge.start; k < ge.start + ge.length; k++) {
      const i = gItems[k]!;
      const key = this.good.key[i]!;
      const list = goodOutcomes.get(key);
      if (list) list.push(i);
      else goodOutcomes.set(key, [i]);
    }
    const inLoop = ge.length > 1 || be.length > 1;
    for (let k = be.start; k < be.start + be.length; k++) {
      const b = bItems[k]!;
      // Elements paired as similar (a random token apart) compare item by item in order.
      const gList = goodOutcomes.get(this.bad.key[b]!) ?? (ge.key !== be.key ? [gItems[Math.min(ge.start + (k - be.start), ge.start + ge.length - 1)]!] : undefined);
      if (!gList) continue;
      const bv = this.view('bad', b);
      let same = false;
      for (const g of gList) {
        const gv = this.view('good', g);
        // Good's trace ended inside this call: it never showed an outcome to compare.
        if (gv.outcome === 'unfinished' || outcomesEquivalent(bv.family, bv.cls, gv.outcome, bv.outcome, inLoop)) { same = true; break; }
        if (bv.endOfAttached && !isSignificant(bv)) { same = true; break; }
      }
      if (!same) {
        this.addCandidate({ kind: 'result', pos: b, bad: b, good: gList[0]! });
        return;
      }
    }
    this.compareTiming(gItems, ge, bItems, be);
  }

  private compareTiming(gItems: Int32Array, ge: Element, bItems: Int32Array, be: Element): void {
    const sum = (s: SideTrace, items: Int32Array, el: Element) => {
      let total = 0;
      let longest = -1;
      for (let k = el.start; k < el.start + el.length; k++) {
        const i = items[k]!;
        const d = s.dur[i]!;
        if (Number.isNaN(d) || (s.flags[i]! & IDLE_WAIT) !== 0) return undefined;
        total += d;
        if (longest < 0 || d > s.dur[longest]!) longest = i;
      }
      return { total, longest };
    };
    const g = sum(this.good, gItems, ge);
    const b = sum(this.bad, bItems, be);
    if (!g || !b) return;
    if (b.total >= TIMING_MIN_SECONDS && b.total >= TIMING_MIN_RATIO * Math.max(g.total, 0.001)) {
      this.addCandidate({ kind: 'timing', pos: b.longest, bad: b.longest, good: g.longest });
    }
  }

  private pendMissing(good: number, prevBad: number): void {
    this.missingGood.push(good);
    this.missingPrevBad.push(prevBad);
  }

  finish(): Candidate[] {
    const goods = this.missingGood.take();
    const prevBads = this.missingPrevBad.take();
    const before = this.badBefore(goods);
    for (let k = 0; k < goods.length; k++) {
      const good = goods[k]!;
      const b = Math.max(prevBads[k]!, before[k]!);
      this.addCandidate({ kind: 'missing', pos: b + 0.5, bad: b >= 0 ? b : null, good });
    }
    return firstCandidates(this.candidates);
  }

  /**
   * For each good item of `goods`, the last bad item aligned with a good item
   * at or before it: where a gap at that item sits in bad. One sweep of the
   * aligned column in good's order, the items visited sorted.
   */
  private badBefore(goods: Int32Array): Int32Array {
    const order = Uint32Array.from(goods.keys()).sort((x, y) => goods[x]! - goods[y]!);
    const out = new Int32Array(goods.length);
    let g = 0;
    let latest = -1;
    for (const k of order) {
      for (; g <= goods[k]!; g++) if (this.alignedBad[g]! > latest) latest = this.alignedBad[g]!;
      out[k] = latest;
    }
    return out;
  }

  /** The last good item aligned with a bad item at or before `b` (a sweep: asked once, for the divergence). */
  private goodBefore(b: number): number {
    let latest = -1;
    for (let g = 0; g < this.alignedBad.length; g++) {
      const a = this.alignedBad[g]!;
      if (a >= 0 && a <= b) latest = g;
    }
    return latest;
  }

  missingAfter(d: Divergence): MissingEntry[] {
    let goodFrom: number;
    let badFrom: number;
    if (d.kind === 'missing') {
      goodFrom = d.good!;
      badFrom = (d.bad ?? -1) + 1;
    } else {
      goodFrom = (d.kind === 'extra' ? this.goodBefore(d.bad!) : d.good!) + 1;
      badFrom = d.bad!;
    }
    const badKeys = new Set<number>();
    for (let j = Math.max(0, badFrom); j < this.bad.n; j++) badKeys.add(this.bad.key[j]!);
    const entries = new Map<number, MissingEntry>();
    for (let i = Math.max(0, goodFrom); i < this.good.n; i++) {
      const key = this.good.key[i]!;
      if (badKeys.has(key)) continue;
      const e = entries.get(key);
      if (e) {
        e.count++;
        continue;
      }
      if (entries.size >= MISSING_AFTER_LIMIT || !isSignificant(this.view('good', i))) continue;
      entries.set(key, { good: i, count: 1 });
    }
    return [...entries.values()];
  }
}

/** At one place in bad, what good did first comes first (its SYN-ACK before the request it then sent). */
function byPlace(a: Candidate, b: Candidate): number {
  return a.pos - b.pos || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.good ?? -1) - (b.good ?? -1);
}

/** Candidates in bad's order, at most CANDIDATE_LIMIT timing ones and as many of the rest. */
function firstCandidates(all: Candidate[]): Candidate[] {
  all.sort(byPlace);
  let timing = 0;
  let other = 0;
  return all.filter((c) => (c.kind === 'timing' ? ++timing : ++other) <= CANDIDATE_LIMIT);
}

/**
 * How much of a window's alignment to keep. With more to come on a side,
 * the end of its window is uncertain (the counterpart of its last elements
 * may not have been read yet): keep up to the last match inside the first
 * three quarters of both windows. With no match there, the windows have
 * nothing in common: half of each is a gap.
 */
function cutWindow(ops: Op[], gN: number, bN: number, gDone: boolean, bDone: boolean): { ops: Op[]; good: number; bad: number } {
  if (gDone && bDone) return { ops, good: gN, bad: bN };
  const gSafe = gDone ? gN : Math.floor((gN * 3) / 4);
  const bSafe = bDone ? bN : Math.floor((bN * 3) / 4);
  for (let k = ops.length - 1; k >= 0; k--) {
    const o = ops[k]!;
    if (o.op === 'same' && o.g < gSafe && o.b < bSafe) return { ops: ops.slice(0, k + 1), good: o.g + 1, bad: o.b + 1 };
  }
  const good = gDone ? gN : Math.ceil(gN / 2);
  const bad = bDone ? bN : Math.ceil(bN / 2);
  const gaps: Op[] = [];
  for (let g = 0; g < good; g++) gaps.push({ op: 'good', g });
  for (let b = 0; b < bad; b++) gaps.push({ op: 'bad', b });
  return { ops: gaps, good, bad };
}
