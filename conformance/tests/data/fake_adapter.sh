#!/bin/sh
# A fake implementation for the CLI tests of the adapter runner (not a JSON-RPC codec): it
# "decodes" the text `ok:N` to {"n": N}, rejects `bad` with code -32700, crashes on `crash`,
# hangs on `hang`; it "encodes" {"n": N} to `ok:N`. Usage: fake_adapter.sh decode|encode|serve P
op=$1
if [ "$op" = serve ]; then
  # Persistent mode: answer each request line; the input is hex, so match on hex.
  while IFS= read -r line; do
    case "$line" in
      *'"op":"encode"'*) n=$(printf '%s' "$line" | sed 's/.*"n":\([-0-9]*\).*/\1/')
                         printf '{"output": "%s"}\n' "$(printf 'ok:%s' "$n" | od -An -tx1 | tr -d ' \n')" ;;
      *'"input":"6f6b3a'*) # ok:<digits>: each digit's hex is 3<digit>
                           n=$(printf '%s' "$line" | sed 's/.*"input":"6f6b3a\([0-9a-f]*\)".*/\1/; s/3\([0-9]\)/\1/g; s/^0*\([0-9]\)/\1/')
                           printf '{"docs": [{"n": %s}]}\n' "$n" ;;
      *'"input":"6372617368"'*) exit 9 ;;
      *'"input":"68616e67"'*) sleep 30 ;;
      *) printf '{"docs": [], "error": {"kind": "x", "code": -32700}}\n' ;;
    esac
  done
  exit 0
fi
input=$(cat)
case "$op" in
  decode)
    case "$input" in
      ok:*) printf '{"n": %s}\n' "$(echo "${input#ok:}" | sed 's/^0*\([0-9]\)/\1/')"; exit 0 ;;
      bad) echo '{"error": {"kind": "x", "code": -32700}}'; exit 1 ;;
      crash) echo "segfault (pretend)" >&2; exit 139 ;;
      hang) sleep 30 ;;
      *) exit 1 ;;
    esac ;;
  encode)
    n=$(printf '%s' "$input" | sed 's/.*"n":\([-0-9]*\).*/\1/')
    printf 'ok:%s' "$n" ;;
  *) exit 3 ;;
esac
