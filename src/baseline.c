/*
 * baseline.json: read with json-c, then walked with one table of known
 * keys per object, so a new section is a table and a small function.
 * Errors name the JSON path of the offending value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/baseline.h"
#include "driftwatch/error.h"
#include "driftwatch/region.h"

#define BASELINE_MAX_USERS	1000
#define BASELINE_MAX_TRAILS	100
#define BASELINE_KEY_SHOWN	64

struct baseline_ctx {
	struct baseline	*b;
	const char	*file;
	char		 where[256];	/* JSON path of the value at hand */
	size_t		 wlen;
	char		*err;
	size_t		 errlen;
};

typedef int (*baseline_fn)(struct baseline_ctx *, struct json_object *,
    void *);

struct baseline_field {
	const char	*key;
	baseline_fn	 parse;
	size_t		 off;		/* into the struct being filled */
	int		 required;
};

/* Errors. */

static int __attribute__((format(printf, 2, 3)))
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

static void __attribute__((format(printf, 2, 3)))
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

static void
baseline_pop(struct baseline_ctx *ctx, size_t wlen)
{
	ctx->wlen = wlen;
	ctx->where[wlen] = '\0';
}

/* Values. */

/* A non-empty string with no NUL inside, or NULL. */
static const char *
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

static int
baseline_set_str(struct baseline_ctx *ctx, char **field, const char *s)
{
	char	*copy;

	if ((copy = strdup(s)) == NULL)
		return baseline_nomem(ctx);
	free(*field);
	*field = copy;
	return 0;
}

static int
baseline_all_of(const char *s, const char *set, size_t min, size_t max)
{
	size_t	n = strspn(s, set);

	return s[n] == '\0' && n >= min && n <= max;
}

static int
baseline_tristate(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	if (!json_object_is_type(val, json_type_boolean))
		return baseline_fail(ctx, "expected true or false");
	*(enum tristate *)field = json_object_get_boolean(val) ? TRI_TRUE :
	    TRI_FALSE;
	return 0;
}

static int
baseline_version(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	(void)field;
	if (!json_object_is_type(val, json_type_int) ||
	    json_object_get_int64(val) != 1)
		return baseline_fail(ctx, "expected 1 (the only version so far)");
	return 0;
}

static int
baseline_account_id(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s, "0123456789", 12, 12))
		return baseline_fail(ctx, "expected a 12-digit account id "
		    "string like \"111122223333\"");
	return baseline_set_str(ctx, field, s);
}

static int
baseline_region(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !region_valid(s))
		return baseline_fail(ctx, "expected a string like "
		    "\"eu-west-1\"");
	return baseline_set_str(ctx, field, s);
}

static int
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
	return baseline_set_str(ctx, field, s);
}

