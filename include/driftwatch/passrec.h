/*
 * The record of the state-check passes, for `status`, the metrics
 * textfile and the heartbeat: <state_dir>/passes.json, written
 * atomically at the end of each pass,
 *
 *	{ "version": 1,
 *	  "last_pass":          { PASS },
 *	  "last_complete_pass": { PASS } }
 *
 * where PASS is { "started": <unix s>, "finished": <unix s>,
 * "duration_seconds": <s>, "ok": <n>, "drift": <n>, "unknown": <n> }.
 * A pass is complete when no check in it was unknown; either member is
 * absent until there was such a pass.
 */
#ifndef DRIFTWATCH_PASSREC_H
#define DRIFTWATCH_PASSREC_H

#include <stddef.h>
#include <time.h>

#define PASSREC_FILE	"passes.json"

struct passrec_pass {
	int		 set;		/* 0: there was none */
	time_t		 started;
	time_t		 finished;
	double		 duration;	/* seconds, a monotonic clock's */
	unsigned long	 ok, drift, unknown;
};

struct passrec {
	struct passrec_pass	last;
	struct passrec_pass	complete;
};

/* Records p as the last pass (and the last complete one if it was). */
void	passrec_add(struct passrec *, const struct passrec_pass *p);
/* Writes <dir>/passes.json atomically: 0 or DW_EIO/DW_ENOMEM. */
int	passrec_save(const struct passrec *, const char *dir);
/*
 * Reads <dir>/passes.json; an absent file is no pass yet (0).  DW_EIO
 * (errno set), DW_EPARSE or DW_ETOOBIG with err naming the file.
 */
int	passrec_load(struct passrec *, const char *dir, char *err,
	    size_t errlen);

#endif
