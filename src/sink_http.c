/*
 * The shared HTTP delivery: POST what a sink rendered to its URL and
 * turn the answer into a verdict.  Only a status and a cleaned snippet
 * of the answer ever reach a log line, with every part of the URL an
 * error page may echo (the token in its path or query) redacted; the
 * trace shows the values of a short list of harmless headers only, so
 * a Location naming the path never shows.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/error.h"
#include "driftwatch/sink.h"
#include "driftwatch/urlredact.h"

#define SINK_HTTP_SNIPPET	80

const char *const sink_http_trace_headers[] = {
	"content-type", "content-length", "date", "retry-after",
	"user-agent", "idempotency-key", "x-driftwatch-alert-id",
	"x-driftwatch-timestamp", "connection", "transfer-encoding", NULL
};

struct sink_call {
	struct sink		*s;
	struct http_xfer	*xfer;
	struct sink_msg		 msg;
	char			*ctype;
	char			*label;		/* names the transfer */
	const char		*headers[SINK_MAX_HEADERS + 2];
	sink_done_cb		 cb;
	void			*arg;
};

static struct http_xfer *
sink_http_send(void *ctx, const struct http_request *req, http_cb cb,
    void *arg)
{
	return http_send(ctx, req, cb, arg);
}

struct sink_transport
sink_transport_http(struct http_client *client)
{
	struct sink_transport	tr = {
		.send = sink_http_send,
		.cancel = http_xfer_cancel,
		.ctx = client,
	};

	return tr;
}

/*
 * Printable ASCII, at most SINK_HTTP_SNIPPET characters, the URL's
 * parts redacted.  Everything is cleaned and redacted before the cut,
 * so no part of a token survives at its edge; other bytes become '?'
 * rather than vanish, so dropping them cannot join a token's pieces.
 */
static void
sink_http_snippet(const struct urlredact *r, const char *s, size_t len,
    char *out, size_t outlen)
{
	char	*clean;
	size_t	 i;

	*out = '\0';
	if (s == NULL || len == 0 || (clean = malloc(len)) == NULL)
		return;
	for (i = 0; i < len; i++)
		clean[i] = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' :
		    s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	urlredact_copy(r, clean, len, out, outlen < SINK_HTTP_SNIPPET + 1 ?
	    outlen : SINK_HTTP_SNIPPET + 1);
	free(clean);
	/* without the URL's parts, a path-like snippet may be one */
	if (r == NULL && strchr(out, '/') != NULL)
		*out = '\0';
}

static void
sink_http_describe(const struct http_response *resp,
    const struct urlredact *r, char *buf, size_t len)
{
	char	snip[SINK_HTTP_SNIPPET + 1];

	if (resp == NULL) {
		snprintf(buf, len, "could not start the request");
	} else if (resp->status != 0) {
		sink_http_snippet(r, resp->body, resp->body_len, snip,
		    sizeof(snip));
		snprintf(buf, len, "HTTP %ld%s%s", resp->status,
		    *snip != '\0' ? ": " : "", snip);
	} else {
		sink_http_snippet(r, resp->error, strlen(resp->error), snip,
		    sizeof(snip));
		snprintf(buf, len, "%s%s%s", resp->timed_out ? "timed out" :
		    dw_strerror(resp->result), *snip != '\0' ? ": " : "",
		    snip);
	}
}

void
sink_http_verdict(const struct http_response *resp, const struct urlredact *r,
    struct sink_result *res)
{
	long	st = resp != NULL ? resp->status : 0;

	memset(res, 0, sizeof(*res));
	res->retry_after = resp != NULL ? resp->retry_after : -1;
	sink_http_describe(resp, r, res->detail, sizeof(res->detail));
	if (resp == NULL)
		res->verdict = SINK_RETRY;
	else if (st >= 200 && st < 300 &&
	    (resp->result == 0 || resp->result == DW_ETOOBIG))
		res->verdict = SINK_DELIVERED;
	else if (resp->result != 0 || st == 0 || st == 408 || st == 429 ||
	    st >= 500)
		res->verdict = SINK_RETRY;
	else
		res->verdict = SINK_PERMANENT;
}

static void
sink_http_call_free(struct sink_call *c)
{
	sink_msg_clear(&c->msg);
	free(c->ctype);
	free(c->label);
	free(c);
}

static void
sink_http_done(const struct http_response *resp, void *arg)
{
	struct sink_call	*c = arg;
	struct sink_result	 res;
	sink_done_cb		 cb = c->cb;
	void			*cbarg = c->arg;

	c->xfer = NULL;
	sink_http_verdict(resp, c->s->redact, &res);
	sink_http_call_free(c);
	cb(&res, cbarg);
}

static int
sink_http_headers(struct sink_call *c)
{
	size_t	i, n = 0;

	if (asprintf(&c->ctype, "Content-Type: %s",
	    c->msg.content_type) == -1) {
		c->ctype = NULL;
		return DW_ENOMEM;
	}
	c->headers[n++] = c->ctype;
	for (i = 0; i < SINK_MAX_HEADERS && c->msg.extra_headers[i]; i++)
		c->headers[n++] = c->msg.extra_headers[i];
	c->headers[n] = NULL;
	return 0;
}

struct sink_call *
sink_http_deliver(struct sink *s, const struct alert *a, sink_done_cb cb,
    void *arg)
{
	struct sink_call	*c;
	struct http_request	 req;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->s = s;
	c->cb = cb;
	c->arg = arg;
	if (asprintf(&c->label, "sink %s alert %s", s->name, a->id) == -1)
		c->label = NULL;
	if (c->label == NULL || sink_render(s, a, &c->msg) != 0 ||
	    sink_http_headers(c) != 0)
		goto fail;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = s->url;
	req.headers = c->headers;
	req.body = c->msg.body;
	req.body_len = c->msg.body_len;
	req.ca_file = s->env.ca_file;
	req.timeout_ms = s->timeout_ms;
	req.max_response = SINK_MAX_RESPONSE;
	req.log_name = c->label;
	req.trace_headers = sink_http_trace_headers;
	req.redact = s->redact;
	if ((c->xfer = s->env.http.send(s->env.http.ctx, &req, sink_http_done,
	    c)) == NULL)
		goto fail;
	return c;
fail:
	sink_http_call_free(c);
	return NULL;
}

void
sink_http_cancel(struct sink_call *c)
{
	if (c == NULL)
		return;
	if (c->xfer != NULL)
		c->s->env.http.cancel(c->xfer);
	sink_http_call_free(c);
}
