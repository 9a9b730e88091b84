/*
 * The AWS layer's pure parts: retry policy, token bucket, rate limiter,
 * endpoint resolution and reading Query-protocol answers and errors.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include <json-c/json.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_proto.h"
#include "driftwatch/aws_retry.h"
#include "driftwatch/http.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "tap.h"

static void
test_classify(void)
{
	is_int(retry_classify(0, 200, NULL, 0), RETRY_NEVER, "success never retries");
	is_int(retry_classify(DW_EAWS, 403, "AccessDenied", 0), RETRY_NEVER,
	    "AccessDenied never retries");
	is_int(retry_classify(DW_EAWS, 400, "ValidationError", 0), RETRY_NEVER,
	    "validation errors never retry");
	is_int(retry_classify(DW_EAWS, 400, "ThrottlingException", 0),
	    RETRY_THROTTLE, "ThrottlingException is throttling");
	is_int(retry_classify(DW_EAWS, 400, "Throttling", 0), RETRY_THROTTLE,
	    "Throttling (Query) is throttling");
	is_int(retry_classify(DW_EAWS, 503, NULL, 0), RETRY_TRANSIENT,
	    "503 without a code is transient");
	is_int(retry_classify(DW_EAWS, 500, "InternalFailure", 0),
	    RETRY_TRANSIENT, "InternalFailure is transient");
	is_int(retry_classify(DW_EAWS, 502, NULL, 0), RETRY_TRANSIENT, "502 retries");
	is_int(retry_classify(DW_EAWS, 504, NULL, 0), RETRY_TRANSIENT, "504 retries");
	is_int(retry_classify(DW_EAWS, 404, NULL, 0), RETRY_NEVER, "404 does not");
	is_int(retry_classify(DW_ENET, 0, NULL, 0), RETRY_TRANSIENT,
	    "connection errors retry");
	is_int(retry_classify(DW_ENET, 0, NULL, 1), RETRY_TIMEOUT,
	    "timeouts are their own class");
	is_int(retry_classify(DW_EPARSE, 200, NULL, 0), RETRY_NEVER,
	    "a malformed answer is not retried");
}

static void
test_bucket(void)
{
	struct retry_bucket	b;
	int			n = 0;

	retry_bucket_init(&b);
	is_int((long long)b.tokens, 500, "bucket starts at 500");
	ok(retry_bucket_acquire(&b, RETRY_THROTTLE) && b.tokens == 495,
	    "a retry costs 5");
	ok(retry_bucket_acquire(&b, RETRY_TIMEOUT) && b.tokens == 485,
	    "a timeout retry costs 10");
	retry_bucket_success(&b, 1, RETRY_TIMEOUT);
	is_int((long long)b.tokens, 495, "success after a retry refunds its cost");
	retry_bucket_success(&b, 0, RETRY_NEVER);
	is_int((long long)b.tokens, 496, "success without retry adds 1");
	while (retry_bucket_acquire(&b, RETRY_TRANSIENT))
		n++;
	is_int(n, 99, "the bucket pays for 99 retries then refuses");
	ok(b.tokens < RETRY_COST, "an empty bucket refuses");
	for (n = 0; n < 1000; n++)
		retry_bucket_success(&b, 0, RETRY_NEVER);
	is_int((long long)b.tokens, 500, "refunds stop at capacity");
}

static void
test_backoff(void)
{
	double	v, max0 = 0, max5 = 0;
	int	i, bad = 0;

	for (i = 0; i < 2000; i++) {
		v = retry_backoff(0, 1.0, 20.0);
		bad += v < 0 || v >= 1.0;
		max0 = v > max0 ? v : max0;
		v = retry_backoff(5, 1.0, 20.0);
		bad += v < 0 || v >= 20.0;
		max5 = v > max5 ? v : max5;
	}
	is_int(bad, 0, "full jitter stays in [0, min(cap, base*2^n))");
	ok(max0 > 0.9, "jitter spreads over the whole first interval (max %.3f)",
	    max0);
	ok(max5 > 15.0, "the cap of 20 s binds at attempt 5 (max %.3f)", max5);
	ok(retry_backoff(60, 1.0, 20.0) < 20.0, "huge attempt numbers stay capped");
}

static void
test_ratelimit(void)
{
	struct aws_ratelimit	*rl = aws_ratelimit_new(2.0);
	double			 t = 100.0, w;
	int			 starts = 0, i;

	ok(aws_ratelimit_take(rl, t) == 0, "first attempt starts at once");
	w = aws_ratelimit_take(rl, t + 0.1);
	ok(w > 0.39 && w < 0.41, "second waits the rest of 0.5 s (%.3f)", w);
	/* a busy caller asking every 10 ms for 10 s gets at most 2 per s */
	for (i = 0; i < 1000; i++)
		if (aws_ratelimit_take(rl, t + 1 + i * 0.01) == 0)
			starts++;
	ok(starts <= 21 && starts >= 19, "2/s over 10 s: %d starts", starts);
	aws_ratelimit_free(rl);

	/* spaced from the answer: a slow call delays the next */
	rl = aws_ratelimit_new(1.6);
	ok(aws_ratelimit_take(rl, t) == 0, "taken");
	aws_ratelimit_done(rl, t + 2.0);
	w = aws_ratelimit_take(rl, t + 2.1);
	ok(w > 0.52 && w < 0.53, "next 0.625 s after the answer (%.3f)", w);
	ok(aws_ratelimit_take(rl, t + 2.625) == 0, "then it starts");
	aws_ratelimit_done(rl, t + 2.7);
	aws_ratelimit_done(rl, t + 2.65);
	w = aws_ratelimit_take(rl, t + 2.7);
	ok(w > 0.62 && w < 0.63, "an earlier answer never shortens it (%.3f)",
	    w);
	aws_ratelimit_free(rl);
	aws_ratelimit_done(NULL, 1.0);
	ok(aws_ratelimit_new(0) == NULL, "a zero rate is refused");
	is_int((long long)aws_ratelimit_take(NULL, 1.0), 0, "no limiter: no wait");
}

