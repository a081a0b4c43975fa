/**
 * Thresholds and knowledge for the per-process syscall analysis
 * (src/analysis/syscalls/), as data. Every entry says why in one sentence;
 * docs/syscall-analysis.md describes them.
 *
 * The probe and "not now" errno sets are the differ's (src/knowledge/diff-rules.ts),
 * reused here rather than copied.
 */
import { NOT_NOW_ERRNOS, PROBE_ERRNOS, PROBE_FAMILIES } from './diff-rules.js';

export interface Threshold {
  readonly value: number;
  readonly why: string;
}

export const SYSCALL_ANALYSIS_THRESHOLDS = {
  /** A single call at least this long (by -T, or start → resumed) is reported as slow. */
  slowSeconds: { value: 1, why: 'a second is far beyond any local syscall a healthy program makes, and it is the unit people notice (the differ uses the same TIMING_MIN_SECONDS)' },
  /** A wait episode at least this long is reported as a wait. */
  waitSeconds: { value: 1, why: 'programs wait by design, so only a wait a human would notice is worth a line; shorter ones are the event loop doing its job' },
  /** Slow calls and waits kept; past this the shortest are dropped (and counted). */
  slowKept: { value: 200, why: 'a report needs the longest stalls, and a trace of a busy server can have millions of one-second waits: memory must not grow with trace length' },
  /** Closed fd lives kept per process, per category (remarkable / ordinary); the rest are counted in a summary. */
  closedLivesKept: { value: 256, why: 'a server opening a file per request would otherwise keep one record per request; open fds are always kept, and lives with a failure or a failed connect are kept in their own list first' },
  /** Samples (paths or fds) kept per failure group. */
  failureSamples: { value: 8, why: 'a few distinct paths show what was tried; a thousand of them say nothing more' },
  /** Failed calls remembered per fd life (by errno and call). */
  failuresPerFd: { value: 8, why: 'the distinct ways a call on one fd failed are few; counts carry the rest' },
} as const satisfies Record<string, Threshold>;

/**
 * Families whose calls block by design: a long one is the program waiting
 * for something, reported as a `wait`, never as `slow`.
 */
export const WAIT_FAMILIES: Readonly<Record<string, string>> = {
  epoll_wait: 'an event loop sleeps here until an fd is ready',
  poll: 'readiness wait on a set of fds, with a timeout',
  select: 'readiness wait on fd sets, with a timeout',
  pause: 'waits for a signal',
  rt_sigsuspend: 'waits for a signal',
  rt_sigtimedwait: 'waits for a signal, with a timeout',
  sleep: 'the program asked to sleep',
  wait: 'waits for a child process to change state',
  futex: 'a thread waits for another to release a lock or signal a condition',
  accept: 'a server waits here for the next client',
  restart_syscall: 'the kernel resumes an interrupted sleep or wait',
  io_getevents: 'waits for asynchronous I/O completions',
  io_uring_enter: 'waits for io_uring completions',
};

/**
 * Families that wait by design when the fd is a stream whose data comes
 * from elsewhere (a socket, a pipe, a terminal): a blocking read there is
 * waiting for the peer, not slowness of the call.
 */
export const WAIT_ON_STREAM_FAMILIES: ReadonlySet<string> = new Set(['read', 'recv']);
/** fd types on which a read waits for someone else. */
export const STREAM_FD_TYPES: ReadonlySet<string> = new Set(['socket', 'pipe', 'device']);

/**
 * Calls that may sit between two waits without ending a wait episode:
 * they touch no fd (signal masks, clocks, memory), as curl does between
 * its poll() calls.
 */
export const EPISODE_TRANSPARENT_CLASSES: ReadonlySet<string> = new Set(['sigmask', 'time', 'memory', 'sync', 'identity', 'random']);

/** How a non-blocking connect's result is learned. */
export const CONNECT_PENDING_ERRNOS: ReadonlySet<string> = new Set(['EINPROGRESS', 'EALREADY', 'EAGAIN']);

export interface RoutineRule {
  readonly name: string;
  /** Families (familyOf) the rule covers; undefined: any family. */
  readonly families?: ReadonlySet<string>;
  /** Errnos (with the `E:` prefix of diff-rules) the rule covers. */
  readonly errnos: ReadonlySet<string>;
  /** The path the call was about must match (for path rules). */
  readonly path?: RegExp;
  /** The fd the call was about must be of one of these types. */
  readonly fdTypes?: ReadonlySet<string>;
  readonly why: string;
}

const sockets = new Set(['socket']);

/**
 * Failures every program makes. A failure matching a rule is counted as
 * `routine` in its group; everything else is what a reader should look at.
 * Path rules apply only to the differ's probe families and probe errnos.
 */
