/**
 * TCP connection tracking (Zeek conn_state/history) and per-packet analysis
 * (Wireshark tcp.analysis.*) on real captures whose answer is known. Each
 * expectation is derived by hand from `tcpdump -n -r FILE` and the rules in
 * docs/tcp-analysis.md; the comment next to it says why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCapture } from '../src/readers/capture/read.js';
import { parseTcpdumpText } from '../src/readers/tcpdump/read.js';
import { TcpAnalyzer, type Connection, type PacketAnalysis } from '../src/analysis/tcp/index.js';
import type { PacketEvent, TraceEvent } from '../src/model/events.js';
import { ANALYSIS_FLAGS, CONN_STATES, HISTORY_LETTERS } from '../src/knowledge/tcp-analysis.js';
import { CORPUS, REPO } from './helpers/corpus.js';

async function events(path: string): Promise<TraceEvent[]> {
  if (path.endsWith('.txt')) return parseTcpdumpText(readFileSync(path, 'utf8'), { file: path }).events;
  return (await parseCapture(readFileSync(path), { file: path, format: path.endsWith('.pcapng') ? 'pcapng' : 'pcap' })).events;
}

interface Run {
  conns: Connection[];
  /** Analysis by packet number (frame, or line for text). */
  pkt: Map<number, PacketAnalysis>;
}

function run(evs: TraceEvent[]): Run {
  const a = new TcpAnalyzer();
  const pkt = new Map<number, PacketAnalysis>();
  for (const ev of evs) {
    const r = a.add(ev);
    if (r) pkt.set(ev.packet ?? ev.line!, r);
  }
  return { conns: a.connections(), pkt };
}

async function analyse(path: string): Promise<Run> {
  return run(await events(path));
}

const summary = (c: Connection) => ({ orig: c.orig, resp: c.resp, state: c.state, history: c.history });
const NET = join(CORPUS, 'generated-local/net');
const ZEEK = join(CORPUS, 'zeek/captures');
const SAMPLES = join(REPO, 'samples/captures');

describe('rules as data', () => {
  it('lists every conn_state, history letter and analysis flag once', () => {
    expect(CONN_STATES.map((s) => s.state)).toEqual(['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH']);
    expect(new Set(HISTORY_LETTERS.map((h) => h.letter)).size).toBe(HISTORY_LETTERS.length);
    expect(new Set(ANALYSIS_FLAGS.map((f) => f.flag)).size).toBe(ANALYSIS_FLAGS.length);
    expect(ANALYSIS_FLAGS.filter((f) => f.source === 'wireshark').every((f) => f.field?.startsWith('tcp.analysis.'))).toBe(true);
  });
});

