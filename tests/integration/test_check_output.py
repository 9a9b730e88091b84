#!/usr/bin/python3
"""`driftwatchd check`'s output against the fake AWS: the table (columns
check, resource, state, expected, actual; long values cut to the width;
the summary line naming the sections not checked), colour only on a
terminal and never with NO_COLOR, the --json document (account id, RFC
3339 time, version, findings, not_checked; no escaped slashes), and no
alert id in what check logs, since it sends nothing."""
import copy
import datetime
import json
import os
import pty
import re
import select
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import BASELINE, Daemon, command  # noqa: E402

CONTACTS = {
    "security": {"name": "Priya Raman", "title": "Head of Security",
                 "email": "security@example.com",
                 "phone": "+1 206-555-0199"},
}
HEADER = re.compile(r"^CHECK\s+RESOURCE\s+STATE\s+EXPECTED\s+ACTUAL$", re.M)
SUMMARY = re.compile(r"^(\d+) ok, (\d+) drift, (\d+) unknown; "
                     r"not checked: (none|sections [a-z_, ]+)$", re.M)
ALERT_ID = re.compile(r"\b(open|res|blind|sighted)-[0-9a-f]{8,}")
FINDING_KEYS = {"finding", "check", "resource", "state", "severity", "title",
                "expected", "actual", "reason"}
ESC = "\033["


def baseline(**extra):
    b = copy.deepcopy(BASELINE)
    b.update(extra)
    return b


def table_rows(out):
    """The table's lines (header excluded) up to the first blank line."""
    lines = out.split("\n")
    start = [i for i, l in enumerate(lines) if HEADER.match(l)][0]
    rows = []
    for l in lines[start + 1:]:
        if not l.strip():
            break
        rows.append(l)
    return rows


