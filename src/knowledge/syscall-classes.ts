/**
 * strace's syscall classes, as data: what `-e trace=%file`, `%network`,
 * `%%stat`… select, so `--trace`/`--ignore` (src/filter/syscall-set.ts)
 * mean what they mean to strace.
 *
 * strace does not keep these lists anywhere as lists: each syscall's entry in
 * its per-architecture table carries flags (TF file, TN network, TP process,
 * TM memory, TS signal, TD desc, TI ipc, TC creds, TCL clock, TST stat, TLST
 * lstat, TFST fstat, TSTA %%stat, TSF statfs, TFSF fstatfs, TSFA %%statfs,
 * PU pure), and a class is every syscall whose flags include the class's
 * flag. The lists below are those flags read out of strace's tables for the
 * personalities a trace on a PC or an ARM server comes from:
 *
 * - strace/strace src/linux/x86_64/syscallent.h, src/linux/i386/syscallent.h
 *   and src/linux/64/syscallent.h (aarch64, riscv64 and the other "generic"
 *   architectures) at commit 19277b86698b4412ddd8a1277f36a48b27011f76;
 * - src/linux/32/syscallent-common-32.h (the 32-bit *_time64 calls) at
 *   8fa8a8886966fb873a67074c67eabf6be63535c0;
 * - src/linux/generic/syscallent-common.h (numbers 424-464, shared by every
 *   architecture: clone3, openat2, epoll_pwait2, fchmodat2, mseal,
 *   setxattrat…) at 0134cdff4d76559e51b4f55c51afa5403038f813 (strace 6.13
 *   development);
 * - the class names and the token grammar from src/basic_filters.c at
 *   1bf28651e764f9503f1800c947093c81b54fd0fd, and strace(1) of strace 6.1.
 *
 * The result was checked against a real strace 6.1 on x86_64: a static
 * program issued every 64-bit and every i386 (`int $0x80`) syscall number
 * under `strace -e trace=CLASS -e inject=…:error=ENOSYS` for each class, and
 * the names strace printed are exactly the lists below, minus the calls newer
 * than 6.1 and the few the probe could not issue (exit, fork, pause,
 * rt_sigreturn…, whose flags come from the tables alone).
 *
 * Calls newer than the tables read (Linux 6.13-6.17: listxattrat,
 * removexattrat, open_tree_attr, file_getattr, file_setattr) are placed like
 * their siblings (setxattrat, open_tree: a dirfd and a path, so %desc and
 * %file); INFERRED_MEMBERS names them so that the guess stays visible.
 *
 * A class is a set of names, not numbers: a trace names its calls, and one
 * name means one operation on every architecture listed here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** strace's class names, spelled as strace spells them after `-e trace=`. */
export type SyscallClassName =
  | '%file' | '%network' | '%process' | '%memory' | '%signal' | '%desc' | '%ipc' | '%creds' | '%clock'
  | '%stat' | '%lstat' | '%fstat' | '%%stat' | '%statfs' | '%fstatfs' | '%%statfs' | '%pure';

