/*
 * The reminder digest.  Its summary is for people and every sink shows
 * it; the generic webhook also gets the list itself ("findings" in the
 * alert's JSON form), so a receiver need not parse the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/alert.h"
#include "driftwatch/error.h"
#include "driftwatch/reminder.h"

/* Lines past this are counted, not shown: a chat message has limits. */
#define REMINDER_SHOWN	50

void
reminder_age(time_t age, char *buf, size_t len)
{
	long long	s = age > 0 ? (long long)age : 0;

	if (s >= 86400)
		snprintf(buf, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%llds", s);
}

static int
reminder_line(char **sum, const struct alert_item *it, time_t now)
{
	char	*n, age[32];

	reminder_age(now - it->since, age, sizeof(age));
	if (asprintf(&n, "%s%s[%s] %s: %s (open %s)", *sum ? *sum : "",
	    *sum ? "\n" : "", severity_name(it->severity), it->finding,
	    it->title ? it->title : "-", age) == -1)
		return DW_ENOMEM;
	free(*sum);
	*sum = n;
	return 0;
}

static int
reminder_summary(struct alert *a, time_t now)
{
	char	*sum = NULL, *n;
	size_t	 i;

	for (i = 0; i < a->nitems && i < REMINDER_SHOWN; i++) {
		if (reminder_line(&sum, &a->items[i], now) != 0) {
			free(sum);
			return DW_ENOMEM;
		}
	}
	if (a->nitems > REMINDER_SHOWN) {
		if (asprintf(&n, "%s\n... and %zu more", sum,
		    a->nitems - REMINDER_SHOWN) == -1)
			n = NULL;
		free(sum);
		sum = n;
	}
	a->summary = sum;
	return sum == NULL ? DW_ENOMEM : 0;
}

struct alert *
reminder_alert_new(const struct alert_item *items, size_t n,
    const char *account, time_t now, const char *seed)
{
	struct alert	*a;
	enum severity	 top = SEV_INFO;
	char		*title = NULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (items[i].severity > top)
			top = items[i].severity;
	if ((a = alert_new(ALERT_REMINDER, top)) == NULL)
		return NULL;
	a->time = now;
	alert_set_id(a, "remind", seed);
	for (i = 0; i < n && i < ALERT_MAX_ITEMS; i++)
		if (alert_add_item(a, &items[i]) != 0)
			goto fail;
	if (asprintf(&title, "Reminder: %zu finding%s still open", n,
	    n == 1 ? "" : "s") == -1) {
		title = NULL;
		goto fail;
	}
	if (alert_set(&a->title, title) != 0 ||
	    alert_set(&a->check, "reminder") != 0 ||
	    alert_set(&a->account, account) != 0 ||
	    reminder_summary(a, now) != 0)
		goto fail;
	free(title);
	return a;
fail:
	free(title);
	alert_free(a);
	return NULL;
}
