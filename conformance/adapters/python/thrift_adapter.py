#!/usr/bin/env python3
"""msgwire adapter for Apache Thrift's Python library (PyPI ``thrift``), mapped to and from the
canonical form of Thrift messages (docs/forms/thrift.md).

Decode reads every message of the input as a Thrift server reads one it has no generated code
for: ``readMessageBegin``, then the body through the library's generic protocol reader
(``readFieldBegin``, ``readListBegin``, ``readMapBegin``, ...), and ``readMessageEnd``; messages
follow each other until the input is used up. Each message is read in the protocol its first
byte names (0x82 compact, ``[`` TJSONProtocol, else binary: the convention of the form; a JSON
``str`` is read as its own text, schema-less, as the form reads it; the binary reader is the
library's default, ``strictRead=False``, so it takes the old header too). Profiles: ``strict``
and ``lenient`` (the library has one reading: what it accepts, it accepts under both),
``framed`` (inside a ``TFramedTransport``), ``header`` (THeader frames, through the library's
``THeaderProtocol`` accepting the client type HEADERS only: the document gains ``header`` with
the frame's flags, sequence number and info headers). Encode writes each document with the same
protocol's writer (``writeMessageBegin``, ``writeFieldBegin``, ...), in its ``protocol``.

uuid (type id 16) is read and written (``readUuid``, ``writeUuid``) where the library has it
(from 0.23; 0.22 has not: a uuid is then an unknown type to it).

Errors: ``kind`` is the exception's class name, ``code`` the ``TProtocolException`` type when
the library raises one.
Usage: thrift_adapter.py decode|encode thrift, or serve (see conformance/README.md).
"""
import math
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402

from thrift.protocol import TBinaryProtocol, TCompactProtocol, TJSONProtocol  # noqa: E402
from thrift.protocol.TProtocol import TProtocolException  # noqa: E402
from thrift.Thrift import TMessageType, TType  # noqa: E402
from thrift.transport import TTransport  # noqa: E402
from thrift.protocol.THeaderProtocol import THeaderProtocol  # noqa: E402
from thrift.transport.THeaderTransport import THeaderClientType  # noqa: E402

PROFILES = ("strict", "lenient", "framed", "header")
NAMES = {
    TType.BOOL: "bool", TType.BYTE: "byte", TType.I16: "i16", TType.I32: "i32",
    TType.I64: "i64", TType.DOUBLE: "double", TType.STRING: "binary", TType.STRUCT: "struct",
    TType.MAP: "map", TType.SET: "set", TType.LIST: "list",
}
# uuid where the library knows the type (TType.UUID and the protocols' readUuid/writeUuid).
UUID = getattr(TType, "UUID", None)
if UUID is not None:
    NAMES[UUID] = "uuid"
TYPES = {v: k for k, v in NAMES.items()}
TYPES.update({"string": TType.STRING, "i8": TType.BYTE})
KINDS = {TMessageType.CALL: "call", TMessageType.REPLY: "reply",
         TMessageType.EXCEPTION: "exception", TMessageType.ONEWAY: "oneway"}
MESSAGE_TYPES = {v: k for k, v in KINDS.items()}


def protocol(name, trans):
    if name == "compact":
        return TCompactProtocol.TCompactProtocol(trans)
    if name == "json":
        return TJSONProtocol.TJSONProtocol(trans)
    return TBinaryProtocol.TBinaryProtocol(trans)


def v(t, x, **kw):
    return dict(type=t, value=x, **kw)


