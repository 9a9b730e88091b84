/*
 * driftwatchd.conf: INI read by inih through our own line reader, so
 * that every error can name its line.  The reader also sees each
 * "[section]" header before inih does, which is where sections are
 * checked (inih tells the handler nothing about a section with no keys).
 *
 * Values are never quoted back in errors: URLs and secrets carry tokens.
 * The file itself, url_file and secret_file contents are wiped when done.
 *
 * Errors are collected, one per line at most, and reading goes on, so a
 * run of validate shows every one: a section that cannot be read (an
 * unknown or repeated one, a bad sink name) has its keys skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <ini.h>
#include <openssl/crypto.h>

#include "driftwatch/alert.h"
#include "driftwatch/baseline.h"
#include "driftwatch/config.h"
#include "driftwatch/sink.h"
#include "driftwatch/error.h"
#include "driftwatch/region.h"
#include "driftwatch/secret.h"
#include "driftwatch/urlcheck.h"

#define CONFIG_MAX_SIZE		(1024 * 1024)
#define CONFIG_MAX_SECRET	(64 * 1024)
#define CONFIG_MAX_KEYS		32
#define CONFIG_NAME_MAX		64
#define CONFIG_MAX_ERRORS	100

#define MINUTE	60u
#define HOUR	(60u * MINUTE)
#define DAY	(24u * HOUR)

enum config_section {
	SEC_NONE,
	SEC_DAEMON,
	SEC_AWS,
	SEC_SINK,
	SEC_MAX,
	SEC_SKIP,	/* a bad header: its keys are not read */
};

struct config_ctx;

struct config_error {
	unsigned	 line;
	char		*text;		/* "PATH:LINE: message" */
};

struct config_key {
	const char	*name;
	int		(*set)(struct config_ctx *, const struct config_key *,
			    const char *, void *);
	size_t		 off;	/* into struct config or struct config_sink */
	unsigned	 min, max;
};

struct config_ctx {
	struct config		*cf;
	const char		*path;
	char			*dir;		/* absolute; for relative paths */
	char			*buf;		/* the whole file; wiped */
	size_t			 len, off;
	unsigned		 line;
	int			 indented;	/* this line starts with blanks */
	int			 inline_comment; /* " ;" or " #" after its '=' */
	int			 prev_key;	/* inih's "continuation" state */
	enum config_section	 sec;
	unsigned		 sec_line[SEC_MAX];
	unsigned		 seen[CONFIG_MAX_KEYS];	/* line each key was set */
	unsigned char		*sink_off;	/* enabled = no, by sink index */
	struct config_error	*errs;
	size_t			 nerrs, total;
	int			 rc;		/* the first error's code */
	unsigned		 region_line;	/* [aws] region, or 0 */
	int			 refused;	/* a line of this section */
};

static const char *config_section_names[SEC_MAX] = {
	"", "daemon", "aws", "sink",
};

/* Errors. */

static int
config_has_error(const struct config_ctx *ctx, unsigned line)
{
	size_t	i;

	for (i = 0; i < ctx->nerrs; i++)
		if (ctx->errs[i].line == line)
			return 1;
	return 0;
}

/* Noted, and reading goes on; out of memory stops it (rc says so). */
static int __attribute__((format(printf, 4, 0)))
config_vfail(struct config_ctx *ctx, unsigned line, int rc, const char *fmt,
    va_list ap)
{
	struct config_error	*e;
	char			 msg[512];

	if (ctx->rc == 0 || rc == DW_ENOMEM)
		ctx->rc = rc;
	if (ctx->total++ >= CONFIG_MAX_ERRORS)
		return -1;
	if (ctx->errs == NULL &&
	    (ctx->errs = calloc(CONFIG_MAX_ERRORS, sizeof(*e))) == NULL) {
		ctx->rc = DW_ENOMEM;
		return -1;
	}
	vsnprintf(msg, sizeof msg, fmt, ap);
	e = &ctx->errs[ctx->nerrs];
	if ((line > 0 ? asprintf(&e->text, "%s:%u: %s", ctx->path, line,
	    msg) : asprintf(&e->text, "%s: %s", ctx->path, msg)) == -1) {
		ctx->rc = DW_ENOMEM;
		return -1;
	}
	e->line = line;
	ctx->nerrs++;
	return -1;
}

static int __attribute__((format(printf, 4, 5)))
config_fail_at(struct config_ctx *ctx, unsigned line, int rc,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	config_vfail(ctx, line, rc, fmt, ap);
	va_end(ap);
	return -1;
}

static int __attribute__((format(printf, 2, 3)))
config_fail(struct config_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	config_vfail(ctx, ctx->line, DW_EPARSE, fmt, ap);
	va_end(ap);
	return -1;
}

static int
config_nomem(struct config_ctx *ctx)
{
	return config_fail_at(ctx, ctx->line, DW_ENOMEM, "out of memory");
}

/* Names from the file are quoted back only when they look like names. */
static const char *
config_safe(const char *s)
{
	size_t	n;

	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.- ");
	if (n == 0 || n > CONFIG_NAME_MAX || s[n] != '\0')
		return "(not shown)";
	return s;
}

/* Files. */

static int
config_read_fd(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t	got;

	*len = 0;
	for (;;) {
		got = read(fd, buf + *len, cap + 1 - *len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return DW_EIO;
		if (got == 0)
			break;
		*len += (size_t)got;
		if (*len > cap)
			return DW_ETOOBIG;
	}
	buf[*len] = '\0';
	return 0;
}

/* Reads a whole file of at most cap bytes into one buffer (never
 * realloc'd, so no stray copy of a secret is left behind). */
static int
config_read_file(const char *path, size_t cap, char **out, size_t *len)
{
	char	*buf;
	int	 fd, r, saved;

	*out = NULL;
	if ((buf = malloc(cap + 1)) == NULL)
		return DW_ENOMEM;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		saved = errno;
		free(buf);
		errno = saved;
		return DW_EIO;
	}
	r = config_read_fd(fd, buf, cap, len);
	saved = errno;
	close(fd);
	if (r != 0) {
		OPENSSL_cleanse(buf, cap + 1);
		free(buf);
	} else
		*out = buf;
	errno = saved;
	return r;
}

