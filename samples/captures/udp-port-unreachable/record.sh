#!/bin/bash
set -euo pipefail
# samples/captures/udp-port-unreachable/record.sh
#
# One UDP request/reply on 127.0.0.1:18184, captured on lo, good and bad.
# The client is client.py (written below, traced): a connected UDP socket
# (connect(), then send() "ping 1", then recv() with a 3 s timeout).
#   good: echo.py (NOT traced) answers with the same bytes; exit 0;
#   bad:  nothing listens on 18184/udp: the kernel answers the datagram with
#         ICMP destination unreachable (type 3, code 3: port unreachable),
#         which the connected socket reports to recv() as ECONNREFUSED;
#         client.py exits 1.
# Each run in its own private network namespace, three captures at once,
# client.py under strace, the text read back: see ../lib.sh for how, and
# for the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-client.strace,
# RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-udp
PORT=18184

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  if [ "$RUN" = good ]; then
    background timeout 40 /usr/bin/python3 "$WORK/echo.py" "$PORT" >"$WORK/$RUN-server.log" 2>&1
    wait_for_listener udp "$PORT"
  fi
  start_captures "$RUN"
  trace_client "$RUN" /usr/bin/python3 -I -S "$WORK/client.py" "$PORT"
  echo "--- $RUN: client exit $CLIENT_RC, says: $(cat "$WORK/$RUN-client.out" "$WORK/$RUN-client.err")"
  [ -e "$WORK/$RUN-server.log" ] && sed "s/^/    $RUN: server: /" "$WORK/$RUN-server.log"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir
cat >"$WORK/echo.py" <<'PY'
# echo.py PORT: answer ONE datagram on 127.0.0.1:PORT with the same bytes.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(30)
data, peer = s.recvfrom(2048)
s.sendto(data, peer)
print(f"echoed {len(data)} bytes to {peer[0]}:{peer[1]}", flush=True)
PY
cat >"$WORK/client.py" <<'PY'
# client.py PORT: send "ping 1" on a connected UDP socket, wait 3 s for the
# echo. A connected socket gets the ICMP port unreachable as ECONNREFUSED.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(3)
s.send(b"ping 1\n")
try:
    data = s.recv(2048)
except ConnectionRefusedError as e:
    print(f"refused: {e}")
    sys.exit(1)
except TimeoutError:
    print("no answer in 3 s")
    sys.exit(2)
print(f"reply: {data!r}")
PY
record_runs good bad
