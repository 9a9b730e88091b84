/*
 * The durable outbox: alerts in the order they were made, each with
 * one slot per sink that wants it, and per sink a queue of pending
 * slots.  A sink is a small state machine:
 *
 *	idle -> sending -> idle			(delivered or dead: next one)
 *	            `----> backing off -> sending	(retry: the sink is down)
 *
 * Only one delivery per sink is in flight, so a sink sees alerts in
 * order; backing off is the sink's, so a down sink costs one probe per
 * interval, and the first success drains its queue at once.
 *
 * Writes go through a dirty list that one zero-delay event commits,
 * OUTBOX_COMMIT_BATCH files a turn: stage (write + fdatasync) each,
 * rename each, fsync the directory once, then tell the waiters.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"
#include "driftwatch/outbox.h"
#include "driftwatch/outbox_store.h"
#include "driftwatch/sink.h"

struct outbox_item;
struct outbox_sinkq;

struct outbox_waiter {
	struct outbox_waiter	*next;
	outbox_done_cb		 cb;
	void			*arg;
};

struct outbox_slot {
	struct outbox_slot_rec	 r;	/* first: outbox_rec_encode strides */
	TAILQ_ENTRY(outbox_slot) q;
	struct outbox_item	*item;
	struct outbox_sinkq	*sq;	/* queued on, or NULL */
};
TAILQ_HEAD(outbox_slots, outbox_slot);

struct outbox_item {
	TAILQ_ENTRY(outbox_item) entry;	/* held, by seq */
	TAILQ_ENTRY(outbox_item) dirty;	/* waiting for a commit */
	struct outbox		*ob;
	uint64_t		 seq;
	struct alert		*alert;
	char			 file[ALERT_ID_LEN + 8];
	struct outbox_slot	*slots;
	size_t			 nslots;
	int			 on_disk;	/* its file holds the alert */
	int			 tried;		/* a commit has tried it */
	int			 stale;		/* memory is newer than disk */
	int			 in_dirty;
	int			 dead_dirty;	/* dead/ copy to write */
	int			 finished;	/* every slot delivered or dead */
	char			**legacy;	/* old files, gone once written */
	size_t			 nlegacy;
	struct outbox_waiter	*waiters;
};
TAILQ_HEAD(outbox_items, outbox_item);

struct outbox_sinkq {
	struct outbox		*ob;
	struct sink		*sink;
	struct outbox_slots	 queue;
	size_t			 nqueued;
	struct outbox_slot	*sending;
	struct sink_call	*call;
	struct event		*timer;		/* backing off */
	unsigned		 failures;	/* in a row */
};

struct outbox {
	struct event_base	*base;
	struct outbox_store	*store;
	struct outbox_store	*dead;
	struct outbox_items	 items;
	size_t			 nitems;
	struct outbox_items	 dirtyq;
	struct outbox_sinkq	*sq;
	size_t			 nsq;
	struct sink		**sinks;
	struct event		*commit;
	struct event		*rewrite;
	struct outbox_waiter	*barriers;
	struct outbox_waiter	*ready;
	uint64_t		 next_seq;
	double			 base_s;
	double			 cap_s;
	int			 quiesced;
	char			 done[OUTBOX_DONE_RING][ALERT_ID_LEN];
	size_t			 ndone;
	char			**unlinks;	/* at the next commit */
	size_t			 nunlinks;
};

static void	outbox_sinkq_kick(struct outbox_sinkq *);
static void	outbox_commit_soon(struct outbox *);

/* --- waiters --------------------------------------------------------- */

static int
outbox_wait(struct outbox_waiter **list, outbox_done_cb cb, void *arg)
{
	struct outbox_waiter	*w, **p;

	if (cb == NULL)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return DW_ENOMEM;
	w->cb = cb;
	w->arg = arg;
	for (p = list; *p != NULL; p = &(*p)->next)
		;
	*p = w;
	return 0;
}

/* Calls and frees every waiter of a list already detached. */
static void
outbox_wake(struct outbox_waiter *w, int result)
{
	struct outbox_waiter	*next;

	for (; w != NULL; w = next) {
		next = w->next;
		w->cb(result, w->arg);
		free(w);
	}
}

/* --- items ------------------------------------------------------------ */

static void
outbox_item_free(struct outbox_item *it)
{
	size_t	i;

	if (it == NULL)
		return;
	for (i = 0; i < it->nslots; i++)
		free(it->slots[i].r.sink);
	for (i = 0; i < it->nlegacy; i++)
		free(it->legacy[i]);
	free(it->legacy);
	free(it->slots);
	alert_free(it->alert);
	free(it);
}

/* Owns alert (even on failure) and makes nslots empty slots. */
static struct outbox_item *
outbox_item_new(struct outbox *ob, struct alert *alert, size_t nslots)
{
	struct outbox_item	*it;

	if ((it = calloc(1, sizeof(*it))) == NULL ||
	    (it->slots = calloc(nslots + 1, sizeof(*it->slots))) == NULL) {
		free(it);
		alert_free(alert);
		return NULL;
	}
	it->ob = ob;
	it->alert = alert;
	it->nslots = nslots;
	snprintf(it->file, sizeof(it->file), "%s.json", alert->id);
	return it;
}

