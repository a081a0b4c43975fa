/**
 * Per-process fd lifetimes: what each fd was, which call made it, what
 * happened to it (bind, listen, connect and the connect's outcome), and
 * where it was closed — or that it was still open when the trace ended.
 *
 * Streaming: open fds are kept per process (threads share their process's
 * table); closed lives are kept up to a cap per process and counted beyond
 * it (see SYSCALL_ANALYSIS_THRESHOLDS.closedLivesKept).
 */
import type { FdInfo, FdRef, FdType, Location, SyscallEvent } from '../../model/events.js';
import { fieldValue, flagNames, nameOf, unwrap, type Value } from '../../model/values.js';
import { CLOEXEC_FLAGS, EXEC_CALLS, FD_ARGS, FD_PAIR_CREATING, PROCESS_CREATING } from '../../knowledge/fd-syscalls.js';
import { familyOf } from '../../knowledge/syscall-families.js';
import { CONNECT_PENDING_ERRNOS, routineRuleFor } from '../../knowledge/syscall-analysis.js';
import { parseDecoration } from '../../readers/strace/decoration.js';
import { sockaddrText } from '../../readers/strace/fd-table.js';

export interface ConnectAttempt {
  /** The address connected to, as `ip:port`, `[ip6]:port` or a unix path. */
  address?: string;
  at: Location;
  time?: number;
  /** connect's own return: "ok", an errno, or "unfinished". */
  result: string;
  /**
   * connected: the connection was made (at once, or later by SO_ERROR 0 or a successful transfer);
   * failed: an error (`errno`) directly or later (SO_ERROR, a failed transfer);
   * abandoned: closed while still in progress (a connect timeout: SYNs never answered);
   * in-progress: still connecting when the trace ended.
   */
  outcome: 'connected' | 'failed' | 'abandoned' | 'in-progress';
  errno?: string;
  /** How the outcome became known. */
  via?: 'connect' | 'SO_ERROR' | 'transfer' | 'close' | 'end of trace';
  /** Where the outcome became known (the getsockopt, the transfer, the close), when not at `at`. */
  resolved?: Location;
  /** Seconds from an in-progress connect to its outcome (or to the close / the end of the trace). */
  pendingSeconds?: number;
}

export interface FdFailure {
  call: string;
  errno: string;
  count: number;
  first: Location;
  /** The routine rule that explains it (src/knowledge/syscall-analysis.ts), if any. */
  routine?: string;
}

/** What the fd was, as the fd table's FdInfo says it (src/model/events.ts). */
export interface FdLife extends Pick<FdInfo, 'fd' | 'type' | 'path' | 'proto' | 'local' | 'peer'> {
  /** The process (thread-group leader, as far as the trace shows) whose table held the fd. */
  pid: number;
  /** The call that made the fd (`openat`, `socket`, `accept4`, `pipe2`, `dup2`…), `inherited` (fork), or `before trace`. */
  createdBy: string;
  /** Where it was made (for inherited fds: where the parent made it, when known). */
  created?: Location;
  createdTime?: number;
  /** fork/clone: the parent process it came from. */
  inheritedFrom?: number;
  /** dup*: the fd it copies. */
  dupOf?: number;
  /** First call seen using an fd that predates the trace. */
  firstSeen?: Location;
  bound?: Location;
  listening?: Location;
  connects: ConnectAttempt[];
  closed?: Location;
  closedTime?: number;
  /** close, close_range, execve (close-on-exec), exit (the process ended), reused (dup2/open onto a still-open number). */
  closedBy?: 'close' | 'close_range' | 'execve' | 'exit' | 'reused';
  /** Still open when the trace ended. */
  openAtEnd: boolean;
  /** Calls that used the fd as an argument. */
  uses: number;
  /** Failed calls on the fd, by call and errno (capped). */
  failures: FdFailure[];
  /** Set once a failure no routine rule explains, or a connect that did not connect, is seen. */
  remarkable: boolean;
}

