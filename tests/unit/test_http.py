#!/usr/bin/python3
"""http.c against a local HTTPS server with a throwaway CA (TAP output).

The server runs in this process on 127.0.0.1; http_tool (HTTP_TOOL, or
./http_tool, or tests/unit/http_tool) fetches through http.c and prints
one JSON line per finished transfer.
"""
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

RESULTS = []
RECEIVED = []  # (path, headers, body) of each POST
CONNECTIONS = []  # one entry per accepted connection


def tap(cond, name, detail=None):
    RESULTS.append(bool(cond))
    print("%sok %d - %s" % ("" if cond else "not ", len(RESULTS), name))
    if not cond and detail is not None:
        for line in str(detail).splitlines():
            print("#   " + line)
    sys.stdout.flush()


def find_tool():
    for cand in (os.environ.get("HTTP_TOOL"), "./http_tool",
                 "tests/unit/http_tool"):
        if cand and os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    return None


def openssl(*args, cwd):
    subprocess.run(("openssl",) + args, cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            name + ".key", "-out", name + ".pem", "-days", "2", "-subj",
            "/CN=driftwatch test " + name, "-addext",
            "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,cRLSign", cwd=d)


def make_pki(d):
    make_ca(d, "ca")
    make_ca(d, "otherca")
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "srv.key",
            "-out", "srv.csr", "-subj", "/CN=localhost", cwd=d)
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey",
            "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2",
            "-extfile", "ext.cnf", cwd=d)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        CONNECTIONS.append(1)
        super().setup()

    def reply(self, body, ctype="text/plain", extra=(), length=True,
              status=200):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            for i in range(0, len(body), 16384):
                self.wfile.write(body[i:i + 16384])
                self.wfile.flush()
        except OSError:
            self.close_connection = True

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if u.path.startswith("/ok"):
            self.reply(b"hello world",
                       extra=[("x-amzn-RequestId", "req-abc-123")])
        elif u.path == "/s3":
            self.reply(b"<x/>", "application/xml",
                       [("x-amz-request-id", "S3REQ42")])
        elif u.path == "/big":
            self.reply(b"x" * int(q["n"]))
        elif u.path == "/stream":
            self.reply(b"y" * int(q["n"]), length=False)
        elif u.path == "/slow":
            time.sleep(int(q["ms"]) / 1000.0)
            self.reply(b"slow")
        elif u.path == "/ra":
            # Retry-After as the test asks; Date as the test fakes it
            hdrs = [("Retry-After", q["v"])]
            if "date" in q:
                hdrs.append(("Date", q["date"]))
            self.reply(b"slow down", status=429, extra=hdrs)
        elif u.path.startswith("/moved/"):
            # an answer that names the path back, as a proxy might
            self.reply(("moved: see %s (token %s)" % (
                self.path, u.path.rsplit("/", 1)[1])).encode(),
                status=int(q.get("status", "302")),
                extra=[("Location", "https://127.0.0.1" + self.path),
                       ("X-Echo", u.path), ("Retry-After", "3")])
        else:
            self.send_error(404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        RECEIVED.append((self.path, dict(self.headers), body))
        self.reply(hashlib.sha256(body).hexdigest().encode(),
                   extra=[("x-amzn-RequestId", "post-1")])


def start_server(d):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, "srv.pem"), os.path.join(d, "srv.key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Tool:
    def __init__(self, path, ca):
        self.path = path
        self.ca = ca

    def run(self, urls, *opts, ca=None):
        args = [self.path, "--ca", ca or self.ca] + list(opts) + list(urls)
        t0 = time.monotonic()
        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
        self.elapsed = time.monotonic() - t0
        self.rc = p.returncode
        self.stderr = p.stderr
        out = []
        for line in p.stdout.splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"unparsed": line})
        self.out = sorted(out, key=lambda o: o.get("url_index", -1))
        return self.out

    def one(self, url, *opts, ca=None):
        out = self.run([url], *opts, ca=ca)
        return out[0] if len(out) == 1 else {"lines": out}

    def detail(self):
        return "rc=%s\nstdout=%r\nstderr=%s" % (self.rc, self.out,
                                                 self.stderr[-2000:])


