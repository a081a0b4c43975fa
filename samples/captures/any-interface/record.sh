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
# Captures in the client namespace, all at once:
#   RUN.pcap        tcpdump -i any -y LINUX_SLL2 -w          (pcap, microseconds)
#   RUN-ns.pcap     the same with --time-stamp-precision=nano
#   RUN.pcapng      dumpcap -i any -y LINUX_SLL2             (pcapng, if_tsresol 9)
#   RUN-2if.pcapng  dumpcap -i cli0 -i lo  (pcapng with two interfaces, each
#                   EN10MB with its own IDB and if_name; no direction flags)
# The client runs under `strace -f -tt -T -yy -o RUN-client.strace` (TZ=UTC,
# so its -tt times read like tcpdump's -tttt times in UTC: same clock).
# The text is read back INSIDE the client namespace: an SLL2 record holds
# only the interface index, and tcpdump turns it into a name with the
# reading machine's interfaces (outside, index 2 would be the host's eth0):
#   RUN.txt      tcpdump -n -r RUN.pcap            ("cli0  Out IP ...")
#   RUN-e.txt    tcpdump -n -e -r RUN.pcap         (+ ifindex, MAC, ethertype)
#   RUN-v.txt    tcpdump -# -nn -tttt -v -r RUN.pcap
#   RUN-S.txt    tcpdump -n -S -r RUN.pcap         (absolute sequence numbers)
#   RUN-ns.txt   tcpdump -n --time-stamp-precision=nano -r RUN-ns.pcap
# Run as root on Debian 12 with tcpdump, dumpcap (wireshark-common), strace,
# curl, python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
WORK=/tmp/tracediff-cap-any
PORT=18185
URL="http://192.0.2.2:$PORT/hello.txt"