/* The directory relative paths are read from, made absolute. */
static char *
config_dir(const char *path)
{
	char	*copy, *dir, *cwd = NULL, *abs = NULL;

	if ((copy = strdup(path)) == NULL)
		return NULL;
	dir = dirname(copy);
	if (dir[0] == '/')
		abs = strdup(dir);
	else if ((cwd = getcwd(NULL, 0)) == NULL)
		abs = NULL;
	else if (strcmp(dir, ".") == 0) {
		abs = cwd;
		cwd = NULL;
	} else if (asprintf(&abs, "%s/%s", cwd, dir) == -1)
		abs = NULL;
	free(cwd);
	free(copy);
	return abs;
}

static char *
config_resolve(const struct config_ctx *ctx, const char *p)
{
	char	*s;

	if (p[0] == '/')
		return strdup(p);
	if (asprintf(&s, "%s/%s", ctx->dir, p) == -1)
		return NULL;
	return s;
}

static int
config_secret_strip(struct config_ctx *ctx, const char *key,
    const char *path, char *buf, size_t *len)
{
	if (*len > 0 && buf[*len - 1] == '\n')
		buf[--*len] = '\0';
	if (*len > 0 && buf[*len - 1] == '\r')
		buf[--*len] = '\0';
	if (memchr(buf, '\0', *len) != NULL)
		return config_fail(ctx, "%s %s: contains a NUL byte", key, path);
	if (*len == 0)
		return config_fail(ctx, "%s %s: file is empty", key, path);
	return 0;
}

/* Reads url_file or secret_file: a secret, so the buffer is wiped. */
static int
config_read_secret(struct config_ctx *ctx, const char *key, const char *path,
    char **out)
{
	char	*buf = NULL;
	size_t	 len = 0;
	int	 r;

	r = config_read_file(path, CONFIG_MAX_SECRET, &buf, &len);
	if (r == DW_EIO)
		config_fail_at(ctx, ctx->line, r, "%s %s: %s", key, path,
		    strerror(errno));
	else if (r == DW_ETOOBIG)
		config_fail_at(ctx, ctx->line, r, "%s %s: larger than 64 KiB",
		    key, path);
	else if (r != 0)
		config_nomem(ctx);
	else if ((r = config_secret_strip(ctx, key, path, buf, &len)) == 0 &&
	    (*out = strdup(buf)) == NULL)
		r = config_nomem(ctx);
	if (buf != NULL)
		OPENSSL_cleanse(buf, CONFIG_MAX_SECRET + 1);
	free(buf);
	return r == 0 ? 0 : -1;
}

/* A file's secret, path relative to the config file's directory. */
static int
config_secret_file(struct config_ctx *ctx, const char *key, const char *v,
    char **path, char **out)
{
	if (*v == '\0')
		return config_fail(ctx, "%s: expected a path", key);
	if ((*path = config_resolve(ctx, v)) == NULL)
		return config_nomem(ctx);
	return config_read_secret(ctx, key, *path, out);
}

/* Value parsers. */

unsigned
config_remind_after(const struct config *cf, enum severity sev)
{
	if (sev > SEV_CRITICAL)
		return 0;
	if (cf->remind_after_sev[sev] != CONFIG_REMIND_UNSET)
		return cf->remind_after_sev[sev];
	return cf->remind_after;
}

