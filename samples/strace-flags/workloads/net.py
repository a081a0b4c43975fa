#!/usr/bin/python3
"""net.py - socket workload for strace samples.

Meant to run inside a private network namespace (record.sh uses
`unshare -n` and brings `lo` up), but it only ever talks to loopback
addresses (127.0.0.1 and ::1), ports 18080-18099, so it is also safe on the
host. Everything is bounded: every blocking call has a timeout.

Forms it makes strace print:
  TCP over IPv4 and IPv6 loopback (connect/accept/send/recv/shutdown)
  connect() = -1 EINPROGRESS on a non-blocking socket, then SO_ERROR
  connect() = -1 ECONNREFUSED to a closed loopback port
  UDP send to a closed port -> recv() = -1 ECONNREFUSED
  UDP over IPv6 with sendto/recvfrom
  UNIX stream socketpair, SOCK_DGRAM / SOCK_SEQPACKET socketpairs
  a named UNIX socket (path with a space) and an abstract one ("\\0...")
  sendmsg/recvmsg with SCM_RIGHTS (fd passing)
  a NETLINK_ROUTE socket with an RTM_GETLINK dump request
  EPIPE + SIGPIPE on a closed socketpair
"""
import os
import select
import socket
import struct
import sys

WORK = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tracediff-work"
os.makedirs(WORK, exist_ok=True)
TIMEOUT = 2.0


def tcp_roundtrip(family, host, port):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(4)
    cli = socket.socket(family, socket.SOCK_STREAM)
    cli.settimeout(TIMEOUT)  # makes the socket non-blocking: EINPROGRESS + poll
    cli.connect((host, port))
    srv.settimeout(TIMEOUT)
    conn, _peer = srv.accept()
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cli.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
    conn.settimeout(TIMEOUT)
    conn.recv(1024)
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
    cli.recv(1024)
    cli.getsockname()
    cli.getpeername()
    cli.shutdown(socket.SHUT_WR)
    conn.recv(1024)  # returns b"" (EOF)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
    cli.close()
    srv.close()


# 1. TCP over IPv4 and IPv6 loopback
tcp_roundtrip(socket.AF_INET, "127.0.0.1", 18080)
tcp_roundtrip(socket.AF_INET6, "::1", 18081)

# 2. connect to a closed port: blocking -> ECONNREFUSED,
#    non-blocking -> EINPROGRESS then SO_ERROR = ECONNREFUSED
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.connect(("127.0.0.1", 18089))
except OSError:
    pass
s.close()
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setblocking(False)
try:
    s.connect(("::1", 18089))
except OSError:
    pass
select.select([], [s], [], TIMEOUT)
s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
s.close()

# 3. UDP: to a closed port (ICMP port unreachable -> ECONNREFUSED on recv)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect(("127.0.0.1", 18090))
u.send(b"ping")
u.settimeout(TIMEOUT)
try:
    u.recv(100)
except OSError:
    pass
u.close()
#    and a working UDP/IPv6 exchange with sendto/recvfrom
a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
a.bind(("::1", 18091))
b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
b.sendto(b"hello over udp6", ("::1", 18091))
a.settimeout(TIMEOUT)
data, addr = a.recvfrom(100)
a.sendto(b"reply", addr)
b.settimeout(TIMEOUT)
b.recvfrom(100)
a.close()
b.close()

# 4. UNIX socketpairs
x, y = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
x.sendall(b"over a unix stream socketpair")
y.recv(100)
#    pass an fd with SCM_RIGHTS
fd = os.open("/dev/null", os.O_RDONLY)
x.sendmsg([b"fd"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", fd))])
msg, anc, flags, _ = y.recvmsg(16, socket.CMSG_SPACE(4))
for _lvl, _typ, payload in anc:
    os.close(struct.unpack("i", payload[:4])[0])
os.close(fd)
x.close()
y.close()
for kind in (socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
    x, y = socket.socketpair(socket.AF_UNIX, kind)
    x.send(b"datagram")
    y.recv(100)
    x.close()
    y.close()

# 5. a named UNIX socket (path with a space) and an abstract one
path = os.path.join(WORK, "tracediff sock")
for addr in (path, "\0tracediff-abstract"):
    if isinstance(addr, str) and addr.startswith("/"):
        try:
            os.unlink(addr)
        except FileNotFoundError:
            pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(addr)
    srv.listen(1)
    cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cli.connect(addr)
    conn, _ = srv.accept()
    cli.send(b"hello unix")
    conn.recv(100)
    conn.getsockname()
    cli.getpeername()
    conn.close()
    cli.close()
    srv.close()
os.unlink(path)

# 6. NETLINK_ROUTE: dump the links (only "lo" inside a fresh namespace)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
nl.bind((0, 0))
RTM_GETLINK, NLM_F_REQUEST, NLM_F_DUMP = 18, 1, 0x300
req = struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
req += struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
nl.send(req)
nl.settimeout(TIMEOUT)
for _ in range(4):  # bounded: at most four replies
    reply = nl.recv(65536)
    if len(reply) >= 6 and struct.unpack("=H", reply[4:6])[0] == 3:  # NLMSG_DONE
        break
nl.close()

# 7. EPIPE (and a SIGPIPE that python ignores): write to a closed peer
x, y = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
y.close()
try:
    x.send(b"nobody listens")
except OSError:
    pass
x.close()
r, w = os.pipe()
os.close(r)
try:
    os.write(w, b"nobody reads")
except OSError:
    pass
os.close(w)
