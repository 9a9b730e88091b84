/*
 * cloudtrail.trail and cloudtrail.logging: each baseline trail exists
 * with the baseline's settings, and is logging without delivery errors.
 * Every trail is read in its home region: DescribeTrails, then
 * GetTrailStatus.  Baseline: "cloudtrail": { "trails": [ {...} ] }.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "driftwatch/region.h"
#include "driftwatch/xmalloc.h"

#define CHECK_TRAIL	"cloudtrail.trail"
#define CHECK_LOGGING	"cloudtrail.logging"
#define CT_MAX_TRAILS	100

struct check_ct_want {
	char		*name;		/* never NULL */
	char		*home_region;	/* never NULL */
	enum tristate	 multi_region;
	enum tristate	 include_global_service_events;
	enum tristate	 log_file_validation;
	enum tristate	 logging;
	char		*s3_bucket;	/* NULL: not checked */
};

struct check_ct_section {
	struct check_ct_want	*trails;
	size_t			 ntrails;
};

struct check_ct_run;

struct check_ct_one {
	struct check_ct_run			*run;
	const struct check_ct_want	*want;
	struct aws_pager		*pager;
	int				 done;
};

struct check_ct_run {
	struct check_run	 run;
	struct check_pass	*pass;
	struct check_ct_one		*trails;
	size_t			 ntrails;
	size_t			 pending;
	char			*trail_error;
	char			*logging_error;
};

static void
check_ct_run_free(struct check_run *run)
{
	struct check_ct_run	*r = (struct check_ct_run *)run;
	size_t		 i;

	for (i = 0; i < r->ntrails; i++)
		aws_pager_cancel(r->trails[i].pager);
	free(r->trails);
	free(r->trail_error);
	free(r->logging_error);
	free(r);
}

static void
check_ct_error(char **slot, const char *why)
{
	if (*slot == NULL)
		*slot = xstrdup(why);
}

static void
check_ct_one_done(struct check_ct_one *t)
{
	struct check_ct_run	*r = t->run;

	t->pager = NULL;
	t->done = 1;
	if (--r->pending > 0)
		return;
	check_end(r->pass, CHECK_TRAIL, r->trail_error == NULL,
	    r->trail_error);
	check_end(r->pass, CHECK_LOGGING, r->logging_error == NULL,
	    r->logging_error);
}

static void
check_ct_observe(struct check_ct_one *t, const char *check, int ok, const char *title,
    const char *expected, const char *actual)
{
	struct finding_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.check = check;
	obs.resource = t->want->name;
	obs.severity = SEV_CRITICAL;
	obs.state = ok ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(t->run->pass, &obs);
}

/* Appends "what" to the list of differences when want is set and differs. */
static void
check_ct_diff(char *buf, size_t len, const char *what, int want, int got)
{
	if (want == TRI_UNSET || (want != 0) == (got > 0))
		return;
	snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %s",
	    buf[0] ? ", " : "", what, got > 0 ? "on" : "off");
}

static void
check_ct_compare(struct check_ct_one *t, const struct ct_trail *got)
{
	const struct check_ct_want	*w = t->want;
	char				 actual[512] = "", title[200];

	check_ct_diff(actual, sizeof(actual), "multi-region", w->multi_region,
	    got->multi_region);
	check_ct_diff(actual, sizeof(actual), "global service events",
	    w->include_global_service_events, got->global_events);
	check_ct_diff(actual, sizeof(actual), "log file validation",
	    w->log_file_validation, got->log_validation);
	if (w->s3_bucket != NULL && (got->s3_bucket == NULL ||
	    strcmp(w->s3_bucket, got->s3_bucket) != 0))
		snprintf(actual + strlen(actual), sizeof(actual) -
		    strlen(actual), "%sbucket %s", actual[0] ? ", " : "",
		    got->s3_bucket ? got->s3_bucket : "(none)");
	snprintf(title, sizeof(title), "CloudTrail trail %s differs from "
	    "the baseline", w->name);
	check_ct_observe(t, CHECK_TRAIL, actual[0] == '\0', title,
	    "the baseline's trail settings", actual[0] ? actual :
	    "the baseline's trail settings");
}

