#!/usr/bin/env python3
"""Writes the hand-made seed inputs of each fuzz target into Tests/Fuzz/Corpus/<target>/.

Seeds give libFuzzer well-formed starting points (a link that comes up and carries a stream, a
site folder that validates, a request the grant server parses, a token that would dial) so it
spends its executions past the first check. `make fuzz` merges what it finds into the same folders.
Run it again only to add seeds; it overwrites files named seed-*.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fuzz", "Corpus")

DATA, WINDOW, PING, GOAWAY, OPEN, HELLO, ADVERT, LINKSTATE = range(8)
ACK, FIN, RST = 0x2, 0x4, 0x8


def frame(kind, stream=0, flags=0, length=None, payload=b""):
    """One frame: version 0, type, 16-bit flags, 32-bit stream, 32-bit length, payload."""
    return struct.pack(">BBHII", 0, kind, flags, stream, len(payload) if length is None else length) + payload


def js(value):
    return json.dumps(value, separators=(",", ":")).encode()


HELLO_EAST = frame(HELLO, payload=js({"site": "east", "protocolVersion": 0, "window": 65536, "maxFrame": 65536}))


def link_session():
    # The harness runs with a 16 KiB window and frame. The first byte is its mode: 1 = HELLO sent for the peer, 2 = accept streams, 4 = let keepalive expire.
    return {
        "hello-and-advert": b"\x00" + HELLO_EAST + frame(ADVERT, payload=js({"keys": ["db", "web"]})),
        "stream-lifecycle": b"\x03" + frame(OPEN, stream=1, payload=b"backend") + frame(DATA, stream=1, payload=b"GET / HTTP/1.0\r\n\r\n")
        + frame(WINDOW, stream=1, length=4096) + frame(DATA, stream=1, flags=FIN) + frame(OPEN, stream=3, payload=b"backend")
        + frame(DATA, stream=3, flags=RST),
        "open-with-destination": b"\x03" + frame(OPEN, stream=5, payload=b"backend\x00hub\x00\x03") + frame(DATA, stream=5, payload=b"x" * 300),
        "refused-open": b"\x01" + frame(OPEN, stream=1, payload=b"backend") + frame(DATA, stream=1, payload=b"late"),
        "ping-pong": b"\x01" + frame(PING, length=7) + frame(PING, flags=ACK, length=0),
        "link-state": b"\x01" + frame(LINKSTATE, payload=js({"origin": "hub", "sequence": 1700000000000,
                                                           "neighbours": [{"site": "east", "cost": 1}], "keys": ["db"]})),
        "link-state-batch": b"\x01" + frame(LINKSTATE, payload=js([{"origin": "hub", "sequence": 1700000000000,
                                                                  "neighbours": [{"site": "east", "cost": 1}], "keys": ["db"]},
                                                                 {"origin": "west", "sequence": 9, "neighbours": [], "keys": []}])),
        "keepalive-expiry": b"\x05",
        "go-away": b"\x01" + frame(GOAWAY, length=1),
        "window-overrun": b"\x03" + frame(OPEN, stream=1, payload=b"backend") + frame(DATA, stream=1, payload=b"y" * 10000) * 2,
        "before-hello": b"\x00" + frame(OPEN, stream=1, payload=b"backend"),
    }


def network_file():
    # The harness reads one file as west/fuzz.yaml: each example resource follows west's Site, so it validates.
    examples = os.path.join(ROOT, "..", "..", "..", "Examples")
    site = open(os.path.join(examples, "hello-world", "west", "site.yaml"), "rb").read()
    seeds = {"site": site}
    for dirpath, _, names in os.walk(examples):
        for name in sorted(names):
            if name.endswith(".yaml") and name != "site.yaml":
                path = os.path.join(dirpath, name)
                seeds[os.path.relpath(path, examples).replace("/", "-")[:-5]] = site + b"---\n" + open(path, "rb").read()
    seeds["other-site"] = open(os.path.join(examples, "ha", "hub", "site.yaml"), "rb").read()
    seeds["not-yaml"] = b"kind: [unclosed\n  - {a: *nope}\n"
    return seeds


def grant_request():
    body = js({"code": "abcdefghijklmnop", "site": "east", "link": "east-to-west"})
    post = b"POST /grants/east-link HTTP/1.1\r\nHost: west:8443\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    return {
        "redeem": post + body,
        "chunked": b"POST /grants/east-link HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(body), body),
        "get": b"GET /grants/east-link HTTP/1.1\r\nHost: w\r\n\r\n",
        "too-large": b"POST /grants/x HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
        "bad-json": b"POST /grants/x HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"a\":",
        "unknown-path": b"POST /other HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
    }


def token_file():
    with tempfile.TemporaryDirectory() as folder:
        key, cert = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "3650", "-subj", "/CN=west-ca"], check=True, capture_output=True)
        pem = open(cert).read()
    ca = "".join("    " + line + "\n" for line in pem.strip().splitlines())
    token = ("apiVersion: skupper.io/v2alpha1\nkind: AccessToken\nmetadata:\n  name: east-to-west\nspec:\n"
             "  url: https://127.0.0.1:8443/grants/east-link\n  code: abcdefghijklmnop\n  linkCost: 2\n  ca: |\n" + ca)
    return {
        "token": token.encode(),
        "ipv6-url": token.replace("127.0.0.1", "[::1]").encode(),
        "not-a-pem": token.split("  ca: |")[0].encode() + b"  ca: not a certificate\n",
    }


def main():
    targets = {"link-session": link_session, "network-file": network_file, "grant-request": grant_request, "token-file": token_file}
    for name in sys.argv[1:] or targets:
        folder = os.path.join(ROOT, name)
        os.makedirs(folder, exist_ok=True)
        for seed, data in targets[name]().items():
            with open(os.path.join(folder, "seed-" + seed), "wb") as out:
                out.write(data)


if __name__ == "__main__":
    main()
