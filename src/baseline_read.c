/*
 * baseline.json through yajl's event parser into a json-c tree.
 *
 * json-c's tokenizer keeps no positions and replaces a repeated key
 * without a word (so {"root":{"mfa":true,"mfa":false}} switched a check
 * off); in strict mode it still takes 'single-quoted' keys.  yajl
 * hands over one event at a time with the offset reached, so each
 * value's line and column is noted under its JSON path, a repeated key
 * is an error at the second one, and the families keep reading the
 * json-c values they always had.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <yajl/yajl_parse.h>

#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"
#include "baseline_read.h"

#define BASELINE_PATH_MAX	256
#define BASELINE_KEY_SHOWN	64
#define BASELINE_NUM_MAX	64	/* digits worth reading as a number */

struct baseline_frame {
	struct json_object	*obj;
	size_t			 plen;	/* the container's own path */
	size_t			 n;	/* array: entries so far */
	char			*key;	/* object: the member being read */
	int			 discard; /* ... repeated: dropped */
	unsigned		 key_line, key_col;
};

struct baseline_reader {
	const char		*buf;
	size_t			 len;
	yajl_handle		 h;
	struct baseline_read	*r;
	size_t			 cap;
	struct baseline_frame	 st[BASELINE_READ_DEPTH + 1];
	size_t			 depth;
	char			 path[BASELINE_PATH_MAX];
	size_t			 plen;
	baseline_read_err	 err_fn;
	void			*arg;
	int			 stopped;	/* our own error: no yajl message */
	int			 dup;
	size_t			 last_end;	/* of the last token seen */
	int			 at_eof;	/* the error is the end's */
};

/* Paths, in the form baseline.c's messages use. */

static void
baseline_path_append(char *path, size_t cap, size_t *len, const char *s)
{
	size_t	n = strlen(s);

	if (*len + n >= cap)
		n = cap - 1 - *len;
	memcpy(path + *len, s, n);
	*len += n;
	path[*len] = '\0';
}

void
baseline_path_key(char *path, size_t cap, size_t *len, const char *key)
{
	char	shown[BASELINE_KEY_SHOWN + 5];
	size_t	i, n = 0;

	if (*len > 0)
		shown[n++] = '.';
	for (i = 0; i < BASELINE_KEY_SHOWN && key[i] != '\0'; i++)
		shown[n++] = key[i] > 0x20 && key[i] < 0x7f ? key[i] : '?';
	if (key[i] != '\0')
		n += (size_t)snprintf(shown + n, 4, "...");
	shown[n] = '\0';
	baseline_path_append(path, cap, len, shown);
}

void
baseline_path_index(char *path, size_t cap, size_t *len, size_t i)
{
	char	step[32];

	snprintf(step, sizeof step, "[%zu]", i);
	baseline_path_append(path, cap, len, step);
}

/* Positions. */

void
baseline_read_where(const char *buf, size_t off, unsigned *line,
    unsigned *col)
{
	size_t	i, bol = 0;

	*line = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	}
	*col = (unsigned)(off - bol + 1);
}

/* Where the token that ends at the offset yajl reached began. */
static size_t
baseline_token_start(struct baseline_reader *rd, size_t toklen)
{
	size_t	end = yajl_get_bytes_consumed(rd->h);

	return end >= toklen ? end - toklen : 0;
}

/* A string token ends at its closing quote: back to the opening one,
 * the first quote not escaped by an odd run of backslashes. */
static size_t
baseline_string_start(struct baseline_reader *rd)
{
	size_t	i = yajl_get_bytes_consumed(rd->h), bs;

	if (i < 2)
		return 0;
	for (i -= 2; i > 0; i--) {
		if (rd->buf[i] != '"')
			continue;
		for (bs = 0; bs < i && rd->buf[i - 1 - bs] == '\\'; bs++)
			;
		if (bs % 2 == 0)
			return i;
	}
	return 0;
}

static void
baseline_fail_off(struct baseline_reader *rd, size_t off, const char *msg)
{
	unsigned	line, col;

	baseline_read_where(rd->buf, off, &line, &col);
	rd->err_fn(rd->arg, line, col, rd->path, msg);
}

