/*
 * What the chat sinks show of an alert (see sink_text.h).  The facts
 * come from the alert's fields; the summary, written for mail and SNS,
 * repeats them as "Label: value" lines, which a card with a facts table
 * would show twice, so those lines are dropped here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/error.h"
#include "driftwatch/sink_text.h"

/* Summary labels the facts (or a card's check/finding lines) say. */
static const char *const sink_text_said[] = {
	"Who", "What", "Result", "When", "From", "Region", "Event",
	"Check", "Finding", "Expected", "Actual", NULL
};

#define SINK_TEXT_IAM		"https://console.aws.amazon.com/iam/home#/"
#define SINK_TEXT_BILLING	"https://console.aws.amazon.com/billing/home#/"

/* A check id prefix and the console page for it; user: a user's page. */
static const struct sink_text_page {
	const char	*prefix;
	const char	*url;
	int		 user;
} sink_text_pages[] = {
	{ "root.",		SINK_TEXT_IAM "security_credentials", 0 },
	{ "event.root_",	SINK_TEXT_IAM "security_credentials", 0 },
	{ "iam.user_mfa",	SINK_TEXT_IAM "users", 1 },
	{ "iam.unused_credentials", SINK_TEXT_IAM "users", 1 },
	{ "iam.users",		SINK_TEXT_IAM "users", 1 },
	{ "iam.password_policy", SINK_TEXT_IAM "account_settings", 0 },
	{ "iam.",		SINK_TEXT_IAM "home", 0 },
	{ "event.mfa_removed",	SINK_TEXT_IAM "users", 0 },
	{ "event.break_glass",	SINK_TEXT_IAM "users", 0 },
	{ "cloudtrail.",	"https://console.aws.amazon.com/cloudtrail/"
				"home#/trails", 0 },
	{ "event.cloudtrail_",	"https://console.aws.amazon.com/cloudtrail/"
				"home#/trails", 0 },
	{ "config.recorder",	"https://console.aws.amazon.com/config/"
				"home#/settings", 0 },
	{ "config.",		"https://console.aws.amazon.com/config/"
				"home#/rules", 0 },
	{ "event.config_",	"https://console.aws.amazon.com/config/"
				"home#/settings", 0 },
	{ "account.",		SINK_TEXT_BILLING "account", 0 },
	{ "contacts.",		SINK_TEXT_BILLING "account", 0 },
	{ "event.account_",	SINK_TEXT_BILLING "account", 0 },
	{ "tax.",		SINK_TEXT_BILLING "tax", 0 },
};

int
sink_text_good(const struct alert *a)
{
	return a->kind == ALERT_RESOLVE || a->kind == ALERT_SIGHTED;
}

const char *
sink_text_kind(const struct alert *a)
{
	switch (a->kind) {
	case ALERT_EVENT:	return "CloudTrail event";
	case ALERT_OPEN:	return "Drift detected";
	case ALERT_RESOLVE:	return "Resolved";
	case ALERT_BLIND:	return "driftwatch is blind";
	case ALERT_SIGHTED:	return "driftwatch can see again";
	case ALERT_REMINDER:	return "Still open (reminder)";
	}
	return "Alert";
}

static void
sink_facts_add(struct sink_facts *f, const char *label, const char *value)
{
	if (value == NULL || *value == '\0' || f->n >= SINK_TEXT_MAXFACTS)
		return;
	f->f[f->n].label = label;
	f->f[f->n].value = value;
	f->n++;
}

