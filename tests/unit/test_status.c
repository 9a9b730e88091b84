/*
 * What `status` and the metrics textfile read and write: passes.json
 * round trips and refuses a bad file; status_read() tallies a state
 * directory written by the modules that own each file; metrics_render()
 * gives one series per label set, each family under its HELP and TYPE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/alert.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/error.h"
#include "driftwatch/evstate.h"
#include "driftwatch/findings.h"
#include "driftwatch/metrics.h"
#include "driftwatch/outbox_store.h"
#include "driftwatch/passrec.h"
#include "driftwatch/status.h"
#include "tap.h"

#define ACCOUNT	"123456789012"
#define T0	1700000000

static char dir[64];

static void
write_file(const char *name, const char *text)
{
	char	 path[160];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void
test_passrec(void)
{
	struct passrec		pr, back;
	struct passrec_pass	p = { 0, T0, T0 + 3, 2.5, 10, 1, 0 };
	char			err[256];

	memset(&pr, 0, sizeof(pr));
	is_int(passrec_load(&back, dir, err, sizeof(err)), 0,
	    "no passes.json: no pass yet");
	ok(!back.last.set && !back.complete.set, "nothing set");
	passrec_add(&pr, &p);
	p.started = T0 + 60;
	p.finished = T0 + 64;
	p.unknown = 2;
	passrec_add(&pr, &p);
	is_int(passrec_save(&pr, dir), 0, "saved");
	is_int(passrec_load(&back, dir, err, sizeof(err)), 0, "read back");
	is_int(back.last.finished, T0 + 64, "last pass: the incomplete one");
	is_int((long long)back.last.unknown, 2, "with its unknowns");
	is_int(back.complete.finished, T0 + 3, "last complete: the one before");
	ok(back.complete.duration > 2.49 && back.complete.duration < 2.51,
	    "its duration");
	is_int((long long)back.complete.ok, 10, "its ok count");

	write_file(PASSREC_FILE, "{\"version\": 1, \"last_pass\": "
	    "{\"started\": -1}}");
	is_int(passrec_load(&back, dir, err, sizeof(err)), DW_EPARSE,
	    "a negative time is refused");
	ok(strstr(err, "last_pass") != NULL, "naming the member: %s", err);
	write_file(PASSREC_FILE, "{\"version\": 2}");
	is_int(passrec_load(&back, dir, err, sizeof(err)), DW_EPARSE,
	    "another version is refused");
	write_file(PASSREC_FILE, "{\"version\": 1,");
	is_int(passrec_load(&back, dir, err, sizeof(err)), DW_EPARSE,
	    "a torn file is refused");
	write_file(PASSREC_FILE, "{\"version\": 1}");
	is_int(passrec_load(&back, dir, err, sizeof(err)), 0,
	    "a file without passes is no pass yet");
	ok(!back.last.set, "none set");
}

static void
observe(struct findings *fs, const char *check, const char *res,
    enum finding_state st, enum severity sev)
{
	struct finding_obs	o;

	memset(&o, 0, sizeof(o));
	o.check = check;
	o.resource = res;
	o.state = st;
	o.severity = sev;
	o.title = "t";
	o.expected = "e";
	o.actual = "a";
	findings_observe(fs, &o, T0, NULL, NULL);
}

static struct findings *
make_findings(void)
{
	struct findings	*fs;

	if ((fs = findings_new(dir, ACCOUNT, 1)) == NULL)
		abort();
	findings_begin(fs, "iam.user_mfa");
	observe(fs, "iam.user_mfa", "alice", FINDING_DRIFT, SEV_HIGH);
	observe(fs, "iam.user_mfa", "bob", FINDING_OK, SEV_HIGH);
	findings_end(fs, "iam.user_mfa", 1, NULL, T0, NULL, NULL);
	findings_begin(fs, "root.mfa");
	findings_end(fs, "root.mfa", 0, "AccessDenied: no", T0, NULL, NULL);
	/* as at the end of the daemon's pass: blind, by its cause */
	findings_flush(fs, T0, NULL, NULL);
	return fs;
}

static void
write_outbox(const char *id, time_t t, const char *sink1, int delivered)
{
	struct outbox_slot_rec	 slots[2];
	struct alert		*a;
	char			*buf, path[200];
	size_t			 len;
	FILE			*fp;

	a = alert_new(ALERT_OPEN, SEV_HIGH);
	alert_set_id(a, "open", id);
	alert_set(&a->check, "iam.user_mfa");
	alert_set(&a->title, "x");
	a->time = t;
	memset(slots, 0, sizeof(slots));
	slots[0].sink = (char *)sink1;
	slots[0].state = OUTBOX_SLOT_PENDING;
	slots[1].sink = (char *)"hook";
	slots[1].state = delivered ? OUTBOX_SLOT_DELIVERED :
	    OUTBOX_SLOT_PENDING;
	buf = outbox_rec_encode(1, a, slots, 2, sizeof(slots[0]), &len);
	snprintf(path, sizeof(path), "%s/outbox/%s.json", dir, a->id);
	if (buf == NULL || (fp = fopen(path, "w")) == NULL)
		abort();
	fwrite(buf, 1, len, fp);
	fclose(fp);
	free(buf);
	alert_free(a);
}

