/*
 * `driftwatchd status`: the daemon's view from its state directory
 * (status.h), as a table (colour on a terminal unless NO_COLOR) or a
 * JSON document (report_status_json.c).  Needs no AWS and no
 * credentials; the exit code says whether anything needs a person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driftwatch/alert.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/evstate.h"
#include "driftwatch/findings.h"
#include "driftwatch/log.h"
#include "driftwatch/mutes.h"
#include "driftwatch/status.h"

#include "report.h"
#include "report_status.h"

#define COLOUR_BAD	"\033[31m"
#define COLOUR_WARN	"\033[33m"
#define COLOUR_RESET	"\033[0m"

struct status_table {
	FILE			*fp;
	int			 colour;
	time_t			 now;
	size_t			 n;
	const struct mutes	*mutes;
};

void
report_status_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "45s", "12m", "3h", "9d": how long ago, for a person. */
static void
status_age(time_t then, time_t now, char *buf, size_t len)
{
	long	s = then == 0 || now < then ? 0 : (long)(now - then);

	if (then == 0)
		snprintf(buf, len, "-");
	else if (s < 120)
		snprintf(buf, len, "%lds", s);
	else if (s < 7200)
		snprintf(buf, len, "%ldm", s / 60);
	else if (s < 172800)
		snprintf(buf, len, "%ldh", s / 3600);
	else
		snprintf(buf, len, "%ldd", s / 86400);
}

/* Untrusted text (an AWS value, an error) with controls as '?'. */
static void
status_text(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
}

static void
status_pass_line(FILE *fp, const char *what, const struct passrec_pass *p,
    time_t now)
{
	char	when[32], age[32];

	if (!p->set) {
		fprintf(fp, "%-20s none yet\n", what);
		return;
	}
	report_status_time(p->finished, when, sizeof(when));
	status_age(p->finished, now, age, sizeof(age));
	fprintf(fp, "%-20s %s (%s ago), took %.1fs: %lu ok, %lu drift, "
	    "%lu unknown\n", what, when, age, p->duration, p->ok, p->drift,
	    p->unknown);
}

static void
status_finding_cb(const struct finding_info *fi, void *arg)
{
	struct status_table	*t = arg;
	const char		*sev = severity_name(fi->severity);
	char			 age[32];
	int			 hot = fi->severity >= SEV_HIGH;

	if (fi->state != FINDING_DRIFT ||
	    mutes_active(t->mutes, fi->key, t->now) != NULL)
		return;
	if (t->n++ == 0)
		fprintf(t->fp, "\nOPEN FINDINGS\n  %-9s %-6s %-40s %s\n",
		    "SEVERITY", "AGE", "FINDING", "TITLE");
	status_age(fi->first_seen, t->now, age, sizeof(age));
	if (t->colour && hot)
		fprintf(t->fp, "  %s%-9s%s ", COLOUR_BAD, sev, COLOUR_RESET);
	else
		fprintf(t->fp, "  %-9s ", sev);
	fprintf(t->fp, "%-6s ", age);
	status_text(t->fp, fi->key);
	fprintf(t->fp, "%*s", (int)(strlen(fi->key) < 40 ?
	    41 - strlen(fi->key) : 1), "");
	status_text(t->fp, fi->title != NULL ? fi->title : "-");
	putc('\n', t->fp);
}

/* A muted finding: its severity, age, key, the mute's end and reason. */
static void
status_muted_cb(const struct finding_info *fi, void *arg)
{
	struct status_table	*t = arg;
	const struct mute	*m;
	char			 age[32], until[32];

	if (fi->state != FINDING_DRIFT ||
	    (m = mutes_active(t->mutes, fi->key, t->now)) == NULL)
		return;
	if (t->n++ == 0)
		fprintf(t->fp, "\nMUTED FINDINGS\n  %-9s %-6s %-40s %-20s %s\n",
		    "SEVERITY", "AGE", "FINDING", "UNTIL", "REASON");
	status_age(fi->first_seen, t->now, age, sizeof(age));
	mutes_time_fmt(m->until, until, sizeof(until));
	fprintf(t->fp, "  %-9s %-6s ", severity_name(fi->severity), age);
	status_text(t->fp, fi->key);
	fprintf(t->fp, "%*s%-20s ", (int)(strlen(fi->key) < 40 ?
	    41 - strlen(fi->key) : 1), "", until);
	status_text(t->fp, m->reason);
	fprintf(t->fp, " (%s)\n", mute_source_name(m->source));
}

