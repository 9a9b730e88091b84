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
struct check_pass;

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

struct check_family {
	const char		*name;
	/*
	 * Starts the family's checks.  NULL means only that the baseline
	 * asks for none of them: a call that cannot start ends its check
	 * unknown, and running out of memory aborts (xmalloc.h).
	 */
	struct check_run	*(*start)(struct check_pass *);
};

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

extern const struct check_family check_family_account;
extern const struct check_family check_family_root;
extern const struct check_family check_family_iam;
extern const struct check_family check_family_cloudtrail;

#endif
