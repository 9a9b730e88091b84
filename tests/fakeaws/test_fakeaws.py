#!/usr/bin/python3
"""Tests of the fake AWS endpoint itself, with botocore as the client."""

import datetime
import http.client
import json
import os
import ssl
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402

try:
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import botocore.exceptions
    import botocore.parsers
    from botocore.config import Config
    HAVE_BOTOCORE = True
except ImportError:  # pragma: no cover
    HAVE_BOTOCORE = False

FAKE = None
ACCT = "111122223333"


def setUpModule():
    global FAKE
    if not HAVE_BOTOCORE:
        raise unittest.SkipTest("botocore not importable by %s; run with %s"
                                % (sys.executable, "/usr/bin/python3"))
    FAKE = dwtest.FakeAWS(dwtest.workdir("fakeaws"))


def tearDownModule():
    if FAKE is not None:
        FAKE.stop()


def code_of(err):
    return err.response["Error"]["Code"]


def raw_request(service, region, body=b"", headers=None, method="POST",
                path="/", access_key=None, secret=None, token=None,
                when=None, sign=True, signed_extra=()):
    """Send one request signed (by botocore's SigV4 maths) at time `when`.
    Returns (status, headers, body)."""
    host = "127.0.0.1:%d" % FAKE.aws_port
    ts = (when or datetime.datetime.utcnow()).strftime("%Y%m%dT%H%M%SZ")
    hdrs = {"Host": host, "X-Amz-Date": ts}
    hdrs.update(headers or {})
    if token:
        hdrs["X-Amz-Security-Token"] = token
    if sign:
        signed = {k: v for k, v in hdrs.items()
                  if k.lower() in ("host", "x-amz-date", "content-type",
                                   "x-amz-target", "x-amz-security-token")
                  or k in signed_extra}
        req = botocore.awsrequest.AWSRequest(
            method=method, url="https://%s%s" % (host, path), data=body,
            headers=signed)
        req.context["timestamp"] = ts
        signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials(
            access_key or FAKE.access_key, secret or FAKE.secret_key),
            service, region)

        class _All(botocore.auth.SigV4Auth):
            def headers_to_sign(self, request):
                hm = botocore.awsrequest.HTTPHeaders()
                for n, v in request.headers.items():
                    hm[n.lower()] = v
                return hm
        signer.__class__ = _All
        cr = signer.canonical_request(req)
        sig = signer.signature(signer.string_to_sign(req, cr), req)
        hdrs["Authorization"] = (
            "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
            "Signature=%s" % (access_key or FAKE.access_key,
                              signer.credential_scope(req),
                              signer.signed_headers(
                                  signer.headers_to_sign(req)), sig))
    ctx = ssl.create_default_context(cafile=FAKE.ca_file)
    c = http.client.HTTPSConnection("127.0.0.1", FAKE.aws_port, context=ctx,
                                    timeout=10)
    try:
        c.request(method, path, body=body, headers=hdrs)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def query_body(**params):
    return urllib.parse.urlencode(params).encode()


QUERY_CT = {"Content-Type": "application/x-www-form-urlencoded; "
                            "charset=utf-8"}
CT_PREFIX = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."


def ct_headers(op):
    return {"Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": CT_PREFIX + op}


class Base(unittest.TestCase):
    def setUp(self):
        FAKE.reset()

    def client(self, service, region="us-east-1", **kw):
        return FAKE.client(service, region, **kw)


