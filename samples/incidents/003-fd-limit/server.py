# server.py PORT PIDFILE: a small threaded HTTP-ish TCP server on
# 127.0.0.1:PORT whose requests each need a "DB connection" from a pool of 2.
#
# One thread runs an epoll loop (selectors) over the listener and accepts;
# each accepted connection gets a handler thread that reads the request up
# to the blank line, takes a pool connection (waiting for one up to
# POOL_WAIT = 20 s, then it answers 503), runs its "query" (a sleep of
# DB_LATENCY s), answers 200 and closes. Until then it keeps the client's
# socket open: whatever the client does meanwhile, the fd stays in use.
#
# From the environment (so that the command line, and with it the execve
# lines of the strace, are the same in every run):
#   DB_LATENCY  seconds a query takes: 0.001 when the DB is well; 60 when
#               it hangs (then two handlers sit in their query and the
#               others wait for the pool, each holding its client's fd).
#   ON_EMFILE   what the accept loop does when accept fails with EMFILE:
#     retry:    log it and retry 0.5 s later (Go's net/http backs off up
#               to 1 s, nginx stops accepting for 0.5 s): connections over
#               the limit wait in the listen queue, never answered.
#     reserve:  libuv's (Node.js) trick: close the spare fd kept for this,
#               accept the pending connection, close it at once, reopen
#               the spare: clients over the limit are reset.
#   The spare fd (/dev/null) is opened in both cases, so that the fd
#   numbers are the same in every run: 0-2 stdio, 3 the listener, 4 the
#   spare, 5 epoll, 6 and up the clients.
# The fd limit itself is set from outside (prlimit), as a service manager
# would. The server runs until it is killed (record.sh does, with SIGTERM).
import errno, os, selectors, socket, sys, threading, time

port, pidfile = int(sys.argv[1]), sys.argv[2]
db_latency = float(os.environ.get("DB_LATENCY", "0.001"))
on_emfile = os.environ.get("ON_EMFILE", "retry")
POOL_WAIT = 20.0
body = b'{"item": 42, "name": "widget", "stock": 7}\n'
pool = threading.BoundedSemaphore(2)

def log(msg):
    print(f"{time.strftime('%H:%M:%S', time.gmtime())} {msg}", flush=True)

def handle(conn, peer):
    try:
        conn.settimeout(10)
        req = b""
        while b"\r\n\r\n" not in req and len(req) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            req += chunk
        if not pool.acquire(timeout=POOL_WAIT):
            log(f"{peer[1]}: no DB connection after {POOL_WAIT:.0f} s")
            conn.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            return
        try:
            time.sleep(db_latency)   # the query
        finally:
            pool.release()
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
    except OSError as e:
        log(f"{peer[1]}: {e}")
    finally:
        conn.close()

ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# Accept only once the request is there (nginx's `listen ... deferred`):
# a connection closed at accept then always has unread data, so the
# kernel resets it (RST) at once rather than sending FIN first and RST
# only when the request comes; see the README.
ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 5)
ls.bind(("127.0.0.1", port))
ls.listen(16)
spare = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
sel = selectors.DefaultSelector()
sel.register(ls, selectors.EVENT_READ)
with open(pidfile, "w") as f:
    f.write(f"{os.getpid()}\n")
log(f"listening on 127.0.0.1:{port}")
while True:
    sel.select()
    try:
        conn, peer = ls.accept()
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EINTR, errno.ECONNABORTED):
            continue
        log(f"accept: {e}")
        if on_emfile == "reserve" and e.errno == errno.EMFILE:
            os.close(spare)
            try:
                conn, peer = ls.accept()
                conn.close()
                log(f"{peer[1]}: over the fd limit, closed at once")
            except OSError as e2:
                log(f"accept with the spare fd closed: {e2}")
            finally:
                spare = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
        else:
            time.sleep(0.5)
        continue
    threading.Thread(target=handle, args=(conn, peer), daemon=True).start()
