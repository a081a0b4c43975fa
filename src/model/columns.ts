/**
 * Columns of numbers: the differ's per-event rows (millions of them, in
 * columns that grow in place: GrowingColumn) and the numbers the network
 * findings keep per ended connection (in chunks: Column).
 *
 * Chunks, because growing a column never copies what is in it: a doubling
 * array briefly holds twice a 13-million-row column. Only the small first
 * chunk is copied as it grows (×4) to a full chunk; after that, whole chunks
 * are added. Typed arrays, because a number then costs its bytes, with no
 * object per entry.
 */
import { readFileSync } from 'node:fs';

type Typed = Int32Array | Uint32Array | Uint16Array | Float64Array | Float32Array | Uint8Array;
type TypedOf<T extends Typed> = { new (n: number): T; new (buf: ArrayBuffer, offset?: number, length?: number): T; readonly BYTES_PER_ELEMENT: number };

export interface ColumnSize {
  /** Entries in the first chunk, which grows ×4 up to `chunk` before a second chunk is added (default 16). */
  first?: number;
  /** Entries in each full chunk (default 65,536). */
  chunk?: number;
}

/**
 * Numbers by index: `push` appends, `set` writes at any index (the column
 * grows to reach it), and entries never written read 0. `length` is one past
 * the highest entry written.
 */
export class Column<T extends Typed> {
  private chunks: T[];
  /** The last chunk, and how many of its entries are within `length`: `push` writes there. */
  private last: T;
  private used = 0;
  length = 0;
  private readonly first: number;
  private readonly chunk: number;

  constructor(private readonly Of: new (n: number) => T, size: ColumnSize = {}) {
    this.chunk = size.chunk ?? 1 << 16;
    this.first = Math.max(1, Math.min(size.first ?? 16, this.chunk));
    this.last = new Of(this.first);
    this.chunks = [this.last];
  }

  push(v: number): void {
    if (this.used < this.last.length) {
      this.last[this.used++] = v;
      this.length++;
    } else this.set(this.length, v);
  }

  get(i: number): number {
    if (this.chunks.length === 1) return this.last[i] ?? 0;
    return this.chunks[Math.floor(i / this.chunk)]?.[i % this.chunk] ?? 0;
  }

  set(i: number, v: number): void {
    if (i >= this.length) this.extend(i + 1);
    if (this.chunks.length === 1) this.last[i] = v;
    else this.chunks[Math.floor(i / this.chunk)]![i % this.chunk] = v;
  }

  /** The column as one array of exactly its length; the column is left as it is. */
  toArray(): T {
    const out = new this.Of(this.length);
    let at = 0;
    for (const c of this.chunks) {
      const n = Math.min(c.length, this.length - at);
      out.set(c.subarray(0, n) as never, at);
      at += n;
    }
    return out;
  }

  /** The column as one array of exactly its length; the column is emptied. */
  take(): T {
    const out = this.toArray();
    this.last = new this.Of(0);
    this.chunks = [this.last];
    this.length = this.used = 0;
    return out;
  }

  /** Bytes held, for tests and measurement. */
  bytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }

  /** Makes the column `n` entries long: the first chunk grows until it is full-size, then whole chunks are added. */
  private extend(n: number): void {
    const head = this.chunks[0]!;
    if (n > head.length && head.length < this.chunk) {
      let size = head.length;
      while (size < n && size < this.chunk) size = Math.min(this.chunk, Math.max(size * 4, this.first));
      const grown = new this.Of(size);
      grown.set(head as never);
      this.chunks[0] = grown;
    }
    while (this.chunks.length * this.chunk < n) this.chunks.push(new this.Of(this.chunk));
    this.last = this.chunks[this.chunks.length - 1]!;
    this.length = n;
    this.used = n - (this.chunks.length - 1) * this.chunk;
  }
}

/**
 * The address space a growing column may take: one ArrayBuffer's most. A
 * reservation costs no memory until written (pages are committed as they
 * are touched), so a side's columns reserve the most and never move.
 */
