#!/bin/bash
set -euo pipefail
# samples/nginx-tmpfs-enospc/record.sh
#
# A re-creation, on this machine, of the real-world seed in
# samples/nginx-cache-enospc/: an nginx reverse proxy with proxy_cache whose
# cache (and proxy temp dir) lives on a full filesystem.
#
# Setup (all under /tmp/tracediff-nginx, all traffic on 127.0.0.1):
#   - a 128 KiB tmpfs mounted on /tmp/tracediff-nginx/cache, holding
#     proxy_cache_path (cache/c) and proxy_temp_path (cache/tmp);
#   - upstream: `python3 -m http.server` on 127.0.0.1:18283 serving
#     big.txt (65,536 bytes of text: 1024 lines of 64 bytes), NOT traced;
#   - nginx (Debian's /usr/sbin/nginx, own config, master + 1 worker,
#     daemon off) on 127.0.0.1:18282 proxying to it with proxy_cache,
#     proxy_cache_valid 200 10m and sendfile on.
# ONLY the nginx worker is traced, with `strace -p WORKER_PID`, while one
#   curl -s -o BODY http://127.0.0.1:18282/big.txt
# goes through (a cache MISS: nginx, tmpfs and cache are new for every run).
#   good: the tmpfs has room: nginx writes the response into a temp file on
#         it (pwritev), sends it to the client (writev + sendfile) and renames
#         the temp file into the cache.
#   bad:  the tmpfs was filled with dd after nginx started, so the first
#         pwritev() to the temp file = -1 ENOSPC; nginx logs [crit], drops
#         the upstream and client connections; curl gets an empty reply.
# Two strace flag sets, each for good and bad (4 fresh runs):
#   good.strace / bad.strace          strace -p PID -v -s 256 -o FILE  (like the seed)
#   good-ftt.strace / bad-ftt.strace  strace -p PID -f -tt -T -yy -s 256 -o FILE
# Needs root (mount, nginx master as root, workers as www-data).
# Run on Debian with strace, nginx, curl, python3 installed.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-nginx
PORT=18282
UP_PORT=18283
URL="http://127.0.0.1:$PORT/big.txt"
UP_PID= NGX_PID= ST_PID=

. "$HERE/../lib/nginx-cache.sh"

fill_tmpfs() {
  # write zeros until the tmpfs is full (dd stops with ENOSPC; bounded by the 128k size)
  dd if=/dev/zero of="$BASE/cache/filler" bs=4k 2>/dev/null || true
  sync
  df -k "$BASE/cache" | tail -1
}

trace_request() {  # $1 = output name, rest = strace flags
  local out=$1; shift
  strace -p "$WORKER" "$@" -o "$BASE/$out" 2>"$BASE/logs/strace.err" &
  ST_PID=$!
  for _ in $(seq 50); do   # wait until strace is attached
    [ "$(awk '/^TracerPid:/ {print $2}' /proc/"$WORKER"/status)" != 0 ] && break
    sleep 0.1
  done
  sleep 0.5
  rc=0
  timeout 10 curl -s -o "$BASE/client/body" -D "$BASE/client/headers" \
    -w '%{http_code} %{size_download}' "$URL" >"$BASE/client/result" || rc=$?
  sleep 0.5
  kill -INT "$ST_PID"; wait "$ST_PID" || true; ST_PID=
  echo "--- $out: curl exit $rc, http_code/size: $(cat "$BASE/client/result"), tmpfs: $(ls "$BASE/cache" | tr '\n' ' ')"
  head -1 "$BASE/client/headers" 2>/dev/null || true
  grep -h 'crit\|error\]' "$BASE/logs/error.log" || true
  cp "$BASE/$out" "$HERE/$out"
}

run_case() {  # $1 = good|bad, $2 = output name, rest = strace flags
  local mode=$1; shift
  setup
  start_servers
  if [ "$mode" = bad ]; then fill_tmpfs; fi
  trace_request "$@"
  stop_all
}

run_case good good.strace -v -s 256
run_case bad bad.strace -v -s 256
run_case good good-ftt.strace -f -tt -T -yy -s 256
run_case bad bad-ftt.strace -f -tt -T -yy -s 256

cd "$HERE" && wc -l good.strace bad.strace good-ftt.strace bad-ftt.strace
