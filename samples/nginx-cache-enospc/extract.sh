#!/usr/bin/env bash
# Re-create bad.strace and good.strace from the appendix of the seed
# postmortem (shared/seeds/000_d3752457c0f4bb57.txt). Lines are copied
# byte-for-byte; the blog's copy artefacts are kept on purpose.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seed="$here/../../../shared/seeds/000_d3752457c0f4bb57.txt"
[ -r "$seed" ] || { echo "seed not found: $seed" >&2; exit 1; }

# section 1 ("1.异常调用堆栈", the BAD run): from the first
# "strace: Process 3904 attached" after that heading through the first
# "close(11) = 0" after it.
awk '
  /^1\.异常调用堆栈/ { sec = 1; next }
  sec == 1 && !on && /^strace: Process 3904 attached$/ { on = 1 }
  on { print }
  on && /^close\(11\) = 0$/ { exit }
' "$seed" > "$here/bad.strace"

# section 2 ("2.正常调用堆栈过程", the GOOD run): from the
# "strace: Process 3904 attached" after that heading through the LAST
# "close(11) = 0" of the section (the section ends at the next heading,
# "TCP状态机").
awk '
  /^2\.正常调用堆栈过程/ { sec = 2; next }
  sec == 2 && /^TCP状态机/ { exit }
  sec == 2 && !on && /^strace: Process 3904 attached$/ { on = 1 }
  on { buf[++n] = $0; if ($0 ~ /^close\(11\) = 0$/) last = n }
  END { for (i = 1; i <= last; i++) print buf[i] }
' "$seed" > "$here/good.strace"

wc -l "$here/bad.strace" "$here/good.strace"
