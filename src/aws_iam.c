/*
 * AWS IAM (Query protocol): the account summary, users and MFA devices.
 * IAM is global: one endpoint, signed for the partition's home region.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/error.h"

#define IAM_REGION	"us-east-1"
#define IAM_MAX_ITEMS	"1000"

struct iam_ctx {
	struct iam_summary	 summary;
	struct iam_users	 users;
	struct iam_mfas		 mfas;
	void			(*cb)(void);
	void			*arg;
};

static void
iam_ctx_free(void *p)
{
	struct iam_ctx	*ctx = p;
	size_t		 i;

	for (i = 0; i < ctx->users.n; i++) {
		xmlFree(ctx->users.v[i].name);
		xmlFree(ctx->users.v[i].arn);
		xmlFree(ctx->users.v[i].password_last_used);
	}
	for (i = 0; i < ctx->mfas.n; i++) {
		xmlFree(ctx->mfas.v[i].serial);
		xmlFree(ctx->mfas.v[i].user);
		xmlFree(ctx->mfas.v[i].enable_date);
	}
	free(ctx->users.v);
	free(ctx->mfas.v);
	free(ctx);
}

static struct iam_ctx *
iam_ctx_new(void (*cb)(void), void *arg)
{
	struct iam_ctx	*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->cb = cb;
	ctx->arg = arg;
	ctx->summary.mfa_enabled = ctx->summary.access_keys_present = -1;
	ctx->summary.users = -1;
	return ctx;
}

/* The Marker of a truncated page, or NULL; -1 when truncated has none. */
static int
iam_next_marker(xmlNode *res, char **next)
{
	char	*trunc, *marker;
	int	 r = 0;

	*next = NULL;
	trunc = aws_xml_text(res, "IsTruncated");
	if (trunc != NULL && strcmp(trunc, "true") == 0) {
		if ((marker = aws_xml_text(res, "Marker")) == NULL ||
		    *marker == '\0')
			r = -1;
		else if ((*next = strdup(marker)) == NULL)
			r = -1;
		xmlFree(marker);
	}
	xmlFree(trunc);
	return r;
}

static xmlNode *
iam_result(const struct aws_result *r, const char *action)
{
	char	path[96];

	snprintf(path, sizeof(path), "%sResult", action);
	return aws_xml_find(xmlDocGetRootElement(r->xml), path);
}

