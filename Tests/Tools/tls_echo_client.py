#!/usr/bin/env python3
"""A TLS client that holds one connection open across a change: connects (verifying the server
against CAFILE), has "first" echoed, prints "connected" and the server certificate's names, waits
HOLD seconds, then has "second" echoed on the same connection. Writes a JSON result to OUT.

Usage: tls_echo_client.py PORT CAFILE HOLD OUT"""
import json
import socket
import ssl
import sys
import time

port, cafile, hold, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
context = ssl.create_default_context(cafile=cafile)
result = {"first": False, "second": False}


def echo(sock, text):
    sock.sendall(text.encode())
    received = b""
    deadline = time.time() + 10
    while len(received) < len(text) and time.time() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.decode() == text


try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
            names = [value for _, value in sock.getpeercert().get("subjectAltName", ())]
            result["names"] = names
            result["first"] = echo(sock, "first")
            print("connected", flush=True)
            time.sleep(hold)
            result["second"] = echo(sock, "second")
except Exception as error:  # reported, not raised: the test reads the result
    result["error"] = str(error)
    print("failed", flush=True)
with open(out, "w") as handle:
    json.dump(result, handle)
