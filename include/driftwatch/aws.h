/*
 * Signed AWS calls on the event loop: one logical call may take several
 * attempts (SDK "standard" retries).  The protocol layer turns a call
 * into a signed HTTP request and the answer into a parsed document or
 * an AWS error read from the body.
 */
#ifndef DRIFTWATCH_AWS_H
#define DRIFTWATCH_AWS_H

#include <stddef.h>
#include <time.h>

#include <libxml/tree.h>
#include <json-c/json.h>

struct event_base;
struct http_client;
struct aws_creds;
struct creds_provider;
struct aws_ratelimit;

struct aws_protocol;	/* aws_proto.h: one per wire protocol */

/* The partitions driftwatch knows, by region prefix (aws_endpoint.c). */
enum aws_partition {
	AWS_PARTITION_AWS,		/* amazonaws.com */
	AWS_PARTITION_CN,		/* cn-*: amazonaws.com.cn */
	AWS_PARTITION_US_GOV,		/* us-gov-*: amazonaws.com */
	AWS_NPARTITIONS,
};

/*
 * Where a global service lives in one partition: its one host, and the
 * region its requests are signed for.  host NULL: the service is
 * regional there, at https://<prefix>.<region>.<dns suffix>.
 */
struct aws_global_endpoint {
	const char	*host;
	const char	*signing_region;
};

/*
 * A static description of one service (the table is aws_service.c),
 * checked against botocore's endpoint resolver by the test suite.
 */
struct aws_service {
	const char			*id;		/* SDK id: AWS_ENDPOINT_URL_<ID> */
	const char			*signing_name;
	const char			*endpoint_prefix;
	const struct aws_protocol	*protocol;
	const char			*api_version;	/* Query "Version" */
	const char			*target_prefix;	/* JSON X-Amz-Target prefix */
	struct aws_global_endpoint	 global[AWS_NPARTITIONS];
};

extern const struct aws_service aws_service_account;
extern const struct aws_service aws_service_cloudtrail;
extern const struct aws_service aws_service_config;
extern const struct aws_service aws_service_iam;
extern const struct aws_service aws_service_organizations;
extern const struct aws_service aws_service_sns;
extern const struct aws_service aws_service_sts;
extern const struct aws_service aws_service_tax;
/* Every service above, NULL-terminated, and one by its SDK id. */
extern const struct aws_service *const aws_services[];
const struct aws_service	*aws_service_find(const char *id);

/*
 * One operation: its name, and for REST protocols its HTTP method and
 * URI (from the service model's "http" trait).  Pagers send the next
 * page's token as input_token ("Marker", "NextToken", "nextToken");
 * NULL takes the protocol's usual name.
 */
struct aws_operation {
	const char	*name;
	const char	*http_method;	/* REST only; NULL: POST */
	const char	*uri;		/* REST only */
	const char	*input_token;
};

struct aws_client_options {
	const char	*endpoint_url;	/* the config file's; env wins */
	const char	*ca_bundle;	/* the config file's; env wins */
	long		 timeout_ms;
	size_t		 max_response;
	int		 max_attempts;	/* 0: 3, the SDK standard */
	double		 backoff_base;	/* seconds; 0: 1.0 */
	double		 backoff_cap;	/* seconds; 0: 20.0 */
};

struct aws_result {
	int		 result;	/* 0, or DW_EAWS / DW_ENET / DW_EPARSE ... */
	long		 status;
	const char	*request_id;
	const char	*code;		/* AWS error code, e.g. "AccessDenied" */
	const char	*message;	/* sanitised; never a secret */
	xmlDoc		*xml;		/* Query answers; borrowed */
	json_object	*json;		/* JSON and REST-JSON answers; borrowed */
	int		 attempts;
};

typedef void	(*aws_cb)(const struct aws_result *, void *);

struct aws_param {
	const char	*name;
	const char	*value;
};

/* What a call sends: Query parameters, or a JSON body (borrowed). */
struct aws_input {
	const struct aws_param	*params;
	size_t			 nparams;
	json_object		*json;		/* NULL sends "{}" */
};

struct aws_client	*aws_client_new(struct event_base *,
			    struct http_client *,
			    const struct aws_client_options *);
void			 aws_client_free(struct aws_client *);
/*
 * Where the client's credentials come from (creds_provider.h); takes
 * ownership, and the old provider is freed.  A call waits for it.
 */
void			 aws_client_set_provider(struct aws_client *,
			    struct creds_provider *);
struct creds_provider	*aws_client_provider(const struct aws_client *);
/* Fixed keys, as a static provider; takes ownership of creds. */
void			 aws_client_set_creds(struct aws_client *,
			    struct aws_creds *);
/* The keys a call would sign with now, or NULL. */
const struct aws_creds	*aws_client_creds(const struct aws_client *);
size_t			 aws_client_retry_tokens(const struct aws_client *);
/*
 * Failed calls logged at debug only (aws_result_log()): for check and
 * capture, whose report names each failure with its request id.
 */
void			 aws_client_quiet_errors(struct aws_client *);
/*
 * The time by AWS's clock: the host clock corrected by the offset read
 * from the Date header of AWS's answers (the SDKs' clock-skew
 * correction).  Use it for signing and for CloudTrail time windows.
 */
time_t			 aws_client_now(const struct aws_client *);

struct aws_call;

/*
 * Starts a call of any protocol; the answer comes from the loop.  NULL:
 * setup failed (logged).  The input is copied.
 */
