#!/usr/bin/python3
"""Structured journald entries from the real daemon.

journald's native protocol is a datagram socket at a fixed path, so when
no journald runs here (CI, containers) the test plays journald on that
path and reads what sd_journal_sendv() sends: MESSAGE_ID, PRIORITY and
the DRIFTWATCH_* and AWS_* fields that make `journalctl -u driftwatchd
DRIFTWATCH_SEVERITY=critical` work, a PRIORITY that follows the alert's
severity (so `journalctl -p err` shows a root sign-in), one entry per
alert, the caller's CODE_FILE, and AWS_REQUEST_ID on an AWS error.  It
also checks the daemon falls back to stderr, not silence, when journald
is gone, and writes plain lines to a terminal."""
import copy
import os
import pty
import re
import select
import signal
import socket
import subprocess
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
import dwdaemon  # noqa: E402
from dwdaemon import Daemon  # noqa: E402

SOCK = "/run/systemd/journal/socket"
ACCOUNT = "111122223333"
# iam.alias (medium) watched too, so a drift of each severity can be made
BASELINE = copy.deepcopy(dwdaemon.BASELINE)
BASELINE["iam"]["alias"] = "example-management"
# syslog(3) priorities, as journald stores them
CRIT, ERR, WARNING, NOTICE, INFO = "2", "3", "4", "5", "6"
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def msgids():
    with open(os.path.join(TOP, "include", "driftwatch", "msgid.h")) as f:
        return dict(re.findall(r'#define MSGID_(\w+)\s+"([0-9a-f]{32})"',
                               f.read()))


