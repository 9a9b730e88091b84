/*
 * Signs every case of the published SigV4 test suite (aws-c-auth's v4
 * vectors) in header mode and compares the canonical request, the
 * string to sign, the signature and the Authorization header with the
 * expected files.  The vectors are data we do not ship: when they are
 * absent the whole file is skipped, saying where it looked.
 *
 * usage: test_sigv4_vectors [vectors-dir]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* asprintf, timegm, reallocarray */
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "driftwatch/error.h"
#include "driftwatch/sigv4.h"
#include "tap.h"

#define VEC_SUBDIR	"shared/aws-sigv4-test-suite"

struct vec_header {
	char	*name;		/* points into raw */
	char	*value;		/* owned: continuation lines fold into it */
};

struct vec_case {
	const char		*name;
	char			*dir;
	json_object		*context;
	char			*raw;		/* request.txt, cut up in place */
	char			*method;
	char			*path;
	char			*query;
	struct vec_header	*hdrs;
	size_t			 nhdrs;
	const unsigned char	*body;
	size_t			 body_len;
	struct sigv4_creds	 creds;
	struct sigv4_params	 params;
};

static int
is_dir(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
is_file(const char *dir, const char *name)
{
	struct stat	 sb;
	char		*path;
	int		 r;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		return 0;
	r = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	free(path);
	return r;
}

/* Tries the candidate; keeps it if it is a directory, else notes it. */
static char *
vec_try(char *cand, char **tried)
{
	char	*t;

	if (cand == NULL)
		return NULL;
	if (is_dir(cand))
		return cand;
	if (asprintf(&t, "%s%s%s", *tried ? *tried : "", *tried ? ", " : "",
	    cand) != -1) {
		free(*tried);
		*tried = t;
	}
	free(cand);
	return NULL;
}

static char *
vec_cand(const char *base, const char *rel)
{
	char	*p;

	if (base == NULL || *base == '\0')
		return NULL;
	if (asprintf(&p, "%s%s", base, rel) == -1)
		return NULL;
	return p;
}

/* argv[1], $DW_SIGV4_VECTORS, $srcdir/../(../)shared/..., ../shared/... */
static char *
vec_find_dir(int argc, char **argv, char **tried)
{
	const char	*srcdir = getenv("srcdir");
	char		*d;

	if (argc > 1)
		return vec_try(strdup(argv[1]), tried);
	if ((d = vec_try(vec_cand(getenv("DW_SIGV4_VECTORS"), ""), tried)))
		return d;
	if ((d = vec_try(vec_cand(srcdir, "/../" VEC_SUBDIR), tried)))
		return d;
	if ((d = vec_try(vec_cand(srcdir, "/../../" VEC_SUBDIR), tried)))
		return d;
	return vec_try(strdup("../" VEC_SUBDIR), tried);
}

static char *
read_file(const char *dir, const char *name, size_t *lenp)
{
	FILE	*f = NULL;
	char	*path = NULL, *buf = NULL;
	long	 len;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		return NULL;
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((buf = malloc((size_t)len + 1)) == NULL)
		goto out;
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)len;
out:
	if (f != NULL)
		fclose(f);
	free(path);
	return buf;
}

