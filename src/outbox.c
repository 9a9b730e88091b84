/*
 * The durable outbox.  Each (alert, sink) pair is an entry with a file
 * and a small state machine:
 *
 *	QUEUED -> SENDING -> DONE	(2xx: file removed)
 *	              |----> DEAD	(permanent 4xx: file moved to dead/)
 *	              `----> BACKOFF -> QUEUED -> SENDING ...
 *
 * QUEUED waits for a free slot (OUTBOX_MAX_INFLIGHT per sink) or for
 * its sink to be configured.  Only outbox_entry_set_state() changes
 * state; the entry's retry timer lives and dies with the entry.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/aws_retry.h"
#include "driftwatch/error.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"
#include "driftwatch/outbox.h"
#include "driftwatch/sink.h"

#define OUTBOX_NOSINK	((size_t)-1)
#define OUTBOX_SNIPPET	80

enum outbox_state {
	OUTBOX_QUEUED,
	OUTBOX_SENDING,
	OUTBOX_BACKOFF,
	OUTBOX_DONE,
	OUTBOX_DEAD,
};

enum outbox_verdict {
	OUTBOX_DELIVERED,
	OUTBOX_RETRY,
	OUTBOX_PERMANENT,
};

struct outbox_entry {
	TAILQ_ENTRY(outbox_entry)	 entry;
	struct outbox			*ob;
	struct alert			*alert;
	char				*sink_name;
	size_t				 sink_idx;	/* or OUTBOX_NOSINK */
	char				*file;		/* <id>.<sink>.json */
	char				*path;
	char				*label;		/* names the transfer */
	unsigned int			 attempts;
	enum outbox_state		 state;
	struct event			*timer;
	struct http_xfer		*xfer;
	struct sink_msg			 msg;		/* while SENDING */
	char				*ctype;
	const char			*headers[SINK_MAX_HEADERS + 2];
};
TAILQ_HEAD(outbox_entries, outbox_entry);

struct outbox {
	struct event_base	*base;
	struct outbox_transport	 tr;
	char			*dir;
	struct sink		**sinks;
	size_t			 nsinks;
	size_t			*inflight;	/* per sink */
	struct outbox_entries	 entries;	/* oldest first */
	size_t			 nentries;
	struct event		*kick;
	double			 base_s;
	double			 cap_s;
};

static void	outbox_kick(struct outbox *);
static void	outbox_entry_done_cb(const struct http_response *, void *);

static const char *
outbox_state_name(enum outbox_state s)
{
	switch (s) {
	case OUTBOX_QUEUED:	return "queued";
	case OUTBOX_SENDING:	return "sending";
	case OUTBOX_BACKOFF:	return "backoff";
	case OUTBOX_DONE:	return "done";
	case OUTBOX_DEAD:	return "dead";
	}
	return "?";
}

/* asprintf() that leaves *out NULL on failure. */
static int __attribute__((format(printf, 2, 3)))
outbox_printf(char **out, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n == -1)
		*out = NULL;
	return n;
}

static struct http_xfer *
outbox_http_send(void *ctx, const struct http_request *req, http_cb cb,
    void *arg)
{
	return http_send(ctx, req, cb, arg);
}

struct outbox_transport
outbox_transport_http(struct http_client *client)
{
	struct outbox_transport	tr = {
		.send = outbox_http_send,
		.cancel = http_xfer_cancel,
		.ctx = client,
	};

	return tr;
}

static struct sink *
outbox_entry_sink(const struct outbox_entry *e)
{
	if (e->sink_idx == OUTBOX_NOSINK)
		return NULL;
	return e->ob->sinks[e->sink_idx];
}

/* The one place an entry changes state; keeps the in-flight counts. */
static void
outbox_entry_set_state(struct outbox_entry *e, enum outbox_state st)
{
	log_debug("outbox: alert %s to sink %s: %s -> %s", e->alert->id,
	    e->sink_name, outbox_state_name(e->state), outbox_state_name(st));
	if (e->state == OUTBOX_SENDING && e->sink_idx != OUTBOX_NOSINK)
		e->ob->inflight[e->sink_idx]--;
	if (st == OUTBOX_SENDING)
		e->ob->inflight[e->sink_idx]++;
	e->state = st;
}

