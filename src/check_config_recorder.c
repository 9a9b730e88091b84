/*
 * config.recorder, a part of the config family (check_config.c): in each
 * region a configuration recorder exists, is recording (its last status
 * not Failure), records every supported resource type and the global
 * ones (IAM), and a delivery channel exists.  Three calls per region at
 * once: DescribeConfigurationRecorders, ...RecorderStatus and
 * DescribeDeliveryChannels.
 * Baseline: "config": { "recorder": true } or { "recorder": {
 * "all_supported": true, "include_global_resource_types": true,
 * "delivery_channel": true } }, where include_global_resource_types may
 * name the one region that records global types (AWS's advice).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "driftwatch/aws_config.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_config.h"
#include "driftwatch/region.h"
#include "driftwatch/xmalloc.h"

#define CHECK_ID	"config.recorder"
#define REC_CALLS	3

struct check_cfg_rec {
	int		 set;		/* the baseline has "recorder" */
	enum tristate	 all_supported;
	enum tristate	 include_global;
	char		*global_region;	/* NULL: in every region */
	enum tristate	 delivery_channel;
};

/* What capture prefers: a recorder of everything. */
static const struct check_cfg_rec check_cfg_rec_all = {
	1, TRI_TRUE, TRI_TRUE, NULL, TRI_TRUE
};

/* One recorder as a region answered, with its status. */
struct check_cfg_rec_seen {
	char	*recorder;		/* NULL: none */
	int	 all_supported;
	int	 include_global;
	size_t	 ntypes;
	int	 have_status;
	int	 recording;
	char	*last_status;
	char	*last_error;
	size_t	 nchannels;
};

struct check_cfg_rec_run;

struct check_cfg_rec_region {
	struct check_cfg_rec_run	*run;
	const char			*region;
	struct aws_pager		*pg[REC_CALLS];
	int				 pending;
	struct check_cfg_rec_seen	*recs;	/* every recorder there */
	size_t				 nrecs;
	struct check_cfg_rec_seen	*sts;	/* statuses, by recorder */
	size_t				 nsts;
	size_t				 nchannels;
	struct check_cfg_rec_seen	 seen;	/* the one judged */
	char				*error;
};

struct check_cfg_rec_run {
	struct check_run		 run;
	struct check_pass		*pass;
	const struct check_cfg_rec	*want;
	struct check_cfg_rec_region	*regions;
	size_t				 nregions;
	size_t				 pending;
	char				*error;
	const char			*def_region;
	/* capture: where the section goes */
	struct check_capture		*cc;
	struct check_cfg_rec		*out;
	struct check_part_wait		*wait;
};

static void	check_cfg_rec_captured(struct check_cfg_rec_run *,
		    struct check_cfg_rec_region *);

static void
check_cfg_rec_seen_free(struct check_cfg_rec_seen *s)
{
	free(s->recorder);
	free(s->last_status);
	free(s->last_error);
}

static void
check_cfg_rec_run_free(struct check_run *run)
{
	struct check_cfg_rec_run	*r = (struct check_cfg_rec_run *)run;
	size_t				 i, j;

	for (i = 0; i < r->nregions; i++) {
		for (j = 0; j < REC_CALLS; j++)
			aws_pager_cancel(r->regions[i].pg[j]);
		for (j = 0; j < r->regions[i].nrecs; j++)
			check_cfg_rec_seen_free(&r->regions[i].recs[j]);
		for (j = 0; j < r->regions[i].nsts; j++)
			check_cfg_rec_seen_free(&r->regions[i].sts[j]);
		free(r->regions[i].recs);
		free(r->regions[i].sts);
		free(r->regions[i].error);
	}
	free(r->regions);
	free(r->error);
	free(r);
}

static void
check_cfg_rec_add(char *buf, size_t len, const char *what)
{
	snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
	    buf[0] ? ", " : "", what);
}

