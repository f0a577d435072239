#!/usr/bin/env python3
"""A TCP relay that delays every byte by DELAY_MS in each direction: the latency of a long link,
for a kernel without netem. Bytes keep their order; a half-close is passed on after the bytes
before it; at most 8 MiB wait in each direction (beyond that the relay stops reading, so TCP's
flow control still holds end to end). Prints "ready" once listening, then serves until killed.

Usage: delay_relay.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS"""
import asyncio
import sys
import time

LIMIT = 8 << 20
listen_host, listen_port, target_host, target_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
delay = float(sys.argv[5]) / 1000


async def pump(reader, writer):
    queue = asyncio.Queue()
    waiting = {"bytes": 0}
    room = asyncio.Event()
    room.set()

    async def take():
        while True:
            await room.wait()
            data = await reader.read(1 << 16)
            await queue.put((time.monotonic() + delay, data))
            if not data:
                return
            waiting["bytes"] += len(data)
            if waiting["bytes"] > LIMIT:
                room.clear()

    async def give():
        while True:
            due, data = await queue.get()
            pause = due - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()
            waiting["bytes"] -= len(data)
            if waiting["bytes"] <= LIMIT:
                room.set()

    await asyncio.gather(take(), give())


async def relay(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
    except OSError:
        client_writer.close()
        return
    try:
        await asyncio.gather(pump(client_reader, server_writer), pump(server_reader, client_writer))
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        for writer in (client_writer, server_writer):
            writer.close()


async def main():
    server = await asyncio.start_server(relay, listen_host, listen_port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
