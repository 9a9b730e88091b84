/*
 * The root family: the "root" section of the baseline, read and checked
 * by its parts (check_root_*.c), one line each in the table below.
 */
#include <stddef.h>

#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_root.h"

static const struct check_part *const check_root_parts[] = {
	&check_root_summary_part,
	&check_root_usage_part,
};

static const struct check_part_set check_root_set = {
	.family = "root",
	.parts = check_root_parts,
	.nparts = sizeof(check_root_parts) / sizeof(check_root_parts[0]),
};

static int
check_root_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	return check_parts_parse(ctx, val, &check_root_set, section);
}

static struct check_run *
check_root_capture(struct check_capture *cc)
{
	return check_parts_capture(cc, &check_root_set);
}

const struct check_family check_family_root = {
	.name = "root",
	.parse = check_root_parse,
	.free = check_parts_free,
	.to_json = check_parts_to_json,
	.start = check_parts_start,
	.capture = check_root_capture,
};
