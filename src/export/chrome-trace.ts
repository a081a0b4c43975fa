/**
 * `parse --format chrome-trace`: the event timeline as Chrome Trace Event
 * Format JSON (the JSON Object Format), which the Perfetto UI
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * Streaming: `add` turns one event into the text to write, so memory grows
 * with the number of processes, threads and connections (their names and
 * per-track state), never with the number of events. What goes where, and
 * why: docs/chrome-trace.md.
 *
 * The format: https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
 * Perfetto's reading of it: https://perfetto.dev/docs/getting-started/other-formats
 */
import type { Correlation } from '../analysis/correlate/index.js';
import { displayEndpoint } from '../analysis/correlate/endpoints.js';
import { TcpAnalyzer, type AnalysisFlag, type PacketAnalysis } from '../analysis/tcp/index.js';
import { NOT_NOW_ERRNOS } from '../knowledge/diff-rules.js';
import { EXEC_CALLS, PROCESS_CREATING } from '../knowledge/fd-syscalls.js';
import { classOf, familyOf } from '../knowledge/syscall-families.js';
import { isoTextOf } from '../timeline/clock.js';
import type {
  AttachEvent, DetachEvent, ExitEvent, Location, MessageEvent, PacketEvent, SignalEvent, SyscallEvent, TraceEvent,
} from '../model/events.js';

/** Linux's PID_MAX_LIMIT on 64-bit (include/linux/threads.h): every real pid and tid is below it. */
export const PID_MAX_LIMIT = 4 * 1024 * 1024;

/**
 * Ids for tracks that are no process of the trace. Perfetto reads pid and tid
 * as unsigned 32-bit numbers (a negative one becomes 0) and keeps one thread
 * per tid across all processes, so the synthetic ids sit between Linux's
 * largest pid and 2^32, where no real pid or tid can clash with them.
 */
export const SYNTHETIC_IDS = {
  /** The "network" process that holds one thread track per connection. */
  network: PID_MAX_LIMIT,
  /** The first strace log whose lines carry no pid (and that did not attach to a known one); later logs count up. */
  pidless: PID_MAX_LIMIT + 1,
  /** The first connection track (a tid of the network process); later ones count up. */
  connection: 2 * PID_MAX_LIMIT,
} as const;

/**
 * Trace Viewer's reserved colour names (catapult tracing/base/color_scheme.html)
 * for what deserves a colour of its own. Perfetto colours slices by name and
 * ignores `cname`.
 */
const COLOURS = {
  failedCall: 'terrible',
  unfinishedCall: 'grey',
  signal: 'yellow',
  exitOk: 'good',
  exitFailed: 'bad',
  killed: 'terrible',
  packetProblem: 'bad',
  reset: 'terrible',
} as const;

/**
 * TCP analysis flags as a packet's name shows them, most telling first: a
 * packet gets the label of the first of its flags in this list, all flags go
 * into its args. `colour` marks the ones worth a colour of their own.
 */
const ANALYSIS_LABELS: ReadonlyArray<{ flag: AnalysisFlag; label: string; colour?: 'packetProblem' | 'reset' }> = [
  { flag: 'duplicate-copy', label: 'duplicate copy' },
  { flag: 'spurious-retransmission', label: 'spurious retransmission', colour: 'packetProblem' },
  { flag: 'fast-retransmission', label: 'fast retransmission', colour: 'packetProblem' },
  { flag: 'retransmission', label: 'retransmission', colour: 'packetProblem' },
  { flag: 'rst-to-syn', label: 'refused', colour: 'reset' },
  { flag: 'rst-after-handshake', label: 'reset after handshake', colour: 'reset' },
  { flag: 'rst-after-data', label: 'reset after data', colour: 'reset' },
  { flag: 'zero-window-probe', label: 'zero window probe', colour: 'packetProblem' },
  { flag: 'zero-window', label: 'zero window', colour: 'packetProblem' },
  { flag: 'window-full', label: 'window full', colour: 'packetProblem' },
  { flag: 'keep-alive', label: 'keep-alive' },
  { flag: 'keep-alive-ack', label: 'keep-alive ack' },
  { flag: 'dup-ack', label: 'dup ack', colour: 'packetProblem' },
  { flag: 'out-of-order', label: 'out of order', colour: 'packetProblem' },
  { flag: 'lost-segment', label: 'previous segment not captured', colour: 'packetProblem' },
  { flag: 'acked-unseen', label: 'acked unseen segment', colour: 'packetProblem' },
  { flag: 'window-update', label: 'window update' },
  { flag: 'reused-ports', label: 'port numbers reused' },
];

