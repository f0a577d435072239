#!/usr/bin/env python3
"""Drives flows through a Skiff listener and reports what happened as one JSON object.

  flow_client.py bulk PORT MIB          send MIB MiB while reading the echo; compare SHA-256 both ways
  flow_client.py many PORT COUNT BYTES  COUNT concurrent flows, each echoing BYTES bytes
  flow_client.py halfclose PORT         send, shut down writing, still read the whole reply
  flow_client.py closed PORT            connect and time how long until the connection is closed
  flow_client.py slow PORT MIB          flow A stops reading; flow B moves MIB MiB meanwhile
  flow_client.py load PORT SECONDS CONC [TIMEOUT]  CONC clients each open flow after flow (100 bytes,
                                        echoed, given up after TIMEOUT s, default 5) for SECONDS;
                                        counts answered and failed requests, with p50/p99 latency
  flow_client.py hold PORT SECONDS INTERVAL  one flow kept open for SECONDS, a byte echoed every
                                        INTERVAL s; prints "connected" first, then when (if) it broke
  flow_client.py stall PORT FLOWS SECONDS  FLOWS flows send without reading their echo, while one
                                        client makes request after request for SECONDS
  flow_client.py abandon PORT COUNT     COUNT flows that send a byte and reset at once
  flow_client.py burstidle PORT FLOWS MIB SECONDS  FLOWS flows each echo MIB MiB (ten at a time),
                                        then all stay open and idle: prints "idle" (or why not),
                                        then holds them for SECONDS (or until terminated)
  flow_client.py stalled PORT FLOWS SECONDS REQPORT [SETTLE]  FLOWS flows send a byte to PORT and
                                        never read what comes back; after SETTLE s (default 0) one
                                        client makes request after request to REQPORT for SECONDS

Every wait is bounded (60 s); exit status 0 unless the arguments are wrong. The listener is at
127.0.0.1, or at $FLOW_HOST (::1 for IPv6)."""
import asyncio
import hashlib
import json
import os
import sys
import time

TIMEOUT = 60
HOST = os.environ.get("FLOW_HOST", "127.0.0.1")


async def bulk(port, mib, chunk=1 << 20):
    reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 22)
    total = mib << 20
    sent_hash, received_hash = hashlib.sha256(), hashlib.sha256()
    block = os.urandom(chunk)
    start = time.monotonic()

    async def send():
        remaining = total
        counter = 0
        while remaining > 0:
            piece = (counter.to_bytes(8, "big") + block)[: min(chunk, remaining)]
            counter += 1
            sent_hash.update(piece)
            writer.write(piece)
            await writer.drain()
            remaining -= len(piece)
        writer.write_eof()

    async def receive():
        count = 0
        while True:
            data = await reader.read(1 << 20)
            if not data:
                return count
            received_hash.update(data)
            count += len(data)

    _, received = await asyncio.wait_for(asyncio.gather(send(), receive()), TIMEOUT)
    seconds = time.monotonic() - start
    writer.close()
    return {"sent": total, "received": received, "intact": sent_hash.digest() == received_hash.digest(),
            "seconds": seconds, "mib_per_second": (2 * total / (1 << 20)) / seconds}


async def one_flow(port, size):
    reader, writer = await asyncio.open_connection(HOST, port)
    payload = os.urandom(size)
    writer.write(payload)
    await writer.drain()
    writer.write_eof()
    echoed = await reader.read(-1)
    writer.close()
    return echoed == payload


async def many(port, count, size):
    start = time.monotonic()
    results = await asyncio.wait_for(
        asyncio.gather(*(one_flow(port, size) for _ in range(count)), return_exceptions=True), TIMEOUT)
    ok = sum(1 for result in results if result is True)
    errors = sorted({repr(result) for result in results if result is not True})[:5]
    return {"flows": count, "completed": ok, "errors": errors, "seconds": time.monotonic() - start}


