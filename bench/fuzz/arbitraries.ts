/**
 * fast-check arbitraries for hostile input, one family each, all built
 * from real inputs (corpus.ts) and shrinkable: an input is a seed plus a
 * list of mutations, and fast-check shrinks the list and its numbers.
 *
 *   straceInput / tcpdumpInput   a window of real lines, mutated: byte flips,
 *       deletions, duplications, truncation, splicing two lines, inserted
 *       special text (brackets, quotes, `<unfinished ...>`/`resumed>`, NUL, CR,
 *       absurd numbers, pids and timestamps), a piece repeated into a long
 *       line, deep nesting; line ends LF, CRLF, lone CR or mixed; invalid
 *       UTF-8 bytes; read in random chunk sizes.
 *   captureInput   a small real capture, mutated by its structure (absurd
 *       length fields, version, byte-order magic, link type, snaplen, options,
 *       IP/TCP/ICMP header fields, 0-length and cut frames, random bytes),
 *       sometimes gzip-wrapped, read in random chunk sizes.
 *   detectInput    random bytes, random text, garbage behind a gzip, pcap or
 *       pcapng magic.
 *
 * `hostileInputs()` lists the deterministic monsters (10 MB lines, 10 000-deep
 * nesting, ...) that every session runs once.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { captureSeeds, straceSeeds, tcpdumpSeeds, type CaptureSeed, type TextSeed } from './corpus.js';
import type { FuzzInput } from './harness.js';

// ---- text ---------------------------------------------------------------------

/** Text that strace and tcpdump lines are made of, and the absurd values that break naive number handling. */
export const STRACE_SPECIALS = [
  '\0', '\r', '\t', '"', '\\', '\\"', "'", '<unfinished ...>', ' <unfinished ...>', ') = ?', '<... ', ' resumed>', '<... read resumed>', '<... execve resumed>',
  '<detached ...>', '(', ')', '[', ']', '{', '}', '<', '>', '<<', '>>', '/*', '*/', ' = ', '=', ',', ', ', '...', '=>', '&&', '|',
  '18446744073709551616', '-18446744073709551617', '0x' + 'f'.repeat(40), '-0x8000000000000000', '9'.repeat(400) + '.1', '1e999', 'NaN', '-0',
  '[pid 4294967296] ', '[pid -1] ', '[pid 99999999999999999999999] ', '99999999999 ', '18446744073709551616 ', '25:61:99.9999999 ', '99:99:99 ',
  '4294967296.000000 ', '9'.repeat(330) + '.5 ', '(+999999999999.1) ', '(+' + '9'.repeat(400) + ') ', ' <99999999999999999999.1>', ' <' + '9'.repeat(400) + '.1>',
  '+++ exited with 99999999999999999999 +++', '+++ killed by SIGKILL (core dumped) +++', '+++ superseded by execve in pid 18446744073709551616 +++',
  '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---', '--- {si_signo=', '--- stopped by SIGSTOP ---',
  'strace: Process 4294967296 attached', 'strace: Process 1 attached with 99999999999999 threads', '\x1b[31m', '\x1b[', '\u202e', '\ufffd', '\u0000\u0000',
  ' > /lib/x.so(foo+0x1) [0x1]', ' | 00000  61 62  ab |', '% time     seconds  usecs/call     calls    errors syscall',
  '------ ----------- ----------- --------- --------- ----------------', '[ Process PID=1 runs in 32 bit mode. ]', '  ' + '_'.repeat(40) + '     ____',
  'ERESTARTSYS (To be restarted if SA_RESTART is set)', ' (INJECTED)', ' (errno 99999999999)', '</dev/null<char 1:3>>', '<TCP:[1.2.3.4:5->6.7.8.9:10]>', '(deleted)',
];

export const TCPDUMP_SPECIALS = [
  'IP ', 'IP6 ', ' > ', ': ', ':', 'Flags [', 'Flags [S.]', '[|tcp]', '[|', '[', ']', '(', ')', 'options [', 'options [nop,nop,TS val 1 ecr 2]', 'options (',
  'seq ', 'seq 4294967296:99999999999999999999', 'ack 99999999999999999999', 'win 99999999999', 'length ', 'length 4294967296', 'length 1 ', 'cksum 0x1 (', 'cksum 0x1 (correct)',
  '(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)', 'proto TCP (6)', 'next-header ', 'payload length: 99999999999', 'frag (', 'frag (0|20) ', 'HBH (', 'HBH ',
  'ethertype IPv4 (0x0800), length 99999999999: ', '00:00:00:00:00:00 > ff:ff:ff:ff:ff:ff, ', 'vlan 4095, p 7, ', 'ifindex 99999999999 ', 'lo    In  ', 'AF IPv4 (2), length 1: ',
  '99:99:99.9999999 ', '00:00:00.000000 ', ' 00:00:00.000000 ', '-00:00:01.000000 ', '1418145369.9999999999 ', '9'.repeat(400) + '.1 ', '2014-99-99 99:99:99.1 ', ' (invalid us)', ' (invalid ns)',
  '    ', '\t', '99999  ', '    1  ', 'caplen 99999999999 len 0 ', 'ARP, ', 'Request who-has ', 'RARP, ', 'truncated-ip - 99999999999 bytes missing!', 'bad-len ', 'bad-hlen 4',
  '::', ':::::', '1.2.3.4.5.6.7.8', 'fe80::1.99999', 'ICMP ', 'udp port 99999 unreachable', 'unreachable', 'reading from file x, link-type EN10MB (Ethernet)',
  '\0', '\r', '\x1b[0m', '\u202e', '0x0000:  4500 0054', '\tE..T..@.@.', 'tcp 99999999999', 'UDP, length 99999999999',
];

