/**
 * Classic pcap files (libpcap's savefile format) into raw frames, through
 * the pcap-parser package (0.2.1), with what it lacks covered around it:
 *
 * - the 24-byte file header is validated here first, by libpcap's rules
 *   (sf-pcap.c): magic, version (2.3 and 2.4; below 2 is "archaic"),
 *   linktype reserved bits 16-25; nothing is yielded before that passes;
 * - nanosecond files (magic a1b23c4d, either byte order) are handed to
 *   pcap-parser with the microsecond magic patched in, and its
 *   `timestampMicroseconds` is read as nanoseconds;
 * - its `packetHeader` event is watched: a captured length beyond
 *   libpcap's maximum for the link type ends the read with a note naming
 *   the record's offset, before pcap-parser would buffer the rest of the
 *   file waiting for it;
 * - a record with a captured length above the snapshot length keeps the
 *   first snaplen bytes, as libpcap does;
 * - at the end, a record it is still waiting for (a cut-short file,
 *   which pcap-parser drops silently) becomes a note with the frame number
 *   it would have had;
 * - chunks are fed to it synchronously through a stand-in stream, so each
 *   input chunk yields one batch, and while it waits for a record bigger
 *   than a chunk the chunks are held here and fed at once (its own
 *   buffering copies everything it holds on every chunk).
 *
 * See docs/capture-files.md for every message.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { maxSnaplenForLinkType } from '../../knowledge/link-types.js';
import { CaptureError, captureNote, type CaptureItem, type RawFrame } from './frame.js';
import { pcapStamp, type Stamp } from './timestamp.js';

/** What pcap-parser emits (it ships no types). */
interface PcapParserPacketHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}
interface PcapParserPacket {
  header: PcapParserPacketHeader;
  data: Buffer;
}
interface StandInStream extends EventEmitter {
  pause(): void;
  resume(): void;
}
interface PcapParserModule {
  parse(input: StandInStream): EventEmitter;
}

const pcapParser = createRequire(import.meta.url)('pcap-parser') as PcapParserModule;

export const PCAP_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

/** The validated global header of a pcap file. */
export interface PcapFileHeader {
  littleEndian: boolean;
  /** Sub-second field in nanoseconds (magic a1b23c4d) rather than microseconds. */
  nano: boolean;
  versionMajor: number;
  versionMinor: number;
  /** As written in the file. */
  snaplen: number;
  /** The snapshot length libpcap applies: snaplen, or the link type's maximum when snaplen is 0 or above 2^31-1. */
  snapshot: number;
  /** The LINKTYPE (low 16 bits of the field). */
  linkType: number;
  /** FCS length in bytes from bits 28-31 when bit 26 ('F') says it is present. */
  fcsLength?: number;
  /** The raw 32-bit link-type field. */
  linkTypeField: number;
}

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const MAGIC_KUZNETZOV = 0xa1b2cd34;
const LT_RESERVED1 = 0x03ff0000;
const LT_FCS_PRESENT = 0x04000000;

