/*
 * `check`'s table: one line per check on its baseline, one per drifted
 * resource, one per check that could not finish (with why), in the
 * columns check, resource (when any line has one), state, expected,
 * actual; values too long for the width are cut with "...".  Below it,
 * each drift and unknown in full, then one summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/alert.h"
#include "driftwatch/xmalloc.h"

#include "driftwatch/mutes.h"

#include "report.h"

#define TABLE_GAP		2
#define TABLE_STATE_W		7	/* "unknown" */
#define TABLE_CHECK_MAX		32
#define TABLE_RESOURCE_MAX	28
#define TABLE_RESOURCE_MIN	8
#define TABLE_CHECK_MIN		12
#define TABLE_VALUE_MIN		12

#define COLOUR_OK	"\033[32m"
#define COLOUR_DRIFT	"\033[31m"
#define COLOUR_UNKNOWN	"\033[33m"
#define COLOUR_MUTED	"\033[36m"
#define COLOUR_RESET	"\033[0m"

/* One line of the table; strings borrowed from the result. */
struct table_line {
	const char		*check;
	const char		*resource;
	enum finding_state	 state;
	const char		*expected;
	const char		*actual;
	const char		*reason;	/* unknown: spans both */
	int			 muted;
	char			*own;		/* a value made for the line */
};

struct table {
	struct table_line	*v;
	size_t			 n;
	unsigned		 w_check, w_res, w_exp, w_act;
};

/* Width in characters: UTF-8 bytes that do not continue one. */
static size_t
table_chars(const char *s)
{
	size_t	n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * Prints s in a cell of w characters: control characters (an AWS value
 * may hold anything) as '?', cut with "..." when longer; pads unless
 * last.
 */
static void
table_cell(FILE *fp, const char *s, size_t w, int last)
{
	size_t	n = table_chars(s), keep = n, i = 0, col = 0;

	if (s == NULL)
		s = "";
	if (n > w)
		keep = w > 3 ? w - 3 : w;
	for (; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && col++ == keep)
			break;
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			putc('?', fp);
		else
			putc(s[i], fp);
	}
	if (n > w && w > 3)
		fputs("...", fp);
	if (!last)
		for (n = n > w ? w : n; n < w + TABLE_GAP; n++)
			putc(' ', fp);
}

static struct table_line *
table_add(struct table *t, const char *check, enum finding_state st)
{
	struct table_line	*l;

	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	l = &t->v[t->n++];
	memset(l, 0, sizeof(*l));
	l->check = check;
	l->resource = "";
	l->state = st;
	return l;
}

/*
 * A check on its baseline is one line: its finding's values when it
 * has one, else a count.  Otherwise a line per drift and the reason it
 * could not finish; what was ok beside them is left to --json.
 */
static void
table_check(struct table *t, const struct report_result *res,
    const struct report_check *c)
{
	const struct report_row	*r, *one = NULL;
	struct table_line	*l;
	size_t			 i, n = 0;

	for (i = 0; i < res->nrows; i++) {
		r = &res->rows[i];
		if (strcmp(r->check, c->id) != 0)
			continue;
		n++;
		one = r;
		if (c->state == FINDING_OK ||
		    (r->state != FINDING_DRIFT && r->reason == NULL))
			continue;
		l = table_add(t, r->check, r->state);
		l->resource = r->resource;
		l->expected = r->expected;
		l->actual = r->actual;
		l->reason = r->reason;
		l->muted = r->muted;
	}
	if (c->state != FINDING_OK)
		return;
	l = table_add(t, c->id, FINDING_OK);
	if (n == 1) {
		l->resource = one->resource;
		l->expected = one->expected;
		l->actual = one->actual;
	} else if (n > 1) {
		xasprintf(&l->own, "all %zu on the baseline", n);
		l->actual = l->own;
	}
}

static unsigned
table_max(unsigned w, const char *s, unsigned cap)
{
	size_t	n = table_chars(s);

	if (n > cap)
		n = cap;
	return n > w ? (unsigned)n : w;
}

/* What the check, resource and state columns take, gaps included. */
static unsigned
table_fixed(const struct table *t)
{
	return t->w_check + TABLE_GAP + TABLE_STATE_W + TABLE_GAP * 2 +
	    (t->w_res > 0 ? t->w_res + TABLE_GAP : 0);
}

/* A narrow width cuts the resource column first, then the check's. */
static void
table_shrink(struct table *t, unsigned width)
{
	unsigned	need, cut;

	if (table_fixed(t) + 2 * TABLE_VALUE_MIN <= width)
		return;
	need = table_fixed(t) + 2 * TABLE_VALUE_MIN - width;
	if (t->w_res > TABLE_RESOURCE_MIN) {
		cut = t->w_res - TABLE_RESOURCE_MIN;
		cut = cut < need ? cut : need;
		t->w_res -= cut;
		need -= cut;
	}
	if (need > 0 && t->w_check > TABLE_CHECK_MIN) {
		cut = t->w_check - TABLE_CHECK_MIN;
		t->w_check -= cut < need ? cut : need;
	}
}

