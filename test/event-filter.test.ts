/**
 * --pid, --trace/--ignore and --host/--port on real traces. Every count
 * below was checked outside tracediff: against strace's own filtering of the
 * same workload (samples/strace-flags/e-trace-*.strace), grep/awk over the
 * logs, and `tcpdump -n -r FILE EXPR | wc -l` (re-run by the last test of the
 * packet block when tcpdump is installed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildEventFilter, canonicalAddress, filterEventBatches, filtersAnything, FilterSpecError, parseHostArgs, parsePidArgs, parsePortArgs,
  type EventFilterSpec,
} from '../src/filter/event-filter.js';
import { parseSyscallSet, SyscallSetError } from '../src/filter/syscall-set.js';
import {
  CLASS_ALIASES, classesOf, classMembers, KNOWN_SYSCALLS, SYSCALL_CLASSES, syscallClassesMarkdown, syscallClassesSection, UNCLASSIFIED_SYSCALLS,
} from '../src/knowledge/syscall-classes.js';
import type { PacketEvent, SyscallEvent, TraceEvent } from '../src/model/events.js';
import { openTraces } from '../src/readers/open.js';
import { CORPUS, REPO } from './helpers/corpus.js';

const FLAGS = join(REPO, 'samples/strace-flags');
const CAPTURES = join(REPO, 'samples/captures');
const NET = join(CORPUS, 'generated-local/net');
const ZEEK = join(CORPUS, 'zeek/captures');

const cache = new Map<string, Promise<TraceEvent[]>>();
/** Every event of these inputs, read once per test file. */
function events(...paths: string[]): Promise<TraceEvent[]> {
  const key = paths.join('\0');
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const t = await openTraces(paths);
      const out: TraceEvent[] = [];
      for await (const batch of t.events) out.push(...batch);
      return out;
    })();
    cache.set(key, p);
  }
  return p;
}

