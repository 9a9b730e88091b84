/*
 * The baseline's top-level "mutes": findings people have accepted for
 * a while, each until a date and for a reason.
 *
 *	"mutes": [ { "finding": "iam.user_mfa/alice",
 *	             "until": "2027-01-31T00:00:00Z",
 *	             "reason": "alice's new key arrives in January" } ]
 *
 * A mute already past its date is a warning, not an error: the file
 * stays valid the day after a mute ends.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/mutes.h"
#include "driftwatch/xmalloc.h"

struct baseline_mute {
	char	*finding;
	char	*reason;
	time_t	 until;
	int	 has_until;
};

static int
baseline_mute_finding(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !mutes_key_valid(s))
		return baseline_fail(ctx, "expected a finding key like "
		    "\"iam.user_mfa/alice\" (check id, \"/\", resource)");
	baseline_set_str(field, s);
	return 0;
}

static int
baseline_mute_until(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct baseline_mute	*m = field;	/* the whole mute */
	const char		*s = baseline_str(val);
	char			 when[32];

	if (s == NULL || mutes_time_parse(s, &m->until) != 0)
		return baseline_fail(ctx, "expected a UTC date like "
		    "\"2027-01-31T00:00:00Z\" or \"2027-01-31\"");
	m->has_until = 1;
	if (m->until <= time(NULL)) {
		mutes_time_fmt(m->until, when, sizeof(when));
		baseline_warn(ctx, "this mute ended at %s and mutes nothing; "
		    "remove it", when);
	}
	return 0;
}

static int
baseline_mute_reason(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s != NULL && strlen(s) > MUTES_MAXREASON)
		return baseline_fail(ctx, "longer than %d bytes",
		    MUTES_MAXREASON);
	return baseline_name(ctx, val, field);
}

static const struct baseline_field baseline_mute_fields[] = {
	{ "finding", baseline_mute_finding,
	    offsetof(struct baseline_mute, finding), 1 },
	{ "until", baseline_mute_until, 0, 1 },
	{ "reason", baseline_mute_reason,
	    offsetof(struct baseline_mute, reason), 1 },
	{ NULL, NULL, 0, 0 }
};

static int
baseline_mute_one(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct mutes		*ms = arg;
	struct baseline_mute	 m;
	int			 r;

	(void)i;
	memset(&m, 0, sizeof(m));
	if ((r = baseline_walk(ctx, val, baseline_mute_fields, &m)) != 0)
		goto out;
	if (m.finding == NULL || m.reason == NULL || !m.has_until)
		goto out;
	if (mutes_find(ms, m.finding) != NULL) {
		r = baseline_fail(ctx, "\"%s\" is muted twice", m.finding);
		goto out;
	}
	if (mutes_set(ms, m.finding, m.until, m.reason, 0,
	    MUTE_BASELINE) != 0)
		xnonnull(NULL, "mutes_set");
out:
	free(m.finding);
	free(m.reason);
	return r;
}

int
baseline_mutes_parse(struct baseline_ctx *ctx, struct json_object *val,
    struct mutes **out)
{
	size_t	n, i, depth;
	int	r, rs;

	if ((r = baseline_array(ctx, val, MUTES_MAX, &n)) != 0)
		return r;
	if (*out == NULL)
		*out = xnonnull(mutes_new(), "mutes_new");
	/* unlike baseline_each, every entry: a bad one is never added, so
	 * "muted twice" compares only with good ones */
	depth = baseline_depth(ctx);
	for (i = 0; i < n; i++) {
		baseline_push(ctx, "[%zu]", i);
		rs = baseline_mute_one(ctx, json_object_array_get_idx(val, i),
		    i, *out);
		baseline_pop(ctx, depth);
		if (r == 0)
			r = rs;
	}
	return r;
}
