#!/usr/bin/python3
"""fakeaws - a fake AWS endpoint on loopback for driftwatch's tests.

Run with a python that imports botocore (Debian's /usr/bin/python3):

    fakeaws.py --tls-dir DIR --port-file FILE [--credentials FILE]
               [--state FILE] [--log FILE]

It binds three servers on 127.0.0.1 (ports picked by the kernel) and writes
{"aws": P1, "control": P2, "webhook": P3, "pid": PID} to the port file:

  aws      HTTPS, one endpoint for every service; service and region come from
           the SigV4 credential scope.  Every request's signature is verified
           with botocore's SigV4 implementation.
  control  plain HTTP + JSON: state, events, scenario actions, faults,
           request log, stats, webhook records (see README.md).
  webhook  HTTPS, records every POST.

Adding a service or an operation: see the "Service registry" section below.
A Query service is `QueryService(name, model)`, a JSON 1.1 service is
`JsonService(name, model)`, a REST-JSON one `RestJsonService(name,
coral_namespace)`; register operations with the `@svc.op("Name")`
decorator.  A handler gets (ctx, params) and returns the output structure as
a dict using the botocore model's member names; raise AWSError (or
ctx.svc.error("ShapeName", message)) for errors.  Query responses are
serialised to XML from the botocore model; JSON responses are dumped as they
are (timestamps as epoch numbers).

AWS's clock is aws_now(): the host's plus the offset POST /_clock sets.
"""

import argparse
import base64
import collections
import copy
import datetime
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from xml.sax.saxutils import escape as xml_escape

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.loaders
import botocore.model

DEFAULT_ACCOUNT = "111122223333"
DEFAULT_CREDENTIALS = [{
    "AccessKeyId": "AKIDFAKEEXAMPLE0001",
    "SecretAccessKey": "fakeSecretKey/For+Tests0000000000000001",
}]
SIG_MISMATCH_MSG = ("The request signature we calculated does not match the "
                    "signature you provided. Check your AWS Secret Access Key "
                    "and signing method. Consult the service documentation "
                    "for details.")
INVALID_TOKEN_MSG = "The security token included in the request is invalid."
MAX_SKEW = 15 * 60
NINETY_DAYS = 90 * 86400
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

LOG_LOCK = threading.Lock()
LOG_FILE = None


def log(msg):
    line = "%s fakeaws[%d]: %s\n" % (
        datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        os.getpid(), msg)
    with LOG_LOCK:
        if LOG_FILE is not None:
            LOG_FILE.write(line)
            LOG_FILE.flush()
        else:
            sys.stderr.write(line)
            sys.stderr.flush()


# --------------------------------------------------------------------------
# time helpers

def aws_now():
    """AWS's clock: the host's plus the offset a test set (POST /_clock)."""
    fake = FAKE
    return time.time() + (fake.clock_offset if fake is not None else 0.0)


def iso(t):
    """epoch -> '2024-01-02T03:04:05Z'"""
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    d = datetime.datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def to_epoch(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    return parse_iso(v)


# --------------------------------------------------------------------------
# errors

class AWSError(Exception):
    def __init__(self, code, message, status=400, sender=True):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender
        # REST-JSON: where the code goes ("header", "type", "both"), None =
        # the /_config default
        self.style = None


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------
# Service registry

_LOADER = None
_MODELS = {}


def load_model(name):
    global _LOADER
    if name not in _MODELS:
        if _LOADER is None:
            # models Debian's botocore lacks (taxsettings) are kept in
            # models/ beside this file, as botocore's data tree lays them
            _LOADER = botocore.loaders.Loader(extra_search_paths=[
                os.path.join(os.path.dirname(os.path.abspath(__file__)),
                             "models")])
        _MODELS[name] = botocore.model.ServiceModel(
            _LOADER.load_service_model(name, "service-2"), name)
    return _MODELS[name]


class Service:
    """Base class: one per signing name ("iam", "sts", "cloudtrail", ...)."""
    protocol = None
    # codes used for the generic errors; subclasses override
    code_unknown_key = "InvalidClientTokenId"
    code_throttle = "Throttling"
    code_access_denied = "AccessDenied"
    code_missing_auth = "MissingAuthenticationToken"
    code_bad_signature = "SignatureDoesNotMatch"
    code_expired_token = "ExpiredToken"
    code_validation = "ValidationError"
    # (code, HTTP status) for a request signed too far from AWS's clock
    skew_error = ("SignatureDoesNotMatch", 403)
    # a "status" fault takes its code from the model's error shapes
    status_codes_from_model = False

    def __init__(self, name, model_name=None, **codes):
        self.name = name
        self.model_name = model_name or name
        self.ops = {}
        for k, v in codes.items():
            if not hasattr(self, k):
                raise TypeError("unknown service attribute %s" % k)
            setattr(self, k, v)

    @property
    def model(self):
        return load_model(self.model_name)

    def op(self, opname):
        def deco(fn):
            self.ops[opname] = fn
            return fn
        return deco

    def error(self, shape_name, message):
        """An AWSError for one of the model's error shapes: its code and
        HTTP status come from the model."""
        shape = self.model.shape_for(shape_name)
        meta = shape.metadata.get("error") or {}
        return AWSError(shape.error_code or shape_name, message,
                        meta.get("httpStatusCode", 400),
                        sender=bool(meta.get("senderFault")))

    def model_error_for_status(self, status, action):
        """The error code `action`'s model gives HTTP `status`, or None."""
        for shape in self.model.operation_model(action).error_shapes:
            if (shape.metadata.get("error") or {}).get(
                    "httpStatusCode") == status:
                return shape.error_code or shape.name
        return None

    def access_denied_message(self, caller_arn, action):
        return ("User: %s is not authorized to perform: %s:%s on resource: *"
                % (caller_arn, self.name, action))

    def throttle_error(self, message):
        return AWSError(self.code_throttle, message, 400)

    # parse(handler, body) -> (action, params); render(action, result, rid)
    # -> (status, content_type, body bytes, headers); render_error(err,
    # rid) -> same
    def unknown_action(self, action):
        raise NotImplementedError


class QueryService(Service):
    protocol = "query"

    def parse(self, req, body):
        params = {}
        q = urllib.parse.urlsplit(req.path).query
        for k, v in urllib.parse.parse_qsl(q, keep_blank_values=True):
            params[k] = v
        if req.command == "POST" and body:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise AWSError("MalformedQueryString",
                               "Request body is not valid UTF-8")
            for k, v in urllib.parse.parse_qsl(text, keep_blank_values=True):
                params[k] = v
        return params.get("Action"), params

    @property
    def xmlns(self):
        return self.model.metadata["xmlNamespace"]

    def render(self, action, result, rid):
        opm = self.model.operation_model(action)
        shape = opm.output_shape
        inner = ""
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper",
                                              action + "Result")
            inner = xml_serialize(shape, result or {}, wrapper)
        body = ('<%sResponse xmlns="%s">\n  %s\n  <ResponseMetadata>\n'
                '    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
                '</%sResponse>\n' % (action, self.xmlns, inner, rid, action))
        return 200, "text/xml", body.encode(), {}

    def render_error(self, err, rid):
        body = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n'
                '    <Code>%s</Code>\n    <Message>%s</Message>\n  </Error>\n'
                '  <RequestId>%s</RequestId>\n</ErrorResponse>\n' % (
                    self.xmlns, "Sender" if err.sender else "Receiver",
                    xml_escape(err.code), xml_escape(err.message), rid))
        return err.status, "text/xml", body.encode(), {}

    def unknown_action(self, action):
        if not action:
            raise AWSError("MissingAction",
                           "Could not find operation to perform (no Action).")
        raise AWSError("InvalidAction",
                       "Could not find operation %s for version %s" % (
                           action, self.model.api_version))


class JsonService(Service):
    protocol = "json"
    code_unknown_key = "UnrecognizedClientException"
    code_throttle = "ThrottlingException"
    code_access_denied = "AccessDeniedException"
    code_expired_token = "ExpiredTokenException"
    code_validation = "ValidationException"
    skew_error = ("InvalidSignatureException", 400)
    content_type = "application/x-amz-json-1.1"

    @property
    def target_prefix(self):
        return self.model.metadata["targetPrefix"]

    def parse(self, req, body):
        target = req.headers.get("X-Amz-Target", "")
        prefix, _, action = target.rpartition(".")
        if prefix != self.target_prefix or not action:
            # not ours: no operation matches, unknown_action() answers
            return ("?" + target if target else None), {}
        if not body.strip():
            return action, {}
        try:
            params = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise AWSError("SerializationException",
                           "Start of structure or map found where not "
                           "expected")
        if not isinstance(params, dict):
            raise AWSError("SerializationException", "Expected a JSON object")
        return action, params

    def render(self, action, result, rid):
        return 200, self.content_type, json.dumps(result or {}).encode(), {}

    def render_error(self, err, rid):
        body = json.dumps({"__type": err.code, "message": err.message})
        return err.status, self.content_type, body.encode(), {}

    def unknown_action(self, action):
        raise AWSError("UnknownOperationException", "")


# errors the Coral framework raises (not the service's model): their
# x-amzn-ErrorType / __type carry the framework's namespace
CORAL_FRAMEWORK_ERRORS = ("UnknownOperationException",
                          "UnrecognizedClientException",
                          "InvalidSignatureException",
                          "IncompleteSignatureException",
                          "MissingAuthenticationTokenException",
                          "ExpiredTokenException", "SerializationException",
                          "InternalFailure", "ServiceUnavailable")
REST_JSON_ERROR_STYLES = ("header", "type", "both")


