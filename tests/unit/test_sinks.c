/*
 * Sinks: construction, the severity filter, the webhook body, headers
 * and signature, Slack's and Teams' formatting, escaping and limits.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdio.h>
#include <unistd.h>

#include "driftwatch/alert.h"
#include "driftwatch/config.h"
#include "driftwatch/error.h"
#include "driftwatch/sink.h"
#include "driftwatch/urlredact.h"
#include "tap.h"

#define URL	"https://127.0.0.1:1/services/T000/B000/TOKENxyz"
#define SECRET	"hmac-s3cret-key"

/* A sink as a config section with these keys would make it. */
static struct sink *
mksink(const char *name, const char *type, const char *url,
    const char *secret, enum severity min, long timeout_ms,
    const char *ca_file, char *err, size_t errlen)
{
	struct sink_spec	sp;
	struct sink_env		env;

	memset(&sp, 0, sizeof(sp));
	memset(&env, 0, sizeof(env));
	sp.name = name;
	sp.type = type;
	sp.url = url;
	sp.secret = secret;
	sp.min_severity = min;
	sp.timeout_ms = timeout_ms;
	env.ca_file = ca_file;
	return sink_new(&sp, &env, err, errlen);
}

static struct alert *
event_alert(void)
{
	struct alert	*a = alert_new(ALERT_EVENT, SEV_CRITICAL);

	alert_set(&a->check, "event.root_activity");
	alert_set(&a->account, "123456789012");
	alert_set(&a->title, "Root <!channel> signed in & left");
	alert_set(&a->summary, "The root user signed in.\nSecond line.");
	alert_set(&a->ev.event_id, "0b1c2d3e-event");
	alert_set(&a->ev.event_name, "ConsoleLogin");
	alert_set(&a->ev.event_source, "signin.amazonaws.com");
	alert_set(&a->ev.event_time, "2024-05-01T11:59:00Z");
	alert_set(&a->ev.region, "us-east-1");
	alert_set(&a->ev.actor_type, "Root");
	alert_set(&a->ev.actor_arn, "arn:aws:iam::123456789012:root");
	alert_set(&a->ev.access_key_id, "ASIAEXAMPLEKEY");
	alert_set(&a->ev.source_ip, "192.0.2.44");
	alert_set(&a->ev.user_agent, "curl/8 <http://evil|click> \x1b[31m");
	return a;
}

static const char *
header(const struct sink_msg *m, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; m->extra_headers[i] != NULL; i++)
		if (strncmp(m->extra_headers[i], name, n) == 0 &&
		    m->extra_headers[i][n] == ':')
			return m->extra_headers[i] + n + 2;
	return NULL;
}

/* Neither the URL, its token nor the secret may show anywhere. */
static int
leaks(const struct sink_msg *m)
{
	size_t	i;

	if (strstr(m->body, "TOKENxyz") || strstr(m->body, SECRET) ||
	    strstr(m->body, "127.0.0.1"))
		return 1;
	for (i = 0; m->extra_headers[i] != NULL; i++)
		if (strstr(m->extra_headers[i], "TOKENxyz") ||
		    strstr(m->extra_headers[i], SECRET))
			return 1;
	return 0;
}

static void
test_new(void)
{
	struct sink	*s;
	char		 err[128] = "";

	s = mksink("ops", "carrier-pigeon", URL, NULL, SEV_LOW, 0, NULL,
	    err, sizeof(err));
	ok(s == NULL && strstr(err, "unknown type") != NULL,
	    "unknown type refused: %s", err);
	s = mksink("a/b", "webhook", URL, NULL, SEV_LOW, 0, NULL, err,
	    sizeof(err));
	ok(s == NULL, "a name with '/' is refused: %s", err);
	s = mksink("a.b", "webhook", URL, NULL, SEV_LOW, 0, NULL, err,
	    sizeof(err));
	ok(s == NULL, "a name with '.' is refused");
	s = mksink("ops", "webhook", NULL, NULL, SEV_LOW, 0, NULL, err,
	    sizeof(err));
	ok(s == NULL, "no url is refused");
	s = mksink("ops", "slack", URL, NULL, SEV_HIGH, 5000, NULL, err,
	    sizeof(err));
	ok(s != NULL && strcmp(s->ops->type, "slack") == 0 &&
	    s->timeout_ms == 5000 && s->secret == NULL, "slack sink made");
	sink_free(s);
	sink_free(NULL);
	ok(1, "sink_free(NULL) is a no-op");
}

static void
test_wants(void)
{
	struct sink	*s;
	struct alert	*a = alert_new(ALERT_OPEN, SEV_MEDIUM);
	char		 err[128];

	s = mksink("x", "webhook", URL, NULL, SEV_HIGH, 0, NULL, err,
	    sizeof(err));
	ok(!sink_wants(s, a), "medium is below a high sink");
	a->severity = SEV_HIGH;
	ok(sink_wants(s, a), "high reaches a high sink");
	a->kind = ALERT_RESOLVE;
	a->severity = SEV_CRITICAL;
	ok(sink_wants(s, a), "a resolve carries its finding's severity");
	sink_free(s);
	alert_free(a);
}

static void
test_hmac(void)
{
	char	hex[SINK_HMAC_HEX_LEN + 1];

	/* RFC 4231 test case 2 */
	is_int(sink_webhook_sign("Jefe", 4, "what do ya want for nothing?",
	    28, hex), 0, "sign RFC 4231 case 2");
	IS_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b9"
	    "64ec3843", "HMAC-SHA256 matches RFC 4231 case 2");
}

static void
hmac_oneshot(const char *key, const char *data, size_t len, char *hex)
{
	unsigned char	mac[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)data,
	    len, mac, &n);
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", mac[i]);
}

