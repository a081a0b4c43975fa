/**
 * Correlation of strace logs with captures of the same run
 * (src/analysis/correlate/). Each expectation was derived by reading the
 * trace and `tcpdump -n -r` of the capture (the README beside each sample,
 * ../shared/corpus/generated-local/SOURCE.md); the comment says which lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PacketEvent, SyscallEvent, TraceEvent } from '../src/model/events.js';
import { parseStraceText } from '../src/readers/strace/read.js';
import { parseCapture } from '../src/readers/capture/read.js';
import { parseTcpdumpText } from '../src/readers/tcpdump/read.js';
import { analyzeSyscalls } from '../src/analysis/syscalls/index.js';
import { analyzeTcp } from '../src/analysis/tcp/index.js';
import { annotateFlows, correlate, normalizeEndpoint, type Correlation, type Link } from '../src/analysis/correlate/index.js';
import { CORPUS, REPO } from './helpers/corpus.js';

const strace = (p: string): TraceEvent[] => parseStraceText(readFileSync(p, 'utf8'), { file: p }).events;
const pcap = async (p: string) => (await parseCapture(readFileSync(p), { file: p, format: 'pcap' })).events as PacketEvent[];
const NET = join(CORPUS, 'generated-local/net');
const CAP = join(REPO, 'samples/captures');
/** 2026-11-21 00:00:00 UTC: the day of every capture here (SOURCE.md: "the system clock read 2026-11-21"; tcpdump -tttt). */
const DAY = Date.UTC(2026, 10, 21) / 1000;

const link = (c: Correlation, pid: number, fd: number, role: 'client' | 'server', port?: number): Link => {
  const l = c.links.filter((x) => x.socket.pid === pid && x.socket.fd === fd && x.role === role && (port === undefined || x.flow.includes(`.${port}#`) || x.flow.includes(`.${port}>`)));
  expect(l, `${pid}/${fd} ${role} ${port ?? ''}`).toHaveLength(1);
  return l[0]!;
};
const calls = (l: Link) => l.calls.map((k) => [k.call, k.at.line, k.kind, k.packets.map((p) => p.packet)]);

describe('endpoints', () => {
  it('strace and tcpdump forms normalise to tcpdump\'s', () => {
    expect(normalizeEndpoint('127.0.0.1:48132')).toBe('127.0.0.1.48132');
    expect(normalizeEndpoint('[::1]:8080')).toBe('::1.8080');
    expect(normalizeEndpoint('::1.8080')).toBe('::1.8080');
    expect(normalizeEndpoint('127.0.0.1.48132')).toBe('127.0.0.1.48132');
    expect(normalizeEndpoint('[::ffff:10.0.0.1]:80')).toBe('10.0.0.1.80');
    expect(normalizeEndpoint('/var/run/nscd/socket')).toBeUndefined();
  });
});

describe('syn-dropped (bad): a connect whose SYNs are never answered', async () => {
  const s = strace(`${CAP}/syn-dropped/bad-client.strace`);
  const p = await pcap(`${CAP}/syn-dropped/bad.pcap`);
  const c = correlate(s, p);

  it('curl\'s fd 5 links to the one connection (S0) as client, by 4-tuple', () => {
    // README: line 459 socket() = 5, line 466 connect(5, 127.0.0.1:18182) EINPROGRESS; -yy shows 127.0.0.1:38412->127.0.0.1:18182 from line 468.
    const l = link(c, 26913, 5, 'client');
    expect(l.flow).toBe('tcp:127.0.0.1.38412>127.0.0.1.18182#1');
    expect(l.conn.state).toBe('S0');
    expect(l.match).toBe('4-tuple');
    expect(l.evidence.map((e) => e.line)).toEqual([466]);
    expect(c.unmatchedConnections).toEqual([]);
    expect(c.unmatchedSockets).toEqual([]);
  });

  it('the abandoned connect points at the 4 SYNs; the close (in SYN-SENT: nothing sent) at none', () => {
    // bad.txt: 4 SYNs, same seq, frames 1-4, nothing else. Line 512 close(5) sends no packet.
    expect(calls(link(c, 26913, 5, 'client'))).toEqual([['connect', 466, 'handshake', [1, 2, 3, 4]]]);
  });

  it('the clock offset is detected (not assumed): the capture day, UTC+0, residual under 1 ms', () => {
    // -tt is seconds since midnight; the capture is epoch. Both are UTC on one host (README "from the same clock"):
    // connect at 10:57:41.690975, first SYN at 10:57:41.691426 → 0.451 ms, the connect→SYN delay, not skew.
    expect(c.clockOffset).toMatchObject({ seconds: DAY, detectedFrom: 1, clock: 'midnight', day: '2026-11-21', utcOffsetMinutes: 0 });
    expect(c.clockOffset!.residual!).toBeGreaterThan(0);
    expect(c.clockOffset!.residual!).toBeLessThan(0.001);
  });

  it('a given offset is used as is', () => {
    expect(correlate(s, p, { clockOffset: DAY }).clockOffset).toMatchObject({ seconds: DAY, detectedFrom: 0 });
  });

  it('works from the analyses too (SyscallAnalysis + Connection[])', () => {
    const c2 = correlate(analyzeSyscalls(s), analyzeTcp(p).connections);
    expect(c2.links.map((l) => [l.flow, l.socket.fd, l.role])).toEqual([['tcp:127.0.0.1.38412>127.0.0.1.18182#1', 5, 'client']]);
    expect(c2.clockOffset?.seconds).toBe(DAY);
  });
});

