/*
 * The outbox on a real event_base with a fake sink backend: the fake
 * answers each delivery with the next scripted verdict through a
 * zero-delay timer, so no network is used and only the outbox's own
 * promises are under test (durability before completion, one file per
 * alert, per-sink order and backoff, dead/, the upgrade from the
 * previous version's files).
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/outbox.h"
#include "driftwatch/sink.h"
#include "tap.h"

#define OK	1	/* delivered */
#define RETRY	2
#define RETRY1	3	/* retry, Retry-After: 1 */
#define DEAD	4
#define HANG	5	/* never answer */
#define RETRYDAYS 6	/* retry, Retry-After: two days */
#define MAXREQ	256

struct sink_call {
	struct event	*ev;
	sink_done_cb	 cb;
	void		*arg;
	int		 what;
};

static struct {
	struct event_base	*base;
	char			 dir[256];	/* <state>/outbox */
	int			 script[MAXREQ];
	size_t			 nscript;
	size_t			 nsent;
	int			 ncancel;
	int			 inflight;
	int			 max_inflight;
	int			 missing;	/* deliveries whose file was absent */
	char			 ids[MAXREQ][ALERT_ID_LEN];
	char			 sinks[MAXREQ][SINK_NAME_MAX + 1];
	struct timeval		 when[MAXREQ];	/* each delivery's start */
	size_t			 backing_off[MAXREQ];	/* after each answer */
	struct outbox		*ob;
} F;

static char	state_dir[] = "/tmp/dw-test-outbox-XXXXXX";

static void
fake_answer(evutil_socket_t fd, short what, void *arg)
{
	struct sink_call	*c = arg;
	struct sink_result	 res;
	size_t			 n = F.nsent;

	(void)fd;
	(void)what;
	memset(&res, 0, sizeof(res));
	res.retry_after = c->what == RETRY1 ? 1 : c->what == RETRYDAYS ?
	    2 * 86400 : -1;
	res.verdict = c->what == OK ? SINK_DELIVERED : c->what == DEAD ?
	    SINK_PERMANENT : SINK_RETRY;
	snprintf(res.detail, sizeof(res.detail), "fake verdict %d", c->what);
	event_free(c->ev);
	F.inflight--;
	c->cb(&res, c->arg);
	free(c);
	F.backing_off[n - 1] = outbox_backing_off(F.ob);
}

