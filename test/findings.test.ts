/**
 * Findings on the five incidents of ../shared/seeds, each reproduced here
 * (samples/nginx-*-enospc for 000, samples/captures/syn-* for 001,
 * samples/incidents/00{2,3,4}-* for the rest, each with its record.sh and a
 * README giving the lines and packets asserted below), from `analyze` of
 * the bad run alone and from the diff; and the good runs, which must give
 * no `error` finding either way.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTraces } from '../src/diff/diff-traces.js';
import { analyzeTraces } from '../src/findings/index.js';
import { FINDING_KINDS, fillTemplate } from '../src/knowledge/findings.js';
import { ERRNO_ADVICE } from '../src/knowledge/errno-advice.js';
import { errnoByName } from '../src/knowledge/errno.js';
import { findingsMarkdown, findingsSection } from '../src/knowledge/findings-doc.js';
import type { Finding } from '../src/report/diff-report.js';
import { CORPUS, REPO } from './helpers/corpus.js';

const S = (p: string) => join(REPO, 'samples', p);
const where = (f: Finding) => f.evidence.map((e) => `${e.file.slice(e.file.lastIndexOf('/') + 1)}:${e.line ?? `#${e.packet}`}`);
const byId = (fs: Finding[], id: string) => {
  const f = fs.filter((x) => x.id === id);
  expect(f.map((x) => x.id), `${id} in ${fs.map((x) => x.id).join(', ')}`).toHaveLength(1);
  return f[0]!;
};
const analyze = async (...paths: string[]) => (await analyzeTraces(paths.map(S))).findings;
const diff = async (good: string[], bad: string[]) => (await diffTraces(good.map(S), bad.map(S), { version: 'test' })).report;

describe('seed 000: a cache write to a full filesystem (ENOSPC)', () => {
  it('analyze: errno.ENOSPC at the pwritev, naming the path and what to check', async () => {
    const f = byId(await analyze('nginx-cache-enospc/bad.strace'), 'errno.ENOSPC');
    expect(f.severity).toBe('error');
    expect(where(f)).toEqual(['bad.strace:32']);
    expect(f.evidence[0]!.text).toMatch(/^pwritev\(14, .* = -1 ENOSPC/);
    expect(f.title).toMatch(/pwritev failed with ENOSPC \(No space left on device\) on \/etc\/nginx\/china_cache\//);
    expect(f.explanation).toMatch(/is full: no free blocks, or no free inodes\. Check df -h and df -i/);
  });
  it('the reproduction on a 1 MiB tmpfs (both strace flag sets): errno.ENOSPC at line 28; the diff puts it first, as what explains the divergence', async () => {
    for (const [g, b] of [['good.strace', 'bad.strace'], ['good-ftt.strace', 'bad-ftt.strace']]) {
      expect(where(byId(await analyze(`nginx-tmpfs-enospc/${b}`), 'errno.ENOSPC'))).toEqual([`${b}:28`]);
      const r = await diff([`nginx-tmpfs-enospc/${g}`], [`nginx-tmpfs-enospc/${b}`]);
      expect(r.findings[0]).toMatchObject({ id: 'errno.ENOSPC', explainsDivergence: true });
    }
  });
});

describe('seed 001: SYNs dropped, the connect times out', () => {
  it('analyze of the capture: tcp.syn-unanswered, 4 tries 1-2-4 s apart, with the kernel\'s give-up time', async () => {
    const f = byId(await analyze('captures/syn-retries-lowered/bad.pcap'), 'tcp.syn-unanswered');
    expect(where(f)).toEqual(['bad.pcap:#1', 'bad.pcap:#2', 'bad.pcap:#3', 'bad.pcap:#4']);
    expect(f.title).toBe('SYN to 127.0.0.1 port 18187 sent 4 times, never answered');
    expect(f.explanation).toMatch(/\(retries 1\.03 s, 2\.02 s, 4\.22 s after the one before\)/);
    expect(f.explanation).toMatch(/dropped .*not refused/);
  });
  it('strace and capture together: one finding, the SO_ERROR ETIMEDOUT with the 4 SYNs as its evidence', async () => {
    const fs = await analyze('captures/syn-retries-lowered/bad-client.strace', 'captures/syn-retries-lowered/bad.pcap');
    const f = byId(fs, 'errno.ETIMEDOUT');
    expect(where(f)).toEqual(['bad-client.strace:557', 'bad.pcap:#1', 'bad.pcap:#2', 'bad.pcap:#3', 'bad.pcap:#4']);
    expect(f.title).toMatch(/on the connection to 127\.0\.0\.1 port 18187/);
    expect(f.explanation).toMatch(/The capture shows it on the wire: SYN to 127\.0\.0\.1 port 18187 sent 4 times, never answered\.$/);
    expect(fs.some((x) => x.id === 'tcp.syn-unanswered')).toBe(false);
    expect(byId(fs, 'process.exit-nonzero').title).toBe('Process 15135 (curl) exited with status 28');
  });
  it('diff of the captures: the SYN finding explains the missing SYN-ACK (its evidence holds bad\'s last SYN, packet 4)', async () => {
    const r = await diff(['captures/syn-retries-lowered/good.pcap'], ['captures/syn-retries-lowered/bad.pcap']);
    expect(r.divergence).toMatchObject({ kind: 'missing', bad: { packet: 4 } });
    expect(r.findings[0]).toMatchObject({ id: 'tcp.syn-unanswered', explainsDivergence: true });
  });
});

describe('seed 002: ephemeral ports exhausted by short connections (EADDRNOTAVAIL)', () => {
  const D = 'incidents/002-ephemeral-ports';
  it('analyze: errno.EADDRNOTAVAIL at the first failing connect (line 645) with the port-range advice; the capture shows the short client-closed connections reusing ports', async () => {
    const fs = await analyze(`${D}/bad-client.strace`, `${D}/bad.pcap`);
    const f = byId(fs, 'errno.EADDRNOTAVAIL');
    expect(where(f)).toEqual(['bad-client.strace:645']);
    expect(f.title).toBe('connect failed with EADDRNOTAVAIL (Cannot assign requested address) on 127.0.0.1:18190 8 times');
    expect(f.explanation).toMatch(/ephemeral port range is exhausted.*TIME_WAIT.*ip_local_port_range/);
    const s = byId(fs, 'tcp.short-connections');
    expect(s.title).toBe('16 short connections from 127.0.0.1 to 127.0.0.1 port 18190, each closed first by the client');
    expect(s.explanation).toMatch(/8 of them reused a source port an earlier one had/);
  });
  it('diff of the straces: the EADDRNOTAVAIL explains the divergence at line 645; the short connections of both runs are not the failure', async () => {
    const r = await diff([`${D}/good-client.strace`, `${D}/good.pcap`], [`${D}/bad-client.strace`, `${D}/bad.pcap`]);
    expect(r.divergence).toMatchObject({ kind: 'result', bad: { line: 645 } });
    expect(r.findings[0]).toMatchObject({ id: 'errno.EADDRNOTAVAIL', explainsDivergence: true });
  });
});

describe('seed 003: a server out of file descriptors (EMFILE), clients reset, CLOSE_WAIT', () => {
  const D = 'incidents/003-fd-limit';
  it('analyze of the server strace and the capture: EMFILE on accept4, resets after the request, connections left in CLOSE_WAIT', async () => {
    const fs = await analyze(`${D}/bad-server.strace`, `${D}/bad.pcap`);
    const e = byId(fs, 'errno.EMFILE');
    expect(where(e)).toEqual(['bad-server.strace:753']);
    expect(e.explanation).toMatch(/RLIMIT_NOFILE.*CLOSE_WAIT/);
    const r = byId(fs, 'tcp.reset-after-request');
    expect(r.title).toBe('6 connection(s) to 127.0.0.1 port 18200 reset by the server after the request, with no response');
    expect(where(r).slice(0, 2)).toEqual(['bad.pcap:#34', 'bad.pcap:#36']);
    const c = byId(fs, 'tcp.close-wait');
    expect(where(c)).toEqual(['bad.pcap:#43', 'bad.pcap:#51', 'bad.pcap:#59', 'bad.pcap:#67', 'bad.pcap:#75', 'bad.pcap:#77']);
    // The handler threads killed at shutdown are one finding, not one per thread.
    expect(fs.filter((x) => x.id === 'process.killed')).toHaveLength(1);
  });
  it('the variant whose server keeps retrying accept: 12 connections in CLOSE_WAIT, no reset', async () => {
    const fs = await analyze(`${D}/bad-retry-server.strace`, `${D}/bad-retry.pcap`);
    expect(where(byId(fs, 'errno.EMFILE'))[0]).toBe('bad-retry-server.strace:785');
    expect(byId(fs, 'tcp.close-wait').title).toMatch(/^12 connection/);
    expect(fs.some((x) => x.id === 'tcp.reset-after-request')).toBe(false);
  });
  it('diff: the bad run\'s EMFILE and resets are attached; nothing the good run also shows', async () => {
    const r = await diff([`${D}/good-server.strace`, `${D}/good.pcap`], [`${D}/bad-server.strace`, `${D}/bad.pcap`]);
    const ids = r.findings.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['errno.EMFILE', 'tcp.reset-after-request', 'tcp.close-wait']));
    expect(ids).not.toContain('socket.listen-backlog');
  });
});

describe('seed 004: a single-threaded server stuck on one client, backlog 2, SYNs retransmitted', () => {
  const D = 'incidents/004-backlog-stuck';
  it('analyze: the stuck server (the unfinished recvfrom, line 14, and its listen, line 6), for at least the capture\'s remaining 7 s; SYNs of 4 clients unanswered while 4 were served', async () => {
    const fs = await analyze(`${D}/bad-server.strace`, `${D}/bad.pcap`);
    const s = byId(fs, 'process.stuck-server');
    expect(where(s)).toEqual(['bad-server.strace:14', 'bad-server.strace:6']);
    expect(s.explanation).toMatch(/since 11:44:55\.125529, at least 7\.\d\d s \(to the capture's last packet\)/);
    expect(s.explanation).toMatch(/its listen backlog is 2/);
    const m = byId(fs, 'tcp.syn-unanswered-many');
    expect(m.title).toBe('SYNs from 4 connections to 127.0.0.1 port 18210 unanswered while other connections to it succeed');
    expect(where(m)).toContain('bad.pcap:#21');
    expect(byId(fs, 'socket.listen-backlog').severity).toBe('warning');
  });
  it('analyze of the server strace alone: the trace cannot say how long, and says so', async () => {
    const s = byId(await analyze(`${D}/bad-server.strace`), 'process.stuck-server');
    expect(s.explanation).toMatch(/for an unknown time \(it is the trace's last line\)/);
  });
  it('the good run\'s trace also ends inside a call (an idle poll on the listener): not a finding', async () => {
    const fs = await analyze(`${D}/good-server.strace`);
    expect(fs.filter((f) => f.id.startsWith('process.'))).toEqual([]);
  });
  it('diff: the stuck server explains the divergence (bad line 14)', async () => {
    const r = await diff([`${D}/good-server.strace`], [`${D}/bad-server.strace`]);
    expect(r.divergence?.bad?.line).toBe(14);
    expect(r.findings[0]).toMatchObject({ id: 'process.stuck-server', explainsDivergence: true });
  });
});

describe('refused and reset (samples/captures): a failed call and its packets are one finding', () => {
  it('refused: errno.ECONNREFUSED from SO_ERROR with the SYN and the RST', async () => {
    const fs = await analyze('captures/http-ok-vs-refused/bad-client.strace', 'captures/http-ok-vs-refused/bad.pcap');
    expect(where(byId(fs, 'errno.ECONNREFUSED'))).toEqual(['bad-client.strace:472', 'bad.pcap:#1', 'bad.pcap:#2']);
    expect(fs.some((f) => f.id === 'tcp.refused')).toBe(false);
    expect(byId(await analyze('captures/http-ok-vs-refused/bad.pcap'), 'tcp.refused').title).toBe('Connection to 127.0.0.1 port 18181 refused (RST answering the SYN)');
  });
  it('reset after the request: errno.ECONNRESET at the recvfrom with the request and the RST', async () => {
    const fs = await analyze('captures/reset-after-request/bad-client.strace', 'captures/reset-after-request/bad.pcap');
    expect(where(byId(fs, 'errno.ECONNRESET'))).toEqual(['bad-client.strace:480', 'bad.pcap:#4', 'bad.pcap:#6']);
  });
});

describe('processes that died (corpus: generated-local/strace-misc)', () => {
  const M = join(CORPUS, 'generated-local/strace-misc');
  const one = async (f: string) => byId((await analyzeTraces([join(M, f)])).findings, 'process.killed');
  it('SIGSEGV: an error with the fault\'s siginfo (si_addr=NULL) and the crash advice; the signal and the exit as evidence', async () => {
    const f = await one('strace-SIGSEGV.txt');
    expect(f).toMatchObject({ severity: 'error', title: 'The traced process (python3) was killed by SIGSEGV' });
    expect(f.explanation).toMatch(/SIGSEGV ended the process \(\{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL\}\)\. The process touched memory/);
    expect(where(f)).toEqual(['strace-SIGSEGV.txt:459', 'strace-SIGSEGV.txt:460']);
  });
  it('SIGKILL under -f: the OOM-killer advice', async () => {
    const f = await one('strace-f-killed-SIGKILL.txt');
    expect(f).toMatchObject({ severity: 'error', title: 'Process 306 (sh) was killed by SIGKILL' });
    expect(f.explanation).toMatch(/OOM killer/);
  });
  it('SIGTERM: a stop request, a warning', async () => {
    expect((await one('strace-SIGTERM.txt')).severity).toBe('warning');
  });
});

describe('a slow or lossy connection', () => {
  it('retransmissions (Zeek\'s tcp/retransmit-fast009): 3 data segments sent again, the first at packet 32', async () => {
    const fs = (await analyzeTraces([join(CORPUS, 'zeek/captures/tcp__retransmit-fast009.pcap')])).findings;
    const f = byId(fs, 'tcp.retransmissions');
    expect(f).toMatchObject({ severity: 'warning', title: '3 retransmitted segments on the connection to 192.168.0.27 port 80' });
    expect(where(f)).toEqual(['tcp__retransmit-fast009.pcap:#32']);
  });
  it('zero window: a recorded exchange whose client advertises a closed window on its ACKs of the response', async () => {
    const { IncidentBuilder, findingsOf } = await import('../src/findings/index.js');
    const { openTraces } = await import('../src/readers/open.js');
    const o = await openTraces([S('captures/good-twice/run1.pcap')]);
    const b = new IncidentBuilder(o.files);
    // Packet 7 is the client's ACK of the response header: the same packet with the window closed.
    for await (const batch of o.events) for (const ev of batch) b.add(ev.kind === 'packet' && ev.packet === 7 ? { ...ev, win: 0 } : ev);
    const f = findingsOf(b.finish()).filter((x) => x.id === 'tcp.zero-window');
    expect(f.map((x) => [x.title, x.evidence])).toEqual([['The client of the connection to 127.0.0.1 port 18186 advertised a zero window 1 time(s)', [{ file: S('captures/good-twice/run1.pcap'), packet: 7 }]]]);
  });
});

describe('good runs: no error finding, from analyze or from the diff', () => {
  const pairs: Array<[string[], string[]]> = [
    ...['curl', 'shell', 'nginx', 'python', 'ls'].map((p): [string[], string[]] => [[`good-twice/${p}/run1.strace`], [`good-twice/${p}/run2.strace`]]),
    [['captures/good-twice/run1-client.strace', 'captures/good-twice/run1.pcap'], ['captures/good-twice/run2-client.strace', 'captures/good-twice/run2.pcap']],
    [['nginx-tmpfs-enospc/good.strace'], ['nginx-tmpfs-enospc/good-ftt.strace']],
    [['incidents/002-ephemeral-ports/good-client.strace', 'incidents/002-ephemeral-ports/good.pcap'], ['incidents/002-ephemeral-ports/good-client.strace', 'incidents/002-ephemeral-ports/good.pcap']],
    [['incidents/003-fd-limit/good-server.strace', 'incidents/003-fd-limit/good.pcap'], ['incidents/003-fd-limit/good-server.strace', 'incidents/003-fd-limit/good.pcap']],
    [['incidents/004-backlog-stuck/good-server.strace', 'incidents/004-backlog-stuck/good.pcap'], ['incidents/004-backlog-stuck/good-server.strace', 'incidents/004-backlog-stuck/good.pcap']],
  ];
  for (const [a, b] of pairs) {
    it(`${a.join(',')} / ${b.join(',')}`, async () => {
      for (const side of [a, b]) expect((await analyze(...side)).filter((f) => f.severity === 'error').map((f) => f.title)).toEqual([]);
      expect((await diff(a, b)).findings.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }
});

describe('the catalogue', () => {
  it('every id is dotted and unique; every template fills without leftovers when given its names', () => {
    const ids = FINDING_KINDS.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const k of FINDING_KINDS) {
      expect(k.id).toMatch(/^[a-z]+\.[a-z-]+$/);
      const names = [...`${k.title} ${k.explanation}`.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]!);
      expect(fillTemplate(`${k.title} ${k.explanation}`, Object.fromEntries(names.map((n) => [n, 'x'])))).not.toMatch(/[{}<>]/);
    }
  });
  it('every errno with advice is one strace prints', () => {
    for (const a of ERRNO_ADVICE) expect(errnoByName(a.errno), a.errno).toBeDefined();
  });
  it('docs/findings.md shows the catalogue the code runs (npm run docs:rules rewrites it)', () => {
    expect(findingsSection(join(REPO, 'docs/findings.md'))).toBe(findingsMarkdown());
  });
});

describe('tracediff analyze (the real CLI)', () => {
  const BIN = join(REPO, 'dist/src/cli/main.js');
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  it('--format json has the contract\'s shape; exit 1 with an error finding', () => {
    const r = run(['analyze', 'samples/nginx-cache-enospc/bad.strace', '--format', 'json']);
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as { tool: string; version: string; files: string[]; events: number; findings: Finding[] };
    expect(Object.keys(j)).toEqual(['tool', 'version', 'files', 'events', 'findings']);
    expect(j.files).toEqual(['samples/nginx-cache-enospc/bad.strace']);
    expect(j.findings[0]).toMatchObject({ id: 'errno.ENOSPC', severity: 'error', evidence: [{ file: 'samples/nginx-cache-enospc/bad.strace', line: 32 }] });
  });
  it('exit 0 and "No errors" for a good run; exit 2 naming the file for unreadable input', () => {
    const ok = run(['analyze', 'samples/good-twice/ls/run1.strace']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^No errors/);
    const bad = run(['analyze', 'samples/nope.strace']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/samples\/nope\.strace/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('reads standard input and quotes its evidence', () => {
    const r = spawnSync(process.execPath, [BIN, 'analyze', '-', '--format', 'json'], { cwd: REPO, encoding: 'utf8', input: readFileSync(join(REPO, 'samples/nginx-cache-enospc/bad.strace')) });
    const j = JSON.parse(r.stdout) as { findings: Finding[] };
    expect(j.findings[0]!.evidence[0]).toMatchObject({ file: '-', line: 32, text: expect.stringMatching(/^pwritev\(14/) });
  });
});
