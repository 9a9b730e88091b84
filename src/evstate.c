/*
 * Event poller state: a few region cursors in a small array and the
 * seen EventIds in an open-addressing hash table (linear probing, kept
 * at most half full, seeded per process so crafted ids cannot pile up
 * in one chain).  Pruning rebuilds the table rather than deleting in
 * place, which keeps probing free of tombstones.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <json-c/json.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/error.h"
#include "driftwatch/evstate.h"
#include "driftwatch/xmalloc.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/log.h"

#define EVSTATE_FILE		"events.json"
#define EVSTATE_VERSION		1
#define EVSTATE_MAXFILE		(64 * 1024 * 1024)
#define EVSTATE_MINSLOTS	64
#define EVSTATE_MAXREGIONS	64
#define EVSTATE_REACH		(90 * 24 * 3600)	/* LookupEvents' */

struct evstate_slot {
	char		*id;		/* NULL: empty */
	uint64_t	 hash;
	time_t		 time;
};

struct evstate_cursor {
	char		 region[EVSTATE_REGIONMAX + 1];
	time_t		 time;
};

/* An event whose alert is not on disk yet: no cursor passes it. */
struct evstate_hold {
	char	 region[EVSTATE_REGIONMAX + 1];
	char	 id[EVSTATE_IDMAX + 1];
	time_t	 time;
};

struct evstate {
	char			*path;
	uint64_t		 seed;
	struct evstate_slot	*slots;
	size_t			 nslots;	/* a power of two */
	size_t			 count;
	struct evstate_cursor	 cursors[EVSTATE_MAXREGIONS];
	size_t			 ncursors;
	struct evstate_hold	*holds;		/* alerts not yet on disk */
	size_t			 nholds;
	int			 dirty;
};

static uint64_t
evstate_seed(void)
{
	uint64_t	seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return seed;
}

struct evstate *
evstate_new(const char *state_dir)
{
	struct evstate	*es;

	if ((es = calloc(1, sizeof(*es))) == NULL)
		return NULL;
	if (asprintf(&es->path, "%s/%s", state_dir, EVSTATE_FILE) == -1) {
		free(es);
		return NULL;
	}
	es->seed = evstate_seed();
	return es;
}

static void
evstate_slots_free(struct evstate_slot *slots, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(slots[i].id);
	free(slots);
}

void
evstate_free(struct evstate *es)
{
	if (es == NULL)
		return;
	evstate_slots_free(es->slots, es->nslots);
	free(es->holds);
	free(es->path);
	free(es);
}

/* --- the id table ------------------------------------------------------ */

int
evstate_valid_id(const char *id)
{
	size_t	i;

	if (id == NULL || *id == '\0')
		return 0;
	for (i = 0; id[i] != '\0'; i++) {
		if (i >= EVSTATE_IDMAX || (unsigned char)id[i] < 0x20 ||
		    id[i] == 0x7f)
			return 0;
	}
	return 1;
}

/* FNV-1a, 64 bits, started from a per-process seed. */
static uint64_t
evstate_hash(const struct evstate *es, const char *id)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ es->seed;

	for (; *id != '\0'; id++) {
		h ^= (unsigned char)*id;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* The slot holding id, or the empty slot where it would go. */
static struct evstate_slot *
evstate_probe(struct evstate_slot *slots, size_t nslots, const char *id,
    uint64_t hash)
{
	size_t	mask = nslots - 1, i;

	for (i = hash & mask; slots[i].id != NULL; i = (i + 1) & mask) {
		if (slots[i].hash == hash && strcmp(slots[i].id, id) == 0)
			break;
	}
	return &slots[i];
}

/* Moves the entries into a table of n slots, dropping old ones if prune. */
static int
evstate_rehash(struct evstate *es, size_t n, int prune, time_t older_than)
{
	struct evstate_slot	*slots, *s, *d;
	size_t			 i, count = 0;

	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < es->nslots; i++) {
		s = &es->slots[i];
		if (s->id == NULL)
			continue;
		if (prune && s->time < older_than) {
			free(s->id);
			continue;
		}
		d = evstate_probe(slots, n, s->id, s->hash);
		*d = *s;
		count++;
	}
	free(es->slots);
	es->slots = slots;
	es->nslots = n;
	es->count = count;
	return 0;
}

