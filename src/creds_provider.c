/*
 * A credential provider: the cache, the refresh timer and the waiting
 * gets around one source's fetch.
 *
 * State: no credentials yet → fetching → fresh (timer armed for the
 * refresh) → refreshing (old ones still served) → fresh again; a failed
 * fetch leaves the old credentials in place while they may still sign
 * and retries on the timer.  Every callback runs from the get's own
 * event, so a caller never sees its callback inside creds_provider_get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "driftwatch/creds_provider.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"

/* After a failure with nothing left to sign with: no new fetch before. */
#define CREDS_RETRY_MIN		5
/* A failed refresh while the old ones still sign: retry within. */
#define CREDS_RETRY_MAX		60

struct creds_get {
	struct creds_provider	*p;
	struct event		*ev;
	creds_get_cb		 cb;
	void			*arg;
	TAILQ_ENTRY(creds_get)	 entry;
};

struct creds_provider {
	struct event_base		*base;
	const struct creds_source	*src;
	void				*impl;
	char				*name;
	struct aws_creds		*creds;		/* owned; wiped on free */
	struct event			*timer;		/* refresh or retry */
	int				 fetching;
	int				 error;
	char				 message[512];
	time_t				 retry_after;
	creds_watch_cb			 watch;
	void				*watch_arg;
	TAILQ_HEAD(creds_gets, creds_get) gets;
};

static void	creds_provider_fetch(struct creds_provider *);

static void
creds_provider_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct creds_provider	*p = arg;

	if (!p->fetching)
		creds_provider_fetch(p);
}

struct creds_provider *
creds_provider_new(struct event_base *base, const struct creds_source *src,
    void *impl, const char *name)
{
	struct creds_provider	*p;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		src->free(impl);
		return NULL;
	}
	p->base = base;
	p->src = src;
	p->impl = impl;
	TAILQ_INIT(&p->gets);
	if ((p->name = strdup(name)) == NULL ||
	    (p->timer = evtimer_new(base, creds_provider_timer_cb, p)) ==
	    NULL) {
		creds_provider_free(p);
		return NULL;
	}
	return p;
}

static void
creds_get_free(struct creds_get *g)
{
	TAILQ_REMOVE(&g->p->gets, g, entry);
	event_free(g->ev);
	free(g);
}

void
creds_get_cancel(struct creds_get *g)
{
	if (g != NULL)
		creds_get_free(g);
}

void
creds_provider_free(struct creds_provider *p)
{
	if (p == NULL)
		return;
	while (!TAILQ_EMPTY(&p->gets))
		creds_get_free(TAILQ_FIRST(&p->gets));
	if (p->fetching && p->src->cancel != NULL)
		p->src->cancel(p->impl);
	p->src->free(p->impl);
	if (p->timer != NULL)
		event_free(p->timer);
	aws_creds_free(p->creds);
	free(p->name);
	free(p);
}

const struct aws_creds *
creds_provider_current(const struct creds_provider *p)
{
	return aws_creds_valid(p->creds, time(NULL)) ? p->creds : NULL;
}

void
creds_provider_set_watch(struct creds_provider *p, creds_watch_cb cb,
    void *arg)
{
	p->watch = cb;
	p->watch_arg = arg;
}

const char *
creds_provider_name(const struct creds_provider *p)
{
	return p->name;
}

const char *
creds_provider_error(const struct creds_provider *p)
{
	return p->message;
}

/* The get leaves the queue before its callback, which may free p. */
static void
creds_get_deliver(struct creds_get *g, const struct aws_creds *c, int error,
    const char *message)
{
	creds_get_cb	 cb = g->cb;
	void		*arg = g->arg;

	creds_get_free(g);
	cb(c, error, message, arg);
}

