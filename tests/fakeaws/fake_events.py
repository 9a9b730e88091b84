"""Account ListRegions (REST-JSON, POST /listRegions) for the fake: the
regions of the account and their opt-in status, for the daemon's
`event_regions = all`.  Debian's botocore account model predates
ListRegions: models/account/2021-02-01/service-2.json is Debian's model
with ListRegions and its shapes added from botocore 1.43's.

As AWS documents it: without AccountId the caller's own account (the
management account may not name itself); RegionOptStatusContains filters
by status; MaxResults 1..50; NextToken is opaque and bound to the query.

State keys (tests/fakeaws/README.md, "Account regions"):
  account_regions   [{RegionName, RegionOptStatus}], answered in order;
                    RegionOptStatus one of ENABLED, ENABLING, DISABLING,
                    DISABLED, ENABLED_BY_DEFAULT
  account_regions_page
                    null | N: at most N regions a page, whatever
                    MaxResults asks (AWS may answer fewer than asked,
                    with a NextToken), to make a client page
"""
import base64
import hashlib
import json

DEFAULT_PAGE = 50       # the model's maximum; AWS names no default
BAD_TOKEN_MSG = "The provided NextToken is not valid."

# The commercial regions and their default status for a new account.
BY_DEFAULT = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
              "ap-south-1", "ap-southeast-1", "ap-southeast-2",
              "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1",
              "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1",
              "us-east-2", "us-west-1", "us-west-2")
OPT_IN = ("af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3",
          "ap-southeast-4", "ca-west-1", "eu-central-2", "eu-south-1",
          "eu-south-2", "il-central-1", "me-central-1", "me-south-1")


def _default_state(account):
    regs = [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"}
            for r in BY_DEFAULT]
    regs += [{"RegionName": r, "RegionOptStatus": "DISABLED"}
             for r in OPT_IN]
    regs.sort(key=lambda r: r["RegionName"])
    return {"account_regions": regs}


def _token(offset, query):
    h = hashlib.sha256(json.dumps(query, sort_keys=True).encode())
    raw = ("%d:%s" % (offset, h.hexdigest()[:12])).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(tok, query):
    try:
        pad = "=" * (-len(tok) % 4)
        off, _ = base64.urlsafe_b64decode(tok + pad).decode().split(":")
        off = int(off)
    except (ValueError, UnicodeDecodeError):
        return None
    return off if _token(off, query) == tok else None


def install(fa):
    svc = fa.SERVICES["account"]

    @svc.op("ListRegions")
    def list_regions(ctx, params):
        fa.validate_input(ctx.svc, ctx.action, params)
        aid = params.get("AccountId")
        if aid is not None and aid == ctx.account:
            raise ctx.svc.error("AccessDeniedException", "%s (%s)" % (
                ctx.svc.access_denied_message(ctx.caller["Arn"],
                                              ctx.action),
                fa.STANDALONE_MSG))
        if aid is not None:
            raise ctx.svc.error("AccessDeniedException",
                                ctx.svc.access_denied_message(
                                    ctx.caller["Arn"], ctx.action))
        want = params.get("RegionOptStatusContains")
        regs = [r for r in ctx.state.get("account_regions") or []
                if not want or r.get("RegionOptStatus") in want]
        size = params.get("MaxResults") or DEFAULT_PAGE
        if ctx.state.get("account_regions_page"):
            size = min(size, int(ctx.state["account_regions_page"]))
        query = [want, [r.get("RegionName") for r in regs]]
        off = 0
        if params.get("NextToken") is not None:
            off = _offset(params["NextToken"], query)
            if off is None or off > len(regs):
                raise ctx.svc.error("ValidationException", BAD_TOKEN_MSG)
        out = {"Regions": regs[off:off + size]}
        if off + size < len(regs):
            out["NextToken"] = _token(off + size, query)
        return out

    fa.STATE_EXTENSIONS.append(_default_state)
