#!/usr/bin/env bash
# Regenerates vectors/msgpack-rpc from the pinned peers (see README.md here). Needs node/npm,
# python3 with venv, and nvim on PATH (`.ci/peers/msgpack-rpc.sh generate` installs them).
# Node modules and venvs go to a scratch directory outside the repository.
#   MSGWIRE_GENERATE_SCRATCH  scratch directory (default /tmp/msgwire-peers/msgpack-rpc)
#   MSGWIRE_VECTORS_OUT       write the vector files there instead of vectors/msgpack-rpc
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SCRATCH=${MSGWIRE_GENERATE_SCRATCH:-/tmp/msgwire-peers/msgpack-rpc}
mkdir -p "$SCRATCH/node" ${MSGWIRE_VECTORS_OUT:+"$MSGWIRE_VECTORS_OUT/data"}

cp "$HERE/package.json" "$SCRATCH/node/package.json"
(cd "$SCRATCH/node" && timeout 600 npm install --no-audit --no-fund --silent)
if [ ! -x "$SCRATCH/venv-gen/bin/python" ]; then
    python3 -m venv "$SCRATCH/venv-gen"
fi
timeout 600 "$SCRATCH/venv-gen/bin/pip" install -q -r "$HERE/requirements.txt"

export NODE_PATH=$SCRATCH/node/node_modules
cd "$HERE"
node suite.js
node msgpack_js.js
"$SCRATCH/venv-gen/bin/python" msgpack_python.py
python3 hand_written.py
timeout 120 "$SCRATCH/venv-gen/bin/python" nvim_capture.py
echo "vectors written to ${MSGWIRE_VECTORS_OUT:-vectors/msgpack-rpc}"
