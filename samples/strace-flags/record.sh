#!/usr/bin/env bash
# record.sh - (re)create every trace in samples/strace-flags/ with the
# strace on this machine (written for strace 6.1 on Linux x86_64).
#
# Needs root: it uses `unshare -n` (private network namespace with only
# `lo`), `unshare -m` + a 64 KiB tmpfs (ENOSPC), setpriv/-u (EACCES as
# nobody) and /dev/kvm (optional). Takes about a minute.
#
# Safety: network traffic goes only to 127.0.0.1 / ::1, and every socket
# workload runs inside a network namespace this script creates. Every
# command is wrapped in `timeout`; every loop in the workloads is bounded.
# Traced programs run with a clean environment ($CLEAN below).
#
# pids, inode numbers, addresses and timestamps differ on every run; the set
# of files and the forms in them do not. manifest.tsv lists every output file
# with its exact command (in the shorthand below) and what it demonstrates;
# README.md is written from it.
#
# Shorthands used in the commands (exported to the `bash -c` that runs them):
#   $CLEAN  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 TZ=UTC
#   $PY     /usr/bin/python3 -I -S
#   $BIN    /tmp/tracediff-rec/bin     (the C workloads, compiled here)
#   $WORK   /tmp/tracediff-work        (scratch directory, removed at the end)
#   netns   run the rest in a new network namespace with lo up (function)
#   fullfs  run the rest in a new mount namespace with a 64 KiB tmpfs on
#           /tmp/tdfull (function)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE" || exit 1

if [ "$(id -u)" != 0 ]; then
    echo "record.sh: must run as root (unshare, mount, setpriv)" >&2
    exit 1
fi
for tool in strace gcc /usr/bin/python3 unshare setpriv ip timeout; do
    command -v "$tool" >/dev/null || { echo "record.sh: missing $tool" >&2; exit 1; }
done

export CLEAN="env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 TZ=UTC"
export PY="/usr/bin/python3 -I -S"
export BIN=/tmp/tracediff-rec/bin
export WORK=/tmp/tracediff-work
LOG=/tmp/tracediff-rec/record.log

netns() { unshare -n sh -c 'ip link set lo up && exec "$@"' netns "$@"; }
fullfs() {
    mkdir -p /tmp/tdfull
    unshare -m --propagation private sh -c \
        'mount -t tmpfs -o size=64k tmpfs /tmp/tdfull && exec "$@"' fullfs "$@"
}
export -f netns fullfs

cleanup() {
    rm -rf "$WORK" /tmp/tdfull
    rm -rf /tmp/tracediff-rec
}
trap cleanup EXIT

# ---------------------------------------------------------------- setup
rm -rf /tmp/tracediff-rec "$WORK"
mkdir -p "$BIN" "$WORK"
: > "$LOG"
for c in fds personality segv kvm seccomp; do
    extra=""
    [ "$c" = personality ] && extra="-no-pie"
    gcc -O1 -Wall $extra -o "$BIN/$c" "workloads/$c.c" || { echo "gcc $c failed" >&2; exit 1; }
done
chmod 755 "$WORK"

