/*
 * account.identity: the credentials reach the account the baseline
 * names.  Checked first in every pass: watching the wrong account is
 * the quietest way to go blind.  Baseline: "account": { "id": "..." }.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

#define CHECK_ID	"account.identity"

struct check_account_section {
	char	*id;		/* 12 digits, or NULL */
};

struct check_account_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct aws_pager	*pager;
	const char		*want;		/* the section's */
};

static void
check_account_run_free(struct check_run *run)
{
	struct check_account_run	*r = (struct check_account_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

static void
check_account_identity_cb(const struct aws_result *res,
    const struct sts_identity *id, void *arg)
{
	struct check_account_run	*r = arg;
	const char		*want = r->want;
	struct finding_obs	 obs;

	r->pager = NULL;
	if (res->result != 0) {
		check_end(r->pass, CHECK_ID, 0, aws_result_describe(res));
		return;
	}
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_CRITICAL;
	obs.state = strcmp(id->account, want) == 0 ? FINDING_OK :
	    FINDING_DRIFT;
	obs.title = "The credentials reach another account than the baseline's";
	obs.expected = want;
	obs.actual = id->account;
	check_observe(r->pass, &obs);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static struct check_run *
check_account_start(struct check_pass *p, const void *section)
{
	const struct check_account_section	*sec = section;
	struct check_account_run		*r;

	if (sec->id == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_account_run_free;
	r->pass = p;
	r->want = sec->id;
	check_begin(p, CHECK_ID);
	r->pager = aws_sts_get_caller_identity(check_pass_aws(p),
	    check_pass_region(p), check_account_identity_cb, r);
	if (r->pager == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the STS call");
	return &r->run;
}

/* The baseline section. */

static int
check_account_parse_id(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s, "0123456789", 12, 12))
		return baseline_fail(ctx, "expected a 12-digit account id "
		    "string like \"111122223333\"");
	baseline_set_str(field, s);
	return 0;
}

static const struct baseline_field check_account_fields[] = {
	{ "id", check_account_parse_id,
	    offsetof(struct check_account_section, id), 0 },
	{ NULL, NULL, 0, 0 }
};

static int
check_account_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	struct check_account_section	*sec;

	*section = sec = xcalloc(1, sizeof(*sec));
	return baseline_walk(ctx, val, check_account_fields, sec);
}

static void
check_account_free(void *section)
{
	struct check_account_section	*sec = section;

	if (sec == NULL)
		return;
	free(sec->id);
	free(sec);
}

static struct json_object *
check_account_to_json(const void *section)
{
	const struct check_account_section	*sec = section;
	struct json_object			*o = baseline_json_object();

	baseline_json_str(o, "id", sec->id);
	return o;
}

const char *
check_account_id(const struct baseline *bl)
{
	const struct check_account_section	*sec;

	sec = baseline_section(bl, &check_family_account);
	return sec != NULL ? sec->id : NULL;
}

const struct check_family check_family_account = {
	.name = "account",
	.parse = check_account_parse,
	.free = check_account_free,
	.to_json = check_account_to_json,
	.start = check_account_start,
	.capture = NULL,
};
