/**
 * A bounded picture of one run for reports: lanes (one per process, one per
 * connection) holding a sample of what happened on them, in time. Built in
 * the same streaming pass that feeds the differ and the findings, so a
 * 10-million-event trace costs a few thousand items here.
 *
 * What must stay visible is kept first: failed calls, signals and exits,
 * SYN/FIN/RST and retransmitted packets. Ordinary events are sampled at a
 * stride that doubles whenever a lane fills, which keeps an even spread over
 * the run without knowing its length in advance.
 */
import type { PacketAnalysis } from '../analysis/tcp/index.js';
import { displayEndpoint } from '../analysis/correlate/endpoints.js';
import { routineRuleFor } from '../knowledge/syscall-analysis.js';
import { familyOf } from '../knowledge/syscall-families.js';
import type { PacketEvent, TraceEvent } from '../model/events.js';
import type { DiffReport, Finding } from './diff-report.js';

export type SketchItemKind = 'call' | 'packet' | 'signal' | 'exit';

export interface SketchItem {
  /** Seconds on the run's own clock (or the event's ordinal when the run has no timestamps). */
  t: number;
  /** Seconds the call took (-T), when known. */
  dur?: number;
  kind: SketchItemKind;
  /** Short text: `openat(AT_FDCWD, "/etc/…") = -1 ENOENT`, `Flags [S]`, `+++ killed by SIGKILL +++`. */
  label: string;
  /** What went wrong: an errno, RST, a fatal signal, a non-zero exit. */
  error?: string;
  /** The failure is one programs expect and handle (EAGAIN, a probe for a missing file): drawn, not flagged. */
  routine?: boolean;
  /** A packet the TCP analysis calls a retransmission (a retried SYN among them). */
  retransmit?: boolean;
  /** For packets: sent by the side that opened the connection. */
  fromClient?: boolean;
  file: string;
  line?: number;
  packet?: number;
  /** Kept because it matters (an error, a handshake or teardown packet), not by sampling. */
  key: boolean;
}

export interface SketchLane {
  id: string;
  kind: 'process' | 'connection';
  /** `nginx (pid 4242)`, `tcp 10.0.0.1:40000 → 10.0.0.2:80`. */
  name: string;
  /** Every event the lane had, drawn or not. */
  events: number;
  items: SketchItem[];
}

export interface TimelineSketch {
  /** `seconds`: items are placed by time; `order`: the run has no timestamps and items are placed by their ordinal. */
  clock: 'seconds' | 'order';
  /** First and last `t` of the run (0 and 0 when it had no events). */
  start: number;
  end: number;
  lanes: SketchLane[];
  /** Lanes not drawn because there were more than the sketch keeps (their events are counted here). */
  omittedLanes: number;
  omittedEvents: number;
  /** What the report points at, placed on this run's clock: the divergence, what bad never does, the findings' evidence. */
  marks: SketchMark[];
}

export type MarkRole = 'divergence' | 'missing' | 'evidence';

export interface SketchMark extends PlacedMark {
  role: MarkRole;
  file: string;
  line?: number;
  packet?: number;
  /** The quoted line or packet. */
  text: string;
  /** For evidence: the finding's id. */
  finding?: string;
}

/** A run's place for a location: its `t`, exact when the item was kept, interpolated between kept neighbours of the same file otherwise. */
export interface PlacedMark {
  t: number;
  exact: boolean;
}

export interface SketchLimits {
  /** Lanes drawn; more would not fit a page. */
  lanes: number;
  /** Sampled ordinary events per lane. */
  perLane: number;
  /** Key events per lane (errors, handshakes): kept before any sampling. */
  keyPerLane: number;
  /** Anchors per file for placing marks that were not kept. */
  anchors: number;
}

export const DEFAULT_SKETCH_LIMITS: SketchLimits = { lanes: 48, perLane: 240, keyPerLane: 160, anchors: 1024 };

const LABEL_MAX = 96;

/**
 * A list that keeps every `stride`-th item offered and halves itself,
 * doubling the stride, when full. `take()` says whether the next item is
 * kept, so an item is only built when it will be.
 */
class StridedSample<T> {
  readonly items: T[] = [];
  private stride = 1;
  private seen = 0;
  constructor(private readonly cap: number) {}
  take(): boolean {
    return this.seen++ % this.stride === 0;
  }
  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.cap) {
      let w = 0;
      for (let r = 0; r < this.items.length; r += 2) this.items[w++] = this.items[r]!;
      this.items.length = w;
      this.stride *= 2;
    }
  }
  offer(item: T): void {
    if (this.take()) this.push(item);
  }
}

