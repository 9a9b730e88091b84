/*
 * baseline.json: read by baseline_read.c (yajl events into a json-c
 * tree, with each value's position), then walked: "version" here, every
 * other top-level key by the check family of that name (check.h), each
 * with a table of its known keys and the helpers below.
 *
 * Errors are collected, not returned at the first: baseline_fail()
 * notes one ("FILE:LINE:COLUMN: json.path: message", the position
 * looked up from the path) and returns DW_EPARSE, and the walkers go on
 * with the next key or entry, so one run of validate shows them all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/error.h"
#include "driftwatch/mutes.h"
#include "driftwatch/region.h"
#include "driftwatch/xmalloc.h"
#include "baseline_read.h"

#define BASELINE_KNOWN_SHOWN	256
#define BASELINE_MAX_ERRORS	100	/* kept; more are only counted */

struct baseline_error {
	unsigned	 line, col;	/* 0: the file as a whole */
	size_t		 seq;
	char		*text;
};

struct baseline_ctx {
	struct baseline		*b;
	const char		*file;
	struct baseline_read	 rd;
	char			 where[256];	/* JSON path of the value at hand */
	size_t			 wlen;
	int			 at_key;	/* point at the key, not the value */
	struct baseline_error	*errs;
	size_t			 nerrs, total;
};

/* Errors. */

static void
baseline_error_add(struct baseline_ctx *ctx, unsigned line, unsigned col,
    const char *path, const char *msg)
{
	struct baseline_error	*e;
	char			 pos[32] = "";

	if (ctx->total++ >= BASELINE_MAX_ERRORS)
		return;
	if (ctx->errs == NULL)
		ctx->errs = xcalloc(BASELINE_MAX_ERRORS, sizeof(*ctx->errs));
	e = &ctx->errs[ctx->nerrs];
	e->line = line;
	e->col = col;
	e->seq = ctx->nerrs++;
	if (line > 0)
		snprintf(pos, sizeof pos, ":%u:%u", line, col);
	xasprintf(&e->text, "%s%s: %s%s%s", ctx->file, pos, path,
	    path[0] != '\0' ? ": " : "", msg);
}

/* The reader's errors come with their position. */
static void
baseline_read_error(void *arg, unsigned line, unsigned col, const char *path,
    const char *msg)
{
	baseline_error_add(arg, line, col, path, msg);
}

/* Where the value at hand is: 0, 0 when the reader did not see it. */
static void
baseline_where(struct baseline_ctx *ctx, unsigned *line, unsigned *col)
{
	const struct baseline_pos	*p;

	*line = *col = 0;
	if ((p = baseline_read_find(&ctx->rd, ctx->where)) != NULL) {
		*line = p->line;
		*col = p->col;
		if (ctx->at_key && p->key_line > 0) {
			*line = p->key_line;
			*col = p->key_col;
		}
	}
}

int
baseline_fail(struct baseline_ctx *ctx, const char *fmt, ...)
{
	char		msg[512];
	unsigned	line, col;
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	baseline_where(ctx, &line, &col);
	baseline_error_add(ctx, line, col, ctx->where, msg);
	return DW_EPARSE;
}

void
baseline_warn(struct baseline_ctx *ctx, const char *fmt, ...)
{
	struct baseline	*b = ctx->b;
	char		 msg[512], pos[32] = "";
	unsigned	 line, col;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	baseline_where(ctx, &line, &col);
	if (line > 0)
		snprintf(pos, sizeof pos, ":%u:%u", line, col);
	b->warnings = xreallocarray(b->warnings, b->nwarnings + 1,
	    sizeof(*b->warnings));
	xasprintf(&b->warnings[b->nwarnings++], "%s%s: %s%swarning: %s",
	    ctx->file, pos, ctx->where, ctx->where[0] != '\0' ? ": " : "",
	    msg);
}