rm -f ./*.strace manifest.tsv
rm -rf ff
mkdir -p ff
printf 'file\tcommand\tdemonstrates\n' > manifest.tsv

failures=0
# rec FILE "WHAT IT SHOWS" 'COMMAND'  - run COMMAND (a bash string using the
# shorthands) with a time limit, note it in manifest.tsv.
rec() {
    local file=$1 what=$2 cmd=$3 rc
    printf '%s\t%s\t%s\n' "$file" "$cmd" "$what" >> manifest.tsv
    printf '### %s\n$ %s\n' "$file" "$cmd" >> "$LOG"
    # (the trailing "exit $?" keeps bash from exec-ing the last command, so a
    # "Killed by signal" notice lands in the log, not on the terminal)
    timeout -k 5 120 bash -c "$cmd"$'\n''exit $?' >> "$LOG" 2>&1
    rc=$?
    echo "rc=$rc" >> "$LOG"
    if [ ! -s "$file" ] && [ ! -d "$file" ]; then
        echo "record.sh: $file was not produced (rc=$rc)" >&2
        failures=$((failures + 1))
    fi
    rm -rf "${WORK:?}"/*
}

# fresh scratch files that the EACCES workload expects
prep_eacces() {
    mkdir -p "$WORK/locked-dir"
    chmod 700 "$WORK/locked-dir"
    echo secret > "$WORK/secret"
    chmod 600 "$WORK/secret"
}

FDS='$BIN/fds $WORK'

# ------------------------------------------------- plain and timestamps
rec plain.strace "default output: no flags" \
    "\$CLEAN strace -o plain.strace $FDS"
rec t.strace "-t: HH:MM:SS prefix" \
    "\$CLEAN strace -t -o t.strace $FDS"
rec tt.strace "-tt: HH:MM:SS.uuuuuu prefix" \
    "\$CLEAN strace -tt -o tt.strace $FDS"
rec ttt.strace "-ttt: unix seconds.uuuuuu prefix" \
    "\$CLEAN strace -ttt -o ttt.strace $FDS"
rec ttt-ns.strace "--timestamps=unix,ns (alias spelling): seconds.nnnnnnnnn" \
    "\$CLEAN strace --timestamps=unix,ns -o ttt-ns.strace $FDS"
for fmt in unix time; do
    for prec in s ms us ns; do
        rec "abs-$fmt-$prec.strace" "--absolute-timestamps=format:$fmt,precision:$prec" \
            "\$CLEAN strace --absolute-timestamps=format:$fmt,precision:$prec -o abs-$fmt-$prec.strace $FDS"
    done
done
rec r.strace "-r: relative timestamp, 6 decimals, right-aligned" \
    "\$CLEAN strace -r -o r.strace $FDS"
rec r-ms.strace "--relative-timestamps=ms: 3 decimals" \
    "\$CLEAN strace --relative-timestamps=ms -o r-ms.strace $FDS"
rec r-ns.strace "--relative-timestamps=ns: 9 decimals" \
    "\$CLEAN strace --relative-timestamps=ns -o r-ns.strace $FDS"
rec t-r.strace "-t -r together: 'HH:MM:SS (+     0.000123) call'" \
    "\$CLEAN strace -t -r -o t-r.strace $FDS"
rec T.strace "-T: <0.000012> duration suffix" \
    "\$CLEAN strace -T -o T.strace $FDS"
for prec in s ms ns; do
    rec "T-$prec.strace" "--syscall-times=$prec: duration suffix with precision $prec" \
        "\$CLEAN strace --syscall-times=$prec -o T-$prec.strace $FDS"
done
rec tt-T.strace "-tt -T: timestamp prefix and duration suffix" \
    "\$CLEAN strace -tt -T -o tt-T.strace $FDS"
rec a-60.strace "-a 60: results aligned at column 60" \
    "\$CLEAN strace -a 60 -o a-60.strace $FDS"

# ------------------------------------------------- fd decoding, strings
rec y.strace "-y: fd paths 3</path>, (deleted), pipe:[N], anon_inode:[eventfd], /memfd:..." \
    "\$CLEAN strace -y -o y.strace $FDS"
rec yy.strace "-yy: </dev/null<char 1:3>>, <pid:N> pidfd, anon inodes" \
    "\$CLEAN strace -yy -o yy.strace $FDS"
rec decode-fds-dev-pidfd.strace "--decode-fds=dev,pidfd: only device fds (path and <char M:N>) and pidfds (<pid:N>) are decorated" \
    "\$CLEAN strace --decode-fds=dev,pidfd -o decode-fds-dev-pidfd.strace $FDS"
rec x.strace "-x: non-ASCII strings in \\x hex" \
    "\$CLEAN strace -x -o x.strace $FDS"
rec xx.strace "-xx: every string in \\x hex" \
    "\$CLEAN strace -xx -o xx.strace $FDS"
rec strings-in-hex-non-ascii-chars.strace "--strings-in-hex=non-ascii-chars: hex instead of octal escapes only" \
    "\$CLEAN strace --strings-in-hex=non-ascii-chars -o strings-in-hex-non-ascii-chars.strace $FDS"
rec s0.strace "-s 0: every string is \"\"..." \
    "\$CLEAN strace -s 0 -o s0.strace $FDS"
rec s4096.strace "-s 4096: long strings printed (4096 chars then ...)" \
    "\$CLEAN strace -s 4096 -o s4096.strace $FDS"
rec v.strace "-v: unabbreviated structures, full execve environment" \
    "\$CLEAN strace -v -o v.strace $FDS"
rec e-verbose-none.strace "-e verbose=none: structures printed as addresses" \
    "\$CLEAN strace -e verbose=none -o e-verbose-none.strace $FDS"
rec e-raw-all.strace "-e raw=all: every argument undecoded in hex" \
    "\$CLEAN strace -e raw=all -o e-raw-all.strace $FDS"
for style in raw abbrev verbose; do
    rec "X-$style.strace" "-X $style: named constants as numbers / names / both" \
        "\$CLEAN strace -X $style -o X-$style.strace $FDS"
done
rec e-read-4-e-write-3.strace "-e read=4 -e write=3: hex dumps ' | 00000  ...  |' after the calls, incl. iovec buffers" \
    "\$CLEAN strace -e read=4 -e write=3 -o e-read-4-e-write-3.strace $FDS"
rec e-write-1-stderr.strace "--write=1 to stderr: hex dump lines mixed with the program's own output" \
    "\$CLEAN strace -e trace=write --write=1 sh workloads/mixed.sh > e-write-1-stderr.strace 2>&1"
rec k.strace "-k: stack trace lines ' > /path(func+0x..) [0x...]' after each call" \
    "\$CLEAN strace -k -e trace=openat,write,exit_group -o k.strace $FDS"
rec i.strace "-i: [00007f...] instruction pointer prefix" \
    "\$CLEAN strace -i -o i.strace $FDS"
rec n.strace "-n: [ 257] syscall number prefix" \
    "\$CLEAN strace -n -o n.strace $FDS"
rec e-trace-file.strace "-e trace=%file: only calls taking a file name" \
    "\$CLEAN strace -e trace=%file -o e-trace-file.strace $FDS"
rec e-trace-regex.strace "-e trace=/REGEX" \
    "\$CLEAN strace -e 'trace=/^(openat|close|unlink)\$' -o e-trace-regex.strace $FDS"
rec e-trace-not.strace "-e trace=!SET: everything but the memory calls" \
    "\$CLEAN strace -e 'trace=!mmap,mprotect,munmap,brk' -o e-trace-not.strace $FDS"
rec P-stderr.strace "-P PATH to stderr: 'strace: Requested path ... resolved into ...' then only calls on that path" \
    "ln -sf /dev/null /tmp/tracediff-rec/null-link; \$CLEAN strace -P /tmp/tracediff-rec/null-link $FDS > P-stderr.strace 2>&1"

# ------------------------------------------------- summaries
rec c.strace "-c: summary table only" \
    "\$CLEAN strace -c -o c.strace $FDS"
rec C.strace "-C: trace followed by the summary table" \
    "\$CLEAN strace -C -o C.strace $FDS"
rec w-c.strace "-w -c: summary of wall-clock latency" \
    "\$CLEAN strace -w -c -o w-c.strace $FDS"
rec c-S-calls.strace "-c -S calls: sorted by call count" \
    "\$CLEAN strace -c -S calls -o c-S-calls.strace $FDS"
rec c-U-name-calls-errors.strace "-c -U name,calls,errors: chosen columns, errors column filled" \
    "\$CLEAN strace -c -U name,calls,errors -o c-U-name-calls-errors.strace \$PY workloads/errors.py basic \$WORK"
rec c-U-all.strace "-c -U with every column incl. min/max time" \
    "\$CLEAN strace -c -U time-percent,total-time,min-time,max-time,avg-time,calls,errors,name -o c-U-all.strace $FDS"
rec c-f.strace "-c -f: one summary for several threads" \
    "\$CLEAN strace -c -f -o c-f.strace \$PY workloads/threads.py"

# ------------------------------------------------- tampering
rec inject-error.strace "-e inject=...:error=ENOSPC: '= -1 ENOSPC (...) (INJECTED)' and its knock-on EBADF" \
    "\$CLEAN strace -e inject=openat:error=ENOSPC:when=4 -o inject-error.strace $FDS"
rec inject-retval.strace "-e inject=...:retval=42: '= 42 (INJECTED)'" \
    "\$CLEAN strace -e inject=getppid:retval=42 -o inject-retval.strace \$BIN/personality"
rec inject-signal.strace "-e inject=...:signal=SIGUSR2: signal delivered by strace, process killed" \
    "\$CLEAN strace -e inject=getppid:signal=SIGUSR2 -o inject-signal.strace \$BIN/personality"
rec inject-delay-T.strace "-e inject=...:delay_enter/delay_exit with -T: '(DELAYED)' suffix" \
    "\$CLEAN strace -T -e inject=write:delay_enter=20ms:delay_exit=10ms:when=2 -o inject-delay-T.strace $FDS"
rec inject-poke.strace "-e inject=...:poke_exit=: '(INJECTED: args)'" \
    "\$CLEAN strace -e inject=read:poke_exit=@arg2=504f4b4544:when=3 -o inject-poke.strace $FDS"
rec fault.strace "-e fault=: default ENOSYS and an explicit errno, both (INJECTED)" \
    "\$CLEAN strace -e fault=openat:when=3..4 -e fault=unlink:error=EACCES:when=2+2 -o fault.strace $FDS"

# ------------------------------------------------- filters on result
rec errors-basic.strace "many errno forms: ENOENT ENOTDIR EISDIR EEXIST ENOTEMPTY EBADF EINVAL ESPIPE EAGAIN ENOTTY ECHILD ESRCH ENAMETOOLONG ELOOP ETIMEDOUT; '+++ exited with 3 +++'" \
    "\$CLEAN strace -o errors-basic.strace \$PY workloads/errors.py basic \$WORK"
rec z.strace "-z: only successful calls" \
    "\$CLEAN strace -z -o z.strace \$PY workloads/errors.py basic \$WORK"
rec Z.strace "-Z: only failed calls" \
    "\$CLEAN strace -Z -o Z.strace \$PY workloads/errors.py basic \$WORK"
rec e-status-failed-unfinished-f.strace "-f -e status=failed,unfinished: failed calls and calls that never returned" \
    "\$CLEAN strace -f -e status=failed,unfinished -o e-status-failed-unfinished-f.strace \$PY workloads/signals.py kill term"

# ------------------------------------------------- more errors
prep_eacces
rec errors-eacces-setpriv.strace "EACCES / EPERM as uid 65534 via setpriv (setpriv's own calls first)" \
    "\$CLEAN strace -o errors-eacces-setpriv.strace setpriv --reuid=65534 --regid=65534 --clear-groups \$PY workloads/errors.py eacces \$WORK"
prep_eacces
rec u-nobody.strace "-u nobody: strace runs the program as nobody; EACCES / EPERM" \
    "\$CLEAN strace -u nobody -o u-nobody.strace \$PY workloads/errors.py eacces \$WORK"
rec errors-emfile.strace "RLIMIT_NOFILE=16 then openat() = -1 EMFILE, pipe2(0x7ff...) = -1 EMFILE" \
    "\$CLEAN strace -o errors-emfile.strace \$PY workloads/errors.py emfile"
rec errors-enospc-yy.strace "write() = -1 ENOSPC on a full 64 KiB tmpfs, with -yy paths" \
    "fullfs \$CLEAN strace -yy -o errors-enospc-yy.strace \$PY workloads/errors.py enospc /tmp/tdfull"

# ------------------------------------------------- network (own netns)
rec yy-net.strace "-yy on sockets: TCP:[a->b], TCPv6:[[::1]:p->[::1]:q], UDP, UNIX-STREAM:[i->j], UNIX-STREAM:[i,\"/path\"], @\"abstract\", NETLINK:[ROUTE:pid]; EINPROGRESS, ECONNREFUSED, EPIPE+SIGPIPE, SCM_RIGHTS" \
    "netns \$CLEAN strace -yy -o yy-net.strace \$PY workloads/net.py \$WORK"
rec e-trace-network.strace "-e trace=%network: socket calls only, plain fds" \
    "netns \$CLEAN strace -e trace=%network -o e-trace-network.strace \$PY workloads/net.py \$WORK"
rec decode-fds-socket.strace "-e decode-fds=socket: socket details but no file paths" \
    "netns \$CLEAN strace -e decode-fds=socket -o decode-fds-socket.strace \$PY workloads/net.py \$WORK"
rec yy-netlink-ip.strace "ip -o link show lo: netlink sendmsg/recvmsg decoding with -yy" \
    "netns \$CLEAN strace -yy -o yy-netlink-ip.strace ip -o link show lo"

# ------------------------------------------------- processes and signals
rec f.strace "-f to a file: 'PID  call' prefixes, fork/exec/wait, exited with 3, killed by SIGKILL/SIGTERM/SIGPIPE/SIGSEGV, stopped by SIGSTOP, restart_syscall, ERESTARTSYS, ERESTARTNOHAND, ERESTART_RESTARTBLOCK, <unfinished ...>/<... resumed>" \
    "\$CLEAN strace -f -o f.strace \$PY workloads/signals.py"
rec ff "-ff -o ff/trace: one file per pid (ff/trace.PID), no pid prefixes" \
    "\$CLEAN strace -ff -o ff/trace \$PY workloads/signals.py exit3 kill term"
rec f-stderr.strace "-f to stderr with the program's output mixed in: '[pid N] ' prefixes, 'strace: Process N attached' inside a clone( line, exit 7" \
    "\$CLEAN strace -f sh workloads/mixed.sh > f-stderr.strace 2>&1"
rec stderr.strace "no -f, strace's stderr and the program's stdout in one file; [ Process PID=N runs in 32 bit mode. ]" \
    "\$CLEAN strace \$BIN/personality > stderr.strace 2>&1"
rec A-twice.strace "-A: two runs appended to one file" \
    "\$CLEAN strace -A -o A-twice.strace \$BIN/personality; \$CLEAN strace -A -o A-twice.strace \$BIN/personality"
rec Y-f.strace "-Y (--decode-pids=comm): pid<comm> everywhere" \
    "\$CLEAN strace -f -Y -o Y-f.strace \$PY workloads/signals.py exit3 kill stop term"
rec decode-pids-pidns-f.strace "--decode-pids=pidns in a new pid namespace: '1 /* 4242 in strace's PID NS */'" \
    "\$CLEAN strace -f --decode-pids=pidns -o decode-pids-pidns-f.strace unshare --pid --fork \$PY workloads/signals.py exit3 kill"
