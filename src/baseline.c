/*
 * baseline.json: read with json-c, then walked: "version" here, every
 * other top-level key by the check family of that name (check.h), each
 * with a table of its known keys and the helpers below.  Errors name
 * the JSON path of the offending value.
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
#include "driftwatch/region.h"
#include "driftwatch/xmalloc.h"

#define BASELINE_KEY_SHOWN	64
#define BASELINE_KNOWN_SHOWN	256

struct baseline_ctx {
	struct baseline	*b;
	const char	*file;
	char		 where[256];	/* JSON path of the value at hand */
	size_t		 wlen;
	char		*err;
	size_t		 errlen;
};

/* Errors. */

int
baseline_fail(struct baseline_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (ctx->errlen == 0)
		return DW_EPARSE;
	n = snprintf(ctx->err, ctx->errlen, "%s: %s%s", ctx->file, ctx->where,
	    ctx->wlen > 0 ? ": " : "");
	if (n >= 0 && (size_t)n < ctx->errlen) {
		va_start(ap, fmt);
		vsnprintf(ctx->err + n, ctx->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return DW_EPARSE;
}

/* A syntax error at a byte offset, as PATH:LINE:COLUMN. */
static int
baseline_fail_at(struct baseline_ctx *ctx, const char *buf, size_t off,
    const char *msg)
{
	size_t	i, line = 1, bol = 0;

	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			line++;
			bol = i + 1;
		}
	}
	snprintf(ctx->err, ctx->errlen, "%s:%zu:%zu: %s", ctx->file, line,
	    off - bol + 1, msg);
	return DW_EPARSE;
}

static int
baseline_nomem(struct baseline_ctx *ctx)
{
	snprintf(ctx->err, ctx->errlen, "%s: out of memory", ctx->file);
	return DW_ENOMEM;
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

/* Keys come from the file: shown only as printable ASCII, and short. */
static void
baseline_push_key(struct baseline_ctx *ctx, const char *key)
{
	char	shown[BASELINE_KEY_SHOWN + 1];
	size_t	i;

	for (i = 0; i < BASELINE_KEY_SHOWN && key[i] != '\0'; i++)
		shown[i] = key[i] > 0x20 && key[i] < 0x7f ? key[i] : '?';
	shown[i] = '\0';
	baseline_push(ctx, "%s%s%s", ctx->wlen > 0 ? "." : "", shown,
	    key[i] != '\0' ? "..." : "");
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
	baseline_push_key(ctx, key);
	return baseline_fail(ctx, "unknown key (known here: %s; keys "
	    "starting with \"_\" are comments)", known);
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

static int
baseline_required(struct baseline_ctx *ctx, struct json_object *obj,
    const struct baseline_field *fields)
{
	for (; fields->key != NULL; fields++)
		if (fields->required &&
		    !json_object_object_get_ex(obj, fields->key, NULL))
			return baseline_fail(ctx, "missing \"%s\"", fields->key);
	return 0;
}

int
baseline_walk(struct baseline_ctx *ctx, struct json_object *obj,
    const struct baseline_field *fields, void *base)
{
	const struct baseline_field	*f;
	size_t				 wlen = ctx->wlen;
	int				 r;

	if (!json_object_is_type(obj, json_type_object))
		return baseline_fail(ctx, "expected an object");
	json_object_object_foreach(obj, key, val) {
		if (baseline_ignored(key))
			continue;
		if ((f = baseline_field_find(fields, key)) == NULL)
			return baseline_unknown_field(ctx, key, fields);
		baseline_push_key(ctx, key);
		if ((r = f->parse(ctx, val, (char *)base + f->off)) != 0)
			return r;
		baseline_pop(ctx, wlen);
	}
	return baseline_required(ctx, obj, fields);
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
	int	r;

	for (i = 0; i < n; i++) {
		baseline_push(ctx, "[%zu]", i);
		r = fn(ctx, json_object_array_get_idx(val, i), i, arg);
		if (r != 0)
			return r;
		baseline_pop(ctx, wlen);
	}
	return 0;
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
	int	r;

	json_object_object_foreach(root, key, val) {
		if (baseline_ignored(key))
			continue;
		i = baseline_family(key);
		if (i == -1 && strcmp(key, "version") != 0)
			return baseline_unknown_section(ctx, key);
		baseline_push_key(ctx, key);
		r = i == -1 ? baseline_version(ctx, val) :
		    check_family_at((size_t)i)->parse(ctx, val,
		    &ctx->b->sections[i]);
		if (r != 0)
			return r;
		baseline_pop(ctx, 0);
	}
	if (ctx->b->version == 0)
		return baseline_fail(ctx, "missing \"version\"");
	return 0;
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

static int
baseline_tokenize(struct baseline_ctx *ctx, const char *buf, size_t len,
    struct json_object **out)
{
	struct json_tokener	*tok;
	enum json_tokener_error	 jerr;
	size_t			 end;

	if ((tok = json_tokener_new()) == NULL)
		return baseline_nomem(ctx);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	*out = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	if (jerr == json_tokener_success && baseline_blank(buf + end,
	    len - end))
		return 0;
	json_object_put(*out);
	*out = NULL;
	if (jerr == json_tokener_success)
		jerr = json_tokener_error_parse_unexpected;
	return baseline_fail_at(ctx, buf, end, json_tokener_error_desc(jerr));
}

/* What json-c can't say well: NUL bytes, emptiness, a non-object. */
static int
baseline_precheck(struct baseline_ctx *ctx, const char *buf, size_t len)
{
	const char	*nul;
	size_t		 ws;

	if (len > BASELINE_MAX_SIZE) {
		snprintf(ctx->err, ctx->errlen, "%s: larger than 1 MiB",
		    ctx->file);
		return DW_ETOOBIG;
	}
	if ((nul = memchr(buf, '\0', len)) != NULL)
		return baseline_fail_at(ctx, buf, (size_t)(nul - buf),
		    "NUL byte");
	if (baseline_blank(buf, len))
		return baseline_fail(ctx, "empty file; expected a JSON object");
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

int
baseline_parse(const char *path_for_messages, const char *buf, size_t len,
    struct baseline **out, char *err, size_t errlen)
{
	struct baseline_ctx	 ctx;
	struct json_object	*root = NULL;
	int			 r;

	*out = NULL;
	memset(&ctx, 0, sizeof ctx);
	ctx.file = path_for_messages != NULL ? path_for_messages : "baseline";
	ctx.err = err;
	ctx.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if ((r = baseline_precheck(&ctx, buf, len)) != 0 ||
	    (r = baseline_tokenize(&ctx, buf, len, &root)) != 0)
		goto out;
	ctx.b = baseline_new(ctx.file);
	if ((r = baseline_sections(&ctx, root)) != 0)
		goto out;
	*out = ctx.b;
	ctx.b = NULL;
out:
	json_object_put(root);
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
