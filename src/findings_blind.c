/*
 * Blind checks grouped by cause.  A group is a cause key (blindcause.h)
 * and the checks failing of it; it opens (one blind alert) when one of
 * them has failed blind_after passes, keeps every check that fails of
 * it while open (a later one joins without a new alert), and closes
 * (one sighted alert naming them all) when none fails of it any more.
 * A check failing of another cause leaves the group and is named in
 * the sighted alert as still blind.  Out of memory aborts (xmalloc.h):
 * a dropped note would let a blind spell pass unsaid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/blindcause.h"
#include "driftwatch/error.h"
#include "driftwatch/findings_blind.h"
#include "driftwatch/log.h"
#include "driftwatch/textclean.h"
#include "driftwatch/xmalloc.h"

#define FB_MAXNAME	256	/* check, cause, error */
#define FB_SEED_MAX	512

struct fb_member {
	char	*check;
	char	*error;		/* the last reason it gave */
	int	 failing;	/* fails of the group's cause now */
	int	 ready;		/* for blind_after passes */
};

struct fb_group {
	char			*cause;
	time_t			 since;	/* opened; 0 before */
	int			 open;
	struct fb_member	*m;	/* sorted by check */
	size_t			 n;
};

struct findings_blind {
	struct fb_group	*g;
	size_t		 n;
};

struct findings_blind *
findings_blind_new(void)
{
	return xcalloc(1, sizeof(struct findings_blind));
}

static void
fb_group_clear(struct fb_group *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++) {
		free(g->m[i].check);
		free(g->m[i].error);
	}
	free(g->m);
	free(g->cause);
}

void
findings_blind_free(struct findings_blind *fb)
{
	size_t	i;

	if (fb == NULL)
		return;
	for (i = 0; i < fb->n; i++)
		fb_group_clear(&fb->g[i]);
	free(fb->g);
	free(fb);
}

/* --- the tables --------------------------------------------------------- */

static struct fb_group *
fb_group_find(const struct findings_blind *fb, const char *cause)
{
	size_t	i;

	for (i = 0; i < fb->n; i++)
		if (strcmp(fb->g[i].cause, cause) == 0)
			return &fb->g[i];
	return NULL;
}

static struct fb_group *
fb_group_get(struct findings_blind *fb, const char *cause)
{
	struct fb_group	*g;

	if ((g = fb_group_find(fb, cause)) != NULL)
		return g;
	fb->g = xreallocarray(fb->g, fb->n + 1, sizeof(*fb->g));
	g = &fb->g[fb->n++];
	memset(g, 0, sizeof(*g));
	g->cause = xstrdup(cause);
	return g;
}

static void
fb_group_remove(struct findings_blind *fb, size_t i)
{
	fb_group_clear(&fb->g[i]);
	memmove(&fb->g[i], &fb->g[i + 1], (fb->n - i - 1) * sizeof(*fb->g));
	fb->n--;
}

static struct fb_member *
fb_member_find(const struct fb_group *g, const char *check)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->m[i].check, check) == 0)
			return &g->m[i];
	return NULL;
}

/* The member for check, added in check order when new. */
static struct fb_member *
fb_member_get(struct fb_group *g, const char *check, int *added)
{
	struct fb_member	*m;
	size_t			 at;

	*added = 0;
	if ((m = fb_member_find(g, check)) != NULL)
		return m;
	for (at = 0; at < g->n && strcmp(g->m[at].check, check) < 0; at++)
		;
	g->m = xreallocarray(g->m, g->n + 1, sizeof(*g->m));
	memmove(&g->m[at + 1], &g->m[at], (g->n - at) * sizeof(*g->m));
	g->n++;
	m = &g->m[at];
	memset(m, 0, sizeof(*m));
	m->check = xstrdup(check);
	*added = 1;
	return m;
}

static void
fb_member_remove(struct fb_group *g, struct fb_member *m)
{
	size_t	i = (size_t)(m - g->m);

	free(m->check);
	free(m->error);
	memmove(&g->m[i], &g->m[i + 1], (g->n - i - 1) * sizeof(*g->m));
	g->n--;
}

static size_t
fb_failing(const struct fb_group *g)
{
	size_t	i, n = 0;

	for (i = 0; i < g->n; i++)
		n += g->m[i].failing != 0;
	return n;
}

/* The cause check fails of now, other than group skip; or NULL. */
static const char *
fb_cause_of(const struct findings_blind *fb, const char *check,
    const struct fb_group *skip)
{
	const struct fb_member	*m;
	size_t			 i;

	for (i = 0; i < fb->n; i++)
		if (&fb->g[i] != skip &&
		    (m = fb_member_find(&fb->g[i], check)) != NULL &&
		    m->failing)
			return fb->g[i].cause;
	return NULL;
}

/* --- notes ---------------------------------------------------------------- */

