# samples/lib/loopback-www.sh: shared by samples/connect-refused/record.sh and
# samples/good-twice/curl/record.sh, sourced after they set BASE and PORT.
# Sets STRACE (the flags every client run is traced with) and CLEAN (a clean
# environment, TZ=UTC), an EXIT trap that stops the server in SRV_PID and
# removes $BASE, makes $BASE/www/hello.txt and $BASE/home, and stops the
# script if PORT is already taken.

STRACE=(strace -f -tt -T -yy -s 256)
CLEAN=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$BASE/home LANG=C.UTF-8 TZ=UTC)
SRV_PID=

cleanup() {
  if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null || true; wait "$SRV_PID" 2>/dev/null || true; fi
  rm -rf "$BASE"
}
trap cleanup EXIT

rm -rf "$BASE"
mkdir -p "$BASE/www" "$BASE/home"
printf 'hello from the tracediff test server\n' > "$BASE/www/hello.txt"

if (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null; then
  echo "port $PORT is already in use" >&2; exit 1
fi
