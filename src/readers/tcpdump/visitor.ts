/**
 * Semantics for the tcpdump network grammar: CST → PacketEvent fields.
 * The grammar (grammars/tcpdump/parser.ts) only recognises; what each
 * token means (a relative seq, a fragment, the flow an ICMP error quotes)
 * is decided here. The free text tcpdump prints for anything but TCP (the
 * grammar's `Rest`) and the ARP line are read here with small patterns.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { PacketEvent } from '../../model/events.js';
import { addrKey, type TcpSeqNumbering } from '../../decode/tcp-seq.js';
import { ICMP_TIME_EXCEEDED, ICMP_TYPES, ICMP_UNREACH, ICMP6_TYPES, ICMP6_UNREACH } from '../../knowledge/icmp.js';
import { ipProtocolName } from '../../knowledge/ip-protocols.js';
import { flagBits } from '../../knowledge/tcp.js';
import { note } from '../../decode/note.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const tok = (c: Children, name: string): IToken | undefined => c[name]?.[0] as IToken | undefined;
const toks = (c: Children, name: string): IToken[] => (c[name] as IToken[] | undefined) ?? [];
const node = (c: Children, name: string): CstNode | undefined => c[name]?.[0] as CstNode | undefined;

/** What one line's network part left for the next line or for the reader. */
export interface NetworkResult {
  /** An IPv4 -v header with nothing after it: the addresses and transport are on the next line. */
  headerOnly: boolean;
  /** The IP protocol number the -v header named (`proto TCP (6)`, `next-header UDP (17)`). */
  hdrProto?: number;
}

export interface VisitContext {
  /** One per file: tcpdump's relative sequence numbers. */
  seq: TcpSeqNumbering;
  /** From the first line of a two-line -v packet. */
  hdrProto?: number;
}

/** Fill `ev` from a `network` CST. */
export function visitNetwork(cst: CstNode, ev: PacketEvent, ctx: VisitContext): NetworkResult {
  const c = cst.children;
  const net = tok(c, 'net');
  if (net) ev.network = net.image === 'IP6' ? 'IP6' : 'IP';
  for (const t of toks(c, 'notes')) note(ev, bracketText(t.image));
  let hdrProto = ctx.hdrProto;
  const hdr = node(c, 'ipHeader');
  if (hdr) {
    const p = ipHeader(hdr.children, ev);
    if (p !== undefined) hdrProto = p;
  }
  const ep = node(c, 'endpoints');
  if (!ep) {
    if (!ev.proto || ev.proto === 'unknown') ev.proto = hdrProto !== undefined ? ipProtocolName(hdrProto) : ev.network === 'IP6' ? 'ip6' : 'ip';
    // IPv4's -v header ends its line ("...length 60)\n    src > dst: ..."); IPv6's does not.
    const r: NetworkResult = { headerOnly: !!hdr && !c['trunc'] && ev.network !== 'IP6' };
    if (hdrProto !== undefined) r.hdrProto = hdrProto;
    return r;
  }
  endpoints(ep.children, ev, { seq: ctx.seq, ...(hdrProto !== undefined ? { hdrProto } : {}) });
  return hdrProto !== undefined ? { headerOnly: false, hdrProto } : { headerOnly: false };
}

/** `[bad hdr length 8 - too short, < 20]` → its inside; `(invalid)` → "invalid". */
function bracketText(image: string): string {
  const c = image.charCodeAt(0);
  return c === 40 ? 'invalid' : c === 91 ? image.slice(1, -1) : image;
}

/** The decimal number in `image` from `from` to the end, without a substring (this runs several times per line). */
function num(image: string, from: number): number {
  let v = 0;
  for (let i = from; i < image.length; i++) {
    const d = image.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number(image.slice(from));
    v = v * 10 + d;
  }
  return v;
}

const IPV6_EXTENSION_NUMBERS = new Set([0, 43, 44, 51, 60, 135, 139, 140]);

