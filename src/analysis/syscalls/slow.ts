/**
 * Calls that took long. Two kinds, kept apart:
 * - `slow`: a call that is not meant to block (a write, an fsync, an open,
 *   a blocking connect) took at least SYSCALL_ANALYSIS_THRESHOLDS.slowSeconds;
 * - `wait`: the program waited by design (poll/select/epoll_wait, accept,
 *   a read on a socket or pipe, futex, sleep, wait4 — WAIT_FAMILIES) for at
 *   least waitSeconds. Consecutive waits of one process on the same fds,
 *   with only fd-less calls in between (curl's rt_sigaction between polls),
 *   are one wait episode: that is how long the program waited for the peer.
 *
 * Durations: `-T` when present; else, for a call split by
 * `<unfinished ...>`, from its start to its `<... resumed>` line, estimated
 * from below by the latest timestamp of a line started before the resumed
 * line (the event does not carry the resumed line's own timestamp).
 * A wait episode without -T ends at the start of the process's next call.
 */
import type { FdInfo, Location, SyscallEvent } from '../../model/events.js';
import { fieldValue, unwrap, type Value } from '../../model/values.js';
import { classOf, familyOf } from '../../knowledge/syscall-families.js';
import { EPISODE_TRANSPARENT_CLASSES, STREAM_FD_TYPES, WAIT_FAMILIES, WAIT_ON_STREAM_FAMILIES } from '../../knowledge/syscall-analysis.js';
import { parseDecoration } from '../../readers/strace/decoration.js';
import { fdRefs, locOf, type FdLifetimes } from './fd-lifetimes.js';

export interface SlowCall {
  kind: 'slow' | 'wait';
  pid?: number;
  /** The call, or for a wait episode the calls it was made of (`poll`, `pselect6`…). */
  call: string;
  /** Calls in the episode (1 for a single call). */
  calls: number;
  seconds: number;
  /** Where the duration came from: -T, the gap to the `resumed` line, or the next call of the process. */
  durationFrom: '-T' | 'resumed' | 'next call';
  at: Location;
  /** Last call of a wait episode. */
  end?: Location;
  time?: number;
  timeText?: string;
  /** What the call was on: its fd arguments, the polled fds, or an epoll fd's registered fds. */
  fds: FdInfo[];
  /** Waits: how the episode ended (an fd ready, a call returned, timeouts only, an error). */
  outcome?: 'ready' | 'returned' | 'timeout' | 'error';
  /** Waits: calls of the episode that timed out. */
  timeouts?: number;
  result?: string;
  errno?: string;
}

/** The fds a call is about: poll/select sets, an epoll fd's registrations, or its fd arguments. */
export function callFds(ev: SyscallEvent, fdl: FdLifetimes): FdInfo[] {
  const pid = ev.pid ?? 0;
  const fam = familyOf(ev.name);
  const out: FdInfo[] = [];
  const seen = new Set<number>();
  const add = (v: Value | undefined): void => {
    const u = unwrap(v);
    if (!u) return;
    let fd: number | undefined;
    let dec: string | undefined;
    if (u.type === 'fd') {
      const n = unwrap(u.fd);
      if (n?.type === 'number') fd = Number(n.text);
      dec = u.decoration;
    } else if (u.type === 'number' && /^\d+$/.test(u.text)) fd = Number(u.text);
    if (fd === undefined || fd < 0 || seen.has(fd)) return;
    seen.add(fd);
    const known = fdl.lookup(pid, fd);
    if (dec !== undefined) out.push({ ...known, fd, ...parseDecoration(dec) });
    else out.push(known ?? { fd, type: 'unknown' });
  };
  const args = ev.args ?? [];
  if (fam === 'poll') {
    const a = unwrap(args[0]);
    if (a?.type === 'array') for (const it of a.items) add(fieldValue(it, 'fd'));
    return out;
  }
  if (fam === 'select') {
    for (const i of [1, 2, 3]) {
      const a = unwrap(args[i]);
      if (a?.type === 'array') for (const it of a.items) add(it);
    }
    return out;
  }
  const refs = fdRefs(ev);
  if (fam === 'epoll_wait' && refs[0]) {
    const w = fdl.watchedBy(pid, refs[0].fd);
    if (w.length) return w;
  }
  for (const r of refs) {
    if (r.fd < 0 || seen.has(r.fd)) continue;
    seen.add(r.fd);
    const { arg: _a, ...info } = r;
    out.push(info.type === 'unknown' ? fdl.lookup(pid, r.fd) ?? info : info);
  }
  return out;
}

