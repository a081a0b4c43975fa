/**
 * The terminal report (src/render, docs/text-report.md): the diff and
 * analyze reports of the bundled samples at 80 and 100 columns, colour off,
 * as snapshot files readable in review (test/snapshots/*.txt), and what
 * must hold whatever the snapshots say: no line wider than the terminal,
 * the verdict first, the focus line marked with its number, repeated calls
 * folded with their count, packet lines keeping their flags and length,
 * colour only when asked, and no trace text able to drive the terminal.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffTraces } from '../src/diff/diff-traces.js';
import { analyzeTraces } from '../src/findings/index.js';
import type { DiffView } from '../src/report/diff-report.js';
import { renderAnalyzeText } from '../src/render/analyze-text.js';
import { callKey, foldContext, renderDiffText } from '../src/render/diff-text.js';
import { fitCall, fitTraceLine, joinLines, parsePacketLine, shorten, stripColor, textWidth, visible, wrap } from '../src/render/terminal.js';
import { REPO } from './helpers/corpus.js';

const WIDTHS = [80, 100] as const;

/** The pairs the snapshots cover; paths relative to the repository, as a user in it would type them. */
const DIFFS: Record<string, { good: string[]; bad: string[]; context?: number }> = {
  'nginx-cache-enospc': { good: ['samples/nginx-cache-enospc/good.strace'], bad: ['samples/nginx-cache-enospc/bad.strace'] },
  'connect-refused-wget': { good: ['samples/connect-refused/good-wget.strace'], bad: ['samples/connect-refused/bad-wget.strace'] },
  'good-twice-curl': { good: ['samples/good-twice/curl/run1.strace'], bad: ['samples/good-twice/curl/run2.strace'] },
  'syn-dropped-pcap': { good: ['samples/captures/syn-dropped/good.pcap'], bad: ['samples/captures/syn-dropped/bad.pcap'] },
  'http-ok-vs-refused-pcap': { good: ['samples/captures/http-ok-vs-refused/good.pcap'], bad: ['samples/captures/http-ok-vs-refused/bad.pcap'] },
  // --context 20 reaches the eight readv(13, ...) = 4096 before the divergence: the folded run in review.
  'nginx-tmpfs-enospc-context-20': { good: ['samples/nginx-tmpfs-enospc/good.strace'], bad: ['samples/nginx-tmpfs-enospc/bad.strace'], context: 20 },
};

const ANALYZES: Record<string, string[]> = {
  'nginx-cache-enospc-bad': ['samples/nginx-cache-enospc/bad.strace'],
  'syn-dropped-bad-client-and-pcap': ['samples/captures/syn-dropped/bad-client.strace', 'samples/captures/syn-dropped/bad.pcap'],
};

/** Characters that must never reach the terminal from a trace: C0 controls but newline, DEL, C1, bidi controls. */
const DANGEROUS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const views = new Map<string, DiffView>();
const analyzeTexts = new Map<string, (color: boolean, width: number) => string>();

beforeAll(async () => {
  // Relative paths in the report need the repository as the working directory (vitest's forks pool allows chdir).
  process.chdir(REPO);
  for (const [name, c] of Object.entries(DIFFS)) views.set(name, await diffTraces(c.good, c.bad, { version: 'test', context: c.context ?? 3 }));
  for (const [name, files] of Object.entries(ANALYZES)) {
    const r = await analyzeTraces(files);
    const report = { tool: 'tracediff' as const, version: 'test', files: r.files, events: r.events, findings: r.findings };
    analyzeTexts.set(name, (color, width) => renderAnalyzeText(report, { color, width }));
  }
});

const diffText = (name: string, width: number, color = false) => renderDiffText(views.get(name)!, { color, width });

function allRenderings(color: boolean): Array<{ label: string; width: number; text: string }> {
  const out: Array<{ label: string; width: number; text: string }> = [];
  for (const width of WIDTHS) {
    for (const name of views.keys()) out.push({ label: `diff ${name}`, width, text: diffText(name, width, color) });
    for (const [name, render] of analyzeTexts) out.push({ label: `analyze ${name}`, width, text: render(color, width) });
  }
  return out;
}

