/*
 * Which CloudTrail events raise an alert (SPEC section 2): root activity,
 * MFA removed, CloudTrail stopped or weakened, Config stopped or changed,
 * break-glass user used, root session taken, account lifecycle and
 * baseline guard changes.  Root is decided by userIdentity.type alone,
 * never by a user name; the break-glass user by an IAMUser identity of
 * the account with that name.  Every string taken from the event is
 * untrusted and is cleaned and capped before it reaches the alert.
 */
#ifndef DRIFTWATCH_EVENT_RULES_H
#define DRIFTWATCH_EVENT_RULES_H

#include <stddef.h>

#include "driftwatch/alert.h"

#define EVENT_RULES_MAXINPUT	(4 * 1024 * 1024)	/* bytes of JSON */
#define EVENT_RULES_MAXFIELD	256	/* bytes per field in the alert */

/*
 * Matches one LookupEvents record's CloudTrailEvent string.  0 with
 * *out = NULL when the event is not alert-worthy; 0 with *out a new
 * ALERT_EVENT (id "evt-<eventID>", stable across restarts) when it is.
 * DW_EPARSE when the JSON is malformed, not an object or lacks eventName
 * or a valid eventID; DW_ETOOBIG over EVENT_RULES_MAXINPUT; DW_ENOMEM.
 * err says what is wrong without echoing the event.  region_hint (the
 * region polled) stands in for a missing awsRegion; account_id may be
 * NULL, then recipientAccountId is used.
 */
int	event_rules_match(const char *cloudtrail_event_json, size_t len,
	    const char *region_hint, const char *account_id,
	    struct alert **out, char *err, size_t errlen);

struct event_rules_opts {
	const char	*region_hint;	/* as above */
	const char	*account_id;	/* as above */
	const char	*break_glass_user;	/* iam.break_glass_user, or NULL */
};

/* event_rules_match() with the break-glass user the baseline names. */
int	event_rules_match_opts(const char *cloudtrail_event_json, size_t len,
	    const struct event_rules_opts *, struct alert **out, char *err,
	    size_t errlen);

#endif