static long
iam_long(const char *s)
{
	char	*end;
	long	 v;

	if (s == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || v < 0 ? -1 : v;
}

static int
iam_summary_page(const struct aws_result *r, void *acc, char **next)
{
	struct iam_ctx	*ctx = acc;
	xmlNode		*res, *e;
	char		*k, *v;

	*next = NULL;
	if ((res = iam_result(r, "GetAccountSummary")) == NULL)
		return -1;
	for (e = aws_xml_find(res, "SummaryMap/entry"); e != NULL;
	    e = aws_xml_next(e)) {
		k = aws_xml_text(e, "key");
		v = aws_xml_text(e, "value");
		if (k != NULL && strcmp(k, "AccountMFAEnabled") == 0)
			ctx->summary.mfa_enabled = iam_long(v);
		else if (k != NULL && strcmp(k, "AccountAccessKeysPresent") == 0)
			ctx->summary.access_keys_present = iam_long(v);
		else if (k != NULL && strcmp(k, "Users") == 0)
			ctx->summary.users = iam_long(v);
		xmlFree(k);
		xmlFree(v);
	}
	return ctx->summary.mfa_enabled >= 0 &&
	    ctx->summary.access_keys_present >= 0 ? 0 : -1;
}

static void
iam_summary_done(const struct aws_result *r, void *acc)
{
	struct iam_ctx	*ctx = acc;
	iam_summary_cb	 cb = (iam_summary_cb)ctx->cb;

	cb(r, r->result == 0 ? &ctx->summary : NULL, ctx->arg);
}

static struct aws_pager *
iam_start(struct aws_client *cl, const char *action,
    const struct aws_param *p, size_t np, aws_page_fn page,
    aws_pager_done_fn done, struct iam_ctx *ctx)
{
	struct aws_pager	*pg;

	if (ctx == NULL)
		return NULL;
	pg = aws_pager_query(cl, &aws_service_iam, IAM_REGION, action, p, np,
	    page, done, ctx);
	if (pg == NULL) {
		iam_ctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, iam_ctx_free);
	return pg;
}

struct aws_pager *
aws_iam_get_account_summary(struct aws_client *cl, iam_summary_cb cb,
    void *arg)
{
	return iam_start(cl, "GetAccountSummary", NULL, 0, iam_summary_page,
	    iam_summary_done, iam_ctx_new((void (*)(void))cb, arg));
}

static int
iam_users_page(const struct aws_result *r, void *acc, char **next)
{
	struct iam_ctx	*ctx = acc;
	struct iam_user	*u;
	xmlNode		*res, *m;

	if ((res = iam_result(r, "ListUsers")) == NULL ||
	    aws_xml_find(res, "Users") == NULL)
		return -1;
	for (m = aws_xml_find(res, "Users/member"); m != NULL;
	    m = aws_xml_next(m)) {
		u = reallocarray(ctx->users.v, ctx->users.n + 1, sizeof(*u));
		if (u == NULL)
			return -1;
		ctx->users.v = u;
		u = &u[ctx->users.n++];
		u->name = aws_xml_text(m, "UserName");
		u->arn = aws_xml_text(m, "Arn");
		u->password_last_used = aws_xml_text(m, "PasswordLastUsed");
		if (u->name == NULL || *u->name == '\0')
			return -1;
	}
	return iam_next_marker(res, next);
}

static void
iam_users_done(const struct aws_result *r, void *acc)
{
	struct iam_ctx	*ctx = acc;
	iam_users_cb	 cb = (iam_users_cb)ctx->cb;

	cb(r, r->result == 0 ? &ctx->users : NULL, ctx->arg);
}

struct aws_pager *
aws_iam_list_users(struct aws_client *cl, iam_users_cb cb, void *arg)
{
	struct aws_param	p[] = { { "MaxItems", IAM_MAX_ITEMS } };

	return iam_start(cl, "ListUsers", p, 1, iam_users_page,
	    iam_users_done, iam_ctx_new((void (*)(void))cb, arg));
}

static int
iam_mfa_add(struct iam_ctx *ctx, xmlNode *m, int isvirtual)
{
	struct iam_mfa	*d;

	d = reallocarray(ctx->mfas.v, ctx->mfas.n + 1, sizeof(*d));
	if (d == NULL)
		return -1;
	ctx->mfas.v = d;
	d = &d[ctx->mfas.n++];
	d->serial = aws_xml_text(m, "SerialNumber");
	d->user = aws_xml_text(m, isvirtual ? "User/Arn" : "UserName");
	d->enable_date = aws_xml_text(m, "EnableDate");
	return d->serial != NULL && *d->serial != '\0' ? 0 : -1;
}

static int
iam_mfas_page_common(const struct aws_result *r, void *acc, char **next,
    const char *action, const char *list, int isvirtual)
{
	xmlNode	*res, *m;
	char	 path[64];

	if ((res = iam_result(r, action)) == NULL ||
	    aws_xml_find(res, list) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/member", list);
	for (m = aws_xml_find(res, path); m != NULL; m = aws_xml_next(m))
		if (iam_mfa_add(acc, m, isvirtual) != 0)
			return -1;
	return iam_next_marker(res, next);
}

static int
iam_mfas_page(const struct aws_result *r, void *acc, char **next)
{
	return iam_mfas_page_common(r, acc, next, "ListMFADevices",
	    "MFADevices", 0);
}

static int
iam_vmfas_page(const struct aws_result *r, void *acc, char **next)
{
	return iam_mfas_page_common(r, acc, next, "ListVirtualMFADevices",
	    "VirtualMFADevices", 1);
}

static void
iam_mfas_done(const struct aws_result *r, void *acc)
{
	struct iam_ctx	*ctx = acc;
	iam_mfas_cb	 cb = (iam_mfas_cb)ctx->cb;

	cb(r, r->result == 0 ? &ctx->mfas : NULL, ctx->arg);
}

struct aws_pager *
aws_iam_list_mfa_devices(struct aws_client *cl, const char *user,
    iam_mfas_cb cb, void *arg)
{
	struct aws_param	p[] = { { "UserName", user },
				    { "MaxItems", IAM_MAX_ITEMS } };

	return iam_start(cl, "ListMFADevices", p, 2, iam_mfas_page,
	    iam_mfas_done, iam_ctx_new((void (*)(void))cb, arg));
}

struct aws_pager *
aws_iam_list_virtual_mfa_devices(struct aws_client *cl,
    const char *assignment, iam_mfas_cb cb, void *arg)
{
	struct aws_param	p[] = { { "AssignmentStatus", assignment },
				    { "MaxItems", IAM_MAX_ITEMS } };

	return iam_start(cl, "ListVirtualMFADevices", p, 2, iam_vmfas_page,
	    iam_mfas_done, iam_ctx_new((void (*)(void))cb, arg));
}
