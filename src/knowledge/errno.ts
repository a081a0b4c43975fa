/**
 * Linux errno knowledge, kept as data in the spirit of strace's `xlat/` and
 * `linux/errnoent.h` tables.
 *
 * Numbering is the asm-generic one (include/uapi/asm-generic/errno-base.h and
 * errno.h), which x86_64, i386, arm, aarch64, riscv and most other arches use.
 * alpha, mips, sparc, parisc and powerpc renumber some codes; traces from those
 * need their own table and are out of scope here.
 *
 * `message` is exactly the text strace puts in parentheses after the name. For
 * ordinary errnos strace prints glibc's strerror(), so the texts below were
 * captured from strace 6.1 on glibc 2.36 by injecting each errno
 * (`strace -e inject=getpid:error=N`), which also confirms the name strace
 * chooses when two names share a number (EDEADLK, EOPNOTSUPP, EAGAIN).
 */

export interface ErrnoInfo {
  /** The name as it appears in a trace; for alias rows, the alias itself. */
  readonly name: string;
  readonly number: number;
  /** The parenthesised text strace prints today (strace 6.x + current glibc). */
  readonly message: string;
  /**
   * Codes >= 512 never reach user space: strace only sees them because ptrace
   * stops the tracee before the kernel converts them (to EINTR, or a restart).
   */
  readonly kernelInternal: boolean;
  /** Set on alias rows; lookups by name resolve to this canonical name. */
  readonly aliasOf?: string;
  /**
   * Other texts that older strace/glibc builds printed for the same errno, so
   * that old logs still match. Each entry carries its provenance in a comment.
   */
  readonly historicalMessages?: readonly string[];
  /**
   * What the kernel means by a kernel-internal code, from the comment in
   * include/linux/errno.h. strace's own text for most of them is just
   * glibc's "Unknown error N", which explains nothing to a reader.
   */
  readonly kernelMeaning?: string;
  /**
   * Only the four ERESTART* codes: how the kernel restarts the interrupted
   * call. strace prints these with a `?` return value instead of `-1`,
   * because the tracee never sees a return value for them.
   */
  readonly restart?: 'if-sa-restart' | 'always' | 'if-no-handler' | 'restart-syscall';
  /**
   * False when strace's errnoent table has no name for the number, so the
   * line reads `= -1 (errno 519)`: matching on the name alone would miss it.
   */
  readonly straceNamesIt: boolean;
}

type Row = readonly [number: number, name: string, message: string];

