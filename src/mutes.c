/*
 * The mute list: a small array searched by key (a few dozen mutes at
 * most), the key syntax a mute may name and the dates it takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driftwatch/error.h"
#include "driftwatch/mutes.h"

struct mutes *
mutes_new(void)
{
	return calloc(1, sizeof(struct mutes));
}

static void
mute_clear(struct mute *m)
{
	free(m->finding);
	free(m->reason);
	m->finding = m->reason = NULL;
}

void
mutes_free(struct mutes *ms)
{
	size_t	i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->n; i++)
		mute_clear(&ms->v[i]);
	free(ms->v);
	free(ms);
}

static struct mute *
mutes_lookup(const struct mutes *ms, const char *finding)
{
	size_t	i;

	for (i = 0; ms != NULL && i < ms->n; i++)
		if (strcmp(ms->v[i].finding, finding) == 0)
			return &ms->v[i];
	return NULL;
}

int
mutes_set(struct mutes *ms, const char *finding, time_t until,
    const char *reason, time_t created, enum mute_source src)
{
	struct mute	*m, *v, n;

	n.finding = strdup(finding);
	n.reason = strdup(reason != NULL ? reason : "");
	n.until = until;
	n.created = created;
	n.source = src;
	if (n.finding == NULL || n.reason == NULL)
		goto fail;
	if ((m = mutes_lookup(ms, finding)) != NULL) {
		mute_clear(m);
		*m = n;
		return 0;
	}
	if ((v = reallocarray(ms->v, ms->n + 1, sizeof(*v))) == NULL)
		goto fail;
	ms->v = v;
	ms->v[ms->n++] = n;
	return 0;
fail:
	mute_clear(&n);
	return DW_ENOMEM;
}

int
mutes_remove(struct mutes *ms, const char *finding)
{
	struct mute	*m;
	size_t		 at;

	if ((m = mutes_lookup(ms, finding)) == NULL)
		return 0;
	at = (size_t)(m - ms->v);
	mute_clear(m);
	memmove(ms->v + at, ms->v + at + 1, (ms->n - at - 1) * sizeof(*m));
	ms->n--;
	return 1;
}

int
mutes_merge(struct mutes *ms, const struct mutes *src)
{
	const struct mute	*m;
	size_t			 i;

	for (i = 0; src != NULL && i < src->n; i++) {
		m = &src->v[i];
		if (mutes_set(ms, m->finding, m->until, m->reason, m->created,
		    m->source) != 0)
			return DW_ENOMEM;
	}
	return 0;
}

const struct mute *
mutes_find(const struct mutes *ms, const char *finding)
{
	return mutes_lookup(ms, finding);
}

const struct mute *
mutes_active(const struct mutes *ms, const char *finding, time_t now)
{
	const struct mute	*m = mutes_lookup(ms, finding);

	return m != NULL && now < m->until ? m : NULL;
}

const char *
mute_source_name(enum mute_source s)
{
	return s == MUTE_BASELINE ? "baseline" : "command";
}

/* A check id: lower-case words joined by dots, at least two. */
static int
mutes_check_valid(const char *s, size_t len)
{
	size_t	i, dots = 0;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i - 1] == '.')
				return 0;
			dots++;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	}
	return dots > 0;
}

/* The resource is what AWS names (a user, a trail, a rule): any text
 * without control characters, as the findings store keys it. */
int
mutes_key_valid(const char *key)
{
	const char	*slash = strchr(key, '/'), *p;
	size_t		 len = strlen(key);

	if (len == 0 || len > MUTES_MAXKEY)
		return 0;
	if (slash == NULL)
		return mutes_check_valid(key, len);
	if (!mutes_check_valid(key, (size_t)(slash - key)) ||
	    slash[1] == '\0')
		return 0;
	for (p = slash + 1; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p == 0x7f)
			return 0;
	return 1;
}

/* strptime with fmt over all of s, then a check that timegm() kept
 * every field (no 31 February). */
static int
mutes_time_try(const char *s, const char *fmt, time_t *out)
{
	struct tm	 tm, want;
	char		*end;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, fmt, &tm)) == NULL || *end != '\0')
		return DW_EINVAL;
	want = tm;
	if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_mday != want.tm_mday ||
	    tm.tm_mon != want.tm_mon || tm.tm_hour != want.tm_hour ||
	    tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec)
		return DW_EINVAL;
	*out = t;
	return 0;
}

int
mutes_time_parse(const char *s, time_t *out)
{
	size_t	len = strlen(s);

	if (len == 20 && s[4] == '-' && s[10] == 'T' && s[19] == 'Z')
		return mutes_time_try(s, "%Y-%m-%dT%H:%M:%SZ", out);
	if (len == 10 && s[4] == '-' && s[7] == '-')
		return mutes_time_try(s, "%Y-%m-%d", out);
	return DW_EINVAL;
}

void
mutes_time_fmt(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}
