/**
 * Normalization: each event becomes an alignment key (what the call did,
 * with run-to-run noise dropped) and an outcome class (how it ended).
 *
 * Two good runs of the same work must produce the same keys: pids, fd
 * numbers, pointers, ports, inode numbers, byte counts and buffer contents
 * never reach a key; what the fd stands for, the path with its volatile
 * parts masked, the flags that change meaning and the peer's role do.
 * The rules are data in src/knowledge/diff-rules.ts and syscall-families.ts.
 */
import type { FdInfo, Location, SyscallEvent, TraceEvent } from '../model/events.js';
import { fieldValue, flagNames, type Value } from '../model/values.js';
import { sockaddrText } from '../readers/strace/fd-table.js';
import { errnoByName } from '../knowledge/errno.js';
import { classOf, familyOf, READ_FAMILIES, TRANSFER_FAMILIES, WRITE_COUNT_ARG, type SyscallClass } from '../knowledge/syscall-families.js';
import { EPHEMERAL_PORT_MIN, IGNORED_FLAGS, KEPT_STRUCT_FIELDS, maskPath, OUTCOME_FROM_ARG } from '../knowledge/diff-rules.js';

/** `packet`: a step of a flow on the wire (src/diff/normalize-packet.ts). */
export type EventClass = SyscallClass | 'exit' | 'signal' | 'packet';

export interface Normalized {
  /** The alignment key: equal keys mean "the same call on the same kind of thing". */
  key: string;
  /** ok | eof | partial | timeout | unfinished | ? | E:ERRNO | exit:N | killed:SIG */
  outcome: string;
  family: string;
  cls: EventClass;
  /** The connection this event belongs to or creates: the location where its socket was made. */
  lane?: string;
  /** The call's first fd is a socket (closing one is behaviour; closing a file is bookkeeping). */
  onSocket?: boolean;
  /** For exec: the program, masked; for signals: the signal. */
  program?: string;
  /** For fork-family calls: the new pid and whether it is a thread. */
  child?: { pid: number; thread: boolean };
}

/** Families whose string arguments are data, not names: never part of a key. */
const DATA_FAMILIES: ReadonlySet<string> = new Set([...TRANSFER_FAMILIES, 'getdents', 'ioctl', 'prctl', 'sethostname', 'setdomainname', 'keyctl', 'add_key', 'request_key', 'bpf', 'getrandom']);

interface SocketRole {
  proto: string;
  role: 'socket' | 'accepted' | 'connected' | 'listening' | 'bound';
  /** The service port: the peer's for a connected socket, ours for a listening or accepted one. */
  port?: string;
}

const locKey = (l: Location) => `${l.file}:${l.line ?? l.packet ?? 0}`;

export class Normalizer {
  /** What each socket made in this trace is for, by where it was made. */
  private readonly sockets = new Map<string, SocketRole>();

  normalize(ev: TraceEvent): Normalized | undefined {
    switch (ev.kind) {
      case 'syscall':
        return this.syscall(ev);
      case 'exit':
        return {
          key: 'exit', family: 'exit', cls: 'exit',
          outcome: ev.signal ? `killed:${ev.signal}${ev.coreDumped ? '+core' : ''}` : ev.supersededBy !== undefined ? 'superseded' : `exit:${ev.code ?? '?'}`,
        };
      case 'signal':
        return { key: `signal:${ev.signal}${ev.stopped ? ':stop' : ''}`, family: 'signal', cls: 'signal', outcome: 'ok', program: ev.signal };
      default:
        // attach/detach/messages/summaries describe the tracing, not the program.
        return undefined;
    }
  }

