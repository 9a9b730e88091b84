"""IAM credential reports for the fake: GenerateCredentialReport and
GetCredentialReport as AWS answers them (the IAM User Guide, "Getting
credential reports", and botocore's iam model), plus ListAccessKeys.

A report is generated on the first GenerateCredentialReport (State
STARTED), stays in progress for `in_progress_calls` further calls of
either operation and at least `in_progress_seconds` of AWS's clock
(Generate answers INPROGRESS, Get ReportInProgress), then is COMPLETE.
Generate on a report under four hours old answers COMPLETE and makes no
new one.  Get before any generation is ReportNotPresent; after
`expires_after_seconds` (or with `expired` set) it is ReportExpired.

The rows are built from the account's state when Get answers (a
simplification: AWS keeps a snapshot), one per user in "users" and the
<root_account> row from "root", with AWS's header and value forms
(true/false, N/A, no_information, not_supported, ISO 8601 +00:00).

State key "credential_report" (tests/fakeaws/README.md, "Credential
report"); per-user keys "PasswordEnabled" (default true),
"PasswordLastChanged", "AccessKeys" ([{AccessKeyId, Status, CreateDate,
LastUsedDate, LastUsedRegion, LastUsedService}]); root keys the same
("AccessKeys"; without it AccessKeysPresent > 0 stands for one active,
never used key).
"""
import copy
import csv
import datetime
import io

COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled",
    "password_last_used", "password_last_changed", "password_next_rotation",
    "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated",
    "access_key_1_last_used_date", "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated",
    "access_key_2_last_used_date", "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active",
    "cert_2_last_rotated",
]
FOUR_HOURS = 4 * 3600
RAW_MARK = b"@@fakeaws-raw-content@@"

DEFAULT = {
    "in_progress_calls": 1,
    "in_progress_seconds": 0,
    "expires_after_seconds": None,
    "expired": False,
    # set by the fake as it goes (a test may set them too)
    "started_at": None,          # AWS epoch a generation started
    "calls_left": 0,
    "generated_at": None,        # AWS epoch of the last complete report
    # what Get answers instead of the built report
    "content": None,             # CSV text, base64-encoded as AWS does
    "content_base64": None,      # the Content element as it is (bad base64)
    "report_format": "text/csv",
    "generate_count": 0,
}

fa = None


def _default_state(account):
    return {"credential_report": copy.deepcopy(DEFAULT)}


def _cr(st):
    cr = st.setdefault("credential_report", copy.deepcopy(DEFAULT))
    for k, v in DEFAULT.items():
        cr.setdefault(k, copy.deepcopy(v))
    return cr


def _t(v):
    """A state time (ISO or epoch) as the report writes it."""
    t = fa.to_epoch(v)
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _b(v):
    return "true" if v else "false"


def _key_cols(keys):
    out = []
    for i in range(2):
        k = keys[i] if i < len(keys) else None
        if k is None:
            out += ["false", "N/A", "N/A", "N/A", "N/A"]
            continue
        used = k.get("LastUsedDate")
        out += [_b(k.get("Status", "Active") == "Active"),
                _t(k["CreateDate"]) if k.get("CreateDate") else "N/A",
                _t(used) if used else "N/A",
                k.get("LastUsedRegion") or "N/A" if used else "N/A",
                k.get("LastUsedService") or "N/A" if used else "N/A"]
    return out


def _root_keys(root):
    if "AccessKeys" in root:
        return root["AccessKeys"] or []
    if int(root.get("AccessKeysPresent") or 0) > 0:
        return [{"AccessKeyId": "AKIAFAKEROOTKEY00001", "Status": "Active",
                 "CreateDate": root.get("CreateDate")}]
    return []


def _root_row(st):
    r = st["root"]
    used = r.get("PasswordLastUsed")
    return (["<root_account>", "arn:aws:iam::%s:root" % st["account_id"],
             _t(r.get("CreateDate") or "2020-01-01T00:00:00Z"),
             "not_supported", _t(used) if used else "no_information",
             "not_supported", "not_supported",
             _b(r.get("MFADevices"))] + _key_cols(_root_keys(r)) +
            ["false", "N/A", "false", "N/A"])


def _user_row(u):
    pw = u.get("PasswordEnabled", True)
    used = u.get("PasswordLastUsed")
    changed = u.get("PasswordLastChanged") or u.get("CreateDate")
    return ([u["UserName"], u["Arn"], _t(u["CreateDate"]), _b(pw),
             (_t(used) if used else "no_information") if pw else "N/A",
             _t(changed) if pw and changed else "N/A", "N/A",
             _b(u.get("MFADevices"))] + _key_cols(u.get("AccessKeys") or [])
            + ["false", "N/A", "false", "N/A"])