static void
outbox_entry_release_msg(struct outbox_entry *e)
{
	sink_msg_clear(&e->msg);
	free(e->ctype);
	e->ctype = NULL;
}

/* Stops a send in flight; the entry waits in QUEUED. */
static void
outbox_entry_cancel(struct outbox_entry *e)
{
	if (e->state != OUTBOX_SENDING)
		return;
	if (e->xfer != NULL)
		e->ob->tr.cancel(e->xfer);
	e->xfer = NULL;
	outbox_entry_release_msg(e);
	outbox_entry_set_state(e, OUTBOX_QUEUED);
}

static void
outbox_entry_free(struct outbox_entry *e)
{
	if (e == NULL)
		return;
	outbox_entry_cancel(e);
	TAILQ_REMOVE(&e->ob->entries, e, entry);
	e->ob->nentries--;
	if (e->timer != NULL)
		event_free(e->timer);
	alert_free(e->alert);
	free(e->sink_name);
	free(e->file);
	free(e->path);
	free(e->label);
	free(e);
}

static size_t
outbox_sink_index(const struct outbox *ob, const char *name)
{
	size_t	i;

	for (i = 0; i < ob->nsinks; i++)
		if (strcmp(ob->sinks[i]->name, name) == 0)
			return i;
	return OUTBOX_NOSINK;
}

static struct outbox_entry *
outbox_entry_find(const struct outbox *ob, const char *id, const char *sink)
{
	struct outbox_entry	*e;

	TAILQ_FOREACH(e, &ob->entries, entry)
		if (strcmp(e->alert->id, id) == 0 &&
		    strcmp(e->sink_name, sink) == 0)
			return e;
	return NULL;
}

/* Oldest alert first; equal times keep the order they came in. */
static void
outbox_entry_insert(struct outbox *ob, struct outbox_entry *e)
{
	struct outbox_entry	*p;

	TAILQ_FOREACH_REVERSE(p, &ob->entries, outbox_entries, entry)
		if (p->alert->time <= e->alert->time)
			break;
	if (p == NULL)
		TAILQ_INSERT_HEAD(&ob->entries, e, entry);
	else
		TAILQ_INSERT_AFTER(&ob->entries, p, e, entry);
	ob->nentries++;
}

static void
outbox_entry_timer_cb(int fd, short what, void *arg)
{
	struct outbox_entry	*e = arg;

	(void)fd;
	(void)what;
	outbox_entry_set_state(e, OUTBOX_QUEUED);
	outbox_kick(e->ob);
}

/* Takes ownership of alert, even on failure. */
static struct outbox_entry *
outbox_entry_new(struct outbox *ob, struct alert *alert, const char *sink,
    unsigned int attempts)
{
	struct outbox_entry	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		alert_free(alert);
		return NULL;
	}
	e->ob = ob;
	e->alert = alert;
	e->attempts = attempts;
	e->state = OUTBOX_QUEUED;
	e->sink_idx = outbox_sink_index(ob, sink);
	if ((e->sink_name = strdup(sink)) == NULL ||
	    outbox_printf(&e->file, "%s.%s.json", alert->id, sink) == -1 ||
	    outbox_printf(&e->path, "%s/%s", ob->dir, e->file) == -1 ||
	    outbox_printf(&e->label, "outbox %s %s", alert->id, sink) == -1 ||
	    (e->timer = evtimer_new(ob->base, outbox_entry_timer_cb,
	    e)) == NULL) {
		alert_free(alert);
		free(e->sink_name);
		free(e->file);
		free(e->path);
		free(e->label);
		free(e);
		return NULL;
	}
	outbox_entry_insert(ob, e);
	return e;
}

