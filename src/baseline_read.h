/*
 * Reading baseline.json into a json-c tree with yajl's event parser,
 * which (unlike json-c) tells where each value starts and lets a
 * repeated key be seen: baseline.c's only reader, private to it.
 */
#ifndef DRIFTWATCH_BASELINE_READ_H
#define DRIFTWATCH_BASELINE_READ_H

#include <stddef.h>

struct json_object;

#define BASELINE_READ_DEPTH	32

/* Where a value (and, for an object member, its key) starts; 1-based. */
struct baseline_pos {
	char		*path;		/* as baseline_path_key() builds it */
	unsigned	 line, col;
	unsigned	 key_line, key_col;	/* 0: not a member */
};

struct baseline_read {
	struct json_object	*root;		/* NULL after a syntax error */
	struct baseline_pos	*pos;		/* in file order */
	size_t			 npos;
};

/* A problem the reader found: at line:col, msg about path (may be ""). */
typedef void	(*baseline_read_err)(void *arg, unsigned line, unsigned col,
		    const char *path, const char *msg);

/*
 * 0, or DW_EPARSE after a syntax error (the tree is then NULL) or a
 * repeated key (the tree keeps the first value), each reported through
 * err_fn; DW_ENOMEM.  The caller frees r with baseline_read_clear().
 */
int	baseline_read(const char *buf, size_t len, struct baseline_read *r,
	    baseline_read_err err_fn, void *arg);
void	baseline_read_clear(struct baseline_read *);
/* The entry for path, or for its longest prefix that has one. */
const struct baseline_pos *baseline_read_find(const struct baseline_read *,
	    const char *path);
/* Line and column of a byte offset. */
void	baseline_read_where(const char *buf, size_t off, unsigned *line,
	    unsigned *col);

/*
 * Appends ".key" (no dot at the start) to path[*len] (cap bytes): keys
 * come from the file, so shown only as printable ASCII, at most 64.
 */
void	baseline_path_key(char *path, size_t cap, size_t *len,
	    const char *key);
void	baseline_path_index(char *path, size_t cap, size_t *len, size_t i);

#endif
