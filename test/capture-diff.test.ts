/**
 * Diffs of captures on the pairs recorded here (samples/captures/*, each
 * with the record.sh that made it and a README saying what the answer must
 * be). For every pair the answer is asserted from the classic pcap and then
 * required to be the same packet from every other recording of the same
 * run: nanosecond pcap, pcapng, `-i any` (LINUX_SLL2), and the tcpdump text
 * variants (default, -v, -S, --nano, -e). "The same packet" is checked by
 * its time of day (to 10 µs: the `-i any` socket stamps packets 1-3 µs
 * apart from the lo capture) and its flags, since line numbers differ.
 */
import { join } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffTraces } from '../src/diff/diff-traces.js';
import { diffSides } from '../src/diff/differ.js';
import { PacketNormalizer } from '../src/diff/normalize-packet.js';
import { Interner, SideBuilder } from '../src/diff/side.js';
import type { PacketEvent, TraceEvent } from '../src/model/events.js';
import { openTraces } from '../src/readers/open.js';
import type { DiffReport, Located } from '../src/report/diff-report.js';
import { CORPUS, REPO } from './helpers/corpus.js';

const CAP = join(REPO, 'samples', 'captures');

async function readAll(path: string): Promise<TraceEvent[]> {
  const opened = await openTraces([path]);
  const out: TraceEvent[] = [];
  for await (const b of opened.events) out.push(...b);
  return out;
}

const cache = new Map<string, Promise<TraceEvent[]>>();
const eventsOf = (path: string) => {
  let p = cache.get(path);
  if (!p) cache.set(path, (p = readAll(path)));
  return p;
};

async function packetAt(loc: Located): Promise<PacketEvent> {
  const evs = await eventsOf(loc.file);
  const ev = evs.find((e) => (loc.packet !== undefined ? e.packet === loc.packet : e.line === loc.line));
  expect(ev?.kind).toBe('packet');
  return ev as PacketEvent;
}

async function diff(good: string, bad: string): Promise<DiffReport> {
  return (await diffTraces(good.split(','), bad.split(','), { version: 'test' })).report;
}

/** Seconds into the UTC day, so epoch (captures, -tttt text) and time-of-day (default text) compare. */
const dayTime = (ev: PacketEvent) => ((ev.time ?? NaN) % 86400 + 86400) % 86400;

const VARIANTS = ['.pcap', '-ns.pcap', '.pcapng', '-any.pcap', '-2if.pcapng', '.txt', '-v.txt', '-S.txt', '-ns.txt', '-any.txt', '-e.txt'];

interface Expect {
  flags?: string;
  proto?: string;
  packet: number;
}

