/*
 * The finding store: findings in a sorted array by key, per-check watch
 * state (unknown streak, blind) in a second sorted array, both persisted
 * in <state_dir>/findings.json.  The transition rules live in
 * findings_observe() and findings_end(); an alert is built before the
 * state changes, so a failed allocation retries on the next pass instead
 * of losing the alert.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "driftwatch/findings.h"
#include "driftwatch/findings_blind.h"
#include "driftwatch/findings_related.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/log.h"
#include "driftwatch/mutes.h"
#include "driftwatch/reminder.h"
#include "driftwatch/textclean.h"

#define FINDINGS_FILE		"findings.json"
#define FINDINGS_VERSION	1
#define FINDINGS_MAXFILE	(64 * 1024 * 1024)
#define FINDINGS_MAXNAME	256	/* check, resource, title, error */
#define FINDINGS_MAXVALUE	2048	/* expected, actual */
#define FINDINGS_GONE		"(resource no longer present)"

struct finding {
	char			*key;
	char			*check;
	char			*resource;	/* "" for the account */
	char			*title;
	char			*expected;
	char			*actual;
	enum severity		 severity;
	enum finding_state	 state;
	time_t			 first_seen;	/* entered its current state */
	time_t			 last_seen;
	unsigned long		 pass;		/* last pass that saw it */
	/* drift a mute kept quiet: alerts again when the mute ends */
	time_t			 muted_until;
	time_t			 reminded;	/* last reminder, 0: none */
};

struct findings_check {
	char		*check;
	char		*error;		/* last reason it could not see */
	unsigned	 streak;	/* consecutive incomplete passes */
	int		 blind;
	unsigned long	 pass;		/* current pass, 0 when none */
};

struct findings {
	char			 *path;
	char			 *account;
	unsigned		  blind_after;
	struct finding		**f;
	size_t			  nf;
	size_t			  capf;
	struct findings_check	**c;
	size_t			  nc;
	size_t			  capc;
	unsigned long		  gen;
	unsigned long		  saved;	/* saves of the file so far */
	int			  dirty;
	const struct mutes	 *mutes;	/* borrowed; may be NULL */
	struct findings_blind	 *blind;	/* blind checks by cause */
	struct findings_related	 *related;	/* recent events, by key */
	int			  batch;	/* passes running */
};

/* The values an alert about one finding carries. */
#define FINDINGS_SEED_MAX	1024

struct findings_msg {
	enum alert_kind		 kind;
	enum severity		 severity;
	const char		*check;
	const char		*key;
	const char		*title;
	const char		*expected;
	const char		*actual;
	time_t			 since;
	time_t			 basis;	/* stable id seed; 0: saved below */
	unsigned long		 saved;	/* the store's saves, on disk */
	const char		*idprefix;	/* NULL: by kind */
	const char		*note;		/* a last summary line */
};

static void
finding_free(struct finding *f)
{
	if (f == NULL)
		return;
	free(f->key);
	free(f->check);
	free(f->resource);
	free(f->title);
	free(f->expected);
	free(f->actual);
	free(f);
}

static void
findings_check_free(struct findings_check *cs)
{
	if (cs == NULL)
		return;
	free(cs->check);
	free(cs->error);
	free(cs);
}

const char *
finding_state_name(enum finding_state s)
{
	switch (s) {
	case FINDING_OK:	return "ok";
	case FINDING_DRIFT:	return "drift";
	case FINDING_UNKNOWN:	return "unknown";
	}
	return "invalid";
}

static int
findings_state_parse(const char *name, enum finding_state *out)
{
	enum finding_state	s;

	for (s = FINDING_OK; s <= FINDING_UNKNOWN; s++) {
		if (strcmp(name, finding_state_name(s)) == 0) {
			*out = s;
			return 0;
		}
	}
	return DW_EINVAL;
}

struct findings *
findings_new(const char *state_dir, const char *account_id,
    unsigned blind_after)
{
	struct findings	*fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	if (asprintf(&fs->path, "%s/%s", state_dir, FINDINGS_FILE) == -1) {
		fs->path = NULL;
		goto fail;
	}
	if (account_id != NULL && (fs->account = strdup(account_id)) == NULL)
		goto fail;
	fs->blind_after = blind_after > 0 ? blind_after : 1;
	fs->blind = findings_blind_new();
	fs->related = findings_related_new();
	return fs;
fail:
	findings_free(fs);
	return NULL;
}

static void
findings_clear(struct findings *fs)
{
	size_t	i;

	for (i = 0; i < fs->nf; i++)
		finding_free(fs->f[i]);
	for (i = 0; i < fs->nc; i++)
		findings_check_free(fs->c[i]);
	free(fs->f);
	free(fs->c);
	fs->f = NULL;
	fs->c = NULL;
	fs->nf = fs->capf = fs->nc = fs->capc = 0;
}

void
findings_free(struct findings *fs)
{
	if (fs == NULL)
		return;
	findings_clear(fs);
	findings_blind_free(fs->blind);
	findings_related_free(fs->related);
	free(fs->path);
	free(fs->account);
	free(fs);
}

/* --- the two sorted arrays ------------------------------------------- */

/*
 * Both arrays hold pointers to structs sorted by a string member at
 * offset off: the index of key, or where it would go; *found says which.
 */
static size_t
findings_bsearch(void *const *v, size_t n, size_t off, const char *key,
    int *found)
{
	size_t	lo = 0, hi = n, mid;
	int	cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(key, *(char *const *)((const char *)v[mid] + off));
		if (cmp == 0) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return lo;
}

static size_t
findings_search(const struct findings *fs, const char *key, int *found)
{
	return findings_bsearch((void *const *)fs->f, fs->nf,
	    offsetof(struct finding, key), key, found);
}

static size_t
findings_check_search(const struct findings *fs, const char *check,
    int *found)
{
	return findings_bsearch((void *const *)fs->c, fs->nc,
	    offsetof(struct findings_check, check), check, found);
}

