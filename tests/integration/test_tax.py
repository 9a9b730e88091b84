#!/usr/bin/python3
"""tax.inheritance and tax.registrations: the real driftwatchd against the
fake AWS's Tax Settings (REST-JSON, POST /GetTaxInheritance, POST
/ListTaxRegistrations).

On the baseline both are ok.  inheritance: OptOut is drift (expected
OptIn, actual OptOut); a value AWS does not document is unknown.
registrations: one finding per registration, a missing one and an extra
one each drift; every page is read (nextToken), and a list cut short or
malformed is unknown, never ok.  AccessDenied is unknown and `check`
exits 2.  Bad registrations in the baseline fail validate naming the JSON
path.  capture writes the live settings; the captured baseline passes."""
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

ACCT = "111122223333"
# the fake's default registration (tests/fakeaws/README.md, Tax Settings)
REG = {"account_id": ACCT, "country": "DE", "type": "VAT",
       "id": "DE123456789"}
REG_KEY = "tax.registrations/111122223333:DE:VAT:DE123456789"
IDS = ("tax.inheritance", "tax.registrations")


def baseline(**tax):
    b = copy.deepcopy(BASELINE)
    b["tax"] = {"inheritance": True, "registrations": [dict(REG)]}
    b["tax"].update(tax)
    for k in [k for k, v in b["tax"].items() if v is None]:
        del b["tax"][k]
    return b


def details(account, country, rtype, rid, status="Verified"):
    """An AccountDetails entry as ListTaxRegistrations answers it."""
    return {"accountId": account, "taxRegistration": {
        "registrationId": rid, "registrationType": rtype,
        "legalName": "Example Corp %s" % account, "status": status,
        "jurisdiction": {"countryCode": country}}}


class Base(unittest.TestCase):
    name = "tax"

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir(cls.name)
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
                    if f.get("finding") and f["state"] != "ok"}
        return r, status, findings

    def set_tax(self, inheritance=None, registrations=None):
        st = self.fake.state()
        if inheritance is not None:
            st["tax_inheritance"] = inheritance
        if registrations is not None:
            st["tax_registrations"] = registrations
        self.fake.set_state(st)

    def tax_requests(self, action=None):
        return [q for q in self.fake.requests() if q["service"] == "tax" and
                (action is None or q["action"] == action)]


class Inheritance(Base):
    def test_on_baseline_ok(self):
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)
        self.assertFalse([f for f in fi if f.startswith("tax.")], fi)
        reqs = self.tax_requests()
        self.assertEqual(sorted((q["action"], q["method"], q["path"])
                                for q in reqs),
                         [("GetTaxInheritance", "POST", "/GetTaxInheritance"),
                          ("ListTaxRegistrations", "POST",
                           "/ListTaxRegistrations")])
        self.assertTrue(all(q["sig_ok"] for q in reqs), reqs)
        self.assertTrue(all(q["region"] == "us-east-1" for q in reqs), reqs)
        r = self.d.run("check")
        self.assertRegex(r.stdout, r"tax\.inheritance\s+ok")
        self.assertRegex(r.stdout, r"tax\.registrations\s+\S*\s*ok")

    def test_opt_out_is_drift(self):
        self.set_tax(inheritance="OptOut")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["tax.inheritance"]["status"], "drift")
        f = fi["tax.inheritance"]
        self.assertEqual((f["expected"], f["actual"]), ("OptIn", "OptOut"))
        self.assertEqual(f["title"], "Tax settings inheritance is off")
        self.assertEqual(st["tax.registrations"]["status"], "ok")

    def test_false_asks_for_opt_out(self):
        self.d.write_baseline(baseline(inheritance=False))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        f = fi["tax.inheritance"]
        self.assertEqual((f["expected"], f["actual"]), ("OptOut", "OptIn"))
        self.set_tax(inheritance="OptOut")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_undocumented_value_is_unknown(self):
        self.set_tax(inheritance="Pending")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(st["tax.inheritance"]["status"], "unknown")
        self.assertIn('heritageStatus "Pending"',
                      st["tax.inheritance"]["error"])

    def test_denied_is_unknown_exit_2(self):
        self.fake.fault(service="tax", kind="accessdenied", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "unknown", c)
            self.assertIn("AccessDenied", st[c]["error"], c)
            self.assertNotIn(c, fi, "unknown opens no finding")
        self.assertNotIn(REG_KEY, fi)
        self.assertEqual(st["root.mfa"]["status"], "ok")
        self.assertEqual(len(self.tax_requests()), 2,
                         "AccessDenied is never retried")
        r = self.d.run("check")
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stdout, r"tax\.inheritance\s+unknown")

    def test_denied_in_type_style_is_unknown(self):
        """The code in a namespaced __type instead of x-amzn-ErrorType."""
        self.fake.fault(service="tax", kind="accessdenied", count=-1,
                        error_style="type")
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("AccessDenied", st["tax.inheritance"]["error"])

    def test_malformed_is_unknown(self):
        self.fake.fault(service="tax", kind="malformed", count=-1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "unknown", c)

    def test_server_error_retried_then_ok(self):
        self.fake.fault(service="tax", action="GetTaxInheritance",
                        kind="status", status=500, count=1)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(self.tax_requests("GetTaxInheritance")), 2)