rec e-signal-none-f.strace "-e signal=none: no --- SIG... --- lines" \
    "\$CLEAN strace -f -e signal=none -o e-signal-none-f.strace \$PY workloads/signals.py stop term restart"
rec e-trace-none-f.strace "-e trace=none -f: only signals and exits" \
    "\$CLEAN strace -f -e trace=none -o e-trace-none-f.strace \$PY workloads/signals.py"
rec seccomp-bpf-f.strace "--seccomp-bpf -f -e trace=%process,kill" \
    "\$CLEAN strace -f --seccomp-bpf -e trace=%process,kill -o seccomp-bpf-f.strace \$PY workloads/signals.py"
rec segv-core-f.strace "killed by SIGSEGV (core dumped)" \
    "\$CLEAN strace -f -o segv-core-f.strace sh -c \"cd \$WORK && ulimit -c unlimited && exec \$BIN/segv\""
rec abort-core-f.strace "killed by SIGABRT (core dumped), tgkill" \
    "\$CLEAN strace -f -o abort-core-f.strace sh -c \"cd \$WORK && ulimit -c unlimited && exec \$BIN/segv abort\""
rec seccomp-f.strace "seccomp filter in a child: getuid() = -1 EPERM, getppid() = 110 (= its own syscall number) then --- SIGSYS {si_code=SYS_SECCOMP ...} ---, killed by SIGSYS; syscall_0x3e8(...) = -1 ENOSYS" \
    "\$CLEAN strace -f -v -o seccomp-f.strace \$BIN/seccomp"