// Ordinary errnos 1..133. 41 and 58 are unused on asm-generic arches (strace
// prints them as `(errno 41)`), so they are intentionally absent.
const USER_VISIBLE: readonly Row[] = [
  [1, 'EPERM', 'Operation not permitted'],
  [2, 'ENOENT', 'No such file or directory'],
  [3, 'ESRCH', 'No such process'],
  [4, 'EINTR', 'Interrupted system call'],
  [5, 'EIO', 'Input/output error'],
  [6, 'ENXIO', 'No such device or address'],
  [7, 'E2BIG', 'Argument list too long'],
  [8, 'ENOEXEC', 'Exec format error'],
  [9, 'EBADF', 'Bad file descriptor'],
  [10, 'ECHILD', 'No child processes'],
  [11, 'EAGAIN', 'Resource temporarily unavailable'],
  [12, 'ENOMEM', 'Cannot allocate memory'],
  [13, 'EACCES', 'Permission denied'],
  [14, 'EFAULT', 'Bad address'],
  [15, 'ENOTBLK', 'Block device required'],
  [16, 'EBUSY', 'Device or resource busy'],
  [17, 'EEXIST', 'File exists'],
  [18, 'EXDEV', 'Invalid cross-device link'],
  [19, 'ENODEV', 'No such device'],
  [20, 'ENOTDIR', 'Not a directory'],
  [21, 'EISDIR', 'Is a directory'],
  [22, 'EINVAL', 'Invalid argument'],
  [23, 'ENFILE', 'Too many open files in system'],
  [24, 'EMFILE', 'Too many open files'],
  [25, 'ENOTTY', 'Inappropriate ioctl for device'],
  [26, 'ETXTBSY', 'Text file busy'],
  [27, 'EFBIG', 'File too large'],
  [28, 'ENOSPC', 'No space left on device'],
  [29, 'ESPIPE', 'Illegal seek'],
  [30, 'EROFS', 'Read-only file system'],
  [31, 'EMLINK', 'Too many links'],
  [32, 'EPIPE', 'Broken pipe'],
  [33, 'EDOM', 'Numerical argument out of domain'],
  [34, 'ERANGE', 'Numerical result out of range'],
  [35, 'EDEADLK', 'Resource deadlock avoided'],
  [36, 'ENAMETOOLONG', 'File name too long'],
  [37, 'ENOLCK', 'No locks available'],
  [38, 'ENOSYS', 'Function not implemented'],
  [39, 'ENOTEMPTY', 'Directory not empty'],
  [40, 'ELOOP', 'Too many levels of symbolic links'],
  [42, 'ENOMSG', 'No message of desired type'],
  [43, 'EIDRM', 'Identifier removed'],
  [44, 'ECHRNG', 'Channel number out of range'],
  [45, 'EL2NSYNC', 'Level 2 not synchronized'],
  [46, 'EL3HLT', 'Level 3 halted'],
  [47, 'EL3RST', 'Level 3 reset'],
  [48, 'ELNRNG', 'Link number out of range'],
  [49, 'EUNATCH', 'Protocol driver not attached'],
  [50, 'ENOCSI', 'No CSI structure available'],
  [51, 'EL2HLT', 'Level 2 halted'],
  [52, 'EBADE', 'Invalid exchange'],
  [53, 'EBADR', 'Invalid request descriptor'],
  [54, 'EXFULL', 'Exchange full'],
  [55, 'ENOANO', 'No anode'],
  [56, 'EBADRQC', 'Invalid request code'],
  [57, 'EBADSLT', 'Invalid slot'],
  [59, 'EBFONT', 'Bad font file format'],
  [60, 'ENOSTR', 'Device not a stream'],
  [61, 'ENODATA', 'No data available'],
  [62, 'ETIME', 'Timer expired'],
  [63, 'ENOSR', 'Out of streams resources'],
  [64, 'ENONET', 'Machine is not on the network'],
  [65, 'ENOPKG', 'Package not installed'],
  [66, 'EREMOTE', 'Object is remote'],
  [67, 'ENOLINK', 'Link has been severed'],
  [68, 'EADV', 'Advertise error'],
  [69, 'ESRMNT', 'Srmount error'],
  [70, 'ECOMM', 'Communication error on send'],
  [71, 'EPROTO', 'Protocol error'],
  [72, 'EMULTIHOP', 'Multihop attempted'],
  [73, 'EDOTDOT', 'RFS specific error'],
  [74, 'EBADMSG', 'Bad message'],
  [75, 'EOVERFLOW', 'Value too large for defined data type'],
  [76, 'ENOTUNIQ', 'Name not unique on network'],
  [77, 'EBADFD', 'File descriptor in bad state'],
  [78, 'EREMCHG', 'Remote address changed'],
  [79, 'ELIBACC', 'Can not access a needed shared library'],
  [80, 'ELIBBAD', 'Accessing a corrupted shared library'],
  [81, 'ELIBSCN', '.lib section in a.out corrupted'],
  [82, 'ELIBMAX', 'Attempting to link in too many shared libraries'],
  [83, 'ELIBEXEC', 'Cannot exec a shared library directly'],
  [84, 'EILSEQ', 'Invalid or incomplete multibyte or wide character'],
  [85, 'ERESTART', 'Interrupted system call should be restarted'],
  [86, 'ESTRPIPE', 'Streams pipe error'],
  [87, 'EUSERS', 'Too many users'],
  [88, 'ENOTSOCK', 'Socket operation on non-socket'],
  [89, 'EDESTADDRREQ', 'Destination address required'],
  [90, 'EMSGSIZE', 'Message too long'],
  [91, 'EPROTOTYPE', 'Protocol wrong type for socket'],
  [92, 'ENOPROTOOPT', 'Protocol not available'],
  [93, 'EPROTONOSUPPORT', 'Protocol not supported'],
  [94, 'ESOCKTNOSUPPORT', 'Socket type not supported'],
  [95, 'EOPNOTSUPP', 'Operation not supported'],
  [96, 'EPFNOSUPPORT', 'Protocol family not supported'],
  [97, 'EAFNOSUPPORT', 'Address family not supported by protocol'],
  [98, 'EADDRINUSE', 'Address already in use'],
  [99, 'EADDRNOTAVAIL', 'Cannot assign requested address'],
  [100, 'ENETDOWN', 'Network is down'],
  [101, 'ENETUNREACH', 'Network is unreachable'],
  [102, 'ENETRESET', 'Network dropped connection on reset'],
  [103, 'ECONNABORTED', 'Software caused connection abort'],
  [104, 'ECONNRESET', 'Connection reset by peer'],
  [105, 'ENOBUFS', 'No buffer space available'],
  [106, 'EISCONN', 'Transport endpoint is already connected'],
  [107, 'ENOTCONN', 'Transport endpoint is not connected'],
  [108, 'ESHUTDOWN', 'Cannot send after transport endpoint shutdown'],
  [109, 'ETOOMANYREFS', 'Too many references: cannot splice'],
  [110, 'ETIMEDOUT', 'Connection timed out'],
  [111, 'ECONNREFUSED', 'Connection refused'],
  [112, 'EHOSTDOWN', 'Host is down'],
  [113, 'EHOSTUNREACH', 'No route to host'],
  [114, 'EALREADY', 'Operation already in progress'],
  [115, 'EINPROGRESS', 'Operation now in progress'],
  [116, 'ESTALE', 'Stale file handle'],
  [117, 'EUCLEAN', 'Structure needs cleaning'],
  [118, 'ENOTNAM', 'Not a XENIX named type file'],
  [119, 'ENAVAIL', 'No XENIX semaphores available'],
  [120, 'EISNAM', 'Is a named type file'],
  [121, 'EREMOTEIO', 'Remote I/O error'],
  [122, 'EDQUOT', 'Disk quota exceeded'],
  [123, 'ENOMEDIUM', 'No medium found'],
  [124, 'EMEDIUMTYPE', 'Wrong medium type'],
  [125, 'ECANCELED', 'Operation canceled'],
  [126, 'ENOKEY', 'Required key not available'],
  [127, 'EKEYEXPIRED', 'Key has expired'],
  [128, 'EKEYREVOKED', 'Key has been revoked'],
  [129, 'EKEYREJECTED', 'Key was rejected by service'],
  [130, 'EOWNERDEAD', 'Owner died'],
  [131, 'ENOTRECOVERABLE', 'State not recoverable'],
  [132, 'ERFKILL', 'Operation not possible due to RF-kill'],
  [133, 'EHWPOISON', 'Memory page has hardware error'],
];

