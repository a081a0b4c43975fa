/**
 * `tracediff <good> <bad>` as scripts and people use it: exit status as
 * diff(1), the contract's JSON, a text report that is plain in pipes and
 * coloured on request, standard input as one side, and bad input ending in
 * exit 2 with one line naming the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/corpus.js';

const BIN = join(REPO, 'dist/src/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-diff-'));
const GOOD = 'samples/nginx-cache-enospc/good.strace';
const BAD = 'samples/nginx-cache-enospc/bad.strace';

function run(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, input: opts.input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...opts.env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tracediff diff', () => {
  it('exits 1 with a divergence, as diff(1), and the default command is diff', () => {
    const a = run([GOOD, BAD]);
    const b = run(['diff', GOOD, BAD]);
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(a.out).toBe(b.out);
    expect(a.err).toBe('');
  });

  it('exits 0 when two good runs do the same work', () => {
    const r = run(['samples/good-twice/nginx/run1.strace', 'samples/good-twice/nginx/run2.strace']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^No meaningful divergence/);
  });

  it('writes the contract JSON', () => {
    const r = run([GOOD, BAD, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['tool', 'version', 'good', 'bad', 'divergence', 'missingAfter', 'findings']);
    expect(j.tool).toBe('tracediff');
    expect(j.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(j.good).toMatchObject({ files: [GOOD], events: 58 });
    expect(j.bad).toMatchObject({ files: [BAD], events: 39 });
    expect(j.divergence.kind).toBe('result');
    expect(j.divergence.bad).toMatchObject({ file: BAD, line: 32 });
    expect(j.divergence.good).toMatchObject({ file: GOOD, line: 32 });
    expect(typeof j.divergence.summary).toBe('string');
    expect(j.missingAfter[0]).toMatchObject({ good: { file: GOOD, line: 33 } });
    expect(j.missingAfter[0].good.text).toMatch(/^writev\(11, /);
    expect(Array.isArray(j.findings)).toBe(true);
  });

  it('writes divergence null and exit 0 for the same trace twice', () => {
    const r = run([GOOD, GOOD, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ divergence: null, missingAfter: [] });
  });

  it('puts the verdict first and both sides around the divergence with line numbers', () => {
    const r = run([GOOD, BAD, '--context', '2']);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^Divergence \(result\): pwritev .*ENOSPC/);
    expect(r.out).toMatch(/> 32 pwritev\(14/);
    expect(r.out).toMatch(/ 30 readv\(15/);
    expect(r.out).not.toMatch(/ 29 readv\(15/);
    expect(r.out).toMatch(/After the divergence, good does this and bad never does:/);
    expect(r.out).toMatch(/good\.strace:34 +sendfile\(11, 14, /);
  });

  it('has no colour in a pipe or with NO_COLOR, and colour when asked', () => {
    expect(run([GOOD, BAD]).out).not.toMatch(/\u001b\[/);
    expect(run([GOOD, BAD, '--color'], { env: { NO_COLOR: '1' } }).out).toMatch(/\u001b\[31m/);
    expect(run([GOOD, BAD, '--no-color']).out).not.toMatch(/\u001b\[/);
  });

  it('stacks the two sides below 143 columns and puts them side by side above', () => {
    // Not a terminal here, so the width is the default; the renderer's narrow layout is exercised directly.
    return import('../src/render/diff-text.js').then(async ({ renderDiffText }) => {
      const { diffTraces } = await import('../src/diff/diff-traces.js');
      const view = await diffTraces([join(REPO, GOOD)], [join(REPO, BAD)], { version: 't' });
      const narrow = renderDiffText(view, { color: false, width: 80 });
      for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      expect(narrow).toMatch(/^good {2}.*good\.strace:32$/m);
      expect(narrow).toMatch(/^bad {2}.*bad\.strace:32$/m);
      const mid = renderDiffText(view, { color: false, width: 100 });
      for (const line of mid.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
      const wide = renderDiffText(view, { color: false, width: 160 });
      for (const line of wide.split('\n')) expect(line.length).toBeLessThanOrEqual(160);
      expect(wide).toMatch(/^good .*│ bad /m);
      expect(wide).toMatch(/^> 32 pwritev\(14.* │ > 32 pwritev\(14/m);
    });
  });

  it('reads one side from standard input and quotes its lines', () => {
    const r = run([GOOD, '-', '--format', 'json'], { input: readFileSync(join(REPO, BAD)) });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.divergence.bad).toMatchObject({ file: '-', line: 32 });
    expect(j.divergence.bad.text).toMatch(/^pwritev\(14, .*ENOSPC/);
  });

  it('reads gzip-compressed sides', () => {
    const gz = join(tmp, 'bad.strace.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(REPO, BAD))));
    const r = run([GOOD, gz, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).divergence.bad.text).toMatch(/ENOSPC/);
  });

  it('writes the report to --out', () => {
    const out = join(tmp, 'report.json');
    const r = run([GOOD, BAD, '--format', 'json', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).divergence.kind).toBe('result');
  });

  it('strips terminal control sequences that a trace carries', () => {
    const evil = join(tmp, 'evil.strace');
    writeFileSync(evil, readFileSync(join(REPO, BAD), 'utf8').replace('unlink("', 'unlink("\u001b]0;pwned\u0007'));
    const r = run([GOOD, evil]);
    expect(r.out).not.toMatch(/\u001b/);
  });

  it('exits 2 with one line naming the file when a side cannot be read', () => {
    const r = run([GOOD, 'no/such/file.strace']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tracediff: cannot read no\/such\/file\.strace: no such file or directory\n$/);
    expect(r.out).toBe('');
  });

  it('exits 2 for unrecognised input and for bad usage', () => {
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 9, 9, 9]));
    const a = run([GOOD, junk]);
    expect(a.code).toBe(2);
    expect(a.err).toContain(junk);
    expect(a.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run(['-', '-'], { input: '' }).code).toBe(2);
    expect(run([GOOD]).code).toBe(2);
    expect(run([GOOD, BAD, '--context', '-1']).code).toBe(2);
    expect(run([GOOD, BAD, '--format', 'yaml']).code).toBe(2);
  });

  it('--help shows the diff usage with examples from samples/', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/tracediff <good> <bad>/);
    expect(r.out).toMatch(/samples\/nginx-cache-enospc\/good\.strace/);
  });
});

describe('--input-format', () => {
  it('reads a strace log whose head does not look like one', () => {
    const noisy = join(tmp, 'noisy.strace');
    const banner = Array.from({ length: 400 }, (_, i) => `program banner line ${i}`).join('\n');
    writeFileSync(noisy, banner + '\n' + readFileSync(join(REPO, BAD), 'utf8'));
    expect(run([GOOD, noisy]).code).toBe(2);
    const r = run([GOOD, noisy, '--input-format', 'strace', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.divergence.bad.line).toBe(432);
    expect(j.bad.unparsed).toBe(400);
    expect(run(['parse', noisy, '--input-format', 'strace']).code).toBe(0);
  });
});

describe('under a limit on address space (ulimit -v)', () => {
  // The differ's columns reserve 4 GB of address space each where they may; under a limit they must not
  // (V8 would then fail to commit its own heap) and grow by copying instead, with the same report.
  it('a diff of a pair with packets and calls gives the same JSON as without the limit', () => {
    const pair = ['samples/incidents/002-ephemeral-ports/good.pcap', 'samples/incidents/002-ephemeral-ports/bad.pcap'];
    const free = run([...pair, '--format', 'json']);
    const r = spawnSync('bash', ['-c', `ulimit -v 6000000 && exec "$0" "$@"`, process.execPath, BIN, ...pair, '--format', 'json'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stderr]).toEqual([free.code, '']);
    expect(r.stdout).toBe(free.out);
    const s = spawnSync('bash', ['-c', `ulimit -v 6000000 && exec "$0" "$@"`, process.execPath, BIN, GOOD, BAD, '--format', 'json'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect([s.status, s.stderr, s.stdout]).toEqual([1, '', run([GOOD, BAD, '--format', 'json']).out]);
  });
});