static void
test_webhook(void)
{
	struct sink		*s;
	struct alert		*a = event_alert(), *back = NULL;
	struct sink_msg		 m;
	struct json_object	*o, *v;
	char			 err[128], want[2 * EVP_MAX_MD_SIZE + 1];
	const char		*sig, *ts;
	long long		 t;

	s = mksink("hook", "webhook", URL, SECRET, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	is_int(sink_render(s, a, &m), 0, "webhook renders");
	IS_STR(m.content_type, "application/json", "content type");
	ok(m.body_len == strlen(m.body), "body_len is the body's length");
	o = json_tokener_parse(m.body);
	ok(o != NULL && json_object_object_get_ex(o, "source", &v) &&
	    strcmp(json_object_get_string(v), "driftwatch") == 0,
	    "body says source driftwatch");
	ok(json_object_object_get_ex(o, "version", &v) &&
	    json_object_get_int(v) == 1, "body says version 1");
	is_int(alert_from_json(o, &back), 0, "body is the alert's JSON form");
	ok(back != NULL && strcmp(back->id, a->id) == 0 &&
	    strcmp(back->ev.source_ip, "192.0.2.44") == 0,
	    "body carries the alert");
	alert_free(back);
	json_object_put(o);
	IS_STR(header(&m, "Idempotency-Key"), a->id, "idempotency key");
	IS_STR(header(&m, "X-Driftwatch-Alert-Id"), a->id, "alert id header");
	sig = header(&m, "X-Driftwatch-Signature");
	hmac_oneshot(SECRET, m.body, m.body_len, want);
	ok(sig != NULL && strncmp(sig, "sha256=", 7) == 0,
	    "signature header is sha256=");
	IS_STR(sig != NULL ? sig + 7 : NULL, want,
	    "signature is HMAC-SHA256(secret, body) by OpenSSL's HMAC()");
	ts = header(&m, "X-Driftwatch-Timestamp");
	t = ts != NULL ? atoll(ts) : 0;
	ok(t > 0 && llabs(t - (long long)time(NULL)) < 60,
	    "timestamp is now in unix seconds");
	ok(!leaks(&m), "no url, token or secret in the webhook request");
	sink_msg_clear(&m);
	sink_free(s);

	s = mksink("hook", "webhook", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	is_int(sink_render(s, a, &m), 0, "unsigned webhook renders");
	ok(header(&m, "X-Driftwatch-Signature") == NULL &&
	    header(&m, "X-Driftwatch-Timestamp") == NULL &&
	    m.extra_headers[2] == NULL, "no signature without a secret");
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

/* Every text in the message, concatenated with '\n'. */
static void
collect_text(struct json_object *o, char **buf)
{
	struct json_object_iterator	it, end;
	char				*n;
	size_t				 i;

	if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++)
			collect_text(json_object_array_get_idx(o, i), buf);
	} else if (json_object_is_type(o, json_type_object)) {
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			collect_text(json_object_iter_peek_value(&it), buf);
	} else if (json_object_is_type(o, json_type_string)) {
		if (asprintf(&n, "%s%s\n", *buf, json_object_get_string(o)) ==
		    -1)
			return;
		free(*buf);
		*buf = n;
	}
}

/*
 * Blanks out the console links the Slack sink makes itself (its one
 * piece of Slack markup); counts them.
 */
static int
unlink_console(char *all)
{
	static const char	 head[] = "<https://console.aws.amazon.com/";
	static const char	 tail[] = "|Open in the AWS console>";
	char			*p, *e;
	int			 n = 0;

	while ((p = strstr(all, head)) != NULL &&
	    (e = strstr(p, tail)) != NULL && memchr(p + 1, '<',
	    (size_t)(e - p - 1)) == NULL) {
		memset(p, '_', (size_t)(e - p) + strlen(tail));
		n++;
	}
	return n;
}

static char *
slack_text(const struct sink *s, const struct alert *a, struct sink_msg *m,
    struct json_object **out)
{
	char	*all = strdup("");

	*out = NULL;
	if (sink_render(s, a, m) != 0)
		return all;
	*out = json_tokener_parse(m->body);
	collect_text(*out, &all);
	return all;
}

/* The longest string in the tree; Slack caps each element. */
static size_t
longest(struct json_object *o)
{
	struct json_object_iterator	it, end;
	size_t				i, n, max = 0;

	if (json_object_is_type(o, json_type_string))
		return (size_t)json_object_get_string_len(o);
	if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++)
			if ((n = longest(json_object_array_get_idx(o, i))) > max)
				max = n;
		return max;
	}
	if (!json_object_is_type(o, json_type_object))
		return 0;
	it = json_object_iter_begin(o);
	end = json_object_iter_end(o);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
		if ((n = longest(json_object_iter_peek_value(&it))) > max)
			max = n;
	return max;
}

