#!/usr/bin/env python3
"""msgwire adapter for py-amqp (the ``amqp`` package used by Celery/kombu), AMQP 0-9-1 frames,
mapped to and from the canonical form of docs/forms/amqp.md.

py-amqp has no standalone frame decoder; this adapter drives its own pieces on a byte string:
- frames are split by ``amqp.transport._AbstractTransport.read_frame`` (py-amqp's reader, fed
  from memory instead of a socket); a frame type other than 1, 2, 3, 8 goes to a fresh
  ``amqp.method_framing.frame_handler``, which raises py-amqp's own ``UnexpectedFrame``;
- method arguments are read by ``amqp.serialization.loads`` with py-amqp's own format strings:
  for methods py-amqp receives, those of ``Connection._METHODS`` / ``Channel._METHODS`` (what
  ``dispatch_method`` uses); for methods it only sends, the format it writes them with, read
  from its source (``send_method(spec.X.Y, 'fmt' | argsig)``, ``argsig`` defaults). A method in
  neither is unknown to py-amqp: rejected as ``dispatch_method`` does (540);
- content headers by ``Message.inbound_header`` (``decode_properties_basic``); bodies as read.
Frame sequencing (``frame_handler``'s expected type per channel) is session state, not frame
syntax: it is not applied, as our ``strict`` profile does not apply it either.

What py-amqp does not keep, this adapter cannot report, and says what py-amqp assumes:
- the protocol header: py-amqp (a client) writes one but has no reader for it: input that
  starts with ``AMQP`` is answered "unsupported" (the case is skipped);
- a content header's weight is skipped (``>HxxQ``): reported as 0;
- method fields py-amqp's format does not read (``channel.open-ok`` reserved_1,
  ``connection.blocked`` reason, ``basic.cancel`` no_wait, ``basic.nack`` requeue, ...): reported
  as the domain's zero value (false, 0, "", []); bytes after the last field are ignored as
  py-amqp ignores them;
- field tables become dicts (order is kept, duplicate keys and wire types are lost): each value
  is tagged with the type py-amqp's own encoder (``_write_item``) would write for it: str and
  bytes S, bool t, float d, int I (|v| <= 2^31-1) else L, Decimal D (scale = -exponent), datetime
  T, dict F, list A, None V.
A rejection reports py-amqp's exception class as the kind and, for its ``AMQPError``s, their
reply code (``UnexpectedFrame`` 505, ``FrameSyntaxError`` 502, ``AMQPNotImplementedError`` 540);
other exceptions (``struct.error``, ``UnicodeDecodeError``, ``OverflowError``) carry no code.
Method and field names come from vectors/generate/amqp/spec091.json (the spec's names); py-amqp's
values are positional, in spec order. Encoding uses ``serialization.dumps`` with the same formats
(the send-side one first), ``frame_writer`` for method and heartbeat frames, and
``Message._serialize_properties`` for header properties (the frame envelope of header
and body frames is packed here: ``frame_writer`` only writes them after a method).
Usage: py_amqp_adapter.py decode|encode amqp, or serve (see conformance/README.md).
Written for msgwire; no code copied from py-amqp.
"""
import calendar
import datetime
import decimal
import inspect
import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402

from amqp import connection as aconn, channel as achan  # noqa: E402
from amqp import method_framing, serialization, transport  # noqa: E402
from amqp.basic_message import Message  # noqa: E402
from amqp.exceptions import AMQPError, AMQPNotImplementedError  # noqa: E402

SPEC_PATH = os.environ.get("MSGWIRE_AMQP_SPEC") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "vectors", "generate", "amqp", "spec091.json")

# The one profile of ours this peer is compared under.
PROFILES = ("strict",)

_spec = None  # (class_id, method_id) -> ("class.method", [(field, domain)])


def spec():
    global _spec
    if _spec is None:
        with open(SPEC_PATH, encoding="utf-8") as f:
            s = json.load(f)
        _spec = {}
        for c in s["classes"]:
            for m in c["methods"]:
                _spec[(c["id"], m["id"])] = (
                    "%s.%s" % (c["name"], m["name"]),
                    [(n.replace("-", "_"), d) for n, d in m["fields"]],
                )
    return _spec


