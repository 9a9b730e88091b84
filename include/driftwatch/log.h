/*
 * One logging module with an OpenBSD-style API.  The backend (journald
 * or stderr) is chosen once at start.  Nothing secret is ever passed in.
 */
#ifndef DRIFTWATCH_LOG_H
#define DRIFTWATCH_LOG_H

#include <syslog.h>

enum log_backend {
	LOG_BACKEND_AUTO,	/* journald unless stderr is a terminal */
	LOG_BACKEND_STDERR,
	LOG_BACKEND_JOURNAL,
};

/* A structured journal field; arrays end with { NULL, NULL }. */
struct log_field {
	const char	*key;	/* upper case, e.g. "DRIFTWATCH_CHECK" */
	const char	*value;
};

void	log_init(enum log_backend, int verbosity);
void	log_setverbose(int);	/* 0 info, 1 debug, 2 trace */
int	log_getverbose(void);
void	log_procname(const char *);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_trace(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * A structured entry: priority (LOG_ERR ... LOG_DEBUG), a MESSAGE_ID
 * (32 hex digits, see log_msgid.h) or NULL, extra fields, message.
 */
void	log_struct(int, const char *, const struct log_field *,
	    const char *, ...) __attribute__((format(printf, 4, 5)));

#endif