static void
outbox_item_touch(struct outbox_item *it)
{
	it->stale = 1;
	if (!it->in_dirty) {
		TAILQ_INSERT_TAIL(&it->ob->dirtyq, it, dirty);
		it->in_dirty = 1;
	}
	outbox_commit_soon(it->ob);
}

static struct outbox_item *
outbox_item_find(const struct outbox *ob, const char *id)
{
	struct outbox_item	*it;

	TAILQ_FOREACH(it, &ob->items, entry)
		if (strcmp(it->alert->id, id) == 0)
			return it;
	return NULL;
}

static int
outbox_recently_done(const struct outbox *ob, const char *id)
{
	size_t	i, n = ob->ndone < OUTBOX_DONE_RING ? ob->ndone :
		    OUTBOX_DONE_RING;

	for (i = 0; i < n; i++)
		if (strcmp(ob->done[i], id) == 0)
			return 1;
	return 0;
}

/* Every slot is delivered or dead: the file goes at the next commit. */
static void
outbox_item_finish(struct outbox_item *it)
{
	struct outbox	*ob = it->ob;

	snprintf(ob->done[ob->ndone++ % OUTBOX_DONE_RING], ALERT_ID_LEN,
	    "%s", it->alert->id);
	TAILQ_REMOVE(&ob->items, it, entry);
	ob->nitems--;
	it->finished = 1;
	outbox_item_touch(it);
}

static int
outbox_item_pending(const struct outbox_item *it)
{
	size_t	i;

	for (i = 0; i < it->nslots; i++)
		if (it->slots[i].r.state == OUTBOX_SLOT_PENDING)
			return 1;
	return 0;
}

static void
outbox_item_changed(struct outbox_item *it)
{
	if (outbox_item_pending(it))
		outbox_item_touch(it);
	else
		outbox_item_finish(it);
}

/* --- logging ------------------------------------------------------------ */

static void
outbox_slot_log(const struct outbox_slot *s, int prio, const char *msgid,
    const char *detail, const char *extra)
{
	const struct alert	*a = s->item->alert;
	const struct log_field	 fields[] = {
		{ "DRIFTWATCH_ALERT_ID", a->id },
		{ "DRIFTWATCH_SINK", s->r.sink },
		{ "DRIFTWATCH_CHECK", a->check },
		{ "DRIFTWATCH_SEVERITY", severity_name(a->severity) },
		{ NULL, NULL }
	};

	log_struct(prio, msgid, fields, "outbox: alert %s to sink %s: %s, %s",
	    a->id, s->r.sink, detail, extra);
}

/* --- sinks ----------------------------------------------------------------- */

static void
outbox_slot_unqueue(struct outbox_slot *s)
{
	if (s->sq == NULL)
		return;
	TAILQ_REMOVE(&s->sq->queue, s, q);
	s->sq->nqueued--;
	s->sq = NULL;
}

static double
outbox_backoff(const struct outbox *ob, unsigned failures, long retry_after)
{
	double	d = ob->base_s;
	unsigned i;

	for (i = 1; i < failures && d < ob->cap_s; i++)
		d *= 2;
	if (d > ob->cap_s)
		d = ob->cap_s;
	d *= 0.5 + 0.5 * ((double)random() / (double)RAND_MAX);
	if (retry_after >= 0 && (double)retry_after > d)
		d = (double)retry_after;
	return d;
}

static void
outbox_timer_add(struct event *ev, double secs)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(ev, &tv);
}

/* The wait a sink's answer asked for, capped; -1 when none. */
static long
outbox_retry_after(const struct outbox_sinkq *sq, long retry_after)
{
	if (retry_after <= OUTBOX_RETRY_AFTER_MAX)
		return retry_after;
	log_warnx("outbox: sink %s asks to wait %ld s (Retry-After); "
	    "waiting %d s, the longest driftwatch waits", sq->sink->name,
	    retry_after, OUTBOX_RETRY_AFTER_MAX);
	return OUTBOX_RETRY_AFTER_MAX;
}

/* The sink is down: it, not the alert, waits; its head is the probe. */
static void
outbox_sinkq_backoff(struct outbox_sinkq *sq, struct outbox_slot *s,
    const char *why, long retry_after)
{
	char	extra[160];
	double	delay;

	sq->failures++;
	s->r.attempts++;
	retry_after = outbox_retry_after(sq, retry_after);
	delay = outbox_backoff(sq->ob, sq->failures, retry_after);
	s->r.next = time(NULL) + (time_t)delay + 1;
	if (retry_after >= 0)
		snprintf(extra, sizeof(extra), "attempt %u; the sink asks to "
		    "wait %ld s (Retry-After), %zu alert(s) wait; trying "
		    "again in %.1f s", s->r.attempts, retry_after,
		    sq->nqueued, delay);
	else
		snprintf(extra, sizeof(extra), "attempt %u; sink down (%u in "
		    "a row), %zu alert(s) wait; probing again in %.1f s",
		    s->r.attempts, sq->failures, sq->nqueued, delay);
	outbox_slot_log(s, LOG_WARNING, MSGID_DELIVERY_FAILED, why, extra);
	outbox_item_touch(s->item);
	outbox_timer_add(sq->timer, delay);
}