/* A syntax error at a byte offset, as PATH:LINE:COLUMN. */
static int
baseline_fail_at(struct baseline_ctx *ctx, const char *buf, size_t off,
    const char *msg)
{
	unsigned	line, col;

	baseline_read_where(buf, off, &line, &col);
	baseline_error_add(ctx, line, col, "", msg);
	return DW_EPARSE;
}

/* The whole file: no line to point at. */
static int
baseline_fail_file(struct baseline_ctx *ctx, int rc, const char *msg)
{
	baseline_error_add(ctx, 0, 0, "", msg);
	return rc;
}

static int
baseline_error_cmp(const void *a, const void *b)
{
	const struct baseline_error	*x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* In file order, one a line, as many whole lines as err holds. */
static void
baseline_errors_write(struct baseline_ctx *ctx, char *err, size_t errlen)
{
	/* room kept for the last line, "\nFILE: N more error(s)" */
	size_t	i, n = 0, need, more = strlen(ctx->file) + 40;

	if (errlen == 0)
		return;
	err[0] = '\0';
	if (ctx->nerrs > 1)
		qsort(ctx->errs, ctx->nerrs, sizeof(*ctx->errs),
		    baseline_error_cmp);
	for (i = 0; i < ctx->nerrs; i++) {
		need = strlen(ctx->errs[i].text) + (n > 0);
		if (i > 0 && n + need + (i + 1 < ctx->total ? more : 0) >=
		    errlen)
			break;
		n += (size_t)snprintf(err + n, errlen - n, "%s%s",
		    n > 0 ? "\n" : "", ctx->errs[i].text);
		if (n >= errlen)
			return;
	}
	if (i < ctx->total)
		snprintf(err + n, errlen - n, "%s%s: %zu more error(s)",
		    n > 0 ? "\n" : "", ctx->file, ctx->total - i);
}

static void
baseline_errors_free(struct baseline_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->nerrs; i++)
		free(ctx->errs[i].text);
	free(ctx->errs);
}

/* The JSON path: push a step, parse, pop back to the old length. */

void
baseline_push(struct baseline_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(ctx->where + ctx->wlen, sizeof ctx->where - ctx->wlen,
	    fmt, ap);
	va_end(ap);
	if (n > 0)
		ctx->wlen += (size_t)n;
	if (ctx->wlen >= sizeof ctx->where)
		ctx->wlen = sizeof ctx->where - 1;
}

/* Keys come from the file: shown only as printable ASCII, and short,
 * as the reader noted their positions. */
static void
baseline_push_key(struct baseline_ctx *ctx, const char *key)
{
	baseline_path_key(ctx->where, sizeof ctx->where, &ctx->wlen, key);
}

size_t
baseline_depth(const struct baseline_ctx *ctx)
{
	return ctx->wlen;
}

void
baseline_pop(struct baseline_ctx *ctx, size_t wlen)
{
	ctx->wlen = wlen;
	ctx->where[wlen] = '\0';
}

/* Values. */

const char *
baseline_str(struct json_object *val)
{
	const char	*s;

	if (!json_object_is_type(val, json_type_string))
		return NULL;
	s = json_object_get_string(val);
	if (s[0] == '\0' || strlen(s) != (size_t)json_object_get_string_len(val))
		return NULL;
	return s;
}

void
baseline_set_str(char **field, const char *s)
{
	char	*copy = xstrdup(s);

	free(*field);
	*field = copy;
}

int
baseline_all_of(const char *s, const char *set, size_t min, size_t max)
{
	size_t	n = strspn(s, set);

	return s[n] == '\0' && n >= min && n <= max;
}

int
baseline_tristate(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	if (!json_object_is_type(val, json_type_boolean))
		return baseline_fail(ctx, "expected true or false");
	*(enum tristate *)field = json_object_get_boolean(val) ? TRI_TRUE :
	    TRI_FALSE;
	return 0;
}

