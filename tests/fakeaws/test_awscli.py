#!/usr/bin/python3
"""Point the real AWS CLI (Debian's awscli v2, /usr/bin/aws) at the fake for
every operation the fake serves: its response shapes must be what the CLI
parses."""

import base64
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402

AWS = os.environ.get("DW_AWS_CLI", "/usr/bin/aws")
ACCT = "111122223333"
FAKE = None
HOME = None


def setUpModule():
    global FAKE, HOME
    if not os.access(AWS, os.X_OK):
        raise unittest.SkipTest("%s not installed (Debian package awscli)"
                                % AWS)
    wd = dwtest.workdir("awscli")
    HOME = os.path.join(wd, "home")
    os.makedirs(HOME)
    FAKE = dwtest.FakeAWS(wd)


def tearDownModule():
    if FAKE is not None:
        FAKE.stop()


def aws(*args, region="us-east-1", check=True, extra_env=None):
    env = FAKE.env(region)
    # LookupEvents is throttled at 2 rps like AWS; successive CLI runs can
    # hit that, and the CLI's standard retries absorb it, as with AWS
    env.update({"AWS_PAGER": "", "HOME": HOME, "AWS_MAX_ATTEMPTS": "8",
                "AWS_RETRY_MODE": "standard"})
    env.update(extra_env or {})
    cmd = [AWS] + list(args) + ["--endpoint-url", FAKE.aws_url,
                                "--ca-bundle", FAKE.ca_file,
                                "--region", region, "--output", "json"]
    r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    if check and r.returncode != 0:
        raise AssertionError("%s exited %d\nstdout: %s\nstderr: %s" % (
            " ".join(cmd), r.returncode, r.stdout.decode(errors="replace"),
            r.stderr.decode(errors="replace")))
    if not check:
        return r
    out = r.stdout.decode()
    return json.loads(out) if out.strip() else None


