#!/usr/bin/env python3
"""Thundering herd: N clients connect first, then all send one GET for the same URL at once.

Prints one JSON line: {"clients": N, "statuses": {"200": n, ...}, "errors": n, "seconds": s}.
Usage: herd.py HOST PORT PATH [CLIENTS] [TIMEOUT_SECONDS]
"""
import json
import socket
import sys
import threading
import time


def main() -> int:
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    clients = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
               "User-Agent: candela-bench-herd\r\nConnection: close\r\n\r\n").encode()

    # Connecting before the barrier means the requests, not the handshakes, arrive together.
    sockets = []
    errors = 0
    for _ in range(clients):
        try:
            sockets.append(socket.create_connection((host, port), timeout=timeout))
        except OSError:
            errors += 1
    barrier = threading.Barrier(len(sockets) + 1)
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def client(sock: socket.socket) -> None:
        nonlocal errors
        try:
            barrier.wait()
            sock.sendall(request)
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none"
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        except (OSError, IndexError, threading.BrokenBarrierError):
            with lock:
                errors += 1
        finally:
            sock.close()

    threads = [threading.Thread(target=client, args=(s,)) for s in sockets]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.monotonic()
    for t in threads:
        t.join()
    print(json.dumps({"clients": clients, "statuses": statuses, "errors": errors,
                      "seconds": round(time.monotonic() - started, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
