/*
 * `check --json`: one document with the account, the time of the pass
 * (RFC 3339, UTC), driftwatch's version, each check's state, every
 * finding (a check that could not finish is one finding in state
 * unknown, with its reason) and the sections not checked.  Slashes are
 * not escaped: ARNs and keys read as they are.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/log.h"
#include "driftwatch/xmalloc.h"

#include "driftwatch/mutes.h"

#include "report.h"

static struct json_object *
report_json_str(const char *s)
{
	return s != NULL ? xnonnull(json_object_new_string(s),
	    "json_object_new_string") : NULL;
}

static void
report_json_add(struct json_object *o, const char *key, struct json_object *v)
{
	if (json_object_object_add(o, key, v) != 0)
		fatalx("json_object_object_add: out of memory");
}

static struct json_object *
report_json_row(const struct report_row *row)
{
	struct json_object	*o = xnonnull(json_object_new_object(),
				    "json_object_new_object");
	char			 until[32];

	report_json_add(o, "finding", report_json_str(row->key));
	report_json_add(o, "check", report_json_str(row->check));
	report_json_add(o, "resource", report_json_str(*row->resource ?
	    row->resource : NULL));
	report_json_add(o, "state", report_json_str(row->muted ? "muted" :
	    finding_state_name(row->state)));
	report_json_add(o, "severity", row->has_severity ?
	    report_json_str(severity_name(row->severity)) : NULL);
	report_json_add(o, "title", report_json_str(row->title));
	report_json_add(o, "expected", report_json_str(row->expected));
	report_json_add(o, "actual", report_json_str(row->actual));
	report_json_add(o, "reason", report_json_str(row->reason));
	if (row->muted) {
		mutes_time_fmt(row->mute_until, until, sizeof(until));
		report_json_add(o, "muted_until", report_json_str(until));
		report_json_add(o, "mute_reason",
		    report_json_str(row->mute_reason));
		report_json_add(o, "mute_source",
		    report_json_str(row->mute_source));
	}
	return o;
}

static struct json_object *
report_json_checks(const struct report_result *res)
{
	struct json_object	*a, *c;
	size_t			 i;

	a = xnonnull(json_object_new_array(), "json_object_new_array");
	for (i = 0; i < res->nchecks; i++) {
		c = xnonnull(json_object_new_object(),
		    "json_object_new_object");
		report_json_add(c, "check", report_json_str(res->checks[i].id));
		report_json_add(c, "status", report_json_str(
		    check_status_name(res->checks[i].status)));
		if (res->checks[i].error != NULL)
			report_json_add(c, "error",
			    report_json_str(res->checks[i].error));
		json_object_array_add(a, c);
	}
	return a;
}

void
report_json(FILE *fp, const struct report_result *res)
{
	struct json_object	*o, *a, *sum;
	struct tm		 tm;
	char			 when[32] = "";
	size_t			 i;

	o = xnonnull(json_object_new_object(), "json_object_new_object");
	report_json_add(o, "account_id", report_json_str(res->account));
	if (gmtime_r(&res->time, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	report_json_add(o, "time", report_json_str(when));
	report_json_add(o, "version", report_json_str(PACKAGE_VERSION));
	sum = xnonnull(json_object_new_object(), "json_object_new_object");
	report_json_add(sum, "ok", json_object_new_int64(res->nok));
	report_json_add(sum, "drift", json_object_new_int64(res->ndrift));
	report_json_add(sum, "unknown", json_object_new_int64(res->nunknown));
	report_json_add(sum, "muted", json_object_new_int64(res->nmuted));
	report_json_add(o, "summary", sum);
	report_json_add(o, "checks", report_json_checks(res));
	a = xnonnull(json_object_new_array(), "json_object_new_array");
	for (i = 0; i < res->nrows; i++)
		json_object_array_add(a, report_json_row(&res->rows[i]));
	report_json_add(o, "findings", a);
	a = xnonnull(json_object_new_array(), "json_object_new_array");
	for (i = 0; i < res->nnot_checked; i++)
		json_object_array_add(a,
		    report_json_str(res->not_checked[i]));
	report_json_add(o, "not_checked", a);
	fprintf(fp, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