export interface DroppedLives {
  /** Closed lives not kept (beyond the per-process cap). */
  count: number;
  byType: Partial<Record<FdType, number>>;
  first?: Location;
  last?: Location;
}

interface Live extends FdLife {
  seq: number;
  cloexec?: boolean;
  pending?: ConnectAttempt;
  /** epoll fds: the fds registered with it. */
  watching?: Set<number>;
}

interface Proc {
  open: Map<number, Live>;
  remarkable: Live[];
  ordinary: Live[];
  dropped: DroppedLives;
}

export interface FdLifetimesOptions {
  closedLivesKept: number;
  failuresPerFd: number;
}

export function locOf(ev: { file: string; line?: number; packet?: number; resumedLine?: number }): Location {
  const l: Location = { file: ev.file };
  if (ev.line !== undefined) l.line = ev.line;
  if (ev.packet !== undefined) l.packet = ev.packet;
  if (ev.resumedLine !== undefined && ev.resumedLine !== ev.line) l.endLine = ev.resumedLine;
  return l;
}

function okResult(ev: SyscallEvent): boolean {
  return ev.result !== undefined && ev.result !== '?' && ev.errno === undefined && !ev.unfinished;
}

function num(v: Value | undefined): number | undefined {
  const u = unwrap(v);
  if (!u) return undefined;
  if (u.type === 'number' && /^-?\d+$/.test(u.text)) return Number(u.text);
  if (u.type === 'fd') return num(u.fd);
  return undefined;
}

/** `[ECONNREFUSED]` / `[0]` of getsockopt(SO_ERROR): the error name, "0", or undefined. */
export function soErrorValue(ev: SyscallEvent): string | undefined {
  if (ev.name !== 'getsockopt' || !ev.args || nameOf(ev.args[2]) !== 'SO_ERROR' || !okResult(ev)) return undefined;
  const a = unwrap(ev.args[3]);
  const first = a?.type === 'array' ? unwrap(a.items[0]) : a;
  if (!first) return undefined;
  if (first.type === 'name') return first.name;
  if (first.type === 'number') return first.text === '0' ? '0' : `errno ${first.text}`;
  return undefined;
}

/**
 * The call's fd arguments: the reader's `fds`, plus fd numbers it could not
 * resolve (fds made before the trace began, e.g. a server's listener when
 * strace attached), as `unknown`.
 */
export function fdRefs(ev: SyscallEvent): FdRef[] {
  const refs = ev.fds ? [...ev.fds] : [];
  const positions = FD_ARGS[ev.name];
  if (positions && ev.args) {
    for (const p of positions) {
      if (refs.some((r) => r.arg === p)) continue;
      const fd = num(ev.args[p]);
      if (fd !== undefined && fd >= 0) refs.push({ arg: p, fd, type: 'unknown' });
    }
    refs.sort((a, b) => a.arg - b.arg);
  }
  return refs;
}

const CONNECT_FAILED_ON_TRANSFER = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ECONNABORTED', 'EPIPE']);
const TRANSFER = new Set(['read', 'write', 'send', 'recv', 'sendfile']);

/** Which process (fd table) each pid belongs to: threads share their creator's. */
export class ProcessGroups {
  private group = new Map<number, number>();
  of(pid: number): number {
    return this.group.get(pid) ?? pid;
  }
  /** A successful fork/clone: returns whether the child shares the parent's fd table. */
  spawn(parent: number, child: number, ev: SyscallEvent): boolean {
    const flags = new Set<string>();
    for (const a of ev.args ?? []) {
      // clone3's struct is printed `{flags=…} => {parent_tid=[N]}`: the flags are on the entry side.
      const sides = a.type === 'changed' ? [a.before, a.after] : [a];
      for (const x of sides) for (const f of flagNames(fieldValue(x, 'flags') ?? x)) flags.add(f);
    }
    const shares = ev.name !== 'fork' && ev.name !== 'vfork' && (flags.has('CLONE_FILES') || flags.has('CLONE_THREAD'));
    if (shares) this.group.set(child, this.of(parent));
    return shares;
  }
  forget(pid: number): void {
    this.group.delete(pid);
  }
  get size(): number {
    return this.group.size;
  }
}

