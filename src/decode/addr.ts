/**
 * Addresses as tcpdump prints them with -n: dotted IPv4, IPv6 in the
 * compressed form of inet_ntop (longest run of two or more zero groups,
 * leftmost on a tie; an embedded IPv4 tail for ::a.b.c.d and
 * ::ffff:a.b.c.d), colon-separated lower-case MACs.
 */
import { u16 } from './bytes.js';

/**
 * A capture repeats the same few addresses and endpoints in every packet:
 * formatting them once and finding them again costs a fraction of building
 * the text each time. A direct-mapped table of fixed size, keyed by two
 * 32-bit halves in typed arrays: a lookup allocates nothing (a Map keyed by
 * numbers above 2^30 would box every key), and a busy capture just
 * overwrites slots, so memory is bounded.
 */
const CACHE_SLOTS = 4096;

class TextCache {
  private readonly hi = new Int32Array(CACHE_SLOTS);
  private readonly lo = new Int32Array(CACHE_SLOTS);
  private readonly text: Array<string | undefined> = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);

  /** 12 bits of a multiplicative hash of both halves: CACHE_SLOTS = 2^12. */
  slot(hi: number, lo: number): number {
    return (Math.imul(hi ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(lo, 0xc2b2ae35)) >>> 20;
  }
  get(slot: number, hi: number, lo: number): string | undefined {
    return this.hi[slot] === (hi | 0) && this.lo[slot] === (lo | 0) ? this.text[slot] : undefined;
  }
  set(slot: number, hi: number, lo: number, v: string): string {
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.text[slot] = v;
    return v;
  }
}

const IPV4 = new TextCache();
const ENDPOINTS = new TextCache();
const MACS = new TextCache();

export function ipv4(b: Uint8Array, o: number): string {
  const k = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  const s = IPV4.slot(k, 0);
  return IPV4.get(s, k, 0) ?? IPV4.set(s, k, 0, `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`);
}

/** "a.b.c.d.port" for an IPv4 address `key` (its 32-bit value) and its text. */
export function ipv4Endpoint(key: number, text: string, port: number): string {
  const s = ENDPOINTS.slot(key, port);
  return ENDPOINTS.get(s, key, port) ?? ENDPOINTS.set(s, key, port, `${text}.${port}`);
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
    const hi = (b[o]! << 8) | b[o + 1]!;
    const lo = (b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!;
    const s = MACS.slot(hi, lo);
    return MACS.get(s, hi, lo) ?? MACS.set(s, hi, lo, macText(b, o, 6));
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
