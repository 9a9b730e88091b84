/*
 * creds_provider: the cache, the queue of waiting gets and the refresh
 * timer, around a scripted source on a real event_base with short-lived
 * credentials (a few seconds), so the timers really run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "driftwatch/creds_provider.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "tap.h"

/* A source whose answers the test scripts. */
struct script {
	struct event_base	*base;
	struct event		*later;
	struct creds_provider	*p;
	creds_fetch_done	 done;
	int			 fetches;
	int			 lifetime;	/* 0: never expires */
	double			 delay;		/* 0: answers inside fetch */
	int			 fail_from;	/* fetch number; 0: never */
	int			 fail_until;	/* last failing fetch; 0: all */
	int			 freed;
};

static void
script_answer(struct script *s)
{
	struct aws_creds	*c;
	char			 akid[32];

	if (s->fail_from != 0 && s->fetches >= s->fail_from &&
	    (s->fail_until == 0 || s->fetches <= s->fail_until)) {
		s->done(s->p, NULL, DW_EAWS, "AccessDenied: scripted");
		return;
	}
	snprintf(akid, sizeof akid, "AKIDGEN%d", s->fetches);
	c = aws_creds_new(akid, "secret", "token", "script");
	if (s->lifetime != 0) {
		c->obtained = time(NULL);
		c->expiration = c->obtained + s->lifetime;
	}
	s->done(s->p, c, 0, NULL);
}

static void
script_later_cb(evutil_socket_t fd, short what, void *arg)
{
	script_answer(arg);
}

static int
script_fetch(void *impl, struct creds_provider *p, creds_fetch_done done)
{
	struct script	*s = impl;
	struct timeval	 tv;

	s->fetches++;
	s->p = p;
	s->done = done;
	if (s->delay == 0) {
		script_answer(s);
		return 0;
	}
	tv.tv_sec = (time_t)s->delay;
	tv.tv_usec = (suseconds_t)((s->delay - (double)tv.tv_sec) * 1e6);
	evtimer_add(s->later, &tv);
	return 0;
}

static void
script_cancel(void *impl)
{
	struct script	*s = impl;

	evtimer_del(s->later);
}

static void
script_free(void *impl)
{
	struct script	*s = impl;

	s->freed++;
}

static const struct creds_source script_source = {
	"script", script_fetch, script_cancel, script_free
};

/* What a get's callback saw. */
struct answer {
	int	calls;
	int	error;
	char	akid[32];
	char	message[256];
	time_t	when;
};

static int	 in_get;
static int	 cb_inside_get;

static void
answer_cb(const struct aws_creds *c, int error, const char *message,
    void *arg)
{
	struct answer	*a = arg;

	if (in_get)
		cb_inside_get = 1;
	a->calls++;
	a->error = error;
	a->when = time(NULL);
	snprintf(a->akid, sizeof a->akid, "%s", c ? c->access_key_id : "");
	snprintf(a->message, sizeof a->message, "%s", message ? message : "");
}

static struct creds_get *
get(struct creds_provider *p, struct answer *a)
{
	struct creds_get	*g;

	in_get = 1;
	g = creds_provider_get(p, answer_cb, a);
	in_get = 0;
	return g;
}

static void
run_for(struct event_base *base, double seconds)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static struct creds_provider *
setup(struct event_base *base, struct script *s)
{
	s->base = base;
	s->later = evtimer_new(base, script_later_cb, s);
	return creds_provider_new(base, &script_source, s, "scripted source");
}

static void
teardown(struct creds_provider *p, struct script *s)
{
	creds_provider_free(p);
	event_free(s->later);
}

