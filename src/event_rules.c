/*
 * CloudTrail event rules: a table of event names per alert class, the
 * root test (userIdentity.type == "Root"), the break-glass test (an
 * IAMUser of this account with the name the baseline gives), the root
 * session marker (userIdentity.sessionContext.assumedRoot), and the alert
 * text.  Facts are pulled out of the event once, cleaned and capped, and
 * everything after that works on the cleaned copies.
 *
 * One event, one alert: the headline is root activity, else break-glass
 * use, else the rule the event name matches, else a root session; the
 * title and summary name a rule that also matched.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "driftwatch/alert.h"
#include "driftwatch/error.h"
#include "driftwatch/event_rules.h"
#include "driftwatch/evstate.h"
#include "driftwatch/jsonparse.h"
#include "driftwatch/textclean.h"

#define EVENT_RULES_MAXTITLE	99	/* bytes: under 100 characters */
#define EVENT_RULES_MAXCODE	48	/* error code in the title */
#define EVENT_RULES_ROOTMFA	"root-account-mfa-device"
#define EVENT_RULES_NTARGETS	6
#define EVENT_RULES_KEYMAX	64	/* a part of a dotted target path */

enum event_class {
	EVENT_ROOT,
	EVENT_MFA,
	EVENT_TRAIL,
	EVENT_CONFIG,
	EVENT_GUARD,
	EVENT_BREAKGLASS,
	EVENT_ROOTSESSION,
	EVENT_LIFECYCLE,
	EVENT_NONE,
};

static const struct {
	const char	*check;
	const char	*heading;	/* starts a title */
	const char	*label;		/* follows "Root user called X" */
	enum severity	 severity;
	/* requestParameters members, first present; "a.b" goes into a */
	const char	*targets[EVENT_RULES_NTARGETS];
} event_classes[] = {
	[EVENT_ROOT] = { "event.root_activity", "Root user activity",
	    "root user activity",
	    SEV_CRITICAL, { "userName", "serialNumber", "name", "trailName" } },
	[EVENT_MFA] = { "event.mfa_removed", "MFA removed", "MFA removed",
	    SEV_HIGH,
	    { "userName", "serialNumber" } },
	[EVENT_TRAIL] = { "event.cloudtrail_stopped",
	    "CloudTrail stopped or weakened", "CloudTrail stopped or weakened",
	    SEV_CRITICAL,
	    { "name", "trailName" } },
	[EVENT_CONFIG] = { "event.config_stopped",
	    "AWS Config stopped or changed", "AWS Config stopped or changed",
	    SEV_HIGH, { "configurationRecorderName", "deliveryChannelName",
	    "configRuleName", "configurationRecorder.name",
	    "configRule.configRuleName", "deliveryChannel.name" } },
	[EVENT_GUARD] = { "event.baseline_guard", "Baseline guard changed",
	    "baseline guard changed", SEV_MEDIUM,
	    { "userName", "alternateContactType", "accountAlias" } },
	[EVENT_BREAKGLASS] = { "event.break_glass_used",
	    "Break-glass user used", "break-glass user used", SEV_CRITICAL,
	    { "userName", "name", "trailName" } },
	[EVENT_ROOTSESSION] = { "event.root_session", "Root session taken",
	    "root session taken", SEV_HIGH, { "targetPrincipal" } },
	[EVENT_LIFECYCLE] = { "event.account_lifecycle",
	    "Account lifecycle", "account lifecycle", SEV_CRITICAL,
	    { "accountId" } },
};

/*
 * How an event names the resource of the state check it affects: not at
 * all (the check is about the account), by the rule's target (a trail,
 * a rule), the MFA device's owner (root.mfa, or iam.user_mfa and the
 * user), or the contact type (contacts.<type>).
 */
enum event_subject {
	SUBJ_NONE,
	SUBJ_TARGET,
	SUBJ_MFA,
	SUBJ_CONTACT,
};

/*
 * affects: the check whose drift the event causes; the event alert and
 * that drift's open alert share the correlation key "<check>[/<resource>]"
 * (event_rules_correlation()).  NULL: no state check follows it.
 */
