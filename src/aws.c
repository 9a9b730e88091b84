/*
 * One logical AWS call: build the request for its protocol, sign it,
 * send it, read the answer, and retry by the SDK "standard" rules.
 *
 * A call is a small state machine (waiting for its rate-limit slot →
 * in flight → backing off → done), driven by one timer it owns and by
 * the HTTP layer's callback.  It never blocks and never loops.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <libxml/tree.h>
#include <json-c/json.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_stats.h"
#include "driftwatch/aws_proto.h"
#include "driftwatch/aws_creds.h"
#include "driftwatch/creds_provider.h"
#include "driftwatch/aws_retry.h"
#include "driftwatch/error.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/secret.h"
#include "driftwatch/sigv4.h"

#define AWS_MAX_HEADERS		12
#define AWS_MAX_WANT		(AWS_PROTO_MAX_HEADERS + 2)
#define AWS_SNIPPET		120

enum aws_call_state {
	CALL_WAITING,		/* for its start or its rate-limit slot */
	CALL_WAITING_CREDS,	/* for the provider's credentials */
	CALL_IN_FLIGHT,
	CALL_BACKOFF,
	CALL_DONE,
};

struct aws_client {
	struct event_base	*base;
	struct http_client	*http;
	struct creds_provider	*creds;		/* owned */
	char			*endpoint_url;
	char			*ca_bundle;
	long			 timeout_ms;
	size_t			 max_response;
	int			 max_attempts;
	double			 backoff_base;
	double			 backoff_cap;
	long			 clock_offset;	/* AWS time - host time, s */
	int			 quiet_errors;	/* failed calls at debug */
	struct retry_bucket	 bucket;
	LIST_HEAD(aws_calls, aws_call) calls;
};

struct aws_call {
	struct aws_client		*client;
	const struct aws_service	*svc;
	char				*region;
	char				*op;
	char				*url;
	char				*host;
	struct aws_wire			 wire;
	const char			*want[AWS_MAX_WANT];
	struct aws_ratelimit		*rl;
	struct event			*timer;
	struct http_xfer		*xfer;
	struct creds_get		*creds_get;
	enum aws_call_state		 state;
	int				 attempt;
	int				 retried;
	long				 signed_offset;	/* clock offset used */
	enum retry_class		 last_class;
	aws_cb				 cb;
	void				*arg;
	/* what the callback sees; owned here */
	struct aws_result		 res;
	char				*code;
	char				*message;
	char				*request_id;
	LIST_ENTRY(aws_call)		 entry;
};

static void	aws_call_attempt(struct aws_call *);
static void	aws_call_timer_cb(evutil_socket_t, short, void *);

static const char *
aws_call_state_name(enum aws_call_state s)
{
	switch (s) {
	case CALL_WAITING:	return "waiting";
	case CALL_WAITING_CREDS: return "waiting for credentials";
	case CALL_IN_FLIGHT:	return "in flight";
	case CALL_BACKOFF:	return "backing off";
	case CALL_DONE:		return "done";
	}
	return "?";
}

static void
aws_call_set_state(struct aws_call *c, enum aws_call_state s)
{
	log_trace("aws: %s %s %s: %s -> %s (attempt %d)", c->svc->signing_name,
	    c->region, c->op, aws_call_state_name(c->state),
	    aws_call_state_name(s), c->attempt + 1);
	c->state = s;
}

struct aws_client *
aws_client_new(struct event_base *base, struct http_client *http,
    const struct aws_client_options *o)
{
	struct aws_client	*cl;

	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return NULL;
	cl->base = base;
	cl->http = http;
	LIST_INIT(&cl->calls);
	retry_bucket_init(&cl->bucket);
	cl->timeout_ms = o->timeout_ms;
	cl->max_response = o->max_response;
	cl->max_attempts = o->max_attempts > 0 ? o->max_attempts : 3;
	cl->backoff_base = o->backoff_base > 0 ? o->backoff_base : 1.0;
	cl->backoff_cap = o->backoff_cap > 0 ? o->backoff_cap : 20.0;
	if ((o->endpoint_url != NULL &&
	    (cl->endpoint_url = strdup(o->endpoint_url)) == NULL) ||
	    (o->ca_bundle != NULL &&
	    (cl->ca_bundle = strdup(o->ca_bundle)) == NULL)) {
		aws_client_free(cl);
		return NULL;
	}
	return cl;
}

static void	aws_call_free(struct aws_call *);

