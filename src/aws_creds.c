/*
 * The local AWS credential sources, each read on its own:
 *
 *  - the environment, the most specific: the SDKs and the CLI let it
 *    override everything else;
 *  - systemd's LoadCredential= ($CREDENTIALS_DIRECTORY/aws): a unit
 *    that hands us a credential has said exactly which keys to use,
 *    while a service user's home is shared, stale or absent;
 *  - the shared credentials and config files for the profile, the
 *    SDKs' general default.
 *
 * creds_chain.c puts them in order.  A source that is present but
 * unusable (half an environment pair, a profile needing SSO) is an
 * error rather than a reason to try the next one: silently using other
 * keys would watch the wrong account.
 *
 * A profile with role_arn + source_profile comes back as the static keys
 * at the end of its source_profile chain plus the roles to assume with
 * them, as botocore's AssumeRoleProvider reads it.
 *
 * The files are parsed with inih.  Debian builds it with a 200 byte line
 * buffer, which would cut session tokens short, and that buffer lives on
 * a stack we cannot wipe; so the reader hands inih each "key = value"
 * line with the value replaced by a reference into our own copy of the
 * file, which is wiped after use.  inih still does sections, comments,
 * continuation lines and error lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <openssl/crypto.h>

#include "driftwatch/aws_creds.h"
#include "driftwatch/error.h"
#include "driftwatch/secret.h"

#define CREDS_MAX_FILE		(1024 * 1024)
#define CREDS_REF		'\001'

/*
 * The profile keys we look at: first those that decide the kind of
 * profile, in the SDKs' order of precedence, then a role's settings.
 */
enum creds_key {
	K_ROLE_ARN,
	K_WEB_IDENTITY,
	K_SSO_SESSION,
	K_SSO_START_URL,
	K_SSO_ACCOUNT,
	K_ACCESS_KEY,
	K_SECRET_KEY,
	K_SESSION_TOKEN,
	K_PROCESS,
	K_SOURCE_PROFILE,
	K_CREDENTIAL_SOURCE,
	K_EXTERNAL_ID,
	K_SESSION_NAME,
	K_DURATION,
	K_MFA_SERIAL,
	K_REGION,
	K_STS_REGIONAL,
	K_NKEYS
};

static const char *const creds_keys[K_NKEYS] = {
	"role_arn",
	"web_identity_token_file",
	"sso_session",
	"sso_start_url",
	"sso_account_id",
	"aws_access_key_id",
	"aws_secret_access_key",
	"aws_session_token",
	"credential_process",
	"source_profile",
	"credential_source",
	"external_id",
	"role_session_name",
	"duration_seconds",
	"mfa_serial",
	"region",
	"sts_regional_endpoints",
};

/* A role chain longer than this is a mistake, not a configuration. */
#define CREDS_MAX_ROLES		8

/* One profile as found in one file. */
struct creds_profile {
	const char	*path;
	char		 label[64];	/* the source, if keys come from here */
	int		 config;	/* config file: "[profile NAME]" */
	int		 first_line;	/* 0: the profile is not in the file */
	int		 line[K_NKEYS];
	char		*value[K_NKEYS];	/* wiped: some are secrets */
};

/* inih's view of the file in memory. */
struct creds_parse {
	const char		*buf;
	size_t			 len;
	size_t			 pos;
	int			 lineno;
	const char		*profile;
	struct creds_profile	*prof;
	int			 nomem;
};

struct creds_paths {
	const char	*profile;
	int		 explicit_profile;
	char		*credentials;
	char		*config;
};

static void __attribute__((format(printf, 3, 4)))
creds_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
aws_creds_free(struct aws_creds *c)
{
	if (c == NULL)
		return;
	secret_free(c->access_key_id);
	secret_free(c->secret_access_key);
	secret_free(c->session_token);
	OPENSSL_cleanse(c, sizeof *c);
	free(c);
}

struct aws_creds *
aws_creds_new(const char *akid, const char *secret, const char *token,
    const char *source)
{
	struct aws_creds	*c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->access_key_id = strdup(akid);
	c->secret_access_key = strdup(secret);
	if (token != NULL && *token != '\0')
		c->session_token = strdup(token);
	if (c->access_key_id == NULL || c->secret_access_key == NULL ||
	    (token != NULL && *token != '\0' && c->session_token == NULL)) {
		aws_creds_free(c);
		return NULL;
	}
	snprintf(c->source, sizeof c->source, "%s", source);
	return c;
}

struct aws_creds *
aws_creds_dup(const struct aws_creds *c)
{
	struct aws_creds	*d;

	if (c == NULL || c->access_key_id == NULL ||
	    c->secret_access_key == NULL)
		return NULL;
	d = aws_creds_new(c->access_key_id, c->secret_access_key,
	    c->session_token, c->source);
	if (d != NULL) {
		d->expiration = c->expiration;
		d->obtained = c->obtained;
	}
	return d;
}

