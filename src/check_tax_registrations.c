/*
 * tax.registrations, a part of the tax family (check_tax.c): the tax
 * registrations of the billing family (Tax Settings
 * ListTaxRegistrations, every page) are exactly the baseline's, each
 * named by account, country, type and registration id.  One finding per
 * registration: a missing one and an extra one are each drift.  Legal
 * names and addresses are never read.
 * Baseline: "tax": { "registrations": [ { "account_id": "111122223333",
 * "country": "DE", "type": "VAT", "id": "DE123456789" } ] }.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "driftwatch/aws_tax.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "driftwatch/xmalloc.h"
#include "check_tax.h"

#define CHECK_ID	"tax.registrations"
#define TAX_MAX_WANT	1000
#define TAX_ID_MAX	200	/* the model's RegistrationId */
#define TAX_TEXT	(TAX_ID_MAX + 64)

static const char *const check_tax_types[] = {
	/* the model's TaxRegistrationType */
	"VAT", "GST", "CPF", "CNPJ", "SST", "TIN", "NRIC", "PAN", "NIP", NULL
};

struct check_tax_reg {
	char	*account_id;
	char	*country;	/* upper case */
	char	*type;
	char	*id;
};

struct check_tax_registrations {
	int			 set;	/* the key is there, maybe [] */
	struct check_tax_reg	*v;
	size_t			 n;
};

struct check_tax_regs_run {
	struct check_run	 run;
	struct check_pass	*pass;
	const struct check_tax_registrations *want;
	struct aws_pager	*pager;
	/* capture */
	struct check_capture	*cc;
	struct check_tax_registrations *part;
	struct check_part_wait	*wait;
};

static void
check_tax_regs_run_free(struct check_run *run)
{
	struct check_tax_regs_run	*r = (struct check_tax_regs_run *)run;

	aws_pager_cancel(r->pager);
	free(r);
}

static int
check_tax_reg_eq(const struct check_tax_reg *w, const struct tax_registration *t)
{
	return strcmp(w->account_id, t->account_id) == 0 &&
	    strcasecmp(w->country, t->country) == 0 &&
	    strcmp(w->type, t->type) == 0 && strcmp(w->id, t->id) == 0;
}

static int
check_tax_reg_wanted(const struct check_tax_registrations *want,
    const struct tax_registration *t)
{
	size_t	i;

	for (i = 0; i < want->n; i++)
		if (check_tax_reg_eq(&want->v[i], t))
			return 1;
	return 0;
}

static int
check_tax_reg_seen(const struct tax_registrations *got,
    const struct check_tax_reg *w)
{
	size_t	i;

	for (i = 0; i < got->n; i++)
		if (check_tax_reg_eq(w, &got->v[i]))
			return 1;
	return 0;
}

static void
check_tax_regs_observe(struct check_tax_regs_run *r, const char *account,
    const char *country, const char *type, const char *id, int state,
    const char *title, const char *expected, const char *actual)
{
	struct finding_obs	obs;
	char			res[TAX_TEXT];

	snprintf(res, sizeof(res), "%s:%.2s:%s:%s", account, country, type,
	    id);
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = res;
	obs.severity = SEV_MEDIUM;
	obs.state = state;
	obs.title = title;
	obs.expected = expected;
	obs.actual = actual;
	check_observe(r->pass, &obs);
}

static void
check_tax_regs_compare(struct check_tax_regs_run *r,
    const struct tax_registrations *got)
{
	const struct check_tax_reg	*w;
	const struct tax_registration	*t;
	char				 desc[TAX_TEXT];
	size_t				 i;

	for (i = 0; i < r->want->n; i++) {
		w = &r->want->v[i];
		snprintf(desc, sizeof(desc), "%s %s %s (account %s)",
		    w->country, w->type, w->id, w->account_id);
		if (check_tax_reg_seen(got, w))
			check_tax_regs_observe(r, w->account_id, w->country,
			    w->type, w->id, FINDING_OK, "A tax registration "
			    "of the baseline is missing", desc, desc);
		else
			check_tax_regs_observe(r, w->account_id, w->country,
			    w->type, w->id, FINDING_DRIFT, "A tax registration "
			    "of the baseline is missing", desc,
			    "not registered");
	}
	for (i = 0; i < got->n; i++) {
		t = &got->v[i];
		if (check_tax_reg_wanted(r->want, t))
			continue;
		snprintf(desc, sizeof(desc), "%.2s %s %.200s (account %s, %s)",
		    t->country, t->type, t->id, t->account_id, t->status);
		check_tax_regs_observe(r, t->account_id, t->country, t->type,
		    t->id, FINDING_DRIFT, "A tax registration the baseline "
		    "does not list", "not in the baseline", desc);
	}
}

