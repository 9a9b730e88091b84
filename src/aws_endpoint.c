/*
 * Where each service lives, following the SDK conventions so the same
 * binary runs against AWS or a local test endpoint:
 * AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL beats the config
 * file's endpoint_url beats the partition default, and
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true keeps only the default.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driftwatch/aws.h"
#include "driftwatch/error.h"

static int
aws_endpoint_truthy(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

static const char *
aws_endpoint_env(const struct aws_service *svc)
{
	char	name[96];
	size_t	i, n;

	n = (size_t)snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s",
	    svc->id);
	if (n >= sizeof(name))
		return NULL;
	for (i = 0; i < n; i++)
		name[i] = name[i] == ' ' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	return getenv(name);
}

static const char *
aws_endpoint_suffix(const char *region)
{
	return strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
	    "amazonaws.com";
}

/* Global services have one endpoint per partition, signed for its home. */
const char *
aws_endpoint_signing_region(const struct aws_service *svc,
    const char *region)
{
	if (!svc->global)
		return region;
	if (strncmp(region, "cn-", 3) == 0)
		return "cn-north-1";
	if (strncmp(region, "us-gov-", 7) == 0)
		return "us-gov-west-1";
	return "us-east-1";
}

static int
aws_endpoint_default(const struct aws_service *svc, const char *region,
    char **out)
{
	int	n;

	if (svc->global && strncmp(region, "us-gov-", 7) == 0)
		n = asprintf(out, "https://%s.us-gov.amazonaws.com",
		    svc->endpoint_prefix);
	else if (svc->global && strncmp(region, "cn-", 3) != 0)
		n = asprintf(out, "https://%s.amazonaws.com",
		    svc->endpoint_prefix);
	else
		n = asprintf(out, "https://%s.%s.%s", svc->endpoint_prefix,
		    aws_endpoint_signing_region(svc, region),
		    aws_endpoint_suffix(region));
	return n == -1 ? DW_ENOMEM : 0;
}

int
aws_endpoint_url(const struct aws_service *svc, const char *region,
    const char *configured, char **out)
{
	const char	*v = NULL;

	*out = NULL;
	if (!aws_endpoint_truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
		if ((v = aws_endpoint_env(svc)) == NULL || *v == '\0')
			v = getenv("AWS_ENDPOINT_URL");
		if (v == NULL || *v == '\0')
			v = configured;
	}
	if (v == NULL || *v == '\0')
		return aws_endpoint_default(svc, region, out);
	if ((*out = strdup(v)) == NULL)
		return DW_ENOMEM;
	/* a trailing slash would become part of every signed path */
	while (strlen(*out) > 8 && (*out)[strlen(*out) - 1] == '/')
		(*out)[strlen(*out) - 1] = '\0';
	return 0;
}

const char *
aws_endpoint_ca_bundle(const char *configured)
{
	const char	*v = getenv("AWS_CA_BUNDLE");

	if (v != NULL && *v != '\0')
		return v;
	return configured != NULL && *configured != '\0' ? configured : NULL;
}