/* The one-line expectation, from the baseline. */
static void
check_cfg_rec_expected(const struct check_cfg_rec *w, const char *region,
    char *buf, size_t len)
{
	buf[0] = '\0';
	check_cfg_rec_add(buf, len, "a configuration recorder, recording");
	if (w->all_supported != TRI_UNSET)
		check_cfg_rec_add(buf, len, w->all_supported ?
		    "all supported resource types" : "selected resource types");
	if (w->include_global != TRI_UNSET && (w->global_region == NULL ||
	    strcmp(w->global_region, region) == 0))
		check_cfg_rec_add(buf, len, w->include_global ?
		    "global resource types included" :
		    "global resource types left out");
	if (w->delivery_channel != TRI_UNSET)
		check_cfg_rec_add(buf, len, w->delivery_channel ?
		    "a delivery channel" : "no delivery channel");
}

/* What differs from the baseline; "" when nothing does. */
static void
check_cfg_rec_diff(const struct check_cfg_rec *w, const char *region,
    const struct check_cfg_rec_seen *s, char *buf, size_t len)
{
	char	what[300];

	buf[0] = '\0';
	if (s->recorder == NULL)
		check_cfg_rec_add(buf, len, "no configuration recorder");
	else if (!s->recording)
		check_cfg_rec_add(buf, len, "recorder stopped");
	if (s->recorder != NULL && s->last_status != NULL &&
	    strcasecmp(s->last_status, "Failure") == 0) {
		snprintf(what, sizeof(what), "last status FAILURE%s%s",
		    s->last_error ? " " : "", s->last_error ? s->last_error : "");
		check_cfg_rec_add(buf, len, what);
	}
	if (s->recorder != NULL && w->all_supported != TRI_UNSET &&
	    (s->all_supported == 1) != (w->all_supported == TRI_TRUE)) {
		snprintf(what, sizeof(what), s->all_supported == 1 ?
		    "all supported resource types" :
		    "only %zu selected resource types", s->ntypes);
		check_cfg_rec_add(buf, len, what);
	}
	if (s->recorder != NULL && w->include_global != TRI_UNSET &&
	    (w->global_region == NULL || strcmp(w->global_region,
	    region) == 0) &&
	    (s->include_global == 1) != (w->include_global == TRI_TRUE))
		check_cfg_rec_add(buf, len, s->include_global == 1 ?
		    "global resource types included" :
		    "global resource types not recorded");
	if (w->delivery_channel != TRI_UNSET &&
	    (s->nchannels > 0) != (w->delivery_channel == TRI_TRUE))
		check_cfg_rec_add(buf, len, s->nchannels > 0 ?
		    "a delivery channel" : "no delivery channel");
}

static void
check_cfg_rec_judge(struct check_cfg_rec_region *g)
{
	struct check_cfg_rec_run	*r = g->run;
	struct finding_obs		 obs;
	char				 expected[400], actual[600];
	char				 title[200];

	check_cfg_rec_expected(r->want, g->region, expected, sizeof(expected));
	check_cfg_rec_diff(r->want, g->region, &g->seen, actual,
	    sizeof(actual));
	snprintf(title, sizeof(title), "AWS Config in %s %s", g->region,
	    actual[0] != '\0' ? "is not recording as the baseline says" :
	    "records as the baseline says");
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = check_config_resource(r->nregions, g->region, NULL);
	obs.severity = SEV_HIGH;
	obs.state = actual[0] == '\0' ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual[0] != '\0' ? actual : expected;
	check_observe(r->pass, &obs);
}

/* How many differences a diff lists. */
static size_t
check_cfg_rec_ndiff(const char *diff)
{
	size_t	n = diff[0] != '\0';

	while ((diff = strstr(diff, ", ")) != NULL) {
		n++;
		diff += 2;
	}
	return n;
}

/*
 * Judges the recorder that differs least from the baseline (the first
 * of those): besides the account's own, a region may hold recorders
 * that AWS services manage.  The seen borrows recs' and sts' strings.
 */
