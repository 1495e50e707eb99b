#!/usr/bin/env bash
# Instruction counts (callgrind) per iteration of the MessagePack-RPC benches (decode, encode,
# typed params) and the AMQP decode benches: msgwire beside the peers on the same inputs.
# Counts do not move with other load on the machine, unlike criterion's times. Prints a
# Markdown table; N iterations minus 0 iterations, over N.
#   benches/icount.sh [N]    (default N=20)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
cargo build -q --release -p msgwire-benches --bin msgpack_icount
bin=target/release/msgpack_icount
count() { # op input impl iterations -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| bench | implementation | instructions / iteration | ratio to msgwire |"
echo "|---|---|---|---|"
for op in decode encode typed amqp-decode; do
    case $op in
    decode) impls="msgwire rmpv-ref rmpv rmp-serde floor" inputs="request response stream-1000" ;;
    encode) impls="msgwire rmpv" inputs="request response stream-1000" ;;
    typed) impls="msgwire rmp-serde msgwire-views" inputs="request stream-1000" ;;
    amqp-decode) impls="msgwire amq-protocol" inputs="triple stream-1000" ;;
    esac
    for input in $inputs; do
        iters=$n
        [ $input = stream-1000 ] && iters=2
        ours=""
        for impl in $impls; do
            base=$(count $op $input $impl 0)
            total=$(count $op $input $impl $iters)
            per=$(((total - base) / iters))
            [ -z "$ours" ] && ours=$per
            ratio=$(python3 -c "print(f'{$per / $ours:.2f}')")
            case $op in
            amqp-decode) group=amqp/decode/$input ;;
            *) group=msgpack-rpc/$op/$input ;;
            esac
            echo "| $group | $impl | $per | $ratio |"
        done
    done
done
