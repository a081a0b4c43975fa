/**
 * tcpdump text → packet events: every tcpdump text in ../shared/corpus
 * (packet counts against an independent count of packet lines, no unparsed
 * lines), field by field on chosen lines, timestamps in every -t style, the
 * line classification rules, and the same capture printed with different
 * options giving the same events.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseNetwork } from '../grammars/tcpdump/parser.js';
import type { PacketEvent, TraceEvent } from '../src/model/events.js';
import { TcpdumpTextParser } from '../src/readers/tcpdump/parser.js';
import { looksLikeTcpdumpText, parseTcpdumpText, readTcpdumpStream, sniffAsciiPayload, sniffTcpdumpText, sniffTimeMode } from '../src/readers/tcpdump/read.js';
import { splitPort } from '../src/readers/tcpdump/visitor.js';
import { CORPUS, straceFiles } from './helpers/corpus.js';

const packets = (events: TraceEvent[]) => events.filter((e): e is PacketEvent => e.kind === 'packet');
const parse = (text: string, opts: Partial<Parameters<typeof parseTcpdumpText>[1]> = {}) => parseTcpdumpText(text, { file: 't', ...opts });
const one = (line: string, opts: Partial<Parameters<typeof parseTcpdumpText>[1]> = {}): PacketEvent => {
  const p = packets(parse(line + '\n', opts).events);
  expect(p).toHaveLength(1);
  return p[0]!;
};

// ---- the corpus ---------------------------------------------------------------

function tcpdumpTexts(): string[] {
  const out: string[] = [];
  const expected = join(CORPUS, 'tcpdump/expected');
  for (const n of readdirSync(expected).sort()) if (n.endsWith('.out')) out.push(join(expected, n));
  const net = join(CORPUS, 'generated-local/net');
  for (const n of readdirSync(net).sort()) if (/\.tcpdump-.*\.txt$/.test(n)) out.push(join(net, n));
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.txt') && !n.includes('stderr')) out.push(p);
    }
  };
  walk(join(CORPUS, 'generated-local/tcpdump-text-of-public-captures'));
  return out;
}

/**
 * Packet lines counted without the parser: with -# (every test-suite output and
 * every file named "number"), lines that start with the right-aligned number
 * and two spaces; otherwise lines that start with a timestamp of any -t style.
 */
function countPacketLines(path: string, text: string): number {
  const numbered = path.endsWith('.out') || /\.tcpdump-number-/.test(path);
  const re = numbered ? /^ *\d+ {2}/ : /^(?:\d\d:\d\d:\d\d\.\d+|\d+\.\d+|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+| \d\d:\d\d:\d\d\.\d+) /;
  return text.split('\n').filter((l) => re.test(l)).length;
}

/** Files where the independent count and the parser may differ, with the reason. None so far. */
const COUNT_EXCEPTIONS: Record<string, string> = {};
/** Lines allowed to stay unparsed, by file. None: every line of tcpdump's output is a packet, a continuation or a message. */
const UNPARSED_ALLOWED: Record<string, number[]> = {};

describe('corpus tcpdump texts', () => {
  const files = tcpdumpTexts();
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(250);
  });
  let total = 0;
  for (const path of files) {
    const rel = relative(CORPUS, path);
    it(rel, () => {
      const text = readFileSync(path, 'utf8');
      const { events, stats } = parseTcpdumpText(text, { file: rel });
      const p = packets(events);
      total += p.length;
      if (!(rel in COUNT_EXCEPTIONS)) expect(p.length).toBe(countPacketLines(path, text));
      expect(events.filter((e) => e.kind === 'unparsed').map((e) => e.line)).toEqual(UNPARSED_ALLOWED[rel] ?? []);
      expect(stats.classified + stats.blank + stats.unparsed).toBe(stats.lines);
      expect(stats.grammarErrors).toBe(0);
      for (const e of p) {
        expect(e.file).toBe(rel);
        expect(e.line).toBeGreaterThan(0);
        expect(e.proto).toMatch(/^[\w.-]+$/);
      }
      // -# numbers only grow (--skip starts later, --print-sampling=3 counts 3, 6, 9).
      const nums = p.map((e) => e.packet).filter((n) => n !== undefined) as number[];
      for (let i = 1; i < nums.length; i++) expect(nums[i]).toBeGreaterThan(nums[i - 1]!);
    });
  }
  it('looksLikeTcpdumpText: every non-empty tcpdump text yes, every strace log no', () => {
    const head = (p: string) => readFileSync(p, 'utf8').split('\n').slice(0, 400);
    const missed = files.filter((p) => statSync(p).size > 0 && !looksLikeTcpdumpText(head(p)));
    expect(missed).toEqual([]);
    const strace = [...straceFiles(join(CORPUS, 'strace')), ...straceFiles(join(CORPUS, 'generated-local'))];
    expect(strace.length).toBeGreaterThan(50);
    expect(strace.filter((p) => looksLikeTcpdumpText(head(p))).map((p) => relative(CORPUS, p))).toEqual([]);
  });

  it('reads thousands of packets', () => {
    expect(total).toBeGreaterThan(6000);
  });

  it('every TCP packet of the generated workload has flags, ports and wire numbers', () => {
    const text = readFileSync(join(CORPUS, 'generated-local/net/tcp-udp-lo.pcap.tcpdump-n.txt'), 'utf8');
    const tcp = packets(parseTcpdumpText(text, { file: 'x' }).events).filter((e) => e.proto === 'tcp');
    expect(tcp.length).toBe(text.split('Flags [').length - 1);
    for (const e of tcp) {
      expect(e.flags).toMatch(/^[FSRP.UEWe]+$|^none$/);
      expect(splitPort(e.src!)).toBeDefined();
      expect(e.rawAck !== undefined || !e.flags!.includes('.')).toBe(true);
    }
  });
});

