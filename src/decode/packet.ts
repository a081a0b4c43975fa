/**
 * One capture frame → one packet event. A decoder per file keeps what
 * tcpdump keeps across packets (the relative sequence numbers).
 */
import type { PacketEvent } from '../model/events.js';
import type { RawFrame } from '../readers/capture/frame.js';
import type { DecodeState } from './l4.js';
import { decodeLink } from './link.js';
import { TcpSeqNumbering } from './tcp-seq.js';

export class PacketDecoder {
  private readonly st: DecodeState = { seq: new TcpSeqNumbering() };

  constructor(
    private readonly file: string,
    private readonly linkTypeName: (n: number) => string | undefined = () => undefined,
  ) {}

  decode(f: RawFrame): PacketEvent {
    // Keys in one fixed order: the common shape keeps V8's objects monomorphic and the JSON readable.
    const ev: PacketEvent = {
      kind: 'packet',
      file: this.file,
      packet: f.number,
      time: f.time,
      timeText: f.timeText,
      src: undefined,
      dst: undefined,
      proto: 'unknown',
      flags: undefined,
      seq: undefined,
      ack: undefined,
      win: undefined,
      len: undefined,
      frameLen: f.origLen,
      capLen: f.data.length,
      linkType: undefined,
      macSrc: undefined,
      macDst: undefined,
      ethertype: undefined,
      network: undefined,
      ttl: undefined,
      ipId: undefined,
      ipLen: undefined,
      seqRelative: undefined,
      rawSeq: undefined,
      rawAck: undefined,
      options: undefined,
    } as PacketEvent;
    const name = this.linkTypeName(f.linkType);
    if (name) ev.linkType = name;
    if (f.interfaceName !== undefined) ev.iface = f.interfaceName;
    if (f.direction) ev.direction = f.direction;
    if (f.notes) ev.notes = [...f.notes];
    try {
      decodeLink(f.linkType, f.data, f.origLen, ev, this.st);
    } catch (e) {
      // A decoder bug must cost one packet its detail, never the rest of the file.
      (ev.notes ??= []).push(`decoder error: ${(e as Error).message}`);
    }
    return ev;
  }
}
