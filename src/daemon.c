/*
 * driftwatchd run: one libevent loop owns everything.  Timers start the
 * state-check passes and the event poller; signals reload and stop; the
 * watchdog is pinged from the loop itself, so a wedged loop is noticed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <event2/event.h>

#include "driftwatch/alert.h"
#include "driftwatch/atomicfile.h"
#include "driftwatch/aws.h"
#include "driftwatch/aws_creds.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/config.h"
#include "driftwatch/credreport.h"
#include "driftwatch/creds_provider.h"
#include "driftwatch/daemon.h"
#include "driftwatch/error.h"
#include "driftwatch/evstate.h"
#include "driftwatch/findings.h"
#include "driftwatch/heartbeat.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/metrics.h"
#include "driftwatch/msgid.h"
#include "driftwatch/mutes.h"
#include "driftwatch/notify.h"
#include "driftwatch/outbox.h"
#include "driftwatch/passrec.h"
#include "driftwatch/poller.h"
#include "driftwatch/sink.h"

/* The name the credential source is watched under. */
#define DAEMON_CREDS_CHECK	"credentials"

struct daemon {
	struct event_base	*base;
	char			*config_path;
	struct config		*cfg;
	struct baseline		*bl;
	struct http_client	*http;
	struct aws_client	*aws;
	struct findings		*findings;
	struct mutes		*mutes;		/* baseline's and file's */
	struct evstate		*ev;
	struct outbox		*outbox;
	struct poller		*poller;
	struct check_pass	*pass;
	struct event		*pass_timer;
	struct credreport	*credreport;	/* shared by every pass */
	struct event		*watchdog;
	struct event		*sighup;
	struct event		*sigterm;
	struct event		*sigint;
	struct event		*drain;		/* at stop: sends finishing */
	int			 drain_ticks;
	time_t			 last_pass;
	size_t			 alerts;
	struct passrec		 passes;	/* <state_dir>/passes.json */
	time_t			 pass_started;
	struct timespec		 pass_mono;
	struct heartbeat	*heartbeat;
	int			 passed;	/* a pass ended in this run */
};

/* How long after the last complete pass the heartbeat still goes:
 * a pass that hangs must silence it too. */
#define DAEMON_PASS_STALE(cfg)	(2 * (time_t)(cfg)->poll_interval + 600)

static void
daemon_baseline_warnings(const struct baseline *bl)
{
	size_t	i;

	for (i = 0; i < bl->nwarnings; i++)
		log_warnx("%s", bl->warnings[i]);
}

/* Both files' errors, the config's first: a bad config still names its
 * baseline (config_load_all), so one start shows them all. */
int
daemon_load_files(const char *path, struct config **cfg,
    struct baseline **bl, char *err, size_t errlen)
{
	size_t	n = 0;
	int	rc;

	*cfg = NULL;
	*bl = NULL;
	rc = config_load_all(path, cfg, err, errlen);
	if (*cfg == NULL)
		return EXIT_CONFIG;
	if (rc != 0 && (n = strlen(err) + 1) >= errlen)
		n = 0;		/* no room: the config's errors alone */
	if ((n > 0 || rc == 0) && baseline_load((*cfg)->baseline_path, bl,
	    err + n, errlen - n) != 0 && n > 0)
		err[n - 1] = '\n';
	if (rc == 0 && *bl != NULL)
		daemon_baseline_warnings(*bl);
	if (rc != 0 || *bl == NULL) {
		baseline_free(*bl);
		*bl = NULL;
		config_free(*cfg);
		*cfg = NULL;
		return EXIT_CONFIG;
	}
	return 0;
}

static int
daemon_region_add(char ***v, size_t *n, const char *r)
{
	char	**nv;
	size_t	  i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], r) == 0)
			return 0;
	if ((nv = reallocarray(*v, *n + 2, sizeof(char *))) == NULL)
		return DW_ENOMEM;
	*v = nv;
	if ((nv[*n] = strdup(r)) == NULL)
		return DW_ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

int
daemon_event_regions(const struct config *cfg, const struct baseline *bl,
    char ***out, size_t *n)
{
	size_t	i;
	int	r = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; r == 0 && i < cfg->nevent_regions; i++)
		r = daemon_region_add(out, n, cfg->event_regions[i]);
	if (cfg->nevent_regions == 0) {
		/* IAM, Organizations and sign-in events land only here */
		r = daemon_region_add(out, n, "us-east-1");
		for (i = 0; r == 0 && i < check_cloudtrail_ntrails(bl); i++)
			r = daemon_region_add(out, n,
			    check_cloudtrail_home_region(bl, i));
	}
	return r;
}

