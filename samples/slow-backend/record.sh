#!/bin/bash
set -euo pipefail
# samples/slow-backend/record.sh
#
# Records, each with `strace -f -tt -T -yy -s 256`:
#   good.strace / bad.strace            curl -s -o BODY http://127.0.0.1:18281/item
#   good-wget.strace / bad-wget.strace  wget -q -t 1 -O BODY http://127.0.0.1:18281/item
# against a tiny python HTTP server (NOT traced) on 127.0.0.1:18281 that
#   good: answers at once
#   bad:  sleeps 2 s (time.sleep(2)) after reading the request, then answers
#         with the same body.
# Only the client is traced. In bad, the client waits ~2 s for the response;
# everything else, including the response body and the exit 0, is the same.
#   curl waits in poll() with at most a 1000 ms timeout, so the 2 s show as
#   three polls (~0.19 s = 0 (Timeout), ~1.0 s = 0 (Timeout), ~0.8 s = 1)
#   plus the lines between them;
#   wget waits in ONE pselect6() (900 s read timeout) that takes ~2 s.
# Only loopback traffic. Run as root on Debian with strace, curl, python3.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-slow
PORT=18281
URL="http://127.0.0.1:$PORT/item"
STRACE=(strace -f -tt -T -yy -s 256)
CLEAN=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$BASE/home LANG=C.UTF-8 TZ=UTC)
SRV_PID=

stop_server() {
  if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true; fi
  SRV_PID=
}
cleanup() { stop_server; rm -rf "$BASE"; }
trap cleanup EXIT

rm -rf "$BASE"
mkdir -p "$BASE/home"
cat > "$BASE/server.py" <<'PY'
import sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT, DELAY = int(sys.argv[1]), float(sys.argv[2])
BODY = b'{"item": 42, "name": "widget", "stock": 7}\n'

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(DELAY)          # the "slow backend"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *a):
        pass

HTTPServer(("127.0.0.1", PORT), H).serve_forever()
PY

if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
  echo "port $PORT is already in use" >&2; exit 1
fi

start_server() {  # $1 = delay in seconds
  timeout 60 /usr/bin/python3 -I "$BASE/server.py" "$PORT" "$1" >"$BASE/server.log" 2>&1 &
  SRV_PID=$!
  for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
    sleep 0.1
  done
  sleep 0.5   # the probe connection above is handled (and closed) by now
}

run_client() {  # $1 = output trace name, rest = client command
  local out=$1; shift
  rm -f "$BASE/body.out"
  (cd "$BASE" && timeout 20 "${CLEAN[@]}" "${STRACE[@]}" -o "$BASE/$out" \
     "$@" </dev/null >"$BASE/stdout.log" 2>"$BASE/stderr.log") \
     && rc=0 || rc=$?
  echo "--- $out: exit $rc, body: $(cat "$BASE/body.out" 2>/dev/null || echo '<none>')"
  cp "$BASE/$out" "$HERE/$out"
}
CURL=(curl -s -o "$BASE/body.out" "$URL")
WGET=(wget -q -t 1 -O "$BASE/body.out" "$URL")

start_server 0
run_client good.strace "${CURL[@]}"
run_client good-wget.strace "${WGET[@]}"
stop_server

start_server 2
run_client bad.strace "${CURL[@]}"
run_client bad-wget.strace "${WGET[@]}"
stop_server

cd "$HERE" && wc -l good.strace bad.strace good-wget.strace bad-wget.strace
