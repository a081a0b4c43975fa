# samples/captures/lib.sh: what every record.sh here does the same way.
# Sourced (not run) by each scenario's record.sh, which keeps only its own
# server, fault and client. Read with a record.sh beside it:
#
#   set -euo pipefail
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"    # sets HERE, SELF
#   WORK=/tmp/tracediff-cap-NAME
#   if is_inner_run "$@"; then        # record.sh --in-netns RUN, in the netns
#     enter_private_netns
#     ...server (background ... >"$WORK/$RUN-server.log"), fault...
#     start_captures "$RUN"
#     trace_client "$RUN" CLIENT ARGS...
#     ...say what the client did ($CLIENT_RC)...
#     stop_captures "$RUN"
#     exit 0
#   fi
#   prepare_workdir                    # outside: as root, a fresh $WORK
#   record_runs good bad               # each run in its own namespace
#
# Each run happens in its own private network namespace: record_runs re-runs
# the script as `unshare -n record.sh --in-netns RUN`, and the script brings
# up lo in it (enter_private_netns). So only the run's own packets are
# captured, nothing leaves the namespace, and whatever a scenario sets up
# there (iptables rule, sysctl, veth pair) lives and dies with it; the host
# is never touched. Three captures of the same packets run at once, started
# before the client and stopped 1 s after it exits (start_captures,
# stop_captures), on $CAPTURE_IFACE (lo unless the script says otherwise):
#   RUN.pcap        tcpdump -i lo --immediate-mode -U -w   (pcap, microseconds)
#   RUN-ns.pcap     the same with --time-stamp-precision=nano (pcap, nanoseconds)
#   RUN.pcapng      dumpcap -i lo                          (pcapng, if_tsresol 9)
#   RUN-2if.pcapng  only with CAPTURE_2IF=(IF1 IF2): dumpcap -i IF1 -i IF2
#   RUN-any.pcap    only with CAPTURE_ANY=1: tcpdump -i any -y LINUX_SLL2
#                   --time-stamp-precision=nano (pcap ns, linktype 276; on a
#                   namespace with only lo every packet is "lo In", once)
# The client runs under `strace -f -tt -T -yy -o RUN-client.strace`, with
# `env -i` and TZ=UTC, so its -tt times read like tcpdump's -tttt times in
# UTC: the same clock (trace_client). Then the pcaps are read back to text
# with TZ=UTC (read_back_text; outside the namespace unless the script did
# it inside):
#   RUN.txt      tcpdump -n -r RUN.pcap
#   RUN-v.txt    tcpdump -# -nn -tttt -v -r RUN.pcap
#   RUN-S.txt    tcpdump -n -S -r RUN.pcap           (absolute sequence numbers)
#   RUN-ns.txt   tcpdump -n --time-stamp-precision=nano -r RUN-ns.pcap
#   RUN-any.txt  tcpdump -n --time-stamp-precision=nano -r RUN-any.pcap
#                (only with CAPTURE_ANY=1; ifindex 1 is lo in every
#                namespace, so reading it outside names it right)
# and the captures, the strace and the text are copied next to record.sh.
# Every wait is bounded: a run gets 60 s (timeout), the client 30 s, the
# polls for a listener or a capture 50 x 0.1 s; $WORK is removed on exit.
# Needs root, tcpdump, dumpcap (wireshark-common), strace, iproute2 (ip,
# ss), util-linux (unshare); tshark for a RUN-2if.pcapng count.

HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"   # the scenario's directory
SELF="$HERE/$(basename "${BASH_SOURCE[1]}")"            # its record.sh
CAPTURES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"  # this file's directory (shared helpers)
# What to capture; a record.sh may change these after sourcing this file.
CAPTURE_IFACE=lo   # the interface of the three captures
CAPTURE_LINKTYPE=  # their -y, if any (e.g. LINUX_SLL2)
CAPTURE_2IF=()     # interfaces for a fourth capture, RUN-2if.pcapng, if any
CAPTURE_ANY=       # 1: also RUN-any.pcap (tcpdump -i any, SLL2, ns)

