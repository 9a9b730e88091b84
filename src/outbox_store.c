/*
 * The outbox's files: the record format and the staged writes a group
 * commit is made of.  Only outbox.c decides what to write and when.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/log.h"
#include "driftwatch/msgid.h"
#include "driftwatch/outbox_store.h"
#include "driftwatch/sink.h"

#define OUTBOX_STORE_TMP	".tmp"

struct outbox_store {
	char	*dir;
	int	 dirfd;
};

const char *
outbox_slot_state_name(enum outbox_slot_state s)
{
	switch (s) {
	case OUTBOX_SLOT_PENDING:	return "pending";
	case OUTBOX_SLOT_DELIVERED:	return "delivered";
	case OUTBOX_SLOT_DEAD:		return "dead";
	}
	return "?";
}

static int
outbox_slot_state_parse(const char *s, enum outbox_slot_state *out)
{
	enum outbox_slot_state	st;

	for (st = OUTBOX_SLOT_PENDING; st <= OUTBOX_SLOT_DEAD; st++)
		if (strcmp(s, outbox_slot_state_name(st)) == 0) {
			*out = st;
			return 0;
		}
	return DW_EPARSE;
}

/* --- the record format --------------------------------------------- */

static struct json_object *
outbox_slot_json(const struct outbox_slot_rec *s)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(s->sink));
	json_object_object_add(o, "state",
	    json_object_new_string(outbox_slot_state_name(s->state)));
	json_object_object_add(o, "attempts",
	    json_object_new_int64(s->attempts));
	json_object_object_add(o, "next", json_object_new_int64(s->next));
	return o;
}

char *
outbox_rec_encode(uint64_t seq, const struct alert *a,
    const struct outbox_slot_rec *slots, size_t nslots, size_t stride,
    size_t *len)
{
	struct json_object	*o, *arr, *v;
	const char		*s;
	char			*out = NULL;
	size_t			 i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "version",
	    json_object_new_int(OUTBOX_STORE_VERSION));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)seq));
	if ((v = alert_to_json(a)) == NULL ||
	    json_object_object_add(o, "alert", v) != 0 ||
	    (arr = json_object_new_array()) == NULL ||
	    json_object_object_add(o, "sinks", arr) != 0)
		goto out;
	for (i = 0; i < nslots; i++) {
		v = outbox_slot_json((const struct outbox_slot_rec *)
		    (const void *)((const char *)slots + i * stride));
		if (v == NULL || json_object_array_add(arr, v) != 0)
			goto out;
	}
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, len);
	if (s != NULL)
		out = strdup(s);
out:
	json_object_put(o);
	return out;
}

void
outbox_rec_clear(struct outbox_rec *r)
{
	size_t	i;

	alert_free(r->alert);
	for (i = 0; i < r->nslots; i++)
		free(r->slots[i].sink);
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

static int
outbox_get_int(struct json_object *o, const char *key, int64_t max,
    int64_t *out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return DW_EPARSE;
	*out = json_object_get_int64(v);
	return *out < 0 || *out > max ? DW_EPARSE : 0;
}

static int
outbox_get_sink(struct json_object *o, const char *key, const char **out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    !sink_name_valid(json_object_get_string(v)))
		return DW_EPARSE;
	*out = json_object_get_string(v);
	return 0;
}

/* Appends one slot; DW_EPARSE when the sink is named twice. */
static int
outbox_rec_add_slot(struct outbox_rec *r, const char *sink,
    enum outbox_slot_state st, int64_t attempts, int64_t next)
{
	struct outbox_slot_rec	*v;
	size_t			 i;

	for (i = 0; i < r->nslots; i++)
		if (strcmp(r->slots[i].sink, sink) == 0)
			return DW_EPARSE;
	if ((v = reallocarray(r->slots, r->nslots + 1, sizeof(*v))) == NULL)
		return DW_ENOMEM;
	r->slots = v;
	v = &r->slots[r->nslots];
	memset(v, 0, sizeof(*v));
	if ((v->sink = strdup(sink)) == NULL)
		return DW_ENOMEM;
	v->state = st;
	v->attempts = (unsigned)attempts;
	v->next = (time_t)next;
	r->nslots++;
	return 0;
}