/** The -v header: (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60) and IPv6's. Returns the protocol it names. */
function ipHeader(c: Children, ev: PacketEvent): number | undefined {
  let proto: number | undefined;
  let t: IToken | undefined;
  if ((t = tok(c, 'Ttl'))) ev.ttl = num(t.image, 4);
  if ((t = tok(c, 'Hlim'))) ev.ttl = num(t.image, 5);
  if ((t = tok(c, 'Id'))) ev.ipId = num(t.image, 3);
  if ((t = tok(c, 'Length'))) ev.ipLen = num(t.image, 7);
  if ((t = tok(c, 'PayloadLength'))) ev.ipLen = 40 + Number(t.image.slice(t.image.lastIndexOf(' ') + 1));
  if ((t = tok(c, 'Proto')) || (t = tok(c, 'NextHeader'))) {
    proto = Number(t.image.slice(t.image.lastIndexOf('(') + 1, -1));
    // An IPv6 extension header is not the transport: that one is named after the addresses.
    if (IPV6_EXTENSION_NUMBERS.has(proto) && t.tokenType.name === 'NextHeader') proto = undefined;
  }
  const off = tok(c, 'Offset');
  const flags = tok(c, 'IpFlags');
  if (off) {
    const offset = num(off.image, 7);
    const more = !!flags && flags.image.includes('+');
    if (offset !== 0 || more) ev.frag = { id: ev.ipId ?? 0, offset, more };
  }
  if ((t = tok(c, 'IpOptions'))) ev.ipOptions = ipv4OptionNames(t.image.slice(9, t.image.endsWith(')') ? -1 : undefined));
  for (const b of toks(c, 'BadCksum')) note(ev, b.image);
  for (const b of toks(c, 'notes')) note(ev, bracketText(b.image));
  return proto;
}

/** `RR 10.0.0.1 10.0.0.2, NOP, EOL` → the option names, in order. */
function ipv4OptionNames(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 40 || ch === 91) depth++;
    else if (ch === 41 || ch === 93) depth--;
    else if ((ch === 44 && depth === 0) || i === text.length) {
      const m = /^\s*([A-Za-z][\w-]*)/.exec(text.slice(start, i));
      if (m) out.push(m[1]!);
      start = i + 1;
    }
  }
  return out;
}

/**
 * "10.0.0.1.80" → ["10.0.0.1", 80]; "::1.8080" → ["::1", 8080]; no port → undefined.
 * IPv4 has a port when it has four dots; IPv6 when the part after its last
 * colon holds a dot that is not an embedded IPv4 address (`::ffff:1.2.3.4`).
 */
export function splitPort(a: string): [string, number] | undefined {
  const dot = a.lastIndexOf('.');
  if (dot < 0) return undefined;
  const colon = a.lastIndexOf(':');
  let dots = 0;
  for (let i = colon + 1; i < a.length; i++) if (a.charCodeAt(i) === 46) dots++;
  if (colon < 0 ? dots !== 4 : dots !== 1 && dots !== 4) return undefined;
  const port = Number(a.slice(dot + 1));
  if (!Number.isInteger(port)) return undefined;
  return [a.slice(0, dot), port];
}

