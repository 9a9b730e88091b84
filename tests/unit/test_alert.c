/*
 * Alerts: names, random and deterministic ids, the JSON form and its
 * strict reader, and the journal PRIORITY and MESSAGE_ID of each.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"
#include "tap.h"

static int
is_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_names(void)
{
	static const char *const names[] = {
		"info", "low", "medium", "high", "critical"
	};
	enum severity	s;
	int		i, good = 1;

	for (i = 0; i < 5; i++) {
		if (strcmp(severity_name((enum severity)i), names[i]) != 0 ||
		    severity_parse(names[i], &s) != 0 || (int)s != i)
			good = 0;
	}
	ok(good, "severity names parse back to themselves");
	ok(SEV_INFO < SEV_LOW && SEV_HIGH < SEV_CRITICAL, "severities order");
	is_int(severity_parse("CRITICAL", &s), DW_EINVAL,
	    "severity names are case-sensitive");
	is_int(severity_parse("bogus", &s), DW_EINVAL, "unknown severity");
	is_int(severity_parse("", &s), DW_EINVAL, "empty severity");
	is_int(severity_parse(NULL, &s), DW_EINVAL, "NULL severity");
	IS_STR(alert_kind_name(ALERT_EVENT), "event", "kind event");
	IS_STR(alert_kind_name(ALERT_OPEN), "open", "kind open");
	IS_STR(alert_kind_name(ALERT_RESOLVE), "resolve", "kind resolve");
	IS_STR(alert_kind_name(ALERT_BLIND), "blind", "kind blind");
	IS_STR(alert_kind_name(ALERT_SIGHTED), "sighted", "kind sighted");
	IS_STR(alert_kind_name(ALERT_REMINDER), "reminder", "kind reminder");
}

static void
test_random_ids(void)
{
	enum { N = 500 };
	struct alert	*a[N];
	char		*ids[N];
	int		 i, fmt = 1, uniq = 1;

	for (i = 0; i < N; i++) {
		a[i] = alert_new(ALERT_OPEN, SEV_HIGH);
		ids[i] = a[i]->id;
		if (strncmp(ids[i], "dw-", 3) != 0 || !is_hex(ids[i] + 3, 32))
			fmt = 0;
	}
	ok(fmt, "random ids are dw- and 32 lowercase hex digits");
	qsort(ids, N, sizeof(ids[0]), cmp_str);
	for (i = 1; i < N; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			uniq = 0;
	ok(uniq, "%d random ids are distinct", N);
	ok(a[0]->kind == ALERT_OPEN && a[0]->severity == SEV_HIGH &&
	    a[0]->title == NULL && a[0]->time > 0, "alert_new fills the rest");
	for (i = 0; i < N; i++)
		alert_free(a[i]);
	alert_free(NULL);
	ok(1, "alert_free(NULL) is a no-op");
}

static void
test_fixed_ids(void)
{
	struct alert	*a = alert_new(ALERT_EVENT, SEV_CRITICAL);
	struct alert	*b = alert_new(ALERT_EVENT, SEV_CRITICAL);
	char		 first[ALERT_ID_LEN];

	/* SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b003... */
	alert_set_id(a, "ev", "abc");
	IS_STR(a->id, "ev-ba7816bf8f01cfea414140de5dae2223",
	    "fixed id is prefix-first 32 hex of SHA-256(key)");
	alert_set_id(b, "ev", "abc");
	IS_STR(b->id, a->id, "the same key gives the same id");
	memcpy(first, a->id, sizeof(first));
	alert_set_id(b, "ev", "abd");
	ok(strcmp(b->id, first) != 0, "another key gives another id");
	alert_set_id(b, "a/very/long/prefix/that/does/not/fit", "abc");
	ok(strlen(b->id) < ALERT_ID_LEN && strchr(b->id, '/') == NULL &&
	    is_hex(b->id + strlen(b->id) - 32, 32),
	    "a long or odd prefix is cut and cleaned: %s", b->id);
	alert_free(a);
	alert_free(b);
}

