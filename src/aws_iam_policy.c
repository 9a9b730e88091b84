/*
 * AWS IAM (Query protocol): the account alias, the password policy, and
 * a user's policies and groups (aws_iam_policy.h).  IAM is global: one
 * endpoint, signed for the partition's home region.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/tree.h>

#include "driftwatch/aws_iam_policy.h"
#include "driftwatch/error.h"

#define IAM_REGION	"us-east-1"
#define IAM_MAX_ITEMS	"1000"
#define IAM_MAX_LIST	100000	/* entries over every page of one list */

struct iam_pctx {
	const char			*action;	/* static */
	const char			*list;		/* e.g. "PolicyNames" */
	const char			*member;	/* child, or NULL: text */
	struct iam_names		 names;
	struct iam_attached_list	 attached;
	struct iam_password_policy	 policy;
	char				*document;
	void				(*cb)(void);
	void				*arg;
};

static void
iam_pctx_free(void *p)
{
	struct iam_pctx	*ctx = p;
	size_t		 i;

	for (i = 0; i < ctx->names.n; i++)
		xmlFree(ctx->names.v[i]);
	for (i = 0; i < ctx->attached.n; i++) {
		xmlFree(ctx->attached.v[i].name);
		xmlFree(ctx->attached.v[i].arn);
	}
	free(ctx->names.v);
	free(ctx->attached.v);
	free(ctx->document);
	free(ctx);
}

static struct iam_pctx *
iam_pctx_new(const char *action, void (*cb)(void), void *arg)
{
	struct iam_pctx	*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->action = action;
	ctx->cb = cb;
	ctx->arg = arg;
	return ctx;
}

static xmlNode *
iam_pctx_result(const struct aws_result *r, const char *action)
{
	char	path[96];

	snprintf(path, sizeof(path), "%sResult", action);
	return aws_xml_find(xmlDocGetRootElement(r->xml), path);
}

/* The Marker of a truncated page, or NULL; -1 when truncated has none. */
static int
iam_pctx_marker(xmlNode *res, char **next)
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
	} else if (trunc != NULL && strcmp(trunc, "false") != 0)
		r = -1;
	xmlFree(trunc);
	return r;
}

static struct aws_pager *
iam_pctx_start(struct aws_client *cl, const struct aws_param *p, size_t np,
    aws_page_fn page, aws_pager_done_fn done, struct iam_pctx *ctx)
{
	struct aws_pager	*pg;

	if (ctx == NULL)
		return NULL;
	pg = aws_pager_query(cl, &aws_service_iam, IAM_REGION, ctx->action, p,
	    np, page, done, ctx);
	if (pg == NULL) {
		iam_pctx_free(ctx);
		return NULL;
	}
	aws_pager_set_acc_free(pg, iam_pctx_free);
	return pg;
}

/* Lists of names: <List><member>name</member></List>, or a child of it. */

static int
iam_names_add(struct iam_pctx *ctx, xmlNode *m)
{
	char	**v, *s;

	if (ctx->names.n >= IAM_MAX_LIST)
		return -1;
	s = ctx->member != NULL ? aws_xml_text(m, ctx->member) :
	    (char *)xmlNodeGetContent(m);
	if (s == NULL || *s == '\0') {
		xmlFree(s);
		return -1;
	}
	if ((v = reallocarray(ctx->names.v, ctx->names.n + 1,
	    sizeof(*v))) == NULL) {
		xmlFree(s);
		return -1;
	}
	ctx->names.v = v;
	v[ctx->names.n++] = s;
	return 0;
}