static void
test_status_read(void)
{
	struct config	*cfg;
	struct findings	*fs = make_findings();
	struct evstate	*es;
	struct status	*st;
	char		 err[256], path[160];
	size_t		 i;

	is_int(findings_save(fs), 0, "findings saved");
	findings_free(fs);
	es = evstate_new(dir);
	evstate_set_cursor(es, "us-east-1", T0 - 30);
	evstate_set_cursor(es, "eu-west-1", T0 - 90);
	is_int(evstate_save(es), 0, "events saved");
	evstate_free(es);
	snprintf(path, sizeof(path), "%s/outbox", dir);
	mkdir(path, 0700);
	write_outbox("a1", T0 - 100, "down", 1);
	write_outbox("a2", T0 - 50, "down", 0);
	write_file("outbox/junk.json", "{");
	write_file("outbox/x.json.tmp.1", "{");

	cfg = config_default();
	free(cfg->state_dir);
	cfg->state_dir = strdup(dir);
	is_int(status_read(cfg, ACCOUNT, T0, &st, err, sizeof(err)), 0,
	    "status read");
	is_int(findings_open_count(st->findings), 1, "one open finding");
	is_int(findings_blind_count(st->findings), 1, "one blind check");
	is_int((long long)evstate_ncursors(st->ev), 2, "two cursors");
	is_int((long long)st->unreadable, 1, "the torn outbox file counted");
	for (i = 0; i < st->nsinks; i++) {
		if (strcmp(st->sinks[i].name, "down") == 0) {
			is_int((long long)st->sinks[i].pending, 2,
			    "down: both pending");
			is_int(st->sinks[i].oldest, T0 - 100, "down: oldest");
		} else if (strcmp(st->sinks[i].name, "hook") == 0) {
			is_int((long long)st->sinks[i].pending, 1,
			    "hook: one pending");
			is_int(st->sinks[i].oldest, T0 - 50, "hook: its time");
		}
	}
	is_int((long long)st->nsinks, 2, "two sinks seen");
	is_int(status_exit(st), EXIT_DRIFT, "open findings: 1");
	status_free(st);

	is_int(status_read(cfg, "999999999999", T0, &st, err, sizeof(err)),
	    EXIT_IOERR, "another account's findings: 74");
	free(cfg->state_dir);
	cfg->state_dir = strdup("/nonexistent/dw-state");
	is_int(status_read(cfg, ACCOUNT, T0, &st, err, sizeof(err)), 0,
	    "no directory yet: read");
	ok(st->no_state, "and said so");
	is_int(status_exit(st), EXIT_UNKNOWN, "no pass yet: 2");
	status_free(st);
	config_free(cfg);
}

/* Every sample's family has a HELP and a TYPE line before it. */
static int
families_declared(const char *text)
{
	char	*copy = strdup(text), *line, *p = copy, name[128];
	char	 typed[4096] = " ";
	int	 good = 1;

	while ((line = strsep(&p, "\n")) != NULL && *line != '\0') {
		if (sscanf(line, "# TYPE %127s", name) == 1) {
			strcat(typed, name);
			strcat(typed, " ");
		} else if (line[0] != '#') {
			snprintf(name, sizeof(name), " %.*s ",
			    (int)strcspn(line, "{ "), line);
			if (strstr(typed, name) == NULL)
				good = 0;
		}
	}
	free(copy);
	return good;
}

static void
test_metrics(void)
{
	struct metrics_input	 mi;
	struct passrec		 pr;
	struct passrec_pass	 p = { 0, T0, T0 + 3, 2.5, 10, 1, 0 };
	struct findings		*fs = make_findings();
	struct stat		 sb;
	char			*text, path[160];
	size_t			 len;

	memset(&pr, 0, sizeof(pr));
	passrec_add(&pr, &p);
	memset(&mi, 0, sizeof(mi));
	mi.findings = fs;
	mi.passes = &pr;
	mi.alerts = 7;
	text = metrics_render(&mi, &len);
	ok(text != NULL && len == strlen(text), "rendered");
	ok(strstr(text, "\ndriftwatch_findings{severity=\"high\","
	    "state=\"drift\"} 1\n") != NULL, "the open finding");
	ok(strstr(text, "\ndriftwatch_findings{severity=\"high\","
	    "state=\"ok\"} 1\n") != NULL, "the ok one");
	ok(strstr(text, "\ndriftwatch_findings{severity=\"low\","
	    "state=\"drift\"} 0\n") != NULL, "zeros written too");
	ok(strstr(text, "\ndriftwatch_checks_blind 1\n") != NULL, "blind");
	ok(strstr(text, "\ndriftwatch_last_pass_duration_seconds 2.500\n") !=
	    NULL, "duration in seconds");
	ok(strstr(text, "\ndriftwatch_last_success_timestamp_seconds "
	    "1700000003\n") != NULL, "last success");
	ok(strstr(text, "\ndriftwatch_alerts_total 7\n") != NULL, "alerts");
	ok(strstr(text, "# TYPE driftwatch_aws_requests_total counter\n") !=
	    NULL, "requests are a counter");
	ok(strstr(text, "driftwatch_aws_requests_total{service=\"iam\"} ") !=
	    NULL, "per service");
	ok(families_declared(text), "each family declared before use");
	ok(text[len - 1] == '\n', "ends with a newline");
	free(text);
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	umask(077);
	is_int(metrics_write(path, &mi), 0, "written");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644,
	    "mode 0644 whatever the umask");
	unlink(path);
	findings_free(fs);
}

static void
clean(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dw-status.XXXXXX");
	if (mkdtemp(dir) == NULL)
		skip_all("mkdtemp failed");
	test_passrec();
	test_status_read();
	test_metrics();
	clean();
	return done_testing();
}