  private syscall(ev: SyscallEvent): Normalized {
    const family = familyOf(ev.name);
    const cls = classOf(family);
    const args = ev.args ?? [];
    const parts: string[] = [family];
    let lane: string | undefined;
    let onSocket = false;

    const absolutePath = args.some((a) => a.type === 'string' && a.value.startsWith('/'));
    const fds = ev.fds ?? [];
    for (const ref of fds) {
      // A dirfd next to an absolute path is ignored by the kernel, so it is noise here.
      if (ref.type === 'dir' && absolutePath) continue;
      parts.push(this.describeFd(ref));
    }
    const primary = fds.find((f) => f.arg === 0) ?? fds[0];
    if (primary?.type === 'socket') {
      onSocket = true;
      if (primary.origin) lane = locKey(primary.origin);
    }

    this.trackSocket(ev, family, args, primary);
    if (ev.resultFd?.type === 'socket' && ev.resultFd.origin) {
      lane = locKey(ev.resultFd.origin);
      onSocket = true;
    }

    if (!DATA_FAMILIES.has(family)) {
      for (let i = 0; i < args.length; i++) {
        if (fds.some((f) => f.arg === i)) continue;
        const piece = keyPiece(args[i]!, family);
        if (piece) parts.push(piece);
      }
    }

    const n: Normalized = { key: parts.join(' '), outcome: outcomeOf(ev, family, cls, args), family, cls };
    if (lane) n.lane = lane;
    if (onSocket) n.onSocket = true;
    if (family === 'exec' && !ev.errno) {
      const path = args.find((a) => a.type === 'string');
      if (path && path.type === 'string') n.program = maskPath(path.value.slice(path.value.lastIndexOf('/') + 1));
    }
    if (family === 'fork' && ev.result && /^\d+$/.test(ev.result) && ev.result !== '0') {
      n.child = { pid: Number(ev.result), thread: /CLONE_THREAD/.test(ev.argsText) };
    }
    return n;
  }

