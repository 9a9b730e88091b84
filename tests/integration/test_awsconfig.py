#!/usr/bin/python3
"""config.recorder, config.rules, config.compliance: the real driftwatchd
against the fake AWS Config (tests/fakeaws/fake_config.py).

On the baseline all three are ok.  A recorder missing, stopped, failing,
recording only some types or no global ones, or without a delivery channel
is drift naming what differs; a deleted managed rule is drift naming its
identifier, a rule under another name with the same identifier is fine,
and a custom rule under the managed rule's name is not; NON_COMPLIANT is
drift, INSUFFICIENT_DATA is unknown naming the rule (exit 2, never ok),
NOT_APPLICABLE is fine; every page is read; several regions give one
finding per region; AccessDenied and a malformed answer are unknown."""
import copy
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import BASELINE, Daemon, alerts  # noqa: E402

# The fake's default rules (tests/fakeaws/README.md, "AWS Config").
SIX = ["CLOUD_TRAIL_ENABLED", "IAM_PASSWORD_POLICY",
       "IAM_ROOT_ACCESS_KEY_CHECK", "IAM_USER_MFA_ENABLED",
       "IAM_USER_UNUSED_CREDENTIALS_CHECK", "ROOT_ACCOUNT_MFA_ENABLED"]
IDS = ("config.recorder", "config.rules", "config.compliance")
CONFIG = {"recorder": True, "rules": SIX, "compliance": True}


def baseline(config=None, **kw):
    b = copy.deepcopy(BASELINE)
    b["config"] = copy.deepcopy(CONFIG if config is None else config)
    b["config"].update(kw)
    return b


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("awsconfig-" + cls.__name__.lower())
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()
        self.d.write_baseline(baseline())

    def check(self):
        r = self.d.run("--json", "check")
        try:
            out = json.loads(r.stdout)
        except ValueError:
            self.fail("not JSON: %r %r" % (r.stdout, r.stderr))
        status = {c["check"]: c for c in out["checks"]}
        drift = {f["finding"]: f for f in out["findings"]
                 if f.get("state", "drift") == "drift"}
        return r, status, drift

    def awsconfig(self, method="GET", body=None):
        return self.fake.control(method, "/_awsconfig", body)

    def region(self, region="us-east-1"):
        return self.awsconfig()["regions"][region]

    def put_region(self, reg, region="us-east-1"):
        self.awsconfig("PUT", {"regions": {region: reg}})

    def config_requests(self, action=None):
        return [q for q in self.fake.requests()
                if q["service"] == "config" and
                action in (None, q["action"])]

    def assert_states(self, st, **want):
        got = {c: st[c]["status"] for c in IDS if c in st}
        exp = {c: "ok" for c in IDS}
        exp.update({"config." + k: v for k, v in want.items()})
        self.assertEqual(got, exp)


