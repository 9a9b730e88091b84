#!/usr/bin/python3
"""`driftwatchd capture [-o FILE]` against the fake AWS: the baseline it
writes is JSON in a stable order (two captures are the same bytes), 2-space
indented, passes `validate`, and `check` with it exits 0 on the same
account; what it could not read is named on stderr and exits 2; -o writes
0644 (an existing file keeps its mode); no secret in any output.  Then, on
a baseline captured from the fake account, each single mutation of the
account makes `check` exit 1 naming that check and only that check."""
import difflib
import json
import os
import re
import stat
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon  # noqa: E402

# Temporary credentials, so a session token could leak too.
CREDS = [{"AccessKeyId": "ASIAFAKECAPTURE00001",
          "SecretAccessKey": "capture/Secret+Key/For+Tests00000000000001",
          "SessionToken": "FwoGZXIvYXdzEFakeCaptureSessionToken/"
                          "Never+Logged0000000000000000000000001"}]
SECRETS = (CREDS[0]["SecretAccessKey"], CREDS[0]["SessionToken"])
# check.c's family table, the order the sections are written in
FAMILIES = ["account", "root", "iam", "cloudtrail", "contacts", "tax",
            "config"]


def keys_in_order(text):
    """The top-level keys of a JSON object, in the order written."""
    return [k for k, _ in json.JSONDecoder(object_pairs_hook=list)
            .decode(text)]


