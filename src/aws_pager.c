/*
 * Following a paginated API to its end: IAM's Marker/IsTruncated and
 * the JSON services' NextToken, one page at a time on the loop.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_proto.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"

#define PAGER_MAX_PARAMS	8
#define PAGER_DEFAULT_PAGES	200

struct aws_pager {
	struct aws_client		*client;
	const struct aws_service	*svc;
	char				*region;
	struct aws_operation		 op;		/* strings owned */
	struct aws_param		 params[PAGER_MAX_PARAMS + 1];
	char				*owned[2 * PAGER_MAX_PARAMS];
	size_t				 nparams;
	json_object			*body;
	char				*token;
	int				 pages;
	int				 max_pages;
	struct aws_ratelimit		*rl;
	struct aws_call			*call;
	aws_page_fn			 page;
	aws_pager_done_fn		 done;
	void				*acc;
	void				(*acc_free)(void *);
};

static int	aws_pager_next(struct aws_pager *);

static void
aws_pager_free(struct aws_pager *pg)
{
	size_t	i;

	if (pg == NULL)
		return;
	aws_call_cancel(pg->call);
	for (i = 0; i < 2 * PAGER_MAX_PARAMS; i++)
		free(pg->owned[i]);
	json_object_put(pg->body);
	if (pg->acc_free != NULL)
		pg->acc_free(pg->acc);
	free(pg->token);
	free(pg->region);
	free((char *)pg->op.name);
	free((char *)pg->op.http_method);
	free((char *)pg->op.uri);
	free((char *)pg->op.input_token);
	free(pg);
}

void
aws_pager_cancel(struct aws_pager *pg)
{
	aws_pager_free(pg);
}

void
aws_pager_set_ratelimit(struct aws_pager *pg, struct aws_ratelimit *rl)
{
	pg->rl = rl;
	if (pg->call != NULL)
		aws_call_set_ratelimit(pg->call, rl);
}

void
aws_pager_set_acc_free(struct aws_pager *pg, void (*fn)(void *))
{
	pg->acc_free = fn;
}

void
aws_pager_set_max_pages(struct aws_pager *pg, int n)
{
	pg->max_pages = n;
}

static int
aws_pager_dup(const char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst != NULL ? 0 : DW_ENOMEM;
}

static struct aws_pager *
aws_pager_new(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const struct aws_operation *op, aws_page_fn page,
    aws_pager_done_fn done, void *acc)
{
	struct aws_pager	*pg;
	const char		*tok;

	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return NULL;
	pg->client = cl;
	pg->svc = svc;
	pg->page = page;
	pg->done = done;
	pg->acc = acc;
	pg->max_pages = PAGER_DEFAULT_PAGES;
	tok = op->input_token != NULL ? op->input_token :
	    svc->protocol->input_token;
	if ((pg->region = strdup(region)) == NULL ||
	    aws_pager_dup(&pg->op.name, op->name) != 0 ||
	    aws_pager_dup(&pg->op.http_method, op->http_method) != 0 ||
	    aws_pager_dup(&pg->op.uri, op->uri) != 0 ||
	    aws_pager_dup(&pg->op.input_token, tok) != 0) {
		aws_pager_free(pg);
		return NULL;
	}
	return pg;
}

static void
aws_pager_finish(struct aws_pager *pg, const struct aws_result *r)
{
	pg->call = NULL;
	pg->done(r, pg->acc);
	aws_pager_free(pg);
}

