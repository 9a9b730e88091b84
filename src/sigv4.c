/*
 * AWS Signature Version 4 for requests signed in the Authorization
 * header.  The signer is a ladder of small steps over one state: date,
 * payload hash, headers, canonical request, string to sign, signature,
 * Authorization value.  Every string grows as needed; the signing keys
 * are wiped as soon as they have been used.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L		/* gmtime_r */
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "driftwatch/error.h"
#include "driftwatch/sigv4.h"

#define SIGV4_ALGORITHM		"AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR	"aws4_request"
#define SIGV4_KEY_LEN		32

/* A growing string; a failed allocation sticks until the end. */
struct sigv4_buf {
	char	*data;
	size_t	 len;
	size_t	 size;
	int	 failed;
};

struct sigv4_span {
	const char	*p;
	size_t		 n;
};

struct sigv4_param {
	char	*key;		/* both encoded */
	char	*value;
};

struct sigv4_hdr {
	char		*name;		/* lowercased copy */
	const char	*value;		/* borrowed, raw */
	size_t		 order;		/* keeps repeats in the order given */
};

struct sigv4_state {
	const struct sigv4_request	*req;
	const struct sigv4_creds	*creds;
	const struct sigv4_params	*params;
	int				 sign_token;
	struct sigv4_hdr		*hdrs;
	size_t				 nhdrs;
	struct sigv4_buf		 signed_headers;
	struct sigv4_buf		 scope;
};

/* Headers HTTP stacks add or rewrite; botocore and aws-c-auth skip them. */
static const char *const sigv4_skipped[] = {
	"user-agent", "expect", "x-amzn-trace-id", NULL
};

/* Headers only the signer may set. */
static const char *const sigv4_reserved[] = {
	"authorization", "x-amz-date", "x-amz-security-token",
	"x-amz-content-sha256", NULL
};

static int
sigv4_buf_reserve(struct sigv4_buf *b, size_t extra)
{
	size_t	 size;
	char	*p;

	if (b->failed)
		return -1;
	if (b->len + extra + 1 <= b->size)
		return 0;
	if (extra > SIZE_MAX / 2 - b->len - 1)
		goto fail;
	size = b->size ? b->size : 128;
	while (size < b->len + extra + 1)
		size *= 2;
	if ((p = malloc(size)) == NULL)
		goto fail;
	/* The old copy may hold the session token: wipe it, not just free it. */
	p[0] = '\0';
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		OPENSSL_cleanse(b->data, b->size);
		free(b->data);
	}
	b->data = p;
	b->size = size;
	return 0;
fail:
	b->failed = 1;
	return -1;
}

static void
sigv4_buf_add(struct sigv4_buf *b, const char *p, size_t n)
{
	if (sigv4_buf_reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
sigv4_buf_adds(struct sigv4_buf *b, const char *s)
{
	sigv4_buf_add(b, s, strlen(s));
}

static void
sigv4_buf_addc(struct sigv4_buf *b, char c)
{
	sigv4_buf_add(b, &c, 1);
}

static void
sigv4_buf_free(struct sigv4_buf *b)
{
	if (b->data != NULL) {
		OPENSSL_cleanse(b->data, b->size);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

/* Hands the string to the caller; NULL if any append failed. */
static char *
sigv4_buf_steal(struct sigv4_buf *b)
{
	char	*s;

	if (sigv4_buf_reserve(b, 0) != 0) {
		sigv4_buf_free(b);
		return NULL;
	}
	s = b->data;
	memset(b, 0, sizeof(*b));
	return s;
}

static int
sigv4_is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* Percent-encodes everything but the unreserved set (and '/' if asked). */
static void
sigv4_buf_addenc(struct sigv4_buf *b, const char *p, size_t n, int keep_slash)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (sigv4_is_unreserved(c) || (keep_slash && c == '/')) {
			sigv4_buf_addc(b, (char)c);
			continue;
		}
		sigv4_buf_addc(b, '%');
		sigv4_buf_addc(b, hex[c >> 4]);
		sigv4_buf_addc(b, hex[c & 0xf]);
	}
}

static void
sigv4_hex(const unsigned char *in, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int
sigv4_sha256(const void *buf, size_t len, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;

	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != SIGV4_KEY_LEN) {
		out[0] = '\0';
		return DW_ENOMEM;	/* OpenSSL fails here only without memory */
	}
	sigv4_hex(md, mdlen, out);
	return 0;
}

void
sigv4_sha256_hex(const void *buf, size_t len, char out[65])
{
	(void)sigv4_sha256(buf, len, out);
}

static int
sigv4_hmac(const unsigned char *key, size_t keylen, const char *msg,
    unsigned char out[SIGV4_KEY_LEN])
{
	unsigned int	outlen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), out, &outlen) == NULL || outlen != SIGV4_KEY_LEN)
		return DW_ENOMEM;
	return 0;
}

