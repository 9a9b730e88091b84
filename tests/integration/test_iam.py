#!/usr/bin/python3
"""iam.alias, iam.password_policy and iam.users: the real driftwatchd
against the fake AWS's IAM (tests/fakeaws/fake_iam_extra.py).

On the baseline each is ok.  The alias removed or changed, the password
policy deleted (NoSuchEntity) or weakened field by field, a user added or
missing, an administrator losing access (the managed policy detached
from the user, the group losing it or the user leaving the group, the
inline allow-all policy deleted) are each drift with the expected and
actual values.  AccessDenied is unknown and `check` exits 2; a malformed
answer is unknown, never ok.  Every list is followed across pages."""
import copy
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import BASELINE, Daemon, alerts  # noqa: E402

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
IDS = ("iam.alias", "iam.password_policy", "iam.users")
POLICY = {"minimum_length": 14, "require_symbols": True,
          "require_numbers": True, "require_uppercase": True,
          "require_lowercase": True, "max_age_days": 90,
          "reuse_prevention": 24, "allow_users_to_change": True}
IAM_OPS = ("ListAccountAliases", "GetAccountPasswordPolicy", "ListUsers",
           "ListAttachedUserPolicies", "ListUserPolicies", "GetUserPolicy",
           "ListGroupsForUser", "ListAttachedGroupPolicies")


def baseline(**iam):
    b = copy.deepcopy(BASELINE)
    b["iam"] = {"user_mfa": True, "mfa_exempt_users": [],
                "alias": "example-management",
                "password_policy": copy.deepcopy(POLICY),
                "users": ["breakglass", "alice"],
                "administrators": ["breakglass", "alice"],
                "break_glass_user": "breakglass"}
    b["iam"].update(iam)
    return b