// ---- the same capture, printed differently --------------------------------------

describe('one capture, several tcpdump option sets', () => {
  const net = (n: string) => packets(parseTcpdumpText(readFileSync(join(CORPUS, 'generated-local/net', n), 'utf8'), { file: n }).events);
  const strip = (e: PacketEvent, keys: string[]) => Object.fromEntries(keys.filter((k) => (e as unknown as Record<string, unknown>)[k] !== undefined).map((k) => [k, (e as unknown as Record<string, unknown>)[k]]));
  const TCP_KEYS = ['src', 'dst', 'proto', 'network', 'flags', 'seq', 'ack', 'win', 'urg', 'len', 'options', 'mss', 'wscale', 'sackOk', 'tsval', 'tsecr', 'rawSeq', 'rawAck', 'seqRelative', 'info', 'inner', 'icmpType', 'icmpCode'];

  it('-n and -nn -ttt -X of tcp-udp-lo.pcap give the same packets', () => {
    const a = net('tcp-udp-lo.pcap.tcpdump-n.txt');
    const b = net('tcp-udp-lo.pcap.tcpdump-nn-ttt-X.txt');
    expect(a).toHaveLength(52);
    expect(b.map((e) => strip(e, TCP_KEYS))).toEqual(a.map((e) => strip(e, TCP_KEYS)));
  });

  it('-n of the pcap and -nn -tttt of the pcapng give the same packets, and -tttt the same times as --nano -tt', () => {
    const a = net('tcp-udp-lo.pcap.tcpdump-n.txt');
    const b = net('tcp-udp-lo.pcapng.tcpdump-nn-tttt.txt');
    expect(b.map((e) => strip(e, TCP_KEYS))).toEqual(a.map((e) => strip(e, TCP_KEYS)));
    const nano = net('tcp-udp-lo-nano.pcap.tcpdump-nn-tt-nano.txt');
    for (let i = 0; i < 52; i++) expect(Math.abs(nano[i]!.time! - b[i]!.time!)).toBeLessThan(2e-6);
  });

  it('-# -nn -tttt -v agrees with -n on every field both print', () => {
    const a = net('tcp-udp-lo.pcap.tcpdump-n.txt');
    const v = net('tcp-udp-lo.pcap.tcpdump-number-nn-tttt-v.txt');
    // -v also prints the packet an ICMP error quotes, which gives inner.src.
    const icmp = v.find((e) => e.proto === 'icmp')!;
    expect(icmp.inner).toEqual({ proto: 'udp', src: '127.0.0.1.56744', dst: '127.0.0.1.5353' });
    const noSrc = (e: PacketEvent) => (e.inner ? { ...e, inner: { proto: e.inner.proto, dst: e.inner.dst } } : e);
    expect(v.map((e) => strip(noSrc(e), TCP_KEYS))).toEqual(a.map((e) => strip(e, TCP_KEYS)));
    expect(v.map((e) => e.packet)).toEqual(a.map((_, i) => i + 1));
    for (const e of v) if (e.network === 'IP') expect(e.endLine).toBe(e.line + 1);
  });

  it('-q -ttttt keeps addresses, protocol and length', () => {
    const a = net('tcp-udp-lo.pcap.tcpdump-n.txt');
    const q = net('tcp-udp-lo.pcap.tcpdump-nn-q-ttttt.txt');
    const keys = ['src', 'dst', 'proto'];
    expect(q.map((e) => strip(e, keys))).toEqual(a.map((e) => strip(e, keys)));
    for (let i = 0; i < 52; i++) if (a[i]!.proto === 'tcp') expect(q[i]!.len).toBe(a[i]!.len);
  });

  it('-e -vv on Linux cooked v2 (-i any) agrees with -n on lo', () => {
    const a = net('tcp-udp-lo.pcap.tcpdump-n.txt');
    const e = net('tcp-udp-any.pcap.tcpdump-nn-e-vv.txt');
    const keys = ['src', 'dst', 'proto', 'flags', 'ack', 'win', 'len', 'rawAck'];
    expect(e.map((x) => strip(x, keys))).toEqual(a.map((x) => strip(x, keys)));
    expect(e.every((x) => x.iface === 'lo' && x.direction === 'In' && x.ifindex === 1 && x.macSrc === '00:00:00:00:00:00')).toBe(true);
  });

  it('-A: the payload lines are not packets', () => {
    const a = net('tcp-udp-lo.pcap.tcpdump-nn-A-port8000.txt');
    expect(a).toHaveLength(12);
    expect(a.every((e) => e.dst!.endsWith('.8000') || e.src!.endsWith('.8000'))).toBe(true);
  });
});

