/*
 * The `capture` command's engine: runs every family's capture on the
 * loop and hands back the baseline they read, with notes for the person
 * who reviews it (check.h has the families' side).
 */
#ifndef DRIFTWATCH_CAPTURE_H
#define DRIFTWATCH_CAPTURE_H

#include <stddef.h>

struct aws_client;
struct check_capture;
struct event_base;
struct json_object;

typedef void	(*capture_done_cb)(struct check_capture *, void *);

/* Starts; done is called once, from the loop or from within this call. */
struct check_capture	*capture_start(struct event_base *,
			    struct aws_client *, const char *region,
			    capture_done_cb done, void *arg);
/* The captured baseline (a new object, the caller puts it). */
struct json_object	*capture_baseline(const struct check_capture *);
/* Notes: what could not be read, what to tighten. */
size_t			 capture_nnotes(const struct check_capture *);
const char		*capture_note_at(const struct check_capture *, size_t);
/* How many checks could not be read (check_capture_unread). */
size_t			 capture_nunread(const struct check_capture *);
void			 capture_free(struct check_capture *);

/*
 * `driftwatchd capture [-o FILE]` (report_capture.c): the baseline on
 * standard output, or written atomically to out; the notes on stderr.
 * 0 all read, 2 something could not be read (what was read still goes
 * to standard output; out is then left as it was), 73 out cannot be
 * written, 74 standard output cannot, 70 internal, 78 bad config.
 */
int			 report_capture(const char *config_path,
			    const char *out);

#endif
