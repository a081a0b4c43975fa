#!/usr/bin/python3
"""errors.py - make system calls fail in many different ways.

Usage:
  errors.py basic  WORKDIR     ENOENT ENOTDIR EISDIR EEXIST ENOTEMPTY EBADF
                               EINVAL ESPIPE EAGAIN ENOTTY ECHILD ESRCH
                               ETIMEDOUT ENAMETOOLONG ELOOP
  errors.py eacces WORKDIR     run as an unprivileged user: EACCES, EPERM
  errors.py emfile             RLIMIT_NOFILE=16 then open until EMFILE (bounded)
  errors.py enospc DIR         write 4 KiB blocks into DIR until ENOSPC (bounded)

Every loop has a fixed upper bound.
"""
import errno
import fcntl
import os
import resource
import sys
import threading

mode = sys.argv[1] if len(sys.argv) > 1 else "basic"
work = sys.argv[2] if len(sys.argv) > 2 else "/tmp/tracediff-work"


def attempt(fn, *args):
    try:
        return fn(*args)
    except OSError as exc:
        return exc.errno


if mode == "basic":
    os.makedirs(work, exist_ok=True)
    f = os.path.join(work, "exists.txt")
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"x\n")
    os.close(fd)
    attempt(os.open, "/nonexistent/tracediff/file", os.O_RDONLY)        # ENOENT
    attempt(os.stat, os.path.join(work, "missing"))                      # ENOENT
    attempt(os.open, f + "/below-a-file", os.O_RDONLY)                   # ENOTDIR
    attempt(os.open, work, os.O_WRONLY)                                  # EISDIR
    attempt(os.open, f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)     # EEXIST
    attempt(os.mkdir, work)                                              # EEXIST
    attempt(os.rmdir, os.path.dirname(f))                                # ENOTEMPTY
    attempt(os.close, 987)                                               # EBADF
    fd = os.open(f, os.O_RDONLY)
    attempt(os.lseek, fd, 0, 99)                                         # EINVAL
    os.close(fd)
    r, w = os.pipe()
    attempt(os.lseek, r, 0, os.SEEK_SET)                                 # ESPIPE
    os.set_blocking(r, False)
    attempt(os.read, r, 10)                                              # EAGAIN
    attempt(os.ttyname, r)                                               # ENOTTY
    attempt(os.waitpid, -1, 0)                                           # ECHILD
    attempt(os.kill, 4194000, 0)                                         # ESRCH
    attempt(os.open, "a" * 5000, os.O_RDONLY)                            # ENAMETOOLONG
    loop = os.path.join(work, "loop")
    attempt(os.unlink, loop)
    os.symlink(loop, loop)
    attempt(os.open, loop, os.O_RDONLY)                                  # ELOOP
    os.unlink(loop)
    # futex wait with a timeout that expires: ETIMEDOUT
    lock = threading.Lock()
    lock.acquire()
    lock.acquire(timeout=0.01)
    lock.release()
    # fcntl lock conflict is hard alone; F_GETLK is fine, bad cmd = EINVAL
    attempt(fcntl.fcntl, r, 12345)                                       # EINVAL
    os.unlink(f)
    sys.exit(3)  # non-zero exit status: "+++ exited with 3 +++"

elif mode == "eacces":
    # expects: root made WORK/secret mode 0600 and WORK/locked-dir mode 0700
    attempt(os.open, os.path.join(work, "secret"), os.O_RDONLY)          # EACCES
    attempt(os.open, os.path.join(work, "locked-dir", "x"), os.O_RDONLY) # EACCES
    attempt(os.open, os.path.join(work, "new-file"), os.O_WRONLY | os.O_CREAT, 0o644)  # EACCES
    attempt(os.chown, os.path.join(work, "secret"), 65534, 65534)        # EPERM
    attempt(os.kill, 1, 0)                                               # EPERM
    attempt(os.setuid, 0)                                                # EPERM
    attempt(os.nice, -5)                                                 # EACCES

elif mode == "emfile":
    resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))
    fds = []
    for _ in range(64):  # bounded; fails after about 13 opens
        try:
            fds.append(os.open("/dev/null", os.O_RDONLY))
        except OSError as exc:
            if exc.errno == errno.EMFILE:
                break
            raise
    attempt(os.pipe)                                                     # EMFILE
    for fd in fds:
        os.close(fd)

elif mode == "enospc":
    path = os.path.join(work, "fill.bin")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    block = b"\0" * 4096
    for _ in range(256):  # bounded: at most 1 MiB into a 64 KiB tmpfs
        try:
            os.write(fd, block)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                break
            raise
    attempt(os.write, fd, block)                                         # ENOSPC again
    attempt(os.mkdir, os.path.join(work, "one-more-dir"))                # ENOSPC?
    os.close(fd)
    os.unlink(path)

else:
    sys.exit("unknown mode " + mode)
