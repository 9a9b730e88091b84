/*
 * AWS Config (JSON 1.1): the five read calls the config checks make.
 * An answer without its list is no answer (DW_EPARSE), never "none".
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_config.h"
#include "driftwatch/xmalloc.h"

/* Items in one answer: Config allows 1000 rules a region. */
#define CFG_MAX_ITEMS	5000

struct cfg_ctx {
	struct cfg_answer	 a;
	cfg_cb			 cb;
	void			*arg;
};

static void
cfg_ctx_free(void *p)
{
	struct cfg_ctx		*ctx = p;
	struct cfg_answer	*a = &ctx->a;
	size_t			 i;

	for (i = 0; i < a->nrecorders; i++)
		free(a->recorders[i].name);
	for (i = 0; i < a->nstatuses; i++) {
		free(a->statuses[i].name);
		free(a->statuses[i].last_status);
		free(a->statuses[i].last_error_code);
	}
	for (i = 0; i < a->nchannels; i++)
		free(a->channels[i]);
	for (i = 0; i < a->nrules; i++) {
		free(a->rules[i].name);
		free(a->rules[i].owner);
		free(a->rules[i].source_id);
		free(a->rules[i].state);
	}
	for (i = 0; i < a->ncompliance; i++) {
		free(a->compliance[i].rule);
		free(a->compliance[i].type);
	}
	free(a->recorders);
	free(a->statuses);
	free(a->channels);
	free(a->rules);
	free(a->compliance);
	free(ctx);
}