/** Byte sequences that are not UTF-8: lone continuation, truncated sequences, overlong, surrogates, 0xff. */
const INVALID_UTF8: number[][] = [[0xff], [0xfe, 0xff], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

export interface TextMutation {
  kind: 'flip' | 'delete' | 'dup' | 'truncate' | 'splice' | 'insert' | 'repeat' | 'nest' | 'dropLine' | 'dupLine' | 'swapLines' | 'foreign';
  line: number;
  a: number;
  b: number;
  k: number;
  tok: string;
}

/** How long a `repeat` mutation makes a line: long enough that quadratic work shows as seconds, short enough that linear work stays milliseconds. */
export const REPEAT_BYTES = 96 * 1024;

const textMutation = (specials: readonly string[]): fc.Arbitrary<TextMutation> =>
  fc.record({
    kind: fc.constantFrom<TextMutation['kind']>('flip', 'delete', 'dup', 'truncate', 'splice', 'insert', 'insert', 'insert', 'repeat', 'nest', 'dropLine', 'dupLine', 'swapLines', 'foreign'),
    line: fc.nat(),
    a: fc.nat(),
    b: fc.nat(),
    k: fc.nat({ max: 1 << 16 }),
    tok: fc.constantFrom(...specials),
  });

const NEST_OPEN = ['[', '{', '(', '<', '[{', '"', '/*', 'Flags [', '(('];
const NEST_CLOSE: Record<string, string> = { '[': ']', '{': '}', '(': ')', '<': '>', '[{': '}]', '"': '"', '/*': '*/', 'Flags [': ']', '((': '))' };

function applyTextMutation(lines: string[], m: TextMutation, seeds: readonly TextSeed[], foreign: readonly TextSeed[]): void {
  if (lines.length === 0) lines.push('');
  const i = m.line % lines.length;
  const s = lines[i]!;
  const at = m.a % (s.length + 1);
  switch (m.kind) {
    case 'flip':
      lines[i] = s.slice(0, at) + String.fromCharCode(m.k & 0xff) + s.slice(at + 1);
      break;
    case 'delete':
      lines[i] = s.slice(0, at) + s.slice(at + 1 + (m.b % 32));
      break;
    case 'dup': {
      const piece = s.slice(at, at + 1 + (m.b % 64));
      lines[i] = s.slice(0, at) + piece + s.slice(at);
      break;
    }
    case 'truncate':
      lines[i] = s.slice(0, at);
      break;
    case 'splice': {
      const seed = seeds[m.k % seeds.length]!;
      const other = seed.lines[m.b % seed.lines.length] ?? '';
      lines[i] = s.slice(0, at) + other.slice(m.b % (other.length + 1));
      break;
    }
    case 'insert':
      lines[i] = s.slice(0, at) + m.tok + s.slice(at);
      break;
    case 'repeat': {
      // A piece of the line (or a special) repeated into a long line.
      const piece = m.b % 3 === 0 ? m.tok : s.slice(at, at + 1 + (m.b % 24)) || m.tok;
      const times = Math.max(1, Math.floor(REPEAT_BYTES / piece.length));
      lines[i] = s.slice(0, at) + piece.repeat(times) + s.slice(at);
      break;
    }
    case 'nest': {
      const open = NEST_OPEN[m.b % NEST_OPEN.length]!;
      const depth = 1 + (m.k % 10000);
      const closed = m.b % 2 === 0;
      lines[i] = s.slice(0, at) + open.repeat(depth) + (closed ? '1' + NEST_CLOSE[open]!.repeat(depth) : '') + s.slice(at);
      break;
    }
    case 'dropLine':
      lines.splice(i, 1);
      break;
    case 'dupLine':
      lines.splice(i, 0, s);
      break;
    case 'swapLines': {
      const j = m.b % lines.length;
      lines[i] = lines[j]!;
      lines[j] = s;
      break;
    }
    case 'foreign': {
      // A line of the other text family (a tcpdump line in a strace log and the reverse).
      const seed = foreign[m.k % foreign.length];
      if (seed) lines.splice(i, 0, seed.lines[m.b % seed.lines.length] ?? '');
      break;
    }
  }
}

export interface TextCase {
  seed: number;
  start: number;
  count: number;
  mutations: TextMutation[];
  eol: 'lf' | 'crlf' | 'cr' | 'mixed';
  finalEol: boolean;
  /** Byte positions (in the encoded text) where invalid UTF-8 is inserted. */
  badUtf8: { at: number; which: number }[];
  chunks: number[];
  envelope: boolean;
}

const textCase = (specials: readonly string[]): fc.Arbitrary<TextCase> =>
  fc.record({
    seed: fc.nat(),
    start: fc.nat(),
    count: fc.integer({ min: 1, max: 24 }),
    mutations: fc.array(textMutation(specials), { maxLength: 5 }),
    eol: fc.constantFrom<TextCase['eol']>('lf', 'lf', 'lf', 'crlf', 'cr', 'mixed'),
    finalEol: fc.boolean(),
    badUtf8: fc.array(fc.record({ at: fc.nat(), which: fc.nat({ max: INVALID_UTF8.length - 1 }) }), { maxLength: 2 }),
    chunks: fc.array(fc.integer({ min: 1, max: 4096 }), { maxLength: 4 }),
    envelope: fc.boolean(),
  });

/** The bytes of a text case. */
export function buildText(c: TextCase, seeds: readonly TextSeed[], foreign: readonly TextSeed[]): Buffer {
  const seed = seeds[c.seed % seeds.length]!;
  const start = c.start % seed.lines.length;
  const lines = seed.lines.slice(start, start + c.count);
  for (const m of c.mutations) applyTextMutation(lines, m, seeds, foreign);
  let text = '';
  lines.forEach((l, k) => {
    const eol = c.eol === 'lf' ? '\n' : c.eol === 'crlf' ? '\r\n' : c.eol === 'cr' ? '\r' : ['\n', '\r\n', '\r', '\n\n'][k % 4]!;
    text += l + (k < lines.length - 1 || c.finalEol ? eol : '');
  });
  let bytes = Buffer.from(text, 'utf8');
  for (const b of c.badUtf8) {
    const at = b.at % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(INVALID_UTF8[b.which]!), bytes.subarray(at)]);
  }
  return bytes;
}

