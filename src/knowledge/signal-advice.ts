/**
 * What a fatal signal usually means when it ends a process in an incident,
 * as data; src/findings/rules/process.ts adds it to process.killed.
 */

export const FATAL_SIGNAL_ADVICE: Readonly<Record<string, string>> = {
  SIGKILL: 'SIGKILL cannot be caught: it comes from the kernel\'s OOM killer (dmesg | grep -i "killed process"; the cgroup\'s memory.events) or from someone who meant it: a supervisor or orchestrator (systemd TimeoutStopSec, a Kubernetes liveness probe, timeout -s KILL), or an operator.',
  SIGSEGV: 'The process touched memory it may not (a bug: a null or dangling pointer, a stack overflow). The fault address is in the siginfo (si_addr); a core dump and the binary\'s symbols say where.',
  SIGBUS: 'A bus error: a mapped file truncated under the process, or an unaligned access on some architectures.',
  SIGABRT: 'The program aborted itself: a failed assertion, a fatal error in a library (glibc "double free", a C++ uncaught exception), or abort() on purpose; its stderr says why.',
  SIGFPE: 'An arithmetic fault: an integer division by zero, usually.',
  SIGILL: 'An illegal instruction: a binary built for a newer CPU, or a corrupted jump.',
  SIGPIPE: 'It wrote to a pipe or socket whose reader had gone, without ignoring SIGPIPE.',
  SIGTERM: 'A polite stop request: a supervisor, a deploy, or an operator (or the end of an attached trace).',
  SIGINT: 'An interrupt: Ctrl-C at a terminal.',
  SIGHUP: 'The controlling terminal hung up, or a reload request the program did not handle.',
  SIGXCPU: 'The CPU time limit (RLIMIT_CPU) was reached.',
  SIGXFSZ: 'The file size limit (RLIMIT_FSIZE) was reached.',
};

/** Signals an operator or supervisor sends to stop a process: a stop, not a crash. */
export const STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']);
