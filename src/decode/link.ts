/**
 * Link layers, one function each, all ending in `network()`: Ethernet with
 * 802.1Q/QinQ tags and 802.2/SNAP, Linux cooked v1 and v2 (`-i any`), BSD
 * NULL and LOOP, raw IP, PPP, Cisco HDLC and NFLOG.
 */
import type { PacketEvent } from '../model/events.js';
import { ETHERTYPE, ETHERTYPE_NAMES, LOOPBACK_AF_INET, LOOPBACK_AF_INET6, SLL_PKTTYPE_DIRECTION, VLAN_TPIDS } from '../knowledge/ethertypes.js';
import { mac } from './addr.js';
import { decodeArp } from './arp.js';
import { u16, u16le, u32, u32le } from './bytes.js';
import { decodeIpv4, decodeIpv6 } from './ip.js';
import type { DecodeState } from './l4.js';
import { note, truncated } from './note.js';

type LinkDecoder = (b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState) => void;

/** LINKTYPE number → decoder. A link type not here still gives an event, with a note. */
export const LINK_DECODERS: ReadonlyMap<number, LinkDecoder> = new Map<number, LinkDecoder>([
  [1, ethernet],
  [0, nullLink],
  [108, loopLink],
  [12, rawIp],
  [14, rawIp],
  [101, rawIp],
  [228, (b, w, ev, st) => decodeIpv4(b, 0, b.length, w, ev, st)],
  [229, (b, w, ev, st) => decodeIpv6(b, 0, b.length, w, ev, st)],
  [113, sll],
  [276, sll2],
  [9, ppp],
  [50, ppp],
  [104, ciscoHdlc],
  [239, nflog],
]);

export function decodeLink(linkType: number, b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  const dec = LINK_DECODERS.get(linkType);
  if (dec) dec(b, wire, ev, st);
  else note(ev, `link type ${linkType} is not decoded`);
}

/** Network layer by EtherType, from offset `o`. */
export function network(type: number, b: Uint8Array, o: number, wire: number, ev: PacketEvent, st: DecodeState): void {
  const rest = wire - o;
  switch (type) {
    case ETHERTYPE.IPV4: return decodeIpv4(b, o, b.length, rest, ev, st);
    case ETHERTYPE.IPV6: return decodeIpv6(b, o, b.length, rest, ev, st);
    case ETHERTYPE.ARP: return decodeArp(b, o, b.length, ev, false);
    case ETHERTYPE.RARP: return decodeArp(b, o, b.length, ev, true);
    default:
      ev.proto = 'ether';
      ev.info = `ethertype ${ETHERTYPE_NAMES.get(type) ?? 'Unknown'} (0x${type.toString(16).padStart(4, '0')}), length ${wire}`;
  }
}

function ethernet(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 14) return truncated(ev, 'ether');
  ev.macDst = mac(b, 0);
  ev.macSrc = mac(b, 6);
  let type = u16(b, 12);
  let o = 14;
  while (VLAN_TPIDS.has(type)) {
    if (b.length - o < 4) return truncated(ev, 'vlan');
    (ev.vlan ??= []).push(u16(b, o) & 0x0fff);
    type = u16(b, o + 2);
    o += 4;
  }
  ev.ethertype = type;
  if (type <= 1500) return llc(b, o, wire, ev, st);
  network(type, b, o, wire, ev, st);
}

/** 802.3 length field: 802.2 LLC, and SNAP carrying an EtherType. */
function llc(b: Uint8Array, o: number, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length - o >= 8 && b[o] === 0xaa && b[o + 1] === 0xaa && b[o + 2] === 0x03) {
    const type = u16(b, o + 6);
    ev.ethertype = type;
    return network(type, b, o + 8, wire, ev, st);
  }
  ev.proto = 'llc';
  ev.info = b.length - o >= 3 ? `LLC, dsap 0x${b[o]!.toString(16).padStart(2, '0')}, ssap 0x${b[o + 1]!.toString(16).padStart(2, '0')}` : 'LLC';
}

function nullLink(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 4) return truncated(ev, 'null');
  // Written in the capturing host's byte order: a value with high bits set was the other order.
  let af = u32le(b, 0);
  if (af & 0xffff0000) af = u32(b, 0);
  family(af, b, 4, wire, ev, st);
}