export class FdLifetimes {
  private procs = new Map<number, Proc>();
  private seq = 0;
  private lastTime: number | undefined;

  constructor(private readonly groups: ProcessGroups, private readonly opts: FdLifetimesOptions) {}

  private proc(pid: number): Proc {
    let p = this.procs.get(pid);
    if (!p) {
      p = { open: new Map(), remarkable: [], ordinary: [], dropped: { count: 0, byType: {} } };
      this.procs.set(pid, p);
    }
    return p;
  }

  /** What fd `fd` of `pid` is, as far as the lifetimes know. */
  lookup(pid: number, fd: number): FdInfo | undefined {
    const l = this.procs.get(this.groups.of(pid))?.open.get(fd);
    return l ? infoOf(l) : undefined;
  }

  /** epoll fd → the fds registered with it. */
  watchedBy(pid: number, epfd: number): FdInfo[] {
    const p = this.procs.get(this.groups.of(pid));
    const l = p?.open.get(epfd);
    if (!p || !l?.watching) return [];
    const out: FdInfo[] = [];
    for (const fd of l.watching) {
      const w = p.open.get(fd);
      out.push(w ? infoOf(w) : { fd, type: 'unknown' });
    }
    return out;
  }

  private newLife(pid: number, fd: number, info: Partial<FdInfo>, createdBy: string, ev: SyscallEvent | undefined, at?: Location): Live {
    const p = this.proc(pid);
    const old = p.open.get(fd);
    if (old && ev) this.close(pid, old, 'reused', ev);
    const l: Live = {
      pid, fd, type: info.type ?? 'unknown', createdBy, connects: [], openAtEnd: true, uses: 0, failures: [], remarkable: false, seq: this.seq++,
    };
    for (const k of ['path', 'proto', 'local', 'peer'] as const) if (info[k] !== undefined) l[k] = info[k];
    if (at) l.created = at;
    if (ev?.time !== undefined && createdBy !== 'before trace') l.createdTime = ev.time;
    p.open.set(fd, l);
    return l;
  }

  private close(pid: number, l: Live, by: NonNullable<FdLife['closedBy']>, ev: { file: string; line?: number; time?: number; resumedLine?: number } | undefined): void {
    const p = this.proc(pid);
    if (p.open.get(l.fd) === l) p.open.delete(l.fd);
    l.openAtEnd = false;
    l.closedBy = by;
    if (ev) {
      l.closed = locOf(ev);
      if (ev.time !== undefined) l.closedTime = ev.time;
    }
    if (l.pending) {
      const c = l.pending;
      c.outcome = 'abandoned';
      c.via = 'close';
      if (l.closed) c.resolved = l.closed;
      if (c.time !== undefined && ev?.time !== undefined) c.pendingSeconds = ev.time - c.time;
      l.remarkable = true;
      delete l.pending;
    }
    delete l.watching;
    this.retire(p, l);
  }

  /** Keep a closed life, or count it when the process already keeps enough. */
  private retire(p: Proc, l: Live): void {
    const cap = this.opts.closedLivesKept;
    if (l.remarkable) {
      // The first remarkable lives are kept: the first failure is usually the cause of the rest.
      if (p.remarkable.length < cap) { p.remarkable.push(l); return; }
      this.drop(p, l);
      return;
    }
    // Ordinary lives: the most recent are kept.
    p.ordinary.push(l);
    if (p.ordinary.length > cap) this.drop(p, p.ordinary.shift()!);
  }

  private drop(p: Proc, l: Live): void {
    const d = p.dropped;
    d.count++;
    d.byType[l.type] = (d.byType[l.type] ?? 0) + 1;
    const at = l.created ?? l.firstSeen;
    if (at) {
      d.first ??= at;
      d.last = at;
    }
  }

