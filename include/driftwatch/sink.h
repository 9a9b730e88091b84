/*
 * A sink is one destination for alerts (a Slack channel, a webhook
 * receiver, an SNS topic) and a backend table entry (struct sink_ops):
 * the type's config keys and their validation, how it renders an
 * alert, and how it delivers one, with a verdict the outbox schedules
 * by.  The outbox keeps state and order; a sink only talks to its
 * destination.  Adding a sink type is one new file, one line in
 * sink.c's table, and its tests and man page lines.
 *
 * URLs (they carry tokens) and HMAC secrets are secrets: they never
 * appear in a log line, a verdict's detail or a rendered body, and
 * sink_free() wipes them.
 */
#ifndef DRIFTWATCH_SINK_H
#define DRIFTWATCH_SINK_H

#include <stddef.h>

#include "driftwatch/alert.h"
#include "driftwatch/http.h"

struct aws_client;
struct urlredact;
struct sink;
struct sink_call;

#define SINK_MAX_HEADERS	4
#define SINK_NAME_MAX		64
#define SINK_HMAC_HEX_LEN	64
#define SINK_MAX_RESPONSE	(64 * 1024)	/* a sink's answer */
#define SINK_DETAIL_MAX		320

/* The kinds of alert a sink may choose (its "kinds" key). */
#define SINK_KIND_EVENTS	0x01u	/* ALERT_EVENT */
#define SINK_KIND_DRIFT		0x02u	/* ALERT_OPEN */
#define SINK_KIND_RESOLVE	0x04u	/* ALERT_RESOLVE */
#define SINK_KIND_BLIND		0x08u	/* ALERT_BLIND, ALERT_SIGHTED */
#define SINK_KIND_REMINDERS	0x10u	/* reminder digests */
#define SINK_KINDS_ALL		0x1fu

/* One rendered request.  Everything is owned; sink_msg_clear() frees. */
struct sink_msg {
	char		*body;
	size_t		 body_len;
	const char	*content_type;	/* static string */
	/* "Name: value", NULL-terminated, owned */
	char		*extra_headers[SINK_MAX_HEADERS + 1];
};

enum sink_verdict {
	SINK_DELIVERED,		/* the destination has it */
	SINK_RETRY,		/* the destination is down or busy */
	SINK_PERMANENT,		/* it refused this alert: keep it in dead/ */
};

/* What one delivery came to; detail names nothing secret. */
struct sink_result {
	enum sink_verdict	 verdict;
	long			 retry_after;	/* seconds asked for, or -1 */
	char			 detail[SINK_DETAIL_MAX];
};

/* Called once per started delivery (never from inside deliver()). */
typedef void	(*sink_done_cb)(const struct sink_result *, void *arg);

/* How HTTP requests leave; tests pass a fake. */
struct sink_transport {
	struct http_xfer	*(*send)(void *ctx, const struct http_request *,
				    http_cb, void *arg);
	void			 (*cancel)(struct http_xfer *);
	void			*ctx;
};

/* { http_send on client, http_xfer_cancel, client } */
struct sink_transport	 sink_transport_http(struct http_client *);

/* What a sink may use to deliver; all borrowed, outliving the sink. */
struct sink_env {
	struct sink_transport	 http;
	struct aws_client	*aws;		/* NULL: no AWS sinks work */
	const char		*ca_file;	/* NULL: system trust store */
};

/* One key=value a [sink NAME] section set beyond the common keys. */
struct sink_opt {
	char		*key;
	char		*value;
	unsigned	 line;
};

/*
 * A sink as configured; all borrowed.  url and secret come from url or
 * url_file and secret or secret_file; opts hold the type's other keys.
 */
struct sink_spec {
	const char		*name;
	const char		*type;
	const char		*url;
	const char		*secret;
	enum severity		 min_severity;
	unsigned		 kinds;		/* SINK_KIND_*; 0: all */
	long			 timeout_ms;
	const struct sink_opt	*opts;
	size_t			 nopts;
};

struct sink_ops {
	const char		*type;
	/* Keys this type takes beyond type, min_severity, timeout and
	 * enabled ("url" also allows url_file, "secret" secret_file). */
	const char *const	*keys;
	const char *const	*required;
	/* 0, or -1 with why filled: a bad value for key (never quoted). */
	int			(*check)(const char *key, const char *value,
				    char *why, size_t whylen);
	/* Type state from the spec into s->priv; 0 or a DW_ code. */
	int			(*init)(struct sink *, const struct sink_spec *);
	void			(*free)(struct sink *);
	/* 0 and msg filled, or DW_ENOMEM; msg is cleared on failure. */
	int			(*render)(const struct sink *, const struct alert *,
				    struct sink_msg *);
	/* Starts a delivery; NULL when it cannot start (retry later). */
	struct sink_call	*(*deliver)(struct sink *, const struct alert *,
				    sink_done_cb, void *);
	/* Stops a delivery in flight; its callback is not called. */
	void			(*cancel)(struct sink_call *);
};

