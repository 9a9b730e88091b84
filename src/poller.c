/*
 * Polling CloudTrail LookupEvents.  Each region is its own little state
 * machine (idle → polling → idle) with its own timer and rate limiter.
 *
 * A poll reads the window evstate_window() gives, [cursor - overlap,
 * AWS's now], in pieces, oldest first; each piece once per lookup: every
 * write event (ReadOnly=false, which holds each alert-worthy API call
 * and console sign-in), Username=root (the root user's read-only
 * calls), EventName=AssumeRoot (STS records it read-only) and, when the
 * baseline names one, Username=<break-glass user> (any call it makes).
 * The event JSON, not the name, decides what is root.  The cursor is the
 * newest EventTime read, on AWS's clock, never the host's; it moves only
 * when every page of every lookup of a piece arrived, so a failed piece
 * is simply read again.
 *
 * The rate, where AWS counts it (at arrival): a region is polled by one
 * poll_region only, its lookups run one after another, so it has one
 * LookupEvents call in flight at most; and every call, whatever lookup,
 * page or retry, waits on the region's one limiter until 1/POLLER_RATE
 * seconds after the previous call was answered (aws_ratelimit_done).
 * A call reaches AWS after it is sent and the one before it reached AWS
 * before it was answered, so arrivals are at least that far apart
 * whatever the latency: never more than 2 in a second.  The number of
 * lookups and regions changes how long a poll takes, never the rate.
 *
 * event_regions = all: the listed regions, plus every region Account
 * ListRegions says is enabled, added as they are found.
 *
 * A piece holding more than event_max_pages pages for a lookup is split
 * in two and its older half read first, down to a single second, which
 * is read alone; a second that still holds too many is said in an alert
 * of its own and passed, so the poller never stays blind on a burst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "driftwatch/alert.h"
#include "driftwatch/aws.h"
#include "driftwatch/aws_account_regions.h"
#include "driftwatch/aws_retry.h"
#include "driftwatch/aws_services.h"
#include "driftwatch/error.h"
#include "driftwatch/event_rules.h"
#include "driftwatch/evstate.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"
#include "driftwatch/poller.h"

#define POLLER_LOOKUPS		4	/* at most */
#define POLLER_PRUNE_SLACK	3600	/* clock steps and late pages */
#define POLLER_STEP		3600	/* a first piece: an hour, plus overlap */
#define POLLER_MAX_WIDTH	(90 * 24 * 3600)	/* LookupEvents' reach */
#define POLLER_PAGE_EVENTS	50	/* a LookupEvents page (aws_cloudtrail.c) */
#define POLLER_MAX_PAGES	400	/* a lookup reads at most (20000 events) */

static const struct poller_lookup {
	const char	*key;
	const char	*value;	/* NULL: the break-glass user's name */
} poller_lookups[POLLER_LOOKUPS] = {
	{ "ReadOnly", "false" },
	{ "Username", "root" },
	{ "EventName", "AssumeRoot" },
	{ "Username", NULL },
};

struct poller;
struct poll_region;

struct poll_lookup {
	struct poll_region	*pr;
	struct aws_pager	*pager;
	size_t			 idx;
};

struct poll_region {
	struct poller		*poller;
	char			*name;
	char			 check[64];	/* "events.<region>" */
	struct aws_ratelimit	*rl;
	struct event		*timer;
	struct poll_lookup	 lookups[POLLER_LOOKUPS];
	char			*error;
	time_t			 piece_start;	/* [piece_start, piece_end] */
	time_t			 piece_end;
	time_t			 walk_end;	/* the poll's window ends here */
	time_t			 newest;	/* newest EventTime in the piece */
	size_t			 count;		/* most events of one lookup */
	time_t			 width;		/* of the next piece */
	time_t			 next_start;	/* of the next piece */
	time_t			 overflow;	/* last second too full, or 0 */
	int			 too_big;	/* a lookup hit the page limit */
	int			 walking;	/* pieces of the window remain */
	int			 healthy;
};

