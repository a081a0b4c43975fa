#!/bin/bash
set -euo pipefail
# samples/connect-refused/record.sh
#
# Records two client variants against 127.0.0.1:18280, each good and bad,
# all with `strace -f -tt -T -yy -s 256`:
#   good.strace / bad.strace            curl -s -o BODY http://127.0.0.1:18280/hello.txt
#   good-wget.strace / bad-wget.strace  wget -q -t 1 -O BODY http://127.0.0.1:18280/hello.txt
# good: `python3 -m http.server` (NOT traced) listens on 127.0.0.1:18280 and
#       answers 200 with a small file.
# bad:  nothing listens on 127.0.0.1:18280.
#   curl connects NON-blocking: its connect() returns -1 EINPROGRESS in both
#   runs; the refusal shows as poll(...) revents=POLLOUT|POLLERR|POLLHUP and
#   getsockopt(..., SO_ERROR, [ECONNREFUSED], ...) = 0, then exit 7.
#   wget connects blocking: connect(...) = -1 ECONNREFUSED, then exit 4.
# Same port, same clean environment, same output path in all runs.
# Only loopback traffic. Run as root on Debian with strace, curl, wget, python3.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-curl
PORT=18280
URL="http://127.0.0.1:$PORT/hello.txt"
. "$HERE/../lib/loopback-www.sh"

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

# good: start the server (untraced), wait until it answers
timeout 60 /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$BASE/www" "$PORT" \
  >"$BASE/server.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "$URL" && break
  sleep 0.1
done
run_client good.strace "${CURL[@]}"
run_client good-wget.strace "${WGET[@]}"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=

# bad: nothing listens any more
sleep 0.2
run_client bad.strace "${CURL[@]}"
run_client bad-wget.strace "${WGET[@]}"

cd "$HERE" && wc -l good.strace bad.strace good-wget.strace bad-wget.strace
