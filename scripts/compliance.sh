#!/usr/bin/env bash
# The peer matrix: runs the vector corpus against our codecs and against every peer adapter in
# conformance/adapters/, then writes docs/compliance.md: a summary (implementation × protocol,
# ok/ran), one table per protocol (vector group × implementation), and every failing case with a
# link to its vector file. The JSON reports of the runs are kept in $MSGWIRE_COMPLIANCE_REPORTS
# (default target/compliance), with the matrix as one HTML page (matrix.html).
#
#   bash scripts/compliance.sh [OUT.md]                      run everything (CI), write OUT.md
#   bash scripts/compliance.sh --from-reports DIR [OUT.md]   no runs: the matrix of DIR/*.json
#
# Peers are installed from the registries (pinned: conformance/adapters/python/requirements.txt,
# conformance/adapters/node/package.json) into $MSGWIRE_PEERS_DIR (default
# /tmp/msgwire-compliance-peers), never into the repository. Runs as root on a fresh Debian
# machine; idempotent; every step is bounded in time; no network beyond the package registries.
# Exits non-zero when our own codecs' row is not all-pass (`check codec --strict`); a peer's
# failures are the matrix's content, not an error.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
FROM=
if [ "${1:-}" = --from-reports ]; then
    FROM=${2:?--from-reports needs a directory of JSON reports}
    shift 2
fi
OUT=${1:-$REPO/docs/compliance.md}
REPORTS=${MSGWIRE_COMPLIANCE_REPORTS:-$REPO/target/compliance}
PEERS=${MSGWIRE_PEERS_DIR:-/tmp/msgwire-compliance-peers}
CASE_TIMEOUT=${MSGWIRE_CASE_TIMEOUT:-10}
ADAPTERS=$REPO/conformance/adapters
APT_UPDATED=0

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = 0 ]; then
        flock /tmp/install.lock timeout 600 apt-get update -q
        APT_UPDATED=1
    fi
    flock /tmp/install.lock timeout 900 apt-get install -y -q --no-install-recommends "$@"
}

