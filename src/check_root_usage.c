/*
 * root.usage, a part of the root family (check_root.c): the root user's
 * password and access keys were not used after the baseline's cut-off,
 * read from the credential report's <root_account> row.
 * Baseline: "root": { "unused_since": "2026-01-01T00:00:00Z" }.
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
#include "check_root.h"

#define CHECK_ID	"root.usage"

struct check_root_usage_section {
	int	set;
	time_t	since;		/* unused_since */
};

struct check_root_usage_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct credreport_wait	*wait;
	time_t			 since;
};

/* The columns that say when root last used a credential. */
static const struct {
	const char	*column;
	const char	*what;
} check_root_usage_cols[] = {
	{ "password_last_used", "password" },
	{ "access_key_1_last_used_date", "access key 1" },
	{ "access_key_2_last_used_date", "access key 2" },
};
#define NCOLS	(sizeof(check_root_usage_cols) / \
		    sizeof(check_root_usage_cols[0]))

/*
 * What root used after since, as "password 2026-03-04T05:06:07Z" text
 * in used (empty: nothing); the latest use in *last (0: never).  -1
 * with err set when the row cannot be read.
 */
static int
check_root_usage_read(const struct credreport_data *d, time_t since,
    char *used, size_t usedlen, time_t *last, char *err, size_t errlen)
{
	const struct credreport_row	*row;
	const char			*v;
	char				 when[32];
	size_t				 i, n;
	time_t				 t;

	*used = '\0';
	*last = 0;
	if ((row = credreport_find(d, CREDREPORT_ROOT)) == NULL) {
		snprintf(err, errlen, "the credential report has no %s row",
		    CREDREPORT_ROOT);
		return -1;
	}
	for (i = 0; i < NCOLS; i++) {
		v = credreport_value(d, row, check_root_usage_cols[i].column);
		switch (credreport_time(v, &t)) {
		case CREDREPORT_NONE:
			continue;
		case CREDREPORT_BAD:
			snprintf(err, errlen, "credential report: %s %s: %s",
			    CREDREPORT_ROOT, check_root_usage_cols[i].column,
			    v == NULL ? "no such column" : "not a time");
			return -1;
		case CREDREPORT_VALUE:
			break;
		}
		if (t > *last)
			*last = t;
		if (t <= since)
			continue;
		credreport_fmt_time(t, when, sizeof(when));
		n = strlen(used);
		snprintf(used + n, usedlen - n, "%s%s used %s", n ? ", " : "",
		    check_root_usage_cols[i].what, when);
	}
	return 0;
}

static void
check_root_usage_observe(struct check_root_usage_run *r,
    const struct credreport_data *d, const char *used)
{
	struct finding_obs	obs;
	char			since[32], age[64], expected[80];
	char			actual[400];

	credreport_fmt_time(r->since, since, sizeof(since));
	credreport_age(d, aws_client_now(check_pass_aws(r->pass)), age,
	    sizeof(age));
	snprintf(expected, sizeof(expected), "root not used since %s", since);
	if (*used == '\0')
		snprintf(actual, sizeof(actual), "not used since %s (%s)",
		    since, age);
	else
		snprintf(actual, sizeof(actual), "%s (%s)", used, age);
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_CRITICAL;
	obs.state = *used == '\0' ? FINDING_OK : FINDING_DRIFT;
	obs.title = "The root user was used since the baseline's cut-off";
	obs.expected = expected;
	obs.actual = actual;
	check_observe(r->pass, &obs);
}

