/*
 * HTTP on the event loop: libcurl's multi interface, with one libevent
 * event per socket curl asks us to watch and one timer, both owned by
 * the client (the pattern of curl's docs/examples/multi-event.c).  The
 * multi handle keeps a connection cache, so transfers share keep-alive
 * connections.
 *
 * URLs may carry secret tokens (webhooks), so no URL reaches a log line
 * or an error message: log_name names a transfer instead.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <openssl/crypto.h>

#include "driftwatch/error.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/urlredact.h"

#ifdef PACKAGE_VERSION
#define HTTP_USER_AGENT		"driftwatch/" PACKAGE_VERSION
#else
#define HTTP_USER_AGENT		"driftwatch"
#endif
#define HTTP_MAX_HEADER_VALUE	256
#define HTTP_TRACE_LINE		512

struct http_sock {
	LIST_ENTRY(http_sock)	 entry;
	struct event		*ev;
};

struct http_xfer {
	TAILQ_ENTRY(http_xfer)	 entry;
	struct http_client	*client;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*reqbody;
	char			*name;
	http_cb			 cb;
	void			*arg;
	size_t			 max;
	size_t			 bodycap;
	int			 toobig;
	int			 nomem;
	int			 calling;
	const char *const	*trace_headers;	/* borrowed */
	const struct urlredact	*redact;	/* borrowed */
	char			*retry_after;	/* the header's value */
	char			*date;
	struct http_response	 resp;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct http_client {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	TAILQ_HEAD(http_xfers, http_xfer) xfers;
	LIST_HEAD(http_socks, http_sock) socks;
	size_t			 active;
	int			 dispatching;
	int			 dead;
};

/* Header names whose values never reach the trace. */
static const char *const http_secret_headers[] = {
	"authorization", "proxy-authorization", "x-amz-security-token",
	"cookie", "set-cookie", NULL
};

static void	http_check_done(struct http_client *);

/* Sockets and the timer: curl says what to watch, libevent watches. */

static void
http_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_client	*c = arg;
	int			 flags = 0, running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	http_check_done(c);
}

static void
http_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_client	*c = arg;
	int			 running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(c);
}

static void
http_sock_free(struct http_sock *s)
{
	LIST_REMOVE(s, entry);
	event_free(s->ev);
	free(s);
}

static int
http_sock_cb(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct http_client	*c = arg;
	struct http_sock	*s = sockp;
	short			 kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			http_sock_free(s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s == NULL) {
		if ((s = calloc(1, sizeof *s)) == NULL ||
		    (s->ev = event_new(c->base, fd, kind, http_event_cb,
		    c)) == NULL) {
			free(s);
			return -1;
		}
		LIST_INSERT_HEAD(&c->socks, s, entry);
		curl_multi_assign(c->multi, fd, s);
	} else {
		event_del(s->ev);
		event_assign(s->ev, c->base, fd, kind, http_event_cb, c);
	}
	return event_add(s->ev, NULL) == 0 ? 0 : -1;
}

static int
http_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct http_client	*c = arg;
	struct timeval		 tv;

	(void)multi;
	if (ms < 0)
		return evtimer_del(c->timer);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return evtimer_add(c->timer, &tv);
}

/* The client. */

struct http_client *
http_client_new(struct event_base *base)
{
	struct http_client	*c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->base = base;
	TAILQ_INIT(&c->xfers);
	LIST_INIT(&c->socks);
	if ((c->multi = curl_multi_init()) == NULL ||
	    (c->timer = evtimer_new(base, http_timeout_cb, c)) == NULL) {
		curl_multi_cleanup(c->multi);
		free(c);
		return NULL;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, http_sock_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
}

static void
http_client_destroy(struct http_client *c)
{
	curl_multi_cleanup(c->multi);
	while (!LIST_EMPTY(&c->socks))
		http_sock_free(LIST_FIRST(&c->socks));
	event_free(c->timer);
	free(c);
}

static void
http_wanted_clear(struct http_response *r)
{
	size_t	i;

	for (i = 0; i < HTTP_WANT_MAX; i++) {
		free(r->wanted[i]);
		r->wanted[i] = NULL;
	}
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	size_t	i;

	for (i = 0; r->wanted_names != NULL && i < HTTP_WANT_MAX &&
	    r->wanted_names[i] != NULL; i++)
		if (strcasecmp(r->wanted_names[i], name) == 0)
			return r->wanted[i];
	return NULL;
}

static void
http_xfer_free(struct http_xfer *x)
{
	if (!x->calling) {
		TAILQ_REMOVE(&x->client->xfers, x, entry);
		x->client->active--;
		curl_multi_remove_handle(x->client->multi, x->easy);
	}
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->reqbody);
	free(x->name);
	if (x->resp.body != NULL)
		OPENSSL_cleanse(x->resp.body, x->bodycap);
	free(x->resp.body);
	free(x->resp.request_id);
	free(x->resp.content_type);
	free(x->retry_after);
	free(x->date);
	http_wanted_clear(&x->resp);
	free(x);
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	while (!TAILQ_EMPTY(&c->xfers))
		http_xfer_free(TAILQ_FIRST(&c->xfers));
	if (c->dispatching)
		c->dead = 1;
	else
		http_client_destroy(c);
}

