#!/usr/bin/python3
"""The real driftwatchd with a role profile (role_arn + source_profile)
against the fake AWS: STS AssumeRole signed with the source profile's
keys, temporary credentials refreshed ahead of their expiry, and a role
that cannot be assumed seen as an error (check) and a blind alert (run)."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

ACCOUNT = "111122223333"
ROLE = "arn:aws:iam::%s:role/driftwatch-readonly" % ACCOUNT
LIFETIME = 20


def profiles(fake, role_arn=ROLE, extra="", more=""):
    return ("[profile base]\naws_access_key_id = %s\n"
            "aws_secret_access_key = %s\n\n"
            "[profile audit]\nrole_arn = %s\nsource_profile = base\n"
            "role_session_name = driftwatch-test\n%s\n%s" % (
                fake.access_key, fake.secret_key, role_arn, extra, more))


def role_daemon(fake, work, name, text, daemon=None, sinks=None):
    path = os.path.join(work, name + ".aws-config")
    with open(path, "w") as f:
        f.write(text)
    d = Daemon(fake, os.path.join(work, name), daemon=daemon,
               aws={"profile": "audit", "config_file": path}, sinks=sinks)
    env = d.env()
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
              "AWS_SESSION_TOKEN"):
        env.pop(k, None)
    return d, env


class Refresh(unittest.TestCase):
    """Three refreshes of 20-second credentials under a running daemon."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("creds")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.fake.config(lookup_events_rps=0)
        cls.fake.set_credential_lifetime(LIFETIME)
        cls.d, cls.env = role_daemon(cls.fake, cls.work, "refresh",
                                     profiles(cls.fake))

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def issued(self):
        return [r for r in self.fake.assume_role_records()
                if r["result"] == "issued"]

    def test_1_three_refreshes_no_failed_call_no_gap(self):
        t0 = time.time()
        self.d.start(env=self.env)
        # the first AssumeRole, then three refreshes
        self.fake.wait_for(lambda: len(self.issued()) >= 4,
                           timeout=4 * LIFETIME + 10)
        time.sleep(1.5)
        took = time.time() - t0
        recs = self.fake.assume_role_records()
        print("# %d AssumeRole calls in %.1f s with %d s credentials" %
              (len(recs), took, LIFETIME))
        self.assertTrue(all(r["result"] == "issued" for r in recs), recs)
        self.assertTrue(all(r["session_name"] == "driftwatch-test" and
                            r["role_arn"] == ROLE and
                            r["access_key"] == self.fake.access_key
                            for r in recs),
                        "signed with the source profile's keys")
        # refreshed ahead of expiry: each new set before the last expired
        exp = [r["expiration"] for r in recs]
        for prev, rec in zip(exp, recs[1:]):
            self.assertLess(rec["aws_time"], prev,
                            "a refresh after the old credentials expired")
        reqs = self.fake.requests()
        # GetCredentialReport answers ReportNotPresent / ReportInProgress
        # before the report exists: AWS's own protocol, not a failed call
        report_states = ("ReportNotPresent", "ReportInProgress")
        bad = [q for q in reqs if q["status"] != 200 and not
               (q["action"] == "GetCredentialReport" and
                q.get("error_code") in report_states)]
        self.assertEqual(bad, [], "no call failed (none ExpiredToken)")
        self.assertFalse([q for q in reqs
                          if q.get("error_code") == "ExpiredToken"])
        issued = {r["issued_access_key"] for r in recs}
        calls = [q for q in reqs if q["action"] != "AssumeRole"]
        self.assertTrue(calls)
        self.assertTrue(all(q["access_key"] in issued for q in calls),
                        "every other call signed with the role's keys")
        self.assertGreaterEqual(
            len({q["access_key"] for q in calls}), 3,
            "calls moved on to the refreshed credentials")
        # no gap in checks: GetAccountSummary runs every 2 s pass
        # (the first passes also wait once for the credential report to
        # be generated, which is not a refresh: gaps count from when it
        # was first read)
        ready = min(q["time"] for q in calls
                    if q["action"] == "GetCredentialReport" and
                    q["status"] == 200)
        t = sorted(q["time"] for q in calls
                   if q["action"] == "GetAccountSummary" and
                   q["time"] >= ready)
        gaps = [b - a for a, b in zip(t, t[1:])]
        print("# %d check passes, longest gap %.2f s (poll_interval 2 s)" %
              (len(t), max(gaps)))
        self.assertGreaterEqual(len(t), int((t0 + took - ready) / 2) - 3)
        self.assertLess(max(gaps), 4.5, "a pass waited on a refresh")
        logs = self.d.logs()
        self.assertGreaterEqual(logs.count("new ones valid until"), 4)
        self.assertNotIn("cannot refresh", logs)
        self.assertNotIn(self.fake.secret_key, logs)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("kind") == "blind"], [])