async def halfclose(port):
    reader, writer = await asyncio.open_connection(HOST, port)
    message = b"request body, then FIN\n" * 1000
    writer.write(message)
    writer.write_eof()
    reply = await asyncio.wait_for(reader.read(-1), TIMEOUT)
    writer.close()
    return {"sent": len(message), "received": len(reply), "intact": reply == message}


async def closed(port):
    start = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except ConnectionResetError as error:
        # A router that resets the flow at once may do it before this loop has seen the connect
        # complete: asyncio then reports the reset as a failed connect. (A refused connect — no
        # listener — is still an error.)
        return {"seconds": time.monotonic() - start, "received": len(repr(error))}
    writer.write(b"anyone there?\n")
    try:
        data = await asyncio.wait_for(reader.read(-1), TIMEOUT)
    except ConnectionError as error:
        data = repr(error).encode()
    return {"seconds": time.monotonic() - start, "received": len(data)}


async def slow(port, mib):
    # Flow A: sends a lot and never reads its echo, so the echo backs up through the routers.
    _, stalled_writer = await asyncio.open_connection(HOST, port)
    junk = os.urandom(1 << 20)
    pushed = 0
    try:
        # Up to 256 MiB: the path's kernel socket buffers alone (autotuned on loopback) hold
        # 30-60 MiB before the routers' windows count; without flow control all 256 would go.
        for _ in range(256):
            stalled_writer.write(junk)
            await asyncio.wait_for(stalled_writer.drain(), 2)
            pushed += len(junk)
    except asyncio.TimeoutError:
        pass
    # Flow B: a bulk transfer on the same link while A is stuck.
    result = await bulk(port, mib)
    result["stalled_flow_pushed_mib"] = pushed / (1 << 20)
    stalled_writer.transport.abort()
    return result


async def request(port, timeout=5):
    """One short request/response flow; True when the whole echo came back in time."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
        payload = os.urandom(100)
        writer.write(payload)
        await writer.drain()
        echoed = await asyncio.wait_for(reader.readexactly(len(payload)), timeout)
        writer.close()
        return echoed == payload
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        return False


async def load(port, seconds, concurrency, timeout=5):
    deadline = time.monotonic() + seconds
    counts = {"answered": 0, "failed": 0}
    latencies = []

    async def client():
        while time.monotonic() < deadline:
            start = time.monotonic()
            if await request(port, timeout):
                counts["answered"] += 1
                latencies.append(time.monotonic() - start)
            else:
                counts["failed"] += 1
                await asyncio.sleep(0.05)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    latencies.sort()
    if latencies:
        counts["p50_seconds"] = latencies[len(latencies) // 2]
        counts["p99_seconds"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return counts


async def hold(port, seconds, interval):
    """One flow held open, a byte echoed every `interval`: whether and when it broke (a reset, a
    close, or no echo within 60 s), counted from the moment it connected."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), TIMEOUT)
    start = time.monotonic()
    print("connected", flush=True)
    echoes = 0
    try:
        while time.monotonic() - start < seconds:
            writer.write(b"x")
            await writer.drain()
            data = await asyncio.wait_for(reader.read(1), TIMEOUT)
            if not data:
                return {"echoes": echoes, "broken_after": time.monotonic() - start, "how": "closed"}
            echoes += 1
            await asyncio.sleep(interval)
    except (OSError, asyncio.TimeoutError) as error:
        return {"echoes": echoes, "broken_after": time.monotonic() - start, "how": type(error).__name__}
    writer.close()
    return {"echoes": echoes, "broken_after": None}


async def stall(port, flows, seconds):
    writers = []
    junk = os.urandom(1 << 20)

    async def stalled():
        _, writer = await asyncio.open_connection(HOST, port)
        writers.append(writer)
        try:
            for _ in range(1 << 10):
                writer.write(junk)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass

    pushers = [asyncio.ensure_future(stalled()) for _ in range(flows)]
    await asyncio.sleep(1)
    latencies, failed = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.monotonic()
        if await request(port):
            latencies.append(time.monotonic() - start)
        else:
            failed += 1
        await asyncio.sleep(0.05)
    for pusher in pushers:
        pusher.cancel()
    for writer in writers:
        writer.transport.abort()
    latencies.sort()
    return {"answered": len(latencies), "failed": failed,
            "p99_seconds": latencies[int(len(latencies) * 0.99)] if latencies else None}


