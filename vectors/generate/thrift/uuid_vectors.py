#!/usr/bin/env python3
"""Golden vectors for Thrift's uuid type (type id 16) from Python `thrift` 0.25 (PyPI).

    uuid_vectors.py OUT_DIR
    uuid_vectors.py --cross FILE     (checks another peer's uuid vectors: see cross())

conformance.thrift cannot hold a uuid field (Debian's thrift-compiler 0.17 predates the type), so
this program writes its messages with the library's protocol API directly: writeMessageBegin,
writeStructBegin, writeFieldBegin(name, TType.UUID, id), writeUuid, writeListBegin(TType.UUID, n),
... -- the library's own encoders of each protocol (binary, compact, TJSONProtocol). Every message
is then read back with the library's generic reader (readMessageBegin / readFieldBegin / readUuid
...): that reading is the expected canonical document (docs/forms/thrift.md), so no expectation
comes from msgwire. Must-reject inputs (a uuid cut short; in TJSONProtocol malformed uuid strings)
carry the same reader's verdict; only inputs the library itself refuses are kept.

Writes OUT_DIR/uuid-python.json (format msgwire-vectors/1).
"""
import importlib.metadata
import json
import sys
import uuid

from thrift.protocol import TBinaryProtocol, TCompactProtocol, TJSONProtocol
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TMessageType, TType
from thrift.transport import TTransport

OUT = sys.argv[-1]
GROUP = "uuid-python"
PROTOCOLS = {
    "binary": lambda t: TBinaryProtocol.TBinaryProtocol(t, strictRead=True, strictWrite=True),
    "compact": TCompactProtocol.TCompactProtocol,
    "json": TJSONProtocol.TJSONProtocol,
}
NAMES = {
    TType.BOOL: "bool", TType.BYTE: "byte", TType.I16: "i16", TType.I32: "i32",
    TType.I64: "i64", TType.DOUBLE: "double", TType.STRING: "binary", TType.STRUCT: "struct",
    TType.MAP: "map", TType.SET: "set", TType.LIST: "list", TType.UUID: "uuid",
}
KINDS = {TMessageType.CALL: "call", TMessageType.REPLY: "reply",
         TMessageType.EXCEPTION: "exception", TMessageType.ONEWAY: "oneway"}

A = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
B = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
C = uuid.UUID("01020304-0506-0708-090a-0b0c0d0e0f10")  # not an RFC 9562 version or variant
NIL = uuid.UUID(int=0)
MAX = uuid.UUID(int=(1 << 128) - 1)

# Messages as trees the writer walks: values are (TType, payload); struct payloads are lists of
# (field id, value); lists/sets (elem type, [payloads]); maps (key type, value type, [(k, v)]).
U = TType.UUID


def u(x):
    return (U, x)


def lst(t, items, kind=TType.LIST):
    return (kind, (t, items))


MESSAGES = [
    # (id, name, message type, seqid, body fields)
    ("store-call", "store", TMessageType.CALL, 1, [
        (1, u(A)),
        (2, lst(U, [NIL, MAX, B])),
        (3, lst(U, [C], kind=TType.SET)),
        (4, (TType.MAP, (U, TType.STRING, [(A, "a")]))),
        (5, (TType.MAP, (TType.STRING, U, [("b", B)]))),
        (6, (TType.MAP, (U, U, [(NIL, MAX), (C, A)]))),
        (7, (TType.STRUCT, [(1, u(MAX)), (2, (TType.I32, 7))])),
        (8, lst(U, [])),
        # A field-id jump past 15: compact writes the long field header.
        (40, u(B)),
        (-1, u(C)),
    ]),
    ("store-reply", "store", TMessageType.REPLY, 1, [(0, u(A))]),
    ("many-call", "many", TMessageType.CALL, 2, [
        # 16 elements: compact's long list header.
        (1, lst(U, [uuid.UUID(int=(i << 120) | i) for i in range(16)])),
        (2, lst(TType.LIST, [(U, [A, B]), (U, [])])),
        (3, (TType.MAP, (TType.I32, TType.SET, [(1, (U, [NIL])), (2, (U, [MAX, C]))]))),
    ]),
    ("many-reply", "many", TMessageType.REPLY, 2, [
        (0, (TType.STRUCT, [(1, lst(U, [B, A])), (2, u(NIL))])),
    ]),
    ("notify-oneway", "notify", TMessageType.ONEWAY, 3, [(1, u(MAX))]),
]


def write_value(p, t, x):
    if t == U:
        p.writeUuid(x)
    elif t == TType.STRING:
        p.writeString(x)
    elif t == TType.I32:
        p.writeI32(x)
    elif t == TType.STRUCT:
        write_fields(p, x)
    elif t in (TType.LIST, TType.SET):
        et, items = x
        (p.writeListBegin if t == TType.LIST else p.writeSetBegin)(et, len(items))
        for item in items:
            write_value(p, et, item)
        (p.writeListEnd if t == TType.LIST else p.writeSetEnd)()
    elif t == TType.MAP:
        kt, vt, entries = x
        p.writeMapBegin(kt, vt, len(entries))
        for k, val in entries:
            write_value(p, kt, k)
            write_value(p, vt, val)
        p.writeMapEnd()
    else:
        raise ValueError(f"type {t}")


