/*
 * libFuzzer target: any bytes as a LookupEvents CloudTrailEvent string,
 * with a break-glass user named.
 * A match must never crash, and an alert's title must stay one short line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/alert.h"
#include "driftwatch/event_rules.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_rules_opts	 o = { "us-east-1", "123456789012",
				    "breakglass" };
	struct alert		*a = NULL;
	char			 err[256];

	if (event_rules_match_opts((const char *)data, size, &o, &a, err,
	    sizeof(err)) == 0 && a != NULL) {
		if (a->title == NULL || strlen(a->title) >= 100 ||
		    strpbrk(a->title, "\r\n") != NULL)
			abort();
	}
	alert_free(a);
	return 0;
}