# ---- py-amqp's own format strings

_SEND_RE = re.compile(r"send_method\(\s*spec\.(\w+)\.(\w+)\s*(?:,\s*('[A-Za-z]*'|argsig)|(?=\s*[,)]))")
_formats = None  # (recv, send): method_sig -> format string


def formats():
    """(receive formats, send formats), both read from the installed py-amqp."""
    global _formats
    if _formats is None:
        from amqp import spec as aspec
        recv = {}
        for cls in (aconn.Connection, achan.Channel):
            for sig, m in cls._METHODS.items():
                recv[tuple(sig)] = m.args or ""
        send = {}
        for cls in (aconn.Connection, achan.Channel):
            for name, fn in vars(cls).items():
                if not inspect.isfunction(fn):
                    continue
                try:
                    src = inspect.getsource(fn)
                except (OSError, TypeError):
                    continue
                argsig = inspect.signature(fn).parameters.get("argsig")
                for cname, mname, fmt in _SEND_RE.findall(src):
                    sig = tuple(getattr(getattr(aspec, cname), mname))
                    if fmt == "argsig":
                        if argsig is None or not isinstance(argsig.default, str):
                            continue
                        fmt = argsig.default
                    else:
                        fmt = fmt.strip("'")
                    send.setdefault(sig, fmt)
        _formats = (recv, send)
    return _formats


# ---- decode: bytes → py-amqp's readers → canonical documents

class _Exhausted(Exception):
    pass


class _MemoryTransport:
    """What ``read_frame`` needs of a transport: ``_read(n)`` exactly n bytes."""

    def __init__(self, data):
        self.data, self.pos = data, 0
        self._read_buffer, self.connected = b"", True

    def _read(self, n, initial=False):
        if self.pos + n > len(self.data):
            raise _Exhausted()
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out


class _Conn:
    """What ``frame_handler`` / ``frame_writer`` need of a connection."""

    def __init__(self, frame_max=131072):
        self.bytes_recv = self.bytes_sent = 0
        self.frame_max = frame_max


