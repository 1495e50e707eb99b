# The msgwire adapter contract (conformance/README.md) for Perl adapters.
#
# An adapter calls MsgwireContract::main(\&decode, \&encode) with
# decode($protocol, $profile, $bytes) -> arrayref of documents and
# encode($protocol, $profile, \@docs) -> bytes; either dies with
# MsgwireContract::rejected($message, kind => ..., code => ..., docs => [...]) when the peer
# rejects, or MsgwireContract::unsupported($why). main handles `decode|encode <protocol>`
# (one-shot) and `serve` (persistent). Written for msgwire; no code copied from the peers.
package MsgwireContract;
use strict;
use warnings;
use JSON::PP ();

my $JSON = JSON::PP->new->utf8->canonical(0)->allow_nonref->allow_blessed->convert_blessed;

# A float for JSON with every digit (Perl's own number strings keep 15 significant digits):
# MsgwireContract::num($x) in a document is written as %.17g.
sub num { bless \(my $x = $_[0]), 'MsgwireContract::Num' }
sub MsgwireContract::Num::TO_JSON { sprintf('@@num:%.17g@@', ${ $_[0] }) }

sub rejected {
    my ($message, %o) = @_;
    die bless { message => $message, %o }, 'MsgwireContract::Rejected';
}

sub unsupported { die bless { message => $_[0] }, 'MsgwireContract::Unsupported' }

sub _error {
    my ($e) = @_;
    my %err = (message => "$e->{message}");
    $err{kind} = $e->{kind} if defined $e->{kind};
    $err{code} = 0 + $e->{code} if defined $e->{code};
    return \%err;
}

sub dumps {
    my $s = $JSON->encode($_[0]);
    $s =~ s/"\@\@num:([^"]*)\@\@"/$1/g;
    return $s;
}

sub _answer {
    my ($req, $decode, $encode) = @_;
    my $profile = $req->{profile} // 'strict';
    my $a = eval {
        if ($req->{op} eq 'decode') {
            return { docs => $decode->($req->{protocol}, $profile, pack('H*', $req->{input})) };
        }
        if ($req->{op} eq 'encode') {
            return { output => unpack('H*', $encode->($req->{protocol}, $profile, $req->{docs})) };
        }
        return { crash => "unknown op $req->{op}" };
    };
    return $a if $a;
    my $e = $@;
    return { unsupported => $e->{message} } if ref $e eq 'MsgwireContract::Unsupported';
    return { docs => $e->{docs} // [], error => _error($e) } if ref $e eq 'MsgwireContract::Rejected';
    return { crash => "$e" };
}

sub main {
    my ($decode, $encode) = @_;
    binmode STDIN;
    binmode STDOUT;
    $| = 1;
    if (@ARGV == 1 && $ARGV[0] eq 'serve') {
        while (my $line = <STDIN>) {
            next unless $line =~ /\S/;
            my $out = eval { dumps(_answer($JSON->decode($line), $decode, $encode)) } // dumps({ crash => "$@" });
            print $out, "\n";
        }
        return;
    }
    unless (@ARGV == 2 && $ARGV[0] =~ /^(decode|encode)$/) {
        print STDERR "usage: $0 decode|encode <protocol> | serve\n";
        exit 2;
    }
    my ($op, $protocol) = @ARGV;
    my $profile = $ENV{MSGWIRE_PROFILE} || 'strict';
    my $data = do { local $/; <STDIN> } // '';
    my $ok = eval {
        if ($op eq 'decode') {
            print dumps($_), "\n" for @{ $decode->($protocol, $profile, $data) };
        } else {
            my @docs = map { $JSON->decode($_) } grep { /\S/ } split /\n/, $data;
            print $encode->($protocol, $profile, \@docs);
        }
        1;
    };
    return if $ok;
    my $e = $@;
    if (ref $e eq 'MsgwireContract::Unsupported') {
        print STDERR "unsupported: $e->{message}\n";
        exit 3;
    }
    if (ref $e eq 'MsgwireContract::Rejected') {
        print dumps($_), "\n" for @{ $e->{docs} // [] };
        print dumps({ error => _error($e) }), "\n";
        exit 1;
    }
    print STDERR "adapter crash: $e\n";
    exit 2;
}

1;