static int
iam_names_page(const struct aws_result *r, void *acc, char **next)
{
	struct iam_pctx	*ctx = acc;
	xmlNode		*res, *m;
	char		 path[64];

	*next = NULL;
	if ((res = iam_pctx_result(r, ctx->action)) == NULL ||
	    aws_xml_find(res, ctx->list) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/member", ctx->list);
	for (m = aws_xml_find(res, path); m != NULL; m = aws_xml_next(m))
		if (iam_names_add(ctx, m) != 0)
			return -1;
	return iam_pctx_marker(res, next);
}

static void
iam_names_done(const struct aws_result *r, void *acc)
{
	struct iam_pctx	*ctx = acc;
	iam_names_cb	 cb = (iam_names_cb)ctx->cb;

	cb(r, r->result == 0 ? &ctx->names : NULL, ctx->arg);
}

static struct aws_pager *
iam_names_start(struct aws_client *cl, const char *action, const char *list,
    const char *member, const char *user, iam_names_cb cb, void *arg)
{
	struct aws_param	 p[] = { { "MaxItems", IAM_MAX_ITEMS },
				    { "UserName", user } };
	struct iam_pctx		*ctx;

	if ((ctx = iam_pctx_new(action, (void (*)(void))cb, arg)) == NULL)
		return NULL;
	ctx->list = list;
	ctx->member = member;
	return iam_pctx_start(cl, p, user != NULL ? 2 : 1, iam_names_page,
	    iam_names_done, ctx);
}

struct aws_pager *
aws_iam_list_account_aliases(struct aws_client *cl, iam_names_cb cb,
    void *arg)
{
	return iam_names_start(cl, "ListAccountAliases", "AccountAliases",
	    NULL, NULL, cb, arg);
}

struct aws_pager *
aws_iam_list_user_policies(struct aws_client *cl, const char *user,
    iam_names_cb cb, void *arg)
{
	return iam_names_start(cl, "ListUserPolicies", "PolicyNames", NULL,
	    user, cb, arg);
}

struct aws_pager *
aws_iam_list_groups_for_user(struct aws_client *cl, const char *user,
    iam_names_cb cb, void *arg)
{
	return iam_names_start(cl, "ListGroupsForUser", "Groups", "GroupName",
	    user, cb, arg);
}

/* Attached managed policies. */

static int
iam_attached_add(struct iam_pctx *ctx, xmlNode *m)
{
	struct iam_attached	*a;

	if (ctx->attached.n >= IAM_MAX_LIST)
		return -1;
	a = reallocarray(ctx->attached.v, ctx->attached.n + 1, sizeof(*a));
	if (a == NULL)
		return -1;
	ctx->attached.v = a;
	a = &a[ctx->attached.n++];
	a->name = aws_xml_text(m, "PolicyName");
	a->arn = aws_xml_text(m, "PolicyArn");
	return a->arn != NULL && *a->arn != '\0' ? 0 : -1;
}

static int
iam_attached_page(const struct aws_result *r, void *acc, char **next)
{
	struct iam_pctx	*ctx = acc;
	xmlNode		*res, *m;

	*next = NULL;
	if ((res = iam_pctx_result(r, ctx->action)) == NULL ||
	    aws_xml_find(res, "AttachedPolicies") == NULL)
		return -1;
	for (m = aws_xml_find(res, "AttachedPolicies/member"); m != NULL;
	    m = aws_xml_next(m))
		if (iam_attached_add(ctx, m) != 0)
			return -1;
	return iam_pctx_marker(res, next);
}

static void
iam_attached_done(const struct aws_result *r, void *acc)
{
	struct iam_pctx	*ctx = acc;
	iam_attached_cb	 cb = (iam_attached_cb)ctx->cb;

	cb(r, r->result == 0 ? &ctx->attached : NULL, ctx->arg);
}

static struct aws_pager *
iam_attached_start(struct aws_client *cl, const char *action,
    const char *key, const char *name, iam_attached_cb cb, void *arg)
{
	struct aws_param	 p[] = { { key, name },
				    { "MaxItems", IAM_MAX_ITEMS } };

	return iam_pctx_start(cl, p, 2, iam_attached_page, iam_attached_done,
	    iam_pctx_new(action, (void (*)(void))cb, arg));
}

struct aws_pager *
aws_iam_list_attached_user_policies(struct aws_client *cl, const char *user,
    iam_attached_cb cb, void *arg)
{
	return iam_attached_start(cl, "ListAttachedUserPolicies", "UserName",
	    user, cb, arg);
}

struct aws_pager *
aws_iam_list_attached_group_policies(struct aws_client *cl,
    const char *group, iam_attached_cb cb, void *arg)
{
	return iam_attached_start(cl, "ListAttachedGroupPolicies",
	    "GroupName", group, cb, arg);
}

/* The password policy. */

/* A boolean child: 1, 0 (absent too), or -1 when it is neither. */
static int
iam_policy_bool(xmlNode *pp, const char *name, int *out)
{
	char	*s = aws_xml_text(pp, name);
	int	 r = 0;

	if (s == NULL)
		*out = 0;
	else if (strcmp(s, "true") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0)
		*out = 0;
	else
		r = -1;
	xmlFree(s);
	return r;
}

/* A number child: its value, -1 when absent; -1 returned when bad. */
static int
iam_policy_long(xmlNode *pp, const char *name, long *out)
{
	char	*s = aws_xml_text(pp, name), *end;
	int	 r = 0;

	*out = -1;
	if (s == NULL)
		return 0;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *out < 0)
		r = -1;
	xmlFree(s);
	return r;
}

