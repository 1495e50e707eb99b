"""msgpack-python (PyPI `msgpack`) -> vectors/msgpack-rpc/messages-msgpack-python.json.

MessagePack-RPC messages packed by msgpack-python, with the canonical form computed from the
Python values it was asked to pack (docs/forms/msgpack-rpc.md). Includes what the peer writes
in its legacy modes (`use_bin_type=False`: bytes as str; a bin method name), which the strict
profile rejects and the lenient one accepts.
"""

import json
import os

import msgpack

from pyform import form, message_form

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("MSGWIRE_VECTORS_OUT") or os.path.join(HERE, "..", "..", "msgpack-rpc")
GENERATOR = "vectors/generate/msgpack-rpc/msgpack_python.py"
MESSAGES = ["strict", "lenient", "neovim"]


SPEC_REQ = "msgpack-rpc spec: Request Message"
SPEC_RES = "msgpack-rpc spec: Response Message"
SPEC_NOTE = "msgpack-rpc spec: Notification Message"


def spec_of(m):
    return [SPEC_REQ, SPEC_RES, SPEC_NOTE][m[0]] if isinstance(m[0], int) and 0 <= m[0] <= 2 else SPEC_REQ


cases = []
os.makedirs(os.path.join(OUT, "data"), exist_ok=True)


def accept(name, msg, description, pack_kw=None, form_kw=None, file=None):
    pack_kw = pack_kw or {}
    data = msgpack.packb(msg, **pack_kw)
    case = {
        "id": "msgpack-rpc/messages-msgpack-python/" + name,
        "description": description,
        "spec": spec_of(msg),
        "verdict": {p: "y" for p in MESSAGES},
        "input": {"hex": data.hex()},
        "expect": [message_form(msg, **(form_kw or {}))],
    }
    if file:
        with open(os.path.join(OUT, "data", file), "wb") as f:
            f.write(data)
        case["input"] = {"file": "data/" + file}
    cases.append(case)


def lenient_only(name, msg, description, kind, spec, pack_kw, form_kw=None, method_form=None):
    data = msgpack.packb(msg, **pack_kw)
    expect = message_form(msg, **(form_kw or {}))
    if method_form is not None:
        expect["method"] = method_form
    cases.append({
        "id": "msgpack-rpc/messages-msgpack-python/" + name,
        "description": description,
        "spec": spec,
        "verdict": {"strict": "n", "lenient": "y", "neovim": "y"},
        "input": {"hex": data.hex()},
        "expect": [expect],
        "error": {"kind": kind},
    })


def reject(name, msg, description, kind, spec):
    cases.append({
        "id": "msgpack-rpc/messages-msgpack-python/" + name,
        "description": description,
        "spec": spec,
        "verdict": {p: "n" for p in MESSAGES},
        "input": {"hex": msgpack.packb(msg).hex()},
        "error": {"kind": kind},
    })


accept("request-simple", [0, 1, "add", [1, 2]], "a two-argument request")
accept(
    "request-every-type",
    [0, 4294967295, "grüß_dich", [
        "héllo wörld ✓ 日本語 🎉", -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1,
        127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**53 - 1, 2**53, 2**63 - 1, -2**63,
        2**64 - 1, 1.5, -0.0, 1e300, float("inf"), float("-inf"), True, False, None,
        b"\x00\xff", b"", "", "x" * 31, "y" * 32, "z" * 300, b"\x01" * 256, list(range(16)),
        {"k": [1, {"n": None}], "": {}}, [], {},
    ]],
    "msgid 2^32-1, a non-ASCII method, every int width boundary, floats, str/bin lengths",
)
accept("request-single-floats", [0, 2, "scale", [0.5, -1.25, 3.0, 1e10]],
       "use_single_float=True writes float 32", {"use_single_float": True}, {"single": True})
