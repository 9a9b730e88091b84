/*
 * The commands that manage <state_dir>/mutes.json: `mute FINDING
 * --until DATE --reason TEXT`, `unmute FINDING` and `mutes` (the list,
 * the baseline's too).  Each holds an exclusive flock on the state
 * directory while it reads and rewrites the file, so two at once do
 * not lose a change; the daemon only reads the file, which is replaced
 * atomically.  Run as root, the file is given to the directory's owner,
 * the daemon's (DynamicUser) account, which must be able to read it.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/mutes.h"
#include "driftwatch/mute_cmd.h"
#include "driftwatch/textclean.h"
#include "driftwatch/xmalloc.h"

struct mute_cmd {
	struct config	*cfg;
	struct mutes	*ms;		/* the file's */
	int		 dirfd;		/* locked */
};

static void
mute_cmd_close(struct mute_cmd *c)
{
	if (c->dirfd != -1)
		close(c->dirfd);	/* releases the lock */
	mutes_free(c->ms);
	config_free(c->cfg);
}

static int
mute_cmd_lock(struct mute_cmd *c, int create)
{
	const char	*dir = c->cfg->state_dir;

	if (create && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("state directory %s", dir);
		return EXIT_SOFTWARE;
	}
	if ((c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && !create)
			return 0;	/* no state yet: no mutes */
		log_warn("state directory %s", dir);
		return EXIT_SOFTWARE;
	}
	if (flock(c->dirfd, LOCK_EX) == -1) {
		log_warn("cannot lock %s", dir);
		return EXIT_SOFTWARE;
	}
	return 0;
}

