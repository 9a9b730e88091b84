/*
 * The iam family's parts, one file each; check_iam.c lists them.
 */
#ifndef DRIFTWATCH_CHECK_IAM_H
#define DRIFTWATCH_CHECK_IAM_H

#include "driftwatch/check_parts.h"

extern const struct check_part check_iam_mfa_part;	/* check_iam_mfa.c */
extern const struct check_part check_iam_users_part;	/* check_iam_users.c */

#endif