/** Call arguments longer than this are cut (with an ellipsis): a whole read buffer helps no one in a tooltip. */
export const CALL_TEXT_MAX = 200;
/** Names made from free text (messages, ICMP/ARP descriptions) are cut to this. */
const NAME_MAX = 80;
/** An event of a log without timestamps takes this much time when it has no -T duration (1 µs). */
const ORDER_STEP_NS = 1000;

/** One call and the packets it acts on (correlate's CallLink, or anything of that shape). */
export interface FlowLink {
  at: Location;
  packets: Location[];
  /** handshake | data | fin | reset: names the arrows. */
  kind: string;
}

export interface ChromeTraceOptions {
  /** The input files as given: listed in otherData. */
  files?: string[];
  /**
   * Calls and the packets they act on, drawn as flow arrows. A function,
   * because a correlation of the whole input is only complete once the first
   * events come out: it is called once, when the first event arrives.
   */
  links?: readonly FlowLink[] | (() => readonly FlowLink[] | undefined);
  /** Cut call arguments to this many characters (default CALL_TEXT_MAX). */
  callTextMax?: number;
}

/** The calls of a correlation and the packets each points at, as flow links. */
export function flowLinksOf(c: Correlation): FlowLink[] {
  const out: FlowLink[] = [];
  for (const l of c.links) for (const call of l.calls) out.push({ at: call.at, packets: call.packets, kind: call.kind });
  for (const q of c.listenQueue) for (const call of q.calls) out.push({ at: call.at, packets: call.packets, kind: call.kind });
  return out;
}

/** What was written and what was left out: the writer's otherData, also returned to callers. */
export interface ChromeTraceSummary {
  traceEvents: number;
  slices: number;
  instants: number;
  packets: number;
  processes: number;
  threads: number;
  connections: number;
  flows: number;
  /** Flow links whose other end never came (a packet or call not in the input). */
  flowsUnmatched: number;
  /** Flow links whose later end lies before the earlier one (after clamping): not drawn. */
  flowsBackwards: number;
  skippedUnparsed: number;
  skippedSummary: number;
  /** Events without a timestamp, placed by order. */
  untimed: number;
  /** Slices moved later (and shortened) so that slices on one track nest: the overlap strace's rounding or a mis-attributed pid makes. */
  shifted: number;
  /** Timed events earlier than ts 0 (a source the timeline could not place before the first one): put at 0. */
  beforeStart: number;
}

/** A moment as integer seconds plus nanoseconds, so that epoch times keep every printed digit. */
interface Moment {
  s: number;
  ns: number;
}

function normalize(s: number, ns: number): Moment {
  const carry = Math.floor(ns / 1e9);
  return { s: s + carry, ns: ns - carry * 1e9 };
}

const FRACTION = /\.(\d{1,9})$/;
const DECIMAL = /^(\d+)(?:\.(\d{1,9}))?$/;

/** 10^(9 - digits): a fraction's digits → nanoseconds. */
const FRACTION_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];

function fractionNs(digits: string | undefined): number {
  return digits ? Number(digits) * FRACTION_SCALE[digits.length]! : 0;
}

/**
 * The event's time on the timeline. The digits come from `timeText` when it
 * agrees with `time` (a double holds an epoch time only to ~0.2 µs, so
 * nanosecond captures would lose digits), plus the timeline's shift
 * (`at` − `time`, whole microseconds); otherwise from the double, to the
 * microsecond.
 */
function momentOf(ev: TraceEvent): Moment | undefined {
  if (ev.time === undefined) return undefined;
  let shiftUs = 0;
  if (ev.at !== undefined) shiftUs = Math.round((ev.at - ev.time) * 1e6);
  let base: Moment | undefined;
  const frac = ev.timeText !== undefined ? FRACTION.exec(ev.timeText) : null;
  if (ev.timeText !== undefined && (frac || /:\d\d$|^\d+$/.test(ev.timeText))) {
    const ns = fractionNs(frac?.[1]);
    const whole = Math.round(ev.time - ns / 1e9);
    // -r accumulates deltas into `time`: its text is not the time, and its fraction will not agree.
    if (Math.abs(ev.time - whole - ns / 1e9) < 1e-6) base = { s: whole, ns };
  }
  if (!base) {
    const t = ev.time;
    const s = Math.floor(t);
    base = normalize(s, Math.round((t - s) * 1e6) * 1000);
  }
  if (shiftUs === 0) return base;
  const shiftS = Math.floor(shiftUs / 1e6);
  return normalize(base.s + shiftS, base.ns + (shiftUs - shiftS * 1e6) * 1000);
}

