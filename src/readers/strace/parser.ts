/**
 * strace text → events. A push parser: feed it lines, take events out.
 * It is synchronous and keeps only what it must (calls still pending,
 * a short reorder window), so memory does not grow with the file.
 *
 * What it adds to the envelope grammar's records:
 *  - unfinished/resumed halves joined into one event (by pid and call);
 *    events are emitted in the order of the line that started them, within
 *    a bounded window (a call blocked for longer is emitted when it ends);
 *  - lines broken by something else — a `strace: Process N attached` message
 *    or the program's own output landing mid-line, a copy-paste line break
 *    inside a string — rejoined with the lines that complete them;
 *  - two records glued on one line split apart;
 *  - -k stack frames and -e read=/write= dumps attached to their call;
 *  - -c/-C tables read as rows;
 *  - time: -t/-tt days carried across midnight, -r accumulated;
 *  - fd tables (fd-table.ts).
 */
import { scanLine, SUMMARY_RULE, type LineRecord } from '../../../grammars/strace/envelope.js';
import type {
  ExitEvent, SignalEvent, SummaryEvent, SyscallEvent, TraceEvent, UnparsedEvent,
} from '../../model/events.js';
import type { Value } from '../../model/values.js';
import { FdTables } from './fd-table.js';
import { parseArgs } from './values-visitor.js';

export interface StraceParseOptions {
  /** The file name as given on the command line; goes into every location. */
  file: string;
  /** 'parse' (default) builds argument trees and fd tables; 'none' stops at the envelope (pid, time, name, result, errno, duration). */
  args?: 'parse' | 'none';
  /** pid for lines without one (an `-ff -o trace` file named trace.PID). */
  defaultPid?: number;
  /** How many later events may wait for a call's `<... resumed>` half before it is emitted at its end instead. */
  reorderWindow?: number;
  /** Longest run of lines joined to complete one broken call. */
  maxJoinLines?: number;
}

/** Counts of what each line was, for coverage reports and tests. */
export interface ParseStats {
  lines: number;
  blank: number;
  /** Lines that became, or were part of, an event or a known structure (frames, dumps, table rules). */
  classified: number;
  unparsed: number;
  byKind: Record<string, number>;
}

interface Pending {
  ev: SyscallEvent;
  /** Still sitting in the reorder queue (not yet emitted). */
  queued: boolean;
}

interface Partial {
  text: string;
  line: number;
  lines: number;
  /** What joins the next line: a newline (a string broken by copy-paste), or nothing (a line cut by strace's message). */
  glue: string;
}

const ANSI_ESCAPE = /\x1b(?:\[[0-9;?]*[ -\/]*[@-~]|[@-Z\\-_])/g;
const TIPS_TOP = /^ {2}_{30,} {5,}_{4}\s*$/;
const INTERLEAVED_OUTPUT = /^([\s\S]*, \d+)([^\d,\s)x][\s\S]*)$/;
const TABLE_ROW = /^\s*(\d+[.,]\d+|\d+)\s/;
const MAX_JOIN_CHARS = 1 << 20;
/** Records read from one line glued together (real logs glue two or three: output of two processes). */
const MAX_GLUED = 256;

export class StraceParser {
  readonly stats: ParseStats = { lines: 0, blank: 0, classified: 0, unparsed: 0, byKind: {} };
  private readonly file: string;
  private readonly parseArgTrees: boolean;
  private readonly defaultPid: number | undefined;
  private readonly window: number;
  private readonly maxJoin: number;
  private readonly fdTables: FdTables | undefined;

  private out: TraceEvent[] = [];
  private queue: (TraceEvent | undefined)[] = [];
  private queueHead = 0;
  private pending = new Map<string, Pending>();
  private partial: Partial | undefined;
  private lastSyscall: SyscallEvent | undefined;
  private summaryColumns: string[] | undefined;
  /** Records glued on the current line so far (see MAX_GLUED). */
  private glued = 0;