describe('generated-local/net/tcp-udp-lo (SOURCE.md: 2 HTTP on 8080, SYN→RST on 8081, 4 SYNs to :9, IPv6 exchange, curl to :8000, curl to :1 refused)', () => {
  // Hand derivation from `tcpdump -n -r tcp-udp-lo.pcap`:
  const expected = [
    // S, S., ., P. (data), ., P., ., F. (orig first), F., . : both FIN → SF.
    // History: S h A D a d F f  (the ACK-only packets give A/a, data packets D/d, FIN packets F/f — a FIN packet gets no A).
    { orig: '127.0.0.1.45474', resp: '127.0.0.1.8080', state: 'SF', history: 'ShADadFf' },
    // Same, but the server's FIN (f) comes before the client's (F).
    { orig: '127.0.0.1.45482', resp: '127.0.0.1.8080', state: 'SF', history: 'ShADadfF' },
    // S then R. from the responder while the originator is SYN_SENT → REJ; history S r.
    { orig: '127.0.0.1.41260', resp: '127.0.0.1.8081', state: 'REJ', history: 'Sr' },
    // Four SYNs with the same ISN, nothing back: originator SYN_SENT, responder INACTIVE → S0; 'S' once.
    { orig: '127.0.0.1.35562', resp: '127.0.0.1.9', state: 'S0', history: 'S' },
    // IPv6 ::1 exchange: handshake, 5 bytes each way, server FIN first.
    { orig: '::1.51852', resp: '::1.8443', state: 'SF', history: 'ShADadfF' },
    // curl → http.server :8000, server FIN first.
    { orig: '127.0.0.1.50498', resp: '127.0.0.1.8000', state: 'SF', history: 'ShADadfF' },
    // curl → :1, refused by R. → REJ.
    { orig: '127.0.0.1.55920', resp: '127.0.0.1.1', state: 'REJ', history: 'Sr' },
  ];

  it('pcap: one connection per exchange, with Zeek states and history', async () => {
    const r = await analyse(join(NET, 'tcp-udp-lo.pcap'));
    expect(r.conns.map(summary)).toEqual(expected);
    // Payload counted once per side: "GET / HTTP/1.0" 35 bytes, answer 43.
    expect([r.conns[0]!.origBytes, r.conns[0]!.respBytes]).toEqual([35, 43]);
    // Both SYNs carried wscale 10, so windows are scaled (RFC 7323).
    expect(r.conns[0]!.windowScaling).toBe(true);
  });

  it('the RSTs answering SYNs are rst-to-syn (packets 22 and 52)', async () => {
    const r = await analyse(join(NET, 'tcp-udp-lo.pcap'));
    expect(r.pkt.get(22)).toMatchObject({ conn: 3, dir: 'resp', flags: ['rst-to-syn'] });
    expect(r.pkt.get(52)).toMatchObject({ conn: 7, dir: 'resp', flags: ['rst-to-syn'] });
    expect(r.conns[2]!.reset).toBe('rst-to-syn');
  });

  it('the SYNs to port 9: 4 tries, 3 syn-retransmissions about 1 s apart, each naming the previous try', async () => {
    const r = await analyse(join(NET, 'tcp-udp-lo.pcap'));
    const c = r.conns[3]!;
    expect(c.synTries).toBe(4);
    expect(c.synRetransmits.map((s) => s.packet.packet)).toEqual([24, 25, 26]);
    for (const s of c.synRetransmits) expect(s.interval).toBeGreaterThan(0.9), expect(s.interval).toBeLessThan(1.2);
    // Packets 23 (first try) has no flags; 24-26 are retransmissions of the one before.
    expect(r.pkt.get(23)!.flags).toEqual([]);
    for (const n of [24, 25, 26]) expect(r.pkt.get(n)).toMatchObject({ flags: ['retransmission', 'syn-retransmission'], retransmitOf: n - 1 });
  });

  it('nothing else is flagged in this clean capture', async () => {
    const r = await analyse(join(NET, 'tcp-udp-lo.pcap'));
    const flagged = [...r.pkt].filter(([, a]) => a.flags.length > 0).map(([n]) => n);
    expect(flagged).toEqual([22, 24, 25, 26, 52]);
  });

  it('the same packets from -i any (LINUX_SLL2), pcapng and tcpdump -n text give the same connections', async () => {
    for (const f of ['tcp-udp-any.pcap', 'tcp-udp-lo.pcapng', 'tcp-udp-lo.pcap.tcpdump-n.txt']) {
      const r = await analyse(join(NET, f));
      expect(r.conns.map(summary), f).toEqual(expected);
    }
  });
});

