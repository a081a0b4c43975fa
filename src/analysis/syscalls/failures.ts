/**
 * Failed calls grouped by errno, then by syscall family, with the routine
 * failures every program makes (PATH and locale probes, EAGAIN on
 * non-blocking fds…) counted apart. The rules are data:
 * ROUTINE_FAILURE_RULES in src/knowledge/syscall-analysis.ts.
 *
 * A non-blocking connect that fails reports its error through
 * getsockopt(SO_ERROR) with a return of 0; that is counted here as a
 * failure of `connect` (call `getsockopt(SO_ERROR)`).
 */
import type { FdInfo, Location, SyscallEvent } from '../../model/events.js';
import { unwrap } from '../../model/values.js';
import { familyOf, TRANSFER_FAMILIES } from '../../knowledge/syscall-families.js';
import { routineRuleFor } from '../../knowledge/syscall-analysis.js';
import { sockaddrText } from '../../readers/strace/fd-table.js';
import { fdRefs, locOf, soErrorValue } from './fd-lifetimes.js';

export interface FailureSample {
  call: string;
  at: Location;
  pid?: number;
  /** The path (or socket address) the call was about. */
  path?: string;
  /** The fd it was about, and what that fd was. */
  fd?: FdInfo;
  /** The routine rule it matched. */
  routine?: string;
}

export interface FailureSet {
  count: number;
  /** Syscall names seen (e.g. openat, newfstatat). */
  calls: string[];
  first?: Location;
  last?: Location;
  /** The first distinct subjects (paths / fds), capped. */
  samples: FailureSample[];
}

export interface FailureGroup {
  errno: string;
  /** Syscall family (src/knowledge/syscall-families.ts). */
  family: string;
  total: number;
  /** Failures no routine rule explains: what to look at. */
  notable: FailureSet;
  /** Failures every program makes, by rule name. */
  routine: FailureSet & { rules: Record<string, number> };
}

function emptySet(): FailureSet {
  return { count: 0, calls: [], samples: [] };
}

/** A call's subject: the path or address it names, else its first fd. */
function subjectOf(ev: SyscallEvent, family: string): { path?: string; fd?: FdInfo } {
  const out: { path?: string; fd?: FdInfo } = {};
  const args = ev.args ?? [];
  if (family === 'connect' || family === 'bind' || ev.name === 'sendto') {
    const a = sockaddrText(args[ev.name === 'sendto' ? 4 : 1]);
    if (a) out.path = a;
  } else if (!TRANSFER_FAMILIES.has(family)) {
    for (const a of args) {
      const u = unwrap(a);
      if (u?.type === 'string') { out.path = u.value; break; }
    }
  }
  const ref = fdRefs(ev).find((r) => r.fd >= 0);
  if (ref) {
    const { arg: _a, ...info } = ref;
    out.fd = info;
    if (out.path === undefined && info.type !== 'socket' && info.path !== undefined) out.path = info.path;
  }
  return out;
}

export class FailureGroups {
  private groups = new Map<string, FailureGroup>();
  private order = new Map<string, number>();

  constructor(private readonly samplesKept: number) {}

  add(ev: SyscallEvent): void {
    if (ev.unfinished) return;
    const so = soErrorValue(ev);
    if (so !== undefined && so !== '0') {
      this.record(ev, so, 'connect', 'getsockopt(SO_ERROR)');
      return;
    }
    if (ev.errno === undefined) return;
    this.record(ev, ev.errno, familyOf(ev.name), ev.name);
  }

  private record(ev: SyscallEvent, errno: string, family: string, call: string): void {
    const key = `${errno}\0${family}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { errno, family, total: 0, notable: emptySet(), routine: { ...emptySet(), rules: {} } };
      this.groups.set(key, g);
      this.order.set(key, this.order.size);
    }
    g.total++;
    const subj = subjectOf(ev, family);
    // SO_ERROR reports the connect's outcome: never routine.
    const rule = call === 'getsockopt(SO_ERROR)' ? undefined : routineRuleFor(family, errno, subj.path, subj.fd?.type);
    const set = rule ? g.routine : g.notable;
    if (rule) g.routine.rules[rule.name] = (g.routine.rules[rule.name] ?? 0) + 1;
    set.count++;
    const at = locOf(ev);
    set.first ??= at;
    set.last = at;
    if (!set.calls.includes(call)) set.calls.push(call);
    if (set.samples.length < this.samplesKept) {
      const label = subj.path ?? (subj.fd ? `fd ${subj.fd.fd}` : '');
      if (!set.samples.some((s) => (s.path ?? (s.fd ? `fd ${s.fd.fd}` : '')) === label)) {
        const s: FailureSample = { call, at };
        if (ev.pid !== undefined) s.pid = ev.pid;
        if (subj.path !== undefined) s.path = subj.path;
        if (subj.fd) s.fd = subj.fd;
        if (rule) s.routine = rule.name;
        set.samples.push(s);
      }
    }
  }

  /** Groups with notable failures first (in order of first appearance), then routine-only groups by count. */
  finish(): FailureGroup[] {
    const all = [...this.groups.entries()];
    all.sort(([ka, a], [kb, b]) => {
      const na = a.notable.count > 0 ? 0 : 1;
      const nb = b.notable.count > 0 ? 0 : 1;
      if (na !== nb) return na - nb;
      if (na === 0) return this.order.get(ka)! - this.order.get(kb)!;
      return b.total - a.total;
    });
    return all.map(([, g]) => g);
  }

  get size(): number {
    return this.groups.size;
  }
}