static const struct event_rule {
	const char		*name;
	const char		*source;
	enum event_class	 class;
	int			 root_only;
	const char		*affects;
	enum event_subject	 subject;
} event_rules[] = {
	{ "DeactivateMFADevice", "iam.amazonaws.com", EVENT_MFA, 0,
	    "iam.user_mfa", SUBJ_MFA },
	{ "DeleteVirtualMFADevice", "iam.amazonaws.com", EVENT_MFA, 0,
	    "iam.user_mfa", SUBJ_MFA },
	{ "StopLogging", "cloudtrail.amazonaws.com", EVENT_TRAIL, 0,
	    "cloudtrail.logging", SUBJ_TARGET },
	{ "DeleteTrail", "cloudtrail.amazonaws.com", EVENT_TRAIL, 0,
	    "cloudtrail.trail", SUBJ_TARGET },
	{ "UpdateTrail", "cloudtrail.amazonaws.com", EVENT_TRAIL, 0,
	    "cloudtrail.trail", SUBJ_TARGET },
	{ "PutEventSelectors", "cloudtrail.amazonaws.com", EVENT_TRAIL, 0,
	    "cloudtrail.trail", SUBJ_TARGET },
	{ "PutInsightSelectors", "cloudtrail.amazonaws.com", EVENT_TRAIL, 0,
	    "cloudtrail.trail", SUBJ_TARGET },
	{ "StopConfigurationRecorder", "config.amazonaws.com", EVENT_CONFIG, 0,
	    "config.recorder", SUBJ_NONE },
	{ "DeleteConfigurationRecorder", "config.amazonaws.com",
	    EVENT_CONFIG, 0, "config.recorder", SUBJ_NONE },
	{ "DeleteDeliveryChannel", "config.amazonaws.com", EVENT_CONFIG, 0,
	    "config.recorder", SUBJ_NONE },
	{ "DeleteConfigRule", "config.amazonaws.com", EVENT_CONFIG, 0,
	    "config.rules", SUBJ_TARGET },
	{ "PutConfigurationRecorder", "config.amazonaws.com", EVENT_CONFIG, 0,
	    "config.recorder", SUBJ_NONE },
	{ "PutConfigRule", "config.amazonaws.com", EVENT_CONFIG, 0,
	    "config.rules", SUBJ_TARGET },
	{ "PutDeliveryChannel", "config.amazonaws.com", EVENT_CONFIG, 0,
	    "config.recorder", SUBJ_NONE },
	{ "DeleteAccountPasswordPolicy", "iam.amazonaws.com", EVENT_GUARD, 0,
	    "iam.password_policy", SUBJ_NONE },
	{ "UpdateAccountPasswordPolicy", "iam.amazonaws.com", EVENT_GUARD, 0,
	    "iam.password_policy", SUBJ_NONE },
	{ "DeleteAlternateContact", "account.amazonaws.com", EVENT_GUARD, 0,
	    "contacts", SUBJ_CONTACT },
	{ "PutAlternateContact", "account.amazonaws.com", EVENT_GUARD, 0,
	    "contacts", SUBJ_CONTACT },
	{ "DeleteAccountAlias", "iam.amazonaws.com", EVENT_GUARD, 0,
	    "iam.alias", SUBJ_NONE },
	/* by root: critical, as root activity, the guard change named too */
	{ "CreateAccessKey", "iam.amazonaws.com", EVENT_GUARD, 1,
	    "root.access_keys", SUBJ_NONE },
	{ "AssumeRoot", "sts.amazonaws.com", EVENT_ROOTSESSION, 0, NULL,
	    SUBJ_NONE },
	{ "CloseAccount", "organizations.amazonaws.com", EVENT_LIFECYCLE, 0,
	    NULL, SUBJ_NONE },
	{ "LeaveOrganization", "organizations.amazonaws.com",
	    EVENT_LIFECYCLE, 0, NULL, SUBJ_NONE },
	{ "RemoveAccountFromOrganization", "organizations.amazonaws.com",
	    EVENT_LIFECYCLE, 0, NULL, SUBJ_NONE },
};

