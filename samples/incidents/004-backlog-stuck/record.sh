#!/bin/bash
set -euo pipefail
# samples/incidents/004-backlog-stuck/record.sh
#
# Incident 004 (a real postmortem): a single-threaded Python API server
# (octavia-api, SocketServer, backlog 5) hung; `strace -T -tt -p PID` of it
# ended in `recvfrom(5,`: the only thread was blocked reading one client,
# dmesg said "Possible SYN flooding on port 9876", and `ss` showed the
# listener's backlog of 5. Reproduced here on 127.0.0.1:18210, good and bad:
#
#   server.py       socketserver.TCPServer, request_queue_size = 2, one
#                   request at a time, blocking recv() with no timeout.
#                   NOT started under strace: like the postmortem, strace
#                   attaches to its pid (strace -p PID -tt -T -yy -e
#                   trace=all); the server waits for SIGUSR1 before it
#                   creates its socket, so the trace still holds listen().
#   slow-client.py  the first client. good: sends its whole request at once.
#                   bad: sends the request line and headers but not the
#                   blank line, then holds the connection (HOLD s): the
#                   server's only thread waits in recvfrom() for the rest.
#   clients.py      0.5 s later, N other clients in one process (threads
#                   GAP s apart), each with TIMEOUT s in all. bad: the first
#                   three fill the accept queue (backlog 2 holds 3), the
#                   kernel drops the later ones' SYNs and they retransmit
#                   them until they time out. Traced with strace -f (lib.sh
#                   trace_client: RUN-client.strace).
#
# The server's strace is stopped (SIGTERM: strace detaches) STOP_AFTER s
# after the slow client started and after the clients finished, while, in
# bad, the slow client still holds the server: the trace ends inside the
# unfinished recvfrom(). Just before, and once while the clients wait, the
# listener's queue (ss -ltn: Recv-Q = queued connections, Send-Q = backlog),
# every socket (ss -tan), this namespace's counters (nstat: ListenOverflows,
# ListenDrops, TCPSynRetrans, ...) and where the server sleeps (/proc/PID/
# wchan, syscall) go to RUN-ss.txt, with any dmesg line about the port (the
# kernel log is the host's: only read, nothing is set).
#
# Each run in its own private network namespace (loopback only), four
# captures of lo at once, the text read back: see ../../captures/lib.sh
# (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-any.pcap, RUN.txt, RUN-v.txt,
# RUN-S.txt, RUN-ns.txt, RUN-any.txt, RUN-client.strace). Kept here as well:
# RUN-server.strace, RUN-ss.txt, RUN-server.log (what the server handled),
# RUN-clients.txt (what each client got). Run as root on Debian 12 with
# tcpdump, dumpcap (wireshark-common), strace, python3, iproute2 (ip, ss,
# nstat), util-linux. Python runs with -I -S (no site, no user paths: the
# client's strace holds only the interpreter and these scripts). Re-runnable
# (~25 s); overwrites its outputs. Every
# wait is bounded: the runs by lib.sh (60 s), the server and strace by
# timeout 40, the slow client by timeout 25, each client by its TIMEOUT.

. "$(dirname "${BASH_SOURCE[0]}")/../../captures/lib.sh"
WORK=/tmp/tracediff-inc-004
PORT=18210
N=7            # other clients
GAP=0.3        # s between their starts
TIMEOUT=6      # s each other client waits in all (connect + answer)
HOLD=15        # s the bad slow client holds its half-sent request
STOP_AFTER=9.5 # s after the slow client starts: stop the server's strace
CAPTURE_ANY=1

# snapshot LABEL: the listener's queue, the sockets, the counters and the
# server's wait channel, asked from the kernel (no packet is sent).
snapshot() {
  echo "=== $1: $(date -u +%H:%M:%S.%6N) UTC"
  echo "--- ss -ltn 'sport = :$PORT'  (LISTEN: Recv-Q = connections in the accept queue, Send-Q = backlog)"
  ss -ltn "sport = :$PORT"
  echo "--- ss -tan"
  ss -tan
  echo "--- nstat -asz (this namespace, absolute), TCP listen/SYN counters"
  NSTAT_HISTORY="$WORK/nstat.hist" nstat -asz \
    | grep -E '^(TcpActiveOpens|TcpPassiveOpens|TcpRetransSegs|TcpExt(ListenOverflows|ListenDrops|TCPReqQFull[A-Za-z]*|Syncookies[A-Za-z]*|TCPSynRetrans|TCPTimeouts)) '
  echo "--- server pid $SPID: /proc/$SPID/wchan, /proc/$SPID/syscall (nr args... sp pc; 45 = recvfrom, 7 = poll on x86_64)"
  echo "wchan: $(cat "/proc/$SPID/wchan" 2>/dev/null || echo '?')"
  echo "syscall: $(cat "/proc/$SPID/syscall" 2>/dev/null || echo '?')"
  echo
}

