#!/usr/bin/env bash
# Runs every bench in a bounded time, counts allocations, and writes benches/RESULTS.md and
# its chart benches/results.svg (both made by benches/report.py).
#   benches/run.sh              all protocols
#   benches/run.sh amqp jsonrpc only these bench targets
# BENCH_SECONDS (default 2) is criterion's measurement time per benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${BENCH_SECONDS:-2}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=()
    for f in benches/benches/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi
for t in "${targets[@]}"; do
    # `stream` (msgwire decode's loop) needs the CLI crate, behind a feature of its own.
    features=()
    [ "$t" = stream ] && features=(--features stream)
    cargo bench -p msgwire-benches "${features[@]}" --bench "$t" -- --warm-up-time 1 --measurement-time "$secs" --noplot
done
cargo run -q --release -p msgwire-benches --bin allocs >target/criterion/allocs.jsonl
if [[ " ${targets[*]} " == *" growth "* ]]; then
    if command -v valgrind >/dev/null; then
        bash benches/growth-icount.sh target/criterion/growth-icount.jsonl
    else
        echo "run.sh: no valgrind; the growth verdicts are taken on time" >&2
    fi
fi
python3 benches/report.py target/criterion benches/RESULTS.md
echo "wrote benches/RESULTS.md and benches/results.svg"
