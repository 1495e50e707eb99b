#!/usr/bin/env python3
"""Offline cross-check of the AMQP vector files (no broker, no peer needed).

A third, independent reading of every `y` case: a small decoder written from the spec
(spec091.json + docs/forms/amqp.md) turns each input into canonical JSON and compares it with the
case's `expect` (numbers by value, 'f' values after rounding to f32). It also checks the file
schema (vectors/README.md): required fields, unique ids, id syntax, inputs that parse, `n` cases
with an error kind, stream cases whose frames add up.

A mismatch means the generator that built `expect` (from amqplib's source values or pika's
decoding) and this reading disagree: one of them is wrong and must be looked at.

    python3 check_vectors.py [vectors/amqp]     exit status 1 on any problem
"""

import json
import math
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = json.load(open(os.path.join(HERE, "spec091.json")))
METHODS = {(c["id"], m["id"]): (c["name"], m) for c in SPEC["classes"] for m in c["methods"]}
PROPS = SPEC["properties"]["60"]
ID_RE = re.compile(r"^amqp/[a-z0-9._-]+(/[a-z0-9._-]+)+$")


class Bad(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.d, self.i = data, 0

    def take(self, n):
        if self.i + n > len(self.d):
            raise Bad(f"truncated at {self.i}: need {n}")
        b = self.d[self.i : self.i + n]
        self.i += n
        return b

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def done(self):
        return self.i == len(self.d)


def text(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"hex": b.hex()}


def fl(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def value(r, tag):
    simple = {"b": ">b", "B": ">B", "s": ">h", "U": ">h", "u": ">H", "I": ">i", "i": ">I",
              "l": ">q", "L": ">q", "T": ">Q"}
    if tag in simple:
        return r.unpack(simple[tag])
    if tag == "t":
        return r.unpack(">B") != 0
    if tag == "f":
        return fl(r.unpack(">f"))
    if tag == "d":
        return fl(r.unpack(">d"))
    if tag == "D":
        return {"scale": r.unpack(">B"), "value": r.unpack(">I")}
    if tag == "S":
        return text(r.take(r.unpack(">I")))
    if tag == "x":
        return {"hex": r.take(r.unpack(">I")).hex()}
    if tag == "V":
        return None
    if tag == "A":
        sub = Reader(r.take(r.unpack(">I")))
        out = []
        while not sub.done():
            t = sub.take(1).decode("latin1")
            out.append([t, value(sub, t)])
        return out
    if tag == "F":
        return table(r)
    raise Bad(f"unknown field type {tag!r}")


def table(r):
    sub = Reader(r.take(r.unpack(">I")))
    out = []
    while not sub.done():
        key = text(sub.take(sub.unpack(">B")))
        t = sub.take(1).decode("latin1")
        out.append([key, t, value(sub, t)])
    return out


def field(r, kind):
    return {
        "octet": lambda: r.unpack(">B"),
        "short": lambda: r.unpack(">H"),
        "long": lambda: r.unpack(">I"),
        "longlong": lambda: r.unpack(">Q"),
        "timestamp": lambda: r.unpack(">Q"),
        "shortstr": lambda: text(r.take(r.unpack(">B"))),
        "longstr": lambda: text(r.take(r.unpack(">I"))),
        "table": lambda: table(r),
    }[kind]()


def decode_frame(r):
    if r.d[r.i : r.i + 4] == b"AMQP":
        h = r.take(8)
        return {"type": "protocol-header", "protocol_id": h[4], "major": h[5], "minor": h[6], "revision": h[7]}
    ftype, ch, size = r.unpack(">B"), r.unpack(">H"), r.unpack(">I")
    p = Reader(r.take(size))
    if r.unpack(">B") != 0xCE:
        raise Bad("frame-end")
    if ftype == 1:
        cid, mid = p.unpack(">H"), p.unpack(">H")
        if (cid, mid) not in METHODS:
            raise Bad(f"unknown method {cid}/{mid}")
        cname, m = METHODS[(cid, mid)]
        fields, bits, bitpos = {}, None, 8
        for name, kind in m["fields"]:
            if kind == "bit":
                if bitpos == 8:
                    bits, bitpos = p.unpack(">B"), 0
                fields[name.replace("-", "_")] = bool(bits >> bitpos & 1)
                bitpos += 1
                continue
            bitpos = 8
            fields[name.replace("-", "_")] = field(p, kind)
        if not p.done():
            raise Bad("trailing data in method")
        return {"type": "method", "channel": ch, "class_id": cid, "method_id": mid,
                "method": f"{cname}.{m['name']}", "fields": fields}
    if ftype == 2:
        cid, weight, size_ = p.unpack(">H"), p.unpack(">H"), p.unpack(">Q")
        words = [p.unpack(">H")]
        while words[-1] & 1:
            words.append(p.unpack(">H"))
        flags = words[0]
        props = {}
        for n, (name, kind) in enumerate(PROPS):
            if flags & (1 << (15 - n)):
                props[name.replace("-", "_")] = field(p, kind)
        if flags & 0b10 or any(w for w in words[1:]):
            raise Bad("unknown property flag")
        if not p.done():
            raise Bad("trailing data in header")
        doc = {"type": "header", "channel": ch, "class_id": cid, "weight": weight, "body_size": size_, "properties": props}
        if len(words) > 1:
            doc["flag_words"] = len(words)
        return doc
    if ftype == 3:
        return {"type": "body", "channel": ch, "size": size, "payload": text(p.d)}
    if ftype == 8:
        return {"type": "heartbeat", "channel": ch}
    raise Bad(f"unknown frame type {ftype}")


def f32(x):
    return struct.unpack(">f", struct.pack(">f", x))[0]


def same(a, b, f_ctx=False):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if f_ctx:
            return f32(a) == f32(b)
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        # a table entry [k, "f", v] or array entry ["f", v]: compare v after rounding to f32
        if len(a) in (2, 3) and isinstance(a[-2], str) and a[-2] == "f" and len(a[-2]) == 1:
            return all(same(x, y) for x, y in zip(a[:-1], b[:-1])) and same(a[-1], b[-1], True)
        return all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def case_input(case, root):
    inp = case["input"]
    if len(inp) != 1:
        raise Bad("input must have exactly one of hex/text/file")
    if "hex" in inp:
        return bytes.fromhex("".join(inp["hex"].split()))
    if "text" in inp:
        return inp["text"].encode()
    with open(os.path.join(root, inp["file"]), "rb") as f:
        return f.read()


def check_file(path, root, seen):
    problems, counts = [], {"y": 0, "n": 0, "i": 0, "cases": 0}
    doc = json.load(open(path))
    for k in ("format", "protocol", "group", "cases"):
        if k not in doc:
            problems.append(f"{path}: missing {k}")
    if doc.get("format") != "msgwire-vectors/1" or doc.get("protocol") != "amqp":
        problems.append(f"{path}: format/protocol")
    for n, case in enumerate(doc.get("cases", [])):
        where = f"{os.path.basename(path)} /cases/{n} ({case.get('id')})"
        counts["cases"] += 1
        for k in ("id", "verdict", "input", "spec"):
            if k not in case:
                problems.append(f"{where}: missing {k}")
        cid = case.get("id", "")
        if not ID_RE.match(cid):
            problems.append(f"{where}: bad id")
        if cid in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(cid)
        v = case.get("verdict")
        verdicts = set(v.values()) if isinstance(v, dict) else {v}
        if not verdicts <= {"y", "n", "i"}:
            problems.append(f"{where}: bad verdict {v!r}")
        try:
            data = case_input(case, root)
        except (Bad, ValueError, OSError) as e:
            problems.append(f"{where}: input: {e}")
            continue
        if "n" in verdicts and "kind" not in case.get("error", {}):
            problems.append(f"{where}: n case without error.kind")
        for letter in ("y", "n", "i"):
            if letter in verdicts:
                counts[letter] += 1
        if "y" not in verdicts:
            continue
        r, docs = Reader(data), []
        try:
            while not r.done():
                docs.append(decode_frame(r))
        except (Bad, struct.error) as e:
            problems.append(f"{where}: does not decode: {e}")
            continue
        if len(docs) > 1 and not case.get("stream"):
            problems.append(f"{where}: {len(docs)} frames but not a stream case")
        if not same(docs, case.get("expect")):
            for i, (a, b) in enumerate(zip(docs, case.get("expect", []))):
                if not same(a, b):
                    problems.append(f"{where}: document {i} differs:\n   decoded {json.dumps(a, ensure_ascii=False)[:400]}\n   expect  {json.dumps(b, ensure_ascii=False)[:400]}")
                    break
            else:
                problems.append(f"{where}: {len(docs)} documents decoded, {len(case.get('expect', []))} expected")
    return problems, counts


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "amqp")
    seen, problems, total = set(), [], {"y": 0, "n": 0, "i": 0, "cases": 0}
    for name in sorted(os.listdir(root)):
        if name.endswith(".json"):
            p, c = check_file(os.path.join(root, name), root, seen)
            problems += p
            for k in total:
                total[k] += c[k]
            print(f"{name}: {c['cases']} cases ({c['y']} with y, {c['n']} with n, {c['i']} with i), {len(p)} problems")
    for p in problems:
        print("PROBLEM", p)
    ok = total["cases"] - len({p.split(":")[0] for p in problems})
    print(f"{ok} passed, {len(problems)} failed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
