#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks of smtp-bounces beyond the golden files:

- every --json line over all sample inputs parses as JSON, has exactly the
  fields of smtp-bounces(1) (plus "file" with several files), each with a
  value of the right type and vocabulary, and the events match the summary's
  totals;
- an overlong line is cut, counted, and the lines after it still parse;
- control bytes and invalid UTF-8 in a log line come out as valid JSON;
- exit status 2 for a missing file and for an unknown option.

    check_json.py EXE DATADIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

FIELDS = ["recipient", "status", "code", "enhanced", "text", "command", "reason",
          "bounce", "retry", "confidence", "evidence", "time", "queue_id", "sender",
          "relay", "delay", "direction", "line"]
TEXT_FIELDS = ("recipient", "text", "queue_id", "sender", "relay", "file")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
STATUS = {"bounced", "deferred", "sent", "expired"}
REASONS = {
    "none", "recipient-unknown", "recipient-address-invalid", "domain-unknown",
    "domain-no-mail", "mailbox-moved", "mailbox-disabled", "mailbox-full",
    "message-too-large", "too-many-recipients", "sender-rejected", "relay-denied",
    "sender-auth-failed", "reverse-dns", "client-blocked", "reputation", "rate-limited",
    "greylisted", "spam-content", "virus-or-attachment", "policy-rejected",
    "content-format", "client-auth-failed", "tls-required", "protocol-error",
    "server-temporary", "server-misconfigured", "network-error", "expired",
    "local-delivery-error", "unclassified", "recipient-filtered"}
BOUNCE = {"none", "soft", "hard", "block"}
RETRY = {"not-needed", "retry", "retry-after-fix", "never"}
EVIDENCE = {"none", "enhanced", "command", "text", "code", "class", "provider"}
CONFIDENCE = {"high", "low"}
COMMANDS = {"CONNECT", "EHLO", "HELO", "MAIL", "RCPT", "DATA", "DATA_END", "BDAT",
            "AUTH", "STARTTLS", "VRFY", "EXPN", "RSET", "NOOP", "QUIT", "HELP",
            "ETRN", "ATRN"}
ENHANCED = re.compile(r"^[245]\.[0-9]{1,3}\.[0-9]{1,3}$")

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL " + what)


def run(exe, args, cwd=None, stdin=None):
    return subprocess.run([exe] + args, cwd=cwd, input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)


def check_event(where, obj, many):
    want = FIELDS + (["file"] if many else [])
    # NAME_raw follows NAME only when NAME's bytes were not valid UTF-8.
    got = [k for k in obj if not (k.endswith("_raw") and k[:-4] in TEXT_FIELDS)]
    check(got == want, "%s: fields %s, want %s" % (where, list(obj), want))
    t = obj.get("time")
    check(t is None or (isinstance(t, str) and TIME.match(t) is not None), "%s: time %r" % (where, t))
    for k in ("queue_id", "sender", "relay"):
        check(obj.get(k) is None or (isinstance(obj[k], str) and obj[k] != ""),
              "%s: %s %r" % (where, k, obj.get(k)))
    d = obj.get("delay")
    check(d is None or (isinstance(d, (int, float)) and not isinstance(d, bool) and d >= 0),
          "%s: delay %r" % (where, d))
    check(obj.get("direction") == "outbound", "%s: direction %r" % (where, obj.get("direction")))
    for k in TEXT_FIELDS:
        if k + "_raw" in obj:
            check(list(obj).index(k + "_raw") == list(obj).index(k) + 1 and
                  isinstance(obj[k + "_raw"], str) and max(map(ord, obj[k + "_raw"])) < 256,
                  "%s: %s_raw %r" % (where, k, obj[k + "_raw"]))
    r = obj.get("recipient")
    check(r is None or (isinstance(r, str) and r != ""), "%s: recipient %r" % (where, r))
    check(obj.get("status") in STATUS, "%s: status %r" % (where, obj.get("status")))
    c = obj.get("code")
    check(c is None or (isinstance(c, int) and 200 <= c <= 599), "%s: code %r" % (where, c))
    e = obj.get("enhanced")
    check(e is None or (isinstance(e, str) and ENHANCED.match(e) is not None),
          "%s: enhanced %r" % (where, e))
    if c is not None and e is not None:
        check(e[0] == str(c)[0], "%s: enhanced %s disagrees with code %s" % (where, e, c))
    check(obj.get("command") is None or obj.get("command") in COMMANDS,
          "%s: command %r" % (where, obj.get("command")))
    check(obj.get("reason") in REASONS, "%s: reason %r" % (where, obj.get("reason")))
    check(obj.get("bounce") in BOUNCE, "%s: bounce %r" % (where, obj.get("bounce")))
    check(obj.get("retry") in RETRY, "%s: retry %r" % (where, obj.get("retry")))
    check(obj.get("confidence") in CONFIDENCE, "%s: confidence %r" % (where, obj.get("confidence")))
    check(obj.get("bounce") != "hard" or obj.get("evidence") in ("provider", "text", "enhanced"),
          "%s: a hard bounce without evidence about the address" % where)
    check(obj.get("evidence") in EVIDENCE, "%s: evidence %r" % (where, obj.get("evidence")))
    ln = obj.get("line")
    check(isinstance(ln, int) and not isinstance(ln, bool) and ln >= 1, "%s: line %r" % (where, ln))
    if many:
        check(isinstance(obj.get("file"), str), "%s: file %r" % (where, obj.get("file")))


