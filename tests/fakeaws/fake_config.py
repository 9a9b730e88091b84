"""fake_config - AWS Config (JSON 1.1, X-Amz-Target StarlingDoveService.*)
for fakeaws: the configuration recorder and its status, the delivery
channels, the rules and their compliance, one state per region.

State key "aws_config" (README.md, "AWS Config"):

    {"page_size": {"DescribeConfigRules": 25,
                   "DescribeComplianceByConfigRule": 25},
     "regions": {"us-east-1": {"recorders": [...], "recorder_status": {...},
                               "delivery_channels": [...], "rules": [...]}}}

A region not listed has no recorder, no channel and no rule, as a region
where nobody set Config up.  Shapes follow botocore's config-2014-11-12
model; page sizes follow the API reference (DescribeConfigRules answers up
to 25 rules a page, and ConfigRuleNames takes at most 25 names).
"""

import base64
import copy
import hashlib
import json

RULES = (
    # (SourceIdentifier, the name the console gives it, periodic,
    #  InputParameters)
    ("CLOUD_TRAIL_ENABLED", "cloudtrail-enabled", True, None),
    ("IAM_PASSWORD_POLICY", "iam-password-policy", True,
     {"RequireUppercaseCharacters": "true",
      "RequireLowercaseCharacters": "true", "RequireSymbols": "true",
      "RequireNumbers": "true", "MinimumPasswordLength": "14",
      "PasswordReusePrevention": "24", "MaxPasswordAge": "90"}),
    ("IAM_ROOT_ACCESS_KEY_CHECK", "iam-root-access-key-check", True, None),
    ("IAM_USER_MFA_ENABLED", "iam-user-mfa-enabled", True, None),
    ("IAM_USER_UNUSED_CREDENTIALS_CHECK",
     "iam-user-unused-credentials-check", True,
     {"maxCredentialUsageAge": "90"}),
    ("ROOT_ACCOUNT_MFA_ENABLED", "root-account-mfa-enabled", True, None),
)
PAGE_SIZE = 25
MAX_NAMES = 25
COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE",
                    "INSUFFICIENT_DATA")
CREATED = 1704164645.0   # 2024-01-02T03:04:05Z


def rule_id(name):
    return "config-rule-" + hashlib.sha1(name.encode()).hexdigest()[:6]


def make_rule(account, region, name, identifier, periodic=True,
              params=None, owner="AWS", compliance="COMPLIANT",
              state="ACTIVE", created_by=None):
    """A rule as the state holds it: the DescribeConfigRules shape plus
    "compliance" (its ComplianceType) and "noncompliant_count"."""
    rid = rule_id(region + name)
    r = {"ConfigRuleName": name,
         "ConfigRuleArn": "arn:aws:config:%s:%s:config-rule/%s" % (
             region, account, rid),
         "ConfigRuleId": rid,
         "Source": {"Owner": owner, "SourceIdentifier": identifier},
         "ConfigRuleState": state,
         "EvaluationModes": [{"Mode": "DETECTIVE"}],
         "compliance": compliance}
    if periodic:
        r["MaximumExecutionFrequency"] = "TwentyFour_Hours"
    if params:
        r["InputParameters"] = json.dumps(params, separators=(",", ":"))
    if created_by:
        r["CreatedBy"] = created_by
    return r


def default_region(account, region):
    """A well-kept region: a recorder of everything (global types too),
    recording, a channel to S3, and the six managed rules, all
    COMPLIANT."""
    return {
        "recorders": [{
            "name": "default",
            "roleARN": "arn:aws:iam::%s:role/aws-service-role/"
                       "config.amazonaws.com/AWSServiceRoleForConfig"
                       % account,
            "recordingGroup": {"allSupported": True,
                               "includeGlobalResourceTypes": True,
                               "resourceTypes": []}}],
        "recorder_status": {"default": {
            "recording": True, "lastStatus": "SUCCESS",
            "lastStartTime": CREATED, "lastStatusChangeTime": "auto"}},
        "delivery_channels": [{
            "name": "default",
            "s3BucketName": "config-bucket-%s" % account,
            "configSnapshotDeliveryProperties": {
                "deliveryFrequency": "TwentyFour_Hours"}}],
        "rules": [make_rule(account, region, name, ident, periodic, params)
                  for ident, name, periodic, params in RULES],
    }


def default_state(account):
    return {"aws_config": {
        "page_size": {"DescribeConfigRules": PAGE_SIZE,
                      "DescribeComplianceByConfigRule": PAGE_SIZE},
        "regions": {"us-east-1": default_region(account, "us-east-1")}}}


