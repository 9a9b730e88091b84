/*
 * The shared credential report: a cache of the last report read and one
 * fetch at a time, driven by the loop.  A fetch is a small state
 * machine: GetCredentialReport; when AWS has no report, an expired one
 * or one four hours old, GenerateCredentialReport once; while AWS builds
 * it (STARTED, INPROGRESS, ReportInProgress), a timer, then Get again.
 * Every check waiting when it ends gets the same answer.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libxml/tree.h>

#include "driftwatch/aws.h"
#include "driftwatch/credreport.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/xmalloc.h"

#define CREDREPORT_REGION	"us-east-1"	/* IAM is global */
#define CREDREPORT_DELAY	1.0		/* first poll, seconds */
#define CREDREPORT_POLLS	40		/* about five minutes */

enum credreport_state {
	CREDREPORT_IDLE,
	CREDREPORT_GET,		/* GetCredentialReport in flight */
	CREDREPORT_GENERATE,	/* GenerateCredentialReport in flight */
	CREDREPORT_SLEEP,	/* AWS is building it; the timer polls */
};

TAILQ_HEAD(credreport_waits, credreport_wait);

struct credreport_wait {
	TAILQ_ENTRY(credreport_wait)	 entry;
	struct credreport_waits		*q;	/* the list it is on */
	struct credreport		*cr;
	credreport_cb			 cb;
	void				*arg;
};

struct credreport {
	struct event_base	*base;
	struct event		*timer;	/* next poll, or the cache */
	enum credreport_state	 state;
	struct aws_client	*aws;	/* the fetch's; borrowed */
	struct aws_call		*call;
	struct credreport_data	*data;	/* the last report read */
	struct credreport_waits	 waits;
	int			 generated;	/* this fetch generated */
	int			 polls;
	int			 max_polls;
	double			 delay;
};

static const char *const credreport_state_names[] = {
	"idle", "reading", "generating", "waiting for AWS",
};

static void	credreport_timer_cb(evutil_socket_t, short, void *);
static void	credreport_do_get(struct credreport *);

struct credreport *
credreport_new(struct event_base *base)
{
	struct credreport	*cr;

	cr = xcalloc(1, sizeof(*cr));
	cr->base = base;
	cr->timer = xnonnull(evtimer_new(base, credreport_timer_cb, cr),
	    "evtimer_new");
	TAILQ_INIT(&cr->waits);
	cr->delay = CREDREPORT_DELAY;
	cr->max_polls = CREDREPORT_POLLS;
	return cr;
}

static void
credreport_set_state(struct credreport *cr, enum credreport_state st)
{
	if (cr->state != st)
		log_debug("credential report: %s -> %s",
		    credreport_state_names[cr->state],
		    credreport_state_names[st]);
	cr->state = st;
}

/* Stops the fetch under way, if any. */
static void
credreport_stop(struct credreport *cr)
{
	aws_call_cancel(cr->call);
	cr->call = NULL;
	evtimer_del(cr->timer);
	cr->aws = NULL;
	credreport_set_state(cr, CREDREPORT_IDLE);
}

void
credreport_free(struct credreport *cr)
{
	struct credreport_wait	*w;

	if (cr == NULL)
		return;
	credreport_stop(cr);
	while ((w = TAILQ_FIRST(&cr->waits)) != NULL) {
		TAILQ_REMOVE(&cr->waits, w, entry);
		free(w);
	}
	credreport_data_free(cr->data);
	event_free(cr->timer);
	free(cr);
}

void
credreport_set_polls(struct credreport *cr, double delay, int max_polls)
{
	cr->delay = delay;
	cr->max_polls = max_polls;
}

/* Hands data (or error) to every check waiting now, one at a time: a
 * callback may cancel the others. */
static void
credreport_deliver(struct credreport *cr, const char *error)
{
	struct credreport_waits	 q;
	struct credreport_wait	*w;

	TAILQ_INIT(&q);
	while ((w = TAILQ_FIRST(&cr->waits)) != NULL) {
		TAILQ_REMOVE(&cr->waits, w, entry);
		TAILQ_INSERT_TAIL(&q, w, entry);
		w->q = &q;
	}
	while ((w = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, w, entry);
		w->q = NULL;		/* being answered: cancel is a no-op */
		w->cb(error == NULL ? cr->data : NULL, error, w->arg);
		free(w);
	}
}

