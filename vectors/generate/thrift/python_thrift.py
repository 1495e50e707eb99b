#!/usr/bin/env python3
"""Thrift messages written by Apache Thrift's Python library (PyPI `thrift`), and its verdicts
on bad input, for msgwire's Thrift codec (codecs/tests/thrift_python.rs).

Each message is described once, schema-less (the same shape msgwire decodes into: field id ->
typed value, in wire order), and written with the library's own TBinaryProtocol (strict) and
TCompactProtocol through TMemoryBuffer; exceptions are written by TApplicationException.write.
Must-reject inputs are read with readMessageBegin + skip(STRUCT), as a server's processor
reads a message it does not know; the exception type it raises is recorded.

    python3 -m venv /tmp/thriftvenv && /tmp/thriftvenv/bin/pip install thrift==0.22.0
    /tmp/thriftvenv/bin/python vectors/generate/thrift/python_thrift.py \
        > codecs/tests/data/thrift-python.json
"""
import importlib.metadata
import json
import math

from thrift.protocol import TBinaryProtocol, TCompactProtocol
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException, TMessageType, TType
from thrift.transport import TTransport

TYPES = {
    "bool": TType.BOOL, "byte": TType.BYTE, "i16": TType.I16, "i32": TType.I32,
    "i64": TType.I64, "double": TType.DOUBLE, "binary": TType.STRING,
    "struct": TType.STRUCT, "map": TType.MAP, "set": TType.SET, "list": TType.LIST,
}
KINDS = {"call": TMessageType.CALL, "reply": TMessageType.REPLY,
         "exception": TMessageType.EXCEPTION, "oneway": TMessageType.ONEWAY}


def v(t, x, **kw):
    return dict(type=t, value=x, **kw)


def s(*fields):
    return v("struct", [[i, x] for i, x in fields])


def write(p, val):
    t, x = val["type"], val["value"]
    if t == "bool": p.writeBool(x)
    elif t == "byte": p.writeByte(x)
    elif t == "i16": p.writeI16(x)
    elif t == "i32": p.writeI32(x)
    elif t == "i64": p.writeI64(x)
    elif t == "double": p.writeDouble(float(x) if not isinstance(x, str) else float(x.replace("inf", "inf")))
    elif t == "binary": p.writeBinary(bytes.fromhex(x))
    elif t == "struct":
        p.writeStructBegin("s")
        for fid, f in x:
            p.writeFieldBegin("f", TYPES[f["type"]], fid)
            write(p, f)
            p.writeFieldEnd()
        p.writeFieldStop()
        p.writeStructEnd()
    elif t in ("list", "set"):
        (p.writeListBegin if t == "list" else p.writeSetBegin)(TYPES[val["elem"]], len(x))
        for e in x:
            write(p, e)
        (p.writeListEnd if t == "list" else p.writeSetEnd)()
    elif t == "map":
        p.writeMapBegin(TYPES[val["key"]], TYPES[val["val"]], len(x))
        for k, e in x:
            write(p, k)
            write(p, e)
        p.writeMapEnd()


def encode(factory, name, kind, seqid, body):
    buf = TTransport.TMemoryBuffer()
    p = factory.getProtocol(buf)
    p.writeMessageBegin(name, KINDS[kind], seqid)
    if isinstance(body, TApplicationException):
        body.write(p)
    else:
        write(p, body)
    p.writeMessageEnd()
    return buf.getvalue()


def text(x):
    return v("binary", x.encode().hex())


