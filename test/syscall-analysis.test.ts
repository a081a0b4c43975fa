/**
 * Per-process syscall analysis (src/analysis/syscalls/) on real traces whose
 * answer is known. Each expectation was derived by reading the trace; the
 * comment beside it says which lines show it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../src/model/events.js';
import { parseStraceText } from '../src/readers/strace/read.js';
import { analyzeSyscalls, SyscallAnalyzer, type FdLife, type SyscallAnalysis, type SyscallAnalyzerOptions } from '../src/analysis/syscalls/index.js';
import { ROUTINE_FAILURE_RULES, SYSCALL_ANALYSIS_THRESHOLDS } from '../src/knowledge/syscall-analysis.js';
import { CORPUS, REPO } from './helpers/corpus.js';

function events(path: string, transform?: (text: string) => string): TraceEvent[] {
  const text = readFileSync(path, 'utf8');
  return parseStraceText(transform ? transform(text) : text, { file: path }).events;
}

function analyze(path: string, opts?: SyscallAnalyzerOptions, transform?: (text: string) => string): SyscallAnalysis {
  return analyzeSyscalls(events(path, transform), opts);
}

const sample = (p: string) => join(REPO, 'samples', p);
const NET = join(CORPUS, 'generated-local/net');

/** The lives of fd `fd` in process `pid` (an fd number is reused: several lives). */
function lives(a: SyscallAnalysis, pid: number, fd: number): FdLife[] {
  return (a.fdLifetimes.get(pid) ?? []).filter((l) => l.fd === fd);
}

function group(a: SyscallAnalysis, errno: string, family: string) {
  return a.failures.find((g) => g.errno === errno && g.family === family);
}

describe('nginx-cache-enospc (the seed)', () => {
  const file = sample('nginx-cache-enospc/bad.strace');
  const a = analyze(file);

  it('ENOSPC on the cache file is the first notable failure group, with the cache path', () => {
    // Line 32: pwritev(14, …) = -1 ENOSPC; fd 14 came from open(".../2ac65d1f9080e2baff45a4332f9017d2.0000014052") on line 31 (no -y: the fd table knows).
    const g = a.failures[0]!;
    expect([g.errno, g.family]).toEqual(['ENOSPC', 'write']);
    expect(g.notable.count).toBe(1);
    expect(g.notable.samples[0]).toMatchObject({ call: 'pwritev', path: '/etc/nginx/china_cache/2/7d/2ac65d1f9080e2baff45a4332f9017d2.0000014052', at: { file, line: 32 } });
    // recvfrom(13) = -1 EAGAIN (line 21) and connect(15) = -1 EINPROGRESS (line 20) are non-blocking I/O: routine.
    expect(group(a, 'EAGAIN', 'recv')!.routine.count).toBe(1);
    expect(group(a, 'EINPROGRESS', 'connect')!.notable.count).toBe(0);
  });

  it('fd 11 is the client socket: accepted on line 3, named by getsockname, closed on line 39', () => {
    const [l] = lives(a, 0, 11);
    expect(l).toMatchObject({ type: 'socket', createdBy: 'accept4', created: { line: 3 }, peer: '10.130.0.4:59464', local: '172.17.0.2:80', closed: { line: 39 }, closedBy: 'close', openAtEnd: false });
  });

  it('fd 14 (the cache temp file) carries the ENOSPC failure; fd 15 (upstream) connected via SO_ERROR 0', () => {
    // fd 14 has two lives: the cache file read (line 8, closed line 29) and the temp file (line 31, closed line 38).
    const temp = lives(a, 0, 14).find((l) => l.path?.endsWith('.0000014052'))!;
    expect(temp).toMatchObject({ createdBy: 'open', created: { line: 31 }, closed: { line: 38 }, remarkable: true });
    expect(temp.failures).toEqual([expect.objectContaining({ call: 'pwritev', errno: 'ENOSPC', count: 1, first: expect.objectContaining({ line: 32 }) })]);
    // Line 20 connect EINPROGRESS; line 23 getsockopt(SO_ERROR) = [0].
    const [up] = lives(a, 0, 15);
    expect(up!.connects).toEqual([expect.objectContaining({ address: '54.222.148.216:80', result: 'EINPROGRESS', outcome: 'connected', via: 'SO_ERROR', at: expect.objectContaining({ line: 20 }), resolved: expect.objectContaining({ line: 23 }) })]);
  });

  it('fds in use before the trace started (the listener 6, epoll 8, resolver 13) are lives "before trace"', () => {
    for (const fd of [6, 8, 13]) expect(lives(a, 0, fd)[0]).toMatchObject({ createdBy: 'before trace', openAtEnd: true });
  });
});