static char *
outbox_entry_json(const struct outbox_entry *e, size_t *len)
{
	struct json_object	*o, *a;
	const char		*s;
	char			*out = NULL;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if ((a = alert_to_json(e->alert)) == NULL)
		goto out;
	json_object_object_add(o, "sink", json_object_new_string(e->sink_name));
	json_object_object_add(o, "attempts",
	    json_object_new_int64(e->attempts));
	json_object_object_add(o, "alert", a);
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
	if (s != NULL)
		out = strdup(s);
out:
	json_object_put(o);
	return out;
}

/* Writes the entry's file at path; 0 or a DW_ code with errno set. */
static int
outbox_entry_write(const struct outbox_entry *e, const char *path)
{
	char	*buf;
	size_t	 len = 0;
	int	 r;

	if ((buf = outbox_entry_json(e, &len)) == NULL)
		return DW_ENOMEM;
	r = atomicfile_write(path, buf, len, 0600);
	free(buf);
	return r;
}

/* Printable ASCII only, at most OUTBOX_SNIPPET characters. */
static void
outbox_snippet(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	i, o = 0;

	for (i = 0; s != NULL && i < len && o + 1 < outlen &&
	    o < OUTBOX_SNIPPET; i++) {
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			out[o++] = ' ';
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			out[o++] = s[i];
	}
	out[o] = '\0';
}

/*
 * Why a transfer failed, for a log line: the status and a snippet of
 * the body, or the transport's reason unless it could quote the URL.
 */
static void
outbox_describe(const struct http_response *resp, char *buf, size_t len)
{
	char	snip[OUTBOX_SNIPPET + 1];

	if (resp == NULL) {
		snprintf(buf, len, "could not start the request");
	} else if (resp->status != 0) {
		/* an error page may echo the request path and its token */
		outbox_snippet(resp->body, resp->body_len, snip, sizeof(snip));
		if (strchr(snip, '/') != NULL)
			*snip = '\0';
		snprintf(buf, len, "HTTP %ld%s%s", resp->status,
		    *snip != '\0' ? ": " : "", snip);
	} else {
		/* curl's reason may quote the URL and its token: drop it. */
		outbox_snippet(resp->error, strlen(resp->error), snip,
		    sizeof(snip));
		if (strchr(snip, '/') != NULL)
			*snip = '\0';
		snprintf(buf, len, "%s%s%s", resp->timed_out ? "timed out" :
		    dw_strerror(resp->result), *snip != '\0' ? ": " : "",
		    snip);
	}
}

static void
outbox_entry_log(const struct outbox_entry *e, int prio, const char *msgid,
    const char *detail, const char *extra)
{
	const struct log_field	fields[] = {
		{ "DRIFTWATCH_ALERT_ID", e->alert->id },
		{ "DRIFTWATCH_SINK", e->sink_name },
		{ "DRIFTWATCH_CHECK", e->alert->check },
		{ "DRIFTWATCH_SEVERITY", severity_name(e->alert->severity) },
		{ NULL, NULL }
	};

	log_struct(prio, msgid, fields, "outbox: alert %s to sink %s: %s, %s",
	    e->alert->id, e->sink_name, detail, extra);
}

static void
outbox_entry_backoff(struct outbox_entry *e, const char *why,
    long retry_after)
{
	struct timeval	tv;
	char		extra[96];
	double		delay;
	int		r;

	delay = retry_backoff(e->attempts > 60 ? 60 : (int)e->attempts,
	    e->ob->base_s, e->ob->cap_s);
	/* the sink's own Retry-After wins, within the cap */
	if (retry_after >= 0 && (double)retry_after > delay)
		delay = (double)retry_after < e->ob->cap_s ?
		    (double)retry_after : e->ob->cap_s;
	e->attempts++;
	snprintf(extra, sizeof(extra), "attempt %u, retrying in %.1f s",
	    e->attempts, delay);
	outbox_entry_log(e, LOG_WARNING, MSGID_DELIVERY_FAILED, why, extra);
	if ((r = outbox_entry_write(e, e->path)) != 0)
		log_warn("outbox: cannot update %s (%s)", e->path,
		    dw_strerror(r));
	outbox_entry_set_state(e, OUTBOX_BACKOFF);
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	evtimer_add(e->timer, &tv);
}

