/*
 * Reading one credential report: AWS's base64 Content, decoded with
 * OpenSSL's EVP decoder, then CSV read with libcsv.  The first row is
 * the header; every other row is one user, with exactly as many fields.
 * A report in any other shape is an error naming where, never a crash.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <openssl/evp.h>

#include "driftwatch/credreport.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

#define CREDREPORT_MAX_B64	(CREDREPORT_MAX_SIZE / 3 * 4 + 65536)

struct credreport_row {
	char	**v;		/* ncols values */
};

struct credreport_data {
	time_t			 generated;
	char			**cols;
	size_t			 ncols;
	struct credreport_row	*rows;
	size_t			 nrows;
	size_t			 user_col;
};

/* libcsv's callbacks fill this. */
struct credreport_csv {
	struct credreport_data	*d;
	char			**cur;
	size_t			  ncur;
	size_t			  row;		/* 1: the header */
	char			 *err;
	size_t			  errlen;
	int			  failed;
};

static void
credreport_strv_free(char **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
credreport_data_free(struct credreport_data *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nrows; i++)
		credreport_strv_free(d->rows[i].v, d->ncols);
	free(d->rows);
	credreport_strv_free(d->cols, d->ncols);
	free(d);
}

static void
credreport_fail(struct credreport_csv *c, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (c->failed)
		return;
	c->failed = 1;
	n = snprintf(c->err, c->errlen, "credential report: row %zu: ",
	    c->row);
	if (n < 0 || (size_t)n >= c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
}

static void
credreport_field_cb(void *s, size_t len, void *arg)
{
	struct credreport_csv	*c = arg;
	char			*f;

	if (c->failed)
		return;
	if (s != NULL && memchr(s, '\0', len) != NULL) {
		credreport_fail(c, "a field holds a NUL byte");
		return;
	}
	f = xmalloc(len + 1);
	if (len > 0)
		memcpy(f, s, len);
	f[len] = '\0';
	c->cur = xreallocarray(c->cur, c->ncur + 1, sizeof(*c->cur));
	c->cur[c->ncur++] = f;
}

static int
credreport_header(struct credreport_csv *c)
{
	struct credreport_data	*d = c->d;
	size_t			 i, j;
	int			 has_user = 0, has_arn = 0;

	for (i = 0; i < c->ncur; i++) {
		if (*c->cur[i] == '\0') {
			credreport_fail(c, "header column %zu is empty", i + 1);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(c->cur[i], c->cur[j]) == 0) {
				credreport_fail(c, "header column \"%.40s\" "
				    "is listed twice", c->cur[i]);
				return -1;
			}
		if (strcmp(c->cur[i], "user") == 0) {
			has_user = 1;
			d->user_col = i;
		}
		has_arn |= strcmp(c->cur[i], "arn") == 0;
	}
	if (!has_user || !has_arn) {
		credreport_fail(c, "not a credential report header "
		    "(no \"%s\" column)", has_user ? "arn" : "user");
		return -1;
	}
	d->cols = c->cur;
	d->ncols = c->ncur;
	return 0;
}

static int
credreport_add_row(struct credreport_csv *c)
{
	struct credreport_data	*d = c->d;

	if (c->ncur != d->ncols) {
		credreport_fail(c, "%zu field(s), the header has %zu",
		    c->ncur, d->ncols);
		return -1;
	}
	if (*c->cur[d->user_col] == '\0') {
		credreport_fail(c, "the user field is empty");
		return -1;
	}
	if (credreport_find(d, c->cur[d->user_col]) != NULL) {
		credreport_fail(c, "user \"%.64s\" is listed twice",
		    c->cur[d->user_col]);
		return -1;
	}
	d->rows = xreallocarray(d->rows, d->nrows + 1, sizeof(*d->rows));
	d->rows[d->nrows++].v = c->cur;
	return 0;
}

static void
credreport_row_cb(int term, void *arg)
{
	struct credreport_csv	*c = arg;
	int			 r;

	c->row++;
	if (c->failed)
		return;
	r = c->row == 1 ? credreport_header(c) : credreport_add_row(c);
	if (r != 0)
		credreport_strv_free(c->cur, c->ncur);
	c->cur = NULL;
	c->ncur = 0;
}

/* The base64 Content, decoded; whitespace (XML line breaks) skipped. */
static int
credreport_decode(const char *b64, size_t len, unsigned char **out,
    size_t *outlen, char *err, size_t errlen)
{
	EVP_ENCODE_CTX	*ctx;
	unsigned char	*buf;
	int		 n, fin, r;

	if (len == 0) {
		snprintf(err, errlen, "credential report: Content is empty");
		return DW_EPARSE;
	}
	if (len > CREDREPORT_MAX_B64 || len > INT32_MAX) {
		snprintf(err, errlen, "credential report: Content is over "
		    "%d bytes", CREDREPORT_MAX_SIZE);
		return DW_ETOOBIG;
	}
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL)
		return DW_ENOMEM;
	buf = xmalloc(len / 4 * 3 + 4);
	EVP_DecodeInit(ctx);
	r = EVP_DecodeUpdate(ctx, buf, &n, (const unsigned char *)b64,
	    (int)len);
	if (r >= 0)
		r = EVP_DecodeFinal(ctx, buf + n, &fin);
	EVP_ENCODE_CTX_free(ctx);
	if (r < 0) {
		free(buf);
		snprintf(err, errlen, "credential report: Content is not "
		    "valid base64");
		return DW_EPARSE;
	}
	*out = buf;
	*outlen = (size_t)n + (size_t)fin;
	return 0;
}

