/*
 * AWS credentials: the keys themselves, how long they last, and what
 * the local sources (environment, systemd's LoadCredential=, the shared
 * credentials and config files) say to use.
 *
 * Reading the local sources is synchronous and never touches the
 * network: aws_creds_from_*() say which static keys to start from and
 * which roles to assume with them, in order.  The providers in
 * creds_provider.h turn that into credentials on the event loop and
 * refresh them; callers only ever see struct aws_creds.
 */
#ifndef DRIFTWATCH_AWS_CREDS_H
#define DRIFTWATCH_AWS_CREDS_H

#include <stddef.h>
#include <time.h>

/*
 * Temporary credentials are refreshed a quarter of their lifetime, at
 * most AWS_CREDS_REFRESH_AHEAD seconds, before they expire, and never
 * signed with in their last tenth, at most AWS_CREDS_EXPIRY_MARGIN
 * seconds: a request must reach AWS before its token expires.
 */
#define AWS_CREDS_REFRESH_AHEAD	300
#define AWS_CREDS_EXPIRY_MARGIN	60

struct aws_creds {
	char	*access_key_id;
	char	*secret_access_key;
	char	*session_token;		/* NULL for long-term keys */
	time_t	 expiration;		/* 0: never */
	time_t	 obtained;		/* when they were issued; 0: unknown */
	char	 source[64];		/* where they came from; never a secret */
};

/* A new set (copies of the strings), or NULL when out of memory. */
struct aws_creds *aws_creds_new(const char *akid, const char *secret,
		    const char *token, const char *source);
/* Wipes the secrets with OPENSSL_cleanse.  NULL is a no-op. */
void		 aws_creds_free(struct aws_creds *);
/* A deep copy, or NULL when out of memory. */
struct aws_creds *aws_creds_dup(const struct aws_creds *);
/* Non-empty keys, and not yet inside the expiry margin at now. */
int		 aws_creds_valid(const struct aws_creds *, time_t now);
/* The last second they may sign at, or 0 when they never expire. */
time_t		 aws_creds_usable_until(const struct aws_creds *);
/*
 * When to fetch new ones: the refresh lead before expiry, moved earlier
 * by jitter (0..1) times half of it, so that daemons started together
 * do not all call STS at once.  0 when they never expire.
 */
time_t		 aws_creds_refresh_at(const struct aws_creds *, double jitter);

struct aws_creds_options {
	const char	*profile;	   /* NULL: $AWS_PROFILE, else "default" */
	const char	*credentials_file; /* NULL: $AWS_SHARED_CREDENTIALS_FILE,
					      else ~/.aws/credentials */
	const char	*config_file;	   /* NULL: $AWS_CONFIG_FILE,
					      else ~/.aws/config */
};

/*
 * A role profile (role_arn + source_profile), with its settings as
 * botocore reads them.  Every string is owned; NULL when not set.
 */
struct aws_creds_role {
	char	*profile;
	char	*origin;		/* "FILE:LINE" of its role_arn */
	char	*role_arn;
	char	*external_id;
	char	*session_name;		/* role_session_name */
	int	 duration_seconds;	/* 0: not set (STS's default, 1 h) */
};

/*
 * What a local source found: static keys, then the roles to assume,
 * each with the credentials of the step before it (roles[0] with
 * creds).  region and sts_regional_endpoints are the named profile's
 * (botocore reads them from the profile in use, not from the source
 * profiles); NULL when not set.
 */
struct aws_creds_found {
	struct aws_creds	*creds;
	struct aws_creds_role	*roles;
	size_t			 nroles;
	char			*region;
	char			*sts_regional_endpoints;
};

void		 aws_creds_found_free(struct aws_creds_found *);

/*
 * The local sources, one each.  0 with *out filled in (free with
 * aws_creds_found_free), DW_ENOTFOUND when the source is absent, or
 * DW_ECREDS (present but unusable), DW_EPARSE (malformed file),
 * DW_ETOOBIG (a file over 1 MiB) or DW_ENOMEM, with err holding a
 * message that names the file and line and never holds a secret.
 * opts may be NULL.  A profile named in opts skips the environment, as
 * in botocore; $AWS_PROFILE alone does not.
 */
int		 aws_creds_from_env(const struct aws_creds_options *,
		    struct aws_creds_found *, char *, size_t);
int		 aws_creds_from_web_identity_env(const struct aws_creds_options *,
		    struct aws_creds_found *, char *, size_t);
int		 aws_creds_from_systemd(const struct aws_creds_options *,
		    struct aws_creds_found *, char *, size_t);
/*
 * DW_ENOTFOUND (with err saying what was looked for) only when no
 * profile was named; a named profile that is missing is DW_ECREDS.
 */
int		 aws_creds_from_shared(const struct aws_creds_options *,
		    struct aws_creds_found *, char *, size_t);

#endif
