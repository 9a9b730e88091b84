/*
 * The iam section's keys for iam.alias, iam.password_policy and
 * iam.users: each read back as written, each bad value rejected with
 * the JSON path and what was expected; the break-glass accessor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "tap.h"

static char	err[512];

static int
parse(const char *json, struct baseline **b)
{
	return baseline_parse("b.json", json, strlen(json), b, err, sizeof err);
}

static void
bad(const char *json, const char *want, const char *what)
{
	struct baseline	*b = NULL;
	int		 rc;

	rc = parse(json, &b);
	ok(rc == DW_EPARSE && b == NULL, "%s: rejected", what);
	IS_STR(err, want, "%s: message", what);
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

int
main(void)
{
	test_users();
	return done_testing();
}
