/*
 * config_load(): defaults, a full file, and each kind of bad input with
 * its exact line, never quoting a URL or a secret back.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driftwatch/config.h"
#include "driftwatch/error.h"
#include "srcpath.h"
#include "tap.h"

static char	tmpdir[1024];
static char	conf[PATH_MAX];
static char	err[4096];

static void
write_file(const char *path, const char *content)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(content, f) == EOF ||
	    fclose(f) != 0) {
		printf("Bail out! writing %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static const char *
tmp(const char *name)
{
	static char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

/* Loads content as the config file; the config or NULL, err set. */
static struct config *
load(const char *content, int *rc)
{
	struct config	*cf = NULL;
	int		 r;

	write_file(conf, content);
	r = config_load(conf, &cf, err, sizeof err);
	if (rc != NULL)
		*rc = r;
	return cf;
}

/* Loads a bad file and checks the error is "conf:line: ..." with want in
 * it (and, when given, without secret anywhere). */
static void
bad(const char *content, unsigned line, const char *want,
    const char *secret, const char *what)
{
	struct config	*cf;
	char		 prefix[PATH_MAX + 32];
	int		 rc;

	cf = load(content, &rc);
	snprintf(prefix, sizeof prefix, "%s:%u: ", conf, line);
	ok(cf == NULL && rc != 0, "%s: rejected", what);
	if (!ok(strncmp(err, prefix, strlen(prefix)) == 0 &&
	    strstr(err, want) != NULL, "%s: error on line %u", what, line))
		diag("err: %s (want \"%s\" and \"%s\")", err, prefix, want);
	if (secret != NULL)
		ok(strstr(err, secret) == NULL, "%s: secret not in error", what);
	config_free(cf);
}

static void
test_defaults(void)
{
	struct config	*cf;

	unsetenv("STATE_DIRECTORY");
	cf = config_default();
	ok(cf != NULL, "config_default");
	IS_STR(cf->state_dir, "/var/lib/driftwatch", "default state_dir");
	/* configure's --sysconfdir, not a fixed /etc */
	IS_STR(cf->baseline_path, SYSCONFDIR "/driftwatch/baseline.json",
	    "default baseline, under configure's sysconfdir");
	IS_STR(CONFIG_DEFAULT_PATH, SYSCONFDIR "/driftwatch/driftwatchd.conf",
	    "default config, under configure's sysconfdir");
	is_int(cf->poll_interval, 300, "poll_interval 5m");
	is_int(cf->event_poll_interval, 60, "event_poll_interval 1m");
	is_int(cf->event_overlap, 900, "event_overlap 15m");
	is_int(cf->event_lookback, 900, "event_lookback 15m");
	is_int(cf->blind_after, 3, "blind_after 3");
	is_int(cf->log_level, 0, "log_level info");
	IS_STR(cf->aws_region, "us-east-1", "region us-east-1");
	ok(cf->aws_profile == NULL && cf->aws_endpoint_url == NULL &&
	    cf->aws_ca_bundle == NULL && cf->aws_credentials_file == NULL &&
	    cf->aws_config_file == NULL, "aws strings unset");
	ok(cf->nevent_regions == 0 && cf->nsinks == 0, "no lists");
	config_free(cf);
	config_free(NULL);
	ok(1, "config_free(NULL)");

	cf = load("", NULL);
	ok(cf != NULL && cf->nsinks == 0, "an empty file is fine");
	config_free(cf);
}

static void
test_state_directory(void)
{
	struct config	*cf;

	setenv("STATE_DIRECTORY", "/var/lib/dw-systemd:/var/lib/other", 1);
	cf = load("[daemon]\n", NULL);
	IS_STR(cf ? cf->state_dir : NULL, "/var/lib/dw-systemd",
	    "$STATE_DIRECTORY (first of several) overrides the default");
	config_free(cf);
	cf = load("[daemon]\nstate_directory = /srv/dw\n", NULL);
	IS_STR(cf ? cf->state_dir : NULL, "/srv/dw",
	    "an explicit setting overrides $STATE_DIRECTORY");
	config_free(cf);
	setenv("STATE_DIRECTORY", "relative", 1);
	cf = config_default();
	IS_STR(cf ? cf->state_dir : NULL, "/var/lib/driftwatch",
	    "a relative $STATE_DIRECTORY is ignored");
	config_free(cf);
	unsetenv("STATE_DIRECTORY");
}

