/*
 * AWS Config (JSON 1.1, StarlingDoveService): the recorder, its status,
 * the delivery channels, the rules and their compliance, in one region.
 * Each call returns a pager handle (cancel it to stop; no callback
 * after that) and calls back once with the AWS result and, on success,
 * the answer, borrowed for the duration of the callback.
 */
#ifndef DRIFTWATCH_AWS_CONFIG_H
#define DRIFTWATCH_AWS_CONFIG_H

#include <stddef.h>

#include "driftwatch/aws.h"

/* The most rule names DescribeComplianceByConfigRule takes at once. */
#define CFG_MAX_RULE_NAMES	25

struct cfg_recorder {
	char	*name;
	int	 all_supported;		/* recordingGroup; -1 absent */
	int	 include_global;	/* includeGlobalResourceTypes; -1 */
	size_t	 nresource_types;
};

struct cfg_recorder_status {
	char	*name;
	int	 recording;		/* -1 absent */
	char	*last_status;		/* "SUCCESS", "FAILURE", ... */
	char	*last_error_code;
};

struct cfg_rule {
	char	*name;
	char	*owner;			/* Source.Owner: "AWS": managed */
	char	*source_id;		/* Source.SourceIdentifier */
	char	*state;			/* ConfigRuleState, or NULL */
};

struct cfg_compliance {
	char	*rule;
	char	*type;			/* ComplianceType, or NULL */
};

/* What one call read: only its own list is filled. */
struct cfg_answer {
	struct cfg_recorder		*recorders;
	size_t				 nrecorders;
	struct cfg_recorder_status	*statuses;
	size_t				 nstatuses;
	char				**channels;	/* their names */
	size_t				 nchannels;
	struct cfg_rule			*rules;
	size_t				 nrules;
	struct cfg_compliance		*compliance;
	size_t				 ncompliance;
};

typedef void	(*cfg_cb)(const struct aws_result *, const struct cfg_answer *,
		    void *);

struct aws_pager	*aws_config_describe_recorders(struct aws_client *,
			    const char *region, cfg_cb, void *);
struct aws_pager	*aws_config_describe_recorder_status(
			    struct aws_client *, const char *region, cfg_cb,
			    void *);
struct aws_pager	*aws_config_describe_delivery_channels(
			    struct aws_client *, const char *region, cfg_cb,
			    void *);
/* Every rule, all pages. */
struct aws_pager	*aws_config_describe_rules(struct aws_client *,
			    const char *region, cfg_cb, void *);
/* The compliance of up to CFG_MAX_RULE_NAMES rules, all pages. */
struct aws_pager	*aws_config_describe_compliance(struct aws_client *,
			    const char *region, char *const *names, size_t n,
			    cfg_cb, void *);

/* 1 when res says the named thing does not exist (an empty answer). */
int			 aws_config_none(const struct aws_result *res);

#endif