/* A fraction of the lifetime, capped: short-lived sets scale down. */
static time_t
creds_lead(const struct aws_creds *c, int divisor, time_t cap)
{
	time_t	life;

	if (c->obtained == 0 || c->obtained >= c->expiration)
		return cap;
	life = (c->expiration - c->obtained) / divisor;
	return life < cap ? life : cap;
}

time_t
aws_creds_usable_until(const struct aws_creds *c)
{
	if (c->expiration == 0)
		return 0;
	return c->expiration - creds_lead(c, 10, AWS_CREDS_EXPIRY_MARGIN) - 1;
}

time_t
aws_creds_refresh_at(const struct aws_creds *c, double jitter)
{
	time_t	lead;

	if (c->expiration == 0)
		return 0;
	if (jitter < 0 || jitter > 1)
		jitter = 0;
	lead = creds_lead(c, 4, AWS_CREDS_REFRESH_AHEAD);
	return c->expiration - lead - (time_t)(jitter * (double)lead / 2);
}

int
aws_creds_valid(const struct aws_creds *c, time_t now)
{
	if (c == NULL || c->access_key_id == NULL ||
	    c->secret_access_key == NULL || *c->access_key_id == '\0' ||
	    *c->secret_access_key == '\0')
		return 0;
	if (c->expiration == 0)
		return 1;
	return now <= aws_creds_usable_until(c);
}

static void
creds_role_clear(struct aws_creds_role *r)
{
	free(r->profile);
	free(r->origin);
	free(r->role_arn);
	secret_free(r->external_id);
	free(r->session_name);
	memset(r, 0, sizeof *r);
}

void
aws_creds_found_free(struct aws_creds_found *f)
{
	size_t	i;

	if (f == NULL)
		return;
	aws_creds_free(f->creds);
	for (i = 0; i < f->nroles; i++)
		creds_role_clear(&f->roles[i]);
	free(f->roles);
	free(f->region);
	free(f->sts_regional_endpoints);
	memset(f, 0, sizeof *f);
}

/* The environment. */

static const char *
creds_getenv(const char *name, const char *alias)
{
	const char	*v;

	if ((v = getenv(name)) != NULL && *v != '\0')
		return v;
	if (alias != NULL && (v = getenv(alias)) != NULL && *v != '\0')
		return v;
	return NULL;
}

int
aws_creds_from_env(const struct aws_creds_options *opts,
    struct aws_creds_found *out, char *err, size_t errlen)
{
	const char	*akid, *secret, *token;

	memset(out, 0, sizeof *out);
	if (opts != NULL && opts->profile != NULL)
		return DW_ENOTFOUND;
	akid = creds_getenv("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY");
	secret = creds_getenv("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY");
	token = creds_getenv("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN");
	if (akid == NULL && secret == NULL && token == NULL)
		return DW_ENOTFOUND;
	if (akid == NULL || secret == NULL) {
		creds_err(err, errlen, "environment: %s is set but %s is not",
		    akid != NULL ? "AWS_ACCESS_KEY_ID" : secret != NULL ?
		    "AWS_SECRET_ACCESS_KEY" : "AWS_SESSION_TOKEN",
		    akid == NULL ? "AWS_ACCESS_KEY_ID" :
		    "AWS_SECRET_ACCESS_KEY");
		return DW_ECREDS;
	}
	if ((out->creds = aws_creds_new(akid, secret, token,
	    "environment")) == NULL)
		return DW_ENOMEM;
	return 0;
}

/* SPEC's second source; a clear "not yet" rather than the wrong keys. */
int
aws_creds_from_web_identity_env(const struct aws_creds_options *opts,
    struct aws_creds_found *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (opts != NULL && opts->profile != NULL)
		return DW_ENOTFOUND;
	if (creds_getenv("AWS_WEB_IDENTITY_TOKEN_FILE", NULL) == NULL)
		return DW_ENOTFOUND;
	creds_err(err, errlen, "environment: AWS_WEB_IDENTITY_TOKEN_FILE is "
	    "set, and web identity credentials are not supported yet");
	return DW_ECREDS;
}

/* Reading a file into memory. */

static int
creds_file_check(const char *path, const char *buf, size_t len, char *err,
    size_t errlen)
{
	const char	*bad;
	int		 line = 1;
	size_t		 i;

	if ((bad = memchr(buf, '\0', len)) == NULL &&
	    (bad = memchr(buf, CREDS_REF, len)) == NULL)
		return 0;
	for (i = 0; buf + i < bad; i++)
		line += buf[i] == '\n';
	creds_err(err, errlen, "%s:%d: unexpected control character", path,
	    line);
	return DW_EPARSE;
}

