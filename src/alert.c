/*
 * Alerts: names for severities and kinds, ids, and the JSON form that
 * the outbox stores and the generic webhook sends.
 *
 * The JSON form, stable across versions (absent or NULL strings are
 * left out; readers must ignore keys they do not know):
 *
 *	{ "id": "dw-<32 hex>",
 *	  "kind": "event|open|resolve|blind|sighted|reminder",
 *	  "severity": "info|low|medium|high|critical",
 *	  "check": "...", "finding": "...", "account": "123456789012",
 *	  "title": "...", "summary": "...", "expected": "...",
 *	  "actual": "...", "checks": "a.b c.d", "correlation": "...",
 *	  "time": "2024-05-01T12:00:00Z",
 *	  "event": { "event_id", "event_name", "event_source",
 *	             "event_time", "region", "actor_type", "actor_arn",
 *	             "access_key_id", "source_ip", "user_agent", "target",
 *	             "error_code", "mfa_used" } }
 *
 * "event" appears only when one of its fields is set.  A reminder
 * also carries "findings": [ { "finding", "check", "title",
 * "severity", "open_since": "<ISO 8601>", "age_seconds": N } ], the
 * age counted at "time".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "driftwatch/alert.h"
#include "driftwatch/error.h"

#define ALERT_HEX_BYTES	16	/* 32 hex digits */

struct alert_field {
	const char	*key;
	size_t		 off;
};

static const struct alert_field alert_fields[] = {
	{ "check",	offsetof(struct alert, check) },
	{ "finding",	offsetof(struct alert, finding) },
	{ "account",	offsetof(struct alert, account) },
	{ "title",	offsetof(struct alert, title) },
	{ "summary",	offsetof(struct alert, summary) },
	{ "expected",	offsetof(struct alert, expected) },
	{ "actual",	offsetof(struct alert, actual) },
	{ "checks",	offsetof(struct alert, checks) },
	{ "correlation", offsetof(struct alert, correlation) },
	{ NULL,		0 }
};

static const struct alert_field alert_event_fields[] = {
	{ "event_id",		offsetof(struct alert_event, event_id) },
	{ "event_name",		offsetof(struct alert_event, event_name) },
	{ "event_source",	offsetof(struct alert_event, event_source) },
	{ "event_time",		offsetof(struct alert_event, event_time) },
	{ "region",		offsetof(struct alert_event, region) },
	{ "actor_type",		offsetof(struct alert_event, actor_type) },
	{ "actor_arn",		offsetof(struct alert_event, actor_arn) },
	{ "access_key_id",	offsetof(struct alert_event, access_key_id) },
	{ "source_ip",		offsetof(struct alert_event, source_ip) },
	{ "user_agent",		offsetof(struct alert_event, user_agent) },
	{ "target",		offsetof(struct alert_event, target) },
	{ "error_code",		offsetof(struct alert_event, error_code) },
	{ "mfa_used",		offsetof(struct alert_event, mfa_used) },
	{ NULL,			0 }
};

static const char *const severity_names[] = {
	"info", "low", "medium", "high", "critical"
};

