#!/bin/bash
set -euo pipefail
# samples/incidents/002-ephemeral-ports/parity-probe.sh
#
# A side check for record.sh, no captures, no strace: which source ports
# does connect() actually use from a small net.ipv4.ip_local_port_range,
# depending on the parity of its ends? For each range below, in a fresh
# private network namespace (unshare -n, lo up; the sysctl is set there,
# never on the host): ports-server.py on 127.0.0.1:18191, then ONE burst of
# 12 back-to-back requests with ports-client.py (each connection closed
# first by the client, so its port stays in TIME_WAIT and is not free for
# the next). Writes parity-probe.txt: per range, the client's own lines
# (source port or errno of each request) and its summary.
# Run as root; ~3 s per range; every run bounded by timeout.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT=18191
if [ "${1:-}" = --in-netns ]; then     # inside the range's namespace
  ip link set lo up
  sysctl -qw "net.ipv4.ip_local_port_range=$2"
  timeout 20 /usr/bin/python3 "$HERE/ports-server.py" "$PORT" 12 >/dev/null 2>&1 &
  srv=$!
  for _ in $(seq 50); do              # until it listens, 5 s at most
    [ -n "$(ss -Hltn "sport = :$PORT")" ] && break
    sleep 0.1
  done
  timeout 20 /usr/bin/python3 "$HERE/ports-client.py" "$PORT" 1 12 0 || true
  kill -TERM "$srv" 2>/dev/null || true
  wait "$srv" 2>/dev/null || true
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "run as root (unshare -n)" >&2; exit 1; }
{
  echo "# parity-probe.sh on $(uname -r): 12 back-to-back connections to 127.0.0.1:$PORT per range"
  for range in "40000 40007" "40000 40008" "40001 40008" "40001 40009" "40000 40000"; do
    echo "## net.ipv4.ip_local_port_range = $range"
    timeout 30 unshare -n "$0" --in-netns "$range"
  done
} >"$HERE/parity-probe.txt"
chmod 644 "$HERE/parity-probe.txt"
cat "$HERE/parity-probe.txt"