static int
config_parse_duration(const char *s, unsigned min, unsigned max,
    unsigned *out)
{
	unsigned long long	v = 0, mult = 1;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (unsigned)(*s - '0')) > DAY * 1000ull)
			return -1;
	switch (*s) {
	case '\0':	break;
	case 's':	s++; break;
	case 'm':	mult = MINUTE; s++; break;
	case 'h':	mult = HOUR; s++; break;
	case 'd':	mult = DAY; s++; break;
	default:	return -1;
	}
	v *= mult;
	if (*s != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static void
config_fmt_duration(unsigned v, char *buf, size_t len)
{
	if (v == 0)
		snprintf(buf, len, "0");
	else if (v % DAY == 0)
		snprintf(buf, len, "%ud", v / DAY);
	else if (v % HOUR == 0)
		snprintf(buf, len, "%uh", v / HOUR);
	else if (v % MINUTE == 0)
		snprintf(buf, len, "%um", v / MINUTE);
	else
		snprintf(buf, len, "%us", v);
}

static int
config_parse_bool(const char *s, int *out)
{
	static const char	*yes[] = { "yes", "true", "on", "1" };
	static const char	*no[] = { "no", "false", "off", "0" };
	size_t			 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static char *
config_trim(char *s)
{
	char	*e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int
config_replace(struct config_ctx *ctx, char **field, const char *v)
{
	char	*s = NULL;

	if (v != NULL && (s = strdup(v)) == NULL)
		return config_nomem(ctx);
	free(*field);
	*field = s;
	return 0;
}

/* Setters for [daemon] and [aws]; field points into struct config. */

static int
config_set_path(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	*s;

	if (*v == '\0') {
		if (k->min == 0)	/* optional: empty means unset */
			return config_replace(ctx, field, NULL);
		return config_fail(ctx, "%s: expected a path", k->name);
	}
	if ((s = config_resolve(ctx, v)) == NULL)
		return config_nomem(ctx);
	free(*(char **)field);
	*(char **)field = s;
	return 0;
}

static int
config_set_string(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	(void)k;
	return config_replace(ctx, field, *v == '\0' ? NULL : v);
}

static int
config_set_duration(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	lo[16], hi[16];

	if (config_parse_duration(v, k->min, k->max, field) == 0)
		return 0;
	config_fmt_duration(k->min, lo, sizeof lo);
	config_fmt_duration(k->max, hi, sizeof hi);
	return config_fail(ctx, "%s: expected a duration from %s to %s, like "
	    "\"30s\", \"5m\", \"2h\" or \"1d\"", k->name, lo, hi);
}

static int
config_set_count(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	unsigned long	n = 0;
	size_t		len = strlen(v);

	if (len > 0 && len < 10 && strspn(v, "0123456789") == len)
		n = strtoul(v, NULL, 10);
	if (n < k->min || n > k->max)
		return config_fail(ctx, "%s: expected a whole number from %u "
		    "to %u", k->name, k->min, k->max);
	*(unsigned *)field = (unsigned)n;
	return 0;
}

static int
config_set_log_level(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	static const char	*levels[] = { "info", "debug", "trace" };
	int			 i;

	for (i = 0; i < 3; i++) {
		if (strcmp(v, levels[i]) == 0) {
			*(int *)field = i;
			return 0;
		}
	}
	return config_fail(ctx, "%s: expected info, debug or trace", k->name);
}

static int
config_set_region(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	if (!region_valid(v))
		return config_fail(ctx, "%s: expected a region name like "
		    "\"us-east-1\"", k->name);
	ctx->region_line = ctx->line;
	return config_replace(ctx, field, v);
}

static int
config_add_region(struct config_ctx *ctx, const struct config_key *k,
    const char *item, size_t idx)
{
	struct config	*cf = ctx->cf;
	char		**list;
	size_t		  i;

	if (strcmp(item, "all") == 0)
		return config_fail(ctx, "%s: \"all\" stands alone: it means "
		    "every region enabled for the account", k->name);
	if (!region_valid(item))
		return config_fail(ctx, "%s: item %zu is not a region name like "
		    "\"eu-west-1\"", k->name, idx + 1);
	for (i = 0; i < cf->nevent_regions; i++)
		if (strcmp(cf->event_regions[i], item) == 0)
			return config_fail(ctx, "%s: %s is listed twice",
			    k->name, item);
	list = reallocarray(cf->event_regions, cf->nevent_regions + 1,
	    sizeof *list);
	if (list == NULL)
		return config_nomem(ctx);
	cf->event_regions = list;
	if ((list[cf->nevent_regions] = strdup(item)) == NULL)
		return config_nomem(ctx);
	cf->nevent_regions++;
	return 0;
}

/*
 * A comma-separated list, or "all" (see config.h); empty means the
 * default.
 */
static int
config_set_regions(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	*copy, *p;
	size_t	 i;
	int	 r = 0;

	(void)field;
	if (*v == '\0')
		return 0;
	if (strcmp(v, "all") == 0) {
		ctx->cf->event_regions_all = 1;
		return 0;
	}
	if ((copy = strdup(v)) == NULL)
		return config_nomem(ctx);
	for (p = copy, i = 0; p != NULL && ctx->rc != DW_ENOMEM; i++)
		if (config_add_region(ctx, k, config_trim(strsep(&p, ",")),
		    i) != 0)
			r = -1;
	free(copy);
	return r;
}

static int
config_set_endpoint(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	const char	*why;

	if (*v != '\0' && (why = urlcheck_problem(v)) != NULL)
		return config_fail(ctx, "%s: %s", k->name, why);
	return config_replace(ctx, field, *v == '\0' ? NULL : v);
}

/* Setters for [sink NAME]; field points into the current sink. */

static struct config_sink *
config_sink(struct config_ctx *ctx)
{
	return &ctx->cf->sinks[ctx->cf->nsinks - 1];
}

static unsigned config_seen(const struct config_ctx *, const char *);

/* Of url/url_file and secret/secret_file, at most one. */
static int
config_exclusive(struct config_ctx *ctx, const char *key, const char *other)
{
	unsigned	line;

	if ((line = config_seen(ctx, other)) == 0)
		return 0;
	return config_fail(ctx, "%s and %s are mutually exclusive (%s is set "
	    "on line %u)", key, other, other, line);
}

static int
config_set_type(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	types[128];

	if (sink_ops_find(v) == NULL) {
		sink_type_list(types, sizeof(types));
		return config_fail(ctx, "%s: expected %s", k->name, types);
	}
	return config_replace(ctx, field, v);
}

/* A key of some sink type (topic_arn, ...): kept for the type to check. */
static int
config_sink_opt(struct config_ctx *ctx, const char *name, const char *v)
{
	struct config_sink	*s = config_sink(ctx);
	struct sink_opt		*o;
	size_t			 i;

	for (i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].key, name) == 0)
			return config_fail(ctx, "%s set twice (first on line "
			    "%u)", name, s->opts[i].line);
	if ((o = reallocarray(s->opts, s->nopts + 1, sizeof(*o))) == NULL)
		return config_nomem(ctx);
	s->opts = o;
	o = &s->opts[s->nopts];
	o->line = ctx->line;
	o->key = strdup(name);
	o->value = strdup(v);
	s->nopts++;
	if (o->key == NULL || o->value == NULL)
		return config_nomem(ctx);
	return 0;
}

/*
 * inih ends a value at " ;" (and we reject " #" alike): a secret that
 * holds one would be cut short silently, and every signature or post
 * would then fail at the receiver.
 */
static int
config_no_inline_comment(struct config_ctx *ctx, const char *key,
    const char *instead)
{
	if (!ctx->inline_comment)
		return 0;
	return config_fail(ctx, "%s: a ';' or '#' after a blank would end "
	    "the value there; put it in %s instead", key, instead);
}

/* "url" and "url_file", "heartbeat_url" and "heartbeat_url_file". */
static const char *
config_url_partner(const char *key, char *buf, size_t len)
{
	size_t	n = strlen(key);

	if (n > 5 && strcmp(key + n - 5, "_file") == 0)
		snprintf(buf, len, "%.*s", (int)(n - 5), key);
	else
		snprintf(buf, len, "%s_file", key);
	return buf;
}

static int
config_set_url(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	const char	*why;
	char		 other[64];

	config_url_partner(k->name, other, sizeof(other));
	if (config_exclusive(ctx, k->name, other) != 0 ||
	    config_no_inline_comment(ctx, k->name, other) != 0)
		return -1;
	if ((why = urlcheck_problem(v)) != NULL)
		return config_fail(ctx, "%s: %s", k->name, why);
	secret_free(*(char **)field);
	if ((*(char **)field = strdup(v)) == NULL)
		return config_nomem(ctx);
	return 0;
}

static int
config_set_url_file(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	const char	*why;
	char		*path = NULL, *url = NULL, other[64];
	int		 r = -1;

	config_url_partner(k->name, other, sizeof(other));
	if (config_exclusive(ctx, k->name, other) != 0 ||
	    config_secret_file(ctx, k->name, v, &path, &url) != 0)
		goto out;
	if ((why = urlcheck_problem(url)) != NULL) {
		config_fail(ctx, "%s %s: %s", k->name, path, why);
		goto out;
	}
	secret_free(*(char **)field);
	*(char **)field = url;
	url = NULL;
	r = 0;
out:
	secret_free(url);
	free(path);
	return r;
}

static int
config_set_secret(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	if (config_exclusive(ctx, k->name, "secret_file") != 0 ||
	    config_no_inline_comment(ctx, k->name, "secret_file") != 0)
		return -1;
	secret_free(*(char **)field);
	*(char **)field = NULL;
	if (*v != '\0' && (*(char **)field = strdup(v)) == NULL)
		return config_nomem(ctx);
	return 0;
}

static int
config_set_secret_file(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	*path = NULL, *secret = NULL;
	int	 r = -1;

	if (config_exclusive(ctx, k->name, "secret") == 0 &&
	    config_secret_file(ctx, k->name, v, &path, &secret) == 0) {
		secret_free(*(char **)field);
		*(char **)field = secret;
		r = 0;
	}
	free(path);
	return r;
}

static int
config_set_remind(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	hi[16];

	if (strcmp(v, "off") == 0) {
		*(unsigned *)field = 0;
		return 0;
	}
	if (config_parse_duration(v, k->min, k->max, field) == 0)
		return 0;
	config_fmt_duration(k->max, hi, sizeof hi);
	return config_fail(ctx, "%s: expected off (or 0) or a duration up to "
	    "%s, like \"4h\" or \"1d\"", k->name, hi);
}

static int
config_set_severity(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	if (severity_parse(v, field) != 0)
		return config_fail(ctx, "%s: expected info, low, medium, high "
		    "or critical", k->name);
	return 0;
}

static int
config_set_kinds(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	char	bad[CONFIG_NAME_MAX + 1], words[128];

	if (sink_kinds_parse(v, field, bad, sizeof(bad)) == 0)
		return 0;
	sink_kinds_list(words, sizeof(words));
	return config_fail(ctx, "%s: \"%s\" is not a kind of alert; expected "
	    "%s (or all)", k->name, config_safe(bad), words);
}

static int
config_set_timeout(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	unsigned	secs;

	if (config_set_duration(ctx, k, v, &secs) != 0)
		return -1;
	*(long *)field = (long)secs * 1000;
	return 0;
}

static int
config_set_enabled(struct config_ctx *ctx, const struct config_key *k,
    const char *v, void *field)
{
	int	on;

	(void)field;
	if (config_parse_bool(v, &on) != 0)
		return config_fail(ctx, "%s: expected yes or no (or true/false, "
		    "on/off, 1/0)", k->name);
	ctx->sink_off[ctx->cf->nsinks - 1] = !on;
	return 0;
}

#define CF(f)	offsetof(struct config, f)
#define SK(f)	offsetof(struct config_sink, f)

static const struct config_key config_daemon_keys[] = {
	{ "state_directory", config_set_path, CF(state_dir), 1, 0 },
	{ "baseline", config_set_path, CF(baseline_path), 1, 0 },
	{ "poll_interval", config_set_duration, CF(poll_interval), 1, DAY },
	{ "event_poll_interval", config_set_duration,
	    CF(event_poll_interval), 1, DAY },
	/* shorter than CloudTrail's delivery lag misses events for good */
	{ "event_overlap", config_set_duration, CF(event_overlap),
	    5 * MINUTE, DAY },
	{ "event_lookback", config_set_duration, CF(event_lookback), 1,
	    90 * DAY },
	/* pages of 50 events; a lookup never holds more than 20000 */
	{ "event_max_pages", config_set_count, CF(event_max_pages), 1, 400 },
	{ "blind_after", config_set_count, CF(blind_after), 1, 1000 },
	/* 0 (or "off"): no reminders */
	{ "remind_after", config_set_remind, CF(remind_after), 0, 90 * DAY },
	{ "remind_after_critical", config_set_remind,
	    CF(remind_after_sev[SEV_CRITICAL]), 0, 90 * DAY },
	{ "remind_after_high", config_set_remind,
	    CF(remind_after_sev[SEV_HIGH]), 0, 90 * DAY },
	{ "remind_after_medium", config_set_remind,
	    CF(remind_after_sev[SEV_MEDIUM]), 0, 90 * DAY },
	{ "remind_after_low", config_set_remind,
	    CF(remind_after_sev[SEV_LOW]), 0, 90 * DAY },
	{ "log_level", config_set_log_level, CF(log_level), 0, 0 },
	{ "metrics_textfile", config_set_path, CF(metrics_textfile), 0, 0 },
	/* a secret like a sink URL: checked, never quoted back */
	{ "heartbeat_url", config_set_url, CF(heartbeat_url), 0, 0 },
	{ "heartbeat_url_file", config_set_url_file, CF(heartbeat_url), 0, 0 },
	{ "heartbeat_interval", config_set_duration, CF(heartbeat_interval),
	    1, DAY },
	{ NULL, NULL, 0, 0, 0 }
};

static const struct config_key config_aws_keys[] = {
	{ "profile", config_set_string, CF(aws_profile), 0, 0 },
	{ "region", config_set_region, CF(aws_region), 0, 0 },
	{ "endpoint_url", config_set_endpoint, CF(aws_endpoint_url), 0, 0 },
	{ "ca_bundle", config_set_path, CF(aws_ca_bundle), 0, 0 },
	{ "event_regions", config_set_regions, CF(event_regions), 0, 0 },
	{ "credentials_file", config_set_path, CF(aws_credentials_file), 0, 0 },
	{ "config_file", config_set_path, CF(aws_config_file), 0, 0 },
	{ NULL, NULL, 0, 0, 0 }
};

static const struct config_key config_sink_keys[] = {
	{ "type", config_set_type, SK(type), 0, 0 },
	{ "url", config_set_url, SK(url), 0, 0 },
	{ "url_file", config_set_url_file, SK(url), 0, 0 },
	{ "secret", config_set_secret, SK(secret), 0, 0 },
	{ "secret_file", config_set_secret_file, SK(secret), 0, 0 },
	{ "min_severity", config_set_severity, SK(min_severity), 0, 0 },
	{ "kinds", config_set_kinds, SK(kinds), 0, 0 },
	{ "timeout", config_set_timeout, SK(timeout_ms), 1, 5 * MINUTE },
	{ "enabled", config_set_enabled, 0, 0, 0 },
	{ NULL, NULL, 0, 0, 0 }
};

/* ctx->seen holds a line per key of a section */
_Static_assert(sizeof(config_daemon_keys) / sizeof(config_daemon_keys[0]) <=
    CONFIG_MAX_KEYS + 1, "raise CONFIG_MAX_KEYS");
_Static_assert(sizeof(config_aws_keys) / sizeof(config_aws_keys[0]) <=
    CONFIG_MAX_KEYS + 1, "raise CONFIG_MAX_KEYS");
_Static_assert(sizeof(config_sink_keys) / sizeof(config_sink_keys[0]) <=
    CONFIG_MAX_KEYS + 1, "raise CONFIG_MAX_KEYS");

static const struct config_key *config_keys[SEC_MAX] = {
	NULL, config_daemon_keys, config_aws_keys, config_sink_keys,
};

static int
config_key_index(const struct config_key *keys, const char *name)
{
	int	i;

	for (i = 0; keys[i].name != NULL; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

static unsigned
config_seen(const struct config_ctx *ctx, const char *name)
{
	int	i;

	if ((i = config_key_index(config_keys[ctx->sec], name)) == -1)
		return 0;
	return ctx->seen[i];
}

/* Sections. */

/* The outbox names files after sinks: one rule for both. */
static int
config_sink_name_valid(const char *name)
{
	return sink_name_valid(name);
}

static int
config_sink_grow(struct config_ctx *ctx)
{
	struct config		*cf = ctx->cf;
	struct config_sink	*sinks;
	unsigned char		*off;

	sinks = reallocarray(cf->sinks, cf->nsinks + 1, sizeof *sinks);
	if (sinks == NULL)
		return config_nomem(ctx);
	cf->sinks = sinks;
	off = realloc(ctx->sink_off, cf->nsinks + 1);
	if (off == NULL)
		return config_nomem(ctx);
	ctx->sink_off = off;
	return 0;
}

static int
config_sink_begin(struct config_ctx *ctx, const char *name)
{
	struct config		*cf = ctx->cf;
	struct config_sink	*s;
	size_t			 i;

	ctx->sec = SEC_SKIP;
	if (!config_sink_name_valid(name))
		return config_fail(ctx, "expected [sink NAME], NAME being 1 to "
		    "64 of A-Z a-z 0-9 _ - (its keys are not read)");
	for (i = 0; i < cf->nsinks; i++)
		if (strcmp(cf->sinks[i].name, name) == 0)
			return config_fail(ctx, "sink %s is defined twice "
			    "(first on line %u)", name, cf->sinks[i].line);
	if (config_sink_grow(ctx) != 0)
		return -1;
	ctx->sec = SEC_SINK;
	s = &cf->sinks[cf->nsinks];
	memset(s, 0, sizeof *s);
	s->min_severity = SEV_LOW;
	s->kinds = SINK_KINDS_ALL;
	s->timeout_ms = 10 * 1000;
	s->line = ctx->line;
	ctx->sink_off[cf->nsinks++] = 0;
	if ((s->name = strdup(name)) == NULL)
		return config_nomem(ctx);
	return 0;
}

/* The line of key, or of its _file form; the header's when unset. */
static unsigned
config_sink_key_line(struct config_ctx *ctx, const char *key,
    const char **name)
{
	const struct config_sink	*s = config_sink(ctx);
	unsigned			 line;
	size_t				 i;

	*name = key;
	for (i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].key, key) == 0)
			return s->opts[i].line;
	if ((line = config_seen(ctx, key)) != 0)
		return line;
	if (strcmp(key, "url") == 0)
		*name = "url_file";
	else if (strcmp(key, "secret") == 0)
		*name = "secret_file";
	if ((line = config_seen(ctx, *name)) != 0)
		return line;
	*name = key;
	return s->line;
}

static int
config_sink_has(const struct config_sink *s, const char *key)
{
	size_t	i;

	if (strcmp(key, "url") == 0)
		return s->url != NULL;
	if (strcmp(key, "secret") == 0)
		return s->secret != NULL;
	for (i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].key, key) == 0)
			return 1;
	return 0;
}

