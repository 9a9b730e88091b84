#!/usr/bin/python3
"""The fake's Organizations (JSON 1.1) and Tax Settings (REST-JSON), with
botocore as the client: Debian's awscli knows no Tax Settings, so the
taxsettings model in models/ is loaded into a botocore session here.
Shapes, pagination tokens and errors as the models and AWS's docs say."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402

import botocore.exceptions  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
ACCT = "111122223333"
FAKE = None


def setUpModule():
    global FAKE
    FAKE = dwtest.FakeAWS(dwtest.workdir("fake-org-tax"))


def tearDownModule():
    if FAKE is not None:
        FAKE.stop()


def tax_client():
    s = botocore.session.Session()
    s.get_component("data_loader").search_paths.insert(0, MODELS)
    return s.create_client(
        "taxsettings", region_name="us-east-1", endpoint_url=FAKE.aws_url,
        verify=FAKE.ca_file, aws_access_key_id=FAKE.access_key,
        aws_secret_access_key=FAKE.secret_key,
        config=Config(retries={"total_max_attempts": 1}))


def details(i):
    return {"accountId": "%012d" % (500000000000 + i), "taxRegistration": {
        "registrationId": "DE%09d" % i, "registrationType": "VAT",
        "legalName": "Corp %d" % i, "status": "Verified",
        "jurisdiction": {"countryCode": "DE"}}}


class Organizations(unittest.TestCase):
    def setUp(self):
        FAKE.reset()
        self.org = FAKE.client("organizations")

    def set_org(self, org):
        st = FAKE.state()
        st["organization"] = org
        FAKE.set_state(st)

    def test_describe_organization(self):
        o = self.org.describe_organization()["Organization"]
        self.assertEqual(o["MasterAccountId"], ACCT)
        self.assertEqual(o["Arn"], "arn:aws:organizations::%s:organization/"
                         "o-exampleorgid" % ACCT)
        self.assertEqual(o["AvailablePolicyTypes"],
                         [{"Type": "SERVICE_CONTROL_POLICY",
                           "Status": "ENABLED"}])

    def test_not_in_use_error_shape(self):
        self.set_org(None)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.org.describe_organization()
        e = cm.exception.response
        self.assertEqual(e["Error"]["Code"],
                         "AWSOrganizationsNotInUseException")
        self.assertEqual(e["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(e["ResponseMetadata"]["HTTPHeaders"]
                         ["content-type"], "application/x-amz-json-1.1")

    def test_describe_account_only_from_management(self):
        a = self.org.describe_account(AccountId=ACCT)["Account"]
        self.assertEqual(a["Email"], "aws-root@example.com")
        self.set_org({"Id": "o-exampleorgid",
                      "MasterAccountId": "444455556666",
                      "MasterAccountEmail": "root@elsewhere.test"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.org.describe_account(AccountId=ACCT)
        self.assertEqual(cm.exception.response["Error"]["Code"],
                         "AccessDeniedException")


class TaxSettings(unittest.TestCase):
    def setUp(self):
        FAKE.reset()
        self.tax = tax_client()

    def set_regs(self, regs):
        st = FAKE.state()
        st["tax_registrations"] = regs
        FAKE.set_state(st)

    def test_get_tax_inheritance(self):
        self.assertEqual(self.tax.get_tax_inheritance()["heritageStatus"],
                         "OptIn")
        q = [r for r in FAKE.requests() if r["service"] == "tax"][-1]
        self.assertEqual((q["method"], q["path"], q["sig_ok"]),
                         ("POST", "/GetTaxInheritance", True))

    def test_default_registration(self):
        d = self.tax.list_tax_registrations()["accountDetails"]
        self.assertEqual(len(d), 1)
        self.assertEqual(d[0]["accountId"], ACCT)
        reg = d[0]["taxRegistration"]
        self.assertEqual((reg["registrationType"], reg["registrationId"],
                          reg["jurisdiction"]["countryCode"]),
                         ("VAT", "DE123456789", "DE"))

    def test_pagination(self):
        self.set_regs([details(i) for i in range(120)])
        r = self.tax.list_tax_registrations()
        self.assertEqual(len(r["accountDetails"]), 50, "default page: 50")
        self.assertIn("nextToken", r)
        pages = list(self.tax.get_paginator("list_tax_registrations")
                     .paginate(PaginationConfig={"PageSize": 7}))
        ids = [d["accountId"] for p in pages for d in p["accountDetails"]]
        self.assertEqual(len(pages), 18)
        self.assertEqual(ids, [details(i)["accountId"] for i in range(120)])
        self.assertNotIn("nextToken", pages[-1])

    def test_bad_token_and_page_size(self):
        self.set_regs([details(i) for i in range(5)])
        for kw in ({"nextToken": "bm90LWEtdG9rZW4"},
                   {"nextToken": "a token"}):
            with self.subTest(kw=kw):
                with self.assertRaises(
                        botocore.exceptions.ClientError) as cm:
                    self.tax.list_tax_registrations(**kw)
                e = cm.exception.response
                self.assertEqual(e["Error"]["Code"], "ValidationException")
                self.assertEqual(e["ResponseMetadata"]["HTTPStatusCode"],
                                 400)
        # a token of another list (the state changed) is refused too
        tok = self.tax.list_tax_registrations(maxResults=2)["nextToken"]
        self.set_regs([details(i) for i in range(6)])
        with self.assertRaises(botocore.exceptions.ClientError):
            self.tax.list_tax_registrations(nextToken=tok)

    def test_error_in_header_and_type(self):
        for style in ("header", "type", "both"):
            with self.subTest(style=style):
                FAKE.fault(service="tax", kind="accessdenied",
                           error_style=style)
                with self.assertRaises(
                        botocore.exceptions.ClientError) as cm:
                    self.tax.get_tax_inheritance()
                e = cm.exception.response
                self.assertEqual(e["Error"]["Code"], "AccessDeniedException")
                hdr = e["ResponseMetadata"]["HTTPHeaders"]
                self.assertEqual("x-amzn-errortype" in hdr,
                                 style != "type")
                if style != "type":
                    self.assertTrue(hdr["x-amzn-errortype"].startswith(
                        "AccessDeniedException:http://internal.amazon.com/"
                        "coral/com.amazon.taxsettings/"), hdr)


if __name__ == "__main__":
    dwtest.tap_main()