def run_tests(tool, base, d):
    r = tool.one(base + "/ok")
    tap(tool.rc == 0 and r.get("result") == 0 and r.get("status") == 200
        and r.get("body") == "hello world" and r.get("body_len") == 11,
        "200 with body", tool.detail())
    tap(r.get("request_id") == "req-abc-123"
        and r.get("content_type") == "text/plain",
        "x-amzn-RequestId and Content-Type captured", tool.detail())
    r = tool.one(base + "/s3")
    tap(r.get("request_id") == "S3REQ42", "x-amz-request-id captured",
        tool.detail())

    out = tool.run([base + "/slow?ms=600&i=%d" % i for i in range(5)])
    tap(tool.rc == 0 and [o.get("url_index") for o in out] == list(range(5))
        and all(o.get("result") == 0 and o.get("status") == 200
                for o in out) and tool.elapsed < 2.5,
        "5 concurrent transfers all complete (%.2fs for 5 x 0.6s)"
        % tool.elapsed, tool.detail())

    r = tool.one(base + "/big?n=100000", "--max", "65536")
    tap(tool.rc == 0 and r.get("result") == -5,
        "size cap with Content-Length: DW_ETOOBIG", tool.detail())
    r = tool.one(base + "/stream?n=300000", "--max", "65536")
    tap(tool.rc == 0 and r.get("result") == -5,
        "size cap on a streamed body: DW_ETOOBIG", tool.detail())
    r = tool.one(base + "/stream?n=65536", "--max", "65536")
    tap(tool.rc == 0 and r.get("result") == 0 and r.get("body_len") == 65536,
        "a body exactly at the cap is fine", tool.detail())

    r = tool.one(base + "/slow?ms=3000", "--timeout-ms", "500")
    tap(tool.rc == 0 and r.get("result") == -7 and r.get("timed_out") is True
        and tool.elapsed < 2.5, "timeout: DW_ENET and timed_out",
        tool.detail())

    r = tool.one(base + "/ok", ca=os.path.join(d, "otherca.pem"))
    tap(tool.rc == 0 and r.get("result") == -7 and r.get("status") == 0
        and "certificate" in r.get("error", "").lower(),
        "wrong CA: TLS failure is DW_ENET", tool.detail())

    secret_url = ("https://127.0.0.1:%d/services/T0SECRETPATH?token=QSECRET"
                  % free_port())
    r = tool.one(secret_url)
    tap(tool.rc == 0 and r.get("result") == -7 and r.get("error"),
        "connection refused: DW_ENET", tool.detail())
    tap("SECRETPATH" not in r.get("error", "x") and "QSECRET" not in
        r.get("error", "x") and "SECRETPATH" not in tool.stderr,
        "the error names no URL path or query", tool.detail())

    body = "Action=GetCallerIdentity&Version=2011-06-15&x=" + "\u00e9" * 3000
    r = tool.one(base + "/echo", "--data", body, "--header",
                 "Content-Type: application/x-www-form-urlencoded")
    raw = body.encode()
    got = RECEIVED[-1] if RECEIVED else (None, {}, b"")
    tap(tool.rc == 0 and r.get("status") == 200 and got[2] == raw
        and r.get("body") == hashlib.sha256(raw).hexdigest(),
        "POST body arrives intact (%d bytes)" % len(raw), tool.detail())
    tap("Expect" not in got[1], "no Expect: 100-continue", repr(got[1]))

    out = tool.run([base + "/slow?ms=1500", base + "/ok"],
                   "--cancel-after-start")
    tap(tool.rc == 0 and [o.get("url_index") for o in out] == [1]
        and "cancelled 0" in tool.stderr and tool.elapsed < 1.4,
        "cancelled transfer never calls back", tool.detail())

    before = len(CONNECTIONS)
    out = tool.run([base + "/ok", base + "/s3", base + "/ok"], "--sequential")
    tap(tool.rc == 0 and [o.get("result") for o in out] == [0, 0, 0]
        and len(CONNECTIONS) - before == 1,
        "transfers started from callbacks reuse one keep-alive connection "
        "(%d connections)" % (len(CONNECTIONS) - before), tool.detail())

    out = tool.run([base + "/ok", base + "/slow?ms=1500", base + "/slow?ms=1500"],
                   "--free-in-callback")
    tap(tool.rc == 0 and [o.get("url_index") for o in out] == [0]
        and tool.elapsed < 1.4,
        "freeing the client from a callback cancels the rest",
        tool.detail())

    r = tool.one(base + "/ok/T0SECRETPATH?q=QSECRET", "--trace", "--header",
                 "Authorization: AWS4-HMAC-SHA256 Signature=SIGSECRET",
                 "--header", "X-Amz-Security-Token: TOKSECRET")
    leaked = [s for s in ("SIGSECRET", "TOKSECRET", "SECRETPATH", "QSECRET")
              if s in tool.stderr]
    tap(tool.rc == 0 and r.get("result") == 0 and not leaked
        and "Authorization: <redacted>" in tool.stderr
        and "X-Amz-Security-Token: <redacted>" in tool.stderr
        and "< x-amzn-RequestId: req-abc-123" in tool.stderr,
        "trace shows headers, redacts secrets, target and query %s" % leaked,
        tool.detail())

    # Retry-After: delta-seconds, an HTTP-date counted from the answer's
    # Date (the last Date sent wins, as in http.c), huge, unreadable
    from email.utils import formatdate
    from urllib.parse import quote
    then = 1000000000
    cases = [("7", None, 7),
             (formatdate(then + 42, usegmt=True),
              formatdate(then, usegmt=True), 42),
             (formatdate(then - 5, usegmt=True),
              formatdate(then, usegmt=True), 0),
             ("99999999999999", None, 366 * 86400),
             ("soon", None, -1)]
    for v, date, want in cases:
        url = base + "/ra?v=" + quote(v)
        if date:
            url += "&date=" + quote(date)
        r = tool.one(url)
        tap(r.get("status") == 429 and r.get("retry_after") == want,
            "Retry-After %r (Date %r) is %d s" % (v, date, want),
            tool.detail())
    future = formatdate(time.time() + 100, usegmt=True)
    r = tool.one(base + "/ra?v=" + quote(future))
    tap(95 <= (r.get("retry_after") or 0) <= 101,
        "an HTTP-date without Date counts from the host clock (%s)"
        % r.get("retry_after"), tool.detail())

    # a sink's transfer: the answer names the path back in a Location,
    # another header and its status line's body; none of it is traced
    for status in ("302", "404"):
        url = (base + "/moved/services/T0TEAM/B0HOOK/SINKTOKEN99?status="
               + status + "&sig=QSIGSECRET")
        r = tool.one(url, "--trace", "--sink-trace")
        leaked = [t for t in ("SINKTOKEN99", "QSIGSECRET", "T0TEAM",
                              "B0HOOK", "/moved/") if t in tool.stderr]
        tap(tool.rc == 0 and r.get("status") == int(status) and not leaked
            and "< Location: <redacted>" in tool.stderr
            and "< X-Echo: <redacted>" in tool.stderr
            and "< Retry-After: 3" in tool.stderr
            and "< Content-Type: text/plain" in tool.stderr,
            "a sink's %s: Location and other headers not traced, the "
            "allow-list is; no piece of the URL %s" % (status, leaked),
            tool.detail())


def main():
    tool = find_tool()
    if tool is None:
        print("1..0 # SKIP http_tool not found (set HTTP_TOOL)")
        return 0
    if shutil.which("openssl") is None:
        print("1..0 # SKIP no openssl command")
        return 0
    d = tempfile.mkdtemp(prefix="test_http.")
    try:
        make_pki(d)
        srv = start_server(d)
        base = "https://127.0.0.1:%d" % srv.server_address[1]
        run_tests(Tool(tool, os.path.join(d, "ca.pem")), base, d)
        srv.shutdown()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("1..%d" % len(RESULTS))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