static const char full[] =
    "; a full file\n"
    "[daemon]\n"
    "state_directory = /var/lib/dw\n"
    "baseline = base/baseline.json\n"
    "poll_interval = 30\n"
    "event_poll_interval = 2h\n"
    "event_overlap = 390s  ; inline comment\n"
    "event_lookback = 1d\n"
    "blind_after = 1000\n"
    "log_level = trace\n"
    "\n"
    "[aws]\n"
    "profile = mgmt\n"
    "region = eu-west-1\n"
    "endpoint_url = https://127.0.0.1:4443\n"
    "ca_bundle = /etc/ssl/test-ca.pem\n"
    "event_regions = us-east-1 ,eu-west-1,  ap-southeast-2\n"
    "credentials_file = aws/credentials\n"
    "config_file = /etc/aws/config\n"
    "\n"
    "[sink ops-slack]\n"
    "type = slack\n"
    "url_file = slack-url\n"
    "min_severity = high\n"
    "kinds = resolve, blind\n"
    "\n"
    "[sink siem-1]\n"
    "type = webhook\n"
    "url = http://localhost:8080/hook\n"
    "secret = s3cr3t-hmac\n"
    "timeout = 1m\n"
    "\n"
    "[sink off]\n"
    "type = webhook\n"
    "url = https://example.com/x\n"
    "enabled = no\n";

static void
test_full(void)
{
	struct config	*cf;
	char		 want[PATH_MAX + 64];
	int		 rc;

	write_file(tmp("slack-url"),
	    "https://hooks.slack.com/services/T0/B0/XYZZY\n");
	cf = load(full, &rc);
	if (!ok(cf != NULL && rc == 0, "full file loads"))
		diag("err: %s", err);
	if (cf == NULL)
		return;
	IS_STR(cf->path, conf, "path kept");
	IS_STR(cf->state_dir, "/var/lib/dw", "state_directory");
	snprintf(want, sizeof want, "%s/base/baseline.json", tmpdir);
	IS_STR(cf->baseline_path, want, "relative baseline resolved");
	is_int(cf->poll_interval, 30, "bare seconds");
	is_int(cf->event_poll_interval, 7200, "hours");
	is_int(cf->event_overlap, 390, "seconds, with an inline comment");
	is_int(cf->event_lookback, 86400, "days");
	is_int(cf->blind_after, 1000, "blind_after at its maximum");
	is_int(cf->log_level, 2, "log_level trace");
	IS_STR(cf->aws_profile, "mgmt", "profile");
	IS_STR(cf->aws_region, "eu-west-1", "region");
	IS_STR(cf->aws_endpoint_url, "https://127.0.0.1:4443", "endpoint_url");
	IS_STR(cf->aws_ca_bundle, "/etc/ssl/test-ca.pem", "ca_bundle");
	snprintf(want, sizeof want, "%s/aws/credentials", tmpdir);
	IS_STR(cf->aws_credentials_file, want, "relative credentials_file");
	IS_STR(cf->aws_config_file, "/etc/aws/config", "config_file");
	is_int(cf->nevent_regions, 3, "three event regions");
	if (cf->nevent_regions == 3) {
		IS_STR(cf->event_regions[0], "us-east-1", "region list 0");
		IS_STR(cf->event_regions[1], "eu-west-1", "region list 1");
		IS_STR(cf->event_regions[2], "ap-southeast-2", "region list 2");
	}
	is_int(cf->nsinks, 2, "two sinks (the disabled one dropped)");
	if (cf->nsinks == 2) {
		IS_STR(cf->sinks[0].name, "ops-slack", "sink 0 name");
		IS_STR(cf->sinks[0].type, "slack", "sink 0 type");
		IS_STR(cf->sinks[0].url,
		    "https://hooks.slack.com/services/T0/B0/XYZZY",
		    "url_file read, trailing newline stripped");
		ok(cf->sinks[0].secret == NULL, "slack has no secret");
		is_int(cf->sinks[0].min_severity, SEV_HIGH, "min_severity");
		is_int(cf->sinks[0].timeout_ms, 10000, "default timeout");
		is_int(cf->sinks[0].kinds, SINK_KIND_RESOLVE | SINK_KIND_BLIND,
		    "kinds = resolve, blind");
		is_int(cf->sinks[0].line, 21, "sink 0 line");
		IS_STR(cf->sinks[1].name, "siem-1", "sink 1 name");
		IS_STR(cf->sinks[1].url, "http://localhost:8080/hook",
		    "http:// to localhost allowed");
		IS_STR(cf->sinks[1].secret, "s3cr3t-hmac", "secret");
		is_int(cf->sinks[1].min_severity, SEV_LOW, "default severity");
		is_int(cf->sinks[1].timeout_ms, 60000, "timeout 1m");
		is_int(cf->sinks[1].kinds, SINK_KINDS_ALL,
		    "default kinds: all");
	}
	config_free(cf);
}

