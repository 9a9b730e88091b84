/*
 * The config family's baseline section: what it accepts and writes back
 * (to_json, for capture), the errors naming each bad key's JSON path,
 * and the regions the checks read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "../../src/check_config.h"
#include "tap.h"

static char	err[4096];

static int
parse_config(const char *section, struct baseline **b)
{
	char	json[4096];

	snprintf(json, sizeof(json), "{\"version\": 1, \"config\": %s}",
	    section);
	*b = NULL;
	return baseline_parse("b.json", json, strlen(json), b, err,
	    sizeof(err));
}

/* section fails with a message holding want (path and what). */
static void
bad(const char *section, const char *want, const char *what)
{
	struct baseline	*b;
	int		 rc;

	rc = parse_config(section, &b);
	ok(rc == DW_EPARSE && b == NULL, "%s: rejected", what);
	if (!ok(strstr(err, want) != NULL, "%s: says \"%s\"", what, want))
		diag("got: %s", err);
	baseline_free(b);
}

/* section parses and writes back as want. */
static void
good(const char *section, const char *want, const char *what)
{
	struct baseline		*b;
	struct json_object	*got, *w;
	const void		*sec;
	int			 same = 0;

	if (!ok(parse_config(section, &b) == 0, "%s: accepted", what)) {
		diag("%s", err);
		return;
	}
	sec = baseline_section(b, &check_family_config);
	got = check_family_config.to_json(sec);
	w = json_tokener_parse(want);
	same = json_object_equal(got, w);
	if (!ok(same, "%s: written back", what))
		diag("got %s, want %s", json_object_to_json_string(got), want);
	json_object_put(got);
	json_object_put(w);
	baseline_free(b);
}

static void
test_accepted(void)
{
	good("{}", "{}", "an empty section");
	good("{\"recorder\": true}", "{\"recorder\": {\"all_supported\": true, "
	    "\"include_global_resource_types\": true, \"delivery_channel\": "
	    "true}}", "recorder true is every setting on");
	good("{\"recorder\": {}}", "{\"recorder\": {}}",
	    "a recorder object checks only that it records");
	good("{\"recorder\": {\"all_supported\": false, "
	    "\"include_global_resource_types\": \"us-east-1\"}}",
	    "{\"recorder\": {\"all_supported\": false, "
	    "\"include_global_resource_types\": \"us-east-1\"}}",
	    "global types recorded in one region");
	good("{\"rules\": [\"IAM_PASSWORD_POLICY\", \"CLOUD_TRAIL_ENABLED\"], "
	    "\"compliance\": true, \"regions\": [\"eu-west-1\", \"us-east-1\"],"
	    " \"_why\": \"a comment\"}",
	    "{\"rules\": [\"IAM_PASSWORD_POLICY\", \"CLOUD_TRAIL_ENABLED\"], "
	    "\"compliance\": true, \"regions\": [\"eu-west-1\", \"us-east-1\"]}",
	    "rules, compliance and regions");
	good("{\"rules\": []}", "{\"rules\": []}", "no rule at all");
}

static void
test_rejected(void)
{
	bad("[]", "config: expected an object", "section not an object");
	bad("{\"recorders\": true}", "config.recorders: unknown key",
	    "unknown key");
	bad("{\"recorder\": false}", "config.recorder: expected true or an "
	    "object", "recorder false");
	bad("{\"recorder\": \"yes\"}", "config.recorder: expected true or an "
	    "object", "recorder a string");
	bad("{\"recorder\": {\"all_supported\": 1}}",
	    "config.recorder.all_supported: expected true or false",
	    "all_supported a number");
	bad("{\"recorder\": {\"include_global_resource_types\": \"global\"}}",
	    "config.recorder.include_global_resource_types: expected true, "
	    "false or the region", "include_global_resource_types not a region");
	bad("{\"recorder\": {\"delivery_channels\": true}}",
	    "config.recorder.delivery_channels: unknown key",
	    "unknown recorder key");
	bad("{\"rules\": \"IAM_PASSWORD_POLICY\"}", "config.rules: expected",
	    "rules not an array");
	bad("{\"rules\": [\"iam-password-policy\"]}",
	    "config.rules[0]: expected a managed rule identifier like "
	    "\"IAM_PASSWORD_POLICY\"", "a rule name, not an identifier");
	bad("{\"rules\": [\"IAM_PASSWORD_POLICY\", 7]}",
	    "config.rules[1]: expected a managed rule identifier",
	    "an identifier not a string");
	bad("{\"rules\": [\"A\", \"B\", \"A\"]}",
	    "config.rules[2]: \"A\" is listed twice (also at [0])",
	    "an identifier twice");
	bad("{\"compliance\": true}", "config.compliance: needs \"rules\"",
	    "compliance without rules");
	bad("{\"compliance\": \"on\", \"rules\": []}",
	    "config.compliance: expected true or false", "compliance a string");
	bad("{\"regions\": []}", "config.regions: expected at least one "
	    "region", "no region");
	bad("{\"regions\": [\"us-east-1\", \"Mars\"]}",
	    "config.regions[1]: expected a string like \"eu-west-1\"",
	    "a bad region");
	bad("{\"regions\": [\"us-east-1\", \"us-east-1\"]}",
	    "config.regions[1]: \"us-east-1\" is listed twice",
	    "a region twice");
	bad("{\"regions\": \"us-east-1\"}", "config.regions: expected",
	    "regions not an array");
}

static void
test_regions(void)
{
	struct baseline		*b;
	const char		*def = "ap-south-1";
	const char *const	*v;
	size_t			 n = 0;

	v = check_config_regions(NULL, &def, &n);
	ok(n == 1 && v[0] == def, "no baseline: the daemon's region");
	if (parse_config("{\"recorder\": true}", &b) == 0) {
		v = check_config_regions(b, &def, &n);
		ok(n == 1 && strcmp(v[0], "ap-south-1") == 0,
		    "no regions key: the daemon's region");
		baseline_free(b);
	}
	if (parse_config("{\"regions\": [\"eu-west-1\", \"us-east-1\"]}",
	    &b) == 0) {
		v = check_config_regions(b, &def, &n);
		ok(n == 2 && strcmp(v[0], "eu-west-1") == 0 &&
		    strcmp(v[1], "us-east-1") == 0, "the baseline's regions");
		baseline_free(b);
	}
	IS_STR(check_config_resource(1, "eu-west-1", NULL), "",
	    "one region: the account is the resource");
	IS_STR(check_config_resource(1, "eu-west-1", "rule-a"), "rule-a",
	    "one region: a rule by its name");
	IS_STR(check_config_resource(2, "eu-west-1", NULL), "eu-west-1",
	    "regions: the region");
	IS_STR(check_config_resource(2, "eu-west-1", "rule-a"),
	    "eu-west-1/rule-a", "regions: region/rule");
}

int
main(void)
{
	test_accepted();
	test_rejected();
	test_regions();
	return done_testing();
}
