#!/usr/bin/python3
"""driftwatch's benchmark: the real driftwatchd against the bundled fake AWS
(tests/fakeaws), on loopback only.

Usage: tools/bench.py DRIFTWATCHD [--quick] [--no-callgrind] [--json FILE]

Run it with a python that imports botocore (Debian's /usr/bin/python3) and
a plain (non-sanitizer, non-valgrind) build of driftwatchd.  It measures:

  1. check pass  - `driftwatchd check` wall time, CPU and AWS requests for
                   an account with N IAM users (each with an MFA device)
  2. events      - time for E alert-worthy CloudTrail events, all becoming
                   visible at one instant, to reach the webhook; LookupEvents
                   calls made; throttling seen by the fake
  3. idle        - CPU, peak RSS and requests/minute of `driftwatchd run`
                   against a quiet account
  4. callgrind   - instructions (Ir) of one `check` with 10 users under
                   valgrind --tool=callgrind, 3 runs, and the share inside
                   sigv4_sign() (--no-callgrind skips it; ~5 s)

A table goes to stdout, then the figures as one line of JSON (the last
line), also written to --json FILE when given.  Progress goes to stderr.
The default run takes about 3 minutes; --quick about 1.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import dwtest  # noqa: E402
import dwdaemon  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

ACCOUNT = dwtest.DEFAULT_ACCOUNT
CLK_TCK = os.sysconf("SC_CLK_TCK")
POLLER_RATE = 1.6           # include/driftwatch/poller.h
LOOKUP_PAGE = 50            # LookupEvents' page size


def progress(msg):
    sys.stderr.write("# %s\n" % msg)
    sys.stderr.flush()


# --------------------------------------------------------------------------
# helpers

def users_state(fake, n):
    """The fake's current state with `users` replaced by n users, each with
    one MFA device (every other one virtual)."""
    st = fake.state()
    created = "2024-01-02T03:04:05Z"
    users = []
    for i in range(n):
        name = "bench-user-%04d" % i
        users.append({
            "UserName": name, "UserId": "AIDABENCH%011d" % i, "Path": "/",
            "Arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name),
            "CreateDate": created, "PasswordLastUsed": None,
            "MFADevices": [{
                "SerialNumber": "arn:aws:iam::%s:mfa/%s" % (ACCOUNT, name),
                "EnableDate": created, "Virtual": i % 2 == 1}],
        })
    st["users"] = users
    st["events"] = []
    return st


def count_by_action(reqs):
    out = {}
    for r in reqs:
        k = "%s:%s" % (r.get("service"), r.get("action"))
        out[k] = out.get(k, 0) + 1
    return dict(sorted(out.items()))


def proc_cpu(pid):
    """utime+stime of pid in seconds, from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        s = f.read()
    rest = s[s.rindex(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK


def proc_status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# --------------------------------------------------------------------------
# 0. the fake's own round trip, for scale

def bench_fake_latency(fake, n=30):
    """Sequential botocore calls over one keep-alive connection."""
    fake.reset()
    out = {}
    for svc, call in (("sts", lambda c: c.get_caller_identity()),
                      ("iam", lambda c: c.list_mfa_devices(
                          UserName="alice"))):
        c = fake.client(svc)
        call(c)
        ts = []
        for _ in range(n):
            t0 = time.monotonic()
            call(c)
            ts.append(time.monotonic() - t0)
        out[svc] = {"median_ms": round(1000 * statistics.median(ts), 1),
                    "min_ms": round(1000 * min(ts), 1)}
    progress("fake latency: %s" % out)
    return out


# --------------------------------------------------------------------------
# 1. check pass vs. account size

def bench_check(fake, work, sizes, reps):
    out = []
    for n in sizes:
        fake.reset()
        fake.set_state(users_state(fake, n))
        d = Daemon(fake, os.path.join(work, "check-%d" % n),
                   daemon={"log_level": "info"})
        walls, cpus, fcpus, nreq, actions, codes = [], [], [], [], None, []
        for _ in range(reps):
            fake.clear_requests()
            c0 = children_cpu()
            f0 = proc_cpu(fake.pid)
            t0 = time.monotonic()
            r = d.run("check", timeout=300)
            walls.append(time.monotonic() - t0)
            cpus.append(children_cpu() - c0)
            fcpus.append(proc_cpu(fake.pid) - f0)
            codes.append(r.returncode)
            reqs = fake.requests()
            nreq.append(len(reqs))
            actions = count_by_action(reqs)
            if r.returncode != 0:
                progress("check N=%d exited %d:\n%s" %
                         (n, r.returncode, (r.stdout + r.stderr)[-2000:]))
        bad = [x for x in fake.requests() if x.get("status") != 200]
        res = {"users": n, "runs": reps,
               "wall_s_median": round(statistics.median(walls), 3),
               "wall_s_all": [round(w, 3) for w in walls],
               "cpu_s_median": round(statistics.median(cpus), 3),
               "fake_cpu_s_median": round(statistics.median(fcpus), 3),
               "requests": nreq[-1], "requests_all": nreq,
               "requests_by_action": actions,
               "non_200_responses_last_run": len(bad),
               "exit_codes": codes}
        progress("check N=%d: %.3fs median wall, %d requests, exit %s" %
                 (n, res["wall_s_median"], res["requests"], codes))
        out.append(res)
    return out


# --------------------------------------------------------------------------
# 2. event throughput

def wait_poll_complete(d, region, start, timeout=30):
    d.wait_log("events %s: poll complete" % region, timeout=timeout,
               start=start)


def bench_events(fake, work, e):
    fake.reset()
    d = Daemon(fake, os.path.join(work, "events-%d" % e),
               daemon={"poll_interval": "1h", "event_poll_interval": "1s"},
               sinks={"hook": {"type": "webhook",
                               "url": fake.webhook_url("hook"),
                               "secret": dwdaemon.HMAC_SECRET,
                               "min_severity": "info"}})
    d.start()
    try:
        d.wait_log("check pass done", timeout=60)
        wait_poll_complete(d, "us-east-1", 0)
        fake.clear_webhook()
        fake.clear_requests()
        fake.control("DELETE", "/_stats")

        # every event is added hidden, and all become visible at t_vis
        now = time.time()
        t_vis = now + 3.0 + e * 0.01
        t_add0 = time.monotonic()
        d_cpu0, f_cpu0 = proc_cpu(d.proc.pid), proc_cpu(fake.pid)
        for i in range(e):
            fake.add_event(
                "us-east-1", EventName="DeactivateMFADevice",
                EventSource="iam.amazonaws.com",
                EventTime=now - 50 + i * 0.04,
                requestParameters={
                    "userName": "bench-user-%04d" % i,
                    "serialNumber": "arn:aws:iam::%s:mfa/bench-user-%04d"
                    % (ACCOUNT, i)},
                visible_delay=t_vis - time.time())
        add_s = time.monotonic() - t_add0
        added_before_visible = time.time() < t_vis
        deadline = t_vis + max(60, 3 * e / LOOKUP_PAGE / POLLER_RATE)
        got = []
        while time.time() < deadline:
            got = [a for a in alerts(fake)
                   if a.get("check") == "event.mfa_removed"]
            if len(got) >= e:
                break
            if not d.alive():
                raise RuntimeError("driftwatchd died:\n" + d.logs()[-3000:])
            time.sleep(0.25)
        complete = len(got) >= e
        d_cpu = proc_cpu(d.proc.pid) - d_cpu0
        f_cpu = proc_cpu(fake.pid) - f_cpu0
        times = sorted(a["_post"]["time"] for a in got)
        t_first = times[0] - t_vis if times else None
        t_last = times[-1] - t_vis if times else None
        reqs = fake.requests()
        lk = [r for r in reqs if r.get("action") == "LookupEvents"]
        upto = times[-1] if times else time.time()
        lk_upto = [r for r in lk if t_vis <= r["time"] <= upto]
        lk_upto_use1 = [r for r in lk_upto if r["region"] == "us-east-1"]
        # the last us-east-1 LookupEvents sent before the first alert: the
        # page that completed the read of all E events
        before = [r["time"] for r in lk_upto_use1
                  if times and r["time"] <= times[0]]
        t_read = max(before) - t_vis if before else None
        # one more look, 5 s later: the steady state with the events inside
        # the re-read overlap window, and no duplicate alert
        t_after0 = time.time()
        time.sleep(5)
        reqs2 = fake.requests()
        t_after1 = time.time()
        lk_after = [r for r in reqs2 if r.get("action") == "LookupEvents"
                    and t_after0 <= r["time"] <= t_after1]
        all_alerts = [a for a in alerts(fake)
                      if a.get("check") == "event.mfa_removed"]
        ids = {a.get("id") for a in all_alerts}
        # then one new alert-worthy event while the E events are still
        # inside the re-read overlap window: how long until it is alerted?
        t_root = time.time()
        fake.action("root_login", source_ip="198.51.100.77")
        root_lat = None
        while time.time() < t_root + 90:
            ra = [a for a in alerts(fake)
                  if a.get("check") == "event.root_activity"]
            if ra:
                root_lat = ra[0]["_post"]["time"] - t_root
                break
            time.sleep(0.1)
        st = fake.stats()
        pages = -(-e // LOOKUP_PAGE)
        floor = e / LOOKUP_PAGE / POLLER_RATE
        res = {
            "events": e, "complete": complete, "alerts": len(got),
            "add_seconds": round(add_s, 2),
            "all_added_before_visible": added_before_visible,
            "first_alert_s": round(t_first, 2) if t_first is not None
            else None,
            "last_alert_s": round(t_last, 2) if t_last is not None else None,
            "last_page_sent_s": round(t_read, 2) if t_read is not None
            else None,
            "delivery_spread_s": round(t_last - t_first, 2)
            if t_last is not None else None,
            "floor_s": round(floor, 2),
            "floor_pages": pages,
            "lookupevents_until_last_alert": len(lk_upto),
            "lookupevents_until_last_alert_us_east_1": len(lk_upto_use1),
            "lookupevents_in_5s_after":
            len([r for r in lk_after if r["region"] == "us-east-1"]),
            "lookupevents_per_s_after_us_east_1": round(
                len([r for r in lk_after if r["region"] == "us-east-1"]) /
                (t_after1 - t_after0), 2),
            "daemon_cpu_s": round(d_cpu, 2),
            "fake_cpu_s_incl_adding": round(f_cpu, 2),
            "lookup_events_throttled": st.get("lookup_events_throttled", 0),
            "non_200_lookupevents": len([r for r in reqs2
                                         if r.get("action") == "LookupEvents"
                                         and r.get("status") != 200]),
            "root_login_after_burst_alert_s": round(root_lat, 2)
            if root_lat is not None else None,
            "alerts_after_5s": len(all_alerts),
            "distinct_alert_ids_after_5s": len(ids),
            "daemon_alive": d.alive(),
        }
        progress("events E=%d: last alert %.2fs after visible (floor %.2fs),"
                 " %d LookupEvents, throttled %d" %
                 (e, t_last or -1, floor, len(lk_upto),
                  res["lookup_events_throttled"]))
        return res
    finally:
        d.stop()


# --------------------------------------------------------------------------
# 3. idle cost

def bench_idle(fake, work, seconds):
    fake.reset()
    d = Daemon(fake, os.path.join(work, "idle"),
               daemon={"poll_interval": "5s", "event_poll_interval": "5s",
                       "log_level": "info"})
    d.start()
    try:
        pid = d.proc.pid
        # warm-up: the first check pass and first event polls
        fake.wait_for(lambda: any(r.get("action") == "GetTrailStatus"
                                  for r in fake.requests()), timeout=30)
        time.sleep(2)
        cpu0 = proc_cpu(pid)
        fake.clear_requests()
        t0 = time.monotonic()
        time.sleep(seconds)
        cpu1 = proc_cpu(pid)
        elapsed = time.monotonic() - t0
        reqs = fake.requests()
        hwm = proc_status_kb(pid, "VmHWM")
        rss = proc_status_kb(pid, "VmRSS")
        alive = d.alive()
        res = {
            "window_s": round(elapsed, 1),
            "cpu_s_startup": round(cpu0, 3),
            "cpu_s_window": round(cpu1 - cpu0, 3),
            "cpu_pct_window": round(100 * (cpu1 - cpu0) / elapsed, 3),
            "vmhwm_kb": hwm, "vmrss_kb": rss,
            "requests": len(reqs),
            "requests_per_min": round(len(reqs) * 60 / elapsed, 1),
            "requests_by_action": count_by_action(reqs),
            "webhook_posts": len(fake.webhook_posts()),
            "daemon_alive": alive,
        }
        progress("idle %.0fs: %.3f CPU s, VmHWM %s kB, %.1f req/min" %
                 (elapsed, res["cpu_s_window"], hwm,
                  res["requests_per_min"]))
        return res
    finally:
        d.stop()


# --------------------------------------------------------------------------
# 4. callgrind

def annotate(outfile):
    """{function: (inclusive Ir, calls)} and the total Ir, from
    `callgrind_annotate --inclusive=yes --tree=caller`."""
    r = subprocess.run(["callgrind_annotate", "--inclusive=yes",
                        "--tree=caller", "--threshold=100", outfile],
                       capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    total = None
    m = re.search(r"^\s*([\d,]+)\s.*PROGRAM TOTALS", r.stdout, re.M)
    if m:
        total = int(m.group(1).replace(",", ""))
    fns, calls = {}, 0
    line_re = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+([<*>])\s+"
                         r"(\S+)(?:\s+\((\d[\d,]*)x\))?")
    for line in r.stdout.splitlines():
        m = line_re.match(line)
        if not m:
            if not line.strip():
                calls = 0
            continue
        kind = m.group(2)
        if kind == "<":
            calls += int((m.group(4) or "0").replace(",", ""))
        elif kind == "*":
            name = m.group(3).rsplit(":", 1)[-1]
            ir = int(m.group(1).replace(",", ""))
            if name not in fns or fns[name][0] < ir:
                fns[name] = (ir, calls)
            calls = 0
    return total, fns


def bench_callgrind(fake, work, sizes):
    """One callgrind run of `check` per entry of sizes (users)."""
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        return {"skipped": "valgrind/callgrind_annotate not installed"}
    d = Daemon(fake, os.path.join(work, "callgrind"),
               daemon={"log_level": "info"})
    out = []
    for i, n in enumerate(sizes):
        fake.reset()
        fake.set_state(users_state(fake, n))
        cg = os.path.join(work, "callgrind.out.%d" % i)
        fake.clear_requests()
        t0 = time.monotonic()
        r = subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + cg,
                            dwdaemon.binary(), "-c", d.conf, "check"],
                           env=d.env(), capture_output=True, text=True,
                           timeout=600, stdin=subprocess.DEVNULL)
        wall = time.monotonic() - t0
        total, fns = annotate(cg)
        sign, sign_calls = fns.get("sigv4_sign", (None, None))
        sha, sha_calls = fns.get("sigv4_sha256", (None, None))
        dinit = fns.get("EVP_DigestInit_ex", (None, None))[0]
        hs = fns.get("SSL_do_handshake", (None, None))[0]
        conns = fns.get("SSL_new", (None, None))[1]
        ld = fns.get("X509_STORE_load_file", (None, None))
        nreq = len(fake.requests())
        pct = (lambda x: round(100.0 * x / total, 2)
               if x and total else None)
        res = {"users": n, "exit_code": r.returncode,
               "wall_s_under_valgrind": round(wall, 1),
               "Ir_total": total, "requests": nreq,
               "Ir_sigv4_sign_inclusive": sign,
               "sigv4_sign_calls": sign_calls,
               "sigv4_share_pct": pct(sign),
               "Ir_sigv4_sign_per_call": sign // sign_calls
               if sign and sign_calls else None,
               "Ir_sigv4_sha256_inclusive": sha,
               "sigv4_sha256_calls": sha_calls,
               "Ir_EVP_DigestInit_ex_inclusive_all_callers": dinit,
               "Ir_SSL_do_handshake_inclusive": hs,
               "ssl_handshake_share_pct": pct(hs),
               "SSL_new_calls": conns,
               "X509_STORE_load_file_calls": ld[1],
               "Ir_X509_STORE_load_file_inclusive": ld[0]}
        progress("callgrind run %d (%d users): %s Ir, sigv4_sign %s (%s%%)" %
                 (i + 1, n, total, sign, res["sigv4_share_pct"]))
        out.append(res)
    res = {"runs": out}
    small = [r for r in out if r["users"] == sizes[0] and r["Ir_total"]]
    if len(small) > 1:
        irs = [r["Ir_total"] for r in small]
        sg = [r["Ir_sigv4_sign_inclusive"] for r in small]
        res["Ir_total_spread_pct"] = round(100.0 * (max(irs) - min(irs)) /
                                           min(irs), 2)
        res["Ir_sigv4_sign_spread_pct"] = round(100.0 * (max(sg) - min(sg))
                                                / min(sg), 3)
    big = [r for r in out if r["users"] != sizes[0]]
    if small and big and big[-1]["sigv4_sign_calls"] and \
            small[0]["sigv4_sign_calls"] and \
            big[-1]["sigv4_sign_calls"] != small[0]["sigv4_sign_calls"]:
        a, b = small[0], big[-1]
        per = ((b["Ir_sigv4_sign_inclusive"] - a["Ir_sigv4_sign_inclusive"]) /
               (b["sigv4_sign_calls"] - a["sigv4_sign_calls"]))
        res["Ir_per_signature_marginal"] = int(per)
        res["Ir_sigv4_one_off"] = int(a["Ir_sigv4_sign_inclusive"] -
                                      per * a["sigv4_sign_calls"])
        hs = ((b["Ir_sigv4_sha256_inclusive"] -
               a["Ir_sigv4_sha256_inclusive"]) /
              (b["sigv4_sha256_calls"] - a["sigv4_sha256_calls"]))
        res["Ir_per_sigv4_sha256_marginal"] = int(hs)
    return res


# --------------------------------------------------------------------------
# report

def table(rows, head):
    w = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w[i]) if i else
                               str(x).ljust(w[i]) for i, x in enumerate(r))
    return "\n".join([line(head), line(["-" * n for n in w])] +
                     [line(r) for r in rows])