export const ROUTINE_FAILURE_RULES: readonly RoutineRule[] = [
  {
    name: 'PATH lookup',
    families: PROBE_FAMILIES,
    errnos: PROBE_ERRNOS,
    path: /^\/(?:usr\/)?(?:local\/)?s?bin\/[^/]+$/,
    why: 'a shell or execvp tries each $PATH directory in turn until the command is found',
  },
  {
    name: 'locale probe',
    families: PROBE_FAMILIES,
    errnos: PROBE_ERRNOS,
    path: /^\/usr\/(?:share|lib)\/locale\/|^\/usr\/lib\/locale\b|\.mo$|\/gconv\/|^\/usr\/share\/zoneinfo\//,
    why: 'libc and gettext look for locale, translation and timezone files under several spellings of the locale name and use the first that exists',
  },
  {
    name: 'dynamic loader probe',
    families: PROBE_FAMILIES,
    errnos: PROBE_ERRNOS,
    path: /^\/etc\/ld\.so\.(?:preload|nohwcap)$|\/glibc-hwcaps\/|\/tls\/|\/(?:haswell|avx512_1|x86_64|i686|sse2)\/|\/lib[^/]*\/[^/]+\.so(?:\.[\d.]+)?$/,
    why: 'ld.so looks for preloads and tries each library directory and hardware-capability subdirectory before it finds a library',
  },
  {
    name: 'security module probe',
    families: PROBE_FAMILIES,
    errnos: PROBE_ERRNOS,
    path: /^\/(?:sys\/fs\/)?selinux$|^\/etc\/selinux\/|^\/proc\/self\/attr\//,
    why: 'coreutils and libselinux check whether SELinux is there on every start',
  },
  {
    name: 'nscd probe',
    families: new Set(['connect', ...PROBE_FAMILIES]),
    errnos: new Set(['E:ENOENT', 'E:ECONNREFUSED', 'E:EACCES']),
    path: /^\/var\/run\/nscd\/|^\/run\/nscd\//,
    why: 'glibc tries the name-service cache daemon before reading /etc/passwd or resolving names itself',
  },
  {
    name: 'controlling terminal probe',
    families: PROBE_FAMILIES,
    errnos: new Set(['E:ENXIO', 'E:ENOENT']),
    path: /^\/dev\/tty$/,
    why: 'shells open /dev/tty to find a controlling terminal, which a batch run has not',
  },
  {
    name: 'interpreter module search',
    families: PROBE_FAMILIES,
    errnos: PROBE_ERRNOS,
    path: /\/pyvenv\.cfg$|\/Modules\/Setup\.local$|\/python\d+\.zip$|\/lib\/python[\d.]*\/.*\.so$|\/(?:site|dist)-packages$|\/lib\/python[\d.]+\/[^/]+\.pyc?$|\/lib\/python[\d.]+\/lib-dynload$/,
    why: 'Python looks for its prefix, a venv, a zipped stdlib and each import under several names and directories before it finds the one that exists',
  },
  {
    name: 'realpath walk',
    families: new Set(['readlink']),
    errnos: new Set(['E:EINVAL']),
    why: 'realpath() calls readlink on every component of a path, and each one that is not a symlink answers EINVAL',
  },
  {
    name: 'isatty check',
    families: new Set(['ioctl']),
    errnos: new Set(['E:ENOTTY', 'E:EINVAL']),
    why: 'isatty() and window-size queries are ioctls that fail on anything that is not a terminal',
  },
  {
    name: 'seek on a stream',
    families: new Set(['lseek', 'fadvise64', 'fadvise64_64']),
    errnos: new Set(['E:ESPIPE']),
    why: 'stdio asks for the position of every stream and coreutils advise the kernel on how they read, and pipes and sockets have neither',
  },
  {
    name: 'no child to reap',
    families: new Set(['wait']),
    errnos: new Set(['E:ECHILD']),
    why: 'a SIGCHLD handler or a WNOHANG loop polls for children until none is left',
  },
  {
    name: 'not now (non-blocking I/O, in-progress connect, interrupted call)',
    errnos: NOT_NOW_ERRNOS,
    why: 'EAGAIN is how a non-blocking fd says "try later", EINPROGRESS how a non-blocking connect starts (its outcome is in the fd lifetime), EINTR/ERESTART* a signal arriving during a call',
  },
  {
    name: 'futex contention',
    families: new Set(['futex']),
    errnos: new Set(['E:EAGAIN', 'E:ETIMEDOUT', 'E:EINTR']),
    why: 'a futex wait that finds the value already changed, or times out, is how locks and condition variables work',
  },
  {
    name: 'fd probe',
    families: new Set(['fcntl', 'close']),
    errnos: new Set(['E:EBADF']),
    why: 'shells and daemons close or query fds that may not be open (bash checks fd 255; daemons close every fd) to be sure of their state',
  },
  {
    name: 'socket option probe',
    families: new Set(['setsockopt', 'getsockopt']),
    errnos: new Set(['E:ENOPROTOOPT', 'E:EOPNOTSUPP']),
    fdTypes: sockets,
    why: 'libraries try options a kernel or socket type may not have and fall back',
  },
];

/** The first routine rule a failure matches. */
export function routineRuleFor(family: string, errno: string, path: string | undefined, fdType: string | undefined): RoutineRule | undefined {
  const e = `E:${errno}`;
  for (const r of ROUTINE_FAILURE_RULES) {
    if (r.families && !r.families.has(family)) continue;
    if (!r.errnos.has(e)) continue;
    if (r.path && (path === undefined || !r.path.test(path))) continue;
    if (r.fdTypes && (fdType === undefined || !r.fdTypes.has(fdType))) continue;
    return r;
  }
  return undefined;
}