// ---- fields of single lines -------------------------------------------------------

describe('TCP', () => {
  const HANDSHAKE = [
    '10:00:00.000001 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0',
    '10:00:00.000002 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65535, options [mss 1400,sackOK,TS val 2 ecr 1,nop,wscale 9], length 0',
    '10:00:00.000003 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 502, length 0',
    '10:00:00.000004 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:78, ack 1, win 502, urg 3, length 77: HTTP: GET / HTTP/1.1',
    '10:00:00.000005 IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [.], ack 78, win 509, options [nop,nop,sack 1 {100:200}], length 0',
  ].join('\n');

  it('a SYN: absolute seq, options parsed and kept as printed', () => {
    const [syn] = packets(parse(HANDSHAKE).events);
    expect(syn).toMatchObject({ proto: 'tcp', network: 'IP', src: '10.0.0.1.40000', dst: '10.0.0.2.80', flags: 'S', seq: 1000, win: 65535, len: 0, mss: 1460, sackOk: true, tsval: 1, tsecr: 0, wscale: 7, seqRelative: false, rawSeq: 1000 });
    expect(syn!.options).toEqual(['mss 1460', 'sackOK', 'TS val 1 ecr 0', 'nop', 'wscale 7']);
    expect(syn!.ack).toBeUndefined();
  });

  it('a SYN-ACK sets the bases; later relative numbers are recovered from them', () => {
    const [, synack, ack, data, sack] = packets(parse(HANDSHAKE).events);
    expect(synack).toMatchObject({ flags: 'S.', seq: 5000, ack: 1001, rawSeq: 5000, rawAck: 1001, seqRelative: false, mss: 1400, wscale: 9 });
    expect(ack).toMatchObject({ flags: '.', ack: 1, rawAck: 5001, seqRelative: true, len: 0 });
    expect(ack!.seq).toBeUndefined();
    expect(data).toMatchObject({ flags: 'P.', seq: 1, ack: 1, rawSeq: 1001, rawAck: 5001, urg: 3, len: 77 });
    expect(data!.info).toBeUndefined();
    expect(sack).toMatchObject({ ack: 78, rawAck: 1078, sack: [[100, 200]], options: ['nop', 'nop', 'sack 1 {100:200}'] });
  });

  it('-S: absolute numbers are recognised as such', () => {
    const text = HANDSHAKE.replace('Flags [.], ack 1,', 'Flags [.], ack 5001,').replace('seq 1:78, ack 1,', 'seq 1001:1078, ack 5001,').replace('ack 78,', 'ack 1078,');
    const [, , ack, data, last] = packets(parse(text).events);
    expect(ack).toMatchObject({ ack: 5001, rawAck: 5001, seqRelative: false });
    expect(data).toMatchObject({ seq: 1001, rawSeq: 1001, rawAck: 5001, seqRelative: false });
    expect(last).toMatchObject({ rawAck: 1078, seqRelative: false });
  });

  it('flags as printed, none, ECN and AccECN letters', () => {
    expect(one('IP 1.1.1.1.1 > 2.2.2.2.2: Flags [none], seq 1:5, win 1, length 4').flags).toBe('none');
    expect(one('IP 1.1.1.1.1 > 2.2.2.2.2: Flags [SEW], seq 1, win 1, length 0').flags).toBe('SEW');
    expect(one('IP 1.1.1.1.1 > 2.2.2.2.2: Flags [FSRP.UEW], seq 1, ack 1, win 1, urg 0, length 0')).toMatchObject({ flags: 'FSRP.UEW', urg: 0 });
  });

  it('options with nested brackets, braces and commas stay whole', () => {
    const e = one('IP 10.1.1.2.37479 > 10.2.1.2.2002: Flags [.], ack 1, win 229, options [nop,nop,TS val 38230 ecr 4294943148,mptcp 20 capable v0 flags [AH] csum {0x9b59be3d695e66a7,0xd005b1ab34bad344}], length 0');
    expect(e.options).toEqual(['nop', 'nop', 'TS val 38230 ecr 4294943148', 'mptcp 20 capable v0 flags [AH] csum {0x9b59be3d695e66a7,0xd005b1ab34bad344}']);
    expect(e).toMatchObject({ tsval: 38230, tsecr: 4294943148 });
  });

  it('[|tcp] marks the packet truncated and keeps what was read', () => {
    const e = one('IP 48.48.48.48.12336 > 48.48.48.48.12336: Flags [.Ue], seq 808464432:808476688, ack 808464432, win 12336, urg 12336, options [unknown-48 0x3030303030303030 [|tcp]');
    expect(e).toMatchObject({ truncated: true, flags: '.Ue', seq: 808464432, win: 12336, options: ['unknown-48 0x3030303030303030 [|tcp]'] });
    expect(e.notes).toContain('[|tcp]');
    const cut = one('IP 192.168.0.1.80 > 192.168.0.2.3196: [|tcp]');
    expect(cut).toMatchObject({ proto: 'tcp', truncated: true, src: '192.168.0.1.80' });
  });

  it('[bad hdr length] and [bad opt] become notes', () => {
    expect(one('IP 192.168.1.100.12345 > 10.0.0.5.80: Flags [S] [bad hdr length 40 - too long, > 24]').notes).toEqual(['bad hdr length 40 - too long, > 24']);
    expect(one('IP 127.0.0.1.57370 > 127.0.0.1.23: Flags [S], seq 1, win 32792, options [mss 16396,mptcp 3 dss[bad opt]]').notes).toEqual(['bad option: mptcp 3 dss[bad opt]']);
  });

  it('-q: protocol and length only', () => {
    expect(one('IP 127.0.0.1.8080 > 127.0.0.1.35562: tcp 12')).toMatchObject({ proto: 'tcp', len: 12, src: '127.0.0.1.8080' });
  });

  it('IPv6 addresses and ports; ports after an extension header', () => {
    expect(one('IP6 ::1.8080 > ::1.45678: Flags [.], ack 1, win 512, length 0')).toMatchObject({ network: 'IP6', src: '::1.8080', dst: '::1.45678' });
    expect(one('IP6 2001:db8:1::2 > 2001:db8:1::1: frag (0|20) 59694 > 80: Flags [S], seq 1770092805, win 8192, length 0')).toMatchObject({ proto: 'tcp', src: '2001:db8:1::2.59694', dst: '2001:db8:1::1.80', ipOptions: ['frag'], flags: 'S' });
    expect(one('IP6 :: > ff02::1:ff76:6c14: ICMP6, neighbor solicitation, who has fe80::20c:29ff:fe76:6c14, length 24')).toMatchObject({ src: '::', dst: 'ff02::1:ff76:6c14', proto: 'icmp6', icmpType: 135, len: 24 });
  });
});