def double(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def read_value(p, t):
    if t == TType.BOOL:
        return v("bool", p.readBool())
    if t == TType.BYTE:
        return v("byte", p.readByte())
    if t == TType.I16:
        return v("i16", p.readI16())
    if t == TType.I32:
        return v("i32", p.readI32())
    if t == TType.I64:
        return v("i64", p.readI64())
    if t == TType.DOUBLE:
        return v("double", double(p.readDouble()))
    if t == TType.STRING:
        if isinstance(p, TJSONProtocol.TJSONProtocol):
            # Schema-less: a JSON string's own text (a binary field's is its base64).
            return v("binary", p.readString().encode("utf-8").hex())
        return v("binary", p.readBinary().hex())
    if t == TType.STRUCT:
        return v("struct", read_fields(p))
    if UUID is not None and t == UUID:
        return v("uuid", p.readUuid().bytes.hex())
    if t in (TType.LIST, TType.SET):
        et, n = p.readListBegin() if t == TType.LIST else p.readSetBegin()
        items = [read_value(p, et) for _ in range(n)]
        p.readListEnd() if t == TType.LIST else p.readSetEnd()
        return v(NAMES[t], items, elem=NAMES.get(et, str(et)))
    if t == TType.MAP:
        kt, vt, n = p.readMapBegin()
        entries = [[read_value(p, kt), read_value(p, vt)] for _ in range(n)]
        p.readMapEnd()
        # An empty compact map has no key and value types on the wire: the form says bool.
        return v("map", entries, key=NAMES.get(kt, "bool"), val=NAMES.get(vt, "bool"))
    p.skip(t)  # an unknown type: the library's own answer (it raises)
    raise TProtocolException(TProtocolException.INVALID_DATA, "skipped unknown type %d" % t)


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


def decode_header(data):
    mem = TTransport.TMemoryBuffer(data)
    docs = []
    while mem.cstringio_buf.tell() < len(data):
        at = mem.cstringio_buf.tell()
        p = THeaderProtocol(mem, [THeaderClientType.HEADERS])
        try:
            mname, kind, seqid = p.readMessageBegin()
            body = read_fields(p)
            p.readMessageEnd()
            name = {0: "binary", 2: "compact"}[p.trans.protocol_id]
        except TProtocolException as e:
            raise Rejected("TProtocolException type %d: %s" % (e.type, e.message),
                           kind="TProtocolException", code=e.type, offset=at, docs=docs)
        except RecursionError:
            raise Rejected("RecursionError", kind="RecursionError", offset=at, docs=docs)
        except Exception as e:  # TTransportException, TApplicationException, EOFError...
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__,
                           offset=at, docs=docs)
        info = [[k.hex(), v.hex()] for k, v in p.get_headers().items()]
        docs.append({"protocol": name, "name": mname, "type": KINDS.get(kind, kind),
                     "seqid": seqid, "body": body,
                     "header": {"flags": p.trans.flags, "seqid": p.trans.sequence_id,
                                "info": info}})
    return docs


def decode(proto, profile, data):
    if proto != "thrift":
        raise Unsupported("the thrift library speaks Thrift only")
    if profile not in PROFILES:
        raise Unsupported("profile %s" % profile)
    if profile == "header":
        return decode_header(data)
    framed = profile == "framed"
    mem = TTransport.TMemoryBuffer(data)
    trans = TTransport.TFramedTransport(mem) if framed else mem
    docs = []
    while True:
        at = mem.cstringio_buf.tell()
        # Framed: the bytes of the current frame the last message left unread come first.
        rest = b""
        if framed:
            rbuf = trans.cstringio_buf
            rest = rbuf.getvalue()[rbuf.tell():]
        if at >= len(data) and not rest:
            return docs
        first = rest[:1] if rest else data[at + 4 if framed else at:][:1]
        name = "compact" if first == b"\x82" else "json" if first == b"[" else "binary"
        p = protocol(name, trans)
        try:
            mname, kind, seqid = p.readMessageBegin()
            body = read_fields(p)
            p.readMessageEnd()
        except TProtocolException as e:
            raise Rejected("TProtocolException type %d: %s" % (e.type, e.message),
                           kind="TProtocolException", code=e.type, offset=at, docs=docs)
        except RecursionError:
            raise Rejected("RecursionError", kind="RecursionError", offset=at, docs=docs)
        except Exception as e:  # EOFError, TTransportException, UnicodeDecodeError, KeyError...
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__,
                           offset=at, docs=docs)
        # A message type the library read without complaint but the form has no name for
        # stays a number: the document shows the acceptance.
        docs.append({"protocol": name, "name": mname, "type": KINDS.get(kind, kind),
                     "seqid": seqid, "body": body})


