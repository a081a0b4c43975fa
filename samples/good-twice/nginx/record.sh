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

stop_pid() {  # $1 = pid, $2 = signal
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "-$2" "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
stop_all() {
  exec 9>&- 2>/dev/null || true
  stop_pid "$ST_PID" INT; ST_PID=
  stop_pid "$NGX_PID" QUIT; NGX_PID=
  stop_pid "$UP_PID" TERM; UP_PID=
  if mountpoint -q "$BASE/cache"; then umount "$BASE/cache"; fi
}
cleanup() { cd /; stop_all; rm -rf "$BASE"; }
trap cleanup EXIT

for p in $PORT $UP_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
    echo "port $p is already in use" >&2; exit 1
  fi
done

setup() {
  stop_all
  rm -rf "$BASE"
  mkdir -p "$BASE"/{conf,logs,run,www,cache,client,misc}
  # 65,536 bytes of plain text: 1024 lines of 64 bytes
  for i in $(seq -w 1 1024); do
    printf 'line %s of the tracediff upstream test file..................\n' "$i"
  done > "$BASE/www/big.txt"
  cat > "$BASE/conf/nginx.conf" <<NGX
daemon off;
master_process on;
worker_processes 1;
user www-data;
pid $BASE/run/nginx.pid;
error_log $BASE/logs/error.log;
events { worker_connections 64; }
http {
    access_log $BASE/logs/access.log;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path $BASE/misc/body;
    fastcgi_temp_path $BASE/misc/fastcgi;
    uwsgi_temp_path $BASE/misc/uwsgi;
    scgi_temp_path $BASE/misc/scgi;
    proxy_temp_path $BASE/cache/tmp;
    proxy_cache_path $BASE/cache/c levels=1:2 keys_zone=tdcache:1m max_size=1m inactive=10m;
    server {
        listen 127.0.0.1:$PORT;
        location / {
            proxy_pass http://127.0.0.1:$UP_PORT;
            proxy_cache tdcache;
            proxy_cache_valid 200 10m;
        }
    }
}
NGX
  mount -t tmpfs -o size=128k,mode=0755 tmpfs "$BASE/cache"
}

start_servers() {
  cd "$BASE"     # nginx keeps the cwd it is started in (shows in -yy AT_FDCWD<...>)
  timeout 120 /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$BASE/www" "$UP_PORT" \
    >"$BASE/logs/upstream.log" 2>&1 &
  UP_PID=$!
  timeout 120 /usr/sbin/nginx -p "$BASE" -c "$BASE/conf/nginx.conf" -e "$BASE/logs/error.log" \
    >"$BASE/logs/nginx.out" 2>&1 &
  NGX_PID=$!     # the timeout process; nginx master is its child
  WORKER=
  for _ in $(seq 100); do
    if [ -s "$BASE/run/nginx.pid" ]; then
      MASTER=$(cat "$BASE/run/nginx.pid")
      WORKER=$(ps -o pid=,args= --ppid "$MASTER" | awk '/nginx: worker process/ {print $1; exit}')
      [ -n "$WORKER" ] && break
    fi
    sleep 0.1
  done
  [ -n "$WORKER" ] || { echo "nginx worker did not start" >&2; cat "$BASE/logs/error.log" >&2; exit 1; }
  for _ in $(seq 50); do   # upstream ready? (probe the upstream only, never nginx)
    (exec 3<>/dev/tcp/127.0.0.1/$UP_PORT) 2>/dev/null && break
    sleep 0.1
  done
  sleep 0.5
}

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
