/*
 * baseline_parse() and baseline_load(): the example, syntax errors at
 * their exact line and column, and content errors naming the JSON path.
 * Each family's section is read back through its to_json, which must
 * give the section as written, and through the accessors other modules
 * use.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "srcpath.h"
#include "tap.h"

static char	err[4096];

static const char example[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"account\": { \"id\": \"111122223333\" },\n"
    "  \"root\": { \"mfa\": true, \"access_keys\": false },\n"
    "  \"iam\": { \"user_mfa\": true, \"mfa_exempt_users\": [\"ci-bot\"] },\n"
    "  \"cloudtrail\": { \"trails\": [ { \"name\": \"org-trail\", "
    "\"home_region\": \"eu-west-1\", \"multi_region\": true,\n"
    "                                \"include_global_service_events\": "
    "true, \"log_file_validation\": true,\n"
    "                                \"s3_bucket\": "
    "\"org-trail-logs-111122223333\", \"logging\": true } ] },\n"
    "  \"contacts\": {\n"
    "    \"billing\": { \"name\": \"Dana Whitfield\", \"title\": \"Finance "
    "Operations Lead\", \"email\": \"aws-billing@example.com\", \"phone\": "
    "\"+1 206-555-0142\" },\n"
    "    \"security\": { \"name\": \"Priya Ram\u00e1n\", \"title\": \"Head "
    "of Security\", \"email\": \"security@example.com\", \"phone\": "
    "\"+1 (206) 555-0199\" }\n"
    "  }\n"
    "}\n";

static int
parse(const char *json, struct baseline **b)
{
	return baseline_parse("b.json", json, strlen(json), b, err, sizeof err);
}

/*
 * err without the ":LINE:COLUMN" after "b.json" of its first line, for
 * the wants that name only the JSON path (test_positions checks those).
 */
static const char *
unpositioned(const char *want)
{
	static char	 buf[sizeof err];
	const char	*p;
	size_t		 n;

	if (strncmp(want, "b.json: ", 8) != 0 || strncmp(err, "b.json:", 7) != 0)
		return err;
	p = err + 7;
	n = strspn(p, "0123456789:");
	snprintf(buf, sizeof buf, "b.json: %s", p + n + (p[n] == ' '));
	return buf;
}

/* Expects json to fail with exactly want (its position aside, when want
 * has none). */
static void
bad(const char *json, const char *want, const char *what)
{
	struct baseline	*b = NULL;
	int		 rc;

	rc = parse(json, &b);
	ok(rc == DW_EPARSE && b == NULL, "%s: rejected", what);
	IS_STR(unpositioned(want), want, "%s: message", what);
	baseline_free(b);
}

/* The section of b for key, written back, equals want (JSON text). */
static int
section_is(const struct baseline *b, const char *key, const char *want)
{
	const struct check_family	*fam = NULL;
	struct json_object		*got = NULL, *w;
	const void			*sec;
	size_t				 i;
	int				 same;

	for (i = 0; i < check_family_count(); i++)
		if (strcmp(check_family_at(i)->name, key) == 0)
			fam = check_family_at(i);
	if (fam == NULL || (sec = baseline_section(b, fam)) == NULL) {
		diag("%s: no such section", key);
		return 0;
	}
	got = fam->to_json(sec);
	w = json_tokener_parse(want);
	if (!(same = json_object_equal(got, w)))
		diag("%s: got %s, want %s", key, json_object_to_json_string(got),
		    want);
	json_object_put(got);
	json_object_put(w);
	return same;
}

/* Every section of the file at json, written back, is as written. */
static int
round_trip(const struct baseline *b, const char *json)
{
	struct json_object	*root = json_tokener_parse(json);
	int			 good = root != NULL;

	json_object_object_foreach(root, key, val) {
		if (key[0] == '_' || strcmp(key, "version") == 0 ||
		    strcmp(key, "$schema") == 0)
			continue;
		good &= section_is(b, key, json_object_to_json_string(val));
	}
	json_object_put(root);
	return good;
}