/* "a (b)", "a" or "b" into f->own[i]; NULL when both are. */
static int
sink_facts_pair(struct sink_facts *f, int i, const char *a, const char *b)
{
	int	n;

	if (a != NULL && b != NULL)
		n = asprintf(&f->own[i], "%s (%s)", a, b);
	else if (a != NULL || b != NULL)
		n = asprintf(&f->own[i], "%s", a != NULL ? a : b);
	else
		return 0;
	if (n == -1) {
		f->own[i] = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

static int
sink_facts_event(const struct alert_event *ev, struct sink_facts *f)
{
	if (sink_facts_pair(f, 0, ev->actor_arn, ev->actor_type) != 0 ||
	    sink_facts_pair(f, 1, ev->event_name, ev->event_source) != 0)
		return DW_ENOMEM;
	sink_facts_add(f, "Who", f->own[0]);
	sink_facts_add(f, "Access key", ev->access_key_id);
	sink_facts_add(f, "What", f->own[1]);
	sink_facts_add(f, "Target", ev->target);
	sink_facts_add(f, "Error", ev->error_code);
	sink_facts_add(f, "MFA used", ev->mfa_used);
	sink_facts_add(f, "When", ev->event_time);
	sink_facts_add(f, "Source IP", ev->source_ip);
	sink_facts_add(f, "User agent", ev->user_agent);
	sink_facts_add(f, "Region", ev->region);
	sink_facts_add(f, "Event id", ev->event_id);
	return 0;
}

int
sink_facts_make(const struct alert *a, struct sink_facts *f)
{
	memset(f, 0, sizeof(*f));
	if (a->kind == ALERT_EVENT && sink_facts_event(&a->ev, f) != 0) {
		sink_facts_free(f);
		return DW_ENOMEM;
	}
	sink_facts_add(f, "Expected", a->expected);
	sink_facts_add(f, "Actual", a->actual);
	return 0;
}

void
sink_facts_free(struct sink_facts *f)
{
	size_t	i;

	for (i = 0; i < sizeof(f->own) / sizeof(f->own[0]); i++)
		free(f->own[i]);
	memset(f, 0, sizeof(*f));
}

/* 1 when the line of len bytes is "Label: ..." for a label facts say. */
static int
sink_text_is_said(const char *line, size_t len)
{
	size_t	i, n;

	for (i = 0; sink_text_said[i] != NULL; i++) {
		n = strlen(sink_text_said[i]);
		if (len > n && strncmp(line, sink_text_said[i], n) == 0 &&
		    line[n] == ':')
			return 1;
	}
	return 0;
}

/* Appends len bytes of line and a newline to out at *o. */
static void
sink_text_put(char *out, size_t *o, const char *line, size_t len)
{
	if (*o > 0)
		out[(*o)++] = '\n';
	memcpy(out + *o, line, len);
	*o += len;
	out[*o] = '\0';
}

/*
 * An event's "Event: <id>; also <rule>" line says one thing the facts
 * do not: the second rule the event matched.
 */
static void
sink_text_also(char *out, size_t *o, const char *line, size_t len)
{
	static const char	 tag[] = "; also ";
	const char		*p;
	size_t			 n;

	if (len < 6 || strncmp(line, "Event:", 6) != 0)
		return;
	for (p = line; p + sizeof(tag) - 1 <= line + len; p++)
		if (strncmp(p, tag, sizeof(tag) - 1) == 0) {
			p += sizeof(tag) - 1;
			n = (size_t)(line + len - p);
			sink_text_put(out, o, "Also: ", 6);
			memcpy(out + *o, p, n);
			*o += n;
			out[*o] = '\0';
			return;
		}
}

char *
sink_text_summary(const struct alert *a)
{
	const char	*s = a->summary != NULL ? a->summary : "", *nl;
	char		*out;
	size_t		 o = 0, len;

	/* "Also: " is no longer than the "Event: x; also " it replaces */
	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	*out = '\0';
	for (; *s != '\0'; s = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		len = (size_t)(nl - s);
		if (len == 0)
			continue;
		if (!sink_text_is_said(s, len))
			sink_text_put(out, &o, s, len);
		else if (a->kind == ALERT_EVENT)
			sink_text_also(out, &o, s, len);
	}
	return out;
}

/* The resource part of the finding key ("iam.user_mfa/alice"). */
static const char *
sink_text_resource(const struct alert *a)
{
	size_t	n;

	if (a->finding == NULL || a->check == NULL)
		return NULL;
	n = strlen(a->check);
	if (strncmp(a->finding, a->check, n) != 0 || a->finding[n] != '/' ||
	    a->finding[n + 1] == '\0')
		return NULL;
	return a->finding + n + 1;
}

/* An IAM user name percent-encoded for a URL fragment; 0 or -1. */
static int
sink_text_user_url(const char *base, const char *user, char *buf,
    size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 o;
	unsigned char		 c;

	if ((o = (size_t)snprintf(buf, len, "%s/details/", base)) >= len)
		return -1;
	for (; *user != '\0' && o + 4 < len; user++) {
		c = (unsigned char)*user;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 0xf];
		}
	}
	if (*user != '\0' || (size_t)snprintf(buf + o, len - o,
	    "?section=security_credentials") >= len - o)
		return -1;
	return 0;
}

const char *
sink_text_console_url(const struct alert *a, char *buf, size_t len)
{
	const struct sink_text_page	*p;
	const char			*user;
	size_t				 i;

	if (a->check == NULL || a->kind == ALERT_BLIND ||
	    a->kind == ALERT_SIGHTED)
		return NULL;
	for (i = 0; i < sizeof(sink_text_pages) / sizeof(*p); i++) {
		p = &sink_text_pages[i];
		if (strncmp(a->check, p->prefix, strlen(p->prefix)) != 0)
			continue;
		user = p->user ? sink_text_resource(a) : NULL;
		if (user != NULL && sink_text_user_url(p->url, user, buf,
		    len) == 0)
			return buf;
		if ((size_t)snprintf(buf, len, "%s", p->url) >= len)
			return NULL;
		return buf;
	}
	return NULL;
}
