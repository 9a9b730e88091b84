/*
 * The wire protocols of AWS services, one module each: Query
 * (aws_proto_query.c), JSON 1.0/1.1 (aws_proto_json.c) and REST-JSON
 * (aws_proto_restjson.c).  A protocol builds the HTTP request of a call
 * from its input, reads a successful answer into the result, and reads
 * an error answer's code and message.  aws.c owns everything else:
 * signing, sending, retries.
 *
 * A new protocol is one new file defining a struct aws_protocol, named
 * by the services that speak it.
 */
#ifndef DRIFTWATCH_AWS_PROTO_H
#define DRIFTWATCH_AWS_PROTO_H

#include <stddef.h>

#include "driftwatch/aws.h"
#include "driftwatch/http.h"

#define AWS_PROTO_MAX_HEADERS	2	/* response headers one protocol reads */

/* One attempt's request, as a protocol builds it.  Owned strings are
 * freed with aws_wire_clear(). */
struct aws_wire {
	const char	*method;	/* static */
	char		*path;		/* owned: "/" or the operation's URI */
	char		*body;		/* owned, NUL-terminated */
	size_t		 body_len;
	const char	*content_type;	/* static */
	char		*target;	/* owned; NULL: no X-Amz-Target */
};

struct aws_protocol {
	const char	*name;		/* "query", "json1.1", "rest-json" */
	int		 json_input;	/* input is a JSON body, not params */
	/* 0, or DW_ENOMEM / DW_EINVAL; the wire is cleared on failure. */
	int		(*build)(const struct aws_service *,
			    const struct aws_operation *,
			    const struct aws_input *, struct aws_wire *);
	/*
	 * A 2xx answer: 0 with res->xml or res->json set (owned by the
	 * call), or DW_EPARSE when the body is not a well-formed answer.
	 */
	int		(*read_success)(const struct http_response *,
			    struct aws_result *);
	/*
	 * An error answer: its code and message, malloc'd and not yet
	 * sanitised, or both left NULL when the answer is not in this
	 * protocol's shape.
	 */
	void		(*read_error)(const struct http_response *,
			    char **code, char **message);
	/*
	 * The request id an error body carries, malloc'd and not yet
	 * sanitised, or NULL; asked only when no x-amzn-RequestId or
	 * x-amz-request-id header came.  NULL where the protocol's
	 * bodies carry none.
	 */
	char		*(*read_request_id)(const struct http_response *);
	/* Response headers read_error looks at, NULL-terminated. */
	const char	*headers[AWS_PROTO_MAX_HEADERS + 1];
	/* What pagers call the next page's token by default. */
	const char	*input_token;
};

extern const struct aws_protocol aws_proto_query;
extern const struct aws_protocol aws_proto_json10;
extern const struct aws_protocol aws_proto_json11;
extern const struct aws_protocol aws_proto_restjson;

void	aws_wire_clear(struct aws_wire *);

/* Shared by the JSON protocols (aws_proto_json.c). */
int	aws_proto_json_body(const struct aws_input *, struct aws_wire *);
int	aws_proto_json_success(const struct http_response *,
	    struct aws_result *);
/*
 * The code ("__type" after its last '#'; with rest, "code" or "Code"
 * first) and "message"/"Message" of an error body, each NULL when
 * absent; nothing is set when the body is not a JSON object.
 */
void	aws_proto_json_error_body(const struct http_response *, char **code,
	    char **message, int rest);

#endif
