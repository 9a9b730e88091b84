"""AWS Tax Settings (REST-JSON, signing name "tax") for the fake:
GetTaxInheritance and ListTaxRegistrations (nextToken/maxResults), shaped
by botocore's taxsettings model (kept in models/: Debian's botocore
predates it).

State keys (tests/fakeaws/README.md, "Tax Settings"):
  tax_inheritance     "OptIn" | "OptOut" (heritageStatus)
  tax_registrations   [AccountDetails]: {accountId, taxRegistration:
                      {registrationId, registrationType, legalName, status,
                      jurisdiction: {countryCode, ...}, ...},
                      taxInheritanceDetails, accountMetaData}, answered as
                      given, in order
"""
import base64
import hashlib
import json

DEFAULT_PAGE = 50       # the documented default; maxResults 1..1000
BAD_TOKEN_MSG = "The provided nextToken is not valid."


def _registration(account, country, rtype, rid, name, status="Verified"):
    return {
        "accountId": account,
        "taxRegistration": {
            "registrationId": rid, "registrationType": rtype,
            "legalName": name, "status": status, "sector": "Business",
            "jurisdiction": {"countryCode": country}},
        "accountMetaData": {
            "accountName": "Example Corp management", "seller": "AWS Inc",
            "address": {"addressLine1": "Friedrichstrasse 1",
                        "city": "Berlin", "postalCode": "10117",
                        "countryCode": country},
            "addressType": "TaxAddress"},
    }


def _default_state(account):
    return {
        "tax_inheritance": "OptIn",
        "tax_registrations": [
            _registration(account, "DE", "VAT", "DE123456789",
                          "Example Corp GmbH")],
    }


def _token(offset, state_list):
    h = hashlib.sha256(json.dumps(state_list, sort_keys=True,
                                  default=str).encode()).hexdigest()[:12]
    raw = ("%d:%s" % (offset, h)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(tok, state_list):
    try:
        pad = "=" * (-len(tok) % 4)
        off, h = base64.urlsafe_b64decode(tok + pad).decode().split(":")
        off = int(off)
    except (ValueError, UnicodeDecodeError):
        return None
    return off if _token(off, state_list) == tok else None


def install(fa):
    svc = fa.SERVICES.get("tax") or fa.register(
        fa.RestJsonService("tax", "com.amazon.taxsettings",
                           model_name="taxsettings"))

    @svc.op("GetTaxInheritance")
    def get_tax_inheritance(ctx, params):
        return {"heritageStatus": ctx.state.get("tax_inheritance",
                                                "OptOut")}

    @svc.op("ListTaxRegistrations")
    def list_tax_registrations(ctx, params):
        fa.validate_input(ctx.svc, ctx.action, params)
        regs = ctx.state.get("tax_registrations") or []
        size = params.get("maxResults") or DEFAULT_PAGE
        off = 0
        if params.get("nextToken") is not None:
            off = _offset(params["nextToken"], regs)
            if off is None or off > len(regs):
                raise ctx.svc.error("ValidationException", BAD_TOKEN_MSG)
        out = {"accountDetails": regs[off:off + size]}
        if off + size < len(regs):
            out["nextToken"] = _token(off + size, regs)
        return out

    fa.STATE_EXTENSIONS.append(_default_state)
