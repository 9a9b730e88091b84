/*
 * Untrusted text (CloudTrail fields, AWS error messages, values read
 * from the account) made safe for a log line, a chat message or a
 * mail subject: no control or bidi-override characters, valid UTF-8,
 * and a length cap.
 */
#ifndef DRIFTWATCH_TEXTCLEAN_H
#define DRIFTWATCH_TEXTCLEAN_H

#include <stddef.h>

#define TEXTCLEAN_ELLIPSIS	"\xe2\x80\xa6"	/* U+2026, 3 bytes */

/*
 * A new string holding the first len bytes of s with tab, CR and LF
 * made spaces, other C0/C1 controls, DEL and bidi controls removed, and
 * invalid UTF-8 replaced by '?'.  At
 * most max bytes (max >= 4) plus the NUL; a cut ends in U+2026 and
 * never splits a character.  NULL on allocation failure.
 */
char	*textclean_ndup(const char *s, size_t len, size_t max);
/* The same for a NUL-terminated string; s == NULL gives NULL. */
char	*textclean_dup(const char *s, size_t max);

#endif
