/*
 * account.identity: the credentials reach the account the baseline
 * names.  Checked first in every pass: watching the wrong account is
 * the quietest way to go blind.
 */
#include <stdlib.h>
#include <string.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

#define CHECK_ID	"account.identity"

struct check_account_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct aws_pager	*pager;
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
	const char		*want = check_pass_baseline(r->pass)->account_id;
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
check_account_start(struct check_pass *p)
{
	struct check_account_run	*r;

	if (check_pass_baseline(p)->account_id == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_account_run_free;
	r->pass = p;
	check_begin(p, CHECK_ID);
	r->pager = aws_sts_get_caller_identity(check_pass_aws(p),
	    check_pass_region(p), check_account_identity_cb, r);
	if (r->pager == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the STS call");
	return &r->run;
}

const struct check_family check_family_account = {
	"account", check_account_start
};
