#!/usr/bin/env bash
# Regenerates vectors/xmlrpc/ with Python's xmlrpc.client, the pinned npm `xmlrpc` package
# (installed into a scratch directory outside the repository) and the hand-written cases.
# Used by vectors/generate/check.sh (in a scratch copy of the tree) and by hand.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
bash .ci/peers/xmlrpc.sh generate
