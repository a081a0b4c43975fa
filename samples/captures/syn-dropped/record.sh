#!/bin/bash
set -euo pipefail
# samples/captures/syn-dropped/record.sh
#
# One HTTP GET with `curl --connect-timeout 8` to 127.0.0.1:18182, captured
# on lo, good and bad. `python3 -m http.server` (NOT traced) listens in both.
#   good: the SYN is answered, curl gets 200 with the 37-byte hello.txt;
#   bad:  inside the namespace,
#           iptables -A INPUT -p tcp --dport 18182 --syn -j DROP
#         drops every SYN after the capture has seen it, so nothing answers:
#         the kernel retransmits the SYN (1 s, 2 s, 4 s backoff) until curl
#         gives up at 8 s (exit 28). The capture sees the SYNs because the
#         tap on lo is before netfilter's INPUT hook.
#         For `bad`, net.ipv4.tcp_syn_linear_timeouts is set to 0 in the
#         namespace: the classic exponential backoff (SYNs at 0, 1, 3, 7 s),
#         which is what kernels without that sysctl (Debian 12's 6.1) do.
#   bad-linear: the same, with the sysctl left at this kernel's default (4):
#         4 retransmissions 1 s apart, then backoff (SYNs at 0, 1, 2, 3, 4,
#         5, 7 s). Only recorded if the kernel has the sysctl.
# Each run in its own private network namespace (so the iptables rule and
# the sysctl live and die with it: the host's firewall is never touched),
# three captures at once, curl under strace, the text read back: see
# ../lib.sh for how, and for the files made (RUN.pcap, RUN-ns.pcap,
# RUN.pcapng, RUN-client.strace, RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt).
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iptables (nf_tables backend), iproute2, util-linux.
# Re-runnable; overwrites its outputs. Takes ~20 s.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-syn
PORT=18182
URL="http://127.0.0.1:$PORT/hello.txt"
LINEAR=/proc/sys/net/ipv4/tcp_syn_linear_timeouts

# ------------------------------------------- inside: one run, its own netns ---
if is_inner_run "$@"; then
  enter_private_netns
  if [ "$RUN" = bad ] && [ -e "$LINEAR" ]; then
    sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
  fi
  if [ "$RUN" != good ]; then
    [ -e "$LINEAR" ] && echo "    $RUN: $(sysctl net.ipv4.tcp_syn_linear_timeouts)"
    iptables -A INPUT -p tcp --dport "$PORT" --syn -j DROP
    iptables -S INPUT | sed "s/^/    $RUN: iptables /"
  fi
  # the server listens in every run
  serve_www "$PORT"
  start_captures "$RUN"
  trace_client "$RUN" curl -s --connect-timeout 8 -o "$WORK/body.out" -w '%{http_code}\n' "$URL"
  report_curl "$RUN"
  stop_captures "$RUN"
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir www
RUNS=(good bad)
[ -e "$LINEAR" ] && RUNS+=(bad-linear)
record_runs "${RUNS[@]}"
