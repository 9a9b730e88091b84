/*
 * The assume-role source: a profile with role_arn + source_profile.
 * One fetch is two steps on the loop: get the source profile's
 * credentials (its own provider, which may itself be a role), then STS
 * AssumeRole signed with them, on a private AWS client so the keys that
 * sign for the role never sign anything else.
 *
 * What botocore sends: RoleArn, RoleSessionName (role_session_name, else
 * "botocore-session-<seconds since the epoch>", fixed for the provider's
 * life), ExternalId and DurationSeconds when the profile sets them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>
#include <openssl/crypto.h>

#include "driftwatch/aws.h"
#include "driftwatch/creds_provider.h"
#include "driftwatch/error.h"
#include "driftwatch/log.h"
#include "driftwatch/secret.h"

struct creds_assume_role {
	struct aws_client	*sts;		/* owned */
	struct creds_provider	*source;	/* owned */
	struct creds_get	*get;		/* step 1 */
	struct aws_call		*call;		/* step 2 */
	struct creds_provider	*p;		/* what the fetch is for */
	creds_fetch_done	 done;
	char			*region;
	char			*role_arn;
	char			*external_id;	/* not a secret, never logged */
	char			*session_name;
	char			 duration[16];	/* "" when not set */
	char			 label[64];
};

static void
creds_assume_role_finish(struct creds_assume_role *ar, struct aws_creds *c,
    int error, const char *message)
{
	creds_fetch_done	done = ar->done;

	ar->done = NULL;
	if (done != NULL)
		done(ar->p, c, error, message);
	else
		aws_creds_free(c);
}

/* ISO 8601 as STS writes it: 2011-07-15T23:28:33.359Z, or with +hh:mm. */
static int
creds_assume_role_time(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p;
	int		 hh, mm, sign;

	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return DW_EPARSE;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*out = timegm(&tm)) == (time_t)-1)
		return DW_EPARSE;
	if (strcmp(p, "Z") == 0)
		return 0;
	if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2 ||
	    strlen(p) != 6)
		return DW_EPARSE;
	sign = *p == '+' ? 1 : -1;
	*out -= sign * (hh * 3600 + mm * 60);
	return 0;
}

/* A copy of a child's text, and the document's own copy wiped. */
static char *
creds_assume_role_take(xmlNode *parent, const char *name)
{
	xmlNode	*n;
	xmlChar	*text;
	char	*copy;

	if ((n = aws_xml_find(parent, name)) == NULL ||
	    (text = xmlNodeGetContent(n)) == NULL)
		return NULL;
	copy = strdup((const char *)text);
	OPENSSL_cleanse(text, strlen((const char *)text));
	xmlFree(text);
	if (n->children != NULL && n->children->content != NULL)
		OPENSSL_cleanse(n->children->content,
		    strlen((const char *)n->children->content));
	return copy;
}

static int
creds_assume_role_parse(struct creds_assume_role *ar, xmlDoc *doc,
    struct aws_creds **out)
{
	xmlNode	*cn;
	char	*akid = NULL, *secret = NULL, *token = NULL, *exp = NULL;
	time_t	 expiration;
	int	 r = DW_EPARSE;

	*out = NULL;
	cn = aws_xml_find(xmlDocGetRootElement(doc),
	    "AssumeRoleResult/Credentials");
	if (cn == NULL)
		return DW_EPARSE;
	akid = creds_assume_role_take(cn, "AccessKeyId");
	secret = creds_assume_role_take(cn, "SecretAccessKey");
	token = creds_assume_role_take(cn, "SessionToken");
	exp = creds_assume_role_take(cn, "Expiration");
	if (akid == NULL || secret == NULL || token == NULL || exp == NULL ||
	    *akid == '\0' || *secret == '\0' || *token == '\0' ||
	    creds_assume_role_time(exp, &expiration) != 0)
		goto out;
	r = DW_ENOMEM;
	if ((*out = aws_creds_new(akid, secret, token, ar->label)) == NULL)
		goto out;
	/* AWS's clock says when they expire; ours decides when to refresh */
	(*out)->expiration = expiration - (aws_client_now(ar->sts) -
	    time(NULL));
	(*out)->obtained = time(NULL);
	r = 0;
out:
	secret_free(akid);
	secret_free(secret);
	secret_free(token);
	free(exp);
	return r;
}

static void
creds_assume_role_answer(const struct aws_result *res, void *arg)
{
	struct creds_assume_role	*ar = arg;
	struct aws_creds		*c = NULL;
	char				 msg[768];
	int				 r;

	ar->call = NULL;
	if (res->result != 0) {
		snprintf(msg, sizeof msg, "AssumeRole of %s in %s failed: %s",
		    ar->role_arn, ar->region, aws_result_describe(res));
		creds_assume_role_finish(ar, NULL, DW_ECREDS, msg);
		return;
	}
	if ((r = creds_assume_role_parse(ar, res->xml, &c)) != 0) {
		snprintf(msg, sizeof msg, "AssumeRole of %s: %s answer "
		    "(request id %s)", ar->role_arn, r == DW_ENOMEM ?
		    "out of memory reading the" : "malformed credentials in the",
		    res->request_id ? res->request_id : "none");
		creds_assume_role_finish(ar, NULL, r, msg);
		return;
	}
	log_debug("assumed role %s for %s (request id %s)", ar->role_arn,
	    ar->label, res->request_id ? res->request_id : "none");
	creds_assume_role_finish(ar, c, 0, NULL);
}