interface LaneState {
  lane: Omit<SketchLane, 'items'>;
  key: StridedSample<SketchItem>;
  sampled: StridedSample<SketchItem>;
}

interface Anchor {
  line: number;
  t: number;
}

/**
 * A label the sketch keeps for the whole run, as a string of its own: a
 * slice of a reader's text would keep that whole chunk of the input alive
 * (V8 slices and concatenations point into their parents), hundreds of MB
 * for a few thousand kept labels.
 */
function shortLabel(s: string): string {
  const cut = s.length <= LABEL_MAX ? s : s.slice(0, LABEL_MAX - 1) + '…';
  return Buffer.from(cut, 'utf8').toString('utf8');
}

function callLabel(ev: Extract<TraceEvent, { kind: 'syscall' }>): string {
  const args = ev.argsText.length > 48 ? ev.argsText.slice(0, 47) + '…' : ev.argsText;
  const result = ev.result === undefined ? ' <unfinished …>' : ` = ${ev.result}${ev.errno ? ` ${ev.errno}` : ''}`;
  return shortLabel(`${ev.name}(${args})${result}`);
}

function packetLabel(ev: PacketEvent, a: PacketAnalysis | null | undefined): string {
  if (ev.proto === 'tcp' && ev.flags !== undefined) {
    const len = ev.len ? `, ${ev.len} bytes` : '';
    const again = a?.flags.includes('retransmission') ? ' (retransmission)' : '';
    return `Flags [${ev.flags}]${len}${again}`;
  }
  return shortLabel(ev.info ?? ev.proto);
}

type Drawn = Exclude<TraceEvent, { kind: 'unparsed' } | { kind: 'message' }>;

/** Events the picture keeps before sampling: what went wrong, and what opens, closes or breaks a connection. */
function isKey(ev: Drawn, tcp: PacketAnalysis | null | undefined): boolean {
  switch (ev.kind) {
    case 'syscall':
      return ev.errno !== undefined;
    case 'packet':
      return tcp?.flags.includes('retransmission') === true || (ev.proto === 'tcp' && /[SFR]/.test(ev.flags ?? '')) || ev.proto === 'icmp' || ev.proto === 'icmp6';
    default:
      return true;
  }
}

/** The item as the sketch keeps it: its strings copied out of the reader's text (see shortLabel). */
function sketchItem(ev: Drawn, tcp: PacketAnalysis | null | undefined, t: number, key: boolean): SketchItem {
  const item = buildItem(ev, tcp, t, key);
  item.label = shortLabel(item.label);
  if (item.error !== undefined) item.error = shortLabel(item.error);
  return item;
}

function buildItem(ev: Drawn, tcp: PacketAnalysis | null | undefined, t: number, key: boolean): SketchItem {
  const place = { file: ev.file, ...(ev.line !== undefined ? { line: ev.line } : {}), ...(ev.packet !== undefined ? { packet: ev.packet } : {}) };
  switch (ev.kind) {
    case 'packet': {
      const item: SketchItem = { t, kind: 'packet', label: packetLabel(ev, tcp), ...place, key };
      if (tcp?.flags.includes('retransmission')) item.retransmit = true;
      if (ev.proto === 'tcp' && ev.flags?.includes('R')) item.error = 'RST';
      if (tcp) item.fromClient = tcp.dir === 'orig';
      return item;
    }
    case 'syscall': {
      const item: SketchItem = { t, kind: 'call', label: callLabel(ev), ...place, key };
      if (ev.duration !== undefined) item.dur = ev.duration;
      if (ev.errno) {
        item.error = ev.errno;
        if (routineRuleFor(familyOf(ev.name), ev.errno, /"([^"]*)"/.exec(ev.argsText)?.[1], undefined)) item.routine = true;
      }
      return item;
    }
    case 'exit': {
      const item: SketchItem = { t, kind: 'exit', label: ev.signal !== undefined ? `killed by ${ev.signal}` : `exited with ${ev.code ?? '?'}`, ...place, key };
      if (ev.signal !== undefined) item.error = ev.signal;
      else if (ev.code !== undefined && ev.code !== 0) item.error = `exit ${ev.code}`;
      return item;
    }
    case 'signal':
      return { t, kind: 'signal', label: shortLabel(`${ev.signal} received`), ...place, key };
    default:
      return { t, kind: 'signal', label: ev.kind, ...place, key };
  }
}