function describeText(family: string, c: TextCase, seeds: readonly TextSeed[]): string {
  const seed = seeds[c.seed % seeds.length]!;
  return `${family}: ${seed.name} lines ${(c.start % seed.lines.length) + 1}+${c.count}, ${c.mutations.map((m) => m.kind).join(',') || 'no mutation'}`;
}

/** Text of one family mutated from its seeds; lines of the other family are the foreign lines mixed in. */
function textInput(family: 'strace' | 'tcpdump', seeds: readonly TextSeed[], foreign: readonly TextSeed[], specials: Parameters<typeof textCase>[0]): fc.Arbitrary<FuzzInput> {
  return textCase(specials).map((c) => ({
    family,
    label: describeText(family, c, seeds),
    bytes: buildText(c, seeds, foreign),
    chunks: c.chunks,
    // Only the strace reader has an envelope-only mode.
    ...(family === 'strace' ? { envelope: c.envelope } : {}),
  }));
}

export function straceInput(): fc.Arbitrary<FuzzInput> {
  return textInput('strace', straceSeeds(), tcpdumpSeeds(), STRACE_SPECIALS);
}

export function tcpdumpInput(): fc.Arbitrary<FuzzInput> {
  return textInput('tcpdump', tcpdumpSeeds(), straceSeeds(), TCPDUMP_SPECIALS);
}

// ---- captures ------------------------------------------------------------------

/** The structure of a capture seed, enough to aim mutations at fields. */
interface Element {
  /** pcap: 'header' | 'record'; pcapng: the block type. */
  kind: string;
  offset: number;
  length: number;
  /** Where the frame's bytes start and how many (records, packet blocks). */
  data?: { at: number; len: number; linkType: number };
}

interface Layout {
  le: boolean;
  elements: Element[];
}