static void
outbox_sinkq_delivered(struct outbox_sinkq *sq, struct outbox_slot *s)
{
	/* journalctl DRIFTWATCH_ALERT_ID=... shows where an alert went */
	const struct log_field	f[] = {
		{ "DRIFTWATCH_ALERT_ID", s->item->alert->id },
		{ "DRIFTWATCH_SINK", s->r.sink },
		{ NULL, NULL }
	};

	if (sq->failures > 0)
		log_info("outbox: sink %s answers again after %u failed "
		    "attempt(s); %zu alert(s) to deliver", sq->sink->name,
		    sq->failures, sq->nqueued);
	sq->failures = 0;
	log_struct(LOG_INFO, NULL, f, "outbox: alert %s delivered to sink %s",
	    s->item->alert->id, s->r.sink);
	outbox_slot_unqueue(s);
	s->r.state = OUTBOX_SLOT_DELIVERED;
	outbox_item_changed(s->item);
}

/* A permanent refusal: keep the alert in dead/ for a person. */
static void
outbox_sinkq_dead(struct outbox_sinkq *sq, struct outbox_slot *s,
    const char *why)
{
	sq->failures = 0;	/* it answered: it is up */
	outbox_slot_log(s, LOG_ERR, MSGID_ALERT_DEAD, why,
	    "not retrying; kept in outbox/dead");
	outbox_slot_unqueue(s);
	s->r.state = OUTBOX_SLOT_DEAD;
	s->item->dead_dirty = 1;
	outbox_item_changed(s->item);
}

static void
outbox_sinkq_done(const struct sink_result *res, void *arg)
{
	struct outbox_sinkq	*sq = arg;
	struct outbox_slot	*s = sq->sending;

	sq->sending = NULL;
	sq->call = NULL;
	switch (res->verdict) {
	case SINK_DELIVERED:
		outbox_sinkq_delivered(sq, s);
		break;
	case SINK_PERMANENT:
		outbox_sinkq_dead(sq, s, res->detail);
		break;
	case SINK_RETRY:
		outbox_sinkq_backoff(sq, s, res->detail, res->retry_after);
		return;
	}
	outbox_sinkq_kick(sq);
}

/* Starts the oldest pending delivery unless one runs or the sink waits. */
static void
outbox_sinkq_kick(struct outbox_sinkq *sq)
{
	struct outbox_slot	*s;

	if (sq->ob->quiesced || sq->sending != NULL ||
	    evtimer_pending(sq->timer, NULL))
		return;
	if ((s = TAILQ_FIRST(&sq->queue)) == NULL || !s->item->tried)
		return;		/* the commit kicks once it has tried */
	sq->sending = s;
	log_debug("outbox: alert %s to sink %s: sending (attempt %u)",
	    s->item->alert->id, s->r.sink, s->r.attempts + 1);
	sq->call = sink_deliver(sq->sink, s->item->alert, outbox_sinkq_done,
	    sq);
	if (sq->call == NULL) {
		sq->sending = NULL;
		outbox_sinkq_backoff(sq, s, "could not start the delivery", -1);
	}
}

static void
outbox_sinkq_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	outbox_sinkq_kick(arg);
}

static void
outbox_kick_all(struct outbox *ob)
{
	size_t	i;

	for (i = 0; i < ob->nsq; i++)
		outbox_sinkq_kick(&ob->sq[i]);
}

static struct outbox_sinkq *
outbox_sinkq_find(struct outbox *ob, const char *name)
{
	size_t	i;

	for (i = 0; i < ob->nsq; i++)
		if (strcmp(ob->sq[i].sink->name, name) == 0)
			return &ob->sq[i];
	return NULL;
}

static void
outbox_sinkq_enqueue(struct outbox_sinkq *sq, struct outbox_slot *s)
{
	TAILQ_INSERT_TAIL(&sq->queue, s, q);
	sq->nqueued++;
	s->sq = sq;
}

/* Stops a delivery in flight; its slot stays first in the queue. */
static void
outbox_sinkq_stop(struct outbox_sinkq *sq)
{
	if (sq->call != NULL)
		sink_cancel(sq->sink, sq->call);
	sq->call = NULL;
	sq->sending = NULL;
	while (!TAILQ_EMPTY(&sq->queue))
		outbox_slot_unqueue(TAILQ_FIRST(&sq->queue));
	if (sq->timer != NULL)
		event_free(sq->timer);
	sq->timer = NULL;
}

static void
outbox_free_sinks(struct sink **sinks, size_t n)
{
	size_t	i;

	for (i = 0; sinks != NULL && i < n; i++)
		sink_free(sinks[i]);
	free(sinks);
}

