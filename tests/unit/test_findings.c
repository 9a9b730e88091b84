/*
 * The finding store: every transition, the blind watch, persistence
 * and corrupt state files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/alert.h"
#include "driftwatch/blindcause.h"
#include "driftwatch/error.h"
#include "driftwatch/findings.h"
#include "driftwatch/mutes.h"
#include "tap.h"

#define ACCOUNT	"123456789012"
#define T0	1700000000

struct got {
	struct alert	*a[32];
	size_t		 n;
};

static void
collect(struct alert *a, void *arg)
{
	struct got	*g = arg;

	if (g->n < 32)
		g->a[g->n++] = a;
	else
		alert_free(a);
}

static void
got_clear(struct got *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		alert_free(g->a[i]);
	g->n = 0;
}

static char dir[64];

/* A check's pass ends, and the store says what it calls for at once,
 * as after a pass of the daemon's checks. */
static void
end_pass(struct findings *fs, const char *check, int complete,
    const char *error, time_t now, findings_alert_cb cb, void *arg)
{
	findings_end(fs, check, complete, error, now, cb, arg);
	findings_flush(fs, now, cb, arg);
}

static void
write_state(const char *text)
{
	char	 path[128];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/findings.json", dir);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void
obs(struct findings *fs, const char *check, const char *res,
    enum finding_state st, const char *actual, time_t now, struct got *g)
{
	struct finding_obs	o = { 0 };

	o.check = check;
	o.resource = res;
	o.state = st;
	o.severity = SEV_CRITICAL;
	o.title = "root MFA is disabled";
	o.expected = "enabled";
	o.actual = actual;
	findings_observe(fs, &o, now, collect, g);
}

/* One pass of check with a single observation. */
static void
pass(struct findings *fs, const char *check, enum finding_state st,
    const char *actual, time_t now, struct got *g)
{
	findings_begin(fs, check);
	obs(fs, check, NULL, st, actual, now, g);
	end_pass(fs, check, 1, NULL, now, collect, g);
}

struct row {
	char			key[128];
	char			actual[128];
	enum finding_state	state;
	int			n;
};

static void
find_row(const char *key, const char *check, enum finding_state st,
    enum severity sev, const char *title, const char *exp, const char *act,
    void *arg)
{
	struct row	*r = arg;

	(void)check; (void)sev; (void)title; (void)exp;
	r->n++;
	if (strcmp(key, r->key) == 0) {
		r->state = st;
		snprintf(r->actual, sizeof(r->actual), "%s", act ? act : "");
	}
}

static struct row
lookup(struct findings *fs, const char *key)
{
	struct row	r = { .state = (enum finding_state)-1 };

	snprintf(r.key, sizeof(r.key), "%s", key);
	findings_foreach(fs, find_row, &r);
	return r;
}

static void
test_open_resolve(void)
{
	struct findings	*fs;
	struct got	 g = { 0 };
	char		 err[256], id1[ALERT_ID_LEN];
	struct row	 r;

	fs = findings_new(dir, ACCOUNT, 3);
	ok(fs != NULL, "findings_new");
	is_int(findings_load(fs, err, sizeof(err)), 0, "absent file: empty");
	is_int((long long)findings_open_count(fs), 0, "no open findings");

	pass(fs, "root.mfa", FINDING_OK, "enabled", T0, &g);
	is_int((long long)g.n, 0, "new ok: no alert");

	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 60, &g);
	is_int((long long)g.n, 1, "ok -> drift: one alert");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_OPEN, "kind open");
		is_int(g.a[0]->severity, SEV_CRITICAL, "severity from obs");
		IS_STR(g.a[0]->title, "Drift: root MFA is disabled", "title");
		IS_STR(g.a[0]->check, "root.mfa", "alert check");
		IS_STR(g.a[0]->finding, "root.mfa", "empty resource: key = check");
		IS_STR(g.a[0]->account, ACCOUNT, "alert account");
		IS_STR(g.a[0]->expected, "enabled", "expected");
		IS_STR(g.a[0]->actual, "disabled", "actual");
		ok(g.a[0]->summary != NULL, "summary set");
		is_int(g.a[0]->time, T0 + 60, "alert time is now");
		snprintf(id1, sizeof(id1), "%s", g.a[0]->id);
	}
	is_int((long long)findings_open_count(fs), 1, "one open");
	got_clear(&g);

	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 120, &g);
	is_int((long long)g.n, 0, "drift -> drift: no alert");
	pass(fs, "root.mfa", FINDING_DRIFT, "virtual\x01 device", T0 + 130, &g);
	is_int((long long)g.n, 0, "changed actual while open: no alert");
	r = lookup(fs, "root.mfa");
	IS_STR(r.actual, "virtual device", "actual updated, control stripped");
	pass(fs, "root.mfa", FINDING_DRIFT, "a\nb\x1b[31m", T0 + 131, &g);
	r = lookup(fs, "root.mfa");
	IS_STR(r.actual, "a b[31m", "newline a space, ESC stripped");

	pass(fs, "root.mfa", FINDING_UNKNOWN, NULL, T0 + 180, &g);
	is_int((long long)g.n, 0, "drift -> unknown: no alert");
	is_int((long long)findings_open_count(fs), 1, "unknown never resolves");
	r = lookup(fs, "root.mfa");
	is_int(r.state, FINDING_DRIFT, "still drift after unknown");

	pass(fs, "root.mfa", FINDING_OK, "enabled", T0 + 240, &g);
	is_int((long long)g.n, 1, "drift -> ok: one alert");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_RESOLVE, "kind resolve");
		IS_STR(g.a[0]->title, "Resolved: root MFA is disabled",
		    "resolve title");
		is_int(g.a[0]->severity, SEV_CRITICAL, "resolve keeps severity");
	}
	is_int((long long)findings_open_count(fs), 0, "none open");
	got_clear(&g);

	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 300, &g);
	is_int((long long)g.n, 1, "reopen: one alert");
	if (g.n == 1)
		ok(strcmp(g.a[0]->id, id1) != 0, "reopen has a new alert id");
	got_clear(&g);
	findings_free(fs);
}

