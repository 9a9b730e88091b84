/*
 * Slack incoming webhooks: a fallback "text" plus Block Kit blocks in
 * mrkdwn.  Slack asks for &, < and > as &amp; &lt; &gt; in all text;
 * left raw, a '<' in a CloudTrail field could forge a link or a
 * mention.  Values from outside are also cleaned of control and bidi
 * characters and cut to Slack's per-element limits.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/error.h"
#include "driftwatch/sink.h"
#include "driftwatch/sink_text.h"
#include "driftwatch/textclean.h"

#define SLACK_HEADER_MAX	150	/* plain_text in a header block */
#define SLACK_TEXT_MAX		3000	/* section text */
#define SLACK_FIELD_MAX		2000	/* section field, context element */
#define SLACK_VALUE_MAX		400	/* one value, before escaping */
#define SLACK_FIELDS_MAX	10	/* fields in one section */
#define SLACK_BLOCKS_MAX	50	/* blocks in one message */
#define SLACK_URL_MAX		512	/* a console page */

struct sink_slack_sev {
	const char	*mark;
	const char	*label;
};

static const struct sink_slack_sev sink_slack_sevs[] = {
	{ ":information_source:",	"INFO" },
	{ ":large_blue_circle:",	"LOW" },
	{ ":large_yellow_circle:",	"MEDIUM" },
	{ ":large_orange_circle:",	"HIGH" },
	{ ":red_circle:",		"CRITICAL" },
};

static const struct sink_slack_sev *
sink_slack_sev(enum severity s)
{
	static const struct sink_slack_sev	unknown = {
		":grey_question:", "UNKNOWN"
	};

	if ((size_t)s >= sizeof(sink_slack_sevs) / sizeof(sink_slack_sevs[0]))
		return &unknown;
	return &sink_slack_sevs[s];
}

static const char *
sink_slack_entity(char c)
{
	switch (c) {
	case '&':	return "&amp;";
	case '<':	return "&lt;";
	case '>':	return "&gt;";
	}
	return NULL;
}

/*
 * s with &, <, > escaped, at most max bytes (max > 3); a cut never
 * splits a character or an entity and ends in an ellipsis.
 */
static char *
sink_slack_escape(const char *s, size_t max)
{
	const size_t	 elen = strlen(TEXTCLEAN_ELLIPSIS);
	const char	*rep;
	char		*out;
	size_t		 o = 0, cut = 0, w;

	if ((out = malloc(max + 1)) == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		rep = sink_slack_entity(*s);
		w = rep != NULL ? strlen(rep) : 1;
		if (((unsigned char)*s & 0xc0) != 0x80 && o + elen <= max)
			cut = o;
		if (o + w > max) {
			memcpy(out + cut, TEXTCLEAN_ELLIPSIS, elen);
			o = cut + elen;
			break;
		}
		memcpy(out + o, rep != NULL ? rep : s, w);
		o += w;
	}
	out[o] = '\0';
	return out;
}

/* An untrusted value made safe to show, then escaped. */
static char *
sink_slack_value(const char *v)
{
	char	*clean, *esc;

	if ((clean = textclean_dup(v, SLACK_VALUE_MAX)) == NULL)
		return NULL;
	esc = sink_slack_escape(clean, SLACK_FIELD_MAX - 100);
	free(clean);
	return esc;
}

static struct json_object *
sink_slack_textobj(const char *type, const char *text)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "text", json_object_new_string(text));
	return o;
}

/* Appends {"type":"mrkdwn","text":"*label*<sep>value"}; skips NULL. */
static int
sink_slack_field(struct json_object *arr, const char *label,
    const char *value, const char *sep)
{
	struct json_object	*t = NULL;
	char			*esc, *text = NULL;
	int			 r = DW_ENOMEM;

	if (value == NULL)
		return 0;
	if ((esc = sink_slack_value(value)) == NULL)
		return DW_ENOMEM;
	if (asprintf(&text, "*%s*%s%s", label, sep, esc) == -1)
		text = NULL;
	else if ((t = sink_slack_textobj("mrkdwn", text)) != NULL &&
	    json_object_array_add(arr, t) == 0)
		r = 0;
	else
		json_object_put(t);
	free(esc);
	free(text);
	return r;
}