/* One line per sink that has alerts waiting but is not configured. */
static void
outbox_log_orphans(const struct outbox *ob)
{
	const struct outbox_item	*it, *p;
	size_t				 i, j, k, n;
	int				 seen;

	TAILQ_FOREACH(it, &ob->items, entry)
	for (i = 0; i < it->nslots; i++) {
		if (it->slots[i].r.state != OUTBOX_SLOT_PENDING ||
		    it->slots[i].sq != NULL)
			continue;
		seen = 0;
		for (p = TAILQ_FIRST(&ob->items); p != it && !seen;
		    p = TAILQ_NEXT(p, entry))
			for (j = 0; j < p->nslots; j++)
				seen |= p->slots[j].r.state ==
				    OUTBOX_SLOT_PENDING && strcmp(p->slots[j].r.sink,
				    it->slots[i].r.sink) == 0;
		if (seen)
			continue;
		n = 0;
		for (p = it; p != NULL; p = TAILQ_NEXT(p, entry))
			for (k = 0; k < p->nslots; k++)
				n += p->slots[k].r.state == OUTBOX_SLOT_PENDING &&
				    strcmp(p->slots[k].r.sink,
				    it->slots[i].r.sink) == 0;
		log_warnx("outbox: %zu alert(s) wait for sink %s, which is "
		    "not configured; they stay in %s", n, it->slots[i].r.sink,
		    outbox_store_dir(ob->store));
	}
}

/* Queues every pending slot on its sink, oldest alert first. */
static void
outbox_requeue(struct outbox *ob)
{
	struct outbox_item	*it;
	struct outbox_sinkq	*sq;
	struct outbox_slot	*s;
	time_t			 now = time(NULL);
	size_t			 i;

	TAILQ_FOREACH(it, &ob->items, entry)
		for (i = 0; i < it->nslots; i++) {
			s = &it->slots[i];
			if (s->r.state == OUTBOX_SLOT_PENDING && s->sq == NULL &&
			    (sq = outbox_sinkq_find(ob, s->r.sink)) != NULL)
				outbox_sinkq_enqueue(sq, s);
		}
	/* a sink that was backing off before a restart still waits */
	for (i = 0; i < ob->nsq; i++) {
		s = TAILQ_FIRST(&ob->sq[i].queue);
		if (s != NULL && s->r.next > now &&
		    !evtimer_pending(ob->sq[i].timer, NULL))
			outbox_timer_add(ob->sq[i].timer,
			    (double)(s->r.next - now));
	}
	outbox_log_orphans(ob);
}

int
outbox_set_sinks(struct outbox *ob, struct sink **sinks, size_t n)
{
	struct outbox_sinkq	*sq;
	size_t			 i;

	if ((sq = calloc(n + 1, sizeof(*sq))) == NULL) {
		outbox_free_sinks(sinks, n);
		return DW_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		sq[i].ob = ob;
		sq[i].sink = sinks[i];
		TAILQ_INIT(&sq[i].queue);
		if ((sq[i].timer = evtimer_new(ob->base, outbox_sinkq_timer_cb,
		    &sq[i])) == NULL) {
			while (i > 0)
				event_free(sq[--i].timer);
			free(sq);
			outbox_free_sinks(sinks, n);
			return DW_ENOMEM;
		}
	}
	for (i = 0; i < ob->nsq; i++)
		outbox_sinkq_stop(&ob->sq[i]);
	free(ob->sq);
	outbox_free_sinks(ob->sinks, ob->nsq);
	ob->sq = sq;
	ob->sinks = sinks;
	ob->nsq = n;
	outbox_requeue(ob);
	outbox_kick_all(ob);
	return 0;
}

/* --- the group commit -------------------------------------------------------- */

static int
outbox_stage(struct outbox_store *st, const struct outbox_item *it)
{
	char	*buf;
	size_t	 len = 0;
	int	 r;

	buf = outbox_rec_encode(it->seq, it->alert, &it->slots[0].r,
	    it->nslots, sizeof(struct outbox_slot), &len);
	if (buf == NULL)
		return DW_ENOMEM;
	r = outbox_store_stage(st, it->file, buf, len);
	free(buf);
	return r;
}

static int
outbox_unlink_later(struct outbox *ob, const char *name)
{
	char	**v;

	if ((v = reallocarray(ob->unlinks, ob->nunlinks + 1,
	    sizeof(*v))) == NULL)
		return DW_ENOMEM;
	ob->unlinks = v;
	if ((v[ob->nunlinks] = strdup(name)) == NULL)
		return DW_ENOMEM;
	ob->nunlinks++;
	return 0;
}

/* Writes the dead/ copy; rare, so its own directory sync. */
static void
outbox_commit_dead(struct outbox *ob, struct outbox_item *it)
{
	char	err[256];
	int	r;

	if ((r = outbox_store_open(ob->dead, err, sizeof(err))) != 0 ||
	    (r = outbox_stage(ob->dead, it)) != 0 ||
	    (r = outbox_store_publish(ob->dead, it->file)) != 0 ||
	    (r = outbox_store_sync(ob->dead)) != 0) {
		log_warn("outbox: cannot write %s/%s",
		    outbox_store_dir(ob->dead), it->file);
		return;
	}
	it->dead_dirty = 0;
}

