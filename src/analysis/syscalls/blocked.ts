/**
 * Calls still blocked when the trace ends: a call the reader marked
 * `unfinished` (no `<... resumed>` half before the end of the trace, or
 * `<detached ...>` when strace let go), whose process did nothing else and
 * did not exit afterwards. Kept per process: at most one candidate each.
 */
import type { FdInfo, Location, SyscallEvent } from '../../model/events.js';
import { familyOf } from '../../knowledge/syscall-families.js';
import { locOf, type FdLifetimes } from './fd-lifetimes.js';
import { callFds } from './slow.js';

export interface BlockedCall {
  pid?: number;
  call: string;
  /** The arguments strace printed on entry. */
  argsText: string;
  at: Location;
  /** Start of the call. */
  time?: number;
  timeText?: string;
  /** Seconds from the start of the call to the last timestamp in the whole trace. */
  blockedFor?: number;
  /** What it was blocked on: its fd arguments, polled fds, an epoll fd's registrations. */
  fds: FdInfo[];
  /** strace detached during the call (`<detached ...>`), rather than the trace just ending. */
  detached?: boolean;
}

/** Calls that never return by design: an unfinished exit is not a blocked call. */
const NEVER_RETURN: ReadonlySet<string> = new Set(['exit']);

export class BlockedCalls {
  private candidates = new Map<number, BlockedCall>();

  constructor(private readonly fdl: FdLifetimes) {}

  add(ev: SyscallEvent): void {
    const pid = ev.pid ?? 0;
    if (!ev.unfinished) {
      // The process made another call: whatever it was blocked in did end.
      this.candidates.delete(pid);
      return;
    }
    if (NEVER_RETURN.has(familyOf(ev.name))) return;
    const b: BlockedCall = { call: ev.name, argsText: ev.argsText, at: locOf(ev), fds: callFds(ev, this.fdl) };
    if (ev.pid !== undefined) b.pid = ev.pid;
    if (ev.time !== undefined) b.time = ev.time;
    if (ev.timeText !== undefined) b.timeText = ev.timeText;
    if (ev.detached) b.detached = true;
    this.candidates.set(pid, b);
  }

  /** The process ended (exited or was killed): it is not blocked any more. */
  exit(pid: number): void {
    this.candidates.delete(pid);
  }

  finish(lastTime: number | undefined): BlockedCall[] {
    const out = [...this.candidates.values()];
    for (const b of out) if (b.time !== undefined && lastTime !== undefined) b.blockedFor = lastTime - b.time;
    return out.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || (a.at.line ?? 0) - (b.at.line ?? 0));
  }

  get size(): number {
    return this.candidates.size;
  }
}
