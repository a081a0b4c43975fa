#!/bin/bash
set -euo pipefail
# samples/captures/http-ok-vs-refused/record.sh
#
# One HTTP GET with curl to 127.0.0.1:18181, captured on lo, good and bad:
#   good: `python3 -m http.server` (NOT traced) listens and answers 200
#         with the 37-byte hello.txt;
#   bad:  nothing listens on 18181: the SYN is answered by RST,ACK, curl
#         exits 7.
# Each run in its own private network namespace, three captures at once,
# curl under strace, the text read back: see ../lib.sh for how, and for
# the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-client.strace,
# RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-http
PORT=18181
URL="http://127.0.0.1:$PORT/hello.txt"

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  if [ "$RUN" = good ]; then
    serve_www "$PORT"
  fi
  start_captures "$RUN"
  trace_client "$RUN" curl -s -o "$WORK/body.out" -w '%{http_code}\n' "$URL"
  report_curl "$RUN"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir www
record_runs good bad
