#!/bin/bash
set -euo pipefail
# samples/captures/syn-retries-lowered/record.sh
#
# One HTTP GET with `curl --connect-timeout 30` to 127.0.0.1:18187,
# captured on lo, good and bad. `python3 -m http.server` (NOT traced)
# listens in both.
#   good: the SYN is answered, curl gets 200 with the 37-byte hello.txt;
#   bad:  inside the namespace,
#           sysctl -w net.ipv4.tcp_syn_retries=3
#           sysctl -w net.ipv4.tcp_syn_linear_timeouts=0   (if it exists)
#           iptables -A INPUT -p tcp --dport 18187 --syn -j DROP
#         every SYN is dropped after the capture has seen it; the kernel
#         sends the SYN and 3 retransmissions (classic backoff: 0, 1, 3, 7 s)
#         and gives up at ~15 s: connect fails with ETIMEDOUT (curl exit 28
#         or 7, reported below). curl's own limit (30 s) is never reached:
#         the kernel, not curl, ends it.
# Each run in its own private network namespace (the rule and sysctls die
# with it), four captures at once, curl under strace, the text read back:
# see ../lib.sh for how, and for the files made (RUN.pcap, RUN-ns.pcap,
# RUN.pcapng, RUN-any.pcap, RUN-client.strace, RUN.txt, RUN-v.txt,
# RUN-S.txt, RUN-ns.txt, RUN-any.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iptables (nf_tables backend), iproute2, util-linux.
# Re-runnable; overwrites its outputs. Takes ~25 s.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-synretries
PORT=18187
URL="http://127.0.0.1:$PORT/hello.txt"
LINEAR=/proc/sys/net/ipv4/tcp_syn_linear_timeouts
CAPTURE_ANY=1

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  if [ "$RUN" = bad ]; then
    sysctl -qw net.ipv4.tcp_syn_retries=3
    [ ! -e "$LINEAR" ] || sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
    echo "    $RUN: $(sysctl net.ipv4.tcp_syn_retries)"
    [ ! -e "$LINEAR" ] || echo "    $RUN: $(sysctl net.ipv4.tcp_syn_linear_timeouts)"
    iptables -A INPUT -p tcp --dport "$PORT" --syn -j DROP
    iptables -S INPUT | sed "s/^/    $RUN: iptables /"
  fi
  serve_www "$PORT"
  start_captures "$RUN"
  trace_client "$RUN" curl -sS --connect-timeout 30 -o "$WORK/body.out" \
    -w '%{http_code}\n' "$URL"
  report_curl "$RUN" "stderr: $(cat "$WORK/$RUN-client.err")"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir www
record_runs good bad
