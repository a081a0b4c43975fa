/**
 * Addresses as tcpdump prints them with -n: dotted IPv4, IPv6 in the
 * compressed form of inet_ntop (longest run of two or more zero groups,
 * leftmost on a tie; an embedded IPv4 tail for ::a.b.c.d and
 * ::ffff:a.b.c.d), colon-separated lower-case MACs.
 */
import { u16 } from './bytes.js';

/**
 * A capture repeats the same few addresses and endpoints in every packet:
 * formatting them once and looking them up by their numeric value costs a
 * fraction of building the text again. Each table is dropped when it grows
 * past its bound, so a scan over many hosts cannot make it unbounded.
 */
class TextCache {
  private map = new Map<number, string>();
  constructor(private readonly bound: number) {}
  get(k: number): string | undefined {
    return this.map.get(k);
  }
  set(k: number, v: string): string {
    if (this.map.size >= this.bound) this.map = new Map();
    this.map.set(k, v);
    return v;
  }
}

const IPV4 = new TextCache(1 << 16);
const ENDPOINTS = new TextCache(1 << 17);
const MACS = new TextCache(1 << 12);

export function ipv4(b: Uint8Array, o: number): string {
  const k = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  return IPV4.get(k) ?? IPV4.set(k, `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`);
}

/** "a.b.c.d.port" for an IPv4 address `key` (its 32-bit value) and its text. */
export function ipv4Endpoint(key: number, text: string, port: number): string {
  const k = key * 65536 + port;
  return ENDPOINTS.get(k) ?? ENDPOINTS.set(k, `${text}.${port}`);
}

export function ipv6(b: Uint8Array, o: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(u16(b, o + 2 * i));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) best = -1;
  // inet_ntop's encapsulated-IPv4 forms.
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
    return (bestLen === 5 ? '::ffff:' : '::') + ipv4(b, o + 12);
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += w[i]!.toString(16);
  }
  return s;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function mac(b: Uint8Array, o: number, n = 6): string {
  if (n === 6) {
    const k = ((b[o]! << 8) | b[o + 1]!) * 4294967296 + (((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0);
    return MACS.get(k) ?? MACS.set(k, macText(b, o, 6));
  }
  return macText(b, o, n);
}

function macText(b: Uint8Array, o: number, n: number): string {
  let s = HEX[b[o]!]!;
  for (let i = 1; i < n; i++) s += ':' + HEX[b[o + i]!]!;
  return s;
}

export function hex(b: Uint8Array, o: number, end: number): string {
  let s = '';
  for (let i = o; i < end; i++) s += HEX[b[i]!]!;
  return s;
}