static void
test_unknown_new(void)
{
	struct findings	*fs;
	struct got	 g = { 0 };

	fs = findings_new(dir, ACCOUNT, 3);
	pass(fs, "iam.alias", FINDING_UNKNOWN, NULL, T0, &g);
	is_int((long long)g.n, 0, "new unknown: no alert");
	is_int((long long)findings_open_count(fs), 0, "unknown opens nothing");
	is_int(lookup(fs, "iam.alias").state, FINDING_UNKNOWN,
	    "listed as unknown");
	pass(fs, "iam.alias", FINDING_OK, "ok", T0 + 1, &g);
	is_int((long long)g.n, 0, "unknown -> ok: no alert");
	pass(fs, "iam.alias", FINDING_UNKNOWN, NULL, T0 + 2, &g);
	is_int(lookup(fs, "iam.alias").state, FINDING_OK,
	    "ok -> unknown keeps ok");
	pass(fs, "iam.alias", FINDING_DRIFT, "x", T0 + 3, &g);
	is_int((long long)g.n, 1, "unknown(ok) -> drift opens");
	got_clear(&g);
	findings_free(fs);
}

static void
test_resource_gone(void)
{
	struct findings	*fs;
	struct got	 g = { 0 };
	const char	*c = "iam.user_mfa";

	fs = findings_new(dir, ACCOUNT, 3);
	findings_begin(fs, c);
	obs(fs, c, "alice", FINDING_DRIFT, "no mfa", T0, &g);
	obs(fs, c, "bob", FINDING_DRIFT, "no mfa", T0, &g);
	obs(fs, c, "carol", FINDING_OK, "mfa", T0, &g);
	end_pass(fs, c, 1, NULL, T0, collect, &g);
	is_int((long long)g.n, 2, "two opens");
	if (g.n == 2)
		IS_STR(g.a[1]->finding, "iam.user_mfa/bob", "key check/resource");
	got_clear(&g);

	findings_begin(fs, c);
	obs(fs, c, "alice", FINDING_DRIFT, "no mfa", T0 + 60, &g);
	end_pass(fs, c, 0, "Throttling: Rate exceeded", T0 + 60,
	    collect, &g);
	is_int((long long)g.n, 0, "incomplete pass: nothing resolves");
	is_int((long long)findings_open_count(fs), 2, "bob still open");

	findings_begin(fs, c);
	obs(fs, c, "alice", FINDING_DRIFT, "no mfa", T0 + 120, &g);
	obs(fs, c, "bob", FINDING_UNKNOWN, NULL, T0 + 120, &g);
	end_pass(fs, c, 1, NULL, T0 + 120, collect, &g);
	is_int((long long)g.n, 0, "bob unknown in a complete pass: no resolve");

	findings_begin(fs, c);
	obs(fs, c, "alice", FINDING_DRIFT, "no mfa", T0 + 180, &g);
	end_pass(fs, c, 1, NULL, T0 + 180, collect, &g);
	is_int((long long)g.n, 1, "bob gone: one resolve");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_RESOLVE, "kind resolve");
		IS_STR(g.a[0]->finding, "iam.user_mfa/bob", "bob resolved");
		IS_STR(g.a[0]->actual, "(resource no longer present)",
		    "says the resource is gone");
	}
	is_int(lookup(fs, "iam.user_mfa/carol").n, 1, "gone ok forgotten");
	is_int((long long)findings_open_count(fs), 1, "alice still open");
	got_clear(&g);

	findings_begin(fs, "root.mfa");
	end_pass(fs, "root.mfa", 1, NULL, T0 + 200, collect, &g);
	is_int((long long)findings_open_count(fs), 1,
	    "another check's pass leaves alice");
	findings_free(fs);
}

static void
test_blind(void)
{
	struct findings	*fs;
	struct got	 g = { 0 };
	int		 i;

	fs = findings_new(dir, ACCOUNT, 3);
	for (i = 0; i < 2; i++)
		end_pass(fs, "root.mfa", 0, "AccessDenied: not allowed",
		    T0 + i, collect, &g);
	is_int((long long)g.n, 0, "2 unknown passes: not blind yet");
	end_pass(fs, "root.mfa", 0, "AccessDenied: not allowed", T0 + 2,
	    collect, &g);
	is_int((long long)g.n, 1, "3rd: blind alert");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_BLIND, "kind blind");
		is_int(g.a[0]->severity, SEV_HIGH, "blind is high");
		IS_STR(g.a[0]->title, "driftwatch cannot see root.mfa: "
		    "AccessDenied: not allowed", "blind title names the error");
		IS_STR(g.a[0]->check, "root.mfa", "blind check");
		IS_STR(g.a[0]->account, ACCOUNT, "blind account");
	}
	is_int((long long)findings_blind_count(fs), 1, "one blind check");
	got_clear(&g);
	for (i = 0; i < 5; i++)
		end_pass(fs, "root.mfa", 0, "AccessDenied\nx", T0 + 10 + i,
		    collect, &g);
	is_int((long long)g.n, 0, "still blind: no more alerts");
	findings_begin(fs, "root.mfa");
	end_pass(fs, "root.mfa", 1, NULL, T0 + 20, collect, &g);
	is_int((long long)g.n, 1, "complete: one sighted");
	if (g.n == 1)
		is_int(g.a[0]->kind, ALERT_SIGHTED, "kind sighted");
	got_clear(&g);
	end_pass(fs, "root.mfa", 1, NULL, T0 + 21, collect, &g);
	is_int((long long)g.n, 0, "sighted once");
	is_int((long long)findings_blind_count(fs), 0, "no blind check");
	end_pass(fs, "root.mfa", 0, NULL, T0 + 22, collect, &g);
	end_pass(fs, "root.mfa", 0, NULL, T0 + 23, collect, &g);
	end_pass(fs, "root.mfa", 1, NULL, T0 + 24, collect, &g);
	end_pass(fs, "root.mfa", 0, NULL, T0 + 25, collect, &g);
	end_pass(fs, "root.mfa", 0, NULL, T0 + 26, collect, &g);
	is_int((long long)g.n, 0, "a complete pass resets the streak");
	end_pass(fs, "root.mfa", 0, NULL, T0 + 27, collect, &g);
	is_int((long long)g.n, 1, "blind again after 3 more");
	got_clear(&g);
	findings_free(fs);
}

