/*
 * The account family: the "account" section of the baseline, read and
 * checked by its parts (check_account_*.c), one line each in the table
 * below.  Identity first: watching the wrong account is the quietest
 * way to go blind.
 */
#include <stddef.h>

#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_account.h"

static const struct check_part *const check_account_parts[] = {
	&check_account_identity_part,
	&check_account_email_part,
};

static const struct check_part_set check_account_set = {
	.family = "account",
	.parts = check_account_parts,
	.nparts = sizeof(check_account_parts) / sizeof(check_account_parts[0]),
};

static int
check_account_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	return check_parts_parse(ctx, val, &check_account_set, section);
}

static struct check_run *
check_account_capture(struct check_capture *cc)
{
	return check_parts_capture(cc, &check_account_set);
}

const struct check_family check_family_account = {
	.name = "account",
	.parse = check_account_parse,
	.free = check_parts_free,
	.to_json = check_parts_to_json,
	.start = check_parts_start,
	.capture = check_account_capture,
};