static void
test_endpoints(void)
{
	char	*u = NULL, err[160];

	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_IAM");
	unsetenv("AWS_ENDPOINT_URL_CLOUDTRAIL");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	aws_endpoint_url(&aws_service_iam, "eu-west-1", NULL, &u, err,
	    sizeof(err));
	IS_STR(u, "https://iam.amazonaws.com", "IAM is global");
	free(u);
	IS_STR(aws_endpoint_signing_region(&aws_service_iam, "eu-west-1"),
	    "us-east-1", "IAM is signed for us-east-1");
	aws_endpoint_url(&aws_service_cloudtrail, "eu-west-1", NULL, &u, err,
	    sizeof(err));
	IS_STR(u, "https://cloudtrail.eu-west-1.amazonaws.com",
	    "CloudTrail is regional");
	free(u);
	aws_endpoint_url(&aws_service_sts, "cn-north-1", NULL, &u, err,
	    sizeof(err));
	IS_STR(u, "https://sts.cn-north-1.amazonaws.com.cn", "China partition");
	free(u);
	aws_endpoint_url(&aws_service_iam, "us-east-1", "https://cfg.example/",
	    &u, err, sizeof(err));
	IS_STR(u, "https://cfg.example", "config endpoint_url, slash trimmed");
	free(u);
	setenv("AWS_ENDPOINT_URL", "https://env.example", 1);
	aws_endpoint_url(&aws_service_iam, "us-east-1", "https://cfg.example",
	    &u, err, sizeof(err));
	IS_STR(u, "https://env.example", "AWS_ENDPOINT_URL beats the config");
	free(u);
	setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", "https://ct.example", 1);
	aws_endpoint_url(&aws_service_cloudtrail, "us-east-1", NULL, &u, err,
	    sizeof(err));
	IS_STR(u, "https://ct.example", "AWS_ENDPOINT_URL_<SERVICE> wins");
	free(u);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	aws_endpoint_url(&aws_service_cloudtrail, "us-east-1", NULL, &u, err,
	    sizeof(err));
	IS_STR(u, "https://cloudtrail.us-east-1.amazonaws.com",
	    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS keeps the default");
	free(u);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_CLOUDTRAIL");
	setenv("AWS_ENDPOINT_URL_IAM", "http://iam.example", 1);
	is_int(aws_endpoint_url(&aws_service_iam, "us-east-1", NULL, &u, err,
	    sizeof(err)), DW_EINVAL, "plain http from the environment refused");
	ok(strstr(err, "AWS_ENDPOINT_URL_IAM: expected an https://") == err,
	    "the error names the variable: %s", err);
	is_int(aws_endpoint_check_env(err, sizeof(err)), DW_EINVAL,
	    "the start-up check sees it too");
	setenv("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:4566", 1);
	is_int(aws_endpoint_url(&aws_service_iam, "us-east-1", NULL, &u, err,
	    sizeof(err)), 0, "http to this host is allowed");
	free(u);
	unsetenv("AWS_ENDPOINT_URL_IAM");
	setenv("AWS_ENDPOINT_URL", "ftp://x", 1);
	is_int(aws_endpoint_check_env(err, sizeof(err)), DW_EINVAL,
	    "AWS_ENDPOINT_URL is held to the rule");
	unsetenv("AWS_ENDPOINT_URL");
	is_int(aws_endpoint_check_env(err, sizeof(err)), 0, "nothing set: fine");
	aws_endpoint_url(&aws_service_account, "eu-west-1", NULL, &u, err,
	    sizeof(err));
	IS_STR(u, "https://account.us-east-1.amazonaws.com",
	    "Account is global in aws");
	free(u);
	IS_STR(aws_endpoint_signing_region(&aws_service_account, "us-gov-east-1"),
	    "us-gov-east-1", "Account is regional in aws-us-gov");
	ok(aws_service_find("Config Service") == &aws_service_config &&
	    aws_service_find("sns") == &aws_service_sns &&
	    aws_service_find("nope") == NULL, "services found by id or name");
}

static void
test_host(void)
{
	char	*h;

	aws_endpoint_host("https://h.example:443", &h);
	IS_STR(h, "h.example", "https default port is not signed");
	free(h);
	aws_endpoint_host("https://h.example:8443", &h);
	IS_STR(h, "h.example:8443", "another port is");
	free(h);
	aws_endpoint_host("http://127.0.0.1:80", &h);
	IS_STR(h, "127.0.0.1", "http default port is not signed");
	free(h);
	aws_endpoint_host("http://127.0.0.1:443", &h);
	IS_STR(h, "127.0.0.1:443", "443 is not http's default");
	free(h);
}

static void
test_clock(void)
{
	long	off = 0;
	time_t	now = 1800000000;	/* 2027-01-15T08:00:00Z */

	is_int(aws_clock_update(&off, "Fri, 15 Jan 2027 08:00:02 GMT", now), 0,
	    "two seconds is noise");
	is_int(off, 0, "offset kept");
	is_int(aws_clock_update(&off, "Fri, 15 Jan 2027 08:20:00 GMT", now), 1,
	    "twenty minutes moves it");
	is_int(off, 1200, "AWS is 1200 s ahead");
	is_int(aws_clock_update(&off, "Fri, 15 Jan 2027 08:20:01 GMT", now), 0,
	    "and it stays");
	is_int(aws_clock_update(&off, "garbage", now), 0, "a bad Date is ignored");
	is_int(aws_clock_update(&off, NULL, now), 0, "no Date is ignored");
	ok(aws_clock_skew_error("RequestTimeTooSkewed") &&
	    aws_clock_skew_error("InvalidSignatureException") &&
	    !aws_clock_skew_error("AccessDenied") && !aws_clock_skew_error(NULL),
	    "skew error codes");
}

/* A response as the HTTP layer hands it up. */
static void
resp_init(struct http_response *r, long status, const char *body,
    const char *const *names, const char *errtype)
{
	memset(r, 0, sizeof(*r));
	r->status = status;
	r->body = (char *)body;
	r->body_len = strlen(body);
	r->wanted_names = names;
	r->wanted[1] = (char *)errtype;
}

/* When no header names the request, the error body may. */
static void
test_proto_request_id(const char *const *names)
{
	static const struct {
		const char	*body;
		const char	*want;
		const char	*what;
	} t[] = {
		{ "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/"
		    "2010-05-08/\"><Error><Type>Sender</Type><Code>"
		    "AccessDenied</Code><Message>m</Message></Error><RequestId>"
		    "4b1bbc3b-1c2c-4f3e-9b5e-5a1c8e1e2f3d</RequestId>"
		    "</ErrorResponse>", "4b1bbc3b-1c2c-4f3e-9b5e-5a1c8e1e2f3d",
		    "Query: ErrorResponse's RequestId" },
		{ "<Response><Errors><Error><Code>AuthFailure</Code>"
		    "<Message>m</Message></Error></Errors><RequestID>"
		    "ea966190-f9aa-478e-9ede-example</RequestID></Response>",
		    "ea966190-f9aa-478e-9ede-example",
		    "Query: the EC2 shape's RequestID" },
		{ "<Error><Code>AccessDenied</Code><Message>m</Message>"
		    "<RequestId>4442587FB7D0A2F9</RequestId></Error>",
		    "4442587FB7D0A2F9", "an Error document's own RequestId" },
		{ "<ErrorResponse><Error><Code>A</Code></Error></ErrorResponse>",
		    NULL, "Query: none in the body" },
		{ "<html>bad gateway</html", NULL, "not XML: none" },
	};
	struct http_response	 r;
	char			*id;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		resp_init(&r, 403, t[i].body, names, NULL);
		id = aws_proto_query.read_request_id(&r);
		if (t[i].want != NULL)
			IS_STR(id, t[i].want, "%s", t[i].what);
		else
			ok(id == NULL, "%s", t[i].what);
		free(id);
	}
	ok(aws_proto_json11.read_request_id == NULL &&
	    aws_proto_restjson.read_request_id == NULL,
	    "JSON answers carry their request id in a header only");
}