static ino_t
inode(const char *name)
{
	char		path[128];
	struct stat	st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) == -1)
		return 0;
	return st.st_ino;
}

static void
test_persist(void)
{
	struct findings	*fs, *fs2;
	struct got	 g = { 0 };
	char		 err[256];
	ino_t		 ino;

	unlink("findings.json");
	fs = findings_new(dir, ACCOUNT, 3);
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0, &g);
	/* throttled: another cause than config.rules' */
	end_pass(fs, "cloudtrail.logging", 0, "Throttling", T0, collect,
	    &g);
	end_pass(fs, "cloudtrail.logging", 0, "Throttling", T0, collect,
	    &g);
	end_pass(fs, "config.rules", 0, "AccessDenied", T0, collect, &g);
	end_pass(fs, "config.rules", 0, "AccessDenied", T0, collect, &g);
	end_pass(fs, "config.rules", 0, "AccessDenied", T0, collect, &g);
	is_int((long long)g.n, 2, "open + blind before save");
	got_clear(&g);
	is_int(findings_save(fs), 0, "save");
	ino = inode("findings.json");
	ok(ino != 0, "findings.json written");
	is_int(findings_save(fs), 0, "save unchanged");
	ok(inode("findings.json") == ino, "unchanged: file not rewritten");

	fs2 = findings_new(dir, ACCOUNT, 3);
	is_int(findings_load(fs2, err, sizeof(err)), 0, "load");
	is_int((long long)findings_open_count(fs2), 1, "open finding restored");
	is_int((long long)findings_blind_count(fs2), 1, "blind restored");
	pass(fs2, "root.mfa", FINDING_DRIFT, "disabled", T0 + 60, &g);
	is_int((long long)g.n, 0, "restart: open finding not re-alerted");
	end_pass(fs2, "config.rules", 0, "AccessDenied", T0 + 60, collect,
	    &g);
	is_int((long long)g.n, 0, "restart: blind not re-alerted");
	end_pass(fs2, "cloudtrail.logging", 0, "Throttling", T0 + 60,
	    collect, &g);
	is_int((long long)g.n, 1, "restart: streak kept, blind on the 3rd");
	got_clear(&g);
	end_pass(fs2, "config.rules", 1, NULL, T0 + 90, collect, &g);
	is_int((long long)g.n, 1, "restart: sighted after blind");
	got_clear(&g);
	pass(fs2, "root.mfa", FINDING_OK, "enabled", T0 + 120, &g);
	is_int((long long)g.n, 1, "restart: resolves the restored finding");
	got_clear(&g);
	findings_free(fs2);
	findings_free(fs);
}

static void
corrupt(const char *text, int want, const char *needle, const char *what)
{
	struct findings	*fs;
	struct got	 g = { 0 };
	char		 err[512] = "";

	fs = findings_new(dir, ACCOUNT, 3);
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0, &g);
	got_clear(&g);
	write_state(text);
	is_int(findings_load(fs, err, sizeof(err)), want, "corrupt: %s", what);
	ok(strstr(err, "findings.json") != NULL && strstr(err, needle) != NULL,
	    "error names file and fault: %s", err);
	is_int((long long)findings_open_count(fs), 1,
	    "failed load leaves the store as it was");
	findings_free(fs);
}

static void
test_corrupt(void)
{
	corrupt("{\"version\":1,\"findings\":[", DW_EPARSE, "truncated",
	    "truncated");
	corrupt("garbage", DW_EPARSE, "malformed", "not JSON");
	corrupt("[1,2]", DW_EPARSE, "not a JSON object", "not an object");
	corrupt("{\"version\":1} x", DW_EPARSE, "malformed", "trailing data");
	corrupt("{}", DW_EPARSE, "\"version\" is missing", "no version");
	corrupt("{\"version\":7}", DW_EPARSE, "version", "future version");
	corrupt("{\"version\":1,\"findings\":{}}", DW_EPARSE, "not an array",
	    "findings not an array");
	corrupt("{\"version\":1,\"findings\":[{\"state\":\"drift\"}]}",
	    DW_EPARSE, "findings[0]: \"check\" is missing", "no check");
	corrupt("{\"version\":1,\"findings\":[{\"check\":\"a\",\"state\":"
	    "\"maybe\",\"severity\":\"high\",\"first_seen\":1,\"last_seen\":1}"
	    "]}", DW_EPARSE, "\"state\" is not", "bad state");
	corrupt("{\"version\":1,\"findings\":[{\"check\":\"a\",\"state\":"
	    "\"drift\",\"severity\":\"high\",\"first_seen\":\"x\","
	    "\"last_seen\":1}]}", DW_EPARSE, "first_seen", "bad time");
	corrupt("{\"version\":1,\"findings\":[{\"check\":\"a\",\"state\":"
	    "\"drift\",\"severity\":\"high\",\"first_seen\":1,\"last_seen\":1},"
	    "{\"check\":\"a\",\"state\":\"ok\",\"severity\":\"high\","
	    "\"first_seen\":1,\"last_seen\":1}]}", DW_EPARSE, "twice",
	    "duplicate finding");
	corrupt("{\"version\":1,\"checks\":[{\"check\":\"a\",\"streak\":-1,"
	    "\"blind\":true}]}", DW_EPARSE, "streak", "negative streak");
	corrupt("{\"version\":1,\"checks\":[{\"check\":\"a\",\"streak\":1,"
	    "\"blind\":\"yes\"}]}", DW_EPARSE, "blind", "blind not boolean");
	corrupt("{\"version\":1,\"account\":\"999999999999\"}", DW_EINVAL,
	    "999999999999", "another account's state");
}

