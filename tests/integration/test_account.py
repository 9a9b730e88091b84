#!/usr/bin/python3
"""account.identity and account.email: the real driftwatchd against the
fake AWS's STS GetCallerIdentity and Organizations DescribeOrganization.

On the baseline both are ok, with one DescribeOrganization for the two.
identity: another account is drift naming both ids; a member account is
drift naming the organization's management account; an account in no
organization (AWSOrganizationsNotInUseException) is drift, never unknown;
AccessDenied on either call is unknown and `check` exits 2.  email:
compared ignoring case, and/or against an ERE; a malformed answer is
unknown, never ok.  A bad pattern fails validate naming the JSON path.
capture writes the account's id and email; the captured baseline passes."""
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

ACCT = "111122223333"
EMAIL = "aws-root@example.com"     # the fake's default MasterAccountEmail
IDS = ("account.identity", "account.email")


def baseline(**account):
    b = copy.deepcopy(BASELINE)
    b["account"] = {"id": ACCT, "email": EMAIL}
    b["account"].update(account)
    for k in [k for k, v in b["account"].items() if v is None]:
        del b["account"][k]
    return b


class Base(unittest.TestCase):
    name = "account"

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir(cls.name)
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
        findings = {f["finding"]: f for f in out["findings"]
                    if f.get("finding")}
        return r, status, findings

    def org(self, **fields):
        """Changes the fake's organization (None: in no organization)."""
        st = self.fake.state()
        if fields.get("none"):
            st["organization"] = None
        else:
            st["organization"].update(fields)
        self.fake.set_state(st)

    def org_requests(self):
        return [q for q in self.fake.requests()
                if q["service"] == "organizations"]


class Identity(Base):
    def test_on_baseline_ok_one_call(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)
        self.assertFalse([f for f in fi if f.startswith("account.") and
                          fi[f]["state"] != "ok"])
        reqs = self.org_requests()
        self.assertEqual([q["action"] for q in reqs],
                         ["DescribeOrganization"],
                         "one DescribeOrganization for both checks")
        self.assertTrue(reqs[0]["sig_ok"])
        self.assertEqual(reqs[0]["region"], "us-east-1")
        r = self.d.run("check")
        self.assertRegex(r.stdout, r"account\.identity\s+ok")
        self.assertRegex(r.stdout, r"account\.email\s+ok")

    def test_other_account_is_drift(self):
        self.d.write_baseline(baseline(id="999988887777"))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["account.identity"]["status"], "drift")
        f = fi["account.identity"]
        self.assertEqual(f["expected"], "999988887777")
        self.assertEqual(f["actual"], ACCT)
        self.assertEqual(f["severity"], "critical")

    def test_member_account_is_drift(self):
        self.org(MasterAccountId="444455556666")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["account.identity"]["status"], "drift")
        f = fi["account.identity"]
        self.assertEqual(f["expected"],
                         "the management account of its organization")
        self.assertEqual(f["actual"], "a member account of o-exampleorgid, "
                         "whose management account is 444455556666")
        self.assertEqual(f["title"], "The account is not its organization's "
                         "management account")

    def test_not_in_organization_is_drift_not_unknown(self):
        self.org(none=True)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["account.identity"]["status"], "drift")
        self.assertNotIn("error", st["account.identity"])
        f = fi["account.identity"]
        self.assertEqual(f["actual"], "not in an organization")
        self.assertEqual(f["title"], "The account is in no organization")
        # no MasterAccountEmail to read: email cannot be checked
        self.assertEqual(st["account.email"]["status"], "unknown")
        self.assertIn("AWSOrganizationsNotInUseException",
                      st["account.email"]["error"])

    def test_org_denied_is_unknown_exit_2(self):
        self.fake.fault(service="organizations",
                        action="DescribeOrganization", kind="accessdenied",
                        count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "unknown", c)
            self.assertIn("AccessDenied", st[c]["error"], c)
            self.assertIn("DescribeOrganization", st[c]["error"], c)
            self.assertNotIn(c, fi, "unknown opens no finding")
        self.assertEqual(st["root.mfa"]["status"], "ok")
        self.assertEqual(len(self.org_requests()), 1,
                         "AccessDenied is never retried")

    def test_sts_denied_is_unknown_exit_2(self):
        self.fake.fault(service="sts", action="GetCallerIdentity",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(st["account.identity"]["status"], "unknown")
        self.assertIn("GetCallerIdentity", st["account.identity"]["error"])
        self.assertEqual(st["account.email"]["status"], "ok")

    def test_malformed_answer_is_unknown(self):
        self.fake.fault(service="organizations", kind="malformed", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "unknown", c)

    def test_answer_without_master_id_is_unknown(self):
        self.org(raw={"MasterAccountId": None})
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(st["account.identity"]["status"], "unknown")
        self.assertIn("unexpected answer shape",
                      st["account.identity"]["error"])
        self.org(raw={"MasterAccountId": 111122223333})
        r, st, fi = self.check()
        self.assertEqual(st["account.identity"]["status"], "unknown",
                         "a number is not an account id string")


class Email(Base):
    name = "account-email"

    def test_changed_email_is_drift(self):
        self.org(MasterAccountEmail="someone@gmail.com")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["account.email"]["status"], "drift")
        self.assertEqual(st["account.identity"]["status"], "ok")
        f = fi["account.email"]
        self.assertEqual(f["expected"], EMAIL)
        self.assertEqual(f["actual"], "someone@gmail.com")
        self.assertEqual(f["severity"], "high")

    def test_case_ignored(self):
        self.org(MasterAccountEmail="AWS-Root@Example.COM")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["account.email"]["status"], "ok")

    def test_pattern_only(self):
        self.d.write_baseline(baseline(email=None,
                                       email_pattern=r"^aws-[a-z]+@example\.com$"))
        self.org(MasterAccountEmail="aws-security@example.com")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["account.email"]["status"], "ok")
        self.org(MasterAccountEmail="aws-security@example.com.evil.test")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        f = fi["account.email"]
        self.assertEqual(f["expected"], r"matching /^aws-[a-z]+@example\.com$/")
        self.assertEqual(f["actual"], "aws-security@example.com.evil.test")

    def test_email_and_pattern_both_hold(self):
        self.d.write_baseline(baseline(email_pattern=r"@example\.com$"))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.org(MasterAccountEmail="aws-root@example.org")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(fi["account.email"]["expected"],
                         EMAIL + r", matching /@example\.com$/")

    def test_email_left_out_not_checked(self):
        self.d.write_baseline(baseline(email=None))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("account.email", st)
        self.assertEqual(st["account.identity"]["status"], "ok")

    def test_no_email_in_answer_is_unknown(self):
        self.org(MasterAccountEmail=None)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(st["account.email"]["status"], "unknown")
        self.assertIn("MasterAccountEmail", st["account.email"]["error"])
        self.assertEqual(st["account.identity"]["status"], "ok")

    def test_throttled_then_answered_is_ok(self):
        self.fake.fault(service="organizations", kind="throttle", count=1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(self.org_requests()), 2, "retried once")

    def test_bad_pattern_fails_validate(self):
        self.d.write_baseline(baseline(email_pattern="^aws-(root@"))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("account.email_pattern: not a POSIX extended regular "
                      "expression", r.stderr)
        self.d.write_baseline(baseline(email_pattern=r"@example\.org$"))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn('account.email: "aws-root@example.com" does not match '
                      'email_pattern', r.stderr)
        self.d.write_baseline(baseline(email="root-at-example.com"))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("account.email: expected an email address", r.stderr)

    def test_example_baseline_matches_fake(self):
        """etc/baseline.json's account section passes on the fake."""
        top = os.environ.get("DW_SRCDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(top, "etc", "baseline.json")) as f:
            example = json.load(f)
        b = baseline()
        b["account"] = example["account"]
        self.d.write_baseline(b)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)


