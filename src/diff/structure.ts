/**
 * Structure before sequence: pair processes with processes and, inside a
 * pair, connections with connections, so that concurrent pids and a
 * different number of requests do not pull unrelated events together.
 *
 * Processes pair by their place in the process tree (the chain of programs
 * from the root) and the shape of their argv, in order of appearance, then
 * by the chain alone; connections pair by what they are
 * (how the socket was made and to which service) in order, idle
 * connections with idle ones first, then what is left by what it is alone.
 */
import type { SideTrace } from './side.js';

export interface Structure {
  /** [good unit, bad unit] */
  units: Array<[number, number]>;
  goodOnlyUnits: number[];
  badOnlyUnits: number[];
  /** [good lane, bad lane] */
  lanes: Array<[number, number]>;
  goodOnlyLanes: number[];
  badOnlyLanes: number[];
}

/** The chain of programs from the root to this unit: "bash > grep", "nginx > thread". */
export function unitSignature(side: SideTrace, u: number): string {
  const parts: string[] = [];
  let cur: number | undefined = u;
  for (let depth = 0; cur !== undefined && depth < 64; depth++) {
    const unit: SideTrace['units'][number] = side.units[cur]!;
    parts.push(unit.thread ? 'thread' : unit.program ?? 'proc');
    cur = unit.parent;
  }
  return parts.reverse().join(' > ');
}

/** Pair items of two lists that share a group, in order; report the rest. */
function pairInOrder<T, K extends string | number>(good: T[], bad: T[], group: (side: 'good' | 'bad', x: T) => K) {
  const waiting = new Map<K, { items: T[]; next: number }>();
  for (const b of bad) {
    const g = group('bad', b);
    let q = waiting.get(g);
    if (!q) waiting.set(g, (q = { items: [], next: 0 }));
    q.items.push(b);
  }
  const pairs: Array<[T, T]> = [];
  const goodOnly: T[] = [];
  for (const g of good) {
    const q = waiting.get(group('good', g));
    const b = q && q.next < q.items.length ? q.items[q.next++] : undefined;
    if (b === undefined) goodOnly.push(g);
    else pairs.push([g, b]);
  }
  const paired = new Set(pairs.map((p) => p[1]));
  const badOnly = bad.filter((b) => !paired.has(b));
  return { pairs, goodOnly, badOnly };
}

export function matchStructure(good: SideTrace, bad: SideTrace): Structure {
  const gu = good.units.map((_, i) => i);
  const bu = bad.units.map((_, i) => i);
  const sig = { good: new Map<number, string>(), bad: new Map<number, string>() };
  const sigOf = (side: 'good' | 'bad', u: number) => {
    const m = sig[side];
    let s = m.get(u);
    if (s === undefined) m.set(u, (s = unitSignature(side === 'good' ? good : bad, u)));
    return s;
  };
  // Same program chain and argv shape first (`grep -q x f` with `grep -q x f`), then the chain alone.
  const shaped = pairInOrder(gu, bu, (side, u) => `${sigOf(side, u)} #${(side === 'good' ? good : bad).units[u]!.argc ?? '-'}`);
  const rest = pairInOrder(shaped.goodOnly, shaped.badOnly, sigOf);
  const units = { pairs: [...shaped.pairs, ...rest.pairs].sort((x, y) => x[0] - y[0]), goodOnly: rest.goodOnly, badOnly: rest.badOnly };

  const lanes: Array<[number, number]> = [];
  const goodOnlyLanes: number[] = [];
  const badOnlyLanes: number[] = [];
  for (const [g, b] of units.pairs) {
    const gl = good.units[g]!.lanes;
    const bl = bad.units[b]!.lanes;
    lanes.push([gl[0]!, bl[0]!]);
    const laneOf = (side: 'good' | 'bad', l: number) => (side === 'good' ? good : bad).lanes[l]!;
    // Groups by the interned signature (a number: no string a lane when a capture has a million flows), idle apart.
    const conns = pairInOrder(gl.slice(1), bl.slice(1), (side, l) => laneOf(side, l).signature * 2 + (laneOf(side, l).idle ? 1 : 0));
    // Then what is left by what it is alone: a connect that never completed carried nothing, like a probe, but it is the connection good made.
    const rest = pairInOrder(conns.goodOnly, conns.badOnly, (side, l) => laneOf(side, l).signature);
    // Loops, not push(...list): a capture's network unit has a million lanes, past what a call's arguments hold.
    for (const p of conns.pairs) lanes.push(p);
    for (const p of rest.pairs) lanes.push(p);
    for (const l of rest.goodOnly) goodOnlyLanes.push(l);
    for (const l of rest.badOnly) badOnlyLanes.push(l);
  }
  for (const u of units.goodOnly) for (const l of good.units[u]!.lanes) goodOnlyLanes.push(l);
  for (const u of units.badOnly) for (const l of bad.units[u]!.lanes) badOnlyLanes.push(l);
  return { units: units.pairs, goodOnlyUnits: units.goodOnly, badOnlyUnits: units.badOnly, lanes, goodOnlyLanes, badOnlyLanes };
}
