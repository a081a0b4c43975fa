#!/bin/bash
set -euo pipefail
# samples/good-twice/ls/record.sh
#
# Good-vs-good pair (false-positive test): `ls -l --time-style=long-iso` of a
# small directory (3 files, 1 subdir, fixed mtimes), recorded twice,
# separately, with
#   strace -f -tt -T -yy -s 256 -o runN.strace ls -l --time-style=long-iso /tmp/tracediff-ls/dir
# The directory is re-created identically before each run, so ls prints the
# same listing; pids, inode numbers (statx), getdents64 order/cookies,
# addresses and timings may differ.
# Run as root (or any user) on Debian with strace installed.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE=/tmp/tracediff-ls
STRACE=(strace -f -tt -T -yy -s 256)
CLEAN=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$BASE LANG=C.UTF-8 TZ=UTC)

cleanup() { rm -rf "$BASE"; }
trap cleanup EXIT

for run in run1 run2; do
  rm -rf "$BASE"
  mkdir -p "$BASE/dir/sub"
  printf 'alpha\n' > "$BASE/dir/a.txt"
  printf 'bravo bravo\n' > "$BASE/dir/b.txt"
  printf '#!/bin/sh\necho hi\n' > "$BASE/dir/run.sh"
  chmod 0755 "$BASE/dir/run.sh"
  touch -d '2024-01-02 03:04:05 UTC' "$BASE/dir/a.txt" "$BASE/dir/b.txt" "$BASE/dir/run.sh" "$BASE/dir/sub"
  (cd "$BASE" && timeout 30 "${CLEAN[@]}" "${STRACE[@]}" -o "$BASE/$run.strace" \
     ls -l --time-style=long-iso "$BASE/dir" </dev/null >"$BASE/stdout.log" 2>"$BASE/stderr.log")
  echo "--- $run:"; cat "$BASE/stdout.log" "$BASE/stderr.log"
  cp "$BASE/$run.strace" "$HERE/$run.strace"
done

cd "$HERE" && wc -l run1.strace run2.strace
