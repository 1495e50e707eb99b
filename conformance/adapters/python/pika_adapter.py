#!/usr/bin/env python3
"""msgwire adapter for pika (AMQP 0-9-1 frames): ``pika.frame.decode_frame`` and pika's frame
``marshal()``, mapped to and from the canonical form of docs/forms/amqp.md.

What pika's objects do not keep, this adapter cannot report, and says what pika assumes:
- the protocol header's protocol-id octet is skipped by pika: reported as 0;
- a content header's weight is read and dropped: reported as 0;
- field tables become dicts (order, duplicates and wire types are lost): each value is tagged
  with the type pika's own encoder would write for it (str S, bytes x, bool t, int l or L,
  Decimal D, datetime T, dict F, list A, None V, float d).
Method and field names come from vectors/generate/amqp/spec091.json (the spec's names); pika's
constructor arguments are in spec order, so fields are matched by position.
Usage: pika_adapter.py decode|encode amqp, or serve (see conformance/README.md).
"""
import calendar
import datetime
import decimal
import inspect
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Rejected, Unsupported, main  # noqa: E402

import pika  # noqa: E402
from pika import frame as pframe, spec as pspec  # noqa: E402

SPEC_PATH = os.environ.get("MSGWIRE_AMQP_SPEC") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "vectors", "generate", "amqp", "spec091.json")

_methods = None  # (class_id, method_id) -> (name "class.method", [(field, domain)])


def methods():
    global _methods
    if _methods is None:
        with open(SPEC_PATH, encoding="utf-8") as f:
            s = json.load(f)
        _methods = {}
        for c in s["classes"]:
            for m in c["methods"]:
                _methods[(c["id"], m["id"])] = (
                    "%s.%s" % (c["name"], m["name"]),
                    [(n.replace("-", "_"), d) for n, d in m["fields"]],
                )
    return _methods


def pika_params(cls):
    return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]


# The one profile of ours this peer is compared under.
PROFILES = ("strict",)


def canon_str(v):
    if isinstance(v, (bytes, bytearray)):
        try:
            return bytes(v).decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": bytes(v).hex()}
    return v


def tagged(v):
    """A pika table value → [tag, canonical value], tagged as pika's encoder would write it."""
    if isinstance(v, str):
        return ["S", v]
    if isinstance(v, (bytes, bytearray)):
        return ["x", {"hex": bytes(v).hex()}]
    if isinstance(v, bool):
        return ["t", v]
    if isinstance(v, int):
        return ["L" if v < 0 else "l", v]
    if isinstance(v, decimal.Decimal):
        exp = v.as_tuple().exponent
        scale = -exp if exp < 0 else 0
        raw = int(v * (decimal.Decimal(10) ** scale))
        return ["D", {"scale": scale, "value": raw & 0xFFFFFFFF}]
    if isinstance(v, datetime.datetime):
        return ["T", calendar.timegm(v.utctimetuple())]
    if isinstance(v, dict):
        return ["F", table(v)]
    if isinstance(v, list):
        return ["A", [tagged(x) for x in v]]
    if v is None:
        return ["V", None]
    if isinstance(v, float):
        if v != v:
            return ["d", "NaN"]
        if v in (float("inf"), float("-inf")):
            return ["d", "Infinity" if v > 0 else "-Infinity"]
        return ["d", v]
    raise TypeError("unexpected table value %r" % (v,))


def table(d):
    return [[canon_str(k)] + tagged(v) for k, v in d.items()]


def canon_field(v, domain):
    if domain == "table":
        return table(v or {})
    if domain in ("shortstr", "longstr"):
        return canon_str(v)
    if domain == "bit":
        return bool(v)
    return v


PROPS = ["content_type", "content_encoding", "headers", "delivery_mode", "priority",
         "correlation_id", "reply_to", "expiration", "message_id", "timestamp", "type",
         "user_id", "app_id", "cluster_id"]


