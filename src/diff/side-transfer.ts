/**
 * A diff side crossing between threads: a worker reads and normalizes one
 * side with an interner of its own, and posts the columns (moved, not
 * copied), the rows, and its strings; the main thread renumbers the
 * interned ids into the shared interner both sides must use.
 */
import { RowStore, type RowStoreState } from './row-store.js';
import type { Interner, KeyMeta, SideTrace } from './side.js';

export interface SideMessage {
  side: Omit<SideTrace, 'rows'>;
  rows: RowStoreState;
  strings: string[];
  keyMeta: Array<KeyMeta | undefined>;
  outcomes: string[];
}

/** The message and the buffers to move with it. The side cannot be used after. */
export function sideToMessage(side: SideTrace, strings: Interner): { message: SideMessage; transfer: ArrayBuffer[] } {
  const { rows, ...rest } = side;
  const message: SideMessage = { side: rest, rows: rows.handOver(), strings: strings.strings, keyMeta: strings.keyMeta, outcomes: strings.outcomes.strings };
  const transfer = [side.key, side.outcome, side.dur, side.flags, side.laneOrder].map((a) => a.buffer as ArrayBuffer);
  return { message, transfer };
}

/** The side again, its ids renumbered into `strings`. */
export function sideFromMessage(m: SideMessage, strings: Interner): SideTrace {
  const ids = new Int32Array(m.strings.length);
  m.strings.forEach((s, k) => {
    const id = strings.id(s);
    ids[k] = id;
    const meta = m.keyMeta[k];
    if (meta) strings.keyMeta[id] ??= meta;
  });
  const outcomeIds = Uint16Array.from(m.outcomes, (s) => strings.outcomes.id(s));
  const side: SideTrace = { ...m.side, rows: RowStore.adopt(m.rows) };
  for (let i = 0; i < side.n; i++) {
    side.key[i] = ids[side.key[i]!]!;
    side.outcome[i] = outcomeIds[side.outcome[i]!]!;
  }
  for (const lane of side.lanes) lane.signature = ids[lane.signature]!;
  return side;
}