static void
daemon_regions_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct aws_client *
daemon_aws_new(struct event_base *base, struct http_client *http,
    const struct config *cfg, char *err, size_t errlen)
{
	struct aws_client_options	 o;
	struct creds_chain_options	 co;
	struct creds_provider		*creds = NULL;
	struct aws_client		*aws;
	char				 why[768];

	if (aws_endpoint_check_env(why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	memset(&co, 0, sizeof(co));
	co.files.profile = cfg->aws_profile;
	co.files.credentials_file = cfg->aws_credentials_file;
	co.files.config_file = cfg->aws_config_file;
	co.region = cfg->aws_region;
	co.endpoint_url = cfg->aws_endpoint_url;
	co.ca_bundle = cfg->aws_ca_bundle;
	if (creds_chain_new(base, http, &co, &creds, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "AWS credentials: %s", why);
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	o.endpoint_url = cfg->aws_endpoint_url;
	o.ca_bundle = cfg->aws_ca_bundle;
	if ((aws = aws_client_new(base, http, &o)) == NULL) {
		creds_provider_free(creds);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	log_info("using AWS credentials from %s", creds_provider_name(creds));
	aws_client_set_provider(aws, creds);
	return aws;
}

struct daemon_creds_wait {
	int	done;
	int	error;
	char	message[768];
};

static void
daemon_creds_cb(const struct aws_creds *c, int error, const char *message,
    void *arg)
{
	struct daemon_creds_wait	*w = arg;

	w->done = 1;
	w->error = c != NULL ? 0 : error;
	snprintf(w->message, sizeof(w->message), "%s", message ? message : "");
}

/*
 * For the one-shot modes, whose loop has nothing else to do yet: runs
 * it until the first credentials are there (an AssumeRole, say).
 */
int
daemon_aws_wait_creds(struct event_base *base, struct aws_client *aws,
    char *err, size_t errlen)
{
	struct daemon_creds_wait	 w;
	struct creds_get		*g;

	memset(&w, 0, sizeof(w));
	if ((g = creds_provider_get(aws_client_provider(aws), daemon_creds_cb,
	    &w)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return DW_ENOMEM;
	}
	while (!w.done && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	if (!w.done) {
		creds_get_cancel(g);
		snprintf(err, errlen, "AWS credentials: the loop stopped");
		return DW_ECREDS;
	}
	if (w.error != 0)
		snprintf(err, errlen, "AWS credentials: %s", w.message);
	return w.error;
}

static void	daemon_alert(struct alert *, void *);

/*
 * The credential source is watched like a check: a fetch that fails
 * (AssumeRole denied, say) counts as an unknown pass of "credentials",
 * which goes blind after blind_after of them, and sighted again after
 * the next fetch that works.
 */
static void
daemon_creds_watch(const struct creds_provider *p, int error,
    const char *message, void *arg)
{
	struct daemon	*d = arg;

	findings_begin(d->findings, DAEMON_CREDS_CHECK);
	findings_end(d->findings, DAEMON_CREDS_CHECK, error == 0, message,
	    time(NULL), daemon_alert, d);
	findings_flush(d->findings, time(NULL), daemon_alert, d);
}

static void
daemon_watch_creds(struct daemon *d)
{
	creds_provider_set_watch(aws_client_provider(d->aws),
	    daemon_creds_watch, d);
}

/*
 * Every alert: logged, then handed to the outbox, which tells its maker
 * (through the alert's durable callback) once it is on disk.
 */
static void
daemon_alert(struct alert *a, void *arg)
{
	struct daemon	*d = arg;

	d->alerts++;
	alert_log(a);	/* its one journal entry */
	if (outbox_post(d->outbox, a, a->durable_cb, a->durable_arg) == 0)
		a->durable_cb = NULL;	/* the outbox calls it now */
	else
		log_warnx("alert %s could not be queued", a->id);
	alert_free(a);
}

/* A finding's new state is saved only once its alerts are durable. */
static void
daemon_findings_durable(int result, void *arg)
{
	struct daemon	*d = arg;

	if (result == DW_ECANCELED)
		return;
	if (result != 0) {
		log_warnx("findings not saved: an alert is not on disk yet; "
		    "the next pass tries again");
		return;
	}
	if (findings_save(d->findings) != 0)
		log_warn("cannot save findings");
}

static void
daemon_status(struct daemon *d)
{
	char		when[32] = "never";
	struct tm	tm;

	if (d->last_pass != 0) {
		gmtime_r(&d->last_pass, &tm);
		strftime(when, sizeof(when), "%H:%M:%SZ", &tm);
	}
	notify_status("%zu open finding(s), %zu blind; last check %s; events "
	    "%zu/%zu regions ok; %zu alert(s) pending delivery",
	    findings_open_count(d->findings),
	    findings_blind_count(d->findings), when,
	    d->poller ? poller_healthy(d->poller) : 0,
	    d->poller ? poller_regions(d->poller) : 0,
	    outbox_pending(d->outbox));
}

static double
daemon_mono_since(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The pass in passes.json, for status; then the metrics textfile. */
static void
daemon_record_pass(struct daemon *d, struct check_pass *p)
{
	struct passrec_pass	pp;
	struct metrics_input	mi;

	memset(&pp, 0, sizeof(pp));
	pp.started = d->pass_started;
	pp.finished = d->last_pass;
	pp.duration = daemon_mono_since(&d->pass_mono);
	pp.ok = check_pass_count_status(p, CHECK_OK);
	pp.drift = check_pass_count_status(p, CHECK_DRIFT);
	pp.unknown = check_pass_count_status(p, CHECK_UNKNOWN) +
	    check_pass_count_status(p, CHECK_PENDING);
	passrec_add(&d->passes, &pp);
	d->passed = 1;
	if (passrec_save(&d->passes, d->cfg->state_dir) != 0)
		log_warn("%s/%s", d->cfg->state_dir, PASSREC_FILE);
	if (d->cfg->metrics_textfile == NULL)
		return;
	mi.findings = d->findings;
	mi.passes = &d->passes;
	mi.outbox = d->outbox;
	mi.alerts = d->alerts;
	mi.mutes = d->mutes;
	mi.now = time(NULL);
	if (metrics_write(d->cfg->metrics_textfile, &mi) != 0)
		log_warn("metrics textfile %s", d->cfg->metrics_textfile);
}

/* Loop alive (this runs from it), the last pass of this run (not one
 * read from passes.json) complete and recent, no check blind. */
static int
daemon_healthy(void *arg)
{
	struct daemon			*d = arg;
	const struct passrec_pass	*p = &d->passes.last;

	return d->drain == NULL && d->passed && p->unknown == 0 &&
	    time(NULL) - p->finished <= DAEMON_PASS_STALE(d->cfg) &&
	    findings_blind_count(d->findings) == 0;
}

/* At start and at each reload: the URL or interval may have changed. */
static int
daemon_heartbeat(struct daemon *d)
{
	struct heartbeat_options	o;

	heartbeat_free(d->heartbeat);
	d->heartbeat = NULL;
	if (d->cfg->heartbeat_url == NULL)
		return 0;
	memset(&o, 0, sizeof(o));
	o.url = d->cfg->heartbeat_url;
	o.ca_file = aws_endpoint_ca_bundle(d->cfg->aws_ca_bundle);
	o.interval = d->cfg->heartbeat_interval;
	o.healthy = daemon_healthy;
	o.arg = d;
	if ((d->heartbeat = heartbeat_new(d->base, d->http, &o)) == NULL)
		return DW_ENOMEM;
	log_info("heartbeat every %us once a pass is complete, while "
	    "healthy", o.interval);
	return 0;
}

/*
 * The mutes in force for the pass about to start: the baseline's, then
 * the state directory's file (the `mute` command's), read again each
 * pass so a mute takes effect without a reload.  A file that cannot be
 * read keeps the mutes the last good read found.
 */
static void
daemon_mutes_refresh(struct daemon *d)
{
	struct mutes	*ms;
	char		 err[512];

	if ((ms = mutes_new()) == NULL ||
	    mutes_merge(ms, d->bl->mutes) != 0) {
		log_warnx("no memory to read the mutes; keeping the last");
		mutes_free(ms);
		return;
	}
	if (mutes_load(ms, d->cfg->state_dir, err, sizeof(err)) != 0) {
		log_warnx("%s; keeping the mutes read before", err);
		mutes_free(ms);
		if (d->mutes != NULL)
			return;
		/* the first read: the baseline's mutes alone */
		if ((ms = mutes_new()) == NULL ||
		    mutes_merge(ms, d->bl->mutes) != 0) {
			mutes_free(ms);
			return;
		}
	}
	findings_set_mutes(d->findings, ms);
	mutes_free(d->mutes);
	d->mutes = ms;
}

static void
daemon_remind(struct daemon *d)
{
	unsigned	after[SEV_CRITICAL + 1];
	int		i;

	for (i = 0; i <= SEV_CRITICAL; i++)
		after[i] = config_remind_after(d->cfg, (enum severity)i);
	findings_remind(d->findings, after, time(NULL), daemon_alert, d);
}

static void
daemon_pass_done(struct check_pass *p, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tv = { (time_t)d->cfg->poll_interval, 0 };

	log_debug("check pass done: %zu ok, %zu drift, %zu unknown",
	    check_pass_count_status(p, CHECK_OK),
	    check_pass_count_status(p, CHECK_DRIFT),
	    check_pass_count_status(p, CHECK_UNKNOWN));
	d->last_pass = time(NULL);
	daemon_record_pass(d, p);
	check_pass_free(d->pass);
	d->pass = NULL;
	daemon_remind(d);
	if (outbox_barrier(d->outbox, daemon_findings_durable, d) != 0)
		log_warnx("findings not saved: out of memory");
	daemon_status(d);
	evtimer_add(d->pass_timer, &tv);
}

static void
daemon_pass_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tv = { (time_t)d->cfg->poll_interval, 0 };

	if (d->pass != NULL)
		return;
	daemon_mutes_refresh(d);
	d->pass = check_pass_new(d->base, d->aws, d->bl, d->findings,
	    d->cfg->aws_region, daemon_alert, d, daemon_pass_done, d);
	if (d->pass != NULL)
		check_pass_set_credreport(d->pass, d->credreport);
	d->pass_started = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &d->pass_mono);
	if (d->pass == NULL || check_pass_start(d->pass) != 0) {
		log_warnx("cannot start a check pass; trying again later");
		check_pass_free(d->pass);
		d->pass = NULL;
		evtimer_add(d->pass_timer, &tv);
	}
}

static void
daemon_sink_spec(const struct config_sink *s, struct sink_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->name = s->name;
	sp->type = s->type;
	sp->url = s->url;
	sp->secret = s->secret;
	sp->min_severity = s->min_severity;
	sp->kinds = s->kinds;
	sp->timeout_ms = s->timeout_ms;
	sp->opts = s->opts;
	sp->nopts = s->nopts;
}

/* The sinks deliver with aws, the client the daemon is about to use. */
static int
daemon_sinks(struct daemon *d, const struct config *cfg,
    struct aws_client *aws, char *err, size_t errlen)
{
	struct sink_spec	  sp;
	struct sink_env		  env;
	struct sink		**v;
	size_t			  i;

	memset(&env, 0, sizeof(env));
	env.http = sink_transport_http(d->http);
	env.aws = aws;
	env.ca_file = aws_endpoint_ca_bundle(cfg->aws_ca_bundle);
	if ((v = calloc(cfg->nsinks + 1, sizeof(*v))) == NULL)
		return DW_ENOMEM;
	for (i = 0; i < cfg->nsinks; i++) {
		daemon_sink_spec(&cfg->sinks[i], &sp);
		v[i] = sink_new(&sp, &env, err, errlen);
		if (v[i] == NULL) {
			while (i > 0)
				sink_free(v[--i]);
			free(v);
			return DW_EINVAL;
		}
	}
	return outbox_set_sinks(d->outbox, v, cfg->nsinks);
}

static int
daemon_start_poller(struct daemon *d)
{
	struct poller_options	 o;
	char			**regions;
	size_t			  n;

	if (daemon_event_regions(d->cfg, d->bl, &regions, &n) != 0)
		return DW_ENOMEM;
	memset(&o, 0, sizeof(o));
	o.regions = (const char *const *)regions;
	o.nregions = n;
	o.account_id = check_account_id(d->bl);
	o.all_regions = d->cfg->event_regions_all;
	o.home_region = d->cfg->aws_region;
	o.break_glass_user = check_iam_break_glass_user(d->bl);
	o.interval = d->cfg->event_poll_interval;
	o.overlap = d->cfg->event_overlap;
	o.lookback = d->cfg->event_lookback;
	o.max_pages = d->cfg->event_max_pages;
	d->poller = poller_new(d->base, d->aws, d->ev, d->findings, &o,
	    daemon_alert, d);
	daemon_regions_free(regions, n);
	if (d->poller == NULL)
		return DW_ENOMEM;
	return poller_start(d->poller);
}

/* Stops what reads AWS: the check pass and the poller. */
static void
daemon_stop_reading(struct daemon *d)
{
	check_pass_free(d->pass);
	d->pass = NULL;
	poller_free(d->poller);
	d->poller = NULL;
	if (d->pass_timer != NULL)
		evtimer_del(d->pass_timer);
}

/* And the AWS client: no sink may still deliver with it (SNS does). */
static void
daemon_stop_watching(struct daemon *d)
{
	daemon_stop_reading(d);
	aws_client_free(d->aws);
	d->aws = NULL;
}

static int
daemon_start_watching(struct daemon *d)
{
	struct timeval	now = { 0, 0 };

	if (daemon_start_poller(d) != 0)
		return DW_ENOMEM;
	evtimer_add(d->pass_timer, &now);
	return 0;
}

static void
daemon_reject_reload(const char *why)
{
	struct log_field	f[] = { { NULL, NULL } };

	log_struct(LOG_ERR, MSGID_RELOAD_FAILED, f, "reload rejected, "
	    "keeping the running configuration: %s", why);
	notify_ready();
}

/* The findings store belongs to one account for its whole life. */
static int
daemon_same_account(const struct baseline *a, const struct baseline *b)
{
	const char	*ida = check_account_id(a), *idb = check_account_id(b);

	if (ida == NULL || idb == NULL)
		return ida == idb;
	return strcmp(ida, idb) == 0;
}

static void
daemon_reload(struct daemon *d)
{
	struct config		*cfg;
	struct baseline		*bl;
	struct aws_client	*aws;
	char			 err[1024];

	notify_reloading();
	if (daemon_load_files(d->config_path, &cfg, &bl, err,
	    sizeof(err)) != 0) {
		daemon_reject_reload(err);
		return;
	}
	if (!daemon_same_account(d->bl, bl)) {
		snprintf(err, sizeof(err), "%s: account.id changed; the state "
		    "in %s belongs to the old account: move it aside and "
		    "restart", bl->path, d->cfg->state_dir);
		config_free(cfg);
		baseline_free(bl);
		daemon_reject_reload(err);
		return;
	}
	if ((aws = daemon_aws_new(d->base, d->http, cfg, err,
	    sizeof(err))) == NULL || daemon_sinks(d, cfg, aws, err,
	    sizeof(err)) != 0) {
		aws_client_free(aws);
		config_free(cfg);
		baseline_free(bl);
		daemon_reject_reload(err);
		return;
	}
	if (strcmp(cfg->state_dir, d->cfg->state_dir) != 0)
		log_warnx("state_directory changes take effect at the next "
		    "restart; still using %s", d->cfg->state_dir);
	daemon_check_sinks(cfg);
	daemon_stop_watching(d);
	config_free(d->cfg);
	baseline_free(d->bl);
	d->cfg = cfg;
	d->bl = bl;
	d->aws = aws;
	daemon_watch_creds(d);
	if (daemon_start_watching(d) != 0)
		log_warnx("cannot restart the watch after reload");
	if (daemon_heartbeat(d) != 0)
		log_warnx("cannot restart the heartbeat after reload");
	log_struct(LOG_INFO, MSGID_RELOADED, NULL, "configuration and "
	    "baseline reloaded");
	notify_ready();
}

#define DAEMON_DRAIN_TICK_MS	100
#define DAEMON_DRAIN_TICKS	50	/* 5 s for sends already in flight */

/*
 * At stop, a send already in flight gets a few seconds to finish: cut
 * off, the receiver may have the alert while its file stays, and the
 * next start would send it again.  No new alert is made meanwhile.
 */
static void
daemon_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon	*d = arg;
	struct timeval	 tv = { 0, DAEMON_DRAIN_TICK_MS * 1000 };

	if (outbox_sending(d->outbox) == 0 ||
	    ++d->drain_ticks >= DAEMON_DRAIN_TICKS) {
		log_struct(LOG_INFO, MSGID_STOPPING, NULL, "stopped; %zu "
		    "alert(s) stay queued for the next start",
		    outbox_pending(d->outbox));
		event_base_loopbreak(d->base);
		return;
	}
	evtimer_add(d->drain, &tv);
}

static void
daemon_stop(struct daemon *d, int sig)
{
	struct timeval	now = { 0, 0 };

	if (d->drain != NULL) {		/* a second signal: stop now */
		event_base_loopbreak(d->base);
		return;
	}
	notify_stopping();
	log_struct(LOG_INFO, MSGID_STOPPING, NULL, "stopping on signal %d; "
	    "%zu alert send(s) in flight", sig, outbox_sending(d->outbox));
	outbox_quiesce(d->outbox);
	daemon_stop_reading(d);		/* SNS sends in flight use d->aws */
	if ((d->drain = evtimer_new(d->base, daemon_drain_cb, d)) == NULL) {
		event_base_loopbreak(d->base);
		return;
	}
	evtimer_add(d->drain, &now);
}

static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	if (sig != SIGHUP)
		daemon_stop(d, (int)sig);
	else if (d->drain == NULL)	/* no reload while stopping */
		daemon_reload(d);
}

static void
daemon_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	notify_watchdog();
}

static int
daemon_events(struct daemon *d)
{
	uint64_t	usec = notify_watchdog_usec();
	struct timeval	tv;

	d->pass_timer = evtimer_new(d->base, daemon_pass_cb, d);
	d->credreport = credreport_new(d->base);
	d->sighup = evsignal_new(d->base, SIGHUP, daemon_signal_cb, d);
	d->sigterm = evsignal_new(d->base, SIGTERM, daemon_signal_cb, d);
	d->sigint = evsignal_new(d->base, SIGINT, daemon_signal_cb, d);
	if (d->pass_timer == NULL || d->sighup == NULL || d->sigterm == NULL ||
	    d->sigint == NULL)
		return DW_ENOMEM;
	evsignal_add(d->sighup, NULL);
	evsignal_add(d->sigterm, NULL);
	evsignal_add(d->sigint, NULL);
	if (usec == 0)
		return 0;
	/* ping at half the interval: one missed turn is not a restart */
	tv.tv_sec = (time_t)(usec / 2 / 1000000);
	tv.tv_usec = (suseconds_t)(usec / 2 % 1000000);
	d->watchdog = event_new(d->base, -1, EV_PERSIST, daemon_watchdog_cb, d);
	if (d->watchdog == NULL)
		return DW_ENOMEM;
	return event_add(d->watchdog, &tv);
}

static int
daemon_state_dir(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "state directory %s: %s", dir,
		    strerror(errno));
		return DW_EIO;
	}
	return 0;
}