// strace ≤ 4.6 printed one fixed text for every ERESTART* code, e.g.
// `nanosleep(...) = ? ERESTART_RESTARTBLOCK (To be restarted)`; the specific
// texts arrived in strace 4.7 (2012). Pre-2012 logs are common in the wild.
const OLD_STRACE_RESTART_TEXT = 'To be restarted';

const KERNEL_INTERNAL: readonly ErrnoInfo[] = [
  {
    name: 'ERESTARTSYS', number: 512, kernelInternal: true, straceNamesIt: true,
    message: 'To be restarted if SA_RESTART is set',
    historicalMessages: [OLD_STRACE_RESTART_TEXT],
    kernelMeaning: 'interrupted by a signal; restarted if the handler has SA_RESTART, otherwise fails with EINTR',
    restart: 'if-sa-restart',
  },
  {
    name: 'ERESTARTNOINTR', number: 513, kernelInternal: true, straceNamesIt: true,
    message: 'To be restarted',
    kernelMeaning: 'interrupted by a signal; always restarted, never turned into EINTR',
    restart: 'always',
  },
  {
    name: 'ERESTARTNOHAND', number: 514, kernelInternal: true, straceNamesIt: true,
    message: 'To be restarted if no handler',
    historicalMessages: [OLD_STRACE_RESTART_TEXT],
    kernelMeaning: 'interrupted by a signal; restarted only if no handler ran, otherwise fails with EINTR',
    restart: 'if-no-handler',
  },
  {
    name: 'ENOIOCTLCMD', number: 515, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 515',
    kernelMeaning: 'no ioctl command (a driver did not recognise the request; user space normally sees ENOTTY)',
  },
  {
    name: 'ERESTART_RESTARTBLOCK', number: 516, kernelInternal: true, straceNamesIt: true,
    message: 'Interrupted by signal',
    historicalMessages: [OLD_STRACE_RESTART_TEXT],
    kernelMeaning: 'interrupted by a signal; resumed through restart_syscall() with adjusted arguments, or EINTR if a handler ran',
    restart: 'restart-syscall',
  },
  {
    name: 'EPROBE_DEFER', number: 517, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 517',
    kernelMeaning: 'driver requests probe retry',
  },
  {
    // The kernel name is EOPENSTALE (not "EOPENSTALEDATA"), in both
    // include/linux/errno.h and strace's errnoent.h.
    name: 'EOPENSTALE', number: 518, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 518',
    kernelMeaning: 'open found a stale dentry',
  },
  {
    // Added in Linux 5.1 for the fs_context API; strace 6.1's errnoent.h stops
    // at 518 here, hence `= -1 (errno 519)` in its output.
    name: 'ENOPARAM', number: 519, kernelInternal: true, straceNamesIt: false,
    message: 'Unknown error 519',
    kernelMeaning: 'parameter not supported',
  },
  // 520 is unassigned in include/linux/errno.h.
  {
    name: 'EBADHANDLE', number: 521, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 521',
    kernelMeaning: 'illegal NFS file handle',
  },
  {
    name: 'ENOTSYNC', number: 522, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 522',
    kernelMeaning: 'NFS: update synchronization mismatch',
  },
  {
    name: 'EBADCOOKIE', number: 523, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 523',
    kernelMeaning: 'NFS: cookie is stale',
  },
  {
    // Not the same as ENOTSUP/EOPNOTSUPP (95); leaks to user space from some
    // drivers, which is exactly when seeing it in a trace matters.
    name: 'ENOTSUPP', number: 524, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 524',
    kernelMeaning: 'operation is not supported (kernel-internal, distinct from EOPNOTSUPP)',
  },
  {
    name: 'ETOOSMALL', number: 525, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 525',
    kernelMeaning: 'buffer or request is too small',
  },
  {
    name: 'ESERVERFAULT', number: 526, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 526',
    kernelMeaning: 'NFS: an untranslatable error occurred',
  },
  {
    name: 'EBADTYPE', number: 527, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 527',
    kernelMeaning: 'NFS: type not supported by server',
  },
  {
    name: 'EJUKEBOX', number: 528, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 528',
    kernelMeaning: 'NFS: request initiated, but will not complete before timeout',
  },
  {
    name: 'EIOCBQUEUED', number: 529, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 529',
    kernelMeaning: 'iocb queued, will get completion event',
  },
  {
    name: 'ERECALLCONFLICT', number: 530, kernelInternal: true, straceNamesIt: true,
    message: 'Unknown error 530',
    kernelMeaning: 'NFS: conflict with recalled state',
  },
  {
    // Added in Linux 5.14 (NFS lock reclaim); not in strace 6.1's errnoent.h,
    // which prints `= -1 (errno 531)`.
    name: 'ENOGRACE', number: 531, kernelInternal: true, straceNamesIt: false,
    message: 'Unknown error 531',
    kernelMeaning: 'NFS file lock reclaim refused',
  },
];