static struct alert *
full_alert(void)
{
	struct alert	*a = alert_new(ALERT_EVENT, SEV_CRITICAL);

	alert_set(&a->check, "event.root_activity");
	alert_set(&a->finding, "event.root_activity:abc");
	alert_set(&a->account, "123456789012");
	alert_set(&a->title, "Root user signed in \"quoted\" <b>");
	alert_set(&a->summary, "line one\nline two \xc3\xa9");
	alert_set(&a->ev.event_id, "e-1");
	alert_set(&a->ev.event_name, "ConsoleLogin");
	alert_set(&a->ev.event_source, "signin.amazonaws.com");
	alert_set(&a->ev.event_time, "2024-05-01T11:59:00Z");
	alert_set(&a->ev.region, "us-east-1");
	alert_set(&a->ev.actor_type, "Root");
	alert_set(&a->ev.actor_arn, "arn:aws:iam::123456789012:root");
	alert_set(&a->ev.access_key_id, "ASIAEXAMPLE");
	alert_set(&a->ev.source_ip, "192.0.2.1");
	alert_set(&a->ev.user_agent, "Mozilla/5.0");
	alert_set(&a->ev.target, "trail/main");
	alert_set(&a->ev.error_code, "Failed authentication");
	alert_set(&a->ev.mfa_used, "No");
	a->time = 1714564800;	/* 2024-05-01T12:00:00Z */
	return a;
}

static int
same_str(const char *x, const char *y)
{
	return (x == NULL && y == NULL) ||
	    (x != NULL && y != NULL && strcmp(x, y) == 0);
}

static int
same_alert(const struct alert *a, const struct alert *b)
{
	return strcmp(a->id, b->id) == 0 && a->kind == b->kind &&
	    a->severity == b->severity && a->time == b->time &&
	    same_str(a->check, b->check) && same_str(a->finding, b->finding) &&
	    same_str(a->account, b->account) && same_str(a->title, b->title) &&
	    same_str(a->summary, b->summary) &&
	    same_str(a->expected, b->expected) &&
	    same_str(a->actual, b->actual) &&
	    same_str(a->ev.event_id, b->ev.event_id) &&
	    same_str(a->ev.event_name, b->ev.event_name) &&
	    same_str(a->ev.event_source, b->ev.event_source) &&
	    same_str(a->ev.event_time, b->ev.event_time) &&
	    same_str(a->ev.region, b->ev.region) &&
	    same_str(a->ev.actor_type, b->ev.actor_type) &&
	    same_str(a->ev.actor_arn, b->ev.actor_arn) &&
	    same_str(a->ev.access_key_id, b->ev.access_key_id) &&
	    same_str(a->ev.source_ip, b->ev.source_ip) &&
	    same_str(a->ev.user_agent, b->ev.user_agent) &&
	    same_str(a->ev.target, b->ev.target) &&
	    same_str(a->ev.error_code, b->ev.error_code) &&
	    same_str(a->ev.mfa_used, b->ev.mfa_used);
}

/* Serialise to text and back, as the outbox does. */
static int
round_trip(const struct alert *a, struct alert **out)
{
	struct json_object	*o = alert_to_json(a), *p;
	int			 r;

	p = json_tokener_parse(json_object_to_json_string(o));
	json_object_put(o);
	r = alert_from_json(p, out);
	json_object_put(p);
	return r;
}

