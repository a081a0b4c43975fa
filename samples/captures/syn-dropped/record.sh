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
# Each run happens in its own private network namespace (`unshare -n`, then
# `ip link set lo up`), so no other loopback traffic on the machine gets in,
# nothing leaves it, and the iptables rule lives and dies with the namespace
# (the host's firewall is never touched). Three captures of the same packets
# run at once:
#   RUN.pcap     tcpdump -i lo -w                          (pcap, microseconds)
#   RUN-ns.pcap  tcpdump -i lo --time-stamp-precision=nano (pcap, nanoseconds)
#   RUN.pcapng   dumpcap -i lo                             (pcapng, if_tsresol 9)
# and the client runs under `strace -f -tt -T -yy -o RUN-client.strace`
# (TZ=UTC, so its -tt times read like tcpdump's -tttt times in UTC: same clock).
# Then the pcap is read back to text (outside the namespace, TZ=UTC):
#   RUN.txt      tcpdump -n -r RUN.pcap
#   RUN-v.txt    tcpdump -# -nn -tttt -v -r RUN.pcap
#   RUN-S.txt    tcpdump -n -S -r RUN.pcap           (absolute sequence numbers)
#   RUN-ns.txt   tcpdump -n --time-stamp-precision=nano -r RUN-ns.pcap
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iptables (nf_tables backend), iproute2, util-linux.
# Re-runnable; overwrites its outputs. Takes ~15 s.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
WORK=/tmp/tracediff-cap-syn
PORT=18182
URL="http://127.0.0.1:$PORT/hello.txt"

# ---------------------------------------------------------------- inside ---
# `record.sh --in-netns RUN`: runs in a fresh network namespace.
if [ "${1:-}" = --in-netns ]; then
  RUN=$2
  PIDS=()
  cleanup_inner() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  }
  trap cleanup_inner EXIT
  trap 'exit 143' TERM INT
  ip link set lo up

  if [ "$RUN" = bad ] && [ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ]; then
    sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
  fi
  if [ "$RUN" != good ]; then
    [ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ] \
      && echo "    $RUN: $(sysctl net.ipv4.tcp_syn_linear_timeouts)"
    iptables -A INPUT -p tcp --dport "$PORT" --syn -j DROP
    iptables -S INPUT | sed "s/^/    $RUN: iptables /"
  fi
  # the server listens in both runs
  timeout 40 /usr/bin/python3 -m http.server --bind 127.0.0.1 \
    --directory "$WORK/www" "$PORT" >"$WORK/$RUN-server.log" 2>&1 &
  PIDS+=($!)
  # wait for the listener without sending a packet (ss asks the kernel)
  for _ in $(seq 50); do
    [ -n "$(ss -Hltn "sport = :$PORT")" ] && break
    sleep 0.1
  done
  [ -n "$(ss -Hltn "sport = :$PORT")" ] || { echo "server did not start" >&2; exit 1; }

  # the three captures, started before any packet is sent
  tcpdump -i lo --immediate-mode -U -w "$WORK/$RUN.pcap" 2>"$WORK/$RUN-tcpdump.log" &
  TD=$!
  tcpdump -i lo --immediate-mode -U --time-stamp-precision=nano \
    -w "$WORK/$RUN-ns.pcap" 2>"$WORK/$RUN-tcpdump-ns.log" &
  TDN=$!
  dumpcap -i lo -q -w "$WORK/$RUN.pcapng" 2>"$WORK/$RUN-dumpcap.log" &
  DC=$!
  CAPS=("$TD" "$TDN" "$DC")
  PIDS=("${CAPS[@]}" "${PIDS[@]}")
  for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/$RUN-tcpdump.log" \
      && grep -q 'listening on' "$WORK/$RUN-tcpdump-ns.log" \
      && grep -q 'Capturing on' "$WORK/$RUN-dumpcap.log" && break
    sleep 0.1
  done
  sleep 0.5

  rm -f "$WORK/body.out"
  (cd "$WORK" && timeout 30 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
     HOME="$WORK/home" LANG=C.UTF-8 TZ=UTC \
     strace -f -tt -T -yy -o "$WORK/$RUN-client.strace" \
     curl -s --connect-timeout 8 -o "$WORK/body.out" -w '%{http_code}\n' "$URL" \
     </dev/null >"$WORK/$RUN-client.out" 2>"$WORK/$RUN-client.err") \
     && rc=0 || rc=$?
  echo "--- $RUN: curl exit $rc, http_code $(cat "$WORK/$RUN-client.out"), body: $(cat "$WORK/body.out" 2>/dev/null || echo '<none>')"

  sleep 1   # let the last FIN/ACKs through
  for p in "${CAPS[@]}"; do kill -INT "$p"; done
  for p in "${CAPS[@]}"; do wait "$p" || true; done
  grep -h 'captured\|dropped' "$WORK/$RUN-tcpdump.log" "$WORK/$RUN-dumpcap.log" | sed "s/^/    $RUN: /"
  exit 0
fi

# --------------------------------------------------------------- outside ---
[ "$(id -u)" = 0 ] || { echo "run as root (unshare -n, tcpdump)" >&2; exit 1; }
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 143' TERM INT
rm -rf "$WORK"
mkdir -p "$WORK/www" "$WORK/home"
chmod 755 "$WORK"   # dumpcap may write as a dropped-privilege user
printf 'hello from the tracediff test server\n' > "$WORK/www/hello.txt"

RUNS=(good bad)
[ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ] && RUNS+=(bad-linear)
for RUN in "${RUNS[@]}"; do
  timeout 60 unshare -n "$SELF" --in-netns "$RUN"
done

cd "$HERE"
for RUN in "${RUNS[@]}"; do
  cp "$WORK/$RUN.pcap" "$WORK/$RUN-ns.pcap" "$WORK/$RUN.pcapng" "$WORK/$RUN-client.strace" .
  chmod 644 "$RUN.pcap" "$RUN-ns.pcap" "$RUN.pcapng" "$RUN-client.strace"
  TZ=UTC tcpdump -n -r "$RUN.pcap" >"$RUN.txt" 2>/dev/null
  TZ=UTC tcpdump -# -nn -tttt -v -r "$RUN.pcap" >"$RUN-v.txt" 2>/dev/null
  TZ=UTC tcpdump -n -S -r "$RUN.pcap" >"$RUN-S.txt" 2>/dev/null
  TZ=UTC tcpdump -n --time-stamp-precision=nano -r "$RUN-ns.pcap" >"$RUN-ns.txt" 2>/dev/null
  n=$(wc -l <"$RUN.txt")
  nns=$(TZ=UTC tcpdump -n -r "$RUN-ns.pcap" 2>/dev/null | wc -l)
  nng=$(TZ=UTC tcpdump -n -r "$RUN.pcapng" 2>/dev/null | wc -l)
  echo "$RUN: $n packets (pcap), $nns (ns pcap), $nng (pcapng); $(wc -l <"$RUN-client.strace") strace lines"
  [ "$n" = "$nns" ] && [ "$n" = "$nng" ] || echo "WARNING: $RUN captures disagree" >&2
done
ls -l "$HERE"
