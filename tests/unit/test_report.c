/*
 * `check`'s table and JSON document from a hand-made result: columns,
 * the resource column only when needed, one line per check on its
 * baseline, cuts to the width on character boundaries, colour on the
 * state only, the summary line, and a JSON document without escaped
 * slashes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../src/report.h"
#include "tap.h"

static struct report_result *
result_new(void)
{
	struct report_result	*res = calloc(1, sizeof(*res));

	res->account = strdup("111122223333");
	res->time = 1764748800;		/* 2025-12-03T08:00:00Z */
	res->not_checked = calloc(4, sizeof(char *));
	return res;
}

static void
add_check(struct report_result *res, const char *id, enum finding_state st,
    const char *error)
{
	struct report_check	*c;

	res->checks = realloc(res->checks, (res->nchecks + 1) *
	    sizeof(*res->checks));
	c = &res->checks[res->nchecks++];
	c->id = strdup(id);
	c->state = st;
	c->status = st == FINDING_OK ? CHECK_OK : st == FINDING_DRIFT ?
	    CHECK_DRIFT : CHECK_UNKNOWN;
	c->error = error != NULL ? strdup(error) : NULL;
	if (st == FINDING_OK)
		res->nok++;
	else if (st == FINDING_DRIFT)
		res->ndrift++;
	else
		res->nunknown++;
}

static char *
dupn(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
add_row(struct report_result *res, const char *check, const char *resource,
    enum finding_state st, const char *expected, const char *actual,
    const char *reason)
{
	struct report_row	*r;
	char			 key[256];

	res->rows = realloc(res->rows, (res->nrows + 1) * sizeof(*res->rows));
	r = &res->rows[res->nrows++];
	memset(r, 0, sizeof(*r));
	r->check = strdup(check);
	r->resource = strdup(resource);
	r->state = st;
	if (reason == NULL) {
		snprintf(key, sizeof(key), "%s%s%s", check, *resource ? "/" :
		    "", resource);
		r->key = strdup(key);
		r->has_severity = 1;
		r->severity = SEV_HIGH;
		r->title = strdup("a title");
	}
	r->expected = dupn(expected);
	r->actual = dupn(actual);
	r->reason = dupn(reason);
}

static char *
render(const struct report_result *res, int colour, unsigned width, int json)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	if (json)
		report_json(fp, res);
	else
		report_table(fp, res, colour, width);
	fclose(fp);
	return buf;
}

/* The n-th line (0: the header), in a new string. */
static char *
line(const char *text, int n)
{
	const char	*end;

	for (; n > 0 && text != NULL; n--)
		if ((text = strchr(text, '\n')) != NULL)
			text++;
	if (text == NULL)
		return strdup("");
	end = strchr(text, '\n');
	return strndup(text, end != NULL ? (size_t)(end - text) :
	    strlen(text));
}

static size_t
chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Every multi-byte sequence complete: a cut never splits a character. */
static int
utf8_whole(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 need = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80) {
			if (need-- <= 0)
				return 0;
		} else {
			if (need != 0)
				return 0;
			need = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0;
		}
	}
	return need == 0;
}

static void
test_account_only(void)
{
	struct report_result	*res = result_new();
	char			*out, *l;

	add_check(res, "root.mfa", FINDING_OK, NULL);
	add_row(res, "root.mfa", "", FINDING_OK, "MFA enabled", "MFA enabled",
	    NULL);
	add_check(res, "iam.user_mfa", FINDING_OK, NULL);
	add_row(res, "iam.user_mfa", "alice", FINDING_OK, "an MFA device",
	    "an MFA device", NULL);
	add_row(res, "iam.user_mfa", "bob", FINDING_OK, "an MFA device",
	    "an MFA device", NULL);
	add_row(res, "iam.user_mfa", "carol", FINDING_OK, "an MFA device",
	    "an MFA device", NULL);
	res->not_checked[res->nnot_checked++] = strdup("tax");
	out = render(res, 0, 120, 0);
	l = line(out, 0);
	IS_STR(l, "CHECK         STATE    EXPECTED     ACTUAL",
	    "no resource column when every line is ok and on the account");
	free(l);
	l = line(out, 1);
	IS_STR(l, "root.mfa      ok       MFA enabled  MFA enabled",
	    "a check with one finding shows its values");
	free(l);
	l = line(out, 2);
	IS_STR(l, "iam.user_mfa  ok       -            all 3 on the baseline",
	    "a check on its baseline with several is one line with a count");
	free(l);
	ok(strstr(out, "\n\n2 ok, 0 drift, 0 unknown; not checked: sections "
	    "tax\n") != NULL, "the summary line names the sections left out");
	ok(strchr(out, '\033') == NULL, "no colour asked, none given");
	free(out);
	report_result_free(res);
}

