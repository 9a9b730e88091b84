/*
 * Account ListRegions (REST-JSON, POST /listRegions): the regions
 * enabled for the caller's own account, for `event_regions = all`.
 */
#ifndef DRIFTWATCH_AWS_ACCOUNT_REGIONS_H
#define DRIFTWATCH_AWS_ACCOUNT_REGIONS_H

#include <stddef.h>

struct aws_client;
struct aws_pager;
struct aws_result;

#define ACCOUNT_REGIONS_MAX	64	/* more is an answer we refuse */

struct account_regions {
	char	*v[ACCOUNT_REGIONS_MAX];	/* region names, sorted */
	size_t	 n;
};

/* regions is NULL on any error; it is freed after the callback. */
typedef void	(*account_regions_cb)(const struct aws_result *,
		    const struct account_regions *, void *);

/*
 * ListRegions with RegionOptStatusContains ENABLED and ENABLED_BY_DEFAULT,
 * every page; a region in another status that comes back anyway is left
 * out, and so is a name that is not a region's.  No AccountId: the
 * caller's own account.  region only picks the partition.
 */
struct aws_pager	*aws_account_list_regions(struct aws_client *,
			    const char *region, account_regions_cb, void *);

#endif
