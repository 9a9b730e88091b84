/*
 * AWS Account Management (REST-JSON): the account's alternate contacts.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/error.h"

struct account_ctx {
	struct account_contact	 contact;
	account_contact_cb	 cb;
	void			*arg;
};

static const struct aws_operation account_get_alternate_contact = {
	"GetAlternateContact", "POST", "/getAlternateContact", NULL
};

static void
account_ctx_free(void *p)
{
	struct account_ctx	*ctx = p;

	free(ctx->contact.type);
	free(ctx->contact.name);
	free(ctx->contact.title);
	free(ctx->contact.email);
	free(ctx->contact.phone);
	free(ctx);
}

/* An optional string member: absent is fine, any other type is not. */
static int
account_string(json_object *o, const char *key, char **out)
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
account_contact_page(const struct aws_result *r, void *acc, char **next)
{
	struct account_ctx	*ctx = acc;
	json_object		*c;

	*next = NULL;
	if (!json_object_object_get_ex(r->json, "AlternateContact", &c) ||
	    !json_object_is_type(c, json_type_object))
		return -1;
	if (account_string(c, "AlternateContactType", &ctx->contact.type) ||
	    account_string(c, "Name", &ctx->contact.name) ||
	    account_string(c, "Title", &ctx->contact.title) ||
	    account_string(c, "EmailAddress", &ctx->contact.email) ||
	    account_string(c, "PhoneNumber", &ctx->contact.phone))
		return -1;
	return 0;
}

static void
account_contact_done(const struct aws_result *r, void *acc)
{
	struct account_ctx	*ctx = acc;

	ctx->cb(r, r->result == 0 ? &ctx->contact : NULL, ctx->arg);
}

struct aws_pager *
aws_account_get_alternate_contact(struct aws_client *cl, const char *region,
    const char *type, account_contact_cb cb, void *arg)
{
	struct account_ctx	*ctx;
	struct aws_pager	*pg;
	struct aws_input	 in = { NULL, 0, NULL };

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL ||
	    (in.json = json_object_new_object()) == NULL) {
		free(ctx);
		return NULL;
	}
	ctx->cb = cb;
	ctx->arg = arg;
	json_object_object_add(in.json, "AlternateContactType",
	    json_object_new_string(type));
	pg = aws_pager_start(cl, &aws_service_account, region,
	    &account_get_alternate_contact, &in, account_contact_page,
	    account_contact_done, ctx);
	json_object_put(in.json);
	if (pg == NULL) {
		account_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, account_ctx_free);
	return pg;
}