static void
test_files(void)
{
	struct config	*cf;
	int		 rc;

	write_file(tmp("crlf-url"), "https://127.0.0.1/x\r\n");
	write_file(tmp("hmac"), "key-from-file\n");
	cf = load("[sink a]\ntype = webhook\nurl_file = crlf-url\n"
	    "secret_file = hmac\n", &rc);
	ok(cf != NULL && cf->nsinks == 1, "url_file + secret_file");
	if (cf != NULL && cf->nsinks == 1) {
		IS_STR(cf->sinks[0].url, "https://127.0.0.1/x", "CRLF stripped");
		IS_STR(cf->sinks[0].secret, "key-from-file", "secret_file");
	}
	config_free(cf);

	cf = load("[sink a]\ntype = webhook\nurl = http://127.8.9.10/\n"
	    "[sink b]\ntype = webhook\nurl = http://[::1]:99/\n", &rc);
	ok(cf != NULL && cf->nsinks == 2, "http:// to 127/8 and [::1]");
	config_free(cf);

	cf = load("\xEF\xBB\xBF[daemon]\nlog_level = debug\n", &rc);
	ok(cf != NULL && cf->log_level == 1, "UTF-8 BOM accepted");
	config_free(cf);
}

static void
test_relative_path(void)
{
	struct config	*cf = NULL;
	char		 cwd[PATH_MAX], want[PATH_MAX + 32];

	if (getcwd(cwd, sizeof cwd) == NULL || chdir(tmpdir) == -1) {
		ok(0, "chdir to %s", tmpdir);
		return;
	}
	write_file("rel.conf", "[daemon]\nbaseline = b.json\n");
	config_load("rel.conf", &cf, err, sizeof err);
	snprintf(want, sizeof want, "%s/b.json", tmpdir);
	IS_STR(cf ? cf->baseline_path : NULL, want,
	    "relative config path: baseline made absolute");
	config_free(cf);
	if (chdir(cwd) == -1)
		diag("chdir back: %s", strerror(errno));
}

