"""dwtest - shared helpers for driftwatch's Python tests.

    import dwtest
    py = dwtest.botocore_python()
    fake = dwtest.FakeAWS(dwtest.workdir("mytest"))
    ...
    dwtest.tap_main()

A test file puts this directory on sys.path itself, e.g.

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "lib"))

Files are located relative to this module's __file__ (srcdir), so tests work
when run from a separate build directory.
"""

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

LIB_DIR = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(LIB_DIR)
SRC_DIR = os.path.dirname(TESTS_DIR)
FAKEAWS_DIR = os.path.join(TESTS_DIR, "fakeaws")
FAKEAWS = os.path.join(FAKEAWS_DIR, "fakeaws.py")
MKCA = os.path.join(FAKEAWS_DIR, "mkca.sh")

DEFAULT_ACCESS_KEY = "AKIDFAKEEXAMPLE0001"
DEFAULT_SECRET_KEY = "fakeSecretKey/For+Tests0000000000000001"
DEFAULT_ACCOUNT = "111122223333"

_botocore_python = None


def _imports_botocore(py):
    try:
        r = subprocess.run([py, "-c", "import botocore"],
                           stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
        return r.returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def botocore_python():
    """Path of a python that can import botocore (Debian's python3-botocore).

    Prefers /usr/bin/python3, then sys.executable, then python3/python on
    PATH.  Raises RuntimeError if none does."""
    global _botocore_python
    if _botocore_python:
        return _botocore_python
    cands = ["/usr/bin/python3"]
    if sys.executable:
        cands.append(sys.executable)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        for n in ("python3", "python"):
            cands.append(os.path.join(d or ".", n))
    seen = set()
    for c in cands:
        if c in seen or not os.access(c, os.X_OK) or os.path.isdir(c):
            continue
        seen.add(c)
        if _imports_botocore(c):
            _botocore_python = c
            return c
    raise RuntimeError("no python that imports botocore found "
                       "(install python3-botocore)")


_keep = os.environ.get("DW_KEEP_TMP") == "1"


def workdir(name):
    """A fresh temporary directory under $DW_TEST_TMPDIR (or /tmp), removed
    at exit unless DW_KEEP_TMP=1."""
    base = os.environ.get("DW_TEST_TMPDIR") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    d = tempfile.mkdtemp(prefix="dw-%s-" % name, dir=base)
    if not _keep:
        atexit.register(shutil.rmtree, d, True)
    else:
        sys.stderr.write("# keeping %s\n" % d)
    return d


class ControlHTTPError(Exception):
    def __init__(self, status, body):
        super().__init__("control API answered %s: %s" % (status, body))
        self.status = status
        self.body = body


class FakeAWS:
    """Runs tests/fakeaws/fakeaws.py for one test (file)."""

    def __init__(self, workdir, credentials=None, state=None,
                 python=None, start_timeout=10.0):
        self.workdir = os.path.abspath(workdir)
        self.tls_dir = os.path.join(self.workdir, "tls")
        self.ca_file = os.path.join(self.tls_dir, "ca.pem")
        self.port_file = os.path.join(self.workdir, "fakeaws.ports")
        self.log_file = os.path.join(self.workdir, "fakeaws.log")
        self.proc = None
        self.pid = None
        if credentials:
            self.access_key = credentials[0]["AccessKeyId"]
            self.secret_key = credentials[0]["SecretAccessKey"]
            self.session_token = credentials[0].get("SessionToken")
        else:
            self.access_key = DEFAULT_ACCESS_KEY
            self.secret_key = DEFAULT_SECRET_KEY
            self.session_token = None
        self.account_id = (state or {}).get("account_id", DEFAULT_ACCOUNT)
        os.makedirs(self.workdir, exist_ok=True)
        subprocess.run(["sh", MKCA, self.tls_dir], check=True,
                       stdin=subprocess.DEVNULL)
        args = [python or botocore_python(), FAKEAWS,
                "--tls-dir", self.tls_dir, "--port-file", self.port_file,
                "--log", self.log_file]
        if credentials:
            p = os.path.join(self.workdir, "fakeaws.credentials.json")
            with open(p, "w") as f:
                json.dump(credentials, f)
            args += ["--credentials", p]
        if state:
            p = os.path.join(self.workdir, "fakeaws.state.json")
            with open(p, "w") as f:
                json.dump(state, f)
            args += ["--state", p]
        try:
            os.unlink(self.port_file)
        except FileNotFoundError:
            pass
        self._err = open(os.path.join(self.workdir, "fakeaws.stderr"), "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=self._err, stderr=self._err)
        self.pid = self.proc.pid
        atexit.register(self.stop)
        deadline = time.monotonic() + start_timeout
        ports = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with open(self.port_file) as f:
                    ports = json.load(f)
                break
            except (FileNotFoundError, ValueError):
                time.sleep(0.05)
        if ports is None:
            self.stop()
            raise RuntimeError("fakeaws did not start:\n" + self._logs())
        self.ports = ports
        self.aws_port = ports["aws"]
        self.control_port = ports["control"]
        self.webhook_port = ports["webhook"]
        self.aws_url = "https://127.0.0.1:%d" % self.aws_port
        self.control_url = "http://127.0.0.1:%d" % self.control_port
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}))

    def _logs(self):
        out = []
        for p in (os.path.join(self.workdir, "fakeaws.stderr"),
                  self.log_file):
            try:
                with open(p, errors="replace") as f:
                    out.append(f.read()[-4000:])
            except OSError:
                pass
        return "\n".join(out)

    def webhook_url(self, path="hook"):
        return "https://127.0.0.1:%d/%s" % (self.webhook_port,
                                            path.lstrip("/"))

    # ---- control API
    def control(self, method, path, body=None):
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.control_url + path, data=data,
                                     method=method, headers=headers)
        try:
            with self._opener.open(req, timeout=30) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raise ControlHTTPError(e.code, e.read().decode(errors="replace"))
        return json.loads(raw) if raw.strip() else None

    def add_event(self, region, **fields):
        fields["region"] = region
        return self.control("POST", "/_event", fields)["EventId"]

    def action(self, name, **fields):
        return self.control("POST", "/_action/" + name, fields)["EventId"]

    def fault(self, **spec):
        return self.control("POST", "/_fault", spec)

    def clear_faults(self):
        return self.control("DELETE", "/_fault")

    def requests(self):
        return self.control("GET", "/_requests")

    def clear_requests(self):
        return self.control("DELETE", "/_requests")

    def stats(self):
        return self.control("GET", "/_stats")

    def webhook_posts(self):
        return self.control("GET", "/_webhook")

    def clear_webhook(self):
        return self.control("DELETE", "/_webhook")

    def webhook_fault(self, status=500, count=1, **kw):
        kw.update(status=status, count=count)
        return self.control("POST", "/_webhook/fault", kw)

    def state(self):
        return self.control("GET", "/_state")

    def set_state(self, obj):
        return self.control("PUT", "/_state", obj)

    def reset(self):
        return self.control("POST", "/_reset")

    def config(self, **kw):
        return self.control("POST", "/_config", kw)

    # ---- Account alternate contacts
    def contacts(self):
        """{TYPE: {Name, Title, EmailAddress, PhoneNumber}} as set now."""
        return self.control("GET", "/_contacts")

    def set_contacts(self, contacts):
        """Replace every alternate contact at once (a type left out is
        unset); no CloudTrail event."""
        return self.control("PUT", "/_contacts", contacts)

    def delete_contact(self, kind, **kw):
        """Unset one contact (BILLING, OPERATIONS, SECURITY) as a console
        user would: records DeleteAlternateContact. Returns the EventId."""
        return self.action("delete_alternate_contact", type=kind, **kw)

    def put_contact(self, kind, **fields):
        """Set or change one contact (Name, Title, EmailAddress,
        PhoneNumber; fields left out keep their value): records
        PutAlternateContact. Returns the EventId."""
        return self.action("put_alternate_contact", type=kind, **fields)

    # ---- STS AssumeRole
    def roles(self):
        return self.control("GET", "/_roles")

    def add_role(self, name, trusted=None, external_id=None,
                 max_session_duration=3600, credential_lifetime_seconds=None,
                 account=None, **extra):
        """Add (or replace) a role STS AssumeRole can assume. `trusted`:
        caller ARNs / access key ids / "arn:aws:iam::ACCOUNT:root" / "*"
        allowed to assume it (default: the fake's default caller);
        `external_id`: the ExternalId its trust requires; `account`: the
        role's account (default the fake's). Returns the role (its "Arn")."""
        body = {"RoleName": name, "MaxSessionDuration": max_session_duration,
                "credential_lifetime_seconds": credential_lifetime_seconds}
        if trusted is not None or external_id is not None:
            body["trust"] = {"principals": list(
                trusted if trusted is not None else
                ["arn:aws:iam::%s:user/driftwatch" % self.account_id]),
                "external_id": external_id}
        if account:
            body["account"] = account
        body.update(extra)
        return self.control("POST", "/_roles", body)

    def delete_role(self, name):
        return self.control("DELETE", "/_roles/" + name)

    def set_credential_lifetime(self, seconds, role=None):
        """Temporary credentials from AssumeRole live `seconds` (None:
        DurationSeconds, as AWS) — for every role, or only for `role`."""
        if role is None:
            return self.control("POST", "/_sts", {
                "credential_lifetime_seconds": seconds})
        r = [x for x in self.roles() if x["RoleName"] == role]
        if not r:
            raise KeyError("no such role: %s" % role)
        r[0]["credential_lifetime_seconds"] = seconds
        return self.control("POST", "/_roles", r[0])

    def assume_role_records(self):
        """Every AssumeRole the fake answered: caller, access_key,
        role_arn, session_name, external_id, duration_seconds, time,
        aws_time, result (issued/denied/invalid), issued_access_key,
        expiration."""
        return self.control("GET", "/_assume_role")

    def clear_assume_role_records(self):
        return self.control("DELETE", "/_assume_role")

    def issued_credentials(self):
        """[{AccessKeyId, Arn, Expiration, RoleArn}] issued so far."""
        return self.control("GET", "/_sts")["issued"]

    def expire_credentials(self, access_key=None):
        """Expire one issued credential (or all of them) now."""
        return self.control("POST", "/_sts", {
            "expire": access_key if access_key else True})

    # ---- SNS
    def topic_arn(self, name="driftwatch-alerts", region="us-east-1",
                  account=None):
        return "arn:aws:sns:%s:%s:%s" % (region, account or self.account_id,
                                         name)

    def add_sns_topic(self, name, region="us-east-1", account=None,
                      allow=None, deny=()):
        """Add (or replace) a topic Publish reaches. `allow`: principals
        (caller ARN, access key id, "arn:aws:iam::ACCOUNT:root", "*") that
        may publish, None = its own account; `deny`: principals refused.
        Returns the topic (its "TopicArn")."""
        return self.control("POST", "/_sns/topics", {
            "TopicArn": self.topic_arn(name, region, account),
            "allow": None if allow is None else list(allow),
            "deny": list(deny)})

    def delete_sns_topic(self, arn):
        return self.control("DELETE", "/_sns/topics", {"TopicArn": arn})

    def sns_topics(self):
        return self.control("GET", "/_sns/topics")

    def sns_publications(self):
        """What Publish accepted, oldest first: message_id, topic_arn,
        region, subject, message, message_structure, attributes ({name:
        {DataType, StringValue|BinaryValue}}), access_key, caller,
        request_id, time, aws_time."""
        return self.control("GET", "/_sns")

    def clear_sns_publications(self):
        return self.control("DELETE", "/_sns")

    # ---- AWS's clock
    def set_clock_offset(self, seconds):
        """AWS's clock becomes the host's + `seconds` (1200: AWS is 20
        minutes ahead): signature skew, Date headers, CloudTrail times and
        credential expiry follow it."""
        return self.control("POST", "/_clock", {"offset_seconds": seconds})

    def clock(self):
        """{"offset_seconds", "aws_now", "host_now"}"""
        return self.control("GET", "/_clock")

    def wait_for(self, predicate, timeout=10.0, interval=0.1):
        deadline = time.monotonic() + timeout
        while True:
            v = predicate()
            if v:
                return v
            if time.monotonic() >= deadline:
                raise AssertionError("condition not met within %.1fs: %r"
                                     % (timeout, predicate))
            time.sleep(interval)

    def stop(self):
        p = self.proc
        if p is None:
            return
        self.proc = None
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        try:
            self._err.close()
        except Exception:
            pass

    def env(self, region="us-east-1"):
        """The environment for an AWS client talking to the fake: a copy of
        os.environ without any AWS_* variable, plus the fake's settings."""
        e = {k: v for k, v in os.environ.items()
             if not k.startswith("AWS_")}
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                  "all_proxy", "ALL_PROXY"):
            e.pop(k, None)
        e.update({
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.aws_url,
            "AWS_CA_BUNDLE": self.ca_file,
            "AWS_DEFAULT_REGION": region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })
        if self.session_token:
            e["AWS_SESSION_TOKEN"] = self.session_token
        return e

    def client(self, service, region="us-east-1", retries=1, **kw):
        """A botocore client for `service` pointed at the fake (run the test
        with botocore_python()).  retries = total attempts (1 = none)."""
        import botocore.session
        from botocore.config import Config
        cfg = Config(retries={"total_max_attempts": retries,
                              "mode": "standard"},
                     connect_timeout=kw.pop("connect_timeout", 5),
                     read_timeout=kw.pop("read_timeout", 10))
        s = botocore.session.Session()
        return s.create_client(
            service, region_name=region, endpoint_url=self.aws_url,
            verify=self.ca_file, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.session_token, config=cfg, **kw)


