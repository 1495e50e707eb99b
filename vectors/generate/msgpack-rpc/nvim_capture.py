"""Neovim -> vectors/msgpack-rpc/neovim-capture.json: messages written by a real Neovim.

Starts `nvim --clean --embed --headless`, sends requests packed by msgpack-python, and records
the exact bytes of every message Neovim writes back (responses, an error, a notification).
The expected canonical form is computed from msgpack-python's reading of those bytes. Handles
(Buffer/Window/Tabpage exts) read as plain exts under the strict and lenient profiles and as
typed handles under the neovim profile, so those messages get one case per reading.
"""

import json
import os
import subprocess
import time

import msgpack

from pyform import form

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("MSGWIRE_VECTORS_OUT") or os.path.join(HERE, "..", "..", "msgpack-rpc")
GENERATOR = "vectors/generate/msgpack-rpc/nvim_capture.py"
HANDLES = {0: "buffer", 1: "window", 2: "tabpage"}  # checked against nvim_get_api_info below


def nvim_form(v):
    """The neovim profile's form: minimal handle exts become typed handles."""
    if isinstance(v, msgpack.ExtType) and v.code in HANDLES:
        n = msgpack.unpackb(v.data)
        if isinstance(n, int) and msgpack.packb(n) == v.data:
            return {HANDLES[v.code]: n}
    if isinstance(v, (list, tuple)) and not isinstance(v, msgpack.ExtType):
        return {"array": [nvim_form(x) for x in v]}
    if isinstance(v, dict):
        return {"map": [[nvim_form(k), nvim_form(x)] for k, x in v.items()]}
    return form(v)


def has_handle(v):
    if isinstance(v, msgpack.ExtType):
        return v.code in HANDLES
    if isinstance(v, (list, tuple)):
        return any(has_handle(x) for x in v)
    if isinstance(v, dict):
        return any(has_handle(k) or has_handle(x) for k, x in v.items())
    return False


def msg_form(m, f):
    if m[0] == 1:
        return {"kind": "response", "msgid": m[1], "error": f(m[2]), "result": f(m[3])}
    return {"kind": "notification", "method": m[1], "params": [f(x) for x in m[2]]}


class Nvim:
    def __init__(self):
        self.p = subprocess.Popen(["nvim", "--clean", "--embed", "--headless"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buf = b""
        self.next = 1
        self.other = []  # messages other than the awaited response, in arrival order

    def read_message(self):
        """One message's raw bytes (bounded: 20 s)."""
        deadline = time.time() + 20
        while True:
            u = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=1 << 26)
            u.feed(self.buf)
            try:
                msg = u.unpack()
                used = u.tell()
                raw, self.buf = self.buf[:used], self.buf[used:]
                return raw, msg
            except msgpack.OutOfData:
                pass
            if time.time() > deadline:
                raise TimeoutError("nvim did not answer")
            chunk = os.read(self.p.stdout.fileno(), 1 << 16)
            if not chunk:
                raise EOFError("nvim exited")
            self.buf += chunk

    def request(self, method, params):
        msgid = self.next
        self.next += 1
        self.p.stdin.write(msgpack.packb([0, msgid, method, params]))
        self.p.stdin.flush()
        for _ in range(100):
            raw, msg = self.read_message()
            if msg[0] == 1 and msg[1] == msgid:
                return raw, msg
            self.other.append((raw, msg))
        raise RuntimeError("no response")

    def close(self):
        self.p.kill()
        self.p.wait()


def version():
    out = subprocess.run(["nvim", "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0].split()[-1].lstrip("v")


cases = []
MESSAGES = ["strict", "lenient", "neovim"]
SPEC = {1: "msgpack-rpc spec: Response Message; Neovim api (:help api-types)",
        2: "msgpack-rpc spec: Notification Message; Neovim api (:help rpcnotify)"}


def record(name, raw, msg, description):
    base = {"description": description, "spec": SPEC[msg[0]], "input": {"hex": raw.hex()}}
    if has_handle(msg):
        cases.append({"id": f"msgpack-rpc/neovim-capture/{name}", **base,
                      "verdict": {"strict": "y", "lenient": "y"}, "expect": [msg_form(msg, form)]})
        cases.append({"id": f"msgpack-rpc/neovim-capture/{name}-handles", **base,
                      "verdict": {"neovim": "y"}, "expect": [msg_form(msg, nvim_form)]})
    else:
        cases.append({"id": f"msgpack-rpc/neovim-capture/{name}", **base,
                      "verdict": {p: "y" for p in MESSAGES}, "expect": [msg_form(msg, form)]})


nvim = Nvim()
try:
    _, info = nvim.request("nvim_get_api_info", [])
    types = info[3][1]["types"]
    assert {v["id"]: k.lower() for k, v in types.items()} == HANDLES, types
    channel = info[3][0]

    raw, msg = nvim.request("nvim_get_current_buf", [])
    record("current-buf", raw, msg, "the current buffer: a Buffer handle")
    raw, msg = nvim.request("nvim_list_wins", [])
    record("list-wins", raw, msg, "the window list: Window handle 1000 (a uint 16 inside the ext)")
    raw, msg = nvim.request("nvim_get_current_tabpage", [])
    record("current-tabpage", raw, msg, "the current tabpage: a Tabpage handle")
    nvim.request("nvim_buf_set_lines", [0, 0, -1, False, ["héllo wörld", "日本語 ✓", "🎉", ""]])
    raw, msg = nvim.request("nvim_buf_get_lines", [0, 0, -1, False])
    record("buf-get-lines", raw, msg, "non-ASCII lines read back")
    raw, msg = nvim.request("nvim_eval", [
        "[1, -2, 4294967296, -9007199254740993, v:numbermax, v:numbermin, 1.5, -0.25, 1.0e300, [[], {'k': [-1]}], v:true, v:null]"])
    record("eval-nested", raw, msg, "a nested list with large and negative integers and floats")
    raw, msg = nvim.request("no_such_method", [])
    record("error-unknown-method", raw, msg, "an unknown method: an error [type, message]")
    raw, msg = nvim.request("nvim_eval", ["1/0 + undefined_variable"])
    record("error-eval", raw, msg, "a Vim error while evaluating: an Exception error")
    nvim.request("nvim_command", [f"call rpcnotify({channel}, 'msgwire_event', [1, 'ä'], {{'x': 1.25}})"])
    raw, msg = nvim.other.pop(0) if nvim.other else nvim.read_message()
    assert msg[0] == 2, msg
    record("notification-rpcnotify", raw, msg, "a notification sent by rpcnotify()")
finally:
    nvim.close()

doc = {
    "format": "msgwire-vectors/1",
    "protocol": "msgpack-rpc",
    "group": "neovim-capture",
    "description": "messages written by Neovim over stdio (nvim --clean --embed --headless)",
    "provenance": {"peer": "neovim", "version": version(), "generator": GENERATOR},
    "cases": cases,
}
with open(os.path.join(OUT, "neovim-capture.json"), "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
