/*
 * Where each service lives, following the SDK conventions so the same
 * binary runs against AWS or a local test endpoint:
 * AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL beats the config
 * file's endpoint_url beats the service's default, and
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true keeps only the default.
 * Overrides from the environment are held to the config file's rule
 * (urlcheck.h).  Defaults come from the service descriptors.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "driftwatch/aws.h"
#include "driftwatch/error.h"
#include "driftwatch/urlcheck.h"

#define AWS_ENDPOINT_ENV_MAX	96

static const char *const aws_partition_suffix[AWS_NPARTITIONS] = {
	"amazonaws.com", "amazonaws.com.cn", "amazonaws.com",
};

enum aws_partition
aws_partition_of(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return AWS_PARTITION_CN;
	if (strncmp(region, "us-gov-", 7) == 0)
		return AWS_PARTITION_US_GOV;
	return AWS_PARTITION_AWS;
}

static int
aws_endpoint_truthy(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

/* "AWS_ENDPOINT_URL_" + the SDK id, upper case, blanks as '_'. */
static void
aws_endpoint_env_name(const struct aws_service *svc, char *name, size_t len)
{
	size_t	i, n;

	n = (size_t)snprintf(name, len, "AWS_ENDPOINT_URL_%s", svc->id);
	for (i = 0; i < n && i < len; i++)
		name[i] = name[i] == ' ' ? '_' :
		    (char)toupper((unsigned char)name[i]);
}

const char *
aws_endpoint_signing_region(const struct aws_service *svc,
    const char *region)
{
	const struct aws_global_endpoint *g =
	    &svc->global[aws_partition_of(region)];

	return g->host != NULL ? g->signing_region : region;
}

static int
aws_endpoint_default(const struct aws_service *svc, const char *region,
    char **out)
{
	enum aws_partition			 p = aws_partition_of(region);
	const struct aws_global_endpoint	*g = &svc->global[p];
	int					 n;

	if (g->host != NULL)
		n = asprintf(out, "https://%s", g->host);
	else
		n = asprintf(out, "https://%s.%s.%s", svc->endpoint_prefix,
		    region, aws_partition_suffix[p]);
	if (n == -1) {
		*out = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

/* The override in force and where it came from, or NULL. */
static const char *
aws_endpoint_override(const struct aws_service *svc, const char *configured,
    char *from, size_t fromlen)
{
	const char	*v;

	if (aws_endpoint_truthy(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
		return NULL;
	aws_endpoint_env_name(svc, from, fromlen);
	if ((v = getenv(from)) != NULL && *v != '\0')
		return v;
	snprintf(from, fromlen, "AWS_ENDPOINT_URL");
	if ((v = getenv(from)) != NULL && *v != '\0')
		return v;
	snprintf(from, fromlen, "endpoint_url");
	return configured != NULL && *configured != '\0' ? configured : NULL;
}

int
aws_endpoint_url(const struct aws_service *svc, const char *region,
    const char *configured, char **out, char *err, size_t errlen)
{
	char		 from[AWS_ENDPOINT_ENV_MAX];
	const char	*v, *why;
	size_t		 n;

	*out = NULL;
	if ((v = aws_endpoint_override(svc, configured, from,
	    sizeof(from))) == NULL)
		return aws_endpoint_default(svc, region, out);
	if ((why = urlcheck_problem(v)) != NULL) {
		snprintf(err, errlen, "%s: %s", from, why);
		return DW_EINVAL;
	}
	if ((*out = strdup(v)) == NULL)
		return DW_ENOMEM;
	/* a trailing slash would become part of every signed path */
	while ((n = strlen(*out)) > 8 && (*out)[n - 1] == '/')
		(*out)[n - 1] = '\0';
	return 0;
}

int
aws_endpoint_check_env(char *err, size_t errlen)
{
	char	*url;
	size_t	 i;
	int	 r;

	for (i = 0; aws_services[i] != NULL; i++) {
		r = aws_endpoint_url(aws_services[i], "us-east-1", NULL, &url,
		    err, errlen);
		free(url);
		if (r != 0)
			return r;
	}
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

/* Host as curl will send it: the port only when it is not the default. */
int
aws_endpoint_host(const char *url, char **out)
{
	CURLU	*u;
	char	*host = NULL, *port = NULL;
	int	 r = DW_EINVAL;

	*out = NULL;
	if ((u = curl_url()) == NULL)
		return DW_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	/* curl sends "Host: h" for https://h:443, so that is what is signed */
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) ==
	    CURLUE_OK)
		r = asprintf(out, "%s:%s", host, port);
	else
		r = asprintf(out, "%s", host);
	if (r == -1) {
		*out = NULL;
		r = DW_ENOMEM;
	} else
		r = 0;
out:
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return r;
}
