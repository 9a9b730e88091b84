/*
 * A family made of parts (check_parts.h).  The section is one block:
 * a header naming the set, then each part's struct at its own aligned
 * offset, so one baseline_walk over a merged field table reads the
 * whole section and each part's parsers see only their own struct.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "driftwatch/xmalloc.h"

#define CHECK_PARTS_ALIGN	alignof(max_align_t)

struct check_parts_section {
	const struct check_part_set	*set;
	size_t				*off;	/* each part's, from the block */
};

static size_t
check_parts_round(size_t n)
{
	return (n + CHECK_PARTS_ALIGN - 1) / CHECK_PARTS_ALIGN *
	    CHECK_PARTS_ALIGN;
}

static void *
check_parts_at(const struct check_parts_section *sec, size_t i)
{
	return (char *)sec + sec->off[i];
}

static struct check_parts_section *
check_parts_new(const struct check_part_set *set)
{
	struct check_parts_section	*sec;
	size_t				*off, total, i;

	off = xcalloc(set->nparts + 1, sizeof(*off));
	total = check_parts_round(sizeof(*sec));
	for (i = 0; i < set->nparts; i++) {
		off[i] = total;
		total += check_parts_round(set->parts[i]->size);
	}
	sec = xcalloc(1, total);
	sec->set = set;
	sec->off = off;
	for (i = 0; i < set->nparts; i++)
		if (set->parts[i]->init != NULL)
			set->parts[i]->init(check_parts_at(sec, i));
	return sec;
}

/* Every part's keys in one table, offsets from the block. */
static struct baseline_field *
check_parts_fields(const struct check_parts_section *sec)
{
	const struct check_part_set	*set = sec->set;
	const struct baseline_field	*f;
	struct baseline_field		*all;
	size_t				 i, n = 0;

	for (i = 0; i < set->nparts; i++)
		for (f = set->parts[i]->fields; f->key != NULL; f++)
			n++;
	all = xcalloc(n + 1, sizeof(*all));
	n = 0;
	for (i = 0; i < set->nparts; i++)
		for (f = set->parts[i]->fields; f->key != NULL; f++) {
			all[n] = *f;
			all[n++].off += sec->off[i];
		}
	return all;
}

int
check_parts_parse(struct baseline_ctx *ctx, struct json_object *val,
    const struct check_part_set *set, void **section)
{
	struct check_parts_section	*sec;
	struct baseline_field		*fields;
	size_t				 i;
	int				 r;

	*section = sec = check_parts_new(set);
	fields = check_parts_fields(sec);
	r = baseline_walk(ctx, val, fields, sec);
	free(fields);
	for (i = 0; r == 0 && i < set->nparts; i++)
		if (set->parts[i]->validate != NULL)
			r = set->parts[i]->validate(ctx, check_parts_at(sec, i));
	return r;
}

void
check_parts_free(void *section)
{
	struct check_parts_section	*sec = section;
	size_t				 i;

	if (sec == NULL)
		return;
	for (i = 0; i < sec->set->nparts; i++)
		if (sec->set->parts[i]->free != NULL)
			sec->set->parts[i]->free(check_parts_at(sec, i));
	free(sec->off);
	free(sec);
}

struct json_object *
check_parts_to_json(const void *section)
{
	const struct check_parts_section	*sec = section;
	struct json_object			*o = baseline_json_object();
	size_t					 i;

	for (i = 0; i < sec->set->nparts; i++)
		sec->set->parts[i]->to_json(o, check_parts_at(sec, i));
	return o;
}

struct check_run *
check_parts_start(struct check_pass *p, const void *section)
{
	const struct check_parts_section	*sec = section;
	struct check_run			**runs, *g;
	size_t					  i, n = sec->set->nparts;

	runs = xcalloc(n + 1, sizeof(*runs));
	for (i = 0; i < n; i++)
		runs[i] = sec->set->parts[i]->start(p, check_parts_at(sec, i));
	g = check_run_group(runs, n);
	free(runs);
	return g;
}

const void *
check_parts_get(const void *section, const struct check_part *part)
{
	const struct check_parts_section	*sec = section;
	size_t					 i;

	for (i = 0; sec != NULL && i < sec->set->nparts; i++)
		if (sec->set->parts[i] == part)
			return check_parts_at(sec, i);
	return NULL;
}

/* Capture: every part at once; the section goes to capture when the
 * last part is done. */

struct check_part_wait {
	struct check_parts_capture	*cap;
};

struct check_parts_capture {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_parts_section	*sec;
	struct check_run		**runs;
	struct check_part_wait		*waits;
	size_t				 pending;
	const struct check_family	*family;
};

static void
check_parts_capture_free(struct check_run *run)
{
	struct check_parts_capture	*c = (struct check_parts_capture *)run;
	size_t				 i;

	for (i = 0; i < c->sec->set->nparts; i++)
		if (c->runs[i] != NULL)
			c->runs[i]->free(c->runs[i]);
	check_parts_free(c->sec);
	free(c->runs);
	free(c->waits);
	free(c);
}

static const struct check_family *
check_parts_family(const struct check_part_set *set)
{
	size_t	i;

	for (i = 0; i < check_family_count(); i++)
		if (strcmp(check_family_at(i)->name, set->family) == 0)
			return check_family_at(i);
	return NULL;
}

void
check_part_done(struct check_part_wait *w, const char *error)
{
	struct check_parts_capture	*c = w->cap;
	struct check_parts_section	*sec;

	(void)error;	/* the part said what it could not read */
	if (c->pending == 0 || --c->pending > 0)
		return;
	sec = c->sec;
	c->sec = check_parts_new(sec->set);	/* what the run frees */
	check_capture_done(c->cc, c->family, sec);
}

struct check_run *
check_parts_capture(struct check_capture *cc,
    const struct check_part_set *set)
{
	struct check_parts_capture	*c;
	size_t				 i;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_parts_capture_free;
	c->cc = cc;
	c->family = check_parts_family(set);
	c->sec = check_parts_new(set);
	c->runs = xcalloc(set->nparts + 1, sizeof(*c->runs));
	c->waits = xcalloc(set->nparts + 1, sizeof(*c->waits));
	c->pending = 1;		/* until every part has started */
	c->waits[set->nparts].cap = c;
	for (i = 0; i < set->nparts; i++) {
		if (set->parts[i]->capture == NULL)
			continue;
		c->waits[i].cap = c;
		c->pending++;
		c->runs[i] = set->parts[i]->capture(cc,
		    check_parts_at(c->sec, i), &c->waits[i]);
	}
	check_part_done(&c->waits[set->nparts], NULL);
	return &c->run;
}
