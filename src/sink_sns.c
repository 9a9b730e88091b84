/*
 * SNS topics: Publish over the Query protocol with the daemon's AWS
 * client (signed with its current credentials), in the topic's own
 * region.  The Subject is one line of printable ASCII under 100
 * characters; the Message is the webhook's JSON form (at most 256 KB);
 * MessageAttributes "severity" and "check" let subscriptions filter.
 * Throttling and 5xx are retried; a refusal (AuthorizationError,
 * NotFound, InvalidParameter, ...) is permanent and logged naming the
 * topic, never a credential.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"
#include "driftwatch/region.h"
#include "driftwatch/sink.h"

#define SNS_SUBJECT_MAX		99		/* "less than 100" */
#define SNS_MESSAGE_MAX		(256 * 1024)	/* with the attributes */
#define SNS_TOPIC_MAX		256
#define SNS_NPARAMS		9

struct sink_sns {
	char	*topic_arn;
	char	 region[64];
};

struct sink_call {
	struct sink		*s;
	struct aws_call		*call;
	sink_done_cb		 cb;
	void			*arg;
};

/* "arn:PARTITION:sns:REGION:ACCOUNT:TOPIC": region into region[64]. */
static int
sink_sns_parse(const char *arn, char *region, size_t rlen, char *why,
    size_t whylen)
{
	const char	*p = arn, *f[6];
	size_t		 i, n, len[6];

	for (i = 0; i < 6; i++) {
		f[i] = p;
		n = i < 5 ? strcspn(p, ":") : strlen(p);
		len[i] = n;
		if (i < 5 && p[n] != ':')
			goto bad;
		p += n + 1;
	}
	if (len[0] != 3 || strncmp(f[0], "arn", 3) != 0 ||
	    !(len[1] == 3 || (len[1] > 4 && strncmp(f[1], "aws-", 4) == 0)) ||
	    strncmp(f[1], "aws", 3) != 0 ||
	    len[2] != 3 || strncmp(f[2], "sns", 3) != 0 ||
	    len[3] == 0 || len[3] >= rlen || len[4] != 12 ||
	    strspn(f[4], "0123456789") < 12 || len[5] == 0 ||
	    len[5] > SNS_TOPIC_MAX || strspn(f[5], "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != len[5])
		goto bad;
	memcpy(region, f[3], len[3]);
	region[len[3]] = '\0';
	if (!region_valid(region))
		goto bad;
	return 0;
bad:
	snprintf(why, whylen, "expected arn:aws:sns:REGION:ACCOUNT:TOPIC");
	return -1;
}

static int
sink_sns_check(const char *key, const char *value, char *why, size_t whylen)
{
	char	region[64];

	if (strcmp(key, "topic_arn") != 0)
		return 0;
	return sink_sns_parse(value, region, sizeof(region), why, whylen);
}

static void
sink_sns_free(struct sink *s)
{
	struct sink_sns	*sns = s->priv;

	if (sns == NULL)
		return;
	free(sns->topic_arn);
	free(sns);
	s->priv = NULL;
}

static int
sink_sns_init(struct sink *s, const struct sink_spec *sp)
{
	struct sink_sns	*sns;
	const char	*arn = sink_spec_opt(sp, "topic_arn");
	char		 why[128];

	if (arn == NULL || (sns = calloc(1, sizeof(*sns))) == NULL)
		return DW_ENOMEM;
	s->priv = sns;
	if ((sns->topic_arn = strdup(arn)) == NULL)
		return DW_ENOMEM;
	if (sink_sns_parse(arn, sns->region, sizeof(sns->region), why,
	    sizeof(why)) != 0)
		return DW_EINVAL;
	return 0;
}

/*
 * One line of printable ASCII, starting with a letter, digit or
 * punctuation mark, at most SNS_SUBJECT_MAX characters.
 */
void
sink_sns_subject(const struct alert *a, char *out, size_t outlen)
{
	const char	*t = a->title != NULL ? a->title : a->check;
	char		 raw[512];
	size_t		 i, o = 0, max = outlen - 1;

	if (max > SNS_SUBJECT_MAX)
		max = SNS_SUBJECT_MAX;
	snprintf(raw, sizeof(raw), "[%s] %s", severity_name(a->severity),
	    t != NULL ? t : "driftwatch alert");
	for (i = 0; raw[i] != '\0' && o < max; i++) {
		if (raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t')
			out[o++] = ' ';
		else if (raw[i] >= 0x20 && raw[i] < 0x7f)
			out[o++] = raw[i];
	}
	out[o] = '\0';
	if (o > 3 && raw[i] != '\0')
		memcpy(out + o - 3, "...", 3);
}

/* The webhook's JSON form; a short one when that would be too long. */
static char *
sink_sns_message(const struct alert *a, size_t room)
{
	struct json_object	*o;
	const char		*s;
	char			*out = NULL;
	size_t			 len = 0;

	if ((o = alert_to_json(a)) == NULL)
		return NULL;
	json_object_object_add(o, "source",
	    json_object_new_string("driftwatch"));
	json_object_object_add(o, "version", json_object_new_int(1));
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s != NULL && len > room) {
		json_object_object_del(o, "summary");
		json_object_object_del(o, "expected");
		json_object_object_del(o, "actual");
		json_object_object_del(o, "event");
		json_object_object_del(o, "findings");
		s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	}
	if (s != NULL && len <= room)
		out = strdup(s);
	json_object_put(o);
	return out;
}

static void
sink_sns_verdict(const struct sink *s, const struct aws_result *res,
    struct sink_result *out)
{
	const struct sink_sns	*sns = s->priv;
	const char		*code = res->code != NULL ? res->code : "";

	memset(out, 0, sizeof(*out));
	out->retry_after = -1;
	snprintf(out->detail, sizeof(out->detail), "SNS topic %s: %s",
	    sns->topic_arn, res->result == 0 ? "published" :
	    aws_result_describe(res));
	if (res->result == 0)
		out->verdict = SINK_DELIVERED;
	else if (res->result == DW_ENET || res->result == DW_ETHROTTLED ||
	    res->result == DW_ECREDS || res->status == 0 ||
	    res->status >= 500 || res->status == 429 ||
	    strcmp(code, "Throttling") == 0 || strcmp(code, "Throttled") == 0 ||
	    strcmp(code, "ThrottlingException") == 0 ||
	    strcmp(code, "KMSThrottling") == 0)
		out->verdict = SINK_RETRY;
	else
		out->verdict = SINK_PERMANENT;
}

static void
sink_sns_refused(const struct sink *s, const struct sink_result *r)
{
	const struct sink_sns	*sns = s->priv;
	const struct log_field	 fields[] = {
		{ "DRIFTWATCH_SINK", s->name },
		{ "SNS_TOPIC_ARN", sns->topic_arn },
		{ NULL, NULL }
	};

	log_struct(LOG_ERR, MSGID_ALERT_DEAD, fields, "sink %s: SNS refused "
	    "to publish to topic %s (%s); check the topic and the daemon's "
	    "sns:Publish permission; the alert is kept in outbox/dead",
	    s->name, sns->topic_arn, r->detail);
}

static void
sink_sns_done(const struct aws_result *res, void *arg)
{
	struct sink_call	*c = arg;
	struct sink_result	 r;
	sink_done_cb		 cb = c->cb;
	void			*cbarg = c->arg;

	sink_sns_verdict(c->s, res, &r);
	if (r.verdict == SINK_PERMANENT)
		sink_sns_refused(c->s, &r);
	free(c);
	cb(&r, cbarg);
}

static struct sink_call *
sink_sns_deliver(struct sink *s, const struct alert *a, sink_done_cb cb,
    void *arg)
{
	const struct sink_sns	*sns = s->priv;
	struct aws_param	 p[SNS_NPARAMS];
	struct sink_call	*c = NULL;
	const char		*sev = severity_name(a->severity);
	const char		*check = a->check != NULL ? a->check : "-";
	char			 subject[SNS_SUBJECT_MAX + 1], *msg;
	size_t			 n = 0, room;

	if (s->env.aws == NULL)
		return NULL;
	room = SNS_MESSAGE_MAX - strlen("severity") - strlen("check") -
	    2 * strlen("String") - strlen(sev) - strlen(check);
	sink_sns_subject(a, subject, sizeof(subject));
	if ((msg = sink_sns_message(a, room)) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		goto out;
	c->s = s;
	c->cb = cb;
	c->arg = arg;
	p[n++] = (struct aws_param){ "TopicArn", sns->topic_arn };
	p[n++] = (struct aws_param){ "Subject", subject };
	p[n++] = (struct aws_param){ "Message", msg };
	p[n++] = (struct aws_param){ "MessageAttributes.entry.1.Name",
	    "severity" };
	p[n++] = (struct aws_param){ "MessageAttributes.entry.1.Value.DataType",
	    "String" };
	p[n++] = (struct aws_param){
	    "MessageAttributes.entry.1.Value.StringValue", sev };
	p[n++] = (struct aws_param){ "MessageAttributes.entry.2.Name", "check" };
	p[n++] = (struct aws_param){ "MessageAttributes.entry.2.Value.DataType",
	    "String" };
	p[n++] = (struct aws_param){
	    "MessageAttributes.entry.2.Value.StringValue", check };
	c->call = aws_query(s->env.aws, &aws_service_sns, sns->region,
	    "Publish", p, n, sink_sns_done, c);
	if (c->call == NULL) {
		free(c);
		c = NULL;
	}
out:
	free(msg);
	return c;
}

static void
sink_sns_cancel(struct sink_call *c)
{
	if (c == NULL)
		return;
	aws_call_cancel(c->call);
	free(c);
}

static const char *const sink_sns_keys[] = { "topic_arn", NULL };

const struct sink_ops sink_sns_ops = {
	.type = "sns",
	.keys = sink_sns_keys,
	.required = sink_sns_keys,
	.check = sink_sns_check,
	.init = sink_sns_init,
	.free = sink_sns_free,
	.deliver = sink_sns_deliver,
	.cancel = sink_sns_cancel,
};
