/*
 * A check family made of parts: each part is one check (or a few that
 * share their AWS calls) in a file of its own, owning some keys of the
 * family's baseline section.  The family (check_iam.c, check_root.c)
 * is then a table of parts; adding a check is a check_<family>_<x>.c
 * defining a struct check_part and one line in that table.
 */
#ifndef DRIFTWATCH_CHECK_PARTS_H
#define DRIFTWATCH_CHECK_PARTS_H

#include <stddef.h>

struct baseline_ctx;
struct baseline_field;
struct check_capture;
struct check_pass;
struct check_run;
struct json_object;

struct check_part_wait;

struct check_part {
	const char			*name;	/* for messages */
	/* The section keys this part owns; offsets into its own struct. */
	const struct baseline_field	*fields;
	size_t				 size;	/* its struct, zeroed */
	void	(*init)(void *part);		/* NULL: zero is unset */
	void	(*free)(void *part);		/* members only; NULL: none */
	/* Adds its keys to the section object, only those set. */
	void	(*to_json)(struct json_object *section, const void *part);
	/* Checks across keys once the section is read (NULL: none). */
	int	(*validate)(struct baseline_ctx *, const void *part);
	/* As check_family.start: NULL when the part asks for nothing. */
	struct check_run	*(*start)(struct check_pass *,
				    const void *part);
	/*
	 * For `capture`: fills part (init'ed) from the live account, and
	 * calls check_part_done() once (from within this call too, if it
	 * must), with NULL or why it could not read; what it could not
	 * read it also names with check_capture_unread().  NULL: the
	 * part captures nothing.
	 */
	struct check_run	*(*capture)(struct check_capture *,
				    void *part, struct check_part_wait *);
};

struct check_part_set {
	const char			*family;
	const struct check_part *const	*parts;
	size_t				 nparts;
};

/* The family's functions (check.h), for a set of parts. */
int			 check_parts_parse(struct baseline_ctx *,
			    struct json_object *, const struct check_part_set *,
			    void **section);
void			 check_parts_free(void *section);
struct json_object	*check_parts_to_json(const void *section);
struct check_run	*check_parts_start(struct check_pass *,
			    const void *section);
struct check_run	*check_parts_capture(struct check_capture *,
			    const struct check_part_set *);

/* The struct of one part in a section (NULL: not a part of it). */
const void		*check_parts_get(const void *section,
			    const struct check_part *);

/* A part's capture has ended (error NULL: read it all). */
void			 check_part_done(struct check_part_wait *,
			    const char *error);

#endif
