#!/usr/bin/env bash
# Regenerates vectors/thrift from the pinned peers (see README.md here):
#   idl-python.json  Python `thrift` (requirements.txt) with code generated from conformance.thrift
#   idl-cpp.json     C++ libthrift (Debian libthrift-dev), the same IDL, program idl_cpp.cpp
#   header-python.json, header-cpp.json  THeader frames by the same two peers (THeaderProtocol)
#   must-reject.json hand-written inputs, with the Python library's verdict on each
#   uuid-python.json uuid (type 16) messages written by Python `thrift` 0.25 (requirements-uuid.txt,
#                    its own venv: the other files stay on 0.22) through its protocol API
#   uuid-node.json   the same by npm `thrift` 0.24 (package.json + package-lock.json, `npm ci`)
# Needs thrift-compiler, libthrift-dev, g++, python3-venv, node and npm (installed with apt when
# missing and run as root). Generated code, the venv and the C++ program go to a scratch directory.
#   MSGWIRE_PEERS_DIR  scratch root (default /tmp/msgwire-peers)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$HERE/../../thrift" 2>/dev/null && pwd || (mkdir -p "$HERE/../../thrift" && cd "$HERE/../../thrift" && pwd))
SCRATCH=${MSGWIRE_PEERS_DIR:-/tmp/msgwire-peers}/thrift
APT=(thrift-compiler libthrift-dev zlib1g-dev g++ python3-venv)

missing=()
for pkg in "${APT[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "run.sh: missing Debian packages: ${missing[*]} (apt-get install them, or run as root)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

mkdir -p "$SCRATCH"
if ! "$SCRATCH/venv-gen/bin/python" -c 'import thrift' >/dev/null 2>&1; then
    rm -rf "$SCRATCH/venv-gen"
    python3 -m venv "$SCRATCH/venv-gen"
fi
timeout 600 "$SCRATCH/venv-gen/bin/pip" install -q -r "$HERE/requirements.txt"
if ! "$SCRATCH/venv-uuid/bin/python" -c 'import thrift' >/dev/null 2>&1; then
    rm -rf "$SCRATCH/venv-uuid"
    python3 -m venv "$SCRATCH/venv-uuid"
fi
timeout 600 "$SCRATCH/venv-uuid/bin/pip" install -q -r "$HERE/requirements-uuid.txt"

GEN=$SCRATCH/gen
rm -rf "$GEN"
mkdir -p "$GEN/cpp"
thrift --gen py -out "$GEN" "$HERE/conformance.thrift" >/dev/null 2>&1
thrift --gen cpp -out "$GEN/cpp" "$HERE/conformance.thrift" >/dev/null 2>&1
timeout 900 g++ -std=c++17 -O0 -I"$GEN/cpp" -o "$GEN/idl_cpp" "$HERE/idl_cpp.cpp" \
    "$GEN/cpp/Conformance.cpp" "$GEN/cpp/conformance_types.cpp" -lthriftz -lthrift -lz
timeout 60 "$GEN/idl_cpp" > "$GEN/cpp.txt"

# Sets of strings are written in hash order: fix it.
export PYTHONHASHSEED=0
timeout 120 "$SCRATCH/venv-gen/bin/python" "$HERE/idl_vectors.py" "$GEN" "$GEN/cpp.txt" "$OUT"
timeout 120 "$SCRATCH/venv-gen/bin/python" "$HERE/must_reject.py" "$OUT"
timeout 120 "$SCRATCH/venv-uuid/bin/python" "$HERE/uuid_vectors.py" "$OUT"
mkdir -p "$SCRATCH/npm"
cp "$HERE/package.json" "$HERE/package-lock.json" "$SCRATCH/npm/"
(cd "$SCRATCH/npm" && timeout 600 npm ci --no-audit --no-fund --silent)
THRIFT_NPM_DIR="$SCRATCH/npm" timeout 120 node "$HERE/uuid_node.js" "$OUT"
# Python reads every npm-written message to the same document, and refuses what npm refuses.
timeout 120 "$SCRATCH/venv-uuid/bin/python" "$HERE/uuid_vectors.py" --cross "$OUT/uuid-node.json"
echo "vectors written to $OUT"
