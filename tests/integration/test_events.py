#!/usr/bin/python3
"""The event poller's window, with the real daemon against the fake:

* the cursor is the newest EventTime read, on AWS's clock: a host clock
  ahead of AWS's neither shrinks the overlap nor opens a gap in which
  events are never alerted, whether or not the daemon knows AWS's time;
* the window ends at AWS's now (from the Date header), so a host clock
  behind AWS's does not hold events back;
* a window holding more events than a lookup reads (event_max_pages) is
  split and walked in pieces: a burst is read in full, each event alerted
  once, and the poller never stays blind.
"""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

ACCOUNT = dwtest.DEFAULT_ACCOUNT


def root_login(fake, ip, when, visible_delay=0):
    """A root ConsoleLogin at EventTime `when` (None: the fake's now),
    shown after visible_delay seconds; the source address tells the
    alerts apart."""
    fields = {}
    if when is not None:
        fields["EventTime"] = when
    return fake.add_event(
        "us-east-1", EventName="ConsoleLogin",
        EventSource="signin.amazonaws.com",
        visible_delay=visible_delay, sourceIPAddress=ip,
        userIdentity={"type": "Root", "accountId": ACCOUNT,
                      "arn": "arn:aws:iam::%s:root" % ACCOUNT},
        responseElements={"ConsoleLogin": "Success"}, **fields)


def event_alerts(fake, event_id=None):
    return [a for a in alerts(fake) if a.get("kind") == "event" and
            (event_id is None or a["event"].get("event_id") == event_id)]


def daemon(fake, work, **settings):
    d = Daemon(fake, work, sinks={"hook": {
        "type": "webhook", "min_severity": "info",
        "url": fake.webhook_url("hook")}},
        aws={"event_regions": "us-east-1"}, daemon=settings)
    return d


def lookups(fake):
    return len([q for q in fake.requests()
                if q["action"] == "LookupEvents" and q["status"] == 200])


LOOKUPS = 3     # ReadOnly=false, Username=root, EventName=AssumeRoot


def wait_polls(fake, n, timeout=20):
    """Waits until n more polls (LOOKUPS lookups each) were answered."""
    want = lookups(fake) + LOOKUPS * n
    fake.wait_for(lambda: lookups(fake) >= want, timeout)


def cursor(d, region="us-east-1"):
    try:
        with open(os.path.join(d.state_dir, "events.json")) as f:
            return json.load(f)["cursors"].get(region)
    except (FileNotFoundError, ValueError):
        return None


class HostClockAhead(unittest.TestCase):
    """AWS's clock SKEW seconds behind the host's, as a host clock that
    runs ahead sees it: every EventTime is SKEW seconds before what the
    host calls now.  The daemon's idea of AWS's time is the host's (no
    Date header says otherwise here), the worst case for the cursor."""
    SKEW = 1200         # more than event_overlap (10 min)

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("events-clock")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = daemon(cls.fake, os.path.join(cls.work, "d"),
                       event_lookback="40m")

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code not in (0, None):
            raise AssertionError("driftwatchd exited %s" % code)

    def aws_now(self):
        return time.time() - self.SKEW

    def test_late_event_in_the_overlap_is_alerted(self):
        first = root_login(self.fake, "192.0.2.1", self.aws_now())
        self.d.start()
        self.fake.wait_for(lambda: event_alerts(self.fake, first), 20)
        # a poll later, by the host's clock the cursor would be now
        wait_polls(self.fake, 2)
        when = self.aws_now()
        late = root_login(self.fake, "192.0.2.2", when, visible_delay=3)
        got = self.fake.wait_for(lambda: event_alerts(self.fake, late), 20)
        self.assertEqual(got[0]["event"]["source_ip"], "192.0.2.2")
        # more polls: neither is alerted again
        wait_polls(self.fake, 3)
        self.assertEqual(len(event_alerts(self.fake, first)), 1)
        self.assertEqual(len(event_alerts(self.fake, late)), 1)
        self.assertEqual(cursor(self.d), int(when),
                         "the cursor is the newest EventTime read")



class FakeClockOffset(unittest.TestCase):
    """The fake's own clock offset: AWS's time differs from the host's, and
    the daemon learns it from the Date header of AWS's answers."""

    def setUp(self):
        self.work = dwtest.workdir("events-offset")
        self.fake = dwtest.FakeAWS(os.path.join(self.work, "fake"))
        self.d = daemon(self.fake, os.path.join(self.work, "d"))

    def tearDown(self):
        code = self.d.stop()
        self.fake.stop()
        self.assertIn(code, (0, None))

    def event_time(self, eid):
        return [e["EventTime"] for e in self.fake.control("GET", "/_events")
                if e["EventId"] == eid][0]

    def test_host_ahead_late_event_alerted(self):
        self.fake.set_clock_offset(-1200)     # AWS 20 min behind
        first = root_login(self.fake, "192.0.2.11", None)
        self.d.start()
        self.fake.wait_for(lambda: event_alerts(self.fake, first), 30)
        wait_polls(self.fake, 2)
        late = root_login(self.fake, "192.0.2.12", None, visible_delay=3)
        self.fake.wait_for(lambda: event_alerts(self.fake, late), 20)
        wait_polls(self.fake, 2)
        self.assertEqual(len(event_alerts(self.fake, first)), 1)
        self.assertEqual(len(event_alerts(self.fake, late)), 1)
        self.assertEqual(cursor(self.d), int(self.event_time(late)))

    def test_host_behind_event_not_held_back(self):
        """AWS 20 min ahead: a window ending at the host's now would leave
        a new event out for 20 minutes."""
        self.fake.set_clock_offset(1200)
        self.d.start()
        wait_polls(self.fake, 2, timeout=30)
        t0 = time.monotonic()
        eid = root_login(self.fake, "192.0.2.13", None)
        self.fake.wait_for(lambda: event_alerts(self.fake, eid), 20)
        print("# alerted %.1f s after it happened (AWS 20 min ahead)" %
              (time.monotonic() - t0))