static void
test_misc(void)
{
	struct findings		*fs;
	struct finding_obs	 o = { 0 };
	struct got		 g = { 0 };

	findings_free(NULL);
	ok(1, "findings_free(NULL) is a no-op");
	IS_STR(finding_state_name(FINDING_OK), "ok", "state name ok");
	IS_STR(finding_state_name(FINDING_DRIFT), "drift", "state name drift");
	IS_STR(finding_state_name(FINDING_UNKNOWN), "unknown",
	    "state name unknown");

	fs = findings_new("/nonexistent/dir", ACCOUNT, 0);
	pass(fs, "root.mfa", FINDING_DRIFT, "x", T0, &g);
	is_int(findings_save(fs), DW_EIO, "unwritable state dir: DW_EIO");
	end_pass(fs, "x", 0, "e", T0, collect, &g);
	is_int((long long)g.n, 2, "blind_after 0 acts as 1");
	got_clear(&g);
	o.check = NULL;
	findings_observe(fs, &o, T0, collect, &g);
	o.check = "";
	findings_observe(fs, &o, T0, collect, &g);
	is_int((long long)g.n, 0, "observation without a check dropped");

	o.check = "root.mfa";
	o.state = FINDING_DRIFT;
	o.severity = SEV_LOW;
	o.title = "changed";
	findings_observe(fs, &o, T0, NULL, NULL);
	is_int((long long)findings_open_count(fs), 1,
	    "severity change while open: still one, no alert (cb NULL)");
	findings_free(fs);
}

/* A transition raised again from the same saved state keeps its id. */
static void
test_stable_ids(void)
{
	struct findings	*fs, *again;
	struct got	 g = { { 0 }, 0 }, h = { { 0 }, 0 };
	char		 err[256];

	unlink("findings.json");
	fs = findings_new(dir, "111122223333", 3);
	pass(fs, "root.mfa", FINDING_OK, "enabled", T0, &g);
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 60, &g);
	ok(g.n == 1 && strncmp(g.a[0]->id, "open-", 5) == 0,
	    "an open after a saved ok state has a derived id");
	findings_save(fs);
	got_clear(&g);
	/* the resolve is raised, then the daemon dies before saving */
	pass(fs, "root.mfa", FINDING_OK, "enabled", T0 + 120, &g);
	findings_free(fs);
	again = findings_new(dir, "111122223333", 3);
	is_int(findings_load(again, err, sizeof(err)), 0, "reloads");
	pass(again, "root.mfa", FINDING_OK, "enabled", T0 + 180, &h);
	ok(g.n == 1 && h.n == 1 && strcmp(g.a[0]->id, h.a[0]->id) == 0,
	    "the resolve raised again after a crash keeps its id (%s)",
	    h.n ? h.a[0]->id : "none");
	got_clear(&g);
	got_clear(&h);
	findings_free(again);
	unlink("findings.json");
}

/* One "crash": the store is freed unsaved and loaded again from disk. */
static struct findings *
crash_reload(struct findings *fs)
{
	struct findings	*again;
	char		 err[256];

	findings_free(fs);
	again = findings_new(dir, "111122223333", 1);
	if (findings_load(again, err, sizeof(err)) != 0)
		diag("reload: %s", err);
	return again;
}

/*
 * A finding the file does not hold yet, already drifting, and a check
 * going blind: raised again after a crash before the save, each keeps
 * its first id.
 */
static void
test_stable_new_ids(void)
{
	struct findings	*fs;
	struct got	 g = { { 0 }, 0 }, h = { { 0 }, 0 };
	char		 first[ALERT_ID_LEN] = "", blind[ALERT_ID_LEN] = "";

	unlink("findings.json");
	fs = findings_new(dir, "111122223333", 1);
	pass(fs, "iam.user_mfa", FINDING_OK, "enabled", T0, &g);
	findings_save(fs);		/* the file exists; this finding not */
	got_clear(&g);
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 60, &g);
	findings_begin(fs, "cloudtrail.trail");
	end_pass(fs, "cloudtrail.trail", 0, "AccessDenied", T0 + 60,
	    collect, &g);
	ok(g.n == 2, "a new drifting finding opens and a check goes blind");
	if (g.n == 2) {
		snprintf(first, sizeof(first), "%s", g.a[0]->id);
		snprintf(blind, sizeof(blind), "%s", g.a[1]->id);
	}
	fs = crash_reload(fs);
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 120, &h);
	findings_begin(fs, "cloudtrail.trail");
	end_pass(fs, "cloudtrail.trail", 0, "AccessDenied", T0 + 120,
	    collect, &h);
	ok(h.n == 2 && strcmp(h.a[0]->id, first) == 0,
	    "the open raised again keeps its id (%s, then %s)", first,
	    h.n > 0 ? h.a[0]->id : "none");
	ok(h.n == 2 && strcmp(h.a[1]->id, blind) == 0,
	    "the blind alert raised again keeps its id (%s, then %s)", blind,
	    h.n > 1 ? h.a[1]->id : "none");
	got_clear(&h);
	findings_save(fs);
	/* resolved, gone, then drifting again: a new transition, a new id */
	pass(fs, "root.mfa", FINDING_OK, "enabled", T0 + 180, &h);
	findings_begin(fs, "root.mfa");
	end_pass(fs, "root.mfa", 1, NULL, T0 + 240, collect, &h);
	findings_save(fs);
	got_clear(&h);
	fs = crash_reload(fs);
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 300, &h);
	ok(h.n == 1 && strcmp(h.a[0]->id, first) != 0,
	    "a later open of the same finding has another id");
	got_clear(&g);
	got_clear(&h);
	findings_free(fs);
	unlink("findings.json");
}

/* The mute holds the open alert; its end raises it once; a resolve and
 * a gone resource under a mute raise nothing; another key alerts. */
