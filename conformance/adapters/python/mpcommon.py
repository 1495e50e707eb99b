"""Shared pieces of the MessagePack adapters that map a peer's Python values to and from the
canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md): the tagged values, and the
MessagePack-RPC message shape (spec: github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md),
which these peers do not check themselves (they have no RPC layer).
Written for msgwire; no code copied from the peers.
"""
import datetime
import math

SAFE_INT = (1 << 53) - 1
VALUE_PROFILES = ("value",)
MESSAGE_PROFILES = ("strict",)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def tag(t, v):
    return {t: v}


def float_doc(t, v):
    if math.isnan(v):
        return tag(t, "NaN")
    if math.isinf(v):
        return tag(t, "Infinity" if v > 0 else "-Infinity")
    return tag(t, v)


def timestamp_of_datetime(d):
    """A datetime (what a peer returns for ext -1) as [seconds, nanoseconds]: microseconds only."""
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    delta = d - EPOCH
    secs = delta.days * 86400 + delta.seconds
    return tag("timestamp", [secs, delta.microseconds * 1000])


def canon(v, other):
    """A peer value as a tagged document; ``other(v)`` maps the peer's own types (ext, ...)."""
    if v is None:
        return tag("nil", None)
    if isinstance(v, bool):
        return tag("bool", v)
    if isinstance(v, int):
        return tag("number", v) if abs(v) <= SAFE_INT else tag("bignum", str(v))
    if isinstance(v, float):
        return float_doc("float64", v)
    if isinstance(v, str):
        return tag("string", v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return tag("binary", bytes(v).hex())
    if isinstance(v, datetime.datetime):
        return timestamp_of_datetime(v)
    if isinstance(v, dict):
        return tag("map", [[canon(k, other), canon(x, other)] for k, x in v.items()])
    if isinstance(v, (list, tuple)):
        return tag("array", [canon(x, other) for x in v])
    return other(v)


def _method(m):
    if isinstance(m, str):
        return m
    if isinstance(m, (bytes, bytearray)):
        return {"binary": bytes(m).hex()}
    raise ValueError("method is not a string")


def message(v, canon1):
    """A decoded top-level value as a MessagePack-RPC message document (ValueError if it is not
    one); ``canon1`` maps a value to its tagged document."""
    if not isinstance(v, (list, tuple)) or not v:
        raise ValueError("a message is an array")
    t = v[0]
    # The type is an integer: not a bool (True == 1) nor a float (0.0 == 0), which Python's ==
    # would take for one.
    kind = t if isinstance(t, int) and not isinstance(t, bool) else None
    uint32 = lambda x: isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 1 << 32  # noqa: E731
    is_list = lambda x: isinstance(x, (list, tuple))  # noqa: E731
    if kind == 0 and len(v) == 4 and uint32(v[1]) and is_list(v[3]):
        return {"kind": "request", "msgid": v[1], "method": _method(v[2]), "params": [canon1(p) for p in v[3]]}
    if kind == 1 and len(v) == 4 and uint32(v[1]):
        return {"kind": "response", "msgid": v[1], "error": canon1(v[2]), "result": canon1(v[3])}
    if kind == 2 and len(v) == 3 and is_list(v[2]):
        return {"kind": "notification", "method": _method(v[1]), "params": [canon1(p) for p in v[2]]}
    raise ValueError("not a request, response or notification")


def from_hex(s):
    return bytes.fromhex("".join(c for c in s if not c.isspace() and c != "-"))


def float_of(x):
    return float(x.lower().replace("infinity", "inf")) if isinstance(x, str) else float(x)


def datetime_of(secs, nanos):
    return EPOCH + datetime.timedelta(seconds=secs, microseconds=nanos // 1000)


def value(doc, make):
    """A tagged document as the peer's value. ``make`` maps the tags the peer spells its own way
    (``ext``, ``timestamp``, ``float32``, ``map``) to a function of the tag's JSON value."""
    (t, v), = doc.items()
    if t in make:
        return make[t](v)
    if t == "nil":
        return None
    if t in ("bool", "number"):
        return v
    if t == "bignum":
        return int(v)
    if t in ("float32", "float64"):
        return float_of(v)
    if t == "string":
        return from_hex(v["hex"]).decode("utf-8") if isinstance(v, dict) else v
    if t == "binary":
        return from_hex(v)
    if t == "array":
        return [value(x, make) for x in v]
    if t == "map":
        out = {}
        for k, x in v:
            key = value(k, make)
            if isinstance(key, list):
                key = tuple(key)
            if key in out:
                raise ValueError("the peer encodes maps from dicts: a duplicate key cannot be written")
            out[key] = value(x, make)
        return out
    raise ValueError("unknown tag %r" % t)


def method_value(m):
    if isinstance(m, dict) and "binary" in m:
        return from_hex(m["binary"])
    if isinstance(m, dict) and "hex" in m:
        return from_hex(m["hex"]).decode("utf-8")
    return m


def message_value(d, make):
    """A document (message or value) as the peer's value to pack."""
    k = d.get("kind")
    val = lambda x: value(x, make)  # noqa: E731
    if k == "request":
        return [0, d["msgid"], method_value(d["method"]), [val(x) for x in d["params"]]]
    if k == "response":
        return [1, d["msgid"], val(d["error"]), val(d["result"])]
    if k == "notification":
        return [2, method_value(d["method"]), [val(x) for x in d["params"]]]
    return val(d)