const tooWide = (text: string, width: number) => text.split('\n').filter((l) => textWidth(l) > width);

describe('snapshots (colour off)', () => {
  for (const name of Object.keys(DIFFS)) {
    for (const width of WIDTHS) {
      it(`diff ${name} at ${width} columns`, async () => {
        await expect(diffText(name, width)).toMatchFileSnapshot(`./snapshots/diff-${name}-${width}.txt`);
      });
    }
  }
  for (const name of Object.keys(ANALYZES)) {
    for (const width of WIDTHS) {
      it(`analyze ${name} at ${width} columns`, async () => {
        await expect(analyzeTexts.get(name)!(false, width)).toMatchFileSnapshot(`./snapshots/analyze-${name}-${width}.txt`);
      });
    }
  }

  it('hold nothing that depends on the machine or the time of the run', async () => {
    const again = await diffTraces(DIFFS['nginx-cache-enospc']!.good, DIFFS['nginx-cache-enospc']!.bad, { version: 'test', context: 3 });
    expect(renderDiffText(again, { color: false, width: 80 })).toBe(diffText('nginx-cache-enospc', 80));
    for (const { label, text } of allRenderings(false)) {
      expect(text, label).not.toContain(REPO.replace(/\/$/, ''));
      // The files as given: relative to the repository, wherever it is checked out.
      if (label.startsWith('diff')) expect(text, label).toMatch(/^good: samples\/.*\nbad: {2}samples\//m);
      else expect(text.split('\n')[0], label).toMatch(/ in samples\//);
    }
  });
});

describe('the terminal report', () => {
  it('never has a line wider than the terminal, colour codes excluded, nor trailing spaces', () => {
    for (const color of [false, true]) {
      for (const { label, width, text } of allRenderings(color)) {
        expect(tooWide(text, width), `${label} at ${width}`).toEqual([]);
        expect(text.split('\n').filter((l) => / $/.test(stripColor(l))), `${label} at ${width}`).toEqual([]);
      }
    }
  });

  it('puts the verdict on the first line', () => {
    for (const width of WIDTHS) {
      expect(diffText('nginx-cache-enospc', width).split('\n')[0]).toMatch(/^Divergence \(result\): pwritev /);
      expect(diffText('syn-dropped-pcap', width).split('\n')[0]).toMatch(/^Divergence \(missing\): /);
      expect(diffText('good-twice-curl', width).split('\n')[0]).toMatch(/^No meaningful divergence: /);
      expect(analyzeTexts.get('nginx-cache-enospc-bad')!(false, width).split('\n')[0]).toMatch(/^1 error, 0 warnings, 0 info in /);
    }
  });

  it('marks the focus line of each side with > and its line or packet number', () => {
    for (const name of ['nginx-cache-enospc', 'connect-refused-wget', 'syn-dropped-pcap', 'http-ok-vs-refused-pcap', 'nginx-tmpfs-enospc-context-20']) {
      const { good, bad } = views.get(name)!.context;
      for (const width of WIDTHS) {
        const text = diffText(name, width);
        for (const block of [good!, bad!]) expect(text, `${name} ${block.file}`).toMatch(new RegExp(`^  > +${block.focus} \\S`, 'm'));
      }
    }
  });

  it('shows a call good repeats after the divergence once, with ×count', () => {
    const view = views.get('nginx-cache-enospc')!;
    const repeated = view.report.missingAfter.find((m) => m.count > 1)!;
    expect(repeated.count).toBe(4);
    for (const width of WIDTHS) {
      const lines = diffText('nginx-cache-enospc', width).split('\n');
      const at = lines.findIndex((l) => l.includes(`good.strace:${repeated.good.line}`));
      expect(lines.slice(at, at + 2).join('\n')).toMatch(/sendfile\(11, 14, .* = 11652 ×4$/m);
    }
  });

  it('folds a run of the same call in a context block, never the focus line', () => {
    const text = diffText('nginx-tmpfs-enospc-context-20', 80);
    expect(text).toMatch(/^ {4}19–26 readv\(13, .* = 4096 ×8$/m);
    expect(text).toMatch(/^ {2}> {4}28 pwritev\(14, /m);
    expect(text).not.toMatch(/^ {4} *2[0-5] readv/m);
  });

  it('keeps the flags and length of every packet line at 80 columns', () => {
    for (const name of ['syn-dropped-pcap', 'http-ok-vs-refused-pcap']) {
      const packetLines = diffText(name, 80).split('\n').filter((l) => / IP /.test(l));
      expect(packetLines.length).toBeGreaterThan(5);
      for (const l of packetLines) expect(l, name).toMatch(/Flags \[[^\]]+\](, [^,]+)*, length \d+( ×\d+)?$/);
    }
  });

  it('colours only when asked', () => {
    expect(diffText('nginx-cache-enospc', 80, true)).toMatch(/\u001b\[31m/);
    expect(analyzeTexts.get('nginx-cache-enospc-bad')!(true, 80)).toMatch(/\u001b\[1m/);
    for (const { label, text } of allRenderings(false)) expect(text, label).not.toMatch(/\u001b/);
  });

  it('puts good and bad side by side from 143 columns, within the width', () => {
    const text = diffText('nginx-cache-enospc', 160);
    expect(tooWide(text, 160)).toEqual([]);
    expect(text).toMatch(/^> 32 pwritev\(14.* │ > 32 pwritev\(14/m);
  });
});

describe('packet lines shortened by field', () => {
  const LINE = '1700000000.123456 IP 10.200.1.1.40000 > 10.200.1.2.8080: Flags [S.], seq 123, ack 456, win 65483, options [mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7], length 0';

  it('drops options, then win, then seq and ack, then time digits, then shortens addresses', () => {
    expect(fitTraceLine(LINE, 200)).toBe(LINE);
    expect(fitTraceLine(LINE, 110)).toBe('1700000000.123456 IP 10.200.1.1.40000 > 10.200.1.2.8080: Flags [S.], seq 123, ack 456, win 65483, length 0');
    expect(fitTraceLine(LINE, 96)).toBe('1700000000.123456 IP 10.200.1.1.40000 > 10.200.1.2.8080: Flags [S.], seq 123, ack 456, length 0');
    expect(fitTraceLine(LINE, 80)).toBe('1700000000.123456 IP 10.200.1.1.40000 > 10.200.1.2.8080: Flags [S.], length 0');
    expect(fitTraceLine(LINE, 74)).toBe('1700000000.123 IP 10.200.1.1.40000 > 10.200.1.2.8080: Flags [S.], length 0');
    expect(fitTraceLine(LINE, 66)).toBe('1700000000.123 IP …1.1.40000 > …1.2.8080: Flags [S.], length 0');
  });

  it('keeps the flags and length down to narrow columns', () => {
    for (let w = 40; w <= 100; w++) {
      const fitted = fitTraceLine(LINE, w);
      expect(textWidth(fitted), `${w}`).toBeLessThanOrEqual(w);
      expect(fitted, `${w}`).toMatch(/Flags \[S\.\](, [^,]+)*, length 0$/);
    }
  });

  it('reads tcpdump text lines (-tttt dates, any-interface link words, -v second lines) the same way', () => {
    expect(parsePacketLine('2026-11-21 10:57:39.799093 IP 127.0.0.1.1 > 127.0.0.1.2: Flags [S], length 0')?.time).toBe('2026-11-21 10:57:39.799093');
    expect(parsePacketLine('10:58:11.832606 cli0  Out IP 192.0.2.1.52664 > 192.0.2.2.18185: Flags [S], length 0')?.link).toBe(' cli0  Out IP ');
    expect(parsePacketLine('    127.0.0.1.38398 > 127.0.0.1.18182: Flags [S], cksum 0xfe30 (incorrect -> 0x97fe), length 0')?.fields).toEqual(['Flags [S]', 'cksum 0xfe30 (incorrect -> 0x97fe)', 'length 0']);
    expect(parsePacketLine('12121 09:42:19.161480 write(4, "a > b: c", 7) = 7')).toBeNull();
  });
});

describe('call lines and folding', () => {
  it('shortens a call inside its arguments, keeping pid, time, name and result', () => {
    const line = '12121 09:42:19.160046 openat(AT_FDCWD</tmp/tracediff-curl>, "/usr/share/locale/en/LC_MESSAGES/wget.mo", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000009>';
    expect(fitCall(line, 120)).toMatch(/^12121 09:42:19\.160046 openat\(AT_FDCWD<.*….*\) = -1 ENOENT \(No such file or directory\) <0\.000009>$/);
    expect(fitCall(line, 80)).toMatch(/^12121 09:42:19\.160046 openat\(AT_FDCWD.*….*\) = -1 ENOENT <0\.000009>$/);
    expect(fitCall(line, 72)).toMatch(/^12121 09:42:19\.160046 openat\(AT_FDCWD.*….*\) = -1 ENOENT$/);
    for (let w = 30; w <= 160; w++) expect(textWidth(fitCall(line, w))).toBeLessThanOrEqual(w);
  });

  it('knows the same call: same process, call, fd and result; the data read and the time aside', () => {
    const a = callKey('42 10:00:00.000001 read(5, "abc"..., 4096) = 4096 <0.000010>');
    expect(a).not.toBeNull();
    expect(callKey('42 10:00:00.000002 read(5, "xyz"..., 4096) = 4096 <0.000020>')).toBe(a);
    expect(callKey('42 10:00:00.000002 read(5, "xyz"..., 4096) = 17 <0.000020>')).not.toBe(a);
    expect(callKey('42 10:00:00.000002 read(6, "xyz"..., 4096) = 4096 <0.000020>')).not.toBe(a);
    expect(callKey('43 10:00:00.000002 read(5, "xyz"..., 4096) = 4096 <0.000020>')).not.toBe(a);
    expect(callKey('openat(AT_FDCWD, "/a", O_RDONLY) = -1 ENOENT (No such file or directory)')).not.toBe(callKey('openat(AT_FDCWD, "/b", O_RDONLY) = -1 ENOENT (No such file or directory)'));
    expect(callKey('42 10:00:00.000001 read(5,  <unfinished ...>')).toBeNull();
  });

  it('folds 40 reads into one row and splits a run around the focus line', () => {
    const lines = Array.from({ length: 41 }, (_, i) => ({ line: 100 + i, text: `read(5, "${'x'.repeat(i % 7)}"..., 4096) = 4096` }));
    expect(foldContext({ file: 'f', focus: 200, focusEnd: 200, lines }).map((r) => [r.first, r.last, r.count])).toEqual([[100, 140, 41]]);
    expect(foldContext({ file: 'f', focus: 120, focusEnd: 120, lines }).map((r) => [r.first, r.last, r.count, r.focus])).toEqual([
      [100, 119, 20, false],
      [120, 120, 1, true],
      [121, 140, 20, false],
    ]);
    expect(foldContext({ file: 'f', focus: 200, focusEnd: 200, lines: lines.slice(0, 2) })).toHaveLength(2);
    expect(foldContext({ file: 'f', packets: true, focus: 200, focusEnd: 200, lines })).toHaveLength(41);
  });
});

describe('terminal helpers', () => {
  it('makes control, C1 and bidi characters visible', () => {
    expect(visible('a\u001b[2Jb\u0007c\u009b31m\u202ed\u2066e\u2069\tf')).toBe('a\\x1b[2Jb\\x07c\\x9b31m\\u202ed\\u2066e\\u2069 f');
    expect(visible('\u0000\u007f\u200b\u2028\ufeff')).toBe('\\x00\\x7f\\u200b\\u2028\\ufeff');
  });

  it('counts columns: colour codes take none, wide characters two', () => {
    expect(textWidth('\u001b[31mab\u001b[39m')).toBe(2);
    expect(textWidth('第三方')).toBe(6);
    expect(textWidth(shorten('第三方第三方第三方', 9))).toBeLessThanOrEqual(9);
  });

  it('wraps prose within the width, indents included, breaking long paths after a slash', () => {
    const text = 'the filesystem holding /etc/nginx/china_cache/2/7d/2ac65d1f9080e2baff45a4332f9017d2.0000014052/and/some/more/path is full';
    for (const width of [40, 60, 80]) {
      const lines = wrap(text, width, '    ', '    ');
      for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(width);
      expect(lines.join(' ').replace(/ +/g, ' ')).toContain('is full');
    }
    expect(wrap(text, 60, '    ', '    ')[1]).toMatch(/\/$/);
  });

  it('joins lines without trailing spaces or doubled blank lines', () => {
    expect(joinLines(['a ', '', '', '\u001b[2m  7\u001b[22m ', '', ''])).toBe('a\n\n\u001b[2m  7\u001b[22m\n');
  });
});

describe('trace text that tries to drive the terminal', () => {
  // -yy decorations and file names on the command line carry raw bytes; strace prints string arguments with \33-style escapes.
  const RAW = '/etc/app/\u001b[2J\u001b]0;title\u0007evil\u202e\u2066\u009b31m.conf';
  const STR = '"/etc/app/\\33[2J\\33]0;title\\7\u001b[2J<script>alert(1)</script>```.conf"';
  const line = (t: string, rest: string) => `4242 10:00:00.000${t} ${rest}`;
  const head = [line('100', 'execve("/usr/bin/app", ["app"], 0x7ffc701bb970 /* 4 vars */) = 0 <0.000100>')];
  const good = [
    ...head,
    line('200', `openat(AT_FDCWD</tmp/w>, ${STR}, O_RDONLY) = 3<${RAW}> <0.000010>`),
    line('300', `read(3<${RAW}>, "\`\`\`\\n<script>\\33[2J\\33]0;title\\7", 4096) = 21 <0.000010>`),
    line('400', `close(3<${RAW}>) = 0 <0.000005>`),
    line('500', 'write(1</dev/pts/0\u202e>, "ok\\n", 3) = 3 <0.000008>'),
    line('600', 'exit_group(0) = ?'),
    line('700', '+++ exited with 0 +++'),
  ];
  const bad = [
    ...head,
    line('200', `openat(AT_FDCWD</tmp/w>, ${STR}, O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>`),
    line('300', `write(2</dev/pts/0\u202e\u001b]0;title\u0007>, "app: \\33[2J\\33]0;title\\7 <script> \`\`\`\\n", 30) = 30 <0.000008>`),
    line('600', 'exit_group(1) = ?'),
    line('700', '+++ exited with 1 +++'),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'tracediff-render-'));
  const goodFile = join(dir, 'good.strace');
  const badFile = join(dir, 'bad-\u001b]0;title\u0007\u202e.strace');
  writeFileSync(goodFile, good.join('\n') + '\n');
  writeFileSync(badFile, bad.join('\n') + '\n');

  it('shows the hostile lines around the divergence with every escape made visible', async () => {
    const view = await diffTraces([goodFile], [badFile], { version: 'test', context: 3 });
    expect(view.report.divergence?.bad?.line).toBe(2);
    for (const width of [40, 80, 100, 160]) {
      for (const color of [false, true]) {
        const text = renderDiffText(view, { color, width });
        expect(stripColor(text), `${width} ${color}`).not.toMatch(DANGEROUS);
        expect(tooWide(text, width)).toEqual([]);
      }
    }
    const text = renderDiffText(view, { color: false, width: 160 });
    expect(text).toContain('bad-\\x1b]0;title\\x07\\u202e.strace'); // the file name from the command line
    expect(text).toContain('\\x1b[2J\\x1b]0;title\\x07evil\\u202e\\u2066\\x9b31m.conf'); // a -yy path, in a summary
    expect(text).toContain('<script>'); // plain text to a terminal: nothing to escape
  });

  it('escapes the hostile path in a finding title of analyze', async () => {
    const r = await analyzeTraces([badFile]);
    const report = { tool: 'tracediff' as const, version: 'test', files: r.files, events: r.events, findings: r.findings };
    expect(r.findings.some((f) => f.title.includes('\u001b'))).toBe(true);
    for (const width of [40, 80, 100]) {
      for (const color of [false, true]) expect(stripColor(renderAnalyzeText(report, { color, width }))).not.toMatch(DANGEROUS);
    }
    expect(renderAnalyzeText(report, { color: false, width: 100 })).toMatch(/ENOENT .* on\s+\/etc\/app\/\\x1b\[2J\\x1b\]0;title\\x07\\x1b\[2J<script>/);
  });
});
