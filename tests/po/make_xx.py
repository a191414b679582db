#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the locale a translator would add: OUT_DIR/xx.po and OUT_DIR/LINGUAS.

Usage: make_xx.py POT OUT_DIR

xx.po translates three strings of today's template, each as "[xx] " and its
English text, and leaves every other entry untranslated, as a new
translation starts. tests/po/meson.build compiles it with the same
generators as po/ into a catalog and a label table for test_catalog and
smtp-explain (tests/po/test_explain_xx.py checks what they show).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import po  # noqa: E402

TRANSLATED = ("explain.class", "explain.meaning", "basic.550.title")


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    pot, out = argv
    _, template = po.parse(pot)
    entries = []
    for t in template:
        e = po.Entry(0)
        e.ctx, e.msgid = t.ctx, t.msgid
        e.msgstr = "[xx] " + t.msgid if t.ctx in TRANSLATED else ""
        entries.append(e)
    if sum(1 for e in entries if e.msgstr) != len(TRANSLATED):
        sys.exit("make_xx.py: the template lacks one of %s" % ", ".join(TRANSLATED))
    header = po.Entry(0)
    header.msgid = ""
    header.msgstr = "Language: xx\nContent-Type: text/plain; charset=UTF-8\n"
    with open(os.path.join(out, "xx.po"), "w", encoding="utf-8", newline="\n") as f:
        f.write(po.format_file(header, entries))
    with open(os.path.join(out, "LINGUAS"), "w", encoding="utf-8", newline="\n") as f:
        f.write("xx\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
