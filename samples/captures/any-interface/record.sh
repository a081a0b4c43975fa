#!/bin/bash
set -euo pipefail
# samples/captures/any-interface/record.sh
#
# One HTTP GET with curl, captured with `tcpdump -i any` (Linux cooked v2,
# LINKTYPE_LINUX_SLL2 = 276: interface index, direction In/Out, link-layer
# address per packet), good and bad.
#
# Why a veth pair and not lo: libpcap drops the outgoing copy of every
# packet on the loopback device (it would see each one twice), so on lo
# `-i any` shows every packet as "In" and there is no "Out" at all. To get
# both directions the server lives in a second private namespace:
#
#   client namespace (unshare -n, this script)   server namespace (unshare -n sleep)
#   lo 127.0.0.1 (unused, still captured by any)
#   cli0 192.0.2.1/24  02:00:00:00:00:01  <-veth->  srv0 192.0.2.2/24  02:00:00:00:00:02
#
# 192.0.2.0/24 is TEST-NET-1 (documentation); the veth pair exists only
# between the two namespaces, nothing reaches the host's interfaces. IPv6 is
# disabled in both namespaces so no router solicitations, MLD or DAD
# packets get in; the fixed MACs make the -e text the same on every run.
#   good: `python3 -m http.server --bind 192.0.2.2 18185` (NOT traced) runs
#         in the server namespace; curl gets 200 with the 37-byte hello.txt.
#         First an ARP who-has (Out, broadcast) and is-at (In).
#   bad:  nothing listens: ARP, then SYN (Out) answered by RST,ACK (In);
#         curl exits 7.
# Captures in the client namespace, all at once (see ../lib.sh for how):
#   RUN.pcap        tcpdump -i any -y LINUX_SLL2 -w          (pcap, microseconds)
#   RUN-ns.pcap     the same with --time-stamp-precision=nano
#   RUN.pcapng      dumpcap -i any -y LINUX_SLL2             (pcapng, if_tsresol 9)
#   RUN-2if.pcapng  dumpcap -i cli0 -i lo  (pcapng with two interfaces, each
#                   EN10MB with its own IDB and if_name; no direction flags)
# curl runs under strace (RUN-client.strace, as in ../lib.sh).
# The text is read back INSIDE the client namespace: an SLL2 record holds
# only the interface index, and tcpdump turns it into a name with the
# reading machine's interfaces (outside, index 2 would be the host's eth0):
#   RUN.txt, RUN-v.txt, RUN-S.txt, RUN-ns.txt   as in ../lib.sh ("cli0  Out IP ...")
#   RUN-e.txt    tcpdump -n -e -r RUN.pcap         (+ ifindex, MAC, ethertype)
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), tshark,
# strace, curl, python3, iproute2, util-linux. Re-runnable; overwrites its
# outputs.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
WORK=/tmp/tracediff-cap-any
PORT=18185
URL="http://192.0.2.2:$PORT/hello.txt"
CAPTURE_IFACE=any
CAPTURE_LINKTYPE=LINUX_SLL2
CAPTURE_2IF=(cli0 lo)
NO_IPV6=(net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1)

# ------------------------------ inside: one run, its own (client's) netns ---
if is_inner_run "$@"; then
  enter_private_netns "${NO_IPV6[@]}"
  # server namespace: held open by a bounded sleep, gone when it ends
  background unshare -n sleep 45
  NSPID=$BG_PID
  for _ in $(seq 50); do   # until unshare has made the namespace and exec'd
    [ "$(readlink "/proc/$NSPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.1
  done
  [ "$(readlink "/proc/$NSPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] \
    || { echo "no server namespace" >&2; exit 1; }
  SRV=(nsenter -t "$NSPID" -n)
  "${SRV[@]}" sysctl -qw "${NO_IPV6[@]}"
  "${SRV[@]}" ip link set lo up
  ip link add cli0 address 02:00:00:00:00:01 type veth \
    peer name srv0 address 02:00:00:00:00:02 netns "$NSPID"
  ip addr add 192.0.2.1/24 dev cli0
  ip link set cli0 up
  "${SRV[@]}" ip addr add 192.0.2.2/24 dev srv0
  "${SRV[@]}" ip link set srv0 up
  for _ in $(seq 50); do   # until the veth carrier is up on both ends
    ip link show cli0 | grep -q 'LOWER_UP' && break
    sleep 0.1
  done

  if [ "$RUN" = good ]; then
    background "${SRV[@]}" timeout 40 /usr/bin/python3 -m http.server --bind 192.0.2.2 \
      --directory "$WORK/www" "$PORT" >"$WORK/$RUN-server.log" 2>&1
    wait_for_listener tcp "$PORT" "${SRV[@]}"
  fi
  start_captures "$RUN"
  trace_client "$RUN" curl -s -o "$WORK/body.out" -w '%{http_code}\n' "$URL"
  report_curl "$RUN"
  stop_captures "$RUN"

  # read back here, where ifindex 2 is cli0
  ip -o link show | sed "s/^/    $RUN: link /" | cut -c1-100
  read_back_text "$RUN" "$WORK"
  TZ=UTC tcpdump -n -e -r "$WORK/$RUN.pcap" >"$WORK/$RUN-e.txt" 2>/dev/null
  exit 0
fi

# --------------------------------------------------------------- outside ---
prepare_workdir www
record_runs good bad
