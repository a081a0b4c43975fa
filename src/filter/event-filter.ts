/**
 * The command line's event filters (`--pid`, `--trace`, `--ignore`,
 * `--host`, `--port`) as one predicate over the event stream. Filtering only
 * drops events: what is kept keeps its location, its order and every field.
 * docs/filters.md is the user's description of these rules.
 *
 * - `--pid` keeps strace events of exactly the listed pids (strace prints a
 *   thread's own id, so a thread is listed by its tid). Children are not
 *   followed: that is strace's `-p` too, and a pid of interest is one
 *   `tracediff parse` shows. Packets carry no pid and are never dropped by it.
 *   Lines strace printed without a pid are attributed below.
 * - `--trace`/`--ignore` are strace set expressions (syscall-set.ts) over
 *   syscall names; they apply to syscalls and to the rows of a `-c` summary,
 *   never to signals, exits, attach/detach (what happened to a kept process
 *   explains its calls) nor to packets. With both, a call must be in --trace
 *   and not in --ignore.
 * - `--host`/`--port` apply to packets, as tcpdump's `host A` and `port N`:
 *   either end matches; several values of one option are alternatives, the
 *   two options must both hold. An ICMP error is kept when the packet it
 *   quotes matches, so "udp port 53 unreachable" survives `--port 53`.
 *   With `socketSyscalls`, a syscall on an IP socket whose endpoints are
 *   known (from -yy or from the fd table) is held to the same test; any
 *   other syscall is left alone.
 */
import { isIP } from 'node:net';
import { isWildcard, parseEndpoint } from '../analysis/correlate/endpoints.js';
import { ipv6 } from '../decode/addr.js';
import type { FdInfo, PacketEvent, SyscallEvent, TraceEvent } from '../model/events.js';
import { parseSyscallSet, SyscallSetError, type SyscallSet } from './syscall-set.js';

export interface EventFilterSpec {
  /** `--pid`: keep only these processes' strace events. */
  pids?: readonly number[];
  /** `--trace=SET`: keep only these syscalls. */
  trace?: string;
  /** `--ignore=SET`: drop these syscalls. */
  ignore?: string;
  /** `--host`: keep packets to or from these addresses (IPv4 or IPv6). */
  hosts?: readonly string[];
  /** `--port`: keep packets to or from these TCP/UDP ports. */
  ports?: readonly number[];
  /** Hold syscalls on IP sockets with known endpoints to --host/--port too. */
  socketSyscalls?: boolean;
}

export type FilterOption = 'pid' | 'trace' | 'ignore' | 'host' | 'port';

/** A filter argument that means nothing; the message is one line naming the option and the bad item. */
export class FilterSpecError extends Error {
  constructor(readonly option: FilterOption, readonly item: string, message: string) {
    super(message);
    this.name = 'FilterSpecError';
  }
}

export type EventFilter = (ev: TraceEvent) => boolean;

/** Whether the spec filters anything (when not, the stream needs no wrapping). */
export function filtersAnything(spec: EventFilterSpec): boolean {
  return (spec.pids?.length ?? 0) > 0 || spec.trace !== undefined || spec.ignore !== undefined
    || (spec.hosts?.length ?? 0) > 0 || (spec.ports?.length ?? 0) > 0;
}

/**
 * The predicate for a spec; throws FilterSpecError for a bad value. It keeps
 * state (which processes each file has shown), so build one per stream and
 * give it the events in stream order.
 */
export function buildEventFilter(spec: EventFilterSpec): EventFilter {
  const pids = spec.pids?.length ? checkPids(spec.pids) : undefined;
  const trace = spec.trace !== undefined ? syscallSet('trace', spec.trace) : undefined;
  const ignore = spec.ignore !== undefined ? syscallSet('ignore', spec.ignore) : undefined;
  const hosts = spec.hosts?.length ? new Set(spec.hosts.map(checkHost)) : undefined;
  const ports = spec.ports?.length ? new Set(spec.ports.map((p) => checkPort(p))) : undefined;
  const net = hosts || ports ? new EndpointTest(hosts, ports) : undefined;
  const owners = pids ? new PidAttribution() : undefined;
  const inSets = (name: string) => (!trace || trace.has(name)) && (!ignore || !ignore.has(name));

  return (ev) => {
    if (ev.kind === 'packet') return !net || net.packet(ev);
    if (owners) {
      const owner = owners.pidOf(ev);
      if (owner !== UNKNOWN && !pids!.has(owner)) return false;
    }
    if (ev.kind === 'syscall') {
      if (!inSets(ev.name)) return false;
      return !net || !spec.socketSyscalls || net.syscall(ev) !== false;
    }
    // A -c table: strace -c -e trace=SET tabulates only the set; the total row is not a call.
    if (ev.kind === 'summary') return ev.syscall === 'total' || inSets(ev.syscall);
    return true;
  };
}