size_t
http_client_active(const struct http_client *c)
{
	return c != NULL ? c->active : 0;
}

/* What curl hands us while a transfer runs. */

static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer	*x = arg;
	size_t			 n = size * nmemb, need, cap;
	char			*p;

	if (n > x->max - x->resp.body_len) {
		x->toobig = 1;
		return 0;
	}
	need = x->resp.body_len + n + 1;
	if (need > x->bodycap) {
		cap = x->bodycap != 0 ? x->bodycap : 4096;
		while (cap < need)
			cap *= 2;
		if (cap > x->max + 1)
			cap = x->max + 1;
		/* not realloc: an answer may hold credentials (AssumeRole),
		 * and no copy of it is left behind unwiped */
		if ((p = malloc(cap)) == NULL) {
			x->nomem = 1;
			return 0;
		}
		if (x->resp.body != NULL) {
			memcpy(p, x->resp.body, x->resp.body_len);
			OPENSSL_cleanse(x->resp.body, x->bodycap);
			free(x->resp.body);
		}
		x->resp.body = p;
		x->bodycap = cap;
	}
	memcpy(x->resp.body + x->resp.body_len, data, n);
	x->resp.body_len += n;
	x->resp.body[x->resp.body_len] = '\0';
	return n;
}

/* Sets *dst to the value if the header line is "name: value". */
static int
http_header_match(const char *line, size_t len, const char *name, char **dst)
{
	size_t	 n = strlen(name);
	char	*v;

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return 0;
	for (line += n + 1, len -= n + 1; len > 0 && isspace((unsigned char)*line);
	    line++, len--)
		;
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	if (len > HTTP_MAX_HEADER_VALUE)
		len = HTTP_MAX_HEADER_VALUE;
	if ((v = strndup(line, len)) == NULL)
		return -1;
	free(*dst);
	*dst = v;
	return 1;
}

/*
 * Retry-After (RFC 9110 10.2.3), delta-seconds or an HTTP-date, as
 * seconds from now; -1 when unreadable.  A date counts from the
 * answer's Date when it has one, so a host clock that is off neither
 * stretches nor cuts the wait.  Huge values are kept huge (capped to
 * HTTP_RETRY_AFTER_MAX) for the caller to cap and say so.
 */
static long
http_retry_after_secs(const char *v, const char *date)
{
	long long	secs;
	time_t		t, now;
	char		*end;

	if (v == NULL || *v == '\0')
		return -1;
	if (isdigit((unsigned char)*v)) {
		errno = 0;
		secs = strtoll(v, &end, 10);
		if (*end != '\0')
			return -1;
		if (errno == ERANGE || secs > HTTP_RETRY_AFTER_MAX)
			return HTTP_RETRY_AFTER_MAX;
		return (long)secs;
	}
	if ((t = curl_getdate(v, NULL)) == -1)
		return -1;
	if (date == NULL || (now = curl_getdate(date, NULL)) == -1)
		now = time(NULL);
	if (t <= now)
		return 0;
	return t - now > HTTP_RETRY_AFTER_MAX ? HTTP_RETRY_AFTER_MAX :
	    (long)(t - now);
}

static int
http_header_wanted(struct http_response *r, const char *data, size_t n)
{
	size_t	i;

	for (i = 0; r->wanted_names != NULL && i < HTTP_WANT_MAX &&
	    r->wanted_names[i] != NULL; i++)
		if (http_header_match(data, n, r->wanted_names[i],
		    &r->wanted[i]) < 0)
			return -1;
	return 0;
}

