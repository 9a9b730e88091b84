/*
 * `status`'s two views of struct status (status.h): the table for a
 * person (report_status.c) and the JSON document (report_status_json.c).
 */
#ifndef DRIFTWATCH_REPORT_STATUS_H
#define DRIFTWATCH_REPORT_STATUS_H

#include <stdio.h>
#include <time.h>

struct status;

void	report_status_table(FILE *, const struct status *, int colour);
void	report_status_json(FILE *, const struct status *);
/* RFC 3339 UTC ("2026-12-03T13:40:00Z") into buf; "-" for 0. */
void	report_status_time(time_t, char *buf, size_t len);

#endif
