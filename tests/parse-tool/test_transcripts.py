#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-parse on transcripts with both sides: swaks, C:/S: and raw captures.

Each table row is a transcript (tests/parse-tool/data/) and, for every reply in
it, the code, the command the reply answers and the reason it is classified
with; pipelined groups must be answered in order. Also: malformed transcripts
give named errors and lose nothing, AUTH data never reaches the output, the
text view (--format text) against golden files and free of terminal controls,
JSON by default on a pipe and the text view on a terminal.

    test_transcripts.py SMTP-PARSE SRCDIR      ends with "N passed, N failed"
"""
import json
import os
import pty
import subprocess
import sys

EXE, SRC = sys.argv[1], sys.argv[2]
DATA = os.path.join(SRC, "tests", "parse-tool", "data")
GOLDEN = os.path.join(SRC, "tests", "parse-tool", "golden")
ENV = dict(os.environ, LC_ALL="C", LANG="C")
ENV.pop("NO_COLOR", None)
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("PASS ", name)
    else:
        failed += 1
        print("FAIL ", name, detail)


def run(args, data=None):
    p = subprocess.run([EXE, *args], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30, env=ENV)
    return p.returncode, p.stdout, p.stderr


def objects(out):
    try:
        return [json.loads(l) for l in out.decode("utf-8").splitlines() if l]
    except (UnicodeDecodeError, ValueError) as e:
        return "not UTF-8 JSON: %s" % e


# (file, expected per reply: (code, command, reason)); None: no "command" member.
TABLE = [
    ("swaks-pipelining.txt", [
        (220, "CONNECT", "none"), (250, "EHLO", "none"), (220, "STARTTLS", "none"),
        (250, "EHLO", "none"),
        (250, "MAIL", "none"), (250, "RCPT", "none"), (550, "RCPT", "recipient-unknown"),
        (354, "DATA", "none"),
        (250, "DATA_END", "none"), (221, "QUIT", "none")]),
    ("swaks-plain.txt", [
        (220, "CONNECT", "none"), (250, "EHLO", "none"), (250, "MAIL", "none"),
        (550, "RCPT", "recipient-unknown"), (250, "RCPT", "none"), (354, "DATA", "none"),
        # The same text means different things after different commands.
        (554, "DATA_END", "policy-rejected"), (250, "RSET", "none"),
        (550, "MAIL", "sender-rejected"), (221, "QUIT", "none")]),
    ("cs-pipelining.txt", [
        (220, "CONNECT", "none"), (250, "EHLO", "none"),
        (334, "AUTH", "none"), (334, "AUTH", "none"), (235, "AUTH", "none"),
        (250, "MAIL", "none"), (250, "RCPT", "none"), (550, "RCPT", "recipient-unknown"),
        (354, "DATA", "none"),
        (250, "DATA_END", "none"), (250, "RSET", "none"), (221, "QUIT", "none")]),
    ("raw-capture.txt", [
        (220, "CONNECT", "none"), (250, "EHLO", "none"),
        (334, "AUTH", "none"), (235, "AUTH", "none"),
        (250, "MAIL", "none"), (250, "RCPT", "none"), (452, "RCPT", "mailbox-full"),
        (354, "DATA", "none"), (250, "DATA_END", "none"),
        (250, "MAIL", "none"), (250, "RCPT", "none"), (250, "BDAT", "none"),
        (552, "BDAT", "message-too-large"), (221, "QUIT", "none")]),
    # LMTP (RFC 2033 4.2): after the final dot, one reply per accepted recipient.
    ("cs-lmtp.txt", [
        (220, "CONNECT", "none"), (250, "HELO", "none"), (250, "MAIL", "none"),
        (250, "RCPT", "none"), (550, "RCPT", "recipient-unknown"), (250, "RCPT", "none"),
        (354, "DATA", "none"),
        (250, "DATA_END", "none"), (452, "DATA_END", "mailbox-full"), (221, "QUIT", "none")]),
]

for name, want in TABLE:
    path = os.path.join(DATA, name)
    rc, out, err = run([path])
    objs = objects(out)
    if not isinstance(objs, list):
        check("%s: valid JSON" % name, False, objs)
        continue
    got = [(o.get("code"), o.get("command"), o.get("reason")) for o in objs]
    check("%s: each reply classified against the command it answers" % name,
          rc == 0 and got == want and not err,
          "rc %d\n  got  %s\n  want %s\n  err %r" % (rc, got, want, err))
    same = run(["--json", path])[1] == out and run(["--format", "json", path])[1] == out
    check("%s: --json and --format json give the same output" % name, same)
    piped = run([], open(path, "rb").read())[1]
    check("%s: standard input gives the same output" % name, piped == out)
    # Offsets are where each reply starts in the input file.
    raw = open(path, "rb").read()
    starts = [o.get("offset", len(raw)) for o in objs]
    lines = [raw[s:raw.find(b"\n", s)] for s in starts]
    ok = bool(objs) and all(l[:12].lstrip(b" S:<~*-").startswith(str(o.get("code")).encode())
                            for l, o in zip(lines, objs))
    check("%s: offsets point at each reply's first line in the file" % name, ok, lines)

# LMTP: each reply after the data names the accepted recipient it is for.
objs = objects(run([os.path.join(DATA, "cs-lmtp.txt")])[1])
ends = [(o.get("code"), o.get("command_line"), o.get("recipient_line")) for o in objs
        if o.get("command") == "DATA_END"]
check("LMTP: the replies to the data name their recipients, in RCPT order",
      ends == [(250, ".", "RCPT TO:<a@example.net>"), (452, ".", "RCPT TO:<c@example.net>")], ends)
check("not LMTP: no recipient_line", all("recipient_line" not in o for o in
      objects(run([os.path.join(DATA, "cs-pipelining.txt")])[1])))

# Every chunk size gives the same output on a transcript too.
for name in ("swaks-pipelining.txt", "raw-capture.txt"):
    path = os.path.join(DATA, name)
    whole = run([path])[1]
    check("%s: chunk sizes 1, 2, 3, 7 identical" % name,
          all(run(["--chunk-size", str(k), path])[1] == whole for k in (1, 2, 3, 7)))

# A C:/S: transcript saved with CRLF line ends reads as the same session.
path = os.path.join(DATA, "cs-pipelining.txt")
lf = objects(run([path])[1])
crlf = objects(run([], open(path, "rb").read().replace(b"\n", b"\r\n"))[1])
strip = lambda objs: [{k: v for k, v in o.items() if k != "offset"} for o in objs]
check("cs transcript with CRLF line ends: the same replies", strip(lf) == strip(crlf) and lf,
      (lf[:2], crlf[:2]))

# Lines longer than the reading buffer (64 KiB): nothing crashes, the reply
# is cut and flagged, the session goes on.
long_text = b"x" * 100000
for form, data in (
        ("cs", b"S: 220 mx\nC: EHLO c\nS: 250 " + long_text + b"\nC: QUIT\nS: 221 bye\n"),
        ("raw", b"220 mx\r\nEHLO c\r\n250 " + long_text + b"\r\nQUIT\r\n221 bye\r\n"),
        ("cs", b"S: 220 mx\nC: EHLO " + long_text + b"\nS: 250 ok\nC: QUIT\nS: 221 bye\n")):
    rc, out, err = run(["--input", form], data)
    objs = objects(out)
    replies = [(o.get("code"), o.get("command")) for o in objs if "code" in o] \
        if isinstance(objs, list) else objs
    check("%s transcript with a 100 kB line: the session goes on" % form,
          replies == [(220, "CONNECT"), (250, "EHLO"), (221, "QUIT")], (rc, replies, err))

# Whatever the bytes, in every form: valid UTF-8 JSON, no crash, exit 0 or 1.
import random
rng = random.Random(18)
alphabet = [b"S: ", b"C: ", b"<-  ", b" -> ", b"250", b"354", b"334 ", b"-", b" ", b"\r\n",
            b"\n", b"DATA", b"BDAT 5", b"AUTH PLAIN", b"LHLO x", b"RCPT TO:<a@b>", b".", b"\xff",
            b"\x00", b"\x1b", b"\xe2\x80\xae", b"550 5.1.1 no"]
bad = []
for i in range(20):
    data = b"".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 80)))
    for form in ("auto", "server", "swaks", "cs", "raw"):
        rc, out, err = run(["--input", form], data)
        if rc not in (0, 1) or not isinstance(objects(out), list):
            bad.append((form, data, rc, err[:200]))
check("random inputs in every form: valid JSON, exit 0 or 1", not bad, bad[:3])

# The refused recipients: the exact line they answer, and the same verdict as
# the reply alone with --command RCPT.
for name, code, line, alone in (
        ("cs-pipelining.txt", 550, "RCPT TO:<ghost@example.com>",
         b"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient ghost@example.com not found by "
         b"SMTP address lookup\r\n"),
        ("swaks-pipelining.txt", 550, "RCPT TO:<nobody@example.net>",
         b"550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in local "
         b"recipient table\r\n"),
        ("raw-capture.txt", 452, "RCPT TO:<full@example.com>",
         b"452 4.2.2 <full@example.com>: Recipient address rejected: Mailbox full\r\n")):
    objs = objects(run([os.path.join(DATA, name)])[1])
    o = ([x for x in objs if x.get("code") == code] or [{}])[0]
    check("%s: the %d answers %s" % (name, code, line), o.get("command_line") == line, o)
    ref = (objects(run(["--command", "RCPT"], alone)[1]) or [{}])[0]
    keys = ("severity", "category", "reason", "bounce", "retry", "confidence", "evidence", "rule",
            "command", "flags", "lines", "enhanced")
    check("%s: the %d has the verdict of the reply alone at RCPT" % (name, code),
          all(o.get(k) == ref.get(k) for k in keys),
          [(k, o.get(k), ref.get(k)) for k in keys if o.get(k) != ref.get(k)])

# AUTH data is a secret: neither the JSON nor the text view repeats it.
for name, secrets in (("cs-pipelining.txt", [b"c2VuZGVyQGV4YW1wbGUub3Jn", b"c2VjcmV0LXBhc3N3b3Jk"]),
                      ("raw-capture.txt", [b"123c2VuZGVyAHNlbmRlcgBzZWNyZXQ="])):
    for fmt in ("json", "text"):
        out = run(["--format", fmt, os.path.join(DATA, name)])[1]
        check("%s --format %s: AUTH data not shown" % (name, fmt),
              out and not any(s in out for s in secrets))

# An initial response stays hidden whatever the blanks between the words, in
# any case of the verb, in every form.
SECRET = b"AGFsaWNlAHNlY3JldA=="
for form, text in (
        ("cs", b"S: 220 mx\nC: auth\tplain\t" + SECRET + b"\nS: 535 5.7.8 no\n"),
        ("cs", b"S: 220 mx\nC: AUTH  PLAIN  " + SECRET + b"\nS: 535 5.7.8 no\n"),
        ("raw", b"220 mx\r\nAuth\tPLAIN " + SECRET + b"\r\n535 5.7.8 no\r\n"),
        ("swaks", b"<-  220 mx\n -> AUTH\tPLAIN\t" + SECRET + b"\n<** 535 5.7.8 no\n")):
    for fmt in ("json", "text"):
        out = run(["--input", form, "--format", fmt], text)[1]
        check("AUTH with its response after tabs or two spaces (%s, %s): response hidden"
              % (form, fmt), out and SECRET not in out and b"535" in out, out)

# A line without a mark where AUTH data was due is an error, and not repeated.
rc, out, _ = run([], b"S: 220 mx\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nc2VjcmV0\nS: 535 no\n")
objs = objects(out)
check("no-prefix line where AUTH data was due: error without its text",
      rc == 1 and b"c2VjcmV0" not in out and isinstance(objs, list) and
      [o.get("error") for o in objs if "error" in o][:1] == ["no-prefix"], out)

# Detection can be overridden; a wrong choice is not silent.
rc, out, _ = run(["--input", "server", os.path.join(DATA, "raw-capture.txt")])
objs = objects(out)
check("--input server on a raw capture: client lines are bad-code errors, exit 1",
      rc == 1 and isinstance(objs, list) and any(o.get("error") == "bad-code" for o in objs)
      and all("command" not in o for o in objs), objs)
rc, out, _ = run(["--input", "cs", os.path.join(DATA, "cs-pipelining.txt")])
check("--input cs: as detected", out == run([os.path.join(DATA, "cs-pipelining.txt")])[1])
rc, out, err = run(["--input", "swaks"], b"S: 220 hi\r\n")
objs = objects(out)
check("--input swaks on a C:/S: transcript: no-prefix error naming the line",
      rc == 1 and isinstance(objs, list) and objs and objs[0].get("error") == "no-prefix"
      and objs[0].get("text") == "S: 220 hi", objs)

# A plain server stream is unchanged: no "command" without --command, and
# --command still applies to every reply.
session = os.path.join(SRC, "examples", "session.txt")
rc, out, _ = run([session])
check("server stream: detected as such, no command member",
      all("command" not in o for o in objects(out)) and out == run(["--input", "server", session])[1])
objs = objects(run(["--command", "RCPT", session])[1])
check("server stream: --command applies to every reply",
      objs and all(o.get("command") == "RCPT" for o in objs), objs)

# Malformed transcripts: a named error for each problem, everything else kept.
BAD = [
    ("line without a prefix",
     b"S: 220 mx ready\nC: EHLO c.example\nX: what is this\nS: 250 mx\nC: QUIT\nS: 221 bye\n",
     [(220, "CONNECT"), ("error", "no-prefix", 3), (250, "EHLO"), (221, "QUIT")]),
    ("command never answered",
     b"S: 220 mx ready\nC: EHLO c.example\nS: 250 mx\nC: MAIL FROM:<a@b.example>\n"
     b"C: RCPT TO:<c@d.example>\nS: 250 ok\n",
     [(220, "CONNECT"), (250, "EHLO"), (250, "MAIL"), ("error", "no-reply", 5)]),
    ("input ends inside the message",
     b"<-  220 mx\n -> DATA\n<-  354 go\n -> Subject: x\n -> body\n",
     [(220, "CONNECT"), (354, "DATA"), ("error", "unterminated-data", 4)]),
    ("reply cut at the end",
     b"220 mx ready\r\nEHLO c.example\r\n250-mx\r\n250-SIZE 1000\r\n",
     [(220, "CONNECT"), ("error", "incomplete", 3), ("error", "no-reply", 2)]),
    ("garbage server line in a raw capture",
     b"220 mx ready\r\nEHLO c.example\r\n%%% proxy noise\r\n250 mx\r\n",
     [(220, "CONNECT"), ("error", "bad-code", 3), (250, "EHLO")]),
]
for name, data, want in BAD:
    rc, out, err = run([], data)
    objs = objects(out)
    got = []
    for o in objs if isinstance(objs, list) else []:
        if "error" in o:
            got.append(("error", o["error"], o.get("line")))
        else:
            got.append((o.get("code"), o.get("command")))
    check("malformed, %s: named errors in order, exit 1" % name,
          rc == 1 and got == want and all(o.get("message") for o in objs if "error" in o),
          "rc %d got %s want %s" % (rc, got, want))
objs = objects(run([], BAD[0][1])[1])
errs = [o for o in objs if "error" in o]
check("no-prefix error keeps the line's text", errs and errs[0].get("text") == "X: what is this",
      objs)
objs = objects(run([], BAD[1][1])[1])
check("no-reply error names the command", objs and objs[-1].get("command") == "RCPT" and
      objs[-1].get("command_line") == "RCPT TO:<c@d.example>", objs)

# The text view: golden files, forced with --format text (standard output is a pipe).
for name in ("cs-pipelining", "swaks-pipelining", "raw-capture", "cs-lmtp"):
    rc, out, err = run(["--format", "text", "--lang", "en", os.path.join(DATA, name + ".txt")])
    gpath = os.path.join(GOLDEN, name + ".text")
    want = open(gpath, "rb").read() if os.path.exists(gpath) else b"(no golden file)"
    check("text view of %s equals golden/%s.text" % (name, name), out == want,
          "\n" + out.decode("utf-8", "replace"))
rc, out, _ = run(["--format", "text", "--lang", "en", "--command", "RCPT", session])
gpath = os.path.join(GOLDEN, "session.text")
want = open(gpath, "rb").read() if os.path.exists(gpath) else b"(no golden file)"
check("text view of a server stream with --command equals golden/session.text", out == want,
      "\n" + out.decode("utf-8", "replace"))

# Terminal controls never reach a terminal: C0, C1 (8-bit CSI), bidi overrides.
HOSTILE = ("S: 220 mx \x1b]0;owned\x07 ready\n"
           "C: EHLO \x1b[31mred\n"
           "S: 550 5.7.1 \u009b2J \u202egnp.exe \u2066x\u2069 \x1b[2J\xff\n"
           "=== info \x1b[5m\n").encode("utf-8", "surrogateescape")
HOSTILE = HOSTILE.replace("\xff".encode("utf-8"), b"\xff")
rc, out, _ = run(["--format", "text", "--input", "cs"], HOSTILE.replace(b"=== info \x1b[5m\n", b""))
bad = [c for c in ("\x1b", "\x07", "\u009b", "\u202e", "\u2066", "\u2069")
       if c.encode("utf-8") in out]
check("text view: no raw terminal or bidi controls", out and not bad and b"\xff" not in out,
      (bad, out))
check("text view: controls shown escaped", b"\\x1B" in out and b"\\u009B" in out and
      b"\\u202E" in out and b"\\xFF" in out, out)
rc, out, _ = run(["--format", "text", "--input", "swaks"],
                 b"=== info \x1b[5m blink\n<-  220 mx\n")
check("text view: swaks info lines escaped too", b"\x1b" not in out and b"\\x1B[5m" in out, out)

# On a terminal the text view is the default; on a pipe, JSON.
def run_tty(args, data_path):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(EXE, [EXE, *args, data_path], ENV)
    chunks = []
    while True:
        try:
            b = os.read(fd, 4096)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    os.waitpid(pid, 0)
    return b"".join(chunks)


out = run_tty(["--lang", "en"], os.path.join(DATA, "cs-pipelining.txt"))
check("terminal: text view by default", b"S:" in out and b"550" in out and b"5.1.10" in out and
      b'{"offset"' not in out, out[:300])
out = run_tty(["--json"], os.path.join(DATA, "cs-pipelining.txt"))
check("terminal with --json: JSON", out.startswith(b'{"offset":0,'), out[:300])
out = run_tty([], os.path.join(DATA, "cs-pipelining.txt"))
check("terminal with NO_COLOR unset: colour", b"\x1b[" in out, out[:200])

for args in (["--format", "xml"], ["--input", "pcap"], ["--format"], ["--lang", "klingon"]):
    rc, out, err = run(args, b"250 ok\r\n")
    check("usage error %s: exit 2 with a message" % args, rc == 2 and err and not out, (rc, err))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