function endpoints(c: Children, ev: PacketEvent, ctx: VisitContext): void {
  let src = tok(c, 'src')!.image;
  let dst = tok(c, 'dst')!.image;
  const exts = toks(c, 'ExtHdr');
  if (exts.length) {
    const names = ev.ipOptions ?? [];
    for (const e of exts) names.push(e.image.split(/[ (]/, 1)[0]!);
    ev.ipOptions = names;
  }
  const sport = tok(c, 'sport');
  const dport = tok(c, 'dport');
  if (sport && dport) {
    // Ports printed after IPv6 extension headers join their addresses, as tcpdump prints them without.
    src = `${src}.${sport.image}`;
    dst = `${dst}.${dport.image}`;
  }
  ev.src = src;
  ev.dst = dst;
  const tcpNode = node(c, 'tcp');
  if (tcpNode) {
    tcp(tcpNode.children, ev, ctx);
    return;
  }
  let t: IToken | undefined;
  if ((t = tok(c, 'QuietTcp'))) {
    ev.proto = 'tcp';
    ev.len = num(t.image, 4);
    return;
  }
  if ((t = tok(c, 'Rest'))) {
    rest(t.image, ev, splitPort(src) !== undefined, ctx.hdrProto);
    return;
  }
  // Cut off right after the addresses (`[|tcp]`): the mark names the transport when nothing else does.
  const cut = tok(c, 'trunc')?.image.slice(2, -1).toLowerCase();
  if (ctx.hdrProto !== undefined) ev.proto = ipProtocolName(ctx.hdrProto);
  else if (cut && TRANSPORTS.has(cut)) ev.proto = cut;
  else ev.proto = ev.network === 'IP6' ? 'ip6' : 'ip';
}

const TRANSPORTS = new Set(['tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'dccp', 'igmp', 'gre', 'esp', 'ah', 'pim', 'vrrp']);

function tcp(c: Children, ev: PacketEvent, ctx: VisitContext): void {
  ev.proto = 'tcp';
  const flags = tok(c, 'TcpFlags')!.image;
  const letters = flags.slice(7, -1);
  ev.flags = letters;
  let t: IToken | undefined;
  let seq: number | undefined;
  let ack: number | undefined;
  if ((t = tok(c, 'Seq'))) {
    const colon = t.image.indexOf(':', 4);
    seq = Number(colon < 0 ? t.image.slice(4) : t.image.slice(4, colon));
    ev.seq = seq;
  }
  if ((t = tok(c, 'Ack'))) ev.ack = ack = num(t.image, 4);
  if ((t = tok(c, 'Win'))) ev.win = num(t.image, 4);
  if ((t = tok(c, 'Urg'))) ev.urg = num(t.image, 4);
  if ((t = tok(c, 'Length'))) ev.len = num(t.image, 7);
  const opts = node(c, 'options');
  if (opts) options(toks(opts.children, 'OptItem'), ev);
  for (const b of toks(c, 'notes')) note(ev, bracketText(b.image));
  const bits = flagBits(letters);
  const s = splitPort(ev.src!);
  const d = splitPort(ev.dst!);
  if (bits === undefined || !s || !d) return;
  const r = ctx.seq.recover(addrKey(s[0]), addrKey(d[0]), s[1], d[1], ev.src!, ev.dst!, bits, seq, ack);
  ev.seqRelative = r.relative;
  if (r.rawSeq !== undefined) ev.rawSeq = r.rawSeq;
  if (r.rawAck !== undefined) ev.rawAck = r.rawAck;
}

const SACK_BLOCK = /\{(\d+):(\d+)\}/g;

function options(items: IToken[], ev: PacketEvent): void {
  const out: string[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const o = items[i]!.image;
    out[i] = o;
    switch (o.charCodeAt(0)) {
      case 110: // nop
        break;
      case 109: // mss N
        if (o.startsWith('mss ')) ev.mss = num(o, 4);
        break;
      case 119: // wscale N
        if (o.startsWith('wscale ')) ev.wscale = num(o, 7);
        break;
      case 84: { // TS val N ecr N
        const m = /^TS val (\d+) ecr (\d+)/.exec(o);
        if (m) {
          ev.tsval = Number(m[1]);
          ev.tsecr = Number(m[2]);
        }
        break;
      }
      case 115: // sackOK, sack N {a:b}...
        if (o === 'sackOK') ev.sackOk = true;
        else if (o.startsWith('sack ')) {
          const blocks: Array<[number, number]> = [];
          for (const m of o.matchAll(SACK_BLOCK)) blocks.push([Number(m[1]), Number(m[2])]);
          ev.sack = blocks;
        }
        break;
    }
    if (o.includes('[bad opt]')) note(ev, `bad option: ${o}`);
  }
  ev.options = out;
}

// ---- free text: UDP applications, ICMP, other IP protocols -------------------

/** -v checksum verdicts tcpdump puts before the summary: `[udp sum ok] `, `[bad udp cksum 0x1 -> 0x2!] `. */
const CKSUM_NOTE = /^\[(?:[\w-]+ sum ok|bad [\w-]+ cksum [^\]]*)\] /;
const LENGTH = /(?:^|[ ,])length:? (\d+)/;
const DNS_LEN = / \((\d+)\)$/;
const FRAG_V4 = /\(frag (\d+):(\d+)@(\d+)(\+)?\)/;

function rest(image: string, ev: PacketEvent, hasPorts: boolean, hdrProto: number | undefined): void {
  let info = image.charCodeAt(0) === 32 ? image.trim() : image.trimEnd();
  if (info.charCodeAt(0) === 91 /* [ */) {
    const m = CKSUM_NOTE.exec(info);
    if (m) info = info.slice(m[0].length);
  }
  ev.info = info;
  if (info.startsWith('ICMP6')) return icmp6(info, ev);
  if (info.startsWith('ICMP ')) return icmp(info, ev);
  if (hasPorts || hdrProto === 17) {
    if (hdrProto !== undefined && hdrProto !== 17) ev.proto = ipProtocolName(hdrProto);
    else if (/^sctp\b/i.test(info)) ev.proto = 'sctp';
    else if (info.startsWith('DCCP')) ev.proto = 'dccp';
    else ev.proto = 'udp';
    if (ev.proto === 'udp') udpLength(info, ev);
    return;
  }
  const frag = FRAG_V4.exec(info);
  if (frag) ev.frag = { id: Number(frag[1]), offset: Number(frag[3]), more: !!frag[4] };
  ev.proto = hdrProto !== undefined ? ipProtocolName(hdrProto) : protoWord(info);
}

function udpLength(info: string, ev: PacketEvent): void {
  if (info.startsWith('UDP, length ')) {
    ev.len = num(info, 12);
    return;
  }
  // An application's own "length N" is the UDP payload it was given (`TFTP, length 14, ...`,
  // `NTPv4, Client, length 48`); DNS ends with "(N)".
  const first = /^[\w/.-]+, length:? (\d+)/.exec(info);
  if (first) {
    ev.len = Number(first[1]);
    return;
  }
  const tail = info.lastIndexOf('length ');
  if (tail >= 0) {
    const m = /^length:? (\d+)$/.exec(info.slice(tail));
    if (m) {
      ev.len = Number(m[1]);
      return;
    }
  }
  const ports = [splitPort(ev.src!)?.[1], splitPort(ev.dst!)?.[1]];
  if (ports.includes(53) || ports.includes(5353)) {
    const m = DNS_LEN.exec(info);
    if (m) ev.len = Number(m[1]);
  }
}

/**
 * The protocol a free-text summary starts with, lower-cased, without
 * tcpdump's version suffix: "GREv0, ..." → "gre", "ESP(spi=...)" → "esp",
 * "ip-proto-17" → "udp" (a non-first fragment), "IP6 ..." (6in6) → "ip6".
 */
export function protoWord(text: string): string {
  const m = /^[A-Za-z][A-Za-z0-9_-]*/.exec(text);
  if (!m) return 'unknown';
  const w = m[0];
  if (w.startsWith('ip-proto-')) {
    const n = Number(w.slice(9));
    return Number.isInteger(n) ? ipProtocolName(n) : w;
  }
  if (w === 'no' && text.startsWith('no next header')) return 'none';
  if (w === 'IP') return 'ipip';
  if (w === 'UNSUPPORTED') return 'unknown';
  const lower = w.toLowerCase();
  return /^[a-z]+v\d+$/.test(lower) && lower !== 'ip6' ? lower.replace(/v\d+$/, '') : lower;
}

interface Template {
  re: RegExp;
  code: number;
  keys: string[];
}

/** ICMP unreachable templates (knowledge/icmp.ts) turned into patterns, longest first so "- admin prohibited" wins. */
const UNREACH: Template[] = [...ICMP_UNREACH].map(([code, tpl]) => {
  const keys: string[] = [];
  const src = tpl.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, k: string) => {
    keys.push(k);
    return k === 'port' || k === 'ipproto' ? '(\\d+)' : '(\\S+)';
  });
  return { re: new RegExp(`^${src}(?:,|$)`), code, keys };
}).sort((a, b) => b.re.source.length - a.re.source.length);