static void
test_example(void)
{
	struct baseline		*b = NULL;

	if (!ok(parse(example, &b) == 0 && b != NULL, "example parses"))
		diag("err: %s", err);
	if (b == NULL)
		return;
	IS_STR(b->path, "b.json", "path");
	is_int(b->version, 1, "version");
	ok(round_trip(b, example), "every section reads back as written");
	IS_STR(check_account_id(b), "111122223333", "account.id");
	ok(check_iam_user_mfa_exempt(b, "ci-bot") == 1, "ci-bot is exempt");
	ok(check_iam_user_mfa_exempt(b, "alice") == 0, "alice is not");
	ok(check_iam_user_mfa_exempt(NULL, "ci-bot") == 0, "NULL baseline");
	is_int(check_cloudtrail_ntrails(b), 1, "one trail");
	IS_STR(check_cloudtrail_home_region(b, 0), "eu-west-1",
	    "trail home_region");
	ok(check_cloudtrail_home_region(b, 1) == NULL, "no second trail");
	baseline_free(b);
	baseline_free(NULL);
	ok(1, "baseline_free(NULL)");
}

static void
test_minimal(void)
{
	struct baseline	*b = NULL;
	size_t		 i, absent = 0;

	ok(parse("{\"version\": 1}", &b) == 0 && b != NULL, "version only");
	if (b != NULL) {
		for (i = 0; i < check_family_count(); i++)
			absent += baseline_section(b, check_family_at(i)) == NULL;
		is_int(absent, check_family_count(), "every section absent");
		ok(check_account_id(b) == NULL &&
		    check_cloudtrail_ntrails(b) == 0 &&
		    check_iam_user_mfa_exempt(b, "ci-bot") == 0,
		    "everything unset");
	}
	baseline_free(b);
	b = NULL;
	ok(parse("{\"$schema\": \"x\", \"_comment\": [1, {}], \"version\": 1,"
	    " \"root\": {\"_why\": \"see wiki\", \"mfa\": false}}", &b) == 0,
	    "_keys and $schema ignored");
	if (b != NULL)
		ok(section_is(b, "root", "{\"mfa\": false}"), "root.mfa false, "
		    "access_keys unset");
	baseline_free(b);
	b = NULL;
	ok(parse("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": "
	    "\"t\", \"home_region\": \"us-gov-west-1\"}]}}", &b) == 0,
	    "a trail with only name and home_region");
	if (b != NULL)
		ok(section_is(b, "cloudtrail", "{\"trails\": [{\"name\": \"t\", "
		    "\"home_region\": \"us-gov-west-1\"}]}"),
		    "trail settings unset");
	baseline_free(b);
	b = NULL;
	ok(parse("{\"version\": 1, \"account\": {}, \"iam\": {\"user_mfa\": "
	    "false, \"mfa_exempt_users\": []}}", &b) == 0 &&
	    section_is(b, "account", "{}") &&
	    section_is(b, "iam", "{\"user_mfa\": false, "
	    "\"mfa_exempt_users\": []}"), "empty sections are kept");
	baseline_free(b);
}

/* The table every section comes from: complete, one name per family. */
static void
test_families(void)
{
	const struct check_family	*f;
	size_t				 i, j, bad = 0;

	ok(check_family_count() > 0, "there are check families");
	for (i = 0; i < check_family_count(); i++) {
		f = check_family_at(i);
		if (f->name == NULL || f->parse == NULL || f->free == NULL ||
		    f->to_json == NULL || f->start == NULL ||
		    strcmp(f->name, "version") == 0) {
			diag("family %zu is incomplete", i);
			bad++;
		}
		for (j = 0; j < i; j++)
			if (strcmp(check_family_at(j)->name, f->name) == 0) {
				diag("two families are called %s", f->name);
				bad++;
			}
	}
	is_int(bad, 0, "every family parses, frees, writes and starts, "
	    "under its own name");
	ok(check_family_at(check_family_count()) == NULL, "the table ends");
}