static void
test_static(struct event_base *base)
{
	struct creds_provider	*p;
	struct aws_creds	*c;
	struct answer		 a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	c = aws_creds_new("AKIDSTATIC", "s3cret", NULL, "environment");
	p = creds_static_new(base, c);
	ok(p != NULL, "static: provider");
	ok(creds_provider_current(p) == NULL, "static: nothing before a get");
	get(p, &a);
	is_int(a.calls, 0, "static: no callback inside get");
	run_for(base, 0.05);
	is_int(a.calls, 1, "static: one callback from the loop");
	IS_STR(a.akid, "AKIDSTATIC", "static: the keys");
	ok(creds_provider_current(p) != NULL, "static: current after a get");
	IS_STR(creds_provider_name(p), "environment", "static: named by source");
	get(p, &b);
	run_for(base, 0.05);
	is_int(b.calls, 1, "static: a second get is answered too");
	ok(!cb_inside_get, "static: never called back inside get");
	creds_provider_free(p);
}

static void
test_queue(struct event_base *base)
{
	struct creds_provider	*p;
	struct creds_get	*g;
	struct script		 s;
	struct answer		 a[3], x;
	int			 i;

	memset(&s, 0, sizeof s);
	memset(a, 0, sizeof a);
	memset(&x, 0, sizeof x);
	s.delay = 0.2;
	p = setup(base, &s);
	for (i = 0; i < 3; i++)
		get(p, &a[i]);
	g = get(p, &x);
	creds_get_cancel(g);
	run_for(base, 0.1);
	is_int(a[0].calls + a[1].calls + a[2].calls, 0,
	    "queue: gets wait while the fetch is under way");
	run_for(base, 0.3);
	is_int(s.fetches, 1, "queue: three gets, one fetch");
	ok(a[0].calls == 1 && a[1].calls == 1 && a[2].calls == 1,
	    "queue: each get answered once");
	IS_STR(a[2].akid, "AKIDGEN1", "queue: with the fetched keys");
	is_int(x.calls, 0, "queue: a cancelled get is never called back");
	memset(&x, 0, sizeof x);
	get(p, &x);
	run_for(base, 0.05);
	ok(x.calls == 1 && s.fetches == 1, "queue: cached keys, no new fetch");

	/* a get cancelled by freeing the provider mid-fetch */
	s.lifetime = 0;
	teardown(p, &s);
	is_int(s.freed, 1, "queue: the source is freed with the provider");
}

static void
test_refresh(struct event_base *base)
{
	struct creds_provider	*p;
	struct script		 s;
	struct answer		 a, b;
	const struct aws_creds	*c;
	time_t			 t0;

	memset(&s, 0, sizeof s);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	s.lifetime = 8;		/* refresh 2 s (plus jitter) before expiry */
	s.delay = 1.0;
	p = setup(base, &s);
	t0 = time(NULL);
	get(p, &a);
	run_for(base, 1.2);
	IS_STR(a.akid, "AKIDGEN1", "refresh: first keys");
	/* the refresh starts at 5-6 s after they were issued, takes 1 s */
	while (s.fetches < 2 && time(NULL) - t0 < 10)
		run_for(base, 0.1);
	is_int(s.fetches, 2, "refresh: the timer fetched again");
	ok(time(NULL) - t0 >= 4 && time(NULL) - t0 <= 8,
	    "refresh: ahead of expiry (%lld s in)", (long long)(time(NULL) - t0));
	get(p, &b);
	run_for(base, 0.1);
	is_int(b.calls, 1, "refresh: a get during the refresh is not held");
	IS_STR(b.akid, "AKIDGEN1", "refresh: ...it gets the old, valid keys");
	run_for(base, 1.2);
	c = creds_provider_current(p);
	IS_STR(c ? c->access_key_id : NULL, "AKIDGEN2", "refresh: new keys");
	ok(c != NULL && c->expiration > time(NULL) + 5,
	    "refresh: with a new expiry");
	teardown(p, &s);
}

