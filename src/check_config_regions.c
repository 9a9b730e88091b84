/*
 * config.regions, a part of the config family (check_config.c): the
 * regions whose AWS Config the other parts read (Config is regional).
 * Baseline: "config": { "regions": ["us-east-1", "eu-west-1"] }; left
 * out, the daemon's own region.  It checks nothing itself.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "check_config.h"
#include "driftwatch/xmalloc.h"

#define CFG_MAX_REGIONS	64

struct check_cfg_regions {
	char	**v;		/* NULL: not set */
	size_t	  n;
};

static int
check_cfg_parse_region(struct baseline_ctx *ctx, struct json_object *val,
    size_t i, void *arg)
{
	struct check_cfg_regions	*sec = arg;
	size_t				 j;
	int				 r;

	if ((r = baseline_region(ctx, val, &sec->v[i])) != 0)
		return r;
	for (j = 0; j < i; j++)
		if (strcmp(sec->v[j], sec->v[i]) == 0)
			return baseline_fail(ctx, "\"%s\" is listed twice "
			    "(also at [%zu])", sec->v[i], j);
	return 0;
}

static int
check_cfg_parse_regions(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	struct check_cfg_regions	*sec = field;
	size_t				 n;
	int				 r;

	if ((r = baseline_array(ctx, val, CFG_MAX_REGIONS, &n)) != 0)
		return r;
	if (n == 0)
		return baseline_fail(ctx, "expected at least one region (leave "
		    "\"regions\" out to read the daemon's region)");
	sec->v = xcalloc(n, sizeof(*sec->v));
	sec->n = n;
	return baseline_each(ctx, val, check_cfg_parse_region, sec);
}

static const struct baseline_field check_cfg_regions_fields[] = {
	{ "regions", check_cfg_parse_regions, 0, 0 },
	{ NULL, NULL, 0, 0 }
};

static void
check_cfg_regions_free(void *part)
{
	struct check_cfg_regions	*sec = part;
	size_t				 i;

	for (i = 0; i < sec->n; i++)
		free(sec->v[i]);
	free(sec->v);
}

static void
check_cfg_regions_to_json(struct json_object *o, const void *part)
{
	const struct check_cfg_regions	*sec = part;
	struct json_object		*a;
	size_t				 i;

	if (sec->v == NULL)
		return;
	a = baseline_json_array();
	for (i = 0; i < sec->n; i++)
		baseline_json_append(a, xnonnull(json_object_new_string(
		    sec->v[i]), "json_object_new_string"));
	baseline_json_add(o, "regions", a);
}

static struct check_run *
check_cfg_regions_start(struct check_pass *p, const void *part)
{
	return NULL;
}

const char *const *
check_config_regions(const struct baseline *bl, const char *const *def,
    size_t *n)
{
	const struct check_cfg_regions	*sec;

	sec = check_parts_get(baseline_section(bl, &check_family_config),
	    &check_config_regions_part);
	if (sec == NULL || sec->v == NULL) {
		*n = 1;
		return def;
	}
	*n = sec->n;
	return (const char *const *)sec->v;
}

const char *
check_config_resource(size_t nregions, const char *region, const char *what)
{
	static char	buf[512];

	if (nregions <= 1)
		return what != NULL ? what : "";
	snprintf(buf, sizeof(buf), "%s%s%s", region, what ? "/" : "",
	    what ? what : "");
	return buf;
}

const struct check_part check_config_regions_part = {
	.name = "config.regions",
	.fields = check_cfg_regions_fields,
	.size = sizeof(struct check_cfg_regions),
	.free = check_cfg_regions_free,
	.to_json = check_cfg_regions_to_json,
	.start = check_cfg_regions_start,
};
