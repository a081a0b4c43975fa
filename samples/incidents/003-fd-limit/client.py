# client.py PORT COUNT GAP TIMEOUT: COUNT clients (threads), started GAP s
# apart, each connects to 127.0.0.1:PORT, sends a 50-byte HTTP/1.0 request
# and reads the answer until EOF, giving up after TIMEOUT s in all (then it
# closes its socket: FIN). One line per client on what it saw; exit 0 if
# every client got a full answer, 1 otherwise.
import socket, sys, threading, time

port, count, gap, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
results = [None] * count

def one(i):
    t0 = time.monotonic()
    lport = "-"
    got = b""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=limit)
        lport = s.getsockname()[1]
        try:
            s.sendall(b"GET /item?n=%02d HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n" % (i + 1, port))
            while True:
                left = limit - (time.monotonic() - t0)
                if left <= 0:
                    raise socket.timeout("timed out")
                s.settimeout(left)
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        finally:
            s.close()
        status = got.split(b"\r\n", 1)[0].decode() if got else "EOF, no answer"
        what = ("ok " if got.startswith(b"HTTP/1.0 200") else "bad answer ") + status
    except socket.timeout:
        what = "timeout"
    except OSError as e:
        what = f"error {e.__class__.__name__}: {e}"
    results[i] = (what.startswith("ok"), f"client {i + 1:2d} port {lport}: {what} after {time.monotonic() - t0:.3f} s, {len(got)} bytes")

threads = []
for i in range(count):
    t = threading.Thread(target=one, args=(i,))
    t.start()
    threads.append(t)
    time.sleep(gap)
for t in threads:
    t.join(limit + 5)
for i, r in enumerate(results):
    print(r[1] if r else f"client {i + 1:2d}: still running")
sys.exit(0 if all(r and r[0] for r in results) else 1)
