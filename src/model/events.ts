/**
 * The common event model every reader produces and every later layer
 * (timeline, differ, findings, renderers) consumes. It follows
 * ../shared/CONTRACT.md: each event has a `kind` and a location.
 *
 * Events are plain JSON-serialisable objects so that `parse --format jsonl`
 * can write them as they are; values that may exceed 2^53 (return values,
 * pointers, inode numbers) are kept as the text strace printed.
 */
import type { Value } from './values.js';

/** Where an event came from: 1-based line for text, 1-based frame for captures. */
export interface Location {
  file: string;
  line?: number;
  packet?: number;
  /** Last line of an event that spans several lines (an unfinished call and its resumption). */
  endLine?: number;
}

/** What an fd number stood for at the moment of the call, from -y/-yy or from the fd table. */
export interface FdInfo {
  fd: number;
  /** "file" | "dir" | "socket" | "pipe" | "anon" | "device" | "unknown" */
  type: FdType;
  /** Path for files/devices, or the -y text for others (e.g. "pipe:[1234]"). */
  path?: string;
  /** Socket protocol as strace names it: TCP, TCPv6, UDP, UDPv6, UNIX-STREAM, NETLINK... */
  proto?: string;
  local?: string;
  peer?: string;
  deleted?: boolean;
  /** Where the fd was created (open/socket/accept...), when the trace shows it. */
  origin?: Location;
}

export type FdType = 'file' | 'dir' | 'socket' | 'pipe' | 'anon' | 'device' | 'unknown';

interface EventBase extends Location {
  pid?: number;
  /** Seconds: epoch seconds when the trace gives them (-ttt), else seconds since midnight (-t/-tt), or since the first line (-r). */
  time?: number;
  /** The timestamp exactly as printed, so nanosecond precision is never lost to float rounding. */
  timeText?: string;
  /** -Y / --decode-pids=comm process name. */
  comm?: string;
}

export interface SyscallEvent extends EventBase {
  kind: 'syscall';
  name: string;
  /** Raw argument text between the call's parentheses (joined across unfinished/resumed halves). */
  argsText: string;
  /** Structured arguments; present unless the reader was asked for the envelope only. */
  args?: Value[];
  /** Set when the argument text could not be parsed into values (the envelope is still valid). */
  argsError?: string;
  /** The return value as written: "0", "-1", "0x7f…", "?". Absent when unfinished. */
  result?: string;
  /** -y/-yy decoration printed on a returned fd: `= 3</etc/passwd>`. */
  resultDecoration?: string;
  errno?: string;
  /** The text strace printed in parentheses after the errno, e.g. "No space left on device". */
  errnoMessage?: string;
  /** Other parenthesised notes after the result: "(Timeout)", "(flags O_RDWR)", "([{fd=3, revents=POLLIN}])". */
  note?: string;
  /** -T duration in seconds. */
  duration?: number;
  durationText?: string;
  /** -r / `(+ …)` relative timestamp: seconds since the previous line. */
  relative?: number;
  /** The call was injected by `-e inject` (strace appended "(INJECTED)"). */
  injected?: boolean;
  /** The trace ended (or strace detached) before the call returned. */
  unfinished?: boolean;
  /** `<detached ...>`: strace let go of the process during the call. */
  detached?: boolean;
  /** Line where the `<... resumed>` half was found. */
  resumedLine?: number;
  /** Only the `<... resumed>` half is in the trace (strace attached, or the file starts, mid-call). */
  resumedWithoutStart?: boolean;
  /** A multithreaded execve: the thread that started the call, when it resumed under the leader's pid. */
  startPid?: number;
  /** -i instruction pointer, -n syscall number. */
  ip?: string;
  syscallNumber?: number;
  /** The traced program's own output that landed inside this call's line (a trace on stderr mixed with stdout). */
  programOutput?: string;
  /** -k stack frames, innermost first, as printed. */
  stack?: string[];
  /** -e read=/write= hex dump, reassembled into the bytes it shows (hex string). */
  dump?: string;
  /** fd arguments resolved: position in args → what the fd was. */
  fds?: FdRef[];
  /** For calls that create an fd (open, socket, accept...): what the returned fd stands for. */
  resultFd?: FdInfo;
}

export interface FdRef extends FdInfo {
  /** Index of the argument that held the fd. */
  arg: number;
}

export interface SignalEvent extends EventBase {
  kind: 'signal';
  /** SIGCHLD, SIGSEGV… */
  signal: string;
  /** "--- stopped by SIGSTOP ---" (a group-stop), rather than a delivered signal. */
  stopped?: boolean;
  /** Old strace's description in parentheses: "(Child exited)". */
  description?: string;
  /** The siginfo text between braces, and its parse. */
  infoText?: string;
  info?: Value;
}

export interface ExitEvent extends EventBase {
  kind: 'exit';
  /** exited with N */
  code?: number;
  /** killed by SIG… */
  signal?: string;
  coreDumped?: boolean;
  /** "+++ superseded by execve in pid N +++": this pid became N's program. */
  supersededBy?: number;
}

export interface AttachEvent extends EventBase {
  kind: 'attach';
  /** "attached with N threads" */
  threads?: number;
}

export interface DetachEvent extends EventBase {
  kind: 'detach';
}

/** One row of a `-c`/`-C`/`-w` summary table. */
export interface SummaryEvent extends EventBase {
  kind: 'summary';
  syscall: string;
  calls?: number;
  errors?: number;
  seconds?: number;
  percent?: number;
  usecsPerCall?: number;
  /** Every column by its header name, as printed (covers `-U` custom columns). */
  columns: Record<string, string>;
}

/** A diagnostic strace wrote about itself ("strace: [ Process PID=1 runs in 32 bit mode. ]"). */
export interface MessageEvent extends EventBase {
  kind: 'message';
  text: string;
}

export interface UnparsedEvent extends EventBase {
  kind: 'unparsed';
  text: string;
  reason: string;
}

export type TraceEvent =
  | SyscallEvent
  | SignalEvent
  | ExitEvent
  | AttachEvent
  | DetachEvent
  | SummaryEvent
  | MessageEvent
  | UnparsedEvent;

export type EventKind = TraceEvent['kind'];
