/**
 * pcapng files (draft-ietf-opsawg-pcapng) into raw frames. Our own reader:
 * a block walker over the input chunks that keeps at most the current
 * chunk and one incomplete block.
 *
 * - Sections: each Section Header Block sets its own byte order (the
 *   byte-order magic 0x1A2B3C4D) and starts a new interface list;
 *   interface ids restart, frame numbers do not. Versions 1.0 and 1.2
 *   are read (as libpcap does); the first section in any other version is
 *   a CaptureError, a later one a note and its blocks are skipped.
 * - Block framing: total length a multiple of 4, at least 12, at most
 *   libpcap's maximum (16 MiB, raised for link types with bigger records),
 *   equal in header and trailer. A framing error ends the read with a
 *   fatal note: nothing after it can be located.
 * - Interface Description Blocks: link type, snaplen, if_name,
 *   if_description, if_tsresol, if_tsoffset, if_fcslen.
 * - Packets: Enhanced (6), Simple (3) and the obsolete Packet Block (2).
 *   Everything else (Name Resolution, Interface Statistics, Decryption
 *   Secrets, systemd Journal Export, Custom, unknown types) is skipped.
 * - Options are walked inside their block only; one that runs past the
 *   block end is a note, never a read beyond it.
 *
 * See docs/capture-files.md for every message.
 */
import { maxSnaplenForLinkType } from '../../knowledge/link-types.js';
import { CaptureError, captureNote, type CaptureItem, type RawFrame } from './frame.js';
import { int64, MICROSECONDS, pcapngStamp, resolutionFromTsresol, type Resolution, type Stamp } from './timestamp.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const BT_SYSTEMD_JOURNAL = 0x00000009;
export const BT_DSB = 0x0000000a;
export const BT_CB = 0x00000bad;
export const BT_DCB = 0x40000bad;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

/** libpcap: an SHB longer than 1 MiB is not believed. */
const SHB_MAX = 1024 * 1024;
/** libpcap's INITIAL_MAX_BLOCKSIZE. */
const INITIAL_MAX_BLOCK = 16 * 1024 * 1024;
/** libpcap's MAX_BLOCKSIZE_FOR_SNAPLEN: an EPB holding a max-size packet and 128 KiB of options. */
const maxBlockForLinkType = (lt: number) => 8 + 20 + maxSnaplenForLinkType(lt) + 131072 + 4;

const BLOCK_NAMES: Record<number, string> = {
  [BT_SHB]: 'Section Header Block',
  [BT_IDB]: 'Interface Description Block',
  [BT_PB]: 'Packet Block',
  [BT_SPB]: 'Simple Packet Block',
  [BT_EPB]: 'Enhanced Packet Block',
};

/** One interface of the current section, as its IDB described it. */
export interface PcapngInterface {
  linkType: number;
  /** As written (0: no limit). */
  snaplen: number;
  name?: string;
  description?: string;
  resolution: Resolution;
  /** if_tsoffset, whole seconds added to every timestamp. */
  tsOffset: number | bigint;
  /** if_fcslen, bytes of FCS at the end of each frame. */
  fcsLength?: number;
}

const pad4 = (n: number) => n + ((4 - (n & 3)) & 3);

/**
 * The block walker. `push` takes the next chunk and appends what it can
 * read to `out`; `end` reports a cut-short last block. Synchronous, so a
 * caller may drive it without the async generator.
 */
export class PcapngReader {
  /** File offset of the first byte not yet consumed (the start of the next, or the carried, block). */
  private offset = 0;
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Total length of the carried block once its header is known, else 0. */
  private carryNeed = 0;
  private carryType = -1;
  private started = false;
  private le = true;
  private skipSection = false;
  private ifaces: PcapngInterface[] = [];
  private count = 0;
  private maxBlock = INITIAL_MAX_BLOCK;
  private readonly stamp: Stamp = { time: 0, timeText: '' };
  /** Reading ended at a framing error; further input is ignored. */
  stopped = false;

