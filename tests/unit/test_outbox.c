/*
 * The outbox on a real event_base with a fake transport: the fake
 * answers each request with the next scripted status through a
 * zero-delay timer, so no network is ever used.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
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

#define URL	"https://127.0.0.1:1/hooks/TOKENxyz"
#define SECRET	"hmac-s3cret-key"
#define HANG	(-1)	/* never answer */
#define NETERR	0	/* answer with a network error */
#define MAXREQ	64

struct fake;

struct fake_xfer {
	struct fake	*f;
	struct event	*ev;
	http_cb		 cb;
	void		*arg;
	long		 status;
};

struct fake {
	struct event_base	*base;
	struct outbox		*ob;
	char			 dir[256];	/* <state>/outbox */
	long			 script[MAXREQ];
	size_t			 nscript;
	size_t			 nsent;
	int			 ncancel;
	int			 inflight;
	int			 max_inflight;
	int			 missing;	/* sends whose file was absent */
	size_t			 backoff_after[MAXREQ];
	char			 ids[MAXREQ][ALERT_ID_LEN];
	char			 sinks[MAXREQ][SINK_NAME_MAX + 1];
	const char		*body;		/* the fake's answer */
	long			 retry_after;	/* sent with every answer */
};

static char	state_dir[] = "/tmp/dw-test-outbox-XXXXXX";

static const char *
req_header(const struct http_request *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; req->headers[i] != NULL; i++)
		if (strncmp(req->headers[i], name, n) == 0)
			return req->headers[i] + n + 2;
	return NULL;
}

static void
fake_answer(int fd, short what, void *arg)
{
	struct fake_xfer	*x = arg;
	struct fake		*f = x->f;
	struct http_response	 resp;
	size_t			 n = f->nsent;

	(void)fd;
	(void)what;
	memset(&resp, 0, sizeof(resp));
	resp.retry_after = f->retry_after;
	resp.status = x->status;
	resp.result = x->status == NETERR ? DW_ENET : 0;
	if (x->status == NETERR)
		snprintf(resp.error, sizeof(resp.error), "Failed to connect "
		    "to " URL);
	resp.body = (char *)(f->body != NULL ? f->body : "");
	resp.body_len = strlen(resp.body);
	event_free(x->ev);
	f->inflight--;
	x->cb(&resp, x->arg);
	free(x);
	f->backoff_after[n - 1] = outbox_backing_off(f->ob);
}

static struct http_xfer *
fake_send(void *ctx, const struct http_request *req, http_cb cb, void *arg)
{
	struct fake		*f = ctx;
	struct fake_xfer	*x;
	const char		*id = req_header(req, "X-Driftwatch-Alert-Id");
	const char		*sink = strrchr(req->log_name, ' ') + 1;
	char			 path[512];
	static const struct timeval	now = { 0, 0 };

	snprintf(path, sizeof(path), "%s/%s.%s.json", f->dir, id, sink);
	if (access(path, F_OK) != 0)
		f->missing++;
	if (f->nsent < MAXREQ) {
		snprintf(f->ids[f->nsent], ALERT_ID_LEN, "%s", id);
		snprintf(f->sinks[f->nsent], SINK_NAME_MAX + 1, "%s", sink);
	}
	x = calloc(1, sizeof(*x));
	x->f = f;
	x->cb = cb;
	x->arg = arg;
	x->status = f->nsent < f->nscript ? f->script[f->nsent] : 200;
	f->nsent++;
	if (++f->inflight > f->max_inflight)
		f->max_inflight = f->inflight;
	x->ev = evtimer_new(f->base, fake_answer, x);
	if (x->status != HANG)
		evtimer_add(x->ev, &now);
	return (struct http_xfer *)x;
}

static void
fake_cancel(struct http_xfer *hx)
{
	struct fake_xfer	*x = (struct fake_xfer *)hx;

	x->f->ncancel++;
	x->f->inflight--;
	event_free(x->ev);
	free(x);
}

static struct sink *
mksink(const char *name, enum severity min)
{
	char	err[128];

	return sink_new(name, "webhook", URL, SECRET, min, 1000, NULL, err,
	    sizeof(err));
}