# mid_snapshot: the same, 3.5 s after the slow client started (the other
# clients have all sent their SYNs by then and are still waiting).
mid_snapshot() {
  sleep 3.5
  snapshot "3.5 s after the slow client started"
}

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  # The server first writes its pid and waits for SIGUSR1: attach to it.
  background timeout 40 /usr/bin/python3 -I -S -u "$WORK/server.py" "$PORT" "$WORK/$RUN-server.pid" \
    >"$WORK/$RUN-server.log" 2>&1
  for _ in $(seq 50); do [ -s "$WORK/$RUN-server.pid" ] && break; sleep 0.1; done
  SPID=$(cat "$WORK/$RUN-server.pid")
  # As the postmortem did: strace -p the running server (TZ=UTC: its -tt
  # times read like tcpdump's -tttt in UTC). Wait until it says attached.
  background timeout 40 env TZ=UTC strace -p "$SPID" -tt -T -yy -e trace=all \
    -o "$WORK/$RUN-server.strace" 2>"$WORK/$RUN-strace.log"
  STRACE=$BG_PID   # timeout's pid: it passes a TERM on to strace
  for _ in $(seq 50); do grep -q attached "$WORK/$RUN-strace.log" && break; sleep 0.1; done
  grep -q attached "$WORK/$RUN-strace.log" || { echo "strace did not attach" >&2; exit 1; }
  kill -USR1 "$SPID"
  wait_for_listener tcp "$PORT"
  start_captures "$RUN"
  # t0: the slow client; the strace's end is timed from here.
  background timeout 25 /usr/bin/python3 -I -S -u "$WORK/slow-client.py" "$RUN" "$PORT" "$HOLD" \
    >"$WORK/$RUN-slow.log" 2>&1
  background sleep "$STOP_AFTER"
  TIMER=$BG_PID
  background mid_snapshot >"$WORK/$RUN-ss-mid.txt" 2>&1
  sleep 0.5
  trace_client "$RUN" /usr/bin/python3 -I -S "$WORK/clients.py" "$PORT" "$N" "$GAP" "$TIMEOUT"
  echo "--- $RUN: clients exit $CLIENT_RC"
  sed "s/^/    $RUN: /" "$WORK/$RUN-slow.log" "$WORK/$RUN-client.out" "$WORK/$RUN-client.err"
  wait "$TIMER" || true
  # The end: where the server is now, then stop (detach) its strace.
  { cat "$WORK/$RUN-ss-mid.txt"
    snapshot "the end, just before strace is stopped"
    echo "--- dmesg lines about port $PORT (host kernel log, read only)"
    dmesg 2>/dev/null | grep -E "port $PORT|:$PORT\b" || echo "(none)"
  } >"$WORK/$RUN-ss.txt" 2>&1
  # The trace itself cannot say when it was stopped (its last line is the
  # unfinished call): note the time here, on the same clock.
  echo "--- strace stopped (SIGTERM, it detaches) at $(date -u +%H:%M:%S.%6N) UTC" >>"$WORK/$RUN-ss.txt"
  kill -TERM "$STRACE"
  wait "$STRACE" || true
  sed "s/^/    $RUN: strace: /" "$WORK/$RUN-strace.log"
  echo "    $RUN: server strace: $(wc -l <"$WORK/$RUN-server.strace") lines, last: $(tail -n 1 "$WORK/$RUN-server.strace")"
  stop_captures "$RUN"
  sed "s/^/    $RUN: server: /" "$WORK/$RUN-server.log"
  { cat "$WORK/$RUN-slow.log" "$WORK/$RUN-client.out" "$WORK/$RUN-client.err"; } >"$WORK/$RUN-clients.txt"
  exit 0   # stops the slow client and the server (enter_private_netns)
fi

# --------------------------------------------------------------- outside ---
prepare_workdir
cp "$HERE/server.py" "$HERE/slow-client.py" "$HERE/clients.py" "$WORK/"
record_runs good bad
for run in good bad; do
  for f in "$run-server.strace" "$run-ss.txt" "$run-server.log" "$run-clients.txt"; do
    cp "$WORK/$f" "$HERE/" && chmod 644 "$HERE/$f"
  done
  echo "$run: $(wc -l <"$HERE/$run-server.strace") server strace lines"
done