static int
iam_policy_page(const struct aws_result *r, void *acc, char **next)
{
	struct iam_pctx			*ctx = acc;
	struct iam_password_policy	*p = &ctx->policy;
	xmlNode				*res, *pp;

	*next = NULL;
	if ((res = iam_pctx_result(r, ctx->action)) == NULL ||
	    (pp = aws_xml_find(res, "PasswordPolicy")) == NULL)
		return -1;
	if (iam_policy_long(pp, "MinimumPasswordLength", &p->min_length) ||
	    iam_policy_bool(pp, "RequireSymbols", &p->require_symbols) ||
	    iam_policy_bool(pp, "RequireNumbers", &p->require_numbers) ||
	    iam_policy_bool(pp, "RequireUppercaseCharacters",
	    &p->require_uppercase) ||
	    iam_policy_bool(pp, "RequireLowercaseCharacters",
	    &p->require_lowercase) ||
	    iam_policy_bool(pp, "AllowUsersToChangePassword",
	    &p->allow_users_to_change) ||
	    iam_policy_bool(pp, "ExpirePasswords", &p->expire_passwords) ||
	    iam_policy_long(pp, "MaxPasswordAge", &p->max_age) ||
	    iam_policy_long(pp, "PasswordReusePrevention",
	    &p->reuse_prevention) ||
	    iam_policy_bool(pp, "HardExpiry", &p->hard_expiry))
		return -1;
	/* IAM's own minimum is 6: no length means the answer is not a
	 * password policy. */
	return p->min_length > 0 ? 0 : -1;
}

static void
iam_policy_done(const struct aws_result *r, void *acc)
{
	struct iam_pctx		*ctx = acc;
	iam_password_policy_cb	 cb = (iam_password_policy_cb)ctx->cb;

	cb(r, r->result == 0 ? &ctx->policy : NULL, ctx->arg);
}

struct aws_pager *
aws_iam_get_account_password_policy(struct aws_client *cl,
    iam_password_policy_cb cb, void *arg)
{
	return iam_pctx_start(cl, NULL, 0, iam_policy_page, iam_policy_done,
	    iam_pctx_new("GetAccountPasswordPolicy", (void (*)(void))cb, arg));
}

/* An inline user policy: the document is URL-encoded JSON. */

static int
iam_doc_page(const struct aws_result *r, void *acc, char **next)
{
	struct iam_pctx	*ctx = acc;
	xmlNode		*res;
	char		*enc, *dec;
	int		 len = 0;

	*next = NULL;
	if ((res = iam_pctx_result(r, ctx->action)) == NULL ||
	    (enc = aws_xml_text(res, "PolicyDocument")) == NULL)
		return -1;
	dec = curl_easy_unescape(NULL, enc, 0, &len);
	xmlFree(enc);
	if (dec == NULL)
		return -1;
	/* a %00 inside would cut the document short */
	if (len <= 0 || strlen(dec) != (size_t)len ||
	    (ctx->document = strdup(dec)) == NULL) {
		curl_free(dec);
		return -1;
	}
	curl_free(dec);
	return 0;
}

static void
iam_doc_done(const struct aws_result *r, void *acc)
{
	struct iam_pctx		*ctx = acc;
	iam_policy_doc_cb	 cb = (iam_policy_doc_cb)ctx->cb;

	cb(r, r->result == 0 ? ctx->document : NULL, ctx->arg);
}

struct aws_pager *
aws_iam_get_user_policy(struct aws_client *cl, const char *user,
    const char *policy, iam_policy_doc_cb cb, void *arg)
{
	struct aws_param	p[] = { { "UserName", user },
				    { "PolicyName", policy } };

	return iam_pctx_start(cl, p, 2, iam_doc_page, iam_doc_done,
	    iam_pctx_new("GetUserPolicy", (void (*)(void))cb, arg));
}
