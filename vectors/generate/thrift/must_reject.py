#!/usr/bin/env python3
"""Must-reject Thrift vectors (vectors/thrift/must-reject.json): one minimal input per
adversarial class of issue 16 (negative and oversize lengths, huge declared containers, overlong
var ints, unknown type ids, deep nesting, bad protocol ids and versions, bad frames; and the
TJSONProtocol ones: counts that do not match, unknown type names, lone surrogates), written by
hand because no peer writes them. Each case records what the Python library (PyPI `thrift`) does
with the same bytes, read as a server reads a message it does not know (readMessageBegin, then
skip(STRUCT), inside a TFramedTransport for the framed cases); where it accepts, the case carries
a finding.

    must_reject.py OUT_DIR
"""
import importlib.metadata
import json
import sys

from thrift.protocol import TBinaryProtocol, TCompactProtocol, TJSONProtocol
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TType
from thrift.protocol.THeaderProtocol import THeaderProtocol
from thrift.transport import TTransport
from thrift.transport.THeaderTransport import THeaderClientType

OUT = sys.argv[1]
BIN = "Thrift binary protocol spec (doc/specs/thrift-binary-protocol.md)"
CMP = "Thrift compact protocol spec (doc/specs/thrift-compact-protocol.md)"
JSON = "Thrift TJSONProtocol (lib/cpp/src/thrift/protocol/TJSONProtocol.h)"
FRAMED = "Thrift framed transport (TFramedTransport: a 4-byte big-endian length, then the message); TConfiguration's max frame size 16384000"
HEADER = "Thrift THeader (doc/specs/HeaderFormat.md: LENGTH, 0x0FFF, FLAGS, SEQUENCE NUMBER, HEADER SIZE in 4-byte words, then PROTOCOL ID, NUM TRANSFORMS, TRANSFORM IDs and INFO headers as var ints inside the header)"
LIMITS = "Apache Thrift TConfiguration defaults (max message size 100 MiB, recursion depth 64)"

# A strict binary call header for method "x", seqid 0; a compact one.
BH = "80010001 00000001 78 00000000"
CH = "82 21 00 01 78"

# A THeader frame's fixed part (magic, flags 0, seqid 0) and the strict binary call above, with
# a 14-byte frame length for a one-word header: THF(words) + header + BM.
BM = "80010001 00000001 78 00000000 00"


def thf(words, header, payload=BM, length=None):
    body = bytes.fromhex(("0fff0000 00000000 %04x " % words + header + " " + payload).replace(" ", ""))
    n = len(body) if length is None else length
    return "%08x " % n + body.hex()


