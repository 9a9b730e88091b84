#!/usr/bin/python3
"""driftwatchd's command line: --help, --version, validate's error
messages, and `check`'s output and exit codes against the fake AWS."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, command  # noqa: E402


def run(*args, **kw):
    return subprocess.run(command() + list(args), capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL,
                          **kw)


class Usage(unittest.TestCase):
    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: driftwatchd", r.stdout)
        for mode in ("run", "check", "validate"):
            self.assertIn(mode, r.stdout)

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^driftwatchd \d+\.\d+\.\d+\n$")

    def test_unknown_mode(self):
        r = run("frobnicate")
        self.assertEqual(r.returncode, 64)
        self.assertIn("unknown mode", r.stderr)

    def test_no_mode(self):
        self.assertEqual(run().returncode, 64)

    def test_bad_option(self):
        self.assertEqual(run("--nope", "check").returncode, 64)

    def test_missing_config(self):
        r = run("-c", "/nonexistent/driftwatchd.conf", "validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn("/nonexistent/driftwatchd.conf", r.stderr)


class Validate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("validate")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def tearDown(self):
        self.d.write_config()
        from dwdaemon import BASELINE
        self.d.write_baseline(BASELINE)

    def test_good_files(self):
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ok", r.stdout)

    def test_bad_duration_names_line(self):
        text = self.d.config_text().replace("poll_interval = 2s",
                                            "poll_interval = soon")
        self.d.write_config(text)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        line = text.splitlines().index("poll_interval = soon") + 1
        self.assertIn("driftwatchd.conf:%d:" % line, r.stderr)
        self.assertIn("poll_interval", r.stderr)

    def test_secret_not_echoed(self):
        text = self.d.config_text().replace(
            "min_severity = info", "min_severity = info\nsecret2 = x")
        self.d.write_config(text)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertNotIn("test-hmac-secret", r.stderr + r.stdout)

    def test_baseline_syntax_line_column(self):
        with open(self.d.baseline_path, "w") as f:
            f.write('{\n  "version": 1,\n  "root": {"mfa": true,,}\n}\n')
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertRegex(r.stderr, r"baseline\.json:3:\d+: ")

    def test_baseline_meaning_names_path(self):
        with open(self.d.baseline_path, "w") as f:
            json.dump({"version": 1, "cloudtrail": {"trails": [
                {"name": "t", "home_region": 7}]}}, f)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn("cloudtrail.trails[0].home_region", r.stderr)


class Check(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("check")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()

    def test_on_baseline_exit_0(self):
        r = self.d.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # the trail's checks name their resource, the account's none
        for c in ("account.identity", "root.mfa", "root.access_keys",
                  "iam.user_mfa", "cloudtrail.trail org-trail",
                  "cloudtrail.logging org-trail"):
            self.assertRegex(r.stdout, r"(?m)^%s\s+ok\s" %
                             r"\s+".join(re.escape(w) for w in c.split()))

    def test_drift_exit_1(self):
        self.fake.action("deactivate_mfa", user="root")
        r = self.d.run("check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"root\.mfa\s+drift")
        self.assertIn("Root user has no MFA", r.stdout)

    def test_json_output(self):
        self.fake.action("stop_logging", trail="org-trail")
        r = self.d.run("--json", "check")
        self.assertEqual(r.returncode, 1, r.stderr)
        out = json.loads(r.stdout)
        st = {c["check"]: c["status"] for c in out["checks"]}
        self.assertEqual(st["cloudtrail.logging"], "drift")
        self.assertEqual(st["root.mfa"], "ok")
        f = [x for x in out["findings"]
             if x["finding"] == "cloudtrail.logging/org-trail"]
        self.assertEqual(len(f), 1)
        self.assertEqual(f[0]["expected"], "logging")

    def test_access_denied_exit_2(self):
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"root\.mfa\s+unknown\s+AccessDenied")
        reqs = [q for q in self.fake.requests()
                if q["service"] == "iam" and q["action"] == "GetAccountSummary"]
        self.assertEqual(len(reqs), 1, "AccessDenied is never retried")

    def test_wrong_secret_exit_2(self):
        env = self.d.env()
        env["AWS_SECRET_ACCESS_KEY"] = "wrong" + self.fake.secret_key[5:]
        r = self.d.run("check", env=env)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("SignatureDoesNotMatch", r.stdout)
        self.assertNotIn(env["AWS_SECRET_ACCESS_KEY"], r.stdout + r.stderr)

    def test_no_credentials_exit_78(self):
        env = self.d.env()
        del env["AWS_ACCESS_KEY_ID"]
        del env["AWS_SECRET_ACCESS_KEY"]
        env["HOME"] = self.work
        r = self.d.run("check", env=env)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("credentials", r.stderr)

    def test_plain_http_endpoint_from_env_refused(self):
        """AWS_ENDPOINT_URL* is held to the config file's rule: a signed
        request never crosses a network in the clear."""
        for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM"):
            env = self.d.env()
            env[var] = "http://iam.example.com"
            r = self.d.run("check", env=env)
            self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
            self.assertIn(var + ": expected an https:// URL", r.stderr)

    def test_iam_pagination(self):
        """IAM answers two users a page: every page is read, and the one
        user without MFA on the last page is found."""
        st = self.fake.state()
        users = []
        for i in range(7):
            name = "user%02d" % i
            mfa = [] if i == 6 else [{
                "SerialNumber": "arn:aws:iam::111122223333:mfa/" + name,
                "EnableDate": "2024-01-02T03:04:05Z", "Virtual": True}]
            users.append({"UserName": name, "UserId": "AIDA%016d" % i,
                          "Path": "/", "CreateDate": "2024-01-02T03:04:05Z",
                          "Arn": "arn:aws:iam::111122223333:user/" + name,
                          "MFADevices": mfa})
        st["users"] = users
        self.fake.set_state(st)
        self.fake.config(iam_page_size=2)
        r = self.d.run("--json", "check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        found = [f["finding"] for f in json.loads(r.stdout)["findings"]
                 if f["state"] == "drift"]
        self.assertEqual(found, ["iam.user_mfa/user06"])
        pages = [q for q in self.fake.requests() if q["action"] == "ListUsers"]
        self.assertEqual(len(pages), 4, "7 users, 2 a page")

    def test_too_many_pages_is_unknown_not_ok(self):
        """A list cut at driftwatch's page limit is not the list: 205
        users at one a page is more than 200 pages, so iam.user_mfa is
        unknown (exit 2), never "ok" on a partial list."""
        st = self.fake.state()
        st["users"] = [{"UserName": "u%03d" % i, "UserId": "AIDA%016d" % i,
                        "Path": "/", "CreateDate": "2024-01-02T03:04:05Z",
                        "Arn": "arn:aws:iam::111122223333:user/u%03d" % i,
                        "MFADevices": []} for i in range(205)]
        self.fake.set_state(st)
        self.fake.config(iam_page_size=1)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"iam\.user_mfa\s+unknown")

    def test_check_writes_no_state(self):
        self.d.run("check")
        self.assertFalse(os.path.exists(
            os.path.join(self.d.state_dir, "findings.json")))


if __name__ == "__main__":
    dwtest.tap_main()
