/**
 * One timeline from several sources of one run (src/timeline, docs/timeline.md):
 * a strace log and a capture of the same curl, tcpdump text and its capture,
 * the corpus's strace + pcap pair, --clock-offset, relative sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PacketEvent, SyscallEvent, TraceEvent } from '../src/model/events.js';
import { InputError, openTraces, type OpenOptions } from '../src/readers/open.js';
import { classifyClock, parseClockOffsets, placeMidnight } from '../src/timeline/clock.js';
import { timelineTime } from '../src/timeline/timeline.js';
import { REPO } from './helpers/corpus.js';

const SYN = 'samples/captures/syn-dropped';
const NET = '../shared/corpus/generated-local/net';
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-timeline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function read(paths: string[], opts: OpenOptions = {}) {
  const opened = await openTraces(paths.map((p) => (p.startsWith('/') ? p : join(REPO, p))), { envelope: true, ...opts });
  const events: TraceEvent[] = [];
  for await (const b of opened.events) events.push(...b);
  return { opened, events };
}

const at = (ev: TraceEvent) => timelineTime(ev)!;
const isSyn = (e: TraceEvent): e is PacketEvent => e.kind === 'packet' && e.flags === 'S';
const isSys = (name: string) => (e: TraceEvent): e is SyscallEvent => e.kind === 'syscall' && e.name === name;

function expectOrdered(events: TraceEvent[]) {
  const times = events.filter((e) => timelineTime(e) !== undefined).map(at);
  for (let i = 1; i < times.length; i++) if (times[i]! < times[i - 1]!) throw new Error(`out of order at ${i}: ${times[i - 1]} then ${times[i]}`);
}

/** A copy of a strace -tt log with every HH:MM:SS moved by `seconds` (a host in another time zone). */
function shiftedStrace(src: string, seconds: number, name: string): string {
  const text = readFileSync(join(REPO, src), 'utf8').replace(/^(\d+ )(\d\d):(\d\d):(\d\d)\./gm, (_m, pid: string, h: string, mi: string, s: string) => {
    const t = (Number(h) * 3600 + Number(mi) * 60 + Number(s) + seconds + 86400) % 86400;
    const p = (n: number) => String(n).padStart(2, '0');
    return `${pid}${p(Math.floor(t / 3600))}:${p(Math.floor(t / 60) % 60)}:${p(t % 60)}.`;
  });
  const out = join(tmp, name);
  writeFileSync(out, text);
  return out;
}

describe('clock classification and placement', () => {
  it('classifies by format and first stamp', () => {
    expect(classifyClock('pcap', { kind: 'packet', file: 'x', proto: 'tcp', time: 1, timeText: '1.000000' })).toBe('epoch');
    expect(classifyClock('strace', { kind: 'message', file: 'x', text: '', time: 39461.6, timeText: '10:57:41.6' })).toBe('midnight');
    expect(classifyClock('strace', { kind: 'message', file: 'x', text: '', time: 1795253099.47, timeText: '1795253099.470245' })).toBe('epoch');
    expect(classifyClock('strace', { kind: 'message', file: 'x', text: '', time: 0 })).toBe('relative');
    expect(classifyClock('tcpdump', { kind: 'packet', file: 'x', proto: 'tcp', time: 0, timeText: '00:00:00.000000' }, 'delta')).toBe('relative');
    expect(classifyClock('tcpdump', { kind: 'packet', file: 'x', proto: 'tcp', time: 1, timeText: '2026-11-21 09:08:12.215936' }, 'absolute')).toBe('epoch');
    expect(classifyClock('strace', undefined)).toBe('none');
  });

  it('placeMidnight picks a 15-minute offset within 14 h and the UTC day', () => {
    const day = 1795219200; // 2026-11-21 00:00 UTC
    expect(placeMidnight(39461.62, day + 39461.69)).toEqual({ day, offset: 0 });
    expect(placeMidnight(39461.62 + 7200, day + 39461.69)).toEqual({ day, offset: -7200 });
    // local 01:00 on the next day at UTC-5 (06:00 UTC).
    expect(placeMidnight(3600, day + 6 * 3600)).toEqual({ day, offset: 5 * 3600 });
    // local 23:30 at UTC+3 is 20:30 UTC the same day.
    expect(placeMidnight(23.5 * 3600, day + 20.5 * 3600)).toEqual({ day, offset: -3 * 3600 });
    // local 00:30 at UTC+5:45 is 18:45 UTC of the day before.
    expect(placeMidnight(1800, day + 18.75 * 3600 - 86400)).toEqual({ day, offset: -(5 * 3600 + 45 * 60) });
  });

  it('parses --clock-offset FILE=SECONDS and refuses anything else', () => {
    expect([...parseClockOffsets(['a.pcap=-3600', 'b=c.strace=2.5', 'd=+1'])]).toEqual([['a.pcap', -3600], ['b=c.strace', 2.5], ['d', 1]]);
    for (const bad of ['a.pcap', '=5', 'a=', 'a=1h', 'a=NaN']) expect(() => parseClockOffsets([bad])).toThrow(/FILE=SECONDS/);
  });
});