static void
credreport_finish(struct credreport *cr, const char *error)
{
	char	*copy = error != NULL ? xstrdup(error) : NULL;

	credreport_stop(cr);
	if (copy != NULL)
		log_warnx("credential report: %s", copy);
	credreport_deliver(cr, copy);
	free(copy);
}

static void
credreport_fail_call(struct credreport *cr, const char *op,
    const struct aws_result *res)
{
	char	msg[640];

	snprintf(msg, sizeof(msg), "%s: %s", op, aws_result_describe(res));
	credreport_finish(cr, msg);
}

/* AWS is still building the report: poll again after a while. */
static void
credreport_sleep(struct credreport *cr)
{
	struct timeval	tv;
	double		d;
	char		msg[128];

	if (++cr->polls > cr->max_polls) {
		snprintf(msg, sizeof(msg), "still being generated after %d "
		    "polls (ReportInProgress)", cr->max_polls);
		credreport_finish(cr, msg);
		return;
	}
	/* 1, 2, 4, 8, 8 ... times the delay */
	d = cr->delay * (double)(1 << (cr->polls < 4 ? cr->polls - 1 : 3));
	tv.tv_sec = (time_t)d;
	tv.tv_usec = (suseconds_t)((d - (double)tv.tv_sec) * 1e6);
	credreport_set_state(cr, CREDREPORT_SLEEP);
	evtimer_add(cr->timer, &tv);
}

static void
credreport_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct credreport	*cr = arg;

	if (cr->state == CREDREPORT_SLEEP)
		credreport_do_get(cr);
	else if (cr->state == CREDREPORT_IDLE)
		credreport_deliver(cr, NULL);	/* the cached report */
}

static xmlNode *
credreport_result(const struct aws_result *res, const char *op)
{
	char	path[64];

	snprintf(path, sizeof(path), "%sResult", op);
	return aws_xml_find(xmlDocGetRootElement(res->xml), path);
}

static void
credreport_generate_cb(const struct aws_result *res, void *arg)
{
	struct credreport	*cr = arg;
	xmlNode			*r;
	char			*state = NULL;

	cr->call = NULL;
	if (res->result != 0) {
		credreport_fail_call(cr, "GenerateCredentialReport", res);
		return;
	}
	if ((r = credreport_result(res, "GenerateCredentialReport")) != NULL)
		state = aws_xml_text(r, "State");
	if (state != NULL && strcmp(state, "COMPLETE") == 0)
		credreport_do_get(cr);
	else if (state != NULL && (strcmp(state, "STARTED") == 0 ||
	    strcmp(state, "INPROGRESS") == 0))
		credreport_sleep(cr);
	else
		credreport_finish(cr, "GenerateCredentialReport: no State "
		    "STARTED, INPROGRESS or COMPLETE in the answer");
	xmlFree(state);
}

static void
credreport_do_generate(struct credreport *cr)
{
	log_info("credential report: asking IAM to generate one");
	cr->generated = 1;
	credreport_set_state(cr, CREDREPORT_GENERATE);
	cr->call = aws_query(cr->aws, &aws_service_iam, CREDREPORT_REGION,
	    "GenerateCredentialReport", NULL, 0, credreport_generate_cb, cr);
	if (cr->call == NULL)
		credreport_finish(cr, "cannot start GenerateCredentialReport");
}

