/*
 * IAM calls for the account's alias, its password policy and what a
 * user is allowed (aws_iam_policy.c), in the style of aws_services.h:
 * each returns a pager handle (cancel it to stop; no callback after
 * that), follows Marker/IsTruncated to the last page and calls back
 * once with the AWS result and the data, borrowed for the callback and
 * NULL on any error.  A page that is not in the documented shape is a
 * DW_EPARSE result, never an empty list.
 */
#ifndef DRIFTWATCH_AWS_IAM_POLICY_H
#define DRIFTWATCH_AWS_IAM_POLICY_H

#include <stddef.h>

#include "driftwatch/aws.h"

/* A list of names: aliases, inline policy names, group names. */
struct iam_names {
	char	**v;
	size_t	  n;
};
typedef void	(*iam_names_cb)(const struct aws_result *,
		    const struct iam_names *, void *);

struct aws_pager *aws_iam_list_account_aliases(struct aws_client *,
		    iam_names_cb, void *);
/* Inline policies of a user, by name. */
struct aws_pager *aws_iam_list_user_policies(struct aws_client *,
		    const char *user, iam_names_cb, void *);
/* The groups a user is in, by name. */
struct aws_pager *aws_iam_list_groups_for_user(struct aws_client *,
		    const char *user, iam_names_cb, void *);

/* Managed policies attached to a user or a group. */
struct iam_attached {
	char	*name;
	char	*arn;
};
struct iam_attached_list {
	struct iam_attached	*v;
	size_t			 n;
};
typedef void	(*iam_attached_cb)(const struct aws_result *,
		    const struct iam_attached_list *, void *);
struct aws_pager *aws_iam_list_attached_user_policies(struct aws_client *,
		    const char *user, iam_attached_cb, void *);
struct aws_pager *aws_iam_list_attached_group_policies(struct aws_client *,
		    const char *group, iam_attached_cb, void *);

/*
 * GetAccountPasswordPolicy.  No policy at all is an error result with
 * code "NoSuchEntity".  Booleans are 0 or 1 (absent: 0); numbers are
 * -1 when absent (max_age absent: passwords never expire).
 */
struct iam_password_policy {
	long	min_length;		/* MinimumPasswordLength */
	int	require_symbols;
	int	require_numbers;
	int	require_uppercase;
	int	require_lowercase;
	int	allow_users_to_change;
	int	expire_passwords;
	long	max_age;		/* MaxPasswordAge, days */
	long	reuse_prevention;	/* PasswordReusePrevention */
	int	hard_expiry;
};
typedef void	(*iam_password_policy_cb)(const struct aws_result *,
		    const struct iam_password_policy *, void *);
struct aws_pager *aws_iam_get_account_password_policy(struct aws_client *,
		    iam_password_policy_cb, void *);

/* GetUserPolicy: the document, URL-decoded (JSON text as IAM holds it). */
typedef void	(*iam_policy_doc_cb)(const struct aws_result *,
		    const char *document, void *);
struct aws_pager *aws_iam_get_user_policy(struct aws_client *,
		    const char *user, const char *policy, iam_policy_doc_cb,
		    void *);

#endif