lines = [text(f"line {i}: the quick brown fox") for i in range(16)]
MESSAGES = [
    ("empty-call", "ping", "call", 1, s()),
    ("oneway", "log", "oneway", 0, s((1, text("hello")))),
    ("every-scalar", "scalars", "call", 7, s(
        (1, v("bool", True)), (2, v("bool", False)), (3, v("byte", -128)), (4, v("i16", -32768)),
        (5, v("i32", 2147483647)), (6, v("i64", -9223372036854775808)), (7, v("double", 1.5)),
        (8, text("héllo ✓")), (9, v("binary", "00ff80")), (10, v("double", -0.0)))),
    ("field-ids", "ids", "call", -1, s(
        (1, v("i32", 1)), (16, v("i32", 16)), (17, v("i32", 17)), (-5, v("i32", -5)),
        (32767, v("i32", 0)), (3, v("bool", True)), (-32768, v("bool", False)))),
    ("containers", "containers", "call", 300, s(
        (1, v("list", [v("i32", 1), v("i32", -2)], elem="i32")),
        (2, v("set", [text("a"), text("b")], elem="binary")),
        (3, v("map", [[text("k"), v("i64", 1)]], key="binary", val="i64")),
        (4, v("list", [v("bool", True), v("bool", False)], elem="bool")),
        (5, v("list", lines, elem="binary")),
        (6, v("list", [], elem="struct")),
        (7, v("map", [[v("i16", 2), v("double", 0.25)], [v("i16", 3), v("double", 1e300)]], key="i16", val="double")),
        (8, v("list", [v("list", [v("byte", 1)], elem="byte"), v("list", [], elem="byte")], elem="list")),
        (9, v("map", [[v("i32", 1), s((1, text("x")))]], key="i32", val="struct")))),
    ("nested-structs", "nest", "reply", 42, s((0, s((1, s((1, s((1, v("i32", 4)))))))))),
    ("union", "pick", "call", 5, s((2, s((3, text("only one field")))))),
    ("declared-exception", "get", "reply", 9, s((1, s((1, text("not found")), (2, v("i32", 404)))))),
    ("application-exception", "nosuch", "exception", 11,
     TApplicationException(TApplicationException.UNKNOWN_METHOD, "Unknown function nosuch")),
    ("internal-error", "get", "exception", 12,
     TApplicationException(TApplicationException.INTERNAL_ERROR, "boom")),
]

# Inputs the library must refuse: (id, protocol, hex, what is wrong).
BAD = [
    ("negative-string-length", "binary", "80010001 00000001 78 00000000 0b0001 ffffffff 00", "string length -1"),
    ("negative-list-size", "binary", "80010001 00000001 78 00000000 0f0001 08 ffffffff 00", "list size -1"),
    ("bad-version", "binary", "80020001 00000001 78 00000000 00", "version 2"),
    ("unknown-type", "binary", "80010001 00000001 78 00000000 110001 00", "field type 17"),
    ("deep-nesting", "binary", "80010001 00000001 78 00000000 " + "0c0001" * 100 + "00" * 101, "100 nested structs"),
    ("truncated", "binary", "80010001 00000001 78 00000000 080001 0000", "i32 cut short"),
    ("huge-declared-list", "binary", "80010001 00000001 78 00000000 0f0001 0a 7fffffff 00", "2^31-1 i64s declared, none sent"),
    ("bad-protocol-id", "compact", "83 21 00 01 78 00", "protocol id 0x83"),
    ("bad-compact-version", "compact", "82 22 00 01 78 00", "version 2"),
    ("compact-unknown-type", "compact", "82 21 00 01 78 1e 00", "field type 14"),
    ("compact-negative-length", "compact", "82 21 00 01 78 18 ffffffff0f 00", "binary length -1"),
    ("compact-overlong-varint", "compact", "82 21 00 01 78 15 8080808080808080808001 00", "an 11-byte var int"),
]


def verdict(proto, data):
    buf = TTransport.TMemoryBuffer(data)
    p = (TBinaryProtocol.TBinaryProtocol(buf, strictRead=True) if proto == "binary"
         else TCompactProtocol.TCompactProtocol(buf))
    try:
        p.readMessageBegin()
        p.skip(TType.STRUCT)
        p.readMessageEnd()
    except TProtocolException as e:
        return {"accepted": False, "exception": f"TProtocolException type {e.type}: {e.message}"}
    except Exception as e:  # the library's other failures (EOF is a TTransportException)
        return {"accepted": False, "exception": f"{type(e).__name__}: {e}"}
    return {"accepted": True}


def main():
    version = importlib.metadata.version("thrift")
    cases = []
    for cid, name, kind, seqid, body in MESSAGES:
        for proto, factory in (("binary", TBinaryProtocol.TBinaryProtocolFactory()),
                               ("compact", TCompactProtocol.TCompactProtocolFactory())):
            data = encode(factory, name, kind, seqid, body)
            if isinstance(body, TApplicationException):
                body_desc = s((1, text(body.message)), (2, v("i32", body.type)))
            else:
                body_desc = body
            cases.append({"id": f"{cid}/{proto}", "protocol": proto, "hex": data.hex(),
                          "message": {"name": name, "type": kind, "seqid": seqid,
                                      "body": body_desc["value"]},
                          "peer_reads_back": verdict(proto, data)["accepted"]})
    bad = []
    for cid, proto, hx, what in BAD:
        data = bytes.fromhex(hx.replace(" ", ""))
        bad.append({"id": cid, "protocol": proto, "hex": data.hex(), "what": what,
                    "peer": verdict(proto, data)})
    json.dump({"peer": f"thrift (PyPI) {version}",
               "generator": "vectors/generate/thrift/python_thrift.py",
               "cases": cases, "must_reject": bad}, __import__("sys").stdout, indent=1)
    print()


main()
