#!/usr/bin/env python3
"""msgwire adapter for ormsgpack (``unpackb`` / ``packb``; made with ormsgpack 1.13.1), mapped to
and from the canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md).

Profiles: ``value`` (bare values) and ``strict`` (each value read as a MessagePack-RPC message;
ormsgpack has no RPC layer, the shape is checked by mpcommon.message). Other profiles: skipped.
What ormsgpack's API cannot express: ``unpackb`` decodes exactly one object and does not say how
many bytes it used (and ignores what follows it), so an input of several top-level values decodes
to its first value only; maps are dicts (duplicates collapse, the last one wins; array keys are
unhashable and rejected); float 32 is widened to float64; an ext is read through ``ext_hook``
(ext -1 as a timestamp, parsed by the adapter from ormsgpack's raw ext bytes: the library has no
timestamp type on decode); ``packb`` writes one float width for every float (float64) and
datetimes with OPT_DATETIME_AS_TIMESTAMP_EXT (microseconds only).
Usage: ormsgpack_adapter.py decode|encode msgpack-rpc, or serve (see conformance/README.md).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402
import mpcommon as mc  # noqa: E402

import ormsgpack  # noqa: E402


class Ext:
    def __init__(self, code, data):
        self.code, self.data = code, data


def ext_hook(code, data):
    return Ext(code, bytes(data))


def timestamp(data):
    # The spec's three layouts; any other length is an invalid timestamp.
    # (nanoseconds above 999999999 make it no timestamp: reported as the ext it is)
    if len(data) == 4:
        return [struct.unpack(">I", data)[0], 0]
    if len(data) == 8:
        v = struct.unpack(">Q", data)[0]
        return [v & 0x3FFFFFFFF, v >> 34] if v >> 34 <= 999999999 else None
    if len(data) == 12:
        ns, s = struct.unpack(">Iq", data)
        return [s, ns] if ns <= 999999999 else None
    return None


def other(v):
    if isinstance(v, Ext):
        if v.code == -1:
            ts = timestamp(v.data)
            if ts is not None:
                return mc.tag("timestamp", ts)
        return mc.tag("ext", [v.code, v.data.hex()])
    raise TypeError("unexpected value %r" % (v,))


def canon(v):
    return mc.canon(v, other)


def decode(protocol, profile, data):
    if protocol != "msgpack-rpc":
        raise Unsupported("ormsgpack speaks MessagePack only")
    if profile not in mc.VALUE_PROFILES + mc.MESSAGE_PROFILES:
        raise Unsupported("profile %s" % profile)
    if not data:
        return []
    try:
        v = ormsgpack.unpackb(data, ext_hook=ext_hook, option=ormsgpack.OPT_NON_STR_KEYS)
    except Exception as e:  # ormsgpack's rejection (MsgpackDecodeError)
        raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__)
    try:
        return [canon(v) if profile in mc.VALUE_PROFILES else mc.message(v, canon)]
    except ValueError as e:
        raise Rejected(str(e), kind="not-a-message")


MAKE = {
    "ext": lambda v: ormsgpack.Ext(v[0], mc.from_hex(v[1])),
    "timestamp": lambda v: mc.datetime_of(v[0], v[1]),
}


def encode(protocol, profile, docs):
    if protocol != "msgpack-rpc":
        raise Unsupported("ormsgpack speaks MessagePack only")
    out = []
    try:
        for d in docs:
            out.append(ormsgpack.packb(mc.message_value(d, MAKE),
                                       option=ormsgpack.OPT_NON_STR_KEYS | ormsgpack.OPT_DATETIME_AS_TIMESTAMP_EXT))
    except Exception as e:
        raise Rejected("%s: %s" % (type(e).__name__, e))
    return b"".join(out)


if __name__ == "__main__":
    main(decode, encode)