async def stalled(port, flows, seconds, request_port, settle=0):
    import socket
    held = []
    for _ in range(flows):
        # A reader that really stops: a small receive buffer, so the kernel does not absorb
        # megabytes on its behalf before the routers see it stall.
        sock = socket.socket(socket.AF_INET6 if ":" in HOST else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 10)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (HOST, port))
        _, writer = await asyncio.open_connection(sock=sock)
        writer.write(b"go")
        held.append(writer)
    await asyncio.sleep(settle)
    latencies, failed, timeline = [], 0, []
    began = time.monotonic()
    deadline = began + seconds
    while time.monotonic() < deadline:
        start = time.monotonic()
        ok = await request(request_port)
        timeline.append((round(start - began, 2), round(time.monotonic() - start, 3), ok))
        if ok:
            latencies.append(time.monotonic() - start)
        else:
            failed += 1
        await asyncio.sleep(0.05)
    for writer in held:
        writer.transport.abort()
    latencies.sort()
    return {"stalled": flows, "answered": len(latencies), "failed": failed, "timeline": timeline[:40],
            "p99_seconds": latencies[int(len(latencies) * 0.99)] if latencies else None}


async def abandon(port, count):
    import socket
    import struct
    done = 0
    for _ in range(count):
        _, writer = await asyncio.open_connection(HOST, port)
        writer.write(b"x")
        await writer.drain()
        await asyncio.sleep(0.01)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        done += 1
    return {"abandoned": done}


async def burstidle(port, flows, mib, seconds):
    """Flows that moved bulk data, then held open doing nothing (what they keep is measured)."""
    block = os.urandom(1 << 20)
    conns = [await asyncio.wait_for(asyncio.open_connection(HOST, port, limit=1 << 22), TIMEOUT) for _ in range(flows)]

    async def echo(reader, writer):
        async def send():
            for _ in range(mib):
                writer.write(block)
                await writer.drain()
        sender = asyncio.ensure_future(send())
        got = 0
        while got < mib << 20:
            data = await reader.read(1 << 20)
            if not data:
                raise OSError("closed after %d bytes" % got)
            got += len(data)
        await sender

    try:
        for i in range(0, flows, 10):
            await asyncio.wait_for(asyncio.gather(*(echo(r, w) for r, w in conns[i:i + 10])), TIMEOUT)
    except (OSError, asyncio.TimeoutError) as error:
        print("failed: %s" % (error or type(error).__name__), flush=True)
        return {"idle": False}
    print("idle", flush=True)
    await asyncio.sleep(seconds)
    for _, writer in conns:
        writer.close()
    return {"idle": True}


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "bulk":
        result = asyncio.run(bulk(port, int(sys.argv[3])))
    elif mode == "many":
        result = asyncio.run(many(port, int(sys.argv[3]), int(sys.argv[4])))
    elif mode == "halfclose":
        result = asyncio.run(halfclose(port))
    elif mode == "closed":
        result = asyncio.run(closed(port))
    elif mode == "slow":
        result = asyncio.run(slow(port, int(sys.argv[3])))
    elif mode == "load":
        result = asyncio.run(load(port, float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]) if len(sys.argv) > 5 else 5))
    elif mode == "stall":
        result = asyncio.run(stall(port, int(sys.argv[3]), float(sys.argv[4])))
    elif mode == "stalled":
        result = asyncio.run(stalled(port, int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]),
                                     float(sys.argv[6]) if len(sys.argv) > 6 else 0))
    elif mode == "hold":
        result = asyncio.run(hold(port, float(sys.argv[3]), float(sys.argv[4])))
    elif mode == "abandon":
        result = asyncio.run(abandon(port, int(sys.argv[3])))
    elif mode == "burstidle":
        result = asyncio.run(burstidle(port, int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])))
    else:
        sys.exit("unknown mode " + mode)
    print(json.dumps(result))


main()