/** Apply a filter to a stream of event batches (openTraces' `events`), dropping batches left empty. */
export async function* filterEventBatches(batches: AsyncIterable<TraceEvent[]>, keep: EventFilter): AsyncGenerator<TraceEvent[]> {
  for await (const batch of batches) {
    const kept = batch.filter(keep);
    if (kept.length > 0) yield kept;
  }
}

/**
 * `--pid` arguments as strace's `-p` takes them: repeatable, and each may
 * hold several pids separated by commas or white space.
 */
export function parsePidArgs(values: ReadonlyArray<string | number>): number[] {
  return splitArgs(values).map((v) => {
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) throw new FilterSpecError('pid', v, `--pid ${v}: not a process id (a positive whole number)`);
    return n;
  });
}

/** `--port` arguments: repeatable, commas allowed. */
export function parsePortArgs(values: ReadonlyArray<string | number>): number[] {
  return splitArgs(values).map((v) => checkPort(/^\d+$/.test(v) ? Number(v) : NaN, v));
}

/** `--host` arguments: repeatable, commas allowed; each must be an IP address. */
export function parseHostArgs(values: ReadonlyArray<string | number>): string[] {
  const out = splitArgs(values);
  for (const h of out) checkHost(h);
  return out;
}

function splitArgs(values: ReadonlyArray<string | number>): string[] {
  return values.flatMap((v) => String(v).split(/[,\s]+/)).filter((v) => v !== '');
}

function checkPids(pids: readonly number[]): Set<number> {
  for (const p of pids) {
    if (!Number.isSafeInteger(p) || p <= 0) throw new FilterSpecError('pid', String(p), `--pid ${p}: not a process id (a positive whole number)`);
  }
  return new Set(pids);
}

function checkPort(port: number, text = String(port)): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FilterSpecError('port', text, `--port ${text}: not a port number (0-65535)`);
  return port;
}

/** A user's address in the form packets carry it; throws for anything but an IP address. */
function checkHost(text: string): string {
  const canonical = canonicalAddress(text);
  if (canonical === undefined) {
    throw new FilterSpecError('host', text, `--host ${text}: not an IP address (host names are not resolved; give the address as tcpdump -n prints it)`);
  }
  return canonical;
}

function syscallSet(option: 'trace' | 'ignore', text: string): SyscallSet {
  try {
    return parseSyscallSet(text);
  } catch (e) {
    if (e instanceof SyscallSetError) throw new FilterSpecError(option, e.item, `--${option}=${text}: ${e.message}`);
    throw e;
  }
}

/**
 * An IPv4 or IPv6 address in tcpdump -n's form (inet_ntop: lower case, the
 * longest zero run as `::`), with an IPv4-mapped IPv6 address as the IPv4 one
 * it is on the wire; undefined when the text is not an address.
 */
export function canonicalAddress(text: string): string | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  // A zone (fe80::1%eth0) is not part of what a packet or tcpdump shows.
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const family = isIP(t);
  if (family === 4) return t.split('.').map((x) => String(Number(x))).join('.');
  if (family !== 6) return undefined;
  const bytes = ipv6Bytes(t);
  if (!bytes) return undefined;
  const s = ipv6(bytes, 0);
  return s.startsWith('::ffff:') && s.includes('.') ? s.slice(7) : s;
}

