/*
 * The daemon's loop and the modes that share its parts.
 */
#ifndef DRIFTWATCH_DAEMON_H
#define DRIFTWATCH_DAEMON_H

#define EXIT_ON_BASELINE	0
#define EXIT_DRIFT		1
#define EXIT_UNKNOWN		2
#define EXIT_USAGE		64	/* sysexits EX_USAGE */
#define EXIT_SOFTWARE		70	/* EX_SOFTWARE */
#define EXIT_CONFIG		78	/* EX_CONFIG */

struct config;
struct baseline;

/* Loads both files; 0, or EXIT_CONFIG with the reason in err. */
int	daemon_load_files(const char *config_path, struct config **,
	    struct baseline **, char *err, size_t errlen);
/* us-east-1 plus each trail's home region, unless the config names some. */
int	daemon_event_regions(const struct config *, const struct baseline *,
	    char ***, size_t *);

/* Warns when no sink is enabled, or none takes high alerts. */
void	daemon_check_sinks(const struct config *);
int	daemon_run(const char *config_path, int verbosity);
int	report_check(const char *config_path, int json);
int	report_validate(const char *config_path);
/* `status` (report_status.c): the state directory, no AWS. */
int	report_status(const char *config_path, int json);



struct event_base;
struct http_client;
struct aws_client;
/* An AWS client with credentials resolved; NULL with err set. */
struct aws_client *daemon_aws_new(struct event_base *, struct http_client *,
	    const struct config *, char *err, size_t errlen);
/* Runs the loop until the client has credentials: 0, or err says why. */
int	daemon_aws_wait_creds(struct event_base *, struct aws_client *,
	    char *err, size_t errlen);
#endif
