/**
 * Addresses as tcpdump prints them with -n: dotted IPv4, IPv6 in the
 * compressed form of inet_ntop (longest run of two or more zero groups,
 * leftmost on a tie; an embedded IPv4 tail for ::a.b.c.d and
 * ::ffff:a.b.c.d), colon-separated lower-case MACs.
 */
import { u16 } from './bytes.js';

export function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
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
  let s = HEX[b[o]!]!;
  for (let i = 1; i < n; i++) s += ':' + HEX[b[o + i]!]!;
  return s;
}

export function hex(b: Uint8Array, o: number, end: number): string {
  let s = '';
  for (let i = o; i < end; i++) s += HEX[b[i]!]!;
  return s;
}
