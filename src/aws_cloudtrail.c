/*
 * AWS CloudTrail (JSON 1.1): trails, their status, and LookupEvents.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/error.h"
#include "driftwatch/evstate.h"

#define CT_PAGE_SIZE	50	/* LookupEvents' maximum */
#define CT_MAX_EVENTS	20000	/* per lookup; more is a flood, not a poll */

struct ct_ctx {
	struct ct_trails	 trails;
	struct ct_status	 status;
	struct ct_events	 events;
	void			(*cb)(void);
	void			*arg;
};

static void
ct_ctx_free(void *p)
{
	struct ct_ctx	*ctx = p;
	size_t		 i;

	for (i = 0; i < ctx->trails.n; i++) {
		free(ctx->trails.v[i].name);
		free(ctx->trails.v[i].arn);
		free(ctx->trails.v[i].home_region);
		free(ctx->trails.v[i].s3_bucket);
	}
	for (i = 0; i < ctx->events.n; i++) {
		free(ctx->events.v[i].event_id);
		free(ctx->events.v[i].event_name);
		free(ctx->events.v[i].cloudtrail_event);
	}
	free(ctx->trails.v);
	free(ctx->events.v);
	free(ctx->status.latest_delivery_error);
	free(ctx);
}

static const char *
ct_str(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static char *
ct_strdup(json_object *o, const char *key)
{
	const char	*s = ct_str(o, key);

	return s != NULL ? strdup(s) : NULL;
}

static int
ct_bool(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v);
}

static struct aws_pager *
ct_start(struct aws_client *cl, const char *region, const char *op,
    json_object *body, aws_page_fn page, aws_pager_done_fn done,
    struct ct_ctx *ctx)
{
	struct aws_pager	*pg = NULL;

	if (ctx != NULL && body != NULL)
		pg = aws_pager_json(cl, &aws_service_cloudtrail, region, op,
		    body, page, done, ctx);
	json_object_put(body);
	if (pg == NULL) {
		if (ctx != NULL)
			ct_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, ct_ctx_free);
	return pg;
}

static struct ct_ctx *
ct_ctx_new(void (*cb)(void), void *arg)
{
	struct ct_ctx	*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->cb = cb;
	ctx->arg = arg;
	ctx->status.is_logging = -1;
	return ctx;
}

