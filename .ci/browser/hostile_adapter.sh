#!/bin/sh
# A hostile implementation for the report browser tests (adapter contract, one-shot mode): every
# decode answers a document whose strings carry markup, a script, an event handler and bidi
# controls (U+202E, U+2066); `crash` inputs die with the same on stderr. Reports must show all of
# it as text: no element from it, no reordered line. Usage: hostile_adapter.sh decode|encode P
op=$1
input=$(cat)
rlo=$(printf '\342\200\256')   # U+202E RIGHT-TO-LEFT OVERRIDE
lri=$(printf '\342\201\246')   # U+2066 LEFT-TO-RIGHT ISOLATE
case "$op" in
  decode)
    case "$input" in
      *crash*) printf '<script>alert(1)</script>%sfdp.exe\n' "$rlo" >&2; exit 139 ;;
    esac
    printf '{"jsonrpc": "2.0", "method": "<img src=x onerror=alert(1)>%sgnp.exe%s", "params": ["</pre><script>document.title=1</script>"], "id": 1}\n' "$rlo" "$lri"
    exit 0 ;;
  encode) printf '<b>bold</b>%s' "$rlo"; exit 0 ;;
  *) exit 3 ;;
esac
