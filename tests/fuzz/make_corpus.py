#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz targets.

Usage: make_corpus.py BUILDDIR [SRCDIR]

Seeds come from the parser case table (through BUILDDIR/tests/differential/reply_json,
which prints every case with its options), the examples/*.txt transcripts and a few
hostile shapes. Each target's options header (see the comment at the top of each
fuzz_<target>.c) is set to reproduce the case's options. Files are named
seed-NNN-<slug>; reproducers saved by hand (crash-*, repro-*) are left alone.
Run it again after the table grows; the corpus stays under 300 files and 1 MiB.
"""
import glob
import json
import os
import re
import subprocess
import sys
import zlib

PARSER_HEADER = 8
CLASSIFY_HEADER = 10
COMMANDS = 19


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "x"


def parser_header(opts, salt):
    """The 8 option bytes of fuzz_parser.c that give these options."""
    strict = opts["strict"] & 0x3F
    utf8 = 0x40 if opts["smtputf8"] else 0
    ml = opts["max_line"]
    if ml == 0:
        b1, scale = 0, 0
    elif ml - 4 <= 255:
        b1, scale = ml - 4, 0
    else:
        b1, scale = max(1, (ml - 4) // 17), 0x80
    max_lines = min(opts["max_lines"], 127)
    cap = 0 if opts["no_text"] else (opts["cap"] or 4096)
    # Cut point and chunk size vary from seed to seed.
    return bytes([strict | utf8, b1, scale | max_lines, cap >> 8, cap & 0xFF,
                  (salt >> 8) & 0xFF, salt & 0xFF, (salt >> 16) % 64])


def hostile():
    """A few shapes the table has only small versions of."""
    long_line = b"250 " + b"x" * 3000 + b"\r\n250 ok\r\n"
    many_lines = b"".join(b"250-l%d\r\n" % i for i in range(300)) + b"250 end\r\n"
    many_errors = b"x\r\n" * 400 + b"250 ok\r\n"
    nuls = b"500 " + b"\0" * 200 + b"\r\n250 ok\r\n"
    high = b"550 " + bytes(range(0x80, 0x100)) + b"\r\n250 ok\r\n"
    tiny = b"250 a\r\n" * 300
    cr_storm = b"250 " + b"\r" * 500 + b"\r\n250 ok\r\n"
    deep_enh = b"".join(b"550-5.%d.%d x\r\n" % (i % 1000, (i * 7) % 1000) for i in range(200)) + b"550 5.1.1 end\r\n"
    return [("long line", long_line), ("many lines", many_lines), ("many errors", many_errors),
            ("nul run", nuls), ("all high bytes", high), ("tiny replies", tiny),
            ("cr storm", cr_storm), ("deep enhanced", deep_enh)]


def write(dirpath, idx, name, blob):
    with open(os.path.join(dirpath, "seed-%03d-%s" % (idx, slug(name))), "wb") as f:
        f.write(blob)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        return 2
    build = sys.argv[1]
    src = sys.argv[2] if len(sys.argv) == 3 else os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))
    tool = os.path.join(build, "tests", "differential", "reply_json")
    transcripts = sorted(glob.glob(os.path.join(src, "examples", "*.txt")))
    cases = []
    for args in (["--cases"], transcripts):
        if args:
            out = subprocess.run([tool] + args, check=True, stdout=subprocess.PIPE).stdout
            cases += [json.loads(l) for l in out.decode("ascii").splitlines() if l]
    for i, (name, data) in enumerate(hostile()):
        cases.append({"name": name, "input": data.hex(),
                      "opts": {"strict": 0, "smtputf8": 0, "max_line": 0, "max_lines": 0,
                               "cap": 0, "no_text": 0}, "events": []})

    corpus = os.path.join(src, "tests", "fuzz", "corpus")
    for target in ("parser", "ehlo", "classify"):
        d = os.path.join(corpus, target)
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "seed-*")):
            os.remove(old)

    seen = set()
    n_ehlo = n_classify = 0
    for i, c in enumerate(cases):
        data = bytes.fromhex(c["input"])
        salt = zlib.crc32(c["name"].encode())
        key = (data, json.dumps(c["opts"], sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        name = os.path.basename(c["name"])
        write(os.path.join(corpus, "parser"), i, name, parser_header(c["opts"], salt) + data)

        replies = [e for e in c["events"] if isinstance(e, dict)]
        # EHLO: every input with a multiline 250, full buffer; some also truncated.
        if any(r["code"] == 250 and r["line_count"] > 1 for r in replies) and n_ehlo < 40:
            cap_byte = 0x00 if n_ehlo % 3 else 0xC0 + (salt % 16)
            write(os.path.join(corpus, "ehlo"), i, name, bytes([cap_byte]) + data)
            n_ehlo += 1
        # Classifier: the first reply's code, enhanced code and text, with a command.
        if replies and not any(c["opts"].values()) and n_classify < 40:
            r = replies[0]
            enh = [int(x) for x in r["enhanced"].split(".")] if r["enhanced"] else [0, 0, 0]
            text = b" ".join(bytes.fromhex(h) for h in r["lines"])
            head = bytes([r["code"] >> 8, r["code"] & 0xFF, salt % COMMANDS,
                          1 if r["enhanced"] else 0, enh[0], enh[1] >> 8, enh[1] & 0xFF,
                          enh[2] >> 8, enh[2] & 0xFF, 0])
            # The text doubles as the reply stream when it is the raw input.
            write(os.path.join(corpus, "classify"), i, name,
                  head + (data if n_classify % 2 else text))
            n_classify += 1

    # Catalog lookups: codes, enhanced codes and locales, known and not.
    d = os.path.join(corpus, "explain")
    os.makedirs(d, exist_ok=True)
    for old in glob.glob(os.path.join(d, "seed-*")):
        os.remove(old)
    lookups = [(250, (2, 0, 0), 0, b"en"), (550, (5, 1, 1), 1, b"vi"), (421, (4, 7, 0), 16, b"en"),
               (535, (5, 7, 8), 22, b"vi"), (999, (3, 0, 0), 40, b"fr"), (0, (5, 7, 26), 30, b""),
               (599, (5, 999, 999), 31, b"vi-VN"), (452, (4, 5, 3), 9, b"EN"), (554, (5, 7, 1), 20, b"v"),
               (200, (2, 6, 0), -1, b"en\xff"), (521, (5, 3, 2), 4, b"vi"), (334, (9, 1, 1), 0, b"xx")]
    for i, (code, (k, s_, dt), reason, lang) in enumerate(lookups):
        head = bytes([code >> 8, code & 0xFF, 0, k, s_ >> 8, s_ & 0xFF, dt >> 8, dt & 0xFF, reason & 0xFF])
        write(d, i, "%d-%d.%d.%d-%s" % (code, k, s_, dt, lang.decode("latin-1")), head + lang)

    total = files = 0
    for path in glob.glob(os.path.join(corpus, "*", "*")):
        files += 1
        total += os.path.getsize(path)
    print("corpus: %d files, %d bytes" % (files, total))
    return 0 if files < 300 and total < (1 << 20) else 1


if __name__ == "__main__":
    sys.exit(main())