struct poller {
	struct event_base	*base;
	struct aws_client	*aws;
	struct evstate		*ev;
	struct findings		*findings;
	struct poller_options	 o;
	char			*account_id;
	char			*break_glass;
	char			*home_region;
	findings_alert_cb	 alert_cb;
	void			*alert_arg;
	struct poller_lookup	 lookups[POLLER_LOOKUPS];
	size_t			 nlookups;
	struct poll_region	**regions;
	size_t			 nregions;
	int			 started;
	struct aws_pager	*list_pager;	/* ListRegions */
	struct event		*list_timer;
};

static void	poll_region_start(struct poll_region *);
static void	poll_region_piece(struct poll_region *, time_t);

static void
poll_region_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct poll_region	*pr = arg;

	if (pr->walking)
		poll_region_piece(pr, pr->next_start);
	else
		poll_region_start(pr);
}

static void
poll_region_clear(struct poll_region *pr)
{
	size_t	i;

	for (i = 0; i < POLLER_LOOKUPS; i++) {
		aws_pager_cancel(pr->lookups[i].pager);
		pr->lookups[i].pager = NULL;
	}
	if (pr->timer != NULL)
		event_free(pr->timer);
	aws_ratelimit_free(pr->rl);
	free(pr->error);
	free(pr->name);
	free(pr);
}

void
poller_free(struct poller *p)
{
	size_t	i;

	if (p == NULL)
		return;
	aws_pager_cancel(p->list_pager);
	if (p->list_timer != NULL)
		event_free(p->list_timer);
	for (i = 0; i < p->nregions; i++)
		poll_region_clear(p->regions[i]);
	free(p->regions);
	free(p->account_id);
	free(p->break_glass);
	free(p->home_region);
	free(p);
}

static int
poll_region_init(struct poller *p, struct poll_region *pr, const char *name)
{
	size_t	i;

	pr->poller = p;
	for (i = 0; i < POLLER_LOOKUPS; i++) {
		pr->lookups[i].pr = pr;
		pr->lookups[i].idx = i;
	}
	snprintf(pr->check, sizeof(pr->check), "events.%s", name);
	pr->width = POLLER_STEP + (time_t)p->o.overlap;
	if ((pr->name = strdup(name)) == NULL ||
	    (pr->rl = aws_ratelimit_new(POLLER_RATE)) == NULL ||
	    (pr->timer = evtimer_new(p->base, poll_region_timer_cb,
	    pr)) == NULL)
		return DW_ENOMEM;
	return 0;
}

/*
 * A region polled once: a name already polled is not added again (one
 * limiter a region).  Once the poller runs, the region's first poll is a
 * second away, as at start.  0, or DW_ENOMEM.
 */
static int
poller_add_region(struct poller *p, const char *name)
{
	struct poll_region	**v, *pr;
	struct timeval		  first = { 1, 0 };
	size_t			  i;

	for (i = 0; i < p->nregions; i++)
		if (strcmp(p->regions[i]->name, name) == 0)
			return 0;
	if ((v = reallocarray(p->regions, p->nregions + 1, sizeof(*v))) ==
	    NULL)
		return DW_ENOMEM;
	p->regions = v;
	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		return DW_ENOMEM;
	if (poll_region_init(p, pr, name) != 0) {
		poll_region_clear(pr);
		return DW_ENOMEM;
	}
	p->regions[p->nregions++] = pr;
	if (p->started)
		evtimer_add(pr->timer, &first);
	return 0;
}

/* The lookups every piece is read with; the break-glass one if named. */
static void
poller_set_lookups(struct poller *p)
{
	size_t	i;

	p->nlookups = 0;
	for (i = 0; i < POLLER_LOOKUPS; i++) {
		if (poller_lookups[i].value == NULL && p->break_glass == NULL)
			continue;
		p->lookups[p->nlookups].key = poller_lookups[i].key;
		p->lookups[p->nlookups++].value = poller_lookups[i].value ?
		    poller_lookups[i].value : p->break_glass;
	}
}

static void	poller_list_timer_cb(evutil_socket_t, short, void *);

