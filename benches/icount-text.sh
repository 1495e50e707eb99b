#!/usr/bin/env bash
# Instruction counts (callgrind) per iteration of the XML-RPC and JSON-RPC benches (JSON-RPC's
# typed params too): msgwire beside the peers on the same inputs (benches/icount.sh does MessagePack-RPC). Counts do not
# move with other load on the machine, unlike criterion's times. Prints a Markdown table; N
# iterations minus 0 iterations, over N; the ratio is the peer's count over msgwire's.
#   benches/icount-text.sh [N] [PROTO...]    (default N=20, xmlrpc jsonrpc)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
shift || true
protos=${*:-xmlrpc jsonrpc}
cargo build -q --release -p msgwire-benches --bin text_icount
bin=target/release/text_icount
count() { # proto op input impl iterations -> total instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| bench | implementation | instructions / iteration | ratio to msgwire |"
echo "|---|---|---|---|"
for proto in $protos; do
    if [ "$proto" = xmlrpc ]; then
        inputs="call response fault"
        decoders="msgwire serde_xmlrpc dxr quick-xml-scan"
        encoders="msgwire serde_xmlrpc dxr"
    else
        inputs="request response batch-100"
        decoders="msgwire jsonrpsee-types jsonrpc-core serde_json-Value IgnoredAny"
        encoders="msgwire jsonrpsee-types serde_json-Value"
    fi
    ops="decode encode"
    [ "$proto" = jsonrpc ] && ops="decode encode typed"
    for op in $ops; do
        case $op in
        decode) impls=$decoders ;;
        encode) impls=$encoders ;;
        typed) impls="msgwire jsonrpsee-types" ;;
        esac
        for input in $inputs; do
            [ "$op/$input" = typed/response ] && continue
            ours=""
            for impl in $impls; do
                [ "$op/$input/$impl" = encode/fault/serde_xmlrpc ] && continue
                base=$(count "$proto" $op "$input" "$impl" 0)
                total=$(count "$proto" $op "$input" "$impl" "$n")
                per=$(((total - base) / n))
                [ -z "$ours" ] && ours=$per
                ratio=$(python3 -c "print(f'{$per / $ours:.2f}')")
                echo "| $proto/$op/$input | $impl | $per | $ratio |"
            done
        done
    done
done
