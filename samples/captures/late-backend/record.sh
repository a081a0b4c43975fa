#!/bin/bash
set -euo pipefail
# samples/captures/late-backend/record.sh
#
# One HTTP GET with curl to 127.0.0.1:18188, captured on lo, good and bad.
# The server is server.py (written below, NOT traced): a plain TCP server
# that accepts ONE connection, reads the request up to the blank line, then
#   good: answers at once (fixed HTTP/1.0 200, 43-byte body) and closes;
#   bad:  sleeps 2 s, then answers the same way. curl just waits (no
#         timeout set): the capture shows the 2 s gap between the ACK of the
#         request and the response, the strace a 2 s poll before the recv.
# Each run in its own private network namespace, four captures at once,
# curl under strace, the text read back: see ../lib.sh for how, and for
# the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-any.pcap,
# RUN-client.strace, RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt, RUN-any.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-late
PORT=18188
URL="http://127.0.0.1:$PORT/item"
CAPTURE_ANY=1

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  DELAY=0
  [ "$RUN" = good ] || DELAY=2
  background timeout 40 /usr/bin/python3 "$WORK/server.py" "$PORT" "$DELAY" \
    >"$WORK/$RUN-server.log" 2>&1
  wait_for_listener tcp "$PORT"
  start_captures "$RUN"
  trace_client "$RUN" curl -sS -o "$WORK/body.out" -w '%{http_code}\n' "$URL"
  report_curl "$RUN" "stderr: $(cat "$WORK/$RUN-client.err")"
  sed "s/^/    $RUN: server: /" "$WORK/$RUN-server.log"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir
cat >"$WORK/server.py" <<'PY'
# server.py PORT DELAY: accept one connection on 127.0.0.1:PORT, read the
# request up to the blank line, sleep DELAY seconds, answer a fixed
# HTTP/1.0 200 and close (FIN).
import socket, sys, time
port, delay = int(sys.argv[1]), float(sys.argv[2])
body = b'{"item": 42, "name": "widget", "stock": 7}\n'
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(1)
ls.settimeout(30)
conn, peer = ls.accept()
conn.settimeout(10)
req = b""
while b"\r\n\r\n" not in req and len(req) < 65536:
    chunk = conn.recv(4096)
    if not chunk:
        break
    req += chunk
print(f"{len(req)} request bytes from {peer[0]}:{peer[1]}, answering after {delay} s", flush=True)
time.sleep(delay)
conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
             b"Content-Length: %d\r\n\r\n" % len(body) + body)
conn.close()
ls.close()
PY
record_runs good bad
