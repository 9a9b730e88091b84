/*
 * Typed clients for the few operations driftwatch calls, one source
 * file per service.  Each returns a pager handle (cancel it to stop;
 * no callback after that) and calls back once with the AWS result and
 * the data, which is borrowed for the duration of the callback.
 */
#ifndef DRIFTWATCH_AWS_SERVICES_H
#define DRIFTWATCH_AWS_SERVICES_H

#include <time.h>

#include "driftwatch/aws.h"

/* STS */
struct sts_identity {
	char	*account;
	char	*arn;
	char	*user_id;
};
typedef void	(*sts_identity_cb)(const struct aws_result *,
		    const struct sts_identity *, void *);
struct aws_pager *aws_sts_get_caller_identity(struct aws_client *,
		    const char *region, sts_identity_cb, void *);

/* IAM */
struct iam_summary {
	long	mfa_enabled;		/* AccountMFAEnabled; -1 if absent */
	long	access_keys_present;	/* AccountAccessKeysPresent */
	long	users;
};
typedef void	(*iam_summary_cb)(const struct aws_result *,
		    const struct iam_summary *, void *);
struct aws_pager *aws_iam_get_account_summary(struct aws_client *,
		    iam_summary_cb, void *);

struct iam_user {
	char	*name;
	char	*arn;
	char	*password_last_used;
};
struct iam_users {
	struct iam_user	*v;
	size_t		 n;
};
typedef void	(*iam_users_cb)(const struct aws_result *,
		    const struct iam_users *, void *);
struct aws_pager *aws_iam_list_users(struct aws_client *, iam_users_cb,
		    void *);

struct iam_mfa {
	char	*serial;
	char	*user;		/* user name, or the user ARN for virtual ones */
	char	*enable_date;
};
struct iam_mfas {
	struct iam_mfa	*v;
	size_t		 n;
};
typedef void	(*iam_mfas_cb)(const struct aws_result *,
		    const struct iam_mfas *, void *);
struct aws_pager *aws_iam_list_mfa_devices(struct aws_client *,
		    const char *user, iam_mfas_cb, void *);
struct aws_pager *aws_iam_list_virtual_mfa_devices(struct aws_client *,
		    const char *assignment, iam_mfas_cb, void *);

/* Account (REST-JSON, global: region only picks the partition) */
struct account_contact {
	char	*type;		/* AlternateContactType */
	char	*name;
	char	*title;
	char	*email;
	char	*phone;
};
typedef void	(*account_contact_cb)(const struct aws_result *,
		    const struct account_contact *, void *);
/*
 * GetAlternateContact for "BILLING", "OPERATIONS" or "SECURITY", with
 * no AccountId: the caller's own account (the management account may
 * not name itself).  A contact that is not set is an error result with
 * code "ResourceNotFoundException"; the contact is NULL on any error.
 */
struct aws_pager *aws_account_get_alternate_contact(struct aws_client *,
		    const char *region, const char *type, account_contact_cb,
		    void *);

/* CloudTrail */
struct ct_trail {
	char	*name;
	char	*arn;
	char	*home_region;
	char	*s3_bucket;
	int	 multi_region;
	int	 global_events;
	int	 log_validation;
};
struct ct_trails {
	struct ct_trail	*v;
	size_t		 n;
};
typedef void	(*ct_trails_cb)(const struct aws_result *,
		    const struct ct_trails *, void *);
struct aws_pager *aws_cloudtrail_describe_trails(struct aws_client *,
		    const char *region, const char *name, ct_trails_cb, void *);

struct ct_status {
	int	 is_logging;
	char	*latest_delivery_error;
};
typedef void	(*ct_status_cb)(const struct aws_result *,
		    const struct ct_status *, void *);
struct aws_pager *aws_cloudtrail_get_trail_status(struct aws_client *,
		    const char *region, const char *name, ct_status_cb, void *);

struct ct_event {
	char	*event_id;
	char	*event_name;
	time_t	 event_time;
	char	*cloudtrail_event;	/* the raw JSON record */
};
struct ct_events {
	struct ct_event	*v;
	size_t		 n;
};
typedef void	(*ct_events_cb)(const struct aws_result *,
		    const struct ct_events *, void *);
/* attr_key/attr_value: one lookup attribute, or NULL for none. */
struct aws_pager *aws_cloudtrail_lookup_events(struct aws_client *,
		    const char *region, const char *attr_key,
		    const char *attr_value, time_t start, time_t end,
		    struct aws_ratelimit *, ct_events_cb, void *);

#endif