static int
creds_assume_role_call(struct creds_assume_role *ar)
{
	struct aws_param	prm[4];
	size_t			n = 0;

	prm[n].name = "RoleArn";
	prm[n++].value = ar->role_arn;
	prm[n].name = "RoleSessionName";
	prm[n++].value = ar->session_name;
	if (ar->external_id != NULL) {
		prm[n].name = "ExternalId";
		prm[n++].value = ar->external_id;
	}
	if (ar->duration[0] != '\0') {
		prm[n].name = "DurationSeconds";
		prm[n++].value = ar->duration;
	}
	ar->call = aws_query(ar->sts, &aws_service_sts, ar->region,
	    "AssumeRole", prm, n, creds_assume_role_answer, ar);
	return ar->call != NULL ? 0 : DW_ENOMEM;
}

static void
creds_assume_role_source_cb(const struct aws_creds *c, int error,
    const char *message, void *arg)
{
	struct creds_assume_role	*ar = arg;
	struct aws_creds		*d;
	char				 msg[768];

	ar->get = NULL;
	if (c == NULL) {
		snprintf(msg, sizeof msg, "its source profile: %s", message);
		creds_assume_role_finish(ar, NULL, error, msg);
		return;
	}
	if ((d = aws_creds_dup(c)) == NULL) {
		creds_assume_role_finish(ar, NULL, DW_ENOMEM, "out of memory");
		return;
	}
	aws_client_set_creds(ar->sts, d);
	if (creds_assume_role_call(ar) != 0)
		creds_assume_role_finish(ar, NULL, DW_ENOMEM,
		    "cannot set up the AssumeRole call");
}

static int
creds_assume_role_fetch(void *impl, struct creds_provider *p,
    creds_fetch_done done)
{
	struct creds_assume_role	*ar = impl;

	ar->p = p;
	ar->done = done;
	ar->get = creds_provider_get(ar->source, creds_assume_role_source_cb,
	    ar);
	if (ar->get == NULL) {
		ar->done = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

static void
creds_assume_role_cancel(void *impl)
{
	struct creds_assume_role	*ar = impl;

	creds_get_cancel(ar->get);
	ar->get = NULL;
	aws_call_cancel(ar->call);
	ar->call = NULL;
	ar->done = NULL;
}

static void
creds_assume_role_free(void *impl)
{
	struct creds_assume_role	*ar = impl;

	if (ar == NULL)
		return;
	creds_assume_role_cancel(ar);
	creds_provider_free(ar->source);
	aws_client_free(ar->sts);
	free(ar->region);
	free(ar->role_arn);
	secret_free(ar->external_id);
	free(ar->session_name);
	free(ar);
}

static const struct creds_source creds_assume_role = {
	"assume-role", creds_assume_role_fetch, creds_assume_role_cancel,
	creds_assume_role_free
};

static int
creds_assume_role_init(struct creds_assume_role *ar, struct event_base *base,
    struct http_client *http, const struct aws_creds_role *role,
    const struct creds_sts_options *o)
{
	struct aws_client_options	co;

	memset(&co, 0, sizeof co);
	co.endpoint_url = o->endpoint_url;
	co.ca_bundle = o->ca_bundle;
	co.timeout_ms = o->timeout_ms;
	if ((ar->sts = aws_client_new(base, http, &co)) == NULL ||
	    (ar->region = strdup(o->region ? o->region : "us-east-1")) ==
	    NULL || (ar->role_arn = strdup(role->role_arn)) == NULL)
		return DW_ENOMEM;
	if (role->external_id != NULL &&
	    (ar->external_id = strdup(role->external_id)) == NULL)
		return DW_ENOMEM;
	if (role->session_name != NULL)
		ar->session_name = strdup(role->session_name);
	else if (asprintf(&ar->session_name, "botocore-session-%lld",
	    (long long)time(NULL)) == -1)
		ar->session_name = NULL;
	if (ar->session_name == NULL)
		return DW_ENOMEM;
	if (role->duration_seconds > 0)
		snprintf(ar->duration, sizeof ar->duration, "%d",
		    role->duration_seconds);
	snprintf(ar->label, sizeof ar->label, "profile %s (assumed role)",
	    role->profile);
	return 0;
}

struct creds_provider *
creds_assume_role_new(struct event_base *base, struct http_client *http,
    const struct aws_creds_role *role, const struct creds_sts_options *o,
    struct creds_provider *source, char *err, size_t errlen)
{
	struct creds_assume_role	*ar;
	char				*name = NULL;
	struct creds_provider		*p = NULL;

	if ((ar = calloc(1, sizeof *ar)) == NULL) {
		creds_provider_free(source);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ar->source = source;
	/* short: it starts every error message and the blind alert's title */
	if (creds_assume_role_init(ar, base, http, role, o) != 0 ||
	    asprintf(&name, "profile %s", role->profile) == -1) {
		name = NULL;
		creds_assume_role_free(ar);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	log_info("%s: assumes role %s (%s) in %s, signed by %s", name,
	    role->role_arn, role->origin, ar->region,
	    creds_provider_name(source));
	if ((p = creds_provider_new(base, &creds_assume_role, ar, name)) ==
	    NULL)
		snprintf(err, errlen, "out of memory");
	free(name);
	return p;
}
