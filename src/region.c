/*
 * AWS region names.  Checked by shape only, so a region AWS opens next
 * year is accepted without a new release.
 */
#include <string.h>

#include "driftwatch/region.h"

#define REGION_MAX_LEN	64

static const char region_lower[] = "abcdefghijklmnopqrstuvwxyz";

int
region_valid(const char *s)
{
	size_t	n;
	int	words = 0;

	if (strnlen(s, REGION_MAX_LEN + 1) > REGION_MAX_LEN)
		return 0;
	if (strspn(s, region_lower) != 2)
		return 0;
	for (s += 2; *s == '-'; s += n) {
		s++;
		if ((n = strspn(s, region_lower)) > 0) {
			words++;
			continue;
		}
		n = strspn(s, "0123456789");
		return n > 0 && s[n] == '\0' && words > 0;
	}
	return 0;
}