rec threads-f.strace "-f with 3 threads: clone3, <unfinished ...> / <... X resumed>, futex" \
    "\$CLEAN strace -f -o threads-f.strace \$PY workloads/threads.py"
rec f-tt-T-yy.strace "-f -tt -T -yy on threads: all prefixes and suffixes at once" \
    "\$CLEAN strace -f -tt -T -yy -o f-tt-T-yy.strace \$PY workloads/threads.py"
rec thread-exec-f.strace "execve from a non-leader thread: +++ superseded by execve in pid N +++" \
    "\$CLEAN strace -f -o thread-exec-f.strace \$PY workloads/thread_exec.py"
rec e-quiet-thread-execve-f.strace "-e quiet=thread-execve: same run without the superseded line" \
    "\$CLEAN strace -f -e quiet=thread-execve -o e-quiet-thread-execve-f.strace \$PY workloads/thread_exec.py"
rec b-execve-f-stderr.strace "-b execve to stderr: 'strace: Process N detached' inside a line, ' <detached ...>'" \
    "\$CLEAN strace -f -b execve sh -c '/bin/true; exec /bin/true' > b-execve-f-stderr.strace 2>&1"
for q in q qq qqq; do
    rec "$q-f-stderr.strace" "-$q -f to stderr: fewer attach/exit messages" \
        "\$CLEAN strace -$q -f sh workloads/mixed.sh > $q-f-stderr.strace 2>&1"