/* A token for the scope or a header name: printable, no '/', ':' or space. */
static int
sigv4_is_token(const char *s, const char *forbid)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr(forbid, *s) != NULL)
			return 0;
	}
	return 1;
}

static int
sigv4_check_args(const struct sigv4_request *req,
    const struct sigv4_creds *creds, const struct sigv4_params *params)
{
	if (req == NULL || creds == NULL || params == NULL)
		return DW_EINVAL;
	if (!sigv4_is_token(req->method, "") || req->path == NULL ||
	    (req->body == NULL && req->body_len != 0) ||
	    (req->headers == NULL && req->nheaders != 0))
		return DW_EINVAL;
	if (!sigv4_is_token(creds->access_key_id, "/,") ||
	    creds->secret_access_key == NULL)
		return DW_EINVAL;
	if (!sigv4_is_token(params->region, "/") ||
	    !sigv4_is_token(params->service, "/"))
		return DW_EINVAL;
	return 0;
}

static int
sigv4_format_date(time_t when, char out[17])
{
	struct tm	tm;

	if (gmtime_r(&when, &tm) == NULL)
		return DW_EINVAL;
	if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		return DW_EINVAL;
	return 0;
}

static int
sigv4_in_list(const char *name, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(name, *list) == 0)
			return 1;
	}
	return 0;
}

static int
sigv4_hdr_push(struct sigv4_state *st, const char *name, const char *value)
{
	struct sigv4_hdr	*h = &st->hdrs[st->nhdrs];
	char			*p;

	if ((h->name = strdup(name)) == NULL)
		return DW_ENOMEM;
	for (p = h->name; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	h->value = value;
	h->order = st->nhdrs++;
	return 0;
}

/* Adds one caller header, unless it is one the signer skips. */
static int
sigv4_hdr_add_user(struct sigv4_state *st, const struct sigv4_header *uh,
    int *have_host)
{
	struct sigv4_hdr	*h;
	int			 rc;

	if (!sigv4_is_token(uh->name, ":") || uh->value == NULL ||
	    strpbrk(uh->value, "\r\n") != NULL)
		return DW_EINVAL;
	if ((rc = sigv4_hdr_push(st, uh->name, uh->value)) != 0)
		return rc;
	h = &st->hdrs[st->nhdrs - 1];
	if (sigv4_in_list(h->name, sigv4_reserved))
		return DW_EINVAL;
	if (strcmp(h->name, "host") == 0)
		*have_host = 1;
	if (sigv4_in_list(h->name, sigv4_skipped)) {
		free(h->name);
		h->name = NULL;
		st->nhdrs--;
	}
	return 0;
}

static int
sigv4_hdr_add_signer(struct sigv4_state *st, struct sigv4_result *res)
{
	int	rc;

	if ((rc = sigv4_hdr_push(st, "x-amz-date", res->amz_date)) != 0)
		return rc;
	if (st->sign_token && (rc = sigv4_hdr_push(st, "x-amz-security-token",
	    st->creds->session_token)) != 0)
		return rc;
	if (st->params->sign_body && (rc = sigv4_hdr_push(st,
	    "x-amz-content-sha256", res->payload_hash)) != 0)
		return rc;
	return 0;
}

static int
sigv4_hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr	*ha = a, *hb = b;
	int			 c;

	if ((c = strcmp(ha->name, hb->name)) != 0)
		return c;
	return ha->order < hb->order ? -1 : ha->order > hb->order;
}