/** Walk a seed's records or blocks; stops quietly at anything odd (the seeds are valid, mutations come later). */
export function layout(b: Buffer, format: 'pcap' | 'pcapng'): Layout {
  const els: Element[] = [];
  if (b.length < 12) return { le: true, elements: els };
  if (format === 'pcap') {
    const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
    const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    if (b.length < 24) return { le, elements: els };
    els.push({ kind: 'header', offset: 0, length: 24 });
    const lt = u32(20) & 0xffff;
    for (let o = 24; o + 16 <= b.length; ) {
      const cap = u32(o + 8);
      if (o + 16 + cap > b.length) break;
      els.push({ kind: 'record', offset: o, length: 16 + cap, data: { at: o + 16, len: cap, linkType: lt } });
      o += 16 + cap;
    }
    return { le, elements: els };
  }
  let le = true;
  const links: number[] = [];
  for (let o = 0; o + 12 <= b.length; ) {
    if (b.readUInt32LE(o) === 0x0a0d0d0a) {
      le = b.readUInt32LE(o + 8) === 0x1a2b3c4d;
      links.length = 0;
    }
    const u32 = (x: number) => (le ? b.readUInt32LE(x) : b.readUInt32BE(x));
    const type = u32(o);
    const len = u32(o + 4);
    if (len < 12 || len % 4 || o + len > b.length) break;
    const el: Element = { kind: type === 0x0a0d0d0a ? 'shb' : type === 1 ? 'idb' : type === 6 ? 'epb' : type === 3 ? 'spb' : `block-${type}`, offset: o, length: len };
    if (type === 1 && len >= 20) links.push(le ? b.readUInt16LE(o + 8) : b.readUInt16BE(o + 8));
    if (type === 6 && len >= 32) el.data = { at: o + 28, len: Math.min(u32(o + 20), len - 32), linkType: links[u32(o + 8)] ?? -1 };
    if (type === 3 && len >= 16) el.data = { at: o + 12, len: Math.min(u32(o + 8), len - 16), linkType: links[0] ?? -1 };
    els.push(el);
    o += len;
  }
  return { le, elements: els };
}

/** Where the network layer starts in a frame of this link type. */
function networkOffset(linkType: number): number {
  switch (linkType) {
    case 1: return 14;
    case 113: return 16;
    case 276: return 20;
    case 0: case 108: return 4;
    case 239: return 8; // NFLOG: header and the first TLV's header, roughly
    default: return 0;
  }
}

/** Values that break length arithmetic. */
const ABSURD_U32 = [0, 1, 3, 11, 12, 13, 16, 24, 27, 28, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff, 0x01000000, 0x10000000, 65535, 65536, 262144, 262145];
const LINK_TYPES = [0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 147, 228, 229, 239, 276, 65535, 0x1234];
/** Bytes for IP/TCP/ICMP header fields: versions with IHL 0/1/4/5/15, protocols, TCP data offsets 0/1/5/15. */
const HEADER_BYTES = [0x00, 0x01, 0x02, 0x03, 0x06, 0x0b, 0x11, 0x2c, 0x3a, 0x40, 0x41, 0x44, 0x45, 0x46, 0x4f, 0x60, 0x10, 0x50, 0xf0, 0xff, 0x7f, 0x80];
/** Offsets from the network layer (IPv4 with a 20-byte header): version/IHL, lengths, fragment, protocol, TCP data offset and flags, options, ICMP type and the quoted header. */
const HEADER_OFFSETS = [0, 1, 2, 3, 6, 7, 9, 20, 21, 24, 32, 33, 40, 41, 42, 28, 29, 30, 4, 5, 6, 40, 44, 46];

export interface CaptureMutation {
  kind: 'field' | 'frameByte' | 'byte' | 'truncate' | 'shrinkFrame' | 'linkType' | 'options' | 'dropElement' | 'dupElement' | 'insertGarbage';
  target: number;
  field: number;
  value: number;
  pick: number;
}

const captureMutation: fc.Arbitrary<CaptureMutation> = fc.record({
  kind: fc.constantFrom<CaptureMutation['kind']>('field', 'field', 'frameByte', 'frameByte', 'frameByte', 'byte', 'truncate', 'shrinkFrame', 'shrinkFrame', 'linkType', 'options', 'dropElement', 'dupElement', 'insertGarbage'),
  target: fc.nat(),
  field: fc.nat(),
  value: fc.nat(),
  pick: fc.nat(),
});

function setU32(b: Buffer, o: number, v: number, le: boolean): void {
  if (o < 0 || o + 4 > b.length) return;
  if (le) b.writeUInt32LE(v >>> 0, o);
  else b.writeUInt32BE(v >>> 0, o);
}

function setU16(b: Buffer, o: number, v: number, le: boolean): void {
  if (o < 0 || o + 2 > b.length) return;
  if (le) b.writeUInt16LE(v & 0xffff, o);
  else b.writeUInt16BE(v & 0xffff, o);
}

