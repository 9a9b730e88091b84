/*
 * Running one pass of the state checks.  Each family reports begin,
 * observations and end per check id; the pass keeps a small table of
 * check results and calls back from a zero timer when the last ends,
 * so no family ever runs after the pass's owner has freed it.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/credreport.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/xmalloc.h"

/* Every check family: its baseline section and its checks. */
static const struct check_family *const check_families[] = {
	&check_family_account,
	&check_family_root,
	&check_family_iam,
	&check_family_cloudtrail,
	&check_family_contacts,
	&check_family_tax,
	&check_family_config,
};
#define NFAMILIES (sizeof(check_families) / sizeof(check_families[0]))

size_t
check_family_count(void)
{
	return NFAMILIES;
}

const struct check_family *
check_family_at(size_t i)
{
	return i < NFAMILIES ? check_families[i] : NULL;
}

struct check_result {
	char			*id;
	enum check_status	 status;
	char			*error;
};

struct check_pass {
	struct event_base	*base;
	struct aws_client	*aws;
	const struct baseline	*bl;
	struct findings		*findings;
	const char		*region;
	findings_alert_cb	 alert_cb;
	void			*alert_arg;
	check_done_cb		 done;
	void			*arg;
	struct event		*done_timer;
	struct credreport	*credreport;	/* borrowed, or own_credreport */
	struct credreport	*own_credreport;
	struct check_run	*runs[NFAMILIES];
	struct check_result	*results;
	size_t			 nresults;
	size_t			 pending;
	int			 started;
	int			 held;		/* findings_batch() */
};

static void	check_pass_done_cb(evutil_socket_t, short, void *);

struct check_pass *
check_pass_new(struct event_base *base, struct aws_client *aws,
    const struct baseline *bl, struct findings *f, const char *region,
    findings_alert_cb alert_cb, void *alert_arg, check_done_cb done,
    void *arg)
{
	struct check_pass	*p;

	p = xcalloc(1, sizeof(*p));
	p->base = base;
	p->aws = aws;
	p->bl = bl;
	p->findings = f;
	p->region = region;
	p->alert_cb = alert_cb;
	p->alert_arg = alert_arg;
	p->done = done;
	p->arg = arg;
	p->done_timer = xnonnull(evtimer_new(base, check_pass_done_cb, p),
	    "evtimer_new");
	return p;
}

void
check_pass_free(struct check_pass *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < NFAMILIES; i++)
		if (p->runs[i] != NULL)
			p->runs[i]->free(p->runs[i]);
	for (i = 0; i < p->nresults; i++) {
		free(p->results[i].id);
		free(p->results[i].error);
	}
	free(p->results);
	credreport_free(p->own_credreport);
	if (p->held)
		findings_batch(p->findings, 0);
	event_free(p->done_timer);
	free(p);
}

static void
check_pass_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct check_pass	*p = arg;

	/* every check has ended: one alert per cause of blindness */
	p->held = 0;
	findings_batch(p->findings, 0);
	findings_flush(p->findings, time(NULL), p->alert_cb, p->alert_arg);
	p->done(p, p->arg);
}

static void
check_pass_maybe_done(struct check_pass *p)
{
	struct timeval	now = { 0, 0 };

	if (p->started && p->pending == 0)
		evtimer_add(p->done_timer, &now);
}

int
check_pass_start(struct check_pass *p)
{
	const void	*section;
	size_t		 i;

	findings_batch(p->findings, 1);
	p->held = 1;
	/* a family the baseline leaves out is not checked */
	for (i = 0; i < NFAMILIES; i++)
		if ((section = baseline_section(p->bl,
		    check_families[i])) != NULL)
			p->runs[i] = check_families[i]->start(p, section);
	p->started = 1;
	check_pass_maybe_done(p);
	return 0;
}

struct aws_client *
check_pass_aws(struct check_pass *p)
{
	return p->aws;
}

const struct baseline *
check_pass_baseline(struct check_pass *p)
{
	return p->bl;
}