static void
test_errors(void)
{
	bad("[daemon]\nlog_level = info\npoll_intervall = 5m\n", 3,
	    "unknown key \"poll_intervall\" in [daemon]", NULL, "unknown key");
	bad("[daemon]\n\n[demon]\n", 3, "unknown section [demon]", NULL,
	    "unknown section");
	bad("; hi\n[daemon]\npoll_interval = 5x\n", 3,
	    "poll_interval: expected a duration from 1s to 1d", NULL,
	    "bad duration");
	bad("[daemon]\npoll_interval = 0\n", 2, "poll_interval", NULL,
	    "zero duration");
	bad("[daemon]\nevent_lookback = 91d\n", 2, "from 1s to 90d", NULL,
	    "duration over its bound");
	bad("[daemon]\nevent_overlap = 99999999999999999999\n", 2,
	    "event_overlap", NULL, "huge duration");
	bad("[daemon]\nevent_overlap = 1m\n", 2, "event_overlap", NULL,
	    "an overlap shorter than CloudTrail's lag");
	bad("[sink s]\ntype = webhook\nurl = https://h.example/x\n"
	    "secret = abc ;def\n", 4, "secret_file", "abc", "an inline comment "
	    "would cut the secret short");
	bad("[sink a]\ntype = slack\nurl = https://a/\nenabled = maybe\n", 4,
	    "enabled: expected yes or no", NULL, "bad bool");
	bad("[sink a]\ntype = slack\nurl = https://a/\n"
	    "kinds = events, resolved\n", 4, "kinds: \"resolved\" is not a "
	    "kind of alert; expected events, drift, resolve, blind or "
	    "reminders", NULL, "bad kinds word");
	bad("[sink a]\ntype = slack\nurl = https://a/\nkinds = drift\n"
	    "kinds = blind\n", 5, "kinds set twice", NULL, "kinds twice");
	bad("[sink a]\ntype = slack\nmin_severity = severe\n"
	    "url = https://a/\n", 3, "min_severity: expected info, low",
	    NULL, "bad severity");
	bad("[sink a]\ntype = slack\nurl = https://a/\n\n[sink a]\n", 5,
	    "sink a is defined twice (first on line 1)", NULL,
	    "duplicate sink");
	bad("[sink a]\ntype = slack\nurl = https://hooks/T0PSECRET\n"
	    "url_file = /nonexistent\n", 4, "mutually exclusive",
	    "T0PSECRET", "url and url_file");
	bad("[aws]\n[sink a]\ntype = slack\n\n[daemon]\n", 2,
	    "sink a: missing url or url_file", NULL, "neither url nor url_file");
	bad("[sink a]\nurl = https://a/\n", 1, "sink a: missing type", NULL,
	    "no type");
	bad("[sink a]\ntype = slack\nurl = http://example.com/T0PSECRET\n", 3,
	    "url: expected an https:// URL", "T0PSECRET",
	    "http:// to a non-loopback host");
	bad("[sink a]\ntype = slack\nurl = http://127.0.0.1.evil.com/x\n", 3,
	    "url: expected an https:// URL", "evil", "127.0.0.1 as a prefix");
	bad("[sink a]\ntype = slack\nurl = not a url TOPSECRET\n", 3,
	    "url: expected", "TOPSECRET", "not a URL");
	bad("[sink a]\ntype = slack\nurl_file = /nonexistent/url\n", 3,
	    "url_file /nonexistent/url: No such file or directory", NULL,
	    "url_file missing");
	bad("[sink a]\ntype = slack\nurl = https://a/\nsecret = H0TSECRET\n", 4,
	    "secret: only webhook sinks take a secret", "H0TSECRET",
	    "secret on a slack sink");
	bad("[sink a]\ntype = webhook\nurl = https://a/\nsecret = H0TSECRET\n"
	    "secret = H0TSECRET2\n", 5, "secret set twice (first on line 4)",
	    "H0TSECRET", "repeated secret");
	bad("[sink a]\ntype = irc\n", 2, "type: expected webhook, slack, "
	    "teams or sns", NULL, "bad sink type");
	bad("[sink bad/name]\n", 1, "expected [sink NAME]", NULL,
	    "bad sink name");
	bad("[sink]\n", 1, "expected [sink NAME]", NULL, "sink without name");
	bad("[daemon]\n[aws]\n[daemon]\n", 3, "section [daemon] repeated", NULL,
	    "repeated section");
	bad("region = us-east-1\n", 1, "outside any section", NULL,
	    "key before any section");
	bad("[daemon]\nthis line has no equals sign\n", 2, "syntax error", NULL,
	    "syntax error");
	bad("[daemon]\nlog_level = info\n   poll_interval = 5m\n", 3,
	    "multi-line values are not supported", NULL, "continuation line");
	bad("[daemon]\nblind_after = 0\n", 2, "from 1 to 1000", NULL,
	    "blind_after 0");
	bad("[daemon]\nlog_level = verbose\n", 2, "expected info, debug or trace",
	    NULL, "bad log_level");
	bad("[aws]\nregion = eu-west1\n", 2, "region: expected a region name",
	    NULL, "bad region");
	bad("[aws]\nevent_regions = us-east-1, , eu-west-1\n", 2,
	    "item 2 is not a region", NULL, "empty list item");
	bad("[aws]\nevent_regions = us-east-1,us-east-1\n", 2,
	    "us-east-1 is listed twice", NULL, "duplicate list item");
	bad("[aws]\nendpoint_url = http://aws.example.com\n", 2,
	    "endpoint_url: expected an https:// URL", NULL,
	    "plain-http endpoint");
	bad("[daemon]\nbaseline =\n", 2, "baseline: expected a path", NULL,
	    "empty baseline path");
}