static int
creds_file_slurp(int fd, const char *path, char **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		creds_err(err, errlen, "%s: not a regular file", path);
		return DW_ECREDS;
	}
	if (st.st_size > CREDS_MAX_FILE) {
		creds_err(err, errlen, "%s: larger than 1 MiB", path);
		return DW_ETOOBIG;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		return DW_ENOMEM;
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int
creds_file_read(const char *path, char **bufp, size_t *lenp, char *err,
    size_t errlen)
{
	int	 fd, r;

	*bufp = NULL;
	/* the SDKs' way to say "no such file" */
	if (strcmp(path, "/dev/null") == 0)
		return DW_ENOTFOUND;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return DW_ENOTFOUND;
		creds_err(err, errlen, "%s: %s", path, strerror(errno));
		return DW_ECREDS;
	}
	r = creds_file_slurp(fd, path, bufp, lenp, err, errlen);
	close(fd);
	if (r == 0 && (r = creds_file_check(path, *bufp, *lenp, err,
	    errlen)) != 0) {
		OPENSSL_cleanse(*bufp, *lenp);
		free(*bufp);
		*bufp = NULL;
	}
	return r;
}

/* Parsing: the reader inih calls instead of fgets. */

static const char *
creds_separator(const char *line, size_t len)
{
	const char	*p = line, *end = line + len;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '[' || *p == ';' || *p == '#')
		return NULL;
	for (; p < end; p++)
		if (*p == '=' || *p == ':')
			return p;
	return NULL;
}

static char *
creds_reader(char *out, int num, void *arg)
{
	struct creds_parse	*p = arg;
	const char		*line, *nl, *sep;
	size_t			 len, max = (size_t)num - 1, keep;

	if (p->pos >= p->len)
		return NULL;
	line = p->buf + p->pos;
	nl = memchr(line, '\n', p->len - p->pos);
	len = nl != NULL ? (size_t)(nl - line) : p->len - p->pos;
	p->pos += len + (nl != NULL);
	p->lineno++;
	sep = creds_separator(line, len);
	keep = sep != NULL ? (size_t)(sep - line) + 1 : len;
	if (keep + 2 + 2 * 16 + 1 > max)
		sep = NULL;
	if (sep == NULL) {
		keep = len < max ? len : max;
		memcpy(out, line, keep);
		out[keep] = '\0';
		return out;
	}
	memcpy(out, line, keep);
	snprintf(out + keep, max + 1 - keep, "%c%zx,%zx", CREDS_REF,
	    (size_t)(sep + 1 - p->buf), len - keep);
	return out;
}

/* The value a reference points at, trimmed, without an inline comment. */
static char *
creds_value(const struct creds_parse *p, const char *value)
{
	const char	*s = value, *e;
	size_t		 off, len, i;
	char		*end;

	if (*value == CREDS_REF) {
		off = strtoul(value + 1, &end, 16);
		len = strtoul(end + 1, NULL, 16);
		if (*end != ',' || off > p->len || len > p->len - off)
			return strdup("");
		s = p->buf + off;
	} else
		len = strlen(value);
	for (i = 1; i < len; i++)
		if ((s[i] == ';' || s[i] == '#') &&
		    (s[i - 1] == ' ' || s[i - 1] == '\t'))
			len = i;
	e = s + len;
	while (s < e && strchr(" \t\r", *s) != NULL)
		s++;
	while (e > s && strchr(" \t\r", e[-1]) != NULL)
		e--;
	return strndup(s, (size_t)(e - s));
}

/* Does an inih section name the profile?  Compares trimmed text. */
static int
creds_section_is(const char *section, const char *profile, int config)
{
	const char	*s = section;
	size_t		 n;

	while (*s == ' ' || *s == '\t')
		s++;
	if (config && strncmp(s, "profile", 7) == 0 &&
	    (s[7] == ' ' || s[7] == '\t')) {
		for (s += 7; *s == ' ' || *s == '\t'; s++)
			;
	} else if (config && strcmp(profile, "default") != 0)
		return 0;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == strlen(profile) && strncmp(s, profile, n) == 0;
}

static int
creds_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct creds_parse	*p = arg;
	struct creds_profile	*prof = p->prof;
	int			 k;

	if (!creds_section_is(section, p->profile, prof->config))
		return 1;
	if (prof->first_line == 0)
		prof->first_line = p->lineno;
	for (k = 0; k < K_NKEYS; k++)
		if (strcasecmp(name, creds_keys[k]) == 0)
			break;
	if (k == K_NKEYS)
		return 1;
	prof->line[k] = p->lineno;
	secret_free(prof->value[k]);
	if ((prof->value[k] = creds_value(p, value)) == NULL)
		p->nomem = 1;
	return 1;
}

static void
creds_profile_clear(struct creds_profile *prof)
{
	int	k;

	for (k = 0; k < K_NKEYS; k++)
		secret_free(prof->value[k]);
}

