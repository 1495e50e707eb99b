#!/usr/bin/env python3
"""Interop peer for codecs/tests/jsonrpc_interop.rs: Python json-rpc as a server over
stdin/stdout with LSP-style Content-Length framing (no network). Bounded: exits at EOF or
after MAX_MESSAGES messages."""

import sys

from jsonrpc import Dispatcher, JSONRPCResponseManager

MAX_MESSAGES = 1000

d = Dispatcher()
d["subtract"] = lambda *a, **k: a[0] - a[1] if a else k["minuend"] - k["subtrahend"]
d["sum"] = lambda *a: sum(a)
d["echo"] = lambda *a, **k: list(a) if a else k
d["notify"] = lambda *a: None


def read_message(inp):
    length = None
    while True:
        line = inp.readline()
        if not line:
            return None
        if line == b"\r\n":
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return inp.read(length)


def main():
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    for _ in range(MAX_MESSAGES):
        body = read_message(inp)
        if body is None:
            return
        response = JSONRPCResponseManager.handle(body.decode("utf-8"), d)
        if response is not None:
            data = response.json.encode("utf-8")
            out.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
            out.flush()


main()