static void
test_slack_event(void)
{
	struct sink		*s;
	struct alert		*a = event_alert();
	struct sink_msg		 m;
	struct json_object	*o, *v, *blocks;
	char			 err[128], *all;

	s = mksink("chat", "slack", URL, SECRET, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	all = slack_text(s, a, &m, &o);
	ok(o != NULL, "slack body is JSON");
	ok(json_object_object_get_ex(o, "text", &v) &&
	    strstr(json_object_get_string(v), "CRITICAL") != NULL &&
	    strstr(json_object_get_string(v), "Root") != NULL,
	    "fallback text names severity and title");
	ok(json_object_object_get_ex(o, "blocks", &blocks) &&
	    json_object_array_length(blocks) >= 3, "blocks present");
	v = json_object_array_get_idx(blocks, 0);
	ok(strstr(json_object_to_json_string(v), "\"header\"") != NULL,
	    "first block is a header");
	ok(strstr(all, ":red_circle:") != NULL, "critical has its marker");
	ok(strstr(all, "&lt;!channel&gt;") != NULL &&
	    strstr(all, "signed in &amp; left") != NULL,
	    "title's <, > and & are escaped");
	ok(strstr(all, "<https://console.aws.amazon.com/iam/home#/"
	    "security_credentials|Open in the AWS console>") != NULL,
	    "a link to the root user's security credentials");
	is_int(unlink_console(all), 1, "one console link");
	ok(strchr(all, '<') == NULL && strchr(all, '>') == NULL,
	    "no other raw < or > anywhere in the message");
	ok(strstr(all, "&lt;http://evil|click&gt;") != NULL,
	    "a forged link in a field is escaped");
	ok(strchr(all, '\x1b') == NULL, "control characters are dropped");
	ok(strstr(all, "arn:aws:iam::123456789012:root (Root)") != NULL,
	    "who: the ARN and identity type");
	ok(strstr(all, "ASIAEXAMPLEKEY") != NULL, "the access key id");
	ok(strstr(all, "ConsoleLogin (signin.amazonaws.com)") != NULL,
	    "what: event name and source");
	ok(strstr(all, "2024-05-01T11:59:00Z") != NULL, "when");
	ok(strstr(all, "192.0.2.44") != NULL && strstr(all, "curl/8") != NULL,
	    "from where: source IP and user agent");
	ok(strstr(all, "us-east-1") != NULL && strstr(all, "0b1c2d3e-event")
	    != NULL, "region and event id");
	ok(strstr(all, "Second line.") != NULL, "the summary");
	ok(strstr(all, a->id) != NULL, "the alert id");
	ok(!leaks(&m), "no url, token or secret in the slack body");
	is_int(m.extra_headers[0] == NULL, 1, "slack adds no extra headers");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

static void
test_slack_drift(void)
{
	struct sink		*s;
	struct alert		*a = alert_new(ALERT_OPEN, SEV_HIGH);
	struct sink_msg		 m;
	struct json_object	*o;
	char			 err[128], *all, *big;

	s = mksink("chat", "slack", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	alert_set(&a->check, "iam.password_policy");
	alert_set(&a->title, "Password policy is weaker than the baseline");
	alert_set(&a->expected, "MinimumPasswordLength >= 14");
	alert_set(&a->actual, "MinimumPasswordLength = 8");
	all = slack_text(s, a, &m, &o);
	ok(strstr(all, "*Expected*\nMinimumPasswordLength &gt;= 14") != NULL &&
	    strstr(all, "*Actual*\nMinimumPasswordLength = 8") != NULL,
	    "drift shows expected vs actual");
	ok(strstr(all, ":large_orange_circle:") != NULL, "high marker");
	ok(strstr(all, "Resolved") == NULL, "an open is not resolved");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	a->kind = ALERT_RESOLVE;
	all = slack_text(s, a, &m, &o);
	ok(strstr(all, "Resolved") != NULL, "a resolve says resolved");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	big = malloc(20001);
	memset(big, '<', 20000);
	big[20000] = '\0';
	alert_set(&a->title, big);
	alert_set(&a->summary, big);
	alert_set(&a->actual, big);
	all = slack_text(s, a, &m, &o);
	ok(o != NULL && longest(o) <= 3000,
	    "huge values are cut to Slack's limits (%zu)", longest(o));
	is_int(unlink_console(all), 1, "the console link survives a cut");
	ok(strchr(all, '<') == NULL, "cut text stays escaped");
	free(all);
	free(big);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

/* How many times needle occurs in hay. */
static int
count(const char *hay, const char *needle)
{
	int	n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* An event alert with every field set and the event poller's summary. */
static struct alert *
full_event_alert(void)
{
	struct alert	*a = event_alert();

	alert_set(&a->ev.user_agent, "Mozilla/5.0 (X11) [x](http://evil) *b*");
	alert_set(&a->ev.mfa_used, "No");
	alert_set(&a->ev.target, "alice");
	alert_set(&a->ev.error_code, "Failed authentication");
	alert_set(&a->expected, "nobody signs in as root");
	alert_set(&a->actual, "root signed in");
	alert_set(&a->summary, "Who: Root arn:aws:iam::123456789012:root\n"
	    "What: ConsoleLogin (signin.amazonaws.com)\nResult: succeeded\n"
	    "When: 2024-05-01T11:59:00Z\nFrom: 192.0.2.44, user agent curl\n"
	    "Region: us-east-1, account 123456789012\n"
	    "Event: 0b1c2d3e-event; also Root session used");
	return a;
}

/* The blocks of one type, and the fields of every section. */
static void
slack_shape(struct json_object *o, int *sections, int *fields, int *maxf)
{
	struct json_object	*blocks, *b, *f;
	size_t			 i, n;

	*sections = *fields = *maxf = 0;
	if (!json_object_object_get_ex(o, "blocks", &blocks))
		return;
	for (i = 0; i < json_object_array_length(blocks); i++) {
		b = json_object_array_get_idx(blocks, i);
		if (!json_object_object_get_ex(b, "fields", &f))
			continue;
		n = json_object_array_length(f);
		(*sections)++;
		*fields += (int)n;
		if ((int)n > *maxf)
			*maxf = (int)n;
	}
}

static void
test_slack_no_repeats(void)
{
	struct sink		*s;
	struct alert		*a = full_event_alert();
	struct sink_msg		 m;
	struct json_object	*o;
	char			 err[128], *all;
	int			 sec, nf, maxf;

	s = mksink("chat", "slack", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	all = slack_text(s, a, &m, &o);
	ok(o != NULL, "full event renders");
	is_int(count(all, "192.0.2.44"), 1, "the source IP is said once");
	is_int(count(all, "2024-05-01T11:59:00Z"), 1, "the time is said once");
	ok(strstr(all, "Who:") == NULL && strstr(all, "Region:") == NULL &&
	    strstr(all, "Result:") == NULL, "summary lines the fields say "
	    "are left out");
	ok(strstr(all, "Also: Root session used") != NULL,
	    "what only the summary says stays");
	ok(strstr(all, "*MFA used*\nNo") != NULL, "MFAUsed is shown");
	ok(strstr(all, "*User agent*\nMozilla/5.0 (X11)") != NULL,
	    "the sign-in's user agent is shown");
	slack_shape(o, &sec, &nf, &maxf);
	is_int(nf, 13, "13 fields in all");
	ok(sec == 2 && maxf <= 10, "at most 10 fields a section (%d in %d)",
	    maxf, sec);
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

static void
test_slack_good_news(void)
{
	struct sink		*s;
	struct alert		*a = alert_new(ALERT_RESOLVE, SEV_CRITICAL);
	struct sink_msg		 m;
	struct json_object	*o, *v;
	char			 err[128], *all;

	s = mksink("chat", "slack", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	alert_set(&a->check, "root.mfa");
	alert_set(&a->finding, "root.mfa");
	alert_set(&a->title, "Resolved: root MFA");
	all = slack_text(s, a, &m, &o);
	ok(strstr(all, ":red_circle:") == NULL && strstr(all, "CRITICAL") ==
	    NULL, "a resolve is not a red CRITICAL");
	v = json_object_object_get(o, "text");
	ok(v != NULL && strcmp(json_object_get_string(v),
	    ":white_check_mark: Resolved: root MFA") == 0,
	    "fallback text: check mark, Resolved: %s",
	    v ? json_object_get_string(v) : "(none)");
	ok(strstr(all, "*was* critical") != NULL,
	    "the old severity is context only");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	a->kind = ALERT_SIGHTED;
	alert_set(&a->title, "driftwatch can see root.mfa again");
	all = slack_text(s, a, &m, &o);
	ok(strstr(all, ":white_check_mark: driftwatch can see") != NULL &&
	    strstr(all, "CRITICAL") == NULL && strstr(all, "HIGH") == NULL,
	    "can see again is good news too");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	a->kind = ALERT_RESOLVE;
	alert_set(&a->title, NULL);
	all = slack_text(s, a, &m, &o);
	ok(strstr(all, ":white_check_mark: Resolved: root.mfa") != NULL,
	    "an untitled resolve still says Resolved");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

/* 1 when s is valid UTF-8 (json-c keeps what it is given). */
static int
utf8_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 n;

	while (*p != '\0') {
		n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) ==
		    0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

static void
test_slack_edges(void)
{
	struct sink		*s;
	struct alert		*a = alert_new(ALERT_OPEN, SEV_MEDIUM);
	struct sink_msg		 m;
	struct json_object	*o, *blocks, *h;
	char			 err[128], *all, *big;
	size_t			 i;
	int			 sec, nf, maxf;

	s = mksink("chat", "slack", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	all = slack_text(s, a, &m, &o);
	ok(o != NULL && json_object_object_get_ex(o, "blocks", &blocks),
	    "an alert with no fields renders");
	slack_shape(o, &sec, &nf, &maxf);
	is_int(sec, 0, "no empty fields section");
	ok(strstr(all, "driftwatch alert") != NULL, "a title stands in");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	big = malloc(3 * 4000 + 1);
	for (i = 0; i < 4000; i++)
		memcpy(big + 3 * i, "\xe2\x82\xac", 3);	/* U+20AC */
	big[3 * 4000] = '\0';
	alert_set(&a->title, big);
	alert_set(&a->summary, big);
	alert_set(&a->expected, big);
	all = slack_text(s, a, &m, &o);
	json_object_object_get_ex(o, "blocks", &blocks);
	h = json_object_object_get(json_object_array_get_idx(blocks, 0),
	    "text");
	ok(h != NULL && json_object_get_string_len(h) <= 150,
	    "header plain_text within 150 (%d bytes)",
	    h ? json_object_get_string_len(h) : -1);
	ok(longest(o) <= 3000, "no text over 3000 (%zu)", longest(o));
	ok(utf8_ok(m.body), "cuts never split a character");
	ok(json_object_array_length(blocks) <= 50, "at most 50 blocks");
	free(big);
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

/* The card of a Teams message, checked for the wrapper's shape. */
static struct json_object *
teams_card(struct json_object *o)
{
	struct json_object	*v, *att;

	if (o == NULL || !json_object_object_get_ex(o, "type", &v) ||
	    strcmp(json_object_get_string(v), "message") != 0 ||
	    !json_object_object_get_ex(o, "attachments", &v) ||
	    json_object_array_length(v) != 1)
		return NULL;
	att = json_object_array_get_idx(v, 0);
	if (!json_object_object_get_ex(att, "contentType", &v) ||
	    strcmp(json_object_get_string(v),
	    "application/vnd.microsoft.card.adaptive") != 0 ||
	    !json_object_object_get_ex(att, "contentUrl", &v) || v != NULL ||
	    !json_object_object_get_ex(att, "content", &v))
		return NULL;
	return v;
}

/* The value of the fact titled label, or NULL. */
static const char *
teams_fact(struct json_object *card, const char *label)
{
	struct json_object	*body, *b, *facts, *f;
	size_t			 i, j;

	if (!json_object_object_get_ex(card, "body", &body))
		return NULL;
	for (i = 0; i < json_object_array_length(body); i++) {
		b = json_object_array_get_idx(body, i);
		if (!json_object_object_get_ex(b, "facts", &facts))
			continue;
		for (j = 0; j < json_object_array_length(facts); j++) {
			f = json_object_array_get_idx(facts, j);
			if (strcmp(json_object_get_string(json_object_object_get(
			    f, "title")), label) == 0)
				return json_object_get_string(
				    json_object_object_get(f, "value"));
		}
	}
	return NULL;
}

static const char *
teams_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *
teams_block(struct json_object *card, size_t i)
{
	struct json_object	*body;

	if (!json_object_object_get_ex(card, "body", &body))
		return NULL;
	return json_object_array_get_idx(body, i);
}

static const char *
teams_action_url(struct json_object *card)
{
	struct json_object	*acts, *a;

	if (!json_object_object_get_ex(card, "actions", &acts) ||
	    json_object_array_length(acts) != 1)
		return NULL;
	a = json_object_array_get_idx(acts, 0);
	if (strcmp(teams_str(a, "type"), "Action.OpenUrl") != 0)
		return NULL;
	return teams_str(a, "url");
}

static void
test_teams_event(void)
{
	struct sink		*s;
	struct alert		*a = full_event_alert();
	struct sink_msg		 m;
	struct json_object	*o, *card;
	const char		*v;
	char			 err[128], *all;

	s = mksink("t", "teams", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	ok(s != NULL, "teams sink made: %s", s ? "" : err);
	all = slack_text(s, a, &m, &o);
	ok((card = teams_card(o)) != NULL, "a message with one Adaptive Card "
	    "attachment, contentUrl null");
	IS_STR(teams_str(card, "type"), "AdaptiveCard", "card type");
	IS_STR(teams_str(card, "version"), "1.4", "card version 1.4");
	IS_STR(teams_str(teams_block(card, 0), "type"), "TextBlock",
	    "the title is a TextBlock");
	IS_STR(teams_str(teams_block(card, 0), "color"), "attention",
	    "critical is attention");
	v = teams_str(teams_block(card, 0), "text");
	ok(v != NULL && strncmp(v, "CRITICAL: Root", 14) == 0,
	    "the title names the severity: %s", v ? v : "(null)");
	IS_STR(teams_fact(card, "MFA used"), "No", "MFAUsed fact");
	IS_STR(teams_fact(card, "Source IP"), "192.0.2.44", "source IP fact");
	IS_STR(teams_fact(card, "Check"), "event.root_activity", "check fact");
	IS_STR(teams_fact(card, "Account"), "123456789012", "account fact");
	v = teams_fact(card, "User agent");
	ok(v != NULL && strstr(v, "\\[x\\](http://evil) \\*b\\*") != NULL,
	    "Markdown in a value is escaped: %s", v ? v : "(null)");
	ok(strchr(all, '\x1b') == NULL, "control characters are dropped");
	is_int(count(all, "192.0.2.44"), 1, "the source IP is said once");
	ok(strstr(all, "Also: Root session used") != NULL,
	    "what only the summary says stays");
	IS_STR(teams_action_url(card), "https://console.aws.amazon.com/iam/"
	    "home#/security_credentials", "root: the security credentials page");
	ok(strstr(all, a->id) != NULL, "the alert id");
	ok(!leaks(&m), "no url or token in the card");
	IS_STR(m.content_type, "application/json", "content type");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

static void
test_teams_kinds(void)
{
	struct sink		*s;
	struct alert		*a = alert_new(ALERT_RESOLVE, SEV_CRITICAL);
	struct sink_msg		 m;
	struct json_object	*o, *card;
	char			 err[128], *all;

	s = mksink("t", "teams", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	alert_set(&a->check, "iam.user_mfa");
	alert_set(&a->finding, "iam.user_mfa/ali+ce");
	alert_set(&a->title, "Resolved: MFA for ali+ce");
	all = slack_text(s, a, &m, &o);
	card = teams_card(o);
	IS_STR(teams_str(teams_block(card, 0), "color"), "good",
	    "a resolve is green");
	ok(strstr(all, "CRITICAL") == NULL, "and never CRITICAL");
	ok(strstr(all, "was critical") != NULL, "the old severity as context");
	IS_STR(teams_fact(card, "Finding"), "iam.user_mfa/ali+ce",
	    "finding fact");
	IS_STR(teams_action_url(card), "https://console.aws.amazon.com/iam/"
	    "home#/users/details/ali%2Bce?section=security_credentials",
	    "the user's page, its name encoded");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	a->kind = ALERT_OPEN;
	a->severity = SEV_MEDIUM;
	all = slack_text(s, a, &m, &o);
	IS_STR(teams_str(teams_block(teams_card(o), 0), "color"), "warning",
	    "medium is warning");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	a->kind = ALERT_BLIND;
	a->severity = SEV_HIGH;
	all = slack_text(s, a, &m, &o);
	card = teams_card(o);
	IS_STR(teams_str(teams_block(card, 0), "color"), "warning",
	    "blind is warning");
	ok(teams_action_url(card) == NULL && !json_object_object_get_ex(card,
	    "actions", NULL), "blind: no console button");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

static void
test_teams_edges(void)
{
	struct sink		*s;
	struct alert		*a = alert_new(ALERT_EVENT, SEV_LOW);
	struct sink_msg		 m;
	struct json_object	*o, *card, *body;
	const char		*t;
	char			 err[128], *all, *big;
	size_t			 i;

	s = mksink("t", "teams", URL, NULL, SEV_INFO, 0, NULL, err,
	    sizeof(err));
	all = slack_text(s, a, &m, &o);
	card = teams_card(o);
	ok(card != NULL && json_object_object_get_ex(card, "body", &body),
	    "an alert with no fields renders a card");
	ok(teams_fact(card, "Check") == NULL && strstr(m.body, "FactSet") ==
	    NULL, "no empty FactSet");
	IS_STR(teams_str(teams_block(card, 0), "color"), "accent",
	    "low is accent");
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);

	big = malloc(2 * 20000 + 1);
	for (i = 0; i < 20000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);	/* U+00E9 */
	big[2 * 20000] = '\0';
	alert_set(&a->title, big);
	alert_set(&a->summary, big);
	alert_set(&a->check, big);
	alert_set(&a->ev.user_agent, big);
	alert_set(&a->ev.actor_arn, big);
	all = slack_text(s, a, &m, &o);
	card = teams_card(o);
	t = teams_str(teams_block(card, 0), "text");
	ok(t != NULL && strlen(t) <= 200 && utf8_ok(t), "a long title is cut "
	    "on a character (%zu bytes)", t ? strlen(t) : 0);
	ok(m.body_len < 28 * 1024, "the message stays under Teams' 28 KB "
	    "(%zu)", m.body_len);
	ok(utf8_ok(m.body), "the body is valid UTF-8");
	free(big);
	free(all);
	json_object_put(o);
	sink_msg_clear(&m);
	sink_free(s);
	alert_free(a);
}

/* A transport that records the request and answers when told to. */
struct fake_tr {
	http_cb		 cb;
	void		*arg;
	char		*url, *method, *ctype, *body;
	int		 sends, cancels;
};

static struct http_xfer *
fake_send(void *ctx, const struct http_request *req, http_cb cb, void *arg)
{
	struct fake_tr	*f = ctx;
	size_t		 i;

	f->sends++;
	f->cb = cb;
	f->arg = arg;
	free(f->url);
	free(f->method);
	free(f->ctype);
	free(f->body);
	f->url = strdup(req->url);
	f->method = strdup(req->method);
	f->ctype = NULL;
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++)
		if (strncmp(req->headers[i], "Content-Type: ", 14) == 0)
			f->ctype = strdup(req->headers[i] + 14);
	f->body = strndup(req->body, req->body_len);
	return (struct http_xfer *)f;
}

static void
fake_cancel(struct http_xfer *x)
{
	((struct fake_tr *)x)->cancels++;
}

static void
fake_done(const struct sink_result *res, void *arg)
{
	*(struct sink_result *)arg = *res;
}

/* The teams sink through sink_deliver(): what goes out, what comes back. */
static void
test_teams_deliver(void)
{
	static const struct {
		long			status;
		long			retry_after;
		enum sink_verdict	want;
	} cases[] = {
		{ 202, -1, SINK_DELIVERED }, { 200, -1, SINK_DELIVERED },
		{ 429, 7, SINK_RETRY }, { 503, -1, SINK_RETRY },
		{ 400, -1, SINK_PERMANENT }, { 401, -1, SINK_PERMANENT },
		{ 404, -1, SINK_PERMANENT },
	};
	struct fake_tr		 f;
	struct sink_spec	 sp;
	struct sink_env		 env;
	struct sink_result	 res;
	struct http_response	 resp;
	struct sink		*s;
	struct alert		*a = full_event_alert();
	struct sink_call	*c;
	char			 err[128];
	size_t			 i;
	int			 good = 1;

	memset(&f, 0, sizeof(f));
	memset(&sp, 0, sizeof(sp));
	memset(&env, 0, sizeof(env));
	env.http.send = fake_send;
	env.http.cancel = fake_cancel;
	env.http.ctx = &f;
	sp.name = "t";
	sp.type = "teams";
	sp.url = URL;
	s = sink_new(&sp, &env, err, sizeof(err));
	for (i = 0; s != NULL && i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&res, 0xff, sizeof(res));
		if ((c = sink_deliver(s, a, fake_done, &res)) == NULL) {
			good = 0;
			continue;
		}
		memset(&resp, 0, sizeof(resp));
		resp.status = cases[i].status;
		resp.retry_after = cases[i].retry_after;
		resp.body = (char *)"";
		f.cb(&resp, f.arg);
		if (res.verdict != cases[i].want ||
		    res.retry_after != cases[i].retry_after) {
			diag("HTTP %ld: verdict %d retry_after %ld",
			    cases[i].status, res.verdict, res.retry_after);
			good = 0;
		}
	}
	ok(s != NULL && good, "202 and 2xx delivered, 429 retried with its "
	    "Retry-After, 5xx retried, other 4xx permanent");
	IS_STR(f.method, "POST", "a POST");
	IS_STR(f.url, URL, "to the workflow's URL");
	IS_STR(f.ctype, "application/json", "as JSON");
	ok(f.body != NULL && strstr(f.body, "\"version\":\"1.4\"") != NULL &&
	    strstr(f.body, "AdaptiveCard") != NULL, "the card is the body");
	c = s != NULL ? sink_deliver(s, a, fake_done, &res) : NULL;
	sink_cancel(s, c);
	is_int(f.cancels, 1, "a cancel reaches the transport");
	free(f.url);
	free(f.method);
	free(f.ctype);
	free(f.body);
	sink_free(s);
	alert_free(a);
}

/* The HTTP answer -> verdict table the webhook and Slack sinks share. */
static void
test_http_verdict(void)
{
	static const struct {
		long			status;
		int			result;
		enum sink_verdict	want;
	} cases[] = {
		{ 200, 0, SINK_DELIVERED }, { 202, 0, SINK_DELIVERED },
		{ 204, 0, SINK_DELIVERED },
		{ 200, DW_ETOOBIG, SINK_DELIVERED },
		{ 0, DW_ENET, SINK_RETRY }, { 408, 0, SINK_RETRY },
		{ 429, 0, SINK_RETRY }, { 500, 0, SINK_RETRY },
		{ 503, 0, SINK_RETRY }, { 400, 0, SINK_PERMANENT },
		{ 403, 0, SINK_PERMANENT }, { 404, 0, SINK_PERMANENT },
		{ 410, 0, SINK_PERMANENT },
	};
	struct http_response	resp;
	struct sink_result	res;
	size_t			i;
	int			good = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&resp, 0, sizeof(resp));
		resp.status = cases[i].status;
		resp.result = cases[i].result;
		resp.retry_after = -1;
		resp.body = (char *)"";
		sink_http_verdict(&resp, NULL, &res);
		if (res.verdict != cases[i].want) {
			diag("HTTP %ld/%d: verdict %d, want %d", cases[i].status,
			    cases[i].result, res.verdict, cases[i].want);
			good = 0;
		}
	}
	ok(good, "2xx delivered; network, 408, 429, 5xx retried; other 4xx "
	    "permanent");
	memset(&resp, 0, sizeof(resp));
	resp.status = 429;
	resp.retry_after = 7;
	resp.body = (char *)"slow down, see /services/T000/TOKENxyz";
	resp.body_len = strlen(resp.body);
	sink_http_verdict(&resp, NULL, &res);
	ok(res.retry_after == 7, "Retry-After reaches the verdict");
	ok(strstr(res.detail, "429") != NULL &&
	    strstr(res.detail, "TOKENxyz") == NULL,
	    "the detail names the status, not a body quoting the URL: %s",
	    res.detail);
	sink_http_verdict(NULL, NULL, &res);
	ok(res.verdict == SINK_RETRY, "a request that never started is "
	    "retried");
}

/* One answer body through a sink's verdict, with its URL's redactor. */
static void
verdict_of(const char *url, long status, const char *body,
    struct sink_result *res)
{
	struct urlredact	*r = urlredact_new(url);
	struct http_response	 resp;

	memset(&resp, 0, sizeof(resp));
	resp.status = status;
	resp.retry_after = -1;
	resp.body = (char *)body;
	resp.body_len = strlen(body);
	sink_http_verdict(&resp, r, res);
	urlredact_free(r);
}

/* Every form an answer may quote the URL's token in is redacted. */
static void
test_verdict_redacts(void)
{
	static const char	 url[] =
	    "https://127.0.0.1:8443/services/T000/B111/TOKENxyz42?sig=SIGabc123&v=1";
	struct sink_result	 res;
	char			 body[512], pad[100];

	verdict_of(url, 500, "no route to /services/T000/B111/TOKENxyz42",
	    &res);
	ok(strstr(res.detail, "TOKENxyz42") == NULL &&
	    strstr(res.detail, "HTTP 500: no route to") != NULL &&
	    strstr(res.detail, URLREDACT_MARK) != NULL,
	    "the path is redacted, the rest kept: %s", res.detail);
	verdict_of(url, 403, "{\"error\":\"invalid_token\",\"token\":"
	    "\"TOKENxyz42\"}", &res);
	ok(strstr(res.detail, "TOKENxyz42") == NULL &&
	    strstr(res.detail, "invalid_token") != NULL,
	    "a token quoted alone is redacted: %s", res.detail);
	verdict_of(url, 400, "bad signature sig=SIGabc123 (tokenXYZ42)", &res);
	ok(strstr(res.detail, "SIGabc123") == NULL &&
	    strstr(res.detail, "tokenXYZ42") == NULL,
	    "a query value, and the token in another case: %s", res.detail);
	verdict_of(url, 502, url, &res);
	ok(strstr(res.detail, "127.0.0.1") == NULL &&
	    strstr(res.detail, "TOKEN") == NULL,
	    "the whole URL is redacted: %s", res.detail);
	memset(pad, 'x', 76);
	pad[76] = '\0';
	snprintf(body, sizeof(body), "%sTOKENxyz42 tail", pad);
	verdict_of(url, 500, body, &res);
	ok(strstr(res.detail, "TOKE") == NULL,
	    "a token across the snippet's cut leaves no piece: %s",
	    res.detail);
	verdict_of(url, 500, "TOKEN\x01xyz42 and TOKEN\nxyz42", &res);
	ok(strstr(res.detail, "TOKENxyz42") == NULL,
	    "dropped bytes do not join a token's pieces: %s", res.detail);
	verdict_of("https://127.0.0.1/hook/a%2Fb%20TOKENxyz42", 500,
	    "path a/b TOKENxyz42 not found", &res);
	ok(strstr(res.detail, "TOKENxyz42") == NULL,
	    "the decoded form is redacted too: %s", res.detail);
}

/* The table, not config.c, says which keys a type takes. */
static void
test_table(void)
{
	char	buf[128];

	ok(sink_ops_find("webhook") == &sink_webhook_ops &&
	    sink_ops_find("slack") == &sink_slack_ops &&
	    sink_ops_find("pigeon") == NULL, "types are found in the table");
	ok(sink_ops_takes(&sink_webhook_ops, "secret") &&
	    !sink_ops_takes(&sink_slack_ops, "secret"),
	    "only webhook takes a secret");
	ok(sink_key_known("url") && !sink_key_known("colour"),
	    "known keys are the table's");
	sink_key_types("secret", buf, sizeof(buf));
	IS_STR(buf, "webhook", "the types taking secret");
	sink_type_list(buf, sizeof(buf));
	ok(strstr(buf, "webhook") != NULL && strstr(buf, "slack") != NULL &&
	    strstr(buf, "teams") != NULL && strstr(buf, "sns") != NULL,
	    "the type list names them all: %s", buf);
	ok(sink_ops_find("teams") == &sink_teams_ops &&
	    sink_ops_takes(&sink_teams_ops, "url") &&
	    !sink_ops_takes(&sink_teams_ops, "secret"),
	    "teams takes a url and no secret");
}

/* 0 and the config, or the error text in err. */
static struct config *
load_conf(const char *text, char *err, size_t errlen)
{
	char		 path[] = "/tmp/dw-test-sinks-XXXXXX";
	struct config	*cf = NULL;
	FILE		*fp;
	int		 fd;

	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		return NULL;
	fputs(text, fp);
	fclose(fp);
	*err = '\0';
	if (config_load(path, &cf, err, errlen) != 0)
		cf = NULL;
	unlink(path);
	return cf;
}

static void
test_sns_config(void)
{
	struct config	*cf;
	char		 err[512];

	cf = load_conf("[sink topic]\ntype = sns\ntopic_arn = "
	    "arn:aws:sns:eu-west-1:111122223333:alerts\n", err, sizeof(err));
	ok(cf != NULL && cf->nsinks == 1 && cf->sinks[0].nopts == 1 &&
	    strcmp(cf->sinks[0].opts[0].value,
	    "arn:aws:sns:eu-west-1:111122223333:alerts") == 0,
	    "an sns sink with its topic_arn loads: %s", err);
	config_free(cf);
	cf = load_conf("[sink topic]\ntype = sns\ntopic_arn = "
	    "arn:aws:sqs:eu-west-1:111122223333:alerts\n", err, sizeof(err));
	ok(cf == NULL && strstr(err, ":3: topic_arn: expected "
	    "arn:aws:sns:REGION:ACCOUNT:TOPIC") != NULL,
	    "a topic_arn that is not an SNS ARN: %s", err);
	cf = load_conf("[sink topic]\ntype = sns\n", err, sizeof(err));
	ok(cf == NULL && strstr(err, ":1: sink topic: missing topic_arn") !=
	    NULL, "no topic_arn: %s", err);
	cf = load_conf("[sink topic]\ntype = sns\nurl = https://x.example/\n"
	    "topic_arn = arn:aws:sns:us-east-1:111122223333:t\n", err,
	    sizeof(err));
	ok(cf == NULL && strstr(err, ":3: url: only webhook, slack or teams "
	    "sinks take a url (sink topic is type sns)") != NULL,
	    "a url on an sns sink: %s", err);
	cf = load_conf("[sink hook]\ntype = webhook\nurl = https://x.example/"
	    "\ntopic_arn = arn:aws:sns:us-east-1:111122223333:t\n", err,
	    sizeof(err));
	ok(cf == NULL && strstr(err, ":4: topic_arn: only sns sinks take a "
	    "topic_arn") != NULL, "a topic_arn on a webhook sink: %s", err);
	cf = load_conf("[sink topic]\ntype = sns\ntopic_arn = arn:aws:sns:"
	    "us-east-1:111122223333:t\ntopic_arn = arn:aws:sns:us-east-1:"
	    "111122223333:u\n", err, sizeof(err));
	ok(cf == NULL && strstr(err, ":4: topic_arn set twice (first on line "
	    "3)") != NULL, "topic_arn twice: %s", err);
}

static void
test_sns_subject(void)
{
	struct alert	*a = event_alert();
	char		 subj[128], big[400];
	size_t		 i;
	int		 clean = 1;

	sink_sns_subject(a, subj, sizeof(subj));
	ok(strncmp(subj, "[critical] Root <!channel> signed in", 36) == 0,
	    "subject: [severity] title: %s", subj);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[10] = '\n';
	big[20] = '\x1b';
	memcpy(big + 30, "\xc3\xa9", 2);
	alert_set(&a->title, big);
	sink_sns_subject(a, subj, sizeof(subj));
	for (i = 0; subj[i] != '\0'; i++)
		if (subj[i] < 0x20 || subj[i] > 0x7e)
			clean = 0;
	ok(strlen(subj) < 100 && clean, "under 100 printable ASCII "
	    "characters, no line break (%zu)", strlen(subj));
	ok(strcmp(subj + strlen(subj) - 3, "...") == 0, "a cut shows");
	alert_free(a);
}

/* kinds: the words, the default, the map from alert kinds. */
static void
test_kinds(void)
{
	static const enum alert_kind	 all[] = { ALERT_EVENT, ALERT_OPEN,
	    ALERT_RESOLVE, ALERT_BLIND, ALERT_SIGHTED };
	struct sink_spec		 sp;
	struct sink_env			 env;
	struct sink			*s;
	struct alert			*a;
	unsigned			 k = 0;
	char				 bad[16] = "", err[128];
	size_t				 i;
	int				 got[5];

	ok(sink_kinds_parse("events, drift resolve,blind\treminders", &k,
	    bad, sizeof(bad)) == 0 && k == SINK_KINDS_ALL,
	    "every word, commas or blanks between");
	ok(sink_kinds_parse("resolve", &k, bad, sizeof(bad)) == 0 &&
	    k == SINK_KIND_RESOLVE, "one word");
	ok(sink_kinds_parse(" , ", &k, bad, sizeof(bad)) == 0 &&
	    k == SINK_KINDS_ALL, "no word is the default, all");
	ok(sink_kinds_parse("all", &k, bad, sizeof(bad)) == 0 &&
	    k == SINK_KINDS_ALL, "all");
	ok(sink_kinds_parse("drift, resolves, blind", &k, bad,
	    sizeof(bad)) == -1, "a bad word is refused");
	IS_STR(bad, "resolves", "and named");
	ok(sink_kinds_parse("Drift", &k, bad, sizeof(bad)) == -1,
	    "words are lowercase");
	is_int(sink_kind_of(&(struct alert){ .kind = ALERT_SIGHTED }),
	    SINK_KIND_BLIND, "can see again goes with blind");

	memset(&sp, 0, sizeof(sp));
	memset(&env, 0, sizeof(env));
	sp.name = "r";
	sp.type = "slack";
	sp.url = URL;
	sp.min_severity = SEV_LOW;
	sp.kinds = SINK_KIND_RESOLVE | SINK_KIND_EVENTS;
	s = sink_new(&sp, &env, err, sizeof(err));
	for (i = 0; i < 5; i++) {
		a = alert_new(all[i], SEV_HIGH);
		got[i] = s != NULL && sink_wants(s, a);
		alert_free(a);
	}
	ok(got[0] && !got[1] && got[2] && !got[3] && !got[4],
	    "kinds = events resolve takes events and resolves only");
	a = alert_new(ALERT_RESOLVE, SEV_INFO);
	ok(s != NULL && !sink_wants(s, a),
	    "min_severity still applies to a kind it takes");
	alert_free(a);
	sink_free(s);
	sp.kinds = 0;
	s = sink_new(&sp, &env, err, sizeof(err));
	for (i = 0, k = 0; i < 5; i++) {
		a = alert_new(all[i], SEV_HIGH);
		k += s != NULL && sink_wants(s, a);
		alert_free(a);
	}
	is_int(k, 5, "no kinds set: every kind");
	sink_free(s);
}

int
main(void)
{
	test_new();
	test_wants();
	test_hmac();
	test_webhook();
	test_slack_event();
	test_slack_drift();
	test_slack_no_repeats();
	test_slack_good_news();
	test_slack_edges();
	test_teams_event();
	test_teams_kinds();
	test_teams_edges();
	test_teams_deliver();
	test_http_verdict();
	test_verdict_redacts();
	test_kinds();
	test_table();
	test_sns_config();
	test_sns_subject();
	return done_testing();
}