/* Shortens $HOME to "~" so the source fits its 64 bytes. */
static void
creds_label(struct creds_profile *prof, const char *profile)
{
	const char	*home = getenv("HOME"), *path = prof->path;
	size_t		 n = home != NULL ? strlen(home) : 0;

	if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/')
		snprintf(prof->label, sizeof prof->label, "profile %s (~%s)",
		    profile, path + n);
	else
		snprintf(prof->label, sizeof prof->label, "profile %s (%s)",
		    profile, path);
}

/* 0 with prof filled in (maybe empty), DW_ENOTFOUND, or an error. */
static int
creds_profile_load(struct creds_profile *prof, const char *profile,
    char *err, size_t errlen)
{
	struct creds_parse	 p;
	char			*buf = NULL;
	size_t			 len = 0;
	int			 r, line;

	if (prof->path == NULL)
		return DW_ENOTFOUND;
	if ((r = creds_file_read(prof->path, &buf, &len, err, errlen)) != 0)
		return r;
	memset(&p, 0, sizeof p);
	p.buf = buf;
	p.len = len;
	p.profile = profile;
	p.prof = prof;
	line = ini_parse_stream(creds_reader, &p, creds_handler, &p);
	if (p.nomem || line < 0)
		r = DW_ENOMEM;
	else if (line > 0) {
		creds_err(err, errlen, "%s:%d: malformed line", prof->path,
		    line);
		r = DW_EPARSE;
	}
	OPENSSL_cleanse(buf, len);
	free(buf);
	return r;
}

/* One profile as the files say: the credentials-format file wins. */

struct creds_set {
	struct creds_profile	cred;
	struct creds_profile	conf;
};

/* A walk along source_profile links, from the named profile down. */
struct creds_walk {
	const char		*cred_path;
	const char		*conf_path;
	const char		*label;		/* NULL: from path and profile */
	const struct creds_paths *paths;
	char			*visited[CREDS_MAX_ROLES + 1];
	size_t			 nvisited;
	struct aws_creds_role	 roles[CREDS_MAX_ROLES];
	size_t			 nroles;
};

static void
creds_set_clear(struct creds_set *s)
{
	creds_profile_clear(&s->cred);
	creds_profile_clear(&s->conf);
}

static int
creds_set_load(struct creds_set *s, const struct creds_walk *w,
    const char *profile, char *err, size_t errlen)
{
	int	r;

	memset(s, 0, sizeof *s);
	s->cred.path = w->cred_path;
	s->conf.path = w->conf_path;
	s->conf.config = 1;
	if (w->label != NULL)
		snprintf(s->cred.label, sizeof s->cred.label, "%s", w->label);
	else if (s->cred.path != NULL)
		creds_label(&s->cred, profile);
	if (s->conf.path != NULL)
		creds_label(&s->conf, profile);
	r = creds_profile_load(&s->cred, profile, err, errlen);
	if (r != 0 && r != DW_ENOTFOUND)
		return r;
	r = creds_profile_load(&s->conf, profile, err, errlen);
	return r == DW_ENOTFOUND ? 0 : r;
}

static int
creds_set_exists(const struct creds_set *s)
{
	return s->cred.first_line != 0 || s->conf.first_line != 0;
}

/* The file that sets key k (the credentials file first), or NULL. */
static const struct creds_profile *
creds_set_where(const struct creds_set *s, int k)
{
	if (s->cred.line[k] != 0)
		return &s->cred;
	if (s->conf.line[k] != 0)
		return &s->conf;
	return NULL;
}

static const char *
creds_set_value(const struct creds_set *s, int k)
{
	const struct creds_profile	*p = creds_set_where(s, k);

	return p != NULL ? p->value[k] : NULL;
}

/* botocore's _has_static_credentials: either key, in either file. */
static int
creds_set_has_keys(const struct creds_set *s)
{
	return creds_set_where(s, K_ACCESS_KEY) != NULL ||
	    creds_set_where(s, K_SECRET_KEY) != NULL;
}

static const struct creds_profile *
creds_set_first(const struct creds_set *s)
{
	return s->cred.first_line != 0 ? &s->cred : &s->conf;
}

/* Deciding what a profile gives us. */

enum creds_kind {
	KIND_NONE,
	KIND_STATIC,
	KIND_ROLE,
};

static int
creds_unsupported(const struct creds_profile *prof, const char *profile,
    int k, char *err, size_t errlen)
{
	creds_err(err, errlen, "%s:%d: profile %s uses %s, which driftwatch "
	    "does not support yet", prof->path, prof->line[k], profile,
	    creds_keys[k]);
	return DW_ECREDS;
}

static int
creds_profile_keys(const struct creds_profile *prof, const char *profile,
    struct aws_creds **out, char *err, size_t errlen)
{
	const char	*akid = prof->value[K_ACCESS_KEY];
	const char	*secret = prof->value[K_SECRET_KEY];
	const char	*token = prof->value[K_SESSION_TOKEN];
	int		 has_akid, has_secret;

