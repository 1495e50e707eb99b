#!/usr/bin/env bash
# MessagePack-RPC peers for the interop tests (and the vector generators).
#
#   .ci/peers/msgpack-rpc.sh [test]   install Neovim and msgpack-rpc-python, run the ignored
#                                     interop tests (codecs/tests/msgpack_rpc_{nvim,python}.rs)
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
    # The live suite (msgwire check msgpack-rpc-server) against Neovim and msgpack-rpc-python.
    timeout 600 cargo test -p msgwire-conformance --test live_msgpack_rpc -- --include-ignored --nocapture
}

generate() {
    install
    apt_install nodejs npm
    MSGWIRE_GENERATE_SCRATCH=$SCRATCH bash "$ROOT/vectors/generate/msgpack-rpc/run.sh"
}

case "${1:-test}" in
    test) run_tests ;;
    install) install ;;
    generate) generate ;;
    *) echo "usage: $0 [test|install|generate]" >&2; exit 2 ;;
esac
