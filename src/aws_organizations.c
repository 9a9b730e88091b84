/*
 * AWS Organizations (JSON 1.1): DescribeOrganization, read for the
 * management account's id and root email.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_organizations.h"
#include "driftwatch/error.h"

struct org_ctx {
	struct org_organization	 org;
	org_organization_cb	 cb;
	void			*arg;
};

static void
org_ctx_free(void *p)
{
	struct org_ctx	*ctx = p;

	free(ctx->org.id);
	free(ctx->org.master_account_id);
	free(ctx->org.master_account_email);
	free(ctx);
}

/* An optional string member: absent is fine, any other type is not. */
static int
org_string(json_object *o, const char *key, char **out)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = strdup(json_object_get_string(v));
	return *out != NULL ? 0 : -1;
}

static int
org_account_id_valid(const char *s)
{
	return s != NULL && strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

static int
org_describe_page(const struct aws_result *r, void *acc, char **next)
{
	struct org_ctx	*ctx = acc;
	json_object	*o;

	*next = NULL;
	if (!json_object_object_get_ex(r->json, "Organization", &o) ||
	    !json_object_is_type(o, json_type_object))
		return -1;
	if (org_string(o, "Id", &ctx->org.id) ||
	    org_string(o, "MasterAccountId", &ctx->org.master_account_id) ||
	    org_string(o, "MasterAccountEmail",
	    &ctx->org.master_account_email))
		return -1;
	return org_account_id_valid(ctx->org.master_account_id) ? 0 : -1;
}

static void
org_describe_done(const struct aws_result *r, void *acc)
{
	struct org_ctx	*ctx = acc;

	ctx->cb(r, r->result == 0 ? &ctx->org : NULL, ctx->arg);
}

struct aws_pager *
aws_org_describe_organization(struct aws_client *cl, const char *region,
    org_organization_cb cb, void *arg)
{
	struct org_ctx		*ctx;
	struct aws_pager	*pg;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->cb = cb;
	ctx->arg = arg;
	pg = aws_pager_json(cl, &aws_service_organizations, region,
	    "DescribeOrganization", NULL, org_describe_page,
	    org_describe_done, ctx);
	if (pg == NULL) {
		org_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, org_ctx_free);
	return pg;
}
