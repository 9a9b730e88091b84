/*
 * iam.password_policy, a part of the iam family (check_iam.c): the
 * account has a password policy at least as strict as the baseline's,
 * field by field: a length or reuse count no smaller, a maximum age no
 * longer (no maximum age is the weakest), and each requirement the
 * baseline turns on turned on.  A field the baseline leaves out is not
 * compared.  GetAccountPasswordPolicy; NoSuchEntity means no policy at
 * all, which is drift.  One finding naming every weaker field.
 * Baseline: "iam": { "password_policy": { "minimum_length": 14,
 * "require_symbols": true, "max_age_days": 90, "reuse_prevention": 24,
 * ... } }.
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

#define CHECK_ID	"iam.password_policy"
#define PW_TEXT		1024
#define PW_CIS_LENGTH	14	/* CIS AWS Foundations 1.8 */
#define PW_CIS_REUSE	24	/* CIS AWS Foundations 1.9 */

enum pw_field {
	PW_LENGTH,
	PW_SYMBOLS,
	PW_NUMBERS,
	PW_UPPER,
	PW_LOWER,
	PW_MAX_AGE,
	PW_REUSE,
	PW_HARD_EXPIRY,
	PW_CHANGE,
	PW_NFIELDS,
};

enum pw_kind {
	PW_AT_LEAST,	/* live >= baseline; absent is 0 */
	PW_AT_MOST,	/* live <= baseline; absent is infinite */
	PW_REQUIRED,	/* baseline true: live true */
};

static const struct pw_desc {
	const char	*key;
	enum pw_kind	 kind;
	long		 min, max;	/* numbers only */
	const char	*what;		/* "minimum length", "symbols" */
	const char	*yes, *no;	/* booleans: "required" ... */
} pw_descs[PW_NFIELDS] = {
	{ "minimum_length", PW_AT_LEAST, 6, 128, "minimum length", NULL,
	    NULL },
	{ "require_symbols", PW_REQUIRED, 0, 1, "symbols", "required",
	    "not required" },
	{ "require_numbers", PW_REQUIRED, 0, 1, "numbers", "required",
	    "not required" },
	{ "require_uppercase", PW_REQUIRED, 0, 1, "uppercase letters",
	    "required", "not required" },
	{ "require_lowercase", PW_REQUIRED, 0, 1, "lowercase letters",
	    "required", "not required" },
	{ "max_age_days", PW_AT_MOST, 1, 1095, "maximum age", NULL, NULL },
	{ "reuse_prevention", PW_AT_LEAST, 1, 24, "reuse prevention", NULL,
	    NULL },
	{ "hard_expiry", PW_REQUIRED, 0, 1, "hard expiry", "on", "off" },
	{ "allow_users_to_change", PW_REQUIRED, 0, 1,
	    "users changing their password", "allowed", "not allowed" },
};

/* -1: unset (booleans 0 or 1). */
struct check_iam_pw_section {
	int	set;
	long	v[PW_NFIELDS];
};

struct check_iam_pw_run {
	struct check_run		 run;
	struct check_pass		*pass;
	struct check_capture		*cc;		/* capture only */
	struct check_part_wait		*wait;
	struct check_iam_pw_section	*into;
	const struct check_iam_pw_section	*want;
	struct aws_pager		*pager;
};

