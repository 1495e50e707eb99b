#!/usr/bin/perl
# A JSON-RPC 2.0 server for `msgwire check jsonrpc-server`, built on Perl's JSON::RPC
# (JSON::RPC::Dispatch, which we did not write; Debian libjson-rpc-perl) on Plack's
# HTTP::Server::PSGI (libplack-perl), as JSON::RPC's documentation serves it: a Router::Simple
# route per method, a handler object, `$dispatch->handle_psgi($env)`.
#
#   perl jsonrpc_perl_server.pl PORT        # http://127.0.0.1:PORT/
#
# One method, `echo`, returning its params. Loopback only; exits after MSGWIRE_LIVE_LIFETIME
# seconds (default 600).
use strict;
use warnings;
use JSON::RPC::Dispatch;
use Plack::Loader;
use Router::Simple;

package MsgwireEcho {
    sub new { bless {}, shift }
    sub echo { my ($self, $params) = @_; return $params }
}

package main;
my $port = shift or die "usage: $0 PORT\n";
alarm($ENV{MSGWIRE_LIVE_LIFETIME} || 600);
$SIG{PIPE} = 'IGNORE';    # as for the RPC::XML server: one client hanging up does not end it
my $router = Router::Simple->new;
$router->connect(echo => { handler => MsgwireEcho->new, action => 'echo' });
my $dispatch = JSON::RPC::Dispatch->new(router => $router);
my $app = sub { $dispatch->handle_psgi(@_) };
$| = 1;
print "JSON::RPC listening on http://127.0.0.1:$port/\n";
Plack::Loader->load('HTTP::Server::PSGI', host => '127.0.0.1', port => $port)->run($app);
