/*
 * The one-shot modes: `check` runs one pass of the state checks on its
 * own loop and prints what it saw; `validate` is report_validate.c.
 */
#include <sys/ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "driftwatch/aws.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/findings.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/mutes.h"
#include "driftwatch/xmalloc.h"

#include "report.h"

#define REPORT_WIDTH		120
#define REPORT_MIN_WIDTH	60

struct report {
	struct event_base	*base;
	int			 json;
	time_t			 started;
};

static void
report_pass_done(struct check_pass *p, void *arg)
{
	struct report	*r = arg;

	event_base_loopbreak(r->base);
}

/* The table's width: $COLUMNS, else the terminal's, else 120. */
static unsigned
report_width(void)
{
	struct winsize	 ws;
	const char	*e = getenv("COLUMNS");
	char		*end;
	long		 n;

	if (e != NULL && *e != '\0') {
		n = strtol(e, &end, 10);
		if (*end == '\0' && n >= REPORT_MIN_WIDTH && n <= 1000)
			return (unsigned)n;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col >= REPORT_MIN_WIDTH)
		return ws.ws_col;
	return REPORT_WIDTH;
}

/* Colour on a terminal only, and never when NO_COLOR is set to
 * something (no-color.org). */
static int
report_colour(void)
{
	const char	*e = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (e == NULL || *e == '\0');
}

/*
 * The mutes the daemon would apply: the baseline's and the state
 * directory's.  A mutes file that cannot be read is said, and only the
 * baseline's apply: check must not hide drift on a guess.
 */
static struct mutes *
report_mutes(const struct config *cfg, const struct baseline *bl)
{
	struct mutes	*ms = xnonnull(mutes_new(), "mutes_new");
	char		 err[512];

	if (mutes_load_all(ms, bl->mutes, cfg->state_dir, err,
	    sizeof(err)) != 0)
		log_warnx("%s; only the baseline's mutes apply", err);
	return ms;
}

/* Prints what the pass saw; its exit code. */
static int
report_print(struct report *r, struct check_pass *p, struct findings *f,
    const struct config *cfg, const struct baseline *bl)
{
	struct report_result	*res;
	struct mutes		*ms;
	int			 code;

	res = report_result_new(p, f, bl, r->started);
	ms = report_mutes(cfg, bl);
	report_result_mutes(res, ms, time(NULL));
	if (r->json)
		report_json(stdout, res);
	else
		report_table(stdout, res, report_colour(), report_width());
	fflush(stdout);
	code = report_result_exit(res, p);
	report_result_free(res);
	mutes_free(ms);
	return code;
}

static int
report_run(struct report *r, struct config *cfg, struct baseline *bl)
{
	struct http_client	*http = NULL;
	struct aws_client	*aws = NULL;
	struct findings		*f = NULL;
	struct check_pass	*p = NULL;
	char			 err[1024];
	int			 code = EXIT_SOFTWARE;

	if ((http = http_client_new(r->base)) == NULL)
		goto out;
	if ((aws = daemon_aws_new(r->base, http, cfg, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s", err);
		code = EXIT_CONFIG;
		goto out;
	}
	aws_client_quiet_errors(aws);	/* the report names each failure */
	/* a role that cannot be assumed: nothing could be checked */
	if (daemon_aws_wait_creds(r->base, aws, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		code = EXIT_UNKNOWN;
		goto out;
	}
	/*
	 * An in-memory store: check never writes the daemon's state.  It
	 * sends nothing, so it takes no alerts: the store drops them
	 * without logging ids that no sink will ever see.
	 */
	r->started = time(NULL);
	if ((f = findings_new(cfg->state_dir, check_account_id(bl),
	    1)) == NULL ||
	    (p = check_pass_new(r->base, aws, bl, f, cfg->aws_region,
	    NULL, NULL, report_pass_done, r)) == NULL ||
	    check_pass_start(p) != 0)
		goto out;
	event_base_dispatch(r->base);
	code = report_print(r, p, f, cfg, bl);
out:
	check_pass_free(p);
	findings_free(f);
	aws_client_free(aws);
	http_client_free(http);
	return code;
}

int
report_check(const char *path, int json)
{
	struct report	 r;
	struct config	*cfg;
	struct baseline	*bl;
	char		 err[1024];
	int		 code;

	memset(&r, 0, sizeof(r));
	r.json = json;
	if (daemon_load_files(path, &cfg, &bl, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EXIT_CONFIG;
	}
	if (cfg->log_level > log_getverbose())
		log_setverbose(cfg->log_level);
	if ((r.base = event_base_new()) == NULL)
		code = EXIT_SOFTWARE;
	else
		code = report_run(&r, cfg, bl);
	if (r.base != NULL)
		event_base_free(r.base);
	config_free(cfg);
	baseline_free(bl);
	return code;
}
