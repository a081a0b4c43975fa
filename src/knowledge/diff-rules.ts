/**
 * The differ's rules, as data: what an alignment key keeps and drops, and
 * which differences between two runs are noise. Each rule carries the
 * sentence that justifies it; docs/differ.md prints them.
 */

export interface PathMask {
  readonly pattern: RegExp;
  readonly replace: string;
  readonly why: string;
}

/**
 * Volatile parts of paths, masked in this order. Over-masking is cheap
 * (both runs are masked alike); under-masking makes two good runs differ.
 */
export const PATH_MASKS: readonly PathMask[] = [
  { pattern: /\/proc\/(?:\d+|self)\/task\/\d+/g, replace: '/proc/<pid>/task/<tid>', why: 'a thread id differs in every run' },
  { pattern: /\/proc\/\d+(?=\/|$)/g, replace: '/proc/<pid>', why: 'a process id differs in every run' },
  { pattern: /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, replace: '<hex>', why: 'hashes and random hex names (cache keys, build ids, session files) change with the content or the run' },
  { pattern: /\btmp[A-Za-z0-9_]{5,}/g, replace: 'tmp<rand>', why: 'mkstemp/tempfile names end in random characters' },
  { pattern: /(?<=[._-])(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{6}(?=$|\/)/g, replace: '<rand>', why: 'mkstemp XXXXXX suffixes mix letters and digits at the end of a name' },
  { pattern: /\d{3,}/g, replace: '<n>', why: 'pids, counters, ports and timestamps inside names (nginx temp files, log rotation, .pid files) count up between runs' },
];

export function maskPath(path: string): string {
  let p = path;
  for (const m of PATH_MASKS) p = p.replace(m.pattern, m.replace);
  return p;
}

/**
 * Ports at or above this are the client's ephemeral end of a connection
 * (Linux's default ip_local_port_range starts at 32768): a new one every
 * run, so only ports below it identify a service.
 */
export const EPHEMERAL_PORT_MIN = 32768;

/**
 * Flag names dropped from keys: they change how a call is made, not what it
 * does, and programs set them inconsistently (a library upgrade adds
 * O_CLOEXEC everywhere).
 */
export const IGNORED_FLAGS: ReadonlySet<string> = new Set([
  'O_CLOEXEC', 'O_LARGEFILE', 'O_NONBLOCK', 'O_NDELAY', 'O_NOCTTY', 'O_NOFOLLOW', 'O_NOATIME', 'O_ASYNC',
  'SOCK_CLOEXEC', 'SOCK_NONBLOCK', 'MSG_NOSIGNAL', 'MSG_DONTWAIT', 'MSG_CMSG_CLOEXEC',
  'EPOLL_CLOEXEC', 'EFD_CLOEXEC', 'EFD_NONBLOCK', 'TFD_CLOEXEC', 'TFD_NONBLOCK', 'IN_CLOEXEC', 'IN_NONBLOCK',
  'AT_FDCWD', 'AT_STATX_SYNC_AS_STAT', 'AT_NO_AUTOMOUNT', 'STATX_ALL', 'STATX_BASIC_STATS',
  'NULL',
]);

/**
 * Struct fields kept in keys, per family: everything else inside braces is
 * run data (addresses, sizes, times). clone3 carries its flags in a struct.
 */
export const KEPT_STRUCT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  fork: ['flags', 'exit_signal'],
};

/**
 * Calls whose success is decided by an argument rather than the return
 * value: the argument position and what its first element means.
 * `getsockopt(fd, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0` is how a
 * non-blocking connect reports its failure.
 */
export const OUTCOME_FROM_ARG: Readonly<Record<string, { when: string; arg: number }>> = {
  getsockopt: { when: 'SO_ERROR', arg: 3 },
};

export interface OutcomeNoise {
  /** The families (or classes, prefixed `class:`) the rule applies to; `*` is every call. */
  readonly calls: readonly string[];
  /** Outcome classes that are interchangeable for these calls (`E:` errnos, ok, eof, partial, timeout). */
  readonly outcomes: readonly string[] | '*';
  /** Only inside a folded run of the call (a loop), not for a single call. */
  readonly inLoops?: boolean;
  readonly why: string;
}

/**
 * Outcome differences that two good runs show: for the listed calls, any
 * two outcomes from the same list are one outcome.
 */
