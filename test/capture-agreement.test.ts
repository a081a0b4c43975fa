/**
 * Agreement with tcpdump itself. For every capture tcpdump's own test suite
 * prints (../shared/corpus/tcpdump, the `.out` files with their flags from
 * MANIFEST.tsv) and every capture whose `tcpdump -# -n -tttt` text the corpus
 * holds, tcpdump's text read by our grammar and the capture read by our
 * decoder must give the same packets: one event per frame, and for TCP over
 * IPv4/IPv6 the same src, dst, flags, seq, ack, win and length.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PacketEvent, TraceEvent } from '../src/model/events.js';
import { parseCapture } from '../src/readers/capture/read.js';
import { parseTcpdumpText } from '../src/readers/tcpdump/read.js';
import { packetLine } from '../src/report/packet-line.js';
import { CORPUS, REPO } from './helpers/corpus.js';

const packets = (evs: TraceEvent[]) => evs.filter((e): e is PacketEvent => e.kind === 'packet');

async function decode(path: string) {
  let bytes: Buffer = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  return parseCapture(bytes, { file: basename(path), format: magic === 0x0a0d0d0a ? 'pcapng' : 'pcap' });
}

/**
 * Where tcpdump and we disagree on a TCP field, by design. Key: capture file
 * name and frame number, or the file name alone for every frame in it.
 */
const TCP_FIELD_EXCEPTIONS: Record<string, string> = {};

function tcpFields(e: PacketEvent, absolute: boolean) {
  return {
    src: e.src,
    dst: e.dst,
    flags: e.flags,
    seq: absolute ? (e.seq === undefined ? undefined : e.rawSeq) : e.seq,
    ack: absolute ? (e.ack === undefined ? undefined : e.rawAck) : e.ack,
    win: e.win,
    len: e.len,
  };
}

interface Case {
  name: string;
  capture: string;
  text: string;
  flags: string;
}

function manifestCases(): Case[] {
  const rows = readFileSync(join(CORPUS, 'tcpdump/MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((r) => {
    const [capture, out, , cmd] = r.split('\t');
    return { name: `tcpdump/${out}`, capture: join(CORPUS, 'tcpdump', capture!), text: join(CORPUS, 'tcpdump', out!), flags: cmd! };
  });
}

function generatedCases(): Case[] {
  const base = join(CORPUS, 'generated-local/tcpdump-text-of-public-captures');
  const where: Record<string, string> = { zeek: 'zeek/captures', wireshark: 'wireshark/captures', 'pcapng-test-generator': 'pcapng-test-generator/output_le' };
  const out: Case[] = [];
  for (const dir of readdirSync(base)) {
    for (const n of readdirSync(join(base, dir))) {
      const m = /^(.*)\.tcpdump-number-n-tttt\.txt$/.exec(n);
      if (!m) continue;
      out.push({ name: `generated-local/${dir}/${n}`, capture: join(CORPUS, where[dir]!, m[1]!), text: join(base, dir, n), flags: '-# -n -tttt' });
    }
  }
  const net = join(CORPUS, 'generated-local/net');
  for (const n of readdirSync(net)) {
    const m = /^(.*\.pcap(?:ng)?)\.tcpdump-(.*)\.txt$/.exec(n);
    if (m) out.push({ name: `generated-local/net/${n}`, capture: join(net, m[1]!), text: join(net, n), flags: m[2]!.replace(/-/g, ' -').replace(/^/, '-') });
  }
  return out;
}

/** The capture samples recorded here: RUN.txt (-n), RUN-S.txt (-n -S), RUN-v.txt (-# -nn -tttt -v), RUN-e.txt (-n -e) of RUN.pcap; RUN-ns.txt of RUN-ns.pcap. */
function sampleCases(): Case[] {
  const base = join(REPO, 'samples/captures');
  const flags: Record<string, string> = { '': '-n', S: '-n -S', v: '-# -nn -tttt -v', e: '-n -e', ns: '-n --nano' };
  const out: Case[] = [];
  for (const dir of readdirSync(base)) {
    if (!existsSync(join(base, dir, 'record.sh'))) continue;
    for (const n of readdirSync(join(base, dir))) {
      const m = /^([a-z-]+?)(?:-(S|v|e|ns))?\.txt$/.exec(n);
      if (!m) continue;
      const capture = join(base, dir, `${m[1]}${m[2] === 'ns' ? '-ns' : ''}.pcap`);
      out.push({ name: `samples/captures/${dir}/${n}`, capture, text: join(base, dir, n), flags: flags[m[2] ?? '']! });
    }
  }
  return out;
}

