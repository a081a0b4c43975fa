import { describe, expect, it } from 'vitest';
import { ipv6 } from '../src/decode/addr.js';
import { PacketDecoder } from '../src/decode/packet.js';
import { addrKey, TcpSeqNumbering } from '../src/decode/tcp-seq.js';
import { flagBits, flagsText } from '../src/knowledge/tcp.js';
import type { RawFrame } from '../src/readers/capture/frame.js';

const v6 = (hex: string) => ipv6(Buffer.from(hex.replace(/:/g, ''), 'hex'), 0);

describe('IPv6 text as inet_ntop prints it', () => {
  it.each([
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0000', '::'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'], // one zero group stays
    ['2001:0000:0000:0001:0000:0000:0000:0001', '2001:0:0:1::1'], // the longer run wins
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'], // leftmost on a tie
    ['0000:0000:0000:0000:0000:ffff:0102:0304', '::ffff:1.2.3.4'],
    ['0000:0000:0000:0000:0000:0000:0102:0304', '::1.2.3.4'],
    ['fe80:0000:0000:0000:0000:0000:0000:0000', 'fe80::'],
  ])('%s → %s', (hex, text) => expect(v6(hex)).toBe(text));
});

describe('address keys order like the bytes (tcpdump compares addresses with memcmp)', () => {
  it('IPv4 by value, not by text', () => {
    expect((addrKey('10.0.0.9') as number) < (addrKey('10.0.0.10') as number)).toBe(true);
  });
  it('IPv6 expanded', () => {
    expect(addrKey('::1')).toBe('00000000000000000000000000000001');
    expect(addrKey('2001:db8::1:0:0:1')).toBe('20010db8000000000001000000000001');
    expect(addrKey('::ffff:1.2.3.4')).toBe('00000000000000000000ffff01020304');
    expect(addrKey('fe80::') < addrKey('fe80::1')).toBe(true);
  });
});

describe('TCP flag letters', () => {
  it('round-trips every combination of the nine bits', () => {
    for (let bits = 0; bits < 512; bits++) expect(flagBits(flagsText(bits))).toBe(bits);
    expect(flagsText(0x12)).toBe('S.');
    expect(flagsText(0x18)).toBe('P.');
    expect(flagsText(0)).toBe('none');
    expect(flagBits('X')).toBeUndefined();
  });
});

describe("tcpdump's relative sequence numbers", () => {
  const C = '10.0.0.1', S = '10.0.0.2';
  // client port 40000 > server 80: tcpdump keys the entry on the server side first.
  const handshake: Array<[string, string, number, number, number, number, number]> = [
    [C, S, 40000, 80, 0x02, 1000, 0],
    [S, C, 80, 40000, 0x12, 5000, 1001],
    [C, S, 40000, 80, 0x10, 1001, 5001],
    [C, S, 40000, 80, 0x18, 1001, 5001],
    [S, C, 80, 40000, 0x18, 5001, 1101],
  ];
  it('prints absolute until a packet with ACK sets the bases, then relative', () => {
    const n = new TcpSeqNumbering();
    const out = handshake.map(([s, d, sp, dp, f, seq, ack]) => {
      n.print(addrKey(s), addrKey(d), sp, dp, `${s}.${sp}`, `${d}.${dp}`, f, seq, ack);
      return { seq: n.seq, ack: n.ack, relative: n.relative };
    });
    expect(out.map((v) => [v.seq, v.ack, v.relative])).toEqual([
      [1000, 0, false],
      [5000, 1001, false],
      [1, 1, true],
      [1, 1, true],
      [1, 101, true],
    ]);
  });
  it('recovers the wire numbers from what tcpdump printed, relative or -S', () => {
    const printer = new TcpSeqNumbering();
    const rel = new TcpSeqNumbering();
    const abs = new TcpSeqNumbering();
    for (const [s, d, sp, dp, f, seq, ack] of handshake) {
      printer.print(addrKey(s), addrKey(d), sp, dp, `${s}.${sp}`, `${d}.${dp}`, f, seq, ack);
      const p = { seq: printer.seq, ack: printer.ack };
      const r = rel.recover(addrKey(s), addrKey(d), sp, dp, `${s}.${sp}`, `${d}.${dp}`, f, p.seq, f & 0x10 ? p.ack : undefined);
      expect(r.rawSeq).toBe(seq);
      if (f & 0x10) expect(r.rawAck).toBe(ack);
      const a = abs.recover(addrKey(s), addrKey(d), sp, dp, `${s}.${sp}`, `${d}.${dp}`, f, seq, f & 0x10 ? ack : undefined);
      expect([a.rawSeq, a.relative]).toEqual([seq, false]);
    }
  });
});