class Registrations(Base):
    name = "tax-registrations"

    def test_missing_is_drift(self):
        self.set_tax(registrations=[])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(st["tax.registrations"]["status"], "drift")
        f = fi[REG_KEY]
        self.assertEqual(f["expected"], "DE VAT DE123456789 (account "
                         "111122223333)")
        self.assertEqual(f["actual"], "not registered")
        self.assertEqual(f["severity"], "medium")

    def test_extra_is_drift(self):
        self.set_tax(registrations=[
            details(ACCT, "DE", "VAT", "DE123456789"),
            details("444455556666", "IN", "GST", "27AAPFU0939F1ZV",
                    status="Pending")])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        key = "tax.registrations/444455556666:IN:GST:27AAPFU0939F1ZV"
        self.assertEqual(set(f for f in fi if f.startswith("tax.")), {key})
        f = fi[key]
        self.assertEqual(f["expected"], "not in the baseline")
        self.assertEqual(f["actual"], "IN GST 27AAPFU0939F1ZV (account "
                         "444455556666, Pending)")
        self.assertNotIn("Example Corp", json.dumps(f),
                         "no legal name in a finding")

    def test_changed_id_is_one_missing_one_extra(self):
        self.set_tax(registrations=[details(ACCT, "DE", "VAT",
                                            "DE999999999")])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(fi[REG_KEY]["actual"], "not registered")
        self.assertEqual(
            fi["tax.registrations/111122223333:DE:VAT:DE999999999"]
            ["expected"], "not in the baseline")

    def test_country_case_and_accounts_without_registration(self):
        self.set_tax(registrations=[
            details(ACCT, "de", "VAT", "DE123456789"),
            {"accountId": "444455556666", "taxInheritanceDetails": {
                "parentEntityId": ACCT,
                "inheritanceObtainedReason": "Inherited"}}])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["tax.registrations"]["status"], "ok")

    def test_every_page_read(self):
        regs = [details("%012d" % (500000000000 + i), "DE", "VAT",
                        "DE%09d" % i) for i in range(250)]
        self.set_tax(registrations=regs)
        want = [{"account_id": d["accountId"], "country": "DE",
                 "type": "VAT", "id": d["taxRegistration"]["registrationId"]}
                for d in regs]
        self.d.write_baseline(baseline(registrations=want))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(st["tax.registrations"]["status"], "ok")
        reqs = self.tax_requests("ListTaxRegistrations")
        self.assertEqual(len(reqs), 3, "100 a page: three pages")
        # the last page's entry missing from the baseline is found
        self.d.write_baseline(baseline(registrations=want[:-1]))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual([f for f in fi if f.startswith("tax.")],
                         ["tax.registrations/%s:DE:VAT:%s" % (
                             want[-1]["account_id"], want[-1]["id"])])

    def test_bad_entry_on_a_later_page_is_unknown(self):
        """A list cut short is not the list: the first page's extras are
        not reported when the second page cannot be read."""
        regs = [details("%012d" % (500000000000 + i), "DE", "VAT",
                        "DE%09d" % i) for i in range(150)]
        del regs[120]["taxRegistration"]["registrationType"]
        self.set_tax(registrations=regs)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(st["tax.registrations"]["status"], "unknown")
        self.assertEqual(len(self.tax_requests("ListTaxRegistrations")), 2)
        self.assertFalse([f for f in fi if f.startswith("tax.reg")], fi)

    def test_entry_without_id_is_unknown(self):
        bad = details(ACCT, "DE", "VAT", "DE123456789")
        del bad["taxRegistration"]["registrationId"]
        self.set_tax(registrations=[bad])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertEqual(st["tax.registrations"]["status"], "unknown")
        self.assertIn("unexpected answer shape",
                      st["tax.registrations"]["error"])
        self.assertNotIn(REG_KEY, fi, "never drift for what it could not "
                         "read")

    def test_empty_baseline_list(self):
        self.d.write_baseline(baseline(registrations=[]))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(fi[REG_KEY]["expected"], "not in the baseline")
        self.set_tax(registrations=[])
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_left_out_not_checked(self):
        self.d.write_baseline(baseline(registrations=None))
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn("tax.registrations", st)
        self.assertEqual(self.tax_requests("ListTaxRegistrations"), [])

    def test_bad_baseline_names_path(self):
        cases = [
            ({"country": "DEU"}, "tax.registrations[0].country: expected a "
             "two-letter ISO 3166 country code"),
            ({"type": "vat"}, "tax.registrations[0].type: expected a "
             "registration type"),
            ({"account_id": "1111"}, "tax.registrations[0].account_id: "
             "expected a 12-digit account id"),
            ({"id": ""}, "tax.registrations[0].id: expected a registration "
             "id"),
            ({"legal_name": "x"}, "tax.registrations[0]"),
        ]
        for change, msg in cases:
            with self.subTest(change=change):
                reg = dict(REG, **change)
                self.d.write_baseline(baseline(registrations=[reg]))
                r = self.d.run("validate")
                self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
                self.assertIn(msg, r.stderr)
        reg = dict(REG)
        del reg["id"]
        self.d.write_baseline(baseline(registrations=[reg]))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn('tax.registrations[0]: missing "id"', r.stderr)
        self.d.write_baseline(baseline(registrations=[REG, dict(REG)]))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn("tax.registrations[1]: the same registration as "
                      "entry [0]", r.stderr)
        self.d.write_baseline(baseline(inheritance="yes"))
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 78)
        self.assertIn("tax.inheritance", r.stderr)

    def test_example_baseline_matches_fake(self):
        top = os.environ.get("DW_SRCDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..")
        with open(os.path.join(top, "etc", "baseline.json")) as f:
            example = json.load(f)
        b = baseline()
        b["tax"] = example["tax"]
        self.d.write_baseline(b)
        r, st, fi = self.check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)


