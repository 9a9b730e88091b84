/*
 * The baseline: /etc/driftwatch/baseline.json, what the management
 * account should look like.  Every section is optional and a missing
 * setting means "not checked" (TRI_UNSET, NULL or an empty list).
 *
 * Errors: "PATH:LINE:COLUMN: json-c's message" for syntax, and
 * "PATH: json.path: what was expected" for content, e.g.
 * "baseline.json: cloudtrail.trails[0].home_region: expected a string
 * like \"eu-west-1\"".  Keys starting with "_", and "$schema", are
 * comments; any other unknown key is an error.
 */
#ifndef DRIFTWATCH_BASELINE_H
#define DRIFTWATCH_BASELINE_H

#include <stddef.h>

#define BASELINE_DEFAULT_PATH	"/etc/driftwatch/baseline.json"
#define BASELINE_MAX_SIZE	(1024 * 1024)

enum tristate {
	TRI_UNSET = -1,
	TRI_FALSE = 0,
	TRI_TRUE = 1,
};

struct baseline_trail {
	char		*name;		/* never NULL */
	char		*home_region;	/* never NULL */
	enum tristate	 multi_region;
	enum tristate	 include_global_service_events;
	enum tristate	 log_file_validation;
	enum tristate	 logging;
	char		*s3_bucket;	/* NULL: not checked */
};

struct baseline {
	char			*path;		/* for messages */
	char			*account_id;	/* 12 digits, or NULL */
	enum tristate		 root_mfa;
	enum tristate		 root_access_keys;
	enum tristate		 iam_user_mfa;
	char			**mfa_exempt_users;
	size_t			 nmfa_exempt_users;
	struct baseline_trail	*trails;
	size_t			 ntrails;
};

/* 0 and *out set, or DW_EPARSE, DW_EIO, DW_ETOOBIG or DW_ENOMEM with
 * err set as above ("PATH: No such file or directory" and so on). */
int	baseline_load(const char *path, struct baseline **out, char *err,
	    size_t errlen);
/* The same for a buffer; path_for_messages may be NULL. */
int	baseline_parse(const char *path_for_messages, const char *buf,
	    size_t len, struct baseline **out, char *err, size_t errlen);
void	baseline_free(struct baseline *);
/* 1 if user is in iam.mfa_exempt_users, else 0. */
int	baseline_user_mfa_exempt(const struct baseline *, const char *user);

#endif
