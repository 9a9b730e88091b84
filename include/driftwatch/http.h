/*
 * HTTP over libcurl's multi interface, driven by the libevent loop.
 * Nothing here blocks.  A transfer is started with http_send() and its
 * callback runs exactly once, from the loop, unless it is cancelled.
 *
 * curl_global_init(CURL_GLOBAL_DEFAULT) is the caller's job: main() (or
 * a test) calls it once, before any thread exists and before the first
 * http_client_new().
 *
 * The callback may start or cancel transfers, free its own state, or
 * free the client.  The response and everything it points to live only
 * until the callback returns, and so does the transfer: don't cancel it
 * afterwards.
 */
#ifndef DRIFTWATCH_HTTP_H
#define DRIFTWATCH_HTTP_H

#include <stddef.h>

struct event_base;
struct http_client;
struct http_xfer;
struct urlredact;

#define HTTP_DEFAULT_TIMEOUT_MS		30000
#define HTTP_DEFAULT_CONNECT_MS		10000
#define HTTP_DEFAULT_MAX_RESPONSE	(8u * 1024 * 1024)
#define HTTP_WANT_MAX			8	/* response headers asked for */
#define HTTP_RETRY_AFTER_MAX		(366L * 86400)	/* what a long holds */

struct http_request {
	const char		*method;	/* "GET", "POST", ... */
	const char		*url;		/* may hold a secret token: never logged */
	const char *const	*headers;	/* "Name: value", NULL-terminated */
	const void		*body;
	size_t			 body_len;
	const char		*ca_file;	/* NULL: the system's trust store */
	long			 timeout_ms;	/* 0: HTTP_DEFAULT_TIMEOUT_MS */
	long			 connect_timeout_ms;
	size_t			 max_response;	/* 0: HTTP_DEFAULT_MAX_RESPONSE */
	const char		*log_name;	/* names the transfer in logs */
	/*
	 * Response headers the caller reads, by name (any case),
	 * NULL-terminated, at most HTTP_WANT_MAX; the strings must
	 * outlive the transfer.  Their values come back in
	 * http_response.wanted[], in the same order.
	 */
	const char *const	*want_headers;
	/*
	 * For URLs that hold a token (sinks); both borrowed, outliving
	 * the transfer.  trace_headers: the only headers (any case,
	 * NULL-terminated) whose values the trace shows; NULL shows all
	 * but credentials.  redact: applied to every trace line and to
	 * curl's reason in http_response.error.
	 */
	const char *const	*trace_headers;
	const struct urlredact	*redact;
};

struct http_response {
	int		 result;	/* 0, DW_ENET, DW_ETOOBIG or DW_ENOMEM */
	long		 status;	/* HTTP status; 0 when none arrived */
	char		*body;		/* NUL-terminated; never NULL on success */
	size_t		 body_len;
	char		*request_id;	/* x-amzn-RequestId or x-amz-request-id */
	char		*content_type;
	int		 timed_out;
	/* Retry-After in seconds from now (an HTTP-date is counted from
	 * the answer's Date, else the host clock); -1 when absent or
	 * unreadable; at most HTTP_RETRY_AFTER_MAX. */
	long		 retry_after;
	char		 error[256];	/* curl's reason when result != 0 */
	double		 elapsed;	/* seconds */
	const char *const *wanted_names;	/* the request's want_headers */
	char		*wanted[HTTP_WANT_MAX];	/* their values, or NULL */
};

/* The value of a header asked for in want_headers, or NULL. */
const char		*http_response_header(const struct http_response *,
			    const char *name);

typedef void	(*http_cb)(const struct http_response *, void *);

struct http_client	*http_client_new(struct event_base *);
/* Cancels every transfer still in flight, without calling back. */
void			 http_client_free(struct http_client *);
size_t			 http_client_active(const struct http_client *);

/* NULL when the transfer could not be set up (the reason is logged). */
struct http_xfer	*http_send(struct http_client *,
			    const struct http_request *, http_cb, void *);
/* Stops a transfer; its callback will not run.  NULL is a no-op. */
void			 http_xfer_cancel(struct http_xfer *);

#endif
