#!/usr/bin/perl
# Run MARC::Lint (Debian: libmarc-lint-perl) over ISO 2709 files and print, per record,
# where it starts in the file and what MARC::File::USMARC (decoding) and MARC::Lint
# (check_record) warn about. Used by tests/rules/marc/test_marc_lint.py; written for erdq.
#
#   perl marc_lint_dump.pl FILE...
#
# Records are cut at each record terminator (0x1D), as MARC::File::USMARC does, skipping
# the bytes it skips between records (space, NUL, CR, LF, SUB), so that each record's byte
# offset can be matched with erdq's. Output, one line each, tab-separated, bytes as read:
#
#   F <path>                    a file starts
#   R <offset> <length>         a record starts at byte <offset>, <length> bytes long
#   D <message>                 a decoding warning for that record
#   L <message>                 a MARC::Lint warning for that record
#   X <message>                 the record could not be decoded at all
use strict;
use warnings;

use MARC::File::USMARC;
use MARC::Lint;

# MARC::Lint prints some notes on STDOUT; keep our own output apart from them.
open( my $out, '>&', \*STDOUT ) or die "cannot dup STDOUT: $!";
open( STDOUT, '>', '/dev/null' ) or die "cannot silence STDOUT: $!";
binmode $out;
$SIG{__WARN__} = sub { };    # decoding and Lint both go through their own warning lists

sub clean {
    my $text = join( '', @_ );
    $text =~ s/[\t\r\n]+/ /g;
    $text =~ s/\s+$//;
    return $text;
}

my $lint = MARC::Lint->new();
for my $path (@ARGV) {
    open( my $fh, '<:raw', $path ) or die "cannot open $path: $!";
    print $out "F\t$path\n";
    my $position = 0;
    local $/ = "\x1D";
    while ( defined( my $chunk = <$fh> ) ) {
        my $start = $position;
        $position += length $chunk;
        if ( $chunk =~ s/^([ \x00\x0a\x0d\x1a]+)// ) {
            $start += length $1;
        }
        next unless length $chunk;
        print $out "R\t$start\t", length($chunk), "\n";
        my $record = eval { MARC::File::USMARC->decode($chunk) };
        if ( !$record ) {
            print $out "X\t", clean( $@ || 'decode returned nothing' ), "\n";
            next;
        }
        print $out "D\t", clean($_), "\n" for $record->warnings();
        eval { $lint->check_record($record); 1 }
            or print $out "X\t", clean( 'check_record died: ', $@ ), "\n";
        print $out "L\t", clean($_), "\n" for $lint->warnings();
    }
    close $fh;
}
