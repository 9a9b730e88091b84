/*
 * Why a check cannot see: the kind of failure behind an incomplete
 * pass, so that one failure blinding several checks raises one alert.
 * Grouped by kind, not by API: the daemon's permissions taken away,
 * its credentials expired or revoked, or AWS unreachable or
 * throttling.  Any other failure is its check's own cause.
 */
#ifndef DRIFTWATCH_BLINDCAUSE_H
#define DRIFTWATCH_BLINDCAUSE_H

#include <stddef.h>

enum blindcause_kind {
	BLINDCAUSE_DENIED,
	BLINDCAUSE_CREDENTIALS,
	BLINDCAUSE_UNREACHABLE,
	BLINDCAUSE_OTHER,
};

/* The kind of the reason a check gave (aws_result_describe() text). */
enum blindcause_kind	 blindcause_classify(const char *error);
/*
 * The cause key into buf: "denied", "credentials", "unreachable", or
 * "error:<check>" for any other failure.  Stable: it names the group
 * in the state file and seeds alert ids.
 */
void			 blindcause_key(const char *check, const char *error,
			    char *buf, size_t len);
/* "the daemon's permissions were taken away (access denied)" ... */
const char		*blindcause_describe(const char *key);

#endif
