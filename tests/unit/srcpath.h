/*
 * Finds a file of the source tree from a unit test, wherever automake
 * runs it: $srcdir is the top (make check) or two levels up from it.
 */
#ifndef DRIFTWATCH_SRCPATH_H
#define DRIFTWATCH_SRCPATH_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* 0 and buf set to a readable path of rel, or -1. */
static int __attribute__((unused))
srcpath(const char *rel, char *buf, size_t len)
{
	const char	*srcdir = getenv("srcdir");
	const char	*ups[] = { "", "../../" };
	size_t		 i;

	if (srcdir == NULL)
		srcdir = ".";
	for (i = 0; i < 2; i++) {
		snprintf(buf, len, "%s/%s%s", srcdir, ups[i], rel);
		if (access(buf, R_OK) == 0)
			return 0;
	}
	return -1;
}

#endif
