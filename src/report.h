/*
 * What one `check` pass saw, gathered for printing: every check with
 * its state, every finding, and the baseline sections left out.  The
 * table (report_table.c) and the JSON document (report_json.c) are two
 * views of it.
 */
#ifndef DRIFTWATCH_REPORT_H
#define DRIFTWATCH_REPORT_H

#include <stdio.h>
#include <time.h>

#include "driftwatch/check.h"
#include "driftwatch/findings.h"

/* A finding, or the "could not check" of an unknown check (key NULL). */
struct report_row {
	char			*key;		/* "iam.user_mfa/alice" */
	char			*check;
	char			*resource;	/* "" for the account */
	enum finding_state	 state;
	int			 has_severity;
	enum severity		 severity;
	char			*title;
	char			*expected;
	char			*actual;
	char			*reason;	/* unknown: why */
	/* drift a mute holds (mutes.h): shown as "muted" */
	int			 muted;
	time_t			 mute_until;
	char			*mute_reason;
	const char		*mute_source;	/* static */
};

struct report_check {
	char			*id;
	enum check_status	 status;	/* as the pass ended it */
	/* drift if any finding drifted, even when it could not finish */
	enum finding_state	 state;
	char			*error;
};

struct report_result {
	char			*account;	/* NULL: unknown */
	time_t			 time;
	struct report_check	*checks;	/* in the order they began */
	size_t			 nchecks;
	struct report_row	*rows;		/* by check, then by key */
	size_t			 nrows;
	char			**not_checked;	/* family names */
	size_t			 nnot_checked;
	size_t			 nok, ndrift, nunknown;
	size_t			 nmuted;	/* drift rows muted */
};

struct report_result	*report_result_new(const struct check_pass *,
			    const struct findings *, const struct baseline *,
			    time_t);
void			 report_result_free(struct report_result *);
struct mutes;
/* Marks each drift row a mute in ms holds at now. */
void			 report_result_mutes(struct report_result *,
			    const struct mutes *ms, time_t now);
/* The check's exit code: drift (not muted), unknown or on baseline. */
int			 report_result_exit(const struct report_result *,
			    const struct check_pass *);

/* The table for a person; colour: ANSI colours on the state. */
void	report_table(FILE *, const struct report_result *, int colour,
	    unsigned width);
/* The JSON document. */
void	report_json(FILE *, const struct report_result *);

#endif
