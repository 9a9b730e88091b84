/*
 * CloudTrail event rules: every SPEC section 2 event, the root test,
 * failed calls, hostile and malformed events.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driftwatch/alert.h"
#include "driftwatch/error.h"
#include "driftwatch/event_rules.h"
#include "tap.h"

#define ACCOUNT		"123456789012"
#define ROOT_ARN	"arn:aws:iam::123456789012:root"
#define USER_ARN	"arn:aws:iam::123456789012:user/alice"

static int	evn;
static char	last_id[64];

/*
 * A LookupEvents CloudTrailEvent: identity type and ARN, event name and
 * source, requestParameters (JSON), then any extra members.
 */
static char *
mkev(const char *type, const char *arn, const char *name, const char *source,
    const char *req, const char *extra)
{
	char	*s;

	snprintf(last_id, sizeof(last_id),
	    "3fcfb6d5-0c2a-4b1e-9d6f-%012d", ++evn);
	if (asprintf(&s, "{\"eventVersion\":\"1.08\",\"userIdentity\":{"
	    "\"type\":\"%s\",\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"%s\","
	    "\"accountId\":\"" ACCOUNT "\",\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\","
	    "\"userName\":\"alice\"},\"eventTime\":\"2024-05-01T10:00:00Z\","
	    "\"eventSource\":\"%s\",\"eventName\":\"%s\",\"awsRegion\":"
	    "\"us-east-1\",\"sourceIPAddress\":\"203.0.113.5\",\"userAgent\":"
	    "\"aws-cli/2.15.0\",\"requestParameters\":%s,\"responseElements\":"
	    "null,\"eventID\":\"%s\",\"readOnly\":false,\"eventType\":"
	    "\"AwsApiCall\",\"recipientAccountId\":\"" ACCOUNT "\"%s}",
	    type, arn, source, name, req ? req : "null", last_id,
	    extra ? extra : "") == -1)
		abort();
	return s;
}

/* An event with its whole userIdentity object given. */
static char *
mkev_uid(const char *uid, const char *name, const char *source,
    const char *req, const char *extra)
{
	char	*s;

	snprintf(last_id, sizeof(last_id),
	    "3fcfb6d5-0c2a-4b1e-9d6f-%012d", ++evn);
	if (asprintf(&s, "{\"eventVersion\":\"1.08\",\"userIdentity\":%s,"
	    "\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"%s\","
	    "\"eventName\":\"%s\",\"awsRegion\":\"us-west-2\","
	    "\"sourceIPAddress\":\"192.0.2.1\",\"userAgent\":\"aws-cli/2.15.0\","
	    "\"requestParameters\":%s,\"responseElements\":null,\"eventID\":"
	    "\"%s\",\"readOnly\":false,\"eventType\":\"AwsApiCall\","
	    "\"recipientAccountId\":\"" ACCOUNT "\"%s}", uid, source, name,
	    req ? req : "null", last_id, extra ? extra : "") == -1)
		abort();
	return s;
}

static char		 err[512];
static const char	*break_glass;	/* the user run() names */

/* Matches and frees json; the alert or NULL, rc in *rc. */
static struct alert *
run(char *json, int *rc)
{
	struct event_rules_opts	 o = { "eu-west-1", ACCOUNT, break_glass };
	struct alert		*a = NULL;

	err[0] = '\0';
	*rc = event_rules_match_opts(json, strlen(json), &o, &a, err,
	    sizeof(err));
	free(json);
	return a;
}

/* The id alert_set_id() derives from the last event's id. */
static const char *
want_id(char *buf, size_t len)
{
	struct alert	*t;

	if ((t = alert_new(ALERT_EVENT, SEV_INFO)) == NULL)
		abort();
	alert_set_id(t, "evt", last_id);
	snprintf(buf, len, "%s", t->id);
	alert_free(t);
	return buf;
}

static struct alert *
expect(char *json, enum severity sev, const char *check, const char *what)
{
	struct alert	*a;
	char		 want[ALERT_ID_LEN];
	int		 rc;

	a = run(json, &rc);
	is_int(rc, 0, "%s: matched without error", what);
	if (!ok(a != NULL, "%s: alerts", what))
		return NULL;
	is_int(a->severity, sev, "%s: severity %s", what, severity_name(sev));
	IS_STR(a->check, check, "%s: check", what);
	IS_STR(a->id, want_id(want, sizeof(want)), "%s: stable id from eventID",
	    what);
	is_int(a->kind, ALERT_EVENT, "%s: kind event", what);
	ok(a->title != NULL && strlen(a->title) < 100 &&
	    strchr(a->title, '\n') == NULL, "%s: one-line title < 100: %s",
	    what, a->title ? a->title : "(null)");
	return a;
}