class Capture(Base):
    name = "tax-capture"

    def capture(self):
        out = os.path.join(self.d.dir, "captured.json")
        r = self.d.run("capture", "-o", out)
        with open(out) as f:
            return r, json.load(f)

    def test_capture_then_check(self):
        self.set_tax(registrations=[
            details(ACCT, "DE", "VAT", "DE123456789"),
            details("444455556666", "in", "GST", "27AAPFU0939F1ZV")])
        r, got = self.capture()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(got["tax"], {"inheritance": True, "registrations": [
            REG, {"account_id": "444455556666", "country": "IN",
                  "type": "GST", "id": "27AAPFU0939F1ZV"}]})
        self.d.write_baseline(got)
        r, st, fi = self.check()
        for c in IDS:
            self.assertEqual(st[c]["status"], "ok", c)

    def test_capture_leaves_out_what_a_baseline_cannot_hold(self):
        self.set_tax(registrations=[
            details(ACCT, "DE", "VAT", "DE123456789"),
            details("444455556666", "US", "EIN", "12-3456789")])
        r, got = self.capture()
        self.assertEqual(got["tax"]["registrations"], [REG])
        self.assertIn("tax.registrations: registration EIN of account "
                      "444455556666 left out", r.stderr)
        self.d.write_baseline(got)
        r = self.d.run("validate")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r, st, fi = self.check()
        self.assertEqual(st["tax.registrations"]["status"], "drift",
                         "what was left out is still reported")

    def test_capture_opt_out_noted(self):
        self.set_tax(inheritance="OptOut")
        r, got = self.capture()
        self.assertEqual(got["tax"]["inheritance"], False)
        self.assertIn("tax.inheritance: tax settings inheritance is off",
                      r.stderr)

    def test_capture_denied_left_out(self):
        self.fake.fault(service="tax", action="ListTaxRegistrations",
                        kind="accessdenied", count=-1)
        r = self.d.run("capture")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(json.loads(r.stdout)["tax"], {"inheritance": True})
        self.assertIn("tax.registrations: not captured", r.stderr)
        self.assertIn("AccessDenied", r.stderr)


class Run(unittest.TestCase):
    """The daemon: an extra registration opens its own finding and
    resolves when it is gone; inheritance turned off opens one too."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("tax-run")
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

    def set_tax(self, **kw):
        Base.set_tax(self, **kw)

    def test_extra_registration_then_removed(self):
        time.sleep(2.5)
        self.assertEqual([a for a in alerts(self.fake)
                          if a.get("check", "").startswith("tax.")], [],
                         "tax settings on the baseline raise nothing")
        key = "tax.registrations/444455556666:FR:VAT:FR12345678901"
        self.set_tax(registrations=[
            details(ACCT, "DE", "VAT", "DE123456789"),
            details("444455556666", "FR", "VAT", "FR12345678901")])
        a = self.fake.wait_for(lambda: self.of(key, "open"), timeout=20)[0]
        self.assertEqual(a["severity"], "medium")
        self.assertEqual(a["expected"], "not in the baseline")
        self.set_tax(registrations=[details(ACCT, "DE", "VAT",
                                            "DE123456789")])
        self.fake.wait_for(lambda: self.of(key, "resolve"), timeout=20)
        self.set_tax(inheritance="OptOut")
        a = self.fake.wait_for(lambda: self.of("tax.inheritance", "open"),
                               timeout=20)[0]
        self.assertEqual(a["actual"], "OptOut")
        self.set_tax(inheritance="OptIn")
        self.fake.wait_for(lambda: self.of("tax.inheritance", "resolve"),
                           timeout=20)


if __name__ == "__main__":
    dwtest.tap_main()