static void
aws_pager_cb(const struct aws_result *r, void *arg)
{
	struct aws_pager	*pg = arg;
	struct aws_result	 bad;
	char			*next = NULL;

	if (r->result != 0) {
		aws_pager_finish(pg, r);
		return;
	}
	if (pg->page(r, pg->acc, &next) < 0) {
		bad = *r;
		bad.result = DW_EPARSE;
		bad.message = "unexpected answer shape";
		aws_pager_finish(pg, &bad);
		return;
	}
	free(pg->token);
	pg->token = next;
	if (next == NULL) {
		aws_pager_finish(pg, r);
		return;
	}
	if (++pg->pages >= pg->max_pages) {
		/* a partial list is not the list: never report it as one */
		bad = *r;
		bad.result = DW_ETOOBIG;
		bad.message = "more pages than driftwatch reads in one go";
		aws_pager_finish(pg, &bad);
		return;
	}
	pg->call = NULL;
	if (aws_pager_next(pg) != 0) {
		bad = *r;
		bad.result = DW_ENOMEM;
		bad.message = "cannot start the next page";
		aws_pager_finish(pg, &bad);
	}
}

static int
aws_pager_next(struct aws_pager *pg)
{
	struct aws_input	in;
	size_t			n = pg->nparams;

	memset(&in, 0, sizeof(in));
	if (pg->body != NULL) {
		if (pg->token != NULL)
			json_object_object_add(pg->body, pg->op.input_token,
			    json_object_new_string(pg->token));
		in.json = pg->body;
	} else {
		if (pg->token != NULL) {
			pg->params[n].name = pg->op.input_token;
			pg->params[n++].value = pg->token;
		}
		in.params = pg->params;
		in.nparams = n;
	}
	pg->call = aws_call_start(pg->client, pg->svc, pg->region, &pg->op,
	    &in, aws_pager_cb, pg);
	if (pg->call == NULL)
		return DW_ENOMEM;
	aws_call_set_ratelimit(pg->call, pg->rl);
	return 0;
}

static int
aws_pager_copy_params(struct aws_pager *pg, const struct aws_param *p,
    size_t np)
{
	size_t	i;

	if (np > PAGER_MAX_PARAMS)
		return DW_EINVAL;
	for (i = 0; i < np; i++) {
		pg->owned[2 * i] = strdup(p[i].name);
		pg->owned[2 * i + 1] = strdup(p[i].value);
		if (pg->owned[2 * i] == NULL || pg->owned[2 * i + 1] == NULL)
			return DW_ENOMEM;
		pg->params[i].name = pg->owned[2 * i];
		pg->params[i].value = pg->owned[2 * i + 1];
	}
	pg->nparams = np;
	return 0;
}

static int
aws_pager_copy_body(struct aws_pager *pg, json_object *body)
{
	if (body != NULL)
		json_object_deep_copy(body, &pg->body, NULL);
	else
		pg->body = json_object_new_object();
	return pg->body != NULL ? 0 : DW_ENOMEM;
}

/* The first call is made at once; its answer comes from the loop. */
struct aws_pager *
aws_pager_start(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const struct aws_operation *op,
    const struct aws_input *in, aws_page_fn page, aws_pager_done_fn done,
    void *acc)
{
	struct aws_pager	*pg;
	int			 r;

	if ((pg = aws_pager_new(cl, svc, region, op, page, done, acc)) == NULL)
		return NULL;
	if (svc->protocol->json_input)
		r = aws_pager_copy_body(pg, in->json);
	else
		r = aws_pager_copy_params(pg, in->params, in->nparams);
	if (r != 0 || aws_pager_next(pg) != 0) {
		aws_pager_free(pg);
		return NULL;
	}
	return pg;
}

struct aws_pager *
aws_pager_query(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const char *action, const struct aws_param *p,
    size_t np, aws_page_fn page, aws_pager_done_fn done, void *acc)
{
	struct aws_operation	op = { action, NULL, NULL, NULL };
	struct aws_input	in = { p, np, NULL };

	return aws_pager_start(cl, svc, region, &op, &in, page, done, acc);
}

struct aws_pager *
aws_pager_json(struct aws_client *cl, const struct aws_service *svc,
    const char *region, const char *operation, json_object *body,
    aws_page_fn page, aws_pager_done_fn done, void *acc)
{
	struct aws_operation	op = { operation, NULL, NULL, NULL };
	struct aws_input	in = { NULL, 0, body };

	return aws_pager_start(cl, svc, region, &op, &in, page, done, acc);
}
