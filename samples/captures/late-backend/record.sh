#!/bin/bash
set -euo pipefail
# samples/captures/late-backend/record.sh
#
# One HTTP GET with curl to 127.0.0.1:18188, captured on lo, good and bad.
# The server is ../one-shot-server.py (NOT traced): a plain TCP server
# that accepts ONE connection, reads the request up to the blank line, then
#   good: answers at once (fixed HTTP/1.0 200, 43-byte body) and closes;
#   bad:  sleeps 2 s, then answers the same way. curl just waits (no
#         timeout set): the capture shows the 2 s gap between the ACK of the
#         request and the response, the strace a 2 s poll before the recv.
# Each run in its own private network namespace, four captures at once,
# curl under strace, the text read back: see ../lib.sh for how, and for
# the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-any.pcap,
# RUN-client.strace, RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt, RUN-any.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-late
PORT=18188
URL="http://127.0.0.1:$PORT/item"
CAPTURE_ANY=1

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  DELAY=0
  [ "$RUN" = good ] || DELAY=2
  serve_once "$PORT" "$DELAY"
  start_captures "$RUN"
  trace_client "$RUN" curl -sS -o "$WORK/body.out" -w '%{http_code}\n' "$URL"
  report_curl "$RUN" "stderr: $(cat "$WORK/$RUN-client.err")"
  sed "s/^/    $RUN: server: /" "$WORK/$RUN-server.log"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir
record_runs good bad
