#!/usr/bin/perl
# msgwire adapter for RPC::XML (RPC::XML::ParserFactory->parse, RPC::XML::request/response
# ->as_string; made with RPC::XML 0.82 on XML::Parser/expat, Debian librpc-xml-perl), mapped to
# and from the canonical XML-RPC form (docs/forms/xmlrpc.md). Profile: strict only.
#
# RPC::XML keeps each value's type class (int vs i4 vs i8, string, nil, ...), so those survive.
# What its API cannot express: an untyped <value>text</value> is an RPC::XML::string (reported
# `string`); a struct is a hash (member order is lost: members are reported sorted by name, and
# a duplicate name collapses); base64 is the decoded bytes (reported as RPC::XML writes them
# back, value(1): no line breaks); a boolean is 0/1, a double a Perl number.
# Usage: rpcxml_adapter.pl decode|encode xmlrpc, or serve.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use MsgwireContract;
use RPC::XML;
use RPC::XML::ParserFactory;
use JSON::PP ();

my $PARSER = RPC::XML::ParserFactory->new;

sub canon {
    my ($v) = @_;
    my $t = $v->type;
    if ($t eq 'struct' || $t eq 'fault') {
        return { struct => [map { [$_, canon($v->{$_})] } sort keys %$v] };
    }
    return { array => [map { canon($_) } @$v] } if $t eq 'array';
    return { nil => undef } if $t eq 'nil';
    return { base64 => $v->value(1) } if $t eq 'base64';
    return { boolean => ($v->value ? JSON::PP::true : JSON::PP::false) } if $t eq 'boolean';
    return { $t => MsgwireContract::num($v->value) } if $t eq 'double';
    return { $t => 0 + $v->value } if $t =~ /^(int|i4|i8)$/;
    my $s = $v->value;
    utf8::decode($s) unless utf8::is_utf8($s);
    return { $t => $s };
}

sub decode {
    my ($protocol, $profile, $data) = @_;
    MsgwireContract::unsupported('RPC::XML speaks XML-RPC only') unless $protocol eq 'xmlrpc';
    MsgwireContract::unsupported('RPC::XML is run under the strict profile only') unless $profile eq 'strict';
    my $r = eval { $PARSER->parse($data) };
    $r = $@ || 'parser died' unless defined $r;
    unless (ref $r) {
        (my $m = "$r") =~ s/\s+/ /g;
        MsgwireContract::rejected($m, kind => 'parse');
    }
    if ($r->isa('RPC::XML::request')) {
        return [{ kind => 'call', method => $r->name, params => [map { canon($_) } @{ $r->args }] }];
    }
    my $v = $r->value;
    if ($r->is_fault) {
        return [{ kind => 'fault', fault => canon($v) }];
    }
    return [{ kind => 'response', params => [canon($v)] }];
}

sub value {
    my ($d) = @_;
    return RPC::XML::string->new($d) unless ref $d;
    my ($t, $v) = %$d;
    return RPC::XML::array->new(map { value($_) } @$v) if $t eq 'array';
    if ($t eq 'struct') {
        my %h;
        for my $m (@$v) {
            die "RPC::XML writes a struct from a hash: a duplicate name cannot be written\n" if exists $h{ $m->[0] };
            $h{ $m->[0] } = value($m->[1]);
        }
        return RPC::XML::struct->new(\%h);
    }
    return RPC::XML::nil->new if $t eq 'nil';
    return RPC::XML::base64->new($v, 1) if $t eq 'base64';
    return RPC::XML::boolean->new($v ? 1 : 0) if $t eq 'boolean';
    my %class = (int => 'int', i4 => 'i4', i8 => 'i8', double => 'double', string => 'string',
                 'dateTime.iso8601' => 'datetime_iso8601');
    die "RPC::XML has no type for $t\n" unless $class{$t};
    return "RPC::XML::$class{$t}"->new($v);
}

sub encode {
    my ($protocol, $profile, $docs) = @_;
    MsgwireContract::unsupported('RPC::XML speaks XML-RPC only') unless $protocol eq 'xmlrpc';
    my @out;
    for my $d (@$docs) {
        my $x = eval {
            if ($d->{kind} eq 'call') {
                return RPC::XML::request->new($d->{method}, map { value($_) } @{ $d->{params} })->as_string;
            }
            if ($d->{kind} eq 'fault') {
                my %f = map { ($_->[0] => $_->[1]) } @{ $d->{fault}{struct} };
                my ($code) = values %{ $f{faultCode} // {} };
                my ($str) = values %{ $f{faultString} // {} };
                return RPC::XML::response->new(RPC::XML::fault->new($code, $str))->as_string;
            }
            die "RPC::XML writes a response of exactly one param\n" unless @{ $d->{params} } == 1;
            return RPC::XML::response->new(value($d->{params}[0]))->as_string;
        };
        MsgwireContract::rejected("$@") unless defined $x;
        utf8::encode($x) if utf8::is_utf8($x);
        push @out, $x;
    }
    return join "\n", @out;
}

MsgwireContract::main(\&decode, \&encode);