static int
baseline_bucket(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !baseline_all_of(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789.-", 3, 63))
		return baseline_fail(ctx, "expected an S3 bucket name like "
		    "\"org-trail-logs-111122223333\"");
	return baseline_set_str(ctx, field, s);
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

static int
baseline_unknown(struct baseline_ctx *ctx, const char *key,
    const struct baseline_field *fields)
{
	char	known[256] = "";
	size_t	n = 0;

	for (; fields->key != NULL && n < sizeof known; fields++)
		n += (size_t)snprintf(known + n, sizeof known - n, "%s%s",
		    n > 0 ? ", " : "", fields->key);
	baseline_push_key(ctx, key);
	return baseline_fail(ctx, "unknown key (known here: %s; keys "
	    "starting with \"_\" are comments)", known);
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

static int
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
			return baseline_unknown(ctx, key, fields);
		baseline_push_key(ctx, key);
		if ((r = f->parse(ctx, val, (char *)base + f->off)) != 0)
			return r;
		baseline_pop(ctx, wlen);
	}
	return baseline_required(ctx, obj, fields);
}

/* Arrays. */

static int
baseline_array(struct baseline_ctx *ctx, struct json_object *val,
    size_t max, size_t *n)
{
	if (!json_object_is_type(val, json_type_array))
		return baseline_fail(ctx, "expected an array");
	if ((*n = json_object_array_length(val)) > max)
		return baseline_fail(ctx, "more than %zu entries", max);
	return 0;
}

/* Lists hold no repeats: the index of an earlier equal entry, or -1. */
static long
baseline_user_dup(const struct baseline *b, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (strcmp(b->mfa_exempt_users[j], b->mfa_exempt_users[i]) == 0)
			return (long)j;
	return -1;
}

static long
baseline_trail_dup(const struct baseline *b, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (strcmp(b->trails[j].name, b->trails[i].name) == 0)
			return (long)j;
	return -1;
}

static int
baseline_user(struct baseline_ctx *ctx, struct json_object *val,
    size_t i)
{
	struct baseline	*b = ctx->b;
	const char	*s = baseline_str(val);
	long		 dup;

	if (s == NULL || !baseline_all_of(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-", 1, 64))
		return baseline_fail(ctx, "expected an IAM user name");
	if ((b->mfa_exempt_users[i] = strdup(s)) == NULL)
		return baseline_nomem(ctx);
	dup = baseline_user_dup(b, i);
	if (dup != -1)
		return baseline_fail(ctx, "\"%s\" is listed twice (also at "
		    "[%ld])", s, dup);
	return 0;
}

static int
baseline_users(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct baseline	*b = field;
	size_t		 i, n, wlen = ctx->wlen;
	int		 r;

	if ((r = baseline_array(ctx, val, BASELINE_MAX_USERS, &n)) != 0)
		return r;
	if (n > 0 && (b->mfa_exempt_users = calloc(n, sizeof(char *))) == NULL)
		return baseline_nomem(ctx);
	b->nmfa_exempt_users = n;
	for (i = 0; i < n; i++) {
		baseline_push(ctx, "[%zu]", i);
		r = baseline_user(ctx, json_object_array_get_idx(val, i), i);
		if (r != 0)
			return r;
		baseline_pop(ctx, wlen);
	}
	return 0;
}

#define BL(f)	offsetof(struct baseline, f)
#define TR(f)	offsetof(struct baseline_trail, f)

static const struct baseline_field baseline_trail_fields[] = {
	{ "name", baseline_name, TR(name), 1 },
	{ "home_region", baseline_region, TR(home_region), 1 },
	{ "multi_region", baseline_tristate, TR(multi_region), 0 },
	{ "include_global_service_events", baseline_tristate,
	    TR(include_global_service_events), 0 },
	{ "log_file_validation", baseline_tristate, TR(log_file_validation),
	    0 },
	{ "s3_bucket", baseline_bucket, TR(s3_bucket), 0 },
	{ "logging", baseline_tristate, TR(logging), 0 },
	{ NULL, NULL, 0, 0 }
};

static int
baseline_trail(struct baseline_ctx *ctx, struct json_object *val, size_t i)
{
	struct baseline_trail	*t = &ctx->b->trails[i];
	long			 dup;
	int			 r;

	if ((r = baseline_walk(ctx, val, baseline_trail_fields, t)) != 0)
		return r;
	dup = baseline_trail_dup(ctx->b, i);
	if (dup != -1) {
		baseline_push(ctx, ".name");
		return baseline_fail(ctx, "trail \"%s\" is listed twice (also "
		    "at [%ld])", t->name, dup);
	}
	return 0;
}

static int
baseline_trails(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct baseline	*b = field;
	size_t		 i, n, wlen = ctx->wlen;
	int		 r;

	if ((r = baseline_array(ctx, val, BASELINE_MAX_TRAILS, &n)) != 0)
		return r;
	if (n > 0 && (b->trails = calloc(n, sizeof *b->trails)) == NULL)
		return baseline_nomem(ctx);
	b->ntrails = n;
	for (i = 0; i < n; i++) {
		b->trails[i].multi_region = TRI_UNSET;
		b->trails[i].include_global_service_events = TRI_UNSET;
		b->trails[i].log_file_validation = TRI_UNSET;
		b->trails[i].logging = TRI_UNSET;
	}
	for (i = 0; i < n; i++) {
		baseline_push(ctx, "[%zu]", i);
		r = baseline_trail(ctx, json_object_array_get_idx(val, i), i);
		if (r != 0)
			return r;
		baseline_pop(ctx, wlen);
	}
	return 0;
}

/* Sections: each is a table of its keys, all filling struct baseline. */

static const struct baseline_field baseline_account_fields[] = {
	{ "id", baseline_account_id, BL(account_id), 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct baseline_field baseline_root_fields[] = {
	{ "mfa", baseline_tristate, BL(root_mfa), 0 },
	{ "access_keys", baseline_tristate, BL(root_access_keys), 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct baseline_field baseline_iam_fields[] = {
	{ "user_mfa", baseline_tristate, BL(iam_user_mfa), 0 },
	{ "mfa_exempt_users", baseline_users, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct baseline_field baseline_cloudtrail_fields[] = {
	{ "trails", baseline_trails, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static int
baseline_account(struct baseline_ctx *ctx, struct json_object *val,
    void *b)
{
	return baseline_walk(ctx, val, baseline_account_fields, b);
}

static int
baseline_root(struct baseline_ctx *ctx, struct json_object *val, void *b)
{
	return baseline_walk(ctx, val, baseline_root_fields, b);
}

static int
baseline_iam(struct baseline_ctx *ctx, struct json_object *val, void *b)
{
	return baseline_walk(ctx, val, baseline_iam_fields, b);
}

static int
baseline_cloudtrail(struct baseline_ctx *ctx, struct json_object *val,
    void *b)
{
	return baseline_walk(ctx, val, baseline_cloudtrail_fields, b);
}

static const struct baseline_field baseline_sections[] = {
	{ "version", baseline_version, 0, 1 },
	{ "account", baseline_account, 0, 0 },
	{ "root", baseline_root, 0, 0 },
	{ "iam", baseline_iam, 0, 0 },
	{ "cloudtrail", baseline_cloudtrail, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

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

	if ((b = calloc(1, sizeof *b)) == NULL)
		return NULL;
	b->root_mfa = TRI_UNSET;
	b->root_access_keys = TRI_UNSET;
	b->iam_user_mfa = TRI_UNSET;
	if ((b->path = strdup(file)) == NULL) {
		free(b);
		return NULL;
	}
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
	if ((ctx.b = baseline_new(ctx.file)) == NULL) {
		r = baseline_nomem(&ctx);
		goto out;
	}
	if ((r = baseline_walk(&ctx, root, baseline_sections, ctx.b)) != 0)
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
	for (i = 0; i < b->nmfa_exempt_users; i++)
		free(b->mfa_exempt_users[i]);
	free(b->mfa_exempt_users);
	for (i = 0; i < b->ntrails; i++) {
		free(b->trails[i].name);
		free(b->trails[i].home_region);
		free(b->trails[i].s3_bucket);
	}
	free(b->trails);
	free(b->account_id);
	free(b->path);
	free(b);
}

int
baseline_user_mfa_exempt(const struct baseline *b, const char *user)
{
	size_t	i;

	if (b == NULL || user == NULL)
		return 0;
	for (i = 0; i < b->nmfa_exempt_users; i++)
		if (strcmp(b->mfa_exempt_users[i], user) == 0)
			return 1;
	return 0;
}
