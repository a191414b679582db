#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-parse from the outside: the DESIGN.md section 5 JSON for the cases issue 2
names, identical output at every chunk size, exit statuses and usage errors.

    test_smtp_parse.py SMTP-PARSE SRCDIR        ends with "N passed, N failed"
"""
import json
import os
import subprocess
import sys

EXE, SRC = sys.argv[1], sys.argv[2]
passed = failed = 0

GMAIL_550 = (b"550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
             b"550-5.1.1 double-checking the recipient's email address for typos or\r\n"
             b"550-5.1.1 unnecessary spaces. For more information, go to\r\n"
             b"550 5.1.1  https://support.google.com/mail/?p=NoSuchUser x - gsmtp\r\n")
PIPELINED = b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
GREYLIST = (b"450 4.2.0 <a@b.example>: Recipient address rejected: Greylisted, see "
            b"http://postgrey.schweikert.ch/help/b.example.html\r\n")
REPLY_KEYS = ["offset", "code", "enhanced", "lines", "severity", "category", "reason",
              "bounce", "retry", "confidence", "evidence"]


def run(data, *args):
    p = subprocess.run([EXE, *args], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    return p.returncode, [json.loads(l) for l in p.stdout.decode().splitlines() if l], p.stderr


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("PASS ", name)
    else:
        failed += 1
        print("FAIL ", name, detail)


rc, objs, _ = run(GMAIL_550, "--command", "RCPT")
check("gmail 550: one object, exit 0", rc == 0 and len(objs) == 1, (rc, objs))
o = objs[0] if objs else {}
check("gmail 550: every DESIGN field", all(k in o for k in REPLY_KEYS + ["flags"]), o)
check("gmail 550: code, enhanced, four lines",
      o.get("code") == 550 and o.get("enhanced") == "5.1.1" and len(o.get("lines", [])) == 4, o)
check("gmail 550: enhanced code removed from the text",
      o.get("lines", [""])[0].startswith("The email account") and
      o.get("lines", ["", "", "", ""])[3].startswith(" https://"), o.get("lines"))
check("gmail 550 at RCPT: recipient-unknown, hard, never",
      (o.get("reason"), o.get("bounce"), o.get("retry")) == ("recipient-unknown", "hard", "never"), o)
check("gmail 550: confidence high", o.get("confidence") == "high", o)
check("gmail 550: severity and category",
      (o.get("severity"), o.get("category")) == ("permanent-negative", "mail-system"), o)

rc, objs, _ = run(PIPELINED)
check("pipelined: three objects in order",
      rc == 0 and [x["code"] for x in objs] == [250, 250, 354], objs)
check("pipelined: offsets", [x["offset"] for x in objs] == [0, 14, 28], objs)
check("pipelined: enhanced null when absent", objs[2]["enhanced"] is None if len(objs) == 3 else False)

rc, objs, _ = run(b"250\r\n")
check("code-only 250", rc == 0 and len(objs) == 1 and objs[0]["code"] == 250 and
      objs[0]["lines"] == [""] and "code-only" in objs[0]["flags"], objs)

rc, objs, _ = run(b"this is not SMTP\r\n250 2.0.0 Ok\r\n")
check("garbage: error then the next reply, exit 1",
      rc == 1 and len(objs) == 2 and objs[0].get("error") == "bad-code" and objs[0].get("line") == 1
      and objs[0].get("offset") == 0 and objs[1].get("code") == 250 and objs[1].get("offset") == 18, objs)
check("garbage: the error has a message", bool(objs and objs[0].get("message")), objs)

rc, objs, _ = run(GREYLIST, "--command", "RCPT")
check("postfix greylisting: greylisted, retry",
      objs and (objs[0]["reason"], objs[0]["retry"]) == ("greylisted", "retry"), objs)

rc, objs, _ = run(b"250-a\r\n251 b\r\n")
check("code mismatch: error, then the mismatching line as a reply",
      rc == 1 and [x.get("error") or x.get("code") for x in objs] == ["code-mismatch", 251], objs)

rc, objs, _ = run(b"250 ok\n")
check("bare LF tolerated and flagged", rc == 0 and "bare-lf" in objs[0]["flags"], objs)
rc, objs, _ = run(b"250 ok\n", "--strict")
check("--strict: bare LF is an error", rc == 1 and objs[0].get("error") == "bare-lf", objs)

rc, objs, _ = run(b"500 bad \x00 \xc3\xa9 \xff\r\n")
check("NUL and 8-bit text stay valid JSON", rc == 0 and "nul" in objs[0]["flags"] and
      objs[0]["encoding"] == "other", objs)

rc, objs, _ = run(b"250 ok")
check("stream ends inside a reply: incomplete, exit 1",
      rc == 1 and objs and objs[-1].get("error") == "incomplete", objs)

# Every chunk size gives byte-identical output, on the bundled transcripts.
for name in ("session.txt", "quirks.txt"):
    path = os.path.join(SRC, "examples", name)
    data = open(path, "rb").read()
    whole = subprocess.run([EXE, path], stdout=subprocess.PIPE).stdout
    same = all(subprocess.run([EXE, "--chunk-size", str(k), path],
                              stdout=subprocess.PIPE).stdout == whole for k in range(1, 17))
    check("%s: chunk sizes 1..16 identical" % name, same and len(whole) > 0)
    piped = subprocess.run([EXE], input=data, stdout=subprocess.PIPE).stdout
    check("%s: standard input identical" % name, piped == whole)

for args, want in ((["--chunk-size", "0"], 2), (["--chunk-size", "x"], 2), (["--bogus"], 2),
                   (["--command", ""], 2), (["/nonexistent/file"], 2)):
    rc, _, err = run(b"", *args)
    check("usage error %s: exit %d with a message" % (args, want), rc == want and err, (rc, err))

# A verb the library does not know is classified as an unknown command.
rc, objs, err = run(b"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown\r\n",
                    "--command", "XCLIENT")
o = objs[0] if objs else {}
check("--command XCLIENT: classified without a command",
      rc == 0 and len(objs) == 1 and "command" not in o and o.get("reason") == "recipient-unknown"
      and not err, (rc, objs, err))
rc, objs, _ = run(b"550\r\n", "--command", "RCPT")
o = objs[0] if objs else {}
check("bare 550 at RCPT: low confidence, not hard",
      (o.get("reason"), o.get("bounce"), o.get("confidence")) == ("recipient-unknown", "soft", "low")
      and "low-confidence" in o.get("flags", []), o)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
