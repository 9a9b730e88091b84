/*
 * root.mfa and root.access_keys, both from one GetAccountSummary: a part
 * of the root family (check_root.c).  "mfa": "hardware" also asks that
 * no virtual MFA device is assigned to root (ListVirtualMFADevices).
 * Baseline: "root": { "mfa": true | false | "hardware", "access_keys": false }.
 */
#include <stddef.h>
#include <stdio.h>
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

#define MFA_ID		"root.mfa"
#define MFA_TITLE_HW	"Root user's MFA is not a hardware device"

struct check_root_section {
	enum tristate	 mfa;
	int		 hardware;	/* "mfa": "hardware" */
	enum tristate	 access_keys;
};

struct check_root_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct check_capture	*cc;		/* capture only */
	struct check_root_section *cap;
	struct check_part_wait	*pw;
	struct aws_pager	*pager;
	int			 want_mfa;	/* tristate from the baseline */
	int			 want_hw;
	int			 want_keys;
};

static void
check_root_run_free(struct check_run *run)
{
	struct check_root_run	*r = (struct check_root_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

/* The serial of a virtual MFA device assigned to root, or NULL. */
static const char *
check_root_virtual(const struct iam_mfas *m)
{
	size_t	i, n;

	for (i = 0; m != NULL && i < m->n; i++) {
		if (m->v[i].user == NULL || strncmp(m->v[i].user, "arn:", 4))
			continue;
		n = strlen(m->v[i].user);
		if (n > 5 && strcmp(m->v[i].user + n - 5, ":root") == 0)
			return m->v[i].serial;
	}
	return NULL;
}

static void
check_root_hw_cb(const struct aws_result *res, const struct iam_mfas *m,
    void *arg)
{
	struct check_root_run	*r = arg;
	struct finding_obs	 obs;
	const char		*serial;
	char			 actual[300];

	r->pager = NULL;
	if (res->result != 0) {
		check_end(r->pass, MFA_ID, 0, aws_result_describe(res));
		return;
	}
	serial = check_root_virtual(m);
	snprintf(actual, sizeof(actual), "virtual MFA %s",
	    serial ? serial : "");
	memset(&obs, 0, sizeof(obs));
	obs.check = MFA_ID;
	obs.resource = "";
	obs.severity = SEV_HIGH;
	obs.state = serial == NULL ? FINDING_OK : FINDING_DRIFT;
	obs.title = MFA_TITLE_HW;
	obs.expected = "hardware MFA";
	obs.actual = serial == NULL ? "hardware MFA" : actual;
	check_observe(r->pass, &obs);
	check_end(r->pass, MFA_ID, 1, NULL);
}

/* MFA is on and the baseline wants hardware: which kind is it? */
static void
check_root_hw_start(struct check_root_run *r, struct aws_client *aws,
    iam_mfas_cb cb)
{
	struct aws_result	fail = { .result = DW_ENOMEM,
				    .message = "cannot start the IAM call" };

	r->pager = aws_iam_list_virtual_mfa_devices(aws, "Assigned", cb, r);
	if (r->pager == NULL)
		cb(&fail, NULL, r);
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
}

static void
check_root_summary_cb(const struct aws_result *res, const struct iam_summary *s,
    void *arg)
{
	struct check_root_run	*r = arg;
	const char	*err = res->result ? aws_result_describe(res) : NULL;

	r->pager = NULL;
	if (r->want_keys != TRI_UNSET && err != NULL)
		check_end(r->pass, "root.access_keys", 0, err);
	else if (r->want_keys != TRI_UNSET) {
		check_root_observe(r->pass, "root.access_keys", r->want_keys,
		    s->access_keys_present, "Root user has access keys",
		    "access keys present", "no access keys");
		check_end(r->pass, "root.access_keys", 1, NULL);
	}
	if (r->want_mfa == TRI_UNSET)
		return;
	if (err != NULL) {
		check_end(r->pass, MFA_ID, 0, err);
		return;
	}
	/* one observation a pass: the device's kind decides it */
	if (r->want_hw && s->mfa_enabled) {
		check_root_hw_start(r, check_pass_aws(r->pass),
		    check_root_hw_cb);
		return;
	}
	check_root_observe(r->pass, MFA_ID, r->want_mfa, s->mfa_enabled,
	    r->want_mfa ? "Root user has no MFA" :
	    "Root user has MFA, the baseline says it should not",
	    r->want_hw ? "hardware MFA" : "MFA enabled", "no MFA");
	check_end(r->pass, MFA_ID, 1, NULL);
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
	r->want_hw = sec->hardware;
	r->want_keys = sec->access_keys;
	if (r->want_mfa != TRI_UNSET)
		check_begin(p, MFA_ID);
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

/* true, false or "hardware". */
static int
check_root_parse_mfa(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_root_section	*sec = field;
	const char			*s;

	if (json_object_is_type(val, json_type_string)) {
		s = json_object_get_string(val);
		if (strcmp(s, "hardware") != 0)
			return baseline_fail(ctx, "expected true, false or "
			    "\"hardware\"");
		sec->mfa = TRI_TRUE;
		sec->hardware = 1;
		return 0;
	}
	if (!json_object_is_type(val, json_type_boolean))
		return baseline_fail(ctx, "expected true, false or "
		    "\"hardware\"");
	sec->mfa = json_object_get_boolean(val) ? TRI_TRUE : TRI_FALSE;
	return 0;
}

static const struct baseline_field check_root_fields[] = {
	{ "mfa", check_root_parse_mfa, 0, 0 },
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

	if (sec->hardware)
		baseline_json_str(o, "mfa", "hardware");
	else
		baseline_json_tristate(o, "mfa", sec->mfa);
	baseline_json_tristate(o, "access_keys", sec->access_keys);
}

/* capture: what root has now; virtual MFA is kept, with advice. */

static void
check_root_cap_hw_cb(const struct aws_result *res, const struct iam_mfas *m,
    void *arg)
{
	struct check_root_run	*r = arg;

	r->pager = NULL;
	if (res->result != 0) {
		/* MFA is on: "mfa": true still holds */
		check_capture_unread(r->cc, "root.mfa (hardware)",
		    aws_result_describe(res));
	} else if (check_root_virtual(m) != NULL)
		check_capture_note(r->cc, MFA_ID, "virtual MFA, consider "
		    "hardware (then \"mfa\": \"hardware\")");
	else
		r->cap->hardware = 1;
	check_part_done(r->pw, NULL);
}

static void
check_root_cap_cb(const struct aws_result *res, const struct iam_summary *s,
    void *arg)
{
	struct check_root_run	*r = arg;

	r->pager = NULL;
	if (res->result != 0) {
		check_capture_unread(r->cc, "root.mfa, root.access_keys",
		    aws_result_describe(res));
		check_part_done(r->pw, aws_result_describe(res));
		return;
	}
	r->cap->mfa = s->mfa_enabled ? TRI_TRUE : TRI_FALSE;
	r->cap->access_keys = s->access_keys_present ? TRI_TRUE : TRI_FALSE;
	if (!s->mfa_enabled)
		check_capture_note(r->cc, MFA_ID, "root has no MFA: add a "
		    "hardware MFA device, then \"mfa\": \"hardware\"");
	if (s->access_keys_present)
		check_capture_note(r->cc, "root.access_keys", "root has "
		    "access keys: delete them, then \"access_keys\": false");
	if (s->mfa_enabled)
		check_root_hw_start(r, check_capture_aws(r->cc),
		    check_root_cap_hw_cb);
	else
		check_part_done(r->pw, NULL);
}

static struct check_run *
check_root_capture(struct check_capture *cc, void *part,
    struct check_part_wait *pw)
{
	struct check_root_run	*r;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_root_run_free;
	r->cc = cc;
	r->cap = part;
	r->pw = pw;
	r->pager = aws_iam_get_account_summary(check_capture_aws(cc),
	    check_root_cap_cb, r);
	if (r->pager == NULL) {
		check_capture_unread(cc, "root.mfa, root.access_keys",
		    "cannot start the IAM call");
		check_part_done(pw, "cannot start the IAM call");
	}
	return &r->run;
}

const struct check_part check_root_summary_part = {
	.name = "root.mfa",
	.fields = check_root_fields,
	.size = sizeof(struct check_root_section),
	.init = check_root_init,
	.to_json = check_root_to_json,
	.start = check_root_start,
	.capture = check_root_capture,
};
