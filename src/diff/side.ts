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

/** Strings (keys, outcomes, signatures) interned to small integers, shared by both sides of a diff. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  /** For interned alignment keys: the family and class normalization found (pattern and outcome ids have none). */
  readonly keyMeta: KeyMeta[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(s, id);
      this.strings.push(s);
    }
    return id;
  }
  text(id: number): string {
    return this.strings[id]!;
  }
}

/** A growable typed column. */
class Column<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(private buf: T, private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = this.make(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  get array(): T {
    return this.buf.subarray(0, this.length) as T;
  }
}
const ints = (n = 1024) => new Column(new Int32Array(n), (m) => new Int32Array(m));
const floats = (n = 1024) => new Column(new Float64Array(n), (m) => new Float64Array(m));

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
  /** Where the lane's socket was made; absent for a main lane. */
  origin?: string;
  items: number[];
  /** Interned: what kind of connection (its creating and connecting keys). */
  signature: number;
  /** Carried no data and failed at nothing: an idle keep-alive, a probe connection. */
  idle: boolean;
  /** A flow seen in a capture or tcpdump text (its items are packets), not a socket seen in strace. */
  packets?: boolean;
}

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
  outcome: Int32Array;
  file: Int32Array;
  line: Int32Array;
  endLine: Int32Array;
  unit: Int32Array;
  lane: Int32Array;
  /** Seconds since the trace's epoch or midnight; NaN when the trace has no timestamps. */
  time: Float64Array;
  /** Seconds the call took: -T, else the time to the unit's next event; NaN when unknown. */
  dur: Float64Array;
  /** Bit flags: IDLE_WAIT. */
  flags: Int32Array;
  units: Unit[];
  lanes: Lane[];
}

/** A wait that only waited for work to arrive (the first of an attached trace, one that led to an accept). */
export const IDLE_WAIT = 1;
/** The item is a socket operation (key mentions a socket). */
export const ON_SOCKET = 2;

/** The unit that holds every flow seen on the wire (pids are strace's; -1 is a log without pids). */
const NETWORK_UNIT_KEY = -2;
/** How the network unit is named where processes are named by program. */
export const NETWORK_PROGRAM = '[network]';

export interface KeyMeta {
  family: string;
  cls: EventClass;
}