static void
test_json(void)
{
	struct alert		*a = full_alert(), *b = NULL;
	struct json_object	*o, *v;

	o = alert_to_json(a);
	ok(json_object_object_get_ex(o, "time", &v) &&
	    strcmp(json_object_get_string(v), "2024-05-01T12:00:00Z") == 0,
	    "time is ISO 8601 UTC");
	ok(json_object_object_get_ex(o, "kind", &v) &&
	    strcmp(json_object_get_string(v), "event") == 0, "kind by name");
	ok(json_object_object_get_ex(o, "severity", &v) &&
	    strcmp(json_object_get_string(v), "critical") == 0,
	    "severity by name");
	ok(!json_object_object_get_ex(o, "expected", NULL),
	    "unset fields are left out");
	ok(json_object_object_get_ex(o, "event", &v) &&
	    json_object_object_length(v) == 13, "event carries its 13 fields");
	json_object_put(o);
	is_int(round_trip(a, &b), 0, "full alert reads back");
	ok(b != NULL && same_alert(a, b), "round trip keeps every field");
	alert_free(b);
	alert_free(a);

	a = alert_new(ALERT_RESOLVE, SEV_MEDIUM);
	alert_set(&a->check, "root.mfa");
	alert_set(&a->expected, "enabled");
	alert_set(&a->actual, "disabled");
	o = alert_to_json(a);
	ok(!json_object_object_get_ex(o, "event", NULL),
	    "no event object when no event field is set");
	json_object_put(o);
	is_int(round_trip(a, &b), 0, "drift alert reads back");
	ok(b != NULL && same_alert(a, b), "drift round trip");
	alert_set(&b->expected, NULL);
	ok(b->expected == NULL, "alert_set(NULL) clears");
	alert_free(b);
	alert_free(a);
}

/* A reminder's findings go to the outbox and back whole. */
static void
test_reminder_items(void)
{
	struct alert_item	 it[2] = {
		{ "iam.user_mfa/alice", "iam.user_mfa", "no MFA", SEV_HIGH,
		    1714550400 },
		{ "root.mfa", "root.mfa", NULL, SEV_CRITICAL, 1714464000 },
	};
	struct alert		*a, *b = NULL;
	struct json_object	*o, *arr, *v;
	size_t			 i;
	int			 same;

	a = alert_new(ALERT_REMINDER, SEV_CRITICAL);
	a->time = 1714564800;			/* 2024-05-01T12:00:00Z */
	for (i = 0; i < 2; i++)
		is_int(alert_add_item(a, &it[i]), 0, "item %zu added", i);
	o = alert_to_json(a);
	ok(json_object_object_get_ex(o, "findings", &arr) &&
	    json_object_array_length(arr) == 2, "findings listed");
	v = json_object_array_get_idx(arr, 0);
	ok(json_object_object_get_ex(v, "age_seconds", &v) &&
	    json_object_get_int64(v) == 14400, "age counted at the alert's time");
	v = json_object_array_get_idx(arr, 1);
	ok(json_object_object_get_ex(v, "open_since", &v) &&
	    strcmp(json_object_get_string(v), "2024-04-30T08:00:00Z") == 0,
	    "open_since is ISO 8601");
	is_int(alert_from_json(o, &b), 0, "reminder reads back");
	same = b != NULL && b->nitems == 2;
	for (i = 0; same && i < 2; i++)
		same = strcmp(b->items[i].finding, it[i].finding) == 0 &&
		    strcmp(b->items[i].check, it[i].check) == 0 &&
		    b->items[i].severity == it[i].severity &&
		    b->items[i].since == it[i].since;
	ok(same && b->items[1].title == NULL && strcmp(b->items[0].title,
	    "no MFA") == 0, "every item field kept");
	alert_free(b);
	json_object_object_add(o, "findings", json_tokener_parse(
	    "[{\"finding\":\"x.y\",\"severity\":\"loud\","
	    "\"open_since\":\"2024-05-01T12:00:00Z\"}]"));
	b = (struct alert *)1;
	ok(alert_from_json(o, &b) == DW_EPARSE && b == NULL,
	    "a bad item is DW_EPARSE");
	json_object_object_add(o, "findings", json_object_new_string("x"));
	b = (struct alert *)1;
	ok(alert_from_json(o, &b) == DW_EPARSE && b == NULL,
	    "findings not an array is DW_EPARSE");
	json_object_put(o);
	alert_free(a);
}

