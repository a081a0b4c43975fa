#!/usr/bin/python3
"""threads.py - three worker threads that block in system calls at the same
time, so that `strace -f` prints "<unfinished ...>" / "<... X resumed>" pairs
and per-thread "+++ exited with 0 +++" lines. Bounded: runs about 0.5 s.
"""
import os
import threading
import time

r, w = os.pipe()
null = os.open("/dev/null", os.O_WRONLY)


def reader():
    os.read(r, 16)  # blocks until the main thread writes


def sleeper(n):
    for i in range(3):
        time.sleep(0.05 * n)
        os.write(null, b"thread %d tick %d\n" % (n, i))


threads = [threading.Thread(target=reader, name="reader")]
threads += [threading.Thread(target=sleeper, args=(n,), name="sleeper-%d" % n) for n in (1, 2)]
for t in threads:
    t.start()
time.sleep(0.2)
os.write(w, b"wake up")
for t in threads:
    t.join(timeout=5)
os.close(null)