describe('-v', () => {
  it('IPv4: one event over the header line and the line after it', () => {
    const { events } = parse([
      '    1  2026-11-21 09:08:12.216663 IP (tos 0x0, ttl 64, id 43495, offset 0, flags [DF], proto TCP (6), length 87)',
      '    127.0.0.1.45474 > 127.0.0.1.8080: Flags [P.], cksum 0xfe4b (incorrect -> 0xbed1), seq 1:36, ack 1, win 64, options [nop,nop,TS val 3407201717 ecr 3727289456], length 35: HTTP, length: 35',
      '\tGET / HTTP/1.0',
      '\tHost: localhost',
      '\t',
      '    2  2026-11-21 09:08:12.216671 IP (tos 0x0, ttl 64, id 26974, offset 1480, flags [+], proto UDP (17), length 52)',
      '    127.0.0.1.8080 > 127.0.0.1.45474: ip-proto-17',
    ].join('\n'));
    const [a, b] = packets(events);
    expect(events).toHaveLength(2);
    expect(a).toMatchObject({ line: 1, endLine: 2, packet: 1, ttl: 64, ipId: 43495, ipLen: 87, proto: 'tcp', flags: 'P.', seq: 1, len: 35, src: '127.0.0.1.45474' });
    expect(a!.frag).toBeUndefined();
    expect(b).toMatchObject({ line: 6, endLine: 7, frag: { id: 26974, offset: 1480, more: true }, proto: 'udp' });
  });

  it('IPv4 header errors become notes', () => {
    const e = one('IP [total length 13911 > length 188] (invalid) (tos 0x72,ECT(0), ttl 64, id 9472, offset 0, flags [none], proto ICMP (1), length 13911, bad cksum 67ea (->8c0c)!)');
    expect(e.notes).toEqual(['total length 13911 > length 188', 'invalid', 'bad cksum 67ea (->8c0c)!', 'the -v header is not followed by its second line (addresses and transport)']);
    expect(e).toMatchObject({ ttl: 64, ipId: 9472, ipLen: 13911, proto: 'icmp' });
  });

  it('IPv6, tcpdump 4.99 and 5 header styles, on one line', () => {
    const a = one('IP6 (flowlabel 0x65aca, hlim 64, next-header TCP (6) payload length: 40) ::1.51852 > ::1.8443: Flags [S], cksum 0x0030 (incorrect -> 0x76cd), seq 3986972335, win 65476, options [mss 65476,sackOK,TS val 3349272538 ecr 0,nop,wscale 10], length 0');
    expect(a).toMatchObject({ network: 'IP6', ttl: 64, ipLen: 80, proto: 'tcp', flags: 'S', seq: 3986972335, src: '::1.51852' });
    expect(a.endLine).toBeUndefined();
    const b = one('IP6 (class 0x02, flowlabel 0x6e7e0, hlim 64, next-header UDP (17), payload length 1232) ::1.50606 > ::1.443: [bad udp cksum 0x4f1d -> 0x60c8!] quic, initial, dcid 84acac06b42ed863, length 1182');
    expect(b).toMatchObject({ ttl: 64, ipLen: 1272, proto: 'udp', info: 'quic, initial, dcid 84acac06b42ed863, length 1182' });
  });

  it('the packet an ICMP error quotes gives inner.src', () => {
    const { events } = parse([
      '09:08:15.728362 lo    In  ifindex 1 00:00:00:00:00:00 ethertype IPv4 (0x0800), length 77: (tos 0xc0, ttl 64, id 31720, offset 0, flags [none], proto ICMP (1), length 57)',
      '    127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 5353 unreachable, length 37',
      '\t(tos 0x0, ttl 64, id 35938, offset 0, flags [DF], proto UDP (17), length 29)',
      '    127.0.0.1.56744 > 127.0.0.1.5353: [bad udp cksum 0xfe1c -> 0x9e47!] domain [length 1 < 12] (invalid)',
    ].join('\n'));
    expect(packets(events)[0]).toMatchObject({ proto: 'icmp', endLine: 2, inner: { proto: 'udp', src: '127.0.0.1.56744', dst: '127.0.0.1.5353' } });
    expect(events).toHaveLength(1);
  });
});