/* A new outbox with sinks "hook" (and "other" when two) and a script. */
static struct outbox *
setup(struct fake *f, struct event_base *base, int two, const long *script,
    size_t n)
{
	struct outbox_transport	 tr;
	struct sink		**s;
	char			 err[128];

	memset(f, 0, sizeof(*f));
	f->retry_after = -1;
	tr.send = fake_send;
	tr.cancel = fake_cancel;
	tr.ctx = f;
	f->base = base;
	snprintf(f->dir, sizeof(f->dir), "%s/outbox", state_dir);
	if (n > 0)
		memcpy(f->script, script, n * sizeof(*script));
	f->nscript = n;
	f->ob = outbox_new(base, &tr, state_dir);
	outbox_set_backoff(f->ob, 0.001, 0.004);
	s = calloc(2, sizeof(*s));
	s[0] = mksink("hook", SEV_LOW);
	if (two)
		s[1] = mksink("other", SEV_CRITICAL);
	outbox_set_sinks(f->ob, s, two ? 2 : 1);
	if (outbox_load(f->ob, err, sizeof(err)) < 0)
		diag("load: %s", err);
	return f->ob;
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
file_exists(const char *dir, const char *id, const char *sink,
    const char *suffix)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s/%s.%s.json%s", dir, id, sink,
	    suffix);
	return access(path, F_OK) == 0;
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
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == -1) {
			clean_dir(path);
			rmdir(path);
		}
	}
	closedir(d);
}

static void
test_deliver(struct event_base *base)
{
	static const long	 script[] = { 200 };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, script, 1);
	struct alert		*a = mkalert(SEV_HIGH, 1000);
	struct stat		 st;
	char			 path[512], *buf = NULL;
	struct json_object	*o;

	is_int(outbox_post(ob, a), 0, "post succeeds");
	snprintf(path, sizeof(path), "%s/%s.hook.json", f.dir, a->id);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the file is written at once, mode 0600");
	is_int(f.nsent, 0, "nothing is sent before the loop runs");
	atomicfile_read(path, 1 << 20, &buf, NULL);
	o = buf != NULL ? json_tokener_parse(buf) : NULL;
	ok(o != NULL && strstr(buf, "\"sink\":\"hook\"") != NULL &&
	    strstr(buf, "\"attempts\":0") != NULL && strstr(buf, a->id) !=
	    NULL, "file holds sink, attempts and alert");
	ok(buf != NULL && strstr(buf, "TOKENxyz") == NULL &&
	    strstr(buf, SECRET) == NULL, "file holds no url or secret");
	json_object_put(o);
	free(buf);
	is_int(outbox_pending(ob), 1, "one pending");
	event_base_dispatch(base);
	is_int(f.nsent, 1, "sent once");
	is_int(f.missing, 0, "the file existed when the send started");
	ok(!file_exists(f.dir, a->id, "hook", ""), "file removed after 2xx");
	is_int(outbox_pending(ob), 0, "nothing pending");
	outbox_free(ob);
	alert_free(a);
}

static void
test_retry(struct event_base *base)
{
	static const long	 script[] = { 500, NETERR, 429, 408, 503, 204 };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, script, 6);
	struct alert		*a = mkalert(SEV_HIGH, 1000);
	char			 path[512], *buf = NULL;

	outbox_post(ob, a);
	event_base_dispatch(base);
	is_int(f.nsent, 6, "500, network error, 429, 408, 503 retried");
	is_int(f.backoff_after[0], 1, "after the 500 the entry waits on its "
	    "backoff timer");
	is_int(f.backoff_after[4], 1, "after the 503 too");
	is_int(f.missing, 0, "every retry found its file");
	ok(!file_exists(f.dir, a->id, "hook", ""), "removed once delivered");
	is_int(outbox_pending(ob), 0, "nothing pending");
	outbox_free(ob);

	/* attempts are persisted while backing off */
	{
		static const long	hang[] = { 500, HANG };

		ob = setup(&f, base, 0, hang, 2);
		outbox_post(ob, a);
		event_base_dispatch(base);
		snprintf(path, sizeof(path), "%s/%s.hook.json", f.dir, a->id);
		atomicfile_read(path, 1 << 20, &buf, NULL);
		ok(buf != NULL && strstr(buf, "\"attempts\":1") != NULL,
		    "the file counts failed attempts");
		free(buf);
		outbox_free(ob);
		clean_dir(f.dir);
	}
	alert_free(a);
}

