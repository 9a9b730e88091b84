/*
 * The REST-JSON protocol (Account, Tax Settings): the operation's HTTP
 * method and URI from the service model, a JSON body both ways.  The
 * error code comes from the x-amzn-ErrorType header ("Code:" and a
 * namespace URL after the colon), else from the body's "code", "Code"
 * or a namespaced "__type" such as
 * "com.amazonaws.account#ResourceNotFoundException", as botocore's
 * RestJSONParser reads it.
 */
#include <stdlib.h>
#include <string.h>

#include "driftwatch/aws_proto.h"
#include "driftwatch/error.h"

#define AWS_RESTJSON_ERRORTYPE	"x-amzn-ErrorType"

static int
aws_restjson_build(const struct aws_service *svc,
    const struct aws_operation *op, const struct aws_input *in,
    struct aws_wire *w)
{
	(void)svc;
	if (op->uri == NULL || op->uri[0] != '/')
		return DW_EINVAL;
	w->method = op->http_method != NULL ? op->http_method : "POST";
	w->content_type = "application/json";
	if ((w->path = strdup(op->uri)) == NULL ||
	    aws_proto_json_body(in, w) != 0) {
		aws_wire_clear(w);
		return DW_ENOMEM;
	}
	return 0;
}

/* "ValidationException:http://internal.amazon.com/..." -> the code. */
static char *
aws_restjson_header_code(const struct http_response *r)
{
	const char	*h = http_response_header(r, AWS_RESTJSON_ERRORTYPE);
	size_t		 n;

	if (h == NULL || (n = strcspn(h, ":")) == 0)
		return NULL;
	return strndup(h, n);
}

static void
aws_restjson_error(const struct http_response *r, char **code,
    char **message)
{
	char	*hc = aws_restjson_header_code(r);

	aws_proto_json_error_body(r, code, message, 1);
	if (hc != NULL) {
		free(*code);
		*code = hc;
	}
	if (*code == NULL) {
		free(*message);
		*message = NULL;
	}
}

const struct aws_protocol aws_proto_restjson = {
	.name = "rest-json",
	.json_input = 1,
	.build = aws_restjson_build,
	.read_success = aws_proto_json_success,
	.read_error = aws_restjson_error,
	.headers = { AWS_RESTJSON_ERRORTYPE, NULL },
	.input_token = "nextToken",
};