	has_akid = akid != NULL && *akid != '\0';
	has_secret = secret != NULL && *secret != '\0';
	if (!has_akid && !has_secret && (token == NULL || *token == '\0'))
		return DW_ENOTFOUND;
	if (!has_akid || !has_secret) {
		creds_err(err, errlen, "%s:%d: profile %s has no %s",
		    prof->path, prof->first_line, profile, has_akid ?
		    "aws_secret_access_key" : "aws_access_key_id");
		return DW_ECREDS;
	}
	if ((*out = aws_creds_new(akid, secret, token, prof->label)) == NULL)
		return DW_ENOMEM;
	return 0;
}

/* Any of the three keys with a value. */
static int
creds_profile_has_keys(const struct creds_profile *prof)
{
	int	k;

	for (k = K_ACCESS_KEY; k <= K_SESSION_TOKEN; k++)
		if (prof->value[k] != NULL && *prof->value[k] != '\0')
			return 1;
	return 0;
}

/* Keys from the credentials file, else from the config file. */
static int
creds_set_keys(const struct creds_set *s, const char *profile,
    struct aws_creds **out, char *err, size_t errlen)
{
	int	r;

	if ((r = creds_profile_keys(&s->cred, profile, out, err, errlen)) !=
	    DW_ENOTFOUND)
		return r;
	return creds_profile_keys(&s->conf, profile, out, err, errlen);
}

/* A key that names a kind driftwatch cannot use: say where. */
static int
creds_set_unsupported(const struct creds_set *s, const char *profile,
    int from, int to, char *err, size_t errlen)
{
	const struct creds_profile	*p;
	int				 k;

	for (k = from; k <= to; k++)
		if ((p = creds_set_where(s, k)) != NULL)
			return creds_unsupported(p, profile, k, err, errlen);
	return 0;
}

/*
 * The named profile, in the SDKs' order: a role (unless it is a web
 * identity role), other identity sources, keys from the credentials
 * file, credential_process, then keys from the config file.
 */
static int
creds_kind_top(const struct creds_set *s, const char *profile,
    enum creds_kind *kind, char *err, size_t errlen)
{
	int	r;

	*kind = KIND_NONE;
	if (creds_set_where(s, K_ROLE_ARN) != NULL &&
	    creds_set_where(s, K_WEB_IDENTITY) == NULL) {
		*kind = KIND_ROLE;
		return 0;
	}
	if ((r = creds_set_unsupported(s, profile, K_WEB_IDENTITY,
	    K_SSO_ACCOUNT, err, errlen)) != 0)
		return r;
	if (creds_profile_has_keys(&s->cred)) {
		*kind = KIND_STATIC;
		return 0;
	}
	if (s->cred.line[K_PROCESS] != 0)
		return creds_unsupported(&s->cred, profile, K_PROCESS, err,
		    errlen);
	if (s->conf.line[K_PROCESS] != 0)
		return creds_unsupported(&s->conf, profile, K_PROCESS, err,
		    errlen);
	if (creds_profile_has_keys(&s->conf))
		*kind = KIND_STATIC;
	return 0;
}

/* A source_profile: static keys first, then a role (botocore's order). */
static int
creds_kind_source(const struct creds_set *s, const char *profile,
    enum creds_kind *kind, char *err, size_t errlen)
{
	int	r;

	*kind = KIND_NONE;
	if (creds_set_has_keys(s)) {
		*kind = KIND_STATIC;
		return 0;
	}
	if (creds_set_where(s, K_ROLE_ARN) != NULL &&
	    creds_set_where(s, K_WEB_IDENTITY) == NULL) {
		*kind = KIND_ROLE;
		return 0;
	}
	if ((r = creds_set_unsupported(s, profile, K_WEB_IDENTITY,
	    K_SSO_ACCOUNT, err, errlen)) != 0 ||
	    (r = creds_set_unsupported(s, profile, K_PROCESS, K_PROCESS, err,
	    errlen)) != 0)
		return r;
	return 0;
}

static int
creds_no_keys(const struct creds_profile *prof, const char *profile,
    char *err, size_t errlen)
{
	creds_err(err, errlen, "%s:%d: profile %s has no credentials",
	    prof->path, prof->first_line, profile);
	return DW_ECREDS;
}

/* Role settings. */

static int __attribute__((format(printf, 6, 7)))
creds_role_err(const struct creds_set *s, int k, const char *profile,
    char *err, size_t errlen, const char *fmt, ...)
{
	const struct creds_profile	*p = creds_set_where(s, k);
	char				 what[256];
	va_list				 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (p == NULL)
		p = creds_set_first(s);
	creds_err(err, errlen, "%s:%d: profile %s %s", p->path,
	    p->line[k] != 0 ? p->line[k] : p->first_line, profile, what);
	return DW_ECREDS;
}

