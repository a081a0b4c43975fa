#!/bin/bash
set -euo pipefail
# samples/good-twice/curl/record.sh
#
# Good-vs-good pair (false-positive test): the successful curl request of
# samples/connect-refused/ recorded twice, separately:
#   curl -s -o BODY http://127.0.0.1:18290/hello.txt
# against one live `python3 -m http.server` on 127.0.0.1:18290 (NOT traced),
# each with `strace -f -tt -T -yy -s 256`  ->  run1.strace, run2.strace.
# Both runs succeed the same way; pids, socket inodes, the client's ephemeral
# port, getrandom bytes, addresses, the HTTP Date header and timings differ.
# Only loopback traffic. Run as root on Debian with strace, curl, python3.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-twice-curl
PORT=18290
URL="http://127.0.0.1:$PORT/hello.txt"
. "$HERE/../../lib/loopback-www.sh"

timeout 60 /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$BASE/www" "$PORT" \
  >"$BASE/server.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "$URL" && break
  sleep 0.1
done

for run in run1 run2; do
  rm -f "$BASE/body.out"
  (cd "$BASE" && timeout 20 "${CLEAN[@]}" "${STRACE[@]}" -o "$BASE/$run.strace" \
     curl -s -o "$BASE/body.out" "$URL" </dev/null >"$BASE/stdout.log" 2>"$BASE/stderr.log")
  echo "--- $run: body: $(cat "$BASE/body.out")"
  cp "$BASE/$run.strace" "$HERE/$run.strace"
  sleep 1   # so the HTTP Date header (1 s resolution) differs between runs
done

cd "$HERE" && wc -l run1.strace run2.strace
