/**
 * Per-process syscall analysis over strace events, streaming: feed events
 * in timeline order with `add`, then `finish`. Memory is bounded by the
 * open fds and the processes of the trace (plus fixed caps on kept closed
 * fd lives, slow calls and failure samples), never by its length.
 *
 * See docs/syscall-analysis.md.
 */
import type { TraceEvent } from '../../model/events.js';
import { SYSCALL_ANALYSIS_THRESHOLDS } from '../../knowledge/syscall-analysis.js';
import { BlockedCalls, type BlockedCall } from './blocked.js';
import { FailureGroups, type FailureGroup } from './failures.js';
import { FdLifetimes, ProcessGroups, type DroppedLives, type FdLife } from './fd-lifetimes.js';
import { SlowCalls, type SlowCall } from './slow.js';

export type { BlockedCall } from './blocked.js';
export type { FailureGroup, FailureSample, FailureSet } from './failures.js';
export type { ConnectAttempt, DroppedLives, FdFailure, FdLife } from './fd-lifetimes.js';
export type { SlowCall } from './slow.js';

export interface SyscallAnalysis {
  /** Per process (thread-group leader pid; 0 when the trace has no pids): every fd's life, in order of creation. */
  fdLifetimes: Map<number, FdLife[]>;
  /** Per process: closed fd lives beyond the kept cap, counted. */
  fdLivesDropped: Map<number, DroppedLives>;
  /** Calls still blocked when the trace ends. */
  blocked: BlockedCall[];
  /** Slow calls (`kind: 'slow'`) and long waits (`kind: 'wait'`), in timeline order. */
  slow: SlowCall[];
  /** Shorter slow calls/waits dropped beyond the kept cap. */
  slowDropped: number;
  /** Failed calls by errno then family, groups with notable (non-routine) failures first. */
  failures: FailureGroup[];
  /** The last timestamp in the whole trace (seconds), used for `blockedFor`. */
  lastTime?: number;
}

export interface SyscallAnalyzerOptions {
  slowSeconds?: number;
  waitSeconds?: number;
  slowKept?: number;
  closedLivesKept?: number;
  failureSamples?: number;
  failuresPerFd?: number;
}

/** Counts of what the analyzer holds in memory (for tests and diagnostics). */
export interface RetainedState {
  openFds: number;
  closedLivesKept: number;
  closedLivesDropped: number;
  processes: number;
  blockedCandidates: number;
  slowEntries: number;
  failureGroups: number;
}

export class SyscallAnalyzer {
  private readonly groups = new ProcessGroups();
  private readonly fdl: FdLifetimes;
  private readonly blockedCalls: BlockedCalls;
  private readonly slowCalls: SlowCalls;
  private readonly failureGroups: FailureGroups;
  private lastTime: number | undefined;

  constructor(opts: SyscallAnalyzerOptions = {}) {
    const T = SYSCALL_ANALYSIS_THRESHOLDS;
    this.fdl = new FdLifetimes(this.groups, {
      closedLivesKept: opts.closedLivesKept ?? T.closedLivesKept.value,
      failuresPerFd: opts.failuresPerFd ?? T.failuresPerFd.value,
    });
    this.blockedCalls = new BlockedCalls(this.fdl);
    this.slowCalls = new SlowCalls(this.fdl, {
      slowSeconds: opts.slowSeconds ?? T.slowSeconds.value,
      waitSeconds: opts.waitSeconds ?? T.waitSeconds.value,
      kept: opts.slowKept ?? T.slowKept.value,
    });
    this.failureGroups = new FailureGroups(opts.failureSamples ?? T.failureSamples.value);
  }

  /** One event, in timeline order. Non-strace events are ignored. */
  add(ev: TraceEvent): void {
    if (ev.time !== undefined && (this.lastTime === undefined || ev.time > this.lastTime)) this.lastTime = ev.time;
    if (ev.kind !== 'packet') this.slowCalls.observe(ev);
    if (ev.kind === 'syscall') {
      // Slow/blocked read the fd table as it was before the call closed or made fds.
      this.slowCalls.add(ev);
      this.blockedCalls.add(ev);
      this.failureGroups.add(ev);
      this.fdl.add(ev);
    } else if (ev.kind === 'exit') {
      const pid = ev.pid ?? 0;
      if (ev.supersededBy !== undefined) return;
      this.slowCalls.exit(pid, ev.time);
      this.blockedCalls.exit(pid);
      this.fdl.exit(pid, ev);
    }
  }

  retained(): RetainedState {
    const f = this.fdl.retained();
    return {
      openFds: f.open,
      closedLivesKept: f.closedKept,
      closedLivesDropped: f.closedDropped,
      processes: f.processes,
      blockedCandidates: this.blockedCalls.size,
      slowEntries: this.slowCalls.retained(),
      failureGroups: this.failureGroups.size,
    };
  }

  finish(): SyscallAnalysis {
    const { lives, dropped } = this.fdl.finish(this.lastTime);
    const { slow, dropped: slowDropped } = this.slowCalls.finish(this.lastTime);
    const out: SyscallAnalysis = {
      fdLifetimes: lives,
      fdLivesDropped: dropped,
      blocked: this.blockedCalls.finish(this.lastTime),
      slow,
      slowDropped,
      failures: this.failureGroups.finish(),
    };
    if (this.lastTime !== undefined) out.lastTime = this.lastTime;
    return out;
  }
}

/** Analyze a whole event list (convenience for tests and small traces). */
export function analyzeSyscalls(events: Iterable<TraceEvent>, opts?: SyscallAnalyzerOptions): SyscallAnalysis {
  const a = new SyscallAnalyzer(opts);
  for (const ev of events) a.add(ev);
  return a.finish();
}