class TestIdentityAndIAM(Base):
    def test_get_caller_identity(self):
        r = self.client("sts").get_caller_identity()
        self.assertEqual(r["Account"], ACCT)
        self.assertEqual(r["Arn"], "arn:aws:iam::%s:user/driftwatch" % ACCT)
        self.assertTrue(r["UserId"])
        self.assertTrue(r["ResponseMetadata"]["RequestId"])
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]
                         ["x-amzn-requestid"],
                         r["ResponseMetadata"]["RequestId"])

    def test_get_account_summary(self):
        sm = self.client("iam").get_account_summary()["SummaryMap"]
        self.assertEqual(sm["AccountMFAEnabled"], 1)
        self.assertEqual(sm["AccountAccessKeysPresent"], 0)
        self.assertEqual(sm["Users"], 2)
        self.assertEqual(sm["MFADevicesInUse"], 3)
        self.assertIn("MFADevices", sm)

    def test_list_users(self):
        users = self.client("iam").list_users()["Users"]
        self.assertEqual(sorted(u["UserName"] for u in users),
                         ["alice", "breakglass"])
        for u in users:
            self.assertEqual(u["Arn"], "arn:aws:iam::%s:user/%s"
                             % (ACCT, u["UserName"]))
            self.assertIsInstance(u["CreateDate"], datetime.datetime)

    def test_list_users_pagination(self):
        iam = self.client("iam")
        names, marker, pages = [], None, 0
        while True:
            kw = {"MaxItems": 1}
            if marker:
                kw["Marker"] = marker
            r = iam.list_users(**kw)
            pages += 1
            self.assertLessEqual(len(r["Users"]), 1)
            names += [u["UserName"] for u in r["Users"]]
            if not r["IsTruncated"]:
                self.assertNotIn("Marker", r)
                break
            marker = r["Marker"]
        self.assertEqual(pages, 2)
        self.assertEqual(sorted(names), ["alice", "breakglass"])
        # the paginator agrees
        p = iam.get_paginator("list_users").paginate(
            PaginationConfig={"PageSize": 1})
        self.assertEqual(sorted(u["UserName"] for page in p
                                for u in page["Users"]),
                         ["alice", "breakglass"])

    def test_bad_marker_and_maxitems(self):
        iam = self.client("iam")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.list_users(Marker="not-a-marker")
        self.assertEqual(code_of(cm.exception), "ValidationError")

    def test_list_mfa_devices(self):
        iam = self.client("iam")
        d = iam.list_mfa_devices(UserName="alice")["MFADevices"]
        self.assertEqual([x["SerialNumber"] for x in d],
                         ["arn:aws:iam::%s:mfa/alice" % ACCT])
        d = iam.list_mfa_devices(UserName="breakglass")["MFADevices"]
        self.assertEqual(d[0]["UserName"], "breakglass")
        self.assertEqual(d[0]["SerialNumber"],
                         "arn:aws:iam::%s:mfa/breakglass-hw" % ACCT)
        # without UserName: the caller's (driftwatch has none)
        self.assertEqual(iam.list_mfa_devices()["MFADevices"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.list_mfa_devices(UserName="nobody")
        self.assertEqual(code_of(cm.exception), "NoSuchEntity")
        self.assertEqual(cm.exception.response["ResponseMetadata"]
                         ["HTTPStatusCode"], 404)

    def test_list_virtual_mfa_devices(self):
        iam = self.client("iam")
        d = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
        self.assertEqual([x["SerialNumber"] for x in d],
                         ["arn:aws:iam::%s:mfa/alice" % ACCT])
        self.assertEqual(d[0]["User"]["UserName"], "alice")
        self.assertEqual(iam.list_virtual_mfa_devices(
            AssignmentStatus="Unassigned")["VirtualMFADevices"], [])
        # a root virtual device
        st = FAKE.state()
        st["root"]["MFADevices"] = [{
            "SerialNumber": "arn:aws:iam::%s:mfa/root-account-mfa-device"
                            % ACCT,
            "EnableDate": "2024-05-06T07:08:09Z", "Virtual": True}]
        FAKE.set_state(st)
        d = iam.list_virtual_mfa_devices(
            AssignmentStatus="Assigned")["VirtualMFADevices"]
        root = [x for x in d if x["SerialNumber"].endswith(
            "root-account-mfa-device")]
        self.assertEqual(len(root), 1)
        self.assertEqual(root[0]["User"]["Arn"],
                         "arn:aws:iam::%s:root" % ACCT)
        # paginated
        p = iam.get_paginator("list_virtual_mfa_devices").paginate(
            PaginationConfig={"PageSize": 1})
        self.assertEqual(len([x for pg in p
                              for x in pg["VirtualMFADevices"]]), 2)

    def test_query_get_with_params_in_url(self):
        st, h, body = raw_request(
            "iam", "us-east-1", method="GET",
            path="/?Action=ListUsers&Version=2010-05-08&MaxItems=1")
        self.assertEqual(st, 200, body)
        self.assertIn(b"<ListUsersResult>", body)
        self.assertIn(b"<IsTruncated>true</IsTruncated>", body)

    def test_unknown_action(self):
        st, h, body = raw_request("iam", "us-east-1", query_body(
            Action="FrobnicateUsers", Version="2010-05-08"), QUERY_CT)
        self.assertEqual(st, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        self.assertIn(b"<Type>Sender</Type>", body)
        self.assertIn("x-amzn-RequestId", h)
        self.assertEqual(h["Content-Type"], "text/xml")

    def test_sts_error_namespace(self):
        st, h, body = raw_request("sts", "us-east-1", query_body(
            Action="Nope", Version="2011-06-15"), QUERY_CT)
        self.assertEqual(st, 400)
        self.assertIn(b'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"',
                      body)


class TestCloudTrail(Base):
    def test_describe_trails(self):
        ct = self.client("cloudtrail", "eu-west-1")
        t = ct.describe_trails()["trailList"]
        self.assertEqual(len(t), 1)
        t = t[0]
        self.assertEqual(t["Name"], "org-trail")
        self.assertEqual(t["HomeRegion"], "eu-west-1")
        self.assertTrue(t["IsMultiRegionTrail"])
        self.assertTrue(t["IncludeGlobalServiceEvents"])
        self.assertTrue(t["LogFileValidationEnabled"])
        self.assertEqual(t["S3BucketName"], "org-trail-logs-%s" % ACCT)
        self.assertEqual(t["TrailARN"],
                         "arn:aws:cloudtrail:eu-west-1:%s:trail/org-trail"
                         % ACCT)
        self.assertEqual(len(ct.describe_trails(
            trailNameList=["org-trail"])["trailList"]), 1)
        self.assertEqual(ct.describe_trails(
            trailNameList=["other"])["trailList"], [])
        # us-east-1 sees it as a shadow trail
        us = self.client("cloudtrail", "us-east-1")
        self.assertEqual(len(us.describe_trails()["trailList"]), 1)
        self.assertEqual(us.describe_trails(
            includeShadowTrails=False)["trailList"], [])

    def test_get_trail_status(self):
        ct = self.client("cloudtrail", "eu-west-1")
        s = ct.get_trail_status(Name="org-trail")
        self.assertIs(s["IsLogging"], True)
        self.assertIsInstance(s["LatestDeliveryTime"], datetime.datetime)
        self.assertNotIn("LatestDeliveryError", s)
        arn = "arn:aws:cloudtrail:eu-west-1:%s:trail/org-trail" % ACCT
        self.assertTrue(ct.get_trail_status(Name=arn)["IsLogging"])
        # other region: ARN works, bare name does not (shadow trail)
        us = self.client("cloudtrail", "us-east-1")
        self.assertTrue(us.get_trail_status(Name=arn)["IsLogging"])
        for region, name in (("us-east-1", "org-trail"),
                             ("eu-west-1", "nope")):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                self.client("cloudtrail", region).get_trail_status(Name=name)
            self.assertEqual(code_of(cm.exception), "TrailNotFoundException")
            self.assertEqual(cm.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 400)

    def test_delivery_error(self):
        st = FAKE.state()
        st["trails"][0]["Status"]["LatestDeliveryError"] = "AccessDenied"
        FAKE.set_state(st)
        s = self.client("cloudtrail", "eu-west-1").get_trail_status(
            Name="org-trail")
        self.assertEqual(s["LatestDeliveryError"], "AccessDenied")

    def test_unknown_target(self):
        st, h, body = raw_request("cloudtrail", "us-east-1", b"{}",
                                  ct_headers("Frobnicate"))
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(body)["__type"],
                         "UnknownOperationException")
        self.assertEqual(h["Content-Type"], "application/x-amz-json-1.1")
        self.assertIn("x-amzn-RequestId", h)


ACCOUNT_JSON = {"Content-Type": "application/json"}


def account_raw(path, obj, **kw):
    return raw_request("account", "us-east-1", json.dumps(obj).encode(),
                       ACCOUNT_JSON, path=path, **kw)


class TestAccount(Base):
    def acct(self, **kw):
        return self.client("account", **kw)

    def raises(self, call, code, status):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        self.assertEqual(code_of(cm.exception), code)
        md = cm.exception.response["ResponseMetadata"]
        self.assertEqual(md["HTTPStatusCode"], status)
        return cm.exception.response

    def test_get_each_contact(self):
        a = self.acct()
        seen = {}
        for kind in ("BILLING", "OPERATIONS", "SECURITY"):
            r = a.get_alternate_contact(AlternateContactType=kind)
            c = r["AlternateContact"]
            self.assertEqual(c["AlternateContactType"], kind)
            for k in ("Name", "Title", "EmailAddress", "PhoneNumber"):
                self.assertTrue(c[k], (kind, k))
            seen[kind] = c["EmailAddress"]
        self.assertEqual(len(set(seen.values())), 3)
        self.assertEqual(seen["SECURITY"], "security@example.com")
        self.assertEqual(FAKE.requests()[-1]["path"], "/getAlternateContact")
        self.assertEqual(FAKE.requests()[-1]["method"], "POST")
        self.assertTrue(all(q["sig_ok"] for q in FAKE.requests()))

    def test_unset_contact_is_not_found(self):
        eid = FAKE.delete_contact("SECURITY")
        r = self.raises(lambda: self.acct().get_alternate_contact(
            AlternateContactType="SECURITY"), "ResourceNotFoundException",
            404)
        self.assertEqual(r["Error"]["Message"],
                         "No contact of the inputted alternate contact type "
                         "found.")
        self.assertEqual(
            r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"],
            "ResourceNotFoundException:http://internal.amazon.com/coral/"
            "com.amazon.account/")
        # the others are untouched; the deletion is in CloudTrail
        self.acct().get_alternate_contact(AlternateContactType="BILLING")
        FAKE.config(lookup_events_rps=0)
        ev = self.client("cloudtrail").lookup_events(LookupAttributes=[{
            "AttributeKey": "EventId", "AttributeValue": eid}])["Events"]
        self.assertEqual(ev[0]["EventName"], "DeleteAlternateContact")
        self.assertEqual(ev[0]["EventSource"], "account.amazonaws.com")
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.delete_contact("SECURITY")     # already unset
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.delete_contact("NOPE")

    def test_change_contact_through_control(self):
        FAKE.put_contact("OPERATIONS", EmailAddress="Ops-Oncall@Example.com")
        c = self.acct().get_alternate_contact(
            AlternateContactType="OPERATIONS")["AlternateContact"]
        self.assertEqual(c["EmailAddress"], "Ops-Oncall@Example.com")
        self.assertEqual(c["Name"], "Sam Okafor")      # kept
        FAKE.set_contacts({"BILLING": {
            "Name": "B", "Title": "T", "EmailAddress": "b@example.com",
            "PhoneNumber": "+1 555 0100"}})
        self.assertEqual(sorted(FAKE.contacts()), ["BILLING"])
        self.raises(lambda: self.acct().get_alternate_contact(
            AlternateContactType="OPERATIONS"), "ResourceNotFoundException",
            404)
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.set_contacts({"BILLING": {"Name": "x", "Bogus": 1}})

    def test_put_and_delete_through_the_api(self):
        a = self.acct()
        r = a.put_alternate_contact(
            AlternateContactType="SECURITY", Name="Mallory",
            Title="Not Security", EmailAddress="mallory@example.net",
            PhoneNumber="+44 20 7946 0000")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(FAKE.contacts()["SECURITY"]["Name"], "Mallory")
        a.delete_alternate_contact(AlternateContactType="BILLING")
        self.assertNotIn("BILLING", FAKE.contacts())
        self.raises(lambda: a.delete_alternate_contact(
            AlternateContactType="BILLING"), "ResourceNotFoundException",
            404)
        names = [e["EventName"] for e in FAKE.state()["events"]]
        self.assertEqual(names, ["PutAlternateContact",
                                 "DeleteAlternateContact"])
        rec = json.loads(FAKE.state()["events"][0]["CloudTrailEvent"])
        self.assertEqual(rec["userIdentity"]["arn"],
                         "arn:aws:iam::%s:user/driftwatch" % ACCT)
        self.assertNotIn("Mallory", json.dumps(rec["requestParameters"]))

    def test_validation(self):
        import botocore.session
        c = botocore.session.Session().create_client(
            "account", region_name="us-east-1", endpoint_url=FAKE.aws_url,
            verify=FAKE.ca_file, aws_access_key_id=FAKE.access_key,
            aws_secret_access_key=FAKE.secret_key,
            config=Config(parameter_validation=False,
                          retries={"total_max_attempts": 1}))
        r = self.raises(lambda: c.get_alternate_contact(
            AlternateContactType="LEGAL"), "ValidationException", 400)
        self.assertIn("Member must satisfy enum value set: [BILLING, "
                      "OPERATIONS, SECURITY]", r["Error"]["Message"])
        r = self.raises(lambda: c.get_alternate_contact(),
                        "ValidationException", 400)
        self.assertIn("Value null at 'alternateContactType'",
                      r["Error"]["Message"])
        r = self.raises(lambda: c.get_alternate_contact(
            AlternateContactType="BILLING", AccountId="12345"),
            "ValidationException", 400)
        self.assertIn("'accountId'", r["Error"]["Message"])
        # sensitive values are not echoed back
        r = self.raises(lambda: c.put_alternate_contact(
            AlternateContactType="BILLING", Name="N", Title="T",
            EmailAddress="not-an-address", PhoneNumber="+1 555"),
            "ValidationException", 400)
        self.assertIn("'emailAddress'", r["Error"]["Message"])
        self.assertNotIn("not-an-address", r["Error"]["Message"])
        self.assertEqual(FAKE.contacts()["BILLING"]["Name"],
                         "Dana Whitfield")

    def test_account_id(self):
        a = self.acct()
        r = self.raises(lambda: a.get_alternate_contact(
            AlternateContactType="SECURITY", AccountId=ACCT),
            "AccessDeniedException", 403)
        self.assertEqual(
            r["Error"]["Message"],
            "User: arn:aws:iam::%s:user/driftwatch is not authorized to "
            "perform: account:GetAlternateContact (The management account "
            "can only be managed using the standalone context from the "
            "management account.)" % ACCT)
        self.raises(lambda: a.get_alternate_contact(
            AlternateContactType="SECURITY", AccountId="444455556666"),
            "AccessDeniedException", 403)
        FAKE.set_state({"member_accounts": {"444455556666": {
            "alternate_contacts": {"SECURITY": {
                "Name": "M", "Title": "T", "EmailAddress": "m@example.com",
                "PhoneNumber": "+1 555 0101"}}}}})
        c = a.get_alternate_contact(AlternateContactType="SECURITY",
                                    AccountId="444455556666")
        self.assertEqual(c["AlternateContact"]["Name"], "M")
        self.raises(lambda: a.get_alternate_contact(
            AlternateContactType="BILLING", AccountId="444455556666"),
            "ResourceNotFoundException", 404)
        # a member account may not name any account, even its own
        FAKE.set_state({"is_management_account": False})
        r = self.raises(lambda: a.get_alternate_contact(
            AlternateContactType="SECURITY", AccountId=ACCT),
            "AccessDeniedException", 403)
        self.assertNotIn("standalone", r["Error"]["Message"])
        a.get_alternate_contact(AlternateContactType="SECURITY")

    def test_error_styles(self):
        FAKE.delete_contact("BILLING")

        def get():
            return account_raw("/getAlternateContact",
                               {"AlternateContactType": "BILLING"})
        st, h, body = get()
        self.assertEqual(st, 404)
        self.assertEqual(h["Content-Type"], "application/json")
        self.assertEqual(json.loads(body), {
            "message": "No contact of the inputted alternate contact type "
                       "found."})
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "ResourceNotFoundException:"))
        FAKE.config(rest_json_error_style="type")
        st, h, body = get()
        self.assertNotIn("x-amzn-ErrorType", h)
        self.assertEqual(json.loads(body)["__type"],
                         "com.amazonaws.account#ResourceNotFoundException")
        self.raises(lambda: self.acct().get_alternate_contact(
            AlternateContactType="BILLING"), "ResourceNotFoundException", 404)
        FAKE.config(rest_json_error_style="both")
        st, h, body = get()
        self.assertIn("x-amzn-ErrorType", h)
        self.assertIn("__type", json.loads(body))
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.config(rest_json_error_style="xml")
        # per fault
        FAKE.config(rest_json_error_style="header")
        FAKE.fault(service="account", kind="accessdenied",
                   error_style="type")
        st, h, body = get()
        self.assertEqual(st, 403)
        self.assertNotIn("x-amzn-ErrorType", h)
        self.assertEqual(json.loads(body)["__type"],
                         "com.amazonaws.account#AccessDeniedException")
        self.assertEqual(get()[0], 404)     # the fault is spent
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.fault(kind="throttle", error_style="nope")

    def test_signature_and_routing(self):
        st, h, body = account_raw("/getAlternateContact",
                                  {"AlternateContactType": "SECURITY"})
        self.assertEqual(st, 200, body)
        self.assertEqual(json.loads(body)["AlternateContact"]["Name"],
                         "Priya Raman")
        self.assertIn("x-amzn-RequestId", h)
        st, h, body = account_raw("/getAlternateContact",
                                  {"AlternateContactType": "SECURITY"},
                                  secret="wrong")
        self.assertEqual(st, 403)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "InvalidSignatureException:"))
        self.assertIn("signature we calculated", json.loads(body)["message"])
        st, h, body = account_raw("/getAlternateContact", {},
                                  access_key="AKIDUNKNOWN000000000")
        self.assertEqual(st, 403)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "UnrecognizedClientException:"))
        st, h, body = account_raw("/frobnicate", {})
        self.assertEqual(st, 404)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "UnknownOperationException:http://internal.amazon.com/coral/"
            "com.amazon.coral.service/"))
        st, h, body = account_raw("/getAlternateContact", {}, method="GET")
        self.assertEqual(st, 404)
        st, h, body = raw_request("account", "us-east-1", b"[1,2",
                                  ACCOUNT_JSON, path="/getAlternateContact")
        self.assertEqual(st, 400)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "SerializationException:"))
        st, h, body = account_raw("/getAlternateContact", {}, sign=False)
        self.assertEqual(st, 403)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "MissingAuthenticationTokenException:"))
        self.assertEqual(h["Content-Type"], "application/json")

    def test_faults(self):
        a = self.acct()
        get = lambda: a.get_alternate_contact(   # noqa: E731
            AlternateContactType="SECURITY")
        FAKE.fault(service="account", kind="throttle")
        self.raises(get, "TooManyRequestsException", 429)
        FAKE.fault(service="account", kind="accessdenied")
        r = self.raises(get, "AccessDeniedException", 403)
        self.assertEqual(r["Error"]["Message"],
                         "User: arn:aws:iam::%s:user/driftwatch is not "
                         "authorized to perform: account:GetAlternateContact"
                         % ACCT)
        FAKE.fault(service="account", kind="status", status=500)
        self.raises(get, "InternalServerException", 500)
        FAKE.fault(service="account", kind="status", status=503)
        self.raises(get, "ServiceUnavailable", 503)
        FAKE.fault(service="account", kind="html")
        self.raises(get, "502", 502)
        # botocore reads a cut JSON body as no output at all
        FAKE.fault(service="account", kind="cut")
        self.assertNotIn("AlternateContact", get())
        FAKE.fault(service="account", kind="cut")
        with self.assertRaises(http.client.IncompleteRead):
            account_raw("/getAlternateContact",
                        {"AlternateContactType": "SECURITY"})
        FAKE.fault(service="account", kind="malformed")
        st, h, body = account_raw("/getAlternateContact",
                                  {"AlternateContactType": "SECURITY"})
        self.assertEqual(st, 200)
        self.assertEqual(int(h["Content-Length"]), len(body))
        with self.assertRaises(ValueError):
            json.loads(body)
        FAKE.fault(service="account", kind="slow", delay=0.5)
        t0 = time.monotonic()
        get()
        self.assertGreaterEqual(time.monotonic() - t0, 0.45)
        self.assertEqual([q["fault"] for q in FAKE.requests()],
                         ["throttle", "accessdenied", "status", "status",
                          "html", "cut", "cut", "malformed", "slow"])