static void
status_check_cb(const struct findings_check_info *ci, void *arg)
{
	struct status_table	*t = arg;

	if (ci->streak == 0 && !ci->blind)
		return;
	if (t->n++ == 0)
		fprintf(t->fp, "\nCHECKS THAT CANNOT SEE\n  %-7s %-6s %-28s "
		    "%s\n", "STATE", "PASSES", "CHECK", "WHY");
	if (t->colour)
		fprintf(t->fp, "  %s%-7s%s ", COLOUR_WARN, ci->blind ?
		    "blind" : "unsure", COLOUR_RESET);
	else
		fprintf(t->fp, "  %-7s ", ci->blind ? "blind" : "unsure");
	fprintf(t->fp, "%-6u %-28s ", ci->streak, ci->check);
	status_text(t->fp, ci->error != NULL ? ci->error : "-");
	putc('\n', t->fp);
}

static void
status_table_cursors(FILE *fp, const struct status *st)
{
	const char	*region;
	char		 when[32], age[32];
	time_t		 cur;
	size_t		 i;

	fprintf(fp, "\nEVENT CURSORS\n");
	if (evstate_ncursors(st->ev) == 0)
		fprintf(fp, "  none yet: no region was read\n");
	else
		fprintf(fp, "  %-16s %-22s %s\n", "REGION", "CURSOR", "BEHIND");
	for (i = 0; (region = evstate_cursor_at(st->ev, i, &cur)) != NULL;
	    i++) {
		report_status_time(cur, when, sizeof(when));
		status_age(cur, st->now, age, sizeof(age));
		fprintf(fp, "  %-16s %-22s %s\n", region, when, age);
	}
}

static void
status_table_sinks(FILE *fp, const struct status *st)
{
	const struct status_sink	*s;
	char				 age[32];
	size_t				 i;

	fprintf(fp, "\nPENDING ALERTS\n");
	if (st->nsinks == 0)
		fprintf(fp, "  no sink\n");
	else
		fprintf(fp, "  %-24s %-8s %s\n", "SINK", "PENDING", "OLDEST");
	for (i = 0; i < st->nsinks; i++) {
		s = &st->sinks[i];
		status_age(s->oldest, st->now, age, sizeof(age));
		fprintf(fp, "  %-24s %-8zu %s\n", s->name, s->pending, age);
	}
	if (st->unreadable > 0)
		fprintf(fp, "  (%zu outbox file(s) could not be read)\n",
		    st->unreadable);
}

void
report_status_table(FILE *fp, const struct status *st, int colour)
{
	struct status_table	t = { fp, colour, st->now, 0, st->mutes };

	fprintf(fp, "account %s, state in %s\n", st->account != NULL ?
	    st->account : "(any)", st->state_dir);
	if (st->no_state)
		fprintf(fp, "the state directory does not exist yet: the "
		    "daemon has not run\n");
	fputc('\n', fp);
	status_pass_line(fp, "last complete pass:", &st->passes.complete,
	    st->now);
	status_pass_line(fp, "last pass:", &st->passes.last, st->now);
	findings_foreach_info(st->findings, status_finding_cb, &t);
	if (t.n == 0)
		fprintf(fp, "\nOPEN FINDINGS\n  none\n");
	t.n = 0;
	findings_foreach_info(st->findings, status_muted_cb, &t);
	if (t.n == 0)
		fprintf(fp, "\nMUTED FINDINGS\n  none\n");
	t.n = 0;
	findings_foreach_check(st->findings, status_check_cb, &t);
	if (t.n == 0)
		fprintf(fp, "\nCHECKS THAT CANNOT SEE\n  none\n");
	status_table_cursors(fp, st);
	status_table_sinks(fp, st);
}

/* Colour on a terminal only, and never when NO_COLOR is set to
 * something (no-color.org), as for check. */
static int
status_colour(void)
{
	const char	*e = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (e == NULL || *e == '\0');
}

int
report_status(const char *path, int json)
{
	struct config	*cfg;
	struct baseline	*bl;
	struct status	*st = NULL;
	char		 err[1024];
	int		 code;

	if (daemon_load_files(path, &cfg, &bl, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EXIT_CONFIG;
	}
	if ((code = status_read(cfg, check_account_id(bl), time(NULL), &st,
	    err, sizeof(err))) != 0)
		log_warnx("%s", err);
	else {
		if ((st->mutes = mutes_new()) == NULL)
			fatalx("out of memory");
		if (mutes_load_all(st->mutes, bl->mutes, cfg->state_dir, err,
		    sizeof(err)) != 0)
			log_warnx("%s; only the baseline's mutes are shown",
			    err);
		if (json)
			report_status_json(stdout, st);
		else
			report_status_table(stdout, st, status_colour());
		fflush(stdout);
		code = status_exit(st);
	}
	status_free(st);
	config_free(cfg);
	baseline_free(bl);
	return code;
}