  /** A life for an fd used by the call, creating one (before trace) when the fd was never seen made. */
  private use(pid: number, ref: FdRef, ev: SyscallEvent): Live {
    const p = this.proc(pid);
    let l = p.open.get(ref.fd);
    if (!l) {
      l = this.newLife(pid, ref.fd, ref, 'before trace', undefined);
      l.firstSeen = locOf(ev);
      if (ref.origin) l.created = ref.origin;
    } else {
      if (ref.type !== 'unknown' && (l.type === 'unknown' || ref.type === l.type)) l.type = ref.type;
      for (const k of ['path', 'proto', 'local', 'peer'] as const) if (ref[k] !== undefined) l[k] = ref[k];
    }
    return l;
  }

  add(ev: SyscallEvent): void {
    if (ev.time !== undefined) this.lastTime = ev.time;
    const tid = ev.pid ?? 0;
    const pid = this.groups.of(tid);
    const ok = okResult(ev);
    const family = familyOf(ev.name);
    const here = locOf(ev);

    // Uses of existing fds.
    const used: Live[] = [];
    for (const ref of fdRefs(ev)) {
      if (ref.fd < 0) continue;
      // The target of dup2/dup3 is replaced, not used.
      if ((ev.name === 'dup2' || ev.name === 'dup3') && ref.arg === 1) continue;
      const l = this.use(pid, ref, ev);
      l.uses++;
      used.push(l);
      if (ev.errno !== undefined && ref.arg === 0) this.noteFailure(l, ev, family);
    }
    const first = used[0];

    // Connect bookkeeping on the first fd argument.
    if (first && first.type !== 'file' && first.type !== 'dir') {
      if (ev.name === 'connect') this.connect(first, ev, here);
      else if (ev.name === 'bind' && ok) {
        first.bound = here;
        first.local ??= sockaddrText(ev.args?.[1]);
      } else if (ev.name === 'listen' && ok) first.listening = here;
      else if (first.pending) {
        const so = soErrorValue(ev);
        if (so !== undefined) this.resolve(first, ev, so === '0' ? undefined : so, 'SO_ERROR');
        else if (TRANSFER.has(family) && ev.fds?.[0]?.fd === first.fd) {
          if (ok) this.resolve(first, ev, undefined, 'transfer');
          else if (ev.errno && CONNECT_FAILED_ON_TRANSFER.has(ev.errno)) this.resolve(first, ev, ev.errno, 'transfer');
        }
      }
      if (ev.name === 'getpeername' && ok) first.peer ??= sockaddrText(ev.args?.[1]);
      if (ev.name === 'getsockname' && ok) first.local ??= sockaddrText(ev.args?.[1]);
      if (ev.name === 'epoll_ctl' && ok && ev.args) {
        const op = nameOf(ev.args[1]);
        const target = num(ev.args[2]);
        if (target !== undefined) {
          first.watching ??= new Set();
          if (op === 'EPOLL_CTL_DEL') first.watching.delete(target); else first.watching.add(target);
        }
      }
      if ((ev.name === 'fcntl' || ev.name === 'fcntl64') && ok && nameOf(ev.args?.[1]) === 'F_SETFD') first.cloexec = flagNames(ev.args?.[2]).has('FD_CLOEXEC');
    } else if (first && (ev.name === 'fcntl' || ev.name === 'fcntl64') && ok && nameOf(ev.args?.[1]) === 'F_SETFD') {
      first.cloexec = flagNames(ev.args?.[2]).has('FD_CLOEXEC');
    }

    if (!ok) return;

    // Closing.
    if (ev.name === 'close' && first) {
      this.close(pid, first, 'close', ev);
      return;
    }
    if (ev.name === 'close_range' && ev.args) {
      const lo = num(ev.args[0]);
      const hiRaw = num(ev.args[1]);
      const hi = hiRaw === undefined || hiRaw > 1 << 30 ? Infinity : hiRaw;
      const cloexecOnly = flagNames(ev.args[2]).has('CLOSE_RANGE_CLOEXEC');
      const p = this.proc(pid);
      if (lo !== undefined) for (const l of [...p.open.values()]) if (l.fd >= lo && l.fd <= hi) {
        if (cloexecOnly) l.cloexec = true; else this.close(pid, l, 'close_range', ev);
      }
      return;
    }
    if (EXEC_CALLS.has(ev.name)) {
      for (const l of [...this.proc(pid).open.values()]) if (l.cloexec) this.close(pid, l, 'execve', ev);
      return;
    }
    if (PROCESS_CREATING.has(ev.name)) {
      const child = /^\d+$/.test(ev.result ?? '') ? Number(ev.result) : 0;
      if (child > 0 && !this.groups.spawn(tid, child, ev)) {
        const parent = this.proc(pid);
        // A child seen before its clone (its lines came first) keeps what it already has.
        const mine = this.proc(child);
        for (const l of parent.open.values()) {
          if (mine.open.has(l.fd)) continue;
          const c = this.newLife(child, l.fd, l, 'inherited', undefined, l.created);
          c.inheritedFrom = pid;
          if (ev.time !== undefined) c.createdTime = ev.time;
          if (l.cloexec) c.cloexec = true;
          if (l.pending) c.pending = l.pending;
        }
      }
      return;
    }

    // Creating.
    if (ev.resultFd) {
      const r = ev.resultFd;
      const l = this.newLife(pid, r.fd, r, ev.name, ev, here);
      if (ev.name === 'dup' || ev.name === 'dup2' || ev.name === 'dup3' || ev.name.startsWith('fcntl')) {
        const src = num(ev.args?.[0]);
        if (src !== undefined) l.dupOf = src;
        const from = src !== undefined ? this.proc(pid).open.get(src) : undefined;
        if (from) {
          l.type = from.type;
          for (const k of ['path', 'proto', 'local', 'peer'] as const) if (from[k] !== undefined) l[k] ??= from[k];
        }
        l.cloexec = ev.name === 'dup3' ? flagNames(ev.args?.[2]).has('O_CLOEXEC') : nameOf(ev.args?.[1]) === 'F_DUPFD_CLOEXEC';
      } else if (ev.args?.some((a) => [...flagNames(a)].some((f) => CLOEXEC_FLAGS.has(f)))) l.cloexec = true;
      return;
    }
    const pair = FD_PAIR_CREATING[ev.name];
    if (pair && ev.args) {
      const arr = unwrap(ev.args[pair.arg]);
      if (arr?.type === 'array') {
        const cloexec = ev.args.some((a) => [...flagNames(a)].some((f) => CLOEXEC_FLAGS.has(f)));
        for (const item of arr.items) {
          const u = unwrap(item);
          const fd = num(u);
          if (fd === undefined) continue;
          const info: Partial<FdInfo> = u?.type === 'fd' ? parseDecoration(u.decoration) : {};
          if (!info.type || info.type === 'unknown') info.type = pair.type;
          const l = this.newLife(pid, fd, info, ev.name, ev, here);
          if (cloexec) l.cloexec = true;
        }
      }
    }
  }