/* Stage one item's file; the item's result so far. */
static int
outbox_commit_stage(struct outbox *ob, struct outbox_item *it)
{
	int	r;

	if (it->dead_dirty)
		outbox_commit_dead(ob, it);
	if (it->finished && it->dead_dirty) {
		/* its file keeps the alert; the next start tries again */
		log_warnx("outbox: alert %s stays in %s until dead/ can be "
		    "written", it->alert->id, outbox_store_dir(ob->store));
		return 0;
	}
	if (it->finished)
		return it->on_disk ? outbox_unlink_later(ob, it->file) : 0;
	if ((r = outbox_stage(ob->store, it)) != 0)
		log_warn("outbox: cannot write %s/%s",
		    outbox_store_dir(ob->store), it->file);
	return r;
}

static int
outbox_commit_publish(struct outbox *ob, struct outbox_item *it)
{
	size_t	i;
	int	r;

	if (it->finished)
		return 0;
	if ((r = outbox_store_publish(ob->store, it->file)) != 0) {
		log_warn("outbox: cannot rename into %s/%s",
		    outbox_store_dir(ob->store), it->file);
		outbox_store_discard(ob->store, it->file);
		return r;
	}
	for (i = 0; i < it->nlegacy; i++)
		outbox_unlink_later(ob, it->legacy[i]);
	return 0;
}

static void
outbox_commit_unlinks(struct outbox *ob)
{
	size_t	i;

	for (i = 0; i < ob->nunlinks; i++) {
		if (outbox_store_unlink(ob->store, ob->unlinks[i]) != 0)
			log_warn("outbox: cannot remove %s/%s",
			    outbox_store_dir(ob->store), ob->unlinks[i]);
		free(ob->unlinks[i]);
	}
	free(ob->unlinks);
	ob->unlinks = NULL;
	ob->nunlinks = 0;
}

/* After the directory sync: what each item's waiters hear. */
static void
outbox_commit_settle(struct outbox_item *it, int r,
    struct outbox_waiter **wake_ok, struct outbox_waiter **wake_fail)
{
	struct outbox_waiter	**dst, *w;
	size_t			  i;

	it->tried = 1;
	if (r == 0 && !it->finished) {
		it->on_disk = 1;
		it->stale = 0;
		for (i = 0; i < it->nlegacy; i++)
			free(it->legacy[i]);
		it->nlegacy = 0;
	}
	/* delivered everywhere is as good as durable */
	dst = r == 0 || it->finished ? wake_ok : wake_fail;
	if ((w = it->waiters) != NULL) {
		while (w->next != NULL)
			w = w->next;
		w->next = *dst;
		*dst = it->waiters;
		it->waiters = NULL;
	}
	if (it->finished)
		outbox_item_free(it);
}

static int
outbox_not_on_disk(const struct outbox *ob)
{
	const struct outbox_item	*it;

	TAILQ_FOREACH(it, &ob->items, entry)
		if (!it->on_disk)
			return 1;
	return 0;
}

/* Runs one batch; the number of items it took. */
static size_t
outbox_commit_batch(struct outbox *ob, struct outbox_waiter **ok,
    struct outbox_waiter **fail)
{
	struct outbox_item	*batch[OUTBOX_COMMIT_BATCH], *it;
	int			 res[OUTBOX_COMMIT_BATCH];
	size_t			 n = 0, i;
	int			 sync;

	while (n < OUTBOX_COMMIT_BATCH && (it = TAILQ_FIRST(&ob->dirtyq))) {
		TAILQ_REMOVE(&ob->dirtyq, it, dirty);
		it->in_dirty = 0;
		batch[n] = it;
		res[n] = outbox_commit_stage(ob, it);
		n++;
	}
	for (i = 0; i < n; i++)
		if (res[i] == 0)
			res[i] = outbox_commit_publish(ob, batch[i]);
	outbox_commit_unlinks(ob);
	if ((sync = outbox_store_sync(ob->store)) != 0)
		log_warn("outbox: cannot sync %s", outbox_store_dir(ob->store));
	for (i = 0; i < n; i++)
		outbox_commit_settle(batch[i], res[i] != 0 ? res[i] : sync, ok,
		    fail);
	return n;
}

static void
outbox_rewrite_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox		*ob = arg;
	struct outbox_item	*it;

	(void)fd;
	(void)what;
	TAILQ_FOREACH(it, &ob->items, entry)
		if (!it->on_disk || it->stale)
			outbox_item_touch(it);
}

/* One turn's commit; waiters hear back only after all state is set. */
static int
outbox_commit(struct outbox *ob)
{
	struct outbox_waiter	*ok = NULL, *fail = NULL, *bar = NULL;
	int			 held;

	outbox_commit_batch(ob, &ok, &fail);
	held = outbox_not_on_disk(ob);
	if (TAILQ_EMPTY(&ob->dirtyq)) {
		bar = ob->barriers;
		ob->barriers = NULL;
	} else
		outbox_commit_soon(ob);
	if (held || fail != NULL) {
		static const struct timeval tv = { OUTBOX_REWRITE_S, 0 };
		evtimer_add(ob->rewrite, &tv);
	}
	outbox_wake(fail, DW_EIO);
	outbox_wake(ok, 0);
	outbox_wake(bar, held ? DW_EIO : 0);
	outbox_kick_all(ob);
	return held ? DW_EIO : 0;
}