static void
test_syntax(void)
{
	bad("{\n  \"version\": 1,\n  \"root\": {} \"iam\": {}\n}\n",
	    "b.json:3:14: expected ',' or '}' after a member",
	    "missing comma on line 3");
	bad("{\n  \"version\": 1,\n  \"root\": {\"mfa\": tr",
	    "b.json:3:19: unexpected end of file inside a value", "truncated file");
	bad("{\"version\": 1}\n\n  }\n", "b.json:3:3: unexpected text after "
	    "the end of the top-level object",
	    "trailing garbage");
	bad("{\"version\": 1} {\"version\": 1}",
	    "b.json:1:16: unexpected text after the end of the top-level object",
	    "a second object");
	bad("{\"version\": 1,}", "b.json:1:15: expected a key in double quotes, "
	    "or '}'",
	    "trailing comma");
	bad("{\n\t\"a\": \"\xff\"\n}", "b.json:2:8: invalid UTF-8 in a string; the file "
	    "must be UTF-8",
	    "invalid UTF-8");
	bad("", "b.json: empty file; expected a JSON object", "empty file");
	bad(" \n\t\n", "b.json: empty file; expected a JSON object",
	    "blank file");
	bad("\n  [1, 2]", "b.json:2:3: expected a JSON object", "an array");
	bad("null", "b.json:1:1: expected a JSON object", "null");
}

/* Every error, each at its line and column, in file order. */
static void
test_positions(void)
{
	struct baseline	*b = NULL;
	char		 small[160];
	const char	*many =
	    "{\n"
	    "  \"version\": 1,\n"
	    "  \"root\": {\"mfa\": true, \"mfa\": false},\n"
	    "  \"cloudtrail\": {\"trails\": [], \"bogus\": 1},\n"
	    "  \"iam\": {\"user_mfa\": \"yes\"},\n"
	    "  \"cloudtrail\": {}\n"
	    "}\n";

	bad(many,
	    "b.json:3:25: root.mfa: duplicate key (first on line 3, column "
	    "12); a repeated key would silently replace the first\n"
	    "b.json:4:32: cloudtrail.bogus: unknown key (known here: "
	    "trails; keys starting with \"_\" are comments)\n"
	    "b.json:5:23: iam.user_mfa: expected true or false\n"
	    "b.json:6:3: cloudtrail: duplicate key (first on line 4, "
	    "column 3); a repeated key would silently replace the first",
	    "four errors, all reported");
	bad("{\"version\": 1, \"root\": {\"mfa\": true},\n"
	    " \"root\": {\"mfa\": false}}",
	    "b.json:2:2: root: duplicate key (first on line 1, column 16); "
	    "a repeated key would silently replace the first",
	    "a second section");
	bad("{\"version\": 1,\n  \"cloudtrail\": {\"trails\": [\n"
	    "    {\"name\": \"a\", \"home_region\": \"nowhere\", "
	    "\"logging\": 1},\n"
	    "    {\"name\": \"\", \"home_region\": \"eu-west-1\"}]}}",
	    "b.json:3:34: cloudtrail.trails[0].home_region: expected a "
	    "string like \"eu-west-1\"\n"
	    "b.json:3:56: cloudtrail.trails[0].logging: expected true or "
	    "false", "every error of an entry; none after it (the next ones "
	    "may be compared with it)");
	bad("{\"version\": 1, \"iam\": {\"mfa_exempt_users\": [\"\", \"\"]}}",
	    "b.json:1:45: iam.mfa_exempt_users[0]: expected an IAM user name",
	    "no entry compared with one that was not read");
	ok(baseline_parse("b.json", many, strlen(many), &b, small,
	    sizeof small) == DW_EPARSE, "a short buffer");
	ok(strstr(small, "b.json:3:25: root.mfa: duplicate key") == small &&
	    strstr(small, "\nb.json: 3 more error(s)") != NULL,
	    "a short buffer holds whole lines and counts the rest");
	bad("{\"version\": 12345678901234567890}",
	    "b.json:1:13: version: number out of range (expected an "
	    "integer of at most 19 digits, or a finite number)", "huge integer");
	bad("{\"version\": 1e400}",
	    "b.json:1:13: version: number out of range (expected an "
	    "integer of at most 19 digits, or a finite number)", "huge double");
	bad("{'version': 1}", "b.json:1:2: expected a JSON value: a string in "
	    "double quotes, number, true, false, null, object or array",
	    "a single-quoted key (json-c's strict mode took it)");
	bad("\xEF\xBB\xBF{\"version\": 1}", "b.json:1:1: byte order mark; "
	    "save the file as UTF-8 without one", "a byte order mark");
}

