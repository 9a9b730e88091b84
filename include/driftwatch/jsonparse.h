/*
 * Strict parsing of one JSON document from a buffer with json-c: the
 * whole buffer must be one value (trailing whitespace only), nesting is
 * bounded, and the error says where parsing stopped without echoing
 * the input.
 */
#ifndef DRIFTWATCH_JSONPARSE_H
#define DRIFTWATCH_JSONPARSE_H

#include <stddef.h>

struct json_object;

#define JSONPARSE_DEPTH	64

/* 0 and *out (the caller puts it), or DW_EPARSE / DW_ENOMEM with err. */
int	jsonparse(const char *buf, size_t len, struct json_object **out,
	    char *err, size_t errlen);

#endif
