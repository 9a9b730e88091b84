/*
 * SDK "standard" retry mode and a simple rate limiter.
 *
 * The policy follows the AWS SDKs' shared specification: at most three
 * attempts, full-jitter exponential backoff capped at 20 seconds, and a
 * client-wide token bucket so a broken endpoint cannot turn every call
 * into three.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "driftwatch/aws_retry.h"
#include "driftwatch/error.h"

struct aws_ratelimit {
	double	interval;	/* seconds between attempt starts */
	double	next;		/* earliest start of the next attempt */
};

static const char *retry_throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottledException", "TooManyRequestsException",
	"ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded",
	"BandwidthLimitExceeded", "LimitExceededException",
	"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException", NULL
};

static const char *retry_transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "InternalError",
	"InternalFailure", "ServiceUnavailable", "IDPCommunicationError",
	NULL
};

void
retry_bucket_init(struct retry_bucket *b)
{
	b->tokens = b->capacity = RETRY_TOKENS_INITIAL;
}

static size_t
retry_cost(enum retry_class c)
{
	return c == RETRY_TIMEOUT ? RETRY_TIMEOUT_COST : RETRY_COST;
}

int
retry_bucket_acquire(struct retry_bucket *b, enum retry_class c)
{
	size_t	cost = retry_cost(c);

	if (b->tokens < cost)
		return 0;
	b->tokens -= cost;
	return 1;
}

void
retry_bucket_success(struct retry_bucket *b, int retried,
    enum retry_class last)
{
	b->tokens += retried ? retry_cost(last) : RETRY_NO_RETRY_INCREMENT;
	if (b->tokens > b->capacity)
		b->tokens = b->capacity;
}

static int
retry_code_in(const char *code, const char **list)
{
	for (; *list != NULL; list++)
		if (strcmp(code, *list) == 0)
			return 1;
	return 0;
}

enum retry_class
retry_classify(int result, long status, const char *code, int timed_out)
{
	if (result == 0)
		return RETRY_NEVER;
	if (timed_out)
		return RETRY_TIMEOUT;
	if (result == DW_ENET)
		return RETRY_TRANSIENT;
	if (code != NULL && retry_code_in(code, retry_throttle_codes))
		return RETRY_THROTTLE;
	if (status == 429)
		return RETRY_THROTTLE;
	if (code != NULL && retry_code_in(code, retry_transient_codes))
		return RETRY_TRANSIENT;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return RETRY_TRANSIENT;
	return RETRY_NEVER;
}

double
retry_backoff(int attempt, double base, double cap)
{
	uint32_t	r = 0;
	double		max;

	if (attempt > 30)
		attempt = 30;
	max = fmin(cap, base * ldexp(1.0, attempt));
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint32_t)random();
	return max * ((double)r / 4294967296.0);
}

struct aws_ratelimit *
aws_ratelimit_new(double per_second)
{
	struct aws_ratelimit	*rl;

	if (per_second <= 0)
		return NULL;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	rl->interval = 1.0 / per_second;
	return rl;
}

void
aws_ratelimit_free(struct aws_ratelimit *rl)
{
	free(rl);
}

double
aws_ratelimit_take(struct aws_ratelimit *rl, double now)
{
	if (rl == NULL)
		return 0;
	if (now < rl->next)
		return rl->next - now;
	rl->next = now + rl->interval;
	return 0;
}

void
aws_ratelimit_done(struct aws_ratelimit *rl, double now)
{
	if (rl != NULL && rl->next < now + rl->interval)
		rl->next = now + rl->interval;
}