/* Every error in one run, in line order, one a line. */
static void
test_all_errors(void)
{
	struct config	*cf;
	char		 want[PATH_MAX * 10];
	int		 rc;

	cf = load("[daemon]\n"			/* 1 */
	    "poll_interval = soon\n"		/* 2 */
	    "nonsense\n"			/* 3 */
	    "[aws]\n"				/* 4 */
	    "region = mars-1\n"		/* 5 */
	    "[bogus]\n"				/* 6 */
	    "whatever = 1\n"			/* 7: skipped */
	    "[daemon]\n"			/* 8 */
	    "log_level = loud\n"		/* 9: skipped */
	    "[sink a.b]\n"			/* 10 */
	    "type = webhook\n"			/* 11: skipped */
	    "[sink ok]\n"			/* 12 */
	    "type = carrier-pigeon\n"		/* 13 */
	    "colour = blue\n", &rc);		/* 14 */
	ok(cf == NULL && rc == DW_EPARSE, "a file of many errors: rejected");
	snprintf(want, sizeof want,
	    "%s:2: poll_interval: expected a duration from 1s to 1d, like "
	    "\"30s\", \"5m\", \"2h\" or \"1d\"\n"
	    "%s:3: syntax error: expected \"[section]\", \"key = value\" or "
	    "a comment\n"
	    "%s:5: region: expected a region name like \"us-east-1\"\n"
	    "%s:6: unknown section [bogus]; expected [daemon], [aws] or "
	    "[sink NAME] (its keys are not read)\n"
	    "%s:8: section [daemon] repeated (first on line 1): merge the "
	    "two (its keys are not read)\n"
	    "%s:10: expected [sink NAME], NAME being 1 to 64 of A-Z a-z 0-9 "
	    "_ - (its keys are not read)\n"
	    "%s:13: type: expected webhook, slack, teams or sns\n"
	    "%s:14: unknown key \"colour\" in [sink]",
	    conf, conf, conf, conf, conf, conf, conf, conf);
	IS_STR(err, want, "every error, each on its line, in order");
	config_free(cf);

	cf = NULL;
	write_file(conf, "[daemon]\nbaseline = b.json\npoll_interval = x\n");
	rc = config_load_all(conf, &cf, err, sizeof err);
	ok(rc == DW_EPARSE && cf != NULL && cf->baseline_path != NULL &&
	    strstr(cf->baseline_path, "/b.json") != NULL,
	    "config_load_all: what could be read, for validate");
	config_free(cf);
}

/* [aws] region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's. */
static void
test_region(void)
{
	struct config	*cf;
	char		 want[PATH_MAX + 64];
	int		 rc;

	write_file(tmp("aws-config"), "[default]\nregion = ap-south-1\n"
	    "[profile ops]\nregion = ca-central-1\n");
	setenv("AWS_CONFIG_FILE", tmp("aws-config"), 1);
	setenv("AWS_REGION", "eu-north-1", 1);
	setenv("AWS_DEFAULT_REGION", "eu-west-3", 1);
	cf = load("[aws]\nregion = eu-west-1\n", NULL);
	if (cf != NULL)
		IS_STR(cf->aws_region, "eu-west-1", "[aws] region first");
	config_free(cf);
	cf = load("[daemon]\n", NULL);
	if (ok(cf != NULL, "no [aws] region")) {
		IS_STR(cf->aws_region, "eu-north-1", "then AWS_REGION");
		IS_STR(cf->aws_region_from, "AWS_REGION", "named as its source");
	}
	config_free(cf);
	unsetenv("AWS_REGION");
	cf = load("[daemon]\n", NULL);
	if (cf != NULL)
		IS_STR(cf->aws_region, "eu-west-3", "then AWS_DEFAULT_REGION");
	config_free(cf);
	unsetenv("AWS_DEFAULT_REGION");
	cf = load("[daemon]\n", NULL);
	if (cf != NULL)
		IS_STR(cf->aws_region, "ap-south-1", "then the default profile's");
	config_free(cf);
	cf = load("[aws]\nprofile = ops\n", NULL);
	if (cf != NULL) {
		IS_STR(cf->aws_region, "ca-central-1", "the named profile's");
		snprintf(want, sizeof want, "profile ops in %s",
		    tmp("aws-config"));
		IS_STR(cf->aws_region_from, want, "named as its source");
	}
	config_free(cf);
	setenv("AWS_REGION", "Mars", 1);
	cf = load("[daemon]\n", &rc);
	ok(cf == NULL && rc == DW_EPARSE && strstr(err, "AWS_REGION in the "
	    "environment: expected a region name") != NULL,
	    "a bad AWS_REGION is an error, not skipped");
	config_free(cf);
	unsetenv("AWS_REGION");
	unsetenv("AWS_CONFIG_FILE");
	unlink(tmp("aws-config"));
	cf = load("[daemon]\n", NULL);
	if (cf != NULL)
		IS_STR(cf->aws_region, "us-east-1", "else us-east-1");
	config_free(cf);
}

