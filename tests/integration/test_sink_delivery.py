#!/usr/bin/python3
"""Per-sink delivery, shown by the real daemon against the fake AWS and
its webhook receiver: a sink's URL token reaches no log line and no file
even when its answers quote it back; a 429 with Retry-After pauses that
sink only, without losing or reordering its alerts; `kinds` keeps what a
sink does not take away from it; a bad kinds word fails validate."""
import email.utils
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

# the secret parts of the leaky sink's URL; none may be written anywhere
TEAM, HOOK, TOKEN, SIG = ("T0LEAKTEAM", "B0LEAKHOOK", "LEAKTOKEN1234xyz",
                          "LEAKSIG5678abc")
LEAKY_PATH = "services/%s/%s/%s?sig=%s" % (TEAM, HOOK, TOKEN, SIG)


def posts(fake, path):
    """The receiver's records for posts to path (query excluded)."""
    return [p for p in fake.webhook_posts()
            if p["path"].split("?")[0] == path]


def files_under(top):
    for root, _, names in os.walk(top):
        for n in names:
            yield os.path.join(root, n)


class TokenNeverLogged(unittest.TestCase):
    """At log_level trace, a sink whose answers quote its URL (a 500
    body, a 3xx Location, a 4xx body with the decoded path) leaves no
    piece of the URL in the log or the state directory."""

    def setUp(self):
        self.work = dwtest.workdir("sink_redact")
        self.fake = dwtest.FakeAWS(os.path.join(self.work, "fake"))
        self.url = self.fake.webhook_url(LEAKY_PATH)
        self.d = Daemon(self.fake, os.path.join(self.work, "d"),
                        daemon={"log_level": "trace"},
                        sinks={"leaky": {"type": "slack", "url": self.url,
                                         "min_severity": "info"}})

    def tearDown(self):
        self.d.stop()
        self.fake.stop()

    def fault(self, status, count, body, headers=None):
        self.fake.webhook_fault(status=status, count=count, body=body,
                                path="/services/" + TEAM,
                                headers=headers or {})

    def test_no_piece_of_the_url_anywhere(self):
        where = "/" + LEAKY_PATH
        self.fault(500, 2, json.dumps({"ok": False, "error": "no_service",
                                       "url": self.url, "token": TOKEN}))
        self.fault(307, 1, "moved to %s" % where, {"Location": self.url})
        self.fault(404, 1, "no hook at services/%s/%s/%s (sig %s)" % (
            TEAM, HOOK, TOKEN.lower(), SIG),
            {"Location": where, "X-Request-Path": where})
        self.d.start()
        self.d.wait_log("check pass done", timeout=30)
        self.fake.action("root_login", source_ip="192.0.2.10")
        self.fake.wait_for(lambda: len(posts(self.fake, "/services/%s/%s/%s"
                                             % (TEAM, HOOK, TOKEN))) >= 3,
                           timeout=30)
        self.fake.action("root_login", source_ip="192.0.2.11")
        self.d.wait_log("HTTP 404", timeout=30)
        time.sleep(0.5)
        self.d.stop()
        log = self.d.logs()
        # the answers were read and logged: this is not silence
        self.assertIn("HTTP 500", log)
        self.assertIn("HTTP 307", log)
        self.assertIn("no_service", log, "the useful part of the body")
        self.assertIn("<redacted>", log)
        self.assertIn("< Location: <redacted>", log, "traced, not shown")
        self.assertIn("< Content-Type: application/json", log,
                      "the trace ran and shows allowed headers")
        for piece in (TEAM, HOOK, TOKEN, TOKEN.lower(), SIG, self.url):
            self.assertNotIn(piece, log, "%s in the log" % piece)
        n = 0
        for path in files_under(self.d.state_dir):
            n += 1
            with open(path, "rb") as f:
                data = f.read().decode("utf-8", "replace")
            for piece in (TEAM, HOOK, TOKEN, SIG):
                self.assertNotIn(piece, data, "%s in %s" % (piece, path))
        self.assertGreater(n, 0, "the state directory was written")
        dead = os.path.join(self.d.state_dir, "outbox", "dead")
        self.assertTrue(os.listdir(dead), "the refused alerts are in dead/")