class Denied(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("creds-denied")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.nope = "arn:aws:iam::%s:role/not-trusted" % ACCOUNT
        cls.d, cls.env = role_daemon(cls.fake, cls.work, "denied",
                                     profiles(cls.fake, role_arn=cls.nope))

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def test_1_check_exit_2_clear_error(self):
        r = self.d.run("check", env=self.env)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("profile audit", r.stderr)
        self.assertIn("AssumeRole of %s in us-east-1 failed: AccessDenied" %
                      self.nope, r.stderr)
        self.assertNotIn(self.fake.secret_key, r.stdout + r.stderr)
        self.assertEqual([q for q in self.fake.requests()
                          if q["action"] != "AssumeRole"], [],
                         "nothing is called without credentials")

    def test_2_run_blind_alert(self):
        self.d.start(env=self.env)
        self.d.wait_log("AssumeRole of %s in us-east-1 failed: AccessDenied"
                        % self.nope, timeout=15)
        # one failure, one alert: the credentials and every check they
        # blind are named by one blind alert
        got = self.fake.wait_for(lambda: [
            a for a in alerts(self.fake)
            if a.get("kind") == "blind" and
            "credentials" in a.get("checks", "").split()], timeout=30)
        self.assertIn("root.mfa", got[0]["checks"].split())
        self.assertEqual(len({a["id"] for a in alerts(self.fake)
                              if a.get("kind") == "blind"}), 1)
        self.assertIn("AccessDenied", got[0]["summary"])
        self.assertTrue(self.d.alive(), "the daemon keeps running")
        self.assertNotIn(self.fake.secret_key, self.d.logs())
        # it is sighted again once the role can be assumed
        self.fake.add_role("not-trusted")
        self.fake.wait_for(lambda: [
            a for a in alerts(self.fake)
            if a.get("kind") == "sighted" and
            "credentials" in a.get("checks", "").split()], timeout=30)


class Settings(unittest.TestCase):
    """What the profile says reaches STS: external_id, duration_seconds,
    and a chain of role profiles."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("creds-settings")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()
        self.fake.clear_assume_role_records()

    def test_external_id_and_duration(self):
        role = self.fake.add_role("ext", external_id="shared-ext-42")
        d, env = role_daemon(self.fake, self.work, "ext", profiles(
            self.fake, role_arn=role["Arn"],
            extra="external_id = shared-ext-42\nduration_seconds = 900\n"))
        r = d.run("check", env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        recs = self.fake.assume_role_records()
        self.assertEqual(len(recs), 1, recs)
        self.assertEqual(recs[0]["external_id"], "shared-ext-42")
        self.assertEqual(int(recs[0]["duration_seconds"]), 900)
        self.assertNotIn("shared-ext-42", r.stdout + r.stderr)

    def test_default_session_name(self):
        text = profiles(self.fake).replace(
            "role_session_name = driftwatch-test\n", "")
        d, env = role_daemon(self.fake, self.work, "noname", text)
        r = d.run("check", env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        recs = self.fake.assume_role_records()
        self.assertRegex(recs[0]["session_name"], r"^botocore-session-\d+$")
        self.assertIsNone(recs[0]["duration_seconds"])

    def test_role_chain(self):
        hop = self.fake.add_role("hop")
        top = self.fake.add_role("top", trusted=[hop["Arn"]])
        text = ("[profile base]\naws_access_key_id = %s\n"
                "aws_secret_access_key = %s\n"
                "[profile hop]\nrole_arn = %s\nsource_profile = base\n"
                "[profile audit]\nrole_arn = %s\nsource_profile = hop\n" % (
                    self.fake.access_key, self.fake.secret_key, hop["Arn"],
                    top["Arn"]))
        d, env = role_daemon(self.fake, self.work, "chain", text)
        r = d.run("check", env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        recs = self.fake.assume_role_records()
        self.assertEqual([x["role_arn"] for x in recs],
                         [hop["Arn"], top["Arn"]])
        self.assertEqual(recs[0]["access_key"], self.fake.access_key)
        self.assertEqual(recs[1]["access_key"], recs[0]["issued_access_key"],
                         "the second role is assumed with the first's keys")
        users = {q["access_key"] for q in self.fake.requests()
                 if q["action"] != "AssumeRole"}
        self.assertEqual(users, {recs[1]["issued_access_key"]})

    def test_loop_is_a_config_error(self):
        text = ("[profile audit]\nrole_arn = %s\nsource_profile = hop\n"
                "[profile hop]\nrole_arn = %s\nsource_profile = audit\n" %
                (ROLE, ROLE))
        d, env = role_daemon(self.fake, self.work, "loop", text)
        r = d.run("check", env=env)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("source_profile loop: audit -> hop -> audit", r.stderr)
        self.assertEqual(self.fake.assume_role_records(), [])


class SnsWithRoleCredentials(unittest.TestCase):
    """The SNS sink signs with the daemon's current credentials: the role's,
    refreshed every 20 seconds, never the source profile's keys nor
    expired ones."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("creds-sns")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.fake.set_credential_lifetime(LIFETIME)
        cls.arn = cls.fake.topic_arn("driftwatch-alerts", "us-east-1")
        cls.d, cls.env = role_daemon(
            cls.fake, cls.work, "sns", profiles(cls.fake),
            sinks={"topic": {"type": "sns", "topic_arn": cls.arn,
                             "min_severity": "info"}})

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def publications(self):
        return [p for p in self.fake.sns_publications()
                if p["topic_arn"] == self.arn]

    def test_1_publishes_with_each_refreshed_set(self):
        self.d.start(env=self.env)
        self.d.wait_log("check pass done", timeout=30)
        keys_used = []
        for i in range(3):
            n = len(self.publications())
            self.fake.action("root_login", source_ip="192.0.2.%d" % (80 + i))
            got = self.fake.wait_for(
                lambda: len(self.publications()) > n and self.publications(),
                timeout=20)
            keys_used.append(got[-1]["access_key"])
            if i < 2:       # let the role's credentials be refreshed
                issued = len(self.fake.issued_credentials())
                self.fake.wait_for(
                    lambda: len(self.fake.issued_credentials()) > issued,
                    timeout=LIFETIME + 10)
        issued = {c["AccessKeyId"] for c in self.fake.issued_credentials()}
        print("# SNS Publish signed with %d distinct role key(s) over %d "
              "refreshes" % (len(set(keys_used)), len(issued) - 1))
        self.assertTrue(all(k in issued for k in keys_used), keys_used)
        self.assertNotIn(self.fake.access_key, keys_used,
                         "never the source profile's own keys")
        self.assertGreaterEqual(len(set(keys_used)), 2,
                                "refreshed credentials were used")
        refused = [q for q in self.fake.requests()
                   if q["service"] == "sns" and q["status"] != 200]
        self.assertEqual(refused, [], "no Publish refused")
        self.assertEqual(len(self.publications()), 3,
                         "each alert published once")


if __name__ == "__main__":
    dwtest.tap_main()