const char *
check_pass_region(struct check_pass *p)
{
	return p->region;
}

struct credreport *
check_pass_credreport(struct check_pass *p)
{
	if (p->credreport == NULL)
		p->credreport = p->own_credreport = credreport_new(p->base);
	return p->credreport;
}

void
check_pass_set_credreport(struct check_pass *p, struct credreport *cr)
{
	p->credreport = cr;
}

static struct check_result *
check_result(struct check_pass *p, const char *check)
{
	size_t	i;

	for (i = 0; i < p->nresults; i++)
		if (strcmp(p->results[i].id, check) == 0)
			return &p->results[i];
	p->results = xreallocarray(p->results, p->nresults + 1,
	    sizeof(*p->results));
	p->results[p->nresults].id = xstrdup(check);
	p->results[p->nresults].status = CHECK_PENDING;
	p->results[p->nresults].error = NULL;
	return &p->results[p->nresults++];
}

void
check_begin(struct check_pass *p, const char *check)
{
	(void)check_result(p, check);
	findings_begin(p->findings, check);
	p->pending++;
}

void
check_observe(struct check_pass *p, const struct finding_obs *obs)
{
	struct check_result	*r;

	if (obs->state == FINDING_DRIFT) {
		r = check_result(p, obs->check);
		r->status = CHECK_DRIFT;
	}
	findings_observe(p->findings, obs, time(NULL), p->alert_cb,
	    p->alert_arg);
}

void
check_end(struct check_pass *p, const char *check, int complete,
    const char *error)
{
	struct check_result	*r = check_result(p, check);

	if (!complete) {
		r->status = CHECK_UNKNOWN;
		free(r->error);
		r->error = error != NULL ? xstrdup(error) : NULL;
		log_warnx("check %s: could not check: %s", check,
		    error ? error : "unknown error");
	} else if (r->status == CHECK_PENDING)
		r->status = CHECK_OK;
	findings_end(p->findings, check, complete, error, time(NULL),
	    p->alert_cb, p->alert_arg);
	if (p->pending > 0)
		p->pending--;
	check_pass_maybe_done(p);
}

size_t
check_pass_count(const struct check_pass *p)
{
	return p->nresults;
}

const char *
check_pass_id(const struct check_pass *p, size_t i, enum check_status *st,
    const char **error)
{
	if (i >= p->nresults)
		return NULL;
	*st = p->results[i].status;
	if (error != NULL)
		*error = p->results[i].error;
	return p->results[i].id;
}

size_t
check_pass_count_status(const struct check_pass *p, enum check_status st)
{
	size_t	i, n = 0;

	for (i = 0; i < p->nresults; i++)
		n += p->results[i].status == st;
	return n;
}

const char *
check_status_name(enum check_status st)
{
	switch (st) {
	case CHECK_PENDING:	return "pending";
	case CHECK_OK:		return "ok";
	case CHECK_DRIFT:	return "drift";
	case CHECK_UNKNOWN:	return "unknown";
	}
	return "?";
}

/* Several runs ended as one. */

struct check_run_group {
	struct check_run	  run;
	struct check_run	**runs;
	size_t			  n;
};

static void
check_run_group_free(struct check_run *run)
{
	struct check_run_group	*g = (struct check_run_group *)run;
	size_t			 i;

	for (i = 0; i < g->n; i++)
		g->runs[i]->free(g->runs[i]);
	free(g->runs);
	free(g);
}

struct check_run *
check_run_group(struct check_run *const *runs, size_t n)
{
	struct check_run_group	*g;
	size_t			 i;

	g = xcalloc(1, sizeof(*g));
	g->run.free = check_run_group_free;
	g->runs = xcalloc(n + 1, sizeof(*g->runs));
	for (i = 0; i < n; i++)
		if (runs[i] != NULL)
			g->runs[g->n++] = runs[i];
	if (g->n == 0) {
		free(g->runs);
		free(g);
		return NULL;
	}
	return &g->run;
}
