/*
 * The tax family: the "tax" section of the baseline (Tax Settings),
 * read and checked by its parts (check_tax_*.c), one line each in the
 * table below.
 */
#include <stddef.h>

#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_tax.h"

static const struct check_part *const check_tax_parts[] = {
	&check_tax_inheritance_part,
	&check_tax_registrations_part,
};

static const struct check_part_set check_tax_set = {
	.family = "tax",
	.parts = check_tax_parts,
	.nparts = sizeof(check_tax_parts) / sizeof(check_tax_parts[0]),
};

static int
check_tax_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	return check_parts_parse(ctx, val, &check_tax_set, section);
}

static struct check_run *
check_tax_capture(struct check_capture *cc)
{
	return check_parts_capture(cc, &check_tax_set);
}

const struct check_family check_family_tax = {
	.name = "tax",
	.parse = check_tax_parse,
	.free = check_parts_free,
	.to_json = check_parts_to_json,
	.start = check_parts_start,
	.capture = check_tax_capture,
};