describe('link layer and other protocols', () => {
  it('-e on Linux cooked v2 (-i any)', () => {
    const e = one('09:08:15.729865 lo    In  ifindex 1 00:00:00:00:00:00 ethertype IPv6 (0x86dd), length 100: (flowlabel 0x65aca, hlim 64, next-header TCP (6) payload length: 40) ::1.51852 > ::1.8443: Flags [S], seq 3986972335, win 65476, length 0');
    expect(e).toMatchObject({ iface: 'lo', direction: 'In', ifindex: 1, macSrc: '00:00:00:00:00:00', ethertype: 0x86dd, frameLen: 100, network: 'IP6', proto: 'tcp' });
  });

  it('the -i any column, with "?" for an interface without a name', () => {
    expect(one('    5  2018-01-01 00:00:00.000000 ?     Out ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28')).toMatchObject({ iface: '?', direction: 'Out', proto: 'arp', src: '192.0.2.1', dst: '192.0.2.2', len: 28, packet: 5 });
    expect(one('12:00:00.000001 eth0  Out IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 5')).toMatchObject({ iface: 'eth0', direction: 'Out', proto: 'udp', len: 5, info: 'UDP, length 5' });
  });

  it('-e on Ethernet, with 802.1Q tags', () => {
    expect(one('00:20:d2:5a:fb:3f > ff:ff:ff:ff:ff:ff, ethertype 802.1Q-QinQ (0x88a8), length 64: vlan 200, p 0, ethertype 802.1Q (0x8100), vlan 2001, p 0, ethertype ARP (0x0806), Request who-has 172.21.79.100 tell 172.21.79.97, length 42', { timeMode: 'none' })).toMatchObject({
      macSrc: '00:20:d2:5a:fb:3f', macDst: 'ff:ff:ff:ff:ff:ff', vlan: [200, 2001], ethertype: 0x0806, frameLen: 64, proto: 'arp', src: '172.21.79.97', dst: '172.21.79.100', info: 'ARP, Request who-has 172.21.79.100 tell 172.21.79.97, length 42',
    });
    expect(one('12:00:00.000001 42:fb:9f:81:5a:81 > af:ab:ac:ad:ae:af, ethertype Unknown (0x809a), length 61: ')).toMatchObject({ proto: 'ether', ethertype: 0x809a, info: 'ethertype Unknown (0x809a), length 61' });
  });

  it('-e on Linux cooked v1', () => {
    expect(one('17:16:10.052027  In ethertype IPv4 (0x0800), length 76: 137.116.81.94.80 > 131.155.215.69.46656: Flags [S.], seq 3078856592, ack 797190860, win 8192, length 0')).toMatchObject({ direction: 'In', frameLen: 76, network: 'IP', flags: 'S.' });
    expect(one('17:16:09.924505 Out 00:16:3e:27:78:a2 ethertype IPv4 (0x0800), length 76: 1.2.3.4.5 > 5.6.7.8.9: UDP, length 1')).toMatchObject({ direction: 'Out', macSrc: '00:16:3e:27:78:a2', proto: 'udp' });
  });

  it('ICMP: the unreachable port ties to its UDP flow', () => {
    const e = one('IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 5353 unreachable, length 41');
    expect(e).toMatchObject({ proto: 'icmp', network: 'IP', src: '127.0.0.1', dst: '127.0.0.1', icmpType: 3, icmpCode: 3, len: 41, inner: { proto: 'udp', dst: '127.0.0.1.5353' }, info: 'ICMP 127.0.0.1 udp port 5353 unreachable, length 41' });
    expect(one('IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64')).toMatchObject({ proto: 'icmp', icmpType: 8, len: 64 });
    expect(one('IP 10.0.0.1 > 10.0.0.2: ICMP host 10.0.0.9 unreachable - admin prohibited filter, length 36')).toMatchObject({ icmpType: 3, icmpCode: 13 });
  });

  it('ICMPv6 destination unreachable', () => {
    expect(one('IP6 ::1 > ::1: ICMP6, destination unreachable, unreachable port, ::1 udp port 5353, length 61')).toMatchObject({ proto: 'icmp6', network: 'IP6', icmpType: 1, icmpCode: 4, len: 61, inner: { proto: 'udp', dst: '::1.5353' } });
  });

  it('ARP request and reply; RARP', () => {
    expect(one('ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28', { timeMode: 'none' })).toMatchObject({ proto: 'arp', src: '10.0.0.2', dst: '10.0.0.1', len: 28 });
    const r = one('12:00:00.000000 ARP, Reply 10.0.0.1 is-at 00:11:22:33:44:55, length 28');
    expect(r).toMatchObject({ proto: 'arp', src: '10.0.0.1', len: 28, info: 'ARP, Reply 10.0.0.1 is-at 00:11:22:33:44:55, length 28' });
    expect(r.dst).toBeUndefined();
    expect(one('12:00:00.000000 RARP, Reverse Reply 00:11:22:33:44:55 at 10.0.0.7, length 28')).toMatchObject({ proto: 'rarp', dst: '10.0.0.7' });
  });

  it('UDP: applications keep their text, len where tcpdump prints it', () => {
    expect(one('IP 127.0.0.1.53 > 127.0.0.1.4444: 12345 A? example.com. (28)')).toMatchObject({ proto: 'udp', info: '12345 A? example.com. (28)', len: 28, src: '127.0.0.1.53' });
    expect(one('IP 192.168.1.2.44935 > 192.168.1.1.69: TFTP, length 14, RRQ "file1" octet')).toMatchObject({ proto: 'udp', len: 14 });
  });

  it('other IP protocols, fragments, and non-IP lines', () => {
    expect(one('IP 10.1.1.11 > 10.1.1.10: GREv1, call 0, seq 0, length 60: LCP, Conf-Request (0x01), id 0, length 46')).toMatchObject({ proto: 'gre', info: 'GREv1, call 0, seq 0, length 60: LCP, Conf-Request (0x01), id 0, length 46' });
    expect(one('IP 164.1.123.163 > 164.1.123.61: ip-proto-17')).toMatchObject({ proto: 'udp', src: '164.1.123.163' });
    expect(one('IP 1.2.3.4 > 5.6.7.8: udp (frag 1234:1480@2960+)')).toMatchObject({ frag: { id: 1234, offset: 2960, more: true } });
    expect(one('12:00:00.000000 STP 802.1w, Rapid STP, Flags [Learn, Forward], bridge-id 82d0.00:13:7f:be:8c:c0.8193, length 36')).toMatchObject({ proto: 'stp', info: 'STP 802.1w, Rapid STP, Flags [Learn, Forward], bridge-id 82d0.00:13:7f:be:8c:c0.8193, length 36' });
    expect(one('    1  2016-01-01 00:00:00.000000  [|ether]')).toMatchObject({ proto: 'unknown', truncated: true, notes: ['[|ether]'] });
  });
});

