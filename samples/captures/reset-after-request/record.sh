#!/bin/bash
set -euo pipefail
# samples/captures/reset-after-request/record.sh
#
# One HTTP GET with curl to 127.0.0.1:18183, captured on lo, good and bad.
# The server is server.py (written below, NOT traced): a plain TCP server
# that accepts ONE connection and reads the request up to the blank line.
#   good: it sends a fixed HTTP/1.0 200 response (43-byte body) and closes:
#         FIN after the data, curl exits 0;
#   bad:  it sets SO_LINGER {l_onoff=1, l_linger=0} and closes without
#         answering: the kernel sends RST instead of FIN; curl's recvfrom
#         fails with ECONNRESET, curl exits 56 ("Recv failure").
# Each run in its own private network namespace, three captures at once,
# curl under strace, the text read back: see ../lib.sh for how, and for
# the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-client.strace,
# RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-rst
PORT=18183
URL="http://127.0.0.1:$PORT/item"

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  # the server runs in both; only its MODE differs
  background timeout 40 /usr/bin/python3 "$WORK/server.py" "$PORT" "$RUN" \
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
# server.py PORT MODE: accept one connection on 127.0.0.1:PORT, read the
# request up to the blank line, then
#   good: answer a fixed HTTP/1.0 200 and close (FIN);
#   bad:  SO_LINGER {1, 0} and close without answering (RST).
import socket, struct, sys
port, mode = int(sys.argv[1]), sys.argv[2]
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
print(f"{mode}: {len(req)} request bytes from {peer[0]}:{peer[1]}", flush=True)
if mode == "good":
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
else:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
conn.close()
ls.close()
PY
record_runs good bad