void
aws_client_free(struct aws_client *cl)
{
	struct aws_call	*c;

	if (cl == NULL)
		return;
	while ((c = LIST_FIRST(&cl->calls)) != NULL)
		aws_call_free(c);
	creds_provider_free(cl->creds);
	free(cl->endpoint_url);
	free(cl->ca_bundle);
	free(cl);
}

void
aws_client_set_provider(struct aws_client *cl, struct creds_provider *p)
{
	creds_provider_free(cl->creds);
	cl->creds = p;
}

struct creds_provider *
aws_client_provider(const struct aws_client *cl)
{
	return cl->creds;
}

void
aws_client_set_creds(struct aws_client *cl, struct aws_creds *creds)
{
	aws_client_set_provider(cl, creds_static_new(cl->base, creds));
}

const struct aws_creds *
aws_client_creds(const struct aws_client *cl)
{
	return cl->creds != NULL ? creds_provider_current(cl->creds) : NULL;
}

size_t
aws_client_retry_tokens(const struct aws_client *cl)
{
	return cl->bucket.tokens;
}

void
aws_client_quiet_errors(struct aws_client *cl)
{
	cl->quiet_errors = 1;
}

time_t
aws_client_now(const struct aws_client *cl)
{
	return time(NULL) + cl->clock_offset;
}

static void
aws_call_free(struct aws_call *c)
{
	if (c == NULL)
		return;
	LIST_REMOVE(c, entry);
	http_xfer_cancel(c->xfer);
	creds_get_cancel(c->creds_get);
	if (c->timer != NULL)
		event_free(c->timer);
	free(c->region);
	free(c->op);
	free(c->url);
	free(c->host);
	aws_wire_clear(&c->wire);
	free(c->code);
	free(c->message);
	free(c->request_id);
	free(c);
}

void
aws_call_cancel(struct aws_call *c)
{
	aws_call_free(c);
}

void
aws_call_set_ratelimit(struct aws_call *c, struct aws_ratelimit *rl)
{
	c->rl = rl;
}

static void
aws_call_arm(struct aws_call *c, double seconds)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(c->timer, &tv);
}

static struct aws_call *
aws_call_new(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const char *op, aws_cb cb, void *arg)
{
	struct aws_call	*c;
	char		 err[160] = "";

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	LIST_INSERT_HEAD(&cl->calls, c, entry);
	c->client = cl;
	c->svc = svc;
	c->cb = cb;
	c->arg = arg;
	c->state = CALL_WAITING;
	if ((c->region = strdup(region)) == NULL ||
	    (c->op = strdup(op)) == NULL ||
	    (c->timer = evtimer_new(cl->base, aws_call_timer_cb, c)) == NULL ||
	    aws_endpoint_url(svc, region, cl->endpoint_url, &c->url, err,
	    sizeof(err)) != 0 ||
	    aws_endpoint_host(c->url, &c->host) != 0) {
		log_warnx("aws: cannot set up %s %s in %s%s%s",
		    svc->signing_name, op, region, *err ? ": " : "", err);
		aws_call_free(c);
		return NULL;
	}
	return c;
}

/* The response headers this call reads: Date, and the protocol's. */
static void
aws_call_want(struct aws_call *c)
{
	const char *const	*ph = c->svc->protocol->headers;
	size_t			 i, n = 0;

	c->want[n++] = "Date";
	for (i = 0; ph[i] != NULL && n < AWS_MAX_WANT - 1; i++)
		c->want[n++] = ph[i];
	c->want[n] = NULL;
}

struct aws_call *
aws_call_start(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const struct aws_operation *op,
    const struct aws_input *in, aws_cb cb, void *arg)
{
	struct aws_call	*c;
	int		 r;

	if ((c = aws_call_new(cl, svc, region, op->name, cb, arg)) == NULL)
		return NULL;
	if ((r = svc->protocol->build(svc, op, in, &c->wire)) != 0) {
		log_warnx("aws: cannot build %s %s: %s", svc->signing_name,
		    op->name, dw_strerror(r));
		aws_call_free(c);
		return NULL;
	}
	aws_call_want(c);
	aws_call_arm(c, 0);
	return c;
}

struct aws_call *
aws_query(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const char *action, const struct aws_param *p,
    size_t np, aws_cb cb, void *arg)
{
	struct aws_operation	op = { action, NULL, NULL, NULL };
	struct aws_input	in = { p, np, NULL };

	return aws_call_start(cl, svc, region, &op, &in, cb, arg);
}

struct aws_call *
aws_json(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const char *operation, json_object *body,
    aws_cb cb, void *arg)
{
	struct aws_operation	op = { operation, NULL, NULL, NULL };
	struct aws_input	in = { NULL, 0, body };

	return aws_call_start(cl, svc, region, &op, &in, cb, arg);
}

