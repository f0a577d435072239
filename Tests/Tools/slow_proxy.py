#!/usr/bin/env python3
"""A TCP proxy on loopback that forwards to TARGET_PORT at most RATE bytes per second each way.

  slow_proxy.py TARGET_PORT RATE      prints the port it listens on, then serves until killed

Used to make a clone slow enough to show progress. Every connection ends when either side does."""
import asyncio
import sys


async def pump(reader, writer, rate):
    try:
        while True:
            data = await reader.read(max(1, rate // 10))
            if not data:
                break
            writer.write(data)
            await writer.drain()
            await asyncio.sleep(len(data) / rate)
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(target, rate):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pump(client_reader, server_writer, rate), pump(server_reader, client_writer, rate))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
