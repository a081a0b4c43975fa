/**
 * The command line as a user meets it: `parse` output per the CONTRACT,
 * stdin, -ff sets, gzip, and every kind of bad input ending in exit 2 with
 * one line naming the file — never a stack trace, never a hang.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CORPUS, REPO } from './helpers/corpus.js';

const BIN = join(REPO, 'dist/src/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-cli-'));

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, input, encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function jsonl(out: string) {
  return out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

describe('tracediff parse', () => {
  it('streams the nginx ENOSPC trace as JSON lines with locations', () => {
    const r = run(['parse', 'samples/nginx-cache-enospc/bad.strace', '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const ev = jsonl(r.out);
    for (const e of ev) {
      expect(e['file']).toBe('samples/nginx-cache-enospc/bad.strace');
      expect(typeof e['line']).toBe('number');
    }
    const pw = ev.find((e) => e['name'] === 'pwritev')!;
    expect(pw).toMatchObject({ kind: 'syscall', line: 32, result: '-1', errno: 'ENOSPC', errnoMessage: 'No space left on device' });
    expect(pw['fds']).toEqual([expect.objectContaining({ fd: 14, type: 'file', path: '/etc/nginx/china_cache/2/7d/2ac65d1f9080e2baff45a4332f9017d2.0000014052' })]);
  });

  it('writes one JSON array with --format json, and --out writes a file', () => {
    const out = join(tmp, 'good.json');
    const r = run(['parse', 'samples/nginx-cache-enospc/good.strace', '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    const arr = JSON.parse(readFileSync(out, 'utf8')) as unknown[];
    // 59 lines: lines 46-48 are one readv broken by the blog's copy, line 49 two calls glued together.
    expect(arr.length).toBe(58);
  });

  it('reads standard input as -', () => {
    const r = run(['parse', '-'], 'open("/x", O_RDONLY) = -1 ENOENT (No such file or directory)\n');
    expect(r.code).toBe(0);
    expect(jsonl(r.out)).toEqual([{ kind: 'syscall', file: '-', line: 1, name: 'open', argsText: '"/x", O_RDONLY', result: '-1', errno: 'ENOENT', errnoMessage: 'No such file or directory', args: [{ type: 'string', value: '/x' }, { type: 'name', name: 'O_RDONLY' }] }]);
  });

  it('merges an -ff set given as a directory, by time, with pids from the file names', () => {
    const r = run(['parse', `${CORPUS}/generated-local/strace-ff`]);
    expect(r.code).toBe(0);
    const ev = jsonl(r.out);
    const pids = new Set(ev.map((e) => e['pid']));
    expect(pids).toEqual(new Set([32644, 32645, 32646, 32647]));
    const times = ev.map((e) => e['time'] as number);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(ev.filter((e) => e['kind'] === 'exit').map((e) => e['code'])).toContain(3);
  });

  it('reads gzip-compressed input, detected by content', () => {
    const text = readFileSync(join(REPO, 'samples/nginx-cache-enospc/bad.strace'));
    const gz = file('bad.strace.data', gzipSync(text));
    const r = run(['parse', gz]);
    expect(r.code).toBe(0);
    expect(jsonl(r.out).length).toBe(39);
  });

  it('--envelope skips argument trees', () => {
    const r = run(['parse', '--envelope', 'samples/nginx-cache-enospc/bad.strace']);
    const ev = jsonl(r.out);
    expect(ev.find((e) => e['name'] === 'pwritev')).not.toHaveProperty('args');
    expect(ev.find((e) => e['name'] === 'pwritev')).toHaveProperty('errno', 'ENOSPC');
  });

  it('--version and --help work', () => {
    expect(run(['--version']).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run(['parse', '--help']).out).toMatch(/jsonl/);
  });
});

describe('bad input: exit 2, one line naming the file, no stack trace', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['empty', '', /empty\.txt is empty/],
    ['binary', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /binary\.txt is binary data/],
    ['html', '<!DOCTYPE html>\n<html><head><title>x</title></head>\n<body><p>hello</p></body></html>\n', /html\.txt is not a trace tracediff reads/],
    ['random-text', 'lorem ipsum dolor\nsit amet\n', /random-text\.txt is not a trace tracediff reads/],
    ['blank', '\n\n\n', /blank\.txt holds no trace lines/],
    ['pcap', Buffer.concat([Buffer.from('d4c3b2a1', 'hex'), Buffer.alloc(40)]), /pcap\.txt: archaic pcap savefile format: version 0\.0 .*\(byte offset 4\)/],
    ['pcap-short', Buffer.from('d4c3b2a10200', 'hex'), /pcap-short\.txt: truncated pcap file header: 24 bytes needed, only 6 present \(byte offset 0\)/],
    ['pcapng-bad-version', Buffer.concat([Buffer.from('0a0d0d0a1c0000004d3c2b1a02000000', 'hex'), Buffer.alloc(8, 0xff), Buffer.from('1c000000', 'hex')]), /pcapng-bad-version\.txt: .*version 2\.0.*\(byte offset \d+\)/],
  ];
  for (const [name, content, msg] of cases) {
    it(name, () => {
      const p = file(`${name}.txt`, content);
      const r = run(['parse', p]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\bat .*\.js:\d+/);
    });
  }

  it('a missing file', () => {
    const r = run(['parse', join(tmp, 'nope.txt')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*nope\.txt: no such file or directory/);
  });

  it('bad usage', () => {
    const r = run(['parse']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/tracediff:/);
  });

  it('a truncated gzip file names the file', () => {
    const text = readFileSync(join(REPO, 'samples/strace-flags/f.strace'));
    const gz = gzipSync(text);
    const p = file('trunc.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const r = run(['parse', p]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/trunc\.gz: the gzip data is truncated or corrupt/);
  });
});

describe('hostile lines inside a real trace: the rest still parses', () => {
  const good = 'close(3)                                = 0\n';
  it('deep nesting, NUL bytes, CRLF, invalid UTF-8, a 20 MB line', () => {
    const deep = 'ioctl(3, FOO, ' + '{a='.repeat(20000) + '1' + '}'.repeat(20000) + ') = 0\n';
    const nul = 'write(1, "a\0b", 3) = 3\n';
    const crlf = 'close(4) = 0\r\n';
    const bad8 = Buffer.from([...Buffer.from('openat(AT_FDCWD, "/tmp/'), 0xff, 0xfe, ...Buffer.from('", O_RDONLY) = 5\n')]);
    const huge = 'write(1, "' + 'x'.repeat(20 * 1024 * 1024) + '", 20971520) = 20971520\n';
    const p = file('hostile.strace', Buffer.concat([Buffer.from(good + deep + nul + crlf), bad8, Buffer.from(huge + good)]));
    const r = run(['parse', p]);
    expect(r.code).toBe(0);
    const ev = jsonl(r.out);
    expect(ev.map((e) => [e['line'], e['kind'], e['name']])).toEqual([
      [1, 'syscall', 'close'], [2, 'syscall', 'ioctl'], [3, 'syscall', 'write'], [4, 'syscall', 'close'], [5, 'syscall', 'openat'], [6, 'syscall', 'write'], [7, 'syscall', 'close'],
    ]);
    expect(ev[1]).toMatchObject({ result: '0', argsError: expect.stringMatching(/nested 20000 levels deep/) });
    expect(ev[4]).toMatchObject({ result: '5', args: [expect.anything(), { type: 'string', value: '/tmp/\ufffd\ufffd' }, expect.anything()] });
    expect(ev[5]).toMatchObject({ result: '20971520' });
  });

  it('a bad line in the middle becomes unparsed with its line number; the rest parses', () => {
    const p = file('mixed.strace', good + 'Segmentation fault (core dumped)\n' + good);
    const ev = jsonl(run(['parse', p]).out);
    expect(ev.map((e) => e['kind'])).toEqual(['syscall', 'unparsed', 'syscall']);
    expect(ev[1]).toMatchObject({ line: 2, text: 'Segmentation fault (core dumped)', reason: expect.stringMatching(/not strace output/) });
  });
});


describe('tracediff parse: captures and tcpdump text, detected from the content', () => {
  const S = 'samples/captures/syn-dropped';
  // bad: a SYN to a port whose SYNs iptables drops, sent four times with the same ISN.
  const synRetries = (ev: Record<string, unknown>[]) => {
    const p = ev.filter((e) => e['kind'] === 'packet');
    expect(p).toHaveLength(4);
    expect(new Set(p.map((e) => e['flags']))).toEqual(new Set(['S']));
    expect(new Set(p.map((e) => e['seq'])).size).toBe(1);
    expect(new Set(p.map((e) => e['dst']))).toEqual(new Set(['127.0.0.1.18182']));
    return p;
  };
  it('pcap: one packet event per frame, located by frame number', () => {
    const r = run(['parse', `${S}/bad.pcap`]);
    expect(r.code).toBe(0);
    expect(synRetries(jsonl(r.out)).map((e) => e['packet'])).toEqual([1, 2, 3, 4]);
  });
  it('pcapng with nanosecond timestamps, and the same packets', () => {
    const r = run(['parse', `${S}/bad.pcapng`]);
    expect(r.code).toBe(0);
    for (const e of synRetries(jsonl(r.out))) expect(e['timeText']).toMatch(/^\d{10}\.\d{9}$/);
  });
  it("tcpdump's text of the capture, by line", () => {
    const r = run(['parse', `${S}/bad.txt`]);
    expect(r.code).toBe(0);
    expect(synRetries(jsonl(r.out)).map((e) => e['line'])).toEqual([1, 2, 3, 4]);
  });
  it('a gzip-compressed capture on standard input', () => {
    const r = run(['parse', '-'], gzipSync(readFileSync(join(REPO, S, 'bad.pcap'))));
    expect(r.code).toBe(0);
    synRetries(jsonl(r.out));
  });
  it('--stats says frames and notes for a capture', () => {
    const r = run(['parse', `${S}/bad.pcap`, '--stats']);
    expect(r.err).toBe(`${S}/bad.pcap: pcap, 4 frames, 0 notes\n`);
  });
  it('a capture cut short mid-record: the frames before it, then a note naming the packet and offset; exit 0', () => {
    const whole = readFileSync(join(REPO, S, 'good.pcap'));
    const p = file('cut.pcap', whole.subarray(0, whole.length - 10));
    const r = run(['parse', p]);
    expect(r.code).toBe(0);
    const ev = jsonl(r.out);
    const last = ev[ev.length - 1]!;
    expect(ev.filter((e) => e['kind'] === 'packet')).toHaveLength(11);
    expect(last).toMatchObject({ kind: 'unparsed', packet: 12 });
    expect(last['reason']).toMatch(/byte offset \d+/);
  });
  it('parse of a strace log and a capture of one run: the connect and its SYNs share one flow; --no-flows leaves it out', () => {
    const ev = jsonl(run(['parse', `${S}/bad-client.strace`, `${S}/bad.pcap`]).out);
    const flows = new Set(ev.filter((e) => e['flow'] !== undefined).map((e) => e['flow']));
    expect([...flows]).toEqual([expect.stringMatching(/^tcp:127\.0\.0\.1\.\d+>127\.0\.0\.1\.18182#1$/)]);
    const flow = [...flows][0];
    expect(ev.filter((e) => e['kind'] === 'packet').every((e) => e['flow'] === flow)).toBe(true);
    expect(ev.find((e) => e['name'] === 'connect' && String(e['argsText']).includes('<TCP:'))?.['flow']).toBe(flow);
    expect(jsonl(run(['parse', '--no-flows', `${S}/bad-client.strace`, `${S}/bad.pcap`]).out).some((e) => e['flow'] !== undefined)).toBe(false);
  });
  it('diff of two captures: exit 1 and the packet in the JSON location', () => {
    const r = run([`${S}/good.pcap`, `${S}/bad.pcap`, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { divergence: { kind: string; bad: { file: string; packet: number } } };
    expect(report.divergence.kind).toBe('missing');
    expect(report.divergence.bad).toMatchObject({ file: `${S}/bad.pcap`, packet: 4 });
  });
});
