/** ARP and RARP over Ethernet/IPv4, printed as tcpdump does ("Request who-has A tell B"). */
import type { PacketEvent } from '../model/events.js';
import { ipv4, mac } from './addr.js';
import { u16 } from './bytes.js';
import { truncated } from './note.js';

const ARP_OPS: ReadonlyMap<number, string> = new Map([
  [1, 'Request'],
  [2, 'Reply'],
  [3, 'Reverse Request'],
  [4, 'Reverse Reply'],
  [8, 'Inverse Request'],
  [9, 'Inverse Reply'],
]);

export function decodeArp(b: Uint8Array, o: number, end: number, ev: PacketEvent, rarp: boolean): void {
  ev.proto = rarp ? 'rarp' : 'arp';
  const label = rarp ? 'RARP' : 'ARP';
  if (end - o < 8) {
    truncated(ev, ev.proto);
    return;
  }
  const ptype = u16(b, o + 2);
  const hln = b[o + 4]!;
  const pln = b[o + 5]!;
  const op = u16(b, o + 6);
  const len = 8 + 2 * (hln + pln);
  ev.len = len;
  if (ptype !== 0x0800 || pln !== 4 || end - o < len) {
    if (end - o < len) {
      truncated(ev, ev.proto);
    }
    ev.info = `${label}, ${ARP_OPS.get(op) ?? `unknown op ${op}`}, length ${len}`;
    return;
  }
  const sha = o + 8;
  const spa = sha + hln;
  const tha = spa + 4;
  const tpa = tha + hln;
  ev.src = ipv4(b, spa);
  ev.dst = ipv4(b, tpa);
  const hw = (at: number) => (hln === 0 ? '' : mac(b, at, hln));
  let text: string;
  switch (op) {
    case 1: text = `Request who-has ${ev.dst} tell ${ev.src}`; break;
    case 2: text = `Reply ${ev.src} is-at ${hw(sha)}`; break;
    case 3: text = `Reverse Request who-is ${hw(tha)} tell ${hw(sha)}`; break;
    case 4: text = `Reverse Reply ${hw(tha)} at ${ev.dst}`; break;
    default: text = ARP_OPS.get(op) ?? `unknown op ${op}`;
  }
  ev.info = `${label}, ${text}, length ${len}`;
}
