/*
 * contacts.billing, contacts.operations and contacts.security: each
 * alternate contact the baseline names is set and equal to it (name,
 * title and phone exactly, the email address ignoring ASCII case).
 * One GetAlternateContact per contact, without AccountId: the
 * management account reads its own.  ResourceNotFoundException means
 * the contact is not set, which is drift; any other failure is unknown.
 * Baseline: "contacts": { "security": { "name": ..., "title": ...,
 * "email": ..., "phone": ... }, ... }, every field required.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

#define CONTACTS_N		3
#define CONTACTS_VALUE_MAX	512	/* a description of one contact */

/* The three kinds: baseline key, AlternateContactType, check id. */
static const struct check_contacts_kind {
	const char	*key;
	const char	*type;
	const char	*check;
} check_contacts_kinds[CONTACTS_N] = {
	{ "billing", "BILLING", "contacts.billing" },
	{ "operations", "OPERATIONS", "contacts.operations" },
	{ "security", "SECURITY", "contacts.security" },
};

struct check_contacts_want {
	char	*name;
	char	*title;
	char	*email;
	char	*phone;
};

/* want[i] for check_contacts_kinds[i]; NULL: not checked. */
struct check_contacts_section {
	struct check_contacts_want	*want[CONTACTS_N];
};

struct check_contacts_run;

struct check_contacts_one {
	struct check_contacts_run		*run;
	const struct check_contacts_kind	*kind;
	const struct check_contacts_want	*want;
	struct aws_pager			*pager;
};

struct check_contacts_run {
	struct check_run		 run;
	struct check_pass		*pass;
	struct check_contacts_one	 one[CONTACTS_N];
};

static void
check_contacts_run_free(struct check_run *run)
{
	struct check_contacts_run	*r = (struct check_contacts_run *)run;
	size_t				 i;

	for (i = 0; i < CONTACTS_N; i++)
		aws_pager_cancel(r->one[i].pager);
	free(r);
}

/* Email addresses compare without ASCII case; NULL equals nothing. */
static int
check_contacts_email_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return 0;
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (*a == *b)
			continue;
		if ((*a | 0x20) != (*b | 0x20) || (*a | 0x20) < 'a' ||
		    (*a | 0x20) > 'z')
			return 0;
	}
	return *a == *b;
}

static int
check_contacts_eq(const char *want, const char *got)
{
	return got != NULL && strcmp(want, got) == 0;
}

/* Appends "what value" to buf, "; "-separated. */
static void
check_contacts_add(char *buf, const char *what, const char *value)
{
	size_t	n = strlen(buf);

	snprintf(buf + n, CONTACTS_VALUE_MAX - n, "%s%s %s", n > 0 ? "; " : "",
	    what, value != NULL ? value : "(none)");
}

static void
check_contacts_observe(struct check_contacts_one *o, int ok,
    const char *title, const char *expected, const char *actual)
{
	struct finding_obs	obs;

	memset(&obs, 0, sizeof(obs));
	obs.check = o->kind->check;
	obs.resource = "";
	obs.severity = SEV_MEDIUM;
	obs.state = ok ? FINDING_OK : FINDING_DRIFT;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(o->run->pass, &obs);
}

static void
check_contacts_describe(char *buf, const struct check_contacts_want *w)
{
	buf[0] = '\0';
	check_contacts_add(buf, "name", w->name);
	check_contacts_add(buf, "title", w->title);
	check_contacts_add(buf, "email", w->email);
	check_contacts_add(buf, "phone", w->phone);
}

static void
check_contacts_unset(struct check_contacts_one *o)
{
	char	title[100], expected[CONTACTS_VALUE_MAX];

	snprintf(title, sizeof(title), "The %s alternate contact is not set",
	    o->kind->key);
	check_contacts_describe(expected, o->want);
	check_contacts_observe(o, 0, title, expected, "not set");
}

