#!/usr/bin/env python3
"""Writes the hand-written XML-RPC vectors:

- vectors/xmlrpc/other-encoders.json: valid forms that other encoders produce and neither
  Python's xmlrpc.client nor the npm package writes (untyped values, <i4>, CDATA, character
  references, comments and PIs, indentation, Apache ex: types, ...);
- vectors/xmlrpc/must-reject.json: inputs a strict decoder must refuse (each strict rule,
  XML attacks, bad encodings, bad base64, impossible dates).

Inputs and expectations are written by hand (no peer writes these bytes). Where Python's
xmlrpc.client disagrees, its actual answer -- obtained here by running xmlrpc.client.loads on
the same bytes -- is recorded in the case's findings. Deterministic.

Run: python3 vectors/generate/xmlrpc/hand_written.py   (from the repository root)
"""
import json
import os
import platform
import xmlrpc.client as x

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "vectors", "xmlrpc")
GENERATOR = "vectors/generate/xmlrpc/hand_written.py"
PY = "python xmlrpc.client " + platform.python_version() + " (pyexpat " + __import__("pyexpat").EXPAT_VERSION + ")"
SPEC = "XML-RPC spec (xmlrpc.com/spec.md)"
HEAD = '<?xml version="1.0"?>'
STRICT_N = {"strict": "n", "apache": "n", "lenient": "y"}


def call(params, method="m"):
    return HEAD + "<methodCall><methodName>" + method + "</methodName><params>" + params + "</params></methodCall>"


def one(value):
    return call("<param><value>" + value + "</value></param>")


def resp(body):
    return HEAD + "<methodResponse>" + body + "</methodResponse>"


def fault_doc(members):
    return resp("<fault><value><struct>" + members + "</struct></value></fault>")


def member(name, value):
    return "<member><name>" + name + "</name><value>" + value + "</value></member>"


def ecall(*params, method="m"):
    return {"kind": "call", "method": method, "params": list(params)}


def python_view(doc):
    try:
        return "accepts: " + repr(x.loads(doc, use_builtin_types=True))[:300]
    except x.Fault as f:
        return "accepts: Fault(%r, %r)" % (f.faultCode, f.faultString)
    except Exception as e:  # noqa: BLE001 - any failure is the peer's answer
        return "rejects: %s: %s" % (type(e).__name__, str(e)[:200])