describe('http-ok-vs-refused', async () => {
  it('good (SF): the request\'s sendto is the 88-byte data segment, the response\'s recvfrom the two response segments', async () => {
    const c = correlate(strace(`${CAP}/http-ok-vs-refused/good-client.strace`), await pcap(`${CAP}/http-ok-vs-refused/good.pcap`));
    const l = link(c, 26732, 5, 'client');
    expect(l.flow).toBe('tcp:127.0.0.1.59406>127.0.0.1.18181#1');
    expect(l.conn.state).toBe('SF');
    // Line 478 sendto(…, 88) = 88 ↔ frame 4 "seq 1:89 … length 88"; line 485 recvfrom = 223 ↔ frames 6 (186) + 8 (37);
    // line 466 connect ↔ SYN (1) and SYN-ACK (2); line 488 close ↔ curl's FIN (11; the server's FIN 10 came first).
    expect(calls(l)).toEqual([
      ['connect', 466, 'handshake', [1, 2]],
      ['sendto', 478, 'data', [4]],
      ['recvfrom', 485, 'data', [6, 8]],
      ['close', 488, 'fin', [11]],
    ]);
  });

  it('bad (REJ): no -yy endpoint ever (refused), so peer + time; the connect ↔ SYN and RST, SO_ERROR ECONNREFUSED ↔ the RST', async () => {
    const c = correlate(strace(`${CAP}/http-ok-vs-refused/bad-client.strace`), await pcap(`${CAP}/http-ok-vs-refused/bad.pcap`));
    // Lines 459-476: fd 5 is only ever `5<TCP:[468027]>`; bad.txt: SYN 59420 > 18181 then R. 0.018 ms later.
    const l = link(c, 26763, 5, 'client');
    expect(l.flow).toBe('tcp:127.0.0.1.59420>127.0.0.1.18181#1');
    expect(l.conn.state).toBe('REJ');
    expect(l.match).toBe('peer+time');
    expect(l.ambiguous).toBeUndefined();
    expect(calls(l)).toEqual([
      ['connect', 466, 'handshake', [1, 2]],
      ['getsockopt', 472, 'reset', [2]],
    ]);
  });
});

describe('reset-after-request (bad)', () => {
  it('recvfrom ECONNRESET ↔ the server\'s RST', async () => {
    const c = correlate(strace(`${CAP}/reset-after-request/bad-client.strace`), await pcap(`${CAP}/reset-after-request/bad.pcap`));
    const l = link(c, 27120, 5, 'client');
    // bad.txt: frames 1-3 handshake, 4 request (83 bytes, line 478), 5 ACK, 6 R. from 18183; line 480 recvfrom = -1 ECONNRESET.
    expect(l.flow).toBe('tcp:127.0.0.1.50326>127.0.0.1.18183#1');
    expect(calls(l)).toEqual([
      ['connect', 466, 'handshake', [1, 2]],
      ['sendto', 478, 'data', [4]],
      ['recvfrom', 480, 'reset', [6]],
    ]);
  });
});