const CASES: Array<{ dir: string; good?: string; bad?: string; kind: string; badAt: Expect; goodAt: Expect; summary: RegExp }> = [
  // Nothing listens: RST,ACK where good got SYN,ACK.
  { dir: 'http-ok-vs-refused', kind: 'result', badAt: { packet: 2, flags: 'R.' }, goodAt: { packet: 2, flags: 'S.' }, summary: /server sent a reset \(RST\) in bad where in good it sent a SYN-ACK \(connection refused/ },
  // The server resets after ACKing the request, where good sent 114 bytes.
  { dir: 'reset-after-request', kind: 'result', badAt: { packet: 6, flags: 'R.' }, goodAt: { packet: 6, flags: 'P.' }, summary: /reset \(RST\) in bad where in good it sent data \(reset instead of answered/ },
  // SYNs dropped by iptables: good's SYN-ACK never comes; bad's last packet is the last retried SYN.
  { dir: 'syn-dropped', kind: 'missing', badAt: { packet: 4, flags: 'S' }, goodAt: { packet: 2, flags: 'S.' }, summary: /the server goes on to send a SYN-ACK on the TCP connection to port 18182; in bad it never does after the client's SYN/ },
  { dir: 'syn-dropped', bad: 'bad-linear', kind: 'missing', badAt: { packet: 7, flags: 'S' }, goodAt: { packet: 2, flags: 'S.' }, summary: /SYN-ACK/ },
  { dir: 'syn-retries-lowered', kind: 'missing', badAt: { packet: 4, flags: 'S' }, goodAt: { packet: 2, flags: 'S.' }, summary: /SYN-ACK on the TCP connection to port 18187/ },
  // A datagram to a closed UDP port: ICMP port unreachable where good got a reply.
  { dir: 'udp-port-unreachable', kind: 'result', badAt: { packet: 2, proto: 'icmp' }, goodAt: { packet: 2, proto: 'udp' }, summary: /UDP flow to port 18184, the server sent an ICMP port unreachable in bad where in good it sent data/ },
  // The same response, 2 s after the ACK of the request.
  { dir: 'late-backend', kind: 'timing', badAt: { packet: 6, flags: 'P.' }, goodAt: { packet: 6, flags: 'P.' }, summary: /server's data came 2\.00\d s after the previous packet in bad and 0\.2\d\d ms in good/ },
  // Over a veth pair with ARP first (-i any, LINUX_SLL2): refused; the ARP packets are background.
  { dir: 'any-interface', kind: 'result', badAt: { packet: 4, flags: 'R.' }, goodAt: { packet: 4, flags: 'S.' }, summary: /connection refused/ },
];

describe('capture pairs recorded here: the first divergence is the packet the README names', () => {
  for (const c of CASES) {
    const g = join(CAP, c.dir, c.good ?? 'good');
    const b = join(CAP, c.dir, c.bad ?? 'bad');
    describe(`${c.dir} (${c.bad ?? 'bad'})`, () => {
      let ref: { bad: PacketEvent; good: PacketEvent } | undefined;
      it(`pcap: ${c.kind} at bad packet ${c.badAt.packet}, good packet ${c.goodAt.packet}`, async () => {
        const r = await diff(`${g}.pcap`, `${b}.pcap`);
        const d = r.divergence!;
        expect(d.kind).toBe(c.kind);
        expect(d.bad).toMatchObject({ file: `${b}.pcap`, packet: c.badAt.packet });
        expect(d.good).toMatchObject({ file: `${g}.pcap`, packet: c.goodAt.packet });
        expect(d.bad?.line).toBeUndefined();
        expect(d.summary).toMatch(c.summary);
        const bad = await packetAt(d.bad!);
        const good = await packetAt(d.good!);
        for (const [ev, want] of [[bad, c.badAt], [good, c.goodAt]] as const) {
          if (want.flags) expect(ev.flags).toBe(want.flags);
          if (want.proto) expect(ev.proto).toBe(want.proto);
        }
        // The quoted text is the packet as tcpdump prints it.
        expect(d.bad!.text).toMatch(c.badAt.flags ? new RegExp(`Flags \\[${c.badAt.flags.replace('.', '\\.')}\\]`) : /ICMP .*unreachable/);
        ref = { bad, good };
      });
      for (const v of VARIANTS.slice(1)) {
        if (!existsSync(`${g}${v}`) || !existsSync(`${b}${v}`)) continue;
        it(`${v}: the same packets`, async () => {
          const r = await diff(`${g}${v}`, `${b}${v}`);
          const d = r.divergence!;
          expect(d.kind).toBe(c.kind);
          const bad = await packetAt(d.bad!);
          const good = await packetAt(d.good!);
          expect(ref).toBeDefined();
          expect(Math.abs(dayTime(bad) - dayTime(ref!.bad))).toBeLessThan(1e-5);
          expect(Math.abs(dayTime(good) - dayTime(ref!.good))).toBeLessThan(1e-5);
          expect([bad.flags, bad.proto]).toEqual([ref!.bad.flags, ref!.bad.proto]);
          expect([good.flags, good.proto]).toEqual([ref!.good.flags, ref!.good.proto]);
          expect(d.summary).toMatch(c.summary);
        });
      }
      it('across formats: pcap against pcapng, tcpdump text against pcap', async () => {
        for (const [gv, bv] of [['.pcap', '.pcapng'], ['.txt', '.pcap'], ['.pcapng', '-S.txt']]) {
          const d = (await diff(`${g}${gv}`, `${b}${bv}`)).divergence!;
          expect(d.kind).toBe(c.kind);
          expect(Math.abs(dayTime(await packetAt(d.bad!)) - dayTime(ref!.bad))).toBeLessThan(1e-5);
        }
      });
    });
  }

  it('refused: what good does after the SYN-ACK is listed as missing after, deduplicated', async () => {
    const r = await diff(join(CAP, 'http-ok-vs-refused/good.pcap'), join(CAP, 'http-ok-vs-refused/bad.pcap'));
    expect(r.missingAfter.map((m) => [m.good.packet, m.count])).toEqual([[4, 1], [6, 2], [10, 1], [11, 1]]);
    expect(r.missingAfter[1]!.summary).toMatch(/^The server's data on the TCP connection to port 18181: 2 times in good/);
  });
});

describe('two good runs of the same request: no divergence in any format', () => {
  const R = join(CAP, 'good-twice');
  for (const v of VARIANTS) {
    if (!existsSync(`${R}/run1${v}`)) continue;
    it(v, async () => expect((await diff(`${R}/run1${v}`, `${R}/run2${v}`)).divergence).toBeNull());
  }
  it('two failures that differ only in the kernel\'s SYN backoff (syn-dropped bad vs bad-linear): nothing, not even timing', async () => {
    const d = join(CAP, 'syn-dropped');
    expect((await diff(`${d}/bad.pcap`, `${d}/bad-linear.pcap`)).divergence).toBeNull();
  });
  it('the same packets over LINUX_SLL2 with directions and over two Ethernet interfaces without (any-interface good.pcap vs good-2if.pcapng)', async () => {
    const d = join(CAP, 'any-interface');
    expect((await diff(`${d}/good.pcap`, `${d}/good-2if.pcapng`)).divergence).toBeNull();
  });
  it('across formats (pcap/pcapng/-i any/text in every combination the README lists)', async () => {
    for (const [a, b] of [['.pcap', '.pcapng'], ['-any.pcap', '.txt'], ['-v.txt', '-ns.pcap'], ['-S.txt', '-any.txt']]) {
      expect((await diff(`${R}/run1${a}`, `${R}/run2${b}`)).divergence).toBeNull();
    }
  });
});

describe('a side of one run: strace log and capture together', () => {
  it('refused: the RST (packet 2) comes before the strace\'s ECONNREFUSED, so it is the first divergence', async () => {
    const d = `${CAP}/http-ok-vs-refused`;
    const r = await diff(`${d}/good-client.strace,${d}/good.pcap`, `${d}/bad-client.strace,${d}/bad.pcap`);
    expect(r.divergence).toMatchObject({ kind: 'result', bad: { file: `${d}/bad.pcap`, packet: 2 } });
    expect(r.good.files).toEqual([`${d}/good-client.strace`, `${d}/good.pcap`]);
  });
  it('SYNs dropped: good\'s SYN-ACK is missing (packet 2); the strace alone diverges 15 s later at SO_ERROR ETIMEDOUT', async () => {
    const d = `${CAP}/syn-retries-lowered`;
    const both = await diff(`${d}/good-client.strace,${d}/good.pcap`, `${d}/bad-client.strace,${d}/bad.pcap`);
    expect(both.divergence).toMatchObject({ kind: 'missing', good: { packet: 2 }, bad: { packet: 4 } });
    const alone = await diff(`${d}/good-client.strace`, `${d}/bad-client.strace`);
    expect(alone.divergence).toMatchObject({ kind: 'result', bad: { line: 557 } });
    expect(alone.divergence!.bad!.text).toMatch(/SO_ERROR, \[ETIMEDOUT\]/);
  });
  it('two good runs: nothing', async () => {
    const d = `${CAP}/good-twice`;
    expect((await diff(`${d}/run1-client.strace,${d}/run1.pcap`, `${d}/run2-client.strace,${d}/run2.pcapng`)).divergence).toBeNull();
  });
});

/** Diff two event lists directly (the differ's own input), for noise made from a real capture. */
function diffEvents(good: TraceEvent[], bad: TraceEvent[]) {
  const strings = new Interner();
  const side = (evs: TraceEvent[]) => {
    const b = new SideBuilder(strings, [evs[0]!.file]);
    for (const e of evs) b.add(e);
    return b.finish();
  };
  return diffSides(side(good), side(bad), strings);
}

const renumber = (evs: TraceEvent[]) => evs.map((e, i) => ({ ...e, packet: i + 1 }) as TraceEvent);

describe('noise: what two good runs can differ in never counts', async () => {
  const run1 = await readAll(join(CAP, 'good-twice/run1.pcap'));
  const packets = run1 as PacketEvent[];

  it('every packet captured twice (loopback through -i any, a bridge and its port)', () => {
    const doubled = renumber(packets.flatMap((p) => [p, { ...p, time: p.time! + 2e-6, iface: 'veth0' }]));
    expect(diffEvents(run1, doubled).divergence).toBeNull();
  });

  it('ARP, neighbour discovery, mDNS and IGMP in the middle', () => {
    const at = packets[3]!.time!;
    const base = { kind: 'packet', file: 'x.pcap', time: at } as const;
    const noise: TraceEvent[] = [
      { ...base, proto: 'arp', src: '10.0.0.1', dst: '10.0.0.2', info: 'ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28' },
      { ...base, proto: 'icmp6', network: 'IP6', src: 'fe80::1', dst: 'ff02::1:ff00:2', icmpType: 135, icmpCode: 0 },
      { ...base, proto: 'udp', network: 'IP', src: '10.0.0.1.5353', dst: '224.0.0.251.5353', len: 40 },
      { ...base, proto: 'igmp', network: 'IP', src: '10.0.0.1', dst: '224.0.0.22' },
    ];
    const withNoise = renumber([...packets.slice(0, 4), ...noise, ...packets.slice(4)]);
    expect(diffEvents(run1, withNoise).divergence).toBeNull();
  });

  it('a request sent again after the response began, and duplicate ACKs', () => {
    const req = packets[3]!;
    expect(req.len).toBe(88);
    // After the response header, so it does not simply fold into the first copy.
    const again = { ...req, time: packets[5]!.time! + 0.0001, ipId: (req.ipId ?? 0) + 7 };
    const ack = packets[4]!;
    const dupAck = { ...ack, time: packets[5]!.time! + 0.0002, ipId: (ack.ipId ?? 0) + 9 };
    const noisy = renumber([...packets.slice(0, 6), again, dupAck, ...packets.slice(6)]);
    expect(diffEvents(run1, noisy).divergence).toBeNull();
    // Not only folded away by the differ: the normalizer gives them no step at all.
    const keys = (evs: TraceEvent[]) => {
      const n = new PacketNormalizer();
      return evs.flatMap((e) => n.normalize(e as PacketEvent).map((st) => st.key));
    };
    expect(keys(noisy)).toEqual(keys(run1));
  });

  it('the normalizer gives a doubled capture exactly the steps of the original', () => {
    const steps = (evs: TraceEvent[]) => {
      const n = new PacketNormalizer();
      return evs.flatMap((e) => n.normalize(e as PacketEvent).map((s) => `${s.key} ${s.gap.toFixed(6)}`));
    };
    const doubled = renumber(packets.flatMap((p) => [p, { ...p, time: p.time! + 2e-6 }]));
    expect(steps(doubled)).toEqual(steps(run1));
    expect(steps(run1).map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual([
      'tcp:18186 c>s SYN', 'tcp:18186 s>c SYN-ACK', 'tcp:18186 c>s data', 'tcp:18186 s>c data', 'tcp:18186 s>c data', 'tcp:18186 s>c FIN', 'tcp:18186 c>s FIN',
    ]);
  });

  it('which side sends its FIN first', () => {
    const i = packets.findIndex((p) => p.flags === 'F.');
    const [a, b] = [packets[i]!, packets[i + 1]!];
    expect(b.flags).toBe('F.');
    const flipped = renumber([...packets.slice(0, i), { ...b, time: a.time }, { ...a, time: b.time }, ...packets.slice(i + 2)]);
    expect(diffEvents(run1, flipped).divergence).toBeNull();
  });

  it('a FIN piggybacked on the last data segment, against data then a bare FIN', () => {
    const i = packets.findIndex((p) => p.flags === 'F.');
    const lastData = packets.findLastIndex((p, k) => k < i && (p.len ?? 0) > 0 && p.src === packets[i]!.src);
    const merged = packets.filter((_, k) => k !== i).map((p, k) => (k === lastData ? { ...p, flags: 'FP.' } : p));
    expect(diffEvents(run1, renumber(merged)).divergence).toBeNull();
  });

  it('but a response that never comes is not noise', () => {
    const cut = renumber(packets.slice(0, 5));
    const d = diffEvents(run1, cut).divergence!;
    expect(d.kind).toBe('missing');
  });
});

function corpusCaptures(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...corpusCaptures(p));
    else if (/\.(pcap|pcapng|cap|pcap\.gz)$/.test(n)) out.push(p);
  }
  return out;
}

describe('corpus captures: each against itself is silent, each against the next gives an answer', () => {
  const files = ['zeek', 'generated-local', 'tcpdump'].flatMap((d) => corpusCaptures(join(CORPUS, d)));
  it('finds them', () => expect(files.length).toBeGreaterThan(150));
  it('every one', async () => {
    let diverged = 0;
    for (let i = 0; i < files.length; i++) {
      let self: DiffReport;
      try {
        self = await diff(files[i]!, files[i]!);
      } catch (e) {
        // A header the readers refuse is refused for diff as for parse: one line naming the file.
        expect((e as Error).message.startsWith(files[i]!)).toBe(true);
        continue;
      }
      expect(self.divergence, files[i]).toBeNull();
      if (i + 1 < files.length) {
        try {
          const r = await diff(files[i]!, files[i + 1]!);
          if (r.divergence) diverged++;
        } catch (e) {
          expect((e as Error).message.startsWith(files[i + 1]!)).toBe(true);
        }
      }
    }
    // Different captures differ: most neighbouring pairs must diverge somewhere.
    expect(diverged).toBeGreaterThan(files.length / 2);
  }, 120_000);
});