static size_t
http_header_cb(char *data, size_t size, size_t nitems, void *arg)
{
	struct http_xfer	*x = arg;
	struct http_response	*r = &x->resp;
	size_t			 n = size * nitems;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a 1xx): forget the last one's. */
		free(r->request_id);
		free(r->content_type);
		free(x->retry_after);
		free(x->date);
		r->request_id = r->content_type = NULL;
		x->retry_after = x->date = NULL;
		r->retry_after = -1;
		http_wanted_clear(r);
		return n;
	}
	if (http_header_wanted(r, data, n) < 0) {
		x->nomem = 1;
		return 0;
	}
	if (http_header_match(data, n, "retry-after", &x->retry_after) < 0 ||
	    http_header_match(data, n, "date", &x->date) < 0 ||
	    http_header_match(data, n, "x-amzn-requestid",
	    &r->request_id) < 0 ||
	    http_header_match(data, n, "x-amz-request-id",
	    &r->request_id) < 0 ||
	    http_header_match(data, n, "content-type", &r->content_type) < 0) {
		x->nomem = 1;
		return 0;
	}
	return n;
}

/*
 * The trace: header lines only, credentials and request targets
 * redacted, and for a transfer with trace_headers the values of every
 * other header too; then the URL's parts (redact) over the whole line,
 * before it is cut to HTTP_TRACE_LINE.
 */

static int
http_name_in(const char *const *names, const char *s, size_t n)
{
	size_t	k;

	for (k = 0; names[k] != NULL; k++)
		if (strlen(names[k]) == n && strncasecmp(s, names[k], n) == 0)
			return 1;
	return 0;
}

/* 1 when the line's value must not be traced, 2 when nothing of it. */
static int
http_trace_hidden(const struct http_xfer *x, const char *line, size_t len)
{
	const char	*colon = memchr(line, ':', len);
	size_t		 n;

	if (colon == NULL)	/* a status line, or a folded value */
		return x->trace_headers != NULL && (len < 5 ||
		    strncmp(line, "HTTP/", 5) != 0) ? 2 : 0;
	n = (size_t)(colon - line);
	if (http_name_in(http_secret_headers, line, n))
		return 1;
	return x->trace_headers != NULL &&
	    !http_name_in(x->trace_headers, line, n);
}

/* "METHOD <target redacted> HTTP/1.1" from the request line in buf. */
static size_t
http_trace_target(char *buf, size_t len, char *out, size_t outlen)
{
	size_t	sp, last;

	for (sp = 0; sp < len && buf[sp] != ' '; sp++)
		;
	for (last = len; last > sp && buf[last - 1] != ' '; last--)
		;
	if (sp == len)
		return (size_t)snprintf(out, outlen, "%.*s", (int)len, buf);
	return (size_t)snprintf(out, outlen, "%.*s <target redacted>%s%.*s",
	    (int)sp, buf, last > sp + 1 ? " " : "",
	    last > sp + 1 ? (int)(len - last) : 0, buf + last);
}

/* What of the line the trace shows, into out (len + 32 bytes). */
static size_t
http_trace_text(const struct http_xfer *x, const char *buf, size_t len,
    int request_line, char *out, size_t outlen)
{
	const char	*colon;

	switch (http_trace_hidden(x, buf, len)) {
	case 2:
		return (size_t)snprintf(out, outlen, "<line not traced>");
	case 1:
		colon = memchr(buf, ':', len);
		return (size_t)snprintf(out, outlen, "%.*s: <redacted>",
		    (int)(colon - buf), buf);
	}
	if (request_line)
		return http_trace_target((char *)buf, len, out, outlen);
	memcpy(out, buf, len);
	out[len] = '\0';
	return len;
}

static void
http_trace_line(struct http_xfer *x, char dir, const char *line, size_t len,
    int request_line)
{
	char	 shown[HTTP_TRACE_LINE], *buf, *text;
	size_t	 i, n;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (len == 0)
		return;
	buf = malloc(len + 1);
	text = malloc(len + 32);
	if (buf != NULL && text != NULL) {
		for (i = 0; i < len; i++)
			buf[i] = isprint((unsigned char)line[i]) ? line[i] : '?';
		buf[len] = '\0';
		n = http_trace_text(x, buf, len, request_line, text, len + 32);
		urlredact_copy(x->redact, text, n < len + 32 ? n : len + 31,
		    shown, sizeof(shown));
		log_trace("http %s: %c %s", x->name, dir, shown);
	}
	free(buf);
	free(text);
}