static void
test_mutes(void)
{
	struct findings	*fs;
	struct mutes	*ms = mutes_new();
	struct got	 g = { 0 };
	time_t		 until = T0 + 100;
	char		 err[256];

	fs = findings_new(dir, ACCOUNT, 3);
	mutes_set(ms, "root.mfa", until, "key on order", 0, MUTE_STATE);
	findings_set_mutes(fs, ms);
	pass(fs, "root.mfa", FINDING_DRIFT, "no MFA", T0, &g);
	is_int((long long)g.n, 0, "muted drift: no open alert");
	is_int((long long)findings_open_count(fs), 1, "but it is open");
	pass(fs, "root.mfa", FINDING_DRIFT, "no MFA", until - 1, &g);
	is_int((long long)g.n, 0, "nothing while the mute holds");
	is_int(findings_save(fs), 0, "saved while held");
	findings_free(fs);

	/* a restart in between: the held drift is read back */
	fs = findings_new(dir, ACCOUNT, 3);
	is_int(findings_load(fs, err, sizeof(err)), 0, "reloaded");
	findings_set_mutes(fs, ms);
	pass(fs, "root.mfa", FINDING_DRIFT, "no MFA", until, &g);
	is_int((long long)g.n, 1, "the mute's end raises the open alert");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_OPEN, "kind open");
		ok(strncmp(g.a[0]->id, "unmuted-", 8) == 0, "its own id: %s",
		    g.a[0]->id);
		ok(strstr(g.a[0]->summary, "the mute has ended") != NULL,
		    "and says so");
		ok(g.a[0]->time == until, "raised at the end");
	}
	got_clear(&g);
	pass(fs, "root.mfa", FINDING_DRIFT, "no MFA", until + 1, &g);
	is_int((long long)g.n, 0, "once");

	/* muted again: a resolve says nothing, nor does opening again */
	mutes_set(ms, "root.mfa", until + 1000, "again", 0, MUTE_STATE);
	pass(fs, "root.mfa", FINDING_OK, "MFA", until + 2, &g);
	is_int((long long)g.n, 0, "resolve under a mute: no alert");
	pass(fs, "root.mfa", FINDING_DRIFT, "no MFA", until + 3, &g);
	is_int((long long)g.n, 0, "opened again under the same mute: none");

	/* a new finding on a muted check */
	mutes_set(ms, "iam.user_mfa/alice", until + 1000, "r", 0,
	    MUTE_BASELINE);
	findings_begin(fs, "iam.user_mfa");
	obs(fs, "iam.user_mfa", "alice", FINDING_DRIFT, "none", until + 4, &g);
	obs(fs, "iam.user_mfa", "bob", FINDING_DRIFT, "none", until + 4, &g);
	findings_end(fs, "iam.user_mfa", 1, NULL, until + 4, collect, &g);
	is_int((long long)g.n, 1, "bob alerts, alice does not");
	ok(g.n == 1 && strcmp(g.a[0]->finding, "iam.user_mfa/bob") == 0,
	    "the alert is bob's");
	got_clear(&g);
	/* alice's resource gone under the mute: no resolve */
	findings_begin(fs, "iam.user_mfa");
	obs(fs, "iam.user_mfa", "bob", FINDING_DRIFT, "none", until + 5, &g);
	findings_end(fs, "iam.user_mfa", 1, NULL, until + 5, collect, &g);
	is_int((long long)g.n, 0, "a muted finding gone: no resolve");

	/* held, the mute ended, resolved before any pass saw drift again */
	mutes_set(ms, "root.mfa", until + 10, "short", 0, MUTE_STATE);
	pass(fs, "root.mfa", FINDING_DRIFT, "no MFA", until + 6, &g);
	pass(fs, "root.mfa", FINDING_OK, "MFA", until + 11, &g);
	is_int((long long)g.n, 0, "drift never announced: nor its end");
	got_clear(&g);
	findings_free(fs);
	mutes_free(ms);
	unlink("findings.json");
}

static size_t
reminder_items(const struct got *g, size_t i)
{
	return i < g->n && g->a[i]->kind == ALERT_REMINDER ?
	    g->a[i]->nitems : 0;
}

/* Due per severity from opening or the last reminder; muted left out;
 * when it was reminded survives a restart. */
static void
test_reminders(void)
{
	struct findings	*fs;
	struct mutes	*ms = mutes_new();
	struct got	 g = { 0 };
	unsigned	 after[SEV_CRITICAL + 1] = { 0, 0, 0, 0, 60 };
	char		 err[256];

	fs = findings_new(dir, ACCOUNT, 3);
	findings_set_mutes(fs, ms);
	findings_begin(fs, "root.mfa");
	obs(fs, "root.mfa", NULL, FINDING_DRIFT, "no", T0, &g);
	findings_end(fs, "root.mfa", 1, NULL, T0, collect, &g);
	findings_begin(fs, "iam.user_mfa");
	obs(fs, "iam.user_mfa", "bob", FINDING_DRIFT, "none", T0, &g);
	findings_end(fs, "iam.user_mfa", 1, NULL, T0, collect, &g);
	got_clear(&g);
	findings_remind(fs, after, T0 + 59, collect, &g);
	is_int((long long)g.n, 0, "not before the interval");
	findings_remind(fs, after, T0 + 60, collect, &g);
	is_int((long long)g.n, 1, "one digest at the interval");
	is_int((long long)reminder_items(&g, 0), 2, "listing both");
	if (g.n == 1) {
		is_int(g.a[0]->severity, SEV_CRITICAL, "the highest severity");
		IS_STR(g.a[0]->title, "Reminder: 2 findings still open",
		    "title");
		ok(strstr(g.a[0]->summary, "(open 1m)") != NULL,
		    "ages in the summary");
	}
	got_clear(&g);
	findings_remind(fs, after, T0 + 119, collect, &g);
	is_int((long long)g.n, 0, "not again before the same interval");
	is_int(findings_save(fs), 0, "saved");
	findings_free(fs);

	fs = findings_new(dir, ACCOUNT, 3);
	is_int(findings_load(fs, err, sizeof(err)), 0, "reloaded");
	findings_set_mutes(fs, ms);
	findings_remind(fs, after, T0 + 119, collect, &g);
	is_int((long long)g.n, 0, "a restart does not remind early");
	mutes_set(ms, "iam.user_mfa/bob", T0 + 1000, "r", 0, MUTE_STATE);
	findings_remind(fs, after, T0 + 120, collect, &g);
	is_int((long long)reminder_items(&g, 0), 1, "nor forgets; the muted "
	    "one is left out");
	ok(g.n == 1 && strcmp(g.a[0]->items[0].finding, "root.mfa") == 0,
	    "root.mfa listed");
	got_clear(&g);
	after[SEV_CRITICAL] = 0;
	findings_remind(fs, after, T0 + 1000, collect, &g);
	is_int((long long)g.n, 0, "an interval of 0: never");
	findings_free(fs);
	mutes_free(ms);
	unlink("findings.json");
}