static int
outbox_rec_slot(struct outbox_rec *r, struct json_object *o)
{
	struct json_object	*v;
	enum outbox_slot_state	 st;
	const char		*sink;
	int64_t			 attempts, next;

	if (!json_object_is_type(o, json_type_object) ||
	    outbox_get_sink(o, "name", &sink) != 0 ||
	    !json_object_object_get_ex(o, "state", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    outbox_slot_state_parse(json_object_get_string(v), &st) != 0 ||
	    outbox_get_int(o, "attempts", 1000000000, &attempts) != 0 ||
	    outbox_get_int(o, "next", INT64_MAX / 2, &next) != 0)
		return DW_EPARSE;
	return outbox_rec_add_slot(r, sink, st, attempts, next);
}

static int
outbox_rec_v2(struct json_object *o, struct outbox_rec *r)
{
	struct json_object	*arr;
	int64_t			 seq;
	size_t			 i;
	int			 rc;

	if (outbox_get_int(o, "seq", INT64_MAX / 2, &seq) != 0 || seq == 0 ||
	    !json_object_object_get_ex(o, "sinks", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return DW_EPARSE;
	r->seq = (uint64_t)seq;
	for (i = 0; i < json_object_array_length(arr); i++)
		if ((rc = outbox_rec_slot(r,
		    json_object_array_get_idx(arr, i))) != 0)
			return rc;
	return 0;
}

/* The previous version: one sink per file, always pending. */
static int
outbox_rec_legacy(struct json_object *o, struct outbox_rec *r)
{
	const char	*sink;
	int64_t		 attempts;

	if (outbox_get_sink(o, "sink", &sink) != 0 ||
	    outbox_get_int(o, "attempts", 1000000000, &attempts) != 0)
		return DW_EPARSE;
	r->legacy = 1;
	return outbox_rec_add_slot(r, sink, OUTBOX_SLOT_PENDING, attempts, 0);
}

/* A file's name must be what its content would be written as. */
static int
outbox_rec_name_ok(const char *name, const struct outbox_rec *r)
{
	size_t	idlen = strlen(r->alert->id), slen;

	if (strncmp(name, r->alert->id, idlen) != 0)
		return 0;
	name += idlen;
	if (!r->legacy)
		return strcmp(name, ".json") == 0;
	slen = strlen(r->slots[0].sink);
	return name[0] == '.' && strncmp(name + 1, r->slots[0].sink,
	    slen) == 0 && strcmp(name + 1 + slen, ".json") == 0;
}

static int
outbox_rec_doc(const char *name, struct json_object *o, struct outbox_rec *r)
{
	struct json_object	*v;
	int64_t			 version;
	int			 rc;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "alert", &v) ||
	    (rc = alert_from_json(v, &r->alert)) != 0)
		return DW_EPARSE;
	if (json_object_object_get_ex(o, "version", NULL)) {
		if (outbox_get_int(o, "version", 1000, &version) != 0 ||
		    version != OUTBOX_STORE_VERSION)
			return DW_EPARSE;
		rc = outbox_rec_v2(o, r);
	} else
		rc = outbox_rec_legacy(o, r);
	if (rc == 0 && !outbox_rec_name_ok(name, r))
		rc = DW_EPARSE;
	return rc;
}

int
outbox_rec_decode(const char *name, const char *buf, size_t len,
    struct outbox_rec *r, char *why, size_t whylen)
{
	struct json_object	*o = NULL;
	int			 rc;

	memset(r, 0, sizeof(*r));
	if ((rc = jsonparse(buf, len, &o, why, whylen)) != 0)
		return rc == DW_ENOMEM ? rc : DW_EPARSE;
	if ((rc = outbox_rec_doc(name, o, r)) != 0) {
		snprintf(why, whylen, "%s", rc == DW_ENOMEM ? "out of memory" :
		    "not an outbox entry");
		outbox_rec_clear(r);
	}
	json_object_put(o);
	return rc;
}

/* --- files ---------------------------------------------------------- */

struct outbox_store *
outbox_store_new(const char *dir)
{
	struct outbox_store	*st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	st->dirfd = -1;
	if ((st->dir = strdup(dir)) == NULL) {
		free(st);
		return NULL;
	}
	return st;
}

void
outbox_store_free(struct outbox_store *st)
{
	if (st == NULL)
		return;
	if (st->dirfd != -1)
		close(st->dirfd);
	free(st->dir);
	free(st);
}

const char *
outbox_store_dir(const struct outbox_store *st)
{
	return st->dir;
}

int
outbox_store_open(struct outbox_store *st, char *err, size_t errlen)
{
	if (mkdir(st->dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", st->dir,
		    strerror(errno));
		return DW_EIO;
	}
	if (st->dirfd == -1 && (st->dirfd = open(st->dir, O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot open %s: %s", st->dir,
		    strerror(errno));
		return DW_EIO;
	}
	return 0;
}

/* ".<name>.tmp": a leading dot keeps it out of the load. */
static int
outbox_store_tmpname(const char *name, char *buf, size_t len)
{
	int	n = snprintf(buf, len, ".%s" OUTBOX_STORE_TMP, name);

	return n < 0 || (size_t)n >= len ? DW_EINVAL : 0;
}

int
outbox_store_stage(struct outbox_store *st, const char *name,
    const char *buf, size_t len)
{
	char	tmp[NAME_MAX + 1];
	int	fd, r = DW_EIO, saved;

	if (outbox_store_tmpname(name, tmp, sizeof(tmp)) != 0)
		return DW_EINVAL;
	if ((fd = openat(st->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600)) == -1)
		return DW_EIO;
	if (atomicfile_write_all(fd, buf, len) == 0 && fdatasync(fd) == 0)
		r = 0;
	saved = errno;
	if (close(fd) == -1 && r == 0) {
		r = DW_EIO;
		saved = errno;
	}
	if (r != 0)
		unlinkat(st->dirfd, tmp, 0);
	errno = saved;
	return r;
}

int
outbox_store_publish(struct outbox_store *st, const char *name)
{
	char	tmp[NAME_MAX + 1];

	if (outbox_store_tmpname(name, tmp, sizeof(tmp)) != 0)
		return DW_EINVAL;
	return renameat(st->dirfd, tmp, st->dirfd, name) == -1 ? DW_EIO : 0;
}

void
outbox_store_discard(struct outbox_store *st, const char *name)
{
	char	tmp[NAME_MAX + 1];

	if (outbox_store_tmpname(name, tmp, sizeof(tmp)) == 0)
		unlinkat(st->dirfd, tmp, 0);
}

int
outbox_store_unlink(struct outbox_store *st, const char *name)
{
	if (unlinkat(st->dirfd, name, 0) == -1 && errno != ENOENT)
		return DW_EIO;
	return 0;
}

int
outbox_store_sync(struct outbox_store *st)
{
	return fsync(st->dirfd) == -1 ? DW_EIO : 0;
}

int
outbox_store_read(struct outbox_store *st, const char *name, char **buf,
    size_t *len)
{
	char	*path = NULL;
	int	 r;

	if (asprintf(&path, "%s/%s", st->dir, name) == -1)
		return DW_ENOMEM;
	r = atomicfile_read(path, OUTBOX_STORE_MAX_FILE, buf, len);
	free(path);
	return r;
}

void
outbox_store_quarantine(struct outbox_store *st, const char *name,
    const char *why)
{
	char			 bad[NAME_MAX + 1], path[PATH_MAX];
	const struct log_field	 fields[] = {
		{ "DRIFTWATCH_FILE", path },
		{ NULL, NULL }
	};

	snprintf(path, sizeof(path), "%s/%s", st->dir, name);
	if (snprintf(bad, sizeof(bad), "%s.bad", name) >= (int)sizeof(bad) ||
	    renameat(st->dirfd, name, st->dirfd, bad) == -1)
		log_warn("outbox: %s is unreadable (%s) and cannot be "
		    "renamed", path, why);
	else
		log_struct(LOG_ERR, MSGID_ALERT_DEAD, fields, "outbox: %s is "
		    "unreadable (%s); renamed to %s.bad", path, why, path);
}

static int
outbox_store_is_tmp(const char *name)
{
	size_t	len = strlen(name), tl = strlen(OUTBOX_STORE_TMP);

	/* atomicfile_sweep() takes care of atomicfile_write()'s names */
	return name[0] == '.' && len > tl + 1 &&
	    strcmp(name + len - tl, OUTBOX_STORE_TMP) == 0;
}

void
outbox_store_sweep(struct outbox_store *st)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd;

	if ((fd = dup(st->dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (outbox_store_is_tmp(de->d_name) &&
		    unlinkat(st->dirfd, de->d_name, 0) == 0)
			log_info("outbox: removed %s/%s, left by a crash",
			    st->dir, de->d_name);
	closedir(d);
}
