/** UDP header → ports and payload length (tcpdump's "UDP, length N"). */
import type { PacketEvent } from '../model/events.js';
import { u16 } from './bytes.js';
import type { L4 } from './l4.js';
import { note, truncated } from './note.js';

export function decodeUdp(b: Uint8Array, o: number, l4: L4, ev: PacketEvent): void {
  ev.proto = 'udp';
  if (l4.capEnd - o < 4) {
    truncated(ev, 'udp');
    return;
  }
  const sport = u16(b, o);
  const dport = u16(b, o + 2);
  ev.src = `${l4.src}.${sport}`;
  ev.dst = `${l4.dst}.${dport}`;
  if (l4.capEnd - o < 8) {
    truncated(ev, 'udp');
    return;
  }
  const ulen = u16(b, o + 4);
  if (ulen < 8) {
    note(ev, `bad UDP length ${ulen} < 8`);
    return;
  }
  if (ulen > l4.length) note(ev, `bad UDP length ${ulen} > IP payload length ${l4.length}`);
  ev.len = ulen - 8;
  ev.info = `UDP, length ${ev.len}`;
}