export class TimelineSketchBuilder {
  private readonly lanes = new Map<string, LaneState>();
  private readonly anchors = new Map<string, StridedSample<Anchor>>();
  private readonly programs = new Map<number, string>();
  private omittedLanes = new Set<string>();
  private omittedEvents = 0;
  private ordinal = 0;
  private timed = 0;
  private start = Infinity;
  private end = -Infinity;
  /** Items of events without a time, by their ordinal: drawn only when the whole run is untimed. */
  private readonly untimed = new WeakMap<SketchItem, number>();
  private readonly timedFiles = new Set<string>();
  private sketch: TimelineSketch | undefined;
  /** The one pid a log attached to (-1 once it attached to several). */
  private attached: number | undefined;

  constructor(private readonly limits: SketchLimits = DEFAULT_SKETCH_LIMITS) {}

  /** One event of the run, with its TCP analysis when it is a packet the analysis tracked. */
  add(ev: TraceEvent, tcp?: PacketAnalysis | null): void {
    const ordinal = this.ordinal++;
    if (ev.kind === 'unparsed' || ev.kind === 'message') return;
    const time = ev.at ?? ev.time;
    if (time !== undefined) {
      this.timed++;
      if (time < this.start) this.start = time;
      if (time > this.end) this.end = time;
    }
    const where = ev.packet ?? ev.line;
    // An odd untimed line in a timed file would put an ordinal among times.
    if (where !== undefined && (time !== undefined || !this.timedFiles.has(ev.file))) this.anchor(ev.file, where, time ?? ordinal, time !== undefined);
    // `strace -p N` without -f prints "Process N attached" and then lines without pids: they are N's.
    if (ev.kind === 'attach' && ev.pid !== undefined) this.attached = this.attached === undefined ? ev.pid : -1;
    const pid = ev.pid ?? (this.attached !== undefined && this.attached >= 0 ? this.attached : -1);
    if (ev.kind === 'syscall') this.noteProgram(ev, pid);
    const lane = this.laneFor(ev.kind === 'packet' ? this.connectionLane(ev, tcp) : `pid:${pid}`, ev, tcp);
    if (!lane) return;
    const key = isKey(ev, tcp);
    const sample = key ? lane.key : lane.sampled;
    if (!sample.take()) return;
    const item = sketchItem(ev, tcp, time ?? NaN, key);
    if (time === undefined) this.untimed.set(item, ordinal);
    sample.push(item);
  }

  private laneFor(id: string, ev: TraceEvent, tcp: PacketAnalysis | null | undefined): LaneState | undefined {
    let s = this.lanes.get(id);
    if (!s) {
      if (this.lanes.size >= this.limits.lanes || this.omittedLanes.has(id)) {
        this.omittedLanes.add(id);
        this.omittedEvents++;
        return undefined;
      }
      s = {
        lane: { id, kind: ev.kind === 'packet' ? 'connection' : 'process', name: ev.kind === 'packet' ? connectionName(ev, tcp) : '', events: 0 },
        key: new StridedSample(this.limits.keyPerLane),
        sampled: new StridedSample(this.limits.perLane),
      };
      this.lanes.set(id, s);
    }
    s.lane.events++;
    return s;
  }

  private connectionLane(ev: PacketEvent, tcp: PacketAnalysis | null | undefined): string {
    if (tcp) return `tcp:${tcp.conn}`;
    // Not tracked as TCP: one lane per protocol and unordered endpoint pair.
    const [a, b] = [ev.src ?? '?', ev.dst ?? '?'].sort();
    return `${ev.proto}:${a}|${b}`;
  }

