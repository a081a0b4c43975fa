/**
 * What the capture-file readers (pcap, pcapng) hand to the decoders: frames
 * with their record metadata, and notes about the file itself. Keeping the
 * container apart from the protocols lets one decoder serve both formats.
 */

export interface RawFrame {
  kind: 'frame';
  /** 1-based, counted over the whole file as tcpdump -# and Wireshark count. */
  number: number;
  /** Byte offset of the record (pcap record header / pcapng block) in the decompressed file. */
  offset: number;
  /** Epoch seconds; sub-microsecond digits may be lost to float rounding, `timeText` keeps them. */
  time: number;
  /** The exact timestamp as "seconds.fraction" with the file's precision (6 digits for µs, 9 for ns). */
  timeText: string;
  /** DLT/LINKTYPE number of this frame (pcapng: its interface's). Reserved upper bits already masked. */
  linkType: number;
  /** Bytes on the wire. */
  origLen: number;
  /** The captured bytes (a view; stays valid, never reused by the reader). */
  data: Uint8Array;
  /** pcapng: the interface id within its section, and that interface's if_name when given. */
  interfaceId?: number;
  interfaceName?: string;
  /** pcapng epb_flags bits 0-1: 1 inbound, 2 outbound. */
  direction?: 'In' | 'Out';
  /** Problems with this record (e.g. "timestamp fraction 1000000 is not below one second"). */
  notes?: string[];
}

/** Something about the file rather than a frame: a cut-short last record, a block that cannot be read. */
export interface CaptureNote {
  kind: 'note';
  offset: number;
  /** The frame number the note stands in for, when it replaces a frame (a truncated last record). */
  number?: number;
  message: string;
  /** Reading stopped here; nothing after it was read. */
  fatal: boolean;
}

export type CaptureItem = RawFrame | CaptureNote;

export function captureNote(offset: number, message: string, fatal: boolean, number?: number): CaptureNote {
  return number === undefined ? { kind: 'note', offset, message, fatal } : { kind: 'note', offset, number, message, fatal };
}

/** The file cannot be read at all (bad magic, unsupported version): nothing was yielded. */
export class CaptureError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}