static void
check_ct_status_cb(const struct aws_result *res, const struct ct_status *st,
    void *arg)
{
	struct check_ct_one	*t = arg;
	char		 title[200], actual[300];
	int		 ok;

	if (res->result != 0) {
		check_ct_error(&t->run->logging_error, aws_result_describe(res));
		check_ct_one_done(t);
		return;
	}
	ok = st->is_logging && (st->latest_delivery_error == NULL ||
	    *st->latest_delivery_error == '\0');
	snprintf(title, sizeof(title), "CloudTrail trail %s is not logging",
	    t->want->name);
	snprintf(actual, sizeof(actual), "%s%s%s",
	    st->is_logging ? "logging" : "not logging",
	    st->latest_delivery_error && *st->latest_delivery_error ?
	    ", delivery error " : "",
	    st->latest_delivery_error ? st->latest_delivery_error : "");
	if (t->want->logging == TRI_FALSE)
		ok = !st->is_logging;
	check_ct_observe(t, CHECK_LOGGING, ok, title, t->want->logging ==
	    TRI_FALSE ? "not logging" : "logging", actual);
	check_ct_one_done(t);
}

static void
check_ct_missing(struct check_ct_one *t)
{
	char	title[200];

	snprintf(title, sizeof(title), "CloudTrail trail %s does not exist",
	    t->want->name);
	check_ct_observe(t, CHECK_TRAIL, 0, title, "the trail exists", "no trail");
	check_ct_observe(t, CHECK_LOGGING, 0, title, "logging", "no trail");
	check_ct_one_done(t);
}

static const struct ct_trail *
check_ct_find(const struct ct_trails *list, const char *name)
{
	size_t	i;

	for (i = 0; i < list->n; i++)
		if (strcmp(list->v[i].name, name) == 0)
			return &list->v[i];
	return NULL;
}

static void
check_ct_trails_cb(const struct aws_result *res, const struct ct_trails *list,
    void *arg)
{
	struct check_ct_one		*t = arg;
	const struct ct_trail	*got;

	t->pager = NULL;
	if (res->result != 0 && res->code != NULL &&
	    strcmp(res->code, "TrailNotFoundException") == 0) {
		check_ct_missing(t);
		return;
	}
	if (res->result != 0) {
		check_ct_error(&t->run->trail_error, aws_result_describe(res));
		check_ct_error(&t->run->logging_error, aws_result_describe(res));
		check_ct_one_done(t);
		return;
	}
	if ((got = check_ct_find(list, t->want->name)) == NULL) {
		check_ct_missing(t);
		return;
	}
	check_ct_compare(t, got);
	t->pager = aws_cloudtrail_get_trail_status(check_pass_aws(t->run->pass),
	    t->want->home_region, got->arn ? got->arn : got->name,
	    check_ct_status_cb, t);
	if (t->pager == NULL) {
		check_ct_error(&t->run->logging_error, "cannot start the call");
		check_ct_one_done(t);
	}
}

static struct check_run *
check_ct_start(struct check_pass *p, const void *section)
{
	const struct check_ct_section	*sec = section;
	struct check_ct_run		*r;
	size_t				 i;

	if (sec->ntrails == 0)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_ct_run_free;
	r->pass = p;
	r->trails = xcalloc(sec->ntrails, sizeof(*r->trails));
	r->ntrails = r->pending = sec->ntrails;
	check_begin(p, CHECK_TRAIL);
	check_begin(p, CHECK_LOGGING);
	for (i = 0; i < sec->ntrails; i++) {
		r->trails[i].run = r;
		r->trails[i].want = &sec->trails[i];
	}
	for (i = 0; i < sec->ntrails; i++) {
		r->trails[i].pager = aws_cloudtrail_describe_trails(
		    check_pass_aws(p), sec->trails[i].home_region,
		    sec->trails[i].name, check_ct_trails_cb, &r->trails[i]);
		if (r->trails[i].pager == NULL) {
			check_ct_error(&r->trail_error, "cannot start the call");
			check_ct_error(&r->logging_error, "cannot start the call");
			check_ct_one_done(&r->trails[i]);
		}
	}
	return &r->run;
}

/* The baseline section. */

static int
check_ct_parse_bucket(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789.-", 3, 63))
		return baseline_fail(ctx, "expected an S3 bucket name like "
		    "\"org-trail-logs-111122223333\"");
	baseline_set_str(field, s);
	return 0;
}