# ---- encode

def float_of(x):
    return float(x.lower().replace("infinity", "inf")) if isinstance(x, str) else float(x)


def write_value(p, doc):
    t, x = doc["type"], doc["value"]
    if t == "bool":
        p.writeBool(x)
    elif t in ("byte", "i8"):
        p.writeByte(x)
    elif t == "i16":
        p.writeI16(x)
    elif t == "i32":
        p.writeI32(x)
    elif t == "i64":
        p.writeI64(x)
    elif t == "double":
        p.writeDouble(float_of(x))
    elif t in ("binary", "string"):
        if isinstance(p, TJSONProtocol.TJSONProtocol):
            p.writeString(bytes.fromhex(x).decode("utf-8"))
        else:
            p.writeBinary(bytes.fromhex(x))
    elif t == "struct":
        write_fields(p, x)
    elif t == "uuid" and UUID is not None:
        p.writeUuid(uuid.UUID(bytes=bytes.fromhex(x)))
    elif t in ("list", "set"):
        (p.writeListBegin if t == "list" else p.writeSetBegin)(TYPES[doc["elem"]], len(x))
        for e in x:
            write_value(p, e)
        (p.writeListEnd if t == "list" else p.writeSetEnd)()
    elif t == "map":
        p.writeMapBegin(TYPES[doc["key"]], TYPES[doc["val"]], len(x))
        for k, e in x:
            write_value(p, k)
            write_value(p, e)
        p.writeMapEnd()
    else:
        raise Unsupported("type %s (the library's generic writer has none)" % t)


def write_fields(p, fields):
    p.writeStructBegin("s")
    for fid, f in fields:
        p.writeFieldBegin("f", TYPES.get(f["type"], TType.STOP), fid)
        write_value(p, f)
        p.writeFieldEnd()
    p.writeFieldStop()
    p.writeStructEnd()


def encode(proto, profile, docs):
    if proto != "thrift":
        raise Unsupported("the thrift library speaks Thrift only")
    if profile not in PROFILES:
        raise Unsupported("profile %s" % profile)
    out = b""
    for doc in docs:
        mem = TTransport.TMemoryBuffer()
        trans = TTransport.TFramedTransport(mem) if profile == "framed" else mem
        if profile == "header" or "header" in doc:
            pid = {"binary": 0, "compact": 2}.get(doc.get("protocol", "binary"))
            if pid is None:
                raise Unsupported("THeaderProtocol carries binary or compact only")
            p = THeaderProtocol(mem, [THeaderClientType.HEADERS], pid)
            h = doc.get("header", {})
            for k, v in h.get("info", []):
                p.set_header(bytes.fromhex(k), bytes.fromhex(v))
            trans = p.trans
        else:
            p = protocol(doc.get("protocol", "binary"), trans)
        try:
            p.writeMessageBegin(doc["name"], MESSAGE_TYPES[doc["type"]], doc["seqid"])
            if trans is not mem and hasattr(trans, "sequence_id"):
                h = doc.get("header", {})
                trans.flags = h.get("flags", 0)
                trans.sequence_id = h.get("seqid", doc["seqid"])
            write_fields(p, doc["body"])
            p.writeMessageEnd()
            trans.flush()
        except (TProtocolException, ValueError, KeyError, TypeError, OverflowError) as e:
            raise Rejected("%s: %s" % (type(e).__name__, e))
        out += mem.getvalue()
    return out


main(decode, encode)
