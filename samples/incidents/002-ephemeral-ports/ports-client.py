# ports-client.py PORT BURSTS PER_BURST PAUSE: the nginx of 002-ephemeral-
# ports, traced. BURSTS bursts of PER_BURST short HTTP requests, one
# connection each, back to back, to 127.0.0.1:PORT, with PAUSE seconds
# between bursts. Each connection: a new socket with a 5 s timeout (so
# Python connects non-blocking: connect() = EINPROGRESS, poll, SO_ERROR,
# as nginx does), send the request, read the response (headers and
# Content-Length bytes), close -- the client closes first, so each
# connection leaves a TIME_WAIT socket here, on the client side. A failed
# connect() is reported (errno name) and the next request is tried anyway,
# as a proxy would for the next client request. One line per request, then
# a summary; exit 0 if every request got its 200, else 1.
import errno, socket, sys, time
port, bursts, per_burst, pause = (int(sys.argv[1]), int(sys.argv[2]),
                                  int(sys.argv[3]), float(sys.argv[4]))
ok, failed, ports = 0, 0, []
k = 0
for b in range(bursts):
    if b:
        time.sleep(pause)
    for i in range(per_burst):
        k += 1
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError as e:
            failed += 1
            print("%2d connect failed: %s (%s)" % (k, errno.errorcode.get(e.errno, e.errno), e.strerror), flush=True)
            s.close()
            continue
        lport = s.getsockname()[1]
        try:
            s.sendall(b"GET /item/%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (k, port))
            resp = b""
            while b"\r\n\r\n" not in resp and len(resp) < 65536:
                chunk = s.recv(4096)
                if not chunk:
                    break
                resp += chunk
            head, _, body = resp.partition(b"\r\n\r\n")
            clen = 0
            for h in head.split(b"\r\n")[1:]:
                name, _, value = h.partition(b":")
                if name.strip().lower() == b"content-length":
                    clen = int(value)
            while len(body) < clen:
                chunk = s.recv(4096)
                if not chunk:
                    break
                body += chunk
            status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError as e:
            failed += 1
            print("%2d from port %d: error %s" % (k, lport, e), flush=True)
            s.close()
            continue
        s.close()
        ok += 1
        ports.append(lport)
        print("%2d from port %d: %s, %d body bytes" % (k, lport, status, len(body)), flush=True)
print("%d requests: %d ok, %d failed; %d distinct local ports: %s"
      % (k, ok, failed, len(set(ports)), " ".join(map(str, sorted(set(ports))))), flush=True)
sys.exit(0 if failed == 0 else 1)
