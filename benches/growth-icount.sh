#!/usr/bin/env bash
# Instructions (callgrind) per input byte of every growth family at the growth bench's three
# sizes, as JSON lines for benches/report.py: {"family", "size", "bytes", "instructions",
# "reference"} per run of the family (N runs minus 0 runs, over N; "reference": kept to show a
# super-linear path msgwire replaced, msgwire_benches::growth::REFERENCES). Instructions do not move with page faults,
# cache misses or the machine's other load, so RESULTS.md takes its growth verdict on them.
#   benches/growth-icount.sh [OUT]    (default target/criterion/growth-icount.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${CARGO_TARGET_DIR:-target}/criterion/growth-icount.jsonl}
n=3
cargo build -q --release -p msgwire-benches --bin growth_icount
bin=${CARGO_TARGET_DIR:-target}/release/growth_icount
count() { # family size runs -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
mkdir -p "$(dirname "$out")"
: >"$out"
refs=" $("$bin" references | tr '\n' ' ') "
for family in $("$bin" list); do
    ref=false
    [[ "$refs" == *" $family "* ]] && ref=true
    for size in 16384 131072 1048576; do
        bytes=$("$bin" "$family" "$size" 0 | cut -d' ' -f1)
        base=$(count "$family" "$size" 0)
        total=$(count "$family" "$size" $n)
        echo "{\"family\": \"$family\", \"size\": $size, \"bytes\": $bytes, \"instructions\": $(((total - base) / n)), \"reference\": $ref}" >>"$out"
    done
    echo "growth-icount.sh: $family" >&2
done
echo "wrote $out" >&2
