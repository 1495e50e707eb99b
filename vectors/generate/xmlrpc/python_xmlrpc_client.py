#!/usr/bin/env python3
"""Writes vectors/xmlrpc/python-xmlrpc-client.json: documents made by Python's xmlrpc.client.

Every input is the exact output of `xmlrpc.client.dumps` (the stdlib marshaller). The expected
canonical form is computed here from the Python values that were marshalled -- never from
msgwire's decoder. Deterministic: same output on every run with the same Python.

Run: python3 vectors/generate/xmlrpc/python_xmlrpc_client.py   (from the repository root)
"""
import base64
import json
import math
import os
import platform
import xmlrpc.client as x

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "vectors", "xmlrpc")
GENERATOR = "vectors/generate/xmlrpc/python_xmlrpc_client.py"
PEER = "python xmlrpc.client"
VERSION = platform.python_version()
SPEC = "XML-RPC spec (xmlrpc.com/spec.md)"


def norm_text(s):
    # XML 1.0 §2.11: a parser reports CR LF and lone CR as LF. Python writes CR raw.
    return s.replace("\r\n", "\n").replace("\r", "\n")


def form(v):
    """The canonical JSON form (docs/forms/xmlrpc.md) of a Python value as Python marshals it."""
    if v is None:
        return {"nil": None}
    if isinstance(v, bool):
        return {"boolean": v}
    if isinstance(v, int):
        return {"int": v}
    if isinstance(v, float):
        if math.isnan(v):
            return {"double": "nan"}
        if math.isinf(v):
            return {"double": "inf" if v > 0 else "-inf"}
        return {"double": v}
    if isinstance(v, str):
        return {"string": norm_text(v)}
    if isinstance(v, (bytes, bytearray)):
        # dump_bytes writes "<base64>\n" then base64.encodebytes (76-char lines, each ending \n).
        return {"base64": "\n" + base64.encodebytes(bytes(v)).decode("ascii")}
    if isinstance(v, x.DateTime):
        return {"dateTime.iso8601": v.value}
    if isinstance(v, (list, tuple)):
        return {"array": [form(i) for i in v]}
    if isinstance(v, dict):
        return {"struct": [[k, form(i)] for k, i in v.items()]}
    raise TypeError(type(v))


def python_view(doc):
    """What Python's own unmarshaller makes of the document (for findings)."""
    try:
        return repr(x.loads(doc, use_builtin_types=True))
    except x.Fault as f:
        return "accepts: Fault(%r, %r)" % (f.faultCode, f.faultString)
    except Exception as e:  # noqa: BLE001 - any failure is the peer's answer
        return "rejects: %s: %s" % (type(e).__name__, e)


cases = []
os.makedirs(os.path.join(OUT, "data"), exist_ok=True)


def add(name, description, doc, expect, verdict="y", roundtrip=True, spec=SPEC, findings=None,
        error=None, as_file=False):
    case = {"id": "xmlrpc/python-xmlrpc-client/" + name, "description": description, "spec": spec,
            "verdict": verdict}
    if as_file:
        rel = "data/python-" + name + ".xml"
        with open(os.path.join(OUT, rel), "w", encoding="utf-8", newline="") as f:
            f.write(doc)
        case["input"] = {"file": rel}
    else:
        case["input"] = {"text": doc}
    if expect is not None:
        if roundtrip:
            expect = dict(expect, layout="pretty")
        case["expect"] = [expect]
    if error is not None:
        case["error"] = error
    if not roundtrip:
        case["roundtrip"] = False
    if findings:
        case["findings"] = findings
    cases.append(case)


def call(name, description, method, params, allow_none=False, **kw):
    doc = x.dumps(tuple(params), method, allow_none=allow_none)
    add(name, description, doc, {"kind": "call", "method": method, "params": [form(p) for p in params]}, **kw)


def response(name, description, value, allow_none=False, **kw):
    doc = x.dumps((value,), methodresponse=True, allow_none=allow_none)
    add(name, description, doc, {"kind": "response", "params": [form(value)]}, **kw)


def fault(name, description, code, string, **kw):
    doc = x.dumps(x.Fault(code, string), methodresponse=True)
    add(name, description, doc, {"kind": "fault", "fault": form({"faultCode": code, "faultString": string})}, **kw)


DT = x.DateTime("19980717T14:08:55")
call("all-types", "one param of every type Python writes", "validator1.manyTypesTest",
     [7, True, "hello", 3.25, DT, b"you can't read this!"])
call("int-limits", "int at both ends of the 32-bit range", "m", [2147483647, -2147483648, 0])
call("booleans", "true and false", "m", [True, False])
call("strings", "ASCII, non-ASCII, escapes, tabs and newlines", "m",
     ["plain", "caf\u00e9 \u2603 \U0001F600", "a<b>&c \"q\" 'a'", "tab\there\nnewline", ""])
call("doubles", "doubles Python writes in decimal notation", "m", [0.1, -2.5, 1.0, 123456.789, -0.0])
call("double-exponent", "large and small doubles: Python's repr() uses an exponent", "m", [1e16, 1.5e-7],
     verdict={"strict": "n", "apache": "n", "lenient": "y"}, roundtrip=False,
     error={"kind": "invalid-double", "code": -32600},
     spec=SPEC + " §Scalar values: double -- 'only decimal point notation is allowed'",
     findings=[{"peer": PEER + " " + VERSION, "peer_says": "<double>1e+16</double> (repr())",
                "spec_says": "a plus or a minus, digits, a period and digits; no exponent",
                "note": "strict rejects, lenient (Python's own float()) accepts"}])
