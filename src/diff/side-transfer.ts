/**
 * A diff side crossing between threads: a worker reads and normalizes one
 * side with an interner of its own, and posts the columns (moved, not
 * copied), the rows, and its strings; the main thread renumbers the
 * interned ids into the shared interner both sides must use.
 */
import { RowStore, type RowStoreState } from './row-store.js';
import type { Interner, KeyMeta, Lane, SideTrace, Unit } from './side.js';

/**
 * A side's lanes as columns: a capture has a million flows, and cloning a
 * million lane objects (and each unit's list of them) briefly cost the
 * thread that sends, the copy in flight and the thread that receives
 * together 300 MB. Columns are moved; a unit's lanes are those naming it, in order.
 */
export interface LaneColumns {
  unit: Int32Array;
  first: Int32Array;
  count: Int32Array;
  signature: Int32Array;
  /** IDLE_LANE | PACKET_LANE */
  bits: Uint8Array;
  /** The origins of lanes that have one, by lane. */
  origins: Array<[number, string]>;
}

const IDLE_LANE = 1;
const PACKET_LANE = 2;

export interface SideMessage {
  side: Omit<SideTrace, 'rows' | 'lanes' | 'units'>;
  /** Units without their lane lists (rebuilt from lanes.unit). */
  units: Array<Omit<Unit, 'lanes'>>;
  lanes: LaneColumns;
  rows: RowStoreState;
  strings: string[];
  keyMeta: Array<KeyMeta | undefined>;
  outcomes: string[];
}

function lanesToColumns(lanes: Lane[]): LaneColumns {
  const n = lanes.length;
  const c: LaneColumns = { unit: new Int32Array(n), first: new Int32Array(n), count: new Int32Array(n), signature: new Int32Array(n), bits: new Uint8Array(n), origins: [] };
  lanes.forEach((l, i) => {
    c.unit[i] = l.unit;
    c.first[i] = l.first;
    c.count[i] = l.count;
    c.signature[i] = l.signature;
    c.bits[i] = (l.idle ? IDLE_LANE : 0) | (l.packets ? PACKET_LANE : 0);
    if (l.origin !== undefined) c.origins.push([i, l.origin]);
  });
  return c;
}

/** Lanes again, each unit given its list; signatures renumbered by `ids`. */
function lanesFromColumns(c: LaneColumns, units: Unit[], ids: Int32Array): Lane[] {
  const origins = new Map(c.origins);
  const lanes: Lane[] = new Array(c.unit.length);
  for (let i = 0; i < lanes.length; i++) {
    const bits = c.bits[i]!;
    lanes[i] = { unit: c.unit[i]!, origin: origins.get(i), first: c.first[i]!, count: c.count[i]!, signature: ids[c.signature[i]!]!, idle: (bits & IDLE_LANE) !== 0, packets: (bits & PACKET_LANE) !== 0 ? true : undefined };
    units[c.unit[i]!]!.lanes.push(i);
  }
  return lanes;
}

/** The message and the buffers to move with it. The side cannot be used after. */
export function sideToMessage(side: SideTrace, strings: Interner): { message: SideMessage; transfer: ArrayBuffer[] } {
  const { rows, lanes, units, ...rest } = side;
  const laneColumns = lanesToColumns(lanes);
  const message: SideMessage = {
    side: rest,
    units: units.map(({ lanes: _, ...u }) => u),
    lanes: laneColumns,
    rows: rows.handOver(),
    strings: strings.strings,
    keyMeta: strings.keyMeta,
    outcomes: strings.outcomes.strings,
  };
  const { origins: _o, ...numbers } = laneColumns;
  const transfer = [side.key, side.outcome, side.dur, side.flags, side.laneOrder, ...Object.values(numbers)].map((a) => a.buffer as ArrayBuffer);
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
  const units: Unit[] = m.units.map((u) => ({ ...u, lanes: [] }));
  const side: SideTrace = { ...m.side, units, lanes: lanesFromColumns(m.lanes, units, ids), rows: RowStore.adopt(m.rows) };
  for (let i = 0; i < side.n; i++) {
    side.key[i] = ids[side.key[i]!]!;
    side.outcome[i] = outcomeIds[side.outcome[i]!]!;
  }
  return side;
}