describe('connect-refused', () => {
  it('curl: non-blocking connect, EINPROGRESS, then SO_ERROR = ECONNREFUSED', () => {
    // bad.strace is the curl run. Line 466: connect(5, 127.0.0.1:18280) = -1 EINPROGRESS; line 472: getsockopt(5, SO_ERROR, [ECONNREFUSED]).
    const file = sample('connect-refused/bad.strace');
    const a = analyze(file);
    const [l] = lives(a, 12133, 5);
    expect(l!.connects).toEqual([expect.objectContaining({ address: '127.0.0.1:18280', result: 'EINPROGRESS', outcome: 'failed', errno: 'ECONNREFUSED', via: 'SO_ERROR', at: expect.objectContaining({ line: 466 }), resolved: expect.objectContaining({ line: 472 }) })]);
    expect(l!.remarkable).toBe(true);
    const g = group(a, 'ECONNREFUSED', 'connect')!;
    expect(g.notable).toMatchObject({ count: 1, calls: ['getsockopt(SO_ERROR)'], first: { line: 472 } });
    // The two nscd connects (lines 425, 428: ENOENT) are glibc's name-service probe: routine, and their sockets not remarkable.
    expect(group(a, 'ENOENT', 'connect')!.routine.rules).toEqual({ 'nscd probe': 2 });
    expect(lives(a, 12133, 3).filter((x) => x.connects.length).every((x) => !x.remarkable)).toBe(true);
  });

  it('wget: a blocking connect refused directly', () => {
    // bad-wget.strace line 265: connect(4, 127.0.0.1:18280) = -1 ECONNREFUSED.
    const a = analyze(sample('connect-refused/bad-wget.strace'));
    // fd 4 is first a locale file (line 253, closed); its second life is the socket.
    const l = lives(a, 12143, 4).find((x) => x.createdBy === 'socket');
    expect(l).toMatchObject({ createdBy: 'socket', created: { line: 264 }, proto: 'TCP', openAtEnd: false });
    expect(l!.connects).toEqual([expect.objectContaining({ address: '127.0.0.1:18280', result: 'ECONNREFUSED', outcome: 'failed', errno: 'ECONNREFUSED', via: 'connect', at: expect.objectContaining({ line: 265 }) })]);
    expect(group(a, 'ECONNREFUSED', 'connect')!.notable.samples[0]).toMatchObject({ call: 'connect', path: '127.0.0.1:18280', at: { line: 265 } });
  });

  it('the good runs connect', () => {
    const a = analyze(sample('connect-refused/good-wget.strace'));
    const sockets = [...a.fdLifetimes.values()].flat().filter((l) => l.proto === 'TCP');
    expect(sockets.flatMap((l) => l.connects.map((c) => c.outcome))).toEqual(['connected']);
    expect(group(a, 'ECONNREFUSED', 'connect')).toBeUndefined();
  });
});