# (name, input hex, profile, expected kind, code, spec, description). Profile None: every
# unframed profile; "framed": the framed profile only; "header": the THeader profile only.
CASES = [
    # -- negative and oversize lengths
    ("binary-negative-string-length", BH + " 0b0001 ffffffff 00", None, "negative-length", 2, BIN + ": binary length is a signed int32; negative is invalid", "a string field of length -1"),
    ("binary-negative-name-length", "80010001 fffffffe 00000000 00", None, "negative-length", 2, BIN + ": message name length", "a method name of length -2"),
    ("binary-string-past-input", BH + " 0b0001 00000064 616263 00", None, "truncated", 1, BIN, "a string of 100 bytes declared, 3 sent and the input ends"),
    ("binary-oversize-string", BH + " 0b0001 7fffffff 00", None, "string-limit", 3, LIMITS, "a string of 2^31-1 bytes declared (above the 100 MiB limit)"),
    ("compact-negative-binary-length", CH + " 18 ffffffff0f 00", None, "negative-length", 2, CMP + ": byte-length as var int (a 32-bit length above 2^31-1 is negative)", "a binary field of length 2^32-1"),
    ("compact-oversize-name", "82 21 00 ffffffff07 00", None, "string-limit", 3, LIMITS, "a method name of 2^31-1 bytes declared"),
    # -- huge declared containers
    ("binary-negative-list-size", BH + " 0f0001 08 ffffffff 00", None, "negative-length", 2, BIN + ": list size is a signed int32", "a list of -1 i32s"),
    ("binary-negative-map-size", BH + " 0d0001 0b08 80000000 00", None, "negative-length", 2, BIN + ": map size is a signed int32", "a map of -2^31 entries"),
    ("binary-huge-list", BH + " 0f0001 0a 7fffffff 00", None, "size-limit", 3, LIMITS + ": a container's elements take at least their minimum size each", "2^31-1 i64s declared, none sent"),
    ("binary-huge-map", BH + " 0d0001 0b0b 10000000 00", None, "size-limit", 3, LIMITS, "2^28 string-to-string entries declared (at least 2 GiB), none sent"),
    ("compact-huge-list", CH + " 19 f6 ffffffff07 00", None, "size-limit", 3, LIMITS, "2^31-1 doubles declared in a list's long form, none sent"),
    ("compact-huge-map", CH + " 1b ffffffff07 88 00", None, "size-limit", 3, LIMITS, "2^31-1 binary-to-binary map entries declared, none sent"),
    ("compact-negative-list-size", CH + " 19 f5 ffffffff0f 00", None, "negative-length", 2, CMP + ": size as var int (above 2^31-1 is negative)", "a list of 2^32-1 i32s"),
    # -- overlong var ints
    ("compact-overlong-varint-i32", CH + " 15 8080808080808080808001 00", None, "overlong-varint", 1, CMP + ": var ints take 1 to 5 bytes (int32)", "an i32 field as an 11-byte var int"),
    ("compact-overlong-varint-i32-6", CH + " 15 808080808000 00", None, "overlong-varint", 1, CMP + ": var ints take 1 to 5 bytes (int32)", "an i32 field as a 6-byte var int"),
    ("compact-overlong-varint-i64", CH + " 16 8080808080808080808000 00", None, "overlong-varint", 1, CMP + ": var ints take 1 to 10 bytes (int64)", "an i64 field as an 11-byte var int"),
    ("compact-overlong-seqid", "82 21 808080808001 01 78 00", None, "overlong-varint", 1, CMP + ": the seqid is a 32-bit var int", "a seqid of 6 bytes"),
    ("compact-varint-overflows-i32", CH + " 15 ffffffff7f 00", None, "overlong-varint", 1, CMP + ": int32 var int", "a 5-byte var int whose last byte sets bits above 32"),
    # -- unknown type ids
    ("binary-unknown-field-type", BH + " 110001 00", None, "unknown-type", 1, BIN + ": field-type ids 2-16", "a field of type 17"),
    ("binary-unknown-field-type-1", BH + " 010001 00", None, "unknown-type", 1, BIN + ": field-type ids 2-16 (1 is unused)", "a field of type 1"),
    ("binary-stop-as-list-element", BH + " 0f0001 00 00000001 00", None, "unknown-type", 1, BIN + ": a list's element type", "a list whose element type is STOP (0)"),
    ("compact-unknown-field-type", CH + " 1e 00", None, "unknown-type", 1, CMP + ": types 1-13", "a field of type 14"),
    ("compact-unknown-element-type", CH + " 19 1f 00 00", None, "unknown-type", 1, CMP + ": element types", "a list whose element type is 15"),
    # -- deep nesting
    ("binary-deep-structs", BH + " " + "0c0001" * 100 + "00" * 101, None, "depth-limit", 6, LIMITS, "100 nested structs"),
    ("compact-deep-lists", CH + " 19 " + "19" * 99 + "09" + "00", None, "depth-limit", 6, LIMITS, "100 nested lists of one list each"),
    # -- bad protocol ids and versions, bad message types, bad names
    ("binary-bad-version", "80020001 00000001 78 00000000 00", None, "bad-version", 4, BIN + ": the version is 1", "strict header version 2"),
    ("binary-bad-version-high-bit", "ff010001 00000001 78 00000000 00", None, "bad-version", 4, BIN + ": 1vvvvvvv vvvvvvvv with version 0x8001", "a first byte 0xff"),
    ("compact-bad-protocol-id", "83 21 00 01 78 00", None, "bad-version", 4, CMP + ": protocol id 0x82 (a first byte with the high bit set that is not 0x82 is read as a strict binary header: bad version)", "protocol id 0x83"),
    ("compact-bad-version", "82 22 00 01 78 00", None, "bad-version", 4, CMP + ": version 1", "compact version 2"),
    ("binary-message-type-0", "80010000 00000001 78 00000000 00", None, "message-type", 1, BIN + ": message types 1-4", "message type 0"),
    ("binary-message-type-5", "80010005 00000001 78 00000000 00", None, "message-type", 1, BIN + ": message types 1-4", "message type 5"),
    ("compact-message-type-5", "82 a1 00 01 78 00", None, "message-type", 1, CMP + ": message types 1-4", "message type 5"),
    ("binary-name-not-utf8", "80010001 00000002 c328 00000000 00", None, "invalid-utf8", 1, BIN + ": the name is a string (UTF-8)", "a method name that is not UTF-8"),
    ("compact-field-id-overflow", CH + " 05 feff03 00 f5 00 00", None, "field-id", 1, CMP + ": field ids are i16; a delta may not carry the id past 32767", "field 32767 then a delta of 15"),
    ("binary-truncated-header", "800100", None, "truncated", 1, BIN, "a header cut short"),
    # -- TJSONProtocol (the input as text, hex-encoded below)
    ("json-bad-version", "[2,\"x\",1,0,{}]", None, "bad-version", 4, JSON + ": the version is 1", "version 2"),
    ("json-message-type-5", "[1,\"x\",5,0,{}]", None, "message-type", 1, JSON + ": message types 1-4", "message type 5"),
    ("json-unknown-type-name", "[1,\"x\",1,0,{\"1\":{\"zz\":1}}]", None, "json-syntax", 1, JSON + ": the type names", "a field of type \"zz\""),
    ("json-negative-list-count", "[1,\"x\",1,0,{\"1\":{\"lst\":[\"i32\",-1]}}]", None, "negative-length", 2, JSON + ": a list's count", "a list of -1 elements"),
    ("json-huge-list-count", "[1,\"x\",1,0,{\"1\":{\"lst\":[\"i64\",2147483647]}}]", None, "size-limit", 3, LIMITS, "2^31-1 elements declared, none sent"),
    ("json-list-shorter-than-count", "[1,\"x\",1,0,{\"1\":{\"lst\":[\"i32\",2,1]}}]", None, "json-syntax", 1, JSON + ": a list holds as many elements as its count", "2 declared, 1 sent"),
    ("json-list-longer-than-count", "[1,\"x\",1,0,{\"1\":{\"lst\":[\"i32\",1,1,2]}}]", None, "json-syntax", 1, JSON + ": a list holds as many elements as its count", "1 declared, 2 sent"),
    ("json-byte-out-of-range", "[1,\"x\",1,0,{\"1\":{\"i8\":128}}]", None, "integer-range", 1, JSON + ": i8", "an i8 of 128"),
    ("json-field-id-out-of-range", "[1,\"x\",1,0,{\"40000\":{\"i32\":1}}]", None, "field-id", 1, JSON + ": field ids are i16", "field id 40000"),
    ("json-lone-surrogate", "[1,\"x\",1,0,{\"1\":{\"str\":\"\\ud800\"}}]", None, "json-syntax", 1, JSON + ": strings are JSON strings (RFC 8259 §7: a surrogate pair)", "a lone high surrogate"),
    ("json-deep-structs", "[1,\"x\",1,0," + "{\"1\":{\"rec\":" * 100 + "{}" + "}}" * 100 + "]", None, "depth-limit", 6, LIMITS, "100 nested structs"),
    # -- frames
    ("framed-negative-length", "ffffffff 80010001 00000001 78 00000000 00", "framed", "frame-size", 3, FRAMED, "a frame length of -1"),
    ("framed-oversize", "7fffffff 80010001", "framed", "frame-size", 3, FRAMED, "a frame length of 2^31-1, refused from the length alone"),
    ("framed-above-default-limit", "00fa0001 80010001", "framed", "frame-size", 3, FRAMED, "a frame length of 16384001"),
    ("framed-message-longer-than-frame", "00000005 80010001 00000001 78 00000000 00", "framed", "truncated", 1, FRAMED, "a 5-byte frame holding the first 5 bytes of a 14-byte message"),
    ("framed-bytes-after-message", "0000000f 80010001 00000001 78 00000000 00 00", "framed", "trailing-bytes", 1, FRAMED, "a frame one byte longer than its message"),
    ("framed-cut-short", "00000011 80010001 0000", "framed", "truncated", 1, FRAMED, "the input ends inside a frame"),
    # -- THeader frames
    ("header-bad-magic", thf(1, "00000000").replace("0fff0000", "0ffe0000", 1), "header", "header-magic", 4, HEADER + ": the magic is 0x0FFF", "a second word 0x0ffe0000"),
    ("header-binary-in-frame", "0000000e " + BM, "header", "header-magic", 4, HEADER + ": the magic is 0x0FFF (a framed binary message is another client type, not a THeader frame)", "a framed strict binary call where a THeader frame is expected"),
    ("header-frame-too-short", "00000004 0fff0000", "header", "header-size", 3, HEADER + ": 10 bytes of magic, flags, sequence number and header size", "a 4-byte frame"),
    ("header-size-past-frame", thf(0x10, "00000000"), "header", "header-size", 3, HEADER + ": the header lies inside the frame", "a header of 16 words in a 28-byte frame"),
    ("header-zlib-transform", thf(1, "00010100"), "header", "unsupported-transform", 5, HEADER + ": transform 1 is zlib (msgwire does not inflate: docs/thrift.md)", "a frame naming the zlib transform over an uncompressed payload"),
    ("header-unknown-transform", thf(1, "00010700"), "header", "unknown-transform", 5, HEADER + ": transform ids (1 zlib)", "transform id 7"),
    ("header-json-protocol-id", thf(1, "01000000"), "header", "header-protocol", 5, HEADER + ": protocol ids 0 binary, 2 compact (1, JSON, is spoken by neither peer)", "protocol id 1"),
    ("header-unknown-protocol-id", thf(1, "03000000"), "header", "header-protocol", 5, HEADER + ": protocol ids 0 binary, 2 compact", "protocol id 3"),
    ("header-negative-length", "ffffffff 0fff0000", "header", "frame-size", 3, FRAMED, "a THeader frame length of -1"),
    ("header-oversize-frame", "7fffffff 0fff0000", "header", "frame-size", 3, FRAMED + "; THeader's own ceiling 0x3FFFFFFF", "a frame length of 2^31-1, refused from the length alone"),
    ("header-above-default-limit", "00fa0001 0fff0000", "header", "frame-size", 3, FRAMED, "a THeader frame length of 16384001"),
    ("header-truncated-varint", thf(1, "80808080"), "header", "header-truncated", 1, HEADER + ": var ints inside the header", "a protocol id var int running to the header's end"),
    ("header-overlong-varint", thf(2, "00808080 80808001"), "header", "overlong-varint", 1, HEADER + ": 32-bit var ints take 1 to 5 bytes", "a transform count of 7 bytes"),
    ("header-info-key-past-header", thf(2, "00000101 056b0000"), "header", "header-truncated", 1, HEADER + ": info headers lie inside the header", "an info key of 5 bytes with 2 left in the header"),
    ("header-info-count-past-header", thf(1, "00000105"), "header", "header-truncated", 1, HEADER + ": info headers lie inside the header", "5 info header pairs declared, none in the header"),
    ("header-no-message", thf(1, "00000000", ""), "header", "truncated", 1, HEADER + ": the payload is one message", "a THeader frame with an empty payload"),
    ("header-bytes-after-message", thf(1, "00000000", BM + " 00"), "header", "trailing-bytes", 1, HEADER + ": the payload is one message", "a payload one byte longer than its message"),
    ("header-cut-short", thf(1, "00000000", length=28)[:29], "header", "truncated", 1, FRAMED, "the input ends inside a THeader frame"),
]