DEFAULT_ROLE = "arn:aws:iam::%s:role/driftwatch-readonly" % ACCT


def client_with(creds, service, region="us-east-1", **cfg):
    """A botocore client signing with temporary credentials `creds`
    (AssumeRole's Credentials)."""
    import botocore.session
    return botocore.session.Session().create_client(
        service, region_name=region, endpoint_url=FAKE.aws_url,
        verify=FAKE.ca_file, aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
        config=Config(retries={"total_max_attempts": 1}, **cfg))


class TestAssumeRole(Base):
    def sts(self):
        return self.client("sts")

    def denied(self, call, code="AccessDenied", status=403):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        self.assertEqual(code_of(cm.exception), code)
        self.assertEqual(cm.exception.response["ResponseMetadata"]
                         ["HTTPStatusCode"], status)
        return cm.exception.response["Error"]["Message"]

    def test_issue_and_use(self):
        t0 = time.time()
        r = self.sts().assume_role(RoleArn=DEFAULT_ROLE,
                                   RoleSessionName="driftwatch")
        c = r["Credentials"]
        self.assertRegex(c["AccessKeyId"], r"^ASIA[A-Z2-7]{16}$")
        self.assertGreaterEqual(len(c["SecretAccessKey"]), 40)
        self.assertGreater(len(c["SessionToken"]), 100)
        left = c["Expiration"].timestamp() - t0
        self.assertTrue(3590 < left <= 3601, left)
        arn = "arn:aws:sts::%s:assumed-role/driftwatch-readonly/driftwatch" \
            % ACCT
        self.assertEqual(r["AssumedRoleUser"]["Arn"], arn)
        self.assertTrue(r["AssumedRoleUser"]["AssumedRoleId"].startswith(
            "AROA"))
        self.assertTrue(r["AssumedRoleUser"]["AssumedRoleId"].endswith(
            ":driftwatch"))
        me = client_with(c, "sts").get_caller_identity()
        self.assertEqual(me["Arn"], arn)
        self.assertEqual(me["Account"], ACCT)
        self.assertEqual(me["UserId"], r["AssumedRoleUser"]["AssumedRoleId"])
        # the other protocols accept them too
        self.assertEqual(len(client_with(c, "iam").list_users()["Users"]), 2)
        client_with(c, "cloudtrail", "eu-west-1").describe_trails()
        client_with(c, "account").get_alternate_contact(
            AlternateContactType="SECURITY")
        # a role session has no user to default to
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            client_with(c, "iam").list_mfa_devices()
        self.assertEqual(code_of(cm.exception), "ValidationError")
        # without (or with a wrong) session token it is not valid
        self.denied(lambda: client_with(dict(c, SessionToken=None),
                                        "sts").get_caller_identity(),
                    "InvalidClientTokenId")
        self.denied(lambda: client_with(dict(c, SessionToken="x"),
                                        "sts").get_caller_identity(),
                    "InvalidClientTokenId")

    def test_records(self):
        sts = self.sts()
        for i in range(3):
            sts.assume_role(RoleArn=DEFAULT_ROLE, RoleSessionName="s%d" % i,
                            DurationSeconds=900 + i)
        self.denied(lambda: sts.assume_role(
            RoleArn="arn:aws:iam::%s:role/nope" % ACCT,
            RoleSessionName="xx"))
        recs = FAKE.assume_role_records()
        self.assertEqual([x["result"] for x in recs],
                         ["issued", "issued", "issued", "denied"])
        self.assertEqual([x["session_name"] for x in recs],
                         ["s0", "s1", "s2", "xx"])
        self.assertEqual([x["duration_seconds"] for x in recs],
                         [900, 901, 902, None])
        self.assertEqual(recs[0]["caller"],
                         "arn:aws:iam::%s:user/driftwatch" % ACCT)
        self.assertEqual(recs[0]["access_key"], FAKE.access_key)
        self.assertEqual(recs[0]["role_arn"], DEFAULT_ROLE)
        self.assertTrue(recs[0]["issued_access_key"].startswith("ASIA"))
        self.assertEqual(len({x["issued_access_key"] for x in recs[:3]}), 3)
        reqs = [q for q in FAKE.requests() if q["action"] == "AssumeRole"]
        self.assertEqual([q["assume_role"]["session_name"] for q in reqs],
                         ["s0", "s1", "s2", "xx"])
        issued = FAKE.issued_credentials()
        self.assertEqual(len(issued), 3)
        dump = json.dumps([recs, FAKE.requests(), issued])
        self.assertNotIn("SecretAccessKey", dump)
        self.assertNotIn("SessionToken", dump)
        FAKE.clear_assume_role_records()
        self.assertEqual(FAKE.assume_role_records(), [])

    def test_expiry(self):
        FAKE.set_credential_lifetime(2)
        sts = self.sts()
        t0 = time.time()
        c = sts.assume_role(RoleArn=DEFAULT_ROLE,
                                   RoleSessionName="short")["Credentials"]
        self.assertLessEqual(c["Expiration"].timestamp() - t0, 2.01)
        me = client_with(c, "sts")
        me.get_caller_identity()
        time.sleep(max(0, c["Expiration"].timestamp() - time.time()) + 0.1)
        msg = self.denied(me.get_caller_identity, "ExpiredToken")
        self.assertEqual(msg, "The security token included in the request "
                              "is expired")
        self.denied(lambda: client_with(c, "iam").list_users(),
                    "ExpiredToken")
        msg = self.denied(lambda: client_with(c, "cloudtrail")
                          .describe_trails(), "ExpiredTokenException")
        self.assertEqual(msg, "The security token included in the request "
                              "is expired")
        self.denied(lambda: client_with(c, "account").get_alternate_contact(
            AlternateContactType="SECURITY"), "ExpiredTokenException")
        st, h, body = account_raw(
            "/getAlternateContact", {"AlternateContactType": "SECURITY"},
            access_key=c["AccessKeyId"], secret=c["SecretAccessKey"],
            token=c["SessionToken"])
        self.assertEqual(st, 403)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "ExpiredTokenException:"))
        self.assertTrue(all(q["sig_ok"] is False for q in FAKE.requests()
                            if q["error_code"] and "Expired" in
                            q["error_code"]))
        # a fresh AssumeRole works again; per-role lifetime wins
        FAKE.set_credential_lifetime(None)
        FAKE.set_credential_lifetime(30, role="driftwatch-readonly")
        sts = self.sts()
        t0 = time.time()
        c2 = sts.assume_role(RoleArn=DEFAULT_ROLE,
                                    RoleSessionName="again")["Credentials"]
        self.assertLessEqual(c2["Expiration"].timestamp() - t0, 30.01)
        client_with(c2, "sts").get_caller_identity()
        FAKE.expire_credentials(c2["AccessKeyId"])
        self.denied(client_with(c2, "sts").get_caller_identity,
                    "ExpiredToken")
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.expire_credentials("ASIANOSUCHKEY0000000")

    def test_denied(self):
        sts = self.sts()
        FAKE.add_role("audit", trusted=["arn:aws:iam::%s:user/alice" % ACCT])
        arn = "arn:aws:iam::%s:role/audit" % ACCT
        msg = self.denied(lambda: sts.assume_role(RoleArn=arn,
                                                  RoleSessionName="dw"))
        self.assertEqual(msg, "User: arn:aws:iam::%s:user/driftwatch is not "
                         "authorized to perform: sts:AssumeRole on resource: "
                         "%s" % (ACCT, arn))
        # a role that does not exist reads the same
        missing = "arn:aws:iam::%s:role/missing" % ACCT
        msg = self.denied(lambda: sts.assume_role(RoleArn=missing,
                                                  RoleSessionName="dw"))
        self.assertTrue(msg.endswith("on resource: " + missing))
        # trusted by access key, by account root, by "*"
        for who in (FAKE.access_key, "arn:aws:iam::%s:root" % ACCT, "*"):
            FAKE.add_role("audit", trusted=[who])
            sts.assume_role(RoleArn=arn, RoleSessionName="dw")
        FAKE.add_role("audit", trusted=["arn:aws:iam::999988887777:root"])
        self.denied(lambda: sts.assume_role(RoleArn=arn,
                                            RoleSessionName="dw"))
        FAKE.delete_role("audit")
        self.denied(lambda: sts.assume_role(RoleArn=arn,
                                            RoleSessionName="dw"))

    def test_external_id(self):
        sts = self.sts()
        role = FAKE.add_role("vendor", external_id="dw-7f3a",
                             trusted=["arn:aws:iam::%s:root" % ACCT])
        arn = role["Arn"]
        self.denied(lambda: sts.assume_role(RoleArn=arn,
                                            RoleSessionName="dw"))
        self.denied(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="dw",
                                            ExternalId="wrong-id"))
        sts.assume_role(RoleArn=arn, RoleSessionName="dw",
                        ExternalId="dw-7f3a")
        self.assertEqual([r["external_id"] for r in
                          FAKE.assume_role_records()],
                         [None, "wrong-id", "dw-7f3a"])

    def test_cross_account_role(self):
        role = FAKE.add_role("audit", account="444455556666",
                             trusted=["arn:aws:iam::%s:root" % ACCT])
        self.assertEqual(role["Arn"], "arn:aws:iam::444455556666:role/audit")
        c = self.sts().assume_role(RoleArn=role["Arn"],
                                   RoleSessionName="xy")["Credentials"]
        me = client_with(c, "sts").get_caller_identity()
        self.assertEqual(me["Account"], "444455556666")
        self.assertEqual(me["Arn"],
                         "arn:aws:sts::444455556666:assumed-role/audit/xy")

    def test_validation(self):
        import botocore.session
        sts = botocore.session.Session().create_client(
            "sts", region_name="us-east-1", endpoint_url=FAKE.aws_url,
            verify=FAKE.ca_file, aws_access_key_id=FAKE.access_key,
            aws_secret_access_key=FAKE.secret_key,
            config=Config(parameter_validation=False,
                          retries={"total_max_attempts": 1}))

        def bad(**kw):
            kw.setdefault("RoleArn", DEFAULT_ROLE)
            kw.setdefault("RoleSessionName", "dw")
            return self.denied(lambda: sts.assume_role(**kw),
                               "ValidationError", 400)
        self.assertEqual(bad(RoleSessionName="bad name"),
                         "1 validation error detected: Value 'bad name' at "
                         "'roleSessionName' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: "
                         "[\\w+=,.@-]*")
        self.assertIn("length greater than or equal to 2",
                      bad(RoleSessionName="a"))
        self.assertIn("length less than or equal to 64",
                      bad(RoleSessionName="a" * 65))
        self.assertIn("'durationSeconds' failed to satisfy constraint: "
                      "Member must have value greater than or equal to 900",
                      bad(DurationSeconds=899))
        self.assertIn("less than or equal to 43200",
                      bad(DurationSeconds=43201))
        self.assertEqual(bad(DurationSeconds=3601),
                         "The requested DurationSeconds exceeds the "
                         "MaxSessionDuration set for this role.")
        st, h, body = raw_request("sts", "us-east-1", query_body(
            Action="AssumeRole", Version="2011-06-15",
            RoleArn=DEFAULT_ROLE), QUERY_CT)
        self.assertEqual(st, 400)
        self.assertIn(b"<Code>ValidationError</Code>", body)
        self.assertIn(b"Value null at 'roleSessionName' failed to satisfy "
                      b"constraint: Member must not be null", body)
        self.assertIn("2 validation errors detected",
                      bad(RoleSessionName="x", DurationSeconds=1))
        # allowed characters and a longer role maximum
        FAKE.add_role("long", max_session_duration=7200)
        t0 = time.time()
        c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/long" % ACCT,
                            RoleSessionName="a+b=c,d.e@f-g_h",
                            DurationSeconds=7200)["Credentials"]
        self.assertGreater(c["Expiration"].timestamp() - t0, 7190)
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.add_role("huge", max_session_duration=50000)

    def test_role_chaining(self):
        FAKE.add_role("hop", max_session_duration=7200,
                      trusted=[DEFAULT_ROLE])
        c = self.sts().assume_role(RoleArn=DEFAULT_ROLE,
                                   RoleSessionName="first")["Credentials"]
        hop = "arn:aws:iam::%s:role/hop" % ACCT
        msg = self.denied(lambda: client_with(c, "sts").assume_role(
            RoleArn=hop, RoleSessionName="second", DurationSeconds=7200),
            "ValidationError", 400)
        self.assertIn("1 hour session limit", msg)
        c2 = client_with(c, "sts").assume_role(
            RoleArn=hop, RoleSessionName="second")["Credentials"]
        self.assertEqual(client_with(c2, "sts").get_caller_identity()["Arn"],
                         "arn:aws:sts::%s:assumed-role/hop/second" % ACCT)
        self.assertEqual(FAKE.assume_role_records()[-1]["caller"],
                         "arn:aws:sts::%s:assumed-role/driftwatch-readonly/"
                         "first" % ACCT)