function loopLink(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 4) return truncated(ev, 'loop');
  family(u32(b, 0), b, 4, wire, ev, st);
}

function family(af: number, b: Uint8Array, o: number, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (LOOPBACK_AF_INET.has(af)) return decodeIpv4(b, o, b.length, wire - o, ev, st);
  if (LOOPBACK_AF_INET6.has(af)) return decodeIpv6(b, o, b.length, wire - o, ev, st);
  ev.proto = 'unknown';
  note(ev, `loopback address family ${af} is not decoded`);
}

function rawIp(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 1) return truncated(ev, 'ip');
  const v = b[0]! >> 4;
  if (v === 4) return decodeIpv4(b, 0, b.length, wire, ev, st);
  if (v === 6) return decodeIpv6(b, 0, b.length, wire, ev, st);
  ev.proto = 'ip';
  note(ev, `IP version ${v} in a raw IP frame`);
}

function sll(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 16) return truncated(ev, 'sll');
  const pkttype = u16(b, 0);
  const halen = u16(b, 4);
  const dir = SLL_PKTTYPE_DIRECTION[pkttype];
  if (dir) ev.direction = dir;
  if (halen === 6) ev.macSrc = mac(b, 6);
  cooked(u16(b, 14), b, 16, wire, ev, st);
}

function sll2(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 20) return truncated(ev, 'sll2');
  ev.ifindex = u32(b, 4);
  const dir = SLL_PKTTYPE_DIRECTION[b[10]!];
  if (dir) ev.direction = dir;
  if (b[11] === 6) ev.macSrc = mac(b, 12);
  cooked(u16(b, 0), b, 20, wire, ev, st);
}

function cooked(type: number, b: Uint8Array, o: number, wire: number, ev: PacketEvent, st: DecodeState): void {
  ev.ethertype = type;
  if (type === ETHERTYPE.LLC) return llc(b, o, wire, ev, st);
  if (VLAN_TPIDS.has(type) && b.length - o >= 4) {
    (ev.vlan ??= []).push(u16(b, o) & 0x0fff);
    return cooked(u16(b, o + 2), b, o + 4, wire, ev, st);
  }
  network(type, b, o, wire, ev, st);
}

const PPP_TO_ETHERTYPE: ReadonlyMap<number, number> = new Map([
  [0x0021, ETHERTYPE.IPV4],
  [0x0057, ETHERTYPE.IPV6],
]);

function ppp(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  let o = 0;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x03) o = 2;
  if (b.length - o < 1) return truncated(ev, 'ppp');
  // Protocol field compression: an odd first byte is a one-byte protocol.
  let proto: number;
  if (b[o]! & 1) proto = b[o++]!;
  else {
    if (b.length - o < 2) return truncated(ev, 'ppp');
    proto = u16(b, o);
    o += 2;
  }
  const type = PPP_TO_ETHERTYPE.get(proto);
  if (type !== undefined) return network(type, b, o, wire, ev, st);
  ev.proto = 'ppp';
  ev.info = `PPP, protocol 0x${proto.toString(16).padStart(4, '0')}, length ${wire}`;
}

function ciscoHdlc(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 4) return truncated(ev, 'chdlc');
  network(u16(b, 2), b, 4, wire, ev, st);
}

/** Linux NFLOG: a 4-byte header, then host-order TLVs; type 9 is the packet. */
function nflog(b: Uint8Array, wire: number, ev: PacketEvent, st: DecodeState): void {
  if (b.length < 4) return truncated(ev, 'nflog');
  const af = b[0]!;
  let o = 4;
  while (b.length - o >= 4) {
    const len = u16le(b, o);
    const type = u16le(b, o + 2);
    if (len < 4) break;
    if (type === 9) {
      const end = Math.min(b.length, o + len);
      const payload = b.subarray(o + 4, end);
      const rest = payload.length;
      if (af === 2) return decodeIpv4(payload, 0, rest, rest, ev, st);
      if (af === 10) return decodeIpv6(payload, 0, rest, rest, ev, st);
      break;
    }
    o += (len + 3) & ~3;
  }
  ev.proto = 'nflog';
  note(ev, 'NFLOG frame without a packet payload');
}

