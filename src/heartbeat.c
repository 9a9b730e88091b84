/*
 * The heartbeat (heartbeat.h): a persistent timer, at most one ping in
 * flight, and a log line when pinging stops or starts again, never
 * naming the URL.  A ping that fails is not retried: the next tick is
 * the retry, and the outside service's grace time covers one loss.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "driftwatch/error.h"
#include "driftwatch/heartbeat.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/secret.h"
#include "driftwatch/sink.h"
#include "driftwatch/urlredact.h"

#define HEARTBEAT_TIMEOUT_MS	10000

enum heartbeat_state {
	HB_WAITING,	/* since start: no healthy tick yet */
	HB_PINGING,
	HB_PAUSED,	/* was healthy, is not now */
};

struct heartbeat {
	struct http_client	*http;
	char			*url;		/* secret */
	struct urlredact	*redact;	/* the URL's parts, for the trace */
	char			*ca_file;
	unsigned		 interval;
	heartbeat_healthy_cb	 healthy;
	void			*arg;
	struct event		*timer;
	struct http_xfer	*xfer;
	enum heartbeat_state	 state;
	int			 failing;	/* the last ping failed */
};

static void
heartbeat_done(const struct http_response *r, void *arg)
{
	struct heartbeat	*hb = arg;

	hb->xfer = NULL;
	if (r->result == 0 && r->status >= 200 && r->status < 300) {
		if (hb->failing)
			log_info("heartbeat: pings are answered again");
		else
			log_debug("heartbeat: ping answered (HTTP %ld)",
			    r->status);
		hb->failing = 0;
		return;
	}
	/* curl's reason and the body may quote the URL: neither is logged */
	if (r->status != 0)
		log_warnx("heartbeat: ping refused: HTTP %ld", r->status);
	else
		log_warnx("heartbeat: ping failed: %s", r->timed_out ?
		    "timed out" : dw_strerror(r->result));
	hb->failing = 1;
}

static void
heartbeat_ping(struct heartbeat *hb)
{
	static const char *const	 headers[] = {
		"Content-Type: text/plain; charset=utf-8", NULL
	};
	static const char		 body[] = "driftwatchd " PACKAGE_VERSION
					    ": healthy\n";
	struct http_request		 req;

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = hb->url;
	req.headers = headers;
	req.body = body;
	req.body_len = sizeof(body) - 1;
	req.ca_file = hb->ca_file;
	req.timeout_ms = HEARTBEAT_TIMEOUT_MS;
	req.max_response = 64 * 1024;
	req.log_name = "heartbeat";
	/* the service may echo its URL (the token) in a header or body */
	req.trace_headers = sink_http_trace_headers;
	req.redact = hb->redact;
	if ((hb->xfer = http_send(hb->http, &req, heartbeat_done, hb)) == NULL)
		log_warnx("heartbeat: cannot start a ping");
}

static void
heartbeat_tick(evutil_socket_t fd, short what, void *arg)
{
	struct heartbeat	*hb = arg;

	(void)fd;
	(void)what;
	if (!hb->healthy(hb->arg)) {
		if (hb->state == HB_PINGING) {
			log_warnx("heartbeat: paused: the last pass was not "
			    "complete, is overdue, or a check is blind");
			hb->state = HB_PAUSED;
		}
		return;
	}
	if (hb->state == HB_PAUSED)
		log_info("heartbeat: healthy again; pinging");
	else if (hb->state == HB_WAITING)
		log_info("heartbeat: healthy; pinging every %us", hb->interval);
	hb->state = HB_PINGING;
	if (hb->xfer == NULL)	/* one still in flight: skip this tick */
		heartbeat_ping(hb);
}

struct heartbeat *
heartbeat_new(struct event_base *base, struct http_client *http,
    const struct heartbeat_options *o)
{
	struct heartbeat	*hb;
	struct timeval		 tv = { (time_t)o->interval, 0 };

	if ((hb = calloc(1, sizeof(*hb))) == NULL)
		return NULL;
	hb->http = http;
	hb->interval = o->interval;
	hb->healthy = o->healthy;
	hb->arg = o->arg;
	if ((hb->url = strdup(o->url)) == NULL ||
	    (hb->redact = urlredact_new(o->url)) == NULL ||
	    (o->ca_file != NULL && (hb->ca_file = strdup(o->ca_file)) == NULL) ||
	    (hb->timer = event_new(base, -1, EV_PERSIST, heartbeat_tick,
	    hb)) == NULL || event_add(hb->timer, &tv) != 0) {
		heartbeat_free(hb);
		return NULL;
	}
	return hb;
}

void
heartbeat_free(struct heartbeat *hb)
{
	if (hb == NULL)
		return;
	http_xfer_cancel(hb->xfer);
	if (hb->timer != NULL)
		event_free(hb->timer);
	secret_free(hb->url);
	urlredact_free(hb->redact);
	free(hb->ca_file);
	free(hb);
}