static void
none(char *json, const char *what)
{
	struct alert	*a;
	int		 rc;

	a = run(json, &rc);
	is_int(rc, 0, "%s: no error", what);
	ok(a == NULL, "%s: no alert", what);
	alert_free(a);
}

static void
test_root(void)
{
	struct alert	*a;

	a = expect(mkev("Root", ROOT_ARN, "ConsoleLogin",
	    "signin.amazonaws.com", NULL, ",\"responseElements\":"
	    "{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":"
	    "{\"MobileVersion\":\"No\",\"MFAUsed\":\"No\"}"), SEV_CRITICAL,
	    "event.root_activity", "root console sign-in");
	if (a != NULL) {
		IS_STR(a->title, "Root user signed in to the console", "title");
		IS_STR(a->ev.actor_type, "Root", "actor type");
		IS_STR(a->ev.actor_arn, ROOT_ARN, "actor arn");
		IS_STR(a->ev.access_key_id, "AKIAIOSFODNN7EXAMPLE", "key id");
		IS_STR(a->ev.source_ip, "203.0.113.5", "source ip");
		IS_STR(a->ev.user_agent, "aws-cli/2.15.0", "user agent");
		IS_STR(a->ev.event_time, "2024-05-01T10:00:00Z", "event time");
		IS_STR(a->ev.region, "us-east-1", "region from awsRegion");
		IS_STR(a->ev.event_name, "ConsoleLogin", "event name");
		IS_STR(a->ev.event_source, "signin.amazonaws.com", "source");
		IS_STR(a->ev.event_id, last_id, "event id");
		IS_STR(a->account, ACCOUNT, "account");
		ok(a->ev.error_code == NULL, "success: no error code");
		IS_STR(a->ev.mfa_used, "No", "MFAUsed from additionalEventData");
		ok(a->summary != NULL && strstr(a->summary, ROOT_ARN) &&
		    strstr(a->summary, "203.0.113.5") &&
		    strstr(a->summary, "us-east-1") &&
		    strstr(a->summary, "2024-05-01T10:00:00Z") &&
		    strstr(a->summary, "ConsoleLogin"),
		    "summary names who, what, when, where, region");
	}
	alert_free(a);

	a = expect(mkev("Root", ROOT_ARN, "ConsoleLogin",
	    "signin.amazonaws.com", NULL, ",\"responseElements\":"
	    "{\"ConsoleLogin\":\"Failure\"},\"errorMessage\":"
	    "\"Failed authentication\""), SEV_CRITICAL,
	    "event.root_activity", "failed root console sign-in");
	if (a != NULL) {
		ok(a->ev.mfa_used == NULL, "no additionalEventData: no MFAUsed");
		IS_STR(a->ev.error_code, "Failure", "error code Failure");
		IS_STR(a->title, "Root user console sign-in failed",
		    "failed sign-in title");
		ok(strstr(a->summary, "failed") != NULL, "summary says failed");
	}
	alert_free(a);

	alert_free(expect(mkev("Root", ROOT_ARN, "PasswordUpdated",
	    "signin.amazonaws.com", NULL, NULL), SEV_CRITICAL,
	    "event.root_activity", "root PasswordUpdated"));
	alert_free(expect(mkev("Root", ROOT_ARN, "PasswordRecoveryRequested",
	    "signin.amazonaws.com", NULL, NULL), SEV_CRITICAL,
	    "event.root_activity", "root PasswordRecoveryRequested"));
	alert_free(expect(mkev("Root", ROOT_ARN, "PasswordRecoveryCompleted",
	    "signin.amazonaws.com", NULL, NULL), SEV_CRITICAL,
	    "event.root_activity", "root PasswordRecoveryCompleted"));
	a = expect(mkev("Root", ROOT_ARN, "ListBuckets", "s3.amazonaws.com",
	    "{}", NULL), SEV_CRITICAL, "event.root_activity",
	    "root API call");
	if (a != NULL)
		IS_STR(a->title, "Root user called ListBuckets", "API title");
	alert_free(a);
}

