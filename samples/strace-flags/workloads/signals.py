#!/usr/bin/python3
"""signals.py - signal and process-exit forms for strace samples.

Run under `strace -f` so that the children show up. Each scenario forks a
child, does one thing to it and reaps it. Everything is bounded (the longest
sleep a child does is 30 s, and every child is killed or reaped well before).

Scenarios (the default runs all of them in this order):
  exit3      child exits with status 3          -> +++ exited with 3 +++
  kill       child sleeping, parent SIGKILLs it -> +++ killed by SIGKILL +++
  stop       child /bin/sleep, SIGSTOP then SIGCONT
             -> --- stopped by SIGSTOP ---, restart_syscall(<... resuming ...>)
  term       child exec's /bin/sleep, parent SIGTERMs it -> killed by SIGTERM
  sigpipe    child with SIGPIPE=SIG_DFL writes to a pipe nobody reads
             -> +++ killed by SIGPIPE +++
  segv       child python dereferences NULL via ctypes -> killed by SIGSEGV
  restart    in this process: SIGALRM interrupts read(), pselect6() and
             clock_nanosleep() -> ERESTARTSYS, ERESTARTNOHAND,
             ERESTART_RESTARTBLOCK
  handled    SIGUSR1 with a handler, rt_sigreturn
"""
import os
import select
import signal
import sys
import time

PY = "/usr/bin/python3"


def reap(pid, flags=0):
    return os.waitpid(pid, flags)


def exit3():
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    reap(pid)


def kill():
    pid = os.fork()
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    reap(pid)


def stop():
    pid = os.fork()
    if pid == 0:
        # /bin/sleep uses a relative clock_nanosleep: after SIGSTOP/SIGCONT
        # the kernel resumes it with restart_syscall (python's own sleep uses
        # TIMER_ABSTIME and would just be re-issued)
        os.execv("/bin/sleep", ["sleep", "0.6"])
    time.sleep(0.2)
    os.kill(pid, signal.SIGSTOP)
    reap(pid, os.WUNTRACED)
    time.sleep(0.1)
    os.kill(pid, signal.SIGCONT)
    reap(pid)


def term():
    pid = os.fork()
    if pid == 0:
        os.execv("/bin/sleep", ["sleep", "30"])
    time.sleep(0.3)
    os.kill(pid, signal.SIGTERM)
    reap(pid)


def sigpipe():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        time.sleep(0.1)
        os.write(w, b"nobody reads this")
        os._exit(0)
    os.close(r)
    os.close(w)
    reap(pid)


def segv():
    pid = os.fork()
    if pid == 0:
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
        os.execv(PY, [PY, "-I", "-S", "-c", "import ctypes; ctypes.string_at(0)"])
    reap(pid)


def restart():
    fired = []
    r, w = os.pipe()

    def on_alarm(signum, frame):
        fired.append(signum)
        os.write(w, b"!")  # lets the retried call finish

    signal.signal(signal.SIGALRM, on_alarm)
    # read() on an empty pipe: ERESTARTSYS, then python retries the read
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    os.read(r, 1)
    # select(): ERESTARTNOHAND
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    select.select([r], [], [], 5)
    os.read(r, 1)
    # sleep(): ERESTART_RESTARTBLOCK, python sleeps again for the rest
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    time.sleep(0.3)
    os.read(r, 1)
    # pause(): ERESTARTNOHAND too
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    signal.pause()
    os.read(r, 1)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    os.close(r)
    os.close(w)


def handled():
    signal.signal(signal.SIGUSR1, lambda s, f: None)
    os.kill(os.getpid(), signal.SIGUSR1)
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)


SCENARIOS = {
    "exit3": exit3,
    "kill": kill,
    "stop": stop,
    "term": term,
    "sigpipe": sigpipe,
    "segv": segv,
    "restart": restart,
    "handled": handled,
}

names = sys.argv[1:] or list(SCENARIOS)
for name in names:
    SCENARIOS[name]()
sys.exit(0)
