#!/usr/bin/env bash
# Live conformance suite (issue 9) against real JSON-RPC and XML-RPC servers we did not write:
#   Python json-rpc 1.15.0 and jsonrpcserver 5.0.9 (behind a small HTTP wrapper), jayson 5.0.0
#   (its own TCP and HTTP transports), Python's SimpleXMLRPCServer (validator1 methods,
#   introspection, multicall) and the `xmlrpc` npm package 1.3.2's server.
# The servers are thin wrappers in conformance/adapters/live/; the libraries decide every reply.
#
#   .ci/peers/live-servers.sh [test]   install, start on 127.0.0.1, run the suites' tests
#                                      (conformance/tests/live_{jsonrpc,xmlrpc}.rs, --include-ignored)
#                                      and `msgwire check ... --strict --baseline docs/live/T.baseline`
#                                      for every target, stop the servers
#   .ci/peers/live-servers.sh report   the same, and rewrite docs/live/{jsonrpc,xmlrpc}-*.txt
#
# Runs as root on a fresh Debian machine; idempotent (scratch installs in $MSGWIRE_LIVE_DIR,
# default /tmp/msgwire-peers/live, are reused). Loopback only: every server binds 127.0.0.1 and
# exits by itself after MSGWIRE_LIVE_LIFETIME seconds (default 900); every step has a timeout;
# the servers this script started are stopped when it exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODE=${1:-test}
case "$MODE" in test | report) ;; *)
    echo "usage: $0 [test|report]" >&2
    exit 2
    ;;
esac

S=${MSGWIRE_LIVE_DIR:-/tmp/msgwire-peers/live}
BASE=${MSGWIRE_LIVE_PORT_BASE:-18701}
export MSGWIRE_LIVE_LIFETIME=${MSGWIRE_LIVE_LIFETIME:-900}
A=conformance/adapters/live
mkdir -p "$S"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have node || ! have npm || ! have python3 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends nodejs npm python3 python3-venv
fi
have cargo || { echo "live-servers.sh: cargo not found" >&2; exit 1; }

# Peers, pinned, in the scratch directory (never in the repo).
if [ ! -x "$S/venv/bin/python" ]; then
    python3 -m venv "$S/venv"
fi
timeout 600 "$S/venv/bin/pip" install -q --disable-pip-version-check json-rpc==1.15.0 jsonrpcserver==5.0.9
cat >"$S/package.json" <<'EOF'
{ "private": true, "description": "msgwire live-suite peers (scratch)",
  "dependencies": { "jayson": "5.0.0", "xmlrpc": "1.3.2" } }
EOF
(cd "$S" && timeout 600 npm install --no-audit --no-fund --loglevel=error)

PY_JSONRPC=$((BASE)) PY_JSONRPCSERVER=$((BASE + 1)) JAYSON_TCP=$((BASE + 2)) JAYSON_HTTP=$((BASE + 3))
PY_XMLRPC=$((BASE + 4)) NPM_XMLRPC=$((BASE + 5))

S_NAME=MSGWIRE_LIVE_DIR
. .ci/peers/lib.sh
ports_free $PY_JSONRPC $PY_JSONRPCSERVER $JAYSON_TCP $JAYSON_HTTP $PY_XMLRPC $NPM_XMLRPC
start json-rpc "$S/venv/bin/python" $A/jsonrpc_python_server.py json-rpc http $PY_JSONRPC
start jsonrpcserver "$S/venv/bin/python" $A/jsonrpc_python_server.py jsonrpcserver http $PY_JSONRPCSERVER
start jayson env NODE_PATH="$S/node_modules" node $A/jayson_server.js $JAYSON_TCP $JAYSON_HTTP
start simplexmlrpcserver python3 $A/xmlrpc_python_server.py $PY_XMLRPC
start xmlrpc-npm env NODE_PATH="$S/node_modules" node $A/xmlrpc_npm_server.js $NPM_XMLRPC
wait_listening $PY_JSONRPC $PY_JSONRPCSERVER $JAYSON_TCP $JAYSON_HTTP $PY_XMLRPC $NPM_XMLRPC

