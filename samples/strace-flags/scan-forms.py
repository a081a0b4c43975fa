#!/usr/bin/python3
"""scan-forms.py - check that the recorded traces still contain the notable
output forms listed in README.md, and print one real example line of each.

Usage: python3 scan-forms.py [DIR]      (default: the directory of this file)
Exit status 1 if a form is missing (e.g. after re-running record.sh on a
different strace or kernel).
"""
import os
import re
import sys

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

# (name, file to look in, regular expression[, "optional"])
# "optional" forms depend on timing (a race between strace's own messages and
# the trace, or CPU time rounding) and are not there on every recording.
FORMS = [
    ("ERESTARTSYS", "f.strace", r"= \? ERESTARTSYS "),
    ("ERESTARTNOHAND", "f.strace", r"= \? ERESTARTNOHAND "),
    ("ERESTART_RESTARTBLOCK", "f.strace", r"= \? ERESTART_RESTARTBLOCK "),
    ("restart_syscall after SIGSTOP/SIGCONT", "f.strace", r"restart_syscall\(<\.\.\. resuming interrupted clock_nanosleep"),
    ("restart_syscall after attach (names the wrong call)", "p-attach-stderr.strace", r"restart_syscall\(<\.\.\. resuming interrupted read"),
    ("restart_syscall resuming restart_syscall", "f-p-attach-stderr.strace", r"resuming interrupted restart_syscall", "optional"),
    ("rt_sigreturn returning the EINTR", "f.strace", r"rt_sigreturn\(.*= -1 EINTR"),
    ("--- stopped by SIGSTOP ---", "f.strace", r"--- stopped by SIGSTOP ---"),
    ("signal line with siginfo", "f.strace", r"--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_KILLED"),
    ("signal without siginfo fields", "f.strace", r"--- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---"),
    ("+++ exited with N +++ (N != 0)", "f.strace", r"\+\+\+ exited with [1-9]"),
    ("+++ killed by SIG +++", "f.strace", r"\+\+\+ killed by SIGKILL \+\+\+"),
    ("+++ killed by SIG (core dumped) +++", "segv-core-f.strace", r"\(core dumped\) \+\+\+"),
    ("+++ superseded by execve in pid N +++", "thread-exec-f.strace", r"superseded by execve in pid"),
    ("<unfinished ...>", "threads-f.strace", r" <unfinished \.\.\.>$"),
    ("<... X resumed>", "threads-f.strace", r"<\.\.\. \w+ resumed>"),
    ("resumed and unfinished on one line (killed in a call)", "f.strace", r"resumed> <unfinished \.\.\.>\) = \?"),
    ("unfinished call closed by -e status=unfinished", "e-status-failed-unfinished-f.strace", r"<unfinished \.\.\.>\) = \?"),
    ("exit_group(N) = ?", "plain.strace", r"^exit_group\(\d+\)\s+= \?$"),
    ("<detached ...>", "p-attach-stderr.strace", r"<detached \.\.\.>"),
    ("strace: Process N attached", "p-attach-stderr.strace", r"^strace: Process \d+ attached$"),
    ("strace: Process N attached with M threads", "f-p-attach-stderr.strace", r"attached with \d+ threads"),
    ("strace: Process N detached", "p-attach-stderr.strace", r"^.*strace: Process \d+ detached$"),
    ("'strace: Process N attached' spliced into a line", "f-stderr.strace", r"\S+strace: Process \d+ attached$"),
    ("'strace: Process N detached' spliced into a line", "b-execve-f-stderr.strace", r"\S+strace: Process \d+ detached\n?$"),
    ("program output spliced into a line", "stderr.strace", r"^write\(1, .*, 20hello"),
    ("[pid N] prefix", "f-stderr.strace", r"^\[pid +\d+\] "),
    ("PID prefix (-f -o FILE)", "f.strace", r"^\d+ +\w+\("),
    ("[ Process PID=N runs in 32 bit mode. ]", "stderr.strace", r"^\[ Process PID=\d+ runs in 32 bit mode\. \]$"),
    ("(INJECTED)", "inject-error.strace", r"\(INJECTED\)$"),
    ("(INJECTED: args)", "inject-poke.strace", r"\(INJECTED: args\)$"),
    ("(DELAYED)", "inject-delay-T.strace", r"\(DELAYED\)"),
    ("(deleted)", "y.strace", r"while open\.txt>\(deleted\)"),
    ("memfd path", "y.strace", r"</memfd:"),
    ("</dev/null<char 1:3>>", "yy.strace", r"</dev/null<char 1:3>>"),
    ("pidfd <pid:N>", "yy.strace", r"<pid:\d+>"),
    ("anon_inode", "yy.strace", r"<anon_inode:\[eventfd\]>"),
    ("pipe:[N]", "yy.strace", r"<pipe:\[\d+\]>"),
    ('@"abstract"', "yy-net.strace", r'sun_path=@"'),
    ("UNIX-STREAM:[i->j]", "yy-net.strace", r"UNIX-STREAM:\[\d+->\d+\]"),
    ('UNIX-STREAM:[i,"path"]', "yy-net.strace", r'UNIX-STREAM:\[\d+,"/'),
    ("UNIX-STREAM:[i->j,@\"abstract\"]", "yy-net.strace", r'UNIX-STREAM:\[\d+->\d+,@"'),
    ("NETLINK:[ROUTE:pid]", "yy-net.strace", r"NETLINK:\[ROUTE:\d+\]"),
    ("TCP:[a:p->b:q]", "yy-net.strace", r"TCP:\[127\.0\.0\.1:\d+->127\.0\.0\.1:\d+\]"),
    ("TCPv6:[[::1]:p->[::1]:q]", "yy-net.strace", r"TCPv6:\[\[::1\]:\d+->\[::1\]:\d+\]"),
    ("UDP:[...]", "yy-net.strace", r"UDP:\[127"),
    ("EINPROGRESS", "yy-net.strace", r"= -1 EINPROGRESS"),
    ("ECONNREFUSED", "yy-net.strace", r"= -1 ECONNREFUSED"),
    ("EPIPE then SIGPIPE", "yy-net.strace", r"= -1 EPIPE"),
    ("ENOSPC", "errors-enospc-yy.strace", r"= -1 ENOSPC"),
    ("EMFILE", "errors-emfile.strace", r"= -1 EMFILE"),
    ("EACCES", "errors-eacces-setpriv.strace", r"= -1 EACCES"),
    ("EEXIST", "errors-basic.strace", r"O_EXCL.*= -1 EEXIST"),
    ("EAGAIN", "errors-basic.strace", r"^read\(.*= -1 EAGAIN"),
    ("ETIMEDOUT from futex", "errors-basic.strace", r"futex\(.*= -1 ETIMEDOUT"),
    ("hex dump line", "e-read-4-e-write-3.strace", r"^ \| 00000  "),
    ("hex dump iovec header", "e-read-4-e-write-3.strace", r"^ \* \d+ bytes in buffer \d+$"),
    ("-k stack frame", "k.strace", r"^ > /"),
    ("-k frames after +++ exited", "k.strace", r"^\+\+\+ exited"),
    ("-i instruction pointer", "i.strace", r"^\[[0-9a-f]{16}\] "),
    ("-n syscall number", "n.strace", r"^\[ *\d+\] "),
    ("-t -r prefix", "t-r.strace", r"^\d\d:\d\d:\d\d \(\+ +\d+\.\d+\) "),
    ("-T <0> (precision s)", "T-s.strace", r" <0>$"),
    ("-Y pid<comm>", "Y-f.strace", r"= \d+<python3>$"),
    ("pidns comment", "decode-pids-pidns-f.strace", r"/\* \d+ in strace's PID NS \*/"),
    ("return value with decoded flags", "plain.strace", r"= 0x8001 \(flags O_WRONLY\|O_LARGEFILE\)"),
    ("return value with (Timeout)", "p-attach-stderr.strace", r"= 0 \(Timeout\)"),
    ("return value with poll revents", "yy-net.strace", r"= 1 \(\[\{fd="),
    ("return value with pselect6 'left'", "yy-net.strace", r"= 1 \(out \[\d+\], left"),
    ("return value (KVM_EXIT_IO)", "kvm-yy.strace", r"\(KVM_EXIT_IO\)$"),
    ("in => out arrows", "yy-net.strace", r"\[128 => \d+\]"),
    ("clone3 => out", "threads-f.strace", r"=> \{parent_tid=\[\d+\]\}"),
    ("comment /* N entries */", "plain.strace", r"/\* \d+ entries \*/"),
    ("comment /* N vars */", "plain.strace", r"/\* \d+ vars \*/"),
    ("comment with a date (-v)", "v.strace", r"st_atime=\d+ /\* \d{4}-"),
    ("comment /* SEEK_??? */", "errors-basic.strace", r"/\* SEEK_\?\?\? \*/"),
    ("si_utime comment", "f.strace", r"si_utime=\d+ /\* [\d.]+ s \*/", "optional"),
    ("-X verbose value /* NAME */", "X-verbose.strace", r"0x1 /\* PROT_READ \*/"),
    ("unknown syscall syscall_0x...", "seccomp-f.strace", r"syscall_0x3e8\("),
    ("SIGSYS from seccomp", "seccomp-f.strace", r"SYS_SECCOMP"),
    ("-c summary header", "c.strace", r"^% time +seconds +usecs/call"),
    ("-c total line", "c.strace", r"^100\.00 .* total$"),
    ("--tips box", "tips-stderr.strace", r"^ ?[_/|\\]"),
    ("strace's own error", "strace-messages.strace", r"^strace: "),
    ("-P path resolution", "P-stderr.strace", r"^strace: Requested path "),
    ("octal escapes of UTF-8", "plain.strace", r"\\303\\274"),
    ("-x hex escapes", "x.strace", r"\\xc3\\xbc"),
    ("string cut with ...", "plain.strace", r'"\.\.\., 5000\)'),
]

missing = 0
for name, fname, rx, *opt in FORMS:
    path = os.path.join(HERE, fname)
    found = None
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for no, line in enumerate(f, 1):
                if re.search(rx, line.rstrip("\n")):
                    found = (no, line.rstrip("\n"))
                    break
    except FileNotFoundError:
        pass
    if found:
        text = found[1] if len(found[1]) <= 200 else found[1][:197] + "..."
        print("%-55s %s:%d\n    %s" % (name, fname, found[0], text))
    else:
        if opt:
            print("%-55s not in %s this time (timing-dependent)" % (name, fname))
        else:
            print("%-55s MISSING in %s" % (name, fname))
            missing += 1
print("%d forms, %d missing" % (len(FORMS), missing))
sys.exit(1 if missing else 0)