static int
http_debug_cb(CURL *easy, curl_infotype type, char *data, size_t size,
    void *arg)
{
	struct http_xfer	*x = arg;
	const char		*p = data, *end = data + size, *nl;
	int			 first = 1;

	(void)easy;
	if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT)
		return 0;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end - 1;
		http_trace_line(x, type == CURLINFO_HEADER_OUT ? '>' : '<', p,
		    (size_t)(nl + 1 - p), first && type == CURLINFO_HEADER_OUT);
		first = 0;
		p = nl + 1;
	}
	return 0;
}

/* Setting a transfer up. */

static int
http_setopt_common(struct http_xfer *x, const struct http_request *req)
{
	CURL	*e = x->easy;
	long	 timeout = req->timeout_ms > 0 ? req->timeout_ms :
		    HTTP_DEFAULT_TIMEOUT_MS;
	long	 connect = req->connect_timeout_ms > 0 ?
		    req->connect_timeout_ms : HTTP_DEFAULT_CONNECT_MS;

	if (curl_easy_setopt(e, CURLOPT_URL, req->url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https,http") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https,http") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT, HTTP_USER_AGENT) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)x->max) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK)
		return -1;
	if (req->ca_file != NULL &&
	    curl_easy_setopt(e, CURLOPT_CAINFO, req->ca_file) != CURLE_OK)
		return -1;
	return 0;
}

static int
http_setopt_io(struct http_xfer *x)
{
	CURL	*e = x->easy;

	if (curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK)
		return -1;
	if (log_getverbose() < 2)
		return 0;
	if (curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, http_debug_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_DEBUGDATA, x) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L) != CURLE_OK)
		return -1;
	return 0;
}

static int
http_setopt_method(struct http_xfer *x, const struct http_request *req)
{
	CURL		*e = x->easy;
	const char	*m = req->method != NULL ? req->method : "GET";

	if (req->body_len > 0 || strcmp(m, "POST") == 0) {
		if ((x->reqbody = malloc(req->body_len + 1)) == NULL)
			return -1;
		if (req->body_len > 0)
			memcpy(x->reqbody, req->body, req->body_len);
		x->reqbody[req->body_len] = '\0';
		if (curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len) != CURLE_OK ||
		    curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->reqbody) !=
		    CURLE_OK)
			return -1;
		if (strcmp(m, "POST") == 0)
			return 0;
	} else if (strcmp(m, "GET") == 0)
		return curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK ?
		    0 : -1;
	else if (strcmp(m, "HEAD") == 0)
		return curl_easy_setopt(e, CURLOPT_NOBODY, 1L) == CURLE_OK ?
		    0 : -1;
	return curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m) == CURLE_OK ?
	    0 : -1;
}

static int
http_setopt_headers(struct http_xfer *x, const struct http_request *req)
{
	struct curl_slist	*l;
	size_t			 i;

	/* Expect: 100-continue costs a round trip for nothing here. */
	if ((x->headers = curl_slist_append(NULL, "Expect:")) == NULL)
		return -1;
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
		if ((l = curl_slist_append(x->headers, req->headers[i])) ==
		    NULL)
			return -1;
		x->headers = l;
	}
	return curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) ==
	    CURLE_OK ? 0 : -1;
}

static struct http_xfer *
http_xfer_new(struct http_client *c, const struct http_request *req,
    http_cb cb, void *arg)
{
	struct http_xfer	*x;

	if ((x = calloc(1, sizeof *x)) == NULL)
		return NULL;
	x->resp.retry_after = -1;
	x->resp.wanted_names = req->want_headers;
	x->trace_headers = req->trace_headers;
	x->redact = req->redact;
	x->client = c;
	x->cb = cb;
	x->arg = arg;
	x->max = req->max_response > 0 ? req->max_response :
	    HTTP_DEFAULT_MAX_RESPONSE;
	x->calling = 1;		/* not in the client's list yet */
	x->name = strdup(req->log_name != NULL ? req->log_name : "request");
	if (x->name == NULL || (x->easy = curl_easy_init()) == NULL) {
		http_xfer_free(x);
		return NULL;
	}
	return x;
}

