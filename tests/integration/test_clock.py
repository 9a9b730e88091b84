#!/usr/bin/python3
"""A host whose clock is off: driftwatchd keeps AWS's clock from the Date
header of its answers (the SDKs' clock-skew correction), so its calls are
accepted again after one correction and no CloudTrail event is missed.

The fake's clock is offset from the host's (POST /_clock): AWS refuses
requests signed more than 15 minutes off its own time, answers with its
own Date, and stamps events with its own time."""
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

SKEW_CODES = ("SignatureDoesNotMatch", "InvalidSignatureException")
CLOCK_LINE = re.compile(r"host clock is (\d+) s (behind|ahead of) AWS's")


def root_alerts(fake):
    return [a for a in alerts(fake) if a.get("check") ==
            "event.root_activity" and a.get("kind") == "event"]


class SkewedCheck(unittest.TestCase):
    """`check` on a host 20 minutes behind AWS."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("clock-check")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.set_clock_offset(0)
        self.fake.clear_requests()

    def test_1_in_step_no_correction(self):
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIsNone(CLOCK_LINE.search(r.stderr), r.stderr)
        self.assertTrue(all(q["sig_ok"] for q in self.fake.requests()))

    def test_2_aws_ahead_corrected_once(self):
        self.fake.set_clock_offset(1200)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = CLOCK_LINE.findall(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertAlmostEqual(int(lines[0][0]), 1200, delta=6)
        self.assertEqual(lines[0][1], "behind")
        reqs = self.fake.requests()
        refused = [q for q in reqs if not q["sig_ok"]]
        # only the first wave, sent before any answer, was refused; each
        # of those calls was signed again and accepted
        self.assertTrue(refused, "the fake refused nothing: no skew seen")
        self.assertTrue(all(q["error_code"] in SKEW_CODES for q in refused),
                        refused)
        first_ok = min(q["time"] for q in reqs if q["sig_ok"])
        late = [q for q in refused if q["time"] > first_ok + 1.0]
        self.assertEqual(late, [], "refused after the correction")
        actions = {(q["service"], q["action"]) for q in refused}
        for svc, action in actions:
            self.assertTrue(any(q["sig_ok"] and q["service"] == svc and
                                q["action"] == action for q in reqs),
                            "%s %s never succeeded" % (svc, action))

    def test_3_host_ahead_corrected(self):
        self.fake.set_clock_offset(-1200)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = CLOCK_LINE.findall(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertEqual(lines[0][1], "ahead of")


class SkewedRun(unittest.TestCase):
    """`run` with AWS 20 minutes ahead of the host: without the offset the
    LookupEvents window would end 20 minutes before AWS's now and a root
    sign-in would not be seen for 20 minutes."""

    OFFSET = 1200

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("clock-run-%d" % cls.OFFSET)
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.fake.set_clock_offset(cls.OFFSET)
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def test_1_root_login_alerted(self):
        self.fake.action("root_login", source_ip="203.0.113.10")
        got = self.fake.wait_for(lambda: root_alerts(self.fake), timeout=15)
        self.assertTrue(got, "root sign-in not alerted with a skewed host")
        self.assertEqual(len(got), 1)

    def test_2_later_events_each_once(self):
        for i in range(3):
            self.fake.action("root_login", source_ip="203.0.113.%d" % (20 + i))
            time.sleep(1.5)
        got = self.fake.wait_for(lambda: len(root_alerts(self.fake)) >= 4 and
                                 root_alerts(self.fake), timeout=20)
        self.assertTrue(got, "a later event was missed")
        time.sleep(3)
        ids = [a["id"] for a in root_alerts(self.fake)]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(ids), 4, "each event alerted once")

    def test_3_no_refusal_after_warmup(self):
        self.fake.clear_requests()
        time.sleep(4)
        reqs = self.fake.requests()
        self.assertTrue(reqs, "the daemon made no calls")
        self.assertEqual([q for q in reqs if not q["sig_ok"]], [])
        self.assertTrue(self.d.alive())


class SkewedRunHostAhead(SkewedRun):
    """The host 20 minutes ahead of AWS."""
    OFFSET = -1200


if __name__ == "__main__":
    dwtest.tap_main()