/* Only the fields that differ go into expected and actual. */
static void
check_contacts_compare(struct check_contacts_one *o,
    const struct account_contact *got)
{
	const struct check_contacts_want	*w = o->want;
	char					 title[100];
	char					 exp[CONTACTS_VALUE_MAX] = "";
	char					 act[CONTACTS_VALUE_MAX] = "";

	if (!check_contacts_eq(w->name, got->name)) {
		check_contacts_add(exp, "name", w->name);
		check_contacts_add(act, "name", got->name);
	}
	if (!check_contacts_eq(w->title, got->title)) {
		check_contacts_add(exp, "title", w->title);
		check_contacts_add(act, "title", got->title);
	}
	if (!check_contacts_email_eq(w->email, got->email)) {
		check_contacts_add(exp, "email", w->email);
		check_contacts_add(act, "email", got->email);
	}
	if (!check_contacts_eq(w->phone, got->phone)) {
		check_contacts_add(exp, "phone", w->phone);
		check_contacts_add(act, "phone", got->phone);
	}
	snprintf(title, sizeof(title), "The %s alternate contact differs from "
	    "the baseline", o->kind->key);
	if (exp[0] == '\0')
		check_contacts_describe(exp, w);
	check_contacts_observe(o, act[0] == '\0', title, exp,
	    act[0] != '\0' ? act : exp);
}

static void
check_contacts_cb(const struct aws_result *res,
    const struct account_contact *got, void *arg)
{
	struct check_contacts_one	*o = arg;
	struct check_pass		*p = o->run->pass;

	o->pager = NULL;
	if (res->result != 0 && res->code != NULL &&
	    strcmp(res->code, "ResourceNotFoundException") == 0)
		check_contacts_unset(o);
	else if (res->result != 0) {
		check_end(p, o->kind->check, 0, aws_result_describe(res));
		return;
	} else
		check_contacts_compare(o, got);
	check_end(p, o->kind->check, 1, NULL);
}

static struct check_run *
check_contacts_start(struct check_pass *p, const void *section)
{
	const struct check_contacts_section	*sec = section;
	struct check_contacts_run		*r;
	struct check_contacts_one		*o;
	size_t					 i;

	for (i = 0; i < CONTACTS_N && sec->want[i] == NULL; i++)
		;
	if (i == CONTACTS_N)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_contacts_run_free;
	r->pass = p;
	for (i = 0; i < CONTACTS_N; i++) {
		if (sec->want[i] == NULL)
			continue;
		o = &r->one[i];
		o->run = r;
		o->kind = &check_contacts_kinds[i];
		o->want = sec->want[i];
		check_begin(p, o->kind->check);
		o->pager = aws_account_get_alternate_contact(check_pass_aws(p),
		    check_pass_region(p), o->kind->type, check_contacts_cb, o);
		if (o->pager == NULL)
			check_end(p, o->kind->check, 0,
			    "cannot start the Account call");
	}
	return &r->run;
}

/*
 * The baseline section.  Values are held to what PutAlternateContact
 * accepts (the Account API model's lengths and patterns), so a baseline
 * cannot ask for a contact AWS could never hold.
 */

/* Length in characters: UTF-8 bytes that do not continue one. */
static size_t
check_contacts_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
check_contacts_text(struct baseline_ctx *ctx, struct json_object *val,
    void *field, size_t max)
{
	const char	*s = baseline_str(val);
	size_t		 i;

	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s = NULL;
	if (s == NULL || check_contacts_chars(s) > max)
		return baseline_fail(ctx, "expected a non-empty string of at "
		    "most %zu characters", max);
	baseline_set_str(field, s);
	return 0;
}

static int
check_contacts_parse_name(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	return check_contacts_text(ctx, val, field, 64);
}

static int
check_contacts_parse_title(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	return check_contacts_text(ctx, val, field, 50);
}

