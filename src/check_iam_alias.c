/*
 * iam.alias, a part of the iam family (check_iam.c): the account alias
 * is the baseline's.  ListAccountAliases (an account has at most one;
 * none is drift, "no alias").
 * Baseline: "iam": { "alias": "example-management" }.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_iam_policy.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_iam.h"
#include "driftwatch/xmalloc.h"

#define CHECK_ID	"iam.alias"
#define ALIAS_SHOWN	200

struct check_iam_alias_section {
	char	*alias;
};

struct check_iam_alias_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct check_capture	*cc;		/* capture only */
	struct check_part_wait	*wait;
	struct check_iam_alias_section	*into;
	const char		*want;
	struct aws_pager	*pager;
};

static void
check_iam_alias_run_free(struct check_run *run)
{
	struct check_iam_alias_run	*r = (struct check_iam_alias_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

/* "a, b" of the aliases listed, or "no alias". */
static void
check_iam_alias_join(const struct iam_names *l, char *buf, size_t len)
{
	size_t	i, n;

	if (l->n == 0) {
		snprintf(buf, len, "no alias");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", i > 0 ? ", " : "", l->v[i]);
	}
}

static void
check_iam_alias_cb(const struct aws_result *res, const struct iam_names *l,
    void *arg)
{
	struct check_iam_alias_run	*r = arg;
	struct finding_obs		 obs;
	char				 actual[ALIAS_SHOWN];

	r->pager = NULL;
	if (res->result != 0) {
		check_end(r->pass, CHECK_ID, 0, aws_result_describe(res));
		return;
	}
	check_iam_alias_join(l, actual, sizeof(actual));
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_MEDIUM;
	obs.state = l->n == 1 && strcmp(l->v[0], r->want) == 0 ?
	    FINDING_OK : FINDING_DRIFT;
	obs.title = l->n == 0 ? "The account has no alias" :
	    "The account alias is not the baseline's";
	obs.expected = r->want;
	obs.actual = actual;
	check_observe(r->pass, &obs);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static struct check_run *
check_iam_alias_start(struct check_pass *p, const void *part)
{
	const struct check_iam_alias_section	*sec = part;
	struct check_iam_alias_run		*r;

	if (sec->alias == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_alias_run_free;
	r->pass = p;
	r->want = sec->alias;
	check_begin(p, CHECK_ID);
	if ((r->pager = aws_iam_list_account_aliases(check_pass_aws(p),
	    check_iam_alias_cb, r)) == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the IAM call");
	return &r->run;
}

/* Capture: the live alias; none leaves the key out, with a note. */

static void
check_iam_alias_capture_cb(const struct aws_result *res,
    const struct iam_names *l, void *arg)
{
	struct check_iam_alias_run	*r = arg;

	r->pager = NULL;
	if (res->result != 0) {
		check_capture_unread(r->cc, CHECK_ID, aws_result_describe(res));
		check_part_done(r->wait, aws_result_describe(res));
		return;
	}
	if (l->n == 0)
		check_capture_note(r->cc, CHECK_ID, "the account has no alias; "
		    "set one (aws iam create-account-alias) and add "
		    "\"alias\" to the iam section");
	else
		baseline_set_str(&r->into->alias, l->v[0]);
	check_part_done(r->wait, NULL);
}

static struct check_run *
check_iam_alias_capture(struct check_capture *cc, void *part,
    struct check_part_wait *w)
{
	struct check_iam_alias_run	*r;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_alias_run_free;
	r->cc = cc;
	r->wait = w;
	r->into = part;
	if ((r->pager = aws_iam_list_account_aliases(check_capture_aws(cc),
	    check_iam_alias_capture_cb, r)) == NULL) {
		check_capture_unread(cc, CHECK_ID, "cannot start the IAM call");
		check_part_done(w, "cannot start the IAM call");
	}
	return &r->run;
}

/* The baseline key. */

/* IAM's pattern: 3 to 63 of a-z 0-9 and '-', no '-' first, last or
 * twice in a row. */
static int
check_iam_alias_valid(const char *s)
{
	size_t	n = strlen(s);

	return baseline_all_of(s, "abcdefghijklmnopqrstuvwxyz0123456789-", 3,
	    63) && s[0] != '-' && s[n - 1] != '-' && strstr(s, "--") == NULL;
}

static int
check_iam_alias_parse(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !check_iam_alias_valid(s))
		return baseline_fail(ctx, "expected an account alias (3 to 63 "
		    "of a-z 0-9 and single '-' inside, e.g. "
		    "\"example-management\")");
	baseline_set_str(field, s);
	return 0;
}

static const struct baseline_field check_iam_alias_fields[] = {
	{ "alias", check_iam_alias_parse,
	    offsetof(struct check_iam_alias_section, alias), 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_iam_alias_free(void *part)
{
	struct check_iam_alias_section	*sec = part;

	free(sec->alias);
}

static void
check_iam_alias_to_json(struct json_object *o, const void *part)
{
	const struct check_iam_alias_section	*sec = part;

	baseline_json_str(o, "alias", sec->alias);
}

const struct check_part check_iam_alias_part = {
	.name = CHECK_ID,
	.fields = check_iam_alias_fields,
	.size = sizeof(struct check_iam_alias_section),
	.free = check_iam_alias_free,
	.to_json = check_iam_alias_to_json,
	.start = check_iam_alias_start,
	.capture = check_iam_alias_capture,
};
