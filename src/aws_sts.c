/*
 * AWS STS: who the credentials belong to.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/error.h"

struct sts_ctx {
	struct sts_identity	 id;
	sts_identity_cb		 cb;
	void			*arg;
};

static void
sts_ctx_free(void *p)
{
	struct sts_ctx	*ctx = p;

	xmlFree(ctx->id.account);
	xmlFree(ctx->id.arn);
	xmlFree(ctx->id.user_id);
	free(ctx);
}

static int
sts_identity_page(const struct aws_result *r, void *acc, char **next)
{
	struct sts_ctx	*ctx = acc;
	xmlNode		*res;

	*next = NULL;
	res = aws_xml_find(xmlDocGetRootElement(r->xml),
	    "GetCallerIdentityResult");
	if (res == NULL)
		return -1;
	ctx->id.account = aws_xml_text(res, "Account");
	ctx->id.arn = aws_xml_text(res, "Arn");
	ctx->id.user_id = aws_xml_text(res, "UserId");
	return ctx->id.account != NULL ? 0 : -1;
}

static void
sts_identity_done(const struct aws_result *r, void *acc)
{
	struct sts_ctx	*ctx = acc;

	ctx->cb(r, r->result == 0 ? &ctx->id : NULL, ctx->arg);
}

struct aws_pager *
aws_sts_get_caller_identity(struct aws_client *cl, const char *region,
    sts_identity_cb cb, void *arg)
{
	struct sts_ctx		*ctx;
	struct aws_pager	*pg;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->cb = cb;
	ctx->arg = arg;
	pg = aws_pager_query(cl, &aws_service_sts, region,
	    "GetCallerIdentity", NULL, 0, sts_identity_page,
	    sts_identity_done, ctx);
	if (pg == NULL) {
		sts_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, sts_ctx_free);
	return pg;
}
