/**
 * `si_code` names as strace prints them in siginfo blocks such as
 * `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} ---`.
 *
 * Values come from include/uapi/asm-generic/siginfo.h (what x86_64 uses) and
 * strace's xlat/siginfo_codes.in and xlat/sig*_codes.in. A positive si_code
 * means nothing on its own: 1 is CLD_EXITED for SIGCHLD but SEGV_MAPERR for
 * SIGSEGV, so signal-specific rows carry the signal they belong to.
 */

export interface SiCodeInfo {
  readonly name: string;
  readonly value: number;
  /**
   * The signal whose si_code space this value lives in; absent for the
   * generic SI_* codes, which apply to every signal and are checked first.
   */
  readonly signal?: string;
  /** One line: what sent the signal or what went wrong. */
  readonly meaning: string;
}

type Row = readonly [name: string, value: number, meaning: string];

// The order mirrors strace's print_si_code(): the generic table is consulted
// before the per-signal one, so SI_USER (0) and SI_KERNEL (0x80) win for
// every signal.
const GENERIC: readonly Row[] = [
  ['SI_USER', 0, 'sent by kill() or raise() from user space'],
  ['SI_KERNEL', 0x80, 'sent by the kernel itself (e.g. SIGWINCH on terminal resize, SIGINT from Ctrl-C, SIGSEGV on a general protection fault)'],
  ['SI_QUEUE', -1, 'sent by sigqueue()'],
  ['SI_TIMER', -2, 'sent by a POSIX timer expiring'],
  ['SI_MESGQ', -3, 'sent by a POSIX message queue becoming non-empty'],
  ['SI_ASYNCIO', -4, 'sent by POSIX AIO completion'],
  ['SI_SIGIO', -5, 'sent by queued SIGIO (F_SETSIG)'],
  ['SI_TKILL', -6, 'sent by tkill() or tgkill() to one thread'],
  ['SI_DETHREAD', -7, 'sent by execve() killing the other threads'],
  ['SI_ASYNCNL', -60, 'sent by glibc asynchronous name lookup (getaddrinfo_a) completion'],
];

