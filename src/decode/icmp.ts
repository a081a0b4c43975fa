/**
 * ICMP and ICMPv6: type and code, tcpdump's summary, and for error messages
 * the quoted packet's header (`inner`), which ties an unreachable to the
 * UDP or TCP flow that caused it.
 */
import type { PacketEvent } from '../model/events.js';
import { ICMP_ERROR_TYPES, ICMP_TIME_EXCEEDED, ICMP_TYPES, ICMP_UNREACH, ICMP6_ERROR_TYPES, ICMP6_TYPES, ICMP6_UNREACH } from '../knowledge/icmp.js';
import { ipProtocolName } from '../knowledge/ip-protocols.js';
import { ipv4, ipv6 } from './addr.js';
import { u16 } from './bytes.js';
import type { L4 } from './l4.js';
import { truncated } from './note.js';

type Inner = NonNullable<PacketEvent['inner']>;

export function decodeIcmp(b: Uint8Array, o: number, l4: L4, ev: PacketEvent): void {
  ev.proto = 'icmp';
  ev.len = l4.length;
  if (l4.capEnd - o < 4) {
    truncated(ev, 'icmp');
    return;
  }
  const type = b[o]!;
  const code = b[o + 1]!;
  ev.icmpType = type;
  ev.icmpCode = code;
  let text = ICMP_TYPES.get(type) ?? `type-#${type}`;
  if ((type === 0 || type === 8) && l4.capEnd - o >= 8) {
    text += `, id ${u16(b, o + 4)}, seq ${u16(b, o + 6)}`;
  } else if (ICMP_ERROR_TYPES.has(type)) {
    const inner = quotedIpv4(b, o + 8, l4.capEnd);
    if (inner) ev.inner = inner.inner;
    if (type === 3) {
      const tpl = ICMP_UNREACH.get(code);
      const addr = inner?.dstAddr ?? '?';
      text = tpl
        ? tpl.replace('{addr}', addr).replace('{proto}', inner?.inner.proto ?? '?').replace('{port}', inner?.dport?.toString() ?? '?').replace('{ipproto}', inner?.ipProto?.toString() ?? '?')
        : `${addr} unreachable - #${code}`;
    } else if (type === 11) text = ICMP_TIME_EXCEEDED.get(code) ?? `time exceeded-#${code}`;
  }
  ev.info = `ICMP ${text}, length ${l4.length}`;
}

export function decodeIcmp6(b: Uint8Array, o: number, l4: L4, ev: PacketEvent): void {
  ev.proto = 'icmp6';
  ev.len = l4.length;
  if (l4.capEnd - o < 4) {
    truncated(ev, 'icmp6');
    return;
  }
  const type = b[o]!;
  const code = b[o + 1]!;
  ev.icmpType = type;
  ev.icmpCode = code;
  let text = ICMP6_TYPES.get(type) ?? `unknown icmp6 type (${type})`;
  if ((type === 128 || type === 129) && l4.capEnd - o >= 8) text += `, id ${u16(b, o + 4)}, seq ${u16(b, o + 6)}`;
  else if ((type === 135 || type === 136) && l4.capEnd - o >= 24) text += `, ${type === 135 ? 'who has' : 'tgt is'} ${ipv6(b, o + 8)}`;
  else if (ICMP6_ERROR_TYPES.has(type)) {
    const inner = quotedIpv6(b, o + 8, l4.capEnd);
    if (inner) ev.inner = inner.inner;
    if (type === 1) {
      text += `, ${ICMP6_UNREACH.get(code) ?? `unknown unreach code (${code})`}`;
      if (inner) text += code === 4 ? `, ${inner.dstAddr} ${inner.inner.proto} port ${inner.dport ?? '?'}` : ` ${inner.dstAddr}`;
    }
  }
  ev.info = `ICMP6, ${text}, length ${l4.length}`;
}

interface Quoted {
  inner: Inner;
  dstAddr: string;
  dport?: number;
  ipProto?: number;
}

function quotedIpv4(b: Uint8Array, o: number, end: number): Quoted | undefined {
  if (end - o < 20 || b[o]! >> 4 !== 4) return undefined;
  const hl = (b[o]! & 15) * 4;
  const p = b[o + 9]!;
  const src = ipv4(b, o + 12);
  const dst = ipv4(b, o + 16);
  return withPorts(b, o + hl, end, p, src, dst);
}

function quotedIpv6(b: Uint8Array, o: number, end: number): Quoted | undefined {
  if (end - o < 40 || b[o]! >> 4 !== 6) return undefined;
  return withPorts(b, o + 40, end, b[o + 6]!, ipv6(b, o + 8), ipv6(b, o + 24));
}

function withPorts(b: Uint8Array, t: number, end: number, p: number, src: string, dst: string): Quoted {
  const proto = ipProtocolName(p);
  if ((p === 6 || p === 17 || p === 132) && end - t >= 4) {
    const sport = u16(b, t);
    const dport = u16(b, t + 2);
    return { inner: { proto, src: `${src}.${sport}`, dst: `${dst}.${dport}` }, dstAddr: dst, dport, ipProto: p };
  }
  return { inner: { proto, src, dst }, dstAddr: dst, ipProto: p };
}
