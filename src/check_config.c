/*
 * The config family: the "config" section of the baseline (AWS Config,
 * read in each of its regions), checked by its parts (check_config_*.c),
 * one line each in the table below.
 */
#include <stddef.h>

#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_config.h"

static const struct check_part *const check_config_parts[] = {
	&check_config_regions_part,
	&check_config_recorder_part,
	&check_config_rules_part,
};

static const struct check_part_set check_config_set = {
	.family = "config",
	.parts = check_config_parts,
	.nparts = sizeof(check_config_parts) / sizeof(check_config_parts[0]),
};

static int
check_config_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	return check_parts_parse(ctx, val, &check_config_set, section);
}

static struct check_run *
check_config_capture(struct check_capture *cc)
{
	return check_parts_capture(cc, &check_config_set);
}

const struct check_family check_family_config = {
	.name = "config",
	.parse = check_config_parse,
	.free = check_parts_free,
	.to_json = check_parts_to_json,
	.start = check_parts_start,
	.capture = check_config_capture,
};