export class SideBuilder {
  private readonly normalizer = new Normalizer();
  private readonly packetNormalizer = new PacketNormalizer();
  private readonly packetFiles: boolean[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly key = ints();
  private readonly outcome = ints();
  private readonly file = ints();
  private readonly line = ints();
  private readonly endLine = ints();
  private readonly unit = ints();
  private readonly lane = ints();
  private readonly time = floats();
  private readonly dur = floats();
  private readonly flags = ints();
  private readonly units: Unit[] = [];
  private readonly lanes: Lane[] = [];
  private readonly unitByPid = new Map<number, number>();
  private readonly laneByOrigin = new Map<string, number>();
  private readonly laneFirstKeys: number[][] = [];
  private readonly children = new Map<number, { parent: number; thread: boolean }>();
  private readonly attachedPids = new Set<number>();
  private attachedAll = false;
  private events = 0;
  private unparsed = 0;

  private readonly files: string[];

  constructor(private readonly strings: Interner, files: readonly string[]) {
    this.files = [...files];
    this.files.forEach((f, i) => this.fileIndex.set(f, i));
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
    const i = this.key.length;
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
        l = this.lanes.length;
        this.lanes.push({ unit: u, origin: n.lane, items: [], signature: 0, idle: true });
        this.laneFirstKeys.push([]);
        this.laneByOrigin.set(lk, l);
        unit.lanes.push(l);
      }
      laneIdx = l;
      // The lane's signature: the call that made the socket and the connect/bind/listen that gave it a role.
      const fk = this.laneFirstKeys[l]!;
      if (fk.length === 0 || (fk.length === 1 && (n.family === 'connect' || n.family === 'bind' || n.family === 'listen'))) fk.push(keyId);
    }
    this.lanes[laneIdx]!.items.push(i);
    if (n.lane && !isIdleOutcome(n.family, n.outcome)) this.lanes[laneIdx]!.idle = false;
    this.push(ev, keyId, this.strings.id(n.outcome), u, laneIdx, ev.kind === 'syscall' && ev.duration !== undefined ? ev.duration : NaN, n.onSocket ? ON_SOCKET : 0);
  }

  /** One step of a packet on its flow's lane in the network unit. Its duration is the wait before it. */
  private addStep(ev: TraceEvent, step: PacketStep): void {
    const u = this.unitOf(undefined, NETWORK_UNIT_KEY);
    const unit = this.units[u]!;
    unit.program ??= NETWORK_PROGRAM;
    const lk = `${u}\u0000${step.lane}`;
    let l = this.laneByOrigin.get(lk);
    if (l === undefined) {
      l = this.lanes.length;
      // A flow is never idle: a SYN nobody answered is the story, not a probe.
      this.lanes.push({ unit: u, origin: step.lane, items: [], signature: this.strings.id(step.signature), idle: false, packets: true });
      this.laneFirstKeys.push([]);
      this.laneByOrigin.set(lk, l);
      unit.lanes.push(l);
    }
    const keyId = this.strings.id(step.key);
    this.strings.keyMeta[keyId] ??= { family: 'packet', cls: 'packet' };
    this.lanes[l]!.items.push(this.key.length);
    this.push(ev, keyId, this.strings.id('ok'), u, l, step.gap, 0);
  }

  private push(ev: TraceEvent, keyId: number, outcomeId: number, u: number, laneIdx: number, dur: number, flags: number): void {
    this.key.push(keyId);
    this.outcome.push(outcomeId);
    let fi = this.fileIndex.get(ev.file);
    if (fi === undefined) {
      fi = this.files.length;
      this.files.push(ev.file);
      this.fileIndex.set(ev.file, fi);
    }
    if (ev.line === undefined && ev.packet !== undefined) this.packetFiles[fi] = true;
    this.file.push(fi);
    this.line.push(ev.line ?? ev.packet ?? 0);
    this.endLine.push(ev.endLine ?? 0);
    this.unit.push(u);
    this.lane.push(laneIdx);
    this.time.push(ev.time ?? NaN);
    this.dur.push(dur);
    this.flags.push(flags);
  }

  private unitOf(pid: number | undefined, key = pid ?? -1): number {
    const k = key;
    let u = this.unitByPid.get(k);
    if (u === undefined) {
      u = this.units.length;
      const main = this.lanes.length;
      this.lanes.push({ unit: u, items: [], signature: 0, idle: false });
      this.laneFirstKeys.push([]);
      this.units.push({ pid, thread: false, attached: key !== NETWORK_UNIT_KEY && (this.attachedAll || (pid !== undefined && this.attachedPids.has(pid))), lanes: [main] });
      this.unitByPid.set(k, u);
    }
    return u;
  }

  finish(): SideTrace {
    const s: SideTrace = {
      files: this.files,
      packetFiles: this.files.map((_, i) => this.packetFiles[i] === true),
      events: this.events,
      unparsed: this.unparsed,
      n: this.key.length,
      key: this.key.array,
      outcome: this.outcome.array,
      file: this.file.array,
      line: this.line.array,
      endLine: this.endLine.array,
      unit: this.unit.array,
      lane: this.lane.array,
      time: this.time.array,
      dur: this.dur.array,
      flags: this.flags.array,
      units: this.units,
      lanes: this.lanes,
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
      l.signature = this.strings.id(l.origin ? this.laneFirstKeys[i]!.map((k) => this.strings.text(k)).join(' / ') : 'main');
    });
    fillDurations(s);
    markIdleWaits(s, this.strings);
    return s;
  }
}

/** Outcomes that leave a connection idle: bookkeeping succeeded, a non-blocking read found nothing. */
function isIdleOutcome(family: string, outcome: string): boolean {
  if (outcome === 'E:EAGAIN' || outcome === 'E:EINPROGRESS' || outcome === 'eof' || outcome === 'unfinished') return true;
  if (outcome !== 'ok' && outcome !== 'partial') return false;
  return !TRANSFER_FAMILIES.has(family);
}

/** Without -T, a call lasted until its process's next event (the best a timestamped trace can say). */
function fillDurations(s: SideTrace): void {
  const last = new Map<number, number>();
  for (let i = 0; i < s.n; i++) {
    const u = s.unit[i]!;
    const prev = last.get(u);
    if (prev !== undefined && Number.isNaN(s.dur[prev]!) && !Number.isNaN(s.time[i]!) && !Number.isNaN(s.time[prev]!)) {
      s.dur[prev] = Math.max(0, s.time[i]! - s.time[prev]!);
    }
    last.set(u, i);
  }
}

/**
 * Waits that only waited for work to arrive: their length is how long the
 * operator took to send the request, so it never counts as slowness.
 */
function markIdleWaits(s: SideTrace, strings: Interner): void {
  for (const unit of s.units) {
    const main = s.lanes[unit.lanes[0]!]!;
    const items = main.items;
    for (let k = 0; k < items.length; k++) {
      const i = items[k]!;
      const m = strings.keyMeta[s.key[i]!]!;
      if (m.cls !== 'wait' && m.family !== 'accept') continue;
      const first = k === 0 && unit.attached;
      const unfinished = strings.text(s.outcome[i]!) === 'unfinished';
      let next = -1;
      for (let j = i + 1; j < s.n && j < i + 64; j++) if (s.unit[j] === s.unit[i]) { next = j; break; }
      const beforeAccept = next >= 0 && strings.keyMeta[s.key[next]!]!.family === 'accept';
      if (first || unfinished || m.family === 'accept' || beforeAccept) s.flags[i]! |= IDLE_WAIT;
    }
  }
}
