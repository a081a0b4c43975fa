#!/bin/bash
set -euo pipefail
# bench/record-capture.sh [OUTFILE]
#
# Records the capture bench's input: a large loopback HTTP capture,
# at least 110,000 packets, default bench/data/http-loopback.pcap (gitignored).
#
# Everything happens in a private network namespace (`unshare -n`, then
# `ip link set lo up`): no other traffic on the machine gets in, nothing
# leaves it. Inside it:
#   - server.py (written below): a single-threaded selectors-based HTTP/1.0
#     server on 127.0.0.1:18380 that reads each request up to the blank line,
#     answers `200 OK` with a fixed 1000-byte body and closes;
#   - tcpdump -i lo -s 256 -B 32768 -w TMP.pcap (snaplen 256: the 1066-byte
#     response frames are cut to 256 bytes, caplen < len; the rest fit);
#   - curl --parallel --parallel-max 64 --http1.0 "http://127.0.0.1:18380/item/[A-B]"
#     one connection per request (HTTP/1.0, the server closes): 10 packets
#     per exchange (3-way handshake, request, ACK, response, ACK, FIN, FIN,
#     ACK; 11 in the odd exchange where both FINs cross), so a first round
#     of 11,200 requests gives ~112,000 packets; more rounds only if tcpdump
#     counts fewer than 110,000 (at most 10 rounds).
#     The kernel hands out client ports again as soon as a connection is
#     closed (the server, closing first, holds the TIME_WAIT): in 11,200
#     connections some 2,500 client ports carry two to four connections
#     each (tshark: "TCP Port numbers reused"), so a connection is not
#     identified by its 4-tuple alone.
# Bounded: every step has its own `timeout`, the whole recording 600 s.
# The capture is written to a temporary file and moved to OUTFILE only when
# complete, so OUTFILE never exists half-written. Prints the packet count,
# the size and the time taken (stdout), progress on stderr.
# Needs root, tcpdump, curl (>= 7.66 for --parallel), python3, util-linux,
# iproute2. Takes ~5 s on a 2-CPU VM (the traffic itself ~1.5 s).

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
PORT=18380
TARGET=110000        # packets, at least
FIRST_ROUND=11200    # requests in the first round (~10 packets each)
MAX_ROUNDS=10
PARALLEL=64

# ---------------------------------------------------------------- inside ---
# `record-capture.sh --in-netns WORKDIR`: runs in a fresh network namespace,
# writes WORKDIR/capture.pcap and WORKDIR/requests.
if [ "${1:-}" = --in-netns ]; then
  WORK=$2
  SRV= TD= TDP=
  cleanup_inner() {
    [ -n "$TDP" ] && kill -INT "$TDP" 2>/dev/null || true
    [ -n "$SRV" ] && kill -TERM "$SRV" 2>/dev/null || true
    wait 2>/dev/null || true
  }
  trap cleanup_inner EXIT
  trap 'exit 143' TERM INT
  ip link set lo up

  timeout 590 /usr/bin/python3 "$WORK/server.py" "$PORT" 580 >"$WORK/server.log" 2>&1 &
  SRV=$!
  for _ in $(seq 50); do   # wait for the listener without sending a packet
    [ -n "$(ss -Hltn "sport = :$PORT")" ] && break
    sleep 0.1
  done
  [ -n "$(ss -Hltn "sport = :$PORT")" ] || { echo "server did not start" >&2; exit 1; }

  timeout 590 tcpdump -i lo -n -s 256 -B 32768 -Z root -w "$WORK/capture.pcap" 2>"$WORK/tcpdump.log" &
  TD=$!
  for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/tcpdump.log" && break
    sleep 0.1
  done
  grep -q 'listening on' "$WORK/tcpdump.log" || { echo "tcpdump did not start" >&2; exit 1; }
  # signals go to tcpdump itself (timeout would die of SIGUSR1)
  TDP=$(pgrep -P "$TD" -x tcpdump)

  # packets tcpdump has seen so far: SIGUSR1 makes it print its counters
  # ("tcpdump: N packets captured, ...") on stderr. With TPACKET_V3 the kernel hands
  # packets over in blocks that retire after at most 1 s, hence the sleep.
  captured() {
    sleep 1.5
    kill -USR1 "$TDP"
    sleep 0.2
    grep -o '[0-9]* packets captured' "$WORK/tcpdump.log" | tail -1 | awk '{print $1}'
  }

  next=1 count=0 round=0 n=$FIRST_ROUND
  while [ "$round" -lt "$MAX_ROUNDS" ]; do
    round=$((round + 1))
    last=$((next + n - 1))
    timeout 300 curl --parallel --parallel-max "$PARALLEL" --http1.0 -s --no-progress-meter \
      "http://127.0.0.1:$PORT/item/[$next-$last]" >/dev/null 2>>"$WORK/curl.log" || true
    next=$((last + 1))
    count=$(captured || true); count=${count:-0}
    echo "round $round: requests 1-$last sent, tcpdump has $count packets" >&2
    [ "$count" -ge "$TARGET" ] && break
    n=$(( (TARGET - count) / 10 + 200 ))
  done

  kill -INT "$TDP"
  wait "$TD" || true
  TD= TDP=
  grep -h 'captured\|received\|dropped' "$WORK/tcpdump.log" | tail -3 | sed 's/^/tcpdump: /' >&2
  echo "$((next - 1))" >"$WORK/requests"
  exit 0
