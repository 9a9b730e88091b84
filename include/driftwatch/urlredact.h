/*
 * A sink's URL carries its token in the path or the query, and an
 * answer (an error page, a Location header, curl's reason) may quote
 * it back, whole or in pieces, plain or percent-decoded.  A redactor
 * holds the URL's secret parts (the whole URL, userinfo, the path with
 * and without its query, the query, and each path segment and query
 * value of URLREDACT_MIN bytes or more, plain and decoded) and replaces
 * every occurrence, in any case, with URLREDACT_MARK before text from
 * an answer reaches a log line.
 */
#ifndef DRIFTWATCH_URLREDACT_H
#define DRIFTWATCH_URLREDACT_H

#include <stddef.h>

#define URLREDACT_MIN		6	/* shorter pieces are not matched alone */
#define URLREDACT_MAX_PARTS	64
#define URLREDACT_MARK		"<redacted>"

struct urlredact;

/* NULL on allocation failure or for a NULL url. */
struct urlredact	*urlredact_new(const char *url);
/* Wipes the parts.  NULL is a no-op. */
void			 urlredact_free(struct urlredact *);
/*
 * The first len bytes of in, every part replaced, into out (always
 * NUL-terminated; cut to outlen - 1).  The whole input is matched
 * before the cut, so a part running past it is still replaced.  NULL
 * r copies.  The length written.
 */
size_t			 urlredact_copy(const struct urlredact *r,
			    const char *in, size_t len, char *out,
			    size_t outlen);

#endif