  private noteFailure(l: Live, ev: SyscallEvent, family: string): void {
    const errno = ev.errno!;
    const rule = routineRuleFor(family, errno, l.path, l.type);
    if (!rule && ev.name !== 'connect') l.remarkable = true;
    const f = l.failures.find((x) => x.call === ev.name && x.errno === errno);
    if (f) { f.count++; return; }
    if (l.failures.length >= this.opts.failuresPerFd) return;
    const nf: FdFailure = { call: ev.name, errno, count: 1, first: locOf(ev) };
    if (rule) nf.routine = rule.name;
    l.failures.push(nf);
  }

  private connect(l: Live, ev: SyscallEvent, here: Location): void {
    const c: ConnectAttempt = { at: here, result: ev.unfinished ? 'unfinished' : ev.errno ?? 'ok', outcome: 'connected' };
    const addr = sockaddrText(ev.args?.[1]);
    if (addr) {
      c.address = addr;
      l.peer ??= addr;
    }
    if (ev.time !== undefined) c.time = ev.time;
    if (l.pending) {
      // A second connect on a connecting socket (EALREADY / EISCONN) belongs to the first attempt.
      if (ev.errno === 'EISCONN') this.resolve(l, ev, undefined, 'connect');
      else if (ev.errno && !CONNECT_PENDING_ERRNOS.has(ev.errno)) this.resolve(l, ev, ev.errno, 'connect');
      return;
    }
    if (ev.unfinished || (ev.errno && CONNECT_PENDING_ERRNOS.has(ev.errno))) {
      c.outcome = 'in-progress';
      l.pending = c;
    } else if (ev.errno) {
      c.outcome = 'failed';
      c.errno = ev.errno;
      c.via = 'connect';
      // A routine refusal (glibc's nscd probe) does not make the life worth keeping.
      if (!routineRuleFor('connect', ev.errno, addr, l.type)) l.remarkable = true;
    } else c.via = 'connect';
    l.connects.push(c);
  }

