#!/usr/bin/env bash
# (Re)generates every AMQP vector file in vectors/amqp/ from the pinned peers, then cross-checks
# them offline (check_vectors.py).
#
#   bash vectors/generate/amqp/run.sh [all|verdicts|amqplib|pika|check]
#
# Peers are installed outside the repo, into $MSGWIRE_PEERS_DIR (default /tmp/msgwire-amqp-peers):
# a venv with requirements.txt (pika) and node_modules from package-lock.json (amqplib). The broker
# is started by .ci/peers/rabbitmq.sh (loopback only). Runs as root on Debian; bounded in time.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=$REPO/vectors/amqp
PEERS=${MSGWIRE_PEERS_DIR:-/tmp/msgwire-amqp-peers}
WHAT=${1:-all}
export PYTHONDONTWRITEBYTECODE=1 # keep __pycache__ out of the repo (capture_pika.py imports probe_rabbitmq.py)
APT_UPDATED=0

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = 0 ]; then
        timeout 600 apt-get update -q
        APT_UPDATED=1
    fi
    timeout 900 apt-get install -y -q --no-install-recommends "$@"
}

need_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    mkdir -p "$PEERS/node"
    cp "$HERE/package.json" "$HERE/package-lock.json" "$PEERS/node/"
    if ! cmp -s "$HERE/package-lock.json" "$PEERS/node/.installed-lock" 2>/dev/null; then
        (cd "$PEERS/node" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
        cp "$HERE/package-lock.json" "$PEERS/node/.installed-lock"
    fi
}

need_venv() {
    if [ ! -x "$PEERS/venv/bin/python" ]; then
        python3 -m venv "$PEERS/venv" 2>/dev/null || {
            apt_install python3-venv
            python3 -m venv "$PEERS/venv"
        }
    fi
    if ! cmp -s "$HERE/requirements.txt" "$PEERS/venv/.installed-requirements" 2>/dev/null; then
        timeout 300 "$PEERS/venv/bin/pip" install -q -r "$HERE/requirements.txt"
        cp "$HERE/requirements.txt" "$PEERS/venv/.installed-requirements"
    fi
}

need_broker() {
    bash "$REPO/.ci/peers/rabbitmq.sh" start
    # connection.start carries the cluster name (by default rabbit@<host>) and the mechanisms
    # (their order changes from one broker start to the next): pin both so the capture does not
    # depend on the machine or the boot. Runtime settings only; a restart undoes them.
    timeout 60 rabbitmqctl -n rabbit@localhost set_cluster_name msgwire >/dev/null
    timeout 60 rabbitmqctl -n rabbit@localhost eval \
        "application:set_env(rabbit, auth_mechanisms, ['PLAIN'])." >/dev/null
}

verdicts() {
    need_broker
    timeout 300 python3 "$HERE/probe_rabbitmq.py" --out "$OUT/rabbitmq-verdicts.json" \
        --readme "$HERE/README.md" >/dev/null
    echo "wrote $OUT/rabbitmq-verdicts.json and the table in $HERE/README.md"
}

amqplib() {
    need_node
    NODE_PATH="$PEERS/node/node_modules" timeout 300 node "$HERE/amqplib_frames.js" "$OUT"
}

pika() {
    need_broker
    need_venv
    timeout 300 "$PEERS/venv/bin/python" "$HERE/capture_pika.py" --out-dir "$OUT"
}

check() {
    python3 "$HERE/check_vectors.py" "$OUT"
}

mkdir -p "$OUT/data"
case "$WHAT" in
all)
    verdicts
    amqplib
    pika
    check
    ;;
verdicts) verdicts ;;
amqplib) amqplib ;;
pika) pika ;;
check) check ;;
*)
    echo "usage: $0 [all|verdicts|amqplib|pika|check]" >&2
    exit 2
    ;;
esac
