/**
 * Per-process fd tables, so later stages know that fd 14 is a cache file
 * and fd 11 the client socket even when the trace was taken without -y.
 *
 * Knowledge of which call does what to fds is in src/knowledge/fd-syscalls.ts;
 * this file only applies it. Threads (clone with CLONE_FILES) share one
 * table object; fork/vfork/clone without it copy the parent's. A -y/-yy
 * decoration is the ground truth whenever present and refreshes the table.
 */
import type { FdInfo, FdRef, Location, SyscallEvent } from '../../model/events.js';
import { fieldValue, flagNames, nameOf, unwrap, type Value } from '../../model/values.js';
import {
  CLOEXEC_FLAGS, EXEC_CALLS, FCNTL_DUP_COMMANDS, FD_ARGS, FD_CLOSING, FD_DUPLICATING, FD_PAIR_CREATING,
  FD_RETURNING, PROCESS_CREATING, SOCKADDR_ARGS,
} from '../../knowledge/fd-syscalls.js';
import { parseDecoration } from './decoration.js';

interface Entry extends FdInfo {
  cloexec?: boolean;
}

type Table = Map<number, Entry>;

const STD_NAMES = ['stdin', 'stdout', 'stderr'];

export class FdTables {
  private tables = new Map<number, Table>();

  /** The table of a pid (0 when the trace has no pids), created empty on first sight. */
  private table(pid: number): Table {
    let t = this.tables.get(pid);
    if (!t) {
      t = new Map();
      this.tables.set(pid, t);
    }
    return t;
  }

  /** What fd `fd` of `pid` stands for right now, if known. */
  lookup(pid: number | undefined, fd: number): FdInfo | undefined {
    const e = this.tables.get(pid ?? 0)?.get(fd);
    if (!e) return undefined;
    const { cloexec: _c, ...info } = e;
    return info;
  }

  /** Number of processes with a table (for tests and diagnostics). */
  get size(): number {
    return this.tables.size;
  }

  /**
   * Annotate a completed call with what its fds are (`fds`, `resultFd`) and
   * update the tables. `args` are the parsed arguments (needed only for
   * calls that create, close or describe fds).
   */
  apply(ev: SyscallEvent, args: Value[] | undefined): void {
    const pid = ev.pid ?? 0;
    const t = this.table(pid);
    const name = ev.name;
    const positions = FD_ARGS[name];
    const ok = ev.result !== undefined && ev.errno === undefined && ev.result !== '?';
    const loc: Location = { file: ev.file, line: ev.line };

    if (positions && args) {
      const refs: FdRef[] = [];
      for (const p of positions) {
        const ref = this.fdArg(t, args[p], p);
        if (ref) refs.push(ref);
      }
      if (refs.length) ev.fds = refs;
    }
    if (!ok) return;

    const res = ev.result!;
    const resNum = /^\d+$/.test(res) ? Number(res) : -1;

    if (FD_CLOSING.has(name)) {
      const fd = numArg(args?.[0]);
      if (fd !== undefined) t.delete(fd);
      return;
    }
    if (name === 'close_range' && args) {
      const lo = numArg(args[0]);
      const hiRaw = numArg(args[1]);
      const hi = hiRaw === undefined || hiRaw > 1 << 30 ? Infinity : hiRaw;
      const cloexecOnly = flagNames(args[2]).has('CLOSE_RANGE_CLOEXEC');
      if (lo !== undefined) for (const fd of [...t.keys()]) if (fd >= lo && fd <= hi) {
        if (cloexecOnly) t.get(fd)!.cloexec = true; else t.delete(fd);
      }
      return;
    }
    if (FD_DUPLICATING.has(name) || (name.startsWith('fcntl') && args && FCNTL_DUP_COMMANDS.has(nameOf(args[1]) ?? ''))) {
      const src = numArg(args?.[0]);
      if (src !== undefined && resNum >= 0) {
        const from = t.get(src);
        const copy: Entry = { ...(from ?? { fd: resNum, type: 'unknown' }), fd: resNum, origin: loc };
        copy.cloexec = name === 'dup3' ? flagNames(args?.[2]).has('O_CLOEXEC') : nameOf(args?.[1]) === 'F_DUPFD_CLOEXEC';
        t.set(resNum, copy);
        ev.resultFd = strip(copy);
      }
      return;
    }
    const pair = FD_PAIR_CREATING[name];
    if (pair && args) {
      const arr = unwrap(args[pair.arg]);
      if (arr && arr.type === 'array') {
        const cloexec = flagNames(args[pair.arg === 0 ? 1 : 2]).has('O_CLOEXEC') || flagNames(args[1]).has('SOCK_CLOEXEC');
        for (const item of arr.items) {
          const r = this.fdArg(t, item, pair.arg);
          const fd = r?.fd;
          if (fd === undefined) continue;
          const e: Entry = { fd, type: r?.type !== 'unknown' && r?.type ? r.type : pair.type, origin: loc, cloexec };
          if (r?.path) e.path = r.path;
          if (r?.proto) e.proto = r.proto;
          t.set(fd, e);
        }
      }
      return;
    }
    if (PROCESS_CREATING.has(name)) {
      if (resNum > 0) this.fork(pid, resNum, name, args);
      return;
    }
    if (EXEC_CALLS.has(name)) {
      for (const [fd, e] of t) if (e.cloexec) t.delete(fd);
      return;
    }
    const kind = FD_RETURNING[name];
    if (kind && resNum >= 0) {
      const e: Entry = { fd: resNum, type: kind, origin: loc };
      if (ev.resultDecoration) Object.assign(e, parseDecoration(ev.resultDecoration));
      else if (args) describeNew(e, name, args);
      if (args?.some((a) => [...flagNames(a)].some((f) => CLOEXEC_FLAGS.has(f)))) e.cloexec = true;
      t.set(resNum, e);
      ev.resultFd = strip(e);
      return;
    }
    const sa = SOCKADDR_ARGS[name];
    if (sa && args) {
      const fd = numArg(args[0]);
      const addr = sockaddrText(args[sa.arg]);
      if (fd !== undefined && addr) {
        const e = t.get(fd) ?? { fd, type: 'socket' as const };
        if (sa.end === 'peer') e.peer ??= addr; else e.local ??= addr;
        t.set(fd, e);
      }
    }
    if (name === 'fcntl' || name === 'fcntl64') {
      const fd = numArg(args?.[0]);
      const cmd = nameOf(args?.[1]);
      if (fd !== undefined && cmd === 'F_SETFD' && t.has(fd)) t.get(fd)!.cloexec = flagNames(args?.[2]).has('FD_CLOEXEC');
    }
  }