/** The 16 bytes of an IPv6 address text that isIP accepted. */
function ipv6Bytes(t: string): Uint8Array | undefined {
  let text = t.toLowerCase();
  let tail: number[] = [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) is the last two words.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = text.slice(0, v4.index);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = words(halves[0]!);
  const rear = halves.length === 2 ? words(halves[1]!) : [];
  const fill = 8 - head.length - rear.length - tail.length;
  if (halves.length === 2 ? fill < 0 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rear, ...tail];
  if (all.some((w) => !(w >= 0 && w <= 0xffff))) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

interface Address {
  ip: string;
  port?: number;
}

/** Packet and socket endpoints against --host/--port, tcpdump-style. */
class EndpointTest {
  // Captures repeat a handful of endpoint texts; parsing each once keeps the filter off the profile.
  private readonly parsed = new Map<string, Address | null>();

  constructor(private readonly hosts: ReadonlySet<string> | undefined, private readonly ports: ReadonlySet<number> | undefined) {}

  packet(ev: PacketEvent): boolean {
    if (this.pair(this.address(ev.src), this.address(ev.dst))) return true;
    // An ICMP error quotes the packet it answers: it belongs to that packet's flow.
    return ev.inner !== undefined && this.pair(this.address(ev.inner.src), this.address(ev.inner.dst));
  }

  /** true/false for a call on IP sockets with known endpoints; undefined when it has none. */
  syscall(ev: SyscallEvent): boolean | undefined {
    let known = false;
    const check = (f: FdInfo) => {
      if (f.type !== 'socket') return false;
      const local = this.address(f.local);
      const peer = this.address(f.peer);
      if (!local && !peer) return false;
      known = true;
      return this.pair(local, peer, true);
    };
    if (ev.fds?.some(check) || (ev.resultFd && check(ev.resultFd))) return true;
    return known ? false : undefined;
  }

  /** Either end has a listed host, and either end a listed port (each test only when given). */
  private pair(a: Address | undefined, b: Address | undefined, wildcardLocal = false): boolean {
    if (!a && !b) return false;
    if (this.hosts) {
      const any = (x: Address | undefined, local: boolean) =>
        x !== undefined && (this.hosts!.has(x.ip) || (local && isWildcard({ ip: x.ip, port: 0 })));
      // A socket bound to 0.0.0.0 or :: listens on every address, the listed one too.
      if (!any(a, wildcardLocal) && !any(b, false)) return false;
    }
    if (this.ports) {
      if (!(a?.port !== undefined && this.ports.has(a.port)) && !(b?.port !== undefined && this.ports.has(b.port))) return false;
    }
    return true;
  }

  private address(text: string | undefined): Address | undefined {
    if (text === undefined) return undefined;
    let v = this.parsed.get(text);
    if (v === undefined) {
      v = parseAddress(text) ?? null;
      if (this.parsed.size > 65536) this.parsed.clear();
      this.parsed.set(text, v);
    }
    return v ?? undefined;
  }
}

/** "10.0.0.1", "::1" (no port: ICMP, fragments), "10.0.0.1.80", "::1.8080", "127.0.0.1:80", "[::1]:80"; undefined for MACs and unix paths. */
function parseAddress(text: string): Address | undefined {
  if (isIP(text)) return { ip: canonicalAddress(text)! };
  const e = parseEndpoint(text);
  if (!e) return undefined;
  return { ip: canonicalAddress(e.ip) ?? e.ip, port: e.port };
}

const UNKNOWN = Symbol('unknown pid');

/**
 * Whose an event is, for --pid. strace prints no pid while it traces a single
 * process (a log without -f, `-p` of one process, the lines `strace -f`
 * writes to stderr before the first child and after the last one), so such a
 * line belongs to the one process alive in that log when the line began.
 * Per file: the pids seen, minus those that exited. A line without a pid goes
 * to the sole live process when there is exactly one and every process of
 * the file has been seen; otherwise (the first lines of `strace -f` before
 * the initial process shows its pid, a log with no pid at all) it is UNKNOWN,
 * and kept: it cannot be shown to be another process's, and it is the
 * history every later process of that log descends from.
 */
class PidAttribution {
  private readonly files = new Map<string, { live: Map<number, number>; initialUnseen: boolean }>();

  pidOf(ev: TraceEvent): number | typeof UNKNOWN {
    let f = this.files.get(ev.file);
    if (!f) this.files.set(ev.file, (f = { live: new Map(), initialUnseen: false }));
    const line = ev.line ?? Infinity;
    const pid = ev.pid;
    if (pid === undefined) {
      if (f.live.size === 0) f.initialUnseen = true;
      if (f.initialUnseen) return UNKNOWN;
      // "clone(…strace: Process N attached" comes out inside the parent's line: N did not exist when that line began.
      let owner: number | undefined;
      for (const [p, since] of f.live) {
        if (since >= line) continue;
        if (owner !== undefined) return UNKNOWN;
        owner = p;
      }
      return owner ?? UNKNOWN;
    }
    if (!f.live.has(pid)) {
      // The first pid that no "Process N attached" announced is the process the log began with.
      if (ev.kind !== 'attach') f.initialUnseen = false;
      f.live.set(pid, line);
    }
    if (ev.kind === 'exit' || ev.kind === 'detach') f.live.delete(pid);
    return pid;
  }
}
