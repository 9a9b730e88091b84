/*
 * The durable outbox (SPEC §3).  It keeps alerts until every sink that
 * wants one has it, and schedules; it knows no protocol (sinks deliver,
 * see sink.h) and its files are outbox_store.h's: one per alert, each
 * sink's delivery state inside.
 *
 * Durability first: outbox_post() only queues an alert for the next
 * group commit, which runs from the loop right after (alerts made in
 * one loop turn share their fsyncs).  Its callback says when the alert
 * is durable (0) or could not be written (<0); the caller records
 * nothing as done (an event seen, a finding's new state saved) before
 * it hears 0.  An alert whose write failed is still delivered from
 * memory and written again later.
 *
 * Delivery: each sink gets its alerts one at a time, in the order they
 * were made.  A "retry" verdict means the sink is down: the sink (not
 * the alert) backs off, and its oldest alert is the probe that finds it
 * up again; then the queue drains at once.  A Retry-After (HTTP 429 or
 * 503) pauses that sink, and only that one, at least as long as asked,
 * at most OUTBOX_RETRY_AFTER_MAX (a longer ask is logged and capped);
 * the pause survives a reload and a restart.  A "permanent" verdict moves
 * that alert's copy to outbox/dead/ for a person.  At-least-once:
 * receivers drop repeats by alert id.
 *
 * Log lines name the alert id and the sink, never a URL or secret.
 */
#ifndef DRIFTWATCH_OUTBOX_H
#define DRIFTWATCH_OUTBOX_H

#include <stddef.h>
#include <time.h>

struct alert;
struct event_base;
struct outbox;
struct sink;

#define OUTBOX_COMMIT_BATCH	16	/* files written per loop turn */
#define OUTBOX_BACKOFF_BASE	1.0	/* seconds, a sink's first retry */
#define OUTBOX_BACKOFF_CAP	5.0	/* the probe interval of a down sink */
#define OUTBOX_RETRY_AFTER_MAX	3600	/* a sink's Retry-After, capped */
#define OUTBOX_REWRITE_S	5	/* a failed write is tried again */
#define OUTBOX_DONE_RING	1024	/* ids remembered once delivered */

/* 0: durable (or already delivered everywhere); <0: a DW_ code. */
typedef void	(*outbox_done_cb)(int result, void *arg);

/* NULL on allocation failure.  Call outbox_load() before posting. */
struct outbox	*outbox_new(struct event_base *, const char *state_dir);
/* Cancels deliveries in flight; waiting callbacks hear DW_ECANCELED;
 * files stay. */
void		 outbox_free(struct outbox *);
/*
 * Takes ownership of the array and the sinks, even on failure.
 * Deliveries in flight are cancelled and start again on the new sinks;
 * alerts for a sink no longer configured wait until it comes back.
 */
int		 outbox_set_sinks(struct outbox *, struct sink **, size_t);
/*
 * Creates the outbox directory if needed and queues every pending
 * file, the previous version's too.  The number of alerts queued, or a
 * negative DW_ code with err filled when the directory cannot be used.
 */
int		 outbox_load(struct outbox *, char *err, size_t errlen);
/*
 * Queues a copy of the alert for every sink that wants it (none: done
 * at once).  0, and cb (may be NULL) is called once from the loop; or
 * DW_ENOMEM, and cb is not called.  The same id posted again joins the
 * alert already held.
 */
int		 outbox_post(struct outbox *, const struct alert *,
		    outbox_done_cb, void *);
/* cb, from the loop, once everything posted so far is durable (0) or
 * some alert held could not be written (<0). */
int		 outbox_barrier(struct outbox *, outbox_done_cb, void *);
/* Commits what waits, now: 0, or DW_EIO when some alert held is still
 * not on disk.  For a clean stop. */
int		 outbox_flush(struct outbox *);
/* No new delivery starts (those in flight finish): for a clean stop. */
void		 outbox_quiesce(struct outbox *);
/* Alerts held, in any state (including those waiting for a sink). */
size_t		 outbox_pending(const struct outbox *);
/* The sinks delivering now, and the i-th one's name (borrowed; NULL
 * past the last), alerts waiting for it and the oldest one's time (0:
 * none). */
size_t		 outbox_nsinks(const struct outbox *);
const char	*outbox_sink_backlog(const struct outbox *, size_t i,
		    size_t *pending, time_t *oldest);
/* Sinks that are down and backing off. */
size_t		 outbox_backing_off(const struct outbox *);
/* Deliveries in flight now: at shutdown the daemon waits briefly. */
size_t		 outbox_sending(const struct outbox *);
/* A down sink's n-th retry waits min(cap, base * 2^n) less up to half. */
void		 outbox_set_backoff(struct outbox *, double base_s,
		    double cap_s);

#endif