static struct sink_call *
fake_deliver(struct sink *s, const struct alert *a, sink_done_cb cb,
    void *arg)
{
	static const struct timeval	 now = { 0, 0 };
	struct sink_call		*c;
	char				 path[512];

	snprintf(path, sizeof(path), "%s/%s.json", F.dir, a->id);
	if (access(path, F_OK) != 0)
		F.missing++;
	if (F.nsent < MAXREQ) {
		snprintf(F.ids[F.nsent], ALERT_ID_LEN, "%s", a->id);
		snprintf(F.sinks[F.nsent], SINK_NAME_MAX + 1, "%s", s->name);
		gettimeofday(&F.when[F.nsent], NULL);
	}
	c = calloc(1, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
	c->what = F.nsent < F.nscript ? F.script[F.nsent] : OK;
	F.nsent++;
	if (++F.inflight > F.max_inflight)
		F.max_inflight = F.inflight;
	c->ev = evtimer_new(F.base, fake_answer, c);
	if (c->what != HANG)
		evtimer_add(c->ev, &now);
	return c;
}

static void
fake_cancel(struct sink_call *c)
{
	F.ncancel++;
	F.inflight--;
	event_free(c->ev);
	free(c);
}

static const struct sink_ops fake_ops = {
	.type = "fake",
	.deliver = fake_deliver,
	.cancel = fake_cancel,
};

static struct sink *
mksink(const char *name, enum severity min)
{
	struct sink	*s = calloc(1, sizeof(*s));

	s->name = strdup(name);
	s->ops = &fake_ops;
	s->min_severity = min;
	return s;
}

/* A new outbox with sinks "hook" (and "other" when two) and a script. */
static struct outbox *
setup(int two, const int *script, size_t n)
{
	struct sink	**s;
	char		 err[256];

	memset(&F, 0, sizeof(F));
	F.base = event_base_new();
	snprintf(F.dir, sizeof(F.dir), "%s/outbox", state_dir);
	if (n > 0)
		memcpy(F.script, script, n * sizeof(*script));
	F.nscript = n;
	F.ob = outbox_new(F.base, state_dir);
	outbox_set_backoff(F.ob, 0.001, 0.004);
	s = calloc(2, sizeof(*s));
	s[0] = mksink("hook", SEV_LOW);
	if (two)
		s[1] = mksink("other", SEV_CRITICAL);
	outbox_set_sinks(F.ob, s, two ? 2 : 1);
	if (outbox_load(F.ob, err, sizeof(err)) < 0)
		diag("load: %s", err);
	return F.ob;
}

static void
teardown(void)
{
	outbox_free(F.ob);
	F.ob = NULL;
	event_base_free(F.base);
}

static struct alert *
mkalert(enum severity sev, time_t when)
{
	struct alert	*a = alert_new(ALERT_OPEN, sev);

	alert_set(&a->check, "root.mfa");
	alert_set(&a->title, "Root MFA removed");
	a->time = when;
	return a;
}

static int
file_exists(const char *dir, const char *name)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static int
alert_file(const char *dir, const struct alert *a)
{
	char	name[128];

	snprintf(name, sizeof(name), "%s.json", a->id);
	return file_exists(dir, name);
}

static char *
read_alert_file(const char *dir, const struct alert *a)
{
	char	path[512], *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s.json", dir, a->id);
	atomicfile_read(path, 1 << 20, &buf, NULL);
	return buf;
}

/* Files directly in dir whose name ends in suffix. */
static int
count_files(const char *dir, const char *suffix)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;
	size_t		 len, sl = strlen(suffix);

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] != '.' && len > sl &&
		    strcmp(de->d_name + len - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
clean_dir(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == -1) {
			clean_dir(path);
			rmdir(path);
		}
	}
	closedir(d);
}

/* A completion: when it came, whether the file was there then. */
struct done {
	int	calls;
	int	result;
	int	file_then;
	size_t	sent_then;
	char	path[512];
};

static void
done_cb(int result, void *arg)
{
	struct done	*d = arg;

	d->calls++;
	d->result = result;
	d->file_then = access(d->path, F_OK) == 0;
	d->sent_then = F.nsent;
}

static void
done_init(struct done *d, const struct alert *a)
{
	memset(d, 0, sizeof(*d));
	d->result = 99;
	snprintf(d->path, sizeof(d->path), "%s/%s.json", F.dir, a->id);
}

