#!/usr/bin/python3
"""The real driftwatchd against a misbehaving AWS and a failing webhook:
throttling, 5xx, AccessDenied, malformed, cut and HTML answers.  Retries
happen, nothing crashes, `unknown` never resolves a finding, a check that
stays unknown raises a "blind" alert, and no alert is lost."""
import glob
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402


def of(fake, check, kind=None):
    """Alerts about check: its own, or a blind or sighted alert naming it
    among the checks one cause blinds."""
    return [a for a in alerts(fake) if (a.get("check") == check or
            check in a.get("checks", "").split()) and
            (kind is None or a.get("kind") == kind)]


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir(cls.__name__.lower())
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        sinks = None
        if getattr(cls, "sinks_only_hook", False):
            sinks = {"hook": {"type": "webhook", "min_severity": "info",
                              "url": cls.fake.webhook_url("hook")}}
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), sinks=sinks)
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code != 0:
            raise AssertionError("driftwatchd exited %s:\n%s" %
                                 (code, cls.d.logs()[-3000:]))

    def tearDown(self):
        self.fake.clear_faults()
        self.assertTrue(self.d.alive(), "the daemon is still running")


class AwsFaults(Base):
    def test_1_throttled_lookup_is_retried(self):
        self.fake.fault(service="cloudtrail", action="LookupEvents",
                        region="us-east-1", kind="throttle", count=2)
        self.fake.action("root_login", source_ip="192.0.2.10")
        self.fake.wait_for(lambda: of(self.fake, "event.root_activity"), 20)
        codes = [r.get("error_code") for r in self.fake.requests()
                 if r["action"] == "LookupEvents"]
        self.assertIn("ThrottlingException", codes)
        self.assertEqual(len(of(self.fake, "event.root_activity")), 1)

    def test_2_transient_5xx_is_retried_not_unknown(self):
        mark = len(self.d.logs())
        self.fake.fault(service="iam", action="GetAccountSummary",
                        kind="status", status=503, count=1)
        self.d.wait_log("check pass done", start=mark, timeout=20)
        time.sleep(2.5)
        self.assertNotIn("root.mfa: could not check", self.d.logs()[mark:])
        n = [r for r in self.fake.requests()
             if r["action"] == "GetAccountSummary" and r["status"] == 503]
        self.assertGreaterEqual(len(n), 1)

    def test_3_blind_then_sighted_never_false_resolve(self):
        self.fake.action("deactivate_mfa", user="root")
        self.fake.wait_for(lambda: of(self.fake, "root.mfa", "open"), 20)
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        blind = self.fake.wait_for(
            lambda: of(self.fake, "root.mfa", "blind"), 30)
        self.assertIn("AccessDenied", blind[0]["title"] + blind[0].get(
            "summary", ""))
        self.assertEqual(of(self.fake, "root.mfa", "resolve"), [],
                         "unknown never resolves")
        time.sleep(3)
        self.assertEqual(len(of(self.fake, "root.mfa", "blind")), 1,
                         "blind is said once")
        self.fake.clear_faults()
        self.fake.wait_for(lambda: of(self.fake, "root.mfa", "sighted"), 20)
        self.assertEqual(len(of(self.fake, "root.mfa", "open")), 1,
                         "the finding stayed open through the blind spell")
        self.assertEqual(of(self.fake, "root.mfa", "resolve"), [])

    def test_4_malformed_answer_is_unknown(self):
        mark = len(self.d.logs())
        self.fake.fault(service="cloudtrail", action="GetTrailStatus",
                        kind="malformed", count=-1)
        self.d.wait_log("cloudtrail.logging: could not check", start=mark,
                        timeout=20)
        self.assertEqual(of(self.fake, "cloudtrail.logging", "resolve"), [])
        self.assertEqual(of(self.fake, "cloudtrail.logging", "open"), [])

    def test_5_cut_and_html_answers(self):
        mark = len(self.d.logs())
        self.fake.fault(service="iam", action="ListUsers", kind="cut",
                        count=-1)
        self.d.wait_log("iam.user_mfa: could not check", start=mark,
                        timeout=30)
        self.fake.clear_faults()
        mark = len(self.d.logs())
        self.fake.fault(service="sts", kind="html", count=-1)
        self.d.wait_log("account.identity: could not check", start=mark,
                        timeout=30)
        self.assertIn("HTTP 502", self.d.logs()[mark:])
        self.assertNotIn("<html", self.d.logs()[mark:].lower())

    def test_6_slow_answer_does_not_block_the_loop(self):
        self.fake.fault(service="iam", action="ListUsers", kind="slow",
                        delay=4.0, count=1)
        t0 = time.monotonic()
        self.fake.action("root_login", source_ip="192.0.2.77")
        self.fake.wait_for(lambda: [a for a in of(self.fake,
                           "event.root_activity")
                           if a["event"]["source_ip"] == "192.0.2.77"], 15)
        self.assertLess(time.monotonic() - t0, 12)

    def test_7_event_poller_goes_blind_loudly(self):
        """Stripping cloudtrail:LookupEvents must raise an alert, not
        silence; the events missed meanwhile are read once it recovers."""
        self.fake.fault(service="cloudtrail", action="LookupEvents",
                        region="us-east-1", kind="accessdenied", count=-1)
        blind = self.fake.wait_for(
            lambda: of(self.fake, "events.us-east-1", "blind"), 20)
        self.assertEqual(blind[0]["severity"], "high")
        self.fake.action("root_login", source_ip="192.0.2.123")
        time.sleep(2)
        self.assertEqual([a for a in of(self.fake, "event.root_activity")
                          if a["event"]["source_ip"] == "192.0.2.123"], [])
        self.fake.clear_faults()
        self.fake.wait_for(lambda: of(self.fake, "events.us-east-1",
                                      "sighted"), 20)
        self.fake.wait_for(lambda: [
            a for a in of(self.fake, "event.root_activity")
            if a["event"]["source_ip"] == "192.0.2.123"], 20)

    def test_8_unreadable_event_is_an_alert(self):
        st = self.fake.state()
        st["events"].append({
            "EventId": "0b9e4d1c-7f00-4c7a-9d55-unreadable01",
            "EventName": "DeactivateMFADevice", "ReadOnly": "false",
            "EventTime": time.time() - 30, "EventSource": "iam.amazonaws.com",
            "Username": "admin", "Resources": [], "region": "us-east-1",
            "CloudTrailEvent": '{"eventVersion": "1.08", "userIdent'})
        self.fake.set_state(st)
        got = self.fake.wait_for(lambda: of(self.fake, "event.unreadable"),
                                 20)
        self.assertIn("0b9e4d1c-7f00-4c7a-9d55-unreadable01",
                      got[0]["title"])
        time.sleep(2)
        self.assertEqual(len(of(self.fake, "event.unreadable")), 1,
                         "said once, not every poll")


