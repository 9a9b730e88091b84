#!/usr/bin/python3
"""The real driftwatchd sends one alert of each kind (event, open, resolve,
blind, sighted, reminder) to a Slack and a Teams sink on the fake webhook
receiver; every message is checked against the schema the service documents.

Teams: a workflow webhook ("When a Teams webhook request is received")
takes {"type": "message", "attachments": [{"contentType":
"application/vnd.microsoft.card.adaptive", "contentUrl": null, "content":
AdaptiveCard}]} and answers 202 Accepted; the card is checked against the
Adaptive Card 1.4 schema (adaptivecards.io/explorer): the element and
action types, each one's properties and the version that brought them,
enum values, required fields; a message stays under Teams' 28 KB.

Slack: Block Kit limits (api.slack.com/reference/block-kit): at most 50
blocks, header plain_text <= 150 characters, section text <= 3000, at most
10 fields of <= 2000 each, context at most 10 elements, a fallback text."""
import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon, alerts  # noqa: E402

TEAMS_PATH = "/teams/workflows/0a1b2c/triggers/manual/paths/invoke"
TEAMS_SIG = "sig=TEAMSsecretSIG123"
SLACK_PATH = "/slack/T000/B000/SLACKtoken456"

# --------------------------------------------------------------------------
# Adaptive Card 1.4, as adaptivecards.io/explorer documents it: for each
# type, its properties and the schema version that introduced each one.
# Anything newer than 1.4 (TextBlock.style 1.5, Action.*.tooltip 1.5,
# isEnabled 1.5, mode 1.5, AdaptiveCard.rtl 1.5, metadata 1.6) is refused.

AC_VERSION = (1, 4)

COLORS = {"default", "dark", "light", "accent", "good", "warning",
          "attention"}
SPACING = {"default", "none", "small", "medium", "large", "extralarge",
           "padding"}
ELEMENT_COMMON = {
    "type": "1.0", "id": "1.0", "spacing": "1.0", "separator": "1.0",
    "fallback": "1.2", "height": "1.1", "isVisible": "1.2",
    "requires": "1.2",
}
ENUMS = {
    "color": COLORS, "spacing": SPACING,
    "size": {"default", "small", "medium", "large", "extralarge"},
    "weight": {"default", "lighter", "bolder"},
    "horizontalAlignment": {"left", "center", "right"},
    "fontType": {"default", "monospace"},
    "height": {"auto", "stretch"},
    "verticalContentAlignment": {"top", "center", "bottom"},
}
BOOLS = {"wrap", "isSubtle", "separator", "isVisible"}

ELEMENTS = {
    "TextBlock": dict(ELEMENT_COMMON, **{
        "text": "1.0", "color": "1.0", "fontType": "1.2",
        "horizontalAlignment": "1.0", "isSubtle": "1.0", "maxLines": "1.1",
        "size": "1.0", "weight": "1.0", "wrap": "1.0"}),
    "FactSet": dict(ELEMENT_COMMON, facts="1.0"),
    "Container": dict(ELEMENT_COMMON, **{
        "items": "1.0", "selectAction": "1.1", "style": "1.0",
        "verticalContentAlignment": "1.1", "bleed": "1.2",
        "backgroundImage": "1.2", "minHeight": "1.2"}),
}
REQUIRED = {"TextBlock": ["text"], "FactSet": ["facts"],
            "Container": ["items"], "Action.OpenUrl": ["url"]}
ACTIONS = {
    "Action.OpenUrl": {"type": "1.0", "url": "1.0", "title": "1.0",
                       "iconUrl": "1.1", "id": "1.0", "style": "1.2",
                       "fallback": "1.2", "requires": "1.2"},
}
CARD = {"$schema": "1.0", "type": "1.0", "version": "1.0", "body": "1.0",
        "actions": "1.0", "selectAction": "1.1", "fallbackText": "1.0",
        "backgroundImage": "1.2", "minHeight": "1.2", "speak": "1.0",
        "lang": "1.0", "verticalContentAlignment": "1.1", "refresh": "1.4",
        "authentication": "1.4",
        # Teams' own extension of the card (card width, mentions)
        "msteams": "1.0"}


