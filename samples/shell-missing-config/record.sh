#!/bin/bash
set -euo pipefail
# samples/shell-missing-config/record.sh
#
# Records good.strace / bad.strace: `strace -f` of a small bash script
# (run.sh, written below) that looks up date, grep, sed, cut, wc and cat via
# PATH (so bash stat()s every PATH entry and each child probes locale files,
# many harmless ENOENTs), reads its config file app.conf with grep and sed,
# and prints a line built from it.
#   good: /tmp/tracediff-shell/work/app.conf exists -> script exits 0
#   bad:  app.conf is missing -> grep's openat(".../app.conf") = -1 ENOENT,
#         grep exits 2, the script prints an error and exits 3.
# Both runs use the same work dir path, the same clean environment and the
# same files, so only pids, fds-to-be, addresses and timings differ before
# the openat of app.conf.
#
# Run as root (or any user) on Debian with strace installed:  ./record.sh

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-shell
WORK=$BASE/work
STRACE=(strace -f -tt -T -yy -s 256)
CLEAN=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp LANG=C.UTF-8 TZ=UTC)

cleanup() { rm -rf "$BASE"; }
trap cleanup EXIT

setup() {   # $1 = with-config | without-config
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
  if [ "$1" = with-config ]; then
    printf '# demo config\nname=demo-app\nport=8080\n' > "$WORK/app.conf"
  fi
}

record() {  # $1 = output file
  # the script's own exit status is expected to be non-zero in the bad run
  # stdin/stdout/stderr go to fixed paths so the fd decorations (-yy) of
  # fds 0-2 are the same in both runs
  (cd "$WORK" && timeout 30 "${CLEAN[@]}" "${STRACE[@]}" -o "$1" /bin/bash "$WORK/run.sh" \
     </dev/null >"$BASE/stdout.log" 2>"$BASE/stderr.log") || true
  echo "--- $(basename "$1"): stdout:"; cat "$BASE/stdout.log"
  echo "--- $(basename "$1"): stderr:"; cat "$BASE/stderr.log"
}

setup with-config
record "$BASE/good.strace"
cp "$BASE/good.strace" "$HERE/good.strace"

setup without-config
record "$BASE/bad.strace"
cp "$BASE/bad.strace" "$HERE/bad.strace"

wc -l "$HERE/good.strace" "$HERE/bad.strace"
