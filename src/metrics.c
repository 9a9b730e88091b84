/*
 * The metrics textfile (metrics.h).  Every series of a family is
 * written, zeros included, so a query never sees one vanish; label
 * values are escaped as the exposition format says (\\, \", \n).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/aws.h"
#include "driftwatch/aws_stats.h"
#include "driftwatch/error.h"
#include "driftwatch/findings.h"
#include "driftwatch/metrics.h"
#include "driftwatch/mutes.h"
#include "driftwatch/outbox.h"
#include "driftwatch/passrec.h"

#define METRICS_NSEV	(SEV_CRITICAL + 1)
#define METRICS_NSTATE	(FINDING_UNKNOWN + 1)

struct metrics_tally {
	unsigned long		 n[METRICS_NSEV][METRICS_NSTATE];
	unsigned long		 muted[METRICS_NSEV];
	const struct mutes	*mutes;
	time_t			 now;
};

static void
metrics_head(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP driftwatch_%s %s\n# TYPE driftwatch_%s %s\n",
	    name, help, name, type);
}

static void
metrics_label(FILE *fp, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(fp, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", fp);
		else
			putc(*v, fp);
	}
}

static void
metrics_tally_cb(const struct finding_info *fi, void *arg)
{
	struct metrics_tally	*t = arg;

	if ((unsigned)fi->severity < METRICS_NSEV &&
	    (unsigned)fi->state < METRICS_NSTATE)
		t->n[fi->severity][fi->state]++;
	if ((unsigned)fi->severity < METRICS_NSEV &&
	    fi->state == FINDING_DRIFT &&
	    mutes_active(t->mutes, fi->key, t->now) != NULL)
		t->muted[fi->severity]++;
}

static void
metrics_findings(FILE *fp, const struct metrics_input *in)
{
	const struct findings	*fs = in->findings;
	struct metrics_tally	 t;
	int			 sev, st;

	memset(&t, 0, sizeof(t));
	t.mutes = in->mutes;
	t.now = in->now;
	findings_foreach_info(fs, metrics_tally_cb, &t);
	metrics_head(fp, "findings", "gauge", "Findings held, by severity "
	    "and state (drift is open).");
	for (sev = 0; sev < METRICS_NSEV; sev++)
		for (st = 0; st < METRICS_NSTATE; st++)
			fprintf(fp, "driftwatch_findings{severity=\"%s\","
			    "state=\"%s\"} %lu\n", severity_name(sev),
			    finding_state_name(st), t.n[sev][st]);
	metrics_head(fp, "findings_muted", "gauge", "Open findings a mute "
	    "holds, by severity (counted in driftwatch_findings too).");
	for (sev = 0; sev < METRICS_NSEV; sev++)
		fprintf(fp, "driftwatch_findings_muted{severity=\"%s\"} %lu\n",
		    severity_name(sev), t.muted[sev]);
	metrics_head(fp, "checks_blind", "gauge", "Checks blind now: "
	    "unknown for blind_after passes in a row.");
	fprintf(fp, "driftwatch_checks_blind %zu\n", findings_blind_count(fs));
}

static void
metrics_passes(FILE *fp, const struct passrec *pr)
{
	const struct passrec_pass	*p = &pr->last;

	metrics_head(fp, "last_pass_duration_seconds", "gauge",
	    "How long the last state-check pass took.");
	fprintf(fp, "driftwatch_last_pass_duration_seconds %.3f\n",
	    p->duration);
	metrics_head(fp, "last_pass_timestamp_seconds", "gauge",
	    "When the last state-check pass ended (Unix time).");
	fprintf(fp, "driftwatch_last_pass_timestamp_seconds %lld\n",
	    (long long)p->finished);
	metrics_head(fp, "last_pass_checks", "gauge",
	    "Checks of the last pass, by result.");
	fprintf(fp, "driftwatch_last_pass_checks{result=\"ok\"} %lu\n"
	    "driftwatch_last_pass_checks{result=\"drift\"} %lu\n"
	    "driftwatch_last_pass_checks{result=\"unknown\"} %lu\n",
	    p->ok, p->drift, p->unknown);
	metrics_head(fp, "last_success_timestamp_seconds", "gauge",
	    "When the last complete pass (no check unknown) ended (Unix "
	    "time); 0: none yet.");
	fprintf(fp, "driftwatch_last_success_timestamp_seconds %lld\n",
	    (long long)pr->complete.finished);
}

static void
metrics_aws(FILE *fp)
{
	uint64_t	calls, errors;
	size_t		i;

	metrics_head(fp, "aws_requests_total", "counter",
	    "AWS API requests sent (each attempt), by service.");
	for (i = 0; aws_services[i] != NULL; i++) {
		aws_stats_get(aws_services[i], &calls, &errors);
		fprintf(fp, "driftwatch_aws_requests_total{service=\"");
		metrics_label(fp, aws_services[i]->signing_name);
		fprintf(fp, "\"} %llu\n", (unsigned long long)calls);
	}
	metrics_head(fp, "aws_request_errors_total", "counter",
	    "AWS API requests that failed (error answer, network, timeout), "
	    "by service.");
	for (i = 0; aws_services[i] != NULL; i++) {
		aws_stats_get(aws_services[i], &calls, &errors);
		fprintf(fp, "driftwatch_aws_request_errors_total{service=\"");
		metrics_label(fp, aws_services[i]->signing_name);
		fprintf(fp, "\"} %llu\n", (unsigned long long)errors);
	}
}

static void
metrics_outbox(FILE *fp, const struct outbox *ob, unsigned long alerts)
{
	const char	*name;
	size_t		 i, n;
	time_t		 oldest;

	metrics_head(fp, "alerts_total", "counter",
	    "Alerts raised since the daemon started.");
	fprintf(fp, "driftwatch_alerts_total %lu\n", alerts);
	metrics_head(fp, "alerts_pending", "gauge",
	    "Alerts waiting for delivery, by sink.");
	for (i = 0; ob != NULL &&
	    (name = outbox_sink_backlog(ob, i, &n, &oldest)) != NULL; i++) {
		fprintf(fp, "driftwatch_alerts_pending{sink=\"");
		metrics_label(fp, name);
		fprintf(fp, "\"} %zu\n", n);
	}
	metrics_head(fp, "alerts_oldest_pending_timestamp_seconds", "gauge",
	    "When the oldest alert waiting for a sink was raised (Unix "
	    "time); 0: none waits.");
	for (i = 0; ob != NULL &&
	    (name = outbox_sink_backlog(ob, i, &n, &oldest)) != NULL; i++) {
		fprintf(fp, "driftwatch_alerts_oldest_pending_timestamp_seconds"
		    "{sink=\"");
		metrics_label(fp, name);
		fprintf(fp, "\"} %lld\n", (long long)oldest);
	}
}

char *
metrics_render(const struct metrics_input *in, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;

	if ((fp = open_memstream(&buf, len)) == NULL)
		return NULL;
	metrics_findings(fp, in);
	metrics_passes(fp, in->passes);
	metrics_aws(fp);
	metrics_outbox(fp, in->outbox, in->alerts);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
metrics_write(const char *path, const struct metrics_input *in)
{
	char	*buf;
	size_t	 len;
	int	 r;

	if ((buf = metrics_render(in, &len)) == NULL)
		return DW_ENOMEM;
	r = atomicfile_write(path, buf, len, 0644);
	free(buf);
	return r;
}
