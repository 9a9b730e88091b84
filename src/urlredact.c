/*
 * Redacting a URL's secret parts from text an answer brought back.
 * The parts are kept longest first, so the whole URL is replaced as
 * one and a segment only where it stands alone.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driftwatch/secret.h"
#include "driftwatch/urlredact.h"

struct urlredact {
	char	*part[URLREDACT_MAX_PARTS];
	size_t	 len[URLREDACT_MAX_PARTS];
	size_t	 n;
};

static int
urlredact_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX decoded, in place; 1 when anything changed. */
static int
urlredact_decode(char *s)
{
	char	*o = s;
	int	 hi, lo, changed = 0;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (hi = urlredact_hex(s[1])) >= 0 &&
		    (lo = urlredact_hex(s[2])) >= 0) {
			*o++ = (char)(hi * 16 + lo);
			s += 2;
			changed = 1;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return changed;
}

static int
urlredact_has(const struct urlredact *r, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (r->len[i] == len && memcmp(r->part[i], s, len) == 0)
			return 1;
	return 0;
}

/* Keeps s[0..len) (and its decoded form) when long enough. */
static int
urlredact_add(struct urlredact *r, const char *s, size_t len)
{
	char	*p;
	size_t	 plen;

	if (len < URLREDACT_MIN || urlredact_has(r, s, len))
		return 0;
	if (r->n >= URLREDACT_MAX_PARTS)
		return 0;	/* the whole URL and path are first */
	if ((p = strndup(s, len)) == NULL)
		return -1;
	r->part[r->n] = p;
	r->len[r->n++] = len;
	if ((p = strndup(s, len)) == NULL)
		return -1;
	plen = urlredact_decode(p) ? strlen(p) : 0;
	if (plen >= URLREDACT_MIN && !urlredact_has(r, p, plen) &&
	    r->n < URLREDACT_MAX_PARTS) {
		r->part[r->n] = p;
		r->len[r->n++] = plen;
	} else
		secret_free(p);
	return 0;
}

/* Each piece of s[0..len) between any of seps. */
static int
urlredact_add_pieces(struct urlredact *r, const char *s, size_t len,
    const char *seps)
{
	size_t	i = 0, n;

	while (i < len) {
		for (n = 0; i + n < len && strchr(seps, s[i + n]) == NULL; n++)
			;
		if (urlredact_add(r, s + i, n) != 0)
			return -1;
		i += n + 1;
	}
	return 0;
}

/* The URL, userinfo, path + query, path, query, segments, values. */
static int
urlredact_split(struct urlredact *r, const char *url)
{
	const char	*auth, *path, *at, *q;
	size_t		 len = strlen(url);

	if (urlredact_add(r, url, len) != 0)
		return -1;
	auth = (auth = strstr(url, "://")) != NULL ? auth + 3 : url;
	path = auth + strcspn(auth, "/?#");
	if ((at = memchr(auth, '@', (size_t)(path - auth))) != NULL &&
	    urlredact_add_pieces(r, auth, (size_t)(at - auth), ":") != 0)
		return -1;
	if (urlredact_add(r, path, strlen(path)) != 0 ||
	    urlredact_add(r, path, strcspn(path, "?#")) != 0)
		return -1;
	if ((q = strpbrk(path, "?#")) != NULL &&
	    urlredact_add(r, q + 1, strlen(q + 1)) != 0)
		return -1;
	return urlredact_add_pieces(r, path, strlen(path), "/?#&=;");
}

static int
urlredact_cmp(const void *a, const void *b)
{
	size_t	la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

struct urlredact *
urlredact_new(const char *url)
{
	struct urlredact	*r;
	size_t			 i;

	if (url == NULL || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (urlredact_split(r, url) != 0) {
		urlredact_free(r);
		return NULL;
	}
	qsort(r->part, r->n, sizeof(r->part[0]), urlredact_cmp);
	for (i = 0; i < r->n; i++)
		r->len[i] = strlen(r->part[i]);
	return r;
}

void
urlredact_free(struct urlredact *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		secret_free(r->part[i]);
	free(r);
}

/* The length of the part that starts in[0..len), or 0. */
static size_t
urlredact_match(const struct urlredact *r, const char *in, size_t len)
{
	size_t	i;

	for (i = 0; r != NULL && i < r->n; i++)
		if (r->len[i] <= len &&
		    strncasecmp(in, r->part[i], r->len[i]) == 0)
			return r->len[i];
	return 0;
}

size_t
urlredact_copy(const struct urlredact *r, const char *in, size_t len,
    char *out, size_t outlen)
{
	static const char	 mark[] = URLREDACT_MARK;
	size_t			 i = 0, o = 0, m, k;

	if (outlen == 0)
		return 0;
	while (i < len && o + 1 < outlen) {
		if ((m = urlredact_match(r, in + i, len - i)) == 0) {
			out[o++] = in[i++];
			continue;
		}
		for (k = 0; k < sizeof(mark) - 1 && o + 1 < outlen; k++)
			out[o++] = mark[k];
		i += m;
	}
	out[o] = '\0';
	return o;
}
