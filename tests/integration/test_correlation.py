#!/usr/bin/python3
"""An event alert and the drift it causes carry one correlation key, so a
receiver can thread them: the real driftwatchd, the fake AWS and the
generic webhook receiver.  Whichever arrives first, both carry the key of
the finding ("iam.user_mfa/alice"), and the later one says what it is
related to."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402


class Correlation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("correlation")
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

    def pair(self, event_check, check, finding):
        """The event alert and the open alert on finding, in arrival
        order, once both arrived."""
        def both():
            got = [a for a in alerts(self.fake)
                   if (a.get("kind") == "event" and
                       a.get("check") == event_check) or
                   (a.get("kind") == "open" and
                    a.get("finding") == finding)]
            kinds = {a["kind"] for a in got}
            return got if kinds == {"event", "open"} else None
        return self.fake.wait_for(both, 30)

    def check_pair(self, got, key, event_name):
        ev = [a for a in got if a["kind"] == "event"][0]
        op = [a for a in got if a["kind"] == "open"][0]
        self.assertEqual(ev["event"]["event_name"], event_name)
        self.assertEqual(ev.get("correlation"), key)
        self.assertEqual(op.get("correlation"), key,
                         "the drift carries the event's key")
        self.assertIn("Related to: the drift it causes on " + key,
                      ev["summary"])
        later = got[-1]
        if later["kind"] == "open":
            self.assertIn("Related to: %s by " % event_name,
                          later["summary"])
            self.assertIn(ev["event"]["event_id"], later["summary"])
        else:
            self.assertIn("Related to: drift %s, open since" %
                          op["finding"], later["summary"])
        print("# %s arrived first" % got[0]["kind"])

    def test_1_user_mfa_deactivated_event_first(self):
        # the check's MFA reads are slow: the event alert comes first
        self.fake.fault(service="iam", action="ListMFADevices", kind="slow",
                        delay=3.0, count=4)
        self.fake.action("deactivate_mfa", user="alice")
        got = self.pair("event.mfa_removed", "iam.user_mfa",
                        "iam.user_mfa/alice")
        self.assertEqual([a["kind"] for a in got], ["event", "open"])
        self.check_pair(got, "iam.user_mfa/alice", "DeactivateMFADevice")

    def test_2_stop_logging_drift_first(self):
        # LookupEvents is slow: the state check sees the drift first
        self.fake.fault(service="cloudtrail", action="LookupEvents",
                        kind="slow", delay=5.0, count=3)
        self.fake.action("stop_logging", trail="org-trail")
        got = self.pair("event.cloudtrail_stopped", "cloudtrail.logging",
                        "cloudtrail.logging/org-trail")
        self.assertEqual([a["kind"] for a in got], ["open", "event"])
        self.check_pair(got, "cloudtrail.logging/org-trail", "StopLogging")

    def test_3_root_mfa(self):
        self.fake.action("deactivate_mfa", user="root")
        got = self.pair("event.root_activity", "root.mfa", "root.mfa")
        self.check_pair(got, "root.mfa", "DeactivateMFADevice")

    def test_4_drift_without_event_claims_no_relation(self):
        """A drift no event caused (the baseline changed under it) keeps
        its own finding key and claims no relation."""
        base = self.d_baseline()
        base["root"] = {"mfa": True, "access_keys": True}
        self.d.write_baseline(base)
        self.d.signal(1)
        op = self.fake.wait_for(lambda: [
            a for a in alerts(self.fake) if a.get("kind") == "open" and
            a.get("finding") == "root.access_keys"], 30)[0]
        self.assertEqual(op.get("correlation"), "root.access_keys")
        self.assertNotIn("Related to", op["summary"])

    def d_baseline(self):
        with open(self.d.baseline_path) as f:
            return json.load(f)

    def tearDown(self):
        self.fake.clear_faults()

if __name__ == "__main__":
    dwtest.tap_main()
