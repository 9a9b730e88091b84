/*
 * The reminder digest: one alert listing every finding still open past
 * its interval, each with its severity and age.
 */
#ifndef DRIFTWATCH_REMINDER_H
#define DRIFTWATCH_REMINDER_H

#include <stddef.h>
#include <time.h>

#include "driftwatch/alert.h"

/*
 * An ALERT_REMINDER at the highest severity listed, with items copied
 * and its id fixed from seed; NULL when out of memory.  account may be
 * NULL.
 */
struct alert	*reminder_alert_new(const struct alert_item *items, size_t n,
		    const char *account, time_t now, const char *seed);
/* "3d 4h", "5h 2m", "12m", "40s": how long a finding has been open. */
void		 reminder_age(time_t age, char *buf, size_t len);

#endif
