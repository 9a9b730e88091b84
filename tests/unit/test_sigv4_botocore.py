#!/usr/bin/env python3
"""Compare driftwatch's SigV4 signer with botocore's on generated requests.

Builds a few hundred varied requests from a seeded RNG, signs each with
the C signer (through tests/unit/sigv4_tool) and with botocore's
SigV4Auth at the same fixed time, and compares the canonical request,
the string to sign, the signature and the Authorization header.  Prints
TAP, one point per request, with a diff of the canonical requests on
failure.

Only request shapes on which SigV4 is well defined, and on which the
published vectors and botocore agree, are generated.  Left out on
purpose:
  - S3 (normalize_path = 0): botocore's S3SigV4Auth signs the path as
    sent, without encoding it again, while the published vectors encode
    the unnormalized path once more (get-space-unnormalized).  The
    vectors cover that mode instead.
  - a raw '+' in the query: whether it means '+' or a space is not
    defined by SigV4 (the SDKs send %20 and %2B); both are generated
    encoded instead.
  - malformed %-escapes ("%G1", a lone '%') and empty query pieces
    ("a=1&&b=2"): not defined by the spec; the signer keeps the former
    literally and drops the latter.
  - tabs inside header values and repeated headers with an empty value:
    SigV4 only says sequential spaces are folded; botocore folds all
    whitespace, aws-c-auth only spaces, and they join empty repeats
    differently.
  - non-ASCII header values: HTTP header values are not UTF-8 text.
  - a query given in the URL to botocore: botocore then sorts the raw
    pieces without decoding and re-encoding them, which contradicts the
    vectors (get-vanilla-query-order-encoded, get-vanilla-utf8-query);
    so botocore gets the decoded parameters through request.params,
    the way its own serializers call it.

Run it as `<python> test_sigv4_botocore.py`; when that python cannot
import botocore, it re-runs itself with $BOTOCORE_PYTHON or
/usr/bin/python3.  The C tool is $SIGV4_TOOL, else ./sigv4_tool, else
tests/unit/sigv4_tool, else sigv4_tool beside this file.
"""

import base64
import datetime
import difflib
import hashlib
import importlib
import json
import os
import random
import subprocess
import sys
import urllib.parse

NREQUESTS = 200
SEED = 20150830

SERVICES = [
    ("iam", "us-east-1", "iam.amazonaws.com"),
    ("sts", "eu-west-1", "sts.eu-west-1.amazonaws.com"),
    ("cloudtrail", "ap-southeast-2", "cloudtrail.ap-southeast-2.amazonaws.com"),
    ("config", "us-west-2", "config.us-west-2.amazonaws.com"),
    ("organizations", "us-east-1", "organizations.us-east-1.amazonaws.com"),
    ("sns", "eu-central-1", "sns.eu-central-1.amazonaws.com"),
    ("execute-api", "sa-east-1", "abc123.execute-api.sa-east-1.amazonaws.com"),
    ("service", "us-east-1", "example.amazonaws.com"),
]

PATH_SEGMENTS = [
    "users", "ListRoles", "v1", "2023-01-01", "a-b_c.d~e",  # plain
    "my file", "a  b",                                      # raw spaces
    "caf%C3%A9", "a%20b", "%2F", "100%25", "x%3Dy",         # already encoded
    "caf\u00e9", "\u65e5\u672c\u8a9e", "\u1234",            # raw unicode
    "a:b", "a@b", "a=b", "a+b", "it's", "a,b;c", "(x)",     # reserved
    "*", "!", "$", "&",
    ".", "..", "",                                          # dots, double /
]

QUERY_KEYS = [
    "Action", "Version", "Param", "param", "a", "Z", "Marker",
    "%E1%88%B4", "%e1%88%b4", "\u1234", "caf\u00e9", "with space",
    "key%20enc", "-._~", "x%2By",
]

QUERY_VALUES = [
    None, "", "value", "Value2", "a b", "%20", "%2B", "%2F", "x%3Dy",
    "a=b", "\u00fcber", "%C3%BCber", "1", "10", "2", "~tilde.", "%7E",
    "arn:aws:iam::123456789012:role/x", "semi;colon", "comma,list",
]

HEADER_NAMES = [
    "Content-Type", "X-Amz-Target", "X-Custom-Header", "My-Header1",
    "x-AMZ-meta-Foo", "ACCEPT", "X-Empty", "Content-Length",
]

HEADER_VALUES = [
    "value", "  leading", "trailing  ", "  both  ", "a   b    c",
    "MiXeD CaSe", '"quoted   value"', "application/x-amz-json-1.1",
    "text/plain; charset=utf-8", "1,2,3", "v=1;x=2",
]

