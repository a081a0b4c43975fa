#!/bin/bash
set -euo pipefail
# samples/good-twice/python/record.sh
#
# Good-vs-good pair (false-positive test): a tiny python program that reads
# a file, writes its upper-cased text to a temp file made by
# tempfile.mkstemp() (random name suffix, different in each run) and sleeps
# 0.1 s, recorded twice, separately, with
#   strace -f -tt -T -yy -s 256 -o runN.strace /usr/bin/python3 -I -S -c PROG
# (-I -S: isolated mode, no site import, to keep python's startup small).
# Both runs do the same work; the temp file name, pids, getrandom bytes
# (hash seed), addresses and timings differ.
# Run as root (or any user) on Debian with strace and python3 installed.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-python
STRACE=(strace -f -tt -T -yy -s 256)
CLEAN=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$BASE LANG=C.UTF-8 TZ=UTC)
PROG='import os, tempfile, time
with open("/tmp/tracediff-python/input.txt") as f:
    data = f.read()
fd, path = tempfile.mkstemp(prefix="td-", suffix=".out", dir="/tmp/tracediff-python/tmp")
os.write(fd, data.upper().encode())
os.close(fd)
time.sleep(0.1)
print(path, len(data))'

cleanup() { rm -rf "$BASE"; }
trap cleanup EXIT

for run in run1 run2; do
  rm -rf "$BASE"
  mkdir -p "$BASE/tmp"
  printf 'first line of input\nsecond line of input\n' > "$BASE/input.txt"
  (cd "$BASE" && timeout 30 "${CLEAN[@]}" "${STRACE[@]}" -o "$BASE/$run.strace" /usr/bin/python3 -I -S -c "$PROG" \
     </dev/null >"$BASE/stdout.log" 2>"$BASE/stderr.log")
  echo "--- $run: stdout: $(cat "$BASE/stdout.log") stderr: $(cat "$BASE/stderr.log")"
  cp "$BASE/$run.strace" "$HERE/$run.strace"
done

cd "$HERE" && wc -l run1.strace run2.strace
