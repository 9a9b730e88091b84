/*
 * The JSON protocols (CloudTrail, Config: JSON 1.1; others 1.0): a POST
 * to "/" naming the operation in X-Amz-Target, a JSON body both ways;
 * errors are {"__type": "...#Code", "message": "..."} (botocore's
 * JSONParser).  Every answer goes through the one strict JSON parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_proto.h"
#include "driftwatch/error.h"
#include "driftwatch/jsonparse.h"

void
aws_wire_clear(struct aws_wire *w)
{
	free(w->path);
	free(w->body);
	free(w->target);
	memset(w, 0, sizeof(*w));
}

int
aws_proto_json_body(const struct aws_input *in, struct aws_wire *w)
{
	const char	*s;

	s = in->json != NULL ? json_object_to_json_string_ext(in->json,
	    JSON_C_TO_STRING_PLAIN) : "{}";
	if (s == NULL || (w->body = strdup(s)) == NULL)
		return DW_ENOMEM;
	w->body_len = strlen(w->body);
	return 0;
}

static int
aws_json_build(const char *ctype, const struct aws_service *svc,
    const struct aws_operation *op, const struct aws_input *in,
    struct aws_wire *w)
{
	char	*target;

	w->method = "POST";
	w->content_type = ctype;
	if (asprintf(&target, "%s.%s", svc->target_prefix, op->name) == -1)
		return DW_ENOMEM;
	w->target = target;
	if ((w->path = strdup("/")) == NULL ||
	    aws_proto_json_body(in, w) != 0) {
		aws_wire_clear(w);
		return DW_ENOMEM;
	}
	return 0;
}

static int
aws_json10_build(const struct aws_service *svc, const struct aws_operation *op,
    const struct aws_input *in, struct aws_wire *w)
{
	return aws_json_build("application/x-amz-json-1.0", svc, op, in, w);
}

static int
aws_json11_build(const struct aws_service *svc, const struct aws_operation *op,
    const struct aws_input *in, struct aws_wire *w)
{
	return aws_json_build("application/x-amz-json-1.1", svc, op, in, w);
}

/* A JSON object, strictly parsed; an empty body is an empty object. */
int
aws_proto_json_success(const struct http_response *r, struct aws_result *res)
{
	json_object	*o;
	char		 err[128];

	if (r->body_len == 0) {
		res->json = json_object_new_object();
		return res->json != NULL ? 0 : DW_ENOMEM;
	}
	if (jsonparse(r->body, r->body_len, &o, err, sizeof(err)) != 0)
		return DW_EPARSE;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return DW_EPARSE;
	}
	res->json = o;
	return 0;
}

static char *
aws_json_string(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

/*
 * botocore reads the code from "__type", and for REST-JSON from "code"
 * or "Code" first; a namespaced "com.amazonaws.svc#Code" keeps what
 * follows its last '#'.
 */
void
aws_proto_json_error_body(const struct http_response *r, char **code,
    char **message, int rest)
{
	json_object	*o;
	char		 err[128], *c = NULL, *hash;

	if (jsonparse(r->body, r->body_len, &o, err, sizeof(err)) != 0)
		return;
	if (json_object_is_type(o, json_type_object)) {
		if (rest && (c = aws_json_string(o, "code")) == NULL)
			c = aws_json_string(o, "Code");
		if (c == NULL)
			c = aws_json_string(o, "__type");
		if (c != NULL && (hash = strrchr(c, '#')) != NULL)
			memmove(c, hash + 1, strlen(hash + 1) + 1);
		if (c != NULL && *c == '\0') {
			free(c);
			c = NULL;
		}
		if ((*message = aws_json_string(o, "message")) == NULL)
			*message = aws_json_string(o, "Message");
	}
	*code = c;
	json_object_put(o);
}

static void
aws_json_error(const struct http_response *r, char **code, char **message)
{
	aws_proto_json_error_body(r, code, message, 0);
	if (*code == NULL) {
		free(*message);
		*message = NULL;
	}
}

const struct aws_protocol aws_proto_json10 = {
	.name = "json1.0",
	.json_input = 1,
	.build = aws_json10_build,
	.read_success = aws_proto_json_success,
	.read_error = aws_json_error,
	.headers = { NULL },
	.input_token = "NextToken",
};

const struct aws_protocol aws_proto_json11 = {
	.name = "json1.1",
	.json_input = 1,
	.build = aws_json11_build,
	.read_success = aws_proto_json_success,
	.read_error = aws_json_error,
	.headers = { NULL },
	.input_token = "NextToken",
};
