/**
 * tcpdump text → events. A push parser: feed it lines, take events out.
 *
 * Every line is one of:
 *  - a packet line: it starts with what every packet line of the file
 *    starts with (the `-#` number, else the timestamp, else — with -t and no
 *    -# — a protocol word); it becomes one `packet` event, whatever follows;
 *  - the second line of an IPv4 -v packet (`    src > dst: ...` after a line
 *    that ended with the -v header): part of that packet's event;
 *  - a continuation line (hex dumps, -A payload, -v details, quoted packets,
 *    an encapsulated frame): indented, or -A text, or `mac > mac, ...`;
 *    it belongs to the packet before it and is counted, not emitted;
 *  - a message tcpdump writes to stderr (`reading from file ...`,
 *    `N packets captured`): a `message` event;
 *  - a blank line;
 *  - anything else: `unparsed`, with the reason. docs/tcpdump-text.md has the rules.
 *
 * The last packet is held until the next line that is not one of its
 * continuation lines, so its -v second line (and the source of the packet
 * an ICMP error quotes) can still be added.
 */
import type { MessageEvent, PacketEvent, TraceEvent, UnparsedEvent } from '../../model/events.js';
import { TcpSeqNumbering } from '../../decode/tcp-seq.js';
import { parseNetwork } from '../../../grammars/tcpdump/parser.js';
import { scanLink } from './prefix.js';
import { Clock, scanStamp, type Stamp, type TimeMode } from './time.js';
import { note, truncated } from '../../decode/note.js';
import { protoWord, quotedSource, visitArp, visitNetwork } from './visitor.js';

export type { TimeMode } from './time.js';

export interface TcpdumpParseOptions {
  /** The file name as given on the command line; goes into every location. */
  file: string;
  /** How HH:MM:SS stamps count (see time.ts); sniffTimeMode() decides it from the file's head. Default 'absolute'. */
  timeMode?: TimeMode;
  /**
   * The file was printed with -A/-AA: unindented lines after a packet are its
   * payload, not garbage. sniffAsciiPayload() decides it from the head.
   */
  asciiPayload?: boolean;
}

/** Counts of what each line was, for coverage reports and tests. */
export interface TcpdumpStats {
  kind: 'tcpdump';
  lines: number;
  blank: number;
  /** Lines that became, or were part of, an event (packet lines, their continuation lines, messages). */
  classified: number;
  unparsed: number;
  packets: number;
  /** Continuation lines, a -v second line included. */
  continuation: number;
  messages: number;
  /** Packet lines whose network part the grammar did not accept (kept as `info`). */
  grammarErrors: number;
  /** Packets followed by unindented continuation text (-A payload), when read with asciiPayload. */
  textPayloads: number;
}

