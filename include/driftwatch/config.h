/*
 * The daemon's settings: /etc/driftwatch/driftwatchd.conf, an INI file.
 * Strict: an unknown section or key, a repeated key or a bad value is an
 * error "PATH:LINE: message" naming the key, never its value.
 *
 * Every error is reported, one a line ("PATH:LINE: message"), not just
 * the first.
 *
 * Sink URLs and secrets (from url, url_file, secret, secret_file) live
 * only here, in memory, and are wiped by config_free().  Environment
 * overrides that the AWS SDKs give precedence (AWS_PROFILE when profile
 * is unset, AWS_ENDPOINT_URL, AWS_CA_BUNDLE) are applied by the modules
 * that use them; applied here are $STATE_DIRECTORY, to the default, and
 * the region when [aws] region is unset: AWS_REGION, AWS_DEFAULT_REGION,
 * then the profile's region in the shared config file, then us-east-1.
 */
#ifndef DRIFTWATCH_CONFIG_H
#define DRIFTWATCH_CONFIG_H

#include <limits.h>
#include <stddef.h>

#include "driftwatch/alert.h"
#include "driftwatch/sink.h"

/* Under configure's --sysconfdir (/etc/driftwatch for --sysconfdir=/etc). */
#ifdef SYSCONFDIR
#define CONFIG_DEFAULT_PATH	SYSCONFDIR "/driftwatch/driftwatchd.conf"
#else
#define CONFIG_DEFAULT_PATH	"/etc/driftwatch/driftwatchd.conf"
#endif

struct config_sink {
	char		*name;		/* [sink NAME] */
	char		*type;		/* a type in sink.c's table */
	char		*url;		/* secret: wiped on free */
	char		*secret;	/* HMAC key or NULL; wiped on free */
	enum severity	 min_severity;
	unsigned	 kinds;		/* SINK_KIND_* bits; default all */
	long		 timeout_ms;
	unsigned	 line;		/* of the [sink NAME] header */
	/* The type's own keys (topic_arn, ...), checked by its backend. */
	struct sink_opt	*opts;
	size_t		 nopts;
};

struct config {
	char		*path;		/* as given to config_load() */
	char		*state_dir;
	char		*baseline_path;	/* absolute */
	unsigned	 poll_interval;	/* seconds, all four */
	unsigned	 event_poll_interval;
	unsigned	 event_overlap;
	unsigned	 event_lookback;
	unsigned	 event_max_pages;	/* per lookup of a window piece */
	unsigned	 blind_after;
	/* Reminder intervals in seconds, 0 never; per severity, the
	 * remind_after_<severity> override or else remind_after. */
	unsigned	 remind_after;
	unsigned	 remind_after_sev[SEV_CRITICAL + 1];
	int		 log_level;	/* 0 info, 1 debug, 2 trace */
	char		*metrics_textfile;	/* NULL: none written */
	char		*heartbeat_url;	/* NULL: none; secret, wiped */
	unsigned	 heartbeat_interval;	/* seconds */

	/* NULL when unset. */
	char		*aws_profile;
	char		*aws_region;	/* never NULL */
	/* Where aws_region came from: "FILE:LINE", "AWS_REGION", ... */
	char		*aws_region_from;
	char		*aws_endpoint_url;
	char		*aws_ca_bundle;
	char		*aws_credentials_file;
	char		*aws_config_file;
	/* Empty: us-east-1 plus each baseline trail's home region. */
	char		**event_regions;
	size_t		 nevent_regions;
	/* event_regions = all: those, plus every region enabled for the
	 * account (Account ListRegions). */
	int		 event_regions_all;

	/* Enabled sinks only, in file order; may be none. */
	struct config_sink *sinks;
	size_t		 nsinks;
};

#define CONFIG_REMIND_UNSET	UINT_MAX
/* The reminder interval for a severity, in seconds; 0: never. */
unsigned	config_remind_after(const struct config *, enum severity);

/* The defaults (with $STATE_DIRECTORY applied); NULL on ENOMEM. */
struct config	*config_default(void);
/*
 * 0 and *out set, or DW_EPARSE, DW_EIO, DW_ETOOBIG (file over 1 MiB, or
 * a url_file/secret_file over 64 KiB) or DW_ENOMEM with err holding
 * "PATH:LINE: message" ("PATH: message" when the file can't be read).
 */
int		 config_load(const char *path, struct config **out, char *err,
		    size_t errlen);
/* As config_load(), but after DW_EPARSE *out is set too, to what could
 * be read, so that validate goes on to the baseline it names. */
int		 config_load_all(const char *path, struct config **out,
		    char *err, size_t errlen);
void		 config_free(struct config *);

/*
 * cf->aws_region and aws_region_from from the environment or the
 * profile (config_region.c), [aws] region being unset: 0, or DW_EPARSE
 * (a value that is not a region, named in why) or DW_ENOMEM.
 */
int		 config_region_resolve(struct config *cf, char *why,
		    size_t whylen);

#endif