def mfa_removal(fake, user, when):
    """An IAM user's DeactivateMFADevice (an alert-worthy write event that
    only the ReadOnly=false lookup returns)."""
    return fake.add_event(
        "us-east-1", EventName="DeactivateMFADevice",
        EventSource="iam.amazonaws.com", EventTime=when,
        requestParameters={"userName": user,
                           "serialNumber": "arn:aws:iam::%s:mfa/%s" %
                           (ACCOUNT, user)})


def alerted_ids(fake):
    ids = [a["event"]["event_id"] for a in event_alerts(fake)]
    return ids, set(ids)


class Burst(unittest.TestCase):
    """A lookup reads one page (50 events) here: a window with more is
    the page limit reached.  It used to fail the poll and be read again,
    for ever (blind); now it is split until each piece fits."""
    N = 400

    def setUp(self):
        self.work = dwtest.workdir("events-burst")
        self.fake = dwtest.FakeAWS(os.path.join(self.work, "fake"))
        self.d = daemon(self.fake, os.path.join(self.work, "d"),
                        event_lookback="30m", event_max_pages="1")

    def tearDown(self):
        code = self.d.stop()
        self.fake.stop()
        self.assertIn(code, (0, None))

    def blind(self):
        return [a for a in alerts(self.fake) if a.get("kind") == "blind" and
                a.get("check", "").startswith("events.")]

    def test_burst_read_in_full_each_alerted_once(self):
        now = time.time()
        want = {mfa_removal(self.fake, "u%03d" % i,
                            now - 1200 + i * 1200.0 / self.N)
                for i in range(self.N)}
        t0 = time.monotonic()
        self.d.start()
        self.fake.wait_for(lambda: alerted_ids(self.fake)[1] >= want, 180,
                           interval=0.5)
        took = time.monotonic() - t0
        calls = lookups(self.fake)
        print("# %d events, 50 a piece: all alerted %.1f s after start, "
              "%d LookupEvents calls" % (self.N, took, calls))
        # the burst is re-read while it is in the overlap: never re-alerted
        wait_polls(self.fake, 3, timeout=60)
        ids, unique = alerted_ids(self.fake)
        self.assertEqual(len(ids), len(unique), "each event alerted once")
        self.assertEqual(unique, want)
        self.assertEqual(self.blind(), [], "the poller never went blind")
        # and it still sees what happens next
        late = mfa_removal(self.fake, "after", time.time())
        self.fake.wait_for(lambda: event_alerts(self.fake, late), 30)
        self.assertEqual(self.fake.stats().get("lookup_events_throttled", 0),
                         0)

    def test_one_second_too_full_is_said_and_passed(self):
        """More events in one second than a lookup reads cannot be split
        further: that is an alert of its own, and the poller goes on."""
        second = int(time.time()) - 300
        for i in range(60):
            mfa_removal(self.fake, "s%02d" % i, second)
        self.d.start()
        got = self.fake.wait_for(lambda: [
            a for a in alerts(self.fake)
            if a.get("check") == "event.unreadable"], 60)
        self.assertEqual(got[0]["severity"], "high")
        self.assertIn("us-east-1", got[0]["title"])
        later = mfa_removal(self.fake, "later", time.time())
        # the poller walks on past the full second, a piece (three
        # lookups, one at a time) every two seconds or so
        self.fake.wait_for(lambda: event_alerts(self.fake, later), 90)
        wait_polls(self.fake, 3, timeout=60)
        self.assertEqual(len([a for a in alerts(self.fake)
                              if a.get("check") == "event.unreadable"]), 1,
                         "said once, not at every poll that re-reads it")
        self.assertEqual(self.blind(), [])



class MaxPagesKey(unittest.TestCase):
    def test_range_checked(self):
        work = dwtest.workdir("events-key")
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        try:
            for bad in ("0", "401", "many"):
                d = daemon(fake, os.path.join(work, "d" + bad),
                           event_max_pages=bad)
                r = d.run("validate")
                self.assertEqual(r.returncode, 78, r.stderr)
                self.assertIn("event_max_pages", r.stderr)
            d = daemon(fake, os.path.join(work, "dok"), event_max_pages="400")
            self.assertEqual(d.run("validate").returncode, 0)
        finally:
            fake.stop()


if __name__ == "__main__":
    dwtest.tap_main()