static void
test_proto_errors(void)
{
	static const char *const names[] = { "Date", "x-amzn-ErrorType", NULL };
	struct http_response	 r;
	char			*code = NULL, *msg = NULL;

	resp_init(&r, 404, "{\"message\":\"No contact of the inputted "
	    "alternate contact type found.\"}", names,
	    "ResourceNotFoundException:http://internal.amazon.com/coral/"
	    "com.amazon.account/");
	aws_proto_restjson.read_error(&r, &code, &msg);
	IS_STR(code, "ResourceNotFoundException", "REST-JSON: code from header");
	IS_STR(msg, "No contact of the inputted alternate contact type found.",
	    "REST-JSON: message from the body");
	free(code); free(msg); code = msg = NULL;
	resp_init(&r, 404, "{\"__type\":\"com.amazonaws.account#"
	    "ResourceNotFoundException\",\"Message\":\"gone\"}", names, NULL);
	aws_proto_restjson.read_error(&r, &code, &msg);
	IS_STR(code, "ResourceNotFoundException", "REST-JSON: namespaced __type");
	IS_STR(msg, "gone", "REST-JSON: Message");
	free(code); free(msg); code = msg = NULL;
	resp_init(&r, 403, "{\"code\":\"AccessDeniedException\","
	    "\"__type\":\"x#Other\"}", names, NULL);
	aws_proto_restjson.read_error(&r, &code, &msg);
	IS_STR(code, "AccessDeniedException", "REST-JSON: code beats __type");
	free(code); free(msg); code = msg = NULL;
	resp_init(&r, 502, "<html>bad gateway</html>", names, NULL);
	aws_proto_restjson.read_error(&r, &code, &msg);
	ok(code == NULL && msg == NULL, "REST-JSON: a proxy page is no error");
	resp_init(&r, 400, "{\"__type\":\"com.amazonaws.cloudtrail.v20131101#"
	    "TrailNotFoundException\",\"message\":\"m\"}", names,
	    "Ignored:x");
	aws_proto_json11.read_error(&r, &code, &msg);
	IS_STR(code, "TrailNotFoundException", "JSON 1.1: __type, header unused");
	free(code); free(msg); code = msg = NULL;
	resp_init(&r, 400, "{\"__type\":\"A\"} trailing", names, NULL);
	aws_proto_json11.read_error(&r, &code, &msg);
	ok(code == NULL, "JSON: a body with trailing garbage is not read");
	resp_init(&r, 400, "<ErrorResponse><Error><Code>Throttling</Code>"
	    "<Message>Rate exceeded</Message></Error></ErrorResponse>", names,
	    NULL);
	aws_proto_query.read_error(&r, &code, &msg);
	IS_STR(code, "Throttling", "Query: code");
	IS_STR(msg, "Rate exceeded", "Query: message");
	free(code); free(msg);
	test_proto_request_id(names);
}

