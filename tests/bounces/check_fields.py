#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Table tests of smtp-bounces' event fields and filters:

- the log's time in every format it reads (syslog without a year and the year
  rule, RFC 3339 of newer syslog, journald's short-iso, Exim's own, with and
  without its zone), the queue ID, the sender (Postfix's and Sendmail's
  "from=" line of the same queue ID, Exim's "<=" line, OpenSMTPD's own field),
  the relay and the delay, and a DSN's own fields (Remote-MTA, Last-Attempt-Date,
  Arrival-Date, X-Postfix-Queue-ID, X-Postfix-Sender); a field the log does not
  give is null, never made up;
- --csv: a header row, the JSON fields in the JSON order, RFC 4180 quoting
  (commas, quotes, line breaks), the spreadsheet-formula guard and its undoing;
- --since / --until: inclusive and exclusive edges, dates, zones, bad values,
  events without a time;
- postqueue -j input: deferred recipients classified with queue ID, sender and
  arrival time; JSON lines that are not queue records counted and shown;
- inbound rejects (Postfix NOQUEUE, Exim "rejected RCPT") counted by reason in
  the summary and shown as events with --rejects;
- the disabled-mailbox verdicts (Yahoo, Gmail) are hard.

    check_fields.py EXE        ends with "N passed, N failed"