static void
test_drift_and_unknown(void)
{
	struct report_result	*res = result_new();
	char			*out, *l;

	add_check(res, "iam.user_mfa", FINDING_DRIFT, "AccessDenied: no");
	add_row(res, "iam.user_mfa", "alice", FINDING_OK, "an MFA device",
	    "an MFA device", NULL);
	add_row(res, "iam.user_mfa", "mallory", FINDING_DRIFT, "an MFA device",
	    "no MFA device", NULL);
	add_row(res, "iam.user_mfa", "", FINDING_UNKNOWN, NULL, NULL,
	    "AccessDenied: no");
	add_check(res, "contacts.security", FINDING_UNKNOWN,
	    "AccessDeniedException: nope");
	add_row(res, "contacts.security", "", FINDING_UNKNOWN, NULL, NULL,
	    "AccessDeniedException: nope");
	out = render(res, 0, 120, 0);
	l = line(out, 0);
	IS_STR(l, "CHECK              RESOURCE  STATE    EXPECTED       ACTUAL",
	    "a resource column once a line names one");
	free(l);
	l = line(out, 1);
	IS_STR(l, "iam.user_mfa       mallory   drift    an MFA device  "
	    "no MFA device", "the drifted resource; the ok one beside it is "
	    "left to --json");
	free(l);
	l = line(out, 2);
	IS_STR(l, "iam.user_mfa                 unknown  AccessDenied: no",
	    "why it could not finish, in place of the values");
	free(l);
	l = line(out, 3);
	IS_STR(l, "contacts.security            unknown  "
	    "AccessDeniedException: nope", "an unknown check");
	free(l);
	ok(strstr(out, "  [high] a title\n    finding:  iam.user_mfa/mallory\n"
	    "    expected: an MFA device\n    actual:   no MFA device\n") !=
	    NULL, "each drift in full below the table");
	ok(strstr(out, "  [unknown] contacts.security could not be checked\n"
	    "    why:      AccessDeniedException: nope\n") != NULL,
	    "each unknown in full below the table");
	ok(strstr(out, "0 ok, 1 drift, 1 unknown; not checked: none\n") !=
	    NULL, "summary: a check with drift counts as drift");
	free(out);
	out = render(res, 1, 120, 0);
	ok(strstr(out, "mallory   \033[31mdrift\033[0m    an MFA device") !=
	    NULL, "red drift, padded after the colour");
	ok(strstr(out, "\033[33munknown\033[0m  AccessDenied") != NULL,
	    "yellow unknown");
	free(out);
	report_result_free(res);
}