def _ver(s):
    return tuple(int(x) for x in s.split("."))


def check_props(obj, allowed, where, errs):
    for k, v in obj.items():
        if k not in allowed:
            errs.append("%s: property %r is not in Adaptive Card 1.4" %
                        (where, k))
        elif _ver(allowed[k]) > AC_VERSION:
            errs.append("%s: %r needs schema %s" % (where, k, allowed[k]))
        elif k in ENUMS and (not isinstance(v, str) or
                             v.lower() not in ENUMS[k]):
            errs.append("%s: %s=%r is not one of %s" %
                        (where, k, v, sorted(ENUMS[k])))
        elif k in BOOLS and not isinstance(v, bool):
            errs.append("%s: %s must be a boolean" % (where, k))


def check_element(el, where, errs):
    if not isinstance(el, dict) or not isinstance(el.get("type"), str):
        errs.append("%s: an element needs a type" % where)
        return
    t = el["type"]
    where = "%s(%s)" % (where, t)
    if t not in ELEMENTS:
        errs.append("%s: element type not checked by this test" % where)
        return
    check_props(el, ELEMENTS[t], where, errs)
    for r in REQUIRED.get(t, []):
        if r not in el:
            errs.append("%s: required %r missing" % (where, r))
    if t == "TextBlock" and (not isinstance(el.get("text"), str) or
                             not el.get("text")):
        errs.append("%s: text must be a non-empty string" % where)
    if t == "FactSet":
        facts = el.get("facts")
        if not isinstance(facts, list) or not facts:
            errs.append("%s: facts must be a non-empty array" % where)
            return
        for i, f in enumerate(facts):
            if (not isinstance(f, dict) or set(f) != {"title", "value"} or
                    not all(isinstance(f[k], str) for k in f)):
                errs.append("%s: fact %d must be {title, value} strings: %r"
                            % (where, i, f))
    if t == "Container":
        for i, c in enumerate(el.get("items") or []):
            check_element(c, "%s.items[%d]" % (where, i), errs)


def check_action(a, where, errs):
    t = a.get("type") if isinstance(a, dict) else None
    if t not in ACTIONS:
        errs.append("%s: action type %r not allowed" % (where, t))
        return
    check_props(a, ACTIONS[t], where, errs)
    for r in REQUIRED.get(t, []):
        if r not in a:
            errs.append("%s: required %r missing" % (where, r))
    if not str(a.get("url", "")).startswith("https://"):
        errs.append("%s: url must be https: %r" % (where, a.get("url")))
    if "style" in a and a["style"] not in ("default", "positive",
                                           "destructive"):
        errs.append("%s: bad style" % where)