/* --- blind checks grouped by cause ------------------------------------------ */

static void
test_blindcause(void)
{
	char	key[64];

	is_int(blindcause_classify("AccessDenied: User: arn:aws:iam::1:user/d "
	    "is not authorized (HTTP 403, request id X)"), BLINDCAUSE_DENIED,
	    "AccessDenied: permissions");
	is_int(blindcause_classify("credential report: AccessDeniedException: "
	    "no (HTTP 400)"), BLINDCAUSE_DENIED, "behind a prefix");
	is_int(blindcause_classify("UnauthorizedOperation: x (HTTP 403)"),
	    BLINDCAUSE_DENIED, "UnauthorizedOperation");
	is_int(blindcause_classify("Forbidden (HTTP 403)"), BLINDCAUSE_DENIED,
	    "a bare 403");
	is_int(blindcause_classify("ExpiredToken: The security token included "
	    "in the request is expired (HTTP 403)"), BLINDCAUSE_CREDENTIALS,
	    "ExpiredToken is credentials, not permissions");
	is_int(blindcause_classify("InvalidClientTokenId: x (HTTP 403)"),
	    BLINDCAUSE_CREDENTIALS, "revoked key");
	is_int(blindcause_classify("SignatureDoesNotMatch: x (HTTP 403)"),
	    BLINDCAUSE_CREDENTIALS, "wrong secret");
	is_int(blindcause_classify("no AWS credentials configured (HTTP 0)"),
	    BLINDCAUSE_CREDENTIALS, "no credentials");
	is_int(blindcause_classify("ThrottlingException: Rate exceeded (HTTP "
	    "400)"), BLINDCAUSE_UNREACHABLE, "throttled");
	is_int(blindcause_classify("HTTP 502 with an unrecognised body: x "
	    "(HTTP 502)"), BLINDCAUSE_UNREACHABLE, "5xx");
	is_int(blindcause_classify("Couldn't connect to server (HTTP 0)"),
	    BLINDCAUSE_UNREACHABLE, "no answer at all");
	is_int(blindcause_classify("malformed body in a successful answer "
	    "(HTTP 200)"), BLINDCAUSE_OTHER, "malformed: the check's own");
	is_int(blindcause_classify("NotAccessDeniedAtAll (HTTP 400)"),
	    BLINDCAUSE_OTHER, "a code is matched as a word");
	is_int(blindcause_classify(NULL), BLINDCAUSE_OTHER, "no reason");
	blindcause_key("root.mfa", "AccessDenied (HTTP 403)", key, sizeof(key));
	IS_STR(key, "denied", "key of a denial");
	blindcause_key("root.mfa", "cannot start the IAM call", key,
	    sizeof(key));
	IS_STR(key, "error:root.mfa", "any other failure is its check's");
}

static const char *const blind3[] = {
	"iam.user_mfa", "root.mfa", "root.access_keys"
};

/* One pass of the three checks, held as the daemon's is, each failing
 * with why[i] (NULL: it sees). */
static void
pass3(struct findings *fs, const char *const why[3], time_t now,
    struct got *g)
{
	int	i;

	findings_batch(fs, 1);
	for (i = 0; i < 3; i++) {
		findings_begin(fs, blind3[i]);
		findings_end(fs, blind3[i], why[i] == NULL, why[i], now,
		    collect, g);
		findings_flush(fs, now, collect, g);
	}
	findings_batch(fs, 0);
	findings_flush(fs, now, collect, g);
}

#define DENIED	"AccessDenied: not authorized (HTTP 403, request id R)"
#define THROTTLED	"ThrottlingException: Rate exceeded (HTTP 400)"

static void
test_blind_group(void)
{
	const char	*denied[3] = { DENIED, DENIED, DENIED };
	const char	*two[3] = { NULL, DENIED, DENIED };
	const char	*one[3] = { NULL, NULL, DENIED };
	const char	*none[3] = { NULL, NULL, NULL };
	struct findings	*fs;
	struct got	 g = { 0 };

	fs = findings_new(dir, ACCOUNT, 2);
	pass3(fs, denied, T0, &g);
	is_int((long long)g.n, 0, "one failed pass: not blind yet");
	pass3(fs, denied, T0 + 60, &g);
	is_int((long long)g.n, 1, "three checks denied: one blind alert");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_BLIND, "kind blind");
		IS_STR(g.a[0]->checks, "iam.user_mfa root.access_keys root.mfa",
		    "it names all three");
		IS_STR(g.a[0]->check, "watch.denied", "check: the cause");
		IS_STR(g.a[0]->finding, "blind/denied", "finding: the cause");
		ok(strstr(g.a[0]->title, "3 checks") != NULL &&
		    strstr(g.a[0]->title, "permissions denied") != NULL,
		    "title names the count and the cause: %s", g.a[0]->title);
		ok(strstr(g.a[0]->summary, "root.access_keys: AccessDenied") !=
		    NULL && strstr(g.a[0]->summary, "taken away") != NULL,
		    "summary names each check's error and the cause");
	}
	is_int((long long)findings_blind_count(fs), 3, "three blind checks");
	got_clear(&g);
	pass3(fs, denied, T0 + 120, &g);
	is_int((long long)g.n, 0, "still blind: nothing more");
	pass3(fs, two, T0 + 180, &g);
	is_int((long long)g.n, 0, "one sees again, two do not: no sighted");
	is_int((long long)findings_blind_count(fs), 2, "two blind checks");
	pass3(fs, one, T0 + 240, &g);
	is_int((long long)g.n, 0, "still one blind: no sighted");
	pass3(fs, none, T0 + 300, &g);
	is_int((long long)g.n, 1, "all see again: one sighted alert");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_SIGHTED, "kind sighted");
		IS_STR(g.a[0]->checks, "iam.user_mfa root.access_keys root.mfa",
		    "the sighted alert names all three");
		IS_STR(g.a[0]->finding, "blind/denied", "pairs with the blind");
	}
	is_int((long long)findings_blind_count(fs), 0, "none blind");
	got_clear(&g);
	pass3(fs, none, T0 + 360, &g);
	is_int((long long)g.n, 0, "sighted once");
	findings_free(fs);
}

