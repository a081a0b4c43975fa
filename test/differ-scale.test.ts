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

describe('a diff larger than a window and the rows kept in memory', () => {
  /** 120k calls a side: a loop over distinct files (no folding), bad's write failing near the end. */
  function bigTrace(failAt: number | undefined): string {
    const lines: string[] = ['4242 10:00:00.000000 execve("/usr/bin/copier", ["copier"], 0x7ffc /* 1 var */) = 0 <0.000100>'];
    let t = 0;
    const ts = () => {
      t += 0.000013;
      const s = (36000 + t).toFixed(6);
      const sec = Number(s.split('.')[0]);
      return `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}.${s.split('.')[1]}`;
    };
    for (let k = 0; k < 40_000; k++) {
      lines.push(`4242 ${ts()} openat(AT_FDCWD, "/data/in/part-${k}", O_RDONLY) = 3 <0.000010>`);
      lines.push(k === failAt ? `4242 ${ts()} write(4, "x", 1) = -1 ENOSPC (No space left on device) <0.000010>` : `4242 ${ts()} write(4, "x", 1) = 1 <0.000010>`);
      lines.push(`4242 ${ts()} close(3) = 0 <0.000005>`);
    }
    lines.push(`4242 ${ts()} exit_group(0) = ?`, `4242 ${ts()} +++ exited with 0 +++`);
    return lines.join('\n') + '\n';
  }

  it('reads the sides in worker threads, spills rows, aligns in windows, and reports what one thread keeping everything reports', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { runNode } = await import('./helpers/cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'td-big-'));
    try {
      const good = join(dir, 'good.strace');
      const bad = join(dir, 'bad.strace');
      writeFileSync(good, bigTrace(undefined));
      writeFileSync(bad, bigTrace(37_000));
      const script = `
        import { diffTraces } from ${JSON.stringify(join(REPO, 'dist/src/index.js'))};
        const args = [[${JSON.stringify(good)}], [${JSON.stringify(bad)}]];
        const a = await diffTraces(...args, { version: 't', workers: true, memoryRows: 0 });
        const b = await diffTraces(...args, { version: 't', workers: false });
        // A worker heap too small for the side: read in this thread instead, the same report.
        const c = await diffTraces(...args, { version: 't', workers: true, workerHeapMb: 2 });
        console.log(JSON.stringify({ a: { report: a.report, context: a.context }, b: { report: b.report, context: b.context }, c: { report: c.report, context: c.context } }));
      `;
      const scriptFile = join(dir, 'run.mjs');
      writeFileSync(scriptFile, script);
      const r = await runNode([scriptFile]);
      expect(r.err).toBe('');
      const { a, b, c } = JSON.parse(r.out) as { a: { report: { divergence: { kind: string; bad: { line: number } } } }; b: unknown; c: unknown };
      expect(a).toEqual(b);
      expect(c).toEqual(b);
      // The failed write: line 1 + 37,000 × 3 + 2 of bad, past the 65,536 rows kept in memory and the first window.
      expect(a.report.divergence.kind).toBe('result');
      expect(a.report.divergence.bad.line).toBe(1 + 37_000 * 3 + 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a side crossing between threads', () => {
  it('lanes cross as columns: units, lanes (origins, idle, flows) and items come back as they were, ids renumbered', async () => {
    const { readSide } = await import('../src/diff/read-side.js');
    const { sideToMessage, sideFromMessage } = await import('../src/diff/side-transfer.js');
    // A run's calls (connections made, one of them idle) and a capture's flows, in one side.
    const strings = new Interner();
    const side = await readSide([join(REPO, 'samples/slow-backend/bad.strace'), join(REPO, 'samples/incidents/002-ephemeral-ports/bad.pcap')], strings);
    const text = (s: typeof side, st: Interner) => ({
      units: s.units,
      lanes: s.lanes.map((l) => ({ ...l, signature: st.text(l.signature) })),
      keys: Array.from(s.key, (k) => st.text(k)),
      outcomes: Array.from(s.outcome, (o) => st.outcomes.text(o)),
      laneOrder: Array.from(s.laneOrder),
    });
    const before = structuredClone(text(side, strings));
    expect(before.lanes.some((l) => l.origin !== undefined)).toBe(true);
    expect(before.lanes.some((l) => l.packets === true)).toBe(true);
    expect(before.lanes.some((l) => l.idle)).toBe(true);
    const { message, transfer } = sideToMessage(side, strings);
    const moved = structuredClone(message, { transfer });
    // A receiving interner that already holds other strings: every id moves.
    const other = new Interner();
    for (let k = 0; k < 50; k++) other.id(`other ${k}`);
    other.outcomes.id('E:EIO');
    const after = sideFromMessage(moved, other);
    expect(text(after, other)).toEqual(before);
    after.rows.close();
  });
});