const PER_SIGNAL: Readonly<Record<string, readonly Row[]>> = {
  SIGCHLD: [
    ['CLD_EXITED', 1, 'child exited normally; si_status is its exit code'],
    ['CLD_KILLED', 2, 'child was killed by a signal; si_status is the signal'],
    ['CLD_DUMPED', 3, 'child was killed by a signal and dumped core'],
    ['CLD_TRAPPED', 4, 'traced child has trapped'],
    ['CLD_STOPPED', 5, 'child was stopped by a signal'],
    ['CLD_CONTINUED', 6, 'stopped child was continued by SIGCONT'],
  ],
  SIGSEGV: [
    ['SEGV_MAPERR', 1, 'address not mapped to any object (e.g. NULL or freed memory)'],
    ['SEGV_ACCERR', 2, 'address mapped but access not permitted (e.g. write to read-only page)'],
    ['SEGV_BNDERR', 3, 'failed address bound check (Intel MPX)'],
    ['SEGV_PKUERR', 4, 'access denied by a memory protection key (PKU)'],
    // The next five are sparc ADI and arm64 MTE; the x86_64 headers define
    // them too, so an x86_64 strace would name them if the value appeared.
    ['SEGV_ACCADI', 5, 'ADI not enabled for mapped object (sparc)'],
    ['SEGV_ADIDERR', 6, 'disrupting MCD error (sparc ADI)'],
    ['SEGV_ADIPERR', 7, 'precise MCD exception (sparc ADI)'],
    ['SEGV_MTEAERR', 8, 'asynchronous memory tag check fault (arm64 MTE)'],
    ['SEGV_MTESERR', 9, 'synchronous memory tag check fault (arm64 MTE)'],
    // Linux 6.6+ (x86 shadow stacks); strace 6.1 prints it as si_code=10.
    ['SEGV_CPERR', 10, 'control-protection fault (x86 shadow stack mismatch)'],
  ],
  SIGBUS: [
    ['BUS_ADRALN', 1, 'invalid address alignment'],
    ['BUS_ADRERR', 2, 'non-existent physical address (e.g. access past the end of a mmapped file)'],
    ['BUS_OBJERR', 3, 'object-specific hardware error'],
    ['BUS_MCEERR_AR', 4, 'hardware memory error consumed on a machine check: action required'],
    ['BUS_MCEERR_AO', 5, 'hardware memory error detected but not consumed: action optional'],
  ],
  SIGILL: [
    ['ILL_ILLOPC', 1, 'illegal opcode'],
    ['ILL_ILLOPN', 2, 'illegal operand'],
    ['ILL_ILLADR', 3, 'illegal addressing mode'],
    ['ILL_ILLTRP', 4, 'illegal trap'],
    ['ILL_PRVOPC', 5, 'privileged opcode'],
    ['ILL_PRVREG', 6, 'privileged register'],
    ['ILL_COPROC', 7, 'coprocessor error'],
    ['ILL_BADSTK', 8, 'internal stack error'],
    // ia64 leftovers that the asm-generic header still defines.
    ['ILL_BADIADDR', 9, 'unimplemented instruction address (ia64)'],
    ['__ILL_BREAK', 10, 'illegal break (ia64)'],
    ['__ILL_BNDMOD', 11, 'bundle-update in progress (ia64)'],
  ],
  SIGFPE: [
    ['FPE_INTDIV', 1, 'integer divide by zero'],
    ['FPE_INTOVF', 2, 'integer overflow'],
    ['FPE_FLTDIV', 3, 'floating-point divide by zero'],
    ['FPE_FLTOVF', 4, 'floating-point overflow'],
    ['FPE_FLTUND', 5, 'floating-point underflow'],
    ['FPE_FLTRES', 6, 'floating-point inexact result'],
    ['FPE_FLTINV', 7, 'floating-point invalid operation'],
    ['FPE_FLTSUB', 8, 'subscript out of range'],
    // ia64 leftovers that the asm-generic header still defines.
    ['__FPE_DECOVF', 9, 'decimal overflow (ia64)'],
    ['__FPE_DECDIV', 10, 'decimal division by zero (ia64)'],
    ['__FPE_DECERR', 11, 'packed decimal error (ia64)'],
    ['__FPE_INVASC', 12, 'invalid ASCII digit (ia64)'],
    ['__FPE_INVDEC', 13, 'invalid decimal digit (ia64)'],
    ['FPE_FLTUNK', 14, 'undiagnosed floating-point exception'],
    ['FPE_CONDTRAP', 15, 'trap on condition (arm)'],
  ],
  SIGTRAP: [
    ['TRAP_BRKPT', 1, 'process breakpoint'],
    ['TRAP_TRACE', 2, 'process trace trap (single-step)'],
    ['TRAP_BRANCH', 3, 'process taken branch trap'],
    ['TRAP_HWBKPT', 4, 'hardware breakpoint or watchpoint'],
    ['TRAP_UNK', 5, 'undiagnosed trap'],
    ['TRAP_PERF', 6, 'perf event with sigtrap=1'],
  ],
  SIGIO: [
    ['POLL_IN', 1, 'data input available'],
    ['POLL_OUT', 2, 'output buffers available'],
    ['POLL_MSG', 3, 'input message available'],
    ['POLL_ERR', 4, 'I/O error'],
    ['POLL_PRI', 5, 'high-priority input available'],
    ['POLL_HUP', 6, 'device disconnected'],
  ],
  SIGSYS: [
    ['SYS_SECCOMP', 1, 'system call blocked by a seccomp filter (SECCOMP_RET_TRAP)'],
    ['SYS_USER_DISPATCH', 2, 'system call intercepted by syscall user dispatch'],
  ],
};

export const SI_CODES: readonly SiCodeInfo[] = [
  ...GENERIC.map(([name, value, meaning]): SiCodeInfo => ({ name, value, meaning })),
  ...Object.entries(PER_SIGNAL).flatMap(([signal, rows]) =>
    rows.map(([name, value, meaning]): SiCodeInfo => ({ name, value, signal, meaning })),
  ),
];

const byName = new Map<string, SiCodeInfo>(SI_CODES.map((info) => [info.name, info]));
const genericByValue = new Map<number, SiCodeInfo>();
const perSignalByValue = new Map<string, SiCodeInfo>();
for (const info of SI_CODES) {
  if (info.signal === undefined) genericByValue.set(info.value, info);
  else perSignalByValue.set(`${info.signal}:${info.value}`, info);
}

// SIGPOLL is the same signal as SIGIO; strace prints the number-derived name
// SIGIO, but callers may pass either.
const SIGNAL_SPELLINGS: Readonly<Record<string, string>> = { SIGPOLL: 'SIGIO', SIGCLD: 'SIGCHLD' };

export function siCodeByName(name: string): SiCodeInfo | undefined {
  return byName.get(name);
}

/**
 * The name strace would print for `value` in a siginfo of `signal`, using
 * the same precedence as strace (generic SI_* codes first).
 */
export function siCodeByValue(value: number, signal?: string): SiCodeInfo | undefined {
  const generic = genericByValue.get(value);
  if (generic || signal === undefined) return generic;
  return perSignalByValue.get(`${SIGNAL_SPELLINGS[signal] ?? signal}:${value}`);
}
