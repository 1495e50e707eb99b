#!/usr/bin/env bash
# MessagePack-RPC peers for the interop tests (and the vector generators).
#
#   .ci/peers/msgpack-rpc.sh [test]   install Neovim and msgpack-rpc-python, run the ignored
#                                     interop tests (codecs/tests/msgpack_rpc_{nvim,python}.rs)
#   .ci/peers/msgpack-rpc.sh report   the same, and rewrite docs/live/msgpack-rpc-{neovim,python}.txt
#   .ci/peers/msgpack-rpc.sh install  only install the peers
#   .ci/peers/msgpack-rpc.sh generate install the generators' peers too, and regenerate
#                                     vectors/msgpack-rpc (vectors/generate/msgpack-rpc/run.sh)
#
# Runs as root on a fresh Debian machine; idempotent (what is installed is reused). Every peer
# runs on loopback or stdio: Neovim over stdio, msgpack-rpc-python on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=${MSGWIRE_PEERS_DIR:-/tmp/msgwire-peers}/msgpack-rpc
VENV_RPC=$SCRATCH/venv-rpc
# msgpack-rpc-python 0.4.1 needs these exact versions (newer msgpack/tornado broke its API).
RPC_PINS=(msgpack-python==0.5.6 tornado==4.5.3 msgpack-rpc-python==0.4.1)

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        timeout 600 apt-get update -q
        timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

install() {
    apt_install neovim python3 python3-venv ca-certificates
    mkdir -p "$SCRATCH"
    if ! "$VENV_RPC/bin/python" -c 'import msgpackrpc' >/dev/null 2>&1; then
        rm -rf "$VENV_RPC"
        python3 -m venv "$VENV_RPC"
        timeout 600 "$VENV_RPC/bin/pip" install -q "${RPC_PINS[@]}"
    fi
    nvim --version | head -n1
    "$VENV_RPC/bin/pip" freeze | grep -Ei 'msgpack|tornado'
}

run_tests() {
    install
    cd "$ROOT"
    export MSGWIRE_MPRPC_PYTHON=$VENV_RPC/bin/python
    timeout 1800 cargo test -p msgwire --no-default-features --features msgpack-rpc \
        --test msgpack_rpc_nvim --test msgpack_rpc_python -- --ignored
    # The live suite (msgwire check msgpack-rpc-server) against Neovim and msgpack-rpc-python:
    # its own tests, then the CLI with each peer's baseline (exit 1 on a failure outside it).
    # The suite's in-process tests too (--include-ignored), unless .ci/run already ran them on this
    # checkout (its test step, `cargo test --workspace`, then sets MSGWIRE_IGNORED_ONLY=1): then
    # only the ignored ones, which need the peers.
    local which=--include-ignored
    if [ "${MSGWIRE_IGNORED_ONLY:-}" = 1 ]; then which=--ignored; fi
    timeout 600 cargo test -p msgwire-conformance --test live_msgpack_rpc -- "$which" --nocapture
    timeout 900 cargo build -q -p msgwire-conformance --bin msgwire
    local bin=${CARGO_TARGET_DIR:-$ROOT/target}/debug/msgwire status=0 out port pid
    out=$(mktemp)
    live() {
        # live NAME DESCRIPTION msgwire-args...: one check, its baseline, optionally its report
        local name=$1 what=$2 rc=0
        shift 2
        timeout 300 "$bin" check msgpack-rpc-server "$@" --strict \
            --baseline "docs/live/$name.baseline" >"$out" || rc=$?
        cat "$out"
        if [ "$rc" != 0 ]; then
            echo "msgpack-rpc.sh: $name: a case failed outside docs/live/$name.baseline (exit $rc)" >&2
            status=1
        fi
        if [ "$MODE" = report ]; then
            {
                echo "# msgwire check msgpack-rpc-server $* --strict"
                echo "# target: $what"
                echo "# run by .ci/peers/msgpack-rpc.sh report on $(date -u +%Y-%m-%d); timings vary"
                cat "$out"
            } >"docs/live/$name.txt"
        fi
    }
    live msgpack-rpc-neovim "$(nvim --version | head -n1) over stdio (one process per case), no echo method" \
        --command 'nvim --clean --embed --headless'
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    MSGWIRE_LIVE_LIFETIME=600 timeout 600 "$VENV_RPC/bin/python" \
        conformance/adapters/live/msgpack_rpc_python_server.py "$port" >/dev/null &
    pid=$!
    for _ in $(seq 1 60); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.5
    done
    live msgpack-rpc-python "msgpack-rpc-python 0.4.1 ($("$VENV_RPC/bin/pip" freeze | grep -Ei '^(msgpack-python|tornado)' | tr '\n' ' ')) msgpackrpc.Server via conformance/adapters/live/msgpack_rpc_python_server.py" \
        "tcp://127.0.0.1:$port" --echo-method echo
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$out"
    return $status
}

generate() {
    install
    apt_install nodejs npm
    MSGWIRE_GENERATE_SCRATCH=$SCRATCH bash "$ROOT/vectors/generate/msgpack-rpc/run.sh"
}

MODE=${1:-test}
case "$MODE" in
    test | report) run_tests ;;
    install) install ;;
    generate) generate ;;
    *) echo "usage: $0 [test|report|install|generate]" >&2; exit 2 ;;
esac
