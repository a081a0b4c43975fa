# clients.py PORT N GAP TIMEOUT: the other clients of incident 004, in one
# process (so one strace -f shows them all): N threads, started GAP s
# apart, each connects to 127.0.0.1:PORT, sends a whole HTTP request, reads
# the answer until the server closes. Each has TIMEOUT s in all (connect
# included): a socket timeout, so nothing waits longer. One line each.
import socket, sys, threading, time

port, n, gap, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
lock = threading.Lock()


def client(i):
    t0 = time.monotonic()
    me, stage = "?", "connect"
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        me = "%s:%d" % s.getsockname()
        stage = f"answer (connected after {time.monotonic() - t0:.3f} s)"
        s.settimeout(max(0.1, timeout - (time.monotonic() - t0)))
        s.sendall(b"GET /v2/lbaas/loadbalancers/lb-%d HTTP/1.1\r\n"
                  b"Host: 127.0.0.1:%d\r\nUser-Agent: client-%d\r\n\r\n" % (i, port, i))
        resp = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            resp += chunk
        s.close()
        status = resp.split(b"\r\n", 1)[0]
        msg = f"{status!r} ({len(resp)} bytes)"
    except OSError as e:
        msg = f"FAILED waiting for {stage}: {type(e).__name__} {e}"
    with lock:
        print(f"client-{i} {me}: {msg} after {time.monotonic() - t0:.3f} s", flush=True)


threads = []
for i in range(1, n + 1):
    t = threading.Thread(target=client, args=(i,))
    t.start()
    threads.append(t)
    time.sleep(gap)
for t in threads:
    t.join()