int
baseline_region(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !region_valid(s))
		return baseline_fail(ctx, "expected a string like "
		    "\"eu-west-1\"");
	baseline_set_str(field, s);
	return 0;
}

int
baseline_name(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);
	size_t		 i;

	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s = NULL;
	if (s == NULL)
		return baseline_fail(ctx, "expected a non-empty string");
	baseline_set_str(field, s);
	return 0;
}

/* Objects: every key must be in the table, or be a comment. */

static int
baseline_ignored(const char *key)
{
	return key[0] == '_' || strcmp(key, "$schema") == 0;
}

static const struct baseline_field *
baseline_field_find(const struct baseline_field *fields, const char *key)
{
	for (; fields->key != NULL; fields++)
		if (strcmp(fields->key, key) == 0)
			return fields;
	return NULL;
}

static void
baseline_known_add(char *known, size_t *n, const char *key)
{
	if (*n < BASELINE_KNOWN_SHOWN)
		*n += (size_t)snprintf(known + *n, BASELINE_KNOWN_SHOWN - *n,
		    "%s%s", *n > 0 ? ", " : "", key);
}

static int
baseline_unknown(struct baseline_ctx *ctx, const char *key,
    const char *known)
{
	size_t	wlen = ctx->wlen;
	int	r;

	baseline_push_key(ctx, key);
	ctx->at_key = 1;
	r = baseline_fail(ctx, "unknown key (known here: %s; keys "
	    "starting with \"_\" are comments)", known);
	ctx->at_key = 0;
	baseline_pop(ctx, wlen);
	return r;
}

static int
baseline_unknown_field(struct baseline_ctx *ctx, const char *key,
    const struct baseline_field *fields)
{
	char	known[BASELINE_KNOWN_SHOWN] = "";
	size_t	n = 0;

	for (; fields->key != NULL; fields++)
		baseline_known_add(known, &n, fields->key);
	return baseline_unknown(ctx, key, known);
}

/* Each missing required key is an error of its own. */
static int
baseline_required(struct baseline_ctx *ctx, struct json_object *obj,
    const struct baseline_field *fields)
{
	int	r = 0;

	for (; fields->key != NULL; fields++)
		if (fields->required &&
		    !json_object_object_get_ex(obj, fields->key, NULL))
			r = baseline_fail(ctx, "missing \"%s\"", fields->key);
	return r;
}

/* A bad key does not stop the walk: the others are read and checked. */
int
baseline_walk(struct baseline_ctx *ctx, struct json_object *obj,
    const struct baseline_field *fields, void *base)
{
	const struct baseline_field	*f;
	size_t				 wlen = ctx->wlen;
	int				 r = 0, rf;

	if (!json_object_is_type(obj, json_type_object))
		return baseline_fail(ctx, "expected an object");
	json_object_object_foreach(obj, key, val) {
		if (baseline_ignored(key))
			continue;
		if ((f = baseline_field_find(fields, key)) == NULL) {
			rf = baseline_unknown_field(ctx, key, fields);
		} else {
			baseline_push_key(ctx, key);
			rf = f->parse(ctx, val, (char *)base + f->off);
			baseline_pop(ctx, wlen);
		}
		if (r == 0)
			r = rf;
	}
	if ((rf = baseline_required(ctx, obj, fields)) != 0 && r == 0)
		r = rf;
	return r;
}

/* Arrays. */

int
baseline_array(struct baseline_ctx *ctx, struct json_object *val,
    size_t max, size_t *n)
{
	if (!json_object_is_type(val, json_type_array))
		return baseline_fail(ctx, "expected an array");
	if ((*n = json_object_array_length(val)) > max)
		return baseline_fail(ctx, "more than %zu entries", max);
	return 0;
}