/** Flags after which tcpdump's text does not list every frame: counts cannot be compared. */
const SELECTS = /(^| )(-c|--skip|--print-sampling)\b|port8000/;
/** tcpdump did not see every packet before the ones it printed, so its relative numbers start elsewhere. */
const SKIPS = /(^| )(--skip|--print-sampling)\b/;
/** A filter: the printed packets are a subset, paired by -# number only. */
const FILTERED = /port8000/;
/** Texts made by tcpdump 4.99, which does not print AccECN's AE bit ("e"); tcpdump 5 (the test suite's .out files) does. */
const TCPDUMP_499 = (c: Case) => !c.name.startsWith('tcpdump/');

const cases = [...manifestCases(), ...generatedCases(), ...sampleCases()].filter((c) => existsSync(c.capture) && existsSync(c.text));

describe('tcpdump text of a capture = the capture decoded', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThan(250);
  });
  for (const c of cases) {
    it(c.name, async () => {
      const text = parseTcpdumpText(readFileSync(c.text, 'latin1'), { file: basename(c.text) });
      const fromText = packets(text.events);
      let dec;
      try {
        dec = await decode(c.capture);
      } catch (e) {
        // A file libpcap refuses: tcpdump printed nothing either.
        expect(fromText).toEqual([]);
        return;
      }
      const frames = packets(dec.events);
      const numbered = /(^| )-#/.test(c.flags);
      const absolute = /(^| )-S\b/.test(c.flags) || /(^| )-\w*S/.test(c.flags.replace(/-#/, ''));
      if (!SELECTS.test(c.flags)) {
        // Every line tcpdump printed is a frame we read; we read at least as many
        // (libpcap 1.10 stops at an interface of another link type, we go on).
        expect(fromText.length).toBeLessThanOrEqual(frames.length);
        if (!text.stats.messages) expect(frames.length - fromText.length, 'frames tcpdump printed that we did not, or the reverse').toBeGreaterThanOrEqual(0);
      }
      const mismatches: string[] = [];
      fromText.forEach((t, i) => {
        if (FILTERED.test(c.flags) && !numbered) return;
        const n = numbered ? t.packet! : i + 1;
        const f = frames[n - 1];
        if (!f) {
          mismatches.push(`line ${t.line}: frame ${n} missing`);
          return;
        }
        if (t.time !== undefined && /tttt\b/.test(c.flags) && !/ttttt/.test(c.flags) && Math.abs(t.time - f.time!) > 1e-6 && !t.notes?.length && !f.notes?.length) {
          mismatches.push(`frame ${n}: time ${t.timeText} vs ${f.timeText}`);
        }
        if (t.proto !== 'tcp' || t.flags === undefined || !(t.network === 'IP' || t.network === 'IP6')) return;
        if (TCP_FIELD_EXCEPTIONS[`${basename(c.capture)}#${n}`] || TCP_FIELD_EXCEPTIONS[basename(c.capture)]) return;
        const a = tcpFields(t, false);
        const b = tcpFields(f, absolute);
        if (TCPDUMP_499(c) && b.flags !== 'none') b.flags = b.flags?.replace('e', '');
        const keys = (Object.keys(a) as Array<keyof typeof a>).filter((k) => !(SKIPS.test(c.flags) && (k === 'seq' || k === 'ack')));
        // Every field tcpdump printed must be ours too. It stops printing at a
        // snaplen cut or a bad option, and with -vv prints seq on every segment.
        const complete = !t.truncated && !t.notes?.length && !/(^| )-vvv?\b/.test(c.flags);
        for (const k of keys) {
          if (a[k] === undefined && (!complete || b[k] === undefined || k === 'len')) continue;
          if (b[k] === undefined && k === 'seq' && /(^| )-vvv?\b/.test(c.flags)) continue;
          if (a[k] !== b[k]) mismatches.push(`frame ${n} (line ${t.line}) ${k}: tcpdump ${a[k]} vs decoded ${b[k]}`);
        }
      });
      expect(mismatches).toEqual([]);
    });
  }
});

describe('packetLine: a decoded packet quoted as tcpdump -n prints it', () => {
  const runs = ['http-ok-vs-refused/good', 'reset-after-request/bad', 'syn-dropped/bad', 'udp-port-unreachable/bad', 'late-backend/good'];
  for (const run of runs) {
    it(run, async () => {
      const dec = packets((await decode(join(REPO, 'samples/captures', `${run}.pcap`))).events);
      // tcpdump -n: "HH:MM:SS.ffffff IP a > b: …"; application decodes after "length N" are tcpdump's, not ours.
      const lines = readFileSync(join(REPO, 'samples/captures', `${run}.txt`), 'utf8').trim().split('\n');
      expect(dec).toHaveLength(lines.length);
      dec.forEach((ev, i) => {
        const want = lines[i]!.replace(/^\S+ /, '').replace(/(length \d+):.*$/, '$1');
        const got = packetLine(ev, { time: false });
        if (ev.proto === 'udp' || ev.proto === 'icmp') expect(got.slice(0, got.indexOf(':'))).toBe(want.slice(0, want.indexOf(':')));
        else expect(got).toBe(want);
      });
    });
  }
});
