/*
 * The one rule for every URL driftwatch is told to send to (sink URLs,
 * endpoint_url, AWS_ENDPOINT_URL*): https://, or http:// only to this
 * host (127.0.0.0/8, localhost, [::1]), so no secret or signed request
 * ever crosses a network in the clear.
 */
#ifndef DRIFTWATCH_URLCHECK_H
#define DRIFTWATCH_URLCHECK_H

/* NULL if url is acceptable, else a static string saying what is wrong. */
const char	*urlcheck_problem(const char *url);

#endif
