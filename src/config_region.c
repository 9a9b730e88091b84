/*
 * The region when [aws] region is unset, in the AWS SDKs' order:
 * AWS_REGION, then AWS_DEFAULT_REGION (what the CLI and botocore read),
 * then the region of the profile in use in the shared config file,
 * then us-east-1.  An explicit setting that is not a region is an
 * error, never skipped for the next source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "driftwatch/config.h"
#include "driftwatch/error.h"
#include "driftwatch/region.h"

struct config_profile {
	const char	*section;	/* "default" or "profile NAME" */
	char		 alt[128];	/* "profile default" for default */
	char		*region;
	int		 line;
};

static int
config_profile_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_profile	*p = arg;

	if (strcmp(name, "region") != 0 || p->region != NULL ||
	    (strcmp(section, p->section) != 0 && strcmp(section, p->alt) != 0))
		return 1;
	p->region = strdup(value);
	return 1;
}

static const char *
config_profile_name(const struct config *cf)
{
	const char	*env = getenv("AWS_PROFILE");

	if (cf->aws_profile != NULL)
		return cf->aws_profile;
	return env != NULL && *env != '\0' ? env : "default";
}

/* The shared config file, as aws_creds.c finds it. */
static char *
config_profile_file(const struct config *cf)
{
	const char	*env = getenv("AWS_CONFIG_FILE"), *home;
	char		*path;

	if (cf->aws_config_file != NULL)
		return strdup(cf->aws_config_file);
	if (env != NULL && *env != '\0')
		return strdup(env);
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return NULL;
	if (asprintf(&path, "%s/.aws/config", home) == -1)
		return NULL;
	return path;
}

static int
config_set_region_from(struct config *cf, const char *region,
    const char *from)
{
	char	*r = strdup(region), *f = strdup(from);

	if (r == NULL || f == NULL) {
		free(r);
		free(f);
		return DW_ENOMEM;
	}
	free(cf->aws_region);
	free(cf->aws_region_from);
	cf->aws_region = r;
	cf->aws_region_from = f;
	return 0;
}

static int
config_region_env(struct config *cf, const char *var, char *why,
    size_t whylen)
{
	const char	*v = getenv(var);

	if (v == NULL || *v == '\0')
		return DW_ENOTFOUND;
	if (!region_valid(v)) {
		snprintf(why, whylen, "%s in the environment: expected a "
		    "region name like \"eu-west-1\"", var);
		return DW_EPARSE;
	}
	return config_set_region_from(cf, v, var);
}

static int
config_region_profile(struct config *cf, char *why, size_t whylen)
{
	struct config_profile	 p;
	const char		*name = config_profile_name(cf);
	char			*file = config_profile_file(cf), from[512];
	char			 section[160];
	int			 r = DW_ENOTFOUND;

	memset(&p, 0, sizeof p);
	if (strcmp(name, "default") == 0) {
		p.section = "default";
		snprintf(p.alt, sizeof p.alt, "profile default");
	} else {
		snprintf(section, sizeof section, "profile %s", name);
		p.section = section;
	}
	/* a missing or unreadable file says nothing; aws_creds.c names it
	 * when credentials are looked for there */
	if (file != NULL && ini_parse(file, config_profile_handler, &p) >= 0 &&
	    p.region != NULL) {
		snprintf(from, sizeof from, "profile %.64s in %.400s", name,
		    file);
		if (!region_valid(p.region)) {
			snprintf(why, whylen, "region of %s: expected a region "
			    "name like \"eu-west-1\"", from);
			r = DW_EPARSE;
		} else
			r = config_set_region_from(cf, p.region, from);
	}
	free(p.region);
	free(file);
	return r;
}

int
config_region_resolve(struct config *cf, char *why, size_t whylen)
{
	int	r;

	if ((r = config_region_env(cf, "AWS_REGION", why,
	    whylen)) != DW_ENOTFOUND)
		return r;
	if ((r = config_region_env(cf, "AWS_DEFAULT_REGION", why,
	    whylen)) != DW_ENOTFOUND)
		return r;
	if ((r = config_region_profile(cf, why, whylen)) != DW_ENOTFOUND)
		return r;
	return config_set_region_from(cf, cf->aws_region, "the default");
}
