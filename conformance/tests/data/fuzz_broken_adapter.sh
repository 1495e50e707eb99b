#!/bin/sh
# A deliberately broken implementation for tests/fuzz.rs: msgwire itself, wrapped in the
# one-shot adapter contract with one bug added.
#   sh fuzz_broken_adapter.sh MSGWIRE BUG decode|encode PROTOCOL   (input on stdin)
# BUG trailing: an input msgwire rejects is accepted when it decodes without its last byte.
# BUG drop-id:  JSON-RPC documents lose their "id" member.
bin=$1 bug=$2 op=$3 protocol=$4
[ "$op" = decode ] || exit 3
tmp=$(mktemp) || exit 4
trap 'rm -f "$tmp" "$tmp.cut"' EXIT
cat >"$tmp"
if out=$("$bin" decode "$protocol" "$tmp"); then
    if [ "$bug" = drop-id ]; then
        printf '%s\n' "$out" | sed 's/"id":\("[^"]*"\|[^,}]*\),\{0,1\}//'
    else
        printf '%s\n' "$out"
    fi
    exit 0
fi
if [ "$bug" = trailing ] && [ -s "$tmp" ]; then
    head -c -1 "$tmp" >"$tmp.cut"
    if cut=$("$bin" decode "$protocol" "$tmp.cut"); then
        printf '%s\n' "$cut"
        exit 0
    fi
fi
printf '%s\n' "$out"
exit 1