/* A 429 with Retry-After: 1 waits that second, not the tiny backoff. */
static void
test_retry_after(struct event_base *base)
{
	static const long	 script[] = { 429, 200 };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, script, 2);
	struct alert		*a = mkalert(SEV_HIGH, 1001);
	struct timeval		 t0, t1;
	double			 took;

	outbox_set_backoff(ob, 0.001, 5.0);
	f.retry_after = 1;
	gettimeofday(&t0, NULL);
	outbox_post(ob, a);
	event_base_dispatch(base);
	gettimeofday(&t1, NULL);
	took = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_usec - t0.tv_usec) / 1e6;
	is_int(f.nsent, 2, "429 retried");
	ok(took >= 0.95, "Retry-After: 1 honoured (waited %.3f s)", took);
	outbox_free(ob);
	alert_free(a);
}

static void
test_dead(struct event_base *base)
{
	static const long	 script[] = { 400 };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, script, 1);
	struct alert		*a = mkalert(SEV_HIGH, 1000);
	char			 dead[512];

	outbox_post(ob, a);
	event_base_dispatch(base);
	is_int(f.nsent, 1, "a 400 is not retried");
	ok(!file_exists(f.dir, a->id, "hook", ""), "gone from the outbox");
	snprintf(dead, sizeof(dead), "%s/dead", f.dir);
	ok(file_exists(dead, a->id, "hook", ""), "kept in outbox/dead/");
	is_int(outbox_pending(ob), 0, "nothing pending");
	outbox_free(ob);

	ob = setup(&f, base, 0, NULL, 0);
	is_int(outbox_pending(ob), 0, "dead/ is not loaded again");
	outbox_free(ob);
	clean_dir(f.dir);
	alert_free(a);
}

static void
test_restart(struct event_base *base)
{
	static const long	 hang[] = { HANG };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, hang, 1);
	struct alert		*a = mkalert(SEV_HIGH, 1000);

	outbox_post(ob, a);
	event_base_dispatch(base);
	is_int(f.nsent, 1, "send started and hangs");
	outbox_free(ob);
	is_int(f.ncancel, 1, "free cancels the send in flight");
	ok(file_exists(f.dir, a->id, "hook", ""), "the file stays after free");

	ob = setup(&f, base, 0, NULL, 0);
	is_int(outbox_pending(ob), 1, "a new outbox loads the pending file");
	event_base_dispatch(base);
	is_int(f.nsent, 1, "and sends it");
	IS_STR(f.ids[0], a->id, "with the same alert id");
	ok(!file_exists(f.dir, a->id, "hook", ""), "then removes it");
	outbox_free(ob);
	alert_free(a);
}

static void
write_file(const char *dir, const char *name, const char *content)
{
	char	path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	atomicfile_write(path, content, strlen(content), 0600);
}

static void
test_corrupt(struct event_base *base)
{
	struct fake	 f;
	struct outbox	*ob;
	struct alert	*a = mkalert(SEV_HIGH, 1000);
	char		 good[2048];

	ob = setup(&f, base, 0, NULL, 0);
	outbox_free(ob);
	write_file(f.dir, "garbage.hook.json", "this is not json");
	write_file(f.dir, "trunc.hook.json", "{\"sink\":\"hook\",\"attem");
	write_file(f.dir, "empty.hook.json", "");
	write_file(f.dir, "wrongname.hook.json", "{\"sink\":\"hook\","
	    "\"attempts\":0,\"alert\":{\"id\":\"dw-1\",\"kind\":\"open\","
	    "\"severity\":\"high\",\"time\":\"2024-05-01T12:00:00Z\"}}");
	write_file(f.dir, "dw-2.hook.json", "{\"sink\":\"hook\","
	    "\"attempts\":\"x\",\"alert\":{}}");
	write_file(f.dir, "notes.txt", "ignored");
	snprintf(good, sizeof(good), "{\"sink\":\"hook\",\"attempts\":3,"
	    "\"alert\":{\"id\":\"%s\",\"kind\":\"open\",\"severity\":\"high\","
	    "\"time\":\"2024-05-01T12:00:00Z\"}}", a->id);
	snprintf(good + 1024, 1024, "%s.hook.json", a->id);
	write_file(f.dir, good + 1024, good);

	ob = setup(&f, base, 0, NULL, 0);
	is_int(outbox_pending(ob), 1, "only the good file is queued");
	is_int(count_files(f.dir, ".bad"), 5, "five bad files renamed .bad");
	ok(access("/dev/null", F_OK) == 0 && count_files(f.dir, ".txt") == 1,
	    "other files are left alone");
	event_base_dispatch(base);
	is_int(f.nsent, 1, "the good one is sent");
	is_int(count_files(f.dir, ".json"), 0, "and removed");
	outbox_free(ob);
	clean_dir(f.dir);
	alert_free(a);
}

