/*
 * AWS Signature Version 4, as a pure function: request, credentials and
 * time in; the canonical request, string to sign, signature and the
 * headers to add out.  No I/O, no clock, no globals.
 */
#ifndef DRIFTWATCH_SIGV4_H
#define DRIFTWATCH_SIGV4_H

#include <stddef.h>
#include <time.h>

struct sigv4_header {
	const char	*name;		/* any case; signer lowercases */
	const char	*value;		/* signer trims and folds spaces */
};

struct sigv4_request {
	const char			*method;	/* "GET", "POST" */
	const char			*path;		/* as sent, already %-encoded, no query */
	const char			*query;		/* as sent, without '?'; NULL or "" for none */
	const struct sigv4_header	*headers;	/* must include Host */
	size_t				 nheaders;
	const unsigned char		*body;		/* NULL with body_len 0 for none */
	size_t				 body_len;
};

struct sigv4_creds {
	const char	*access_key_id;
	const char	*secret_access_key;
	const char	*session_token;		/* NULL when not temporary */
};

struct sigv4_params {
	const char	*region;
	const char	*service;		/* signing name: "iam", "sts", ... */
	time_t		 when;			/* UTC seconds since the epoch */
	int		 normalize_path;	/* 1 for every service but S3 */
	int		 sign_body;		/* add x-amz-content-sha256 */
	int		 omit_session_token;	/* add the token after signing */
};

#define SIGV4_MAX_ADDED	3

/*
 * Everything the signer made.  The strings are owned by the result and
 * freed by sigv4_result_free().  added[] lists headers the caller must
 * send in addition to its own: X-Amz-Date, X-Amz-Security-Token when
 * there is a token, X-Amz-Content-Sha256 with sign_body, and
 * Authorization.  The X-Amz-Security-Token value is borrowed from the
 * sigv4_creds and lives as long as they do.  On failure the result is
 * left empty, and freeing it (or freeing it twice) is harmless.
 */
struct sigv4_result {
	char			*canonical_request;
	char			*string_to_sign;
	char			 signature[65];		/* lowercase hex */
	char			*authorization;		/* value of the header */
	char			 amz_date[17];		/* YYYYMMDDTHHMMSSZ */
	char			 payload_hash[65];	/* hex SHA-256 of the body */
	struct sigv4_header	 added[SIGV4_MAX_ADDED + 1];
	size_t			 nadded;
};

/* 0 on success; a negative DW_E* code on bad input or allocation failure. */
int	sigv4_sign(const struct sigv4_request *, const struct sigv4_creds *,
	    const struct sigv4_params *, struct sigv4_result *);
void	sigv4_result_free(struct sigv4_result *);

/* Lowercase hex SHA-256 of buf into out[65]. */
void	sigv4_sha256_hex(const void *buf, size_t len, char out[65]);

#endif
