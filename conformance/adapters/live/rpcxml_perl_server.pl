#!/usr/bin/perl
# An XML-RPC server for `msgwire check xmlrpc-server`, built on RPC::XML::Server (which we did
# not write; Debian librpc-xml-perl): its own HTTP daemon, `echo` (returns its params as an
# array) and the eight validator1 methods, as signature-less RPC::XML::Function objects; the server's built-in system.* methods
# (introspection, system.multicall) are left as RPC::XML provides them.
#
#   perl rpcxml_perl_server.pl PORT        # http://127.0.0.1:PORT/RPC2
#
# (A Function's code gets the params only, no server object.)
# Loopback only; exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).
use strict;
use warnings;
use RPC::XML;
use RPC::XML::Server;
use RPC::XML::Procedure;    # defines RPC::XML::Function

my $port = shift or die "usage: $0 PORT\n";
alarm($ENV{MSGWIRE_LIVE_LIFETIME} || 600);
# The server is one process: a client that hangs up before its reply is written would end it
# with SIGPIPE (Perl's default), and every later case with it. Ignored here, so each case is
# judged on its own (docs/findings.md notes the default).
$SIG{PIPE} = 'IGNORE';
my $srv = RPC::XML::Server->new(host => '127.0.0.1', port => $port, path => '/RPC2');
ref $srv or die "RPC::XML::Server: $srv\n";

sub sum3 { my ($s) = @_; return $s->{moe} + $s->{larry} + $s->{curly} }
my %methods = (
    'echo' => sub { return [@_] },
    'validator1.arrayOfStructsTest' => sub { my ($a) = @_; my $t = 0; $t += $_->{curly} for @$a; return RPC::XML::int->new($t) },
    'validator1.countTheEntities' => sub {
        my ($s) = @_;
        my %n = (ctLeftAngleBrackets => '<', ctRightAngleBrackets => '>', ctAmpersands => '&', ctApostrophes => "'", ctQuotes => '"');
        return { map { my $c = $n{$_}; ($_ => RPC::XML::int->new(scalar(() = $s =~ /\Q$c\E/g))) } keys %n };
    },
    'validator1.easyStructTest' => sub { RPC::XML::int->new(sum3($_[0])) },
    'validator1.echoStructTest' => sub { $_[0] },
    'validator1.manyTypesTest' => sub { return [@_] },
    'validator1.moderateSizeArrayCheck' => sub { my $a = $_[0]; RPC::XML::string->new($a->[0] . $a->[-1]) },
    'validator1.nestedStructTest' => sub { RPC::XML::int->new(sum3($_[0]{2000}{'04'}{'01'})) },
    'validator1.simpleStructReturnTest' => sub {
        my $n = $_[0];
        return { times10 => RPC::XML::int->new($n * 10), times100 => RPC::XML::int->new($n * 100), times1000 => RPC::XML::int->new($n * 1000) };
    },
);
for my $name (sort keys %methods) {
    # RPC::XML::Function: a method without signatures (any params), as echo needs.
    $srv->add_method(RPC::XML::Function->new(name => $name, code => $methods{$name}));
}
$| = 1;
print "RPC::XML::Server $RPC::XML::VERSION listening on http://127.0.0.1:$port/RPC2\n";
$srv->server_loop;