static void
creds_get_fire(evutil_socket_t fd, short what, void *arg)
{
	struct creds_get	*g = arg;
	struct creds_provider	*p = g->p;
	const struct aws_creds	*c;

	if ((c = creds_provider_current(p)) != NULL)
		creds_get_deliver(g, c, 0, NULL);
	else if (p->fetching)
		return;		/* the fetch's end wakes it */
	else if (p->error != 0 && time(NULL) < p->retry_after)
		creds_get_deliver(g, NULL, p->error, p->message);
	else
		creds_provider_fetch(p);
}

struct creds_get *
creds_provider_get(struct creds_provider *p, creds_get_cb cb, void *arg)
{
	struct creds_get	*g;

	if ((g = calloc(1, sizeof *g)) == NULL)
		return NULL;
	if ((g->ev = event_new(p->base, -1, 0, creds_get_fire, g)) == NULL) {
		free(g);
		return NULL;
	}
	g->p = p;
	g->cb = cb;
	g->arg = arg;
	TAILQ_INSERT_TAIL(&p->gets, g, entry);
	event_active(g->ev, EV_TIMEOUT, 0);
	return g;
}

static void
creds_provider_wake(struct creds_provider *p)
{
	struct creds_get	*g;

	TAILQ_FOREACH(g, &p->gets, entry) {
		event_active(g->ev, EV_TIMEOUT, 0);
	}
}

static void
creds_provider_arm(struct creds_provider *p, time_t at)
{
	struct timeval	tv = { 1, 0 };
	time_t		now = time(NULL);

	if (at > now + 1)
		tv.tv_sec = at - now;
	evtimer_add(p->timer, &tv);
}

static double
creds_jitter(void)
{
	unsigned int	r;

	if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
		return 0.5;
	return (double)r / 4294967295.0;
}

static const char *
creds_hms(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void
creds_provider_got(struct creds_provider *p, struct aws_creds *c)
{
	char	when[32];
	time_t	now = time(NULL);

	if (c->obtained == 0 && c->expiration != 0)
		c->obtained = now;
	aws_creds_free(p->creds);
	p->creds = c;
	p->error = 0;
	p->message[0] = '\0';
	evtimer_del(p->timer);
	if (c->expiration == 0)
		return;
	creds_provider_arm(p, aws_creds_refresh_at(c, creds_jitter()));
	log_info("credentials from %s: new ones valid until %s", p->name,
	    creds_hms(c->expiration, when, sizeof when));
}

/* Keeps what still signs; says how long that lasts. */
static void
creds_provider_failed(struct creds_provider *p, int error,
    const char *message)
{
	char	when[32];
	time_t	now = time(NULL), until, wait;

	p->error = error < 0 ? error : DW_ECREDS;
	snprintf(p->message, sizeof p->message, "%s: %s", p->name,
	    message != NULL ? message : dw_strerror(p->error));
	if (creds_provider_current(p) == NULL) {
		p->retry_after = now + CREDS_RETRY_MIN;
		log_warnx("cannot get AWS credentials from %s", p->message);
		return;
	}
	until = aws_creds_usable_until(p->creds);
	wait = (until - now) / 3;
	wait = wait < 1 ? 1 : wait > CREDS_RETRY_MAX ? CREDS_RETRY_MAX : wait;
	creds_provider_arm(p, now + wait);
	log_warnx("cannot refresh AWS credentials from %s; the old ones sign "
	    "until %s, retrying in %llds", p->message,
	    creds_hms(until, when, sizeof when), (long long)wait);
}

static void
creds_provider_done(struct creds_provider *p, struct aws_creds *c,
    int error, const char *message)
{
	p->fetching = 0;
	if (c != NULL)
		creds_provider_got(p, c);
	else
		creds_provider_failed(p, error, message);
	if (p->watch != NULL)
		p->watch(p, p->error, p->message, p->watch_arg);
	creds_provider_wake(p);
}

static void
creds_provider_fetch(struct creds_provider *p)
{
	int	r;

	p->fetching = 1;
	log_debug("credentials from %s: fetching", p->name);
	if ((r = p->src->fetch(p->impl, p, creds_provider_done)) < 0)
		creds_provider_done(p, NULL, r, "cannot start a fetch");
}
