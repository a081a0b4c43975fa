/**
 * The fixed-format start of a tcpdump packet line, split by hand (it is on
 * every line, and regular): what comes before the network part that the
 * Chevrotain grammar reads.
 *
 *   line   := number? lengths? stamp? column? link* rest
 *   number := ' '* N '  '                                    -#
 *   lengths:= 'caplen ' N ' len ' N ' '                      --lengths (tcpdump 5)
 *   stamp  := see time.ts, then ' '
 *   column := iface ' '+ ('In'|'Out'|'B'|'M'|'P') ' '+      -i any (Linux cooked v2), always printed
 *   link   := -e headers, possibly nested:
 *     SLL2   'ifindex ' N (mac ' ')? 'ethertype ' name ' (0x' hex '), length ' N ': '
 *     SLL    (' In'|'Out'|'  B'|'  M'|'  P') ' ' (mac ' ')? 'ethertype ' name ' (0x' hex '), length ' N ': '
 *     Ether  mac ' > ' mac ', ' ('ethertype ' name ' (0x' hex ')' | '802.3') ', length ' N ': '
 *            then per 802.1Q tag: 'vlan ' N ', p ' N ', ' ('DEI, ')? 'ethertype ' name ' (0x' hex '), '
 *     NULL   'AF ' name ' (' N '), length ' N ': '
 *     NFLOG  'version ' N ', resource ID ' N ', family ' name ' (' N '), length ' N ': '
 *     PKTAP  'DLT ' name ' (' N ') len ' N ', length ' N ': '
 *     PPP    name ' (0x' hex '), length ' N ': '
 *     PPPoE  'PPPoE  [ses 0x' hex '] '                      (session data: IP follows)
 */
import type { PacketEvent } from '../../model/events.js';

/** What the link layer says the rest of the line is. */
export type NetHint = 'IP' | 'IP6' | 'ARP' | 'RARP' | 'ether' | undefined;

export interface LinkResult {
  /** Offset of the network part. */
  at: number;
  hint: NetHint;
  /** The last ethertype text, for frames whose type tcpdump does not decode ("ethertype Unknown (0x809a), length 61"). */
  etherText?: string;
}

const MAC = '[0-9a-f]{2}(?::[0-9a-f]{2})+';
const ETHERTYPE = 'ethertype (.+?) \\(0x([0-9a-f]{4})\\)';

const COLUMN = /(\S+) +(In|Out|B|M|P) +/y;
const SLL2 = new RegExp(`ifindex (\\d+) (?:(${MAC}) )?${ETHERTYPE}, length (\\d+): ?`, 'y');
const SLL = new RegExp(`( In|Out|  B|  M|  P) (?:(${MAC}) )?${ETHERTYPE}, length (\\d+): ?`, 'y');
const ETHER = new RegExp(`(${MAC}) > (${MAC}), (?:${ETHERTYPE}|802\\.3), length (\\d+): ?`, 'y');
const ETHER_LOOSE = new RegExp(`(${MAC}) > (${MAC}),? `, 'y');
const VLAN = new RegExp(`vlan (\\d+), p \\d+, (?:DEI, )?${ETHERTYPE}, `, 'y');
const NULL = /AF (\S+) \((\d+)\), length (\d+): ?/y;
const NFLOG = /version \d+, resource ID \d+, family (\S+) \((\d+)\), length (\d+): ?/y;
const PKTAP = /DLT \S+ \(\d+\) len \d+, length (\d+): ?/y;
const PPP = /\S+ \(0x([0-9a-f]{4})\), length (\d+): ?/y;
const PPPOE = /PPPoE {2}\[ses 0x[0-9a-f]+\] (?=IP6? )/y;

const SLL_DIR: Record<string, PacketEvent['direction']> = { ' In': 'In', Out: 'Out', '  B': 'B', '  M': 'M', '  P': 'P' };

function hintOf(type: number): NetHint {
  switch (type) {
    case 0x0800: return 'IP';
    case 0x86dd: return 'IP6';
    case 0x0806: return 'ARP';
    case 0x8035: return 'RARP';
    default: return 'ether';
  }
}

/** `ethertype NAME (0xHHHH), length N`: the type, the frame length, and what follows. */
function ethertype(ev: PacketEvent, name: string, hex: string, length: string): { hint: NetHint; etherText: string } {
  ev.ethertype = parseInt(hex, 16);
  ev.frameLen = Number(length);
  return { hint: hintOf(ev.ethertype), etherText: `ethertype ${name} (0x${hex}), length ${length}` };
}

const isVlan = (type: number) => type === 0x8100 || type === 0x88a8 || type === 0x9100;

/**
 * The `-i any` column and `-e` link headers starting at `at`; fills the
 * event's link fields. Cheap when there is none: each form is tried only
 * when the first character can start it.
 */