/* A block holding an array under key, or nothing when it is empty. */
static int
sink_slack_add_array(struct json_object *blocks, const char *type,
    const char *key, struct json_object *arr)
{
	struct json_object	*b;

	if (json_object_array_length(arr) == 0 ||
	    json_object_array_length(blocks) >= SLACK_BLOCKS_MAX) {
		json_object_put(arr);
		return 0;
	}
	if ((b = json_object_new_object()) == NULL) {
		json_object_put(arr);
		return DW_ENOMEM;
	}
	json_object_object_add(b, "type", json_object_new_string(type));
	json_object_object_add(b, key, arr);
	return json_object_array_add(blocks, b) == 0 ? 0 : DW_ENOMEM;
}

/* The facts as sections of at most SLACK_FIELDS_MAX fields each. */
static int
sink_slack_details(struct json_object *blocks, const struct alert *a)
{
	struct sink_facts	 facts;
	struct json_object	*f = NULL;
	size_t			 i;
	int			 r = 0;

	if (sink_facts_make(a, &facts) != 0)
		return DW_ENOMEM;
	for (i = 0; i < facts.n && r == 0; i++) {
		if (f == NULL && (f = json_object_new_array()) == NULL) {
			r = DW_ENOMEM;
			break;
		}
		r = sink_slack_field(f, facts.f[i].label, facts.f[i].value,
		    "\n");
		if (r == 0 && (json_object_array_length(f) ==
		    SLACK_FIELDS_MAX || i + 1 == facts.n)) {
			r = sink_slack_add_array(blocks, "section", "fields", f);
			f = NULL;
		}
	}
	json_object_put(f);
	sink_facts_free(&facts);
	return r;
}

static int
sink_slack_context(struct json_object *blocks, const struct alert *a)
{
	struct json_object	*e;

	if ((e = json_object_new_array()) == NULL)
		return DW_ENOMEM;
	if ((sink_text_good(a) && sink_slack_field(e, "was",
	    severity_name(a->severity), " ") != 0) ||
	    sink_slack_field(e, "check", a->check, " ") != 0 ||
	    sink_slack_field(e, "finding", a->finding, " ") != 0 ||
	    sink_slack_field(e, "account", a->account, " ") != 0 ||
	    sink_slack_field(e, "alert", a->id, " ") != 0) {
		json_object_put(e);
		return DW_ENOMEM;
	}
	return sink_slack_add_array(blocks, "context", "elements", e);
}

/*
 * One escaped line cut to max: "<mark> <SEVERITY>: <title>", or for
 * good news a check mark and the title, which says "Resolved".
 */
static char *
sink_slack_headline(const struct alert *a, size_t max)
{
	const char	*t;
	char		*raw = NULL, *clean, *esc;
	int		 n;

	t = a->title != NULL ? a->title : a->check != NULL ? a->check :
	    "driftwatch alert";
	if (sink_text_good(a))
		n = asprintf(&raw, ":white_check_mark: %s%s",
		    a->kind == ALERT_RESOLVE && strncmp(t, "Resolved", 8) != 0 ?
		    "Resolved: " : "", t);
	else
		n = asprintf(&raw, "%s %s: %s",
		    sink_slack_sev(a->severity)->mark,
		    sink_slack_sev(a->severity)->label, t);
	if (n == -1)
		return NULL;
	clean = textclean_dup(raw, max);
	free(raw);
	if (clean == NULL)
		return NULL;
	esc = sink_slack_escape(clean, max);
	free(clean);
	return esc;
}