def canon(fr, data, pos):
    if isinstance(fr, pframe.ProtocolHeader):
        return {"type": "protocol-header", "protocol_id": 0, "major": fr.major,
                "minor": fr.minor, "revision": fr.revision}
    if isinstance(fr, pframe.Heartbeat):
        # pika's Heartbeat has no channel; the frame's is in the bytes pika decoded.
        return {"type": "heartbeat", "channel": struct.unpack_from(">H", data, pos + 1)[0]}
    if isinstance(fr, pframe.Body):
        return {"type": "body", "channel": fr.channel_number, "size": len(fr.fragment),
                "payload": canon_str(fr.fragment)}
    if isinstance(fr, pframe.Header):
        props = {}
        for p in PROPS:
            v = getattr(fr.properties, p, None)
            if v is not None:
                props[p] = table(v) if p == "headers" else canon_str(v)
        return {"type": "header", "channel": fr.channel_number, "class_id": 60, "weight": 0,
                "body_size": fr.body_size, "properties": props}
    if isinstance(fr, pframe.Method):
        m = fr.method
        cid, mid = m.INDEX >> 16, m.INDEX & 0xFFFF
        name, fields = methods().get((cid, mid), (None, None))
        if name is None:
            raise Rejected("pika knows method %d.%d but the spec does not" % (cid, mid))
        params = pika_params(type(m))
        if len(params) != len(fields):
            raise Rejected("pika's %s has %d fields, the spec %d" % (name, len(params), len(fields)))
        return {"type": "method", "channel": fr.channel_number, "class_id": cid, "method_id": mid,
                "method": name,
                "fields": {f: canon_field(getattr(m, p), d) for (f, d), p in zip(fields, params)}}
    raise Rejected("unexpected frame %r" % (fr,))


def decode(protocol, profile, data):
    if protocol != "amqp":
        raise Unsupported("pika speaks AMQP only")
    if profile not in PROFILES:
        raise Unsupported("pika is run under the strict profile only")
    docs, pos = [], 0
    while pos < len(data):
        try:
            used, fr = pframe.decode_frame(data[pos:])
        except Exception as e:  # pika's rejection (InvalidFrameError, KeyError, struct.error...)
            raise Rejected("%s: %s" % (type(e).__name__, e), kind=type(e).__name__, offset=pos, docs=docs)
        if fr is None or used == 0:
            raise Rejected("incomplete frame", kind="incomplete", offset=pos, docs=docs)
        docs.append(canon(fr, data, pos))
        pos += used
    return docs


# ---- encode: canonical documents → pika objects → pika's marshal()

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
    if tag in ("f", "d") and isinstance(v, str):
        return float(v.lower().replace("infinity", "inf"))
    if tag == "x":
        return raw_str(v)
    return raw_str(v)


def untable(entries):
    return {raw_str(k): untag(t, v) for k, t, v in entries}


def encode(protocol, profile, docs):
    if protocol != "amqp":
        raise Unsupported("pika speaks AMQP only")
    out = []
    for i, d in enumerate(docs):
        try:
            t = d["type"]
            if t == "protocol-header":
                fr = pframe.ProtocolHeader(d["major"], d["minor"], d["revision"])
            elif t == "heartbeat":
                fr = pframe.Heartbeat()
            elif t == "body":
                p = raw_str(d["payload"])
                fr = pframe.Body(d["channel"], p.encode("utf-8") if isinstance(p, str) else p)
            elif t == "header":
                props = {k: (untable(v) if k == "headers" else raw_str(v))
                         for k, v in d["properties"].items() if k in PROPS}
                fr = pframe.Header(d["channel"], d["body_size"], pspec.BasicProperties(**props))
            elif t == "method":
                cls = pspec.methods[(d["class_id"] << 16) | d["method_id"]]
                _, fields = methods()[(d["class_id"], d["method_id"])]
                args = {}
                for (f, dom), p in zip(fields, pika_params(cls)):
                    v = d["fields"][f]
                    args[p] = untable(v) if dom == "table" else raw_str(v)
                fr = pframe.Method(d["channel"], cls(**args))
            else:
                raise Rejected("unknown frame type %r" % t)
            out.append(fr.marshal())
        except Rejected:
            raise
        except Exception as e:
            raise Rejected("document %d: %s: %s" % (i, type(e).__name__, e))
    return b"".join(out)


if __name__ == "__main__":
    main(decode, encode)
