/*
 * What `driftwatchd status` shows, read from the state directory alone
 * (no AWS, no credentials, no lock: every file there is replaced
 * atomically, so a read while the daemon runs sees a whole one): the
 * findings and watched checks (findings.json), the passes
 * (passes.json), the event cursors (events.json) and the alerts still
 * pending per sink (outbox/).
 */
#ifndef DRIFTWATCH_STATUS_H
#define DRIFTWATCH_STATUS_H

#include <stddef.h>
#include <time.h>

#include "driftwatch/passrec.h"

#define EXIT_NOINPUT	66	/* sysexits EX_NOINPUT: state dir unreadable */
#define EXIT_IOERR	74	/* EX_IOERR: a state file unreadable */

struct config;
struct findings;
struct evstate;
struct mutes;

/* One sink's alerts not yet delivered. */
struct status_sink {
	char	*name;
	size_t	 pending;
	time_t	 oldest;	/* the oldest pending alert's time; 0: none */
};

struct status {
	const char		*state_dir;	/* borrowed from the config */
	const char		*account;	/* borrowed; may be NULL */
	int			 no_state;	/* the directory is not there */
	time_t			 now;
	struct findings		*findings;
	struct evstate		*ev;
	struct passrec		 passes;
	struct status_sink	*sinks;		/* configured ones first */
	size_t			 nsinks;
	size_t			 unreadable;	/* outbox files not read */
	/* the baseline's and mutes.json's (mutes.h); owned, may be NULL */
	struct mutes		*mutes;
};

/*
 * Reads the state of cfg's directory.  0 and *out set; or EXIT_NOINPUT
 * (the directory cannot be opened) or EXIT_IOERR (a file cannot be
 * read or is corrupt), with err saying which and why.
 */
int	status_read(const struct config *, const char *account, time_t now,
	    struct status **out, char *err, size_t errlen);
void	status_free(struct status *);
/* Open findings no mute holds at st->now. */
size_t	status_open_count(const struct status *);
/* The exit code: 1 open (unmuted) findings, else 2 blind or no
 * complete pass, else 0. */
int	status_exit(const struct status *);

#endif