const BLANK = /^[ \t\r\f\v]*$/;
const NUMBER_AT_START = /^ *\d+ {2}/;
const MESSAGE = /^(?:reading from file |listening on |tcpdump: |Warning: |dropped privs to |\d+ packets? (?:captured|received by filter|dropped by (?:kernel|interface)))/;
const LINK_TYPE = /, link-type (\S+)/;
const ENCAPSULATED_FRAME = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5} > [0-9a-f]{2}(?::[0-9a-f]{2}){5}[, ]/;
/** -t without -#: what a packet line can start with when -A text may be around it. */
const KNOWN_START = /^(?:IP6? |R?ARP, |[0-9a-f]{2}(?::[0-9a-f]{2}){5} > |\S+ +(?:In|Out|B|M|P) +|(?: In|Out|  [BMP]) (?:[0-9a-f:]+ )?ethertype |\[\|)/;
/** -t without -#, no -A: a packet line starts with an upper-case protocol word, a MAC pair, an -i any column, or a `[|` mark. */
const PROTOCOL_START = /^(?:[A-Z]|[0-9a-f]{2}(?::[0-9a-f]{2}){5} > |\S+ +(?:In|Out|B|M|P) +\S|(?: In|Out|  [BMP]) |\[)/;

/** Layers whose `[|name]` mark means the capture (snaplen) ended inside them. Application printers also stop with `[|http]`, `[|domain]` on whole packets. */
const CAPTURE_LAYERS = new Set([
  'ether', 'llc', 'snap', 'vlan', 'sll', 'sll2', 'null', 'loop', 'ppp', 'pppoe', 'nflog', 'pktap', 'mpls',
  'ip', 'ip6', 'ipv6', 'frag6', 'hbhopt', 'dstopt', 'rt6', 'srcrt', 'mobility',
  'tcp', 'udp', 'icmp', 'icmp6', 'arp', 'rarp', 'igmp', 'gre', 'esp', 'ah', 'sctp', 'dccp',
]);
const TRUNC_MARK = /\[\|([\w.-]+)\]/g;

interface Prefix {
  packet?: number;
  stamp?: Stamp;
  capLen?: number;
  wireLen?: number;
  at: number;
}

export class TcpdumpTextParser {
  readonly stats: TcpdumpStats = { kind: 'tcpdump', lines: 0, blank: 0, classified: 0, unparsed: 0, packets: 0, continuation: 0, messages: 0, grammarErrors: 0, textPayloads: 0 };
  private readonly file: string;
  private readonly mode: TimeMode;
  private readonly ascii: boolean;
  private readonly clock: Clock;
  private readonly seq = new TcpSeqNumbering();

  private out: TraceEvent[] = [];
  /** The last packet, held for its continuation lines. */
  private open: PacketEvent | undefined;
  /** `open` ended with an IPv4 -v header: its addresses come on the next line. */
  private awaitingSecond = false;
  private hdrProto: number | undefined;
  /** Whether packet lines start with a -# number; decided by the first packet line. */
  private numbered: boolean | undefined;
  private seenPacket = false;
  /** The held packet already has unindented continuation text. */
  private openHasText = false;
  /** From tcpdump's "reading from file X, link-type EN10MB (Ethernet)" line, when the text has it. */
  private linkType: string | undefined;

  constructor(opts: TcpdumpParseOptions) {
    this.file = opts.file;
    this.mode = opts.timeMode ?? 'absolute';
    this.ascii = opts.asciiPayload ?? false;
    this.clock = new Clock(this.mode);
  }

  /** Take the events completed so far, in order. */
  drain(): TraceEvent[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  push(line: string, lineNo: number): void {
    this.stats.lines++;
    if (this.awaitingSecond && this.secondLine(line, lineNo)) return;
    const c0 = line.charCodeAt(0);
    if (line.length === 0 || ((c0 === 32 || c0 === 9) && BLANK.test(line))) {
      this.stats.blank++;
      return;
    }
    // tcpdump's own lines first when they could pass for packet lines (-t: "Warning: ..." starts upper-case).
    if ((c0 === 87 || (c0 >= 97 && c0 <= 122)) && MESSAGE.test(line)) {
      this.close();
      this.message(line, lineNo);
      return;
    }
    const pre = this.prefix(line);
    if (pre) {
      this.close();
      this.packetLine(line, lineNo, pre);
      return;
    }
    if (MESSAGE.test(line)) {
      this.close();
      this.message(line, lineNo);
      return;
    }
    if (this.seenPacket && (c0 === 32 || c0 === 9 || this.ascii || ENCAPSULATED_FRAME.test(line))) {
      this.stats.classified++;
      this.stats.continuation++;
      if (c0 !== 32 && c0 !== 9 && this.open && !this.openHasText && !ENCAPSULATED_FRAME.test(line)) {
        this.openHasText = true;
        this.stats.textPayloads++;
      }
      if (this.open?.inner) quotedSource(line, this.open);
      return;
    }
    this.close();
    this.unparsed(line, lineNo, this.whyUnparsed(line));
  }

  /** End of input: the held packet is emitted. */
  end(): void {
    if (this.awaitingSecond && this.open) note(this.open, 'the -v header is not followed by its second line (addresses and transport)');
    this.awaitingSecond = false;
    this.close();
  }

  // ---- line kinds -----------------------------------------------------------

  /** The packet-line prefix, or undefined when the line is not a packet line. */
  private prefix(line: string): Prefix | undefined {
    let at = 0;
    let packet: number | undefined;
    if (this.numbered !== false) {
      let i = 0;
      while (line.charCodeAt(i) === 32) i++;
      let j = i;
      for (let c = line.charCodeAt(j); c >= 48 && c <= 57; c = line.charCodeAt(++j));
      if (j > i && line.charCodeAt(j) === 32 && line.charCodeAt(j + 1) === 32) {
        packet = Number(line.slice(i, j));
        at = j + 2;
      } else if (this.numbered === true) return undefined;
    }
    let capLen: number | undefined;
    let wireLen: number | undefined;
    if (line.charCodeAt(at) === 99 /* c */ && line.startsWith('caplen ', at)) {
      const m = /^caplen (\d+) len (\d+) /.exec(line.slice(at));
      if (m) {
        capLen = Number(m[1]);
        wireLen = Number(m[2]);
        at += m[0].length;
      }
    }
    let stamp: Stamp | undefined;
    if (this.mode !== 'none') {
      stamp = scanStamp(line, at, this.mode === 'delta');
      if (stamp) at = stamp.end + 1;
      else if (packet === undefined) return undefined;
    } else if (packet === undefined) {
      const c = line.charCodeAt(0);
      if (c === 9 || (c === 32 && !/^ (?:In|  [BMP]) /.test(line))) return undefined;
      if (!(this.ascii ? KNOWN_START : PROTOCOL_START).test(line)) return undefined;
    }
    if (this.numbered === undefined) this.numbered = packet !== undefined;
    const p: Prefix = { at };
    if (packet !== undefined) p.packet = packet;
    if (stamp) p.stamp = stamp;
    if (capLen !== undefined) {
      p.capLen = capLen;
      p.wireLen = wireLen!;
    }
    return p;
  }

  private packetLine(line: string, lineNo: number, pre: Prefix): void {
    this.seenPacket = true;
    this.stats.packets++;
    this.stats.classified++;
    const ev = { kind: 'packet', file: this.file, line: lineNo } as PacketEvent;
    if (pre.packet !== undefined) ev.packet = pre.packet;
    const st = pre.stamp;
    if (st) {
      ev.time = this.clock.seconds(st);
      ev.timeText = st.sign === '-' ? '-' + st.text : st.text;
      if (st.invalid) note(ev, `invalid timestamp: the sub-second field is not below one second (invalid ${st.invalid})`);
    } else if (this.mode !== 'none') note(ev, 'no timestamp where the file has them');
    ev.proto = 'unknown';
    if (this.linkType) ev.linkType = this.linkType;
    if (pre.capLen !== undefined) {
      ev.capLen = pre.capLen;
      ev.frameLen = pre.wireLen!;
    }
    const link = scanLink(line, pre.at, ev);
    let at = link.at;
    while (line.charCodeAt(at) === 32) at++;
    const hint = link.hint;
    if (hint === 'IP' || hint === 'IP6') {
      ev.network = hint;
      this.network(line.slice(at), ev);
    } else if (line.charCodeAt(at) === 73 /* I */ && (line.startsWith('IP ', at) || line.startsWith('IP6 ', at))) {
      this.network(line.slice(at), ev);
    } else if (hint === 'ARP' || hint === 'RARP') {
      visitArp(line.slice(at).trimEnd(), ev, hint);
    } else if (line.startsWith('ARP, ', at)) {
      visitArp(line.slice(at + 5).trimEnd(), ev, 'ARP');
    } else if (line.startsWith('RARP, ', at)) {
      visitArp(line.slice(at + 6).trimEnd(), ev, 'RARP');
    } else {
      const text = line.slice(at).trimEnd();
      if (text === '' && hint === 'ether' && link.etherText) {
        ev.proto = 'ether';
        ev.info = link.etherText;
      } else {
        ev.proto = protoWord(text);
        if (text !== '') ev.info = text;
      }
    }
    if (line.indexOf('[|', pre.at) >= 0) truncation(line.slice(pre.at), ev);
    this.open = ev;
    this.openHasText = false;
  }

  /** The network part through the grammar; a line it does not accept keeps its text. */
  private network(text: string, ev: PacketEvent): void {
    const p = parseNetwork(text);
    if (!p.cst) {
      this.stats.grammarErrors++;
      if (text.startsWith('IP6 ')) ev.network = 'IP6';
      else if (text.startsWith('IP ')) ev.network = 'IP';
      ev.proto = ev.network === 'IP6' ? 'ip6' : 'ip';
      ev.info = text.replace(/^IP6? /, '').trimEnd();
      note(ev, `network part not understood: ${p.error!.message.split('\n', 1)[0]} (column ${p.error!.offset + 1})`);
      return;
    }
    const r = visitNetwork(p.cst, ev, { seq: this.seq });
    if (r.headerOnly) {
      this.awaitingSecond = true;
      this.hdrProto = r.hdrProto;
    }
  }

  /** The second line of an IPv4 -v packet: four spaces, then `src > dst: ...`. */
  private secondLine(line: string, lineNo: number): boolean {
    this.awaitingSecond = false;
    const ev = this.open!;
    // (Not the next packet's `    2  ...` -# number, should the second line be missing.)
    if (!(line.startsWith('    ') && line.charCodeAt(4) !== 32 && line.charCodeAt(4) !== 9) || (this.numbered && NUMBER_AT_START.test(line))) {
      note(ev, 'the -v header is not followed by its second line (addresses and transport)');
      return false;
    }
    this.stats.classified++;
    this.stats.continuation++;
    ev.endLine = lineNo;
    const text = line.slice(4);
    const p = parseNetwork(text);
    if (!p.cst) {
      this.stats.grammarErrors++;
      ev.info = text.trimEnd();
      note(ev, `network part not understood: ${p.error!.message.split('\n', 1)[0]} (column ${p.error!.offset + 5})`);
      return true;
    }
    const ctx = this.hdrProto !== undefined ? { seq: this.seq, hdrProto: this.hdrProto } : { seq: this.seq };
    visitNetwork(p.cst, ev, ctx);
    if (text.indexOf('[|') >= 0) truncation(text, ev);
    return true;
  }

  private message(line: string, lineNo: number): void {
    this.stats.classified++;
    this.stats.messages++;
    const lt = line.startsWith('reading from file ') || line.startsWith('listening on ') ? LINK_TYPE.exec(line) : null;
    if (lt) this.linkType = lt[1];
    const ev: MessageEvent = { kind: 'message', file: this.file, line: lineNo, text: line.trimEnd() };
    this.out.push(ev);
  }

  private unparsed(text: string, lineNo: number, reason: string): void {
    this.stats.unparsed++;
    const ev: UnparsedEvent = { kind: 'unparsed', file: this.file, line: lineNo, text, reason };
    this.out.push(ev);
  }

  private whyUnparsed(line: string): string {
    const c0 = line.charCodeAt(0);
    if (!this.seenPacket && (c0 === 32 || c0 === 9)) return 'indented like a continuation line, but no packet line comes before it';
    const expect = this.numbered
      ? 'a packet number (-#)'
      : this.mode === 'none'
        ? 'a protocol word (the file has no timestamps)'
        : this.mode === 'absolute'
          ? 'a timestamp (HH:MM:SS.frac, epoch seconds or a date)'
          : 'a relative timestamp ( HH:MM:SS.frac)';
    if (c0 >= 48 && c0 <= 57) return `starts like a packet line but not with ${expect}`;
    return `not a packet line (packet lines here start with ${expect}), not indented like a continuation line, not a tcpdump message`;
  }

  /** Emit the held packet. */
  private close(): void {
    if (this.open) {
      scrubInfinite(this.open);
      this.out.push(this.open);
      this.open = undefined;
    }
  }
}

/**
 * Fuzzing (docs/fuzzing.md): a field printed with hundreds of digits (`-#`
 * number, timestamp, ttl, seq, win, length, caplen...) reads as Infinity,
 * which JSON writes as null (`"packet": null`, `"time": null`). Such a field
 * is left out, with a note; the line's text keeps what was printed.
 */
function scrubInfinite(ev: PacketEvent): void {
  const rec = ev as unknown as Record<string, unknown>;
  for (const k in rec) {
    const v = rec[k];
    if (typeof v === 'number' && !Number.isFinite(v)) {
      delete rec[k];
      note(ev, `${k} out of range (${v})`);
    }
  }
  const frag = ev.frag as unknown as Record<string, unknown> | undefined;
  if (frag) {
    for (const k of ['id', 'offset']) {
      if (typeof frag[k] === 'number' && !Number.isFinite(frag[k])) {
        frag[k] = 0;
        note(ev, `fragment ${k} out of range`);
      }
    }
  }
}

/** `[|tcp]`: the capture ended inside that layer. */
function truncation(text: string, ev: PacketEvent): void {
  for (const m of text.matchAll(TRUNC_MARK)) {
    const layer = m[1]!.toLowerCase();
    if (!CAPTURE_LAYERS.has(layer)) continue;
    if (ev.notes?.includes(`[|${layer}]`)) ev.truncated = true;
    else truncated(ev, layer);
  }
}
