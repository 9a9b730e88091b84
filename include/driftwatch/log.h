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

/*
 * Where a log call was made: the journal's CODE_FILE, CODE_LINE and
 * CODE_FUNC name the caller, not this module, so every entry point is a
 * macro passing LOG_HERE to its *_at function.
 */
struct log_src {
	const char	*file;
	int		 line;
	const char	*func;
};
#define LOG_HERE	(&(const struct log_src){ __FILE__, __LINE__, __func__ })

void	log_warn_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warnx_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_info_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_debug_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_trace_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	fatal_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	fatalx_at(const struct log_src *, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * A structured entry: priority (LOG_CRIT ... LOG_DEBUG), a MESSAGE_ID
 * (32 hex digits, see msgid.h) or NULL, extra fields, message.
 */
void	log_struct_at(const struct log_src *, int, const char *,
	    const struct log_field *, const char *, ...)
	    __attribute__((format(printf, 5, 6)));

#define log_warn(...)	log_warn_at(LOG_HERE, __VA_ARGS__)
#define log_warnx(...)	log_warnx_at(LOG_HERE, __VA_ARGS__)
#define log_info(...)	log_info_at(LOG_HERE, __VA_ARGS__)
#define log_debug(...)	log_debug_at(LOG_HERE, __VA_ARGS__)
#define log_trace(...)	log_trace_at(LOG_HERE, __VA_ARGS__)
#define fatal(...)	fatal_at(LOG_HERE, __VA_ARGS__)
#define fatalx(...)	fatalx_at(LOG_HERE, __VA_ARGS__)
#define log_struct(...)	log_struct_at(LOG_HERE, __VA_ARGS__)

#endif