describe('strace -tt log + capture of the same curl (syn-dropped, TZ=UTC)', () => {
  it('interleaves connect, the SYNs and the polls; the strace offset is detected as 0', async () => {
    const { opened, events } = await read([`${SYN}/bad-client.strace`, `${SYN}/bad.pcap`]);
    const strace = opened.clocks.get(join(REPO, SYN, 'bad-client.strace'))!;
    const pcap = opened.clocks.get(join(REPO, SYN, 'bad.pcap'))!;
    expect(strace).toMatchObject({ kind: 'midnight', offset: 0, day: 1795219200, source: 'detected', axis: 'epoch', firstText: '10:57:41.627814' });
    expect(pcap).toMatchObject({ kind: 'epoch', offset: 0, shift: 0, source: 'none', axis: 'epoch' });
    expectOrdered(events);

    const connect = events.findIndex((e) => isSys('connect')(e) && e.errno === 'EINPROGRESS');
    const syns = events.flatMap((e, i) => (isSyn(e) ? [i] : []));
    expect(connect).toBeGreaterThan(-1);
    expect(syns.length).toBe(4);
    expect(connect).toBeLessThan(syns[0]!);
    // Between consecutive SYN retransmissions curl keeps polling its socket.
    for (let k = 1; k < syns.length; k++) {
      const between = events.slice(syns[k - 1]! + 1, syns[k]!).filter(isSys('poll'));
      expect(between.length).toBeGreaterThan(0);
    }
    // A poll also comes after the last SYN (curl gives up at --connect-timeout 8).
    expect(events.slice(syns.at(-1)! + 1).some(isSys('poll'))).toBe(true);

    // The contract fields are untouched: `time`/`timeText` as printed, `at` only on the moved source.
    const c = events[connect] as SyscallEvent & { at?: number };
    expect(c.timeText).toBe('10:57:41.690975');
    expect(c.time).toBeCloseTo(39461.690975, 6);
    expect(c.at).toBeCloseTo(1795219200 + 39461.690975, 5);
    expect(events.filter((e) => e.kind === 'packet').every((e) => !('at' in e))).toBe(true);
  });

  it('a log written on a UTC+2 host is detected with offset -7200 and lands on the same places', async () => {
    const moved = shiftedStrace(`${SYN}/bad-client.strace`, 7200, 'bad-client-utc+2.strace');
    const { opened, events } = await read([moved, `${SYN}/bad.pcap`]);
    expect(opened.clocks.get(moved)).toMatchObject({ kind: 'midnight', offset: -7200, day: 1795219200, firstText: '12:57:41.627814' });
    const { events: utc } = await read([`${SYN}/bad-client.strace`, `${SYN}/bad.pcap`]);
    const shape = (evs: TraceEvent[]) => evs.map((e) => `${e.kind === 'packet' ? 'P' : 'S'}${e.line ?? e.packet}`);
    expect(shape(events)).toEqual(shape(utc));
    expectOrdered(events);
  });

  it('--clock-offset overrides the detection (and shifts a capture)', async () => {
    const file = join(REPO, SYN, 'bad-client.strace');
    const pcapFile = join(REPO, SYN, 'bad.pcap');
    // Claim the strace host ran 10 s behind: every syscall moves 10 s later, after the first SYNs.
    const { opened, events } = await read([file, pcapFile], { clockOffsets: new Map([[file, 10]]) });
    expect(opened.clocks.get(file)).toMatchObject({ offset: 10, source: 'given', day: 1795219200 });
    expectOrdered(events);
    const connect = events.findIndex((e) => isSys('connect')(e) && e.errno === 'EINPROGRESS');
    expect(events.slice(0, connect).filter(isSyn).length).toBe(4);
    // Shifting the capture instead: at is set on packets, time is not touched.
    const { opened: o2, events: e2 } = await read([file, pcapFile], { clockOffsets: new Map([[pcapFile, -3600]]) });
    expect(o2.clocks.get(pcapFile)).toMatchObject({ kind: 'epoch', offset: -3600, shift: -3600, source: 'given' });
    const p1 = e2.find(isSyn)! as PacketEvent & { at?: number };
    expect(p1.timeText).toBe('1795258661.691426');
    expect(p1.at).toBeCloseTo(1795258661.691426 - 3600, 5);
    expectOrdered(e2);
    // A name that is none of the inputs is refused.
    await expect(read([file], { clockOffsets: new Map([['nope.pcap', 1]]) })).rejects.toBeInstanceOf(InputError);
  });
});

describe('tcpdump default-time text + its capture', () => {
  it('the HH:MM:SS text is placed on the capture epoch axis, packet by packet', async () => {
    const { opened, events } = await read([`${SYN}/bad.txt`, `${SYN}/bad.pcap`]);
    expect(opened.clocks.get(join(REPO, SYN, 'bad.txt'))).toMatchObject({ kind: 'midnight', offset: 0, axis: 'epoch', source: 'detected' });
    expectOrdered(events);
    const txt = events.filter((e) => e.file.endsWith('bad.txt'));
    const pcap = events.filter((e) => e.file.endsWith('bad.pcap'));
    expect(txt.length).toBe(pcap.length);
    for (let i = 0; i < txt.length; i++) expect(at(txt[i]!)).toBeCloseTo(pcap[i]!.time!, 5);
    // Equal times: the order given decides (text first, as it was named first).
    expect(events.map((e) => (e.file.endsWith('.txt') ? 't' : 'p')).join('')).toBe('tp'.repeat(txt.length));
  });
});

