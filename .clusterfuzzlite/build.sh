#!/usr/bin/env bash
# Builds every cargo-fuzz target of fuzz/ into $OUT, with its seed corpus
# ($OUT/<target>_seed_corpus.zip, from fuzz/seeds/<protocol>/) and dictionary ($OUT/<target>.dict).
# Runs in the OSS-Fuzz/ClusterFuzzLite builder ($SRC set, sanitizer flags from the environment),
# and here as a plain script: `OUT=/tmp/out .clusterfuzzlite/build.sh`.
set -euo pipefail
: "${OUT:?set OUT to the directory the fuzzers go to}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${SRC:-}" ] && [ -d "$SRC/msgwire" ]; then ROOT=$SRC/msgwire; fi
cd "$ROOT/fuzz"
mkdir -p "$OUT"

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo=(cargo)
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then cargo=(cargo +nightly); fi
"${cargo[@]}" fuzz build -O --debug-assertions

triple=$(rustc -vV | sed -n 's/^host: //p')
for target in $("${cargo[@]}" fuzz list); do
    cp "target/$triple/release/$target" "$OUT/$target"
    proto=${target%%_*}
    [ -f "dict/$proto.dict" ] && cp "dict/$proto.dict" "$OUT/$target.dict"
    if [ -d "seeds/$proto" ] && command -v zip >/dev/null 2>&1; then
        (cd "seeds/$proto" && zip -q -j -r "$OUT/${target}_seed_corpus.zip" .)
    fi
done
echo "built into $OUT: $(ls "$OUT" | wc -l) files"
