#!/usr/bin/env bash
# Apache Thrift servers of the live suite's test service (conformance/live/thrift/conformance.thrift,
# docs/live/thrift.md): Thrift's Python library (`thrift` from PyPI) and its C++ library
# (Debian's libthrift-dev, compiled here against `thrift --gen cpp`), each in every protocol and
# transport they both speak: binary and compact, framed, buffered and THeader (THeaderProtocolFactory
# over the bare socket; C++'s lives in libthriftz). Thin handlers in
# conformance/adapters/live/thrift_{python_server.py,cpp_server.cpp}; the libraries' generated
# processors and TThreadedServer decide every reply.
#
#   .ci/peers/thrift-servers.sh [test]   install, generate, build, start on 127.0.0.1, run
#                                        `msgwire check thrift-server ... --strict --baseline
#                                        docs/live/T.baseline` for every target, stop the servers
#   .ci/peers/thrift-servers.sh report   the same, and rewrite docs/live/T.txt
#
# Runs as root on a fresh Debian machine; idempotent (the venv and the build in
# $MSGWIRE_THRIFT_DIR, default /tmp/msgwire-peers/thrift, are reused; apt only for what is
# missing). Loopback only: every server binds 127.0.0.1 and exits by itself after
# MSGWIRE_LIVE_LIFETIME seconds (default 600); every step has a timeout; the servers this script
# started are stopped when it exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODE=${1:-test}
case "$MODE" in test | report) ;; *)
    echo "usage: $0 [test|report]" >&2
    exit 2
    ;;
esac

S=${MSGWIRE_THRIFT_DIR:-/tmp/msgwire-peers/thrift}
BASE=${MSGWIRE_THRIFT_PORT_BASE:-18761}
export MSGWIRE_LIVE_LIFETIME=${MSGWIRE_LIVE_LIFETIME:-600}
A=conformance/adapters/live
IDL=conformance/live/thrift/conformance.thrift
PY_THRIFT=thrift==0.22.0
mkdir -p "$S"

PKGS=(thrift-compiler libthrift-dev zlib1g-dev libboost-dev g++ python3 python3-venv)
missing=()
for pkg in "${PKGS[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "thrift-servers.sh: cargo not found" >&2; exit 1; }

# Debian's python3 (not a pyenv shim): the venv must outlive the shell that made it.
if ! "$S/venv/bin/python" -c 'import thrift' >/dev/null 2>&1; then
    rm -rf "$S/venv"
    /usr/bin/python3 -m venv "$S/venv"
    timeout 600 "$S/venv/bin/pip" install -q "$PY_THRIFT"
fi

# The service's code, from the IDL, by Debian's compiler; the C++ server against it.
rm -rf "$S/gen-py" "$S/gen-cpp"
mkdir -p "$S/gen-py" "$S/gen-cpp"
timeout 120 thrift -out "$S/gen-py" --gen py "$IDL"
timeout 120 thrift -out "$S/gen-cpp" --gen cpp "$IDL"
timeout 600 g++ -std=c++17 -O1 -I "$S/gen-cpp" -o "$S/thrift_cpp_server" $A/thrift_cpp_server.cpp \
    "$S/gen-cpp/Conformance.cpp" "$S/gen-cpp/conformance_types.cpp" -lthriftz -lthrift -lz -lpthread

COMBOS=(binary/framed binary/buffered compact/framed compact/buffered binary/header compact/header)
N=${#COMBOS[@]}
PORTS=()
for ((i = 0; i < 2 * ${#COMBOS[@]}; i++)); do PORTS+=($((BASE + i))); done

S_NAME=MSGWIRE_THRIFT_DIR
. .ci/peers/lib.sh
ports_free "${PORTS[@]}"
i=0
for combo in "${COMBOS[@]}"; do
    p=${combo%/*} t=${combo#*/}
    start "python-$p-$t" "$S/venv/bin/python" $A/thrift_python_server.py "$S/gen-py" $((BASE + i)) "$p" "$t"
    start "cpp-$p-$t" "$S/thrift_cpp_server" $((BASE + N + i)) "$p" "$t"
    i=$((i + 1))
done
wait_listening "${PORTS[@]}"

PYV=$("$S/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("thrift"))')
CPPV=$(dpkg-query -W -f '${Version}' libthrift-dev)
echo "thrift-servers.sh: thrift (PyPI) $PYV on $("$S/venv/bin/python" --version), libthrift-dev $CPPV, $(thrift --version)"

timeout 900 cargo build -q -p msgwire-conformance --bin msgwire
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/msgwire

# Two lanes side by side, Python's servers in one and C++'s in the other (each check mostly waits
# on its server: the twelve one after the other took 164 s of a local run), each lane's targets one
# after the other as before, so libthrift's 2 GiB allocation (below) happens in one check at a time.
# Each check's lines go to a file, shown in the order of the list when both lanes are done.
lane() {
    # lane python|cpp: that library's six checks; exits 1 when one failed outside its baseline
    local lib=$1 i=0 combo p t args
    for combo in "${COMBOS[@]}"; do
        p=${combo%/*} t=${combo#*/}
        if [ "$lib" = python ]; then
            args=(thrift-server "127.0.0.1:$((BASE + i))" --protocol "$p" --transport "$t")
            peer_check "thrift-python-$p-$t" 300 "${args[*]}" \
                "thrift $PYV (PyPI) TThreadedServer, $p protocol, $t transport, code from $(thrift --version) via $A/thrift_python_server.py" \
                "${args[@]}" >"$S/lane-$lib-$i.out" 2>&1
        else
            # --timeout 10: libthrift closes on a declared 2 GiB string only after allocating it
            # (1-2 s here; docs/findings.md), which a loaded machine must not turn into a hang
            # verdict.
            args=(thrift-server "127.0.0.1:$((BASE + N + i))" --protocol "$p" --transport "$t" --timeout 10)
            peer_check "thrift-cpp-$p-$t" 300 "${args[*]}" \
                "libthrift $CPPV (Debian, C++) TThreadedServer, $p protocol, $t transport, built by this script via $A/thrift_cpp_server.cpp" \
                "${args[@]}" >"$S/lane-$lib-$i.out" 2>&1
        fi
        i=$((i + 1))
    done
    exit "$status"
}
rm -f "$S"/lane-*.out
lane python &
py_lane=$!
lane cpp &
cpp_lane=$!
wait "$py_lane" || status=1
wait "$cpp_lane" || status=1
for ((i = 0; i < N; i++)); do
    cat "$S/lane-python-$i.out" "$S/lane-cpp-$i.out"
done
exit $status