fi

# --------------------------------------------------------------- outside ---
ROOT="$(cd "$HERE/.." && pwd)"
OUT="${1:-$ROOT/bench/data/http-loopback.pcap}"
[ "$(id -u)" = 0 ] || { echo "record-capture.sh: needs root (unshare -n, tcpdump)" >&2; exit 1; }
for c in tcpdump curl python3 unshare ip ss; do
  command -v "$c" >/dev/null || { echo "record-capture.sh: $c not found" >&2; exit 1; }
done
mkdir -p "$(dirname "$OUT")"
WORK=$(mktemp -d /tmp/tracediff-bench-capture.XXXXXX)
chmod 755 "$WORK"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 143' TERM INT

cat >"$WORK/server.py" <<'PY'
# server.py PORT SECONDS: HTTP/1.0 on 127.0.0.1:PORT, one request per
# connection, a fixed 1000-byte body, close. Single thread, selectors;
# exits after SECONDS.
import selectors, socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
body = (b"tracediff bench " * 63)[:999] + b"\n"
resp = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
        % len(body)) + body
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(1024)
ls.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(ls, selectors.EVENT_READ)
pending = {}
served = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    for key, _ in sel.select(1.0):
        s = key.fileobj
        if s is ls:
            while True:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    break
                c.setblocking(False)
                pending[c] = b""
                sel.register(c, selectors.EVENT_READ)
            continue
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if data:
            pending[s] += data
            if b"\r\n\r\n" not in pending[s]:
                continue
            try:
                s.sendall(resp)   # fits the socket buffer at once
                served += 1
            except OSError:
                pass
        sel.unregister(s)
        del pending[s]
        s.close()
print(f"served {served}", flush=True)
PY

t0=$(date +%s.%N)
timeout 600 unshare -n bash "$SELF" --in-netns "$WORK"
t1=$(date +%s.%N)

packets=$(tcpdump -n -r "$WORK/capture.pcap" 2>/dev/null | wc -l)
if [ "$packets" -lt "$TARGET" ]; then
  echo "record-capture.sh: only $packets packets captured (want >= $TARGET)" >&2
  exit 1
fi
mv -f "$WORK/capture.pcap" "$OUT.tmp.$$"
chmod 644 "$OUT.tmp.$$"
mv -f "$OUT.tmp.$$" "$OUT"
size=$(stat -c %s "$OUT")
awk -v out="$OUT" -v p="$packets" -v r="$(cat "$WORK/requests")" -v b="$size" -v t0="$t0" -v t1="$t1" \
  'BEGIN { printf "%s: %d packets, %d requests, %d bytes (%.1f MB), recorded in %.1f s\n", out, p, r, b, b / 1e6, t1 - t0 }'
