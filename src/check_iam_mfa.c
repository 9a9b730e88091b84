/*
 * iam.user_mfa, a part of the iam family (check_iam.c): every IAM user
 * with a console password (but the baseline's exempt ones) has an MFA
 * device.  ListUsers and the credential report (password_enabled), then
 * ListMFADevices, live, for each user with a password, a few at a time.
 * A user the report does not list yet (created since) is checked as if
 * it had a password; when the report cannot be read, a user without MFA
 * is unknown, not drift.
 * Baseline: "iam": { "user_mfa": true, "mfa_exempt_users": ["ci-bot"] }.
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
#include "driftwatch/credreport.h"
#include "check_iam.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

#define CHECK_ID	"iam.user_mfa"
#define IAM_PARALLEL	4
#define IAM_MAX_EXEMPT	1000

struct check_iam_section {
	enum tristate	  user_mfa;
	char		**exempt;	/* mfa_exempt_users */
	size_t		  nexempt;
};

struct check_iam_run;

struct check_iam_slot {
	struct check_iam_run		*run;
	struct aws_pager	*pager;
	size_t			 user;
};

struct check_iam_run {
	struct check_run	 run;
	struct check_pass	*pass;
	const struct check_iam_section	*want;
	struct aws_pager	*list;
	struct credreport_wait	*crwait;
	int			 waiting;	/* ListUsers, the report */
	char			**nopw;		/* no console password */
	size_t			 nnopw;
	char			*cr_error;	/* why no report */
	char			**users;
	size_t			 nusers;
	size_t			 next;
	size_t			 in_flight;
	char			*error;		/* first failure, if any */
	struct check_iam_slot		 slots[IAM_PARALLEL];
};

static void
check_iam_run_free(struct check_run *run)
{
	struct check_iam_run	*r = (struct check_iam_run *)run;
	size_t		 i;

	aws_pager_cancel(r->list);
	credreport_cancel(r->crwait);
	for (i = 0; i < r->nnopw; i++)
		free(r->nopw[i]);
	free(r->nopw);
	free(r->cr_error);
	for (i = 0; i < IAM_PARALLEL; i++)
		aws_pager_cancel(r->slots[i].pager);
	for (i = 0; i < r->nusers; i++)
		free(r->users[i]);
	free(r->users);
	free(r->error);
	free(r);
}

static void
check_iam_fail(struct check_iam_run *r, const char *why)
{
	if (r->error == NULL)
		r->error = xstrdup(why);
}

static int
check_iam_exempt(const struct check_iam_section *sec, const char *user)
{
	size_t	i;

	for (i = 0; i < sec->nexempt; i++)
		if (strcmp(sec->exempt[i], user) == 0)
			return 1;
	return 0;
}

static void	check_iam_fill(struct check_iam_run *);

static void
check_iam_mfa_cb(const struct aws_result *res, const struct iam_mfas *m,
    void *arg)
{
	struct check_iam_slot		*s = arg;
	struct check_iam_run		*r = s->run;
	struct finding_obs	 obs;
	char			 title[200], why[800];
	const char		*user = r->users[s->user];

	s->pager = NULL;
	r->in_flight--;
	if (res->result != 0)
		check_iam_fail(r, aws_result_describe(res));
	else if (m->n == 0 && r->cr_error != NULL) {
		snprintf(why, sizeof(why), "cannot tell whether %s, without "
		    "MFA, has a console password: %s", user, r->cr_error);
		check_iam_fail(r, why);
	} else {
		snprintf(title, sizeof(title), "IAM user %s has no MFA device",
		    user);
		memset(&obs, 0, sizeof(obs));
		obs.check = CHECK_ID;
		obs.resource = user;
		obs.severity = SEV_HIGH;
		obs.state = m->n > 0 ? FINDING_OK : FINDING_DRIFT;
		obs.title = title;
		obs.expected = "an MFA device";
		obs.actual = m->n > 0 ? "an MFA device" : "no MFA device";
		check_observe(r->pass, &obs);
	}
	check_iam_fill(r);
}

/* Keeps up to IAM_PARALLEL calls in flight; ends the check after the last. */
static void
check_iam_fill(struct check_iam_run *r)
{
	size_t	i;

	for (i = 0; i < IAM_PARALLEL && r->next < r->nusers; i++) {
		if (r->slots[i].pager != NULL)
			continue;
		r->slots[i].run = r;
		r->slots[i].user = r->next++;
		r->slots[i].pager = aws_iam_list_mfa_devices(
		    check_pass_aws(r->pass), r->users[r->slots[i].user],
		    check_iam_mfa_cb, &r->slots[i]);
		if (r->slots[i].pager == NULL)
			check_iam_fail(r, "cannot start the IAM call");
		else
			r->in_flight++;
	}
	if (r->in_flight == 0 && r->next >= r->nusers)
		check_end(r->pass, CHECK_ID, r->error == NULL, r->error);
}

