# Sourced by the peer scripts that run `msgwire check` against many targets (live-servers.sh,
# more-servers.sh, clients.sh): servers started in the background and stopped when the script
# exits, a wait for loopback ports, and one `peer_check` that runs a target against its baseline
# and, in report mode, rewrites its report in docs/live/.
#
# The sourcing script sets S (its scratch directory), S_NAME (the variable that names it, shown in
# reports instead of the path), MODE (test | report) and, before peer_check, BIN (the msgwire
# binary). peer_check leaves `status` at 1 when a target fails outside its baseline.
PEER=$(basename "$0")
status=0

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ports_free() {
    # ports_free PORT...: fail when one is taken (the scripts never share a port with anything)
    local p
    for p in "$@"; do
        if listening "$p"; then
            echo "$PEER: 127.0.0.1:$p is taken; set the script's port base" >&2
            return 1
        fi
    done
}

PIDS=()
stop_servers() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT

start() {
    # start NAME CMD...: runs CMD in the background, logs to $S/NAME.log
    local name=$1
    shift
    "$@" >"$S/$name.log" 2>&1 &
    PIDS+=($!)
}

wait_listening() {
    # wait_listening PORT...: up to 30 s for each; on failure show the servers' logs
    local p i
    for p in "$@"; do
        for ((i = 0; i < 60; i++)); do
            listening "$p" && break
            sleep 0.5
        done
        if ! listening "$p"; then
            echo "$PEER: nothing listens on 127.0.0.1:$p" >&2
            tail -n 20 "$S"/*.log >&2
            return 1
        fi
    done
}

peer_check() {
    # peer_check NAME SECONDS SHOWN TARGET ARGS...: `msgwire check ARGS --strict` against
    # docs/live/NAME.baseline within SECONDS; SHOWN is the command line the report shows (without
    # --strict), TARGET (may be empty) what was checked
    local name=$1 secs=$2 shown=$3 target=$4
    shift 4
    echo
    echo "=== $name: ${target:-$shown}"
    local out rc=0
    out=$(mktemp)
    timeout "$secs" "$BIN" check "$@" --strict --baseline "docs/live/$name.baseline" \
        --junit "$S/$name.xml" >"$out" || rc=$?
    cat "$out"
    if [ "$rc" != 0 ]; then
        echo "$PEER: $name: a case failed outside docs/live/$name.baseline (exit $rc)" >&2
        status=1
    fi
    if [ "$MODE" = report ]; then
        {
            echo "# msgwire check $shown --strict"
            [ -z "$target" ] || echo "# target: $target"
            echo "# run by .ci/peers/$PEER report on $(date -u +%Y-%m-%d); timings vary"
            cat "$out"
        } | sed "s#$S#\$$S_NAME#g" >"docs/live/$name.txt"
    fi
    rm -f "$out"
}
