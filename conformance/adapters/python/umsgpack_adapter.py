#!/usr/bin/env python3
"""msgwire adapter for u-msgpack-python (``umsgpack.load`` / ``packb``; made with 2.8.0), mapped
to and from the canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md).

Profiles: ``value`` (bare values) and ``strict`` (each value read as a MessagePack-RPC message;
the library has no RPC layer, the shape is checked by mpcommon.message). Other profiles: skipped.
Top-level values are read one after another with ``umsgpack.load`` on one stream.
What the library's API cannot express: maps are dicts (duplicates collapse, the last one wins;
an array key becomes a tuple); float 32 is widened to a Python float (reported float64; the
encoder writes float64 unless told ``force_float_precision``, which is per call, so a float32
document is written as float64); a timestamp (ext -1) is a ``datetime`` (microseconds: the last
three digits of nanoseconds are lost), negative and 96-bit ones included; other exts are
``umsgpack.Ext``.
Usage: umsgpack_adapter.py decode|encode msgpack-rpc, or serve (see conformance/README.md).
"""
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402
import mpcommon as mc  # noqa: E402

import umsgpack  # noqa: E402


def other(v):
    if isinstance(v, umsgpack.Ext):
        return mc.tag("ext", [v.type, bytes(v.data).hex()])
    raise TypeError("unexpected value %r" % (v,))


def canon(v):
    return mc.canon(v, other)


def decode(protocol, profile, data):
    if protocol != "msgpack-rpc":
        raise Unsupported("u-msgpack-python speaks MessagePack only")
    if profile not in mc.VALUE_PROFILES + mc.MESSAGE_PROFILES:
        raise Unsupported("profile %s" % profile)
    f = io.BytesIO(data)
    docs = []
    while f.tell() < len(data):
        at = f.tell()
        try:
            v = umsgpack.load(f)
        except Exception as e:  # the library's rejection (InsufficientDataException, ...)
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__, offset=at, docs=docs)
        try:
            docs.append(canon(v) if profile in mc.VALUE_PROFILES else mc.message(v, canon))
        except ValueError as e:
            raise Rejected(str(e), kind="not-a-message", offset=at, docs=docs)
    return docs


MAKE = {
    "ext": lambda v: umsgpack.Ext(v[0], mc.from_hex(v[1])),
    "timestamp": lambda v: mc.datetime_of(v[0], v[1]),
}


def encode(protocol, profile, docs):
    if protocol != "msgpack-rpc":
        raise Unsupported("u-msgpack-python speaks MessagePack only")
    out = []
    try:
        for d in docs:
            out.append(umsgpack.packb(mc.message_value(d, MAKE)))
    except Exception as e:
        raise Rejected("%s: %s" % (type(e).__name__, e))
    return b"".join(out)


if __name__ == "__main__":
    main(decode, encode)