static void
check_tax_regs_cb(const struct aws_result *res,
    const struct tax_registrations *got, void *arg)
{
	struct check_tax_regs_run	*r = arg;
	char				 buf[512];

	r->pager = NULL;
	if (res->result != 0) {
		snprintf(buf, sizeof(buf), "Tax Settings ListTaxRegistrations: "
		    "%s", aws_result_describe(res));
		check_end(r->pass, CHECK_ID, 0, buf);
		return;
	}
	check_tax_regs_compare(r, got);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static struct check_run *
check_tax_regs_start(struct check_pass *p, const void *part)
{
	const struct check_tax_registrations	*sec = part;
	struct check_tax_regs_run		*r;

	if (!sec->set)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_tax_regs_run_free;
	r->pass = p;
	r->want = sec;
	check_begin(p, CHECK_ID);
	r->pager = aws_tax_list_registrations(check_pass_aws(p),
	    check_pass_region(p), check_tax_regs_cb, r);
	if (r->pager == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the Tax Settings call");
	return &r->run;
}

/* Capture: every registration the family has. */

static int
check_tax_type_known(const char *type)
{
	size_t	i;

	for (i = 0; check_tax_types[i] != NULL; i++)
		if (strcmp(type, check_tax_types[i]) == 0)
			return 1;
	return 0;
}

/* What the baseline could not hold (a type newer than this driftwatch)
 * is left out with a note rather than written unreadable. */
static int
check_tax_reg_capturable(struct check_capture *cc,
    const struct tax_registration *t)
{
	if (check_tax_type_known(t->type) && strlen(t->country) == 2 &&
	    strlen(t->id) <= TAX_ID_MAX)
		return 1;
	check_capture_note(cc, CHECK_ID, "registration %.20s of account %s "
	    "left out: driftwatch cannot hold it in a baseline", t->type,
	    t->account_id);
	return 0;
}

static void
check_tax_reg_set(struct check_tax_reg *w, const struct tax_registration *t)
{
	size_t	i;

	w->account_id = xstrdup(t->account_id);
	w->country = xstrdup(t->country);
	for (i = 0; w->country[i] != '\0'; i++)
		w->country[i] = toupper((unsigned char)w->country[i]);
	w->type = xstrdup(t->type);
	w->id = xstrdup(t->id);
}

static void
check_tax_regs_cap_cb(const struct aws_result *res,
    const struct tax_registrations *got, void *arg)
{
	struct check_tax_regs_run	*r = arg;
	struct check_tax_registrations	*part = r->part;
	char				 buf[512];
	size_t				 i;

	r->pager = NULL;
	if (res->result != 0) {
		snprintf(buf, sizeof(buf), "Tax Settings ListTaxRegistrations: "
		    "%s", aws_result_describe(res));
		check_capture_unread(r->cc, CHECK_ID, buf);
		check_part_done(r->wait, buf);
		return;
	}
	part->set = 1;
	part->v = xcalloc(got->n + 1, sizeof(*part->v));
	for (i = 0; i < got->n && part->n < TAX_MAX_WANT; i++)
		if (!check_tax_reg_wanted(part, &got->v[i]) &&
		    check_tax_reg_capturable(r->cc, &got->v[i]))
			check_tax_reg_set(&part->v[part->n++], &got->v[i]);
	if (i < got->n)
		check_capture_note(r->cc, CHECK_ID, "%zu registrations, more "
		    "than a baseline holds (%d): the rest are left out",
		    got->n, TAX_MAX_WANT);
	check_part_done(r->wait, NULL);
}

static struct check_run *
check_tax_regs_capture(struct check_capture *cc, void *part,
    struct check_part_wait *wait)
{
	struct check_tax_regs_run	*r;

	r = xcalloc(1, sizeof(*r));
	r->run.free = check_tax_regs_run_free;
	r->cc = cc;
	r->part = part;
	r->wait = wait;
	r->pager = aws_tax_list_registrations(check_capture_aws(cc),
	    check_capture_region(cc), check_tax_regs_cap_cb, r);
	if (r->pager == NULL) {
		check_capture_unread(cc, CHECK_ID,
		    "cannot start the Tax Settings call");
		check_part_done(wait, "cannot start the Tax Settings call");
	}
	return &r->run;
}

/* The baseline key: an array of registrations, each field required. */

static int
check_tax_parse_account(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s, "0123456789", 12, 12))
		return baseline_fail(ctx, "expected a 12-digit account id "
		    "string like \"111122223333\"");
	baseline_set_str(field, s);
	return 0;
}

