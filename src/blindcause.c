/*
 * The kind of failure behind a reason text.  The reasons checks give are
 * aws_result_describe()'s "Code: message (HTTP status, request id X)",
 * sometimes behind a prefix ("credential report: ..."), so the table
 * matches AWS error codes as words anywhere in the text, then the HTTP
 * status.  Credential codes come first: ExpiredToken is also a denial
 * to aws_result_denied(), but the fix is new credentials, not policy.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/blindcause.h"

static const struct {
	const char		*code;	/* a prefix of the AWS error code */
	enum blindcause_kind	 kind;
} blindcause_codes[] = {
	{ "ExpiredToken",		BLINDCAUSE_CREDENTIALS },
	{ "InvalidClientTokenId",	BLINDCAUSE_CREDENTIALS },
	{ "UnrecognizedClientException", BLINDCAUSE_CREDENTIALS },
	{ "SignatureDoesNotMatch",	BLINDCAUSE_CREDENTIALS },
	{ "InvalidSignatureException",	BLINDCAUSE_CREDENTIALS },
	{ "IncompleteSignature",	BLINDCAUSE_CREDENTIALS },
	{ "MissingAuthenticationToken",	BLINDCAUSE_CREDENTIALS },
	{ "InvalidAccessKeyId",		BLINDCAUSE_CREDENTIALS },
	{ "AuthFailure",		BLINDCAUSE_CREDENTIALS },
	{ "AccessDenied",		BLINDCAUSE_DENIED },
	{ "UnauthorizedOperation",	BLINDCAUSE_DENIED },
	{ "AuthorizationError",		BLINDCAUSE_DENIED },
	{ "Throttling",			BLINDCAUSE_UNREACHABLE },
	{ "TooManyRequestsException",	BLINDCAUSE_UNREACHABLE },
	{ "RequestLimitExceeded",	BLINDCAUSE_UNREACHABLE },
	{ "RequestThrottled",		BLINDCAUSE_UNREACHABLE },
	{ "SlowDown",			BLINDCAUSE_UNREACHABLE },
	{ "ServiceUnavailable",		BLINDCAUSE_UNREACHABLE },
	{ "InternalFailure",		BLINDCAUSE_UNREACHABLE },
	{ "InternalError",		BLINDCAUSE_UNREACHABLE },
};

/* Words our own layers say (error.c, aws.c) when no AWS code exists. */
static const struct {
	const char		*text;
	enum blindcause_kind	 kind;
} blindcause_phrases[] = {
	{ "no usable credentials",	BLINDCAUSE_CREDENTIALS },
	{ "no AWS credentials",		BLINDCAUSE_CREDENTIALS },
	{ "network error",		BLINDCAUSE_UNREACHABLE },
	{ "throttled",			BLINDCAUSE_UNREACHABLE },
};

static const struct {
	const char	*key;
	const char	*what;
} blindcause_names[] = {
	{ "denied", "the daemon's permissions were taken away "
	    "(access denied)" },
	{ "credentials", "the daemon's credentials are expired, revoked "
	    "or missing" },
	{ "unreachable", "AWS is unreachable, failing or throttling" },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* s holds word at a word start: "xAccessDenied" is not AccessDenied. */
static int
blindcause_has_word(const char *s, const char *word)
{
	const char	*p;

	for (p = s; (p = strstr(p, word)) != NULL; p++)
		if (p == s || !isalnum((unsigned char)p[-1]))
			return 1;
	return 0;
}

/* The status of the first "HTTP nnn" in s, or -1. */
static long
blindcause_status(const char *s)
{
	const char	*p;
	char		*end;
	long		 st;

	for (p = s; (p = strstr(p, "HTTP ")) != NULL; p += 5) {
		st = strtol(p + 5, &end, 10);
		if (end != p + 5 && st >= 0 && st < 1000)
			return st;
	}
	return -1;
}

enum blindcause_kind
blindcause_classify(const char *error)
{
	size_t	i;
	long	st;

	if (error == NULL)
		return BLINDCAUSE_OTHER;
	for (i = 0; i < NITEMS(blindcause_codes); i++)
		if (blindcause_has_word(error, blindcause_codes[i].code))
			return blindcause_codes[i].kind;
	for (i = 0; i < NITEMS(blindcause_phrases); i++)
		if (strstr(error, blindcause_phrases[i].text) != NULL)
			return blindcause_phrases[i].kind;
	st = blindcause_status(error);
	if (st == 403)
		return BLINDCAUSE_DENIED;
	/* 0: no answer at all (connection, TLS, timeout) */
	if (st == 0 || st == 429 || (st >= 500 && st <= 599))
		return BLINDCAUSE_UNREACHABLE;
	return BLINDCAUSE_OTHER;
}

void
blindcause_key(const char *check, const char *error, char *buf, size_t len)
{
	enum blindcause_kind	k = blindcause_classify(error);

	if (k == BLINDCAUSE_OTHER)
		snprintf(buf, len, "error:%s", check);
	else
		snprintf(buf, len, "%s", blindcause_names[k].key);
}

const char *
blindcause_describe(const char *key)
{
	size_t	i;

	for (i = 0; i < NITEMS(blindcause_names); i++)
		if (strcmp(key, blindcause_names[i].key) == 0)
			return blindcause_names[i].what;
	return "the check failed";
}
