/*
 * libFuzzer target: any bytes through baseline_parse().  A baseline
 * that parses is written back through every family's to_json, and what
 * is written must parse again (what `capture` writes, `run` must read).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct json_object *
fuzz_write(const struct baseline *b)
{
	const struct check_family	*fam;
	struct json_object		*o = json_object_new_object();
	const void			*sec;
	size_t				 i;

	json_object_object_add(o, "version", json_object_new_int(1));
	for (i = 0; i < check_family_count(); i++) {
		fam = check_family_at(i);
		if ((sec = baseline_section(b, fam)) != NULL)
			json_object_object_add(o, fam->name, fam->to_json(sec));
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline		*b = NULL, *again = NULL;
	struct json_object	*o;
	const char		*text;
	char			 err[512];

	if (baseline_parse("fuzz.json", (const char *)data, size, &b, err,
	    sizeof err) == 0) {
		(void)check_iam_user_mfa_exempt(b, "ci-bot");
		(void)check_cloudtrail_home_region(b, 0);
		o = fuzz_write(b);
		text = json_object_to_json_string(o);
		if (baseline_parse("written.json", text, strlen(text), &again,
		    err, sizeof err) != 0)
			abort();	/* written back, it no longer parses */
		baseline_free(again);
		json_object_put(o);
	}
	baseline_free(b);
	return 0;
}
