#!/usr/bin/env bash
# Regenerates the vectors into a scratch copy of the tree and diffs them against the committed
# files (see vectors/generate/README.md). Exits non-zero on any difference or generator failure.
#
#   bash vectors/generate/check.sh [PROTOCOL...]    (default: every vectors/generate/*/run.sh)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=$(mktemp -d /tmp/msgwire-vectors-check.XXXXXX)
if [ "${MSGWIRE_CHECK_KEEP:-0}" = 1 ]; then
    echo "check.sh: scratch copy kept in $SCRATCH"
else
    trap 'rm -rf "$SCRATCH"' EXIT
fi
# Per generator; the AMQP generators start a broker, so be generous but bounded.
GEN_TIMEOUT=${MSGWIRE_GEN_TIMEOUT:-3600}

cp -a "$REPO/vectors" "$SCRATCH/vectors"
[ -d "$REPO/.ci" ] && cp -a "$REPO/.ci" "$SCRATCH/.ci"

if [ $# -gt 0 ]; then
    protocols=("$@")
else
    protocols=()
    for d in "$REPO"/vectors/generate/*/; do
        protocols+=("$(basename "$d")")
    done
fi

status=0
for p in "${protocols[@]}"; do
    run="$SCRATCH/vectors/generate/$p/run.sh"
    if [ ! -f "$run" ]; then
        echo "== $p: no vectors/generate/$p/run.sh, skipped"
        continue
    fi
    echo "== $p: regenerating"
    if ! (cd "$SCRATCH/vectors/generate/$p" && timeout "$GEN_TIMEOUT" bash "$run"); then
        echo "!! $p: the generator failed" >&2
        status=1
        continue
    fi
    if diff -r -q "$REPO/vectors/$p" "$SCRATCH/vectors/$p" >/dev/null; then
        echo "== $p: reproduced exactly"
    else
        echo "!! $p: regeneration differs from the committed vectors:" >&2
        diff -r -u "$REPO/vectors/$p" "$SCRATCH/vectors/$p" | head -200 >&2 || true
        status=1
    fi
done
exit $status
