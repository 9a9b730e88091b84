#!/usr/bin/python3
"""One cause, one blind alert: the real driftwatchd against the fake AWS
and the webhook receiver.  Stripping the daemon's IAM permissions blinds
three checks (root.mfa, root.access_keys, iam.user_mfa) and raises one
blind alert naming them all; giving them back raises one "can see again";
a second cause at the same time is its own alert; a restart while blind
says nothing again.  Alerts are counted by id: delivery is at-least-once
and receivers drop repeats by id."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

IAM_CHECKS = {"root.mfa", "root.access_keys", "iam.user_mfa"}


def by_id(fake, kind, finding=None):
    """The alerts of kind (one per id), optionally of one cause."""
    out = {}
    for a in alerts(fake):
        if a.get("kind") == kind and (finding is None or
                                      a.get("finding") == finding):
            out.setdefault(a["id"], a)
    return list(out.values())


def named(a):
    return set((a.get("checks") or "").split())


class Blind(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("blind")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code != 0:
            raise AssertionError("driftwatchd exited %s:\n%s" %
                                 (code, cls.d.logs()[-3000:]))

    def setUp(self):
        self.fake.clear_faults()
        self.fake.clear_webhook()

    def tearDown(self):
        self.fake.clear_faults()
        self.assertTrue(self.d.alive(), "the daemon is still running")

    def passes(self, n):
        """Waits for n more complete check passes."""
        for _ in range(n):
            mark = len(self.d.logs())
            self.d.wait_log("check pass done", start=mark, timeout=30)

    def wait_sighted(self, finding):
        return self.fake.wait_for(
            lambda: by_id(self.fake, "sighted", finding), 30)

    def test_1_one_permission_three_checks_one_alert(self):
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        blind = self.fake.wait_for(
            lambda: by_id(self.fake, "blind", "blind/denied"), 30)
        self.passes(3)
        blind = by_id(self.fake, "blind")
        self.assertEqual(len(blind), 1, "one blind alert: %r" %
                         [(a["finding"], a.get("checks")) for a in blind])
        a = blind[0]
        self.assertEqual(named(a), IAM_CHECKS, "it names all three")
        self.assertEqual(a["severity"], "high")
        for c in IAM_CHECKS:
            self.assertIn(c, a["summary"])
        self.assertIn("AccessDenied", a["summary"])
        self.assertIn("permissions", a["title"])
        self.assertIn("iam:", a["summary"], "the denied action is shown")
        self.assertEqual(by_id(self.fake, "sighted"), [])
        self.assertEqual(by_id(self.fake, "resolve"), [],
                         "unknown never resolves")

        self.fake.clear_faults()
        self.wait_sighted("blind/denied")
        self.passes(2)
        sighted = by_id(self.fake, "sighted")
        self.assertEqual(len(sighted), 1, "one can-see-again alert")
        self.assertEqual(named(sighted[0]), IAM_CHECKS)
        self.assertEqual(sighted[0]["finding"], a["finding"],
                         "the sighted alert pairs with the blind one")
        self.assertEqual(len(by_id(self.fake, "blind")), 1)

    def test_2_two_causes_two_alerts(self):
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        self.fake.fault(service="cloudtrail", action="DescribeTrails",
                        kind="throttle", count=-1)
        self.fake.wait_for(lambda: len(by_id(self.fake, "blind")) >= 2, 60)
        self.passes(2)
        blind = by_id(self.fake, "blind")
        self.assertEqual(sorted(a["finding"] for a in blind),
                         ["blind/denied", "blind/unreachable"],
                         "one alert per cause")
        causes = {a["finding"]: a for a in blind}
        self.assertEqual(named(causes["blind/denied"]), IAM_CHECKS)
        trail = named(causes["blind/unreachable"])
        self.assertTrue(trail and all(c.startswith("cloudtrail.")
                                      for c in trail), trail)
        self.assertIn("Throttling", causes["blind/unreachable"]["summary"])

        self.fake.clear_faults()
        self.wait_sighted("blind/denied")
        self.wait_sighted("blind/unreachable")
        self.passes(2)
        self.assertEqual(len(by_id(self.fake, "sighted")), 2)
        self.assertEqual(len(by_id(self.fake, "blind")), 2)

    def test_3_expired_credentials_are_their_own_cause(self):
        self.fake.fault(service="iam", kind="accessdenied",
                        code="ExpiredToken", count=-1)
        blind = self.fake.wait_for(
            lambda: by_id(self.fake, "blind", "blind/credentials"), 30)
        self.assertEqual(named(blind[0]), IAM_CHECKS)
        self.assertIn("credentials", blind[0]["title"])
        self.assertEqual(by_id(self.fake, "blind", "blind/denied"), [])
        self.fake.clear_faults()
        self.wait_sighted("blind/credentials")

    def test_4_restart_while_blind_says_nothing_again(self):
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        first = self.fake.wait_for(
            lambda: by_id(self.fake, "blind", "blind/denied"), 30)
        self.passes(1)
        with open(os.path.join(self.d.state_dir, "findings.json")) as f:
            state = f.read()
        self.assertIn('"cause":"denied"', state.replace(" ", ""),
                      "the state file carries the grouping")
        self.assertEqual(self.d.stop(), 0)
        mark = len(self.d.logs())
        self.d.start()
        self.d.wait_log("check pass done", start=mark, timeout=30)
        self.passes(3)
        blind = by_id(self.fake, "blind")
        self.assertEqual([a["id"] for a in blind], [first[0]["id"]],
                         "no second blind alert after the restart")
        self.fake.clear_faults()
        sighted = self.wait_sighted("blind/denied")
        self.assertEqual(named(sighted[0]), IAM_CHECKS)


if __name__ == "__main__":
    dwtest.tap_main()
