/*
 * account.identity, a part of the account family (check_account.c):
 * the credentials reach the account the baseline names (STS
 * GetCallerIdentity), and that account is its organization's
 * management account (Organizations DescribeOrganization
 * MasterAccountId).  An account in no organization
 * (AWSOrganizationsNotInUseException) is drift; any other failure of
 * either call is unknown.  Checked first in every pass: watching the
 * wrong account is the quietest way to go blind.
 * Baseline: "account": { "id": "111122223333" }.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_organizations.h"
#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "driftwatch/xmalloc.h"
#include "check_account.h"

#define CHECK_ID	"account.identity"
#define IDENTITY_TEXT	160

struct check_account_identity {
	char	*id;		/* 12 digits, or NULL */
};

/* What one call said: an error (unknown), or text to compare. */
struct check_account_seen {
	int	 done;
	char	*error;		/* unknown, why */
	char	*value;		/* STS: the account; Organizations: master */
	char	*org_id;
	int	 no_org;	/* AWSOrganizationsNotInUseException */
};

struct check_account_identity_run {
	struct check_run		 run;
	struct check_pass		*pass;
	const char			*want;
	struct aws_pager		*sts;
	struct check_account_org_wait	*org;
	struct check_account_seen	 caller, master;
};

static void
check_account_seen_clear(struct check_account_seen *s)
{
	free(s->error);
	free(s->value);
	free(s->org_id);
}

static void
check_account_identity_free(struct check_run *run)
{
	struct check_account_identity_run	*r =
	    (struct check_account_identity_run *)run;

	aws_pager_cancel(r->sts);
	check_account_org_cancel(r->org);
	check_account_seen_clear(&r->caller);
	check_account_seen_clear(&r->master);
	free(r);
}