int
baseline_each(struct baseline_ctx *ctx, struct json_object *val,
    int (*fn)(struct baseline_ctx *, struct json_object *, size_t, void *),
    void *arg)
{
	size_t	i, n = json_object_array_length(val), wlen = ctx->wlen;
	int	r = 0;

	/* stops at a bad entry: the next ones may be compared with it
	 * ("listed twice"), and it was never filled in */
	for (i = 0; i < n && r == 0; i++) {
		baseline_push(ctx, "[%zu]", i);
		r = fn(ctx, json_object_array_get_idx(val, i), i, arg);
		baseline_pop(ctx, wlen);
	}
	return r;
}

/* The top level: "version", then one section per check family. */

static int
baseline_version(struct baseline_ctx *ctx, struct json_object *val)
{
	if (!json_object_is_type(val, json_type_int) ||
	    json_object_get_int64(val) != 1)
		return baseline_fail(ctx, "expected 1 (the only version so far)");
	ctx->b->version = 1;
	return 0;
}

static int
baseline_unknown_section(struct baseline_ctx *ctx, const char *key)
{
	char	known[BASELINE_KNOWN_SHOWN] = "";
	size_t	i, n = 0;

	baseline_known_add(known, &n, "version");
	for (i = 0; i < check_family_count(); i++)
		baseline_known_add(known, &n, check_family_at(i)->name);
	baseline_known_add(known, &n, "mutes");
	return baseline_unknown(ctx, key, known);
}

/* The family a top-level key names, as an index, or -1. */
static long
baseline_family(const char *key)
{
	size_t	i;

	for (i = 0; i < check_family_count(); i++)
		if (strcmp(check_family_at(i)->name, key) == 0)
			return (long)i;
	return -1;
}

static int
baseline_sections(struct baseline_ctx *ctx, struct json_object *root)
{
	long	i;
	int	r = 0, rs, version = 0;

	json_object_object_foreach(root, key, val) {
		if (baseline_ignored(key))
			continue;
		i = baseline_family(key);
		if (strcmp(key, "mutes") == 0) {
			baseline_push_key(ctx, key);
			rs = baseline_mutes_parse(ctx, val, &ctx->b->mutes);
			baseline_pop(ctx, 0);
		} else if (i == -1 && strcmp(key, "version") != 0) {
			rs = baseline_unknown_section(ctx, key);
		} else {
			baseline_push_key(ctx, key);
			version |= i == -1;
			rs = i == -1 ? baseline_version(ctx, val) :
			    check_family_at((size_t)i)->parse(ctx, val,
			    &ctx->b->sections[i]);
			baseline_pop(ctx, 0);
		}
		if (r == 0)
			r = rs;
	}
	if (!version)
		r = baseline_fail(ctx, "missing \"version\"");
	return r;
}

/* Writing a section back as JSON. */

struct json_object *
baseline_json_object(void)
{
	return xnonnull(json_object_new_object(), "json_object_new_object");
}

struct json_object *
baseline_json_array(void)
{
	return xnonnull(json_object_new_array(), "json_object_new_array");
}

void
baseline_json_add(struct json_object *obj, const char *key,
    struct json_object *val)
{
	if (json_object_object_add(obj, key, val) != 0)
		xnonnull(NULL, "json_object_object_add");
}

void
baseline_json_append(struct json_object *array, struct json_object *val)
{
	if (json_object_array_add(array, val) != 0)
		xnonnull(NULL, "json_object_array_add");
}

void
baseline_json_str(struct json_object *obj, const char *key, const char *s)
{
	if (s != NULL)
		baseline_json_add(obj, key, xnonnull(json_object_new_string(s),
		    "json_object_new_string"));
}

void
baseline_json_tristate(struct json_object *obj, const char *key,
    enum tristate t)
{
	if (t != TRI_UNSET)
		baseline_json_add(obj, key, xnonnull(json_object_new_boolean(
		    t == TRI_TRUE), "json_object_new_boolean"));
}

/* Syntax. */