def report(res):
    p = print
    m = res["meta"]
    p("driftwatch benchmark  (%s, %s, %d CPUs, %s)" %
      (m["binary"], m["mode"], m["cpus"], m["date"]))
    p()
    fl = res["fake_latency"]
    p("0. the fake's round trip (botocore, keep-alive, 30 sequential calls):"
      " GetCallerIdentity %.1f ms, ListMFADevices %.1f ms (median)"
      % (fl["sts"]["median_ms"], fl["iam"]["median_ms"]))
    p()
    p("1. check pass vs. account size  -- `driftwatchd check` via "
      "Daemon.run(), wall time incl. process start, median of %d run(s);"
      % res["check"][0]["runs"])
    p("   cpu = driftwatchd utime+stime (getrusage of the child); fake cpu ="
      " the fake's own (/proc); requests = fake /_requests, last run")
    rows = [[c["users"], "%.3f" % c["wall_s_median"],
             "%.1f" % (1000 * c["wall_s_median"] / c["users"]),
             "%.3f" % c["cpu_s_median"], "%.3f" % c["fake_cpu_s_median"],
             c["requests"],
             c["requests_by_action"].get("iam:ListMFADevices", 0),
             c["requests_by_action"].get("iam:ListUsers", 0),
             ",".join(map(str, c["exit_codes"]))] for c in res["check"]]
    p(table(rows, ["users", "wall s", "ms/user", "cpu s", "fake cpu s",
                   "requests",
                   "ListMFADevices", "ListUsers", "exit"]))
    p()
    p("2. event throughput  -- daemon running (event_poll_interval 1s, "
      "poll_interval 1h, one webhook sink);")
    p("   E DeactivateMFADevice events added hidden, all visible at t0; "
      "time = webhook receive time of last alert - t0;")
    p("   floor = E/%d/%.1f s (pages at the daemon's rate); LookupEvents = "
      "requests t0..last alert, both regions" % (LOOKUP_PAGE, POLLER_RATE))
    rows = [[e["events"], "%d/%d" % (e["alerts"], e["events"]),
             e["floor_s"], e["last_page_sent_s"], e["first_alert_s"],
             e["last_alert_s"], e["delivery_spread_s"],
             "%.2f" % e["daemon_cpu_s"],
             "%d (%d)" % (e["lookupevents_until_last_alert"],
                          e["lookupevents_until_last_alert_us_east_1"]),
             e["lookup_events_throttled"],
             e["lookupevents_per_s_after_us_east_1"],
             "%d/%d" % (e["alerts_after_5s"], e["distinct_alert_ids_after_5s"]),
             e["root_login_after_burst_alert_s"]]
            for e in res["events"]]
    p(table(rows, ["E", "alerts", "floor s", "last page s", "1st alert s",
                   "last alert s", "spread s", "cpu s", "LookupEv (use1)",
                   "throttled", "LE/s after", "alerts/ids +5s",
                   "next alert s"]))
    p("   last page s = last us-east-1 LookupEvents sent before the first "
      "alert; spread = last - first alert;")
    p("   cpu = driftwatchd CPU from adding to the last alert; LE/s after ="
      " us-east-1 LookupEvents/s in the 5 s after;")
    p("   alerts/ids +5s = mfa_removed alerts and distinct alert ids 5 s "
      "after the last one;")
    p("   next alert s = then one root ConsoleLogin is added (visible at "
      "once): seconds until its alert reached the webhook")
    p()
    i = res["idle"]
    p("3. idle cost  -- `driftwatchd run`, quiet account, poll_interval 5s, "
      "event_poll_interval 5s, log_level info;")
    p("   window starts after the first check pass + 2 s; CPU from "
      "/proc/PID/stat, peak RSS = VmHWM")
    p(table([["%.0f" % i["window_s"], "%.3f" % i["cpu_s_startup"],
              "%.3f" % i["cpu_s_window"], "%.3f" % i["cpu_pct_window"],
              i["vmhwm_kb"], i["requests"], i["requests_per_min"]]],
            ["window s", "startup cpu s", "cpu s", "cpu %", "VmHWM kB",
             "requests", "req/min"]))
    p("   by action: " + ", ".join("%s %d" % kv for kv in
                                   i["requests_by_action"].items()))
    p()
    cg = res.get("callgrind")
    if cg is None:
        p("4. SigV4 cost  -- not measured (--no-callgrind)")
    elif "skipped" in cg:
        p("4. SigV4 cost  -- skipped: " + cg["skipped"])
    else:
        p("4. SigV4 cost  -- valgrind --tool=callgrind on `driftwatchd "
          "check`, one run per row; Ir = instructions;")
        p("   sigv4 = inclusive Ir of sigv4_sign() and its calls; TLS = "
          "inclusive Ir of SSL_do_handshake; conns = SSL_new calls")
        p(table([[k + 1, r["users"], r["Ir_total"], r["Ir_sigv4_sign_inclusive"],
                  r["sigv4_share_pct"], r["sigv4_sign_calls"],
                  r["Ir_sigv4_sign_per_call"],
                  r["Ir_sigv4_sha256_inclusive"],
                  r["ssl_handshake_share_pct"], r["SSL_new_calls"],
                  r["exit_code"]]
                 for k, r in enumerate(cg["runs"])],
                ["run", "users", "Ir total", "Ir sigv4_sign", "sigv4 %", "signs",
                 "Ir/sign", "Ir sigv4_sha256", "TLS hs %", "conns",
                 "exit"]))
        p("   spread over the 10-user runs: Ir total %s%%, Ir sigv4_sign "
          "%s%%" % (cg.get("Ir_total_spread_pct"),
                    cg.get("Ir_sigv4_sign_spread_pct")))
        if "Ir_per_signature_marginal" in cg:
            p("   marginal (100 vs 10 users): %d Ir per signature "
              "(%d per sigv4_sha256), plus a one-off %d Ir"
              % (cg["Ir_per_signature_marginal"],
                 cg["Ir_per_sigv4_sha256_marginal"],
                 cg["Ir_sigv4_one_off"]))
    p()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("driftwatchd")
    ap.add_argument("--quick", action="store_true",
                    help="1 check run per size, E=200 only, 20 s idle")
    ap.add_argument("--callgrind", action="store_true",
                    help="run the callgrind part (the default)")
    ap.add_argument("--no-callgrind", action="store_true",
                    help="skip the callgrind part")
    ap.add_argument("--json", metavar="FILE")
    a = ap.parse_args()

    binpath = os.path.abspath(a.driftwatchd)
    if not os.access(binpath, os.X_OK):
        ap.error("%s is not an executable" % binpath)
    os.environ["DRIFTWATCHD"] = binpath
    os.environ.pop("DW_VALGRIND", None)     # measure the binary itself

    sizes = (10, 100, 500)
    reps = 1 if a.quick else 3
    evs = (200,) if a.quick else (200, 1000)
    idle_s = 20 if a.quick else 60

    base = tempfile.mkdtemp(prefix="dw-bench-")
    keep = os.environ.get("DW_KEEP_TMP") == "1"
    res = {"meta": {"binary": binpath,
                    "mode": "quick" if a.quick else "full",
                    "cpus": os.cpu_count(),
                    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}}
    fake = None
    t_start = time.monotonic()
    try:
        fake = dwtest.FakeAWS(os.path.join(base, "fake"))
        progress("fake AWS on 127.0.0.1:%d" % fake.aws_port)
        res["fake_latency"] = bench_fake_latency(fake)
        res["check"] = bench_check(fake, base, sizes, reps)
        res["events"] = [bench_events(fake, base, e) for e in evs]
        res["idle"] = bench_idle(fake, base, idle_s)
        if a.callgrind or not a.no_callgrind:
            res["callgrind"] = bench_callgrind(fake, base, (10, 10, 10, 100))
    finally:
        if fake is not None:
            fake.stop()
        if keep:
            progress("kept %s" % base)
        else:
            shutil.rmtree(base, True)
    res["meta"]["bench_seconds"] = round(time.monotonic() - t_start, 1)
    report(res)
    blob = json.dumps(res, sort_keys=True)
    if a.json:
        with open(a.json, "w") as f:
            f.write(blob + "\n")
    print(blob)


if __name__ == "__main__":
    main()