static void
test_proto_success(void)
{
	static const char *const bad[] = {
		"{\"a\":1} x", "{'a':1}", "{\"a\":1,}", "[1]", "{\"a\":",
		"\"s\"", NULL,
	};
	struct http_response	 r;
	struct aws_result	 res;
	size_t			 i;

	for (i = 0; bad[i] != NULL; i++) {
		memset(&res, 0, sizeof(res));
		resp_init(&r, 200, bad[i], NULL, NULL);
		is_int(aws_proto_json11.read_success(&r, &res), DW_EPARSE,
		    "JSON answer refused: %s", bad[i]);
		ok(res.json == NULL, "nothing kept");
	}
	memset(&res, 0, sizeof(res));
	resp_init(&r, 200, "", NULL, NULL);
	is_int(aws_proto_restjson.read_success(&r, &res), 0,
	    "an empty REST-JSON answer is an empty object");
	json_object_put(res.json);
	memset(&res, 0, sizeof(res));
	resp_init(&r, 200, "{\"AlternateContact\":{}}\n", NULL, NULL);
	is_int(aws_proto_restjson.read_success(&r, &res), 0, "a good answer");
	json_object_put(res.json);
}

static void
test_proto_build(void)
{
	static const struct aws_operation get = { "GetAlternateContact",
	    "POST", "/getAlternateContact", NULL };
	static const struct aws_operation bare = { "X", NULL, NULL, NULL };
	struct aws_param	 p[] = { { "UserName", "a b+c" } };
	struct aws_input	 in = { p, 1, NULL };
	struct aws_wire		 w;
	json_object		*o = json_object_new_object();

	memset(&w, 0, sizeof(w));
	is_int(aws_proto_query.build(&aws_service_iam, &bare, &in, &w), 0,
	    "Query builds");
	IS_STR(w.body, "Action=X&Version=2010-05-08&UserName=a%20b%2Bc",
	    "Query body, RFC 3986 encoded");
	IS_STR(w.path, "/", "Query path");
	aws_wire_clear(&w);
	json_object_object_add(o, "AlternateContactType",
	    json_object_new_string("BILLING"));
	in.params = NULL;
	in.nparams = 0;
	in.json = o;
	is_int(aws_proto_restjson.build(&aws_service_account, &get, &in, &w),
	    0, "REST-JSON builds");
	IS_STR(w.path, "/getAlternateContact", "REST-JSON path from the model");
	IS_STR(w.body, "{\"AlternateContactType\":\"BILLING\"}",
	    "REST-JSON body");
	IS_STR(w.content_type, "application/json", "REST-JSON content type");
	ok(w.target == NULL, "no X-Amz-Target");
	aws_wire_clear(&w);
	is_int(aws_proto_restjson.build(&aws_service_account, &bare, &in, &w),
	    DW_EINVAL, "REST-JSON needs a URI");
	is_int(aws_proto_json11.build(&aws_service_cloudtrail, &bare, &in, &w),
	    0, "JSON 1.1 builds");
	IS_STR(w.target, "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.X",
	    "X-Amz-Target");
	IS_STR(w.content_type, "application/x-amz-json-1.1", "JSON 1.1 type");
	aws_wire_clear(&w);
	json_object_put(o);
}