static const char *const bad_docs[] = {
	"[]",
	"\"alert\"",
	"{}",
	"{\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":7,\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":\"../../etc/x\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":\"\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":\"dw-0123456789012345678901234567890123456789012345678\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":\"dw-1\",\"kind\":\"opened\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":3,\"time\":\"2024-05-01T12:00:00Z\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":1714564800}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01 12:00:00\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-02-30T12:00:00Z\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Zjunk\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\",\"title\":5}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\",\"title\":[\"x\"]}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\",\"title\":\"a\\u0000b\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\",\"event\":\"x\"}",
	"{\"id\":\"dw-1\",\"kind\":\"open\",\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\",\"event\":{\"region\":true}}",
};

static void
test_malformed(void)
{
	struct json_object	*o;
	struct alert		*a;
	size_t			 i;
	int			 r;

	for (i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		o = json_tokener_parse(bad_docs[i]);
		a = (struct alert *)1;
		r = alert_from_json(o, &a);
		ok(r == DW_EPARSE && a == NULL, "malformed %zu is DW_EPARSE",
		    i);
		json_object_put(o);
	}
	a = (struct alert *)1;
	is_int(alert_from_json(NULL, &a), DW_EPARSE, "NULL object");
	o = json_tokener_parse("{\"id\":\"dw-1\",\"kind\":\"open\","
	    "\"severity\":\"low\",\"time\":\"2024-05-01T12:00:00Z\","
	    "\"title\":null,\"future\":{\"x\":1}}");
	is_int(alert_from_json(o, &a), 0,
	    "null fields and unknown keys are accepted");
	ok(a != NULL && a->title == NULL && strcmp(a->id, "dw-1") == 0,
	    "minimal alert read");
	alert_free(a);
	json_object_put(o);
}

/* journalctl -p err must show critical and high alerts, not good news */
static void
test_log_priority(void)
{
	static const struct {
		enum alert_kind	kind;
		enum severity	sev;
		int		prio;
	} t[] = {
		{ ALERT_EVENT, SEV_CRITICAL, LOG_CRIT },
		{ ALERT_EVENT, SEV_HIGH, LOG_ERR },
		{ ALERT_EVENT, SEV_MEDIUM, LOG_WARNING },
		{ ALERT_OPEN, SEV_CRITICAL, LOG_CRIT },
		{ ALERT_OPEN, SEV_HIGH, LOG_ERR },
		{ ALERT_OPEN, SEV_MEDIUM, LOG_WARNING },
		{ ALERT_OPEN, SEV_LOW, LOG_NOTICE },
		{ ALERT_OPEN, SEV_INFO, LOG_INFO },
		{ ALERT_BLIND, SEV_HIGH, LOG_ERR },
		{ ALERT_RESOLVE, SEV_CRITICAL, LOG_NOTICE },
		{ ALERT_RESOLVE, SEV_INFO, LOG_NOTICE },
		{ ALERT_SIGHTED, SEV_HIGH, LOG_NOTICE },
	};
	struct alert	a;
	size_t		i;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		a.kind = t[i].kind;
		a.severity = t[i].sev;
		is_int(alert_log_priority(&a), t[i].prio, "%s %s: priority %d",
		    alert_kind_name(t[i].kind), severity_name(t[i].sev),
		    t[i].prio);
	}
	IS_STR(alert_log_msgid(ALERT_EVENT), MSGID_EVENT_ALERT, "event id");
	IS_STR(alert_log_msgid(ALERT_OPEN), MSGID_FINDING_OPEN, "open id");
	IS_STR(alert_log_msgid(ALERT_RESOLVE), MSGID_FINDING_RESOLVED,
	    "resolve id");
	IS_STR(alert_log_msgid(ALERT_BLIND), MSGID_CHECK_BLIND, "blind id");
	IS_STR(alert_log_msgid(ALERT_SIGHTED), MSGID_CHECK_SIGHTED,
	    "sighted id");
}

int
main(void)
{
	test_names();
	test_random_ids();
	test_fixed_ids();
	test_json();
	test_reminder_items();
	test_malformed();
	test_log_priority();
	return done_testing();
}
