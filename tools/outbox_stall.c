/*
 * The outbox under a burst: 1000 alerts (DW_BURST) to 4 webhook sinks
 * posted in one loop turn, on a real disk, with a transport that
 * answers 200 from the loop at once.  A 10 ms libevent timer measures
 * how late the loop runs it; the longest lateness is the longest loop
 * stall, which must stay far below half the watchdog interval (the
 * daemon pings at WatchdogSec/2, 30 s with the shipped unit).
 *
 * Built against a build tree by tools/outbox_stall.sh; it compiles
 * against this version's outbox API and the previous one (which
 * defined OUTBOX_MAX_INFLIGHT), so both can be measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <event2/event.h>

#include "driftwatch/alert.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/outbox.h"
#include "driftwatch/sink.h"

#define NSINKS		4
#define TICK_MS		10

struct bench {
	struct event_base	*base;
	struct outbox		*ob;
	struct event		*tick;
	struct event		*burst;
	double			 next_tick;	/* when the tick is due */
	double			 max_late;	/* seconds */
	double			 t_burst;
	double			 t_posted;
	double			 t_empty;
	int			 nalerts;
	long			 answered;
};

struct fake_xfer {
	struct bench	*b;
	struct event	*ev;
	http_cb		 cb;
	void		*arg;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fake_answer(evutil_socket_t fd, short what, void *arg)
{
	struct fake_xfer	*x = arg;
	struct http_response	 resp;

	(void)fd;
	(void)what;
	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	resp.retry_after = -1;
	resp.body = (char *)"{\"ok\":true}";
	resp.body_len = strlen(resp.body);
	event_free(x->ev);
	x->b->answered++;
	x->cb(&resp, x->arg);
	free(x);
}

static struct http_xfer *
fake_send(void *ctx, const struct http_request *req, http_cb cb, void *arg)
{
	static const struct timeval	 zero = { 0, 0 };
	struct fake_xfer		*x = calloc(1, sizeof(*x));

	(void)req;
	x->b = ctx;
	x->cb = cb;
	x->arg = arg;
	x->ev = evtimer_new(x->b->base, fake_answer, x);
	evtimer_add(x->ev, &zero);
	return (struct http_xfer *)x;
}

static void
fake_cancel(struct http_xfer *hx)
{
	struct fake_xfer	*x = (struct fake_xfer *)hx;

	event_free(x->ev);
	free(x);
}

#ifdef OUTBOX_MAX_INFLIGHT	/* the previous outbox API */
static struct sink *
bench_sink(struct bench *b, const char *name)
{
	char	err[128];

	(void)b;
	return sink_new(name, "webhook", "https://127.0.0.1:1/hook",
	    "bench-secret", SEV_INFO, 10000, NULL, err, sizeof(err));
}

static struct outbox *
bench_outbox(struct bench *b, const char *dir)
{
	struct outbox_transport	tr = { fake_send, fake_cancel, b };

	return outbox_new(b->base, &tr, dir);
}

static void
bench_post(struct bench *b, const struct alert *a)
{
	outbox_post(b->ob, a);
}
#else
static struct sink *
bench_sink(struct bench *b, const char *name)
{
	struct sink_spec	sp;
	struct sink_env		env;
	char			err[128];

	memset(&sp, 0, sizeof(sp));
	memset(&env, 0, sizeof(env));
	sp.name = name;
	sp.type = "webhook";
	sp.url = "https://127.0.0.1:1/hook";
	sp.secret = "bench-secret";
	sp.min_severity = SEV_INFO;
	sp.timeout_ms = 10000;
	env.http.send = fake_send;
	env.http.cancel = fake_cancel;
	env.http.ctx = b;
	return sink_new(&sp, &env, err, sizeof(err));
}

static struct outbox *
bench_outbox(struct bench *b, const char *dir)
{
	return outbox_new(b->base, dir);
}

static void
bench_post(struct bench *b, const struct alert *a)
{
	outbox_post(b->ob, a, NULL, NULL);
}
#endif

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bench	*b = arg;
	double		 t = now(), late = t - b->next_tick;

	(void)fd;
	(void)what;
	if (late > b->max_late)
		b->max_late = late;
	b->next_tick = t + TICK_MS / 1000.0;
	if (b->t_posted > 0 && b->t_empty == 0 &&
	    outbox_pending(b->ob) == 0) {
		b->t_empty = t;
		event_base_loopexit(b->base, NULL);
	}
}

static void
burst_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bench	*b = arg;
	struct alert	*a;
	char		 title[64];
	int		 i;

	(void)fd;
	(void)what;
	b->t_burst = now();
	for (i = 0; i < b->nalerts; i++) {
		a = alert_new(ALERT_EVENT, SEV_HIGH);
		snprintf(title, sizeof(title), "bench alert %d", i);
		alert_set(&a->check, "event.root_activity");
		alert_set(&a->title, title);
		alert_set(&a->summary, "A burst of alerts for the benchmark.");
		bench_post(b, a);
		alert_free(a);
	}
	b->t_posted = now();
}

int
main(int argc, char **argv)
{
	static const struct timeval	 tick = { 0, TICK_MS * 1000 };
	static const struct timeval	 start = { 0, 100 * 1000 };
	static const struct timeval	 limit = { 600, 0 };
	struct bench			 b;
	struct sink			**s;
	char				 name[16], err[256];
	int				 i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s STATE_DIR\n", argv[0]);
		return 2;
	}
	memset(&b, 0, sizeof(b));
	b.nalerts = getenv("DW_BURST") ? atoi(getenv("DW_BURST")) : 1000;
	log_init(LOG_BACKEND_STDERR, -1);
	b.base = event_base_new();
	b.ob = bench_outbox(&b, argv[1]);
	s = calloc(NSINKS, sizeof(*s));
	for (i = 0; i < NSINKS; i++) {
		snprintf(name, sizeof(name), "sink%d", i);
		s[i] = bench_sink(&b, name);
	}
	outbox_set_sinks(b.ob, s, NSINKS);
	if (outbox_load(b.ob, err, sizeof(err)) < 0) {
		fprintf(stderr, "outbox: %s\n", err);
		return 1;
	}
	b.tick = event_new(b.base, -1, EV_PERSIST, tick_cb, &b);
	b.burst = evtimer_new(b.base, burst_cb, &b);
	b.next_tick = now() + TICK_MS / 1000.0;
	event_add(b.tick, &tick);
	evtimer_add(b.burst, &start);
	event_base_loopexit(b.base, &limit);
	event_base_dispatch(b.base);
	printf("alerts %d, sinks %d: posting took %.1f ms; longest loop "
	    "stall %.1f ms; all delivered after %.2f s (%ld deliveries)\n",
	    b.nalerts, NSINKS, (b.t_posted - b.t_burst) * 1e3,
	    b.max_late * 1e3, b.t_empty > 0 ? b.t_empty - b.t_burst : -1.0,
	    b.answered);
	outbox_free(b.ob);
	event_free(b.tick);
	event_free(b.burst);
	event_base_free(b.base);
	return 0;
}