#define CT(f)	offsetof(struct check_ct_want, f)

static const struct baseline_field check_ct_trail_fields[] = {
	{ "name", baseline_name, CT(name), 1 },
	{ "home_region", baseline_region, CT(home_region), 1 },
	{ "multi_region", baseline_tristate, CT(multi_region), 0 },
	{ "include_global_service_events", baseline_tristate,
	    CT(include_global_service_events), 0 },
	{ "log_file_validation", baseline_tristate, CT(log_file_validation),
	    0 },
	{ "s3_bucket", check_ct_parse_bucket, CT(s3_bucket), 0 },
	{ "logging", baseline_tristate, CT(logging), 0 },
	{ NULL, NULL, 0, 0 }
};

/* A trail, whose name is listed once. */
static int
check_ct_parse_trail(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct check_ct_section	*sec = arg;
	struct check_ct_want	*t = &sec->trails[i];
	size_t			 j;
	int			 r;

	t->multi_region = t->include_global_service_events = TRI_UNSET;
	t->log_file_validation = t->logging = TRI_UNSET;
	if ((r = baseline_walk(ctx, val, check_ct_trail_fields, t)) != 0)
		return r;
	for (j = 0; j < i; j++) {
		if (strcmp(sec->trails[j].name, t->name) != 0)
			continue;
		baseline_push(ctx, ".name");
		return baseline_fail(ctx, "trail \"%s\" is listed twice "
		    "(also at [%zu])", t->name, j);
	}
	return 0;
}

static int
check_ct_parse_trails(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_ct_section	*sec = field;
	size_t			 n;
	int			 r;

	if ((r = baseline_array(ctx, val, CT_MAX_TRAILS, &n)) != 0)
		return r;
	sec->trails = xcalloc(n, sizeof(*sec->trails));
	sec->ntrails = n;
	return baseline_each(ctx, val, check_ct_parse_trail, sec);
}

