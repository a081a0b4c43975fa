#!/bin/bash
set -euo pipefail
# samples/good-twice/nginx/record.sh
#
# Good-vs-good pair (false-positive test): the nginx proxy_cache setup of
# samples/nginx-tmpfs-enospc/ (tmpfs with room), the worker traced with
#   strace -p WORKER_PID -f -tt -T -yy -s 256 -o runN.strace
# while one `curl -s -o BODY http://127.0.0.1:18292/big.txt` goes through
# (a cache MISS both times: nginx, the tmpfs and the cache are new for each
# run, so the worker does the same work).
#   run1: just the request.
#   run2: before the request, another client opens an IDLE TCP connection to
#         nginx (bash `exec 9<>/dev/tcp/127.0.0.1/18292`, sends nothing),
#         holds it during the request, and closes it afterwards. So run2 has
#         an extra accept4 + epoll_ctl of that connection at the start and an
#         extra recvfrom(...) = 0 + close of it at the end, and the request's
#         own fds are one higher (client 13, upstream 14, temp file 15
#         instead of 12, 13, 14).
# Both requests succeed (200, 65,536 bytes).
# Needs root (mount, nginx master as root, workers as www-data).
# Run on Debian with strace, nginx, curl, python3 installed.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-twice-nginx
PORT=18292
UP_PORT=18293
URL="http://127.0.0.1:$PORT/big.txt"
UP_PID= NGX_PID= ST_PID=

. "$HERE/../../lib/nginx-cache.sh"

trace_request() {  # $1 = run name, $2 = idle|noidle
  strace -p "$WORKER" -f -tt -T -yy -s 256 -o "$BASE/$1.strace" 2>"$BASE/logs/strace.err" &
  ST_PID=$!
  for _ in $(seq 50); do   # wait until strace is attached
    [ "$(awk '/^TracerPid:/ {print $2}' /proc/"$WORKER"/status)" != 0 ] && break
    sleep 0.1
  done
  sleep 0.5
  if [ "$2" = idle ]; then
    exec 9<>/dev/tcp/127.0.0.1/$PORT   # idle keep-alive client: connects, sends nothing
    sleep 0.3
  fi
  rc=0
  timeout 10 curl -s -o "$BASE/client/body" -w '%{http_code} %{size_download}' "$URL" \
    >"$BASE/client/result" || rc=$?
  sleep 0.3
  if [ "$2" = idle ]; then
    exec 9>&-                          # the idle client goes away
    sleep 0.3
  fi
  kill -INT "$ST_PID"; wait "$ST_PID" || true; ST_PID=
  echo "--- $1: curl exit $rc, http_code/size: $(cat "$BASE/client/result")"
  cat "$BASE/logs/error.log"
  cp "$BASE/$1.strace" "$HERE/$1.strace"
}

for run in run1 run2; do
  setup
  start_servers
  if [ "$run" = run1 ]; then trace_request run1 noidle; else trace_request run2 idle; fi
  cd /
  stop_all
done

cd "$HERE" && wc -l run1.strace run2.strace