struct poller *
poller_new(struct event_base *base, struct aws_client *aws,
    struct evstate *ev, struct findings *f, const struct poller_options *o,
    findings_alert_cb cb, void *arg)
{
	struct poller	*p;
	size_t		 i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->base = base;
	p->aws = aws;
	p->ev = ev;
	p->findings = f;
	p->o = *o;
	if (p->o.max_pages == 0 || p->o.max_pages > POLLER_MAX_PAGES)
		p->o.max_pages = POLLER_MAX_PAGES;
	p->alert_cb = cb;
	p->alert_arg = arg;
	p->account_id = o->account_id ? strdup(o->account_id) : NULL;
	if (o->break_glass_user != NULL && *o->break_glass_user != '\0')
		p->break_glass = strdup(o->break_glass_user);
	p->home_region = strdup(o->home_region ? o->home_region :
	    "us-east-1");
	if ((o->account_id != NULL && p->account_id == NULL) ||
	    (p->break_glass == NULL && o->break_glass_user != NULL &&
	    *o->break_glass_user != '\0') || p->home_region == NULL ||
	    (o->all_regions && (p->list_timer = evtimer_new(base,
	    poller_list_timer_cb, p)) == NULL)) {
		poller_free(p);
		return NULL;
	}
	poller_set_lookups(p);
	for (i = 0; i < o->nregions; i++)
		if (poller_add_region(p, o->regions[i]) != 0) {
			poller_free(p);
			return NULL;
		}
	/* borrowed only during poller_new */
	p->o.regions = NULL;
	p->o.home_region = NULL;
	p->o.account_id = NULL;
	p->o.break_glass_user = NULL;
	return p;
}

/* --- event_regions = all ---------------------------------------------- */

static void
poller_list_again(struct poller *p, unsigned secs)
{
	struct timeval	tv = { (time_t)secs, 0 };

	evtimer_add(p->list_timer, &tv);
}

/*
 * The enabled regions: each one not yet polled is added.  A failure
 * leaves the regions polled as they are and says so through the
 * "events.regions" check (blind after blind_after polls); it is tried
 * again after a poll interval.
 */
static void
poller_list_cb(const struct aws_result *res, const struct account_regions *r,
    void *arg)
{
	struct poller	*p = arg;
	size_t		 i, before = p->nregions;
	int		 ok = res->result == 0 && r != NULL;
	const char	*why = NULL;

	p->list_pager = NULL;
	for (i = 0; ok && i < r->n; i++)
		if (poller_add_region(p, r->v[i]) != 0) {
			ok = 0;
			why = "out of memory";
		}
	if (!ok && why == NULL)
		why = aws_result_describe(res);
	if (ok && p->nregions > before)
		log_info("events: %zu region(s) enabled for the account; "
		    "polling %zu region(s)", r->n, p->nregions);
	else if (!ok)
		log_warnx("events: cannot list the account's enabled regions: "
		    "%s; polling the %zu known", why, p->nregions);
	findings_end(p->findings, POLLER_REGIONS_CHECK, ok, ok ? NULL : why,
	    time(NULL), p->alert_cb, p->alert_arg);
	findings_flush(p->findings, time(NULL), p->alert_cb, p->alert_arg);
	poller_list_again(p, ok ? POLLER_REGIONS_EVERY : p->o.interval);
}

static void
poller_list_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct poller		*p = arg;
	struct aws_result	 fail = { .result = DW_ENOMEM,
				    .message = "cannot start ListRegions" };

	(void)fd;
	(void)what;
	findings_begin(p->findings, POLLER_REGIONS_CHECK);
	p->list_pager = aws_account_list_regions(p->aws, p->home_region,
	    poller_list_cb, p);
	if (p->list_pager == NULL)
		poller_list_cb(&fail, NULL, p);
}

/*
 * The first poll waits a second: the rate limiter lives in this process,
 * so a restarted daemon must not add its calls to the ones its
 * predecessor made in the same second.
 */
