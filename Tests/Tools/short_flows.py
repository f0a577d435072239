#!/usr/bin/env python3
"""Many short flows at once, and how long each took to answer.

  short_flows.py PORT [N]   opens N connections (default 10,000) to 127.0.0.1:PORT all at once;
                            each sends one HTTP/1.0 request and waits for the first byte of the
                            answer. Prints JSON: flows, failed, p50/p99/max connect-to-first-byte
                            in ms, seconds in all.

Each flow's time runs from its connect to its first byte back, so a router that queues new flows,
or a listen backlog that overflows (SYNs retried after a second), shows in the tail. The backend
is nginx (`make bench-router` serves a 100-byte page): a backend in Python would be what is measured."""
import errno
import json
import select
import socket
import sys
import time

REQUEST = b"GET / HTTP/1.0\r\n\r\n"


def run(port, count):
    """Every connect is issued at once (non-blocking), then one epoll loop drives them all: the
    client must cost far less per flow than what it measures (asyncio's costs seconds here)."""
    poller = select.epoll(count + 1)
    started, sockets, times = {}, {}, []
    failed = 0
    began = time.perf_counter()
    for _ in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        started[sock.fileno()] = time.perf_counter()
        error = sock.connect_ex(("127.0.0.1", port))
        if error not in (0, errno.EINPROGRESS):
            failed += 1
            sock.close()
            continue
        sockets[sock.fileno()] = sock
        poller.register(sock.fileno(), select.EPOLLOUT)
    sent = set()
    deadline = time.monotonic() + 60
    while sockets and time.monotonic() < deadline:
        for fd, event in poller.poll(1):
            sock = sockets[fd]
            if event & (select.EPOLLERR | select.EPOLLHUP) and fd not in sent:
                failed += 1
            elif fd not in sent:
                sock.send(REQUEST)
                sent.add(fd)
                poller.modify(fd, select.EPOLLIN)
                continue
            else:
                try:
                    got = sock.recv(1)
                except OSError:
                    got = b""
                if got == b"H":
                    times.append(time.perf_counter() - started[fd])
                else:
                    failed += 1
            poller.unregister(fd)
            sock.close()
            del sockets[fd]
    failed += len(sockets)
    took = time.perf_counter() - began
    times.sort()
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))] * 1000, 1) if times else None
    print(json.dumps({"flows": count, "failed": failed, "p50_ms": pick(0.50), "p99_ms": pick(0.99),
                      "max_ms": pick(1.0), "seconds": round(took, 2)}))


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10000)
