#!/usr/bin/env python3
"""msgwire adapter for msgpack-python (``msgpack.Unpacker`` / ``msgpack.Packer``), mapped to and
from the canonical form of MessagePack(-RPC) (docs/forms/msgpack-rpc.md).

Profiles: ``value`` decodes bare values; ``strict`` reads each top-level value as a
MessagePack-RPC message (msgpack-python has no RPC layer: the adapter checks the message shape
itself, accepting what the shape allows). Other profiles are unsupported (skipped).
What msgpack-python's objects do not keep, this adapter reports as msgpack-python would re-encode
it: a float is ``float64`` (float32 is widened on decode); maps keep order and duplicates
(``object_pairs_hook``); invalid UTF-8 in a str is msgpack-python's rejection.
Usage: msgpack_adapter.py decode|encode msgpack-rpc, or serve (see conformance/README.md).
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402

import msgpack  # noqa: E402

SAFE_INT = (1 << 53) - 1
# The profiles of ours this peer is compared under: bare values, and RPC messages.
VALUE_PROFILES = ("value",)
MESSAGE_PROFILES = ("strict",)


class Pairs(list):
    """A decoded map: its [key, value] pairs in wire order."""


def tag(t, v):
    return {t: v}


def canon(v):
    if v is None:
        return tag("nil", None)
    if isinstance(v, bool):
        return tag("bool", v)
    if isinstance(v, int):
        return tag("number", v) if abs(v) <= SAFE_INT else tag("bignum", str(v))
    if isinstance(v, float):
        if math.isnan(v):
            return tag("float64", "NaN")
        if math.isinf(v):
            return tag("float64", "Infinity" if v > 0 else "-Infinity")
        return tag("float64", v)
    if isinstance(v, str):
        return tag("string", v)
    if isinstance(v, (bytes, bytearray)):
        return tag("binary", bytes(v).hex())
    # ExtType is a namedtuple: before the tuple case.
    if isinstance(v, msgpack.Timestamp):
        return tag("timestamp", [v.seconds, v.nanoseconds])
    if isinstance(v, msgpack.ExtType):
        return tag("ext", [v.code, v.data.hex()])
    if isinstance(v, Pairs):
        return tag("map", [[canon(k), canon(x)] for k, x in v])
    if isinstance(v, (list, tuple)):
        return tag("array", [canon(x) for x in v])
    raise TypeError("unexpected value %r" % (v,))


def method_doc(m):
    if isinstance(m, str):
        return m
    if isinstance(m, (bytes, bytearray)):
        return {"binary": bytes(m).hex()}
    raise ValueError("method is not a string")


def message(v):
    """A MessagePack-RPC message (spec: github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md)."""
    if not isinstance(v, list) or isinstance(v, Pairs) or not v:
        raise ValueError("a message is an array")
    t = v[0]
    # The type is an integer: not a bool (True == 1) nor a float (0.0 == 0), which Python's ==
    # would take for one.
    kind = t if isinstance(t, int) and not isinstance(t, bool) else None
    uint32 = lambda x: isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 1 << 32  # noqa: E731
    if kind == 0 and len(v) == 4 and uint32(v[1]) and isinstance(v[3], list) and not isinstance(v[3], Pairs):
        return {"kind": "request", "msgid": v[1], "method": method_doc(v[2]), "params": [canon(p) for p in v[3]]}
    if kind == 1 and len(v) == 4 and uint32(v[1]):
        return {"kind": "response", "msgid": v[1], "error": canon(v[2]), "result": canon(v[3])}
    if kind == 2 and len(v) == 3 and isinstance(v[2], list) and not isinstance(v[2], Pairs):
        return {"kind": "notification", "method": method_doc(v[1]), "params": [canon(p) for p in v[2]]}
    raise ValueError("not a request, response or notification")


def decode(protocol, profile, data):
    if protocol != "msgpack-rpc":
        raise Unsupported("msgpack-python speaks MessagePack only")
    if profile not in VALUE_PROFILES + MESSAGE_PROFILES:
        raise Unsupported("profile %s" % profile)
    up = msgpack.Unpacker(raw=False, strict_map_key=False, object_pairs_hook=Pairs,
                          max_buffer_size=max(len(data), 1))
    up.feed(data)
    docs = []
    while True:
        at = up.tell()
        try:
            v = up.unpack()
        except msgpack.OutOfData:
            if at < len(data):
                raise Rejected("truncated", kind="truncated", offset=at, docs=docs)
            return docs
        except Exception as e:  # msgpack-python's rejection
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__, offset=at, docs=docs)
        try:
            docs.append(canon(v) if profile in VALUE_PROFILES else message(v))
        except ValueError as e:
            raise Rejected(str(e), kind="not-a-message", offset=at, docs=docs)


# ---- encode

def from_hex(s):
    return bytes.fromhex("".join(c for c in s if not c.isspace() and c != "-"))


def float_of(x):
    return float(x.lower().replace("infinity", "inf")) if isinstance(x, str) else float(x)


def pack_value(p, out, doc):
    (t, v), = doc.items()
    if t == "array":
        out.append(p.pack_array_header(len(v)))
        for x in v:
            pack_value(p, out, x)
    elif t == "map":
        out.append(p.pack_map_header(len(v)))
        for k, x in v:
            pack_value(p, out, k)
            pack_value(p, out, x)
    elif t == "nil":
        out.append(p.pack(None))
    elif t in ("bool", "number"):
        out.append(p.pack(v))
    elif t == "bignum":
        out.append(p.pack(int(v)))
    elif t in ("float32", "float64"):
        # msgpack-python chooses the width per Packer, not per value.
        out.append((p32 if t == "float32" else p).pack(float_of(v)))
    elif t == "string":
        if isinstance(v, dict):
            v = from_hex(v["hex"]).decode("utf-8")
        out.append(p.pack(v))
    elif t == "binary":
        out.append(p.pack(from_hex(v)))
    elif t == "ext":
        out.append(p.pack(msgpack.ExtType(v[0], from_hex(v[1]))))
    elif t == "timestamp":
        out.append(p.pack(msgpack.Timestamp(v[0], v[1])))
    else:
        raise ValueError("unknown tag %r" % t)


p32 = msgpack.Packer(use_bin_type=True, use_single_float=True)


def pack_method(p, out, m):
    if isinstance(m, dict) and "binary" in m:
        out.append(p.pack(from_hex(m["binary"])))
    elif isinstance(m, dict) and "hex" in m:
        out.append(p.pack(from_hex(m["hex"]).decode("utf-8")))
    else:
        out.append(p.pack(m))


def encode(protocol, profile, docs):
    if protocol != "msgpack-rpc":
        raise Unsupported("msgpack-python speaks MessagePack only")
    p = msgpack.Packer(use_bin_type=True)
    out = []
    try:
        for d in docs:
            k = d.get("kind")
            if k == "request":
                out += [p.pack_array_header(4), p.pack(0), p.pack(d["msgid"])]
                pack_method(p, out, d["method"])
                out.append(p.pack_array_header(len(d["params"])))
                for x in d["params"]:
                    pack_value(p, out, x)
            elif k == "response":
                out += [p.pack_array_header(4), p.pack(1), p.pack(d["msgid"])]
                pack_value(p, out, d["error"])
                pack_value(p, out, d["result"])
            elif k == "notification":
                out += [p.pack_array_header(3), p.pack(2)]
                pack_method(p, out, d["method"])
                out.append(p.pack_array_header(len(d["params"])))
                for x in d["params"]:
                    pack_value(p, out, x)
            else:
                pack_value(p, out, d)
    except Exception as e:
        raise Rejected("%s: %s" % (type(e).__name__, e))
    return b"".join(out)


if __name__ == "__main__":
    main(decode, encode)
