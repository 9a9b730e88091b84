/*
 * Prints where driftwatch sends each service's calls, for the test that
 * compares it with botocore's resolver:
 *
 *	endpoint_tool REGION...
 *
 * One line per service and region: signing-name region url signing-region.
 */
#include <stdio.h>
#include <stdlib.h>

#include "driftwatch/aws.h"

int
main(int argc, char **argv)
{
	const struct aws_service	*svc;
	char				*url, err[160];
	int				 i, r = 0;
	size_t				 k;

	for (i = 1; i < argc; i++) {
		for (k = 0; (svc = aws_services[k]) != NULL; k++) {
			if (aws_endpoint_url(svc, argv[i], NULL, &url, err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "%s %s: %s\n",
				    svc->signing_name, argv[i], err);
				r = 1;
				continue;
			}
			printf("%s %s %s %s\n", svc->signing_name, argv[i], url,
			    aws_endpoint_signing_region(svc, argv[i]));
			free(url);
		}
	}
	return r;
}
