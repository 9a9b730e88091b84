/*
 * The IAM credential report, shared by every check that reads it.
 *
 * One struct credreport lives as long as its owner (the daemon, or one
 * `check` or `capture` run) and keeps the last report read.  A check
 * asks for it with credreport_get(): a report generated less than four
 * hours ago (AWS regenerates no more often) is handed over as it is;
 * otherwise one fetch, shared by every check waiting, reads it with
 * GetCredentialReport, generating it first (GenerateCredentialReport)
 * when AWS has none, an expired one or one four hours old, and polls
 * with a timer while AWS builds it.  Nothing blocks the loop.
 *
 * The report is AWS's base64 CSV (ReportFormat text/csv), decoded with
 * OpenSSL and read with libcsv; columns are found by their header name.
 */
#ifndef DRIFTWATCH_CREDREPORT_H
#define DRIFTWATCH_CREDREPORT_H

#include <stddef.h>
#include <time.h>

struct aws_client;
struct event_base;

#define CREDREPORT_MAX_AGE	(4 * 3600)	/* AWS: once per 4 hours */
#define CREDREPORT_ROOT		"<root_account>"
#define CREDREPORT_MAX_SIZE	(16 * 1024 * 1024)	/* decoded CSV */

/* One parsed report. */
struct credreport_data;
struct credreport_row;

/*
 * Parses a report: the base64 Content of GetCredentialReport and its
 * GeneratedTime.  0, or DW_EPARSE / DW_ETOOBIG / DW_ENOMEM with err
 * saying what and where ("credential report: line 3: 5 fields, the
 * header has 22").  The header must name "user" and "arn".
 */
int	credreport_parse(const char *b64, size_t len, time_t generated,
	    struct credreport_data **, char *err, size_t errlen);
void	credreport_data_free(struct credreport_data *);

time_t	credreport_generated(const struct credreport_data *);
size_t	credreport_nrows(const struct credreport_data *);
/* The i-th user row (the root row included), or NULL past the end. */
const struct credreport_row	*credreport_row_at(
				    const struct credreport_data *, size_t i);
/* The row of user (CREDREPORT_ROOT for root), or NULL. */
const struct credreport_row	*credreport_find(
				    const struct credreport_data *,
				    const char *user);
/* The value in column (a header name), or NULL: no such column. */
const char	*credreport_value(const struct credreport_data *,
		    const struct credreport_row *, const char *column);
/* The row's "user". */
const char	*credreport_user(const struct credreport_data *,
		    const struct credreport_row *);

/* What a value holds. */
enum credreport_kind {
	CREDREPORT_BAD = -1,	/* none of the forms AWS writes */
	CREDREPORT_NONE = 0,	/* N/A, no_information, not_supported */
	CREDREPORT_VALUE = 1,	/* a time, or true/false */
};
/* An ISO 8601 time ("2026-01-02T03:04:05+00:00", "...Z", ".000"). */
enum credreport_kind	credreport_time(const char *, time_t *);
/* "true" / "false", any case. */
enum credreport_kind	credreport_bool(const char *, int *);
/* A strict ISO 8601 time, for the baseline too: 0 or DW_EPARSE. */
int			credreport_parse_time(const char *, time_t *);

/* t as "2026-01-02T03:04:05Z". */
void	credreport_fmt_time(time_t t, char *, size_t);
/* "report generated 2h ago" (now by AWS's clock). */
void	credreport_age(const struct credreport_data *, time_t now, char *,
	    size_t);

/* The shared, cached report. */
struct credreport;
struct credreport_wait;

/*
 * data is borrowed for the duration of the call; error is NULL then,
 * else why the report could not be read (data NULL).  A callback may
 * cancel other waits and start new ones, but must not free the
 * credreport.
 */
typedef void	(*credreport_cb)(const struct credreport_data *,
		    const char *error, void *);

struct credreport	*credreport_new(struct event_base *);
/* Cancels every wait: no callback after this.  NULL is a no-op. */
void			 credreport_free(struct credreport *);
/*
 * Asks for the report, read with aws when it must be fetched; cb runs
 * once, from the loop, never from within this call.  The wait is freed
 * after its callback; cancel it before that to have no callback.  When
 * no wait is left the fetch stops, so aws is never used after its
 * owner cancels.
 */
struct credreport_wait	*credreport_get(struct credreport *,
			    struct aws_client *, credreport_cb, void *);
void			 credreport_cancel(struct credreport_wait *);

/* For tests: how long a poll waits (seconds) and how many polls. */
void			 credreport_set_polls(struct credreport *,
			    double delay, int max_polls);

#endif