static void
test_blind_two_causes(void)
{
	const char	*mixed[3] = { DENIED, THROTTLED, DENIED };
	const char	*moved[3] = { NULL, THROTTLED, THROTTLED };
	const char	*none[3] = { NULL, NULL, NULL };
	struct findings	*fs;
	struct got	 g = { 0 };
	size_t		 i;
	int		 blind = 0, denied = -1, unreach = -1;

	fs = findings_new(dir, ACCOUNT, 1);
	pass3(fs, mixed, T0, &g);
	for (i = 0; i < g.n; i++) {
		blind += g.a[i]->kind == ALERT_BLIND;
		if (strcmp(g.a[i]->finding, "blind/denied") == 0)
			denied = (int)i;
		if (strcmp(g.a[i]->finding, "blind/unreachable") == 0)
			unreach = (int)i;
	}
	is_int(blind, 2, "two causes at once: two blind alerts");
	ok(denied >= 0 && unreach >= 0, "one per cause");
	if (denied >= 0)
		IS_STR(g.a[denied]->checks, "iam.user_mfa root.access_keys",
		    "the denial names its two checks");
	if (unreach >= 0) {
		IS_STR(g.a[unreach]->checks, "root.mfa",
		    "the throttling names its one");
		IS_STR(g.a[unreach]->check, "root.mfa", "one check: its id");
	}
	got_clear(&g);
	/* the denial clears, but root.access_keys is now throttled */
	pass3(fs, moved, T0 + 60, &g);
	is_int((long long)g.n, 1, "denial cleared: one sighted, no new blind");
	if (g.n == 1) {
		is_int(g.a[0]->kind, ALERT_SIGHTED, "sighted");
		IS_STR(g.a[0]->finding, "blind/denied", "of the denial");
		ok(strstr(g.a[0]->summary, "Still cannot see root.access_keys")
		    != NULL, "says which still cannot see");
	}
	is_int((long long)findings_blind_count(fs), 2,
	    "root.access_keys joined the open throttling cause");
	got_clear(&g);
	pass3(fs, none, T0 + 120, &g);
	is_int((long long)g.n, 1, "throttling cleared: one sighted");
	if (g.n == 1)
		IS_STR(g.a[0]->checks, "root.access_keys root.mfa",
		    "naming the one that joined too");
	got_clear(&g);
	findings_free(fs);
}

static void
test_blind_join_and_restart(void)
{
	const char	*first[3] = { DENIED, DENIED, NULL };
	const char	*denied[3] = { DENIED, DENIED, DENIED };
	const char	*none[3] = { NULL, NULL, NULL };
	struct findings	*fs;
	struct got	 g = { 0 };
	char		 err[256], *buf = NULL;
	FILE		*fp;
	size_t		 len = 0;

	unlink("findings.json");
	fs = findings_new(dir, ACCOUNT, 1);
	pass3(fs, first, T0, &g);
	is_int((long long)g.n, 1, "two denied: one blind alert");
	if (g.n == 1)
		IS_STR(g.a[0]->checks, "iam.user_mfa root.mfa", "naming two");
	got_clear(&g);
	pass3(fs, denied, T0 + 60, &g);
	is_int((long long)g.n, 0, "a third joins the open cause: no alert");
	is_int(findings_save(fs), 0, "saved");
	findings_free(fs);
	if ((fp = fopen("findings.json", "r")) != NULL) {
		len = (size_t)getdelim(&buf, &len, '\0', fp);
		fclose(fp);
	}
	ok(buf != NULL && strstr(buf, "\"cause\":\"denied\"") != NULL &&
	    strstr(buf, "\"check\":\"root.access_keys\"") != NULL,
	    "the state file carries the cause and its checks");
	free(buf);

	fs = findings_new(dir, ACCOUNT, 1);
	is_int(findings_load(fs, err, sizeof(err)), 0, "reload");
	is_int((long long)findings_blind_count(fs), 3, "three blind restored");
	pass3(fs, denied, T0 + 120, &g);
	is_int((long long)g.n, 0, "restart while blind: no second blind");
	pass3(fs, none, T0 + 180, &g);
	is_int((long long)g.n, 1, "one sighted after the restart");
	if (g.n == 1)
		IS_STR(g.a[0]->checks, "iam.user_mfa root.access_keys root.mfa",
		    "naming the one that joined before the restart");
	got_clear(&g);
	findings_free(fs);
	unlink("findings.json");
}