static void
check_iam_keep_users(struct check_iam_run *r, const struct iam_users *u)
{
	size_t	i;

	r->users = xcalloc(u->n + 1, sizeof(char *));
	for (i = 0; i < u->n; i++)
		if (!check_iam_exempt(r->want, u->v[i].name))
			r->users[r->nusers++] = xstrdup(u->v[i].name);
}

static int
check_iam_has_no_password(const struct check_iam_run *r, const char *user)
{
	size_t	i;

	for (i = 0; i < r->nnopw; i++)
		if (strcmp(r->nopw[i], user) == 0)
			return 1;
	return 0;
}

/* A user without a console password needs no MFA: ok, not looked up. */
static void
check_iam_no_password(struct check_iam_run *r, const char *user)
{
	struct finding_obs	obs;
	char			title[200];

	snprintf(title, sizeof(title), "IAM user %s has no MFA device", user);
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = user;
	obs.severity = SEV_HIGH;
	obs.state = FINDING_OK;
	obs.title = title;
	obs.expected = "an MFA device";
	obs.actual = "no console password";
	check_observe(r->pass, &obs);
}

/* Both ListUsers and the report are in: look up who needs MFA. */
static void
check_iam_both(struct check_iam_run *r)
{
	size_t	i, n = 0;

	if (--r->waiting > 0)
		return;
	for (i = 0; i < r->nusers; i++) {
		if (check_iam_has_no_password(r, r->users[i])) {
			check_iam_no_password(r, r->users[i]);
			free(r->users[i]);
		} else
			r->users[n++] = r->users[i];
	}
	r->nusers = n;
	check_iam_fill(r);
}

static void
check_iam_report_cb(const struct credreport_data *d, const char *error,
    void *arg)
{
	struct check_iam_run		*r = arg;
	const struct credreport_row	*row;
	size_t				 i;
	int				 on;

	r->crwait = NULL;
	if (error != NULL)
		xasprintf(&r->cr_error, "credential report: %s", error);
	for (i = 0; d != NULL && (row = credreport_row_at(d, i)) != NULL;
	    i++) {
		if (credreport_bool(credreport_value(d, row,
		    "password_enabled"), &on) != CREDREPORT_VALUE || on)
			continue;
		r->nopw = xreallocarray(r->nopw, r->nnopw + 1,
		    sizeof(*r->nopw));
		r->nopw[r->nnopw++] = xstrdup(credreport_user(d, row));
	}
	check_iam_both(r);
}

static void
check_iam_users_cb(const struct aws_result *res, const struct iam_users *u,
    void *arg)
{
	struct check_iam_run	*r = arg;

	r->list = NULL;
	if (res->result != 0) {
		check_end(r->pass, CHECK_ID, 0, aws_result_describe(res));
		return;
	}
	check_iam_keep_users(r, u);
	check_iam_both(r);
}

static struct check_run *
check_iam_start(struct check_pass *p, const void *part)
{
	const struct check_iam_section	*sec = part;
	struct check_iam_run		*r;

	if (sec->user_mfa != TRI_TRUE)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_run_free;
	r->pass = p;
	r->want = sec;
	check_begin(p, CHECK_ID);
	if ((r->list = aws_iam_list_users(check_pass_aws(p), check_iam_users_cb,
	    r)) == NULL) {
		check_end(p, CHECK_ID, 0, "cannot start the IAM call");
		return &r->run;
	}
	r->waiting = 2;
	r->crwait = credreport_get(check_pass_credreport(p), check_pass_aws(p),
	    check_iam_report_cb, r);
	return &r->run;
}

/*
 * capture: "user_mfa": true, and each user with a console password and
 * no MFA (the credential report's mfa_active) exempted, with a note.
 */

struct check_iam_cap {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_iam_section	*sec;
	struct check_part_wait		*pw;
	struct credreport_wait		*wait;
};

static void
check_iam_cap_exempt(struct check_iam_cap *c, const char *user)
{
	struct check_iam_section	*sec = c->sec;

	sec->exempt = xreallocarray(sec->exempt, sec->nexempt + 1,
	    sizeof(*sec->exempt));
	sec->exempt[sec->nexempt++] = xstrdup(user);
	check_capture_note(c->cc, CHECK_ID, "%s has a console password and "
	    "no MFA: exempted; add an MFA device and remove it from "
	    "mfa_exempt_users", user);
}