/* Config, lock, the file's mutes: 0 or the exit code. */
static int
mute_cmd_open(struct mute_cmd *c, const char *config, int create)
{
	char	err[2048];
	int	r;

	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	if (config_load_all(config, &c->cfg, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EXIT_CONFIG;
	}
	if ((r = mute_cmd_lock(c, create)) != 0)
		return r;
	if ((c->ms = mutes_new()) == NULL)
		return EXIT_SOFTWARE;
	if (mutes_load(c->ms, c->cfg->state_dir, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EXIT_CONFIG;
	}
	return 0;
}

/* Given to the state directory's owner, so the daemon can read it. */
static int
mute_cmd_save(struct mute_cmd *c)
{
	struct stat	 st;
	char		*path = NULL;
	int		 r = 0;

	if (mutes_save(c->ms, c->cfg->state_dir) != 0) {
		log_warn("cannot write %s/%s", c->cfg->state_dir, MUTES_FILE);
		return EXIT_SOFTWARE;
	}
	if (fstat(c->dirfd, &st) == 0 && st.st_uid != geteuid() &&
	    asprintf(&path, "%s/%s", c->cfg->state_dir, MUTES_FILE) != -1) {
		if (chown(path, st.st_uid, st.st_gid) == -1) {
			log_warn("%s: cannot give it to uid %u, the state "
			    "directory's owner", path, (unsigned)st.st_uid);
			r = EXIT_SOFTWARE;
		}
		free(path);
	}
	return r;
}

static int
mute_cmd_reason_valid(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > MUTES_MAXREASON)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* The arguments, before anything is read: 0 or EXIT_USAGE. */
static int
mute_cmd_args(const char *finding, const char *until, const char *reason,
    time_t *t)
{
	if (!mutes_key_valid(finding)) {
		log_warnx("%.300s: not a finding key; expected the check id, "
		    "\"/\" and the resource, as check and status show it "
		    "(\"iam.user_mfa/alice\")", finding);
		return EXIT_USAGE;
	}
	if (until == NULL || reason == NULL) {
		log_warnx("mute needs --until DATE and --reason TEXT");
		return EXIT_USAGE;
	}
	if (mutes_time_parse(until, t) != 0) {
		log_warnx("--until %.64s: expected a UTC date like "
		    "2027-01-31T00:00:00Z or 2027-01-31", until);
		return EXIT_USAGE;
	}
	if (*t <= time(NULL)) {
		log_warnx("--until %.64s is not in the future", until);
		return EXIT_USAGE;
	}
	if (!mute_cmd_reason_valid(reason)) {
		log_warnx("--reason: one line of 1 to %d bytes",
		    MUTES_MAXREASON);
		return EXIT_USAGE;
	}
	return 0;
}

int
mute_cmd_mute(const char *config, const char *finding, const char *until,
    const char *reason)
{
	struct mute_cmd	 c;
	time_t		 t;
	char		 when[32];
	int		 r;

	if ((r = mute_cmd_args(finding, until, reason, &t)) != 0)
		return r;
	if ((r = mute_cmd_open(&c, config, 1)) != 0)
		goto out;
	if (mutes_find(c.ms, finding) == NULL && c.ms->n >= MUTES_MAX) {
		log_warnx("%s/%s holds %d mutes already", c.cfg->state_dir,
		    MUTES_FILE, MUTES_MAX);
		r = EXIT_SOFTWARE;
		goto out;
	}
	if (mutes_set(c.ms, finding, t, reason, time(NULL), MUTE_STATE) != 0) {
		r = EXIT_SOFTWARE;
		goto out;
	}
	if ((r = mute_cmd_save(&c)) != 0)
		goto out;
	mutes_time_fmt(t, when, sizeof(when));
	printf("muted %s until %s\n", finding, when);
out:
	mute_cmd_close(&c);
	return r;
}

/* Where a finding is muted when the file does not hold it. */
static void
mute_cmd_baseline_says(const struct config *cfg, const char *finding)
{
	struct baseline	*bl = NULL;
	char		 err[256];

	if (baseline_load(cfg->baseline_path, &bl, err, sizeof(err)) == 0 &&
	    mutes_find(bl->mutes, finding) != NULL)
		log_warnx("%s is muted in the baseline, %s: remove it there "
		    "and reload", finding, bl->path);
	baseline_free(bl);
}

int
mute_cmd_unmute(const char *config, const char *finding)
{
	struct mute_cmd	c;
	int		r;

	if (!mutes_key_valid(finding)) {
		log_warnx("%.300s: not a finding key", finding);
		return EXIT_USAGE;
	}
	if ((r = mute_cmd_open(&c, config, 0)) != 0)
		goto out;
	if (!mutes_remove(c.ms, finding)) {
		log_warnx("%s is not muted by the mute command", finding);
		mute_cmd_baseline_says(c.cfg, finding);
		r = EXIT_DRIFT;		/* 1: nothing to do */
		goto out;
	}
	if ((r = mute_cmd_save(&c)) != 0)
		goto out;
	printf("unmuted %s\n", finding);
out:
	mute_cmd_close(&c);
	return r;
}

static void
mute_cmd_print(const struct mute *m, time_t now)
{
	char	 when[32], *reason;

	mutes_time_fmt(m->until, when, sizeof(when));
	reason = textclean_dup(m->reason, MUTES_MAXREASON);
	printf("%-40s %-20s %-8s %-7s %s\n", m->finding, when,
	    mute_source_name(m->source), now < m->until ? "active" : "ended",
	    reason ? reason : "");
	free(reason);
}

static struct json_object *
mute_cmd_str(const char *s)
{
	return xnonnull(json_object_new_string(s), "json_object_new_string");
}

static struct json_object *
mute_cmd_json_one(const struct mute *m, time_t now)
{
	struct json_object	*o;
	char			 when[32];

	o = xnonnull(json_object_new_object(), "json_object_new_object");
	mutes_time_fmt(m->until, when, sizeof(when));
	json_object_object_add(o, "finding", mute_cmd_str(m->finding));
	json_object_object_add(o, "until", mute_cmd_str(when));
	json_object_object_add(o, "reason", mute_cmd_str(m->reason));
	json_object_object_add(o, "source",
	    mute_cmd_str(mute_source_name(m->source)));
	json_object_object_add(o, "active",
	    json_object_new_boolean(now < m->until));
	return o;
}

static void
mute_cmd_json(const struct mutes *ms, time_t now)
{
	struct json_object	*doc, *arr;
	size_t			 i;

	doc = xnonnull(json_object_new_object(), "json_object_new_object");
	arr = xnonnull(json_object_new_array(), "json_object_new_array");
	for (i = 0; i < ms->n; i++)
		json_object_array_add(arr, mute_cmd_json_one(&ms->v[i], now));
	json_object_object_add(doc, "mutes", arr);
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

/* The baseline's and the file's, as the daemon merges them. */
int
mute_cmd_list(const char *config, int json)
{
	struct mute_cmd	 c;
	struct baseline	*bl = NULL;
	struct mutes	*all = NULL;
	char		 err[2048];
	time_t		 now = time(NULL);
	size_t		 i;
	int		 r;

	if ((r = mute_cmd_open(&c, config, 0)) != 0)
		goto out;
	if (baseline_load(c.cfg->baseline_path, &bl, err, sizeof(err)) != 0)
		log_warnx("%s\n(the baseline's mutes are not shown)", err);
	if ((all = mutes_new()) == NULL ||
	    (bl != NULL && mutes_merge(all, bl->mutes) != 0) ||
	    mutes_merge(all, c.ms) != 0) {
		r = EXIT_SOFTWARE;
		goto out;
	}
	if (json)
		mute_cmd_json(all, now);
	else if (all->n == 0)
		printf("no mutes\n");
	else {
		printf("%-40s %-20s %-8s %-7s %s\n", "FINDING", "UNTIL",
		    "SOURCE", "STATE", "REASON");
		for (i = 0; i < all->n; i++)
			mute_cmd_print(&all->v[i], now);
	}
	fflush(stdout);
out:
	mutes_free(all);
	baseline_free(bl);
	mute_cmd_close(&c);
	return r;
}
