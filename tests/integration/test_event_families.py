#!/usr/bin/python3
"""Every event family of SPEC section 2, with the real daemon against the
fake: each event appears once in CloudTrail and raises exactly one alert
with its family's check and severity; read again after a restart (it is
still inside the overlap window) it raises none.  An IAM user named
"root" is not root.  And however many regions (event_regions = all, from
Account ListRegions) and lookups the poller has, no region ever sees
more than 2 LookupEvents calls in any second.

The CloudTrailEvent records follow the shapes of AWS's CloudTrail and IAM
documentation: userIdentity of type Root, IAMUser, and AssumedRole with
sessionContext.assumedRoot for the AssumeRoot session.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import BASELINE, Daemon, alerts  # noqa: E402

ACCOUNT = dwtest.DEFAULT_ACCOUNT
MEMBER = "444455556666"
BREAK_GLASS = "breakglass"
LOOKUPS = 4     # ReadOnly=false, Username=root, EventName=AssumeRoot, bg


# --- identities -----------------------------------------------------------

def root_console():
    return {"type": "Root", "principalId": ACCOUNT,
            "arn": "arn:aws:iam::%s:root" % ACCOUNT, "accountId": ACCOUNT,
            "accessKeyId": ""}


def root_api():
    ui = root_console()
    ui["accessKeyId"] = "ASIAFAKEROOTSESSION1"
    ui["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                            "attributes": {"creationDate":
                                           "2024-05-01T09:55:00Z",
                                           "mfaAuthenticated": "true"}}
    return ui


def iam_user(name, account=ACCOUNT, key="AKIAFAKEADMIN0000001"):
    return {"type": "IAMUser", "principalId": "AIDAFAKE%s" % name.upper(),
            "arn": "arn:aws:iam::%s:user/%s" % (account, name),
            "accountId": account, "accessKeyId": key, "userName": name}


def org_admin_role(assumed_root=False):
    sc = {"sessionIssuer": {
        "type": "Role", "principalId": "AROAFAKEORGADMIN0001",
        "arn": "arn:aws:iam::%s:role/OrgAdmin" % ACCOUNT,
        "accountId": ACCOUNT, "userName": "OrgAdmin"},
        "webIdFederationData": {},
        "attributes": {"creationDate": "2024-10-25T20:45:28Z",
                       "mfaAuthenticated": "false"}}
    if assumed_root:
        sc["assumedRoot"] = "true"
    return {"type": "AssumedRole",
            "principalId": "AROAFAKEORGADMIN0001:ops",
            "arn": "arn:aws:sts::%s:assumed-role/OrgAdmin/ops" % ACCOUNT,
            "accountId": ACCOUNT, "accessKeyId": "ASIAFAKEORGADMIN0001",
            "sessionContext": sc}


CONSOLE_EXTRA = {
    "LoginTo": "https://console.aws.amazon.com/console/home?state="
               "hashArgsFromTB_us-east-1_0123456789abcdef",
    "MobileVersion": "No", "MFAUsed": "Yes"}


# --- the events: (label, region, fields, check, severity) ----------------
# check None: no alert.

def families():
    admin = iam_user("admin")
    return [
        # root activity (critical)
        ("root console sign-in", "us-east-1", dict(
            EventName="ConsoleLogin", EventSource="signin.amazonaws.com",
            userIdentity=root_console(), requestParameters=None,
            responseElements={"ConsoleLogin": "Success"},
            additionalEventData=CONSOLE_EXTRA),
         "event.root_activity", "critical"),
        ("root read-only call", "us-east-1", dict(
            EventName="GetAccountSummary", EventSource="iam.amazonaws.com",
            userIdentity=root_api(), ReadOnly=True, requestParameters=None,
            responseElements=None),
         "event.root_activity", "critical"),
        # MFA removed (critical for root, high for users)
        ("root MFA device deleted", "us-east-1", dict(
            EventName="DeleteVirtualMFADevice",
            EventSource="iam.amazonaws.com", userIdentity=admin,
            requestParameters={"serialNumber": "arn:aws:iam::%s:mfa/"
                               "root-account-mfa-device" % ACCOUNT},
            responseElements=None),
         "event.mfa_removed", "critical"),
        ("user MFA deactivated", "us-east-1", dict(
            EventName="DeactivateMFADevice", EventSource="iam.amazonaws.com",
            userIdentity=admin, requestParameters={
                "userName": "alice",
                "serialNumber": "arn:aws:iam::%s:mfa/alice" % ACCOUNT},
            responseElements=None),
         "event.mfa_removed", "high"),
        # CloudTrail stopped or weakened (critical), in the trail's region
        ("StopLogging", "eu-west-1", dict(
            EventName="StopLogging", EventSource="cloudtrail.amazonaws.com",
            userIdentity=admin, requestParameters={
                "name": "arn:aws:cloudtrail:eu-west-1:%s:trail/org-trail" %
                ACCOUNT},
            responseElements=None),
         "event.cloudtrail_stopped", "critical"),
        # Config stopped or changed (high)
        ("StopConfigurationRecorder", "us-east-1", dict(
            EventName="StopConfigurationRecorder",
            EventSource="config.amazonaws.com", userIdentity=admin,
            requestParameters={"configurationRecorderName": "default"},
            responseElements=None),
         "event.config_stopped", "high"),
        ("DeleteConfigurationRecorder", "us-east-1", dict(
            EventName="DeleteConfigurationRecorder",
            EventSource="config.amazonaws.com", userIdentity=admin,
            requestParameters={"configurationRecorderName": "default"},
            responseElements=None),
         "event.config_stopped", "high"),
        ("DeleteDeliveryChannel", "us-east-1", dict(
            EventName="DeleteDeliveryChannel",
            EventSource="config.amazonaws.com", userIdentity=admin,
            requestParameters={"deliveryChannelName": "default"},
            responseElements=None),
         "event.config_stopped", "high"),
        ("DeleteConfigRule", "us-east-1", dict(
            EventName="DeleteConfigRule", EventSource="config.amazonaws.com",
            userIdentity=admin,
            requestParameters={"configRuleName": "root-account-mfa-enabled"},
            responseElements=None),
         "event.config_stopped", "high"),
        ("PutConfigurationRecorder", "us-east-1", dict(
            EventName="PutConfigurationRecorder",
            EventSource="config.amazonaws.com", userIdentity=admin,
            requestParameters={"configurationRecorder": {
                "name": "default",
                "roleARN": "arn:aws:iam::%s:role/aws-service-role/"
                           "config.amazonaws.com/AWSServiceRoleForConfig" %
                           ACCOUNT,
                "recordingGroup": {"allSupported": False,
                                   "includeGlobalResourceTypes": False,
                                   "resourceTypes": ["AWS::S3::Bucket"]}}},
            responseElements=None),
         "event.config_stopped", "high"),
        ("PutConfigRule", "us-east-1", dict(
            EventName="PutConfigRule", EventSource="config.amazonaws.com",
            userIdentity=admin, requestParameters={"configRule": {
                "configRuleName": "root-account-mfa-enabled",
                "source": {"owner": "AWS",
                           "sourceIdentifier": "ROOT_ACCOUNT_MFA_ENABLED"},
                "maximumExecutionFrequency": "TwentyFour_Hours"}},
            responseElements=None),
         "event.config_stopped", "high"),
        ("PutDeliveryChannel", "us-east-1", dict(
            EventName="PutDeliveryChannel",
            EventSource="config.amazonaws.com", userIdentity=admin,
            requestParameters={"deliveryChannel": {
                "name": "default", "s3BucketName": "config-bucket-%s" %
                ACCOUNT}},
            responseElements=None),
         "event.config_stopped", "high"),
        # break-glass used (critical): its sign-in, and a read-only call
        ("break-glass console sign-in", "us-east-1", dict(
            EventName="ConsoleLogin", EventSource="signin.amazonaws.com",
            userIdentity=iam_user(BREAK_GLASS, key=""),
            requestParameters=None,
            responseElements={"ConsoleLogin": "Success"},
            additionalEventData=CONSOLE_EXTRA),
         "event.break_glass_used", "critical"),
        ("break-glass read-only call", "us-east-1", dict(
            EventName="ListUsers", EventSource="iam.amazonaws.com",
            userIdentity=iam_user(BREAK_GLASS, key="ASIAFAKEBREAKGLASS01"),
            ReadOnly=True, requestParameters=None, responseElements=None),
         "event.break_glass_used", "critical"),
        # root session taken (high): STS records AssumeRoot read-only, in
        # the region of the regional endpoint used
        ("AssumeRoot", "us-west-2", dict(
            EventName="AssumeRoot", EventSource="sts.amazonaws.com",
            userIdentity=org_admin_role(assumed_root=True), ReadOnly=True,
            requestParameters={
                "targetPrincipal": MEMBER,
                "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/"
                                  "root-task/S3UnlockBucketPolicy"}},
            responseElements={"credentials": {
                "accessKeyId": "ASIAFAKEROOTTASK0001",
                "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE",
                "expiration": "Oct 25, 2024, 9:07:11 PM"}}),
         "event.root_session", "high"),
        # account lifecycle (critical)
        ("CloseAccount", "us-east-1", dict(
            EventName="CloseAccount",
            EventSource="organizations.amazonaws.com",
            userIdentity=org_admin_role(),
            requestParameters={"accountId": MEMBER}, responseElements=None),
         "event.account_lifecycle", "critical"),
        ("LeaveOrganization", "us-east-1", dict(
            EventName="LeaveOrganization",
            EventSource="organizations.amazonaws.com",
            userIdentity=org_admin_role(), requestParameters=None,
            responseElements=None),
         "event.account_lifecycle", "critical"),
        ("RemoveAccountFromOrganization", "us-east-1", dict(
            EventName="RemoveAccountFromOrganization",
            EventSource="organizations.amazonaws.com",
            userIdentity=org_admin_role(),
            requestParameters={"accountId": MEMBER}, responseElements=None),
         "event.account_lifecycle", "critical"),
        # baseline guard changed (medium)
        ("DeleteAccountPasswordPolicy", "us-east-1", dict(
            EventName="DeleteAccountPasswordPolicy",
            EventSource="iam.amazonaws.com", userIdentity=admin,
            requestParameters=None, responseElements=None),
         "event.baseline_guard", "medium"),
        ("UpdateAccountPasswordPolicy", "us-east-1", dict(
            EventName="UpdateAccountPasswordPolicy",
            EventSource="iam.amazonaws.com", userIdentity=admin,
            requestParameters={"minimumPasswordLength": 8,
                               "requireSymbols": False,
                               "requireNumbers": False,
                               "requireUppercaseCharacters": False,
                               "requireLowercaseCharacters": False,
                               "allowUsersToChangePassword": True},
            responseElements=None),
         "event.baseline_guard", "medium"),
        ("DeleteAlternateContact", "us-east-1", dict(
            EventName="DeleteAlternateContact",
            EventSource="account.amazonaws.com", userIdentity=admin,
            requestParameters={"alternateContactType": "SECURITY"},
            responseElements=None),
         "event.baseline_guard", "medium"),
        ("PutAlternateContact", "us-east-1", dict(
            EventName="PutAlternateContact",
            EventSource="account.amazonaws.com", userIdentity=admin,
            requestParameters={"alternateContactType": "BILLING",
                               "name": "HIDDEN_DUE_TO_SECURITY_REASONS",
                               "title": "HIDDEN_DUE_TO_SECURITY_REASONS",
                               "emailAddress":
                                   "HIDDEN_DUE_TO_SECURITY_REASONS",
                               "phoneNumber":
                                   "HIDDEN_DUE_TO_SECURITY_REASONS"},
            responseElements=None),
         "event.baseline_guard", "medium"),
        ("DeleteAccountAlias", "us-east-1", dict(
            EventName="DeleteAccountAlias", EventSource="iam.amazonaws.com",
            userIdentity=admin,
            requestParameters={"accountAlias": "example-mgmt"},
            responseElements=None),
         "event.baseline_guard", "medium"),
        # CreateAccessKey by root: root activity, so critical
        ("root CreateAccessKey", "us-east-1", dict(
            EventName="CreateAccessKey", EventSource="iam.amazonaws.com",
            userIdentity=root_api(), requestParameters=None,
            responseElements={"accessKey": {
                "accessKeyId": "AKIAFAKEROOTKEY00001", "status": "Active",
                "createDate": "May 1, 2024, 10:00:00 AM"}}),
         "event.root_activity", "critical"),
        # not alerts
        ("IAM user named root signs in", "us-east-1", dict(
            EventName="ConsoleLogin", EventSource="signin.amazonaws.com",
            userIdentity=iam_user("root", key=""), requestParameters=None,
            responseElements={"ConsoleLogin": "Success"},
            additionalEventData=CONSOLE_EXTRA),
         None, None),
        ("IAM user named root reads", "us-east-1", dict(
            EventName="ListUsers", EventSource="iam.amazonaws.com",
            userIdentity=iam_user("root"), ReadOnly=True,
            requestParameters=None, responseElements=None),
         None, None),
        ("CreateAccessKey by an IAM user", "us-east-1", dict(
            EventName="CreateAccessKey", EventSource="iam.amazonaws.com",
            userIdentity=admin, requestParameters={"userName": "bob"},
            responseElements={"accessKey": {
                "accessKeyId": "AKIAFAKEBOBKEY000001", "status": "Active",
                "userName": "bob", "createDate": "May 1, 2024, 10:00:00 AM"}}),
         None, None),
        ("AssumeRole is no root session", "us-west-2", dict(
            EventName="AssumeRole", EventSource="sts.amazonaws.com",
            userIdentity=admin, ReadOnly=True, requestParameters={
                "roleArn": "arn:aws:iam::%s:role/OrgAdmin" % ACCOUNT,
                "roleSessionName": "ops"},
            responseElements=None),
         None, None),
        ("a user of the break-glass name in another account", "us-east-1",
         dict(EventName="ListUsers", EventSource="iam.amazonaws.com",
              userIdentity=iam_user(BREAK_GLASS, account=MEMBER),
              ReadOnly=True, requestParameters=None, responseElements=None,
              recipientAccountId=ACCOUNT),
         None, None),
    ]


def event_alerts(fake):
    return [a for a in alerts(fake) if a.get("kind") == "event"]


def lookups_by_region(fake):
    out = {}
    for q in fake.requests():
        if q["action"] == "LookupEvents" and q["status"] == 200:
            out[q["region"]] = out.get(q["region"], 0) + 1
    return out


def wait_polls(fake, regions, n, timeout=60):
    """Until every region answered n more polls (LOOKUPS lookups each)."""
    before = lookups_by_region(fake)
    fake.wait_for(lambda: all(
        lookups_by_region(fake).get(r, 0) >= before.get(r, 0) + n * LOOKUPS
        for r in regions), timeout, interval=0.5)


def baseline(fake):
    users = [u["UserName"] for u in fake.state()["users"]]
    bl = dict(BASELINE)
    bl["iam"] = dict(BASELINE["iam"], users=users,
                     break_glass_user=BREAK_GLASS)
    return bl


REGIONS = ("us-east-1", "eu-west-1", "us-west-2")


class Families(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("event-families")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline(cls.fake),
                       sinks={"hook": {"type": "webhook",
                                       "min_severity": "info",
                                       "url": cls.fake.webhook_url("hook")}},
                       aws={"event_regions": ", ".join(REGIONS)})
        cls.ids = {}
        now = time.time()
        for i, (label, region, fields, check, sev) in \
                enumerate(families()):
            fields = dict(fields, EventTime=now - 120 + i)
            cls.ids[label] = (cls.fake.add_event(region, **fields), check,
                              sev)
        cls.d.start()
        want = {eid for eid, check, _ in cls.ids.values() if check}
        cls.fake.wait_for(lambda: want <= {
            a["event"]["event_id"] for a in event_alerts(cls.fake)}, 90,
            interval=0.5)
        # a few more polls re-read the window: nothing new may come
        wait_polls(cls.fake, REGIONS, 2)
        cls.first = event_alerts(cls.fake)

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code not in (0, None):
            raise AssertionError("driftwatchd exited %s" % code)

    def alerts_for(self, eid, among=None):
        return [a for a in (among if among is not None else self.first)
                if a["event"].get("event_id") == eid]

    def test_1_each_family_one_alert_with_its_severity(self):
        for label, (eid, check, sev) in self.ids.items():
            with self.subTest(event=label):
                got = self.alerts_for(eid)
                if check is None:
                    self.assertEqual(got, [], "%s: no alert" % label)
                    continue
                self.assertEqual(len(got), 1, "%s: exactly one alert" %
                                 label)
                self.assertEqual(got[0]["check"], check, label)
                self.assertEqual(got[0]["severity"], sev, label)
                self.assertLess(len(got[0]["title"]), 100)
        print("# %d events, %d alerts" % (len(self.ids), len(self.first)))

    def test_2_alert_names_who_where(self):
        eid = self.ids["AssumeRoot"][0]
        a = self.alerts_for(eid)[0]
        self.assertEqual(a["event"]["region"], "us-west-2")
        self.assertIn("OrgAdmin", a["event"]["actor_arn"])
        self.assertIn(MEMBER, a["title"])
        bg = self.alerts_for(self.ids["break-glass console sign-in"][0])[0]
        self.assertEqual(bg["title"], "Break-glass user breakglass signed "
                         "in to the console")

    def test_3_replayed_after_restart_none(self):
        code = self.d.stop()
        self.assertIn(code, (0, None))
        self.fake.clear_webhook()
        self.d.start()
        # the restarted daemon re-reads the overlap (10 min): all of them
        wait_polls(self.fake, REGIONS, 3)
        self.assertEqual(event_alerts(self.fake), [],
                         "no event alerted again after a restart")
        # and it still alerts what is new
        late = self.fake.add_event("us-east-1", **families()[0][2])
        got = self.fake.wait_for(lambda: [
            a for a in event_alerts(self.fake)
            if a["event"]["event_id"] == late], 30)
        self.assertEqual(got[0]["severity"], "critical")


def enabled_regions_state(fake, extra_enabled):
    regs = fake.state()["account_regions"]
    for r in regs:
        if r["RegionName"] in extra_enabled:
            r["RegionOptStatus"] = "ENABLED"
    return regs


class AllRegionsRate(unittest.TestCase):
    """event_regions = all: every enabled region (17 by default plus two
    opted in) is polled, none that is disabled, and each region's
    LookupEvents calls -- four lookups a piece, pages of 50 -- stay at 2
    or fewer in any second."""
    OPTED_IN = ("eu-south-1", "me-central-1")

    def setUp(self):
        self.work = dwtest.workdir("event-regions")
        self.fake = dwtest.FakeAWS(os.path.join(self.work, "fake"))
        regs = enabled_regions_state(self.fake, self.OPTED_IN)
        # five a page: the daemon follows ListRegions' NextToken
        self.fake.set_state({"account_regions": regs,
                             "account_regions_page": 5})
        self.enabled = {r["RegionName"] for r in regs
                        if r["RegionOptStatus"] in
                        ("ENABLED", "ENABLED_BY_DEFAULT")}
        self.disabled = {r["RegionName"] for r in regs} - self.enabled
        self.d = Daemon(self.fake, os.path.join(self.work, "d"),
                        baseline=baseline(self.fake),
                        sinks={"hook": {"type": "webhook",
                                        "min_severity": "info",
                                        "url": self.fake.webhook_url("hook")}},
                        aws={"event_regions": "all"})

    def tearDown(self):
        code = self.d.stop()
        self.fake.stop()
        self.assertIn(code, (0, None))

    def test_every_enabled_region_under_the_rate(self):
        now = time.time()
        # an AssumeRoot through an opted-in region's STS endpoint
        root = self.fake.add_event(
            "eu-south-1", EventName="AssumeRoot",
            EventSource="sts.amazonaws.com", ReadOnly=True,
            userIdentity=org_admin_role(assumed_root=True),
            requestParameters={"targetPrincipal": MEMBER, "taskPolicyArn": {
                "arn": "arn:aws:iam::aws:policy/root-task/"
                       "IAMDeleteRootUserCredentials"}},
            responseElements=None, EventTime=now - 60)
        # pages: 120 write events in us-east-1, each lookup reads 3 pages
        for i in range(120):
            self.fake.add_event(
                "us-east-1", EventName="CreateUser",
                EventSource="iam.amazonaws.com", EventTime=now - 300 + i,
                requestParameters={"userName": "u%03d" % i},
                responseElements=None)
        self.d.start()
        got = self.fake.wait_for(lambda: [
            a for a in event_alerts(self.fake)
            if a["event"]["event_id"] == root], 60, interval=0.5)
        self.assertEqual(got[0]["event"]["region"], "eu-south-1")
        self.assertEqual(got[0]["check"], "event.root_session")
        wait_polls(self.fake, sorted(self.enabled), 2, timeout=120)

        reqs = [q for q in self.fake.requests()
                if q["action"] == "LookupEvents"]
        polled = {q["region"] for q in reqs}
        self.assertEqual(polled, self.enabled,
                         "every enabled region polled, no other")
        self.assertFalse(polled & self.disabled)
        worst = {}
        for region in polled:
            ts = sorted(q["time"] for q in reqs if q["region"] == region)
            most = 0
            j = 0
            for i, t in enumerate(ts):
                while ts[j] <= t - 1.0:
                    j += 1
                most = max(most, i - j + 1)
            worst[region] = most
            self.assertLessEqual(most, 2, "%s: %d LookupEvents calls in "
                                 "one second" % (region, most))
        self.assertEqual(self.fake.stats().get("lookup_events_throttled", 0),
                         0)
        lr = [q for q in self.fake.requests() if q["action"] == "ListRegions"
              and q["status"] == 200]
        self.assertGreaterEqual(len(lr), 4, "19 regions, 5 a page")
        print("# %d regions polled, %d LookupEvents calls; most in any "
              "second in one region: %d" % (len(polled), len(reqs),
                                            max(worst.values())))

    def test_list_regions_denied_is_blind_not_silent(self):
        self.fake.fault(service="account", action="ListRegions",
                        kind="accessdenied", count=-1)
        self.d.start()
        got = self.fake.wait_for(lambda: [
            a for a in alerts(self.fake) if a.get("kind") == "blind" and
            "events.regions" in (a.get("check", "") + a.get("title", "") +
                                 a.get("summary", ""))], 60, interval=0.5)
        self.assertTrue(got)
        # the regions it knows are still polled
        wait_polls(self.fake, ["us-east-1", "eu-west-1"], 1)


class RegionsKey(unittest.TestCase):
    def test_all_stands_alone(self):
        work = dwtest.workdir("event-regions-key")
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        try:
            d = Daemon(fake, os.path.join(work, "ok"),
                       aws={"event_regions": "all"})
            r = d.run("validate")
            self.assertEqual(r.returncode, 0, r.stderr)
            for bad in ("all, eu-west-1", "us-east-1, all"):
                d = Daemon(fake, os.path.join(work, "bad"),
                           aws={"event_regions": bad})
                r = d.run("validate")
                self.assertEqual(r.returncode, 78, r.stderr)
                self.assertIn('event_regions: "all" stands alone', r.stderr)
        finally:
            fake.stop()


if __name__ == "__main__":
    dwtest.tap_main()
