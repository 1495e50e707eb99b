"""Canonical form (docs/forms/msgpack-rpc.md) of Python values as msgpack-python packs them."""

import struct

import msgpack

SAFE = (1 << 53) - 1


def fl(f):
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "Infinity" if f > 0 else "-Infinity"
    return f


def form(v, single=False, raw_str=False):
    """Canonical form of a Python value as msgpack-python packs it."""
    if v is None:
        return {"nil": None}
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"number": v} if abs(v) <= SAFE else {"bignum": str(v)}
    if isinstance(v, float):
        if single:
            return {"float32": fl(struct.unpack(">f", struct.pack(">f", v))[0])}
        return {"float64": fl(v)}
    if isinstance(v, str):
        return {"string": v}
    if isinstance(v, bytes):
        if raw_str:
            try:
                return {"string": v.decode("utf-8")}
            except UnicodeDecodeError:
                return {"string": {"hex": v.hex()}}
        return {"binary": v.hex()}
    if isinstance(v, msgpack.Timestamp):
        return {"timestamp": [v.seconds, v.nanoseconds]}
    if isinstance(v, msgpack.ExtType):
        return {"ext": [v.code, v.data.hex()]}
    if isinstance(v, (list, tuple)):
        return {"array": [form(x, single, raw_str) for x in v]}
    if isinstance(v, dict):
        return {"map": [[form(k, single, raw_str), form(x, single, raw_str)] for k, x in v.items()]}
    raise TypeError(type(v))


def message_form(m, **kw):
    if m[0] == 0:
        return {"kind": "request", "msgid": m[1], "method": m[2], "params": [form(x, **kw) for x in m[3]]}
    if m[0] == 1:
        return {"kind": "response", "msgid": m[1], "error": form(m[2], **kw), "result": form(m[3], **kw)}
    return {"kind": "notification", "method": m[1], "params": [form(x, **kw) for x in m[2]]}
