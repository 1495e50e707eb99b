#!/usr/bin/env bash
# Generates the reports the browser tests load, into OUT (default target/report-fixtures):
#   all-pass.html   our codecs over the corpus (every trial passes)
#   failing.html    our codecs over a copy of the corpus with four expected documents changed
#                   (a few failures among thousands of passes), also .md/.xml/.json
#   live.html       a live JSON-RPC run against `cat` (an echo "server": failures with wire logs)
#   hostile.html    an adapter whose answers carry markup, scripts and bidi controls
#   matrix.html     `report matrix` over three of them (the peer matrix page)
# Needs python3 (to change the copied corpus) and a built msgwire (MSGWIRE, default
# target/debug/msgwire). Every run is bounded (--timeout, `timeout`).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-target/report-fixtures}
MSGWIRE=${MSGWIRE:-${CARGO_TARGET_DIR:-target}/debug/msgwire}
mkdir -p "$OUT"
rm -f "$OUT"/*.md
run() { local rc=0; timeout 600 "$@" >/dev/null || rc=$?; [ "$rc" -le 1 ] || { echo "make-reports: $* exited $rc" >&2; exit 2; }; }

run "$MSGWIRE" check codec --html "$OUT/all-pass.html" --json "$OUT/all-pass.json" --junit "$OUT/all-pass.xml"
grep -q '<header class="banner pass"' "$OUT/all-pass.html"

corpus="$OUT/tampered-vectors"
rm -rf "$corpus" && cp -r vectors "$corpus"
python3 - "$corpus" <<'PY'
import json, sys, os
root = sys.argv[1]
def change(path, pick, edit):
    p = os.path.join(root, path)
    d = json.load(open(p))
    case = next(c for c in d["cases"] if pick(c))
    edit(case)
    json.dump(d, open(p, "w"), ensure_ascii=False, indent=1)
has = lambda s: (lambda c: s in json.dumps(c.get("expect")))
def retype(c):  # float32 where the decoder says float64: "got nothing" must say what was there
    c["expect"] = json.loads(json.dumps(c["expect"]).replace('{"float64":', '{"float32":', 1))
change("msgpack-rpc/messages-msgpack-python.json", has('"float64"'), retype)
def method(c): c["expect"][0]["method"] = "subtract-not"
change("jsonrpc/spec-examples.json", lambda c: c.get("expect") and isinstance(c["expect"][0], dict) and "method" in c["expect"][0], method)
def longer(c):  # a long document: shown whole in a fold, never cut
    c["expect"][0]["params"] = [list(range(200))]
change("jsonrpc/spec-examples.json", lambda c: c.get("expect") and isinstance(c["expect"][0], dict) and "params" in c["expect"][0] and c["expect"][0].get("method") != "subtract-not", longer)
def amqp(c): c["expect"] = [{"changed": "x" * 600}]
change("amqp/pika-capture.json", lambda c: c.get("expect") and c.get("verdict") == "y" or False, amqp)
PY
run "$MSGWIRE" check codec --vectors "$corpus" --html "$OUT/failing.html" --junit "$OUT/failing.xml" \
    --markdown "$OUT/failing.md" --json "$OUT/failing.json"
grep -q '<header class="banner fail"' "$OUT/failing.html"

run "$MSGWIRE" check jsonrpc-server --command cat --timeout 1 --html "$OUT/live.html" \
    --junit "$OUT/live.xml" --markdown "$OUT/live.md" --json "$OUT/live.json"

run "$MSGWIRE" check codec --vectors conformance/tests/data/fake-corpus --profile strict --timeout 2 \
    --adapter .ci/browser/hostile_adapter.sh --html "$OUT/hostile.html" --junit "$OUT/hostile.xml" \
    --markdown "$OUT/hostile.md" --json "$OUT/hostile.json"
# The matrix page of several runs (what scripts/compliance.sh writes as matrix.html).
timeout 300 "$MSGWIRE" report matrix "$OUT/all-pass.json" "$OUT/failing.json" "$OUT/hostile.json" \
    --markdown "$OUT/matrix.md" --html "$OUT/matrix.html"
echo "reports in $OUT"