struct sink {
	char			*name;		/* [A-Za-z0-9_-], unique */
	const struct sink_ops	*ops;
	char			*url;		/* secret, may be NULL */
	struct urlredact	*redact;	/* url's parts; NULL without */
	char			*secret;	/* HMAC key, may be NULL */
	enum severity		 min_severity;
	unsigned		 kinds;		/* SINK_KIND_* it takes; 0: all */
	long			 timeout_ms;
	struct sink_env		 env;
	void			*priv;		/* ops->init's, ops->free frees */
};

/* The backend for type, or NULL. */
const struct sink_ops	*sink_ops_find(const char *type);
/* "webhook, slack or sns" into buf, for error messages. */
void			 sink_type_list(char *buf, size_t len);
/* 1 when some type takes key (and so it may appear in [sink NAME]). */
int			 sink_key_known(const char *key);
/* 1 when ops takes key. */
int			 sink_ops_takes(const struct sink_ops *,
			    const char *key);
/* The types taking key, "webhook or sns", into buf. */
void			 sink_key_types(const char *key, char *buf,
			    size_t len);
/* 1 when s may name a sink. */
int			 sink_name_valid(const char *s);

/*
 * NULL and err filled for an unknown type, a bad name, a missing or
 * unusable key.  env is copied; what it points to is borrowed.
 */
struct sink	*sink_new(const struct sink_spec *, const struct sink_env *,
		    char *err, size_t errlen);
/* Wipes url and secret.  NULL is a no-op. */
void		 sink_free(struct sink *);
/* The value of a type key from the spec, or NULL. */
const char	*sink_spec_opt(const struct sink_spec *, const char *key);
/* 1 when the alert's severity is at least the sink's minimum and its
 * kind is one the sink takes.  Resolve and sighted alerts carry the
 * severity of what they close. */
int		 sink_wants(const struct sink *, const struct alert *);
/*
 * sink_kinds.c: a "kinds" value, words (events, drift, resolve, blind,
 * reminders, or all) separated by commas or blanks, into *out (none:
 * all).  0, or -1 with the first bad word (cut to badlen) in bad.
 */
int		 sink_kinds_parse(const char *list, unsigned *out, char *bad,
		    size_t badlen);
/* "events, drift, ... or reminders" into buf, for error messages. */
void		 sink_kinds_list(char *buf, size_t len);
/* The SINK_KIND_ bit of an alert; 0 for a kind without a word yet. */
unsigned	 sink_kind_of(const struct alert *);
/* 0 and msg filled, or a negative DW_ code. */
int		 sink_render(const struct sink *, const struct alert *,
		    struct sink_msg *);
void		 sink_msg_clear(struct sink_msg *);
/* See struct sink_ops. */
struct sink_call *sink_deliver(struct sink *, const struct alert *,
		    sink_done_cb, void *);
void		 sink_cancel(struct sink *, struct sink_call *);

/*
 * The shared HTTP delivery (sink_http.c) for types that POST what
 * render() made to s->url: 2xx delivered (a 2xx whose body overflowed
 * is still delivered); network errors, 408, 429 and 5xx retried with
 * the answer's Retry-After; any other status permanent.  Whatever of
 * the answer reaches the verdict's detail or the trace has the URL's
 * parts redacted (urlredact.h), and the trace shows the values of
 * sink_http_trace_headers only.
 */
struct sink_call *sink_http_deliver(struct sink *, const struct alert *,
		    sink_done_cb, void *);
void		 sink_http_cancel(struct sink_call *);
/* The verdict for one HTTP answer (NULL: it never started); r (may be
 * NULL) redacts the detail. */
void		 sink_http_verdict(const struct http_response *,
		    const struct urlredact *r, struct sink_result *);
/* The headers whose values a sink's trace shows, NULL-terminated. */
extern const char *const sink_http_trace_headers[];

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

/*
 * type "teams": a Microsoft Teams workflow webhook ("When a Teams
 * webhook request is received"): a message whose one attachment is an
 * Adaptive Card 1.4 with the alert's title, facts and a console link.
 */
extern const struct sink_ops sink_teams_ops;

/*
 * type "sns", key topic_arn = arn:aws:sns:REGION:ACCOUNT:TOPIC: SNS
 * Publish in REGION with the daemon's AWS client.  Subject is
 * "[severity] title", one line of printable ASCII under 100 characters;
 * Message the webhook's JSON form (within 256 KB); MessageAttributes
 * severity and check (String).
 */
extern const struct sink_ops sink_sns_ops;
/* The Subject for an alert into out (at most 100 bytes are used). */
void	sink_sns_subject(const struct alert *, char *out, size_t outlen);

#endif