def validate_teams(raw):
    """Errors in one Teams workflow message (a list; empty when valid)."""
    errs = []
    if len(raw.encode()) >= 28 * 1024:
        errs.append("message is %d bytes, over Teams' 28 KB" % len(raw))
    msg = json.loads(raw)
    if set(msg) != {"type", "attachments"} or msg["type"] != "message":
        errs.append("wrapper must be {type: message, attachments}: %r" %
                    sorted(msg))
    atts = msg.get("attachments")
    if not isinstance(atts, list) or len(atts) != 1:
        return errs + ["exactly one attachment expected"]
    att = atts[0]
    if set(att) != {"contentType", "contentUrl", "content"}:
        errs.append("attachment keys %r" % sorted(att))
    if att.get("contentType") != "application/vnd.microsoft.card.adaptive":
        errs.append("contentType %r" % att.get("contentType"))
    if att.get("contentUrl", "missing") is not None:
        errs.append("contentUrl must be null")
    card = att.get("content")
    if not isinstance(card, dict):
        return errs + ["content is not a card"]
    check_props(card, CARD, "card", errs)
    if card.get("type") != "AdaptiveCard":
        errs.append("card type %r" % card.get("type"))
    if card.get("version") != "1.4":
        errs.append("card version %r, want 1.4" % card.get("version"))
    if card.get("$schema") not in (None, "http://adaptivecards.io/schemas/"
                                   "adaptive-card.json"):
        errs.append("$schema %r" % card.get("$schema"))
    ms = card.get("msteams")
    if ms is not None and (set(ms) - {"width", "entities"} or
                           ms.get("width") not in (None, "Full")):
        errs.append("msteams %r" % ms)
    body = card.get("body")
    if not isinstance(body, list) or not body:
        errs.append("card body must be a non-empty array")
    for i, el in enumerate(body or []):
        check_element(el, "body[%d]" % i, errs)
    for i, a in enumerate(card.get("actions") or []):
        check_action(a, "actions[%d]" % i, errs)
    return errs


# --------------------------------------------------------------------------
# Slack Block Kit: the blocks this daemon may send and their limits.

# the one piece of Slack markup the daemon makes itself, from its own URL
CONSOLE_LINK = re.compile(r"<https://console\.aws\.amazon\.com/[^|<>\s]*"
                          r"\|Open in the AWS console>")


def check_text_obj(t, where, errs, maxlen, plain_only=False):
    if not isinstance(t, dict) or t.get("type") not in ("plain_text",
                                                         "mrkdwn"):
        errs.append("%s: not a text object" % where)
        return
    if plain_only and t["type"] != "plain_text":
        errs.append("%s: must be plain_text" % where)
    allowed = {"type", "text", "emoji"} if t["type"] == "plain_text" else \
        {"type", "text", "verbatim"}
    if set(t) - allowed:
        errs.append("%s: unknown keys %r" % (where, sorted(set(t) - allowed)))
    s = t.get("text")
    if not isinstance(s, str) or not s:
        errs.append("%s: text must be a non-empty string" % where)
    elif len(s) > maxlen:
        errs.append("%s: %d characters, over %d" % (where, len(s), maxlen))
    elif t["type"] == "mrkdwn" and ("<" in CONSOLE_LINK.sub("", s) or
                                    ">" in CONSOLE_LINK.sub("", s)):
        errs.append("%s: raw < or > would be Slack markup: %r" % (where, s))


def validate_slack(raw):
    errs = []
    msg = json.loads(raw)
    if set(msg) - {"text", "blocks"}:
        errs.append("unexpected top-level keys %r" % sorted(msg))
    if not isinstance(msg.get("text"), str) or not msg["text"]:
        errs.append("no fallback text")
    elif len(msg["text"]) > 3000:
        errs.append("fallback text over 3000")
    blocks = msg.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return errs + ["1 to 50 blocks"]
    for i, b in enumerate(blocks):
        w = "blocks[%d](%s)" % (i, b.get("type"))
        t = b.get("type")
        if "block_id" in b and len(b["block_id"]) > 255:
            errs.append("%s: block_id over 255" % w)
        if t == "header":
            if set(b) - {"type", "text", "block_id"}:
                errs.append("%s: keys %r" % (w, sorted(b)))
            check_text_obj(b.get("text"), w, errs, 150, plain_only=True)
        elif t == "section":
            if set(b) - {"type", "text", "fields", "block_id"}:
                errs.append("%s: keys %r" % (w, sorted(b)))
            if "text" not in b and "fields" not in b:
                errs.append("%s: needs text or fields" % w)
            if "text" in b:
                check_text_obj(b["text"], w + ".text", errs, 3000)
            f = b.get("fields")
            if f is not None:
                if not isinstance(f, list) or not 1 <= len(f) <= 10:
                    errs.append("%s: 1 to 10 fields, has %s" %
                                (w, len(f) if isinstance(f, list) else f))
                for j, x in enumerate(f or []):
                    check_text_obj(x, "%s.fields[%d]" % (w, j), errs, 2000)
        elif t == "context":
            if set(b) - {"type", "elements", "block_id"}:
                errs.append("%s: keys %r" % (w, sorted(b)))
            el = b.get("elements")
            if not isinstance(el, list) or not 1 <= len(el) <= 10:
                errs.append("%s: 1 to 10 elements" % w)
            for j, x in enumerate(el or []):
                check_text_obj(x, "%s.elements[%d]" % (w, j), errs, 3000)
        else:
            errs.append("%s: block type not expected" % w)
    return errs