def canon_str(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        v = bytes(v)
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": v.hex()}
    if isinstance(v, str):
        try:
            v.encode("utf-8")
            return v
        except UnicodeEncodeError:  # a lone surrogate py-amqp let through (surrogatepass)
            return {"hex": v.encode("utf-8", "surrogatepass").hex()}
    return v


def special_float(v):
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def tagged(v):
    """A py-amqp table value → [tag, canonical value], tagged as ``_write_item`` would write it."""
    if isinstance(v, (str, bytes, bytearray, memoryview)):
        return ["S", canon_str(v)]
    if isinstance(v, bool):
        return ["t", v]
    if isinstance(v, float):
        return ["d", special_float(v)]
    if isinstance(v, int):
        return ["L" if v > 2147483647 or v < -2147483647 else "I", v]
    if isinstance(v, decimal.Decimal):
        sign, digits, exponent = v.as_tuple()
        raw = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        return ["D", {"scale": -exponent, "value": raw & 0xFFFFFFFF}]
    if isinstance(v, datetime.datetime):
        return ["T", calendar.timegm(v.utctimetuple())]
    if isinstance(v, dict):
        return ["F", table(v)]
    if isinstance(v, list):
        return ["A", [tagged(x) for x in v]]
    if v is None:
        return ["V", None]
    raise TypeError("unexpected table value %r" % (v,))


def table(d):
    return [[canon_str(k)] + tagged(v) for k, v in d.items()]


ZERO = {"bit": False, "octet": 0, "short": 0, "long": 0, "longlong": 0, "timestamp": 0,
        "shortstr": "", "longstr": "", "table": []}


def canon_field(v, domain):
    if domain == "table":
        return table(v or {})
    if domain in ("shortstr", "longstr"):
        return canon_str(v)
    if domain == "bit":
        return bool(v)
    if isinstance(v, datetime.datetime):
        return calendar.timegm(v.utctimetuple())
    return v


# py-amqp's property names → ours (only application_headers differs).
PROPS = [("content_type", "content_type"), ("content_encoding", "content_encoding"),
         ("application_headers", "headers"), ("delivery_mode", "delivery_mode"),
         ("priority", "priority"), ("correlation_id", "correlation_id"),
         ("reply_to", "reply_to"), ("expiration", "expiration"), ("message_id", "message_id"),
         ("timestamp", "timestamp"), ("type", "type"), ("user_id", "user_id"),
         ("app_id", "app_id"), ("cluster_id", "cluster_id")]


def read_method(buf):
    """py-amqp's reading of a method payload: (class_id, method_id), [values]."""
    cid, mid = struct.unpack_from(">HH", buf, 0)  # as frame_handler does
    recv, send = formats()
    fmt = recv.get((cid, mid), send.get((cid, mid)))
    if fmt is None:
        # what dispatch_method raises for a method it has no entry for
        raise AMQPNotImplementedError("Unknown AMQP method %r" % ((cid, mid),))
    values, _ = serialization.loads(fmt, buf, 4) if fmt else ([], 4)
    return (cid, mid), values


def method_doc(channel, sig, values):
    name, fields = spec().get(sig, (None, None))
    if name is None:
        raise Rejected("py-amqp knows method %d.%d, the spec does not" % sig)
    if len(values) > len(fields):
        raise Rejected("py-amqp's format for %s has more fields than the spec" % name)
    out = {}
    for i, (f, d) in enumerate(fields):
        out[f] = canon_field(values[i], d) if i < len(values) else ZERO[d]
    return {"type": "method", "channel": channel, "class_id": sig[0], "method_id": sig[1],
            "method": name, "fields": out}


def read_header(buf):
    """py-amqp's reading of a content header payload: a Message with body_size, properties."""
    msg = Message()
    msg.inbound_header(buf)
    return msg


def header_doc(channel, msg):
    props = {}
    for theirs, ours in PROPS:
        if theirs in msg.properties:
            v = msg.properties[theirs]
            props[ours] = table(v) if ours == "headers" else canon_str(v)
    # inbound_header only returns when PROPERTY_CLASSES knows the class: basic (60) alone.
    return {"type": "header", "channel": channel, "class_id": 60, "weight": 0,
            "body_size": msg.body_size, "properties": props}


def decode(protocol, profile, data):
    if protocol != "amqp":
        raise Unsupported("py-amqp speaks AMQP only")
    if profile not in PROFILES:
        raise Unsupported("py-amqp is run under the strict profile only")
    if data[:4] == b"AMQP":
        raise Unsupported("py-amqp has no reader for the protocol header (it only writes one)")
    src = _MemoryTransport(bytes(data))
    docs = []
    while src.pos < len(src.data):
        start = src.pos
        # Only py-amqp's own calls are in this try: what they raise is py-amqp rejecting the
        # input; an exception in the mapping below is an adapter bug, reported as a crash.
        try:
            try:
                frame_type, channel, payload = transport._AbstractTransport.read_frame(src)
            except _Exhausted:
                raise Rejected("incomplete frame", kind="incomplete", offset=start, docs=docs)
            if frame_type == 1:
                parsed = read_method(payload)
            elif frame_type == 2:
                parsed = read_header(payload)
            elif frame_type not in (3, 8):
                method_framing.frame_handler(_Conn(), lambda *a: None)((frame_type, channel, payload))
                raise Rejected("frame type %d passed py-amqp's frame_handler" % frame_type)
        except Rejected:
            raise
        except AMQPError as e:
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__,
                           code=e.reply_code or None, offset=start, docs=docs)
        except Exception as e:  # struct.error, UnicodeDecodeError, KeyError, ValueError...
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__,
                           offset=start, docs=docs)
        if frame_type == 1:
            docs.append(method_doc(channel, *parsed))
        elif frame_type == 2:
            docs.append(header_doc(channel, parsed))
        elif frame_type == 3:
            docs.append({"type": "body", "channel": channel, "size": len(payload),
                         "payload": canon_str(payload)})
        else:
            docs.append({"type": "heartbeat", "channel": channel})
    return docs


