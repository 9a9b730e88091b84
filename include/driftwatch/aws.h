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
struct aws_ratelimit;

enum aws_protocol {
	AWS_PROTO_QUERY,	/* form-encoded POST, XML answer: IAM, STS, SNS */
	AWS_PROTO_JSON,		/* JSON 1.1 with X-Amz-Target: CloudTrail, Config */
};

/* A static description of one service. */
struct aws_service {
	const char		*id;		/* SDK id: AWS_ENDPOINT_URL_<ID> */
	const char		*signing_name;
	const char		*endpoint_prefix;
	enum aws_protocol	 protocol;
	const char		*api_version;	/* Query "Version" */
	const char		*target_prefix;	/* JSON X-Amz-Target prefix */
	int			 global;	/* one endpoint for the partition */
};

extern const struct aws_service aws_service_iam;
extern const struct aws_service aws_service_sts;
extern const struct aws_service aws_service_cloudtrail;

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
	json_object	*json;		/* JSON answers; borrowed */
	int		 attempts;
};

typedef void	(*aws_cb)(const struct aws_result *, void *);

struct aws_param {
	const char	*name;
	const char	*value;
};

struct aws_client	*aws_client_new(struct event_base *,
			    struct http_client *,
			    const struct aws_client_options *);
void			 aws_client_free(struct aws_client *);
/* Takes ownership of creds; the old ones are wiped. */
void			 aws_client_set_creds(struct aws_client *,
			    struct aws_creds *);
const struct aws_creds	*aws_client_creds(const struct aws_client *);
size_t			 aws_client_retry_tokens(const struct aws_client *);
/*
 * The time by AWS's clock: the host clock corrected by the offset read
 * from the Date header of AWS's answers (the SDKs' clock-skew
 * correction).  Use it for signing and for CloudTrail time windows.
 */
time_t			 aws_client_now(const struct aws_client *);

struct aws_call;

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

/* Endpoints (aws_endpoint.c). */
int		 aws_endpoint_url(const struct aws_service *, const char *region,
		    const char *configured, char **);
const char	*aws_endpoint_signing_region(const struct aws_service *,
		    const char *region);
const char	*aws_endpoint_ca_bundle(const char *configured);

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
void			 aws_pager_set_ratelimit(struct aws_pager *,
			    struct aws_ratelimit *);
void			 aws_pager_set_max_pages(struct aws_pager *, int);
/* The pager frees acc with fn when it ends or is cancelled. */
void			 aws_pager_set_acc_free(struct aws_pager *,
			    void (*)(void *));
void			 aws_pager_cancel(struct aws_pager *);
