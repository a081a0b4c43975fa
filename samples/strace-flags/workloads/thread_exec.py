#!/usr/bin/python3
"""thread_exec.py - a multithreaded process calls execve() from a thread
that is not the thread-group leader. The kernel kills the other threads and
the exec'ing thread takes over the leader's pid, so `strace -f` prints
"+++ superseded by execve in pid N +++" (unless -e quiet=thread-execve).
The new program is /bin/echo, so the whole thing ends at once.
"""
import os
import threading
import time


def run_exec():
    time.sleep(0.05)
    os.execv("/bin/echo", ["echo", "exec'd from a non-leader thread"])


t = threading.Thread(target=run_exec)
t.start()
time.sleep(5)  # bounded: the exec replaces us long before this ends
