/*
 * The root family's parts, one file each; check_root.c lists them.
 */
#ifndef DRIFTWATCH_CHECK_ROOT_H
#define DRIFTWATCH_CHECK_ROOT_H

#include "driftwatch/check_parts.h"

/* root.mfa, root.access_keys (check_root_summary.c) */
extern const struct check_part check_root_summary_part;
/* root.usage (check_root_usage.c) */
extern const struct check_part check_root_usage_part;

#endif