static void
test_not_root(void)
{
	const char	*ua = "arn:aws:iam::123456789012:user/root";

	none(mkev("IAMUser", ua, "ConsoleLogin", "signin.amazonaws.com", NULL,
	    ",\"responseElements\":{\"ConsoleLogin\":\"Success\"}"),
	    "IAM user named root signs in");
	none(mkev("IAMUser", ua, "ListUsers", "iam.amazonaws.com",
	    "{\"userName\":\"root\",\"Username\":\"root\"}", NULL),
	    "IAM user named root calls ListUsers");
	none(mkev("AssumedRole", USER_ARN, "DescribeTrails",
	    "cloudtrail.amazonaws.com", "{}", NULL), "ordinary read call");
	none(mkev("IAMUser", USER_ARN, "CreateAccessKey", "iam.amazonaws.com",
	    "{\"userName\":\"bob\"}", NULL), "CreateAccessKey by IAM user");
	none(mkev("IAMUser", USER_ARN, "StopLogging", "evil.amazonaws.com",
	    "{\"name\":\"main\"}", NULL), "StopLogging of another source");
	none(mkev("root", USER_ARN, "ListUsers", "iam.amazonaws.com", NULL,
	    NULL), "type \"root\" in lower case is not Root");
}

static void
test_mfa(void)
{
	struct alert	*a;

	a = expect(mkev("IAMUser", USER_ARN, "DeactivateMFADevice",
	    "iam.amazonaws.com", "{\"userName\":\"bob\",\"serialNumber\":"
	    "\"arn:aws:iam::123456789012:mfa/bob\"}", NULL), SEV_HIGH,
	    "event.mfa_removed", "user MFA deactivated");
	if (a != NULL) {
		IS_STR(a->ev.target, "bob", "target user");
		IS_STR(a->title, "MFA removed from IAM user bob "
		    "(DeactivateMFADevice)", "mfa title");
	}
	alert_free(a);
	alert_free(expect(mkev("IAMUser", USER_ARN, "DeleteVirtualMFADevice",
	    "iam.amazonaws.com", "{\"serialNumber\":"
	    "\"arn:aws:iam::123456789012:mfa/bob\"}", NULL), SEV_HIGH,
	    "event.mfa_removed", "user virtual MFA deleted"));
	a = expect(mkev("IAMUser", USER_ARN, "DeleteVirtualMFADevice",
	    "iam.amazonaws.com", "{\"serialNumber\":"
	    "\"arn:aws:iam::123456789012:mfa/root-account-mfa-device\"}", NULL),
	    SEV_CRITICAL, "event.mfa_removed", "root MFA device deleted");
	if (a != NULL)
		IS_STR(a->title, "MFA removed from root (DeleteVirtualMFADevice)",
		    "root mfa title");
	alert_free(a);
	a = expect(mkev("Root", ROOT_ARN, "DeactivateMFADevice",
	    "iam.amazonaws.com", "{\"serialNumber\":"
	    "\"arn:aws:iam::123456789012:mfa/root-account-mfa-device\"}", NULL),
	    SEV_CRITICAL, "event.root_activity", "root deactivates its MFA");
	if (a != NULL)
		IS_STR(a->title, "Root user called DeactivateMFADevice "
		    "(MFA removed)", "title says both");
	alert_free(a);
}

static void
test_classes(void)
{
	static const char *trail[] = { "StopLogging", "DeleteTrail",
	    "UpdateTrail", "PutEventSelectors", "PutInsightSelectors" };
	static const char *config[] = { "StopConfigurationRecorder",
	    "DeleteConfigurationRecorder", "DeleteDeliveryChannel",
	    "DeleteConfigRule" };
	static const struct { const char *name, *source; } guard[] = {
		{ "DeleteAccountPasswordPolicy", "iam.amazonaws.com" },
		{ "UpdateAccountPasswordPolicy", "iam.amazonaws.com" },
		{ "DeleteAlternateContact", "account.amazonaws.com" },
		{ "PutAlternateContact", "account.amazonaws.com" },
		{ "DeleteAccountAlias", "iam.amazonaws.com" },
	};
	struct alert	*a;
	size_t		 i;

	for (i = 0; i < 5; i++) {
		a = expect(mkev("AssumedRole", USER_ARN, trail[i],
		    "cloudtrail.amazonaws.com", "{\"name\":\"org-trail\"}", NULL),
		    SEV_CRITICAL, "event.cloudtrail_stopped", trail[i]);
		if (a != NULL)
			IS_STR(a->ev.target, "org-trail", "%s: target", trail[i]);
		alert_free(a);
	}
	a = expect(mkev("AssumedRole", USER_ARN, "PutEventSelectors",
	    "cloudtrail.amazonaws.com", "{\"trailName\":\"t2\"}", NULL),
	    SEV_CRITICAL, "event.cloudtrail_stopped", "trailName target");
	if (a != NULL)
		IS_STR(a->title, "CloudTrail stopped or weakened: "
		    "PutEventSelectors on t2", "trail title");
	alert_free(a);
	for (i = 0; i < 4; i++)
		alert_free(expect(mkev("IAMUser", USER_ARN, config[i],
		    "config.amazonaws.com", "{\"configRuleName\":\"r\"}", NULL),
		    SEV_HIGH, "event.config_stopped", config[i]));
	for (i = 0; i < 5; i++)
		alert_free(expect(mkev("IAMUser", USER_ARN, guard[i].name,
		    guard[i].source, "{}", NULL), SEV_MEDIUM,
		    "event.baseline_guard", guard[i].name));
	a = expect(mkev("Root", ROOT_ARN, "CreateAccessKey",
	    "iam.amazonaws.com", "{}", NULL), SEV_CRITICAL,
	    "event.root_activity", "CreateAccessKey by root");
	if (a != NULL)
		IS_STR(a->title, "Root user called CreateAccessKey (baseline "
		    "guard changed)", "root access key title");
	alert_free(a);
}