export function scanLink(line: string, at: number, ev: PacketEvent): LinkResult {
  let hint: NetHint;
  let etherText: string | undefined;
  const c = line.charCodeAt(at);
  // IP/ARP lines without -e are the common case: leave at once.
  if (c === 73 /* I */ && line.charCodeAt(at + 1) === 80 /* P */ && !line.startsWith(' (0x', at + 2)) return { at, hint };
  if (c === 65 /* A */ && line.startsWith('ARP, ', at)) return { at, hint };
  // -i any column (Linux cooked v2): "lo    In  ", "eth0  Out ", "?     Out ".
  COLUMN.lastIndex = at;
  let m = COLUMN.exec(line);
  if (m) {
    ev.iface = m[1]!;
    ev.direction = m[2] as PacketEvent['direction'];
    at = COLUMN.lastIndex;
    SLL2.lastIndex = at;
    if ((m = SLL2.exec(line))) {
      ev.ifindex = Number(m[1]);
      if (m[2]) ev.macSrc = m[2];
      ({ hint, etherText } = ethertype(ev, m[3]!, m[4]!, m[5]!));
      at = SLL2.lastIndex;
    }
  } else if (c === 32 || c === 79 /* O */) {
    // Linux cooked v1 with -e: direction (" In", "Out", "  B"...), the sender's link address, the protocol.
    SLL.lastIndex = at;
    if ((m = SLL.exec(line))) {
      ev.direction = SLL_DIR[m[1]!];
      if (m[2]) ev.macSrc = m[2];
      ({ hint, etherText } = ethertype(ev, m[3]!, m[4]!, m[5]!));
      at = SLL.lastIndex;
    }
  }
  // Headers that may nest: PKTAP around Ethernet, 802.1Q tags after Ethernet.
  for (let guard = 0; guard < 8; guard++) {
    const d = line.charCodeAt(at);
    if (d === 68 /* D */ && line.startsWith('DLT ', at)) {
      PKTAP.lastIndex = at;
      if ((m = PKTAP.exec(line))) {
        ev.frameLen = Number(m[1]);
        at = PKTAP.lastIndex;
        continue;
      }
    }
    if (((d >= 48 && d <= 57) || (d >= 97 && d <= 102)) && line.charCodeAt(at + 2) === 58) {
      ETHER.lastIndex = at;
      if ((m = ETHER.exec(line))) {
        ev.macSrc = m[1]!;
        ev.macDst = m[2]!;
        ev.frameLen = Number(m[5]);
        at = ETHER.lastIndex;
        if (m[4] === undefined) {
          hint = undefined; // 802.3 length field: LLC follows
          continue;
        }
        ({ hint, etherText } = ethertype(ev, m[3]!, m[4], m[5]!));
        if (isVlan(ev.ethertype!)) {
          VLAN.lastIndex = at;
          while ((m = VLAN.exec(line))) {
            (ev.vlan ??= []).push(Number(m[1]));
            ev.ethertype = parseInt(m[3]!, 16);
            hint = hintOf(ev.ethertype);
            etherText = `ethertype ${m[2]} (0x${m[3]})`;
            at = VLAN.lastIndex;
          }
        }
        continue;
      }
      ETHER_LOOSE.lastIndex = at;
      if ((m = ETHER_LOOSE.exec(line))) {
        ev.macSrc = m[1]!;
        ev.macDst = m[2]!;
        at = ETHER_LOOSE.lastIndex;
        hint = undefined;
      }
      break;
    }
    if (d === 65 /* A */ && line.startsWith('AF ', at)) {
      NULL.lastIndex = at;
      if ((m = NULL.exec(line))) {
        ev.frameLen = Number(m[3]);
        hint = m[1] === 'IPv4' ? 'IP' : m[1]!.startsWith('IPv6') ? 'IP6' : undefined;
        at = NULL.lastIndex;
      }
      break;
    }
    if (d === 118 /* v */ && line.startsWith('version ', at)) {
      NFLOG.lastIndex = at;
      if ((m = NFLOG.exec(line))) {
        ev.frameLen = Number(m[3]);
        hint = m[1] === 'IPv4' ? 'IP' : m[1] === 'IPv6' ? 'IP6' : undefined;
        at = NFLOG.lastIndex;
      }
      break;
    }
    if (line.startsWith(' (0x', line.indexOf(' ', at))) {
      // PPP with -e: the protocol's name and number.
      PPP.lastIndex = at;
      if ((m = PPP.exec(line))) {
        const proto = parseInt(m[1]!, 16);
        ev.frameLen = Number(m[2]);
        hint = proto === 0x0021 ? 'IP' : proto === 0x0057 ? 'IP6' : undefined;
        at = PPP.lastIndex;
      }
      break;
    }
    if (d === 80 /* P */ && line.startsWith('PPPoE  [ses', at)) {
      PPPOE.lastIndex = at;
      if (PPPOE.exec(line)) at = PPPOE.lastIndex;
      break;
    }
    break;
  }
  return etherText !== undefined ? { at, hint, etherText } : { at, hint };
}