/** A frame built from hex, for header layouts the corpus does not cover. */
function frame(linkType: number, hex: string, origLen?: number): RawFrame {
  const data = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
  return { kind: 'frame', number: 1, offset: 0, time: 0, timeText: '0.000000', linkType, origLen: origLen ?? data.length, data };
}

const IPV4_TCP_SYN =
  '45000034 0001 4000 40 06 0000 0a000001 0a000002' + // IPv4, 52 bytes, DF, TCP
  '9c40 0050 000003e8 00000000 8002 ffff 0000 0000' + // 40000 > 80, SYN, hlen 32
  '020405b4 0103 0307 0101 0402'; // mss 1460, nop, wscale 7, nop, nop, sackOK

describe('decoding link layers', () => {
  it('Ethernet with QinQ tags', () => {
    const ev = new PacketDecoder('f').decode(frame(1, '020000000002 020000000001 88a8 0064 8100 00c8 0800' + IPV4_TCP_SYN));
    expect(ev).toMatchObject({ vlan: [100, 200], src: '10.0.0.1.40000', dst: '10.0.0.2.80', proto: 'tcp', flags: 'S', seq: 1000, win: 65535, len: 0, mss: 1460, wscale: 7, sackOk: true });
    expect(ev.options).toEqual(['mss 1460', 'nop', 'wscale 7', 'nop', 'nop', 'sackOK']);
  });
  it('Linux cooked v2 with interface index and direction', () => {
    const ev = new PacketDecoder('f').decode(frame(276, '0800 0000 00000003 0001 04 06 020000000001 0000' + IPV4_TCP_SYN));
    expect(ev).toMatchObject({ ifindex: 3, direction: 'Out', macSrc: '02:00:00:00:00:01', flags: 'S' });
  });
  it('BSD NULL in either byte order', () => {
    expect(new PacketDecoder('f').decode(frame(0, '02000000' + IPV4_TCP_SYN)).proto).toBe('tcp');
    expect(new PacketDecoder('f').decode(frame(0, '00000002' + IPV4_TCP_SYN)).proto).toBe('tcp');
  });
  it('a frame cut by the snaplen in the TCP options decodes as far as it goes', () => {
    const full = frame(101, IPV4_TCP_SYN);
    const cut = { ...full, data: full.data.subarray(0, 20 + 24) };
    const ev = new PacketDecoder('f').decode(cut);
    expect(ev).toMatchObject({ src: '10.0.0.1.40000', flags: 'S', seq: 1000, len: 0, truncated: true });
    expect(ev.notes).toContain('[|tcp]');
  });
  it('an unknown link type still gives an event with a note', () => {
    const ev = new PacketDecoder('f').decode(frame(147, 'deadbeef'));
    expect(ev).toMatchObject({ kind: 'packet', packet: 1, proto: 'unknown' });
    expect(ev.notes).toEqual(['link type 147 is not decoded']);
  });
  it('an ICMP port unreachable names the UDP flow it quotes', () => {
    const icmp =
      '45000038 0002 0000 40 01 0000 7f000001 7f000001' +
      '0303 0000 00000000' + // type 3 code 3
      '4500001d 0003 0000 40 11 0000 7f000001 7f000001' + // quoted IPv4/UDP
      'dd5c 14e9 0009 0000';
    const ev = new PacketDecoder('f').decode(frame(101, icmp));
    expect(ev).toMatchObject({ proto: 'icmp', icmpType: 3, icmpCode: 3, inner: { proto: 'udp', src: '127.0.0.1.56668', dst: '127.0.0.1.5353' }, info: 'ICMP 127.0.0.1 udp port 5353 unreachable, length 36' });
  });
  it('IPv6 extension headers are walked to the transport', () => {
    const pkt =
      '60000000 001c 00 40' + '00000000000000000000000000000001'.repeat(2) + // IPv6, payload 28, next HBH
      '06 00 0000 00000000' + // HBH → TCP, 8 bytes
      '9c40 0050 000003e8 00000000 5002 ffff 0000 0000'; // TCP SYN, hlen 20
    const ev = new PacketDecoder('f').decode(frame(229, pkt));
    expect(ev).toMatchObject({ network: 'IP6', ipOptions: ['HBH'], src: '::1.40000', dst: '::1.80', flags: 'S', len: 0 });
  });
});
