/*
 * account.email, a part of the account family (check_account.c): the
 * root user's email (Organizations DescribeOrganization
 * MasterAccountEmail: Account GetPrimaryEmail cannot read the
 * management account's own) equals the baseline's, ignoring ASCII
 * case, and/or matches its POSIX extended regular expression, also
 * ignoring case and, as with grep -E, anywhere unless anchored.
 * Baseline: "account": { "email": "aws-root@example.com",
 * "email_pattern": "^aws-[a-z]+@example\\.com$" }.
 */
#include <sys/types.h>

#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "driftwatch/aws_organizations.h"
#include "driftwatch/aws_services.h"
#include "driftwatch/baseline.h"
#include "driftwatch/check.h"
#include "driftwatch/check_parts.h"
#include "driftwatch/xmalloc.h"
#include "check_account.h"

#define CHECK_ID	"account.email"
#define EMAIL_MIN	6	/* the model's MasterAccountEmail */
#define EMAIL_MAX	64
#define PATTERN_MAX	512
#define EMAIL_TEXT	(EMAIL_MAX + PATTERN_MAX + 32)

struct check_account_email {
	char	*email;
	char	*pattern;
	regex_t	 re;		/* compiled pattern, when pattern is set */
};

struct check_account_email_run {
	struct check_run		 run;
	struct check_pass		*pass;
	const struct check_account_email *want;
	struct check_account_org_wait	*org;
};

static void
check_account_email_run_free(struct check_run *run)
{
	struct check_account_email_run	*r =
	    (struct check_account_email_run *)run;

	check_account_org_cancel(r->org);
	free(r);
}

/* ASCII case-insensitive equality, as for the contacts. */
static int
check_account_email_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (*a == *b)
			continue;
		if ((*a | 0x20) != (*b | 0x20) || (*a | 0x20) < 'a' ||
		    (*a | 0x20) > 'z')
			return 0;
	}
	return *a == *b;
}

static int
check_account_email_ok(const struct check_account_email *w, const char *got)
{
	if (w->email != NULL && !check_account_email_eq(w->email, got))
		return 0;
	return w->pattern == NULL || regexec(&w->re, got, 0, NULL, 0) == 0;
}

static void
check_account_email_expected(const struct check_account_email *w, char *buf,
    size_t len)
{
	if (w->email != NULL && w->pattern != NULL)
		snprintf(buf, len, "%s, matching /%s/", w->email, w->pattern);
	else if (w->email != NULL)
		snprintf(buf, len, "%s", w->email);
	else
		snprintf(buf, len, "matching /%s/", w->pattern);
}

static void
check_account_email_compare(struct check_account_email_run *r,
    const char *got)
{
	struct finding_obs	obs;
	char			exp[EMAIL_TEXT];

	check_account_email_expected(r->want, exp, sizeof(exp));
	memset(&obs, 0, sizeof(obs));
	obs.check = CHECK_ID;
	obs.resource = "";
	obs.severity = SEV_HIGH;
	obs.state = check_account_email_ok(r->want, got) ? FINDING_OK :
	    FINDING_DRIFT;
	obs.title = "The root user's email is not the baseline's";
	obs.expected = exp;
	obs.actual = got;
	check_observe(r->pass, &obs);
	check_end(r->pass, CHECK_ID, 1, NULL);
}

static void
check_account_email_cb(const struct aws_result *res,
    const struct org_organization *org, void *arg)
{
	struct check_account_email_run	*r = arg;
	char				 buf[512];

	r->org = NULL;
	if (res->result != 0)
		check_end(r->pass, CHECK_ID, 0, check_account_org_error(res,
		    buf, sizeof(buf)));
	else if (org->master_account_email == NULL)
		check_end(r->pass, CHECK_ID, 0, "Organizations "
		    "DescribeOrganization gave no MasterAccountEmail");
	else
		check_account_email_compare(r, org->master_account_email);
}