class RestJsonService(Service):
    """REST-JSON (Account, Tax Settings): the operation is the method and
    path of the model's http.requestUri, the input a JSON body; an error is
    {"message": ...} with its code in the x-amzn-ErrorType header, in a
    namespaced "__type", or both (AWSError.style, else /_config
    rest_json_error_style)."""
    protocol = "rest-json"
    code_unknown_key = "UnrecognizedClientException"
    code_access_denied = "AccessDeniedException"
    code_missing_auth = "MissingAuthenticationTokenException"
    code_bad_signature = "InvalidSignatureException"
    code_expired_token = "ExpiredTokenException"
    code_validation = "ValidationException"
    skew_error = ("InvalidSignatureException", 403)
    status_codes_from_model = True
    content_type = "application/json"

    def __init__(self, name, coral_namespace, model_name=None, **codes):
        super().__init__(name, model_name, **codes)
        self.coral_namespace = coral_namespace
        self._routes = None

    def _throttle_shape(self):
        for shape in self.model.error_shapes:
            if (shape.metadata.get("retryable") or {}).get("throttling"):
                return shape
        return None

    @property
    def code_throttle(self):
        shape = self._throttle_shape()
        return shape.error_code or shape.name if shape else \
            "ThrottlingException"

    def throttle_error(self, message):
        shape = self._throttle_shape()
        if shape is None:
            return super().throttle_error(message)
        return self.error(shape.name, message)

    def access_denied_message(self, caller_arn, action):
        return "User: %s is not authorized to perform: %s:%s" % (
            caller_arn, self.name, action)

    def routes(self):
        """[(operation, method, path regex)] from the model's requestUri"""
        if self._routes is None:
            out = []
            for name in self.model.operation_names:
                http = self.model.operation_model(name).http
                path = http["requestUri"].split("?", 1)[0]
                parts = re.split(r"\{(\w+)\+?\}", path)
                rx = "".join(re.escape(x) if i % 2 == 0 else
                             "(?P<%s>[^/]+)" % x
                             for i, x in enumerate(parts))
                out.append((name, http["method"], re.compile(rx)))
            self._routes = out
        return self._routes

    def matches(self, req):
        path = urllib.parse.urlsplit(req.path).path
        return any(rx.fullmatch(path) for _, _, rx in self.routes())

    def parse(self, req, body):
        u = urllib.parse.urlsplit(req.path)
        for name, method, rx in self.routes():
            m = rx.fullmatch(u.path)
            if m and method == req.command:
                return name, self._params(name, m, u.query, body)
        return "?%s %s" % (req.command, u.path), {}

    def _params(self, name, match, query, body):
        params = {}
        if body.strip():
            try:
                params = json.loads(body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise AWSError("SerializationException",
                               "Unable to parse the request body as JSON")
            if not isinstance(params, dict):
                raise AWSError("SerializationException",
                               "Expected a JSON object as the request body")
        shape = self.model.operation_model(name).input_shape
        qs = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        for mname, mshape in (shape.members.items() if shape else ()):
            loc = mshape.serialization.get("location")
            wire = mshape.serialization.get("name", mname)
            if loc == "uri":
                params[mname] = urllib.parse.unquote(match.group(wire))
            elif loc == "querystring" and wire in qs:
                params[mname] = qs[wire]
        return params

    def render(self, action, result, rid):
        opm = self.model.operation_model(action)
        status = opm.http.get("responseCode", 200)
        if opm.output_shape is None:
            return status, self.content_type, b"", {}
        return status, self.content_type, json.dumps(result or {}).encode(), {}

    def render_error(self, err, rid):
        style = err.style or (FAKE.config.get("rest_json_error_style")
                              if FAKE else None) or "header"
        modelled = err.code not in CORAL_FRAMEWORK_ERRORS
        body = {"message": err.message}
        hdrs = {}
        if style in ("header", "both"):
            hdrs["x-amzn-ErrorType"] = \
                "%s:http://internal.amazon.com/coral/%s/" % (
                    err.code, self.coral_namespace if modelled
                    else "com.amazon.coral.service")
        if style in ("type", "both"):
            body["__type"] = "%s#%s" % (
                "com.amazonaws." + self.model.metadata["endpointPrefix"]
                if modelled else "com.amazon.coral.service", err.code)
        return err.status, self.content_type, json.dumps(body).encode(), hdrs

    def unknown_action(self, action):
        raise AWSError("UnknownOperationException", "", 404)


# --------------------------------------------------------------------------
# input validation from the model, worded as AWS's (Coral's) validator

def _wire_name(mname):
    return mname[:1].lower() + mname[1:]


def _constraint_violation(shape, value):
    """What `value` breaks of `shape`'s constraints, or None."""
    meta = shape.metadata
    t = shape.type_name
    if t == "string":
        if not isinstance(value, str):
            return "Member must be a string"
        if shape.enum and value not in shape.enum:
            return "Member must satisfy enum value set: [%s]" % \
                ", ".join(shape.enum)
        if "min" in meta and len(value) < meta["min"]:
            return "Member must have length greater than or equal to %d" \
                % meta["min"]
        if "max" in meta and len(value) > meta["max"]:
            return "Member must have length less than or equal to %d" \
                % meta["max"]
        pat = meta.get("pattern")
        if pat and not re.fullmatch(pat, value, re.ASCII | re.DOTALL):
            return "Member must satisfy regular expression pattern: %s" % pat
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "Member must be a number"
        if "min" in meta and value < meta["min"]:
            return "Member must have value greater than or equal to %d" \
                % meta["min"]
        if "max" in meta and value > meta["max"]:
            return "Member must have value less than or equal to %d" \
                % meta["max"]
    return None


def validate_input(svc, action, params):
    """Checks the top-level members of `action`'s input against the model
    (required, enum, length, pattern, range); raises the protocol's
    validation error listing every violation."""
    shape = svc.model.operation_model(action).input_shape
    errs = []
    for mname, mshape in shape.members.items():
        value = params.get(mname)
        if value is None:
            if mname in shape.required_members:
                errs.append("Value null at '%s' failed to satisfy "
                            "constraint: Member must not be null"
                            % _wire_name(mname))
            continue
        why = _constraint_violation(mshape, value)
        if why:
            shown = "" if mshape.metadata.get("sensitive") else \
                " '%s'" % value
            errs.append("Value%s at '%s' failed to satisfy constraint: %s"
                        % (shown, _wire_name(mname), why))
    if errs:
        raise AWSError(svc.code_validation, "%d validation error%s "
                       "detected: %s" % (len(errs), "s" if len(errs) > 1
                                         else "", "; ".join(errs)))


def query_integers(svc, action, params):
    """Query parameters arrive as strings: the model's integer members
    become ints (a non-number is left for validate_input to name)."""
    shape = svc.model.operation_model(action).input_shape
    out = dict(params)
    for mname, mshape in shape.members.items():
        if mshape.type_name in ("integer", "long") and \
                isinstance(out.get(mname), str):
            try:
                out[mname] = int(out[mname])
            except ValueError:
                pass
    return out


def xml_serialize(shape, value, name):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise ValueError("%s: expected dict" % name)
        extra = set(value) - set(shape.members)
        if extra:
            raise ValueError("%s: unknown members %s" % (name, sorted(extra)))
        parts = []
        for mname, mshape in shape.members.items():
            if value.get(mname) is None:
                continue
            parts.append(xml_serialize(mshape, value[mname],
                                       mshape.serialization.get("name",
                                                                mname)))
        inner = "".join(parts)
    elif t == "list":
        mname = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            return "".join(xml_serialize(shape.member, v, name)
                           for v in value)
        inner = "".join(xml_serialize(shape.member, v, mname) for v in value)
    elif t == "map":
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        ents = ["%s%s" % (xml_serialize(shape.key, k, kname),
                          xml_serialize(shape.value, v, vname))
                for k, v in value.items()]
        if shape.serialization.get("flattened"):
            return "".join("<%s>%s</%s>" % (name, e, name) for e in ents)
        inner = "".join("<entry>%s</entry>" % e for e in ents)
    elif t == "boolean":
        inner = "true" if value else "false"
    elif t == "timestamp":
        inner = iso(value) if isinstance(value, (int, float)) else value
    elif t == "blob":
        if isinstance(value, str):
            value = value.encode()
        inner = base64.b64encode(value).decode()
    else:
        inner = xml_escape(str(value))
    return "<%s>%s</%s>" % (name, inner, name)


SERVICES = {}


def register(svc):
    SERVICES[svc.name] = svc
    return svc


IAM = register(QueryService("iam"))
STS = register(QueryService("sts"))
CLOUDTRAIL = register(JsonService("cloudtrail"))
ACCOUNT = register(RestJsonService("account", "com.amazon.account"))
SNS = register(QueryService("sns", code_access_denied="AuthorizationError",
                            status_codes_from_model=True))


# --------------------------------------------------------------------------
# default state

# State other modules (fake_*.py) add: functions of the account id that
# return top-level keys for the default state.
STATE_EXTENSIONS = []


def default_state():
    st = _core_state()
    for fn in STATE_EXTENSIONS:
        st.update(fn(st["account_id"]))
    return st


def _core_state():
    a = DEFAULT_ACCOUNT
    created = "2024-01-02T03:04:05Z"
    return {
        "account_id": a,
        "caller": {
            "UserName": "driftwatch",
            "UserId": "AIDAFAKEDRIFTWATCH01",
            "Arn": "arn:aws:iam::%s:user/driftwatch" % a,
        },
        "root": {
            "MFADevices": [{
                "SerialNumber": "arn:aws:iam::%s:mfa/root-hardware" % a,
                "EnableDate": created, "Virtual": False}],
            "AccessKeysPresent": 0,
            "SigningCertificatesPresent": 0,
            "CreateDate": "2020-01-01T00:00:00Z",
            "PasswordLastUsed": None,
        },
        "users": [
            {"UserName": "breakglass", "UserId": "AIDAFAKEBREAKGLASS01",
             "Path": "/", "Arn": "arn:aws:iam::%s:user/breakglass" % a,
             "CreateDate": created, "PasswordLastUsed": None,
             "MFADevices": [{
                 "SerialNumber": "arn:aws:iam::%s:mfa/breakglass-hw" % a,
                 "EnableDate": created, "Virtual": False}]},
            {"UserName": "alice", "UserId": "AIDAFAKEALICE0000001",
             "Path": "/", "Arn": "arn:aws:iam::%s:user/alice" % a,
             "CreateDate": created, "PasswordLastUsed": "2025-01-02T03:04:05Z",
             "MFADevices": [{
                 "SerialNumber": "arn:aws:iam::%s:mfa/alice" % a,
                 "EnableDate": created, "Virtual": True}]},
        ],
        "unassigned_virtual_mfa": [],
        # extra/overriding GetAccountSummary entries
        "summary": {},
        "trails": [{
            "Name": "org-trail",
            "S3BucketName": "org-trail-logs-%s" % a,
            "IncludeGlobalServiceEvents": True,
            "IsMultiRegionTrail": True,
            "HomeRegion": "eu-west-1",
            "TrailARN": "arn:aws:cloudtrail:eu-west-1:%s:trail/org-trail" % a,
            "LogFileValidationEnabled": True,
            "HasCustomEventSelectors": False,
            "HasInsightSelectors": False,
            "IsOrganizationTrail": True,
            "Status": {
                "IsLogging": True,
                "LatestDeliveryTime": "auto",
                "LatestDigestDeliveryTime": "auto",
                "StartLoggingTime": created,
                "TimeLoggingStarted": created,
            },
        }],
        "events": [],
        # Account Management: the management account reads its own
        # contacts without AccountId; member accounts' under their id
        "is_management_account": True,
        "alternate_contacts": default_alternate_contacts(),
        "member_accounts": {},
        # IAM roles STS AssumeRole can assume
        "roles": [make_role(a, {"RoleName": "driftwatch-readonly",
                                "RoleId": "AROAFAKEDWREADONLY001"},
                            "arn:aws:iam::%s:user/driftwatch" % a)],
        # seconds temporary credentials live (null: DurationSeconds)
        "credential_lifetime_seconds": None,
        # SNS topics Publish reaches; allow null = the owner account only
        "sns_topics": [make_topic({
            "TopicArn": "arn:aws:sns:us-east-1:%s:driftwatch-alerts" % a})],
    }


def make_topic(body):
    """A topic as the state holds it, from a POST /_sns/topics body."""
    if not isinstance(body, dict) or not SNS_TOPIC_RX.fullmatch(
            body.get("TopicArn") or ""):
        raise ControlError(400, "a topic needs TopicArn "
                           "arn:aws:sns:REGION:ACCOUNT:NAME")
    topic = {"TopicArn": body["TopicArn"], "allow": None, "deny": []}
    topic.update(body)
    for k in ("allow", "deny"):
        if topic[k] is not None and not isinstance(topic[k], list):
            raise ControlError(400, "%s must be a list of principals" % k)
    return topic


def make_role(account, body, default_principal):
    """A role as the state holds it, from a POST /_roles body."""
    if not isinstance(body, dict) or not body.get("RoleName"):
        raise ControlError(400, "a role needs RoleName")
    name = body["RoleName"]
    path = body.get("Path") or "/"
    role = {
        "RoleName": name, "Path": path,
        "Arn": "arn:aws:iam::%s:role%s%s" % (
            body.get("account") or account, path, name),
        "RoleId": "AROA" + hashlib.sha1(name.encode()).hexdigest()[:17]
        .upper(),
        "MaxSessionDuration": 3600,
        "trust": {"principals": [default_principal], "external_id": None},
        "credential_lifetime_seconds": None,
    }
    role.update({k: v for k, v in body.items() if k != "account"})
    if not 3600 <= int(role["MaxSessionDuration"]) <= 43200:
        raise ControlError(400, "MaxSessionDuration must be 3600..43200")
    return role


def role_account(arn):
    return arn.split(":")[4]


def default_alternate_contacts():
    return {
        "BILLING": {"Name": "Dana Whitfield",
                    "Title": "Finance Operations Lead",
                    "EmailAddress": "aws-billing@example.com",
                    "PhoneNumber": "+1 206-555-0142"},
        "OPERATIONS": {"Name": "Sam Okafor",
                       "Title": "Site Reliability Manager",
                       "EmailAddress": "aws-ops@example.com",
                       "PhoneNumber": "+1 206-555-0178"},
        "SECURITY": {"Name": "Priya Raman",
                     "Title": "Head of Security",
                     "EmailAddress": "security@example.com",
                     "PhoneNumber": "+1 206-555-0199"},
    }


# --------------------------------------------------------------------------
# the fake

class Fake:
    def __init__(self, credentials, state=None):
        self.lock = threading.RLock()
        self.credentials = {c["AccessKeyId"]: c for c in credentials}
        self.initial_state = state
        self.config = dict(CONFIG_DEFAULTS)
        self.reset()

    def reset(self):
        with self.lock:
            self.state = self._merge_state(self.initial_state)
            self.faults = []
            self.requests = []
            self.stats = collections.OrderedDict()
            self.throttle = {}
            self.webhook_posts = []
            self.webhook_faults = []
            self.seq = 0
            self.config = dict(CONFIG_DEFAULTS)
            self.clock_offset = 0.0
            # temporary credentials AssumeRole issued, by access key id
            self.issued = {}
            self.assume_roles = []
            # what SNS Publish accepted, oldest first
            self.publications = []
            IAM_PAGE_CAP[0] = None

    def credential(self, access_key):
        """The credential `access_key` names (borrowed), or None."""
        with self.lock:
            return self.credentials.get(access_key) or \
                self.issued.get(access_key)

    def issue_credentials(self, role, session, lifetime):
        """New temporary credentials acting as `role`'s session `session`,
        valid `lifetime` seconds of AWS's clock (borrowed)."""
        acct = role_account(role["Arn"])
        cred = {
            "AccessKeyId": "ASIA" + "".join(
                secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                for _ in range(16)),
            "SecretAccessKey": base64.b64encode(
                secrets.token_bytes(30)).decode(),
            "SessionToken": "IQoJb3JpZ2luX2VjE" + base64.b64encode(
                secrets.token_bytes(240)).decode(),
            "Expiration": int(aws_now()) + int(lifetime),
            "Arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (
                acct, role["RoleName"], session),
            "UserId": "%s:%s" % (role["RoleId"], session),
            "Account": acct, "RoleArn": role["Arn"], "AssumedRole": True,
        }
        with self.lock:
            self.issued[cred["AccessKeyId"]] = cred
        return cred

    @staticmethod
    def _merge_state(obj):
        st = default_state()
        if obj:
            if not isinstance(obj, dict):
                raise ControlError(400, "state must be a JSON object")
            st.update(copy.deepcopy(obj))
        evs = []
        for i, ev in enumerate(st["events"]):
            if "CloudTrailEvent" not in ev:
                # a short form, as POST /_event takes: build the record
                ev = build_event(st, ev, i)
            evs.append(ev)
        st["events"] = evs
        for i, ev in enumerate(st["events"]):
            ev.setdefault("seq", i)
            ev.setdefault("visible_at", 0)
            ev.setdefault("region", "us-east-1")
        return st

    def set_state(self, obj):
        with self.lock:
            self.state = self._merge_state(obj)
            self.seq = len(self.state["events"])

    # ---- faults
    def take_fault(self, service, action, region):
        with self.lock:
            for f in self.faults:
                if f.get("service") not in (None, service):
                    continue
                if f.get("action") not in (None, action):
                    continue
                if f.get("region") not in (None, region):
                    continue
                if f["count"] == 0:
                    continue
                if f["count"] > 0:
                    f["count"] -= 1
                hit = dict(f)
                self.faults = [x for x in self.faults if x["count"] != 0]
                return hit
        return None

    # ---- throttling (LookupEvents: N requests / sliding second)
    def admit(self, account, region):
        rps = self.config.get("lookup_events_rps", 2)
        if not rps or rps <= 0:
            return True
        now = time.monotonic()
        with self.lock:
            dq = self.throttle.setdefault((account, region),
                                          collections.deque())
            while dq and dq[0] <= now - 1.0:
                dq.popleft()
            if len(dq) >= rps:
                return False
            dq.append(now)
            return True

    def count(self, rec):
        with self.lock:
            self.requests.append(rec)
            key = "%s:%s:%s" % (rec["service"], rec["action"], rec["region"])
            s = self.stats.setdefault(key, {"count": 0, "ok": 0, "errors": 0,
                                            "throttled": 0, "faults": 0})
            s["count"] += 1
            if rec["status"] is not None and rec["status"] < 300:
                s["ok"] += 1
            else:
                s["errors"] += 1
            if rec.get("throttled"):
                s["throttled"] += 1
            if rec.get("fault"):
                s["faults"] += 1

    def stats_view(self):
        with self.lock:
            by = copy.deepcopy(self.stats)
            tot = sum(v["count"] for v in by.values())
            le = {k.split(":")[2]: v["throttled"] for k, v in by.items()
                  if k.startswith("cloudtrail:LookupEvents:")}
            sigfail = sum(1 for r in self.requests if r["sig_ok"] is False)
            return {"total": tot, "by_action": by,
                    "lookup_events_throttled": sum(le.values()),
                    "lookup_events_throttled_by_region": le,
                    "signature_failures": sigfail}

    # ---- events
    def add_event(self, f):
        with self.lock:
            ev = build_event(self.state, f, self.seq)
            self.seq += 1
            self.state["events"].append(ev)
            return ev["EventId"]


