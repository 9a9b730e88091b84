/*
 * One strict JSON entry point for state files and AWS payloads.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/error.h"
#include "driftwatch/jsonparse.h"

static int
jsonparse_trailing(const char *buf, size_t len, size_t off)
{
	for (; off < len; off++) {
		if (strchr(" \t\r\n", buf[off]) == NULL || buf[off] == '\0')
			return 1;
	}
	return 0;
}

/*
 * json-c 0.16's strict mode still takes a single-quoted object key
 * ({'a':1}).  A quote outside every string is never JSON: the offset
 * of the first, or len.
 */
static size_t
jsonparse_stray_quote(const char *buf, size_t len)
{
	size_t	i;
	int	instr = 0;

	for (i = 0; i < len; i++) {
		if (instr && buf[i] == '\\')
			i++;
		else if (buf[i] == '"')
			instr = !instr;
		else if (!instr && buf[i] == '\'')
			return i;
	}
	return len;
}

int
jsonparse(const char *buf, size_t len, struct json_object **out, char *err,
    size_t errlen)
{
	struct json_tokener	*tok;
	struct json_object	*obj = NULL;
	enum json_tokener_error	 jerr;
	size_t			 off;
	int			 r = DW_EPARSE;

	*out = NULL;
	if (len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "document too large");
		return DW_EPARSE;
	}
	if ((off = jsonparse_stray_quote(buf, len)) < len) {
		snprintf(err, errlen, "malformed JSON at byte %zu: a quote "
		    "outside a string", off);
		return DW_EPARSE;
	}
	if ((tok = json_tokener_new_ex(JSONPARSE_DEPTH)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return DW_ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* A NUL ends the input: "123" is whole, "{" is truncated. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		off = len;
	}
	if (jerr == json_tokener_error_parse_eof) {
		snprintf(err, errlen, "truncated JSON (ends after %zu bytes)",
		    len);
		goto out;
	}
	if (jerr != json_tokener_success) {
		snprintf(err, errlen, "malformed JSON at byte %zu: %s", off,
		    json_tokener_error_desc(jerr));
		goto out;
	}
	if (jsonparse_trailing(buf, len, off)) {
		snprintf(err, errlen, "malformed JSON at byte %zu: data after "
		    "the document", off);
		goto out;
	}
	*out = obj;
	obj = NULL;
	r = 0;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return r;
}