static const struct baseline_pos *
baseline_pos_exact(const struct baseline_read *r, const char *path)
{
	size_t	i;

	for (i = 0; i < r->npos; i++)
		if (strcmp(r->pos[i].path, path) == 0)
			return &r->pos[i];
	return NULL;
}

const struct baseline_pos *
baseline_read_find(const struct baseline_read *r, const char *path)
{
	const struct baseline_pos	*p;
	char				 buf[BASELINE_PATH_MAX];
	char				*cut;

	snprintf(buf, sizeof buf, "%s", path);
	for (;;) {
		if ((p = baseline_pos_exact(r, buf)) != NULL)
			return p;
		if (buf[0] == '\0')
			return NULL;
		cut = strrchr(buf, '[');
		if (strrchr(buf, '.') > cut)
			cut = strrchr(buf, '.');
		if (cut == NULL)
			cut = buf;
		*cut = '\0';
	}
}

static void
baseline_pos_add(struct baseline_reader *rd, size_t off,
    const struct baseline_frame *parent)
{
	struct baseline_read	*r = rd->r;
	struct baseline_pos	*p;

	if (r->npos == rd->cap) {
		rd->cap = rd->cap == 0 ? 64 : rd->cap * 2;
		r->pos = xreallocarray(r->pos, rd->cap, sizeof(*r->pos));
	}
	p = &r->pos[r->npos++];
	memset(p, 0, sizeof(*p));
	p->path = xstrdup(rd->path);
	baseline_read_where(rd->buf, off, &p->line, &p->col);
	if (parent != NULL && parent->key != NULL) {
		p->key_line = parent->key_line;
		p->key_col = parent->key_col;
	}
}

/* Building the tree. */

static struct baseline_frame *
baseline_top(struct baseline_reader *rd)
{
	return rd->depth > 0 ? &rd->st[rd->depth - 1] : NULL;
}

/* A value starts at off: its path, then its position. */
static void
baseline_value_begin(struct baseline_reader *rd, size_t off)
{
	struct baseline_frame	*f = baseline_top(rd);

	rd->last_end = yajl_get_bytes_consumed(rd->h);
	if (f == NULL)
		rd->plen = 0;
	else if (json_object_is_type(f->obj, json_type_array)) {
		rd->plen = f->plen;
		baseline_path_index(rd->path, sizeof rd->path, &rd->plen, f->n);
	}
	rd->path[rd->plen] = '\0';
	baseline_pos_add(rd, off, f != NULL &&
	    json_object_is_type(f->obj, json_type_object) ? f : NULL);
}

/* A value is complete: into its container (or the root). */
static void
baseline_value_end(struct baseline_reader *rd, struct json_object *v)
{
	struct baseline_frame	*f = baseline_top(rd);

	if (f == NULL) {
		rd->r->root = v;
		return;
	}
	if (json_object_is_type(f->obj, json_type_array)) {
		if (json_object_array_add(f->obj, v) != 0)
			xnonnull(NULL, "json_object_array_add");
		f->n++;
	} else if (f->discard || f->key == NULL)
		json_object_put(v);
	else if (json_object_object_add(f->obj, f->key, v) != 0)
		xnonnull(NULL, "json_object_object_add");
	free(f->key);
	f->key = NULL;
	f->discard = 0;
	rd->plen = f->plen;
	rd->path[rd->plen] = '\0';
}

static int
baseline_scalar(struct baseline_reader *rd, size_t off, struct json_object *v)
{
	baseline_value_begin(rd, off);
	baseline_value_end(rd, v);
	return 1;
}

static int
baseline_on_null(void *arg)
{
	struct baseline_reader	*rd = arg;

	return baseline_scalar(rd, baseline_token_start(rd, 4), NULL);
}

static int
baseline_on_bool(void *arg, int b)
{
	struct baseline_reader	*rd = arg;

	return baseline_scalar(rd, baseline_token_start(rd, b ? 4 : 5),
	    xnonnull(json_object_new_boolean(b), "json_object_new_boolean"));
}

