/*
 * AWS Organizations (JSON 1.1, global: the region only picks the
 * partition): what the caller's organization says of itself.
 */
#ifndef DRIFTWATCH_AWS_ORGANIZATIONS_H
#define DRIFTWATCH_AWS_ORGANIZATIONS_H

#include "driftwatch/aws.h"

struct org_organization {
	char	*id;			/* "o-exampleorgid" */
	char	*master_account_id;	/* 12 digits, always set */
	char	*master_account_email;	/* NULL if the answer has none */
};

typedef void	(*org_organization_cb)(const struct aws_result *,
		    const struct org_organization *, void *);

/*
 * DescribeOrganization.  An account in no organization is an error
 * result with code "AWSOrganizationsNotInUseException"; the
 * organization is NULL on any error, and an answer without a 12-digit
 * MasterAccountId is one (DW_EPARSE).
 */
struct aws_pager	*aws_org_describe_organization(struct aws_client *,
			    const char *region, org_organization_cb, void *);

#endif