static int
sigv4_headers_collect(struct sigv4_state *st, struct sigv4_result *res)
{
	const struct sigv4_request	*req = st->req;
	size_t				 i;
	int				 rc, have_host = 0;

	if (req->nheaders > SIZE_MAX / sizeof(*st->hdrs) - 3)
		return DW_EINVAL;
	if ((st->hdrs = calloc(req->nheaders + 3, sizeof(*st->hdrs))) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < req->nheaders; i++) {
		if ((rc = sigv4_hdr_add_user(st, &req->headers[i],
		    &have_host)) != 0)
			return rc;
	}
	if (!have_host)
		return DW_EINVAL;
	if ((rc = sigv4_hdr_add_signer(st, res)) != 0)
		return rc;
	qsort(st->hdrs, st->nhdrs, sizeof(*st->hdrs), sigv4_hdr_cmp);
	return 0;
}

static int
sigv4_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims the value and folds each inner run of blanks to one space. */
static void
sigv4_buf_addtrim(struct sigv4_buf *b, const char *v)
{
	int	blank = 0;

	while (sigv4_is_blank(*v))
		v++;
	for (; *v != '\0'; v++) {
		if (sigv4_is_blank(*v)) {
			blank = 1;
			continue;
		}
		if (blank)
			sigv4_buf_addc(b, ' ');
		sigv4_buf_addc(b, *v);
		blank = 0;
	}
}

/* The header lines and, on the side, the signed header list. */
static void
sigv4_canon_headers(struct sigv4_state *st, struct sigv4_buf *b)
{
	const struct sigv4_hdr	*h, *prev = NULL;
	size_t			 i;

	for (i = 0; i < st->nhdrs; prev = h, i++) {
		h = &st->hdrs[i];
		if (prev != NULL && strcmp(prev->name, h->name) == 0) {
			sigv4_buf_addc(b, ',');
			sigv4_buf_addtrim(b, h->value);
			continue;
		}
		if (prev != NULL) {
			sigv4_buf_addc(b, '\n');
			sigv4_buf_addc(&st->signed_headers, ';');
		}
		sigv4_buf_adds(&st->signed_headers, h->name);
		sigv4_buf_adds(b, h->name);
		sigv4_buf_addc(b, ':');
		sigv4_buf_addtrim(b, h->value);
	}
	sigv4_buf_addc(b, '\n');
}

/* Splits the path and resolves "." and ".." and empty segments. */
static int
sigv4_path_segments(const char *path, struct sigv4_span **out, size_t *nout)
{
	struct sigv4_span	*segs;
	const char		*p, *end;
	size_t			 n = 0, max = 1;

	for (p = path; *p != '\0'; p++)
		max += *p == '/';
	if ((segs = calloc(max, sizeof(*segs))) == NULL)
		return DW_ENOMEM;
	for (p = path; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		if ((end = strchr(p, '/')) == NULL)
			end = p + strlen(p);
		if (end - p == 0 || (end - p == 1 && p[0] == '.'))
			continue;
		if (end - p == 2 && p[0] == '.' && p[1] == '.') {
			n -= n > 0;
			continue;
		}
		segs[n].p = p;
		segs[n++].n = (size_t)(end - p);
	}
	*out = segs;
	*nout = n;
	return 0;
}