/* A crash mid-write leaves <file>.tmp.<pid>: the outbox is under dir. */
static void
daemon_sweep_tmp(const char *dir)
{
	int	n;

	if ((n = atomicfile_sweep(dir, 2)) < 0)
		log_warn("%s: cannot look for stale temporary files", dir);
	else if (n > 0)
		log_info("%s: removed %d temporary file(s) left by an "
		    "interrupted write", dir, n);
}

static int
daemon_open_state(struct daemon *d, char *err, size_t errlen)
{
	if (daemon_state_dir(d->cfg->state_dir, err, errlen) != 0)
		return DW_EIO;
	daemon_sweep_tmp(d->cfg->state_dir);
	d->findings = findings_new(d->cfg->state_dir, check_account_id(d->bl),
	    d->cfg->blind_after);
	d->ev = evstate_new(d->cfg->state_dir);
	d->outbox = outbox_new(d->base, d->cfg->state_dir);
	if (d->findings == NULL || d->ev == NULL || d->outbox == NULL) {
		snprintf(err, errlen, "out of memory");
		return DW_ENOMEM;
	}
	/* only what status shows: a bad file is not worth a refusal */
	if (passrec_load(&d->passes, d->cfg->state_dir, err, errlen) != 0)
		log_warnx("%s; starting a new one", err);
	if (findings_load(d->findings, err, errlen) != 0 ||
	    evstate_load(d->ev, err, errlen) != 0 ||
	    daemon_sinks(d, d->cfg, d->aws, err, errlen) != 0 ||
	    outbox_load(d->outbox, err, errlen) < 0)
		return DW_EPARSE;
	return 0;
}