/** Field offsets within an element, by kind. */
function fieldOffsets(el: Element): number[] {
  switch (el.kind) {
    case 'header': return [0, 4, 6, 8, 12, 16, 20];
    case 'record': return [0, 4, 8, 12];
    case 'shb': return [4, 8, 12, 14, 16, 20, el.length - 4];
    case 'idb': return [4, 8, 10, 12, 16, 18, el.length - 4];
    case 'epb': return [4, 8, 12, 16, 20, 24, el.length - 4];
    case 'spb': return [4, 8, el.length - 4];
    default: return [0, 4, el.length - 4];
  }
}

/** Apply one mutation; returns the new bytes (may be the same buffer, changed). */
function applyCaptureMutation(b: Buffer, format: 'pcap' | 'pcapng', m: CaptureMutation): Buffer {
  const lay = layout(b, format);
  const els = lay.elements;
  const le = lay.le;
  const el = els.length ? els[m.target % els.length]! : undefined;
  const frames = els.filter((e) => e.data && e.data.len > 0);
  const fr = frames.length ? frames[m.target % frames.length]! : undefined;
  switch (m.kind) {
    case 'field': {
      if (!el) return b;
      const offs = fieldOffsets(el);
      const o = el.offset + offs[m.field % offs.length]!;
      const v = m.pick % 4 === 0 ? m.value >>> 0 : m.pick % 4 === 1 ? (el.length + ((m.value % 9) - 4) * 4) >>> 0 : ABSURD_U32[m.value % ABSURD_U32.length]!;
      setU32(b, o, v, le);
      return b;
    }
    case 'frameByte': {
      if (!fr) return b;
      const d = fr.data!;
      const o = d.at + networkOffset(d.linkType) + HEADER_OFFSETS[m.field % HEADER_OFFSETS.length]!;
      if (o < d.at + d.len) b[o] = m.pick % 3 === 0 ? m.value & 0xff : HEADER_BYTES[m.value % HEADER_BYTES.length]!;
      return b;
    }
    case 'byte': {
      if (b.length === 0) return b;
      b[m.target % b.length] = m.value & 0xff;
      return b;
    }
    case 'truncate':
      return b.subarray(0, m.target % (b.length + 1));
    case 'shrinkFrame': {
      // Keep only k bytes of a frame (0: a 0-length frame), with every length field made to agree.
      if (!fr) return b;
      const d = fr.data!;
      const k = m.pick % 2 === 0 ? 0 : m.value % (d.len + 1);
      const cut = d.len - k;
      const padBefore = (4 - (d.len % 4)) % 4;
      const padAfter = (4 - (k % 4)) % 4;
      const remove = format === 'pcapng' ? cut + padBefore - padAfter : cut;
      const out = Buffer.concat([b.subarray(0, d.at + k), b.subarray(d.at + k + remove)]);
      if (format === 'pcap') setU32(out, fr.offset + 8, k, le);
      else {
        const len = fr.length - remove;
        setU32(out, fr.offset + 4, len, le);
        setU32(out, fr.offset + len - 4, len, le);
        setU32(out, fr.offset + (fr.kind === 'spb' ? 8 : 20), k, le);
      }
      return out;
    }
    case 'linkType': {
      const lt = LINK_TYPES[m.value % LINK_TYPES.length]!;
      if (format === 'pcap') setU32(b, 20, m.pick % 5 === 0 ? m.value & 0xffff : lt, le);
      else {
        const idbs = els.filter((e) => e.kind === 'idb');
        const idb = idbs[m.target % Math.max(1, idbs.length)];
        if (idb) setU16(b, idb.offset + 8, m.pick % 5 === 0 ? m.value & 0xffff : lt, le);
      }
      return b;
    }
    case 'options': {
      // Garbage options before a pcapng block's trailer (lengths fixed up): absurd lengths, end-of-options early, unknown codes.
      if (format !== 'pcapng' || !el || el.length < 12) return b;
      const opts = Buffer.alloc(4 + 4 * (1 + (m.pick % 4)));
      const code = [0, 1, 2, 3, 9, 13, 14, 0xffff, 0x8000][m.field % 9]!;
      const olen = [0, 1, 4, 8, 0xffff, 0xfffc, 3, 200][m.value % 8]!;
      setU16(opts, 0, code, le);
      setU16(opts, 2, olen, le);
      for (let i = 4; i < opts.length; i++) opts[i] = (m.value * 31 + i) & 0xff;
      const at = el.offset + el.length - 4;
      const out = Buffer.concat([b.subarray(0, at), opts, b.subarray(at)]);
      const len = el.length + opts.length;
      setU32(out, el.offset + 4, len, le);
      setU32(out, el.offset + len - 4, len, le);
      return out;
    }
    case 'dropElement':
      if (!el || el.kind === 'header') return b;
      return Buffer.concat([b.subarray(0, el.offset), b.subarray(el.offset + el.length)]);
    case 'dupElement':
      if (!el || el.kind === 'header') return b;
      return Buffer.concat([b.subarray(0, el.offset + el.length), b.subarray(el.offset, el.offset + el.length), b.subarray(el.offset + el.length)]);
    case 'insertGarbage': {
      const at = m.target % (b.length + 1);
      const g = Buffer.alloc(1 + (m.pick % 64));
      for (let i = 0; i < g.length; i++) g[i] = (m.value * 131 + i * 17) & 0xff;
      return Buffer.concat([b.subarray(0, at), g, b.subarray(at)]);
    }
  }
}