static void
outbox_commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct outbox		*ob = arg;
	struct outbox_waiter	*ready = ob->ready;

	(void)fd;
	(void)what;
	ob->ready = NULL;
	if (!TAILQ_EMPTY(&ob->dirtyq) || ob->barriers != NULL)
		outbox_commit(ob);
	outbox_wake(ready, 0);
}

/* Idempotent: one commit runs from the loop soon after. */
static void
outbox_commit_soon(struct outbox *ob)
{
	static const struct timeval	now = { 0, 0 };

	evtimer_add(ob->commit, &now);
}

int
outbox_flush(struct outbox *ob)
{
	struct outbox_waiter	*ready = ob->ready;
	int			 r = 0;

	ob->ready = NULL;
	do
		r = outbox_commit(ob);
	while (!TAILQ_EMPTY(&ob->dirtyq));
	outbox_wake(ready, 0);
	return r;
}

/* --- posting ---------------------------------------------------------------- */

/* A private copy through the JSON form, which also checks the id. */
static int
outbox_alert_dup(const struct alert *a, struct alert **out)
{
	struct json_object	*o;
	int			 r;

	if ((o = alert_to_json(a)) == NULL)
		return DW_ENOMEM;
	r = alert_from_json(o, out);
	json_object_put(o);
	return r;
}

static size_t
outbox_wanted(const struct outbox *ob, const struct alert *a)
{
	size_t	i, n = 0;

	for (i = 0; i < ob->nsq; i++)
		n += sink_wants(ob->sq[i].sink, a);
	return n;
}

static int
outbox_post_new(struct outbox *ob, const struct alert *a, size_t n,
    outbox_done_cb cb, void *arg)
{
	struct outbox_item	*it;
	struct alert		*copy;
	size_t			 i, k = 0;
	int			 r;

	if ((r = outbox_alert_dup(a, &copy)) != 0)
		return r;
	if ((it = outbox_item_new(ob, copy, n)) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < ob->nsq; i++) {
		if (!sink_wants(ob->sq[i].sink, a))
			continue;
		it->slots[k].item = it;
		if ((it->slots[k++].r.sink =
		    strdup(ob->sq[i].sink->name)) == NULL ||
		    outbox_wait(&it->waiters, cb, arg) != 0) {
			outbox_item_free(it);
			return DW_ENOMEM;
		}
		cb = NULL;	/* one waiter */
	}
	it->seq = ob->next_seq++;
	TAILQ_INSERT_TAIL(&ob->items, it, entry);
	ob->nitems++;
	for (i = 0; i < it->nslots; i++)
		outbox_sinkq_enqueue(outbox_sinkq_find(ob, it->slots[i].r.sink),
		    &it->slots[i]);
	outbox_item_touch(it);
	return 0;
}

int
outbox_post(struct outbox *ob, const struct alert *a, outbox_done_cb cb,
    void *arg)
{
	struct outbox_item	*it;
	size_t			 n;
	int			 r;

	if ((it = outbox_item_find(ob, a->id)) != NULL) {
		log_debug("outbox: alert %s is already held", a->id);
		if (it->on_disk)
			return outbox_wait(&ob->ready, cb, arg) == 0 ?
			    (outbox_commit_soon(ob), 0) : DW_ENOMEM;
		if ((r = outbox_wait(&it->waiters, cb, arg)) == 0)
			outbox_item_touch(it);
		return r;
	}
	if ((n = outbox_wanted(ob, a)) == 0 || outbox_recently_done(ob,
	    a->id)) {
		log_debug("outbox: alert %s (%s) is %s; not stored", a->id,
		    severity_name(a->severity), n == 0 ? "wanted by no sink" :
		    "already delivered");
		if ((r = outbox_wait(&ob->ready, cb, arg)) == 0)
			outbox_commit_soon(ob);
		return r;
	}
	if ((r = outbox_post_new(ob, a, n, cb, arg)) != 0)
		log_warnx("outbox: alert %s cannot be queued: %s", a->id,
		    dw_strerror(r));
	return r;
}

int
outbox_barrier(struct outbox *ob, outbox_done_cb cb, void *arg)
{
	int	r;

	if ((r = outbox_wait(&ob->barriers, cb, arg)) == 0)
		outbox_commit_soon(ob);
	return r;
}

/* --- life --------------------------------------------------------------------- */