describe('generated-local/net: one python script, client and server, with -f -tt -T -yy', async () => {
  const s = strace(`${NET}/strace-f-tt-T-yy.txt`);
  const p = await pcap(`${NET}/tcp-udp-lo.pcap`);
  const c = correlate(s, p);

  it('both 8080 exchanges link as client (the second from the forked child 32618) and as server (the accept4 thread of 32616)', () => {
    // Lines 731-732: 32616 connect(5) → 127.0.0.1:45474->:8080 (conn 1, frames 1-10);
    // 778: fork child 32618 connect(5) → 45482 (conn 2, frames 11-20);
    // 612 / 775: thread 32617 (CLONE_THREAD: its fds are 32616's) accept4(3) = 4<…8080->…45474> / <…->…45482>.
    expect(link(c, 32616, 5, 'client').flow).toBe('tcp:127.0.0.1.45474>127.0.0.1.8080#1');
    expect(link(c, 32618, 5, 'client').flow).toBe('tcp:127.0.0.1.45482>127.0.0.1.8080#2');
    const srv1 = link(c, 32616, 4, 'server', 45474);
    expect(srv1.flow).toBe('tcp:127.0.0.1.45474>127.0.0.1.8080#1');
    // accept4 (612) ↔ SYN + SYN-ACK; recvfrom of the 35-byte request (740) ↔ frame 4; sendto of the 43-byte reply (744) ↔ frame 6.
    expect(calls(srv1).slice(0, 3)).toEqual([['accept4', 612, 'handshake', [1, 2]], ['recvfrom', 740, 'data', [4]], ['sendto', 744, 'data', [6]]]);
    expect(link(c, 32616, 4, 'server', 45482).flow).toBe('tcp:127.0.0.1.45482>127.0.0.1.8080#2');
    // Client side of conn 1: sendto (734) ↔ frame 4, recvfrom (742) ↔ frame 6.
    expect(calls(link(c, 32616, 5, 'client')).slice(1, 3)).toEqual([['sendto', 734, 'data', [4]], ['recvfrom', 742, 'data', [6]]]);
  });

  it('8081 refused (no -yy endpoint: peer + time), port 9 SYN retries, and the IPv6 ::1 pair', () => {
    // 806: connect(4<TCP:[100466]>, :8081) EINPROGRESS, 808 SO_ERROR ECONNREFUSED; frames 21 (S) / 22 (R.).
    const refused = link(c, 32616, 4, 'client', 8081);
    expect([refused.flow, refused.match, refused.conn.state]).toEqual(['tcp:127.0.0.1.41260>127.0.0.1.8081#3', 'peer+time', 'REJ']);
    expect(calls(refused)).toEqual([['connect', 806, 'handshake', [21, 22]], ['getsockopt', 808, 'reset', [22]]]);
    // 812: connect(4, :9) EINPROGRESS, poll times out after 3.5 s, close (815): frames 23-26 are the 4 SYNs.
    const port9 = link(c, 32616, 4, 'client', 9);
    expect(port9.flow).toBe('tcp:127.0.0.1.35562>127.0.0.1.9#4');
    expect(calls(port9)).toEqual([['connect', 812, 'handshake', [23, 24, 25, 26]]]);
    // 823 connect(6, [::1]:8443), 824 accept4(5) = 7<[::1]:8443->[::1]:51852>: both ends of conn 5 (frames 29-38).
    expect(link(c, 32616, 6, 'client').flow).toBe('tcp:::1.51852>::1.8443#5');
    expect(link(c, 32616, 7, 'server').flow).toBe('tcp:::1.51852>::1.8443#5');
  });

  it('the curl connections (:8000, :1) are not this trace\'s; no socket is left unmatched; offset from 4 pairs', () => {
    expect(c.unmatchedConnections.map((x) => x.resp)).toEqual(['127.0.0.1.8000', '127.0.0.1.1']);
    expect(c.unmatchedSockets).toEqual([]);
    // 4 strict client pairs: 8080 ×2, port 9, ::1 (8081 has no local port). Host clock in UTC (SOURCE.md).
    expect(c.clockOffset).toMatchObject({ seconds: DAY, detectedFrom: 4, utcOffsetMinutes: 0 });
  });

  it('curl -ttt -e trace=%network (no -yy): getsockname names the local port, epoch clock, offset 0', () => {
    const c2 = correlate(strace(`${NET}/strace-curl-trace-network-ttt.txt`), p);
    const l = link(c2, 32629, 5, 'client');
    // Line 11 connect(5, :8000); 13 getsockname → 127.0.0.1:50498; conn 6 (frames 39-50).
    expect(l.flow).toBe('tcp:127.0.0.1.50498>127.0.0.1.8000#6');
    expect(l.match).toBe('4-tuple');
    expect(l.evidence.map((e) => e.line)).toEqual([11, 13, 14, 15, 16, 17]);
    // 18 sendto 78 bytes ↔ frame 42; 19 recvfrom 375 ↔ frames 44 (155) + 46 (220).
    expect(calls(l)).toEqual([['connect', 11, 'handshake', [39, 40]], ['sendto', 18, 'data', [42]], ['recvfrom', 19, 'data', [44, 46]]]);
    expect(c2.clockOffset).toMatchObject({ seconds: 0, detectedFrom: 1, clock: 'epoch' });
  });

  it('curl to :1 (no -yy, no getsockname): linked by the connect\'s peer and time alone', () => {
    const c3 = correlate(strace(`${NET}/strace-curl-refused-ttt.txt`), p);
    // Line 11 connect(5, 127.0.0.1:1) at …098.332869; frame 51 SYN 55920 > 1 at 09:08:18.332936, 52 R.
    const l = link(c3, 32634, 5, 'client');
    expect([l.flow, l.match]).toEqual(['tcp:127.0.0.1.55920>127.0.0.1.1#7', 'peer+time']);
    expect(calls(l)).toEqual([['connect', 11, 'handshake', [51, 52]], ['getsockopt', 12, 'reset', [52]]]);
  });

  it('annotateFlows puts the same flow on the syscalls and the packets of a linked pair', () => {
    const s2 = strace(`${NET}/strace-f-tt-T-yy.txt`);
    const p2 = p.map((e) => ({ ...e }));
    annotateFlows(s2, p2, correlate(s2, p2));
    const sys = (line: number) => s2.find((e): e is SyscallEvent => e.kind === 'syscall' && e.line === line)!;
    const f1 = 'tcp:127.0.0.1.45474>127.0.0.1.8080#1';
    // connect (732), sendto (734), close (751) on the client fd; accept4 (612, resumed), recvfrom (740) on the server fd.
    for (const line of [732, 734, 751, 612, 740]) expect(sys(line).flow, `line ${line}`).toBe(f1);
    expect(p2.filter((e) => e.flow === f1).map((e) => e.packet)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sys(806).flow).toBe('tcp:127.0.0.1.41260>127.0.0.1.8081#3');
    // Calls on other fds stay bare; the curl connections' packets too.
    expect(sys(809).flow).toBe('tcp:127.0.0.1.41260>127.0.0.1.8081#3'); // close(4) of the refused socket
    expect(s2.filter((e) => e.kind === 'syscall' && e.name === 'openat').some((e) => (e as SyscallEvent).flow)).toBe(false);
    expect(p2.filter((e) => e.packet! >= 39 && e.flow)).toEqual([]);
  });
});

