#!/usr/bin/python3
"""Muting with an expiry, through the real driftwatchd against the fake AWS
and the fake webhook receiver.

- the mute, unmute and mutes commands: exit codes, errors, the state file
  (written atomically, 0600);
- `check` shows a baseline mute and a command mute as "muted", with until
  and reason, in the table and in --json, and muted drift alone exits 0;
- the daemon picks a new mute up without a restart (it re-reads the file
  at the start of each check pass); a muted finding raises no open alert
  until its mute ends, then exactly one; a new finding on the muted check
  alerts at once; a muted finding resolved and opened again while the
  mute holds stays quiet (a mute names a finding key, not one episode);
  a restart during the mute neither alerts nor forgets the held drift;
  `status` lists a muted finding apart from the open ones, with its end
  and reason, and does not count it as open."""
import calendar
import json
import os
import signal
import stat
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import BASELINE, Daemon, alerts  # noqa: E402


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse_iso(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def opens(fake, finding):
    return [a for a in alerts(fake) if a.get("kind") == "open" and
            a.get("finding") == finding]


class MuteCommands(unittest.TestCase):
    """The commands alone: no AWS is called."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("mute-cmd")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        bl = dict(BASELINE)
        bl["mutes"] = [{"finding": "root.mfa", "until": "2099-01-31",
                        "reason": "hardware key on order"}]
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), baseline=bl)
        cls.file = os.path.join(cls.d.state_dir, "mutes.json")

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def test_01_usage_errors_write_nothing(self):
        future = iso(time.time() + 3600)
        cases = [
            (["mute", "iam.user_mfa/alice", "--until", future], "--reason"),
            (["mute", "iam.user_mfa/alice", "--reason", "x"], "--until"),
            (["mute", "alice", "--until", future, "--reason", "x"],
             "not a finding key"),
            (["mute", "iam.user_mfa/alice", "--until", "2020-01-01",
              "--reason", "x"], "not in the future"),
            (["mute", "iam.user_mfa/alice", "--until", "2099-02-30",
              "--reason", "x"], "expected a UTC date"),
            (["mute", "iam.user_mfa/alice", "--until", "tomorrow",
              "--reason", "x"], "expected a UTC date"),
            (["mute", "iam.user_mfa/alice", "--until", future,
              "--reason", ""], "--reason"),
            (["mute", "iam.user_mfa/alice", "--until", future,
              "--reason", "two\nlines"], "--reason"),
            (["mute", "--until", future, "--reason", "x"], "one finding"),
            (["unmute"], "one finding"),
            (["mutes", "extra"], "no argument"),
            (["--until", future, "check"], "mute only"),
            (["--until", future, "unmute", "root.mfa"], "mute only"),
            (["--json", "mute", "root.mfa", "--until", future,
              "--reason", "x"], "--json"),
        ]
        for args, msg in cases:
            with self.subTest(args=args):
                r = self.d.run(*args)
                self.assertEqual(r.returncode, 64, r.stderr)
                self.assertIn(msg, r.stderr)
        self.assertFalse(os.path.exists(self.file))

    def test_02_mute_writes_the_file_atomically(self):
        until = iso(time.time() + 7200)
        r = self.d.run("mute", "iam.user_mfa/alice", "--until", until,
                       "--reason", "alice's new key arrives Monday")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "muted iam.user_mfa/alice until %s\n" %
                         until)
        st = os.stat(self.file)
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(self.file) as f:
            doc = json.load(f)
        self.assertEqual(doc["version"], 1)
        self.assertEqual(len(doc["mutes"]), 1)
        m = doc["mutes"][0]
        self.assertEqual(m["finding"], "iam.user_mfa/alice")
        self.assertEqual(m["until"], until)
        self.assertEqual(m["reason"], "alice's new key arrives Monday")
        self.assertLessEqual(abs(parse_iso(m["created"]) - time.time()), 5)
        self.assertEqual([n for n in os.listdir(self.d.state_dir)
                          if ".tmp." in n], [], "no temporary file left")
        # a date alone is midnight UTC; muting again replaces the mute
        r = self.d.run("mute", "iam.user_mfa/alice", "--until",
                       "2099-12-31", "--reason", "later")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.file) as f:
            doc = json.load(f)
        self.assertEqual([(m["finding"], m["until"], m["reason"])
                          for m in doc["mutes"]],
                         [("iam.user_mfa/alice", "2099-12-31T00:00:00Z",
                           "later")])

    def test_03_mutes_lists_both_sources(self):
        r = self.d.run("mutes")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("FINDING"))
        self.assertRegex(r.stdout, r"root\.mfa\s+2099-01-31T00:00:00Z\s+"
                         r"baseline\s+active\s+hardware key on order")
        self.assertRegex(r.stdout, r"iam\.user_mfa/alice\s+2099-12-31T00:00:"
                         r"00Z\s+command\s+active\s+later")
        r = self.d.run("--json", "mutes")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = {m["finding"]: m for m in json.loads(r.stdout)["mutes"]}
        self.assertEqual(got["root.mfa"]["source"], "baseline")
        self.assertEqual(got["iam.user_mfa/alice"]["source"], "command")
        self.assertTrue(got["root.mfa"]["active"])

    def test_04_unmute(self):
        r = self.d.run("unmute", "root.mfa")
        self.assertEqual(r.returncode, 1, "a baseline mute is not the "
                         "command's to end")
        self.assertIn("muted in the baseline", r.stderr)
        self.assertIn(self.d.baseline_path, r.stderr)
        r = self.d.run("unmute", "iam.user_mfa/alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "unmuted iam.user_mfa/alice\n")
        with open(self.file) as f:
            self.assertEqual(json.load(f)["mutes"], [])
        r = self.d.run("unmute", "iam.user_mfa/alice")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not muted", r.stderr)

    def test_05_corrupt_file_is_a_config_error(self):
        with open(self.file, "w") as f:
            f.write('{"version": 1, "mutes": [{"finding": "x"}]}')
        try:
            for args in (["mutes"], ["mute", "root.mfa", "--until",
                                     "2099-01-01", "--reason", "x"]):
                r = self.d.run(*args)
                self.assertEqual(r.returncode, 78, r.stderr)
                self.assertIn("mutes.json: mutes[0]", r.stderr)
        finally:
            os.unlink(self.file)


class MuteCheck(unittest.TestCase):
    """`check` shows muted drift as muted; muted drift alone exits 0."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("mute-check")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        bl = dict(BASELINE)
        bl["mutes"] = [{"finding": "iam.user_mfa/alice",
                        "until": "2099-01-31T00:00:00Z",
                        "reason": "key replaced in January"}]
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), baseline=bl)
        cls.fake.action("deactivate_mfa", user="alice")

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def test_01_baseline_mute_in_table_and_json(self):
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, "muted drift alone is accepted:\n"
                         + r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"iam\.user_mfa\s+alice\s+muted\s")
        self.assertIn("muted:    until 2099-01-31T00:00:00Z (baseline): "
                      "key replaced in January", r.stdout)
        self.assertIn("(1 finding(s) muted)", r.stdout)
        r = self.d.run("--json", "check")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        f = [x for x in doc["findings"]
             if x.get("finding") == "iam.user_mfa/alice"][0]
        self.assertEqual(f["state"], "muted")
        self.assertEqual(f["muted_until"], "2099-01-31T00:00:00Z")
        self.assertEqual(f["mute_reason"], "key replaced in January")
        self.assertEqual(f["mute_source"], "baseline")
        self.assertEqual(doc["summary"]["muted"], 1)

    def test_02_new_finding_on_the_muted_check_is_drift(self):
        self.fake.action("add_user", user="mallory", mfa=False)
        try:
            r = self.d.run("--json", "check")
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            st = {x["finding"]: x["state"]
                  for x in json.loads(r.stdout)["findings"]
                  if x.get("finding")}
            self.assertEqual(st["iam.user_mfa/alice"], "muted")
            self.assertEqual(st["iam.user_mfa/mallory"], "drift")
        finally:
            self.fake.reset()
            self.fake.action("deactivate_mfa", user="alice")

    def test_03_command_mute_shown_too(self):
        until = iso(time.time() + 600)
        r = self.d.run("mute", "iam.user_mfa/alice", "--until", until,
                       "--reason", "the command's")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("muted:    until %s (command): the command's" % until,
                      r.stdout, "the state file's mute replaces the "
                      "baseline's for the same finding")

    def test_04_ended_mute_is_drift(self):
        bl = dict(BASELINE)
        bl["mutes"] = [{"finding": "iam.user_mfa/alice",
                        "until": "2020-01-31T00:00:00Z", "reason": "over"}]
        self.d.write_baseline(bl)
        os.unlink(os.path.join(self.d.state_dir, "mutes.json"))
        r = self.d.run("--json", "check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("warning: this mute ended at 2020-01-31T00:00:00Z",
                      r.stderr)
        f = [x for x in json.loads(r.stdout)["findings"]
             if x.get("finding") == "iam.user_mfa/alice"][0]
        self.assertEqual(f["state"], "drift")
        self.assertNotIn("muted_until", f)