def install(fa):
    CONFIG = fa.register(fa.JsonService("config"))
    fa.STATE_EXTENSIONS.append(default_state)

    def region_state(st, region, create=False):
        regs = st.setdefault("aws_config", {}).setdefault("regions", {})
        if region not in regs and create:
            regs[region] = {"recorders": [], "recorder_status": {},
                            "delivery_channels": [], "rules": []}
        return regs.get(region) or {"recorders": [], "recorder_status": {},
                                    "delivery_channels": [], "rules": []}

    def page_size(st, op):
        v = (st.get("aws_config", {}).get("page_size") or {}).get(op)
        return int(v) if v else PAGE_SIZE

    def names_param(params, key, max_n=None):
        v = params.get(key)
        if v is None:
            return None
        if not isinstance(v, list) or not all(isinstance(n, str)
                                              for n in v):
            raise fa.AWSError("SerializationException",
                              "Unexpected value type in payload")
        if max_n is not None and len(v) > max_n:
            raise fa.AWSError(
                "ValidationException", "1 validation error detected: Value "
                "'[%s]' at '%s' failed to satisfy constraint: Member must "
                "have length less than or equal to %d" % (
                    ", ".join(v), key[0].lower() + key[1:], max_n))
        for n in v:
            if not n.strip() or len(n) > 128:
                raise fa.AWSError(
                    "ValidationException", "1 validation error detected: "
                    "Value '%s' at '%s' failed to satisfy constraint: "
                    "Member must satisfy regular expression pattern: "
                    ".*\\S.*" % (n, key[0].lower() + key[1:]))
        return v

    def token_for(query, offset):
        h = hashlib.sha256(json.dumps(query, sort_keys=True).encode())
        return base64.urlsafe_b64encode(json.dumps(
            {"o": offset, "h": h.hexdigest()[:16]}).encode()).decode()

    def page(items, params, query, size):
        """items[offset:offset+size] and the next token, as Config pages:
        a token is only good for the query that made it."""
        off = 0
        tok = params.get("NextToken")
        if tok is not None:
            try:
                d = json.loads(base64.urlsafe_b64decode(tok.encode()))
                if d["h"] != json.loads(base64.urlsafe_b64decode(
                        token_for(query, 0).encode()))["h"]:
                    raise ValueError("another query's token")
                off = int(d["o"])
            except Exception:
                raise CONFIG.error("InvalidNextTokenException",
                                   "The nextToken provided is invalid")
        out = items[off:off + size]
        nxt = token_for(query, off + size) if off + size < len(items) \
            else None
        return out, nxt

    def op(name):
        """Registers an operation; a state "answers" entry for it (a test's
        answer of the wrong shape) is sent instead, as it is."""
        def deco(fn):
            def run(ctx, params):
                canned = (ctx.state.get("aws_config", {}).get("answers")
                          or {}).get(name)
                if canned is not None:
                    return copy.deepcopy(canned)
                return fn(ctx, params)
            CONFIG.op(name)(run)
            return fn
        return deco

    def when(v, now):
        if v == "auto":
            return round(now - 300 - (now % 60), 3)
        return round(fa.to_epoch(v), 3) if v is not None else None

    @op("DescribeConfigurationRecorders")
    def describe_recorders(ctx, params):
        reg = region_state(ctx.state, ctx.region)
        names = names_param(params, "ConfigurationRecorderNames")
        recs = reg.get("recorders") or []
        for n in names or []:
            if not any(r["name"] == n for r in recs):
                raise CONFIG.error(
                    "NoSuchConfigurationRecorderException",
                    "Cannot find configuration recorder with the specified "
                    "name '%s'." % n)
        return {"ConfigurationRecorders": [
            copy.deepcopy(r) for r in recs
            if names is None or r["name"] in names]}

    @op("DescribeConfigurationRecorderStatus")
    def describe_recorder_status(ctx, params):
        reg = region_state(ctx.state, ctx.region)
        names = names_param(params, "ConfigurationRecorderNames")
        recs = reg.get("recorders") or []
        for n in names or []:
            if not any(r["name"] == n for r in recs):
                raise CONFIG.error(
                    "NoSuchConfigurationRecorderException",
                    "Cannot find configuration recorder with the specified "
                    "name '%s'." % n)
        now = fa.aws_now()
        out = []
        for r in recs:
            if names is not None and r["name"] not in names:
                continue
            s = (reg.get("recorder_status") or {}).get(r["name"]) or {}
            o = {"name": r["name"], "recording": bool(s.get("recording"))}
            for k in ("lastStartTime", "lastStopTime",
                      "lastStatusChangeTime"):
                t = when(s.get(k), now)
                if t is not None:
                    o[k] = t
            for k in ("lastStatus", "lastErrorCode", "lastErrorMessage"):
                if s.get(k) is not None:
                    o[k] = s[k]
            out.append(o)
        return {"ConfigurationRecordersStatus": out}

    @op("DescribeDeliveryChannels")
    def describe_channels(ctx, params):
        reg = region_state(ctx.state, ctx.region)
        names = names_param(params, "DeliveryChannelNames")
        chans = reg.get("delivery_channels") or []
        for n in names or []:
            if not any(c["name"] == n for c in chans):
                raise CONFIG.error(
                    "NoSuchDeliveryChannelException",
                    "Cannot find delivery channel with specified name "
                    "'%s'." % n)
        return {"DeliveryChannels": [copy.deepcopy(c) for c in chans
                                     if names is None or c["name"] in names]}

    def rule_out(r):
        return {k: copy.deepcopy(v) for k, v in r.items()
                if k not in ("compliance", "noncompliant_count")}

    def find_rules(reg, names):
        rules = reg.get("rules") or []
        for n in names or []:
            if not any(r["ConfigRuleName"] == n for r in rules):
                raise CONFIG.error(
                    "NoSuchConfigRuleException",
                    "The ConfigRule '%s' provided in the request is invalid."
                    " Please check the configRule name." % n)
        return [r for r in rules
                if names is None or r["ConfigRuleName"] in names]

    @op("DescribeConfigRules")
    def describe_rules(ctx, params):
        reg = region_state(ctx.state, ctx.region)
        names = names_param(params, "ConfigRuleNames", MAX_NAMES)
        mode = (params.get("Filters") or {}).get("EvaluationMode")
        if mode is not None and mode not in ("DETECTIVE", "PROACTIVE"):
            raise fa.AWSError(
                "ValidationException", "1 validation error detected: Value "
                "'%s' at 'filters.evaluationMode' failed to satisfy "
                "constraint: Member must satisfy enum value set: "
                "[DETECTIVE, PROACTIVE]" % mode)
        rules = find_rules(reg, names)
        if mode is not None:
            rules = [r for r in rules if any(
                m.get("Mode") == mode for m in r.get("EvaluationModes")
                or [{"Mode": "DETECTIVE"}])]
        got, nxt = page(rules, params, ["rules", ctx.region, names, mode],
                        page_size(ctx.state, "DescribeConfigRules"))
        out = {"ConfigRules": [rule_out(r) for r in got]}
        if nxt:
            out["NextToken"] = nxt
        return out

    def compliance_of(r):
        t = r.get("compliance") or "INSUFFICIENT_DATA"
        c = {"ComplianceType": t}
        if t == "NON_COMPLIANT":
            n = int(r.get("noncompliant_count") or 1)
            c["ComplianceContributorCount"] = {"CappedCount": min(n, 100),
                                               "CapExceeded": n > 100}
        return {"ConfigRuleName": r["ConfigRuleName"], "Compliance": c}

    @op("DescribeComplianceByConfigRule")
    def describe_compliance(ctx, params):
        reg = region_state(ctx.state, ctx.region)
        names = names_param(params, "ConfigRuleNames", MAX_NAMES)
        types = names_param(params, "ComplianceTypes", 3)
        for t in types or []:
            if t not in COMPLIANCE_TYPES:
                raise CONFIG.error(
                    "InvalidParameterValueException",
                    "The compliance type '%s' is not valid." % t)
        items = [compliance_of(r) for r in find_rules(reg, names)]
        if types:
            items = [i for i in items
                     if i["Compliance"]["ComplianceType"] in types]
        got, nxt = page(items, params,
                        ["compliance", ctx.region, names, types],
                        page_size(ctx.state,
                                  "DescribeComplianceByConfigRule"))
        out = {"ComplianceByConfigRules": got}
        if nxt:
            out["NextToken"] = nxt
        return out

    install_actions(fa, region_state)