accept("request-ext-and-timestamps", [0, 3, "when", [
    msgpack.ExtType(5, b"abc"), msgpack.ExtType(0, b""), msgpack.ExtType(127, b"\x00" * 16),
    msgpack.Timestamp(0, 0), msgpack.Timestamp(1514862245, 678901234),
    msgpack.Timestamp(2**34, 0), msgpack.Timestamp(-1, 999999999),
    msgpack.Timestamp(-62167219200, 0),
]], "ext types and the three timestamp forms (msgpack-python picks the smallest)")
accept("response-result", [1, 7, None, {"a": [1.25, "x"], "b": {"nested": [[], {}]}}], "a successful response")
accept("response-error", [1, 8, [1, "Invalid method: nope"], None], "an error response in Neovim's [type, message] shape")
accept("response-error-string", [1, 9, "NoMethodError", None], "an error response with a str error")
accept("notification", [2, "redraw", [["grid_line", [1, 2, 3, "text"]]]], "a notification")
accept("notification-large", [2, "big", [b"\xab" * 70000]],
       "a notification of more than 64 KiB (a bin32)",
       file="python-notification-large.bin")

stream = [[0, 10, "a", []], [2, "b", [1]], [1, 10, None, "ok"]]
cases.append({
    "id": "msgpack-rpc/messages-msgpack-python/stream-three",
    "description": "three messages back to back on one stream",
    "spec": "msgpack-rpc spec: messages on a stream",
    "verdict": {p: "y" for p in MESSAGES},
    "stream": True,
    "input": {"hex": b"".join(msgpack.packb(m) for m in stream).hex()},
    "expect": [message_form(m) for m in stream],
})

lenient_only(
    "raw-str-invalid-utf8", [0, 11, "put", [b"\xff\xfe", b"ok"]],
    "use_bin_type=False (msgpack-python's pre-2.0-spec mode) packs bytes as str, here not UTF-8",
    "invalid-utf8", "msgpack spec: str format family (UTF-8)", {"use_bin_type": False},
    {"raw_str": True},
)
lenient_only(
    "bin-method", [0, 12, b"add", [1]],
    "a method name packed from bytes is a bin", "method", SPEC_REQ, {"use_bin_type": True},
    method_form={"binary": "616464"},
)
lenient_only(
    "error-and-result", [1, 13, "boom", "but also a result"],
    "a response carrying both an error and a result", "error-and-result", SPEC_RES, {},
)
reject("msgid-negative", [0, -1, "x", []], "msgid -1", "msgid", SPEC_REQ)
reject("msgid-too-large", [0, 2**32, "x", []], "msgid 2^32", "msgid", SPEC_REQ)
reject("msgid-str", [0, "1", "x", []], "msgid as a str", "msgid", SPEC_REQ)
reject("params-not-array", [0, 1, "x", {"a": 1}], "params as a map", "params", SPEC_REQ)
reject("notification-params-nil", [2, "x", None], "notification params nil", "params", SPEC_NOTE)
reject("type-3", [3, 1, "x", []], "message type 3", "message-type", "msgpack-rpc spec: Messages")
reject("request-length-3", [0, 1, "x"], "a request without params", "message-length", SPEC_REQ)
reject("response-length-5", [1, 1, None, None, None], "a response of five elements", "message-length", SPEC_RES)
reject("not-an-array", {"type": 0}, "a map instead of an array", "message-not-array", "msgpack-rpc spec: Messages")
reject("method-int", [0, 1, 42, []], "method as an int", "method", SPEC_REQ)

doc = {
    "format": "msgwire-vectors/1",
    "protocol": "msgpack-rpc",
    "group": "messages-msgpack-python",
    "description": "MessagePack-RPC messages packed by msgpack-python",
    "provenance": {"peer": "msgpack-python", "version": msgpack.version and ".".join(map(str, msgpack.version)), "generator": GENERATOR},
    "cases": cases,
}
with open(os.path.join(OUT, "messages-msgpack-python.json"), "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
