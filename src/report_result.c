/*
 * Gathers a `check` pass for printing: the pass's checks in the order
 * they began, the findings store's findings grouped by check, a row
 * for each check that could not finish, and the sections of the family
 * table the baseline leaves out.
 */
#include <stdlib.h>
#include <string.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/daemon.h"
#include "driftwatch/findings.h"
#include "driftwatch/mutes.h"
#include "driftwatch/textclean.h"
#include "driftwatch/xmalloc.h"

#include "report.h"

/* A value to print is untrusted (an AWS error message, a value read
 * from the account): no control character reaches the terminal. */
#define REPORT_VALUE_MAX	4096

static char *
report_dup(const char *s)
{
	return s != NULL ? xnonnull(textclean_dup(s, REPORT_VALUE_MAX),
	    "textclean_dup") : NULL;
}

static struct report_row *
report_row_add(struct report_result *res)
{
	struct report_row	*row;

	res->rows = xreallocarray(res->rows, res->nrows + 1,
	    sizeof(*res->rows));
	row = &res->rows[res->nrows++];
	memset(row, 0, sizeof(*row));
	return row;
}

struct report_collect {
	struct report_result	*res;
	const char		*check;
};

/* The findings of one check, in the store's key order. */
static void
report_collect_cb(const char *key, const char *check, enum finding_state st,
    enum severity sev, const char *title, const char *expected,
    const char *actual, void *arg)
{
	struct report_collect	*c = arg;
	struct report_row	*row;
	size_t			 n = strlen(check);

	if (strcmp(check, c->check) != 0)
		return;
	row = report_row_add(c->res);
	row->key = report_dup(key);
	row->check = report_dup(check);
	row->resource = report_dup(strncmp(key, check, n) == 0 &&
	    key[n] == '/' ? key + n + 1 : "");
	row->state = st;
	row->has_severity = 1;
	row->severity = sev;
	row->title = report_dup(title);
	row->expected = report_dup(expected);
	row->actual = report_dup(actual);
}

static void
report_check_add(struct report_result *res, const struct findings *f,
    const char *id, enum check_status st, const char *err)
{
	struct report_collect	 c = { res, id };
	struct report_check	*rc;
	struct report_row	*row;
	size_t			 i, first = res->nrows;
	int			 drift = 0;

	findings_foreach(f, report_collect_cb, &c);
	for (i = first; i < res->nrows; i++)
		drift |= res->rows[i].state == FINDING_DRIFT;
	res->checks = xreallocarray(res->checks, res->nchecks + 1,
	    sizeof(*res->checks));
	rc = &res->checks[res->nchecks++];
	rc->id = report_dup(id);
	rc->status = st;
	rc->error = NULL;
	if (st == CHECK_UNKNOWN || st == CHECK_PENDING) {
		rc->error = report_dup(err != NULL ? err :
		    st == CHECK_PENDING ? "the check did not finish" :
		    "unknown error");
		row = report_row_add(res);
		row->check = report_dup(id);
		row->resource = xstrdup("");
		row->state = FINDING_UNKNOWN;
		row->reason = xstrdup(rc->error);
	}
	if (drift || st == CHECK_DRIFT) {
		rc->state = FINDING_DRIFT;
		res->ndrift++;
	} else if (rc->error != NULL) {
		rc->state = FINDING_UNKNOWN;
		res->nunknown++;
	} else {
		rc->state = FINDING_OK;
		res->nok++;
	}
}

struct report_result *
report_result_new(const struct check_pass *p, const struct findings *f,
    const struct baseline *bl, time_t now)
{
	struct report_result		*res;
	const struct check_family	*fam;
	enum check_status		 st;
	const char			*id, *err;
	size_t				 i;

	res = xcalloc(1, sizeof(*res));
	res->account = report_dup(check_account_id(bl));
	res->time = now;
	for (i = 0; (id = check_pass_id(p, i, &st, &err)) != NULL; i++)
		report_check_add(res, f, id, st, err);
	res->not_checked = xcalloc(check_family_count() + 1,
	    sizeof(*res->not_checked));
	for (i = 0; i < check_family_count(); i++) {
		fam = check_family_at(i);
		if (baseline_section(bl, fam) == NULL)
			res->not_checked[res->nnot_checked++] =
			    xstrdup(fam->name);
	}
	return res;
}

void
report_result_mutes(struct report_result *res, const struct mutes *ms,
    time_t now)
{
	struct report_row	*row;
	const struct mute	*m;
	size_t			 i;

	for (i = 0; i < res->nrows; i++) {
		row = &res->rows[i];
		if (row->state != FINDING_DRIFT || row->key == NULL ||
		    (m = mutes_active(ms, row->key, now)) == NULL)
			continue;
		row->muted = 1;
		row->mute_until = m->until;
		row->mute_reason = report_dup(m->reason);
		row->mute_source = mute_source_name(m->source);
		res->nmuted++;
	}
}

/*
 * Drift is read from the findings, not the check table: a check that
 * saw drift and then could not finish is "unknown" there, yet the drift
 * it saw is real and is what the caller must act on.  Muted drift is
 * accepted for now and is not.
 */
int
report_result_exit(const struct report_result *res,
    const struct check_pass *p)
{
	size_t	i;

	for (i = 0; i < res->nrows; i++)
		if (res->rows[i].state == FINDING_DRIFT &&
		    !res->rows[i].muted)
			return EXIT_DRIFT;
	if (check_pass_count_status(p, CHECK_UNKNOWN) > 0 ||
	    check_pass_count_status(p, CHECK_PENDING) > 0)
		return EXIT_UNKNOWN;
	return EXIT_ON_BASELINE;
}

void
report_result_free(struct report_result *res)
{
	struct report_row	*row;
	size_t			 i;

	if (res == NULL)
		return;
	for (i = 0; i < res->nrows; i++) {
		row = &res->rows[i];
		free(row->key);
		free(row->check);
		free(row->resource);
		free(row->title);
		free(row->expected);
		free(row->actual);
		free(row->reason);
		free(row->mute_reason);
	}
	for (i = 0; i < res->nchecks; i++) {
		free(res->checks[i].id);
		free(res->checks[i].error);
	}
	for (i = 0; i < res->nnot_checked; i++)
		free(res->not_checked[i]);
	free(res->not_checked);
	free(res->checks);
	free(res->rows);
	free(res->account);
	free(res);
}
