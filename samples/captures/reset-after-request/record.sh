#!/bin/bash
set -euo pipefail
# samples/captures/reset-after-request/record.sh
#
# One HTTP GET with curl to 127.0.0.1:18183, captured on lo, good and bad.
# The server is ../one-shot-server.py (NOT traced): a plain TCP server
# that accepts ONE connection and reads the request up to the blank line.
#   good: it sends a fixed HTTP/1.0 200 response (43-byte body) and closes:
#         FIN after the data, curl exits 0;
#   bad:  it sets SO_LINGER {l_onoff=1, l_linger=0} and closes without
#         answering: the kernel sends RST instead of FIN; curl's recvfrom
#         fails with ECONNRESET, curl exits 56 ("Recv failure").
# Each run in its own private network namespace, three captures at once,
# curl under strace, the text read back: see ../lib.sh for how, and for
# the files made (RUN.pcap, RUN-ns.pcap, RUN.pcapng, RUN-client.strace,
# RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-rst
PORT=18183
URL="http://127.0.0.1:$PORT/item"

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  # the server runs in both; in bad it resets instead of answering
  if [ "$RUN" = good ]; then serve_once "$PORT" 0; else serve_once "$PORT" 0 reset; fi
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