static void
check_iam_cap_cb(const struct credreport_data *d, const char *error,
    void *arg)
{
	struct check_iam_cap		*c = arg;
	const struct credreport_row	*row;
	const char			*user;
	size_t				 i;
	int				 pw, mfa;

	c->wait = NULL;
	if (error != NULL) {
		check_capture_unread(c->cc, CHECK_ID, error);
		check_part_done(c->pw, error);
		return;
	}
	c->sec->user_mfa = TRI_TRUE;
	for (i = 0; (row = credreport_row_at(d, i)) != NULL; i++) {
		user = credreport_user(d, row);
		if (strcmp(user, CREDREPORT_ROOT) == 0)
			continue;
		if (credreport_bool(credreport_value(d, row,
		    "password_enabled"), &pw) != CREDREPORT_VALUE || !pw)
			continue;
		if (credreport_bool(credreport_value(d, row, "mfa_active"),
		    &mfa) == CREDREPORT_VALUE && mfa)
			continue;
		check_iam_cap_exempt(c, user);
	}
	check_part_done(c->pw, NULL);
}

static void
check_iam_cap_free(struct check_run *run)
{
	struct check_iam_cap	*c = (struct check_iam_cap *)run;

	credreport_cancel(c->wait);
	free(c);
}

static struct check_run *
check_iam_capture(struct check_capture *cc, void *part,
    struct check_part_wait *pw)
{
	struct check_iam_cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_iam_cap_free;
	c->cc = cc;
	c->sec = part;
	c->pw = pw;
	c->wait = credreport_get(check_capture_credreport(cc),
	    check_capture_aws(cc), check_iam_cap_cb, c);
	return &c->run;
}

/* The baseline section. */

/* An IAM user name, listed once. */
static int
check_iam_parse_user(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct check_iam_section	*sec = arg;
	const char			*s = baseline_str(val);
	size_t				 j;

	if (s == NULL || !baseline_all_of(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-", 1, 64))
		return baseline_fail(ctx, "expected an IAM user name");
	for (j = 0; j < i; j++)
		if (strcmp(sec->exempt[j], s) == 0)
			return baseline_fail(ctx, "\"%s\" is listed twice "
			    "(also at [%zu])", s, j);
	sec->exempt[i] = xstrdup(s);
	return 0;
}

static int
check_iam_parse_users(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_iam_section	*sec = field;
	size_t				 n;
	int				 r;

	if ((r = baseline_array(ctx, val, IAM_MAX_EXEMPT, &n)) != 0)
		return r;
	sec->exempt = xcalloc(n, sizeof(char *));
	sec->nexempt = n;
	return baseline_each(ctx, val, check_iam_parse_user, sec);
}

static const struct baseline_field check_iam_fields[] = {
	{ "user_mfa", baseline_tristate,
	    offsetof(struct check_iam_section, user_mfa), 0 },
	{ "mfa_exempt_users", check_iam_parse_users, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_iam_free(void *part)
{
	struct check_iam_section	*sec = part;
	size_t				 i;

	for (i = 0; i < sec->nexempt; i++)
		free(sec->exempt[i]);
	free(sec->exempt);
}

static void
check_iam_init(void *part)
{
	struct check_iam_section	*sec = part;

	sec->user_mfa = TRI_UNSET;
}

static void
check_iam_to_json(struct json_object *o, const void *part)
{
	const struct check_iam_section	*sec = part;
	struct json_object		*a;
	size_t				 i;

	baseline_json_tristate(o, "user_mfa", sec->user_mfa);
	if (sec->exempt == NULL)
		return;
	a = baseline_json_array();
	for (i = 0; i < sec->nexempt; i++)
		baseline_json_append(a, xnonnull(json_object_new_string(
		    sec->exempt[i]), "json_object_new_string"));
	baseline_json_add(o, "mfa_exempt_users", a);
}

int
check_iam_user_mfa_exempt(const struct baseline *bl, const char *user)
{
	const struct check_iam_section	*sec;

	sec = check_parts_get(baseline_section(bl, &check_family_iam),
	    &check_iam_mfa_part);
	return sec != NULL && user != NULL && check_iam_exempt(sec, user);
}

const struct check_part check_iam_mfa_part = {
	.name = "iam.user_mfa",
	.fields = check_iam_fields,
	.size = sizeof(struct check_iam_section),
	.init = check_iam_init,
	.free = check_iam_free,
	.to_json = check_iam_to_json,
	.start = check_iam_start,
	.capture = check_iam_capture,
};
