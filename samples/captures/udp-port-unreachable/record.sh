#!/bin/bash
set -euo pipefail
# samples/captures/udp-port-unreachable/record.sh
#
# One UDP request/reply on 127.0.0.1:18184, captured on lo, good and bad.
# The client is client.py (written below, traced): a connected UDP socket
# (connect(), then send() "ping 1", then recv() with a 3 s timeout).
#   good: echo.py (NOT traced) answers with the same bytes; exit 0;
#   bad:  nothing listens on 18184/udp: the kernel answers the datagram with
#         ICMP destination unreachable (type 3, code 3: port unreachable),
#         which the connected socket reports to recv() as ECONNREFUSED;
#         client.py exits 1.
# Each run happens in its own private network namespace (`unshare -n`, then
# `ip link set lo up`), so no other loopback traffic on the machine gets in,
# and nothing leaves it. Three captures of the same packets run at once:
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
# python3, iproute2, util-linux. Re-runnable; overwrites its outputs.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
WORK=/tmp/tracediff-cap-udp
PORT=18184

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

  if [ "$RUN" = good ]; then
    timeout 40 /usr/bin/python3 "$WORK/echo.py" "$PORT" >"$WORK/$RUN-server.log" 2>&1 &
    PIDS+=($!)
    # wait for the socket without sending a packet (ss asks the kernel)
    for _ in $(seq 50); do
      [ -n "$(ss -Hlun "sport = :$PORT")" ] && break
      sleep 0.1
    done
    [ -n "$(ss -Hlun "sport = :$PORT")" ] || { echo "server did not start" >&2; exit 1; }
  fi

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

  (cd "$WORK" && timeout 30 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
     HOME="$WORK/home" LANG=C.UTF-8 TZ=UTC \
     strace -f -tt -T -yy -o "$WORK/$RUN-client.strace" \
     /usr/bin/python3 -I -S "$WORK/client.py" "$PORT" \
     </dev/null >"$WORK/$RUN-client.out" 2>"$WORK/$RUN-client.err") \
     && rc=0 || rc=$?
  echo "--- $RUN: client exit $rc, says: $(cat "$WORK/$RUN-client.out" "$WORK/$RUN-client.err")"
  [ -e "$WORK/$RUN-server.log" ] && sed "s/^/    $RUN: server: /" "$WORK/$RUN-server.log"

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
mkdir -p "$WORK/home"
chmod 755 "$WORK"   # dumpcap may write as a dropped-privilege user
cat >"$WORK/echo.py" <<'PY'
# echo.py PORT: answer ONE datagram on 127.0.0.1:PORT with the same bytes.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(30)
data, peer = s.recvfrom(2048)
s.sendto(data, peer)
print(f"echoed {len(data)} bytes to {peer[0]}:{peer[1]}", flush=True)
PY
cat >"$WORK/client.py" <<'PY'
# client.py PORT: send "ping 1" on a connected UDP socket, wait 3 s for the
# echo. A connected socket gets the ICMP port unreachable as ECONNREFUSED.
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.settimeout(3)
s.send(b"ping 1\n")
try:
    data = s.recv(2048)
except ConnectionRefusedError as e:
    print(f"refused: {e}")
    sys.exit(1)
except TimeoutError:
    print("no answer in 3 s")
    sys.exit(2)
print(f"reply: {data!r}")
PY

for RUN in good bad; do
  timeout 60 unshare -n "$SELF" --in-netns "$RUN"
done

cd "$HERE"
for RUN in good bad; do
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