int
poller_start(struct poller *p)
{
	struct timeval	first = { 1, 0 };
	size_t		i;

	p->started = 1;
	for (i = 0; i < p->nregions; i++)
		evtimer_add(p->regions[i]->timer, &first);
	if (p->list_timer != NULL)
		poller_list_again(p, 0);
	return 0;
}

size_t
poller_healthy(const struct poller *p)
{
	size_t	i, n = 0;

	for (i = 0; i < p->nregions; i++)
		n += p->regions[i]->healthy;
	return n;
}

size_t
poller_regions(const struct poller *p)
{
	return p->nregions;
}

/*
 * An event we cannot read may be the one that matters: say so loudly,
 * as an alert of its own, rather than skip it.
 */
static struct alert *
poll_region_malformed(struct poll_region *pr, const struct ct_event *e,
    const char *err)
{
	struct log_field	 f[] = {
		{ "DRIFTWATCH_CHECK", pr->check },
		{ "AWS_EVENT_ID", e->event_id },
		{ "AWS_EVENT_NAME", e->event_name },
		{ "AWS_REGION", pr->name },
		{ NULL, NULL }
	};
	struct alert		*a;
	char			*title = NULL;

	log_struct(LOG_ERR, MSGID_EVENT_MALFORMED, f,
	    "events %s: cannot read CloudTrail event %s (%s): %s", pr->name,
	    e->event_id, e->event_name ? e->event_name : "?", err);
	if ((a = alert_new(ALERT_EVENT, SEV_HIGH)) == NULL)
		return NULL;
	alert_set_id(a, "evt", e->event_id);
	if (asprintf(&title, "Unreadable CloudTrail event %s in %s",
	    e->event_id, pr->name) == -1)
		title = NULL;
	if (title == NULL || alert_set(&a->check, "event.unreadable") != 0 ||
	    alert_set(&a->finding, e->event_id) != 0 ||
	    alert_set(&a->account, pr->poller->account_id) != 0 ||
	    alert_set(&a->title, title) != 0 ||
	    alert_set(&a->summary, err) != 0 ||
	    alert_set(&a->ev.event_id, e->event_id) != 0 ||
	    alert_set(&a->ev.event_name, e->event_name) != 0 ||
	    alert_set(&a->ev.region, pr->name) != 0) {
		alert_free(a);
		a = NULL;
	}
	free(title);
	return a;
}

/* What marks an event seen once its alert is durable (outbox.h). */
struct poll_seen {
	struct evstate	*ev;	/* outlives the poller */
	time_t		 time;
	char		 region[EVSTATE_REGIONMAX + 1];
	char		 id[EVSTATE_IDMAX + 1];
};

static void
poll_seen_cb(int result, void *arg)
{
	struct poll_seen	*ps = arg;

	if (result == 0 && evstate_mark(ps->ev, ps->id, ps->time) != 0)
		log_warnx("events %s: cannot remember event %s", ps->region,
		    ps->id);
	else if (result != 0 && result != DW_ECANCELED)
		log_warnx("events %s: the alert for event %s is not on disk "
		    "(%s); not marked seen, so the next poll raises it again",
		    ps->region, ps->id, dw_strerror(result));
	free(ps);
}

static struct poll_seen *
poll_seen_new(struct poll_region *pr, const char *id, time_t t)
{
	struct poll_seen	*ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return NULL;
	ps->ev = pr->poller->ev;
	ps->time = t;
	snprintf(ps->region, sizeof(ps->region), "%s", pr->name);
	snprintf(ps->id, sizeof(ps->id), "%s", id);
	return ps;
}

