/*
 * Reading the state directory for `status` (status.h).  Each file is
 * read through the module that writes it, with that module's checks.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/error.h"
#include "driftwatch/evstate.h"
#include "driftwatch/findings.h"
#include "driftwatch/mutes.h"
#include "driftwatch/outbox_store.h"
#include "driftwatch/status.h"

static struct status_sink *
status_sink_get(struct status *st, const char *name)
{
	struct status_sink	*v;
	size_t			 i;

	for (i = 0; i < st->nsinks; i++)
		if (strcmp(st->sinks[i].name, name) == 0)
			return &st->sinks[i];
	if ((v = reallocarray(st->sinks, st->nsinks + 1, sizeof(*v))) == NULL)
		return NULL;
	st->sinks = v;
	v = &v[st->nsinks];
	memset(v, 0, sizeof(*v));
	if ((v->name = strdup(name)) == NULL)
		return NULL;
	st->nsinks++;
	return v;
}

static int
status_count_rec(struct status *st, const struct outbox_rec *rec)
{
	struct status_sink	*s;
	size_t			 i;

	for (i = 0; i < rec->nslots; i++) {
		if (rec->slots[i].state != OUTBOX_SLOT_PENDING)
			continue;
		if ((s = status_sink_get(st, rec->slots[i].sink)) == NULL)
			return DW_ENOMEM;
		s->pending++;
		if (s->oldest == 0 || rec->alert->time < s->oldest)
			s->oldest = rec->alert->time;
	}
	return 0;
}

/* One outbox file; one delivered meanwhile (gone) is no error. */
static int
status_outbox_file(struct status *st, const char *dir, const char *name)
{
	struct outbox_rec	 rec;
	char			*path = NULL, *buf = NULL, why[128];
	size_t			 len = 0;
	int			 r;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		return DW_ENOMEM;
	r = atomicfile_read(path, OUTBOX_STORE_MAX_FILE, &buf, &len);
	free(path);
	if (r == DW_EIO && errno == ENOENT)
		return 0;
	if (r == 0 && (r = outbox_rec_decode(name, buf, len, &rec, why,
	    sizeof(why))) == 0) {
		r = status_count_rec(st, &rec);
		outbox_rec_clear(&rec);
	}
	free(buf);
	if (r != 0 && r != DW_ENOMEM) {
		st->unreadable++;	/* the daemon sets it aside itself */
		r = 0;
	}
	return r;
}

static int
status_entry_name(const char *name)
{
	size_t	len = strlen(name);

	return name[0] != '.' && len > 5 &&
	    strcmp(name + len - 5, ".json") == 0;
}

static int
status_outbox(struct status *st, char *err, size_t errlen)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir = NULL;
	int		 r = 0;

	if (asprintf(&dir, "%s/outbox", st->state_dir) == -1)
		return DW_ENOMEM;
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			r = DW_EIO;
		}
		free(dir);
		return r;
	}
	while (r == 0 && (de = readdir(d)) != NULL)
		if (status_entry_name(de->d_name))
			r = status_outbox_file(st, dir, de->d_name);
	closedir(d);
	free(dir);
	if (r == DW_ENOMEM)
		snprintf(err, errlen, "out of memory");
	return r;
}

/* 0, 1 when there is no directory yet, or EXIT_NOINPUT. */
static int
status_dir(const char *dir, char *err, size_t errlen)
{
	DIR	*d;

	if ((d = opendir(dir)) != NULL) {
		closedir(d);
		return 0;
	}
	if (errno == ENOENT)
		return 1;
	snprintf(err, errlen, "state directory %s: %s", dir, strerror(errno));
	return EXIT_NOINPUT;
}

static int
status_files(struct status *st, char *err, size_t errlen)
{
	if ((st->findings = findings_new(st->state_dir, st->account,
	    1)) == NULL || (st->ev = evstate_new(st->state_dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SOFTWARE;
	}
	if (st->no_state)
		return 0;
	if (findings_load(st->findings, err, errlen) != 0 ||
	    evstate_load(st->ev, err, errlen) != 0 ||
	    passrec_load(&st->passes, st->state_dir, err, errlen) != 0 ||
	    status_outbox(st, err, errlen) != 0)
		return EXIT_IOERR;
	return 0;
}

int
status_read(const struct config *cfg, const char *account, time_t now,
    struct status **out, char *err, size_t errlen)
{
	struct status	*st;
	size_t		 i;
	int		 r;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return EXIT_SOFTWARE;
	st->state_dir = cfg->state_dir;
	st->account = account;
	st->now = now;
	if ((r = status_dir(cfg->state_dir, err, errlen)) > 1) {
		status_free(st);
		return r;
	}
	st->no_state = r == 1;
	for (i = 0; i < cfg->nsinks; i++)
		if (status_sink_get(st, cfg->sinks[i].name) == NULL) {
			status_free(st);
			return EXIT_SOFTWARE;
		}
	if ((r = status_files(st, err, errlen)) != 0) {
		status_free(st);
		return r;
	}
	*out = st;
	return 0;
}

struct status_count {
	const struct status	*st;
	size_t			 n;
};

static void
status_count_cb(const struct finding_info *fi, void *arg)
{
	struct status_count	*c = arg;

	c->n += fi->state == FINDING_DRIFT &&
	    mutes_active(c->st->mutes, fi->key, c->st->now) == NULL;
}

size_t
status_open_count(const struct status *st)
{
	struct status_count	c = { st, 0 };

	findings_foreach_info(st->findings, status_count_cb, &c);
	return c.n;
}

void
status_free(struct status *st)
{
	size_t	i;

	if (st == NULL)
		return;
	mutes_free(st->mutes);
	findings_free(st->findings);
	evstate_free(st->ev);
	for (i = 0; i < st->nsinks; i++)
		free(st->sinks[i].name);
	free(st->sinks);
	free(st);
}

int
status_exit(const struct status *st)
{
	if (status_open_count(st) > 0)
		return EXIT_DRIFT;
	if (findings_blind_count(st->findings) > 0 || !st->passes.complete.set)
		return EXIT_UNKNOWN;
	return EXIT_ON_BASELINE;
}
