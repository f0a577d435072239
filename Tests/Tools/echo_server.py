#!/usr/bin/env python3
"""A TCP echo server for router tests: echoes every byte, honours half-close (after the client's
FIN it finishes echoing, then sends its own FIN). Prints its port on stdout, then serves until
killed. Usage: echo_server.py [port]"""
import asyncio
import sys


async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(1 << 20)
            if not data:
                break
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
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096, limit=1 << 20)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