  push(chunk: Buffer, out: CaptureItem[]): void {
    if (this.stopped || chunk.length === 0) return;
    const buf = chunk;
    let pos = 0;
    if (this.carryLen > 0) {
      if (this.carryNeed === 0) {
        // The carried bytes are less than a block header: complete the header first.
        const want = 12 - this.carryLen;
        if (chunk.length < want) {
          this.carry.push(chunk);
          this.carryLen += chunk.length;
          return;
        }
        const headBytes = Buffer.concat([...this.carry, chunk.subarray(0, want)], 12);
        const len = this.blockHeader(headBytes, 0, new DataView(headBytes.buffer, headBytes.byteOffset, 12), out);
        if (len < 0) return;
        this.carryNeed = len;
        this.carryType = this.type(headBytes, 0);
      }
      const need = this.carryNeed - this.carryLen;
      if (chunk.length < need) {
        this.carry.push(chunk);
        this.carryLen += chunk.length;
        return;
      }
      const block = Buffer.concat([...this.carry, chunk.subarray(0, need)], this.carryNeed);
      this.carry = [];
      this.carryLen = 0;
      this.carryNeed = 0;
      this.carryType = -1;
      this.block(block, 0, block.length, new DataView(block.buffer, block.byteOffset, block.length), out);
      this.offset += block.length;
      if (this.stopped) return;
      pos = need;
    }
    const len = buf.length;
    const dv = new DataView(buf.buffer, buf.byteOffset, len);
    while (len - pos >= 12) {
      const blen = this.blockHeader(buf, pos, dv, out);
      if (blen < 0) return;
      if (blen > len - pos) {
        this.carryNeed = blen;
        this.carryType = this.type(buf, pos);
        break;
      }
      this.block(buf, pos, blen, dv, out);
      if (this.stopped) return;
      pos += blen;
      this.offset += blen;
    }
    if (pos < len) {
      this.carry = [buf.subarray(pos)];
      this.carryLen = len - pos;
    }
  }

  /** End of input: a carried block is a cut-short last block. Throws CaptureError if no section header was read. */
  end(out: CaptureItem[]): void {
    if (this.stopped) return;
    if (!this.started) {
      if (this.carryLen === 0) throw new CaptureError('empty file: no pcapng Section Header Block', 0);
      const have = this.carryLen;
      if (have >= 4 && Buffer.concat(this.carry, have).readUInt32LE(0) !== BT_SHB) {
        throw new CaptureError(`not a pcapng file: it starts with ${hex(Buffer.concat(this.carry, have).readUInt32BE(0))}, not a Section Header Block`, 0);
      }
      const need = this.carryNeed;
      throw new CaptureError(
        need
          ? `truncated pcapng file: the Section Header Block promises ${need} bytes, only ${have} are there`
          : `truncated pcapng file: only ${have} bytes, less than a Section Header Block`,
        0,
      );
    }
    if (this.carryLen === 0) return;
    const have = this.carryLen;
    let type = this.carryType;
    if (type < 0 && have >= 4) type = this.type(Buffer.concat(this.carry, have), 0);
    const isPacket = !this.skipSection && (type === BT_EPB || type === BT_SPB || type === BT_PB);
    const what = BLOCK_NAMES[type] ?? (type >= 0 ? `block of type ${hex(type)}` : 'block');
    const msg = this.carryNeed
      ? `last ${what} cut short: its header at offset ${this.offset} promises ${this.carryNeed} bytes, only ${have} are there`
      : `last ${what} cut short: only ${have} of the 12 bytes of a block header and trailer at offset ${this.offset} are there`;
    out.push(isPacket ? captureNote(this.offset, msg, true, ++this.count) : captureNote(this.offset, msg, true));
    this.carry = [];
    this.carryLen = 0;
  }

