#!/usr/bin/perl
# msgwire adapter for Data::MessagePack (Data::MessagePack::Unpacker->execute, ->pack; made with
# Data::MessagePack 1.02, Debian libdata-messagepack-perl), mapped to and from the canonical
# MessagePack(-RPC) form (docs/forms/msgpack-rpc.md).
#
# Profiles: `value` (bare values) and `strict` (each value read as a MessagePack-RPC message; the
# module has no RPC layer: the adapter checks the message shape). Other profiles: skipped.
# What a Perl value cannot express, the adapter reports as Data::MessagePack would re-encode it:
# a str and a bin are both byte strings (reported `string`; one that is not UTF-8 in the form's
# lenient spelling {"string": {"hex": ...}}); a float 32 is an NV (reported float64, as `pack`
# writes every NV); a map is a hash (member order is lost: pairs are reported with keys sorted;
# duplicates collapse; a key is a string); an integer is an IV/UV (its flags decide `number`).
# The module does not support ext types ("EXT type is not supported yet"): ext and timestamp
# inputs are its rejection, and those documents are refused on encode.
# Usage: data_messagepack_adapter.pl decode|encode msgpack-rpc, or serve.
use strict;
use warnings;
use B ();
use FindBin;
use lib $FindBin::Bin;
use MsgwireContract;
use Data::MessagePack;
use Encode ();
use JSON::PP ();

my $MP = Data::MessagePack->new->prefer_integer;
my $SAFE = 2**53 - 1;

sub str_doc {
    my ($s) = @_;
    my $copy = $s;
    my $ok = eval { Encode::decode('UTF-8', $copy, Encode::FB_CROAK) };
    return defined $ok ? $ok : { hex => unpack('H*', $s) };
}

sub canon {
    my ($v) = @_;
    return { nil => undef } unless defined $v;
    if (ref $v) {
        return { bool => ($v ? JSON::PP::true : JSON::PP::false) } if ref($v) =~ /Boolean/;
        return { array => [map { canon($_) } @$v] } if ref $v eq 'ARRAY';
        return { map => [map { [canon($_), canon($v->{$_})] } sort keys %$v] } if ref $v eq 'HASH';
        die "unexpected value " . ref($v) . "\n";
    }
    my $f = B::svref_2object(\$v)->FLAGS;
    if ($f & B::SVf_IOK) {
        my $uv = $f & B::SVf_IVisUV;
        my $abs = $uv ? $v : abs($v);
        return $abs <= $SAFE ? { number => 0 + $v } : { bignum => "$v" };
    }
    if ($f & B::SVf_NOK) {
        return { float64 => 'NaN' } if $v != $v;
        return { float64 => ($v > 0 ? 'Infinity' : '-Infinity') } if $v == 9**9**9 || $v == -9**9**9;
        return { float64 => MsgwireContract::num($v) };
    }
    return { string => str_doc($v) };
}

sub method_doc {
    my ($m) = @_;
    die "method is not a string\n" if ref $m || !defined $m;
    my $f = B::svref_2object(\$m)->FLAGS;
    die "method is not a string\n" unless $f & B::SVf_POK;
    return str_doc($m);
}

sub is_uint32 {
    my ($x) = @_;
    return 0 if !defined $x || ref $x;
    my $f = B::svref_2object(\$x)->FLAGS;
    return ($f & B::SVf_IOK) && $x >= 0 && $x < 2**32;
}

sub is_int {
    my ($x, $n) = @_;
    return 0 if !defined $x || ref $x;
    return (B::svref_2object(\$x)->FLAGS & B::SVf_IOK) && $x == $n;
}

sub message {
    my ($v) = @_;
    die "a message is an array\n" unless ref $v eq 'ARRAY' && @$v;
    if (is_int($v->[0], 0) && @$v == 4 && is_uint32($v->[1]) && ref $v->[3] eq 'ARRAY') {
        return { kind => 'request', msgid => 0 + $v->[1], method => method_doc($v->[2]), params => [map { canon($_) } @{ $v->[3] }] };
    }
    if (is_int($v->[0], 1) && @$v == 4 && is_uint32($v->[1])) {
        return { kind => 'response', msgid => 0 + $v->[1], error => canon($v->[2]), result => canon($v->[3]) };
    }
    if (is_int($v->[0], 2) && @$v == 3 && ref $v->[2] eq 'ARRAY') {
        return { kind => 'notification', method => method_doc($v->[1]), params => [map { canon($_) } @{ $v->[2] }] };
    }
    die "not a request, response or notification\n";
}