/* check no longer fails of any cause but keep (NULL: of none). */
static int
fb_leave(struct findings_blind *fb, const char *check, const char *keep)
{
	struct fb_group		*g;
	struct fb_member	*m;
	size_t			 i;
	int			 changed = 0;

	for (i = fb->n; i-- > 0; ) {
		g = &fb->g[i];
		if ((keep != NULL && strcmp(g->cause, keep) == 0) ||
		    (m = fb_member_find(g, check)) == NULL)
			continue;
		changed |= m->failing;
		m->failing = m->ready = 0;
		if (!g->open) {
			/* never alerted: nobody needs to hear it is gone */
			fb_member_remove(g, m);
			changed = 1;
			if (g->n == 0)
				fb_group_remove(fb, i);
		}
	}
	return changed;
}

static int
fb_setstr(char **field, const char *s)
{
	char	*c;

	if (s == NULL)
		s = "unknown error";
	if (*field != NULL && strcmp(*field, s) == 0)
		return 0;
	c = xnonnull(textclean_dup(s, FB_MAXNAME), "textclean_dup");
	free(*field);
	*field = c;
	return 1;
}

int
findings_blind_note(struct findings_blind *fb, const char *check,
    int failing, int ready, const char *error)
{
	struct fb_group		*g;
	struct fb_member	*m;
	char			 cause[FB_MAXNAME];
	int			 changed, added;

	if (!failing)
		return fb_leave(fb, check, NULL);
	blindcause_key(check, error, cause, sizeof(cause));
	changed = fb_leave(fb, check, cause);
	g = fb_group_get(fb, cause);
	m = fb_member_get(g, check, &added);
	if (added && g->open)
		log_info("%s: blind as well, of the cause already alerted: %s",
		    check, blindcause_describe(cause));
	changed |= added || !m->failing || m->ready != (ready != 0);
	m->failing = 1;
	m->ready = ready != 0;
	changed |= fb_setstr(&m->error, error);
	return changed;
}

/* --- alerts ----------------------------------------------------------------- */

/* The checks of g, space-separated, failing ones only if so asked. */
static char *
fb_list(const struct fb_group *g, int failing_only, const char *sep)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < g->n; i++) {
		if (failing_only && !g->m[i].failing)
			continue;
		xasprintf(&t, "%s%s%s", s, *s ? sep : "", g->m[i].check);
		free(s);
		s = t;
	}
	return s;
}

static const char *
fb_label(const char *cause)
{
	if (strcmp(cause, "denied") == 0)
		return "permissions denied";
	if (strcmp(cause, "credentials") == 0)
		return "credentials expired or revoked";
	if (strcmp(cause, "unreachable") == 0)
		return "AWS unreachable or throttling";
	return "the check failed";
}

static struct alert *
fb_alert_new(const struct fb_group *g, enum alert_kind kind,
    const char *account, const char *one, time_t now)
{
	struct alert	*a;
	char		*check = NULL, *finding = NULL;

	a = xnonnull(alert_new(kind, SEV_HIGH), "alert_new");
	a->time = now;
	if (one != NULL)
		check = xstrdup(one);
	else
		xasprintf(&check, "watch.%s", g->cause);
	xasprintf(&finding, "blind/%s", g->cause);
	a->check = check;
	a->finding = finding;
	if (account != NULL)
		a->account = xstrdup(account);
	a->checks = fb_list(g, kind == ALERT_BLIND, " ");
	return a;
}

/* "  root.mfa: AccessDenied: ..." for each failing check. */
static char *
fb_reasons(const struct fb_group *g)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < g->n; i++) {
		if (!g->m[i].failing)
			continue;
		xasprintf(&t, "%s\n  %s: %s", s, g->m[i].check,
		    g->m[i].error ? g->m[i].error : "unknown error");
		free(s);
		s = t;
	}
	return s;
}

static struct alert *
fb_blind_alert(const struct fb_group *g, const char *account,
    unsigned long gen, time_t now)
{
	struct alert	*a;
	char		 seed[FB_SEED_MAX], *list, *why;
	size_t		 n = fb_failing(g);

	a = fb_alert_new(g, ALERT_BLIND, account, n == 1 ? g->m[0].check :
	    NULL, now);
	snprintf(seed, sizeof(seed), "%s@g%lu", g->cause, gen);
	alert_set_id(a, "blind", seed);
	list = fb_list(g, 1, ", ");
	why = fb_reasons(g);
	if (n == 1)
		xasprintf(&a->title, "driftwatch cannot see %s: %s",
		    g->m[0].check, g->m[0].error);
	else
		xasprintf(&a->title, "driftwatch cannot see %zu checks: %s",
		    n, fb_label(g->cause));
	xasprintf(&a->summary, "Cause: %s\nBlind checks (%zu): %s\n"
	    "Last errors:%s\nDrift these checks cover goes unnoticed until "
	    "they can see again; check the daemon's permissions and "
	    "credentials.", blindcause_describe(g->cause), n, list, why);
	free(list);
	free(why);
	return a;
}

