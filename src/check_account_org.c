/*
 * One DescribeOrganization shared by the account family's parts: the
 * parts of one pass start in the same loop turn, so the second reader
 * finds the first one's call still in flight and waits on it.  Keyed
 * by the pass (or capture); an entry lives only while its call does.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_organizations.h"
#include "driftwatch/xmalloc.h"
#include "check_account.h"

struct check_account_org;

struct check_account_org_wait {
	TAILQ_ENTRY(check_account_org_wait)	 entry;
	struct check_account_org		*org;
	check_account_org_cb			 cb;
	void					*arg;
};

struct check_account_org {
	LIST_ENTRY(check_account_org)		 entry;
	const void				*owner;
	struct aws_pager			*pager;
	int					 delivering;
	TAILQ_HEAD(check_account_org_waits, check_account_org_wait) waits;
};

static LIST_HEAD(check_account_org_list, check_account_org) check_account_orgs =
    LIST_HEAD_INITIALIZER(check_account_orgs);

static void
check_account_org_free(struct check_account_org *o)
{
	LIST_REMOVE(o, entry);
	aws_pager_cancel(o->pager);
	free(o);
}

static void
check_account_org_answer(const struct aws_result *res,
    const struct org_organization *org, void *arg)
{
	struct check_account_org	*o = arg;
	struct check_account_org_wait	*w;

	o->pager = NULL;	/* it frees itself */
	o->delivering = 1;
	while ((w = TAILQ_FIRST(&o->waits)) != NULL) {
		TAILQ_REMOVE(&o->waits, w, entry);
		w->cb(res, org, w->arg);
		free(w);
	}
	check_account_org_free(o);
}

static struct check_account_org *
check_account_org_find(const void *owner)
{
	struct check_account_org	*o;

	LIST_FOREACH(o, &check_account_orgs, entry)
		if (o->owner == owner && !o->delivering)
			return o;
	return NULL;
}

struct check_account_org_wait *
check_account_org_read(const void *owner, struct aws_client *aws,
    const char *region, check_account_org_cb cb, void *arg)
{
	struct check_account_org	*o;
	struct check_account_org_wait	*w;

	if ((o = check_account_org_find(owner)) == NULL) {
		o = xcalloc(1, sizeof(*o));
		o->owner = owner;
		TAILQ_INIT(&o->waits);
		LIST_INSERT_HEAD(&check_account_orgs, o, entry);
		o->pager = aws_org_describe_organization(aws, region,
		    check_account_org_answer, o);
		if (o->pager == NULL) {
			check_account_org_free(o);
			return NULL;
		}
	}
	w = xcalloc(1, sizeof(*w));
	w->org = o;
	w->cb = cb;
	w->arg = arg;
	TAILQ_INSERT_TAIL(&o->waits, w, entry);
	return w;
}

void
check_account_org_cancel(struct check_account_org_wait *w)
{
	struct check_account_org	*o;

	if (w == NULL)
		return;
	o = w->org;
	TAILQ_REMOVE(&o->waits, w, entry);
	free(w);
	if (TAILQ_EMPTY(&o->waits) && !o->delivering)
		check_account_org_free(o);
}

int
check_account_org_not_in_use(const struct aws_result *res)
{
	return res->result != 0 && res->code != NULL &&
	    strcmp(res->code, "AWSOrganizationsNotInUseException") == 0;
}

const char *
check_account_org_error(const struct aws_result *res, char *buf, size_t len)
{
	snprintf(buf, len, "Organizations DescribeOrganization: %s",
	    aws_result_describe(res));
	return buf;
}