static const struct baseline_field check_ct_fields[] = {
	{ "trails", check_ct_parse_trails, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_ct_free(void *section)
{
	struct check_ct_section	*sec = section;
	size_t			 i;

	if (sec == NULL)
		return;
	for (i = 0; i < sec->ntrails; i++) {
		free(sec->trails[i].name);
		free(sec->trails[i].home_region);
		free(sec->trails[i].s3_bucket);
	}
	free(sec->trails);
	free(sec);
}

static int
check_ct_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	*section = xcalloc(1, sizeof(struct check_ct_section));
	return baseline_walk(ctx, val, check_ct_fields, *section);
}

static struct json_object *
check_ct_trail_to_json(const struct check_ct_want *t)
{
	struct json_object	*o = baseline_json_object();

	baseline_json_str(o, "name", t->name);
	baseline_json_str(o, "home_region", t->home_region);
	baseline_json_tristate(o, "multi_region", t->multi_region);
	baseline_json_tristate(o, "include_global_service_events",
	    t->include_global_service_events);
	baseline_json_tristate(o, "log_file_validation",
	    t->log_file_validation);
	baseline_json_str(o, "s3_bucket", t->s3_bucket);
	baseline_json_tristate(o, "logging", t->logging);
	return o;
}

static struct json_object *
check_ct_to_json(const void *section)
{
	const struct check_ct_section	*sec = section;
	struct json_object		*o = baseline_json_object(), *a;
	size_t				 i;

	if (sec->trails == NULL)
		return o;
	a = baseline_json_array();
	for (i = 0; i < sec->ntrails; i++)
		baseline_json_append(a,
		    check_ct_trail_to_json(&sec->trails[i]));
	baseline_json_add(o, "trails", a);
	return o;
}

size_t
check_cloudtrail_ntrails(const struct baseline *bl)
{
	const struct check_ct_section	*sec;

	sec = baseline_section(bl, &check_family_cloudtrail);
	return sec != NULL ? sec->ntrails : 0;
}

const char *
check_cloudtrail_home_region(const struct baseline *bl, size_t i)
{
	const struct check_ct_section	*sec;

	sec = baseline_section(bl, &check_family_cloudtrail);
	return sec != NULL && i < sec->ntrails ? sec->trails[i].home_region :
	    NULL;
}

/*
 * capture: every trail DescribeTrails shows from the capture's region
 * (its own and, as shadow trails, the multi-region trails of every
 * other region), as it is, and whether it is logging (GetTrailStatus in
 * its home region, by ARN).  Sorted by name, so two captures match.
 */

struct check_ct_capture;

struct check_ct_capone {
	struct check_ct_capture	*c;
	struct check_ct_want	*t;
	char			*arn;
	struct aws_pager	*pager;
};

struct check_ct_capture {
	struct check_run	 run;
	struct check_capture	*cc;
	struct check_ct_section	*sec;
	struct aws_pager	*list;
	struct check_ct_capone	*one;
	size_t			 none;
	size_t			 pending;
};

static void
check_ct_capture_free(struct check_run *run)
{
	struct check_ct_capture	*c = (struct check_ct_capture *)run;
	size_t			 i;

	aws_pager_cancel(c->list);
	for (i = 0; i < c->none; i++) {
		aws_pager_cancel(c->one[i].pager);
		free(c->one[i].arn);
	}
	free(c->one);
	check_ct_free(c->sec);
	free(c);
}

static void
check_ct_capture_end(struct check_ct_capture *c)
{
	struct check_ct_section	*sec = c->sec;

	c->sec = NULL;
	check_capture_done(c->cc, &check_family_cloudtrail, sec);
}

static void
check_ct_capture_one_done(struct check_ct_capture *c)
{
	if (--c->pending == 0)
		check_ct_capture_end(c);
}

static void
check_ct_capture_status_cb(const struct aws_result *res,
    const struct ct_status *st, void *arg)
{
	struct check_ct_capone	*o = arg;
	struct check_ct_capture	*c = o->c;

	o->pager = NULL;
	if (res->result != 0) {
		check_capture_unread(c->cc, CHECK_LOGGING,
		    aws_result_describe(res));
		check_ct_capture_one_done(c);
		return;
	}
	o->t->logging = st->is_logging ? TRI_TRUE : TRI_FALSE;
	if (!st->is_logging)
		check_capture_note(c->cc, CHECK_LOGGING, "trail %s is not "
		    "logging: captured as \"logging\": false; start logging "
		    "and set it to true", o->t->name);
	if (st->latest_delivery_error != NULL &&
	    *st->latest_delivery_error != '\0')
		check_capture_note(c->cc, CHECK_LOGGING, "trail %s has a "
		    "delivery error (%s): check reports drift until the "
		    "trail delivers again", o->t->name,
		    st->latest_delivery_error);
	check_ct_capture_one_done(c);
}

/* Advice on what a well-kept trail has and this one does not. */
static void
check_ct_capture_advise(struct check_capture *cc,
    const struct check_ct_want *t)
{
	if (t->multi_region != TRI_TRUE)
		check_capture_note(cc, CHECK_TRAIL, "trail %s is not "
		    "multi-region: make it so and set multi_region to true",
		    t->name);
	if (t->include_global_service_events != TRI_TRUE)
		check_capture_note(cc, CHECK_TRAIL, "trail %s does not include "
		    "global service events (IAM, STS, sign-ins): turn them on "
		    "and set include_global_service_events to true", t->name);
	if (t->log_file_validation != TRI_TRUE)
		check_capture_note(cc, CHECK_TRAIL, "trail %s has no log file "
		    "validation: turn it on and set log_file_validation to "
		    "true", t->name);
}

static enum tristate
check_ct_tri(int v)
{
	return v < 0 ? TRI_UNSET : v ? TRI_TRUE : TRI_FALSE;
}

/* A trail as the baseline would say it; 0 if it cannot. */
static int
check_ct_capture_take(struct check_ct_want *w, const struct ct_trail *got)
{
	if (got->name == NULL || *got->name == '\0' ||
	    got->home_region == NULL || !region_valid(got->home_region))
		return 0;
	w->name = xstrdup(got->name);
	w->home_region = xstrdup(got->home_region);
	w->multi_region = check_ct_tri(got->multi_region);
	w->include_global_service_events = check_ct_tri(got->global_events);
	w->log_file_validation = check_ct_tri(got->log_validation);
	w->logging = TRI_UNSET;
	if (got->s3_bucket != NULL && baseline_all_of(got->s3_bucket,
	    "abcdefghijklmnopqrstuvwxyz0123456789.-", 3, 63))
		w->s3_bucket = xstrdup(got->s3_bucket);
	return 1;
}

static int
check_ct_trail_cmp(const void *a, const void *b)
{
	const struct ct_trail	*x = *(const struct ct_trail *const *)a;
	const struct ct_trail	*y = *(const struct ct_trail *const *)b;

	return strcmp(x->name, y->name);
}

/* The trails to capture, by name, each name once. */
static size_t
check_ct_capture_sort(const struct ct_trails *list,
    const struct ct_trail **v)
{
	size_t	i, n = 0;

	for (i = 0; i < list->n && n < CT_MAX_TRAILS; i++)
		if (list->v[i].name != NULL)
			v[n++] = &list->v[i];
	qsort(v, n, sizeof(*v), check_ct_trail_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(v[i]->name, v[i - 1]->name) == 0) {
			memmove(&v[i], &v[i + 1], (n - i - 1) * sizeof(*v));
			n--;
			i--;
		}
	return n;
}

static void
check_ct_capture_trails(struct check_ct_capture *c,
    const struct ct_trails *list)
{
	struct check_ct_section	*sec = c->sec;
	const struct ct_trail	**v;
	struct check_ct_capone	*o;
	size_t			 i, n;

	v = xcalloc(list->n + 1, sizeof(*v));
	n = check_ct_capture_sort(list, v);
	sec->trails = xcalloc(n + 1, sizeof(*sec->trails));
	c->one = xcalloc(n + 1, sizeof(*c->one));
	for (i = 0; i < n; i++) {
		if (!check_ct_capture_take(&sec->trails[sec->ntrails], v[i])) {
			check_capture_unread(c->cc, CHECK_TRAIL, "a trail "
			    "without a valid name or home region");
			continue;
		}
		o = &c->one[c->none++];
		o->c = c;
		o->t = &sec->trails[sec->ntrails++];
		o->arn = xstrdup(v[i]->arn != NULL ? v[i]->arn : v[i]->name);
		check_ct_capture_advise(c->cc, o->t);
	}
	free(v);
	if (sec->ntrails == 0) {
		/* no section: `check` then says cloudtrail is not checked */
		free(sec->trails);
		sec->trails = NULL;
		check_capture_note(c->cc, CHECK_TRAIL, "no trail is visible "
		    "from %s: create a multi-region trail, then capture "
		    "again", check_capture_region(c->cc));
	}
	c->pending = c->none + 1;
	for (i = 0; i < c->none; i++) {
		o = &c->one[i];
		o->pager = aws_cloudtrail_get_trail_status(
		    check_capture_aws(c->cc), o->t->home_region, o->arn,
		    check_ct_capture_status_cb, o);
		if (o->pager == NULL) {
			check_capture_unread(c->cc, CHECK_LOGGING,
			    "cannot start the call");
			check_ct_capture_one_done(c);
		}
	}
	check_ct_capture_one_done(c);
}

static void
check_ct_capture_list_cb(const struct aws_result *res,
    const struct ct_trails *list, void *arg)
{
	struct check_ct_capture	*c = arg;

	c->list = NULL;
	if (res->result != 0) {
		check_capture_unread(c->cc, CHECK_TRAIL,
		    aws_result_describe(res));
		check_capture_unread(c->cc, CHECK_LOGGING,
		    aws_result_describe(res));
		check_ct_capture_end(c);
		return;
	}
	check_ct_capture_trails(c, list);
}

static struct check_run *
check_ct_capture(struct check_capture *cc)
{
	struct check_ct_capture	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_ct_capture_free;
	c->cc = cc;
	c->sec = xcalloc(1, sizeof(*c->sec));
	c->list = aws_cloudtrail_describe_trails(check_capture_aws(cc),
	    check_capture_region(cc), NULL, check_ct_capture_list_cb, c);
	if (c->list == NULL) {
		check_capture_unread(cc, CHECK_TRAIL, "cannot start the call");
		check_capture_unread(cc, CHECK_LOGGING,
		    "cannot start the call");
		check_ct_capture_end(c);
	}
	return &c->run;
}

const struct check_family check_family_cloudtrail = {
	.name = "cloudtrail",
	.parse = check_ct_parse,
	.free = check_ct_free,
	.to_json = check_ct_to_json,
	.start = check_ct_start,
	.capture = check_ct_capture,
};
