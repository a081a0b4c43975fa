/**
 * Linux signal knowledge for x86_64 (asm-generic numbering, shared by i386,
 * arm, aarch64 and riscv), kept as data like strace's `signalent.h`.
 *
 * Names are what strace prints: signals 1..31 by their classic names, 32 as
 * `SIGRTMIN`, and 33..64 as `SIGRT_1`..`SIGRT_32` (strace's signame() formats
 * `SIGRT_%u` relative to the kernel's SIGRTMIN of 32, not glibc's 34).
 * Descriptions are glibc's strsignal() texts, which old strace (≤ 4.7)
 * printed in lines like `--- SIGCHLD (Child exited) @ 0 (0) ---`.
 * Names and default actions were checked against strace 6.1 on Linux by
 * sending each signal with SIG_DFL and reading `+++ killed by ... +++`,
 * `(core dumped)`, `--- stopped by ... ---` or survival.
 */

/** What the kernel does when the disposition is SIG_DFL (signal(7)). */
export type SignalDefaultAction = 'term' | 'core' | 'ignore' | 'stop' | 'cont';

export interface SignalInfo {
  /** The name as strace prints it; for alias rows, the alias itself. */
  readonly name: string;
  readonly number: number;
  /** glibc strsignal() text. */
  readonly description: string;
  readonly defaultAction: SignalDefaultAction;
  /** SIGKILL and SIGSTOP cannot be caught, blocked or ignored. */
  readonly catchable: boolean;
  readonly realtime: boolean;
  /** Set on alias rows; lookups by name resolve to this canonical name. */
  readonly aliasOf?: string;
  /** Why this signal shows up in traces when its name alone is misleading. */
  readonly note?: string;
}

type Row = readonly [number: number, name: string, description: string, defaultAction: SignalDefaultAction];

const STANDARD: readonly Row[] = [
  [1, 'SIGHUP', 'Hangup', 'term'],
  [2, 'SIGINT', 'Interrupt', 'term'],
  [3, 'SIGQUIT', 'Quit', 'core'],
  [4, 'SIGILL', 'Illegal instruction', 'core'],
  [5, 'SIGTRAP', 'Trace/breakpoint trap', 'core'],
  [6, 'SIGABRT', 'Aborted', 'core'],
  [7, 'SIGBUS', 'Bus error', 'core'],
  [8, 'SIGFPE', 'Floating point exception', 'core'],
  [9, 'SIGKILL', 'Killed', 'term'],
  [10, 'SIGUSR1', 'User defined signal 1', 'term'],
  [11, 'SIGSEGV', 'Segmentation fault', 'core'],
  [12, 'SIGUSR2', 'User defined signal 2', 'term'],
  [13, 'SIGPIPE', 'Broken pipe', 'term'],
  [14, 'SIGALRM', 'Alarm clock', 'term'],
  [15, 'SIGTERM', 'Terminated', 'term'],
  [16, 'SIGSTKFLT', 'Stack fault', 'term'],
  [17, 'SIGCHLD', 'Child exited', 'ignore'],
  [18, 'SIGCONT', 'Continued', 'cont'],
  [19, 'SIGSTOP', 'Stopped (signal)', 'stop'],
  [20, 'SIGTSTP', 'Stopped', 'stop'],
  [21, 'SIGTTIN', 'Stopped (tty input)', 'stop'],
  [22, 'SIGTTOU', 'Stopped (tty output)', 'stop'],
  [23, 'SIGURG', 'Urgent I/O condition', 'ignore'],
  [24, 'SIGXCPU', 'CPU time limit exceeded', 'core'],
  [25, 'SIGXFSZ', 'File size limit exceeded', 'core'],
  [26, 'SIGVTALRM', 'Virtual timer expired', 'term'],
  [27, 'SIGPROF', 'Profiling timer expired', 'term'],
  [28, 'SIGWINCH', 'Window changed', 'ignore'],
  [29, 'SIGIO', 'I/O possible', 'term'],
  [30, 'SIGPWR', 'Power failure', 'term'],
  [31, 'SIGSYS', 'Bad system call', 'core'],
];

const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

// The kernel's real-time range is 32..64 (_NSIG = 64). glibc keeps 32 and 33
// for itself and numbers its "Real-time signal N" texts from 34, so
// strsignal() calls 32 and 33 "Unknown signal" and 34 "Real-time signal 0";
// the descriptions below reproduce that skew on purpose.
const KERNEL_SIGRTMIN = 32;
const KERNEL_SIGRTMAX = 64;
const GLIBC_SIGRTMIN = 34;