SKIPPED_HEADERS = [
    ("User-Agent", "driftwatch/0.1"),
    ("Expect", "100-continue"),
    ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
]

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def ensure_botocore():
    """Import botocore, re-running under a python that has it if need be."""
    try:
        importlib.import_module("botocore.auth")
        return True
    except ImportError:
        pass
    if os.environ.get("DW_BOTOCORE_REEXEC"):
        return False
    here = os.path.realpath(sys.executable)
    for cand in (os.environ.get("BOTOCORE_PYTHON"), "/usr/bin/python3"):
        if not cand or not os.access(cand, os.X_OK):
            continue
        if os.path.realpath(cand) == here:
            continue
        probe = subprocess.run([cand, "-c", "import botocore.auth"],
                               capture_output=True)
        if probe.returncode == 0:
            os.environ["DW_BOTOCORE_REEXEC"] = "1"
            os.execv(cand, [cand, os.path.abspath(__file__)] + sys.argv[1:])
    return False


def find_tool():
    here = os.path.dirname(os.path.abspath(__file__))
    cands = [os.environ.get("SIGV4_TOOL"), "./sigv4_tool",
             "tests/unit/sigv4_tool", os.path.join(here, "sigv4_tool")]
    for cand in cands:
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    return None


def gen_path(rng):
    shape = rng.random()
    if shape < 0.1:
        return rng.choice(["/", "//", "/./", "/../", "/a/../..", "/./a/"])
    segs = [rng.choice(PATH_SEGMENTS) for _ in range(rng.randint(1, 5))]
    path = "/" + "/".join(segs)
    if rng.random() < 0.3:
        path += "/"
    return path


def gen_query(rng):
    """The query as sent, made of keys, values and repeats."""
    if rng.random() < 0.25:
        return ""
    pieces = []
    for _ in range(rng.randint(1, 6)):
        key = rng.choice(QUERY_KEYS)
        value = rng.choice(QUERY_VALUES)
        pieces.append(key if value is None else key + "=" + value)
        if rng.random() < 0.2:      # the same key again, another value
            pieces.append(key + "=" + (rng.choice(QUERY_VALUES) or ""))
    return "&".join(pieces)


def decoded_params(query):
    """What the query carries, as the (key, value) pairs botocore signs."""
    params = []
    for piece in query.split("&") if query else []:
        key, _, value = piece.partition("=")
        params.append((urllib.parse.unquote(key, errors="strict"),
                       urllib.parse.unquote(value, errors="strict")))
    return params


def gen_headers(rng, host, body):
    names = rng.sample(HEADER_NAMES, rng.randint(0, 4))
    headers = []
    for name in names:
        if name == "Content-Length":
            headers.append((name, str(len(body))))
        elif name == "X-Empty":
            headers.append((name, rng.choice(["", "   "])))
        else:
            headers.append((name, rng.choice(HEADER_VALUES)))
            if name == "My-Header1" and rng.random() < 0.7:
                for _ in range(rng.randint(1, 3)):  # repeats, any case
                    headers.append((rng.choice([name, name.lower()]),
                                    rng.choice(HEADER_VALUES)))
    if rng.random() < 0.3:
        headers.append(rng.choice(SKIPPED_HEADERS))
    hostname = rng.choice(["Host", "host", "HOST"])
    headers.insert(rng.randint(0, len(headers)), (hostname, host))
    return headers


def gen_body(rng, method):
    if method in ("GET", "DELETE") and rng.random() < 0.8:
        return b""
    kind = rng.randrange(4)
    if kind == 0:
        return b""
    if kind == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    if kind == 2:
        return b"Action=ListUsers&Version=2010-05-08&Marker=a%2Fb"
    return json.dumps({"MaxResults": rng.randint(1, 50),
                       "NextToken": "t\u00e9st"}).encode()


def gen_creds(rng):
    akid = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                            for _ in range(16))
    secret = "".join(rng.choice(B64) for _ in range(40))
    token = None
    if rng.random() < 0.4:
        token = "".join(rng.choice(B64) for _ in range(rng.randint(40, 300)))
        token += "=="
    return akid, secret, token


def gen_request(rng, i):
    method = rng.choice(["GET", "POST", "PUT", "DELETE"])
    service, region, host = SERVICES[i % len(SERVICES)]
    body = gen_body(rng, method)
    akid, secret, token = gen_creds(rng)
    return {
        "method": method,
        "path": gen_path(rng),
        "query": gen_query(rng),
        "headers": gen_headers(rng, host, body),
        "body_b64": base64.b64encode(body).decode(),
        "access_key": akid,
        "secret_key": secret,
        "token": token,
        "region": region,
        "service": service,
        "time": rng.randint(946684800, 4102444799),     # 2000 to 2099
        "sign_body": rng.random() < 0.2,
        "omit_session_token": token is not None and rng.random() < 0.2,
    }