class Recorder(Base):
    def test_on_baseline_ok(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_states(st)
        self.assertFalse([f for f in fi if f.startswith("config.")])
        reqs = self.config_requests()
        self.assertEqual(sorted({q["action"] for q in reqs}), [
            "DescribeComplianceByConfigRule", "DescribeConfigRules",
            "DescribeConfigurationRecorderStatus",
            "DescribeConfigurationRecorders", "DescribeDeliveryChannels"])
        self.assertEqual(len(reqs), 5, "one call each")
        self.assertTrue(all(q["sig_ok"] for q in reqs), reqs)
        self.assertEqual({q["region"] for q in reqs}, {"us-east-1"},
                         "the daemon's region when the baseline names none")
        r = self.d.run("check")
        for c in IDS:
            self.assertRegex(r.stdout, r"%s\s.*\bok\b" % c.replace(".", r"\."))

    def drift(self, *want_in_actual):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["config.recorder"]["status"], "drift")
        self.assertNotIn("error", st["config.recorder"])
        f = fi["config.recorder"]
        self.assertEqual(f["severity"], "high")
        self.assertEqual(f["expected"],
                         "a configuration recorder, recording, all supported "
                         "resource types, global resource types included, a "
                         "delivery channel")
        for w in want_in_actual:
            self.assertIn(w, f["actual"])
        self.assertEqual(st["config.rules"]["status"], "ok")
        return f

    def test_recorder_missing(self):
        self.fake.action("config_delete_recorder", region="us-east-1")
        f = self.drift("no configuration recorder")
        self.assertEqual(f["actual"], "no configuration recorder")

    def test_recorder_stopped(self):
        self.fake.action("config_stop_recorder", region="us-east-1")
        f = self.drift("recorder stopped")
        self.assertEqual(f["actual"], "recorder stopped")
        self.fake.action("config_start_recorder", region="us-east-1")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_last_status_failure(self):
        reg = self.region()
        reg["recorder_status"]["default"].update(
            lastStatus="FAILURE", lastErrorCode="AccessDenied",
            lastErrorMessage="Config cannot write to the bucket")
        self.put_region(reg)
        f = self.drift()
        self.assertEqual(f["actual"], "last status FAILURE AccessDenied")

    def test_not_all_types(self):
        self.fake.action("config_put_recorder", region="us-east-1",
                         allSupported=False, includeGlobalResourceTypes=False,
                         resourceTypes=["AWS::EC2::Instance",
                                        "AWS::S3::Bucket"])
        f = self.drift()
        self.assertEqual(f["actual"], "only 2 selected resource types, "
                         "global resource types not recorded")

    def test_no_global_types(self):
        self.fake.action("config_put_recorder", region="us-east-1",
                         allSupported=True, includeGlobalResourceTypes=False)
        f = self.drift()
        self.assertEqual(f["actual"], "global resource types not recorded")

    def test_no_delivery_channel(self):
        reg = self.region()
        reg["delivery_channels"] = []
        self.put_region(reg)
        f = self.drift()
        self.assertEqual(f["actual"], "no delivery channel")
        # as AWS has it: a channel goes only once the recorder is stopped
        self.fake.reset()
        self.fake.action("config_stop_recorder", region="us-east-1")
        self.fake.action("config_delete_delivery_channel",
                         region="us-east-1")
        f = self.drift()
        self.assertEqual(f["actual"],
                         "recorder stopped, no delivery channel")

    def test_service_recorder_beside_the_accounts(self):
        """A recorder an AWS service manages, recording a few types, does
        not hide the account's own: the one closest to the baseline is
        judged."""
        reg = self.region()
        svc = {"name": "AWSConfigurationRecorderForCloudWatch",
               "roleARN": "arn:aws:iam::111122223333:role/aws-service-role/"
                          "config.amazonaws.com/AWSServiceRoleForConfig",
               "recordingGroup": {"allSupported": False,
                                  "includeGlobalResourceTypes": False,
                                  "resourceTypes": ["AWS::EC2::Instance"]}}
        reg["recorders"].insert(0, svc)
        reg["recorder_status"][svc["name"]] = {"recording": True,
                                               "lastStatus": "SUCCESS"}
        self.put_region(reg)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        reg["recorder_status"]["default"]["recording"] = False
        self.put_region(reg)
        f = self.drift()
        self.assertEqual(f["actual"], "recorder stopped")

    def test_recorder_object_only_named_keys(self):
        self.d.write_baseline(baseline({"recorder": {
            "all_supported": True}}))
        self.fake.action("config_put_recorder", region="us-east-1",
                         allSupported=True, includeGlobalResourceTypes=False)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["config.recorder"]["status"], "ok")
        self.assertNotIn("config.rules", st)
        self.assertNotIn("config.compliance", st)
        self.assertEqual(self.config_requests("DescribeConfigRules"), [])