# ------------------------------------------------------ inside a run ---

# is_inner_run "$@": true when this is record.sh re-run by record_runs in
# the run's namespace (`record.sh --in-netns RUN`); sets RUN.
is_inner_run() {
  [ "${1:-}" = --in-netns ] || return 1
  RUN=$2
}

# enter_private_netns [KEY=VALUE...]: first thing in the run's fresh
# namespace: on exit, stop whatever `background` and start_captures started;
# set the given sysctls (before any interface is up); bring lo up.
enter_private_netns() {
  PIDS=()
  trap stop_background EXIT
  trap 'exit 143' TERM INT
  [ $# = 0 ] || sysctl -qw "$@"
  ip link set lo up
}

# background CMD...: start CMD in the background (redirect the call to
# give it a log); it is stopped when the run ends. Its pid is in BG_PID.
background() {
  "$@" &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

# stop_background: TERM every process started in this run, then reap it.
stop_background() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}

# serve_www PORT: python3 -m http.server (not traced) on 127.0.0.1:PORT over
# $WORK/www (prepare_workdir www), logging to $WORK/$RUN-server.log; returns
# once it listens.
serve_www() {
  background timeout 40 /usr/bin/python3 -m http.server --bind 127.0.0.1 \
    --directory "$WORK/www" "$1" >"$WORK/$RUN-server.log" 2>&1
  wait_for_listener tcp "$1"
}

# serve_once PORT DELAY [reset]: one-shot-server.py (beside this file) on
# 127.0.0.1:PORT, logging to $WORK/$RUN-server.log; returns once it listens.
serve_once() {
  background timeout 40 /usr/bin/python3 "$CAPTURES_DIR/one-shot-server.py" "$@" \
    >"$WORK/$RUN-server.log" 2>&1
  wait_for_listener tcp "$1"
}

# wait_for_listener tcp|udp PORT [PREFIX...]: wait (5 s at most) until a
# socket listens on PORT, asking the kernel (ss, run under PREFIX, e.g.
# nsenter) so that no packet is sent; fail if none does.
wait_for_listener() {
  local proto=$1 port=$2 _
  shift 2
  local flags=-Hltn
  [ "$proto" = udp ] && flags=-Hlun
  for _ in $(seq 50); do
    [ -n "$("$@" ss "$flags" "sport = :$port")" ] && return 0
    sleep 0.1
  done
  echo "server did not start" >&2
  return 1
}

# start_captures RUN: start the captures (RUN.pcap, RUN-ns.pcap, RUN.pcapng,
# with CAPTURE_2IF RUN-2if.pcapng, with CAPTURE_ANY RUN-any.pcap) in $WORK,
# wait until each says it is listening, then 0.5 s more: no packet is sent
# before they all see it.
start_captures() {
  local run=$1 _ y=()
  [ -z "$CAPTURE_LINKTYPE" ] || y=(-y "$CAPTURE_LINKTYPE")
  CAPS=()
  tcpdump -i "$CAPTURE_IFACE" "${y[@]}" --immediate-mode -U \
    -w "$WORK/$run.pcap" 2>"$WORK/$run-tcpdump.log" &
  CAPS+=($!)
  tcpdump -i "$CAPTURE_IFACE" "${y[@]}" --immediate-mode -U --time-stamp-precision=nano \
    -w "$WORK/$run-ns.pcap" 2>"$WORK/$run-tcpdump-ns.log" &
  CAPS+=($!)
  dumpcap -i "$CAPTURE_IFACE" "${y[@]}" -q -w "$WORK/$run.pcapng" 2>"$WORK/$run-dumpcap.log" &
  CAPS+=($!)
  if [ ${#CAPTURE_2IF[@]} -gt 0 ]; then
    local i ifs=()
    for i in "${CAPTURE_2IF[@]}"; do ifs+=(-i "$i"); done
    dumpcap "${ifs[@]}" -q -w "$WORK/$run-2if.pcapng" 2>"$WORK/$run-dumpcap-2if.log" &
    CAPS+=($!)
  fi
  if [ -n "$CAPTURE_ANY" ]; then
    tcpdump -i any -y LINUX_SLL2 --immediate-mode -U --time-stamp-precision=nano \
      -w "$WORK/$run-any.pcap" 2>"$WORK/$run-tcpdump-any.log" &
    CAPS+=($!)
  fi
  PIDS=("${CAPS[@]}" "${PIDS[@]}")   # on exit, the captures stop first
  for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/$run-tcpdump.log" \
      && grep -q 'listening on' "$WORK/$run-tcpdump-ns.log" \
      && grep -q 'Capturing on' "$WORK/$run-dumpcap.log" \
      && { [ ${#CAPTURE_2IF[@]} = 0 ] || grep -q 'Capturing on' "$WORK/$run-dumpcap-2if.log"; } \
      && { [ -z "$CAPTURE_ANY" ] || grep -q 'listening on' "$WORK/$run-tcpdump-any.log"; } \
      && break
    sleep 0.1
  done
  sleep 0.5
}

# trace_client RUN CMD...: run the client in $WORK under
# `strace -f -tt -T -yy -o $WORK/RUN-client.strace`, with a clean
# environment (env -i, TZ=UTC), no stdin, stdout and stderr to
# $WORK/RUN-client.out and .err, 30 s at most. Its exit status is in
# CLIENT_RC (a failing client is the point of a bad run). A previous run's
# $WORK/body.out (curl -o) is removed first.
trace_client() {
  local run=$1
  shift
  rm -f "$WORK/body.out"
  (cd "$WORK" && timeout 30 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
     HOME="$WORK/home" LANG=C.UTF-8 TZ=UTC \
     strace -f -tt -T -yy -o "$WORK/$run-client.strace" "$@" \
     </dev/null >"$WORK/$run-client.out" 2>"$WORK/$run-client.err") \
     && CLIENT_RC=0 || CLIENT_RC=$?
}

# report_curl RUN [MORE]: one line on what curl did (exit status,
# -w '%{http_code}\n' on stdout, the body it wrote to $WORK/body.out).
report_curl() {
  echo "--- $1: curl exit $CLIENT_RC, http_code $(cat "$WORK/$1-client.out"), body: $(cat "$WORK/body.out" 2>/dev/null || echo '<none>')${2:+, $2}"
}

# stop_captures RUN: 1 s for the last packets (FIN/ACKs), then stop the
# captures cleanly (SIGINT: they flush and close their files) and show what
# they say they captured and dropped.
stop_captures() {
  local run=$1 p logs=("$WORK/$1-tcpdump.log" "$WORK/$1-dumpcap.log")
  [ ${#CAPTURE_2IF[@]} = 0 ] || logs+=("$WORK/$run-dumpcap-2if.log")
  [ -z "$CAPTURE_ANY" ] || logs+=("$WORK/$run-tcpdump-any.log")
  sleep 1
  for p in "${CAPS[@]}"; do kill -INT "$p"; done
  for p in "${CAPS[@]}"; do wait "$p" || true; done
  grep -h 'captured\|dropped' "${logs[@]}" | sed "s/^/    $run: /"
}

# read_back_text RUN [DIR]: the tcpdump text of DIR/RUN.pcap and
# DIR/RUN-ns.pcap (DIR: this directory), TZ=UTC: RUN.txt (-n), RUN-v.txt
# (-# -nn -tttt -v), RUN-S.txt (-n -S), RUN-ns.txt (-n, nanoseconds) and,
# with CAPTURE_ANY, RUN-any.txt (-n, nanoseconds, of DIR/RUN-any.pcap).
read_back_text() {
  local d=${2:-.}/$1
  TZ=UTC tcpdump -n -r "$d.pcap" >"$d.txt" 2>/dev/null
  TZ=UTC tcpdump -# -nn -tttt -v -r "$d.pcap" >"$d-v.txt" 2>/dev/null
  TZ=UTC tcpdump -n -S -r "$d.pcap" >"$d-S.txt" 2>/dev/null
  TZ=UTC tcpdump -n --time-stamp-precision=nano -r "$d-ns.pcap" >"$d-ns.txt" 2>/dev/null
  [ -z "$CAPTURE_ANY" ] \
    || TZ=UTC tcpdump -n --time-stamp-precision=nano -r "$d-any.pcap" >"$d-any.txt" 2>/dev/null
}

# ------------------------------------------------------------ outside ---

# prepare_workdir [www]: check for root, make a fresh $WORK (removed again
# on exit) with a HOME for the client; with `www`, also $WORK/www/hello.txt
# (37 bytes) for `python3 -m http.server --directory $WORK/www`.
prepare_workdir() {
  : "${WORK:?set WORK before prepare_workdir}"
  [ "$(id -u)" = 0 ] || { echo "run as root (unshare -n, tcpdump)" >&2; exit 1; }
  trap 'rm -rf "$WORK"' EXIT
  trap 'exit 143' TERM INT
  rm -rf "$WORK"
  mkdir -p "$WORK/home"
  chmod 755 "$WORK"   # dumpcap may write as a dropped-privilege user
  if [ "${1:-}" = www ]; then
    mkdir -p "$WORK/www"
    printf 'hello from the tracediff test server\n' > "$WORK/www/hello.txt"
  fi
}

# record_runs RUN...: record each run in a new network namespace
# (`timeout 60 unshare -n record.sh --in-netns RUN`), then keep its files
# here (keep_run), count its packets (count_packets) and list the directory.
record_runs() {
  local run
  for run in "$@"; do
    timeout 60 unshare -n "$SELF" --in-netns "$run"
  done
  cd "$HERE"
  for run in "$@"; do
    keep_run "$run"
    count_packets "$run"
  done
  ls -l "$HERE"
}

# keep_run RUN: copy RUN's captures and strace from $WORK to here (mode
# 644), and its text: as the run read it back inside its namespace (where
# it did, e.g. any-interface: RUN.txt, RUN-e.txt, ...), else read back here.
keep_run() {
  local f need=("$1.pcap" "$1-ns.pcap" "$1.pcapng" "$1-client.strace")
  [ ${#CAPTURE_2IF[@]} = 0 ] || need+=("$1-2if.pcapng")
  [ -z "$CAPTURE_ANY" ] || need+=("$1-any.pcap")
  for f in "${need[@]}"; do
    cp "$WORK/$f" . && chmod 644 "$f"
  done
  for f in "$1.txt" "$1-e.txt" "$1-v.txt" "$1-S.txt" "$1-ns.txt" "$1-any.txt"; do
    if [ -e "$WORK/$f" ]; then cp "$WORK/$f" . && chmod 644 "$f"; fi
  done
  [ -e "$WORK/$1.txt" ] || read_back_text "$1"
}

# count_packets RUN: say how many packets each capture of RUN holds and how
# long its strace is; warn if the captures disagree.
count_packets() {
  local n nns nng n2 na also=''
  n=$(wc -l <"$1.txt")
  nns=$(TZ=UTC tcpdump -n -r "$1-ns.pcap" 2>/dev/null | wc -l)
  nng=$(TZ=UTC tcpdump -n -r "$1.pcapng" 2>/dev/null | wc -l)
  n2=$n
  if [ ${#CAPTURE_2IF[@]} -gt 0 ]; then
    n2=$(tshark -r "$1-2if.pcapng" 2>/dev/null | wc -l)
    also=", $n2 (2if pcapng)"
  fi
  if [ -n "$CAPTURE_ANY" ]; then
    na=$(wc -l <"$1-any.txt")
    also="$also, $na (any pcap)"
  fi
  echo "$1: $n packets (pcap), $nns (ns pcap), $nng (pcapng)$also; $(wc -l <"$1-client.strace") strace lines"
  na=${na:-$n}
  [ "$n" = "$nns" ] && [ "$n" = "$nng" ] && [ "$n" = "$n2" ] && [ "$n" = "$na" ] || echo "WARNING: $1 captures disagree" >&2
}