// ---- timestamps -----------------------------------------------------------------

describe('timestamps', () => {
  const t = (line: string, timeMode?: Parameters<typeof sniffTimeMode>[0] extends string[] ? ReturnType<typeof sniffTimeMode> : never) => one(line + ' IP 1.1.1.1.1 > 2.2.2.2.2: UDP, length 1', timeMode ? { timeMode } : {});

  it('default: seconds since midnight, 6 or 9 digits', () => {
    expect(t('17:16:09.924505')).toMatchObject({ time: 62169.924505, timeText: '17:16:09.924505' });
    expect(t('17:16:09.924505488')).toMatchObject({ timeText: '17:16:09.924505488' });
    expect(t('17:16:09.924505488').time).toBeCloseTo(62169.924505488, 8);
  });

  it('-tt: epoch seconds', () => {
    expect(t('1418145369.924505')).toMatchObject({ time: 1418145369.924505, timeText: '1418145369.924505' });
    expect(t('4323283200.000000').time).toBe(4323283200);
  });

  it('-tttt: date and time, read as UTC', () => {
    expect(t('2014-12-09 17:16:09.924505')).toMatchObject({ time: 1418145369.924505, timeText: '2014-12-09 17:16:09.924505' });
    expect(t('2106-02-07 06:28:16.000000').time).toBe(4294967296);
  });

  it('-ttt: deltas accumulate; -ttttt: since the first packet', () => {
    const lines = [' 00:00:00.000000', ' 00:00:00.127522', ' 00:00:00.000088'].map((s) => s + ' IP 1.1.1.1.1 > 2.2.2.2.2: UDP, length 1').join('\n');
    expect(sniffTimeMode(lines.split('\n'))).toBe('delta');
    expect(packets(parse(lines).events).map((e) => e.time)).toEqual([0, 0.127522, 0.12761]);
    const since = lines.replace('00:00:00.000088', '00:00:00.127610');
    expect(sniffTimeMode(since.split('\n'))).toBe('since-first');
    expect(packets(parse(since).events).map((e) => e.time)).toEqual([0, 0.127522, 0.12761]);
    // 3.x microsecond deltas
    const old = ['000000', '127522', '1. 000088'].map((s) => s + ' IP 1.1.1.1.1 > 2.2.2.2.2: UDP, length 1').join('\n');
    expect(sniffTimeMode(old.split('\n'))).toBe('delta');
    expect(packets(parse(old).events).map((e) => e.time)).toEqual([0, 0.127522, 1.12761]);
  });

  it('-t: no time; the -# number still identifies packet lines', () => {
    const text = '    1  IP 1.1.1.1.1 > 2.2.2.2.2: tcp 0\n    2  IP 2.2.2.2.2 > 1.1.1.1.1: tcp 0\n';
    expect(sniffTimeMode(text.split('\n'))).toBe('none');
    const p = packets(parse(text).events);
    expect(p.map((e) => [e.packet, e.time])).toEqual([[1, undefined], [2, undefined]]);
  });

  it('(invalid us) / (invalid ns): the whole seconds, and a note', () => {
    const e = t('17:16:10.2147483648 (invalid ns)');
    expect(e.time).toBe(62170);
    expect(e.timeText).toBe('17:16:10.2147483648');
    expect(e.notes).toEqual(['invalid timestamp: the sub-second field is not below one second (invalid ns)']);
  });

  it('the clock passes midnight', () => {
    const text = ['23:59:59.900000', '00:00:00.100000'].map((s) => s + ' IP 1.1.1.1.1 > 2.2.2.2.2: UDP, length 1').join('\n');
    expect(packets(parse(text).events).map((e) => e.time)).toEqual([86399.9, 86400.1]);
  });

  it('sniffTimeMode on the corpus timestamp tests', () => {
    const exp = (n: string) => readFileSync(join(CORPUS, 'tcpdump/expected', n), 'utf8').split('\n');
    expect(sniffTimeMode(exp('tcp-handshake-micro.out'))).toBe('absolute');
    expect(sniffTimeMode(exp('tcp-handshake-nano-tt.out'))).toBe('absolute');
    expect(sniffTimeMode(exp('tcp-handshake-nano-tttt.out'))).toBe('absolute');
    expect(sniffTimeMode(exp('tcp-handshake-nano-ttt.out'))).toBe('delta');
    expect(sniffTimeMode(exp('tcp-handshake-micro-ttttt.out'))).toBe('since-first');
    expect(sniffTimeMode(exp('tcp-handshake-micro-t.out'))).toBe('none');
    expect(sniffTimeMode([])).toBe('absolute');
    // The -ttt and -ttttt outputs of one capture: the same times once read.
    const ttt = packets(parse(exp('tcp-handshake-nano-ttt.out').join('\n')).events).map((e) => e.time);
    const ttttt = packets(parse(exp('tcp-handshake-nano-ttttt.out').join('\n')).events).map((e) => e.time);
    expect(ttt.length).toBe(3);
    ttt.forEach((v, i) => expect(v).toBeCloseTo(ttttt[i]!, 9));
  });
});