static void
test_xml(void)
{
	const char	*ok_doc = "<ListUsersResponse xmlns=\"https://iam."
	    "amazonaws.com/doc/2010-05-08/\"><ListUsersResult><Users><member>"
	    "<UserName>alice</UserName></member><member><UserName>bob"
	    "</UserName></member></Users><IsTruncated>false</IsTruncated>"
	    "</ListUsersResult></ListUsersResponse>";
	const char	*err_doc = "<ErrorResponse><Error><Type>Sender</Type>"
	    "<Code>AccessDenied</Code><Message>not for you</Message></Error>"
	    "<RequestId>r-1</RequestId></ErrorResponse>";
	const char	*dtd_doc = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY"
	    " a \"aaaa\">]><x>&a;</x>";
	xmlDoc		*doc;
	xmlNode		*m;
	char		*code = NULL, *msg = NULL, *t;
	int		 n = 0;

	ok(aws_xml_parse(ok_doc, strlen(ok_doc), &doc) == 0, "parses an answer");
	for (m = aws_xml_find(xmlDocGetRootElement(doc),
	    "ListUsersResult/Users/member"); m != NULL; m = aws_xml_next(m))
		n++;
	is_int(n, 2, "namespace-blind path finds both members");
	t = aws_xml_text(xmlDocGetRootElement(doc), "ListUsersResult/IsTruncated");
	IS_STR(t, "false", "reads a child's text");
	xmlFree(t);
	ok(aws_xml_text(xmlDocGetRootElement(doc), "Nope/Nothing") == NULL,
	    "a missing path is NULL");
	xmlFreeDoc(doc);
	ok(aws_xml_parse(err_doc, strlen(err_doc), &doc) == 0 &&
	    aws_xml_error(doc, &code, &msg) == 0, "reads an error document");
	IS_STR(code, "AccessDenied", "error code");
	IS_STR(msg, "not for you", "error message");
	xmlFree(code);
	xmlFree(msg);
	xmlFreeDoc(doc);
	is_int(aws_xml_parse("<a><b></a>", 10, &doc), DW_EPARSE,
	    "malformed XML is an error");
	is_int(aws_xml_parse("", 0, &doc), DW_EPARSE, "empty body is an error");
	is_int(aws_xml_parse(dtd_doc, strlen(dtd_doc), &doc), DW_EPARSE,
	    "a document with a DTD is refused");
	is_int(aws_xml_parse("<html><body>502 Bad Gateway</body></html>",
	    41, &doc), 0, "an HTML page parses as XML...");
	ok(aws_xml_error(doc, &code, &msg) == DW_ENOTFOUND,
	    "...but holds no AWS error");
	xmlFreeDoc(doc);
}