/** Members of each class: the union over x86_64, i386 and the generic 64-bit table. */
export const SYSCALL_CLASSES: Readonly<Record<SyscallClassName, readonly string[]>> = {
  '%file': [
    'access', 'acct', 'chdir', 'chmod', 'chown', 'chown32', 'chroot', 'creat', 'execve', 'execveat',
    'faccessat', 'faccessat2', 'fanotify_mark', 'fchmodat', 'fchmodat2', 'fchownat', 'file_getattr',
    'file_setattr', 'fsconfig', 'fspick', 'fstatat64', 'futimesat', 'getcwd', 'getxattr', 'getxattrat',
    'inotify_add_watch', 'lchown', 'lchown32', 'lgetxattr', 'link', 'linkat', 'listxattr', 'listxattrat',
    'llistxattr', 'lremovexattr', 'lsetxattr', 'lstat', 'lstat64', 'mkdir', 'mkdirat', 'mknod', 'mknodat',
    'mount', 'mount_setattr', 'move_mount', 'name_to_handle_at', 'newfstatat', 'oldlstat', 'oldstat',
    'open', 'open_tree', 'open_tree_attr', 'openat', 'openat2', 'pivot_root', 'quotactl', 'readlink',
    'readlinkat', 'removexattr', 'removexattrat', 'rename', 'renameat', 'renameat2', 'rmdir', 'setxattr',
    'setxattrat', 'stat', 'stat64', 'statfs', 'statfs64', 'statx', 'swapoff', 'swapon', 'symlink',
    'symlinkat', 'truncate', 'truncate64', 'umount', 'umount2', 'unlink', 'unlinkat', 'uselib', 'utime',
    'utimensat', 'utimensat_time64', 'utimes',
  ],
  '%network': [
    'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getpmsg', 'getsockname', 'getsockopt', 'listen',
    'putpmsg', 'recvfrom', 'recvmmsg', 'recvmmsg_time64', 'recvmsg', 'sendfile', 'sendfile64', 'sendmmsg',
    'sendmsg', 'sendto', 'setsockopt', 'shutdown', 'socket', 'socketpair',
  ],
  '%process': [
    'clone', 'clone3', 'execve', 'execveat', 'exit', 'exit_group', 'fork', 'kill', 'pidfd_send_signal',
    'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'tgkill', 'tkill', 'vfork', 'wait4', 'waitid', 'waitpid',
  ],
  '%memory': [
    'break', 'brk', 'get_mempolicy', 'io_destroy', 'io_setup', 'io_uring_register', 'madvise',
    'map_shadow_stack', 'mbind', 'migrate_pages', 'mincore', 'mlock', 'mlock2', 'mlockall', 'mmap', 'mmap2',
    'move_pages', 'mprotect', 'mremap', 'mseal', 'msync', 'munlock', 'munlockall', 'munmap',
    'pkey_mprotect', 'remap_file_pages', 'set_mempolicy', 'set_mempolicy_home_node', 'shmat', 'shmdt',
  ],
  '%signal': [
    'io_uring_enter', 'kill', 'pause', 'pidfd_send_signal', 'rt_sigaction', 'rt_sigpending',
    'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait',
    'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo', 'sgetmask', 'sigaction', 'sigaltstack', 'signal',
    'signalfd', 'signalfd4', 'sigpending', 'sigprocmask', 'sigreturn', 'sigsuspend', 'ssetmask', 'tgkill',
    'tkill',
  ],
  '%desc': [
    '_llseek', '_newselect', 'bpf', 'cachestat', 'close', 'copy_file_range', 'creat', 'dup', 'dup2', 'dup3',
    'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'eventfd',
    'eventfd2', 'execveat', 'faccessat', 'faccessat2', 'fadvise64', 'fadvise64_64', 'fallocate',
    'fanotify_init', 'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fchown', 'fchown32',
    'fchownat', 'fcntl', 'fcntl64', 'fdatasync', 'fgetxattr', 'file_getattr', 'file_setattr',
    'finit_module', 'flistxattr', 'flock', 'fremovexattr', 'fsconfig', 'fsetxattr', 'fsmount', 'fsopen',
    'fspick', 'fstat', 'fstat64', 'fstatat64', 'fstatfs', 'fstatfs64', 'fsync', 'ftruncate', 'ftruncate64',
    'futimesat', 'getdents', 'getdents64', 'getxattrat', 'inotify_add_watch', 'inotify_init',
    'inotify_init1', 'inotify_rm_watch', 'io_uring_enter', 'io_uring_register', 'io_uring_setup', 'ioctl',
    'kexec_file_load', 'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'linkat',
    'listxattrat', 'lseek', 'memfd_create', 'memfd_secret', 'mkdirat', 'mknodat', 'mmap', 'mmap2',
    'mount_setattr', 'move_mount', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive',
    'mq_timedreceive_time64', 'mq_timedsend', 'mq_timedsend_time64', 'name_to_handle_at', 'newfstatat',
    'oldfstat', 'open', 'open_by_handle_at', 'open_tree', 'open_tree_attr', 'openat', 'openat2',
    'perf_event_open', 'pidfd_getfd', 'pidfd_open', 'pidfd_send_signal', 'pipe', 'pipe2', 'poll', 'ppoll',
    'ppoll_time64', 'pread64', 'preadv', 'preadv2', 'process_madvise', 'process_mrelease', 'pselect6',
    'pselect6_time64', 'pwrite64', 'pwritev', 'pwritev2', 'quotactl_fd', 'read', 'readahead', 'readdir',
    'readlinkat', 'readv', 'removexattrat', 'renameat', 'renameat2', 'select', 'sendfile', 'sendfile64',
    'setns', 'setxattrat', 'signalfd', 'signalfd4', 'socketcall', 'splice', 'statx', 'symlinkat',
    'sync_file_range', 'syncfs', 'tee', 'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64',
    'timerfd_settime', 'timerfd_settime64', 'unlinkat', 'userfaultfd', 'utimensat', 'utimensat_time64',
    'vmsplice', 'write', 'writev',
  ],
  '%ipc': [
    'ipc', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'semctl', 'semget', 'semop', 'semtimedop',
    'semtimedop_time64', 'shmat', 'shmctl', 'shmdt', 'shmget',
  ],
  '%creds': [
    'capget', 'capset', 'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getgroups',
    'getgroups32', 'getresgid', 'getresgid32', 'getresuid', 'getresuid32', 'getuid', 'getuid32', 'prctl',
    'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32', 'setgid', 'setgid32', 'setgroups', 'setgroups32',
    'setregid', 'setregid32', 'setresgid', 'setresgid32', 'setresuid', 'setresuid32', 'setreuid',
    'setreuid32', 'setuid', 'setuid32',
  ],
  '%clock': [
    'adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_getres', 'clock_getres_time64', 'clock_gettime',
    'clock_gettime64', 'clock_settime', 'clock_settime64', 'gettimeofday', 'settimeofday', 'time',
  ],
  '%stat': [
    'oldstat', 'stat', 'stat64',
  ],
  '%lstat': [
    'lstat', 'lstat64', 'oldlstat',
  ],
  '%fstat': [
    'fstat', 'fstat64', 'fstatat64', 'newfstatat', 'oldfstat', 'statx',
  ],
  '%%stat': [
    'fstat', 'fstat64', 'fstatat64', 'lstat', 'lstat64', 'newfstatat', 'oldfstat', 'oldlstat', 'oldstat',
    'stat', 'stat64', 'statx',
  ],
  '%statfs': [
    'statfs', 'statfs64',
  ],
  '%fstatfs': [
    'fstatfs', 'fstatfs64',
  ],
  '%%statfs': [
    'fstatfs', 'fstatfs64', 'statfs', 'statfs64', 'ustat',
  ],
  '%pure': [
    'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getpgrp', 'getpid', 'getppid',
    'gettid', 'getuid', 'getuid32',
  ],
};