/* <dir>/dead/<file>, creating dead/; NULL with errno set. */
static char *
outbox_dead_path(const struct outbox *ob, const char *file)
{
	char	*path = NULL;

	if (outbox_printf(&path, "%s/dead", ob->dir) == -1)
		return NULL;
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		free(path);
		return NULL;
	}
	free(path);
	outbox_printf(&path, "%s/dead/%s", ob->dir, file);
	return path;
}

/* A permanent refusal: keep the alert in dead/ for a person. */
static void
outbox_entry_dead(struct outbox_entry *e, const char *why)
{
	char	*dead;
	int	 r = DW_EIO;

	outbox_entry_log(e, LOG_ERR, MSGID_ALERT_DEAD, why,
	    "not retrying; moved to outbox/dead");
	if ((dead = outbox_dead_path(e->ob, e->file)) != NULL &&
	    (r = outbox_entry_write(e, dead)) == 0)
		r = atomicfile_remove(e->path);
	if (r != 0)
		log_warn("outbox: cannot move %s to dead/ (%s); it stays "
		    "queued on disk", e->path, dw_strerror(r));
	free(dead);
	outbox_entry_set_state(e, OUTBOX_DEAD);
	outbox_entry_free(e);
}

static void
outbox_entry_delivered(struct outbox_entry *e)
{
	int	r;

	if ((r = atomicfile_remove(e->path)) != 0)
		log_warn("outbox: alert %s delivered but %s not removed (%s)",
		    e->alert->id, e->path, dw_strerror(r));
	log_info("outbox: alert %s delivered to sink %s", e->alert->id,
	    e->sink_name);
	outbox_entry_set_state(e, OUTBOX_DONE);
	outbox_entry_free(e);
}

static enum outbox_verdict
outbox_verdict(const struct http_response *resp)
{
	long	st = resp->status;

	/* A 2xx whose body overflowed the cap was still accepted. */
	if (st >= 200 && st < 300 &&
	    (resp->result == 0 || resp->result == DW_ETOOBIG))
		return OUTBOX_DELIVERED;
	if (resp->result != 0 || st == 0 || st == 408 || st == 429 ||
	    st >= 500)
		return OUTBOX_RETRY;
	return OUTBOX_PERMANENT;
}

static void
outbox_entry_done_cb(const struct http_response *resp, void *arg)
{
	struct outbox_entry	*e = arg;
	struct outbox		*ob = e->ob;
	char			 why[160];

	e->xfer = NULL;
	outbox_entry_release_msg(e);
	outbox_describe(resp, why, sizeof(why));
	switch (outbox_verdict(resp)) {
	case OUTBOX_DELIVERED:
		outbox_entry_delivered(e);
		break;
	case OUTBOX_RETRY:
		outbox_entry_backoff(e, why, resp->retry_after);
		break;
	case OUTBOX_PERMANENT:
		outbox_entry_dead(e, why);
		break;
	}
	outbox_kick(ob);
}

static int
outbox_entry_render(struct outbox_entry *e, const struct sink *s)
{
	size_t	i, n = 0;
	int	r;

	if ((r = sink_render(s, e->alert, &e->msg)) != 0)
		return r;
	if (outbox_printf(&e->ctype, "Content-Type: %s",
	    e->msg.content_type) == -1) {
		outbox_entry_release_msg(e);
		return DW_ENOMEM;
	}
	e->headers[n++] = e->ctype;
	for (i = 0; i < SINK_MAX_HEADERS && e->msg.extra_headers[i]; i++)
		e->headers[n++] = e->msg.extra_headers[i];
	e->headers[n] = NULL;
	return 0;
}

