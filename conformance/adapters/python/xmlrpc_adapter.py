#!/usr/bin/env python3
"""msgwire adapter for Python's ``xmlrpc.client`` (``loads`` / ``dumps``), mapped to and from the
canonical XML-RPC form (docs/forms/xmlrpc.md).

What ``loads`` does not keep, this adapter reports as ``dumps`` would write it: every integer
is ``int`` (i4/i8/int are one Python type), every string — typed or an untyped ``<value>`` — is
``string``, a struct keeps its last duplicate, base64 text is ``dumps``' own wrapping. A
document is ``"layout": "pretty"`` when ``dumps`` of what ``loads`` returned reproduces it byte
for byte. Usage: xmlrpc_adapter.py decode|encode xmlrpc, or serve (conformance/README.md).
"""
import base64
import math
import os
import sys
import xmlrpc.client as xc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402


# The one profile of ours this peer is compared under.
PROFILES = ("strict",)


def canon(v):
    if isinstance(v, bool):
        return {"boolean": v}
    if isinstance(v, int):
        return {"int": v} if -(1 << 31) <= v < (1 << 31) else {"i8": v}
    if isinstance(v, float):
        if math.isnan(v):
            return {"double": "nan"}
        if math.isinf(v):
            return {"double": "inf" if v > 0 else "-inf"}
        return {"double": v}
    if isinstance(v, str):
        return {"string": v}
    if v is None:
        return {"nil": None}
    if isinstance(v, xc.DateTime):
        return {"dateTime.iso8601": v.value}
    if isinstance(v, xc.Binary):
        return {"base64": "\n" + base64.encodebytes(v.data).decode("ascii")}
    if isinstance(v, dict):
        return {"struct": [[k, canon(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return {"array": [canon(x) for x in v]}
    raise TypeError("unexpected value %r" % (v,))


def decode(protocol, profile, data):
    if protocol != "xmlrpc":
        raise Unsupported("xmlrpc.client speaks XML-RPC only")
    if profile not in PROFILES:
        raise Unsupported("xmlrpc.client is run under the strict profile only")
    try:
        params, method = xc.loads(data)
    except xc.Fault as f:
        doc = {"kind": "fault", "fault": {"struct": [["faultCode", canon(f.faultCode)],
                                                      ["faultString", canon(f.faultString)]]}}
        again = xc.dumps(f, allow_none=True).encode("utf-8")
        if again == data:
            doc["layout"] = "pretty"
        return [doc]
    except Exception as e:  # xmlrpc.client's rejection (ExpatError, ResponseError, ValueError...)
        raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__)
    if method is None:
        doc = {"kind": "response", "params": [canon(p) for p in params]}
    else:
        doc = {"kind": "call", "method": method, "params": [canon(p) for p in params]}
    try:
        again = xc.dumps(params, method, methodresponse=method is None, allow_none=True).encode("utf-8")
        if again == data:
            doc["layout"] = "pretty"
    except Exception:
        pass
    return [doc]


def value(doc):
    if isinstance(doc, str):
        return doc
    (t, v), = doc.items()
    if t in ("int", "i4", "i8", "ex:i8", "ex:i1", "ex:i2"):
        return int(v)
    if t == "boolean":
        return bool(v)
    if t == "string":
        return v
    if t in ("double", "ex:float"):
        return float(v) if not isinstance(v, str) else float(v)
    if t == "dateTime.iso8601":
        return xc.DateTime(v)
    if t == "base64":
        return xc.Binary(base64.b64decode(v))
    if t == "struct":
        return {k: value(x) for k, x in v}
    if t == "array":
        return [value(x) for x in v]
    if t in ("nil", "ex:nil"):
        return None
    raise ValueError("unknown type %r" % t)


def encode(protocol, profile, docs):
    if protocol != "xmlrpc":
        raise Unsupported("xmlrpc.client speaks XML-RPC only")
    out = []
    try:
        for d in docs:
            k = d.get("kind")
            if k == "fault":
                f = dict(value(d["fault"]))
                out.append(xc.dumps(xc.Fault(f.get("faultCode"), f.get("faultString")), allow_none=True))
            elif k == "response":
                out.append(xc.dumps(tuple(value(p) for p in d["params"]), methodresponse=True, allow_none=True))
            elif k == "call":
                out.append(xc.dumps(tuple(value(p) for p in d["params"]), d["method"], allow_none=True))
            else:
                raise ValueError("unknown kind %r" % k)
    except Exception as e:
        raise Rejected("%s: %s" % (type(e).__name__, e))
    return "".join(out).encode("utf-8")


if __name__ == "__main__":
    main(decode, encode)