static int
baseline_blank(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

/* What the reader would say less well: size, NUL bytes, emptiness, a
 * byte order mark, a top level that is not an object. */
static int
baseline_precheck(struct baseline_ctx *ctx, const char *buf, size_t len)
{
	const char	*nul;
	size_t		 ws;

	if (len > BASELINE_MAX_SIZE)
		return baseline_fail_file(ctx, DW_ETOOBIG, "larger than 1 MiB");
	if ((nul = memchr(buf, '\0', len)) != NULL)
		return baseline_fail_at(ctx, buf, (size_t)(nul - buf),
		    "NUL byte; the file must be UTF-8 text");
	if (baseline_blank(buf, len))
		return baseline_fail_file(ctx, DW_EPARSE,
		    "empty file; expected a JSON object");
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		return baseline_fail_at(ctx, buf, 0, "byte order mark; save "
		    "the file as UTF-8 without one");
	ws = strspn(buf, " \t\r\n");
	if (buf[ws] != '{')
		return baseline_fail_at(ctx, buf, ws, "expected a JSON object");
	return 0;
}

static struct baseline *
baseline_new(const char *file)
{
	struct baseline	*b;

	b = xcalloc(1, sizeof *b);
	b->path = xstrdup(file);
	b->sections = xcalloc(check_family_count(), sizeof(void *));
	return b;
}

/*
 * A repeated key still lets the sections be walked (the first value
 * stands), so one run reports it along with every other error.
 */
int
baseline_parse(const char *path_for_messages, const char *buf, size_t len,
    struct baseline **out, char *err, size_t errlen)
{
	struct baseline_ctx	 ctx;
	int			 r, rs;

	*out = NULL;
	memset(&ctx, 0, sizeof ctx);
	ctx.file = path_for_messages != NULL ? path_for_messages : "baseline";
	if ((r = baseline_precheck(&ctx, buf, len)) != 0)
		goto out;
	r = baseline_read(buf, len, &ctx.rd, baseline_read_error, &ctx);
	if (r == DW_ENOMEM) {
		baseline_fail_file(&ctx, r, "out of memory");
		goto out;
	}
	if (ctx.rd.root == NULL)
		goto out;
	ctx.b = baseline_new(ctx.file);
	if ((rs = baseline_sections(&ctx, ctx.rd.root)) != 0 && r == 0)
		r = rs;
	if (r == 0 && ctx.total > 0)
		r = DW_EPARSE;	/* a parser that noted one and went on */
	if (r == 0) {
		*out = ctx.b;
		ctx.b = NULL;
	}
out:
	baseline_errors_write(&ctx, err, errlen);
	baseline_errors_free(&ctx);
	baseline_read_clear(&ctx.rd);
	baseline_free(ctx.b);
	return r;
}

int
baseline_load(const char *path, struct baseline **out, char *err,
    size_t errlen)
{
	char	*buf = NULL;
	size_t	 len = 0;
	int	 r;

	*out = NULL;
	r = atomicfile_read(path, BASELINE_MAX_SIZE, &buf, &len);
	if (r == DW_EIO)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (r == DW_ETOOBIG)
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
	else if (r != 0)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		r = baseline_parse(path, buf, len, out, err, errlen);
	free(buf);
	return r;
}

void
baseline_free(struct baseline *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < check_family_count(); i++)
		if (b->sections[i] != NULL)
			check_family_at(i)->free(b->sections[i]);
	free(b->sections);
	for (i = 0; i < b->nwarnings; i++)
		free(b->warnings[i]);
	free(b->warnings);
	mutes_free(b->mutes);
	free(b->path);
	free(b);
}

const void *
baseline_section(const struct baseline *b, const struct check_family *fam)
{
	size_t	i;

	if (b == NULL)
		return NULL;
	for (i = 0; i < check_family_count(); i++)
		if (check_family_at(i) == fam)
			return b->sections[i];
	return NULL;
}