static int
sigv4_canon_path_normalized(struct sigv4_buf *b, const char *path)
{
	struct sigv4_span	*segs;
	size_t			 i, n, len = strlen(path);
	int			 rc;

	if ((rc = sigv4_path_segments(path, &segs, &n)) != 0)
		return rc;
	sigv4_buf_addc(b, '/');
	for (i = 0; i < n; i++) {
		sigv4_buf_addenc(b, segs[i].p, segs[i].n, 0);
		if (i + 1 < n || path[len - 1] == '/')
			sigv4_buf_addc(b, '/');
	}
	free(segs);
	return 0;
}

/*
 * The path as sent is already encoded; it is encoded once more, as every
 * service but S3 expects.
 */
static int
sigv4_canon_path(struct sigv4_state *st, struct sigv4_buf *b)
{
	const char	*path = st->req->path;

	if (*path == '\0')
		path = "/";
	if (st->params->normalize_path)
		return sigv4_canon_path_normalized(b, path);
	sigv4_buf_addenc(b, path, strlen(path), 1);
	return 0;
}

static int
sigv4_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX (a '%' not followed by two hex digits stays as is). */
static size_t
sigv4_pct_decode(const char *p, size_t n, char *out)
{
	size_t	i, len = 0;
	int	hi, lo;

	for (i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n &&
		    (hi = sigv4_hexval(p[i + 1])) >= 0 &&
		    (lo = sigv4_hexval(p[i + 2])) >= 0) {
			out[len++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[len++] = p[i];
	}
	return len;
}

/* One key or value: decoded, then encoded with the strict rules. */
static char *
sigv4_query_part(const char *p, size_t n)
{
	struct sigv4_buf	 b = { 0 };
	char			*raw;
	size_t			 len;

	if ((raw = malloc(n + 1)) == NULL)
		return NULL;
	len = sigv4_pct_decode(p, n, raw);
	sigv4_buf_addenc(&b, raw, len, 0);
	free(raw);
	return sigv4_buf_steal(&b);
}

static int
sigv4_param_set(struct sigv4_param *prm, const char *p, size_t n)
{
	const char	*eq;

	if ((eq = memchr(p, '=', n)) == NULL)
		eq = p + n;
	prm->key = sigv4_query_part(p, (size_t)(eq - p));
	if (eq < p + n)
		prm->value = sigv4_query_part(eq + 1, (size_t)(p + n - eq - 1));
	else
		prm->value = sigv4_query_part("", 0);
	if (prm->key == NULL || prm->value == NULL)
		return DW_ENOMEM;
	return 0;
}

static int
sigv4_param_cmp(const void *a, const void *b)
{
	const struct sigv4_param	*pa = a, *pb = b;
	int				 c;

	if ((c = strcmp(pa->key, pb->key)) != 0)
		return c;
	return strcmp(pa->value, pb->value);
}

static void
sigv4_params_free(struct sigv4_param *prms, size_t n)
{
	size_t	i;

	if (prms == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(prms[i].key);
		free(prms[i].value);
	}
	free(prms);
}

/* Splits on '&'; empty pieces carry no parameter and are dropped. */
static int
sigv4_query_params(const char *q, struct sigv4_param **out, size_t *nout)
{
	struct sigv4_param	*prms;
	const char		*p, *end;
	size_t			 n = 0, max = 1;
	int			 rc = 0;

	for (p = q; *p != '\0'; p++)
		max += *p == '&';
	if ((prms = calloc(max, sizeof(*prms))) == NULL)
		return DW_ENOMEM;
	for (p = q; *p != '\0' && rc == 0; p = *end == '\0' ? end : end + 1) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		if (end > p)
			rc = sigv4_param_set(&prms[n++], p, (size_t)(end - p));
	}
	*out = prms;
	*nout = n;
	return rc;
}