struct outbox *
outbox_new(struct event_base *base, const char *state_dir)
{
	struct outbox	*ob;
	char		*dir = NULL, *dead = NULL;

	if ((ob = calloc(1, sizeof(*ob))) == NULL)
		return NULL;
	ob->base = base;
	ob->base_s = OUTBOX_BACKOFF_BASE;
	ob->cap_s = OUTBOX_BACKOFF_CAP;
	ob->next_seq = 1;
	TAILQ_INIT(&ob->items);
	TAILQ_INIT(&ob->dirtyq);
	if (asprintf(&dir, "%s/outbox", state_dir) == -1)
		dir = NULL;
	if (asprintf(&dead, "%s/outbox/dead", state_dir) == -1)
		dead = NULL;
	if (dir != NULL && dead != NULL) {
		ob->store = outbox_store_new(dir);
		ob->dead = outbox_store_new(dead);
	}
	free(dir);
	free(dead);
	ob->commit = evtimer_new(base, outbox_commit_cb, ob);
	ob->rewrite = evtimer_new(base, outbox_rewrite_cb, ob);
	if (ob->store == NULL || ob->dead == NULL || ob->commit == NULL ||
	    ob->rewrite == NULL) {
		outbox_free(ob);
		return NULL;
	}
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	struct outbox_item	*it;
	size_t			 i;

	if (ob == NULL)
		return;
	for (i = 0; i < ob->nsq; i++)
		outbox_sinkq_stop(&ob->sq[i]);
	free(ob->sq);
	outbox_free_sinks(ob->sinks, ob->nsq);
	while ((it = TAILQ_FIRST(&ob->dirtyq)) != NULL) {
		TAILQ_REMOVE(&ob->dirtyq, it, dirty);
		it->in_dirty = 0;
		if (it->finished) {
			outbox_wake(it->waiters, 0);
			it->waiters = NULL;
			outbox_item_free(it);
		}
	}
	while ((it = TAILQ_FIRST(&ob->items)) != NULL) {
		TAILQ_REMOVE(&ob->items, it, entry);
		outbox_wake(it->waiters, DW_ECANCELED);
		it->waiters = NULL;
		outbox_item_free(it);
	}
	outbox_wake(ob->ready, 0);
	outbox_wake(ob->barriers, DW_ECANCELED);
	for (i = 0; i < ob->nunlinks; i++)
		free(ob->unlinks[i]);
	free(ob->unlinks);
	if (ob->commit != NULL)
		event_free(ob->commit);
	if (ob->rewrite != NULL)
		event_free(ob->rewrite);
	outbox_store_free(ob->store);
	outbox_store_free(ob->dead);
	free(ob);
}

void
outbox_quiesce(struct outbox *ob)
{
	ob->quiesced = 1;
}

void
outbox_set_backoff(struct outbox *ob, double base_s, double cap_s)
{
	ob->base_s = base_s;
	ob->cap_s = cap_s;
}

size_t
outbox_pending(const struct outbox *ob)
{
	return ob->nitems;
}

size_t
outbox_nsinks(const struct outbox *ob)
{
	return ob->nsq;
}

const char *
outbox_sink_backlog(const struct outbox *ob, size_t i, size_t *pending,
    time_t *oldest)
{
	const struct outbox_slot	*s;

	if (i >= ob->nsq)
		return NULL;
	*pending = ob->sq[i].nqueued;
	*oldest = 0;
	TAILQ_FOREACH(s, &ob->sq[i].queue, q)
		if (*oldest == 0 || s->item->alert->time < *oldest)
			*oldest = s->item->alert->time;
	return ob->sq[i].sink->name;
}

size_t
outbox_sending(const struct outbox *ob)
{
	size_t	i, n = 0;

	for (i = 0; i < ob->nsq; i++)
		n += ob->sq[i].sending != NULL;
	return n;
}

size_t
outbox_backing_off(const struct outbox *ob)
{
	size_t	i, n = 0;

	for (i = 0; i < ob->nsq; i++)
		n += ob->sq[i].failures > 0;
	return n;
}

/* --- loading ------------------------------------------------------------------ */

/* The loaded items, before they are sorted into the outbox. */
struct outbox_loader {
	struct outbox_item	**v;
	size_t			  n;
};

static struct outbox_item *
outbox_loader_find(const struct outbox_loader *l, const char *id)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i]->alert->id, id) == 0)
			return l->v[i];
	return NULL;
}

static int
outbox_item_add_slot(struct outbox_item *it, const struct outbox_slot_rec *r)
{
	struct outbox_slot	*v;
	size_t			 i;

	for (i = 0; i < it->nslots; i++)
		if (strcmp(it->slots[i].r.sink, r->sink) == 0)
			return 0;	/* the newer (version 2) state wins */
	if ((v = reallocarray(it->slots, it->nslots + 1, sizeof(*v))) == NULL)
		return DW_ENOMEM;
	it->slots = v;
	memset(&v[it->nslots], 0, sizeof(*v));
	v[it->nslots].r = *r;
	if ((v[it->nslots].r.sink = strdup(r->sink)) == NULL)
		return DW_ENOMEM;
	it->nslots++;
	for (i = 0; i < it->nslots; i++)
		it->slots[i].item = it;
	return 0;
}

static int
outbox_item_add_legacy(struct outbox_item *it, const char *name)
{
	char	**v;

	if ((v = reallocarray(it->legacy, it->nlegacy + 1,
	    sizeof(*v))) == NULL)
		return DW_ENOMEM;
	it->legacy = v;
	if ((v[it->nlegacy] = strdup(name)) == NULL)
		return DW_ENOMEM;
	it->nlegacy++;
	return 0;
}

