/*
 * driftwatchd: keeps an AWS Organization's management account on its
 * security baseline.  main() parses the command line and hands over to
 * a mode; nothing below it calls exit() once the daemon runs.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "driftwatch/capture.h"
#include "driftwatch/config.h"
#include "driftwatch/daemon.h"
#include "driftwatch/log.h"
#include "driftwatch/mute_cmd.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: driftwatchd [-v] [-c file] [--json] run|check|status|validate\n"
"       driftwatchd [-v] [-c file] capture [-o file]\n"
"       driftwatchd [-c file] mute FINDING --until DATE --reason TEXT\n"
"       driftwatchd [-c file] unmute FINDING\n"
"       driftwatchd [-c file] [--json] mutes\n"
"       driftwatchd --help | --version\n"
"\n"
"Keeps an AWS Organization's management account on its security baseline.\n"
"\n"
"modes:\n"
"  run        the daemon (what systemd starts): poll, compare, alert\n"
"  check      one pass of the state checks; exit 0 on baseline, 1 drift,\n"
"             2 could not check, 64 usage, 78 bad config or baseline\n"
"  status     what the daemon sees, from its state directory alone;\n"
"             exit 0 all fine, 1 open findings, 2 blind or no pass yet,\n"
"             66 state directory unreadable, 74 a state file unreadable\n"
"  validate   check the config and baseline files and exit\n"
"  capture    read the live account and write a baseline to review;\n"
"             exit 0 all read, 2 something could not be read\n"
"  mute       hold a finding's alerts until DATE (UTC, 2027-01-31 or\n"
"             2027-01-31T12:00:00Z), for a reason\n"
"  unmute     end a mute the mute command made; exit 1 if there is none\n"
"  mutes      list the mutes, the baseline's and the command's\n"
"\n"
"options:\n"
"  -c, --config FILE   config file (default %s)\n"
"  -j, --json          check, status, mutes: print JSON instead of a table\n"
"  -o, --output FILE   capture: write the baseline to FILE (atomically)\n"
"      --until DATE    mute: until when\n"
"      --reason TEXT   mute: why, for whoever reads check or mutes\n"
"  -v, --verbose       more logging; twice for HTTP traces (secrets redacted)\n"
"  -h, --help          this text\n"
"  -V, --version       the version\n"
"\n"
"See driftwatchd(8), driftwatchd.conf(5) and driftwatch-baseline(5).\n",
	    CONFIG_DEFAULT_PATH);
}

static int
run_mode(const char *mode, const char *config, int json, const char *out,
    int verbose)
{
	int	r;

	if (strcmp(mode, "validate") == 0)
		return report_validate(config);
	if (strcmp(mode, "status") == 0)	/* no AWS, no curl */
		return report_status(config, json);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("cannot initialise libcurl");
		return EXIT_SOFTWARE;
	}
	xmlInitParser();
	if (strcmp(mode, "check") == 0)
		r = report_check(config, json);
	else if (strcmp(mode, "capture") == 0)
		r = report_capture(config, out);
	else
		r = daemon_run(config, verbose);
	xmlCleanupParser();
	curl_global_cleanup();
	return r;
}

static int
is_mute_mode(const char *mode)
{
	return strcmp(mode, "mute") == 0 || strcmp(mode, "unmute") == 0 ||
	    strcmp(mode, "mutes") == 0;
}

/* mute FINDING, unmute FINDING, mutes: argv[0] is the mode. */
static int
mute_mode(int argc, char *argv[], const char *config, int json,
    const char *until, const char *reason)
{
	int	want = strcmp(argv[0], "mutes") == 0 ? 1 : 2;

	if (argc != want) {
		fprintf(stderr, "driftwatchd: %s takes %s\n", argv[0],
		    want == 1 ? "no argument" : "one finding key");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (json && strcmp(argv[0], "mutes") != 0) {
		fprintf(stderr, "driftwatchd: --json is for check, status and mutes\n");
		return EXIT_USAGE;
	}
	if ((until != NULL || reason != NULL) && strcmp(argv[0], "mute") != 0) {
		fprintf(stderr, "driftwatchd: --until and --reason are for "
		    "mute only\n");
		return EXIT_USAGE;
	}
	log_init(LOG_BACKEND_STDERR, 0);
	if (strcmp(argv[0], "mute") == 0)
		return mute_cmd_mute(config, argv[1], until, reason);
	if (strcmp(argv[0], "unmute") == 0)
		return mute_cmd_unmute(config, argv[1]);
	return mute_cmd_list(config, json);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "until", required_argument, NULL, 'U' },
		{ "reason", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*config = CONFIG_DEFAULT_PATH, *mode, *out = NULL;
	const char	*until = NULL, *reason = NULL;
	int		 ch, json = 0, verbose = 0;

	while ((ch = getopt_long(argc, argv, "c:jo:vhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'U':
			until = optarg;
			break;
		case 'R':
			reason = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("driftwatchd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind >= 1 && is_mute_mode(argv[optind]))
		return mute_mode(argc - optind, argv + optind, config, json,
		    until, reason);
	if (until != NULL || reason != NULL) {
		fprintf(stderr, "driftwatchd: --until and --reason are for "
		    "mute only\n");
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	mode = argv[optind];
	if (strcmp(mode, "run") != 0 && strcmp(mode, "check") != 0 &&
	    strcmp(mode, "validate") != 0 && strcmp(mode, "capture") != 0 &&
	    strcmp(mode, "status") != 0) {
		fprintf(stderr, "driftwatchd: unknown mode '%s'\n", mode);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (out != NULL && strcmp(mode, "capture") != 0) {
		fprintf(stderr, "driftwatchd: -o is for capture only\n");
		return EXIT_USAGE;
	}
	if (out != NULL && *out == '\0') {
		fprintf(stderr, "driftwatchd: -o needs a file name\n");
		return EXIT_USAGE;
	}
	if (json && strcmp(mode, "check") != 0 && strcmp(mode, "status") != 0) {
		fprintf(stderr, "driftwatchd: --json is for check and status "
		    "only\n");
		return EXIT_USAGE;
	}
	log_init(strcmp(mode, "run") == 0 ? LOG_BACKEND_AUTO :
	    LOG_BACKEND_STDERR, verbose);
	return run_mode(mode, config, json, out, verbose);
}