def build(group, description, specs):
    cases = []
    for s in specs:
        name, desc, spec, verdict, doc, reason = s[:6]
        opt = s[6] if len(s) > 6 else {}
        case = {"id": "xmlrpc/%s/%s" % (group, name), "description": desc, "spec": spec, "verdict": verdict}
        if isinstance(doc, bytes):
            case["input"] = {"hex": doc.hex()}
        elif opt.get("file"):
            rel = "data/" + opt["file"]
            with open(os.path.join(OUT, rel), "w", encoding="utf-8", newline="") as f:
                f.write(doc)
            case["input"] = {"file": rel}
        else:
            case["input"] = {"text": doc}
        if "expect" in opt:
            case["expect"] = [opt["expect"]]
        if "error" in opt:
            kind, code = opt["error"]
            case["error"] = {"kind": kind, "code": code}
        if opt.get("roundtrip") is False:
            case["roundtrip"] = False
        case["provenance"] = {"peer": "hand-written", "reason": reason}
        # Python's view, recorded where it disagrees with the strict verdict.
        strict = verdict if isinstance(verdict, str) else verdict.get("strict", verdict.get("default"))
        view = python_view(doc if isinstance(doc, str) else doc)
        python_accepts = view.startswith("accepts")
        if (strict == "n" and python_accepts) or (strict == "y" and not python_accepts) or opt.get("note"):
            f = {"peer": PY, "peer_says": view, "spec_says": opt.get("spec_says", spec)}
            if opt.get("note"):
                f["note"] = opt["note"]
            case["findings"] = [f]
        cases.append(case)
    data = {
        "format": "msgwire-vectors/1",
        "protocol": "xmlrpc",
        "group": group,
        "description": description,
        "provenance": {"peer": "hand-written", "reason": "see each case", "generator": GENERATOR},
        "cases": cases,
    }
    with open(os.path.join(OUT, group + ".json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("%s: %d cases" % (group, len(cases)))


FAULT_CS = [member("faultCode", "<int>4</int>"), member("faultString", "<string>no</string>")]
XMLNS = ' xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"'
PRETTY = """<?xml version="1.0" encoding="UTF-8"?>
<methodCall>
  <methodName>examples.getStateName</methodName>
  <params>
    <param>
      <value><i4>41</i4></value>
    </param>
    <param>
      <value>
        <struct>
          <member>
            <name>k</name>
            <value>untyped</value>
          </member>
        </struct>
      </value>
    </param>
  </params>
</methodCall>
"""

other = [
    ("untyped-string", "a <value> with text and no type element is a string", SPEC + " §Scalar values: 'If no type is indicated, the type is string.'",
     "y", one("hello world"), "the spec's untyped form; Python and the npm package always write <string>",
     {"expect": ecall("hello world")}),
    ("untyped-whitespace-kept", "an untyped value keeps leading, trailing and inner whitespace", SPEC + " §Scalar values",
     "y", one("  two  spaces\n "), "whitespace in untyped values is where implementations differ; no peer writes it on purpose",
     {"expect": ecall("  two  spaces\n ")}),
    ("untyped-empty", "<value></value> and <value/> are empty strings", SPEC + " §Scalar values",
     "y", call("<param><value></value></param><param><value/></param>"), "empty forms vary by encoder",
     {"expect": ecall("", ""), "roundtrip": False}),
    ("i4-and-int", "<i4> and <int> are the same type; the tag is kept", SPEC + " §Scalar values: '<i4> or <int>'",
     "y", call("<param><value><i4>-12</i4></value></param><param><value><int>+12</int></value></param>"),
     "xmlrpc-c and Apache write <i4>; the + sign is allowed by the spec",
     {"expect": ecall({"i4": -12}, {"int": 12}), "roundtrip": False}),
    ("i8", "the <i8> extension at its limits", "xmlrpc-c / Apache i8 extension",
     "y", call("<param><value><i8>-9223372036854775808</i8></value></param><param><value><i8>9223372036854775807</i8></value></param>"),
     "Python never writes <i8> (it raises OverflowError beyond 32 bits)",
     {"expect": ecall({"i8": -9223372036854775808}, {"i8": 9223372036854775807})}),
    ("cdata", "a string in a CDATA section, and CDATA joined to text", "XML 1.0 §2.7 CDATA Sections",
     "y", one("<string>a <![CDATA[<b>&amp;</b>]]> z</string>"), "CDATA joined with text; the npm package writes whole-string CDATA only",
     {"expect": ecall({"string": "a <b>&amp;</b> z"}), "roundtrip": False}),
    ("character-references", "decimal and hex character references and the five predefined entities", "XML 1.0 §4.1 Character and Entity References",
     "y", one("<string>&#65;&#x42;&#169;&#x1F600;&lt;&gt;&amp;&quot;&apos;</string>"), "encoders escape differently; this spells every form",
     {"expect": ecall({"string": "AB\u00a9\U0001F600<>&\"'"}), "roundtrip": False}),
    ("comments-and-pis", "comments and processing instructions anywhere, including inside a string", "XML 1.0 §2.5 Comments, §2.6 Processing Instructions",
     "y", HEAD + "<!-- before --><methodCall><?app x?><methodName>m</methodName><!-- c --><params><param><value><string>a<!-- c -->b</string></value></param></params></methodCall><!-- after -->\n",
     "hand-edited documents and some proxies add comments",
     {"expect": ecall({"string": "ab"}), "roundtrip": False}),
    ("pretty-indented", "an indented document (the layout xmlrpc-c and Apache write)", "XML 1.0 §2.10 White Space Handling",
     "y", PRETTY, "indentation as other encoders write it",
     {"expect": ecall({"i4": 41}, {"struct": [["k", "untyped"]]}, method="examples.getStateName"), "roundtrip": False}),
    ("no-declaration", "a document without an XML declaration", "XML 1.0 §2.8 Prolog",
     "y", "<methodCall><methodName>m</methodName><params></params></methodCall>", "the declaration is optional; some encoders omit it",
     {"expect": ecall(), "roundtrip": False}),
    ("no-params-element", "a call without a <params> element", SPEC + " §Request format: 'If the procedure call has parameters, the <methodCall> must contain a <params> sub-item'",
     "y", HEAD + "<methodCall><methodName>m</methodName></methodCall>", "the params element is optional for calls without params",
     {"expect": ecall(), "roundtrip": False}),
    ("bom", "a UTF-8 byte order mark before the declaration", "XML 1.0 §4.3.3, Appendix F",
     "y", "\ufeff" + call(""), ".NET encoders write a BOM",
     {"expect": ecall(), "roundtrip": False}),
    ("nil-start-end", "<nil></nil> is the same as <nil/>", "XML-RPC nil extension (ontosys.com/xml-rpc/extensions.php)",
     "y", one("<nil></nil>"), "both spellings of an empty element",
     {"expect": ecall({"nil": None}), "roundtrip": False}),
    ("fault-i4-untyped-reversed", "a fault with an <i4> code, an untyped string, members in reverse order", SPEC + " §Fault example",
     "y", fault_doc(member("faultString", "Too many") + member("faultCode", "<i4>4</i4>")), "member order and types vary by encoder",
     {"expect": {"kind": "fault", "fault": {"struct": [["faultString", "Too many"], ["faultCode", {"i4": 4}]]}}}),
    ("apache-extensions", "Apache ex: types with the xmlns declaration Apache writes", "Apache XML-RPC extensions (ws.apache.org/xmlrpc/types.html)",
     {"strict": "n", "apache": "y", "lenient": "y"},
     HEAD + "<methodResponse" + XMLNS + "><params><param><value><array><data><value><ex:i1>-128</ex:i1></value><value><ex:i2>300</ex:i2></value><value><ex:i8>-5</ex:i8></value><value><ex:float>1.5</ex:float></value><value><ex:nil/></value></data></array></value></param></params></methodResponse>",
     "Apache XML-RPC with enabledForExtensions writes these; not installed as a peer here",
     {"expect": {"kind": "response", "params": [{"array": [{"ex:i1": -128}, {"ex:i2": 300}, {"ex:i8": -5}, {"ex:float": 1.5}, {"ex:nil": None}]}]},
      "roundtrip": False, "error": ("unexpected-attribute", -32600)}),
    ("lenient-int-whitespace", "whitespace around an integer", SPEC + " §Scalar values; Python int()",
     STRICT_N, one("<int> 42 </int>"), "hand-edited and pretty-printing encoders put whitespace in scalars",
     {"expect": ecall({"int": 42}), "roundtrip": False, "error": ("invalid-int", -32600)}),
    ("lenient-prefixed-type", "a namespace prefix on a type element", "Python xmlrpc.client Unmarshaller.start: tag.split(':')[-1]",
     {"strict": "n", "apache": "n", "lenient": "y"}, one("<foo:string>x</foo:string>"), "Python strips any prefix",
     {"expect": ecall({"string": "x"}), "roundtrip": False, "error": ("unknown-type", -32600)}),
    ("lenient-extended-datetime", "an extended ISO 8601 dateTime with a zone", SPEC + " §Scalar values: dateTime.iso8601 example 19980717T14:08:55",
     STRICT_N, one("<dateTime.iso8601>1998-07-17T14:08:55Z</dateTime.iso8601>"), "other encoders write extended ISO 8601",
     {"expect": ecall({"dateTime.iso8601": "1998-07-17T14:08:55Z"}), "error": ("invalid-datetime", -32600)}),
    ("lenient-latin1-declaration", "an ASCII document declared ISO-8859-1", "XML 1.0 §4.3.3 Character Encoding in Entities",
     STRICT_N, '<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>m</methodName><params></params></methodCall>',
     "Python writes such a declaration when given encoding='iso-8859-1'",
     {"expect": ecall(), "roundtrip": False, "error": ("unsupported-encoding", -32701)}),
    ("lenient-two-response-params", "a response with two params", SPEC + " §Response format: 'a single <params> which contains a single <param>'",
     STRICT_N, resp("<params><param><value>a</value></param><param><value>b</value></param></params>"), "Python returns a tuple for these",
     {"expect": {"kind": "response", "params": ["a", "b"]}, "error": ("response-shape", -32600)}),
    ("lenient-attributes", "attributes on XML-RPC elements", SPEC,
     STRICT_N, HEAD + '<methodCall id="1"><methodName>m</methodName><params></params></methodCall>', "Python ignores attributes",
     {"expect": ecall(), "roundtrip": False, "error": ("unexpected-attribute", -32600)}),
]

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>m</methodName><params><param><value><string>&lol9;</string></value></param></params></methodCall>
"""
SMALL_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<methodCall><methodName>m</methodName><params><param><value><string>&lol3;</string></value></param></params></methodCall>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE methodCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>m</methodName><params><param><value><string>&xxe;</string></value></param></params></methodCall>
"""
DEPTH = 100000
DEEP = HEAD + "<methodCall><methodName>m</methodName><params><param>" + "<value><array><data>" * DEPTH

XML_SPEC = "XML 1.0 (Fifth Edition)"
A = "no peer writes this; it is the rule being tested"
reject = [
    ("int-out-of-range", "an <int> one past the 32-bit maximum", SPEC + " §Scalar values: 'four-byte signed integer'",
     STRICT_N, one("<int>2147483648</int>"), A,
     {"error": ("int-out-of-range", -32600), "expect": ecall({"i8": 2147483648}), "roundtrip": False}),
    ("i4-out-of-range", "an <i4> one past the 32-bit minimum", SPEC + " §Scalar values",
     STRICT_N, one("<i4>-2147483649</i4>"), A,
     {"error": ("int-out-of-range", -32600), "expect": ecall({"i8": -2147483649}), "roundtrip": False}),
    ("int-garbage", "an integer with a letter in it", SPEC + " §Scalar values", "n", one("<int>12a</int>"), A,
     {"error": ("invalid-int", -32600)}),
    ("int-hex", "a hexadecimal integer", SPEC + " §Scalar values", "n", one("<int>0x10</int>"), A,
     {"error": ("invalid-int", -32600)}),
    ("int-empty", "an empty integer", SPEC + " §Scalar values", "n", one("<int></int>"), A,
     {"error": ("invalid-int", -32600)}),
    ("boolean-true", "boolean spelled true", SPEC + " §Scalar values: '0 (false) or 1 (true)'", "n", one("<boolean>true</boolean>"), A,
     {"error": ("invalid-boolean", -32600)}),
    ("boolean-2", "boolean 2", SPEC + " §Scalar values", "n", one("<boolean>2</boolean>"), A,
     {"error": ("invalid-boolean", -32600)}),
    ("double-nan", "a NaN double", SPEC + " §Scalar values: no representation for NaN", STRICT_N, one("<double>NaN</double>"), A,
     {"error": ("invalid-double", -32600), "expect": ecall({"double": "nan"}), "roundtrip": False}),
    ("double-infinity", "an infinite double", SPEC + " §Scalar values", STRICT_N, one("<double>-Infinity</double>"), A,
     {"error": ("invalid-double", -32600), "expect": ecall({"double": "-inf"}), "roundtrip": False}),
    ("double-garbage", "a double that is not a number in any profile", SPEC + " §Scalar values", "n", one("<double>1.2.3</double>"), A,
     {"error": ("invalid-double", -32600)}),
    ("member-two-names", "a member with two names", SPEC + " §struct: 'each <member> contains a <name> and a <value>'", "n",
     one("<struct><member><name>a</name><name>b</name><value>1</value></member></struct>"), A, {"error": ("member-shape", -32600)}),
    ("member-no-value", "a member without a value", SPEC + " §struct", "n",
     one("<struct><member><name>a</name></member></struct>"), A, {"error": ("member-shape", -32600)}),
    ("member-two-values", "a member with two values", SPEC + " §struct", "n",
     one("<struct><member><name>a</name><value>1</value><value>2</value></member></struct>"), A, {"error": ("member-shape", -32600)}),
    ("member-value-first", "a member with its value before its name", SPEC + " §struct", "n",
     one("<struct><member><value>1</value><name>a</name></member></struct>"), A, {"error": ("member-shape", -32600)}),
    ("param-two-values", "a param with two values", SPEC + " §Request format: 'each of which has a <value>'", "n",
     call("<param><value>1</value><value>2</value></param>"), A, {"error": ("param-shape", -32600)}),
    ("param-empty", "a param with no value", SPEC + " §Request format", "n", call("<param></param>"), A,
     {"error": ("param-shape", -32600)}),
    ("value-two-types", "a value with two type elements", SPEC + " §Scalar values", "n", one("<int>1</int><int>2</int>"), A,
     {"error": ("unexpected-element", -32600)}),
    ("value-mixed-content", "text next to a type element in a value", SPEC + " §Scalar values", "n", one("x<int>1</int>"), A,
     {"error": ("unexpected-text", -32600)}),
    ("response-params-and-fault", "a response with both params and a fault", SPEC + " §Fault example: 'could also contain a <fault>'", "n",
     resp("<params><param><value>1</value></param></params><fault><value><struct>" + "".join(FAULT_CS) + "</struct></value></fault>"), A,
     {"error": ("response-shape", -32600)}),
    ("response-empty", "a response with neither params nor fault", SPEC + " §Response format", "n", resp(""), A,
     {"error": ("response-shape", -32600)}),
    ("fault-string-code", "a fault whose faultCode is a string", SPEC + " §Fault example: 'faultCode, an <int>'", "n",
     fault_doc(member("faultCode", "<string>4</string>") + FAULT_CS[1]), A, {"error": ("fault-shape", -32600)}),
    ("fault-extra-member", "a fault struct with a third member", SPEC + " §Fault example: 'containing two elements'", "n",
     fault_doc("".join(FAULT_CS) + member("extra", "1")), A, {"error": ("fault-shape", -32600)}),
    ("fault-not-struct", "a fault whose value is a string", SPEC + " §Fault example", "n",
     resp("<fault><value>oops</value></fault>"), A, {"error": ("fault-shape", -32600)}),
    ("trailing-element", "a second root element after the document", XML_SPEC + " §2.1 'document ::= prolog element Misc*'", "n",
     one("1") + "<methodCall/>", A, {"error": ("trailing-content", -32700)}),
    ("trailing-text", "text after the root element", XML_SPEC + " §2.1", "n", one("1") + "junk", A,
     {"error": ("trailing-content", -32700)}),
    ("unknown-type", "an unknown value type", SPEC + " §Scalar values (the type table)", "n", one("<bignum>1</bignum>"), A,
     {"error": ("unknown-type", -32600)}),
    ("unknown-element", "an unknown element where <params> belongs", SPEC + " §Request format", "n",
     HEAD + "<methodCall><methodName>m</methodName><extra/></methodCall>", A, {"error": ("unexpected-element", -32600)}),
    ("array-without-data", "an array whose values are not inside <data>", SPEC + " §array: 'contains a single <data> element'", "n",
     one("<array><value>1</value></array>"), A, {"error": ("unexpected-element", -32600)}),
    ("nil-with-content", "a nil element with text", "XML-RPC nil extension", "n", one("<nil>x</nil>"), A,
     {"error": ("unexpected-text", -32600)}),
    ("method-name-empty", "an empty method name", SPEC + " §Request format", STRICT_N,
     HEAD + "<methodCall><methodName></methodName><params></params></methodCall>", A,
     {"error": ("invalid-method-name", -32600), "expect": {"kind": "call", "method": "", "params": []}, "roundtrip": False}),
    ("entity-bomb", "billion laughs: nine levels of internal entities in a DOCTYPE", XML_SPEC + " §2.8, §4.2; msgwire accepts no DOCTYPE", "n",
     BOMB, "an attack; no encoder writes a DOCTYPE", {"error": ("doctype", -32700)}),
    ("entity-bomb-small", "three levels of internal entities (1000 expansions) in a DOCTYPE", XML_SPEC + " §4.2", "n",
     SMALL_BOMB, "an attack small enough that parsers with amplification limits still expand it",
     {"error": ("doctype", -32700), "note": "Python expands entities declared in a DOCTYPE (up to expat's amplification limit)",
      "spec_says": "XML-RPC documents have no DTD; expanding entities from an untrusted document is an attack surface"}),
    ("external-entity", "XXE: an external entity naming a local file", XML_SPEC + " §4.2.2 External Entities", "n",
     XXE, "an attack; no encoder writes a DOCTYPE", {"error": ("doctype", -32700)}),
    ("doctype-plain", "a DOCTYPE with no declarations", XML_SPEC + " §2.8", "n",
     HEAD + "<!DOCTYPE methodCall><methodCall><methodName>m</methodName></methodCall>", "no XML-RPC document has a DOCTYPE",
     {"error": ("doctype", -32700)}),
    ("undefined-entity", "an entity reference that is not predefined", XML_SPEC + " §4.1 WFC: Entity Declared", "n",
     one("<string>&nbsp;</string>"), A, {"error": ("unknown-entity", -32700)}),
    ("deep-nesting-100000", "100 000 nested arrays (closing tags omitted: the decoder must stop at its depth limit first)",
     "msgwire Limits::max_depth (128)", "n", DEEP, "an attack on recursive decoders",
     {"error": ("too-deep", -32700), "file": "deep-nesting-100000.xml"}),
    ("invalid-utf8", "a string with a byte that is not UTF-8", XML_SPEC + " §4.3.3", "n",
     one("<string>caf\udcff</string>").encode("utf-8", "surrogateescape"), A, {"error": ("invalid-utf8", -32700)}),
    ("control-character", "a raw U+0008 in a string", XML_SPEC + " §2.2 Characters", "n", one("<string>a\bb</string>"), A,
     {"error": ("invalid-char", -32702)}),
    ("control-character-reference", "&#8; (a character XML 1.0 does not allow, even as a reference)", XML_SPEC + " §4.1 WFC: Legal Character",
     STRICT_N, one("<string>a&#8;b</string>"), A,
     {"error": ("invalid-char", -32702), "expect": ecall({"string": "a\bb"})}),
    ("bad-base64-length", "base64 whose length is not a multiple of four", "RFC 4648 §4", "n", one("<base64>AAE</base64>"), A,
     {"error": ("invalid-base64", -32600)}),
    ("bad-base64-char", "base64 with a character outside the alphabet", "RFC 4648 §4", "n", one("<base64>AA$A</base64>"), A,
     {"error": ("invalid-base64", -32600)}),
    ("bad-base64-padding", "base64 with padding in the middle", "RFC 4648 §3.3", "n", one("<base64>AA==AAAA</base64>"), A,
     {"error": ("invalid-base64", -32600)}),
    ("base64-trailing-bits", "base64 with non-zero bits after the last byte", "RFC 4648 §3.5", STRICT_N,
     one("<base64>AAF=</base64>"), A, {"error": ("invalid-base64", -32600), "expect": ecall({"base64": "AAF="})}),
    ("impossible-month", "month 13", SPEC + " §Scalar values: dateTime.iso8601", STRICT_N,
     one("<dateTime.iso8601>19981317T14:08:55</dateTime.iso8601>"), A,
     {"error": ("invalid-datetime", -32600), "expect": ecall({"dateTime.iso8601": "19981317T14:08:55"})}),
    ("impossible-day", "February 30th", SPEC + " §Scalar values: dateTime.iso8601", STRICT_N,
     one("<dateTime.iso8601>19980230T14:08:55</dateTime.iso8601>"), A,
     {"error": ("invalid-datetime", -32600), "expect": ecall({"dateTime.iso8601": "19980230T14:08:55"})}),
    ("impossible-time", "hour 25", SPEC + " §Scalar values: dateTime.iso8601", STRICT_N,
     one("<dateTime.iso8601>19980717T25:08:55</dateTime.iso8601>"), A,
     {"error": ("invalid-datetime", -32600), "expect": ecall({"dateTime.iso8601": "19980717T25:08:55"})}),
    ("truncated", "a document cut off in the middle", XML_SPEC + " §2.1", "n", one("1")[:60], A,
     {"error": ("unexpected-eof", -32700)}),
    ("mismatched-end-tag", "an end tag that does not match its start tag", XML_SPEC + " §3 WFC: Element Type Match", "n",
     one("<int>1</i4>"), A, {"error": ("xml-syntax", -32700)}),
    ("cdata-end-in-text", "the string ]]> in text content", XML_SPEC + " §2.4 Character Data and Markup", "n",
     one("<string>a]]>b</string>"), A, {"error": ("xml-syntax", -32700)}),
    ("empty-document", "no bytes at all", XML_SPEC + " §2.1", "n", "", A, {"error": ("unexpected-eof", -32700)}),
    ("unsupported-encoding", "a document declared UTF-16", XML_SPEC + " §4.3.3", "n",
     '<?xml version="1.0" encoding="UTF-16"?><methodCall><methodName>m</methodName></methodCall>', A,
     {"error": ("unsupported-encoding", -32701)}),
]

build("other-encoders", "hand-written forms that other encoders produce (neither Python nor the npm package writes them)", other)
build("must-reject", "hand-written inputs a strict decoder must refuse, one per rule, plus XML attacks", reject)
