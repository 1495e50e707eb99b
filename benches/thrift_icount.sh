#!/usr/bin/env bash
# Instruction counts (callgrind) per iteration of the Thrift benches: msgwire beside the
# `thrift` crate on the same inputs. Prints a Markdown table; N iterations minus 0, over N.
#   benches/thrift_icount.sh [N]    (default N=200; the 1000-message stream runs 2)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
cargo build -q --release -p msgwire-benches --bin thrift_icount
bin=target/release/thrift_icount
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| bench | implementation | instructions / iteration | ratio to msgwire |"
echo "|---|---|---|---|"
for op in decode encode; do
    for input in binary-call binary-reply binary-stream-1000 compact-call compact-reply; do
        iters=$n
        [ $input = binary-stream-1000 ] && iters=2
        ours=""
        for impl in msgwire thrift; do
            base=$(count $op $input $impl 0)
            total=$(count $op $input $impl $iters)
            per=$(((total - base) / iters))
            [ -z "$ours" ] && ours=$per
            ratio=$(python3 -c "print(f'{$per / $ours:.2f}')")
            echo "| thrift/$op/$input | $impl | $per | $ratio |"
        done
    done
done
