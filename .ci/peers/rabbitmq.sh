#!/usr/bin/env bash
# Starts (or stops) a private RabbitMQ broker on 127.0.0.1:5672 for the AMQP interop tests and the
# vector generators in vectors/generate/amqp/.
#
#   .ci/peers/rabbitmq.sh [start]   install rabbitmq-server if missing, start a broker, wait for 5672
#   .ci/peers/rabbitmq.sh stop      stop the broker started by `start`
#   .ci/peers/rabbitmq.sh version   print the broker version (and Erlang/OTP)
#   .ci/peers/rabbitmq.sh test      start, then run the ignored AMQP interop tests
#                                   (codecs/tests/$AMQP_INTEROP_TEST.rs, default amqp_interop)
#
# Runs as root on a fresh Debian machine; idempotent (a broker already listening on 5672 is reused).
# Loopback only: the node listens on 127.0.0.1, the default guest/guest user is allowed there.
set -euo pipefail

D=${RABBITMQ_DIR:-/tmp/msgwire-rabbitmq}
PORT=5672
WAIT_SECS=${RABBITMQ_WAIT_SECS:-60}
export RABBITMQ_NODENAME=rabbit@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$PORT
export RABBITMQ_MNESIA_BASE=$D/mnesia
export RABBITMQ_LOG_BASE=$D/log
# Keep Erlang distribution (epmd, the node's dist port) on loopback too.
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-25672}
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

listening() {
    # true when something accepts TCP connections on 127.0.0.1:$PORT
    (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null
}

install() {
    if command -v rabbitmq-server >/dev/null 2>&1; then
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Keep the package's init script from starting its own broker during the install (no-op
    # without sysv/systemd; removed afterwards so the machine is left as it was).
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        created_policy=1
    fi
    local ok=1
    timeout 600 apt-get update -q &&
        timeout 900 apt-get install -y -q --no-install-recommends rabbitmq-server || ok=0
    if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
    if [ "$ok" = 0 ]; then
        echo "rabbitmq.sh: installing rabbitmq-server failed" >&2
        exit 1
    fi
}

start() {
    install
    if listening; then
        echo "rabbitmq.sh: a broker already listens on 127.0.0.1:$PORT; reusing it"
        return
    fi
    mkdir -p "$D/mnesia" "$D/log"
    chown -R rabbitmq:rabbitmq "$D"
    # The wrapper in /usr/sbin drops to the rabbitmq user; setsid detaches it from this shell.
    setsid rabbitmq-server >"$D/server.out" 2>&1 </dev/null &
    local i
    for ((i = 0; i < WAIT_SECS * 2; i++)); do
        if listening; then
            echo "rabbitmq.sh: broker up on 127.0.0.1:$PORT after $((i / 2)) s ($(version))"
            return
        fi
        sleep 0.5
    done
    echo "rabbitmq.sh: broker did not listen on 127.0.0.1:$PORT within $WAIT_SECS s" >&2
    tail -n 40 "$D/server.out" >&2 || true
    exit 1
}

stop() {
    if ! command -v rabbitmqctl >/dev/null 2>&1; then
        echo "rabbitmq.sh: rabbitmq-server is not installed; nothing to stop"
        return
    fi
    if timeout 60 rabbitmqctl -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1; then
        echo "rabbitmq.sh: broker stopped"
    elif listening; then
        # A broker we did not start (e.g. the Debian service): stop it the Debian way.
        timeout 60 service rabbitmq-server stop || true
    else
        echo "rabbitmq.sh: no broker running"
    fi
}

version() {
    # Asks the running node; falls back to the installed package's version.
    local v
    if listening && v=$(timeout 30 rabbitmqctl -n "$RABBITMQ_NODENAME" version 2>/dev/null) && [ -n "$v" ]; then
        local otp
        otp=$(timeout 30 rabbitmqctl -n "$RABBITMQ_NODENAME" eval \
            'erlang:system_info(otp_release).' 2>/dev/null | tr -d '"' || true)
        echo "RabbitMQ $v${otp:+ (Erlang/OTP $otp)}"
    else
        echo "RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo unknown) (package; broker not running)"
    fi
}

run_tests() {
    # The AMQP interop test (ignored in plain `cargo test`: it needs this broker).
    local test=${AMQP_INTEROP_TEST:-amqp_interop}
    start
    cd "$(dirname "$0")/../.."
    if [ ! -f "codecs/tests/$test.rs" ]; then
        echo "rabbitmq.sh: codecs/tests/$test.rs does not exist; nothing to run" >&2
        exit 1
    fi
    timeout 1200 cargo test -p msgwire --no-default-features --features amqp \
        --test "$test" -- --ignored
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
version) version ;;
test) run_tests ;;
*)
    echo "usage: $0 [start|stop|version|test]" >&2
    exit 2
    ;;
esac