static void
check_cfg_rec_pick(struct check_cfg_rec_region *g,
    const struct check_cfg_rec *w)
{
	struct check_cfg_rec_seen	 s;
	char				 diff[600];
	size_t				 i, j, n, best = (size_t)-1;

	memset(&g->seen, 0, sizeof(g->seen));
	g->seen.nchannels = g->nchannels;
	for (i = 0; i < g->nrecs; i++) {
		s = g->recs[i];
		s.nchannels = g->nchannels;
		for (j = 0; j < g->nsts; j++)
			if (strcmp(g->sts[j].recorder, s.recorder) == 0) {
				s.have_status = 1;
				s.recording = g->sts[j].recording;
				s.last_status = g->sts[j].last_status;
				s.last_error = g->sts[j].last_error;
			}
		check_cfg_rec_diff(w, g->region, &s, diff, sizeof(diff));
		if ((n = check_cfg_rec_ndiff(diff)) < best) {
			g->seen = s;
			best = n;
		}
	}
}

static void
check_cfg_rec_region_done(struct check_cfg_rec_region *g)
{
	struct check_cfg_rec_run	*r = g->run;
	char				*why;

	if (--g->pending > 0)
		return;
	if (g->error == NULL)
		check_cfg_rec_pick(g, r->want != NULL ? r->want :
		    &check_cfg_rec_all);
	if (r->cc != NULL) {
		check_cfg_rec_captured(r, g);
		return;
	}
	if (g->error != NULL) {
		if (r->error == NULL) {
			xasprintf(&why, "%s: %s", g->region, g->error);
			r->error = why;
		}
	} else
		check_cfg_rec_judge(g);
	if (--r->pending == 0)
		check_end(r->pass, CHECK_ID, r->error == NULL, r->error);
}

/* 1 if the call failed (and says so), 0 to read its answer. */
static int
check_cfg_rec_failed(struct check_cfg_rec_region *g,
    const struct aws_result *res)
{
	if (res->result == 0 || aws_config_none(res))
		return 0;
	if (g->error == NULL)
		g->error = xstrdup(aws_result_describe(res));
	return 1;
}

static void
check_cfg_rec_recorders_cb(const struct aws_result *res,
    const struct cfg_answer *a, void *arg)
{
	struct check_cfg_rec_region	*g = arg;
	struct check_cfg_rec_seen	*s;
	size_t				 i;

	g->pg[0] = NULL;
	if (!check_cfg_rec_failed(g, res) && a != NULL) {
		g->recs = xcalloc(a->nrecorders + 1, sizeof(*g->recs));
		for (i = 0; i < a->nrecorders; i++, g->nrecs++) {
			s = &g->recs[i];
			s->recorder = xstrdup(a->recorders[i].name);
			s->all_supported = a->recorders[i].all_supported;
			s->include_global = a->recorders[i].include_global;
			s->ntypes = a->recorders[i].nresource_types;
		}
	}
	check_cfg_rec_region_done(g);
}

static void
check_cfg_rec_status_cb(const struct aws_result *res,
    const struct cfg_answer *a, void *arg)
{
	struct check_cfg_rec_region	*g = arg;
	const struct cfg_recorder_status *st;
	struct check_cfg_rec_seen	*s;
	size_t				 i;

	g->pg[1] = NULL;
	if (!check_cfg_rec_failed(g, res) && a != NULL) {
		g->sts = xcalloc(a->nstatuses + 1, sizeof(*g->sts));
		for (i = 0; i < a->nstatuses; i++, g->nsts++) {
			st = &a->statuses[i];
			s = &g->sts[i];
			s->recorder = xstrdup(st->name);
			s->recording = st->recording == 1;
			if (st->last_status != NULL)
				s->last_status = xstrdup(st->last_status);
			if (st->last_error_code != NULL)
				s->last_error = xstrdup(st->last_error_code);
		}
	}
	check_cfg_rec_region_done(g);
}

