/*
 * iam.unused_credentials, a part of the iam family (check_iam.c): no IAM
 * user has a console password or an active access key unused for more
 * than the baseline's days (one never used counts from when it was set
 * or created), from the credential report.  The break-glass user the
 * baseline names is left out: it is meant to lie unused, and its use is
 * an event alert.
 * Baseline: "iam": { "unused_credentials_days": 90 } (CIS: 45).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "driftwatch/credreport.h"
#include "driftwatch/xmalloc.h"
#include "check_iam.h"

#define CHECK_ID	"iam.unused_credentials"
#define DAYS_MAX	3650
#define DAYS_CAPTURED	90	/* the Config rule's default */
#define DAYS_CIS	45

struct check_iam_unused_section {
	int	days;		/* 0: not checked */
};

/* One credential of a row: whether it is on, when last used, and the
 * time a never-used one counts from. */
static const struct {
	const char	*what;
	const char	*active;	/* NULL: password_enabled */
	const char	*used;
	const char	*since;		/* NULL: user_creation_time */
} check_iam_unused_creds[] = {
	{ "password", NULL, "password_last_used", "password_last_changed" },
	{ "access key 1", "access_key_1_active", "access_key_1_last_used_date",
	    "access_key_1_last_rotated" },
	{ "access key 2", "access_key_2_active", "access_key_2_last_used_date",
	    "access_key_2_last_rotated" },
};
#define NCREDS	(sizeof(check_iam_unused_creds) / \
		    sizeof(check_iam_unused_creds[0]))

struct check_iam_unused_user {
	char	text[400];	/* what is unused, for actual */
	long	max_days;	/* the longest unused (-1: none on) */
	char	err[200];	/* the row could not be read */
};

static int
check_iam_unused_bad(struct check_iam_unused_user *u, const char *user,
    const char *column, const char *v)
{
	snprintf(u->err, sizeof(u->err), "credential report: %.64s %s: %s",
	    user, column, v == NULL ? "no such column" : "not a value AWS "
	    "writes");
	return -1;
}

/* How many days credential i of row has lain unused (-1: not on). */
static int
check_iam_unused_cred(const struct credreport_data *d,
    const struct credreport_row *row, size_t i, time_t now, long *days,
    int *never, struct check_iam_unused_user *u)
{
	const char	*user = credreport_user(d, row), *v, *col;
	time_t		 t;
	int		 on;

	*days = -1;
	col = check_iam_unused_creds[i].active ?
	    check_iam_unused_creds[i].active : "password_enabled";
	v = credreport_value(d, row, col);
	if (credreport_bool(v, &on) == CREDREPORT_BAD)
		return check_iam_unused_bad(u, user, col, v);
	if (credreport_bool(v, &on) == CREDREPORT_NONE || !on)
		return 0;
	col = check_iam_unused_creds[i].used;
	v = credreport_value(d, row, col);
	*never = 0;
	switch (credreport_time(v, &t)) {
	case CREDREPORT_BAD:
		return check_iam_unused_bad(u, user, col, v);
	case CREDREPORT_NONE:
		*never = 1;
		col = check_iam_unused_creds[i].since;
		if (credreport_time(credreport_value(d, row, col), &t) !=
		    CREDREPORT_VALUE)
			col = "user_creation_time";
		v = credreport_value(d, row, col);
		if (credreport_time(v, &t) != CREDREPORT_VALUE)
			return check_iam_unused_bad(u, user, col, v);
		break;
	case CREDREPORT_VALUE:
		break;
	}
	*days = now > t ? (long)((now - t) / 86400) : 0;
	return 0;
}

/* Fills u: the credentials of row unused more than limit days. */
static int
check_iam_unused_row(const struct credreport_data *d,
    const struct credreport_row *row, time_t now, long limit,
    struct check_iam_unused_user *u)
{
	size_t	i, n;
	long	days;
	int	never = 0;