// ---- line classification -----------------------------------------------------------

describe('line classification', () => {
  const LO = readFileSync(join(CORPUS, 'generated-local/net/tcp-udp-lo.pcap.tcpdump-n.txt'), 'utf8').split('\n').slice(0, 10);

  it('a garbled line in the middle is unparsed, and the lines after it still parse', () => {
    const text = [...LO.slice(0, 4), 'this is not tcpdump output', '09:08:1x.216671 IP 127.0.0.1.8080 > 127.0.0.1.45474: Flags [.], ack 36, win 64, length 0', ...LO.slice(4)].join('\n');
    const { events, stats } = parse(text);
    const un = events.filter((e) => e.kind === 'unparsed');
    expect(un.map((e) => e.line)).toEqual([5, 6]);
    expect(un[0]).toMatchObject({ text: 'this is not tcpdump output', reason: expect.stringContaining('not a packet line') });
    expect(un[1]).toMatchObject({ reason: expect.stringContaining('starts like a packet line') });
    expect(packets(events)).toHaveLength(10);
    expect(packets(events)[4]).toMatchObject({ line: 7, flags: '.', ack: 36, rawAck: 1700970621 });
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(stats).toMatchObject({ lines: 12, unparsed: 2, packets: 10 });
  });

  it('continuations: hex dumps, -v details and an encapsulated frame belong to the packet before', () => {
    const text = [
      LO[0],
      '\t0x0000:  4500 003c a9e5 4000 4006 92d4 7f00 0001  E..<..@.@.......',
      '\thop limit 64, Flags [home agent], pref medium',
      '00:16:3e:37:f6:04 > 00:30:88:01:00:02, ethertype IPv4 (0x0800), length 98: 192.168.203.3 > 192.168.203.5: ICMP echo request, id 1292, seq 1, length 64',
      '',
      LO[1],
    ].join('\n');
    const { events, stats } = parse(text);
    expect(events.map((e) => e.kind)).toEqual(['packet', 'packet']);
    expect(stats).toMatchObject({ lines: 6, blank: 1, continuation: 3, classified: 5, unparsed: 0 });
    expect(packets(events)[0]!.endLine).toBeUndefined();
  });

  it('an indented line before any packet is unparsed', () => {
    expect(parse('\t0x0000:  4500 003c\n').events[0]).toMatchObject({ kind: 'unparsed', reason: expect.stringContaining('no packet line comes before it') });
  });

  it("tcpdump's stderr lines are messages", () => {
    const text = [
      'reading from file x.pcap, link-type EN10MB (Ethernet), snapshot length 262144',
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode',
      'listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
      'Warning: interface names might be incorrect',
      LO[0],
      '52 packets captured',
      '104 packets received by filter',
      '0 packets dropped by kernel',
    ].join('\n');
    const { events, stats } = parse(text);
    expect(events.map((e) => e.kind)).toEqual(['message', 'message', 'message', 'message', 'packet', 'message', 'message', 'message']);
    expect(events[0]).toMatchObject({ kind: 'message', line: 1, text: 'reading from file x.pcap, link-type EN10MB (Ethernet), snapshot length 262144' });
    expect(events[4]).toMatchObject({ linkType: 'EN10MB' });
    expect(stats).toMatchObject({ messages: 7, unparsed: 0 });
    // With -t the "Warning:" line could pass for a packet line: it does not.
    expect(parse('Warning: interface names might be incorrect\nIP 1.1.1.1 > 2.2.2.2: ICMP echo request, id 1, seq 1, length 64\n', { timeMode: 'none' }).events.map((e) => e.kind)).toEqual(['message', 'packet']);
  });

  it('-A payload lines are continuations when sniffed, garbage otherwise', () => {
    const a = readFileSync(join(CORPUS, 'generated-local/net/tcp-udp-lo.pcap.tcpdump-nn-A-port8000.txt'), 'utf8');
    const head = a.split('\n');
    expect(sniffAsciiPayload(head)).toBe(true);
    expect(sniffTcpdumpText(LO)).toEqual({ timeMode: 'absolute', asciiPayload: false });
    expect(parse(a, { asciiPayload: false }).stats.unparsed).toBeGreaterThan(10);
    expect(parse(a).stats.unparsed).toBe(0);
  });

  it('-t without -#: lines starting with a protocol word are packets, lower-case text is not', () => {
    const { events } = parse('IP 1.1.1.1.1 > 2.2.2.2.2: tcp 0\ngarbage here\nlo    In  IP 1.1.1.1.1 > 2.2.2.2.2: tcp 0\n', { timeMode: 'none' });
    expect(events.map((e) => e.kind)).toEqual(['packet', 'unparsed', 'packet']);
    expect(events[2]).toMatchObject({ iface: 'lo', direction: 'In' });
  });
});

