/*
 * The iam family's parts, one file each; check_iam.c lists them.
 */
#ifndef DRIFTWATCH_CHECK_IAM_H
#define DRIFTWATCH_CHECK_IAM_H

#include "driftwatch/check_parts.h"

extern const struct check_part check_iam_mfa_part;	/* check_iam_mfa.c */
extern const struct check_part check_iam_unused_part;	/* check_iam_unused.c */
extern const struct check_part check_iam_users_part;	/* check_iam_users.c */
extern const struct check_part check_iam_alias_part;	/* check_iam_alias.c */
extern const struct check_part check_iam_password_part; /* check_iam_password.c */

/*
 * Whether a user has administrator access (check_iam_admin.c).  The
 * callback runs once, from the loop, with result 0 and is_admin, or a
 * negative result and why; never after cancel.  NULL: not started.
 */
struct aws_client;
struct check_iam_admin;
typedef void	(*check_iam_admin_cb)(int result, int is_admin,
		    const char *error, void *);
struct check_iam_admin	*check_iam_admin_start(struct aws_client *,
			    const char *user, check_iam_admin_cb, void *);
void			 check_iam_admin_cancel(struct check_iam_admin *);
/* arn:<partition>:iam::aws:policy/AdministratorAccess: 1, else 0. */
int			 check_iam_admin_arn(const char *arn);
/* A policy document allows "*" on "*" (Effect Allow, no Condition): 1,
 * 0 if not, -1 if it is not a policy document. */
int			 check_iam_admin_allows_all(const char *json);

#endif