class TestAwsCli(unittest.TestCase):
    def setUp(self):
        FAKE.reset()

    def test_sts_get_caller_identity(self):
        r = aws("sts", "get-caller-identity")
        self.assertEqual(r["Account"], ACCT)
        self.assertEqual(r["Arn"], "arn:aws:iam::%s:user/driftwatch" % ACCT)
        self.assertTrue(r["UserId"])

    def test_iam_get_account_summary(self):
        sm = aws("iam", "get-account-summary")["SummaryMap"]
        self.assertEqual(sm["AccountMFAEnabled"], 1)
        self.assertEqual(sm["AccountAccessKeysPresent"], 0)
        self.assertEqual(sm["Users"], 2)
        FAKE.action("deactivate_mfa", user="root")
        sm = aws("iam", "get-account-summary")["SummaryMap"]
        self.assertEqual(sm["AccountMFAEnabled"], 0)

    def test_iam_list_users(self):
        r = aws("iam", "list-users")
        self.assertEqual(sorted(u["UserName"] for u in r["Users"]),
                         ["alice", "breakglass"])
        self.assertRegex(r["Users"][0]["CreateDate"],
                         r"^2024-01-02T03:04:05")

    def test_iam_list_users_paginated(self):
        r1 = aws("iam", "list-users", "--max-items", "1")
        self.assertEqual(len(r1["Users"]), 1)
        self.assertIn("NextToken", r1)
        r2 = aws("iam", "list-users", "--max-items", "1",
                 "--starting-token", r1["NextToken"])
        self.assertEqual(len(r2["Users"]), 1)
        self.assertNotIn("NextToken", r2)
        self.assertEqual(sorted([r1["Users"][0]["UserName"],
                                 r2["Users"][0]["UserName"]]),
                         ["alice", "breakglass"])
        # the CLI's own paging, one user per request
        r = aws("iam", "list-users", "--page-size", "1")
        self.assertEqual(len(r["Users"]), 2)
        self.assertGreaterEqual(
            len([q for q in FAKE.requests() if q["action"] == "ListUsers"]),
            4)

    def test_iam_list_mfa_devices(self):
        r = aws("iam", "list-mfa-devices", "--user-name", "alice")
        self.assertEqual([d["SerialNumber"] for d in r["MFADevices"]],
                         ["arn:aws:iam::%s:mfa/alice" % ACCT])
        self.assertEqual(aws("iam", "list-mfa-devices")["MFADevices"], [])
        r = aws("iam", "list-mfa-devices", "--user-name", "nobody",
                check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"NoSuchEntity", r.stderr)

    def test_iam_list_virtual_mfa_devices(self):
        r = aws("iam", "list-virtual-mfa-devices", "--assignment-status",
                "Assigned")
        self.assertEqual(len(r["VirtualMFADevices"]), 1)
        self.assertEqual(r["VirtualMFADevices"][0]["User"]["UserName"],
                         "alice")
        FAKE.action("deactivate_mfa", user="alice")
        r = aws("iam", "list-virtual-mfa-devices", "--assignment-status",
                "Unassigned")
        self.assertEqual([d["SerialNumber"] for d in r["VirtualMFADevices"]],
                         ["arn:aws:iam::%s:mfa/alice" % ACCT])
        self.assertNotIn("User", r["VirtualMFADevices"][0])

    def test_iam_list_account_aliases(self):
        r = aws("iam", "list-account-aliases")
        self.assertEqual(r["AccountAliases"], ["example-management"])
        FAKE.action("delete_account_alias")
        self.assertEqual(aws("iam", "list-account-aliases")["AccountAliases"],
                         [])

    def test_iam_get_account_password_policy(self):
        p = aws("iam", "get-account-password-policy")["PasswordPolicy"]
        self.assertEqual(p["MinimumPasswordLength"], 14)
        self.assertIs(p["RequireSymbols"], True)
        self.assertIs(p["ExpirePasswords"], True)
        self.assertEqual(p["MaxPasswordAge"], 90)
        self.assertEqual(p["PasswordReusePrevention"], 24)
        self.assertIs(p["HardExpiry"], False)
        FAKE.action("update_password_policy", MaxPasswordAge=None)
        p = aws("iam", "get-account-password-policy")["PasswordPolicy"]
        self.assertNotIn("MaxPasswordAge", p)
        self.assertIs(p["ExpirePasswords"], False)
        FAKE.action("delete_password_policy")
        r = aws("iam", "get-account-password-policy", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"NoSuchEntity", r.stderr)
        self.assertIn(b"The Password Policy with domain name %s cannot be "
                      b"found." % ACCT.encode(), r.stderr)

    def test_iam_attached_policies(self):
        admin = "arn:aws:iam::aws:policy/AdministratorAccess"
        r = aws("iam", "list-attached-user-policies", "--user-name",
                "breakglass")
        self.assertEqual(r["AttachedPolicies"], [
            {"PolicyName": "AdministratorAccess", "PolicyArn": admin}])
        r = aws("iam", "list-attached-group-policies", "--group-name",
                "Admins")
        self.assertEqual([p["PolicyArn"] for p in r["AttachedPolicies"]],
                         [admin])
        FAKE.action("attach_user_policy", user="breakglass",
                    policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        r1 = aws("iam", "list-attached-user-policies", "--user-name",
                 "breakglass", "--max-items", "1")
        self.assertEqual(len(r1["AttachedPolicies"]), 1)
        r2 = aws("iam", "list-attached-user-policies", "--user-name",
                 "breakglass", "--max-items", "1", "--starting-token",
                 r1["NextToken"])
        self.assertEqual(r2["AttachedPolicies"][0]["PolicyName"],
                         "ReadOnlyAccess")
        r = aws("iam", "list-attached-group-policies", "--group-name",
                "nobody", check=False)
        self.assertIn(b"NoSuchEntity", r.stderr)

    def test_iam_user_policies(self):
        r = aws("iam", "list-user-policies", "--user-name", "alice")
        self.assertEqual(r["PolicyNames"], ["billing-read"])
        # the CLI decodes the URL-encoded document IAM sends
        r = aws("iam", "get-user-policy", "--user-name", "alice",
                "--policy-name", "billing-read")
        self.assertEqual(r["PolicyDocument"]["Statement"][0]["Action"],
                         ["aws-portal:View*", "ce:Get*"])
        r = aws("iam", "get-user-policy", "--user-name", "alice",
                "--policy-name", "nope", check=False)
        self.assertIn(b"NoSuchEntity", r.stderr)

    def test_iam_list_groups_for_user(self):
        r = aws("iam", "list-groups-for-user", "--user-name", "alice")
        self.assertEqual([g["GroupName"] for g in r["Groups"]], ["Admins"])
        self.assertEqual(r["Groups"][0]["Arn"],
                         "arn:aws:iam::%s:group/Admins" % ACCT)
        self.assertEqual(aws("iam", "list-groups-for-user", "--user-name",
                             "breakglass")["Groups"], [])

    def test_iam_credential_report(self):
        r = aws("iam", "get-credential-report", check=False)
        self.assertIn(b"ReportNotPresent", r.stderr)
        self.assertEqual(aws("iam", "generate-credential-report")["State"],
                         "STARTED")
        r = aws("iam", "get-credential-report", check=False)
        self.assertIn(b"ReportInProgress", r.stderr)
        self.assertEqual(aws("iam", "generate-credential-report")["State"],
                         "COMPLETE")
        r = aws("iam", "get-credential-report")
        self.assertEqual(r["ReportFormat"], "text/csv")
        self.assertIn("GeneratedTime", r)
        rows = base64.b64decode(r["Content"]).decode().splitlines()
        self.assertTrue(rows[0].startswith(
            "user,arn,user_creation_time,password_enabled,"
            "password_last_used,"), rows[0])
        self.assertEqual(len(rows[0].split(",")), 22)
        self.assertTrue(rows[1].startswith(
            "<root_account>,arn:aws:iam::%s:root," % ACCT), rows[1])
        self.assertEqual([x.split(",")[0] for x in rows[2:]],
                         ["breakglass", "alice"])

    def test_iam_list_access_keys(self):
        st = FAKE.state()
        st["users"][1]["AccessKeys"] = [
            {"AccessKeyId": "AKIAFAKEALICE000000%d" % i, "Status": "Active",
             "CreateDate": "2025-01-02T03:04:05Z"} for i in (1, 2)]
        FAKE.set_state(st)
        r = aws("iam", "list-access-keys", "--user-name", "alice")
        self.assertEqual([k["AccessKeyId"] for k in r["AccessKeyMetadata"]],
                         ["AKIAFAKEALICE0000001", "AKIAFAKEALICE0000002"])
        self.assertEqual(r["AccessKeyMetadata"][0]["UserName"], "alice")
        r1 = aws("iam", "list-access-keys", "--user-name", "alice",
                 "--max-items", "1")
        self.assertEqual(len(r1["AccessKeyMetadata"]), 1)
        self.assertIn("NextToken", r1)
        r = aws("iam", "list-access-keys", "--user-name", "nobody",
                check=False)
        self.assertIn(b"NoSuchEntity", r.stderr)

    def test_cloudtrail_describe_trails(self):
        r = aws("cloudtrail", "describe-trails", region="eu-west-1")
        t = r["trailList"][0]
        self.assertEqual(t["Name"], "org-trail")
        self.assertEqual(t["HomeRegion"], "eu-west-1")
        self.assertTrue(t["IsMultiRegionTrail"])
        self.assertTrue(t["LogFileValidationEnabled"])
        r = aws("cloudtrail", "describe-trails", "--trail-name-list",
                "org-trail", "--no-include-shadow-trails",
                region="us-east-1")
        self.assertEqual(r["trailList"], [])

    def test_cloudtrail_get_trail_status(self):
        r = aws("cloudtrail", "get-trail-status", "--name", "org-trail",
                region="eu-west-1")
        self.assertIs(r["IsLogging"], True)
        self.assertIn("LatestDeliveryTime", r)
        FAKE.action("stop_logging", trail="org-trail")
        r = aws("cloudtrail", "get-trail-status", "--name", "org-trail",
                region="eu-west-1")
        self.assertIs(r["IsLogging"], False)
        self.assertIn("StopLoggingTime", r)
        r = aws("cloudtrail", "get-trail-status", "--name", "nope",
                region="eu-west-1", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"TrailNotFoundException", r.stderr)

    def test_cloudtrail_lookup_events(self):
        now = time.time()
        ids = [FAKE.action("root_login", EventTime=now - 30),
               FAKE.add_event("us-east-1", EventName="CreateUser",
                              EventTime=now - 20),
               FAKE.action("root_login", success=False, EventTime=now - 10)]
        r = aws("cloudtrail", "lookup-events", "--lookup-attributes",
                "AttributeKey=EventName,AttributeValue=ConsoleLogin")
        self.assertEqual([e["EventId"] for e in r["Events"]],
                         [ids[2], ids[0]])
        rec = json.loads(r["Events"][0]["CloudTrailEvent"])
        self.assertEqual(rec["userIdentity"]["type"], "Root")
        # --max-items pagination
        r1 = aws("cloudtrail", "lookup-events", "--max-items", "2")
        self.assertEqual([e["EventId"] for e in r1["Events"]],
                         [ids[2], ids[1]])
        self.assertIn("NextToken", r1)
        r2 = aws("cloudtrail", "lookup-events", "--max-items", "2",
                 "--starting-token", r1["NextToken"])
        self.assertEqual([e["EventId"] for e in r2["Events"]], [ids[0]])
        self.assertNotIn("NextToken", r2)
        # time range (the CLI sends epoch numbers)
        r = aws("cloudtrail", "lookup-events", "--start-time",
                str(int(now - 25)), "--end-time", str(int(now - 15)))
        self.assertEqual([e["EventId"] for e in r["Events"]], [ids[1]])
        # one page per request at 2 rps: the CLI's retries absorb throttling
        r = aws("cloudtrail", "lookup-events", "--page-size", "1")
        self.assertEqual([e["EventId"] for e in r["Events"]], ids[::-1])

    def test_account_get_alternate_contact(self):
        for kind in ("BILLING", "OPERATIONS", "SECURITY"):
            c = aws("account", "get-alternate-contact",
                    "--alternate-contact-type", kind)["AlternateContact"]
            self.assertEqual(c["AlternateContactType"], kind)
            self.assertEqual(set(c), {"AlternateContactType", "Name",
                                      "Title", "EmailAddress",
                                      "PhoneNumber"})
        FAKE.put_contact("SECURITY", EmailAddress="soc@example.org")
        c = aws("account", "get-alternate-contact",
                "--alternate-contact-type", "SECURITY")["AlternateContact"]
        self.assertEqual(c["EmailAddress"], "soc@example.org")
        self.assertEqual(FAKE.requests()[-1]["path"], "/getAlternateContact")
        self.assertTrue(all(q["sig_ok"] for q in FAKE.requests()))

    def test_account_errors(self):
        FAKE.delete_contact("BILLING")
        r = aws("account", "get-alternate-contact",
                "--alternate-contact-type", "BILLING", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"(ResourceNotFoundException)", r.stderr)
        self.assertIn(b"No contact of the inputted alternate contact type "
                      b"found.", r.stderr)
        # the code in a namespaced __type only: the CLI still names it
        FAKE.config(rest_json_error_style="type")
        r = aws("account", "get-alternate-contact",
                "--alternate-contact-type", "SECURITY", "--account-id",
                ACCT, check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"(AccessDeniedException)", r.stderr)
        self.assertIn(b"standalone context", r.stderr)
        aws("account", "delete-alternate-contact",
            "--alternate-contact-type", "OPERATIONS")
        self.assertNotIn("OPERATIONS", FAKE.contacts())

    def test_organizations_describe_organization(self):
        o = aws("organizations", "describe-organization")["Organization"]
        self.assertEqual(o["MasterAccountId"], ACCT)
        self.assertEqual(o["MasterAccountEmail"], "aws-root@example.com")
        self.assertEqual(o["MasterAccountArn"],
                         "arn:aws:organizations::%s:account/%s/%s" % (
                             ACCT, o["Id"], ACCT))
        self.assertEqual(o["FeatureSet"], "ALL")
        st = FAKE.state()
        st["organization"] = None
        FAKE.set_state(st)
        r = aws("organizations", "describe-organization", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"(AWSOrganizationsNotInUseException)", r.stderr)
        self.assertIn(b"not a member of an organization", r.stderr)

    def test_organizations_describe_account(self):
        a = aws("organizations", "describe-account", "--account-id",
                ACCT)["Account"]
        self.assertEqual((a["Id"], a["Status"], a["JoinedMethod"]),
                         (ACCT, "ACTIVE", "CREATED"))
        self.assertTrue(a["JoinedTimestamp"].startswith("2020-01-01"),
                        a["JoinedTimestamp"])
        r = aws("organizations", "describe-account", "--account-id",
                "999988887777", check=False)
        self.assertIn(b"(AccountNotFoundException)", r.stderr)
        r = aws("organizations", "describe-account", "--account-id",
                "12345", check=False)
        self.assertNotEqual(r.returncode, 0)

    def test_taxsettings_unknown_to_debian_awscli(self):
        r = aws("taxsettings", "help", check=False)
        if r.returncode == 0:
            self.fail("this awscli knows taxsettings: cover "
                      "get-tax-inheritance and list-tax-registrations here")
        self.skipTest("Debian's awscli (2.9) predates Tax Settings; "
                      "test_fake_org_tax.py covers it with botocore and "
                      "the taxsettings model in models/")

    def test_sts_assume_role(self):
        arn = "arn:aws:iam::%s:role/driftwatch-readonly" % ACCT
        r = aws("sts", "assume-role", "--role-arn", arn,
                "--role-session-name", "cli-test", "--duration-seconds",
                "900")
        c = r["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        self.assertRegex(c["Expiration"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(r["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/driftwatch-readonly/"
                         "cli-test" % ACCT)
        me = aws("sts", "get-caller-identity", extra_env={
            "AWS_ACCESS_KEY_ID": c["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
            "AWS_SESSION_TOKEN": c["SessionToken"]})
        self.assertEqual(me["Arn"], r["AssumedRoleUser"]["Arn"])
        rec = FAKE.assume_role_records()[-1]
        self.assertEqual((rec["session_name"], rec["duration_seconds"]),
                         ("cli-test", 900))

    def test_sts_assume_role_errors(self):
        r = aws("sts", "assume-role", "--role-arn",
                "arn:aws:iam::%s:role/nobody-trusts-you" % ACCT,
                "--role-session-name", "cli", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"(AccessDenied)", r.stderr)
        self.assertIn(b"is not authorized to perform: sts:AssumeRole on "
                      b"resource: arn:aws:iam::", r.stderr)
        c = aws("sts", "assume-role", "--role-arn",
                "arn:aws:iam::%s:role/driftwatch-readonly" % ACCT,
                "--role-session-name", "cli")["Credentials"]
        FAKE.expire_credentials(c["AccessKeyId"])
        env = {"AWS_ACCESS_KEY_ID": c["AccessKeyId"],
               "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
               "AWS_SESSION_TOKEN": c["SessionToken"], "AWS_MAX_ATTEMPTS": "1"}
        r = aws("sts", "get-caller-identity", extra_env=env, check=False)
        self.assertIn(b"(ExpiredToken)", r.stderr)
        self.assertIn(b"The security token included in the request is "
                      b"expired", r.stderr)
        r = aws("cloudtrail", "describe-trails", extra_env=env, check=False)
        self.assertIn(b"(ExpiredTokenException)", r.stderr)

    def test_sns_publish(self):
        topic = "arn:aws:sns:us-east-1:%s:driftwatch-alerts" % ACCT
        r = aws("sns", "publish", "--topic-arn", topic, "--subject",
                "driftwatch: drift", "--message", "root MFA is off",
                "--message-attributes",
                '{"severity": {"DataType": "String", "StringValue": "high"},'
                ' "check": {"DataType": "String", "StringValue": "root_mfa"}}')
        self.assertRegex(r["MessageId"], r"^[0-9a-f-]{36}$")
        p = FAKE.sns_publications()[-1]
        self.assertEqual(p["message_id"], r["MessageId"])
        self.assertEqual(p["subject"], "driftwatch: drift")
        self.assertEqual(p["message"], "root MFA is off")
        self.assertEqual(p["attributes"], {
            "severity": {"DataType": "String", "StringValue": "high"},
            "check": {"DataType": "String", "StringValue": "root_mfa"}})

    def test_sns_publish_errors(self):
        r = aws("sns", "publish", "--topic-arn",
                "arn:aws:sns:us-east-1:%s:gone" % ACCT, "--message", "m",
                check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"(NotFound)", r.stderr)
        self.assertIn(b"Topic does not exist", r.stderr)
        r = aws("sns", "publish", "--topic-arn",
                "arn:aws:sns:us-east-1:%s:driftwatch-alerts" % ACCT,
                "--subject", "x" * 100, "--message", "m", check=False)
        self.assertIn(b"(InvalidParameter)", r.stderr)
        self.assertIn(b"Invalid parameter: Subject", r.stderr)
        self.assertEqual(FAKE.sns_publications(), [])

    def test_config_recorders(self):
        r = aws("configservice", "describe-configuration-recorders")
        rec = r["ConfigurationRecorders"][0]
        self.assertEqual(rec["name"], "default")
        self.assertIs(rec["recordingGroup"]["allSupported"], True)
        self.assertIs(rec["recordingGroup"]["includeGlobalResourceTypes"],
                      True)
        r = aws("configservice", "describe-configuration-recorder-status")
        st = r["ConfigurationRecordersStatus"][0]
        self.assertIs(st["recording"], True)
        self.assertEqual(st["lastStatus"], "SUCCESS")
        self.assertIn("lastStatusChangeTime", st)
        FAKE.action("config_stop_recorder", region="us-east-1")
        r = aws("configservice", "describe-configuration-recorder-status",
                "--configuration-recorder-names", "default")
        self.assertIs(r["ConfigurationRecordersStatus"][0]["recording"],
                      False)
        self.assertIn("lastStopTime", r["ConfigurationRecordersStatus"][0])
        r = aws("configservice", "describe-configuration-recorders",
                "--configuration-recorder-names", "nope", check=False)
        self.assertIn(b"(NoSuchConfigurationRecorderException)", r.stderr)
        r = aws("configservice", "describe-configuration-recorders",
                region="eu-west-1")
        self.assertEqual(r["ConfigurationRecorders"], [])

    def test_config_delivery_channels(self):
        r = aws("configservice", "describe-delivery-channels")
        ch = r["DeliveryChannels"][0]
        self.assertEqual(ch["name"], "default")
        self.assertEqual(ch["s3BucketName"], "config-bucket-%s" % ACCT)
        r = aws("configservice", "describe-delivery-channels",
                "--delivery-channel-names", "nope", check=False)
        self.assertIn(b"(NoSuchDeliveryChannelException)", r.stderr)

    def test_config_rules_paginated(self):
        r = aws("configservice", "describe-config-rules")
        ids = {x["Source"]["SourceIdentifier"]: x["ConfigRuleName"]
               for x in r["ConfigRules"]}
        self.assertEqual(ids["IAM_PASSWORD_POLICY"], "iam-password-policy")
        self.assertEqual(len(ids), 6)
        for i in range(30):
            FAKE.action("config_put_rule", rule="extra-%02d" % i,
                        identifier="S3_BUCKET_VERSIONING_ENABLED")
        r = aws("configservice", "describe-config-rules", "--no-paginate")
        self.assertEqual(len(r["ConfigRules"]), 25)
        self.assertIn("NextToken", r)
        r2 = aws("configservice", "describe-config-rules", "--next-token",
                 r["NextToken"], "--no-paginate")
        self.assertEqual(len(r2["ConfigRules"]), 11)
        self.assertNotIn("NextToken", r2)
        r = aws("configservice", "describe-config-rules")
        self.assertEqual(len(r["ConfigRules"]), 36)
        r = aws("configservice", "describe-config-rules", "--next-token",
                "garbage", check=False)
        self.assertIn(b"(InvalidNextTokenException)", r.stderr)
        r = aws("configservice", "describe-config-rules",
                "--config-rule-names", "nope", check=False)
        self.assertIn(b"(NoSuchConfigRuleException)", r.stderr)

    def test_config_compliance(self):
        r = aws("configservice", "describe-compliance-by-config-rule")
        got = {x["ConfigRuleName"]: x["Compliance"]["ComplianceType"]
               for x in r["ComplianceByConfigRules"]}
        self.assertEqual(set(got.values()), {"COMPLIANT"})
        self.assertEqual(len(got), 6)
        FAKE.action("config_set_compliance", rule="iam-user-mfa-enabled",
                    compliance="NON_COMPLIANT", count=2)
        r = aws("configservice", "describe-compliance-by-config-rule",
                "--config-rule-names", "iam-user-mfa-enabled")
        c = r["ComplianceByConfigRules"][0]["Compliance"]
        self.assertEqual(c["ComplianceType"], "NON_COMPLIANT")
        self.assertEqual(c["ComplianceContributorCount"]["CappedCount"], 2)
        r = aws("configservice", "describe-compliance-by-config-rule",
                "--compliance-types", "NON_COMPLIANT")
        self.assertEqual(len(r["ComplianceByConfigRules"]), 1)
        r = aws("configservice", "describe-compliance-by-config-rule",
                "--config-rule-names", "nope", check=False)
        self.assertIn(b"(NoSuchConfigRuleException)", r.stderr)

    def test_bad_secret_fails(self):
        r = aws("sts", "get-caller-identity", check=False,
                extra_env={"AWS_SECRET_ACCESS_KEY": "wrong"})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"SignatureDoesNotMatch", r.stderr)

    def test_every_request_was_signed_correctly(self):
        aws("sts", "get-caller-identity")
        aws("cloudtrail", "describe-trails", region="ap-southeast-2")
        reqs = FAKE.requests()
        self.assertEqual(len(reqs), 2)
        self.assertTrue(all(q["sig_ok"] for q in reqs))
        self.assertEqual(reqs[1]["region"], "ap-southeast-2")


if __name__ == "__main__":
    dwtest.tap_main()
