/*
 * The iam family: the "iam" section of the baseline, read and checked
 * by its parts (check_iam_*.c), one line each in the table below.
 */
#include <stddef.h>

#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_iam.h"

static const struct check_part *const check_iam_parts[] = {
	&check_iam_mfa_part,
	&check_iam_unused_part,
	&check_iam_users_part,
	&check_iam_alias_part,
	&check_iam_password_part,
};

static const struct check_part_set check_iam_set = {
	.family = "iam",
	.parts = check_iam_parts,
	.nparts = sizeof(check_iam_parts) / sizeof(check_iam_parts[0]),
};

static int
check_iam_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	return check_parts_parse(ctx, val, &check_iam_set, section);
}

static struct check_run *
check_iam_capture(struct check_capture *cc)
{
	return check_parts_capture(cc, &check_iam_set);
}

const struct check_family check_family_iam = {
	.name = "iam",
	.parse = check_iam_parse,
	.free = check_parts_free,
	.to_json = check_parts_to_json,
	.start = check_parts_start,
	.capture = check_iam_capture,
};