static void
test_nul(void)
{
	struct baseline	*b = NULL;
	const char	 buf[] = "{\"version\":\n 1\0}";

	ok(baseline_parse("b.json", buf, sizeof buf - 1, &b, err,
	    sizeof err) == DW_EPARSE && b == NULL, "NUL byte rejected");
	IS_STR(err, "b.json:2:3: NUL byte; the file must be UTF-8 text",
	    "NUL byte position");
}

static void
test_semantic(void)
{
	bad("{\"root\": {}}", "b.json: missing \"version\"", "no version");
	bad("{\"version\": 2}", "b.json: version: expected 1 (the only "
	    "version so far)", "version 2");
	bad("{\"version\": \"1\"}", "b.json: version: expected 1 (the only "
	    "version so far)", "version as a string");
	bad("{\"version\": 1, \"account\": {\"id\": \"11112222333\"}}",
	    "b.json: account.id: expected a 12-digit account id string like "
	    "\"111122223333\"", "short account id");
	bad("{\"version\": 1, \"account\": {\"id\": 111122223333}}",
	    "b.json: account.id: expected a 12-digit account id string like "
	    "\"111122223333\"", "account id as a number");
	bad("{\"version\": 1, \"root\": {\"mfa\": \"yes\"}}",
	    "b.json: root.mfa: expected true, false or \"hardware\"",
	    "bool as a string");
	bad("{\"version\": 1, \"root\": {\"mfa\": null}}",
	    "b.json: root.mfa: expected true, false or \"hardware\"",
	    "null bool");
	bad("{\"version\": 1, \"root\": {\"unused_since\": \"2026-01-01\"}}",
	    "b.json: root.unused_since: expected an ISO 8601 time like "
	    "\"2026-01-01T00:00:00Z\"", "unused_since not a time");
	bad("{\"version\": 1, \"iam\": {\"unused_credentials_days\": 0}}",
	    "b.json: iam.unused_credentials_days: expected a number of days, "
	    "1 to 3650", "unused_credentials_days 0");
	bad("{\"version\": 1, \"iam\": {\"unused_credentials_days\": \"90\"}}",
	    "b.json: iam.unused_credentials_days: expected a number of days, "
	    "1 to 3650", "unused_credentials_days as a string");
	bad("{\"version\": 1, \"root\": true}",
	    "b.json: root: expected an object", "section not an object");
	bad("{\"version\": 1, \"iam\": {\"usr_mfa\": true}}",
	    "b.json: iam.usr_mfa: unknown key (known here: user_mfa, "
	    "mfa_exempt_users, unused_credentials_days, users, administrators, "
	    "break_glass_user, alias, password_policy; keys starting with "
	    "\"_\" are comments)",
	    "unknown key");
	bad("{\"version\": 1, \"billing\": {}}",
	    "b.json: billing: unknown key (known here: version, account, "
	    "root, iam, cloudtrail, contacts, tax, config, mutes; keys starting with "
	    "\"_\" are comments)", "unknown section");
	bad("{\"version\": 1, \"iam\": {\"mfa_exempt_users\": \"ci-bot\"}}",
	    "b.json: iam.mfa_exempt_users: expected an array",
	    "list not an array");
	bad("{\"version\": 1, \"iam\": {\"mfa_exempt_users\": [\"a\", \"\"]}}",
	    "b.json: iam.mfa_exempt_users[1]: expected an IAM user name",
	    "empty user name");
	bad("{\"version\": 1, \"iam\": {\"mfa_exempt_users\": [\"a\", \"b\", "
	    "\"a\"]}}", "b.json: iam.mfa_exempt_users[2]: \"a\" is listed "
	    "twice (also at [0])", "duplicate user");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"t\","
	    " \"home_region\": \"eu-west1\"}]}}",
	    "b.json: cloudtrail.trails[0].home_region: expected a string like "
	    "\"eu-west-1\"", "bad home_region");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"t\","
	    " \"home_region\": 5}]}}",
	    "b.json: cloudtrail.trails[0].home_region: expected a string like "
	    "\"eu-west-1\"", "home_region a number");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"t\"}]}}",
	    "b.json: cloudtrail.trails[0]: missing \"home_region\"",
	    "trail without home_region");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"\", "
	    "\"home_region\": \"eu-west-1\"}]}}",
	    "b.json: cloudtrail.trails[0].name: expected a non-empty string",
	    "empty trail name");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"t\", "
	    "\"home_region\": \"eu-west-1\"}, {\"name\": \"t\", "
	    "\"home_region\": \"us-east-1\"}]}}",
	    "b.json: cloudtrail.trails[1].name: trail \"t\" is listed twice "
	    "(also at [0])", "duplicate trail");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"t\", "
	    "\"home_region\": \"eu-west-1\", \"s3_bucket\": \"Bad_Bucket\"}]}}",
	    "b.json: cloudtrail.trails[0].s3_bucket: expected an S3 bucket "
	    "name like \"org-trail-logs-111122223333\"", "bad bucket");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [{\"name\": \"t\", "
	    "\"home_region\": \"eu-west-1\", \"multiregion\": true}]}}",
	    "b.json: cloudtrail.trails[0].multiregion: unknown key (known "
	    "here: name, home_region, multi_region, "
	    "include_global_service_events, log_file_validation, s3_bucket, "
	    "logging; keys starting with \"_\" are comments)",
	    "unknown trail key");
	bad("{\"version\": 1, \"cloudtrail\": {\"trails\": [\"t\"]}}",
	    "b.json: cloudtrail.trails[0]: expected an object",
	    "trail not an object");
	bad("{\"version\": 1, \"x\\u0001y\": 1}",
	    "b.json: x?y: unknown key (known here: version, account, root, "
	    "iam, cloudtrail, contacts, tax, config, mutes; keys starting with \"_\" "
	    "are comments)",
	    "control characters in a key are not echoed");
	bad("{\"version\": 1, \"account\": {\"id\": \"1111\\u00002222333\"}}",
	    "b.json: account.id: expected a 12-digit account id string like "
	    "\"111122223333\"", "NUL inside a string");
}