/* Every key set must be one the type takes. */
static int
config_sink_foreign(struct config_ctx *ctx, const struct sink_ops *ops,
    const char *key)
{
	const struct config_sink	*s = config_sink(ctx);
	const char			*name;
	char				 types[128];
	unsigned			 line;

	if (!config_sink_has(s, key) || sink_ops_takes(ops, key))
		return 0;
	line = config_sink_key_line(ctx, key, &name);
	sink_key_types(key, types, sizeof(types));
	return config_fail_at(ctx, line, DW_EPARSE, "%s: only %s sinks take "
	    "a %s (sink %s is type %s)", name, types, key, s->name, s->type);
}

/* The type's own checks: required keys, then each value. */
static int
config_sink_typed(struct config_ctx *ctx, const struct sink_ops *ops)
{
	const struct config_sink	*s = config_sink(ctx);
	const char			*req;
	char				 why[160];
	size_t				 i;
	int				 r = 0;

	if (config_sink_foreign(ctx, ops, "url") != 0)
		r = -1;
	if (config_sink_foreign(ctx, ops, "secret") != 0)
		r = -1;
	for (i = 0; i < s->nopts; i++)
		if (config_sink_foreign(ctx, ops, s->opts[i].key) != 0)
			r = -1;
	/* a line it could not read may have held the key */
	for (i = 0; !ctx->refused && ops->required != NULL &&
	    ops->required[i] != NULL; i++) {
		req = ops->required[i];
		/* set but refused is reported already, not as missing */
		if (config_sink_has(s, req) || config_seen(ctx, req) != 0 ||
		    (strcmp(req, "url") == 0 && config_seen(ctx, "url_file")))
			continue;
		r = config_fail_at(ctx, s->line, DW_EPARSE, "sink %s: "
		    "missing %s%s", s->name, req, strcmp(req, "url") == 0 ?
		    " or url_file" : "");
	}
	for (i = 0; ops->check != NULL && i < s->nopts; i++)
		if (ops->check(s->opts[i].key, s->opts[i].value, why,
		    sizeof(why)) != 0)
			r = config_fail_at(ctx, s->opts[i].line, DW_EPARSE,
			    "%s: %s", s->opts[i].key, why);
	return r;
}

