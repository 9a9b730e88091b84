"""IAM beyond the core fake: the account alias, the password policy, and
what users may do (managed policies attached to users and groups, inline
user policies, group membership), for iam.alias, iam.password_policy and
iam.users.

Shapes and errors follow the IAM API reference and botocore's model:
every list is paginated with MaxItems/Marker/IsTruncated (the core's
_paginate_iam, so /_config iam_page_size applies), an unknown user or
group is 404 NoSuchEntity, an account without a password policy answers
GetAccountPasswordPolicy with 404 NoSuchEntity "The Password Policy with
domain name ACCOUNT cannot be found.", and GetUserPolicy returns the
document URL-encoded (RFC 3986), as IAM does.  See README.md, "IAM:
alias, password policy, administrators"."""
import copy
import json
import urllib.parse

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
CREATED = "2024-01-02T03:04:05Z"

# A well-kept account (etc/baseline.json): CIS lengths and reuse, every
# character class, 90 days, users may change their own password.
DEFAULT_PASSWORD_POLICY = {
    "MinimumPasswordLength": 14,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24,
    "HardExpiry": False,
}
PASSWORD_POLICY_FIELDS = set(DEFAULT_PASSWORD_POLICY)

BILLING_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "ReadBilling", "Effect": "Allow",
                   "Action": ["aws-portal:View*", "ce:Get*"],
                   "Resource": "*"}],
}
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def default_state(acct):
    """breakglass: AdministratorAccess attached to the user; alice: an
    inline billing-read policy (not admin) and AdministratorAccess through
    the group Admins."""
    return {
        "account_aliases": ["example-management"],
        "password_policy": copy.deepcopy(DEFAULT_PASSWORD_POLICY),
        "iam_user_policies": {
            "breakglass": {"attached": [ADMIN_ARN], "inline": {}},
            "alice": {"attached": [],
                      "inline": {"billing-read": copy.deepcopy(
                          BILLING_READ)}},
        },
        "iam_groups": [{
            "GroupName": "Admins", "GroupId": "AGPAFAKEADMINS000001",
            "Path": "/", "Arn": "arn:aws:iam::%s:group/Admins" % acct,
            "CreateDate": CREATED, "members": ["alice"],
            "attached": [ADMIN_ARN]}],
    }


