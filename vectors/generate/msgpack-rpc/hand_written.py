"""Hand-written cases -> vectors/msgpack-rpc/hand-written.json (no peer needed).

Inputs no peer writes: reserved bytes, truncation, malformed timestamps, nesting and declared
lengths beyond the limits. Each case says why it is hand-written.
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.environ.get("MSGWIRE_VECTORS_OUT") or os.path.join(HERE, "..", "..", "msgpack-rpc"), "hand-written.json")
ALL = ["strict", "lenient", "neovim", "value", "value-lenient"]
MESSAGES = ["strict", "lenient", "neovim"]
VALUES = ["value", "value-lenient"]

cases = []


def case(name, spec, verdict, hexstr, reason, error=None, expect=None, description=None, **extra):
    c = {"id": "msgpack-rpc/hand-written/" + name}
    if description:
        c["description"] = description
    c.update({"spec": spec, "verdict": verdict, "input": {"hex": hexstr}})
    if expect is not None:
        c["expect"] = expect
    if error is not None:
        c["error"] = {"kind": error}
    c["provenance"] = {"peer": "hand-written", "reason": reason}
    c.update(extra)
    cases.append(c)


def every(v, profiles=ALL):
    return {p: v for p in profiles}


NO_PEER = "no conforming peer writes this"

case("reserved-byte", "msgpack spec: Formats (0xc1 never used)", every("n"), "c1", NO_PEER, "reserved-byte")
case("reserved-byte-in-params", "msgpack spec: Formats (0xc1 never used)", every("n"), "9400 01 a161 91c1", NO_PEER,
     "reserved-byte", description="0xc1 inside a request's params")
case("truncated-str", "msgpack spec: str format family", every("n"), "a5616263", NO_PEER, "truncated",
     description="a fixstr of 5 with 3 bytes")
case("truncated-request", "msgpack-rpc spec: Request Message", every("n"), "940001a161", NO_PEER, "truncated",
     description="a request cut before its params")
case("truncated-second-message", "msgpack-rpc spec: messages on a stream", every("n", MESSAGES),
     "93 02 a161 90 94 00", NO_PEER, "truncated", stream=True,
     expect=[{"kind": "notification", "method": "a", "params": []}],
     description="a whole notification, then the start of a request")
case("timestamp-nanos-too-large-64", "msgpack spec: Timestamp extension type (nanoseconds <= 999999999)",
     {"value": "n", "value-lenient": "y"}, "d7ff" + format((1000000000 << 34), "016x"),
     "encoders refuse to write this", "invalid-timestamp",
     expect=[{"ext": [-1, format((1000000000 << 34), "016x")]}],
     description="timestamp 64 with 10^9 nanoseconds: strict rejects, lenient keeps the ext")
case("timestamp-nanos-too-large-96", "msgpack spec: Timestamp extension type (nanoseconds <= 999999999)",
     {"value": "n", "value-lenient": "y"}, "c70cff" + "3b9aca00" + "0000000000000000",
     "encoders refuse to write this", "invalid-timestamp",
     expect=[{"ext": [-1, "3b9aca000000000000000000"]}])
case("timestamp-bad-length", "msgpack spec: Timestamp extension type (32, 64 or 96 bits)",
     {"value": "n", "value-lenient": "y"}, "d5ff0001", "encoders refuse to write this",
     "invalid-timestamp", expect=[{"ext": [-1, "0001"]}])
case("timestamp-96-small", "msgpack spec: Timestamp extension type",
     every("y", VALUES), "c70cff" + "00000000" + "0000000000000001",
     "peers write the smallest form; the 96-bit form of 1 s is valid but not canonical",
     expect=[{"timestamp": [1, 0]}], roundtrip=False)
case("str-invalid-utf8", "msgpack spec: str format family (UTF-8)", {"value": "n", "value-lenient": "y"},
     "a2c328", "strict peers do not write it; see messages-msgpack-python for a peer-made one",
     "invalid-utf8", expect=[{"string": {"hex": "c328"}}])
case("array32-declares-2-32-elements", "msgwire Limits::max_elements (default 2^24)", every("n"), "ddffffffff",
     "adversarial: 5 bytes declaring 2^32-1 elements must cost nothing", "element-limit")
case("map32-declares-2-24-plus-1", "msgwire Limits::max_elements (default 2^24)", every("n"), "df01000001",
     "adversarial declared count", "element-limit")
case("str32-declares-4-gib", "msgwire Limits::max_message_size (default 64 MiB)", every("n"), "dbffffffff61",
     "adversarial: a 4 GiB str header is refused before buffering", "size-limit")
case("bin32-declares-64-mib", "msgwire Limits::max_message_size (default 64 MiB)", every("n"),
     "9302a161 91 c6 04000000", "adversarial: params with a 64 MiB bin exceed the message limit", "size-limit")
case("nesting-129", "msgwire Limits::max_depth (default 128)", every("n", VALUES), "91" * 129 + "c0",
     "adversarial nesting", "depth-limit")
case("int8-non-minimal", "msgpack spec: int format family", every("y", VALUES), "d001",
     "peers write the smallest form", expect=[{"number": 1}], roundtrip=False)
case("request-method-bin-lenient", "msgpack-rpc spec: Request Message (method: string)",
     {"strict": "n", "lenient": "y", "neovim": "y"}, "940001c4036164649101",
     "see messages-msgpack-python/bin-method for a peer-made one; this one is minimal",
     "method", expect=[{"kind": "request", "msgid": 1, "method": {"binary": "616464"}, "params": [{"number": 1}]}])
case("response-both-nil", "msgpack-rpc spec: Response Message", every("y", MESSAGES), "940101c0c0",
     "a void result: error and result both nil",
     expect=[{"kind": "response", "msgid": 1, "error": {"nil": None}, "result": {"nil": None}}])
case("neovim-handles", "Neovim api: ext types Buffer 0, Window 1, Tabpage 2", every("y", ["neovim"]),
     "940100c094d40001c70301cd01f4d40203d500d001", "minimal handles as Neovim writes them, and one that is not",
     expect=[{"kind": "response", "msgid": 0, "error": {"nil": None},
              "result": {"array": [{"buffer": 1}, {"window": 500}, {"tabpage": 3}, {"ext": [0, "d001"]}]}}],
     description="handles; a non-minimal handle payload (int 8 holding 1) stays a plain ext so the form is lossless")

doc = {
    "format": "msgwire-vectors/1",
    "protocol": "msgpack-rpc",
    "group": "hand-written",
    "description": "must-reject and edge cases no peer writes",
    "provenance": {"peer": "hand-written", "reason": "see each case"},
    "cases": cases,
}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
