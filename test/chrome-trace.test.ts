/**
 * `parse --format chrome-trace` (src/export/chrome-trace.ts) and the Trace
 * Event Format check (src/export/chrome-trace-check.ts). Real samples go
 * through the exporter and must pass the check (types, phases, metadata,
 * colours, flow bindings, slices nesting on each thread); the counts below
 * were read off the inputs: the README beside each sample and
 * `tcpdump -n -r` of its capture.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli/parse-command.js';
import { checkChromeTrace } from '../src/export/chrome-trace-check.js';
import { ChromeTraceWriter, SYNTHETIC_IDS, writeChromeTrace, type ChromeTraceEvent, type ChromeTraceSummary } from '../src/export/chrome-trace.js';
import type { TraceEvent } from '../src/model/events.js';
import { openTraces } from '../src/readers/open.js';
import { CORPUS, REPO, straceFiles } from './helpers/corpus.js';

type Out = ChromeTraceEvent;
interface Doc {
  traceEvents: Out[];
  displayTimeUnit: string;
  otherData: Record<string, string | number>;
}

const S = (p: string) => join(REPO, 'samples', p);
const NET = SYNTHETIC_IDS.network;

/** Export through openTraces + writeChromeTrace, counting the input's events by kind on the way. */
async function exportFiles(paths: string[]): Promise<{ doc: Doc; kinds: Record<string, number>; summary: ChromeTraceSummary; text: string }> {
  const opened = await openTraces(paths);
  const kinds: Record<string, number> = {};
  async function* tee(it: AsyncIterable<TraceEvent[]>) {
    for await (const b of it) {
      for (const e of b) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
      yield b;
    }
  }
  let text = '';
  const summary = await writeChromeTrace(tee(opened.events), async (s) => { text += s; }, { files: opened.files });
  return { doc: JSON.parse(text) as Doc, kinds, summary, text };
}

/** Export a list of events held in memory. */
function exportEvents(events: TraceEvent[]): { doc: Doc; summary: ChromeTraceSummary } {
  const w = new ChromeTraceWriter();
  let text = w.header();
  for (const e of events) text += w.add(e);
  text += w.finish();
  return { doc: JSON.parse(text) as Doc, summary: w.stats() };
}

const ph = (doc: Doc, p: string) => doc.traceEvents.filter((e) => e.ph === p);
const meta = (doc: Doc, name: string) => ph(doc, 'M').filter((e) => e.name === name);
const valid = (doc: unknown) => {
  const c = checkChromeTrace(doc);
  expect(c.errors).toEqual([]);
  return c;
};

