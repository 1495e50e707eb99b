#!/usr/bin/env python3
"""msgwire adapter for ``jsonrpcserver``: its request pipeline up to dispatch, as
``dispatch_to_response`` runs it (``deserialize_request`` with ``json.loads``, ``validate_request``
with the package's JSON-schema validator, ``create_request`` per item), mapped to the canonical
JSON-RPC form (docs/forms/jsonrpc.md). Decode only (a server does not write requests).

A parse failure or a schema failure is rejected with the code jsonrpcserver answers (-32700,
-32600). Requests only: an input that is a response is unsupported (skipped). What the library
keeps: ``Request(method, params, id)`` with ``params`` defaulting to ``[]`` (an absent params
member is reported as ``"[]"``), and Python values re-serialized compactly as JSON text.
Usage: jsonrpcserver_adapter.py decode jsonrpc, or serve (see conformance/README.md).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402

from jsonrpcserver.dispatcher import create_request, deserialize_request, validate_request  # noqa: E402
from jsonrpcserver.main import default_validator  # noqa: E402
from jsonrpcserver.sentinels import NOID  # noqa: E402
from oslash.either import Left  # noqa: E402  (jsonrpcserver's own dependency)

PROFILES = ("strict",)


def text(v):
    return json.dumps(v, separators=(",", ":"))


def is_response(d):
    return isinstance(d, dict) and "method" not in d and ("result" in d or "error" in d)


def doc(r):
    notification = r.id is NOID
    d = {"type": "notification" if notification else "request", "method": r.method,
         "params": text(r.params)}
    if not notification:
        d["id"] = text(r.id)
    return d


def decode(protocol, profile, data):
    if protocol != "jsonrpc":
        raise Unsupported("jsonrpcserver speaks JSON-RPC only")
    if profile not in PROFILES:
        raise Unsupported("jsonrpcserver is run under the strict profile only")
    try:
        request = data.decode("utf-8")
    except UnicodeDecodeError as e:  # dispatch() takes a str: the caller's decode fails first
        raise Rejected("UnicodeDecodeError: %s" % e, kind="UnicodeDecodeError")
    parsed = deserialize_request(json.loads, request)
    if isinstance(parsed, Left):
        e = parsed._error
        raise Rejected("%s: %s" % (e.message, e.data), kind="parse-error", code=e.code)
    value = parsed._value
    if is_response(value) or (isinstance(value, list) and value and all(is_response(x) for x in value)):
        raise Unsupported("jsonrpcserver parses requests only")
    valid = validate_request(default_validator, value)
    if isinstance(valid, Left):
        e = valid._error
        raise Rejected("%s: %s" % (e.message, e.data), kind="invalid-request", code=e.code)
    if isinstance(value, list):
        return [{"type": "batch", "items": [doc(create_request(x)) for x in value]}]
    return [doc(create_request(value))]


def encode(protocol, profile, docs):
    raise Unsupported("jsonrpcserver does not write requests")


if __name__ == "__main__":
    main(decode, encode)
