#!/usr/bin/python3
"""The real driftwatchd against the fake AWS: the three alerts people fear
most, end to end, and that a restart neither re-alerts nor forgets.

The tests run in order (test_01 ... test_09) against one daemon and one
fake account, like a day in the life of the account."""
import json
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts, verify_signature, HMAC_SECRET  # noqa


def by_check(fake, check, kind=None):
    return [a for a in alerts(fake) if a.get("check") == check and
            (kind is None or a.get("kind") == kind)]


class DayInTheLife(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("daemon")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        cls.d.start()
        # the first pass and the first event polls have run
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def wait_alert(self, check, kind, n=1, timeout=15):
        return self.fake.wait_for(
            lambda: len(by_check(self.fake, check, kind)) >= n and
            by_check(self.fake, check, kind), timeout=timeout)

    def test_01_quiet_account_no_alerts(self):
        time.sleep(2.5)
        self.assertEqual(alerts(self.fake), [],
                         "an account on its baseline raises nothing")
        self.assertTrue(self.d.alive())

    def test_02_root_console_login(self):
        t0 = time.monotonic()
        self.fake.action("root_login", source_ip="203.0.113.9",
                         user_agent="Mozilla/5.0 (test)")
        got = self.wait_alert("event.root_activity", "event")
        took = time.monotonic() - t0
        print("# root ConsoleLogin alerted %.2f s after it became visible "
              "(event_poll_interval 1 s)" % took)
        self.assertLess(took, 2 * 1 + 1.0, "within two poll intervals "
                        "(plus a second for delivery)")
        a = got[0]
        self.assertEqual(a["severity"], "critical")
        self.assertEqual(a["event"]["source_ip"], "203.0.113.9")
        self.assertEqual(a["event"]["event_name"], "ConsoleLogin")
        self.assertEqual(a["event"]["actor_type"], "Root")
        self.assertEqual(a["event"]["region"], "us-east-1")
        self.assertIn("Mozilla/5.0 (test)", a["event"]["user_agent"])
        self.assertTrue(a["event"].get("event_time"))
        self.assertTrue(verify_signature(a["_post"]),
                        "X-Driftwatch-Signature is HMAC-SHA256 of the body")
        hdrs = {k.lower(): v for k, v in a["_post"]["headers"].items()}
        self.assertEqual(hdrs.get("idempotency-key"), a["id"])
        # two more poll intervals: still exactly one alert for that event
        time.sleep(2.5)
        self.assertEqual(len(by_check(self.fake, "event.root_activity")), 1)

    def test_03_root_login_reaches_slack(self):
        posts = self.fake.wait_for(lambda: [
            p for p in self.fake.webhook_posts()
            if p["path"] == "/slack" and "ConsoleLogin" in p["body"]])
        body = json.loads(posts[0]["body"])
        self.assertIn("text", body)
        self.assertIn("203.0.113.9", posts[0]["body"])
        self.assertEqual(len(posts), 1)

    def test_04_user_mfa_deactivated(self):
        self.fake.action("deactivate_mfa", user="alice")
        ev = self.wait_alert("event.mfa_removed", "event")[0]
        self.assertEqual(ev["severity"], "high")
        self.assertEqual(ev["event"]["event_name"], "DeactivateMFADevice")
        op = self.wait_alert("iam.user_mfa", "open")[0]
        self.assertEqual(op["finding"], "iam.user_mfa/alice")
        self.assertEqual(op["actual"], "no MFA device")

    def test_05_stop_logging(self):
        self.fake.action("stop_logging", trail="org-trail")
        ev = self.wait_alert("event.cloudtrail_stopped", "event")[0]
        self.assertEqual(ev["severity"], "critical")
        self.assertEqual(ev["event"]["region"], "eu-west-1",
                         "StopLogging is read in the trail's home region")
        op = self.wait_alert("cloudtrail.logging", "open")[0]
        self.assertEqual(op["finding"], "cloudtrail.logging/org-trail")

    def test_05b_event_on_a_later_page(self):
        """An MFA removal older than 120 newer write events is on the third
        page of LookupEvents: the poller follows NextToken to it."""
        t = time.time()
        self.fake.add_event("us-east-1", EventName="DeactivateMFADevice",
                            EventSource="iam.amazonaws.com",
                            EventTime=t - 60,
                            requestParameters={"userName": "breakglass"},
                            sourceIPAddress="192.0.2.55")
        for i in range(120):
            self.fake.add_event("us-east-1", EventName="PutObject",
                                EventSource="s3.amazonaws.com",
                                EventTime=t - 50 + i * 0.1)
        got = self.fake.wait_for(lambda: [
            a for a in by_check(self.fake, "event.mfa_removed", "event")
            if a["event"].get("source_ip") == "192.0.2.55"], 20)
        self.assertEqual(len(got), 1)
        self.assertIn("breakglass", got[0]["title"])

    def test_05c_late_event_caught_by_overlap(self):
        """CloudTrail shows events minutes late: one that happened 5 min
        ago and shows up only now, after the cursor has passed it, is
        still read (the overlap window) and alerted."""
        self.fake.add_event("us-east-1", EventName="ConsoleLogin",
                            EventSource="signin.amazonaws.com",
                            EventTime=time.time() - 300, visible_delay=3,
                            userIdentity={"type": "Root",
                                          "arn": "arn:aws:iam::111122223333:"
                                                 "root",
                                          "accountId": "111122223333"},
                            sourceIPAddress="192.0.2.201",
                            responseElements={"ConsoleLogin": "Success"})
        time.sleep(2)
        self.assertEqual([a for a in by_check(self.fake,
                          "event.root_activity")
                          if a["event"]["source_ip"] == "192.0.2.201"], [],
                         "not visible yet")
        got = self.fake.wait_for(lambda: [
            a for a in by_check(self.fake, "event.root_activity")
            if a["event"]["source_ip"] == "192.0.2.201"], 15)
        self.assertEqual(len(got), 1)

    def test_06_restart_does_not_realert(self):
        before_ids = {a["id"] for a in alerts(self.fake)}
        before = len(alerts(self.fake))
        self.assertEqual(self.d.stop(), 0, "clean exit on SIGTERM")
        st = os.path.join(self.d.state_dir, "findings.json")
        self.assertTrue(os.path.exists(st), "findings persisted")
        self.d.start()
        mark = len(self.d.logs())
        self.d.wait_log("check pass done", start=mark, timeout=30)
        time.sleep(3)
        after = alerts(self.fake)
        new = [(a["kind"], a["check"]) for a in after
               if a["id"] not in before_ids]
        self.assertEqual(new, [], "no alert is raised again after a restart")
        # the stop waited for sends in flight, so nothing was resent either
        self.assertEqual(len(after), before,
                         "resent: %s" % [a["id"] for a in after[before:]])

    def test_07_resolve_when_logging_resumes(self):
        self.fake.action("start_logging", trail="org-trail")
        rs = self.wait_alert("cloudtrail.logging", "resolve")[0]
        self.assertEqual(rs["finding"], "cloudtrail.logging/org-trail")

    def test_08_no_throttling_by_construction(self):
        st = self.fake.stats()
        self.assertEqual(st.get("lookup_events_throttled", 0), 0,
                         "the poller stays under 2 LookupEvents/s/region")
        reqs = [r for r in self.fake.requests() if r["sig_ok"] is False]
        self.assertEqual(reqs, [], "every request's signature verified")

    def test_09_secrets_never_logged(self):
        log = self.d.logs()
        self.assertNotIn(self.fake.secret_key, log)
        self.assertNotIn(HMAC_SECRET, log)
        self.assertNotIn(self.fake.webhook_url("hook"), log)
        self.assertNotIn("/slack", log)


class ReloadAndSignals(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("reload")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def test_1_bad_config_rejected_old_kept(self):
        good = self.d.config_text()
        self.d.write_config(good.replace("[daemon]\n",
                                         "[daemon]\nbogus_key = 1\n"))
        try:
            mark = len(self.d.logs())
            self.d.signal(signal.SIGHUP)
            self.d.wait_log("reload rejected", start=mark)
            self.assertRegex(self.d.logs()[mark:],
                             r"driftwatchd\.conf:2: .*bogus_key")
            self.assertTrue(self.d.alive())
            # the old config still works: a root login is still alerted
            self.fake.action("root_login", source_ip="198.51.100.4")
            self.fake.wait_for(lambda: by_check(self.fake,
                                                "event.root_activity"), 15)
        finally:
            self.d.write_config(good)

    def test_2_bad_baseline_rejected(self):
        with open(self.d.baseline_path) as f:
            good = f.read()
        with open(self.d.baseline_path, "w") as f:
            f.write('{"version": 1,\n "root": {"mfa": tru}}\n')
        try:
            mark = len(self.d.logs())
            self.d.signal(signal.SIGHUP)
            self.d.wait_log("reload rejected", start=mark)
            self.assertRegex(self.d.logs()[mark:], r"baseline\.json:2:\d+")
            self.assertTrue(self.d.alive())
        finally:
            with open(self.d.baseline_path, "w") as f:
                f.write(good)

    def test_3_good_reload(self):
        mark = len(self.d.logs())
        self.d.signal(signal.SIGHUP)
        self.d.wait_log("reloaded", start=mark)
        self.d.wait_log("check pass done", start=mark, timeout=20)
        self.assertTrue(self.d.alive())

    def test_4_sigterm_clean(self):
        self.assertEqual(self.d.stop(), 0)


class EventIdsAreForgotten(unittest.TestCase):
    """Remembered EventIds are dropped once no window can reach them, so
    events.json does not grow for ever; the dropped event is not alerted
    again."""

    def test_old_ids_pruned_not_realerted(self):
        work = dwtest.workdir("prune")
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        d = Daemon(fake, os.path.join(work, "d"),
                   daemon={"event_lookback": "4h"})
        try:
            eid = fake.add_event(
                "us-east-1", EventName="ConsoleLogin",
                EventSource="signin.amazonaws.com",
                EventTime=time.time() - 3 * 3600,
                userIdentity={"type": "Root", "accountId": "111122223333",
                              "arn": "arn:aws:iam::111122223333:root"},
                sourceIPAddress="192.0.2.99",
                responseElements={"ConsoleLogin": "Success"})
            d.start()
            fake.wait_for(lambda: by_check(fake, "event.root_activity"), 20)
            path = os.path.join(d.state_dir, "events.json")

            def forgotten():
                try:
                    with open(path) as f:
                        return eid not in f.read()
                except FileNotFoundError:
                    return False
            fake.wait_for(forgotten, 15)
            time.sleep(2.5)
            self.assertEqual(len(by_check(fake, "event.root_activity")), 1)
        finally:
            d.stop()
            fake.stop()


class TraceKeepsSecrets(unittest.TestCase):
    """At the most verbose level (HTTP traces) the log still holds no
    secret key, session token, HMAC key or webhook URL."""

    TOKEN = "FQoGZXIvYXdzEXAMPLEsessiontoken/+=0123456789abcdefSECRET"

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("trace")
        creds = [{"AccessKeyId": "ASIAFAKETEMPORARY01",
                  "SecretAccessKey": "tempSecretKey/For+Tests000000000000002",
                  "SessionToken": cls.TOKEN}]
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"),
                                  credentials=creds)
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       daemon={"log_level": "trace"})
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def test_secrets_absent_at_trace(self):
        self.fake.action("root_login", source_ip="203.0.113.77")
        self.fake.wait_for(lambda: by_check(self.fake,
                                            "event.root_activity"), 20)
        time.sleep(1)
        log = self.d.logs()
        self.assertIn("<redacted>", log, "the trace ran and redacted")
        for secret in (self.fake.secret_key, self.TOKEN, HMAC_SECRET,
                       self.fake.webhook_url("hook"), "/hook", "/slack"):
            self.assertNotIn(secret, log)
        sigs = [r for r in self.fake.requests() if not r["sig_ok"]]
        self.assertEqual(sigs, [], "session-token requests verify too")


if __name__ == "__main__":
    dwtest.tap_main()