/** Whether a call blocks by design (WAIT_FAMILIES, or a read on a socket/pipe/device). */
export function isWaitCall(ev: SyscallEvent, fdl?: FdLifetimes): boolean {
  const fam = familyOf(ev.name);
  if (fam in WAIT_FAMILIES) return true;
  if (WAIT_ON_STREAM_FAMILIES.has(fam)) {
    const ref = ev.fds?.[0];
    let t = ref?.type;
    if ((t === undefined || t === 'unknown') && fdl) {
      const fd = ref?.fd ?? fdRefs(ev)[0]?.fd;
      if (fd !== undefined) t = fdl.lookup(ev.pid ?? 0, fd)?.type;
    }
    return t !== undefined && STREAM_FD_TYPES.has(t);
  }
  return false;
}

interface Episode {
  pid?: number;
  first: SyscallEvent;
  last: SyscallEvent;
  calls: number;
  names: string[];
  fds: Map<number, FdInfo>;
  /** End of the last call when known (-T or resumed gap). */
  lastEnd?: number;
  lastEndFrom?: '-T' | 'resumed';
  timeouts: number;
  outcome?: SlowCall['outcome'];
  /** The last call returned something other than a timeout: the episode is over. */
  over: boolean;
}

interface GapPending {
  ev: SyscallEvent;
  resumedLine: number;
  lower: number;
}

export interface SlowOptions {
  slowSeconds: number;
  waitSeconds: number;
  kept: number;
}

export class SlowCalls {
  private episodes = new Map<number, Episode>();
  private gaps = new Map<string, GapPending[]>();
  private out: SlowCall[] = [];
  private droppedCount = 0;

  constructor(private readonly fdl: FdLifetimes, private readonly opts: SlowOptions) {}

  /** Every event (any kind) first: advances the resumed-gap estimates of calls split over lines. */
  observe(ev: { file: string; line?: number; time?: number }): void {
    const list = this.gaps.get(ev.file);
    if (!list || ev.line === undefined || ev.time === undefined) return;
    for (let i = 0; i < list.length;) {
      const g = list[i]!;
      if (ev.line < g.resumedLine) {
        if (ev.time > g.lower) g.lower = ev.time;
        i++;
      } else {
        list.splice(i, 1);
        this.settleGap(g);
      }
    }
    if (!list.length) this.gaps.delete(ev.file);
  }

  private settleGap(g: GapPending): void {
    const d = g.lower - g.ev.time!;
    this.single(g.ev, d, 'resumed');
    // A wait episode that ended with this call learns its end now.
    const ep = this.episodes.get(g.ev.pid ?? 0);
    if (ep && ep.last === g.ev) {
      ep.lastEnd = g.lower;
      ep.lastEndFrom = 'resumed';
    }
  }

  add(ev: SyscallEvent): void {
    const pid = ev.pid ?? 0;
    const wait = isWaitCall(ev, this.fdl);
    let ep = this.episodes.get(pid);

    if (ep && ep.over) {
      this.closeEpisode(pid, ep, ev.time);
      ep = undefined;
    }

    if (wait && !ev.unfinished) {
      const fds = callFds(ev, this.fdl);
      if (ep && !(fds.some((f) => ep!.fds.has(f.fd)) || (fds.length === 0 && ep.fds.size === 0 && ep.names.includes(ev.name)))) {
        this.closeEpisode(pid, ep, ev.time);
        ep = undefined;
      }
      if (!ep) {
        ep = { first: ev, last: ev, calls: 0, names: [], fds: new Map(), timeouts: 0, over: false };
        if (ev.pid !== undefined) ep.pid = ev.pid;
        this.episodes.set(pid, ep);
      }
      ep.calls++;
      ep.last = ev;
      if (!ep.names.includes(ev.name)) ep.names.push(ev.name);
      for (const f of fds) ep.fds.set(f.fd, f);
      delete ep.lastEnd;
      delete ep.lastEndFrom;
      if (ev.time !== undefined && ev.duration !== undefined) {
        ep.lastEnd = ev.time + ev.duration;
        ep.lastEndFrom = '-T';
      }
      const fam = familyOf(ev.name);
      const readiness = fam === 'poll' || fam === 'select' || fam === 'epoll_wait';
      if (ev.errno !== undefined) {
        ep.outcome = 'error';
        if (ev.errno !== 'EINTR' && !ev.errno.startsWith('ERESTART')) ep.over = true;
      } else if (readiness && ev.result === '0') {
        ep.timeouts++;
        ep.outcome = 'timeout';
      } else {
        ep.outcome = readiness ? 'ready' : 'returned';
        ep.over = true;
      }
      this.trackGap(ev);
      return;
    }

    if (ep) {
      const cls = classOf(familyOf(ev.name));
      if (ev.unfinished || !EPISODE_TRANSPARENT_CLASSES.has(cls)) this.closeEpisode(pid, ep, ev.time);
    }
    if (ev.unfinished) return;
    if (ev.duration !== undefined) this.single(ev, ev.duration, '-T');
    else this.trackGap(ev);
  }