static int
credreport_csv_read(struct credreport_csv *c, const unsigned char *buf,
    size_t len)
{
	struct csv_parser	p;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return DW_ENOMEM;
	if (csv_parse(&p, buf, len, credreport_field_cb, credreport_row_cb,
	    c) != len || csv_fini(&p, credreport_field_cb, credreport_row_cb,
	    c) != 0) {
		c->row++;
		credreport_fail(c, "not CSV: %s", csv_strerror(csv_error(&p)));
	}
	csv_free(&p);
	credreport_strv_free(c->cur, c->ncur);
	c->cur = NULL;
	c->ncur = 0;
	if (!c->failed && c->d->cols == NULL)
		snprintf(c->err, c->errlen, "credential report: no header");
	return c->failed || c->d->cols == NULL ? DW_EPARSE : 0;
}

int
credreport_parse(const char *b64, size_t len, time_t generated,
    struct credreport_data **out, char *err, size_t errlen)
{
	struct credreport_csv	 c;
	unsigned char		*buf = NULL;
	size_t			 n;
	int			 r;

	*out = NULL;
	if ((r = credreport_decode(b64, len, &buf, &n, err, errlen)) != 0)
		return r;
	memset(&c, 0, sizeof(c));
	c.d = xcalloc(1, sizeof(*c.d));
	c.d->generated = generated;
	c.err = err;
	c.errlen = errlen;
	r = credreport_csv_read(&c, buf, n);
	free(buf);
	if (r != 0) {
		credreport_data_free(c.d);
		return r;
	}
	*out = c.d;
	return 0;
}

time_t
credreport_generated(const struct credreport_data *d)
{
	return d->generated;
}

size_t
credreport_nrows(const struct credreport_data *d)
{
	return d->nrows;
}

const struct credreport_row *
credreport_row_at(const struct credreport_data *d, size_t i)
{
	return i < d->nrows ? &d->rows[i] : NULL;
}

const struct credreport_row *
credreport_find(const struct credreport_data *d, const char *user)
{
	size_t	i;

	for (i = 0; i < d->nrows; i++)
		if (strcmp(d->rows[i].v[d->user_col], user) == 0)
			return &d->rows[i];
	return NULL;
}

const char *
credreport_value(const struct credreport_data *d,
    const struct credreport_row *row, const char *column)
{
	size_t	i;

	for (i = 0; row != NULL && i < d->ncols; i++)
		if (strcmp(d->cols[i], column) == 0)
			return row->v[i];
	return NULL;
}

const char *
credreport_user(const struct credreport_data *d,
    const struct credreport_row *row)
{
	return row->v[d->user_col];
}

/* Values. */

static int
credreport_none(const char *s)
{
	return strcmp(s, "N/A") == 0 || strcmp(s, "no_information") == 0 ||
	    strcmp(s, "not_supported") == 0;
}

static int
credreport_digits(const char *s, const char *shape)
{
	for (; *shape != '\0'; s++, shape++)
		if (*shape == 'D' ? *s < '0' || *s > '9' : *s != *shape)
			return 0;
	return 1;
}

/* "+hh:mm", "-hh:mm" or "Z": seconds east of UTC, or -1 when bad. */
static long
credreport_zone(const char *p, int *sign)
{
	if (strcmp(p, "Z") == 0) {
		*sign = 1;
		return 0;
	}
	if ((*p != '+' && *p != '-') || strlen(p) != 6 ||
	    !credreport_digits(p + 1, "DD:DD"))
		return -1;
	*sign = *p == '+' ? 1 : -1;
	return ((p[1] - '0') * 10 + p[2] - '0') * 3600L +
	    ((p[4] - '0') * 10 + p[5] - '0') * 60L;
}

int
credreport_parse_time(const char *s, time_t *out)
{
	struct tm	 tm, want;
	const char	*p;
	long		 off;
	int		 sign;
	time_t		 t;

	if (s == NULL || strlen(s) < 20 ||
	    !credreport_digits(s, "DDDD-DD-DDTDD:DD:DD"))
		return DW_EPARSE;
	memset(&tm, 0, sizeof(tm));
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) != s + 19)
		return DW_EPARSE;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((off = credreport_zone(p, &sign)) < 0)
		return DW_EPARSE;
	want = tm;
	if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_mday != want.tm_mday ||
	    tm.tm_mon != want.tm_mon || tm.tm_hour != want.tm_hour ||
	    tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec)
		return DW_EPARSE;
	*out = t - sign * off;
	return 0;
}

enum credreport_kind
credreport_time(const char *s, time_t *t)
{
	if (s == NULL)
		return CREDREPORT_BAD;
	if (credreport_none(s))
		return CREDREPORT_NONE;
	return credreport_parse_time(s, t) == 0 ? CREDREPORT_VALUE :
	    CREDREPORT_BAD;
}

enum credreport_kind
credreport_bool(const char *s, int *v)
{
	if (s == NULL)
		return CREDREPORT_BAD;
	if (credreport_none(s))
		return CREDREPORT_NONE;
	if (strcasecmp(s, "true") == 0)
		*v = 1;
	else if (strcasecmp(s, "false") == 0)
		*v = 0;
	else
		return CREDREPORT_BAD;
	return CREDREPORT_VALUE;
}

void
credreport_age(const struct credreport_data *d, time_t now, char *buf,
    size_t len)
{
	long	age = (long)(now - d->generated);

	if (age < 60)
		snprintf(buf, len, "report generated just now");
	else if (age < 3600)
		snprintf(buf, len, "report generated %ld min ago", age / 60);
	else if (age < 2 * 86400)
		snprintf(buf, len, "report generated %ldh ago", age / 3600);
	else
		snprintf(buf, len, "report generated %ld days ago",
		    age / 86400);
}

void
credreport_fmt_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len,
	    "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}
