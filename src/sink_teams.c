/*
 * Microsoft Teams workflow webhooks (Power Automate's "When a Teams
 * webhook request is received"): a message with one Adaptive Card 1.4
 * attachment, which the workflow posts to a channel.  The card is a
 * title in the severity's colour, what the summary says beyond the
 * facts, a FactSet, and a button to the AWS console page of the
 * resource where there is one.
 *
 * Teams renders a subset of Markdown in TextBlock and Fact text; left
 * raw, a "[x](https://...)" in a CloudTrail field would become a link,
 * so values from outside have the Markdown punctuation of links, code
 * and emphasis backslash-escaped (an underscore inside a word, as in
 * check ids, is no emphasis and is left alone) and are cleaned of
 * control and bidi characters.  A workflow answers
 * 202 Accepted; the shared HTTP delivery treats every 2xx as delivered,
 * 429 and 5xx as retry (with Retry-After) and other 4xx as permanent.
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

#define TEAMS_CARD_VERSION	"1.4"
#define TEAMS_TITLE_MAX		200	/* the title line, before escaping */
#define TEAMS_VALUE_MAX		400	/* one fact value, before escaping */
#define TEAMS_LINE_MAX		400	/* one summary line */
#define TEAMS_SUMMARY_MAX	2000	/* all summary lines */
#define TEAMS_URL_MAX		512

/* The TextBlock colour (Adaptive Cards' Colors) for an alert. */
static const char *
sink_teams_color(const struct alert *a)
{
	if (sink_text_good(a))
		return "good";
	if (a->kind == ALERT_BLIND)
		return "warning";
	switch (a->severity) {
	case SEV_CRITICAL:
	case SEV_HIGH:		return "attention";
	case SEV_MEDIUM:	return "warning";
	case SEV_LOW:
	case SEV_INFO:		return "accent";
	}
	return "default";
}

/* s cleaned to max bytes, then link and emphasis punctuation escaped. */
static char *
sink_teams_escape(const char *s, size_t max)
{
	char	*clean, *out;
	size_t	 i, o = 0;

	if ((clean = textclean_dup(s, max)) == NULL)
		return NULL;
	if ((out = malloc(2 * strlen(clean) + 1)) != NULL) {
		for (i = 0; clean[i] != '\0'; i++) {
			if (strchr("\\`*[]~<>", clean[i]) != NULL)
				out[o++] = '\\';
			out[o++] = clean[i];
		}
		out[o] = '\0';
	}
	free(clean);
	return out;
}

static int
sink_teams_add_str(struct json_object *o, const char *key, const char *v)
{
	struct json_object	*s;

	if ((s = json_object_new_string(v)) == NULL)
		return DW_ENOMEM;
	json_object_object_add(o, key, s);
	return 0;
}

/* Appends a wrapping TextBlock; text is already escaped. */
static struct json_object *
sink_teams_text(struct json_object *body, const char *text)
{
	struct json_object	*b;

	if ((b = json_object_new_object()) == NULL)
		return NULL;
	if (sink_teams_add_str(b, "type", "TextBlock") != 0 ||
	    sink_teams_add_str(b, "text", text) != 0 ||
	    json_object_array_add(body, b) != 0) {
		json_object_put(b);
		return NULL;
	}
	json_object_object_add(b, "wrap", json_object_new_boolean(1));
	return b;
}

/* "critical" as "CRITICAL", like the other chat sink says it. */
static void
sink_teams_upper(const char *s, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = s[i] >= 'a' && s[i] <= 'z' ? s[i] - ('a' - 'A') : s[i];
	buf[i] = '\0';
}

/*
 * "CRITICAL: <title>", or the title (saying "Resolved") for good news,
 * escaped; NULL when out of memory.
 */
static char *
sink_teams_headline(const struct alert *a)
{
	const char	*t;
	char		*raw = NULL, *esc, sev[16];
	int		 n;

	t = a->title != NULL ? a->title : a->check != NULL ? a->check :
	    "driftwatch alert";
	sink_teams_upper(severity_name(a->severity), sev, sizeof(sev));
	if (sink_text_good(a))
		n = asprintf(&raw, "%s%s", a->kind == ALERT_RESOLVE &&
		    strncmp(t, "Resolved", 8) != 0 ? "Resolved: " : "", t);
	else
		n = asprintf(&raw, "%s: %s", sev, t);
	if (n == -1)
		return NULL;
	esc = sink_teams_escape(raw, TEAMS_TITLE_MAX);
	free(raw);
	return esc;
}

/* The headline, large, in the severity's colour. */
static int
sink_teams_title(struct json_object *body, const struct alert *a,
    const char *headline)
{
	struct json_object	*b;

	if ((b = sink_teams_text(body, headline)) == NULL ||
	    sink_teams_add_str(b, "size", "Large") != 0 ||
	    sink_teams_add_str(b, "weight", "Bolder") != 0 ||
	    sink_teams_add_str(b, "color", sink_teams_color(a)) != 0)
		return DW_ENOMEM;
	return 0;
}

