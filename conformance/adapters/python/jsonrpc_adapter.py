#!/usr/bin/env python3
"""msgwire adapter for the Python ``json-rpc`` package: its server-side request parsing, as
``JSONRPCResponseManager.handle`` does it (``json.loads``, then ``JSONRPCRequest.from_data``),
mapped to the canonical JSON-RPC form (docs/forms/jsonrpc.md).

A parse failure is rejected with -32700 and an invalid request with -32600, the codes ``handle``
answers. The library parses requests only: an input that is a response (or a batch of them) is
unsupported (skipped). Canonical ``params`` and ``id`` are JSON texts: the library keeps Python
values, so they are re-serialized compactly (the original spacing, number spelling and escapes
are lost, and show as wrong values). Encoding uses the library's request serialization.
Usage: jsonrpc_adapter.py decode|encode jsonrpc, or serve (see conformance/README.md).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402

from jsonrpc.exceptions import JSONRPCInvalidRequestException  # noqa: E402
from jsonrpc.jsonrpc import JSONRPCRequest  # noqa: E402
from jsonrpc.jsonrpc2 import JSONRPC20BatchRequest, JSONRPC20Request  # noqa: E402

PROFILES = ("strict",)


def text(v):
    # ASCII escapes: a lone surrogate the library let through stays representable.
    return json.dumps(v, separators=(",", ":"))


def is_response(d):
    return isinstance(d, dict) and "method" not in d and ("result" in d or "error" in d)


def doc(r):
    d = {"type": "notification" if r.is_notification else "request", "method": r.method}
    if r.params is not None:
        d["params"] = text(r.params)
    if not r.is_notification:
        d["id"] = text(r._id)
    return d


def decode(protocol, profile, data):
    if protocol != "jsonrpc":
        raise Unsupported("json-rpc speaks JSON-RPC only")
    if profile not in PROFILES:
        raise Unsupported("json-rpc is run under the strict profile only")
    try:
        value = json.loads(data.decode("utf-8"))
    except (TypeError, ValueError) as e:  # what handle() answers with a parse error
        raise Rejected("%s: %s" % (type(e).__name__, e), kind="parse-error", code=-32700)
    if is_response(value) or (isinstance(value, list) and value and all(is_response(x) for x in value)):
        raise Unsupported("json-rpc parses requests only")
    try:
        req = JSONRPCRequest.from_data(value)
    except JSONRPCInvalidRequestException as e:
        raise Rejected("invalid request: %s" % e, kind="invalid-request", code=-32600)
    except Exception as e:  # handle() would let this escape: the server's own error
        raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__)
    if isinstance(req, JSONRPC20BatchRequest):
        return [{"type": "batch", "items": [doc(r) for r in req.requests]}]
    return [doc(req)]


def request(d):
    if d.get("type") not in ("request", "notification"):
        raise Unsupported("json-rpc encodes requests only")
    params = json.loads(d["params"]) if "params" in d else None
    _id = json.loads(d["id"]) if "id" in d else None
    return JSONRPC20Request(method=d["method"], params=params, _id=_id,
                            is_notification=d["type"] == "notification")


def encode(protocol, profile, docs):
    if protocol != "jsonrpc":
        raise Unsupported("json-rpc speaks JSON-RPC only")
    out = []
    try:
        for d in docs:
            if d.get("type") == "batch":
                out.append(JSONRPC20BatchRequest(*[request(x) for x in d["items"]]).json)
            else:
                out.append(request(d).json)
    except Unsupported:
        raise
    except Exception as e:
        raise Rejected("%s: %s" % (type(e).__name__, e))
    return "\n".join(out).encode("utf-8")


if __name__ == "__main__":
    main(decode, encode)
