/*
 * A sink is one destination for alerts (a Slack channel, a webhook
 * receiver) with a small backend table that renders an alert into the
 * request that destination expects.  Sinks only format: titles and
 * summaries come from the alert.  Delivery is the outbox's job.
 *
 * The URL (it carries a token) and the HMAC secret are secrets: they
 * never appear in a log line or a rendered body, and sink_free() wipes
 * them.
 */
#ifndef DRIFTWATCH_SINK_H
#define DRIFTWATCH_SINK_H

#include <stddef.h>

#include "driftwatch/alert.h"

struct sink;

#define SINK_MAX_HEADERS	4
#define SINK_NAME_MAX		64
#define SINK_HMAC_HEX_LEN	64

/* One rendered request.  Everything is owned; sink_msg_clear() frees. */
struct sink_msg {
	char		*body;
	size_t		 body_len;
	const char	*content_type;	/* static string */
	/* "Name: value", NULL-terminated, owned */
	char		*extra_headers[SINK_MAX_HEADERS + 1];
};

struct sink_ops {
	const char	*type;
	/* 0 and msg filled, or DW_ENOMEM; msg is cleared on failure. */
	int		(*render)(const struct sink *, const struct alert *,
			    struct sink_msg *);
};

struct sink {
	char			*name;		/* [A-Za-z0-9_-], unique */
	const struct sink_ops	*ops;
	char			*url;		/* secret */
	char			*secret;	/* HMAC key, may be NULL */
	enum severity		 min_severity;
	long			 timeout_ms;
	char			*ca_file;	/* NULL: system trust store */
};

/* NULL and err filled for an unknown type or a bad name. */
struct sink	*sink_new(const char *name, const char *type, const char *url,
		    const char *secret, enum severity min, long timeout_ms,
		    const char *ca_file, char *err, size_t errlen);
/* Wipes url and secret.  NULL is a no-op. */
void		 sink_free(struct sink *);
/* 1 when the alert's severity is at least the sink's minimum.  Resolve
 * and sighted alerts carry the severity of what they close. */
int		 sink_wants(const struct sink *, const struct alert *);
/* 0 and msg filled, or a negative DW_ code. */
int		 sink_render(const struct sink *, const struct alert *,
		    struct sink_msg *);
void		 sink_msg_clear(struct sink_msg *);
/* 1 when s may name a sink (it becomes part of outbox file names). */
int		 sink_name_valid(const char *s);

/*
 * type "webhook": the body is alert_to_json()'s form plus
 * "source":"driftwatch" and "version":1.  Headers: Content-Type:
 * application/json, Idempotency-Key and X-Driftwatch-Alert-Id (both the
 * alert id, the same on every retry), and, when a secret is set,
 *
 *	X-Driftwatch-Signature: sha256=<lowercase hex HMAC-SHA256(secret, body)>
 *	X-Driftwatch-Timestamp: <unix seconds when this attempt was rendered>
 *
 * Only the exact body bytes are signed; the timestamp, the headers and
 * the URL are not.  A receiver verifies the signature over the raw body
 * before parsing it and may use the body's "time" and "id" against
 * replays.
 */
extern const struct sink_ops sink_webhook_ops;
/* Lowercase hex HMAC-SHA256(key, data) into hex[65]; 0 or DW_ENOMEM. */
int	sink_webhook_sign(const void *key, size_t keylen, const void *data,
	    size_t len, char hex[SINK_HMAC_HEX_LEN + 1]);

/* type "slack": a Slack incoming-webhook message, text and blocks. */
extern const struct sink_ops sink_slack_ops;

#endif