/* The events the issue adds: Config changes, lifecycle, root session. */
static void
test_new_classes(void)
{
	static const struct { const char *name, *req, *target; } config[] = {
		{ "PutConfigurationRecorder", "{\"configurationRecorder\":{"
		    "\"name\":\"default\",\"roleARN\":\"arn:aws:iam::123456789012:"
		    "role/config\",\"recordingGroup\":{\"allSupported\":false}}}",
		    "default" },
		{ "PutConfigRule", "{\"configRule\":{\"configRuleName\":"
		    "\"root-account-mfa-enabled\",\"source\":{\"owner\":\"AWS\","
		    "\"sourceIdentifier\":\"ROOT_ACCOUNT_MFA_ENABLED\"}}}",
		    "root-account-mfa-enabled" },
		{ "PutDeliveryChannel", "{\"deliveryChannel\":{\"name\":"
		    "\"default\",\"s3BucketName\":\"config-bucket\"}}", "default" },
		{ "StopConfigurationRecorder",
		    "{\"configurationRecorderName\":\"default\"}", "default" },
	};
	static const struct { const char *name, *req; } life[] = {
		{ "CloseAccount", "{\"accountId\":\"222222222222\"}" },
		{ "LeaveOrganization", "null" },
		{ "RemoveAccountFromOrganization",
		    "{\"accountId\":\"222222222222\"}" },
	};
	struct alert	*a;
	size_t		 i;

	for (i = 0; i < sizeof(config) / sizeof(config[0]); i++) {
		a = expect(mkev("AssumedRole", USER_ARN, config[i].name,
		    "config.amazonaws.com", config[i].req, NULL), SEV_HIGH,
		    "event.config_stopped", config[i].name);
		if (a != NULL)
			IS_STR(a->ev.target, config[i].target, "%s: target",
			    config[i].name);
		alert_free(a);
	}
	none(mkev("AssumedRole", USER_ARN, "PutConfigRule",
	    "evil.amazonaws.com", "{}", NULL), "PutConfigRule of another source");
	for (i = 0; i < sizeof(life) / sizeof(life[0]); i++) {
		a = expect(mkev("AssumedRole", USER_ARN, life[i].name,
		    "organizations.amazonaws.com", life[i].req, NULL),
		    SEV_CRITICAL, "event.account_lifecycle", life[i].name);
		if (a != NULL && i == 0)
			IS_STR(a->title, "Account lifecycle: CloseAccount on "
			    "222222222222", "lifecycle title");
		alert_free(a);
	}
	a = expect(mkev_uid("{\"type\":\"AssumedRole\",\"principalId\":"
	    "\"AROAEXAMPLE:ops\",\"arn\":\"arn:aws:sts::" ACCOUNT
	    ":assumed-role/OrgAdmin/ops\",\"accountId\":\"" ACCOUNT "\","
	    "\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{"
	    "\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"arn:aws:iam::"
	    ACCOUNT ":role/OrgAdmin\"},\"attributes\":{\"mfaAuthenticated\":"
	    "\"false\"},\"assumedRoot\":\"true\"}}", "AssumeRoot",
	    "sts.amazonaws.com", "{\"targetPrincipal\":\"222222222222\","
	    "\"taskPolicyArn\":{\"arn\":\"arn:aws:iam::aws:policy/root-task/"
	    "S3UnlockBucketPolicy\"}}", NULL), SEV_HIGH, "event.root_session",
	    "AssumeRoot");
	if (a != NULL) {
		IS_STR(a->title, "Root session taken: AssumeRoot on 222222222222",
		    "AssumeRoot title");
		IS_STR(a->ev.region, "us-west-2", "AssumeRoot: its region");
		ok(strstr(a->summary, "also") == NULL, "AssumeRoot: no also");
	}
	alert_free(a);
	a = expect(mkev_uid("{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::"
	    ACCOUNT ":assumed-role/OrgAdmin/ops\",\"accountId\":\"" ACCOUNT
	    "\",\"sessionContext\":{\"assumedRoot\":\"true\"}}",
	    "DeleteBucketPolicy", "s3.amazonaws.com", "{\"bucketName\":\"b\"}",
	    NULL), SEV_HIGH, "event.root_session", "a root session's call");
	if (a != NULL)
		IS_STR(a->title, "Root session used: DeleteBucketPolicy",
		    "root session call title");
	alert_free(a);
	none(mkev_uid("{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::"
	    ACCOUNT ":assumed-role/OrgAdmin/ops\",\"sessionContext\":{"
	    "\"assumedRoot\":\"false\"}}", "ListBuckets", "s3.amazonaws.com",
	    "{}", NULL), "assumedRoot false is no root session");
	none(mkev("AssumedRole", USER_ARN, "AssumeRole", "sts.amazonaws.com",
	    "{\"roleArn\":\"arn:aws:iam::123456789012:role/x\"}", NULL),
	    "AssumeRole is not AssumeRoot");
}