static void
check_iam_pw_run_free(struct check_run *run)
{
	struct check_iam_pw_run	*r = (struct check_iam_pw_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

/* The live policy as the section's numbers: absent numbers are -1. */
static void
check_iam_pw_live(const struct iam_password_policy *p, long *v)
{
	v[PW_LENGTH] = p->min_length;
	v[PW_SYMBOLS] = p->require_symbols;
	v[PW_NUMBERS] = p->require_numbers;
	v[PW_UPPER] = p->require_uppercase;
	v[PW_LOWER] = p->require_lowercase;
	v[PW_MAX_AGE] = p->max_age > 0 ? p->max_age : -1;
	v[PW_REUSE] = p->reuse_prevention;
	v[PW_HARD_EXPIRY] = p->hard_expiry;
	v[PW_CHANGE] = p->allow_users_to_change;
}

static int
check_iam_pw_weaker(const struct pw_desc *d, long want, long got)
{
	switch (d->kind) {
	case PW_AT_LEAST:
		return (got < 0 ? 0 : got) < want;
	case PW_AT_MOST:
		return got < 0 || got > want;
	case PW_REQUIRED:
		return want == 1 && got != 1;
	}
	return 1;
}

/* "minimum length >= 14", "maximum age 90 days", "symbols required". */
static void
check_iam_pw_say(const struct pw_desc *d, long v, int wanted, char *buf,
    size_t len)
{
	const char	*op = !wanted ? "" : d->kind == PW_AT_LEAST ? ">= " :
			    "<= ";

	if (d->kind == PW_REQUIRED)
		snprintf(buf, len, "%s %s", d->what, v == 1 ? d->yes : d->no);
	else if (v < 0 || (v == 0 && d->kind == PW_AT_LEAST))
		snprintf(buf, len, "no %s", d->what);
	else
		snprintf(buf, len, "%s %s%ld%s", d->what, op, v,
		    d->kind == PW_AT_MOST ? " days" : "");
}

static void
check_iam_pw_add(char *buf, const char *s)
{
	size_t	n = strlen(buf);

	snprintf(buf + n, PW_TEXT - n, "%s%s", n > 0 ? "; " : "", s);
}

/* What the baseline asks for, every field it sets. */
static void
check_iam_pw_expected(const struct check_iam_pw_section *want, char *buf)
{
	char	one[128];
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < PW_NFIELDS; i++) {
		if (want->v[i] < 0 || (pw_descs[i].kind == PW_REQUIRED &&
		    want->v[i] == 0))
			continue;
		check_iam_pw_say(&pw_descs[i], want->v[i], 1, one, sizeof(one));
		check_iam_pw_add(buf, one);
	}
	if (buf[0] == '\0')
		snprintf(buf, PW_TEXT, "a password policy");
}

static void
check_iam_pw_observe(struct check_iam_pw_run *r, int ok, const char *title,
    const char *expected, const char *actual)
{
	struct finding_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_MEDIUM;
	obs.state = ok ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(r->pass, &obs);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static void
check_iam_pw_compare(struct check_iam_pw_run *r,
    const struct iam_password_policy *p)
{
	char	expected[PW_TEXT], actual[PW_TEXT], title[PW_TEXT], one[128];
	char	weaker[PW_TEXT];
	long	live[PW_NFIELDS];
	size_t	i, n;

	check_iam_pw_live(p, live);
	expected[0] = actual[0] = weaker[0] = '\0';
	for (i = 0; i < PW_NFIELDS; i++) {
		if (r->want->v[i] < 0 || !check_iam_pw_weaker(&pw_descs[i],
		    r->want->v[i], live[i]))
			continue;
		check_iam_pw_say(&pw_descs[i], r->want->v[i], 1, one,
		    sizeof(one));
		check_iam_pw_add(expected, one);
		check_iam_pw_say(&pw_descs[i], live[i], 0, one, sizeof(one));
		check_iam_pw_add(actual, one);
		n = strlen(weaker);
		snprintf(weaker + n, sizeof(weaker) - n, "%s%s",
		    n > 0 ? ", " : "", pw_descs[i].what);
	}
	if (expected[0] != '\0') {
		snprintf(title, sizeof(title), "The password policy is weaker "
		    "than the baseline: %s", weaker);
		check_iam_pw_observe(r, 0, title, expected, actual);
		return;
	}
	check_iam_pw_expected(r->want, expected);
	check_iam_pw_observe(r, 1, "The password policy is on the baseline",
	    expected, "as strict or stricter");
}

static void
check_iam_pw_cb(const struct aws_result *res,
    const struct iam_password_policy *p, void *arg)
{
	struct check_iam_pw_run	*r = arg;
	char			 expected[PW_TEXT];

	r->pager = NULL;
	if (res->result != 0 && res->code != NULL &&
	    strcmp(res->code, "NoSuchEntity") == 0) {
		check_iam_pw_expected(r->want, expected);
		check_iam_pw_observe(r, 0, "The account has no password policy",
		    expected, "no password policy");
	} else if (res->result != 0)
		check_end(r->pass, CHECK_ID, 0, aws_result_describe(res));
	else
		check_iam_pw_compare(r, p);
}

static struct check_run *
check_iam_pw_start(struct check_pass *p, const void *part)
{
	const struct check_iam_pw_section	*sec = part;
	struct check_iam_pw_run			*r;

	if (!sec->set)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_pw_run_free;
	r->pass = p;
	r->want = sec;
	check_begin(p, CHECK_ID);
	if ((r->pager = aws_iam_get_account_password_policy(check_pass_aws(p),
	    check_iam_pw_cb, r)) == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the IAM call");
	return &r->run;
}

/* Capture: the live policy as it is, with advice where it is weak. */

static void
check_iam_pw_advise(struct check_capture *cc, const long *v)
{
	if (v[PW_LENGTH] < PW_CIS_LENGTH)
		check_capture_note(cc, CHECK_ID, "password length below %d "
		    "(%ld): raise minimum_length to %d or more", PW_CIS_LENGTH,
		    v[PW_LENGTH], PW_CIS_LENGTH);
	if (v[PW_REUSE] < PW_CIS_REUSE)
		check_capture_note(cc, CHECK_ID, "reuse prevention below %d: "
		    "set reuse_prevention to %d", PW_CIS_REUSE, PW_CIS_REUSE);
	if (!v[PW_SYMBOLS] || !v[PW_NUMBERS] || !v[PW_UPPER] || !v[PW_LOWER])
		check_capture_note(cc, CHECK_ID, "not every character class "
		    "is required: consider require_symbols, require_numbers, "
		    "require_uppercase and require_lowercase");
}

/* A number the baseline could not say (reuse prevention 0) is left
 * out: it then asks for nothing weaker than what is there. */
static void
check_iam_pw_in_range(long *v)
{
	size_t	i;

	for (i = 0; i < PW_NFIELDS; i++)
		if (pw_descs[i].kind != PW_REQUIRED && v[i] >= 0 &&
		    (v[i] < pw_descs[i].min || v[i] > pw_descs[i].max))
			v[i] = -1;
}

static void
check_iam_pw_capture_cb(const struct aws_result *res,
    const struct iam_password_policy *p, void *arg)
{
	struct check_iam_pw_run	*r = arg;
	const char		*err = NULL;

	r->pager = NULL;
	if (res->result != 0 && res->code != NULL &&
	    strcmp(res->code, "NoSuchEntity") == 0)
		check_capture_note(r->cc, CHECK_ID, "the account has no "
		    "password policy: set one (at least %d characters, reuse "
		    "prevention %d) and add \"password_policy\" to the iam "
		    "section", PW_CIS_LENGTH, PW_CIS_REUSE);
	else if (res->result != 0) {
		err = aws_result_describe(res);
		check_capture_unread(r->cc, CHECK_ID, err);
	} else {
		r->into->set = 1;
		check_iam_pw_live(p, r->into->v);
		check_iam_pw_in_range(r->into->v);
		check_iam_pw_advise(r->cc, r->into->v);
	}
	check_part_done(r->wait, err);
}

static struct check_run *
check_iam_pw_capture(struct check_capture *cc, void *part,
    struct check_part_wait *w)
{
	struct check_iam_pw_run	*r;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_pw_run_free;
	r->cc = cc;
	r->wait = w;
	r->into = part;
	if ((r->pager = aws_iam_get_account_password_policy(
	    check_capture_aws(cc), check_iam_pw_capture_cb, r)) == NULL) {
		check_capture_unread(cc, CHECK_ID, "cannot start the IAM call");
		check_part_done(w, "cannot start the IAM call");
	}
	return &r->run;
}

/* The baseline: "password_policy": { field: value, ... }. */

static int
check_iam_pw_value(struct baseline_ctx *ctx, struct json_object *val,
    const struct pw_desc *d, long *out)
{
	int64_t	n;

	if (d->kind == PW_REQUIRED) {
		if (!json_object_is_type(val, json_type_boolean))
			return baseline_fail(ctx, "expected true or false");
		*out = json_object_get_boolean(val) ? 1 : 0;
		return 0;
	}
	if (!json_object_is_type(val, json_type_int) ||
	    (n = json_object_get_int64(val)) < d->min || n > d->max)
		return baseline_fail(ctx, "expected a whole number from %ld "
		    "to %ld", d->min, d->max);
	*out = (long)n;
	return 0;
}

/* What baseline_walk hands each field's parser: its description and
 * where its value goes. */
struct pw_slot {
	const struct pw_desc	*d;
	long			*out;
};

static int
check_iam_pw_field(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct pw_slot	*slot = field;

	return check_iam_pw_value(ctx, val, slot->d, slot->out);
}

static int
check_iam_pw_parse(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_iam_pw_section	*sec = field;
	struct baseline_field		 fields[PW_NFIELDS + 1];
	struct pw_slot			 slots[PW_NFIELDS];
	size_t				 i;

	memset(fields, 0, sizeof(fields));
	for (i = 0; i < PW_NFIELDS; i++) {
		slots[i].d = &pw_descs[i];
		slots[i].out = &sec->v[i];
		fields[i].key = pw_descs[i].key;
		fields[i].parse = check_iam_pw_field;
		fields[i].off = i * sizeof(struct pw_slot);
	}
	sec->set = 1;
	return baseline_walk(ctx, val, fields, slots);
}

static const struct baseline_field check_iam_pw_fields[] = {
	{ "password_policy", check_iam_pw_parse, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_iam_pw_init(void *part)
{
	struct check_iam_pw_section	*sec = part;
	size_t				 i;

	for (i = 0; i < PW_NFIELDS; i++)
		sec->v[i] = -1;
}

static void
check_iam_pw_to_json(struct json_object *o, const void *part)
{
	const struct check_iam_pw_section	*sec = part;
	struct json_object			*pp, *v;
	size_t					 i;

	if (!sec->set)
		return;
	pp = baseline_json_object();
	for (i = 0; i < PW_NFIELDS; i++) {
		if (sec->v[i] < 0)
			continue;
		v = pw_descs[i].kind == PW_REQUIRED ?
		    json_object_new_boolean(sec->v[i] == 1) :
		    json_object_new_int64(sec->v[i]);
		baseline_json_add(pp, pw_descs[i].key, xnonnull(v,
		    "json_object_new"));
	}
	baseline_json_add(o, "password_policy", pp);
}

const struct check_part check_iam_password_part = {
	.name = CHECK_ID,
	.fields = check_iam_pw_fields,
	.size = sizeof(struct check_iam_pw_section),
	.init = check_iam_pw_init,
	.to_json = check_iam_pw_to_json,
	.start = check_iam_pw_start,
	.capture = check_iam_pw_capture,
};