static json_object *
cfg_get(json_object *o, const char *key, json_type type)
{
	json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A copy of a non-empty string member, or NULL. */
static char *
cfg_str(json_object *o, const char *key)
{
	json_object	*v = cfg_get(o, key, json_type_string);

	if (v == NULL || json_object_get_string_len(v) == 0)
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static int
cfg_bool(json_object *o, const char *key)
{
	json_object	*v = cfg_get(o, key, json_type_boolean);

	return v != NULL ? json_object_get_boolean(v) : -1;
}

/* The page's list under key, checked to hold only objects. */
static json_object *
cfg_list(const struct aws_result *r, const char *key, size_t have)
{
	json_object	*list = cfg_get(r->json, key, json_type_array);
	size_t		 i, n;

	if (list == NULL)
		return NULL;
	n = json_object_array_length(list);
	if (have + n > CFG_MAX_ITEMS)
		return NULL;
	for (i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(list, i),
		    json_type_object))
			return NULL;
	return list;
}

/* The next page's token: 0, or -1 when it is not a string. */
static int
cfg_next(const struct aws_result *r, char **next)
{
	json_object	*v;

	*next = NULL;
	if (!json_object_object_get_ex(r->json, "NextToken", &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	if (json_object_get_string_len(v) > 0)
		*next = xstrdup(json_object_get_string(v));
	return 0;
}

static int
cfg_recorders_page(const struct aws_result *r, void *acc, char **next)
{
	struct cfg_answer	*a = &((struct cfg_ctx *)acc)->a;
	struct cfg_recorder	*v;
	json_object		*list, *o, *g, *types;
	size_t			 i, n;

	*next = NULL;
	if ((list = cfg_list(r, "ConfigurationRecorders", 0)) == NULL)
		return -1;
	n = json_object_array_length(list);
	a->recorders = xcalloc(n + 1, sizeof(*a->recorders));
	for (i = 0; i < n; i++) {
		/* counted first: a bad entry's strings are freed too */
		v = &a->recorders[a->nrecorders++];
		o = json_object_array_get_idx(list, i);
		g = cfg_get(o, "recordingGroup", json_type_object);
		v->name = cfg_str(o, "name");
		v->all_supported = cfg_bool(g, "allSupported");
		v->include_global = cfg_bool(g, "includeGlobalResourceTypes");
		types = cfg_get(g, "resourceTypes", json_type_array);
		v->nresource_types = types != NULL ?
		    json_object_array_length(types) : 0;
		if (v->name == NULL)
			return -1;
	}
	return 0;
}

static int
cfg_status_page(const struct aws_result *r, void *acc, char **next)
{
	struct cfg_answer		*a = &((struct cfg_ctx *)acc)->a;
	struct cfg_recorder_status	*v;
	json_object			*list, *o;
	size_t				 i, n;

	*next = NULL;
	if ((list = cfg_list(r, "ConfigurationRecordersStatus", 0)) == NULL)
		return -1;
	n = json_object_array_length(list);
	a->statuses = xcalloc(n + 1, sizeof(*a->statuses));
	for (i = 0; i < n; i++) {
		v = &a->statuses[a->nstatuses++];
		o = json_object_array_get_idx(list, i);
		v->name = cfg_str(o, "name");
		v->recording = cfg_bool(o, "recording");
		v->last_status = cfg_str(o, "lastStatus");
		v->last_error_code = cfg_str(o, "lastErrorCode");
		/* without "recording" it says nothing about recording */
		if (v->name == NULL || v->recording < 0)
			return -1;
	}
	return 0;
}

static int
cfg_channels_page(const struct aws_result *r, void *acc, char **next)
{
	struct cfg_answer	*a = &((struct cfg_ctx *)acc)->a;
	json_object		*list;
	size_t			 i, n;

	*next = NULL;
	if ((list = cfg_list(r, "DeliveryChannels", 0)) == NULL)
		return -1;
	n = json_object_array_length(list);
	a->channels = xcalloc(n + 1, sizeof(*a->channels));
	for (i = 0; i < n; i++)
		if ((a->channels[a->nchannels++] = cfg_str(
		    json_object_array_get_idx(list, i), "name")) == NULL)
			return -1;
	return 0;
}

static int
cfg_rules_page(const struct aws_result *r, void *acc, char **next)
{
	struct cfg_answer	*a = &((struct cfg_ctx *)acc)->a;
	struct cfg_rule		*v;
	json_object		*list, *o, *src;
	size_t			 i, n;

	*next = NULL;
	if ((list = cfg_list(r, "ConfigRules", a->nrules)) == NULL)
		return -1;
	n = json_object_array_length(list);
	a->rules = xreallocarray(a->rules, a->nrules + n + 1,
	    sizeof(*a->rules));
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(list, i);
		src = cfg_get(o, "Source", json_type_object);
		v = &a->rules[a->nrules++];
		v->name = cfg_str(o, "ConfigRuleName");
		v->owner = cfg_str(src, "Owner");
		v->source_id = cfg_str(src, "SourceIdentifier");
		v->state = cfg_str(o, "ConfigRuleState");
		if (v->name == NULL || v->owner == NULL)
			return -1;
	}
	return cfg_next(r, next);
}

static int
cfg_compliance_page(const struct aws_result *r, void *acc, char **next)
{
	struct cfg_answer	*a = &((struct cfg_ctx *)acc)->a;
	struct cfg_compliance	*v;
	json_object		*list, *o;
	size_t			 i, n;

	*next = NULL;
	if ((list = cfg_list(r, "ComplianceByConfigRules",
	    a->ncompliance)) == NULL)
		return -1;
	n = json_object_array_length(list);
	a->compliance = xreallocarray(a->compliance, a->ncompliance + n + 1,
	    sizeof(*a->compliance));
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(list, i);
		v = &a->compliance[a->ncompliance++];
		v->rule = cfg_str(o, "ConfigRuleName");
		v->type = cfg_str(cfg_get(o, "Compliance", json_type_object),
		    "ComplianceType");
		if (v->rule == NULL)
			return -1;
	}
	return cfg_next(r, next);
}

static void
cfg_done(const struct aws_result *r, void *acc)
{
	struct cfg_ctx	*ctx = acc;

	ctx->cb(r, r->result == 0 ? &ctx->a : NULL, ctx->arg);
}

/* Takes body. */
static struct aws_pager *
cfg_start(struct aws_client *cl, const char *region, const char *op,
    json_object *body, aws_page_fn page, cfg_cb cb, void *arg)
{
	struct aws_pager	*pg;
	struct cfg_ctx		*ctx;

	ctx = xcalloc(1, sizeof(*ctx));
	ctx->cb = cb;
	ctx->arg = arg;
	pg = aws_pager_json(cl, &aws_service_config, region, op, body, page,
	    cfg_done, ctx);
	json_object_put(body);
	if (pg == NULL) {
		cfg_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, cfg_ctx_free);
	return pg;
}

struct aws_pager *
aws_config_describe_recorders(struct aws_client *cl, const char *region,
    cfg_cb cb, void *arg)
{
	return cfg_start(cl, region, "DescribeConfigurationRecorders", NULL,
	    cfg_recorders_page, cb, arg);
}

struct aws_pager *
aws_config_describe_recorder_status(struct aws_client *cl,
    const char *region, cfg_cb cb, void *arg)
{
	return cfg_start(cl, region, "DescribeConfigurationRecorderStatus",
	    NULL, cfg_status_page, cb, arg);
}

struct aws_pager *
aws_config_describe_delivery_channels(struct aws_client *cl,
    const char *region, cfg_cb cb, void *arg)
{
	return cfg_start(cl, region, "DescribeDeliveryChannels", NULL,
	    cfg_channels_page, cb, arg);
}

struct aws_pager *
aws_config_describe_rules(struct aws_client *cl, const char *region,
    cfg_cb cb, void *arg)
{
	return cfg_start(cl, region, "DescribeConfigRules",
	    xnonnull(json_object_new_object(), "json_object_new_object"),
	    cfg_rules_page, cb, arg);
}

struct aws_pager *
aws_config_describe_compliance(struct aws_client *cl, const char *region,
    char *const *names, size_t n, cfg_cb cb, void *arg)
{
	json_object	*body, *list;
	size_t		 i;

	if (n == 0 || n > CFG_MAX_RULE_NAMES)
		return NULL;
	body = xnonnull(json_object_new_object(), "json_object_new_object");
	list = xnonnull(json_object_new_array(), "json_object_new_array");
	for (i = 0; i < n; i++)
		json_object_array_add(list, xnonnull(json_object_new_string(
		    names[i]), "json_object_new_string"));
	json_object_object_add(body, "ConfigRuleNames", list);
	return cfg_start(cl, region, "DescribeComplianceByConfigRule", body,
	    cfg_compliance_page, cb, arg);
}

int
aws_config_none(const struct aws_result *res)
{
	return res->result != 0 && res->code != NULL &&
	    (strcmp(res->code, "NoSuchConfigurationRecorderException") == 0 ||
	    strcmp(res->code, "NoSuchDeliveryChannelException") == 0);
}