/* A sink is complete at the next header or at the end of the file. */
static int
config_sink_end(struct config_ctx *ctx)
{
	struct config_sink	*s = config_sink(ctx);
	char			 types[128];

	if (s->type == NULL && config_seen(ctx, "type") != 0)
		return -1;	/* refused, and said so */
	if (s->type == NULL) {
		sink_type_list(types, sizeof(types));
		return config_fail_at(ctx, s->line, DW_EPARSE, "sink %s: "
		    "missing type (%s)", s->name, types);
	}
	return config_sink_typed(ctx, sink_ops_find(s->type));
}

/* [daemon] and [aws] appear at most once. */
static int
config_section_once(struct config_ctx *ctx, enum config_section sec)
{
	if (ctx->sec_line[sec] != 0) {
		ctx->sec = SEC_SKIP;
		return config_fail(ctx, "section [%s] repeated (first on line "
		    "%u): merge the two (its keys are not read)",
		    config_section_names[sec], ctx->sec_line[sec]);
	}
	ctx->sec_line[sec] = ctx->line;
	ctx->sec = sec;
	return 0;
}

static int
config_section_begin(struct config_ctx *ctx, const char *name)
{
	if (ctx->sec == SEC_SINK)
		config_sink_end(ctx);
	memset(ctx->seen, 0, sizeof ctx->seen);
	ctx->prev_key = 0;
	ctx->refused = 0;
	if (strcmp(name, "daemon") == 0)
		return config_section_once(ctx, SEC_DAEMON);
	if (strcmp(name, "aws") == 0)
		return config_section_once(ctx, SEC_AWS);
	if (strncmp(name, "sink", 4) == 0 && (name[4] == ' ' || !name[4]))
		return config_sink_begin(ctx, name[4] ? name + 5 : "");
	ctx->sec = SEC_SKIP;
	return config_fail(ctx, "unknown section [%s]; expected [daemon], "
	    "[aws] or [sink NAME] (its keys are not read)", config_safe(name));
}