def build_csv(st):
    """The report's CSV for the account's state now."""
    rows = [COLUMNS, _root_row(st)] + [_user_row(u) for u in st["users"]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _progress(cr, now):
    """Moves a generation under way on by one call; True when done."""
    if cr["started_at"] is None:
        return True
    if cr["calls_left"] > 0 or \
            now - cr["started_at"] < float(cr["in_progress_seconds"] or 0):
        cr["calls_left"] -= 1
        return False
    cr["started_at"] = None
    cr["generated_at"] = now
    return True


def _start(cr, now):
    cr["started_at"] = now
    cr["calls_left"] = int(cr["in_progress_calls"] or 0)
    cr["expired"] = False
    cr["generate_count"] += 1


def generate(ctx, params):
    cr = _cr(ctx.state)
    now = fa.aws_now()
    if cr["started_at"] is not None:
        if not _progress(cr, now):
            return {"State": "INPROGRESS",
                    "Description": "Report generation in progress."}
        return {"State": "COMPLETE"}
    if cr["generated_at"] is not None and not cr["expired"] and \
            now - cr["generated_at"] < FOUR_HOURS:
        return {"State": "COMPLETE"}
    _start(cr, now)
    if cr["calls_left"] <= 0 and not cr["in_progress_seconds"]:
        # no wait asked for: complete at once, still answered STARTED
        _progress(cr, now)
    return {"State": "STARTED",
            "Description": "No report exists. Starting a new report "
                           "generation task"}


def _expired(cr, now):
    after = cr["expires_after_seconds"]
    return cr["expired"] or (after is not None and
                             now - cr["generated_at"] > float(after))


def get(ctx, params):
    cr = _cr(ctx.state)
    now = fa.aws_now()
    if cr["started_at"] is not None and not _progress(cr, now):
        raise ctx.svc.error("CredentialReportNotReadyException",
                            "Report generation is in progress.")
    if cr["generated_at"] is None:
        raise ctx.svc.error("CredentialReportNotPresentException",
                            "Credential report does not exist. Use "
                            "GenerateCredentialReport to generate a new "
                            "report.")
    if _expired(cr, now):
        raise ctx.svc.error("CredentialReportExpiredException",
                            "Credential report has expired. Use "
                            "GenerateCredentialReport to generate a new "
                            "report.")
    if cr["content_base64"] is not None:
        content = RAW_MARK
    elif cr["content"] is not None:
        content = cr["content"].encode()
    else:
        content = build_csv(ctx.state).encode()
    return {"Content": content, "ReportFormat": cr["report_format"],
            "GeneratedTime": fa.iso(cr["generated_at"])}


def list_access_keys(ctx, params):
    st = ctx.state
    name = params.get("UserName")
    if not name:
        name = ctx.caller.get("UserName") or \
            ctx.caller["Arn"].rsplit("/", 1)[-1]
    u = fa._find_user(st, name)
    if u is None:
        raise fa.AWSError("NoSuchEntity",
                          "The user with name %s cannot be found." % name,
                          status=404)
    keys = [{"UserName": name, "AccessKeyId": k["AccessKeyId"],
             "Status": k.get("Status", "Active"),
             "CreateDate": k.get("CreateDate")}
            for k in u.get("AccessKeys") or []]
    page, out = fa._paginate_iam(keys, params)
    out["AccessKeyMetadata"] = page
    return out


def _render_raw(render):
    """Get's Content is a blob the serialiser base64-encodes; a test's
    content_base64 (not base64 at all, say) is put in as it is."""
    mark = fa.base64.b64encode(RAW_MARK).decode()

    def wrapped(action, result, rid):
        status, ctype, body, hdrs = render(action, result, rid)
        if action == "GetCredentialReport" and mark.encode() in body:
            raw = fa.FAKE.state["credential_report"]["content_base64"]
            body = body.replace(mark.encode(),
                                fa.xml_escape(raw).encode())
        return status, ctype, body, hdrs
    return wrapped


def _recent_sign_in(default_state):
    """alice, the fake's administrator, signed in two days ago: the
    default account is on a 45-day unused-credentials baseline."""
    def wrapped():
        st = default_state()
        for u in st["users"]:
            if u["UserName"] == "alice" and \
                    u.get("PasswordLastUsed") == "2025-01-02T03:04:05Z":
                u["PasswordLastUsed"] = fa.iso(fa.aws_now() - 2 * 86400)
        return st
    return wrapped


def control(fake, m, body):
    """/_credential_report: GET the report state; POST merges keys."""
    with fake.lock:
        cr = _cr(fake.state)
        if m in ("POST", "PUT"):
            if not isinstance(body, dict):
                raise fa.ControlError(400, "body must be an object")
            for k, v in body.items():
                if k not in DEFAULT:
                    raise fa.ControlError(400, "unknown credential_report "
                                          "key %s" % k)
                cr[k] = v
        elif m != "GET":
            raise fa.ControlError(405, "GET or POST")
        return dict(cr)


def install(module):
    global fa
    fa = module
    fa.STATE_EXTENSIONS.append(_default_state)
    fa.default_state = _recent_sign_in(fa.default_state)
    iam = fa.SERVICES["iam"]
    iam.op("GenerateCredentialReport")(generate)
    iam.op("GetCredentialReport")(get)
    iam.op("ListAccessKeys")(list_access_keys)
    iam.render = _render_raw(iam.render)
    fa.CONTROL_ROUTES["/_credential_report"] = control