class Rules(Base):
    def test_rule_deleted(self):
        self.fake.action("config_delete_rule", region="us-east-1",
                         rule="iam-password-policy")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assert_states(st, rules="drift")
        f = fi["config.rules"]
        self.assertEqual(f["actual"], "missing IAM_PASSWORD_POLICY")
        self.assertEqual(f["expected"], ", ".join(SIX))
        self.assertIn("IAM_PASSWORD_POLICY", f["title"])

    def test_two_rules_deleted(self):
        for name in ("cloudtrail-enabled", "root-account-mfa-enabled"):
            self.fake.action("config_delete_rule", region="us-east-1",
                             rule=name)
        r, st, fi = self.check()
        self.assertEqual(fi["config.rules"]["actual"],
                         "missing CLOUD_TRAIL_ENABLED, ROOT_ACCOUNT_MFA_ENABLED")

    def test_renamed_rule_same_identifier_ok(self):
        self.fake.action("config_delete_rule", region="us-east-1",
                         rule="iam-password-policy")
        self.fake.action("config_put_rule", region="us-east-1",
                         rule="securityhub-iam-password-policy-8f3a2c",
                         identifier="IAM_PASSWORD_POLICY",
                         compliance="COMPLIANT",
                         created_by="securityhub.amazonaws.com")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_states(st)
        # and its compliance is read under its new name
        reqs = self.config_requests("DescribeComplianceByConfigRule")
        self.assertEqual(len(reqs), 1)
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="securityhub-iam-password-policy-8f3a2c",
                         compliance="NON_COMPLIANT")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("config.compliance/"
                      "securityhub-iam-password-policy-8f3a2c", fi)

    def test_same_name_custom_rule_is_not_the_managed_one(self):
        self.fake.action("config_delete_rule", region="us-east-1",
                         rule="iam-user-mfa-enabled")
        self.fake.action("config_put_rule", region="us-east-1",
                         rule="iam-user-mfa-enabled", owner="CUSTOM_LAMBDA",
                         identifier="arn:aws:lambda:us-east-1:111122223333:"
                         "function:mfa-check", compliance="COMPLIANT")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(fi["config.rules"]["actual"],
                         "missing IAM_USER_MFA_ENABLED")

    def test_rule_being_deleted_is_missing(self):
        reg = self.region()
        for rule in reg["rules"]:
            if rule["ConfigRuleName"] == "iam-root-access-key-check":
                rule["ConfigRuleState"] = "DELETING"
        self.put_region(reg)
        r, st, fi = self.check()
        self.assertEqual(fi["config.rules"]["actual"],
                         "missing IAM_ROOT_ACCESS_KEY_CHECK")

    def test_pages_are_all_read(self):
        """40 other rules first: the baseline's are on pages 2 and 3."""
        reg = self.region()
        extra = [{"ConfigRuleName": "s3-bucket-rule-%02d" % i,
                  "ConfigRuleArn": "arn:aws:config:us-east-1:111122223333:"
                                   "config-rule/config-rule-x%02d" % i,
                  "ConfigRuleId": "config-rule-x%02d" % i,
                  "Source": {"Owner": "AWS", "SourceIdentifier":
                             "S3_BUCKET_VERSIONING_ENABLED"},
                  "ConfigRuleState": "ACTIVE", "compliance": "COMPLIANT"}
                 for i in range(40)]
        reg["rules"] = extra + reg["rules"]
        self.put_region(reg)
        self.awsconfig("PUT", {"page_size": {
            "DescribeComplianceByConfigRule": 2}})
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(self.config_requests("DescribeConfigRules")),
                         2, "46 rules, 25 a page")
        self.assertEqual(
            len(self.config_requests("DescribeComplianceByConfigRule")), 3,
            "6 rules, 2 a page")
        # the last rule of the last pages
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="root-account-mfa-enabled",
                         compliance="NON_COMPLIANT")
        self.fake.action("config_delete_rule", region="us-east-1",
                         rule="iam-user-unused-credentials-check")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(fi["config.rules"]["actual"],
                         "missing IAM_USER_UNUSED_CREDENTIALS_CHECK")
        self.assertIn("config.compliance/root-account-mfa-enabled", fi)

    def test_more_than_25_rules_in_chunks(self):
        ids = ["MANAGED_RULE_%02d" % i for i in range(30)]
        for i, ident in enumerate(ids):
            self.fake.action("config_put_rule", region="us-east-1",
                             rule="managed-rule-%02d" % i, identifier=ident,
                             compliance="COMPLIANT")
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="managed-rule-29", compliance="NON_COMPLIANT")
        self.d.write_baseline(baseline(rules=SIX + ids))
        self.fake.clear_requests()
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assert_states(st, compliance="drift")
        self.assertEqual(list(k for k in fi if k.startswith("config.")),
                         ["config.compliance/managed-rule-29"])
        reqs = self.config_requests("DescribeComplianceByConfigRule")
        self.assertEqual(len(reqs), 2, "36 rule names, at most 25 a call")