static const char *const alert_kind_names[] = {
	"event", "open", "resolve", "blind", "sighted", "reminder"
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static char **
alert_field_ptr(void *base, const struct alert_field *f)
{
	return (char **)(void *)((char *)base + f->off);
}

static const char *
alert_field_get(const void *base, const struct alert_field *f)
{
	return *(char *const *)(const void *)((const char *)base + f->off);
}

const char *
severity_name(enum severity s)
{
	if ((size_t)s >= NITEMS(severity_names))
		return "unknown";
	return severity_names[s];
}

static int
alert_name_index(const char *const *names, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

int
severity_parse(const char *s, enum severity *out)
{
	int	i;

	if ((i = alert_name_index(severity_names, NITEMS(severity_names),
	    s)) < 0)
		return DW_EINVAL;
	*out = (enum severity)i;
	return 0;
}

const char *
alert_kind_name(enum alert_kind k)
{
	if ((size_t)k >= NITEMS(alert_kind_names))
		return "unknown";
	return alert_kind_names[k];
}

static void
alert_hex(const unsigned char *p, size_t n, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

struct alert *
alert_new(enum alert_kind kind, enum severity sev)
{
	struct alert	*a;
	unsigned char	 rnd[ALERT_HEX_BYTES];
	char		 hex[2 * ALERT_HEX_BYTES + 1];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	alert_hex(rnd, sizeof(rnd), hex);
	snprintf(a->id, sizeof(a->id), "dw-%s", hex);
	a->kind = kind;
	a->severity = sev;
	a->time = time(NULL);
	return a;
}

static void
alert_free_fields(void *base, const struct alert_field *f)
{
	for (; f->key != NULL; f++)
		free(*alert_field_ptr(base, f));
}

static void
alert_items_free(struct alert *a)
{
	size_t	i;

	for (i = 0; i < a->nitems; i++) {
		free(a->items[i].finding);
		free(a->items[i].check);
		free(a->items[i].title);
	}
	free(a->items);
	a->items = NULL;
	a->nitems = 0;
}

void
alert_free(struct alert *a)
{
	if (a == NULL)
		return;
	if (a->durable_cb != NULL)
		a->durable_cb(DW_ECANCELED, a->durable_arg);
	alert_free_fields(a, alert_fields);
	alert_free_fields(&a->ev, alert_event_fields);
	alert_items_free(a);
	free(a);
}

int
alert_add_item(struct alert *a, const struct alert_item *it)
{
	struct alert_item	*v, *n;

	if (a->nitems >= ALERT_MAX_ITEMS)
		return DW_EINVAL;
	if ((v = reallocarray(a->items, a->nitems + 1, sizeof(*v))) == NULL)
		return DW_ENOMEM;
	a->items = v;
	n = &v[a->nitems];
	memset(n, 0, sizeof(*n));
	n->severity = it->severity;
	n->since = it->since;
	a->nitems++;
	if (alert_set(&n->finding, it->finding) != 0 ||
	    alert_set(&n->check, it->check) != 0 ||
	    alert_set(&n->title, it->title) != 0)
		return DW_ENOMEM;
	return 0;
}

int
alert_set(char **field, const char *s)
{
	char	*copy = NULL;

	if (s != NULL && (copy = strdup(s)) == NULL)
		return DW_ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* Ids become file names in the outbox: letters, digits, '-' and '_'. */
static int
alert_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
alert_id_valid(const char *id)
{
	size_t	i;

	for (i = 0; id[i] != '\0'; i++)
		if (!alert_id_char(id[i]))
			return 0;
	return i > 0 && i < ALERT_ID_LEN;
}

/*
 * prefix + "-" + 32 hex of SHA-256(key).  The prefix is cut to fit and
 * any character not allowed in an id becomes '_'.
 */
void
alert_set_id(struct alert *a, const char *prefix, const char *key)
{
	unsigned char	md[SHA256_DIGEST_LENGTH];
	char		hex[2 * ALERT_HEX_BYTES + 1];
	size_t		i, max = ALERT_ID_LEN - sizeof(hex) - 1;

	SHA256((const unsigned char *)key, strlen(key), md);
	alert_hex(md, ALERT_HEX_BYTES, hex);
	for (i = 0; i < max && prefix[i] != '\0'; i++)
		a->id[i] = alert_id_char(prefix[i]) ? prefix[i] : '_';
	snprintf(a->id + i, sizeof(a->id) - i, "-%s", hex);
}

static void
alert_json_time(struct json_object *o, const char *key, time_t t)
{
	struct tm	tm;
	char		buf[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return;
	json_object_object_add(o, key, json_object_new_string(buf));
}

static struct json_object *
alert_item_to_json(const struct alert *a, const struct alert_item *it)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "finding",
	    json_object_new_string(it->finding ? it->finding : ""));
	if (it->check != NULL)
		json_object_object_add(o, "check",
		    json_object_new_string(it->check));
	if (it->title != NULL)
		json_object_object_add(o, "title",
		    json_object_new_string(it->title));
	json_object_object_add(o, "severity",
	    json_object_new_string(severity_name(it->severity)));
	alert_json_time(o, "open_since", it->since);
	json_object_object_add(o, "age_seconds", json_object_new_int64(
	    a->time > it->since ? (int64_t)(a->time - it->since) : 0));
	return o;
}

static int
alert_json_items(struct json_object *o, const struct alert *a)
{
	struct json_object	*arr, *v;
	size_t			 i;

	if (a->nitems == 0)
		return 0;
	if ((arr = json_object_new_array()) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < a->nitems; i++) {
		if ((v = alert_item_to_json(a, &a->items[i])) == NULL ||
		    json_object_array_add(arr, v) != 0) {
			json_object_put(v);
			json_object_put(arr);
			return DW_ENOMEM;
		}
	}
	json_object_object_add(o, "findings", arr);
	return 0;
}

/* Adds each set field; returns how many were added. */
static int
alert_json_fields(struct json_object *o, const void *base,
    const struct alert_field *f)
{
	const char	*s;
	int		 n = 0;

	for (; f->key != NULL; f++) {
		if ((s = alert_field_get(base, f)) == NULL)
			continue;
		json_object_object_add(o, f->key, json_object_new_string(s));
		n++;
	}
	return n;
}

struct json_object *
alert_to_json(const struct alert *a)
{
	struct json_object	*o, *ev;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(a->id));
	json_object_object_add(o, "kind",
	    json_object_new_string(alert_kind_name(a->kind)));
	json_object_object_add(o, "severity",
	    json_object_new_string(severity_name(a->severity)));
	alert_json_fields(o, a, alert_fields);
	alert_json_time(o, "time", a->time);
	if (alert_json_items(o, a) != 0)
		goto fail;
	if ((ev = json_object_new_object()) == NULL)
		goto fail;
	if (alert_json_fields(ev, &a->ev,
	    alert_event_fields) > 0)
		json_object_object_add(o, "event", ev);
	else
		json_object_put(ev);
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/*
 * A string member: 0 with *out NULL when absent or null, DW_EPARSE for
 * another type or an embedded NUL.
 */
static int
alert_get_str(struct json_object *o, const char *key, const char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return DW_EPARSE;
	*out = json_object_get_string(v);
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return DW_EPARSE;
	return 0;
}

static int
alert_get_fields(struct json_object *o, void *base,
    const struct alert_field *f)
{
	const char	*s;
	int		 r;

	for (; f->key != NULL; f++) {
		if ((r = alert_get_str(o, f->key, &s)) != 0)
			return r;
		if ((r = alert_set(alert_field_ptr(base, f), s)) != 0)
			return r;
	}
	return 0;
}

/* A required member naming one of names[]; its index or DW_EPARSE. */
static int
alert_get_enum(struct json_object *o, const char *key,
    const char *const *names, size_t n)
{
	const char	*s;
	int		 i;

	if (alert_get_str(o, key, &s) != 0 || s == NULL)
		return DW_EPARSE;
	if ((i = alert_name_index(names, n, s)) < 0)
		return DW_EPARSE;
	return i;
}

/* Exactly "YYYY-MM-DDTHH:MM:SSZ", a real date and time. */
static int
alert_get_time(struct json_object *o, const char *key, time_t *out)
{
	const char	*s;
	struct tm	 tm, check;
	char		*end;
	time_t		 t;

	if (alert_get_str(o, key, &s) != 0 || s == NULL ||
	    strlen(s) != 20)
		return DW_EPARSE;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return DW_EPARSE;
	check = tm;
	if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_mday != check.tm_mday ||
	    tm.tm_hour != check.tm_hour || tm.tm_min != check.tm_min ||
	    tm.tm_sec != check.tm_sec)
		return DW_EPARSE;
	*out = t;
	return 0;
}

static int
alert_get_event(struct json_object *o, struct alert *a)
{
	struct json_object	*ev;

	if (!json_object_object_get_ex(o, "event", &ev) || ev == NULL)
		return 0;
	if (!json_object_is_type(ev, json_type_object))
		return DW_EPARSE;
	return alert_get_fields(ev, &a->ev, alert_event_fields);
}

static int
alert_get_item(struct json_object *o, struct alert *a)
{
	struct alert_item	 it;
	const char		*finding, *check, *title;
	int			 sev;

	memset(&it, 0, sizeof(it));
	if (!json_object_is_type(o, json_type_object) ||
	    alert_get_str(o, "finding", &finding) != 0 || finding == NULL ||
	    alert_get_str(o, "check", &check) != 0 ||
	    alert_get_str(o, "title", &title) != 0 ||
	    (sev = alert_get_enum(o, "severity", severity_names,
	    NITEMS(severity_names))) < 0 ||
	    alert_get_time(o, "open_since", &it.since) != 0)
		return DW_EPARSE;
	/* alert_add_item copies: the borrowed strings go in as they are */
	it.finding = (char *)(uintptr_t)finding;
	it.check = (char *)(uintptr_t)check;
	it.title = (char *)(uintptr_t)title;
	it.severity = (enum severity)sev;
	return alert_add_item(a, &it) == DW_ENOMEM ? DW_ENOMEM : 0;
}

static int
alert_get_items(struct json_object *o, struct alert *a)
{
	struct json_object	*arr;
	size_t			 i, n;
	int			 r;

	if (!json_object_object_get_ex(o, "findings", &arr) || arr == NULL)
		return 0;
	if (!json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) > ALERT_MAX_ITEMS)
		return DW_EPARSE;
	for (i = 0; i < n; i++)
		if ((r = alert_get_item(json_object_array_get_idx(arr, i),
		    a)) != 0)
			return r;
	return 0;
}

static int
alert_get_id(struct json_object *o, struct alert *a)
{
	const char	*s;

	if (alert_get_str(o, "id", &s) != 0 || s == NULL ||
	    !alert_id_valid(s))
		return DW_EPARSE;
	snprintf(a->id, sizeof(a->id), "%s", s);
	return 0;
}

int
alert_from_json(struct json_object *o, struct alert **out)
{
	struct alert	*a = NULL;
	int		 kind, sev, r = DW_EPARSE;

	*out = NULL;
	if (!json_object_is_type(o, json_type_object))
		return DW_EPARSE;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return DW_ENOMEM;
	if ((kind = alert_get_enum(o, "kind", alert_kind_names,
	    NITEMS(alert_kind_names))) < 0 ||
	    (sev = alert_get_enum(o, "severity", severity_names,
	    NITEMS(severity_names))) < 0)
		goto out;
	a->kind = (enum alert_kind)kind;
	a->severity = (enum severity)sev;
	if ((r = alert_get_id(o, a)) != 0 ||
	    (r = alert_get_fields(o, a, alert_fields)) != 0 ||
	    (r = alert_get_time(o, "time", &a->time)) != 0 ||
	    (r = alert_get_event(o, a)) != 0 ||
	    (r = alert_get_items(o, a)) != 0)
		goto out;
	*out = a;
	a = NULL;
out:
	alert_free(a);
	return r;
}