#define BG_UID(name, acct)	"{\"type\":\"IAMUser\",\"principalId\":"	\
	"\"AIDAFAKEBREAKGLASS01\",\"arn\":\"arn:aws:iam::" acct ":user/"	\
	name "\",\"accountId\":\"" acct "\",\"accessKeyId\":\"\","		\
	"\"userName\":\"" name "\"}"

static void
test_break_glass(void)
{
	struct alert	*a;

	none(mkev_uid(BG_UID("breakglass", ACCOUNT), "ConsoleLogin",
	    "signin.amazonaws.com", NULL, ",\"responseElements\":"
	    "{\"ConsoleLogin\":\"Success\"}"), "no break-glass user named");
	break_glass = "breakglass";
	a = expect(mkev_uid(BG_UID("breakglass", ACCOUNT), "ConsoleLogin",
	    "signin.amazonaws.com", NULL, ",\"responseElements\":"
	    "{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":{"
	    "\"MFAUsed\":\"Yes\"}"), SEV_CRITICAL, "event.break_glass_used",
	    "break-glass console sign-in");
	if (a != NULL)
		IS_STR(a->title, "Break-glass user breakglass signed in to the "
		    "console", "break-glass sign-in title");
	alert_free(a);
	a = expect(mkev_uid(BG_UID("BreakGlass", ACCOUNT), "ConsoleLogin",
	    "signin.amazonaws.com", NULL, ",\"responseElements\":"
	    "{\"ConsoleLogin\":\"Failure\"},\"errorMessage\":"
	    "\"Failed authentication\""), SEV_CRITICAL,
	    "event.break_glass_used", "failed sign-in, name in other case");
	if (a != NULL)
		IS_STR(a->title, "Break-glass user BreakGlass console sign-in "
		    "failed", "failed break-glass sign-in title");
	alert_free(a);
	a = expect(mkev_uid(BG_UID("breakglass", ACCOUNT), "ListUsers",
	    "iam.amazonaws.com", "{}", NULL), SEV_CRITICAL,
	    "event.break_glass_used", "break-glass read call");
	if (a != NULL)
		IS_STR(a->title, "Break-glass user breakglass called ListUsers",
		    "break-glass call title");
	alert_free(a);
	a = expect(mkev_uid(BG_UID("breakglass", ACCOUNT), "StopLogging",
	    "cloudtrail.amazonaws.com", "{\"name\":\"org-trail\"}", NULL),
	    SEV_CRITICAL, "event.break_glass_used", "break-glass StopLogging");
	if (a != NULL)
		IS_STR(a->title, "Break-glass user breakglass called StopLogging "
		    "(CloudTrail stopped or weakened)", "one alert naming both");
	alert_free(a);
	none(mkev_uid(BG_UID("breakglass", "210987654321"), "ListUsers",
	    "iam.amazonaws.com", "{}", NULL),
	    "a user of that name in another account");
	none(mkev_uid(BG_UID("breakglass-2", ACCOUNT), "ListUsers",
	    "iam.amazonaws.com", "{}", NULL), "another user");
	none(mkev_uid("{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::"
	    ACCOUNT ":assumed-role/breakglass/breakglass\",\"accountId\":\""
	    ACCOUNT "\",\"userName\":\"breakglass\"}", "ListUsers",
	    "iam.amazonaws.com", "{}", NULL), "a role session of that name");
	alert_free(expect(mkev_uid("{\"type\":\"Root\",\"arn\":\"" ROOT_ARN "\","
	    "\"accountId\":\"" ACCOUNT "\"}", "ListUsers", "iam.amazonaws.com",
	    "{}", NULL), SEV_CRITICAL, "event.root_activity",
	    "root is root, break-glass named or not"));
	break_glass = NULL;
}

static void
test_combined_failed(void)
{
	struct alert	*a;
	char		 name[300], req[400];

	a = expect(mkev("Root", ROOT_ARN, "StopLogging",
	    "cloudtrail.amazonaws.com", "{\"name\":\"org-trail\"}", NULL),
	    SEV_CRITICAL, "event.root_activity", "root StopLogging");
	if (a != NULL) {
		IS_STR(a->title, "Root user called StopLogging (CloudTrail "
		    "stopped or weakened)", "one alert naming both");
		ok(strstr(a->summary, "CloudTrail stopped") != NULL,
		    "summary names the second rule");
	}
	alert_free(a);

	a = expect(mkev("AssumedRole", USER_ARN, "StopLogging",
	    "cloudtrail.amazonaws.com", "{\"name\":\"org-trail\"}",
	    ",\"errorCode\":\"AccessDenied\",\"errorMessage\":\"no\""),
	    SEV_CRITICAL, "event.cloudtrail_stopped", "failed StopLogging");
	if (a != NULL) {
		IS_STR(a->ev.error_code, "AccessDenied", "error code");
		IS_STR(a->title, "CloudTrail stopped or weakened: StopLogging "
		    "on org-trail [failed: AccessDenied]", "title says failed");
		ok(strstr(a->summary, "failed: AccessDenied") != NULL,
		    "summary says failed");
	}
	alert_free(a);

	memset(name, 'T', 250);
	name[250] = '\0';
	snprintf(req, sizeof(req), "{\"name\":\"%s\"}", name);
	a = expect(mkev("AssumedRole", USER_ARN, "DeleteTrail",
	    "cloudtrail.amazonaws.com", req, ",\"errorCode\":\"AccessDenied\""),
	    SEV_CRITICAL, "event.cloudtrail_stopped", "long target, failed");
	if (a != NULL) {
		ok(strstr(a->title, "\xe2\x80\xa6 [failed: AccessDenied]") != NULL,
		    "long title cut, failure kept: %s", a->title);
		is_int((long long)strlen(a->ev.target), 250, "target kept whole");
	}
	alert_free(a);
}

static void
test_fields(void)
{
	struct alert	*a;
	char		*json, *big;
	size_t		 n = 1024 * 1024;
	int		 rc;

	json = mkev("Root", ROOT_ARN, "GetCallerIdentity", "sts.amazonaws.com",
	    NULL, NULL);
	*strstr(json, "awsRegion") = 'X';
	a = run(json, &rc);
	ok(a != NULL && a->ev.region != NULL &&
	    strcmp(a->ev.region, "eu-west-1") == 0,
	    "missing awsRegion: the region polled");
	alert_free(a);

	json = mkev("Root", ROOT_ARN, "GetCallerIdentity", "sts.amazonaws.com",
	    NULL, NULL);
	a = NULL;
	rc = event_rules_match(json, strlen(json), "us-east-1", NULL, &a, err,
	    sizeof(err));
	ok(rc == 0 && a != NULL && a->account != NULL &&
	    strcmp(a->account, ACCOUNT) == 0, "no account: recipientAccountId");
	alert_free(a);
	a = NULL;
	event_rules_match(json, strlen(json), "us-east-1", ACCOUNT, &a, err,
	    sizeof(err));
	if (a != NULL) {
		char	id1[ALERT_ID_LEN];

		snprintf(id1, sizeof(id1), "%s", a->id);
		alert_free(a);
		a = NULL;
		event_rules_match(json, strlen(json), "us-east-1", ACCOUNT, &a,
		    err, sizeof(err));
		ok(a != NULL && strcmp(a->id, id1) == 0,
		    "same event twice: same alert id");
	}
	alert_free(a);
	free(json);

	if ((big = malloc(n + 1)) == NULL)
		abort();
	memset(big, 'A', n);
	big[n] = '\0';
	if (asprintf(&json, "{\"eventName\":\"ListUsers\",\"eventID\":\"e-big\","
	    "\"userIdentity\":{\"type\":\"Root\"},\"userAgent\":\"%s\"}", big)
	    == -1)
		abort();
	free(big);
	a = run(json, &rc);
	ok(rc == 0 && a != NULL, "huge string field: still alerts");
	if (a != NULL) {
		ok(strlen(a->ev.user_agent) <= 256, "user agent capped: %zu",
		    strlen(a->ev.user_agent));
		ok(strstr(a->ev.user_agent, "\xe2\x80\xa6") != NULL,
		    "cut marked with an ellipsis");
		ok(a->summary != NULL && strlen(a->summary) < 4096,
		    "summary stays small");
		ok(a->ev.actor_arn == NULL && a->ev.source_ip == NULL &&
		    a->ev.event_time == NULL, "missing fields stay NULL");
	}
	alert_free(a);
}

static void
test_hostile(void)
{
	struct alert	*a;
	int		 rc;

	a = run(mkev("Root", ROOT_ARN, "ListUsers", "iam.amazonaws.com",
	    "{\"userName\":\"x\\u001b[31m\\u202eevil\\u0000z\"}",
	    ",\"userAgent\":\"curl\\r\\nX-Injected: 1\\u0007\""), &rc);
	ok(rc == 0 && a != NULL, "hostile fields: alerts");
	if (a != NULL) {
		IS_STR(a->ev.user_agent, "curl  X-Injected: 1",
		    "CR/LF made spaces, BEL stripped");
		ok(a->ev.target == NULL || strpbrk(a->ev.target, "\x1b") == NULL,
		    "ESC stripped from target");
		ok(strchr(a->title, '\n') == NULL && strchr(a->title, '\r') ==
		    NULL, "title has no line break");
	}
	alert_free(a);

	a = run(mkev("Root", ROOT_ARN, "ListUsers", "iam.amazonaws.com",
	    "{\"userName\":\"x\\u001b[31m\\u202eevil\"}", NULL), &rc);
	if (a != NULL)
		IS_STR(a->ev.target, "x[31mevil", "ESC and bidi override removed");
	alert_free(a);

	a = run(mkev("Root", ROOT_ARN, "ListUsers\\nFake: line",
	    "iam.amazonaws.com", NULL, NULL), &rc);
	ok(a != NULL && strchr(a->title, '\n') == NULL,
	    "newline in eventName kept out of the title");
	alert_free(a);

	a = run(mkev("Root", ROOT_ARN, "ListUsers", "iam.amazonaws.com",
	    "{\"userName\":\"\xff\xfe bad utf8\"}", NULL), &rc);
	is_int(rc, 0, "invalid UTF-8 in a field does not fail the event");
	alert_free(a);
}

/* A malformed event: DW_EPARSE (or want), no alert, err without secret. */
static void
bad(const char *json, size_t len, int want, const char *what)
{
	struct alert	*a = (struct alert *)1;
	int		 rc;

	err[0] = '\0';
	rc = event_rules_match(json, len, "us-east-1", ACCOUNT, &a, err,
	    sizeof(err));
	is_int(rc, want, "%s: rejected", what);
	ok(a == NULL, "%s: no alert", what);
	ok(*err != '\0' && strstr(err, "SECRETMARK") == NULL &&
	    strlen(err) < 200, "%s: short error without the event: %s", what,
	    err);
}

static void
test_malformed(void)
{
	char	*json, *deep;
	size_t	 i, n;

	bad("", 0, DW_EPARSE, "empty");
	bad("{", 1, DW_EPARSE, "open brace");
	bad("not json SECRETMARK", 19, DW_EPARSE, "not JSON");
	bad("[\"SECRETMARK\"]", 14, DW_EPARSE, "array");
	bad("\"SECRETMARK\"", 12, DW_EPARSE, "string");
	bad("{}", 2, DW_EPARSE, "empty object");
	bad("123", 3, DW_EPARSE, "a number");
	ok(strstr(err, "not a JSON object") != NULL, "a number: not an object");
	bad("{\"eventName\":\"x\",\"eventID\":\"a\"}\0SECRETMARK", 41,
	    DW_EPARSE, "NUL then data after the object");
	bad("{\"eventID\":\"a\",\"x\":\"SECRETMARK\"}", 32, DW_EPARSE,
	    "lacks eventName");
	bad("{\"eventName\":\"StopLogging\"}", 27, DW_EPARSE, "lacks eventID");
	bad("{\"eventName\":5,\"eventID\":\"a\"}", 29, DW_EPARSE,
	    "eventName not a string");
	bad("{\"eventName\":\"x\",\"eventID\":\"a\\nb\"}", 34, DW_EPARSE,
	    "control character in eventID");
	bad("{\"eventName\":\"x\",\"eventID\":\"a\"} SECRETMARK", 42, DW_EPARSE,
	    "trailing garbage");

	json = mkev("Root", ROOT_ARN, "ConsoleLogin", "signin.amazonaws.com",
	    NULL, ",\"x\":\"SECRETMARK\"");
	bad(json, strlen(json) / 2, DW_EPARSE, "truncated event");
	bad(json, strlen(json) - 1, DW_EPARSE, "last brace missing");
	free(json);

	n = 200;
	if ((deep = malloc(2 * n + 64)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		deep[i] = '[';
	for (i = 0; i < n; i++)
		deep[n + i] = ']';
	deep[2 * n] = '\0';
	bad(deep, 2 * n, DW_EPARSE, "nested 200 deep");
	free(deep);

	n = EVENT_RULES_MAXINPUT + 1;
	if ((json = malloc(n)) == NULL)
		abort();
	memset(json, ' ', n);
	bad(json, n, DW_ETOOBIG, "over the input cap");
	free(json);
}

/* The correlation key an event computes, as the findings store keys the
 * drift it causes; NULL expected where no state check follows. */
static void
corr(char *json, const char *want, const char *what)
{
	struct alert	*a;
	int		 rc;

	a = run(json, &rc);
	if (!ok(rc == 0 && a != NULL, "%s: alerts", what)) {
		alert_free(a);
		return;
	}
	if (want == NULL)
		ok(a->correlation == NULL, "%s: no correlation", what);
	else
		IS_STR(a->correlation, want, "%s: correlation", what);
	if (want != NULL)
		ok(a->summary != NULL && strstr(a->summary, "Related to: ") !=
		    NULL && strstr(a->summary, want) != NULL,
		    "%s: the summary says what it is related to", what);
	alert_free(a);
}

static void
test_correlation(void)
{
	corr(mkev("IAMUser", USER_ARN, "DeactivateMFADevice",
	    "iam.amazonaws.com", "{\"userName\":\"bob\",\"serialNumber\":"
	    "\"arn:aws:iam::123456789012:mfa/bob\"}", NULL),
	    "iam.user_mfa/bob", "user MFA: iam.user_mfa and the user");
	corr(mkev("Root", ROOT_ARN, "DeactivateMFADevice",
	    "iam.amazonaws.com", "{\"serialNumber\":\"arn:aws:iam::"
	    "123456789012:mfa/root-account-mfa-device\"}", NULL),
	    "root.mfa", "root MFA: root.mfa");
	corr(mkev("IAMUser", USER_ARN, "StopLogging",
	    "cloudtrail.amazonaws.com", "{\"name\":\"arn:aws:cloudtrail:"
	    "eu-west-1:123456789012:trail/org-trail\"}", NULL),
	    "cloudtrail.logging/org-trail", "StopLogging by ARN: the name");
	corr(mkev("IAMUser", USER_ARN, "DeleteTrail",
	    "cloudtrail.amazonaws.com", "{\"name\":\"org-trail\"}", NULL),
	    "cloudtrail.trail/org-trail", "DeleteTrail");
	corr(mkev("IAMUser", USER_ARN, "StopConfigurationRecorder",
	    "config.amazonaws.com", "{\"configurationRecorderName\":"
	    "\"default\"}", NULL), "config.recorder", "Config recorder");
	corr(mkev("IAMUser", USER_ARN, "DeleteConfigRule",
	    "config.amazonaws.com", "{\"configRuleName\":\"mfa-on\"}", NULL),
	    "config.rules/mfa-on", "Config rule");
	corr(mkev("IAMUser", USER_ARN, "DeleteAlternateContact",
	    "account.amazonaws.com", "{\"alternateContactType\":\"BILLING\"}",
	    NULL), "contacts.billing", "alternate contact");
	corr(mkev("IAMUser", USER_ARN, "DeleteAccountPasswordPolicy",
	    "iam.amazonaws.com", NULL, NULL), "iam.password_policy",
	    "password policy");
	corr(mkev("IAMUser", USER_ARN, "StopLogging",
	    "cloudtrail.amazonaws.com", "{\"name\":\"org-trail\"}",
	    ",\"errorCode\":\"AccessDenied\""), NULL,
	    "a failed call changes nothing: no correlation");
	corr(mkev("IAMUser", USER_ARN, "CloseAccount",
	    "organizations.amazonaws.com", "{\"accountId\":\"111122223333\"}",
	    NULL), NULL, "no state check follows a lifecycle event");
}

int
main(void)
{
	test_root();
	test_not_root();
	test_mfa();
	test_classes();
	test_new_classes();
	test_break_glass();
	test_combined_failed();
	test_fields();
	test_hostile();
	test_malformed();
	test_correlation();
	return done_testing();
}
