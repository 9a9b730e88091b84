/*
 * The baseline: /etc/driftwatch/baseline.json, what the management
 * account should look like.  The file is "version" plus one section per
 * check family, keyed by the family's name; each family parses, checks
 * and frees its own section (check.h), so this module holds no family's
 * fields.  Every section is optional and a missing one is not checked.
 *
 * Errors: every one in the file, one a line, in file order, each
 * "PATH:LINE:COLUMN: message" for syntax and "PATH:LINE:COLUMN:
 * json.path: what was expected" for content, e.g. "baseline.json:7:22:
 * cloudtrail.trails[0].home_region: expected a string like
 * \"eu-west-1\"".  A repeated key is an error.  Keys starting with "_",
 * and "$schema", are comments; any other unknown key is an error.
 */
#ifndef DRIFTWATCH_BASELINE_H
#define DRIFTWATCH_BASELINE_H

#include <stddef.h>

/* Under configure's --sysconfdir, like the config (config.h). */
#ifdef SYSCONFDIR
#define BASELINE_DEFAULT_PATH	SYSCONFDIR "/driftwatch/baseline.json"
#else
#define BASELINE_DEFAULT_PATH	"/etc/driftwatch/baseline.json"
#endif
#define BASELINE_MAX_SIZE	(1024 * 1024)

struct json_object;
struct check_family;
struct mutes;

enum tristate {
	TRI_UNSET = -1,
	TRI_FALSE = 0,
	TRI_TRUE = 1,
};

struct baseline {
	char	 *path;		/* for messages */
	int	  version;
	/* One per check family, in check_family_at() order; NULL: the
	 * file has no such section.  Owned; freed by the family. */
	void	**sections;
	/* The top-level "mutes" (mutes.h), or NULL when there are none. */
	struct mutes	 *mutes;
	/* "PATH:LINE:COLUMN: json.path: warning: ..." lines, for
	 * validate and the daemon's log (a mute already expired). */
	char		**warnings;
	size_t		  nwarnings;
};

/* 0 and *out set, or DW_EPARSE, DW_EIO, DW_ETOOBIG or DW_ENOMEM with
 * err set as above ("PATH: No such file or directory" and so on). */
int	baseline_load(const char *path, struct baseline **out, char *err,
	    size_t errlen);
/* The same for a buffer; path_for_messages may be NULL. */
int	baseline_parse(const char *path_for_messages, const char *buf,
	    size_t len, struct baseline **out, char *err, size_t errlen);
void	baseline_free(struct baseline *);
/* A family's parsed section, borrowed; NULL when absent (or b NULL). */
const void	*baseline_section(const struct baseline *b,
		    const struct check_family *);

/*
 * For the families' section parsers.  A parser gets the context (where
 * in the file it is, for messages) and the JSON value; it returns 0, or
 * the error of baseline_fail(), which names the value's JSON path.
 */
struct baseline_ctx;

typedef int	(*baseline_fn)(struct baseline_ctx *, struct json_object *,
		    void *field);

/* One known key of an object: its parser fills base + off. */
struct baseline_field {
	const char	*key;
	baseline_fn	 parse;
	size_t		 off;
	int		 required;
};

/* Notes "PATH:LINE:COLUMN: json.path: <message>" (the position of the
 * value at the path) and returns DW_EPARSE; parsing goes on with the
 * next key of the object (not the next entry of an array: see
 * baseline_each), so a parser may return it at once. */
int	baseline_fail(struct baseline_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* As baseline_fail() but a warning: the file is still accepted. */
void	baseline_warn(struct baseline_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The top-level "mutes" array (baseline_mutes.c). */
int	baseline_mutes_parse(struct baseline_ctx *, struct json_object *,
	    struct mutes **);
/* Appends to the JSON path (".name", "[3]"); baseline_pop() goes back
 * to a length baseline_depth() returned. */
void	baseline_push(struct baseline_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	baseline_depth(const struct baseline_ctx *);
void	baseline_pop(struct baseline_ctx *, size_t depth);

/* An object whose every key is in fields (NULL-key terminated) or a
 * comment; required keys must be there. */
int	baseline_walk(struct baseline_ctx *, struct json_object *,
	    const struct baseline_field *fields, void *base);
/* An array of at most max entries: *n set. */
int	baseline_array(struct baseline_ctx *, struct json_object *,
	    size_t max, size_t *n);
/* Calls fn on each entry of an array, the path naming it ("[i]"), up
 * to the first that fails: fn may compare an entry with the earlier
 * ones, which are then all complete. */
int	baseline_each(struct baseline_ctx *, struct json_object *,
	    int (*fn)(struct baseline_ctx *, struct json_object *, size_t i,
	    void *), void *arg);

/* A non-empty JSON string with no NUL inside, or NULL. */
const char	*baseline_str(struct json_object *);
/* 1 if s is min..max characters, all from set. */
int		 baseline_all_of(const char *s, const char *set, size_t min,
		    size_t max);
/* Replaces *field with a copy of s. */
void		 baseline_set_str(char **field, const char *s);

/* Parsers for baseline_field tables. */
int	baseline_tristate(struct baseline_ctx *, struct json_object *,
	    void *field);		/* enum tristate */
int	baseline_name(struct baseline_ctx *, struct json_object *,
	    void *field);		/* char *, no control characters */
int	baseline_region(struct baseline_ctx *, struct json_object *,
	    void *field);		/* char *, "eu-west-1" */

/*
 * For the families' to_json: a new object (the caller puts it), and
 * members added only when set, so an unset setting stays left out.
 * Like xmalloc, they abort when json-c cannot allocate.
 */
struct json_object	*baseline_json_object(void);
struct json_object	*baseline_json_array(void);
void	baseline_json_add(struct json_object *obj, const char *key,
	    struct json_object *val);		/* val is taken */
void	baseline_json_append(struct json_object *array,
	    struct json_object *val);		/* val is taken */
void	baseline_json_str(struct json_object *, const char *key,
	    const char *s);			/* NULL: left out */
void	baseline_json_tristate(struct json_object *, const char *key,
	    enum tristate);			/* TRI_UNSET: left out */

#endif
