/**
 * One side of a diff, held compactly: the events are read once, normalized
 * as they stream past, and only what alignment and reporting need is kept
 * (a few numbers per event in typed columns). Raw lines are fetched again
 * from the files for the handful of events a report shows.
 *
 * Structure is built here too: processes (units), and within each the
 * connections it made or accepted (lanes), each with its own sequence.
 */
import type { TraceEvent } from '../model/events.js';
import type { PacketAnalysis } from '../analysis/tcp/index.js';
import { TRANSFER_FAMILIES } from '../knowledge/syscall-families.js';
import { Normalizer, type EventClass } from './normalize.js';
import { PacketNormalizer, type PacketStep } from './normalize-packet.js';
import { GrowingColumn } from '../model/columns.js';
import { RowStore } from './row-store.js';

/** Strings interned to small integers, in order of first use. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(s, id);
      this.strings.push(s);
    }
    return id;
  }
  has(s: string): boolean {
    return this.ids.has(s);
  }
  text(id: number): string {
    return this.strings[id]!;
  }
}

/** Outcome ids fit a Uint16Array column. */
export const MAX_OUTCOMES = 1 << 16;
/** The outcome class of every outcome past the first MAX_OUTCOMES - 1 distinct ones. */
export const OUTCOME_OVERFLOW = 'E:(one of too many distinct errors)';

/**
 * Outcome classes ('ok', 'E:ENOENT', 'exit:1', 'killed:SIGSEGV'): a few
 * hundred in any real trace (errnos, exit codes and signals are small
 * sets), so a side keeps each item's outcome in two bytes. A hostile log
 * that invents more than MAX_OUTCOMES - 1 errno names has the rest share
 * the last id, OUTCOME_OVERFLOW; they still differ from every real outcome.
 */
export class OutcomeTable extends StringTable {
  override id(s: string): number {
    if (this.strings.length >= MAX_OUTCOMES - 1 && s !== OUTCOME_OVERFLOW && !this.has(s)) return super.id(OUTCOME_OVERFLOW);
    return super.id(s);
  }
}

/** Strings (keys, signatures, fold patterns) interned to small integers, shared by both sides of a diff; outcomes in a table of their own. */
export class Interner extends StringTable {
  readonly outcomes = new OutcomeTable();
  /** For interned alignment keys: the family and class normalization found (pattern ids have none). */
  readonly keyMeta: KeyMeta[] = [];
}

export interface Unit {
  pid: number | undefined;
  /** Unit index of the process that forked this one, when the trace shows it. */
  parent?: number;
  thread: boolean;
  /** Masked basename of the first program this pid exec'd. */
  program?: string;
  /** argv shape of that exec: how many words. */
  argc?: number;
  /** strace attached to this pid rather than seeing it start: its first and last calls are arbitrary cut points. */
  attached: boolean;
  /** Lane indices; lanes[0] is the process's main lane (everything not on a connection). */
  lanes: number[];
}

export interface Lane {
  unit: number;
  /** Where the lane's socket was made; absent for a main lane and for a flow on the wire. */
  origin?: string;
  /** The lane's items are `laneOrder[first .. first + count)` (see laneItems): one array for all lanes, not one per flow. */
  first: number;
  count: number;
  /** Interned: what kind of connection (its creating and connecting keys). */
  signature: number;
  /** Carried no data and failed at nothing: an idle keep-alive, a probe connection. */
  idle: boolean;
  /** A flow seen in a capture or tcpdump text (its items are packets), not a socket seen in strace. */
  packets?: boolean;
}

/**
 * One side, compactly: what alignment reads for every item stays in memory
 * (15 bytes an item: key 4, outcome 2, duration 4, flags 1, its place in
 * its lane 4); where and when each item is sits in `rows`, spilled to disk
 * past a budget, read back only for the items a report shows.
 */
export interface SideTrace {
  files: string[];
  /** Per file: its locations are packet numbers (a capture), not line numbers. */
  packetFiles: boolean[];
  /** All events read, including those alignment ignores. */
  events: number;
  unparsed: number;
  /** Items: the events that take part in alignment (calls, signals, exits). */
  n: number;
  key: Int32Array;
  /** Ids in the interner's outcome table. */
  outcome: Uint16Array;
  /**
   * Seconds the call took: -T, else the time to the unit's next event; NaN
   * when unknown. Single precision (seven digits: a microsecond up to 16 s)
   * is all comparing durations and quoting them in milliseconds needs.
   */
  dur: Float32Array;
  /** Bit flags: IDLE_WAIT, ON_SOCKET, END_OF_ATTACHED. */
  flags: Uint8Array;
  /** Each item's file, line, lane, unit and time. */
  rows: RowStore;
  units: Unit[];
  lanes: Lane[];
  /** Item indices grouped by lane, in order within each lane. */
  laneOrder: Int32Array;
}