describe('chrome-trace: strace logs', () => {
  it('nginx-cache-enospc/bad.strace: every call an X slice; the ENOSPC pwritev at line 32 is a failed slice; strace -p without -f goes under the attached pid', async () => {
    const { doc, kinds, summary } = await exportFiles([S('nginx-cache-enospc/bad.strace')]);
    valid(doc);
    const xs = ph(doc, 'X');
    // 38 syscall lines after "strace: Process 3904 attached".
    expect(kinds.syscall).toBe(38);
    expect(xs).toHaveLength(38);
    const enospc = xs.filter((e) => e.args?.errno === 'ENOSPC');
    expect(enospc).toHaveLength(1);
    expect(enospc[0]).toMatchObject({ name: 'pwritev', cat: 'syscall,file,error', cname: 'terrible', pid: 3904, tid: 3904, args: { line: 32, result: '-1', errnoMessage: 'No space left on device' } });
    expect(new Set(xs.map((e) => e.pid))).toEqual(new Set([3904]));
    expect(meta(doc, 'process_name').map((e) => [e.pid, e.args!.name])).toEqual([[3904, 'pid 3904']]);
    // No timestamps: one event per µs, in log order.
    expect(xs.map((e) => e.ts)).toEqual(xs.map((_, i) => i + 1));
    expect(ph(doc, 'i')).toMatchObject([{ name: 'attached', ts: 0, s: 't', pid: 3904 }]);
    expect(doc.otherData.timeBase).toMatch(/^no timestamps/);
    expect(doc.displayTimeUnit).toBe('ms');
    expect(summary).toMatchObject({ untimed: 39, shifted: 0, slices: 38, instants: 1, processes: 1 });
  });

  it('strace-flags/ff/ (an -ff set, no timestamps): one process per file, forked children run python3 until 24122 execs sleep', async () => {
    const { doc, kinds } = await exportFiles([S('strace-flags/ff/')]);
    valid(doc);
    expect(ph(doc, 'X')).toHaveLength(kinds.syscall!);
    expect(Object.fromEntries(meta(doc, 'process_name').map((e) => [e.pid, e.args!.name]))).toEqual({ 24119: 'python3', 24120: 'python3', 24121: 'python3', 24122: 'sleep' });
    const perPid = (pid: number) => ph(doc, 'X').filter((e) => e.pid === pid).length;
    // Each file's lines less its --- signal --- and +++ exit +++ lines (111 - 2 in trace.24122): the pid comes from the file name.
    expect([24120, 24121, 24122].map(perPid)).toEqual([3, 3, 109]);
    const exits = ph(doc, 'i').filter((e) => e.cat === 'process,exit');
    expect(exits.map((e) => [e.pid, e.name])).toEqual(expect.arrayContaining([[24120, 'exited with 3']]));
  });

  it('corpus Stana/stardict_T.out (-f -tt -T, 429 unfinished/resumed pairs): clone(CLONE_THREAD) threads under their process, slices nest', async () => {
    const { doc, kinds, summary } = await exportFiles([join(CORPUS, 'strace/Stana/stardict_T.out')]);
    const c = valid(doc);
    expect(ph(doc, 'X')).toHaveLength(kinds.syscall!);
    expect(kinds.syscall).toBe(11780);
    // Line 1: 18047 execve("/usr/bin/stardict") at 01:12:12.509358: ts 0.
    expect(doc.otherData).toMatchObject({ start: '4332.509358', firstTimestamp: '01:12:12.509358 (stardict_T.out line 1)' });
    expect(ph(doc, 'X')[0]).toMatchObject({ name: 'execve', ts: 0, dur: 163, pid: 18047 });
    // `grep CLONE_THREAD`: 18047's clones at lines 4045, 4335, 8123, 8132, 8274, 11479 return 18050, 18051, 18072, 18073, 18074, 18078;
    // the other 19 pids are forks (most exec).
    const threads = meta(doc, 'thread_name').filter((e) => e.pid === 18047).map((e) => e.tid).sort();
    expect(threads).toEqual([18047, 18050, 18051, 18072, 18073, 18074, 18078]);
    expect(summary.processes).toBe(20);
    expect(c.tracks).toBe(26);
    const joined = ph(doc, 'X').filter((e) => e.args?.resumedLine !== undefined);
    expect(joined).toHaveLength(429);
    expect(meta(doc, 'process_name').find((e) => e.pid === 18047)!.args!.name).toBe('stardict');
  });

  it('every strace log of the shared corpus exports to a valid trace with one X slice per call', async () => {
    const files = straceFiles(join(CORPUS, 'strace'));
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      const { doc, kinds } = await exportFiles([f]);
      expect(checkChromeTrace(doc).errors, f).toEqual([]);
      expect(ph(doc, 'X').length, f).toBe(kinds.syscall ?? 0);
      expect((doc.otherData.skippedUnparsed as number) + (doc.otherData.skippedSummary as number), f).toBe((kinds.unparsed ?? 0) + (kinds.summary ?? 0));
    }
  });

  it('-f to stderr: unprefixed lines go on a pid-less track; the pid that shows up first without an announcement runs the same program', async () => {
    const { doc } = await exportFiles([S('strace-flags/f-stderr.strace')]);
    const opened = await openTraces([S('strace-flags/f-stderr.strace')]);
    let unprefixed = 0;
    for await (const b of opened.events) unprefixed += b.filter((e) => e.kind === 'syscall' && e.pid === undefined).length;
    valid(doc);
    const names = Object.fromEntries(meta(doc, 'process_name').map((e) => [e.pid, e.args!.name]));
    expect(names[SYNTHETIC_IDS.pidless]).toBe('sh (no pid in the log)');
    expect(names[24129]).toBe('sh');
    expect(names[24131]).toBe('grep');
    // Lines 1-64 (execve("/usr/bin/sh") … clone), and again whenever sh is the only process left (from line 248 on),
    // including 4 `<... wait4 resumed>` halves whose `[pid 24129]` starts the reader leaves unjoined.
    expect(unprefixed).toBe(83);
    expect(ph(doc, 'X').filter((e) => e.pid === SYNTHETIC_IDS.pidless)).toHaveLength(83);
  });
});

