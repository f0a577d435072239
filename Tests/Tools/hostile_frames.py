#!/usr/bin/env python3
"""Writes to stdout the bytes a hostile peer sends on a link after TLS: a valid HELLO naming SITE,
then the frames of CASE (docs/protocol.md). Piped into `openssl s_client` holding valid
credentials, so the router under test sees a peer it has every reason to trust.

Usage: hostile_frames.py SITE CASE
  hello          nothing more (a peer that only says who it is)
  garbage        bytes that are no frame header (version 7)
  unknown-type   a frame of type 42
  overrun        OPEN stream 1 for key west-echo, then one byte more DATA than the initial window (64 KiB)
  huge-advert    a LINK_STATE with 1,025 neighbours
  bad-advert     a LINK_STATE whose payload is not JSON
  max-sequence   a LINK_STATE with sequence 2^64-1
  window-flood   OPEN stream 1, then WINDOW_UPDATEs that take its window past 2^31-1"""
import json
import struct
import sys


def frame(kind, flags, stream, payload=b"", length=None):
    size = len(payload) if length is None else length
    return struct.pack(">BBHII", 0, kind, flags, stream, size) + payload


def advert(origin, sequence, neighbours):
    body = {"origin": origin, "sequence": sequence, "neighbours": neighbours, "keys": []}
    return frame(7, 0, 0, json.dumps(body).encode())


def main():
    site, case = sys.argv[1], sys.argv[2]
    hello = {"site": site, "protocolVersion": 0, "edge": False, "cost": 1, "window": 65536, "maxFrame": 1048576}
    out = frame(5, 0, 0, json.dumps(hello).encode()) + frame(6, 0, 0, b'{"keys":[]}')
    if case == "hello":
        pass
    elif case == "garbage":
        out += bytes([7]) + b"\x00" * 11
    elif case == "unknown-type":
        out += frame(42, 0, 0)
    elif case == "overrun":
        out += frame(4, 0, 1, b"west-echo") + frame(0, 0, 1, b"x" * 65537)
    elif case == "huge-advert":
        out += advert("mallory", 1, [{"site": "n%d" % i, "cost": 1} for i in range(1025)])
    elif case == "bad-advert":
        out += frame(7, 0, 0, b"this is not json")
    elif case == "max-sequence":
        out += advert("mallory", 2 ** 64 - 1, [])
    elif case == "window-flood":
        out += frame(4, 0, 1, b"backend") + frame(1, 0, 1, length=2 ** 31 - 1)
    else:
        sys.exit("unknown case " + case)
    sys.stdout.buffer.write(out)


main()
