/*
 * A pass of the state checks: every check family starts its AWS calls,
 * reports what it saw to the findings store, and says when it is done.
 * The pass calls back once, from the loop, when every check has ended.
 */
#ifndef DRIFTWATCH_CHECK_H
#define DRIFTWATCH_CHECK_H

#include <time.h>

#include "driftwatch/findings.h"

struct event_base;
struct aws_client;
struct baseline;
struct baseline_ctx;
struct check_family;
struct check_pass;
struct credreport;
struct json_object;

enum check_status {
	CHECK_PENDING,
	CHECK_OK,
	CHECK_DRIFT,
	CHECK_UNKNOWN,
};

/* One check family's running state; freed (and its calls cancelled) by
 * the pass. */
struct check_run {
	void	(*free)(struct check_run *);
};

/*
 * One run of `capture` (capture.c): what a family's capture reads with,
 * where it writes its advice, and where it hands its section.
 */
struct check_capture;
struct aws_client	*check_capture_aws(struct check_capture *);
const char		*check_capture_region(struct check_capture *);
struct event_base	*check_capture_base(struct check_capture *);
/* The credential report (credreport.h), shared by the capture's parts. */
struct credreport	*check_capture_credreport(struct check_capture *);
/* Advice for the person reviewing the captured baseline ("root.mfa: the
 * MFA device is virtual; set hardware_mfa once it is a hardware key"). */
void			 check_capture_note(struct check_capture *,
			    const char *check, const char *fmt, ...)
			    __attribute__((format(printf, 3, 4)));
/* A check it could not read, and why: the captured section leaves it
 * out and capture says so. */
void			 check_capture_unread(struct check_capture *,
			    const char *check, const char *why);
/*
 * The family's capture has ended: section (or NULL, nothing read)
 * passes to capture, which writes it with to_json and frees it with
 * the family's free.  Called once; capture.c accepts it at any time,
 * from within the family's capture call too.
 */
void			 check_capture_done(struct check_capture *,
			    const struct check_family *, void *section);

/*
 * A check family: its checks and its section of the baseline, under
 * its name ("root" reads "root": {...} and runs root.*).  Adding one is
 * a check_<name>.c defining these and a line in check.c's table.
 */
struct check_family {
	const char	*name;
	/*
	 * Validates the section (a JSON value of any type: say so if it is
	 * not an object) and builds the family's own struct.  *section is
	 * set as soon as it is allocated; on error (baseline_fail()) the
	 * caller frees it with free below.
	 */
	int		 (*parse)(struct baseline_ctx *, struct json_object *,
			    void **section);
	void		 (*free)(void *section);
	/* The section as JSON, as the baseline file would say it: the
	 * inverse of parse, for capture to write.  The caller puts it. */
	struct json_object	*(*to_json)(const void *section);
	/*
	 * Starts the checks the section asks for; called only when the
	 * baseline has the section.  NULL means only that the section
	 * asks for nothing: a family whose call cannot start ends its
	 * checks unknown, and running out of memory aborts (xmalloc.h).
	 */
	struct check_run	*(*start)(struct check_pass *,
				    const void *section);
	/*
	 * For the `capture` command: reads the live account into a new
	 * section, as parse would have built it, and calls
	 * check_capture_done() once; to_json then writes
	 * it.  NULL: the family cannot capture.
	 */
	struct check_run	*(*capture)(struct check_capture *);
};

/* The family table (check.c), in the order the pass starts them. */
size_t				 check_family_count(void);
const struct check_family	*check_family_at(size_t);

extern const struct check_family check_family_account;
extern const struct check_family check_family_root;
extern const struct check_family check_family_iam;
extern const struct check_family check_family_cloudtrail;
extern const struct check_family check_family_contacts;
extern const struct check_family check_family_tax;
extern const struct check_family check_family_config;

/* Ends several runs as one (the runs array is copied; NULL entries
 * skipped); NULL when all are NULL. */
struct check_run	*check_run_group(struct check_run *const *runs,
			    size_t n);

typedef void	(*check_done_cb)(struct check_pass *, void *);

struct check_pass	*check_pass_new(struct event_base *,
			    struct aws_client *, const struct baseline *,
			    struct findings *, const char *region,
			    findings_alert_cb, void *alert_arg,
			    check_done_cb, void *);
int			 check_pass_start(struct check_pass *);
/* Cancels what is still in flight; no callbacks afterwards. */
void			 check_pass_free(struct check_pass *);

/* For the check families. */
struct aws_client	*check_pass_aws(struct check_pass *);
const struct baseline	*check_pass_baseline(struct check_pass *);
const char		*check_pass_region(struct check_pass *);
/*
 * The credential report the pass's checks share (credreport.h): the
 * one its creator set, which outlives passes (the daemon's), else one
 * the pass makes on first use and frees with itself.
 */
struct credreport	*check_pass_credreport(struct check_pass *);
void			 check_pass_set_credreport(struct check_pass *,
			    struct credreport *);
void			 check_begin(struct check_pass *, const char *check);
void			 check_observe(struct check_pass *,
			    const struct finding_obs *);
void			 check_end(struct check_pass *, const char *check,
			    int complete, const char *error);

/* Results, for STATUS= and `driftwatchd check`. */
size_t			 check_pass_count(const struct check_pass *);
const char		*check_pass_id(const struct check_pass *, size_t,
			    enum check_status *, const char **error);
size_t			 check_pass_count_status(const struct check_pass *,
			    enum check_status);
const char		*check_status_name(enum check_status);

/*
 * What other modules read from the families' sections of a baseline
 * (NULL baselines and absent sections allowed).
 */
/* account.id, or NULL. */
const char	*check_account_id(const struct baseline *);
/* 1 if user is in iam.mfa_exempt_users, else 0. */
int		 check_iam_user_mfa_exempt(const struct baseline *,
		    const char *user);
/* iam.break_glass_user, or NULL. */
const char	*check_iam_break_glass_user(const struct baseline *);
/* cloudtrail.trails: how many, and the i-th's home region (NULL past
 * the end). */
size_t		 check_cloudtrail_ntrails(const struct baseline *);
const char	*check_cloudtrail_home_region(const struct baseline *,
		    size_t i);

#endif