/* What the alert is made of; every string cleaned and owned. */
struct event_facts {
	const char		*id;		/* validated, borrowed */
	char			*name;
	char			*source;
	char			*time;
	char			*region;
	char			*actor_type;
	char			*arn;
	char			*key_id;
	char			*ip;
	char			*agent;
	char			*target;
	const char		*target_key;	/* requestParameters key */
	char			*error;
	char			*mfa;		/* MFAUsed of a sign-in */
	char			*account;
	char			*bg_user;	/* the break-glass user's name */
	int			 root;
	int			 breakglass;	/* by the break-glass user */
	int			 root_session;	/* sessionContext.assumedRoot */
	int			 root_mfa;	/* the root user's MFA device */
	int			 console;	/* a ConsoleLogin */
	const struct event_rule	*rule;
	enum event_class	 class;		/* the headline; EVENT_NONE */
	enum event_class	 also;		/* a rule under it; EVENT_NONE */
	enum severity		 severity;
	const char		*check;
};

static void
event_rules_facts_free(struct event_facts *f)
{
	free(f->name);
	free(f->source);
	free(f->time);
	free(f->region);
	free(f->actor_type);
	free(f->arn);
	free(f->key_id);
	free(f->ip);
	free(f->agent);
	free(f->target);
	free(f->error);
	free(f->mfa);
	free(f->account);
	free(f->bg_user);
}