class WebhookFaults(Base):
    sinks_only_hook = True
    def test_1_failing_webhook_is_retried(self):
        self.fake.webhook_fault(status=500, count=2)
        self.fake.action("root_login", source_ip="192.0.2.20")
        got = self.fake.wait_for(lambda: of(self.fake, "event.root_activity"),
                                 40)
        self.assertEqual(len(got), 1)
        failed = [p for p in self.fake.webhook_posts()
                  if p["path"] == "/hook" and p.get("status") == 500]
        self.assertEqual(len(failed), 2)
        ids = {json.loads(p["body"])["id"] for p in failed}
        self.assertEqual(ids, {got[0]["id"]}, "the same alert id is resent")

    def test_2_outbox_survives_restart(self):
        self.fake.webhook_fault(status=503, count=-1)
        self.fake.action("stop_logging", trail="org-trail")
        outbox = os.path.join(self.d.state_dir, "outbox")

        def waiting():
            """Alert files with a delivery to sink hook still pending."""
            out = []
            for f in glob.glob(outbox + "/*.json"):
                with open(f) as fp:
                    doc = json.load(fp)
                if any(s["name"] == "hook" and s["state"] == "pending"
                       for s in doc["sinks"]):
                    out.append(f)
            return out
        # the event alert and the finding's open alert both wait on disk
        self.fake.wait_for(lambda: len(waiting()) >= 2, 20)
        self.assertEqual(self.d.stop(), 0)
        self.assertTrue(waiting(), "the alert waits on disk")
        self.fake.control("DELETE", "/_webhook/fault")
        self.d.start()
        self.fake.wait_for(lambda: of(self.fake, "event.cloudtrail_stopped"),
                           30)
        self.fake.wait_for(lambda: not glob.glob(outbox + "/*.json"), 20)


if __name__ == "__main__":
    dwtest.tap_main()