static void
check_cfg_rec_channels_cb(const struct aws_result *res,
    const struct cfg_answer *a, void *arg)
{
	struct check_cfg_rec_region	*g = arg;

	g->pg[2] = NULL;
	if (!check_cfg_rec_failed(g, res) && a != NULL)
		g->nchannels = a->nchannels;
	check_cfg_rec_region_done(g);
}

static void
check_cfg_rec_region_start(struct check_cfg_rec_region *g,
    struct aws_client *aws)
{
	size_t	i;

	g->pending = REC_CALLS + 1;	/* until all three have started */
	g->pg[0] = aws_config_describe_recorders(aws, g->region,
	    check_cfg_rec_recorders_cb, g);
	g->pg[1] = aws_config_describe_recorder_status(aws, g->region,
	    check_cfg_rec_status_cb, g);
	g->pg[2] = aws_config_describe_delivery_channels(aws, g->region,
	    check_cfg_rec_channels_cb, g);
	for (i = 0; i < REC_CALLS; i++)
		if (g->pg[i] == NULL) {
			if (g->error == NULL)
				g->error = xstrdup("cannot start the Config "
				    "call");
			g->pending--;
		}
	check_cfg_rec_region_done(g);
}

static struct check_run *
check_cfg_rec_start(struct check_pass *p, const void *part)
{
	const struct check_cfg_rec	*w = part;
	struct check_cfg_rec_run	*r;
	const char *const		*regions;
	size_t				 i, n;

	if (!w->set)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_cfg_rec_run_free;
	r->pass = p;
	r->want = w;
	r->def_region = check_pass_region(p);
	regions = check_config_regions(check_pass_baseline(p), &r->def_region,
	    &n);
	r->regions = xcalloc(n, sizeof(*r->regions));
	r->nregions = r->pending = n;
	for (i = 0; i < n; i++) {
		r->regions[i].run = r;
		r->regions[i].region = regions[i];
	}
	check_begin(p, CHECK_ID);
	for (i = 0; i < n; i++)
		check_cfg_rec_region_start(&r->regions[i], check_pass_aws(p));
	return &r->run;
}

/* capture: the recorder as it is in the capture's region. */

static void
check_cfg_rec_captured(struct check_cfg_rec_run *r,
    struct check_cfg_rec_region *g)
{
	const struct check_cfg_rec_seen	*s = &g->seen;
	struct check_cfg_rec		*out = r->out;
	struct check_part_wait		*wait = r->wait;

	r->wait = NULL;
	if (g->error != NULL) {
		check_capture_unread(r->cc, CHECK_ID, g->error);
		check_part_done(wait, g->error);
		return;
	}
	if (s->recorder == NULL || !s->recording) {
		check_capture_note(r->cc, CHECK_ID, "%s in %s: left out; start "
		    "recording all resource types with a delivery channel, "
		    "then add \"recorder\": true", s->recorder == NULL ?
		    "no configuration recorder" : "the recorder is stopped",
		    g->region);
		check_part_done(wait, NULL);
		return;
	}
	out->set = 1;
	out->all_supported = s->all_supported == 1 ? TRI_TRUE : TRI_FALSE;
	out->include_global = s->include_global == 1 ? TRI_TRUE : TRI_FALSE;
	out->delivery_channel = s->nchannels > 0 ? TRI_TRUE : TRI_FALSE;
	if (out->all_supported != TRI_TRUE || out->include_global != TRI_TRUE)
		check_capture_note(r->cc, CHECK_ID, "the recorder in %s records "
		    "%s; record all supported types including global ones "
		    "and set both to true", g->region,
		    out->all_supported != TRI_TRUE ? "only selected types" :
		    "no global resource types");
	if (out->delivery_channel != TRI_TRUE)
		check_capture_note(r->cc, CHECK_ID, "no delivery channel in %s; "
		    "add one and set delivery_channel to true", g->region);
	check_part_done(wait, NULL);
}

