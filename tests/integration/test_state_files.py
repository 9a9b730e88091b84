#!/usr/bin/python3
"""The state directory after a crash: atomicfile writes <file>.tmp.<pid>
beside each file it replaces, and a process killed mid-write leaves it
behind.  The real daemon removes such files of other pids from the state
directory and the outbox when it starts, says how many, and leaves every
other file alone."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon  # noqa: E402

STALE = ["events.json.tmp.4194301", "findings.json.tmp.77",
         "outbox/dw-0123.hook.json.tmp.1234",
         "outbox/dead/dw-4567.hook.json.tmp.99"]
KEPT = ["notes.tmp", "events.json.tmp.12ab", "events.json.tmp.",
        "outbox/README.tmp.txt", "outbox/dead/a/deeper.json.tmp.5"]


class StaleTemporaryFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("state-files")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))
        for name in STALE + KEPT:
            p = os.path.join(cls.d.state_dir, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write('{"half written')
        # a directory named like a temporary file is not one
        os.makedirs(os.path.join(cls.d.state_dir, "dir.tmp.55"))
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code != 0:
            raise AssertionError("driftwatchd exited %s" % code)

    def exists(self, name):
        return os.path.lexists(os.path.join(self.d.state_dir, name))

    def test_stale_ones_removed_and_counted(self):
        for name in STALE:
            self.assertFalse(self.exists(name), name)
        self.assertIn("removed 4 temporary file(s) left by an interrupted "
                      "write", self.d.logs())

    def test_others_kept(self):
        for name in KEPT + ["dir.tmp.55"]:
            self.assertTrue(self.exists(name), name)

    def test_state_still_written(self):
        # the first event poll runs a second after start: wait for it
        self.fake.wait_for(lambda: self.exists("events.json"), 20)
        self.assertFalse(self.exists("events.json.tmp.%d" % self.d.proc.pid),
                         "its own temporary file was renamed into place")


if __name__ == "__main__":
    dwtest.tap_main()
