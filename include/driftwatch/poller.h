/*
 * The CloudTrail event poller: LookupEvents in each event region on its
 * own timer, under the API's rate by construction, with a persisted
 * cursor, an overlap window for CloudTrail's delivery lag, and EventId
 * deduplication so each event is alerted once.
 */
#ifndef DRIFTWATCH_POLLER_H
#define DRIFTWATCH_POLLER_H

#include <stddef.h>

#include "driftwatch/findings.h"

struct event_base;
struct aws_client;
struct evstate;

#define POLLER_RATE	1.6	/* LookupEvents calls a second; AWS allows 2 */
#define POLLER_REGIONS_EVERY	21600	/* seconds between ListRegions */
#define POLLER_REGIONS_CHECK	"events.regions"

struct poller_options {
	const char *const	*regions;
	size_t			 nregions;
	/*
	 * 1: also every region Account ListRegions says is enabled, read at
	 * start and every POLLER_REGIONS_EVERY seconds (check
	 * "events.regions"); home_region picks ListRegions' partition.
	 */
	int			 all_regions;
	const char		*home_region;
	const char		*account_id;
	const char		*break_glass_user;	/* its own lookup; NULL */
	unsigned		 interval;	/* seconds between polls */
	unsigned		 overlap;	/* seconds re-read each poll */
	unsigned		 lookback;	/* seconds read by the first poll */
	unsigned		 max_pages;	/* per lookup of a piece; 0: 400 */
};

struct poller	*poller_new(struct event_base *, struct aws_client *,
		    struct evstate *, struct findings *,
		    const struct poller_options *, findings_alert_cb, void *);
void		 poller_free(struct poller *);
/* Polls every region now, then every interval; with all_regions each
 * enabled region from when ListRegions names it. */
int		 poller_start(struct poller *);
/* Regions whose last poll succeeded, for STATUS=. */
size_t		 poller_healthy(const struct poller *);
size_t		 poller_regions(const struct poller *);

#endif
