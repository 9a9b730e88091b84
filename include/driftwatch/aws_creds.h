/*
 * AWS credentials: where they come from and how long they last.
 *
 * aws_creds_resolve() walks the static sources (environment, systemd's
 * LoadCredential=, the shared credentials and config files) once, at
 * start or reload; it reads small local files and never touches the
 * network.  Refreshing sources (STS AssumeRole, web identity, container,
 * IMDSv2) will be asynchronous providers on the event loop that hand out
 * the same struct aws_creds, so callers only ever deal with this type.
 */
#ifndef DRIFTWATCH_AWS_CREDS_H
#define DRIFTWATCH_AWS_CREDS_H

#include <stddef.h>
#include <time.h>

/* Seconds before expiration at which credentials count as stale. */
#define AWS_CREDS_REFRESH_MARGIN	300

struct aws_creds {
	char	*access_key_id;
	char	*secret_access_key;
	char	*session_token;		/* NULL for long-term keys */
	time_t	 expiration;		/* 0: never */
	char	 source[64];		/* where they came from; never a secret */
};

/* Wipes the secrets with OPENSSL_cleanse.  NULL is a no-op. */
void		 aws_creds_free(struct aws_creds *);
/* A deep copy, or NULL when out of memory. */
struct aws_creds *aws_creds_dup(const struct aws_creds *);
/* Non-empty keys and more than AWS_CREDS_REFRESH_MARGIN before expiry. */
int		 aws_creds_valid(const struct aws_creds *, time_t);

struct aws_creds_options {
	const char	*profile;	   /* NULL: $AWS_PROFILE, else "default" */
	const char	*credentials_file; /* NULL: $AWS_SHARED_CREDENTIALS_FILE,
					      else ~/.aws/credentials */
	const char	*config_file;	   /* NULL: $AWS_CONFIG_FILE,
					      else ~/.aws/config */
};

/*
 * Walks the chain: environment, $CREDENTIALS_DIRECTORY/aws, then the
 * shared files.  Returns 0 and *out (free with aws_creds_free), or
 * DW_ECREDS (nothing usable), DW_EPARSE (malformed file), DW_ETOOBIG
 * (a file over 1 MiB) or DW_ENOMEM, with err holding a message that
 * names the file and line; the message never holds a secret.  opts may
 * be NULL.
 */
int		 aws_creds_resolve(const struct aws_creds_options *,
		    struct aws_creds **, char *, size_t);

#endif
