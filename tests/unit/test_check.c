/*
 * The check pass: it starts every family the baseline configures (a
 * family that is not configured, whose start gives NULL, hides none of
 * the others), ends once, and never silently drops a family for want
 * of memory: an allocation failing while a pass starts aborts the
 * process (xmalloc.h) instead of skipping the family's checks.
 *
 * The AWS client has no credentials, so every call fails at once
 * without touching the network and every check started ends unknown.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "driftwatch/aws.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/findings.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "tap.h"

#define TRAIL	"{\"name\": \"org-trail\", \"home_region\": \"eu-west-1\"}"
#define CONTACT	"{\"name\": \"N\", \"title\": \"T\", \"email\": \"a@example.com\"," \
		" \"phone\": \"1\"}"

static const char full[] =
    "{\"version\": 1,"
    " \"account\": {\"id\": \"111122223333\","
    " \"email_pattern\": \"@example\\\\.com$\"},"
    " \"root\": {\"mfa\": true, \"access_keys\": false},"
    " \"iam\": {\"user_mfa\": true, \"alias\": \"example-mgmt\","
    " \"password_policy\": {}, \"users\": [\"a\"], \"administrators\": [\"a\"]},"
    " \"cloudtrail\": {\"trails\": [" TRAIL "]},"
    " \"contacts\": {\"billing\": " CONTACT ", \"security\": " CONTACT "},"
    " \"config\": {\"regions\": [\"us-east-1\", \"eu-west-1\"],"
    " \"recorder\": true, \"rules\": [\"IAM_PASSWORD_POLICY\"],"
    " \"compliance\": true},"
    " \"tax\": {\"inheritance\": true, \"registrations\": []}}";

/* Every check id the full baseline configures, in no particular order. */
static const char *const full_ids[] = {
	"account.identity", "root.mfa", "root.access_keys", "iam.user_mfa",
	"cloudtrail.trail", "cloudtrail.logging", "contacts.billing",
	"contacts.security", "config.recorder", "config.rules",
	"config.compliance", "account.email", "tax.inheritance",
	"tax.registrations", "iam.alias", "iam.password_policy", "iam.users",
	NULL
};

/* Armed by the child of test_oom: every malloc/calloc/strdup in our own
 * code fails (ld --wrap; libevent's and libc's own are untouched). */
static int	alloc_fail;

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
char	*__real_strdup(const char *);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
char	*__wrap_strdup(const char *);

void *
__wrap_malloc(size_t n)
{
	return alloc_fail ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return alloc_fail ? NULL : __real_calloc(n, size);
}

char *
__wrap_strdup(const char *s)
{
	return alloc_fail ? NULL : __real_strdup(s);
}

struct env {
	struct event_base	*base;
	struct http_client	*http;
	struct aws_client	*aws;
	struct findings		*findings;
	struct baseline		*bl;
	struct check_pass	*pass;
	int			 done;
};

static void
env_done(struct check_pass *p, void *arg)
{
	struct env	*e = arg;

	e->done++;
	event_base_loopexit(e->base, NULL);
}

static int
env_new(struct env *e, const char *json)
{
	struct aws_client_options	o;
	char				err[512];

	memset(e, 0, sizeof(*e));
	memset(&o, 0, sizeof(o));
	o.max_attempts = 1;
	if (baseline_parse("b.json", json, strlen(json), &e->bl, err,
	    sizeof err) != 0) {
		diag("baseline: %s", err);
		return -1;
	}
	if ((e->base = event_base_new()) == NULL ||
	    (e->http = http_client_new(e->base)) == NULL ||
	    (e->aws = aws_client_new(e->base, e->http, &o)) == NULL ||
	    (e->findings = findings_new("/nonexistent", NULL, 1)) == NULL ||
	    (e->pass = check_pass_new(e->base, e->aws, e->bl, e->findings,
	    "us-east-1", NULL, NULL, env_done, e)) == NULL)
		return -1;
	return 0;
}