static void
test_deliver(void)
{
	struct outbox		*ob = setup(0, NULL, 0);
	struct alert		*a = mkalert(SEV_HIGH, 1000);
	struct done		 d;
	struct stat		 st;
	char			*buf;
	struct json_object	*o;

	done_init(&d, a);
	is_int(outbox_post(ob, a, done_cb, &d), 0, "post succeeds");
	is_int(d.calls, 0, "the completion comes from the loop, not the call");
	ok(!alert_file(F.dir, a), "nothing is written inside the call "
	    "(the commit is grouped)");
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	is_int(d.calls, 1, "one completion");
	is_int(d.result, 0, "durable");
	ok(d.file_then, "the file existed when the completion came");
	is_int(d.sent_then, 0, "and nothing was sent before it");
	ok(stat(d.path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the file is mode 0600");
	buf = read_alert_file(F.dir, a);
	o = buf != NULL ? json_tokener_parse(buf) : NULL;
	ok(o != NULL && strstr(buf, "\"version\":2") != NULL &&
	    strstr(buf, "\"name\":\"hook\"") != NULL &&
	    strstr(buf, "\"state\":\"pending\"") != NULL &&
	    strstr(buf, a->id) != NULL, "file holds the alert and the sink's "
	    "state");
	json_object_put(o);
	free(buf);
	is_int(outbox_pending(ob), 1, "one pending");
	event_base_dispatch(F.base);
	is_int(F.nsent, 1, "sent once");
	is_int(F.missing, 0, "the file existed when the delivery started");
	ok(!alert_file(F.dir, a), "file removed once delivered");
	is_int(outbox_pending(ob), 0, "nothing pending");
	teardown();
	alert_free(a);
}

/* Critical goes to two sinks: still one file, holding both states. */
static void
test_one_file(void)
{
	struct outbox	*ob = setup(1, (const int[]){ HANG, HANG }, 2);
	struct alert	*high = mkalert(SEV_HIGH, 1001);
	struct alert	*crit = mkalert(SEV_CRITICAL, 1002);
	struct alert	*info = mkalert(SEV_INFO, 1000);
	struct done	 d;
	char		*buf;

	done_init(&d, info);
	outbox_post(ob, info, done_cb, &d);
	outbox_post(ob, high, NULL, NULL);
	outbox_post(ob, crit, NULL, NULL);
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(d.calls == 1 && d.result == 0, "an alert no sink wants is done at "
	    "once");
	ok(!alert_file(F.dir, info), "and is not stored");
	is_int(count_files(F.dir, ".json"), 2, "one file per alert, not per "
	    "alert and sink");
	buf = read_alert_file(F.dir, crit);
	ok(buf != NULL && strstr(buf, "\"name\":\"hook\"") != NULL &&
	    strstr(buf, "\"name\":\"other\"") != NULL,
	    "the critical alert's file holds both sinks");
	free(buf);
	buf = read_alert_file(F.dir, high);
	ok(buf != NULL && strstr(buf, "\"name\":\"other\"") == NULL,
	    "the high one only the sink that wants it");
	free(buf);
	teardown();
	clean_dir(F.dir);
	alert_free(info);
	alert_free(high);
	alert_free(crit);
}

/*
 * A burst in one loop turn: one commit makes a batch durable together,
 * the next batch waits for the next turn, so the loop keeps running.
 */
static void
test_group_commit(void)
{
	enum { N = OUTBOX_COMMIT_BATCH + 8 };
	struct outbox	*ob = setup(0, NULL, 0);
	struct alert	*a[N];
	struct done	 d[N];
	int		 i, first = 1, rest = 1;

	for (i = 0; i < N; i++) {
		a[i] = mkalert(SEV_HIGH, 1000 + i);
		done_init(&d[i], a[i]);
		outbox_post(ob, a[i], done_cb, &d[i]);
	}
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	for (i = 0; i < N; i++)
		if (i < OUTBOX_COMMIT_BATCH)
			first &= d[i].calls == 1 && d[i].result == 0 &&
			    d[i].file_then;
		else
			rest &= d[i].calls == 0;
	ok(first, "one loop turn made the first %d durable",
	    OUTBOX_COMMIT_BATCH);
	ok(rest, "the rest wait for the next turn");
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	for (i = OUTBOX_COMMIT_BATCH, rest = 1; i < N; i++)
		rest &= d[i].calls == 1 && d[i].result == 0;
	ok(rest, "and are durable after it");
	event_base_dispatch(F.base);
	is_int(F.nsent, N, "then all were delivered");
	is_int(count_files(F.dir, ".json"), 0, "and removed");
	teardown();
	for (i = 0; i < N; i++)
		alert_free(a[i]);
}

/* The sink is what is down: later alerts wait behind the probe. */
static void
test_sink_backoff(void)
{
	struct outbox	*ob = setup(0, (const int[]){ RETRY, RETRY, RETRY,
			    OK }, 4);
	struct alert	*a[3];
	char		*buf;
	int		 i, order = 1;

	for (i = 0; i < 3; i++) {
		a[i] = mkalert(SEV_HIGH, 1000 + i);
		outbox_post(ob, a[i], NULL, NULL);
	}
	event_base_dispatch(F.base);
	is_int(F.nsent, 6, "three failures, then three deliveries");
	for (i = 0; i < 4; i++)
		order &= strcmp(F.ids[i], a[0]->id) == 0;
	ok(order, "while the sink is down only its oldest alert is tried");
	ok(strcmp(F.ids[4], a[1]->id) == 0 && strcmp(F.ids[5], a[2]->id) == 0,
	    "once it answers the rest follow in order");
	is_int(F.backing_off[0], 1, "after a failure the sink backs off");
	is_int(F.backing_off[3], 0, "after a success it does not");
	is_int(F.max_inflight, 1, "one delivery at a time per sink");
	is_int(count_files(F.dir, ".json"), 0, "all removed");
	teardown();

	/* attempts and the next try are persisted while backing off */
	ob = setup(0, (const int[]){ RETRY, HANG }, 2);
	outbox_post(ob, a[0], NULL, NULL);
	event_base_dispatch(F.base);
	buf = read_alert_file(F.dir, a[0]);
	ok(buf != NULL && strstr(buf, "\"attempts\":1") != NULL &&
	    strstr(buf, "\"next\":0") == NULL,
	    "the file counts failed attempts and the next try");
	free(buf);
	teardown();
	clean_dir(F.dir);
	for (i = 0; i < 3; i++)
		alert_free(a[i]);
}

static double
since(const struct timeval *t0)
{
	struct timeval	t1;

	gettimeofday(&t1, NULL);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_usec - t0->tv_usec) / 1e6;
}

/* Retry-After: 1 waits that second, not the tiny backoff. */
static void
test_retry_after(void)
{
	struct outbox	*ob = setup(0, (const int[]){ RETRY1, OK }, 2);
	struct alert	*a = mkalert(SEV_HIGH, 1001);
	struct timeval	 t0;
	double		 took;

	gettimeofday(&t0, NULL);
	outbox_post(ob, a, NULL, NULL);
	event_base_dispatch(F.base);
	took = since(&t0);
	is_int(F.nsent, 2, "retried");
	ok(took >= 0.95, "Retry-After: 1 honoured (waited %.3f s)", took);
	teardown();
	alert_free(a);
}

/* The "next" a file holds for a sink, or -1. */
static long long
file_next(const struct alert *a, const char *sink)
{
	struct json_object	*o, *v, *e, *n;
	char			*buf = read_alert_file(F.dir, a);
	long long		 next = -1;
	size_t			 i;

	o = buf != NULL ? json_tokener_parse(buf) : NULL;
	free(buf);
	if (o != NULL && json_object_object_get_ex(o, "sinks", &v))
		for (i = 0; i < json_object_array_length(v); i++) {
			e = json_object_array_get_idx(v, i);
			if (json_object_object_get_ex(e, "name", &n) &&
			    strcmp(json_object_get_string(n), sink) == 0 &&
			    json_object_object_get_ex(e, "next", &n))
				next = json_object_get_int64(n);
		}
	json_object_put(o);
	return next;
}

static double
tv_diff(const struct timeval *a, const struct timeval *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_usec - a->tv_usec) / 1e6;
}

