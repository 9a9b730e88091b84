/*
 * The finding store: what each check last saw, per resource, and the
 * transitions that raise alerts.  A finding opens when a check sees
 * drift (ok or new -> drift) and resolves when it sees ok again or,
 * after a complete pass, no longer sees the resource at all.  unknown
 * neither opens nor resolves anything; a check that stays unknown for
 * blind_after passes is blind.  Blind checks are grouped by the cause
 * of their failure (findings_blind.h): one blind alert per cause naming
 * every check it blinds, one "sighted" alert when they all see again.  The store persists in <state_dir>/findings.json
 * so a restart neither re-alerts nor forgets.
 */
#ifndef DRIFTWATCH_FINDINGS_H
#define DRIFTWATCH_FINDINGS_H

#include <stddef.h>
#include <time.h>

#include "driftwatch/alert.h"

enum finding_state {
	FINDING_OK,
	FINDING_DRIFT,
	FINDING_UNKNOWN,
};

/* One observation by a check; every string is borrowed. */
struct finding_obs {
	const char		*check;		/* "root.mfa" */
	const char		*resource;	/* NULL or "" for the account */
	enum finding_state	 state;
	enum severity		 severity;
	const char		*title;		/* "root MFA is disabled" */
	const char		*expected;
	const char		*actual;
};

/* Called with each alert raised; ownership passes to the callee. */
typedef void	(*findings_alert_cb)(struct alert *, void *);

typedef void	(*findings_foreach_cb)(const char *key, const char *check,
		    enum finding_state, enum severity, const char *title,
		    const char *expected, const char *actual, void *);

struct findings;
struct mutes;

/* NULL on allocation failure.  account_id may be NULL (not checked). */
struct findings	*findings_new(const char *state_dir, const char *account_id,
		    unsigned blind_after);
void		 findings_free(struct findings *);

/*
 * Reads <state_dir>/findings.json; an absent file is an empty store.
 * DW_EPARSE (corrupt), DW_EINVAL (another account's state), DW_EIO or
 * DW_ETOOBIG, with err naming the file and the fault: the daemon must
 * not start and forget open findings.
 */
int		 findings_load(struct findings *, char *err, size_t errlen);
/* Writes the store atomically if it changed since the last save. */
int		 findings_save(struct findings *);

/* A pass of one check starts. */
void		 findings_begin(struct findings *, const char *check);
/* cb may be NULL: transitions happen, the alerts are dropped. */
void		 findings_observe(struct findings *, const struct finding_obs *,
		    time_t now, findings_alert_cb cb, void *arg);
/*
 * A pass ends.  complete: drift not observed in this pass resolves (the
 * resource is gone), the unknown streak resets and the check can see.
 * Not complete (error says why): nothing resolves, the streak grows and
 * reaching blind_after makes the check blind.  The blind and sighted
 * alerts wait for findings_flush().
 */
void		 findings_end(struct findings *, const char *check, int complete,
		    const char *error, time_t now, findings_alert_cb cb,
		    void *arg);
/*
 * Raises the blind and sighted alerts the ends so far call for, one per
 * cause.  While batched (a pass of several checks is running) nothing
 * is raised, so the pass's checks blinded by one failure share one alert.
 */
void		 findings_flush(struct findings *, time_t now,
		    findings_alert_cb cb, void *arg);
/* on: a pass starts (batches may nest); off: one ends. */
void		 findings_batch(struct findings *, int on);

/*
 * The mutes in force (mutes.h), borrowed until the next call; NULL for
 * none.  A muted finding raises no alert: its drift is held, and raises
 * the open alert once the mute has ended and the drift is seen again;
 * a resolve while muted, or before that open alert, raises none.
 */
void		 findings_set_mutes(struct findings *, const struct mutes *);
/*
 * One reminder alert listing every open, unmuted finding whose interval
 * (after[severity], seconds; 0: never) has passed since it opened or
 * was last reminded.  after has SEV_CRITICAL + 1 entries.
 */
void		 findings_remind(struct findings *, const unsigned *after,
		    time_t now, findings_alert_cb, void *);
/*
 * An event alert whose correlation (alert.h) names a finding: an open
 * alert on that finding within FINDINGS_RELATED_WINDOW carries the same
 * key and names the event; a drift already open is named in the event
 * alert's summary.
 */
void		 findings_relate_event(struct findings *, struct alert *,
		    time_t now);

size_t		 findings_open_count(const struct findings *);
/* Checks currently blind. */
size_t		 findings_blind_count(const struct findings *);
/* In key order; the strings are borrowed for the call. */
void		 findings_foreach(const struct findings *, findings_foreach_cb,
		    void *);
const char	*finding_state_name(enum finding_state);

/* A finding as status and the metrics read it; strings borrowed. */
struct finding_info {
	const char		*key;
	const char		*check;
	const char		*resource;	/* "" for the account */
	enum finding_state	 state;
	enum severity		 severity;
	const char		*title;
	const char		*expected;
	const char		*actual;
	time_t			 first_seen;	/* entered its state */
	time_t			 last_seen;
};

/* A check's watch: how many passes in a row it could not see, and why. */
struct findings_check_info {
	const char	*check;
	unsigned	 streak;
	int		 blind;
	const char	*error;		/* NULL when it last saw */
};

typedef void	(*findings_info_cb)(const struct finding_info *, void *);
typedef void	(*findings_check_cb)(const struct findings_check_info *,
		    void *);

/* In key order, every finding; in check order, every check watched. */
void		 findings_foreach_info(const struct findings *,
		    findings_info_cb, void *);
void		 findings_foreach_check(const struct findings *,
		    findings_check_cb, void *);

#endif