export interface CaptureCase {
  seed: number;
  mutations: CaptureMutation[];
  chunks: number[];
  /** 0: plain; 1: gzip-wrapped for openTraces; 2: the bytes are gzip, then cut or flipped (garbage gzip). */
  gzip: number;
  gzipDamage: number;
}

const captureCase: fc.Arbitrary<CaptureCase> = fc.record({
  seed: fc.nat(),
  mutations: fc.array(captureMutation, { minLength: 1, maxLength: 4 }),
  chunks: fc.array(fc.integer({ min: 1, max: 512 }), { maxLength: 4 }),
  gzip: fc.constantFrom(0, 0, 0, 0, 0, 1, 2),
  gzipDamage: fc.nat(),
});

export function buildCapture(c: CaptureCase, seeds: readonly CaptureSeed[]): { bytes: Buffer; format: 'pcap' | 'pcapng'; name: string } {
  const seed = seeds[c.seed % seeds.length]!;
  let b = Buffer.from(seed.bytes);
  for (const m of c.mutations) b = Buffer.from(applyCaptureMutation(b, seed.format, m));
  if (c.gzip === 2) {
    const gz = gzipSync(b);
    // Damage the compressed stream: cut it, or flip a byte past the 10-byte gzip header.
    b = c.gzipDamage % 2 === 0 ? gz.subarray(0, c.gzipDamage % (gz.length + 1)) : Buffer.from(gz);
    if (c.gzipDamage % 2 === 1 && b.length > 10) b[10 + (c.gzipDamage % (b.length - 10))] ^= 0x5a;
  }
  return { bytes: b, format: seed.format, name: seed.name };
}

export function captureInput(): fc.Arbitrary<FuzzInput> {
  const seeds = captureSeeds();
  return captureCase.map((c) => {
    const { bytes, format, name } = buildCapture(c, seeds);
    return {
      family: 'capture' as const,
      label: `capture: ${name}, ${c.mutations.map((m) => m.kind).join(',')}${c.gzip ? ` gzip ${c.gzip}` : ''}`,
      bytes,
      format,
      chunks: c.chunks,
      gzip: c.gzip === 1,
    };
  });
}

// ---- detection ------------------------------------------------------------------

export function detectInput(): fc.Arbitrary<FuzzInput> {
  const magic = fc.constantFrom(
    Buffer.alloc(0),
    Buffer.from([0x1f, 0x8b]),
    Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    Buffer.from('d4c3b2a1', 'hex'),
    Buffer.from('a1b2c3d4', 'hex'),
    Buffer.from('4d3cb2a1', 'hex'),
    Buffer.from('a1b2cd34', 'hex'),
    Buffer.from('0a0d0d0a', 'hex'),
    Buffer.from('0a0d0d0a1c0000004d3c2b1a', 'hex'),
    Buffer.from('\ufeff', 'utf8'),
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
    fc.string({ unit: 'binary', maxLength: 2048 }).map((s) => Buffer.from(s, 'utf8')),
    fc.array(fc.constantFrom(...STRACE_SPECIALS, ...TCPDUMP_SPECIALS, '\n', '\n', '\n'), { maxLength: 200 }).map((a) => Buffer.from(a.join(''), 'utf8')),
  );
  return fc.record({ magic, body, gzip: fc.constantFrom(0, 0, 0, 1) }).map(({ magic: m, body: b, gzip }) => ({
    family: 'detect' as const,
    label: `detect: ${m.length ? m.toString('hex') + ' + ' : ''}${b.length} bytes${gzip ? ', gzipped' : ''}`,
    bytes: Buffer.concat([m, b]),
    gzip: gzip === 1,
  }));
}

// ---- the monsters -----------------------------------------------------------------

const MB = 1 << 20;

export interface Monster {
  family: 'strace' | 'tcpdump';
  label: string;
  /** Built on demand: each is about `size` bytes, too big to keep them all. */
  make: () => FuzzInput;
}

