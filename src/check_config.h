/*
 * The config family's parts, one file each; check_config.c lists them.
 */
#ifndef DRIFTWATCH_CHECK_CONFIG_H
#define DRIFTWATCH_CHECK_CONFIG_H

#include <stddef.h>

#include "driftwatch/check_parts.h"

struct baseline;

/* config.regions (check_config_regions.c): where the others look */
extern const struct check_part check_config_regions_part;
/* config.recorder (check_config_recorder.c) */
extern const struct check_part check_config_recorder_part;
/* config.rules, config.compliance (check_config_rules.c) */
extern const struct check_part check_config_rules_part;

/*
 * The regions the config checks read: the baseline's config.regions,
 * or just def (the daemon's region).  Borrowed from bl (or def).
 */
const char *const	*check_config_regions(const struct baseline *bl,
			    const char *const *def, size_t *n);
/* The resource a finding names: "" in one region, else the region
 * (and "/what" when what is not NULL).  Static buffer. */
const char		*check_config_resource(size_t nregions,
			    const char *region, const char *what);

#endif
