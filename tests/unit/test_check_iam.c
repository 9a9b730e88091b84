/*
 * The iam section's keys for iam.alias, iam.password_policy and
 * iam.users: each read back as written, each bad value rejected with
 * the JSON path and what was expected; the break-glass accessor; what
 * counts as administrator access in a policy document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "../../src/check_iam.h"
#include "tap.h"

static char	err[512];

static int
parse(const char *json, struct baseline **b)
{
	return baseline_parse("b.json", json, strlen(json), b, err, sizeof err);
}

/* err without the ":LINE:COLUMN" after the file name, if it has one:
 * the messages are what is tested here, the positions in test_baseline. */
static const char *
no_position(void)
{
	static char	 buf[sizeof err];
	const char	*p = err + strlen("b.json");
	size_t		 n;

	if (strncmp(err, "b.json:", 7) != 0 || (n = strspn(p + 1,
	    "0123456789:")) == 0 || p[n] != ':' || p[n + 1] != ' ')
		return err;
	snprintf(buf, sizeof buf, "b.json%s", p + n);
	return buf;
}

static void
bad(const char *json, const char *want, const char *what)
{
	struct baseline	*b = NULL;
	int		 rc;

	rc = parse(json, &b);
	ok(rc == DW_EPARSE && b == NULL, "%s: rejected", what);
	IS_STR(no_position(), want, "%s: message", what);
	baseline_free(b);
}

/* The iam section of json, written back, equals want. */
static void
round_trip(const char *json, const char *want, const char *what)
{
	struct baseline		*b = NULL;
	struct json_object	*got = NULL, *w;
	const void		*sec;

	if (!ok(parse(json, &b) == 0, "%s: parses", what)) {
		diag("%s", err);
		return;
	}
	sec = baseline_section(b, &check_family_iam);
	if (sec != NULL)
		got = check_family_iam.to_json(sec);
	w = json_tokener_parse(want);
	if (!ok(got != NULL && w != NULL && json_object_equal(got, w),
	    "%s: reads back as written", what))
		diag("got %s", got ? json_object_to_json_string(got) : "NULL");
	json_object_put(got);
	json_object_put(w);
	baseline_free(b);
}

static void
test_users(void)
{
	struct baseline	*b = NULL;

	round_trip("{\"version\": 1, \"iam\": {\"users\": [\"bg\", \"alice\"],"
	    " \"administrators\": [\"alice\"], \"break_glass_user\": \"bg\"}}",
	    "{\"users\": [\"bg\", \"alice\"], \"administrators\": [\"alice\"],"
	    " \"break_glass_user\": \"bg\"}", "users, administrators, "
	    "break-glass");
	round_trip("{\"version\": 1, \"iam\": {\"users\": []}}",
	    "{\"users\": []}", "no users at all");
	ok(parse("{\"version\": 1, \"iam\": {\"users\": [\"bg\"], "
	    "\"break_glass_user\": \"bg\"}}", &b) == 0, "break-glass parses");
	IS_STR(check_iam_break_glass_user(b), "bg", "break-glass accessor");
	baseline_free(b);
	ok(parse("{\"version\": 1, \"iam\": {\"users\": [\"bg\"]}}", &b) == 0 &&
	    check_iam_break_glass_user(b) == NULL, "no break-glass: NULL");
	baseline_free(b);
	ok(check_iam_break_glass_user(NULL) == NULL, "NULL baseline: NULL");

	bad("{\"version\": 1, \"iam\": {\"users\": \"bg\"}}",
	    "b.json: iam.users: expected an array", "users not an array");
	bad("{\"version\": 1, \"iam\": {\"users\": [\"bg\", \"a b\"]}}",
	    "b.json: iam.users[1]: expected an IAM user name (1 to 64 of "
	    "A-Z a-z 0-9 +=,.@_-)", "a space in a user name");
	bad("{\"version\": 1, \"iam\": {\"users\": [\"bg\", \"bg\"]}}",
	    "b.json: iam.users[1]: \"bg\" is listed twice (also at [0])",
	    "a user twice");
	bad("{\"version\": 1, \"iam\": {\"users\": [\"a\"], "
	    "\"administrators\": [\"a\", \"b\"]}}",
	    "b.json: iam.administrators[1]: \"b\" is not listed in \"users\"",
	    "an administrator not in users");
	bad("{\"version\": 1, \"iam\": {\"users\": [\"a\"], "
	    "\"break_glass_user\": \"bg\"}}",
	    "b.json: iam.break_glass_user: \"bg\" is not listed in \"users\"",
	    "break-glass not in users");
	bad("{\"version\": 1, \"iam\": {\"break_glass_user\": \"bg\"}}",
	    "b.json: iam: \"break_glass_user\" needs \"users\", the list of "
	    "every IAM user", "break-glass without users");
	bad("{\"version\": 1, \"iam\": {\"administrators\": [\"a\"]}}",
	    "b.json: iam: \"administrators\" needs \"users\", the list of "
	    "every IAM user", "administrators without users");
	bad("{\"version\": 1, \"iam\": {\"users\": [\"a\"], "
	    "\"break_glass_user\": 7}}",
	    "b.json: iam.break_glass_user: expected an IAM user name (1 to 64 "
	    "of A-Z a-z 0-9 +=,.@_-)", "break-glass a number");
}

