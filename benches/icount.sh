#!/usr/bin/env bash
# Instruction counts (callgrind) per iteration of the MessagePack-RPC benches: msgwire beside
# the peers on the same inputs. Counts do not move with other load on the machine, unlike
# criterion's times. Prints a Markdown table; N iterations minus 0 iterations, over N.
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
for op in decode encode; do
    if [ $op = decode ]; then impls="msgwire rmpv-ref rmpv rmp-serde floor"; else impls="msgwire rmpv"; fi
    for input in request response stream-1000; do
        iters=$n
        [ $input = stream-1000 ] && iters=2
        ours=""
        for impl in $impls; do
            base=$(count $op $input $impl 0)
            total=$(count $op $input $impl $iters)
            per=$(((total - base) / iters))
            [ -z "$ours" ] && ours=$per
            ratio=$(python3 -c "print(f'{$per / $ours:.2f}')")
            echo "| msgpack-rpc/$op/$input | $impl | $per | $ratio |"
        done
    done
done