class Check(unittest.TestCase):
    """`driftwatchd check --json`: each check's state, its findings and
    the exit code."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("iam-check")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()
        self.d.write_baseline(baseline())

    def check(self):
        r = self.d.run("--json", "check")
        try:
            out = json.loads(r.stdout)
        except ValueError:
            self.fail("not JSON: %r %r" % (r.stdout, r.stderr))
        status = {c["check"]: c for c in out["checks"]}
        findings = {f["finding"]: f for f in out["findings"]
                    if f.get("state") == "drift"}
        return r, status, findings

    def drift_only(self, check, code=1):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"],
                             "drift" if c == check else "ok", c)
        return fi

    def iam_requests(self, action):
        return [q for q in self.fake.requests()
                if q["service"] == "iam" and q["action"] == action]

    def assert_users_fine(self, fi):
        self.assertFalse([f for f in fi if f.startswith("iam.users")], fi)

    # ---- on the baseline

    def test_on_baseline_ok(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)
        self.assertFalse([f for f in fi if f.startswith("iam.")], fi)
        for op in IAM_OPS:
            reqs = self.iam_requests(op)
            self.assertTrue(reqs, "%s was called" % op)
            self.assertTrue(all(q["sig_ok"] for q in reqs), op)
            self.assertTrue(all(q["region"] == "us-east-1" for q in reqs),
                            op)
        # breakglass is proven by its own attachment, alice through her
        # group after her inline policy (not admin) was read
        self.assertEqual(len(self.iam_requests("ListAttachedUserPolicies")),
                         2)
        self.assertEqual(len(self.iam_requests("GetUserPolicy")), 1)
        self.assertEqual(len(self.iam_requests("ListAttachedGroupPolicies")),
                         1)
        r = self.d.run("check")
        for c in IDS:
            self.assertRegex(r.stdout, r"%s\s+ok" % c.replace(".", r"\."))

    def test_example_baseline_matches_fake(self):
        """etc/baseline.json's iam section is the fake's account."""
        top = os.environ.get("DW_SRCDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(top, "etc", "baseline.json")) as f:
            example = json.load(f)
        b = copy.deepcopy(BASELINE)
        b["iam"] = example["iam"]
        self.d.write_baseline(b)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual({c: st[c]["status"] for c in IDS},
                         {c: "ok" for c in IDS})
        self.assertEqual(example["iam"]["break_glass_user"], "breakglass")

    def test_left_out_keys_not_checked(self):
        b = baseline()
        for k in ("alias", "password_policy", "users", "administrators",
                  "break_glass_user"):
            del b["iam"][k]
        self.d.write_baseline(b)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertNotIn(c, st)
        for op in IAM_OPS[:2] + IAM_OPS[3:]:
            self.assertFalse(self.iam_requests(op), op)

    # ---- iam.alias

    def test_alias_removed(self):
        self.fake.action("delete_account_alias")
        fi = self.drift_only("iam.alias")
        f = fi["iam.alias"]
        self.assertEqual(f["expected"], "example-management")
        self.assertEqual(f["actual"], "no alias")
        self.assertEqual(f["title"], "The account has no alias")

    def test_alias_changed(self):
        self.fake.action("create_account_alias", alias="someone-else")
        f = self.drift_only("iam.alias")["iam.alias"]
        self.assertEqual(f["expected"], "example-management")
        self.assertEqual(f["actual"], "someone-else")
        self.assertEqual(f["title"], "The account alias is not the "
                         "baseline's")

    # ---- iam.password_policy

    def test_password_policy_deleted(self):
        self.fake.action("delete_password_policy")
        f = self.drift_only("iam.password_policy")["iam.password_policy"]
        self.assertEqual(f["actual"], "no password policy")
        self.assertEqual(f["title"], "The account has no password policy")
        self.assertIn("minimum length >= 14", f["expected"])
        self.assertIn("reuse prevention >= 24", f["expected"])
        self.assertEqual(len(self.iam_requests("GetAccountPasswordPolicy")),
                         1, "NoSuchEntity is an answer, not retried")

    def test_each_weakened_field(self):
        cases = [
            ({"MinimumPasswordLength": 8}, "minimum length",
             "minimum length >= 14", "minimum length 8"),
            ({"RequireSymbols": False}, "symbols", "symbols required",
             "symbols not required"),
            ({"RequireNumbers": False}, "numbers", "numbers required",
             "numbers not required"),
            ({"RequireUppercaseCharacters": False}, "uppercase letters",
             "uppercase letters required",
             "uppercase letters not required"),
            ({"RequireLowercaseCharacters": False}, "lowercase letters",
             "lowercase letters required",
             "lowercase letters not required"),
            ({"MaxPasswordAge": 365}, "maximum age",
             "maximum age <= 90 days", "maximum age 365 days"),
            ({"MaxPasswordAge": None}, "maximum age",
             "maximum age <= 90 days", "no maximum age"),
            ({"PasswordReusePrevention": 5}, "reuse prevention",
             "reuse prevention >= 24", "reuse prevention 5"),
            ({"PasswordReusePrevention": None}, "reuse prevention",
             "reuse prevention >= 24", "no reuse prevention"),
            ({"AllowUsersToChangePassword": False},
             "users changing their password",
             "users changing their password allowed",
             "users changing their password not allowed"),
        ]
        for change, what, expected, actual in cases:
            with self.subTest(change=change):
                self.fake.reset()
                self.fake.action("update_password_policy", **change)
                f = self.drift_only("iam.password_policy")[
                    "iam.password_policy"]
                self.assertEqual(f["expected"], expected)
                self.assertEqual(f["actual"], actual)
                self.assertEqual(f["title"], "The password policy is "
                                 "weaker than the baseline: " + what)

    def test_hard_expiry(self):
        self.d.write_baseline(baseline(password_policy=dict(
            POLICY, hard_expiry=True)))
        f = self.drift_only("iam.password_policy")["iam.password_policy"]
        self.assertEqual(f["expected"], "hard expiry on")
        self.assertEqual(f["actual"], "hard expiry off")
        self.fake.action("update_password_policy", HardExpiry=True)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_several_weaker_fields_one_finding(self):
        self.fake.action("update_password_policy", MinimumPasswordLength=8,
                         RequireSymbols=False, PasswordReusePrevention=None)
        fi = self.drift_only("iam.password_policy")
        self.assertEqual([k for k in fi if k.startswith("iam.password")],
                         ["iam.password_policy"])
        f = fi["iam.password_policy"]
        self.assertEqual(f["expected"], "minimum length >= 14; symbols "
                         "required; reuse prevention >= 24")
        self.assertEqual(f["actual"], "minimum length 8; symbols not "
                         "required; no reuse prevention")
        self.assertEqual(f["title"], "The password policy is weaker than "
                         "the baseline: minimum length, symbols, reuse "
                         "prevention")

    def test_stricter_policy_ok(self):
        self.fake.action("update_password_policy", MinimumPasswordLength=32,
                         MaxPasswordAge=30, HardExpiry=True)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["iam.password_policy"]["status"], "ok")

    def test_false_asks_nothing(self):
        self.d.write_baseline(baseline(password_policy={
            "minimum_length": 8, "require_symbols": False}))
        self.fake.action("update_password_policy", MinimumPasswordLength=8,
                         RequireSymbols=False, MaxPasswordAge=None)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    # ---- iam.users: the set

    def test_unexpected_user(self):
        self.fake.action("add_user", user="eve", mfa=True)
        fi = self.drift_only("iam.users")
        f = fi["iam.users/eve"]
        self.assertEqual(f["expected"], "no such user")
        self.assertEqual(f["actual"], "user exists")
        self.assertEqual(f["title"], "IAM user eve is not in the baseline")
        self.assertEqual(f["severity"], "high")
        self.assertEqual(sorted(k for k in fi if k.startswith("iam.users")),
                         ["iam.users/eve"])

    def test_unexpected_administrator(self):
        self.fake.action("add_admin_user", user="mallory", mfa=True)
        fi = self.drift_only("iam.users")
        self.assertEqual(fi["iam.users/mallory"]["actual"], "user exists")
        self.assertIn(ADMIN, self.fake.state()["iam_user_policies"][
            "mallory"]["attached"])

    def test_missing_user(self):
        self.d.write_baseline(baseline(users=["breakglass", "alice",
                                              "carol"]))
        fi = self.drift_only("iam.users")
        f = fi["iam.users/carol"]
        self.assertEqual(f["expected"], "user exists")
        self.assertEqual(f["actual"], "no such user")
        self.assertEqual(f["title"], "IAM user carol is missing")
        self.assertEqual(f["severity"], "medium")

    def test_missing_administrator(self):
        self.d.write_baseline(baseline(users=["breakglass", "alice", "carol"],
                                       administrators=["carol", "alice"]))
        fi = self.drift_only("iam.users")
        f = fi["iam.users/carol"]
        self.assertEqual(f["expected"], "user exists, administrator")
        self.assertEqual(f["actual"], "no such user")
        self.assertEqual(f["severity"], "high")
        self.assertEqual(sorted(k for k in fi if k.startswith("iam.users")),
                         ["iam.users/carol"])

    def test_users_without_administrators(self):
        self.d.write_baseline(baseline(administrators=[]))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertFalse(self.iam_requests("ListAttachedUserPolicies"))

    # ---- iam.users: administrator access

    def lost(self, user):
        fi = self.drift_only("iam.users")
        f = fi["iam.users/" + user]
        self.assertEqual(f["expected"], "user exists, administrator")
        self.assertEqual(f["actual"], "user exists, no administrator access")
        self.assertEqual(f["title"], "IAM administrator %s has no "
                         "administrator access" % user)
        self.assertEqual(f["severity"], "high")
        self.assertEqual([k for k in fi if k.startswith("iam.users")],
                         ["iam.users/" + user])

    def test_admin_detached_from_user(self):
        self.fake.action("detach_user_policy", user="breakglass")
        self.lost("breakglass")

    def test_admin_left_group(self):
        self.fake.action("remove_user_from_group", user="alice",
                         group="Admins")
        self.lost("alice")

    def test_group_lost_admin(self):
        self.fake.action("detach_group_policy", group="Admins")
        self.lost("alice")

    def test_other_managed_policy_is_not_admin(self):
        self.fake.action("detach_user_policy", user="breakglass")
        self.fake.action("attach_user_policy", user="breakglass",
                         policy_arn="arn:aws:iam::111122223333:policy/"
                         "AdministratorAccess")
        self.lost("breakglass")

    def test_inline_allow_all(self):
        self.fake.action("detach_user_policy", user="breakglass")
        self.fake.action("put_user_policy", user="breakglass",
                         policy="break-glass-admin", document={
                             "Version": "2012-10-17",
                             "Statement": [
                                 {"Effect": "Allow", "Action": ["s3:*"],
                                  "Resource": "*"},
                                 {"Effect": "Allow", "Action": ["*"],
                                  "Resource": ["*"]}]})
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_users_fine(fi)
        self.fake.action("delete_user_policy", user="breakglass",
                         policy="break-glass-admin")
        self.lost("breakglass")

    def test_inline_not_quite_all(self):
        self.fake.action("detach_user_policy", user="breakglass")
        for name, doc in (
                ("deny", {"Statement": {"Effect": "Deny", "Action": "*",
                                        "Resource": "*"}}),
                ("one-bucket", {"Statement": [{
                    "Effect": "Allow", "Action": "*",
                    "Resource": "arn:aws:s3:::bucket/*"}]}),
                ("with-mfa", {"Statement": [{
                    "Effect": "Allow", "Action": "*", "Resource": "*",
                    "Condition": {"Bool": {
                        "aws:MultiFactorAuthPresent": "true"}}}]})):
            self.fake.action("put_user_policy", user="breakglass", policy=name,
                             document=doc)
        self.lost("breakglass")
        self.assertEqual(len(self.iam_requests("GetUserPolicy")), 4,
                         "each inline policy of both users read")

    # ---- pagination

    def test_every_list_across_pages(self):
        st = self.fake.state()
        acct = st["account_id"]
        # admin access at the end of every list
        st["iam_user_policies"]["breakglass"] = {
            "attached": [], "inline": {
                "a-read": {"Statement": [{"Effect": "Allow",
                                          "Action": "s3:Get*",
                                          "Resource": "*"}]},
                "z-admin": {"Statement": [{"Effect": "Allow",
                                           "Action": "*",
                                           "Resource": "*"}]}}}
        st["iam_user_policies"]["alice"] = {"attached": [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
            "inline": {}}
        st["iam_groups"] = [
            {"GroupName": "Readers", "GroupId": "AGPAFAKEREADERS00001",
             "Path": "/", "Arn": "arn:aws:iam::%s:group/Readers" % acct,
             "CreateDate": "2024-01-02T03:04:05Z", "members": ["alice"],
             "attached": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
            {"GroupName": "Admins", "GroupId": "AGPAFAKEADMINS000001",
             "Path": "/", "Arn": "arn:aws:iam::%s:group/Admins" % acct,
             "CreateDate": "2024-01-02T03:04:05Z", "members": ["alice"],
             "attached": ["arn:aws:iam::aws:policy/ReadOnlyAccess", ADMIN]}]
        self.fake.set_state(st)
        self.fake.config(iam_page_size=1)
        r, s, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(s[c]["status"], "ok", c)
        # alice: 2 attached pages (+1 for breakglass), breakglass: 2
        # inline-name pages; alice: 2 group pages; Readers 1 + Admins 2
        self.assertEqual(len(self.iam_requests("ListAttachedUserPolicies")),
                         3)
        self.assertEqual(len(self.iam_requests("ListUserPolicies")), 3)
        self.assertEqual(len(self.iam_requests("ListGroupsForUser")), 2)
        self.assertEqual(len(self.iam_requests("ListAttachedGroupPolicies")),
                         3)
        self.assertGreaterEqual(len(self.iam_requests("ListUsers")), 2)
        # a user on the last page of ListUsers is seen
        self.fake.action("add_user", user="zed")
        r, s, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("iam.users/zed", fi)

    # ---- unknown: denied, malformed

    def test_denied_is_unknown_exit_2(self):
        for op, check in (("ListAccountAliases", "iam.alias"),
                          ("GetAccountPasswordPolicy",
                           "iam.password_policy"),
                          ("ListUsers", "iam.users"),
                          ("ListAttachedUserPolicies", "iam.users"),
                          ("ListUserPolicies", "iam.users"),
                          ("GetUserPolicy", "iam.users"),
                          ("ListGroupsForUser", "iam.users"),
                          ("ListAttachedGroupPolicies", "iam.users")):
            with self.subTest(op=op):
                self.fake.reset()
                self.fake.fault(service="iam", action=op,
                                kind="accessdenied", count=-1)
                r, st, fi = self.check()
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertEqual(st[check]["status"], "unknown")
                self.assertIn("AccessDenied", st[check].get("error", ""))
                for c in IDS:
                    if c != check:
                        self.assertEqual(st[c]["status"], "ok", (op, c))
                self.assertEqual(len(self.iam_requests(op)),
                                 len([q for q in self.iam_requests(op)
                                      if q["error_code"]]),
                                 "nothing answered %s" % op)

    def test_denied_text_table(self):
        self.fake.fault(service="iam", action="GetAccountPasswordPolicy",
                        kind="accessdenied", count=-1)
        r = self.d.run("check")
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stdout, r"iam\.password_policy\s+unknown\s+.*"
                         r"AccessDenied")

    def test_malformed_is_unknown(self):
        for op, check in (("ListAccountAliases", "iam.alias"),
                          ("GetAccountPasswordPolicy",
                           "iam.password_policy"),
                          ("ListUsers", "iam.users"),
                          ("ListAttachedUserPolicies", "iam.users"),
                          ("ListUserPolicies", "iam.users"),
                          ("GetUserPolicy", "iam.users"),
                          ("ListGroupsForUser", "iam.users"),
                          ("ListAttachedGroupPolicies", "iam.users")):
            with self.subTest(op=op):
                self.fake.reset()
                self.fake.fault(service="iam", action=op, kind="malformed",
                                count=-1)
                r, st, fi = self.check()
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertEqual(st[check]["status"], "unknown")

    def test_bad_policy_document_is_unknown(self):
        st = self.fake.state()
        st["iam_user_policies"]["alice"]["inline"]["billing-read"] = \
            '{"Statement": [{"Effect": "Allow", "Action": '
        self.fake.set_state(st)
        r, s, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(s["iam.users"]["status"], "unknown")
        self.assertIn("alice", s["iam.users"]["error"])
        self.assertIn("billing-read", s["iam.users"]["error"])


class Capture(unittest.TestCase):
    """`driftwatchd capture` writes the live alias, password policy, users
    and administrators, with advice where the account is weak, and names
    what it could not read."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("iam-capture")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()

    def capture(self):
        r = self.d.run("capture")
        doc = json.loads(r.stdout) if r.stdout.strip() else None
        return r, doc

    def test_captured_as_the_account_is(self):
        r, doc = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        iam = doc["iam"]
        self.assertEqual(iam["alias"], "example-management")
        self.assertEqual(iam["password_policy"], dict(
            POLICY, hard_expiry=False))
        self.assertEqual(iam["users"], ["breakglass", "alice"])
        self.assertEqual(iam["administrators"], ["breakglass", "alice"])
        self.assertNotIn("break_glass_user", iam)
        self.assertIn('iam.users: 2 users, 2 with administrator access: '
                      'review both lists, and name the break-glass user in '
                      '"break_glass_user"', r.stderr)
        self.assertNotIn("iam.password_policy:", r.stderr,
                         "a CIS policy needs no advice")
        # and the account passes it
        self.d.write_baseline(doc)
        c = self.d.run("--json", "check")
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)

    def test_weak_account_advice(self):
        self.fake.action("update_password_policy", MinimumPasswordLength=8,
                         PasswordReusePrevention=None, RequireSymbols=False,
                         MaxPasswordAge=None)
        self.fake.action("delete_account_alias")
        self.fake.action("detach_group_policy", group="Admins")
        r, doc = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        iam = doc["iam"]
        self.assertNotIn("alias", iam)
        self.assertEqual(iam["password_policy"], {
            "minimum_length": 8, "require_symbols": False,
            "require_numbers": True, "require_uppercase": True,
            "require_lowercase": True, "hard_expiry": False,
            "allow_users_to_change": True})
        self.assertEqual(iam["administrators"], ["breakglass"])
        self.assertIn("iam.password_policy: password length below 14 (8)",
                      r.stderr)
        self.assertIn("iam.password_policy: reuse prevention below 24",
                      r.stderr)
        self.assertIn("iam.alias: the account has no alias", r.stderr)
        self.d.write_baseline(doc)
        c = self.d.run("--json", "check")
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)

    def test_no_policy_left_out_with_note(self):
        self.fake.action("delete_password_policy")
        r, doc = self.capture()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("password_policy", doc["iam"])
        self.assertIn("iam.password_policy: the account has no password "
                      "policy", r.stderr)

    def test_denied_named_exit_2(self):
        for op, check, key in (
                ("ListAccountAliases", "iam.alias", "alias"),
                ("GetAccountPasswordPolicy", "iam.password_policy",
                 "password_policy"),
                ("ListAttachedGroupPolicies", "iam.users", "users")):
            with self.subTest(op=op):
                self.fake.reset()
                self.fake.fault(service="iam", action=op,
                                kind="accessdenied", count=-1)
                r, doc = self.capture()
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertRegex(r.stderr, r"%s: not captured: .*"
                                 r"AccessDenied" % check.replace(".", r"\."))
                self.assertNotIn(key, doc["iam"])
                if key == "users":
                    self.assertNotIn("administrators", doc["iam"])


