"""Runs the real driftwatchd against the fake AWS for integration tests.

The binary comes from $DRIFTWATCHD (set by `make check`), else ./driftwatchd.
Each Daemon has its own config, baseline and state directory under a work
directory; the fake supplies endpoint, CA and credentials.
"""
import hashlib
import hmac
import json
import os
import signal
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

HMAC_SECRET = "test-hmac-secret-do-not-log"

BASELINE = {
    "version": 1,
    "account": {"id": "111122223333"},
    "root": {"mfa": True, "access_keys": False},
    "iam": {"user_mfa": True, "mfa_exempt_users": []},
    "cloudtrail": {"trails": [{
        "name": "org-trail", "home_region": "eu-west-1",
        "multi_region": True, "include_global_service_events": True,
        "log_file_validation": True,
        "s3_bucket": "org-trail-logs-111122223333", "logging": True}]},
}


def binary():
    b = os.environ.get("DRIFTWATCHD")
    if b:
        return b
    for c in ("./driftwatchd", os.path.join(TOP, "driftwatchd")):
        if os.path.exists(c):
            return os.path.abspath(c)
    raise RuntimeError("driftwatchd not built (set DRIFTWATCHD)")


def command():
    """The daemon's argv prefix: under valgrind when DW_VALGRIND=1 (set by
    `make check-valgrind`), so its errors and leaks fail the test."""
    if os.environ.get("DW_VALGRIND") == "1":
        return [os.path.join(TOP, "tools", "valgrind-wrap"), binary()]
    return [binary()]


def verify_signature(post, secret=HMAC_SECRET):
    """True when X-Driftwatch-Signature is HMAC-SHA256(secret, body)."""
    h = {k.lower(): v for k, v in post["headers"].items()}
    want = "sha256=" + hmac.new(secret.encode(), post["body"].encode(),
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(h.get("x-driftwatch-signature", ""), want)


class Daemon:
    def __init__(self, fake, workdir, baseline=None, daemon=None, aws=None,
                 sinks=None):
        self.fake = fake
        self.dir = os.path.abspath(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.state_dir = os.path.join(self.dir, "state")
        self.conf = os.path.join(self.dir, "driftwatchd.conf")
        self.baseline_path = os.path.join(self.dir, "baseline.json")
        self.log_path = os.path.join(self.dir, "driftwatchd.log")
        self.proc = None
        self.daemon = {"poll_interval": "2s", "event_poll_interval": "1s",
                       "event_overlap": "10m", "event_lookback": "10m",
                       "blind_after": "2", "log_level": "debug"}
        self.daemon.update(daemon or {})
        self.aws = {"region": "us-east-1", "endpoint_url": fake.aws_url,
                    "ca_bundle": fake.ca_file}
        self.aws.update(aws or {})
        if sinks is None:
            sinks = {
                "hook": {"type": "webhook", "url": fake.webhook_url("hook"),
                         "secret": HMAC_SECRET, "min_severity": "info"},
                "chat": {"type": "slack", "url": fake.webhook_url("slack"),
                         "min_severity": "medium"},
            }
        self.sinks = sinks
        self.write_baseline(baseline or BASELINE)
        self.write_config()

    def write_baseline(self, obj):
        with open(self.baseline_path, "w") as f:
            json.dump(obj, f, indent=2)

    def config_text(self):
        lines = ["[daemon]", "state_directory = " + self.state_dir,
                 "baseline = " + self.baseline_path]
        lines += ["%s = %s" % kv for kv in self.daemon.items()]
        lines += ["", "[aws]"] + ["%s = %s" % kv for kv in self.aws.items()]
        for name, s in self.sinks.items():
            lines += ["", "[sink %s]" % name]
            lines += ["%s = %s" % kv for kv in s.items()]
        return "\n".join(lines) + "\n"

    def write_config(self, text=None):
        with open(self.conf, "w") as f:
            f.write(text if text is not None else self.config_text())

    def env(self):
        e = self.fake.env()
        # the config file names the endpoint; the env must not override it
        e.pop("AWS_ENDPOINT_URL", None)
        e.pop("AWS_CA_BUNDLE", None)
        return e

    def run(self, *args, timeout=120, env=None):
        """Runs driftwatchd once (check, validate, ...) and returns the
        CompletedProcess."""
        return subprocess.run(command() + ["-c", self.conf] + list(args),
                              env=env or self.env(), capture_output=True,
                              text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def start(self, env=None):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            command() + ["-c", self.conf, "run"], env=env or self.env(),
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        return self.proc

    def logs(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=20):
        """SIGTERM and wait; returns the exit code (None if never started)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        code = self.proc.returncode
        self.proc = None
        return code

    def wait_log(self, text, timeout=15, start=0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.logs()[start:]:
                return True
            if not self.alive():
                break
            time.sleep(0.1)
        raise AssertionError("%r not in the daemon log:\n%s" %
                             (text, self.logs()[-4000:]))


def alerts(fake, path="/hook"):
    """The generic webhook's alerts, parsed, in arrival order (2xx only)."""
    out = []
    for p in fake.webhook_posts():
        if p["path"] != path or p.get("status", 200) >= 300:
            continue
        a = json.loads(p["body"])
        a["_post"] = p
        out.append(a)
    return out