/**
 * Other spellings strace accepts for a class: `%net`, and the seven classes
 * of strace 4 without the `%` (strace(1) calls those deprecated, but they
 * still work and old scripts use them).
 */
export const CLASS_ALIASES: Readonly<Record<string, SyscallClassName>> = {
  '%net': '%network',
  file: '%file',
  network: '%network',
  process: '%process',
  signal: '%signal',
  ipc: '%ipc',
  desc: '%desc',
  memory: '%memory',
};

/** What each class is for, in strace(1)'s terms. */
export const CLASS_MEANINGS: Readonly<Record<SyscallClassName, string>> = {
  '%file': 'calls that take a file name',
  '%network': 'sockets and everything done on them',
  '%process': 'process lifecycle: creation, exec, waiting, termination, signals to other processes',
  '%memory': 'memory mapping and memory policy',
  '%signal': 'signal handling, masks and sending',
  '%desc': 'calls that take or return a file descriptor',
  '%ipc': 'System V IPC: message queues, semaphores, shared memory',
  '%creds': 'reading or changing user and group ids and capabilities',
  '%clock': 'reading or setting system clocks',
  '%stat': 'stat variants',
  '%lstat': 'lstat variants',
  '%fstat': 'fstat, fstatat and statx variants',
  '%%stat': 'every way to ask for a file\'s status: %stat, %lstat and %fstat together',
  '%statfs': 'statfs variants',
  '%fstatfs': 'fstatfs variants',
  '%%statfs': 'file system statistics: %statfs, %fstatfs and ustat',
  '%pure': 'calls that take no arguments and always succeed',
};

/** Every name strace knows on these architectures that belongs to no class (matched by name or regex only). */
export const UNCLASSIFIED_SYSCALLS: readonly string[] = [
  '_sysctl', 'add_key', 'afs_syscall', 'alarm', 'arch_prctl', 'bdflush', 'clock_nanosleep',
  'clock_nanosleep_time64', 'close_range', 'create_module', 'delete_module', 'epoll_ctl_old',
  'epoll_wait_old', 'ftime', 'futex', 'futex_requeue', 'futex_time64', 'futex_wait', 'futex_waitv',
  'futex_wake', 'get_kernel_syms', 'get_robust_list', 'get_thread_area', 'getcpu', 'getitimer', 'getpgid',
  'getpriority', 'getrandom', 'getrlimit', 'getrusage', 'getsid', 'gtty', 'idle', 'init_module',
  'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64', 'io_submit', 'ioperm', 'iopl',
  'ioprio_get', 'ioprio_set', 'kcmp', 'kexec_load', 'keyctl', 'listmount', 'lock', 'lookup_dcookie',
  'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'membarrier', 'modify_ldt', 'mpx',
  'mq_unlink', 'nanosleep', 'nfsservctl', 'nice', 'oldolduname', 'olduname', 'personality', 'pkey_alloc',
  'pkey_free', 'prlimit64', 'process_vm_readv', 'process_vm_writev', 'prof', 'profil', 'ptrace',
  'query_module', 'reboot', 'request_key', 'restart_syscall', 'rseq', 'sched_get_priority_max',
  'sched_get_priority_min', 'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_getscheduler',
  'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_setaffinity', 'sched_setattr',
  'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', 'security', 'set_robust_list',
  'set_thread_area', 'set_tid_address', 'setdomainname', 'sethostname', 'setitimer', 'setpgid',
  'setpriority', 'setrlimit', 'setsid', 'statmount', 'stime', 'stty', 'sync', 'sysfs', 'sysinfo', 'syslog',
  'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime',
  'timer_settime64', 'times', 'tuxcall', 'ugetrlimit', 'ulimit', 'umask', 'uname', 'unshare', 'uretprobe',
  'vhangup', 'vm86', 'vm86old', 'vserver',
];