/* Column widths: check and resource as needed, the values share the rest. */
static void
table_widths(struct table *t, unsigned width)
{
	unsigned	ne = 8, na = 6, avail, fixed;	/* the headings */
	size_t		i;

	t->w_check = 5;
	t->w_res = 0;
	for (i = 0; i < t->n; i++) {
		t->w_check = table_max(t->w_check, t->v[i].check,
		    TABLE_CHECK_MAX);
		if (*t->v[i].resource != '\0')
			t->w_res = table_max(t->w_res < 8 ? 8 : t->w_res,
			    t->v[i].resource, TABLE_RESOURCE_MAX);
		if (t->v[i].reason != NULL)
			continue;
		ne = table_max(ne, t->v[i].expected, width);
		na = table_max(na, t->v[i].actual, width);
	}
	table_shrink(t, width);
	fixed = table_fixed(t);
	avail = width > fixed + 2 * TABLE_VALUE_MIN ? width - fixed :
	    2 * TABLE_VALUE_MIN;
	if (ne + na <= avail) {
		t->w_exp = ne;
		t->w_act = avail - ne;
	} else if (ne <= avail / 2) {
		t->w_exp = ne;
		t->w_act = avail - ne;
	} else if (na <= avail / 2) {
		t->w_act = na;
		t->w_exp = avail - na;
	} else {
		t->w_exp = avail / 2;
		t->w_act = avail - avail / 2;
	}
}

static const char *
table_colour(enum finding_state st)
{
	switch (st) {
	case FINDING_OK:	return COLOUR_OK;
	case FINDING_DRIFT:	return COLOUR_DRIFT;
	case FINDING_UNKNOWN:	return COLOUR_UNKNOWN;
	}
	return "";
}

static void
table_print_line(FILE *fp, const struct table *t, const struct table_line *l,
    int colour)
{
	const char	*state = l->muted ? "muted" : finding_state_name(l->state);

	table_cell(fp, l->check, t->w_check, 0);
	if (t->w_res > 0)
		table_cell(fp, l->resource, t->w_res, 0);
	if (colour)
		fprintf(fp, "%s%s%s%*s", l->muted ? COLOUR_MUTED :
		    table_colour(l->state), state,
		    COLOUR_RESET, (int)(TABLE_STATE_W + TABLE_GAP -
		    strlen(state)), "");
	else
		table_cell(fp, state, TABLE_STATE_W, 0);
	if (l->reason != NULL)
		table_cell(fp, l->reason, t->w_exp + TABLE_GAP + t->w_act, 1);
	else {
		table_cell(fp, l->expected != NULL ? l->expected : "-",
		    t->w_exp, 0);
		table_cell(fp, l->actual != NULL ? l->actual : "-", t->w_act,
		    1);
	}
	putc('\n', fp);
}

static void
table_print(FILE *fp, struct table *t, int colour)
{
	size_t	i;

	table_cell(fp, "CHECK", t->w_check, 0);
	if (t->w_res > 0)
		table_cell(fp, "RESOURCE", t->w_res, 0);
	table_cell(fp, "STATE", TABLE_STATE_W, 0);
	table_cell(fp, "EXPECTED", t->w_exp, 0);
	table_cell(fp, "ACTUAL", t->w_act, 1);
	putc('\n', fp);
	for (i = 0; i < t->n; i++)
		table_print_line(fp, t, &t->v[i], colour);
}

static void
table_muted(FILE *fp, const struct report_row *r)
{
	char	until[32];

	mutes_time_fmt(r->mute_until, until, sizeof(until));
	fprintf(fp, "    muted:    until %s (%s): ", until, r->mute_source);
	table_cell(fp, r->mute_reason, MUTES_MAXREASON, 1);
	putc('\n', fp);
}

/* Each drift and each unknown in full, as the table may have cut it. */
static void
table_details(FILE *fp, const struct report_result *res)
{
	const struct report_row	*r;
	size_t			 i;

	for (i = 0; i < res->nrows; i++) {
		r = &res->rows[i];
		if (r->state == FINDING_DRIFT)
			fprintf(fp, "\n  [%s] %s\n    finding:  %s\n"
			    "    expected: %s\n    actual:   %s\n",
			    severity_name(r->severity),
			    r->title != NULL ? r->title : r->key, r->key,
			    r->expected != NULL ? r->expected : "-",
			    r->actual != NULL ? r->actual : "-");
		if (r->muted)
			table_muted(fp, r);
		if (r->state == FINDING_DRIFT)
			continue;
		if (r->reason != NULL)
			fprintf(fp, "\n  [unknown] %s could not be checked\n"
			    "    why:      %s\n", r->check, r->reason);
	}
}

static void
table_summary(FILE *fp, const struct report_result *res)
{
	size_t	i;

	fprintf(fp, "\n%zu ok, %zu drift, %zu unknown", res->nok,
	    res->ndrift, res->nunknown);
	if (res->nmuted > 0)
		fprintf(fp, " (%zu finding(s) muted)", res->nmuted);
	fputs("; not checked: ", fp);
	if (res->nnot_checked == 0)
		fputs("none", fp);
	else
		fputs("sections ", fp);
	for (i = 0; i < res->nnot_checked; i++)
		fprintf(fp, "%s%s", i > 0 ? ", " : "", res->not_checked[i]);
	putc('\n', fp);
}

void
report_table(FILE *fp, const struct report_result *res, int colour,
    unsigned width)
{
	struct table	t;
	size_t		i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < res->nchecks; i++)
		table_check(&t, res, &res->checks[i]);
	table_widths(&t, width);
	table_print(fp, &t, colour);
	table_details(fp, res);
	table_summary(fp, res);
	for (i = 0; i < t.n; i++)
		free(t.v[i].own);
	free(t.v);
}