# Accepted by the specs' lenient readers, refused by the strict profile.
# The last item: the body the lenient profile reads (the reference readers: binary non-zero is
# true, compact 1 is true).
LENIENT = [
    ("binary-bool-byte-2", BH + " 020001 02 00", "invalid-bool", 1, BIN + ": a bool is 1 (true) or 0 (false)", "a bool field of byte 2 (the reference readers take any non-zero byte as true)",
     "binary", [[1, {"type": "bool", "value": True}]]),
    ("compact-bool-element-3", CH + " 19 11 03 00", "invalid-bool", 1, CMP + ": bool elements are 1 (true) or 2/0 (false)", "a list holding a bool byte 3 (the reference readers take anything but 1 as false)",
     "compact", [[1, {"type": "list", "elem": "bool", "value": [{"type": "bool", "value": False}]}]]),
]


def peer_verdict(proto, data, framed):
    if framed == "header":
        # As a THeader server reads: THeaderProtocol (headers only), readMessageBegin, skip.
        p = THeaderProtocol(TTransport.TMemoryBuffer(data), [THeaderClientType.HEADERS])
        try:
            p.readMessageBegin()
            p.skip(TType.STRUCT)
            p.readMessageEnd()
        except Exception as e:
            return False, f"{type(e).__name__}: {e}"
        return True, "read the message and skipped its body"
    buf = TTransport.TMemoryBuffer(data)
    trans = TTransport.TFramedTransport(buf) if framed else buf
    p = (TBinaryProtocol.TBinaryProtocol(trans, strictRead=True) if proto == "binary"
         else TJSONProtocol.TJSONProtocol(trans) if proto == "json"
         else TCompactProtocol.TCompactProtocol(trans))
    try:
        p.readMessageBegin()
        p.skip(TType.STRUCT)
        p.readMessageEnd()
    except TProtocolException as e:
        return False, f"TProtocolException type {e.type}: {e.message}"
    except Exception as e:  # the library's other failures (EOF is a TTransportException)
        return False, f"{type(e).__name__}: {e}"
    return True, "read the message and skipped its body"


