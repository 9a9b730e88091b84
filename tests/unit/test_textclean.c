/*
 * Sanitising untrusted text: controls, bidi overrides, invalid UTF-8
 * and cuts on character boundaries.
 */
#include <stdlib.h>
#include <string.h>

#include "driftwatch/textclean.h"
#include "tap.h"

static void
is_clean(const char *in, size_t max, const char *want, const char *what)
{
	char	*got = textclean_dup(in, max);

	IS_STR(got, want, "%s", what);
	free(got);
}

int
main(void)
{
	char	*s, big[1000];

	ok(textclean_dup(NULL, 10) == NULL, "NULL stays NULL");
	is_clean("", 10, "", "empty");
	is_clean("plain text", 64, "plain text", "plain text kept");
	is_clean("a\tb\nc\rd", 64, "a b c d", "tab, LF, CR become spaces");
	is_clean("a\x1b[31mb\x07\x7f", 64, "a[31mb", "ESC, BEL, DEL removed");
	is_clean("a\xc2\x85" "b\xc2\x9b" "c", 64, "abc", "C1 controls removed");
	is_clean("x\xe2\x80\xaey\xe2\x81\xa6z", 64, "xyz",
	    "bidi override and isolate removed");
	is_clean("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", 64,
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", "valid UTF-8 kept");
	is_clean("a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d", 64, "a?b??c???d",
	    "invalid, overlong and surrogate bytes become '?'");
	is_clean("abcdefghij", 10, "abcdefghij", "exactly max: not cut");
	is_clean("abcdefghijk", 10, "abcdefg\xe2\x80\xa6", "cut ends in U+2026");
	is_clean("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 10,
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6", "cut keeps whole characters");
	is_clean("abc\x01\x02\x03\x04\x05\x06\x07\x08", 4, "abc",
	    "removed characters do not count towards max");
	is_clean("abcdef", 1, "a\xe2\x80\xa6", "max below 4 acts as 4");
	s = textclean_ndup("ab\0cd", 5, 64);
	IS_STR(s, "abcd", "embedded NUL removed (ndup)");
	free(s);
	memset(big, 'x', sizeof(big));
	s = textclean_ndup(big, sizeof(big), 256);
	ok(s != NULL && strlen(s) == 256, "long input capped at 256 bytes");
	free(s);
	return done_testing();
}