/*
 * A Retry-After pauses its sink only: the other sink delivers at once,
 * and the paused one sends its alerts afterwards, in order.
 */
static void
test_retry_after_one_sink(void)
{
	struct outbox	*ob = setup(1, (const int[]){ RETRY1, OK, OK, OK, OK },
			    5);
	struct alert	*a = mkalert(SEV_CRITICAL, 1001);
	struct alert	*b = mkalert(SEV_CRITICAL, 1002);
	struct timeval	 t0;

	gettimeofday(&t0, NULL);
	outbox_post(ob, a, NULL, NULL);
	outbox_post(ob, b, NULL, NULL);
	event_base_dispatch(F.base);
	is_int(F.nsent, 5, "one retry, four deliveries");
	ok(strcmp(F.sinks[0], "hook") == 0 && strcmp(F.sinks[1], "other") ==
	    0 && strcmp(F.sinks[2], "other") == 0, "the other sink goes on");
	ok(tv_diff(&t0, &F.when[2]) < 0.5, "without waiting (%.3f s)",
	    tv_diff(&t0, &F.when[2]));
	ok(strcmp(F.sinks[3], "hook") == 0 && strcmp(F.ids[3], a->id) == 0 &&
	    strcmp(F.sinks[4], "hook") == 0 && strcmp(F.ids[4], b->id) == 0,
	    "the paused sink then sends both, oldest first");
	ok(tv_diff(&t0, &F.when[3]) >= 0.95, "not before its Retry-After "
	    "(%.3f s)", tv_diff(&t0, &F.when[3]));
	teardown();
	alert_free(a);
	alert_free(b);
}