static void
test_refresh_fails(struct event_base *base)
{
	struct creds_provider	*p;
	struct script		 s;
	struct answer		 a, b;
	time_t			 t0;

	memset(&s, 0, sizeof s);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	s.lifetime = 8;
	s.fail_from = 2;
	p = setup(base, &s);
	t0 = time(NULL);
	get(p, &a);
	while (s.fetches < 2 && time(NULL) - t0 < 10)
		run_for(base, 0.1);
	is_int(s.fetches, 2, "failed refresh: tried");
	ok(creds_provider_current(p) != NULL,
	    "failed refresh: the old keys still sign");
	ok(strstr(creds_provider_error(p), "AccessDenied: scripted") != NULL,
	    "failed refresh: the error is kept: %s", creds_provider_error(p));
	get(p, &a);
	run_for(base, 0.05);
	IS_STR(a.akid, "AKIDGEN1", "failed refresh: gets served the old keys");
	while (creds_provider_current(p) != NULL && time(NULL) - t0 < 10)
		run_for(base, 0.1);
	ok(s.fetches >= 3, "failed refresh: retried before expiry (%d)",
	    s.fetches);
	ok(time(NULL) - t0 >= 6, "failed refresh: kept until the margin");
	get(p, &b);
	run_for(base, 0.05);
	ok(b.calls == 1 && b.error == DW_EAWS, "expired: a get fails");
	ok(strstr(b.message, "scripted source: AccessDenied") != NULL,
	    "expired: the message names the source: %s", b.message);
	teardown(p, &s);
}

static void
test_fail_then_recover(struct event_base *base)
{
	struct creds_provider	*p;
	struct script		 s;
	struct answer		 a, b, c;

	memset(&s, 0, sizeof s);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	s.fail_from = 1;
	s.fail_until = 1;
	p = setup(base, &s);
	get(p, &a);
	run_for(base, 0.05);
	ok(a.calls == 1 && a.error == DW_EAWS && a.akid[0] == '\0',
	    "no keys: the get fails");
	get(p, &b);
	run_for(base, 0.05);
	ok(b.calls == 1 && b.error != 0 && s.fetches == 1,
	    "no keys: a get right after fails without a new fetch");
	run_for(base, 5.1);
	get(p, &c);
	run_for(base, 0.05);
	ok(c.calls == 1 && c.error == 0 && s.fetches == 2,
	    "no keys: after the pause a get fetches again");
	IS_STR(c.akid, "AKIDGEN2", "no keys: and succeeds");
	teardown(p, &s);
}

static void
test_timing(void)
{
	struct aws_creds	c;

	memset(&c, 0, sizeof c);
	c.access_key_id = "A";
	c.secret_access_key = "S";
	c.obtained = 1000;
	c.expiration = 1020;			/* 20 s credentials */
	is_int(aws_creds_refresh_at(&c, 0), 1015, "20 s: refresh 5 s ahead");
	is_int(aws_creds_refresh_at(&c, 1), 1013, "20 s: jitter up to half");
	ok(aws_creds_valid(&c, 1017) && !aws_creds_valid(&c, 1018),
	    "20 s: never signed with in the last 2 s");
	c.expiration = 1000 + 3600;		/* 1 h credentials */
	is_int(aws_creds_refresh_at(&c, 0), 4600 - 300,
	    "1 h: refresh 5 min ahead");
	ok(aws_creds_valid(&c, 4600 - 61) && !aws_creds_valid(&c, 4600 - 60),
	    "1 h: never signed with in the last minute");
	c.obtained = 0;
	ok(!aws_creds_valid(&c, 4600 - 60), "unknown issue time: 1 min margin");
	c.expiration = 0;
	is_int(aws_creds_refresh_at(&c, 0.5), 0, "never expires: no refresh");
	ok(aws_creds_valid(&c, 1LL << 40), "never expires: always valid");
}

int
main(void)
{
	struct event_base	*base;

	log_init(LOG_BACKEND_STDERR, 0);
	if ((base = event_base_new()) == NULL)
		skip_all("no event base");
	test_timing();
	test_static(base);
	test_queue(base);
	test_refresh(base);
	test_refresh_fails(base);
	test_fail_then_recover(base);
	event_base_free(base);
	return done_testing();
}