// Texts that older glibc's strerror() returned and older strace logs contain.
const HISTORICAL: Readonly<Record<string, readonly string[]>> = {
  // glibc renamed it along with the kernel comment (~2012); 2005-era strace
  // output reads `= -1 ESTALE (Stale NFS file handle)`.
  ESTALE: ['Stale NFS file handle'],
};

// Alias → canonical. strace always prints the canonical spelling on
// asm-generic arches; the aliases matter for user input (filters, -e inject)
// and for logs written by other tools that follow glibc's naming.
const ALIASES: Readonly<Record<string, string>> = {
  EWOULDBLOCK: 'EAGAIN',
  EDEADLOCK: 'EDEADLK',
  // glibc-only name (bits/errno.h); the kernel has no separate ENOTSUP.
  ENOTSUP: 'EOPNOTSUPP',
};

function fromRow([number, name, message]: Row): ErrnoInfo {
  const historicalMessages = HISTORICAL[name];
  return {
    name,
    number,
    message,
    kernelInternal: false,
    straceNamesIt: true,
    ...(historicalMessages ? { historicalMessages } : {}),
  };
}

const CANONICAL: readonly ErrnoInfo[] = [...USER_VISIBLE.map(fromRow), ...KERNEL_INTERNAL];

const byName = new Map<string, ErrnoInfo>();
const byNumber = new Map<number, ErrnoInfo>();
for (const info of CANONICAL) {
  byName.set(info.name, info);
  byNumber.set(info.number, info);
}

const ALIAS_ROWS: readonly ErrnoInfo[] = Object.entries(ALIASES).map(([alias, target]) => {
  const canonical = byName.get(target);
  if (!canonical) throw new Error(`errno alias ${alias} points at unknown ${target}`);
  return { ...canonical, name: alias, aliasOf: target };
});
for (const alias of ALIAS_ROWS) {
  // Aliases resolve to the canonical row so callers compare one object.
  byName.set(alias.name, byName.get(alias.aliasOf as string) as ErrnoInfo);
}

/** Every errno: canonical rows first (by number), then alias rows. */
export const ERRNOS: readonly ErrnoInfo[] = [...CANONICAL, ...ALIAS_ROWS];

/** Looks up by name; aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) return the canonical row. */
export function errnoByName(name: string): ErrnoInfo | undefined {
  return byName.get(name);
}

/** Looks up by number; always the canonical (strace-printed) row. */
export function errnoByNumber(n: number): ErrnoInfo | undefined {
  return byNumber.get(n);
}

/**
 * Whether `text` is a message strace has printed for this errno in any
 * version we know of; a trace's text is evidence of its strace/glibc era.
 */
export function isKnownErrnoMessage(info: ErrnoInfo, text: string): boolean {
  return text === info.message || (info.historicalMessages?.includes(text) ?? false);
}