int
evstate_seen(const struct evstate *es, const char *id)
{
	if (es->nslots == 0 || !evstate_valid_id(id))
		return 0;
	return evstate_probe(es->slots, es->nslots, id,
	    evstate_hash(es, id))->id != NULL;
}

/* --- events whose alert is on its way to disk ------------------------- */

void
evstate_hold(struct evstate *es, const char *region, const char *id,
    time_t t)
{
	struct evstate_hold	*h;
	size_t			 i;

	for (i = 0; i < es->nholds; i++)
		if (strcmp(es->holds[i].id, id) == 0)
			return;		/* raised again: the first one holds */
	es->holds = xreallocarray(es->holds, es->nholds + 1,
	    sizeof(*es->holds));
	h = &es->holds[es->nholds++];
	snprintf(h->region, sizeof(h->region), "%s", region);
	snprintf(h->id, sizeof(h->id), "%s", id);
	h->time = t;
}

static void
evstate_release(struct evstate *es, const char *id)
{
	size_t	i;

	for (i = 0; i < es->nholds; i++) {
		if (strcmp(es->holds[i].id, id) != 0)
			continue;
		es->holds[i] = es->holds[--es->nholds];
		return;
	}
}

/* The oldest EventTime held in region, or 0. */
static time_t
evstate_held(const struct evstate *es, const char *region)
{
	time_t	t = 0;
	size_t	i;

	for (i = 0; i < es->nholds; i++)
		if (strcmp(es->holds[i].region, region) == 0 &&
		    (t == 0 || es->holds[i].time < t))
			t = es->holds[i].time;
	return t;
}

size_t
evstate_holds(const struct evstate *es)
{
	return es->nholds;
}

int
evstate_mark(struct evstate *es, const char *id, time_t t)
{
	struct evstate_slot	*s;
	uint64_t		 h;
	size_t			 n;

	if (!evstate_valid_id(id))
		return DW_EINVAL;
	evstate_release(es, id);
	if ((es->count + 1) * 2 > es->nslots) {
		n = es->nslots ? es->nslots * 2 : EVSTATE_MINSLOTS;
		if (n < es->nslots || evstate_rehash(es, n, 0, 0) != 0)
			return DW_ENOMEM;
	}
	h = evstate_hash(es, id);
	s = evstate_probe(es->slots, es->nslots, id, h);
	if (s->id == NULL) {
		if ((s->id = strdup(id)) == NULL)
			return DW_ENOMEM;
		s->hash = h;
		s->time = t;
		es->count++;
		es->dirty = 1;
	} else if (t > s->time) {
		s->time = t;
		es->dirty = 1;
	}
	return 0;
}

static size_t
evstate_count_older(const struct evstate *es, time_t older_than)
{
	size_t	i, n = 0;

	for (i = 0; i < es->nslots; i++)
		n += es->slots[i].id != NULL && es->slots[i].time < older_than;
	return n;
}

void
evstate_prune(struct evstate *es, time_t older_than)
{
	size_t	before = es->count, n = EVSTATE_MINSLOTS, old;

	if ((old = evstate_count_older(es, older_than)) == 0)
		return;
	/* Room for the survivors at most half full. */
	while (n < (es->count - old) * 2)
		n *= 2;
	if (evstate_rehash(es, n, 1, older_than) != 0) {
		log_warnx("%s: no memory to prune event ids", es->path);
		return;
	}
	if (es->count != before) {
		es->dirty = 1;
		log_debug("%s: forgot %zu event ids", es->path,
		    before - es->count);
	}
}

size_t
evstate_count(const struct evstate *es)
{
	return es->count;
}

