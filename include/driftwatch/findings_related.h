/*
 * Events remembered for a while by the drift they cause: an event alert
 * with a correlation key (event_rules.c) is noted here, and an open
 * alert on a finding that key names, raised within the window, carries
 * the same key and says which event it is related to.
 */
#ifndef DRIFTWATCH_FINDINGS_RELATED_H
#define DRIFTWATCH_FINDINGS_RELATED_H

#include <time.h>

/* Seconds an event and the drift it causes are held to be related:
 * CloudTrail delivers an event within about 15 minutes. */
#define FINDINGS_RELATED_WINDOW	3600

struct alert;
struct findings_related;

struct findings_related	*findings_related_new(void);
void			 findings_related_free(struct findings_related *);

/* Notes an event alert whose correlation is set; others are ignored. */
void	findings_related_note(struct findings_related *, const struct alert *,
	    time_t now);
/*
 * 1 when key (check + "/" + resource, or the check alone) names a
 * finding of check with that resource: the same key, the resource in a
 * region ("us-east-1/rule"), or a key naming the check alone.
 */
int	findings_related_matches(const char *key, const char *region,
	    const char *check, const char *resource);
/*
 * The latest event noted within the window whose key matches the
 * finding: its key and a line naming it (both borrowed), or 0.
 */
int	findings_related_find(struct findings_related *, const char *check,
	    const char *resource, time_t now, const char **key,
	    const char **what);

#endif