static struct check_run *
check_cfg_rec_capture(struct check_capture *cc, void *part,
    struct check_part_wait *wait)
{
	struct check_cfg_rec_run	*r;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_cfg_rec_run_free;
	r->cc = cc;
	r->out = part;
	r->wait = wait;
	r->regions = xcalloc(1, sizeof(*r->regions));
	r->nregions = r->pending = 1;
	r->regions[0].run = r;
	r->regions[0].region = check_capture_region(cc);
	check_cfg_rec_region_start(&r->regions[0], check_capture_aws(cc));
	return &r->run;
}

/* The baseline section. */

static int
check_cfg_rec_parse_global(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_cfg_rec	*w = field;
	const char		*s;

	if (json_object_is_type(val, json_type_boolean))
		return baseline_tristate(ctx, val, &w->include_global);
	if ((s = baseline_str(val)) == NULL || !region_valid(s))
		return baseline_fail(ctx, "expected true, false or the region "
		    "that records global resource types, like \"us-east-1\"");
	w->include_global = TRI_TRUE;
	baseline_set_str(&w->global_region, s);
	return 0;
}

#define REC(f)	offsetof(struct check_cfg_rec, f)

static const struct baseline_field check_cfg_rec_obj_fields[] = {
	{ "all_supported", baseline_tristate, REC(all_supported), 0 },
	{ "include_global_resource_types", check_cfg_rec_parse_global, 0, 0 },
	{ "delivery_channel", baseline_tristate, REC(delivery_channel), 0 },
	{ NULL, NULL, 0, 0 }
};

static int
check_cfg_rec_parse(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_cfg_rec	*w = field;

	w->set = 1;
	if (json_object_is_type(val, json_type_boolean) &&
	    json_object_get_boolean(val)) {
		w->all_supported = w->include_global = TRI_TRUE;
		w->delivery_channel = TRI_TRUE;
		return 0;
	}
	if (!json_object_is_type(val, json_type_object))
		return baseline_fail(ctx, "expected true or an object like "
		    "{\"all_supported\": true, \"include_global_resource_types\""
		    ": true, \"delivery_channel\": true} (leave \"recorder\" "
		    "out not to check it)");
	return baseline_walk(ctx, val, check_cfg_rec_obj_fields, w);
}

static const struct baseline_field check_cfg_rec_fields[] = {
	{ "recorder", check_cfg_rec_parse, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_cfg_rec_init(void *part)
{
	struct check_cfg_rec	*w = part;

	w->all_supported = w->include_global = TRI_UNSET;
	w->delivery_channel = TRI_UNSET;
}

static void
check_cfg_rec_free(void *part)
{
	struct check_cfg_rec	*w = part;

	free(w->global_region);
}

static void
check_cfg_rec_to_json(struct json_object *o, const void *part)
{
	const struct check_cfg_rec	*w = part;
	struct json_object		*r;

	if (!w->set)
		return;
	r = baseline_json_object();
	baseline_json_tristate(r, "all_supported", w->all_supported);
	if (w->global_region != NULL)
		baseline_json_str(r, "include_global_resource_types",
		    w->global_region);
	else
		baseline_json_tristate(r, "include_global_resource_types",
		    w->include_global);
	baseline_json_tristate(r, "delivery_channel", w->delivery_channel);
	baseline_json_add(o, "recorder", r);
}

const struct check_part check_config_recorder_part = {
	.name = CHECK_ID,
	.fields = check_cfg_rec_fields,
	.size = sizeof(struct check_cfg_rec),
	.init = check_cfg_rec_init,
	.free = check_cfg_rec_free,
	.to_json = check_cfg_rec_to_json,
	.start = check_cfg_rec_start,
	.capture = check_cfg_rec_capture,
};