static void
test_cut_to_width(void)
{
	struct report_result	*res = result_new();
	char			 longv[400], utf[400], *out, *l;
	size_t			 i;
	int			 n, fits = 1, whole = 1;

	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	utf[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(utf, "\xc3\xa9");	/* é */
	add_check(res, "contacts.security", FINDING_DRIFT, NULL);
	add_row(res, "contacts.security", "", FINDING_DRIFT, longv, utf,
	    NULL);
	add_check(res, "cloudtrail.trail", FINDING_OK, NULL);
	add_row(res, "cloudtrail.trail", "a-trail-name-far-too-long-for-its-"
	    "column", FINDING_OK, "ok", "ok", NULL);
	out = render(res, 0, 80, 0);
	for (n = 0; n < 3; n++) {
		l = line(out, n);
		if (chars(l) > 80) {
			diag("%zu columns: %s", chars(l), l);
			fits = 0;
		}
		whole &= utf8_whole(l);
		if (n == 1)
			ok(strstr(l, "xxx...  ") != NULL && strstr(l,
			    "\xc3\xa9...") != NULL, "long values end in ...");
		if (n == 2)
			ok(strstr(l, "a-trail-name-far-too-...  ok") !=
			    NULL, "a long resource is cut, to leave the "
			    "values room");
		free(l);
	}
	ok(fits, "every table line fits 80 columns");
	ok(whole, "no character split by a cut");
	ok(strstr(out, longv) != NULL, "the value in full below the table");
	free(out);
	report_result_free(res);
}

static void
test_control_characters(void)
{
	struct report_result	*res = result_new();
	char			*out;

	add_check(res, "root.mfa", FINDING_DRIFT, NULL);
	add_row(res, "root.mfa", "", FINDING_DRIFT, "MFA enabled",
	    "evil\033]0;title\007\n", NULL);
	out = render(res, 0, 120, 0);
	ok(strstr(out, "evil?]0;title??") != NULL,
	    "control characters in a table cell print as ?");
	free(out);
	report_result_free(res);
}

static void
test_json(void)
{
	struct report_result	*res = result_new();
	struct json_object	*o, *a, *f, *v;
	char			*out;

	add_check(res, "cloudtrail.logging", FINDING_DRIFT, NULL);
	add_row(res, "cloudtrail.logging", "org/trail", FINDING_DRIFT,
	    "logging", "not logging", NULL);
	add_check(res, "root.mfa", FINDING_UNKNOWN, "AccessDenied: a/b");
	add_row(res, "root.mfa", "", FINDING_UNKNOWN, NULL, NULL,
	    "AccessDenied: a/b");
	res->not_checked[res->nnot_checked++] = strdup("config");
	out = render(res, 0, 120, 1);
	ok(strstr(out, "\\/") == NULL, "no escaped slash");
	o = json_tokener_parse(out);
	ok(o != NULL, "the document parses");
	json_object_object_get_ex(o, "account_id", &v);
	IS_STR(json_object_get_string(v), "111122223333", "account_id");
	json_object_object_get_ex(o, "time", &v);
	IS_STR(json_object_get_string(v), "2025-12-03T08:00:00Z",
	    "time in RFC 3339, UTC");
	ok(json_object_object_get_ex(o, "version", &v) &&
	    json_object_is_type(v, json_type_string), "version");
	json_object_object_get_ex(o, "findings", &a);
	is_int(json_object_array_length(a), 2, "one finding, one unknown");
	f = json_object_array_get_idx(a, 0);
	json_object_object_get_ex(f, "finding", &v);
	IS_STR(json_object_get_string(v), "cloudtrail.logging/org/trail",
	    "the finding's key");
	json_object_object_get_ex(f, "resource", &v);
	IS_STR(json_object_get_string(v), "org/trail", "its resource");
	json_object_object_get_ex(f, "state", &v);
	IS_STR(json_object_get_string(v), "drift", "its state");
	f = json_object_array_get_idx(a, 1);
	ok(json_object_object_get_ex(f, "finding", &v) && v == NULL,
	    "an unknown check has no finding key");
	json_object_object_get_ex(f, "reason", &v);
	IS_STR(json_object_get_string(v), "AccessDenied: a/b", "but a reason");
	json_object_object_get_ex(o, "not_checked", &a);
	IS_STR(json_object_get_string(json_object_array_get_idx(a, 0)),
	    "config", "not_checked");
	json_object_put(o);
	free(out);
	report_result_free(res);
}

int
main(void)
{
	test_account_only();
	test_drift_and_unknown();
	test_cut_to_width();
	test_control_characters();
	test_json();
	return done_testing();
}
