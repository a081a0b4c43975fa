#!/bin/bash
set -euo pipefail
# samples/incidents/002-ephemeral-ports/record.sh
#
# Seed 002, ephemeral port exhaustion, reproduced on loopback: a client
# (nginx's part) makes many short HTTP/1.1 connections, one after another,
# to one upstream, 127.0.0.1:18190, and closes each one first, so every
# connection leaves a TIME_WAIT socket on the CLIENT side (60 s here).
#   good: the namespace's default net.ipv4.ip_local_port_range (32768
#         60999): all 24 requests get their 200.
#   bad:  net.ipv4.ip_local_port_range="40000 40007" in the namespace:
#         8 ports. The first 8 connections take them all; the 9th
#         connect() fails at once with EADDRNOTAVAIL (Cannot assign
#         requested address), as do the rest of the burst.
# The client, ports-client.py (traced), sends 2 bursts of 12 requests,
# 1.5 s apart. The pause is longer than the namespace's tcp_tw_reuse_delay
# (1000 ms; tcp_tw_reuse=2, the default, lets connect() take over a
# TIME_WAIT port of a loopback connection to the same server:port after
# that delay), so in bad the second burst reuses the same 8 source ports
# (the same 4-tuples as the first burst) and then runs out again: 8 ok,
# 4 EADDRNOTAVAIL, 8 ok, 4 EADDRNOTAVAIL. (Off loopback, tcp_tw_reuse=2
# does not apply and the ports come back only when TIME_WAIT ends, 60 s.)
# The server, ports-server.py (NOT traced), answers each request and closes
# only after the client's FIN.
# Each run in its own private network namespace (the sysctl is set there,
# never on the host), four captures of lo at once, the client under strace,
# the text read back: see ../../captures/lib.sh for how, and for the files
# made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-any.pcap, RUN-client.strace,
# RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt, RUN-any.txt). Kept as well,
# from this script: RUN-ss.txt (`ss -tan` in the namespace 1 s after the
# client exited: the TIME-WAIT sockets), RUN-sysctl.txt (the port range
# and TIME_WAIT reuse settings the run had), RUN-client.out (the client's
# own report, one line per request), RUN-server.log (one line per
# connection the server took).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# python3, iproute2, util-linux. Re-runnable; overwrites its outputs. ~12 s.

. "$(dirname "${BASH_SOURCE[0]}")/../../captures/lib.sh"
WORK=/tmp/tracediff-inc-002
PORT=18190
BURSTS=2        # bursts of requests
PER_BURST=12    # requests per burst, each its own connection (> 8 ports)
PAUSE=1.5       # s between bursts: > tcp_tw_reuse_delay (1 s), << 60 s
BAD_RANGE="40000 40007"   # 8 ports, low even and high odd (see README)
CAPTURE_ANY=1

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  if [ "$RUN" = good ]; then
    enter_private_netns
  else
    enter_private_netns "net.ipv4.ip_local_port_range=$BAD_RANGE"
  fi
  sysctl net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse \
    net.ipv4.tcp_tw_reuse_delay net.ipv4.tcp_fin_timeout >"$WORK/$RUN-sysctl.txt"
  sed "s/^/    $RUN: /" "$WORK/$RUN-sysctl.txt"
  # The server takes at most as many connections as there are requests;
  # it is stopped (TERM) when the run ends in any case.
  background timeout 40 /usr/bin/python3 "$HERE/ports-server.py" "$PORT" \
    $((BURSTS * PER_BURST)) >"$WORK/$RUN-server.log" 2>&1
  wait_for_listener tcp "$PORT"
  start_captures "$RUN"
  trace_client "$RUN" /usr/bin/python3 "$HERE/ports-client.py" "$PORT" \
    "$BURSTS" "$PER_BURST" "$PAUSE"
  echo "--- $RUN: client exit $CLIENT_RC: $(tail -n 1 "$WORK/$RUN-client.out")"
  [ ! -s "$WORK/$RUN-client.err" ] || sed "s/^/    $RUN: stderr: /" "$WORK/$RUN-client.err"
  stop_captures "$RUN"   # waits 1 s first: the last FIN/ACKs are in
  # The sockets left in the namespace: TIME-WAIT lasts 60 s, so every
  # connection the client closed is still there (the listener too).
  ss -tan >"$WORK/$RUN-ss.txt"
  echo "    $RUN: ss: $(grep -c '^TIME-WAIT' "$WORK/$RUN-ss.txt") TIME-WAIT sockets"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir
record_runs good bad
for run in good bad; do   # this scenario's own evidence, beside lib.sh's files
  for f in "$run-ss.txt" "$run-sysctl.txt" "$run-client.out" "$run-server.log"; do
    cp "$WORK/$f" "$HERE/" && chmod 644 "$HERE/$f"
  done
done