/* The reader: one line per call, as fgets would give inih. */

/* Sees what inih is about to: blanks that make a continuation line, and
 * "[section]" headers, which are checked here. */
static int
config_note_line(struct config_ctx *ctx, const char *line)
{
	const char	*s = line, *e;
	char		*name;
	int		 r;

	if (ctx->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		line = s += 3;
	e = strchr(s, '=');
	ctx->inline_comment = e != NULL && (strstr(e, " ;") != NULL ||
	    strstr(e, "\t;") != NULL || strstr(e, " #") != NULL ||
	    strstr(e, "\t#") != NULL);
	s += strspn(s, " \t\r\n\v\f");
	ctx->indented = s != line && *s != '\0' && strchr(";#", *s) == NULL;
	if (*s == '\0' || strchr(";#", *s) != NULL ||
	    (ctx->indented && ctx->prev_key))
		return 0;	/* blank, comment, or continuation: see config_set */
	if (*s != '[') {
		if (strpbrk(s, "=:") == NULL)
			return config_fail(ctx, "syntax error: expected "
			    "\"[section]\", \"key = value\" or a comment");
		return 0;
	}
	if ((e = strchr(s, ']')) == NULL) {
		if (ctx->sec == SEC_SINK)
			config_sink_end(ctx);
		ctx->sec = SEC_SKIP;
		return config_fail(ctx, "syntax error: expected ']' to end "
		    "the section header (its keys are not read)");
	}
	if ((name = strndup(s + 1, (size_t)(e - s - 1))) == NULL)
		return config_nomem(ctx);
	r = config_section_begin(ctx, name);
	free(name);
	return r;
}

static char *
config_reader(char *str, int num, void *stream)
{
	struct config_ctx	*ctx = stream;
	const char		*p, *nl;
	size_t			 len;

	if (ctx->rc == DW_ENOMEM || ctx->off >= ctx->len || num < 3)
		return NULL;
	p = ctx->buf + ctx->off;
	nl = memchr(p, '\n', ctx->len - ctx->off);
	len = nl != NULL ? (size_t)(nl - p) + 1 : ctx->len - ctx->off;
	ctx->off += len;
	ctx->line++;
	/* a line we cannot pass on reaches inih as a blank one */
	if (memchr(p, '\0', len) != NULL) {
		config_fail(ctx, "NUL byte in line");
		ctx->refused = 1;
		return strcpy(str, "\n");
	}
	if (len > (size_t)num - 1) {
		config_fail(ctx, "line longer than %d bytes; put a long URL "
		    "in a url_file", num - 2);
		ctx->refused = 1;
		return strcpy(str, "\n");
	}
	memcpy(str, p, len);
	str[len] = '\0';
	config_note_line(ctx, str);
	return ctx->rc == DW_ENOMEM ? NULL : str;
}

/* The handler: one "key = value" in the section the reader saw. */

static void *
config_base(struct config_ctx *ctx)
{
	return ctx->sec == SEC_SINK ? (void *)config_sink(ctx) : ctx->cf;
}

static int
config_set(struct config_ctx *ctx, const char *name, const char *value)
{
	const struct config_key	*k;
	int			 i;

	if (ctx->indented && ctx->prev_key)
		return config_fail(ctx, "indented line continues %s; multi-line "
		    "values are not supported", config_safe(name));
	ctx->prev_key = 1;
	if (ctx->sec == SEC_SKIP)
		return 0;
	if (ctx->sec == SEC_NONE)
		return config_fail(ctx, "key \"%s\" outside any section",
		    config_safe(name));
	i = config_key_index(config_keys[ctx->sec], name);
	if (i == -1 && ctx->sec == SEC_SINK && sink_key_known(name))
		return config_sink_opt(ctx, name, value);
	if (i == -1)
		return config_fail(ctx, "unknown key \"%s\" in [%s]",
		    config_safe(name), config_section_names[ctx->sec]);
	k = &config_keys[ctx->sec][i];
	if (ctx->seen[i] != 0)
		return config_fail(ctx, "%s set twice (first on line %u)",
		    k->name, ctx->seen[i]);
	ctx->seen[i] = ctx->line;
	return k->set(ctx, k, value, (char *)config_base(ctx) + k->off);
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_ctx	*ctx = user;

	(void)section;
	if (ctx->rc == DW_ENOMEM)
		return 0;
	return config_set(ctx, name, value) == 0;
}

/* Defaults, the end of parsing, and freeing. */

static void
config_sink_clear(struct config_sink *s)
{
	size_t	i;

	for (i = 0; i < s->nopts; i++) {
		free(s->opts[i].key);
		free(s->opts[i].value);
	}
	free(s->opts);
	free(s->name);
	free(s->type);
	secret_free(s->url);
	secret_free(s->secret);
	memset(s, 0, sizeof *s);
}

/* Drops the sinks that say enabled = no; they were checked all the same. */
static void
config_sinks_compact(struct config_ctx *ctx)
{
	struct config	*cf = ctx->cf;
	size_t		 i, n = 0;

	for (i = 0; i < cf->nsinks; i++) {
		if (ctx->sink_off[i])
			config_sink_clear(&cf->sinks[i]);
		else
			cf->sinks[n++] = cf->sinks[i];
	}
	cf->nsinks = n;
}

static void
config_finish(struct config_ctx *ctx, int inirc)
{
	if (inirc == -2 || (inirc < 0 && ctx->rc == 0)) {
		config_nomem(ctx);
		return;
	}
	/* inih names only its first bad line; ours are noted already */
	if (inirc > 0 && !config_has_error(ctx, (unsigned)inirc))
		config_fail_at(ctx, (unsigned)inirc, DW_EPARSE, "syntax error: "
		    "expected \"[section]\", \"key = value\" or a comment");
	if (ctx->rc != DW_ENOMEM && ctx->sec == SEC_SINK)
		config_sink_end(ctx);
	if (ctx->rc == 0)
		config_sinks_compact(ctx);
}

static char *
config_state_dir_default(void)
{
	const char	*env = getenv("STATE_DIRECTORY");

	/* systemd lists several StateDirectory= paths with colons. */
	if (env != NULL && env[0] == '/')
		return strndup(env, strcspn(env, ":"));
	return strdup("/var/lib/driftwatch");
}

struct config *
config_default(void)
{
	struct config	*cf;
	int		 i;

	if ((cf = calloc(1, sizeof *cf)) == NULL)
		return NULL;
	cf->poll_interval = 5 * MINUTE;
	cf->event_poll_interval = MINUTE;
	cf->event_overlap = 15 * MINUTE;
	cf->event_lookback = 15 * MINUTE;
	cf->event_max_pages = 400;
	cf->blind_after = 3;
	cf->heartbeat_interval = 5 * MINUTE;
	cf->remind_after = 0;
	for (i = 0; i <= SEV_CRITICAL; i++)
		cf->remind_after_sev[i] = CONFIG_REMIND_UNSET;
	cf->state_dir = config_state_dir_default();
	cf->baseline_path = strdup(BASELINE_DEFAULT_PATH);
	cf->aws_region = strdup("us-east-1");
	if (cf->state_dir == NULL || cf->baseline_path == NULL ||
	    cf->aws_region == NULL) {
		config_free(cf);
		return NULL;
	}
	return cf;
}

/* The file as a whole: "PATH: message", no line. */
static void
config_file_fail(struct config_ctx *ctx, int r)
{
	const char	*why = r == DW_EIO ? strerror(errno) :
			    r == DW_ETOOBIG ? "larger than 1 MiB" :
			    "out of memory";

	ctx->rc = r;
	ctx->total++;
	if ((ctx->errs = calloc(1, sizeof(*ctx->errs))) != NULL &&
	    asprintf(&ctx->errs[0].text, "%s: %s", ctx->path, why) != -1)
		ctx->nerrs = 1;
}

/* By line (stable), one a line, as many whole lines as err holds. */
static void
config_errors_write(struct config_ctx *ctx, char *err, size_t errlen)
{
	struct config_error	 e;
	size_t			 i, j, n = 0;

	if (errlen == 0)
		return;
	err[0] = '\0';
	for (i = 1; i < ctx->nerrs; i++) {
		e = ctx->errs[i];
		for (j = i; j > 0 && ctx->errs[j - 1].line > e.line; j--)
			ctx->errs[j] = ctx->errs[j - 1];
		ctx->errs[j] = e;
	}
	for (i = 0; i < ctx->nerrs; i++) {
		/* room kept for the last line, "\nPATH: N more error(s)" */
		if (i > 0 && n + strlen(ctx->errs[i].text) + 1 + (i + 1 <
		    ctx->total ? strlen(ctx->path) + 40 : 0) >= errlen)
			break;
		n += (size_t)snprintf(err + n, errlen - n, "%s%s",
		    i > 0 ? "\n" : "", ctx->errs[i].text);
		if (n >= errlen)
			return;
	}
	if (i < ctx->total)
		snprintf(err + n, errlen - n, "%s%s: %zu more error(s)",
		    n > 0 ? "\n" : "", ctx->path, ctx->total - i);
}

static void
config_ctx_clear(struct config_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->nerrs; i++)
		free(ctx->errs[i].text);
	free(ctx->errs);
	if (ctx->buf != NULL)
		OPENSSL_cleanse(ctx->buf, ctx->len);
	free(ctx->buf);
	free(ctx->dir);
	free(ctx->sink_off);
	config_free(ctx->cf);
}