static void
test_twice(struct event_base *base)
{
	struct fake	 f;
	struct outbox	*ob = setup(&f, base, 0, NULL, 0);
	struct alert	*a = mkalert(SEV_HIGH, 1000);

	is_int(outbox_post(ob, a), 0, "first post");
	is_int(outbox_post(ob, a), 0, "second post of the same alert");
	is_int(count_files(f.dir, ".json"), 1, "one file");
	is_int(outbox_pending(ob), 1, "one entry");
	event_base_dispatch(base);
	is_int(f.nsent, 1, "sent once");
	outbox_free(ob);
	alert_free(a);
}

static void
test_severity(struct event_base *base)
{
	struct fake	 f;
	struct outbox	*ob = setup(&f, base, 1, NULL, 0);
	struct alert	*info = mkalert(SEV_INFO, 1000);
	struct alert	*high = mkalert(SEV_HIGH, 1001);
	struct alert	*crit = mkalert(SEV_CRITICAL, 1002);

	is_int(outbox_post(ob, info), 0, "an alert no sink wants is fine");
	is_int(count_files(f.dir, ".json"), 0, "and is not stored");
	outbox_post(ob, high);
	ok(file_exists(f.dir, high->id, "hook", "") &&
	    !file_exists(f.dir, high->id, "other", ""),
	    "high goes only to the low sink");
	outbox_post(ob, crit);
	ok(file_exists(f.dir, crit->id, "hook", "") &&
	    file_exists(f.dir, crit->id, "other", ""),
	    "critical goes to both");
	is_int(outbox_pending(ob), 3, "three entries");
	event_base_dispatch(base);
	is_int(f.nsent, 3, "three sends");
	is_int(count_files(f.dir, ".json"), 0, "all delivered");
	outbox_free(ob);
	alert_free(info);
	alert_free(high);
	alert_free(crit);
}

static void
test_concurrency(struct event_base *base)
{
	enum { N = 10 };
	static const long	 hang[N] = { HANG, HANG, HANG, HANG, HANG,
	    HANG, HANG, HANG, HANG, HANG };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, hang, N);
	struct alert		*a[N];
	int			 i, ordered = 1;

	for (i = N - 1; i >= 0; i--) {
		a[i] = mkalert(SEV_HIGH, 1000 + i);
		outbox_post(ob, a[i]);
	}
	event_base_dispatch(base);
	is_int(f.nsent, OUTBOX_MAX_INFLIGHT, "at most four in flight per sink");
	for (i = 0; i < OUTBOX_MAX_INFLIGHT; i++)
		if (strcmp(f.ids[i], a[i]->id) != 0)
			ordered = 0;
	ok(ordered, "oldest alerts go first");
	outbox_free(ob);
	is_int(f.ncancel, OUTBOX_MAX_INFLIGHT, "free cancels all four");
	is_int(count_files(f.dir, ".json"), N, "every file stays");

	ob = setup(&f, base, 0, NULL, 0);
	event_base_dispatch(base);
	is_int(f.nsent, N, "all sent after a restart");
	ok(f.max_inflight <= OUTBOX_MAX_INFLIGHT, "never more than four "
	    "at once (%d)", f.max_inflight);
	for (i = 0, ordered = 1; i < N; i++)
		if (strcmp(f.ids[i], a[i]->id) != 0)
			ordered = 0;
	ok(ordered, "loaded files go oldest first too");
	outbox_free(ob);
	for (i = 0; i < N; i++)
		alert_free(a[i]);
}