TOPIC = "arn:aws:sns:us-east-1:%s:driftwatch-alerts" % ACCT


class TestSNS(Base):
    def sns(self, region="us-east-1", validate=True):
        import botocore.session
        return botocore.session.Session().create_client(
            "sns", region_name=region, endpoint_url=FAKE.aws_url,
            verify=FAKE.ca_file, aws_access_key_id=FAKE.access_key,
            aws_secret_access_key=FAKE.secret_key,
            config=Config(parameter_validation=validate,
                          retries={"total_max_attempts": 1}))

    def fails(self, call, code, status, message=None):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call()
        self.assertEqual(code_of(cm.exception), code)
        self.assertEqual(cm.exception.response["ResponseMetadata"]
                         ["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(cm.exception.response["Error"]["Message"],
                             message)
        self.assertEqual(FAKE.sns_publications(), [])

    def test_publish(self):
        t0 = time.time()
        r = self.sns().publish(
            TopicArn=TOPIC, Subject="driftwatch: root MFA disabled",
            Message='{"check": "root_mfa", "state": "drift"}',
            MessageAttributes={
                "severity": {"DataType": "String", "StringValue": "high"},
                "check": {"DataType": "String", "StringValue": "root_mfa"},
                "count": {"DataType": "Number", "StringValue": "3"},
                "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}})
        self.assertRegex(r["MessageId"], r"^[0-9a-f-]{36}$")
        pubs = FAKE.sns_publications()
        self.assertEqual(len(pubs), 1)
        p = pubs[0]
        self.assertEqual(p["message_id"], r["MessageId"])
        self.assertEqual(p["topic_arn"], TOPIC)
        self.assertEqual(p["region"], "us-east-1")
        self.assertEqual(p["subject"], "driftwatch: root MFA disabled")
        self.assertEqual(json.loads(p["message"])["check"], "root_mfa")
        self.assertEqual(p["attributes"]["severity"],
                         {"DataType": "String", "StringValue": "high"})
        self.assertEqual(p["attributes"]["check"]["StringValue"], "root_mfa")
        self.assertEqual(p["attributes"]["count"],
                         {"DataType": "Number", "StringValue": "3"})
        self.assertEqual(p["attributes"]["blob"]["BinaryValue"], "AP8=")
        self.assertEqual(p["access_key"], FAKE.access_key)
        self.assertEqual(p["caller"],
                         "arn:aws:iam::%s:user/driftwatch" % ACCT)
        self.assertTrue(t0 <= p["time"] <= time.time())
        self.assertEqual(p["request_id"], FAKE.requests()[-1]["id"])
        self.assertIs(FAKE.requests()[-1]["sig_ok"], True)
        FAKE.clear_sns_publications()
        self.assertEqual(FAKE.sns_publications(), [])

    def test_query_encoding(self):
        # the wire form botocore writes for a Query map
        st, h, body = raw_request("sns", "us-east-1", query_body(**{
            "Action": "Publish", "Version": "2010-03-31",
            "TopicArn": TOPIC, "Message": "hello",
            "MessageAttributes.entry.1.Name": "severity",
            "MessageAttributes.entry.1.Value.DataType": "String",
            "MessageAttributes.entry.1.Value.StringValue": "low",
            "MessageAttributes.entry.2.Name": "check",
            "MessageAttributes.entry.2.Value.DataType": "String",
            "MessageAttributes.entry.2.Value.StringValue": "trail"}),
            QUERY_CT)
        self.assertEqual(st, 200, body)
        self.assertIn(b'<PublishResponse xmlns="http://sns.amazonaws.com/'
                      b'doc/2010-03-31/">', body)
        self.assertIn(b"<PublishResult>", body)
        self.assertIn(b"<MessageId>", body)
        a = FAKE.sns_publications()[0]["attributes"]
        self.assertEqual(list(a), ["severity", "check"])
        self.assertEqual(a["check"]["StringValue"], "trail")
        self.assertIsNone(FAKE.sns_publications()[0]["subject"])

    def test_topic_must_exist_in_region_and_account(self):
        sns = self.sns()
        self.fails(lambda: sns.publish(
            TopicArn="arn:aws:sns:us-east-1:%s:nope" % ACCT, Message="m"),
            "NotFound", 404, "Topic does not exist")
        self.fails(lambda: sns.publish(
            TopicArn="arn:aws:sns:us-east-1:444455556666:driftwatch-alerts",
            Message="m"), "NotFound", 404, "Topic does not exist")
        # a topic in another region than the request's
        self.fails(lambda: self.sns("eu-west-1").publish(
            TopicArn=TOPIC, Message="m"), "InvalidParameter", 400,
            "Invalid parameter: TopicArn")
        self.fails(lambda: sns.publish(TopicArn="driftwatch-alerts",
                                       Message="m"),
                   "InvalidParameter", 400, "Invalid parameter: TopicArn")
        eu = FAKE.add_sns_topic("alerts", region="eu-west-1")["TopicArn"]
        self.sns("eu-west-1").publish(TopicArn=eu, Message="m")
        self.assertEqual(FAKE.sns_publications()[0]["region"], "eu-west-1")
        FAKE.delete_sns_topic(eu)
        FAKE.clear_sns_publications()
        self.fails(lambda: self.sns("eu-west-1").publish(
            TopicArn=eu, Message="m"), "NotFound", 404)
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.control("POST", "/_sns/topics", {"TopicArn": "nope"})

    def test_subject(self):
        sns = self.sns()
        sns.publish(TopicArn=TOPIC, Message="m", Subject="x" * 99)
        sns.publish(TopicArn=TOPIC, Message="m", Subject="[drift] ok: 1")
        FAKE.clear_sns_publications()
        for bad in ("x" * 100, "two\nlines", "cr\rhere", "tab\there",
                    " leading space", "caf\u00e9", ""):
            self.fails(lambda: sns.publish(TopicArn=TOPIC, Message="m",
                                           Subject=bad),
                       "InvalidParameter", 400, "Invalid parameter: Subject")

    def test_message_size(self):
        sns = self.sns()
        sns.publish(TopicArn=TOPIC, Message="a" * 262144)
        # 256 KB counts bytes, not characters
        sns.publish(TopicArn=TOPIC, Message="\u00e9" * 131072)
        FAKE.clear_sns_publications()
        self.fails(lambda: sns.publish(TopicArn=TOPIC,
                                       Message="\u00e9" * 131072 + "a"),
                   "InvalidParameter", 400,
                   "Invalid parameter: Message too long")
        # attributes count too: name + type + value
        attr = {"severity": {"DataType": "String", "StringValue": "high"}}
        self.fails(lambda: sns.publish(TopicArn=TOPIC,
                                       Message="a" * (262144 - 17),
                                       MessageAttributes=attr),
                   "InvalidParameter", 400,
                   "Invalid parameter: Message too long")
        sns.publish(TopicArn=TOPIC, Message="a" * (262144 - 18),
                    MessageAttributes=attr)
        FAKE.clear_sns_publications()
        self.fails(lambda: self.sns(validate=False).publish(
            TopicArn=TOPIC, Message=""), "InvalidParameter", 400,
            "Invalid parameter: Empty message")

    def test_message_attributes(self):
        sns = self.sns()

        def pub(attrs):
            return lambda: sns.publish(TopicArn=TOPIC, Message="m",
                                       MessageAttributes=attrs)
        self.fails(pub({"a": {"DataType": "Text", "StringValue": "x"}}),
                   "ParameterValueInvalid", 400,
                   "The message attribute 'a' has an invalid message "
                   "attribute type, the set of supported type prefixes is "
                   "Binary, Number, and String.")
        self.fails(pub({"a": {"DataType": "String"}}),
                   "ParameterValueInvalid", 400,
                   "The message attribute 'a' must contain non-empty message "
                   "attribute value for message attribute type 'String'.")
        self.fails(pub({"n": {"DataType": "Number", "StringValue": "x1"}}),
                   "ParameterValueInvalid", 400,
                   "Could not cast message attribute 'n' value to number.")
        for name in ("AWS.reserved", "bad name", ".dot", "a..b"):
            self.fails(pub({name: {"DataType": "String",
                                   "StringValue": "x"}}),
                       "ParameterValueInvalid", 400)
        sns.publish(TopicArn=TOPIC, Message="m", MessageAttributes={
            "String.custom-ok_1": {"DataType": "String.sev",
                                   "StringValue": "x"}})

    def test_message_structure(self):
        sns = self.sns()
        sns.publish(TopicArn=TOPIC, MessageStructure="json",
                    Message='{"default": "d", "email": "e"}')
        self.assertEqual(FAKE.sns_publications()[0]["message_structure"],
                         "json")
        FAKE.clear_sns_publications()
        self.fails(lambda: sns.publish(TopicArn=TOPIC,
                                       MessageStructure="json",
                                       Message='{"email": "e"}'),
                   "InvalidParameter", 400,
                   "Invalid parameter: Message Structure - No default entry "
                   "in JSON message body")
        self.fails(lambda: sns.publish(TopicArn=TOPIC,
                                       MessageStructure="json",
                                       Message="not json"),
                   "InvalidParameter", 400)

    def test_authorization(self):
        sns = self.sns()
        me = "arn:aws:iam::%s:user/driftwatch" % ACCT
        denied = "User: %s is not authorized to perform: SNS:Publish on " \
            "resource: %s" % (me, TOPIC)
        FAKE.add_sns_topic("driftwatch-alerts", deny=[me])
        self.fails(lambda: sns.publish(TopicArn=TOPIC, Message="m"),
                   "AuthorizationError", 403, denied)
        FAKE.add_sns_topic("driftwatch-alerts", deny=[FAKE.access_key])
        self.fails(lambda: sns.publish(TopicArn=TOPIC, Message="m"),
                   "AuthorizationError", 403, denied)
        FAKE.add_sns_topic("driftwatch-alerts",
                           allow=["arn:aws:iam::%s:user/alice" % ACCT])
        self.fails(lambda: sns.publish(TopicArn=TOPIC, Message="m"),
                   "AuthorizationError", 403, denied)
        # another account's topic: only if its policy allows us
        other = FAKE.add_sns_topic("shared", account="444455556666")
        self.fails(lambda: sns.publish(TopicArn=other["TopicArn"],
                                       Message="m"),
                   "AuthorizationError", 403)
        FAKE.add_sns_topic("shared", account="444455556666",
                           allow=["arn:aws:iam::%s:root" % ACCT])
        sns.publish(TopicArn=other["TopicArn"], Message="m")
        self.assertEqual(len(FAKE.sns_publications()), 1)

    def test_role_credentials(self):
        c = self.client("sts").assume_role(
            RoleArn=DEFAULT_ROLE, RoleSessionName="sink")["Credentials"]
        client_with(c, "sns").publish(TopicArn=TOPIC, Message="m")
        p = FAKE.sns_publications()[0]
        self.assertEqual(p["access_key"], c["AccessKeyId"])
        self.assertEqual(p["caller"], "arn:aws:sts::%s:assumed-role/"
                         "driftwatch-readonly/sink" % ACCT)

    def test_faults(self):
        sns = self.sns()

        def pub():
            return sns.publish(TopicArn=TOPIC, Message="m")
        FAKE.fault(service="sns", kind="throttle")
        self.fails(pub, "Throttling", 400, "Rate exceeded")
        FAKE.fault(service="sns", kind="throttle", code="Throttled",
                   status=429)
        self.fails(pub, "Throttled", 429)
        FAKE.fault(service="sns", kind="status", status=500)
        self.fails(pub, "InternalError", 500)
        FAKE.fault(service="sns", kind="status", status=503)
        self.fails(pub, "ServiceUnavailable", 503)
        FAKE.fault(service="sns", kind="accessdenied")
        self.fails(pub, "AuthorizationError", 403)
        FAKE.fault(service="sns", kind="html")
        self.fails(pub, "502", 502)
        pub()
        self.assertEqual(len(FAKE.sns_publications()), 1)
        self.assertEqual([q["status"] for q in FAKE.requests()],
                         [400, 429, 500, 503, 403, 502, 200])
        # a cut answer: SNS did publish, only the answer was lost
        FAKE.fault(service="sns", kind="cut")
        with self.assertRaises(http.client.IncompleteRead):
            raw_request("sns", "us-east-1", query_body(
                Action="Publish", Version="2010-03-31", TopicArn=TOPIC,
                Message="lost answer"), QUERY_CT)
        self.assertEqual(FAKE.sns_publications()[-1]["message"],
                         "lost answer")


def date_header(h):
    """The Date header as epoch seconds; it must be RFC 7231's
    IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT")."""
    import email.utils
    v = h["Date"]
    assert v.endswith(" GMT") and v[3:5] == ", ", v
    return email.utils.parsedate_to_datetime(v).timestamp()


def sts_identity(when=None):
    return raw_request("sts", "us-east-1", query_body(
        Action="GetCallerIdentity", Version="2011-06-15"), QUERY_CT,
        when=when)


class TestClock(Base):
    def aws_time(self):
        return datetime.datetime.utcnow() + datetime.timedelta(
            seconds=FAKE.clock()["offset_seconds"])

    def test_date_header_everywhere(self):
        st, h, body = sts_identity()
        self.assertEqual(st, 200)
        self.assertLess(abs(date_header(h) - time.time()), 2)
        FAKE.set_clock_offset(1200)
        c = FAKE.clock()
        self.assertEqual(c["offset_seconds"], 1200)
        self.assertAlmostEqual(c["aws_now"] - c["host_now"], 1200, delta=1)
        answers = [sts_identity(self.aws_time()),       # 200
                   sts_identity(),                       # 403 skew
                   account_raw("/nope", {}, when=self.aws_time()),   # 404
                   raw_request("cloudtrail", "us-east-1", b"{}",
                               ct_headers("DescribeTrails"),
                               when=self.aws_time())]    # 200 JSON
        self.assertEqual([a[0] for a in answers], [200, 403, 404, 200])
        for st, h, body in answers:
            self.assertLess(abs(date_header(h) - time.time() - 1200), 2,
                            h["Date"])
        FAKE.fault(service="sts", kind="html")
        st, h, body = sts_identity(self.aws_time())
        self.assertEqual(st, 502)
        self.assertLess(abs(date_header(h) - time.time() - 1200), 2)
        FAKE.reset()
        self.assertEqual(FAKE.clock()["offset_seconds"], 0)

    def test_skew_follows_aws_clock(self):
        FAKE.set_clock_offset(1200)
        st, h, body = sts_identity()      # signed by the host's clock
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        self.assertIn(b"Signature expired: ", body)
        self.assertIn(b" - 15 min.)", body)
        # the message names AWS's time, as AWS's does
        now = self.aws_time().strftime("%Y%m%dT%H%M").encode()
        self.assertIn(b"(" + now, body)
        # JSON services: InvalidSignatureException
        st, h, body = raw_request("cloudtrail", "us-east-1", b"{}",
                                  ct_headers("DescribeTrails"))
        self.assertEqual(st, 400)
        self.assertEqual(json.loads(body)["__type"],
                         "InvalidSignatureException")
        self.assertTrue(json.loads(body)["message"].startswith(
            "Signature expired: "))
        st, h, body = account_raw("/getAlternateContact",
                                  {"AlternateContactType": "SECURITY"})
        self.assertEqual(st, 403)
        self.assertTrue(h["x-amzn-ErrorType"].startswith(
            "InvalidSignatureException:"))
        # signed by AWS's clock: fine; 14 minutes off it still is
        self.assertEqual(sts_identity(self.aws_time())[0], 200)
        self.assertEqual(sts_identity(self.aws_time() - datetime.timedelta(
            minutes=14))[0], 200)
        # AWS behind the host: "not yet current"
        FAKE.set_clock_offset(-1200)
        st, h, body = sts_identity()
        self.assertEqual(st, 403)
        self.assertIn(b"Signature not yet current: ", body)
        self.assertIn(b" + 15 min.)", body)
        # a botocore client on the host's clock fails the same way
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("sns").publish(TopicArn=TOPIC, Message="m")
        self.assertEqual(code_of(cm.exception), "SignatureDoesNotMatch")
        self.assertEqual(FAKE.sns_publications(), [])
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.set_clock_offset("soon")

    def test_events_follow_aws_clock(self):
        FAKE.config(lookup_events_rps=0)
        FAKE.set_clock_offset(1200)
        eid = FAKE.add_event("us-east-1", EventName="CreateUser")
        ev = [e for e in FAKE.state()["events"] if e["EventId"] == eid][0]
        self.assertAlmostEqual(ev["EventTime"], time.time() + 1200, delta=2)
        rec = json.loads(ev["CloudTrailEvent"])
        self.assertEqual(rec["eventTime"][:15], time.strftime(
            "%Y-%m-%dT%H:%M", time.gmtime(time.time() + 1200))[:15])
        # an event 10 minutes in the host's future is in AWS's past: the
        # default window (ending at AWS's now) holds it
        future = FAKE.add_event("us-east-1", EventName="DeleteTrail",
                                EventTime=time.time() + 600)
        body = json.dumps({"LookupAttributes": [{
            "AttributeKey": "EventId", "AttributeValue": future}]}).encode()
        st, h, out = raw_request("cloudtrail", "us-east-1", body,
                                 ct_headers("LookupEvents"),
                                 when=self.aws_time())
        self.assertEqual(st, 200, out)
        self.assertEqual([e["EventId"] for e in json.loads(out)["Events"]],
                         [future])
        FAKE.set_clock_offset(0)
        st, h, out = raw_request("cloudtrail", "us-east-1", body,
                                 ct_headers("LookupEvents"))
        self.assertEqual(json.loads(out)["Events"], [])
        # the visibility delay runs on AWS's clock too
        FAKE.set_clock_offset(1200)
        late = FAKE.add_event("us-east-1", EventName="StopLogging",
                              visible_delay=300)
        body = json.dumps({"LookupAttributes": [{
            "AttributeKey": "EventId", "AttributeValue": late}]}).encode()

        def found():
            st, h, out = raw_request("cloudtrail", "us-east-1", body,
                                     ct_headers("LookupEvents"),
                                     when=self.aws_time())
            return json.loads(out)["Events"]
        self.assertEqual(found(), [])
        FAKE.set_clock_offset(1200 + 301)
        self.assertEqual(len(found()), 1)

    def test_trail_status_and_actions_follow_aws_clock(self):
        FAKE.set_clock_offset(3600)
        FAKE.action("stop_logging")
        st, h, out = raw_request(
            "cloudtrail", "eu-west-1", b'{"Name": "org-trail"}',
            ct_headers("GetTrailStatus"), when=self.aws_time())
        s = json.loads(out)
        self.assertAlmostEqual(s["StopLoggingTime"], time.time() + 3600,
                               delta=2)
        FAKE.action("start_logging")
        st, h, out = raw_request(
            "cloudtrail", "eu-west-1", b'{"Name": "org-trail"}',
            ct_headers("GetTrailStatus"), when=self.aws_time())
        s = json.loads(out)
        delivered = time.time() + 3600 - s["LatestDeliveryTime"]
        self.assertTrue(100 < delivered < 200, delivered)

    def test_credentials_expire_by_aws_clock(self):
        c = self.client("sts").assume_role(
            RoleArn=DEFAULT_ROLE, RoleSessionName="clock")["Credentials"]
        FAKE.set_clock_offset(3600 - 30)
        st, h, body = raw_request(
            "sts", "us-east-1", query_body(Action="GetCallerIdentity",
                                           Version="2011-06-15"),
            QUERY_CT, access_key=c["AccessKeyId"],
            secret=c["SecretAccessKey"], token=c["SessionToken"],
            when=self.aws_time())
        self.assertEqual(st, 200, body)
        FAKE.set_clock_offset(3600 + 1)
        st, h, body = raw_request(
            "sts", "us-east-1", query_body(Action="GetCallerIdentity",
                                           Version="2011-06-15"),
            QUERY_CT, access_key=c["AccessKeyId"],
            secret=c["SecretAccessKey"], token=c["SessionToken"],
            when=self.aws_time())
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>ExpiredToken</Code>", body)
        # issued under an offset, Expiration is on AWS's clock
        c = raw_request("sts", "us-east-1", query_body(
            Action="AssumeRole", Version="2011-06-15", RoleArn=DEFAULT_ROLE,
            RoleSessionName="later"), QUERY_CT, when=self.aws_time())
        self.assertEqual(c[0], 200, c[2])
        exp = c[2].split(b"<Expiration>")[1].split(b"</Expiration>")[0]
        t = datetime.datetime.strptime(exp.decode(), "%Y-%m-%dT%H:%M:%SZ")
        t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
        self.assertAlmostEqual(t - time.time(), 3601 + 3600, delta=3)


class TestLookupEvents(Base):
    def setUp(self):
        super().setUp()
        FAKE.config(lookup_events_rps=0)   # no throttling here
        self.now = time.time()
        self.ids = []
        for i, name in enumerate(["CreateUser", "ConsoleLogin",
                                  "DeactivateMFADevice", "ConsoleLogin",
                                  "StopLogging"]):
            self.ids.append(FAKE.add_event(
                "us-east-1", EventName=name,
                EventTime=self.now - 500 + i * 100))
        FAKE.add_event("eu-west-1", EventName="StopLogging",
                       EventTime=self.now - 50)

    def ct(self, region="us-east-1", **kw):
        return self.client("cloudtrail", region, **kw)

    def test_newest_first_and_shape(self):
        ev = self.ct().lookup_events()["Events"]
        self.assertEqual([e["EventId"] for e in ev], self.ids[::-1])
        times = [e["EventTime"] for e in ev]
        self.assertEqual(times, sorted(times, reverse=True))
        e = ev[0]
        for k in ("EventId", "EventName", "ReadOnly", "AccessKeyId",
                  "EventTime", "EventSource", "Username", "Resources",
                  "CloudTrailEvent"):
            self.assertIn(k, e)
        self.assertEqual(e["ReadOnly"], "false")
        rec = json.loads(e["CloudTrailEvent"])
        self.assertEqual(rec["eventVersion"], "1.08")
        self.assertEqual(rec["eventID"], e["EventId"])
        self.assertEqual(rec["eventType"], "AwsApiCall")
        self.assertEqual(rec["eventCategory"], "Management")
        self.assertIs(rec["managementEvent"], True)
        self.assertEqual(rec["recipientAccountId"], ACCT)
        self.assertEqual(rec["awsRegion"], "us-east-1")
        self.assertEqual(rec["userIdentity"]["type"], "IAMUser")
        login = [x for x in ev if x["EventName"] == "ConsoleLogin"][0]
        self.assertEqual(json.loads(login["CloudTrailEvent"])["eventType"],
                         "AwsConsoleSignIn")
        # regions are separate
        eu = self.ct("eu-west-1").lookup_events()["Events"]
        self.assertEqual([e["EventName"] for e in eu], ["StopLogging"])

    def test_attribute_filter(self):
        ct = self.ct()
        ev = ct.lookup_events(LookupAttributes=[{
            "AttributeKey": "EventName",
            "AttributeValue": "ConsoleLogin"}])["Events"]
        self.assertEqual([e["EventId"] for e in ev],
                         [self.ids[3], self.ids[1]])
        ev = ct.lookup_events(LookupAttributes=[{
            "AttributeKey": "EventId",
            "AttributeValue": self.ids[2]}])["Events"]
        self.assertEqual([e["EventName"] for e in ev],
                         ["DeactivateMFADevice"])
        ev = ct.lookup_events(LookupAttributes=[{
            "AttributeKey": "Username", "AttributeValue": "admin"}])["Events"]
        self.assertEqual(len(ev), 5)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ct.lookup_events(LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": "A"},
                {"AttributeKey": "Username", "AttributeValue": "B"}])
        self.assertEqual(code_of(cm.exception),
                         "InvalidLookupAttributesException")

    def test_time_range(self):
        ct = self.ct()
        ev = ct.lookup_events(StartTime=self.now - 350,
                              EndTime=self.now - 150)["Events"]
        self.assertEqual([e["EventId"] for e in ev],
                         [self.ids[3], self.ids[2]])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ct.lookup_events(StartTime=self.now, EndTime=self.now - 100)
        self.assertEqual(code_of(cm.exception), "InvalidTimeRangeException")

    def test_paging(self):
        ct = self.ct()
        got, token, pages = [], None, 0
        while True:
            kw = {"MaxResults": 2}
            if token:
                kw["NextToken"] = token
            r = ct.lookup_events(**kw)
            pages += 1
            self.assertLessEqual(len(r["Events"]), 2)
            got += [e["EventId"] for e in r["Events"]]
            token = r.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(got, self.ids[::-1])
        # paginator with a filter
        p = ct.get_paginator("lookup_events").paginate(
            LookupAttributes=[{"AttributeKey": "EventName",
                               "AttributeValue": "ConsoleLogin"}],
            PaginationConfig={"PageSize": 1})
        self.assertEqual([e["EventId"] for pg in p for e in pg["Events"]],
                         [self.ids[3], self.ids[1]])

    def test_bad_params(self):
        ct = self.ct()
        import botocore.session
        c = botocore.session.Session().create_client(
            "cloudtrail", region_name="us-east-1", endpoint_url=FAKE.aws_url,
            verify=FAKE.ca_file, aws_access_key_id=FAKE.access_key,
            aws_secret_access_key=FAKE.secret_key,
            config=Config(parameter_validation=False,
                          retries={"total_max_attempts": 1}))
        for mr in (0, 51):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                c.lookup_events(MaxResults=mr)
            self.assertEqual(code_of(cm.exception),
                             "InvalidMaxResultsException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ct.lookup_events(NextToken="garbage")
        self.assertEqual(code_of(cm.exception), "InvalidNextTokenException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.lookup_events(LookupAttributes=[{"AttributeKey": "Bogus",
                                               "AttributeValue": "x"}])
        self.assertEqual(code_of(cm.exception),
                         "InvalidLookupAttributesException")

    def test_visibility_delay(self):
        ct = self.ct()
        eid = FAKE.add_event("us-east-1", EventName="DeleteTrail",
                             visible_delay=0.7)
        ev = ct.lookup_events(LookupAttributes=[{
            "AttributeKey": "EventId", "AttributeValue": eid}])["Events"]
        self.assertEqual(ev, [])
        FAKE.wait_for(lambda: ct.lookup_events(LookupAttributes=[{
            "AttributeKey": "EventId", "AttributeValue": eid}])["Events"],
            timeout=5, interval=0.2)

    def test_throttling(self):
        FAKE.config(lookup_events_rps=2)
        ct = self.ct()   # retries disabled
        codes = []
        for _ in range(4):
            try:
                ct.lookup_events(MaxResults=1)
                codes.append("ok")
            except botocore.exceptions.ClientError as e:
                codes.append(code_of(e))
                self.assertEqual(e.response["Error"]["Message"],
                                 "Rate exceeded")
        self.assertEqual(codes[:2], ["ok", "ok"])
        self.assertIn("ThrottlingException", codes[2:])
        # other regions have their own bucket
        self.ct("eu-west-1").lookup_events(MaxResults=1)
        st = FAKE.stats()
        self.assertGreaterEqual(st["lookup_events_throttled"], 1)
        self.assertEqual(st["lookup_events_throttled_by_region"]
                         ["us-east-1"], codes.count("ThrottlingException"))
        self.assertGreaterEqual(
            st["by_action"]["cloudtrail:LookupEvents:us-east-1"]["count"], 4)
        throttled = [r for r in FAKE.requests() if r["throttled"]]
        self.assertTrue(throttled)
        self.assertEqual(throttled[0]["error_code"], "ThrottlingException")
        time.sleep(1.05)
        ct.lookup_events(MaxResults=1)


class TestSignatures(Base):
    def test_correct_signature_passes(self):
        self.client("sts").get_caller_identity()
        r = FAKE.requests()[-1]
        self.assertIs(r["sig_ok"], True)
        self.assertEqual(r["access_key"], FAKE.access_key)
        self.assertEqual(r["action"], "GetCallerIdentity")
        self.assertEqual(r["status"], 200)
        self.assertNotIn(FAKE.secret_key, json.dumps(FAKE.requests()))

    def _client_with(self, svc, akid, secret, region="us-east-1"):
        import botocore.session
        return botocore.session.Session().create_client(
            svc, region_name=region, endpoint_url=FAKE.aws_url,
            verify=FAKE.ca_file, aws_access_key_id=akid,
            aws_secret_access_key=secret,
            config=Config(retries={"total_max_attempts": 1}))

    def test_wrong_secret(self):
        for svc, call in (("iam", lambda c: c.list_users()),
                          ("sts", lambda c: c.get_caller_identity()),
                          ("cloudtrail", lambda c: c.describe_trails())):
            c = self._client_with(svc, FAKE.access_key, "wrong" +
                                  FAKE.secret_key)
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call(c)
            self.assertEqual(code_of(cm.exception), "SignatureDoesNotMatch")
            self.assertEqual(cm.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 403)
            self.assertIn("The request signature we calculated does not "
                          "match", cm.exception.response["Error"]["Message"])
        self.assertTrue(all(r["sig_ok"] is False for r in FAKE.requests()))

    def test_unknown_key(self):
        c = self._client_with("iam", "AKIDUNKNOWN000000000", "x")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.get_account_summary()
        self.assertEqual(code_of(cm.exception), "InvalidClientTokenId")
        c = self._client_with("cloudtrail", "AKIDUNKNOWN000000000", "x")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            c.describe_trails()
        self.assertEqual(code_of(cm.exception), "UnrecognizedClientException")

    def test_missing_and_garbled_auth(self):
        st, h, body = raw_request("iam", "us-east-1", query_body(
            Action="ListUsers", Version="2010-05-08"), QUERY_CT, sign=False)
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>MissingAuthenticationToken</Code>", body)
        ctx = ssl.create_default_context(cafile=FAKE.ca_file)
        c = http.client.HTTPSConnection("127.0.0.1", FAKE.aws_port,
                                        context=ctx, timeout=10)
        c.request("POST", "/", body=b"Action=ListUsers", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=garbage",
            "X-Amz-Date": "20250101T000000Z"})
        r = c.getresponse()
        self.assertEqual(r.status, 403)
        self.assertIn(b"IncompleteSignature", r.read())
        c.close()

    def test_expired_signature(self):
        old = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        st, h, body = raw_request("sts", "us-east-1", query_body(
            Action="GetCallerIdentity", Version="2011-06-15"), QUERY_CT,
            when=old)
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        self.assertIn(b"Signature expired", body)
        # 10 minutes of skew is fine
        ok = datetime.datetime.utcnow() - datetime.timedelta(minutes=10)
        st, h, body = raw_request("sts", "us-east-1", query_body(
            Action="GetCallerIdentity", Version="2011-06-15"), QUERY_CT,
            when=ok)
        self.assertEqual(st, 200, body)

    def test_signed_user_agent_and_json(self):
        # a client that signs more headers (user-agent) still verifies
        st, h, body = raw_request(
            "cloudtrail", "eu-west-1", b'{"includeShadowTrails": false}',
            dict(ct_headers("DescribeTrails"), **{"User-Agent": "dw/1"}),
            signed_extra=("User-Agent",))
        self.assertEqual(st, 200, body)
        self.assertEqual(json.loads(body)["trailList"][0]["Name"],
                         "org-trail")
        # body tampering breaks the signature
        self.assertEqual(raw_request("cloudtrail", "eu-west-1", b"{}",
                                     ct_headers("DescribeTrails"),
                                     secret="bad")[0], 403)

    def test_session_token(self):
        creds = [{"AccessKeyId": "ASIAFAKETEMP00000001",
                  "SecretAccessKey": "tempSecret/000000000000000000000000001",
                  "SessionToken": "FwoGZXIvYXdzEFAKETOKEN=="}]
        f2 = dwtest.FakeAWS(dwtest.workdir("fakeaws-token"),
                            credentials=creds)
        try:
            c = f2.client("sts")
            self.assertEqual(c.get_caller_identity()["Account"], ACCT)
            import botocore.session
            bad = botocore.session.Session().create_client(
                "sts", region_name="us-east-1", endpoint_url=f2.aws_url,
                verify=f2.ca_file, aws_access_key_id=creds[0]["AccessKeyId"],
                aws_secret_access_key=creds[0]["SecretAccessKey"],
                aws_session_token="wrong",
                config=Config(retries={"total_max_attempts": 1}))
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                bad.get_caller_identity()
            self.assertEqual(code_of(cm.exception), "InvalidClientTokenId")
            # the default key is not accepted by this instance
            ok = botocore.session.Session().create_client(
                "sts", region_name="us-east-1", endpoint_url=f2.aws_url,
                verify=f2.ca_file, aws_access_key_id=FAKE.access_key,
                aws_secret_access_key=FAKE.secret_key,
                config=Config(retries={"total_max_attempts": 1}))
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ok.get_caller_identity()
            self.assertEqual(code_of(cm.exception), "InvalidClientTokenId")
        finally:
            f2.stop()