/* A non-empty string member without embedded NULs, or NULL. */
static const char *
event_rules_str(struct json_object *o, const char *key)
{
	struct json_object	*v;
	const char		*s;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (*s == '\0' || strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

static struct json_object *
event_rules_obj(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

static int
event_rules_streq(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

static int
event_rules_endswith(const char *s, const char *suffix)
{
	size_t	ls, lx = strlen(suffix);

	if (s == NULL || (ls = strlen(s)) < lx)
		return 0;
	return strcmp(s + ls - lx, suffix) == 0;
}

/* A cleaned copy into *dst; 0, or DW_ENOMEM.  NULL stays NULL. */
static int
event_rules_clean(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL)
		return 0;
	if ((*dst = textclean_dup(s, EVENT_RULES_MAXFIELD)) == NULL)
		return DW_ENOMEM;
	return 0;
}

static const struct event_rule *
event_rules_find(const char *name, const char *source, int root)
{
	size_t	i;

	for (i = 0; i < sizeof(event_rules) / sizeof(event_rules[0]); i++) {
		if (strcmp(event_rules[i].name, name) != 0)
			continue;
		/* A missing source fails towards an alert. */
		if (source != NULL && strcmp(source, event_rules[i].source) != 0)
			continue;
		if (event_rules[i].root_only && !root)
			continue;
		return &event_rules[i];
	}
	return NULL;
}

/* A string member by path: "configRule.configRuleName" goes into one. */
static const char *
event_rules_path(struct json_object *o, const char *path)
{
	char		 part[EVENT_RULES_KEYMAX];
	const char	*dot;

	while ((dot = strchr(path, '.')) != NULL) {
		if ((size_t)(dot - path) >= sizeof(part))
			return NULL;
		memcpy(part, path, (size_t)(dot - path));
		part[dot - path] = '\0';
		if (o == NULL || (o = event_rules_obj(o, part)) == NULL)
			return NULL;
		path = dot + 1;
	}
	return event_rules_str(o, path);
}

/* The first target the class names that the request carries, by key. */
static const char *
event_rules_target(struct json_object *ev, enum event_class class,
    const char **key)
{
	struct json_object	*req;
	const char		*s, *t;
	size_t			 i;

	*key = NULL;
	if ((req = event_rules_obj(ev, "requestParameters")) == NULL)
		return NULL;
	for (i = 0; i < EVENT_RULES_NTARGETS &&
	    event_classes[class].targets[i] != NULL; i++) {
		*key = event_classes[class].targets[i];
		if ((s = event_rules_path(req, *key)) == NULL)
			continue;
		/* a trail named by ARN: its name keeps titles short */
		if (strncmp(s, "arn:", 4) == 0 && (t = strstr(s, ":trail/")) !=
		    NULL && t[7] != '\0')
			return t + 7;
		return s;
	}
	*key = NULL;
	return NULL;
}

/* errorCode, or "Failure" for a failed console sign-in. */
static const char *
event_rules_error(struct json_object *ev)
{
	const char	*s;

	if ((s = event_rules_str(ev, "errorCode")) != NULL)
		return s;
	s = event_rules_str(event_rules_obj(ev, "responseElements"),
	    "ConsoleLogin");
	return event_rules_streq(s, "Failure") ? s : NULL;
}

/*
 * The break-glass user's name when the event is by it: an IAMUser (not a
 * role session, not a user of another account) of that name; IAM user
 * names are unique without regard to case.  The userName member, else
 * the last part of the user's ARN.
 */
static const char *
event_rules_breakglass(struct json_object *uid,
    const struct event_rules_opts *o)
{
	const char	*name, *acct, *arn, *slash;

	if (o->break_glass_user == NULL || *o->break_glass_user == '\0' ||
	    !event_rules_streq(event_rules_str(uid, "type"), "IAMUser"))
		return NULL;
	acct = event_rules_str(uid, "accountId");
	if (acct != NULL && o->account_id != NULL &&
	    strcmp(acct, o->account_id) != 0)
		return NULL;
	if ((name = event_rules_str(uid, "userName")) == NULL &&
	    (arn = event_rules_str(uid, "arn")) != NULL &&
	    strstr(arn, ":user/") != NULL && (slash = strrchr(arn, '/')) !=
	    NULL)
		name = slash + 1;
	if (name == NULL || strcasecmp(name, o->break_glass_user) != 0)
		return NULL;
	return name;
}

/* The headline class: root, break-glass, the rule, a root session. */
static enum event_class
event_rules_headline(const struct event_facts *f)
{
	if (f->root)
		return EVENT_ROOT;
	if (f->breakglass)
		return EVENT_BREAKGLASS;
	if (f->rule != NULL)
		return f->rule->class;
	if (f->root_session)
		return EVENT_ROOTSESSION;
	return EVENT_NONE;
}

/* Decides which rules match; the alert's class and severity. */
static void
event_rules_classify(struct event_facts *f, struct json_object *ev,
    const char *name, const char *source, const char *bg)
{
	struct json_object	*uid, *sc;
	const char		*serial;

	uid = event_rules_obj(ev, "userIdentity");
	sc = uid != NULL ? event_rules_obj(uid, "sessionContext") : NULL;
	f->root = event_rules_streq(event_rules_str(uid, "type"), "Root");
	f->breakglass = bg != NULL;
	f->root_session = event_rules_streq(event_rules_str(sc,
	    "assumedRoot"), "true");
	f->console = strcmp(name, "ConsoleLogin") == 0;
	f->rule = event_rules_find(name, source, f->root);
	serial = event_rules_str(event_rules_obj(ev, "requestParameters"),
	    "serialNumber");
	f->root_mfa = f->root || event_rules_endswith(serial,
	    EVENT_RULES_ROOTMFA);
	f->class = event_rules_headline(f);
	f->also = EVENT_NONE;
	if (f->class == EVENT_NONE)
		return;
	if ((f->class == EVENT_ROOT || f->class == EVENT_BREAKGLASS) &&
	    f->rule != NULL)
		f->also = f->rule->class;
	f->check = event_classes[f->class].check;
	f->severity = event_classes[f->class].severity;
	if (f->class == EVENT_MFA && f->root_mfa)
		f->severity = SEV_CRITICAL;
}

static int
event_rules_identity(struct event_facts *f, struct json_object *ev)
{
	struct json_object	*uid = event_rules_obj(ev, "userIdentity");

	if (event_rules_clean(&f->actor_type, event_rules_str(uid, "type")) ||
	    event_rules_clean(&f->arn, event_rules_str(uid, "arn")) ||
	    event_rules_clean(&f->key_id, event_rules_str(uid,
	    "accessKeyId")))
		return DW_ENOMEM;
	return 0;
}

static int
event_rules_facts(struct event_facts *f, struct json_object *ev,
    const char *region_hint, const char *account_id, const char *bg)
{
	const char		*region, *account;
	enum event_class	 class;

	region = event_rules_str(ev, "awsRegion");
	account = account_id ? account_id :
	    event_rules_str(ev, "recipientAccountId");
	/* the target of the rule matched, else of the headline's class */
	class = f->rule != NULL ? f->rule->class : f->class;
	if (event_rules_clean(&f->name, event_rules_str(ev, "eventName")) ||
	    event_rules_clean(&f->source, event_rules_str(ev, "eventSource")) ||
	    event_rules_clean(&f->time, event_rules_str(ev, "eventTime")) ||
	    event_rules_clean(&f->region, region ? region : region_hint) ||
	    event_rules_clean(&f->ip, event_rules_str(ev, "sourceIPAddress")) ||
	    event_rules_clean(&f->agent, event_rules_str(ev, "userAgent")) ||
	    event_rules_clean(&f->target, event_rules_target(ev, class,
	    &f->target_key)) ||
	    event_rules_clean(&f->error, event_rules_error(ev)) ||
	    event_rules_clean(&f->mfa, event_rules_path(ev,
	    "additionalEventData.MFAUsed")) ||
	    event_rules_clean(&f->account, account) ||
	    event_rules_clean(&f->bg_user, bg) ||
	    event_rules_identity(f, ev))
		return DW_ENOMEM;
	return 0;
}

/* --- text ------------------------------------------------------------- */

#define EVENT_RULES_OR(s)	((s) != NULL ? (s) : "-")

/* "Root user" or "Break-glass user NAME": who the headline is about. */
static int
event_rules_who(const struct event_facts *f, char *buf, size_t len)
{
	if (f->class == EVENT_ROOT)
		snprintf(buf, len, "Root user");
	else if (f->class == EVENT_BREAKGLASS)
		snprintf(buf, len, "Break-glass user %s",
		    EVENT_RULES_OR(f->bg_user));
	else
		return 0;
	return 1;
}

/* "MFA removed from IAM user alice (DeactivateMFADevice)" and the like. */
static int
event_rules_base(const struct event_facts *f, char **out)
{
	const char	*t = f->target, *what;
	char		 who[EVENT_RULES_MAXFIELD + 32];
	int		 r, person;

	what = event_rules_streq(f->target_key, "userName") ? "IAM user " :
	    "device ";
	person = event_rules_who(f, who, sizeof(who));

	if (person && f->console)
		r = asprintf(out, "%s %s", who, f->error ? "console sign-in "
		    "failed" : "signed in to the console");
	else if (person && f->also != EVENT_NONE)
		r = asprintf(out, "%s called %s (%s)", who, f->name,
		    event_classes[f->also].label);
	else if (person)
		r = asprintf(out, "%s called %s", who, f->name);
	else if (f->class == EVENT_MFA)
		r = asprintf(out, "MFA removed from %s%s (%s)", f->root_mfa ?
		    "root" : t ? what : "an IAM user",
		    f->root_mfa || !t ? "" : t, f->name);
	else
		r = asprintf(out, "%s: %s%s%s", f->class == EVENT_ROOTSESSION &&
		    f->rule == NULL ? "Root session used" :
		    event_classes[f->class].heading, f->name,
		    t ? " on " : "", t ? t : "");
	if (r == -1) {
		*out = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

/* One line under 100 characters; a failure is never cut off the end. */
static int
event_rules_title(const struct event_facts *f, char **out)
{
	char	*base = NULL, *cut = NULL, suffix[EVENT_RULES_MAXCODE + 16];
	int	 r = DW_ENOMEM;

	*out = NULL;
	suffix[0] = '\0';
	if (f->error != NULL && !(f->console && (f->class == EVENT_ROOT ||
	    f->class == EVENT_BREAKGLASS)))
		snprintf(suffix, sizeof(suffix), " [failed: %.*s]",
		    EVENT_RULES_MAXCODE, f->error);
	if (event_rules_base(f, &base) != 0)
		goto out;
	if ((cut = textclean_dup(base, EVENT_RULES_MAXTITLE -
	    strlen(suffix))) == NULL)
		goto out;
	if (asprintf(out, "%s%s", cut, suffix) == -1) {
		*out = NULL;
		goto out;
	}
	r = 0;
out:
	free(base);
	free(cut);
	return r;
}

static int
event_rules_summary(const struct event_facts *f, char **out)
{
	const char	*also = "";

	if (f->also != EVENT_NONE)
		also = event_classes[f->also].label;
	else if (f->class != EVENT_ROOTSESSION && f->root_session)
		also = event_classes[EVENT_ROOTSESSION].label;
	if (asprintf(out, "Who: %s %s%s%s\n"
	    "What: %s (%s)%s%s\n"
	    "Result: %s%s\n"
	    "When: %s\n"
	    "From: %s, user agent %s\n"
	    "Region: %s, account %s\n"
	    "Event: %s%s%s",
	    EVENT_RULES_OR(f->actor_type), EVENT_RULES_OR(f->arn),
	    f->key_id ? ", access key " : "", f->key_id ? f->key_id : "",
	    f->name, EVENT_RULES_OR(f->source), f->target ? " on " : "",
	    f->target ? f->target : "",
	    f->error ? "failed: " : "succeeded", f->error ? f->error : "",
	    EVENT_RULES_OR(f->time), EVENT_RULES_OR(f->ip),
	    EVENT_RULES_OR(f->agent), EVENT_RULES_OR(f->region),
	    EVENT_RULES_OR(f->account), f->id, *also ? "; also " : "",
	    also) == -1) {
		*out = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

/* Hands the cleaned strings over to the alert's event part. */
static void
event_rules_move(struct event_facts *f, struct alert_event *ev)
{
	ev->event_name = f->name;
	ev->event_source = f->source;
	ev->event_time = f->time;
	ev->region = f->region;
	ev->actor_type = f->actor_type;
	ev->actor_arn = f->arn;
	ev->access_key_id = f->key_id;
	ev->source_ip = f->ip;
	ev->user_agent = f->agent;
	ev->target = f->target;
	ev->error_code = f->error;
	ev->mfa_used = f->mfa;
	f->name = f->source = f->time = f->region = f->actor_type = NULL;
	f->arn = f->key_id = f->ip = f->agent = f->target = f->error = NULL;
	f->mfa = NULL;
}

/*
 * The correlation key of the drift the event causes, as the findings
 * store keys it: "root.mfa", "iam.user_mfa/alice", "contacts.billing",
 * "cloudtrail.logging/org-trail"; NULL when no state check follows.
 */
static int
event_rules_correlation(const struct event_facts *f, char **out)
{
	const struct event_rule	*r = f->rule;
	const char		*t = f->target;
	char			*s;
	int			 n = 0;

	*out = NULL;
	if (r == NULL || r->affects == NULL || f->error != NULL)
		return 0;	/* a failed call changes nothing */
	if (r->subject == SUBJ_MFA && f->root_mfa)
		n = asprintf(out, "root.mfa");
	else if (r->subject == SUBJ_MFA &&
	    event_rules_streq(f->target_key, "userName"))
		n = asprintf(out, "%s/%s", r->affects, t);
	else if (r->subject == SUBJ_CONTACT && t != NULL) {
		n = asprintf(out, "%s.%s", r->affects, t);
		for (s = *out; n != -1 && *s != '\0'; s++)
			*s = (char)tolower((unsigned char)*s);
	} else if (r->subject == SUBJ_TARGET && t != NULL)
		n = asprintf(out, "%s/%s", r->affects, t);
	else if (r->subject != SUBJ_CONTACT)
		n = asprintf(out, "%s", r->affects);
	if (n == -1) {
		*out = NULL;
		return DW_ENOMEM;
	}
	return 0;
}

/* "Related to: ..." under the summary, naming what the drift will carry. */
static int
event_rules_related(struct alert *a)
{
	char	*s;

	if (a->correlation == NULL)
		return 0;
	if (asprintf(&s, "%s\nRelated to: the drift it causes on %s "
	    "(the same correlation key)", a->summary, a->correlation) == -1)
		return DW_ENOMEM;
	free(a->summary);
	a->summary = s;
	return 0;
}

static int
event_rules_alert(struct event_facts *f, struct alert **out)
{
	struct alert	*a = NULL;
	char		*finding = NULL;
	int		 r = DW_ENOMEM;

	if ((a = alert_new(ALERT_EVENT, f->severity)) == NULL)
		goto out;
	alert_set_id(a, "evt", f->id);
	a->time = time(NULL);
	if (asprintf(&finding, "%s/%s", f->check, f->id) == -1) {
		finding = NULL;
		goto out;
	}
	if (alert_set(&a->check, f->check) != 0 ||
	    alert_set(&a->finding, finding) != 0 ||
	    alert_set(&a->account, f->account) != 0 ||
	    alert_set(&a->ev.event_id, f->id) != 0 ||
	    event_rules_title(f, &a->title) != 0 ||
	    event_rules_summary(f, &a->summary) != 0 ||
	    event_rules_correlation(f, &a->correlation) != 0 ||
	    event_rules_related(a) != 0)
		goto out;
	event_rules_move(f, &a->ev);
	*out = a;
	a = NULL;
	r = 0;
out:
	alert_free(a);
	free(finding);
	return r;
}

/* --- entry ------------------------------------------------------------- */

/* The event's object and its name and id, or DW_EPARSE with err. */
static int
event_rules_parse(const char *json, size_t len, struct json_object **ev,
    const char **name, char *err, size_t errlen)
{
	char	perr[128];
	int	r;

	if (len > EVENT_RULES_MAXINPUT) {
		snprintf(err, errlen, "CloudTrail event of %zu bytes is over "
		    "the %d byte cap", len, EVENT_RULES_MAXINPUT);
		return DW_ETOOBIG;
	}
	if ((r = jsonparse(json, len, ev, perr, sizeof(perr))) != 0) {
		snprintf(err, errlen, "CloudTrail event: %s", perr);
		return r;
	}
	if (!json_object_is_type(*ev, json_type_object)) {
		snprintf(err, errlen, "CloudTrail event is not a JSON object");
		return DW_EPARSE;
	}
	if ((*name = event_rules_str(*ev, "eventName")) == NULL) {
		snprintf(err, errlen, "CloudTrail event has no eventName string");
		return DW_EPARSE;
	}
	if (!evstate_valid_id(event_rules_str(*ev, "eventID"))) {
		snprintf(err, errlen, "CloudTrail event has no valid eventID");
		return DW_EPARSE;
	}
	return 0;
}

int
event_rules_match_opts(const char *json, size_t len,
    const struct event_rules_opts *o, struct alert **out, char *err,
    size_t errlen)
{
	struct event_facts	 f = { 0 };
	struct json_object	*ev = NULL;
	const char		*name, *bg;
	int			 r;

	*out = NULL;
	if ((r = event_rules_parse(json, len, &ev, &name, err, errlen)) != 0)
		goto out;
	bg = event_rules_breakglass(event_rules_obj(ev, "userIdentity"), o);
	event_rules_classify(&f, ev, name, event_rules_str(ev, "eventSource"),
	    bg);
	if (f.class == EVENT_NONE)
		goto out;
	f.id = event_rules_str(ev, "eventID");
	if ((r = event_rules_facts(&f, ev, o->region_hint, o->account_id,
	    bg)) != 0 || (r = event_rules_alert(&f, out)) != 0)
		snprintf(err, errlen, "out of memory for a CloudTrail alert");
out:
	event_rules_facts_free(&f);
	json_object_put(ev);
	return r;
}

int
event_rules_match(const char *json, size_t len, const char *region_hint,
    const char *account_id, struct alert **out, char *err, size_t errlen)
{
	struct event_rules_opts	o = { region_hint, account_id, NULL };

	return event_rules_match_opts(json, len, &o, out, err, errlen);
}
