/*
 * The static source: keys that never change (the environment, systemd's
 * credential, a profile's keys).  Each fetch hands out a copy at once,
 * so the provider's cache and queue work for them as for any source.
 */
#include <stdlib.h>

#include "driftwatch/creds_provider.h"
#include "driftwatch/error.h"

static int
creds_static_fetch(void *impl, struct creds_provider *p,
    creds_fetch_done done)
{
	struct aws_creds	*c;

	if ((c = aws_creds_dup(impl)) == NULL)
		return DW_ENOMEM;
	done(p, c, 0, NULL);
	return 0;
}

static void
creds_static_free(void *impl)
{
	aws_creds_free(impl);
}

static const struct creds_source creds_static = {
	"static", creds_static_fetch, NULL, creds_static_free
};

struct creds_provider *
creds_static_new(struct event_base *base, struct aws_creds *c)
{
	if (c == NULL)
		return NULL;
	return creds_provider_new(base, &creds_static, c, c->source);
}
