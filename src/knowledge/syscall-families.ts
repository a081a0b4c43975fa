/**
 * Syscalls as the differ sees them: which names are one operation spelled
 * differently (a family), and what kind of work each family is (a class).
 * Two runs of the same program on two machines, or two libc versions, call
 * `open` or `openat`, `stat` or `newfstatat`; the differ must see one thing.
 *
 * Knowledge lives here as data; src/diff/ only looks it up.
 */

/**
 * Family aliases: name → the family it is compared as. Names not listed are
 * their own family. Grouped by why they are one operation.
 */
const FAMILY_GROUPS: Readonly<Record<string, readonly string[]>> = {
  // Path-based opens: libc picks openat over open since glibc 2.26.
  open: ['open', 'openat', 'openat2', 'creat', 'open_by_handle_at'],
  // Metadata lookups: fstat/stat/lstat are newfstatat or statx in newer libcs.
  stat: ['stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'newfstatat', 'fstatat64', 'statx', 'oldstat', 'oldfstat', 'oldlstat'],
  statfs: ['statfs', 'statfs64', 'fstatfs', 'fstatfs64'],
  access: ['access', 'faccessat', 'faccessat2'],
  readlink: ['readlink', 'readlinkat'],
  // Reading bytes from an fd: buffered, positioned and vectored reads do the same work.
  read: ['read', 'pread64', 'readv', 'preadv', 'preadv2'],
  write: ['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2'],
  // Socket data: send/recv are write/read with flags; a program's choice between them is not behaviour.
  send: ['send', 'sendto', 'sendmsg', 'sendmmsg'],
  recv: ['recv', 'recvfrom', 'recvmsg', 'recvmmsg'],
  sendfile: ['sendfile', 'sendfile64', 'splice', 'copy_file_range'],
  accept: ['accept', 'accept4'],
  wait: ['wait4', 'waitid', 'waitpid'],
  exit: ['_exit', 'exit', 'exit_group'],
  mmap: ['mmap', 'mmap2'],
  fork: ['fork', 'vfork', 'clone', 'clone2', 'clone3'],
  exec: ['execve', 'execveat'],
  dup: ['dup', 'dup2', 'dup3'],
  pipe: ['pipe', 'pipe2'],
  unlink: ['unlink', 'unlinkat'],
  rename: ['rename', 'renameat', 'renameat2'],
  mkdir: ['mkdir', 'mkdirat'],
  chmod: ['chmod', 'fchmod', 'fchmodat', 'fchmodat2'],
  chown: ['chown', 'chown32', 'fchown', 'fchown32', 'lchown', 'lchown32', 'fchownat'],
  link: ['link', 'linkat'],
  symlink: ['symlink', 'symlinkat'],
  getdents: ['getdents', 'getdents64'],
  lseek: ['lseek', '_llseek', 'llseek'],
  fcntl: ['fcntl', 'fcntl64'],
  truncate: ['truncate', 'truncate64', 'ftruncate', 'ftruncate64'],
  fsync: ['fsync', 'fdatasync', 'sync_file_range', 'syncfs'],
  epoll_wait: ['epoll_wait', 'epoll_pwait', 'epoll_pwait2'],
  epoll_create: ['epoll_create', 'epoll_create1'],
  poll: ['poll', 'ppoll'],
  select: ['select', 'pselect6', '_newselect'],
  sigaction: ['rt_sigaction', 'sigaction'],
  sigprocmask: ['rt_sigprocmask', 'sigprocmask'],
  sigreturn: ['rt_sigreturn', 'sigreturn'],
  sleep: ['nanosleep', 'clock_nanosleep'],
  clock: ['clock_gettime', 'clock_gettime64', 'gettimeofday', 'time', 'clock_getres'],
  eventfd: ['eventfd', 'eventfd2'],
  signalfd: ['signalfd', 'signalfd4'],
  inotify_init: ['inotify_init', 'inotify_init1'],
  getrlimit: ['getrlimit', 'ugetrlimit', 'prlimit64', 'setrlimit'],
  utime: ['utime', 'utimes', 'utimensat', 'futimesat'],
  chdir: ['chdir', 'fchdir'],
  futex: ['futex', 'futex_time64', 'futex_waitv'],
};

const FAMILY = new Map<string, string>();
for (const [family, names] of Object.entries(FAMILY_GROUPS)) for (const n of names) FAMILY.set(n, family);

/** The family a syscall name is compared as (itself when it has no aliases). */
export function familyOf(name: string): string {
  return FAMILY.get(name) ?? name;
}

/**
 * What kind of work a family does. The differ uses the class to decide
 * what a gap or an outcome change means:
 * - noise classes (memory, time, random, sync, sigmask, identity, wait,
 *   fdmeta) vary between two good runs of the same work and never make a
 *   divergence on their own;
 * - the others (file, net, process, ipc, other) are the program's
 *   observable behaviour.
 */
export type SyscallClass =
  | 'memory' // the allocator's choices: heap growth, arenas, ASLR-dependent mappings
  | 'time' // clock reads: every run reads different times
  | 'random' // entropy reads
  | 'sync' // futexes and scheduling: contention differs run to run
  | 'sigmask' // signal masks and handlers set around critical sections
  | 'identity' // pid/tid/uid queries: answers differ, the work does not
  | 'wait' // readiness waits: how many fds were ready and when is timing
  | 'fdmeta' // fd bookkeeping: flags, options, positions, metadata of an open fd
  | 'probe' // path lookups that only ask whether something exists
  | 'file' // creating, reading, writing, renaming, removing files
  | 'net' // sockets: connecting, accepting, sending, receiving
  | 'process' // creating, replacing, ending, signalling processes
  | 'ipc' // pipes and other local channels
  | 'other';

const CLASS_GROUPS: Readonly<Record<Exclude<SyscallClass, 'other'>, readonly string[]>> = {
  memory: ['mmap', 'munmap', 'mprotect', 'brk', 'madvise', 'mremap', 'mlock', 'munlock', 'msync', 'mincore', 'pkey_mprotect', 'membarrier', 'set_mempolicy', 'get_mempolicy', 'mbind'],
  time: ['clock', 'times', 'adjtimex', 'getitimer', 'setitimer', 'timer_settime', 'timer_gettime', 'timerfd_settime', 'timerfd_gettime', 'alarm'],
  random: ['getrandom'],
  sync: ['futex', 'sched_yield', 'set_robust_list', 'get_robust_list', 'rseq', 'set_tid_address', 'sched_getaffinity', 'sched_setaffinity', 'sched_getparam', 'sched_getscheduler', 'restart_syscall', 'sleep'],
  sigmask: ['sigprocmask', 'sigaction', 'sigaltstack', 'sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigpending'],
  identity: ['getpid', 'gettid', 'getppid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getuid32', 'geteuid32', 'getgid32', 'getegid32', 'getresuid', 'getresgid', 'getgroups', 'getpgrp', 'getpgid', 'getsid', 'uname', 'sysinfo', 'getcpu', 'arch_prctl', 'prctl', 'capget', 'getrlimit', 'getrusage', 'personality'],
  wait: ['epoll_wait', 'poll', 'select', 'pause'],
  fdmeta: ['fcntl', 'ioctl', 'lseek', 'epoll_ctl', 'setsockopt', 'getsockopt', 'getsockname', 'getpeername', 'dup', 'fadvise64', 'fadvise64_64', 'readahead', 'flock', 'stat', 'statfs', 'epoll_create', 'eventfd', 'timerfd_create', 'signalfd', 'inotify_init', 'inotify_add_watch', 'inotify_rm_watch', 'fsync'],
  probe: ['access', 'readlink', 'getcwd', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr'],
  file: ['open', 'read', 'write', 'sendfile', 'unlink', 'rename', 'mkdir', 'rmdir', 'chmod', 'chown', 'link', 'symlink', 'truncate', 'getdents', 'utime', 'fallocate', 'mknod', 'chdir', 'close'],
  net: ['socket', 'connect', 'accept', 'bind', 'listen', 'send', 'recv', 'shutdown', 'socketpair'],
  process: ['fork', 'exec', 'exit', 'wait', 'kill', 'tkill', 'tgkill', 'pidfd_send_signal', 'pidfd_open', 'setsid', 'setpgid', 'setuid', 'setgid', 'setresuid', 'setresgid', 'setgroups', 'chroot', 'unshare', 'setns', 'ptrace'],
  ipc: ['pipe', 'mq_open', 'mq_send', 'mq_receive', 'msgsnd', 'msgrcv', 'semop', 'shmget', 'shmat'],
};

const CLASS = new Map<string, SyscallClass>();
for (const [cls, families] of Object.entries(CLASS_GROUPS)) for (const f of families) CLASS.set(f, cls as SyscallClass);

/** The class of a family (see familyOf). */
export function classOf(family: string): SyscallClass {
  return CLASS.get(family) ?? 'other';
}

/** Classes whose calls never make a divergence by appearing or disappearing. */
export const NOISE_CLASSES: ReadonlySet<SyscallClass> = new Set(['memory', 'time', 'random', 'sync', 'sigmask', 'identity', 'wait', 'fdmeta', 'probe']);

/** Families that move a program's bytes: a connection that made none of them carried no data. */
export const TRANSFER_FAMILIES: ReadonlySet<string> = new Set(['read', 'write', 'send', 'recv', 'sendfile']);

/** Families whose result 0 means end of file or an orderly shutdown by the peer. */
export const READ_FAMILIES: ReadonlySet<string> = new Set(['read', 'recv']);

/** Families that write bytes, and the argument holding the byte count when one argument does. */
export const WRITE_COUNT_ARG: Readonly<Record<string, number>> = {
  write: 2, pwrite64: 2, send: 2, sendto: 2,
};

/**
 * Families whose occurrence, once per trace, pins two traces together: the
 * differ aligns runs between these before it runs Myers, so a long noisy
 * stretch cannot pull an exec or a connect out of place.
 */
export const ANCHOR_FAMILIES: ReadonlySet<string> = new Set(['exec', 'open', 'connect', 'bind', 'listen', 'unlink', 'rename', 'mkdir', 'socket', 'fork', 'exit']);
