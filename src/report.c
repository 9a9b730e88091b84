/*
 * The one-shot modes: `check` runs one pass of the state checks on its
 * own loop and prints what it saw; `validate` loads the files and says
 * where they are wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/aws.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/findings.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"

struct report {
	struct event_base	*base;
	int			 json;
	json_object		*out;
	json_object		*list;
};

static void
report_discard_alert(struct alert *a, void *arg)
{
	alert_free(a);
}

static void
report_pass_done(struct check_pass *p, void *arg)
{
	struct report	*r = arg;

	event_base_loopbreak(r->base);
}

static void
report_finding_text(const char *key, const char *check, enum finding_state st,
    enum severity sev, const char *title, const char *expected,
    const char *actual, void *arg)
{
	if (st != FINDING_DRIFT)
		return;
	printf("\n  [%s] %s\n    finding:  %s\n    expected: %s\n"
	    "    actual:   %s\n", severity_name(sev), title ? title : key, key,
	    expected ? expected : "-", actual ? actual : "-");
}

static void
report_finding_json(const char *key, const char *check, enum finding_state st,
    enum severity sev, const char *title, const char *expected,
    const char *actual, void *arg)
{
	struct report	*r = arg;
	json_object	*f;

	if (st != FINDING_DRIFT || (f = json_object_new_object()) == NULL)
		return;
	json_object_object_add(f, "finding", json_object_new_string(key));
	json_object_object_add(f, "check", json_object_new_string(check));
	json_object_object_add(f, "severity",
	    json_object_new_string(severity_name(sev)));
	json_object_object_add(f, "title", title ?
	    json_object_new_string(title) : NULL);
	json_object_object_add(f, "expected", expected ?
	    json_object_new_string(expected) : NULL);
	json_object_object_add(f, "actual", actual ?
	    json_object_new_string(actual) : NULL);
	json_object_array_add(r->list, f);
}

static void
report_text(struct check_pass *p, struct findings *f)
{
	enum check_status	 st;
	const char		*id, *err;
	size_t			 i;

	printf("%-24s %s\n", "CHECK", "STATUS");
	for (i = 0; (id = check_pass_id(p, i, &st, &err)) != NULL; i++)
		printf("%-24s %s%s%s\n", id, check_status_name(st),
		    err ? "  " : "", err ? err : "");
	findings_foreach(f, report_finding_text, NULL);
}

static void
report_json(struct report *r, struct check_pass *p, struct findings *f)
{
	enum check_status	 st;
	const char		*id, *err;
	json_object		*checks, *c;
	size_t			 i;

	r->out = json_object_new_object();
	checks = json_object_new_array();
	for (i = 0; (id = check_pass_id(p, i, &st, &err)) != NULL; i++) {
		c = json_object_new_object();
		json_object_object_add(c, "check", json_object_new_string(id));
		json_object_object_add(c, "status",
		    json_object_new_string(check_status_name(st)));
		if (err != NULL)
			json_object_object_add(c, "error",
			    json_object_new_string(err));
		json_object_array_add(checks, c);
	}
	json_object_object_add(r->out, "checks", checks);
	r->list = json_object_new_array();
	findings_foreach(f, report_finding_json, r);
	json_object_object_add(r->out, "findings", r->list);
	puts(json_object_to_json_string_ext(r->out, JSON_C_TO_STRING_PRETTY));
	json_object_put(r->out);
}

/*
 * Drift is read from the findings, not the check table: a check that
 * saw drift and then could not finish is "unknown" there, yet the drift
 * it saw is real and is what the caller must act on.
 */
static int
report_exit(struct check_pass *p, struct findings *f)
{
	if (findings_open_count(f) > 0 ||
	    check_pass_count_status(p, CHECK_DRIFT) > 0)
		return EXIT_DRIFT;
	if (check_pass_count_status(p, CHECK_UNKNOWN) > 0 ||
	    check_pass_count_status(p, CHECK_PENDING) > 0)
		return EXIT_UNKNOWN;
	return EXIT_ON_BASELINE;
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
	/* a role that cannot be assumed: nothing could be checked */
	if (daemon_aws_wait_creds(r->base, aws, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		code = EXIT_UNKNOWN;
		goto out;
	}
	/* an in-memory store: check never writes the daemon's state */
	if ((f = findings_new(cfg->state_dir, check_account_id(bl),
	    1)) == NULL ||
	    (p = check_pass_new(r->base, aws, bl, f, cfg->aws_region,
	    report_discard_alert, r, report_pass_done, r)) == NULL ||
	    check_pass_start(p) != 0)
		goto out;
	event_base_dispatch(r->base);
	if (r->json)
		report_json(r, p, f);
	else
		report_text(p, f);
	code = report_exit(p, f);
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

int
report_validate(const char *path)
{
	struct config	*cfg;
	struct baseline	*bl;
	char		 err[1024];

	if (daemon_load_files(path, &cfg, &bl, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_CONFIG;
	}
	daemon_check_sinks(cfg);
	printf("%s: ok (%zu sink(s))\n%s: ok (%zu trail(s))\n", cfg->path,
	    cfg->nsinks, bl->path, check_cloudtrail_ntrails(bl));
	config_free(cfg);
	baseline_free(bl);
	return 0;
}
