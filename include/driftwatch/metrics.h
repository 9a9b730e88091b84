/*
 * The Prometheus textfile ([daemon] metrics_textfile), for
 * node_exporter's textfile collector: written atomically (a temporary
 * file renamed over it, mode 0644) after each state-check pass, in the
 * text exposition format 0.0.4, every metric prefixed driftwatch_, in
 * base units, with HELP and TYPE lines.
 */
#ifndef DRIFTWATCH_METRICS_H
#define DRIFTWATCH_METRICS_H

#include <stddef.h>
#include <time.h>

struct findings;
struct mutes;
struct outbox;
struct passrec;

struct metrics_input {
	const struct findings	*findings;
	const struct passrec	*passes;
	const struct outbox	*outbox;	/* may be NULL */
	unsigned long		 alerts;	/* raised since start */
	const struct mutes	*mutes;		/* may be NULL: none */
	time_t			 now;		/* when mutes are judged */
};

/* The file's text, NUL-terminated, the caller frees; NULL on ENOMEM. */
char	*metrics_render(const struct metrics_input *, size_t *len);
/* Renders and replaces path: 0, DW_ENOMEM or DW_EIO (errno set). */
int	 metrics_write(const char *path, const struct metrics_input *);

#endif