def main():
    version = f"thrift (PyPI) {importlib.metadata.version('thrift')}"
    cases = []
    rows = [(n, h, prof, k, c, s, d, None) for n, h, prof, k, c, s, d in CASES]
    rows += [(n, h, "lenient", k, c, s, d, (p, b)) for n, h, k, c, s, d, p, b in LENIENT]
    for name, hx, profile, kind, code, spec, desc, lenient in rows:
        proto = ("compact" if name.startswith("compact") else
                 "json" if name.startswith("json") else "binary")
        data = hx.encode() if proto == "json" else bytes.fromhex(hx.replace(" ", ""))
        framed = profile == "framed"
        accepted, says = peer_verdict(proto, data, "header" if profile == "header" else framed)
        case = {
            "id": f"thrift/must-reject/{name}",
            "description": desc,
            "spec": spec,
            "verdict": ({"framed": "n"} if framed else
                        {"header": "n"} if profile == "header" else
                        {"strict": "n", "lenient": "y"} if lenient else
                        {"strict": "n", "lenient": "n"}),
            "input": {"hex": data.hex()},
            "error": {"kind": kind, "code": code},
            "x-peer": {"peer": version, "accepted": accepted, "says": says},
        }
        if lenient:
            case["expect"] = [{"protocol": lenient[0], "name": "x", "type": "call", "seqid": 0,
                               "body": lenient[1]}]
            case["roundtrip"] = False
        if accepted and not lenient:
            case["findings"] = [{"peer": version, "peer_says": says,
                                 "spec_says": f"refuse: {kind}",
                                 "note": ("THeaderProtocol (client type HEADERS): readMessageBegin + skip(STRUCT)"
                                          if profile == "header" else
                                          "readMessageBegin + skip(STRUCT) as a server reads an unknown message")}]
        cases.append(case)
    doc = {
        "format": "msgwire-vectors/1",
        "protocol": "thrift",
        "group": "must-reject",
        "description": "one minimal input per adversarial class; the error kind is msgwire's, the code the TProtocolException type a Thrift library raises",
        "provenance": {"peer": "hand-written",
                       "reason": "no peer writes invalid messages; the Python library's reading of each is in x-peer"},
        "cases": cases,
    }
    with open(f"{OUT}/must-reject.json", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


main()