#define CONTACT(f)	"{\"version\": 1, \"contacts\": {\"security\": {" f "}}}"
#define GOOD_NAME	"\"name\": \"Priya Raman\""
#define GOOD_TITLE	"\"title\": \"Head of Security\""
#define GOOD_EMAIL	"\"email\": \"security@example.com\""
#define GOOD_PHONE	"\"phone\": \"+1 206-555-0199\""
#define GOOD3		GOOD_TITLE ", " GOOD_EMAIL ", " GOOD_PHONE

static void
test_contacts(void)
{
	struct baseline	*b = NULL;
	static const char *const phone_msg = "b.json: contacts.security.phone: "
	    "expected a phone number like \"+1 206-555-0100\" (digits, "
	    "spaces and ()+-, at most 25)";
	static const char *const email_msg = "b.json: contacts.security.email: "
	    "expected an email address like \"security@example.com\" (at most "
	    "64 characters)";

	ok(parse("{\"version\": 1, \"contacts\": {}}", &b) == 0 &&
	    section_is(b, "contacts", "{}"), "no contact named: none checked");
	baseline_free(b);
	bad("{\"version\": 1, \"contacts\": []}",
	    "b.json: contacts: expected an object", "contacts not an object");
	bad("{\"version\": 1, \"contacts\": {\"legal\": {}}}",
	    "b.json: contacts.legal: unknown key (known here: billing, "
	    "operations, security; keys starting with \"_\" are comments)",
	    "unknown contact type");
	bad("{\"version\": 1, \"contacts\": {\"SECURITY\": {}}}",
	    "b.json: contacts.SECURITY: unknown key (known here: billing, "
	    "operations, security; keys starting with \"_\" are comments)",
	    "contact types are lower case");
	bad("{\"version\": 1, \"contacts\": {\"billing\": \"x@example.com\"}}",
	    "b.json: contacts.billing: expected an object",
	    "a contact not an object");
	bad(CONTACT(GOOD_NAME ", " GOOD_EMAIL ", " GOOD_PHONE),
	    "b.json: contacts.security: missing \"title\"", "title missing");
	bad(CONTACT(GOOD3), "b.json: contacts.security: missing \"name\"",
	    "name missing");
	bad(CONTACT("\"name\": \"\", " GOOD3),
	    "b.json: contacts.security.name: expected a non-empty string of "
	    "at most 64 characters", "empty name");
	bad(CONTACT("\"name\": \"a\\nb\", " GOOD3),
	    "b.json: contacts.security.name: expected a non-empty string of "
	    "at most 64 characters", "a line break in a name");
	bad(CONTACT(GOOD_NAME ", \"title\": \"" "0123456789012345678901234"
	    "5678901234567890123456789x\", " GOOD_EMAIL ", " GOOD_PHONE),
	    "b.json: contacts.security.title: expected a non-empty string of "
	    "at most 50 characters", "title of 51 characters");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", \"email\": \"security\", "
	    GOOD_PHONE), email_msg, "email without @");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", \"email\": \"a@b@example.com"
	    "\", " GOOD_PHONE), email_msg, "email with two @");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", \"email\": \"sec@example\", "
	    GOOD_PHONE), email_msg, "email domain without a dot");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", \"email\": \"sec@example.\", "
	    GOOD_PHONE), email_msg, "email domain ending in a dot");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", \"email\": 5, " GOOD_PHONE),
	    email_msg, "email a number");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", " GOOD_EMAIL ", \"phone\": "
	    "\"call me\""), phone_msg, "phone with letters");
	bad(CONTACT(GOOD_NAME ", " GOOD_TITLE ", " GOOD_EMAIL ", \"phone\": "
	    "\"+1 206 555 0199 0000 0000 0\""), phone_msg, "phone over 25 characters");
	bad(CONTACT(GOOD_NAME ", " GOOD3 ", \"mail\": \"x\""),
	    "b.json: contacts.security.mail: unknown key (known here: name, "
	    "title, email, phone; keys starting with \"_\" are comments)",
	    "unknown contact field");
	b = NULL;
	ok(parse(CONTACT(GOOD_NAME ", " GOOD_TITLE ", \"email\": "
	    "\"a.b+c=d#e!f&g-h_1@mail-1.example.co_uk\", \"phone\": "
	    "\"(0) 12-34 +5\", \"_note\": \"x\""), &b) == 0,
	    "every character the Account API allows is accepted");
	baseline_free(b);
}