/* An expected file, without the line end some editors add. */
static char *
read_expected(const char *dir, const char *name)
{
	char	*s;
	size_t	 len;

	if ((s = read_file(dir, name, &len)) == NULL)
		return NULL;
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static const char *
ctx_str(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
ctx_bool(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_boolean(v);
}

static int
parse_timestamp(const char *s, time_t *out)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

static int
parse_context(struct vec_case *vc)
{
	json_object	*creds;
	char		*path;

	if (asprintf(&path, "%s/context.json", vc->dir) == -1)
		return -1;
	vc->context = json_object_from_file(path);
	free(path);
	if (vc->context == NULL ||
	    !json_object_object_get_ex(vc->context, "credentials", &creds))
		return -1;
	vc->creds.access_key_id = ctx_str(creds, "access_key_id");
	vc->creds.secret_access_key = ctx_str(creds, "secret_access_key");
	vc->creds.session_token = ctx_str(creds, "token");
	vc->params.region = ctx_str(vc->context, "region");
	vc->params.service = ctx_str(vc->context, "service");
	vc->params.normalize_path = ctx_bool(vc->context, "normalize");
	vc->params.sign_body = ctx_bool(vc->context, "sign_body");
	vc->params.omit_session_token = ctx_bool(vc->context,
	    "omit_session_token");
	return parse_timestamp(ctx_str(vc->context, "timestamp"),
	    &vc->params.when);
}

/* Cuts the next line out of *pp (in place); NULL at the end. */
static char *
next_line(char **pp, char *end)
{
	char	*line = *pp, *nl;

	if (line >= end)
		return NULL;
	if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
		nl = end;
	*nl = '\0';
	*pp = nl < end ? nl + 1 : end;
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	return line;
}

/* "METHOD target HTTP/1.1"; the target may itself hold spaces. */
static int
parse_request_line(struct vec_case *vc, char *line)
{
	char	*sp1, *sp2, *q;

	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strrchr(line, ' ')) == sp1)
		return -1;
	*sp1 = *sp2 = '\0';
	vc->method = line;
	vc->path = sp1 + 1;
	if ((q = strchr(vc->path, '?')) != NULL) {
		*q = '\0';
		vc->query = q + 1;
	}
	return 0;
}

/* A continuation line is folded into the value before it. */
static int
add_continuation(struct vec_case *vc, const char *line)
{
	struct vec_header	*h;
	char			*v;

	if (vc->nhdrs == 0)
		return -1;
	h = &vc->hdrs[vc->nhdrs - 1];
	if (asprintf(&v, "%s %s", h->value, line) == -1)
		return -1;
	free(h->value);
	h->value = v;
	return 0;
}

static int
add_header(struct vec_case *vc, char *line)
{
	struct vec_header	*h;
	char			*colon;

	if (line[0] == ' ' || line[0] == '\t')
		return add_continuation(vc, line);
	if ((colon = strchr(line, ':')) == NULL)
		return -1;
	*colon = '\0';
	h = reallocarray(vc->hdrs, vc->nhdrs + 1, sizeof(*vc->hdrs));
	if (h == NULL)
		return -1;
	vc->hdrs = h;
	h[vc->nhdrs].name = line;
	if ((h[vc->nhdrs].value = strdup(colon + 1)) == NULL)
		return -1;
	vc->nhdrs++;
	return 0;
}

static int
parse_request(struct vec_case *vc)
{
	char	*p, *end, *line;
	size_t	 len;

	if ((vc->raw = read_file(vc->dir, "request.txt", &len)) == NULL)
		return -1;
	p = vc->raw;
	end = p + len;
	if ((line = next_line(&p, end)) == NULL ||
	    parse_request_line(vc, line) != 0)
		return -1;
	while ((line = next_line(&p, end)) != NULL && *line != '\0') {
		if (add_header(vc, line) != 0)
			return -1;
	}
	vc->body = (const unsigned char *)p;
	vc->body_len = (size_t)(end - p);
	return 0;
}

static void
vec_case_free(struct vec_case *vc)
{
	size_t	i;

	for (i = 0; i < vc->nhdrs; i++)
		free(vc->hdrs[i].value);
	free(vc->hdrs);
	free(vc->raw);
	free(vc->dir);
	if (vc->context != NULL)
		json_object_put(vc->context);
}

/* The Authorization value from the expected signed request. */
static char *
expected_authorization(const char *dir)
{
	char	*text, *p, *end, *line, *auth = NULL;
	size_t	 len;

	if ((text = read_file(dir, "header-signed-request.txt", &len)) == NULL)
		return NULL;
	p = text;
	end = text + len;
	while ((line = next_line(&p, end)) != NULL) {
		if (strncmp(line, "Authorization:", 14) == 0) {
			auth = strdup(line + 14);
			break;
		}
	}
	free(text);
	return auth;
}