/* --- cursors ----------------------------------------------------------- */

static int
evstate_valid_region(const char *r)
{
	size_t	i;

	if (r == NULL || *r == '\0')
		return 0;
	for (i = 0; r[i] != '\0'; i++) {
		if (i >= EVSTATE_REGIONMAX || strchr(
		    "abcdefghijklmnopqrstuvwxyz0123456789-", r[i]) == NULL)
			return 0;
	}
	return 1;
}

static struct evstate_cursor *
evstate_cursor_find(const struct evstate *es, const char *region)
{
	size_t	i;

	for (i = 0; i < es->ncursors; i++) {
		if (strcmp(es->cursors[i].region, region) == 0)
			return (struct evstate_cursor *)&es->cursors[i];
	}
	return NULL;
}

time_t
evstate_cursor(const struct evstate *es, const char *region)
{
	struct evstate_cursor	*c;

	if (region == NULL || (c = evstate_cursor_find(es, region)) == NULL)
		return 0;
	return c->time;
}

size_t
evstate_ncursors(const struct evstate *es)
{
	return es->ncursors;
}

const char *
evstate_cursor_at(const struct evstate *es, size_t i, time_t *cursor)
{
	if (i >= es->ncursors)
		return NULL;
	*cursor = es->cursors[i].time;
	return es->cursors[i].region;
}

void
evstate_set_cursor(struct evstate *es, const char *region, time_t t)
{
	struct evstate_cursor	*c;

	if (!evstate_valid_region(region)) {
		log_warnx("%s: cursor for a bad region name ignored", es->path);
		return;
	}
	if ((c = evstate_cursor_find(es, region)) == NULL) {
		if (es->ncursors == EVSTATE_MAXREGIONS) {
			log_warnx("%s: too many regions, %s not kept",
			    es->path, region);
			return;
		}
		c = &es->cursors[es->ncursors++];
		strcpy(c->region, region);
		c->time = 0;
	}
	if (t > c->time) {
		c->time = t;
		es->dirty = 1;
	}
}

/*
 * The window starts at the cursor less the overlap, whatever the host
 * clock says: the cursor is an EventTime, on AWS's clock, so a host
 * clock that is ahead can neither shrink the overlap nor open a gap.
 * now (AWS's clock, as best known) only ends the window.
 */
void
evstate_window(const struct evstate *es, const char *region, time_t now,
    unsigned overlap, unsigned lookback, time_t *start, time_t *end)
{
	time_t	c = evstate_cursor(es, region);

	*start = c > 0 ? c - (time_t)overlap : now - (time_t)lookback;
	if (*start < now - EVSTATE_REACH)
		*start = now - EVSTATE_REACH;
	/* a host clock behind AWS's: read what can be read, miss nothing */
	*end = now > *start ? now : *start + 1;
}

void
evstate_advance(struct evstate *es, const char *region, time_t start,
    time_t end, time_t newest, unsigned overlap)
{
	time_t	c = evstate_cursor(es, region), held;

	if (newest > end)
		newest = end;	/* an event after what was asked is not one */
	/*
	 * A quiet region's window must not reach back to its last event for
	 * ever: it may start from the window's end, by AWS's clock as best
	 * known, less a guard far wider than that clock's error.
	 */
	if (newest < end - EVSTATE_CLOCK_GUARD)
		newest = end - EVSTATE_CLOCK_GUARD;
	/*
	 * Before any event, the first window's start stays the start: a
	 * cursor of start + overlap keeps every later window reaching it.
	 */
	if (c == 0 && newest < start + (time_t)overlap)
		newest = start + (time_t)overlap;
	/*
	 * An event whose alert is not on disk must be read again if the
	 * daemon dies now: the next window, cursor less overlap, reaches it.
	 * Nothing above may carry the cursor past that.
	 */
	if ((held = evstate_held(es, region)) != 0 &&
	    newest > held + (time_t)overlap)
		newest = held + (time_t)overlap;
	evstate_set_cursor(es, region, newest);
}

