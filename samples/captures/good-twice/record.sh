#!/bin/bash
set -euo pipefail
# samples/captures/good-twice/record.sh
#
# The SAME good request recorded twice (run1, run2), to check that two good
# runs diff to no divergence: one HTTP GET with curl to 127.0.0.1:18186,
# captured on lo; `python3 -m http.server` (NOT traced) listens in both and
# answers 200 with the 37-byte hello.txt. Nothing differs between the runs
# but what the kernel and the clock choose (ephemeral port, ISNs, TS vals,
# times, which side sends its FIN first).
# Each run in its own private network namespace, four captures at once,
# curl under strace, the text read back: see ../lib.sh for how, and for
# the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-any.pcap,
# RUN-client.strace, RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt, RUN-any.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-twice
PORT=18186
URL="http://127.0.0.1:$PORT/hello.txt"
CAPTURE_ANY=1

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  serve_www "$PORT"
  start_captures "$RUN"
  trace_client "$RUN" curl -s -o "$WORK/body.out" -w '%{http_code}\n' "$URL"
  report_curl "$RUN"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir www
record_runs run1 run2