static void
check_root_usage_cb(const struct credreport_data *d, const char *error,
    void *arg)
{
	struct check_root_usage_run	*r = arg;
	char				 used[300], err[300];
	time_t				 last;

	r->wait = NULL;
	if (error != NULL) {
		snprintf(err, sizeof(err), "credential report: %s", error);
		check_end(r->pass, CHECK_ID, 0, err);
		return;
	}
	if (check_root_usage_read(d, r->since, used, sizeof(used), &last, err,
	    sizeof(err)) != 0) {
		check_end(r->pass, CHECK_ID, 0, err);
		return;
	}
	check_root_usage_observe(r, d, used);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static void
check_root_usage_run_free(struct check_run *run)
{
	struct check_root_usage_run	*r;

	r = (struct check_root_usage_run *)run;

	credreport_cancel(r->wait);
	free(r);
}

static struct check_run *
check_root_usage_start(struct check_pass *p, const void *part)
{
	const struct check_root_usage_section	*sec = part;
	struct check_root_usage_run		*r;

	if (!sec->set)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_root_usage_run_free;
	r->pass = p;
	r->since = sec->since;
	check_begin(p, CHECK_ID);
	r->wait = credreport_get(check_pass_credreport(p), check_pass_aws(p),
	    check_root_usage_cb, r);
	return &r->run;
}

/*
 * capture: the cut-off is the report's GeneratedTime: what root did
 * before is in the report, what it does after is drift; two captures
 * from one report write the same baseline.
 */

struct check_root_usage_cap {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_root_usage_section	*sec;
	struct check_part_wait		*pw;
	struct credreport_wait		*wait;
};

static void
check_root_usage_cap_cb(const struct credreport_data *d, const char *error,
    void *arg)
{
	struct check_root_usage_cap	*c = arg;
	char				 used[300], err[300], when[32];
	time_t				 last;

	c->wait = NULL;
	if (error == NULL && check_root_usage_read(d, 0, used, sizeof(used),
	    &last, err, sizeof(err)) != 0)
		error = err;
	if (error != NULL) {
		check_capture_unread(c->cc, CHECK_ID, error);
		check_part_done(c->pw, error);
		return;
	}
	c->sec->set = 1;
	c->sec->since = credreport_generated(d);
	if (last > c->sec->since)
		c->sec->since = last;
	if (last != 0) {
		credreport_fmt_time(last, when, sizeof(when));
		check_capture_note(c->cc, CHECK_ID, "root was last used %s; "
		    "unused_since is the credential report's time: find out "
		    "why root was used", when);
	}
	check_part_done(c->pw, NULL);
}

static void
check_root_usage_cap_free(struct check_run *run)
{
	struct check_root_usage_cap	*c;

	c = (struct check_root_usage_cap *)run;

	credreport_cancel(c->wait);
	free(c);
}

static struct check_run *
check_root_usage_capture(struct check_capture *cc, void *part,
    struct check_part_wait *pw)
{
	struct check_root_usage_cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_root_usage_cap_free;
	c->cc = cc;
	c->sec = part;
	c->pw = pw;
	c->wait = credreport_get(check_capture_credreport(cc),
	    check_capture_aws(cc), check_root_usage_cap_cb, c);
	return &c->run;
}

/* The baseline section. */

static int
check_root_usage_parse(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_root_usage_section	*sec = field;

	if (credreport_parse_time(baseline_str(val), &sec->since) != 0)
		return baseline_fail(ctx, "expected an ISO 8601 time like "
		    "\"2026-01-01T00:00:00Z\"");
	sec->set = 1;
	return 0;
}

static const struct baseline_field check_root_usage_fields[] = {
	{ "unused_since", check_root_usage_parse, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_root_usage_to_json(struct json_object *o, const void *part)
{
	const struct check_root_usage_section	*sec = part;
	char					 when[32];

	if (!sec->set)
		return;
	credreport_fmt_time(sec->since, when, sizeof(when));
	baseline_json_str(o, "unused_since", when);
}

const struct check_part check_root_usage_part = {
	.name = CHECK_ID,
	.fields = check_root_usage_fields,
	.size = sizeof(struct check_root_usage_section),
	.to_json = check_root_usage_to_json,
	.start = check_root_usage_start,
	.capture = check_root_usage_capture,
};