/* A number json-c can hold exactly, or an error: never a silent
 * saturation to INT64_MAX or to infinity. */
static struct json_object *
baseline_number_value(const char *text)
{
	long long	 ll;
	double		 d;
	char		*end;

	errno = 0;
	if (strpbrk(text, ".eE") == NULL) {
		ll = strtoll(text, &end, 10);
		if (errno != 0 || *end != '\0')
			return NULL;
		return xnonnull(json_object_new_int64(ll),
		    "json_object_new_int64");
	}
	d = strtod(text, &end);
	if ((errno != 0 && fabs(d) > 1) || *end != '\0' || !isfinite(d))
		return NULL;
	return xnonnull(json_object_new_double_s(d, text),
	    "json_object_new_double_s");
}

static int
baseline_on_number(void *arg, const char *s, size_t len)
{
	struct baseline_reader	*rd = arg;
	struct json_object	*v = NULL;
	char			 text[BASELINE_NUM_MAX + 1];
	size_t			 off = baseline_token_start(rd, len);

	if (len <= BASELINE_NUM_MAX) {
		memcpy(text, s, len);
		text[len] = '\0';
		v = baseline_number_value(text);
	}
	if (v == NULL) {
		baseline_value_begin(rd, off);
		baseline_fail_off(rd, off, "number out of range (expected an "
		    "integer of at most 19 digits, or a finite number)");
		rd->stopped = 1;
		return 0;
	}
	return baseline_scalar(rd, off, v);
}

static int
baseline_on_string(void *arg, const unsigned char *s, size_t len)
{
	struct baseline_reader	*rd = arg;

	return baseline_scalar(rd, baseline_string_start(rd),
	    xnonnull(json_object_new_string_len((const char *)s, (int)len),
	    "json_object_new_string_len"));
}

static int
baseline_open(struct baseline_reader *rd, struct json_object *obj)
{
	struct baseline_frame	*f;
	size_t			 off = baseline_token_start(rd, 1);

	baseline_value_begin(rd, off);
	if (rd->depth == BASELINE_READ_DEPTH) {
		json_object_put(obj);
		baseline_fail_off(rd, off, "nested deeper than 32 objects "
		    "and arrays");
		rd->stopped = 1;
		return 0;
	}
	f = &rd->st[rd->depth++];
	memset(f, 0, sizeof(*f));
	f->obj = obj;
	f->plen = rd->plen;
	return 1;
}

static int
baseline_close(struct baseline_reader *rd)
{
	struct json_object	*obj = rd->st[--rd->depth].obj;

	rd->last_end = yajl_get_bytes_consumed(rd->h);
	baseline_value_end(rd, obj);
	return 1;
}

static int
baseline_on_start_map(void *arg)
{
	return baseline_open(arg, xnonnull(json_object_new_object(),
	    "json_object_new_object"));
}

static int
baseline_on_start_array(void *arg)
{
	return baseline_open(arg, xnonnull(json_object_new_array(),
	    "json_object_new_array"));
}

static int
baseline_on_end(void *arg)
{
	return baseline_close(arg);
}

static void
baseline_duplicate(struct baseline_reader *rd, size_t off)
{
	const struct baseline_pos	*first;
	char				 msg[128];

	first = baseline_pos_exact(rd->r, rd->path);
	snprintf(msg, sizeof msg, "duplicate key (first on line %u, column "
	    "%u); a repeated key would silently replace the first",
	    first != NULL ? first->key_line : 0,
	    first != NULL ? first->key_col : 0);
	baseline_fail_off(rd, off, msg);
	rd->dup = 1;
}