/* Folds one file's record into the loader; rec is consumed. */
static int
outbox_loader_add(struct outbox *ob, struct outbox_loader *l,
    struct outbox_rec *rec, const char *name)
{
	struct outbox_item	**v, *it;
	size_t			  i;
	int			  r = 0;

	if ((it = outbox_loader_find(l, rec->alert->id)) == NULL) {
		if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL)
			return DW_ENOMEM;
		l->v = v;
		if ((it = outbox_item_new(ob, rec->alert, 0)) == NULL) {
			rec->alert = NULL;
			return DW_ENOMEM;
		}
		rec->alert = NULL;
		it->on_disk = it->tried = 1;
		l->v[l->n++] = it;
	}
	if (!rec->legacy)
		it->seq = rec->seq;
	for (i = 0; r == 0 && i < rec->nslots; i++)
		r = outbox_item_add_slot(it, &rec->slots[i]);
	if (r == 0 && rec->legacy)
		r = outbox_item_add_legacy(it, name);
	return r;
}

static int
outbox_load_file(struct outbox *ob, struct outbox_loader *l, const char *name)
{
	struct outbox_rec	 rec;
	char			*buf = NULL, why[128];
	size_t			 len = 0;
	int			 r;

	if ((r = outbox_store_read(ob->store, name, &buf, &len)) != 0) {
		/* only a file that is wrong is set aside; a failed read
		 * (EMFILE, EIO) leaves it for the next load */
		if (r == DW_ETOOBIG)
			outbox_store_quarantine(ob->store, name,
			    dw_strerror(r));
		else
			log_warn("outbox: cannot read %s/%s; it stays for the "
			    "next start", outbox_store_dir(ob->store), name);
		return r;
	}
	r = outbox_rec_decode(name, buf, len, &rec, why, sizeof(why));
	free(buf);
	if (r == DW_EPARSE)
		outbox_store_quarantine(ob->store, name, why);
	if (r != 0)
		return r;
	r = outbox_loader_add(ob, l, &rec, name);
	outbox_rec_clear(&rec);
	return r;
}

static int
outbox_is_entry_name(const char *name)
{
	size_t	len = strlen(name);

	return name[0] != '.' && len > 5 &&
	    strcmp(name + len - 5, ".json") == 0;
}

/* By seq; the previous version's files (seq 0) by alert time, then id. */
static int
outbox_item_cmp(const void *pa, const void *pb)
{
	const struct outbox_item	*a = *(struct outbox_item *const *)pa;
	const struct outbox_item	*b = *(struct outbox_item *const *)pb;

	if (a->seq != b->seq)
		return a->seq == 0 ? 1 : b->seq == 0 ? -1 :
		    a->seq < b->seq ? -1 : 1;
	if (a->alert->time != b->alert->time)
		return a->alert->time < b->alert->time ? -1 : 1;
	return strcmp(a->alert->id, b->alert->id);
}

/* Sorted into the outbox; upgraded and finished files are rewritten. */
static size_t
outbox_loader_take(struct outbox *ob, struct outbox_loader *l)
{
	struct outbox_item	*it;
	size_t			 i, n = 0;

	if (l->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(l->v, l->n, sizeof(*l->v), outbox_item_cmp);
	for (i = 0; i < l->n; i++) {
		it = l->v[i];
		if (outbox_item_find(ob, it->alert->id) != NULL) {
			outbox_item_free(it);
			continue;
		}
		if (it->seq == 0 || it->seq >= ob->next_seq) {
			if (it->seq == 0)
				it->seq = ob->next_seq;
			ob->next_seq = it->seq + 1;
		}
		TAILQ_INSERT_TAIL(&ob->items, it, entry);
		ob->nitems++;
		n++;
		if (it->nlegacy > 0)
			outbox_item_touch(it);
		if (!outbox_item_pending(it))
			outbox_item_finish(it);
	}
	free(l->v);
	return n;
}

int
outbox_load(struct outbox *ob, char *err, size_t errlen)
{
	struct outbox_loader	 l = { NULL, 0 };
	struct dirent		*de;
	DIR			*d;
	size_t			 n;
	int			 r;

	if ((r = outbox_store_open(ob->store, err, errlen)) != 0)
		return r;
	outbox_store_sweep(ob->store);
	if ((d = opendir(outbox_store_dir(ob->store))) == NULL) {
		snprintf(err, errlen, "cannot open %s: %s",
		    outbox_store_dir(ob->store), strerror(errno));
		return DW_EIO;
	}
	while ((de = readdir(d)) != NULL)
		if (outbox_is_entry_name(de->d_name) &&
		    outbox_load_file(ob, &l, de->d_name) == DW_ENOMEM)
			log_warnx("outbox: out of memory loading %s",
			    de->d_name);
	closedir(d);
	n = outbox_loader_take(ob, &l);
	if (n > 0)
		log_info("outbox: %zu pending alert(s) loaded from %s", n,
		    outbox_store_dir(ob->store));
	outbox_requeue(ob);
	outbox_kick_all(ob);
	return (int)n;
}