static double
aws_now_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
aws_call_finish(struct aws_call *c)
{
	aws_cb	 cb = c->cb;
	void	*arg = c->arg;

	aws_call_set_state(c, CALL_DONE);
	c->res.attempts = c->attempt + 1;
	c->res.code = c->code;
	c->res.message = c->message;
	c->res.request_id = c->request_id;
	aws_result_log(&c->res, c->svc->signing_name, c->region, c->op,
	    c->client->quiet_errors);
	cb(&c->res, arg);
	if (c->res.xml != NULL)
		xmlFreeDoc(c->res.xml);
	if (c->res.json != NULL)
		json_object_put(c->res.json);
	aws_call_free(c);
}

static void
aws_call_fail(struct aws_call *c, int result, const char *message)
{
	c->res.result = result;
	free(c->message);
	c->message = message != NULL ? strdup(message) : NULL;
	aws_call_finish(c);
}

static void
aws_call_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	aws_call_attempt(arg);
}

static void	aws_call_http_cb(const struct http_response *, void *);

static int
aws_call_sign(struct aws_call *c, const struct aws_creds *creds,
    struct sigv4_result *sig, const char **hdrs, char **owned)
{
	struct sigv4_header	 h[4];
	struct sigv4_request	 req;
	struct sigv4_creds	 cr;
	struct sigv4_params	 p;
	size_t			 n = 0, i;
	int			 r;

	h[n].name = "Host";
	h[n++].value = c->host;
	h[n].name = "Content-Type";
	h[n++].value = c->wire.content_type;
	if (c->wire.target != NULL) {
		h[n].name = "X-Amz-Target";
		h[n++].value = c->wire.target;
	}
	memset(&req, 0, sizeof(req));
	req.method = c->wire.method;
	req.path = c->wire.path;
	req.headers = h;
	req.nheaders = n;
	req.body = (const unsigned char *)c->wire.body;
	req.body_len = c->wire.body_len;
	cr.access_key_id = creds->access_key_id;
	cr.secret_access_key = creds->secret_access_key;
	cr.session_token = creds->session_token;
	memset(&p, 0, sizeof(p));
	p.region = aws_endpoint_signing_region(c->svc, c->region);
	p.service = c->svc->signing_name;
	c->signed_offset = c->client->clock_offset;
	p.when = aws_client_now(c->client);
	p.normalize_path = 1;
	if ((r = sigv4_sign(&req, &cr, &p, sig)) != 0)
		return r;
	for (i = 0; i < n + sig->nadded; i++) {
		const struct sigv4_header *x = i < n ? &h[i] : &sig->added[i - n];
		if (asprintf(&owned[i], "%s: %s", x->name, x->value) == -1) {
			owned[i] = NULL;
			return DW_ENOMEM;
		}
		hdrs[i] = owned[i];
	}
	hdrs[i] = NULL;
	return 0;
}

/* The endpoint plus the operation's path ("/" adds nothing). */
static const char *
aws_call_url(struct aws_call *c, char **owned)
{
	if (strcmp(c->wire.path, "/") == 0)
		return c->url;
	if (asprintf(owned, "%s%s", c->url, c->wire.path) == -1) {
		*owned = NULL;
		return NULL;
	}
	return *owned;
}

static void
aws_call_send(struct aws_call *c, const struct aws_creds *creds)
{
	struct sigv4_result	 sig;
	struct http_request	 hr;
	const char		*hdrs[AWS_MAX_HEADERS];
	char			*owned[AWS_MAX_HEADERS];
	char			 name[96], *url = NULL;
	int			 r, i;

	memset(&sig, 0, sizeof(sig));
	memset(owned, 0, sizeof(owned));
	if ((r = aws_call_sign(c, creds, &sig, hdrs, owned)) != 0) {
		aws_call_fail(c, r, "cannot sign the request");
		goto out;
	}
	snprintf(name, sizeof(name), "%s %s %s", c->svc->signing_name,
	    c->region, c->op);
	memset(&hr, 0, sizeof(hr));
	hr.method = c->wire.method;
	hr.url = aws_call_url(c, &url);
	hr.headers = hdrs;
	hr.body = c->wire.body;
	hr.body_len = c->wire.body_len;
	hr.want_headers = c->want;
	hr.ca_file = aws_endpoint_ca_bundle(c->client->ca_bundle);
	hr.timeout_ms = c->client->timeout_ms;
	hr.max_response = c->client->max_response;
	hr.log_name = name;
	aws_call_set_state(c, CALL_IN_FLIGHT);
	if ((c->xfer = http_send(c->client->http, &hr, aws_call_http_cb,
	    c)) == NULL)
		aws_call_fail(c, DW_ENET, "cannot start the HTTP transfer");
out:
	free(url);
	/* Authorization and X-Amz-Security-Token are among them */
	for (i = 0; i < AWS_MAX_HEADERS; i++)
		secret_free(owned[i]);
	sigv4_result_free(&sig);
}

