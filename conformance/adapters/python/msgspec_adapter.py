#!/usr/bin/env python3
"""msgwire adapter for msgspec (``msgspec.msgpack.Decoder`` / ``Encoder``; made with msgspec
0.23.0), mapped to and from the canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md).

Profiles: ``value`` (bare values) and ``strict`` (each value read as a MessagePack-RPC message;
msgspec has no RPC layer, the shape is checked by mpcommon.message). Other profiles: skipped.
What msgspec's API cannot express: ``decode`` takes exactly one top-level value (trailing bytes
are its error), so an input of several values is rejected; maps are dicts (duplicates collapse,
the last one wins; an array key becomes a tuple); float 32 is widened to a Python float (reported
float64; the encoder writes float64); a timestamp (ext -1) is a ``datetime`` (microseconds: the
last three digits of nanoseconds are lost); other exts are ``msgspec.msgpack.Ext``.
Usage: msgspec_adapter.py decode|encode msgpack-rpc, or serve (see conformance/README.md).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402
import mpcommon as mc  # noqa: E402

import msgspec  # noqa: E402

DECODER = msgspec.msgpack.Decoder()
ENCODER = msgspec.msgpack.Encoder()


def other(v):
    if isinstance(v, msgspec.msgpack.Ext):
        return mc.tag("ext", [v.code, bytes(v.data).hex()])
    raise TypeError("unexpected value %r" % (v,))


def canon(v):
    return mc.canon(v, other)


def decode(protocol, profile, data):
    if protocol != "msgpack-rpc":
        raise Unsupported("msgspec speaks MessagePack only")
    if profile not in mc.VALUE_PROFILES + mc.MESSAGE_PROFILES:
        raise Unsupported("profile %s" % profile)
    if not data:
        return []
    try:
        v = DECODER.decode(data)
    except Exception as e:  # msgspec.DecodeError
        raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__)
    try:
        return [canon(v) if profile in mc.VALUE_PROFILES else mc.message(v, canon)]
    except ValueError as e:
        raise Rejected(str(e), kind="not-a-message")


MAKE = {
    "ext": lambda v: msgspec.msgpack.Ext(v[0], mc.from_hex(v[1])),
    "timestamp": lambda v: mc.datetime_of(v[0], v[1]),
}


def encode(protocol, profile, docs):
    if protocol != "msgpack-rpc":
        raise Unsupported("msgspec speaks MessagePack only")
    out = []
    try:
        for d in docs:
            out.append(ENCODER.encode(mc.message_value(d, MAKE)))
    except Exception as e:
        raise Rejected("%s: %s" % (type(e).__name__, e))
    return b"".join(out)


if __name__ == "__main__":
    main(decode, encode)