  // time state
  private dayOffset = 0;
  private lastClock = -1;
  private relSum = 0;

  constructor(opts: StraceParseOptions) {
    this.file = opts.file;
    this.parseArgTrees = (opts.args ?? 'parse') === 'parse';
    this.defaultPid = opts.defaultPid;
    this.window = opts.reorderWindow ?? 10000;
    this.maxJoin = opts.maxJoinLines ?? 8;
    this.fdTables = this.parseArgTrees ? new FdTables() : undefined;
  }

  /** The fd tables built so far (undefined in envelope-only mode). */
  get fds(): FdTables | undefined {
    return this.fdTables;
  }

  /** Take the events completed so far, in order. */
  drain(): TraceEvent[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  push(text: string, lineNo: number): void {
    this.stats.lines++;
    if (this.partial) {
      const joined = this.tryJoin(text, lineNo);
      if (joined) return;
    }
    this.line(text, lineNo, 0);
  }

  /** End of input: calls never resumed are emitted as unfinished, a broken last line as unparsed. */
  end(): void {
    if (this.partial) this.flushPartial();
    for (const p of this.pending.values()) this.finishUnresumed(p);
    this.pending.clear();
    this.flushQueue(true);
  }

  // ---- line dispatch -------------------------------------------------------

  private line(text: string, lineNo: number, from: number, joinedLines = 1): void {
    if (from === 0 && (this.inTips || text.charCodeAt(2) === 95 /* _ */) && this.tipsBlock(text, lineNo)) return;
    if (this.summaryColumns && from === 0 && this.tableRow(text, lineNo)) return;
    let rec = scanLine(text, from);
    if (rec.kind === 'bad' && rec.open) {
      // Repairs, only for lines that do not close (so they cost nothing on the hot path).
      let repaired = text;
      // strace escapes every control byte it prints, so a raw terminal escape is the program's own
      // output (progress lines, colours) mixed into the trace; its brackets must not unbalance the call.
      if (repaired.indexOf('\x1b') >= 0) repaired = repaired.replace(ANSI_ESCAPE, '');
      // strace's own "Process N attached" can land in the middle of a call line (stderr traces with -f).
      const msgAt = repaired.indexOf('strace: Process ', from);
      const cutByMessage = msgAt > from && /^strace: Process \d+ (?:attached|detached)/.test(repaired.slice(msgAt, msgAt + 48));
      if (cutByMessage) {
        // Counted with the call it interrupted, not as a line of its own.
        this.record(scanLine(repaired, msgAt), repaired, lineNo, 0);
        repaired = repaired.slice(0, msgAt);
      }
      const split = repaired.length !== text.length;
      if (split) {
        text = repaired;
        rec = scanLine(text, from);
      }
      if (rec.kind === 'bad' && rec.open) {
        // A line cut by strace's own message continues on the next line without a real line break.
        this.partial = { text, line: lineNo, lines: joinedLines, glue: cutByMessage ? '' : '\n' };
        return;
      }
    }
    this.record(rec, text, lineNo, joinedLines);
  }

  /** A call left open on an earlier line: join this line to it if this line cannot stand alone. */
  private tryJoin(text: string, lineNo: number): boolean {
    const p = this.partial!;
    const alone = scanLine(text);
    if ((alone.kind !== 'bad' && alone.kind !== 'blank') || p.lines >= this.maxJoin || p.text.length + text.length > MAX_JOIN_CHARS) {
      this.flushPartial();
      return false;
    }
    this.partial = undefined;
    const joined = p.text + p.glue + text;
    const rec = scanLine(joined);
    if (rec.kind === 'bad' && rec.open) {
      this.partial = { text: joined, line: p.line, lines: p.lines + 1, glue: '\n' };
      return true;
    }
    this.record(rec, joined, p.line, p.lines + 1, lineNo);
    return true;
  }

  private flushPartial(): void {
    const p = this.partial!;
    this.partial = undefined;
    this.unparsed(p.text, p.line, 'the call is cut off: its argument list never closes', p.lines);
  }

  private record(rec: LineRecord, text: string, lineNo: number, nLines: number, endLine?: number): void {
    this.stats.byKind[rec.kind] = (this.stats.byKind[rec.kind] ?? 0) + 1;
    switch (rec.kind) {
      case 'blank':
        this.stats.blank++;
        return;
      case 'bad':
        if (rec.restStart !== undefined && rec.reason === 'call without a result') {
          this.unparsed(text, lineNo, `unexpected text after the call: "${clip(text.slice(rec.restStart))}"`, nLines);
        } else this.unparsed(text, lineNo, rec.reason ?? 'unrecognised line', nLines);
        return;
      case 'call':
      case 'unfinished':
      case 'detached':
        this.call(rec, text, lineNo, endLine);
        break;
      case 'resumed':
        this.resumed(rec, text, lineNo);
        break;
      case 'signal':
        this.signal(rec, text, lineNo);
        break;
      case 'exited':
      case 'killed':
      case 'superseded':
        this.exit(rec, lineNo);
        break;
      case 'attached':
        this.emit({ ...this.base(rec, lineNo, 'attach'), ...(finite(rec.num) !== undefined ? { threads: rec.num } : {}) });
        break;
      case 'detach':
        this.emit({ ...this.base(rec, lineNo, 'detach') });
        break;
      case 'frame':
        if (!this.lastSyscall) {
          this.unparsed(text, lineNo, 'stack frame (-k) with no call before it', nLines);
          return;
        }
        (this.lastSyscall.stack ??= []).push(text.slice(rec.argsStart!, rec.argsEnd!));
        break;
      case 'dump':
        if (!this.lastSyscall) {
          this.unparsed(text, lineNo, 'hex dump (-e read=/write=) with no call before it', nLines);
          return;
        }
        this.lastSyscall.dump = (this.lastSyscall.dump ?? '') + dumpBytes(text.slice(rec.argsStart!));
        break;
      case 'summary':
        this.summaryHeader(text);
        break;
      case 'message':
        this.emit({ ...this.base(rec, lineNo, 'message'), text: text.slice(rec.argsStart!, rec.argsEnd!) });
        break;
    }
    this.stats.classified += nLines;
    if (rec.restStart !== undefined) {
      // Something follows a complete record on the same line: another record glued on, or junk.
      const rest = scanLine(text, rec.restStart);
      if (rest.kind !== 'bad' && rest.kind !== 'blank' && this.glued >= MAX_GLUED) {
        // Each glued record is one level of recursion (line → record → line): fuzzing found a line of
        // 16 000 (`exit_group(0) = ?oup(0) = ?…`) that overflowed the stack (docs/fuzzing.md).
        this.unparsed(text.slice(rec.restStart), lineNo, `more than ${MAX_GLUED} records glued on one line: the rest is not read`, 1);
        this.stats.classified -= 1;
      } else if (rest.kind !== 'bad' && rest.kind !== 'blank') {
        this.stats.classified -= nLines;
        this.glued++;
        try {
          this.line(text, lineNo, rec.restStart);
        } finally {
          this.glued--;
        }
      } else {
        this.unparsed(text.slice(rec.restStart), lineNo, 'unexpected text after a complete record', 1);
        this.stats.classified -= 1;
      }
    }
  }

  // ---- records → events ----------------------------------------------------

  private base<K extends TraceEvent['kind']>(rec: LineRecord, lineNo: number, kind: K): { kind: K; file: string; line: number; pid?: number; time?: number; timeText?: string; comm?: string } {
    // `kind` first, so every event serialises with it leading.
    const b: { kind: K; file: string; line: number; pid?: number; time?: number; timeText?: string; comm?: string } = { kind, file: this.file, line: lineNo };
    const pid = finite(rec.pid) ?? this.defaultPid;
    if (pid !== undefined) b.pid = pid;
    if (rec.comm !== undefined) b.comm = rec.comm;
    if (rec.timeText !== undefined) {
      b.timeText = rec.timeText;
      // A stamp of hundreds of digits is Infinity: no `time` (JSON has no Infinity), the text stays.
      const t = this.clock(rec.timeText);
      if (Number.isFinite(t)) b.time = t;
    } else if (rec.relText !== undefined) {
      // Fuzzing: one absurd `(+999…)` made every later time Infinity; it is left out of the sum.
      const r = finite(Number(rec.relText));
      if (r !== undefined) {
        this.relSum += r;
        b.time = round9(this.relSum);
      }
    }
    return b;
  }

  /** Seconds from a printed timestamp; wall-clock times carry the day across midnight. */
  private lastHms = '';
  private lastHmsSecs = 0;

  private clock(t: string): number {
    if (t.charCodeAt(2) === 58 /* : */) {
      // Consecutive lines mostly share their HH:MM:SS; only the fraction needs converting.
      const hms = t.slice(0, 8);
      if (hms !== this.lastHms) {
        this.lastHms = hms;
        this.lastHmsSecs = Number(t.slice(0, 2)) * 3600 + Number(t.slice(3, 5)) * 60 + Number(t.slice(6, 8));
      }
      const secs = t.length > 9 ? this.lastHmsSecs + Number(t.slice(8)) : this.lastHmsSecs;
      // Going back by more than half a day means the clock passed midnight, not that time ran backwards.
      if (this.lastClock >= 0 && secs + this.dayOffset < this.lastClock - 43200) this.dayOffset += 86400;
      const v = secs + this.dayOffset;
      this.lastClock = v;
      return v;
    }
    return Number(t);
  }

  private call(rec: LineRecord, text: string, lineNo: number, endLine: number | undefined): void {
    const ev = this.base(rec, lineNo, 'syscall') as SyscallEvent;
    ev.name = rec.name!;
    ev.argsText = text.slice(rec.argsStart!, rec.argsEnd!);
    if (endLine !== undefined && endLine !== lineNo) ev.endLine = endLine;
    this.prefixExtras(rec, ev);
    this.lastSyscall = ev;
    if (rec.kind === 'call') {
      this.tail(rec, ev);
      if (rec.interrupted) ev.unfinished = true;
      this.complete(ev);
      this.emit(ev);
      return;
    }
    if (rec.kind === 'detached') {
      ev.unfinished = true;
      ev.detached = true;
      this.complete(ev);
      this.emit(ev);
      return;
    }
    // unfinished: wait for the resumed half, holding later events back (bounded).
    const key = pendingKey(ev.pid, ev.name);
    const old = this.pending.get(key);
    if (old) this.finishUnresumed(old);
    const p: Pending = { ev, queued: true };
    this.pending.set(key, p);
    this.waiting.set(ev, p);
    this.queue.push(ev);
  }

  /** The same pending calls as `pending`, found by event: the reorder queue holds events. */
  private waiting = new Map<SyscallEvent, Pending>();

  private resumed(rec: LineRecord, text: string, lineNo: number): void {
    const pid = finite(rec.pid) ?? this.defaultPid;
    const name = rec.name!;
    let key = pendingKey(pid, name);
    let p = this.pending.get(key);
    if (!p && pid !== undefined && this.pending.has(pendingKey(undefined, name))) {
      // With -f to stderr, strace adds `[pid N]` only once a second process exists: the call
      // started unprefixed may resume prefixed.
      key = pendingKey(undefined, name);
      p = this.pending.get(key);
    }
    if (!p && (name === 'execve' || name === 'execveat')) {
      // A non-leader thread's execve resumes under the leader's pid once the old threads are gone.
      for (const [k, q] of this.pending) if (q.ev.name === name) { key = k; p = q; }
    }
    const tailArgs = text.slice(rec.argsStart!, rec.argsEnd!);
    if (rec.kind === 'unfinished' || rec.kind === 'detached') {
      // `<... read resumed> <unfinished ...>`: interrupted again; keep waiting with what we have.
      if (p) {
        p.ev.argsText = joinArgs(p.ev.argsText, tailArgs);
        if (rec.kind === 'detached') {
          p.ev.detached = true;
          this.pending.delete(key);
          this.resolve(p);
        }
      }
      return;
    }
    if (!p) {
      // Only the second half is known; its leading comma belonged to arguments we never saw.
      const ev: SyscallEvent = { ...this.base(rec, lineNo, 'syscall'), name, argsText: tailArgs.replace(/^\s*,\s*/, ''), resumedWithoutStart: true };
      this.prefixExtras(rec, ev);
      this.tail(rec, ev);
      if (rec.interrupted) ev.unfinished = true;
      this.lastSyscall = ev;
      this.complete(ev);
      this.emit(ev);
      return;
    }
    this.pending.delete(key);
    const ev = p.ev;
    if (pid !== undefined && ev.pid !== pid) {
      ev.startPid = ev.pid;
      ev.pid = pid;
    }
    ev.argsText = joinArgs(ev.argsText, tailArgs);
    ev.resumedLine = lineNo;
    ev.endLine = lineNo;
    if (rec.interrupted) ev.unfinished = true;
    if (rec.timeText !== undefined) this.clock(rec.timeText);
    this.tail(rec, ev);
    this.lastSyscall = ev;
    this.resolve(p);
  }

  private resolve(p: Pending): void {
    const ev = p.ev;
    this.complete(ev);
    this.waiting.delete(ev);
    if (!p.queued) this.out.push(ev);
    this.flushQueue(false);
  }

  private finishUnresumed(p: Pending): void {
    p.ev.unfinished = true;
    this.resolve(p);
  }

  private tail(rec: LineRecord, ev: SyscallEvent): void {
    if (rec.result !== undefined) ev.result = rec.result;
    if (rec.resultDecoration !== undefined) ev.resultDecoration = rec.resultDecoration;
    if (rec.errno !== undefined) ev.errno = rec.errno;
    if (rec.errnoMessage !== undefined) ev.errnoMessage = rec.errnoMessage;
    if (rec.notes) ev.note = rec.notes.join(' ');
    if (rec.injected) ev.injected = true;
    if (rec.durationText !== undefined) {
      ev.durationText = rec.durationText;
      const d = finite(Number(rec.durationText));
      if (d !== undefined) ev.duration = d;
    }
  }

  private prefixExtras(rec: LineRecord, ev: SyscallEvent): void {
    const rel = rec.relText !== undefined ? finite(Number(rec.relText)) : undefined;
    if (rel !== undefined) ev.relative = rel;
    if (rec.ip !== undefined) ev.ip = rec.ip;
    if (rec.sysno !== undefined) ev.syscallNumber = rec.sysno;
  }

  /** A call is whole: build its argument tree and let the fd tables see it. */
  private complete(ev: SyscallEvent): void {
    if (!this.parseArgTrees) return;
    // An unfinished call shows only the arguments known on entry, up to a trailing comma.
    const text = ev.unfinished ? ev.argsText.replace(/,\s*$/, '') : ev.argsText;
    let r = parseArgs(text);
    // A call completed on a later line had something else in between; when that is the program's output
    // glued to the byte count, the grammar may even accept it (as words), so look for it either way.
    if (r.error || (ev.endLine !== undefined && ev.resumedLine === undefined)) {
      // The program's own output can land right after the byte count strace just printed
      // (`write(1, "hi\n", 3hi`): set it apart rather than fail the whole argument list.
      const m = INTERLEAVED_OUTPUT.exec(text);
      if (m) {
        const retry = parseArgs(m[1]!);
        if (!retry.error) {
          r = retry;
          ev.programOutput = m[2]!;
        }
      }
    }
    if (r.error) ev.argsError = r.error;
    else ev.args = r.args;
    this.fdTables!.apply(ev, r.error ? undefined : r.args);
  }

  private signal(rec: LineRecord, text: string, lineNo: number): void {
    const ev: SignalEvent = { ...this.base(rec, lineNo, 'signal'), signal: rec.name! };
    if (rec.stopped) ev.stopped = true;
    if (rec.notes) ev.description = rec.notes.join(' ');
    if (rec.argsStart !== undefined) {
      ev.infoText = text.slice(rec.argsStart, rec.argsEnd);
      if (this.parseArgTrees && ev.infoText.startsWith('{')) {
        const r = parseArgs(ev.infoText);
        if (!r.error && r.args.length === 1) ev.info = r.args[0] as Value;
      }
    }
    this.emit(ev);
  }

  private exit(rec: LineRecord, lineNo: number): void {
    const ev: ExitEvent = { ...this.base(rec, lineNo, 'exit') };
    const num = finite(rec.num);
    if (rec.kind === 'exited') {
      if (num !== undefined) ev.code = num;
    } else if (rec.kind === 'killed') {
      ev.signal = rec.name;
      if (rec.coreDumped) ev.coreDumped = true;
    } else if (num !== undefined) ev.supersededBy = num;
    // The process is gone: its calls still waiting will never resume (a superseded thread's execve resumes in the leader).
    const pid = ev.pid;
    for (const [k, p] of this.pending) {
      if (p.ev.pid !== pid) continue;
      if (rec.kind === 'superseded' && (p.ev.name === 'execve' || p.ev.name === 'execveat')) continue;
      this.pending.delete(k);
      this.finishUnresumed(p);
    }
    this.emit(ev);
  }

  // ---- --tips -----------------------------------------------------------------

  private inTips = false;

  /** `strace --tips` ends the trace with a tip in a box beside ASCII art: strace's text, not the program's. */
  private tipsBlock(text: string, lineNo: number): boolean {
    if (!this.inTips) {
      if (!TIPS_TOP.test(text)) return false;
      this.inTips = true;
    } else {
      const rec = scanLine(text);
      if (rec.kind !== 'bad' && rec.kind !== 'blank' && rec.kind !== 'frame' && rec.kind !== 'dump') {
        this.inTips = false;
        return false;
      }
    }
    this.stats.classified++;
    this.stats.byKind['tips'] = (this.stats.byKind['tips'] ?? 0) + 1;
    this.emit({ kind: 'message', file: this.file, line: lineNo, text });
    return true;
  }

  // ---- -c / -C tables --------------------------------------------------------

  private summaryHeader(text: string): void {
    if (SUMMARY_RULE.test(text)) return;
    this.summaryColumns = splitHeader(text);
  }

  private tableRow(text: string, lineNo: number): boolean {
    const cols = this.summaryColumns!;
    if (SUMMARY_RULE.test(text)) {
      this.stats.classified++;
      this.stats.byKind['summary'] = (this.stats.byKind['summary'] ?? 0) + 1;
      return true;
    }
    const cells = text.trim().split(/\s+/);
    const nameCol = cols.indexOf('syscall');
    // Rows may omit empty cells (an "errors" column with nothing in it): the name is the last cell
    // in the default layout, and numbers fill the other columns left to right.
    if (cells.length < 2 || (nameCol === cols.length - 1 && !TABLE_ROW.test(text))) {
      this.summaryColumns = undefined;
      return false;
    }
    const columns: Record<string, string> = {};
    let name: string;
    if (nameCol === cols.length - 1) {
      name = cells[cells.length - 1]!;
      const nums = cells.slice(0, -1);
      const numCols = cols.slice(0, -1);
      // Only `errors` can be blank; when a cell is missing it is that one.
      const skip = nums.length < numCols.length ? numCols.indexOf('errors') : -1;
      let k = 0;
      numCols.forEach((c, idx) => { if (idx !== skip && k < nums.length) columns[c] = nums[k++]!; });
    } else {
      name = cells[nameCol] ?? cells[0]!;
      const rest = cells.filter((_, idx) => idx !== nameCol);
      const restCols = cols.filter((c) => c !== 'syscall');
      const skip = rest.length < restCols.length ? restCols.indexOf('errors') : -1;
      let k = 0;
      restCols.forEach((c, idx) => { if (idx !== skip && k < rest.length) columns[c] = rest[k++]!; });
    }
    if (!/^[a-z_][a-z0-9_]*$/i.test(name)) {
      this.summaryColumns = undefined;
      return false;
    }
    const ev: SummaryEvent = { kind: 'summary', file: this.file, line: lineNo, syscall: name, columns };
    const num = (c: string) => (columns[c] !== undefined ? Number(columns[c]!.replace(',', '.')) : undefined);
    const set = <K extends keyof SummaryEvent>(k: K, v: SummaryEvent[K] | undefined) => { if (v !== undefined && Number.isFinite(v)) ev[k] = v; };
    set('calls', num('calls'));
    set('errors', num('errors'));
    set('seconds', num('seconds') ?? num('total'));
    set('percent', num('% time'));
    set('usecsPerCall', num('usecs/call') ?? num('avg'));
    this.stats.classified++;
    this.stats.byKind['summary-row'] = (this.stats.byKind['summary-row'] ?? 0) + 1;
    this.emit(ev);
    return true;
  }

  // ---- output ordering -------------------------------------------------------

  private emit(ev: TraceEvent): void {
    if (this.waiting.size === 0 && this.queueHead === this.queue.length) {
      this.out.push(ev);
      return;
    }
    this.queue.push(ev);
    this.flushQueue(false);
  }

  /** Move events out of the reorder queue up to the first call still waiting; force past it when the window is full. */
  private flushQueue(all: boolean): void {
    const q = this.queue;
    while (this.queueHead < q.length) {
      const ev = q[this.queueHead]!;
      const waiting = !all && ev.kind === 'syscall' ? this.waiting.get(ev) : undefined;
      if (waiting) {
        if (q.length - this.queueHead <= this.window) break;
        // Window full: this call will be emitted when it ends.
        waiting.queued = false;
        q[this.queueHead++] = undefined;
        continue;
      }
      this.out.push(ev);
      q[this.queueHead++] = undefined;
    }
    if (this.queueHead === q.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 4096 && this.queueHead * 2 > q.length) {
      this.queue = q.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private unparsed(text: string, lineNo: number, reason: string, nLines: number): void {
    this.stats.unparsed += nLines;
    const ev: UnparsedEvent = { kind: 'unparsed', file: this.file, line: lineNo, text, reason };
    if (nLines > 1) ev.endLine = lineNo + nLines - 1;
    this.emit(ev);
  }
}

function pendingKey(pid: number | undefined, name: string): string {
  return `${pid ?? 0}:${name}`;
}

function joinArgs(head: string, tail: string): string {
  if (head === '') return tail;
  if (tail === '') return head;
  return head.endsWith(',') ? head + ' ' + tail : head + tail;
}

function splitHeader(text: string): string[] {
  // Column names may hold one space ("% time"); columns are separated by two or more, or by one before a known name.
  return text.trim().replace(/% time/g, '%_time').split(/\s+/).map((c) => c.replace('%_time', '% time'));
}

/** ` | 00000  61 62 63 0a  ...  abc.  |` → "6162630a". */
function dumpBytes(body: string): string {
  const hex = body.slice(7, 7 + 50);
  return hex.replace(/[^0-9a-f]/g, '').slice(0, 32);
}

/**
 * A number only when it is finite. Fuzzing (docs/fuzzing.md): digits by the
 * hundred in a pid, an exit code, a timestamp or a -T duration made
 * Infinity, which JSON writes as null (`"pid": null`, `"time": null`).
 */
function finite(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