describe('listen queue (synthetic)', () => {
  it('accept4 EMFILE points at the connection whose SYN-ACK was sent but which nobody accepted', () => {
    // A listener on :8080, one accepted connection, then accept4 fails with EMFILE while a second handshake completed.
    const st = [
      '100 1795252000.000000 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3',
      '100 1795252000.000100 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '100 1795252000.000200 listen(3, 8) = 0',
      '100 1795252000.010000 accept4(3, {sa_family=AF_INET, sin_port=htons(40000), sin_addr=inet_addr("127.0.0.1")}, [16], 0) = 4',
      '100 1795252000.020000 accept4(3, 0x7ffd, [16], 0) = -1 EMFILE (Too many open files)',
    ].join('\n') + '\n';
    const td = [
      '1795252000.005000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1, win 65495, length 0',
      '1795252000.005010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [S.], seq 7, ack 2, win 65483, length 0',
      '1795252000.005020 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 1, win 64, length 0',
      '1795252000.015000 IP 127.0.0.1.40002 > 127.0.0.1.8080: Flags [S], seq 100, win 65495, length 0',
      '1795252000.015010 IP 127.0.0.1.8080 > 127.0.0.1.40002: Flags [S.], seq 900, ack 101, win 65483, length 0',
      '1795252000.015020 IP 127.0.0.1.40002 > 127.0.0.1.8080: Flags [.], ack 1, win 64, length 0',
    ].join('\n') + '\n';
    const sEv = parseStraceText(st, { file: 'srv.strace' }).events;
    const pEv = parseTcpdumpText(td, { file: 'cap.txt' }).events as PacketEvent[];
    const c = correlate(sEv, pEv);
    // The accepted fd 4: peer from accept4's sockaddr (no -yy), local from the listener's bind.
    expect(c.links.map((l) => [l.flow, l.socket.fd, l.role])).toEqual([['tcp:127.0.0.1.40000>127.0.0.1.8080#1', 4, 'server']]);
    expect(c.listenQueue.map((q) => [q.flow, q.listener.fd, q.calls.map((k) => [k.call, k.at.line, k.packets.map((x) => x.line)])])).toEqual([
      ['tcp:127.0.0.1.40002>127.0.0.1.8080#2', 3, [['accept4', 5, [4, 5]]]],
    ]);
  });
});

