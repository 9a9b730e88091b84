/*
 * `status --json`: the table's content as one document (times RFC 3339
 * UTC, ages in seconds, slashes not escaped):
 *
 *	{ "account_id", "state_directory", "time", "version", "state": bool,
 *	  "last_pass": PASS|null, "last_complete_pass": PASS|null,
 *	  "findings": [ { "key", "check", "resource", "severity", "state",
 *	                  "title", "expected", "actual", "since",
 *	                  "age_seconds" } ],
 *	  "muted": [ { "key", "check", "resource", "severity", "title",
 *	               "since", "age_seconds", "until", "reason",
 *	               "source": "baseline|command" } ],
 *	  "checks_not_seeing": [ { "check", "blind", "passes", "reason" } ],
 *	  "event_cursors": [ { "region", "cursor", "behind_seconds" } ],
 *	  "pending_alerts": [ { "sink", "pending", "oldest",
 *	                        "oldest_age_seconds" } ],
 *	  "summary": { "open", "muted", "blind", "pending", "exit" } }
 *
 * "findings" and "open" leave out the findings a mute holds.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/evstate.h"
#include "driftwatch/findings.h"
#include "driftwatch/log.h"
#include "driftwatch/mutes.h"
#include "driftwatch/status.h"
#include "driftwatch/xmalloc.h"

#include "report_status.h"

struct status_json {
	struct json_object	*arr;
	time_t			 now;
	size_t			 n;
	const struct mutes	*mutes;
};

static struct json_object *
sj_str(const char *s)
{
	return s != NULL ? xnonnull(json_object_new_string(s),
	    "json_object_new_string") : NULL;
}

static struct json_object *
sj_int(long long v)
{
	return xnonnull(json_object_new_int64(v), "json_object_new_int64");
}

static struct json_object *
sj_time(time_t t)
{
	char	buf[32];

	if (t == 0)
		return NULL;
	report_status_time(t, buf, sizeof(buf));
	return sj_str(buf);
}

static long long
sj_age(time_t then, time_t now)
{
	return then == 0 || now < then ? 0 : (long long)(now - then);
}

static void
sj_add(struct json_object *o, const char *key, struct json_object *v)
{
	if (json_object_object_add(o, key, v) != 0)
		fatalx("json_object_object_add: out of memory");
}

static struct json_object *
sj_object(void)
{
	return xnonnull(json_object_new_object(), "json_object_new_object");
}

static struct json_object *
sj_array(void)
{
	return xnonnull(json_object_new_array(), "json_object_new_array");
}

static struct json_object *
sj_pass(const struct passrec_pass *p)
{
	struct json_object	*o;

	if (!p->set)
		return NULL;
	o = sj_object();
	sj_add(o, "started", sj_time(p->started));
	sj_add(o, "finished", sj_time(p->finished));
	sj_add(o, "duration_seconds", xnonnull(json_object_new_double(
	    p->duration), "json_object_new_double"));
	sj_add(o, "ok", sj_int((long long)p->ok));
	sj_add(o, "drift", sj_int((long long)p->drift));
	sj_add(o, "unknown", sj_int((long long)p->unknown));
	return o;
}

static void
sj_finding_cb(const struct finding_info *fi, void *arg)
{
	struct status_json	*sj = arg;
	struct json_object	*o;

	if (fi->state != FINDING_DRIFT ||
	    mutes_active(sj->mutes, fi->key, sj->now) != NULL)
		return;
	o = sj_object();
	sj_add(o, "key", sj_str(fi->key));
	sj_add(o, "check", sj_str(fi->check));
	sj_add(o, "resource", sj_str(fi->resource));
	sj_add(o, "severity", sj_str(severity_name(fi->severity)));
	sj_add(o, "state", sj_str(finding_state_name(fi->state)));
	sj_add(o, "title", sj_str(fi->title));
	sj_add(o, "expected", sj_str(fi->expected));
	sj_add(o, "actual", sj_str(fi->actual));
	sj_add(o, "since", sj_time(fi->first_seen));
	sj_add(o, "age_seconds", sj_int(sj_age(fi->first_seen, sj->now)));
	json_object_array_add(sj->arr, o);
	sj->n++;
}

static void
sj_muted_cb(const struct finding_info *fi, void *arg)
{
	struct status_json	*sj = arg;
	const struct mute	*m;
	struct json_object	*o;

	if (fi->state != FINDING_DRIFT ||
	    (m = mutes_active(sj->mutes, fi->key, sj->now)) == NULL)
		return;
	o = sj_object();
	sj_add(o, "key", sj_str(fi->key));
	sj_add(o, "check", sj_str(fi->check));
	sj_add(o, "resource", sj_str(fi->resource));
	sj_add(o, "severity", sj_str(severity_name(fi->severity)));
	sj_add(o, "title", sj_str(fi->title));
	sj_add(o, "since", sj_time(fi->first_seen));
	sj_add(o, "age_seconds", sj_int(sj_age(fi->first_seen, sj->now)));
	sj_add(o, "until", sj_time(m->until));
	sj_add(o, "reason", sj_str(m->reason));
	sj_add(o, "source", sj_str(mute_source_name(m->source)));
	json_object_array_add(sj->arr, o);
	sj->n++;
}

static void
sj_check_cb(const struct findings_check_info *ci, void *arg)
{
	struct status_json	*sj = arg;
	struct json_object	*o;

	if (ci->streak == 0 && !ci->blind)
		return;
	o = sj_object();
	sj_add(o, "check", sj_str(ci->check));
	sj_add(o, "blind", json_object_new_boolean(ci->blind));
	sj_add(o, "passes", sj_int(ci->streak));
	sj_add(o, "reason", sj_str(ci->error));
	json_object_array_add(sj->arr, o);
}

static struct json_object *
sj_cursors(const struct status *st)
{
	struct json_object	*a = sj_array(), *o;
	const char		*region;
	time_t			 cur;
	size_t			 i;

	for (i = 0; (region = evstate_cursor_at(st->ev, i, &cur)) != NULL;
	    i++) {
		o = sj_object();
		sj_add(o, "region", sj_str(region));
		sj_add(o, "cursor", sj_time(cur));
		sj_add(o, "behind_seconds", sj_int(sj_age(cur, st->now)));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
sj_sinks(const struct status *st, size_t *total)
{
	struct json_object		*a = sj_array(), *o;
	const struct status_sink	*s;
	size_t				 i;

	*total = 0;
	for (i = 0; i < st->nsinks; i++) {
		s = &st->sinks[i];
		o = sj_object();
		sj_add(o, "sink", sj_str(s->name));
		sj_add(o, "pending", sj_int((long long)s->pending));
		sj_add(o, "oldest", sj_time(s->oldest));
		sj_add(o, "oldest_age_seconds", s->oldest == 0 ? NULL :
		    sj_int(sj_age(s->oldest, st->now)));
		json_object_array_add(a, o);
		*total += s->pending;
	}
	return a;
}

static struct json_object *
sj_summary(const struct status *st, size_t open, size_t muted,
    size_t pending)
{
	struct json_object	*o = sj_object();

	sj_add(o, "open", sj_int((long long)open));
	sj_add(o, "muted", sj_int((long long)muted));
	sj_add(o, "blind", sj_int((long long)findings_blind_count(
	    st->findings)));
	sj_add(o, "pending", sj_int((long long)pending));
	sj_add(o, "exit", sj_int(status_exit(st)));
	return o;
}

void
report_status_json(FILE *fp, const struct status *st)
{
	struct json_object	*o = sj_object();
	struct status_json	 sj = { NULL, st->now, 0, st->mutes };
	size_t			 pending, open;

	sj_add(o, "account_id", sj_str(st->account));
	sj_add(o, "state_directory", sj_str(st->state_dir));
	sj_add(o, "time", sj_time(st->now));
	sj_add(o, "version", sj_str(PACKAGE_VERSION));
	sj_add(o, "state", json_object_new_boolean(!st->no_state));
	sj_add(o, "last_pass", sj_pass(&st->passes.last));
	sj_add(o, "last_complete_pass", sj_pass(&st->passes.complete));
	sj.arr = sj_array();
	findings_foreach_info(st->findings, sj_finding_cb, &sj);
	sj_add(o, "findings", sj.arr);
	open = sj.n;
	sj.arr = sj_array();
	sj.n = 0;
	findings_foreach_info(st->findings, sj_muted_cb, &sj);
	sj_add(o, "muted", sj.arr);
	sj.arr = sj_array();
	findings_foreach_check(st->findings, sj_check_cb, &sj);
	sj_add(o, "checks_not_seeing", sj.arr);
	sj_add(o, "event_cursors", sj_cursors(st));
	sj_add(o, "pending_alerts", sj_sinks(st, &pending));
	sj_add(o, "summary", sj_summary(st, open, sj.n, pending));
	fprintf(fp, "%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
