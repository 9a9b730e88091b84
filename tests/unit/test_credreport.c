/*
 * The credential report parser: AWS's base64 CSV into rows found by
 * user and columns found by header name; malformed reports (bad base64,
 * a wrong header, short or long rows, broken quoting, NUL bytes) are a
 * clear error, never a crash and never a report.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "driftwatch/credreport.h"
#include "driftwatch/error.h"
#include "tap.h"

#define HEADER	"user,arn,user_creation_time,password_enabled," \
	"password_last_used,password_last_changed,password_next_rotation," \
	"mfa_active,access_key_1_active,access_key_1_last_rotated," \
	"access_key_1_last_used_date,access_key_1_last_used_region," \
	"access_key_1_last_used_service,access_key_2_active," \
	"access_key_2_last_rotated,access_key_2_last_used_date," \
	"access_key_2_last_used_region,access_key_2_last_used_service," \
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"
#define ROOT	"<root_account>,arn:aws:iam::111122223333:root," \
	"2020-01-01T00:00:00+00:00,not_supported,2026-03-04T05:06:07+00:00," \
	"not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A," \
	"N/A,N/A,N/A,false,N/A,false,N/A\n"
#define ALICE	"alice,arn:aws:iam::111122223333:user/alice," \
	"2024-01-02T03:04:05+00:00,true,no_information,2024-01-02T03:04:05+00:00," \
	"N/A,TRUE,true,2024-02-01T00:00:00+00:00,2025-06-01T10:00:00+00:00," \
	"us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"

static char *
b64(const char *s)
{
	size_t	 n = strlen(s);
	char	*out = malloc(n / 3 * 4 + 8);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s,
	    (int)n);
	return out;
}

static int
parse(const char *csv, struct credreport_data **d, char *err, size_t len)
{
	char	*enc = b64(csv);
	int	 r;

	err[0] = '\0';
	r = credreport_parse(enc, strlen(enc), 1000, d, err, len);
	free(enc);
	return r;
}

static void
bad(const char *csv, const char *want, const char *what)
{
	struct credreport_data	*d = (void *)1;
	char			 err[256];
	int			 r;

	r = parse(csv, &d, err, sizeof(err));
	ok(r == DW_EPARSE && d == NULL, "%s: refused", what);
	if (!ok(strstr(err, want) != NULL, "%s: says \"%s\"", what, want))
		diag("error: %s", err);
}

static void
test_good(void)
{
	struct credreport_data		*d;
	const struct credreport_row	*root, *alice;
	char				 err[256];
	time_t				 t;
	int				 v;

	ok(parse(HEADER ROOT ALICE, &d, err, sizeof(err)) == 0,
	    "a report with the real header parses (%s)", err);
	is_int((long long)credreport_nrows(d), 2, "two rows");
	is_int((long long)credreport_generated(d), 1000, "generated time kept");
	root = credreport_find(d, CREDREPORT_ROOT);
	alice = credreport_find(d, "alice");
	ok(root != NULL && alice != NULL, "rows found by user");
	ok(credreport_find(d, "bob") == NULL, "no such user: NULL");
	IS_STR(credreport_value(d, root, "arn"),
	    "arn:aws:iam::111122223333:root", "column by name");
	ok(credreport_value(d, root, "no_such_column") == NULL,
	    "no such column: NULL");
	ok(credreport_time(credreport_value(d, root, "password_last_used"),
	    &t) == CREDREPORT_VALUE && t == 1772600767, "a time read");
	ok(credreport_time(credreport_value(d, alice, "password_last_used"),
	    &t) == CREDREPORT_NONE, "no_information is no value");
	ok(credreport_time("N/A", &t) == CREDREPORT_NONE, "N/A is no value");
	ok(credreport_bool(credreport_value(d, root, "password_enabled"),
	    &v) == CREDREPORT_NONE, "not_supported is no value");
	ok(credreport_bool(credreport_value(d, alice, "mfa_active"), &v) ==
	    CREDREPORT_VALUE && v == 1, "TRUE is true");
	ok(credreport_bool("maybe", &v) == CREDREPORT_BAD, "maybe is bad");
	ok(credreport_time("yesterday", &t) == CREDREPORT_BAD,
	    "yesterday is bad");
	IS_STR(credreport_user(d, credreport_row_at(d, 1)), "alice",
	    "rows in order");
	ok(credreport_row_at(d, 2) == NULL, "past the end: NULL");
	credreport_data_free(d);
}

static void
test_quoted(void)
{
	struct credreport_data	*d;
	char			 err[256];

	ok(parse("user,arn,extra\r\n\"a,b\",\"arn:x\",\"say \"\"hi\"\"\"\r\n",
	    &d, err, sizeof(err)) == 0, "CRLF and quoted fields (%s)", err);
	IS_STR(credreport_value(d, credreport_find(d, "a,b"), "extra"),
	    "say \"hi\"", "quotes undone");
	credreport_data_free(d);
	ok(parse("arn,user\nx,bob", &d, err, sizeof(err)) == 0,
	    "columns in any order, no final newline");
	IS_STR(credreport_value(d, credreport_find(d, "bob"), "arn"), "x",
	    "user found whatever its column");
	credreport_data_free(d);
}

static void
test_times(void)
{
	time_t	t;

	ok(credreport_parse_time("2026-01-01T00:00:00Z", &t) == 0 &&
	    t == 1767225600, "Z");
	ok(credreport_parse_time("2026-01-01T01:00:00+01:00", &t) == 0 &&
	    t == 1767225600, "+01:00");
	ok(credreport_parse_time("2026-01-01T00:00:00.123Z", &t) == 0 &&
	    t == 1767225600, "fraction");
	ok(credreport_parse_time("2026-02-30T00:00:00Z", &t) != 0,
	    "30 February refused");
	ok(credreport_parse_time("2026-01-01 00:00:00Z", &t) != 0,
	    "space refused");
	ok(credreport_parse_time("2026-01-01T00:00:00", &t) != 0,
	    "no zone refused");
	ok(credreport_parse_time("2026-1-01T00:00:00Z", &t) != 0,
	    "one-digit month refused");
	ok(credreport_parse_time(NULL, &t) != 0, "NULL refused");
}

static void
test_malformed(void)
{
	struct credreport_data	*d = (void *)1;
	char			 err[256];
	char			 nul[] = "user,arn\nbob,x\0y\n";
	char			*enc;
	unsigned char		 raw[sizeof(nul)];

	bad("name,id\nbob,1\n", "no \"user\" column", "wrong header");
	bad("user,user_creation_time\nbob,x\n", "no \"arn\" column",
	    "header without arn");
	bad("user,arn,user\n", "listed twice", "a column twice");
	bad("user,,arn\n", "column 2 is empty", "an empty column name");
	bad(HEADER "alice,arn:aws:iam::1:user/alice,2024\n",
	    "row 2: 3 field(s), the header has 22", "short row");
	bad("user,arn\nbob,x,y\n", "row 2: 3 field(s), the header has 2",
	    "long row");
	bad("user,arn\nbob,x\nbob,y\n", "user \"bob\" is listed twice",
	    "a user twice");
	bad("user,arn\n,x\n", "user field is empty", "empty user");
	bad("user,arn\n\"bob,x\n", "not CSV", "unterminated quote");
	bad("user,arn\nb\"ob,x\n", "not CSV", "quote inside a field");
	bad("", "empty", "empty CSV");
	bad("\n\n", "no header", "only blank lines");

	memcpy(raw, nul, sizeof(nul));
	enc = malloc(sizeof(nul) / 3 * 4 + 8);
	EVP_EncodeBlock((unsigned char *)enc, raw, (int)sizeof(nul) - 1);
	ok(credreport_parse(enc, strlen(enc), 0, &d, err, sizeof(err)) ==
	    DW_EPARSE && strstr(err, "NUL byte") != NULL, "a NUL byte: %s",
	    err);
	free(enc);

	ok(credreport_parse("%%%not base64%%%", 16, 0, &d, err,
	    sizeof(err)) == DW_EPARSE && d == NULL &&
	    strstr(err, "not valid base64") != NULL, "bad base64: %s", err);
	ok(credreport_parse("dXNlcixhcm4K!", 13, 0, &d, err, sizeof(err)) ==
	    DW_EPARSE, "base64 with junk at the end");
	/* the size is refused before a byte is read */
	ok(credreport_parse("", (size_t)CREDREPORT_MAX_SIZE * 2, 0, &d, err,
	    sizeof(err)) == DW_ETOOBIG && strstr(err, "over") != NULL,
	    "oversized Content: %s", err);
	ok(credreport_parse("", 0, 0, &d, err, sizeof(err)) == DW_EPARSE &&
	    strstr(err, "empty") != NULL, "empty Content: %s", err);
	enc = "dXNl\ncixh\r\ncm4K";	/* "user,arn\n", broken in lines */
	ok(credreport_parse(enc, strlen(enc), 0, &d, err, sizeof(err)) ==
	    0 && credreport_nrows(d) == 0, "line breaks in base64 skipped");
	if (d != NULL)
		credreport_data_free(d);
}

static void
test_age(void)
{
	struct credreport_data	*d;
	char			 err[256], buf[64];

	(void)parse("user,arn\n", &d, err, sizeof(err));
	credreport_age(d, 1000 + 2 * 3600 + 5, buf, sizeof(buf));
	IS_STR(buf, "report generated 2h ago", "age in hours");
	credreport_age(d, 1000 + 300, buf, sizeof(buf));
	IS_STR(buf, "report generated 5 min ago", "age in minutes");
	credreport_age(d, 1000 + 3 * 86400, buf, sizeof(buf));
	IS_STR(buf, "report generated 3 days ago", "age in days");
	credreport_data_free(d);
}

int
main(void)
{
	test_good();
	test_quoted();
	test_times();
	test_malformed();
	test_age();
	return done_testing();
}
