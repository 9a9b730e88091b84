/*
 * The account family's parts, one file each; check_account.c lists
 * them.  account.identity and account.email both read Organizations
 * DescribeOrganization: check_account_org.c makes it one call for all
 * the parts of one pass (or one capture).
 */
#ifndef DRIFTWATCH_CHECK_ACCOUNT_H
#define DRIFTWATCH_CHECK_ACCOUNT_H

#include "driftwatch/check_parts.h"

struct aws_client;
struct aws_result;
struct org_organization;

/* account.identity (check_account_identity.c) */
extern const struct check_part check_account_identity_part;
/* account.email (check_account_email.c) */
extern const struct check_part check_account_email_part;

/*
 * One DescribeOrganization for every reader with the same owner (the
 * check_pass or check_capture) while it is in flight.  The callback
 * runs once, from the loop; the handle is gone after it, or after
 * check_account_org_cancel().  NULL: the call cannot start.
 */
struct check_account_org_wait;
typedef void	(*check_account_org_cb)(const struct aws_result *,
		    const struct org_organization *, void *);
struct check_account_org_wait	*check_account_org_read(const void *owner,
				    struct aws_client *, const char *region,
				    check_account_org_cb, void *);
void				 check_account_org_cancel(
				    struct check_account_org_wait *);

/* "Organizations DescribeOrganization: <aws_result_describe>", in buf;
 * an account in no organization says so. */
const char	*check_account_org_error(const struct aws_result *, char *buf,
		    size_t len);
/* 1 for AWSOrganizationsNotInUseException. */
int		 check_account_org_not_in_use(const struct aws_result *);

#endif