#define CONTACTS_WORD	"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* The model's [\w+=.#!&-]+@[\w.-]+\.[\w]+, at most 64 characters. */
static int
check_contacts_email_valid(const char *s)
{
	const char	*at = strchr(s, '@'), *dot;
	size_t		 local;

	if (at == NULL || (local = (size_t)(at - s)) == 0 || strlen(s) > 64 ||
	    strspn(s, CONTACTS_WORD "+=.#!&-") != local)
		return 0;
	if ((dot = strrchr(at, '.')) == NULL || dot == at + 1 ||
	    strspn(at + 1, CONTACTS_WORD ".-") != strlen(at + 1))
		return 0;
	return dot[1] != '\0' && strspn(dot + 1, CONTACTS_WORD) ==
	    strlen(dot + 1);
}

static int
check_contacts_parse_email(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !check_contacts_email_valid(s))
		return baseline_fail(ctx, "expected an email address like "
		    "\"security@example.com\" (at most 64 characters)");
	baseline_set_str(field, s);
	return 0;
}

static int
check_contacts_parse_phone(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s, "0123456789()+- ", 1, 25))
		return baseline_fail(ctx, "expected a phone number like "
		    "\"+1 206-555-0100\" (digits, spaces and ()+-, at most "
		    "25)");
	baseline_set_str(field, s);
	return 0;
}

#define CW(f)	offsetof(struct check_contacts_want, f)

static const struct baseline_field check_contacts_want_fields[] = {
	{ "name", check_contacts_parse_name, CW(name), 1 },
	{ "title", check_contacts_parse_title, CW(title), 1 },
	{ "email", check_contacts_parse_email, CW(email), 1 },
	{ "phone", check_contacts_parse_phone, CW(phone), 1 },
	{ NULL, NULL, 0, 0 }
};

static int
check_contacts_parse_want(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_contacts_want	**want = field;

	*want = xcalloc(1, sizeof(**want));
	return baseline_walk(ctx, val, check_contacts_want_fields, *want);
}

#define CS(i)	offsetof(struct check_contacts_section, want[i])