  private describeFd(f: FdInfo): string {
    // A standard stream the trace never opened leads where the operator redirected it (good.out, bad.out).
    if (f.fd <= 2 && f.origin === undefined && f.type === 'file') return `std:${f.fd}`;
    switch (f.type) {
      case 'file':
      case 'dir':
      case 'device':
        return f.path ? `${f.type}:${maskPath(f.path)}` : f.type;
      case 'pipe':
        return 'pipe';
      case 'anon': {
        const m = f.path ? /anon_inode:\[?([A-Za-z_-]+)/.exec(f.path) : null;
        return m ? `anon:${m[1]}` : 'anon';
      }
      case 'socket': {
        const role = f.origin ? this.sockets.get(locKey(f.origin)) : undefined;
        if (role) return socketText(role);
        return socketFromDecoration(f);
      }
      default:
        return 'fd';
    }
  }

  /** Learn what sockets made in this trace are for, from socket/accept/connect/bind/listen. */
  private trackSocket(ev: SyscallEvent, family: string, args: Value[], primary: FdInfo | undefined): void {
    if (ev.errno && family !== 'connect') return;
    const made = ev.resultFd?.type === 'socket' && ev.resultFd.origin ? locKey(ev.resultFd.origin) : undefined;
    if (family === 'socket' && made) {
      // The fd table already named the protocol from socket()'s family and type.
      this.sockets.set(made, { proto: protoText(ev.resultFd?.proto) ?? 'sock', role: 'socket' });
      return;
    }
    if (family === 'accept' && made) {
      const listener = primary?.origin ? this.sockets.get(locKey(primary.origin)) : undefined;
      const port = listener?.port ?? portOf(primary?.local);
      this.sockets.set(made, { proto: listener?.proto ?? protoText(primary?.proto) ?? 'sock', role: 'accepted', ...(port ? { port } : {}) });
      return;
    }
    if (!primary?.origin || primary.type !== 'socket') return;
    const key = locKey(primary.origin);
    const role = this.sockets.get(key) ?? { proto: protoText(primary.proto) ?? 'sock', role: 'socket' as const };
    if (family === 'connect') {
      const port = sockaddrPort(args[1]);
      this.sockets.set(key, { ...role, role: 'connected', ...(port ? { port } : {}) });
    } else if (family === 'bind') {
      const port = sockaddrPort(args[1]);
      this.sockets.set(key, { ...role, role: 'bound', ...(port ? { port } : {}) });
    } else if (family === 'listen') {
      this.sockets.set(key, { ...role, role: 'listening' });
    }
  }
}

function socketText(r: SocketRole): string {
  return `sock:${r.proto === 'sock' ? '' : r.proto + ':'}${r.role}${r.port ? ':' + r.port : ''}`;
}

/** A socket known only from -yy: its role is guessed from which end has the service port. */
function socketFromDecoration(f: FdInfo): string {
  const proto = protoText(f.proto) ?? 'sock';
  if (f.path && /^\//.test(f.path)) return `sock:${proto}:${maskPath(f.path)}`;
  const peer = portOf(f.peer);
  const local = portOf(f.local);
  if (peer && Number(peer) < EPHEMERAL_PORT_MIN) return `sock:${proto}:connected:${peer}`;
  if (local && Number(local) < EPHEMERAL_PORT_MIN) return `sock:${proto}:${peer ? 'accepted' : 'bound'}:${local}`;
  return `sock:${proto}`;
}

const PROTO_NAMES: Readonly<Record<string, string>> = {
  TCP: 'tcp', TCPv6: 'tcp', UDP: 'udp', UDPv6: 'udp', 'UNIX-STREAM': 'unix', 'UNIX-DGRAM': 'unix-dgram', UNIX: 'unix', NETLINK: 'netlink',
};

function protoText(p: string | undefined): string | undefined {
  if (!p) return undefined;
  return PROTO_NAMES[p] ?? p.toLowerCase();
}



function portOf(addr: string | undefined): string | undefined {
  if (!addr) return undefined;
  const m = /[:.](\d+)\]?$/.exec(addr);
  return m ? m[1] : undefined;
}

/** The port a sockaddr names, as a service port, or `*` for a client's ephemeral one. */
function sockaddrPort(v: Value | undefined): string | undefined {
  const port = portOf(sockaddrText(v));
  if (port === undefined) return undefined;
  return Number(port) >= EPHEMERAL_PORT_MIN ? '*' : port;
}


/** The part of one argument that belongs in a key, or '' for run data. */
function keyPiece(v: Value, family: string): string {
  switch (v.type) {
    case 'string':
      return JSON.stringify(maskPath(v.value.length > 256 ? v.value.slice(0, 256) : v.value));
    case 'name':
      return IGNORED_FLAGS.has(v.name) ? '' : v.name;
    case 'flags': {
      const kept = [...flagNames(v)].filter((n) => !IGNORED_FLAGS.has(n) && !/^0x|^\d/.test(n));
      return kept.sort().join('|');
    }
    case 'field': {
      if (family === 'fork' && v.name === 'flags') return `flags=${keyPiece(v.value, family)}`;
      if (v.value.type === 'name' || v.value.type === 'flags') {
        const p = keyPiece(v.value, family);
        return p ? `${v.name}=${p}` : '';
      }
      return '';
    }
    case 'struct': {
      const keep = KEPT_STRUCT_FIELDS[family];
      if (keep) {
        return v.items
          .filter((it): it is Extract<Value, { type: 'field' }> => it.type === 'field' && keep.includes(it.name))
          .map((it) => `${it.name}=${keyPiece(it.value, family)}`)
          .join(',');
      }
      if (family === 'connect' || family === 'bind') return sockaddrService(v);
      return '';
    }
    case 'array':
      // execve's argv: its words are what the program was asked to do.
      if (family === 'exec' && v.items.every((i) => i.type === 'string' || i.type === 'ellipsis' || i.type === 'comment')) {
        return '[' + v.items.filter((i) => i.type === 'string').slice(0, 8).map((i) => (i.type === 'string' ? maskPath(i.value) : '')).join(' ') + ']';
      }
      return '';
    case 'comment':
      return v.value ? keyPiece(v.value, family) : '';
    default:
      return '';
  }
}

/** A sockaddr as the service it names: family and service port, or a masked unix path. */
function sockaddrService(v: Value): string {
  const famValue = fieldValue(v, 'sa_family');
  const fam = famValue?.type === 'name' ? famValue.name : '?';
  const path = fieldValue(v, 'sun_path');
  if (path?.type === 'string') return `${fam}:${maskPath(path.value)}`;
  const port = sockaddrPort(v);
  return port ? `${fam}:${port}` : fam;
}

/** The outcome class: what matters about how a call ended, without its byte counts. */
function outcomeOf(ev: SyscallEvent, family: string, cls: SyscallClass, args: Value[]): string {
  if (ev.unfinished || ev.detached) return 'unfinished';
  if (ev.errno) return 'E:' + (errnoByName(ev.errno)?.name ?? ev.errno);
  if (ev.result === undefined || ev.result === '?') return '?';
  const fromArg = OUTCOME_FROM_ARG[ev.name];
  if (fromArg && args.some((a) => a.type === 'name' && a.name === fromArg.when)) {
    const box = args[fromArg.arg];
    const first = box && box.type === 'array' ? box.items[0] : undefined;
    if (first && first.type === 'name' && /^E[A-Z0-9]+$/.test(first.name)) return 'E:' + (errnoByName(first.name)?.name ?? first.name);
    return 'ok';
  }
  if (ev.result === '0') {
    if (READ_FAMILIES.has(family)) return 'eof';
    if (cls === 'wait') return 'timeout';
  }
  const countArg = WRITE_COUNT_ARG[ev.name];
  if (countArg !== undefined) {
    const c = args[countArg];
    if (c && c.type === 'number' && /^\d+$/.test(ev.result) && Number(ev.result) < Number(c.text)) return 'partial';
  }
  return 'ok';
}