  private resolve(l: Live, ev: SyscallEvent, errno: string | undefined, via: ConnectAttempt['via']): void {
    const c = l.pending!;
    delete l.pending;
    c.outcome = errno ? 'failed' : 'connected';
    if (errno) {
      c.errno = errno;
      l.remarkable = true;
    }
    c.via = via;
    c.resolved = locOf(ev);
    if (c.time !== undefined && ev.time !== undefined) c.pendingSeconds = ev.time - c.time;
  }

  /** The process ended: its fds are closed with it. */
  exit(tid: number, ev: { file: string; line?: number; time?: number }): void {
    const pid = this.groups.of(tid);
    if (pid !== tid) return; // a thread ended; its process's fds stay
    const p = this.procs.get(pid);
    if (!p) return;
    for (const l of [...p.open.values()]) this.close(pid, l, 'exit', ev);
  }

  /** Lives kept in memory: open fds, and closed ones kept per process. */
  retained(): { open: number; closedKept: number; closedDropped: number; processes: number } {
    let open = 0, closedKept = 0, closedDropped = 0;
    for (const p of this.procs.values()) {
      open += p.open.size;
      closedKept += p.remarkable.length + p.ordinary.length;
      closedDropped += p.dropped.count;
    }
    return { open, closedKept, closedDropped, processes: this.procs.size };
  }

  finish(lastTime?: number): { lives: Map<number, FdLife[]>; dropped: Map<number, DroppedLives> } {
    lastTime ??= this.lastTime;
    const lives = new Map<number, FdLife[]>();
    const dropped = new Map<number, DroppedLives>();
    for (const [pid, p] of this.procs) {
      const all: Live[] = [...p.remarkable, ...p.ordinary, ...p.open.values()];
      all.sort((a, b) => a.seq - b.seq);
      lives.set(pid, all.map((l) => {
        const { seq: _s, cloexec: _c, pending, watching: _w, ...life } = l;
        if (pending) {
          pending.via = 'end of trace';
          if (pending.time !== undefined && lastTime !== undefined) pending.pendingSeconds = lastTime - pending.time;
          life.remarkable = true;
        }
        return life;
      }));
      if (p.dropped.count) dropped.set(pid, p.dropped);
    }
    return { lives, dropped };
  }
}

export function infoOf(l: FdLife): FdInfo {
  const i: FdInfo = { fd: l.fd, type: l.type };
  for (const k of ['path', 'proto', 'local', 'peer'] as const) if (l[k] !== undefined) i[k] = l[k];
  if (l.created) i.origin = l.created;
  return i;
}
