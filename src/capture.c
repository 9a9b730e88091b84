/*
 * `capture`: every family that can capture reads the live account into
 * a section; the sections, written by their families' to_json, make a
 * baseline a person reviews.  What could not be read and what a person
 * should tighten are kept as notes for the command to show.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/capture.h"
#include "driftwatch/check.h"
#include "driftwatch/credreport.h"
#include "driftwatch/xmalloc.h"

struct capture_section {
	const struct check_family	*family;
	void				*section;
};

struct check_capture {
	struct event_base	*base;
	struct aws_client	*aws;
	const char		*region;
	capture_done_cb		 done;
	void			*arg;
	struct check_run	**runs;
	struct capture_section	*sections;
	size_t			 nsections;
	size_t			 pending;
	struct credreport	*credreport;	/* made on first use */
	char			**notes;
	size_t			 nnotes;
	size_t			 nunread;
	int			 started;
};

struct aws_client *
check_capture_aws(struct check_capture *cc)
{
	return cc->aws;
}

const char *
check_capture_region(struct check_capture *cc)
{
	return cc->region;
}

struct event_base *
check_capture_base(struct check_capture *cc)
{
	return cc->base;
}

struct credreport *
check_capture_credreport(struct check_capture *cc)
{
	if (cc->credreport == NULL)
		cc->credreport = credreport_new(cc->base);
	return cc->credreport;
}

static void
capture_add_note(struct check_capture *cc, char *note)
{
	cc->notes = xreallocarray(cc->notes, cc->nnotes + 1,
	    sizeof(*cc->notes));
	cc->notes[cc->nnotes++] = note;
}

void
check_capture_note(struct check_capture *cc, const char *check,
    const char *fmt, ...)
{
	char	msg[512], *note;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xasprintf(&note, "%s: %s", check, msg);
	capture_add_note(cc, note);
}

void
check_capture_unread(struct check_capture *cc, const char *check,
    const char *why)
{
	char	*note;

	xasprintf(&note, "%s: not captured: %s", check,
	    why != NULL ? why : "unknown error");
	capture_add_note(cc, note);
	cc->nunread++;
}

static void
capture_maybe_done(struct check_capture *cc)
{
	if (cc->started && cc->pending == 0 && cc->done != NULL)
		cc->done(cc, cc->arg);
}

void
check_capture_done(struct check_capture *cc,
    const struct check_family *family, void *section)
{
	size_t	i;

	for (i = 0; i < check_family_count(); i++)
		if (check_family_at(i) == family && cc->sections[i].family ==
		    NULL) {
			cc->sections[i].family = family;
			cc->sections[i].section = section;
			cc->pending--;
			capture_maybe_done(cc);
			return;
		}
	if (family != NULL && section != NULL)
		family->free(section);
}

struct check_capture *
capture_start(struct event_base *base, struct aws_client *aws,
    const char *region, capture_done_cb done, void *arg)
{
	struct check_capture	*cc;
	size_t			 i, n = check_family_count();

	cc = xcalloc(1, sizeof(*cc));
	cc->base = base;
	cc->aws = aws;
	cc->region = region;
	cc->done = done;
	cc->arg = arg;
	cc->runs = xcalloc(n + 1, sizeof(*cc->runs));
	cc->sections = xcalloc(n + 1, sizeof(*cc->sections));
	cc->nsections = n;
	for (i = 0; i < n; i++)
		if (check_family_at(i)->capture != NULL)
			cc->pending++;
	for (i = 0; i < n; i++)
		if (check_family_at(i)->capture != NULL)
			cc->runs[i] = check_family_at(i)->capture(cc);
	cc->started = 1;
	capture_maybe_done(cc);
	return cc;
}

/*
 * "version", then the sections in the family table's order, each in
 * its to_json's key order: two captures of one account are the same
 * bytes.  A section that holds nothing is left out, so `check` names
 * it as not checked instead of checking nothing in silence.
 */
struct json_object *
capture_baseline(const struct check_capture *cc)
{
	struct json_object	*o = json_object_new_object(), *sec;
	size_t			 i;

	json_object_object_add(o, "version", json_object_new_int(1));
	for (i = 0; i < cc->nsections; i++) {
		if (cc->sections[i].section == NULL)
			continue;
		sec = cc->sections[i].family->to_json(
		    cc->sections[i].section);
		if (json_object_is_type(sec, json_type_object) &&
		    json_object_object_length(sec) == 0) {
			json_object_put(sec);
			continue;
		}
		json_object_object_add(o, cc->sections[i].family->name, sec);
	}
	return o;
}

size_t
capture_nunread(const struct check_capture *cc)
{
	return cc->nunread;
}

size_t
capture_nnotes(const struct check_capture *cc)
{
	return cc->nnotes;
}

const char *
capture_note_at(const struct check_capture *cc, size_t i)
{
	return i < cc->nnotes ? cc->notes[i] : NULL;
}

void
capture_free(struct check_capture *cc)
{
	size_t	i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->nsections; i++) {
		if (cc->runs[i] != NULL)
			cc->runs[i]->free(cc->runs[i]);
		if (cc->sections[i].section != NULL)
			cc->sections[i].family->free(cc->sections[i].section);
	}
	credreport_free(cc->credreport);
	for (i = 0; i < cc->nnotes; i++)
		free(cc->notes[i]);
	free(cc->notes);
	free(cc->runs);
	free(cc->sections);
	free(cc);
}