static void
outbox_entry_send(struct outbox_entry *e)
{
	const struct sink	*s = outbox_entry_sink(e);
	struct http_request	 req;
	int			 r;

	if ((r = outbox_entry_render(e, s)) != 0) {
		outbox_entry_backoff(e, dw_strerror(r), -1);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = s->url;
	req.headers = e->headers;
	req.body = e->msg.body;
	req.body_len = e->msg.body_len;
	req.ca_file = s->ca_file;
	req.timeout_ms = s->timeout_ms;
	req.max_response = OUTBOX_MAX_RESPONSE;
	req.log_name = e->label;
	outbox_entry_set_state(e, OUTBOX_SENDING);
	e->xfer = e->ob->tr.send(e->ob->tr.ctx, &req, outbox_entry_done_cb, e);
	if (e->xfer == NULL) {
		outbox_entry_release_msg(e);
		outbox_entry_backoff(e, "could not start the request", -1);
	}
}

/* Starts what the per-sink limits allow, oldest first. */
static void
outbox_kick_cb(int fd, short what, void *arg)
{
	struct outbox		*ob = arg;
	struct outbox_entry	*e;

	(void)fd;
	(void)what;
	/* Sending never frees an entry: callbacks come from the loop. */
	TAILQ_FOREACH(e, &ob->entries, entry) {
		if (e->state != OUTBOX_QUEUED || e->sink_idx == OUTBOX_NOSINK ||
		    ob->inflight[e->sink_idx] >= OUTBOX_MAX_INFLIGHT)
			continue;
		outbox_entry_send(e);
	}
}

/* Idempotent: one dispatch pass runs from the loop soon after. */
static void
outbox_kick(struct outbox *ob)
{
	static const struct timeval	now = { 0, 0 };

	evtimer_add(ob->kick, &now);
}

struct outbox *
outbox_new(struct event_base *base, const struct outbox_transport *tr,
    const char *state_dir)
{
	struct outbox	*ob;

	if ((ob = calloc(1, sizeof(*ob))) == NULL)
		return NULL;
	ob->base = base;
	ob->tr = *tr;
	ob->base_s = OUTBOX_BACKOFF_BASE;
	ob->cap_s = OUTBOX_BACKOFF_CAP;
	TAILQ_INIT(&ob->entries);
	if (outbox_printf(&ob->dir, "%s/outbox", state_dir) == -1) {
		free(ob);
		return NULL;
	}
	if ((ob->kick = evtimer_new(base, outbox_kick_cb, ob)) == NULL) {
		outbox_free(ob);
		return NULL;
	}
	return ob;
}

static void
outbox_free_sinks(struct sink **sinks, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sink_free(sinks[i]);
	free(sinks);
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	while (!TAILQ_EMPTY(&ob->entries))
		outbox_entry_free(TAILQ_FIRST(&ob->entries));
	outbox_free_sinks(ob->sinks, ob->nsinks);
	free(ob->inflight);
	if (ob->kick != NULL)
		event_free(ob->kick);
	free(ob->dir);
	free(ob);
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
	return ob->nentries;
}

size_t
outbox_sending(const struct outbox *ob)
{
	const struct outbox_entry	*e;
	size_t				 n = 0;

	TAILQ_FOREACH(e, &ob->entries, entry)
		if (e->state == OUTBOX_SENDING)
			n++;
	return n;
}

size_t
outbox_backing_off(const struct outbox *ob)
{
	const struct outbox_entry	*e;
	size_t				 n = 0;

	TAILQ_FOREACH(e, &ob->entries, entry)
		if (e->state == OUTBOX_BACKOFF)
			n++;
	return n;
}

static int
outbox_orphan_seen(const struct outbox *ob, const struct outbox_entry *e)
{
	const struct outbox_entry	*p;

	for (p = TAILQ_FIRST(&ob->entries); p != e; p = TAILQ_NEXT(p, entry))
		if (p->sink_idx == OUTBOX_NOSINK &&
		    strcmp(p->sink_name, e->sink_name) == 0)
			return 1;
	return 0;
}

/* One line per sink that has alerts waiting but is not configured. */
static void
outbox_log_orphans(const struct outbox *ob)
{
	const struct outbox_entry	*e, *p;
	size_t				 n;

	TAILQ_FOREACH(e, &ob->entries, entry) {
		if (e->sink_idx != OUTBOX_NOSINK || outbox_orphan_seen(ob, e))
			continue;
		n = 0;
		for (p = e; p != NULL; p = TAILQ_NEXT(p, entry))
			if (p->sink_idx == OUTBOX_NOSINK &&
			    strcmp(p->sink_name, e->sink_name) == 0)
				n++;
		log_warnx("outbox: %zu alert(s) wait for sink %s, which is "
		    "not configured; their files stay in %s", n,
		    e->sink_name, ob->dir);
	}
}

int
outbox_set_sinks(struct outbox *ob, struct sink **sinks, size_t n)
{
	struct outbox_entry	*e;
	size_t			*inflight;

	if ((inflight = calloc(n + 1, sizeof(*inflight))) == NULL) {
		outbox_free_sinks(sinks, n);
		return DW_ENOMEM;
	}
	TAILQ_FOREACH(e, &ob->entries, entry)
		outbox_entry_cancel(e);
	outbox_free_sinks(ob->sinks, ob->nsinks);
	free(ob->inflight);
	ob->sinks = sinks;
	ob->nsinks = n;
	ob->inflight = inflight;
	TAILQ_FOREACH(e, &ob->entries, entry)
		e->sink_idx = outbox_sink_index(ob, e->sink_name);
	outbox_log_orphans(ob);
	outbox_kick(ob);
	return 0;
}

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

static int
outbox_post_one(struct outbox *ob, const struct alert *a,
    const struct sink *s)
{
	struct outbox_entry	*e;
	struct alert		*copy;
	int			 r;

	if (outbox_entry_find(ob, a->id, s->name) != NULL) {
		log_debug("outbox: alert %s to sink %s is already queued",
		    a->id, s->name);
		return 0;
	}
	if ((r = outbox_alert_dup(a, &copy)) != 0) {
		log_warnx("outbox: an alert for check %s cannot be stored: %s",
		    a->check != NULL ? a->check : "-", dw_strerror(r));
		return r;
	}
	if ((e = outbox_entry_new(ob, copy, s->name, 0)) == NULL) {
		log_warnx("outbox: alert %s to sink %s: out of memory", a->id,
		    s->name);
		return DW_ENOMEM;
	}
	if ((r = outbox_entry_write(e, e->path)) != 0)
		log_warn("outbox: cannot write %s (%s); alert %s to sink %s "
		    "is held in memory only", e->path, dw_strerror(r), a->id,
		    s->name);
	outbox_kick(ob);
	return r;
}

int
outbox_post(struct outbox *ob, const struct alert *a)
{
	size_t	i, wanted = 0;
	int	r, rv = 0;

	for (i = 0; i < ob->nsinks; i++) {
		if (!sink_wants(ob->sinks[i], a))
			continue;
		wanted++;
		if ((r = outbox_post_one(ob, a, ob->sinks[i])) != 0)
			rv = r;
	}
	if (wanted == 0)
		log_debug("outbox: alert %s (%s) is wanted by no sink; not "
		    "stored", a->id, severity_name(a->severity));
	return rv;
}

static void
outbox_quarantine(const char *path, const char *why)
{
	const struct log_field	 fields[] = {
		{ "DRIFTWATCH_FILE", path },
		{ NULL, NULL }
	};
	char			*bad = NULL;

	if (outbox_printf(&bad, "%s.bad", path) == -1 ||
	    rename(path, bad) == -1)
		log_warn("outbox: %s is unreadable (%s) and cannot be "
		    "renamed", path, why);
	else
		log_struct(LOG_ERR, MSGID_ALERT_DEAD, fields, "outbox: %s is "
		    "unreadable (%s); renamed to %s", path, why, bad);
	free(bad);
}

/* { "sink", "attempts", "alert" }; sink is borrowed from o. */
static int
outbox_parse(struct json_object *o, const char **sink,
    unsigned int *attempts, struct alert **a)
{
	struct json_object	*v;
	int64_t			 n;

	if (!json_object_is_type(o, json_type_object))
		return DW_EPARSE;
	if (!json_object_object_get_ex(o, "sink", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !sink_name_valid(json_object_get_string(v)))
		return DW_EPARSE;
	*sink = json_object_get_string(v);
	if (!json_object_object_get_ex(o, "attempts", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (n = json_object_get_int64(v)) < 0 || n > 1000000000)
		return DW_EPARSE;
	*attempts = (unsigned int)n;
	if (!json_object_object_get_ex(o, "alert", &v))
		return DW_EPARSE;
	return alert_from_json(v, a);
}

/* Its own name must be what its content would be written as. */
static int
outbox_name_matches(const char *name, const struct alert *a,
    const char *sink)
{
	size_t	idlen = strlen(a->id), slen = strlen(sink);

	return strncmp(name, a->id, idlen) == 0 && name[idlen] == '.' &&
	    strncmp(name + idlen + 1, sink, slen) == 0 &&
	    strcmp(name + idlen + 1 + slen, ".json") == 0;
}

/* 0 when the file was queued, 1 when already held, <0 otherwise. */
static int
outbox_load_file(struct outbox *ob, const char *name)
{
	struct json_object	*o = NULL;
	struct alert		*a = NULL;
	const char		*sink = NULL;
	char			*path = NULL, *buf = NULL, why[128];
	size_t			 len = 0;
	unsigned int		 attempts = 0;
	int			 r;

	if (outbox_printf(&path, "%s/%s", ob->dir, name) == -1)
		return DW_ENOMEM;
	if ((r = atomicfile_read(path, OUTBOX_MAX_FILE, &buf, &len)) != 0) {
		/* only a file that is wrong is set aside; a failed read
		 * (EMFILE, EIO) leaves it for the next load */
		if (r == DW_ETOOBIG)
			outbox_quarantine(path, dw_strerror(r));
		else
			log_warn("outbox: cannot read %s; it stays for the next "
			    "start", path);
		goto out;
	}
	if ((r = jsonparse(buf, len, &o, why, sizeof(why))) != 0) {
		outbox_quarantine(path, why);
		goto out;
	}
	if ((r = outbox_parse(o, &sink, &attempts, &a)) != 0 ||
	    !outbox_name_matches(name, a, sink)) {
		r = r != 0 ? r : DW_EPARSE;
		outbox_quarantine(path, "not an outbox entry");
		goto out;
	}
	if (outbox_entry_find(ob, a->id, sink) != NULL) {
		r = 1;
		goto out;
	}
	r = outbox_entry_new(ob, a, sink, attempts) != NULL ? 0 : DW_ENOMEM;
	a = NULL;
out:
	alert_free(a);
	json_object_put(o);
	free(buf);
	free(path);
	return r;
}

static int
outbox_is_entry_name(const char *name)
{
	size_t	len = strlen(name);

	return name[0] != '.' && len > 5 &&
	    strcmp(name + len - 5, ".json") == 0;
}

int
outbox_load(struct outbox *ob, char *err, size_t errlen)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if (mkdir(ob->dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", ob->dir,
		    strerror(errno));
		return DW_EIO;
	}
	if ((d = opendir(ob->dir)) == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", ob->dir,
		    strerror(errno));
		return DW_EIO;
	}
	while ((de = readdir(d)) != NULL)
		if (outbox_is_entry_name(de->d_name) &&
		    outbox_load_file(ob, de->d_name) == 0)
			n++;
	closedir(d);
	if (n > 0)
		log_info("outbox: %d pending alert(s) loaded from %s", n,
		    ob->dir);
	outbox_log_orphans(ob);
	outbox_kick(ob);
	return n;
}
