#!/usr/bin/python3
"""The credential report and the checks built on it, the real driftwatchd
against the fake AWS: root.usage, root.mfa ("hardware"), iam.user_mfa
(console passwords only) and iam.unused_credentials.

Each check: on the baseline ok; drifted, drift with expected and actual;
denied, unknown and `check` exits 2.  The report is generated (STARTED),
waited for (ReportInProgress) and read within one `check`; the checks
share one fetch; a report four hours old is regenerated, an expired one
too; a malformed report (wrong header, short rows, bad base64) is unknown,
never ok.  The daemon generates the report no more than once per four
hours across its passes (the fake's request log counts the calls)."""
import copy
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import BASELINE, Daemon  # noqa: E402

ACCT = "111122223333"
IDS = ("root.usage", "root.mfa", "iam.user_mfa", "iam.unused_credentials")
DAY = 86400


def baseline(**root):
    b = copy.deepcopy(BASELINE)
    b["root"] = {"mfa": "hardware", "access_keys": False,
                 "unused_since": "2026-01-01T00:00:00Z"}
    b["root"].update(root)
    b["iam"] = {"user_mfa": True, "mfa_exempt_users": [],
                "unused_credentials_days": 90}
    return b


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Check(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("credreport-check")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()
        self.d.write_baseline(baseline())
        # the break-glass user signs in never; here it has no password
        self.edit_user("breakglass", PasswordEnabled=False)

    # ---- helpers
    def edit_user(self, name, **fields):
        st = self.fake.state()
        for u in st["users"]:
            if u["UserName"] == name:
                u.update(fields)
        self.fake.set_state(st)

    def edit_root(self, **fields):
        st = self.fake.state()
        st["root"].update(fields)
        self.fake.set_state(st)

    def report_state(self, **kw):
        return self.fake.control("POST", "/_credential_report", kw)

    def check(self):
        r = self.d.run("--json", "check")
        try:
            out = json.loads(r.stdout)
        except ValueError:
            self.fail("not JSON: %r %r" % (r.stdout, r.stderr))
        status = {c["check"]: c for c in out["checks"]}
        findings = {f["finding"]: f for f in out["findings"]
                    if f.get("state", "drift") == "drift"}
        return r, status, findings

    def calls(self, action):
        return [q for q in self.fake.requests() if q["action"] == action]

    def assert_unknown(self, st, fi, check, text):
        self.assertEqual(st[check]["status"], "unknown", st[check])
        self.assertIn(text, st[check].get("error", ""))
        self.assertFalse([f for f in fi if f.split("/")[0] == check],
                         "unknown opens no finding")

    # ---- on the baseline, and the report's life
    def test_on_baseline_ok(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)
        gen = self.calls("GenerateCredentialReport")
        self.assertEqual(len(gen), 1, "the checks share one fetch")
        codes = [q["error_code"] for q in self.calls("GetCredentialReport")]
        self.assertEqual(codes, ["ReportNotPresent", "ReportInProgress",
                                 None], "not present, generated, in "
                         "progress, then read, within one check")
        self.assertTrue(all(q["sig_ok"] and q["region"] == "us-east-1"
                            for q in self.calls("GetCredentialReport")))

    def test_in_progress_several_polls(self):
        self.report_state(in_progress_calls=3)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["root.usage"]["status"], "ok")
        codes = [q["error_code"] for q in self.calls("GetCredentialReport")]
        self.assertEqual(codes.count("ReportInProgress"), 3, codes)
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 1)

    def test_fresh_report_is_not_regenerated(self):
        self.report_state(generated_at=time.time() - 3600)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.calls("GenerateCredentialReport"), [])
        self.assertEqual(len(self.calls("GetCredentialReport")), 1)

    def test_four_hour_old_report_is_regenerated(self):
        self.report_state(generated_at=time.time() - 5 * 3600)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 1)

    def test_expired_report_is_regenerated(self):
        self.report_state(generated_at=time.time() - 60, expired=True)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        codes = [q["error_code"] for q in self.calls("GetCredentialReport")]
        self.assertEqual(codes[0], "ReportExpired", codes)
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 1)

    # ---- root.usage
    def test_root_password_used_is_drift(self):
        self.edit_root(PasswordLastUsed="2026-06-01T10:00:00Z")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["root.usage"]["status"], "drift")
        f = fi["root.usage"]
        self.assertEqual(f["severity"], "critical")
        self.assertEqual(f["expected"],
                         "root not used since 2026-01-01T00:00:00Z")
        self.assertIn("password used 2026-06-01T10:00:00Z", f["actual"])
        self.assertIn("report generated just now", f["actual"])
        for c in ("root.mfa", "iam.user_mfa", "iam.unused_credentials"):
            self.assertEqual(st[c]["status"], "ok", c)

    def test_root_used_before_cutoff_is_ok(self):
        self.edit_root(PasswordLastUsed="2025-12-31T23:59:59Z")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["root.usage"]["status"], "ok")

    def test_root_access_key_used_is_drift(self):
        self.edit_root(AccessKeysPresent=1, AccessKeys=[{
            "AccessKeyId": "AKIAFAKEROOT00000001", "Status": "Active",
            "CreateDate": "2020-01-01T00:00:00Z",
            "LastUsedDate": "2026-02-03T04:05:06Z",
            "LastUsedRegion": "us-east-1", "LastUsedService": "s3"}])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("access key 1 used 2026-02-03T04:05:06Z",
                      fi["root.usage"]["actual"])
        self.assertEqual(st["root.access_keys"]["status"], "drift")

    def test_root_usage_denied_is_unknown(self):
        self.fake.fault(service="iam", action="GetCredentialReport",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in ("root.usage", "iam.unused_credentials"):
            self.assert_unknown(st, fi, c, "AccessDenied")
        # every user has MFA: that is known without the report
        self.assertEqual(st["iam.user_mfa"]["status"], "ok")
        self.assertEqual(st["root.mfa"]["status"], "ok")

    def test_generate_denied_is_unknown(self):
        self.fake.fault(service="iam", action="GenerateCredentialReport",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "root.usage", "GenerateCredentialReport")
        self.assert_unknown(st, fi, "root.usage", "AccessDenied")

    def test_limit_exceeded_is_unknown(self):
        self.fake.fault(service="iam", action="GenerateCredentialReport",
                        kind="status", status=409, code="LimitExceeded",
                        count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "root.usage", "LimitExceeded")
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 1,
                         "LimitExceeded is not retried")

    # ---- root.mfa
    def test_root_virtual_mfa_is_drift_when_hardware(self):
        self.edit_root(MFADevices=[{
            "SerialNumber": "arn:aws:iam::%s:mfa/root-account-mfa-device"
            % ACCT, "EnableDate": "2024-01-02T03:04:05Z", "Virtual": True}])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        f = fi["root.mfa"]
        self.assertEqual(f["expected"], "hardware MFA")
        self.assertEqual(f["actual"], "virtual MFA arn:aws:iam::%s:mfa/"
                         "root-account-mfa-device" % ACCT)
        # true (not "hardware") accepts it
        b = baseline(mfa=True)
        self.d.write_baseline(b)
        r, st, fi = self.check()
        self.assertEqual(st["root.mfa"]["status"], "ok")

    def test_root_no_mfa_is_drift(self):
        self.edit_root(MFADevices=[])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(fi["root.mfa"]["expected"], "hardware MFA")
        self.assertEqual(fi["root.mfa"]["actual"], "no MFA")

    def test_root_mfa_hardware_denied_is_unknown(self):
        self.fake.fault(service="iam", action="ListVirtualMFADevices",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "root.mfa", "AccessDenied")

    # ---- iam.user_mfa
    def test_user_mfa_only_for_console_passwords(self):
        self.fake.action("add_user", user="ci-bot", mfa=False)
        self.fake.action("add_user", user="mallory", mfa=False)
        self.edit_user("ci-bot", PasswordEnabled=False)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["iam.user_mfa"]["status"], "drift")
        self.assertIn("iam.user_mfa/mallory", fi)
        self.assertNotIn("iam.user_mfa/ci-bot", fi)
        looked = {q["path"] for q in self.calls("ListMFADevices")}
        self.assertEqual(len(self.calls("ListMFADevices")), 2,
                         "alice and mallory, not the users without a "
                         "password: %s" % looked)

    def test_user_mfa_user_newer_than_report_is_checked(self):
        """A user the report does not list yet (created since) is held to
        MFA as if it had a password."""
        self.fake.action("add_user", user="mallory", mfa=False)
        self.report_state(
            generated_at=time.time() - 60,
            content="user,arn,password_enabled\n"
                    "<root_account>,arn:aws:iam::%s:root,not_supported\n"
                    "alice,x,true\nbreakglass,y,false\n" % ACCT)
        r, st, fi = self.check()
        self.assertEqual(st["iam.user_mfa"]["status"], "drift")
        self.assertIn("iam.user_mfa/mallory", fi)
        self.assertEqual(fi["iam.user_mfa/mallory"]["actual"],
                         "no MFA device")

    def test_user_mfa_report_denied_user_without_mfa_unknown(self):
        self.fake.action("add_user", user="mallory", mfa=False)
        self.fake.fault(service="iam", action="GetCredentialReport",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "iam.user_mfa", "console password")

    def test_user_mfa_denied_is_unknown(self):
        self.fake.fault(service="iam", action="ListMFADevices",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "iam.user_mfa", "AccessDenied")

    # ---- iam.unused_credentials
    def test_unused_password_is_drift(self):
        self.edit_user("alice", PasswordLastUsed=iso(time.time() - 200 * DAY))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        f = fi["iam.unused_credentials/alice"]
        self.assertEqual(f["expected"],
                         "no credential unused for more than 90 days")
        self.assertRegex(f["actual"], r"^password unused for 20[01] days "
                         r"\(report generated just now\)$")
        self.assertEqual(f["severity"], "medium")

    def test_never_used_key_is_drift(self):
        self.edit_user("alice", AccessKeys=[{
            "AccessKeyId": "AKIAFAKEALICE0000001", "Status": "Active",
            "CreateDate": iso(time.time() - 100 * DAY)}])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(fi["iam.unused_credentials/alice"]["actual"],
                         r"access key 1 never used, set (99|100) days")
        keys = self.fake.client("iam").list_access_keys(UserName="alice")
        self.assertEqual(keys["AccessKeyMetadata"][0]["Status"], "Active")

    def test_inactive_key_and_no_password_are_not_checked(self):
        self.edit_user("alice", PasswordEnabled=False, AccessKeys=[{
            "AccessKeyId": "AKIAFAKEALICE0000001", "Status": "Inactive",
            "CreateDate": "2020-01-01T00:00:00Z"}])
        r, st, fi = self.check()
        self.assertEqual(st["iam.unused_credentials"]["status"], "ok")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_break_glass_user_is_left_out(self):
        self.edit_user("breakglass", PasswordEnabled=True)
        r, st, fi = self.check()
        self.assertEqual(st["iam.unused_credentials"]["status"], "drift",
                         "never used since 2024")
        self.assertIn("iam.unused_credentials/breakglass", fi)
        b = baseline()
        b["iam"].update({"users": ["alice", "breakglass"],
                         "break_glass_user": "breakglass"})
        self.d.write_baseline(b)
        r, st, fi = self.check()
        self.assertEqual(st["iam.unused_credentials"]["status"], "ok")

    # ---- malformed reports: unknown, never ok
    def malformed(self, want, **kw):
        self.report_state(generated_at=time.time() - 60, **kw)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in ("root.usage", "iam.unused_credentials"):
            self.assert_unknown(st, fi, c, want)
        self.assertTrue(self.d.run("check").returncode == 2)

    def test_wrong_header_is_unknown(self):
        self.malformed('no "user" column', content="name,id\nalice,1\n")

    def test_short_row_is_unknown(self):
        self.malformed("row 3: 3 field(s), the header has 2",
                       content="user,arn\n<root_account>,x\nalice,y,z\n")

    def test_bad_base64_is_unknown(self):
        self.malformed("not valid base64", content_base64="%%%not base64")

    def test_missing_root_row_is_unknown(self):
        self.report_state(generated_at=time.time() - 60,
                          content="user,arn,password_last_used\n"
                                  "alice,x,N/A\n")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "root.usage", "no <root_account> row")

    def test_bad_time_is_unknown(self):
        self.report_state(
            generated_at=time.time() - 60,
            content="user,arn,password_last_used,access_key_1_last_used_date,"
                    "access_key_2_last_used_date\n"
                    "<root_account>,x,last tuesday,N/A,N/A\n")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assert_unknown(st, fi, "root.usage", "password_last_used")

    def test_bad_unused_since_in_baseline(self):
        b = baseline(unused_since="2026-01-01")
        self.d.write_baseline(b)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("root.unused_since: expected an ISO 8601 time",
                      r.stderr)
        b = baseline(mfa="yes")
        self.d.write_baseline(b)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn('root.mfa: expected true, false or "hardware"',
                      r.stderr)