  private fork(parent: number, child: number, call: string, args: Value[] | undefined): void {
    const flags = new Set<string>();
    for (const a of args ?? []) for (const f of flagNames(fieldValue(a, 'flags') ?? a)) flags.add(f);
    if (call !== 'fork' && call !== 'vfork' && flags.has('CLONE_FILES')) {
      // Threads share the table object itself; entries the child already learned are kept.
      const shared = this.table(parent);
      const existing = this.tables.get(child);
      if (existing) for (const [fd, e] of existing) if (!shared.has(fd)) shared.set(fd, e);
      this.tables.set(child, shared);
      return;
    }
    const copy: Table = new Map();
    for (const [fd, e] of this.table(parent)) copy.set(fd, { ...e });
    const existing = this.tables.get(child);
    if (existing) for (const [fd, e] of existing) copy.set(fd, e);
    this.tables.set(child, copy);
  }

  private fdArg(t: Table, v: Value | undefined, arg: number): FdRef | undefined {
    if (!v) return undefined;
    if (v.type === 'fd') {
      const fd = v.fd.type === 'number' ? Number(v.fd.text) : v.fd.type === 'name' && v.fd.name === 'AT_FDCWD' ? -100 : undefined;
      if (fd === undefined) return undefined;
      const d = parseDecoration(v.decoration);
      // AT_FDCWD</root>: the working directory.
      if (fd === -100 && d.type === 'file') d.type = 'dir';
      const ref: FdRef = { arg, fd, ...d };
      if (fd >= 0) {
        // The decoration is the truth at this moment: refresh what the table believed.
        const prev = t.get(fd);
        const e: Entry = { ...prev, fd, ...d };
        if (!prev) e.origin = undefined;
        // Where the fd was made stays known when -yy redecorates it (a socket gains its peer on connect).
        else if (prev.origin) ref.origin = prev.origin;
        t.set(fd, clean(e));
      }
      return ref;
    }
    const fd = numArg(v);
    if (fd === undefined || fd < 0) return undefined;
    const known = t.get(fd);
    if (known) return { arg, ...strip(known) };
    if (fd <= 2) return { arg, fd, type: 'unknown', path: STD_NAMES[fd] };
    return undefined;
  }
}

function clean(e: Entry): Entry {
  for (const k of Object.keys(e) as (keyof Entry)[]) if (e[k] === undefined) delete e[k];
  return e;
}

