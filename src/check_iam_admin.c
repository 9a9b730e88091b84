/*
 * Whether one IAM user has administrator access, for iam.users: the
 * AWS managed AdministratorAccess policy attached to the user, an
 * inline user policy allowing every action on every resource, or
 * AdministratorAccess attached to one of the user's groups.  One call
 * at a time per user, in that order, stopping at the first proof:
 *   attached -> inline names -> each inline document -> groups ->
 *   each group's attached policies -> done (no access).
 * Every list is followed to its last page by the pager; any failure,
 * a malformed answer included, ends it with an error, never "no".
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_iam_policy.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/xmalloc.h"
#include "check_iam.h"

#define ADMIN_POLICY_SUFFIX	":iam::aws:policy/AdministratorAccess"

enum check_iam_admin_step {
	ADMIN_ATTACHED,
	ADMIN_INLINE_NAMES,
	ADMIN_INLINE_DOC,
	ADMIN_GROUPS,
	ADMIN_GROUP_ATTACHED,
};

struct check_iam_admin {
	struct aws_client		*aws;
	char				*user;
	enum check_iam_admin_step	 step;
	struct aws_pager		*pager;
	char				**names;	/* inline policies or groups */
	size_t				 nnames;
	size_t				 next;
	check_iam_admin_cb		 cb;
	void				*arg;
};

static void
check_iam_admin_names_free(struct check_iam_admin *a)
{
	size_t	i;

	for (i = 0; i < a->nnames; i++)
		free(a->names[i]);
	free(a->names);
	a->names = NULL;
	a->nnames = a->next = 0;
}

void
check_iam_admin_cancel(struct check_iam_admin *a)
{
	if (a == NULL)
		return;
	aws_pager_cancel(a->pager);
	check_iam_admin_names_free(a);
	free(a->user);
	free(a);
}

/* Frees a, then tells the caller: the callback may start another. */
static void
check_iam_admin_finish(struct check_iam_admin *a, int result, int is_admin,
    const char *error)
{
	check_iam_admin_cb	 cb = a->cb;
	void			*arg = a->arg;
	char			 why[512];

	snprintf(why, sizeof(why), "%s: %s", a->user, error != NULL ? error :
	    "");
	a->pager = NULL;
	check_iam_admin_cancel(a);
	cb(result, is_admin, result != 0 ? why : NULL, arg);
}

static void
check_iam_admin_failed(struct check_iam_admin *a, const struct aws_result *res)
{
	check_iam_admin_finish(a, res->result != 0 ? res->result : -1, 0,
	    aws_result_describe(res));
}

int
check_iam_admin_arn(const char *arn)
{
	size_t	n, m = strlen(ADMIN_POLICY_SUFFIX);

	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return 0;
	n = strlen(arn);
	/* arn:<partition>:iam::aws:policy/AdministratorAccess */
	return n > m + 4 && strcmp(arn + n - m, ADMIN_POLICY_SUFFIX) == 0 &&
	    memchr(arn + 4, ':', n - m - 4) == NULL;
}

static void	check_iam_admin_step(struct check_iam_admin *);

static void
check_iam_admin_attached_cb(const struct aws_result *res,
    const struct iam_attached_list *l, void *arg)
{
	struct check_iam_admin	*a = arg;
	size_t			 i;

	a->pager = NULL;
	if (res->result != 0) {
		check_iam_admin_failed(a, res);
		return;
	}
	for (i = 0; i < l->n; i++)
		if (check_iam_admin_arn(l->v[i].arn)) {
			check_iam_admin_finish(a, 0, 1, NULL);
			return;
		}
	check_iam_admin_step(a);
}

static void
check_iam_admin_names_cb(const struct aws_result *res,
    const struct iam_names *l, void *arg)
{
	struct check_iam_admin	*a = arg;
	size_t			 i;

	a->pager = NULL;
	if (res->result != 0) {
		check_iam_admin_failed(a, res);
		return;
	}
	check_iam_admin_names_free(a);
	a->names = xcalloc(l->n + 1, sizeof(char *));
	for (i = 0; i < l->n; i++)
		a->names[a->nnames++] = xstrdup(l->v[i]);
	check_iam_admin_step(a);
}

static void
check_iam_admin_doc_cb(const struct aws_result *res, const char *doc,
    void *arg)
{
	struct check_iam_admin	*a = arg;
	char			 why[160];
	int			 r;

	a->pager = NULL;
	if (res->result != 0) {
		check_iam_admin_failed(a, res);
		return;
	}
	if ((r = check_iam_admin_allows_all(doc)) < 0) {
		snprintf(why, sizeof(why), "inline policy %s: the document "
		    "is not a JSON policy", a->names[a->next - 1]);
		check_iam_admin_finish(a, -1, 0, why);
	} else if (r == 1)
		check_iam_admin_finish(a, 0, 1, NULL);
	else
		check_iam_admin_step(a);
}