const byLength = (m: ReadonlyMap<number, string>) => [...m].sort((a, b) => b[1].length - a[1].length);
const ICMP_NAMES = byLength(ICMP_TYPES);
const ICMP6_NAMES = byLength(ICMP6_TYPES);
const ICMP6_UNREACH_NAMES = byLength(ICMP6_UNREACH);
// The address is bounded (an IPv6 address is at most 45 characters): unbounded `\S+` in an unanchored
// search re-read a long word from each of its positions. Fuzzing (docs/fuzzing.md): 10 s for an 80 KB word.
const QUOTED_PORT = /(\S{1,64}) (udp|tcp|sctp|dccp) port (\d+)/;

function icmp(info: string, ev: PacketEvent): void {
  ev.proto = 'icmp';
  const body = info.slice(5);
  const len = LENGTH.exec(body);
  if (len) ev.len = Number(len[1]);
  for (const t of UNREACH) {
    const m = t.re.exec(body);
    if (!m) continue;
    ev.icmpType = 3;
    ev.icmpCode = t.code;
    const v: Record<string, string> = {};
    t.keys.forEach((k, i) => (v[k] = m[i + 1]!));
    if (v['port'] !== undefined) ev.inner = { proto: v['proto']!, dst: `${v['addr']}.${v['port']}` };
    else if (v['ipproto'] !== undefined) ev.inner = { proto: ipProtocolName(Number(v['ipproto'])), dst: v['addr']! };
    return;
  }
  for (const [code, name] of ICMP_TIME_EXCEEDED) {
    if (body.startsWith(name)) {
      ev.icmpType = 11;
      ev.icmpCode = code;
      return;
    }
  }
  for (const [type, name] of ICMP_NAMES) {
    if (body.startsWith(name)) {
      ev.icmpType = type;
      return;
    }
  }
}