describe('chrome-trace: captures', () => {
  it('syn-dropped/bad.pcap: one connection track, 4 SYNs, the last 3 labelled retransmissions, ts in µs from the first packet', async () => {
    const { doc, summary } = await exportFiles([S('captures/syn-dropped/bad.pcap')]);
    valid(doc);
    const tracks = meta(doc, 'thread_name').filter((e) => e.pid === NET);
    expect(tracks.map((e) => e.args!.name)).toEqual(['tcp 127.0.0.1:38412 → 127.0.0.1:18182']);
    expect(meta(doc, 'process_name')).toMatchObject([{ pid: NET, args: { name: 'network' } }]);
    const pkts = ph(doc, 'i');
    expect(pkts.map((e) => e.name)).toEqual(['→ S', '→ S (retransmission)', '→ S (retransmission)', '→ S (retransmission)']);
    expect(pkts.filter((e) => /\(retransmission\)/.test(e.name))).toHaveLength(3);
    expect(pkts.every((e) => e.pid === NET && e.tid === tracks[0]!.tid && e.s === 't')).toBe(true);
    // tcpdump -tt: .691426, 662.696495, 664.712573, 668.776550.
    expect(pkts.map((e) => e.ts)).toEqual([0, 1005069, 3021147, 7085124]);
    expect(pkts[1]).toMatchObject({ cname: 'bad', cat: 'packet,tcp,tcp-analysis', args: { flags: 'S', seq: 1185353138, retransmitOf: 1, intervalSeconds: 1.005069, packet: 2 } });
    expect(doc.otherData).toMatchObject({ start: '1795258661.691426', startUtc: '2026-11-21T10:57:41.691Z', networkPid: NET, connections: 1 });
    expect(summary.packets).toBe(4);
  });

  it('syn-dropped/bad-ns.pcap: nanosecond timestamps keep every digit (three decimals of µs)', async () => {
    const { doc } = await exportFiles([S('captures/syn-dropped/bad-ns.pcap')]);
    valid(doc);
    // tcpdump --nano -tt: 1795258661.691427589, 1795258662.696498244.
    expect(ph(doc, 'i').slice(0, 2).map((e) => e.ts)).toEqual([0, 1005070.655]);
  });

  it('incident 002 (ephemeral ports): a reused source port starts a new track', async () => {
    const { doc } = await exportFiles([S('incidents/002-ephemeral-ports/bad.pcap')]);
    valid(doc);
    const names = meta(doc, 'thread_name').filter((e) => e.pid === NET).map((e) => e.args!.name as string);
    // findings: 16 short connections to port 18190, 8 of them on a source port an earlier one had.
    expect(names.filter((n) => n.includes(':18190'))).toHaveLength(16);
    expect(names.filter((n) => n.endsWith('(port numbers reused)'))).toHaveLength(8);
    expect(new Set(names.map((n) => n.replace(' (port numbers reused)', ''))).size).toBe(8);
  });

  it('udp-port-unreachable/bad.pcap: the datagram and the ICMP error that quotes it share one track', async () => {
    const { doc } = await exportFiles([S('captures/udp-port-unreachable/bad.pcap')]);
    valid(doc);
    expect(meta(doc, 'thread_name').map((e) => e.args!.name)).toEqual(['udp 127.0.0.1:37208 → 127.0.0.1:18184']);
    expect(ph(doc, 'i').map((e) => e.name)).toEqual(['UDP, length 7', 'ICMP 127.0.0.1 udp port 18184 unreachable, length 43']);
  });
});