# ---------------------------------------------------------------- inside ---
# `record.sh --in-netns RUN`: runs in a fresh network namespace (the client's).
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

  # client namespace
  sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip link set lo up
  # server namespace: held open by a bounded sleep, gone when it ends
  unshare -n sleep 45 &
  NSPID=$!
  PIDS+=("$NSPID")
  for _ in $(seq 50); do   # until unshare has made the namespace and exec'd
    [ "$(readlink "/proc/$NSPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.1
  done
  [ "$(readlink "/proc/$NSPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] \
    || { echo "no server namespace" >&2; exit 1; }
  SRV=(nsenter -t "$NSPID" -n)
  "${SRV[@]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
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
    "${SRV[@]}" timeout 40 /usr/bin/python3 -m http.server --bind 192.0.2.2 \
      --directory "$WORK/www" "$PORT" >"$WORK/$RUN-server.log" 2>&1 &
    PIDS+=($!)
    # wait for the listener without sending a packet (ss asks the kernel)
    for _ in $(seq 50); do
      [ -n "$("${SRV[@]}" ss -Hltn "sport = :$PORT")" ] && break
      sleep 0.1
    done
    [ -n "$("${SRV[@]}" ss -Hltn "sport = :$PORT")" ] || { echo "server did not start" >&2; exit 1; }
  fi

  # the captures, started before any packet is sent
  tcpdump -i any -y LINUX_SLL2 --immediate-mode -U -w "$WORK/$RUN.pcap" 2>"$WORK/$RUN-tcpdump.log" &
  TD=$!
  tcpdump -i any -y LINUX_SLL2 --immediate-mode -U --time-stamp-precision=nano \
    -w "$WORK/$RUN-ns.pcap" 2>"$WORK/$RUN-tcpdump-ns.log" &
  TDN=$!
  dumpcap -i any -y LINUX_SLL2 -q -w "$WORK/$RUN.pcapng" 2>"$WORK/$RUN-dumpcap.log" &
  DC=$!
  dumpcap -i cli0 -i lo -q -w "$WORK/$RUN-2if.pcapng" 2>"$WORK/$RUN-dumpcap-2if.log" &
  DC2=$!
  CAPS=("$TD" "$TDN" "$DC" "$DC2")
  PIDS=("${CAPS[@]}" "${PIDS[@]}")
  for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/$RUN-tcpdump.log" \
      && grep -q 'listening on' "$WORK/$RUN-tcpdump-ns.log" \
      && grep -q 'Capturing on' "$WORK/$RUN-dumpcap.log" \
      && grep -q 'Capturing on' "$WORK/$RUN-dumpcap-2if.log" && break
    sleep 0.1
  done
  sleep 0.5

  rm -f "$WORK/body.out"
  (cd "$WORK" && timeout 30 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
     HOME="$WORK/home" LANG=C.UTF-8 TZ=UTC \
     strace -f -tt -T -yy -o "$WORK/$RUN-client.strace" \
     curl -s -o "$WORK/body.out" -w '%{http_code}\n' "$URL" \
     </dev/null >"$WORK/$RUN-client.out" 2>"$WORK/$RUN-client.err") \
     && rc=0 || rc=$?
  echo "--- $RUN: curl exit $rc, http_code $(cat "$WORK/$RUN-client.out"), body: $(cat "$WORK/body.out" 2>/dev/null || echo '<none>')"

  sleep 1   # let the last FIN/ACKs through
  for p in "${CAPS[@]}"; do kill -INT "$p"; done
  for p in "${CAPS[@]}"; do wait "$p" || true; done
  grep -h 'captured\|dropped' "$WORK/$RUN-tcpdump.log" "$WORK/$RUN-dumpcap.log" "$WORK/$RUN-dumpcap-2if.log" \
    | sed "s/^/    $RUN: /"

  # read back here, where ifindex 2 is cli0
  ip -o link show | sed "s/^/    $RUN: link /" | cut -c1-100
  TZ=UTC tcpdump -n -r "$WORK/$RUN.pcap" >"$WORK/$RUN.txt" 2>/dev/null
  TZ=UTC tcpdump -n -e -r "$WORK/$RUN.pcap" >"$WORK/$RUN-e.txt" 2>/dev/null
  TZ=UTC tcpdump -# -nn -tttt -v -r "$WORK/$RUN.pcap" >"$WORK/$RUN-v.txt" 2>/dev/null
  TZ=UTC tcpdump -n -S -r "$WORK/$RUN.pcap" >"$WORK/$RUN-S.txt" 2>/dev/null
  TZ=UTC tcpdump -n --time-stamp-precision=nano -r "$WORK/$RUN-ns.pcap" >"$WORK/$RUN-ns.txt" 2>/dev/null
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

for RUN in good bad; do
  timeout 60 unshare -n "$SELF" --in-netns "$RUN"
done

cd "$HERE"
for RUN in good bad; do
  for f in "$RUN.pcap" "$RUN-ns.pcap" "$RUN.pcapng" "$RUN-2if.pcapng" "$RUN-client.strace" \
           "$RUN.txt" "$RUN-e.txt" "$RUN-v.txt" "$RUN-S.txt" "$RUN-ns.txt"; do
    cp "$WORK/$f" . && chmod 644 "$f"
  done
  n=$(wc -l <"$RUN.txt")
  nns=$(tcpdump -n -r "$RUN-ns.pcap" 2>/dev/null | wc -l)
  nng=$(tcpdump -n -r "$RUN.pcapng" 2>/dev/null | wc -l)
  n2=$(tshark -r "$RUN-2if.pcapng" 2>/dev/null | wc -l)
  echo "$RUN: $n packets (pcap), $nns (ns pcap), $nng (pcapng), $n2 (2if pcapng); $(wc -l <"$RUN-client.strace") strace lines"
  [ "$n" = "$nns" ] && [ "$n" = "$nng" ] && [ "$n" = "$n2" ] || echo "WARNING: $RUN captures disagree" >&2
done
ls -l "$HERE"