class Capture(Base):
    name = "account-capture"

    def capture(self):
        out = os.path.join(self.d.dir, "captured.json")
        r = self.d.run("capture", "-o", out)
        with open(out) as f:
            return r, json.load(f)

    def test_capture_then_check(self):
        r, got = self.capture()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(got["account"], {"id": ACCT, "email": EMAIL})
        self.d.write_baseline(got)
        r, st, fi = self.check()
        self.assertEqual(st["account.identity"]["status"], "ok")
        self.assertEqual(st["account.email"]["status"], "ok")
        self.d.write_baseline(baseline())

    def test_capture_member_account_leaves_email_out(self):
        self.org(MasterAccountId="444455556666")
        r = self.d.run("capture")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(json.loads(r.stdout)["account"], {"id": ACCT},
                         "the management account's email is not ours")
        self.assertIn("account.email: not captured: the account is a "
                      "member account", r.stderr)

    def test_capture_not_in_organization(self):
        self.org(none=True)
        r = self.d.run("capture")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(json.loads(r.stdout)["account"], {"id": ACCT},
                         "the email could not be read: left out")
        self.assertIn("account.email: not captured", r.stderr)
        self.assertIn("in no organization", r.stderr)


class Run(unittest.TestCase):
    """The daemon: the account leaving its organization opens a critical
    finding, an email change a high one; each resolves when undone."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("account-run")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def of(self, finding, kind):
        return [a for a in alerts(self.fake)
                if a.get("finding") == finding and a.get("kind") == kind]

    def test_leave_and_rejoin(self):
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("check", "").startswith("account.")], [],
                         "the account on its baseline raises nothing")
        st = self.fake.state()
        org = st["organization"]
        st["organization"] = None
        self.fake.set_state(st)
        a = self.fake.wait_for(lambda: self.of("account.identity", "open"),
                               timeout=20)[0]
        self.assertEqual(a["severity"], "critical")
        self.assertEqual(a["actual"], "not in an organization")
        st["organization"] = dict(org, MasterAccountEmail="x@elsewhere.test")
        self.fake.set_state(st)
        self.fake.wait_for(lambda: self.of("account.identity", "resolve"),
                           timeout=20)
        a = self.fake.wait_for(lambda: self.of("account.email", "open"),
                               timeout=20)[0]
        self.assertEqual(a["severity"], "high")
        self.assertEqual(a["actual"], "x@elsewhere.test")
        st["organization"] = org
        self.fake.set_state(st)
        self.fake.wait_for(lambda: self.of("account.email", "resolve"),
                           timeout=20)


if __name__ == "__main__":
    dwtest.tap_main()