static struct check_run *
check_account_email_start(struct check_pass *p, const void *part)
{
	const struct check_account_email	*sec = part;
	struct check_account_email_run		*r;

	if (sec->email == NULL && sec->pattern == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->run.free = check_account_email_run_free;
	r->pass = p;
	r->want = sec;
	check_begin(p, CHECK_ID);
	r->org = check_account_org_read(p, check_pass_aws(p),
	    check_pass_region(p), check_account_email_cb, r);
	if (r->org == NULL)
		check_end(p, CHECK_ID, 0, "cannot start the Organizations call");
	return &r->run;
}

/*
 * Capture: the email the organization shows, only when the caller is
 * the management account (a member account would be handed its
 * management account's address as its own).
 */

struct check_account_email_cap {
	struct check_run		 run;
	struct check_capture		*cc;
	struct check_account_email	*part;
	struct check_part_wait		*wait;
	struct check_account_org_wait	*org;
	struct aws_pager		*sts;
	int				 pending;
	char				*caller;	/* STS account */
	char				*master;
	char				*email;
	char				*why;		/* not captured */
};

static void
check_account_email_cap_free(struct check_run *run)
{
	struct check_account_email_cap	*c =
	    (struct check_account_email_cap *)run;

	check_account_org_cancel(c->org);
	aws_pager_cancel(c->sts);
	free(c->caller);
	free(c->master);
	free(c->email);
	free(c->why);
	free(c);
}

static void
check_account_email_cap_why(struct check_account_email_cap *c,
    const char *why)
{
	if (c->why == NULL)
		c->why = xstrdup(why);
}

static void
check_account_email_cap_end(struct check_account_email_cap *c)
{
	if (--c->pending > 0)
		return;
	if (c->why == NULL && strcmp(c->caller, c->master) != 0)
		check_account_email_cap_why(c, "the account is a member "
		    "account: MasterAccountEmail is its management account's "
		    "address, not its own");
	if (c->why != NULL) {
		check_capture_unread(c->cc, CHECK_ID, c->why);
		check_part_done(c->wait, c->why);
		return;
	}
	baseline_set_str(&c->part->email, c->email);
	check_capture_note(c->cc, CHECK_ID, "the root email should be a "
	    "distribution list the security team reads; email_pattern can "
	    "hold it to a domain");
	check_part_done(c->wait, NULL);
}

static void
check_account_email_cap_org(const struct aws_result *res,
    const struct org_organization *org, void *arg)
{
	struct check_account_email_cap	*c = arg;
	char				 buf[512];

	c->org = NULL;
	if (check_account_org_not_in_use(res))
		check_account_email_cap_why(c, "the account is in no "
		    "organization (AWSOrganizationsNotInUseException): "
		    "account.identity will report drift until it is a "
		    "management account");
	else if (res->result != 0)
		check_account_email_cap_why(c, check_account_org_error(res, buf,
		    sizeof(buf)));
	else if (org->master_account_email == NULL)
		check_account_email_cap_why(c, "Organizations "
		    "DescribeOrganization gave no MasterAccountEmail");
	else {
		c->master = xstrdup(org->master_account_id);
		c->email = xstrdup(org->master_account_email);
	}
	check_account_email_cap_end(c);
}

static void
check_account_email_cap_sts(const struct aws_result *res,
    const struct sts_identity *id, void *arg)
{
	struct check_account_email_cap	*c = arg;
	char				 buf[512];

	c->sts = NULL;
	if (res->result != 0) {
		snprintf(buf, sizeof(buf), "STS GetCallerIdentity: %s",
		    aws_result_describe(res));
		check_account_email_cap_why(c, buf);
	} else
		c->caller = xstrdup(id->account);
	check_account_email_cap_end(c);
}

static struct check_run *
check_account_email_capture(struct check_capture *cc, void *part,
    struct check_part_wait *wait)
{
	struct check_account_email_cap	*c;

	c = xcalloc(1, sizeof(*c));
	c->run.free = check_account_email_cap_free;
	c->cc = cc;
	c->part = part;
	c->wait = wait;
	c->pending = 2;
	c->org = check_account_org_read(cc, check_capture_aws(cc),
	    check_capture_region(cc), check_account_email_cap_org, c);
	c->sts = aws_sts_get_caller_identity(check_capture_aws(cc),
	    check_capture_region(cc), check_account_email_cap_sts, c);
	if (c->org == NULL || c->sts == NULL) {
		check_account_org_cancel(c->org);
		aws_pager_cancel(c->sts);
		c->org = NULL;
		c->sts = NULL;
		c->pending = 1;
		check_account_email_cap_why(c, "cannot start the STS and "
		    "Organizations calls");
		check_account_email_cap_end(c);
	}
	return &c->run;
}

/* The baseline keys. */

/* The model's [^\s@]+@[^\s@]+\.[^\s@]+, 6 to 64 characters. */
static int
check_account_email_valid(const char *s)
{
	const char	*at = strchr(s, '@'), *dot, *p;
	size_t		 n = strlen(s);

	if (n < EMAIL_MIN || n > EMAIL_MAX || at == NULL || at == s ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	dot = strrchr(at, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

static int
check_account_parse_email(struct baseline_ctx *ctx, struct json_object *val,
    void *field)
{
	const char	*s = baseline_str(val);

	if (s == NULL || !check_account_email_valid(s))
		return baseline_fail(ctx, "expected an email address like "
		    "\"aws-root@example.com\" (%d to %d characters)",
		    EMAIL_MIN, EMAIL_MAX);
	baseline_set_str(field, s);
	return 0;
}

/*
 * Compiled here, so a bad pattern fails the baseline, not a pass.  The
 * field is the pattern member; the regex_t beside it is reached from
 * there, as baseline_walk hands a parser only its own member.
 */
static int
check_account_parse_pattern(struct baseline_ctx *ctx,
    struct json_object *val, void *field)
{
	struct check_account_email	*sec = (struct check_account_email *)
	    ((char *)field - offsetof(struct check_account_email, pattern));
	const char			*s = baseline_str(val);
	char				 why[128];
	int				 r;

	if (s == NULL || strlen(s) > PATTERN_MAX)
		return baseline_fail(ctx, "expected a POSIX extended regular "
		    "expression string of at most %d characters, like "
		    "\"^aws-root@example\\\\.com$\"", PATTERN_MAX);
	if (sec->pattern != NULL) {
		regfree(&sec->re);
		free(sec->pattern);
		sec->pattern = NULL;
	}
	if ((r = regcomp(&sec->re, s, REG_EXTENDED | REG_ICASE |
	    REG_NOSUB)) != 0) {
		regerror(r, &sec->re, why, sizeof(why));
		return baseline_fail(ctx, "not a POSIX extended regular "
		    "expression: %s", why);
	}
	sec->pattern = xstrdup(s);
	return 0;
}

#define CE(f)	offsetof(struct check_account_email, f)

static const struct baseline_field check_account_email_fields[] = {
	{ "email", check_account_parse_email, CE(email), 0 },
	{ "email_pattern", check_account_parse_pattern, CE(pattern), 0 },
	{ NULL, NULL, 0, 0 }
};

/* A baseline whose email its own pattern refuses could never pass. */
static int
check_account_email_validate(struct baseline_ctx *ctx, const void *part)
{
	const struct check_account_email	*sec = part;
	size_t					 depth;
	int					 r;

	if (sec->email == NULL || sec->pattern == NULL ||
	    regexec(&sec->re, sec->email, 0, NULL, 0) == 0)
		return 0;
	depth = baseline_depth(ctx);
	baseline_push(ctx, ".email");
	r = baseline_fail(ctx, "\"%s\" does not match email_pattern /%s/",
	    sec->email, sec->pattern);
	baseline_pop(ctx, depth);
	return r;
}

static void
check_account_email_free(void *part)
{
	struct check_account_email	*sec = part;

	if (sec->pattern != NULL)
		regfree(&sec->re);
	free(sec->pattern);
	free(sec->email);
}

static void
check_account_email_to_json(struct json_object *o, const void *part)
{
	const struct check_account_email	*sec = part;

	baseline_json_str(o, "email", sec->email);
	baseline_json_str(o, "email_pattern", sec->pattern);
}

const struct check_part check_account_email_part = {
	.name = CHECK_ID,
	.fields = check_account_email_fields,
	.size = sizeof(struct check_account_email),
	.free = check_account_email_free,
	.to_json = check_account_email_to_json,
	.validate = check_account_email_validate,
	.start = check_account_email_start,
	.capture = check_account_email_capture,
};
