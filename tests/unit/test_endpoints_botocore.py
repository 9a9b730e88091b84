#!/usr/bin/env python3
"""Compare driftwatch's service endpoints with botocore's own resolver.

For every service driftwatch calls and a set of regions in the aws,
aws-cn and aws-us-gov partitions, botocore builds and signs a real
request (stopped in its before-send hook, so nothing leaves the host);
the URL it would send to and the region in its credential scope must
equal what tests/unit/endpoint_tool prints for the same service and
region.  STS is compared with regional endpoints
(AWS_STS_REGIONAL_ENDPOINTS=regional), which is what driftwatch uses
and what newer SDKs default to.

Tax Settings ("taxsettings") is newer than Debian 12's botocore 1.29:
when botocore on this machine does not know it, the aws partition is
compared with the endpoint the service's documentation gives
(https://tax.us-east-1.amazonaws.com, signed for us-east-1) and the
other partitions are skipped, saying so.

Prints TAP.  The tool is $ENDPOINT_TOOL, else ./endpoint_tool.
"""

import os
import subprocess
import sys

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1",
           "cn-northwest-1", "us-gov-west-1", "us-gov-east-1"]

# driftwatch signing name -> (botocore service, operation, params)
SERVICES = {
    "account": ("account", "get_alternate_contact",
                {"AlternateContactType": "BILLING"}),
    "cloudtrail": ("cloudtrail", "describe_trails", {}),
    "config": ("config", "describe_configuration_recorders", {}),
    "iam": ("iam", "get_account_summary", {}),
    "organizations": ("organizations", "describe_organization", {}),
    "sns": ("sns", "list_topics", {}),
    "sts": ("sts", "get_caller_identity", {}),
    "tax": ("taxsettings", "get_tax_inheritance", {}),
}
TAX_DOCUMENTED = ("https://tax.us-east-1.amazonaws.com", "us-east-1")


class Stop(Exception):
    pass


def reexec_with_botocore():
    try:
        import botocore  # noqa: F401
        return
    except ImportError:
        pass
    if os.environ.get("DW_BOTOCORE_REEXEC"):
        print("1..0 # SKIP no python with botocore")
        sys.exit(0)
    os.environ["DW_BOTOCORE_REEXEC"] = "1"
    py = os.environ.get("BOTOCORE_PYTHON") or "/usr/bin/python3"
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


def botocore_endpoint(session, svc, op, params, region):
    """(url, signing region) of one signed request, or None if unknown."""
    import botocore.exceptions
    if svc not in session.get_available_services():
        return None
    client = session.create_client(
        svc, region_name=region, aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret")
    seen = {}

    def before_send(request, **kwargs):
        seen["url"] = request.url
        seen["auth"] = request.headers["Authorization"].decode() \
            if isinstance(request.headers["Authorization"], bytes) \
            else request.headers["Authorization"]
        raise Stop()

    client.meta.events.register("before-send", before_send)
    try:
        getattr(client, op)(**params)
    except Stop:
        pass
    except botocore.exceptions.EndpointConnectionError:
        return None
    scheme, rest = seen["url"].split("://", 1)
    url = scheme + "://" + rest.split("/", 1)[0]
    scope = seen["auth"].split("Credential=", 1)[1].split(",", 1)[0]
    return url, scope.split("/")[2]


def main():
    reexec_with_botocore()
    import botocore.session
    for k in list(os.environ):
        if k.startswith("AWS_"):
            del os.environ[k]
    os.environ["AWS_STS_REGIONAL_ENDPOINTS"] = "regional"
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    tool = os.environ.get("ENDPOINT_TOOL") or "./endpoint_tool"
    out = subprocess.run([tool] + REGIONS, capture_output=True, text=True,
                         check=True).stdout
    ours = {}
    for line in out.splitlines():
        name, region, url, signing = line.split()
        ours[(name, region)] = (url, signing)
    session = botocore.session.get_session()
    cases = [(n, r) for n in sorted(SERVICES) for r in REGIONS]
    print("1..%d" % (len(cases) + 1))
    print("%s - the tool covers every service and region" %
          ("ok 1" if set(ours) == set(cases) else "not ok 1"))
    for i, (name, region) in enumerate(cases, 2):
        svc, op, params = SERVICES[name]
        want = botocore_endpoint(session, svc, op, params, region)
        got = ours.get((name, region))
        if want is None and name == "tax":
            if not region.startswith(("cn-", "us-gov-")):
                want = TAX_DOCUMENTED
            else:
                print("ok %d - %s %s # SKIP botocore %s has no taxsettings "
                      "model" % (i, name, region, botocore.__version__))
                continue
        res = "ok" if got == want else "not ok"
        print("%s %d - %s %s: %s signed for %s" % (
            res, i, name, region, got and got[0], got and got[1]))
        if got != want:
            print("#   botocore: %s" % (want,))


if __name__ == "__main__":
    main()
