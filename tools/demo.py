#!/usr/bin/python3
"""driftwatch's demo: the real daemon against the bundled fake AWS, with a
scripted scenario (root console sign-in, MFA removal, CloudTrail stopped)
whose alerts appear here within seconds.

Usage: demo.py DRIFTWATCHD   (tools/demo.sh builds it and runs this)
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts, verify_signature  # noqa: E402

BOLD, DIM, RED, YEL, GRN, RST = ("\033[1m", "\033[2m", "\033[31m",
                                 "\033[33m", "\033[32m", "\033[0m")
if not sys.stdout.isatty():
    BOLD = DIM = RED = YEL = GRN = RST = ""


def say(text=""):
    print(text, flush=True)


def tail(path, stop):
    """Echoes the daemon's alert lines as it logs them."""
    pos = 0
    while not stop.is_set():
        try:
            with open(path) as f:
                f.seek(pos)
                for line in f:
                    if " alert [" in line or "error" in line:
                        msg = line.split(" driftwatchd: ", 1)[-1]
                        msg = msg.split(" DRIFTWATCH_", 1)[0].strip()
                        say("  %sdriftwatchd log%s | %s" % (DIM, RST, msg))
                pos = f.tell()
        except FileNotFoundError:
            pass
        time.sleep(0.2)


def show(a):
    colour = RED if a["severity"] in ("critical", "high") else YEL
    if a["kind"] == "resolve":
        colour = GRN
    say("  %swebhook%s    | %s%-8s%s %-7s %s" % (
        DIM, RST, colour, a["severity"].upper(), RST, a["kind"], a["title"]))
    ev = a.get("event")
    if ev:
        say("             |   who %s (%s)  from %s  in %s  at %s" % (
            ev.get("actor_arn", "?"), ev.get("actor_type", "?"),
            ev.get("source_ip", "?"), ev.get("region", "?"),
            ev.get("event_time", "?")))
    elif a.get("expected"):
        say("             |   expected %s, found %s" % (a["expected"],
                                                         a.get("actual")))
    say("             |   %sid %s, signature %s%s" % (
        DIM, a["id"], "verified" if verify_signature(a["_post"]) else
        "BAD", RST))


def wait_new(fake, seen, want, timeout=30):
    """Prints webhook alerts as they arrive until `want` checks were seen."""
    deadline = time.monotonic() + timeout
    got = set()
    while time.monotonic() < deadline:
        for a in alerts(fake):
            if a["id"] in seen:
                continue
            seen.add(a["id"])
            show(a)
            got.add((a["check"], a["kind"]))
        if want <= got:
            return True
        time.sleep(0.2)
    say("  %s(still waiting for %s)%s" % (YEL, sorted(want - got), RST))
    return False


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.environ["DRIFTWATCHD"] = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="driftwatch-demo-")
    stop = threading.Event()
    fake = d = None
    ok = True
    try:
        say("%sdriftwatch demo%s: the daemon against a fake AWS on loopback"
            % (BOLD, RST))
        fake = dwtest.FakeAWS(os.path.join(work, "fake"))
        say("fake AWS    %s (account %s), every signature checked with "
            "botocore" % (fake.aws_url, fake.account_id))
        d = Daemon(fake, os.path.join(work, "daemon"),
                   daemon={"log_level": "info"})
        say("config      %s" % d.conf)
        say("baseline    %s" % d.baseline_path)
        threading.Thread(target=tail, args=(d.log_path, stop),
                         daemon=True).start()
        d.start()
        fake.wait_for(lambda: any(r["action"] == "GetTrailStatus"
                                  for r in fake.requests()), 30)
        time.sleep(1.5)
        say("\nThe account is on its baseline: driftwatchd is quiet.")
        seen = set()

        steps = [
            ("1. Someone signs in to the console as the root user",
             lambda: fake.action("root_login", source_ip="203.0.113.9",
                                 user_agent="Mozilla/5.0 (X11; Linux)"),
             {("event.root_activity", "event")}),
            ("2. An administrator deactivates alice's MFA device",
             lambda: fake.action("deactivate_mfa", user="alice",
                                 source_ip="198.51.100.23"),
             {("event.mfa_removed", "event"), ("iam.user_mfa", "open")}),
            ("3. Someone stops the organization's CloudTrail trail",
             lambda: fake.action("stop_logging", trail="org-trail",
                                 source_ip="198.51.100.23"),
             {("event.cloudtrail_stopped", "event"),
              ("cloudtrail.logging", "open")}),
            ("4. Logging is turned back on",
             lambda: fake.action("start_logging", trail="org-trail"),
             {("cloudtrail.logging", "resolve")}),
        ]
        for title, act, want in steps:
            say("\n%s%s%s" % (BOLD, title, RST))
            t0 = time.monotonic()
            act()
            ok = wait_new(fake, seen, want) and ok
            say("  %s(%.1f s after it happened)%s" % (
                DIM, time.monotonic() - t0, RST))
        slack = [p for p in fake.webhook_posts() if p["path"] == "/slack"]
        say("\n%d alerts reached the signed JSON webhook and %d the Slack "
            "webhook." % (len(alerts(fake)), len(slack)))
        say("Next: `man driftwatchd`, and the README's test command.")
    finally:
        stop.set()
        if d is not None:
            d.stop()
        if fake is not None:
            fake.stop()
        if os.environ.get("DW_KEEP_TMP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