/* Two days asked: an hour waited, in memory, in the file, across a
 * reload and a restart. */
static void
test_retry_after_cap(void)
{
	static const struct timeval	 brief = { 0, 300000 };
	struct outbox	*ob = setup(1, (const int[]){ RETRYDAYS, OK, OK }, 3);
	struct alert	*a = mkalert(SEV_CRITICAL, 1001);
	struct alert	*b = mkalert(SEV_CRITICAL, 1002);
	struct sink	**s;
	long long	 next;
	time_t		 now = time(NULL);
	char		 err[256];

	outbox_post(ob, a, NULL, NULL);
	outbox_post(ob, b, NULL, NULL);
	event_base_loopexit(F.base, &brief);
	event_base_dispatch(F.base);
	is_int(F.nsent, 3, "the paused sink tried once, the other sent both");
	is_int(outbox_backing_off(ob), 1, "one sink backs off");
	next = file_next(a, "hook");
	ok(next >= now + OUTBOX_RETRY_AFTER_MAX &&
	    next <= time(NULL) + OUTBOX_RETRY_AFTER_MAX + 2,
	    "the pause is capped at %d s (next in %lld s)",
	    OUTBOX_RETRY_AFTER_MAX, next - now);
	/* a reload keeps the pause: the new sinks do not try at once */
	s = calloc(2, sizeof(*s));
	s[0] = mksink("hook", SEV_LOW);
	s[1] = mksink("other", SEV_CRITICAL);
	outbox_set_sinks(ob, s, 2);
	event_base_loopexit(F.base, &brief);
	event_base_dispatch(F.base);
	is_int(F.nsent, 3, "a reload does not cut the pause short");
	/* nor does a restart */
	outbox_free(ob);
	F.ob = ob = outbox_new(F.base, state_dir);
	s = calloc(1, sizeof(*s));
	s[0] = mksink("hook", SEV_LOW);
	outbox_set_sinks(ob, s, 1);
	ok(outbox_load(ob, err, sizeof(err)) == 2, "both alerts wait for it");
	event_base_loopexit(F.base, &brief);
	event_base_dispatch(F.base);
	is_int(F.nsent, 3, "a restart does not cut the pause short");
	teardown();
	clean_dir(F.dir);
	alert_free(a);
	alert_free(b);
}

/* A sink's kinds keep what it does not take out of its queue. */
static void
test_kinds(void)
{
	struct outbox	*ob = setup(0, NULL, 0);
	struct alert	*a = mkalert(SEV_CRITICAL, 1001);
	struct alert	*r = alert_new(ALERT_RESOLVE, SEV_CRITICAL);
	struct sink	**s;
	char		*buf;

	alert_set(&r->check, "root.mfa");
	s = calloc(2, sizeof(*s));
	s[0] = mksink("hook", SEV_LOW);
	s[1] = mksink("resolves", SEV_LOW);
	s[1]->kinds = SINK_KIND_RESOLVE;
	outbox_set_sinks(ob, s, 2);
	F.script[0] = F.script[1] = F.script[2] = HANG;
	F.nscript = 3;
	outbox_post(ob, a, NULL, NULL);
	outbox_post(ob, r, NULL, NULL);
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	buf = read_alert_file(F.dir, a);
	ok(buf != NULL && strstr(buf, "\"resolves\"") == NULL,
	    "an open alert holds no slot for a resolve-only sink");
	free(buf);
	buf = read_alert_file(F.dir, r);
	ok(buf != NULL && strstr(buf, "\"resolves\"") != NULL &&
	    strstr(buf, "\"hook\"") != NULL, "a resolve holds both");
	free(buf);
	teardown();
	clean_dir(F.dir);
	alert_free(a);
	alert_free(r);
}