/** A lane's items, in order (a view, no copy). */
export function laneItems(s: SideTrace, l: number): Int32Array {
  const lane = s.lanes[l]!;
  return s.laneOrder.subarray(lane.first, lane.first + lane.count);
}

/** A wait that only waited for work to arrive (the first of an attached trace, one that led to an accept). */
export const IDLE_WAIT = 1;
/** The item is a socket operation (key mentions a socket). */
export const ON_SOCKET = 2;
/** The last item of a process strace attached to: where the trace was cut, not where the process stopped. */
export const END_OF_ATTACHED = 4;

/** How far (in items) a wait looks for the accept it was waiting for. */
const ACCEPT_LOOKAHEAD = 64;

/** The unit that holds every flow seen on the wire (pids are strace's; -1 is a log without pids). */
const NETWORK_UNIT_KEY = -2;
/** How the network unit is named where processes are named by program. */
export const NETWORK_PROGRAM = '[network]';

export interface KeyMeta {
  family: string;
  cls: EventClass;
}


export interface SideBuilderOptions {
  /** Rows kept in memory before they are spilled to a temporary file (see RowStore). */
  memoryRows?: number;
  /** The temporary file to spill rows into (openSpillFile), when the caller must own it. */
  spillFd?: number;
}

/** What the builder remembers per unit while reading: to fill durations and mark idle waits as items arrive. */
interface UnitCursor {
  last: number;
  lastTime: number;
  mainItems: number;
  /** A wait on the main lane whose next item may be the accept it waited for (-1: none). */
  wait: number;
}