/* account.email, account.email_pattern and the tax section. */
#define ACCT(x)	"{\"version\": 1, \"account\": {" x "}}"
#define TAXREG(x) "{\"version\": 1, \"tax\": {\"registrations\": [" x "]}}"
#define REG_DE	"{\"account_id\": \"111122223333\", \"country\": \"DE\", " \
		"\"type\": \"VAT\", \"id\": \"DE123456789\"}"

static void
test_account_tax(void)
{
	struct baseline	*b = NULL;
	static const char *const email_msg = "b.json: account.email: expected "
	    "an email address like \"aws-root@example.com\" (6 to 64 "
	    "characters)";

	ok(parse(ACCT("\"email\": \"aws-root@example.com\", \"email_pattern\":"
	    " \"^aws-[a-z]+@example\\\\.com$\""), &b) == 0 &&
	    section_is(b, "account", "{\"email\": \"aws-root@example.com\", "
	    "\"email_pattern\": \"^aws-[a-z]+@example\\\\.com$\"}"),
	    "email and pattern read back");
	baseline_free(b);
	b = NULL;
	ok(parse(ACCT("\"email_pattern\": \"@EXAMPLE\\\\.com$\", \"email\": "
	    "\"Root@example.com\""), &b) == 0,
	    "the pattern ignores case, the email it is checked against too");
	baseline_free(b);
	b = NULL;
	bad(ACCT("\"email\": \"root.example.com\""), email_msg, "email without @");
	bad(ACCT("\"email\": \"a@b.c\""), email_msg, "email under 6 characters");
	bad(ACCT("\"email\": \"root @example.com\""), email_msg,
	    "email with a space");
	bad(ACCT("\"email\": true"), email_msg, "email a bool");
	bad(ACCT("\"email_pattern\": \"^aws-(root@\""),
	    "b.json: account.email_pattern: not a POSIX extended regular "
	    "expression: Unmatched ( or \\(", "pattern that does not "
	    "compile");
	bad(ACCT("\"email_pattern\": \"\""), "b.json: account.email_pattern: "
	    "expected a POSIX extended regular expression string of at most 512 "
	    "characters, like \"^aws-root@example\\\\.com$\"", "empty pattern");
	bad(ACCT("\"email\": \"aws-root@example.com\", \"email_pattern\": "
	    "\"@example\\\\.org$\""), "b.json: account.email: "
	    "\"aws-root@example.com\" does not match email_pattern "
	    "/@example\\.org$/", "an email its own pattern refuses");
	bad(ACCT("\"mail\": \"x\""), "b.json: account.mail: unknown key (known "
	    "here: id, email, email_pattern; keys starting with \"_\" are "
	    "comments)", "unknown account key");

	ok(parse(TAXREG(REG_DE), &b) == 0 && section_is(b, "tax",
	    "{\"registrations\": [" REG_DE "]}"), "a registration reads back");
	baseline_free(b);
	b = NULL;
	ok(parse("{\"version\": 1, \"tax\": {\"inheritance\": false, "
	    "\"registrations\": []}}", &b) == 0 && section_is(b, "tax",
	    "{\"inheritance\": false, \"registrations\": []}"),
	    "inheritance false and no registrations are kept");
	baseline_free(b);
	b = NULL;
	ok(parse(TAXREG("{\"account_id\": \"111122223333\", \"country\": "
	    "\"de\", \"type\": \"VAT\", \"id\": \"DE1\"}"), &b) == 0 &&
	    section_is(b, "tax", "{\"registrations\": [{\"account_id\": "
	    "\"111122223333\", \"country\": \"DE\", \"type\": \"VAT\", "
	    "\"id\": \"DE1\"}]}"), "a country is kept upper case");
	baseline_free(b);
	bad("{\"version\": 1, \"tax\": {\"inheritance\": \"OptIn\"}}",
	    "b.json: tax.inheritance: expected true or false",
	    "inheritance as AWS spells it");
	bad("{\"version\": 1, \"tax\": {\"registrations\": {}}}",
	    "b.json: tax.registrations: expected an array",
	    "registrations not an array");
	bad(TAXREG("{\"account_id\": \"111122223333\", \"country\": \"DE\", "
	    "\"type\": \"VAT\"}"), "b.json: tax.registrations[0]: missing "
	    "\"id\"", "registration without an id");
	bad(TAXREG(REG_DE ", {\"account_id\": \"111122223333\", \"country\": "
	    "\"DEU\", \"type\": \"VAT\", \"id\": \"x\"}"),
	    "b.json: tax.registrations[1].country: expected a two-letter ISO "
	    "3166 country code like \"DE\"", "three-letter country");
	bad(TAXREG("{\"account_id\": \"111122223333\", \"country\": \"DE\", "
	    "\"type\": \"vat\", \"id\": \"x\"}"), "b.json: "
	    "tax.registrations[0].type: expected a registration type: VAT, "
	    "GST, CPF, CNPJ, SST, TIN, NRIC, PAN or NIP", "type in lower case");
	bad(TAXREG("{\"account_id\": \"1111\", \"country\": \"DE\", \"type\": "
	    "\"VAT\", \"id\": \"x\"}"), "b.json: tax.registrations[0]."
	    "account_id: expected a 12-digit account id string like "
	    "\"111122223333\"", "short account id");
	bad(TAXREG("{\"account_id\": \"111122223333\", \"country\": \"DE\", "
	    "\"type\": \"VAT\", \"id\": \"   \"}"), "b.json: "
	    "tax.registrations[0].id: expected a registration id string like "
	    "\"DE123456789\" (1 to 200 characters)", "blank id");
	bad(TAXREG(REG_DE ", " REG_DE), "b.json: tax.registrations[1]: the "
	    "same registration as entry [0]", "a registration listed twice");
	bad("{\"version\": 1, \"tax\": {\"exemptions\": []}}",
	    "b.json: tax.exemptions: unknown key (known here: inheritance, "
	    "registrations; keys starting with \"_\" are comments)",
	    "unknown tax key");
}