/* "Drift detected", or "Resolved · was critical": subtle, under it. */
static int
sink_teams_kind(struct json_object *body, const struct alert *a)
{
	struct json_object	*b;
	char			*line = NULL;
	int			 n;

	if (sink_text_good(a))
		n = asprintf(&line, "%s \xc2\xb7 was %s", sink_text_kind(a),
		    severity_name(a->severity));
	else
		n = asprintf(&line, "%s", sink_text_kind(a));
	if (n == -1)
		return DW_ENOMEM;
	b = sink_teams_text(body, line);
	free(line);
	if (b == NULL || sink_teams_add_str(b, "spacing", "None") != 0)
		return DW_ENOMEM;
	json_object_object_add(b, "isSubtle", json_object_new_boolean(1));
	return 0;
}

/* Appends one cleaned, escaped line to *out, paragraphs apart. */
static int
sink_teams_line(char **out, const char *line, size_t len)
{
	char	*raw, *esc, *n = NULL;
	int	 r = DW_ENOMEM;

	if ((raw = strndup(line, len)) == NULL)
		return DW_ENOMEM;
	if ((esc = sink_teams_escape(raw, TEAMS_LINE_MAX)) != NULL &&
	    asprintf(&n, "%s%s%s", *out, **out != '\0' ? "\n\n" : "",
	    esc) != -1) {
		free(*out);
		*out = n;
		r = 0;
	}
	free(raw);
	free(esc);
	return r;
}

/* What the summary says beyond the facts, when it says anything. */
static int
sink_teams_summary(struct json_object *body, const struct alert *a)
{
	char		*rest, *text;
	const char	*s, *nl;
	int		 r = 0;

	if ((rest = sink_text_summary(a)) == NULL)
		return DW_ENOMEM;
	if ((text = strdup("")) == NULL) {
		free(rest);
		return DW_ENOMEM;
	}
	for (s = rest; *s != '\0' && r == 0 && strlen(text) <
	    TEAMS_SUMMARY_MAX; s = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		r = sink_teams_line(&text, s, (size_t)(nl - s));
	}
	if (r == 0 && *text != '\0' && sink_teams_text(body, text) == NULL)
		r = DW_ENOMEM;
	free(rest);
	free(text);
	return r;
}

/* Appends {"title": label, "value": escaped value}. */
static int
sink_teams_fact(struct json_object *facts, const char *label,
    const char *value)
{
	struct json_object	*f;
	char			*esc;
	int			 r = DW_ENOMEM;

	if (value == NULL || *value == '\0')
		return 0;
	if ((esc = sink_teams_escape(value, TEAMS_VALUE_MAX)) == NULL)
		return DW_ENOMEM;
	if ((f = json_object_new_object()) != NULL &&
	    sink_teams_add_str(f, "title", label) == 0 &&
	    sink_teams_add_str(f, "value", esc) == 0 &&
	    json_object_array_add(facts, f) == 0)
		r = 0;
	else
		json_object_put(f);
	free(esc);
	return r;
}

/* The check, finding and account, then the alert's own facts. */
static int
sink_teams_facts_fill(struct json_object *facts, const struct alert *a)
{
	struct sink_facts	 sf;
	size_t			 i;
	int			 r;

	if ((r = sink_teams_fact(facts, "Check", a->check)) != 0 ||
	    (a->finding != NULL && a->check != NULL &&
	    strcmp(a->finding, a->check) != 0 &&
	    (r = sink_teams_fact(facts, "Finding", a->finding)) != 0) ||
	    (r = sink_teams_fact(facts, "Account", a->account)) != 0)
		return r;
	if (sink_facts_make(a, &sf) != 0)
		return DW_ENOMEM;
	for (i = 0; i < sf.n && r == 0; i++)
		r = sink_teams_fact(facts, sf.f[i].label, sf.f[i].value);
	sink_facts_free(&sf);
	return r;
}

static int
sink_teams_factset(struct json_object *body, const struct alert *a)
{
	struct json_object	*set, *facts;

	if ((facts = json_object_new_array()) == NULL)
		return DW_ENOMEM;
	if (sink_teams_facts_fill(facts, a) != 0) {
		json_object_put(facts);
		return DW_ENOMEM;
	}
	if (json_object_array_length(facts) == 0) {
		json_object_put(facts);
		return 0;
	}
	if ((set = json_object_new_object()) == NULL ||
	    sink_teams_add_str(set, "type", "FactSet") != 0 ||
	    json_object_array_add(body, set) != 0) {
		json_object_put(set);
		json_object_put(facts);
		return DW_ENOMEM;
	}
	json_object_object_add(set, "facts", facts);
	return 0;
}

