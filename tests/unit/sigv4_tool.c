/*
 * Signs one request described in JSON on stdin and prints what the
 * signer made, for comparison with other signers (botocore).
 *
 * in:  {"method", "path", "query", "headers": [[name, value], ...],
 *       "body_b64", "access_key", "secret_key", "token", "region",
 *       "service", "time": epoch, optional "normalize" (default true),
 *       "sign_body" and "omit_session_token" (default false)}
 * out: {"canonical_request", "string_to_sign", "signature",
 *       "authorization", "added_headers": [[name, value], ...]}
 * Exit status 1, with {"error": code} on stdout, when signing fails;
 * 2 when the input is unusable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "driftwatch/error.h"
#include "driftwatch/sigv4.h"

struct tool_input {
	json_object		*root;
	struct sigv4_request	 req;
	struct sigv4_creds	 creds;
	struct sigv4_params	 params;
	struct sigv4_header	*hdrs;
	unsigned char		*body;
};

static char *
read_all(FILE *f)
{
	char	*buf = NULL, *p;
	size_t	 len = 0, size = 0, n;

	for (;;) {
		if (len + 1 >= size) {
			size = size ? size * 2 : 4096;
			if ((p = realloc(buf, size)) == NULL)
				goto fail;
			buf = p;
		}
		n = fread(buf + len, 1, size - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	buf[len] = '\0';
	return buf;
fail:
	free(buf);
	return NULL;
}

static const char *
in_str(json_object *o, const char *key, const char *def)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

static int
in_bool(json_object *o, const char *key, int def)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return def;
	return json_object_get_boolean(v);
}

/* Base64 through OpenSSL; the padding it decodes as zeros is dropped. */
static int
decode_body(const char *b64, unsigned char **out, size_t *lenp)
{
	size_t	len = strlen(b64), pad = 0;
	int	n;

	*out = NULL;
	*lenp = 0;
	if (len == 0)
		return 0;
	if (len % 4 != 0 || len > (size_t)INT32_MAX)
		return -1;
	if ((*out = malloc(len / 4 * 3 + 1)) == NULL)
		return -1;
	if ((n = EVP_DecodeBlock(*out, (const unsigned char *)b64,
	    (int)len)) < 0)
		return -1;
	pad = (b64[len - 1] == '=') + (b64[len - 2] == '=');
	*lenp = (size_t)n - pad;
	return 0;
}

static int
parse_headers(struct tool_input *in)
{
	json_object	*arr, *pair;
	size_t		 i, n;

	if (!json_object_object_get_ex(in->root, "headers", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -1;
	n = json_object_array_length(arr);
	if ((in->hdrs = calloc(n + 1, sizeof(*in->hdrs))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		pair = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2)
			return -1;
		in->hdrs[i].name = json_object_get_string(
		    json_object_array_get_idx(pair, 0));
		in->hdrs[i].value = json_object_get_string(
		    json_object_array_get_idx(pair, 1));
	}
	in->req.headers = in->hdrs;
	in->req.nheaders = n;
	return 0;
}

static int
parse_input(struct tool_input *in, const char *text)
{
	json_object	*o, *t;

	if ((o = in->root = json_tokener_parse(text)) == NULL)
		return -1;
	in->req.method = in_str(o, "method", NULL);
	in->req.path = in_str(o, "path", NULL);
	in->req.query = in_str(o, "query", NULL);
	if (parse_headers(in) != 0 || decode_body(in_str(o, "body_b64", ""),
	    &in->body, &in->req.body_len) != 0)
		return -1;
	in->req.body = in->body;
	in->creds.access_key_id = in_str(o, "access_key", NULL);
	in->creds.secret_access_key = in_str(o, "secret_key", NULL);
	in->creds.session_token = in_str(o, "token", NULL);
	in->params.region = in_str(o, "region", NULL);
	in->params.service = in_str(o, "service", NULL);
	in->params.normalize_path = in_bool(o, "normalize", 1);
	in->params.sign_body = in_bool(o, "sign_body", 0);
	in->params.omit_session_token = in_bool(o, "omit_session_token", 0);
	if (!json_object_object_get_ex(o, "time", &t))
		return -1;
	in->params.when = (time_t)json_object_get_int64(t);
	return 0;
}

static json_object *
result_json(const struct sigv4_result *res)
{
	json_object	*o, *added, *pair;
	size_t		 i;

	o = json_object_new_object();
	json_object_object_add(o, "canonical_request",
	    json_object_new_string(res->canonical_request));
	json_object_object_add(o, "string_to_sign",
	    json_object_new_string(res->string_to_sign));
	json_object_object_add(o, "signature",
	    json_object_new_string(res->signature));
	json_object_object_add(o, "authorization",
	    json_object_new_string(res->authorization));
	added = json_object_new_array();
	for (i = 0; i < res->nadded; i++) {
		pair = json_object_new_array();
		json_object_array_add(pair,
		    json_object_new_string(res->added[i].name));
		json_object_array_add(pair,
		    json_object_new_string(res->added[i].value));
		json_object_array_add(added, pair);
	}
	json_object_object_add(o, "added_headers", added);
	return o;
}

static void
print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

int
main(void)
{
	struct tool_input	 in = { 0 };
	struct sigv4_result	 res = { 0 };
	json_object		*out = NULL;
	char			*text;
	int			 rc, status = 2;

	if ((text = read_all(stdin)) == NULL || parse_input(&in, text) != 0) {
		fprintf(stderr, "sigv4_tool: unusable input\n");
		goto out;
	}
	if ((rc = sigv4_sign(&in.req, &in.creds, &in.params, &res)) != 0) {
		out = json_object_new_object();
		json_object_object_add(out, "error", json_object_new_int(rc));
		status = 1;
	} else {
		out = result_json(&res);
		status = 0;
	}
	print_json(out);
out:
	json_object_put(out);
	sigv4_result_free(&res);
	json_object_put(in.root);
	free(in.hdrs);
	free(in.body);
	free(text);
	return status;
}