def parse(data):
    """One native-protocol datagram: KEY=value lines, or KEY, newline,
    64-bit little-endian length and the raw value for binary values."""
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            v = data[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        fields[k.decode()] = v.decode("utf-8", "replace")
    return fields


def why_skip():
    if os.environ.get("DW_HAVE_SYSTEMD", "yes") != "yes":
        return "built without libsystemd: it logs to stderr only"
    if os.geteuid() != 0:
        return "playing journald at %s needs root" % SOCK
    if os.path.exists(SOCK):
        return "a journald runs here; its socket is not ours to take"
    return None


@unittest.skipIf(why_skip() is not None, why_skip() or "")
class Journal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.made = []
        d = os.path.dirname(SOCK)
        for p in (os.path.dirname(d), d):
            if not os.path.isdir(p):
                os.mkdir(p, 0o755)
                cls.made.append(p)
        cls.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        cls.sock.bind(SOCK)
        cls.sock.settimeout(0.2)
        cls.entries = []
        cls.stop = threading.Event()
        cls.reader = threading.Thread(target=cls.read, daemon=True)
        cls.reader.start()
        cls.work = dwtest.workdir("journal")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       baseline=BASELINE)
        env = cls.d.env()
        env["JOURNAL_STREAM"] = "8:12345"   # what systemd sets for a unit
        cls.d.start(env=env)

    @classmethod
    def read(cls):
        while not cls.stop.is_set():
            try:
                data = cls.sock.recv(1 << 20)
            except socket.timeout:
                continue
            cls.entries.append(parse(data))

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()
        cls.stop.set()
        cls.reader.join()
        cls.sock.close()
        os.unlink(SOCK)
        for p in reversed(cls.made):
            os.rmdir(p)

    def find(self, **want):
        return [e for e in list(self.entries)
                if all(e.get(k) == v for k, v in want.items())]

    def wait_entry(self, timeout=30, **want):
        return self.fake.wait_for(lambda: self.find(**want), timeout)[0]

    def about(self, alert_id):
        """Every entry above debug naming the alert, in a field or in
        its message, other than the outbox's word that a sink took it
        (the test runs at log_level debug, which traces each send)."""
        return [e for e in list(self.entries)
                if (alert_id in e.get("MESSAGE", "") or
                    alert_id in e.values()) and e.get("PRIORITY") != "7" and
                "delivered to sink" not in e.get("MESSAGE", "")]

    def assert_caller(self, e, file):
        """CODE_FILE names the code that logged, relative to the tree,
        not the logging module."""
        self.assertEqual(e.get("CODE_FILE"), file, e)
        self.assertRegex(e.get("CODE_LINE", ""), r"^[1-9][0-9]*$")
        self.assertTrue(e.get("CODE_FUNC"), e)

    def assert_one_entry(self, alert_id):
        # the outbox stores and sends it; a late duplicate would come
        # with that, so wait for the delivery before counting
        self.fake.wait_for(lambda: [
            a for a in dwdaemon.alerts(self.fake) if a["id"] == alert_id],
            30)
        time.sleep(0.5)
        got = self.about(alert_id)
        self.assertEqual(len(got), 1, [e.get("MESSAGE") for e in got])

    def wait_answered(self, action):
        """Until the daemon's next call of action after a fault is
        answered: one failed pass, never two in a row (blind_after 2)."""
        def ok_after_fault():
            rs = [r for r in self.fake.requests() if r["action"] == action]
            last = max((i for i, r in enumerate(rs) if r.get("fault")),
                       default=-1)
            return [r for r in rs[last + 1:] if r["status"] == 200]
        self.fake.wait_for(ok_after_fault, 30)

    def test_1_started_entry(self):
        ids = msgids()
        got = self.fake.wait_for(lambda: self.find(MESSAGE_ID=ids["STARTED"]),
                                 20)
        self.assertEqual(got[0]["SYSLOG_IDENTIFIER"], "driftwatchd")
        self.assertEqual(got[0]["PRIORITY"], INFO)
        self.assert_caller(got[0], "src/daemon.c")

    def test_2_root_sign_in_entry(self):
        """One entry at crit, with who, from where, in which region."""
        ids = msgids()
        eid = self.fake.action("root_login", source_ip="203.0.113.50")
        e = self.wait_entry(MESSAGE_ID=ids["EVENT_ALERT"], AWS_EVENT_ID=eid)
        self.assertEqual(e["PRIORITY"], CRIT)
        self.assertEqual(e["DRIFTWATCH_SEVERITY"], "critical")
        self.assertEqual(e["DRIFTWATCH_KIND"], "event")
        self.assertEqual(e["DRIFTWATCH_CHECK"], "event.root_activity")
        self.assertEqual(e["AWS_ACCOUNT_ID"], ACCOUNT)
        self.assertEqual(e["AWS_ACTOR_TYPE"], "Root")
        self.assertEqual(e["AWS_ACTOR_ARN"], "arn:aws:iam::%s:root" % ACCOUNT)
        self.assertEqual(e["AWS_SOURCE_IP"], "203.0.113.50")
        self.assertEqual(e["AWS_REGION"], "us-east-1")
        self.assertEqual(e["AWS_EVENT_NAME"], "ConsoleLogin")
        self.assertEqual(e["AWS_EVENT_SOURCE"], "signin.amazonaws.com")
        self.assertTrue(e["DRIFTWATCH_ALERT_ID"].startswith("evt-"))
        self.assertIn("Root user", e["MESSAGE"])
        self.assertNotEqual(e["CODE_FILE"], "src/log.c")
        self.assert_caller(e, "src/daemon.c")
        self.assert_one_entry(e["DRIFTWATCH_ALERT_ID"])
        # and where it went, found by the same id
        def sinks_that_took_it():
            return {d.get("DRIFTWATCH_SINK") for d in self.find(
                DRIFTWATCH_ALERT_ID=e["DRIFTWATCH_ALERT_ID"])
                if "delivered to sink" in d["MESSAGE"]}
        self.fake.wait_for(lambda: sinks_that_took_it() == {"hook", "chat"},
                           30)

    def test_3_no_plain_log_while_journald_listens(self):
        self.assertNotIn("alert [critical]", self.d.logs())

    def test_4_drift_high_is_err(self):
        """MFA taken from alice: the event and the drift it causes, both
        high, both at err, one entry each."""
        ids = msgids()
        eid = self.fake.action("deactivate_mfa", user="alice")
        ev = self.wait_entry(MESSAGE_ID=ids["EVENT_ALERT"], AWS_EVENT_ID=eid)
        self.assertEqual(ev["DRIFTWATCH_CHECK"], "event.mfa_removed")
        self.assertEqual(ev["DRIFTWATCH_SEVERITY"], "high")
        self.assertEqual(ev["PRIORITY"], ERR)
        self.assertEqual(ev["AWS_EVENT_NAME"], "DeactivateMFADevice")
        e = self.wait_entry(MESSAGE_ID=ids["FINDING_OPEN"],
                            DRIFTWATCH_CHECK="iam.user_mfa")
        self.assertEqual(e["DRIFTWATCH_SEVERITY"], "high")
        self.assertEqual(e["PRIORITY"], ERR)
        self.assertEqual(e["DRIFTWATCH_KIND"], "open")
        self.assertIn("alice", e["DRIFTWATCH_FINDING"])
        self.assertEqual(e["AWS_ACCOUNT_ID"], ACCOUNT)
        self.assertNotIn("AWS_EVENT_ID", e)
        self.assert_caller(e, "src/daemon.c")
        self.assert_one_entry(e["DRIFTWATCH_ALERT_ID"])
        self.assert_one_entry(ev["DRIFTWATCH_ALERT_ID"])

    def test_5_drift_medium_is_warning_resolve_is_notice(self):
        ids = msgids()
        self.fake.action("create_account_alias", alias="someone-else")
        e = self.wait_entry(MESSAGE_ID=ids["FINDING_OPEN"],
                            DRIFTWATCH_CHECK="iam.alias")
        self.assertEqual(e["DRIFTWATCH_SEVERITY"], "medium")
        self.assertEqual(e["PRIORITY"], WARNING)
        self.assertEqual(e["DRIFTWATCH_EXPECTED"], "example-management")
        self.assertIn("someone-else", e["DRIFTWATCH_ACTUAL"])
        self.assert_one_entry(e["DRIFTWATCH_ALERT_ID"])
        self.fake.action("create_account_alias", alias="example-management")
        r = self.wait_entry(MESSAGE_ID=ids["FINDING_RESOLVED"],
                            DRIFTWATCH_FINDING=e["DRIFTWATCH_FINDING"])
        self.assertEqual(r["PRIORITY"], NOTICE)
        self.assertEqual(r["DRIFTWATCH_KIND"], "resolve")
        self.assertEqual(r["DRIFTWATCH_CHECK"], "iam.alias")
        self.assert_one_entry(r["DRIFTWATCH_ALERT_ID"])

    def test_6_aws_error_carries_request_id(self):
        """AccessDenied is never retried: one call, one answer, whose
        x-amzn-RequestId is the entry's AWS_REQUEST_ID."""
        ids = msgids()
        self.fake.fault(service="iam", action="ListAccountAliases",
                        kind="accessdenied", count=1)
        rec = self.fake.wait_for(lambda: [
            r for r in self.fake.requests()
            if r.get("fault") == "accessdenied"], 30)[0]
        e = self.wait_entry(MESSAGE_ID=ids["AWS_ERROR"],
                            AWS_OPERATION="ListAccountAliases")
        self.assertEqual(e["AWS_REQUEST_ID"], rec["id"])
        self.assertEqual(e["AWS_ERROR_CODE"], "AccessDenied")
        self.assertEqual(e["AWS_HTTP_STATUS"], "403")
        self.assertEqual(e["AWS_SERVICE"], "iam")
        self.assertEqual(e["AWS_ATTEMPTS"], "1")
        self.assertEqual(e["PRIORITY"], WARNING)
        self.assertIn(rec["id"], e["MESSAGE"])
        self.assert_caller(e, "src/aws.c")
        self.wait_answered("ListAccountAliases")

    def test_6b_retried_error_is_one_entry(self):
        """Throttled on every attempt: one entry for the call, not one
        per attempt, naming the last answer's request id."""
        ids = msgids()
        self.fake.fault(service="iam", action="ListAccountAliases",
                        kind="throttle", count=3)
        e = self.wait_entry(MESSAGE_ID=ids["AWS_ERROR"],
                            AWS_OPERATION="ListAccountAliases",
                            AWS_ERROR_CODE="Throttling")
        hit = [r for r in self.fake.requests()
               if r.get("fault") == "throttle" and
               r["action"] == "ListAccountAliases"]
        self.assertEqual(len(hit), 3)
        self.assertEqual(e["AWS_ATTEMPTS"], "3")
        self.assertEqual(e["AWS_REQUEST_ID"], hit[-1]["id"])
        self.wait_answered("ListAccountAliases")
        self.assertEqual(len(self.find(MESSAGE_ID=ids["AWS_ERROR"],
                                       AWS_ERROR_CODE="Throttling")), 1)

    def test_6c_blind_is_err_sighted_is_notice(self):
        ids = msgids()
        self.fake.fault(service="iam", action="ListAccountAliases",
                        kind="accessdenied", count=-1)
        try:
            b = self.wait_entry(MESSAGE_ID=ids["CHECK_BLIND"])
        finally:
            self.fake.clear_faults()
        # the blind alert's wording and grouping are the findings
        # store's; its entry's priority and fields are checked here
        self.assertEqual(b["PRIORITY"], ERR)
        self.assertEqual(b["DRIFTWATCH_KIND"], "blind")
        self.assertEqual(b["DRIFTWATCH_SEVERITY"], "high")
        self.assertEqual(b["AWS_ACCOUNT_ID"], ACCOUNT)
        self.assert_caller(b, "src/daemon.c")
        g = self.wait_entry(MESSAGE_ID=ids["CHECK_SIGHTED"])
        self.assertEqual(g["PRIORITY"], NOTICE)
        self.assertEqual(g["DRIFTWATCH_KIND"], "sighted")
        self.assert_one_entry(b["DRIFTWATCH_ALERT_ID"])
        self.assert_one_entry(g["DRIFTWATCH_ALERT_ID"])

    def test_7_stderr_in_a_terminal(self):
        """A terminal gets plain lines even when journald listens and
        JOURNAL_STREAM is set: severity words, fields appended, no
        CODE_FILE, and nothing sent to the journal."""
        other = Daemon(self.fake, os.path.join(self.work, "tty"),
                       baseline=BASELINE)
        env = other.env()
        env["JOURNAL_STREAM"] = "8:12345"
        started = len(self.find(MESSAGE_ID=msgids()["STARTED"]))
        master, slave = pty.openpty()
        p = subprocess.Popen(dwdaemon.command() + ["-c", other.conf, "run"],
                             env=env, stdin=subprocess.DEVNULL,
                             stdout=slave, stderr=slave)
        os.close(slave)
        out = b""
        try:
            deadline = time.monotonic() + 30
            # the root sign-in of test 2 is in this daemon's lookback
            while not re.search(rb"alert \[critical\][^\n]*\n", out) and \
                    time.monotonic() < deadline:
                r, _, _ = select.select([master], [], [], 0.5)
                if r:
                    try:
                        out += os.read(master, 65536)
                    except OSError:
                        break
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=20)
            os.close(master)
        text = out.decode("utf-8", "replace")
        self.assertIn("watching account", text)
        line = [ln for ln in text.splitlines() if "alert [critical]" in ln][0]
        self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
                         r"driftwatchd: critical: event alert \[critical\] ")
        self.assertIn(" DRIFTWATCH_SEVERITY=critical", line)
        self.assertIn(" AWS_SOURCE_IP=203.0.113.50", line)
        self.assertNotIn("CODE_FILE", text)
        self.assertNotIn("MESSAGE_ID", text)
        self.assertEqual(len(self.find(MESSAGE_ID=msgids()["STARTED"])),
                         started, "a daemon on a terminal wrote to journald")

    def test_8_stderr_when_journald_is_absent(self):
        """sd_journal_sendv() drops entries silently when journald's
        socket is missing, so the daemon checks for it and uses stderr."""
        os.rename(SOCK, SOCK + ".away")
        other = Daemon(self.fake, os.path.join(self.work, "other"))
        try:
            env = other.env()
            env["JOURNAL_STREAM"] = "8:12345"
            other.start(env=env)
            other.wait_log("watching account", timeout=20)
        finally:
            os.rename(SOCK + ".away", SOCK)
            self.assertEqual(other.stop(), 0)


class OneShot(unittest.TestCase):
    """check names each failed AWS call in its report, with the request
    id, so its log keeps the AWS error entries for debug; the daemon
    logs them at warning (Journal.test_6_*)."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("journal-oneshot")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def run_denied(self, level):
        self.fake.reset()
        self.fake.fault(service="iam", action="GetAccountSummary",
                        kind="accessdenied", count=-1)
        d = Daemon(self.fake, os.path.join(self.work, level),
                   daemon={"log_level": level})
        r = d.run("check")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        rid = [q["id"] for q in self.fake.requests()
               if q["action"] == "GetAccountSummary"][0]
        return r, rid

    def test_check_report_names_the_request(self):
        r, rid = self.run_denied("info")
        self.assertIn(rid, r.stdout + r.stderr)
        self.assertNotIn("failed after", r.stderr)
        self.assertNotIn("AWS_REQUEST_ID=", r.stderr)

    def test_check_debug_shows_the_entry(self):
        r, rid = self.run_denied("debug")
        self.assertIn("AWS_REQUEST_ID=" + rid, r.stderr)


if __name__ == "__main__":
    dwtest.tap_main()