static void
env_free(struct env *e)
{
	check_pass_free(e->pass);
	findings_free(e->findings);
	aws_client_free(e->aws);
	http_client_free(e->http);
	if (e->base != NULL)
		event_base_free(e->base);
	baseline_free(e->bl);
}

static void
env_run(struct env *e)
{
	struct timeval	limit = { 10, 0 };

	check_pass_start(e->pass);
	event_base_loopexit(e->base, &limit);
	event_base_dispatch(e->base);
}

/* 1 if the pass holds exactly the ids in want, each ended unknown. */
static int
pass_has(struct check_pass *p, const char *const *want, const char *what)
{
	enum check_status	 st;
	const char		*id, *why;
	size_t			 i, n = 0, good = 1;

	for (n = 0; want[n] != NULL; n++) {
		for (i = 0; (id = check_pass_id(p, i, &st, &why)) != NULL; i++)
			if (strcmp(id, want[n]) == 0)
				break;
		if (id == NULL) {
			diag("%s: %s did not run", what, want[n]);
			good = 0;
		} else if (st != CHECK_UNKNOWN) {
			diag("%s: %s is %s", what, id, check_status_name(st));
			good = 0;
		}
	}
	if (check_pass_count(p) != n) {
		diag("%s: %zu checks ran, want %zu", what, check_pass_count(p),
		    n);
		good = 0;
	}
	return good;
}

static void
test_runs(const char *json, const char *const *want, const char *what)
{
	struct env	e;

	if (!ok(env_new(&e, json) == 0, "%s: set up", what)) {
		env_free(&e);
		return;
	}
	env_run(&e);
	is_int(e.done, 1, "%s: the pass ends once", what);
	ok(pass_has(e.pass, want, what), "%s: every configured check ran",
	    what);
	env_free(&e);
}

static void
test_configured(void)
{
	static const char *const none[] = { NULL };
	static const char *const trail[] = {
		"cloudtrail.trail", "cloudtrail.logging", NULL
	};
	static const char *const mixed[] = {
		"root.mfa", "cloudtrail.trail", "cloudtrail.logging",
		"contacts.operations", NULL
	};

	test_runs(full, full_ids, "full baseline");
	test_runs("{\"version\": 1}", none, "empty baseline");
	test_runs("{\"version\": 1, \"account\": {}, \"root\": {},"
	    " \"iam\": {\"user_mfa\": false}, \"cloudtrail\": {\"trails\": ["
	    TRAIL "]}, \"contacts\": {}}", trail,
	    "one family configured, the others asking for nothing");
	test_runs("{\"version\": 1, \"root\": {\"mfa\": true}, \"iam\": {},"
	    " \"cloudtrail\": {\"trails\": [" TRAIL "]}, \"contacts\": "
	    "{\"operations\": " CONTACT "}}", mixed,
	    "families left out in between");
}

/* In a child: start a full pass with every allocation failing. */
static void __attribute__((noreturn))
oom_child(void)
{
	struct env	e;

	log_init(LOG_BACKEND_STDERR, 0);
	if (env_new(&e, full) != 0)
		_exit(3);
	alloc_fail = 1;
	env_run(&e);
	alloc_fail = 0;
	/* reached only if starting the pass survived: it must have hidden
	 * no family */
	_exit(pass_has(e.pass, full_ids, "out of memory") ? 0 : 1);
}

static void
test_oom(void)
{
	char	 buf[4096];
	size_t	 len = 0;
	ssize_t	 n;
	int	 fds[2], status = 0;
	pid_t	 pid;

	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		ok(0, "cannot fork");
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		oom_child();
	}
	close(fds[1]);
	while (len < sizeof buf - 1 &&
	    (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!ok((WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) ||
	    (WIFEXITED(status) && WEXITSTATUS(status) == 0),
	    "out of memory while starting a pass: abort, or every check "
	    "still runs"))
		diag("child status %#x; stderr: %s", status, buf);
	if (WIFSIGNALED(status))
		ok(strstr(buf, "out of memory") != NULL, "the abort says why");
}

int
main(void)
{
	test_configured();
	test_oom();
	return done_testing();
}