done
rec e-quiet-attach-exit-f-stderr.strace "-e quiet=attach,exit -f to stderr" \
    "\$CLEAN strace -e quiet=attach,exit -f sh workloads/mixed.sh > e-quiet-attach-exit-f-stderr.strace 2>&1"
if [ -c /dev/kvm ]; then
    rec kvm-yy.strace "-e kvm=vcpu -yy: '= 0 (KVM_EXIT_IO)', <anon_inode:kvm-vcpu:0>" \
        "\$CLEAN strace -e kvm=vcpu -yy -o kvm-yy.strace \$BIN/kvm"
fi
rec tips-stderr.strace "--tips: the ASCII-art tip box strace prints on stderr at exit" \
    "\$CLEAN strace --tips=id:3,format:full \$BIN/personality > tips-stderr.strace 2>&1"
rec strace-messages.strace "strace's own error messages (bad program, bad pid, bad syscall name)" \
    "{ \$CLEAN strace /nonexistent-tracediff-program; \$CLEAN strace -p 4194000; \$CLEAN strace -e trace=nosuchsyscall true; } 2> strace-messages.strace"

# ------------------------------------------------- attach with -p
# attach FILE "WHAT IT SHOWS" TARGET_MODE STRACE_FLAGS REDIRECT
# Starts workloads/attach_target.py in the background, waits for its pid
# file, attaches `strace -p` to it and stops strace with SIGINT after 1.3 s
# (strace then detaches and the target goes on until it is killed).
attach() {
    local file=$1 what=$2 mode=$3 flags=$4 redir=$5 pid="" i
    local start="\$CLEAN timeout -k 2 15 \$PY workloads/attach_target.py $mode \$WORK/target.pid &"
    local cmd="timeout -s INT 1.3 strace${flags:+ $flags} -p \$TARGET${redir:+ $redir}"
    printf '%s\t%s\t%s\n' "$file" "$start (wait for the pid file, then TARGET=\$(cat \$WORK/target.pid)) $cmd" \
        "$what" >> manifest.tsv
    printf '### %s\n$ %s\n' "$file" "$cmd" >> "$LOG"
    rm -f "$WORK/target.pid"
    $CLEAN timeout -k 2 15 $PY workloads/attach_target.py "$mode" "$WORK/target.pid" &
    local bgpid=$!
    for i in $(seq 50); do [ -s "$WORK/target.pid" ] && break; sleep 0.1; done
    pid=$(cat "$WORK/target.pid" 2>/dev/null)
    sleep 0.4
    if [ -n "$pid" ]; then
        TARGET=$pid timeout -k 5 30 bash -c "$cmd" >> "$LOG" 2>&1
    else
        echo "record.sh: attach target did not start for $file" >&2
        failures=$((failures + 1))
    fi
    kill "$bgpid" 2>/dev/null
    wait "$bgpid" 2>/dev/null
    rm -rf "${WORK:?}"/*
}
attach p-attach-stderr.strace "-p PID to stderr: 'strace: Process N attached', restart_syscall(<... resuming interrupted read ...>) (strace names the wrong call: it was poll), 'poll([], 0, 250strace: Process N detached' then ' <detached ...>'" \
    single "" "> p-attach-stderr.strace 2>&1"
attach p-attach-tt-o.strace "-tt -p PID -o FILE: the same, but the attach/detach messages stay on stderr; the file ends in ' <detached ...>'" \
    single "-tt -o p-attach-tt-o.strace" ""
attach f-p-attach-stderr.strace "-f -p PID of a threaded process: 'Process N attached with 3 threads', three restart_syscall lines (sometimes 'resuming interrupted restart_syscall'), one <detached ...> and one 'Process N detached' per thread" \
    threads "-f" "> f-p-attach-stderr.strace 2>&1"

rm -f "$WORK"/core* 2>/dev/null

echo "record.sh: $(ls ./*.strace ff/* | wc -l) files, $(du -sh . | cut -f1) in $HERE; failures: $failures"
[ "$failures" = 0 ]
