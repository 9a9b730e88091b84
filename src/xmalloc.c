/*
 * xmalloc and friends: allocate or log and abort.  abort() rather than
 * exit(): no atexit handler runs in a process that has no memory left,
 * the unit's Restart=on-failure sees the signal, and a core shows where.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/log.h"
#include "driftwatch/xmalloc.h"

static void __attribute__((noreturn))
xmalloc_abort(const char *what)
{
	struct log_field	f[] = { { NULL, NULL } };

	log_struct(LOG_CRIT, NULL, f, "out of memory: %s failed; aborting "
	    "(systemd restarts the daemon)", what);
	abort();
}

static void __attribute__((noreturn))
xmalloc_fail(const char *fn, size_t nmemb, size_t size)
{
	char	what[100];

	snprintf(what, sizeof what, "%s of %zu x %zu bytes", fn, nmemb, size);
	xmalloc_abort(what);
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		xmalloc_fail("malloc", 1, size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		xmalloc_fail("calloc", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = reallocarray(ptr, nmemb, size)) == NULL)
		xmalloc_fail("reallocarray", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		xmalloc_fail("strdup", 1, strlen(s) + 1);
	return p;
}

void *
xnonnull(void *p, const char *what)
{
	if (p == NULL)
		xmalloc_abort(what);
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		xmalloc_fail("asprintf", 1, strlen(fmt));
	return n;
}
