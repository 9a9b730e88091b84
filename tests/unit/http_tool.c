/*
 * http_tool: fetches URLs concurrently through http.c on a libevent
 * loop and prints one JSON line per result, for test_http.py.
 *
 * usage: http_tool [--ca FILE] [--max N] [--timeout-ms N] [--data BODY]
 *	      [--header "Name: value"] [--cancel-after-start] [--trace]
 *	      [--sink-trace] [--sequential] [--free-in-callback] URL...
 *
 * --sink-trace sets the transfer up as a sink's (sink_http.c): only
 * sink_http_trace_headers' values traced, the first URL's parts
 * redacted.
 * --data POSTs BODY; --cancel-after-start cancels the first URL's
 * transfer 200 ms after it started, which must then never call back.
 * --sequential starts each URL from the previous one's callback;
 * --free-in-callback frees the client from the first callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <json-c/json.h>

#include "driftwatch/http.h"
#include "driftwatch/log.h"
#include "driftwatch/sink.h"
#include "driftwatch/urlredact.h"

#define TOOL_MAX_HEADERS	16

struct tool_job {
	int			 index;
	struct http_xfer	*xfer;
	struct tool		*tool;
};

struct tool {
	struct event_base	*base;
	struct http_client	*client;
	struct http_request	*req;
	char			**urls;
	struct tool_job		*jobs;
	int			 njobs;
	int			 remaining;
	int			 sequential;
	int			 free_in_cb;
};

static void	tool_cb(const struct http_response *, void *);

static void
tool_start(struct tool *t, int i)
{
	t->jobs[i].index = i;
	t->jobs[i].tool = t;
	t->req->url = t->urls[i];
	t->req->log_name = "tool";
	t->jobs[i].xfer = http_send(t->client, t->req, tool_cb, &t->jobs[i]);
	if (t->jobs[i].xfer == NULL)
		exit(1);
}

static void
tool_done(struct tool *t)
{
	if (--t->remaining == 0 || t->client == NULL)
		event_base_loopexit(t->base, NULL);
}

static void
tool_cb(const struct http_response *r, void *arg)
{
	struct tool_job	*job = arg;
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "url_index", json_object_new_int(job->index));
	json_object_object_add(o, "result", json_object_new_int(r->result));
	json_object_object_add(o, "status", json_object_new_int64(r->status));
	json_object_object_add(o, "body_len",
	    json_object_new_int64((int64_t)r->body_len));
	json_object_object_add(o, "body", r->body != NULL && r->body_len < 256 ?
	    json_object_new_string_len(r->body, (int)r->body_len) : NULL);
	json_object_object_add(o, "request_id", r->request_id != NULL ?
	    json_object_new_string(r->request_id) : NULL);
	json_object_object_add(o, "content_type", r->content_type != NULL ?
	    json_object_new_string(r->content_type) : NULL);
	json_object_object_add(o, "timed_out",
	    json_object_new_boolean(r->timed_out));
	json_object_object_add(o, "error", json_object_new_string(r->error));
	json_object_object_add(o, "retry_after",
	    json_object_new_int64(r->retry_after));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
	job->xfer = NULL;
	if (job->tool->free_in_cb) {
		http_client_free(job->tool->client);
		job->tool->client = NULL;
	} else if (job->tool->sequential && job->index + 1 < job->tool->njobs)
		tool_start(job->tool, job->index + 1);
	tool_done(job->tool);
}

static void
tool_cancel_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tool	*t = arg;

	(void)fd;
	(void)what;
	if (t->jobs[0].xfer == NULL)
		return;
	http_xfer_cancel(t->jobs[0].xfer);
	t->jobs[0].xfer = NULL;
	fprintf(stderr, "cancelled 0\n");
	tool_done(t);
}

static void
tool_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	fprintf(stderr, "http_tool: watchdog fired\n");
	exit(2);
}

static void
usage(void)
{
	fprintf(stderr, "usage: http_tool [--ca FILE] [--max N] "
	    "[--timeout-ms N] [--data BODY] [--header H] "
	    "[--cancel-after-start] [--trace] [--sink-trace] [--sequential] "
	    "[--free-in-callback] URL...\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct http_request	 req;
	struct tool		 t;
	struct event		*cancel = NULL, *watchdog;
	struct timeval		 tv_cancel = { 0, 200000 }, tv_dog = { 30, 0 };
	const char		*headers[TOOL_MAX_HEADERS + 1];
	struct urlredact	*redact = NULL;
	int			 i, nheaders = 0, cancel_after = 0, trace = 0;
	int			 sink_trace = 0;

	memset(&req, 0, sizeof req);
	memset(&t, 0, sizeof t);
	memset(headers, 0, sizeof headers);
	req.method = "GET";
	req.headers = headers;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--cancel-after-start") == 0)
			cancel_after = 1;
		else if (strcmp(argv[i], "--trace") == 0)
			trace = 1;
		else if (strcmp(argv[i], "--sink-trace") == 0)
			sink_trace = 1;
		else if (strcmp(argv[i], "--sequential") == 0)
			t.sequential = 1;
		else if (strcmp(argv[i], "--free-in-callback") == 0)
			t.free_in_cb = 1;
		else if (i + 1 >= argc)
			usage();
		else if (strcmp(argv[i], "--ca") == 0)
			req.ca_file = argv[++i];
		else if (strcmp(argv[i], "--max") == 0)
			req.max_response = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--timeout-ms") == 0)
			req.timeout_ms = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--data") == 0) {
			req.method = "POST";
			req.body = argv[++i];
			req.body_len = strlen(req.body);
		} else if (strcmp(argv[i], "--header") == 0 &&
		    nheaders < TOOL_MAX_HEADERS)
			headers[nheaders++] = argv[++i];
		else
			usage();
	}
	if (i == argc)
		usage();
	log_init(LOG_BACKEND_STDERR, trace ? 2 : 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	t.base = event_base_new();
	t.client = http_client_new(t.base);
	if (t.base == NULL || t.client == NULL)
		return 1;
	if (sink_trace) {
		/* as sink_http.c sets it up for a sink's URL */
		req.trace_headers = sink_http_trace_headers;
		req.redact = redact = urlredact_new(argv[i]);
	}
	t.req = &req;
	t.urls = argv + i;
	t.remaining = t.njobs = argc - i;
	if ((t.jobs = calloc((size_t)t.njobs, sizeof *t.jobs)) == NULL)
		return 1;
	for (i = 0; i < (t.sequential ? 1 : t.njobs); i++)
		tool_start(&t, i);
	if (cancel_after) {
		cancel = evtimer_new(t.base, tool_cancel_cb, &t);
		evtimer_add(cancel, &tv_cancel);
	}
	watchdog = evtimer_new(t.base, tool_watchdog_cb, NULL);
	evtimer_add(watchdog, &tv_dog);
	event_base_dispatch(t.base);
	fprintf(stderr, "active after loop: %zu\n",
	    http_client_active(t.client));
	http_client_free(t.client);
	urlredact_free(redact);
	if (cancel != NULL)
		event_free(cancel);
	event_free(watchdog);
	event_base_free(t.base);
	free(t.jobs);
	curl_global_cleanup();
	libevent_global_shutdown();
	return 0;
}