/* array with room for one more of n pointers, or NULL (array kept). */
static void *
findings_grow(void *array, size_t n, size_t *cap, size_t size)
{
	void	*p;
	size_t	 ncap;

	if (n < *cap)
		return array;
	ncap = *cap ? *cap * 2 : 16;
	if ((p = reallocarray(array, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

static int
findings_insert(struct findings *fs, struct finding *f, size_t at)
{
	struct finding	**p;

	if ((p = findings_grow(fs->f, fs->nf, &fs->capf, sizeof(*p))) == NULL)
		return DW_ENOMEM;
	fs->f = p;
	memmove(fs->f + at + 1, fs->f + at, (fs->nf - at) * sizeof(*fs->f));
	fs->f[at] = f;
	fs->nf++;
	fs->dirty = 1;
	return 0;
}

static int
findings_check_insert(struct findings *fs, struct findings_check *cs,
    size_t at)
{
	struct findings_check	**p;

	if ((p = findings_grow(fs->c, fs->nc, &fs->capc, sizeof(*p))) == NULL)
		return DW_ENOMEM;
	fs->c = p;
	memmove(fs->c + at + 1, fs->c + at, (fs->nc - at) * sizeof(*fs->c));
	fs->c[at] = cs;
	fs->nc++;
	return 0;
}

/* The watch state of check, made on first use; NULL when out of memory. */
static struct findings_check *
findings_check_get(struct findings *fs, const char *check)
{
	struct findings_check	*cs;
	size_t			 at;
	int			 found;

	at = findings_check_search(fs, check, &found);
	if (found)
		return fs->c[at];
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	if ((cs->check = strdup(check)) == NULL ||
	    findings_check_insert(fs, cs, at) != 0) {
		findings_check_free(cs);
		return NULL;
	}
	return cs;
}

/* --- small helpers ----------------------------------------------------- */

static char *
findings_key(const char *check, const char *resource)
{
	char	*key;

	if (resource == NULL || *resource == '\0')
		return strdup(check);
	if (asprintf(&key, "%s/%s", check, resource) == -1)
		return NULL;
	return key;
}

static int
findings_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Replaces *field with a cleaned copy of s; marks the store if it changed. */
static int
findings_setstr(struct findings *fs, char **field, const char *s, size_t max)
{
	char	*c = NULL;

	if (s != NULL && (c = textclean_dup(s, max)) == NULL)
		return DW_ENOMEM;
	if (findings_streq(*field, c)) {
		free(c);
		return 0;
	}
	free(*field);
	*field = c;
	fs->dirty = 1;
	return 0;
}

static void
findings_isotime(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* --- alerts ------------------------------------------------------------ */

static int
findings_summary(const struct findings_msg *m, char **out)
{
	char		 since[32];
	const char	*verb;

	findings_isotime(m->since, since, sizeof(since));
	verb = m->kind == ALERT_RESOLVE ? "Drifted since" : "First seen";
	if (asprintf(out, "Check: %s\nFinding: %s\nExpected: %s\n"
	    "Actual: %s\n%s: %s%s%s", m->check, m->key,
	    m->expected ? m->expected : "-", m->actual ? m->actual : "-",
	    verb, since, m->note ? "\n" : "", m->note ? m->note : "") == -1) {
		*out = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

/* Sets the fields every alert from this store carries. */
static int
findings_alert_fill(struct findings *fs, struct alert *a, const char *check,
    const char *key, const char *title, time_t now)
{
	a->time = now;
	if (alert_set(&a->check, check) != 0 ||
	    alert_set(&a->finding, key) != 0 ||
	    alert_set(&a->account, fs->account) != 0 ||
	    alert_set(&a->title, title) != 0)
		return DW_ENOMEM;
	return 0;
}

/*
 * The same transition raised again after a crash (the alert was queued,
 * the state not yet saved) keeps its id, so receivers drop the repeat:
 * the id hashes the key with the saved time the transition ends or,
 * for a finding the file does not hold yet, with the number of times
 * the file has been saved, which a restart reads back unchanged.
 */
static void
findings_alert_id(struct alert *a, const struct findings_msg *m)
{
	char	seed[FINDINGS_SEED_MAX];

	if (m->basis != 0)
		snprintf(seed, sizeof(seed), "%s@%lld", m->key,
		    (long long)m->basis);
	else
		snprintf(seed, sizeof(seed), "%s@g%lu", m->key, m->saved);
	alert_set_id(a, m->idprefix != NULL ? m->idprefix :
	    m->kind == ALERT_OPEN ? "open" : "res", seed);
}

/*
 * Cleaned copies of what a check observed (AWS values: names, buckets)
 * for the alert, as the store keeps them; NULL stays NULL.
 */
static int
findings_msg_clean(const struct findings_msg *m, struct findings_msg *c,
    char **own)
{
	*c = *m;
	own[0] = textclean_dup(m->title ? m->title : m->key,
	    FINDINGS_MAXNAME);
	own[1] = m->expected ? textclean_dup(m->expected, FINDINGS_MAXVALUE) :
	    NULL;
	own[2] = m->actual ? textclean_dup(m->actual, FINDINGS_MAXVALUE) :
	    NULL;
	c->title = own[0];
	c->expected = own[1];
	c->actual = own[2];
	return own[0] == NULL || (m->expected && own[1] == NULL) ||
	    (m->actual && own[2] == NULL) ? DW_ENOMEM : 0;
}

/* Appends "\nRelated to: what" to the alert's summary. */
static int
findings_related_say(struct alert *a, const char *what)
{
	char	*s;

	if (asprintf(&s, "%s\nRelated to: %s", a->summary ? a->summary : "",
	    what) == -1)
		return DW_ENOMEM;
	free(a->summary);
	a->summary = s;
	return 0;
}

/*
 * An open alert's correlation is its finding's key, which the event that
 * causes the drift computes too (event_rules.c); after a recent event
 * that affects it, the event's own key (the same but for a region
 * prefix), and the summary names the event.
 */
static int
findings_correlate(struct findings *fs, struct alert *a,
    const struct findings_msg *m, time_t now)
{
	const char	*res = m->key + strlen(m->check), *key, *what;

	if (m->kind != ALERT_OPEN)
		return 0;
	if (*res == '/')
		res++;
	if (!findings_related_find(fs->related, m->check, res, now, &key,
	    &what))
		return alert_set(&a->correlation, m->key);
	if (alert_set(&a->correlation, key) != 0)
		return DW_ENOMEM;
	return findings_related_say(a, what);
}

/* An open or resolve alert, or NULL when out of memory. */
static struct alert *
findings_alert(struct findings *fs, const struct findings_msg *m, time_t now)
{
	struct findings_msg	 c;
	struct alert		*a = NULL;
	char			*title = NULL, *own[3] = { NULL, NULL, NULL };
	int			 i;

	if (findings_msg_clean(m, &c, own) != 0)
		goto fail;
	if (asprintf(&title, "%s: %s", m->kind == ALERT_OPEN ? "Drift" :
	    "Resolved", c.title) == -1) {
		title = NULL;
		goto fail;
	}
	if ((a = alert_new(m->kind, m->severity)) == NULL)
		goto fail;
	findings_alert_id(a, m);
	if (findings_alert_fill(fs, a, m->check, m->key, title, now) != 0 ||
	    alert_set(&a->expected, c.expected) != 0 ||
	    alert_set(&a->actual, c.actual) != 0 ||
	    findings_summary(&c, &a->summary) != 0 ||
	    findings_correlate(fs, a, m, now) != 0)
		goto fail;
	goto out;
fail:
	log_warnx("%s: no memory for the %s alert; retrying next pass",
	    m->key, alert_kind_name(m->kind));
	alert_free(a);
	a = NULL;
out:
	free(title);
	for (i = 0; i < 3; i++)
		free(own[i]);
	return a;
}

/* Without a callback (`check`, which sends nothing) the alert is
 * dropped; with one, the callback logs it, once (alert_log()). */
static void
findings_deliver(struct alert *a, findings_alert_cb cb, void *arg)
{
	if (cb == NULL) {
		alert_free(a);
		return;
	}
	cb(a, arg);
}

/* --- observations ------------------------------------------------------- */

/* The finding for key, made in state unknown when new; NULL on ENOMEM. */
static struct finding *
findings_get(struct findings *fs, const char *key, const char *check,
    const char *resource, time_t now)
{
	struct finding	*f;
	size_t		 at;
	int		 found;

	at = findings_search(fs, key, &found);
	if (found)
		return fs->f[at];
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->state = FINDING_UNKNOWN;
	f->first_seen = f->last_seen = now;
	if ((f->key = strdup(key)) == NULL ||
	    (f->check = strdup(check)) == NULL ||
	    (f->resource = strdup(resource)) == NULL ||
	    findings_insert(fs, f, at) != 0) {
		finding_free(f);
		return NULL;
	}
	return f;
}

/* The alert this observation calls for, if any; *need says if one is. */
static struct alert *
findings_transition(struct findings *fs, const struct finding *f,
    const struct finding_obs *o, time_t now, int *need)
{
	struct findings_msg	m = { 0 };

	m.check = f->check;
	m.key = f->key;
	m.expected = o->expected;
	m.actual = o->actual;
	m.severity = o->severity;
	m.since = now;
	m.saved = fs->saved;
	*need = 1;
	if (o->state == FINDING_DRIFT && f->state != FINDING_DRIFT) {
		m.kind = ALERT_OPEN;
		m.title = o->title;
		/* a saved ok state dates this drift; a new finding has none */
		m.basis = f->state == FINDING_OK ? f->first_seen : 0;
	} else if (o->state == FINDING_OK && f->state == FINDING_DRIFT) {
		m.kind = ALERT_RESOLVE;
		m.title = f->title != NULL ? f->title : o->title;
		m.severity = f->severity;
		m.since = m.basis = f->first_seen;
	} else {
		*need = 0;
		return NULL;
	}
	return findings_alert(fs, &m, now);
}

/* Stores what a known-state observation saw. */
static int
findings_update(struct findings *fs, struct finding *f,
    const struct finding_obs *o, time_t now)
{
	if (f->state != o->state) {
		f->state = o->state;
		f->first_seen = now;
		fs->dirty = 1;
	}
	if (f->severity != o->severity) {
		f->severity = o->severity;
		fs->dirty = 1;
	}
	if (f->last_seen != now) {
		f->last_seen = now;
		fs->dirty = 1;
	}
	if (findings_setstr(fs, &f->title, o->title, FINDINGS_MAXNAME) != 0 ||
	    findings_setstr(fs, &f->expected, o->expected,
	    FINDINGS_MAXVALUE) != 0 ||
	    findings_setstr(fs, &f->actual, o->actual, FINDINGS_MAXVALUE) != 0)
		return DW_ENOMEM;
	return 0;
}

void
findings_begin(struct findings *fs, const char *check)
{
	struct findings_check	*cs;

	if ((cs = findings_check_get(fs, check)) == NULL) {
		log_warnx("%s: no memory to start a pass", check);
		return;
	}
	cs->pass = ++fs->gen;
}

/* Cleans the names an observation is keyed by; DW_EINVAL if unusable. */
static int
findings_obs_names(const struct finding_obs *o, char **check, char **res)
{
	*check = *res = NULL;
	if (o->check == NULL || *o->check == '\0' ||
	    o->state > FINDING_UNKNOWN || o->severity > SEV_CRITICAL)
		return DW_EINVAL;
	*check = textclean_dup(o->check, FINDINGS_MAXNAME);
	*res = textclean_dup(o->resource ? o->resource : "", FINDINGS_MAXNAME);
	if (*check == NULL || *res == NULL)
		return DW_ENOMEM;
	return 0;
}

/*
 * Under a mute, drift raises nothing and is marked so that the end of
 * the mute raises the open alert people have not had.
 */
static void
findings_hold(struct findings *fs, struct finding *f,
    const struct finding_obs *o, const struct mute *mu)
{
	char	until[32];

	mutes_time_fmt(mu->until, until, sizeof(until));
	if (o->state == FINDING_DRIFT && f->muted_until != mu->until) {
		log_info("%s: drift muted until %s (%s): no alert", f->key,
		    until, mu->reason);
		f->muted_until = mu->until;
		fs->dirty = 1;
	} else if (o->state == FINDING_OK && f->state == FINDING_DRIFT)
		log_info("%s: resolved while muted until %s: no alert",
		    f->key, until);
}

/* Still drift after its mute ended: the open alert, said so. */
static struct alert *
findings_unmuted(struct findings *fs, const struct finding *f,
    const struct finding_obs *o, time_t now)
{
	struct findings_msg	m = { 0 };
	char			until[32], note[96];

	mutes_time_fmt(f->muted_until, until, sizeof(until));
	snprintf(note, sizeof(note), "Muted until: %s (the mute has ended)",
	    until);
	m.kind = ALERT_OPEN;
	m.severity = o->severity;
	m.check = f->check;
	m.key = f->key;
	m.title = o->title;
	m.expected = o->expected;
	m.actual = o->actual;
	m.since = f->first_seen;
	m.basis = f->muted_until;
	m.idprefix = "unmuted";
	m.note = note;
	return findings_alert(fs, &m, now);
}

/* The alert an unmuted observation calls for; *stop: retry next pass. */
static struct alert *
findings_alert_for(struct findings *fs, struct finding *f,
    const struct finding_obs *o, time_t now, int *stop)
{
	struct alert	*a;
	int		 need;

	*stop = 0;
	a = findings_transition(fs, f, o, now, &need);
	if (need && a == NULL)
		*stop = 1;
	else if (a == NULL && o->state == FINDING_DRIFT &&
	    f->state == FINDING_DRIFT && f->muted_until != 0 &&
	    (a = findings_unmuted(fs, f, o, now)) == NULL)
		*stop = 1;
	else if (a != NULL && a->kind == ALERT_RESOLVE &&
	    f->muted_until != 0) {
		/* its drift was never announced: nor is its end */
		log_info("%s: resolved after its mute ended: no alert",
		    f->key);
		alert_free(a);
		a = NULL;
	}
	return a;
}

static void
findings_apply(struct findings *fs, struct finding *f,
    const struct finding_obs *o, time_t now, findings_alert_cb cb, void *arg)
{
	const struct mute	*mu = mutes_active(fs->mutes, f->key, now);
	struct alert		*a = NULL;
	int			 stop = 0;

	if (mu != NULL)
		findings_hold(fs, f, o, mu);
	else if ((a = findings_alert_for(fs, f, o, now, &stop)) == NULL &&
	    stop)
		return;
	/* the held drift ended, or was announced */
	if ((a != NULL || o->state == FINDING_OK) && f->muted_until != 0) {
		f->muted_until = 0;
		fs->dirty = 1;
	}
	if (a != NULL && a->kind == ALERT_OPEN && f->state == FINDING_DRIFT) {
		f->reminded = now;	/* the next reminder counts from here */
		fs->dirty = 1;
	}
	if (findings_update(fs, f, o, now) != 0)
		log_warnx("%s: no memory to store the values seen", f->key);
	if (a != NULL)
		findings_deliver(a, cb, arg);
}

void
findings_set_mutes(struct findings *fs, const struct mutes *ms)
{
	fs->mutes = ms;
}

void
findings_observe(struct findings *fs, const struct finding_obs *o,
    time_t now, findings_alert_cb cb, void *arg)
{
	struct findings_check	*cs;
	struct finding		*f;
	char			*check = NULL, *res = NULL, *key = NULL;
	int			 r;

	if ((r = findings_obs_names(o, &check, &res)) != 0) {
		log_warnx("%s: observation dropped: %s", check ? check :
		    "(no check id)", dw_strerror(r));
		goto out;
	}
	if ((cs = findings_check_get(fs, check)) == NULL ||
	    (key = findings_key(check, res)) == NULL ||
	    (f = findings_get(fs, key, check, res, now)) == NULL)
		/* dropped, it would let the end of the pass resolve the
		 * finding: as xmalloc does, stop and let systemd restart */
		fatalx("%s: out of memory for an observation", check);
	if (cs->pass == 0)
		cs->pass = ++fs->gen;
	f->pass = cs->pass;
	/* unknown keeps the last known state; a new finding keeps its text */
	if (o->state != FINDING_UNKNOWN || f->state == FINDING_UNKNOWN)
		findings_apply(fs, f, o, now, cb, arg);
out:
	free(check);
	free(res);
	free(key);
}

/* --- end of a pass --------------------------------------------------------- */

/* A drift finding whose resource is gone resolves; 0 if it may go. */
static int
findings_gone(struct findings *fs, struct finding *f, time_t now,
    findings_alert_cb cb, void *arg)
{
	struct findings_msg	 m = { 0 };
	struct alert		*a;

	if (f->state != FINDING_DRIFT)
		return 0;
	if (f->muted_until != 0 || mutes_active(fs->mutes, f->key, now)) {
		log_info("%s: gone while muted: no alert", f->key);
		return 0;
	}
	m.kind = ALERT_RESOLVE;
	m.severity = f->severity;
	m.check = f->check;
	m.key = f->key;
	m.title = f->title;
	m.expected = f->expected;
	m.actual = FINDINGS_GONE;
	m.since = m.basis = f->first_seen;
	if ((a = findings_alert(fs, &m, now)) == NULL)
		return DW_ENOMEM;
	findings_deliver(a, cb, arg);
	return 0;
}

/* After a complete pass: what the pass did not see no longer exists. */
static void
findings_sweep(struct findings *fs, const struct findings_check *cs,
    time_t now, findings_alert_cb cb, void *arg)
{
	struct finding	*f;
	size_t		 i, j;

	for (i = j = 0; i < fs->nf; i++) {
		f = fs->f[i];
		if (strcmp(f->check, cs->check) != 0 || f->pass == cs->pass ||
		    findings_gone(fs, f, now, cb, arg) != 0) {
			fs->f[j++] = f;
			continue;
		}
		finding_free(f);
		fs->dirty = 1;
	}
	fs->nf = j;
}

/* A complete pass: the check sees; a cause it was blind of may clear. */
static void
findings_sighted(struct findings *fs, struct findings_check *cs)
{
	if (cs->streak != 0 || cs->error != NULL)
		fs->dirty = 1;
	cs->streak = 0;
	free(cs->error);
	cs->error = NULL;
	if (findings_blind_note(fs->blind, cs->check, 0, 0, NULL))
		fs->dirty = 1;
}

/*
 * An incomplete pass: the streak grows; the cause of the failure
 * hears whether the check is blind yet.  The alerts wait for
 * findings_flush(), so one failure blinding several checks in a pass
 * is said once, naming them all.
 */
static void
findings_blinded(struct findings *fs, struct findings_check *cs,
    const char *error)
{
	if (cs->streak < UINT_MAX)
		cs->streak++;
	fs->dirty = 1;
	if (findings_setstr(fs, &cs->error, error && *error ? error :
	    "unknown error", FINDINGS_MAXNAME) != 0 && cs->error == NULL)
		return;
	log_warnx("%s: pass incomplete (%u in a row): %s", cs->check,
	    cs->streak, cs->error);
	(void)findings_blind_note(fs->blind, cs->check, 1,
	    cs->streak >= fs->blind_after, cs->error);
}

/* Each check's "blind" as the file has long said it. */
static void
findings_blind_sync(struct findings *fs)
{
	size_t	i;
	int	b;

	for (i = 0; i < fs->nc; i++) {
		b = findings_blind_is_blind(fs->blind, fs->c[i]->check);
		if (fs->c[i]->blind != b) {
			fs->c[i]->blind = b;
			fs->dirty = 1;
		}
	}
}

void
findings_batch(struct findings *fs, int on)
{
	if (on)
		fs->batch++;
	else if (fs->batch > 0)
		fs->batch--;
}

void
findings_flush(struct findings *fs, time_t now, findings_alert_cb cb,
    void *arg)
{
	if (fs->batch > 0)
		return;
	if (findings_blind_flush(fs->blind, fs->account, fs->saved, now, cb,
	    arg))
		fs->dirty = 1;
	findings_blind_sync(fs);
}

void
findings_end(struct findings *fs, const char *check, int complete,
    const char *error, time_t now, findings_alert_cb cb, void *arg)
{
	struct findings_check	*cs;

	if ((cs = findings_check_get(fs, check)) == NULL) {
		log_warnx("%s: no memory to end a pass", check);
		return;
	}
	if (complete) {
		if (cs->pass != 0)
			findings_sweep(fs, cs, now, cb, arg);
		findings_sighted(fs, cs);
	} else
		findings_blinded(fs, cs, error);
	cs->pass = 0;
}

/* --- reminders ------------------------------------------------------------ */

/* Open, not muted, and its interval passed since it opened or was last
 * reminded, whichever is later. */
static int
findings_due(const struct findings *fs, const struct finding *f,
    const unsigned *after, time_t now)
{
	time_t	from;

	if (f->state != FINDING_DRIFT || f->severity > SEV_CRITICAL ||
	    after[f->severity] == 0 || f->muted_until != 0 ||
	    mutes_active(fs->mutes, f->key, now) != NULL)
		return 0;
	from = f->reminded > f->first_seen ? f->reminded : f->first_seen;
	return now - from >= (time_t)after[f->severity];
}

/* The findings due, as borrowed items; their count. */
static size_t
findings_due_items(const struct findings *fs, const unsigned *after,
    time_t now, struct alert_item **out)
{
	struct alert_item	*v;
	const struct finding	*f;
	size_t			 i, n = 0;

	*out = NULL;
	if ((v = calloc(fs->nf + 1, sizeof(*v))) == NULL)
		return 0;
	for (i = 0; i < fs->nf; i++) {
		f = fs->f[i];
		if (!findings_due(fs, f, after, now))
			continue;
		v[n].finding = f->key;
		v[n].check = f->check;
		v[n].title = f->title != NULL ? f->title : f->key;
		v[n].severity = f->severity;
		v[n].since = f->first_seen;
		n++;
	}
	*out = v;
	return n;
}

void
findings_remind(struct findings *fs, const unsigned *after, time_t now,
    findings_alert_cb cb, void *arg)
{
	struct alert_item	*items;
	struct alert		*a;
	char			 seed[FINDINGS_SEED_MAX];
	size_t			 i, n;

	if ((n = findings_due_items(fs, after, now, &items)) == 0) {
		free(items);
		return;
	}
	/* as a blind alert's id (findings_blind.c): a restart raises it
	 * under the same id */
	snprintf(seed, sizeof(seed), "reminder@g%lu@%zu@%s", fs->saved, n,
	    items[0].finding);
	if ((a = reminder_alert_new(items, n, fs->account, now,
	    seed)) == NULL) {
		log_warnx("no memory for the reminder of %zu finding(s); "
		    "retrying next pass", n);
		free(items);
		return;
	}
	free(items);
	for (i = 0; i < fs->nf; i++)
		if (findings_due(fs, fs->f[i], after, now))
			fs->f[i]->reminded = now;
	fs->dirty = 1;
	if (cb == NULL) {
		alert_free(a);
		return;
	}
	log_info("reminder alert %s: %s", a->id, a->title);
	cb(a, arg);
}

/* --- events and the drift they cause ------------------------------------- */

void
findings_relate_event(struct findings *fs, struct alert *a, time_t now)
{
	const struct finding	*f;
	char			 since[32], *what;
	size_t			 i;

	if (a->correlation == NULL)
		return;
	findings_related_note(fs->related, a, now);
	/* the state check may have seen the drift before CloudTrail told */
	for (i = 0; i < fs->nf; i++) {
		f = fs->f[i];
		if (f->state != FINDING_DRIFT ||
		    f->first_seen + FINDINGS_RELATED_WINDOW < now ||
		    !findings_related_matches(a->correlation, a->ev.region,
		    f->check, f->resource))
			continue;
		findings_isotime(f->first_seen, since, sizeof(since));
		if (asprintf(&what, "drift %s, open since %s", f->key,
		    since) == -1)
			return;
		(void)findings_related_say(a, what);
		free(what);
		return;
	}
}

/* --- queries ------------------------------------------------------------ */

size_t
findings_open_count(const struct findings *fs)
{
	size_t	i, n = 0;

	for (i = 0; i < fs->nf; i++)
		n += fs->f[i]->state == FINDING_DRIFT;
	return n;
}

size_t
findings_blind_count(const struct findings *fs)
{
	return findings_blind_count_checks(fs->blind);
}

void
findings_foreach(const struct findings *fs, findings_foreach_cb fn, void *arg)
{
	const struct finding	*f;
	size_t			 i;

	for (i = 0; i < fs->nf; i++) {
		f = fs->f[i];
		fn(f->key, f->check, f->state, f->severity, f->title,
		    f->expected, f->actual, arg);
	}
}

void
findings_foreach_info(const struct findings *fs, findings_info_cb fn,
    void *arg)
{
	const struct finding	*f;
	struct finding_info	 fi;
	size_t			 i;

	for (i = 0; i < fs->nf; i++) {
		f = fs->f[i];
		fi.key = f->key;
		fi.check = f->check;
		fi.resource = f->resource != NULL ? f->resource : "";
		fi.state = f->state;
		fi.severity = f->severity;
		fi.title = f->title;
		fi.expected = f->expected;
		fi.actual = f->actual;
		fi.first_seen = f->first_seen;
		fi.last_seen = f->last_seen;
		fn(&fi, arg);
	}
}

void
findings_foreach_check(const struct findings *fs, findings_check_cb fn,
    void *arg)
{
	const struct findings_check	*cs;
	struct findings_check_info	 ci;
	size_t				 i;

	for (i = 0; i < fs->nc; i++) {
		cs = fs->c[i];
		ci.check = cs->check;
		ci.streak = cs->streak;
		ci.blind = cs->blind;
		ci.error = cs->streak > 0 || cs->blind ? cs->error : NULL;
		fn(&ci, arg);
	}
}

/* --- persistence --------------------------------------------------------- */

static int
findings_json_add(struct json_object *o, const char *key,
    struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return DW_ENOMEM;
	}
	return 0;
}

static int
findings_json_str(struct json_object *o, const char *key, const char *s)
{
	if (s == NULL)
		return 0;
	return findings_json_add(o, key, json_object_new_string(s));
}

/* An optional time: left out when 0. */
static int
findings_json_time(struct json_object *o, const char *key, time_t t)
{
	if (t == 0)
		return 0;
	return findings_json_add(o, key, json_object_new_int64(t));
}

static struct json_object *
finding_to_json(const struct finding *f)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (findings_json_str(o, "check", f->check) != 0 ||
	    findings_json_str(o, "resource", f->resource) != 0 ||
	    findings_json_str(o, "state", finding_state_name(f->state)) != 0 ||
	    findings_json_str(o, "severity", severity_name(f->severity)) != 0 ||
	    findings_json_add(o, "first_seen",
	    json_object_new_int64(f->first_seen)) != 0 ||
	    findings_json_add(o, "last_seen",
	    json_object_new_int64(f->last_seen)) != 0 ||
	    findings_json_str(o, "title", f->title) != 0 ||
	    findings_json_str(o, "expected", f->expected) != 0 ||
	    findings_json_str(o, "actual", f->actual) != 0 ||
	    findings_json_time(o, "muted_until", f->muted_until) != 0 ||
	    findings_json_time(o, "reminded", f->reminded) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *
findings_check_to_json(const struct findings_check *cs)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (findings_json_str(o, "check", cs->check) != 0 ||
	    findings_json_add(o, "streak",
	    json_object_new_int64(cs->streak)) != 0 ||
	    findings_json_add(o, "blind",
	    json_object_new_boolean(cs->blind)) != 0 ||
	    findings_json_str(o, "error", cs->error) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Adds an array under key of the n items fn converts. */
static int
findings_json_array(struct json_object *doc, const char *key,
    const struct findings *fs, size_t n,
    struct json_object *(*fn)(const struct findings *, size_t))
{
	struct json_object	*arr, *v;
	size_t			 i;

	if ((arr = json_object_new_array_ext((int)n)) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < n; i++) {
		if ((v = fn(fs, i)) == NULL ||
		    json_object_array_add(arr, v) != 0) {
			json_object_put(v);
			json_object_put(arr);
			return DW_ENOMEM;
		}
	}
	return findings_json_add(doc, key, arr);
}

static struct json_object *
findings_f_to_json(const struct findings *fs, size_t i)
{
	return finding_to_json(fs->f[i]);
}

static struct json_object *
findings_c_to_json(const struct findings *fs, size_t i)
{
	return findings_check_to_json(fs->c[i]);
}

static struct json_object *
findings_to_json(const struct findings *fs)
{
	struct json_object	*doc;

	if ((doc = json_object_new_object()) == NULL)
		return NULL;
	if (findings_json_add(doc, "version",
	    json_object_new_int(FINDINGS_VERSION)) != 0 ||
	    findings_json_str(doc, "account", fs->account) != 0 ||
	    findings_json_add(doc, "generation",
	    json_object_new_int64((int64_t)fs->saved + 1)) != 0 ||
	    findings_json_array(doc, "findings", fs, fs->nf,
	    findings_f_to_json) != 0 ||
	    findings_json_array(doc, "checks", fs, fs->nc,
	    findings_c_to_json) != 0 ||
	    findings_json_add(doc, "blind",
	    findings_blind_to_json(fs->blind)) != 0) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

int
findings_save(struct findings *fs)
{
	struct json_object	*doc = NULL;
	const char		*s;
	size_t			 len;
	int			 r = DW_ENOMEM;

	if (!fs->dirty)
		return 0;
	if ((doc = findings_to_json(fs)) == NULL)
		goto out;
	s = json_object_to_json_string_length(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL)
		goto out;
	if ((r = atomicfile_write(fs->path, s, len, 0600)) != 0) {
		log_warn("%s", fs->path);
		goto out;
	}
	fs->saved++;
	fs->dirty = 0;
out:
	json_object_put(doc);
	return r;
}

/* --- loading ---------------------------------------------------------------- */

/* Where a load is and what went wrong there. */
struct findings_load {
	struct findings	*fs;
	char		*err;
	size_t		 errlen;
	char		 where[64];
};

static int
findings_bad(struct findings_load *l, const char *what, const char *key)
{
	snprintf(l->err, l->errlen, "%s: %s%s\"%s\" %s", l->fs->path,
	    l->where, *l->where ? ": " : "", key, what);
	return DW_EPARSE;
}

/* A string member: required or NULL when absent; never another type. */
static int
findings_get_str(struct findings_load *l, struct json_object *o,
    const char *key, int required, const char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return required ? findings_bad(l, "is missing", key) : 0;
	if (!json_object_is_type(v, json_type_string))
		return findings_bad(l, "is not a string", key);
	*out = json_object_get_string(v);
	return 0;
}

static int
findings_get_int(struct findings_load *l, struct json_object *o,
    const char *key, long long max, long long *out)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v))
		return findings_bad(l, "is missing", key);
	if (!json_object_is_type(v, json_type_int))
		return findings_bad(l, "is not an integer", key);
	*out = json_object_get_int64(v);
	if (*out < 0 || *out > max)
		return findings_bad(l, "is out of range", key);
	return 0;
}

/* Absent in files from before mutes and reminders: 0. */
static int
findings_get_opt_time(struct findings_load *l, struct json_object *o,
    const char *key, time_t *out)
{
	long long	v;
	int		r;

	*out = 0;
	if (!json_object_object_get_ex(o, key, NULL))
		return 0;
	if ((r = findings_get_int(l, o, key, LLONG_MAX, &v)) != 0)
		return r;
	*out = (time_t)v;
	return 0;
}

static int
findings_get_enums(struct findings_load *l, struct json_object *o,
    struct finding *f)
{
	const char	*s;
	int		 r;

	if ((r = findings_get_str(l, o, "state", 1, &s)) != 0)
		return r;
	if (findings_state_parse(s, &f->state) != 0)
		return findings_bad(l, "is not ok, drift or unknown", "state");
	if ((r = findings_get_str(l, o, "severity", 1, &s)) != 0)
		return r;
	if (severity_parse(s, &f->severity) != 0)
		return findings_bad(l, "is not a severity", "severity");
	return 0;
}

static int
findings_get_strs(struct findings_load *l, struct json_object *o,
    struct finding *f)
{
	const char	*check, *res, *title, *exp, *act;
	int		 r;

	if ((r = findings_get_str(l, o, "check", 1, &check)) != 0 ||
	    (r = findings_get_str(l, o, "resource", 0, &res)) != 0 ||
	    (r = findings_get_str(l, o, "title", 0, &title)) != 0 ||
	    (r = findings_get_str(l, o, "expected", 0, &exp)) != 0 ||
	    (r = findings_get_str(l, o, "actual", 0, &act)) != 0)
		return r;
	if (*check == '\0')
		return findings_bad(l, "is empty", "check");
	f->check = textclean_dup(check, FINDINGS_MAXNAME);
	f->resource = textclean_dup(res ? res : "", FINDINGS_MAXNAME);
	f->title = textclean_dup(title, FINDINGS_MAXNAME);
	f->expected = textclean_dup(exp, FINDINGS_MAXVALUE);
	f->actual = textclean_dup(act, FINDINGS_MAXVALUE);
	if (f->check == NULL || f->resource == NULL ||
	    (title && !f->title) || (exp && !f->expected) || (act && !f->actual))
		return DW_ENOMEM;
	f->key = findings_key(f->check, f->resource);
	return f->key == NULL ? DW_ENOMEM : 0;
}

static int
findings_load_one(struct findings_load *l, struct json_object *o)
{
	struct finding	*f;
	long long	 first, last;
	size_t		 at;
	int		 found, r;

	if (!json_object_is_type(o, json_type_object))
		return findings_bad(l, "is not an object", "finding");
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return DW_ENOMEM;
	if ((r = findings_get_strs(l, o, f)) != 0 ||
	    (r = findings_get_enums(l, o, f)) != 0 ||
	    (r = findings_get_int(l, o, "first_seen", LLONG_MAX, &first)) != 0 ||
	    (r = findings_get_int(l, o, "last_seen", LLONG_MAX, &last)) != 0)
		goto fail;
	f->first_seen = (time_t)first;
	f->last_seen = (time_t)last;
	if ((r = findings_get_opt_time(l, o, "muted_until",
	    &f->muted_until)) != 0 ||
	    (r = findings_get_opt_time(l, o, "reminded", &f->reminded)) != 0)
		goto fail;
	at = findings_search(l->fs, f->key, &found);
	if (found) {
		r = findings_bad(l, "appears twice", f->key);
		goto fail;
	}
	if ((r = findings_insert(l->fs, f, at)) != 0)
		goto fail;
	return 0;
fail:
	finding_free(f);
	return r;
}

static int
findings_load_check(struct findings_load *l, struct json_object *o)
{
	struct findings_check	*cs;
	const char		*check, *error;
	long long		 streak;
	struct json_object	*v;
	int			 r, found;

	if (!json_object_is_type(o, json_type_object))
		return findings_bad(l, "is not an object", "check");
	if ((r = findings_get_str(l, o, "check", 1, &check)) != 0 ||
	    (r = findings_get_str(l, o, "error", 0, &error)) != 0 ||
	    (r = findings_get_int(l, o, "streak", UINT_MAX, &streak)) != 0)
		return r;
	if (*check == '\0')
		return findings_bad(l, "is empty", "check");
	if (!json_object_object_get_ex(o, "blind", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return findings_bad(l, "is missing or not a boolean", "blind");
	findings_check_search(l->fs, check, &found);
	if (found)
		return findings_bad(l, "appears twice", check);
	if ((cs = findings_check_get(l->fs, check)) == NULL ||
	    findings_setstr(l->fs, &cs->error, error, FINDINGS_MAXNAME) != 0)
		return DW_ENOMEM;
	cs->streak = (unsigned)streak;
	cs->blind = json_object_get_boolean(v);
	return 0;
}

static int
findings_load_array(struct findings_load *l, struct json_object *doc,
    const char *key, int (*fn)(struct findings_load *, struct json_object *))
{
	struct json_object	*arr;
	size_t			 i, n;
	int			 r;

	if (!json_object_object_get_ex(doc, key, &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return findings_bad(l, "is not an array", key);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		snprintf(l->where, sizeof(l->where), "%s[%zu]", key, i);
		if ((r = fn(l, json_object_array_get_idx(arr, i))) != 0)
			return r;
	}
	*l->where = '\0';
	return 0;
}

/*
 * The blind checks by cause; a file from before the grouping has only
 * each check's "blind", and its blind checks become open causes, so an
 * upgrade raises nothing again.
 */
static int
findings_load_blind(struct findings_load *l, struct json_object *doc)
{
	struct json_object	*arr;
	char			 why[192];
	size_t			 i;

	if (json_object_object_get_ex(doc, "blind", &arr)) {
		if (findings_blind_from_json(l->fs->blind, arr, why,
		    sizeof(why)) != 0) {
			snprintf(l->err, l->errlen, "%s: %s", l->fs->path, why);
			return DW_EPARSE;
		}
		return 0;
	}
	for (i = 0; i < l->fs->nc; i++)
		if (l->fs->c[i]->blind)
			findings_blind_adopt(l->fs->blind, l->fs->c[i]->check,
			    l->fs->c[i]->error, 0);
	return 0;
}

static int
findings_load_doc(struct findings_load *l, struct json_object *doc)
{
	const char	*account;
	long long	 version, generation = 0;
	int		 r;

	if (!json_object_is_type(doc, json_type_object)) {
		snprintf(l->err, l->errlen, "%s: not a JSON object",
		    l->fs->path);
		return DW_EPARSE;
	}
	if ((r = findings_get_int(l, doc, "version", INT_MAX, &version)) != 0)
		return r;
	if (version != FINDINGS_VERSION)
		return findings_bad(l, "is not a version this daemon reads",
		    "version");
	if ((r = findings_get_str(l, doc, "account", 0, &account)) != 0)
		return r;
	/* absent in files from before alert ids were stable: 0 */
	if (json_object_object_get_ex(doc, "generation", NULL) &&
	    (r = findings_get_int(l, doc, "generation", LLONG_MAX,
	    &generation)) != 0)
		return r;
	l->fs->saved = (unsigned long)generation;
	if (account != NULL && l->fs->account != NULL &&
	    strcmp(account, l->fs->account) != 0) {
		snprintf(l->err, l->errlen, "%s: holds the state of account "
		    "%.32s, not %s", l->fs->path, account, l->fs->account);
		return DW_EINVAL;
	}
	if ((r = findings_load_array(l, doc, "findings",
	    findings_load_one)) != 0 ||
	    (r = findings_load_array(l, doc, "checks",
	    findings_load_check)) != 0)
		return r;
	return findings_load_blind(l, doc);
}

/* Reads the file into buf; 1 when it is absent. */
static int
findings_read(struct findings *fs, char **buf, size_t *len, char *err,
    size_t errlen)
{
	int	r;

	if ((r = atomicfile_read(fs->path, FINDINGS_MAXFILE, buf, len)) == 0)
		return 0;
	if (r == DW_EIO && errno == ENOENT)
		return 1;
	if (r == DW_EIO)
		snprintf(err, errlen, "%s: %s", fs->path, strerror(errno));
	else
		snprintf(err, errlen, "%s: %s", fs->path, dw_strerror(r));
	return r;
}

/* Moves what tmp loaded into fs, which keeps its settings. */
static void
findings_take(struct findings *fs, struct findings *tmp)
{
	findings_clear(fs);
	fs->f = tmp->f;
	fs->nf = tmp->nf;
	fs->capf = tmp->capf;
	fs->c = tmp->c;
	fs->nc = tmp->nc;
	fs->capc = tmp->capc;
	fs->saved = tmp->saved;
	findings_blind_free(fs->blind);
	fs->blind = tmp->blind;
	tmp->blind = findings_blind_new();
	tmp->f = NULL;
	tmp->c = NULL;
	tmp->nf = tmp->nc = tmp->capf = tmp->capc = 0;
	fs->dirty = 0;
}

int
findings_load(struct findings *fs, char *err, size_t errlen)
{
	struct findings_load	 l = { 0 };
	struct findings		*tmp = NULL;
	struct json_object	*doc = NULL;
	char			*buf = NULL, perr[128];
	size_t			 len;
	int			 r;

	if ((r = findings_read(fs, &buf, &len, err, errlen)) != 0) {
		if (r == 1)
			r = 0;
		goto out;
	}
	if ((r = jsonparse(buf, len, &doc, perr, sizeof(perr))) != 0) {
		snprintf(err, errlen, "%s: %s", fs->path, perr);
		goto out;
	}
	r = DW_ENOMEM;
	if ((tmp = findings_new("", fs->account, fs->blind_after)) == NULL)
		goto out;
	free(tmp->path);
	if ((tmp->path = strdup(fs->path)) == NULL)
		goto out;
	l.fs = tmp;
	l.err = err;
	l.errlen = errlen;
	if ((r = findings_load_doc(&l, doc)) != 0)
		goto out;
	findings_take(fs, tmp);
out:
	if (r == DW_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", fs->path);
	findings_free(tmp);
	json_object_put(doc);
	free(buf);
	return r;
}
