#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-probe and smtp-bounces speak the language asked for.

Usage: test_tool_labels.py SMTP_PROBE SMTP_BOUNCES SOURCE_ROOT

With --lang vi, or LANG=vi_VN.UTF-8, every label these tools print comes from
po/vi.po and none of the English ones is left; the catalog strings (the reason
text, what to do) are the Vietnamese ones too; an unknown --lang is a usage
error naming the languages there are; without a language the output is English.
smtp-probe talks to a small scripted server on loopback. Prints "N passed, N
failed" and exits 1 on any failure.
"""

import os
import re
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import toolcheck  # noqa: E402
from toolcheck import check, finish  # noqa: E402

smtp_probe, smtp_bounces = toolcheck.Tool(sys.argv[1]), toolcheck.Tool(sys.argv[2])
ROOT = sys.argv[3]
EN = toolcheck.english(os.path.join(ROOT, "po", "smtpreply.pot"))
VI = toolcheck.translated(os.path.join(ROOT, "po", "vi.po"))


# ---- smtp-bounces ----
LOG = os.path.join(ROOT, "tests", "data", "postfix.log")
BOUNCES_SHOWN = ["bounces.heading-reasons", "bounces.col-reason", "bounces.col-count",
                 "bounces.col-share", "bounces.col-example", "bounces.heading-domains",
                 "bounces.heading-totals", "bounces.row-events", "bounces.row-bounce",
                 "bounces.row-input"]
rc, vi_out, err = smtp_bounces.run(["--lang", "vi", LOG])
check(rc == 0, "smtp-bounces --lang vi: exit %d (%s)" % (rc, err.strip()))
for ctx in BOUNCES_SHOWN:
    check(VI[ctx] in vi_out, "smtp-bounces --lang vi: no %s (%r)" % (ctx, VI[ctx]))
for ctx in ("bounces.heading-reasons", "bounces.heading-domains", "bounces.heading-totals"):
    check(EN[ctx] not in vi_out, "smtp-bounces --lang vi: English %r is left" % EN[ctx])
check(("1 " + VI["bounces.input-detail-one"].split("{1} ", 1)[1].split(",")[0]) in vi_out,
      "smtp-bounces --lang vi: the input line is not Vietnamese")
rc, env_out, _ = smtp_bounces.run([LOG], env={"LANG": "vi_VN.UTF-8"})
check(rc == 0 and env_out == vi_out, "smtp-bounces with LANG=vi_VN.UTF-8 is not --lang vi")
rc, en_out, _ = smtp_bounces.run([LOG])
check(rc == 0 and EN["bounces.heading-reasons"] in en_out and VI["bounces.heading-totals"]
      not in en_out, "smtp-bounces without a language is not English")
rc, json_vi, _ = smtp_bounces.run(["--json", "--lang", "vi", LOG])
rc2, json_en, _ = smtp_bounces.run(["--json", LOG])
check(rc == 0 and rc2 == 0 and json_vi == json_en, "smtp-bounces --json differs by language")
rc, _, err = smtp_bounces.run(["--lang", "tlh", LOG])
check(rc == 2 and "en vi" in err, "smtp-bounces --lang tlh: exit %d, %r" % (rc, err))


# ---- smtp-probe, against a scripted server ----
REPLIES = [
    ("EHLO", b"250-mx.example.test greets you\r\n250-PIPELINING\r\n250-SIZE 20480\r\n"
             b"250-AUTH PLAIN LOGIN\r\n250-LIMITS RCPTMAX=5 MAILMAX=2\r\n250 X-EXAMPLE\r\n"),
    ("MAIL", b"250 2.1.0 Ok\r\n"),
    ("RCPT", b"550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown\r\n"),
    ("RSET", b"250 2.0.0 Ok\r\n"),
    ("QUIT", b"221 2.0.0 Bye\r\n"),
]


def serve(sock):
    conn, _ = sock.accept()
    conn.settimeout(10)
    pending = b""
    try:
        conn.sendall(b"220 mx.example.test ESMTP\r\n")
        while True:
            while b"\r\n" not in pending:
                data = conn.recv(65536)
                if not data:
                    return
                pending += data
            line, pending = pending.split(b"\r\n", 1)
            reply = b"502 5.5.1 Not here\r\n"
            for verb, answer in REPLIES:
                if line.upper().startswith(verb.encode()):
                    reply = answer
            conn.sendall(reply)
            if line.upper().startswith(b"QUIT"):
                return
    except OSError:
        return
    finally:
        conn.close()


def probe(*args, env=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    sock.settimeout(20)
    t = threading.Thread(target=serve, args=(sock,), daemon=True)
    t.start()
    try:
        return smtp_probe.run(["--timeout", "5", "--no-starttls", "--from", "a@example.org",
                               "--to", "nobody@example.test", *args, "127.0.0.1",
                               str(sock.getsockname()[1])], env=env)
    finally:
        t.join(10)
        sock.close()


PROBE_LABELS = ["probe.verdict", "probe.reason", "probe.why", "probe.meaning", "probe.fix",
                "probe.server", "probe.extensions", "probe.auth", "probe.limits", "probe.other",
                "probe.end-refused"]
rc, vi_out, err = probe("--lang", "vi")
check(rc == 1, "smtp-probe --lang vi: exit %d, want 1 (a refused RCPT): %s" % (rc, err.strip()))
for ctx in PROBE_LABELS:
    check(VI[ctx] in vi_out, "smtp-probe --lang vi: no %s (%r)" % (ctx, VI[ctx]))
for ctx in ("probe.verdict", "probe.extensions", "probe.limits", "probe.end-refused"):
    check(EN[ctx] not in vi_out, "smtp-probe --lang vi: English %r is left" % EN[ctx])
# The catalog's strings in Vietnamese too: the reason's text, wrapped over lines.
words = " ".join(vi_out.split())
check(" ".join(VI["reason.recipient-unknown"].split()[:6]) in words,
      "smtp-probe --lang vi: the reason text is not Vietnamese")
check(("(" + VI["probe.reason-detail"].split("{1}")[0].strip("(")) in vi_out,
      "smtp-probe --lang vi: the reason detail is not Vietnamese")
rc, env_out, _ = probe(env={"LC_MESSAGES": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"})
# The first line names the server's port, another one each time; each reply's
# time in milliseconds may differ from run to run too.
untimed = lambda out: re.sub(r"\(\d+ ms\)", "(ms)", out.split("\n", 1)[1])
check(rc == 1 and untimed(env_out) == untimed(vi_out),
      "smtp-probe with LC_MESSAGES=vi_VN.UTF-8 is not --lang vi")
rc, en_out, _ = probe()
check(rc == 1 and EN["probe.verdict"] in en_out and EN["probe.end-refused"] in en_out,
      "smtp-probe without a language is not English")
rc, _, err = smtp_probe.run(["--lang", "tlh", "127.0.0.1", "9"])
check(rc == 2 and "en vi" in err, "smtp-probe --lang tlh: exit %d, %r" % (rc, err))

sys.exit(finish())
