/*
 * Sinks: the backend table, construction, and the severity filter.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "driftwatch/error.h"
#include "driftwatch/sink.h"
#include "driftwatch/secret.h"

static const struct sink_ops *const sink_backends[] = {
	&sink_webhook_ops,
	&sink_slack_ops,
};

static const struct sink_ops *
sink_find_ops(const char *type)
{
	size_t	i;

	for (i = 0; i < sizeof(sink_backends) / sizeof(sink_backends[0]); i++)
		if (strcmp(sink_backends[i]->type, type) == 0)
			return sink_backends[i];
	return NULL;
}

int
sink_name_valid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return 0;
	return i > 0 && i <= SINK_NAME_MAX;
}

static int
sink_dup(char **dst, const char *s)
{
	if (s == NULL)
		return 0;
	return (*dst = strdup(s)) == NULL ? DW_ENOMEM : 0;
}

struct sink *
sink_new(const char *name, const char *type, const char *url,
    const char *secret, enum severity min, long timeout_ms,
    const char *ca_file, char *err, size_t errlen)
{
	struct sink	*s;

	if (name == NULL || !sink_name_valid(name)) {
		snprintf(err, errlen, "sink name must be 1-%d of "
		    "[A-Za-z0-9_-]", SINK_NAME_MAX);
		return NULL;
	}
	if (type == NULL || sink_find_ops(type) == NULL) {
		snprintf(err, errlen, "sink %s: unknown type", name);
		return NULL;
	}
	if (url == NULL || *url == '\0') {
		snprintf(err, errlen, "sink %s: no url", name);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	s->ops = sink_find_ops(type);
	s->min_severity = min;
	s->timeout_ms = timeout_ms;
	if (sink_dup(&s->name, name) != 0 || sink_dup(&s->url, url) != 0 ||
	    sink_dup(&s->secret, secret) != 0 ||
	    sink_dup(&s->ca_file, ca_file) != 0)
		goto nomem;
	return s;
nomem:
	sink_free(s);
	snprintf(err, errlen, "sink %s: out of memory", name);
	return NULL;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	secret_free(s->url);
	secret_free(s->secret);
	free(s->name);
	free(s->ca_file);
	free(s);
}

int
sink_wants(const struct sink *s, const struct alert *a)
{
	return a->severity >= s->min_severity;
}

int
sink_render(const struct sink *s, const struct alert *a,
    struct sink_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	return s->ops->render(s, a, msg);
}

void
sink_msg_clear(struct sink_msg *msg)
{
	size_t	i;

	free(msg->body);
	for (i = 0; i < SINK_MAX_HEADERS; i++)
		free(msg->extra_headers[i]);
	memset(msg, 0, sizeof(*msg));
}