describe('Zeek test traces', () => {
  it('tcp__syn-then-rst: SYN then RST from the originator → RSTOS0, history SR (Zeek baseline conn_state-RST-behavior: "SR, RSTOS0")', async () => {
    const r = await analyse(join(ZEEK, 'tcp__syn-then-rst.pcap'));
    expect(r.conns.map(summary)).toEqual([{ orig: '1.1.1.1.13131', resp: '1.1.1.2.31313', state: 'RSTOS0', history: 'SR' }]);
    // The originator aborting its own attempt is not a reply to a SYN.
    expect(r.pkt.get(2)!.flags).toEqual([]);
  });

  it('tcp__rst-inject-rae: a RST answering the SYN, then a SYN-ACK and data → REJ', async () => {
    const r = await analyse(join(ZEEK, 'tcp__rst-inject-rae.pcap'));
    // 1 S (orig SYN_SENT), 2 R. from the responder (resp RESET; orig still SYN_SENT → a reject),
    // 3 S. from the reset responder (Zeek's UpdateResetState: no change, so the originator never becomes
    // ESTABLISHED), 4 ., 5 P. 25 bytes, 6 ., 7 R., 8 P. 150 bytes, 9 R.
    // End: originator SYN_SENT, responder RESET → REJ. History once per letter: S r h A D a.
    expect(r.conns.map(summary)).toEqual([{ orig: '1.2.0.2.2527', resp: '1.2.0.3.6649', state: 'REJ', history: 'SrhADa' }]);
    expect(r.pkt.get(2)!.flags).toEqual(['rst-to-syn']); // before any SYN-ACK
    expect(r.pkt.get(7)!.flags).toEqual(['rst-after-data']); // after the 25-byte request
    expect(r.pkt.get(9)!.flags).toEqual(['rst-after-data']);
    expect(r.conns[0]!.origBytes).toBe(175); // 25 + 150
  });

  it('tcp__fin_retransmission: SYN, FIN before the SYN-ACK, FIN again, then RST from the responder → RSTR', async () => {
    const r = await analyse(join(ZEEK, 'tcp__fin_retransmission.pcap'));
    // 1 S → orig SYN_SENT; 2 F → orig CLOSED; 3 S. → resp ESTABLISHED (orig stays CLOSED);
    // 4 F. (orig CLOSED, no change); 5 R → resp RESET. Orig CLOSED + resp RESET → RSTR
    // (Zeek's core.tcp.fin-retransmit baseline: orig state 5 = CLOSED, resp state 6 = RESET).
    // History: S F h r (the second FIN does not repeat F).
    expect(r.conns.map(summary)).toEqual([{ orig: '10.1.30.117.55344', resp: '17.167.193.62.443', state: 'RSTR', history: 'SFhr' }]);
    // Packet 2: FIN with seq = ISN, below the next expected ISN+1 → a retransmission by Wireshark's rule.
    expect(r.pkt.get(2)!.flags).toEqual(['retransmission']);
    // Packet 4: the FIN again, and the SYN-ACK (ack ISN+1) already acknowledged that byte → spurious; earlier copy is packet 2.
    expect(r.pkt.get(4)).toMatchObject({ flags: ['spurious-retransmission'], retransmitOf: 2 });
    // Packet 5: RST after the SYN-ACK, no payload either way.
    expect(r.pkt.get(5)!.flags).toEqual(['rst-after-handshake']);
  });

  it('tcp__retransmit-timeout: midstream data, its ACK, the same 18 bytes 5 minutes later → OTH, a spurious retransmission', async () => {
    const r = await analyse(join(ZEEK, 'tcp__retransmit-timeout.pcapng'));
    // No SYN: first packet's sender is the originator; both endpoints PARTIAL → OTH.
    // History: D (data), a (pure ACK), T (retransmitted payload).
    expect(r.conns.map(summary)).toEqual([{ orig: '10.0.0.1.51889', resp: '192.168.0.1.80', state: 'OTH', history: 'DaT' }]);
    // The responder acknowledged all 18 bytes (packet 2), so the resend is spurious; 300 s after packet 1.
    const p3 = r.pkt.get(3)!;
    expect(p3.flags).toEqual(['spurious-retransmission']);
    expect(p3.retransmitOf).toBe(1);
    expect(p3.interval).toBeCloseTo(300, 3);
    expect(r.conns[0]!.origBytes).toBe(18); // the resent bytes are not counted twice
  });

  it('tcpdump tcp_rst_data: a lone RST,ACK carrying 58 bytes → OTH, history R, the RST payload is not stream data', async () => {
    for (const f of ['tcp_rst_data.pcap', 'tcp_rst_data-trunc.pcap']) {
      const r = await analyse(join(CORPUS, 'tcpdump/captures', f));
      // The first packet's sender (not a SYN-ACK) is the originator; a RST from INACTIVE → RESET, the
      // responder was never seen → history "R" does not match ^S…R → OTH (Zeek baseline "R, OTH" for single-rst).
      expect(r.conns.map(summary), f).toEqual([{ orig: '199.204.31.89.80', resp: '172.16.133.41.52875', state: 'OTH', history: 'R' }]);
      expect(r.conns[0]!.origBytes).toBe(0);
      // No SYN, no data before it: none of our RST classes applies.
      expect(r.pkt.get(1)!.flags).toEqual([]);
    }
  });
});

