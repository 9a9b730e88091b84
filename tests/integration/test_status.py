#!/usr/bin/python3
"""`driftwatchd status`, the Prometheus textfile and the heartbeat, shown
by the real daemon against the fake AWS and the fake webhook receiver:
status read from the state directory while the daemon runs matches what
the daemon itself alerted and holds; the textfile parses as the text
exposition format; the heartbeat pings only while the daemon can see."""
import calendar
import json
import os
import pty
import re
import signal
import stat
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts, command  # noqa: E402

PING_TOKEN = "hb-token-7f3a9c-do-not-log"


# --- a strict parser of the Prometheus text format (0.0.4) ---------------

METRIC_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_labels(s, where):
    """{a="x",b="y"} body -> dict; escapes \\\\, \\" and \\n only."""
    out, i = {}, 0
    while i < len(s):
        m = re.match(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", s[i:])
        if not m:
            raise ValueError("%s: bad label at %r" % (where, s[i:]))
        name = m.group(1)
        i += m.end()
        val = []
        while True:
            if i >= len(s):
                raise ValueError("%s: unterminated label value" % where)
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise ValueError("%s: bad escape \\%s" % (where, nxt))
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise ValueError("%s: newline in a label value" % where)
            else:
                val.append(c)
                i += 1
        if name in out:
            raise ValueError("%s: label %s twice" % (where, name))
        out[name] = "".join(val)
        if i < len(s):
            if s[i] != ",":
                raise ValueError("%s: expected ',' at %r" % (where, s[i:]))
            i += 1
    return out


def parse_value(v, where):
    if v in ("+Inf", "-Inf", "NaN"):
        return float(v.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.match(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z", v):
        raise ValueError("%s: bad value %r" % (where, v))
    return float(v)


def parse_prom(text):
    """{(name, frozenset(labels.items())): value} plus {name: (type, help)};
    raises ValueError on anything the format does not allow."""
    if not text.endswith("\n"):
        raise ValueError("the file does not end with a newline")
    samples, meta, seen_sample_of = {}, {}, set()
    helps, types = {}, {}
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d" % n
        if line == "":
            raise ValueError("%s: empty line" % where)
        if line.startswith("#"):
            m = re.match(r"# (HELP|TYPE) (\S+) (.*)\Z", line)
            if not m:
                raise ValueError("%s: a comment that is not HELP/TYPE: %r"
                                 % (where, line))
            kind, name, rest = m.groups()
            if not METRIC_RE.match(name):
                raise ValueError("%s: bad metric name %r" % (where, name))
            if name in seen_sample_of:
                raise ValueError("%s: %s %s after its samples" %
                                 (where, kind, name))
            d = helps if kind == "HELP" else types
            if name in d:
                raise ValueError("%s: second %s of %s" % (where, kind, name))
            if kind == "TYPE" and rest not in TYPES:
                raise ValueError("%s: bad type %r" % (where, rest))
            if kind == "HELP" and not rest.strip():
                raise ValueError("%s: empty HELP" % where)
            d[name] = rest
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)"
                     r"( -?\d+)?\Z", line)
        if not m:
            raise ValueError("%s: bad sample line %r" % (where, line))
        name, _, lbody, value, _ts = m.groups()
        labels = parse_labels(lbody, where) if lbody else {}
        for k in labels:
            if not LABEL_RE.match(k) or k.startswith("__"):
                raise ValueError("%s: bad label name %r" % (where, k))
        key = (name, frozenset(labels.items()))
        if key in samples:
            raise ValueError("%s: duplicate series %s%r" %
                             (where, name, labels))
        if name not in types:
            raise ValueError("%s: %s has no TYPE line before it" %
                             (where, name))
        if name not in helps:
            raise ValueError("%s: %s has no HELP line" % (where, name))
        seen_sample_of.add(name)
        samples[key] = parse_value(value, where)
    for name in set(types) | set(helps):
        meta[name] = (types.get(name), helps.get(name))
    return samples, meta


def sample(samples, name, **labels):
    return samples[(name, frozenset(labels.items()))]


def promtool():
    for d in os.environ.get("PATH", "").split(":"):
        p = os.path.join(d, "promtool")
        if os.access(p, os.X_OK):
            return p
    return None


class PromParser(unittest.TestCase):
    """The test's own parser refuses what the format refuses."""

    def test_refuses(self):
        good = ("# HELP a_total A.\n# TYPE a_total counter\n"
                "a_total{x=\"1\"} 3\n")
        parse_prom(good)
        for bad in (good.replace("counter", "countr"),
                    good + "a_total{x=\"1\"} 4\n",
                    good.replace("a_total{", "a-total{"),
                    good.replace("\"1\"", "\"1\\q\""),
                    good.replace(" 3\n", " three\n"),
                    "a 1\n",
                    good[:-1],
                    good + "# TYPE a_total counter\n"):
            with self.assertRaises(ValueError, msg=bad):
                parse_prom(bad)


# --- the daemon ------------------------------------------------------------

def status(d, *args):
    r = d.run("status", *args, timeout=30)
    return r


def status_json(d):
    r = status(d, "--json")
    doc = json.loads(r.stdout)
    return r.returncode, doc


class NoState(unittest.TestCase):
    """status before the daemon ever ran, and when it cannot read."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("status_nostate")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"))

    @classmethod
    def tearDownClass(cls):
        cls.fake.stop()

    def env_no_aws(self):
        """No credentials and no endpoint at all: status needs neither."""
        e = {k: v for k, v in os.environ.items()
             if not k.startswith("AWS_")}
        e["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"
        e["AWS_CONFIG_FILE"] = "/nonexistent"
        return e

    def test_no_state_yet(self):
        self.assertFalse(os.path.exists(self.d.state_dir))
        before = len(self.fake.requests())
        r = self.d.run("status", "--json", env=self.env_no_aws())
        self.assertEqual(r.returncode, 2, r.stderr)
        doc = json.loads(r.stdout)
        self.assertIs(doc["state"], False)
        self.assertIsNone(doc["last_pass"])
        self.assertIsNone(doc["last_complete_pass"])
        self.assertEqual(doc["findings"], [])
        self.assertEqual(doc["event_cursors"], [])
        self.assertEqual(sorted(s["sink"] for s in doc["pending_alerts"]),
                         ["chat", "hook"])
        self.assertTrue(all(s["pending"] == 0 and s["oldest"] is None
                            for s in doc["pending_alerts"]))
        self.assertEqual(doc["summary"]["exit"], 2)
        self.assertNotIn("\\/", r.stdout, "slashes are not escaped")
        self.assertEqual(len(self.fake.requests()), before,
                         "status asks AWS nothing")
        self.assertFalse(os.path.exists(self.d.state_dir),
                         "status creates nothing")
        t = self.d.run("status", env=self.env_no_aws())
        self.assertEqual(t.returncode, 2)
        self.assertIn("does not exist yet", t.stdout)
        self.assertIn("last complete pass:  none yet", t.stdout)
        self.assertNotIn("\033[", t.stdout, "no colour off a terminal")

    def test_state_dir_unreadable(self):
        path = os.path.join(self.work, "not-a-dir")
        with open(path, "w") as f:
            f.write("x")
        d = Daemon(self.fake, os.path.join(self.work, "d2"))
        d.write_config(d.config_text().replace(d.state_dir, path))
        r = d.run("status")
        self.assertEqual(r.returncode, 66, r.stdout + r.stderr)
        self.assertIn("not-a-dir", r.stderr)

    def test_state_file_corrupt(self):
        d = Daemon(self.fake, os.path.join(self.work, "d3"))
        os.makedirs(d.state_dir)
        with open(os.path.join(d.state_dir, "passes.json"), "w") as f:
            f.write('{"version": 1, "last_pass": {"started": "x"}}')
        r = d.run("status", "--json")
        self.assertEqual(r.returncode, 74, r.stdout + r.stderr)
        self.assertIn("passes.json", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_bad_config(self):
        d = Daemon(self.fake, os.path.join(self.work, "d4"))
        d.write_config(d.config_text() + "\n[daemon]\nno_such_key = 1\n")
        self.assertEqual(d.run("status").returncode, 78)

    def test_heartbeat_settings(self):
        d = Daemon(self.fake, os.path.join(self.work, "d5"))
        url_file = os.path.join(d.dir, "hb.url")
        with open(url_file, "w") as f:
            f.write(self.fake.webhook_url("ping/" + PING_TOKEN) + "\n")
        base = d.config_text()
        d.write_config(base.replace(
            "[aws]", "heartbeat_url_file = hb.url\n"
            "heartbeat_interval = 30s\n\n[aws]"))
        r = d.run("validate")
        self.assertEqual(r.returncode, 0, r.stderr)
        for extra, what in (
                ("heartbeat_url = http://192.0.2.1/" + PING_TOKEN,
                 "plain http off loopback"),
                ("heartbeat_url = https://h/" + PING_TOKEN +
                 "\nheartbeat_url_file = hb.url", "both"),
                ("heartbeat_interval = 0s", "a zero interval")):
            d.write_config(base.replace("[aws]", extra + "\n\n[aws]"))
            r = d.run("validate")
            self.assertEqual(r.returncode, 78, what)
            self.assertIn("heartbeat_", r.stderr, what)
            self.assertNotIn(PING_TOKEN, r.stdout + r.stderr, what)

    def test_json_is_for_check_and_status(self):
        r = self.d.run("validate", "--json")
        self.assertEqual(r.returncode, 64)


class WhileRunning(unittest.TestCase):
    """One daemon: a finding opened through the fake, a sink that cannot
    be reached, the textfile after each pass."""

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("status_running")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.prom = os.path.join(cls.work, "textfile", "driftwatch.prom")
        os.makedirs(os.path.dirname(cls.prom))
        sinks = {
            "hook": {"type": "webhook", "min_severity": "info",
                     "url": cls.fake.webhook_url("hook")},
            # nothing listens on port 9 of loopback: every send fails
            "down": {"type": "webhook", "min_severity": "info",
                     "url": "https://127.0.0.1:9/down", "timeout": "2s"},
        }
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), sinks=sinks,
                       daemon={"metrics_textfile": cls.prom})
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def open_alerts(self):
        return [a for a in alerts(self.fake) if a["kind"] == "open"]

    def test_1_finding_cursor_pending_match_the_daemon(self):
        self.fake.action("deactivate_mfa", user="alice")
        self.fake.wait_for(lambda: any(
            a["finding"] == "iam.user_mfa/alice"
            for a in self.open_alerts()), 20)
        # findings.json is saved once the alerts are durable
        code, doc = self.fake.wait_for(lambda: (lambda c, d: (c, d) if any(
            f["key"] == "iam.user_mfa/alice" for f in d["findings"])
            else None)(*status_json(self.d)), 20)
        self.assertEqual(code, 1, "open findings: exit 1")
        self.assertNotIn("\\/", status(self.d, "--json").stdout,
                         "slashes are not escaped")
        self.assertTrue(self.d.alive(), "status never disturbs the daemon")
        opened = {a["finding"]: a for a in self.open_alerts()}
        resolved = {a["finding"] for a in alerts(self.fake)
                    if a["kind"] == "resolve"}
        want = {k for k in opened if k not in resolved}
        self.assertEqual({f["key"] for f in doc["findings"]}, want,
                         "status shows exactly the findings the daemon "
                         "alerted as open")
        for f in doc["findings"]:
            a = opened[f["key"]]
            self.assertEqual(f["severity"], a["severity"])
            self.assertEqual(f["state"], "drift")
            self.assertEqual(f["check"], a["check"])
            self.assertEqual(f["actual"], a.get("actual"))
            self.assertGreaterEqual(f["age_seconds"], 0)
            self.assertLess(f["age_seconds"], 120)
        # the daemon's own file agrees
        with open(os.path.join(self.d.state_dir, "findings.json")) as fp:
            held = json.load(fp)
        self.assertEqual({f["check"] + ("/" + f["resource"]
                                        if f.get("resource") else "")
                          for f in held["findings"]
                          if f["state"] == "drift"}, want)
        # a cursor for each event region: us-east-1 and the trail's home
        regions = {c["region"] for c in doc["event_cursors"]}
        self.assertEqual(regions, {"us-east-1", "eu-west-1"})
        for c in doc["event_cursors"]:
            self.assertRegex(c["cursor"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        with open(os.path.join(self.d.state_dir, "events.json")) as fp:
            ev = json.load(fp)
        self.assertEqual(set(ev["cursors"]), regions)
        # the last pass
        lp = doc["last_complete_pass"] or doc["last_pass"]
        self.assertIsNotNone(lp)
        self.assertGreaterEqual(lp["duration_seconds"], 0)
        self.assertGreater(lp["ok"] + lp["drift"], 0)

    def test_2_pending_per_sink(self):
        """Every alert the reachable sink got waits for the unreachable
        one; its oldest is the first alert's age."""
        def settled():
            got = alerts(self.fake)
            code, doc = status_json(self.d)
            p = {s["sink"]: s for s in doc["pending_alerts"]}
            if got and p["down"]["pending"] == len(got) and \
                    p["hook"]["pending"] == 0:
                return got, p, doc
            return None
        got, p, doc = self.fake.wait_for(settled, 20)
        self.assertEqual(doc["summary"]["pending"], len(got))
        first = min(a["time"] for a in got)
        t0 = calendar.timegm(time.strptime(first, "%Y-%m-%dT%H:%M:%SZ"))
        age = p["down"]["oldest_age_seconds"]
        self.assertLessEqual(abs((time.time() - t0) - age), 3,
                             "oldest age is the first alert's")
        self.assertIsNone(p["hook"]["oldest"])
        t = status(self.d)
        self.assertRegex(t.stdout, r"\n  down +%d +\d+[smhd]\n" % len(got))
        self.assertRegex(t.stdout, r"\n  hook +0 +-\n")
        self.assertIn("iam.user_mfa/alice", t.stdout)
        self.assertIn("OPEN FINDINGS", t.stdout)

    def on_tty(self, env):
        """status's table as a terminal shows it."""
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen(command() + ["-c", self.d.conf, "status"],
                                 stdin=subprocess.DEVNULL, stdout=slave,
                                 stderr=subprocess.DEVNULL, env=env)
            os.close(slave)
            slave = None
            out = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            p.wait(timeout=30)
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)
        return p.returncode, out.decode(errors="replace")

    def test_2b_colour_on_a_terminal_only(self):
        env = self.d.env()
        env.pop("NO_COLOR", None)
        code, out = self.on_tty(env)
        self.assertEqual(code, 1)
        self.assertIn("\033[31mhigh", out, "a high finding in red")
        env["NO_COLOR"] = "1"
        code, out = self.on_tty(env)
        self.assertIn("iam.user_mfa/alice", out)
        self.assertNotIn("\033[", out, "NO_COLOR: none")

    def test_3_textfile(self):
        self.fake.wait_for(lambda: os.path.exists(self.prom), 15)
        mark = os.stat(self.prom).st_mtime_ns
        # a pass after the finding opened and the alerts are held
        self.fake.wait_for(lambda: os.stat(self.prom).st_mtime_ns > mark,
                           15)
        with open(self.prom) as f:
            text = f.read()
        tool = promtool()
        if tool:
            r = subprocess.run([tool, "check", "metrics"], input=text,
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        samples, meta = parse_prom(text)
        self.assertEqual(stat.S_IMODE(os.stat(self.prom).st_mode), 0o644)
        for name, (typ, _help) in meta.items():
            self.assertTrue(name.startswith("driftwatch_"), name)
            self.assertEqual(typ == "counter", name.endswith("_total"),
                             "counters and only counters end in _total: "
                             + name)
        self.assertGreaterEqual(sample(samples, "driftwatch_findings",
                                       severity="high", state="drift"), 1)
        self.assertGreater(sample(samples, "driftwatch_aws_requests_total",
                                  service="iam"), 0)
        self.assertIn(("driftwatch_aws_request_errors_total",
                       frozenset({"service": "cloudtrail"}.items())),
                      samples)
        code, doc = status_json(self.d)
        pend = {s["sink"]: s["pending"] for s in doc["pending_alerts"]}
        self.assertEqual(sample(samples, "driftwatch_alerts_pending",
                                sink="hook"), 0)
        self.assertGreater(sample(samples, "driftwatch_alerts_pending",
                                  sink="down"), 0)
        self.assertLessEqual(sample(samples, "driftwatch_alerts_pending",
                                    sink="down"), pend["down"])
        last = sample(samples, "driftwatch_last_pass_timestamp_seconds")
        self.assertLess(abs(time.time() - last), 30)
        self.assertGreaterEqual(
            sample(samples, "driftwatch_last_pass_duration_seconds"), 0)
        high = sum(1 for f in doc["findings"] if f["severity"] == "high")
        self.assertEqual(sample(samples, "driftwatch_findings",
                                severity="high", state="drift"), high)
        self.assertFalse([n for n in os.listdir(os.path.dirname(self.prom))
                          if n != "driftwatch.prom" and n.endswith(".prom")])


class Heartbeat(unittest.TestCase):
    """Pings at the interval while healthy; none from one interval after a
    check goes blind (AccessDenied on IAM); pings again once it sees."""

    INTERVAL = 1.0

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("status_heartbeat")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        sinks = {"hook": {"type": "webhook", "min_severity": "info",
                          "url": cls.fake.webhook_url("hook")}}
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), sinks=sinks,
                       daemon={"heartbeat_url":
                               cls.fake.webhook_url("ping/" + PING_TOKEN),
                               "heartbeat_interval": "1s"})
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()
        cls.fake.stop()

    def pings(self):
        return [p for p in self.fake.webhook_posts()
                if p["path"] == "/ping/" + PING_TOKEN]

    def test_1_pings_at_the_interval(self):
        got = self.fake.wait_for(lambda: len(self.pings()) >= 5 and
                                 self.pings(), 20)
        times = [p["time"] for p in got]
        gaps = sorted(b - a for a, b in zip(times, times[1:]))
        median = gaps[len(gaps) // 2]
        self.assertLess(abs(median - self.INTERVAL), 0.3, gaps)
        self.assertGreater(min(gaps), self.INTERVAL * 0.5, gaps)
        self.assertEqual(got[0]["headers"].get("Content-Type"),
                         "text/plain; charset=utf-8")
        self.assertIn("healthy", got[0]["body"])

    def test_2_silent_while_blind_then_again(self):
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        blind = self.fake.wait_for(lambda: [
            a for a in alerts(self.fake) if a["kind"] == "blind"], 30)
        t_blind = blind[0]["_post"]["time"]
        before = [p for p in self.pings() if p["time"] <= t_blind]
        self.assertTrue(before, "it pinged until then")
        time.sleep(4 * self.INTERVAL)
        late = [p["time"] - t_blind for p in self.pings()
                if p["time"] > t_blind + self.INTERVAL]
        self.assertEqual(late, [], "no ping from one interval after a "
                         "check went blind")
        self.assertTrue(self.d.alive())
        code, doc = status_json(self.d)
        self.assertEqual(code, 2, "blind: exit 2")
        nots = {c["check"]: c for c in doc["checks_not_seeing"]}
        self.assertTrue(any(c["blind"] for c in nots.values()), nots)
        self.assertTrue(any("AccessDenied" in (c["reason"] or "")
                            for c in nots.values()), nots)
        self.fake.clear_faults()
        t_clear = time.time()
        self.fake.wait_for(lambda: [
            a for a in alerts(self.fake) if a["kind"] == "sighted"], 30)
        again = self.fake.wait_for(lambda: [p for p in self.pings()
                                            if p["time"] > t_clear], 15)
        print("# last ping %.2fs before the blind alert; first again "
              "%.2fs after the fault cleared" %
              (t_blind - before[-1]["time"], again[0]["time"] - t_clear))
        code, doc = status_json(self.d)
        self.assertEqual(doc["summary"]["blind"], 0)

    def test_3_reload_keeps_pinging(self):
        mark = len(self.d.logs())
        self.d.signal(signal.SIGHUP)
        self.d.wait_log("reloaded", start=mark)
        t = time.time()
        got = self.fake.wait_for(lambda: len([
            p for p in self.pings() if p["time"] > t]) >= 2, 15)
        self.assertTrue(got)

    def test_5_restart_needs_a_pass_of_its_own(self):
        """passes.json says the last pass was complete; after a restart
        whose passes cannot see, that old record pings nothing."""
        self.d.stop()
        # the first pass is held up for 3 intervals, then cannot see
        self.fake.fault(service="iam", kind="slow", delay=3, count=1)
        self.fake.fault(service="iam", kind="accessdenied", count=-1)
        mark = len(self.d.logs())
        t = time.time()
        self.d.start()
        time.sleep(2.5 * self.INTERVAL)
        self.assertEqual([p for p in self.pings() if p["time"] > t], [],
                         "no ping while the first pass runs")
        self.d.wait_log("check pass done", timeout=30, start=mark)
        time.sleep(2 * self.INTERVAL)
        self.assertEqual([p for p in self.pings() if p["time"] > t], [],
                         "no ping before a complete pass of this run")
        self.fake.clear_faults()
        self.fake.wait_for(lambda: [p for p in self.pings()
                                    if p["time"] > t], 20)

    def test_6_url_never_logged(self):
        self.assertNotIn(PING_TOKEN, self.d.logs())
        self.assertIn("heartbeat", self.d.logs())


class HeartbeatTrace(unittest.TestCase):
    """At log_level trace, a heartbeat service that answers with its URL
    echoed in a Location header and in an error body leaves no piece of
    the URL token in any log line."""

    def test_token_in_answer_never_traced(self):
        work = dwtest.workdir("status_heartbeat_trace")
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        try:
            path = "/ping/" + PING_TOKEN
            url = fake.webhook_url(path[1:])
            sinks = {"hook": {"type": "webhook", "min_severity": "info",
                              "url": fake.webhook_url("hook")}}
            d = Daemon(fake, os.path.join(work, "d"), sinks=sinks,
                       daemon={"heartbeat_url": url,
                               "heartbeat_interval": "1s",
                               "log_level": "trace"})
            fake.webhook_fault(status=302, count=1, path=path,
                               headers={"Location": url + "?again=1"},
                               body="moved to " + url)
            fake.webhook_fault(status=500, count=1, path=path,
                               headers={"X-Echo": path},
                               body="no such check: " + PING_TOKEN)
            d.start()
            try:
                fake.wait_for(lambda: len([
                    p for p in fake.webhook_posts()
                    if p["path"] == path]) >= 3, 30)
            finally:
                d.stop()
            logs = d.logs()
            self.assertIn("heartbeat: ping refused: HTTP 302", logs)
            self.assertIn("heartbeat: ping refused: HTTP 500", logs)
            self.assertIn("Location: <redacted>", logs,
                          "the trace shows the header, not its value")
            for piece in (PING_TOKEN, "hb-token", "do-not-log"):
                self.assertNotIn(piece, logs)
        finally:
            fake.stop()


if __name__ == "__main__":
    dwtest.tap_main()