# ---- encode: canonical documents → py-amqp values → py-amqp's serializer

def raw_str(v):
    if isinstance(v, dict) and "hex" in v:
        return bytes.fromhex(v["hex"].replace(" ", ""))
    return v


def untag(tag, v):
    if tag == "F":
        return untable(v)
    if tag == "A":
        return [untag(t, x) for t, x in v]
    if tag == "D":
        raw = v["value"] - (1 << 32) if v["value"] >= 1 << 31 else v["value"]
        return decimal.Decimal(raw).scaleb(-v["scale"])
    if tag == "T":
        return datetime.datetime.fromtimestamp(v, datetime.timezone.utc)
    if tag in ("f", "d"):
        return float(v.lower().replace("infinity", "inf")) if isinstance(v, str) else float(v)
    if tag == "V":
        return None
    return raw_str(v)


def untable(entries):
    return {raw_str(k): untag(t, v) for k, t, v in entries}


def envelope(frame_type, channel, payload):
    return struct.pack(">BHI", frame_type, channel, len(payload)) + payload + b"\xce"


def encode(protocol, profile, docs):
    if protocol != "amqp":
        raise Unsupported("py-amqp speaks AMQP only")
    out = []

    class _Sink:
        def write(self, b):
            out.append(bytes(b))

    conn = _Conn()
    write_frame = method_framing.frame_writer(conn, _Sink())
    recv, send = formats()
    for i, d in enumerate(docs):
        try:
            t = d["type"]
            if t == "protocol-header":
                if (d["protocol_id"], d["major"], d["minor"], d["revision"]) != (0, 0, 9, 1):
                    raise Rejected("py-amqp writes only its own protocol header (0-9-1)")
                out.append(transport.AMQP_PROTOCOL_HEADER)
            elif t == "heartbeat":
                write_frame(8, d["channel"], None, b"", None)
            elif t == "body":
                p = raw_str(d["payload"])
                out.append(envelope(3, d["channel"], p.encode("utf-8") if isinstance(p, str) else p))
            elif t == "header":
                if d["class_id"] != 60 or d.get("weight", 0) != 0 or d.get("flag_words", 1) != 1:
                    raise Rejected("py-amqp writes basic headers with weight 0 and one flag word only")
                props = {theirs: (untable(d["properties"][ours]) if ours == "headers"
                                  else raw_str(d["properties"][ours]))
                         for theirs, ours in PROPS if ours in d["properties"]}
                msg = Message(**props)
                out.append(envelope(2, d["channel"], struct.pack(">HHQ", 60, 0, d["body_size"])
                                    + msg._serialize_properties()))
            elif t == "method":
                sig = (d["class_id"], d["method_id"])
                fmt = send.get(sig, recv.get(sig))
                if fmt is None:
                    raise Rejected("py-amqp has no format for method %d.%d" % sig)
                _, fields = spec()[sig]
                if len(fmt) != len(fields):
                    raise Rejected("py-amqp's format %r for %s covers %d of its %d fields"
                                   % (fmt, d["method"], len(fmt), len(fields)))
                vals = []
                for (f, dom), p in zip(fields, fmt):
                    v = d["fields"][f]
                    if dom == "table":
                        v = untable(v)
                    elif p == "T":
                        v = datetime.datetime.fromtimestamp(v, datetime.timezone.utc)
                    else:
                        v = raw_str(v)
                    vals.append(v)
                args = serialization.dumps(fmt, vals)
                # frame_writer packs a whole frame (8 + 4 + args octets) into a buffer of
                # frame_max - 8 octets; the document decides the size.
                conn.frame_max = max(conn.frame_max, len(args) + 20)
                write_frame(1, d["channel"], sig, args, None)
            else:
                raise Rejected("unknown frame type %r" % t)
        except Rejected:
            raise
        except Exception as e:
            raise Rejected("document %d: %s: %s" % (i, type(e).__name__, e))
    return b"".join(out)


if __name__ == "__main__":
    main(decode, encode)
