/*
 * Logging: OpenBSD's log.c discipline with a journald backend.  The
 * backend is chosen once; structured fields go to the journal and are
 * appended to the line on stderr.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
/* the location is the caller's, passed in, never this file's */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#endif

#include "driftwatch/log.h"

#define LOG_MAXFIELDS	24
/* fatal() and fatalx(): LOG_CRIT in the journal, "fatal: " on stderr,
 * where a critical alert says "critical: " */
#define LOG_FATAL	(LOG_CRIT | 0x100)
#define LOG_PRIO(p)	((p) & LOG_PRIMASK)

static enum log_backend	 log_backend = LOG_BACKEND_STDERR;
static int		 log_verbose;
static const char	*log_name = "driftwatchd";

/*
 * journald when systemd gave us a journal stream and journald listens;
 * sd_journal_sendv() drops entries silently when its socket is absent,
 * so look once here rather than lose every line.
 */
static enum log_backend
log_choose(void)
{
	if (isatty(STDERR_FILENO) || getenv("JOURNAL_STREAM") == NULL)
		return LOG_BACKEND_STDERR;
	if (access("/run/systemd/journal/socket", W_OK) != 0)
		return LOG_BACKEND_STDERR;
	return LOG_BACKEND_JOURNAL;
}

void
log_init(enum log_backend backend, int verbosity)
{
	if (backend == LOG_BACKEND_AUTO)
		backend = log_choose();
#ifndef HAVE_LIBSYSTEMD
	backend = LOG_BACKEND_STDERR;
#endif
	log_backend = backend;
	log_verbose = verbosity;
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
log_procname(const char *name)
{
	log_name = name;
}

static const char *
log_prio_word(int prio)
{
	switch (prio) {
	case LOG_FATAL:
	case LOG_EMERG:
	case LOG_ALERT:		return "fatal: ";
	case LOG_CRIT:		return "critical: ";
	case LOG_ERR:		return "error: ";
	case LOG_WARNING:	return "warning: ";
	case LOG_DEBUG:		return "debug: ";
	default:		return "";
	}
}

static void
log_stderr(int prio, const struct log_field *f, const char *msg)
{
	char		 when[32];
	struct tm	 tm;
	time_t		 now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s: %s%s", when, log_name, log_prio_word(prio),
	    msg);
	for (; f != NULL && f->key != NULL; f++)
		if (f->value != NULL)
			fprintf(stderr, " %s=%s", f->key, f->value);
	fputc('\n', stderr);
	fflush(stderr);
}

#ifdef HAVE_LIBSYSTEMD
/*
 * The source path as the reader of the tree knows it ("src/daemon.c"),
 * not as an out-of-tree build spelled it ("../../src/daemon.c").
 */
static const char *
log_src_path(const char *file)
{
	const char	*p;

	if (file == NULL)
		return "?";
	while (strncmp(file, "./", 2) == 0 || strncmp(file, "../", 3) == 0)
		file += file[1] == '/' ? 2 : 3;
	if (*file == '/' && (p = strstr(file, "/src/")) != NULL) {
		while ((file = strstr(p + 1, "/src/")) != NULL)
			p = file;
		return p + 1;
	}
	return file;
}

static int
log_journal_send(const struct log_src *src, struct iovec *iov, int n)
{
	char	 file[256], line[32];

	snprintf(file, sizeof(file), "CODE_FILE=%s", log_src_path(src->file));
	snprintf(line, sizeof(line), "CODE_LINE=%d", src->line);
	return sd_journal_sendv_with_location(file, line,
	    src->func != NULL ? src->func : "?", iov, n);
}

/* 0 when journald took the entry. */
static int
log_journal(const struct log_src *src, int prio, const char *msgid,
    const struct log_field *f, const char *msg)
{
	struct iovec	 iov[LOG_MAXFIELDS + 4];
	char		*buf[LOG_MAXFIELDS + 4];
	int		 n = 0, i, r = -1;

	if (asprintf(&buf[n], "MESSAGE=%s", msg) == -1)
		return -1;
	n++;
	if (asprintf(&buf[n], "PRIORITY=%d", LOG_PRIO(prio)) == -1)
		goto out;
	n++;
	if (asprintf(&buf[n], "SYSLOG_IDENTIFIER=%s", log_name) == -1)
		goto out;
	n++;
	if (msgid != NULL) {
		if (asprintf(&buf[n], "MESSAGE_ID=%s", msgid) == -1)
			goto out;
		n++;
	}
	for (; f != NULL && f->key != NULL && n < LOG_MAXFIELDS + 4; f++) {
		if (f->value == NULL)
			continue;
		if (asprintf(&buf[n], "%s=%s", f->key, f->value) == -1)
			goto out;
		n++;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = strlen(buf[i]);
	}
	r = log_journal_send(src, iov, n);
out:
	for (i = 0; i < n; i++)
		free(buf[i]);
	return r < 0 ? -1 : 0;
}
#endif

static void __attribute__((format(printf, 5, 0)))
log_vemit(const struct log_src *src, int prio, const char *msgid,
    const struct log_field *f, const char *fmt, va_list ap)
{
	char	*msg = NULL;
	int	 saved = errno;

	if (prio == LOG_DEBUG && log_verbose < 1)
		return;
	if (vasprintf(&msg, fmt, ap) == -1) {
		errno = saved;
		return;
	}
#ifdef HAVE_LIBSYSTEMD
	/* an entry journald refused goes to stderr, not nowhere */
	if (log_backend != LOG_BACKEND_JOURNAL ||
	    log_journal(src, prio, msgid, f, msg) != 0)
		log_stderr(prio, f, msg);
#else
	log_stderr(prio, f, msg);
	(void)src;
#endif
	(void)msgid;
	free(msg);
	errno = saved;
}

void
log_struct_at(const struct log_src *src, int prio, const char *msgid,
    const struct log_field *f, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(src, prio, msgid, f, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 0)))
log_with_errno(const struct log_src *src, int prio, const char *fmt,
    va_list ap)
{
	char	*msg = NULL;
	int	 saved = errno;

	if (vasprintf(&msg, fmt, ap) == -1)
		return;
	log_struct_at(src, prio, NULL, NULL, "%s: %s", msg, strerror(saved));
	free(msg);
	errno = saved;
}

void
log_warn_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_with_errno(src, LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warnx_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(src, LOG_WARNING, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_info_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(src, LOG_INFO, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vemit(src, LOG_DEBUG, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_trace_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	log_vemit(src, LOG_DEBUG, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
fatal_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_with_errno(src, LOG_FATAL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx_at(const struct log_src *src, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(src, LOG_FATAL, NULL, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
