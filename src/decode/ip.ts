/**
 * IPv4 and IPv6: addresses, lengths, TTL/hop limit, fragments, IPv4
 * options and IPv6 extension headers, then the transport by protocol number.
 * Lengths come from the headers, as tcpdump takes them, so a packet cut by
 * the snaplen still reports the payload length it had on the wire.
 */
import type { PacketEvent } from '../model/events.js';
import { IPV4_OPTION_NAMES, IPV6_EXTENSIONS, ipProtocolName } from '../knowledge/ip-protocols.js';
import { hex, ipv4, ipv6 } from './addr.js';
import { u16, u32 } from './bytes.js';
import { decodeIcmp, decodeIcmp6 } from './icmp.js';
import type { DecodeState, L4 } from './l4.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { note, truncated } from './note.js';

/** `end`: end of the captured bytes; `wire`: bytes from `o` to the end of the frame on the wire. */
export function decodeIpv4(b: Uint8Array, o: number, end: number, wire: number, ev: PacketEvent, st: DecodeState): void {
  ev.network = 'IP';
  ev.proto = 'ip';
  if (end - o < 20) {
    truncated(ev, 'ip');
    return;
  }
  const version = b[o]! >> 4;
  if (version !== 4) {
    note(ev, `IP version ${version} in an IPv4 header`);
    return;
  }
  const hl = (b[o]! & 15) * 4;
  let total = u16(b, o + 2);
  ev.src = ipv4(b, o + 12);
  ev.dst = ipv4(b, o + 16);
  ev.ttl = b[o + 8];
  ev.ipId = u16(b, o + 4);
  if (hl < 20) {
    note(ev, `bad-hlen ${hl}`);
    return;
  }
  if (total === 0) {
    // TSO/GSO: the kernel hands the capture a super-packet with length 0.
    total = Math.min(end, o + wire) - o;
    note(ev, `IP total length 0, assumed ${total}`);
  }
  ev.ipLen = total;
  if (total < hl) {
    note(ev, `bad-len ${total}`);
    return;
  }
  if (total > wire) note(ev, `truncated-ip - ${total - wire} bytes missing!`);
  const fl = u16(b, o + 6);
  const off = (fl & 0x1fff) * 8;
  const more = (fl & 0x2000) !== 0;
  if (off !== 0 || more) ev.frag = { id: ev.ipId, offset: off, more };
  if (hl > 20) ipv4Options(b, o + 20, Math.min(o + hl, end), ev);
  const p = b[o + 9]!;
  const l4: L4 = { src: ev.src, dst: ev.dst, srcKey: u32(b, o + 12), dstKey: u32(b, o + 16), length: total - hl, capEnd: Math.min(end, o + total) };
  if (off !== 0) {
    // Only the first fragment carries the transport header.
    ev.proto = ipProtocolName(p);
    ev.info = `${ev.proto} (frag ${ev.ipId}:${total - hl}@${off}${more ? '+' : ''})`;
    return;
  }
  transport(p, b, o + hl, l4, ev, st);
}

export function decodeIpv6(b: Uint8Array, o: number, end: number, wire: number, ev: PacketEvent, st: DecodeState): void {
  ev.network = 'IP6';
  ev.proto = 'ip6';
  if (end - o < 40) {
    truncated(ev, 'ip6');
    return;
  }
  const version = b[o]! >> 4;
  if (version !== 6) {
    note(ev, `IP version ${version} in an IPv6 header`);
    return;
  }
  let plen = u16(b, o + 4);
  let nh = b[o + 6]!;
  ev.ttl = b[o + 7];
  ev.src = ipv6(b, o + 8);
  ev.dst = ipv6(b, o + 24);
  if (plen === 0) {
    // A jumbogram (RFC 2675) or a GSO super-packet: take what is there.
    plen = Math.min(end, o + wire) - o - 40;
    note(ev, `IPv6 payload length 0, assumed ${plen}`);
  }
  ev.ipLen = 40 + plen;
  if (40 + plen > wire) note(ev, `truncated-ip6 - ${40 + plen - wire} bytes missing!`);
  const stop = Math.min(end, o + 40 + plen);
  let p = o + 40;
  const exts: string[] = [];
  for (;;) {
    if (nh === 44) {
      if (stop - p < 8) return truncatedExt(ev, exts);
      const fo = u16(b, p + 2);
      const off = fo & 0xfff8;
      const more = (fo & 1) === 1;
      ev.frag = { id: u32(b, p + 4), offset: off, more };
      exts.push('frag');
      nh = b[p]!;
      p += 8;
      if (off !== 0) {
        ev.ipOptions = exts;
        ev.proto = ipProtocolName(nh);
        ev.info = `frag (${ev.frag.id}:${off}|${o + 40 + plen - p})`;
        return;
      }
      continue;
    }
    const ext = IPV6_EXTENSIONS.get(nh);
    if (!ext) break;
    if (stop - p < 2) return truncatedExt(ev, exts);
    const len = ext.unit === 4 ? (b[p + 1]! + 2) * 4 : (b[p + 1]! + 1) * 8;
    exts.push(ext.name);
    nh = b[p]!;
    p += len;
    if (p > stop) return truncatedExt(ev, exts);
  }
  if (exts.length) ev.ipOptions = exts;
  const l4: L4 = { src: ev.src, dst: ev.dst, srcKey: hex(b, o + 8, o + 24), dstKey: hex(b, o + 24, o + 40), length: o + 40 + plen - p, capEnd: stop };
  transport(nh, b, p, l4, ev, st);
}

function truncatedExt(ev: PacketEvent, exts: string[]): void {
  if (exts.length) ev.ipOptions = exts;
  truncated(ev, 'ip6');
}

function transport(p: number, b: Uint8Array, o: number, l4: L4, ev: PacketEvent, st: DecodeState): void {
  switch (p) {
    case 6: return decodeTcp(b, o, l4, ev, st);
    case 17: return decodeUdp(b, o, l4, ev);
    case 1: return decodeIcmp(b, o, l4, ev);
    case 58: return decodeIcmp6(b, o, l4, ev);
    default:
      ev.proto = ipProtocolName(p);
      ev.len = l4.length;
      ev.info = `${ev.proto}, length ${l4.length}`;
  }
}

function ipv4Options(b: Uint8Array, o: number, end: number, ev: PacketEvent): void {
  const names: string[] = [];
  while (o < end) {
    const t = b[o]!;
    names.push(IPV4_OPTION_NAMES.get(t) ?? `unknown-${t}`);
    if (t === 0) break;
    if (t === 1) { o++; continue; }
    const len = o + 1 < end ? b[o + 1]! : 0;
    if (len < 2) {
      note(ev, `bad IPv4 option length ${len}`);
      break;
    }
    o += len;
  }
  ev.ipOptions = names;
}
