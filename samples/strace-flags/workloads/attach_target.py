#!/usr/bin/python3
"""attach_target.py - a small process to attach to with `strace -p PID`.

Loops at most N times (default 40, about 10 s): waits 0.25 s in poll()
and writes a line to /dev/null. poll() with a timeout is restarted through
restart_syscall after the attach interrupts it (python's time.sleep uses an
absolute clock_nanosleep, which would simply be re-issued), so strace prints
"restart_syscall(<... resuming interrupted ...>)" first. With "threads" as
the first argument it also runs two threads, so that `strace -f -p PID`
attaches to several tasks. Writes its pid to the
file named by the second argument (if any) so the recorder knows whom to
attach to.
"""
import os
import select
import sys
import threading

with_threads = len(sys.argv) > 1 and sys.argv[1] == "threads"
if len(sys.argv) > 2:
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(str(os.getpid()))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])

null = os.open("/dev/null", os.O_WRONLY)


def loop(tag, n=40):
    for i in range(n):
        select.poll().poll(250)
        os.write(null, b"%s %d\n" % (tag.encode(), i))


if with_threads:
    for k in range(2):
        threading.Thread(target=loop, args=("worker-%d" % k,), daemon=True).start()
loop("main")
