/*
 * Allocation that cannot fail, as tmux's xmalloc.c: on failure it logs
 * and aborts.  systemd restarts the daemon and the durable state (the
 * outbox, findings and event cursor) makes a restart safe, whereas a
 * NULL handed back from deep inside a check reads as "nothing to check"
 * and turns into a silent skip.  A zero size allocates one byte, so the
 * result is never NULL.
 */
#ifndef DRIFTWATCH_XMALLOC_H
#define DRIFTWATCH_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *, size_t nmemb, size_t size);
char	*xstrdup(const char *);
/* For other allocators (json-c, libxml2): p, or log and abort. */
void	*xnonnull(void *p, const char *what);
/* Returns the length printed; *ret is the caller's to free. */
int	 xasprintf(char **ret, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