/** The deterministic hostile inputs: huge lines, deep nesting, pathological repetition, of about `size` bytes each; `count` lines where it is lines that are many. */
export function hostileInputs(size = 10 * MB, count = 200_000): Monster[] {
  const ok = 'close(3)                                = 0\n';
  const s = (label: string, body: () => string, noFinalNewline = false): Monster => ({
    family: 'strace',
    label: `strace: ${label}`,
    make: () => ({ family: 'strace', label: `strace: ${label}`, bytes: Buffer.from(ok + body() + (noFinalNewline ? '' : '\n' + ok)), big: true }),
  });
  const t = (label: string, body: () => string): Monster => ({
    family: 'tcpdump',
    label: `tcpdump: ${label}`,
    make: () => ({
      family: 'tcpdump',
      label: `tcpdump: ${label}`,
      bytes: Buffer.from('12:00:00.000000 IP 10.0.0.1.80 > 10.0.0.2.5000: Flags [S], seq 1, win 512, length 0\n' + body() + '\n12:00:00.000002 IP 10.0.0.1.80 > 10.0.0.2.5000: Flags [.], ack 1, win 512, length 0\n'),
      big: true,
    }),
  });
  const rep = (piece: string) => piece.repeat(Math.max(1, Math.floor(size / piece.length)));
  const deep = (open: string, close: string, n = 10000) => open.repeat(n) + '1' + close.repeat(n);
  const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  return [
    s('one 10 MB string argument', () => `write(1, "${rep('x')}", ${size}) = ${size}`),
    s('one 10 MB string argument of escapes', () => `write(1, "${rep('\\377')}", ${size}) = ${size}`),
    s('10 MB of values in one array', () => `poll([${rep('1, ')}1], 1, 0) = 0`),
    s('10 MB of words', () => `ioctl(3, ${rep('A ')}) = 0`),
    s('10 MB of unclosed "<"', () => `foo(${rep('< ')}) = 0`),
    s('10 MB of "<" in a line that never closes', () => `foo(${rep('< ')}`),
    s('10 MB of escaped quotes', () => `foo("${rep('\\"')}) = 0`),
    s('10 MB without a closing parenthesis', () => `read(3, "${rep('y')}"`),
    s('10 MB last line with no newline', () => `write(1, "${rep('z')}", 1) = 1`, true),
    s('"[" nested 10 000 deep', () => `ioctl(3, ${deep('[', ']')}) = 0`),
    s('"{" nested 10 000 deep', () => `ioctl(3, ${deep('{', '}')}) = 0`),
    s('"(" nested 10 000 deep', () => `ioctl(3, ${deep('(', ')')}) = 0`),
    s('"{a=" nested 100 000 deep', () => `ioctl(3, ${deep('{a=', '}', 100000)}) = 0`),
    s('unbalanced "[" 1 000 000 deep', () => `ioctl(3, ${'['.repeat(1000000)}) = 0`),
    s('10 MB of NUL bytes', () => rep('\0')),
    s('10 MB of "/*"', () => `foo(${rep('/* ')}) = 0`),
    s('10 MB of "<a>" decorations', () => `foo(${rep('<a>')}) = 0`),
    s('10 MB of records glued on one line', () => rep('exit_group(0)   = ?')),
    s('10 MB of glued calls each "<unfinished ...>"', () => rep('read(3, <unfinished ...>) = ?')),
    s(`unfinished calls that never resume, ${count} pids`, () => lines(count, (i) => `[pid ${i + 1}] read(3,  <unfinished ...>`)),
    s(`resumed without a start, ${count} lines`, () => lines(count, (i) => `[pid ${i + 1}] <... read resumed>"x", 1) = 1`)),
    s(`${count} lines each cut mid-call`, () => lines(count, (i) => `read(${i}, "abc`)),
    t('10 MB of "["', () => `12:00:00.000001 IP ${rep('[ ')}`),
    t('10 MB of "cksum 0x1 ("', () => `12:00:00.000001 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], ${rep('cksum 0x1 (')}`),
    t('10 MB of "length 1"', () => `12:00:00.000001 IP ${rep('length 1 ')}`),
    t('10 MB of "1:1:"', () => `12:00:00.000001 IP ${rep('1:1:')}x`),
    t('10 MB of ":"', () => `12:00:00.000001 IP ${rep(':')} `),
    t('10 MB of "next-header "', () => `12:00:00.000001 IP6 (${rep('next-header ')}`),
    t('10 MB of "Flags ["', () => `12:00:00.000001 IP 1.2.3.4.5 > 6.7.8.9.10: ${rep('Flags [')}`),
    t('10 MB application summary', () => `12:00:00.000001 IP 1.2.3.4.5 > 6.7.8.9.10: UDP, length 1 ${rep('a')}`),
    t('10 MB of TCP options', () => `12:00:00.000001 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], options [${rep('nop,')}], length 0`),
    t('"(" nested 10 000 deep', () => `12:00:00.000001 IP ${deep('(', ')')}`),
    t('10 MB continuation line', () => `  ${rep('0x0000:  4500 0054 ')}`),
    t('10 MB of words', () => `12:00:00.000001 IP ${rep('a ')}`),
    t('10 MB of U+FFFD in TCP options', () => `12:00:00.000001 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], options [${rep('\ufffd')}`),
    t('10 MB of CR inside a line', () => `12:00:00.000001 IP 1.2.3.4.5 > 6.7.8.9.10: Flags [S], ${rep('\r')}`),
  ];
}