  private type(b: Buffer, at: number): number {
    return this.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  /**
   * Check a block header (12 bytes at `at` are present) and return its
   * total length, or -1 after a fatal note. An SHB sets the byte order.
   * Errors in the first SHB throw CaptureError.
   */
  private blockHeader(b: Buffer, at: number, dv: DataView, out: CaptureItem[]): number {
    const off = this.offset;
    const first = b.readUInt32LE(at);
    let blen: number;
    if (first === BT_SHB) {
      const bom = dv.getUint32(at + 8, true);
      if (bom === BYTE_ORDER_MAGIC) this.le = true;
      else if (bom === BYTE_ORDER_MAGIC_SWAPPED) this.le = false;
      else return this.fatal(off, `Section Header Block at offset ${off} has a bad byte-order magic ${hex(dv.getUint32(at + 8, false))}`, out);
      blen = dv.getUint32(at + 4, this.le);
      if (blen < 28 || blen > SHB_MAX) {
        return this.fatal(off, `Section Header Block at offset ${off} has an invalid total length ${blen} (must be at least 28 and at most ${SHB_MAX})`, out);
      }
    } else {
      if (!this.started) {
        throw new CaptureError(`not a pcapng file: it starts with ${hex(b.readUInt32BE(at))}, not a Section Header Block`, 0);
      }
      blen = dv.getUint32(at + 4, this.le);
    }
    if (blen < 12) return this.fatal(off, `block at offset ${off} has a total length of ${blen}, less than the 12 bytes of its header and trailer`, out);
    if (blen & 3) return this.fatal(off, `block at offset ${off} has a total length of ${blen}, not a multiple of 4`, out);
    if (blen > this.maxBlock) return this.fatal(off, `block at offset ${off} has a total length of ${blen}, more than the maximum of ${this.maxBlock}`, out);
    return blen;
  }

  private fatal(offset: number, message: string, out: CaptureItem[]): -1 {
    if (!this.started) throw new CaptureError(message, offset);
    this.stopped = true;
    out.push(captureNote(offset, message, true));
    return -1;
  }

  /** One whole block at `at` (its length checked), at file offset this.offset. */
  private block(b: Buffer, at: number, blen: number, dv: DataView, out: CaptureItem[]): void {
    const off = this.offset;
    const le = this.le;
    const trailer = dv.getUint32(at + blen - 4, le);
    if (trailer !== blen) {
      this.fatal(off, `block total length in header ${blen} and trailer ${trailer} don't match at offset ${off}`, out);
      return;
    }
    const type = dv.getUint32(at, le);
    switch (type) {
      case BT_EPB:
        if (!this.skipSection) this.packet(b, at, blen, dv, out, BT_EPB);
        return;
      case BT_SHB:
        this.section(at, blen, dv, out);
        return;
      case BT_IDB:
        if (!this.skipSection) this.interface(b, at, blen, dv, out);
        return;
      case BT_SPB:
      case BT_PB:
        if (!this.skipSection) this.packet(b, at, blen, dv, out, type);
        return;
      default:
        // NRB, ISB, DSB, systemd journal, custom blocks, unknown types: skipped.
        return;
    }
  }

  private section(at: number, blen: number, dv: DataView, out: CaptureItem[]): void {
    const off = this.offset;
    const major = dv.getUint16(at + 12, this.le);
    const minor = dv.getUint16(at + 14, this.le);
    this.ifaces = [];
    if (major === 1 && (minor === 0 || minor === 2)) {
      this.skipSection = false;
      this.started = true;
      return;
    }
    const msg = `unsupported pcapng savefile version ${major}.${minor}`;
    if (!this.started) throw new CaptureError(`${msg} (1.0 and 1.2 are read)`, off + 12);
    this.skipSection = true;
    out.push(captureNote(off, `${msg} in the section at offset ${off} (${blen} bytes): its blocks are skipped`, false));
  }

  private interface(b: Buffer, at: number, blen: number, dv: DataView, out: CaptureItem[]): void {
    const off = this.offset;
    const le = this.le;
    const id = this.ifaces.length;
    const end = at + blen - 4;
    const body = at + 8;
    if (end - body < 8) {
      out.push(captureNote(off, `Interface Description Block at offset ${off} (interface ${id}) is too short for its fixed fields: ${blen} bytes`, false));
      this.ifaces.push({ linkType: -1, snaplen: 0, resolution: MICROSECONDS, tsOffset: 0 });
      return;
    }
    const iface: PcapngInterface = { linkType: dv.getUint16(body, le), snaplen: dv.getUint32(body + 4, le), resolution: MICROSECONDS, tsOffset: 0 };
    let p = body + 8;
    while (p + 4 <= end) {
      const code = dv.getUint16(p, le);
      const olen = dv.getUint16(p + 2, le);
      if (code === 0) break;
      const v = p + 4;
      if (v + olen > end) {
        out.push(captureNote(off, `option ${code} of the Interface Description Block at offset ${off} runs past the end of the block (${olen} bytes at offset ${this.offset + (p - at)})`, false));
        break;
      }
      switch (code) {
        case 2: iface.name = text(b, v, olen); break;
        case 3: iface.description = text(b, v, olen); break;
        case 9:
          if (olen !== 1) {
            out.push(captureNote(off, `Interface Description Block at offset ${off} has an if_tsresol option of length ${olen}, not 1: ignored, timestamps read in microseconds`, false));
          } else {
            const r = resolutionFromTsresol(b[v]!);
            if (typeof r === 'string') out.push(captureNote(off, `Interface Description Block at offset ${off}: ${r}; timestamps read in microseconds`, false));
            else iface.resolution = r;
          }
          break;
        case 13:
          if (olen === 1) iface.fcsLength = b[v]!;
          break;
        case 14:
          if (olen !== 8) {
            out.push(captureNote(off, `Interface Description Block at offset ${off} has an if_tsoffset option of length ${olen}, not 8: ignored`, false));
          } else {
            iface.tsOffset = le ? int64(dv.getInt32(v + 4, true), dv.getUint32(v, true)) : int64(dv.getInt32(v, false), dv.getUint32(v + 4, false));
          }
          break;
        default:
          break;
      }
      p = v + pad4(olen);
    }
    this.ifaces.push(iface);
    if (iface.linkType >= 0) {
      const m = maxBlockForLinkType(iface.linkType);
      if (m > this.maxBlock) this.maxBlock = m;
    }
  }

  /** EPB, SPB or PB: one frame (or a note standing for it). */
  private packet(b: Buffer, at: number, blen: number, dv: DataView, out: CaptureItem[], type: number): void {
    const off = this.offset;
    const le = this.le;
    const end = at + blen - 4;
    const body = at + 8;
    const number = ++this.count;
    let ifid: number;
    let hi = 0;
    let lo = 0;
    let caplen: number;
    let origLen: number;
    let dataStart: number;
    let notes: string[] | undefined;
    if (type === BT_SPB) {
      if (end - body < 4) {
        out.push(captureNote(off, `Simple Packet Block at offset ${off} is too short for its fixed fields: ${blen} bytes`, false, number));
        return;
      }
      ifid = 0;
      origLen = dv.getUint32(body, le);
      dataStart = body + 4;
      const iface0 = this.ifaces[0];
      const snap = iface0 && iface0.snaplen !== 0 ? iface0.snaplen : Infinity;
      caplen = Math.min(origLen, snap);
      notes = ['Simple Packet Block: it has no timestamp (read as 0, as tcpdump shows it)'];
    } else {
      if (end - body < 20) {
        out.push(captureNote(off, `${BLOCK_NAMES[type]} at offset ${off} is too short for its fixed fields: ${blen} bytes`, false, number));
        return;
      }
      if (type === BT_EPB) {
        ifid = dv.getUint32(body, le);
      } else {
        ifid = dv.getUint16(body, le);
      }
      hi = dv.getUint32(body + 4, le);
      lo = dv.getUint32(body + 8, le);
      caplen = dv.getUint32(body + 12, le);
      origLen = dv.getUint32(body + 16, le);
      dataStart = body + 20;
    }
    const room = end - dataStart;
    let take = caplen;
    if (caplen > room) {
      take = room;
      (notes ??= []).push(`captured length ${caplen} runs past the end of the block: only the ${room} bytes there are kept`);
    }
    let direction: 'In' | 'Out' | undefined;
    if (type !== BT_SPB && caplen <= room) {
      // Options: epb_flags (PB: pack_flags), code 2, bits 0-1 the direction.
      let p = dataStart + pad4(caplen);
      while (p + 4 <= end) {
        const code = dv.getUint16(p, le);
        const olen = dv.getUint16(p + 2, le);
        if (code === 0) break;
        if (p + 4 + olen > end) {
          (notes ??= []).push(`option ${code} runs past the end of the block (${olen} bytes at offset ${off + (p - at)})`);
          break;
        }
        if (code === 2 && olen === 4) {
          const d = dv.getUint32(p + 4, le) & 3;
          direction = d === 1 ? 'In' : d === 2 ? 'Out' : undefined;
        }
        p += 4 + pad4(olen);
      }
    }
    const iface = this.ifaces[ifid];
    let linkType: number;
    if (iface) {
      linkType = iface.linkType;
      pcapngStamp(this.stamp, hi, lo, iface.resolution, iface.tsOffset);
      if (type !== BT_SPB && iface.snaplen !== 0 && caplen > iface.snaplen) {
        (notes ??= []).push(`captured length ${caplen} is bigger than the interface's snapshot length ${iface.snaplen} (libpcap stops here: invalid packet capture length)`);
      }
    } else {
      linkType = -1;
      pcapngStamp(this.stamp, hi, lo, MICROSECONDS, 0);
      (notes ??= []).push(`packet on interface ${ifid}, but the section has ${this.ifaces.length === 0 ? 'no Interface Description Block' : `only ${this.ifaces.length} (ids 0-${this.ifaces.length - 1})`}: link type unknown, timestamp read in microseconds`);
    }
    const f: RawFrame = {
      kind: 'frame',
      number,
      offset: off,
      time: this.stamp.time,
      timeText: this.stamp.timeText,
      linkType,
      origLen,
      // A plain view: cheaper to make than Buffer#subarray, and all a decoder needs.
      data: new Uint8Array(b.buffer, b.byteOffset + dataStart, take),
      interfaceId: ifid,
      interfaceName: iface?.name,
      direction,
      notes,
    };
    out.push(f);
  }
}

function text(b: Buffer, at: number, len: number): string {
  let e = at + len;
  while (e > at && b[e - 1] === 0) e--;
  return b.toString('utf8', at, e);
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}


/**
 * Read a pcapng byte stream (already decompressed). Yields one batch per
 * input chunk; throws CaptureError, before yielding anything, when the
 * first Section Header Block cannot be read.
 */
export async function* readPcapng(input: AsyncIterable<Buffer>): AsyncGenerator<CaptureItem[]> {
  const r = new PcapngReader();
  let out: CaptureItem[] = [];
  for await (const chunk of input) {
    r.push(chunk, out);
    if (out.length) {
      const batch = out;
      out = [];
      yield batch;
    }
    if (r.stopped) return;
  }
  r.end(out);
  if (out.length) yield out;
}