static void
test_blind_held_and_legacy(void)
{
	struct findings	*fs;
	struct got	 g = { 0 };
	char		 err[256];

	fs = findings_new(dir, ACCOUNT, 1);
	findings_batch(fs, 1);
	end_pass(fs, "root.mfa", 0, DENIED, T0, collect, &g);
	is_int((long long)g.n, 0, "held: nothing raised mid-pass");
	findings_batch(fs, 0);
	findings_flush(fs, T0, collect, &g);
	is_int((long long)g.n, 1, "released: the blind alert");
	got_clear(&g);
	findings_free(fs);

	/* a file from before the grouping: per-check blind only */
	write_state("{\"version\":1,\"account\":\"" ACCOUNT "\",\"findings\":[],"
	    "\"checks\":[{\"check\":\"root.mfa\",\"streak\":4,\"blind\":true,"
	    "\"error\":\"AccessDenied\"}]}");
	fs = findings_new(dir, ACCOUNT, 1);
	is_int(findings_load(fs, err, sizeof(err)), 0, "legacy file loads");
	is_int((long long)findings_blind_count(fs), 1, "its blind check kept");
	end_pass(fs, "root.mfa", 0, DENIED, T0, collect, &g);
	is_int((long long)g.n, 0, "upgrade: no second blind alert");
	end_pass(fs, "root.mfa", 1, NULL, T0 + 60, collect, &g);
	is_int((long long)g.n, 1, "and one sighted when it sees");
	got_clear(&g);
	findings_free(fs);

	write_state("{\"version\":1,\"findings\":[],\"blind\":[{\"cause\":"
	    "\"denied\",\"open\":true,\"since\":1,\"checks\":[{\"check\":"
	    "\"a\",\"failing\":\"yes\",\"ready\":true}]}]}");
	fs = findings_new(dir, ACCOUNT, 1);
	is_int(findings_load(fs, err, sizeof(err)), DW_EPARSE,
	    "a malformed blind entry is refused");
	ok(strstr(err, "blind[0]") != NULL, "naming where: %s", err);
	findings_free(fs);
	unlink("findings.json");
}

/* --- events and the drift they cause ---------------------------------------- */

static struct alert *
event_alert(const char *key, const char *region)
{
	struct alert	*a;

	if ((a = alert_new(ALERT_EVENT, SEV_HIGH)) == NULL ||
	    alert_set(&a->correlation, key) != 0 ||
	    alert_set(&a->summary, "Who: x") != 0 ||
	    alert_set(&a->ev.event_name, "DeactivateMFADevice") != 0 ||
	    alert_set(&a->ev.event_id, "ev-1") != 0 ||
	    alert_set(&a->ev.region, region) != 0 ||
	    alert_set(&a->ev.actor_arn, "arn:aws:iam::123456789012:user/m")
	    != 0)
		abort();
	return a;
}

static void
test_related(void)
{
	struct findings	*fs;
	struct got	 g = { 0 };
	struct alert	*ev;

	fs = findings_new(dir, ACCOUNT, 3);
	pass(fs, "root.mfa", FINDING_OK, "enabled", T0, &g);
	ev = event_alert("iam.user_mfa/alice", "us-east-1");
	findings_relate_event(fs, ev, T0);
	ok(strstr(ev->summary, "drift") == NULL, "no drift open yet");
	alert_free(ev);
	findings_begin(fs, "iam.user_mfa");
	obs(fs, "iam.user_mfa", "alice", FINDING_DRIFT, "no mfa", T0 + 60, &g);
	obs(fs, "iam.user_mfa", "bob", FINDING_DRIFT, "no mfa", T0 + 60, &g);
	findings_end(fs, "iam.user_mfa", 1, NULL, T0 + 60, collect, &g);
	is_int((long long)g.n, 2, "two opens");
	if (g.n == 2) {
		IS_STR(g.a[0]->correlation, "iam.user_mfa/alice",
		    "the drift the event caused shares its key");
		ok(strstr(g.a[0]->summary, "Related to: DeactivateMFADevice by "
		    "arn:aws:iam::123456789012:user/m") != NULL &&
		    strstr(g.a[0]->summary, "ev-1") != NULL,
		    "and names the event");
		IS_STR(g.a[1]->correlation, "iam.user_mfa/bob",
		    "another finding: its own key");
		ok(strstr(g.a[1]->summary, "Related to") == NULL,
		    "related to nothing");
	}
	got_clear(&g);

	/* the drift first, then the event */
	pass(fs, "root.mfa", FINDING_DRIFT, "disabled", T0 + 120, &g);
	if (g.n == 1)
		IS_STR(g.a[0]->correlation, "root.mfa",
		    "an open alert's key is its finding's");
	got_clear(&g);
	ev = event_alert("root.mfa", "us-east-1");
	findings_relate_event(fs, ev, T0 + 180);
	ok(strstr(ev->summary, "Related to: drift root.mfa, open since") !=
	    NULL, "the event names the drift already open");
	alert_free(ev);

	/* outside the window: not related */
	ev = event_alert("config.rules/mfa-on", "us-east-1");
	findings_relate_event(fs, ev, T0);
	alert_free(ev);
	findings_begin(fs, "config.rules");
	obs(fs, "config.rules", "us-east-1/mfa-on", FINDING_DRIFT, "gone",
	    T0 + 600, &g);
	findings_end(fs, "config.rules", 1, NULL, T0 + 600, collect, &g);
	if (g.n == 1) {
		IS_STR(g.a[0]->correlation, "config.rules/mfa-on",
		    "a resource in the event's region matches");
		ok(strstr(g.a[0]->summary, "Related to") != NULL, "related");
	}
	got_clear(&g);
	ev = event_alert("config.rules/other", "us-east-1");
	findings_relate_event(fs, ev, T0);
	alert_free(ev);
	findings_begin(fs, "config.rules");
	obs(fs, "config.rules", "us-east-1/other", FINDING_DRIFT, "gone",
	    T0 + 3700, &g);
	findings_end(fs, "config.rules", 1, NULL, T0 + 3700, collect, &g);
	if (g.n == 1) {
		IS_STR(g.a[0]->correlation, "config.rules/us-east-1/other",
		    "after the window: its own key");
		ok(strstr(g.a[0]->summary, "Related to") == NULL,
		    "not related after the window");
	}
	got_clear(&g);
	findings_free(fs);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dw-findings.XXXXXX");
	if (mkdtemp(dir) == NULL)
		skip_all("mkdtemp failed");
	if (chdir(dir) == -1)
		skip_all("chdir failed");
	test_open_resolve();
	test_unknown_new();
	test_resource_gone();
	test_blind();
	test_persist();
	test_corrupt();
	test_misc();
	test_stable_ids();
	test_stable_new_ids();
	test_mutes();
	test_reminders();
	test_blindcause();
	test_blind_group();
	test_blind_two_causes();
	test_blind_join_and_restart();
	test_blind_held_and_legacy();
	test_related();
	unlink("findings.json");
	rmdir(dir);
	return done_testing();
}