class TestFaults(Base):
    def test_throttle(self):
        FAKE.fault(service="iam", action="ListUsers", kind="throttle")
        iam = self.client("iam")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            iam.list_users()
        self.assertEqual(code_of(cm.exception), "Throttling")
        iam.list_users()   # count 1: next one is fine
        FAKE.fault(service="cloudtrail", kind="throttle")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("cloudtrail", "eu-west-1").describe_trails()
        self.assertEqual(code_of(cm.exception), "ThrottlingException")

    def test_status_count(self):
        FAKE.fault(kind="status", status=503, count=2, service="sts")
        sts = self.client("sts")
        for _ in range(2):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                sts.get_caller_identity()
            self.assertEqual(code_of(cm.exception), "ServiceUnavailable")
            self.assertEqual(cm.exception.response["ResponseMetadata"]
                             ["HTTPStatusCode"], 503)
        sts.get_caller_identity()
        FAKE.fault(kind="status", status=500, count=-1,
                   service="cloudtrail", region="eu-west-1")
        ct = self.client("cloudtrail", "eu-west-1")
        for _ in range(3):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                ct.describe_trails()
            self.assertEqual(code_of(cm.exception), "InternalFailure")
        # region filter: us-east-1 is unaffected
        self.client("cloudtrail", "us-east-1").describe_trails()
        FAKE.clear_faults()
        ct.describe_trails()

    def test_accessdenied(self):
        FAKE.fault(kind="accessdenied", action="GetAccountSummary")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("iam").get_account_summary()
        self.assertEqual(code_of(cm.exception), "AccessDenied")
        self.assertEqual(cm.exception.response["ResponseMetadata"]
                         ["HTTPStatusCode"], 403)
        FAKE.fault(kind="accessdenied", service="cloudtrail")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("cloudtrail").lookup_events()
        self.assertEqual(code_of(cm.exception), "AccessDeniedException")

    def test_slow(self):
        FAKE.fault(kind="slow", delay=0.6, service="sts")
        t0 = time.monotonic()
        self.client("sts").get_caller_identity()
        self.assertGreaterEqual(time.monotonic() - t0, 0.55)
        FAKE.fault(kind="slow", delay=2.0, service="sts")
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            self.client("sts", read_timeout=0.5).get_caller_identity()

    def test_cut(self):
        FAKE.fault(kind="cut", service="iam")
        with self.assertRaises(Exception) as cm:
            self.client("iam").list_users()
        self.assertNotIsInstance(cm.exception,
                                 botocore.exceptions.ClientError)
        FAKE.fault(kind="cut", service="sts")
        with self.assertRaises(http.client.IncompleteRead):
            raw_request("sts", "us-east-1", query_body(
                Action="GetCallerIdentity", Version="2011-06-15"), QUERY_CT)
        self.client("iam").list_users()

    def test_malformed(self):
        FAKE.fault(kind="malformed", service="cloudtrail")
        # botocore tolerates bad JSON (turns it into {"message": body})
        r = self.client("cloudtrail", "eu-west-1").describe_trails()
        self.assertNotIn("trailList", r)
        FAKE.fault(kind="malformed", service="iam")
        with self.assertRaises(botocore.parsers.ResponseParserError):
            self.client("iam").list_users()
        FAKE.fault(kind="malformed", service="iam")
        st, h, body = raw_request("iam", "us-east-1", query_body(
            Action="ListUsers", Version="2010-05-08"), QUERY_CT)
        self.assertEqual(st, 200)
        self.assertEqual(h["Content-Type"], "text/xml")
        self.assertEqual(int(h["Content-Length"]), len(body))
        import xml.dom.minidom
        with self.assertRaises(Exception):
            xml.dom.minidom.parseString(body)

    def test_html(self):
        FAKE.fault(kind="html", service="sts")
        st, h, body = raw_request("sts", "us-east-1", query_body(
            Action="GetCallerIdentity", Version="2011-06-15"), QUERY_CT)
        self.assertEqual(st, 502)
        self.assertTrue(h["Content-Type"].startswith("text/html"))
        self.assertIn(b"502 Bad Gateway", body)
        FAKE.fault(kind="html", service="cloudtrail")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.client("cloudtrail").describe_trails()
        self.assertEqual(cm.exception.response["ResponseMetadata"]
                         ["HTTPStatusCode"], 502)

    def test_faults_are_recorded(self):
        FAKE.fault(kind="throttle", service="sts")
        with self.assertRaises(botocore.exceptions.ClientError):
            self.client("sts").get_caller_identity()
        r = FAKE.requests()[-1]
        self.assertEqual(r["fault"], "throttle")
        self.assertEqual(r["error_code"], "Throttling")
        self.assertEqual(r["status"], 400)
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.fault(kind="nonsense")


