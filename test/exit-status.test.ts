/**
 * Every exit status of the contract (../shared/CONTRACT.md), through the real
 * CLI process, for every command and every report format: 0 nothing found,
 * 1 found, 2 trouble with one line on stderr naming the file — and a clean
 * stderr otherwise (no progress line in a pipe, no stack trace ever).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/corpus.js';

const BIN = join(REPO, 'dist/src/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-exit-'));

function run(args: string[], input?: string | Buffer) {
  // No CI variable: the progress line must stay away because stderr is a pipe, not because CI is set.
  const env = { ...process.env };
  delete env['CI'];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, input, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ENOSPC = ['samples/nginx-cache-enospc/good.strace', 'samples/nginx-cache-enospc/bad.strace'];
const SAME = ['samples/good-twice/curl/run1.strace', 'samples/good-twice/curl/run2.strace'];
const REFUSED = ['samples/captures/http-ok-vs-refused/good.pcap', 'samples/captures/http-ok-vs-refused/bad.pcap'];
const FORMATS = ['text', 'markdown', 'html', 'json'];

/** One line, naming what went wrong, and never a stack trace. */
function expectTrouble(r: ReturnType<typeof run>, names: string | RegExp) {
  expect(r.code, r.err).toBe(2);
  const lines = r.err.split('\n').filter(Boolean);
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^tracediff: /);
  expect(lines[0]).toMatch(names);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.out).toBe('');
}

describe('diff exit status', () => {
  for (const format of FORMATS) {
    it(`--format ${format}: 1 with a divergence, 0 without, nothing on stderr`, () => {
      const found = run([...ENOSPC, '--format', format]);
      expect(found.code, found.err).toBe(1);
      expect(found.err).toBe('');
      expect(found.out.length).toBeGreaterThan(200);
      const same = run([...SAME, '--format', format]);
      expect(same.code, same.err).toBe(0);
      expect(same.err).toBe('');
      const capture = run([...REFUSED, '--format', format]);
      expect(capture.code, capture.err).toBe(1);
    });
  }

  it('the format follows --out when --format is not given, and --format wins over the extension', () => {
    for (const [ext, probe] of [['html', /^<!DOCTYPE html>/], ['md', /^# tracediff/], ['json', /^\{\n {2}"tool": "tracediff"/], ['txt', /^Divergence \(result\)/]] as const) {
      const out = join(tmp, `report.${ext}`);
      const r = run([...ENOSPC, '--out', out]);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toBe('');
      expect(spawnSync('head', ['-c', '200', out], { encoding: 'utf8' }).stdout).toMatch(probe);
    }
    const forced = join(tmp, 'forced.html');
    expect(run([...ENOSPC, '--out', forced, '--format', 'json']).code).toBe(1);
    expect(spawnSync('head', ['-c', '1', forced], { encoding: 'utf8' }).stdout).toBe('{');
  });

  it('2 for a missing file, a directory without traces, unrecognised content and a broken gzip, naming the file', () => {
    expectTrouble(run([ENOSPC[0]!, 'no/such/file.strace']), /no\/such\/file\.strace/);
    const empty = mkdtempSync(join(tmp, 'empty-'));
    expectTrouble(run([ENOSPC[0]!, empty]), new RegExp(empty.replace(/[/.]/g, '\\$&')));
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)));
    expectTrouble(run([ENOSPC[0]!, junk]), /junk\.bin/);
    const broken = join(tmp, 'broken.strace.gz');
    writeFileSync(broken, gzipSync(Buffer.from('x'.repeat(100000))).subarray(0, 60));
    const r = run([ENOSPC[0]!, broken]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.strace\.gz/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('2 for bad usage: missing side, both sides on stdin, unknown option, bad values, unwritable --out', () => {
    expectTrouble(run([ENOSPC[0]!]), /bad|argument/i);
    expectTrouble(run(['-', '-'], ''), /standard input/);
    expectTrouble(run([...ENOSPC, '--no-such-option']), /no-such-option/);
    expectTrouble(run([...ENOSPC, '--format', 'yaml']), /yaml/);
    expectTrouble(run([...ENOSPC, '--context', '-1']), /--context/);
    expectTrouble(run([...ENOSPC, '--clock-offset', 'nonsense']), /clock-offset|nonsense/);
    expectTrouble(run([...ENOSPC, '--out', join(tmp, 'no-dir', 'r.html')]), /no-dir/);
  });
});

describe('analyze exit status', () => {
  for (const format of FORMATS) {
    it(`--format ${format}: 1 with an error finding, 0 without`, () => {
      const bad = run(['analyze', ENOSPC[1]!, '--format', format]);
      expect(bad.code, bad.err).toBe(1);
      expect(bad.err).toBe('');
      const good = run(['analyze', SAME[0]!, '--format', format]);
      expect(good.code, good.err).toBe(0);
      expect(good.err).toBe('');
    });
  }

  it('2 for unreadable input and bad usage', () => {
    expectTrouble(run(['analyze', 'no/such.pcap']), /no\/such\.pcap/);
    expectTrouble(run(['analyze']), /trace|argument/i);
    expectTrouble(run(['analyze', ENOSPC[1]!, '--format', 'pdf']), /pdf/);
  });
});

describe('parse exit status', () => {
  it('0 for readable input, even with unparsed lines (they become `unparsed` events)', () => {
    const r = run(['parse', '-'], 'this is not strace\n12:00:00.000000 read(0, "", 1) = 0\n');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l).kind)).toContain('unparsed');
  });

  it('2 for unreadable input', () => {
    expectTrouble(run(['parse', 'no/such.strace']), /no\/such\.strace/);
  });
});

describe('--help, --version and completion on every command', () => {
  for (const cmd of [[], ['diff'], ['analyze'], ['parse']]) {
    it(`${cmd.join(' ') || '(default)'}: --help and --version exit 0`, () => {
      const help = run([...cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/Options:/);
      expect(help.out).toMatch(/samples\//);
      const version = run([...cmd, '--version']);
      expect(version.code).toBe(0);
      expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    });
  }

  it('prints a shell completion script and completes commands and choices', () => {
    const script = run(['completion']);
    expect(script.code).toBe(0);
    expect(script.out).toMatch(/complete -o bashdefault -o default -F _tracediff_yargs_completions tracediff/);
    const cmds = run(['--get-yargs-completions', 'tracediff', '']);
    expect(cmds.out.split('\n')).toEqual(expect.arrayContaining(['diff', 'analyze', 'parse']));
    const formats = run(['--get-yargs-completions', 'tracediff', 'analyze', 'x', '--format', '']);
    expect(formats.out.split('\n')).toEqual(expect.arrayContaining(['text', 'markdown', 'html', 'json']));
  });
});