sub decode {
    my ($protocol, $profile, $data) = @_;
    MsgwireContract::unsupported('Data::MessagePack speaks MessagePack only') unless $protocol eq 'msgpack-rpc';
    MsgwireContract::unsupported("profile $profile") unless $profile eq 'value' || $profile eq 'strict';
    my $u = Data::MessagePack::Unpacker->new;
    my ($off, @docs) = (0);
    while ($off < length $data) {
        my $at = $off;
        $off = eval { $u->execute($data, $off) };
        unless (defined $off) {
            (my $m = "$@") =~ s/ at \S+ line \d+.*//s;
            MsgwireContract::rejected($m, kind => 'Data::MessagePack', docs => \@docs);
        }
        MsgwireContract::rejected('incomplete value', kind => 'truncated', docs => \@docs) unless $u->is_finished;
        my $v = $u->data;
        $u->reset;
        my $d = eval { $profile eq 'value' ? canon($v) : message($v) };
        unless ($d) {
            chomp(my $m = "$@");
            MsgwireContract::rejected($m, kind => 'not-a-message', docs => \@docs);
        }
        push @docs, $d;
        MsgwireContract::rejected('Data::MessagePack::Unpacker made no progress', kind => 'no-progress', docs => \@docs) if $off <= $at;
    }
    return \@docs;
}

sub from_hex { my ($s) = @_; $s =~ s/[\s-]//g; return pack('H*', $s) }

sub value {
    my ($d) = @_;
    my ($t, $v) = %$d;
    return undef if $t eq 'nil';
    return $v ? Data::MessagePack::true() : Data::MessagePack::false() if $t eq 'bool';
    return 0 + $v if $t eq 'number';
    return ($v =~ /^-/ ? 0 + $v : do { no warnings; my $x = $v; $x + 0 }) if $t eq 'bignum';
    if ($t eq 'float32' || $t eq 'float64') {
        return 9**9**9 if $v eq 'Infinity';
        return -9**9**9 if $v eq '-Infinity';
        return 9**9**9 / 9**9**9 if $v eq 'NaN';
        return 0.0 + $v;
    }
    if ($t eq 'string') {
        return from_hex($v->{hex}) if ref $v;
        my $s = $v;
        utf8::encode($s);
        return $s;
    }
    return from_hex($v) if $t eq 'binary';
    return [map { value($_) } @$v] if $t eq 'array';
    if ($t eq 'map') {
        my %h;
        for my $p (@$v) {
            my $k = value($p->[0]);
            die "Data::MessagePack packs a hash: a duplicate or non-string key cannot be written\n" if ref $k || exists $h{$k};
            $h{$k} = value($p->[1]);
        }
        return \%h;
    }
    die "Data::MessagePack has no $t type\n";
}

sub method_value {
    my ($m) = @_;
    return from_hex($m->{hex}) if ref $m && $m->{hex};
    die "Data::MessagePack has no bin type\n" if ref $m;
    my $s = $m;
    utf8::encode($s);
    return $s;
}

sub encode {
    my ($protocol, $profile, $docs) = @_;
    MsgwireContract::unsupported('Data::MessagePack speaks MessagePack only') unless $protocol eq 'msgpack-rpc';
    my $out = '';
    for my $d (@$docs) {
        my $bytes = eval {
            my $k = $d->{kind} // '';
            my $v = $k eq 'request' ? [0, 0 + $d->{msgid}, method_value($d->{method}), [map { value($_) } @{ $d->{params} }]]
                : $k eq 'response' ? [1, 0 + $d->{msgid}, value($d->{error}), value($d->{result})]
                : $k eq 'notification' ? [2, method_value($d->{method}), [map { value($_) } @{ $d->{params} }]]
                : value($d);
            $MP->pack($v);
        };
        unless (defined $bytes) {
            chomp(my $m = "$@");
            MsgwireContract::rejected($m);
        }
        $out .= $bytes;
    }
    return $out;
}

MsgwireContract::main(\&decode, \&encode);
