/**
 * What each syscall does with file descriptors, as data: which arguments
 * are fds, which calls return a new fd and what kind, which close, which
 * duplicate. The fd table (src/readers/strace/fd-table.ts) is driven only
 * by these tables, so teaching it a new call is a one-line change here.
 */
import type { FdType } from '../model/events.js';

/** Argument positions (0-based) that hold an fd. `*at` dirfds count: AT_FDCWD decorates as the cwd. */
export const FD_ARGS: Readonly<Record<string, readonly number[]>> = {
  read: [0], write: [0], pread64: [0], pwrite64: [0], readv: [0], writev: [0],
  preadv: [0], pwritev: [0], preadv2: [0], pwritev2: [0], close: [0], fstat: [0], fstat64: [0],
  fstatfs: [0], fstatfs64: [0], fsync: [0], fdatasync: [0], ftruncate: [0], ftruncate64: [0], fchmod: [0],
  fchown: [0], fchown32: [0], fcntl: [0], fcntl64: [0], ioctl: [0], lseek: [0], _llseek: [0], llseek: [0],
  getdents: [0], getdents64: [0], sendto: [0], recvfrom: [0], sendmsg: [0], recvmsg: [0], sendmmsg: [0],
  recvmmsg: [0], send: [0], recv: [0], connect: [0], bind: [0], listen: [0], accept: [0], accept4: [0],
  shutdown: [0], getsockname: [0], getpeername: [0], getsockopt: [0], setsockopt: [0],
  epoll_ctl: [0, 2], epoll_wait: [0], epoll_pwait: [0], epoll_pwait2: [0],
  sendfile: [0, 1], sendfile64: [0, 1], splice: [0, 2], tee: [0, 1], copy_file_range: [0, 2],
  openat: [0], openat2: [0], newfstatat: [0], fstatat64: [0], statx: [0], faccessat: [0], faccessat2: [0],
  mkdirat: [0], mknodat: [0], unlinkat: [0], fchownat: [0], fchmodat: [0], fchmodat2: [0], futimesat: [0],
  utimensat: [0], readlinkat: [0], symlinkat: [1], renameat: [0, 2], renameat2: [0, 2], linkat: [0, 2],
  name_to_handle_at: [0], open_by_handle_at: [0], execveat: [0],
  fadvise64: [0], fadvise64_64: [0], fallocate: [0], flock: [0], readahead: [0], sync_file_range: [0],
  fsetxattr: [0], fgetxattr: [0], flistxattr: [0], fremovexattr: [0], fchdir: [0], syncfs: [0],
  mmap: [4], mmap2: [4], dup: [0], dup2: [0, 1], dup3: [0, 1],
  inotify_add_watch: [0], inotify_rm_watch: [0], timerfd_settime: [0], timerfd_gettime: [0],
  signalfd: [0], signalfd4: [0], fanotify_mark: [0], io_uring_enter: [0], io_uring_register: [0],
  pidfd_send_signal: [0], pidfd_getfd: [0], setns: [0], fsconfig: [0], fsmount: [0], move_mount: [0, 2],
  select: [], pselect6: [], poll: [], ppoll: [],
};

/** Calls whose non-negative result is a new fd, and what that fd is when -y does not say. */
export const FD_RETURNING: Readonly<Record<string, FdType>> = {
  open: 'file', openat: 'file', openat2: 'file', creat: 'file', open_by_handle_at: 'file',
  socket: 'socket', accept: 'socket', accept4: 'socket',
  epoll_create: 'anon', epoll_create1: 'anon', eventfd: 'anon', eventfd2: 'anon',
  timerfd_create: 'anon', signalfd: 'anon', signalfd4: 'anon', inotify_init: 'anon', inotify_init1: 'anon',
  fanotify_init: 'anon', memfd_create: 'anon', memfd_secret: 'anon', pidfd_open: 'anon', pidfd_getfd: 'unknown',
  perf_event_open: 'anon', userfaultfd: 'anon', io_uring_setup: 'anon', bpf: 'anon', mq_open: 'file',
  fsopen: 'anon', fsmount: 'anon', open_tree: 'anon', fspick: 'anon',
};

/** Calls that duplicate an fd: the result (or the given target) becomes a copy of argument 0. */
export const FD_DUPLICATING: ReadonlySet<string> = new Set(['dup', 'dup2', 'dup3']);

/** fcntl commands that return a duplicate of the fd. */
export const FCNTL_DUP_COMMANDS: ReadonlySet<string> = new Set(['F_DUPFD', 'F_DUPFD_CLOEXEC']);

/** Calls that fill an int[2] argument (position) with two new fds. */
export const FD_PAIR_CREATING: Readonly<Record<string, { arg: number; type: FdType }>> = {
  pipe: { arg: 0, type: 'pipe' }, pipe2: { arg: 0, type: 'pipe' }, socketpair: { arg: 3, type: 'socket' },
};

/** Calls that release fds. */
export const FD_CLOSING: ReadonlySet<string> = new Set(['close']);

/** Flags that mark an fd close-on-exec, by the call that sets them. */
export const CLOEXEC_FLAGS: ReadonlySet<string> = new Set(['O_CLOEXEC', 'SOCK_CLOEXEC', 'EFD_CLOEXEC', 'TFD_CLOEXEC', 'SFD_CLOEXEC', 'IN_CLOEXEC', 'EPOLL_CLOEXEC', 'MFD_CLOEXEC', 'F_DUPFD_CLOEXEC', 'FD_CLOEXEC', 'PIDFD_CLOEXEC']);

/** Process-creating calls; with CLONE_FILES the child shares the parent's table, else it gets a copy. */
export const PROCESS_CREATING: ReadonlySet<string> = new Set(['fork', 'vfork', 'clone', 'clone2', 'clone3']);

/** Program-replacing calls: on success, close-on-exec fds are gone. */
export const EXEC_CALLS: ReadonlySet<string> = new Set(['execve', 'execveat']);

/** Socket address arguments: the call, the argument holding the sockaddr, and which end it names. */
export const SOCKADDR_ARGS: Readonly<Record<string, { arg: number; end: 'peer' | 'local' }>> = {
  connect: { arg: 1, end: 'peer' }, bind: { arg: 1, end: 'local' }, accept: { arg: 1, end: 'peer' },
  accept4: { arg: 1, end: 'peer' }, getsockname: { arg: 1, end: 'local' }, getpeername: { arg: 1, end: 'peer' },
  sendto: { arg: 4, end: 'peer' },
};