// ---- API -----------------------------------------------------------------------------

describe('reading API', () => {
  it('readTcpdumpStream yields the events parseTcpdumpText returns, sniffing the head itself', async () => {
    const path = join(CORPUS, 'generated-local/net/tcp-udp-lo.pcap.tcpdump-nn-ttt-X.txt');
    const text = readFileSync(path, 'utf8');
    const out: TraceEvent[] = [];
    let stats: unknown;
    for await (const batch of readTcpdumpStream(Readable.from([Buffer.from(text)]), { file: 'x' }, (s) => (stats = s))) out.push(...batch);
    expect(out).toEqual(parseTcpdumpText(text, { file: 'x' }).events);
    expect(stats).toMatchObject({ kind: 'tcpdump', lines: 300, packets: 52, unparsed: 0 });
    expect((out[2] as PacketEvent).time).toBeCloseTo(0.000027, 9);
  });

  it('the push parser holds the last packet until its continuation lines are done', () => {
    const p = new TcpdumpTextParser({ file: 'f', timeMode: 'absolute' });
    p.push('12:00:00.000000 IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 40)', 1);
    expect(p.drain()).toEqual([]);
    p.push('    1.1.1.1.1 > 2.2.2.2.2: Flags [S], seq 7, win 1, length 0', 2);
    expect(p.drain()).toEqual([]);
    p.end();
    expect(p.drain()).toMatchObject([{ kind: 'packet', line: 1, endLine: 2, ttl: 64, flags: 'S', seq: 7 }]);
  });

  it('the grammar reports what it does not accept, with a position', () => {
    expect(parseNetwork('IP 1.2.3.4 > 5.6.7.8: Flags [S], seq 1').cst).toBeDefined();
    const bad = parseNetwork('IP 1.2.3.4 > > 5.6.7.8:');
    expect(bad.cst).toBeUndefined();
    expect(bad.error!.offset).toBe(13);
  });
});