FAKE = None


# --------------------------------------------------------------------------
# events

def default_actor(acct):
    return {"type": "IAMUser", "principalId": "AIDAFAKEADMIN0000001",
            "arn": "arn:aws:iam::%s:user/admin" % acct, "accountId": acct,
            "accessKeyId": "AKIAFAKEADMIN0000001", "userName": "admin"}


def root_actor(acct, console=True):
    ui = {"type": "Root", "principalId": acct,
          "arn": "arn:aws:iam::%s:root" % acct, "accountId": acct,
          "accessKeyId": ""}
    if not console:
        ui["accessKeyId"] = "ASIAFAKEROOTSESSION1"
        ui["sessionContext"] = {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": {"creationDate": iso(aws_now() - 600),
                           "mfaAuthenticated": "true"}}
    return ui


def username_of(ui):
    t = ui.get("type")
    if t == "Root":
        return "root"
    if ui.get("userName"):
        return ui["userName"]
    arn = ui.get("arn") or ""
    if t in ("AssumedRole", "FederatedUser") and "/" in arn:
        return arn.rsplit("/", 1)[1]
    return None


def guess_source(name):
    if name in ("ConsoleLogin", "CheckMfa", "SwitchRole", "ExitRole",
                "PasswordUpdated", "PasswordRecoveryRequested",
                "PasswordRecoveryCompleted"):
        return "signin.amazonaws.com"
    if name in ("StopLogging", "StartLogging", "DeleteTrail", "UpdateTrail",
                "CreateTrail", "PutEventSelectors", "PutInsightSelectors"):
        return "cloudtrail.amazonaws.com"
    if "ConfigurationRecorder" in name or "DeliveryChannel" in name \
            or "ConfigRule" in name:
        return "config.amazonaws.com"
    if "AlternateContact" in name:
        return "account.amazonaws.com"
    return "iam.amazonaws.com"


def guess_readonly(name):
    return name.startswith(("Get", "List", "Describe", "Lookup", "Head"))


def build_event(state, f, seq):
    if not isinstance(f, dict):
        raise ControlError(400, "event must be a JSON object")
    acct = state["account_id"]
    name = f.get("EventName")
    if not name:
        raise ControlError(400, "EventName is required")
    now = aws_now()
    region = f.get("region") or "us-east-1"
    source = f.get("EventSource") or guess_source(name)
    ui = f.get("userIdentity") or default_actor(acct)
    t = to_epoch(f["EventTime"]) if f.get("EventTime") is not None else now
    eid = f.get("EventId") or str(uuid.uuid4())
    ro = f.get("ReadOnly")
    if ro is None:
        ro = guess_readonly(name)
    if isinstance(ro, str):
        ro = ro.lower() == "true"
    ak = f["AccessKeyId"] if "AccessKeyId" in f else (ui.get("accessKeyId")
                                                      or None)
    uname = f["Username"] if "Username" in f else username_of(ui)
    console = name == "ConsoleLogin" or source == "signin.amazonaws.com"
    ua = f.get("userAgent") or (
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 "
        "Firefox/128.0" if console else
        "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.0 "
        "md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython "
        "cfg/retry-mode#standard md/installer#exe prompt/off "
        "command/%s" % name)
    rec = {
        "eventVersion": "1.08",
        "userIdentity": ui,
        "eventTime": iso(t),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": f.get("sourceIPAddress") or "198.51.100.7",
        "userAgent": ua,
    }
    if f.get("errorCode"):
        rec["errorCode"] = f["errorCode"]
    if f.get("errorMessage"):
        rec["errorMessage"] = f["errorMessage"]
    rec["requestParameters"] = f.get("requestParameters")
    rec["responseElements"] = f.get("responseElements")
    if f.get("additionalEventData") is not None:
        rec["additionalEventData"] = f["additionalEventData"]
    if not console:
        rec["requestID"] = f.get("requestID") or str(uuid.uuid4())
    rec["eventID"] = eid
    rec["readOnly"] = bool(ro)
    rec["eventType"] = f.get("eventType") or (
        "AwsConsoleSignIn" if name == "ConsoleLogin" else "AwsApiCall")
    rec["managementEvent"] = True
    rec["recipientAccountId"] = f.get("recipientAccountId") or acct
    rec["eventCategory"] = "Management"
    if not console:
        host = source if source != "iam.amazonaws.com" else "iam.amazonaws.com"
        if source != "iam.amazonaws.com":
            host = source.replace(".amazonaws.com", "") + \
                ".%s.amazonaws.com" % region
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3",
                             "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": host}
    if isinstance(f.get("record_extra"), dict):
        rec.update(f["record_extra"])
    return {
        "EventId": eid,
        "EventName": name,
        "ReadOnly": "true" if ro else "false",
        "AccessKeyId": ak,
        "EventTime": t,
        "EventSource": source,
        "Username": uname,
        "Resources": f.get("Resources") or [],
        "CloudTrailEvent": json.dumps(rec),
        "region": region,
        "visible_at": now + float(f.get("visible_delay") or 0),
        "seq": seq,
    }


# --------------------------------------------------------------------------
# IAM

def _user_out(u):
    return {k: u[k] for k in ("Path", "UserName", "UserId", "Arn",
                              "CreateDate", "PasswordLastUsed")
            if u.get(k) is not None}


# IAM "might return fewer results, even when there are more results
# available" (its API reference): /_config iam_page_size makes it so, to
# exercise a client's Marker handling without thousands of users.
CONFIG_DEFAULTS = {"lookup_events_rps": 2, "max_skew_seconds": MAX_SKEW,
                   "iam_page_size": None, "rest_json_error_style": "header"}
IAM_PAGE_CAP = [None]


