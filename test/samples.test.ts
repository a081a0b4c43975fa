/**
 * The traces recorded on this machine (samples/*, each re-made by its
 * record.sh) and the seed sample: every line strace wrote is classified,
 * every argument list parses.
 */
import { basename, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byKind, parseFile, REPO, straceFiles } from './helpers/corpus.js';

/** Traces taken from strace's stderr with the program's own stdout/stderr on the same stream. */
const PROGRAM_OUTPUT_MIXED_IN = new Set(['e-write-1-stderr.strace', 'stderr.strace', 'f-stderr.strace']);

// Every trace under samples/: the flag matrix, the seed, and the differ's recorded pairs.
const files = straceFiles(`${REPO}/samples`).filter((p) => !p.includes('/workloads/'));

describe('recorded samples', () => {
  it('finds them', () => {
    expect(files.length).toBeGreaterThan(90);
  });
  for (const path of files) {
    const name = basename(path);
    it(`${relative(REPO, path)}: every strace line classified, every argument list parsed`, () => {
      const { events, stats } = parseFile(path);
      const unparsed = byKind(events, 'unparsed');
      if (PROGRAM_OUTPUT_MIXED_IN.has(name)) {
        for (const u of unparsed) expect(u.reason).toMatch(/not strace output/);
      } else expect(unparsed.map((u) => `${u.line}: ${u.text}`)).toEqual([]);
      expect(byKind(events, 'syscall').filter((e) => e.argsError).map((e) => `${e.line}: ${e.argsError}`)).toEqual([]);
      expect(stats.classified + stats.blank + stats.unparsed).toBe(stats.lines);
    });
  }
});
