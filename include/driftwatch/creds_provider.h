/*
 * Credential providers, in the style of aws-c-auth: a provider hands
 * out credentials asynchronously and keeps them fresh itself.
 *
 * The provider (creds_provider.c) owns the cache, the refresh timer and
 * the queue of waiting gets; a source (creds_static.c,
 * creds_assume_role.c, ...) only knows how to fetch one new set.  A
 * new credential source is one file with a struct creds_source and one
 * line in creds_chain.c's table.
 *
 * Timing: temporary credentials are fetched again a quarter of their
 * lifetime (at most 5 minutes) before they expire, with jitter; until
 * then, and while that refresh is under way, gets are served the old
 * ones.  A failed refresh keeps the old credentials until they are too
 * close to expiry to sign with (aws_creds_valid), retrying meanwhile;
 * only then do gets wait, and fail if the next fetch fails too.
 */
#ifndef DRIFTWATCH_CREDS_PROVIDER_H
#define DRIFTWATCH_CREDS_PROVIDER_H

#include <stddef.h>

#include "driftwatch/aws_creds.h"

struct event_base;
struct http_client;
struct creds_provider;
struct creds_get;

/*
 * The answer to a get: credentials (borrowed for the call: dup them to
 * keep them), or NULL with a negative DW_ error and a message that
 * names the source and never holds a secret.
 */
typedef void	(*creds_get_cb)(const struct aws_creds *, int error,
		    const char *message, void *arg);

/*
 * Asks for credentials.  The callback always runs later from the loop,
 * never inside this call, exactly once unless the get is cancelled.
 * NULL when out of memory.
 */
struct creds_get	*creds_provider_get(struct creds_provider *,
			    creds_get_cb, void *);
/* No callback after this.  NULL is a no-op. */
void			 creds_get_cancel(struct creds_get *);
/* Credentials that may sign now, or NULL (then get and wait).  Borrowed. */
const struct aws_creds	*creds_provider_current(const struct creds_provider *);
/* What it is, for logs: "profile ops (role ... via profile base)". */
const char		*creds_provider_name(const struct creds_provider *);
/* The last fetch's error message, "" when it succeeded. */
const char		*creds_provider_error(const struct creds_provider *);
/*
 * Told after each fetch ends, with 0 or the error and its message: the
 * daemon turns failures into a blind "credentials" check.  The callback
 * must not free the provider.
 */
typedef void	(*creds_watch_cb)(const struct creds_provider *, int error,
		    const char *message, void *arg);
void			 creds_provider_set_watch(struct creds_provider *,
			    creds_watch_cb, void *);
/* Pending gets are cancelled without a callback.  NULL is a no-op. */
void			 creds_provider_free(struct creds_provider *);

/* For sources: how one new set of credentials is fetched. */
typedef void	(*creds_fetch_done)(struct creds_provider *,
		    struct aws_creds *, int error, const char *message);

struct creds_source {
	const char	*kind;		/* "static", "assume-role", ... */
	/*
	 * Starts one fetch; later (or before returning) calls done once
	 * with new credentials (ownership passes) or an error.  A
	 * negative return means it did not start, and done is not called.
	 */
	int		(*fetch)(void *impl, struct creds_provider *,
			    creds_fetch_done);
	/* Stops a fetch under way: done is not called.  May be NULL. */
	void		(*cancel)(void *impl);
	void		(*free)(void *impl);
};

/* Takes impl (freed with src->free, also on failure).  NULL: no memory. */
struct creds_provider	*creds_provider_new(struct event_base *,
			    const struct creds_source *, void *impl,
			    const char *name);

/* Sources. */

/* Always the same keys; takes creds. */
struct creds_provider	*creds_static_new(struct event_base *,
			    struct aws_creds *);

/* Where STS is and how to reach it; strings borrowed for the call. */
struct creds_sts_options {
	const char	*region;	/* the STS region; NULL: us-east-1 */
	const char	*endpoint_url;	/* the config file's; env wins */
	const char	*ca_bundle;
	long		 timeout_ms;
};

/*
 * STS AssumeRole for one role profile, signed with what source gives
 * (taken: freed with this provider).  NULL with err set.
 */
struct creds_provider	*creds_assume_role_new(struct event_base *,
			    struct http_client *, const struct aws_creds_role *,
			    const struct creds_sts_options *,
			    struct creds_provider *source, char *err,
			    size_t errlen);

/* The chain (creds_chain.c). */

struct creds_chain_options {
	struct aws_creds_options	 files;
	const char			*region;	/* driftwatchd.conf's */
	const char			*endpoint_url;
	const char			*ca_bundle;
	long				 timeout_ms;
};

/*
 * Walks the sources in SPEC §4's order and builds the provider for the
 * first one present.  0, or a negative DW_ error with err naming the
 * file and line; never a secret.  Reads local files only.
 */
int	creds_chain_new(struct event_base *, struct http_client *,
	    const struct creds_chain_options *, struct creds_provider **,
	    char *err, size_t errlen);
/*
 * The same walk, without building providers: what the first source
 * present found.  For tests and for validate.
 */
int	creds_chain_find(const struct creds_chain_options *,
	    struct aws_creds_found *, char *err, size_t errlen);

#endif