static void
test_alias(void)
{
	round_trip("{\"version\": 1, \"iam\": {\"alias\": \"example-mgmt\"}}",
	    "{\"alias\": \"example-mgmt\"}", "alias");
	round_trip("{\"version\": 1, \"iam\": {\"alias\": \"a-1\"}}",
	    "{\"alias\": \"a-1\"}", "a 3-character alias");
	bad("{\"version\": 1, \"iam\": {\"alias\": \"Example\"}}",
	    "b.json: iam.alias: expected an account alias (3 to 63 of a-z 0-9 "
	    "and single '-' inside, e.g. \"example-management\")",
	    "an upper-case alias");
	bad("{\"version\": 1, \"iam\": {\"alias\": \"ab\"}}",
	    "b.json: iam.alias: expected an account alias (3 to 63 of a-z 0-9 "
	    "and single '-' inside, e.g. \"example-management\")",
	    "a 2-character alias");
	bad("{\"version\": 1, \"iam\": {\"alias\": \"-abc\"}}",
	    "b.json: iam.alias: expected an account alias (3 to 63 of a-z 0-9 "
	    "and single '-' inside, e.g. \"example-management\")",
	    "an alias starting with '-'");
	bad("{\"version\": 1, \"iam\": {\"alias\": \"a--b\"}}",
	    "b.json: iam.alias: expected an account alias (3 to 63 of a-z 0-9 "
	    "and single '-' inside, e.g. \"example-management\")",
	    "an alias with '--'");
	bad("{\"version\": 1, \"iam\": {\"alias\": [\"abc\"]}}",
	    "b.json: iam.alias: expected an account alias (3 to 63 of a-z 0-9 "
	    "and single '-' inside, e.g. \"example-management\")",
	    "an alias in an array");
}

#define PW(x)	"{\"version\": 1, \"iam\": {\"password_policy\": " x "}}"

