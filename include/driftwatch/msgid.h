/*
 * journald MESSAGE_IDs, one per kind of message; each has an entry in
 * systemd/driftwatch.catalog explaining it under journalctl -x.
 */
#ifndef DRIFTWATCH_MSGID_H
#define DRIFTWATCH_MSGID_H

#define MSGID_STARTED            "57ad0cae79684e4eac79b83a0cb38fd1"
#define MSGID_STOPPING           "f6a02f6622bf4c759bf39523980dfee5"
#define MSGID_RELOADED           "a647a7c5417049879474fb76dc850e06"
#define MSGID_RELOAD_FAILED      "763256b5d6ee46fe848b59ac8476f160"
#define MSGID_FINDING_OPEN       "3df5dd3f57ee4603b3175180ec7824ba"
#define MSGID_FINDING_RESOLVED   "dbc70a833fb74303ba68ab89b531b315"
#define MSGID_CHECK_BLIND        "d5dcaf8d15e6483dae8bdf9d9f591686"
#define MSGID_CHECK_SIGHTED      "42c813ea08764adc9edd1e403ca9dda1"
#define MSGID_REMINDER           "3e1e9d1db67740cd84105018df2b0de0"
#define MSGID_EVENT_ALERT        "0504eff310b14cac85a2f19fca423e17"
#define MSGID_DELIVERY_FAILED    "804acfae31d344b9945ff616feb55eec"
#define MSGID_ALERT_DEAD         "76a8914799514ac687499a0c7b6780d6"
#define MSGID_AWS_ERROR          "67efd950a0e6451eabb6a677f15c4f0a"
#define MSGID_EVENT_MALFORMED    "89d918512f0e4bf5a91a959c90b5b852"

#endif
