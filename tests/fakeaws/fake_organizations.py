"""AWS Organizations (JSON 1.1) for the fake: DescribeOrganization and
DescribeAccount, shaped by botocore's organizations model.

State keys (tests/fakeaws/README.md, "Organizations"):
  organization           null (the account is in no organization) or
                         {Id, FeatureSet, MasterAccountId,
                          MasterAccountEmail, AvailablePolicyTypes}
  organization_accounts  [{Id, Name, Email, Status, JoinedMethod,
                          JoinedTimestamp}], the organization's accounts
"""

ORG_ID = "o-exampleorgid"
NOT_IN_USE_MSG = "Your account is not a member of an organization."
NO_ACCOUNT_MSG = ("You specified an account that doesn't exist.")
DENIED_MSG = "You don't have permissions to access this resource."


def _default_state(account):
    return {
        "organization": {
            "Id": ORG_ID,
            "FeatureSet": "ALL",
            "MasterAccountId": account,
            "MasterAccountEmail": "aws-root@example.com",
            "AvailablePolicyTypes": [
                {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
        },
        "organization_accounts": [{
            "Id": account, "Name": "Example Corp management",
            "Email": "aws-root@example.com", "Status": "ACTIVE",
            "JoinedMethod": "CREATED",
            "JoinedTimestamp": "2020-01-01T00:00:00Z"}],
    }


def install(fa):
    svc = fa.SERVICES.get("organizations") or \
        fa.register(fa.JsonService("organizations"))

    def org_of(ctx):
        org = ctx.state.get("organization")
        if not org:
            raise ctx.svc.error("AWSOrganizationsNotInUseException",
                                NOT_IN_USE_MSG)
        return org

    def arns(org):
        master, oid = org["MasterAccountId"], org.get("Id", ORG_ID)
        base = "arn:aws:organizations::%s:" % master
        return (base + "organization/" + oid,
                base + "account/%s/" % oid)

    @svc.op("DescribeOrganization")
    def describe_organization(ctx, params):
        org = org_of(ctx)
        org_arn, acct_arn = arns(org)
        out = {"Id": org.get("Id", ORG_ID), "Arn": org_arn,
               "FeatureSet": org.get("FeatureSet", "ALL"),
               "MasterAccountArn": acct_arn + org["MasterAccountId"],
               "MasterAccountId": org["MasterAccountId"],
               "AvailablePolicyTypes": org.get("AvailablePolicyTypes", [])}
        if org.get("MasterAccountEmail") is not None:
            out["MasterAccountEmail"] = org["MasterAccountEmail"]
        # a test may shape the answer: keys it sets in "raw" replace
        # the computed ones (null drops one), to send what AWS never would
        for k, v in (org.get("raw") or {}).items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
        return {"Organization": out}

    @svc.op("DescribeAccount")
    def describe_account(ctx, params):
        fa.validate_input(ctx.svc, ctx.action, params)
        org = org_of(ctx)
        # only the management account (or a delegated administrator,
        # which the fake has none of) may describe accounts
        if ctx.account != org["MasterAccountId"]:
            raise ctx.svc.error("AccessDeniedException", DENIED_MSG)
        for a in ctx.state.get("organization_accounts") or []:
            if a.get("Id") == params["AccountId"]:
                break
        else:
            raise ctx.svc.error("AccountNotFoundException", NO_ACCOUNT_MSG)
        _, acct_arn = arns(org)
        out = {k: a[k] for k in ("Id", "Email", "Name", "Status",
                                 "JoinedMethod") if a.get(k) is not None}
        out["Arn"] = acct_arn + a["Id"]
        if a.get("JoinedTimestamp") is not None:
            out["JoinedTimestamp"] = fa.to_epoch(a["JoinedTimestamp"])
        return {"Account": out}

    fa.STATE_EXTENSIONS.append(_default_state)
