/*
 * Sinks: the backend table, construction from a spec, the severity
 * and kind filter, and dispatch to a backend's render and deliver.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/error.h"
#include "driftwatch/secret.h"
#include "driftwatch/sink.h"
#include "driftwatch/urlredact.h"

static const struct sink_ops *const sink_backends[] = {
	&sink_webhook_ops,
	&sink_slack_ops,
	&sink_teams_ops,
	&sink_sns_ops,
};

#define SINK_NBACKENDS	(sizeof(sink_backends) / sizeof(sink_backends[0]))

const struct sink_ops *
sink_ops_find(const char *type)
{
	size_t	i;

	for (i = 0; type != NULL && i < SINK_NBACKENDS; i++)
		if (strcmp(sink_backends[i]->type, type) == 0)
			return sink_backends[i];
	return NULL;
}

/* "a", "a or b", "a, b or c" from the names pick() accepts. */
static void
sink_join(char *buf, size_t len, const char *key,
    int (*pick)(const struct sink_ops *, const char *))
{
	size_t	i, n = 0, k = 0, o = 0;

	for (i = 0; i < SINK_NBACKENDS; i++)
		n += pick(sink_backends[i], key);
	*buf = '\0';
	for (i = 0; i < SINK_NBACKENDS && o < len; i++) {
		if (!pick(sink_backends[i], key))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    k == 0 ? "" : k + 1 == n ? " or " : ", ",
		    sink_backends[i]->type);
		k++;
	}
}

static int
sink_any(const struct sink_ops *ops, const char *key)
{
	(void)ops;
	(void)key;
	return 1;
}

void
sink_type_list(char *buf, size_t len)
{
	sink_join(buf, len, NULL, sink_any);
}

int
sink_ops_takes(const struct sink_ops *ops, const char *key)
{
	size_t	i;

	for (i = 0; ops->keys != NULL && ops->keys[i] != NULL; i++)
		if (strcmp(ops->keys[i], key) == 0)
			return 1;
	return 0;
}

void
sink_key_types(const char *key, char *buf, size_t len)
{
	sink_join(buf, len, key, sink_ops_takes);
}

int
sink_key_known(const char *key)
{
	size_t	i;

	for (i = 0; i < SINK_NBACKENDS; i++)
		if (sink_ops_takes(sink_backends[i], key))
			return 1;
	return 0;
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

const char *
sink_spec_opt(const struct sink_spec *sp, const char *key)
{
	size_t	i;

	if (strcmp(key, "url") == 0)
		return sp->url;
	if (strcmp(key, "secret") == 0)
		return sp->secret;
	for (i = 0; i < sp->nopts; i++)
		if (strcmp(sp->opts[i].key, key) == 0)
			return sp->opts[i].value;
	return NULL;
}

static int
sink_dup(char **dst, const char *s)
{
	if (s == NULL)
		return 0;
	return (*dst = strdup(s)) == NULL ? DW_ENOMEM : 0;
}

/* The spec against its type's table; 0 or -1 with err filled. */
static int
sink_spec_check(const struct sink_spec *sp, const struct sink_ops *ops,
    char *err, size_t errlen)
{
	const char	*v;
	char		 why[128];
	size_t		 i;

	for (i = 0; ops->required != NULL && ops->required[i] != NULL; i++)
		if (sink_spec_opt(sp, ops->required[i]) == NULL) {
			snprintf(err, errlen, "sink %s: no %s", sp->name,
			    ops->required[i]);
			return -1;
		}
	for (i = 0; i < sp->nopts; i++) {
		v = sp->opts[i].value;
		if (!sink_ops_takes(ops, sp->opts[i].key) ||
		    (ops->check != NULL &&
		    ops->check(sp->opts[i].key, v, why, sizeof(why)) != 0)) {
			snprintf(err, errlen, "sink %s: %s is not usable",
			    sp->name, sp->opts[i].key);
			return -1;
		}
	}
	return 0;
}

struct sink *
sink_new(const struct sink_spec *sp, const struct sink_env *env, char *err,
    size_t errlen)
{
	const struct sink_ops	*ops;
	struct sink		*s;

	if (sp->name == NULL || !sink_name_valid(sp->name)) {
		snprintf(err, errlen, "sink name must be 1-%d of "
		    "[A-Za-z0-9_-]", SINK_NAME_MAX);
		return NULL;
	}
	if ((ops = sink_ops_find(sp->type)) == NULL) {
		snprintf(err, errlen, "sink %s: unknown type", sp->name);
		return NULL;
	}
	if (sink_spec_check(sp, ops, err, errlen) != 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	s->ops = ops;
	s->min_severity = sp->min_severity;
	s->kinds = sp->kinds != 0 ? sp->kinds : SINK_KINDS_ALL;
	s->timeout_ms = sp->timeout_ms;
	s->env = *env;
	if (sink_dup(&s->name, sp->name) != 0 ||
	    sink_dup(&s->url, sp->url) != 0 ||
	    (s->url != NULL && (s->redact = urlredact_new(s->url)) == NULL) ||
	    sink_dup(&s->secret, sp->secret) != 0 ||
	    (ops->init != NULL && ops->init(s, sp) != 0))
		goto nomem;
	return s;
nomem:
	sink_free(s);
	snprintf(err, errlen, "sink %s: out of memory", sp->name);
	return NULL;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	if (s->ops != NULL && s->ops->free != NULL)
		s->ops->free(s);
	secret_free(s->url);
	urlredact_free(s->redact);
	secret_free(s->secret);
	free(s->name);
	free(s);
}

int
sink_wants(const struct sink *s, const struct alert *a)
{
	unsigned	k = sink_kind_of(a);
	unsigned	takes = s->kinds != 0 ? s->kinds : SINK_KINDS_ALL;

	if (a->severity < s->min_severity)
		return 0;
	return k != 0 ? (takes & k) != 0 : takes == SINK_KINDS_ALL;
}

int
sink_render(const struct sink *s, const struct alert *a,
    struct sink_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	if (s->ops->render == NULL)
		return DW_EINVAL;
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

struct sink_call *
sink_deliver(struct sink *s, const struct alert *a, sink_done_cb cb,
    void *arg)
{
	return s->ops->deliver(s, a, cb, arg);
}

void
sink_cancel(struct sink *s, struct sink_call *c)
{
	if (c != NULL)
		s->ops->cancel(c);
}
