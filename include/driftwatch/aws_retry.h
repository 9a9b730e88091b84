/*
 * The SDK "standard" retry policy: which errors retry, how long to back
 * off, and the client-wide retry token bucket.  Plus a per-call-site
 * rate limiter so an API with a hard rate (CloudTrail LookupEvents, two
 * calls a second) stays under it by construction.
 */
#ifndef DRIFTWATCH_AWS_RETRY_H
#define DRIFTWATCH_AWS_RETRY_H

#include <stddef.h>

#define RETRY_TOKENS_INITIAL	500
#define RETRY_COST		5
#define RETRY_TIMEOUT_COST	10
#define RETRY_NO_RETRY_INCREMENT 1

struct retry_bucket {
	size_t	tokens;
	size_t	capacity;
};

enum retry_class {
	RETRY_NEVER,		/* success, denied, validation, client error */
	RETRY_THROTTLE,
	RETRY_TRANSIENT,	/* 5xx, connection reset */
	RETRY_TIMEOUT,
};

void		 retry_bucket_init(struct retry_bucket *);
/* 1 and the cost taken, or 0 when the bucket cannot pay: do not retry. */
int		 retry_bucket_acquire(struct retry_bucket *, enum retry_class);
void		 retry_bucket_success(struct retry_bucket *, int retried,
		    enum retry_class last);

enum retry_class retry_classify(int result, long status, const char *code,
		    int timed_out);
/* Full jitter: uniform in [0, min(cap, base * 2^attempt)); attempt from 0. */
double		 retry_backoff(int attempt, double base, double cap);

/* Spacing between attempts for one rate-limited API and region. */
struct aws_ratelimit;
struct aws_ratelimit	*aws_ratelimit_new(double per_second);
void			 aws_ratelimit_free(struct aws_ratelimit *);
/* Seconds to wait before the next attempt may start (0 = now); when
 * it returns 0 the slot is taken. */
double			 aws_ratelimit_take(struct aws_ratelimit *, double now);
/* The attempt that took the last slot was answered: the next starts no
 * sooner than one interval from now, so attempts made one at a time are
 * spaced where the server sees them too, whatever the latency. */
void			 aws_ratelimit_done(struct aws_ratelimit *, double now);

#endif
