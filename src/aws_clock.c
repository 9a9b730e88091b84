/*
 * AWS's clock, as the SDKs keep it: the offset between the host clock
 * and the Date header of AWS's answers.  A host whose clock is off by
 * more than AWS's 15 minutes would otherwise be refused every request;
 * with the offset it signs with AWS's time and asks CloudTrail for the
 * windows AWS means.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "driftwatch/aws.h"

/* Date has whole seconds and the answer took time to arrive: only a
 * difference larger than this moves the offset. */
#define AWS_CLOCK_SLACK		5

static const char *const aws_clock_skew_codes[] = {
	"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture",
	"InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure",
	NULL
};

int
aws_clock_update(long *offset, const char *date, time_t now)
{
	time_t	t;
	long	o;

	if (date == NULL || (t = curl_getdate(date, NULL)) == -1)
		return 0;
	o = (long)(t - now);
	if (labs(o - *offset) <= AWS_CLOCK_SLACK)
		return 0;
	*offset = o;
	return 1;
}

int
aws_clock_skew_error(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && aws_clock_skew_codes[i] != NULL; i++)
		if (strcmp(code, aws_clock_skew_codes[i]) == 0)
			return 1;
	return 0;
}
