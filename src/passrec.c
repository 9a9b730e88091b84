/*
 * passes.json (passrec.h): written by the daemon, read by `status`
 * while the daemon runs, so only whole files are ever seen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/passrec.h"

#define PASSREC_VERSION	1
#define PASSREC_MAXFILE	(64 * 1024)

void
passrec_add(struct passrec *pr, const struct passrec_pass *p)
{
	pr->last = *p;
	pr->last.set = 1;
	if (p->unknown == 0)
		pr->complete = pr->last;
}

static int
passrec_add_member(struct json_object *o, const char *key,
    struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return DW_ENOMEM;
	}
	return 0;
}

static struct json_object *
passrec_pass_json(const struct passrec_pass *p)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (passrec_add_member(o, "started",
	    json_object_new_int64(p->started)) != 0 ||
	    passrec_add_member(o, "finished",
	    json_object_new_int64(p->finished)) != 0 ||
	    passrec_add_member(o, "duration_seconds",
	    json_object_new_double(p->duration)) != 0 ||
	    passrec_add_member(o, "ok", json_object_new_int64(p->ok)) != 0 ||
	    passrec_add_member(o, "drift",
	    json_object_new_int64(p->drift)) != 0 ||
	    passrec_add_member(o, "unknown",
	    json_object_new_int64(p->unknown)) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int
passrec_save(const struct passrec *pr, const char *dir)
{
	struct json_object	*doc;
	const char		*s;
	char			*path = NULL;
	size_t			 len;
	int			 r = DW_ENOMEM;

	if ((doc = json_object_new_object()) == NULL ||
	    passrec_add_member(doc, "version",
	    json_object_new_int(PASSREC_VERSION)) != 0 ||
	    (pr->last.set && passrec_add_member(doc, "last_pass",
	    passrec_pass_json(&pr->last)) != 0) ||
	    (pr->complete.set && passrec_add_member(doc, "last_complete_pass",
	    passrec_pass_json(&pr->complete)) != 0))
		goto out;
	s = json_object_to_json_string_length(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || asprintf(&path, "%s/%s", dir, PASSREC_FILE) == -1) {
		path = NULL;
		goto out;
	}
	r = atomicfile_write(path, s, len, 0600);
out:
	free(path);
	json_object_put(doc);
	return r;
}

/* A non-negative integer member into *out. */
static int
passrec_get_int(struct json_object *o, const char *key, long long *out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (*out = json_object_get_int64(v)) < 0)
		return DW_EPARSE;
	return 0;
}

static int
passrec_get_pass(struct json_object *doc, const char *key,
    struct passrec_pass *p, const char **bad)
{
	struct json_object	*o, *v;
	long long		 st, fi, ok, dr, un;

	memset(p, 0, sizeof(*p));
	if (!json_object_object_get_ex(doc, key, &o))
		return 0;
	*bad = key;
	if (!json_object_is_type(o, json_type_object) ||
	    passrec_get_int(o, "started", &st) != 0 ||
	    passrec_get_int(o, "finished", &fi) != 0 ||
	    passrec_get_int(o, "ok", &ok) != 0 ||
	    passrec_get_int(o, "drift", &dr) != 0 ||
	    passrec_get_int(o, "unknown", &un) != 0 ||
	    !json_object_object_get_ex(o, "duration_seconds", &v) ||
	    (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int)))
		return DW_EPARSE;
	p->set = 1;
	p->started = (time_t)st;
	p->finished = (time_t)fi;
	p->duration = json_object_get_double(v);
	p->ok = (unsigned long)ok;
	p->drift = (unsigned long)dr;
	p->unknown = (unsigned long)un;
	return 0;
}

static int
passrec_parse(struct passrec *pr, const char *path, const char *buf,
    size_t len, char *err, size_t errlen)
{
	struct json_object	*doc = NULL, *v;
	const char		*bad = "version";
	char			 why[128];
	int			 r;

	if ((r = jsonparse(buf, len, &doc, why, sizeof(why))) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		return r;
	}
	r = DW_EPARSE;
	if (json_object_is_type(doc, json_type_object) &&
	    json_object_object_get_ex(doc, "version", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int(v) == PASSREC_VERSION &&
	    passrec_get_pass(doc, "last_pass", &pr->last, &bad) == 0 &&
	    passrec_get_pass(doc, "last_complete_pass", &pr->complete,
	    &bad) == 0)
		r = 0;
	else
		snprintf(err, errlen, "%s: \"%s\" is missing or malformed",
		    path, bad);
	json_object_put(doc);
	return r;
}

int
passrec_load(struct passrec *pr, const char *dir, char *err, size_t errlen)
{
	char	*path = NULL, *buf = NULL;
	size_t	 len;
	int	 r;

	memset(pr, 0, sizeof(*pr));
	if (asprintf(&path, "%s/%s", dir, PASSREC_FILE) == -1)
		return DW_ENOMEM;
	r = atomicfile_read(path, PASSREC_MAXFILE, &buf, &len);
	if (r == DW_EIO && errno == ENOENT)
		r = 0;
	else if (r != 0)
		snprintf(err, errlen, "%s: %s", path, r == DW_EIO ?
		    strerror(errno) : dw_strerror(r));
	else
		r = passrec_parse(pr, path, buf, len, err, errlen);
	free(buf);
	free(path);
	return r;
}
