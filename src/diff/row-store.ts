/**
 * Where each item of a diff side is (file, line, end line, lane, unit) and
 * when (its time): fixed-size records that alignment never reads, only the
 * report, for a handful of items. So past a budget they are spilled to an
 * unlinked temporary file and read back one record at a time: a 2 GB trace
 * keeps none of them in memory.
 *
 * The file is unlinked as soon as it is opened, so nothing is left behind
 * however the process ends; its descriptor closes with `close()` (or when
 * the store is collected).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Place {
  /** Index into the side's `files`. */
  file: number;
  /** Line, or packet number for a capture. */
  line: number;
  /** Last line of a call strace split (<unfinished …>/<… resumed>); 0 when one line. */
  endLine: number;
  lane: number;
  unit: number;
  /** Seconds (the trace's clock); NaN when the trace has no timestamps. */
  time: number;
}

/** What crosses to another thread (Buffers arrive as Uint8Arrays). */
export interface RowStoreState {
  blocks: Array<Uint8Array | number>;
  current: Uint8Array;
  used: number;
  fd?: number;
  fileBytes: number;
  length: number;
  memoryBlocks: number;
}

const RECORD = 28;
/** Records per block: the unit kept in memory or written out (1.75 MB). */
const BLOCK = 1 << 16;
/** Records kept in memory before blocks go to disk: 256 k (7 MB) unless told otherwise; a report reads a few dozen. */
export const DEFAULT_MEMORY_RECORDS = 1 << 18;

/** An empty temporary file, already unlinked: it vanishes with its descriptor, however the process ends. */
export function openSpillFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'tracediff-'));
  const path = join(dir, 'rows');
  const fd = openSync(path, 'w+', 0o600);
  unlinkSync(path);
  rmdirSync(dir);
  return fd;
}

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
});

export class RowStore {
  private readonly blocks: Array<Buffer | number> = [];
  private current: Buffer = Buffer.alloc(RECORD * 256);
  private used = 0;
  private fd: number | undefined;
  private fileBytes = 0;
  private readonly one = Buffer.alloc(RECORD);
  length = 0;
  private readonly memoryBlocks: number;

  /**
   * `memoryRecords`: how many records stay in memory before blocks are
   * spilled (tests set it small). `spillFd`: a file from openSpillFile() to
   * spill into, which the caller closes. A worker thread is given one: a
   * descriptor a worker opens is closed when the worker ends.
   */
  constructor(memoryRecords = DEFAULT_MEMORY_RECORDS, private readonly spillFd?: number) {
    this.memoryBlocks = Math.max(0, Math.floor(memoryRecords / BLOCK));
  }

  /** Records written to disk so far. */
  get spilled(): number {
    return this.fileBytes / RECORD;
  }

  push(p: Place): void {
    if (this.used * RECORD === this.current.length) {
      if (this.used < BLOCK) {
        const next = Buffer.alloc(Math.min(BLOCK, this.used * 4) * RECORD);
        this.current.copy(next);
        this.current = next;
      } else {
        this.seal();
      }
    }
    const o = this.used * RECORD;
    const b = this.current;
    b.writeInt32LE(p.file, o);
    b.writeInt32LE(p.line, o + 4);
    b.writeInt32LE(p.endLine, o + 8);
    b.writeInt32LE(p.lane, o + 12);
    b.writeInt32LE(p.unit, o + 16);
    b.writeDoubleLE(p.time, o + 20);
    this.used++;
    this.length++;
  }

  /** The full current block goes to memory or, past the budget, to the file. */
  private seal(): void {
    if (this.blocks.length < this.memoryBlocks) {
      this.blocks.push(this.current);
    } else {
      const fd = this.file();
      const at = this.fileBytes;
      let done = 0;
      while (done < this.current.length) done += writeSync(fd, this.current, done, this.current.length - done, at + done);
      this.fileBytes += this.current.length;
      this.blocks.push(at);
    }
    this.current = Buffer.alloc(BLOCK * RECORD);
    this.used = 0;
  }

  private file(): number {
    if (this.fd === undefined) {
      if (this.spillFd !== undefined) return (this.fd = this.spillFd);
      this.fd = openSpillFile();
      closer.register(this, this.fd, this);
    }
    return this.fd;
  }

  get(i: number): Place {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`row ${i} of ${this.length}`);
    const block = Math.floor(i / BLOCK);
    const o = (i % BLOCK) * RECORD;
    let buf: Buffer;
    let at: number;
    const where = this.blocks[block];
    if (where === undefined) {
      buf = this.current;
      at = o;
    } else if (typeof where !== 'number') {
      buf = where;
      at = o;
    } else {
      readSync(this.fd!, this.one, 0, RECORD, where + o);
      buf = this.one;
      at = 0;
    }
    return {
      file: buf.readInt32LE(at),
      line: buf.readInt32LE(at + 4),
      endLine: buf.readInt32LE(at + 8),
      lane: buf.readInt32LE(at + 12),
      unit: buf.readInt32LE(at + 16),
      time: buf.readDoubleLE(at + 20),
    };
  }

  /**
   * The store as data to post to another thread (a worker reads a side, the
   * main thread reports on it): the blocks in memory, and the spill file's
   * descriptor, which the process shares. This store gives it up.
   */
  handOver(): RowStoreState {
    const state: RowStoreState = { blocks: this.blocks.slice(), current: this.current, used: this.used, fileBytes: this.fileBytes, length: this.length, memoryBlocks: this.memoryBlocks };
    if (this.fd !== undefined) {
      state.fd = this.fd;
      if (this.fd !== this.spillFd) closer.unregister(this);
      this.fd = undefined;
    }
    this.blocks.length = 0;
    return state;
  }

  /** A store taken over from `handOver()` in another thread. */
  static adopt(state: RowStoreState): RowStore {
    const s = new RowStore(state.memoryBlocks * BLOCK);
    s.blocks.push(...state.blocks.map((b) => (typeof b === 'number' ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength))));
    s.current = Buffer.from(state.current.buffer, state.current.byteOffset, state.current.byteLength);
    s.used = state.used;
    s.fileBytes = state.fileBytes;
    s.length = state.length;
    if (state.fd !== undefined) {
      s.fd = state.fd;
      closer.register(s, state.fd, s);
    }
    return s;
  }

  /** Releases the spill file (unless the caller gave it). The store cannot be read after. */
  close(): void {
    if (this.fd !== undefined && this.fd !== this.spillFd) {
      closer.unregister(this);
      closeSync(this.fd);
    }
    this.fd = undefined;
    this.blocks.length = 0;
    this.length = 0;
  }
}