static const struct baseline_field check_contacts_fields[] = {
	{ "billing", check_contacts_parse_want, CS(0), 0 },
	{ "operations", check_contacts_parse_want, CS(1), 0 },
	{ "security", check_contacts_parse_want, CS(2), 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_contacts_free(void *section)
{
	struct check_contacts_section	*sec = section;
	size_t				 i;

	if (sec == NULL)
		return;
	for (i = 0; i < CONTACTS_N; i++) {
		if (sec->want[i] == NULL)
			continue;
		free(sec->want[i]->name);
		free(sec->want[i]->title);
		free(sec->want[i]->email);
		free(sec->want[i]->phone);
		free(sec->want[i]);
	}
	free(sec);
}

static int
check_contacts_parse(struct baseline_ctx *ctx, struct json_object *val,
    void **section)
{
	*section = xcalloc(1, sizeof(struct check_contacts_section));
	return baseline_walk(ctx, val, check_contacts_fields, *section);
}

static struct json_object *
check_contacts_to_json(const void *section)
{
	const struct check_contacts_section	*sec = section;
	const struct check_contacts_want	*w;
	struct json_object			*o = baseline_json_object(), *c;
	size_t					 i;

	for (i = 0; i < CONTACTS_N; i++) {
		if ((w = sec->want[i]) == NULL)
			continue;
		c = baseline_json_object();
		baseline_json_str(c, "name", w->name);
		baseline_json_str(c, "title", w->title);
		baseline_json_str(c, "email", w->email);
		baseline_json_str(c, "phone", w->phone);
		baseline_json_add(o, check_contacts_kinds[i].key, c);
	}
	return o;
}

/*
 * capture: each alternate contact as it is set; an unset one is left
 * out (and not checked) with a note to set it.  A value the baseline
 * would refuse (AWS holds it to the same limits) is left out as unread.
 */

struct check_contacts_capture;

struct check_contacts_capone {
	struct check_contacts_capture		*c;
	const struct check_contacts_kind	*kind;
	size_t					 i;
	struct aws_pager			*pager;
};

struct check_contacts_capture {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_contacts_section	*sec;
	struct check_contacts_capone	 one[CONTACTS_N];
	size_t				 pending;
};

static void
check_contacts_capture_free(struct check_run *run)
{
	struct check_contacts_capture	*c =
	    (struct check_contacts_capture *)run;
	size_t				 i;

	for (i = 0; i < CONTACTS_N; i++)
		aws_pager_cancel(c->one[i].pager);
	check_contacts_free(c->sec);
	free(c);
}

static void
check_contacts_capture_one_done(struct check_contacts_capture *c)
{
	struct check_contacts_section	*sec;

	if (--c->pending > 0)
		return;
	sec = c->sec;
	c->sec = NULL;
	check_capture_done(c->cc, &check_family_contacts, sec);
}

static int
check_contacts_text_valid(const char *s, size_t max)
{
	size_t	i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return check_contacts_chars(s) <= max;
}

/* As the section's parsers would take it. */
static int
check_contacts_valid(const struct account_contact *got)
{
	return check_contacts_text_valid(got->name, 64) &&
	    check_contacts_text_valid(got->title, 50) &&
	    got->email != NULL && check_contacts_email_valid(got->email) &&
	    got->phone != NULL && baseline_all_of(got->phone,
	    "0123456789()+- ", 1, 25);
}

static void
check_contacts_capture_cb(const struct aws_result *res,
    const struct account_contact *got, void *arg)
{
	struct check_contacts_capone	*o = arg;
	struct check_contacts_capture	*c = o->c;
	struct check_contacts_want	*w;

	o->pager = NULL;
	if (res->result != 0 && res->code != NULL &&
	    strcmp(res->code, "ResourceNotFoundException") == 0)
		check_capture_note(c->cc, o->kind->check, "not set, so left "
		    "out and not checked: set the %s contact (a team "
		    "address, not a person's) and capture again",
		    o->kind->key);
	else if (res->result != 0)
		check_capture_unread(c->cc, o->kind->check,
		    aws_result_describe(res));
	else if (!check_contacts_valid(got))
		check_capture_unread(c->cc, o->kind->check, "a value the "
		    "baseline cannot hold (driftwatch-baseline(5), contacts)");
	else {
		w = c->sec->want[o->i] = xcalloc(1, sizeof(*w));
		w->name = xstrdup(got->name);
		w->title = xstrdup(got->title);
		w->email = xstrdup(got->email);
		w->phone = xstrdup(got->phone);
	}
	check_contacts_capture_one_done(c);
}

static struct check_run *
check_contacts_capture(struct check_capture *cc)
{
	struct check_contacts_capture	*c;
	struct check_contacts_capone	*o;
	size_t				 i;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_contacts_capture_free;
	c->cc = cc;
	c->sec = xcalloc(1, sizeof(*c->sec));
	c->pending = CONTACTS_N + 1;
	for (i = 0; i < CONTACTS_N; i++) {
		o = &c->one[i];
		o->c = c;
		o->kind = &check_contacts_kinds[i];
		o->i = i;
		o->pager = aws_account_get_alternate_contact(
		    check_capture_aws(cc), check_capture_region(cc),
		    o->kind->type, check_contacts_capture_cb, o);
		if (o->pager == NULL) {
			check_capture_unread(cc, o->kind->check,
			    "cannot start the Account call");
			check_contacts_capture_one_done(c);
		}
	}
	check_contacts_capture_one_done(c);
	return &c->run;
}

const struct check_family check_family_contacts = {
	.name = "contacts",
	.parse = check_contacts_parse,
	.free = check_contacts_free,
	.to_json = check_contacts_to_json,
	.start = check_contacts_start,
	.capture = check_contacts_capture,
};
