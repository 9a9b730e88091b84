/*
 * tax.inheritance, a part of the tax family (check_tax.c): the member
 * accounts inherit the management account's tax settings (Tax Settings
 * GetTaxInheritance heritageStatus "OptIn"; false in the baseline asks
 * for "OptOut").  Any failure, or another value, is unknown.
 * Baseline: "tax": { "inheritance": true }.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_tax.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "driftwatch/xmalloc.h"
#include "check_tax.h"

#define CHECK_ID	"tax.inheritance"
#define TAX_PREFIX	"Tax Settings GetTaxInheritance: "

struct check_tax_inheritance {
	enum tristate	 inheritance;
};

struct check_tax_inh_run {
	struct check_run	 run;
	struct check_pass	*pass;
	int			 want;
	struct aws_pager	*pager;
	/* capture */
	struct check_capture	*cc;
	struct check_tax_inheritance *part;
	struct check_part_wait	*wait;
};

static void
check_tax_inh_free(struct check_run *run)
{
	struct check_tax_inh_run	*r = (struct check_tax_inh_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

/* 1 OptIn, 0 OptOut, -1 anything else. */
static int
check_tax_inh_value(const char *status)
{
	if (strcmp(status, "OptIn") == 0)
		return 1;
	return strcmp(status, "OptOut") == 0 ? 0 : -1;
}

static const char *
check_tax_inh_error(const struct aws_result *res, const char *status,
    char *buf, size_t len)
{
	if (res->result != 0)
		snprintf(buf, len, TAX_PREFIX "%s", aws_result_describe(res));
	else if (check_tax_inh_value(status) < 0)
		snprintf(buf, len, TAX_PREFIX "unexpected heritageStatus "
		    "\"%.40s\"", status);
	else
		return NULL;
	return buf;
}

static void
check_tax_inh_cb(const struct aws_result *res, const char *status,
    void *arg)
{
	struct check_tax_inh_run	*r = arg;
	struct finding_obs		 obs;
	const char			*err;
	char				 buf[512];

	r->pager = NULL;
	if ((err = check_tax_inh_error(res, status, buf, sizeof(buf))) !=
	    NULL) {
		check_end(r->pass, CHECK_ID, 0, err);
		return;
	}
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_MEDIUM;
	obs.state = check_tax_inh_value(status) == r->want ? FINDING_OK :
	    FINDING_DRIFT;
	obs.title = r->want ? "Tax settings inheritance is off" :
	    "Tax settings inheritance is on, the baseline says it should not";
	obs.expected = r->want ? "OptIn" : "OptOut";
	obs.actual = status;
	check_observe(r->pass, &obs);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static struct check_run *
check_tax_inh_start(struct check_pass *p, const void *part)
{
	const struct check_tax_inheritance	*sec = part;
	struct check_tax_inh_run		*r;

	if (sec->inheritance == TRI_UNSET)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_tax_inh_free;
	r->pass = p;
	r->want = sec->inheritance == TRI_TRUE;
	check_begin(p, CHECK_ID);
	r->pager = aws_tax_get_inheritance(check_pass_aws(p),
	    check_pass_region(p), check_tax_inh_cb, r);
	if (r->pager == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the Tax Settings call");
	return &r->run;
}

/* Capture: what the account says. */

static void
check_tax_inh_cap_cb(const struct aws_result *res, const char *status,
    void *arg)
{
	struct check_tax_inh_run	*r = arg;
	const char			*err;
	char				 buf[512];

	r->pager = NULL;
	if ((err = check_tax_inh_error(res, status, buf, sizeof(buf))) !=
	    NULL)
		check_capture_unread(r->cc, CHECK_ID, err);
	else {
		r->part->inheritance = check_tax_inh_value(status) ? TRI_TRUE :
		    TRI_FALSE;
		if (r->part->inheritance == TRI_FALSE)
			check_capture_note(r->cc, CHECK_ID, "tax settings "
			    "inheritance is off (OptOut); turn it on so member "
			    "accounts use the management account's tax "
			    "settings, then set \"inheritance\": true");
	}
	check_part_done(r->wait, err);
}

static struct check_run *
check_tax_inh_capture(struct check_capture *cc, void *part,
    struct check_part_wait *wait)
{
	struct check_tax_inh_run	*r;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_tax_inh_free;
	r->cc = cc;
	r->part = part;
	r->wait = wait;
	r->pager = aws_tax_get_inheritance(check_capture_aws(cc),
	    check_capture_region(cc), check_tax_inh_cap_cb, r);
	if (r->pager == NULL) {
		check_capture_unread(cc, CHECK_ID,
		    "cannot start the Tax Settings call");
		check_part_done(wait, "cannot start the Tax Settings call");
	}
	return &r->run;
}

/* The baseline key. */

static const struct baseline_field check_tax_inh_fields[] = {
	{ "inheritance", baseline_tristate,
	    offsetof(struct check_tax_inheritance, inheritance), 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_tax_inh_init(void *part)
{
	((struct check_tax_inheritance *)part)->inheritance = TRI_UNSET;
}

static void
check_tax_inh_to_json(struct json_object *o, const void *part)
{
	const struct check_tax_inheritance	*sec = part;

	baseline_json_tristate(o, "inheritance", sec->inheritance);
}

const struct check_part check_tax_inheritance_part = {
	.name = CHECK_ID,
	.fields = check_tax_inh_fields,
	.size = sizeof(struct check_tax_inheritance),
	.init = check_tax_inh_init,
	.to_json = check_tax_inh_to_json,
	.start = check_tax_inh_start,
	.capture = check_tax_inh_capture,
};