class Compliance(Base):
    def test_noncompliant_is_drift(self):
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="iam-user-mfa-enabled",
                         compliance="NON_COMPLIANT", count=3)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assert_states(st, compliance="drift")
        f = fi["config.compliance/iam-user-mfa-enabled"]
        self.assertEqual(f["expected"], "COMPLIANT")
        self.assertEqual(f["actual"], "NON_COMPLIANT")
        self.assertEqual(f["severity"], "medium")
        self.assertIn("IAM_USER_MFA_ENABLED", f["title"])
        self.assertEqual([k for k in fi if k.startswith("config.")],
                         ["config.compliance/iam-user-mfa-enabled"])

    def test_insufficient_data_is_unknown_not_ok(self):
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="root-account-mfa-enabled",
                         compliance="INSUFFICIENT_DATA")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_states(st, compliance="unknown")
        err = st["config.compliance"]["error"]
        self.assertIn("INSUFFICIENT_DATA", err)
        self.assertIn("root-account-mfa-enabled (ROOT_ACCOUNT_MFA_ENABLED)",
                      err)
        self.assertFalse([k for k in fi if k.startswith("config.")])
        r = self.d.run("check")
        self.assertRegex(r.stdout, r"config\.compliance\s.*unknown")

    def test_noncompliant_wins_over_insufficient(self):
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="root-account-mfa-enabled",
                         compliance="INSUFFICIENT_DATA")
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="cloudtrail-enabled",
                         compliance="NON_COMPLIANT")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, "drift seen is drift")
        self.assertEqual(st["config.compliance"]["status"], "unknown")
        self.assertIn("config.compliance/cloudtrail-enabled", fi)

    def test_not_applicable_is_fine(self):
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="iam-user-mfa-enabled",
                         compliance="NOT_APPLICABLE")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_states(st)

    def test_only_deployed_rules_asked(self):
        self.fake.action("config_delete_rule", region="us-east-1",
                         rule="iam-password-policy")
        r, st, fi = self.check()
        self.assert_states(st, rules="drift")
        reqs = self.config_requests("DescribeComplianceByConfigRule")
        self.assertEqual(len(reqs), 1)
        log = self.fake.control("GET", "/_requests")
        self.assertTrue(log)

    def test_compliance_needs_rules(self):
        self.d.write_baseline(baseline({"compliance": True}))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn('config.compliance: needs "rules"', r.stderr)