/* The answer's report, parsed; err set when it cannot be. */
static struct credreport_data *
credreport_read(const struct aws_result *res, char *err, size_t errlen)
{
	struct credreport_data	*d = NULL;
	xmlNode			*r;
	char			*content = NULL, *when = NULL, *fmt = NULL;
	time_t			 t;

	if ((r = credreport_result(res, "GetCredentialReport")) == NULL) {
		snprintf(err, errlen, "no GetCredentialReportResult");
		return NULL;
	}
	content = aws_xml_text(r, "Content");
	when = aws_xml_text(r, "GeneratedTime");
	fmt = aws_xml_text(r, "ReportFormat");
	if (fmt != NULL && strcmp(fmt, "text/csv") != 0)
		snprintf(err, errlen, "ReportFormat %.40s, not text/csv", fmt);
	else if (when == NULL || credreport_parse_time(when, &t) != 0)
		snprintf(err, errlen, "GeneratedTime is not an ISO 8601 time");
	else if (content == NULL)
		snprintf(err, errlen, "credential report: no Content");
	else
		(void)credreport_parse(content, strlen(content), t, &d, err,
		    errlen);
	xmlFree(content);
	xmlFree(when);
	xmlFree(fmt);
	return d;
}

static void
credreport_got(struct credreport *cr, const struct aws_result *res)
{
	struct credreport_data	*d;
	char			 err[512], msg[600];

	if ((d = credreport_read(res, err, sizeof(err))) == NULL) {
		snprintf(msg, sizeof(msg), "GetCredentialReport: %s", err);
		credreport_finish(cr, msg);
		return;
	}
	if (!cr->generated && aws_client_now(cr->aws) -
	    credreport_generated(d) >= CREDREPORT_MAX_AGE) {
		credreport_data_free(d);	/* four hours old: a new one */
		credreport_do_generate(cr);
		return;
	}
	credreport_data_free(cr->data);
	cr->data = d;
	log_info("credential report: read, %zu row(s)", credreport_nrows(d));
	credreport_finish(cr, NULL);
}

static void
credreport_get_cb(const struct aws_result *res, void *arg)
{
	struct credreport	*cr = arg;
	const char		*code = res->code != NULL ? res->code : "";

	cr->call = NULL;
	if (res->result == 0)
		credreport_got(cr, res);
	else if ((strcmp(code, "ReportNotPresent") == 0 ||
	    strcmp(code, "ReportExpired") == 0) && !cr->generated)
		credreport_do_generate(cr);
	else if (strcmp(code, "ReportInProgress") == 0)
		credreport_sleep(cr);
	else
		credreport_fail_call(cr, "GetCredentialReport", res);
}

static void
credreport_do_get(struct credreport *cr)
{
	credreport_set_state(cr, CREDREPORT_GET);
	cr->call = aws_query(cr->aws, &aws_service_iam, CREDREPORT_REGION,
	    "GetCredentialReport", NULL, 0, credreport_get_cb, cr);
	if (cr->call == NULL)
		credreport_finish(cr, "cannot start GetCredentialReport");
}

static int
credreport_fresh(const struct credreport *cr, struct aws_client *aws)
{
	return cr->data != NULL && aws_client_now(aws) -
	    credreport_generated(cr->data) < CREDREPORT_MAX_AGE;
}

struct credreport_wait *
credreport_get(struct credreport *cr, struct aws_client *aws,
    credreport_cb cb, void *arg)
{
	struct credreport_wait	*w;
	struct timeval		 now = { 0, 0 };

	w = xcalloc(1, sizeof(*w));
	w->cr = cr;
	w->cb = cb;
	w->arg = arg;
	w->q = &cr->waits;
	TAILQ_INSERT_TAIL(&cr->waits, w, entry);
	if (cr->state != CREDREPORT_IDLE)
		return w;			/* joins the fetch */
	if (credreport_fresh(cr, aws)) {
		evtimer_add(cr->timer, &now);	/* the cached one */
		return w;
	}
	/* the first Get from the loop: no callback from within this call */
	cr->aws = aws;
	cr->generated = 0;
	cr->polls = 0;
	credreport_set_state(cr, CREDREPORT_SLEEP);
	evtimer_add(cr->timer, &now);
	return w;
}

void
credreport_cancel(struct credreport_wait *w)
{
	struct credreport	*cr;

	if (w == NULL || w->q == NULL)
		return;
	cr = w->cr;
	TAILQ_REMOVE(w->q, w, entry);
	free(w);
	if (TAILQ_EMPTY(&cr->waits))
		credreport_stop(cr);
}
