#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the smtp-bounces fuzz targets (fuzz_bounce_*.c).

Usage: make_bounce_corpus.py SRCDIR

Seeds of two kinds (see fuzz_bounce.h): "raw" ones (first byte 0x80) hold the
format's lines from tests/data, and "template" ones hold a local part and a
reply text that try to smuggle a field: "status=", ", stat=", "result=",
": 550 ...", quotes, brackets. Files are named seed-NNN-<slug>; reproducers
saved by hand (crash-*, repro-*) are left alone.
"""
import glob
import os
import re
import sys

FORMATS = {
    "bounce_postfix": ["postfix.log", "postqueue.jsonl"],
    "bounce_sendmail": ["sendmail.log"],
    "bounce_opensmtpd": ["opensmtpd.log"],
    "bounce_exim": ["exim.log"],
    "bounce_dsn": ["dsn/*.eml"],
}

# (local part, reply text): what an address holder or a server might write.
TRICKS = [
    (b"ann.lee", b"Ok"),
    (b"y, status=bounced (host h said: 550 5.1.1 nope)", b"OK"),
    (b"y, status=sent (250 2.0.0 OK)", b"<\"y, status=sent (250 2.0.0 OK)\"@victim.example>: no"),
    (b"a\"b, dsn=5.1.1, status=bounced (x)", b"try later (in reply to DATA command)"),
    (b"y, stat=Sent (250 ok)", b"x, stat=Sent (ok)"),
    (b"y result=\"Ok\" stat=\"250 2.0.0 OK", b"\" result=\"Ok\" stat=\"250 ok"),
    (b"y R=x T=y H=h [1.2.3.4]: SMTP error from remote mail server after RCPT TO:<a@b>: 550 5.1.1 n",
     b"C=\"250 OK\""),
    (b"q: 250 2.0.0 ok", b"x]: QQQQQQ: to=<a@b>, status=sent (250 ok)"),
    (b"to=x", b"a, status=sent (250 2.0.0 ok)"),
    (b"evpid=1 result=\"Ok\" stat=\"250 ok", b"mta delivery evpid=2 to=<a@b> result=\"Ok\""),
    (b"<a@b>, relay=x", b"(in reply to end of DATA command)"),
    (b"y; Action: delivered", b"(in reply to MAIL FROM command)"),
    (b"\\\\\\\"\\", b"\\\"\\"),
    (b"caf\xc3\xa9 \xff", b"\xe2\x80\xae \xc2\x9b"),
    (b"", b""),
    (b"x; from=<a@b> to=<c@d> proto=ESMTP", b"User unknown; from=<e@f> to=<g@h>"),
    (b"y> rejected RCPT <evil@x", b"rejected RCPT <z@y>: relay not permitted"),
]
# Postfix and Exim: the same tricks in an inbound reject line too (bit 3).
REJECT_FORMATS = ("bounce_postfix", "bounce_exim")


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def main(argv):
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    src = argv[0]
    for target, patterns in FORMATS.items():
        out = os.path.join(src, "tests", "fuzz", "corpus", target)
        os.makedirs(out, exist_ok=True)
        for old in glob.glob(os.path.join(out, "seed-*")):
            os.remove(old)
        n = 0
        for pattern in patterns:
            for path in sorted(glob.glob(os.path.join(src, "tests", "data", pattern))):
                data = open(path, "rb").read()
                if target == "bounce_dsn":
                    chunks = [data[:8000]]
                else:
                    lines = data.splitlines(keepends=True)
                    chunks = [b"".join(lines[i:i + 4]) for i in range(0, len(lines), 4)]
                for chunk in chunks:
                    n += 1
                    name = "seed-%03d-raw-%s" % (n, slug(os.path.basename(path)))
                    with open(os.path.join(out, name), "wb") as f:
                        f.write(b"\x80" + chunk)
        for local, text in TRICKS:
            for sel in range(3):
                for flag in (0, 1):
                    n += 1
                    name = "seed-%03d-tpl-%d%d-%s" % (n, sel, flag,
                                                      slug(local.decode("latin-1")))
                    with open(os.path.join(out, name), "wb") as f:
                        f.write(bytes([sel | flag << 2, len(local)]) + local + text)
                    if target in REJECT_FORMATS:
                        n += 1
                        name = "seed-%03d-rej-%d%d-%s" % (n, sel, flag,
                                                          slug(local.decode("latin-1")))
                        with open(os.path.join(out, name), "wb") as f:
                            f.write(bytes([sel | flag << 2 | 8, len(local)]) + local + text)
        print("%s: %d seeds" % (target, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