static int
sigv4_canon_query(struct sigv4_state *st, struct sigv4_buf *b)
{
	struct sigv4_param	*prms = NULL;
	size_t			 i, n = 0;
	int			 rc;

	if (st->req->query == NULL)
		return 0;
	if ((rc = sigv4_query_params(st->req->query, &prms, &n)) != 0)
		goto out;
	qsort(prms, n, sizeof(*prms), sigv4_param_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sigv4_buf_addc(b, '&');
		sigv4_buf_adds(b, prms[i].key);
		sigv4_buf_addc(b, '=');
		sigv4_buf_adds(b, prms[i].value);
	}
out:
	sigv4_params_free(prms, n);
	return rc;
}

static int
sigv4_canonical_request(struct sigv4_state *st, struct sigv4_result *res)
{
	struct sigv4_buf	b = { 0 };
	int			rc;

	sigv4_buf_adds(&b, st->req->method);
	sigv4_buf_addc(&b, '\n');
	if ((rc = sigv4_canon_path(st, &b)) != 0)
		goto out;
	sigv4_buf_addc(&b, '\n');
	if ((rc = sigv4_canon_query(st, &b)) != 0)
		goto out;
	sigv4_buf_addc(&b, '\n');
	sigv4_canon_headers(st, &b);
	sigv4_buf_addc(&b, '\n');
	sigv4_buf_adds(&b, st->signed_headers.data ? st->signed_headers.data : "");
	sigv4_buf_addc(&b, '\n');
	sigv4_buf_adds(&b, res->payload_hash);
	if (st->signed_headers.failed ||
	    (res->canonical_request = sigv4_buf_steal(&b)) == NULL)
		rc = DW_ENOMEM;
out:
	sigv4_buf_free(&b);
	return rc;
}

static int
sigv4_string_to_sign(struct sigv4_state *st, struct sigv4_result *res)
{
	struct sigv4_buf	b = { 0 };
	char			hash[65];
	int			rc;

	sigv4_buf_add(&st->scope, res->amz_date, 8);
	sigv4_buf_addc(&st->scope, '/');
	sigv4_buf_adds(&st->scope, st->params->region);
	sigv4_buf_addc(&st->scope, '/');
	sigv4_buf_adds(&st->scope, st->params->service);
	sigv4_buf_adds(&st->scope, "/" SIGV4_TERMINATOR);
	if (st->scope.failed)
		return DW_ENOMEM;
	if ((rc = sigv4_sha256(res->canonical_request,
	    strlen(res->canonical_request), hash)) != 0)
		return rc;
	sigv4_buf_adds(&b, SIGV4_ALGORITHM "\n");
	sigv4_buf_adds(&b, res->amz_date);
	sigv4_buf_addc(&b, '\n');
	sigv4_buf_adds(&b, st->scope.data);
	sigv4_buf_addc(&b, '\n');
	sigv4_buf_adds(&b, hash);
	if ((res->string_to_sign = sigv4_buf_steal(&b)) == NULL)
		return DW_ENOMEM;
	return 0;
}

/* kDate = HMAC("AWS4" secret, date); each later key HMACs the one before. */
static int
sigv4_signing_key(struct sigv4_state *st, const char *date,
    unsigned char key[SIGV4_KEY_LEN])
{
	struct sigv4_buf	secret = { 0 };
	unsigned char		k1[SIGV4_KEY_LEN], k2[SIGV4_KEY_LEN];
	int			rc = DW_ENOMEM;

	sigv4_buf_adds(&secret, "AWS4");
	sigv4_buf_adds(&secret, st->creds->secret_access_key);
	if (secret.failed)
		goto out;
	if (sigv4_hmac((unsigned char *)secret.data, secret.len, date, k1) ||
	    sigv4_hmac(k1, sizeof(k1), st->params->region, k2) ||
	    sigv4_hmac(k2, sizeof(k2), st->params->service, k1) ||
	    sigv4_hmac(k1, sizeof(k1), SIGV4_TERMINATOR, key))
		goto out;
	rc = 0;
out:
	sigv4_buf_free(&secret);
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	return rc;
}

