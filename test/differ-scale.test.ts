/**
 * The differ's bounded-memory machinery, checked against the plain forms it
 * replaces: rows spilled to disk read back as written, a lane folded a chunk
 * at a time folds as it would whole, and alignment in windows finds the
 * same divergences on real traces as alignment of whole lanes.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RowStore, type Place } from '../src/diff/row-store.js';
import { fold, FoldStream, foldPatterns, type Element } from '../src/diff/fold.js';
import { Interner } from '../src/diff/side.js';
import { diffTraces } from '../src/diff/diff-traces.js';
import { STRACE_PAIRS } from './helpers/sample-pairs.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = join(REPO, '../shared/corpus');

/** A small deterministic generator (xorshift32): the same sequences every run. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('RowStore', () => {
  it('reads back every record, from memory and from the spill file', () => {
    const store = new RowStore(1 << 16);
    const rand = rng(7);
    const want: Place[] = [];
    for (let i = 0; i < 300_000; i++) {
      const p: Place = { file: i % 3, line: i + 1, endLine: i % 11 === 0 ? i + 3 : 0, lane: Math.floor(rand() * 1000), unit: i % 5, time: i % 17 === 0 ? NaN : 1700000000 + i * 1e-6 };
      want.push(p);
      store.push(p);
    }
    expect(store.length).toBe(300_000);
    // Blocks past the first 64k records went to disk.
    expect(store.spilled).toBeGreaterThanOrEqual(300_000 - 2 * 65536 - 65536);
    expect(store.spilled).toBeLessThan(300_000);
    for (const i of [0, 1, 65535, 65536, 65537, 131071, 131072, 199999, 262143, 262144, 299999]) expect(store.get(i)).toEqual(want[i]);
    for (let k = 0; k < 2000; k++) {
      const i = Math.floor(rand() * 300_000);
      expect(store.get(i)).toEqual(want[i]);
    }
    expect(() => store.get(300_000)).toThrow(RangeError);
    store.close();
  });

  it('keeps a small side in memory', () => {
    const store = new RowStore();
    for (let i = 0; i < 1000; i++) store.push({ file: 0, line: i, endLine: 0, lane: 0, unit: 0, time: i });
    expect(store.spilled).toBe(0);
    expect(store.get(999).line).toBe(999);
  });
});

/** Keys with what folding meets in traces: long runs, loops of 2–4 calls, loops cut short, noise. */
function loopyKeys(n: number, seed: number): Int32Array {
  const rand = rng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const r = rand();
    if (r < 0.3) out.push(Math.floor(rand() * 50));
    else if (r < 0.45) for (let k = Math.floor(rand() * (rand() < 0.001 ? 50_000 : 40)); k >= 0; k--) out.push(100);
    else {
      const period = 2 + Math.floor(rand() * 3);
      const loop = Array.from({ length: period }, () => 200 + Math.floor(rand() * 8));
      const reps = 1 + Math.floor(rand() * (rand() < 0.001 ? 20_000 : 12));
      for (let k = 0; k < reps; k++) out.push(...loop);
      if (rand() < 0.3) out.push(...loop.slice(0, 1 + Math.floor(rand() * (period - 1))));
    }
  }
  return Int32Array.from(out.slice(0, n));
}

const shape = (els: Element[]) => els.map((e) => [e.start, e.length, e.key]);

describe('FoldStream', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`folds a lane chunk by chunk as it folds whole (seed ${seed})`, () => {
      const keys = loopyKeys(400_000, seed);
      const s1 = new Interner();
      const s2 = new Interner();
      const wholeFound = new Set<string>();
      const whole = fold(keys, s1, undefined, wholeFound);
      const streamFound = new Set<string>();
      foldPatterns(keys, s2, streamFound);
      expect([...streamFound].sort()).toEqual([...wholeFound].sort());
      // Interners assign ids in the same order only if patterns meet in the same order; compare texts.
      const text = (s: Interner, els: Element[]) => els.map((e) => [e.start, e.length, s.text(e.key) ?? e.key]);
      const stream = new FoldStream(keys, s2, wholeFound);
      const got: Element[] = [];
      while (!stream.done) stream.fill(got, got.length + 10_000);
      const known = fold(keys, s1, wholeFound);
      expect(text(s2, got)).toEqual(text(s1, known));
      // Many chunks, each ending somewhere different in a loop.
      expect(whole.length).toBeGreaterThan(5_000);
      expect(shape(got).length).toBe(known.length);
    });
  }
});

describe('alignment in windows', () => {
  const corpusPairs: Array<[string, string]> = [
    ['strace/Stana/stardict_T.out', 'strace/Stana/firefox_no_t.out'],
    ['strace/arastoob-strace-parser/multithread_strace1.log', 'strace/tracecode-toolkit-strace/filtering__trace.70676'],
    ['generated-local/tcpdump-text-of-public-captures/zeek/irc-dcc-send.pcapng.tcpdump-number-n-tttt.txt', 'generated-local/tcpdump-text-of-public-captures/zeek/tcp__timestamp.pcap.tcpdump-number-n-tttt.txt'],
  ]
    .map(([a, b]) => [join(CORPUS, a!), join(CORPUS, b!)] as [string, string]);
  const pairs = [...STRACE_PAIRS.map(([g, b]) => [join(REPO, g), join(REPO, b)] as [string, string]), ...corpusPairs];

  it.each(pairs)('%s against %s: the same report with windows of 64 elements and rows spilled after 64k', async (good, bad) => {
    const whole = await diffTraces([good], [bad], { version: 't' });
    const windowed = await diffTraces([good], [bad], { version: 't', window: 64, memoryRows: 0 });
    expect(windowed.report.divergence).toEqual(whole.report.divergence);
    expect(windowed.report.missingAfter).toEqual(whole.report.missingAfter);
    expect(windowed.context).toEqual(whole.context);
  });
});
