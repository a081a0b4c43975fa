# samples/lib/nginx-cache.sh: the nginx proxy_cache setup shared by
# samples/nginx-tmpfs-enospc/record.sh and samples/good-twice/nginx/record.sh,
# sourced by them after they set BASE, PORT, UP_PORT, UP_PID, NGX_PID,
# ST_PID: nginx on 127.0.0.1:$PORT proxying and caching a python upstream on
# $UP_PORT, the cache on a 128 KiB tmpfs at $BASE/cache, and the helpers that
# start and stop it all. Sourcing it sets an EXIT trap that cleans up, and
# stops the script if either port is already taken. stop_all also closes fd 9,
# the idle client connection good-twice/nginx opens (a no-op elsewhere).

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
