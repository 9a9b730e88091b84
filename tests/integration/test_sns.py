#!/usr/bin/python3
"""The SNS sink: the real daemon publishes to the fake AWS's SNS (each
request's signature checked there), once per alert id, with its Subject
and attributes; a throttled Publish is retried; a refusal is permanent,
logged naming the topic, and the alert kept in outbox/dead/."""
import glob
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import dwtest  # noqa: E402
from dwdaemon import Daemon  # noqa: E402


class Base(unittest.TestCase):
    topic = "driftwatch-alerts"
    region = "us-east-1"

    @classmethod
    def setUpClass(cls):
        cls.work = dwtest.workdir(cls.__name__.lower())
        cls.fake = dwtest.FakeAWS(os.path.join(cls.work, "fake"))
        cls.arn = cls.fake.topic_arn(cls.topic, cls.region)
        cls.setup_fake()
        cls.d = Daemon(cls.fake, os.path.join(cls.work, "d"), sinks={
            "topic": {"type": "sns", "topic_arn": cls.arn,
                      "min_severity": "info"}})
        cls.d.start()
        cls.d.wait_log("check pass done", timeout=30)

    @classmethod
    def setup_fake(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        code = cls.d.stop()
        cls.fake.stop()
        if code != 0:
            raise AssertionError("driftwatchd exited %s" % code)

    def published(self, ip):
        return [p for p in self.fake.sns_publications()
                if json.loads(p["message"]).get("event", {})
                .get("source_ip") == ip]


class Publish(Base):
    def test_1_published_once_with_attributes(self):
        self.fake.action("root_login", source_ip="192.0.2.61")
        got = self.fake.wait_for(lambda: self.published("192.0.2.61"), 20)
        time.sleep(3)           # later polls see the event again
        got = self.published("192.0.2.61")
        self.assertEqual(len(got), 1, "one publication per alert id")
        p = got[0]
        body = json.loads(p["message"])
        self.assertEqual(p["topic_arn"], self.arn)
        self.assertEqual(p["region"], "us-east-1")
        self.assertEqual(body["check"], "event.root_activity")
        self.assertEqual(body["source"], "driftwatch")
        self.assertEqual(p["attributes"]["severity"],
                         {"DataType": "String",
                          "StringValue": body["severity"]})
        self.assertEqual(p["attributes"]["check"],
                         {"DataType": "String",
                          "StringValue": "event.root_activity"})
        self.assertTrue(p["subject"].startswith("[" + body["severity"] +
                                                "] "), p["subject"])
        self.assertLess(len(p["subject"]), 100)
        self.assertEqual(p["access_key"], self.fake.access_key,
                         "signed with the daemon's credentials")

    def test_2_throttled_publish_is_retried(self):
        self.fake.fault(service="sns", action="Publish", kind="throttle",
                        count=4)
        self.fake.action("root_login", source_ip="192.0.2.62")
        got = self.fake.wait_for(lambda: self.published("192.0.2.62"), 40)
        self.assertEqual(len(got), 1)
        codes = [r.get("error_code") for r in self.fake.requests()
                 if r.get("action") == "Publish"]
        self.assertGreaterEqual(codes.count("Throttling"), 4, codes)


class Refused(Base):
    topic = "locked-topic"

    @classmethod
    def setup_fake(cls):
        cls.fake.add_sns_topic(cls.topic, deny=["*"])

    def test_1_refusal_is_dead_and_logged(self):
        self.fake.action("root_login", source_ip="192.0.2.63")
        dead = os.path.join(self.d.state_dir, "outbox", "dead")
        files = self.fake.wait_for(lambda: glob.glob(dead + "/*.json"), 30)
        with open(files[0]) as f:
            doc = json.load(f)
        self.assertEqual(doc["sinks"][0]["name"], "topic")
        self.assertEqual(doc["sinks"][0]["state"], "dead")
        self.d.wait_log("AuthorizationError", timeout=10)
        lines = [ln for ln in self.d.logs().splitlines()
                 if "SNS refused" in ln]
        self.assertTrue(lines and self.arn in lines[0], lines)
        self.assertNotIn(self.fake.secret_key, self.d.logs())
        self.assertEqual(self.fake.sns_publications(), [])
        attempts = [r for r in self.fake.requests()
                    if r.get("action") == "Publish"]
        time.sleep(2)
        self.assertEqual(len([r for r in self.fake.requests()
                              if r.get("action") == "Publish"]),
                         len(attempts), "a refusal is not retried")


if __name__ == "__main__":
    dwtest.tap_main()