/* The region, where [aws] region leaves it unset (config_region.c). */
static void
config_region(struct config_ctx *ctx)
{
	char	why[512];
	int	r;

	if (ctx->region_line != 0) {
		free(ctx->cf->aws_region_from);
		if (asprintf(&ctx->cf->aws_region_from, "%s:%u", ctx->path,
		    ctx->region_line) == -1) {
			ctx->cf->aws_region_from = NULL;
			config_nomem(ctx);
		}
		return;
	}
	if ((r = config_region_resolve(ctx->cf, why, sizeof why)) != 0)
		config_fail_at(ctx, 0, r, "%s", why);
}

static int
config_read(const char *path, struct config **out, int keep, char *err,
    size_t errlen)
{
	struct config_ctx	ctx;
	int			r;

	*out = NULL;
	memset(&ctx, 0, sizeof ctx);
	ctx.path = path;
	if ((ctx.cf = config_default()) == NULL ||
	    (ctx.cf->path = strdup(path)) == NULL ||
	    (ctx.dir = config_dir(path)) == NULL)
		config_file_fail(&ctx, DW_ENOMEM);
	else if ((r = config_read_file(path, CONFIG_MAX_SIZE, &ctx.buf,
	    &ctx.len)) != 0)
		config_file_fail(&ctx, r);
	else {
		config_finish(&ctx, ini_parse_stream(config_reader, &ctx,
		    config_handler, &ctx));
		if (ctx.rc != DW_ENOMEM)
			config_region(&ctx);
	}
	if (ctx.rc == 0 || (keep && ctx.rc == DW_EPARSE)) {
		*out = ctx.cf;
		ctx.cf = NULL;
	}
	config_errors_write(&ctx, err, errlen);
	r = ctx.rc;
	config_ctx_clear(&ctx);
	return r;
}

int
config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	return config_read(path, out, 0, err, errlen);
}

int
config_load_all(const char *path, struct config **out, char *err,
    size_t errlen)
{
	return config_read(path, out, 1, err, errlen);
}

void
config_free(struct config *cf)
{
	size_t	i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nsinks; i++)
		config_sink_clear(&cf->sinks[i]);
	free(cf->sinks);
	for (i = 0; i < cf->nevent_regions; i++)
		free(cf->event_regions[i]);
	free(cf->event_regions);
	free(cf->path);
	free(cf->state_dir);
	free(cf->baseline_path);
	free(cf->aws_profile);
	free(cf->aws_region);
	free(cf->aws_region_from);
	free(cf->aws_endpoint_url);
	free(cf->aws_ca_bundle);
	free(cf->aws_credentials_file);
	free(cf->aws_config_file);
	free(cf->metrics_textfile);
	secret_free(cf->heartbeat_url);
	free(cf);
}
