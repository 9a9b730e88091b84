/*
 * `driftwatchd validate`: reads the config and the baseline it names
 * and prints every error in both, one a line, "FILE:LINE: ..." for the
 * config and "FILE:LINE:COLUMN: ..." for the baseline, then exits 78;
 * or says what it read and exits 0.  A config with errors still names
 * its baseline (config_load_all), so one run shows both files' errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/error.h"
#include "driftwatch/xmalloc.h"

/* Room for every error the parsers keep (100 each) at full length. */
#define VALIDATE_ERR_MAX	(128 * 1024)

static void
validate_ok(const struct config *cfg, const struct baseline *bl)
{
	size_t	i, n = 0;

	for (i = 0; i < check_family_count(); i++)
		n += baseline_section(bl, check_family_at(i)) != NULL;
	printf("%s: ok (%zu sink(s); region %s, from %s)\n", cfg->path,
	    cfg->nsinks, cfg->aws_region, cfg->aws_region_from != NULL ?
	    cfg->aws_region_from : "the default");
	printf("%s: ok (%zu of %zu section(s), %zu trail(s))\n", bl->path,
	    n, check_family_count(), check_cloudtrail_ntrails(bl));
}

int
report_validate(const char *path)
{
	struct config	*cfg = NULL;
	struct baseline	*bl = NULL;
	char		*err = xmalloc(VALIDATE_ERR_MAX);
	size_t		 i;
	int		 rc, code = 0;

	if ((rc = config_load_all(path, &cfg, err, VALIDATE_ERR_MAX)) != 0) {
		fprintf(stderr, "%s\n", err);
		code = EXIT_CONFIG;
	}
	if (cfg == NULL)
		fprintf(stderr, "driftwatchd: the baseline was not checked "
		    "(the config names it)\n");
	else if (baseline_load(cfg->baseline_path, &bl, err,
	    VALIDATE_ERR_MAX) != 0) {
		fprintf(stderr, "%s\n", err);
		code = EXIT_CONFIG;
	}
	for (i = 0; bl != NULL && i < bl->nwarnings; i++)
		fprintf(stderr, "%s\n", bl->warnings[i]);
	if (code == 0) {
		daemon_check_sinks(cfg);
		validate_ok(cfg, bl);
	}
	config_free(cfg);
	baseline_free(bl);
	free(err);
	return code;
}
