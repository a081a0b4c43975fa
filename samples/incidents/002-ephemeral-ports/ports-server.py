# ports-server.py PORT MAXCONN: the upstream of 002-ephemeral-ports (NOT
# traced). A plain TCP server on 127.0.0.1:PORT that takes connections one
# at a time, at most MAXCONN of them: reads a request up to the blank line,
# answers a small HTTP/1.1 200 with Content-Length (so the connection may
# stay open: the client, like nginx to an upstream, decides when to close),
# then waits for the client's FIN (recv returns b"") and only then closes.
# So the client closes first and the TIME_WAIT socket is the client's.
# Bounded: 5 s per connection, stops after 5 s without a new connection or
# 25 s in all. One log line per connection: its number, the client's port,
# the request line, how it ended.
import socket, sys, time
port, maxconn = int(sys.argv[1]), int(sys.argv[2])
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(64)
ls.settimeout(5)
end = time.monotonic() + 25
for n in range(1, maxconn + 1):
    if time.monotonic() > end:
        break
    try:
        conn, peer = ls.accept()
    except socket.timeout:
        print("no new connection for 5 s, stopping", flush=True)
        break
    conn.settimeout(5)
    req = b""
    try:
        while b"\r\n\r\n" not in req and len(req) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            req += chunk
        line = req.split(b"\r\n", 1)[0].decode(errors="replace")
        body = ("%s served\n" % line.split(" ")[1] if " " in line else "?\n").encode()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
        rest = conn.recv(4096)          # the client's FIN: b""
        how = "client closed first" if rest == b"" else "client sent more (%d bytes)" % len(rest)
    except OSError as e:
        how = "error %s" % e
    conn.close()
    print("%d %s:%d %r %s" % (n, peer[0], peer[1], line, how), flush=True)
ls.close()