/* A permanent refusal is one alert's, not the sink's. */
static void
test_dead(void)
{
	struct outbox	*ob = setup(0, (const int[]){ DEAD, OK }, 2);
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	struct alert	*b = mkalert(SEV_HIGH, 1001);
	char		 dead[512];

	outbox_post(ob, a, NULL, NULL);
	outbox_post(ob, b, NULL, NULL);
	event_base_dispatch(F.base);
	is_int(F.nsent, 2, "the refused alert is not retried; the next goes");
	ok(!alert_file(F.dir, a), "gone from the outbox");
	snprintf(dead, sizeof(dead), "%s/dead", F.dir);
	ok(alert_file(dead, a), "kept in outbox/dead/");
	ok(!alert_file(dead, b), "the delivered one is not");
	is_int(outbox_pending(ob), 0, "nothing pending");
	teardown();

	ob = setup(0, NULL, 0);
	is_int(outbox_pending(ob), 0, "dead/ is not loaded again");
	teardown();
	clean_dir(F.dir);
	alert_free(a);
	alert_free(b);
}

static void
test_restart(void)
{
	enum { N = 6 };
	static const int	 hang[N] = { HANG };
	struct outbox		*ob = setup(0, hang, N);
	struct alert		*a[N];
	int			 i, order = 1;

	/* made in this order, whatever their times say */
	for (i = 0; i < N; i++) {
		a[i] = mkalert(SEV_HIGH, 2000 - i);
		outbox_post(ob, a[i], NULL, NULL);
	}
	event_base_dispatch(F.base);
	is_int(F.nsent, 1, "one delivery started and hangs");
	teardown();
	is_int(F.ncancel, 1, "free cancels the delivery in flight");
	is_int(count_files(F.dir, ".json"), N, "the files stay after free");

	ob = setup(0, NULL, 0);
	is_int(outbox_pending(ob), N, "a new outbox loads them");
	event_base_dispatch(F.base);
	is_int(F.nsent, N, "and delivers them");
	for (i = 0; i < N; i++)
		order &= strcmp(F.ids[i], a[i]->id) == 0;
	ok(order, "in the order they were made");
	is_int(count_files(F.dir, ".json"), 0, "then removes them");
	teardown();
	for (i = 0; i < N; i++)
		alert_free(a[i]);
}

static void
write_file(const char *dir, const char *name, const char *content)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	atomicfile_write(path, content, strlen(content), 0600);
}

/* The previous version's <id>.<sink>.json file for a. */
static void
write_legacy(const struct alert *a, const char *sink, int attempts)
{
	struct json_object	*o = json_object_new_object();
	char			 name[128];

	json_object_object_add(o, "sink", json_object_new_string(sink));
	json_object_object_add(o, "attempts", json_object_new_int(attempts));
	json_object_object_add(o, "alert", alert_to_json(a));
	snprintf(name, sizeof(name), "%s.%s.json", a->id, sink);
	write_file(F.dir, name, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static int
sent(const struct alert *a, const char *sink)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < F.nsent && i < MAXREQ; i++)
		n += strcmp(F.ids[i], a->id) == 0 &&
		    strcmp(F.sinks[i], sink) == 0;
	return n;
}

