/*
 * The durable outbox (SPEC §3): every (alert, sink) pair is a file in
 * <state_dir>/outbox/ named <alert-id>.<sink-name>.json, holding
 *
 *	{ "sink": "<name>", "attempts": <n>, "alert": { alert_to_json() } }
 *
 * written (atomically, fsync'ed, mode 0600) before any attempt to send
 * and removed only after the sink answered 2xx.  Delivery is
 * at-least-once; receivers drop repeats by alert id.  Network errors,
 * 408, 429 and 5xx are retried forever with full-jitter backoff; any
 * other answer is permanent and the file moves to outbox/dead/ for a
 * person to read.  An unreadable file is renamed <name>.bad.
 *
 * Log lines name the alert id and the sink, never the URL or secret.
 */
#ifndef DRIFTWATCH_OUTBOX_H
#define DRIFTWATCH_OUTBOX_H

#include <stddef.h>

#include "driftwatch/http.h"

struct alert;
struct event_base;
struct outbox;
struct sink;

#define OUTBOX_MAX_INFLIGHT	4		/* sends in flight per sink */
#define OUTBOX_MAX_FILE		(1024 * 1024)	/* bigger files are corrupt */
#define OUTBOX_MAX_RESPONSE	(64 * 1024)	/* a sink's answer */
#define OUTBOX_BACKOFF_BASE	2.0		/* seconds */
#define OUTBOX_BACKOFF_CAP	300.0

/* How requests leave; tests pass a fake. */
struct outbox_transport {
	struct http_xfer	*(*send)(void *ctx, const struct http_request *,
				    http_cb, void *arg);
	void			 (*cancel)(struct http_xfer *);
	void			*ctx;
};

/* { http_send on client, http_xfer_cancel, client } */
struct outbox_transport	 outbox_transport_http(struct http_client *);

/* NULL on allocation failure.  Call outbox_load() before posting. */
struct outbox	*outbox_new(struct event_base *,
		    const struct outbox_transport *, const char *state_dir);
/* Cancels sends in flight and frees timers and sinks; files stay. */
void		 outbox_free(struct outbox *);
/*
 * Takes ownership of the array and the sinks, even on failure.  Sends
 * in flight are cancelled and queued again for the new sinks; pending
 * alerts for a sink no longer configured wait (on disk and in memory)
 * until it comes back.
 */
int		 outbox_set_sinks(struct outbox *, struct sink **, size_t);
/*
 * Creates the outbox directory if needed and queues every pending
 * file.  The number of files queued, or a negative DW_ code with err
 * filled when the directory cannot be used.
 */
int		 outbox_load(struct outbox *, char *err, size_t errlen);
/*
 * For each sink that wants the alert: write its file, then queue it.
 * 0 when every write succeeded (a failure is logged with its path and
 * the alert is still sent from memory), else a negative DW_ code.
 */
int		 outbox_post(struct outbox *, const struct alert *);
/* Alerts held, in any state (including those waiting for a sink). */
size_t		 outbox_pending(const struct outbox *);
/* Alerts waiting on their retry timer. */
size_t		 outbox_backing_off(const struct outbox *);
/* Sends in flight now: at shutdown the daemon waits briefly for them. */
size_t		 outbox_sending(const struct outbox *);
/* Full jitter: the n-th retry waits uniform [0, min(cap, base * 2^n)). */
void		 outbox_set_backoff(struct outbox *, double base_s,
		    double cap_s);

#endif
