/*
 * Talking to systemd: readiness, status, reload/stop notices and the
 * watchdog.  Compiles to no-ops without libsystemd.
 */
#ifndef DRIFTWATCH_NOTIFY_H
#define DRIFTWATCH_NOTIFY_H

#include <stdint.h>

void	notify_ready(void);
void	notify_reloading(void);
void	notify_stopping(void);
void	notify_status(const char *, ...) __attribute__((format(printf, 1, 2)));
/* The watchdog interval in microseconds, or 0 when there is none. */
uint64_t notify_watchdog_usec(void);
void	notify_watchdog(void);

#endif