/* 0, or DW_ENOMEM: the piece must be read again. */
static int
poll_region_event(struct poll_region *pr, const struct ct_event *e)
{
	struct poller		*p = pr->poller;
	struct event_rules_opts	 o = { pr->name, p->account_id,
				    p->break_glass };
	struct alert		*a = NULL;
	char			 err[256];
	int			 r;

	if (e->event_time > pr->newest)
		pr->newest = e->event_time;
	if (evstate_seen(p->ev, e->event_id))
		return 0;
	r = event_rules_match_opts(e->cloudtrail_event,
	    strlen(e->cloudtrail_event), &o, &a, err, sizeof(err));
	if (r == DW_ENOMEM)
		return r;	/* unmarked: the piece is read again */
	if (r != 0)
		a = poll_region_malformed(pr, e, err);
	if (a == NULL)
		return 0;	/* not alert-worthy: nothing to remember */
	/* seen only once the alert is durable: unmarked, it comes back */
	if ((a->durable_arg = poll_seen_new(pr, e->event_id,
	    e->event_time)) == NULL) {
		alert_free(a);
		return DW_ENOMEM;
	}
	a->durable_cb = poll_seen_cb;
	evstate_hold(p->ev, pr->name, e->event_id, e->event_time);
	findings_relate_event(p->findings, a, time(NULL));
	p->alert_cb(a, p->alert_arg);
	return 0;
}

/*
 * An id can come back only while its event is inside some region's next
 * window, which starts at that region's cursor minus the overlap; the
 * oldest cursor bounds them all.  A region never read yet bounds nothing
 * so nothing is forgotten until every region has a cursor.
 */
static void
poller_prune(struct poller *p)
{
	time_t	oldest = 0, c;
	size_t	i;

	for (i = 0; i < p->nregions; i++) {
		if ((c = evstate_cursor(p->ev, p->regions[i]->name)) == 0)
			return;
		if (oldest == 0 || c < oldest)
			oldest = c;
	}
	evstate_prune(p->ev, oldest - (time_t)p->o.overlap - POLLER_PRUNE_SLACK);
}

/*
 * A piece that held few events: the next may be twice as wide, so a
 * quiet stretch (a long stop, a window reaching back to a region's last
 * event) is crossed in a few pieces, and the width is kept for later
 * polls.
 */
static void
poll_region_widen(struct poll_region *pr)
{
	if (pr->count <= pr->poller->o.max_pages * POLLER_PAGE_EVENTS / 4 &&
	    pr->width < POLLER_MAX_WIDTH)
		pr->width *= 2;
}

/*
 * More events than a lookup reads: the older half first, then on from
 * there.  Narrowing never skips an event, holds at most event_max_pages
 * pages at a time, and the width stays narrow for the rest of the burst.
 * A second, [t, t + 1], narrows to the instant [t, t].
 */
static void
poll_region_split(struct poll_region *pr)
{
	struct timeval	now = { 0, 0 };

	pr->width = (pr->piece_end - pr->piece_start) / 2;
	log_debug("events %s: %ld s hold more than %u page(s) a lookup; "
	    "reading %ld s at a time", pr->name,
	    (long)(pr->piece_end - pr->piece_start), pr->poller->o.max_pages,
	    (long)pr->width);
	pr->next_start = pr->piece_start;
	pr->walking = 1;
	evtimer_add(pr->timer, &now);
}

/* The name a second too full to read is remembered under. */
static void
poll_region_overflow_id(const struct poll_region *pr, char *id, size_t len)
{
	snprintf(id, len, "overflow:%s:%lld", pr->name,
	    (long long)pr->piece_start);
}