static int
sink_slack_header(struct json_object *blocks, const struct alert *a)
{
	struct json_object	*b, *t;
	char			*line;

	if ((line = sink_slack_headline(a, SLACK_HEADER_MAX)) == NULL)
		return DW_ENOMEM;
	t = sink_slack_textobj("plain_text", line);
	free(line);
	if (t == NULL || (b = json_object_new_object()) == NULL) {
		json_object_put(t);
		return DW_ENOMEM;
	}
	json_object_object_add(t, "emoji", json_object_new_boolean(1));
	json_object_object_add(b, "type", json_object_new_string("header"));
	json_object_object_add(b, "text", t);
	return json_object_array_add(blocks, b) == 0 ? 0 : DW_ENOMEM;
}

/*
 * The console page as Slack's own link markup, made here from a URL of
 * ours (no '|' or '>' in it), never from a value from outside.
 */
static char *
sink_slack_link(const struct alert *a)
{
	char		 buf[SLACK_URL_MAX], *link = NULL;
	const char	*url;

	if ((url = sink_text_console_url(a, buf, sizeof(buf))) == NULL ||
	    strpbrk(url, "|<>& ") != NULL)
		return strdup("");
	if (asprintf(&link, "\n<%s|Open in the AWS console>", url) == -1)
		return NULL;
	return link;
}

/* The kind, what the summary says beyond the fields, the console link. */
static int
sink_slack_summary(struct json_object *blocks, const struct alert *a)
{
	struct json_object	*b;
	char			*raw = NULL, *rest, *esc = NULL, *link, *text;
	int			 n;

	if ((rest = sink_text_summary(a)) == NULL)
		return DW_ENOMEM;
	n = asprintf(&raw, "*%s*%s%s", sink_text_kind(a), *rest != '\0' ?
	    "\n" : "", rest);
	free(rest);
	if (n == -1 || (link = sink_slack_link(a)) == NULL) {
		free(n == -1 ? NULL : raw);
		return DW_ENOMEM;
	}
	esc = sink_slack_escape(raw, SLACK_TEXT_MAX - strlen(link));
	free(raw);
	text = NULL;
	if (esc == NULL || asprintf(&text, "%s%s", esc, link) == -1)
		text = NULL;
	free(esc);
	free(link);
	if (text == NULL || (b = json_object_new_object()) == NULL) {
		free(text);
		return DW_ENOMEM;
	}
	json_object_object_add(b, "type", json_object_new_string("section"));
	json_object_object_add(b, "text", sink_slack_textobj("mrkdwn", text));
	free(text);
	return json_object_array_add(blocks, b) == 0 ? 0 : DW_ENOMEM;
}

static struct json_object *
sink_slack_message(const struct alert *a)
{
	struct json_object	*o, *blocks;
	char			*text;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if ((text = sink_slack_headline(a, SLACK_TEXT_MAX)) == NULL)
		goto fail;
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	if ((blocks = json_object_new_array()) == NULL)
		goto fail;
	json_object_object_add(o, "blocks", blocks);
	if (sink_slack_header(blocks, a) != 0 ||
	    sink_slack_summary(blocks, a) != 0 ||
	    sink_slack_details(blocks, a) != 0 ||
	    sink_slack_context(blocks, a) != 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

static int
sink_slack_render(const struct sink *s, const struct alert *a,
    struct sink_msg *msg)
{
	struct json_object	*o;
	const char		*str;
	size_t			 n;

	(void)s;
	if ((o = sink_slack_message(a)) == NULL)
		return DW_ENOMEM;
	str = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (str != NULL && (msg->body = strdup(str)) != NULL)
		msg->body_len = n;
	json_object_put(o);
	if (msg->body == NULL)
		return DW_ENOMEM;
	msg->content_type = "application/json";
	return 0;
}

static const char *const sink_slack_keys[] = { "url", NULL };

const struct sink_ops sink_slack_ops = {
	.type = "slack",
	.keys = sink_slack_keys,
	.required = sink_slack_keys,
	.render = sink_slack_render,
	.deliver = sink_http_deliver,
	.cancel = sink_http_cancel,
};
