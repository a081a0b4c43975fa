/**
 * The differ's parts one at a time: normalization keys and outcome classes,
 * path masks, folding, alignment, and the noise rules — each on strace
 * lines shaped like the real ones in samples/.
 */
import { describe, expect, it } from 'vitest';
import { align } from '../src/diff/align.js';
import { diffSides } from '../src/diff/differ.js';
import { fold } from '../src/diff/fold.js';
import { Normalizer } from '../src/diff/normalize.js';
import { isSignificant, outcomesEquivalent, similarKeys } from '../src/diff/rank.js';
import { Interner, SideBuilder, type SideTrace } from '../src/diff/side.js';
import { maskPath } from '../src/knowledge/diff-rules.js';
import { classOf, familyOf } from '../src/knowledge/syscall-families.js';
import type { SyscallEvent } from '../src/model/events.js';
import { parseStraceText } from '../src/readers/strace/read.js';

function norm(lines: string[]) {
  const n = new Normalizer();
  return parseStraceText(lines.join('\n') + '\n', { file: 'x' }).events.map((e) => n.normalize(e));
}

function side(text: string, strings: Interner, file: string): SideTrace {
  const b = new SideBuilder(strings, [file]);
  for (const e of parseStraceText(text.trim() + '\n', { file }).events) b.add(e);
  return b.finish();
}

function diffText(good: string, bad: string) {
  const strings = new Interner();
  const g = side(good, strings, 'good');
  const b = side(bad, strings, 'bad');
  const r = diffSides(g, b, strings);
  const at = (s: SideTrace, i: number | null) => (i === null ? null : s.rows.get(i).line);
  return { kind: r.divergence?.kind ?? null, bad: r.divergence ? at(b, r.divergence.bad) : null, good: r.divergence ? at(g, r.divergence.good) : null, missing: r.missingAfter.map((m) => at(g, m.good)) };
}

describe('families and classes', () => {
  it('treats libc spellings of one operation as one family', () => {
    expect(familyOf('openat')).toBe(familyOf('open'));
    expect(familyOf('newfstatat')).toBe(familyOf('fstat'));
    expect(familyOf('statx')).toBe('stat');
    expect(familyOf('pwritev')).toBe('write');
    expect(familyOf('recvfrom')).toBe('recv');
    expect(familyOf('accept4')).toBe('accept');
    expect(familyOf('waitid')).toBe('wait');
    expect(familyOf('exit_group')).toBe(familyOf('_exit'));
    expect(familyOf('mmap2')).toBe('mmap');
    expect(familyOf('frobnicate')).toBe('frobnicate');
  });
  it('classes noise apart from behaviour', () => {
    expect(classOf('mmap')).toBe('memory');
    expect(classOf('clock')).toBe('time');
    expect(classOf('futex')).toBe('sync');
    expect(classOf('epoll_wait')).toBe('wait');
    expect(classOf('write')).toBe('file');
    expect(classOf('connect')).toBe('net');
    expect(classOf('exec')).toBe('process');
  });
});

describe('path masks', () => {
  it.each([
    ['/proc/12345/status', '/proc/<pid>/status'],
    ['/proc/self/task/4242/comm', '/proc/<pid>/task/<tid>/comm'],
    ['/etc/nginx/china_cache/2/7d/2ac65d1f9080e2baff45a4332f9017d2.0000014051', '/etc/nginx/china_cache/2/7d/<hex>.<n>'],
    ['/tmp/tmpk2j3_lx1', '/tmp/tmp<rand>'],
    ['/var/tmp/file.a1B2c3', '/var/tmp/file.<rand>'],
    ['/var/run/app.1234.pid', '/var/run/app.<n>.pid'],
    ['/etc/passwd', '/etc/passwd'],
    ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
  ])('%s → %s', (path, masked) => {
    expect(maskPath(path)).toBe(masked);
  });
});