# --------------------------------------------------------------------------
# scenario actions and the control route

def install_actions(fa, region_state):
    def event(fake, body, region, name, req, resources=None):
        st = fake.state
        ev = {"region": region, "EventName": name,
              "EventSource": "config.amazonaws.com",
              "userIdentity": fa._actor(fake, body,
                                        fa.default_actor(st["account_id"])),
              "requestParameters": req, "responseElements": None}
        if resources:
            ev["Resources"] = resources
        ev.update(fa._ev_common(body))
        return fake.add_event(ev)

    def where(fake, body):
        region = body.get("region") or "us-east-1"
        if not isinstance(region, str):
            raise fa.ControlError(400, "region must be a string")
        return region, region_state(fake.state, region, create=True)

    def recorder(reg, body):
        recs = reg.get("recorders") or []
        name = body.get("recorder")
        for r in recs:
            if name in (None, r["name"]):
                return r
        raise fa.ControlError(404, "no configuration recorder%s" % (
            " " + name if name else ""))

    def set_recording(fake, body, on):
        region, reg = where(fake, body)
        r = recorder(reg, body)
        now = float(body.get("EventTime") or fa.aws_now())
        s = reg.setdefault("recorder_status", {}).setdefault(r["name"], {})
        if on and not reg.get("delivery_channels"):
            raise fa.ControlError(409, "NoAvailableDeliveryChannelException:"
                                  " Delivery channel is not available to "
                                  "start configuration recorder.")
        s["recording"] = on
        s["lastStartTime" if on else "lastStopTime"] = now
        s["lastStatusChangeTime"] = now
        if on:
            s["lastStatus"] = "SUCCESS"
        return event(fake, body, region, "StartConfigurationRecorder" if on
                     else "StopConfigurationRecorder",
                     {"configurationRecorderName": r["name"]})

    def act_stop(fake, body):
        return set_recording(fake, body, False)

    def act_start(fake, body):
        return set_recording(fake, body, True)

    def act_delete_recorder(fake, body):
        region, reg = where(fake, body)
        r = recorder(reg, body)
        reg["recorders"].remove(r)
        (reg.get("recorder_status") or {}).pop(r["name"], None)
        return event(fake, body, region, "DeleteConfigurationRecorder",
                     {"configurationRecorderName": r["name"]})

    def act_put_recorder(fake, body):
        """Creates or changes the recorder: name, allSupported,
        includeGlobalResourceTypes, resourceTypes."""
        region, reg = where(fake, body)
        name = body.get("recorder") or "default"
        g = {"allSupported": bool(body.get("allSupported", True)),
             "includeGlobalResourceTypes": bool(
                 body.get("includeGlobalResourceTypes", True)),
             "resourceTypes": list(body.get("resourceTypes") or [])}
        if g["includeGlobalResourceTypes"] and not g["allSupported"]:
            raise fa.ControlError(400, "InvalidRecordingGroupException: "
                                  "includeGlobalResourceTypes needs "
                                  "allSupported")
        if g["allSupported"] == bool(g["resourceTypes"]):
            raise fa.ControlError(400, "InvalidRecordingGroupException: "
                                  "allSupported or resourceTypes, one")
        recs = reg.setdefault("recorders", [])
        if any(r["name"] != name for r in recs):
            raise fa.ControlError(409, "MaxNumberOfConfigurationRecorders"
                                  "ExceededException: one per region")
        acct = fake.state["account_id"]
        rec = {"name": name, "roleARN": body.get("roleARN") or
               "arn:aws:iam::%s:role/aws-service-role/config.amazonaws.com/"
               "AWSServiceRoleForConfig" % acct, "recordingGroup": g}
        reg["recorders"] = [rec]
        reg.setdefault("recorder_status", {}).setdefault(
            name, {"recording": False})
        return event(fake, body, region, "PutConfigurationRecorder",
                     {"configurationRecorder": {
                         "name": name, "roleARN": rec["roleARN"],
                         "recordingGroup": g}})

    def act_delete_channel(fake, body):
        region, reg = where(fake, body)
        chans = reg.get("delivery_channels") or []
        name = body.get("channel")
        ch = next((c for c in chans if name in (None, c["name"])), None)
        if ch is None:
            raise fa.ControlError(404, "no delivery channel")
        if any(s.get("recording") for s in
               (reg.get("recorder_status") or {}).values()):
            raise fa.ControlError(
                409, "LastDeliveryChannelDeleteFailedException: Failed to "
                "delete last specified delivery channel with name '%s', "
                "because there is a running configuration recorder."
                % ch["name"])
        chans.remove(ch)
        return event(fake, body, region, "DeleteDeliveryChannel",
                     {"deliveryChannelName": ch["name"]})

    def find_rule(reg, body):
        name = body.get("rule")
        for r in reg.get("rules") or []:
            if r["ConfigRuleName"] == name or (
                    name is None and body.get("identifier") ==
                    r["Source"].get("SourceIdentifier")):
                return r
        raise fa.ControlError(404, "no config rule %s" % (
            name or body.get("identifier")))

    def act_delete_rule(fake, body):
        region, reg = where(fake, body)
        r = find_rule(reg, body)
        reg["rules"].remove(r)
        return event(fake, body, region, "DeleteConfigRule",
                     {"configRuleName": r["ConfigRuleName"]},
                     [{"ResourceType": "AWS::Config::ConfigRule",
                       "ResourceName": r["ConfigRuleName"]}])

    def act_put_rule(fake, body):
        """Adds (or replaces by name) a rule: rule (its name), identifier,
        owner (AWS), compliance (INSUFFICIENT_DATA, as a new rule is)."""
        region, reg = where(fake, body)
        name, ident = body.get("rule"), body.get("identifier")
        if not name or not ident:
            raise fa.ControlError(400, "rule and identifier are required")
        r = make_rule(fake.state["account_id"], region, name, ident,
                      owner=body.get("owner") or "AWS",
                      compliance=body.get("compliance") or
                      "INSUFFICIENT_DATA",
                      state=body.get("state") or "ACTIVE",
                      created_by=body.get("created_by"))
        rules = reg.setdefault("rules", [])
        reg["rules"] = [x for x in rules if x["ConfigRuleName"] != name]
        reg["rules"].append(r)
        return event(fake, body, region, "PutConfigRule",
                     {"configRule": {"configRuleName": name, "source": {
                         "owner": r["Source"]["Owner"],
                         "sourceIdentifier": ident}}},
                     [{"ResourceType": "AWS::Config::ConfigRule",
                       "ResourceName": name}])

    def act_set_compliance(fake, body):
        """Config's own evaluation: no CloudTrail management event."""
        _, reg = where(fake, body)
        r = find_rule(reg, body)
        t = body.get("compliance")
        if t not in COMPLIANCE_TYPES:
            raise fa.ControlError(400, "compliance must be one of %s" %
                                  ", ".join(COMPLIANCE_TYPES))
        r["compliance"] = t
        if body.get("count") is not None:
            r["noncompliant_count"] = int(body["count"])
        return None

    fa.ACTIONS.update({
        "config_stop_recorder": act_stop,
        "config_start_recorder": act_start,
        "config_delete_recorder": act_delete_recorder,
        "config_put_recorder": act_put_recorder,
        "config_delete_delivery_channel": act_delete_channel,
        "config_delete_rule": act_delete_rule,
        "config_put_rule": act_put_rule,
        "config_set_compliance": act_set_compliance,
    })

    def control(fake, m, body):
        """GET: the "aws_config" state.  PUT {"regions": {R: {...}|null},
        "page_size": {...}, "answers": {Op: {...}|null}}: replaces the
        regions named (null removes one), the page sizes given and the
        canned answers (null: answer from the state again); POST
        {"region": R}: R becomes a well-kept region."""
        st = fake.state.setdefault("aws_config", {"regions": {}})
        if m == "PUT":
            if not isinstance(body, dict) or set(body) - {
                    "regions", "page_size", "answers"}:
                raise fa.ControlError(400, "body: {\"regions\": {...}, "
                                      "\"page_size\": {...}, "
                                      "\"answers\": {...}}")
            for k, v in (body.get("answers") or {}).items():
                if v is None:
                    st.setdefault("answers", {}).pop(k, None)
                else:
                    st.setdefault("answers", {})[k] = v
            for r, v in (body.get("regions") or {}).items():
                if v is None:
                    st["regions"].pop(r, None)
                elif not isinstance(v, dict):
                    raise fa.ControlError(400, "regions.%s: an object" % r)
                else:
                    st["regions"][r] = copy.deepcopy(v)
            for k, v in (body.get("page_size") or {}).items():
                if not isinstance(v, int) or v < 1:
                    raise fa.ControlError(400, "page_size.%s: a positive "
                                          "integer" % k)
                st.setdefault("page_size", {})[k] = v
        elif m == "POST":
            region = body.get("region") if isinstance(body, dict) else None
            if not region:
                raise fa.ControlError(400, "region is required")
            st["regions"][region] = default_region(
                fake.state["account_id"], region)
        elif m != "GET":
            return None
        return st

    fa.CONTROL_ROUTES["/_awsconfig"] = control