def write_fields(p, fields):
    p.writeStructBegin("s")
    for fid, (t, x) in fields:
        p.writeFieldBegin("f", t, fid)
        write_value(p, t, x)
        p.writeFieldEnd()
    p.writeFieldStop()
    p.writeStructEnd()


def write_message(pname, name, kind, seqid, fields):
    buf = TTransport.TMemoryBuffer()
    p = PROTOCOLS[pname](buf)
    p.writeMessageBegin(name, kind, seqid)
    write_fields(p, fields)
    p.writeMessageEnd()
    return buf.getvalue()


def v(t, x, **kw):
    return dict(type=t, value=x, **kw)


def read_value(p, t):
    if t == U:
        return v("uuid", p.readUuid().bytes.hex())
    if t == TType.I32:
        return v("i32", p.readI32())
    if t == TType.STRING:
        if isinstance(p, TJSONProtocol.TJSONProtocol):
            # Schema-less: a JSON string's own text.
            return v("binary", p.readString().encode("utf-8").hex())
        return v("binary", p.readBinary().hex())
    if t == TType.STRUCT:
        return v("struct", read_fields(p))
    if t in (TType.LIST, TType.SET):
        et, n = p.readListBegin() if t == TType.LIST else p.readSetBegin()
        items = [read_value(p, et) for _ in range(n)]
        p.readListEnd() if t == TType.LIST else p.readSetEnd()
        return v(NAMES[t], items, elem=NAMES[et])
    if t == TType.MAP:
        kt, vt, n = p.readMapBegin()
        entries = [[read_value(p, kt), read_value(p, vt)] for _ in range(n)]
        p.readMapEnd()
        return v("map", entries, key=NAMES.get(kt, "bool"), val=NAMES.get(vt, "bool"))
    raise ValueError(f"type {t}")


def read_fields(p):
    p.readStructBegin()
    fields = []
    while True:
        _, t, fid = p.readFieldBegin()
        if t == TType.STOP:
            break
        fields.append([fid, read_value(p, t)])
        p.readFieldEnd()
    p.readStructEnd()
    return fields


def read_message(pname, data):
    """The canonical document of `data` as the library reads it; raises what the library raises
    (or AssertionError for bytes left over)."""
    buf = TTransport.TMemoryBuffer(data)
    p = PROTOCOLS[pname](buf)
    name, kind, seqid = p.readMessageBegin()
    body = read_fields(p)
    p.readMessageEnd()
    assert buf.read(1) == b"", "trailing bytes"
    return {"protocol": pname, "name": name, "type": KINDS[kind], "seqid": seqid, "body": body}


def peer_says(pname, data):
    try:
        read_message(pname, data)
    except TProtocolException as e:
        return False, f"TProtocolException type {e.type}: {e.message}"
    except Exception as e:  # EOFError, ValueError from uuid.UUID, ...
        return False, f"{type(e).__name__}: {e}"
    return True, "read the message"


BIN = "Thrift binary protocol spec (doc/specs/thrift-binary-protocol.md): uuid (type id 16) is 16 bytes, big-endian"
CMP = "Thrift compact protocol spec (doc/specs/thrift-compact-protocol.md): uuid (compact type 13) is 16 bytes, big-endian"
JSN = ("Thrift TJSONProtocol (lib/cpp/src/thrift/protocol/TJSONProtocol.h; type name \"uid\"): a uuid is "
       "the JSON string xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (32 hex digits, 8-4-4-4-12)")
SPEC = {"binary": BIN, "compact": CMP, "json": JSN}


def json_call(text):
    """A TJSONProtocol call 'x' whose field 1 is a uuid written as `text` (raw JSON)."""
    return ('[1,"x",1,0,{"1":{"uid":%s}}]' % text).encode()


