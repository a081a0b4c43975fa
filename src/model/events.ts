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
  /**
   * Epoch seconds on the timeline shared by several sources of one run, when
   * that differs from `time` (a `-tt` strace log placed beside a capture, or a
   * source moved by --clock-offset). docs/timeline.md.
   */
  at?: number;
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
  /** The TCP connection (in a capture of the same run) this call acts on, when correlated: the same id as on its packets. */
  flow?: string;
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

/**
 * One captured frame (pcap/pcapng) or one packet line of tcpdump text.
 * Field names and values follow what `tcpdump -n` prints, so an event read
 * from a capture and one read from tcpdump's text of the same capture are
 * equal. Captures locate by `packet` (1-based frame number); tcpdump text by
 * `line`, plus `packet` when the text was printed with `-#`.
 */
export interface PacketEvent extends EventBase {
  kind: 'packet';
  /** "ip" or "ip.port" as tcpdump prints with -n (IPv6 as "::1.8080"); MAC addresses for non-IP frames; the sender/target for ARP. */
  src?: string;
  dst?: string;
  /** The highest layer decoded: "tcp" | "udp" | "icmp" | "icmp6" | "arp" | "rarp" | "ip" | "ip6" | a protocol name ("gre", "sctp", "esp") | "ether" | "unknown". */
  proto: string;
  /** "IP" | "IP6" for IP packets: which network header carried it. */
  network?: 'IP' | 'IP6';

  // Link layer (captures, and tcpdump text with -e or -i any).
  /** DLT name of the frame's link type: "EN10MB", "LINUX_SLL2", "NULL"… */
  linkType?: string;
  /** Interface name: pcapng if_name, or the `-i any` column of tcpdump text. */
  iface?: string;
  /** Interface index from a Linux cooked v2 header. */
  ifindex?: number;
  /** tcpdump's direction column: "In" | "Out" | "B" (broadcast) | "M" (multicast) | "P" (to another host); also pcapng epb_flags. */
  direction?: 'In' | 'Out' | 'B' | 'M' | 'P';
  macSrc?: string;
  macDst?: string;
  /** 802.1Q tags, outermost first (QinQ gives two). */
  vlan?: number[];
  ethertype?: number;

  // Network layer.
  ttl?: number;
  /** IPv4 identification. */
  ipId?: number;
  /** Total IP length (IPv4 total length; IPv6 40 + payload length). */
  ipLen?: number;
  /** IPv4 options or IPv6 extension headers, by name, in order. */
  ipOptions?: string[];
  /** A fragment: offset in bytes; `more` when MF is set. Only the first fragment carries the transport header. */
  frag?: { id?: number; offset: number; more?: boolean };

  // TCP (the contract's names). seq/ack are what tcpdump prints: relative to the
  // connection's first numbers after the first packet, unless -S. seq is present
  // exactly when tcpdump prints it (data, SYN, FIN, RST); ack when ACK is set.
  /** tcpdump's letters: "S", "S.", "P.", "R.", "F.", "." ; "none" when no flag is set. */
  flags?: string;
  seq?: number;
  ack?: number;
  win?: number;
  urg?: number;
  /** Payload length: TCP and UDP data bytes; for ICMP/ARP the length tcpdump prints. */
  len?: number;
  /** Whether seq/ack above are relative (tcpdump's default) or absolute (-S, or the first packet of a connection). */
  seqRelative?: boolean;
  /** Sequence and acknowledgement numbers as on the wire, when known (always from captures). */
  rawSeq?: number;
  rawAck?: number;
  /** TCP options as tcpdump prints them inside `options [...]`: "mss 1460", "sackOK", "TS val 1 ecr 0", "nop", "wscale 7", "sack 1 {1:100}". */
  options?: string[];
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  /** SACK blocks as printed (relative like seq). */
  sack?: Array<[number, number]>;
  tsval?: number;
  tsecr?: number;

  // ICMP / ICMPv6 / ARP / anything else.
  icmpType?: number;
  icmpCode?: number;
  /** What tcpdump prints after "src > dst: " for protocols other than TCP ("ICMP echo request, id 1, seq 1, length 64", "UDP, length 12"). */
  info?: string;
  /** The packet an ICMP error quotes, so a port-unreachable ties to its UDP flow. */
  inner?: { proto: string; src?: string; dst?: string };

  /** Bytes on the wire and bytes captured (captures), and tcpdump's "length N" of the frame when printed with -e. */
  frameLen?: number;
  capLen?: number;
  /** The capture (snaplen) ended before the decoder was done: tcpdump's `[|tcp]`. */
  truncated?: boolean;
  /** Problems worth a reader's eye: bad header lengths, invalid timestamps, unknown link types. */
  notes?: string[];
  /** The TCP connection this packet belongs to, when analysed: the same id as on the syscalls that act on it. */
  flow?: string;
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
  | PacketEvent
  | UnparsedEvent;

export type EventKind = TraceEvent['kind'];