// glibc's NPTL installs handlers for these at startup, which is why nearly
// every threaded program's trace has rt_sigaction(SIGRTMIN, ...) and
// rt_sigaction(SIGRT_1, ...) lines that the program itself never wrote.
const GLIBC_RESERVED_NOTES: Readonly<Record<number, string>> = {
  32: 'glibc-internal SIGCANCEL: delivers pthread_cancel() to a thread',
  33: 'glibc-internal SIGSETXID: makes setuid()/setgid() apply to every thread',
};

function realtimeName(n: number): string {
  return n === KERNEL_SIGRTMIN ? 'SIGRTMIN' : `SIGRT_${n - KERNEL_SIGRTMIN}`;
}

function realtimeDescription(n: number): string {
  return n < GLIBC_SIGRTMIN ? `Unknown signal ${n}` : `Real-time signal ${n - GLIBC_SIGRTMIN}`;
}

const CANONICAL: readonly SignalInfo[] = [
  ...STANDARD.map(([number, name, description, defaultAction]): SignalInfo => ({
    name,
    number,
    description,
    defaultAction,
    catchable: !UNCATCHABLE.has(name),
    realtime: false,
  })),
  ...Array.from({ length: KERNEL_SIGRTMAX - KERNEL_SIGRTMIN + 1 }, (_, i): SignalInfo => {
    const number = KERNEL_SIGRTMIN + i;
    const note = GLIBC_RESERVED_NOTES[number];
    return {
      name: realtimeName(number),
      number,
      description: realtimeDescription(number),
      defaultAction: 'term',
      catchable: true,
      realtime: true,
      ...(note ? { note } : {}),
    };
  }),
];

// Alias → canonical. strace never prints these on x86_64, but users type
// them and other tools (kill -l, shells, Python) emit them.
const ALIASES: Readonly<Record<string, string>> = {
  SIGIOT: 'SIGABRT',
  SIGPOLL: 'SIGIO',
  SIGCLD: 'SIGCHLD',
  // Defined by the x86 kernel headers; glibc dropped it in 2.26.
  SIGUNUSED: 'SIGSYS',
  // The kernel's (and glibc's) SIGRTMAX is _NSIG = 64. Note the asymmetry:
  // "SIGRTMIN" here is the kernel's 32, whereas glibc's SIGRTMIN macro is 34.
  SIGRTMAX: realtimeName(KERNEL_SIGRTMAX),
};

const byName = new Map<string, SignalInfo>();
const byNumber = new Map<number, SignalInfo>();
for (const info of CANONICAL) {
  byName.set(info.name, info);
  byNumber.set(info.number, info);
}

const ALIAS_ROWS: readonly SignalInfo[] = Object.entries(ALIASES).map(([alias, target]) => {
  const canonical = byName.get(target);
  if (!canonical) throw new Error(`signal alias ${alias} points at unknown ${target}`);
  return { ...canonical, name: alias, aliasOf: target };
});
for (const alias of ALIAS_ROWS) {
  byName.set(alias.name, byName.get(alias.aliasOf as string) as SignalInfo);
}

/**
 * Spellings of signal 0, which is not a signal: kill(pid, 0) delivers nothing
 * and only probes that pid exists and may be signalled. strace 4.x printed it
 * as `SIG_0` (entry 0 of its signalent table); current strace prints `0`.
 * Kept out of SIGNALS because it has no default action or description.
 */
export const NULL_SIGNAL_NAMES: readonly string[] = ['SIG_0', '0'];

/** Every signal: canonical rows by number (1..64), then alias rows. */
export const SIGNALS: readonly SignalInfo[] = [...CANONICAL, ...ALIAS_ROWS];

/**
 * Looks up by name; aliases resolve to the canonical row. Also accepts the
 * prefix-less spelling strace uses inside signal masks (`[CHLD RT_1]`).
 */
export function signalByName(name: string): SignalInfo | undefined {
  return byName.get(name) ?? (name.startsWith('SIG') ? undefined : byName.get(`SIG${name}`));
}

/** Looks up by number; always the canonical (strace-printed) row. */
export function signalByNumber(n: number): SignalInfo | undefined {
  return byNumber.get(n);
}
