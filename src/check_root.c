/*
 * root.mfa and root.access_keys, both from one GetAccountSummary.
 */
#include <stdlib.h>
#include <string.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

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
check_root_start(struct check_pass *p)
{
	const struct baseline	*bl = check_pass_baseline(p);
	struct check_root_run		*r;

	if (bl->root_mfa == TRI_UNSET && bl->root_access_keys == TRI_UNSET)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_root_run_free;
	r->pass = p;
	r->want_mfa = bl->root_mfa;
	r->want_keys = bl->root_access_keys;
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

const struct check_family check_family_root = {
	"root", check_root_start
};