def must_reject():
    """(name, protocol, bytes, kind, code, description) of inputs the library refuses."""
    cut = []
    for pname in ("binary", "compact", "json"):
        data = write_message(pname, "x", TMessageType.CALL, 0, [(1, u(A))])
        # The input ends 8 bytes into the uuid (in JSON: 8 characters into its string).
        at = data.index(A.bytes if pname != "json" else str(A).encode()) + 8
        cut.append((f"{pname}-uuid-cut-short", pname, data[:at], "truncated", 1,
                    "a uuid field whose input ends after 8 of its 16 bytes"
                    if pname != "json" else "a uuid string whose input ends after 8 characters"))
    # A list declaring two uuids and holding one and a half.
    data = write_message("binary", "x", TMessageType.CALL, 0, [(1, lst(U, [A, B]))])
    cut.append(("binary-uuid-list-cut-short", "binary", data[:data.index(B.bytes) + 4],
                "truncated", 1, "a list of two uuids whose input ends 4 bytes into the second"))
    data = write_message("compact", "x", TMessageType.CALL, 0, [(1, lst(U, [A, B]))])
    cut.append(("compact-uuid-list-cut-short", "compact", data[:data.index(B.bytes) + 4],
                "truncated", 1, "a list of two uuids whose input ends 4 bytes into the second"))
    bad = [
        ("json-uuid-short", '"00112233-4455-6677-8899-aabbccddee"', "a uuid string of 30 hex digits"),
        ("json-uuid-long", '"00112233-4455-6677-8899-aabbccddeeff00"', "a uuid string of 34 hex digits"),
        ("json-uuid-not-hex", '"00112233-4455-6677-8899-aabbccddeefg"', "a uuid string with a 'g'"),
        ("json-uuid-underscores", '"00112233_4455_6677_8899_aabbccddeeff"',
         "a uuid string with underscores for dashes"),
        ("json-uuid-space", '" 00112233-4455-6677-8899-aabbccddeeff"', "a uuid string with a leading space"),
        ("json-uuid-empty", '""', "an empty uuid string"),
        ("json-uuid-number", "1", "a number where the uuid string should be"),
        ("json-uuid-base64", '"ABEiM0RVZneImaq7zN3u/w=="', "the uuid's 16 bytes in base64, as a binary is written"),
        ("json-uuid-plus-signs", '"+f+f+f+f-+f+f-+f+f-+f+f-+f+f+f+f+f+f"',
         "a uuid string of 8-4-4-4-12 characters whose hex pairs are '+f' (a sign is no hex digit)"),
    ]
    for name, text, desc in bad:
        cut.append((name, "json", json_call(text), "json-syntax", 1, desc))
    return cut


def main():
    version = importlib.metadata.version("thrift")
    peer = f"thrift (PyPI) {version}"
    cases = []
    for pname in PROTOCOLS:
        for cid, name, kind, seqid, fields in MESSAGES:
            data = write_message(pname, name, kind, seqid, fields)
            doc = read_message(pname, data)
            cases.append({
                "id": f"thrift/{GROUP}/{cid}-{pname}",
                "description": f"{doc['type']} {name!r} carrying uuids, written by the library's "
                               f"{pname} protocol (writeUuid)",
                "spec": SPEC[pname],
                "verdict": "y",
                "input": {"hex": data.hex()},
                "expect": [doc],
            })
    # Uppercase hex digits: not what the library writes, but what it reads; msgwire writes lowercase
    # back, so no byte-exact round trip.
    data = json_call('"00112233-4455-6677-8899-AABBCCDDEEFF"')
    cases.append({
        "id": f"thrift/{GROUP}/uuid-uppercase-json",
        "description": "a uuid string in uppercase hex (the library writes lowercase and reads both)",
        "spec": JSN,
        "verdict": "y",
        "input": {"hex": data.hex()},
        "expect": [read_message("json", data)],
        "roundtrip": False,
        "provenance": {"peer": "hand-written",
                       "reason": "no peer writes uppercase uuids; the expected document is the Python library's reading"},
    })
    for name, pname, data, kind, code, desc in must_reject():
        accepted, says = peer_says(pname, data)
        assert not accepted, f"{name}: the library accepts it"
        cases.append({
            "id": f"thrift/{GROUP}/{name}",
            "description": desc,
            "spec": SPEC[pname],
            "verdict": {"strict": "n", "lenient": "n"},
            "input": {"hex": data.hex()},
            "error": {"kind": kind, "code": code},
            "provenance": {"peer": "hand-written",
                           "reason": "no peer writes invalid messages; the input is a peer-written message cut or "
                                     "edited, and x-peer is the Python library's reading of it"},
            "x-peer": {"peer": peer, "accepted": False, "says": says},
        })
    doc = {
        "format": "msgwire-vectors/1",
        "protocol": "thrift",
        "group": GROUP,
        "description": "uuid (type id 16) in calls, replies and a oneway, as a field, in lists, sets "
                       "and maps (keys and values), nested, in the binary, compact and JSON protocols, "
                       "written by the Python library's protocol API (no IDL: thrift-compiler 0.17 "
                       "predates uuid); expected documents read back with the library's generic "
                       "reader; must-reject inputs the library refuses, with its verdict in x-peer",
        "provenance": {"peer": "thrift (PyPI)", "version": version,
                       "generator": "vectors/generate/thrift/uuid_vectors.py"},
        "cases": cases,
    }
    with open(f"{OUT}/uuid-python.json", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def cross(path):
    """This library reads every message of another peer's file (uuid-node.json) to the documents
    that peer read, and refuses what it refused; exits non-zero otherwise."""
    with open(path) as f:
        doc = json.load(f)
    bad = []
    for case in doc["cases"]:
        data = bytes.fromhex(case["input"]["hex"])
        if case["verdict"] == "y":
            pname = case["expect"][0]["protocol"]
            try:
                ok = read_message(pname, data) == case["expect"][0]
            except Exception:
                ok = False
        else:
            ok = not peer_says(case["id"].split("/")[-1].split("-")[0], data)[0]
        if not ok:
            bad.append(case["id"])
    if bad:
        sys.exit(f"{path}: the Python library reads these otherwise: {bad}")
    print(f"{path}: the Python library reads all {len(doc['cases'])} cases alike")


if sys.argv[1] == "--cross":
    cross(sys.argv[2])
else:
    main()