/**
 * One input per bug fuzzing found that the monsters do not already cover
 * (docs/fuzzing.md, "Bugs found"): each failed before its fix.
 */
export function regressionInputs(): FuzzInput[] {
  const big = '9'.repeat(400);
  const pcapHeader = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
  return [
    {
      family: 'strace',
      label: 'strace: 300 000 events from parseStraceText (events.push(...) overflowed the stack)',
      bytes: Buffer.from('close(3) = 0\n'.repeat(300_000)),
      envelope: true,
    },
    {
      family: 'strace',
      label: 'strace: 16 000 records glued on one line (one recursion each overflowed the stack; a lastIndexOf per record was quadratic)',
      bytes: Buffer.from('exit_group(0)   = ?' + 'oup(0)   = ?'.repeat(16_000) + '\n'),
    },
    {
      family: 'strace',
      label: 'strace: an expression of 49 000 operators (`</</…`: an event JSON.stringify could not write)',
      bytes: Buffer.from('1389356960.211761 write(1' + '</'.repeat(49_000) + '<) = 1\n'),
    },
    {
      family: 'capture',
      label: 'capture: 300 000 frames from parseCapture (events.push(...) overflowed the stack)',
      bytes: Buffer.concat([pcapHeader, Buffer.alloc(16 * 300_000)]),
      format: 'pcap',
    },
    {
      family: 'strace',
      label: 'strace: numbers of 400 digits (Infinity, written as null)',
      bytes: Buffer.from(
        [
          `${big}.000001 close(3) = 0 <${big}.1>`,
          `(+${big}.5) close(3) = 0`,
          '(+0.5) close(4) = 0',
          `[pid ${big}] close(3) = 0`,
          `+++ exited with ${big} +++`,
          `strace: Process ${big} attached with ${big} threads`,
          `+++ superseded by execve in pid ${big} +++`,
          '% time     seconds  usecs/call     calls    errors syscall',
          `${big}.0 ${big}.0 ${big} ${big} ${big} read`,
        ].join('\n') + '\n',
      ),
    },
    {
      family: 'tcpdump',
      label: 'tcpdump: numbers of 400 digits (Infinity, written as null; the clock poisoned)',
      bytes: Buffer.from(
        [
          `${big}.1 IP 1.2.3.4.5 > 1.2.3.4.6: Flags [S], seq ${big}, ack ${big}, win ${big}, length ${big}`,
          `${big}:00:00.000001 IP 1.2.3.4.5 > 1.2.3.4.6: UDP, length 1`,
          '12:00:00.000002 IP 1.2.3.4.5 > 1.2.3.4.6: UDP, length 1',
          `caplen ${big} len ${big} 12:00:00.000003 IP 1.2.3.4.5 > 1.2.3.4.6: UDP, length 1`,
          `12:00:00.000004 IP (tos 0x0, ttl ${big}, id ${big}, offset ${big}, flags [+], proto UDP (17), length ${big})`,
          '    1.2.3.4.5 > 1.2.3.4.6: UDP, length 1',
        ].join('\n') + '\n',
      ),
    },
    {
      family: 'tcpdump',
      label: 'tcpdump: -ttt deltas with one of 400 digits (every later time was Infinity)',
      bytes: Buffer.from([' 00:00:00.000000 IP 1.2.3.4.5 > 1.2.3.4.6: UDP, length 1', ` ${big}:00:00.000001 IP 1.2.3.4.5 > 1.2.3.4.6: UDP, length 1`, ' 00:00:00.000001 IP 1.2.3.4.5 > 1.2.3.4.6: UDP, length 1'].join('\n') + '\n'),
    },
    {
      family: 'tcpdump',
      label: "tcpdump: TCP options of 98 000 U+FFFD (the lexer's error recovery was quadratic)",
      bytes: Buffer.from(`10:57:41.691426 IP 127.0.0.1.38412 > 127.0.0.1.18182: Flags [S], seq 1185353138, win 65495, options [${'\ufffd'.repeat(98_000)}\n`),
    },
    {
      family: 'tcpdump',
      label: 'tcpdump: an ICMP6 unreachable with a 200 KB word (an unanchored \\S+ was quadratic)',
      bytes: Buffer.from(`12:00:00.000001 IP6 ::1 > ::1: ICMP6, destination unreachable, unreachable port, ${'a'.repeat(200_000)} x\n`),
    },
  ];
}