struct aws_call	*aws_call_start(struct aws_client *, const struct aws_service *,
		    const char *region, const struct aws_operation *,
		    const struct aws_input *, aws_cb, void *);
/* A Query call: Action and Version are added. NULL: setup failed (logged). */
struct aws_call	*aws_query(struct aws_client *, const struct aws_service *,
		    const char *region, const char *action,
		    const struct aws_param *, size_t, aws_cb, void *);
/* A JSON 1.1 call; body is borrowed (NULL sends "{}"). */
struct aws_call	*aws_json(struct aws_client *, const struct aws_service *,
		    const char *region, const char *operation,
		    json_object *body, aws_cb, void *);
/* Every attempt of this call waits its turn at the limiter first. */
void		 aws_call_set_ratelimit(struct aws_call *,
		    struct aws_ratelimit *);
/* No callback after this.  NULL is a no-op. */
void		 aws_call_cancel(struct aws_call *);

/* "Code: message (HTTP 403, request id X)" for logs; static buffer. */
const char	*aws_result_describe(const struct aws_result *);
/* 1 when the error means we are not allowed: never retried. */
int		 aws_result_denied(const struct aws_result *);
/*
 * The AWS error entry (MSGID_AWS_ERROR, with AWS_REQUEST_ID) of a call
 * that failed after its retries (aws_result_log.c): a warning, or debug
 * for an answer that says there is nothing there (a NoSuch... or a
 * ...NotFound... code, a credential report not ready), which its caller
 * reads as data, and always debug when quiet.  Nothing for a success or
 * a cancelled call.
 */
struct log_src;
int		 aws_result_log_priority(const struct aws_result *);
void		 aws_result_log_at(const struct log_src *,
		    const struct aws_result *, const char *service,
		    const char *region, const char *op, int quiet);
#define aws_result_log(r, svc, region, op, quiet) \
	aws_result_log_at(LOG_HERE, (r), (svc), (region), (op), (quiet))

/* Endpoints (aws_endpoint.c). */
enum aws_partition aws_partition_of(const char *region);
/*
 * The URL a call goes to: AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, the
 * configured URL, else the service's default.  DW_EINVAL with err set
 * when an override is not https:// (or http:// to this host).
 */
int		 aws_endpoint_url(const struct aws_service *, const char *region,
		    const char *configured, char **, char *err, size_t errlen);
const char	*aws_endpoint_signing_region(const struct aws_service *,
		    const char *region);
const char	*aws_endpoint_ca_bundle(const char *configured);
/* The Host header curl sends for url (no default port); malloc'd. */
int		 aws_endpoint_host(const char *url, char **);
/* Every endpoint override in the environment is acceptable: 0, or
 * DW_EINVAL with err naming the variable. */
int		 aws_endpoint_check_env(char *err, size_t errlen);

/*
 * Clock skew (aws_clock.c).  aws_clock_update() moves *offset (AWS time
 * minus host time) to what an answer's Date header says when they
 * differ by more than a few seconds, and returns 1 when it did.
 * aws_clock_skew_error() is 1 for the codes AWS gives a request signed
 * at the wrong time.
 */
int		 aws_clock_update(long *offset, const char *date, time_t now);
int		 aws_clock_skew_error(const char *code);

/* Response helpers (aws_xml.c): namespace-blind paths like "A/B/member". */
xmlNode		*aws_xml_find(xmlNode *, const char *path);
xmlNode		*aws_xml_next(xmlNode *);	/* next sibling element of same name */
/* Text of the child at path, or NULL; owned by the caller (xmlFree). */
char		*aws_xml_text(xmlNode *, const char *path);
int		 aws_xml_parse(const char *, size_t, xmlDoc **);
int		 aws_xml_error(xmlDoc *, char **code, char **message);

#endif

/*
 * Pagination (aws_pager.c): repeats a call with the previous page's
 * token until there is none.  page() reads one answer into the caller's
 * accumulator and returns the next token (malloc'd) or NULL; a negative
 * return stops with DW_EPARSE.  done() runs once with the last result.
 */
typedef int	(*aws_page_fn)(const struct aws_result *, void *acc,
		    char **next);
typedef void	(*aws_pager_done_fn)(const struct aws_result *, void *acc);

struct aws_pager;

struct aws_pager	*aws_pager_query(struct aws_client *,
			    const struct aws_service *, const char *region,
			    const char *action, const struct aws_param *, size_t,
			    aws_page_fn, aws_pager_done_fn, void *acc);
struct aws_pager	*aws_pager_json(struct aws_client *,
			    const struct aws_service *, const char *region,
			    const char *operation, json_object *body,
			    aws_page_fn, aws_pager_done_fn, void *acc);
/* Any protocol; the input is copied. */
struct aws_pager	*aws_pager_start(struct aws_client *,
			    const struct aws_service *, const char *region,
			    const struct aws_operation *,
			    const struct aws_input *, aws_page_fn,
			    aws_pager_done_fn, void *acc);
void			 aws_pager_set_ratelimit(struct aws_pager *,
			    struct aws_ratelimit *);
void			 aws_pager_set_max_pages(struct aws_pager *, int);
/* The pager frees acc with fn when it ends or is cancelled. */
void			 aws_pager_set_acc_free(struct aws_pager *,
			    void (*)(void *));
void			 aws_pager_cancel(struct aws_pager *);