	memset(u, 0, sizeof(*u));
	u->max_days = -1;
	for (i = 0; i < NCREDS; i++) {
		if (check_iam_unused_cred(d, row, i, now, &days, &never,
		    u) != 0)
			return -1;
		if (days > u->max_days)
			u->max_days = days;
		if (days <= limit)
			continue;
		n = strlen(u->text);
		snprintf(u->text + n, sizeof(u->text) - n, never ?
		    "%s%s never used, set %ld days ago" :
		    "%s%s unused for %ld days", n ? ", " : "",
		    check_iam_unused_creds[i].what, days);
	}
	return 0;
}

/* The rows checked: IAM users, not root, not the break-glass user. */
static int
check_iam_unused_skip(const struct credreport_data *d,
    const struct credreport_row *row, const char *break_glass)
{
	const char	*user = credreport_user(d, row);

	return strcmp(user, CREDREPORT_ROOT) == 0 ||
	    (break_glass != NULL && strcmp(user, break_glass) == 0);
}

struct check_iam_unused_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct credreport_wait	*wait;
	long			 days;
};

static void
check_iam_unused_observe(struct check_iam_unused_run *r, const char *user,
    const struct check_iam_unused_user *u, const char *age)
{
	struct finding_obs	obs;
	char			title[200], expected[80], actual[500];

	snprintf(title, sizeof(title), "IAM user %s has credentials unused "
	    "for more than %ld days", user, r->days);
	snprintf(expected, sizeof(expected), "no credential unused for more "
	    "than %ld days", r->days);
	snprintf(actual, sizeof(actual), "%s (%s)", *u->text ? u->text :
	    "every credential used recently", age);
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = user;
	obs.severity = SEV_MEDIUM;
	obs.state = *u->text ? FINDING_DRIFT : FINDING_OK;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(r->pass, &obs);
}

static void
check_iam_unused_cb(const struct credreport_data *d, const char *error,
    void *arg)
{
	struct check_iam_unused_run	*r = arg;
	const struct credreport_row	*row;
	struct check_iam_unused_user	 u;
	const char			*bg;
	char				 age[64], err[300] = "";
	time_t				 now;
	size_t				 i;

	r->wait = NULL;
	if (error != NULL) {
		snprintf(err, sizeof(err), "credential report: %s", error);
		check_end(r->pass, CHECK_ID, 0, err);
		return;
	}
	now = aws_client_now(check_pass_aws(r->pass));
	credreport_age(d, now, age, sizeof(age));
	bg = check_iam_break_glass_user(check_pass_baseline(r->pass));
	for (i = 0; (row = credreport_row_at(d, i)) != NULL; i++) {
		if (check_iam_unused_skip(d, row, bg))
			continue;
		if (check_iam_unused_row(d, row, now, r->days, &u) != 0) {
			if (*err == '\0')
				snprintf(err, sizeof(err), "%s", u.err);
			continue;
		}
		check_iam_unused_observe(r, credreport_user(d, row), &u, age);
	}
	check_end(r->pass, CHECK_ID, *err == '\0', *err ? err : NULL);
}

static void
check_iam_unused_run_free(struct check_run *run)
{
	struct check_iam_unused_run	*r;

	r = (struct check_iam_unused_run *)run;

	credreport_cancel(r->wait);
	free(r);
}

static struct check_run *
check_iam_unused_start(struct check_pass *p, const void *part)
{
	const struct check_iam_unused_section	*sec = part;
	struct check_iam_unused_run		*r;

	if (sec->days == 0)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_iam_unused_run_free;
	r->pass = p;
	r->days = sec->days;
	check_begin(p, CHECK_ID);
	r->wait = credreport_get(check_pass_credreport(p), check_pass_aws(p),
	    check_iam_unused_cb, r);
	return &r->run;
}

