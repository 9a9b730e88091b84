/*
 * The dead-man's switch ([daemon] heartbeat_url): an HTTPS POST every
 * interval, sent only while the daemon says it is healthy (its loop
 * runs this timer; the last pass was complete; no check is blind), so
 * an outside service (healthchecks.io style) raises the alarm when the
 * host, the daemon or its view of AWS dies.  The URL is a secret: it
 * reaches no log line.
 */
#ifndef DRIFTWATCH_HEARTBEAT_H
#define DRIFTWATCH_HEARTBEAT_H

struct event_base;
struct http_client;
struct heartbeat;

/* 1 when a ping may go now. */
typedef int	(*heartbeat_healthy_cb)(void *);

struct heartbeat_options {
	const char	*url;		/* copied, wiped at free */
	const char	*ca_file;	/* NULL: the system's trust store */
	unsigned	 interval;	/* seconds */
	heartbeat_healthy_cb healthy;
	void		*arg;
};

/* NULL on allocation failure.  The first tick is one interval away. */
struct heartbeat	*heartbeat_new(struct event_base *,
			    struct http_client *,
			    const struct heartbeat_options *);
/* Cancels a ping in flight; NULL is a no-op. */
void			 heartbeat_free(struct heartbeat *);

#endif
