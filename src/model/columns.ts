/**
 * Columns of numbers held in typed-array chunks: the differ's per-event rows
 * (millions of them) and the numbers the network findings keep per ended
 * connection.
 *
 * Chunks, because growing a column never copies what is in it: a doubling
 * array briefly holds twice a 13-million-row column. Only the small first
 * chunk is copied as it grows (×4) to a full chunk; after that, whole chunks
 * are added. Typed arrays, because a number then costs its bytes, with no
 * object per entry.
 */

type Typed = Int32Array | Uint32Array | Float64Array | Uint8Array;

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