function icmp6(info: string, ev: PacketEvent): void {
  ev.proto = 'icmp6';
  const body = info.startsWith('ICMP6, ') ? info.slice(7) : info.slice(5);
  const len = LENGTH.exec(body);
  if (len) ev.len = Number(len[1]);
  for (const [type, name] of ICMP6_NAMES) {
    if (!body.startsWith(name)) continue;
    ev.icmpType = type;
    if (type === 1) {
      const after = body.slice(name.length + 2);
      for (const [code, cname] of ICMP6_UNREACH_NAMES) {
        if (after.startsWith(cname)) {
          ev.icmpCode = code;
          break;
        }
      }
      const m = QUOTED_PORT.exec(after);
      if (m) ev.inner = { proto: m[2]!, dst: `${m[1]}.${m[3]}` };
    }
    return;
  }
}

/**
 * A continuation line of an ICMP error printed with -v quotes the packet
 * that caused it (`    10.0.0.1.4444 > 10.0.0.2.53: ...`): take its source.
 * Returns whether the line completed `inner`.
 */
export function quotedSource(line: string, ev: PacketEvent): boolean {
  const inner = ev.inner;
  if (!inner || inner.src !== undefined) return false;
  const gt = line.indexOf(' > ');
  if (gt < 0) return false;
  const colon = line.indexOf(': ', gt);
  const dst = line.slice(gt + 3, colon < 0 ? undefined : colon);
  const sp = line.lastIndexOf(' ', gt - 1);
  const src = line.slice(sp + 1, gt);
  if (!src || (dst !== inner.dst && dst !== inner.dst?.slice(0, inner.dst.lastIndexOf('.')))) return false;
  // Keys in the capture decoder's order (proto, src, dst), so both readers' events print alike.
  ev.inner = { proto: inner.proto, src, ...(inner.dst !== undefined ? { dst: inner.dst } : {}) };
  return true;
}

// ---- ARP --------------------------------------------------------------------

const WHO_HAS = /who-has (\S+)(?: \([^)]*\))? tell (\S+?)(?:,|$)/;
const IS_AT = /^Reply (\S+) is-at /;
const AT = /^Reverse Reply \S+ at (\S+?)(?:,|$)/;
const ARP_LEN = /, length (\d+)$/;

/** `Request who-has A tell B, length 28` (after "ARP, " or an -e header): the sender is B, the target A. */
export function visitArp(body: string, ev: PacketEvent, label: 'ARP' | 'RARP'): void {
  ev.proto = label === 'RARP' ? 'rarp' : 'arp';
  ev.info = `${label}, ${body}`;
  let m = WHO_HAS.exec(body);
  if (m) {
    ev.src = m[2]!;
    ev.dst = m[1]!;
  } else if ((m = IS_AT.exec(body))) ev.src = m[1]!;
  else if ((m = AT.exec(body))) ev.dst = m[1]!;
  if ((m = ARP_LEN.exec(body))) ev.len = Number(m[1]);
}