call("double-nan-inf", "NaN and infinities: Python writes repr() (nan, inf, -inf)", "m",
     [float("nan"), float("inf"), float("-inf")],
     verdict={"strict": "n", "apache": "n", "lenient": "y"},
     error={"kind": "invalid-double", "code": -32600},
     spec=SPEC + " §Scalar values: 'There is no representation for infinity or negative infinity or \"not a number\"'",
     findings=[{"peer": PEER + " " + VERSION, "peer_says": "<double>nan</double>",
                "spec_says": "no representation for NaN or infinity",
                "note": "Python marshals non-finite floats without complaint"}])
call("datetime", "dateTime.iso8601 in the spec's form", "m", [DT, x.DateTime("20000229T23:59:59")])
call("base64-multiline", "base64 of 200 bytes: encodebytes wraps at 76 characters", "m",
     [bytes(range(200))])
call("base64-empty", "base64 of no bytes", "m", [b""])
call("array-nested", "arrays, nested and empty", "m", [[1, [2, ["x", []]], []]])
call("struct-nested", "structs, nested and empty, member order kept", "m",
     [{"b": 1, "a": {"z": "x", "y": {}}, "c": []}])
call("nil-allow-none", "None with allow_none=True: <nil/>, written with no newline after it", "m",
     [None, [None, 1], {"k": None}], allow_none=True)
call("no-params", "a call with no params: an empty <params> element", "system.listMethods", [])
call("validator1-array-of-structs-test", "UserLand validator1 arrayOfStructsTest request",
     "validator1.arrayOfStructsTest",
     [[{"moe": 1, "larry": 2, "curly": 3}, {"moe": 4, "larry": 5, "curly": 6}]])
call("validator1-count-the-entities", "UserLand validator1 countTheEntities request (escaped entities)",
     "validator1.countTheEntities", ["<<>>&&''\"\"x"])
call("string-cr", "a string with CR: Python writes it raw, so XML parsers deliver LF", "m", ["a\r\nb\rc"],
     roundtrip=False, spec="XML 1.0 §2.11 End-of-Line Handling",
     findings=[{"peer": PEER + " " + VERSION, "peer_says": "writes CR unescaped, so \"a\\r\\nb\" arrives as \"a\\nb\"",
                "spec_says": "XML parsers must normalize CR LF and CR to LF; CR must be sent as &#13; to survive",
                "note": "Python's own loads() also returns LF: " + python_view(x.dumps(("a\r\nb\rc",), "m"))}])
call("method-name-space", "Python allows any method name, here one with a space", "get value",
     [1], verdict={"strict": "n", "apache": "n", "lenient": "y"},
     error={"kind": "invalid-method-name", "code": -32600},
     spec=SPEC + " §Request format: 'The string may only contain identifier characters, upper and lower-case A-Z, the numeric characters, 0-9, underscore, dot, colon and slash.'",
     findings=[{"peer": PEER + " " + VERSION, "peer_says": "<methodName>get value</methodName>",
                "spec_says": "identifier characters, digits, _ . : / only", "note": "Python does not check"}])
ctl = x.dumps(("a\x01b",), "m")
add("control-char", "a string with U+0001: Python writes it raw, which is not well-formed XML", ctl, None,
    verdict="n", error={"kind": "invalid-char", "code": -32702}, spec="XML 1.0 §2.2 Characters",
    findings=[{"peer": PEER + " " + VERSION, "peer_says": "writes U+0001 unescaped",
               "spec_says": "XML 1.0 has no way to carry U+0001 (not even &#1;)",
               "note": "Python's own loads() says: " + python_view(ctl)}])
big = "".join(chr(0x20 + (i * 7) % 95) for i in range(100 * 1024))
call("string-100k", "a 100 KiB string (all printable ASCII, escapes included)", "m", [big], as_file=True)
response("response-int", "a response with one int", 42)
response("response-struct", "validator1 easyStructTest-style struct response",
         {"moe": 1, "larry": 2, "curly": 3})
response("response-nil", "a None response with allow_none=True", None, allow_none=True)
response("response-array-of-all", "an array of every type in a response",
         [1, False, "s", 0.5, DT, b"\x00\xff", [], {}])
fault("fault", "a fault as Python writes it: int faultCode, string faultString", 4, "Too many parameters.")
fault("fault-escaped", "a fault string with markup characters", -32601, "<unknown> & 'method'")

group = {
    "format": "msgwire-vectors/1",
    "protocol": "xmlrpc",
    "group": "python-xmlrpc-client",
    "description": "documents written by Python's xmlrpc.client.dumps (stdlib); layout 'pretty' is Python's",
    "provenance": {"peer": PEER, "version": VERSION, "generator": GENERATOR},
    "cases": cases,
}
os.makedirs(os.path.join(OUT, "data"), exist_ok=True)
with open(os.path.join(OUT, "python-xmlrpc-client.json"), "w", encoding="utf-8", newline="\n") as f:
    json.dump(group, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("wrote %d cases" % len(cases))
