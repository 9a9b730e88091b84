/*
 * Checking a URL against driftwatch's one rule (urlcheck.h), parsed
 * with curl's URL API so the host is the one curl will connect to.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "driftwatch/urlcheck.h"

static int
urlcheck_loopback(const char *host)
{
	struct in_addr	a;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a) != 1)
		return 0;
	return (ntohl(a.s_addr) >> 24) == 127;
}

const char *
urlcheck_problem(const char *url)
{
	CURLU		*u;
	char		*scheme = NULL, *host = NULL;
	const char	*why = NULL;

	if (strpbrk(url, " \t\r\n\v\f") != NULL)
		return "expected a URL without blanks";
	if ((u = curl_url()) == NULL)
		return "out of memory";
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		why = "expected a URL like https://host/path";
	else if (strcasecmp(scheme, "https") == 0)
		why = NULL;
	else if (strcasecmp(scheme, "http") != 0 || !urlcheck_loopback(host))
		why = "expected an https:// URL (http:// only to 127.0.0.0/8, "
		    "localhost or [::1])";
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return why;
}