/* An upgrade neither loses nor re-sends what the old files held. */
static void
test_upgrade(void)
{
	struct outbox	*ob;
	struct alert	*a = mkalert(SEV_CRITICAL, 1500);
	struct alert	*b = mkalert(SEV_HIGH, 1400);
	char		*buf;

	ob = setup(1, NULL, 0);
	teardown();
	/* a was delivered to "other" already (its file gone), not to hook */
	write_legacy(a, "hook", 2);
	write_legacy(b, "hook", 0);
	write_legacy(b, "other", 1);	/* other only takes critical now */
	ob = setup(1, (const int[]){ HANG, HANG }, 2);
	is_int(outbox_pending(ob), 2, "two alerts from three old files");
	event_base_dispatch(F.base);
	teardown();
	is_int(count_files(F.dir, ".hook.json") + count_files(F.dir,
	    ".other.json"), 0, "the old files are gone once rewritten");
	is_int(count_files(F.dir, ".json"), 2, "one new file per alert");
	buf = read_alert_file(F.dir, b);
	ok(buf != NULL && strstr(buf, "\"name\":\"other\"") != NULL &&
	    strstr(buf, "\"attempts\":1") != NULL,
	    "the old attempts and sinks carry over");
	free(buf);

	ob = setup(1, NULL, 0);
	event_base_dispatch(F.base);
	is_int(F.nsent, 3, "three deliveries in all");
	ok(sent(a, "hook") == 1 && sent(b, "hook") == 1 &&
	    sent(b, "other") == 1, "each old (alert, sink) once");
	is_int(sent(a, "other"), 0, "nothing the old version delivered is "
	    "sent again");
	ok(strcmp(F.ids[0], b->id) == 0, "the older alert first");
	is_int(count_files(F.dir, ".json"), 0, "all delivered and removed");
	teardown();

	/* a crash between the new file and removing the old one */
	write_legacy(a, "hook", 0);
	ob = setup(0, (const int[]){ HANG }, 1);
	event_base_dispatch(F.base);
	teardown();
	write_legacy(a, "hook", 0);
	ob = setup(0, NULL, 0);
	is_int(outbox_pending(ob), 1, "old and new file of one alert: one "
	    "alert");
	event_base_dispatch(F.base);
	is_int(sent(a, "hook"), 1, "sent once");
	teardown();
	alert_free(a);
	alert_free(b);
}

static void
test_corrupt(void)
{
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	char		 good[2048], name[128];
	struct outbox	*ob;

	ob = setup(0, NULL, 0);
	teardown();
	write_file(F.dir, "garbage.json", "this is not json");
	write_file(F.dir, "trunc.hook.json", "{\"sink\":\"hook\",\"attem");
	write_file(F.dir, "empty.json", "");
	write_file(F.dir, "wrongname.json", "{\"version\":2,\"seq\":1,"
	    "\"sinks\":[],\"alert\":{\"id\":\"dw-1\",\"kind\":\"open\","
	    "\"severity\":\"high\",\"time\":\"2024-05-01T12:00:00Z\"}}");
	write_file(F.dir, "dw-2.hook.json", "{\"sink\":\"hook\","
	    "\"attempts\":\"x\",\"alert\":{}}");
	write_file(F.dir, "notes.txt", "ignored");
	write_file(F.dir, ".x.json.tmp", "left by a crash");
	snprintf(good, sizeof(good), "{\"version\":2,\"seq\":7,\"sinks\":["
	    "{\"name\":\"hook\",\"state\":\"pending\",\"attempts\":3,"
	    "\"next\":0}],\"alert\":{\"id\":\"%s\",\"kind\":\"open\","
	    "\"severity\":\"high\",\"time\":\"2024-05-01T12:00:00Z\"}}", a->id);
	snprintf(name, sizeof(name), "%s.json", a->id);
	write_file(F.dir, name, good);

	ob = setup(0, NULL, 0);
	is_int(outbox_pending(ob), 1, "only the good file is queued");
	is_int(count_files(F.dir, ".bad"), 5, "five bad files renamed .bad");
	is_int(count_files(F.dir, ".txt"), 1, "other files are left alone");
	ok(!file_exists(F.dir, ".x.json.tmp"),
	    "a staged file a crash left is removed");
	event_base_dispatch(F.base);
	is_int(F.nsent, 1, "the good one is sent");
	is_int(count_files(F.dir, ".json"), 0, "and removed");
	teardown();
	clean_dir(F.dir);
	alert_free(a);
}

static void
test_twice(void)
{
	struct outbox	*ob = setup(0, NULL, 0);
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	struct done	 d1, d2, d3;

	done_init(&d1, a);
	done_init(&d2, a);
	done_init(&d3, a);
	is_int(outbox_post(ob, a, done_cb, &d1), 0, "first post");
	is_int(outbox_post(ob, a, done_cb, &d2), 0, "second post, same id");
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(d1.result == 0 && d2.result == 0, "both hear it is durable");
	is_int(count_files(F.dir, ".json"), 1, "one file");
	event_base_dispatch(F.base);
	is_int(F.nsent, 1, "sent once");
	outbox_post(ob, a, done_cb, &d3);
	event_base_dispatch(F.base);
	ok(d3.calls == 1 && d3.result == 0, "posted after delivery: done");
	is_int(F.nsent, 1, "and not sent again");
	teardown();
	alert_free(a);
}