static int
baseline_on_key(void *arg, const unsigned char *s, size_t len)
{
	struct baseline_reader	*rd = arg;
	struct baseline_frame	*f = baseline_top(rd);
	size_t			 off = baseline_string_start(rd), i;

	rd->last_end = yajl_get_bytes_consumed(rd->h);
	f->key = xmalloc(len + 1);
	memcpy(f->key, s, len);
	f->key[len] = '\0';
	if (strlen(f->key) != len)	/* named with '?' for each NUL */
		for (i = 0; i < len; i++)
			if (f->key[i] == '\0')
				f->key[i] = '?';
	baseline_read_where(rd->buf, off, &f->key_line, &f->key_col);
	rd->plen = f->plen;
	rd->path[rd->plen] = '\0';
	baseline_path_key(rd->path, sizeof rd->path, &rd->plen, f->key);
	if (memchr(s, '\0', len) != NULL) {
		baseline_fail_off(rd, off, "key holds a NUL character "
		    "(\\u0000)");
		rd->dup = 1;
		f->discard = 1;
	} else if (json_object_object_get_ex(f->obj, f->key, NULL)) {
		baseline_duplicate(rd, off);
		f->discard = 1;
	}
	return 1;
}

static const yajl_callbacks baseline_callbacks = {
	.yajl_null = baseline_on_null,
	.yajl_boolean = baseline_on_bool,
	.yajl_number = baseline_on_number,
	.yajl_string = baseline_on_string,
	.yajl_start_map = baseline_on_start_map,
	.yajl_map_key = baseline_on_key,
	.yajl_end_map = baseline_on_end,
	.yajl_start_array = baseline_on_start_array,
	.yajl_end_array = baseline_on_end,
};

/* yajl's messages, said as what was expected there. */
static const struct {
	const char	*yajl, *ours;
} baseline_yajl_msgs[] = {
	{ "premature EOF", "unexpected end of file: an object or array is "
	    "not closed" },
	{ "trailing garbage", "unexpected text after the end of the "
	    "top-level object" },
	{ "invalid object key (must be a string)", "expected a key in "
	    "double quotes, or '}'" },
	{ "object key and value must be separated by a colon (':')",
	    "expected ':' after the key" },
	{ "after key and value, inside map, I expect ',' or '}'",
	    "expected ',' or '}' after a member" },
	{ "after array element, I expect ',' or ']'", "expected ',' or ']' "
	    "after an array entry" },
	{ "unallowed token at this point in JSON text", "expected a value "
	    "(a trailing comma, or a missing one?)" },
	{ "invalid char in json text.", "expected a JSON value: a string in "
	    "double quotes, number, true, false, null, object or array" },
	{ "invalid bytes in UTF8 string.", "invalid UTF-8 in a string; the "
	    "file must be UTF-8" },
	{ "invalid string in json text.", "expected a value: true, false, "
	    "null, a number, or a string in double quotes" },
	{ "invalid character inside string.", "invalid character in a "
	    "string: control characters must be escaped (\\t, \\n, "
	    "\\u0001) and \\u takes four hex digits" },
	{ "inside a string, '\\' occurs before a character which it may "
	    "not.", "invalid escape in a string: expected one of \\\" \\\\ "
	    "\\/ \\b \\f \\n \\r \\t \\uXXXX" },
};

static size_t
baseline_skip_blank(const struct baseline_reader *rd, size_t i)
{
	while (i < rd->len && strchr(" \t\r\n", rd->buf[i]) != NULL)
		i++;
	return i;
}

/*
 * Where the offending token starts.  yajl's offset lands before, inside
 * or after it depending on the token; the token is the one after the
 * last value or key seen, or after the ',' or ':' that follows it.
 * Inside a string (bad UTF-8, a raw control character) its offset is
 * the bad byte itself, or just past it.
 */