export class SideBuilder {
  private readonly normalizer = new Normalizer();
  private readonly packetNormalizer = new PacketNormalizer();
  private readonly packetFiles: boolean[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly key = new GrowingColumn(Int32Array);
  private readonly outcome = new GrowingColumn(Uint16Array);
  private readonly dur = new GrowingColumn(Float32Array);
  private readonly flags = new GrowingColumn(Uint8Array);
  private readonly rows: RowStore;
  private readonly units: Unit[] = [];
  private readonly cursors: UnitCursor[] = [];
  private readonly lanes: Lane[] = [];
  /** Each item's lane, until finish() groups the items by lane. */
  private readonly laneOf = new GrowingColumn(Int32Array);
  private readonly unitByPid = new Map<number, number>();
  private readonly laneByOrigin = new Map<string, number>();
  /** The lane of each flow the packet normalizer numbered (0: none yet); no name string per flow. */
  private readonly laneOfFlow = new GrowingColumn(Int32Array);
  private readonly laneFirstKeys = new Map<number, number[]>();
  private readonly children = new Map<number, { parent: number; thread: boolean }>();
  private readonly attachedPids = new Set<number>();
  private attachedAll = false;
  private events = 0;
  private unparsed = 0;

  private readonly files: string[];

  constructor(private readonly strings: Interner, files: readonly string[], opts: SideBuilderOptions = {}) {
    this.files = [...files];
    this.files.forEach((f, i) => this.fileIndex.set(f, i));
    this.rows = new RowStore(opts.memoryRows, opts.spillFd);
  }

  /** The caller's TCP analysis let go of this connection (see PacketNormalizer.connectionRetired). */
  connectionRetired(conn: number): void {
    this.packetNormalizer.connectionRetired(conn);
  }

  /** `tcp`: the packet's TCP analysis when the caller made one (see PacketNormalizer.normalize). */
  add(ev: TraceEvent, tcp?: PacketAnalysis | null): void {
    this.events++;
    if (ev.kind === 'unparsed') {
      this.unparsed++;
      return;
    }
    if (ev.kind === 'attach') {
      if (ev.pid === undefined) this.attachedAll = true;
      else this.attachedPids.add(ev.pid);
      return;
    }
    if (ev.kind === 'packet') {
      for (const step of this.packetNormalizer.normalize(ev, tcp)) this.addStep(ev, step);
      return;
    }
    const n = this.normalizer.normalize(ev);
    if (!n) return;
    const u = this.unitOf(ev.pid);
    const unit = this.units[u]!;
    if (n.program && unit.program === undefined && n.outcome === 'ok') {
      unit.program = n.program;
      const argv = ev.kind === 'syscall' ? ev.args?.find((a) => a.type === 'array') : undefined;
      if (argv?.type === 'array') unit.argc = argv.items.length;
    }
    if (n.child) this.children.set(n.child.pid, { parent: u, thread: n.child.thread });
    const keyId = this.strings.id(n.key);
    this.strings.keyMeta[keyId] ??= { family: n.family, cls: n.cls };
    let laneIdx = unit.lanes[0]!;
    if (n.lane) {
      const lk = `${u}\u0000${n.lane}`;
      let l = this.laneByOrigin.get(lk);
      if (l === undefined) {
        l = this.newLane({ unit: u, origin: n.lane, signature: 0, idle: true });
        this.laneByOrigin.set(lk, l);
        unit.lanes.push(l);
      }
      laneIdx = l;
      // The lane's signature: the call that made the socket and the connect/bind/listen that gave it a role.
      const fk = this.laneFirstKeys.get(l)!;
      if (fk.length === 0 || (fk.length === 1 && (n.family === 'connect' || n.family === 'bind' || n.family === 'listen'))) fk.push(keyId);
    }
    if (n.lane && !isIdleOutcome(n.family, n.outcome)) this.lanes[laneIdx]!.idle = false;
    const i = this.push(ev, keyId, this.strings.outcomes.id(n.outcome), u, laneIdx, ev.kind === 'syscall' && ev.duration !== undefined ? ev.duration : NaN, n.onSocket ? ON_SOCKET : 0);
    this.markIdleWait(i, u, laneIdx === unit.lanes[0], n.family, n.cls, n.outcome);
  }

  /**
   * Waits that only waited for work to arrive: their length is how long the
   * operator took to send the request, so it never counts as slowness. The
   * first wait of an attached process, one that never returned, an accept,
   * and a wait whose process's next item (close by) is an accept.
   */
  private markIdleWait(i: number, u: number, onMain: boolean, family: string, cls: EventClass, outcome: string): void {
    const c = this.cursors[u]!;
    if (c.wait >= 0) {
      if (family === 'accept' && i < c.wait + ACCEPT_LOOKAHEAD) this.flags.set(c.wait, this.flags.get(c.wait) | IDLE_WAIT);
      c.wait = -1;
    }
    if (!onMain) return;
    const first = c.mainItems++ === 0 && this.units[u]!.attached;
    if (cls !== 'wait' && family !== 'accept') return;
    if (first || outcome === 'unfinished' || family === 'accept') this.flags.set(i, this.flags.get(i) | IDLE_WAIT);
    else c.wait = i;
  }

  /** One step of a packet on its flow's lane in the network unit. Its duration is the wait before it. */
  private addStep(ev: TraceEvent, step: PacketStep): void {
    const u = this.unitOf(undefined, NETWORK_UNIT_KEY);
    const unit = this.units[u]!;
    unit.program ??= NETWORK_PROGRAM;
    let l = this.laneOfFlow.get(step.flow) - 1;
    if (l < 0) {
      // A flow is never idle: a SYN nobody answered is the story, not a probe.
      l = this.newLane({ unit: u, signature: this.strings.id(step.signature), idle: false, packets: true });
      this.laneOfFlow.set(step.flow, l + 1);
      unit.lanes.push(l);
    }
    const keyId = this.strings.id(step.key);
    this.strings.keyMeta[keyId] ??= { family: 'packet', cls: 'packet' };
    this.push(ev, keyId, this.strings.outcomes.id('ok'), u, l, step.gap, 0);
  }

  private newLane(lane: Omit<Lane, 'first' | 'count'>): number {
    const l = this.lanes.length;
    // Every field in one literal, never `{ ...lane }`: V8 gives each spread copy a hidden class of its
    // own (230 bytes a lane, which on a capture of a million flows filled a 256 MB worker heap), and a
    // field added later goes to a property array of its own (40 bytes more).
    this.lanes.push({ unit: lane.unit, origin: lane.origin, first: 0, count: 0, signature: lane.signature, idle: lane.idle, packets: lane.packets });
    // Only connections a process made have first keys (packet lanes are signed by their service).
    if (!lane.packets) this.laneFirstKeys.set(l, []);
    return l;
  }

  private push(ev: TraceEvent, keyId: number, outcomeId: number, u: number, laneIdx: number, dur: number, flags: number): number {
    const i = this.key.length;
    this.key.push(keyId);
    this.outcome.push(outcomeId);
    let fi = this.fileIndex.get(ev.file);
    if (fi === undefined) {
      fi = this.files.length;
      this.files.push(ev.file);
      this.fileIndex.set(ev.file, fi);
    }
    if (ev.line === undefined && ev.packet !== undefined) this.packetFiles[fi] = true;
    const time = ev.time ?? NaN;
    this.rows.push({ file: fi, line: ev.line ?? ev.packet ?? 0, endLine: ev.endLine ?? 0, lane: laneIdx, unit: u, time });
    this.dur.push(dur);
    this.flags.push(flags);
    this.laneOf.push(laneIdx);
    this.lanes[laneIdx]!.count++;
    // Without -T, a call lasted until its process's next event (the best a timestamped trace can say).
    const c = this.cursors[u]!;
    if (c.last >= 0 && Number.isNaN(this.dur.get(c.last)) && !Number.isNaN(time) && !Number.isNaN(c.lastTime)) this.dur.set(c.last, Math.max(0, time - c.lastTime));
    c.last = i;
    c.lastTime = time;
    return i;
  }

  private unitOf(pid: number | undefined, key = pid ?? -1): number {
    const k = key;
    let u = this.unitByPid.get(k);
    if (u === undefined) {
      u = this.units.length;
      const attached = key !== NETWORK_UNIT_KEY && (this.attachedAll || (pid !== undefined && this.attachedPids.has(pid)));
      this.units.push({ pid, thread: false, attached, lanes: [] });
      this.cursors.push({ last: -1, lastTime: NaN, mainItems: 0, wait: -1 });
      this.units[u]!.lanes.push(this.newLane({ unit: u, signature: 0, idle: false }));
      this.unitByPid.set(k, u);
    }
    return u;
  }

  /** Items grouped by lane (a counting sort): each lane's `first` is where its items start. */
  private groupByLane(): Int32Array {
    let at = 0;
    for (const lane of this.lanes) {
      lane.first = at;
      at += lane.count;
    }
    const next = Int32Array.from(this.lanes, (lane) => lane.first);
    const laneOf = this.laneOf.take();
    const order = new Int32Array(laneOf.length);
    for (let i = 0; i < laneOf.length; i++) order[next[laneOf[i]!]!++] = i;
    return order;
  }

  finish(): SideTrace {
    const flags = this.flags.take();
    this.units.forEach((unit, u) => {
      const last = this.cursors[u]!.last;
      if (unit.attached && last >= 0) flags[last]! |= END_OF_ATTACHED;
    });
    const laneOrder = this.groupByLane();
    const s: SideTrace = {
      files: this.files,
      packetFiles: this.files.map((_, i) => this.packetFiles[i] === true),
      events: this.events,
      unparsed: this.unparsed,
      n: this.key.length,
      key: this.key.take(),
      outcome: this.outcome.take(),
      dur: this.dur.take(),
      flags,
      rows: this.rows,
      units: this.units,
      lanes: this.lanes,
      laneOrder,
    };
    for (const [pid, c] of this.children) {
      const u = this.unitByPid.get(pid);
      if (u !== undefined && u !== c.parent) {
        s.units[u]!.parent = c.parent;
        s.units[u]!.thread = c.thread;
      }
    }
    this.lanes.forEach((l, i) => {
      if (l.packets) return;
      l.signature = this.strings.id(l.origin ? this.laneFirstKeys.get(i)!.map((k) => this.strings.text(k)).join(' / ') : 'main');
    });
    return s;
  }
}


/** Outcomes that leave a connection idle: bookkeeping succeeded, a non-blocking read found nothing. */
function isIdleOutcome(family: string, outcome: string): boolean {
  if (outcome === 'E:EAGAIN' || outcome === 'E:EINPROGRESS' || outcome === 'eof' || outcome === 'unfinished') return true;
  if (outcome !== 'ok' && outcome !== 'partial') return false;
  return !TRANSFER_FAMILIES.has(family);
}
