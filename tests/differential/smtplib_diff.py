#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential test: our parser against Python's smtplib.

Usage: smtplib_diff.py REPLY_JSON SRCDIR

REPLY_JSON is the reply_json helper built next to this script. Inputs are every
compliant case of tests/parser_cases.h (default options, no error, no tolerated
deviation), every examples/*.txt transcript, and a 256 KiB corpus of each variant
of tests/bench/gen_corpus.py (the benchmark's reply mix), parsed once with
smtpreply_parser_feed() and once with smtpreply_parser_feed_many(), whose batch
path must give the same replies. smtplib.SMTP.getreply() reads the same bytes from
an in-memory file. For each reply the code and the text lines must
agree; the only differences allowed are the documented ones:

- we split a valid RFC 3463 enhanced code (class = first digit) out of each line's
  text, smtplib leaves it in: the line then matches once the code is removed, and
  the reply's enhanced code equals the first line's;
- smtplib strips SP, HT, CR and LF from both ends of every line, we keep the text
  as sent (a lone CR before CRLF, trailing spaces): lines are compared after the
  same strip. Both end a line at a bare LF and keep a CR inside a line, so inputs
  with bare LF and lone CR are compared too;
- flags (bare LF, lone CR, code only, enhanced mismatch/invalid, 8-bit) have no
  smtplib counterpart;
- a lone CR right after a first line's d.d.d form ("250 2.1.1\r\r\n") is text to
  us, so the form is text too; smtplib strips the CR first and then finds an
  enhanced code.

An input on which we report an error, or cut or truncate text (smtplib has no
such limits), is skipped, with a note for a transcript, as are parser cases run
with non-default options.
Prints "N passed, N failed" and exits 1 when anything failed.
"""
import glob
import io
import json
import os
import re
import smtplib
import subprocess
import sys
import tempfile

FLAG_BARE_LF = 1 << 0
FLAG_LINE_OVER_512 = 1 << 2
FLAG_LONE_CR = 1 << 5
FLAG_TRUNCATED = 1 << 6
FLAG_DAMAGED = 1 << 9
NOT_COMPLIANT = FLAG_LINE_OVER_512 | FLAG_TRUNCATED | FLAG_DAMAGED

STRIP = b" \t\r\n"
ENHANCED = re.compile(rb"^([245])\.([0-9]{1,3})\.([0-9]{1,3})(?= |$)")
ENHANCED_LONE_CR = re.compile(rb"^[245]\.[0-9]{1,3}\.[0-9]{1,3}\r")


class _NoSocket:
    """smtplib closes its socket at end of input; there is none to close."""

    def close(self):
        pass


def smtplib_replies(data):
    """Every (code, [lines]) smtplib.SMTP.getreply() reads from data."""
    client = smtplib.SMTP()
    client.sock = _NoSocket()
    client.file = io.BytesIO(data)
    out = []
    while client.file is not None and client.file.tell() < len(data):
        code, msg = client.getreply()
        out.append((code, msg.split(b"\n")))
    return out


def compliant(case):
    """Why a case is not compliant, or None when it is."""
    if any(case["opts"].values()):
        return "non-default options"
    for ev in case["events"]:
        if isinstance(ev, str):
            return "parser reports " + ev
        if ev["flags"] & NOT_COMPLIANT:
            return "tolerated deviation (flags 0x%x)" % ev["flags"]
    return None


def enhanced_tuple(text):
    m = ENHANCED.match(text)
    return tuple(int(g) for g in m.groups()) if m else None


def line_agrees(theirs, ours, code):
    """One smtplib line against ours: equal, or equal once the enhanced code is out."""
    ours = ours.strip(STRIP)
    if theirs == ours:
        return True
    enh = enhanced_tuple(theirs)
    if enh and enh[0] == code // 100:
        return theirs[ENHANCED.match(theirs).end():].strip(STRIP) == ours
    return False


def compare(case):
    """A list of differences between smtplib and us (empty when they agree)."""
    data = bytes.fromhex(case["input"])
    ours = [ev for ev in case["events"] if not isinstance(ev, str)]
    theirs = smtplib_replies(data)
    diffs = []
    if len(ours) != len(theirs):
        return ["%d replies, smtplib %d" % (len(ours), len(theirs))]
    for i, (mine, (tcode, tlines)) in enumerate(zip(ours, theirs)):
        lines = [bytes.fromhex(h) for h in mine["lines"]]
        if mine["code"] != tcode:
            diffs.append("reply %d: code %d, smtplib %d" % (i, mine["code"], tcode))
            continue
        if len(lines) != len(tlines):
            diffs.append("reply %d: %d lines, smtplib %d" % (i, len(lines), len(tlines)))
            continue
        for k, (t, o) in enumerate(zip(tlines, lines)):
            if not line_agrees(t, o, tcode):
                diffs.append("reply %d line %d: %r, smtplib %r" % (i, k, o, t))
        first = enhanced_tuple(tlines[0])
        if first and (first[0] != tcode // 100 or ENHANCED_LONE_CR.match(lines[0])):
            first = None
        mine_enh = tuple(int(x) for x in mine["enhanced"].split(".")) if mine["enhanced"] else None
        if mine_enh != first:
            diffs.append("reply %d: enhanced %s, smtplib's first line starts %r"
                         % (i, mine["enhanced"], tlines[0][:12]))
    return diffs


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tool, srcdir = sys.argv[1], sys.argv[2]
    transcripts = sorted(glob.glob(os.path.join(srcdir, "examples", "*.txt")))
    tmp = tempfile.TemporaryDirectory()
    corpora = []
    for variant in ("mixed", "ehlo-heavy"):
        path = os.path.join(tmp.name, "bench-%s.txt" % variant)
        subprocess.run([sys.executable, os.path.join(srcdir, "tests", "bench", "gen_corpus.py"),
                        path, "--variant", variant, "--size", str(256 * 1024), "--quiet"],
                       check=True)
        corpora.append(path)

    def run(args):
        out = subprocess.run([tool] + args, check=True, stdout=subprocess.PIPE).stdout
        return [json.loads(line) for line in out.decode("ascii").splitlines() if line]

    cases = []
    for args in (["--cases"], transcripts, corpora):
        if args:
            cases += run(args)
    # The batch path on the same corpora: the same events, and so the same
    # comparison with smtplib.
    agreed = disagreed = 0
    for one, many in zip(run(corpora), run(["--many"] + corpora)):
        name = os.path.basename(one["name"])
        if one["events"] != many["events"]:
            disagreed += 1
            print("FAIL %s: feed_many() gives other events than feed()" % name)
        elif not one["events"]:
            disagreed += 1
            print("FAIL %s: no replies" % name)
        else:
            agreed += 1
        many["name"] += " (feed_many)"
        cases.append(many)

    passed = failed = skipped = 0

    for case in cases:
        why = compliant(case)
        if why:
            skipped += 1
            if case["name"].endswith((".txt", "(feed_many)")):
                print("skip %s: %s" % (case["name"], why))
            continue
        diffs = compare(case)
        if diffs:
            failed += 1
            print("FAIL %s" % case["name"])
            for d in diffs:
                print("    " + d)
        else:
            passed += 1
    print("%d inputs: %d compared, %d skipped (non-default options, errors, cut text)"
          % (len(cases), passed + failed, skipped))
    print("feed_many() and feed() agree on %d of %d benchmark corpora"
          % (agreed, agreed + disagreed))
    passed += agreed
    failed += disagreed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