/* Alerts nobody receives are the quietest failure: say so at load. */
void
daemon_check_sinks(const struct config *cfg)
{
	size_t	i;

	if (cfg->nsinks == 0) {
		log_warnx("%s: no sink is enabled: alerts reach only the log",
		    cfg->path);
		return;
	}
	for (i = 0; i < cfg->nsinks; i++)
		if (cfg->sinks[i].min_severity <= SEV_HIGH)
			return;
	log_warnx("%s: no sink takes high alerts, so \"blind\" alerts reach "
	    "only the log", cfg->path);
}

static int
daemon_setup(struct daemon *d, int verbosity, char *err, size_t errlen)
{
	int	r;

	if ((r = daemon_load_files(d->config_path, &d->cfg, &d->bl, err,
	    errlen)) != 0)
		return r;
	daemon_check_sinks(d->cfg);
	if (d->cfg->log_level > verbosity)
		log_setverbose(d->cfg->log_level);
	if ((d->base = event_base_new()) == NULL ||
	    (d->http = http_client_new(d->base)) == NULL) {
		snprintf(err, errlen, "cannot set up the event loop");
		return EXIT_SOFTWARE;
	}
	if ((d->aws = daemon_aws_new(d->base, d->http, d->cfg, err,
	    errlen)) == NULL)
		return EXIT_CONFIG;
	if (daemon_open_state(d, err, errlen) != 0)
		return EXIT_SOFTWARE;
	daemon_watch_creds(d);
	if (daemon_events(d) != 0 || daemon_heartbeat(d) != 0) {
		snprintf(err, errlen, "cannot set up timers and signals");
		return EXIT_SOFTWARE;
	}
	return 0;
}

