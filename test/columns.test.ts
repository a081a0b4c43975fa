/**
 * src/model/columns.ts: a column reads back what was pushed or set, across
 * the growing first chunk and the full chunks after it; entries never
 * written read 0; `take` empties the column, `toArray` leaves it.
 */
import { describe, expect, it } from 'vitest';
import { Column } from '../src/model/columns.js';

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
