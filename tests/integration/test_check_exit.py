#!/usr/bin/python3
"""`driftwatchd check`'s exit status when one check both finds drift and
cannot finish: drift was found, so it exits 1 (driftwatchd(8), EXIT
STATUS); the part it could not read is still shown as unknown."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon  # noqa: E402


class PartialDrift(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("check-exit")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()
        # four users, two of them without MFA: whichever user's
        # ListMFADevices the fault hits, at least one user without MFA
        # is still read, so the check both finds drift and is cut short
        for name in ("mallory", "trudy"):
            self.fake.action("add_user", user=name, mfa=False)

    def mfa_calls(self):
        return [q for q in self.fake.requests()
                if q["action"] == "ListMFADevices"]

    def fail_one_mfa_lookup(self):
        self.fake.fault(service="iam", action="ListMFADevices",
                        kind="accessdenied", count=1)

    def test_drift_and_unknown_exits_1(self):
        self.fail_one_mfa_lookup()
        r = self.d.run("check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"iam\.user_mfa\s+unknown\s+AccessDenied",
                         "the part it could not read is still shown")
        self.assertRegex(r.stdout, r"finding:\s+iam\.user_mfa/(mallory|trudy)")
        calls = self.mfa_calls()
        self.assertEqual(len(calls), 4, "one lookup per user")
        self.assertEqual(len([q for q in calls if q["fault"]]), 1,
                         "exactly one lookup failed")

    def test_drift_and_unknown_json_exits_1(self):
        self.fail_one_mfa_lookup()
        r = self.d.run("--json", "check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        out = json.loads(r.stdout)
        c = [x for x in out["checks"] if x["check"] == "iam.user_mfa"][0]
        self.assertEqual(c["status"], "unknown")
        self.assertIn("AccessDenied", c["error"])
        found = {f["finding"] for f in out["findings"]
                 if f["state"] == "drift"}
        self.assertTrue(found & {"iam.user_mfa/mallory", "iam.user_mfa/trudy"},
                        found)
        self.assertFalse(found - {"iam.user_mfa/mallory",
                                  "iam.user_mfa/trudy"}, found)

    def test_unknown_without_drift_exits_2(self):
        """The other side of the rule: every MFA lookup fails, so nothing
        was found and nothing is known: 2, not 1 and not 0."""
        self.fake.fault(service="iam", action="ListMFADevices",
                        kind="accessdenied", count=-1)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"iam\.user_mfa\s+unknown")
        self.assertNotIn("finding:", r.stdout)

    def test_drift_only_exits_1(self):
        r = self.d.run("check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"iam\.user_mfa\s+(mallory|trudy)\s+drift")


if __name__ == "__main__":
    dwtest.tap_main()