static int
check_tax_parse_country(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);
	char		**out = field;

	if (s == NULL || !baseline_all_of(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz", 2, 2))
		return baseline_fail(ctx, "expected a two-letter ISO 3166 "
		    "country code like \"DE\"");
	baseline_set_str(out, s);
	(*out)[0] = toupper((unsigned char)(*out)[0]);
	(*out)[1] = toupper((unsigned char)(*out)[1]);
	return 0;
}

static int
check_tax_parse_type(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s != NULL && check_tax_type_known(s)) {
		baseline_set_str(field, s);
		return 0;
	}
	return baseline_fail(ctx, "expected a registration type: VAT, GST, "
	    "CPF, CNPJ, SST, TIN, NRIC, PAN or NIP");
}

static int
check_tax_parse_id(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);
	size_t		 i;

	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s = NULL;
	if (s == NULL || strlen(s) > TAX_ID_MAX || strspn(s, " ") ==
	    strlen(s))
		return baseline_fail(ctx, "expected a registration id string "
		    "like \"DE123456789\" (1 to %d characters)", TAX_ID_MAX);
	baseline_set_str(field, s);
	return 0;
}

#define CR(f)	offsetof(struct check_tax_reg, f)

static const struct baseline_field check_tax_reg_fields[] = {
	{ "account_id", check_tax_parse_account, CR(account_id), 1 },
	{ "country", check_tax_parse_country, CR(country), 1 },
	{ "type", check_tax_parse_type, CR(type), 1 },
	{ "id", check_tax_parse_id, CR(id), 1 },
	{ NULL, NULL, 0, 0 }
};

static int
check_tax_reg_same(const struct check_tax_reg *a, const struct check_tax_reg *b)
{
	return a->account_id != NULL && b->account_id != NULL &&
	    a->country != NULL && b->country != NULL && a->type != NULL &&
	    b->type != NULL && a->id != NULL && b->id != NULL &&
	    strcmp(a->account_id, b->account_id) == 0 &&
	    strcmp(a->country, b->country) == 0 &&
	    strcmp(a->type, b->type) == 0 && strcmp(a->id, b->id) == 0;
}

static int
check_tax_parse_reg(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct check_tax_registrations	*sec = arg;
	size_t				 j;
	int				 r;

	if ((r = baseline_walk(ctx, val, check_tax_reg_fields,
	    &sec->v[i])) != 0)
		return r;
	for (j = 0; j < i; j++)
		if (check_tax_reg_same(&sec->v[j], &sec->v[i]))
			return baseline_fail(ctx, "the same registration as "
			    "entry [%zu]", j);
	return 0;
}

static void
check_tax_registrations_clear(struct check_tax_registrations *sec)
{
	size_t	i;

	for (i = 0; i < sec->n; i++) {
		free(sec->v[i].account_id);
		free(sec->v[i].country);
		free(sec->v[i].type);
		free(sec->v[i].id);
	}
	free(sec->v);
	sec->v = NULL;
	sec->n = 0;
	sec->set = 0;
}

static int
check_tax_parse_regs(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_tax_registrations	*sec = field;
	size_t				 n;
	int				 r;

	if ((r = baseline_array(ctx, val, TAX_MAX_WANT, &n)) != 0)
		return r;
	check_tax_registrations_clear(sec);
	sec->set = 1;
	sec->v = xcalloc(n + 1, sizeof(*sec->v));
	sec->n = n;
	return baseline_each(ctx, val, check_tax_parse_reg, sec);
}

static const struct baseline_field check_tax_regs_fields[] = {
	{ "registrations", check_tax_parse_regs, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_tax_regs_part_free(void *part)
{
	check_tax_registrations_clear(part);
}

static void
check_tax_regs_to_json(struct json_object *o, const void *part)
{
	const struct check_tax_registrations	*sec = part;
	struct json_object			*a, *e;
	size_t					 i;

	if (!sec->set)
		return;
	a = baseline_json_array();
	for (i = 0; i < sec->n; i++) {
		e = baseline_json_object();
		baseline_json_str(e, "account_id", sec->v[i].account_id);
		baseline_json_str(e, "country", sec->v[i].country);
		baseline_json_str(e, "type", sec->v[i].type);
		baseline_json_str(e, "id", sec->v[i].id);
		baseline_json_append(a, e);
	}
	baseline_json_add(o, "registrations", a);
}

const struct check_part check_tax_registrations_part = {
	.name = CHECK_ID,
	.fields = check_tax_regs_fields,
	.size = sizeof(struct check_tax_registrations),
	.free = check_tax_regs_part_free,
	.to_json = check_tax_regs_to_json,
	.start = check_tax_regs_start,
	.capture = check_tax_regs_capture,
};
