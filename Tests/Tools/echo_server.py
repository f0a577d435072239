#!/usr/bin/env python3
"""A TCP echo server for router tests: echoes every byte, honours half-close (after the client's
FIN it finishes echoing, then sends its own FIN). Prints its port on stdout, then serves until
killed.

Usage: echo_server.py [port] [--host ADDRESS] [--delay SECONDS] [--accept-after SECONDS]
  --host A          the address to bind (default 127.0.0.1; ::1 for IPv6)
  --delay S         wait S seconds before echoing each read (a slow backend)
  --accept-after S  listen with a backlog of 1 and accept nothing for S seconds, so further
                    connects hang in SYN-SENT (the kernel drops SYNs while the queue is full)
  --stream          not an echo: after the first bytes, send 64 KiB blocks without end
  --blackhole       accept nothing, ever, with the accept queue filled by this server itself:
                    every connect to it hangs in SYN-SENT until the connector's timeout"""
import argparse
import asyncio
import socket

parser = argparse.ArgumentParser()
parser.add_argument("port", nargs="?", type=int, default=0)
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--delay", type=float, default=0)
parser.add_argument("--accept-after", type=float, default=0)
parser.add_argument("--stream", action="store_true")
parser.add_argument("--blackhole", action="store_true")
options = parser.parse_args()


async def stream(reader, writer):
    block = b"s" * (64 << 10)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 << 10)
    try:
        await reader.read(1 << 16)
        while True:
            writer.write(block)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def handle(reader, writer):
    if options.stream:
        return await stream(reader, writer)
    try:
        while True:
            data = await reader.read(1 << 20)
            if not data:
                break
            if options.delay:
                await asyncio.sleep(options.delay)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    if options.blackhole:
        sock = socket.socket(socket.AF_INET6 if ":" in options.host else socket.AF_INET)
        sock.bind((options.host, options.port))
        sock.listen(0)
        # Past a full accept queue Linux drops SYNs: fill it ourselves, until a connect hangs.
        held = []
        for _ in range(4):
            try:
                held.append(socket.create_connection(sock.getsockname(), timeout=0.3))
            except OSError:
                break
        print(sock.getsockname()[1], flush=True)
        await asyncio.Event().wait()
        return held
    if options.accept_after:
        sock = socket.socket(socket.AF_INET6 if ":" in options.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((options.host, options.port))
        sock.listen(1)
        print(sock.getsockname()[1], flush=True)
        await asyncio.sleep(options.accept_after)
        server = await asyncio.start_server(handle, sock=sock, limit=1 << 20)
    else:
        server = await asyncio.start_server(handle, options.host, options.port, backlog=4096, limit=1 << 20)
        print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
