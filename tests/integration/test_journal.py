#!/usr/bin/python3
"""Structured journald entries from the real daemon.

journald's native protocol is a datagram socket at a fixed path, so when
no journald runs here (CI, containers) the test plays journald on that
path and reads what sd_journal_sendv() sends: MESSAGE_ID, PRIORITY and
the DRIFTWATCH_* and AWS_* fields that make `journalctl -u driftwatchd
DRIFTWATCH_SEVERITY=critical` work.  It also checks the daemon falls
back to stderr, not silence, when journald is gone."""
import os
import re
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon  # noqa: E402

SOCK = "/run/systemd/journal/socket"
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
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
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
        return [e for e in self.entries
                if all(e.get(k) == v for k, v in want.items())]

    def test_1_started_entry(self):
        ids = msgids()
        got = self.fake.wait_for(lambda: self.find(MESSAGE_ID=ids["STARTED"]),
                                 20)
        self.assertEqual(got[0]["SYSLOG_IDENTIFIER"], "driftwatchd")
        self.assertEqual(got[0]["PRIORITY"], "6")

    def test_2_alert_entry_fields(self):
        ids = msgids()
        self.fake.action("root_login", source_ip="203.0.113.50")
        got = self.fake.wait_for(lambda: self.find(
            MESSAGE_ID=ids["EVENT_ALERT"], DRIFTWATCH_SEVERITY="critical"),
            20)
        e = got[0]
        self.assertEqual(e["DRIFTWATCH_CHECK"], "event.root_activity")
        self.assertEqual(e["AWS_ACCOUNT_ID"], "111122223333")
        self.assertEqual(e["PRIORITY"], "4")
        self.assertTrue(e["DRIFTWATCH_ALERT_ID"].startswith("evt-"))
        self.assertIn("Root user", e["MESSAGE"])

    def test_3_no_plain_log_while_journald_listens(self):
        self.assertNotIn("alert [critical]", self.d.logs())

    def test_4_stderr_when_journald_is_absent(self):
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

if __name__ == "__main__":
    dwtest.tap_main()