const apply = (evs: TraceEvent[], spec: EventFilterSpec) => evs.filter(buildEventFilter(spec));
const syscalls = (evs: TraceEvent[]) => evs.filter((e): e is SyscallEvent => e.kind === 'syscall');
const packets = (evs: TraceEvent[]) => evs.filter((e): e is PacketEvent => e.kind === 'packet');
const names = (evs: TraceEvent[]) => syscalls(evs).map((e) => e.name);
/** Syscall names at the start of each line of a log written by strace without -f, in order. */
const logNames = (file: string) => readFileSync(file, 'utf8').split('\n').flatMap((l) => /^([a-z_0-9]+)\(/.exec(l)?.[1] ?? []);
const filterError = (spec: EventFilterSpec): FilterSpecError => {
  try {
    buildEventFilter(spec);
  } catch (e) {
    if (e instanceof FilterSpecError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(spec)}`);
};

describe('--trace and --ignore: strace -e trace= sets', () => {
  // Same workload (samples/strace-flags/workloads/fds.c) traced once in full and once by strace's own filter.
  it('--trace=%file keeps the calls `strace -e trace=%file` recorded of the same workload', async () => {
    const kept = apply(await events(join(FLAGS, 'plain.strace')), { trace: '%file' });
    expect(names(kept)).toEqual(logNames(join(FLAGS, 'e-trace-file.strace')));
    expect(names(kept)).toHaveLength(42);
    // 15 openat lines in plain.strace (grep -c '^openat('), every one in %file.
    expect(names(kept).filter((n) => n === 'openat')).toHaveLength(15);
    // The exit of the process is not a syscall: it stays.
    expect(kept.filter((e) => e.kind === 'exit')).toHaveLength(1);
  });

  it('--trace=!mmap,mprotect,munmap,brk matches strace, and !%memory removes every mmap/munmap/mprotect/brk', async () => {
    const all = await events(join(FLAGS, 'plain.strace'));
    const not = apply(all, { trace: '!mmap,mprotect,munmap,brk' });
    expect(names(not)).toEqual(logNames(join(FLAGS, 'e-trace-not.strace')));
    // 150 calls, 15 of them mmap/munmap/mprotect/brk (grep -cE '^(mmap|munmap|mprotect|brk)\(' plain.strace).
    expect(syscalls(all)).toHaveLength(150);
    const noMemory = apply(all, { trace: '!%memory' });
    expect(syscalls(noMemory)).toHaveLength(135);
    expect(names(noMemory).filter((n) => /^(mmap|munmap|mprotect|brk)$/.test(n))).toEqual([]);
    expect(names(apply(all, { ignore: '%memory' }))).toEqual(names(noMemory));
    expect(names(apply(all, { ignore: 'memory' }))).toEqual(names(noMemory));
  });

  it('--trace=/REGEX matches strace\'s regex filter', async () => {
    const kept = apply(await events(join(FLAGS, 'plain.strace')), { trace: '/^(openat|close|unlink)$' });
    expect(names(kept)).toEqual(logNames(join(FLAGS, 'e-trace-regex.strace')));
    expect(names(kept)).toHaveLength(50); // 15 openat + 25 close + 10 unlink
  });

  it('--trace=%network matches `strace -e trace=%network` of the same network workload; %net and network are the same class', async () => {
    const all = await events(join(FLAGS, 'yy-net.strace'));
    const kept = apply(all, { trace: '%network' });
    expect(names(kept)).toEqual(logNames(join(FLAGS, 'e-trace-network.strace')));
    expect(names(kept)).toHaveLength(102);
    expect(names(apply(all, { trace: '%net' }))).toEqual(names(kept));
    expect(names(apply(all, { trace: 'network' }))).toEqual(names(kept));
  });

  it('--trace and --ignore together: in --trace and not in --ignore', async () => {
    const all = await events(join(FLAGS, 'plain.strace'));
    const kept = names(apply(all, { trace: '%desc', ignore: 'read,write' }));
    const desc = names(apply(all, { trace: '%desc' }));
    // plain.strace has 8 read and 15 write lines.
    expect(desc.length - kept.length).toBe(23);
    expect(kept).not.toContain('read');
    expect(kept).not.toContain('write');
    expect(kept).toContain('openat');
  });

  it('an i386 log: %memory holds mmap2 and brk, %desc holds fstat64; unknown SYS_nnn calls need ?', async () => {
    const all = await events(join(CORPUS, 'strace/SYN-flood/strace.txt'));
    // grep -cE '^(mmap2|mprotect|munmap|brk)\(' SYN-flood/strace.txt → 46
    expect(syscalls(apply(all, { trace: '%memory' }))).toHaveLength(46);
    expect(names(apply(all, { trace: '%%stat' }))).toEqual(Array(15).fill('fstat64'));
    // socket(), connect()… on i386 are %network whether the libc used socketcall or not: strace prints the subcall's name.
    expect(new Set(names(apply(all, { trace: '%network' })))).toEqual(new Set(['socket', 'recvmsg', 'getsockname', 'connect', 'sendto', 'bind', 'setsockopt', 'sendmsg']));
    expect(filterError({ trace: '/^SYS_' }).message).toContain('matches no known system call');
    expect(names(apply(all, { trace: '?/^SYS_' }))).toEqual(['SYS_328', 'SYS_329']);
    expect(names(apply(all, { trace: '?SYS_328' }))).toEqual(['SYS_328']);
  });

  it('all, none, !, !! and an `all` item as strace reads them', () => {
    const has = (set: string, name: string) => parseSyscallSet(set).has(name);
    expect(has('all', 'openat')).toBe(true);
    expect(has('none', 'openat')).toBe(false);
    expect(has('!none', 'openat')).toBe(true);
    expect(has('!all', 'openat')).toBe(false);
    expect(has('!!openat', 'openat')).toBe(true);
    expect(has('!openat', 'openat')).toBe(false);
    expect(has('!openat', 'close')).toBe(true);
    expect(has('close,all', 'openat')).toBe(true);
    expect(has('open', 'openat')).toBe(false);
    expect(has('%file', 'openat')).toBe(true);
    expect(has('file', 'statx')).toBe(true);
    expect(has('?nosuchcall,openat', 'nosuchcall')).toBe(true);
    expect(has('??cacheflush', 'cacheflush')).toBe(true);
    expect(has(' openat , close ', 'close')).toBe(true);
    // POSIX bracket classes: pread64, pwrite64, getdents64… end in digits after letters.
    expect(has('/^[[:alpha:]_]+[[:digit:]]+$', 'pread64')).toBe(true);
    expect(has('/^[[:alpha:]_]+[[:digit:]]+$', 'openat')).toBe(false);
    // `none` is only a whole set, as in strace.
    expect(() => parseSyscallSet('open,none')).toThrow(SyscallSetError);
  });

  it('bad sets are one-line errors naming the item', () => {
    const cases: Array<[string, string]> = [
      ['%nosuchclass', "--trace=%nosuchclass: unknown syscall class '%nosuchclass'"],
      ['nosuchcall', "--trace=nosuchcall: unknown system call 'nosuchcall' (write ?nosuchcall to match that name anyway)"],
      ['opnat', 'did you mean openat?'],
      ['creds', 'the class is spelled %creds'],
      ['/(', "--trace=/(: '/(' is not a valid regular expression"],
      ['/^zz', "'/^zz' matches no known system call"],
      ['open@64', 'personality suffixes'],
      ['%file@32', 'personality suffixes'],
      ['2', 'syscall numbers are not supported'],
      ['', 'names no system call'],
      ['!', 'names no system call'],
      ['openat,,bogus1', "unknown system call 'bogus1'"],
    ];
    for (const [set, text] of cases) {
      const e = filterError({ trace: set });
      expect(e.option).toBe('trace');
      expect(e.message).toContain(text);
      expect(e.message).not.toContain('\n');
    }
    expect(filterError({ ignore: '%nosuchclass' }).message).toMatch(/^--ignore=%nosuchclass: /);
    expect(filterError({ trace: '%nosuchclass' }).item).toBe('%nosuchclass');
    // ? silences an unknown item, as in strace.
    expect(() => buildEventFilter({ trace: '?%nosuchclass,?/^zz' })).not.toThrow();
  });

  it('-c summary rows are filtered by name; the total row stays', async () => {
    const rows = (await events(join(FLAGS, 'c.strace'))).filter((e) => e.kind === 'summary');
    const kept = apply(rows, { trace: '%file' }).map((e) => (e.kind === 'summary' ? e.syscall : ''));
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.at(-1)).toBe('total');
    for (const n of kept.slice(0, -1)) expect(classesOf(n)).toContain('%file');
  });
});

describe('--pid', () => {
  it('strace -f -o: exactly the listed pids (counts from awk over the log)', async () => {
    const all = await events(join(FLAGS, 'f.strace'));
    // awk '$0 !~ /resumed>/ {n[$1]++}' f.strace: one event a line, an unfinished call and its resumption one event.
    const expected: Record<number, number> = { 24106: 454, 24107: 4, 24108: 4, 24109: 117, 24110: 111, 24111: 8, 24112: 364 };
    for (const [pid, n] of Object.entries(expected)) {
      const kept = apply(all, { pids: [Number(pid)] });
      expect(kept, `pid ${pid}`).toHaveLength(n);
      expect(kept.every((e) => e.pid === Number(pid))).toBe(true);
    }
    expect(apply(all, { pids: [24107, 24108] })).toHaveLength(8);
    // Children are not followed: 24106 forked every other process.
    expect(apply(all, { pids: [24106] }).some((e) => e.pid !== 24106)).toBe(false);
  });

  it('a strace -ff set: the pid of each file (from its name)', async () => {
    const all = await events(join(FLAGS, 'ff'));
    // wc -l ff/trace.*: 398, 4, 4, 111 lines; -ff files have no resumed halves.
    expect(apply(all, { pids: [24119] })).toHaveLength(398);
    expect(apply(all, { pids: [24120] }).map((e) => e.kind)).toEqual(['syscall', 'syscall', 'syscall', 'exit']);
    expect(apply(all, { pids: [24121, 24122] })).toHaveLength(115);
  });

  it('a corpus log (Stana firefox, strace -f): each pid\'s events, nothing else', async () => {
    const all = await events(join(CORPUS, 'strace/Stana/firefox_no_t.out'));
    // awk '$0 !~ /resumed>/ {n[$1]++}' firefox_no_t.out
    for (const [pid, n] of [[3042, 2350], [3045, 996], [3049, 4095], [3044, 88], [3048, 88]] as const) {
      expect(apply(all, { pids: [pid] }), `pid ${pid}`).toHaveLength(n);
    }
    // grep -c '^3049 \+openat\?(' → the file calls of one process of a multi-process log.
    const text = readFileSync(join(CORPUS, 'strace/Stana/firefox_no_t.out'), 'utf8');
    const opens = text.split('\n').filter((l) => /^3049 +open\(/.test(l)).length;
    expect(names(apply(all, { pids: [3049], trace: 'open' }))).toHaveLength(opens);
  });

  it('strace -p to stderr: the lines after "Process N attached" are N\'s', async () => {
    const all = await events(join(REPO, 'samples/nginx-cache-enospc/bad.strace'));
    // 39 lines: the attach message and 38 calls, none with a pid prefix.
    expect(apply(all, { pids: [3904] })).toHaveLength(39);
    // The nginx worker calls itself 7 in its container (gettid() = 7); strace's pid is the host's.
    expect(apply(all, { pids: [7] })).toHaveLength(0);
  });

  it('strace -f to stderr: lines without a pid go to the only live process, or stay when it is not known yet', async () => {
    const all = await events(join(FLAGS, 'f-stderr.strace'));
    // Lines 1-65 come before the first "[pid N]" line (the shell's start, pid not yet shown);
    // later unprefixed lines are the shell 24129 alone, between and after its children.
    const firstPidLine = Math.min(...all.filter((e) => e.pid !== undefined && e.kind !== 'attach').map((e) => e.line ?? Infinity));
    expect(firstPidLine).toBe(66);
    const early = all.filter((e) => e.pid === undefined && e.line! < 66);
    const late = all.filter((e) => e.pid === undefined && e.line! > 66);
    expect(late.length).toBeGreaterThan(0);

    const shell = apply(all, { pids: [24129] });
    expect(shell.filter((e) => e.pid === undefined)).toHaveLength(early.length + late.length);
    expect(shell.some((e) => e.kind === 'exit' && e.code === 7)).toBe(true);

    const child = apply(all, { pids: [24130] });
    expect(child.filter((e) => e.pid === undefined)).toEqual(early);
    expect(child.filter((e) => e.pid !== undefined).every((e) => e.pid === 24130)).toBe(true);
    expect(child.some((e) => e.kind === 'exit' && e.code === 7)).toBe(false);
  });

  it('a log that never names a pid is kept whole: no line can be shown to be another process\'s', async () => {
    const all = await events(join(FLAGS, 'plain.strace'));
    expect(apply(all, { pids: [1] })).toHaveLength(all.length);
  });

  it('packets are never dropped by --pid; pid arguments are checked', async () => {
    const pcap = await events(join(CAPTURES, 'syn-dropped/bad.pcap'));
    expect(apply(pcap, { pids: [1] })).toHaveLength(4);
    expect(parsePidArgs(['123,456', '789', '1 2\t3'])).toEqual([123, 456, 789, 1, 2, 3]);
    for (const bad of ['0', '-5', 'abc', '1.5']) {
      expect(() => parsePidArgs([bad])).toThrow(FilterSpecError);
    }
    expect(filterError({ pids: [0] }).message).toBe('--pid 0: not a process id (a positive whole number)');
  });
});

describe('--host and --port', () => {
  it('syn-dropped: pcap and tcpdump text alike (tcpdump -n -r bad.pcap port 18182 | wc -l → 4)', async () => {
    for (const file of ['bad.pcap', 'bad.txt']) {
      const all = await events(join(CAPTURES, 'syn-dropped', file));
      expect(packets(all)).toHaveLength(4);
      expect(apply(all, { ports: [18182] })).toHaveLength(4);
      expect(apply(all, { ports: [80] })).toHaveLength(0);
      expect(apply(all, { hosts: ['127.0.0.1'] })).toHaveLength(4);
      expect(apply(all, { hosts: ['10.0.0.1'] })).toHaveLength(0);
      expect(apply(all, { hosts: ['127.0.0.1'], ports: [80] })).toHaveLength(0);
    }
  });

  it('udp-port-unreachable: --port keeps the ICMP error about that port (tcpdump\'s `port 18184` shows only the UDP packet)', async () => {
    for (const file of ['bad.pcap', 'bad.txt']) {
      const kept = packets(apply(await events(join(CAPTURES, 'udp-port-unreachable', file)), { ports: [18184] }));
      expect(kept.map((p) => p.proto)).toEqual(['udp', 'icmp']);
      expect(kept[1]!.inner?.dst).toBe('127.0.0.1.18184');
    }
  });

  it('a capture of several flows, IPv4 and IPv6 (generated-local tcp-udp-lo, pcap and tcpdump -n text)', async () => {
    for (const file of ['tcp-udp-lo.pcap', 'tcp-udp-lo.pcap.tcpdump-n.txt']) {
      const all = await events(join(NET, file));
      expect(packets(all), file).toHaveLength(52);
      expect(apply(all, { ports: [8080] })).toHaveLength(20); // tcpdump: port 8080 → 20
      expect(apply(all, { hosts: ['::1'] })).toHaveLength(10); // host ::1 → 10
      expect(apply(all, { hosts: ['0:0:0:0:0:0:0:1'] })).toHaveLength(10);
      expect(apply(all, { hosts: ['127.0.0.1'], ports: [9] })).toHaveLength(4); // host 127.0.0.1 and port 9 → 4
      expect(apply(all, { hosts: ['::1'], ports: [8443] })).toHaveLength(10); // port 8443 and host ::1 → 10
      // port 5353 → 1 (the datagram); the ICMP port unreachable it drew is kept with it.
      expect(packets(apply(all, { ports: [5353] })).map((p) => p.proto)).toEqual(['udp', 'icmp']);
      expect(apply(all, { ports: [8080, 8081] })).toHaveLength(22);
    }
  });

  it('wikipedia.pcap: ports, hosts, ARP by the addresses it asks about, non-IP frames never match', async () => {
    const all = await events(join(ZEEK, 'wikipedia.pcap'));
    expect(packets(all)).toHaveLength(136);
    expect(apply(all, { ports: [80] })).toHaveLength(78); // tcpdump: port 80 → 78
    expect(apply(all, { ports: [53] })).toHaveLength(28); // port 53 → 28
    expect(apply(all, { ports: [80, 53] })).toHaveLength(106); // port 80 or port 53 → 106
    expect(apply(all, { hosts: ['208.80.152.2'] })).toHaveLength(10); // host 208.80.152.2 → 10
    expect(apply(all, { hosts: ['141.142.220.118'], ports: [53] })).toHaveLength(28);
    // host 141.142.220.1 → 5, all ARP who-has requests.
    expect(packets(apply(all, { hosts: ['141.142.220.1'] })).map((p) => p.proto)).toEqual(Array(5).fill('arp'));
  });

  it('IP fragments: only the first one carries the port (tcpdump: port 80 → 3 of 6)', async () => {
    expect(apply(await events(join(ZEEK, 'ipv4__fragmented-4.pcap')), { ports: [80] })).toHaveLength(3);
  });

  it('IPv6 extension headers do not hide the port (tcpdump\'s filter misses them: port 80 → 18; its output shows 36 to or from port 80)', async () => {
    const kept = packets(apply(await events(join(ZEEK, 'ipv6-http-atomic-frag.pcap')), { ports: [80] }));
    // 18 plain, 5 each behind DSTOPT, HBH and RT6, 5 atomic fragments (offset 0): `tcpdump -n -r` prints "… 36951 > 80".
    expect(kept).toHaveLength(36);
    expect(kept.filter((p) => p.ipOptions?.length || p.frag)).toHaveLength(18);
  });

  it('ICMPv6 errors follow the flow they quote; IPv6 hosts in any spelling', async () => {
    const all = await events(join(ZEEK, 'communityid__icmp6.pcap'));
    // tcpdump: port 33444 → 0 (the UDP probe was not captured); its port unreachable is kept.
    const kept = packets(apply(all, { ports: [33444] }));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.proto).toBe('icmp6');
    // host 3ffe:501:410:0:2c0:dfff:fe47:33e → 3, plus the errors that quote a packet of that host.
    const host = packets(apply(all, { hosts: ['3FFE:0501:0410:0000:02c0:dfff:fe47:033e'] }));
    const quoting = host.filter((p) => ![p.src, p.dst].includes('3ffe:501:410:0:2c0:dfff:fe47:33e'));
    expect(host.length - quoting.length).toBe(3);
    for (const p of quoting) expect([p.inner?.src, p.inner?.dst].some((a) => a?.startsWith('3ffe:501:410:0:2c0:dfff:fe47:33e'))).toBe(true);
  });

  it('syscalls and packets: each filter leaves the other kind alone', async () => {
    const all = await events(join(NET, 'strace-f-tt-T-yy.txt'), join(NET, 'tcp-udp-lo.pcap'));
    const calls = syscalls(all).length;
    expect(syscalls(apply(all, { ports: [8080] }))).toHaveLength(calls);
    expect(packets(apply(all, { trace: '%file' }))).toHaveLength(52);
    expect(packets(apply(all, { pids: [32617] }))).toHaveLength(52);
    const both = apply(all, { ports: [8080], trace: '%network' });
    expect(packets(both)).toHaveLength(20);
    expect(syscalls(both).every((e) => classesOf(e.name).includes('%network'))).toBe(true);
  });

  it('socketSyscalls: calls on IP sockets are held to --port; other calls are kept', async () => {
    const all = await events(join(NET, 'strace-f-tt-T-yy.txt'));
    const kept = syscalls(apply(all, { ports: [8443], socketSyscalls: true }));
    const at = (line: number) => kept.some((e) => e.line === line);
    // listen/accept4/getsockname/sendto/recvfrom/close on the [::1]:8443 sockets (strace -yy lines 821-832).
    for (const line of [821, 824, 825, 826, 827, 828, 829, 830, 831, 832]) expect(at(line), `line ${line}`).toBe(true);
    // Calls on the 8080 TCP and 5353 UDP sockets go.
    for (const line of [577, 734, 774, 817, 818, 833, 838]) expect(at(line), `line ${line}`).toBe(false);
    // Not a socket (openat of ld.so.cache), a socket whose endpoints the trace never showed (connect to 8081, refused).
    expect(at(5)).toBe(true);
    expect(at(806)).toBe(true);
    // A listening socket bound to one address passes --host for that address only.
    const v6 = syscalls(apply(all, { hosts: ['::1'], socketSyscalls: true }));
    expect(v6.some((e) => e.line === 821)).toBe(true);
    expect(v6.some((e) => e.line === 577)).toBe(false);
  });

  it('bad --host and --port values; argument lists', () => {
    expect(filterError({ ports: [70000] }).message).toBe('--port 70000: not a port number (0-65535)');
    expect(filterError({ ports: [-1] }).option).toBe('port');
    expect(() => parsePortArgs(['80,70000'])).toThrow('--port 70000: not a port number (0-65535)');
    expect(() => parsePortArgs(['http'])).toThrow(FilterSpecError);
    expect(parsePortArgs(['80,443', 53])).toEqual([80, 443, 53]);
    const e = filterError({ hosts: ['not-an-ip'] });
    expect(e.option).toBe('host');
    expect(e.message).toBe('--host not-an-ip: not an IP address (host names are not resolved; give the address as tcpdump -n prints it)');
    expect(() => parseHostArgs(['localhost'])).toThrow(FilterSpecError);
    expect(() => parseHostArgs(['10.0.0.256'])).toThrow(FilterSpecError);
    expect(parseHostArgs(['10.0.0.1,::1'])).toEqual(['10.0.0.1', '::1']);
  });

  it('addresses in the form tcpdump -n prints them', () => {
    expect(canonicalAddress('0:0::1')).toBe('::1');
    expect(canonicalAddress('[::1]')).toBe('::1');
    expect(canonicalAddress('FE80::0001%eth0')).toBe('fe80::1');
    expect(canonicalAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalAddress('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalAddress('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(canonicalAddress('::')).toBe('::');
    expect(canonicalAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(canonicalAddress('10.1.2')).toBeUndefined();
    expect(canonicalAddress('example.com')).toBeUndefined();
  });

  const tcpdump = '/usr/bin/tcpdump';
  it.skipIf(!existsSync(tcpdump))('the counts above are what tcpdump itself prints', () => {
    const count = (file: string, expr: string) =>
      spawnSync(tcpdump, ['-n', '-r', file, expr], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l !== '').length;
    expect(count(join(CAPTURES, 'syn-dropped/bad.pcap'), 'port 18182')).toBe(4);
    expect(count(join(CAPTURES, 'udp-port-unreachable/bad.pcap'), 'port 18184')).toBe(1);
    const lo = join(NET, 'tcp-udp-lo.pcap');
    expect(count(lo, 'port 8080')).toBe(20);
    expect(count(lo, 'host ::1')).toBe(10);
    expect(count(lo, 'host 127.0.0.1 and port 9')).toBe(4);
    expect(count(lo, 'port 5353')).toBe(1);
    const wiki = join(ZEEK, 'wikipedia.pcap');
    expect(count(wiki, 'port 80')).toBe(78);
    expect(count(wiki, 'port 80 or port 53')).toBe(106);
    expect(count(wiki, 'host 141.142.220.1')).toBe(5);
    expect(count(join(ZEEK, 'communityid__icmp6.pcap'), 'host 3ffe:501:410:0:2c0:dfff:fe47:33e')).toBe(3);
    expect(count(join(ZEEK, 'ipv4__fragmented-4.pcap'), 'port 80')).toBe(3);
  });
});

describe('the stream', () => {
  it('filterEventBatches drops events, never moves one, and skips emptied batches', async () => {
    async function* batches(): AsyncGenerator<TraceEvent[]> {
      const all = await events(join(FLAGS, 'plain.strace'));
      for (let i = 0; i < all.length; i += 10) yield all.slice(i, i + 10);
    }
    const out: TraceEvent[][] = [];
    for await (const b of filterEventBatches(batches(), buildEventFilter({ trace: 'unlink' }))) out.push(b);
    expect(out.every((b) => b.length > 0)).toBe(true);
    const kept = out.flat();
    // The 10 unlink calls, and the process's signal and exit (never dropped by a syscall set).
    const all = await events(join(FLAGS, 'plain.strace'));
    expect(kept).toEqual(all.filter((e) => e.kind !== 'syscall' || e.name === 'unlink'));
    expect(names(kept)).toEqual(Array(10).fill('unlink'));
    expect(filtersAnything({})).toBe(false);
    expect(filtersAnything({ pids: [] })).toBe(false);
    expect(filtersAnything({ trace: 'all' })).toBe(true);
  });
});

describe('syscall classes (src/knowledge/syscall-classes.ts)', () => {
  it('docs/filters.md shows the table the filter runs', () => {
    expect(syscallClassesSection(join(REPO, 'docs/filters.md'))).toBe(syscallClassesMarkdown());
  });

  it('the combined classes are their parts, as strace defines them', () => {
    const union = (...cs: Array<keyof typeof SYSCALL_CLASSES>) => [...new Set(cs.flatMap((c) => SYSCALL_CLASSES[c]))].sort();
    expect([...SYSCALL_CLASSES['%%stat']].sort()).toEqual(union('%stat', '%lstat', '%fstat'));
    expect([...SYSCALL_CLASSES['%%statfs']].sort()).toEqual([...union('%statfs', '%fstatfs'), 'ustat'].sort());
    // The id getters are both: they read credentials, and take no arguments and cannot fail.
    for (const n of ['getuid', 'geteuid32', 'getegid']) expect(classesOf(n)).toEqual(['%creds', '%pure']);
  });

  it('every alias names a class; no name is both classified and unclassified', () => {
    for (const [alias, cls] of Object.entries(CLASS_ALIASES)) expect(classMembers(alias)).toBe(classMembers(cls));
    const classified = new Set(Object.values(SYSCALL_CLASSES).flat());
    expect(UNCLASSIFIED_SYSCALLS.filter((n) => classified.has(n))).toEqual([]);
    for (const n of ['openat', 'newfstatat', 'statx', 'clone3', 'pwritev2', 'epoll_pwait2', 'fchmodat2', 'socketcall', '_llseek', 'futex']) {
      expect(KNOWN_SYSCALLS.has(n), n).toBe(true);
    }
  });

  it('classes of well-known calls, as strace 6 has them', () => {
    expect(classesOf('openat')).toEqual(['%file', '%desc']);
    expect(classesOf('newfstatat')).toEqual(['%file', '%desc', '%fstat', '%%stat']);
    expect(classesOf('execve')).toEqual(['%file', '%process']);
    expect(classesOf('mmap')).toEqual(['%memory', '%desc']);
    expect(classesOf('sendfile')).toEqual(['%network', '%desc']);
    expect(classesOf('kill')).toEqual(['%process', '%signal']);
    expect(classesOf('clone3')).toEqual(['%process']);
    expect(classesOf('epoll_pwait2')).toEqual(['%desc']);
    expect(classesOf('shmat')).toEqual(['%memory', '%ipc']);
    expect(classesOf('clock_gettime64')).toEqual(['%clock']);
    expect(classesOf('ustat')).toEqual(['%%statfs']);
    // close_range lost its %desc flag in strace 6.x; socketcall is %desc only (its subcalls carry their own names).
    expect(classesOf('close_range')).toEqual([]);
    expect(classesOf('socketcall')).toEqual(['%desc']);
  });
});
