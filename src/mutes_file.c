/*
 * <state_dir>/mutes.json, the mutes the `mute` command manages:
 *
 *	{ "version": 1, "mutes": [ { "finding": "iam.user_mfa/alice",
 *	  "until": "2027-01-31T00:00:00Z", "reason": "...",
 *	  "created": "2026-12-01T09:00:00Z" } ] }
 *
 * Written atomically, so the daemon reading it each pass sees the old
 * list or the new one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/mutes.h"

#define MUTES_VERSION	1
#define MUTES_MAXFILE	(1024 * 1024)

struct mutes_load {
	const char	*path;
	char		*err;
	size_t		 errlen;
	size_t		 i;
};

static int
mutes_bad(struct mutes_load *l, const char *key, const char *what)
{
	snprintf(l->err, l->errlen, "%s: mutes[%zu]: \"%s\" %s", l->path,
	    l->i, key, what);
	return DW_EPARSE;
}

static int
mutes_get_str(struct mutes_load *l, struct json_object *o, const char *key,
    int required, const char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return required ? mutes_bad(l, key, "is missing") : 0;
	if (!json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v))
		return mutes_bad(l, key, "is not a string");
	*out = json_object_get_string(v);
	return 0;
}

static int
mutes_load_one(struct mutes_load *l, struct mutes *ms, struct json_object *o)
{
	const struct mute	*m;
	const char		*finding, *until, *reason, *created;
	time_t			 tu, tc = 0;
	int		 r;

	if (!json_object_is_type(o, json_type_object))
		return mutes_bad(l, "mute", "is not an object");
	if ((r = mutes_get_str(l, o, "finding", 1, &finding)) != 0 ||
	    (r = mutes_get_str(l, o, "until", 1, &until)) != 0 ||
	    (r = mutes_get_str(l, o, "reason", 1, &reason)) != 0 ||
	    (r = mutes_get_str(l, o, "created", 0, &created)) != 0)
		return r;
	if (!mutes_key_valid(finding))
		return mutes_bad(l, "finding", "is not a finding key");
	if (mutes_time_parse(until, &tu) != 0)
		return mutes_bad(l, "until", "is not a date");
	if (created != NULL && mutes_time_parse(created, &tc) != 0)
		return mutes_bad(l, "created", "is not a date");
	if (*reason == '\0' || strlen(reason) > MUTES_MAXREASON)
		return mutes_bad(l, "reason", "is empty or too long");
	/* a baseline mute already in ms is replaced: the file wins */
	if ((m = mutes_find(ms, finding)) != NULL && m->source == MUTE_STATE)
		return mutes_bad(l, "finding", "is muted twice");
	return mutes_set(ms, finding, tu, reason, tc, MUTE_STATE);
}

static int
mutes_load_doc(struct mutes_load *l, struct mutes *ms, struct json_object *doc)
{
	struct json_object	*v, *arr;
	size_t			 n;
	int			 r;

	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != MUTES_VERSION) {
		snprintf(l->err, l->errlen, "%s: not a version %d mutes file",
		    l->path, MUTES_VERSION);
		return DW_EPARSE;
	}
	if (!json_object_object_get_ex(doc, "mutes", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) > MUTES_MAX) {
		snprintf(l->err, l->errlen, "%s: \"mutes\" is not an array "
		    "of at most %d", l->path, MUTES_MAX);
		return DW_EPARSE;
	}
	for (l->i = 0; l->i < n; l->i++)
		if ((r = mutes_load_one(l, ms,
		    json_object_array_get_idx(arr, l->i))) != 0)
			return r;
	return 0;
}

int
mutes_load(struct mutes *ms, const char *state_dir, char *err, size_t errlen)
{
	struct mutes_load	 l = { NULL, err, errlen, 0 };
	struct json_object	*doc = NULL;
	char			*path = NULL, *buf = NULL, perr[128];
	size_t			 len;
	int			 r;

	if (asprintf(&path, "%s/%s", state_dir, MUTES_FILE) == -1) {
		snprintf(err, errlen, "out of memory");
		return DW_ENOMEM;
	}
	l.path = path;
	if ((r = atomicfile_read(path, MUTES_MAXFILE, &buf, &len)) != 0) {
		if (r == DW_EIO && errno == ENOENT)
			r = 0;
		else if (r == DW_EIO)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s: %s", path, dw_strerror(r));
		goto out;
	}
	if ((r = jsonparse(buf, len, &doc, perr, sizeof(perr))) != 0)
		snprintf(err, errlen, "%s: %s", path, perr);
	else
		r = mutes_load_doc(&l, ms, doc);
out:
	json_object_put(doc);
	free(buf);
	free(path);
	return r;
}

/* Empties ms. */
static void
mutes_clear_all(struct mutes *ms)
{
	while (ms->n > 0)
		mutes_remove(ms, ms->v[ms->n - 1].finding);
}

int
mutes_load_all(struct mutes *ms, const struct mutes *baseline,
    const char *state_dir, char *err, size_t errlen)
{
	int	r;

	if (mutes_merge(ms, baseline) != 0) {
		snprintf(err, errlen, "out of memory");
		return DW_ENOMEM;
	}
	if ((r = mutes_load(ms, state_dir, err, errlen)) == 0)
		return 0;
	mutes_clear_all(ms);
	if (mutes_merge(ms, baseline) != 0)
		return DW_ENOMEM;
	return r;
}

static int
mutes_json_str(struct json_object *o, const char *key, const char *s)
{
	struct json_object	*v;

	if ((v = json_object_new_string(s)) == NULL ||
	    json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return DW_ENOMEM;
	}
	return 0;
}

static int
mutes_json_time(struct json_object *o, const char *key, time_t t)
{
	char	buf[32];

	mutes_time_fmt(t, buf, sizeof(buf));
	return mutes_json_str(o, key, buf);
}

static struct json_object *
mute_to_json(const struct mute *m)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (mutes_json_str(o, "finding", m->finding) != 0 ||
	    mutes_json_time(o, "until", m->until) != 0 ||
	    mutes_json_str(o, "reason", m->reason) != 0 ||
	    (m->created != 0 && mutes_json_time(o, "created",
	    m->created) != 0)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *
mutes_to_json(const struct mutes *ms)
{
	struct json_object	*doc, *arr, *v;
	size_t			 i;

	doc = json_object_new_object();
	arr = json_object_new_array();
	if (doc == NULL || arr == NULL ||
	    json_object_object_add(doc, "version",
	    json_object_new_int(MUTES_VERSION)) != 0)
		goto fail;
	for (i = 0; i < ms->n; i++) {
		if (ms->v[i].source != MUTE_STATE)
			continue;
		if ((v = mute_to_json(&ms->v[i])) == NULL ||
		    json_object_array_add(arr, v) != 0) {
			json_object_put(v);
			goto fail;
		}
	}
	if (json_object_object_add(doc, "mutes", arr) != 0)
		goto fail;
	return doc;
fail:
	json_object_put(arr);
	json_object_put(doc);
	return NULL;
}

int
mutes_save(const struct mutes *ms, const char *state_dir)
{
	struct json_object	*doc;
	const char		*s;
	char			*path = NULL;
	size_t			 len;
	int			 r = DW_ENOMEM;

	if ((doc = mutes_to_json(ms)) == NULL ||
	    asprintf(&path, "%s/%s", state_dir, MUTES_FILE) == -1) {
		path = NULL;
		goto out;
	}
	s = json_object_to_json_string_length(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s != NULL)
		r = atomicfile_write(path, s, len, 0600);
out:
	json_object_put(doc);
	free(path);
	return r;
}