describe('chrome-trace: parse --format chrome-trace with a strace log and its capture', () => {
  it('syn-dropped: curl\'s connect links to its 4 SYNs by flow arrows; calls and packets on one time axis', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tracediff-ct-')), 'trace.json');
    const code = await parseCommand({ traces: [S('captures/syn-dropped/bad-client.strace'), S('captures/syn-dropped/bad.pcap')], format: 'chrome-trace', out, envelope: false, stats: false });
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Doc;
    valid(doc);
    const { kinds } = await exportFiles([S('captures/syn-dropped/bad-client.strace')]);
    expect(ph(doc, 'X')).toHaveLength(kinds.syscall!);
    const connect = ph(doc, 'X').filter((e) => e.name === 'connect' && e.args?.flow !== undefined);
    // Line 466: connect(5, 127.0.0.1:18182) = -1 EINPROGRESS, 10:57:41.690975; the first SYN 451 µs later.
    expect(connect).toMatchObject([{ pid: 26913, ts: 63161, dur: 145, cat: 'syscall,net,error', args: { line: 466, errno: 'EINPROGRESS', flow: 'tcp:127.0.0.1.38412>127.0.0.1.18182#1' } }]);
    expect(connect[0]!.cname).toBeUndefined();
    const starts = ph(doc, 's'), ends = ph(doc, 'f');
    expect(starts).toHaveLength(4);
    expect(ends).toHaveLength(4);
    expect(starts.every((e) => e.pid === 26913 && e.ts === 63161 && e.name === 'handshake')).toBe(true);
    const pkts = ph(doc, 'i').filter((e) => e.pid === NET);
    expect(ends.map((e) => [e.ts, e.tid, e.bp])).toEqual(pkts.map((p) => [p.ts, p.tid, 'e']));
    expect(new Set(ends.map((e) => e.id))).toEqual(new Set(starts.map((e) => e.id)));
    expect(pkts[0]!.ts - 63161).toBe(451);
    expect(pkts.every((p) => p.args?.flow === 'tcp:127.0.0.1.38412>127.0.0.1.18182#1')).toBe(true);
    expect(doc.otherData).toMatchObject({ flows: 4, flowsUnmatched: 0, flowsBackwards: 0, firstTimestamp: '10:57:41.627814 (bad-client.strace line 1)' });
    expect(meta(doc, 'process_name').find((e) => e.pid === 26913)!.args!.name).toBe('curl');
  });
});

