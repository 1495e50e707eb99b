#!/usr/bin/env bash
# XML-RPC peers: Python's stdlib xmlrpc (client and SimpleXMLRPCServer) and the `xmlrpc` npm
# package.
#
#   .ci/peers/xmlrpc.sh [test]   install python3 if missing, run the ignored interop test
#                                (codecs/tests/xmlrpc_interop.rs: SimpleXMLRPCServer on 127.0.0.1)
#   .ci/peers/xmlrpc.sh generate also install node/npm, regenerate vectors/xmlrpc/*.json with the
#                                generators in vectors/generate/xmlrpc/ (npm packages go to a
#                                scratch dir outside the repo)
#
# Runs as root on a fresh Debian machine; idempotent; loopback only; every step has a timeout
# (the server itself exits after 200 requests or 120 s).
set -euo pipefail
cd "$(dirname "$0")/../.."

need() {
    # need COMMAND PACKAGE...: apt-get install PACKAGE... unless COMMAND exists
    local cmd=$1
    shift
    if command -v "$cmd" >/dev/null 2>&1; then
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "${XMLRPC_APT_UPDATED:-}" ]; then
        timeout 600 apt-get update -q
        XMLRPC_APT_UPDATED=1
    fi
    timeout 900 apt-get install -y -q --no-install-recommends "$@"
}

test_interop() {
    need python3 python3
    command -v cargo >/dev/null 2>&1 || { echo "xmlrpc.sh: cargo not found" >&2; exit 1; }
    python3 --version
    timeout 1200 cargo test -p msgwire --no-default-features --features xmlrpc \
        --test xmlrpc_interop -- --ignored
}

generate() {
    need python3 python3
    need node nodejs
    need npm npm
    local scratch=${XMLRPC_NPM_DIR:-/tmp/msgwire-xmlrpc-npm}
    mkdir -p "$scratch"
    cp vectors/generate/xmlrpc/package.json "$scratch/"
    cp vectors/generate/xmlrpc/package-lock.json "$scratch/"
    (cd "$scratch" && timeout 600 npm ci --no-audit --no-fund)
    timeout 300 python3 vectors/generate/xmlrpc/python_xmlrpc_client.py
    timeout 300 python3 vectors/generate/xmlrpc/hand_written.py
    XMLRPC_NPM_DIR=$scratch timeout 300 node vectors/generate/xmlrpc/npm_xmlrpc.js
}

case "${1:-test}" in
    test) test_interop ;;
    generate) generate ;;
    *) echo "usage: $0 [test|generate]" >&2; exit 2 ;;
esac
