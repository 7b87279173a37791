#!/usr/bin/perl -Tw
use Socket;
$SIG{PIPE} = 'IGNORE';
for (my $FH; accept($FH, STDIN); close $FH) {
    select($FH); $|=1;
    print $FH $_ while (<$FH>);
}