class Faults(Base):
    def test_denied_is_unknown_exit_2(self):
        self.fake.fault(service="config", kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "unknown", c)
            self.assertIn("AccessDeniedException", st[c].get("error", ""), c)
        self.assertFalse([k for k in fi if k.startswith("config.")])
        self.assertEqual(st["root.mfa"]["status"], "ok")
        self.assertEqual(len(self.config_requests()), 4,
                         "three recorder calls and the rules: never retried")

    def test_one_call_denied(self):
        self.fake.fault(service="config",
                        action="DescribeDeliveryChannels",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_states(st, recorder="unknown")
        self.assertIn("us-east-1: AccessDeniedException",
                      st["config.recorder"]["error"])

    def test_compliance_denied(self):
        self.fake.fault(service="config",
                        action="DescribeComplianceByConfigRule",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_states(st, compliance="unknown")

    def test_malformed_answer_is_unknown(self):
        self.fake.fault(service="config", action="DescribeConfigRules",
                        kind="malformed", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_states(st, rules="unknown", compliance="unknown")
        self.fake.clear_faults()
        self.fake.fault(service="config",
                        action="DescribeConfigurationRecorderStatus",
                        kind="malformed", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_states(st, recorder="unknown")
        self.assertNotIn("config.recorder", fi)

    def test_answer_without_its_list_is_unknown(self):
        """Valid JSON of the wrong shape is no answer, never "none"."""
        for op, answer, unknown in (
                ("DescribeConfigurationRecorders", {}, ("recorder",)),
                ("DescribeConfigurationRecorderStatus",
                 {"ConfigurationRecordersStatus": [{"name": "default"}]},
                 ("recorder",)),
                ("DescribeDeliveryChannels", {"DeliveryChannels": {}},
                 ("recorder",)),
                ("DescribeConfigRules",
                 {"ConfigRules": [{"ConfigRuleName": "x"}]},
                 ("rules", "compliance")),
                ("DescribeConfigRules",
                 {"ConfigRules": [], "NextToken": 5},
                 ("rules", "compliance")),
                ("DescribeComplianceByConfigRule",
                 {"ComplianceByConfigRules": [7]}, ("compliance",))):
            self.awsconfig("PUT", {"answers": {op: answer}})
            r, st, fi = self.check()
            self.assertEqual(r.returncode, 2, (op, r.stdout + r.stderr))
            self.assert_states(st, **{k: "unknown" for k in unknown})
            self.assertIn("unexpected answer shape",
                          st["config." + unknown[0]]["error"])
            self.assertFalse([k for k in fi if k.startswith("config.")])
            self.awsconfig("PUT", {"answers": {op: None}})

    def test_bad_token_is_unknown(self):
        """A second page the fake cannot continue: never a partial list."""
        self.awsconfig("PUT", {"page_size": {"DescribeConfigRules": 2}})
        self.fake.fault(service="config", action="DescribeConfigRules",
                        kind="status", status=400,
                        code="InvalidNextTokenException", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("InvalidNextTokenException",
                      st["config.rules"]["error"])


class Regions(Base):
    def setUp(self):
        super().setUp()
        self.d.write_baseline(baseline(regions=["us-east-1", "eu-west-1"]))

    def test_each_region_read(self):
        self.awsconfig("POST", {"region": "eu-west-1"})
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_states(st)
        self.assertEqual({q["region"] for q in self.config_requests()},
                         {"us-east-1", "eu-west-1"})
        self.assertEqual(len(self.config_requests()), 10)

    def test_region_without_config(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(fi["config.recorder/eu-west-1"]["actual"],
                         "no configuration recorder, no delivery channel")
        self.assertNotIn("config.recorder/us-east-1", fi)
        self.assertEqual(fi["config.rules/eu-west-1"]["actual"],
                         "missing " + ", ".join(SIX))

    def test_stopped_in_one_region(self):
        self.awsconfig("POST", {"region": "eu-west-1"})
        self.fake.action("config_stop_recorder", region="eu-west-1")
        self.fake.action("config_set_compliance", region="eu-west-1",
                         rule="iam-password-policy",
                         compliance="NON_COMPLIANT")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(sorted(k for k in fi if k.startswith("config.")),
                         ["config.compliance/eu-west-1/iam-password-policy",
                          "config.recorder/eu-west-1"])
        self.assertIn("eu-west-1", fi["config.recorder/eu-west-1"]["title"])

    def test_insufficient_data_names_region(self):
        self.awsconfig("POST", {"region": "eu-west-1"})
        self.fake.action("config_set_compliance", region="eu-west-1",
                         rule="iam-password-policy",
                         compliance="INSUFFICIENT_DATA")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("eu-west-1/iam-password-policy (IAM_PASSWORD_POLICY)",
                      st["config.compliance"]["error"])

    def test_global_types_in_one_region(self):
        self.awsconfig("POST", {"region": "eu-west-1"})
        self.fake.action("config_put_recorder", region="eu-west-1",
                         allSupported=True, includeGlobalResourceTypes=False)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1)
        self.assertEqual(fi["config.recorder/eu-west-1"]["actual"],
                         "global resource types not recorded")
        self.d.write_baseline(baseline(
            regions=["us-east-1", "eu-west-1"],
            recorder={"all_supported": True, "delivery_channel": True,
                      "include_global_resource_types": "us-east-1"}))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_denied_in_one_region(self):
        self.awsconfig("POST", {"region": "eu-west-1"})
        self.fake.fault(service="config", region="eu-west-1",
                        kind="accessdenied", count=-1)
        self.fake.action("config_stop_recorder", region="us-east-1")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, "the drift seen is reported")
        self.assertEqual(st["config.recorder"]["status"], "unknown")
        self.assertIn("eu-west-1: AccessDeniedException",
                      st["config.recorder"]["error"])
        self.assertIn("config.recorder/us-east-1", fi)


class BaselineFile(Base):
    def validate(self, config, message):
        self.d.write_baseline(baseline(config))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn(message, r.stderr)

    def test_errors_name_the_key(self):
        self.validate({"rules": ["IAM_PASSWORD_POLICY", "iam-password-policy"]},
                      "config.rules[1]: expected a managed rule identifier")
        self.validate({"rules": SIX + ["IAM_PASSWORD_POLICY"]},
                      'config.rules[6]: "IAM_PASSWORD_POLICY" is listed twice')
        self.validate({"recorder": False},
                      "config.recorder: expected true or an object")
        self.validate({"recorder": {"all_supported": "yes"}},
                      "config.recorder.all_supported: expected true or false")
        self.validate({"recorder": {"include_global_resource_types":
                                    "mars-1"}},
                      "config.recorder.include_global_resource_types: "
                      "expected true, false or the region")
        self.validate({"recorder": {"delivery": True}},
                      "config.recorder")
        self.validate({"regions": []}, "config.regions: expected at least "
                      "one region")
        self.validate({"regions": ["us-east-1", "us-east-1"]},
                      'config.regions[1]: "us-east-1" is listed twice')
        self.validate({"region": "us-east-1"}, "config")

    def test_example_baseline_passes(self):
        """etc/baseline.json's config section is the fake's account."""
        top = os.environ.get("DW_SRCDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(top, "etc", "baseline.json")) as f:
            example = json.load(f)
        self.assertEqual(example["config"]["rules"], SIX)
        self.d.write_baseline(baseline(example["config"]))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_states(st)

    def test_capture(self):
        r = self.d.run("capture")
        if r.returncode != 0 and "capture" in r.stderr and \
                "usage" in r.stderr.lower():
            self.skipTest("no capture command in this build")
        self.assertEqual(r.returncode, 0, r.stderr)
        cap = json.loads(r.stdout)["config"]
        self.assertEqual(cap, {"recorder": {
            "all_supported": True, "include_global_resource_types": True,
            "delivery_channel": True}, "rules": SIX, "compliance": True})
        self.d.write_baseline(baseline(cap))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # a stopped recorder is left out, and said so
        self.fake.action("config_stop_recorder", region="us-east-1")
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="iam-password-policy",
                         compliance="NON_COMPLIANT")
        self.fake.action("config_delete_rule", region="us-east-1",
                         rule="cloudtrail-enabled")
        r = self.d.run("capture")
        cap = json.loads(r.stdout)["config"]
        self.assertEqual(cap, {"rules": SIX[1:]})
        self.assertIn("config.recorder: the recorder is stopped in "
                      "us-east-1", r.stderr)
        self.assertIn("config.rules: not deployed in us-east-1: "
                      "CLOUD_TRAIL_ENABLED", r.stderr)
        self.assertIn("config.compliance: 1 rule in us-east-1", r.stderr)
        self.d.write_baseline(baseline(cap))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_capture_denied(self):
        self.fake.fault(service="config", kind="accessdenied", count=-1)
        r = self.d.run("capture")
        self.assertNotIn("config", json.loads(r.stdout or "{}"))
        self.assertIn("config.recorder: not captured: AccessDenied",
                      r.stderr)
        self.assertIn("config.rules: not captured: us-east-1: "
                      "AccessDenied", r.stderr)


class Run(unittest.TestCase):
    """The daemon: a stopped recorder opens one finding, starting it
    resolves it."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("awsconfig-run")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def of(self, check, kind):
        return [a for a in alerts(self.fake)
                if a.get("check") == check and a.get("kind") == kind]

    def test_stop_then_start(self):
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("check") == "config.recorder"], [],
                         "Config on the baseline raises nothing")
        self.fake.action("config_stop_recorder", region="us-east-1")
        got = self.fake.wait_for(lambda: self.of("config.recorder", "open"),
                                 timeout=20)
        self.assertEqual(got[0]["actual"], "recorder stopped")
        self.assertEqual(got[0]["severity"], "high")
        self.fake.action("config_start_recorder", region="us-east-1")
        self.fake.wait_for(lambda: self.of("config.recorder", "resolve"),
                           timeout=20)
        self.assertEqual(len(self.of("config.recorder", "open")), 1)
        self.assertTrue(self.d.alive())


    def test_insufficient_data_stuck_is_blind_not_open(self):
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("check", "").startswith("config.")], [],
                         "Config on the baseline raises nothing")
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="iam-root-access-key-check",
                         compliance="INSUFFICIENT_DATA")
        got = self.fake.wait_for(
            lambda: self.of("config.compliance", "blind"), timeout=30)
        self.assertIn("INSUFFICIENT_DATA", json.dumps(got[0]))
        self.assertEqual(self.of("config.compliance", "open"), [],
                         "no evaluation result is not drift")
        self.fake.action("config_set_compliance", region="us-east-1",
                         rule="iam-root-access-key-check",
                         compliance="COMPLIANT")
        self.fake.wait_for(
            lambda: self.of("config.compliance", "sighted"), timeout=30)
        self.assertEqual(self.of("config.compliance", "open"), [])

if __name__ == "__main__":
    dwtest.tap_main()