function durationNs(ev: SyscallEvent): number {
  if (ev.duration === undefined) return 0;
  const m = ev.durationText !== undefined ? DECIMAL.exec(ev.durationText) : null;
  if (m) return Number(m[1]) * 1e9 + fractionNs(m[2]);
  return Math.max(0, Math.round(ev.duration * 1e9));
}

/** Integer nanoseconds → the format's microseconds (three decimals at most, exact). */
function us(ns: number): number {
  return ns / 1000;
}

function momentText(m: Moment): string {
  const frac = String(m.ns).padStart(9, '0').replace(/0+$/, '');
  return frac ? `${m.s}.${frac}` : String(m.s);
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never leave half a surrogate pair.
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * The program an exec runs: its first string argument (execveat's dirfd is
 * never quoted). The parsed argument has escapes (-x, -xx) undone; the
 * envelope-only mode has the text alone.
 */
function execProgram(ev: SyscallEvent): string | undefined {
  const parsed = ev.args?.find((a) => a.type === 'string');
  const path = parsed?.type === 'string' ? parsed.value : /"((?:[^"\\]|\\.)*)"/.exec(ev.argsText)?.[1];
  return path ? basename(path) || undefined : undefined;
}

function locKey(l: { file: string; line?: number; packet?: number }): string {
  return `${l.file}\n${l.line ?? ''}\n${l.packet ?? ''}`;
}

/** One Trace Event Format event as written. */
/** One event as written: the Trace Event Format's fields this exporter uses. */
export interface ChromeTraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: 'g' | 'p' | 't';
  id?: number;
  bp?: 'e';
  cname?: string;
  args?: Record<string, unknown>;
}

interface SliceTrack {
  /** Start of the last slice (ns): starts never go back on a track. */
  lastStart: number;
  /** Ends of the slices still open at lastStart, outermost first. */
  open: number[];
}

interface PairEnd {
  id: number;
  kind: string;
}

export class ChromeTraceWriter {
  private readonly callTextMax: number;
  private linksSource: ChromeTraceOptions['links'];
  private pairs: Map<string, PairEnd[]> | undefined;
  /** Flow ids whose first end was written: where (ts), to refuse a second end that lies before it. */
  private openFlows = new Map<number, number>();

  private written = 0;
  private origin: Moment | undefined;
  /** The event that set the origin, as its trace printed it. */
  private originEvent: string | undefined;
  /** The latest ts written (ns): untimed events are placed from here. */
  private cursor = 0;
  private timedFiles = new Set<string>();
  private lastTimedFile: string | undefined;

  /** tid → the process (tgid) it is a thread of. */
  private tgid = new Map<number, number>();
  private programs = new Map<number, string>();
  private comms = new Map<number, string>();
  private pidless = new Map<string, number>();
  private firstAttach = new Map<string, number>();
  private pidlessNext: number = SYNTHETIC_IDS.pidless;
  private pidlessFile = new Map<number, string>();
  /** Pids a fork/clone returned, or strace announced as attached once the log had begun: children, not a log's first process. */
  private spawned = new Set<number>();
  /** Logs whose pid-less process has been recognised under its pid. */
  private pidlessNamed = new Set<string>();
  private tracks = new Map<number, SliceTrack>();

  private analyzers = new Map<string, TcpAnalyzer>();
  private netTracks = new Map<string, number>();
  private netNames = new Map<number, { name: string; file: string }>();
  private netNext: number = SYNTHETIC_IDS.connection;
  private captureFiles = new Set<string>();

  private readonly summary: ChromeTraceSummary = {
    traceEvents: 0, slices: 0, instants: 0, packets: 0, processes: 0, threads: 0, connections: 0, flows: 0,
    flowsUnmatched: 0, flowsBackwards: 0, skippedUnparsed: 0, skippedSummary: 0, untimed: 0, shifted: 0, beforeStart: 0,
  };