class Capture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("capture")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"),
                                  credentials=CREDS)
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()

    def capture(self, *args):
        r = self.d.run("capture", *args)
        self.assertNotIn(r.returncode, (64, 70, 78), r.stderr)
        return r

    def assert_no_secret(self, *texts):
        for t in texts:
            for s in SECRETS:
                self.assertNotIn(s, t)

    def use(self, text):
        with open(self.d.baseline_path, "w") as f:
            f.write(text)

    def test_stdout_json_stable_order(self):
        r = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["version"], 1)
        self.assertTrue(r.stdout.endswith("}\n"))
        self.assertTrue(r.stdout.startswith('{\n  "version": 1,\n'),
                        r.stdout[:40])
        for line in r.stdout.splitlines():
            indent = len(line) - len(line.lstrip(" "))
            self.assertEqual(indent % 2, 0, line)
            self.assertNotIn("\t", line)
        order = keys_in_order(r.stdout)
        self.assertEqual(order[0], "version")
        self.assertEqual(order[1:], [f for f in FAMILIES if f in doc],
                         "sections in the family table's order")
        self.assertIn("cloudtrail", doc)
        self.assertIn("contacts", doc)
        self.assertEqual(doc["cloudtrail"]["trails"], [{
            "name": "org-trail", "home_region": "eu-west-1",
            "multi_region": True, "include_global_service_events": True,
            "log_file_validation": True,
            "s3_bucket": "org-trail-logs-111122223333", "logging": True}])
        self.assertEqual(list(doc["contacts"]),
                         ["billing", "operations", "security"])
        self.assertEqual(list(doc["contacts"]["security"]),
                         ["name", "title", "email", "phone"])
        self.assertEqual(doc["contacts"]["security"]["email"],
                         "security@example.com")
        again = self.capture()
        diff = [l for l in difflib.unified_diff(
            r.stdout.splitlines(), again.stdout.splitlines(), lineterm="",
            n=0) if l[:1] in "+-" and l[:3] not in ("+++", "---")]
        self.assertEqual(diff, [], "two captures, same bytes")
        self.assert_no_secret(r.stdout, r.stderr)

    def test_captured_passes_validate_and_check(self):
        r = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.use(r.stdout)
        v = self.d.run("validate")
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        c = self.d.run("--json", "check")
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        doc = json.loads(c.stdout)
        checks = {x["check"] for x in doc["checks"]}
        for want in ("cloudtrail.trail", "cloudtrail.logging",
                     "contacts.billing", "contacts.operations",
                     "contacts.security"):
            self.assertIn(want, checks)
        # the sections capture left out are the ones check did not check
        captured = set(json.loads(r.stdout)) - {"version"}
        self.assertEqual(set(doc["not_checked"]),
                         set(FAMILIES) - captured)

    def test_output_file_mode_and_content(self):
        out = os.path.join(self.work, "captured.json")
        if os.path.exists(out):
            os.unlink(out)
        r = self.capture("-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "", "with -o nothing on stdout")
        self.assertIn(out, r.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o644)
        with open(out) as f:
            text = f.read()
        # the same document as on stdout (byte for byte: test_stdout_...)
        again = self.capture().stdout
        self.assertEqual(keys_in_order(text), keys_in_order(again))
        self.assertEqual(set(json.loads(text)["contacts"]),
                         set(json.loads(again)["contacts"]))
        self.assertTrue(text.endswith("}\n"))
        self.assert_no_secret(text, r.stderr)
        # a file a person made 0600 stays 0600
        os.chmod(out, 0o600)
        r = self.capture("-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o600)
        self.assertEqual([n for n in os.listdir(self.work)
                          if n.startswith("captured.json.")], [],
                         "no temporary file left")

    def test_output_file_cannot_be_written(self):
        out = os.path.join(self.work, "no-such-dir", "b.json")
        r = self.d.run("capture", "-o", out)
        self.assertEqual(r.returncode, 73, r.stderr)
        self.assertIn(out, r.stderr)

    def test_access_denied_named_exit_2(self):
        self.fake.fault(service="account", action="GetAlternateContact",
                        kind="accessdenied", count=-1)
        r = self.capture()
        self.assertEqual(r.returncode, 2, r.stderr)
        for c in ("contacts.billing", "contacts.operations",
                  "contacts.security"):
            self.assertRegex(r.stderr, r"capture: %s: not captured: "
                             r"AccessDenied" % re.escape(c))
        self.assertRegex(r.stderr, r"3 check\(s\) could not be read")
        doc = json.loads(r.stdout)
        self.assertNotIn("contacts", doc, "what was not read is left out")
        self.assertIn("cloudtrail", doc, "what was read is still written")
        self.use(r.stdout)
        self.assertEqual(self.d.run("validate").returncode, 0)
        self.fake.clear_faults()
        c = self.d.run("--json", "check")
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertIn("contacts", json.loads(c.stdout)["not_checked"])

    def test_partial_capture_never_replaces_the_file(self):
        """-o may name the baseline in use: a capture that could not read
        everything leaves it as it was, and says so."""
        out = os.path.join(self.work, "in-use.json")
        with open(out, "w") as f:
            f.write('{"version": 1}\n')
        self.fake.fault(service="account", action="GetAlternateContact",
                        kind="accessdenied", count=1)
        r = self.capture("-o", out)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr, r"%s not written: 1 check\(s\) could "
                         r"not be read" % re.escape(out))
        with open(out) as f:
            self.assertEqual(f.read(), '{"version": 1}\n')
        self.assertEqual(r.stdout, "")
        r = self.capture("-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            self.assertIn("contacts", json.load(f))

    def test_trail_status_denied(self):
        self.fake.fault(service="cloudtrail", action="GetTrailStatus",
                        kind="accessdenied", count=-1)
        r = self.capture()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr, r"cloudtrail\.logging: not captured: "
                         r"AccessDenied")
        self.assertNotRegex(r.stderr, r"cloudtrail\.trail: not captured")
        trail = json.loads(r.stdout)["cloudtrail"]["trails"][0]
        self.assertNotIn("logging", trail)
        self.assertEqual(trail["name"], "org-trail")

    def test_unset_contact_left_out_with_note(self):
        self.fake.delete_contact("OPERATIONS")
        r = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"contacts\.operations: not set")
        doc = json.loads(r.stdout)
        self.assertEqual(list(doc["contacts"]), ["billing", "security"])

    def test_not_logging_captured_as_is_with_note(self):
        self.fake.action("stop_logging", trail="org-trail")
        r = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"cloudtrail\.logging: trail org-trail "
                         r"is not logging")
        trail = json.loads(r.stdout)["cloudtrail"]["trails"][0]
        self.assertIs(trail["logging"], False)
        self.use(r.stdout)
        c = self.d.run("check")
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)

    def test_weak_trail_advice(self):
        st = self.fake.state()
        st["trails"][0]["LogFileValidationEnabled"] = False
        self.fake.set_state({"trails": st["trails"]})
        r = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"cloudtrail\.trail: trail org-trail "
                         r"has no log file validation")
        self.assertIs(json.loads(r.stdout)["cloudtrail"]["trails"][0]
                      ["log_file_validation"], False)

    def test_no_secret_even_traced(self):
        out = os.path.join(self.work, "traced.json")
        r = self.d.run("-v", "-v", "capture", "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            text = f.read()
        self.assert_no_secret(r.stdout, r.stderr, text)
        self.assertIn("GetAlternateContact", r.stderr, "it did trace")

    def test_usage_errors(self):
        for args in (["capture", "-o"], ["-o", "x.json", "check"],
                     ["--json", "capture"], ["capture", "extra"]):
            r = self.d.run(*args)
            self.assertEqual(r.returncode, 64, (args, r.stderr))
        r = self.d.run("--help")
        self.assertIn("capture [-o file]", r.stdout)

    def test_bad_config_exit_78(self):
        bad = os.path.join(self.work, "bad.conf")
        with open(bad, "w") as f:
            f.write("[daemon]\nno_such_setting = 1\n")
        import subprocess
        from dwdaemon import command
        r = subprocess.run(command() + ["-c", bad, "capture"],
                           env=self.d.env(), capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertEqual(r.stdout, "")

    def test_no_baseline_needed(self):
        os.unlink(self.d.baseline_path)
        try:
            r = self.capture()
            self.assertEqual(r.returncode, 0, r.stderr)
            json.loads(r.stdout)
        finally:
            self.d.write_baseline({"version": 1})


def _state_set(fake, fn):
    st = fake.state()
    key = fn(st)
    fake.set_state({key: st[key]})


def _trail(st):
    st["trails"][0]["LogFileValidationEnabled"] = False
    return "trails"


def _root_keys(st):
    st["root"]["AccessKeysPresent"] = 1
    return "root"


def _org(**kw):
    def fn(st):
        st["organization"].update(kw)
        return "organization"
    return fn


def _alice_unused(st):
    """alice's password last used long before anything the capture saw."""
    alice = [u for u in st["users"] if u["UserName"] == "alice"][0]
    alice["CreateDate"] = "2012-01-02T03:04:05Z"
    alice["PasswordLastUsed"] = "2012-02-03T04:05:06Z"
    alice["PasswordLastChanged"] = "2012-01-02T03:04:05Z"
    return "users"


def _key(name, value):
    def fn(st):
        st[name] = value
        return name
    return fn


# One mutation per check: (check id, what it does to the fake account).
MUTATIONS = [
    ("cloudtrail.trail", lambda f: _state_set(f, _trail)),
    ("cloudtrail.logging",
     lambda f: f.action("stop_logging", trail="org-trail")),
    ("contacts.billing", lambda f: f.put_contact(
        "BILLING", EmailAddress="billing@elsewhere.test")),
    ("contacts.operations", lambda f: f.put_contact(
        "OPERATIONS", PhoneNumber="+1 206-555-0100")),
    ("contacts.security", lambda f: f.delete_contact("SECURITY")),
    ("root.mfa", lambda f: f.action("deactivate_mfa", user="root")),
    ("root.access_keys", lambda f: _state_set(f, _root_keys)),
    ("iam.user_mfa", lambda f: f.action("deactivate_mfa", user="alice")),
    ("account.identity",
     lambda f: _state_set(f, _org(MasterAccountId="444455556666"))),
    ("account.email", lambda f: _state_set(
        f, _org(MasterAccountEmail="someone@elsewhere.test"))),
    ("root.usage", lambda f: f.action("root_login", success=True)),
    ("iam.alias",
     lambda f: f.action("create_account_alias", alias="not-the-alias")),
    ("iam.password_policy", lambda f: f.action(
        "update_password_policy", MinimumPasswordLength=8)),
    ("iam.users", lambda f: f.action("add_user", user="mallory", mfa=True)),
    ("iam.unused_credentials", lambda f: _state_set(f, _alice_unused)),
    ("tax.inheritance",
     lambda f: _state_set(f, _key("tax_inheritance", "OptOut"))),
    ("tax.registrations",
     lambda f: _state_set(f, _key("tax_registrations", []))),
    ("config.recorder",
     lambda f: f.action("config_stop_recorder", region="us-east-1")),
    ("config.rules", lambda f: f.action(
        "config_delete_rule", region="us-east-1",
        identifier="ROOT_ACCOUNT_MFA_ENABLED")),
    ("config.compliance", lambda f: f.action(
        "config_set_compliance", region="us-east-1",
        identifier="IAM_PASSWORD_POLICY", compliance="NON_COMPLIANT",
        count=1)),
]


class Mutations(unittest.TestCase):
    """A baseline captured from the fake account is on the baseline; each
    single change of the account drifts exactly its own check."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("capture-mutations")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        r = cls.d.run("capture")
        cls.capture_rc, cls.captured = r.returncode, r.stdout
        cls.capture_err = r.stderr
        cls.d.write_baseline(json.loads(r.stdout) if r.stdout else {})

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()

    def check(self):
        r = self.d.run("--json", "check")
        try:
            doc = json.loads(r.stdout)
        except ValueError:
            self.fail("not JSON: %r %r" % (r.stdout, r.stderr))
        return r, doc

    def test_captured_is_on_baseline(self):
        self.assertEqual(self.capture_rc, 0, self.capture_err)
        r, doc = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(doc["summary"]["drift"], 0)
        self.assertEqual(doc["summary"]["unknown"], 0)


def _mutation_test(check, mutate):
    def test(self):
        r, doc = self.check()
        checked = {c["check"] for c in doc["checks"]}
        if check not in checked:
            self.skipTest("%s is not in the captured baseline" % check)
        mutate(self.fake)
        r, doc = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        drift = {c["check"] for c in doc["checks"] if c["status"] == "drift"}
        drift |= {f["check"] for f in doc["findings"]
                  if f["state"] == "drift"}
        self.assertEqual(drift, {check}, "that check and only that one")
        self.assertEqual(doc["summary"]["unknown"], 0)
        t = self.d.run("check")
        self.assertRegex(t.stdout, r"(?m)^%s\s+(\S+\s+)?drift\s" %
                         re.escape(check))
    test.__doc__ = "%s: one change, one drift" % check
    return test


for _check, _mutate in MUTATIONS:
    setattr(Mutations, "test_mutation_" + _check.replace(".", "_"),
            _mutation_test(_check, _mutate))


if __name__ == "__main__":
    dwtest.tap_main()
