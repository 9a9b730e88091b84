/*
 * How many AWS requests were sent, and how many failed, per service,
 * for the metrics textfile.  Counted per HTTP attempt where aws.c reads
 * the answer; process-wide, so a reload (a new AWS client) does not
 * reset counters Prometheus expects to only grow.
 */
#ifndef DRIFTWATCH_AWS_STATS_H
#define DRIFTWATCH_AWS_STATS_H

#include <stdint.h>

struct aws_service;

/* One attempt answered (or failed to be): error when it did not work. */
void	aws_stats_count(const struct aws_service *, int error);
/* The counts of a service in aws_services[]; zeros for another. */
void	aws_stats_get(const struct aws_service *, uint64_t *calls,
	    uint64_t *errors);

#endif