class RetryAfter(unittest.TestCase):
    """A 429 with Retry-After pauses that sink, and only that one."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("sink_retry_after")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), sinks={
            "slow": {"type": "webhook", "url": cls.fake.webhook_url("slow"),
                     "min_severity": "info"},
            "fast": {"type": "webhook", "url": cls.fake.webhook_url("fast"),
                     "min_severity": "info"}})
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def setUp(self):
        self.fake.clear_webhook()
        self.fake.control("DELETE", "/_webhook/fault")

    def event(self, ip):
        self.fake.action("root_login", source_ip=ip)

    def ips(self, path, ok_only=True):
        return [json.loads(p["body"])["event"]["source_ip"]
                for p in posts(self.fake, path)
                if not ok_only or p["status"] == 200]

    def test_1_seconds(self):
        self.fake.webhook_fault(status=429, count=1, path="/slow",
                                headers={"Retry-After": "3"},
                                body='{"ok":false,"error":"rate_limited"}')
        self.event("192.0.2.21")
        got = self.fake.wait_for(
            lambda: len(posts(self.fake, "/slow")) >= 2 and
            posts(self.fake, "/slow"), timeout=30)
        first, second = got[0], got[1]
        fast = posts(self.fake, "/fast")
        self.assertEqual(first["status"], 429)
        self.assertEqual(second["status"], 200)
        self.assertEqual(json.loads(first["body"])["id"],
                         json.loads(second["body"])["id"], "the same alert")
        self.assertGreaterEqual(second["time"] - first["time"], 3.0,
                                "the next attempt waits Retry-After: 3")
        self.assertEqual(len(fast), 1)
        self.assertLess(fast[0]["time"] - first["time"], 1.0,
                        "the other sink was not held up")
        print("# 429 Retry-After: 3 -> retried after %.2f s; the other "
              "sink delivered %.2f s after the 429" % (
                  second["time"] - first["time"],
                  fast[0]["time"] - first["time"]))

    def test_2_date_keeps_order(self):
        """An HTTP-date; alerts raised during the pause reach the other
        sink at once and the paused one afterwards, in order."""
        until = time.time() + 8
        self.fake.webhook_fault(
            status=429, count=1, path="/slow",
            headers={"Retry-After": email.utils.formatdate(until,
                                                           usegmt=True)})
        self.event("192.0.2.31")
        self.fake.wait_for(lambda: posts(self.fake, "/slow"), timeout=30)
        t429 = posts(self.fake, "/slow")[0]["time"]
        self.event("192.0.2.32")
        self.event("192.0.2.33")
        self.fake.wait_for(lambda: len(self.ips("/fast")) >= 3, timeout=6)
        fast = posts(self.fake, "/fast")
        self.assertLess(max(p["time"] for p in fast), until - 1,
                        "the other sink got all three during the pause")
        self.assertEqual(self.ips("/slow"), [], "the paused sink waits")
        self.fake.wait_for(lambda: len(self.ips("/slow")) >= 3, timeout=20)
        slow = [p for p in posts(self.fake, "/slow") if p["status"] == 200]
        self.assertGreaterEqual(slow[0]["time"], until - 1.0,
                                "not before the date (1 s: its resolution)")
        self.assertEqual(self.ips("/slow"), self.ips("/fast"),
                         "nothing lost, nothing reordered")
        print("# Retry-After: <date 8 s ahead> -> retried %.2f s after the "
              "429" % (slow[0]["time"] - t429))

    def test_3_absurd_is_capped(self):
        mark = len(self.d.logs())
        self.fake.webhook_fault(status=429, count=1, path="/slow",
                                headers={"Retry-After": "86400"})
        self.event("192.0.2.41")
        self.d.wait_log("sink slow asks to wait 86400 s (Retry-After); "
                        "waiting 3600 s", timeout=20, start=mark)
        self.fake.wait_for(lambda: self.ips("/fast"), timeout=10)
        self.assertIn("trying again in 3600.0 s", self.d.logs()[mark:])


class Kinds(unittest.TestCase):
    def setUp(self):
        self.work = dwtest.workdir("sink_kinds")
        self.fake = dwtest.FakeAWS(os.path.join(self.work, "fake"))
        self.d = Daemon(self.fake, os.path.join(self.work, "d"), sinks={
            "all": {"type": "webhook", "url": self.fake.webhook_url("all"),
                    "min_severity": "info"},
            "resolves": {"type": "webhook", "min_severity": "info",
                         "url": self.fake.webhook_url("resolves"),
                         "kinds": "resolve"},
            "events": {"type": "webhook", "min_severity": "info",
                       "url": self.fake.webhook_url("events"),
                       "kinds": "events,  blind"}})

    def tearDown(self):
        self.d.stop()
        self.fake.stop()

    def test_each_sink_gets_its_kinds(self):
        self.d.start()
        self.d.wait_log("check pass done", timeout=30)
        self.fake.action("stop_logging", trail="org-trail")
        self.fake.wait_for(lambda: {"event", "open"} <= {
            a["kind"] for a in alerts(self.fake, "/all")}, timeout=30)
        self.fake.action("start_logging", trail="org-trail")
        self.fake.wait_for(lambda: "resolve" in {
            a["kind"] for a in alerts(self.fake, "/all")}, timeout=30)
        time.sleep(1.5)
        kinds = {p: [a["kind"] for a in alerts(self.fake, p)]
                 for p in ("/all", "/resolves", "/events")}
        self.assertTrue({"event", "open", "resolve"} <= set(kinds["/all"]),
                        kinds)
        self.assertTrue(kinds["/resolves"], kinds)
        self.assertEqual(set(kinds["/resolves"]), {"resolve"}, kinds)
        self.assertTrue(kinds["/events"], kinds)
        self.assertEqual(set(kinds["/events"]), {"event"}, kinds)
        self.assertEqual(kinds["/resolves"].count("resolve"),
                         kinds["/all"].count("resolve"))
        # an alert a sink does not take never entered its queue: the
        # outbox never tried an open or event alert on sink resolves
        others = [a["id"] for a in alerts(self.fake, "/all")
                  if a["kind"] != "resolve"]
        self.assertTrue(others)
        log = self.d.logs()
        self.assertIn("to sink all: sending", log, "debug shows attempts")
        for i in others:
            self.assertNotIn("alert %s to sink resolves" % i, log)


class KindsValidate(unittest.TestCase):
    def test_bad_word(self):
        work = dwtest.workdir("sink_kinds_validate")
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        try:
            d = Daemon(fake, os.path.join(work, "d"), sinks={
                "chat": {"type": "slack", "url": fake.webhook_url("s"),
                         "kinds": "drift, resolved, blind"}})
            r = d.run("validate")
            text = d.config_text()
            line = text.splitlines().index(
                "kinds = drift, resolved, blind") + 1
            self.assertEqual(r.returncode, 78, r.stderr)
            self.assertIn("driftwatchd.conf:%d:" % line, r.stderr)
            self.assertIn('"resolved" is not a kind of alert', r.stderr)
            self.assertIn("events, drift, resolve, blind or reminders",
                          r.stderr)
            d.sinks["chat"]["kinds"] = "reminders"
            d.write_config()
            r = d.run("validate")
            self.assertEqual(r.returncode, 0,
                             "reminders is a kind already: %s" % r.stderr)
        finally:
            fake.stop()


if __name__ == "__main__":
    sys.exit(dwtest.tap_main())