const RESERVE_BYTES = 2 ** 32;

/**
 * Whether this process may reserve address space freely. Under a limit
 * (`ulimit -v`), four gigabytes a column take the room the heap needs (under
 * a 6 GB limit, V8 failed to commit its own pages), so columns take the
 * fallback.
 */
const ADDRESS_SPACE_FREE = ((): boolean => {
  try {
    const limit = /^Max address space\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return !limit || limit[1] === 'unlimited';
  } catch {
    // Not Linux: no such limit is usual there.
    return true;
  }
})();

/**
 * A column that grows in place: a resizable ArrayBuffer with its address
 * space reserved up front, so growing it never copies, `take` hands over
 * the very buffer it filled (to the differ, or moved to another thread),
 * and nothing is freed along the way. Freeing the chunks of a 13-million
 * row column after joining them left the C heap of a reading thread full
 * of holes that RSS still counted.
 *
 * Where the address space is limited (`ulimit -v`), it falls back to a
 * buffer that doubles, copying as it grows (a column's size twice, briefly).
 */
export class GrowingColumn<T extends Typed> {
  private buf: ArrayBuffer;
  private arr: T;
  length = 0;

  private readonly reserve: boolean;

  /** `reserve: false` takes the fallback (a doubling buffer) even where address space can be reserved: for tests. */
  constructor(private readonly Of: TypedOf<T>, opts: { reserve?: boolean } = {}) {
    this.reserve = (opts.reserve ?? true) && ADDRESS_SPACE_FREE;
    this.buf = this.allocate(0);
    this.arr = new Of(this.buf);
  }

  /** A resizable buffer of `bytes`, its room reserved; a plain one where no room can be. */
  private allocate(bytes: number): ArrayBuffer {
    if (this.reserve) {
      try {
        return new ArrayBuffer(bytes, { maxByteLength: RESERVE_BYTES });
      } catch {
        // The reservation was refused after all: the fallback.
      }
    }
    return new ArrayBuffer(bytes);
  }

  push(v: number): void {
    if (this.length >= this.arr.length) this.grow(this.length + 1);
    this.arr[this.length++] = v;
  }

  get(i: number): number {
    return i < this.length ? this.arr[i]! : 0;
  }

  set(i: number, v: number): void {
    if (i >= this.arr.length) this.grow(i + 1);
    if (i >= this.length) this.length = i + 1;
    this.arr[i] = v;
  }

  /** The column as one array of exactly its length, no copy; the column is emptied. */
  take(): T {
    const bytes = this.length * this.Of.BYTES_PER_ELEMENT;
    let out: T;
    if (this.buf.resizable) {
      this.buf.resize(bytes);
      out = new this.Of(this.buf, 0, this.length);
    } else out = new this.Of(this.buf.slice(0, bytes));
    this.buf = this.allocate(0);
    this.arr = new this.Of(this.buf);
    this.length = 0;
    return out;
  }

  /** Bytes held, for tests and measurement. */
  bytes(): number {
    return this.buf.byteLength;
  }

  /** Room for `n` entries: in place (doubling, at most 16 MB at a time; pages are only committed when written), else moved. */
  private grow(n: number): void {
    const per = this.Of.BYTES_PER_ELEMENT;
    const want = Math.max(n * per, Math.min(this.buf.byteLength * 2, this.buf.byteLength + (1 << 24)), 1 << 12);
    if (want > RESERVE_BYTES) throw new RangeError(`more than ${(RESERVE_BYTES / per).toLocaleString('en-US')} events on one side: past what one column of the differ holds (4 GB)`);
    if (this.buf.resizable && want <= this.buf.maxByteLength) {
      this.buf.resize(want);
      return;
    }
    const bigger = this.allocate(this.buf.resizable ? want : Math.max(want, this.buf.byteLength * 2));
    new Uint8Array(bigger).set(new Uint8Array(this.buf, 0, this.length * per));
    this.buf = bigger;
    this.arr = new this.Of(bigger);
  }
}