/* "\nStill cannot see: x (now: cause)" for members blind of another. */
static char *
fb_still(const struct findings_blind *fb, const struct fb_group *g)
{
	const char	*other;
	char		*s = xstrdup(""), *t;
	size_t		 i;

	for (i = 0; i < g->n; i++) {
		if ((other = fb_cause_of(fb, g->m[i].check, g)) == NULL)
			continue;
		xasprintf(&t, "%s\nStill cannot see %s, for another cause: %s",
		    s, g->m[i].check, blindcause_describe(other));
		free(s);
		s = t;
	}
	return s;
}

static struct alert *
fb_sighted_alert(const struct findings_blind *fb, const struct fb_group *g,
    const char *account, time_t now)
{
	struct alert	*a;
	char		 seed[FB_SEED_MAX], *list, *still;

	a = fb_alert_new(g, ALERT_SIGHTED, account, g->n == 1 ?
	    g->m[0].check : NULL, now);
	snprintf(seed, sizeof(seed), "%s@%lld", g->cause,
	    (long long)g->since);
	alert_set_id(a, "sighted", seed);
	list = fb_list(g, 0, ", ");
	still = fb_still(fb, g);
	if (g->n == 1)
		xasprintf(&a->title, "driftwatch can see %s again",
		    g->m[0].check);
	else
		xasprintf(&a->title, "driftwatch can see %zu checks again "
		    "(%s cleared)", g->n, fb_label(g->cause));
	xasprintf(&a->summary, "Cleared: %s\nChecks that were blind of it "
	    "(%zu): %s%s", blindcause_describe(g->cause), g->n, list, still);
	free(list);
	free(still);
	return a;
}

/* Without a callback (`check`, which sends nothing) the alert is
 * dropped; with one, the callback logs it, once (alert_log()). */
static void
fb_deliver(struct alert *a, findings_alert_cb cb, void *arg)
{
	if (cb == NULL) {
		alert_free(a);
		return;
	}
	cb(a, arg);
}

static int
fb_any_ready(const struct fb_group *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		if (g->m[i].failing && g->m[i].ready)
			return 1;
	return 0;
}

int
findings_blind_flush(struct findings_blind *fb, const char *account,
    unsigned long gen, time_t now, findings_alert_cb cb, void *arg)
{
	struct fb_group	*g;
	size_t		 i;
	int		 changed = 0;

	for (i = fb->n; i-- > 0; ) {
		g = &fb->g[i];
		if (!g->open && fb_any_ready(g)) {
			fb_deliver(fb_blind_alert(g, account, gen, now), cb,
			    arg);
			g->open = 1;
			g->since = now;
			changed = 1;
		} else if (g->open && fb_failing(g) == 0) {
			fb_deliver(fb_sighted_alert(fb, g, account, now), cb,
			    arg);
			fb_group_remove(fb, i);
			changed = 1;
		}
	}
	return changed;
}

/* --- queries ------------------------------------------------------------------ */

int
findings_blind_is_blind(const struct findings_blind *fb, const char *check)
{
	const struct fb_member	*m;
	size_t			 i;

	for (i = 0; i < fb->n; i++)
		if (fb->g[i].open &&
		    (m = fb_member_find(&fb->g[i], check)) != NULL &&
		    m->failing)
			return 1;
	return 0;
}

size_t
findings_blind_count_checks(const struct findings_blind *fb)
{
	size_t	i, j, n = 0;

	/* a check fails of one cause at a time */
	for (i = 0; i < fb->n; i++)
		for (j = 0; fb->g[i].open && j < fb->g[i].n; j++)
			n += fb->g[i].m[j].failing != 0;
	return n;
}

int
findings_blind_adopt(struct findings_blind *fb, const char *check,
    const char *error, time_t now)
{
	struct fb_group	*g;
	char		 cause[FB_MAXNAME];

	findings_blind_note(fb, check, 1, 1, error);
	blindcause_key(check, error, cause, sizeof(cause));
	g = fb_group_get(fb, cause);
	if (!g->open) {
		g->open = 1;
		g->since = now;
	}
	return 0;
}

/* --- persistence ---------------------------------------------------------------- */

static void
fb_json_add(struct json_object *o, const char *key, struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0)
		fatalx("out of memory for the blind checks' state");
}

static struct json_object *
fb_member_to_json(const struct fb_member *m)
{
	struct json_object	*o = xnonnull(json_object_new_object(), "json");

	fb_json_add(o, "check", json_object_new_string(m->check));
	if (m->error != NULL)
		fb_json_add(o, "error", json_object_new_string(m->error));
	fb_json_add(o, "failing", json_object_new_boolean(m->failing));
	fb_json_add(o, "ready", json_object_new_boolean(m->ready));
	return o;
}