class Output(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("check-output")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def setUp(self):
        self.fake.reset()
        self.d.write_baseline(baseline())

    def env(self, **kw):
        e = self.d.env()
        e.pop("NO_COLOR", None)
        e.pop("COLUMNS", None)
        e.update(kw)
        return e

    def run_pty(self, *args, env=None):
        """Runs driftwatchd with its standard output on a terminal."""
        master, slave = pty.openpty()
        p = subprocess.Popen(command() + ["-c", self.d.conf] + list(args),
                             env=env or self.env(), stdin=subprocess.DEVNULL,
                             stdout=slave, stderr=subprocess.PIPE)
        os.close(slave)
        out = b""
        while True:
            r, _, _ = select.select([master], [], [], 60)
            if not r:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:     # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        os.close(master)
        err = p.stderr.read().decode()
        p.wait(timeout=60)
        return p.returncode, out.decode().replace("\r\n", "\n"), err

    def test_table_on_baseline(self):
        r = self.d.run("check", env=self.env())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, HEADER)
        rows = table_rows(r.stdout)
        for c in ("account.identity", "root.mfa", "root.access_keys",
                  "iam.user_mfa", "cloudtrail.trail", "cloudtrail.logging"):
            self.assertTrue([l for l in rows if re.match(
                r"%s\s+(\S+\s+)?ok(\s|$)" % re.escape(c), l)], (c, rows))
        self.assertRegex(r.stdout, r"(?m)^cloudtrail\.logging\s+org-trail\s+"
                         r"ok\s+logging\s+logging$")
        m = SUMMARY.search(r.stdout)
        self.assertTrue(m, r.stdout)
        self.assertEqual(int(m.group(1)), len(rows))
        self.assertEqual((m.group(2), m.group(3)), ("0", "0"))
        self.assertTrue(r.stdout.endswith(m.group(0) + "\n"),
                        "the summary is the last line")

    def test_summary_names_sections_not_checked(self):
        r = self.d.run("--json", "check", env=self.env())
        doc = json.loads(r.stdout)
        left = doc["not_checked"]
        self.assertIn("contacts", left)
        self.assertFalse(set(left) & set(BASELINE), left)
        r = self.d.run("check", env=self.env())
        m = SUMMARY.search(r.stdout)
        self.assertEqual(m.group(4), "sections " + ", ".join(left))
        # a section in the baseline is checked, and no longer named
        self.d.write_baseline(baseline(contacts=CONTACTS))
        r = self.d.run("--json", "check", env=self.env())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        doc = json.loads(r.stdout)
        self.assertNotIn("contacts", doc["not_checked"])
        self.assertEqual(set(doc["not_checked"]), set(left) - {"contacts"})

    def test_drift_row_and_details(self):
        self.fake.action("stop_logging", trail="org-trail")
        r = self.d.run("check", env=self.env())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        rows = table_rows(r.stdout)
        self.assertTrue([l for l in rows if re.match(
            r"cloudtrail\.logging\s+org-trail\s+drift\s+logging\s+"
            r"not logging$", l)], rows)
        self.assertIn("[critical] CloudTrail trail org-trail is not logging",
                      r.stdout)
        self.assertRegex(r.stdout, r"finding:\s+cloudtrail\.logging/org-trail")
        m = SUMMARY.search(r.stdout)
        self.assertEqual(m.group(2), "1")
        self.assertEqual(m.group(3), "0")

    def test_unknown_row_names_why(self):
        self.fake.fault(service="iam", action="GetAccountSummary",
                        kind="accessdenied", count=-1)
        r = self.d.run("check", env=self.env())
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^root\.mfa\s+unknown\s+AccessDenied")
        self.assertRegex(r.stdout, r"\[unknown\] root\.mfa could not be "
                         r"checked\n\s+why:\s+AccessDenied")
        m = SUMMARY.search(r.stdout)
        self.assertEqual(m.group(2), "0")
        self.assertEqual(m.group(3), "2", "root.mfa and root.access_keys")

    def test_long_values_cut_to_width(self):
        self.d.write_baseline(baseline(contacts=CONTACTS))
        self.fake.delete_contact("SECURITY")
        r = self.d.run("check", env=self.env(COLUMNS="80"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        rows = table_rows(r.stdout)
        for l in rows:
            self.assertLessEqual(len(l), 80, l)
        row = [l for l in rows if l.startswith("contacts.security")][0]
        self.assertRegex(row, r"contacts\.security\s+drift\s+name Priya")
        self.assertIn("...", row, "the long expected value is cut")
        self.assertIn("expected: name Priya Raman; title Head of Security; "
                      "email security@example.com; phone +1 206-555-0199",
                      r.stdout, "and shown in full below the table")
        r = self.d.run("check", env=self.env(COLUMNS="200"))
        row = [l for l in table_rows(r.stdout)
               if l.startswith("contacts.security")][0]
        self.assertNotIn("...", row)

    def test_no_colour_when_piped(self):
        self.fake.action("stop_logging", trail="org-trail")
        r = self.d.run("check", env=self.env())
        self.assertNotIn(ESC, r.stdout)
        self.assertNotIn(ESC, r.stderr)

    def test_colour_on_a_terminal(self):
        self.fake.action("stop_logging", trail="org-trail")
        code, out, err = self.run_pty("check")
        self.assertEqual(code, 1, out + err)
        self.assertIn("\033[32mok\033[0m", out)
        self.assertIn("\033[31mdrift\033[0m", out)
        self.assertRegex(out, "cloudtrail\\.logging\\s+org-trail\\s+"
                         "\033\\[31mdrift\033\\[0m\\s+logging\\s+not logging")
        code, out, err = self.run_pty("check", env=self.env(NO_COLOR="1"))
        self.assertEqual(code, 1)
        self.assertNotIn(ESC, out)
        self.assertRegex(out, r"cloudtrail\.logging\s+org-trail\s+drift")

    def test_unknown_is_yellow_on_a_terminal(self):
        self.fake.fault(service="iam", action="GetAccountSummary",
                        kind="accessdenied", count=-1)
        code, out, err = self.run_pty("check")
        self.assertEqual(code, 2, out + err)
        self.assertIn("\033[33munknown\033[0m", out)

    def test_json_document(self):
        self.fake.action("stop_logging", trail="org-trail")
        before = datetime.datetime.now(datetime.timezone.utc)
        r = self.d.run("--json", "check", env=self.env())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertNotIn("\\/", r.stdout, "slashes are not escaped")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["account_id"], "111122223333")
        self.assertRegex(doc["time"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        t = datetime.datetime.strptime(doc["time"], "%Y-%m-%dT%H:%M:%SZ")
        t = t.replace(tzinfo=datetime.timezone.utc)
        self.assertLess(abs((t - before).total_seconds()), 60)
        v = self.d.run("--version").stdout.split()[1]
        self.assertEqual(doc["version"], v)
        self.assertIsInstance(doc["not_checked"], list)
        for f in doc["findings"]:
            self.assertEqual(set(f), FINDING_KEYS, f)
            self.assertIn(f["state"], ("ok", "drift", "unknown"))
        f = [x for x in doc["findings"] if x["check"] == "cloudtrail.logging"]
        self.assertEqual(len(f), 1, f)
        self.assertEqual(f[0]["finding"], "cloudtrail.logging/org-trail")
        self.assertEqual(f[0]["resource"], "org-trail")
        self.assertEqual(f[0]["state"], "drift")
        self.assertEqual(f[0]["severity"], "critical")
        self.assertEqual(f[0]["expected"], "logging")
        self.assertEqual(f[0]["actual"], "not logging")
        self.assertIsNone(f[0]["reason"])
        ok = [x for x in doc["findings"] if x["check"] == "root.mfa"]
        self.assertEqual([x["state"] for x in ok], ["ok"])
        self.assertIsNone(ok[0]["resource"])
        self.assertEqual(doc["summary"]["drift"], 1)

    def test_json_unknown_has_reason(self):
        self.fake.fault(service="iam", action="GetAccountSummary",
                        kind="accessdenied", count=-1)
        r = self.d.run("--json", "check", env=self.env())
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        doc = json.loads(r.stdout)
        u = [x for x in doc["findings"] if x["check"] == "root.mfa"]
        self.assertEqual(len(u), 1, u)
        self.assertEqual(u[0]["state"], "unknown")
        self.assertIn("AccessDenied", u[0]["reason"])
        self.assertIsNone(u[0]["finding"])
        self.assertEqual(doc["summary"]["unknown"], 2)

    def test_no_alert_id_logged(self):
        """check sends nothing, so it logs no alert ids: not on drift
        (open), not on unknown (blind)."""
        self.fake.action("stop_logging", trail="org-trail")
        r = self.d.run("-v", "check", env=self.env())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertFalse(ALERT_ID.search(r.stderr), r.stderr)
        self.assertFalse(ALERT_ID.search(r.stdout), r.stdout)
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        r = self.d.run("-v", "check", env=self.env())
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertFalse(ALERT_ID.search(r.stderr + r.stdout), r.stderr)


if __name__ == "__main__":
    dwtest.tap_main()