matrix() { # the JSON reports → OUT (Markdown) and matrix.html
    local dir=$1
    {
        echo "# Compliance: the peer matrix"
        echo
        echo "Made by \`scripts/compliance.sh\` on $(date -u +%Y-%m-%d) from the vector corpus in \`vectors/\`;"
        echo "do not edit by hand. Each row is one implementation run over the corpus (our codecs"
        echo "in-process; peers through the adapters in \`conformance/adapters/\`, see"
        echo "\`conformance/README.md\`). Peers run under the profiles their adapter models (usually"
        echo "\`strict\`); what a peer's API does not keep (a wire type, key order) shows as"
        echo "\`wrong-value\`: see each adapter's header for what it reports in that case."
        echo
        echo "Live servers are checked by \`msgwire check <protocol>-server\` instead (per-requirement verdicts,"
        echo "reports and baselines in \`docs/live/\`): AMQP: RabbitMQ 3.10.8; JSON-RPC: Python json-rpc,"
        echo "jsonrpcserver, jayson, json-rpc-2.0, Perl JSON::RPC; XML-RPC: Python SimpleXMLRPCServer, xmlrpc"
        echo "(npm), xmlrpc-c Abyss, RPC::XML, Ruby xmlrpc; MessagePack-RPC: Neovim, msgpack-rpc-python;"
        echo "Thrift: Apache Thrift's Python library 0.22.0 and C++ library 0.17.0 (Debian), each"
        echo "TThreadedServer in binary/compact × framed/buffered (\`docs/live/thrift.md\`)."
        echo
    } >"$WORK/preamble.md"
    mkdir -p "$(dirname "$OUT")"
    "$MSGWIRE" report matrix "$dir"/*.json --preamble "$WORK/preamble.md" \
        --vectors-link "$(python3 -c 'import os,sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$REPO/vectors" "$(dirname "$OUT")")" \
        --markdown "$OUT" --html "$dir/matrix.html"
    echo "wrote $OUT and $dir/matrix.html"
}

build() {
    echo "== build msgwire"
    (cd "$REPO" && timeout 1800 cargo build -q -p msgwire-conformance --bin msgwire)
    MSGWIRE=$(cd "$REPO" && cargo metadata -q --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/msgwire
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "$FROM" ]; then
    command -v cargo >/dev/null || { echo "compliance.sh: cargo is required" >&2; exit 2; }
    build
    matrix "$FROM"
    exit 0
fi

command -v cargo >/dev/null || { echo "compliance.sh: cargo is required" >&2; exit 2; }
command -v python3 >/dev/null || apt_install python3
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
# Peers from Debian: C libraries (built against below), Ruby gems, Perl modules. Installed only
# when missing, so a second run does not touch apt.
DEBIAN_PEERS=(gcc libc6-dev libjansson-dev libmsgpack-dev libxmlrpc-core-c3-dev ruby ruby-msgpack
    ruby-xmlrpc perl libdata-messagepack-perl librpc-xml-perl g++ libthrift-dev)
missing=()
for pkg in "${DEBIAN_PEERS[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

echo "== peers into $PEERS"
mkdir -p "$PEERS/node"
if [ ! -x "$PEERS/venv/bin/python" ]; then
    timeout 300 python3 -m venv "$PEERS/venv"
fi
flock /tmp/install.lock timeout 600 "$PEERS/venv/bin/pip" install -q --disable-pip-version-check -r "$ADAPTERS/python/requirements.txt"
# Python thrift 0.25 (uuid) beside the 0.22 of requirements.txt: a venv of its own.
if [ ! -x "$PEERS/venv-thrift-uuid/bin/python" ]; then
    timeout 300 python3 -m venv "$PEERS/venv-thrift-uuid"
fi
flock /tmp/install.lock timeout 600 "$PEERS/venv-thrift-uuid/bin/pip" install -q --disable-pip-version-check -r "$ADAPTERS/python/requirements-thrift-uuid.txt"
cp "$ADAPTERS/node/package.json" "$PEERS/node/package.json"
(cd "$PEERS/node" && flock /tmp/install.lock timeout 600 npm install -q --no-audit --no-fund --omit=dev >/dev/null)
export NODE_PATH=$PEERS/node/node_modules
PY=$PEERS/venv/bin/python
pyver() { "$PY" -c "import importlib.metadata as m; print(m.version('$1'))"; }
PY_UUID=$PEERS/venv-thrift-uuid/bin/python
pyver_uuid() { "$PY_UUID" -c "import importlib.metadata as m; print(m.version('$1'))"; }
nodever() { node -p "require('$PEERS/node/node_modules/$1/package.json').version"; }
debver() { dpkg-query -W -f '${Version}' "$1" | sed 's/^[0-9]*://; s/-[^-]*$//'; }

echo "== C adapters (against the Debian libraries) into $PEERS/c"
mkdir -p "$PEERS/c"
timeout 300 cc -O1 -D_GNU_SOURCE -o "$PEERS/c/msgpack_c_adapter" "$ADAPTERS/c/msgpack_c_adapter.c" -lmsgpackc -ljansson -lm
timeout 300 cc -O1 -D_GNU_SOURCE -o "$PEERS/c/xmlrpc_c_adapter" "$ADAPTERS/c/xmlrpc_c_adapter.c" $(xmlrpc-c-config --libs) -ljansson
timeout 300 cc -O1 -D_GNU_SOURCE -c -o "$PEERS/c/cpp_main.o" "$ADAPTERS/cpp/main.c"
timeout 600 g++ -std=c++17 -O1 -o "$PEERS/c/thrift_cpp_adapter" "$ADAPTERS/cpp/thrift_cpp_adapter.cpp" "$PEERS/c/cpp_main.o" -lthrift -ljansson

echo "== Rust adapters (conformance/adapters/rust, its own workspace and Cargo.lock)"
(cd "$ADAPTERS/rust" && CARGO_TARGET_DIR=$PEERS/rust-target timeout 1800 cargo build -q --release --locked)
RUST_PEERS=$PEERS/rust-target/release/rust-peers
rustver() { sed -n "/^name = \"$1\"$/{n;s/^version = \"\(.*\)\"$/\1/p;}" "$ADAPTERS/rust/Cargo.lock"; }

build
rm -rf "$REPORTS" && mkdir -p "$REPORTS"

echo "== our codecs"
ours=0
timeout 1800 "$MSGWIRE" check codec --strict --color never --name "msgwire (ours)" \
    --json "$REPORTS/00-ours.json" --timeout "$CASE_TIMEOUT" || ours=$?

# name | protocol | adapter command
ADAPTER_LIST=(
    "pika $(pyver pika)|amqp|$PY $ADAPTERS/python/pika_adapter.py"
    "py-amqp $(pyver amqp)|amqp|$PY $ADAPTERS/python/py_amqp_adapter.py"
    "amqplib $(nodever amqplib)|amqp|node $ADAPTERS/node/amqplib_adapter.js"
    "msgpack-python $(pyver msgpack)|msgpack-rpc|$PY $ADAPTERS/python/msgpack_adapter.py"
    "@msgpack/msgpack $(nodever @msgpack/msgpack)|msgpack-rpc|node $ADAPTERS/node/msgpack_adapter.js"
    "Python $("$PY" -c 'import platform; print(platform.python_version())') xmlrpc.client|xmlrpc|$PY $ADAPTERS/python/xmlrpc_adapter.py"
    "xmlrpc (npm) $(nodever xmlrpc)|xmlrpc|node $ADAPTERS/node/xmlrpc_adapter.js"
    "json-rpc $(pyver json-rpc)|jsonrpc|$PY $ADAPTERS/python/jsonrpc_adapter.py"
    "jsonrpcserver $(pyver jsonrpcserver)|jsonrpc|$PY $ADAPTERS/python/jsonrpcserver_adapter.py"
    "jayson $(nodever jayson)|jsonrpc|node $ADAPTERS/node/jayson_adapter.js"
    # issue 17: more implementations, in C, Rust, Ruby and Perl too
    "ormsgpack $(pyver ormsgpack)|msgpack-rpc|$PY $ADAPTERS/python/ormsgpack_adapter.py"
    "u-msgpack-python $(pyver u-msgpack-python)|msgpack-rpc|$PY $ADAPTERS/python/umsgpack_adapter.py"
    "msgspec $(pyver msgspec)|msgpack-rpc|$PY $ADAPTERS/python/msgspec_adapter.py"
    "msgpackr $(nodever msgpackr)|msgpack-rpc|node $ADAPTERS/node/msgpackr_adapter.js"
    "msgpack-lite $(nodever msgpack-lite)|msgpack-rpc|node $ADAPTERS/node/msgpack_lite_adapter.js"
    "json-rpc-2.0 $(nodever json-rpc-2.0)|jsonrpc|node $ADAPTERS/node/json_rpc_2_adapter.js"
    "msgpack-c $(debver libmsgpack-dev) (C)|msgpack-rpc|$PEERS/c/msgpack_c_adapter"
    "xmlrpc-c $(xmlrpc-c-config --version) (C)|xmlrpc|$PEERS/c/xmlrpc_c_adapter"
    "rmpv $(rustver rmpv) (Rust)|msgpack-rpc|$RUST_PEERS rmpv"
    "jsonrpc-core $(rustver jsonrpc-core) (Rust)|jsonrpc|$RUST_PEERS jsonrpc-core"
    "jsonrpsee-types $(rustver jsonrpsee-types) (Rust)|jsonrpc|$RUST_PEERS jsonrpsee-types"
    "msgpack-ruby $(ruby -rmsgpack -e 'print MessagePack::VERSION') (Ruby)|msgpack-rpc|ruby $ADAPTERS/ruby/msgpack_adapter.rb"
    "xmlrpc gem $(debver ruby-xmlrpc) (Ruby $(ruby -e 'print RUBY_VERSION'))|xmlrpc|ruby $ADAPTERS/ruby/xmlrpc_adapter.rb"
    "Data::MessagePack $(perl -MData::MessagePack -e 'print $Data::MessagePack::VERSION') (Perl)|msgpack-rpc|perl $ADAPTERS/perl/data_messagepack_adapter.pl"
    "RPC::XML $(perl -MRPC::XML -e 'print $RPC::XML::VERSION') (Perl)|xmlrpc|perl $ADAPTERS/perl/rpcxml_adapter.pl"
    # issue 16: Thrift
    "thrift (PyPI) $(pyver thrift)|thrift|$PY $ADAPTERS/python/thrift_adapter.py"
    "libthrift $(debver libthrift-dev) (C++)|thrift|$PEERS/c/thrift_cpp_adapter"
    # the same Python adapter on a library that reads and writes uuid
    "thrift (PyPI) $(pyver_uuid thrift)|thrift|$PY_UUID $ADAPTERS/python/thrift_adapter.py"
)
i=10 # two digits, so that the report files sort in list order (after 0-ours.json)
for entry in "${ADAPTER_LIST[@]}"; do
    IFS='|' read -r name protocol cmd <<<"$entry"
    echo "== $name ($protocol)"
    rc=0
    timeout 1800 "$MSGWIRE" check codec --protocol "$protocol" --adapter "$cmd" --persistent \
        --timeout "$CASE_TIMEOUT" --color never --name "$name" --json "$REPORTS/$i-peer.json" >/dev/null || rc=$?
    if [ "$rc" -gt 1 ] || [ ! -s "$REPORTS/$i-peer.json" ]; then
        echo "compliance.sh: the $name adapter run failed (exit $rc)" >&2
        exit 2
    fi
    i=$((i + 1))
done

matrix "$REPORTS"

if [ "$ours" != 0 ]; then
    echo "compliance.sh: our codecs' row is not all-pass (check codec --strict exit $ours)" >&2
    exit 1
fi
