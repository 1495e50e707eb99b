#!/usr/bin/env bash
# More live targets (issue 17) for the live suites, in more languages: a C XML-RPC server on
# xmlrpc-c's Abyss, Perl's RPC::XML::Server, the Ruby xmlrpc gem's XMLRPC::Server (WEBrick) and
# the json-rpc-2.0 npm package's JSONRPCServer behind Node's http, and Perl's JSON::RPC::Dispatch
# on Plack. Thin wrappers in
# conformance/adapters/live/; the libraries decide every reply.
#
#   .ci/peers/more-servers.sh [test]   install, build, start on 127.0.0.1, run
#                                      `msgwire check ... --strict --baseline docs/live/T.baseline`
#                                      for every target, stop the servers
#   .ci/peers/more-servers.sh report   the same, and rewrite docs/live/T.txt
#
# Runs as root on a fresh Debian machine; idempotent (scratch installs in $MSGWIRE_MORE_DIR,
# default /tmp/msgwire-peers/more, are reused; apt only for what is missing). Loopback only:
# every server binds 127.0.0.1 and exits by itself after MSGWIRE_LIVE_LIFETIME seconds (default
# 600); every step has a timeout; the servers this script started are stopped when it exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODE=${1:-test}
case "$MODE" in test | report) ;; *)
    echo "usage: $0 [test|report]" >&2
    exit 2
    ;;
esac

S=${MSGWIRE_MORE_DIR:-/tmp/msgwire-peers/more}
BASE=${MSGWIRE_MORE_PORT_BASE:-18731}
export MSGWIRE_LIVE_LIFETIME=${MSGWIRE_LIVE_LIFETIME:-600}
A=conformance/adapters/live
mkdir -p "$S"

PKGS=(gcc libc6-dev libxmlrpc-core-c3-dev perl librpc-xml-perl libjson-rpc-perl libplack-perl ruby ruby-xmlrpc
    ruby-webrick)
missing=()
for pkg in "${PKGS[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "more-servers.sh: cargo not found" >&2; exit 1; }

cat >"$S/package.json" <<'JSON'
{ "private": true, "description": "msgwire live-suite peers (scratch)",
  "dependencies": { "json-rpc-2.0": "1.8.1" } }
JSON
(cd "$S" && timeout 600 npm install --no-audit --no-fund --loglevel=error)
timeout 300 cc -O1 -o "$S/xmlrpc_c_server" $A/xmlrpc_c_server.c $(xmlrpc-c-config abyss-server --libs)

XMLRPC_C=$((BASE)) RPC_XML=$((BASE + 1)) RUBY_XMLRPC=$((BASE + 2)) JSON_RPC_2=$((BASE + 3)) PERL_JSON_RPC=$((BASE + 4))
PORTS=($XMLRPC_C $RPC_XML $RUBY_XMLRPC $JSON_RPC_2 $PERL_JSON_RPC)

S_NAME=MSGWIRE_MORE_DIR
. .ci/peers/lib.sh
ports_free "${PORTS[@]}"
start xmlrpc-c "$S/xmlrpc_c_server" $XMLRPC_C
start rpc-xml perl $A/rpcxml_perl_server.pl $RPC_XML
start ruby-xmlrpc ruby $A/xmlrpc_ruby_server.rb $RUBY_XMLRPC
start json-rpc-2.0 env NODE_PATH="$S/node_modules" node $A/json_rpc_2_server.js $JSON_RPC_2
start perl-json-rpc perl $A/jsonrpc_perl_server.pl $PERL_JSON_RPC
wait_listening "${PORTS[@]}"

debver() { dpkg-query -W -f '${Version}' "$1"; }
NODEV=$(node --version)
JR2V=$(node -p "require('$S/node_modules/json-rpc-2.0/package.json').version")
echo "more-servers.sh: xmlrpc-c $(xmlrpc-c-config --version), RPC::XML $(perl -MRPC::XML -e 'print $RPC::XML::VERSION'), ruby-xmlrpc $(debver ruby-xmlrpc), json-rpc-2.0 $JR2V, node $NODEV"

timeout 900 cargo build -q -p msgwire-conformance --bin msgwire
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/msgwire

check() {
    # check NAME DESCRIPTION msgwire-args...: one server target (see peer_check in lib.sh)
    local name=$1 what=$2
    shift 2
    peer_check "$name" 300 "$* --echo-method echo" "$what" "$@" --echo-method echo
}
check xmlrpc-c-abyss "xmlrpc-c $(xmlrpc-c-config --version) Abyss server (C) via $A/xmlrpc_c_server.c" \
    xmlrpc-server "http://127.0.0.1:$XMLRPC_C/RPC2" --timeout 20
check xmlrpc-perl-rpc-xml "RPC::XML $(perl -MRPC::XML -e 'print $RPC::XML::VERSION') RPC::XML::Server (Perl $(perl -e 'print $^V')) via $A/rpcxml_perl_server.pl" \
    xmlrpc-server "http://127.0.0.1:$RPC_XML/RPC2" --timeout 20
check xmlrpc-ruby-xmlrpc "xmlrpc gem $(debver ruby-xmlrpc) XMLRPC::Server on WEBrick (Ruby $(ruby -e 'print RUBY_VERSION')) via $A/xmlrpc_ruby_server.rb" \
    xmlrpc-server "http://127.0.0.1:$RUBY_XMLRPC/RPC2"
check jsonrpc-json-rpc-2 "json-rpc-2.0 $JR2V JSONRPCServer.receiveJSON behind Node http ($NODEV) via $A/json_rpc_2_server.js" \
    jsonrpc-server "http://127.0.0.1:$JSON_RPC_2/"
check jsonrpc-perl-json-rpc "JSON::RPC $(debver libjson-rpc-perl) JSON::RPC::Dispatch on Plack HTTP::Server::PSGI (Perl $(perl -e 'print $^V')) via $A/jsonrpc_perl_server.pl" \
    jsonrpc-server "http://127.0.0.1:$PERL_JSON_RPC/"
exit $status