static void
check_case(const char *name, const char *dir, const struct sigv4_result *res)
{
	char	*creq, *sts, *sig, *auth;

	creq = read_expected(dir, "header-canonical-request.txt");
	sts = read_expected(dir, "header-string-to-sign.txt");
	sig = read_expected(dir, "header-signature.txt");
	auth = expected_authorization(dir);
	IS_STR(res->canonical_request, creq, "%s: canonical request", name);
	IS_STR(res->string_to_sign, sts, "%s: string to sign", name);
	IS_STR(res->signature[0] ? res->signature : NULL, sig,
	    "%s: signature", name);
	IS_STR(res->authorization, auth, "%s: Authorization header", name);
	free(creq);
	free(sts);
	free(sig);
	free(auth);
}

/* The signer's view of the parsed headers; NULL only if out of memory. */
static struct sigv4_header *
vec_sign_headers(const struct vec_case *vc)
{
	struct sigv4_header	*h;
	size_t			 i;

	if ((h = calloc(vc->nhdrs + 1, sizeof(*h))) == NULL)
		return NULL;
	for (i = 0; i < vc->nhdrs; i++) {
		h[i].name = vc->hdrs[i].name;
		h[i].value = vc->hdrs[i].value;
	}
	return h;
}

static void
run_case(const char *top, const char *name)
{
	struct vec_case		 vc = { 0 };
	struct sigv4_request	 req = { 0 };
	struct sigv4_result	 res = { 0 };
	struct sigv4_header	*hdrs = NULL;
	int			 rc;

	vc.name = name;
	if (asprintf(&vc.dir, "%s/%s", top, name) == -1) {
		vc.dir = NULL;
		goto out;
	}
	if (parse_context(&vc) != 0 || parse_request(&vc) != 0 ||
	    (hdrs = vec_sign_headers(&vc)) == NULL) {
		diag("%s: cannot read the case", name);
		goto out;
	}
	req.method = vc.method;
	req.path = vc.path;
	req.query = vc.query;
	req.headers = hdrs;
	req.nheaders = vc.nhdrs;
	req.body = vc.body_len ? vc.body : NULL;
	req.body_len = vc.body_len;
	if ((rc = sigv4_sign(&req, &vc.creds, &vc.params, &res)) != 0)
		diag("%s: sigv4_sign: %d", name, rc);
out:
	check_case(name, vc.dir ? vc.dir : top, &res);
	sigv4_result_free(&res);
	free(hdrs);
	vec_case_free(&vc);
}

static int
case_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* A case is a folder holding context.json. */
static int
is_case(const char *top, const char *name)
{
	char	*dir;
	int	 r;

	if (asprintf(&dir, "%s/%s", top, name) == -1)
		return 0;
	r = is_dir(dir) && is_file(dir, "context.json");
	free(dir);
	return r;
}

int
main(int argc, char **argv)
{
	struct dirent	**names = NULL;
	char		 *top, *tried = NULL, *why;
	int		  i, n, ncases = 0;

	if ((top = vec_find_dir(argc, argv, &tried)) == NULL) {
		if (asprintf(&why, "SigV4 test vectors not found at %s; "
		    "skipping", tried ? tried : "(nowhere)") == -1)
			why = "SigV4 test vectors not found; skipping";
		skip_all(why);
	}
	free(tried);
	if ((n = scandir(top, &names, case_filter, alphasort)) < 0)
		n = 0;
	for (i = 0; i < n; i++) {
		if (is_case(top, names[i]->d_name)) {
			run_case(top, names[i]->d_name);
			ncases++;
		}
		free(names[i]);
	}
	free(names);
	ok(ncases > 0, "found %d cases in %s", ncases, top);
	free(top);
	return done_testing();
}