class TestWebhook(Base):
    def post(self, path, data, headers=None):
        ctx = ssl.create_default_context(cafile=FAKE.ca_file)
        req = urllib.request.Request(FAKE.webhook_url(path), data=data,
                                     headers=headers or {
                                         "Content-Type": "application/json"})
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ctx))
        try:
            with opener.open(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_records_posts(self):
        self.assertTrue(FAKE.webhook_url("slack/x").endswith("/slack/x"))
        st, body = self.post("slack/x", b'{"text":"root login"}')
        self.assertEqual(st, 200)
        self.assertEqual(json.loads(body), {"ok": True})
        posts = FAKE.webhook_posts()
        self.assertEqual(len(posts), 1)
        self.assertEqual(posts[0]["path"], "/slack/x")
        self.assertEqual(json.loads(posts[0]["body"])["text"], "root login")
        self.assertEqual(posts[0]["headers"]["Content-Type"],
                         "application/json")
        self.assertIsInstance(posts[0]["time"], float)
        FAKE.clear_webhook()
        self.assertEqual(FAKE.webhook_posts(), [])

    def test_teams_workflow_answers_202(self):
        st, body = self.post("teams/workflows/x", b'{"type":"message"}')
        self.assertEqual((st, body), (202, b""))
        self.assertEqual(FAKE.webhook_posts()[-1]["status"], 202)
        FAKE.control("POST", "/_webhook/fault", {"status": 429, "count": 1})
        self.assertEqual(self.post("teams/workflows/x", b"{}")[0], 429)
        FAKE.clear_webhook()

    def test_fault(self):
        FAKE.control("POST", "/_webhook/fault", {"status": 500, "count": 2})
        self.assertEqual(self.post("h", b"{}")[0], 500)
        self.assertEqual(self.post("h", b"{}")[0], 500)
        self.assertEqual(self.post("h", b"{}")[0], 200)
        self.assertEqual([p["status"] for p in FAKE.webhook_posts()],
                         [500, 500, 200])


class TestActions(Base):
    def setUp(self):
        super().setUp()
        FAKE.config(lookup_events_rps=0)

    def lookup(self, region, eid):
        ev = self.client("cloudtrail", region).lookup_events(
            LookupAttributes=[{"AttributeKey": "EventId",
                               "AttributeValue": eid}])["Events"]
        return ev

    def test_root_login(self):
        eid = FAKE.action("root_login", success=True,
                          source_ip="203.0.113.9", mfa_used="Yes")
        ev = self.lookup("us-east-1", eid)
        self.assertEqual(len(ev), 1)
        self.assertEqual(ev[0]["EventName"], "ConsoleLogin")
        self.assertEqual(ev[0]["EventSource"], "signin.amazonaws.com")
        self.assertEqual(ev[0]["Username"], "root")
        rec = json.loads(ev[0]["CloudTrailEvent"])
        self.assertEqual(rec["userIdentity"]["type"], "Root")
        self.assertEqual(rec["userIdentity"]["arn"],
                         "arn:aws:iam::%s:root" % ACCT)
        self.assertEqual(rec["sourceIPAddress"], "203.0.113.9")
        self.assertEqual(rec["responseElements"], {"ConsoleLogin": "Success"})
        self.assertEqual(rec["additionalEventData"]["MFAUsed"], "Yes")
        self.assertEqual(rec["eventType"], "AwsConsoleSignIn")
        self.assertEqual(self.lookup("eu-west-1", eid), [])
        eid = FAKE.action("root_login", success=False)
        rec = json.loads(self.lookup("us-east-1", eid)[0]["CloudTrailEvent"])
        self.assertEqual(rec["responseElements"], {"ConsoleLogin": "Failure"})
        self.assertEqual(rec["errorMessage"], "Failed authentication")

    def test_deactivate_user_mfa(self):
        eid = FAKE.action("deactivate_mfa", user="alice")
        iam = self.client("iam")
        self.assertEqual(iam.list_mfa_devices(UserName="alice")
                         ["MFADevices"], [])
        un = iam.list_virtual_mfa_devices(
            AssignmentStatus="Unassigned")["VirtualMFADevices"]
        self.assertEqual([d["SerialNumber"] for d in un],
                         ["arn:aws:iam::%s:mfa/alice" % ACCT])
        self.assertEqual(iam.get_account_summary()["SummaryMap"]
                         ["AccountMFAEnabled"], 1)
        ev = self.lookup("us-east-1", eid)
        self.assertEqual(ev[0]["EventName"], "DeactivateMFADevice")
        rec = json.loads(ev[0]["CloudTrailEvent"])
        self.assertEqual(rec["requestParameters"]["userName"], "alice")
        self.assertEqual(rec["userIdentity"]["type"], "IAMUser")
        with self.assertRaises(dwtest.ControlHTTPError):
            FAKE.action("deactivate_mfa", user="alice")   # none left

    def test_deactivate_root_mfa(self):
        eid = FAKE.action("deactivate_mfa", user="root")
        sm = self.client("iam").get_account_summary()["SummaryMap"]
        self.assertEqual(sm["AccountMFAEnabled"], 0)
        rec = json.loads(self.lookup("us-east-1", eid)[0]["CloudTrailEvent"])
        self.assertEqual(rec["userIdentity"]["type"], "Root")
        self.assertEqual(rec["eventName"], "DeactivateMFADevice")

    def test_stop_start_logging(self):
        eid = FAKE.action("stop_logging", trail="org-trail")
        ct = self.client("cloudtrail", "eu-west-1")
        s = ct.get_trail_status(Name="org-trail")
        self.assertIs(s["IsLogging"], False)
        self.assertIn("StopLoggingTime", s)
        ev = self.lookup("eu-west-1", eid)
        self.assertEqual(ev[0]["EventName"], "StopLogging")
        self.assertEqual(ev[0]["EventSource"], "cloudtrail.amazonaws.com")
        self.assertEqual(self.lookup("us-east-1", eid), [])
        FAKE.action("start_logging", trail="org-trail")
        self.assertIs(ct.get_trail_status(Name="org-trail")["IsLogging"],
                      True)

    def test_delete_trail(self):
        eid = FAKE.action("delete_trail", trail="org-trail")
        ct = self.client("cloudtrail", "eu-west-1")
        self.assertEqual(ct.describe_trails()["trailList"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            ct.get_trail_status(Name="org-trail")
        self.assertEqual(code_of(cm.exception), "TrailNotFoundException")
        self.assertEqual(self.lookup("eu-west-1", eid)[0]["EventName"],
                         "DeleteTrail")

    def test_add_user(self):
        eid = FAKE.action("add_user", user="mallory", mfa=False)
        iam = self.client("iam")
        self.assertIn("mallory", [u["UserName"] for u in
                                  iam.list_users()["Users"]])
        self.assertEqual(iam.list_mfa_devices(UserName="mallory")
                         ["MFADevices"], [])
        self.assertEqual(iam.get_account_summary()["SummaryMap"]["Users"], 3)
        self.assertEqual(self.lookup("us-east-1", eid)[0]["EventName"],
                         "CreateUser")

    def test_custom_actor_and_event(self):
        # an IAM user called "root" is not the root user
        actor = {"type": "IAMUser", "principalId": "AIDAFAKEROOTNAMED001",
                 "arn": "arn:aws:iam::%s:user/root" % ACCT,
                 "accountId": ACCT, "userName": "root"}
        eid = FAKE.action("root_login", actor=actor)
        ev = self.lookup("us-east-1", eid)[0]
        self.assertEqual(ev["Username"], "root")
        self.assertEqual(json.loads(ev["CloudTrailEvent"])
                         ["userIdentity"]["type"], "IAMUser")
        eid = FAKE.add_event("us-east-1", EventName="GetAccountSummary",
                             sourceIPAddress="192.0.2.1",
                             requestParameters={"a": 1})
        ev = self.lookup("us-east-1", eid)[0]
        self.assertEqual(ev["ReadOnly"], "true")
        rec = json.loads(ev["CloudTrailEvent"])
        self.assertEqual(rec["requestParameters"], {"a": 1})
        self.assertEqual(rec["sourceIPAddress"], "192.0.2.1")

    def test_state_roundtrip_and_reset(self):
        st = FAKE.state()
        st["users"] = st["users"][:1]
        FAKE.set_state(st)
        self.assertEqual(len(self.client("iam").list_users()["Users"]), 1)
        FAKE.reset()
        self.assertEqual(len(self.client("iam").list_users()["Users"]), 2)
        self.assertEqual(FAKE.state()["events"], [])


class TestCredentialReport(Base):
    """fake_credreport.py: the report's life as AWS documents it."""

    def cr(self, **kw):
        return FAKE.control("POST", "/_credential_report", kw)

    def code(self, fn):
        try:
            fn()
        except botocore.exceptions.ClientError as e:
            return (e.response["Error"]["Code"],
                    e.response["ResponseMetadata"]["HTTPStatusCode"])
        return None

    def test_in_progress_for_seconds(self):
        iam = self.client("iam")
        self.cr(in_progress_calls=0, in_progress_seconds=1.5)
        self.assertEqual(self.code(iam.get_credential_report),
                         ("ReportNotPresent", 410))
        self.assertEqual(iam.generate_credential_report()["State"],
                         "STARTED")
        self.assertEqual(iam.generate_credential_report()["State"],
                         "INPROGRESS")
        self.assertEqual(self.code(iam.get_credential_report),
                         ("ReportInProgress", 404))
        time.sleep(1.6)
        r = iam.get_credential_report()
        self.assertEqual(r["ReportFormat"], "text/csv")
        self.assertTrue(r["Content"].startswith(b"user,arn,"))
        self.assertEqual(iam.generate_credential_report()["State"],
                         "COMPLETE", "under four hours old: kept")
        self.assertEqual(self.cr()["generate_count"], 1)

    def test_expiry_and_age(self):
        iam = self.client("iam")
        self.cr(generated_at=time.time() - 60, expires_after_seconds=30)
        self.assertEqual(self.code(iam.get_credential_report),
                         ("ReportExpired", 410))
        self.cr(expires_after_seconds=None,
                generated_at=time.time() - 5 * 3600)
        self.assertEqual(iam.generate_credential_report()["State"],
                         "STARTED", "four hours old: a new one")

    def test_content_overrides_and_bad_keys(self):
        iam = self.client("iam")
        self.cr(generated_at=time.time(), content="user,arn\nbob,x\n")
        self.assertEqual(iam.get_credential_report()["Content"],
                         b"user,arn\nbob,x\n")
        with self.assertRaises(dwtest.ControlHTTPError):
            self.cr(no_such_key=1)


if __name__ == "__main__":
    dwtest.tap_main()
