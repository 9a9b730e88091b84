/*
 * AWS Tax Settings (REST-JSON): the tax inheritance of the billing
 * family and its tax registrations.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_tax.h"
#include "driftwatch/error.h"

#define TAX_PAGE_SIZE	100	/* the documented most per call */
#define TAX_MAX_REGS	10000

static const struct aws_operation tax_get_inheritance_op = {
	"GetTaxInheritance", "POST", "/GetTaxInheritance", NULL
};

static const struct aws_operation tax_list_registrations_op = {
	"ListTaxRegistrations", "POST", "/ListTaxRegistrations", "nextToken"
};

/* A string member, or NULL (absent or another type). */
static const char *
tax_string(json_object *o, const char *key)
{
	json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* GetTaxInheritance */

struct tax_inh_ctx {
	char			*status;
	tax_inheritance_cb	 cb;
	void			*arg;
};

static void
tax_inh_free(void *p)
{
	struct tax_inh_ctx	*ctx = p;

	free(ctx->status);
	free(ctx);
}

static int
tax_inh_page(const struct aws_result *r, void *acc, char **next)
{
	struct tax_inh_ctx	*ctx = acc;
	const char		*s = tax_string(r->json, "heritageStatus");

	*next = NULL;
	if (s == NULL || (ctx->status = strdup(s)) == NULL)
		return -1;
	return 0;
}

static void
tax_inh_done(const struct aws_result *r, void *acc)
{
	struct tax_inh_ctx	*ctx = acc;

	ctx->cb(r, r->result == 0 ? ctx->status : NULL, ctx->arg);
}

struct aws_pager *
aws_tax_get_inheritance(struct aws_client *cl, const char *region,
    tax_inheritance_cb cb, void *arg)
{
	struct tax_inh_ctx	*ctx;
	struct aws_pager	*pg;
	struct aws_input	 in = { NULL, 0, NULL };

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->cb = cb;
	ctx->arg = arg;
	pg = aws_pager_start(cl, &aws_service_tax, region,
	    &tax_get_inheritance_op, &in, tax_inh_page, tax_inh_done, ctx);
	if (pg == NULL) {
		tax_inh_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, tax_inh_free);
	return pg;
}

/* ListTaxRegistrations */

struct tax_regs_ctx {
	struct tax_registrations	 regs;
	tax_registrations_cb		 cb;
	void				*arg;
};

static void
tax_reg_clear(struct tax_registration *t)
{
	free(t->account_id);
	free(t->country);
	free(t->type);
	free(t->id);
	free(t->status);
}

static void
tax_regs_free(void *p)
{
	struct tax_regs_ctx	*ctx = p;
	size_t			 i;

	for (i = 0; i < ctx->regs.n; i++)
		tax_reg_clear(&ctx->regs.v[i]);
	free(ctx->regs.v);
	free(ctx);
}

/* 0 and t filled, 1 for an account without a registration, -1 bad. */
static int
tax_reg_read(json_object *d, struct tax_registration *t)
{
	json_object	*reg, *jur;
	const char	*acct, *country, *type, *id, *status;

	if (!json_object_is_type(d, json_type_object))
		return -1;
	if (!json_object_object_get_ex(d, "taxRegistration", &reg) ||
	    reg == NULL)
		return 1;
	if (!json_object_is_type(reg, json_type_object) ||
	    !json_object_object_get_ex(reg, "jurisdiction", &jur))
		return -1;
	acct = tax_string(d, "accountId");
	country = tax_string(jur, "countryCode");
	type = tax_string(reg, "registrationType");
	id = tax_string(reg, "registrationId");
	status = tax_string(reg, "status");
	if (acct == NULL || country == NULL || type == NULL || id == NULL ||
	    status == NULL)
		return -1;
	memset(t, 0, sizeof(*t));
	if ((t->account_id = strdup(acct)) == NULL ||
	    (t->country = strdup(country)) == NULL ||
	    (t->type = strdup(type)) == NULL || (t->id = strdup(id)) == NULL ||
	    (t->status = strdup(status)) == NULL) {
		tax_reg_clear(t);
		return -1;
	}
	return 0;
}

static int
tax_regs_add(struct tax_regs_ctx *ctx, json_object *d)
{
	struct tax_registration	 t, *v;
	int			 r;

	if ((r = tax_reg_read(d, &t)) != 0)
		return r > 0 ? 0 : -1;
	if (ctx->regs.n >= TAX_MAX_REGS || (v = reallocarray(ctx->regs.v,
	    ctx->regs.n + 1, sizeof(*v))) == NULL) {
		tax_reg_clear(&t);
		return -1;
	}
	ctx->regs.v = v;
	v[ctx->regs.n++] = t;
	return 0;
}

static int
tax_regs_page(const struct aws_result *r, void *acc, char **next)
{
	struct tax_regs_ctx	*ctx = acc;
	json_object		*list, *tok;
	size_t			 i, n;

	*next = NULL;
	if (!json_object_object_get_ex(r->json, "accountDetails", &list) ||
	    !json_object_is_type(list, json_type_array))
		return -1;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++)
		if (tax_regs_add(ctx, json_object_array_get_idx(list, i)) != 0)
			return -1;
	if (!json_object_object_get_ex(r->json, "nextToken", &tok) ||
	    tok == NULL)
		return 0;
	if (!json_object_is_type(tok, json_type_string) ||
	    json_object_get_string_len(tok) == 0)
		return -1;
	*next = strdup(json_object_get_string(tok));
	return *next != NULL ? 0 : -1;
}

static void
tax_regs_done(const struct aws_result *r, void *acc)
{
	struct tax_regs_ctx	*ctx = acc;

	ctx->cb(r, r->result == 0 ? &ctx->regs : NULL, ctx->arg);
}

struct aws_pager *
aws_tax_list_registrations(struct aws_client *cl, const char *region,
    tax_registrations_cb cb, void *arg)
{
	struct tax_regs_ctx	*ctx;
	struct aws_pager	*pg;
	struct aws_input	 in = { NULL, 0, NULL };

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL ||
	    (in.json = json_object_new_object()) == NULL) {
		free(ctx);
		return NULL;
	}
	ctx->cb = cb;
	ctx->arg = arg;
	json_object_object_add(in.json, "maxResults",
	    json_object_new_int(TAX_PAGE_SIZE));
	pg = aws_pager_start(cl, &aws_service_tax, region,
	    &tax_list_registrations_op, &in, tax_regs_page, tax_regs_done, ctx);
	json_object_put(in.json);
	if (pg == NULL) {
		tax_regs_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, tax_regs_free);
	return pg;
}