/* --- persistence ---------------------------------------------------------- */

static int
evstate_json_add(struct json_object *o, const char *key,
    struct json_object *v)
{
	if (v == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return DW_ENOMEM;
	}
	return 0;
}

static struct json_object *
evstate_cursors_to_json(const struct evstate *es)
{
	struct json_object	*o;
	size_t			 i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i < es->ncursors; i++) {
		if (evstate_json_add(o, es->cursors[i].region,
		    json_object_new_int64(es->cursors[i].time)) != 0) {
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

static struct json_object *
evstate_seen_to_json(const struct evstate *es)
{
	struct json_object	*o;
	size_t			 i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i < es->nslots; i++) {
		if (es->slots[i].id == NULL)
			continue;
		/* Keys are unique, so skip json-c's duplicate check. */
		if (json_object_object_add_ex(o, es->slots[i].id,
		    json_object_new_int64(es->slots[i].time),
		    JSON_C_OBJECT_ADD_KEY_IS_NEW) != 0) {
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

int
evstate_save(struct evstate *es)
{
	struct json_object	*doc = NULL;
	const char		*s;
	size_t			 len;
	int			 r = DW_ENOMEM;

	if (!es->dirty)
		return 0;
	if ((doc = json_object_new_object()) == NULL ||
	    evstate_json_add(doc, "version",
	    json_object_new_int(EVSTATE_VERSION)) != 0 ||
	    evstate_json_add(doc, "cursors", evstate_cursors_to_json(es)) != 0 ||
	    evstate_json_add(doc, "seen", evstate_seen_to_json(es)) != 0)
		goto out;
	s = json_object_to_json_string_length(doc, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL)
		goto out;
	if ((r = atomicfile_write(es->path, s, len, 0600)) != 0) {
		log_warn("%s", es->path);
		goto out;
	}
	es->dirty = 0;
out:
	json_object_put(doc);
	return r;
}

/* --- loading ------------------------------------------------------------- */

static int
evstate_bad(const struct evstate *es, char *err, size_t errlen,
    const char *what, const char *where)
{
	snprintf(err, errlen, "%s: %s %s", es->path, where, what);
	return DW_EPARSE;
}

/* A non-negative integer time; 0 or an error message in err. */
static int
evstate_get_time(const struct evstate *es, struct json_object *v,
    const char *where, time_t *t, char *err, size_t errlen)
{
	int64_t	i;

	if (!json_object_is_type(v, json_type_int))
		return evstate_bad(es, err, errlen, "is not an integer", where);
	if ((i = json_object_get_int64(v)) < 0)
		return evstate_bad(es, err, errlen, "is negative", where);
	*t = (time_t)i;
	return 0;
}

static int
evstate_load_cursors(struct evstate *es, struct json_object *o, char *err,
    size_t errlen)
{
	char	where[EVSTATE_REGIONMAX + 16];
	time_t	t;
	int	r;

	if (!json_object_is_type(o, json_type_object))
		return evstate_bad(es, err, errlen, "is not an object",
		    "\"cursors\"");
	json_object_object_foreach(o, region, v) {
		if (!evstate_valid_region(region))
			return evstate_bad(es, err, errlen, "holds a bad region "
			    "name", "\"cursors\"");
		snprintf(where, sizeof(where), "cursor \"%s\"", region);
		if ((r = evstate_get_time(es, v, where, &t, err, errlen)) != 0)
			return r;
		if (evstate_cursor_find(es, region) == NULL &&
		    es->ncursors == EVSTATE_MAXREGIONS)
			return evstate_bad(es, err, errlen, "has too many "
			    "regions", "\"cursors\"");
		evstate_set_cursor(es, region, t);
	}
	return 0;
}

static int
evstate_load_seen(struct evstate *es, struct json_object *o, char *err,
    size_t errlen)
{
	size_t	n = 0;
	time_t	t;
	int	r;

	if (!json_object_is_type(o, json_type_object))
		return evstate_bad(es, err, errlen, "is not an object",
		    "\"seen\"");
	json_object_object_foreach(o, id, v) {
		n++;
		if (!evstate_valid_id(id)) {
			snprintf(err, errlen, "%s: \"seen\" entry %zu is not a "
			    "valid event id", es->path, n);
			return DW_EPARSE;
		}
		if ((r = evstate_get_time(es, v, "an event time", &t, err,
		    errlen)) != 0)
			return r;
		if (evstate_mark(es, id, t) != 0) {
			snprintf(err, errlen, "%s: out of memory", es->path);
			return DW_ENOMEM;
		}
	}
	return 0;
}

static int
evstate_load_doc(struct evstate *es, struct json_object *doc, char *err,
    size_t errlen)
{
	struct json_object	*v;
	int			 r;

	if (!json_object_is_type(doc, json_type_object)) {
		snprintf(err, errlen, "%s: not a JSON object", es->path);
		return DW_EPARSE;
	}
	if (!json_object_object_get_ex(doc, "version", &v) ||
	    !json_object_is_type(v, json_type_int))
		return evstate_bad(es, err, errlen, "is missing or not an "
		    "integer", "\"version\"");
	if (json_object_get_int64(v) != EVSTATE_VERSION)
		return evstate_bad(es, err, errlen, "is not one this daemon "
		    "reads", "\"version\"");
	if (json_object_object_get_ex(doc, "cursors", &v) &&
	    (r = evstate_load_cursors(es, v, err, errlen)) != 0)
		return r;
	if (json_object_object_get_ex(doc, "seen", &v) &&
	    (r = evstate_load_seen(es, v, err, errlen)) != 0)
		return r;
	return 0;
}

/* Moves what tmp loaded into es. */
static void
evstate_take(struct evstate *es, struct evstate *tmp)
{
	evstate_slots_free(es->slots, es->nslots);
	es->slots = tmp->slots;
	es->nslots = tmp->nslots;
	es->count = tmp->count;
	es->seed = tmp->seed;
	memcpy(es->cursors, tmp->cursors, sizeof(es->cursors));
	es->ncursors = tmp->ncursors;
	es->dirty = 0;
	tmp->slots = NULL;
	tmp->nslots = tmp->count = 0;
}

static int
evstate_read(struct evstate *es, char **buf, size_t *len, char *err,
    size_t errlen)
{
	int	r;

	if ((r = atomicfile_read(es->path, EVSTATE_MAXFILE, buf, len)) == 0)
		return 0;
	if (r == DW_EIO && errno == ENOENT)
		return 1;
	snprintf(err, errlen, "%s: %s", es->path, r == DW_EIO ?
	    strerror(errno) : dw_strerror(r));
	return r;
}

int
evstate_load(struct evstate *es, char *err, size_t errlen)
{
	struct evstate		*tmp = NULL;
	struct json_object	*doc = NULL;
	char			*buf = NULL, perr[128];
	size_t			 len;
	int			 r;

	if ((r = evstate_read(es, &buf, &len, err, errlen)) != 0) {
		if (r == 1)
			r = 0;
		goto out;
	}
	if ((r = jsonparse(buf, len, &doc, perr, sizeof(perr))) != 0) {
		snprintf(err, errlen, "%s: %s", es->path, perr);
		goto out;
	}
	if ((tmp = evstate_new("")) == NULL) {
		snprintf(err, errlen, "%s: out of memory", es->path);
		r = DW_ENOMEM;
		goto out;
	}
	free(tmp->path);
	tmp->path = es->path;	/* borrowed, for messages */
	r = evstate_load_doc(tmp, doc, err, errlen);
	tmp->path = NULL;
	if (r == 0)
		evstate_take(es, tmp);
out:
	evstate_free(tmp);
	json_object_put(doc);
	free(buf);
	return r;
}
