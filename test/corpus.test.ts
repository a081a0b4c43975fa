/**
 * Every strace log in ../shared/corpus: the share of lines classified, and
 * errno/exit/signal counts against a plain scan of the same file.
 *
 * The only lines allowed to stay unparsed are the ones named below, each
 * with the reason it is not strace output.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byKind, CORPUS, parseFile, straceFiles } from './helpers/corpus.js';
import { detectFormat } from '../src/readers/detect.js';

/** file (relative to the corpus) → line numbers that are not strace output, and why. */
const NOT_STRACE: Record<string, { lines: number[]; why: string }> = {
  'strace/SYN-flood/strace.txt': { lines: [1, 2, 3, 4, 5, 6], why: 'a "#" comment header the repository author added above the trace' },
  'strace/tracecode-toolkit-strace/bug1__t.2461545': { lines: [6], why: '"THIS IS not a line at all": a line planted by that project\'s own parser tests' },
};

const files = [...straceFiles(`${CORPUS}/strace`), ...straceFiles(`${CORPUS}/generated-local`)];

/** What a plain line-by-line scan finds, independent of the parser. */
function plainScan(text: string) {
  let errnos = 0;
  let exits = 0;
  let signals = 0;
  for (const line of text.split('\n')) {
    // -123 appears in an anonymised corpus file; real traces print -1 or ?.
    errnos += [...line.matchAll(/\)\s+=\s(?:-\d+|\?)\s(?:E[A-Z0-9_]+|\(errno \d+\))/g)].length;
    if (/(?:^|\s)\+\+\+ (?:exited with|killed by) .*\+\+\+\s*$/.test(line)) exits++;
    if (/(?:^|\s)--- (?:SIG|stopped by|\{si_signo=).* ---\s*$/.test(line)) signals++;
  }
  return { errnos, exits, signals };
}

describe('corpus strace logs', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  for (const path of files) {
    const rel = relative(CORPUS, path);
    describe(rel, () => {
      const parsed = parseFile(path);
      const { events, stats, text } = parsed;

      it('is detected as strace from its content', () => {
        expect(detectFormat(readFileSync(path).subarray(0, 65536))).toMatchObject({ format: 'strace' });
      });

      it('classifies every line strace wrote', () => {
        const unparsed = byKind(events, 'unparsed');
        const allowed = NOT_STRACE[rel]?.lines ?? [];
        expect(unparsed.map((u) => u.line)).toEqual(allowed);
        expect(stats.classified + stats.blank + stats.unparsed).toBe(stats.lines);
      });

      it('counts the same errnos, exits and signals as a plain scan', () => {
        const scan = plainScan(text);
        const syscalls = byKind(events, 'syscall');
        expect(syscalls.filter((e) => e.errno !== undefined).length).toBe(scan.errnos);
        expect(byKind(events, 'exit').filter((e) => e.supersededBy === undefined).length).toBe(scan.exits);
        expect(byKind(events, 'signal').length).toBe(scan.signals);
      });

      it('parses every argument list', () => {
        const bad = byKind(events, 'syscall').filter((e) => e.argsError !== undefined);
        expect(bad.map((e) => `${e.line}: ${e.name}(${e.argsText.slice(0, 80)}) — ${e.argsError}`)).toEqual([]);
      });

      it('marks a call unfinished only when it never returned', () => {
        for (const e of byKind(events, 'syscall')) {
          // Either no resumed half at all, or one that says `<unfinished ...>) = ?` (the task died inside).
          if (e.unfinished && e.resumedLine !== undefined) expect(e.result).toBe('?');
          if (!e.unfinished && !e.detached) expect(e.result).toBeDefined();
        }
      });
    });
  }
});