describe('chrome-trace: writer rules on constructed events', () => {
  const F = 'x.strace';
  const call = (line: number, pid: number, timeText: string, durationText: string | undefined, extra: Partial<TraceEvent> = {}): TraceEvent => ({
    kind: 'syscall', file: F, line, pid, name: 'read', argsText: '3, "", 10', result: '0', time: Number(timeText), timeText,
    ...(durationText !== undefined ? { durationText, duration: Number(durationText) } : {}), ...extra,
  } as TraceEvent);

  it('overlapping slices of one thread: the later one starts where the earlier ends (end kept); contained ones stay nested', () => {
    const { doc, summary } = exportEvents([
      call(1, 10, '100.000000', '0.000010'),
      call(2, 10, '100.000008', '0.000010'), // overlaps the first by 2 µs
      call(3, 10, '100.000030', '0.000100'),
      call(4, 10, '100.000040', '0.000010'), // inside the third
      call(5, 11, '100.000001', '0.000500'), // another thread: untouched
    ]);
    valid(doc);
    expect(ph(doc, 'X').map((e) => [e.tid, e.ts, e.dur, e.args?.shiftedUs])).toEqual([
      [10, 0, 10, undefined], [10, 10, 8, 2], [10, 30, 100, undefined], [10, 40, 10, undefined], [11, 1, 500, undefined],
    ]);
    expect(summary.shifted).toBe(1);
  });

  it('an overlap the writer did not fix is what the check reports', () => {
    const doc = { traceEvents: [
      { name: 'a', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1 },
      { name: 'b', ph: 'X', ts: 8, dur: 10, pid: 1, tid: 1 },
    ] };
    expect(checkChromeTrace(doc).errors).toEqual(['event 1: on pid/tid 1/1, [8, 18] µs overlaps event 0 [0, 10] µs without nesting']);
  });

  it('a start earlier than the thread\'s previous one is moved up to it', () => {
    const { doc, summary } = exportEvents([call(1, 11, '100.000000', '0.000001'), call(2, 10, '100.000050', '0.000010'), call(3, 10, '100.000020', '0.000005')]);
    valid(doc);
    // Line 3 would end (at 25) before line 2 began: it becomes an instant-long slice at line 2's start.
    expect(ph(doc, 'X').map((e) => [e.tid, e.ts, e.dur])).toEqual([[11, 0, 1], [10, 50, 10], [10, 50, 0]]);
    expect(summary.shifted).toBe(1);
  });

  it('threads by clone(CLONE_THREAD), programs by exec, forked children inherit; a thread seen before its clone keeps its own process', () => {
    const { doc } = exportEvents([
      call(1, 100, '1.0', undefined, { name: 'execve', argsText: '"/usr/sbin/nginx", ["nginx"], 0x7ffd /* 3 vars */' }),
      call(2, 100, '1.1', undefined, { name: 'clone3', argsText: '{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0} => {parent_tid=[101]}, 88', result: '101' }),
      call(3, 101, '1.2', undefined),
      call(4, 102, '1.3', undefined),
      call(5, 100, '1.4', undefined, { name: 'clone', argsText: 'child_stack=NULL, flags=CLONE_THREAD|CLONE_VM', result: '102' }),
      call(6, 100, '1.5', undefined, { name: 'clone', argsText: 'child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD', result: '103' }),
      call(7, 103, '1.6', undefined),
      call(8, 104, '1.7', undefined, { name: 'execve', argsText: '"/bin/missing", ["missing"], 0x7ffd /* 3 vars */', result: '-1', errno: 'ENOENT' } as Partial<TraceEvent>),
      { kind: 'syscall', file: F, line: 9, pid: 105, comm: 'worker', name: 'read', argsText: '0', result: '0', time: 1.8, timeText: '1.800000' },
    ]);
    valid(doc);
    expect(Object.fromEntries(ph(doc, 'X').map((e) => [e.args!.line, e.pid]))).toEqual({ 1: 100, 2: 100, 3: 100, 4: 102, 5: 100, 6: 100, 7: 103, 8: 104, 9: 105 });
    expect(Object.fromEntries(meta(doc, 'process_name').map((e) => [e.pid, e.args!.name]))).toEqual({ 100: 'nginx', 102: 'pid 102', 103: 'nginx', 104: 'pid 104', 105: 'worker' });
    expect(meta(doc, 'thread_name').map((e) => [e.pid, e.tid, e.args!.name])).toContainEqual([100, 101, 'nginx']);
  });

  it('time: ts 0 is the first timed event; leading untimed lines come before it; a timestamp-less line among timed ones sits at the previous time', () => {
    const { doc } = exportEvents([
      { kind: 'message', file: F, line: 1, text: 'strace: [ Process PID=7 runs in 32 bit mode. ]' },
      call(2, 7, '1795253099.693373394', '0.000001500'),
      { kind: 'unparsed', file: F, line: 3, text: 'garbage', reason: 'no rule' },
      { kind: 'signal', file: F, line: 4, pid: 7, signal: 'SIGCHLD', infoText: '{si_signo=SIGCHLD}' },
      call(5, 7, '1795253099.693874061', undefined),
      { kind: 'summary', file: F, line: 6, syscall: 'read', columns: {} },
    ]);
    valid(doc);
    // The message took the first µs; the first call lands after it, to the nanosecond.
    expect(ph(doc, 'i').map((e) => [e.name, e.ts])).toEqual([['strace: [ Process PID=7 runs in 32 bit mode. ]', 0], ['SIGCHLD', 1]]);
    expect(ph(doc, 'X').map((e) => [e.ts, e.dur])).toEqual([[1, 1.5], [501.667, 0]]);
    expect(doc.otherData).toMatchObject({ start: '1795253099.693372394', skippedUnparsed: 1, skippedSummary: 1, untimed: 2 });
  });

  it('links: an arrow from whichever end comes first, bound to both events\' slices; an end that never comes is counted', () => {
    const w = new ChromeTraceWriter({ links: () => [
      { at: { file: F, line: 2 }, packets: [{ file: 'c.pcap', packet: 1 }, { file: 'c.pcap', packet: 9 }], kind: 'data' },
    ] });
    let text = w.header();
    const pkt = (packet: number, time: number): TraceEvent => ({ kind: 'packet', file: 'c.pcap', packet, time, proto: 'tcp', src: '10.0.0.1.40000', dst: '10.0.0.2.80', flags: 'P.', len: 5, seq: 1, ack: 1, win: 10 });
    text += w.add(pkt(1, 100));
    text += w.add(call(2, 5, '100.000100', '0.000010'));
    text += w.finish();
    const doc = JSON.parse(text) as Doc;
    valid(doc);
    // Packet 1 comes first: its arrow to the call starts there. The call starts the arrow to packet 9, which never comes.
    expect(ph(doc, 's')).toMatchObject([{ ts: 0, pid: NET, name: 'data', id: 1 }, { ts: 100, pid: 5, name: 'data', id: 2 }]);
    expect(ph(doc, 'f')).toMatchObject([{ ts: 100, pid: 5, tid: 5, bp: 'e', name: 'data', id: 1 }]);
    expect(doc.otherData).toMatchObject({ flows: 1, flowsUnmatched: 1 });
  });
});

