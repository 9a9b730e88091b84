/*
 * The systemd glue, all of it.  Built without libsystemd, every call
 * is a no-op, so the rest of the daemon never asks.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "driftwatch/notify.h"

#ifdef HAVE_LIBSYSTEMD
void
notify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_status(const char *fmt, ...)
{
	va_list	 ap;
	char	*s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	if (s != NULL)
		sd_notifyf(0, "STATUS=%s", s);
	free(s);
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t	usec = 0;

	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

void
notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}
#else
void notify_ready(void) { }
void notify_reloading(void) { }
void notify_stopping(void) { }
void notify_status(const char *fmt, ...) { (void)fmt; }
uint64_t notify_watchdog_usec(void) { return 0; }
void notify_watchdog(void) { }
#endif