describe('normalization', () => {
  it('drops fd numbers, pointers, byte counts and buffers; keeps what the fd is', () => {
    const [a, b] = norm([
      'openat(AT_FDCWD, "/etc/app.conf", O_RDONLY|O_CLOEXEC) = 3',
      'openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = 7',
    ]);
    expect(a!.key).toBe(b!.key);
    expect(a!.key).toBe('open "/etc/app.conf" O_RDONLY');
    const [r1, , r2] = norm([
      'openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = 3',
      'openat(AT_FDCWD, "/etc/other.conf", O_RDONLY) = 4',
      'read(3, "name=demo\\n", 4096) = 10',
    ]);
    expect(r1!.outcome).toBe('ok');
    expect(r2!.key).toBe('read file:/etc/app.conf');
  });

  it('names sockets by their role and service port, never by ephemeral ports or addresses', () => {
    const ev = norm([
      'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 5',
      'connect(5, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("52.80.58.42")}, 16) = -1 EINPROGRESS (Operation now in progress)',
      'writev(5, [{iov_base="GET / HTTP/1.0\\r\\n", iov_len=16}], 1) = 16',
      'accept4(6, {sa_family=AF_INET, sin_port=htons(59360), sin_addr=inet_addr("10.130.0.4")}, [16], SOCK_NONBLOCK) = 11',
      'recvfrom(11, "GET", 1024, 0, NULL, NULL) = 3',
    ]);
    expect(ev[1]!.key).toBe('connect sock:tcp:socket AF_INET:80');
    expect(ev[1]!.outcome).toBe('E:EINPROGRESS');
    expect(ev[2]!.key).toBe('write sock:tcp:connected:80');
    expect(ev[2]!.lane).toBe('x:1');
    expect(ev[4]!.key).toBe('recv sock:accepted');
    expect(ev[4]!.lane).toBe('x:4');
  });

  it('classifies outcomes: errno, end of file, short write, timeout, unfinished, SO_ERROR', () => {
    const ev = norm([
      'read(0, "", 4096) = 0',
      'write(1, "abcdef", 6) = 4',
      'epoll_wait(8, [], 512, 1000) = 0',
      'recvfrom(5, 0x7ffd1f603790, 4096, 0, NULL, NULL) = -1 EWOULDBLOCK (Resource temporarily unavailable)',
      'getsockopt(5, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0',
      'getsockopt(5, SOL_SOCKET, SO_ERROR, [0], [4]) = 0',
      'recvfrom(5,  <unfinished ...>',
    ]);
    expect(ev.map((e) => e!.outcome)).toEqual(['eof', 'partial', 'timeout', 'E:EAGAIN', 'E:ECONNREFUSED', 'ok', 'unfinished']);
  });

  it('keeps the flags that change meaning and drops the ones that do not', () => {
    const [a, b] = norm([
      'openat(AT_FDCWD, "/var/log/app.log", O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0644) = 3',
      'openat(AT_FDCWD, "/var/log/app.log", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3',
    ]);
    expect(a!.key).toBe('open "/var/log/app.log" O_APPEND|O_CREAT|O_WRONLY');
    expect(b!.key).not.toBe(a!.key);
  });

  it('drops epoll data words and timeouts', () => {
    const [a, b] = norm([
      'epoll_ctl(8, EPOLL_CTL_ADD, 11, {EPOLLIN|EPOLLRDHUP|EPOLLET, {u32=69027248, u64=140003117974960}}) = 0',
      'epoll_ctl(8, EPOLL_CTL_ADD, 11, {EPOLLIN|EPOLLRDHUP|EPOLLET, {u32=69027249, u64=140003117974961}}) = 0',
    ]);
    expect(a!.key).toBe(b!.key);
  });
});

describe('folding', () => {
  const strings = new Interner();
  it('folds a run of one key whatever its outcomes, and a repeating pattern', () => {
    const els = fold([1, 2, 2, 2, 3, 4, 3, 4, 3, 4, 5], strings);
    expect(els.map((e) => [e.start, e.length, e.reps])).toEqual([[0, 1, 1], [1, 3, 3], [4, 6, 3], [10, 1, 1]]);
  });
  it('folds a known pattern that occurs once, and a cut-short last iteration', () => {
    const known = new Set<string>();
    fold([3, 4, 3, 4], strings, undefined, known);
    expect(fold([3, 4, 9], strings, known).map((e) => e.length)).toEqual([2, 1]);
    const cut = fold([3, 9], strings, known);
    expect(cut.map((e) => e.length)).toEqual([1, 1]);
    expect(strings.text(cut[0]!.key)).toBe('*3,4');
    expect(cut[1]!.key).toBe(9);
  });
});