describe('slow-backend: a wait of ~2 s on the socket', () => {
  it('curl: the poll loop on fd 5 from line 479 to the POLLIN on line 491 is one 2 s wait', () => {
    // curl polls fd 5 with timeouts (0, 194 ms, 0, 1000 ms, 0) and rt_sigaction in between; the poll on line 491 returns POLLIN after 0.804 s.
    // 09:42:20.764744 → 09:42:21.961157 + 0.804140 = 2.0006 s.
    const a = analyze(sample('slow-backend/bad.strace'));
    const waits = a.slow.filter((s) => s.kind === 'wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ pid: 12203, call: 'poll', calls: 6, timeouts: 5, outcome: 'ready', durationFrom: '-T', at: { line: 479 }, end: { line: 491 } });
    expect(waits[0]!.seconds).toBeCloseTo(2.0006, 3);
    expect(waits[0]!.fds.find((f) => f.fd === 5)).toMatchObject({ type: 'socket', peer: '127.0.0.1:18281' });
    expect(a.slow.filter((s) => s.kind === 'slow')).toEqual([]);
  });

  it('wget: one pselect6 of 2.000405 s on fd 4 (line 268)', () => {
    const a = analyze(sample('slow-backend/bad-wget.strace'));
    expect(a.slow).toHaveLength(1);
    expect(a.slow[0]).toMatchObject({ kind: 'wait', call: 'pselect6', calls: 1, outcome: 'ready', at: { line: 268 } });
    expect(a.slow[0]!.seconds).toBeCloseTo(2.000405, 6);
    expect(a.slow[0]!.fds).toEqual([expect.objectContaining({ fd: 4, peer: '127.0.0.1:18281' })]);
  });

  it('the good runs have no wait of a second', () => {
    for (const f of ['good.strace', 'good-wget.strace']) expect(analyze(sample(`slow-backend/${f}`)).slow).toEqual([]);
  });
});

describe('syn-dropped: curl connects to a port whose SYNs are dropped', () => {
  const a = analyze(sample('captures/syn-dropped/bad-client.strace'));

  it('the socket: EINPROGRESS on line 466, never completed, closed on line 512 after 8 s (curl --connect-timeout 8)', () => {
    const [l] = lives(a, 26913, 5);
    expect(l).toMatchObject({ createdBy: 'socket', created: { line: 459 }, peer: '127.0.0.1:18182', local: '127.0.0.1:38412', closed: { line: 512 }, remarkable: true });
    const c = l!.connects[0]!;
    expect(c).toMatchObject({ result: 'EINPROGRESS', outcome: 'abandoned', via: 'close', at: { line: 466 }, resolved: { line: 512 } });
    // 10:57:41.690975 → 10:57:49.689573.
    expect(c.pendingSeconds).toBeCloseTo(7.9986, 3);
  });

  it('the long wait: 18 polls from line 468 that all time out, ~8 s', () => {
    const waits = a.slow.filter((s) => s.kind === 'wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ call: 'poll', outcome: 'timeout', at: { line: 468 }, end: { line: 511 } });
    expect(waits[0]!.timeouts).toBe(waits[0]!.calls);
    expect(waits[0]!.seconds).toBeGreaterThan(7.9);
    expect(waits[0]!.seconds).toBeLessThan(8.1);
    expect(waits[0]!.fds.map((f) => f.fd)).toContain(5);
  });
});

describe('generated-local net workload (strace -f -tt -T -yy)', () => {
  const file = join(NET, 'strace-f-tt-T-yy.txt');
  const a = analyze(file);
  const all = a.fdLifetimes.get(32616)!;
  const byPeer = (peer: string) => all.filter((l) => l.peer === peer);

  it('the connect to 8081 is refused via SO_ERROR (lines 806-808)', () => {
    const [l] = byPeer('127.0.0.1:8081');
    expect(l!.connects[0]).toMatchObject({ result: 'EINPROGRESS', outcome: 'failed', errno: 'ECONNREFUSED', via: 'SO_ERROR', at: { line: 806 }, resolved: { line: 808 } });
  });

  it('the non-blocking connect to 127.0.0.1:9: a 3.5 s poll timeout (line 813), then closed while connecting (line 814)', () => {
    const [l] = byPeer('127.0.0.1:9');
    expect(l).toMatchObject({ proto: 'TCP', local: '127.0.0.1:35562', closed: { line: 814 } });
    expect(l!.connects[0]).toMatchObject({ outcome: 'abandoned', at: { line: 812 } });
    expect(l!.connects[0]!.pendingSeconds).toBeCloseTo(3.5046, 3);
    const w = a.slow.find((s) => s.at.line === 813)!;
    expect(w).toMatchObject({ kind: 'wait', call: 'poll', outcome: 'timeout', durationFrom: '-T' });
    expect(w.seconds).toBeCloseTo(3.503716, 6);
    expect(a.slow).toHaveLength(1);
  });

  it('UDP to a closed port: connect ok, then recvfrom ECONNREFUSED (line 818)', () => {
    const [l] = byPeer('127.0.0.1:5353');
    expect(l).toMatchObject({ proto: 'UDP', remarkable: true });
    expect(l!.connects[0]).toMatchObject({ outcome: 'connected' });
    expect(l!.failures).toEqual([expect.objectContaining({ call: 'recvfrom', errno: 'ECONNREFUSED', first: expect.objectContaining({ line: 818 }) })]);
    expect(group(a, 'ECONNREFUSED', 'recv')!.notable.count).toBe(1);
  });

  it('sockets, accepts and the listening socket carry their -yy endpoints; threads share the process table, the forked child inherits', () => {
    // The server thread 32617 (clone3 CLONE_THREAD) accepts on fd 3: the lives are in 32616's table.
    expect(a.fdLifetimes.has(32617)).toBe(false);
    const listener = all.find((l) => l.fd === 3 && l.local === '127.0.0.1:8080')!;
    expect(listener).toMatchObject({ createdBy: 'socket', created: { line: 574 }, bound: { line: 576 }, listening: { line: 577 }, closed: { line: 833 } });
    // accept4 on line 612 resumed on line 733: the life's location spans the pair.
    expect(all.find((l) => l.createdBy === 'accept4' && l.peer === '127.0.0.1:45474')).toMatchObject({ created: { line: 612, endLine: 733 }, local: '127.0.0.1:8080' });
    // The forked child 32618 (clone without CLONE_FILES, line 758) inherits fd 3 and connects on its own fd 5 (line 778).
    const child = a.fdLifetimes.get(32618)!;
    expect(child.find((l) => l.fd === 3)).toMatchObject({ createdBy: 'inherited', inheritedFrom: 32616, closedBy: 'exit' });
    expect(child.find((l) => l.fd === 5)!.connects[0]).toMatchObject({ address: '127.0.0.1:8080', outcome: 'connected', at: { line: 778 } });
  });

  it('34 unfinished/resumed pairs, all resumed: nothing is blocked at the end', () => {
    const evs = events(file).filter((e) => e.kind === 'syscall' && e.resumedLine !== undefined);
    expect(evs).toHaveLength(34);
    expect(a.blocked).toEqual([]);
  });

  it('without -T, a call split by unfinished/resumed is timed from start to resumed line (from below)', () => {
    // Strip the -T durations: accept4 (line 612, 12.158710) resumes on line 733; the last line started before it is
    // line 732 (12.215649), so the wait is at least 0.056939 s (-T said 0.057321).
    const b = analyze(file, { waitSeconds: 0.05 }, (t) => t.replace(/ <\d+\.\d+>$/gm, ''));
    const w = b.slow.find((s) => s.at.line === 612)!;
    expect(w).toMatchObject({ kind: 'wait', call: 'accept4', durationFrom: 'resumed' });
    expect(w.seconds).toBeCloseTo(0.056939, 6);
    // The 3.5 s poll (line 813, not split) ends at the process's next call, close on line 814 (15.727561).
    const p = b.slow.find((s) => s.at.line === 813)!;
    expect(p).toMatchObject({ durationFrom: 'next call' });
    expect(p.seconds).toBeCloseTo(3.504241, 6);
  });
});

describe('strace -p attached to http.server, detached mid-poll', () => {
  const file = join(NET, 'strace-p-attach-httpserver.txt');
  const a = analyze(file);

  it('the last poll on the listening socket is blocked (detached) at the end', () => {
    // Line 18: poll([{fd=3<TCP:[127.0.0.1:8000]>…}], 1, 500 <detached ...>, the last line of the trace.
    expect(a.blocked).toHaveLength(1);
    expect(a.blocked[0]).toMatchObject({ call: 'poll', at: { file, line: 18 }, detached: true, timeText: '09:08:18.791107', blockedFor: 0 });
    expect(a.blocked[0]!.fds).toEqual([expect.objectContaining({ fd: 3, type: 'socket', proto: 'TCP', local: '127.0.0.1:8000' })]);
  });

  it('the listening fd predates the trace; the accepted connection (line 5) is still open at the end', () => {
    const lv = a.fdLifetimes.get(0)!;
    expect(lv.find((l) => l.fd === 3)).toMatchObject({ createdBy: 'before trace', openAtEnd: true });
    expect(lv.find((l) => l.fd === 4)).toMatchObject({ createdBy: 'accept4', created: { line: 5 }, peer: '127.0.0.1:50498', openAtEnd: true });
    // The handler thread (clone3 with CLONE_FILES, line 13) has no table of its own.
    expect(a.fdLifetimes.has(32630)).toBe(false);
  });

  it('three 500 ms polls before the client came are one wait of ~1 s (no -T: ended by the accept4 on line 5)', () => {
    expect(a.slow).toHaveLength(1);
    expect(a.slow[0]).toMatchObject({ kind: 'wait', calls: 3, timeouts: 2, outcome: 'ready', durationFrom: 'next call', at: { line: 2 }, end: { line: 4 } });
    // 09:08:17.277271 → 09:08:18.288029.
    expect(a.slow[0]!.seconds).toBeCloseTo(1.010758, 6);
  });
});

describe('routine failures: shell-missing-config', () => {
  const a = analyze(sample('shell-missing-config/bad.strace'));

  it('the only notable failure is the missing app.conf; the PATH, locale, loader probes are routine', () => {
    // grep (line 1014) and sed both open /tmp/tracediff-shell/work/app.conf = -1 ENOENT.
    const notable = a.failures.filter((g) => g.notable.count > 0);
    expect(notable.map((g) => [g.errno, g.family, g.notable.count])).toEqual([['ENOENT', 'open', 2]]);
    expect(notable[0]!.notable.samples.map((s) => s.path)).toEqual(['/tmp/tracediff-shell/work/app.conf']);
    expect(notable[0]!.notable.first).toMatchObject({ line: 1014 });
    const routine = a.failures.reduce((n, g) => n + g.routine.count, 0);
    expect(routine).toBeGreaterThan(100);
    expect(group(a, 'ENOENT', 'open')!.routine.rules).toEqual({ 'locale probe': 81 });
    // bash looks up date and sed in /usr/local/sbin, /usr/local/bin, /usr/sbin before /usr/bin.
    expect(group(a, 'ENOENT', 'stat')!.routine.rules).toEqual({ 'PATH lookup': 12 });
  });

  it('the good run (app.conf present) has no notable failure', () => {
    const g = analyze(sample('shell-missing-config/good.strace'));
    expect(g.failures.filter((x) => x.notable.count > 0)).toEqual([]);
  });

  it('every routine rule says why', () => {
    for (const r of ROUTINE_FAILURE_RULES) expect(r.why.length).toBeGreaterThan(20);
    for (const t of Object.values(SYSCALL_ANALYSIS_THRESHOLDS)) expect(t.why.length).toBeGreaterThan(20);
  });
});

describe('streaming: retained state is bounded by open fds and processes', () => {
  // The biggest trace under samples/ (good-twice/shell/run2.strace, 1704 lines: bash + date/grep/sed/cat/wc
  // children opening ~100 files each), fed 2 times and 20 times as one long timeline.
  const evs = events(sample('good-twice/shell/run2.strace'));
  const CAP = 8;
  const run = (times: number) => {
    const an = new SyscallAnalyzer({ closedLivesKept: CAP });
    for (let i = 0; i < times; i++) for (const e of evs) an.add(e);
    const retained = an.retained();
    return { retained, result: an.finish() };
  };
  const uncapped = analyzeSyscalls(evs);
  const livesPerRun = [...uncapped.fdLifetimes.values()].reduce((n, l) => n + l.length, 0);

  it('closed lives beyond the cap are counted, not kept; the kept set does not grow with the trace', () => {
    const two = run(2);
    const twenty = run(20);
    // At most CAP remarkable + CAP ordinary closed lives per process.
    expect(twenty.retained.closedLivesKept).toBeLessThanOrEqual(2 * CAP * twenty.retained.processes);
    expect(twenty.retained.closedLivesKept).toBe(two.retained.closedLivesKept);
    expect(twenty.retained.openFds).toBe(two.retained.openFds);
    expect(twenty.retained.processes).toBe(two.retained.processes);
    // Nothing is lost from the count: kept + dropped = every life the trace had, 20 times over.
    const kept = [...twenty.result.fdLifetimes.values()].reduce((n, l) => n + l.length, 0);
    const dropped = [...twenty.result.fdLivesDropped.values()].reduce((n, d) => n + d.count, 0);
    expect(livesPerRun).toBeGreaterThan(100);
    expect(kept + dropped).toBe(20 * livesPerRun);
    expect(dropped).toBeGreaterThan(0);
    // Failure groups are keyed by errno × family: 20 copies make no new groups, only larger counts.
    expect(twenty.result.failures.map((g) => [g.errno, g.family])).toEqual(uncapped.failures.map((g) => [g.errno, g.family]));
    expect(twenty.result.failures.reduce((n, g) => n + g.total, 0)).toBe(20 * uncapped.failures.reduce((n, g) => n + g.total, 0));
    for (const g of twenty.result.failures) expect(g.notable.samples.length + g.routine.samples.length).toBeLessThanOrEqual(2 * SYSCALL_ANALYSIS_THRESHOLDS.failureSamples.value);
  });
});
