/*
 * Recent events that affect a finding, in a small list pruned to the
 * window.  What an open alert needs of one is its correlation key and a
 * line naming it; nothing is persisted: a restart between an event and
 * its drift leaves the drift's alert unthreaded, never wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/alert.h"
#include "driftwatch/findings_related.h"
#include "driftwatch/xmalloc.h"

#define FR_MAX	256	/* events held at once; the oldest goes first */

struct fr_note {
	char	*key;
	char	*region;
	char	*what;
	time_t	 t;
};

struct findings_related {
	struct fr_note	n[FR_MAX];
	size_t		nn;
};

struct findings_related *
findings_related_new(void)
{
	return xcalloc(1, sizeof(struct findings_related));
}

static void
fr_drop(struct findings_related *fr, size_t i)
{
	free(fr->n[i].key);
	free(fr->n[i].region);
	free(fr->n[i].what);
	memmove(&fr->n[i], &fr->n[i + 1], (fr->nn - i - 1) *
	    sizeof(fr->n[0]));
	fr->nn--;
}

void
findings_related_free(struct findings_related *fr)
{
	if (fr == NULL)
		return;
	while (fr->nn > 0)
		fr_drop(fr, fr->nn - 1);
	free(fr);
}

static void
fr_prune(struct findings_related *fr, time_t now)
{
	size_t	i;

	for (i = fr->nn; i-- > 0; )
		if (fr->n[i].t + FINDINGS_RELATED_WINDOW < now ||
		    fr->n[i].t > now + FINDINGS_RELATED_WINDOW)
			fr_drop(fr, i);
}

void
findings_related_note(struct findings_related *fr, const struct alert *a,
    time_t now)
{
	struct fr_note	*n;

	if (a->kind != ALERT_EVENT || a->correlation == NULL)
		return;
	fr_prune(fr, now);
	if (fr->nn == FR_MAX)
		fr_drop(fr, 0);
	n = &fr->n[fr->nn++];
	n->key = xstrdup(a->correlation);
	n->region = a->ev.region ? xstrdup(a->ev.region) : NULL;
	xasprintf(&n->what, "%s by %s at %s (event %s)",
	    a->ev.event_name ? a->ev.event_name : "an event",
	    a->ev.actor_arn ? a->ev.actor_arn : "an unknown actor",
	    a->ev.event_time ? a->ev.event_time : "an unknown time",
	    a->ev.event_id ? a->ev.event_id : "-");
	n->t = now;
}

int
findings_related_matches(const char *key, const char *region,
    const char *check, const char *resource)
{
	size_t		 lc = strlen(check), lr;
	const char	*sub;

	if (strncmp(key, check, lc) != 0 ||
	    (key[lc] != '\0' && key[lc] != '/'))
		return 0;
	if (key[lc] == '\0')
		return 1;	/* about the check, whatever resource */
	sub = key + lc + 1;
	if (strcmp(resource, sub) == 0)
		return 1;
	if (region == NULL || strncmp(resource, region,
	    (lr = strlen(region))) != 0 || resource[lr] != '/')
		return 0;
	return strcmp(resource + lr + 1, sub) == 0;
}

int
findings_related_find(struct findings_related *fr, const char *check,
    const char *resource, time_t now, const char **key, const char **what)
{
	size_t	i;

	fr_prune(fr, now);
	for (i = fr->nn; i-- > 0; ) {
		if (!findings_related_matches(fr->n[i].key, fr->n[i].region,
		    check, resource))
			continue;
		*key = fr->n[i].key;
		*what = fr->n[i].what;
		return 1;
	}
	return 0;
}