# --------------------------------------------------------------------------
# TAP

class _TAPResult(unittest.TestResult):
    def __init__(self, out):
        super().__init__()
        self.out = out
        self.n = 0
        self.reported = set()
        self.cur = None
        self.all_ok = True
        self.fixture_skips = []   # (description, reason)
        self.fixture_errors = []  # (description, traceback)

    def _emit(self, ok, name, directive="", diag=None):
        self.n += 1
        line = "%sok %d - %s" % ("" if ok else "not ", self.n, name)
        if directive:
            line += " # " + directive
        self.out.write(line + "\n")
        if diag:
            for dl in diag.rstrip("\n").split("\n"):
                self.out.write("# " + dl + "\n")
        self.out.flush()
        if not ok:
            self.all_ok = False

    @staticmethod
    def name(test):
        return "%s.%s" % (type(test).__name__, test._testMethodName)

    def startTest(self, test):
        super().startTest(test)
        self.cur = {"errs": [], "skip": None, "xfail": False,
                    "xpass": False}

    def _exc(self, test, err):
        return self._exc_info_to_string(err, test)

    def addError(self, test, err):
        super().addError(test, err)
        if isinstance(test, unittest.TestCase) and self.cur is not None:
            self.cur["errs"].append(self._exc(test, err))
        else:
            # setUpClass/tearDownClass/module fixture errors
            self.fixture_errors.append((str(test), self._exc(test, err)))
            self.out.write("# fixture error in %s\n" % test)
            for dl in self._exc(test, err).rstrip("\n").split("\n"):
                self.out.write("# " + dl + "\n")
            self.all_ok = False

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.cur["errs"].append(self._exc(test, err))

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.cur["errs"].append("%s\n%s" % (subtest,
                                                self._exc(test, err)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if not isinstance(test, unittest.TestCase) or self.cur is None:
            # setUpClass / setUpModule raised SkipTest
            self.fixture_skips.append((str(test), reason))
            return
        self.cur["skip"] = reason

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.cur["xfail"] = True

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.cur["xpass"] = True

    def stopTest(self, test):
        super().stopTest(test)
        c = self.cur or {"errs": [], "skip": None}
        name = self.name(test)
        self.reported.add(test.id())
        if c.get("skip") is not None and not c["errs"]:
            self._emit(True, name, "SKIP " + str(c["skip"]))
        elif c["errs"]:
            self._emit(False, name, diag="\n".join(c["errs"]))
        elif c.get("xpass"):
            self._emit(False, name, diag="unexpected success")
        elif c.get("xfail"):
            self._emit(True, name, "TODO expected failure")
        else:
            self._emit(True, name)
        self.cur = None


def _flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _flatten(t)
        else:
            yield t


def tap_main(module="__main__"):
    """Run every unittest.TestCase class of `module` and print TAP.
    Exits 0 iff all tests passed (skips count as passes)."""
    mod = sys.modules[module] if isinstance(module, str) else module
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromModule(mod)
    tests = list(_flatten(suite))
    out = sys.stdout
    out.write("1..%d\n" % len(tests))
    out.flush()
    result = _TAPResult(out)
    try:
        suite.run(result)
    except KeyboardInterrupt:
        result.all_ok = False
    # tests that never ran (a setUpClass failed): report them
    for t in tests:
        if t.id() in result.reported:
            continue
        nm = result.name(t) if hasattr(t, "_testMethodName") else str(t)
        cls = type(t)
        tags = ("%s.%s" % (cls.__module__, cls.__qualname__), cls.__module__)
        skip = [r for d, r in result.fixture_skips
                if any("(%s)" % tg in d for tg in tags)]
        if skip:
            result._emit(True, nm, "SKIP " + str(skip[0]))
        else:
            result._emit(False, nm, diag="not run (a fixture failed)")
    sys.stdout.flush()
    sys.exit(0 if result.all_ok else 1)