struct http_xfer *
http_send(struct http_client *c, const struct http_request *req, http_cb cb,
    void *arg)
{
	struct http_xfer	*x;
	const char		*name = req->log_name ? req->log_name : "request";

	if (c == NULL || c->dead || req->url == NULL || cb == NULL) {
		log_warnx("http %s: bad request", name);
		return NULL;
	}
	if ((x = http_xfer_new(c, req, cb, arg)) == NULL) {
		log_warnx("http %s: out of memory", name);
		return NULL;
	}
	if (http_setopt_common(x, req) != 0 || http_setopt_io(x) != 0 ||
	    http_setopt_method(x, req) != 0 ||
	    http_setopt_headers(x, req) != 0 ||
	    curl_multi_add_handle(c->multi, x->easy) != CURLM_OK) {
		log_warnx("http %s: cannot set up the transfer", name);
		http_xfer_free(x);
		return NULL;
	}
	x->calling = 0;
	TAILQ_INSERT_TAIL(&c->xfers, x, entry);
	c->active++;
	log_debug("http %s: started", x->name);
	return x;
}

void
http_xfer_cancel(struct http_xfer *x)
{
	/* Cancelling from its own callback changes nothing: it is done. */
	if (x == NULL || x->calling)
		return;
	log_debug("http %s: cancelled", x->name);
	http_xfer_free(x);
}

/* Finishing a transfer. */

/* curl's words, unless they quote the URL's path or query. */
static void
http_set_error(struct http_xfer *x, CURLcode rc)
{
	const char	*msg = x->errbuf[0] != '\0' ? x->errbuf :
			    curl_easy_strerror(rc);
	char		*url = NULL, *p;
	const char	*path = NULL;
	size_t		 n;

	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	if (url != NULL) {
		p = strstr(url, "://");
		path = strpbrk(p != NULL ? p + 3 : url, "/?#");
	}
	if (strstr(msg, "://") != NULL || (path != NULL && path[1] != '\0' &&
	    strstr(msg, path) != NULL))
		msg = curl_easy_strerror(rc);
	urlredact_copy(x->redact, msg, strlen(msg), x->resp.error,
	    sizeof x->resp.error);
	n = strlen(x->resp.error);
	while (n > 0 && isspace((unsigned char)x->resp.error[n - 1]))
		x->resp.error[--n] = '\0';
}

static void
http_set_result(struct http_xfer *x, CURLcode rc)
{
	struct http_response	*r = &x->resp;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &r->elapsed);
	r->retry_after = http_retry_after_secs(x->retry_after, x->date);
	if (x->toobig || rc == CURLE_FILESIZE_EXCEEDED) {
		r->result = DW_ETOOBIG;
		snprintf(r->error, sizeof r->error,
		    "response larger than %zu bytes", x->max);
	} else if (x->nomem || rc == CURLE_OUT_OF_MEMORY) {
		r->result = DW_ENOMEM;
		snprintf(r->error, sizeof r->error, "out of memory");
	} else if (rc != CURLE_OK) {
		r->result = DW_ENET;
		r->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		http_set_error(x, rc);
	} else if (r->body == NULL && (r->body = calloc(1, 1)) == NULL) {
		r->result = DW_ENOMEM;
		snprintf(r->error, sizeof r->error, "out of memory");
	}
}

static void
http_finish(struct http_xfer *x, CURLcode rc)
{
	struct http_client	*c = x->client;

	/* Out of the multi first: the callback may do anything. */
	TAILQ_REMOVE(&c->xfers, x, entry);
	c->active--;
	curl_multi_remove_handle(c->multi, x->easy);
	x->calling = 1;
	http_set_result(x, rc);
	if (x->resp.result == 0)
		log_debug("http %s: status %ld, %zu bytes in %.3fs", x->name,
		    x->resp.status, x->resp.body_len, x->resp.elapsed);
	else
		log_debug("http %s: %s", x->name, x->resp.error);
	x->cb(&x->resp, x->arg);
	http_xfer_free(x);
}

static void
http_check_done(struct http_client *c)
{
	CURLMsg			*m;
	struct http_xfer	*x;
	char			*priv;
	CURLcode		 rc;
	int			 left;

	c->dispatching++;
	while (!c->dead && (m = curl_multi_info_read(c->multi, &left)) !=
	    NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		rc = m->data.result;
		if (curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    &priv) != CURLE_OK || priv == NULL)
			continue;
		x = (struct http_xfer *)priv;
		http_finish(x, rc);
	}
	if (--c->dispatching == 0 && c->dead)
		http_client_destroy(c);
}
