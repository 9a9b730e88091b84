/*
 * One journal entry per alert: its PRIORITY follows the severity, so
 * `journalctl -p err` shows a root sign-in, and its fields let
 * `journalctl DRIFTWATCH_SEVERITY=critical` or AWS_ACTOR_ARN=... find it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include "driftwatch/alert.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"

int
alert_log_priority(const struct alert *a)
{
	/* good news is worth noting, never an emergency */
	if (a->kind == ALERT_RESOLVE || a->kind == ALERT_SIGHTED)
		return LOG_NOTICE;
	switch (a->severity) {
	case SEV_CRITICAL:	return LOG_CRIT;
	case SEV_HIGH:		return LOG_ERR;
	case SEV_MEDIUM:	return LOG_WARNING;
	case SEV_LOW:		return LOG_NOTICE;
	case SEV_INFO:		break;
	}
	return LOG_INFO;
}

const char *
alert_log_msgid(enum alert_kind kind)
{
	switch (kind) {
	case ALERT_EVENT:	return MSGID_EVENT_ALERT;
	case ALERT_OPEN:	return MSGID_FINDING_OPEN;
	case ALERT_RESOLVE:	return MSGID_FINDING_RESOLVED;
	case ALERT_BLIND:	return MSGID_CHECK_BLIND;
	case ALERT_REMINDER:	return MSGID_REMINDER;
	case ALERT_SIGHTED:	break;
	}
	return MSGID_CHECK_SIGHTED;
}

void
alert_log_at(const struct log_src *src, const struct alert *a)
{
	const struct alert_event	*e = &a->ev;
	const struct log_field		 f[] = {
		{ "DRIFTWATCH_ALERT_ID", a->id },
		{ "DRIFTWATCH_KIND", alert_kind_name(a->kind) },
		{ "DRIFTWATCH_CHECK", a->check },
		{ "DRIFTWATCH_FINDING", a->finding },
		{ "DRIFTWATCH_SEVERITY", severity_name(a->severity) },
		{ "DRIFTWATCH_EXPECTED", a->expected },
		{ "DRIFTWATCH_ACTUAL", a->actual },
		{ "AWS_ACCOUNT_ID", a->account },
		{ "AWS_EVENT_ID", e->event_id },
		{ "AWS_EVENT_NAME", e->event_name },
		{ "AWS_EVENT_SOURCE", e->event_source },
		{ "AWS_EVENT_TIME", e->event_time },
		{ "AWS_REGION", e->region },
		{ "AWS_ACTOR_TYPE", e->actor_type },
		{ "AWS_ACTOR_ARN", e->actor_arn },
		{ "AWS_SOURCE_IP", e->source_ip },
		{ "AWS_USER_AGENT", e->user_agent },
		{ "AWS_EVENT_ERROR_CODE", e->error_code },
		{ NULL, NULL }
	};

	log_struct_at(src, alert_log_priority(a), alert_log_msgid(a->kind), f,
	    "%s alert [%s] %s", alert_kind_name(a->kind),
	    severity_name(a->severity), a->title ? a->title : a->check);
}