def run_tool(tool, desc):
    desc = {k: v for k, v in desc.items() if v is not None}
    proc = subprocess.run([tool], input=json.dumps(desc).encode(),
                          capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError("sigv4_tool exited %d: %s %s" % (
            proc.returncode, proc.stdout.decode(errors="replace"),
            proc.stderr.decode(errors="replace")))
    return json.loads(proc.stdout)


def botocore_sign(desc):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    when = datetime.datetime.fromtimestamp(desc["time"],
                                           datetime.timezone.utc)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    host = next(v for n, v in desc["headers"] if n.lower() == "host")
    body = base64.b64decode(desc["body_b64"])
    request = AWSRequest(method=desc["method"],
                         url="https://" + host + desc["path"],
                         data=body, params=decoded_params(desc["query"]))
    for name, value in desc["headers"]:
        request.headers[name] = value       # appends: repeats stay
    request.context["timestamp"] = stamp
    # The headers the C signer adds before signing.
    request.headers["X-Amz-Date"] = stamp
    if desc["token"] and not desc["omit_session_token"]:
        request.headers["X-Amz-Security-Token"] = desc["token"]
    if desc["sign_body"]:
        request.headers["X-Amz-Content-SHA256"] = \
            hashlib.sha256(body).hexdigest()
    creds = Credentials(desc["access_key"], desc["secret_key"], desc["token"])
    auth = SigV4Auth(creds, desc["service"], desc["region"])
    creq = auth.canonical_request(request)
    sts = auth.string_to_sign(request, creq)
    sig = auth.signature(sts, request)
    signed = auth.signed_headers(auth.headers_to_sign(request))
    authz = "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=%s, " \
            "Signature=%s" % (auth.scope(request), signed, sig)
    return {"canonical_request": creq, "string_to_sign": sts,
            "signature": sig, "authorization": authz, "stamp": stamp}


def expected_added(desc, want):
    added = [["X-Amz-Date", want["stamp"]]]
    if desc["token"]:
        added.append(["X-Amz-Security-Token", desc["token"]])
    if desc["sign_body"]:
        added.append(["X-Amz-Content-Sha256", hashlib.sha256(
            base64.b64decode(desc["body_b64"])).hexdigest()])
    added.append(["Authorization", want["authorization"]])
    return added


def describe(desc):
    target = desc["path"] + ("?" + desc["query"] if desc["query"] else "")
    if len(target) > 60:
        target = target[:57] + "..."
    flags = []
    if desc["token"]:
        flags.append("token" + (" after" if desc["omit_session_token"]
                                else ""))
    if desc["sign_body"]:
        flags.append("sign_body")
    text = "%s %s %s/%s %dB%s" % (
        desc["method"], target, desc["service"], desc["region"],
        len(base64.b64decode(desc["body_b64"])),
        " (" + ", ".join(flags) + ")" if flags else "")
    return text.encode("ascii", "backslashreplace").decode() \
        .replace("#", "%23").replace("\n", " ")


def diag(text):
    for line in text.splitlines():
        print("# " + line)


def compare(desc, got, want):
    problems = []
    for key in ("canonical_request", "string_to_sign", "signature",
                "authorization"):
        if got.get(key) != want[key]:
            problems.append(key)
    if got.get("added_headers") != expected_added(desc, want):
        problems.append("added_headers")
    return problems


def report(n, desc, got, want, problems):
    if not problems:
        print("ok %d - %s" % (n, describe(desc)))
        return True
    print("not ok %d - %s" % (n, describe(desc)))
    diag("differs: " + ", ".join(problems))
    diag("request: " + json.dumps(desc, ensure_ascii=True))
    diff = difflib.unified_diff(
        want["canonical_request"].splitlines(),
        got.get("canonical_request", "").splitlines(),
        "botocore", "sigv4_tool", lineterm="")
    diag("\n".join(diff))
    if "signature" in problems:
        diag("signature: botocore %s, sigv4 %s" % (
            want["signature"], got.get("signature")))
    return False


def main():
    if not ensure_botocore():
        print("1..0 # SKIP botocore is not importable (tried %s, "
              "$BOTOCORE_PYTHON, /usr/bin/python3)" % sys.executable)
        return 0
    tool = find_tool()
    if tool is None:
        print("Bail out! sigv4_tool not found; set SIGV4_TOOL")
        return 1
    rng = random.Random(SEED)
    print("1..%d" % NREQUESTS)
    failed = 0
    for i in range(NREQUESTS):
        desc = gen_request(rng, i)
        want = botocore_sign(desc)
        try:
            got = run_tool(tool, desc)
        except (RuntimeError, ValueError) as e:
            print("not ok %d - %s" % (i + 1, describe(desc)))
            diag(str(e))
            failed += 1
            continue
        if not report(i + 1, desc, got, want, compare(desc, got, want)):
            failed += 1
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