describe('samples/captures scenarios', () => {
  it('syn-dropped bad: S0, 4 SYN tries, retransmissions at ~1, 2, 4 s intervals; text gives the same', async () => {
    const pcap = await analyse(join(SAMPLES, 'syn-dropped/bad.pcap'));
    const text = await analyse(join(SAMPLES, 'syn-dropped/bad.txt'));
    for (const r of [pcap, text]) {
      // Only the client's SYNs (same ISN) are in the capture: orig SYN_SENT, resp INACTIVE → S0.
      expect(r.conns.map(summary)).toEqual([{ orig: '127.0.0.1.38412', resp: '127.0.0.1.18182', state: 'S0', history: 'S' }]);
      const c = r.conns[0]!;
      expect(c.synTries).toBe(4);
      const iv = c.synRetransmits.map((s) => s.interval);
      expect(iv).toHaveLength(3);
      [1, 2, 4].forEach((want, i) => expect(Math.abs(iv[i]! - want)).toBeLessThan(0.1));
    }
    expect(text.conns[0]!.synRetransmits.map((s) => s.packet.line)).toEqual([2, 3, 4]);
  });

  it('http-ok-vs-refused bad: SYN answered by RST,ACK → REJ, rst-to-syn', async () => {
    const r = await analyse(join(SAMPLES, 'http-ok-vs-refused/bad.pcap'));
    expect(r.conns.map((c) => [c.state, c.history, c.reset])).toEqual([['REJ', 'Sr', 'rst-to-syn']]);
    expect(r.pkt.get(2)!.flags).toEqual(['rst-to-syn']);
  });

  it('any-interface bad (SLL2, ARP first): REJ on the TCP connection; ARP ignored', async () => {
    const r = await analyse(join(SAMPLES, 'any-interface/bad.pcap'));
    expect(r.conns.map(summary)).toEqual([{ orig: '192.0.2.1.52664', resp: '192.0.2.2.18185', state: 'REJ', history: 'Sr' }]);
    expect(r.pkt.get(1)).toBeUndefined(); // ARP
  });

  it('reset-after-request bad: handshake, 83-byte request, ACK, then RST,ACK from the server → RSTR after data', async () => {
    const r = await analyse(join(SAMPLES, 'reset-after-request/bad.pcap'));
    // Both ESTABLISHED after the SYN-ACK; the responder's RST → resp RESET, orig ESTABLISHED → RSTR.
    expect(r.conns.map(summary)).toEqual([{ orig: '127.0.0.1.50326', resp: '127.0.0.1.18183', state: 'RSTR', history: 'ShADar' }]);
    expect(r.pkt.get(6)!.flags).toEqual(['rst-after-data']);
    expect([r.conns[0]!.origBytes, r.conns[0]!.respBytes]).toEqual([83, 0]);
  });

  it('good runs are SF with no analysis flag on any packet', async () => {
    for (const d of ['http-ok-vs-refused', 'syn-dropped', 'reset-after-request', 'any-interface']) {
      const r = await analyse(join(SAMPLES, d, 'good.pcap'));
      expect(r.conns.map((c) => c.state), d).toEqual(['SF']);
      expect([...r.pkt.values()].flatMap((a) => a.flags), d).toEqual([]);
    }
  });
});