static struct alert *
poll_region_overflow_alert(struct poll_region *pr, const char *id)
{
	struct alert	*a;
	struct tm	 tm;
	char		 when[32] = "?", *title = NULL, *summary = NULL;

	if (gmtime_r(&pr->piece_start, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((a = alert_new(ALERT_EVENT, SEV_HIGH)) == NULL)
		return NULL;
	alert_set_id(a, "evt", id);
	if (asprintf(&title, "CloudTrail events in %s at %s not all read",
	    pr->name, when) == -1)
		title = NULL;
	if (asprintf(&summary, "More than %u page(s) of LookupEvents in one "
	    "second: the events of that second were not read.  Read them "
	    "from the trail's S3 logs; a larger event_max_pages (at most "
	    "400) reads more.", pr->poller->o.max_pages) == -1)
		summary = NULL;
	if (title == NULL || summary == NULL ||
	    alert_set(&a->check, "event.unreadable") != 0 ||
	    alert_set(&a->finding, id) != 0 ||
	    alert_set(&a->account, pr->poller->account_id) != 0 ||
	    alert_set(&a->title, title) != 0 ||
	    alert_set(&a->summary, summary) != 0 ||
	    alert_set(&a->ev.event_time, when) != 0 ||
	    alert_set(&a->ev.region, pr->name) != 0) {
		alert_free(a);
		a = NULL;
	}
	free(title);
	free(summary);
	return a;
}

/*
 * One second holds more than a lookup reads: it cannot be narrowed, so
 * it is said, once (remembered like an EventId), and passed.
 */
static void
poll_region_overflow(struct poll_region *pr)
{
	struct log_field	 f[] = {
		{ "DRIFTWATCH_CHECK", pr->check },
		{ NULL, NULL }
	};
	struct poller		*p = pr->poller;
	struct alert		*a;
	char			 id[EVSTATE_IDMAX];

	poll_region_overflow_id(pr, id, sizeof(id));
	pr->newest = pr->piece_end;
	pr->overflow = pr->piece_start;
	if (evstate_seen(p->ev, id))
		return;
	log_struct(LOG_ERR, MSGID_EVENT_MALFORMED, f, "events %s: more than "
	    "%u page(s) of events in the second at %lld; not read", pr->name,
	    p->o.max_pages, (long long)pr->piece_start);
	if ((a = poll_region_overflow_alert(pr, id)) == NULL)
		return;
	if ((a->durable_arg = poll_seen_new(pr, id, pr->piece_start)) == NULL) {
		alert_free(a);
		return;
	}
	a->durable_cb = poll_seen_cb;
	evstate_hold(p->ev, pr->name, id, pr->piece_start);
	p->alert_cb(a, p->alert_arg);
}

/* Where the walk goes on: an instant [t, t] is followed by t + 1. */
static int
poll_region_next(struct poll_region *pr)
{
	if (pr->piece_end > pr->piece_start) {
		pr->next_start = pr->piece_end;
		return pr->next_start < pr->walk_end;
	}
	pr->width = 1;
	pr->next_start = pr->piece_end + 1;
	return pr->next_start <= pr->walk_end;
}

static void
poll_region_finish(struct poll_region *pr)
{
	struct poller	*p = pr->poller;
	struct timeval	 tv = { (time_t)p->o.interval, 0 };
	int		 ok = pr->error == NULL;

	if (ok && pr->too_big) {
		if (pr->piece_end > pr->piece_start) {
			poll_region_split(pr);
			return;
		}
		poll_region_overflow(pr);
	}
	if (ok) {
		evstate_advance(p->ev, pr->name, pr->piece_start,
		    pr->piece_end, pr->newest, p->o.overlap);
		poller_prune(p);
		poll_region_widen(pr);
	}
	if (evstate_save(p->ev) != 0)
		log_warn("events: cannot save the event state");
	findings_end(p->findings, pr->check, ok, pr->error, time(NULL),
	    p->alert_cb, p->alert_arg);
	findings_flush(p->findings, time(NULL), p->alert_cb, p->alert_arg);
	pr->healthy = ok;
	/* the rest of the window at once; after a failure, all of it later */
	pr->walking = ok && poll_region_next(pr);
	if (pr->walking)
		tv.tv_sec = 0;
	log_debug("events %s: piece %s", pr->name, ok ? (pr->walking ?
	    "complete; reading the next" : "complete") :
	    "failed; the window will be read again from the cursor");
	free(pr->error);
	pr->error = NULL;
	evtimer_add(pr->timer, &tv);
}

static void	poll_region_lookup(struct poll_region *, size_t);

/* A lookup answered; the next one starts, or the piece is done. */
static void
poll_lookup_cb(const struct aws_result *res, const struct ct_events *evs,
    void *arg)
{
	struct poll_lookup	*l = arg;
	struct poll_region	*pr = l->pr;
	size_t			 i;

	l->pager = NULL;
	if (res->result == DW_ETOOBIG)
		pr->too_big = 1;	/* not a failure: the piece is split */
	else if (res->result != 0) {
		if (pr->error == NULL)
			pr->error = strdup(aws_result_describe(res));
	} else {
		if (evs->n > pr->count)
			pr->count = evs->n;
		/* oldest first, so alerts leave in the order things happened */
		for (i = evs->n; i > 0; i--)
			if (poll_region_event(pr, &evs->v[i - 1]) != 0 &&
			    pr->error == NULL)
				pr->error = strdup("out of memory");
	}
	/* failed or to be split: the piece is read again, all lookups */
	if (l->idx + 1 < pr->poller->nlookups && pr->error == NULL &&
	    !pr->too_big)
		poll_region_lookup(pr, l->idx + 1);
	else
		poll_region_finish(pr);
}

static void
poll_region_lookup(struct poll_region *pr, size_t i)
{
	struct poller		*p = pr->poller;
	struct aws_result	 fail = { .result = DW_ENOMEM,
				    .message = "cannot start LookupEvents" };

	pr->lookups[i].pager = aws_cloudtrail_lookup_events(p->aws, pr->name,
	    p->lookups[i].key, p->lookups[i].value, pr->piece_start,
	    pr->piece_end, pr->rl, poll_lookup_cb, &pr->lookups[i]);
	if (pr->lookups[i].pager == NULL)
		poll_lookup_cb(&fail, NULL, &pr->lookups[i]);
	else
		aws_pager_set_max_pages(pr->lookups[i].pager,
		    (int)p->o.max_pages);
}

/*
 * A piece stops short of the last second found too full, which is then
 * passed on its own: every poll whose window covers it would otherwise
 * narrow down to it again, page limit after page limit.  EventTimes are
 * whole seconds, so [a, t - 1], [t - 1, t - 1], [t, t], [t + 1, ...]
 * leave nothing out.
 */
static void
poll_region_avoid_overflow(struct poll_region *pr)
{
	time_t	t = pr->overflow;

	if (t == 0 || t < pr->piece_start || t > pr->piece_end)
		return;
	if (pr->piece_start < t - 1)
		pr->piece_end = t - 1;
	else
		pr->piece_end = pr->piece_start;
}

/*
 * An instant already found too full to read is not read again each time
 * a window covers it: it is passed at once.
 */
static int
poll_region_known_overflow(struct poll_region *pr)
{
	char	id[EVSTATE_IDMAX];

	if (pr->piece_end != pr->piece_start)
		return 0;
	poll_region_overflow_id(pr, id, sizeof(id));
	if (!evstate_seen(pr->poller->ev, id))
		return 0;
	findings_begin(pr->poller->findings, pr->check);
	pr->too_big = 1;
	poll_region_finish(pr);
	return 1;
}

/*
 * One piece of the window, [start, start + width]: after a long stop the
 * window reaches far back, and pieces read it oldest first, so the
 * cursor moves piece by piece and alerts leave in the order things
 * happened.
 */
static void
poll_region_piece(struct poll_region *pr, time_t start)
{
	struct poller	*p = pr->poller;

	pr->piece_start = start;
	pr->piece_end = pr->walk_end - start > pr->width ? start + pr->width :
	    pr->walk_end;
	poll_region_avoid_overflow(pr);
	pr->newest = 0;
	pr->count = 0;
	pr->too_big = 0;
	if (poll_region_known_overflow(pr))
		return;
	findings_begin(p->findings, pr->check);
	log_debug("events %s: reading %ld s from %lds back%s", pr->name,
	    (long)(pr->piece_end - start), (long)(pr->walk_end - start),
	    pr->piece_end < pr->walk_end ? " (in pieces)" : "");
	poll_region_lookup(pr, 0);
}

/* A poll: the window from the cursor to AWS's now, piece by piece. */
static void
poll_region_start(struct poll_region *pr)
{
	struct poller	*p = pr->poller;
	time_t		 start;

	evstate_window(p->ev, pr->name, aws_client_now(p->aws), p->o.overlap,
	    p->o.lookback, &start, &pr->walk_end);
	poll_region_piece(pr, start);
}