class Run(unittest.TestCase):
    """The daemon: a deleted password policy opens a finding, putting it
    back resolves it; an administrator added opens one for that user."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("iam-run")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=baseline())
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def of(self, finding, kind):
        return [a for a in alerts(self.fake)
                if a.get("finding") == finding and a.get("kind") == kind]

    def test_policy_deleted_then_restored(self):
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("check", "").startswith("iam.")], [],
                         "iam on the baseline raises nothing")
        self.fake.action("delete_password_policy")
        got = self.fake.wait_for(
            lambda: self.of("iam.password_policy", "open"), timeout=20)
        self.assertEqual(got[0]["actual"], "no password policy")
        self.assertEqual(got[0]["severity"], "medium")
        self.fake.action("update_password_policy", MinimumPasswordLength=14,
                         RequireSymbols=True, RequireNumbers=True,
                         RequireUppercaseCharacters=True,
                         RequireLowercaseCharacters=True, MaxPasswordAge=90,
                         PasswordReusePrevention=24,
                         AllowUsersToChangePassword=True)
        self.fake.wait_for(
            lambda: self.of("iam.password_policy", "resolve"), timeout=20)
        self.assertEqual(len(self.of("iam.password_policy", "open")), 1)

        self.fake.action("add_admin_user", user="mallory", mfa=True)
        got = self.fake.wait_for(
            lambda: self.of("iam.users/mallory", "open"), timeout=20)
        self.assertEqual(got[0]["severity"], "high")
        self.assertTrue(self.d.alive())


if __name__ == "__main__":
    dwtest.tap_main()