function strip(e: Entry): FdInfo {
  const { cloexec: _c, ...info } = e;
  return info;
}


function numArg(v: Value | undefined): number | undefined {
  const u = unwrap(v);
  if (!u) return undefined;
  if (u.type === 'number' && /^-?\d+$/.test(u.text)) return Number(u.text);
  if (u.type === 'fd') return numArg(u.fd);
  if (u.type === 'name' && u.name === 'AT_FDCWD') return -100;
  return undefined;
}




/** `{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}` → "1.2.3.4:80". */
export function sockaddrText(v: Value | undefined): string | undefined {
  const s = unwrap(v);
  if (!s || s.type !== 'struct') return undefined;
  const fam = nameOf(fieldValue(s, 'sa_family'));
  const callArg = (f: string) => {
    const x = unwrap(fieldValue(s, f));
    if (!x) return undefined;
    if (x.type === 'call') {
      const a = x.args.find((y) => y.type === 'string' || y.type === 'number');
      return a?.type === 'string' ? a.value : a?.type === 'number' ? a.text : undefined;
    }
    if (x.type === 'number') return x.text;
    if (x.type === 'string') return x.value;
    return undefined;
  };
  if (fam === 'AF_INET') {
    const ip = callArg('sin_addr');
    const port = callArg('sin_port');
    return ip !== undefined ? `${ip}:${port ?? '?'}` : undefined;
  }
  if (fam === 'AF_INET6') {
    let ip = callArg('sin6_addr');
    if (ip === undefined) {
      // inet_pton(AF_INET6, "::1", &sin6_addr) is printed as a field-less call in the struct.
      for (const it of s.items) if (it.type === 'call' && it.name === 'inet_pton') {
        const str = it.args.find((y) => y.type === 'string');
        if (str?.type === 'string') ip = str.value;
      }
    }
    const port = callArg('sin6_port');
    return ip !== undefined ? `[${ip}]:${port ?? '?'}` : undefined;
  }
  if (fam === 'AF_UNIX') {
    const p = unwrap(fieldValue(s, 'sun_path'));
    if (p?.type === 'string') return (p.abstract ? '@' : '') + p.value;
    return 'unix:(unnamed)';
  }
  return fam;
}

const SOCK_PROTO: Record<string, Record<string, string>> = {
  AF_INET: { SOCK_STREAM: 'TCP', SOCK_DGRAM: 'UDP', SOCK_RAW: 'RAW' },
  AF_INET6: { SOCK_STREAM: 'TCPv6', SOCK_DGRAM: 'UDPv6', SOCK_RAW: 'RAWv6' },
  AF_UNIX: { SOCK_STREAM: 'UNIX-STREAM', SOCK_DGRAM: 'UNIX-DGRAM', SOCK_SEQPACKET: 'UNIX-SEQPACKET' },
  AF_LOCAL: { SOCK_STREAM: 'UNIX-STREAM', SOCK_DGRAM: 'UNIX-DGRAM', SOCK_SEQPACKET: 'UNIX-SEQPACKET' },
  AF_NETLINK: { SOCK_RAW: 'NETLINK', SOCK_DGRAM: 'NETLINK' },
};

/** Without -y: infer what a new fd is from the call's own arguments. */
function describeNew(e: Entry, name: string, args: Value[]): void {
  if (name === 'open' || name === 'creat' || name === 'mq_open') {
    const p = unwrap(args[0]);
    if (p?.type === 'string') e.path = p.value;
  } else if (name === 'openat' || name === 'openat2') {
    const p = unwrap(args[1]);
    if (p?.type === 'string') e.path = p.value;
    const flags = flagNames(args[2] ?? undefined);
    if (flags.has('O_DIRECTORY')) e.type = 'dir';
  } else if (name === 'socket') {
    const fam = nameOf(args[0]) ?? '';
    const types = flagNames(args[1]);
    const byType = SOCK_PROTO[fam];
    if (byType) for (const t of types) if (byType[t]) e.proto = byType[t];
    e.proto ??= fam || undefined;
    if (e.proto === undefined) delete e.proto;
  } else if (name === 'accept' || name === 'accept4') {
    const peer = sockaddrText(args[1]);
    if (peer) e.peer = peer;
  } else if (name === 'memfd_create') {
    const p = unwrap(args[0]);
    if (p?.type === 'string') e.path = `memfd:${p.value}`;
  } else e.path = `anon_inode:[${name.replace(/\d+$/, '').replace(/_create$|_init$|_open$|_setup$/, '')}]`;
}