describe('corpus: strace -f -tt -T -yy and tcp-udp-lo.pcap of one workload (UTC)', () => {
  it('merges on one axis with offset 0; each connect to :9 precedes its SYN', async () => {
    const { opened, events } = await read([`${NET}/strace-f-tt-T-yy.txt`, `${NET}/tcp-udp-lo.pcap`]);
    expect(opened.clocks.get(join(REPO, NET, 'strace-f-tt-T-yy.txt'))).toMatchObject({ kind: 'midnight', offset: 0, day: 1795219200 });
    expectOrdered(events);
    expect(events.filter((e) => e.kind === 'packet').length).toBe(52);
    const firstSyn9 = events.findIndex((e) => isSyn(e) && e.dst === '127.0.0.1.9');
    const connect9 = events.findIndex((e) => isSys('connect')(e) && /sin_port=htons\(9\)/.test(e.argsText));
    expect(connect9).toBeGreaterThan(-1);
    expect(connect9).toBeLessThan(firstSyn9);
    expect(at(events[firstSyn9]!) - at(events[connect9]!)).toBeLessThan(0.01);
    // The first packet follows a syscall of the script, not the head of the file.
    const firstPacket = events.findIndex((e) => e.kind === 'packet');
    expect(firstPacket).toBeGreaterThan(100);
    expect(isSys('connect')(events[firstPacket - 1]!)).toBe(true);
  });
});

describe('relative and untimed sources follow the timed ones', () => {
  it('strace -r after a -tt log and a capture, in the order given', async () => {
    const r = join(REPO, 'samples/strace-flags/r.strace');
    const { opened, events } = await read(['samples/strace-flags/r.strace', `${SYN}/bad-client.strace`, `${SYN}/bad.pcap`]);
    expect(opened.clocks.get(r)).toMatchObject({ kind: 'relative', axis: 'own', shift: 0 });
    const firstR = events.findIndex((e) => e.file === r);
    expect(events.slice(firstR).every((e) => e.file === r)).toBe(true);
    expect(events.slice(0, firstR).length).toBeGreaterThan(500);
    expect(events.slice(firstR).every((e) => !('at' in e))).toBe(true);
    await expect(read(['samples/strace-flags/r.strace'], { clockOffsets: new Map([[r, 5]]) })).rejects.toThrow(/relative timestamps/);
  });
});

describe('-ff sets are merged as before', () => {
  it('an epoch -ff directory: all epoch, nothing moved, no `at`', async () => {
    const { opened, events } = await read(['../shared/corpus/generated-local/strace-ff']);
    expect([...opened.clocks.values()].every((c) => c.kind === 'epoch' && c.shift === 0)).toBe(true);
    expect(events.some((e) => 'at' in e)).toBe(false);
    expectOrdered(events);
  });
});

describe('command line', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'dist/src/cli/main.js'), ...args], { cwd: REPO, encoding: 'utf8' });

  it('parse FILE FILE --clock-offset FILE=SECONDS', () => {
    const r = cli(['parse', '--envelope', `${SYN}/bad-client.strace`, `${SYN}/bad.pcap`, '--clock-offset', `${SYN}/bad-client.strace=10`]);
    expect(r.status).toBe(0);
    const evs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TraceEvent & { at?: number });
    const connect = evs.findIndex((e) => isSys('connect')(e) && e.errno === 'EINPROGRESS');
    expect(evs.slice(0, connect).filter(isSyn).length).toBe(4);
    expect(cli(['parse', `${SYN}/bad.pcap`, '--clock-offset', 'bad.pcap']).stderr).toMatch(/FILE=SECONDS/);
  });

  it('diff takes a comma-separated side; a name with a comma that exists is literal', () => {
    const same = cli([`${SYN}/bad-client.strace`, `${SYN}/bad-client.strace`, '--format', 'json']);
    expect(same.status).toBe(0);
    const listed = cli([`${SYN}/good-client.strace,${SYN}/bad-client.strace`, `${SYN}/bad-client.strace`, '--format', 'json']);
    expect(listed.status).not.toBe(2);
    const report = JSON.parse(listed.stdout) as { good: { files: string[] } };
    expect(report.good.files).toEqual([`${SYN}/good-client.strace`, `${SYN}/bad-client.strace`]);
    const comma = join(tmp, 'a,b.strace');
    writeFileSync(comma, readFileSync(join(REPO, SYN, 'bad-client.strace')));
    const literal = cli([comma, `${SYN}/bad-client.strace`, '--format', 'json']);
    expect(literal.status).toBe(0);
    expect((JSON.parse(literal.stdout) as { good: { files: string[] } }).good.files).toEqual([comma]);
  });
});