/*
 * capture: 90 days (the Config rule's default), or more when a user's
 * credentials already lie unused longer, so the captured baseline holds;
 * either way above CIS's 45, which the note says.
 */

struct check_iam_unused_cap {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_iam_unused_section	*sec;
	struct check_part_wait		*pw;
	struct credreport_wait		*wait;
	struct check_iam_unused_user	 u;	/* the row being read */
};

static long
check_iam_unused_needed(struct check_iam_unused_cap *c,
    const struct credreport_data *d, time_t now, const char **err)
{
	const struct credreport_row	*row;
	struct check_iam_unused_user	*u = &c->u;
	long				 need = DAYS_CAPTURED;
	size_t				 i;

	*err = NULL;
	for (i = 0; (row = credreport_row_at(d, i)) != NULL; i++) {
		if (check_iam_unused_skip(d, row, NULL))
			continue;
		if (check_iam_unused_row(d, row, now, DAYS_CAPTURED, u) != 0) {
			*err = u->err;
			return -1;
		}
		if (*u->text == '\0')
			continue;
		check_capture_note(c->cc, CHECK_ID, "%s: %s: remove what is "
		    "not needed and lower unused_credentials_days",
		    credreport_user(d, row), u->text);
		if (u->max_days + 1 > need)
			need = u->max_days + 1;
	}
	return need > DAYS_MAX ? DAYS_MAX : need;
}

static void
check_iam_unused_cap_cb(const struct credreport_data *d, const char *error,
    void *arg)
{
	struct check_iam_unused_cap	*c = arg;
	long				 days = -1;

	c->wait = NULL;
	if (error == NULL)
		days = check_iam_unused_needed(c, d,
		    aws_client_now(check_capture_aws(c->cc)), &error);
	if (days < 0) {
		check_capture_unread(c->cc, CHECK_ID, error);
		check_part_done(c->pw, error);
		return;
	}
	c->sec->days = (int)days;
	check_capture_note(c->cc, CHECK_ID, "unused_credentials_days %ld, "
	    "above %d (CIS): lower it once no credential lies unused that "
	    "long", days, DAYS_CIS);
	check_part_done(c->pw, NULL);
}

static void
check_iam_unused_cap_free(struct check_run *run)
{
	struct check_iam_unused_cap	*c;

	c = (struct check_iam_unused_cap *)run;

	credreport_cancel(c->wait);
	free(c);
}

static struct check_run *
check_iam_unused_capture(struct check_capture *cc, void *part,
    struct check_part_wait *pw)
{
	struct check_iam_unused_cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_iam_unused_cap_free;
	c->cc = cc;
	c->sec = part;
	c->pw = pw;
	c->wait = credreport_get(check_capture_credreport(cc),
	    check_capture_aws(cc), check_iam_unused_cap_cb, c);
	return &c->run;
}

/* The baseline section. */

static int
check_iam_unused_parse(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_iam_unused_section	*sec = field;
	int64_t				 n;

	if (!json_object_is_type(val, json_type_int) ||
	    (n = json_object_get_int64(val)) < 1 || n > DAYS_MAX)
		return baseline_fail(ctx, "expected a number of days, 1 to %d",
		    DAYS_MAX);
	sec->days = (int)n;
	return 0;
}

static const struct baseline_field check_iam_unused_fields[] = {
	{ "unused_credentials_days", check_iam_unused_parse, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_iam_unused_to_json(struct json_object *o, const void *part)
{
	const struct check_iam_unused_section	*sec = part;

	if (sec->days > 0)
		baseline_json_add(o, "unused_credentials_days", xnonnull(
		    json_object_new_int(sec->days), "json_object_new_int"));
}

const struct check_part check_iam_unused_part = {
	.name = CHECK_ID,
	.fields = check_iam_unused_fields,
	.size = sizeof(struct check_iam_unused_section),
	.to_json = check_iam_unused_to_json,
	.start = check_iam_unused_start,
	.capture = check_iam_unused_capture,
};