/** Class members placed by analogy with their siblings, not read from strace's tables (see the header). */
export const INFERRED_MEMBERS: readonly string[] = ['listxattrat', 'removexattrat', 'open_tree_attr', 'file_getattr', 'file_setattr'];

/** Every syscall name strace knows on x86_64, i386 and the generic 64-bit architectures. */
export const KNOWN_SYSCALLS: ReadonlySet<string> = new Set([...Object.values(SYSCALL_CLASSES).flat(), ...UNCLASSIFIED_SYSCALLS]);

const MEMBERS = new Map<SyscallClassName, ReadonlySet<string>>(
  (Object.keys(SYSCALL_CLASSES) as SyscallClassName[]).map((c) => [c, new Set(SYSCALL_CLASSES[c])]),
);

/** The class a spelling names (`%file`, `file`, `%net`…), or undefined. */
export function className(spelling: string): SyscallClassName | undefined {
  if (Object.hasOwn(SYSCALL_CLASSES, spelling)) return spelling as SyscallClassName;
  return Object.hasOwn(CLASS_ALIASES, spelling) ? CLASS_ALIASES[spelling] : undefined;
}

/** Members of a class, by any spelling strace accepts; undefined when it names no class. */
export function classMembers(spelling: string): ReadonlySet<string> | undefined {
  const c = className(spelling);
  return c ? MEMBERS.get(c) : undefined;
}

/** The classes a syscall belongs to, in table order. */
export function classesOf(name: string): SyscallClassName[] {
  return [...MEMBERS].filter(([, m]) => m.has(name)).map(([c]) => c);
}

// docs/filters.md shows the table the filter runs; a test checks they agree.
const BEGIN = '<!-- syscall-classes:begin (generated by `node dist/src/knowledge/syscall-classes.js docs/filters.md` from src/knowledge/syscall-classes.ts) -->';
const END = '<!-- syscall-classes:end -->';

export function syscallClassesMarkdown(): string {
  const aliases = (c: SyscallClassName) => Object.entries(CLASS_ALIASES).filter(([, to]) => to === c).map(([a]) => `\`${a}\``);
  const out = ['| class | also spelled | what | calls |', '| --- | --- | --- | --- |'];
  for (const c of Object.keys(SYSCALL_CLASSES) as SyscallClassName[]) {
    out.push(`| \`${c}\` | ${aliases(c).join(', ') || '—'} | ${CLASS_MEANINGS[c]} | ${SYSCALL_CLASSES[c].length} |`);
  }
  out.push('', 'Members (x86_64, i386 and the generic 64-bit table of aarch64/riscv64 together):', '');
  for (const c of Object.keys(SYSCALL_CLASSES) as SyscallClassName[]) {
    out.push(`- \`${c}\`: ${SYSCALL_CLASSES[c].map((n) => `\`${n}\``).join(', ')}`);
  }
  out.push('', `Placed by analogy with their siblings, not read from strace's tables: ${INFERRED_MEMBERS.map((n) => `\`${n}\``).join(', ')}.`);
  out.push('', `Known names in no class (${UNCLASSIFIED_SYSCALLS.length}): ${UNCLASSIFIED_SYSCALLS.map((n) => `\`${n}\``).join(', ')}.`);
  return out.join('\n');
}

/** The generated section of a Markdown file, or undefined when it has none. */
export function syscallClassesSection(path: string): string | undefined {
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  return a < 0 || b < a ? undefined : text.slice(a + BEGIN.length + 1, b - 1);
}

/** Rewrite the generated section; returns whether the file changed. */
export function updateSyscallClassesSection(path: string): boolean {
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${path} has no generated syscall-classes section`);
  const next = text.slice(0, a + BEGIN.length) + '\n' + syscallClassesMarkdown() + '\n' + text.slice(b);
  if (next === text) return false;
  writeFileSync(path, next);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2] ?? 'docs/filters.md';
  process.stdout.write(updateSyscallClassesSection(target) ? `updated ${target}\n` : `${target} is up to date\n`);
}
