/*
 * What the chat sinks (Slack, Teams) show of an alert, decided once so
 * both say the same: its facts as label/value pairs, the summary lines
 * those facts do not already say, whether it is good news, and the AWS
 * console page of what it is about.  Rendering and escaping stay in
 * each sink.
 */
#ifndef DRIFTWATCH_SINK_TEXT_H
#define DRIFTWATCH_SINK_TEXT_H

#include <stddef.h>

#include "driftwatch/alert.h"

#define SINK_TEXT_MAXFACTS	16

struct sink_fact {
	const char	*label;
	const char	*value;		/* borrowed from the alert or own */
};

/* The facts of one alert; sink_facts_free() frees what it made. */
struct sink_facts {
	struct sink_fact	 f[SINK_TEXT_MAXFACTS];
	size_t			 n;
	char			*own[4];
};

/* 1 for a resolve or a "can see again": good news, never red. */
int		 sink_text_good(const struct alert *);
/* "Resolved", "Drift detected", ...: what kind of alert this is. */
const char	*sink_text_kind(const struct alert *);
/*
 * The alert's facts in the order people read them (who, what, when,
 * from where, then expected and actual); unset ones are left out.
 * 0, or DW_ENOMEM with f emptied.
 */
int		 sink_facts_make(const struct alert *, struct sink_facts *f);
void		 sink_facts_free(struct sink_facts *);
/*
 * The summary without the "Label: value" lines the facts already
 * show, as a new string (empty when nothing is left), or NULL when out
 * of memory.
 */
char		*sink_text_summary(const struct alert *);
/* The console page for the alert's resource into buf, or NULL. */
const char	*sink_text_console_url(const struct alert *, char *buf,
		    size_t len);

#endif