def install(fa):
    iam = fa.SERVICES["iam"]

    def no_such(kind, name):
        return iam.error("NoSuchEntityException",
                         "The %s with name %s cannot be found." % (kind, name))

    def user(ctx, params):
        name = params.get("UserName")
        if not name:
            raise fa.AWSError("ValidationError",
                              "1 validation error detected: Value null at "
                              "'userName' failed to satisfy constraint: "
                              "Member must not be null")
        if fa._find_user(ctx.state, name) is None:
            raise no_such("user", name)
        return name

    def user_policies(st, name):
        return (st.get("iam_user_policies") or {}).get(name) or {}

    def group(st, name):
        for g in st.get("iam_groups") or []:
            if g["GroupName"] == name:
                return g
        return None

    def attached(arns, params):
        prefix = params.get("PathPrefix") or "/"
        pol = [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a}
               for a in arns
               if ("/" + a.split(":policy/", 1)[-1]).startswith(prefix)]
        page, out = fa._paginate_iam(pol, params)
        out["AttachedPolicies"] = page
        return out

    @iam.op("ListAccountAliases")
    def list_account_aliases(ctx, params):
        page, out = fa._paginate_iam(
            list(ctx.state.get("account_aliases") or []), params)
        out["AccountAliases"] = page
        return out

    @iam.op("GetAccountPasswordPolicy")
    def get_account_password_policy(ctx, params):
        p = ctx.state.get("password_policy")
        if not p:
            raise iam.error("NoSuchEntityException",
                            "The Password Policy with domain name %s cannot "
                            "be found." % ctx.state["account_id"])
        out = {k: v for k, v in p.items()
               if k in PASSWORD_POLICY_FIELDS and v is not None}
        out["ExpirePasswords"] = bool(p.get("MaxPasswordAge"))
        return {"PasswordPolicy": out}

    @iam.op("ListAttachedUserPolicies")
    def list_attached_user_policies(ctx, params):
        name = user(ctx, params)
        return attached(user_policies(ctx.state, name).get("attached") or [],
                        params)

    @iam.op("ListUserPolicies")
    def list_user_policies(ctx, params):
        name = user(ctx, params)
        names = sorted(user_policies(ctx.state, name).get("inline") or {})
        page, out = fa._paginate_iam(names, params)
        out["PolicyNames"] = page
        return out

    @iam.op("GetUserPolicy")
    def get_user_policy(ctx, params):
        name = user(ctx, params)
        pname = params.get("PolicyName") or ""
        inline = user_policies(ctx.state, name).get("inline") or {}
        if pname not in inline:
            raise no_such("policy", pname)
        doc = inline[pname]
        text = doc if isinstance(doc, str) else json.dumps(doc, indent=4)
        return {"UserName": name, "PolicyName": pname,
                "PolicyDocument": urllib.parse.quote(text, safe="")}

    @iam.op("ListGroupsForUser")
    def list_groups_for_user(ctx, params):
        name = user(ctx, params)
        groups = [{k: g[k] for k in ("Path", "GroupName", "GroupId", "Arn",
                                     "CreateDate")}
                  for g in ctx.state.get("iam_groups") or []
                  if name in g.get("members", [])]
        page, out = fa._paginate_iam(groups, params)
        out["Groups"] = page
        return out

    @iam.op("ListAttachedGroupPolicies")
    def list_attached_group_policies(ctx, params):
        name = params.get("GroupName") or ""
        g = group(ctx.state, name)
        if g is None:
            raise no_such("group", name)
        return attached(g.get("attached") or [], params)

    fa.STATE_EXTENSIONS.append(default_state)

    # ---- scenario actions: each changes the state and records the
    # CloudTrail event IAM would (us-east-1, iam.amazonaws.com)

    def event(fake, body, name, request):
        acct = fake.state["account_id"]
        ev = {"region": "us-east-1", "EventName": name,
              "EventSource": "iam.amazonaws.com",
              "userIdentity": fa._actor(fake, body, fa.default_actor(acct)),
              "requestParameters": request, "responseElements": None}
        ev.update(fa._ev_common(body))
        return fake.add_event(ev)

    def need(body, key):
        v = body.get(key)
        if not v:
            raise fa.ControlError(400, "%s is required" % key)
        return v

    def need_user(fake, body):
        name = need(body, "user")
        if fa._find_user(fake.state, name) is None:
            raise fa.ControlError(404, "no such user: %s" % name)
        return fake.state.setdefault("iam_user_policies", {}).setdefault(
            name, {"attached": [], "inline": {}})

    def act_delete_password_policy(fake, body):
        if not fake.state.get("password_policy"):
            raise fa.ControlError(409, "there is no password policy")
        fake.state["password_policy"] = None
        return event(fake, body, "DeleteAccountPasswordPolicy", None)

    def act_update_password_policy(fake, body):
        """Fields given (PasswordPolicy names) replace the current ones;
        null removes one (MaxPasswordAge null: passwords never expire)."""
        fields = {k: v for k, v in body.items()
                  if k in PASSWORD_POLICY_FIELDS}
        if not fields:
            raise fa.ControlError(400, "give one of %s" % ", ".join(
                sorted(PASSWORD_POLICY_FIELDS)))
        p = fake.state.get("password_policy") or {
            "MinimumPasswordLength": 8}
        p.update(fields)
        fake.state["password_policy"] = {k: v for k, v in p.items()
                                         if v is not None}
        return event(fake, body, "UpdateAccountPasswordPolicy",
                     {k[0].lower() + k[1:]: v for k, v in fields.items()})

    def act_delete_account_alias(fake, body):
        aliases = fake.state.get("account_aliases") or []
        if not aliases:
            raise fa.ControlError(409, "the account has no alias")
        fake.state["account_aliases"] = []
        return event(fake, body, "DeleteAccountAlias",
                     {"accountAlias": aliases[0]})

    def act_create_account_alias(fake, body):
        alias = need(body, "alias")
        fake.state["account_aliases"] = [alias]
        return event(fake, body, "CreateAccountAlias",
                     {"accountAlias": alias})

    def act_attach_user_policy(fake, body):
        up = need_user(fake, body)
        arn = body.get("policy_arn") or ADMIN_ARN
        if arn not in up["attached"]:
            up["attached"].append(arn)
        return event(fake, body, "AttachUserPolicy",
                     {"userName": body["user"], "policyArn": arn})

    def act_detach_user_policy(fake, body):
        up = need_user(fake, body)
        arn = body.get("policy_arn") or ADMIN_ARN
        if arn not in up["attached"]:
            raise fa.ControlError(409, "%s is not attached to %s" % (
                arn, body["user"]))
        up["attached"].remove(arn)
        return event(fake, body, "DetachUserPolicy",
                     {"userName": body["user"], "policyArn": arn})

    def act_put_user_policy(fake, body):
        """document: a JSON object (default: allow "*" on "*")."""
        up = need_user(fake, body)
        name = need(body, "policy")
        doc = body.get("document") or copy.deepcopy(ALLOW_ALL)
        up["inline"][name] = doc
        return event(fake, body, "PutUserPolicy",
                     {"userName": body["user"], "policyName": name,
                      "policyDocument": json.dumps(doc)})

    def act_delete_user_policy(fake, body):
        up = need_user(fake, body)
        name = need(body, "policy")
        if name not in up["inline"]:
            raise fa.ControlError(409, "%s has no inline policy %s" % (
                body["user"], name))
        del up["inline"][name]
        return event(fake, body, "DeleteUserPolicy",
                     {"userName": body["user"], "policyName": name})

    def act_remove_user_from_group(fake, body):
        name = need(body, "user")
        g = group(fake.state, need(body, "group"))
        if g is None or name not in g.get("members", []):
            raise fa.ControlError(409, "%s is not in %s" % (
                name, body["group"]))
        g["members"].remove(name)
        return event(fake, body, "RemoveUserFromGroup",
                     {"groupName": g["GroupName"], "userName": name})

    def act_detach_group_policy(fake, body):
        g = group(fake.state, need(body, "group"))
        arn = body.get("policy_arn") or ADMIN_ARN
        if g is None or arn not in g.get("attached", []):
            raise fa.ControlError(409, "%s is not attached to %s" % (
                arn, body["group"]))
        g["attached"].remove(arn)
        return event(fake, body, "DetachGroupPolicy",
                     {"groupName": g["GroupName"], "policyArn": arn})

    def act_add_admin_user(fake, body):
        """A new user with AdministratorAccess attached: the unexpected
        administrator (events CreateUser, then AttachUserPolicy)."""
        fa.ACTIONS["add_user"](fake, body)
        return act_attach_user_policy(fake, {k: v for k, v in body.items()
                                             if k != "policy_arn"})

    fa.ACTIONS.update({
        "delete_password_policy": act_delete_password_policy,
        "update_password_policy": act_update_password_policy,
        "delete_account_alias": act_delete_account_alias,
        "create_account_alias": act_create_account_alias,
        "attach_user_policy": act_attach_user_policy,
        "detach_user_policy": act_detach_user_policy,
        "put_user_policy": act_put_user_policy,
        "delete_user_policy": act_delete_user_policy,
        "remove_user_from_group": act_remove_user_from_group,
        "detach_group_policy": act_detach_group_policy,
        "add_admin_user": act_add_admin_user,
    })