static void
test_reload(struct event_base *base)
{
	static const long	 hang[] = { HANG };
	struct fake		 f;
	struct outbox		*ob = setup(&f, base, 0, hang, 1);
	struct alert		*a = mkalert(SEV_HIGH, 1000);
	struct sink		**s;

	outbox_post(ob, a);
	event_base_dispatch(base);
	s = calloc(1, sizeof(*s));
	s[0] = mksink("elsewhere", SEV_LOW);
	outbox_set_sinks(ob, s, 1);
	is_int(f.ncancel, 1, "reload cancels the send in flight");
	event_base_dispatch(base);
	is_int(f.nsent, 1, "nothing goes to a sink that is gone");
	is_int(outbox_pending(ob), 1, "the alert waits for its sink");
	ok(file_exists(f.dir, a->id, "hook", ""), "its file stays");
	outbox_free(ob);

	ob = setup(&f, base, 0, NULL, 0);
	s = calloc(1, sizeof(*s));
	s[0] = mksink("elsewhere", SEV_LOW);
	outbox_set_sinks(ob, s, 1);
	event_base_dispatch(base);
	is_int(f.nsent, 0, "a loaded file for an unknown sink is not sent");
	is_int(outbox_pending(ob), 1, "it is held");
	s = calloc(2, sizeof(*s));
	s[0] = mksink("elsewhere", SEV_LOW);
	s[1] = mksink("hook", SEV_LOW);
	outbox_set_sinks(ob, s, 2);
	event_base_dispatch(base);
	is_int(f.nsent, 1, "and sent once its sink is back");
	IS_STR(f.sinks[0], "hook", "to that sink");
	is_int(count_files(f.dir, ".json"), 0, "then removed");
	outbox_free(ob);
	alert_free(a);
}

/* A hostile answer and a failing connection, with stderr captured. */
static void
test_logs(struct event_base *base)
{
	static const long	 script[] = { 503, NETERR, 418 };
	struct fake		 f;
	struct outbox		*ob;
	struct alert		*a = mkalert(SEV_HIGH, 1000);
	char			 logpath[300], *log = NULL, *p;
	int			 saved, fd, clean = 1;

	snprintf(logpath, sizeof(logpath), "%s/log", state_dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	close(fd);
	log_init(LOG_BACKEND_STDERR, 2);

	ob = setup(&f, base, 0, script, 3);
	f.body = "<html>\x1b[2Jevil\r\nbody " "0123456789012345678901234567890"
	    "1234567890123456789012345678901234567890123456789 TAIL-NOT-LOGGED";
	outbox_post(ob, a);
	event_base_dispatch(base);
	outbox_free(ob);

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_init(LOG_BACKEND_STDERR, 0);
	atomicfile_read(logpath, 1 << 20, &log, NULL);
	ok(log != NULL && strstr(log, "HTTP 503") != NULL &&
	    strstr(log, a->id) != NULL && strstr(log, "DRIFTWATCH_SINK=hook")
	    != NULL && strstr(log, "DRIFTWATCH_ALERT_ID=") != NULL,
	    "failures are logged with the alert id and sink");
	ok(log != NULL && strstr(log, "HTTP 418") != NULL &&
	    strstr(log, "dead") != NULL, "a permanent failure says so");
	ok(log != NULL && strstr(log, "TOKENxyz") == NULL &&
	    strstr(log, "127.0.0.1") == NULL && strstr(log, SECRET) == NULL,
	    "no url, token or secret in the log");
	ok(log != NULL && strstr(log, "TAIL-NOT-LOGGED") == NULL,
	    "a long response body is cut");
	for (p = log; p != NULL && *p != '\0'; p++)
		if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
			clean = 0;
	ok(log != NULL && clean, "the response body is sanitised");
	free(log);
	unlink(logpath);
	clean_dir(f.dir);
	alert_free(a);
}

static void
test_no_dir(struct event_base *base)
{
	struct outbox_transport	 tr = { fake_send, fake_cancel, NULL };
	struct outbox		*ob;
	char			 err[256] = "";

	ob = outbox_new(base, &tr, "/nonexistent/driftwatch");
	ok(outbox_load(ob, err, sizeof(err)) < 0 && strstr(err, "/nonexistent")
	    != NULL, "an unusable state directory is an error: %s", err);
	outbox_free(ob);
	outbox_free(NULL);
	ok(1, "outbox_free(NULL) is a no-op");
}

int
main(void)
{
	struct event_base	*base;

	if (mkdtemp(state_dir) == NULL)
		skip_all("cannot make a temporary directory");
	base = event_base_new();
	log_init(LOG_BACKEND_STDERR, 0);
	test_deliver(base);
	test_retry(base);
	test_retry_after(base);
	test_dead(base);
	test_restart(base);
	test_corrupt(base);
	test_twice(base);
	test_severity(base);
	test_concurrency(base);
	test_reload(base);
	test_logs(base);
	test_no_dir(base);
	event_base_free(base);
	clean_dir(state_dir);
	rmdir(state_dir);
	return done_testing();
}