describe('alignment', () => {
  it('matches as early as possible: the first of several equal calls is the counterpart', () => {
    const ops = align([1, 2, 7, 2, 7, 3], [1, 2, 9], { isAnchor: () => false });
    const same = ops.filter((o) => o.op === 'same').map((o) => (o.op === 'same' ? [o.g, o.b] : []));
    expect(same).toEqual([[0, 0], [1, 1]]);
  });
  it('pins unique anchors so a noisy stretch cannot pull them out of place', () => {
    const g = [5, 1, 1, 1, 100, 2, 2];
    const b = [5, 2, 2, 100, 1, 1];
    const ops = align(g, b, { isAnchor: (k) => k === 100 });
    expect(ops.some((o) => o.op === 'same' && o.g === 4 && o.b === 3)).toBe(true);
    // Every index of both sides appears exactly once, in order.
    expect(ops.filter((o) => o.op !== 'bad').map((o) => (o.op === 'bad' ? -1 : o.g))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ops.filter((o) => o.op !== 'good').map((o) => (o.op === 'good' ? -1 : o.b))).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('stays linear when Myers would exceed its edit budget', () => {
    const g = Array.from({ length: 20000 }, (_, i) => i % 997);
    const b = Array.from({ length: 20000 }, (_, i) => (i * 7) % 991);
    const ops = align(g, b, { isAnchor: () => false, maxEdits: 50 });
    expect(ops.filter((o) => o.op !== 'bad').length).toBe(g.length);
    expect(ops.filter((o) => o.op !== 'good').length).toBe(b.length);
  });
});

describe('noise rules', () => {
  it('equates outcomes that two good runs show', () => {
    expect(outcomesEquivalent('read', 'file', 'ok', 'E:EAGAIN')).toBe(true);
    expect(outcomesEquivalent('connect', 'net', 'ok', 'E:EINPROGRESS')).toBe(true);
    expect(outcomesEquivalent('epoll_wait', 'wait', 'ok', 'timeout')).toBe(true);
    expect(outcomesEquivalent('write', 'file', 'ok', 'E:EINTR')).toBe(true);
    expect(outcomesEquivalent('write', 'file', 'ok', 'E:ENOSPC')).toBe(false);
    expect(outcomesEquivalent('connect', 'net', 'E:EINPROGRESS', 'E:ECONNREFUSED')).toBe(false);
    expect(outcomesEquivalent('recv', 'net', 'ok', 'eof')).toBe(false);
    expect(outcomesEquivalent('recv', 'net', 'ok', 'eof', true)).toBe(true);
  });
  it('tells behaviour from bookkeeping when a call appears in one run only', () => {
    const v = { onSocket: false, endOfAttached: false };
    expect(isSignificant({ ...v, family: 'write', cls: 'file', outcome: 'ok' })).toBe(true);
    expect(isSignificant({ ...v, family: 'mmap', cls: 'memory', outcome: 'ok' })).toBe(false);
    expect(isSignificant({ ...v, family: 'mmap', cls: 'memory', outcome: 'E:ENOMEM' })).toBe(true);
    expect(isSignificant({ ...v, family: 'close', cls: 'file', outcome: 'ok' })).toBe(false);
    expect(isSignificant({ ...v, family: 'close', cls: 'file', outcome: 'ok', onSocket: true })).toBe(true);
    expect(isSignificant({ ...v, family: 'stat', cls: 'fdmeta', outcome: 'E:ENOENT' })).toBe(false);
    expect(isSignificant({ ...v, family: 'open', cls: 'file', outcome: 'E:ENOENT' })).toBe(false);
    // A failure outside path probing is behaviour even when only one run has it.
    expect(isSignificant({ ...v, family: 'connect', cls: 'net', outcome: 'E:EACCES' })).toBe(true);
    expect(isSignificant({ ...v, family: 'write', cls: 'file', outcome: 'E:EINVAL' })).toBe(true);
    expect(isSignificant({ ...v, family: 'signal', cls: 'signal', outcome: 'ok', signal: 'SIGCHLD' })).toBe(false);
    expect(isSignificant({ ...v, family: 'signal', cls: 'signal', outcome: 'ok', signal: 'SIGSEGV' })).toBe(true);
    expect(isSignificant({ ...v, family: 'exit', cls: 'exit', outcome: 'killed:SIGTERM', endOfAttached: true })).toBe(false);
    expect(isSignificant({ ...v, family: 'exit', cls: 'exit', outcome: 'killed:SIGKILL', endOfAttached: true })).toBe(true);
  });
  it('sees names that differ only by a random token as the same name', () => {
    expect(similarKeys('open "/tmp/x/td-ub_f23zn.out" O_CREAT', 'open "/tmp/x/td-2n5ox_yc.out" O_CREAT')).toBe(true);
    expect(similarKeys('open "/etc/app.conf" O_RDONLY', 'open "/etc/web.conf" O_RDONLY')).toBe(false);
  });
});

describe('divergence ranking on small traces', () => {
  const head = [
    'execve("/usr/bin/app", ["app"], 0x7ffc /* 8 vars */) = 0',
    'openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = 3',
    'read(3, "x", 4096) = 1',
    'close(3) = 0',
  ];
  it('a non-blocking EAGAIN and an extra clock read are noise', () => {
    const good = [...head, 'recvfrom(4, "a", 10, 0, NULL, NULL) = 1', 'exit_group(0) = ?', '+++ exited with 0 +++'].join('\n');
    const bad = [...head, 'clock_gettime(CLOCK_MONOTONIC, {tv_sec=1, tv_nsec=2}) = 0', 'recvfrom(4, 0x7ffd, 10, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)', 'recvfrom(4, "a", 10, 0, NULL, NULL) = 1', 'exit_group(0) = ?', '+++ exited with 0 +++'].join('\n');
    expect(diffText(good, bad).kind).toBeNull();
  });
  it('a real failure wins over a later missing call, and missingAfter lists what good did next', () => {
    const good = [...head, 'openat(AT_FDCWD, "/var/lib/app/state", O_WRONLY|O_CREAT, 0644) = 3', 'write(3, "s", 1) = 1', 'rename("/var/lib/app/state", "/var/lib/app/state.old") = 0', 'exit_group(0) = ?', '+++ exited with 0 +++'].join('\n');
    const bad = [...head, 'openat(AT_FDCWD, "/var/lib/app/state", O_WRONLY|O_CREAT, 0644) = -1 EACCES (Permission denied)', 'exit_group(1) = ?', '+++ exited with 1 +++'].join('\n');
    expect(diffText(good, bad)).toEqual({ kind: 'result', bad: 5, good: 5, missing: [6, 7] });
  });
  it('a call good makes that bad never does is `missing`, pointing at the bad line before the gap', () => {
    const good = [...head, 'unlink("/run/app.lock") = 0', 'exit_group(0) = ?'].join('\n');
    const bad = [...head, 'exit_group(0) = ?'].join('\n');
    expect(diffText(good, bad)).toMatchObject({ kind: 'missing', bad: 4, good: 5 });
  });
  it('a call only bad makes is `extra`', () => {
    const good = [...head, 'exit_group(0) = ?'].join('\n');
    const bad = [...head, 'kill(1234, SIGTERM) = 0', 'exit_group(0) = ?'].join('\n');
    expect(diffText(good, bad)).toMatchObject({ kind: 'extra', bad: 5, good: null });
  });
  it('after an `extra` call, missingAfter starts after the good call aligned with bad\'s call before it', () => {
    const good = ['openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = 3', 'read(3, "x", 4096) = 1', 'unlink("/run/app.lock") = 0', 'exit_group(0) = ?'].join('\n');
    const bad = ['openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = 3', 'kill(1234, SIGTERM) = 0', 'read(3, "x", 4096) = 1', 'exit_group(0) = ?'].join('\n');
    // Not the openat before it (bad opened too), not nothing: the unlink good did and bad never did.
    expect(diffText(good, bad)).toEqual({ kind: 'extra', bad: 2, good: null, missing: [3] });
  });
  it('a non-zero exit status is a result divergence of the process', () => {
    const good = [...head, 'exit_group(0) = ?', '+++ exited with 0 +++'].join('\n');
    const bad = [...head, 'exit_group(3) = ?', '+++ exited with 3 +++'].join('\n');
    expect(diffText(good, bad)).toMatchObject({ kind: 'result', bad: 6 });
  });
  it('interleaved pids are aligned process by process', () => {
    const good = [
      '100 execve("/bin/sh", ["sh"], 0x1 /* 1 var */) = 0',
      '100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101',
      '101 execve("/bin/cat", ["cat", "a"], 0x1 /* 1 var */) = 0',
      '100 write(1, "x", 1) = 1',
      '101 openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '101 exit_group(0) = ?',
      '101 +++ exited with 0 +++',
      '100 exit_group(0) = ?',
    ].join('\n');
    const bad = [
      '200 execve("/bin/sh", ["sh"], 0x1 /* 1 var */) = 0',
      '200 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 201',
      '200 write(1, "x", 1) = 1',
      '201 execve("/bin/cat", ["cat", "a"], 0x1 /* 1 var */) = 0',
      '201 openat(AT_FDCWD, "a", O_RDONLY) = 3',
      '201 exit_group(0) = ?',
      '200 exit_group(0) = ?',
      '201 +++ exited with 0 +++',
    ].join('\n');
    expect(diffText(good, bad).kind).toBeNull();
    const broken = bad.replace('"a", O_RDONLY) = 3', '"a", O_RDONLY) = -1 ENOENT (No such file or directory)');
    expect(diffText(good, broken)).toMatchObject({ kind: 'result', bad: 5, good: 5 });
  });
  it('a call that takes far longer is `timing` only when nothing else differs', () => {
    const good = [...head, 'connect(5, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("127.0.0.1")}, 16) = 0 <0.000100>', 'exit_group(0) = ?'].join('\n');
    const bad = [...head, 'connect(5, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("127.0.0.1")}, 16) = 0 <3.000100>', 'exit_group(0) = ?'].join('\n');
    expect(diffText(good, bad)).toMatchObject({ kind: 'timing', bad: 5, good: 5 });
  });
  it('the SyscallEvent type is what the normalizer reads', () => {
    const e: SyscallEvent = { kind: 'syscall', file: 'x', line: 1, name: 'getpid', argsText: '', args: [], result: '42' };
    expect(new Normalizer().normalize(e)).toMatchObject({ key: 'getpid', outcome: 'ok', cls: 'identity' });
  });
});

describe('outcome ids', () => {
  it('fit two bytes: past 65,535 distinct outcomes the rest share the last id, which no real outcome has', async () => {
    const { OutcomeTable, MAX_OUTCOMES, OUTCOME_OVERFLOW } = await import('../src/diff/side.js');
    const t = new OutcomeTable();
    const ok = t.id('ok');
    const ids = Array.from({ length: 70_000 }, (_, k) => t.id(`E:EFAKE${k}`));
    expect(Math.max(...ids.slice(0, 1000))).toBeLessThan(MAX_OUTCOMES - 1);
    expect(ids[MAX_OUTCOMES - 3]).toBe(MAX_OUTCOMES - 2);
    const overflow = ids[MAX_OUTCOMES - 2]!;
    expect(overflow).toBe(MAX_OUTCOMES - 1);
    expect(t.text(overflow)).toBe(OUTCOME_OVERFLOW);
    expect(ids.slice(MAX_OUTCOMES - 2).every((id) => id === overflow)).toBe(true);
    // Outcomes seen before the table filled keep their ids.
    expect([t.id('ok'), t.id('E:EFAKE7')]).toEqual([ok, ids[7]]);
    expect(t.strings).toHaveLength(MAX_OUTCOMES);
  });
});
