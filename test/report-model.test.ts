/**
 * What the markdown and HTML reports are built from: the bounded timeline
 * sketch (what it keeps, where it places marks), the key-events table,
 * provenance, the Markdown escaping helpers, the report format choice and
 * the progress line.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diffTraces } from '../src/diff/diff-traces.js';
import { analyzeTraces } from '../src/findings/index.js';
import type { TraceEvent } from '../src/model/events.js';
import { keyEvents } from '../src/report/key-events.js';
import { provenance, shellQuote } from '../src/report/provenance.js';
import { TimelineSketchBuilder } from '../src/report/timeline-sketch.js';
import { mdCode, mdFence, mdProse } from '../src/render/markdown-text.js';
import { reportDate, reportFormat } from '../src/cli/report-format.js';
import { ProgressBar, wantProgress } from '../src/cli/progress.js';
import { REPO } from './helpers/corpus.js';

const S = (p: string) => join(REPO, 'samples', p);

function call(n: number, extra: Partial<Extract<TraceEvent, { kind: 'syscall' }>> = {}): TraceEvent {
  return { kind: 'syscall', file: 'big.strace', line: n, pid: 7, time: 1000 + n / 1000, name: 'read', argsText: '3, "x", 1', result: '1', ...extra };
}

describe('timeline sketch', () => {
  it('keeps a lane bounded, every failure up to its cap, and an even spread of the rest', () => {
    const b = new TimelineSketchBuilder({ lanes: 4, perLane: 100, keyPerLane: 50, anchors: 64 });
    const N = 200_000;
    for (let n = 1; n <= N; n++) b.add(n % 10_000 === 0 ? call(n, { result: '-1', errno: 'EIO' }) : call(n));
    const s = b.finish();
    expect(s.lanes).toHaveLength(1);
    const lane = s.lanes[0]!;
    expect(lane.events).toBe(N);
    const failed = lane.items.filter((i) => i.error === 'EIO');
    expect(failed).toHaveLength(20);
    const ordinary = lane.items.filter((i) => !i.error);
    expect(ordinary.length).toBeLessThanOrEqual(100);
    expect(ordinary.length).toBeGreaterThanOrEqual(50);
    // Stride sampling from the start: the first event, and something from the last tenth of the run.
    expect(ordinary[0]!.line).toBe(1);
    expect(Math.max(...ordinary.map((i) => i.line!))).toBeGreaterThan(N * 0.9);
    expect(s.start).toBeCloseTo(1000.001, 6);
    expect(s.end).toBeCloseTo(1000 + N / 1000, 6);
  });

  it('places a location exactly when kept and between its neighbours otherwise', () => {
    const b = new TimelineSketchBuilder({ lanes: 4, perLane: 100, keyPerLane: 50, anchors: 16 });
    for (let n = 1; n <= 1000; n++) b.add(call(n));
    b.finish();
    const kept = b.place('big.strace', 1)!;
    expect(kept).toEqual({ t: 1000.001, exact: true });
    const between = b.place('big.strace', 500)!;
    expect(between.t).toBeCloseTo(1000.5, 2);
    expect(b.place('other.strace', 3)).toBeUndefined();
  });

  it('counts the lanes it cannot keep', () => {
    const b = new TimelineSketchBuilder({ lanes: 3, perLane: 10, keyPerLane: 10, anchors: 16 });
    for (let pid = 1; pid <= 10; pid++) b.add({ ...call(pid), pid });
    const s = b.finish();
    expect(s.lanes).toHaveLength(3);
    expect(s.omittedLanes).toBe(7);
    expect(s.omittedEvents).toBe(7);
  });

  it('draws the retransmitted SYNs of syn-dropped as such and marks the divergence at bad packet 4', async () => {
    const v = await diffTraces([S('captures/syn-dropped/good.pcap')], [S('captures/syn-dropped/bad.pcap')], { version: 't', sketch: true });
    const bad = v.timeline!.bad;
    expect(bad.lanes.map((l) => l.name)).toEqual(['tcp 127.0.0.1:38412 → 127.0.0.1:18182']);
    const retx = bad.lanes[0]!.items.filter((i) => i.retransmit);
    expect(retx.map((i) => i.packet)).toEqual([2, 3, 4]);
    const div = bad.marks.find((m) => m.role === 'divergence')!;
    expect(div).toMatchObject({ packet: 4, exact: true });
    expect(div.t - bad.start).toBeCloseTo(7.085124, 5);
    expect(v.timeline!.good.marks.filter((m) => m.role === 'missing').length).toBeGreaterThan(0);
  });

  it('puts the pid-less lines of `strace -p N` on N, and names a lane by its program', async () => {
    const v = await diffTraces([S('nginx-cache-enospc/good.strace')], [S('nginx-cache-enospc/bad.strace')], { version: 't', sketch: true });
    expect(v.timeline!.bad.lanes.map((l) => l.name)).toEqual(['pid 3904']);
    expect(v.timeline!.bad.clock).toBe('order');
    const run = await analyzeTraces([S('captures/syn-dropped/bad-client.strace')], { sketch: true });
    expect(run.timeline!.lanes[0]!.name).toMatch(/^curl \(pid \d+\)$/);
  });
});

describe('key events', () => {
  it('lists the divergence with the finding it is evidence of, good before bad', async () => {
    const v = await diffTraces([S('nginx-cache-enospc/good.strace')], [S('nginx-cache-enospc/bad.strace')], { version: 't', sketch: true });
    const rows = keyEvents([{ run: 'good', sketch: v.timeline!.good }, { run: 'bad', sketch: v.timeline!.bad }]);
    const bad = rows.filter((r) => r.run === 'bad');
    expect(bad).toEqual([expect.objectContaining({ role: 'divergence', line: 32, finding: 'errno.ENOSPC', event: expect.stringMatching(/^pwritev\(.*= -1 ENOSPC$/) })]);
    expect(rows.findIndex((r) => r.run === 'bad')).toBeGreaterThan(rows.findLastIndex((r) => r.run === 'good'));
    expect(rows.filter((r) => r.role === 'missing').map((r) => r.line)).toEqual([33, 34, 37, 50, 51, 58]);
  });

  it('cuts to the most important rows first', async () => {
    const run = await analyzeTraces([S('captures/syn-dropped/bad.pcap')], { sketch: true });
    const all = keyEvents([{ sketch: run.timeline! }]);
    const two = keyEvents([{ sketch: run.timeline! }], { max: 2 });
    expect(all.length).toBeGreaterThan(2);
    expect(two.every((r) => r.role === 'evidence')).toBe(true);
  });
});

describe('provenance', () => {
  it('digests each input once, as sha256sum does, and quotes the command for a shell', async () => {
    const files = [S('nginx-cache-enospc/good.strace'), S('nginx-cache-enospc/bad.strace'), S('nginx-cache-enospc/good.strace')];
    const p = await provenance(files, { version: '1.2.3', argv: ['a b', "it's", '--out', 'x.html'] });
    expect(p.inputs.map((i) => i.file)).toEqual(files.slice(0, 2));
    for (const i of p.inputs) {
      const bytes = readFileSync(i.file);
      expect(i.bytes).toBe(bytes.length);
      expect(i.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(p.command).toBe(`tracediff 'a b' 'it'\\''s' --out x.html`);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
    const stdin = await provenance(['-'], { version: '1', stdin: Buffer.from('abc') });
    expect(stdin.inputs).toEqual([{ file: '-', bytes: 3, sha256: createHash('sha256').update('abc').digest('hex') }]);
  });
});

describe('markdown escaping', () => {
  it('makes code spans and fences longer than any backtick run inside', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b', { table: true })).toBe('`a\\|b`');
    expect(mdFence(['```', 'x'])).toEqual(['````text', '```', 'x', '````']);
    expect(mdProse('<script>*x*</script> [a](b)')).toBe('\\<script\\>\\*x\\*\\</script\\> \\[a\\](b)');
    expect(mdCode('\u001b[2Jx')).toBe('`\\x1b[2Jx`');
  });
});

describe('report format and date', () => {
  it('follows --format, else the extension of --out, else text', () => {
    expect(reportFormat(undefined, undefined)).toBe('text');
    expect(reportFormat(undefined, 'r.HTML')).toBe('html');
    expect(reportFormat(undefined, 'r.md')).toBe('markdown');
    expect(reportFormat(undefined, 'r.json')).toBe('json');
    expect(reportFormat(undefined, 'r.log')).toBe('text');
    expect(reportFormat('json', 'r.html')).toBe('json');
    expect(reportDate({ SOURCE_DATE_EPOCH: '0' }).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('progress line', () => {
  afterEach(() => vi.useRealTimers());

  it('is wanted on a terminal only, never in CI, and not when turned off', () => {
    expect(wantProgress({ isTTY: true }, undefined, {})).toBe(true);
    expect(wantProgress({ isTTY: false }, undefined, {})).toBe(false);
    expect(wantProgress({}, undefined, {})).toBe(false);
    expect(wantProgress({ isTTY: true }, undefined, { CI: 'true' })).toBe(false);
    expect(wantProgress({ isTTY: true }, undefined, { CI: 'false' })).toBe(true);
    expect(wantProgress({ isTTY: true }, false, {})).toBe(false);
    expect(wantProgress({ isTTY: true }, undefined, { TERM: 'dumb' })).toBe(false);
  });

  it('stays silent for the first second, then draws within the width, and erases itself', () => {
    vi.useFakeTimers();
    let now = 0;
    const written: string[] = [];
    const bar = new ProgressBar({ write: (s: string) => written.push(s), isTTY: true, columns: 80 }, { now: () => now });
    const stream = { bytesRead: 0 };
    bar.watch('/x/bad.strace', stream, 4 * 1024 * 1024);
    now = 500;
    stream.bytesRead = 1024 * 1024;
    vi.advanceTimersByTime(500);
    expect(written).toEqual([]);
    now = 1500;
    stream.bytesRead = 2 * 1024 * 1024;
    vi.advanceTimersByTime(200);
    expect(written.length).toBeGreaterThan(0);
    const line = written.at(-1)!.replace(/^\r/, '').replace(/\u001b\[K$/, '');
    expect(line).toMatch(/^tracediff: reading bad\.strace \[#+\.+\]\s+50%\s+2\.0 MB\/4\.0 MB\s+1\.5 s$/);
    expect(line.length).toBeLessThan(80);
    // Narrow: the bar goes, the numbers stay.
    const narrow = new ProgressBar({ write: () => undefined, isTTY: true, columns: 60 }, { now: () => now });
    narrow.watch('/x/bad.strace', stream, 4 * 1024 * 1024);
    expect(narrow.line()).toBe('tracediff: reading bad.strace   50%  2.0 MB/4.0 MB  0.0 s');
    narrow.stop();
    bar.stop();
    expect(written.at(-1)).toBe('\r\u001b[K');
    const count = written.length;
    vi.advanceTimersByTime(1000);
    expect(written.length).toBe(count);
  });
});
