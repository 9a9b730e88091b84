/*
 * root.mfa and root.access_keys, both from one GetAccountSummary: a part
 * of the root family (check_root.c).
 * Baseline: "root": { "mfa": true, "access_keys": false }.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_root.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

struct check_root_section {
	enum tristate	 mfa;
	enum tristate	 access_keys;
};

struct check_root_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct aws_pager	*pager;
	int			 want_mfa;	/* tristate from the baseline */
	int			 want_keys;
};

static void
check_root_run_free(struct check_run *run)
{
	struct check_root_run	*r = (struct check_root_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

static void
check_root_observe(struct check_pass *p, const char *check, int want, long got,
    const char *title, const char *yes, const char *no)
{
	struct finding_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.check = check;
	obs.resource = "";
	obs.severity = SEV_CRITICAL;
	obs.state = (got != 0) == (want != 0) ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = want ? yes : no;
	obs.actual = got ? yes : no;
	check_observe(p, &obs);
	check_end(p, check, 1, NULL);
}

static void
check_root_summary_cb(const struct aws_result *res, const struct iam_summary *s,
    void *arg)
{
	struct check_root_run	*r = arg;
	const char	*err = res->result ? aws_result_describe(res) : NULL;

	r->pager = NULL;
	if (r->want_mfa != TRI_UNSET && err != NULL)
		check_end(r->pass, "root.mfa", 0, err);
	else if (r->want_mfa != TRI_UNSET)
		check_root_observe(r->pass, "root.mfa", r->want_mfa, s->mfa_enabled,
		    r->want_mfa ? "Root user has no MFA" :
		    "Root user has MFA, the baseline says it should not",
		    "MFA enabled", "no MFA");
	if (r->want_keys != TRI_UNSET && err != NULL)
		check_end(r->pass, "root.access_keys", 0, err);
	else if (r->want_keys != TRI_UNSET)
		check_root_observe(r->pass, "root.access_keys", r->want_keys,
		    s->access_keys_present, "Root user has access keys",
		    "access keys present", "no access keys");
}

static struct check_run *
check_root_start(struct check_pass *p, const void *part)
{
	const struct check_root_section	*sec = part;
	struct check_root_run		*r;

	if (sec->mfa == TRI_UNSET && sec->access_keys == TRI_UNSET)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_root_run_free;
	r->pass = p;
	r->want_mfa = sec->mfa;
	r->want_keys = sec->access_keys;
	if (r->want_mfa != TRI_UNSET)
		check_begin(p, "root.mfa");
	if (r->want_keys != TRI_UNSET)
		check_begin(p, "root.access_keys");
	r->pager = aws_iam_get_account_summary(check_pass_aws(p),
	    check_root_summary_cb, r);
	if (r->pager == NULL) {
		struct aws_result fail = { .result = DW_ENOMEM,
		    .message = "cannot start the IAM call" };
		check_root_summary_cb(&fail, NULL, r);
	}
	return &r->run;
}

/* The baseline section. */

static const struct baseline_field check_root_fields[] = {
	{ "mfa", baseline_tristate,
	    offsetof(struct check_root_section, mfa), 0 },
	{ "access_keys", baseline_tristate,
	    offsetof(struct check_root_section, access_keys), 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_root_init(void *part)
{
	struct check_root_section	*sec = part;

	sec->mfa = sec->access_keys = TRI_UNSET;
}

static void
check_root_to_json(struct json_object *o, const void *part)
{
	const struct check_root_section	*sec = part;

	baseline_json_tristate(o, "mfa", sec->mfa);
	baseline_json_tristate(o, "access_keys", sec->access_keys);
}

const struct check_part check_root_summary_part = {
	.name = "root.mfa",
	.fields = check_root_fields,
	.size = sizeof(struct check_root_section),
	.init = check_root_init,
	.to_json = check_root_to_json,
	.start = check_root_start,
};
