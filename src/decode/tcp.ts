/**
 * TCP header → the fields tcpdump prints (print-tcp.c): flags, seq (when
 * there is data or SYN/FIN/RST), ack (when ACK), win, urg, options and the
 * payload length taken from the IP length, not from what was captured.
 */
import type { PacketEvent } from '../model/events.js';
import { flagsText, TCP_OPTIONS, TH } from '../knowledge/tcp.js';
import { hex, ipv4Endpoint } from './addr.js';
import { u16, u32 } from './bytes.js';
import type { DecodeState, L4 } from './l4.js';
import { note, truncated } from './note.js';

export function decodeTcp(b: Uint8Array, o: number, l4: L4, ev: PacketEvent, st: DecodeState): void {
  ev.proto = 'tcp';
  const end = l4.capEnd;
  if (end - o < 4) {
    truncated(ev, 'tcp');
    return;
  }
  const sport = u16(b, o);
  const dport = u16(b, o + 2);
  ev.src = typeof l4.srcKey === 'number' ? ipv4Endpoint(l4.srcKey, l4.src, sport) : `${l4.src}.${sport}`;
  ev.dst = typeof l4.dstKey === 'number' ? ipv4Endpoint(l4.dstKey, l4.dst, dport) : `${l4.dst}.${dport}`;
  if (end - o < 20) {
    truncated(ev, 'tcp');
    return;
  }
  const rawSeq = u32(b, o + 4);
  const rawAck = u32(b, o + 8);
  const hlen = (b[o + 12]! >> 4) * 4;
  const flags = b[o + 13]! | ((b[o + 12]! & 1) << 8);
  const win = u16(b, o + 14);
  const urp = u16(b, o + 18);
  ev.flags = flagsText(flags);
  if (hlen < 20) {
    note(ev, `bad TCP header length ${hlen} - too short, < 20`);
    return;
  }
  const view = st.seq;
  view.print(l4.srcKey, l4.dstKey, sport, dport, ev.src, ev.dst, flags, rawSeq, rawAck);
  const len = l4.length - hlen;
  if (len < 0) {
    note(ev, `bad TCP header length ${hlen} - too long, > ${l4.length}`);
    return;
  }
  if (len > 0 || flags & (TH.SYN | TH.FIN | TH.RST)) ev.seq = view.seq;
  if (flags & TH.ACK) ev.ack = view.ack;
  ev.win = win;
  if (flags & TH.URG) ev.urg = urp;
  ev.len = len;
  ev.seqRelative = view.relative;
  ev.rawSeq = rawSeq;
  ev.rawAck = rawAck;
  if (hlen > 20) decodeOptions(b, o + 20, Math.min(o + hlen, end), o + hlen > end, view.sackBase, ev);
}

/** Walk the options the way tcpdump does: stop at EOL, give up on a length that does not fit. */
function decodeOptions(b: Uint8Array, o: number, end: number, cut: boolean, sackBase: number, ev: PacketEvent): void {
  const out: string[] = [];
  ev.options = out;
  while (o < end) {
    const kind = b[o]!;
    const name = TCP_OPTIONS.get(kind) ?? `unknown-${kind}`;
    if (kind === 0 || kind === 1) {
      out.push(name);
      o++;
      if (kind === 0) break;
      continue;
    }
    if (o + 1 >= end) {
      truncated(ev, 'tcp');
      return;
    }
    const len = b[o + 1]!;
    if (len < 2 || o + len > end) {
      if (o + len > end && cut) truncated(ev, 'tcp');
      else note(ev, `bad TCP option ${name} length ${len}`);
      return;
    }
    const d = o + 2;
    const dlen = len - 2;
    switch (kind) {
      case 2:
        if (dlen >= 2) { ev.mss = u16(b, d); out.push(`mss ${ev.mss}`); } else out.push(name);
        break;
      case 3:
        if (dlen >= 1) { ev.wscale = b[d]!; out.push(`wscale ${ev.wscale}`); } else out.push(name);
        break;
      case 4:
        ev.sackOk = true;
        out.push(name);
        break;
      case 5: {
        if (dlen % 8 !== 0) {
          out.push('sackmalformed sack');
          break;
        }
        const blocks: Array<[number, number]> = [];
        let t = `sack ${dlen / 8} `;
        for (let i = 0; i < dlen; i += 8) {
          const s = (u32(b, d + i) - sackBase) >>> 0;
          const e = (u32(b, d + i + 4) - sackBase) >>> 0;
          blocks.push([s, e]);
          t += `{${s}:${e}}`;
        }
        ev.sack = blocks;
        out.push(t);
        break;
      }
      case 8:
        if (dlen >= 8) {
          ev.tsval = u32(b, d);
          ev.tsecr = u32(b, d + 4);
          out.push(`TS val ${ev.tsval} ecr ${ev.tsecr}`);
        } else out.push(name);
        break;
      case 6: case 7: case 11: case 12: case 13:
        out.push(dlen >= 4 ? `${name} ${u32(b, d)}` : name);
        break;
      case 28: {
        if (dlen >= 2) {
          const v = u16(b, d);
          out.push(`${name} 0x${v.toString(16)} ${v & 1 ? (v >> 1) * 60 : v >> 1} ${v & 1 ? 'min' : 'sec'}`);
        } else out.push(name);
        break;
      }
      case 34:
        out.push(dlen === 0 ? 'tfo cookiereq' : `tfo cookie ${hex(b, d, d + dlen)}`);
        break;
      case 253: case 254:
        // RFC 6994 shared experimental options: tcpdump names them by their ExID.
        if (dlen >= 2) out.push(u16(b, d) === 0xf989 ? (dlen === 2 ? 'tfo cookiereq' : `tfo cookie ${hex(b, d + 2, d + dlen)}`) : `exp-${hex(b, d, d + 2)}`);
        else out.push(`${name}[bad opt]`);
        break;
      default:
        out.push(dlen > 0 ? `${name} 0x${hex(b, d, d + dlen)}` : name);
    }
    o += len;
  }
  if (cut) truncated(ev, 'tcp');
}