/* The first byte from i on that does not start valid UTF-8. */
static size_t
baseline_bad_utf8(const struct baseline_reader *rd, size_t i)
{
	const unsigned char	*b = (const unsigned char *)rd->buf;
	size_t			 n, k;

	while (i < rd->len) {
		n = b[i] < 0x80 ? 1 : (b[i] & 0xe0) == 0xc0 ? 2 :
		    (b[i] & 0xf0) == 0xe0 ? 3 : (b[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || i + n > rd->len)
			return i;
		for (k = 1; k < n; k++)
			if ((b[i + k] & 0xc0) != 0x80)
				return i;
		i += n;
	}
	return i;
}

/* The backslash of the first escape that JSON does not have. */
static size_t
baseline_bad_escape(const struct baseline_reader *rd, size_t i, size_t end)
{
	for (; i + 1 < rd->len && i < end; i++) {
		if (rd->buf[i] != '\\')
			continue;
		if (strchr("\"\\/bfnrtu", rd->buf[i + 1]) == NULL)
			return i;
		i++;
	}
	return end;
}

static size_t
baseline_error_off(const struct baseline_reader *rd, const char *raw,
    size_t off)
{
	size_t	t0, t1;

	if (strstr(raw, "premature EOF") != NULL)
		return rd->len;
	if (strstr(raw, "UTF8") != NULL) {
		t0 = baseline_bad_utf8(rd, rd->last_end);
		return t0 < rd->len ? t0 : off;
	}
	if (strstr(raw, "inside string") != NULL)
		return off;
	if (strstr(raw, "occurs before a character") != NULL)
		return baseline_bad_escape(rd, rd->last_end, off);
	t0 = baseline_skip_blank(rd, rd->last_end);
	if (t0 < rd->len && (rd->buf[t0] == ',' || rd->buf[t0] == ':')) {
		t1 = baseline_skip_blank(rd, t0 + 1);
		if (t1 < off || t1 == rd->len)
			return t1;
	}
	return t0;
}

static void
baseline_yajl_error(struct baseline_reader *rd, size_t off)
{
	unsigned char	*raw;
	const char	*msg, *colon;
	char		 text[160];
	size_t		 i, n;

	raw = yajl_get_error(rd->h, 0, NULL, 0);
	msg = raw != NULL ? (const char *)raw : "syntax error";
	if ((colon = strstr(msg, "error: ")) != NULL)
		msg = colon + 7;
	n = strcspn(msg, "\n");
	snprintf(text, sizeof text, "%.*s", (int)n, msg);
	for (i = 0; i < sizeof baseline_yajl_msgs /
	    sizeof baseline_yajl_msgs[0]; i++)
		if (strcmp(text, baseline_yajl_msgs[i].yajl) == 0)
			snprintf(text, sizeof text, "%s",
			    baseline_yajl_msgs[i].ours);
	/* a token the end of the file cut short, as "tr" for true */
	if (rd->at_eof && strstr(msg, "premature EOF") == NULL)
		snprintf(text, sizeof text, "unexpected end of file inside a "
		    "value");
	rd->path[0] = '\0';
	baseline_fail_off(rd, baseline_error_off(rd, msg, off), text);
	if (raw != NULL)
		yajl_free_error(rd->h, raw);
}

static void
baseline_reader_unwind(struct baseline_reader *rd)
{
	while (rd->depth > 0) {
		rd->depth--;
		free(rd->st[rd->depth].key);
		json_object_put(rd->st[rd->depth].obj);
	}
}

int
baseline_read(const char *buf, size_t len, struct baseline_read *r,
    baseline_read_err err_fn, void *arg)
{
	struct baseline_reader	rd;
	yajl_status		st;
	size_t			off;

	memset(r, 0, sizeof(*r));
	memset(&rd, 0, sizeof rd);
	rd.buf = buf;
	rd.len = len;
	rd.r = r;
	rd.err_fn = err_fn;
	rd.arg = arg;
	if ((rd.h = yajl_alloc(&baseline_callbacks, NULL, &rd)) == NULL)
		return DW_ENOMEM;
	st = yajl_parse(rd.h, (const unsigned char *)buf, len);
	off = yajl_get_bytes_consumed(rd.h);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(rd.h);
		off = len;
		rd.at_eof = 1;
	}
	if (st != yajl_status_ok && !rd.stopped)
		baseline_yajl_error(&rd, off);
	yajl_free(rd.h);
	baseline_reader_unwind(&rd);
	if (st != yajl_status_ok) {
		json_object_put(r->root);
		r->root = NULL;
		return DW_EPARSE;
	}
	return rd.dup ? DW_EPARSE : 0;
}

void
baseline_read_clear(struct baseline_read *r)
{
	size_t	i;

	for (i = 0; i < r->npos; i++)
		free(r->pos[i].path);
	free(r->pos);
	json_object_put(r->root);
	memset(r, 0, sizeof(*r));
}
