/**
 * Growable typed columns for the differ's per-event rows, held in chunks:
 * growing never copies what is there (a doubling array briefly holds twice
 * a 13-million-row column), and `take()` hands back one exact-size array.
 */

type Typed = Int32Array | Float64Array | Uint8Array;

/** Rows per full chunk. Small columns (a lane of three packets) start with a small first chunk and grow to it. */
const CHUNK = 1 << 16;

class ChunkedColumn<T extends Typed> {
  private readonly chunks: T[] = [];
  private last: T;
  private used = 0;
  length = 0;

  constructor(private readonly make: (n: number) => T, first = 16) {
    this.last = make(Math.min(first, CHUNK));
    this.chunks.push(this.last);
  }

  push(v: number): void {
    if (this.used === this.last.length) {
      if (this.chunks.length === 1 && this.last.length < CHUNK) {
        // Still in the small first chunk: grow it (cheap, it is small) rather than start a second.
        const next = this.make(Math.min(CHUNK, this.last.length * 4));
        next.set(this.last);
        this.chunks[0] = this.last = next;
      } else {
        this.last = this.make(CHUNK);
        this.chunks.push(this.last);
        this.used = 0;
      }
    }
    this.last[this.used++] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks.length === 1 ? this.last[i]! : this.chunks[Math.floor(i / CHUNK)]![i % CHUNK]!;
  }

  set(i: number, v: number): void {
    if (this.chunks.length === 1) this.last[i] = v;
    else this.chunks[Math.floor(i / CHUNK)]![i % CHUNK] = v;
  }

  /** The column as one array of exactly its length; the column is emptied. */
  take(): T {
    const out = this.make(this.length);
    let at = 0;
    for (const c of this.chunks) {
      const n = Math.min(c.length, this.length - at);
      out.set(c.subarray(0, n) as never, at);
      at += n;
    }
    this.chunks.length = 0;
    this.last = this.make(0);
    this.chunks.push(this.last);
    this.used = 0;
    this.length = 0;
    return out;
  }
}

export const int32Column = (first?: number) => new ChunkedColumn<Int32Array>((n) => new Int32Array(n), first);
export const float64Column = (first?: number) => new ChunkedColumn<Float64Array>((n) => new Float64Array(n), first);
export const uint8Column = (first?: number) => new ChunkedColumn<Uint8Array>((n) => new Uint8Array(n), first);
export type { ChunkedColumn };