static void
aws_call_creds_cb(const struct aws_creds *creds, int error,
    const char *message, void *arg)
{
	struct aws_call	*c = arg;

	c->creds_get = NULL;
	if (creds == NULL)
		aws_call_fail(c, error, message);
	else
		aws_call_attempt(c);
}

/* Signing waits while the provider fetches; it fails only if that does. */
static void
aws_call_wait_creds(struct aws_call *c)
{
	if (c->client->creds == NULL) {
		aws_call_fail(c, DW_ECREDS, "no AWS credentials configured");
		return;
	}
	aws_call_set_state(c, CALL_WAITING_CREDS);
	if ((c->creds_get = creds_provider_get(c->client->creds,
	    aws_call_creds_cb, c)) == NULL)
		aws_call_fail(c, DW_ENOMEM, "cannot wait for credentials");
}

static void
aws_call_attempt(struct aws_call *c)
{
	const struct aws_creds	*creds = NULL;
	double			 wait;

	if (c->client->creds != NULL)
		creds = creds_provider_current(c->client->creds);
	if (creds == NULL) {
		aws_call_wait_creds(c);
		return;
	}
	if ((wait = aws_ratelimit_take(c->rl, aws_now_monotonic())) > 0) {
		aws_call_set_state(c, CALL_WAITING);
		aws_call_arm(c, wait);
		return;
	}
	aws_call_send(c, creds);
}

/*
 * Printable ASCII only, markup dropped, spaces folded, cut short: a
 * proxy's HTML page becomes a line of its words, safe for a log.
 */
static char *
aws_snippet(const char *body, size_t len)
{
	char	*s;
	size_t	 i, n = 0;
	int	 intag = 0;

	if ((s = malloc(AWS_SNIPPET + 4)) == NULL)
		return NULL;
	for (i = 0; i < len && n < AWS_SNIPPET; i++) {
		unsigned char ch = (unsigned char)body[i];
		if (ch == '<' || ch == '>') {
			intag = ch == '<';
			ch = ' ';
		} else if (intag)
			continue;
		if (isspace(ch) || ch < 0x20 || ch > 0x7e)
			ch = ' ';
		if (ch == ' ' && (n == 0 || s[n - 1] == ' '))
			continue;
		s[n++] = (char)ch;
	}
	if (i < len)
		s[n++] = '.', s[n++] = '.', s[n++] = '.';
	s[n] = '\0';
	return s;
}

static char *
aws_sanitise(const char *s)
{
	return s != NULL ? aws_snippet(s, strlen(s)) : NULL;
}

static void
aws_call_read_error(struct aws_call *c, const struct http_response *r)
{
	char	*snip, *code = NULL, *msg = NULL;

	free(c->code);
	free(c->message);
	c->code = c->message = NULL;
	c->svc->protocol->read_error(r, &code, &msg);
	if (code != NULL) {
		c->code = aws_sanitise(code);
		c->message = aws_sanitise(msg);
		free(code);
		free(msg);
		return;
	}
	free(msg);
	/* neither shape: a proxy page, or another protocol's error */
	snip = aws_snippet(r->body, r->body_len);
	if (asprintf(&msg, "HTTP %ld with an unrecognised body: %s",
	    r->status, snip ? snip : "") == -1)
		msg = NULL;
	free(snip);
	c->message = msg;
}

/* The header's request id, else the one an error body carries. */
static char *
aws_call_request_id(const struct aws_call *c, const struct http_response *r)
{
	char	*id, *s;

	if (r->request_id != NULL)
		return aws_sanitise(r->request_id);
	if (r->result != 0 || (r->status >= 200 && r->status <= 299) ||
	    c->svc->protocol->read_request_id == NULL ||
	    (id = c->svc->protocol->read_request_id(r)) == NULL)
		return NULL;
	s = *id != '\0' ? aws_sanitise(id) : NULL;
	free(id);
	return s;
}