def _paginate_iam(items, params):
    mi = params.get("MaxItems")
    if mi is None or mi == "":
        maxitems = 100
    else:
        try:
            maxitems = int(mi)
        except ValueError:
            raise AWSError("ValidationError",
                           "Value '%s' at 'maxItems' failed to satisfy "
                           "constraint: Member must be a number" % mi)
        if maxitems < 1 or maxitems > 1000:
            raise AWSError("ValidationError",
                           "1 validation error detected: Value '%d' at "
                           "'maxItems' failed to satisfy constraint: Member "
                           "must have value %s" % (
                               maxitems,
                               "greater than or equal to 1" if maxitems < 1
                               else "less than or equal to 1000"))
    if IAM_PAGE_CAP[0]:
        maxitems = min(maxitems, int(IAM_PAGE_CAP[0]))
    start = 0
    marker = params.get("Marker")
    if marker:
        try:
            start = int(base64.b64decode(marker, validate=True)
                        .decode().split(":", 1)[1])
            if start < 0 or start > len(items):
                raise ValueError
        except Exception:
            raise AWSError("ValidationError", "Invalid Marker.")
    page = items[start:start + maxitems]
    out = {"IsTruncated": start + maxitems < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = base64.b64encode(
            ("m:%d" % (start + maxitems)).encode()).decode()
    return page, out


def _find_user(st, name):
    for u in st["users"]:
        if u["UserName"] == name:
            return u
    return None


@IAM.op("GetAccountSummary")
def iam_get_account_summary(ctx, params):
    st = ctx.state
    in_use = len(st["root"]["MFADevices"]) + sum(
        len(u.get("MFADevices", [])) for u in st["users"])
    sm = {
        "Users": len(st["users"]), "UsersQuota": 5000,
        "Groups": 1, "GroupsQuota": 300,
        "ServerCertificates": 0, "ServerCertificatesQuota": 20,
        "UserPolicySizeQuota": 2048, "GroupPolicySizeQuota": 5120,
        "GroupsPerUserQuota": 10, "SigningCertificatesPerUserQuota": 2,
        "AccessKeysPerUserQuota": 2,
        "MFADevices": in_use + len(st["unassigned_virtual_mfa"]),
        "MFADevicesInUse": in_use,
        "AccountMFAEnabled": 1 if st["root"]["MFADevices"] else 0,
        "AccountAccessKeysPresent": int(st["root"]["AccessKeysPresent"]),
        "AccountSigningCertificatesPresent":
            int(st["root"].get("SigningCertificatesPresent", 0)),
        "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10,
        "AttachedPoliciesPerUserQuota": 10,
        "Policies": 3, "PoliciesQuota": 1500, "PolicySizeQuota": 6144,
        "PolicyVersionsInUse": 12, "PolicyVersionsInUseQuota": 10000,
        "VersionsPerPolicyQuota": 5, "GlobalEndpointTokenVersion": 1,
    }
    sm.update(st.get("summary") or {})
    return {"SummaryMap": sm}


@IAM.op("ListUsers")
def iam_list_users(ctx, params):
    prefix = params.get("PathPrefix") or "/"
    users = [_user_out(u) for u in ctx.state["users"]
             if u.get("Path", "/").startswith(prefix)]
    page, out = _paginate_iam(users, params)
    out["Users"] = page
    return out


@IAM.op("ListMFADevices")
def iam_list_mfa_devices(ctx, params):
    st = ctx.state
    name = params.get("UserName")
    if not name and ctx.caller.get("AssumedRole"):
        raise AWSError("ValidationError", "Must specify userName when "
                       "calling with non-User credentials")
    if not name:
        arn = ctx.caller["Arn"]
        if arn.endswith(":root"):
            devs = [{"UserName": st["account_id"],
                     "SerialNumber": d["SerialNumber"],
                     "EnableDate": d["EnableDate"]}
                    for d in st["root"]["MFADevices"]]
            page, out = _paginate_iam(devs, params)
            out["MFADevices"] = page
            return out
        name = ctx.caller.get("UserName") or arn.rsplit("/", 1)[-1]
        u = _find_user(st, name)
        devices = u.get("MFADevices", []) if u else []
    else:
        u = _find_user(st, name)
        if u is None:
            raise AWSError("NoSuchEntity",
                           "The user with name %s cannot be found." % name,
                           status=404)
        devices = u.get("MFADevices", [])
    devs = [{"UserName": name, "SerialNumber": d["SerialNumber"],
             "EnableDate": d["EnableDate"]} for d in devices]
    page, out = _paginate_iam(devs, params)
    out["MFADevices"] = page
    return out


@IAM.op("ListVirtualMFADevices")
def iam_list_virtual_mfa_devices(ctx, params):
    st = ctx.state
    status = params.get("AssignmentStatus") or "Any"
    if status not in ("Assigned", "Unassigned", "Any"):
        raise AWSError("ValidationError",
                       "1 validation error detected: Value '%s' at "
                       "'assignmentStatus' failed to satisfy constraint: "
                       "Member must satisfy enum value set: "
                       "[Unassigned, Any, Assigned]" % status)
    devs = []
    if status in ("Assigned", "Any"):
        r = st["root"]
        for d in r["MFADevices"]:
            if d.get("Virtual"):
                user = {"UserId": st["account_id"],
                        "Arn": "arn:aws:iam::%s:root" % st["account_id"],
                        "CreateDate": r.get("CreateDate"),
                        "PasswordLastUsed": r.get("PasswordLastUsed")}
                devs.append({"SerialNumber": d["SerialNumber"],
                             "User": {k: v for k, v in user.items()
                                      if v is not None},
                             "EnableDate": d["EnableDate"]})
        for u in st["users"]:
            for d in u.get("MFADevices", []):
                if d.get("Virtual"):
                    devs.append({"SerialNumber": d["SerialNumber"],
                                 "User": _user_out(u),
                                 "EnableDate": d["EnableDate"]})
    if status in ("Unassigned", "Any"):
        for d in st["unassigned_virtual_mfa"]:
            devs.append({"SerialNumber": d["SerialNumber"]})
    devs.sort(key=lambda d: d["SerialNumber"])
    page, out = _paginate_iam(devs, params)
    out["VirtualMFADevices"] = page
    return out


# --------------------------------------------------------------------------
# STS

@STS.op("GetCallerIdentity")
def sts_get_caller_identity(ctx, params):
    return {"UserId": ctx.caller["UserId"], "Account": ctx.account,
            "Arn": ctx.caller["Arn"]}


DEFAULT_ROLE_DURATION = 3600


def _find_role(st, arn):
    for r in st.get("roles") or []:
        if r["Arn"] == arn:
            return r
    return None


def _trusts(role, ctx, external_id):
    """Whether `role`'s trust lets the caller assume it: a principal entry
    names the caller's ARN, its access key, its account's root
    ("arn:aws:iam::ACCOUNT:root": anyone in it), its role (for a role
    session) or "*"; and the ExternalId matches when one is required."""
    trust = role.get("trust") or {}
    c = ctx.caller
    me = {c["Arn"], ctx.access_key, "*",
          "arn:aws:iam::%s:root" % ctx.account}
    if c.get("AssumedRole"):
        cred = ctx.fake.credential(ctx.access_key) or {}
        me.add(cred.get("RoleArn"))
    if not me & set(trust.get("principals") or []):
        return False
    want = trust.get("external_id")
    return want is None or want == external_id


def _check_duration(role, ctx, duration):
    if duration > int(role.get("MaxSessionDuration") or
                      DEFAULT_ROLE_DURATION):
        raise AWSError("ValidationError", "The requested DurationSeconds "
                       "exceeds the MaxSessionDuration set for this role.")
    if ctx.caller.get("AssumedRole") and duration > 3600:
        raise AWSError("ValidationError", "The requested DurationSeconds "
                       "exceeds the 1 hour session limit for roles assumed "
                       "by role chaining.")


def _assume_role_record(ctx, params):
    """What the request log keeps of an AssumeRole (no secret)."""
    rec = {"caller": ctx.caller["Arn"], "access_key": ctx.access_key,
           "role_arn": params.get("RoleArn"),
           "session_name": params.get("RoleSessionName"),
           "external_id": params.get("ExternalId"),
           "duration_seconds": params.get("DurationSeconds"),
           "time": time.time(), "aws_time": aws_now(), "result": "invalid",
           "issued_access_key": None, "expiration": None}
    ctx.rec["assume_role"] = rec
    ctx.fake.assume_roles.append(rec)
    return rec


@STS.op("AssumeRole")
def sts_assume_role(ctx, params):
    params = query_integers(ctx.svc, ctx.action, params)
    rec = _assume_role_record(ctx, params)
    validate_input(ctx.svc, ctx.action, params)
    role = _find_role(ctx.state, params["RoleArn"])
    if role is None or not _trusts(role, ctx, params.get("ExternalId")):
        rec["result"] = "denied"
        raise AWSError("AccessDenied", "User: %s is not authorized to "
                       "perform: sts:AssumeRole on resource: %s" % (
                           ctx.caller["Arn"], params["RoleArn"]), 403)
    duration = params.get("DurationSeconds") or DEFAULT_ROLE_DURATION
    _check_duration(role, ctx, duration)
    lifetime = role.get("credential_lifetime_seconds") or \
        ctx.state.get("credential_lifetime_seconds") or duration
    cred = ctx.fake.issue_credentials(role, params["RoleSessionName"],
                                      lifetime)
    rec.update(result="issued", issued_access_key=cred["AccessKeyId"],
               expiration=cred["Expiration"])
    return {"Credentials": {k: cred[k] for k in (
                "AccessKeyId", "SecretAccessKey", "SessionToken",
                "Expiration")},
            "AssumedRoleUser": {"AssumedRoleId": cred["UserId"],
                                "Arn": cred["Arn"]}}


# --------------------------------------------------------------------------
# Account (REST-JSON)

STANDALONE_MSG = ("The management account can only be managed using the "
                  "standalone context from the management account.")
NO_CONTACT_MSG = "No contact of the inputted alternate contact type found."
CONTACT_FIELDS = ("Name", "Title", "EmailAddress", "PhoneNumber")


def caller_identity(ctx):
    """The CloudTrail userIdentity of the request's caller."""
    c = ctx.caller
    if c.get("AssumedRole"):
        return {"type": "AssumedRole", "principalId": c["UserId"],
                "arn": c["Arn"], "accountId": ctx.account,
                "accessKeyId": ctx.access_key}
    ui = {"type": "IAMUser", "principalId": c.get("UserId"),
          "arn": c["Arn"], "accountId": ctx.account,
          "accessKeyId": ctx.access_key}
    if c.get("UserName"):
        ui["userName"] = c["UserName"]
    return ui


def _contacts_of(ctx, params):
    """The alternate-contacts dict the request names (borrowed): the
    caller's own account without AccountId; as AWS documents, the
    management account cannot name itself, and only the management
    account may name a member account."""
    st = ctx.state
    aid = params.get("AccountId")
    if aid is None:
        return st.setdefault("alternate_contacts", {})
    deny = ctx.svc.access_denied_message(ctx.caller["Arn"], ctx.action)
    if not st.get("is_management_account"):
        raise ctx.svc.error("AccessDeniedException", deny)
    if aid == ctx.account:
        raise ctx.svc.error("AccessDeniedException",
                            "%s (%s)" % (deny, STANDALONE_MSG))
    member = (st.get("member_accounts") or {}).get(aid)
    if member is None:
        raise ctx.svc.error("AccessDeniedException", deny)
    return member.setdefault("alternate_contacts", {})


def _contact_event(ctx, name, params):
    rp = {k: v for k, v in params.items() if k not in CONTACT_FIELDS}
    ctx.fake.add_event({"region": "us-east-1", "EventName": name,
                        "EventSource": "account.amazonaws.com",
                        "userIdentity": caller_identity(ctx),
                        "requestParameters": rp, "responseElements": None})


@ACCOUNT.op("GetAlternateContact")
def account_get_alternate_contact(ctx, params):
    validate_input(ctx.svc, ctx.action, params)
    kind = params["AlternateContactType"]
    c = _contacts_of(ctx, params).get(kind)
    if not c:
        raise ctx.svc.error("ResourceNotFoundException", NO_CONTACT_MSG)
    out = {k: c[k] for k in CONTACT_FIELDS if c.get(k) is not None}
    out["AlternateContactType"] = kind
    return {"AlternateContact": out}


@ACCOUNT.op("PutAlternateContact")
def account_put_alternate_contact(ctx, params):
    validate_input(ctx.svc, ctx.action, params)
    contacts = _contacts_of(ctx, params)
    contacts[params["AlternateContactType"]] = {
        k: params[k] for k in CONTACT_FIELDS}
    _contact_event(ctx, "PutAlternateContact", params)
    return None


@ACCOUNT.op("DeleteAlternateContact")
def account_delete_alternate_contact(ctx, params):
    validate_input(ctx.svc, ctx.action, params)
    contacts = _contacts_of(ctx, params)
    if not contacts.get(params["AlternateContactType"]):
        raise ctx.svc.error("ResourceNotFoundException", NO_CONTACT_MSG)
    del contacts[params["AlternateContactType"]]
    _contact_event(ctx, "DeleteAlternateContact", params)
    return None


# --------------------------------------------------------------------------
# SNS

SNS_TOPIC_RX = re.compile(r"arn:aws[\w-]*:sns:([a-z0-9-]+):(\d{12}):"
                          r"([\w-]{1,256})", re.ASCII)
SNS_MAX_MESSAGE = 262144
SNS_TYPE_PREFIXES = ("String", "Number", "Binary")
SNS_ATTR_NAME_RX = re.compile(r"[A-Za-z0-9_.-]{1,256}")


def _sns_invalid(ctx, what):
    return ctx.svc.error("InvalidParameterException",
                         "Invalid parameter: %s" % what)


def _sns_bad_value(ctx, message):
    return ctx.svc.error("InvalidParameterValueException", message)


def _publish_topic_arn(ctx, params):
    arn = params.get("TopicArn")
    if not arn and not params.get("TargetArn") and \
            not params.get("PhoneNumber"):
        raise _sns_invalid(ctx, "TopicArn or TargetArn Reason: no value "
                           "for required parameter")
    if not arn:
        raise _sns_invalid(ctx, "TargetArn" if params.get("TargetArn")
                           else "PhoneNumber")
    m = SNS_TOPIC_RX.fullmatch(arn)
    # AWS: "You can publish messages only to topics … in the same Region"
    if m is None or m.group(1) != ctx.region:
        raise _sns_invalid(ctx, "TopicArn")
    return arn


def _check_subject(ctx, subject):
    """AWS: ASCII, beginning with a letter, number or punctuation mark, no
    line breaks or control characters, less than 100 characters."""
    if subject is None:
        return
    ok = 0 < len(subject) < 100 and subject.isascii() and \
        (subject[0].isalnum() or subject[0] in
         "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") and \
        not any(ord(c) < 32 or ord(c) == 127 for c in subject)
    if not ok:
        raise _sns_invalid(ctx, "Subject")


def parse_query_map(svc, action, params, member):
    """A map member as botocore's Query serializer writes it:
    MEMBER.entry.N.KEYNAME / MEMBER.entry.N.VALUENAME.Field (the names from
    the model). Returns {key: {Field: value}} in N order, or raises."""
    shape = svc.model.operation_model(action).input_shape.members[member]
    kname = shape.key.serialization.get("name", "key")
    vname = shape.value.serialization.get("name", "value")
    rx = re.compile(r"%s\.entry\.(\d+)\.(?:(%s)|%s\.(\w+))" % (
        re.escape(member), re.escape(kname), re.escape(vname)))
    entries = {}
    for k, v in params.items():
        m = rx.fullmatch(k)
        if m is None:
            continue
        e = entries.setdefault(int(m.group(1)), {"key": None, "value": {}})
        if m.group(2):
            e["key"] = v
        else:
            e["value"][m.group(3)] = v
    out = {}
    for n in sorted(entries):
        if entries[n]["key"] is None:
            raise AWSError("ValidationError", "%s.entry.%d: no %s"
                           % (member, n, kname))
        out[entries[n]["key"]] = entries[n]["value"]
    return out


def _check_attr_name(ctx, name):
    ok = SNS_ATTR_NAME_RX.fullmatch(name) and not name.startswith(".") \
        and not name.endswith(".") and ".." not in name and \
        not name.lower().startswith(("aws.", "amazon."))
    if not ok:
        raise _sns_bad_value(ctx, "The message attribute name '%s' is "
                             "invalid." % name)


def _check_attr(ctx, name, v):
    _check_attr_name(ctx, name)
    dtype = v.get("DataType")
    if not dtype:
        raise _sns_bad_value(ctx, "The message attribute '%s' must contain "
                             "non-empty message attribute type." % name)
    if dtype.split(".", 1)[0] not in SNS_TYPE_PREFIXES:
        raise _sns_bad_value(ctx, "The message attribute '%s' has an "
                             "invalid message attribute type, the set of "
                             "supported type prefixes is Binary, Number, and "
                             "String." % name)
    field = "BinaryValue" if dtype.startswith("Binary") else "StringValue"
    if not v.get(field):
        raise _sns_bad_value(ctx, "The message attribute '%s' must contain "
                             "non-empty message attribute value for message "
                             "attribute type '%s'." % (name, dtype))
    if dtype.startswith("Number"):
        try:
            float(v[field])
        except ValueError:
            raise _sns_bad_value(ctx, "Could not cast message attribute "
                                 "'%s' value to number." % name)


def _attr_bytes(name, v):
    value = v.get("StringValue") or ""
    if v.get("BinaryValue"):
        value = base64.b64decode(v["BinaryValue"])
    if isinstance(value, str):
        value = value.encode()
    return len(name.encode()) + len(v["DataType"].encode()) + len(value)


def _check_message(ctx, params, attrs):
    msg = params.get("Message")
    if not msg:
        raise _sns_invalid(ctx, "Empty message")
    size = len(msg.encode()) + sum(_attr_bytes(n, v)
                                   for n, v in attrs.items())
    if size > SNS_MAX_MESSAGE:
        raise _sns_invalid(ctx, "Message too long")
    structure = params.get("MessageStructure")
    if structure is None:
        return
    if structure != "json":
        raise _sns_invalid(ctx, "MessageStructure")
    try:
        body = json.loads(msg)
    except ValueError:
        raise _sns_invalid(ctx, "Message Structure - JSON message body "
                           "failed to parse")
    if not isinstance(body, dict) or not isinstance(body.get("default"),
                                                    str):
        raise _sns_invalid(ctx, "Message Structure - No default entry in "
                           "JSON message body")


def _find_topic(st, arn):
    for t in st.get("sns_topics") or []:
        if t["TopicArn"] == arn:
            return t
    return None


def _principals(ctx):
    """Every name a policy may give the caller."""
    c = ctx.caller
    me = {c["Arn"], ctx.access_key, "*",
          "arn:aws:iam::%s:root" % ctx.account}
    if c.get("AssumedRole"):
        me.add((ctx.fake.credential(ctx.access_key) or {}).get("RoleArn"))
    return me


def _authorize_publish(ctx, topic):
    """The topic's policy: a principal in `deny` is refused; `allow` null
    lets the topic's own account publish, a list names who may."""
    me = _principals(ctx)
    allow = topic.get("allow")
    if allow is None:
        ok = SNS_TOPIC_RX.fullmatch(topic["TopicArn"]).group(2) == \
            ctx.account
    else:
        ok = bool(me & set(allow))
    if not ok or me & set(topic.get("deny") or []):
        raise ctx.svc.error("AuthorizationErrorException",
                            "User: %s is not authorized to perform: "
                            "SNS:Publish on resource: %s" % (
                                ctx.caller["Arn"], topic["TopicArn"]))


@SNS.op("Publish")
def sns_publish(ctx, params):
    arn = _publish_topic_arn(ctx, params)
    _check_subject(ctx, params.get("Subject"))
    attrs = parse_query_map(ctx.svc, ctx.action, params, "MessageAttributes")
    for name, v in attrs.items():
        _check_attr(ctx, name, v)
    _check_message(ctx, params, attrs)
    topic = _find_topic(ctx.state, arn)
    if topic is None:
        raise ctx.svc.error("NotFoundException", "Topic does not exist")
    _authorize_publish(ctx, topic)
    mid = str(uuid.uuid4())
    ctx.fake.publications.append({
        "message_id": mid, "topic_arn": arn, "region": ctx.region,
        "subject": params.get("Subject"), "message": params["Message"],
        "message_structure": params.get("MessageStructure"),
        "attributes": attrs, "access_key": ctx.access_key,
        "caller": ctx.caller["Arn"], "request_id": ctx.rec["id"],
        "time": time.time(), "aws_time": aws_now()})
    return {"MessageId": mid}


# --------------------------------------------------------------------------
# CloudTrail

TRAIL_OUT_KEYS = ("Name", "S3BucketName", "S3KeyPrefix", "SnsTopicName",
                  "SnsTopicARN", "IncludeGlobalServiceEvents",
                  "IsMultiRegionTrail", "HomeRegion", "TrailARN",
                  "LogFileValidationEnabled", "CloudWatchLogsLogGroupArn",
                  "CloudWatchLogsRoleArn", "KmsKeyId",
                  "HasCustomEventSelectors", "HasInsightSelectors",
                  "IsOrganizationTrail")
STATUS_DATE_KEYS = ("LatestDeliveryTime", "LatestNotificationTime",
                    "StartLoggingTime", "StopLoggingTime",
                    "LatestCloudWatchLogsDeliveryTime",
                    "LatestDigestDeliveryTime")
STATUS_STR_KEYS = ("LatestDeliveryError", "LatestNotificationError",
                   "LatestCloudWatchLogsDeliveryError",
                   "LatestDigestDeliveryError", "LatestDeliveryAttemptTime",
                   "LatestNotificationAttemptTime",
                   "LatestNotificationAttemptSucceeded",
                   "LatestDeliveryAttemptSucceeded", "TimeLoggingStarted",
                   "TimeLoggingStopped")


def _trail_visible(trail, region):
    return trail.get("HomeRegion") == region or trail.get("IsMultiRegionTrail")


def _find_trail(st, name, region=None, arn_only_shadow=True):
    for t in st["trails"]:
        if name == t.get("TrailARN"):
            if region is None or _trail_visible(t, region):
                return t
        elif name == t.get("Name"):
            if region is None or t.get("HomeRegion") == region:
                return t
            # a shadow trail (other region) must be named by ARN
            if not arn_only_shadow and _trail_visible(t, region):
                return t
    return None


def _json_bool(params, key):
    v = params.get(key)
    if v is not None and not isinstance(v, bool):
        raise AWSError("SerializationException",
                       "Expected boolean for %s" % key)
    return v


@CLOUDTRAIL.op("DescribeTrails")
def ct_describe_trails(ctx, params):
    names = params.get("trailNameList")
    if names is not None and not isinstance(names, list):
        raise AWSError("SerializationException", "trailNameList: list")
    shadow = _json_bool(params, "includeShadowTrails")
    if shadow is None:
        shadow = True
    out = []
    for t in ctx.state["trails"]:
        if not _trail_visible(t, ctx.region):
            continue
        is_shadow = t.get("HomeRegion") != ctx.region
        if is_shadow and not shadow:
            continue
        if names:
            if not any(n in (t.get("Name"), t.get("TrailARN"))
                       for n in names):
                continue
        out.append({k: t[k] for k in TRAIL_OUT_KEYS if t.get(k) is not None})
    return {"trailList": out}


@CLOUDTRAIL.op("GetTrailStatus")
def ct_get_trail_status(ctx, params):
    name = params.get("Name")
    if not name or not isinstance(name, str):
        raise AWSError("InvalidTrailNameException",
                       "Trail name or ARN can only contain uppercase letters,"
                       " lowercase letters, numbers, periods (.), hyphens "
                       "(-), and underscores (_).")
    t = _find_trail(ctx.state, name, ctx.region)
    if t is None:
        raise AWSError("TrailNotFoundException",
                       "Unknown trail: %s for the user: %s" % (
                           name, ctx.account))
    s = t.get("Status") or {}
    now = aws_now()
    out = {"IsLogging": bool(s.get("IsLogging"))}
    for k in STATUS_DATE_KEYS:
        v = s.get(k)
        if v == "auto":
            if not s.get("IsLogging"):
                continue
            v = round(now - 120 - (now % 60), 3)
        if v is not None:
            out[k] = round(to_epoch(v), 3)
    for k in STATUS_STR_KEYS:
        if s.get(k) is not None:
            out[k] = s[k]
    return out


LOOKUP_KEYS = ("EventId", "EventName", "ReadOnly", "Username",
               "ResourceType", "ResourceName", "EventSource", "AccessKeyId")


def _lookup_match(ev, key, value):
    if key in ("ResourceType", "ResourceName"):
        return any(r.get(key) == value for r in ev.get("Resources") or [])
    return ev.get(key) == value


def _epoch_param(params, key):
    v = params.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise AWSError("SerializationException",
                       "class java.lang.String can not be converted to "
                       "milliseconds since epoch" if isinstance(v, str) else
                       "Expected epoch seconds for %s" % key)
    return float(v)


def _token_hash(attrs, start, end, cat):
    h = hashlib.sha256(json.dumps([attrs, start, end, cat]).encode())
    return h.hexdigest()[:16]


@CLOUDTRAIL.op("LookupEvents")
def ct_lookup_events(ctx, params):
    attrs = params.get("LookupAttributes") or []
    if not isinstance(attrs, list):
        raise AWSError("SerializationException", "LookupAttributes: list")
    if len(attrs) > 1:
        raise AWSError("InvalidLookupAttributesException",
                       "You cannot specify more than one lookup attribute.")
    key = value = None
    if attrs:
        a = attrs[0]
        if not isinstance(a, dict):
            raise AWSError("SerializationException", "LookupAttribute")
        key, value = a.get("AttributeKey"), a.get("AttributeValue")
        if key not in LOOKUP_KEYS:
            raise AWSError("InvalidLookupAttributesException",
                           "Invalid attribute key: %s" % key)
        if not isinstance(value, str) or not value or len(value) > 2000:
            raise AWSError("InvalidLookupAttributesException",
                           "Invalid attribute value for key %s" % key)
    now = aws_now()
    start = _epoch_param(params, "StartTime")
    end = _epoch_param(params, "EndTime")
    if start is not None and end is not None and start > end:
        raise AWSError("InvalidTimeRangeException",
                       "Start time must be earlier than end time.")
    lo = start if start is not None else now - NINETY_DAYS
    hi = end if end is not None else now
    lo = max(lo, now - NINETY_DAYS)
    cat = params.get("EventCategory")
    if cat is not None and cat != "insight":
        raise AWSError("InvalidEventCategoryException",
                       "Event category is not valid.")
    mr = params.get("MaxResults")
    if mr is None:
        mr = 50
    if isinstance(mr, bool) or not isinstance(mr, int) or mr < 1 or mr > 50:
        raise AWSError("InvalidMaxResultsException",
                       "MaxResults must be between 1 and 50.")
    th = _token_hash([key, value], start, end, cat)
    after = None
    tok = params.get("NextToken")
    if tok is not None:
        try:
            d = json.loads(base64.urlsafe_b64decode(tok.encode()).decode())
            if d["h"] != th:
                raise ValueError("token for another query")
            after = (float(d["t"]), int(d["s"]))
        except Exception:
            raise AWSError("InvalidNextTokenException",
                           "Invalid NextToken.")
    if cat == "insight":
        return {"Events": []}
    evs = [e for e in ctx.state["events"]
           if e.get("region") == ctx.region
           and e.get("visible_at", 0) <= now
           and lo <= e["EventTime"] <= hi
           and (key is None or _lookup_match(e, key, value))]
    evs.sort(key=lambda e: (e["EventTime"], e["seq"]), reverse=True)
    if after is not None:
        evs = [e for e in evs if (e["EventTime"], e["seq"]) < after]
    page = evs[:mr]
    out = {"Events": []}
    for e in page:
        o = {k: e[k] for k in ("EventId", "EventName", "ReadOnly",
                               "AccessKeyId", "EventTime", "EventSource",
                               "Username", "Resources", "CloudTrailEvent")
             if e.get(k) not in (None, "")}
        o.setdefault("Resources", [])
        out["Events"].append(o)
    if len(evs) > mr:
        last = page[-1]
        out["NextToken"] = base64.urlsafe_b64encode(json.dumps(
            {"t": last["EventTime"], "s": last["seq"], "h": th})
            .encode()).decode()
    return out


# --------------------------------------------------------------------------
# SigV4 verification

class _SignedHeadersSigV4(botocore.auth.SigV4Auth):
    """botocore's SigV4, but canonicalising exactly the headers the client
    signed (botocore's own list drops user-agent/expect)."""

    def headers_to_sign(self, request):
        hm = botocore.awsrequest.HTTPHeaders()
        for name, value in request.headers.items():
            hm[name.lower()] = value
        return hm


class AuthInfo:
    pass


def parse_authorization(value):
    if not value:
        raise AWSError("MissingAuthenticationToken",
                       "Missing Authentication Token", 403)
    if not value.startswith("AWS4-HMAC-SHA256 "):
        raise AWSError("IncompleteSignature",
                       "Unsupported Authorization Type", 403)
    fields = {}
    for part in value[len("AWS4-HMAC-SHA256 "):].split(","):
        k, sep, v = part.strip().partition("=")
        if not sep:
            raise AWSError("IncompleteSignature",
                           "Authorization header requires each component "
                           "to be of the form key=value: '%s'" % part, 403)
        fields[k] = v
    missing = [k for k in ("Credential", "SignedHeaders", "Signature")
               if not fields.get(k)]
    if missing:
        raise AWSError("IncompleteSignature",
                       "Authorization header requires '%s' parameter. "
                       "Authorization=%s" % (missing[0], value), 403)
    cred = fields["Credential"].split("/")
    if len(cred) != 5 or cred[4] != "aws4_request" or not all(cred):
        raise AWSError("IncompleteSignature",
                       "Credential should be scoped to a valid region. ",
                       403)
    a = AuthInfo()
    a.access_key, a.date, a.region, a.service = cred[:4]
    a.signed_headers = fields["SignedHeaders"].split(";")
    a.signature = fields["Signature"]
    return a


EXPIRED_TOKEN_MSG = "The security token included in the request is expired"


def check_credential(svc, cred, headers):
    """The key must be known, its session token sent, and (temporary
    credentials) not expired by AWS's clock; raises AWSError as AWS does."""
    if cred is None:
        raise AWSError(svc.code_unknown_key, INVALID_TOKEN_MSG, 403)
    if cred.get("SessionToken") and headers.get(
            "X-Amz-Security-Token") != cred["SessionToken"]:
        raise AWSError(svc.code_unknown_key, INVALID_TOKEN_MSG, 403)
    exp = cred.get("Expiration")
    if exp is not None and aws_now() >= exp:
        raise AWSError(svc.code_expired_token, EXPIRED_TOKEN_MSG, 403)


def _amz_date(req, auth):
    signed = auth.signed_headers
    for need in ("host", "x-amz-date"):
        if need not in signed:
            raise AWSError("IncompleteSignature",
                           "'%s' must be a 'SignedHeader' in the AWS "
                           "Authorization." % ("Host" if need == "host"
                                               else "X-Amz-Date"), 403)
    amzdate = req.headers.get("X-Amz-Date")
    if not amzdate:
        raise AWSError("IncompleteSignature",
                       "Authorization header requires existence of either "
                       "a 'X-Amz-Date' or a 'Date' header.", 403)
    try:
        t = datetime.datetime.strptime(amzdate, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise AWSError("IncompleteSignature",
                       "Date must be in ISO-8601 'basic format'. Got '%s'."
                       % amzdate, 403)
    return amzdate, t


def check_skew(svc, amzdate, t, max_skew):
    """X-Amz-Date within max_skew of AWS's clock (aws_now()), else the
    error the service's protocol answers."""
    now = aws_now()

    def f(x):
        return datetime.datetime.fromtimestamp(
            x, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    mins = int(max_skew // 60)
    code, status = svc.skew_error
    if t < now - max_skew:
        raise AWSError(code, "Signature expired: %s is now earlier than %s "
                       "(%s - %d min.)" % (amzdate, f(now - max_skew),
                                           f(now), mins), status)
    if t > now + max_skew:
        raise AWSError(code, "Signature not yet current: %s is still later "
                       "than %s (%s + %d min.)" % (
                           amzdate, f(now + max_skew), f(now), mins), status)


def verify_signature(req, auth, body, cred, max_skew, svc):
    """raises AWSError on failure"""
    amzdate, t = _amz_date(req, auth)
    check_skew(svc, amzdate, t, max_skew)
    bad = svc.code_bad_signature
    if auth.date != amzdate[:8]:
        raise AWSError(bad, "Credential should be scoped to a valid date: "
                       "'%s' != '%s'" % (auth.date, amzdate[:8]), 403)
    headers = {}
    for h in auth.signed_headers:
        vals = req.headers.get_all(h)
        if vals is None:
            raise AWSError(bad, SIG_MISMATCH_MSG, 403)
        headers[h] = ",".join(" ".join(v.split()) for v in vals)
    if "x-amz-content-sha256" in headers:
        if headers["x-amz-content-sha256"] != hashlib.sha256(
                body).hexdigest():
            raise AWSError(bad, "The provided 'x-amz-content-sha256' header "
                           "does not match what was computed.", 403)
    url = "https://%s%s" % (headers.get("host", "localhost"), req.path)
    areq = botocore.awsrequest.AWSRequest(method=req.command, url=url,
                                          data=body, headers=headers)
    areq.context["timestamp"] = amzdate
    creds = botocore.credentials.Credentials(
        cred["AccessKeyId"], cred["SecretAccessKey"],
        cred.get("SessionToken"))
    signer = _SignedHeadersSigV4(creds, auth.service, auth.region)
    creq = signer.canonical_request(areq)
    sts = signer.string_to_sign(areq, creq)
    expect = signer.signature(sts, areq)
    if not hmac.compare_digest(expect.encode(), auth.signature.encode()):
        raise AWSError(bad, SIG_MISMATCH_MSG, 403)


# --------------------------------------------------------------------------
# HTTP servers

class TLSServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    ssl_context = None

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):
        if self.ssl_context is not None:
            request.settimeout(30)
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError) as e:
                log("TLS handshake from %s failed: %s" % (client_address[0],
                                                          e))
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        log("error serving %s:\n%s" % (client_address,
                                       traceback.format_exc()))


class BaseHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in separate writes: with Nagle on, the
    # client's delayed ACK held every answer back ~40 ms
    disable_nagle_algorithm = True
    timeout = 120
    server_version = "fakeaws/1.0"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        log("%s %s" % (self.server.label, fmt % args))

    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n",
                                                             b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send_bytes(self, status, ctype, body, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
            b"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
            b"<hr><center>awselb/2.0</center>\r\n</body>\r\n</html>\r\n")


class Ctx:
    pass


def status_fault_error(svc, fault, action):
    """The AWSError a "status" fault answers: its code from the fault, the
    service model (REST-JSON, SNS) or AWS's common errors."""
    st = int(fault.get("status", 500))
    code = fault.get("code")
    if not code and svc.status_codes_from_model and action in svc.ops:
        code = svc.model_error_for_status(st, action)
    code = code or {
        500: "InternalFailure", 502: "BadGateway",
        503: "ServiceUnavailable", 504: "GatewayTimeout",
        400: svc.code_validation, 403: svc.code_access_denied,
        404: "NoSuchEntity", 429: svc.code_throttle}.get(st, "InternalFailure")
    msg = fault.get("message") or {
        "InternalFailure": "The request processing has failed because of "
                           "an unknown error, exception or failure.",
        "ServiceUnavailable": "Service Unavailable"}.get(
            code, "Injected fault")
    return AWSError(code, msg, st, sender=st < 500)


class AWSHandler(BaseHandler):
    def date_time_string(self, timestamp=None):
        """Every answer's Date header gives AWS's clock (RFC 7231)."""
        return email.utils.formatdate(
            aws_now() if timestamp is None else timestamp, usegmt=True)

    def do_POST(self):
        self.handle_aws()

    def do_GET(self):
        self.handle_aws()

    def do_PUT(self):
        self.handle_aws()

    def do_DELETE(self):
        self.handle_aws()

    def handle_aws(self):
        fake = FAKE
        rid = str(uuid.uuid4())
        body = self.read_body()
        rec = {"id": rid, "service": None, "region": None, "action": None,
               "time": time.time(), "status": None, "sig_ok": None,
               "error_code": None, "access_key": None, "fault": None,
               "throttled": False, "method": self.command,
               "path": self.path}
        self.svc = None
        fault = None
        try:
            ctx = self.authenticate(fake, rec, body)
            fault = self.run_operation(fake, rec, ctx)
            status, ctype, out, hdrs = ctx.answer
        except AWSError as e:
            rec["error_code"] = e.code
            status, ctype, out, hdrs = self.error_service(rec).render_error(
                e, rid)
        except Exception:
            log("internal error:\n" + traceback.format_exc())
            e = AWSError("InternalFailure",
                         "The request processing has failed because of an "
                         "unknown error, exception or failure.", 500, False)
            rec["error_code"] = e.code
            status, ctype, out, hdrs = self.error_service(rec).render_error(
                e, rid)
        hdrs = dict(hdrs, **{"x-amzn-RequestId": rid})
        self.answer(fake, rec, fault, status, ctype, out, hdrs)

    def error_service(self, rec):
        """The service whose error shape answers: the one signed for, else
        a guess from the request's shape."""
        if self.svc is not None:
            return self.svc
        if self.headers.get("X-Amz-Target"):
            return CLOUDTRAIL
        for svc in SERVICES.values():
            if isinstance(svc, RestJsonService) and svc.matches(self):
                return svc
        return STS if rec["service"] == "sts" else IAM

    def authenticate(self, fake, rec, body):
        """Parses and verifies the request; returns its Ctx. Raises
        AWSError as AWS answers an unsigned or badly signed request."""
        try:
            auth = parse_authorization(self.headers.get("Authorization"))
        except AWSError as e:
            rec["sig_ok"] = False
            svc = self.error_service(rec)
            if e.code == "MissingAuthenticationToken":
                e.code = svc.code_missing_auth
            raise
        rec["service"], rec["region"] = auth.service, auth.region
        rec["access_key"] = auth.access_key
        svc = SERVICES.get(auth.service)
        if svc is None:
            rec["sig_ok"] = False
            raise AWSError("InvalidClientTokenId" if not
                           self.headers.get("X-Amz-Target") else
                           "UnrecognizedClientException",
                           "fakeaws does not serve service '%s'"
                           % auth.service, 400)
        self.svc = svc
        action, params = svc.parse(self, body)
        rec["action"] = action
        with fake.lock:
            cred = fake.credential(auth.access_key)
            skew = fake.config.get("max_skew_seconds", MAX_SKEW)
        try:
            check_credential(svc, cred, self.headers)
            verify_signature(self, auth, body, cred, skew, svc)
        except AWSError:
            rec["sig_ok"] = False
            raise
        rec["sig_ok"] = True
        return self.make_ctx(fake, rec, svc, auth, cred, action, params)

    def make_ctx(self, fake, rec, svc, auth, cred, action, params):
        ctx = Ctx()
        ctx.service, ctx.region, ctx.action = svc.name, auth.region, action
        ctx.svc, ctx.params, ctx.rec = svc, params, rec
        ctx.fake = fake
        ctx.access_key = auth.access_key
        with fake.lock:
            ctx.account = cred.get("Account") or fake.state["account_id"]
            caller = dict(fake.state["caller"])
        if cred.get("AssumedRole"):
            caller = {"Arn": cred["Arn"], "UserId": cred["UserId"],
                      "AssumedRole": True}
        for k in ("UserName", "UserId", "Arn"):
            if cred.get(k):
                caller[k] = cred[k]
        ctx.caller = caller
        return ctx

    def run_operation(self, fake, rec, ctx):
        """Applies a queued fault, runs the handler; sets ctx.answer.
        Returns the fault taken (or None)."""
        svc, action = ctx.svc, ctx.action
        fault = fake.take_fault(svc.name, action, ctx.region)
        if fault:
            rec["fault"] = fault["kind"]
            self.pre_fault(svc, action, fault, ctx)
        if fault and fault["kind"] == "html":
            # the load balancer answers: the service never sees the request
            ctx.answer = (502, "text/html", HTML_502, {})
            return fault
        handler = svc.ops.get(action)
        if handler is None:
            svc.unknown_action(action)
        if svc.name == "cloudtrail" and action == "LookupEvents":
            if not fake.admit(ctx.account, ctx.region):
                rec["throttled"] = True
                raise AWSError("ThrottlingException", "Rate exceeded")
        with fake.lock:
            ctx.state = fake.state
            result = handler(ctx, ctx.params)
            ctx.answer = svc.render(action, result, rec["id"])
        return fault

    def answer(self, fake, rec, fault, status, ctype, out, hdrs):
        if fault and fault["kind"] == "cut" and status < 300:
            rec["status"] = status
            fake.count(rec)
            self.send_cut(status, ctype, out, hdrs)
            return
        if fault and fault["kind"] == "malformed" and status < 300:
            out = out[:max(1, len(out) // 2)] + b"\x00<<garbage>>{"
        if fault and fault["kind"] == "html":
            status, ctype, out = 502, "text/html", HTML_502
            hdrs = {}
        rec["status"] = status
        fake.count(rec)
        log("aws %s %s %s %s -> %d %s" % (rec["service"], rec["region"],
                                          rec["action"], rec["access_key"],
                                          status, rec["error_code"] or ""))
        self.send_bytes(status, ctype, out, hdrs)

    def pre_fault(self, svc, action, fault, ctx):
        kind = fault["kind"]
        if kind == "slow":
            time.sleep(float(fault.get("delay", 3.0)))
            return
        if kind == "throttle":
            e = svc.throttle_error(fault.get("message") or "Rate exceeded")
            e.code = fault.get("code") or e.code
            e.status = int(fault.get("status") or e.status)
        elif kind == "accessdenied":
            e = AWSError(fault.get("code") or svc.code_access_denied,
                         fault.get("message") or svc.access_denied_message(
                             ctx.caller["Arn"], action), 403)
        elif kind == "status":
            e = status_fault_error(svc, fault, action)
        else:
            return
        e.style = fault.get("error_style")
        raise e

    def send_cut(self, status, ctype, body, hdrs):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) + 1024))
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body[:max(1, len(body) // 2)])
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class WebhookHandler(BaseHandler):
    def do_POST(self):
        fake = FAKE
        body = self.read_body()
        with fake.lock:
            fault = None
            for f in fake.webhook_faults:
                if f.get("path") and not self.path.startswith(f["path"]):
                    continue
                if f["count"] != 0:
                    if f["count"] > 0:
                        f["count"] -= 1
                    fault = dict(f)
                    break
            fake.webhook_faults = [f for f in fake.webhook_faults
                                   if f["count"] != 0]
            teams = self.path.startswith("/teams/")
            status = int(fault.get("status", 500)) if fault else \
                202 if teams else 200
            fake.webhook_posts.append({
                "path": self.path, "headers": dict(self.headers.items()),
                "body": body.decode("utf-8", "replace"),
                "time": time.time(), "status": status})
        if fault and fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault and fault.get("body") is not None:
            out = fault["body"]
        elif fault:
            out = json.dumps({"ok": False, "error": "injected fault"})
        elif teams:
            # a Power Automate "When a Teams webhook request is received"
            # trigger answers 202 Accepted with no body; the flow posts the
            # card later
            self.send_bytes(202, "text/plain", b"")
            return
        else:
            out = json.dumps({"ok": True})
        self.send_bytes(status, "application/json", out.encode(),
                        (fault or {}).get("headers"))

    def do_GET(self):
        self.send_bytes(405, "application/json",
                        b'{"ok":false,"error":"method not allowed"}',
                        {"Allow": "POST"})

    do_PUT = do_GET
    do_DELETE = do_GET


# --------------------------------------------------------------------------
# scenario actions

def _actor(fake, body, default):
    return body.get("actor") or default


def _ev_common(body):
    out = {}
    if body.get("source_ip"):
        out["sourceIPAddress"] = body["source_ip"]
    if body.get("visible_delay") is not None:
        out["visible_delay"] = body["visible_delay"]
    if body.get("user_agent"):
        out["userAgent"] = body["user_agent"]
    if body.get("EventTime") is not None:
        out["EventTime"] = body["EventTime"]
    return out


def act_root_login(fake, body):
    st = fake.state
    acct = st["account_id"]
    ok = body.get("success", True)
    mfa = body.get("mfa_used", "Yes")
    ev = {"region": "us-east-1", "EventName": "ConsoleLogin",
          "EventSource": "signin.amazonaws.com",
          "userIdentity": _actor(fake, body, root_actor(acct)),
          "sourceIPAddress": "203.0.113.9",
          "requestParameters": None,
          "responseElements": {"ConsoleLogin":
                               "Success" if ok else "Failure"},
          "additionalEventData": {
              "LoginTo": "https://console.aws.amazon.com/console/home?"
                         "hashArgs=%23&isauthcode=true&state=hashArgsFrom"
                         "TB_us-east-1_0123456789abcdef",
              "MobileVersion": "No", "MFAUsed": mfa}}
    if not ok:
        ev["errorMessage"] = "Failed authentication"
    ev.update(_ev_common(body))
    if ok and not body.get("actor"):
        st["root"]["PasswordLastUsed"] = iso(float(
            ev.get("EventTime") or aws_now()))
    return fake.add_event(ev)


def act_deactivate_mfa(fake, body):
    st = fake.state
    acct = st["account_id"]
    user = body.get("user")
    if not user:
        raise ControlError(400, "user is required ('root' for the root user)")
    serial = body.get("serial")
    if user == "root":
        devices = st["root"]["MFADevices"]
        actor = _actor(fake, body, root_actor(acct, console=False))
    else:
        u = _find_user(st, user)
        if u is None:
            raise ControlError(404, "no such user: %s" % user)
        devices = u.setdefault("MFADevices", [])
        actor = _actor(fake, body, default_actor(acct))
    dev = None
    for d in devices:
        if serial is None or d["SerialNumber"] == serial:
            dev = d
            break
    if dev is None:
        raise ControlError(409, "%s has no MFA device%s" % (
            user, "" if serial is None else " " + serial))
    devices.remove(dev)
    if dev.get("Virtual"):
        st["unassigned_virtual_mfa"].append(
            {"SerialNumber": dev["SerialNumber"]})
    rp = {"serialNumber": dev["SerialNumber"]}
    res = []
    if user != "root":
        rp = {"userName": user, "serialNumber": dev["SerialNumber"]}
        res = [{"ResourceType": "AWS::IAM::User", "ResourceName": user}]
    ev = {"region": "us-east-1", "EventName": "DeactivateMFADevice",
          "EventSource": "iam.amazonaws.com", "userIdentity": actor,
          "requestParameters": rp, "responseElements": None,
          "Resources": res}
    ev.update(_ev_common(body))
    return fake.add_event(ev)


def act_delete_virtual_mfa(fake, body):
    st = fake.state
    serial = body.get("serial")
    if not serial:
        raise ControlError(400, "serial is required")
    found = False
    for d in list(st["unassigned_virtual_mfa"]):
        if d["SerialNumber"] == serial:
            st["unassigned_virtual_mfa"].remove(d)
            found = True
    owners = [st["root"]] + st["users"]
    for o in owners:
        for d in list(o.get("MFADevices", [])):
            if d["SerialNumber"] == serial and d.get("Virtual"):
                o["MFADevices"].remove(d)
                found = True
    if not found:
        raise ControlError(404, "no virtual MFA device %s" % serial)
    acct = st["account_id"]
    root = serial.endswith(":mfa/root-account-mfa-device")
    actor = _actor(fake, body, root_actor(acct, console=False) if root
                   else default_actor(acct))
    ev = {"region": "us-east-1", "EventName": "DeleteVirtualMFADevice",
          "EventSource": "iam.amazonaws.com", "userIdentity": actor,
          "requestParameters": {"serialNumber": serial},
          "responseElements": None}
    ev.update(_ev_common(body))
    return fake.add_event(ev)


def _trail_action(fake, body, evname):
    st = fake.state
    name = body.get("trail") or "org-trail"
    t = _find_trail(st, name)
    if t is None:
        raise ControlError(404, "no such trail: %s" % name)
    now = float(body.get("EventTime") or aws_now())
    s = t.setdefault("Status", {})
    if evname == "StopLogging":
        s["IsLogging"] = False
        s["StopLoggingTime"] = iso(now)
        s["TimeLoggingStopped"] = datetime.datetime.fromtimestamp(
            now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif evname == "StartLogging":
        s["IsLogging"] = True
        s["StartLoggingTime"] = iso(now)
        s["TimeLoggingStarted"] = iso(now)
    elif evname == "DeleteTrail":
        st["trails"].remove(t)
    ev = {"region": t["HomeRegion"], "EventName": evname,
          "EventSource": "cloudtrail.amazonaws.com",
          "userIdentity": _actor(fake, body,
                                 default_actor(st["account_id"])),
          "requestParameters": {"name": t["TrailARN"]},
          "responseElements": None,
          "Resources": [{"ResourceType": "AWS::CloudTrail::Trail",
                         "ResourceName": t["TrailARN"]}]}
    ev.update(_ev_common(body))
    return fake.add_event(ev)


def act_add_user(fake, body):
    st = fake.state
    acct = st["account_id"]
    name = body.get("user")
    if not name:
        raise ControlError(400, "user is required")
    if _find_user(st, name):
        raise ControlError(409, "user exists: %s" % name)
    now = float(body.get("EventTime") or aws_now())
    uid = "AIDA" + hashlib.sha1(name.encode()).hexdigest()[:16].upper()
    u = {"UserName": name, "UserId": uid, "Path": body.get("path", "/"),
         "Arn": "arn:aws:iam::%s:user%s%s" % (acct, body.get("path", "/"),
                                             name),
         "CreateDate": iso(now), "PasswordLastUsed": None, "MFADevices": []}
    if body.get("mfa"):
        u["MFADevices"].append({
            "SerialNumber": "arn:aws:iam::%s:mfa/%s" % (acct, name),
            "EnableDate": iso(now), "Virtual": True})
    st["users"].append(u)
    ev = {"region": "us-east-1", "EventName": "CreateUser",
          "EventSource": "iam.amazonaws.com",
          "userIdentity": _actor(fake, body, default_actor(acct)),
          "requestParameters": {"userName": name},
          "responseElements": {"user": {
              "path": u["Path"], "userName": name, "userId": uid,
              "arn": u["Arn"],
              "createDate": datetime.datetime.fromtimestamp(
                  now, datetime.timezone.utc).strftime(
                      "%b %d, %Y, %I:%M:%S %p")}},
          "Resources": [{"ResourceType": "AWS::IAM::User",
                         "ResourceName": name}]}
    ev.update(_ev_common(body))
    return fake.add_event(ev)


def _contact_type(body):
    kind = body.get("type")
    if kind not in ("BILLING", "OPERATIONS", "SECURITY"):
        raise ControlError(400, "type must be BILLING, OPERATIONS or "
                           "SECURITY")
    return kind


def _contact_action(fake, body, evname, contact):
    st = fake.state
    kind = _contact_type(body)
    contacts = st.setdefault("alternate_contacts", {})
    if contact is None:
        if not contacts.get(kind):
            raise ControlError(409, "no %s contact is set" % kind)
        del contacts[kind]
    else:
        contacts[kind] = contact
    ev = {"region": "us-east-1", "EventName": evname,
          "EventSource": "account.amazonaws.com",
          "userIdentity": _actor(fake, body,
                                 default_actor(st["account_id"])),
          "requestParameters": {"alternateContactType": kind},
          "responseElements": None}
    ev.update(_ev_common(body))
    return fake.add_event(ev)


def act_delete_alternate_contact(fake, body):
    return _contact_action(fake, body, "DeleteAlternateContact", None)


def act_put_alternate_contact(fake, body):
    old = (fake.state.get("alternate_contacts") or {}).get(
        _contact_type(body)) or {}
    contact = {k: body.get(k, old.get(k)) for k in CONTACT_FIELDS}
    missing = [k for k, v in contact.items() if not v]
    if missing:
        raise ControlError(400, "missing %s" % ", ".join(missing))
    return _contact_action(fake, body, "PutAlternateContact", contact)


ACTIONS = {
    "root_login": act_root_login,
    "deactivate_mfa": act_deactivate_mfa,
    "delete_virtual_mfa": act_delete_virtual_mfa,
    "stop_logging": lambda f, b: _trail_action(f, b, "StopLogging"),
    "start_logging": lambda f, b: _trail_action(f, b, "StartLogging"),
    "delete_trail": lambda f, b: _trail_action(f, b, "DeleteTrail"),
    "add_user": act_add_user,
    "delete_alternate_contact": act_delete_alternate_contact,
    "put_alternate_contact": act_put_alternate_contact,
}

def check_contacts(body):
    """A PUT /_contacts body: {TYPE: {Name, Title, EmailAddress,
    PhoneNumber}} (a type left out is unset)."""
    if not isinstance(body, dict):
        raise ControlError(400, "contacts must be an object")
    for kind, c in body.items():
        _contact_type({"type": kind})
        if not isinstance(c, dict) or set(c) - set(CONTACT_FIELDS):
            raise ControlError(400, "%s: an object with %s" % (
                kind, ", ".join(CONTACT_FIELDS)))
    return copy.deepcopy(body)


def control_roles(fake, m, p, body):
    """GET /_roles; POST /_roles {role} adds or replaces one (by RoleName);
    DELETE /_roles/NAME removes one."""
    st = fake.state
    roles = st.setdefault("roles", [])
    if m == "GET" and p == "/_roles":
        return roles
    if m == "POST" and p == "/_roles":
        role = make_role(st["account_id"], body, st["caller"]["Arn"])
        st["roles"] = [r for r in roles if r["RoleName"] != role["RoleName"]]
        st["roles"].append(role)
        return role
    if m == "DELETE" and p.startswith("/_roles/"):
        name = p[len("/_roles/"):]
        if not any(r["RoleName"] == name for r in roles):
            raise ControlError(404, "no such role: %s" % name)
        st["roles"] = [r for r in roles if r["RoleName"] != name]
        return {"ok": True}
    return None


def control_sts(fake, m, body):
    """GET /_sts: the lifetime override and the issued credentials (no
    secret); POST {"credential_lifetime_seconds": N|null} and/or
    {"expire": "ASIA…"|true} (expire one / every issued credential now)."""
    st = fake.state
    if m == "POST":
        if "credential_lifetime_seconds" in body:
            v = body["credential_lifetime_seconds"]
            if v is not None and (not isinstance(v, int) or v < 1):
                raise ControlError(400, "credential_lifetime_seconds must "
                                   "be a positive integer or null")
            st["credential_lifetime_seconds"] = v
        exp = body.get("expire")
        if exp is not None:
            keys = list(fake.issued) if exp is True else [exp]
            for k in keys:
                if k not in fake.issued:
                    raise ControlError(404, "no issued credential %s" % k)
                fake.issued[k]["Expiration"] = int(aws_now())
    if m not in ("GET", "POST"):
        return None
    return {"credential_lifetime_seconds":
            st.get("credential_lifetime_seconds"),
            "issued": [{k: c[k] for k in ("AccessKeyId", "Arn", "Expiration",
                                          "RoleArn")}
                       for c in fake.issued.values()]}


def control_sns_topics(fake, m, body):
    """GET: the topics; POST {TopicArn, allow, deny}: add or replace one;
    DELETE {TopicArn}: remove one."""
    st = fake.state
    topics = st.setdefault("sns_topics", [])
    if m == "GET":
        return topics
    if m == "POST":
        t = make_topic(body)
        st["sns_topics"] = [x for x in topics
                            if x["TopicArn"] != t["TopicArn"]] + [t]
        return t
    if m == "DELETE":
        arn = body.get("TopicArn") if isinstance(body, dict) else None
        if not any(x["TopicArn"] == arn for x in topics):
            raise ControlError(404, "no such topic: %s" % arn)
        st["sns_topics"] = [x for x in topics if x["TopicArn"] != arn]
        return {"ok": True}
    return None


def control_clock(fake, m, body):
    """GET /_clock; POST {"offset_seconds": S}: AWS's clock is the host's
    plus S (S > 0: AWS is ahead of the host)."""
    if m == "POST":
        v = body.get("offset_seconds") if isinstance(body, dict) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ControlError(400, "offset_seconds must be a number")
        fake.clock_offset = float(v)
    if m not in ("GET", "POST"):
        return None
    return {"offset_seconds": fake.clock_offset, "aws_now": aws_now(),
            "host_now": time.time()}


FAULT_KINDS = ("throttle", "status", "accessdenied", "slow", "cut",
               "malformed", "html")


class ControlHandler(BaseHandler):
    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        fake = FAKE
        raw = self.read_body()
        path = urllib.parse.urlsplit(self.path).path.rstrip("/") or "/"
        try:
            body = json.loads(raw.decode()) if raw.strip() else {}
        except ValueError as e:
            return self.reply(400, {"error": "bad JSON: %s" % e})
        try:
            with fake.lock:
                out = self.dispatch(fake, method, path, body)
                # serialised under the lock: AWS threads append to these
                text = None if out is None else json.dumps(out)
        except ControlError as e:
            return self.reply(e.status, {"error": e.message})
        except Exception as e:
            log("control error:\n" + traceback.format_exc())
            return self.reply(500, {"error": "%s: %s" % (type(e).__name__,
                                                         e)})
        if out is None:
            return self.reply(404, {"error": "no such control endpoint: "
                                             "%s %s" % (method, path)})
        return self.send_bytes(200, "application/json", text.encode())

    def reply(self, status, obj):
        self.send_bytes(status, "application/json",
                        json.dumps(obj).encode())

    def dispatch(self, fake, m, p, body):
        if p == "/_state":
            if m == "GET":
                return fake.state
            if m == "PUT":
                fake.set_state(body)
                return {"ok": True}
        elif p == "/_reset" and m == "POST":
            fake.reset()
            return {"ok": True}
        elif p == "/_config":
            if m in ("POST", "PUT"):
                for k, v in body.items():
                    if k not in fake.config:
                        raise ControlError(400, "unknown config key %s" % k)
                    if k == "rest_json_error_style" and \
                            v not in REST_JSON_ERROR_STYLES:
                        raise ControlError(400, "rest_json_error_style must "
                                           "be one of %s" % ", ".join(
                                               REST_JSON_ERROR_STYLES))
                    fake.config[k] = v
                IAM_PAGE_CAP[0] = fake.config.get("iam_page_size")
            if m in ("GET", "POST", "PUT"):
                return dict(fake.config)
        elif p == "/_event" and m == "POST":
            return {"EventId": fake.add_event(body)}
        elif p == "/_events" and m == "GET":
            return fake.state["events"]
        elif p.startswith("/_action/") and m == "POST":
            fn = ACTIONS.get(p[len("/_action/"):])
            if fn is None:
                raise ControlError(404, "unknown action %s" % p)
            if not isinstance(body, dict):
                raise ControlError(400, "body must be an object")
            return {"EventId": fn(fake, body)}
        elif p == "/_fault":
            if m == "POST":
                kind = body.get("kind")
                if kind not in FAULT_KINDS:
                    raise ControlError(400, "kind must be one of %s" %
                                       ", ".join(FAULT_KINDS))
                if body.get("error_style") not in \
                        (None,) + REST_JSON_ERROR_STYLES:
                    raise ControlError(400, "error_style must be one of %s"
                                       % ", ".join(REST_JSON_ERROR_STYLES))
                f = dict(body)
                f["count"] = int(body.get("count", 1))
                fake.faults.append(f)
                return {"ok": True, "faults": fake.faults}
            if m == "GET":
                return fake.faults
            if m == "DELETE":
                fake.faults = []
                return {"ok": True}
        elif p == "/_requests":
            if m == "GET":
                return fake.requests
            if m == "DELETE":
                fake.requests = []
                return {"ok": True}
        elif p == "/_stats":
            if m == "GET":
                return fake.stats_view()
            if m == "DELETE":
                fake.stats = collections.OrderedDict()
                return {"ok": True}
        elif p == "/_webhook":
            if m == "GET":
                return fake.webhook_posts
            if m == "DELETE":
                fake.webhook_posts = []
                return {"ok": True}
        elif p == "/_webhook/fault":
            if m == "POST":
                f = dict(body)
                f["status"] = int(body.get("status", 500))
                f["count"] = int(body.get("count", 1))
                fake.webhook_faults.append(f)
                return {"ok": True}
            if m == "DELETE":
                fake.webhook_faults = []
                return {"ok": True}
        elif p == "/_contacts":
            if m == "PUT":
                fake.state["alternate_contacts"] = check_contacts(body)
            if m in ("GET", "PUT"):
                return fake.state.get("alternate_contacts") or {}
        elif p == "/_roles" or p.startswith("/_roles/"):
            return control_roles(fake, m, p, body)
        elif p == "/_assume_role":
            if m == "GET":
                return fake.assume_roles
            if m == "DELETE":
                fake.assume_roles = []
                return {"ok": True}
        elif p == "/_sts":
            return control_sts(fake, m, body)
        elif p == "/_sns":
            if m == "GET":
                return fake.publications
            if m == "DELETE":
                fake.publications = []
                return {"ok": True}
        elif p == "/_sns/topics":
            return control_sns_topics(fake, m, body)
        elif p == "/_clock":
            return control_clock(fake, m, body)
        elif p == "/_health" and m == "GET":
            return {"ok": True, "pid": os.getpid()}
        elif p in CONTROL_ROUTES:
            return CONTROL_ROUTES[p](fake, m, body)
        return None


# --------------------------------------------------------------------------
# extension modules
#
# Each tests/fakeaws/fake_<name>.py defines install(fa), called with this
# module: it registers its services and operations (fa.register,
# @svc.op), adds default state (fa.STATE_EXTENSIONS), scenario actions
# (fa.ACTIONS) and control routes (fa.CONTROL_ROUTES: path ->
# fn(fake, method, body)).  They are loaded in name order.

CONTROL_ROUTES = {}


def load_extensions():
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    this = sys.modules[__name__]
    for fn in sorted(os.listdir(here)):
        if fn.startswith("fake_") and fn.endswith(".py"):
            mod = __import__(fn[:-3])
            mod.install(this)


load_extensions()


# --------------------------------------------------------------------------
# main

def make_server(handler, label, ctx):
    srv = TLSServer(("127.0.0.1", 0), handler)
    srv.ssl_context = ctx
    srv.label = label
    return srv


def main(argv=None):
    global FAKE, LOG_FILE
    ap = argparse.ArgumentParser(description="fake AWS endpoint for tests")
    ap.add_argument("--tls-dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--credentials")
    ap.add_argument("--state")
    ap.add_argument("--log")
    a = ap.parse_args(argv)
    if a.log:
        LOG_FILE = open(a.log, "a", encoding="utf-8")
    creds = DEFAULT_CREDENTIALS
    if a.credentials:
        with open(a.credentials) as f:
            creds = json.load(f)
        if not isinstance(creds, list) or not all(
                isinstance(c, dict) and c.get("AccessKeyId") and
                c.get("SecretAccessKey") for c in creds):
            sys.exit("fakeaws: --credentials must be a JSON list of "
                     "{AccessKeyId, SecretAccessKey[, SessionToken]}")
    state = None
    if a.state:
        with open(a.state) as f:
            state = json.load(f)
    FAKE = Fake(creds, state)
    # load the models up front so the first request is not slow
    for s in SERVICES.values():
        s.model
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(a.tls_dir, "server.pem"),
                        os.path.join(a.tls_dir, "server.key"))
    servers = {
        "aws": make_server(AWSHandler, "aws", ctx),
        "control": make_server(ControlHandler, "control", None),
        "webhook": make_server(WebhookHandler, "webhook", ctx),
    }
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    threads = []
    for s in servers.values():
        t = threading.Thread(target=s.serve_forever, kwargs={
            "poll_interval": 0.2}, daemon=True)
        t.start()
        threads.append(t)
    ports = {k: s.server_address[1] for k, s in servers.items()}
    ports["pid"] = os.getpid()
    tmp = "%s.tmp.%d" % (a.port_file, os.getpid())
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.replace(tmp, a.port_file)
    log("listening: %s" % json.dumps(ports))
    while not stop.wait(0.5):
        pass
    log("shutting down")
    for s in servers.values():
        s.shutdown()
        s.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
