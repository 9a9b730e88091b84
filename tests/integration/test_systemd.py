#!/usr/bin/python3
"""The systemd side: the unit verifies and is hardened, every MESSAGE_ID has
a catalog entry, and the real daemon speaks sd_notify (READY=1, STATUS=,
WATCHDOG=1, RELOADING=1, STOPPING=1) on a NOTIFY_SOCKET the test holds."""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, binary  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ANALYZE = shutil.which("systemd-analyze")
# Linux's SO_TIMESTAMP (asm-generic), which Python's socket module lacks;
# SCM_TIMESTAMP is the same number
SO_TIMESTAMP = getattr(socket, "SO_TIMESTAMP", 29)
JOURNALCTL = shutil.which("journalctl")


def unit_file(work):
    """The unit with its placeholders filled: ExecStart is the built
    binary, so `verify` checks a path that exists."""
    with open(os.path.join(TOP, "systemd", "driftwatchd.service.in")) as f:
        text = f.read()
    text = text.replace("@sbindir@", os.path.dirname(binary()))
    text = text.replace("@sysconfdir@", "/etc")
    path = os.path.join(work, "driftwatchd.service")
    with open(path, "w") as f:
        f.write(text)
    return path


def manpath(work):
    """The man pages laid out so verify's Documentation= check finds them."""
    root = os.path.join(work, "man")
    for page in ("driftwatchd.8", "driftwatchd.conf.5",
                 "driftwatch-baseline.5"):
        sec = os.path.join(root, "man" + page.rsplit(".", 1)[1])
        os.makedirs(sec, exist_ok=True)
        shutil.copy(os.path.join(TOP, "man", page), sec)
    return root


@unittest.skipIf(ANALYZE is None, "systemd-analyze is not installed")
class Unit(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("unit")
        cls.unit = unit_file(cls.work)

    def test_verify_is_clean(self):
        env = dict(os.environ, MANPATH=manpath(self.work))
        r = subprocess.run([ANALYZE, "verify", self.unit], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual((r.stdout + r.stderr).strip(), "")

    def test_security_exposure(self):
        r = subprocess.run([ANALYZE, "security", "--offline=yes",
                            "--no-pager", self.unit],
                           capture_output=True, text=True, timeout=60)
        m = re.search(r"Overall exposure level for driftwatchd\.service: "
                      r"([0-9.]+)", r.stdout)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        print("# systemd-analyze security --offline=yes: exposure %s" %
              m.group(1))
        self.assertLessEqual(float(m.group(1)), 2.0)

    def test_unit_essentials(self):
        with open(self.unit) as f:
            text = f.read()
        for line in ("Type=notify", "WatchdogSec=", "StateDirectory=",
                     "ExecReload=", "DynamicUser=yes",
                     "ProtectSystem=strict", "NoNewPrivileges=yes"):
            self.assertIn(line, text)


@unittest.skipIf(JOURNALCTL is None, "journalctl is not installed")
class Catalog(unittest.TestCase):
    def test_every_message_id_has_an_entry(self):
        with open(os.path.join(TOP, "include", "driftwatch",
                               "msgid.h")) as f:
            ids = set(re.findall(r'"([0-9a-f]{32})"', f.read()))
        root = dwtest.workdir("catalog")
        cat = os.path.join(root, "usr", "lib", "systemd", "catalog")
        os.makedirs(cat)
        shutil.copy(os.path.join(TOP, "systemd", "driftwatch.catalog"), cat)
        r = subprocess.run([JOURNALCTL, "--root=" + root, "--update-catalog"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([JOURNALCTL, "--root=" + root, "--list-catalog",
                            "--no-pager"], capture_output=True, text=True,
                           timeout=60)
        listed = set(re.findall(r"^([0-9a-f]{32}) ", r.stdout, re.M))
        self.assertEqual(len(ids), 14)  # a regex that matched nothing would pass
        self.assertEqual(ids - listed, set(), "ids without a catalog entry")


class Notify(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("notify")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        cls.sock_path = os.path.join(cls.work, "notify.sock")
        cls.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # the kernel's arrival time, not when this thread got to it
        try:
            cls.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
        except OSError:
            pass    # then the time it was read, a little later
        cls.sock.bind(cls.sock_path)
        cls.sock.settimeout(0.2)
        cls.msgs = []
        cls.stop = threading.Event()
        cls.reader = threading.Thread(target=cls.read, daemon=True)
        cls.reader.start()
        env = cls.d.env()
        env["NOTIFY_SOCKET"] = cls.sock_path
        env["WATCHDOG_USEC"] = "1000000"
        cls.d.start(env=env)

    @classmethod
    def read(cls):
        while not cls.stop.is_set():
            try:
                data, anc, _, _ = cls.sock.recvmsg(
                    4096, socket.CMSG_SPACE(struct.calcsize("qq")))
            except socket.timeout:
                continue
            t = time.time()
            for level, kind, v in anc:
                if (level, kind) == (socket.SOL_SOCKET, SO_TIMESTAMP) and \
                        len(v) >= 16:
                    sec, usec = struct.unpack("qq", v[:16])
                    t = sec + usec / 1e6
            cls.msgs.append((t, data.decode()))

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.stop.set()
        cls.reader.join()
        cls.sock.close()
        cls.fake.stop()

    def has(self, text, after=0.0):
        return [m for t, m in list(self.msgs) if t >= after and text in m]

    def times(self, text, after=0.0):
        return [t for t, m in list(self.msgs) if t >= after and text in m]

    def wait_msg(self, text, after=0.0, n=1, timeout=20):
        """Waits (with a deadline) until the reader thread has taken n
        datagrams holding text: a datagram sent is not yet one read."""
        return self.fake.wait_for(
            lambda: len(self.has(text, after)) >= n and
            self.has(text, after), timeout)

    def test_1_ready_and_status(self):
        self.wait_msg("READY=1")
        st = self.wait_msg("STATUS=")
        self.assertIn("open finding", st[-1])

    def test_2_watchdog_pings_from_the_loop(self):
        """systemd kills a service whose pings are further apart than
        WatchdogSec=: wait for several pings, then hold every gap to it
        (the loop pings at half of it)."""
        t0 = time.time()
        self.wait_msg("WATCHDOG=1", after=t0, n=5)
        t = self.times("WATCHDOG=1", after=t0)
        gaps = [b - a for a, b in zip(t, t[1:])]
        print("# watchdog gaps: %s s" % " ".join("%.2f" % g for g in gaps))
        self.assertLess(max(gaps), 1.0, "a ping within WatchdogSec=1s")
        self.assertLess(t[0] - t0, 1.0, "the first ping within 1 s")

    def test_3_reload(self):
        t0 = time.time()
        self.d.signal(signal.SIGHUP)
        self.wait_msg("RELOADING=1", after=t0, timeout=10)
        self.wait_msg("READY=1", after=t0, timeout=10)

    def test_4_stop(self):
        t0 = time.time()
        self.assertEqual(self.d.stop(), 0)
        # the daemon sent it before exiting; the reader may not have it yet
        self.wait_msg("STOPPING=1", after=t0, timeout=10)


if __name__ == "__main__":
    dwtest.tap_main()
