/*
 * The `capture` mode: reads the live account through every family that
 * can capture and writes the baseline it saw, for a person to review
 * and commit.  The baseline goes to standard output or, atomically and
 * only when all was read, to the -o file; what could not be read and
 * what to tighten go to stderr.
 * What it writes is parsed back as a baseline before it is written, so
 * capture never hands out a file that `validate` refuses.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "driftwatch/atomicfile.h"
#include "driftwatch/aws.h"
#include "driftwatch/baseline.h"
#include "driftwatch/capture.h"
#include "driftwatch/check.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/http.h"
#include "driftwatch/log.h"

#define CAPTURE_EXIT_CANTCREAT	73	/* sysexits EX_CANTCREAT */
#define CAPTURE_EXIT_IOERR	74	/* EX_IOERR */
/* A new file: a baseline holds no secret and is meant to be committed. */
#define CAPTURE_MODE		0644

struct report_capture {
	struct event_base	*base;
	int			 done;
};

static void
report_capture_done(struct check_capture *cc, void *arg)
{
	struct report_capture	*r = arg;

	r->done = 1;
	event_base_loopbreak(r->base);
}

/* The sections it did not write, and why, for the person reviewing. */
static void
report_capture_missing(struct json_object *bl)
{
	const struct check_family	*fam;
	size_t				 i;

	for (i = 0; i < check_family_count(); i++) {
		fam = check_family_at(i);
		if (json_object_object_get_ex(bl, fam->name, NULL))
			continue;
		if (fam->capture == NULL)
			fprintf(stderr, "capture: section \"%s\" left out: "
			    "driftwatch cannot capture it; write it by hand "
			    "(driftwatch-baseline(5)) or it is not checked\n",
			    fam->name);
		else
			fprintf(stderr, "capture: section \"%s\" left out: "
			    "nothing in it was captured; it is not checked\n",
			    fam->name);
	}
}

static int
report_capture_note_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* In check order, not in the order AWS answered. */
static void
report_capture_notes(const struct check_capture *cc)
{
	const char	**v;
	size_t		  i, n = capture_nnotes(cc);

	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < n; i++)
		v[i] = capture_note_at(cc, i);
	qsort(v, n, sizeof(*v), report_capture_note_cmp);
	for (i = 0; i < n; i++)
		fprintf(stderr, "capture: %s\n", v[i]);
	free(v);
}

/* An existing file keeps its mode (a person chose it); a new one 0644. */
static unsigned int
report_capture_mode(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	return CAPTURE_MODE;
}

static int
report_capture_write(const char *out, const char *text, size_t len)
{
	if (out == NULL) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			log_warnx("capture: cannot write standard output: %s",
			    strerror(errno));
			return CAPTURE_EXIT_IOERR;
		}
		return 0;
	}
	if (atomicfile_write(out, text, len, report_capture_mode(out)) != 0) {
		log_warnx("capture: cannot write %s: %s", out,
		    strerror(errno));
		return CAPTURE_EXIT_CANTCREAT;
	}
	fprintf(stderr, "capture: wrote %s; review it before using it "
	    "(driftwatchd(8), CAPTURE)\n", out);
	return 0;
}

/*
 * The baseline as text, checked by the parser `validate` uses.  A file
 * is written only when everything was read: -o may name the baseline in
 * use, and a partial capture must not replace it.  Standard output gets
 * what was read either way, for the person to see.
 */
static int
report_capture_emit(const struct check_capture *cc, const char *out)
{
	struct json_object	*bl;
	struct baseline		*parsed = NULL;
	const char		*s;
	char			*text, err[1024];
	size_t			 len;
	int			 code;

	bl = capture_baseline(cc);
	s = json_object_to_json_string_ext(bl, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(s);
	if ((text = malloc(len + 2)) == NULL) {
		json_object_put(bl);
		return EXIT_SOFTWARE;
	}
	memcpy(text, s, len);
	text[len++] = '\n';
	text[len] = '\0';
	report_capture_missing(bl);
	json_object_put(bl);
	if (baseline_parse(out != NULL ? out : "(captured baseline)", text,
	    len, &parsed, err, sizeof(err)) != 0) {
		/* a family's to_json and parse disagree: a bug, not input */
		log_warnx("capture: the captured baseline does not parse, "
		    "nothing written: %s", err);
		free(text);
		return EXIT_SOFTWARE;
	}
	baseline_free(parsed);
	if (out != NULL && capture_nunread(cc) > 0) {
		fprintf(stderr, "capture: %s not written: %zu check(s) could "
		    "not be read; without -o capture shows what it read\n",
		    out, capture_nunread(cc));
		code = 0;
	} else
		code = report_capture_write(out, text, len);
	free(text);
	return code;
}

static int
report_capture_run(struct report_capture *r, const struct config *cfg,
    const char *out)
{
	struct http_client	*http = NULL;
	struct aws_client	*aws = NULL;
	struct check_capture	*cc = NULL;
	char			 err[1024];
	int			 code = EXIT_SOFTWARE;

	if ((http = http_client_new(r->base)) == NULL)
		goto out;
	if ((aws = daemon_aws_new(r->base, http, cfg, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s", err);
		code = EXIT_CONFIG;
		goto out;
	}
	aws_client_quiet_errors(aws);	/* the notes name each failure */
	if (daemon_aws_wait_creds(r->base, aws, err, sizeof(err)) != 0) {
		log_warnx("capture: nothing read: %s", err);
		code = EXIT_UNKNOWN;
		goto out;
	}
	cc = capture_start(r->base, aws, cfg->aws_region,
	    report_capture_done, r);
	if (!r->done)
		event_base_dispatch(r->base);
	if (!r->done) {
		log_warnx("capture: the loop ended before every family did");
		goto out;
	}
	report_capture_notes(cc);
	code = report_capture_emit(cc, out);
	if (code == 0 && capture_nunread(cc) > 0) {
		fprintf(stderr, "capture: %zu check(s) could not be read: "
		    "what they read is missing from the baseline; fix the "
		    "permissions and capture again\n", capture_nunread(cc));
		code = EXIT_UNKNOWN;
	}
out:
	capture_free(cc);
	aws_client_free(aws);
	http_client_free(http);
	return code;
}

int
report_capture(const char *path, const char *out)
{
	struct report_capture	 r;
	struct config		*cfg;
	char			 err[1024];
	int			 code;

	memset(&r, 0, sizeof(r));
	/* only the config: there may be no baseline yet */
	if (config_load(path, &cfg, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EXIT_CONFIG;
	}
	if (cfg->log_level > log_getverbose())
		log_setverbose(cfg->log_level);
	if ((r.base = event_base_new()) == NULL)
		code = EXIT_SOFTWARE;
	else
		code = report_capture_run(&r, cfg, out);
	if (r.base != NULL)
		event_base_free(r.base);
	config_free(cfg);
	return code;
}