static int
creds_role_duration(const struct creds_set *s, const char *profile,
    int *out, char *err, size_t errlen)
{
	const char	*v = creds_set_value(s, K_DURATION);
	char		*end;
	long		 n;

	*out = 0;
	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 900 || n > 43200)
		return creds_role_err(s, K_DURATION, profile, err, errlen,
		    "has duration_seconds = %.32s: expected whole seconds "
		    "from 900 to 43200", v);
	*out = (int)n;
	return 0;
}

/* The role's own checks, before anything is copied. */
static int
creds_role_check(const struct creds_set *s, const char *profile,
    char *err, size_t errlen)
{
	const char	*arn = creds_set_value(s, K_ROLE_ARN);
	const char	*src = creds_set_value(s, K_SOURCE_PROFILE);

	if (arn == NULL || *arn == '\0')
		return creds_role_err(s, K_ROLE_ARN, profile, err, errlen,
		    "has an empty role_arn");
	if (creds_set_where(s, K_MFA_SERIAL) != NULL)
		return creds_role_err(s, K_MFA_SERIAL, profile, err, errlen,
		    "uses mfa_serial: a daemon cannot type an MFA code");
	if (src != NULL && creds_set_where(s, K_CREDENTIAL_SOURCE) != NULL)
		return creds_role_err(s, K_CREDENTIAL_SOURCE, profile, err,
		    errlen, "has both source_profile and credential_source");
	if (creds_set_where(s, K_CREDENTIAL_SOURCE) != NULL)
		return creds_unsupported(creds_set_where(s,
		    K_CREDENTIAL_SOURCE), profile, K_CREDENTIAL_SOURCE, err,
		    errlen);
	if (src == NULL || *src == '\0')
		return creds_role_err(s, K_ROLE_ARN, profile, err, errlen,
		    "has role_arn but no source_profile");
	return 0;
}

static char *
creds_strdup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

static int
creds_role_read(const struct creds_set *s, const char *profile,
    struct aws_creds_role *role, char *err, size_t errlen)
{
	const struct creds_profile	*p = creds_set_where(s, K_ROLE_ARN);
	int				 r;

	memset(role, 0, sizeof *role);
	if ((r = creds_role_check(s, profile, err, errlen)) != 0 ||
	    (r = creds_role_duration(s, profile, &role->duration_seconds, err,
	    errlen)) != 0)
		return r;
	role->profile = strdup(profile);
	role->role_arn = strdup(creds_set_value(s, K_ROLE_ARN));
	role->external_id = creds_strdup_or_null(creds_set_value(s,
	    K_EXTERNAL_ID));
	role->session_name = creds_strdup_or_null(creds_set_value(s,
	    K_SESSION_NAME));
	if (asprintf(&role->origin, "%s:%d", p->path, p->line[K_ROLE_ARN]) ==
	    -1)
		role->origin = NULL;
	if (role->profile == NULL || role->role_arn == NULL ||
	    role->origin == NULL ||
	    (creds_set_value(s, K_EXTERNAL_ID) && !role->external_id) ||
	    (creds_set_value(s, K_SESSION_NAME) && !role->session_name))
		return DW_ENOMEM;
	return 0;
}

/* Walking source_profile links. */

static int
creds_walk_visited(const struct creds_walk *w, const char *name)
{
	size_t	i;

	for (i = 0; i < w->nvisited; i++)
		if (strcmp(w->visited[i], name) == 0)
			return 1;
	return 0;
}

static int
creds_walk_loop(const struct creds_walk *w, const struct creds_set *s,
    const char *profile, const char *next, char *err, size_t errlen)
{
	char	chain[256] = "";
	size_t	i;

	for (i = 0; i < w->nvisited; i++) {
		strncat(chain, w->visited[i], sizeof chain - strlen(chain) - 1);
		strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
	}
	strncat(chain, next, sizeof chain - strlen(chain) - 1);
	return creds_role_err(s, K_SOURCE_PROFILE, profile, err, errlen,
	    "has a source_profile loop: %s", chain);
}

/*
 * Records the role of a profile and says which profile signs for it.
 * A role may name itself when it also holds the keys (botocore allows
 * it); any other return to a visited profile is a loop.
 */
static int
creds_walk_role(struct creds_walk *w, const struct creds_set *s,
    const char *profile, const char **next, char *err, size_t errlen)
{
	const char	*src;
	int		 r;

	if (w->nroles == CREDS_MAX_ROLES)
		return creds_role_err(s, K_ROLE_ARN, profile, err, errlen,
		    "is more than %d roles from its keys", CREDS_MAX_ROLES);
	if ((r = creds_role_read(s, profile, &w->roles[w->nroles++], err,
	    errlen)) != 0)
		return r;
	src = creds_set_value(s, K_SOURCE_PROFILE);
	if (creds_walk_visited(w, src) &&
	    !(strcmp(src, profile) == 0 && creds_set_has_keys(s)))
		return creds_walk_loop(w, s, profile, src, err, errlen);
	if ((w->visited[w->nvisited] = strdup(src)) == NULL)
		return DW_ENOMEM;
	*next = w->visited[w->nvisited++];
	return 0;
}

