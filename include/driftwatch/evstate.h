/*
 * The CloudTrail poller's memory: per region, the newest EventTime seen
 * (the cursor the next LookupEvents starts from, less an overlap), and
 * the EventIds already alerted, so an event is alerted once even when
 * the overlap or a restart shows it again.  Persisted atomically in
 * <state_dir>/events.json.
 */
#ifndef DRIFTWATCH_EVSTATE_H
#define DRIFTWATCH_EVSTATE_H

#include <stddef.h>
#include <time.h>

#define EVSTATE_IDMAX		128	/* longest EventId accepted */
#define EVSTATE_REGIONMAX	64	/* longest region name accepted */
/*
 * How far the cursor of a region without recent events may trail the
 * end of what was read: the clock that end comes from may be wrong by
 * this much (less the overlap) before an event can be missed.
 */
#define EVSTATE_CLOCK_GUARD	3600

struct evstate;

/* NULL on allocation failure. */
struct evstate	*evstate_new(const char *state_dir);
void		 evstate_free(struct evstate *);

/*
 * Reads <state_dir>/events.json; an absent file is an empty state.
 * DW_EPARSE (corrupt), DW_EIO or DW_ETOOBIG with err naming the file and
 * the fault: the daemon must not start and re-alert or miss events.
 */
int		 evstate_load(struct evstate *, char *err, size_t errlen);
/* Writes the state atomically if it changed since the last save. */
int		 evstate_save(struct evstate *);

/*
 * The newest EventTime seen in region (without recent events, at most
 * EVSTATE_CLOCK_GUARD before the end of the last window read; before
 * the first, the first window's start plus the overlap), 0 if never
 * read.
 */
time_t		 evstate_cursor(const struct evstate *, const char *region);
/* The regions with a cursor, in the order first read: i-th one's name
 * (borrowed) and cursor, or NULL past the last. */
size_t		 evstate_ncursors(const struct evstate *);
const char	*evstate_cursor_at(const struct evstate *, size_t i,
		    time_t *cursor);
/* Moves the cursor forward; an older time or a bad region is ignored. */
void		 evstate_set_cursor(struct evstate *, const char *region,
		    time_t);
/*
 * The next LookupEvents window of region, both ends inclusive: from the
 * cursor less overlap (never read: now less lookback; never more than
 * LookupEvents' 90 days back) to now, AWS's time (aws_client_now()).
 * Every event that becomes visible within overlap of its EventTime is
 * in some window; EventId dedup drops the ones read twice.
 */
void		 evstate_window(const struct evstate *, const char *region,
		    time_t now, unsigned overlap, unsigned lookback,
		    time_t *start, time_t *end);
/*
 * [start, end] was read in full, its newest EventTime newest (0: no
 * event): moves the cursor to it, never past end, never back, and to at
 * least end - EVSTATE_CLOCK_GUARD.  The first time, to at least start +
 * overlap, so the next window still starts at start.  Never more than
 * the overlap past an event held (evstate_hold()).
 */
void		 evstate_advance(struct evstate *, const char *region,
		    time_t start, time_t end, time_t newest, unsigned overlap);

/* 1 if id is one evstate stores: 1..EVSTATE_IDMAX bytes, no controls. */
int		 evstate_valid_id(const char *id);
/* 1 if event_id was marked, 0 if not (or not a valid id). */
int		 evstate_seen(const struct evstate *, const char *event_id);
/*
 * Remembers event_id (again: keeps the newer time).  0, DW_EINVAL for
 * an id that is empty, longer than EVSTATE_IDMAX or holds a control
 * character, or DW_ENOMEM.
 */
int		 evstate_mark(struct evstate *, const char *event_id,
		    time_t event_time);
/*
 * An alert for event_id (EventTime t, in region) is on its way to disk:
 * until evstate_mark() marks the id (its alert is durable), no
 * evstate_advance() of region moves the cursor more than the overlap
 * past t, so a restart reads the event again.  Held in memory only: the
 * saved cursor is what a restart starts from.
 */
void		 evstate_hold(struct evstate *, const char *region,
		    const char *event_id, time_t t);
/* Events held now. */
size_t		 evstate_holds(const struct evstate *);
/* Forgets ids whose event time is before older_than. */
void		 evstate_prune(struct evstate *, time_t older_than);
size_t		 evstate_count(const struct evstate *);

#endif
