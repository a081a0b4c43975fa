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
import { runCli, type Ran } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tracediff-exit-'));

// No CI variable: the progress line must stay away because stderr is a pipe, not because CI is set.
const run = (args: string[], input?: string | Buffer) => runCli(args, { unset: ['CI'], ...(input !== undefined ? { input } : {}) });

const ENOSPC = ['samples/nginx-cache-enospc/good.strace', 'samples/nginx-cache-enospc/bad.strace'];
const SAME = ['samples/good-twice/curl/run1.strace', 'samples/good-twice/curl/run2.strace'];
const REFUSED = ['samples/captures/http-ok-vs-refused/good.pcap', 'samples/captures/http-ok-vs-refused/bad.pcap'];
const FORMATS = ['text', 'markdown', 'html', 'json'];

/** One line, naming what went wrong, and never a stack trace. */
function expectTrouble(r: Ran, names: string | RegExp) {
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
    it(`--format ${format}: 1 with a divergence, 0 without, nothing on stderr`, async () => {
      const found = await run([...ENOSPC, '--format', format]);
      expect(found.code, found.err).toBe(1);
      expect(found.err).toBe('');
      expect(found.out.length).toBeGreaterThan(200);
      const same = await run([...SAME, '--format', format]);
      expect(same.code, same.err).toBe(0);
      expect(same.err).toBe('');
      const capture = await run([...REFUSED, '--format', format]);
      expect(capture.code, capture.err).toBe(1);
    });
  }

  it('the format follows --out when --format is not given, and --format wins over the extension', async () => {
    for (const [ext, probe] of [['html', /^<!DOCTYPE html>/], ['md', /^# tracediff/], ['json', /^\{\n {2}"tool": "tracediff"/], ['txt', /^Divergence \(result\)/]] as const) {
      const out = join(tmp, `report.${ext}`);
      const r = await run([...ENOSPC, '--out', out]);
      expect(r.code, r.err).toBe(1);
      expect(r.out).toBe('');
      expect(spawnSync('head', ['-c', '200', out], { encoding: 'utf8' }).stdout).toMatch(probe);
    }
    const forced = join(tmp, 'forced.html');
    expect((await run([...ENOSPC, '--out', forced, '--format', 'json'])).code).toBe(1);
    expect(spawnSync('head', ['-c', '1', forced], { encoding: 'utf8' }).stdout).toBe('{');
  });

  it('2 for a missing file, a directory without traces, unrecognised content and a broken gzip, naming the file', async () => {
    expectTrouble(await run([ENOSPC[0]!, 'no/such/file.strace']), /no\/such\/file\.strace/);
    const empty = mkdtempSync(join(tmp, 'empty-'));
    expectTrouble(await run([ENOSPC[0]!, empty]), new RegExp(empty.replace(/[/.]/g, '\\$&')));
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)));
    expectTrouble(await run([ENOSPC[0]!, junk]), /junk\.bin/);
    const broken = join(tmp, 'broken.strace.gz');
    writeFileSync(broken, gzipSync(Buffer.from('x'.repeat(100000))).subarray(0, 60));
    const r = await run([ENOSPC[0]!, broken]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/broken\.strace\.gz/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('2 for bad usage: missing side, both sides on stdin, unknown option, bad values, unwritable --out', async () => {
    expectTrouble(await run([ENOSPC[0]!]), /bad|argument/i);
    expectTrouble(await run(['-', '-'], ''), /standard input/);
    expectTrouble(await run([...ENOSPC, '--no-such-option']), /no-such-option/);
    expectTrouble(await run([...ENOSPC, '--format', 'yaml']), /yaml/);
    expectTrouble(await run([...ENOSPC, '--context', '-1']), /--context/);
    expectTrouble(await run([...ENOSPC, '--clock-offset', 'nonsense']), /clock-offset|nonsense/);
    expectTrouble(await run([...ENOSPC, '--out', join(tmp, 'no-dir', 'r.html')]), /no-dir/);
  });
});