/* A failed call is a warning; "there is nothing there" is data. */
static void
test_result_log(void)
{
	static const struct {
		int		 result;
		long		 status;
		const char	*code;
		int		 prio;
	} t[] = {
		{ 0, 200, NULL, LOG_DEBUG },
		{ DW_ECANCELED, 0, NULL, LOG_DEBUG },
		{ DW_EAWS, 403, "AccessDenied", LOG_WARNING },
		{ DW_EAWS, 400, "AccessDeniedException", LOG_WARNING },
		{ DW_EAWS, 400, "ThrottlingException", LOG_WARNING },
		{ DW_EAWS, 500, "InternalFailure", LOG_WARNING },
		{ DW_EAWS, 400, "ValidationException", LOG_WARNING },
		{ DW_EAWS, 404, "NoSuchEntity", LOG_DEBUG },
		{ DW_EAWS, 404, "ResourceNotFoundException", LOG_DEBUG },
		{ DW_EAWS, 400, "TrailNotFoundException", LOG_DEBUG },
		{ DW_EAWS, 400, "NoSuchConfigurationRecorderException",
		    LOG_DEBUG },
		{ DW_EAWS, 410, "ReportNotPresent", LOG_DEBUG },
		{ DW_EAWS, 404, "ReportInProgress", LOG_DEBUG },
		{ DW_EAWS, 410, "ReportExpired", LOG_DEBUG },
		{ DW_EAWS, 500, "NoSuchEntity", LOG_WARNING },
		{ DW_EAWS, 403, "NoSuchEntity", LOG_WARNING },
		{ DW_EAWS, 502, NULL, LOG_WARNING },
		{ DW_ENET, 0, NULL, LOG_WARNING },
		{ DW_EPARSE, 200, NULL, LOG_WARNING },
	};
	struct aws_result	r;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.result = t[i].result;
		r.status = t[i].status;
		r.code = t[i].code;
		is_int(aws_result_log_priority(&r), t[i].prio,
		    "aws error entry: %s HTTP %ld", t[i].code ? t[i].code : "-",
		    t[i].status);
	}
}

int
main(void)
{
	xmlInitParser();
	test_result_log();
	test_classify();
	test_bucket();
	test_backoff();
	test_ratelimit();
	test_endpoints();
	test_host();
	test_clock();
	test_proto_errors();
	test_proto_success();
	test_proto_build();
	test_xml();
	xmlCleanupParser();
	return done_testing();
}