class MuteDaemon(unittest.TestCase):
    """The running daemon.  The tests run in order against one daemon."""

    MUTE_SECONDS = 14

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("mute-daemon")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.metrics = os.path.join(cls.work, "driftwatch.prom")
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       daemon={"metrics_textfile": cls.metrics})
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def test_01_mute_is_picked_up_without_restart(self):
        type(self).until = int(time.time()) + self.MUTE_SECONDS
        r = self.d.run("mute", "iam.user_mfa/alice", "--until",
                       iso(self.until), "--reason", "key swap")
        self.assertEqual(r.returncode, 0, r.stderr)
        # the next pass reads the file (poll_interval 2 s)
        start = len(self.d.logs())
        self.d.wait_log("check pass done", start=start, timeout=10)
        start = len(self.d.logs())
        self.d.wait_log("check pass done", start=start, timeout=10)
        self.fake.action("deactivate_mfa", user="alice")
        self.d.wait_log("iam.user_mfa/alice: drift muted until %s (key "
                        "swap): no alert" % iso(self.until), timeout=15)
        # the CloudTrail event is not a finding: it still alerts
        self.fake.wait_for(lambda: [a for a in alerts(self.fake)
                                    if a.get("check") == "event.mfa_removed"])
        self.assertEqual(opens(self.fake, "iam.user_mfa/alice"), [])

    def test_02_new_finding_on_the_muted_check_alerts(self):
        self.fake.action("add_user", user="mallory", mfa=False)
        got = self.fake.wait_for(
            lambda: opens(self.fake, "iam.user_mfa/mallory"), timeout=15)
        self.assertEqual(len(got), 1)
        self.assertLess(time.time(), self.until,
                        "while alice's mute still held")
        self.assertEqual(opens(self.fake, "iam.user_mfa/alice"), [])

    def test_02b_status_shows_the_mute(self):
        r = self.d.run("--json", "status")
        self.assertEqual(r.returncode, 1, "mallory is open:\n" + r.stdout +
                         r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual([f["key"] for f in doc["findings"]],
                         ["iam.user_mfa/mallory"], "open leaves alice out")
        self.assertEqual(len(doc["muted"]), 1)
        m = doc["muted"][0]
        self.assertEqual(m["key"], "iam.user_mfa/alice")
        self.assertEqual(m["until"], iso(self.until))
        self.assertEqual(m["reason"], "key swap")
        self.assertEqual(m["source"], "command")
        self.assertEqual(m["severity"], "high")
        self.assertEqual(doc["summary"]["open"], 1)
        self.assertEqual(doc["summary"]["muted"], 1)
        t = self.d.run("status")
        self.assertRegex(t.stdout, r"MUTED FINDINGS\n.*\n  high\s+\S+\s+"
                         r"iam\.user_mfa/alice\s+%s\s+key swap \(command\)"
                         % iso(self.until))
        opened = t.stdout[t.stdout.index("OPEN FINDINGS"):
                          t.stdout.index("MUTED FINDINGS")]
        self.assertIn("iam.user_mfa/mallory", opened)
        self.assertNotIn("alice", opened)
        with open(self.metrics) as f:
            prom = f.read()
        self.assertIn('\ndriftwatch_findings_muted{severity="high"} 1\n',
                      prom)
        self.assertIn('\ndriftwatch_findings{severity="high",'
                      'state="drift"} 2\n', prom, "both are drift")
        self.assertIn("# TYPE driftwatch_findings_muted gauge", prom)

    def test_03_restart_during_the_mute(self):
        self.assertEqual(self.d.stop(), 0)
        with open(os.path.join(self.d.state_dir, "findings.json")) as f:
            held = [x for x in json.load(f)["findings"]
                    if x["check"] == "iam.user_mfa" and
                    x.get("resource") == "alice"][0]
        self.assertEqual(held["state"], "drift")
        self.assertEqual(held["muted_until"], self.until,
                         "the held drift is on disk")
        self.d.start()
        self.d.wait_log("check pass done", timeout=30)
        self.assertEqual(opens(self.fake, "iam.user_mfa/alice"), [])

    def test_04_alerts_once_when_the_mute_ends(self):
        got = self.fake.wait_for(
            lambda: opens(self.fake, "iam.user_mfa/alice"),
            timeout=self.MUTE_SECONDS + 15)
        seen = time.time()
        self.assertGreaterEqual(seen, self.until, "not before the mute ends")
        self.assertLess(seen, self.until + 2 * 2 + 3,
                        "within two passes of its end")
        a = got[0]
        self.assertEqual(a["severity"], "high")
        self.assertTrue(a["id"].startswith("unmuted-"), a["id"])
        self.assertIn("Muted until: %s (the mute has ended)" %
                      iso(self.until), a["summary"])
        self.assertEqual(a["actual"], "no MFA device")
        time.sleep(5)
        self.assertEqual(len(opens(self.fake, "iam.user_mfa/alice")), 1,
                         "once, not every pass")
        slack = [p for p in self.fake.webhook_posts()
                 if p["path"] == "/slack" and
                 "iam.user_mfa/alice" in p["body"] and
                 "the mute has ended" in p["body"]]
        self.assertEqual(len(slack), 1)

    def test_05_resolved_and_reopened_under_a_mute_stays_quiet(self):
        """A mute names a finding key: while it holds, the finding may
        resolve and open again without a word; only a different key (a
        new finding) alerts."""
        until = int(time.time()) + 60
        r = self.d.run("mute", "iam.user_mfa/mallory", "--until",
                       iso(until), "--reason", "offboarding")
        self.assertEqual(r.returncode, 0, r.stderr)
        start = len(self.d.logs())
        self.d.wait_log("check pass done", start=start, timeout=10)
        n = len(alerts(self.fake))
        st = self.fake.state()
        for u in st["users"]:
            if u["UserName"] == "mallory":
                u["MFADevices"] = [{
                    "SerialNumber": "arn:aws:iam::111122223333:mfa/mallory",
                    "EnableDate": "2026-01-01T00:00:00Z", "Virtual": True}]
        self.fake.set_state(st)
        self.d.wait_log("iam.user_mfa/mallory: resolved while muted",
                        start=start, timeout=15)
        st = self.fake.state()
        for u in st["users"]:
            if u["UserName"] == "mallory":
                u["MFADevices"] = []
        self.fake.set_state(st)
        self.d.wait_log("iam.user_mfa/mallory: drift muted until",
                        start=start, timeout=15)
        time.sleep(2.5)
        new = [a for a in alerts(self.fake)[n:]
               if a.get("finding") == "iam.user_mfa/mallory"]
        self.assertEqual(new, [], "no resolve, no open while muted")


    def test_06_baseline_mute_on_reload(self):
        """A mute added to the baseline applies after SIGHUP."""
        until = int(time.time()) + 120
        bl = dict(BASELINE)
        bl["mutes"] = [{"finding": "iam.user_mfa/trent", "until": iso(until),
                        "reason": "contractor, leaving Friday"}]
        self.d.write_baseline(bl)
        start = len(self.d.logs())
        self.d.signal(signal.SIGHUP)
        self.d.wait_log("configuration and baseline reloaded", start=start)
        n = len(alerts(self.fake))
        self.fake.action("add_user", user="trent", mfa=False)
        self.d.wait_log("iam.user_mfa/trent: drift muted until %s "
                        "(contractor, leaving Friday): no alert" % iso(until),
                        start=start, timeout=15)
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)[n:]
                          if a.get("finding") == "iam.user_mfa/trent"], [])
        r = self.d.run("--json", "status")
        m = {x["key"]: x for x in json.loads(r.stdout)["muted"]}
        self.assertEqual(m["iam.user_mfa/trent"]["source"], "baseline")

if __name__ == "__main__":
    dwtest.tap_main()
