# one-shot-server.py PORT DELAY [reset]: accept one connection on
# 127.0.0.1:PORT, read the request up to the blank line, then either sleep
# DELAY seconds and answer a fixed HTTP/1.0 200 and close (FIN), or with
# `reset` close at once with SO_LINGER {1, 0} without answering (RST).
# Used by late-backend/ (DELAY 0 vs 2) and reset-after-request/ (good vs reset).
import socket, struct, sys, time
port, delay = int(sys.argv[1]), float(sys.argv[2])
reset = len(sys.argv) > 3 and sys.argv[3] == "reset"
body = b'{"item": 42, "name": "widget", "stock": 7}\n'
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(1)
ls.settimeout(30)
conn, peer = ls.accept()
conn.settimeout(10)
req = b""
while b"\r\n\r\n" not in req and len(req) < 65536:
    chunk = conn.recv(4096)
    if not chunk:
        break
    req += chunk
what = "resetting" if reset else f"answering after {delay} s"
print(f"{len(req)} request bytes from {peer[0]}:{peer[1]}, {what}", flush=True)
if reset:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
else:
    time.sleep(delay)
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
conn.close()
ls.close()
