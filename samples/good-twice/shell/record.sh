#!/bin/bash
set -euo pipefail
# samples/good-twice/shell/record.sh
#
# Good-vs-good pair (false-positive test): the bash script of
# samples/shell-missing-config/ WITH its app.conf present, recorded twice,
# separately, with `strace -f -tt -T -yy -s 256` -> run1.strace, run2.strace.
# The work dir (/tmp/tracediff-shell/work) and its files are re-created
# identically before each run. Both runs print the same line and exit 0;
# pids, pipe inodes, getrandom bytes, addresses, timings and the order in
# which the lines of concurrent processes (grep | cut) interleave differ.
# Run as root (or any user) on Debian with strace installed.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-shell
WORK=$BASE/work
STRACE=(strace -f -tt -T -yy -s 256)
CLEAN=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 TZ=UTC)

cleanup() { rm -rf "$BASE"; }
trap cleanup EXIT

setup() {
  rm -rf "$BASE"
  mkdir -p "$WORK"
  cat > "$WORK/run.sh" <<'SCRIPT'
#!/bin/bash
# tiny "app launcher": reads app.conf, prints what it would start
cd /tmp/tracediff-shell/work
stamp=$(date -u -d @1700000000 +%Y-%m-%d)
port=$(grep '^port=' /tmp/tracediff-shell/work/app.conf | cut -d= -f2)
name=$(sed -n 's/^name=//p' /tmp/tracediff-shell/work/app.conf)
if [ -z "$port" ]; then
  echo "$stamp error: no port configured" >&2
  exit 3
fi
lines=$(wc -l < data.txt)
echo "$stamp starting $name on port $port ($lines data lines)" > out.txt
cat out.txt
SCRIPT
  chmod +x "$WORK/run.sh"
  printf 'alpha\nbeta\ngamma\n' > "$WORK/data.txt"
  printf '# demo config\nname=demo-app\nport=8080\n' > "$WORK/app.conf"
}

for run in run1 run2; do
  setup
  (cd "$WORK" && timeout 30 "${CLEAN[@]}" "${STRACE[@]}" -o "$BASE/$run.strace" /bin/bash "$WORK/run.sh" \
     </dev/null >"$BASE/stdout.log" 2>"$BASE/stderr.log")
  echo "--- $run: stdout: $(cat "$BASE/stdout.log") stderr: $(cat "$BASE/stderr.log")"
  cp "$BASE/$run.strace" "$HERE/$run.strace"
done

cd "$HERE" && wc -l run1.strace run2.strace