  private trackGap(ev: SyscallEvent): void {
    if (ev.duration !== undefined || ev.resumedLine === undefined || ev.time === undefined || ev.resumedLine === ev.line) return;
    let list = this.gaps.get(ev.file);
    if (!list) this.gaps.set(ev.file, (list = []));
    list.push({ ev, resumedLine: ev.resumedLine, lower: ev.time });
  }

  /** A single non-wait call with a known duration. */
  private single(ev: SyscallEvent, seconds: number, from: SlowCall['durationFrom']): void {
    if (isWaitCall(ev, this.fdl) || seconds < this.opts.slowSeconds) return;
    const s: SlowCall = { kind: 'slow', call: ev.name, calls: 1, seconds, durationFrom: from, at: locOf(ev), fds: callFds(ev, this.fdl) };
    if (ev.pid !== undefined) s.pid = ev.pid;
    if (ev.time !== undefined) s.time = ev.time;
    if (ev.timeText !== undefined) s.timeText = ev.timeText;
    if (ev.result !== undefined) s.result = ev.result;
    if (ev.errno !== undefined) s.errno = ev.errno;
    this.push(s);
  }

  private closeEpisode(pid: number, ep: Episode, nextTime: number | undefined): void {
    this.episodes.delete(pid);
    const start = ep.first.time;
    let end = ep.lastEnd;
    let from: SlowCall['durationFrom'] = ep.lastEndFrom ?? 'next call';
    if (end === undefined) {
      end = nextTime;
      from = 'next call';
    }
    if (start === undefined || end === undefined) return;
    const seconds = end - start;
    if (seconds < this.opts.waitSeconds) return;
    const s: SlowCall = {
      kind: 'wait', call: ep.names.join('/'), calls: ep.calls, seconds, durationFrom: from,
      at: locOf(ep.first), fds: [...ep.fds.values()], timeouts: ep.timeouts,
    };
    if (ep.calls > 1) s.end = locOf(ep.last);
    if (ep.outcome) s.outcome = ep.outcome;
    if (ep.pid !== undefined) s.pid = ep.pid;
    s.time = start;
    if (ep.first.timeText !== undefined) s.timeText = ep.first.timeText;
    if (ep.last.result !== undefined) s.result = ep.last.result;
    if (ep.last.errno !== undefined) s.errno = ep.last.errno;
    this.push(s);
  }

  /** Keep the longest `kept` entries: memory does not grow with the trace. */
  private push(s: SlowCall): void {
    this.out.push(s);
    if (this.out.length > this.opts.kept * 2) this.trim();
  }

  private trim(): void {
    if (this.out.length <= this.opts.kept) return;
    const sorted = [...this.out].sort((a, b) => b.seconds - a.seconds);
    const keep = new Set(sorted.slice(0, this.opts.kept));
    this.droppedCount += this.out.length - keep.size;
    this.out = this.out.filter((s) => keep.has(s)); // timeline order kept
  }

  /** A process ended: its episode ends at its exit. */
  exit(pid: number, time: number | undefined): void {
    const ep = this.episodes.get(pid);
    if (ep) this.closeEpisode(pid, ep, time);
  }

  finish(lastTime: number | undefined): { slow: SlowCall[]; dropped: number } {
    for (const list of this.gaps.values()) for (const g of list) this.settleGap(g);
    this.gaps.clear();
    for (const [pid, ep] of [...this.episodes]) this.closeEpisode(pid, ep, lastTime);
    this.trim();
    return { slow: this.out, dropped: this.droppedCount };
  }

  retained(): number {
    let g = 0;
    for (const l of this.gaps.values()) g += l.length;
    return this.out.length + this.episodes.size + g;
  }
}