class Capture(unittest.TestCase):
    """`capture` reads root.mfa, root.usage, iam.user_mfa and
    iam.unused_credentials from the account, with advice; the captured
    baseline passes `check`, and root use after it is drift of root.usage
    alone."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("credreport-capture")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()

    def capture(self, code=0):
        r = self.d.run("capture")
        self.assertEqual(r.returncode, code, r.stderr)
        return json.loads(r.stdout), r.stderr

    def test_capture_then_check(self):
        st = self.fake.state()
        st["root"]["MFADevices"][0]["Virtual"] = True
        self.fake.action("add_user", user="mallory", mfa=False)
        st = dict(self.fake.state(), root=st["root"])
        self.fake.set_state(st)
        b, err = self.capture()
        self.assertIs(b["root"]["mfa"], True)
        self.assertIn("root.mfa: virtual MFA, consider hardware", err)
        self.assertRegex(b["root"]["unused_since"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertGreaterEqual(b["iam"]["unused_credentials_days"], 90)
        self.assertIn("unused_credentials_days", err)
        self.assertIn("above 45 (CIS)", err)
        self.assertIs(b["iam"]["user_mfa"], True)
        self.assertEqual(b["iam"]["mfa_exempt_users"], ["mallory"])
        self.assertIn("iam.user_mfa: mallory has a console password and "
                      "no MFA", err)
        self.d.write_baseline(b)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        time.sleep(1.1)
        self.fake.action("root_login")
        r = self.d.run("--json", "check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        drift = [c["check"] for c in json.loads(r.stdout)["checks"]
                 if c["status"] != "ok"]
        self.assertEqual(drift, ["root.usage"])

    def test_hardware_captured(self):
        b, err = self.capture()
        self.assertEqual(b["root"]["mfa"], "hardware")
        self.assertNotIn("virtual MFA", err)
        self.assertNotIn("mfa_exempt_users", b["iam"])

    def test_report_denied_is_not_captured(self):
        self.fake.fault(service="iam", action="GetCredentialReport",
                        kind="accessdenied", count=-1)
        b, err = self.capture(2)     # what it could not read: exit 2
        self.assertNotIn("unused_since", b.get("root", {}))
        self.assertNotIn("unused_credentials_days", b.get("iam", {}))
        self.assertIn("root.usage: not captured", err)
        self.assertIn("AccessDenied", err)


class Run(unittest.TestCase):
    """The daemon keeps the report across passes: generated once, read
    once, until it is four hours old by AWS's clock."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("credreport-run")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline(),
                       daemon={"poll_interval": "1s"})

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def calls(self, action):
        return [q for q in self.fake.requests() if q["action"] == action]

    def passes(self):
        return self.d.logs().count("check pass done")

    def test_once_per_four_hours(self):
        self.d.start()
        self.fake.wait_for(lambda: self.passes() >= 4, timeout=60)
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 1)
        gets = len(self.calls("GetCredentialReport"))
        n = self.passes()
        self.fake.wait_for(lambda: self.passes() >= n + 2, timeout=30)
        self.assertEqual(len(self.calls("GetCredentialReport")), gets,
                         "later passes reuse the report")
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 1)
        # AWS's clock moves five hours on: the report is four hours old
        self.fake.set_clock_offset(5 * 3600)
        self.fake.wait_for(
            lambda: len(self.calls("GenerateCredentialReport")) == 2,
            timeout=60)
        n = self.passes()
        self.fake.wait_for(lambda: self.passes() >= n + 3, timeout=60)
        self.assertEqual(len(self.calls("GenerateCredentialReport")), 2,
                         "once per four hours")
        self.assertTrue(self.d.alive())
        self.assertNotIn("root.usage: could not check", self.d.logs())


if __name__ == "__main__":
    dwtest.tap_main()