/* A file named in an error, saying so when it does not exist: the
 * usual reason a newcomer's profile "is not found". */
static const char *
creds_path_shown(const char *path, char *buf, size_t len)
{
	if (path == NULL)
		return "(none)";
	if (access(path, F_OK) == -1 && errno == ENOENT)
		snprintf(buf, len, "%s (no such file)", path);
	else
		snprintf(buf, len, "%s", path);
	return buf;
}

static int
creds_walk_missing(const struct creds_walk *w, const char *profile,
    const char *parent, char *err, size_t errlen)
{
	const struct creds_paths	*paths = w->paths;
	char				 abuf[512], bbuf[512];
	const char			*a, *b;

	a = paths->credentials == NULL ? NULL :
	    creds_path_shown(paths->credentials, abuf, sizeof abuf);
	b = paths->config == NULL ? NULL :
	    creds_path_shown(paths->config, bbuf, sizeof bbuf);

	if (parent != NULL)
		creds_err(err, errlen, "profile %s: its source_profile %s is "
		    "not in %s%s%s", parent, profile, w->cred_path ?
		    creds_path_shown(w->cred_path, abuf, sizeof abuf) :
		    "(none)", w->conf_path ? " or " : "", w->conf_path ?
		    creds_path_shown(w->conf_path, bbuf, sizeof bbuf) : "");
	else if (w->label != NULL)
		creds_err(err, errlen, "%s: no profile %s", w->cred_path,
		    profile);
	else if (a == NULL && b == NULL) {
		creds_err(err, errlen, "no credentials in the environment "
		    "and no shared files (HOME is unset)");
		return DW_ENOTFOUND;
	}
	else if (paths->explicit_profile)
		creds_err(err, errlen, "profile %s not found in %s or %s",
		    profile, a ? a : "(none)", b ? b : "(none)");
	else {
		/* the SDKs' default profile is optional: later sources may */
		creds_err(err, errlen, "no credentials in the environment "
		    "and no profile %s in %s or %s", profile,
		    a ? a : "(none)", b ? b : "(none)");
		return DW_ENOTFOUND;
	}
	return DW_ECREDS;
}

/* The named profile's session settings, which the whole chain uses. */
static int
creds_walk_settings(const struct creds_set *s, struct aws_creds_found *out)
{
	out->region = creds_strdup_or_null(creds_set_value(s, K_REGION));
	out->sts_regional_endpoints = creds_strdup_or_null(
	    creds_set_value(s, K_STS_REGIONAL));
	if ((creds_set_value(s, K_REGION) && !out->region) ||
	    (creds_set_value(s, K_STS_REGIONAL) &&
	    !out->sts_regional_endpoints))
		return DW_ENOMEM;
	return 0;
}

/*
 * One profile of the walk: 0 with *next set to the profile that signs
 * for its role, or with *next NULL and out->creds set.
 */
static int
creds_walk_step(struct creds_walk *w, const struct creds_set *s,
    const char *profile, size_t depth, struct aws_creds_found *out,
    const char **next, char *err, size_t errlen)
{
	enum creds_kind	kind;
	int		r;

	*next = NULL;
	r = depth == 0 ? creds_kind_top(s, profile, &kind, err, errlen) :
	    creds_kind_source(s, profile, &kind, err, errlen);
	if (r != 0)
		return r;
	switch (kind) {
	case KIND_ROLE:
		return creds_walk_role(w, s, profile, next, err, errlen);
	case KIND_STATIC:
		r = creds_set_keys(s, profile, &out->creds, err, errlen);
		if (r != DW_ENOTFOUND)
			return r;
		break;
	case KIND_NONE:
		break;
	}
	if (depth > 0)
		return creds_role_err(s, K_SOURCE_PROFILE, profile, err,
		    errlen, "has no credentials to sign for profile %s",
		    w->visited[w->nvisited - 2]);
	return creds_no_keys(creds_set_first(s), profile, err, errlen);
}

/* Hands the roles over, the one nearest the keys first. */
static int
creds_walk_finish(struct creds_walk *w, struct aws_creds_found *out)
{
	size_t	i;

	if (w->nroles == 0)
		return 0;
	if ((out->roles = calloc(w->nroles, sizeof *out->roles)) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < w->nroles; i++)
		out->roles[i] = w->roles[w->nroles - 1 - i];
	out->nroles = w->nroles;
	w->nroles = 0;
	return 0;
}

