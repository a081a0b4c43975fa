# slow-client.py good|bad PORT HOLD: the first client of incident 004.
#   good: sends its whole request at once and reads the answer (5 s at most).
#   bad:  sends only the request line and headers, WITHOUT the blank line
#         that ends them, then holds the connection HOLD seconds and closes.
#         The server's only thread waits in recv() for the rest.
import socket, sys, time

mode, port, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
head = (b"GET /v2/lbaas/loadbalancers HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
        b"User-Agent: slow-client\r\n" % port)
t0 = time.monotonic()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
me = "%s:%d" % s.getsockname()
if mode == "good":
    s.sendall(head + b"\r\n")
    resp = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        resp += chunk
    status = resp.split(b"\r\n", 1)[0]
    print(f"slow-client {me}: whole request sent, answer "
          f"{status!r} ({len(resp)} bytes) after "
          f"{time.monotonic() - t0:.3f} s", flush=True)
else:
    s.sendall(head)
    print(f"slow-client {me}: sent {len(head)} bytes, no blank line; holding "
          f"{hold:g} s", flush=True)
    time.sleep(hold)
    print(f"slow-client {me}: closing after {time.monotonic() - t0:.3f} s", flush=True)
s.close()