/* Starts the next call, moving on when a list is used up. */
static void
check_iam_admin_step(struct check_iam_admin *a)
{
	switch (a->step) {
	case ADMIN_ATTACHED:
		a->step = ADMIN_INLINE_NAMES;
		a->pager = aws_iam_list_user_policies(a->aws, a->user,
		    check_iam_admin_names_cb, a);
		break;
	case ADMIN_INLINE_NAMES:
		a->step = ADMIN_INLINE_DOC;
		/* FALLTHROUGH */
	case ADMIN_INLINE_DOC:
		if (a->next < a->nnames) {
			a->pager = aws_iam_get_user_policy(a->aws, a->user,
			    a->names[a->next++], check_iam_admin_doc_cb, a);
			break;
		}
		a->step = ADMIN_GROUPS;
		a->pager = aws_iam_list_groups_for_user(a->aws, a->user,
		    check_iam_admin_names_cb, a);
		break;
	case ADMIN_GROUPS:
		a->step = ADMIN_GROUP_ATTACHED;
		/* FALLTHROUGH */
	case ADMIN_GROUP_ATTACHED:
		if (a->next >= a->nnames) {
			check_iam_admin_finish(a, 0, 0, NULL);
			return;
		}
		a->pager = aws_iam_list_attached_group_policies(a->aws,
		    a->names[a->next++], check_iam_admin_attached_cb, a);
		break;
	}
	if (a->pager == NULL)
		check_iam_admin_finish(a, -1, 0, "cannot start the IAM call");
}

struct check_iam_admin *
check_iam_admin_start(struct aws_client *aws, const char *user,
    check_iam_admin_cb cb, void *arg)
{
	struct check_iam_admin	*a;

	a = xcalloc(1, sizeof(*a));
	a->aws = aws;
	a->user = xstrdup(user);
	a->cb = cb;
	a->arg = arg;
	a->step = ADMIN_ATTACHED;
	a->pager = aws_iam_list_attached_user_policies(aws, user,
	    check_iam_admin_attached_cb, a);
	if (a->pager == NULL) {
		check_iam_admin_cancel(a);
		return NULL;
	}
	return a;
}

/* Policy documents. */

/* 1 if v is "*" or an array holding "*"; -1 if neither string nor array
 * of strings. */
static int
check_iam_admin_star(struct json_object *v)
{
	size_t	i, n;
	int	star = 0;

	if (json_object_is_type(v, json_type_string))
		return strcmp(json_object_get_string(v), "*") == 0;
	if (!json_object_is_type(v, json_type_array))
		return -1;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string))
			return -1;
		if (strcmp(json_object_get_string(e), "*") == 0)
			star = 1;
	}
	return star;
}

/* One statement: 1 when it allows "*" on "*" without a condition. */
static int
check_iam_admin_statement(struct json_object *st)
{
	struct json_object	*effect, *action, *resource;
	int			 a, r;

	if (!json_object_is_type(st, json_type_object) ||
	    !json_object_object_get_ex(st, "Effect", &effect) ||
	    !json_object_is_type(effect, json_type_string))
		return -1;
	if (strcmp(json_object_get_string(effect), "Allow") != 0 ||
	    json_object_object_get_ex(st, "Condition", NULL))
		return 0;
	if (!json_object_object_get_ex(st, "Action", &action) ||
	    !json_object_object_get_ex(st, "Resource", &resource))
		return 0;	/* NotAction / NotResource: not all of it */
	if ((a = check_iam_admin_star(action)) < 0 ||
	    (r = check_iam_admin_star(resource)) < 0)
		return -1;
	return a && r;
}

int
check_iam_admin_allows_all(const char *doc)
{
	struct json_object	*o = NULL, *st;
	char			 err[128];
	size_t			 i, n;
	int			 r = -1;

	if (doc == NULL || jsonparse(doc, strlen(doc), &o, err,
	    sizeof(err)) != 0)
		return -1;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "Statement", &st))
		goto out;
	if (json_object_is_type(st, json_type_object)) {
		r = check_iam_admin_statement(st);
		goto out;
	}
	if (!json_object_is_type(st, json_type_array))
		goto out;
	n = json_object_array_length(st);
	/* stops at a proof (1) or at a statement that is not one (-1) */
	for (i = 0, r = 0; i < n && r == 0; i++)
		r = check_iam_admin_statement(json_object_array_get_idx(st,
		    i));
out:
	json_object_put(o);
	return r;
}