function hex8(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Validate the 24-byte global header (libpcap's pcap_check_header rules).
 * Throws CaptureError with the offset of the field at fault.
 */
export function parsePcapHeader(head: Uint8Array): PcapFileHeader {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length === 0) throw new CaptureError('empty file: no pcap file header', 0);
  if (b.length >= 4) {
    const be = b.readUInt32BE(0);
    const le = b.readUInt32LE(0);
    if (be === MAGIC_KUZNETZOV || le === MAGIC_KUZNETZOV) {
      throw new CaptureError('modified pcap format (Kuznetzov patch, magic 0xa1b2cd34, 24-byte record headers) is not supported; convert it with editcap -F pcap', 0);
    }
    if (be === 0x0a0d0d0a) throw new CaptureError('this is a pcapng file, not a classic pcap file', 0);
    if ((be >>> 16) === 0x1f8b) throw new CaptureError('this is gzip-compressed data; decompress it before reading it as pcap', 0);
    if (be !== MAGIC_USEC && le !== MAGIC_USEC && be !== MAGIC_NSEC && le !== MAGIC_NSEC) {
      throw new CaptureError(`not a pcap file: unknown magic number ${hex8(be)}`, 0);
    }
  }
  if (b.length < PCAP_HEADER_LENGTH) {
    throw new CaptureError(`truncated pcap file header: ${PCAP_HEADER_LENGTH} bytes needed, only ${b.length} present`, 0);
  }
  const little = b.readUInt32LE(0) === MAGIC_USEC || b.readUInt32LE(0) === MAGIC_NSEC;
  const magic = little ? b.readUInt32LE(0) : b.readUInt32BE(0);
  const u16 = (o: number) => (little ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const major = u16(4);
  const minor = u16(6);
  if (major < 2) throw new CaptureError(`archaic pcap savefile format: version ${major}.${minor} (libpcap reads 2.x only)`, 4);
  if (major === 543 && minor === 0) {
    throw new CaptureError('unsupported pcap savefile version 543.0 (DG/UX tcpdump, lengths in the pre-2.3 order) is not read by this reader', 4);
  }
  if (major !== 2 || minor > 4) throw new CaptureError(`unsupported pcap savefile version ${major}.${minor}`, 4);
  if (minor < 3) {
    throw new CaptureError(`unsupported pcap savefile version ${major}.${minor}: records before 2.3 store the captured and original lengths the other way round, which this reader does not handle`, 4);
  }
  const snaplen = u32(16);
  const field = u32(20);
  if ((field & LT_RESERVED1) !== 0) {
    throw new CaptureError(`savefile linktype reserved field not zero (${hex8(field & LT_RESERVED1)}) in link-type field ${hex8(field)}`, 20);
  }
  const linkType = field & 0xffff;
  const snapshot = snaplen === 0 || snaplen > 0x7fffffff ? maxSnaplenForLinkType(linkType) : snaplen;
  const h: PcapFileHeader = { littleEndian: little, nano: magic === MAGIC_NSEC, versionMajor: major, versionMinor: minor, snaplen, snapshot, linkType, linkTypeField: field };
  if (field & LT_FCS_PRESENT) h.fcsLength = ((field >>> 28) & 0xf) * 2;
  return h;
}

/** The header as pcap-parser accepts it: microsecond magic in the file's byte order. */
function headerForPcapParser(head: Buffer, h: PcapFileHeader): Buffer {
  const out = Buffer.from(head.subarray(0, PCAP_HEADER_LENGTH));
  if (h.littleEndian) out.writeUInt32LE(MAGIC_USEC, 0);
  else out.writeUInt32BE(MAGIC_USEC, 0);
  return out;
}

/**
 * Read a classic pcap byte stream (already decompressed). Yields one batch
 * per input chunk (frames and notes); throws CaptureError, before
 * yielding anything, when the file header cannot be read.
 */
export async function* readPcap(input: AsyncIterable<Buffer>): AsyncGenerator<CaptureItem[]> {
  let head: Buffer | undefined;
  let headParts: Buffer[] = [];
  let headLen = 0;
  let hdr: PcapFileHeader | undefined;

  // Everything below is set once the header is valid.
  let fake: StandInStream | undefined;
  let out: CaptureItem[] = [];
  let received = 0; // bytes of the file seen so far
  let nextRecord = PCAP_HEADER_LENGTH; // offset of the next record header pcap-parser will report
  let recOffset = 0; // offset of the record whose header was seen last
  let recCaplen = 0;
  let waitingBody = false;
  let stopped = false;
  let count = 0;
  let held: Buffer[] = [];
  let heldLen = 0;

  const start = (h: PcapFileHeader) => {
    const linkType = h.linkType;
    const snapshot = h.snapshot;
    const maxCaplen = maxSnaplenForLinkType(linkType);
    const nano = h.nano;
    const unit = nano ? 1e9 : 1e6;
    const stamp: Stamp = { time: 0, timeText: '' };
    fake = Object.assign(new EventEmitter(), { pause() {}, resume() {} });
    const parser = pcapParser.parse(fake);
    parser.on('packetHeader', (ph: PcapParserPacketHeader) => {
      if (stopped) return;
      recOffset = nextRecord;
      recCaplen = ph.capturedLength;
      nextRecord += PCAP_RECORD_HEADER_LENGTH + recCaplen;
      waitingBody = true;
      if (recCaplen > maxCaplen) {
        stopped = true;
        const why = recCaplen > snapshot ? `bigger than the snapshot length ${snapshot}` : `bigger than the maximum of ${maxCaplen}`;
        out.push(captureNote(recOffset, `invalid captured length ${recCaplen} in the record header at offset ${recOffset}, ${why} (libpcap: invalid packet capture length)`, true, count + 1));
      }
    });
    parser.on('packet', (p: PcapParserPacket) => {
      if (stopped) return;
      waitingBody = false;
      const ph = p.header;
      const frac = ph.timestampMicroseconds;
      pcapStamp(stamp, ph.timestampSeconds, frac, nano);
      let notes: string[] | undefined;
      let data: Buffer = p.data;
      if (frac >= unit) {
        notes = [`timestamp fraction ${frac} is not below one second (${nano ? 'ns' : 'µs'}); tcpdump prints it as it is, followed by "(invalid ${nano ? 'ns' : 'us'})"`];
      }
      if (ph.capturedLength > snapshot) {
        data = data.subarray(0, snapshot);
        (notes ??= []).push(`captured length ${ph.capturedLength} is bigger than the snapshot length ${snapshot}: only the first ${snapshot} bytes are kept, as libpcap does`);
      }
      const f: RawFrame = {
        kind: 'frame',
        number: ++count,
        offset: recOffset,
        time: stamp.time,
        timeText: stamp.timeText,
        linkType,
        origLen: ph.originalLength,
        data,
        notes,
      };
      out.push(f);
    });
    parser.on('error', (e: Error) => {
      // Not expected once the header passed our own checks; report rather than throw.
      if (stopped) return;
      stopped = true;
      out.push(captureNote(nextRecord, `pcap-parser: ${e.message}`, true));
    });
  };

  const feed = (chunk: Buffer) => {
    fake!.emit('data', chunk);
  };

  for await (const chunk0 of input) {
    let chunk = chunk0;
    if (!hdr) {
      headParts.push(chunk);
      headLen += chunk.length;
      if (headLen < PCAP_HEADER_LENGTH) {
        // Reject a bad magic as soon as it is visible, even in a 4-byte first chunk.
        if (headLen >= 4) parsePcapHeaderMagicOnly(Buffer.concat(headParts, headLen));
        continue;
      }
      head = Buffer.concat(headParts, headLen);
      headParts = [];
      hdr = parsePcapHeader(head);
      start(hdr);
      received = head.length;
      feed(headerForPcapParser(head, hdr));
      chunk = head.subarray(PCAP_HEADER_LENGTH);
      if (chunk.length === 0) continue;
    } else {
      received += chunk.length;
    }
    if (stopped) break;
    if (heldLen > 0 || (waitingBody && received < nextRecord)) {
      // pcap-parser is waiting for a record longer than what it has: hold
      // chunks until the record is complete, then feed them in one piece.
      held.push(chunk);
      heldLen += chunk.length;
      if (received < nextRecord) continue;
      chunk = heldLen === chunk.length ? chunk : Buffer.concat(held, heldLen);
      held = [];
      heldLen = 0;
    }
    feed(chunk);
    if (out.length) {
      const batch = out;
      out = [];
      yield batch;
    }
    if (stopped) break;
  }
  if (!hdr) {
    // The whole input was shorter than a header.
    parsePcapHeader(Buffer.concat(headParts, headLen));
    return;
  }
  if (!stopped) {
    if (waitingBody) {
      const have = received - (recOffset + PCAP_RECORD_HEADER_LENGTH);
      out.push(captureNote(recOffset, `last record cut short: its header at offset ${recOffset} promises ${recCaplen} captured bytes, only ${have} are there`, true, count + 1));
    } else if (received > nextRecord) {
      const have = received - nextRecord;
      out.push(captureNote(nextRecord, `last record cut short: only ${have} of the ${PCAP_RECORD_HEADER_LENGTH} bytes of its header at offset ${nextRecord} are there`, true, count + 1));
    }
  }
  if (out.length) yield out;
}

/** A bad magic in the first bytes, before the full header arrived. */
function parsePcapHeaderMagicOnly(b: Buffer): void {
  try {
    parsePcapHeader(b);
  } catch (e) {
    if (e instanceof CaptureError && !e.message.startsWith('truncated')) throw e;
  }
}