static void
test_reload(void)
{
	struct outbox	*ob = setup(0, (const int[]){ HANG }, 1);
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	struct sink	**s;

	outbox_post(ob, a, NULL, NULL);
	event_base_dispatch(F.base);
	s = calloc(1, sizeof(*s));
	s[0] = mksink("elsewhere", SEV_LOW);
	outbox_set_sinks(ob, s, 1);
	is_int(F.ncancel, 1, "reload cancels the delivery in flight");
	event_base_dispatch(F.base);
	is_int(F.nsent, 1, "nothing goes to a sink that is gone");
	is_int(outbox_pending(ob), 1, "the alert waits for its sink");
	ok(alert_file(F.dir, a), "its file stays");
	s = calloc(2, sizeof(*s));
	s[0] = mksink("elsewhere", SEV_LOW);
	s[1] = mksink("hook", SEV_LOW);
	outbox_set_sinks(ob, s, 2);
	event_base_dispatch(F.base);
	is_int(F.nsent, 2, "sent once its sink is back");
	IS_STR(F.sinks[1], "hook", "to that sink");
	is_int(count_files(F.dir, ".json"), 0, "then removed");
	teardown();
	alert_free(a);
}

/* A barrier hears back after what was posted before it is durable. */
static void
test_barrier(void)
{
	struct outbox	*ob = setup(0, (const int[]){ HANG }, 1);
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	struct done	 d, b;

	done_init(&d, a);
	done_init(&b, a);
	outbox_post(ob, a, done_cb, &d);
	outbox_barrier(ob, done_cb, &b);
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(b.calls == 1 && b.result == 0 && b.file_then,
	    "the barrier came once the alert was on disk");
	is_int(outbox_flush(ob), 0, "flush: everything is on disk");
	teardown();
	clean_dir(F.dir);
	alert_free(a);
}

/* A failed write: the waiter hears it, the alert is still delivered. */
static void
test_write_fails(void)
{
	struct outbox	*ob = setup(0, NULL, 0);
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	struct done	 d;
	char		 blocker[512];

	/* a directory where the temporary file must go makes open() fail */
	snprintf(blocker, sizeof(blocker), "%s/.%s.json.tmp", F.dir, a->id);
	mkdir(blocker, 0700);
	done_init(&d, a);
	outbox_post(ob, a, done_cb, &d);
	event_base_loop(F.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(d.calls == 1 && d.result < 0, "the completion says it failed (%d)",
	    d.result);
	is_int(outbox_flush(ob), DW_EIO, "flush says an alert is not on disk");
	event_base_loop(F.base, EVLOOP_NONBLOCK);
	is_int(F.nsent, 1, "it is still delivered from memory");
	teardown();
	rmdir(blocker);
	alert_free(a);
}

static void
test_no_dir(void)
{
	struct event_base	*base = event_base_new();
	struct outbox		*ob;
	char			 err[256] = "";

	ob = outbox_new(base, "/nonexistent/driftwatch");
	ok(outbox_load(ob, err, sizeof(err)) < 0 && strstr(err, "/nonexistent")
	    != NULL, "an unusable state directory is an error: %s", err);
	outbox_free(ob);
	outbox_free(NULL);
	ok(1, "outbox_free(NULL) is a no-op");
	event_base_free(base);
}

int
main(void)
{
	if (mkdtemp(state_dir) == NULL)
		skip_all("cannot make a temporary directory");
	log_init(LOG_BACKEND_STDERR, 0);
	test_deliver();
	test_one_file();
	test_group_commit();
	test_sink_backoff();
	test_retry_after();
	test_retry_after_one_sink();
	test_retry_after_cap();
	test_kinds();
	test_dead();
	test_restart();
	test_upgrade();
	test_corrupt();
	test_twice();
	test_reload();
	test_barrier();
	test_write_fails();
	test_no_dir();
	clean_dir(state_dir);
	rmdir(state_dir);
	return done_testing();
}
