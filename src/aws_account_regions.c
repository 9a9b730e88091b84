/*
 * Account ListRegions: the account's enabled regions, read page by page
 * (NextToken), checked and sorted.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_account_regions.h"
#include "driftwatch/error.h"
#include "driftwatch/region.h"

struct regions_ctx {
	struct account_regions	 r;
	account_regions_cb	 cb;
	void			*arg;
};

static const struct aws_operation account_list_regions = {
	"ListRegions", "POST", "/listRegions", "NextToken"
};

static void
regions_ctx_free(void *p)
{
	struct regions_ctx	*ctx = p;
	size_t			 i;

	for (i = 0; i < ctx->r.n; i++)
		free(ctx->r.v[i]);
	free(ctx);
}

static int
regions_enabled(const char *status)
{
	return strcmp(status, "ENABLED") == 0 ||
	    strcmp(status, "ENABLED_BY_DEFAULT") == 0;
}

/* One Regions entry: 0 (kept or left out), or -1 for a bad answer. */
static int
regions_one(struct regions_ctx *ctx, json_object *e)
{
	json_object	*name, *status;
	const char	*s;
	size_t		 i;

	if (!json_object_is_type(e, json_type_object) ||
	    !json_object_object_get_ex(e, "RegionName", &name) ||
	    !json_object_is_type(name, json_type_string) ||
	    !json_object_object_get_ex(e, "RegionOptStatus", &status) ||
	    !json_object_is_type(status, json_type_string))
		return -1;
	s = json_object_get_string(name);
	if (!region_valid(s))
		return -1;
	if (!regions_enabled(json_object_get_string(status)))
		return 0;
	for (i = 0; i < ctx->r.n; i++)
		if (strcmp(ctx->r.v[i], s) == 0)
			return 0;
	if (ctx->r.n == ACCOUNT_REGIONS_MAX ||
	    (ctx->r.v[ctx->r.n] = strdup(s)) == NULL)
		return -1;
	ctx->r.n++;
	return 0;
}

static int
regions_page(const struct aws_result *r, void *acc, char **next)
{
	struct regions_ctx	*ctx = acc;
	json_object		*list, *tok;
	size_t			 i, n;

	*next = NULL;
	if (!json_object_object_get_ex(r->json, "Regions", &list))
		list = NULL;	/* none on this page */
	if (list != NULL && !json_object_is_type(list, json_type_array))
		return -1;
	n = list != NULL ? json_object_array_length(list) : 0;
	for (i = 0; i < n; i++)
		if (regions_one(ctx, json_object_array_get_idx(list, i)) != 0)
			return -1;
	if (json_object_object_get_ex(r->json, "NextToken", &tok) &&
	    tok != NULL) {
		if (!json_object_is_type(tok, json_type_string))
			return -1;
		if (*json_object_get_string(tok) != '\0' &&
		    (*next = strdup(json_object_get_string(tok))) == NULL)
			return -1;
	}
	return 0;
}

static int
regions_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
regions_done(const struct aws_result *r, void *acc)
{
	struct regions_ctx	*ctx = acc;

	if (r->result == 0 && ctx->r.n > 1)
		qsort(ctx->r.v, ctx->r.n, sizeof(ctx->r.v[0]), regions_cmp);
	ctx->cb(r, r->result == 0 ? &ctx->r : NULL, ctx->arg);
}

struct aws_pager *
aws_account_list_regions(struct aws_client *cl, const char *region,
    account_regions_cb cb, void *arg)
{
	struct regions_ctx	*ctx;
	struct aws_pager	*pg;
	struct aws_input	 in = { NULL, 0, NULL };
	json_object		*st;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL ||
	    (in.json = json_object_new_object()) == NULL ||
	    (st = json_object_new_array()) == NULL) {
		json_object_put(in.json);
		free(ctx);
		return NULL;
	}
	ctx->cb = cb;
	ctx->arg = arg;
	json_object_array_add(st, json_object_new_string("ENABLED"));
	json_object_array_add(st, json_object_new_string("ENABLED_BY_DEFAULT"));
	json_object_object_add(in.json, "RegionOptStatusContains", st);
	json_object_object_add(in.json, "MaxResults", json_object_new_int(50));
	pg = aws_pager_start(cl, &aws_service_account, region,
	    &account_list_regions, &in, regions_page, regions_done, ctx);
	json_object_put(in.json);
	if (pg == NULL) {
		regions_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, regions_ctx_free);
	return pg;
}