def slack_strings(msg):
    """Every text in the blocks, in order."""
    out = []
    for b in msg["blocks"]:
        for k in ("text",):
            if k in b:
                out.append(b[k]["text"])
        for x in b.get("fields", []) + b.get("elements", []):
            out.append(x["text"])
    return out


def card_of(raw):
    return json.loads(raw)["attachments"][0]["content"]


def facts_of(card):
    out = {}
    for el in card["body"]:
        for f in el.get("facts", []):
            out[f["title"]] = f["value"]
    return out


class ChatCards(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir("chatcards")
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        f = cls.fake
        cls.teams_url = f.webhook_url(TEAMS_PATH.lstrip("/") + "?" +
                                      TEAMS_SIG)
        # critical drift left open for 4 s is reminded (the last kind)
        cls.d = Daemon(f, os.path.join(cls.work, "d"), daemon={
            "remind_after_critical": "4s"}, sinks={
            "hook": {"type": "webhook", "url": f.webhook_url("hook"),
                     "min_severity": "info"},
            "chat": {"type": "slack", "min_severity": "info",
                     "url": f.webhook_url(SLACK_PATH.lstrip("/"))},
            "teams": {"type": "teams", "min_severity": "info",
                      "url": cls.teams_url},
        })
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)
        cls.kinds = cls.make_every_kind()

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code != 0:
            raise AssertionError("driftwatchd exited %s:\n%s" %
                                 (code, cls.d.logs()[-3000:]))

    @classmethod
    def wait_kind(cls, kind, check=None, timeout=30):
        return cls.fake.wait_for(lambda: [
            a for a in alerts(cls.fake) if a["kind"] == kind and
            (check is None or a["check"] == check)], timeout)[0]

    @classmethod
    def make_every_kind(cls):
        f = cls.fake
        got = {}
        f.action("root_login", source_ip="198.51.100.7", mfa_used="No",
                 user_agent="Mozilla/5.0 (X11; Linux) [x](http://evil)")
        got["event"] = cls.wait_kind("event", "event.root_activity")
        f.action("stop_logging", trail="org-trail")
        got["open"] = cls.wait_kind("open", "cloudtrail.logging")
        f.action("start_logging", trail="org-trail")
        got["resolve"] = cls.wait_kind("resolve", "cloudtrail.logging")
        f.fault(service="iam", kind="accessdenied", count=-1)
        got["blind"] = cls.wait_kind("blind")
        f.clear_faults()
        got["sighted"] = cls.wait_kind("sighted")
        f.action("stop_logging", trail="org-trail")
        got["reminder"] = cls.wait_kind("reminder")
        return got

    def posts(self, path, alert):
        """The 2xx posts to path that carry this alert's id."""
        return self.fake.wait_for(lambda: [
            p for p in self.fake.webhook_posts()
            if p["path"].startswith(path) and alert["id"] in p["body"] and
            p["status"] < 300], 15)

    def teams(self, kind):
        a = self.kinds[kind]
        ps = self.posts(TEAMS_PATH, a)
        self.assertEqual(len(ps), 1, "sent once: 202 is delivered")
        self.assertEqual(ps[0]["status"], 202)
        hdrs = {k.lower(): v for k, v in ps[0]["headers"].items()}
        self.assertTrue(hdrs["content-type"].startswith("application/json"))
        errs = validate_teams(ps[0]["body"])
        self.assertEqual(errs, [], "%s card: %s" % (kind, ps[0]["body"]))
        return a, card_of(ps[0]["body"]), ps[0]["body"]

    def slack(self, kind):
        a = self.kinds[kind]
        ps = self.posts(SLACK_PATH, a)
        self.assertEqual(len(ps), 1)
        errs = validate_slack(ps[0]["body"])
        self.assertEqual(errs, [], "%s message: %s" % (kind, ps[0]["body"]))
        return a, json.loads(ps[0]["body"])

    # the validators themselves refuse what the services would
    def test_00_validators_refuse_bad_input(self):
        a, card, raw = self.teams("event")
        bad = json.loads(raw)
        bad["attachments"][0]["content"]["version"] = "1.5"
        bad["attachments"][0]["content"]["body"][0]["style"] = "heading"
        bad["attachments"][0]["content"]["body"].append(
            {"type": "FactSet", "facts": []})
        errs = validate_teams(json.dumps(bad))
        self.assertEqual(len(errs), 3, errs)
        a, msg = self.slack("event")
        msg["blocks"][0]["text"]["text"] = "x" * 151
        msg["blocks"].append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": "f"}] * 11})
        msg["blocks"][2]["fields"][0]["text"] = "<http://evil|click>"
        self.assertEqual(len(validate_slack(json.dumps(msg))), 3)

    def test_01_event(self):
        a, card, raw = self.teams("event")
        self.assertEqual(card["body"][0]["color"], "attention")
        self.assertTrue(card["body"][0]["text"].startswith("CRITICAL: "))
        facts = facts_of(card)
        self.assertEqual(facts["MFA used"], "No")
        self.assertEqual(facts["Source IP"], "198.51.100.7")
        self.assertEqual(facts["Check"], "event.root_activity")
        self.assertEqual(facts["Account"], a["account"])
        self.assertIn("Mozilla/5.0 (X11; Linux)", facts["User agent"])
        self.assertIn("\\[x\\](http://evil)", facts["User agent"],
                      "Markdown in a CloudTrail field is escaped")
        self.assertEqual(raw.count("198.51.100.7"), 1, "said once")
        self.assertEqual(card["actions"][0]["url"],
                         "https://console.aws.amazon.com/iam/home#/"
                         "security_credentials")
        _, msg = self.slack("event")
        texts = slack_strings(msg)
        self.assertIn("*MFA used*\nNo", texts)
        self.assertTrue(any(t.startswith("*User agent*\nMozilla/5.0 (X11")
                            for t in texts))
        self.assertEqual(sum(t.count("198.51.100.7") for t in texts), 1,
                         "the source IP is in one field only")
        self.assertNotIn("198.51.100.7", msg["text"],
                         "the fallback text does not repeat the fields")
        self.assertNotIn("Who:", "\n".join(texts))
        self.assertIn(":red_circle:", msg["text"])
        self.assertIn("<https://console.aws.amazon.com/iam/home#/"
                      "security_credentials|Open in the AWS console>",
                      msg["blocks"][1]["text"]["text"])

    def test_02_open(self):
        a, card, raw = self.teams("open")
        want = {"critical": "attention", "high": "attention",
                "medium": "warning"}.get(a["severity"], "accent")
        self.assertEqual(card["body"][0]["color"], want)
        facts = facts_of(card)
        self.assertEqual(facts["Finding"], "cloudtrail.logging/org-trail")
        self.assertEqual(facts["Actual"], a["actual"])
        self.assertEqual(facts["Expected"], a["expected"])
        self.assertEqual(card["actions"][0]["url"],
                         "https://console.aws.amazon.com/cloudtrail/home#/"
                         "trails")
        _, msg = self.slack("open")
        texts = slack_strings(msg)
        self.assertIn("*Actual*\n" + a["actual"], texts)
        self.assertEqual(sum(t.count("Actual") for t in texts), 1)
        self.assertEqual(len(CONSOLE_LINK.findall(json.dumps(msg))), 1)

    def test_03_resolve_is_good_news(self):
        a, card, raw = self.teams("resolve")
        self.assertEqual(card["body"][0]["color"], "good")
        self.assertTrue(card["body"][0]["text"].startswith("Resolved"))
        self.assertNotIn(a["severity"].upper(), raw)
        self.assertIn("was " + a["severity"], raw)
        _, msg = self.slack("resolve")
        whole = json.dumps(msg)
        self.assertTrue(msg["text"].startswith(":white_check_mark: Resolved"))
        self.assertNotIn(":red_circle:", whole)
        self.assertNotIn(a["severity"].upper(), whole)
        self.assertIn("*was* " + a["severity"], slack_strings(msg))

    def test_04_blind(self):
        a, card, raw = self.teams("blind")
        self.assertEqual(card["body"][0]["color"], "warning")
        self.assertNotIn("actions", card, "no console page for a blind check")
        self.assertIn("AccessDenied", raw)
        _, msg = self.slack("blind")
        self.assertIn("driftwatch is blind", json.dumps(msg))
        self.assertEqual(CONSOLE_LINK.findall(json.dumps(msg)), [])

    def test_05_sighted_is_good_news(self):
        a, card, raw = self.teams("sighted")
        self.assertEqual(card["body"][0]["color"], "good")
        _, msg = self.slack("sighted")
        self.assertTrue(msg["text"].startswith(":white_check_mark: "))
        self.assertNotIn("HIGH", json.dumps(msg))

    def test_08_reminder(self):
        a, card, raw = self.teams("reminder")
        self.assertEqual(card["body"][0]["color"], "attention")
        self.assertTrue(card["body"][0]["text"].startswith(
            "CRITICAL: Reminder: 1 finding still open"), card["body"][0])
        self.assertIn("cloudtrail.logging/org-trail", raw)
        self.assertIn("Still open (reminder)", raw)
        self.assertNotIn("actions", card, "a digest has no one console page")
        _, msg = self.slack("reminder")
        whole = json.dumps(msg)
        self.assertIn("Still open (reminder)", whole)
        self.assertIn("cloudtrail.logging/org-trail", whole)
        self.assertRegex(whole, r"\(open \d+s\)")

    def test_07_show(self):
        """DW_SHOW_CARDS=1 prints each kind as it arrived, for the docs."""
        if os.environ.get("DW_SHOW_CARDS") != "1":
            return
        for kind, a in self.kinds.items():
            for path in (SLACK_PATH, TEAMS_PATH):
                for p in self.posts(path, a):
                    sys.stderr.write("# %s %s\n%s\n" % (
                        kind, path.split("/")[1], json.dumps(
                            json.loads(p["body"]), indent=1,
                            ensure_ascii=False)))

    def test_06_delivered_on_202_and_no_token_logged(self):
        time.sleep(1)
        teams = [p for p in self.fake.webhook_posts()
                 if p["path"].startswith(TEAMS_PATH)]
        self.assertGreaterEqual(len(teams), 5)
        self.assertTrue(all(p["status"] == 202 for p in teams))
        ids = [json.loads(p["body"])["attachments"][0]["content"]
               ["body"][-1]["text"] for p in teams]
        self.assertEqual(len(ids), len(set(ids)), "no alert sent twice")
        self.assertIn("delivered to sink teams", self.d.logs())
        log = self.d.logs()
        for secret in (TEAMS_SIG, "TEAMSsecretSIG123", "SLACKtoken456",
                       TEAMS_PATH):
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    dwtest.tap_main()