def totals(summary):
    m = re.search(r"^  events  (\d+) \(bounced (\d+), deferred (\d+), expired (\d+), sent (\d+)\)$",
                  summary, re.M)
    return tuple(int(x) for x in m.groups()) if m else None


def json_lines(out, where):
    events = []
    for i, raw in enumerate(out.decode("utf-8").splitlines(), 1):
        try:
            events.append(json.loads(raw))
        except ValueError as err:
            check(False, "%s line %d is not JSON (%s): %r" % (where, i, err, raw[:120]))
    return events


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    exe, datadir = os.path.abspath(argv[0]), argv[1]
    inputs = sorted(glob.glob(os.path.join(datadir, "*.log"))) + \
        sorted(glob.glob(os.path.join(datadir, "*.jsonl"))) + \
        sorted(glob.glob(os.path.join(datadir, "dsn", "*.eml")))
    check(len(inputs) >= 8, "sample inputs found: %d" % len(inputs))

    # One file at a time: no "file" field; the summary's totals agree.
    for path in inputs:
        name = os.path.relpath(path, datadir)
        p = run(exe, ["--json", path])
        check(p.returncode == 0, "%s: exit %d" % (name, p.returncode))
        events = json_lines(p.stdout, name)
        check(len(events) > 0, "%s: no events" % name)
        for i, ev in enumerate(events, 1):
            check_event("%s event %d" % (name, i), ev, False)
        lines = [ev["line"] for ev in events]
        check(lines == sorted(lines), "%s: events not in input order" % name)
        s = run(exe, [path])
        t = totals(s.stdout.decode("utf-8"))
        by = {k: sum(1 for ev in events if ev["status"] == k) for k in STATUS}
        check(t == (len(events), by["bounced"], by["deferred"], by["expired"], by["sent"]),
              "%s: summary totals %r, JSON has %d events %r" % (name, t, len(events), by))

    # All at once: every object names its file.
    p = run(exe, ["--json"] + inputs)
    check(p.returncode == 0, "all inputs: exit %d" % p.returncode)
    for i, ev in enumerate(json_lines(p.stdout, "all inputs"), 1):
        check_event("all inputs event %d" % i, ev, True)

    with tempfile.TemporaryDirectory() as tmp:
        # An overlong line is cut and counted; the next line is still read.
        longlog = os.path.join(tmp, "long.log")
        with open(longlog, "wb") as f:
            f.write(b"Nov 27 09:00:00 mail postfix/smtp[1]: X: to=<a@example.com>, dsn=5.1.1, "
                    b"status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 "
                    + b"x" * 40000 + b" (in reply to RCPT TO command))\n")
            f.write(b"Nov 27 09:00:01 mail postfix/smtp[1]: Y: to=<b@example.net>, dsn=4.4.1, "
                    b"status=deferred (connect to mx.example.net[192.0.2.2]:25: Connection refused)\n")
        p = run(exe, ["--json", longlog])
        events = json_lines(p.stdout, "long line")
        check(p.returncode == 0 and [ev["recipient"] for ev in events] == ["a@example.com", "b@example.net"],
              "long line: events %r" % [ev.get("recipient") for ev in events])
        check([ev["line"] for ev in events] == [1, 2], "long line: line numbers %r"
              % [ev.get("line") for ev in events])
        s = run(exe, [longlog]).stdout.decode("utf-8")
        check("2 lines, 1 cut at" in s, "long line: totals do not count the cut line:\n" + s)

        # Control bytes and bytes that are not UTF-8 become valid JSON; the exact
        # bytes of the recipient follow in recipient_raw. Postfix quotes such a
        # local part (info_log_address_format = external).
        badlog = os.path.join(tmp, "bad.log")
        raw_rcpt = b"\"b\xffd\x01\\\"q\\\\\"@example.org"
        with open(badlog, "wb") as f:
            f.write(b"Nov 27 09:00:00 mail postfix/smtp[1]: Z: to=<" + raw_rcpt + b">, "
                    b"dsn=5.1.1, status=bounced (host mx[192.0.2.3] said: 550 5.1.1 caf\xc3\xa9 "
                    b"(in reply to RCPT TO command))\n")
        p = run(exe, ["--json", badlog])
        events = json_lines(p.stdout, "bad bytes")
        check(len(events) == 1 and events[0]["recipient"] == raw_rcpt.decode("utf-8", "replace"),
              "bad bytes: recipient %r" % (events[0]["recipient"] if events else None))
        check(len(events) == 1 and events[0].get("recipient_raw", "").encode("latin-1") == raw_rcpt,
              "bad bytes: recipient_raw %r" % (events[0].get("recipient_raw") if events else None))
        try:
            p.stdout.decode("utf-8")
            check(True, "bad bytes: output is UTF-8")
        except UnicodeDecodeError:
            check(False, "bad bytes: output is not UTF-8")
        check(b"\\u0001" in p.stdout and b"\\ufffd" in p.stdout, "bad bytes: escapes missing")

        # More domains than the top-k table has slots: the dominant domain keeps
        # its exact count, evicted slots show upper bounds with '~'.
        manylog = os.path.join(tmp, "many.log")
        with open(manylog, "wb") as f:
            for i in range(150):
                dom = "big.example" if i % 3 == 0 else "d%d.example" % i
                f.write(("Nov 27 09:00:00 mail postfix/smtp[1]: Q%d: to=<u%d@%s>, dsn=4.4.1, "
                         "status=deferred (connect to mx.%s[192.0.2.1]:25: Connection refused)\n"
                         % (i, i, dom, dom)).encode())
        s = run(exe, [manylog]).stdout.decode("utf-8")
        m = re.search(r"^Top recipient domains by reason\n  \S+ +(.*)$", s, re.M)
        top = m.group(1) if m else ""
        check(top.startswith("big.example 50,") and "~" in top,
              "top-k: first row %r" % top)

    # Exit status 2 on I/O and usage errors; the other files are still read.
    p = run(exe, [os.path.join(datadir, "no-such-file.log"), os.path.join(datadir, "postfix.log")])
    check(p.returncode == 2 and b"no-such-file.log" in p.stderr, "missing file: exit %d" % p.returncode)
    check(totals(p.stdout.decode("utf-8")) is not None and totals(p.stdout.decode("utf-8"))[0] > 0,
          "missing file: the other file was not read")
    p = run(exe, ["--no-such-option"])
    check(p.returncode == 2, "unknown option: exit %d" % p.returncode)

    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