static void
aws_call_read(struct aws_call *c, const struct http_response *r)
{
	free(c->request_id);
	c->request_id = aws_call_request_id(c, r);
	c->res.status = r->status;
	/* nothing of an earlier attempt's answer may outlive it */
	free(c->code);
	free(c->message);
	c->code = c->message = NULL;
	if (r->result != 0) {
		c->res.result = r->result;
		c->message = strdup(r->error[0] ? r->error : dw_strerror(r->result));
	} else if (r->status < 200 || r->status > 299) {
		c->res.result = DW_EAWS;
		aws_call_read_error(c, r);
	} else if ((c->res.result = c->svc->protocol->read_success(r,
	    &c->res)) != 0) {
		c->message = strdup("malformed body in a successful answer");
	}
	c->res.code = c->code;
	c->res.message = c->message;
	c->res.request_id = c->request_id;
}

static int
aws_call_should_retry(struct aws_call *c, enum retry_class rc)
{
	if (rc == RETRY_NEVER || c->attempt + 1 >= c->client->max_attempts)
		return 0;
	if (!retry_bucket_acquire(&c->client->bucket, rc)) {
		log_debug("aws: %s %s: retry quota exhausted",
		    c->svc->signing_name, c->op);
		return 0;
	}
	return 1;
}

/* Moves the client's clock offset to this answer's Date if need be. */
static int
aws_call_clock(struct aws_call *c, const struct http_response *r)
{
	struct aws_client	*cl = c->client;

	if (!aws_clock_update(&cl->clock_offset, http_response_header(r,
	    "Date"), time(NULL)))
		return 0;
	log_warnx("aws: the host clock is %ld s %s AWS's (Date of a %s "
	    "answer); signing with AWS's time", labs(cl->clock_offset),
	    cl->clock_offset > 0 ? "behind" : "ahead of", c->svc->signing_name);
	return 1;
}

static void
aws_call_http_cb(const struct http_response *r, void *arg)
{
	struct aws_call		*c = arg;
	enum retry_class	 rc;
	double			 wait;

	c->xfer = NULL;
	aws_ratelimit_done(c->rl, aws_now_monotonic());
	aws_call_read(c, r);
	aws_stats_count(c->svc, c->res.result != 0);
	rc = retry_classify(c->res.result, r->status, c->code, r->timed_out);
	aws_call_clock(c, r);
	/* signed before the clock was corrected (by this answer or one of
	 * the calls in flight beside it): sign again with AWS's time */
	if (c->res.result != 0 && aws_clock_skew_error(c->code) &&
	    c->signed_offset != c->client->clock_offset)
		rc = RETRY_TRANSIENT;
	if (c->res.result == 0) {
		retry_bucket_success(&c->client->bucket, c->retried,
		    c->last_class);
		aws_call_finish(c);
		return;
	}
	if (!aws_call_should_retry(c, rc)) {
		aws_call_finish(c);
		return;
	}
	wait = retry_backoff(c->attempt, c->client->backoff_base,
	    c->client->backoff_cap);
	log_debug("aws: %s %s %s: %s; retrying in %.2fs",
	    c->svc->signing_name, c->region, c->op,
	    aws_result_describe(&c->res), wait);
	c->attempt++;
	c->retried = 1;
	c->last_class = rc;
	aws_call_set_state(c, CALL_BACKOFF);
	aws_call_arm(c, wait);
}

const char *
aws_result_describe(const struct aws_result *r)
{
	static char	buf[512];
	const char	*code = r->code, *msg = r->message;

	if (code == NULL && msg == NULL)
		msg = dw_strerror(r->result);
	snprintf(buf, sizeof(buf), "%s%s%s (HTTP %ld%s%s)",
	    code ? code : "", code && msg ? ": " : "", msg ? msg : "",
	    r->status, r->request_id ? ", request id " : "",
	    r->request_id ? r->request_id : "");
	return buf;
}

int
aws_result_denied(const struct aws_result *r)
{
	if (r->code == NULL)
		return r->status == 403;
	return strstr(r->code, "AccessDenied") != NULL ||
	    strcmp(r->code, "UnauthorizedOperation") == 0 ||
	    strcmp(r->code, "ExpiredToken") == 0 ||
	    strcmp(r->code, "InvalidClientTokenId") == 0 ||
	    strcmp(r->code, "UnrecognizedClientException") == 0 ||
	    strcmp(r->code, "SignatureDoesNotMatch") == 0 ||
	    strcmp(r->code, "InvalidSignatureException") == 0 ||
	    strcmp(r->code, "IncompleteSignature") == 0 ||
	    strcmp(r->code, "MissingAuthenticationToken") == 0;
}