static void
test_secret_files(void)
{
	write_file(tmp("plain-url"), "http://example.com/T0PSECRET\n");
	bad("[sink a]\ntype = slack\nurl_file = plain-url\n", 3,
	    "plain-url: expected an https:// URL", "T0PSECRET",
	    "url_file holding a plain-http URL");
	write_file(tmp("empty"), "\n");
	bad("[sink a]\ntype = webhook\nurl = https://a/\nsecret_file = empty\n",
	    4, "file is empty", NULL, "empty secret_file");
	bad("[sink a]\ntype = webhook\nurl = https://a/\nsecret_file = /\n",
	    4, "secret_file /: Is a directory", NULL, "secret_file a directory");
}

static void
test_limits(void)
{
	struct config	*cf = NULL;
	char		*big;
	size_t		 n = 1024 * 1024 + 1;
	int		 rc;

	if ((big = malloc(n + 1)) == NULL)
		return;
	memset(big, '\n', n);
	big[n] = '\0';
	cf = load(big, &rc);
	is_int(rc, DW_ETOOBIG, "file over 1 MiB rejected");
	ok(cf == NULL && strstr(err, "larger than 1 MiB") != NULL,
	    "too big: %s", err);
	memset(big, 'x', 300);
	strcpy(big + 300, "\n");
	memcpy(big, "[daemon]\nlog_level = ", 21);
	bad(big, 2, "line longer than", NULL, "overlong line");
	free(big);

	rc = config_load(tmp("nonexistent.conf"), &cf, err, sizeof err);
	is_int(rc, DW_EIO, "missing file: DW_EIO");
	ok(cf == NULL && strstr(err, ": No such file or directory") != NULL,
	    "missing file: %s", err);
}

static void
test_example(void)
{
	char		 path[PATH_MAX];
	struct config	*cf = NULL;
	int		 rc;

	if (srcpath("etc/driftwatchd.conf", path, sizeof(path)) != 0) {
		ok(0, "etc/driftwatchd.conf not found from $srcdir");
		return;
	}
	rc = config_load(path, &cf, err, sizeof err);
	if (!ok(rc == 0 && cf != NULL, "example %s loads", path))
		diag("err: %s", err);
	ok(cf != NULL && cf->nsinks == 0 && cf->poll_interval == 300,
	    "example holds the defaults");
	config_free(cf);
}

int
main(void)
{
	const char	*t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/test_config.XXXXXX",
	    t != NULL ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(conf, sizeof conf, "%s/driftwatchd.conf", tmpdir);
	/* the region comes from these when the file has none */
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_CONFIG_FILE");
	setenv("HOME", tmpdir, 1);
	test_defaults();
	test_state_directory();
	test_full();
	test_files();
	test_relative_path();
	test_errors();
	test_all_errors();
	test_region();
	test_secret_files();
	test_limits();
	test_example();
	unlink(tmp("slack-url"));
	unlink(tmp("crlf-url"));
	unlink(tmp("hmac"));
	unlink(tmp("plain-url"));
	unlink(tmp("empty"));
	unlink(tmp("rel.conf"));
	unlink(conf);
	rmdir(tmpdir);
	return done_testing();
}