describe('chrome-trace-check', () => {
  const base = { name: 'a', ph: 'X', ts: 0, dur: 1, pid: 1, tid: 1 };
  const errorsOf = (...evs: object[]) => checkChromeTrace({ traceEvents: evs, displayTimeUnit: 'ms' }).errors;

  it('finds each kind of malformed event', () => {
    expect(errorsOf({ ...base, ph: 'Q' })).toEqual(['event 0 (Q "a"): ph "Q" is not a phase of the format']);
    expect(errorsOf({ ...base, dur: -1 })).toEqual(['event 0 (X "a"): dur -1 is not a finite number >= 0']);
    expect(errorsOf({ ...base, pid: -1 })).toEqual(['event 0 (X "a"): pid -1 is not an integer in 0..2^32-1']);
    expect(errorsOf({ ...base, ts: '5' })).toEqual(['event 0 (X "a"): ts "5" is not a finite number >= 0']);
    expect(errorsOf({ ...base, cname: 'red' })).toEqual(['event 0 (X "a"): cname "red" is not a reserved colour name']);
    expect(errorsOf({ ...base, ph: 'i', s: 'x' })).toEqual(['event 0 (i "a"): scope s "x" is not g, p or t']);
    expect(errorsOf({ name: 'thread_name', ph: 'M', pid: 1, tid: 1, args: {} })).toEqual(['event 0 (M "thread_name"): args.name is missing or not a string']);
    expect(errorsOf({ name: 'x', ph: 'f', bp: 'e', id: 3, ts: 0, pid: 1, tid: 1 }, base)).toEqual(['event 0: flow f with id "3" has no earlier start']);
    expect(errorsOf({ ...base }, { ...base, ts: 5, tid: 1, pid: 2 })).toEqual(['event 1 (X "a"): tid 1 appears under pid 1 and pid 2 (viewers keep one thread per tid)']);
    expect(errorsOf({ name: 'x', ph: 's', id: 1, ts: 5, pid: 1, tid: 1 }, base)).toEqual(['event 0: flow s at 5 µs on pid/tid 1/1 has no slice to bind to']);
    expect(checkChromeTrace({ traceEvents: [], displayTimeUnit: 'us' }).errors).toEqual(['displayTimeUnit "us" is not "ms" or "ns"']);
    expect(checkChromeTrace({ events: [] }).errors).toHaveLength(1);
  });

  it('touching and nested slices are fine, as are instants inside slices', () => {
    expect(errorsOf(base, { ...base, ts: 1 }, { ...base, ts: 0.25, dur: 0.5 }, { ...base, ph: 'i', s: 't', ts: 0.5 })).toEqual([]);
  });
});
