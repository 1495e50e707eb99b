#!/usr/bin/env python3
"""msgwire client-suite driver for Python's xmlrpc.client (ServerProxy).

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN ({"method": M, "params": [tagged values]}, see
conformance/src/live/xmlrpc_client.rs); one JSON object per line on stdout; exit 0.
"""
import base64
import json
import os
import sys


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main():
    scenario = sys.argv[1]
    if scenario == "hello":
        import pyexpat

        emit(event="hello", library="xmlrpc.client",
             version="Python %s (expat %s)" % (sys.version.split()[0], pyexpat.EXPAT_VERSION.split("_", 1)[1]))
        return
    import xmlrpc.client as xc

    plan = json.loads(os.environ["MSGWIRE_PLAN"])

    def native(v):
        (tag, x), = v.items()
        if tag in ("int", "i8", "double", "string", "boolean"):
            return x
        if tag == "dateTime":
            return xc.DateTime(x)
        if tag == "base64":
            return xc.Binary(base64.b64decode(x))
        if tag == "array":
            return [native(i) for i in x]
        if tag == "struct":
            return {k: native(i) for k, i in x.items()}
        if tag == "nil":
            return None
        raise ValueError("unknown tag %r" % tag)

    def tagged(v):
        if isinstance(v, bool):
            return {"boolean": v}
        if isinstance(v, int):
            return {"int": v} if -2**31 <= v < 2**31 else {"i8": v}
        if isinstance(v, float):
            return {"double": v}
        if isinstance(v, str):
            return {"string": v}
        if isinstance(v, xc.DateTime):
            return {"dateTime": v.value}
        if isinstance(v, xc.Binary):
            return {"base64": v.data.hex()}
        if isinstance(v, (bytes, bytearray)):
            return {"base64": bytes(v).hex()}
        if isinstance(v, (list, tuple)):  # a tuple: the params of a response with several
            return {"array": [tagged(i) for i in v]}
        if isinstance(v, dict):
            return {"struct": {k: tagged(i) for k, i in v.items()}}
        if v is None:
            return {"nil": None}
        return {"unknown": repr(v)}

    proxy = xc.ServerProxy(os.environ["MSGWIRE_URL"])
    try:
        result = getattr(proxy, plan["method"])(*[native(p) for p in plan["params"]])
        emit(event="result", value=tagged(result))
    except xc.Fault as f:
        emit(event="fault", code=f.faultCode, string=f.faultString)
    except Exception as e:  # noqa: BLE001 - whatever the library raised is an event
        emit(event="raised", why="%s: %s" % (type(e).__name__, e))


main()
