/*
 * libFuzzer target: a sink's answer.  The input's first line is the
 * sink's URL, its first byte after that picks the HTTP status, the rest
 * is the body; sink_http_verdict() redacts the URL's parts from what it
 * keeps of the body.  Besides memory safety, one promise is checked:
 * when the URL's path shares no character with the redaction mark, the
 * path never shows in the detail (an occurrence could only lie in text
 * the redactor kept, and there it would have matched).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/http.h"
#include "driftwatch/sink.h"
#include "driftwatch/urlredact.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The path of a printable URL when the check above applies, or NULL. */
static const char *
fuzz_checked_path(const char *url)
{
	const char	*auth, *path;
	size_t		 i;

	for (i = 0; url[i] != '\0'; i++)
		if (url[i] < 0x21 || url[i] > 0x7e)
			return NULL;
	auth = (auth = strstr(url, "://")) != NULL ? auth + 3 : url;
	path = auth + strcspn(auth, "/?#");
	if (strlen(path) < URLREDACT_MIN ||
	    strpbrk(path, URLREDACT_MARK "REDACT") != NULL)
		return NULL;
	return path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long	 statuses[] = { 0, 200, 302, 400, 404, 429, 500 };
	const uint8_t		*nl = memchr(data, '\n', size);
	struct http_response	 resp;
	struct sink_result	 res;
	struct urlredact	*r;
	const char		*path;
	char			*url, *body;
	size_t			 ulen, blen;

	if (nl == NULL || (size_t)(nl - data) + 2 > size)
		return 0;
	ulen = (size_t)(nl - data);
	if ((url = strndup((const char *)data, ulen)) == NULL ||
	    strlen(url) != ulen) {
		free(url);
		return 0;
	}
	blen = size - ulen - 2;
	if ((body = malloc(blen + 1)) == NULL)
		abort();
	memcpy(body, nl + 2, blen);
	body[blen] = '\0';
	memset(&resp, 0, sizeof(resp));
	resp.status = statuses[nl[1] % (sizeof(statuses) / sizeof(statuses[0]))];
	resp.retry_after = -1;
	resp.body = body;
	resp.body_len = blen;
	if (resp.status == 0)
		memcpy(resp.error, body, blen < sizeof(resp.error) - 1 ? blen :
		    sizeof(resp.error) - 1);
	r = urlredact_new(url);
	sink_http_verdict(&resp, r, &res);
	if (strlen(res.detail) >= sizeof(res.detail))
		abort();
	if (r != NULL && (path = fuzz_checked_path(url)) != NULL &&
	    strstr(res.detail, path) != NULL)
		abort();
	urlredact_free(r);
	free(body);
	free(url);
	return 0;
}
