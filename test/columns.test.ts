/**
 * src/model/columns.ts: a column reads back what was pushed or set, across
 * the growing first chunk and the full chunks after it; entries never
 * written read 0; `take` empties the column, `toArray` leaves it.
 */
import { describe, expect, it } from 'vitest';
import { Column, GrowingColumn } from '../src/model/columns.js';

describe('Column', () => {
  it('push: the first chunk grows ×4 to a full chunk, then whole chunks are added', () => {
    const c = new Column(Int32Array, { first: 4, chunk: 64 });
    const want = Array.from({ length: 300 }, (_, i) => i * 7 - 500);
    for (const v of want) c.push(v);
    expect(c.length).toBe(300);
    expect(c.bytes()).toBe(5 * 64 * 4);
    expect(Array.from({ length: 300 }, (_, i) => c.get(i))).toEqual(want);
    c.set(130, 1);
    expect(c.get(130)).toBe(1);
    expect(Array.from(c.toArray())).toEqual(want.map((v, i) => (i === 130 ? 1 : v)));
    expect(c.length).toBe(300);
    expect(Array.from(c.take())).toEqual(want.map((v, i) => (i === 130 ? 1 : v)));
    expect([c.length, c.bytes()]).toEqual([0, 0]);
    c.push(9);
    expect(Array.from(c.toArray())).toEqual([9]);
  });

  it('set at any index: the column grows to reach it, entries never written read 0', () => {
    const c = new Column(Float64Array, { chunk: 4096 });
    c.set(9000, 1.5);
    c.set(3, 2.5);
    expect(c.length).toBe(9001);
    expect(c.bytes()).toBe(3 * 4096 * 8);
    expect([c.get(3), c.get(4), c.get(9000), c.get(9001), c.get(1e6)]).toEqual([2.5, 0, 1.5, 0, 0]);
    c.push(4);
    expect(c.get(9001)).toBe(4);
    const u = new Column(Uint8Array);
    expect([u.get(0), u.length]).toEqual([0, 0]);
  });
});

describe('GrowingColumn', () => {
  for (const reserve of [true, false]) {
    it(`${reserve ? 'in reserved address space' : 'the fallback, a doubling buffer'}: reads back what was pushed or set, never-written entries read 0, take hands over exactly its length`, () => {
      const c = new GrowingColumn(Int32Array, { reserve });
      const want = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 100_003 - 50_000);
      for (const v of want) c.push(v);
      expect(c.length).toBe(want.length);
      c.set(130, 1);
      c.set(400_000, 5);
      expect([c.get(130), c.get(300_000), c.get(400_000), c.get(400_001), c.get(1e9)]).toEqual([1, 0, 5, 0, 0]);
      expect(c.length).toBe(400_001);
      const out = c.take();
      expect(out).toBeInstanceOf(Int32Array);
      expect(out.length).toBe(400_001);
      expect(Array.from(out.subarray(0, 300_000))).toEqual(want.map((v, i) => (i === 130 ? 1 : v)));
      expect(out[400_000]).toBe(5);
      // In reserved space the array taken is the buffer that was filled, cut to length: nothing was copied.
      expect(out.buffer.resizable).toBe(reserve);
      expect(out.byteLength).toBe(400_001 * 4);
      expect([c.length, c.get(0)]).toEqual([0, 0]);
      c.push(9);
      expect(Array.from(c.take())).toEqual([9]);
    });
  }

  it('single-precision and 16-bit columns keep what they can hold', () => {
    const d = new GrowingColumn(Float32Array);
    d.push(0.000123);
    d.push(Number.NaN);
    const o = new GrowingColumn(Uint16Array);
    o.push(65_535);
    const [dur, outcome] = [d.take(), o.take()];
    expect(Number(dur[0]!.toPrecision(7))).toBe(0.000123);
    expect(Number.isNaN(dur[1])).toBe(true);
    expect(outcome[0]).toBe(65_535);
  });

  it('a taken column crosses to a worker thread and back without a copy', async () => {
    const { MessageChannel } = await import('node:worker_threads');
    const c = new GrowingColumn(Float32Array);
    for (let i = 0; i < 100_000; i++) c.push(i / 4);
    const out = c.take();
    const { port1, port2 } = new MessageChannel();
    const got = new Promise<Float32Array>((resolve) => port2.once('message', (m: Float32Array) => resolve(m)));
    port1.postMessage(out, [out.buffer as ArrayBuffer]);
    const back = await got;
    port1.close();
    port2.close();
    expect(out.byteLength).toBe(0);
    expect([back.length, back[99_999]]).toEqual([100_000, 99_999 / 4]);
  });
});
