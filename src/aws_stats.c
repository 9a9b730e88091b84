/*
 * Per-service request counters, indexed like aws_services[]: a lookup
 * is a short scan of a handful of pointers, cheap beside a request.
 */
#include <stddef.h>
#include <stdint.h>

#include "driftwatch/aws.h"
#include "driftwatch/aws_stats.h"

#define AWS_STATS_MAX	32

static uint64_t	aws_stats_calls[AWS_STATS_MAX];
static uint64_t	aws_stats_errors[AWS_STATS_MAX];

static int
aws_stats_index(const struct aws_service *svc)
{
	int	i;

	for (i = 0; i < AWS_STATS_MAX && aws_services[i] != NULL; i++)
		if (aws_services[i] == svc)
			return i;
	return -1;
}

void
aws_stats_count(const struct aws_service *svc, int error)
{
	int	i;

	if ((i = aws_stats_index(svc)) < 0)
		return;
	aws_stats_calls[i]++;
	if (error)
		aws_stats_errors[i]++;
}

void
aws_stats_get(const struct aws_service *svc, uint64_t *calls,
    uint64_t *errors)
{
	int	i;

	*calls = *errors = 0;
	if ((i = aws_stats_index(svc)) < 0)
		return;
	*calls = aws_stats_calls[i];
	*errors = aws_stats_errors[i];
}