static int
sigv4_signature(struct sigv4_state *st, struct sigv4_result *res)
{
	unsigned char	key[SIGV4_KEY_LEN], mac[SIGV4_KEY_LEN];
	char		date[9];
	int		rc;

	memcpy(date, res->amz_date, 8);
	date[8] = '\0';
	if ((rc = sigv4_signing_key(st, date, key)) != 0)
		goto out;
	if ((rc = sigv4_hmac(key, sizeof(key), res->string_to_sign, mac)) != 0)
		goto out;
	sigv4_hex(mac, sizeof(mac), res->signature);
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

static int
sigv4_authorization(struct sigv4_state *st, struct sigv4_result *res)
{
	struct sigv4_buf	b = { 0 };

	sigv4_buf_adds(&b, SIGV4_ALGORITHM " Credential=");
	sigv4_buf_adds(&b, st->creds->access_key_id);
	sigv4_buf_addc(&b, '/');
	sigv4_buf_adds(&b, st->scope.data);
	sigv4_buf_adds(&b, ", SignedHeaders=");
	sigv4_buf_adds(&b, st->signed_headers.data);
	sigv4_buf_adds(&b, ", Signature=");
	sigv4_buf_adds(&b, res->signature);
	if ((res->authorization = sigv4_buf_steal(&b)) == NULL)
		return DW_ENOMEM;
	return 0;
}

static void
sigv4_add(struct sigv4_result *res, const char *name, const char *value)
{
	res->added[res->nadded].name = name;
	res->added[res->nadded++].value = value;
}

static void
sigv4_added(struct sigv4_state *st, struct sigv4_result *res)
{
	const char	*token = st->creds->session_token;

	sigv4_add(res, "X-Amz-Date", res->amz_date);
	if (token != NULL && *token != '\0')
		sigv4_add(res, "X-Amz-Security-Token", token);
	if (st->params->sign_body)
		sigv4_add(res, "X-Amz-Content-Sha256", res->payload_hash);
	sigv4_add(res, "Authorization", res->authorization);
}

static void
sigv4_state_free(struct sigv4_state *st)
{
	size_t	i;

	for (i = 0; i < st->nhdrs; i++)
		free(st->hdrs[i].name);
	free(st->hdrs);
	sigv4_buf_free(&st->signed_headers);
	sigv4_buf_free(&st->scope);
}

int
sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
    const struct sigv4_params *params, struct sigv4_result *res)
{
	struct sigv4_state	st = { 0 };
	int			rc;

	if (res == NULL)
		return DW_EINVAL;
	memset(res, 0, sizeof(*res));
	if ((rc = sigv4_check_args(req, creds, params)) != 0)
		return rc;
	st.req = req;
	st.creds = creds;
	st.params = params;
	st.sign_token = creds->session_token != NULL &&
	    *creds->session_token != '\0' && !params->omit_session_token;
	if ((rc = sigv4_format_date(params->when, res->amz_date)) != 0 ||
	    (rc = sigv4_sha256(req->body ? (const void *)req->body : "",
	    req->body_len, res->payload_hash)) != 0 ||
	    (rc = sigv4_headers_collect(&st, res)) != 0 ||
	    (rc = sigv4_canonical_request(&st, res)) != 0 ||
	    (rc = sigv4_string_to_sign(&st, res)) != 0 ||
	    (rc = sigv4_signature(&st, res)) != 0 ||
	    (rc = sigv4_authorization(&st, res)) != 0)
		goto out;
	sigv4_added(&st, res);
out:
	sigv4_state_free(&st);
	if (rc != 0)
		sigv4_result_free(res);
	return rc;
}

void
sigv4_result_free(struct sigv4_result *res)
{
	if (res == NULL)
		return;
	/* The canonical request holds the session token when it is signed. */
	if (res->canonical_request != NULL)
		OPENSSL_cleanse(res->canonical_request,
		    strlen(res->canonical_request));
	free(res->canonical_request);
	free(res->string_to_sign);
	free(res->authorization);
	memset(res, 0, sizeof(*res));
}