static int
ct_trail_add(struct ct_ctx *ctx, json_object *t)
{
	struct ct_trail	*v;

	if (!json_object_is_type(t, json_type_object))
		return -1;
	v = reallocarray(ctx->trails.v, ctx->trails.n + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	ctx->trails.v = v;
	v = &v[ctx->trails.n++];
	memset(v, 0, sizeof(*v));
	v->name = ct_strdup(t, "Name");
	v->arn = ct_strdup(t, "TrailARN");
	v->home_region = ct_strdup(t, "HomeRegion");
	v->s3_bucket = ct_strdup(t, "S3BucketName");
	v->multi_region = ct_bool(t, "IsMultiRegionTrail");
	v->global_events = ct_bool(t, "IncludeGlobalServiceEvents");
	v->log_validation = ct_bool(t, "LogFileValidationEnabled");
	return v->name != NULL ? 0 : -1;
}

static int
ct_trails_page(const struct aws_result *r, void *acc, char **next)
{
	json_object	*list;
	size_t		 i;

	*next = NULL;
	/* AWS always sends the list, empty when no trail matches: an
	 * answer without it is no answer, not "no trail" */
	if (!json_object_object_get_ex(r->json, "trailList", &list) ||
	    !json_object_is_type(list, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(list); i++)
		if (ct_trail_add(acc, json_object_array_get_idx(list, i)) != 0)
			return -1;
	return 0;
}

static void
ct_trails_done(const struct aws_result *r, void *acc)
{
	struct ct_ctx	*ctx = acc;

	((ct_trails_cb)ctx->cb)(r, r->result == 0 ? &ctx->trails : NULL,
	    ctx->arg);
}

struct aws_pager *
aws_cloudtrail_describe_trails(struct aws_client *cl, const char *region,
    const char *name, ct_trails_cb cb, void *arg)
{
	json_object	*body = json_object_new_object(), *names;

	if (body != NULL && name != NULL) {
		names = json_object_new_array();
		json_object_array_add(names, json_object_new_string(name));
		json_object_object_add(body, "trailNameList", names);
	}
	return ct_start(cl, region, "DescribeTrails", body, ct_trails_page,
	    ct_trails_done, ct_ctx_new((void (*)(void))cb, arg));
}

static int
ct_status_page(const struct aws_result *r, void *acc, char **next)
{
	struct ct_ctx	*ctx = acc;

	*next = NULL;
	ctx->status.is_logging = ct_bool(r->json, "IsLogging");
	ctx->status.latest_delivery_error = ct_strdup(r->json,
	    "LatestDeliveryError");
	return ctx->status.is_logging >= 0 ? 0 : -1;
}

static void
ct_status_done(const struct aws_result *r, void *acc)
{
	struct ct_ctx	*ctx = acc;

	((ct_status_cb)ctx->cb)(r, r->result == 0 ? &ctx->status : NULL,
	    ctx->arg);
}

struct aws_pager *
aws_cloudtrail_get_trail_status(struct aws_client *cl, const char *region,
    const char *name, ct_status_cb cb, void *arg)
{
	json_object	*body = json_object_new_object();

	if (body != NULL)
		json_object_object_add(body, "Name",
		    json_object_new_string(name));
	return ct_start(cl, region, "GetTrailStatus", body, ct_status_page,
	    ct_status_done, ct_ctx_new((void (*)(void))cb, arg));
}

static int
ct_event_add(struct ct_ctx *ctx, json_object *e)
{
	struct ct_event	*v;
	json_object	*t;

	if (!json_object_is_type(e, json_type_object) ||
	    ctx->events.n >= CT_MAX_EVENTS)
		return -1;
	v = reallocarray(ctx->events.v, ctx->events.n + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	ctx->events.v = v;
	v = &v[ctx->events.n++];
	memset(v, 0, sizeof(*v));
	v->event_id = ct_strdup(e, "EventId");
	v->event_name = ct_strdup(e, "EventName");
	v->cloudtrail_event = ct_strdup(e, "CloudTrailEvent");
	if (json_object_object_get_ex(e, "EventTime", &t) &&
	    (json_object_is_type(t, json_type_double) ||
	    json_object_is_type(t, json_type_int)))
		v->event_time = (time_t)floor(json_object_get_double(t));
	/* the id names files and log lines: a hostile one fails the page */
	return v->event_id != NULL && evstate_valid_id(v->event_id) &&
	    v->cloudtrail_event != NULL && v->event_time > 0 ? 0 : -1;
}

static int
ct_events_page(const struct aws_result *r, void *acc, char **next)
{
	json_object	*list;
	const char	*tok;
	size_t		 i;

	*next = NULL;
	if (!json_object_object_get_ex(r->json, "Events", &list) ||
	    !json_object_is_type(list, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(list); i++)
		if (ct_event_add(acc, json_object_array_get_idx(list, i)) != 0)
			return -1;
	if ((tok = ct_str(r->json, "NextToken")) != NULL && *tok != '\0' &&
	    (*next = strdup(tok)) == NULL)
		return -1;
	return 0;
}

static void
ct_events_done(const struct aws_result *r, void *acc)
{
	struct ct_ctx	*ctx = acc;

	((ct_events_cb)ctx->cb)(r, r->result == 0 ? &ctx->events : NULL,
	    ctx->arg);
}

static json_object *
ct_lookup_body(const char *key, const char *value, time_t start, time_t end)
{
	json_object	*body, *attrs, *attr;

	if ((body = json_object_new_object()) == NULL)
		return NULL;
	if (key != NULL) {
		attrs = json_object_new_array();
		attr = json_object_new_object();
		json_object_object_add(attr, "AttributeKey",
		    json_object_new_string(key));
		json_object_object_add(attr, "AttributeValue",
		    json_object_new_string(value));
		json_object_array_add(attrs, attr);
		json_object_object_add(body, "LookupAttributes", attrs);
	}
	json_object_object_add(body, "StartTime", json_object_new_int64(start));
	json_object_object_add(body, "EndTime", json_object_new_int64(end));
	json_object_object_add(body, "MaxResults",
	    json_object_new_int(CT_PAGE_SIZE));
	return body;
}

struct aws_pager *
aws_cloudtrail_lookup_events(struct aws_client *cl, const char *region,
    const char *key, const char *value, time_t start, time_t end,
    struct aws_ratelimit *rl, ct_events_cb cb, void *arg)
{
	struct aws_pager	*pg;

	pg = ct_start(cl, region, "LookupEvents",
	    ct_lookup_body(key, value, start, end), ct_events_page,
	    ct_events_done, ct_ctx_new((void (*)(void))cb, arg));
	if (pg != NULL) {
		aws_pager_set_ratelimit(pg, rl);
		aws_pager_set_max_pages(pg, CT_MAX_EVENTS / CT_PAGE_SIZE);
	}
	return pg;
}
