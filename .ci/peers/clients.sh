#!/usr/bin/env bash
# Client mode (issue 15): msgwire plays the server, real client libraries we did not write are
# judged through their drivers (conformance/adapters/clients/, the driver contract in
# conformance/README.md):
#   jsonrpc-client: Python jsonrpcclient 4.0.3 over requests, and jayson 5.0.0's HTTP client;
#   amqp-client: pika 1.4.4 and py-amqp 5.4.2 (Python), amqplib 2.3.1 (Node), lapin 4.12.3 (Rust,
#   tokio; the driver is built from conformance/adapters/clients/lapin/ into the scratch dir);
#   xmlrpc-client: Python's xmlrpc.client and the xmlrpc npm package 1.3.2;
#   msgpack-rpc-client: pynvim 0.6.0, and msgpack-rpc-python 0.4.1 (its own venv: msgpack-python
#   0.5.6, tornado 4.5.3).
#
#   .ci/peers/clients.sh [test]   install the libraries, run the suite's tests with them
#                                 (conformance/tests/live_clients.rs, --include-ignored; under
#                                 .ci/run, which ran the rest, --ignored) and
#                                 `msgwire check <suite> --driver ... --strict --baseline
#                                 docs/live/T.baseline` for every client
#   .ci/peers/clients.sh report   the same, and rewrite docs/live/T.txt
#
# Runs as root on a fresh Debian machine; idempotent (scratch installs in $MSGWIRE_CLIENTS_DIR,
# default /tmp/msgwire-peers/clients, are reused). Loopback only: msgwire listens on
# 127.0.0.1:0 for each case and kills a driver that has not ended at the case's timeout;
# every step here has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-test}
case "$MODE" in test | report) ;; *)
    echo "usage: $0 [test|report]" >&2
    exit 2
    ;;
esac

S=${MSGWIRE_CLIENTS_DIR:-/tmp/msgwire-peers/clients}
export MSGWIRE_CLIENTS_DIR=$S
mkdir -p "$S"
# One run at a time per scratch directory: a second run's installs would change the libraries
# under the first one's drivers.
exec 9>"$S/.lock"
timeout 1800 flock 9

have() { command -v "$1" >/dev/null 2>&1; }
if ! have node || ! have npm || ! have python3 || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends nodejs npm python3 python3-venv
fi
have cargo || { echo "clients.sh: cargo not found" >&2; exit 1; }

# The client libraries, pinned, in the scratch directory (never in the repo).
if [ ! -x "$S/venv/bin/python" ]; then
    python3 -m venv "$S/venv"
fi
timeout 600 "$S/venv/bin/pip" install -q --disable-pip-version-check jsonrpcclient==4.0.3 requests==2.34.2 pika==1.4.4 amqp==5.4.2 pynvim==0.6.0
if [ ! -x "$S/venv-rpc/bin/python" ]; then
    python3 -m venv "$S/venv-rpc"
fi
timeout 600 "$S/venv-rpc/bin/pip" install -q --disable-pip-version-check msgpack-python==0.5.6 tornado==4.5.3 msgpack-rpc-python==0.4.1
cat >"$S/package.json" <<'JSON'
{ "private": true, "description": "msgwire client-suite drivers' libraries (scratch)",
  "dependencies": { "jayson": "5.0.0", "amqplib": "2.3.1", "xmlrpc": "1.3.2" } }
JSON
(cd "$S" && timeout 600 npm install --no-audit --no-fund --loglevel=error)

# lapin (Rust): the driver is a cargo project of its own (its own workspace and Cargo.lock, never
# a dependency of msgwire), built into the scratch directory.
timeout 900 cargo build -q --release --locked --manifest-path conformance/adapters/clients/lapin/Cargo.toml \
    --target-dir "$S/lapin-target"

echo "clients.sh: the suite's own tests, with the real clients"
# The suite's in-process tests too (--include-ignored), unless .ci/run already ran them on this
# checkout (its test step, `cargo test --workspace`, then sets MSGWIRE_IGNORED_ONLY=1): then
# only the ignored ones, which need the peers.
which=--include-ignored
if [ "${MSGWIRE_IGNORED_ONLY:-}" = 1 ]; then which=--ignored; fi
timeout 900 cargo test -p msgwire-conformance --test live_clients --test live_amqp_clients --test live_xmlrpc_clients \
    --test live_msgpack_rpc_clients -- "$which"

timeout 900 cargo build -q -p msgwire-conformance --bin msgwire
BIN=${CARGO_TARGET_DIR:-$PWD/target}/debug/msgwire
D=conformance/adapters/clients

S_NAME=MSGWIRE_CLIENTS_DIR
. .ci/peers/lib.sh
# The ten clients run at once (a check mostly waits on driver processes: ~2 minutes one after
# the other, the longest alone ~30 s); each one's lines go to a file, shown in order after all.
JOBS=()
NAMES=()
check() {
    # check NAME SUITE DRIVER: one client (see peer_check in lib.sh), in the background
    local name=$1 suite=$2 driver=$3
    (
        peer_check "$name" 600 "$suite --driver '$driver'" "" "$suite" --driver "$driver" --timeout 10
        exit "$status"
    ) >"$S/$name.out" 2>&1 &
    JOBS+=($!)
    NAMES+=("$name")
}
check jsonrpc-client-python-jsonrpcclient jsonrpc-client "$S/venv/bin/python $D/jsonrpc_python_client.py"
check jsonrpc-client-jayson jsonrpc-client "env NODE_PATH=$S/node_modules node $D/jsonrpc_jayson_client.js"
check amqp-client-pika amqp-client "$S/venv/bin/python $D/amqp_pika_client.py"
check amqp-client-py-amqp amqp-client "$S/venv/bin/python $D/amqp_py_amqp_client.py"
check amqp-client-amqplib amqp-client "env NODE_PATH=$S/node_modules node $D/amqp_amqplib_client.js"
check amqp-client-lapin amqp-client "$S/lapin-target/release/msgwire-lapin-driver"
check xmlrpc-client-python xmlrpc-client "python3 $D/xmlrpc_python_client.py"
check xmlrpc-client-npm-xmlrpc xmlrpc-client "env NODE_PATH=$S/node_modules node $D/xmlrpc_npm_client.js"
check msgpack-rpc-client-python msgpack-rpc-client "$S/venv-rpc/bin/python $D/msgpack_rpc_python_client.py"
check msgpack-rpc-client-pynvim msgpack-rpc-client "$S/venv/bin/python $D/msgpack_rpc_pynvim_client.py"
for i in "${!JOBS[@]}"; do
    wait "${JOBS[$i]}" || status=1
    cat "$S/${NAMES[$i]}.out"
done
exit $status
