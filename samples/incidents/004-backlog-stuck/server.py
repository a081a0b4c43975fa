# server.py PORT PIDFILE: the single-threaded API server of incident 004.
#
# A socketserver.TCPServer (like octavia-api's Python SocketServer, whose
# request_queue_size of 5 was the backlog in the postmortem) with
# request_queue_size = 2: listen(fd, 2). serve_forever() polls the listener
# (poll, 0.5 s), accepts ONE connection, and handles it in the only thread:
# a blocking recv() (no timeout, as in the postmortem) until the request's
# blank line, then a fixed HTTP/1.0 200 JSON answer and close. While it
# waits for one client, nobody accepts: the kernel's accept queue fills
# (backlog 2 -> 3 connections) and later SYNs are dropped.
#
# It writes its pid to PIDFILE and then waits (10 s at most) for SIGUSR1
# before it creates its socket, so that record.sh can attach strace -p
# first (like the postmortem's `strace -p PID`) and the trace still holds
# socket/bind/listen.
import os, signal, socketserver, sys

port, pidfile = int(sys.argv[1]), sys.argv[2]
body = b'{"loadbalancers": [{"id": "lb-1", "provisioning_status": "ACTIVE"}]}\n'
answer = (b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        req = b""
        while b"\r\n\r\n" not in req and len(req) < 65536:
            chunk = self.request.recv(4096)   # blocks: no timeout
            if not chunk:
                break
            req += chunk
        first = req.split(b"\r\n", 1)[0].decode(errors="replace")
        done = b"\r\n\r\n" in req
        print(f"{self.client_address[0]}:{self.client_address[1]} {len(req)} bytes "
              f"{first!r} {'answered' if done else 'incomplete, not answered'}",
              flush=True)
        if done:
            self.request.sendall(answer)


class Server(socketserver.TCPServer):
    request_queue_size = 2      # listen(fd, 2)
    allow_reuse_address = True


signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
with open(pidfile, "w") as f:
    f.write(f"{os.getpid()}\n")
if signal.sigtimedwait([signal.SIGUSR1], 10) is None:
    sys.exit("no SIGUSR1 within 10 s")
with Server(("127.0.0.1", port), Handler) as srv:
    print(f"listening on 127.0.0.1:{port}, backlog {srv.request_queue_size}", flush=True)
    srv.serve_forever()