pyver() { "$S/venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))"; }
npmver() { node -p "require('$S/node_modules/$1/package.json').version"; }
PYTHON=$(python3 -c 'import sys, pyexpat; print(sys.version.split()[0], "expat", pyexpat.EXPAT_VERSION.split("_", 1)[1])')
echo "live-servers.sh: json-rpc $(pyver json-rpc), jsonrpcserver $(pyver jsonrpcserver), jayson $(npmver jayson), xmlrpc $(npmver xmlrpc), Python $PYTHON, node $(node --version)"

export MSGWIRE_LIVE_JSONRPC_PY=http://127.0.0.1:$PY_JSONRPC/
export MSGWIRE_LIVE_JSONRPCSERVER=http://127.0.0.1:$PY_JSONRPCSERVER/
export MSGWIRE_LIVE_JAYSON_HTTP=http://127.0.0.1:$JAYSON_HTTP/
export MSGWIRE_LIVE_JAYSON_TCP=tcp://127.0.0.1:$JAYSON_TCP
export MSGWIRE_LIVE_XMLRPC_PY=http://127.0.0.1:$PY_XMLRPC/RPC2
export MSGWIRE_LIVE_XMLRPC_NPM=http://127.0.0.1:$NPM_XMLRPC/

echo "live-servers.sh: the suites' own tests, with the real peers"
# The suite's in-process tests too (--include-ignored), unless .ci/run already ran them on this
# checkout (its test step, `cargo test --workspace`, then sets MSGWIRE_IGNORED_ONLY=1): then
# only the ignored ones, which need the peers.
which=--include-ignored
if [ "${MSGWIRE_IGNORED_ONLY:-}" = 1 ]; then which=--ignored; fi
timeout 900 cargo test -p msgwire-conformance --test live_jsonrpc --test live_xmlrpc -- "$which"

timeout 900 cargo build -q -p msgwire-conformance --bin msgwire
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/msgwire

check() {
    # check NAME DESCRIPTION msgwire-args...: one server target (see peer_check in lib.sh)
    local name=$1 what=$2
    shift 2
    peer_check "$name" 300 "$* --echo-method echo" "$what" "$@" --echo-method echo
}
check jsonrpc-python-json-rpc "Python json-rpc $(pyver json-rpc) (JSONRPCResponseManager) behind $A/jsonrpc_python_server.py (HTTP)" \
    jsonrpc-server "$MSGWIRE_LIVE_JSONRPC_PY" --accept python-jsonrpc
check jsonrpc-python-jsonrpcserver "Python jsonrpcserver $(pyver jsonrpcserver) (dispatch) behind $A/jsonrpc_python_server.py (HTTP)" \
    jsonrpc-server "$MSGWIRE_LIVE_JSONRPCSERVER" --accept python-jsonrpc
check jsonrpc-python-jsonrpcserver-stdio "Python jsonrpcserver $(pyver jsonrpcserver) over stdin/stdout (NDJSON), one process per case" \
    jsonrpc-server --command "$S/venv/bin/python $A/jsonrpc_python_server.py jsonrpcserver stdio" --accept python-jsonrpc
check jsonrpc-jayson-http "jayson $(npmver jayson) Server.http() (node $(node --version))" \
    jsonrpc-server "$MSGWIRE_LIVE_JAYSON_HTTP"
check jsonrpc-jayson-tcp "jayson $(npmver jayson) Server.tcp(), newline-delimited (node $(node --version))" \
    jsonrpc-server "$MSGWIRE_LIVE_JAYSON_TCP"
check xmlrpc-python-simplexmlrpcserver "Python $PYTHON xmlrpc.server.SimpleXMLRPCServer via $A/xmlrpc_python_server.py" \
    xmlrpc-server "$MSGWIRE_LIVE_XMLRPC_PY"
check xmlrpc-npm-xmlrpc "xmlrpc (npm) $(npmver xmlrpc) createServer via $A/xmlrpc_npm_server.js (node $(node --version))" \
    xmlrpc-server "$MSGWIRE_LIVE_XMLRPC_NPM"
exit $status