static void
test_password_policy(void)
{
	round_trip(PW("{\"minimum_length\": 14, \"require_symbols\": true,"
	    " \"require_numbers\": true, \"require_uppercase\": true,"
	    " \"require_lowercase\": false, \"max_age_days\": 90,"
	    " \"reuse_prevention\": 24, \"hard_expiry\": false,"
	    " \"allow_users_to_change\": true}"),
	    "{\"password_policy\": {\"minimum_length\": 14, \"require_symbols\":"
	    " true, \"require_numbers\": true, \"require_uppercase\": true,"
	    " \"require_lowercase\": false, \"max_age_days\": 90,"
	    " \"reuse_prevention\": 24, \"hard_expiry\": false,"
	    " \"allow_users_to_change\": true}}", "every field");
	round_trip(PW("{}"), "{\"password_policy\": {}}",
	    "an empty policy: one must exist");
	round_trip(PW("{\"minimum_length\": 8}"),
	    "{\"password_policy\": {\"minimum_length\": 8}}", "length only");
	bad(PW("[]"), "b.json: iam.password_policy: expected an object",
	    "policy not an object");
	bad(PW("{\"minimum_length\": 5}"),
	    "b.json: iam.password_policy.minimum_length: expected a whole "
	    "number from 6 to 128", "length 5");
	bad(PW("{\"minimum_length\": 129}"),
	    "b.json: iam.password_policy.minimum_length: expected a whole "
	    "number from 6 to 128", "length 129");
	bad(PW("{\"minimum_length\": 14.5}"),
	    "b.json: iam.password_policy.minimum_length: expected a whole "
	    "number from 6 to 128", "length not whole");
	bad(PW("{\"minimum_length\": \"14\"}"),
	    "b.json: iam.password_policy.minimum_length: expected a whole "
	    "number from 6 to 128", "length a string");
	bad(PW("{\"max_age_days\": 0}"),
	    "b.json: iam.password_policy.max_age_days: expected a whole "
	    "number from 1 to 1095", "max age 0");
	bad(PW("{\"reuse_prevention\": 25}"),
	    "b.json: iam.password_policy.reuse_prevention: expected a whole "
	    "number from 1 to 24", "reuse 25");
	bad(PW("{\"require_symbols\": 1}"),
	    "b.json: iam.password_policy.require_symbols: expected true or "
	    "false", "symbols a number");
	bad(PW("{\"minimum_lenght\": 14}"),
	    "b.json: iam.password_policy.minimum_lenght: unknown key (known "
	    "here: minimum_length, require_symbols, require_numbers, "
	    "require_uppercase, require_lowercase, max_age_days, "
	    "reuse_prevention, hard_expiry, allow_users_to_change; keys "
	    "starting with \"_\" are comments)", "a misspelt field");
}

static void
test_allows_all(void)
{
	static const struct {
		const char	*doc;
		int		 want;
		const char	*what;
	} t[] = {
		{ "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\":"
		    " \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}", 1,
		    "one statement, strings" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\":"
		    " \"s3:*\", \"Resource\": \"*\"}, {\"Effect\": \"Allow\","
		    " \"Action\": [\"ec2:*\", \"*\"], \"Resource\": [\"*\"]}]}",
		    1, "the second statement, arrays" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
		    " \"Resource\": \"arn:aws:s3:::b/*\"}]}", 0,
		    "one resource only" },
		{ "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\","
		    " \"Resource\": \"*\"}]}", 0, "Deny" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
		    " \"Resource\": \"*\", \"Condition\": {\"Bool\": "
		    "{\"aws:MultiFactorAuthPresent\": \"true\"}}}]}", 0,
		    "with a condition" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\":"
		    " \"iam:*\", \"Resource\": \"*\"}]}", 0, "NotAction" },
		{ "{\"Statement\": []}", 0, "no statement" },
		{ "{\"Statement\": [{\"Action\": \"*\", \"Resource\": \"*\"}]}",
		    -1, "no Effect" },
		{ "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": 7,"
		    " \"Resource\": \"*\"}]}", -1, "Action a number" },
		{ "{\"Version\": \"2012-10-17\"}", -1, "no Statement" },
		{ "[1, 2]", -1, "an array" },
		{ "{\"Statement\": ", -1, "truncated" },
		{ "", -1, "empty" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(check_iam_admin_allows_all(t[i].doc), t[i].want,
		    "policy document: %s", t[i].what);
	is_int(check_iam_admin_allows_all(NULL), -1, "policy document: NULL");
	ok(check_iam_admin_arn("arn:aws:iam::aws:policy/AdministratorAccess"),
	    "AdministratorAccess");
	ok(check_iam_admin_arn("arn:aws-cn:iam::aws:policy/"
	    "AdministratorAccess"), "AdministratorAccess in aws-cn");
	ok(!check_iam_admin_arn("arn:aws:iam::111122223333:policy/"
	    "AdministratorAccess"), "a customer policy of that name is not");
	ok(!check_iam_admin_arn("arn:aws:iam::aws:policy/"
	    "AdministratorAccess-Amplify"), "AdministratorAccess-Amplify is not");
	ok(!check_iam_admin_arn("arn:aws:iam::aws:policy/job-function/"
	    "AdministratorAccess"), "another path is not");
}

int
main(void)
{
	test_users();
	test_alias();
	test_password_policy();
	test_allows_all();
	return done_testing();
}
