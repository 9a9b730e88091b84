#!/usr/bin/python3
"""Reminders of still-open findings, through the real driftwatchd against
the fake AWS and the fake webhook receiver: one digest listing every
finding due (with severity and age), after the configured interval (a
per-severity override over remind_after), due again after the same
interval, rendered by Slack, SNS and the generic webhook, and only to the
sinks whose kinds take reminders; a muted finding is left out; a restart
neither re-sends a reminder early nor forgets one.
The tests run in order against one daemon."""
import calendar
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import HMAC_SECRET, Daemon, alerts  # noqa: E402

INTERVAL = 4


def parse_iso(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def reminders(fake):
    return [a for a in alerts(fake) if a.get("kind") == "reminder"]


class Reminders(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("reminders")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        # high findings every 4 s; everything else would wait a day
        sinks = {
            "hook": {"type": "webhook", "url": cls.fake.webhook_url("hook"),
                     "secret": HMAC_SECRET, "min_severity": "info"},
            "chat": {"type": "slack", "url": cls.fake.webhook_url("slack"),
                     "min_severity": "medium"},
            # the sink filter: one takes drift alone, one reminders alone
            "drift": {"type": "webhook", "min_severity": "info",
                      "url": cls.fake.webhook_url("drift"), "kinds": "drift"},
            "nag": {"type": "webhook", "min_severity": "info",
                    "url": cls.fake.webhook_url("nag"), "kinds": "reminders"},
            "topic": {"type": "sns", "min_severity": "info",
                      "topic_arn": cls.fake.topic_arn("driftwatch-alerts")},
        }
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), daemon={
            "remind_after": "1d", "remind_after_high": "%ds" % INTERVAL,
            "remind_after_low": "off"}, sinks=sinks)
        cls.fake.action("deactivate_mfa", user="alice")
        cls.fake.action("add_user", user="mallory", mfa=False)
        cls.d.start()
        cls.started = time.time()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def opened_at(self, finding):
        a = [a for a in alerts(self.fake) if a.get("kind") == "open" and
             a.get("finding") == finding]
        self.assertEqual(len(a), 1, finding)
        return a[0]["_post"]

    def test_01_one_digest_after_the_interval(self):
        got = self.fake.wait_for(lambda: reminders(self.fake), timeout=20)
        first = got[0]
        self.assertEqual(first["severity"], "high")
        self.assertEqual(first["check"], "reminder")
        self.assertEqual(first["title"], "Reminder: 2 findings still open")
        items = {i["finding"]: i for i in first["findings"]}
        self.assertEqual(set(items), {"iam.user_mfa/alice",
                                      "iam.user_mfa/mallory"},
                         "both findings opened in the first pass, in one "
                         "digest")
        for key, i in items.items():
            self.assertEqual(i["severity"], "high")
            self.assertEqual(i["check"], "iam.user_mfa")
            self.assertGreaterEqual(i["age_seconds"], INTERVAL)
            self.assertEqual(i["age_seconds"], parse_iso(first["time"]) -
                             parse_iso(i["open_since"]))
            self.assertIn("[high] %s: " % key, first["summary"])
        self.assertRegex(first["summary"], r"\(open \d+s\)")
        # opened in the first pass, reminded no sooner than 4 s later
        opened = parse_iso([a for a in alerts(self.fake)
                            if a.get("kind") == "open"][0]["time"])
        self.assertGreaterEqual(parse_iso(first["time"]) - opened, INTERVAL)
        type(self).first = first

    def test_02_slack_renders_it(self):
        posts = self.fake.wait_for(lambda: [
            p for p in self.fake.webhook_posts() if p["path"] == "/slack"
            and "Reminder: 2 findings still open" in p["body"]])
        body = json.loads(posts[0]["body"])
        text = json.dumps(body)
        self.assertIn("iam.user_mfa/alice", text)
        self.assertIn("iam.user_mfa/mallory", text)
        self.assertIn("Still open (reminder)", text)

    def test_02a_sns_renders_it(self):
        pubs = self.fake.wait_for(lambda: [
            p for p in self.fake.sns_publications()
            if p["attributes"].get("check", {}).get("StringValue") ==
            "reminder"])
        p = pubs[0]
        self.assertEqual(p["subject"],
                         "[high] Reminder: 2 findings still open")
        self.assertEqual(p["attributes"]["severity"]["StringValue"], "high")
        msg = json.loads(p["message"])
        self.assertEqual(msg["kind"], "reminder")
        self.assertEqual(sorted(i["finding"] for i in msg["findings"]),
                         ["iam.user_mfa/alice", "iam.user_mfa/mallory"])
        self.assertEqual(msg["id"], self.first["id"],
                         "the same alert as the webhook's")

    def test_02b_sink_kinds(self):
        nag = self.fake.wait_for(lambda: alerts(self.fake, "/nag"))
        self.assertEqual({a["kind"] for a in nag}, {"reminder"},
                         "kinds = reminders takes reminders alone")
        drift = alerts(self.fake, "/drift")
        self.assertTrue(drift)
        self.assertEqual({a["kind"] for a in drift}, {"open"},
                         "kinds = drift takes no reminder")

    def test_03_due_again_after_the_same_interval(self):
        self.fake.wait_for(lambda: len(reminders(self.fake)) >= 3,
                           timeout=4 * INTERVAL + 6)
        rs = reminders(self.fake)
        times = [parse_iso(a["time"]) for a in rs]
        gaps = [b - a for a, b in zip(times, times[1:])]
        for g in gaps:
            self.assertGreaterEqual(g, INTERVAL, "not every pass: %r" % gaps)
            self.assertLessEqual(g, INTERVAL + 2 + 1, "each interval, within "
                                 "a pass (2 s): %r" % gaps)
        self.assertEqual(len({a["id"] for a in rs}), len(rs))

    def test_04_restart_neither_spams_nor_forgets(self):
        # stop right after a reminder
        n = len(reminders(self.fake))
        self.fake.wait_for(lambda: len(reminders(self.fake)) > n,
                           timeout=INTERVAL + 6)
        last = parse_iso(reminders(self.fake)[-1]["time"])
        self.assertEqual(self.d.stop(), 0)
        with open(os.path.join(self.d.state_dir, "findings.json")) as f:
            saved = {"%s/%s" % (x["check"], x.get("resource", "")):
                     x.get("reminded") for x in json.load(f)["findings"]}
        self.assertEqual(saved["iam.user_mfa/alice"], last,
                         "when it was last reminded is on disk")
        n = len(reminders(self.fake))
        self.d.start()
        self.fake.wait_for(lambda: len(reminders(self.fake)) > n,
                           timeout=INTERVAL + 20)
        nxt = parse_iso(reminders(self.fake)[n]["time"])
        self.assertGreaterEqual(nxt - last, INTERVAL,
                                "the restart did not re-send it early")

    def test_05_muted_finding_left_out(self):
        until = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                              time.gmtime(time.time() + 3600))
        r = self.d.run("mute", "iam.user_mfa/mallory", "--until", until,
                       "--reason", "offboarding")
        self.assertEqual(r.returncode, 0, r.stderr)
        # one more pass so the daemon has read the file
        start = len(self.d.logs())
        self.d.wait_log("check pass done", start=start, timeout=10)
        n = len(reminders(self.fake))
        self.fake.wait_for(lambda: len(reminders(self.fake)) > n,
                           timeout=INTERVAL + 6)
        a = reminders(self.fake)[-1]
        self.assertEqual([i["finding"] for i in a["findings"]],
                         ["iam.user_mfa/alice"])
        self.assertEqual(a["title"], "Reminder: 1 finding still open")

    def test_06_resolved_finding_is_not_reminded(self):
        st = self.fake.state()
        for u in st["users"]:
            if u["UserName"] == "alice":
                u["MFADevices"] = [{
                    "SerialNumber": "arn:aws:iam::111122223333:mfa/alice",
                    "EnableDate": "2026-01-01T00:00:00Z", "Virtual": True}]
        self.fake.set_state(st)
        self.fake.wait_for(lambda: [
            a for a in alerts(self.fake) if a.get("kind") == "resolve" and
            a.get("finding") == "iam.user_mfa/alice"], timeout=15)
        n = len(reminders(self.fake))
        time.sleep(INTERVAL + 3)
        self.assertEqual(len(reminders(self.fake)), n,
                         "nothing open and unmuted: no reminder")


class RemindersOff(unittest.TestCase):
    """remind_after unset: never a reminder."""

    def test_default_is_off(self):
        work = dwtest.workdir("reminders-off")
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        d = Daemon(fake, os.path.join(work, "d"))
        try:
            fake.action("deactivate_mfa", user="alice")
            d.start()
            fake.wait_for(lambda: [a for a in alerts(fake)
                                   if a.get("kind") == "open"], timeout=20)
            time.sleep(6)
            self.assertEqual(reminders(fake), [])
        finally:
            d.stop()
            fake.stop()


if __name__ == "__main__":
    dwtest.tap_main()
