/*
 * Static AWS credential sources, tried in this order:
 *
 *  1. the environment, because it is the most specific and the SDKs and
 *     the CLI let it override everything else;
 *  2. systemd's LoadCredential= ($CREDENTIALS_DIRECTORY/aws), because a
 *     unit that hands us a credential has said exactly which keys to use,
 *     while a service user's home is shared, stale or absent;
 *  3. the shared credentials and config files for the profile, the
 *     SDKs' general default.
 *
 * A source that is present but unusable (half an environment pair, a
 * profile needing role_arn) is an error rather than a reason to try the
 * next one: silently using other keys would watch the wrong account.
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

/* The profile keys we look at, in the SDKs' order of precedence. */
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
};

/* One profile as found in one file. */
struct creds_profile {
	const char	*path;
	char		 label[64];	/* the source, if keys come from here */
	int		 config;	/* config file: "[profile NAME]" */
	int		 first_line;	/* 0: the profile is not in the file */
	int		 line[K_NKEYS];
	char		*value[K_NKEYS];	/* only the aws_* keys */
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

static struct aws_creds *
creds_make(const char *akid, const char *secret, const char *token,
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
	d = creds_make(c->access_key_id, c->secret_access_key,
	    c->session_token, c->source);
	if (d != NULL)
		d->expiration = c->expiration;
	return d;
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
	return now < c->expiration - AWS_CREDS_REFRESH_MARGIN;
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

static int
creds_from_env(struct aws_creds **out, char *err, size_t errlen)
{
	const char	*akid, *secret, *token;

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
	if ((*out = creds_make(akid, secret, token, "environment")) == NULL)
		return DW_ENOMEM;
	return 0;
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
	if (k < K_ACCESS_KEY || k > K_SESSION_TOKEN)
		return 1;
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

/* Deciding what a profile gives us. */

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
	if ((*out = creds_make(akid, secret, token, prof->label)) == NULL)
		return DW_ENOMEM;
	return 0;
}

/*
 * The SDKs' order within a profile: role and identity sources first,
 * then keys from the credentials file, credential_process, and keys
 * from the config file.  The credentials file wins over the config.
 */
static int
creds_profile_pick(const struct creds_profile *cred,
    const struct creds_profile *conf, const char *profile,
    struct aws_creds **out, char *err, size_t errlen)
{
	int	k, r;

	for (k = 0; k < K_ACCESS_KEY; k++) {
		if (cred->line[k] != 0)
			return creds_unsupported(cred, profile, k, err, errlen);
		if (conf->line[k] != 0)
			return creds_unsupported(conf, profile, k, err, errlen);
	}
	if ((r = creds_profile_keys(cred, profile, out, err, errlen)) !=
	    DW_ENOTFOUND)
		return r;
	if (cred->line[K_PROCESS] != 0)
		return creds_unsupported(cred, profile, K_PROCESS, err, errlen);
	if (conf->line[K_PROCESS] != 0)
		return creds_unsupported(conf, profile, K_PROCESS, err, errlen);
	return creds_profile_keys(conf, profile, out, err, errlen);
}

static int
creds_no_keys(const struct creds_profile *prof, const char *profile,
    char *err, size_t errlen)
{
	creds_err(err, errlen, "%s:%d: profile %s has no credentials",
	    prof->path, prof->first_line, profile);
	return DW_ECREDS;
}

/* systemd's LoadCredential=: a credentials-format file named "aws". */
static int
creds_from_systemd(const struct creds_paths *paths, struct aws_creds **out,
    char *err, size_t errlen)
{
	struct creds_profile	 prof, none;
	const char		*dir = getenv("CREDENTIALS_DIRECTORY");
	char			*path = NULL;
	int			 r;

	memset(&prof, 0, sizeof prof);
	memset(&none, 0, sizeof none);
	if (dir == NULL || *dir == '\0')
		return DW_ENOTFOUND;
	if (asprintf(&path, "%s/aws", dir) == -1)
		return DW_ENOMEM;
	prof.path = path;
	snprintf(prof.label, sizeof prof.label, "systemd credential aws");
	if ((r = creds_profile_load(&prof, paths->profile, err, errlen)) != 0)
		goto out;
	if (prof.first_line == 0) {
		creds_err(err, errlen, "%s: no profile %s", path,
		    paths->profile);
		r = DW_ECREDS;
		goto out;
	}
	r = creds_profile_pick(&prof, &none, paths->profile, out, err, errlen);
	if (r == DW_ENOTFOUND)
		r = creds_no_keys(&prof, paths->profile, err, errlen);
out:
	creds_profile_clear(&prof);
	free(path);
	return r;
}

static int
creds_not_found(const struct creds_paths *paths, char *err, size_t errlen)
{
	const char	*a = paths->credentials, *b = paths->config;

	if (a == NULL && b == NULL)
		creds_err(err, errlen, "no credentials in the environment "
		    "and no shared files (HOME is unset)");
	else if (paths->explicit_profile)
		creds_err(err, errlen, "profile %s not found in %s or %s",
		    paths->profile, a ? a : "(none)", b ? b : "(none)");
	else
		creds_err(err, errlen, "no credentials in the environment "
		    "and no profile %s in %s or %s", paths->profile,
		    a ? a : "(none)", b ? b : "(none)");
	return DW_ECREDS;
}

static int
creds_from_shared(const struct creds_paths *paths, struct aws_creds **out,
    char *err, size_t errlen)
{
	struct creds_profile	 cred, conf;
	int			 r;

	memset(&cred, 0, sizeof cred);
	memset(&conf, 0, sizeof conf);
	cred.path = paths->credentials;
	conf.path = paths->config;
	conf.config = 1;
	if (cred.path != NULL)
		creds_label(&cred, paths->profile);
	if (conf.path != NULL)
		creds_label(&conf, paths->profile);
	r = creds_profile_load(&cred, paths->profile, err, errlen);
	if (r != 0 && r != DW_ENOTFOUND)
		goto out;
	r = creds_profile_load(&conf, paths->profile, err, errlen);
	if (r != 0 && r != DW_ENOTFOUND)
		goto out;
	r = creds_profile_pick(&cred, &conf, paths->profile, out, err, errlen);
	if (r != DW_ENOTFOUND)
		goto out;
	if (cred.first_line != 0 || conf.first_line != 0)
		r = creds_no_keys(cred.first_line != 0 ? &cred : &conf,
		    paths->profile, err, errlen);
	else
		r = creds_not_found(paths, err, errlen);
out:
	creds_profile_clear(&cred);
	creds_profile_clear(&conf);
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
	const char	*env = getenv("AWS_PROFILE");
	int		 r;

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

int
aws_creds_resolve(const struct aws_creds_options *opts,
    struct aws_creds **out, char *err, size_t errlen)
{
	struct aws_creds_options	 none = { NULL, NULL, NULL };
	struct creds_paths		 paths;
	int				 r;

	*out = NULL;
	creds_err(err, errlen, "%s", "");
	memset(&paths, 0, sizeof paths);
	/*
	 * As in botocore: a profile named explicitly (driftwatchd.conf's
	 * profile=) means that profile, not whatever keys the environment
	 * happens to hold.  $AWS_PROFILE alone does not skip them.
	 */
	if ((opts == NULL || opts->profile == NULL) &&
	    (r = creds_from_env(out, err, errlen)) != DW_ENOTFOUND)
		goto out;
	if ((r = creds_paths_init(&paths, opts ? opts : &none)) != 0)
		goto out;
	if ((r = creds_from_systemd(&paths, out, err, errlen)) != DW_ENOTFOUND)
		goto out;
	r = creds_from_shared(&paths, out, err, errlen);
out:
	if (r == DW_ENOMEM)
		creds_err(err, errlen, "out of memory reading credentials");
	free(paths.credentials);
	free(paths.config);
	return r;
}