static void
check_account_identity_observe(struct check_account_identity_run *r,
    const char *title, const char *expected, const char *actual, int ok)
{
	struct finding_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_CRITICAL;
	obs.state = ok ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(r->pass, &obs);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

/* The organization's side, once the caller is the baseline's account. */
static void
check_account_identity_org(struct check_account_identity_run *r)
{
	const struct check_account_seen	*m = &r->master;
	char				 act[IDENTITY_TEXT];

	if (m->no_org) {
		check_account_identity_observe(r, "The account is in no "
		    "organization", "the management account of its "
		    "organization", "not in an organization", 0);
		return;
	}
	if (m->error != NULL) {
		check_end(r->pass, CHECK_ID, 0, m->error);
		return;
	}
	if (strcmp(m->value, r->want) == 0) {
		check_account_identity_observe(r, "The account is not its "
		    "organization's management account", r->want, r->want, 1);
		return;
	}
	snprintf(act, sizeof(act), "a member account of %s, whose management "
	    "account is %s", m->org_id != NULL ? m->org_id : "an organization",
	    m->value);
	check_account_identity_observe(r, "The account is not its "
	    "organization's management account", "the management account of "
	    "its organization", act, 0);
}

static void
check_account_identity_decide(struct check_account_identity_run *r)
{
	if (!r->caller.done || !r->master.done)
		return;
	if (r->caller.error != NULL)
		check_end(r->pass, CHECK_ID, 0, r->caller.error);
	else if (strcmp(r->caller.value, r->want) != 0)
		check_account_identity_observe(r, "The credentials reach "
		    "another account than the baseline's", r->want,
		    r->caller.value, 0);
	else
		check_account_identity_org(r);
}

static void
check_account_identity_sts_cb(const struct aws_result *res,
    const struct sts_identity *id, void *arg)
{
	struct check_account_identity_run	*r = arg;
	char					 buf[512];

	r->sts = NULL;
	r->caller.done = 1;
	if (res->result != 0) {
		snprintf(buf, sizeof(buf), "STS GetCallerIdentity: %s",
		    aws_result_describe(res));
		r->caller.error = xstrdup(buf);
	} else
		r->caller.value = xstrdup(id->account);
	check_account_identity_decide(r);
}

static void
check_account_identity_org_cb(const struct aws_result *res,
    const struct org_organization *org, void *arg)
{
	struct check_account_identity_run	*r = arg;
	char					 buf[512];

	r->org = NULL;
	r->master.done = 1;
	if (check_account_org_not_in_use(res))
		r->master.no_org = 1;
	else if (res->result != 0)
		r->master.error = xstrdup(check_account_org_error(res, buf,
		    sizeof(buf)));
	else {
		r->master.value = xstrdup(org->master_account_id);
		if (org->id != NULL)
			r->master.org_id = xstrdup(org->id);
	}
	check_account_identity_decide(r);
}

static struct check_run *
check_account_identity_start(struct check_pass *p, const void *part)
{
	const struct check_account_identity	*sec = part;
	struct check_account_identity_run	*r;

	if (sec->id == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_account_identity_free;
	r->pass = p;
	r->want = sec->id;
	check_begin(p, CHECK_ID);
	r->sts = aws_sts_get_caller_identity(check_pass_aws(p),
	    check_pass_region(p), check_account_identity_sts_cb, r);
	r->org = check_account_org_read(p, check_pass_aws(p),
	    check_pass_region(p), check_account_identity_org_cb, r);
	if (r->sts == NULL || r->org == NULL) {
		aws_pager_cancel(r->sts);
		check_account_org_cancel(r->org);
		r->sts = NULL;
		r->org = NULL;
		check_end(p, CHECK_ID, 0, "cannot start the STS and "
		    "Organizations calls");
	}
	return &r->run;
}

/* Capture: the account the credentials reach. */

struct check_account_identity_cap {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_account_identity	*part;
	struct check_part_wait		*wait;
	struct aws_pager		*sts;
};

static void
check_account_identity_cap_free(struct check_run *run)
{
	struct check_account_identity_cap	*c =
	    (struct check_account_identity_cap *)run;

	aws_pager_cancel(c->sts);
	free(c);
}

static void
check_account_identity_cap_cb(const struct aws_result *res,
    const struct sts_identity *id, void *arg)
{
	struct check_account_identity_cap	*c = arg;
	const char				*why = NULL;

	c->sts = NULL;
	if (res->result != 0) {
		why = aws_result_describe(res);
		check_capture_unread(c->cc, CHECK_ID, why);
	} else
		baseline_set_str(&c->part->id, id->account);
	check_part_done(c->wait, why);
}

static struct check_run *
check_account_identity_capture(struct check_capture *cc, void *part,
    struct check_part_wait *wait)
{
	struct check_account_identity_cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_account_identity_cap_free;
	c->cc = cc;
	c->part = part;
	c->wait = wait;
	c->sts = aws_sts_get_caller_identity(check_capture_aws(cc),
	    check_capture_region(cc), check_account_identity_cap_cb, c);
	if (c->sts == NULL) {
		check_capture_unread(cc, CHECK_ID, "cannot start the STS call");
		check_part_done(wait, "cannot start the STS call");
	}
	return &c->run;
}

/* The baseline keys. */

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

static const struct baseline_field check_account_identity_fields[] = {
	{ "id", check_account_parse_id,
	    offsetof(struct check_account_identity, id), 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_account_identity_part_free(void *part)
{
	struct check_account_identity	*sec = part;

	free(sec->id);
}

static void
check_account_identity_to_json(struct json_object *o, const void *part)
{
	const struct check_account_identity	*sec = part;

	baseline_json_str(o, "id", sec->id);
}

const struct check_part check_account_identity_part = {
	.name = CHECK_ID,
	.fields = check_account_identity_fields,
	.size = sizeof(struct check_account_identity),
	.free = check_account_identity_part_free,
	.to_json = check_account_identity_to_json,
	.start = check_account_identity_start,
	.capture = check_account_identity_capture,
};

const char *
check_account_id(const struct baseline *bl)
{
	const struct check_account_identity	*sec;

	sec = check_parts_get(baseline_section(bl, &check_family_account),
	    &check_account_identity_part);
	return sec != NULL ? sec->id : NULL;
}