  constructor(private readonly opts: ChromeTraceOptions = {}) {
    this.callTextMax = opts.callTextMax ?? CALL_TEXT_MAX;
    this.linksSource = opts.links;
  }

  /** The opening of the JSON object, up to the first event. */
  header(): string {
    return '{"traceEvents":[';
  }

  /** The text for one event (possibly several trace events, or none). */
  add(ev: TraceEvent): string {
    if (this.linksSource !== undefined) this.indexLinks();
    switch (ev.kind) {
      case 'syscall': return this.syscall(ev);
      case 'signal': return this.signal(ev);
      case 'exit': return this.exit(ev);
      case 'attach':
      case 'detach': return this.attachment(ev);
      case 'message': return this.message(ev);
      case 'packet': return this.packet(ev);
      case 'unparsed': this.summary.skippedUnparsed++; return '';
      case 'summary': this.summary.skippedSummary++; return '';
    }
  }

  /** Track names (known only at the end: a process is named by its last exec), then the rest of the object. */
  finish(): string {
    let out = '';
    const procs = new Set(this.tgid.values());
    for (const pid of procs) out += this.emit({ name: 'process_name', ph: 'M', ts: 0, pid, tid: pid, args: { name: this.processName(pid) } });
    for (const [tid, pid] of this.tgid) {
      out += this.emit({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name: this.comms.get(tid) ?? this.programs.get(pid) ?? this.comms.get(pid) ?? this.processName(pid) } });
    }
    if (this.netNames.size) {
      out += this.emit({ name: 'process_name', ph: 'M', ts: 0, pid: SYNTHETIC_IDS.network, tid: SYNTHETIC_IDS.network, args: { name: 'network' } });
      // Two captures of one run show each connection twice: the file tells the tracks apart.
      const several = this.captureFiles.size > 1;
      for (const [tid, { name, file }] of this.netNames) {
        out += this.emit({ name: 'thread_name', ph: 'M', ts: 0, pid: SYNTHETIC_IDS.network, tid, args: { name: several ? `${name} [${basename(file)}]` : name } });
      }
    }
    this.summary.processes = procs.size;
    this.summary.threads = this.tgid.size;
    this.summary.connections = this.netNames.size;
    this.summary.flowsUnmatched += this.openFlows.size;
    const other: Record<string, string | number> = {
      generator: 'tracediff parse --format chrome-trace',
      files: (this.opts.files ?? []).join(', '),
      timeUnit: 'ts and dur in microseconds',
      timeBase: this.origin ? 'ts 0 is the first timed event (start)' : 'no timestamps: events are placed by order, 1 µs apart (or their -T duration)',
    };
    if (this.origin) {
      other.start = momentText(this.origin);
      // Epoch seconds are large; strace -t/-tt count from midnight, -r from the first line.
      if (this.origin.s >= 1e8) {
        // No startUtc past the year 275 760, where a Date ends (toISOString would throw): `start` has the seconds.
        const utc = isoTextOf(this.origin.s * 1000 + Math.floor(this.origin.ns / 1e6));
        if (utc !== undefined) {
          other.startClock = 'epoch seconds';
          other.startUtc = utc;
        } else other.startClock = 'epoch seconds, past the year 275 760 (no UTC date)';
      } else other.startClock = 'seconds as the trace counts them (since midnight for -t/-tt, since the first line for -r)';
      other.firstTimestamp = this.originEvent!;
    }
    other.networkPid = SYNTHETIC_IDS.network;
    for (const [k, v] of Object.entries(this.summary)) other[k] = v;
    return `${out}\n],\n"displayTimeUnit":"ms",\n"otherData":${JSON.stringify(other)}}\n`;
  }

  /** Counts so far (complete after finish). */
  stats(): ChromeTraceSummary {
    return { ...this.summary };
  }

  // -------------------------------------------------------------------------

  private emit(e: ChromeTraceEvent): string {
    this.summary.traceEvents++;
    return (this.written++ === 0 ? '\n' : ',\n') + JSON.stringify(e);
  }

  private indexLinks(): void {
    const src = this.linksSource;
    this.linksSource = undefined;
    const links = typeof src === 'function' ? src() : src;
    if (!links?.length) return;
    const pairs = new Map<string, PairEnd[]>();
    const seen = new Set<string>();
    let id = 0;
    const push = (k: string, p: PairEnd) => {
      const a = pairs.get(k);
      if (a) a.push(p);
      else pairs.set(k, [p]);
    };
    for (const l of links) {
      const ka = locKey(l.at);
      for (const p of l.packets) {
        const kp = locKey(p);
        if (seen.has(`${ka}\t${kp}`)) continue;
        seen.add(`${ka}\t${kp}`);
        const end = { id: ++id, kind: l.kind };
        push(ka, end);
        push(kp, end);
      }
    }
    this.pairs = pairs;
  }

  /**
   * Flow events for the links that end at this event, written right after it
   * at its ts so that they bind to its slice (bp "e": the enclosing slice).
   * The arrow starts at whichever end the timeline reaches first.
   */
  private flows(ev: TraceEvent, pid: number, tid: number, ts: number): string {
    const ends = this.pairs?.get(locKey(ev));
    if (!ends) return '';
    this.pairs!.delete(locKey(ev));
    let out = '';
    for (const { id, kind } of ends) {
      const from = this.openFlows.get(id);
      if (from === undefined) {
        this.openFlows.set(id, ts);
        out += this.emit({ name: kind, cat: 'flow', ph: 's', ts: us(ts), pid, tid, id });
        continue;
      }
      this.openFlows.delete(id);
      // Perfetto and Trace Viewer connect a flow's end only after its start.
      if (ts < from) {
        this.summary.flowsBackwards++;
        continue;
      }
      this.summary.flows++;
      out += this.emit({ name: kind, cat: 'flow', ph: 'f', bp: 'e', ts: us(ts), pid, tid, id });
    }
    return out;
  }

  /**
   * ts (ns) of an event. Timed events: since the first timed event. Events
   * without a time: after the latest event, 1 µs (or their duration) apart
   * when their log has no timestamps at all; at the latest event's time when
   * it has (a strace message among timestamped lines).
   */
  private clock(ev: TraceEvent, durNs: number): number {
    const m = momentOf(ev);
    if (m) {
      if (ev.file !== this.lastTimedFile) {
        this.timedFiles.add(ev.file);
        this.lastTimedFile = ev.file;
      }
      // Untimed events already written (a log's leading messages) stay before ts 0's event.
      if (!this.origin) {
        this.origin = normalize(m.s, m.ns - this.cursor);
        const where = ev.line !== undefined ? `line ${ev.line}` : ev.packet !== undefined ? `packet ${ev.packet}` : '';
        this.originEvent = `${ev.timeText ?? momentText(m)} (${basename(ev.file)}${where ? ` ${where}` : ''})`;
      }
      let rel = (m.s - this.origin.s) * 1e9 + (m.ns - this.origin.ns);
      if (rel < 0) {
        this.summary.beforeStart++;
        rel = 0;
      }
      if (rel > this.cursor) this.cursor = rel;
      return rel;
    }
    this.summary.untimed++;
    if (this.timedFiles.has(ev.file)) return this.cursor;
    const at = this.cursor;
    this.cursor += Math.max(durNs, ORDER_STEP_NS);
    return at;
  }

  /**
   * Where a slice goes so that slices on its track nest: starts never go
   * back, and a slice that would end after one still open begins where that
   * one ends (its end kept). strace reports each call of a thread one after
   * another, so an overlap is rounding or a call attributed to the wrong pid.
   */
  private place(tid: number, start: number, dur: number): { ts: number; dur: number } {
    let t = this.tracks.get(tid);
    if (!t) this.tracks.set(tid, (t = { lastStart: 0, open: [] }));
    let s = Math.max(start, t.lastStart);
    const end = Math.max(start + dur, s);
    const open = t.open;
    for (;;) {
      while (open.length && open[open.length - 1]! <= s) open.pop();
      if (!open.length || end <= open[open.length - 1]!) break;
      s = open.pop()!;
    }
    t.lastStart = s;
    if (end > s) open.push(end);
    if (s !== start) this.summary.shifted++;
    return { ts: s, dur: end - s };
  }

  /** The (process, thread) an event of a traced process goes on. */
  private processTrack(ev: TraceEvent): { pid: number; tid: number } {
    const tid = ev.pid ?? this.pidlessPid(ev.file);
    let pid = this.tgid.get(tid);
    if (pid === undefined) {
      this.tgid.set(tid, (pid = tid));
      if (ev.pid !== undefined) this.recognise(ev.file, tid);
    }
    if (ev.comm) this.comms.set(tid, ev.comm);
    return { pid, tid };
  }

  /**
   * Lines without a pid: `strace -p PID` without -f prints none, but its
   * first line says which process it attached to; otherwise (no -f, or -f to
   * stderr before a second process exists) the log's own process.
   */
  private pidlessPid(file: string): number {
    let p = this.pidless.get(file);
    if (p === undefined) {
      p = this.firstAttach.get(file);
      if (p === undefined) {
        p = this.pidlessNext++;
        this.pidlessFile.set(p, file);
      }
      this.pidless.set(file, p);
    }
    return p;
  }

  /**
   * `strace -f` to stderr prefixes a line with `[pid N]` only once a second
   * process exists: the log's first process then goes on under its pid. The
   * first pid of such a log that no fork of the trace returned is that
   * process, and runs its program (its earlier events stay on the pid-less
   * track: they are written already).
   */
  private recognise(file: string, pid: number): void {
    const synthetic = this.pidless.get(file);
    if (synthetic === undefined || !this.pidlessFile.has(synthetic) || this.pidlessNamed.has(file) || this.spawned.has(pid)) return;
    this.pidlessNamed.add(file);
    const prog = this.programs.get(synthetic);
    if (prog !== undefined && !this.programs.has(pid)) this.programs.set(pid, prog);
  }

  private processName(pid: number): string {
    const name = this.programs.get(pid) ?? this.comms.get(pid);
    const file = this.pidlessFile.get(pid);
    if (file !== undefined) return `${name ?? basename(file)} (no pid in the log)`;
    return name ?? `pid ${pid}`;
  }

  /** What a call says about processes: threads (CLONE_THREAD), forked children (they run the parent's program until they exec), exec'd programs. */
  private learn(ev: SyscallEvent, pid: number): void {
    if (ev.errno !== undefined) return;
    if (EXEC_CALLS.has(ev.name) && ev.result === '0') {
      const prog = execProgram(ev);
      if (prog) this.programs.set(pid, prog);
      return;
    }
    if (!PROCESS_CREATING.has(ev.name) || ev.result === undefined || !/^[1-9]\d*$/.test(ev.result)) return;
    const child = Number(ev.result);
    this.spawned.add(child);
    // A thread whose events were written before its clone came keeps the process it was written under.
    if (/\bCLONE_THREAD\b/.test(ev.argsText) && ev.name !== 'fork' && ev.name !== 'vfork') {
      if (!this.tgid.has(child)) this.tgid.set(child, pid);
      return;
    }
    const prog = this.programs.get(pid);
    if (prog !== undefined && !this.programs.has(child)) this.programs.set(child, prog);
  }

  private syscall(ev: SyscallEvent): string {
    const { pid, tid } = this.processTrack(ev);
    this.learn(ev, pid);
    const durNs = durationNs(ev);
    const start = this.clock(ev, durNs);
    const placed = this.place(tid, start, durNs);
    const cls = classOf(familyOf(ev.name));
    let cat = `syscall,${cls}`;
    let cname: string | undefined;
    if (ev.errno !== undefined) {
      cat += ',error';
      if (!NOT_NOW_ERRNOS.has(`E:${ev.errno}`)) cname = COLOURS.failedCall;
    }
    if (ev.unfinished) {
      cat += ',unfinished';
      cname ??= COLOURS.unfinishedCall;
    }
    const args: Record<string, unknown> = { call: cut(ev.argsText, this.callTextMax) };
    if (ev.result !== undefined) args.result = ev.result;
    if (ev.resultDecoration !== undefined) args.resultFd = ev.resultDecoration;
    if (ev.errno !== undefined) args.errno = ev.errno;
    if (ev.errnoMessage !== undefined) args.errnoMessage = ev.errnoMessage;
    if (ev.note !== undefined) args.note = cut(ev.note, this.callTextMax);
    if (ev.durationText !== undefined) args.duration = ev.durationText;
    if (ev.timeText !== undefined) args.time = ev.timeText;
    args.file = ev.file;
    if (ev.line !== undefined) args.line = ev.line;
    if (ev.resumedLine !== undefined && ev.resumedLine !== ev.line) args.resumedLine = ev.resumedLine;
    if (ev.flow !== undefined) args.flow = ev.flow;
    if (ev.unfinished) args.unfinished = true;
    if (ev.detached) args.detached = true;
    if (ev.resumedWithoutStart) args.resumedWithoutStart = true;
    if (ev.injected) args.injected = true;
    if (placed.ts !== start) args.shiftedUs = us(placed.ts - start);
    this.summary.slices++;
    const out: ChromeTraceEvent = { name: ev.name, cat, ph: 'X', ts: us(placed.ts), dur: us(placed.dur), pid, tid, args };
    if (cname) out.cname = cname;
    return this.emit(out) + this.flows(ev, pid, tid, placed.ts);
  }

  private instant(ev: TraceEvent, name: string, cat: string, args: Record<string, unknown>, cname?: string): string {
    const { pid, tid } = this.processTrack(ev);
    const ts = this.clock(ev, 0);
    if (ev.timeText !== undefined) args.time = ev.timeText;
    args.file = ev.file;
    if (ev.line !== undefined) args.line = ev.line;
    this.summary.instants++;
    const out: ChromeTraceEvent = { name, cat, ph: 'i', s: 't', ts: us(ts), pid, tid, args };
    if (cname) out.cname = cname;
    return this.emit(out);
  }

  private signal(ev: SignalEvent): string {
    const args: Record<string, unknown> = { signal: ev.signal };
    if (ev.description !== undefined) args.description = ev.description;
    if (ev.infoText !== undefined) args.info = cut(ev.infoText, this.callTextMax);
    return this.instant(ev, ev.stopped ? `stopped by ${ev.signal}` : ev.signal, 'signal', args, COLOURS.signal);
  }

  private exit(ev: ExitEvent): string {
    const args: Record<string, unknown> = {};
    let name: string;
    let cname: string;
    if (ev.supersededBy !== undefined) {
      name = `superseded by execve in pid ${ev.supersededBy}`;
      args.supersededBy = ev.supersededBy;
      cname = COLOURS.exitOk;
    } else if (ev.signal !== undefined) {
      name = `killed by ${ev.signal}${ev.coreDumped ? ' (core dumped)' : ''}`;
      args.signal = ev.signal;
      if (ev.coreDumped) args.coreDumped = true;
      cname = COLOURS.killed;
    } else {
      name = `exited with ${ev.code ?? '?'}`;
      if (ev.code !== undefined) args.code = ev.code;
      cname = ev.code === 0 ? COLOURS.exitOk : COLOURS.exitFailed;
    }
    return this.instant(ev, name, 'process,exit', args, cname);
  }

  private attachment(ev: AttachEvent | DetachEvent): string {
    if (ev.kind === 'attach' && ev.pid !== undefined) {
      if (!this.pidless.has(ev.file) && !this.firstAttach.has(ev.file)) this.firstAttach.set(ev.file, ev.pid);
      // -f announces each new child; the announcement can come before the fork's result.
      else this.spawned.add(ev.pid);
    }
    const args: Record<string, unknown> = {};
    let name: string = ev.kind === 'attach' ? 'attached' : 'detached';
    if (ev.kind === 'attach' && ev.threads !== undefined) {
      name += ` with ${ev.threads} threads`;
      args.threads = ev.threads;
    }
    return this.instant(ev, name, 'process', args);
  }

  private message(ev: MessageEvent): string {
    return this.instant(ev, cut(ev.text, NAME_MAX), 'strace,message', { text: ev.text });
  }

  /**
   * The connection track a packet goes on. TCP: the analyzer's connection
   * (a new one when a port is reused), per capture file since two captures
   * of one run are two views of each packet. Other protocols: the unordered
   * endpoint pair; an ICMP error goes with the flow it quotes.
   */
  private connectionTrack(ev: PacketEvent, a: PacketAnalysis | undefined): number {
    let key: string;
    let name: string;
    const src = displayEndpoint(ev.src), dst = displayEndpoint(ev.dst);
    if (a) {
      key = `tcp ${a.conn}`;
      const [o, r] = a.dir === 'orig' ? [src, dst] : [dst, src];
      name = `tcp ${o} → ${r}${a.flags.includes('reused-ports') ? ' (port numbers reused)' : ''}`;
    } else {
      const quoted = ev.inner && ev.inner.proto !== 'tcp' && ev.inner.src !== undefined && ev.inner.dst !== undefined ? ev.inner : undefined;
      const proto = quoted?.proto ?? ev.proto;
      const s = quoted ? quoted.src! : ev.src ?? '', d = quoted ? quoted.dst! : ev.dst ?? '';
      key = `${proto} ${s < d ? `${s} ${d}` : `${d} ${s}`}`;
      // A TCP packet the analyzer could not place (no flags: a fragment, a truncated header).
      name = `${proto}${s || d ? ` ${displayEndpoint(s) ?? '?'} → ${displayEndpoint(d) ?? '?'}` : ''}${proto === 'tcp' ? ' (not analysed)' : ''}`;
    }
    key = `${ev.file}\n${key}`;
    let tid = this.netTracks.get(key);
    if (tid === undefined) {
      tid = this.netNext++;
      this.netTracks.set(key, tid);
      this.netNames.set(tid, { name, file: ev.file });
    }
    return tid;
  }

  private packet(ev: PacketEvent): string {
    this.captureFiles.add(ev.file);
    let analyzer = this.analyzers.get(ev.file);
    if (!analyzer) this.analyzers.set(ev.file, (analyzer = new TcpAnalyzer({ keepConnections: false })));
    const a = analyzer.add(ev);
    const tid = this.connectionTrack(ev, a);
    const pid = SYNTHETIC_IDS.network;
    const ts = this.clock(ev, 0);

    let name: string;
    let cat = `packet,${ev.proto}`;
    let cname: string | undefined;
    if (ev.flags !== undefined) {
      const label = a ? ANALYSIS_LABELS.find((l) => a.flags.includes(l.flag)) : undefined;
      const arrow = a ? (a.dir === 'orig' ? '→ ' : '← ') : '';
      name = `${arrow}${ev.flags}${ev.len ? ` ${ev.len} bytes` : ''}${label ? ` (${label.label})` : ''}`;
      if (label?.colour) cname = COLOURS[label.colour];
      else if (ev.flags.includes('R')) cname = COLOURS.reset;
      if (a?.flags.length) cat += ',tcp-analysis';
    } else {
      name = cut(ev.info ?? ev.proto, NAME_MAX);
    }
    const args: Record<string, unknown> = {};
    if (ev.src !== undefined) args.src = displayEndpoint(ev.src);
    if (ev.dst !== undefined) args.dst = displayEndpoint(ev.dst);
    args.proto = ev.proto;
    if (ev.flags !== undefined) args.flags = ev.flags;
    if (ev.seq !== undefined) args.seq = ev.seq;
    if (ev.ack !== undefined) args.ack = ev.ack;
    if (ev.win !== undefined) args.win = ev.win;
    if (ev.len !== undefined) args.len = ev.len;
    if (ev.info !== undefined) args.info = ev.info;
    if (a?.flags.length) args.analysis = a.flags.join(', ');
    if (a?.retransmitOf !== undefined) args.retransmitOf = a.retransmitOf;
    if (a?.interval !== undefined) args.intervalSeconds = Math.round(a.interval * 1e6) / 1e6;
    if (a?.dupAckOf !== undefined) args.dupAckOf = a.dupAckOf;
    if (ev.notes?.length) args.notes = ev.notes.join('; ');
    if (ev.timeText !== undefined) args.time = ev.timeText;
    args.file = ev.file;
    if (ev.packet !== undefined) args.packet = ev.packet;
    if (ev.line !== undefined) args.line = ev.line;
    if (ev.flow !== undefined) args.flow = ev.flow;
    this.summary.packets++;
    const out: ChromeTraceEvent = { name, cat, ph: 'i', s: 't', ts: us(ts), pid, tid, args };
    if (cname) out.cname = cname;
    return this.emit(out) + this.flows(ev, pid, tid, ts);
  }
}

/**
 * Write a whole event stream as one Chrome Trace Event Format JSON object,
 * chunk by chunk (one `write` per input batch).
 */
export async function writeChromeTrace(
  events: AsyncIterable<TraceEvent[]>,
  write: (s: string) => Promise<void>,
  opts: ChromeTraceOptions = {},
): Promise<ChromeTraceSummary> {
  const w = new ChromeTraceWriter(opts);
  await write(w.header());
  for await (const batch of events) {
    let chunk = '';
    for (const ev of batch) chunk += w.add(ev);
    if (chunk) await write(chunk);
  }
  await write(w.finish());
  return w.stats();
}
