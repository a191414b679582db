#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-parse from the outside: the JSON of docs/design.md section 7 for the common
cases, valid UTF-8 JSON whatever the bytes (cuts through characters at both limits,
one bad line among good ones, terminal controls), identical output at every
chunk size, exit statuses and usage errors.

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
check("gmail 550: every documented field", all(k in o for k in REPLY_KEYS + ["flags"]), o)
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

# Output is valid UTF-8 and valid JSON whatever the bytes (RFC 8259), each line
# checked on its own; "lines_raw" gives back the exact bytes of a replaced line.
def run_bytes(data, *args):
    p = subprocess.run([EXE, *args], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    try:
        text = p.stdout.decode("utf-8")
        return p.returncode, [json.loads(l) for l in text.splitlines() if l]
    except (UnicodeDecodeError, ValueError) as e:
        return p.returncode, "not UTF-8 JSON: %s" % e


def stored_bytes(obj):
    """The bytes of each stored line, from lines and lines_raw."""
    raw = obj.get("lines_raw") or [None] * len(obj["lines"])
    return [r.encode("latin-1") if r is not None else l.encode("utf-8")
            for l, r in zip(obj["lines"], raw)]


rc, objs = run_bytes(b"550-caf\xc3\xa9 \xe2\x82\xac\r\n550-bad \xff\xc3 end\r\n550 \xf0\x9f\x98\x80\r\n")
check("one bad line: output is UTF-8 JSON", isinstance(objs, list), objs)
o = objs[0] if isinstance(objs, list) and objs else {}
check("one bad line: the valid lines are printed unchanged",
      o.get("lines", [None] * 3)[0] == "caf\u00e9 \u20ac" and o["lines"][2] == "\U0001f600", o)
check("one bad line: its bad bytes become U+FFFD, one per maximal subpart",
      o.get("lines", ["", ""])[1] == "bad \ufffd\ufffd end", o)
check("one bad line: lines_raw has its bytes, null for the others",
      o.get("lines_raw") == [None, "bad \u00ff\u00c3 end", None], o)
rc, objs = run_bytes(b"250 plain ascii\r\n")
check("no bad line: no lines_raw", isinstance(objs, list) and "lines_raw" not in objs[0], objs)

rc, objs = run_bytes("550 \u009b31m \u202egnp.exe \u2066x\u2069 \x1b[2J\r\n".encode("utf-8"))
check("terminal and bidi controls: escaped in the JSON text, value exact",
      isinstance(objs, list) and
      objs[0]["lines"] == ["\u009b31m \u202egnp.exe \u2066x\u2069 \x1b[2J"], objs)

# Cut points through 2-, 3- and 4-byte characters at both limits: the line
# limit (16384 octets with code and CRLF) and the text buffer (65536 bytes).
LINE_LIMIT, TEXT_CAP = 16384, 65536
for ch in ("\u00e9", "\u20ac", "\U0001f600"):
    enc = ch.encode("utf-8")
    ok_line = ok_text = True
    why = ""
    for shift in range(8):
        body = b"x" * (LINE_LIMIT - 12 + shift) + enc * 8
        rc, objs = run_bytes(b"250 " + body + b"\r\n")
        replies = [x for x in objs if "code" in x] if isinstance(objs, list) else []
        if not replies or not body.startswith(stored_bytes(replies[0])[0]) or \
                len(stored_bytes(replies[0])[0]) < LINE_LIMIT - 12:
            ok_line, why = False, "line cut, shift %d: %r" % (shift, objs if not replies else replies[0]["lines"][0][-20:])
        lines = [b"y" * (16000 - shift) + enc * 40 for _ in range(5)]
        data = b"".join(b"250-" + l + b"\r\n" for l in lines[:-1]) + b"250 " + lines[-1] + b"\r\n"
        rc, objs = run_bytes(data)
        replies = [x for x in objs if "code" in x] if isinstance(objs, list) else []
        got = b"\n".join(stored_bytes(replies[0])) if replies else b""
        if not replies or "truncated" not in replies[0]["flags"] or \
                not b"\n".join(lines).startswith(got) or len(got) < TEXT_CAP - 8:
            ok_text, why = False, "text cut, shift %d: %r" % (shift, objs if not replies else len(got))
    check("line limit cut through U+%04X at every offset: UTF-8 JSON, lossless" % ord(ch), ok_line, why)
    check("text buffer cut through U+%04X at every offset: UTF-8 JSON, lossless" % ord(ch), ok_text, why)

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
