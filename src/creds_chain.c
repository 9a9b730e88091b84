/*
 * The credential chain: the sources in SPEC §4's order (the AWS SDKs'),
 * the first one present wins, and what it found is built into providers:
 * the source's own provider at the bottom (static keys for today's
 * sources), then one assume-role provider per role, each signed with
 * the one below it.
 *
 * systemd's LoadCredential= comes before the shared files: a unit that
 * hands us a credential has said exactly which keys to use.  Container
 * credentials and EC2 instance metadata will be lines after the shared
 * files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/creds_provider.h"
#include "driftwatch/error.h"
#include "driftwatch/region.h"

/*
 * One source: find() reads what it has (local files and environment
 * only); base() builds the provider at the bottom of the stack from it
 * (NULL on allocation failure), under the found profile's roles.  A
 * refreshing source of its own (IMDS, a container endpoint) brings its
 * own base().
 */
struct creds_chain_source {
	const char	*name;
	int		(*find)(const struct aws_creds_options *,
			    struct aws_creds_found *, char *, size_t);
	struct creds_provider *(*base)(struct event_base *,
			    struct http_client *, struct aws_creds_found *);
};

static struct creds_provider	*creds_chain_static(struct event_base *,
				    struct http_client *,
				    struct aws_creds_found *);

static const struct creds_chain_source creds_chain_sources[] = {
	{ "environment", aws_creds_from_env, creds_chain_static },
	{ "web identity", aws_creds_from_web_identity_env, creds_chain_static },
	{ "systemd credential", aws_creds_from_systemd, creds_chain_static },
	{ "shared files", aws_creds_from_shared, creds_chain_static },
};

#define CREDS_CHAIN_NSOURCES \
	(sizeof creds_chain_sources / sizeof creds_chain_sources[0])

/* botocore's LEGACY_GLOBAL_STS_REGIONS: sts.amazonaws.com under legacy. */
static const char *const creds_chain_legacy_sts[] = {
	"ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"aws-global", "ca-central-1", "eu-central-1", "eu-north-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1",
	"us-east-2", "us-west-1", "us-west-2", NULL
};

/* Static keys: the found ones, owned by the provider from now on. */
static struct creds_provider *
creds_chain_static(struct event_base *base, struct http_client *http,
    struct aws_creds_found *f)
{
	struct creds_provider	*p;

	(void)http;
	p = creds_static_new(base, f->creds);
	f->creds = NULL;
	return p;
}

/* The walk; *src is the source that found something. */
static int
creds_chain_walk(const struct creds_chain_options *o,
    struct aws_creds_found *found, const struct creds_chain_source **src,
    char *err, size_t errlen)
{
	size_t	i;
	int	r = DW_ENOTFOUND;

	memset(found, 0, sizeof *found);
	*src = NULL;
	snprintf(err, errlen, "no AWS credentials found");
	for (i = 0; i < CREDS_CHAIN_NSOURCES; i++) {
		r = creds_chain_sources[i].find(&o->files, found, err, errlen);
		if (r != DW_ENOTFOUND) {
			*src = &creds_chain_sources[i];
			break;
		}
	}
	return r == DW_ENOTFOUND ? DW_ECREDS : r;
}

int
creds_chain_find(const struct creds_chain_options *o,
    struct aws_creds_found *found, char *err, size_t errlen)
{
	const struct creds_chain_source	*src;

	return creds_chain_walk(o, found, &src, err, errlen);
}

static int
creds_chain_is_legacy(const char *region)
{
	size_t	i;

	for (i = 0; creds_chain_legacy_sts[i] != NULL; i++)
		if (strcmp(creds_chain_legacy_sts[i], region) == 0)
			return 1;
	return 0;
}

static int
creds_chain_endpoint_set(const struct creds_chain_options *o)
{
	const char	*a = getenv("AWS_ENDPOINT_URL");
	const char	*b = getenv("AWS_ENDPOINT_URL_STS");

	return o->endpoint_url != NULL || (a != NULL && *a != '\0') ||
	    (b != NULL && *b != '\0');
}

/*
 * STS's region as botocore picks it: the session's region (ours, else
 * the profile's), and under sts_regional_endpoints = legacy (botocore's
 * default) the global endpoint, signed for us-east-1, for the regions
 * that had one, unless an endpoint URL is set.
 */
static int
creds_chain_sts_region(const struct creds_chain_options *o,
    const struct aws_creds_found *f, const char **out, char *err,
    size_t errlen)
{
	const char	*region = o->region, *mode;

	if (region == NULL)
		region = f->region != NULL ? f->region : "us-east-1";
	if (!region_valid(region)) {
		snprintf(err, errlen, "profile region = %.64s is not a region "
		    "name like eu-west-1", region);
		return DW_ECREDS;
	}
	if ((mode = getenv("AWS_STS_REGIONAL_ENDPOINTS")) == NULL ||
	    *mode == '\0')
		mode = f->sts_regional_endpoints;
	if (mode == NULL)
		mode = "legacy";
	if (strcmp(mode, "legacy") != 0 && strcmp(mode, "regional") != 0) {
		snprintf(err, errlen, "sts_regional_endpoints = %.32s: expected "
		    "legacy or regional", mode);
		return DW_ECREDS;
	}
	*out = strcmp(mode, "legacy") == 0 && creds_chain_is_legacy(region) &&
	    !creds_chain_endpoint_set(o) ? "us-east-1" : region;
	return 0;
}

static int
creds_chain_build(struct event_base *base, struct http_client *http,
    const struct creds_chain_options *o, const struct creds_chain_source *src,
    struct aws_creds_found *f, struct creds_provider **out, char *err,
    size_t errlen)
{
	struct creds_sts_options	 sts;
	struct creds_provider		*p;
	size_t				 i;
	int				 r;

	memset(&sts, 0, sizeof sts);
	sts.endpoint_url = o->endpoint_url;
	sts.ca_bundle = o->ca_bundle;
	sts.timeout_ms = o->timeout_ms;
	if (f->nroles > 0 &&
	    (r = creds_chain_sts_region(o, f, &sts.region, err, errlen)) != 0)
		return r;
	p = src->base(base, http, f);
	for (i = 0; p != NULL && i < f->nroles; i++)
		p = creds_assume_role_new(base, http, &f->roles[i], &sts, p,
		    err, errlen);
	if (p == NULL) {
		snprintf(err, errlen, "out of memory setting up credentials");
		return DW_ENOMEM;
	}
	*out = p;
	return 0;
}

int
creds_chain_new(struct event_base *base, struct http_client *http,
    const struct creds_chain_options *o, struct creds_provider **out,
    char *err, size_t errlen)
{
	const struct creds_chain_source	*src;
	struct aws_creds_found		 f;
	int				 r;

	*out = NULL;
	if ((r = creds_chain_walk(o, &f, &src, err, errlen)) == 0)
		r = creds_chain_build(base, http, o, src, &f, out, err,
		    errlen);
	aws_creds_found_free(&f);
	return r;
}
