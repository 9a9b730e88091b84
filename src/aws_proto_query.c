/*
 * The Query protocol (IAM, STS, SNS): a form-encoded POST to "/" with
 * Action and Version, answered in XML; errors are <ErrorResponse>
 * documents with <Error><Code> and <Message>, and a <RequestId>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/tree.h>

#include "driftwatch/aws_proto.h"
#include "driftwatch/error.h"

/* Form encoding as the SDKs send it: RFC 3986 unreserved kept. */
static int
aws_query_append(char **body, const char *name, const char *value)
{
	char	*n, *v, *nb = NULL;
	int	 r;

	n = curl_easy_escape(NULL, name, 0);
	v = curl_easy_escape(NULL, value, 0);
	if (n == NULL || v == NULL)
		r = -1;
	else
		r = asprintf(&nb, "%s%s%s=%s", *body ? *body : "",
		    *body ? "&" : "", n, v);
	curl_free(n);
	curl_free(v);
	if (r == -1)
		return DW_ENOMEM;
	free(*body);
	*body = nb;
	return 0;
}

static int
aws_query_build(const struct aws_service *svc, const struct aws_operation *op,
    const struct aws_input *in, struct aws_wire *w)
{
	size_t	i;
	int	r;

	w->method = "POST";
	w->content_type = "application/x-www-form-urlencoded; charset=utf-8";
	if ((w->path = strdup("/")) == NULL)
		return DW_ENOMEM;
	r = aws_query_append(&w->body, "Action", op->name);
	if (r == 0)
		r = aws_query_append(&w->body, "Version", svc->api_version);
	for (i = 0; r == 0 && i < in->nparams; i++)
		r = aws_query_append(&w->body, in->params[i].name,
		    in->params[i].value);
	if (r != 0) {
		aws_wire_clear(w);
		return r;
	}
	w->body_len = strlen(w->body);
	return 0;
}

static int
aws_query_success(const struct http_response *r, struct aws_result *res)
{
	return aws_xml_parse(r->body, r->body_len, &res->xml);
}

static char *
aws_query_dup(char *x)
{
	char	*s = x != NULL ? strdup(x) : NULL;

	xmlFree(x);
	return s;
}

static void
aws_query_error(const struct http_response *r, char **code, char **message)
{
	xmlDoc	*doc;
	char	*c = NULL, *m = NULL;

	if (aws_xml_parse(r->body, r->body_len, &doc) != 0)
		return;
	if (aws_xml_error(doc, &c, &m) == 0) {
		*code = aws_query_dup(c);
		*message = aws_query_dup(m);
	}
	xmlFreeDoc(doc);
}

/*
 * <ErrorResponse>'s <RequestId> (IAM, STS, SNS), <Response>'s
 * <RequestID> (the EC2 shape) or <Error>'s own (the S3 shape).
 */
static char *
aws_query_request_id(const struct http_response *r)
{
	static const char *const paths[] = { "RequestId", "RequestID",
	    "ResponseMetadata/RequestId" };
	xmlDoc	*doc;
	xmlNode	*root;
	char	*id = NULL;
	size_t	 i;

	if (aws_xml_parse(r->body, r->body_len, &doc) != 0)
		return NULL;
	root = xmlDocGetRootElement(doc);
	for (i = 0; id == NULL && i < sizeof(paths) / sizeof(paths[0]); i++)
		id = aws_query_dup(aws_xml_text(root, paths[i]));
	xmlFreeDoc(doc);
	return id;
}

const struct aws_protocol aws_proto_query = {
	.name = "query",
	.json_input = 0,
	.build = aws_query_build,
	.read_success = aws_query_success,
	.read_error = aws_query_error,
	.read_request_id = aws_query_request_id,
	.headers = { NULL },
	.input_token = "Marker",
};
