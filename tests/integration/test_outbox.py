#!/usr/bin/python3
"""The outbox's promises, shown by the real daemon against the fake AWS:
a full disk never lets an event be recorded as seen before its alert is
on disk, and after a sink outage the sink gets every alert promptly and
in the order they were made."""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402


def hook_only(fake):
    return {"hook": {"type": "webhook", "min_severity": "info",
                     "url": fake.webhook_url("hook")}}


def delivered(fake):
    """Bodies of the posts the receiver accepted, in arrival order."""
    return [(p, json.loads(p["body"])) for p in fake.webhook_posts()
            if p["path"] == "/hook" and p.get("status", 200) == 200]


class FullDiskBase(unittest.TestCase):
    """The state directory on a small tmpfs that the test fills: a real
    ENOSPC from write(2), not a simulated one."""

    def setUp(self):
        self.work = dwtest.workdir("outbox_full_disk")
        self.fake = dwtest.FakeAWS(os.path.join(self.work, "fake"))
        self.d = Daemon(self.fake, os.path.join(self.work, "d"),
                        sinks=hook_only(self.fake))
        os.makedirs(self.d.state_dir, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700",
                            "tmpfs", self.d.state_dir], capture_output=True)
        if r.returncode != 0:
            self.fake.stop()
            self.skipTest("cannot mount a tmpfs here: %s" %
                          r.stderr.decode(errors="replace").strip())

    def tearDown(self):
        if self.d.alive():
            self.d.proc.kill()
            self.d.proc.wait()
        subprocess.run(["umount", self.d.state_dir], capture_output=True)
        self.fake.stop()

    def fill(self):
        path = os.path.join(self.d.state_dir, "filler")
        with open(path, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        return path


class FullDisk(FullDiskBase):
    def test_alert_survives_full_disk_and_sigkill(self):
        self.d.sinks["hook"]["timeout"] = "2m"
        self.d.write_config()
        self.d.start()
        self.d.wait_log("check pass done", timeout=30)
        # the receiver hangs, so the alert cannot leave from memory
        self.fake.webhook_fault(status=503, count=-1, delay=60)
        filler = self.fill()
        mark = len(self.d.logs())
        self.fake.action("root_login", source_ip="192.0.2.77")
        self.d.wait_log("Root user signed in", timeout=20, start=mark)
        self.d.wait_log("cannot write", timeout=20, start=mark)
        # room again: the event state is saved by the next polls
        os.unlink(filler)
        time.sleep(3)
        self.d.proc.send_signal(signal.SIGKILL)
        self.d.proc.wait()
        self.fake.clear_webhook()
        self.fake.control("DELETE", "/_webhook/fault")
        self.d.start()
        got = self.fake.wait_for(lambda: [
            b for _, b in delivered(self.fake)
            if b.get("event", {}).get("source_ip") == "192.0.2.77"], 30)
        self.assertEqual(len({b["id"] for b in got}), 1,
                         "one alert id for the event")


class FullDiskCursorHeld(FullDiskBase):
    """An event whose alert could not be written holds the event cursor:
    newer events read meanwhile must not carry the saved cursor so far
    past it that a restart no longer reads it.  Here only the outbox's
    disk is full (its own tmpfs), so the event state is saved all along,
    as it is when the outbox alone fails."""

    def setUp(self):
        super().setUp()
        self.outbox = os.path.join(self.d.state_dir, "outbox")
        os.makedirs(self.outbox, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o",
                            "size=256k,mode=0700", "tmpfs", self.outbox],
                           capture_output=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a second tmpfs")

    def tearDown(self):
        if self.d.alive():
            self.d.proc.kill()
            self.d.proc.wait()
        subprocess.run(["umount", self.outbox], capture_output=True)
        super().tearDown()

    def test_older_event_read_again_after_restart(self):
        self.d.daemon.update({"event_lookback": "1h", "event_overlap": "5m"})
        self.d.sinks["hook"]["timeout"] = "2m"
        self.d.write_config()
        self.d.start()
        self.d.wait_log("check pass done", timeout=30)
        self.fake.webhook_fault(status=503, count=-1, delay=60)
        filler = os.path.join(self.outbox, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        mark = len(self.d.logs())
        now = self.fake.clock()["aws_now"]
        # the old one 30 minutes ago, a newer one a minute ago: both are
        # read in one window and neither alert reaches the disk
        self.fake.action("root_login", source_ip="192.0.2.81",
                         EventTime=now - 1800)
        self.fake.action("root_login", source_ip="192.0.2.82",
                         EventTime=now - 60)
        self.fake.wait_for(lambda: self.d.logs()[mark:].count(
            "Root user signed in") >= 2, 20)
        self.d.wait_log("cannot write", timeout=20, start=mark)
        time.sleep(3)       # polls read on and save the event state
        self.d.proc.send_signal(signal.SIGKILL)
        self.d.proc.wait()
        self.assertEqual(glob.glob(os.path.join(self.outbox, "evt-*")), [],
                         "no alert reached the outbox's disk")
        os.unlink(filler)
        self.fake.clear_webhook()
        self.fake.control("DELETE", "/_webhook/fault")
        self.d.start()
        for ip in ("192.0.2.82", "192.0.2.81"):
            got = self.fake.wait_for(lambda: [
                b for _, b in delivered(self.fake)
                if b.get("event", {}).get("source_ip") == ip], 30)
            self.assertEqual(len({b["id"] for b in got}), 1, ip)


class Outage(unittest.TestCase):
    OUTAGE = 15     # seconds the receiver answers 503

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("outbox_outage")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"),
                       sinks=hook_only(cls.fake))
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code != 0:
            raise AssertionError("driftwatchd exited %s" % code)

    def made(self, start):
        """Alert ids in the order the daemon made them (its log)."""
        text = self.d.logs()[start:]
        return re.findall(r" alert \[[a-z]+\] .*DRIFTWATCH_ALERT_ID=(\S+)",
                          text)

    def test_outage_then_prompt_ordered_delivery(self):
        mark = len(self.d.logs())
        self.fake.clear_webhook()
        self.fake.webhook_fault(status=503, count=-1)
        t0 = time.time()
        for i in range(2):
            self.fake.action("stop_logging", trail="org-trail")
            self.d.wait_log("Drift: ", timeout=20,
                            start=len(self.d.logs()))
            self.fake.action("start_logging", trail="org-trail")
            self.d.wait_log("Resolved: ", timeout=20,
                            start=len(self.d.logs()))
        time.sleep(max(0, self.OUTAGE - (time.time() - t0)))
        made = self.made(mark)
        # a cycle: the StopLogging event, the open, the resolve
        self.assertGreaterEqual(len(made), 6, "three alerts a cycle")
        back = time.time()
        self.fake.control("DELETE", "/_webhook/fault")
        self.fake.wait_for(lambda: {b["id"] for _, b in
                                    delivered(self.fake)} >= set(made), 60)
        got = delivered(self.fake)
        last = max(p["time"] for p, b in got if b["id"] in made)
        self.assertLess(last - back, 8.0,
                        "the last alert arrived %.1f s after the sink came "
                        "back" % (last - back))
        order = [b["id"] for _, b in got if b["id"] in made]
        first = []
        for i in order:
            if i not in first:
                first.append(i)
        self.assertEqual(first, made, "delivered in the order made")


if __name__ == "__main__":
    dwtest.tap_main()
