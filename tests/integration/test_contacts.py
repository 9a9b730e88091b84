#!/usr/bin/python3
"""contacts.billing, contacts.operations, contacts.security: the real
driftwatchd against the fake AWS's Account GetAlternateContact.

On the baseline every contact is ok; an unset contact
(ResourceNotFoundException) is drift "not set", never unknown; a changed
email is drift naming the expected and actual address, one differing only
in case is not; AccessDenied is unknown with the reason, and `check` exits
2.  The daemon alerts when a contact is deleted and resolves when it is
put back."""
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

# The fake's default contacts (tests/fakeaws/README.md, "Default state").
CONTACTS = {
    "billing": {"name": "Dana Whitfield", "title": "Finance Operations Lead",
                "email": "aws-billing@example.com",
                "phone": "+1 206-555-0142"},
    "operations": {"name": "Sam Okafor", "title": "Site Reliability Manager",
                   "email": "aws-ops@example.com", "phone": "+1 206-555-0178"},
    "security": {"name": "Priya Raman", "title": "Head of Security",
                 "email": "security@example.com", "phone": "+1 206-555-0199"},
}
IDS = ("contacts.billing", "contacts.operations", "contacts.security")


def baseline(contacts=None):
    b = copy.deepcopy(BASELINE)
    b["contacts"] = copy.deepcopy(CONTACTS if contacts is None else contacts)
    return b


class Check(unittest.TestCase):
    """`driftwatchd check`, one pass, its table, JSON and exit code."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("contacts-check")
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
                    if f["state"] == "drift"}
        return r, status, findings

    def contact_requests(self):
        return [q for q in self.fake.requests()
                if q["service"] == "account" and
                q["action"] == "GetAlternateContact"]

    def test_on_baseline_ok(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)
        self.assertFalse([f for f in fi if f.startswith("contacts.")])
        reqs = self.contact_requests()
        self.assertEqual(len(reqs), 3, "one GetAlternateContact per contact")
        self.assertTrue(all(q["sig_ok"] for q in reqs), reqs)
        self.assertTrue(all(q["region"] == "us-east-1" for q in reqs), reqs)
        # the text table too
        r = self.d.run("check")
        for c in IDS:
            self.assertRegex(r.stdout, r"%s\s+ok" % c.replace(".", r"\."))

    def test_unset_contact_is_drift_not_set(self):
        self.fake.delete_contact("SECURITY")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["contacts.security"]["status"], "drift")
        self.assertNotIn("error", st["contacts.security"])
        self.assertEqual(st["contacts.billing"]["status"], "ok")
        self.assertEqual(st["contacts.operations"]["status"], "ok")
        f = fi["contacts.security"]
        self.assertEqual(f["actual"], "not set")
        self.assertIn("security@example.com", f["expected"])
        self.assertIn("Priya Raman", f["expected"])
        self.assertEqual(f["title"],
                         "The security alternate contact is not set")

    def test_changed_email_is_drift(self):
        self.fake.put_contact("OPERATIONS", EmailAddress="ops@elsewhere.test")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["contacts.operations"]["status"], "drift")
        f = fi["contacts.operations"]
        self.assertEqual(f["expected"], "email aws-ops@example.com")
        self.assertEqual(f["actual"], "email ops@elsewhere.test")
        self.assertEqual(st["contacts.security"]["status"], "ok")

    def test_email_case_ignored(self):
        self.fake.put_contact("BILLING", EmailAddress="AWS-Billing@Example.COM")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["contacts.billing"]["status"], "ok")

    def test_other_fields_compared_exactly(self):
        self.fake.put_contact("BILLING", Name="dana whitfield",
                              PhoneNumber="+1 206-555-0143")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        f = fi["contacts.billing"]
        self.assertEqual(f["expected"],
                         "name Dana Whitfield; phone +1 206-555-0142")
        self.assertEqual(f["actual"],
                         "name dana whitfield; phone +1 206-555-0143")

    def test_denied_is_unknown_exit_2(self):
        self.fake.fault(service="account", action="GetAlternateContact",
                        kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "unknown", c)
            self.assertIn("AccessDenied", st[c].get("error", ""), c)
            self.assertNotIn(c, fi, "unknown opens no finding")
        self.assertEqual(st["root.mfa"]["status"], "ok")
        self.assertEqual(len(self.contact_requests()), 3,
                         "AccessDenied is never retried")
        r = self.d.run("check")
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stdout,
                         r"contacts\.security\s+unknown\s+.*AccessDenied")

    def test_only_named_contacts_checked(self):
        self.d.write_baseline(baseline({"security": CONTACTS["security"]}))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["contacts.security"]["status"], "ok")
        self.assertNotIn("contacts.billing", st)
        self.assertNotIn("contacts.operations", st)
        self.assertEqual(len(self.contact_requests()), 1)
        self.d.write_baseline(baseline({}))
        self.fake.clear_requests()
        r, st, fi = self.check()
        self.assertFalse([c for c in st if c.startswith("contacts.")])
        self.assertEqual(self.contact_requests(), [])

    def test_example_baseline_matches_fake(self):
        """etc/baseline.json names the fake's default contacts."""
        top = os.environ.get("DW_SRCDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(top, "etc", "baseline.json")) as f:
            example = json.load(f)
        self.assertEqual(example["contacts"], CONTACTS)
        self.d.write_baseline(baseline(example["contacts"]))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual({c: st[c]["status"] for c in IDS},
                         {c: "ok" for c in IDS})

    def test_bad_contact_in_baseline_names_path(self):
        b = baseline()
        b["contacts"]["security"]["email"] = "security.example.com"
        self.d.write_baseline(b)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("contacts.security.email: expected an email address",
                      r.stderr)
        del b["contacts"]["security"]["email"]
        self.d.write_baseline(b)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn('contacts.security: missing "email"', r.stderr)


class Run(unittest.TestCase):
    """The daemon: a deleted contact opens a finding, putting it back
    resolves it."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("contacts-run")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def of(self, kind):
        return [a for a in alerts(self.fake)
                if a.get("check") == "contacts.security" and
                a.get("kind") == kind]

    def test_delete_then_restore(self):
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("check", "").startswith("contacts.")], [],
                         "contacts on the baseline raise nothing")
        self.fake.delete_contact("SECURITY")
        got = self.fake.wait_for(lambda: self.of("open"), timeout=20)
        a = got[0]
        self.assertEqual(a["finding"], "contacts.security")
        self.assertEqual(a["actual"], "not set")
        self.assertEqual(a["severity"], "medium")
        self.fake.put_contact("SECURITY", Name="Priya Raman",
                              Title="Head of Security",
                              EmailAddress="security@example.com",
                              PhoneNumber="+1 206-555-0199")
        self.fake.wait_for(lambda: self.of("resolve"), timeout=20)
        self.assertEqual(len(self.of("open")), 1, "opened once")
        self.assertTrue(self.d.alive())


if __name__ == "__main__":
    dwtest.tap_main()