  private noteProgram(ev: Extract<TraceEvent, { kind: 'syscall' }>, pid: number): void {
    if (ev.comm && !this.programs.has(pid)) this.programs.set(pid, ev.comm);
    if ((ev.name === 'execve' || ev.name === 'execveat') && ev.result === '0') {
      const m = /"([^"]*)"/.exec(ev.argsText);
      if (m) this.programs.set(pid, m[1]!.slice(m[1]!.lastIndexOf('/') + 1));
    }
  }

  private anchor(file: string, line: number, t: number, timed: boolean): void {
    let a = this.anchors.get(file);
    if (!a) this.anchors.set(file, (a = new StridedSample(this.limits.anchors)));
    if (timed) this.timedFiles.add(file);
    a.offer({ line, t });
  }

  finish(): TimelineSketch {
    const clock = this.timed > 0 ? 'seconds' : 'order';
    const lanes: SketchLane[] = [];
    for (const s of this.lanes.values()) {
      let items = [...s.key.items, ...s.sampled.items];
      // A run with timestamps draws only timed events: an untimed source of it has no place on the axis.
      if (clock === 'seconds') items = items.filter((i) => !Number.isNaN(i.t));
      else for (const i of items) i.t = this.untimed.get(i) ?? 0;
      items.sort((x, y) => x.t - y.t);
      const lane: SketchLane = { ...s.lane, items };
      if (lane.kind === 'process') {
        const pid = Number(lane.id.slice(4));
        const program = this.programs.get(pid);
        lane.name = pid < 0 ? program ?? 'process' : program ? `${program} (pid ${pid})` : `pid ${pid}`;
      }
      lanes.push(lane);
    }
    const start = clock === 'seconds' ? this.start : 0;
    const end = clock === 'seconds' ? this.end : Math.max(0, this.ordinal - 1);
    this.sketch = { clock, start: Number.isFinite(start) ? start : 0, end: Number.isFinite(end) ? end : 0, lanes, omittedLanes: this.omittedLanes.size, omittedEvents: this.omittedEvents, marks: [] };
    return this.sketch;
  }

  /** Place a location the report points at on the finished sketch; false when the run's clock has no place for it. */
  mark(role: MarkRole, loc: { file: string; line?: number; packet?: number; text: string }, finding?: string): boolean {
    const where = loc.packet ?? loc.line;
    const placed = this.sketch && where !== undefined ? this.place(loc.file, where) : undefined;
    if (!placed || !this.sketch) return false;
    const m: SketchMark = { role, ...placed, file: loc.file, text: loc.text };
    if (loc.line !== undefined) m.line = loc.line;
    if (loc.packet !== undefined) m.packet = loc.packet;
    if (finding !== undefined) m.finding = finding;
    this.sketch.marks.push(m);
    return true;
  }

  /**
   * Where a location falls on the run's clock, for marks the report adds
   * after the pass (the divergence, evidence). Call after finish().
   */
  place(file: string, where: number): PlacedMark | undefined {
    const a = this.anchors.get(file)?.items;
    // In a timed run, a source without times has no place on the axis.
    if (!a?.length || (this.timed > 0 && !this.timedFiles.has(file))) return undefined;
    let lo = 0;
    let hi = a.length - 1;
    if (where <= a[0]!.line) return { t: a[0]!.t, exact: where === a[0]!.line };
    if (where >= a[hi]!.line) return { t: a[hi]!.t, exact: where === a[hi]!.line };
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (a[mid]!.line <= where) lo = mid;
      else hi = mid;
    }
    const x = a[lo]!;
    const y = a[hi]!;
    if (x.line === where) return { t: x.t, exact: true };
    // Lines between two anchors of one file lie between them in time.
    return { t: x.t + ((y.t - x.t) * (where - x.line)) / (y.line - x.line), exact: false };
  }
}

function connectionName(ev: PacketEvent, tcp: PacketAnalysis | null | undefined): string {
  // The first packet seen decides who is the client: the analysis says whether it was sent by the connection's opener.
  const [client, server] = tcp?.dir === 'resp' ? [ev.dst, ev.src] : [ev.src, ev.dst];
  return `${ev.proto} ${displayEndpoint(client) ?? '?'} → ${displayEndpoint(server) ?? '?'}`;
}

/** Evidence marks per finding: a finding quoting 40 retransmissions needs a few on the picture, not all. */
const EVIDENCE_MARKS = 8;
/** What good does after the divergence: the first few show where bad stopped. */
const MISSING_MARKS = 10;

function markFindings(b: TimelineSketchBuilder, findings: readonly Finding[]): void {
  for (const f of findings) for (const e of f.evidence.slice(0, EVIDENCE_MARKS)) b.mark('evidence', e, f.id);
}

/** Both runs' sketches with the diff's divergence, missing-after and the bad run's evidence marked. */
export function sketchDiff(good: TimelineSketchBuilder, bad: TimelineSketchBuilder, report: DiffReport): { good: TimelineSketch; bad: TimelineSketch } {
  const out = { good: good.finish(), bad: bad.finish() };
  const d = report.divergence;
  if (d?.good) good.mark('divergence', d.good);
  if (d?.bad) bad.mark('divergence', d.bad);
  for (const m of report.missingAfter.slice(0, MISSING_MARKS)) good.mark('missing', m.good);
  markFindings(bad, report.findings);
  return out;
}

/** One run's sketch with its findings' evidence marked (`analyze`). */
export function sketchRun(run: TimelineSketchBuilder, findings: readonly Finding[]): TimelineSketch {
  const out = run.finish();
  markFindings(run, findings);
  return out;
}