static struct json_object *
fb_group_to_json(const struct fb_group *g)
{
	struct json_object	*o, *arr;
	size_t			 i;

	o = xnonnull(json_object_new_object(), "json");
	arr = xnonnull(json_object_new_array(), "json");
	fb_json_add(o, "cause", json_object_new_string(g->cause));
	fb_json_add(o, "open", json_object_new_boolean(g->open));
	fb_json_add(o, "since", json_object_new_int64(g->since));
	for (i = 0; i < g->n; i++)
		if (json_object_array_add(arr, fb_member_to_json(&g->m[i])))
			fatalx("out of memory for the blind checks' state");
	fb_json_add(o, "checks", arr);
	return o;
}

struct json_object *
findings_blind_to_json(const struct findings_blind *fb)
{
	struct json_object	*arr;
	size_t			 i;

	arr = xnonnull(json_object_new_array(), "json");
	for (i = 0; i < fb->n; i++)
		if (json_object_array_add(arr, fb_group_to_json(&fb->g[i])))
			fatalx("out of memory for the blind checks' state");
	return arr;
}

/* A member of the right type, or NULL. */
static struct json_object *
fb_get(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, t))
		return NULL;
	return v;
}

static int
fb_bad(char *err, size_t errlen, size_t i, const char *what)
{
	snprintf(err, errlen, "blind[%zu]: %s", i, what);
	return DW_EPARSE;
}

static int
fb_member_from_json(struct fb_group *g, struct json_object *o)
{
	struct json_object	*c, *e = NULL, *f, *r;
	struct fb_member	*m;
	char			*name;
	int			 added;

	if (!json_object_is_type(o, json_type_object) ||
	    (c = fb_get(o, "check", json_type_string)) == NULL ||
	    *json_object_get_string(c) == '\0' ||
	    (f = fb_get(o, "failing", json_type_boolean)) == NULL ||
	    (r = fb_get(o, "ready", json_type_boolean)) == NULL)
		return DW_EPARSE;
	if (json_object_object_get_ex(o, "error", &e) &&
	    !json_object_is_type(e, json_type_string))
		return DW_EPARSE;
	name = xnonnull(textclean_dup(json_object_get_string(c), FB_MAXNAME),
	    "textclean_dup");
	m = fb_member_get(g, name, &added);
	free(name);
	if (!added)
		return DW_EPARSE;
	m->failing = json_object_get_boolean(f);
	m->ready = json_object_get_boolean(r);
	if (e != NULL)
		fb_setstr(&m->error, json_object_get_string(e));
	return 0;
}

static int
fb_group_from_json(struct findings_blind *fb, struct json_object *o,
    size_t i, char *err, size_t errlen)
{
	struct json_object	*cause, *open, *since, *arr;
	struct fb_group		*g;
	size_t			 j;

	if (!json_object_is_type(o, json_type_object) ||
	    (cause = fb_get(o, "cause", json_type_string)) == NULL ||
	    (open = fb_get(o, "open", json_type_boolean)) == NULL ||
	    (since = fb_get(o, "since", json_type_int)) == NULL ||
	    (arr = fb_get(o, "checks", json_type_array)) == NULL)
		return fb_bad(err, errlen, i, "is not an object with cause, "
		    "open, since and checks");
	if (*json_object_get_string(cause) == '\0' ||
	    strlen(json_object_get_string(cause)) >= FB_MAXNAME ||
	    fb_group_find(fb, json_object_get_string(cause)) != NULL)
		return fb_bad(err, errlen, i, "cause is empty, too long or "
		    "appears twice");
	if (json_object_get_int64(since) < 0)
		return fb_bad(err, errlen, i, "since is out of range");
	g = fb_group_get(fb, json_object_get_string(cause));
	g->open = json_object_get_boolean(open);
	g->since = (time_t)json_object_get_int64(since);
	for (j = 0; j < json_object_array_length(arr); j++)
		if (fb_member_from_json(g, json_object_array_get_idx(arr,
		    j)) != 0)
			return fb_bad(err, errlen, i, "a check is not an "
			    "object with check, failing and ready, or appears "
			    "twice");
	return 0;
}

int
findings_blind_from_json(struct findings_blind *fb, struct json_object *arr,
    char *err, size_t errlen)
{
	size_t	i;
	int	r;

	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "\"blind\" is not an array");
		return DW_EPARSE;
	}
	for (i = 0; i < json_object_array_length(arr); i++)
		if ((r = fb_group_from_json(fb, json_object_array_get_idx(arr,
		    i), i, err, errlen)) != 0)
			return r;
	return 0;
}