"""
import csv
import io
import json
import sys
import time

from harness import ENV, check, events, finish, run

PF = "mail postfix/smtp[2301]: "
QMGR = "Nov 27 09:00:01 mail postfix/qmgr[1873]: 4YbQ1k0Xf2z9vQA: from=<news@example.org>, size=18422, nrcpt=2 (queue active)\n"
BOUNCE = ("4YbQ1k0Xf2z9vQA: to=<ann@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1.1, "
          "delays=0.05/0.01/0.42/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: "
          "550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown in local recipient "
          "table (in reply to RCPT TO command))\n")

# name, arguments, input, expected members of each event in order
FIELD_CASES = [
    ("syslog time with --year, sender from qmgr, relay, delay",
     ["--year", "2026"], QMGR + "Nov 27 09:00:02 " + PF + BOUNCE,
     [{"time": "2026-11-27T09:00:02", "queue_id": "4YbQ1k0Xf2z9vQA", "sender": "news@example.org",
       "relay": "mx.example.com[192.0.2.1]:25", "delay": 1.1, "direction": "outbound",
       "reason": "recipient-unknown", "status": "bounced"}]),
    ("syslog day below 10 is padded with a space",
     ["--year", "2025"], "Jan  5 01:02:03 " + PF + BOUNCE,
     [{"time": "2025-01-05T01:02:03", "sender": None}]),
    ("RFC 3339 time of newer syslog, fraction and offset kept",
     [], "2026-11-27T09:00:02.123456+01:00 " + PF + BOUNCE,
     [{"time": "2026-11-27T09:00:02.123456+01:00", "queue_id": "4YbQ1k0Xf2z9vQA"}]),
    ("RFC 3339 in UTC",
     [], "2026-11-27T09:00:02Z " + PF + BOUNCE, [{"time": "2026-11-27T09:00:02Z"}]),
    ("journald short-iso offset without a colon",
     [], "2026-11-27T09:00:02+0100 " + PF + BOUNCE, [{"time": "2026-11-27T09:00:02+01:00"}]),
    ("no time at all: null",
     [], PF + BOUNCE, [{"time": None, "queue_id": "4YbQ1k0Xf2z9vQA", "sender": None}]),
    ("null sender <> is written <>",
     ["--year", "2026"], QMGR.replace("<news@example.org>", "<>") + "Nov 27 09:00:02 " + PF + BOUNCE,
     [{"sender": "<>"}]),
    ("a removed queue ID forgets its sender",
     ["--year", "2026"], QMGR + "Nov 27 09:00:02 mail postfix/qmgr[1873]: 4YbQ1k0Xf2z9vQA: removed\n"
     + "Nov 27 09:00:03 " + PF + BOUNCE, [{"sender": None}]),
    ("another queue ID's sender is not taken",
     ["--year", "2026"], QMGR.replace("4YbQ1k0Xf2z9vQA", "4YbQ1k0Xf2z9vQB") + "Nov 27 09:00:02 " + PF + BOUNCE,
     [{"sender": None}]),
    ("a sender inside a quoted local part is not taken",
     ["--year", "2026"], "Nov 27 09:00:01 mail postfix/qmgr[1873]: 4YbQ1k0Xf2z9vQA: from=<\"x, from=<evil@example.net>\"@example.org>, size=1, nrcpt=1 (queue active)\n"
     + "Nov 27 09:00:02 " + PF + BOUNCE,
     [{"sender": "\"x, from=<evil@example.net>\"@example.org"}]),
    ("postfix without relay or delay: null",
     ["--year", "2026"], "Nov 27 09:00:02 " + PF + "4YbQ1k0Xf2z9vQA: to=<a@example.com>, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.1]:25: Connection refused)\n",
     [{"relay": None, "delay": None, "status": "deferred"}]),
    ("exim: time, message id, sender from <=, relay, QT delay",
     [], "2026-11-27 10:00:01 1wQx3a-000Abc-1Z <= news@example.org H=localhost [127.0.0.1] P=esmtpsa S=5230\n"
     "2026-11-27 10:00:02 1wQx3a-000Abc-1Z ** ann@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1] X=TLS1.3 CV=yes QT=3s: SMTP error from remote mail server after RCPT TO:<ann@example.com>: 550 5.1.1 No such user\n",
     [{"time": "2026-11-27T10:00:02", "queue_id": "1wQx3a-000Abc-1Z", "sender": "news@example.org",
       "relay": "mx.example.com [192.0.2.1]", "delay": 3, "status": "bounced"}]),
    ("exim with its zone, bounce sender <>",
     [], "2026-11-27 10:00:01 +0100 1wQx3a-000Abc-1Z <= <> R=1wQx2a-000Abc-1Y U=Debian-exim P=local S=1000\n"
     "2026-11-27 10:00:02 +0100 1wQx3a-000Abc-1Z => bo@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1] C=\"250 2.0.0 OK\"\n",
     [{"time": "2026-11-27T10:00:02+01:00", "sender": "<>", "delay": None, "status": "sent"}]),
    ("exim delivery: QT= after C=, relay with port, Completed forgets the sender",
     [], "2026-11-27 10:00:01 1wQx3a-000Abc-1Z <= news@example.org H=localhost [127.0.0.1] P=esmtpsa S=5230\n"
     "2026-11-27 10:00:02 1wQx3a-000Abc-1Z => bo@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]:2525 C=\"250 2.0.0 OK QT=9s\" QT=1m2.5s DT=1s\n"
     "2026-11-27 10:00:02 1wQx3a-000Abc-1Z Completed\n"
     "2026-11-27 10:00:03 1wQx3a-000Abc-1Z ** late@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<late@example.com>: 550 5.1.1 No such user QT=5s\n",
     [{"relay": "mx.example.com [192.0.2.1]:2525", "delay": 62.5, "sender": "news@example.org"},
      {"sender": None, "delay": None}]),
    ("sendmail: time, queue ID, sender, relay, delay with days",
     ["--year", "2026"], "Nov 27 12:00:01 relay sm-mta[5101]: 5ARC01aB005101: from=<news@example.org>, size=5230, class=0, nrcpts=1, proto=ESMTP, relay=localhost [127.0.0.1]\n"
     "Nov 27 12:00:03 relay sm-mta[5103]: 5ARC01aB005101: to=<ann@example.com>, ctladdr=<news@example.org> (1001/1001), delay=1+00:00:02, xdelay=00:00:02, mailer=esmtp, pri=151230, relay=mx.example.com. [192.0.2.26], dsn=5.1.1, stat=User unknown\n",
     [{"time": "2026-11-27T12:00:03", "queue_id": "5ARC01aB005101", "sender": "news@example.org",
       "relay": "mx.example.com. [192.0.2.26]", "delay": 86402}]),
    ("opensmtpd: envelope id, sender and relay of the line, delay in units",
     ["--year", "2026"], "Nov 27 13:00:02 mx smtpd[7001]: 4d9a3b02c3e5f702 mta delivery evpid=5e1f0a2b7c3d9e01 from=<news@example.org> to=<ann@example.com> rcpt=<-> source=\"203.0.113.25\" relay=\"192.0.2.26 (mx.example.com)\" delay=1m5s result=\"PermFail\" stat=\"550 5.1.1 No such user\"\n",
     [{"time": "2026-11-27T13:00:02", "queue_id": "5e1f0a2b7c3d9e01", "sender": "news@example.org",
       "relay": "192.0.2.26 (mx.example.com)", "delay": 65}]),
    ("yahoo's disabled mailbox is hard",
     ["--year", "2026"], "Nov 27 09:00:08 " + PF + "4YbQ1k0Xf2z9vQA: to=<kim@example.net>, relay=mta5.am0.yahoodns.net[198.51.100.41]:25, delay=5.9, delays=0.05/0.01/3.3/2.5, dsn=5.0.0, status=bounced (host mta5.am0.yahoodns.net[198.51.100.41] said: 554 delivery error: dd Sorry, your message to kim@example.net cannot be delivered. This mailbox is disabled (554.30). - mta4012.mail.bf1.yahoo.com (in reply to end of DATA command))\n",
     [{"reason": "mailbox-disabled", "bounce": "hard", "retry": "never"}]),
    ("gmail's disabled account is hard",
     ["--year", "2026"], "Nov 27 09:00:08 " + PF + "4YbQ1k0Xf2z9vQA: to=<lea@example.com>, relay=gmail-smtp-in.l.google.com[192.0.2.26]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.2.1, status=bounced (host gmail-smtp-in.l.google.com[192.0.2.26] said: 550-5.2.1 The email account that you tried to reach is disabled. Learn more at 550 5.2.1  https://support.google.com/mail/?p=DisabledUser a1-2 - gsmtp (in reply to RCPT TO command))\n",
     [{"reason": "mailbox-disabled", "bounce": "hard", "retry": "never"}]),
    ("a disabled mailbox that is temporary stays soft",
     ["--year", "2026"], "Nov 27 09:00:08 " + PF + "4YbQ1k0Xf2z9vQA: to=<lea@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.7.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.7.1 <lea@example.com>: Recipient address rejected: User lea@example.com temporary locked. Please try again later! (in reply to RCPT TO command))\n",
     [{"reason": "mailbox-disabled", "bounce": "soft", "retry": "retry"}]),
]

# A DSN's own fields (RFC 3464): per message Arrival-Date and Postfix's queue ID
# and sender, per recipient Remote-MTA and Last-Attempt-Date.
def dsn(per_message, per_recipient):
    return ("Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.org\n"
            + per_message + "\nFinal-Recipient: rfc822; ann@example.com\nAction: failed\n"
            "Status: 5.1.1\n" + per_recipient + "Diagnostic-Code: smtp; 550 5.1.1 <ann@example.com>: "
            "Recipient address rejected: User unknown\n\n--B--\n")


PF_MSG = ("X-Postfix-Queue-ID: 4YbQ1k0Xf2z9vQA\nX-Postfix-Sender: rfc822; news@example.org\n"
          "Arrival-Date: Thu, 27 Nov 2026 09:00:01 +0100 (CET)\n")
PF_RCPT = ("Remote-MTA: dns; mx.example.com\n"
           "Last-Attempt-Date: Thu, 27 Nov 2026 08:05:01 GMT\n")
FIELD_CASES += [(name, [], data, want) for name, data, want in [
    ("DSN: relay, time, delay, queue ID and sender from its own fields",
     dsn(PF_MSG, PF_RCPT),
     [{"recipient": "ann@example.com", "relay": "mx.example.com", "time": "2026-11-27T08:05:01+00:00",
       "delay": 300, "queue_id": "4YbQ1k0Xf2z9vQA", "sender": "news@example.org",
       "reason": "recipient-unknown"}]),
    ("DSN: day name, seconds and zone are optional",
     dsn("Arrival-Date: 27 Nov 2026 09:00 +0000\n", "Last-Attempt-Date: 27 Nov 2026 09:01 +0000\n"),
     [{"time": "2026-11-27T09:01:00+00:00", "delay": 60}]),
    ("DSN: an empty X-Postfix-Sender is the null sender",
     dsn("X-Postfix-Sender: rfc822;\n", ""), [{"sender": "<>"}]),
    ("DSN: without those fields, null",
     dsn("", ""), [{"relay": None, "time": None, "delay": None, "queue_id": None, "sender": None}]),
    ("DSN: a date that does not exist is no time",
     dsn("", "Last-Attempt-Date: Mon, 31 Feb 2026 09:00:00 +0000\n"), [{"time": None}]),
    ("DSN: a zone-less time gives no delay",
     dsn("Arrival-Date: Thu, 27 Nov 2026 09:00:01 +0000\n", "Last-Attempt-Date: Thu, 27 Nov 2026 09:05:01\n"),
     [{"time": "2026-11-27T09:05:01", "delay": None}]),
    ("DSN: the next message does not inherit the last one's fields",
     dsn(PF_MSG, PF_RCPT) + dsn("", ""),
     [{"queue_id": "4YbQ1k0Xf2z9vQA", "relay": "mx.example.com"},
      {"queue_id": None, "sender": None, "relay": None, "time": None}]),
    ("DSN: a second recipient has its own relay and time",
     dsn(PF_MSG, PF_RCPT).replace("\n\n--B--", "\n\nFinal-Recipient: rfc822; bo@example.com\n"
                                   "Action: failed\nStatus: 5.1.1\n\n--B--"),
     [{"relay": "mx.example.com", "queue_id": "4YbQ1k0Xf2z9vQA"},
      {"recipient": "bo@example.com", "relay": None, "time": None, "queue_id": "4YbQ1k0Xf2z9vQA",
       "sender": "news@example.org"}]),
]]


def field_cases():
    for name, args, data, want in FIELD_CASES:
        p, evs = events(args, data)
        ok = p.returncode == 0 and len(evs) == len(want) and all(
            all(k in ev and ev[k] == v for k, v in w.items()) for ev, w in zip(evs, want))
        check(ok, "fields: " + name, "exit %d, events %r, want %r" % (p.returncode, evs, want))


def year_rule():
    # Without --year: this year, or last year when that would be more than a day ahead.
    now = time.time()
    this = time.gmtime(now).tm_year
    for stamp in ("Jan  1 00:00:00", "Dec 31 23:59:59"):
        t = time.strptime("%d %s" % (this, stamp), "%Y %b %d %H:%M:%S")
        year = this - 1 if time.mktime(t) - time.timezone > now + 86400 else this
        p, evs = events([], stamp + " " + PF + BOUNCE)
        want = "%d-%s" % (year, "01-01T00:00:00" if stamp.startswith("Jan") else "12-31T23:59:59")
        check(len(evs) == 1 and evs[0].get("time") == want, "year rule: %s is %s" % (stamp, want),
              evs)
    p = run(["--year", "20x6"], "")
    check(p.returncode == 2 and b"--year" in p.stderr, "year rule: a bad --year is a usage error",
          p.stderr)


def csv_cases():
    log = ("Nov 27 09:00:01 mail postfix/qmgr[1873]: Q1: from=<=HYPERLINK(\"x\")@example.org>, size=1, nrcpt=1 (queue active)\n"
           "Nov 27 09:00:02 " + PF + "Q1: to=<\"a,b\\\"c\"@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command))\n"
           "Nov 27 09:00:03 " + PF + "Q1: to=<'quoted@example.com>, relay=none, delay=2, delays=0/0/1/1, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.1]:25: Connection refused)\n")
    pj = run(["--json", "--year", "2026"], log)
    pc = run(["--csv", "--year", "2026"], log)
    check(pc.returncode == 0 and pc.stdout.endswith(b"\r\n"), "csv: exit 0, CRLF line ends", pc.stdout[-40:])
    rows = list(csv.reader(io.StringIO(pc.stdout.decode("utf-8"), newline="")))
    objs = [json.loads(x) for x in pj.stdout.decode().splitlines()]
    header = rows[0] if rows else []
    check(header[:3] == ["recipient", "recipient_raw", "status"] and "sender" in header
          and "direction" in header and header[-2:] == ["file", "file_raw"],
          "csv: header row", header)
    # The JSON members, in order, are the columns (the *_raw and file ones always present).
    check(all([k for k in header if k in o] == list(o) for o in objs), "csv: columns in JSON order",
          (header, [list(o) for o in objs]))
    check(len(rows) == 3, "csv: one row per event", rows)

    def unguard(v):
        return v[1:] if v.startswith("'") else v
    for r, o in zip(rows[1:], objs):
        d = dict(zip(header, r))
        for k, v in o.items():
            want = "" if v is None else str(v)
            check(unguard(d.get(k, "")) == want, "csv: %s of %s equals JSON" % (k, o["recipient"]),
                  (d.get(k), want))
    d = dict(zip(header, rows[1])) if len(rows) > 1 else {}
    check(d.get("recipient") == '"a,b\\"c"@example.com', "csv: comma and quote kept", d.get("recipient"))
    check(d.get("sender", "").startswith("'="), "csv: a formula-looking field gets a leading '",
          d.get("sender"))
    d = dict(zip(header, rows[2])) if len(rows) > 2 else {}
    check(d.get("recipient") == "''quoted@example.com", "csv: a leading ' is doubled", d.get("recipient"))
    check(d.get("relay") == "none" and d.get("code") == "" and d.get("time") == "2026-11-27T09:00:03",
          "csv: empty for null, values as JSON", d)
    # A line break inside a field (a postqueue -j address) is quoted.
    q = json.dumps({"queue_name": "deferred", "queue_id": "Q2", "arrival_time": 1764234001,
                    "sender": "a@example.org", "recipients": [
                        {"address": "line\nbreak@example.com",
                         "delay_reason": "host mx[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)"}]})
    pc = run(["--csv"], q + "\n")
    rows = list(csv.reader(io.StringIO(pc.stdout.decode("utf-8"), newline="")))
    check(len(rows) == 2 and rows[1][0] == "line\nbreak@example.com" and b'"line\nbreak@example.com"' in pc.stdout,
          "csv: a line break inside a field is quoted", pc.stdout)
    p = run(["--csv", "--json"], "")
    check(p.returncode == 2, "csv: --csv with --json is a usage error", p.stderr)


TIMED = "".join("Nov 27 %s " % t + PF + BOUNCE.replace("ann@", "u%d@" % i)
                for i, t in enumerate(["08:59:59", "09:00:00", "09:30:00", "09:59:59", "10:00:00"]))


def range_cases():
    cases = [
        ("since is inclusive", ["--since", "2026-11-27T09:00:00"], [1, 2, 3, 4]),
        ("until is exclusive", ["--until", "2026-11-27 10:00:00"], [0, 1, 2, 3]),
        ("both", ["--since", "2026-11-27T09:00", "--until", "2026-11-27T10:00"], [1, 2, 3]),
        ("a date is its midnight", ["--since", "2026-11-28"], []),
        ("a date is its midnight (until)", ["--until", "2026-11-28"], [0, 1, 2, 3, 4]),
        ("a zone in the value", ["--since", "2026-11-27T10:30:00+01:00"], [2, 3, 4]),
        ("Z", ["--until", "2026-11-27T09:00:00Z"], [0]),
    ]
    for name, args, want in cases:
        p, evs = events(["--year", "2026"] + args, TIMED)
        got = [int(e["recipient"][1:e["recipient"].index("@")]) for e in evs]
        check(p.returncode == 0 and got == want, "range: " + name, (p.returncode, got, want, p.stderr))
    # The log's local time follows TZ; a value without a zone too.
    env = dict(ENV, TZ="Asia/Ho_Chi_Minh")
    p, evs = events(["--year", "2026", "--since", "2026-11-27T02:30:00Z"], TIMED, env)
    got = [int(e["recipient"][1:e["recipient"].index("@")]) for e in evs]
    check(got == [2, 3, 4], "range: a log without a zone is in TZ's local time", got)
    for bad in ["yesterday", "2026-13-01", "2026-11-27T25:00", "2026-11-27T09:00:00+1", ""]:
        p = run(["--since", bad], "")
        check(p.returncode == 2 and b"--since" in p.stderr, "range: bad value %r is a usage error" % bad,
              p.stderr)
    p = run(["--until"], "")
    check(p.returncode == 2, "range: --until without a value", p.stderr)
    # Events without a time: left out of a range and counted in the summary.
    p, evs = events(["--since", "2026-01-01"], PF + BOUNCE)
    check(evs == [], "range: an event without a time is left out", evs)
    s = run(["--since", "2026-01-01", "--year", "2026"], PF + BOUNCE + TIMED).stdout.decode()
    check("5 events in the time range, 0 outside it, 1 without a time" in s,
          "range: the summary counts what the range left out", s)


POSTQUEUE = [
    {"queue_name": "deferred", "queue_id": "4YbQ1k0Xf2z9vQA", "arrival_time": 1764234001,
     "message_size": 18422, "forced_expire": False, "sender": "news@example.org",
     "recipients": [
         {"address": "carla@example.net",
          "delay_reason": "host alt1.gmail-smtp-in.l.google.com[192.0.2.27] said: 452-4.2.2 The recipient's inbox has run out of storage space. 452 4.2.2 https://support.google.com/mail/?p=OverQuotaTemp x - gsmtp (in reply to RCPT TO command)"},
         {"address": "dan@example.org",
          "delay_reason": "connect to mx.example.org[192.0.2.9]:25: Connection refused"}]},
    {"queue_name": "deferred", "queue_id": "4YbQ2k0Xf2z9vQB", "arrival_time": 1764237601,
     "message_size": 100, "forced_expire": False, "sender": "",
     "recipients": [{"address": "caf\u00e9@example.com",
                     "delay_reason": "host mx.example.com[192.0.2.3] said: 421 4.7.0 Try again later, closing connection. (in reply to MAIL FROM command)"}]},
    {"queue_name": "active", "queue_id": "4YbQ3k0Xf2z9vQC", "arrival_time": 1764237602,
     "message_size": 100, "forced_expire": False, "sender": "news@example.org",
     "recipients": [{"address": "new@example.com"}]},
]


def postqueue_cases():
    data = "".join(json.dumps(o) + "\n" for o in POSTQUEUE)
    p, evs = events([], data)
    want = [
        {"recipient": "carla@example.net", "status": "deferred", "queue_id": "4YbQ1k0Xf2z9vQA",
         "sender": "news@example.org", "time": "2025-11-27T09:00:01Z", "code": 452,
         "enhanced": "4.2.2", "command": "RCPT", "reason": "mailbox-full", "bounce": "soft"},
        {"recipient": "dan@example.org", "status": "deferred", "code": None, "reason": "network-error"},
        {"recipient": "caf\u00e9@example.com", "sender": "<>", "code": 421, "command": "MAIL",
         "time": "2025-11-27T10:00:01Z"},
    ]
    ok = p.returncode == 0 and len(evs) == len(want) and all(
        all(ev.get(k) == v for k, v in w.items()) for ev, w in zip(evs, want))
    check(ok, "postqueue -j: deferred recipients classified", (evs, p.stderr))
    bad = data + '{"queue_name": "deferred", "queue_id": \n' + '{"not": "a queue record"}\n'
    p = run([], bad)
    s = p.stdout.decode()
    check(p.returncode == 0 and "recipients not tried yet: 1; lines not recognised: 2" in s,
          "postqueue -j: unrecognised lines and untried recipients are counted", s)
    p = run(["--json"], bad)
    check(b"2 lines" in p.stderr and len(p.stdout.splitlines()) == 3,
          "postqueue -j: with --json the count goes to standard error", p.stderr)
    # Arrival times within a range.
    p, evs = events(["--since", "2025-11-27T09:30:00Z"], data)
    check([e["recipient"] for e in evs] == ["caf\u00e9@example.com"], "postqueue -j: --since", evs)


REJECTS = (
    "Nov 27 09:05:11 mail postfix/smtpd[2401]: NOQUEUE: reject: RCPT from unknown[203.0.113.77]: 450 4.7.1 Client host rejected: cannot find your hostname, [203.0.113.77]; from=<promo@shop.example> to=<info@example.org> proto=ESMTP helo=<shop.example>\n"
    "Nov 27 09:05:12 mail postfix/smtpd[2401]: NOQUEUE: reject: RCPT from mx.other.example[198.51.100.5]: 550 5.1.1 <\"x; from=<a@b> to=<c@d>\"@example.org>: Recipient address rejected: User unknown in local recipient table; from=<s@other.example> to=<\"x; from=<a@b> to=<c@d>\"@example.org> proto=ESMTP helo=<mx.other.example>\n"
    "Nov 27 09:05:13 mail postfix/smtpd[2401]: NOQUEUE: reject: RCPT from mx.other.example[198.51.100.5]: 554 5.7.1 Service unavailable; Client host [198.51.100.5] blocked using zen.spamhaus.org; from=<s@other.example> to=<bob@example.org> proto=ESMTP helo=<mx.other.example>\n"
    "Nov 27 09:05:14 mail postfix/smtpd[2401]: NOQUEUE: reject_warning: RCPT from mx.other.example[198.51.100.5]: 550 5.1.1 <z@example.org>: Recipient address rejected: User unknown in local recipient table; from=<s@other.example> to=<z@example.org> proto=ESMTP helo=<mx.other.example>\n"
    "2026-11-27 10:05:00 H=(shop.example) [203.0.113.77] F=<promo@shop.example> rejected RCPT <nobody@example.org>: Unrouteable address\n"
    "2026-11-27 10:05:01 H=mx.other.example [198.51.100.5] F=<s@other.example> rejected RCPT <bob@example.org>: relay not permitted\n"
)


def reject_cases():
    log = REJECTS + "Nov 27 09:00:02 " + PF + BOUNCE
    p, evs = events(["--year", "2026"], log)
    check([e["direction"] for e in evs] == ["outbound"], "rejects: not events without --rejects", evs)
    p, evs = events(["--year", "2026", "--rejects"], log)
    want = [
        {"direction": "inbound", "status": "rejected", "recipient": "info@example.org", "sender": "promo@shop.example",
         "code": 450, "enhanced": "4.7.1", "command": "RCPT", "reason": "reverse-dns",
         "relay": "unknown[203.0.113.77]", "time": "2026-11-27T09:05:11", "queue_id": None},
        {"direction": "inbound", "recipient": "\"x; from=<a@b> to=<c@d>\"@example.org",
         "sender": "s@other.example", "code": 550, "reason": "recipient-unknown"},
        {"direction": "inbound", "recipient": "bob@example.org", "reason": "client-blocked"},
        {"direction": "inbound", "recipient": "nobody@example.org", "sender": "promo@shop.example",
         "code": None, "command": "RCPT", "reason": "recipient-unknown", "relay": "(shop.example) [203.0.113.77]",
         "time": "2026-11-27T10:05:00"},
        {"direction": "inbound", "recipient": "bob@example.org", "reason": "relay-denied"},
        {"direction": "outbound", "status": "bounced"},
    ]
    ok = p.returncode == 0 and len(evs) == len(want) and all(
        all(ev.get(k) == v for k, v in w.items()) for ev, w in zip(evs, want))
    check(ok, "rejects: --rejects shows them as inbound events", evs)
    s = run(["--year", "2026"], log).stdout.decode()
    ok = ("Inbound rejects by reason" in s and "recipient-unknown" in s.split("Inbound rejects by reason")[1]
          and "rejects 5" in " ".join(s.split()))
    check(ok, "rejects: counted by reason in the summary", s)
    sec = s.split("Inbound rejects by reason")[1].split("\n\n")[0] if "Inbound rejects by reason" in s else ""
    rows = {l.split()[0]: int(l.split()[1]) for l in sec.splitlines()[2:] if l.strip()}
    check(rows == {"recipient-unknown": 2, "reverse-dns": 1, "client-blocked": 1, "relay-denied": 1},
          "rejects: the counts by reason", sec)
    s = run(["--csv", "--rejects", "--year", "2026"], log).stdout.decode()
    check(s.count("inbound") == 5 and s.count("outbound") == 1, "rejects: --csv --rejects", s)


def main():
    field_cases()
    year_rule()
    csv_cases()
    range_cases()
    postqueue_cases()
    reject_cases()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