/* The alert id, small, for whoever needs to find it in the logs. */
static int
sink_teams_footer(struct json_object *body, const struct alert *a)
{
	struct json_object	*b;
	char			*line = NULL;

	if (asprintf(&line, "driftwatch alert %s", a->id) == -1)
		return DW_ENOMEM;
	b = sink_teams_text(body, line);
	free(line);
	if (b == NULL || sink_teams_add_str(b, "size", "Small") != 0)
		return DW_ENOMEM;
	json_object_object_add(b, "isSubtle", json_object_new_boolean(1));
	return 0;
}

/* [Action.OpenUrl] to the console page, or nothing. */
static int
sink_teams_actions(struct json_object *card, const struct alert *a)
{
	struct json_object	*acts, *b;
	char			 buf[TEAMS_URL_MAX];
	const char		*url;

	if ((url = sink_text_console_url(a, buf, sizeof(buf))) == NULL)
		return 0;
	if ((acts = json_object_new_array()) == NULL)
		return DW_ENOMEM;
	json_object_object_add(card, "actions", acts);
	if ((b = json_object_new_object()) == NULL ||
	    json_object_array_add(acts, b) != 0) {
		json_object_put(b);
		return DW_ENOMEM;
	}
	if (sink_teams_add_str(b, "type", "Action.OpenUrl") != 0 ||
	    sink_teams_add_str(b, "title", "Open in the AWS console") != 0 ||
	    sink_teams_add_str(b, "url", url) != 0)
		return DW_ENOMEM;
	return 0;
}

static int
sink_teams_body(struct json_object *card, const struct alert *a,
    const char *headline)
{
	struct json_object	*body;

	if ((body = json_object_new_array()) == NULL)
		return DW_ENOMEM;
	json_object_object_add(card, "body", body);
	if (sink_teams_title(body, a, headline) != 0 ||
	    sink_teams_kind(body, a) != 0 ||
	    sink_teams_summary(body, a) != 0 ||
	    sink_teams_factset(body, a) != 0 ||
	    sink_teams_footer(body, a) != 0)
		return DW_ENOMEM;
	return 0;
}

/* The AdaptiveCard; the headline is also its fallbackText. */
static struct json_object *
sink_teams_card(const struct alert *a)
{
	struct json_object	*card, *ms;
	char			*fb = NULL;

	if ((card = json_object_new_object()) == NULL)
		return NULL;
	if ((fb = sink_teams_headline(a)) == NULL ||
	    sink_teams_add_str(card, "$schema",
	    "http://adaptivecards.io/schemas/adaptive-card.json") != 0 ||
	    sink_teams_add_str(card, "type", "AdaptiveCard") != 0 ||
	    sink_teams_add_str(card, "version", TEAMS_CARD_VERSION) != 0 ||
	    sink_teams_add_str(card, "fallbackText", fb) != 0 ||
	    (ms = json_object_new_object()) == NULL)
		goto fail;
	json_object_object_add(card, "msteams", ms);
	if (sink_teams_add_str(ms, "width", "Full") != 0 ||
	    sink_teams_body(card, a, fb) != 0 ||
	    sink_teams_actions(card, a) != 0)
		goto fail;
	free(fb);
	return card;
fail:
	free(fb);
	json_object_put(card);
	return NULL;
}

/* {"type":"message","attachments":[{contentType, contentUrl, content}]} */
static struct json_object *
sink_teams_message(const struct alert *a)
{
	struct json_object	*o, *atts, *att, *card;

	if ((card = sink_teams_card(a)) == NULL)
		return NULL;
	if ((o = json_object_new_object()) == NULL ||
	    (atts = json_object_new_array()) == NULL) {
		json_object_put(o);
		json_object_put(card);
		return NULL;
	}
	json_object_object_add(o, "type", json_object_new_string("message"));
	json_object_object_add(o, "attachments", atts);
	if ((att = json_object_new_object()) == NULL ||
	    json_object_array_add(atts, att) != 0) {
		json_object_put(att);
		json_object_put(card);
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(att, "contentType", json_object_new_string(
	    "application/vnd.microsoft.card.adaptive"));
	json_object_object_add(att, "contentUrl", NULL);
	json_object_object_add(att, "content", card);
	return o;
}

static int
sink_teams_render(const struct sink *s, const struct alert *a,
    struct sink_msg *msg)
{
	struct json_object	*o;
	const char		*str;
	size_t			 n;

	(void)s;
	if ((o = sink_teams_message(a)) == NULL)
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

static const char *const sink_teams_keys[] = { "url", NULL };

const struct sink_ops sink_teams_ops = {
	.type = "teams",
	.keys = sink_teams_keys,
	.required = sink_teams_keys,
	.render = sink_teams_render,
	.deliver = sink_http_deliver,
	.cancel = sink_http_cancel,
};