static void
creds_walk_clear(struct creds_walk *w)
{
	size_t	i;

	for (i = 0; i < w->nvisited; i++)
		free(w->visited[i]);
	for (i = 0; i < w->nroles; i++)
		creds_role_clear(&w->roles[i]);
}

static int
creds_walk(struct creds_walk *w, struct aws_creds_found *out, char *err,
    size_t errlen)
{
	struct creds_set	 s;
	const char		*name = w->paths->profile, *next = NULL;
	size_t			 depth;
	int			 r;

	memset(out, 0, sizeof *out);
	if ((w->visited[w->nvisited++] = strdup(name)) == NULL)
		return DW_ENOMEM;
	for (depth = 0;; depth++, name = next) {
		if ((r = creds_set_load(&s, w, name, err, errlen)) == 0 &&
		    !creds_set_exists(&s))
			r = creds_walk_missing(w, name, depth > 0 ?
			    w->visited[w->nvisited - 2] : NULL, err, errlen);
		if (r == 0 && depth == 0)
			r = creds_walk_settings(&s, out);
		if (r == 0)
			r = creds_walk_step(w, &s, name, depth, out, &next, err,
			    errlen);
		creds_set_clear(&s);
		if (r != 0 || next == NULL)
			break;
	}
	if (r == 0)
		r = creds_walk_finish(w, out);
	creds_walk_clear(w);
	if (r != 0)
		aws_creds_found_free(out);
	return r;
}

/* An option, else the environment, else a file under $HOME, else NULL. */
static int
creds_path(const char *opt, const char *env, const char *rel, char **out)
{
	const char	*v, *home;

	*out = NULL;
	if ((v = opt) != NULL || ((v = getenv(env)) != NULL && *v != '\0'))
		return (*out = strdup(v)) == NULL ? DW_ENOMEM : 0;
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return 0;
	if (asprintf(out, "%s/%s", home, rel) == -1) {
		*out = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

static int
creds_paths_init(struct creds_paths *paths,
    const struct aws_creds_options *opts)
{
	const char			*env = getenv("AWS_PROFILE");
	const struct aws_creds_options	 none = { NULL, NULL, NULL };
	int				 r;

	if (opts == NULL)
		opts = &none;
	memset(paths, 0, sizeof *paths);
	paths->profile = "default";
	paths->explicit_profile = 1;
	if (opts->profile != NULL && *opts->profile != '\0')
		paths->profile = opts->profile;
	else if (env != NULL && *env != '\0')
		paths->profile = env;
	else
		paths->explicit_profile = 0;
	r = creds_path(opts->credentials_file, "AWS_SHARED_CREDENTIALS_FILE",
	    ".aws/credentials", &paths->credentials);
	if (r == 0)
		r = creds_path(opts->config_file, "AWS_CONFIG_FILE",
		    ".aws/config", &paths->config);
	return r;
}

static void
creds_paths_clear(struct creds_paths *paths)
{
	free(paths->credentials);
	free(paths->config);
}

static int
creds_nomem(int r, char *err, size_t errlen)
{
	if (r == DW_ENOMEM)
		creds_err(err, errlen, "out of memory reading credentials");
	return r;
}

/* systemd's LoadCredential=: a credentials-format file named "aws". */
int
aws_creds_from_systemd(const struct aws_creds_options *opts,
    struct aws_creds_found *out, char *err, size_t errlen)
{
	struct creds_paths	 paths;
	struct creds_walk	 w;
	const char		*dir = getenv("CREDENTIALS_DIRECTORY");
	char			*path = NULL;
	int			 r;

	memset(out, 0, sizeof *out);
	if (dir == NULL || *dir == '\0')
		return DW_ENOTFOUND;
	if ((r = creds_paths_init(&paths, opts)) != 0)
		goto out;
	if (asprintf(&path, "%s/aws", dir) == -1) {
		path = NULL;
		r = DW_ENOMEM;
		goto out;
	}
	memset(&w, 0, sizeof w);
	w.cred_path = path;
	w.label = "systemd credential aws";
	w.paths = &paths;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		r = DW_ENOTFOUND;
	else
		r = creds_walk(&w, out, err, errlen);
out:
	creds_paths_clear(&paths);
	free(path);
	return creds_nomem(r, err, errlen);
}

int
aws_creds_from_shared(const struct aws_creds_options *opts,
    struct aws_creds_found *out, char *err, size_t errlen)
{
	struct creds_paths	paths;
	struct creds_walk	w;
	int			r;

	memset(out, 0, sizeof *out);
	if ((r = creds_paths_init(&paths, opts)) == 0) {
		memset(&w, 0, sizeof w);
		w.cred_path = paths.credentials;
		w.conf_path = paths.config;
		w.paths = &paths;
		r = creds_walk(&w, out, err, errlen);
	}
	creds_paths_clear(&paths);
	return creds_nomem(r, err, errlen);
}