describe('every recorded TCP pair: the client socket links to its connection in every capture of the run', async () => {
  const { openTraces } = await import('../src/readers/open.js');
  const read = async (p: string) => {
    const o = await openTraces([p]);
    const out: TraceEvent[] = [];
    for await (const b of o.events) out.push(...b);
    return out;
  };
  const runs: Array<[string, string, string]> = [
    ['http-ok-vs-refused', 'good', 'SF'], ['http-ok-vs-refused', 'bad', 'REJ'],
    ['reset-after-request', 'good', 'SF'], ['reset-after-request', 'bad', 'RSTR'],
    ['syn-dropped', 'good', 'SF'], ['syn-dropped', 'bad', 'S0'],
    ['syn-retries-lowered', 'good', 'SF'], ['syn-retries-lowered', 'bad', 'S0'],
    ['late-backend', 'good', 'SF'], ['late-backend', 'bad', 'SF'],
    ['good-twice', 'run1', 'SF'], ['good-twice', 'run2', 'SF'],
  ];
  for (const [dir, run, state] of runs) {
    it(`${dir}/${run}: one client link (${state}), the same flow from the pcap, the ns pcap, the pcapng, -i any and the text`, async () => {
      const sys = await read(join(CAP, dir, `${run}-client.strace`));
      const flows = new Set<string>();
      let handshake: unknown;
      for (const v of ['.pcap', '-ns.pcap', '.pcapng', '-any.pcap', '.txt']) {
        const p = join(CAP, dir, `${run}${v}`);
        if (v === '-any.pcap' && !(await import('node:fs')).existsSync(p)) continue;
        const pkts = (await read(p)).filter((e): e is PacketEvent => e.kind === 'packet');
        const c = correlate(sys, pkts);
        const clients = c.links.filter((l) => l.role === 'client');
        expect(clients, v).toHaveLength(1);
        expect(clients[0]!.conn.state).toBe(state);
        flows.add(clients[0]!.flow);
        // The connect's packets are the same frames in every capture file (and the same lines in the text).
        const hs = clients[0]!.calls.find((k) => k.kind === 'handshake')!.packets.map((l) => l.packet ?? l.line);
        if (handshake === undefined) handshake = hs;
        else expect(hs, v).toEqual(handshake);
        expect(Math.abs(c.clockOffset?.residual ?? 0)).toBeLessThan(0.002);
      }
      expect(flows.size).toBe(1);
    });
  }
  it('syn-retries-lowered/bad: the connect points at the 4 SYNs and nothing answered', async () => {
    const c = correlate(await read(join(CAP, 'syn-retries-lowered/bad-client.strace')), (await read(join(CAP, 'syn-retries-lowered/bad-any.pcap'))) as PacketEvent[]);
    const l = c.links[0]!;
    expect(l.calls.find((k) => k.call === 'connect')?.packets.map((p) => p.packet)).toEqual([1, 2, 3, 4]);
    expect(l.conn.synRetransmits.map((r) => Math.round(r.interval * 10) / 10)).toEqual([1, 2, 4.2]);
  });
  it('late-backend/bad: the recvfrom of the 114 bytes is packet 6, the one that came 2 s late', async () => {
    const c = correlate(await read(join(CAP, 'late-backend/bad-client.strace')), (await read(join(CAP, 'late-backend/bad-any.pcap'))) as PacketEvent[]);
    const recv = c.links[0]!.calls.find((k) => k.call === 'recvfrom' && k.kind === 'data');
    expect(recv?.at.line).toBe(500);
    expect(recv?.packets.map((p) => p.packet)).toEqual([6]);
  });
});
