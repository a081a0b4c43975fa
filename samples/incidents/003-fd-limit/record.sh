#!/bin/bash
set -euo pipefail
# samples/incidents/003-fd-limit/record.sh
#
# Seed 003 reproduced: a server out of file descriptors. Clients get
# "connection reset by peer" (or no answer at all); the server's accept
# fails with EMFILE; its sockets pile up in CLOSE_WAIT because its handlers
# are stuck on an exhausted DB connection pool and never close the
# connections their clients have given up on.
#
# The server is ./server.py (TRACED: strace -f -tt -T -yy, TZ=UTC, like
# the client) on 127.0.0.1:18200, started through `prlimit --nofile=12:12`
# in every run, so the limit is set where a service manager (LimitNOFILE=)
# or `ulimit -n` would set it and shows in the strace (prlimit64 before the
# execve of python). 12 fds: 0-2 stdio, 3 listener, 4 spare, 5 epoll leave
# 6 (6-11) for clients. The command line is the same in every run; what
# differs comes from the environment (see server.py):
#   good:      DB_LATENCY=0.001 ON_EMFILE=reserve: the DB answers, every
#              request is answered at once (200), each fd closed at once.
#   bad:       DB_LATENCY=60    ON_EMFILE=reserve: the DB hangs; 2 handlers
#              sit in their query, the others wait for the pool (20 s),
#              each holding its client's socket. With 6 held, accept fails
#              with EMFILE and the server uses libuv's reserve-fd trick
#              (close a spare fd, accept, close at once): the clients over
#              the limit are reset right after their request.
#   bad-retry: DB_LATENCY=60    ON_EMFILE=retry: the same hang; on EMFILE
#              the server logs and retries 0.5 s later (Go net/http,
#              nginx): the clients over the limit wait in the listen queue
#              and are never answered.
# The client is ./client.py (traced by lib.sh's trace_client): 12 clients
# 0.25 s apart, each sends a 50-byte request and gives up after 2 s in all,
# then closes (FIN): that is what leaves the server's sockets in CLOSE_WAIT.
# After the clients, `ss -tanp` in the namespace (RUN-ss.txt) shows them
# while the server still runs; the captures stop; then the server is killed
# with SIGTERM (its exit, which closes those sockets, is not captured).
# Each run in its own private network namespace, three captures of lo at
# once, the client under strace, the text read back: see
# ../../captures/lib.sh for how and for the files (RUN.pcap, RUN-ns.pcap,
# RUN.pcapng, RUN-client.strace, RUN.txt, RUN-v.txt, RUN-S.txt,
# RUN-ns.txt); this script adds RUN-server.strace, RUN-server.log,
# RUN-client.out and RUN-ss.txt.
# Both pythons run with -I -S (isolated, no site module): no .pth or
# sitecustomize of this machine, no listing of this directory (the script's
# directory is not put on sys.path) in the straces; fewer lines.
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# python3, iproute2, util-linux (unshare, prlimit). Re-runnable; overwrites
# its outputs. Takes ~20 s.

. "$(dirname "${BASH_SOURCE[0]}")/../../captures/lib.sh"
WORK=/tmp/tracediff-inc-003
PORT=18200
NOFILE=12
CLIENTS=12 GAP=0.25 CLIENT_TIMEOUT=2

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  case $RUN in
    good)      DB_LATENCY=0.001 ON_EMFILE=reserve ;;
    bad)       DB_LATENCY=60    ON_EMFILE=reserve ;;
    bad-retry) DB_LATENCY=60    ON_EMFILE=retry ;;
  esac
  # The server under strace, its limit set by prlimit (traced too), 40 s
  # at most. Its log and pid file have the same names in every run (they
  # show in the strace); the log is renamed RUN-server.log at the end. The
  # subshell first closes every fd above 2 it inherited from whatever
  # started this script, so that the server's fd table holds only its own:
  # the limit then counts the same fds on every machine. It runs in $WORK
  # (as the client does), wherever record.sh was started from.
  rm -f "$WORK/server.pid" "$WORK/server.log"
  (
    cd "$WORK"
    for fd in $(ls /proc/$BASHPID/fd); do
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec timeout 40 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TZ=UTC \
      DB_LATENCY="$DB_LATENCY" ON_EMFILE="$ON_EMFILE" \
      strace -f -tt -T -yy -o "$WORK/$RUN-server.strace" \
      prlimit --nofile="$NOFILE:$NOFILE" \
      /usr/bin/python3 -I -S "$HERE/server.py" "$PORT" "$WORK/server.pid"
  ) </dev/null >"$WORK/server.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")   # stopped on exit if anything below fails
  wait_for_listener tcp "$PORT"
  SERVER_PID=$(cat "$WORK/server.pid")
  echo "    $RUN: server pid $SERVER_PID, nofile $NOFILE, DB_LATENCY=$DB_LATENCY ON_EMFILE=$ON_EMFILE;" \
    "its fds: $(ls /proc/"$SERVER_PID"/fd | sort -n | tr '\n' ' ')"
  start_captures "$RUN"
  trace_client "$RUN" /usr/bin/python3 -I -S "$HERE/client.py" "$PORT" "$CLIENTS" "$GAP" "$CLIENT_TIMEOUT"
  echo "--- $RUN: client exit $CLIENT_RC"
  sed "s/^/    $RUN: /" "$WORK/$RUN-client.out" "$WORK/$RUN-client.err"
  # While the server still runs: who holds what, in which state. 0.5 s
  # first: the server's kernel ACKs a client's FIN on a socket it holds
  # only after its delayed-ACK timer (~40 ms), and ss would show the last
  # client in FIN-WAIT-1.
  sleep 0.5
  ss -tanp >"$WORK/$RUN-ss.txt"
  echo "    $RUN: ss: $(grep -c '^CLOSE-WAIT' "$WORK/$RUN-ss.txt" || true) CLOSE-WAIT" \
    "($(grep '^CLOSE-WAIT' "$WORK/$RUN-ss.txt" | grep -c users: || true) held by the server)," \
    "its fds: $(ls /proc/"$SERVER_PID"/fd | sort -n | tr '\n' ' ')"
  stop_captures "$RUN"
  # Then end the server (python dies of SIGTERM; strace logs it and exits).
  kill -TERM "$SERVER_PID"
  wait "$SERVER" || true
  mv "$WORK/server.log" "$WORK/$RUN-server.log"
  sed "s/^/    $RUN: server: /" "$WORK/$RUN-server.log"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir
RUNS=(good bad bad-retry)
record_runs "${RUNS[@]}"
# lib.sh keeps the captures, the client's strace and the text; keep the
# server's strace and log, the client's report and the ss snapshot too.
for run in "${RUNS[@]}"; do
  for f in "$run-server.strace" "$run-server.log" "$run-client.out" "$run-ss.txt"; do
    cp "$WORK/$f" "$HERE/$f" && chmod 644 "$HERE/$f"
  done
  echo "$run: $(wc -l <"$HERE/$run-server.strace") server strace lines," \
    "$(grep -c 'EMFILE' "$HERE/$run-server.strace" || true) with EMFILE"
done