/* What the state files record as done must be durable in the outbox. */
static void
daemon_save_state(struct daemon *d)
{
	int	durable = 1;

	if (d->outbox != NULL) {
		outbox_quiesce(d->outbox);
		durable = outbox_flush(d->outbox) == 0;
	}
	if (!durable)
		log_warnx("findings not saved: an alert is not on disk; the "
		    "next start raises it again under the same id");
	else if (d->findings != NULL && findings_save(d->findings) != 0)
		log_warn("cannot save findings");
}

static void
daemon_teardown(struct daemon *d)
{
	daemon_stop_reading(d);
	daemon_save_state(d);
	if (d->ev != NULL && evstate_save(d->ev) != 0)
		log_warn("cannot save the event state");
	outbox_free(d->outbox);		/* before the client its sinks use */
	daemon_stop_watching(d);
	findings_free(d->findings);
	mutes_free(d->mutes);
	evstate_free(d->ev);
	heartbeat_free(d->heartbeat);
	http_client_free(d->http);
	if (d->pass_timer != NULL)
		event_free(d->pass_timer);
	credreport_free(d->credreport);
	if (d->watchdog != NULL)
		event_free(d->watchdog);
	if (d->sighup != NULL)
		event_free(d->sighup);
	if (d->sigterm != NULL)
		event_free(d->sigterm);
	if (d->sigint != NULL)
		event_free(d->sigint);
	if (d->drain != NULL)
		event_free(d->drain);
	if (d->base != NULL)
		event_base_free(d->base);
	config_free(d->cfg);
	baseline_free(d->bl);
	free(d->config_path);
}

int
daemon_run(const char *config_path, int verbosity)
{
	struct daemon	d;
	char		err[1024];
	int		r;

	memset(&d, 0, sizeof(d));
	signal(SIGPIPE, SIG_IGN);
	if ((d.config_path = strdup(config_path)) == NULL)
		return EXIT_SOFTWARE;
	if ((r = daemon_setup(&d, verbosity, err, sizeof(err))) != 0) {
		log_warnx("cannot start: %s", err);
		daemon_teardown(&d);
		return r;
	}
	if (daemon_start_watching(&d) != 0) {
		daemon_teardown(&d);
		return EXIT_SOFTWARE;
	}
	log_struct(LOG_INFO, MSGID_STARTED, NULL, "driftwatchd %s watching "
	    "account %s; state in %s", PACKAGE_VERSION,
	    check_account_id(d.bl) ? check_account_id(d.bl) : "(any)",
	    d.cfg->state_dir);
	notify_ready();
	daemon_status(&d);
	event_base_dispatch(d.base);
	daemon_teardown(&d);
	return 0;
}