describe('duplicate copies and sequence-less text', () => {
  it('a packet captured twice within 1 ms is marked duplicate-copy and left out of state, history and other rules', async () => {
    // Real packets from reset-after-request/good.pcap; each one repeated 5 µs later as -i any can show it.
    const evs = (await events(join(SAMPLES, 'reset-after-request/good.pcap'))) as PacketEvent[];
    const doubled: PacketEvent[] = [];
    for (const ev of evs) doubled.push(ev, { ...ev, packet: ev.packet! + 1000, time: ev.time! + 0.000005 });
    const r = run(doubled);
    const plain = run(evs);
    expect(r.conns.map(summary)).toEqual(plain.conns.map(summary));
    expect(r.conns[0]!.packets).toBe(10);
    expect(r.conns[0]!.duplicateCopies).toBe(10);
    for (const ev of evs) {
      expect(r.pkt.get(ev.packet! + 1000)).toMatchObject({ flags: ['duplicate-copy'], retransmitOf: ev.packet });
      expect(r.pkt.get(ev.packet!)!.flags).toEqual([]); // the first copy is analysed as usual
    }
  });

  it('the same packet 2 ms later is not a copy (it is a retransmission)', async () => {
    const evs = (await events(join(SAMPLES, 'reset-after-request/good.pcap'))) as PacketEvent[];
    const req = evs[3]!; // P. seq 1:84
    const r = run([...evs.slice(0, 4), { ...req, packet: 99, time: req.time! + 0.002 }]);
    expect(r.pkt.get(99)!.flags).not.toContain('duplicate-copy');
    expect(r.pkt.get(99)!.flags[0]).toMatch(/retransmission|out-of-order/);
  });

  it('tcpdump text without seq on pure ACKs never crashes and gives the pcap\'s connections', async () => {
    for (const d of ['http-ok-vs-refused', 'syn-dropped', 'reset-after-request']) {
      for (const run of ['good', 'bad']) {
        const a = await analyse(join(SAMPLES, d, `${run}.pcap`));
        const b = await analyse(join(SAMPLES, d, `${run}.txt`));
        expect(b.conns.map(summary), `${d}/${run}`).toEqual(a.conns.map(summary));
        expect(b.conns.map((c) => [c.origBytes, c.respBytes])).toEqual(a.conns.map((c) => [c.origBytes, c.respBytes]));
      }
    }
  });
});

describe('bounded state', () => {
  // CI has no bench capture, so the bound is shown on one real connection
  // (a recorded HTTP exchange) replayed 12,000 times, each replay on its own
  // client port and 10 ms later: 144k packets, 12k connections in sequence.
  it('144k packets of 12k connections: closed connections are summarised, the flow table stays bounded', async () => {
    const one = await events(join(REPO, 'samples/captures/good-twice/run1.pcap'));
    expect(one).toHaveLength(12);
    const client = one[0]!.src!;
    const port = Number(client.slice(client.lastIndexOf('.') + 1));
    const a = new TcpAnalyzer();
    let maxTracked = 0;
    const t0 = one[0]!.time!;
    for (let i = 0; i < 12_000; i++) {
      const p = 1024 + (i % 60_000);
      const swap = (e: string) => (e === client ? client.slice(0, client.lastIndexOf('.') + 1) + p : e);
      for (const ev of one) {
        a.add({ ...ev, src: swap(ev.src!), dst: swap(ev.dst!), time: t0 + i * 0.01 + (ev.time! - t0), packet: i * 12 + ev.packet! });
        maxTracked = Math.max(maxTracked, a.trackedCount());
      }
    }
    expect(port).toBeGreaterThan(1023);
    const conns = a.connections();
    expect(conns).toHaveLength(12_000);
    // Open connections plus at most 1024 lingering closed ones, never one entry per connection.
    expect(maxTracked).toBeLessThan(1200);
    expect(conns.every((c) => c.state === 'SF')).toBe(true);
    // A summary holds no packets: a few hundred bytes of JSON each.
    expect(JSON.stringify(conns).length / conns.length).toBeLessThan(800);
    expect(conns.filter((c) => c.evicted).length).toBeGreaterThan(conns.length - 1100);
  });

  it('keepConnections: false (the differ\'s use) gives the same per-packet answers and keeps no summaries', async () => {
    const evs = await events(join(REPO, 'samples/captures/syn-dropped/good.pcap'));
    const kept = new TcpAnalyzer();
    const lean = new TcpAnalyzer({ keepConnections: false });
    for (const ev of [...evs, ...evs.map((e) => ({ ...e, src: e.src!.replace('.38398', '.38399'), dst: e.dst!.replace('.38398', '.38399') }))]) {
      expect(lean.add(ev)).toEqual(kept.add(ev));
    }
    expect(kept.connections()).toHaveLength(2);
    expect(lean.connections()).toHaveLength(0);
  });
});
