/*
 * The journal entry of an AWS call that failed after its retries: the
 * service, operation, region, error code and the request id AWS Support
 * can look up, as fields (AWS_REQUEST_ID=...) and in the message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "driftwatch/aws.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"

/*
 * "There is nothing there (yet)" (no password policy, an alternate
 * contact not set, a credential report still being made) is an answer
 * its caller reads as data, not a failure.
 */
static const char *const aws_result_log_answers[] = {
	"ReportNotPresent",	/* GetCredentialReport, before Generate */
	"ReportInProgress",
	"ReportExpired",
	NULL
};

static int
aws_result_log_absent(const struct aws_result *r)
{
	size_t	i;

	if (r->result != DW_EAWS || r->code == NULL || r->status == 403 ||
	    r->status < 400 || r->status > 499)
		return 0;
	for (i = 0; aws_result_log_answers[i] != NULL; i++)
		if (strcmp(r->code, aws_result_log_answers[i]) == 0)
			return 1;
	/* NoSuchEntity, NoSuchConfigurationRecorderException, ...;
	 * ResourceNotFoundException, TrailNotFoundException, ... */
	return strncmp(r->code, "NoSuch", 6) == 0 ||
	    strstr(r->code, "NotFound") != NULL;
}

int
aws_result_log_priority(const struct aws_result *r)
{
	if (r->result == 0 || r->result == DW_ECANCELED ||
	    aws_result_log_absent(r))
		return LOG_DEBUG;
	return LOG_WARNING;
}

void
aws_result_log_at(const struct log_src *src, const struct aws_result *r,
    const char *service, const char *region, const char *op, int quiet)
{
	char			 status[16], attempts[16];
	const struct log_field	 f[] = {
		{ "AWS_SERVICE", service },
		{ "AWS_OPERATION", op },
		{ "AWS_REGION", region },
		{ "AWS_ERROR_CODE", r->code },
		{ "AWS_HTTP_STATUS", r->status != 0 ? status : NULL },
		{ "AWS_REQUEST_ID", r->request_id },
		{ "AWS_ATTEMPTS", attempts },
		{ NULL, NULL }
	};
	int			 prio = quiet ? LOG_DEBUG :
				    aws_result_log_priority(r);

	if (r->result == 0 || r->result == DW_ECANCELED ||
	    (prio == LOG_DEBUG && log_getverbose() < 1))
		return;
	snprintf(status, sizeof(status), "%ld", r->status);
	snprintf(attempts, sizeof(attempts), "%d", r->attempts);
	log_struct_at(src, prio, MSGID_AWS_ERROR, f,
	    "aws: %s %s %s failed after %d attempt(s): %s", service,
	    region ? region : "-", op, r->attempts, aws_result_describe(r));
}