describe('analyze exit status', () => {
  for (const format of FORMATS) {
    it(`--format ${format}: 1 with an error finding, 0 without`, async () => {
      const bad = await run(['analyze', ENOSPC[1]!, '--format', format]);
      expect(bad.code, bad.err).toBe(1);
      expect(bad.err).toBe('');
      const good = await run(['analyze', SAME[0]!, '--format', format]);
      expect(good.code, good.err).toBe(0);
      expect(good.err).toBe('');
    });
  }

  it('2 for unreadable input and bad usage', async () => {
    expectTrouble(await run(['analyze', 'no/such.pcap']), /no\/such\.pcap/);
    expectTrouble(await run(['analyze']), /trace|argument/i);
    expectTrouble(await run(['analyze', ENOSPC[1]!, '--format', 'pdf']), /pdf/);
  });
});

describe('parse exit status', () => {
  it('0 for readable input, even with unparsed lines (they become `unparsed` events)', async () => {
    const r = await run(['parse', '-'], 'this is not strace\n12:00:00.000000 read(0, "", 1) = 0\n');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l).kind)).toContain('unparsed');
  });

  it('2 for unreadable input', async () => {
    expectTrouble(await run(['parse', 'no/such.strace']), /no\/such\.strace/);
  });
});

describe('--help, --version and completion on every command', () => {
  for (const cmd of [[], ['diff'], ['analyze'], ['parse']]) {
    it(`${cmd.join(' ') || '(default)'}: --help and --version exit 0`, async () => {
      const help = await run([...cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(/Options:/);
      expect(help.out).toMatch(/samples\//);
      const version = await run([...cmd, '--version']);
      expect(version.code).toBe(0);
      expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    });
  }

  it('prints a shell completion script and completes commands and choices', async () => {
    const script = await run(['completion']);
    expect(script.code).toBe(0);
    expect(script.out).toMatch(/complete -o bashdefault -o default -F _tracediff_yargs_completions tracediff/);
    const cmds = await run(['--get-yargs-completions', 'tracediff', '']);
    expect(cmds.out.split('\n')).toEqual(expect.arrayContaining(['diff', 'analyze', 'parse']));
    const formats = await run(['--get-yargs-completions', 'tracediff', 'analyze', 'x', '--format', '']);
    expect(formats.out.split('\n')).toEqual(expect.arrayContaining(['text', 'markdown', 'html', 'json']));
  });
});

describe('filters through the CLI (docs/filters.md)', () => {
  it('diff --trace=%network still points at the refused connect, at its line in the full log', async () => {
    const r = await run(['samples/connect-refused/good-wget.strace', 'samples/connect-refused/bad-wget.strace', '--trace=%network', '--format', 'json']);
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.divergence.bad).toMatchObject({ file: 'samples/connect-refused/bad-wget.strace', line: 265 });
    expect(report.divergence.bad.text).toMatch(/connect\(.*ECONNREFUSED/);
    expect(report.bad.events).toBeLessThan(20);
  });

  it('parse --port and --pid keep what they name and nothing else', async () => {
    const packets = await run(['parse', 'samples/captures/http-ok-vs-refused/good.pcap', '--port', '18181']);
    const kept = packets.out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((e) => /\.18181$/.test(e.src) || /\.18181$/.test(e.dst))).toBe(true);
    const none = await run(['parse', 'samples/captures/http-ok-vs-refused/good.pcap', '--port', '1']);
    expect(none.code).toBe(0);
    expect(none.out).toBe('');
    const pid = await run(['parse', 'samples/strace-flags/f.strace', '--pid', '24106']);
    expect(pid.code, pid.err).toBe(0);
    const events = pid.out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    // grep -c '^24106 ' samples/strace-flags/f.strace, less the resumed halves joined to their calls.
    expect(events.every((e) => e.pid === 24106)).toBe(true);
    expect(events.length).toBeGreaterThan(100);
    expect(events.length).toBeLessThanOrEqual(467);
  });

  it('a bad filter is one line naming the item, exit 2, before any input is read', async () => {
    expectTrouble(await run(['parse', 'samples/nginx-cache-enospc/bad.strace', '--trace=%nosuchclass']), /%nosuchclass/);
    expectTrouble(await run([...ENOSPC, '--ignore=/(unclosed']), /\(unclosed/);
    expectTrouble(await run(['analyze', 'no/such/file', '--host', 'not-an-ip']), /not-an-ip/);
    expectTrouble(await run(['parse', 'samples/captures/syn-dropped/bad.pcap', '--port', '70000']), /70000/);
  });
});