static void
test_huge(void)
{
	struct baseline	*b = NULL;
	char		*big, path[] = "/tmp/test_baseline.XXXXXX";
	size_t		 n = BASELINE_MAX_SIZE + 1;
	FILE		*f;
	int		 fd;

	if ((big = malloc(n)) == NULL)
		return;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	is_int(baseline_parse("b.json", big, n, &b, err, sizeof err),
	    DW_ETOOBIG, "buffer over 1 MiB rejected");
	IS_STR(err, "b.json: larger than 1 MiB", "huge: message");
	if ((fd = mkstemp(path)) != -1 && (f = fdopen(fd, "w")) != NULL) {
		fwrite(big, 1, n, f);
		fclose(f);
		is_int(baseline_load(path, &b, err, sizeof err), DW_ETOOBIG,
		    "file over 1 MiB rejected");
		ok(b == NULL && strstr(err, "larger than 1 MiB") != NULL,
		    "huge file: %s", err);
		unlink(path);
	}
	free(big);
	is_int(baseline_load("/nonexistent/b.json", &b, err, sizeof err),
	    DW_EIO, "missing file: DW_EIO");
	IS_STR(err, "/nonexistent/b.json: No such file or directory",
	    "missing file: message");
}

/* The file's text, in a static buffer ("" when unreadable). */
static const char *
example_file_text(const char *path)
{
	static char	 buf[BASELINE_MAX_SIZE + 1];
	FILE		*f;
	size_t		 n = 0;

	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, BASELINE_MAX_SIZE, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void
test_example_file(void)
{
	char		 path[PATH_MAX];
	struct baseline	*b = NULL;
	int		 rc;

	if (srcpath("etc/baseline.json", path, sizeof(path)) != 0) {
		ok(0, "etc/baseline.json not found from $srcdir");
		return;
	}
	rc = baseline_load(path, &b, err, sizeof err);
	if (!ok(rc == 0 && b != NULL, "example %s loads", path))
		diag("err: %s", err);
	ok(b != NULL && check_cloudtrail_ntrails(b) == 1 &&
	    check_account_id(b) != NULL &&
	    strcmp(check_account_id(b), "111122223333") == 0,
	    "example holds the trail and account");
	if (b != NULL)
		ok(round_trip(b, example_file_text(path)),
		    "every section of the example reads back as written");
	baseline_free(b);
}

int
main(void)
{
	test_families();
	test_example();
	test_minimal();
	test_syntax();
	test_positions();
	test_nul();
	test_semantic();
	test_contacts();
	test_account_tax();
	test_huge();
	test_example_file();
	return done_testing();
}