export const OUTCOME_NOISE: readonly OutcomeNoise[] = [
  { calls: ['class:wait'], outcomes: '*', why: 'how many fds were ready, which ones, and whether a wait timed out or was interrupted depends on timing, not on what the program does' },
  { calls: ['class:sync', 'class:time', 'class:random', 'class:memory', 'class:identity', 'class:sigmask'], outcomes: '*', why: 'lock contention, clocks, entropy, the allocator and identity queries answer differently in every run' },
  { calls: ['read', 'recv', 'write', 'send', 'accept', 'sendfile'], outcomes: ['ok', 'partial', 'E:EAGAIN', 'E:EWOULDBLOCK'], why: 'EAGAIN is how non-blocking I/O says "not now"; a short read or write and the size of each chunk follow from timing' },
  { calls: ['wait'], outcomes: '*', why: 'whether a WNOHANG wait finds a child, or ECHILD because the SIGCHLD handler reaped it first, is timing; the children\'s exit events carry their status' },
  { calls: ['read', 'recv'], outcomes: ['ok', 'partial', 'eof', 'E:EAGAIN'], inLoops: true, why: 'a loop that reads until the peer closes sees the end of file or not depending on whether the FIN arrived before it stopped reading' },
  { calls: ['connect'], outcomes: ['ok', 'E:EINPROGRESS', 'E:EALREADY', 'E:EISCONN'], why: 'a non-blocking connect reports EINPROGRESS and completes later; whether it finished at once is timing' },
  { calls: ['*'], outcomes: ['ok', 'partial', 'E:EINTR', 'E:ERESTARTSYS', 'E:ERESTARTNOINTR', 'E:ERESTARTNOHAND', 'E:ERESTART_RESTARTBLOCK'], why: 'a call interrupted by a signal is restarted or retried: being interrupted is timing, what follows is not' },
];

/**
 * Families that appear and disappear between good runs although they are
 * not noise classes in general, each with why.
 */
export const NOISE_GAP_FAMILIES: Readonly<Record<string, string>> = {
  wait: 'children are reaped wherever SIGCHLD lands (a blocking wait4, or WNOHANG in the handler and an ECHILD after); the exit events of the children carry the outcome',
};

/**
 * Two keys that differ only in tokens of the same length made of letters
 * and digits name the same thing with a random part the masks did not
 * catch (tempfile's 8 characters, a session id): at most this many tokens.
 */
export const RANDOM_TOKEN_MAX_DIFFERENCES = 2;
export const RANDOM_TOKEN_MIN_LENGTH = 4;

/**
 * Signals whose delivery (or absence) is timing: a child's exit notice, a
 * timer, a resize. Any other signal appearing in one run only matters.
 */
export const NOISE_SIGNALS: ReadonlySet<string> = new Set(['SIGCHLD', 'SIGCLD', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPOLL', 'SIGURG', 'SIGCONT']);

/**
 * Signals an operator sends to stop a process: `+++ killed by SIGTERM +++`
 * at the very end of an attached trace is how tracing stopped, not a failure.
 */
export const OPERATOR_STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']);

/**
 * Errno outcomes of path probes that every program makes and that say
 * nothing when they appear or disappear: PATH lookups, locale and
 * configuration fallbacks, cache misses, `mkdir -p` finding the directory there.
 */
export const PROBE_FAMILIES: ReadonlySet<string> = new Set(['open', 'stat', 'access', 'readlink', 'exec', 'statfs', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'ioctl', 'mkdir', 'chdir', 'unlink', 'getcwd']);
export const PROBE_ERRNOS: ReadonlySet<string> = new Set(['E:EEXIST', 'E:ENOENT', 'E:ENOTDIR', 'E:ENXIO', 'E:ENODATA', 'E:EOPNOTSUPP', 'E:ENOTSUP', 'E:ENOTTY', 'E:EINVAL', 'E:EACCES']);

/**
 * Errors that say "not now" rather than "no": a call that only one run
 * makes and that ended this way is timing, not behaviour.
 */
export const NOT_NOW_ERRNOS: ReadonlySet<string> = new Set(['E:EAGAIN', 'E:EWOULDBLOCK', 'E:EINTR', 'E:EINPROGRESS', 'E:EALREADY', 'E:ERESTARTSYS', 'E:ERESTARTNOINTR', 'E:ERESTARTNOHAND', 'E:ERESTART_RESTARTBLOCK']);

/**
 * A call that does the same thing but takes this much longer in bad is a
 * `timing` divergence (when nothing else differs): at least this many
 * seconds, and this many times as long as in good.
 */
export const TIMING_MIN_SECONDS = 1;
export const TIMING_MIN_RATIO = 10;

/** missingAfter lists at most this many entries (../shared/CONTRACT.md). */
export const MISSING_AFTER_LIMIT = 50;

/** A run of identical elements is folded into one once it repeats this often. */
export const FOLD_MIN_REPEAT = 2;
/** Longest repeating pattern folded as a unit (epoll_wait, read, write, ...). */
export const FOLD_MAX_PERIOD = 4;
