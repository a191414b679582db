#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-explain built with a locale that translates three strings.

Usage: test_explain_xx.py SMTP_EXPLAIN_XX POT

The tool was built from po/smtpreply.pot plus the xx.po that
tests/po/make_xx.py writes ("[xx] " and the English text for explain.class,
explain.meaning and basic.550.title). `--lang xx 550` must show those three,
English for everything else, and the note that says so; English output has
neither; the locale list the tool offers comes from the PO files.
Prints "N passed, N failed" and exits 1 on any failure.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import toolcheck  # noqa: E402
from toolcheck import check, finish  # noqa: E402

explain = toolcheck.Tool(sys.argv[1])
english = toolcheck.english(sys.argv[2])
NOTE = "Not everything here is translated into xx yet; the rest is shown in English."

rc, out, err = explain.run(["--lang", "xx", "550"])
check(rc == 0, "--lang xx 550: exit %d (%s)" % (rc, err.strip()))
for ctx in ("explain.class", "explain.meaning", "basic.550.title"):
    check("[xx] " + english[ctx] in out, "--lang xx 550: no translated %s" % ctx)
check(out.count("[xx]") == 3, "--lang xx 550: %d translated texts, want 3" % out.count("[xx]"))
for ctx in ("explain.when", "explain.fix", "explain.category"):
    check("  %s: " % english[ctx] in out, "--lang xx 550: no English label %s" % ctx)
first_words = " ".join(english["basic.550.description"].split()[:4])
check(first_words in out, "--lang xx 550: no English description (%r)" % first_words)
check(out.rstrip("\n").endswith(NOTE), "--lang xx 550: the note is not the last line:\n" + out)

rc, out_env, _ = explain.run(["550"], env={"LANG": "xx_YY.UTF-8"})
check(rc == 0 and out_env == out, "LANG=xx_YY.UTF-8 is not --lang xx")

rc, out, _ = explain.run(["--lang", "en", "550"])
check(rc == 0 and "[xx]" not in out and "translated" not in out, "--lang en 550: %r" % out[:200])

# Two codes: the comparison shows the translated heading, English elsewhere, the note.
rc, out, _ = explain.run(["--lang", "xx", "550", "250"])
check(rc == 0 and "[xx] " + english["explain.class"] in out and NOTE in out
      and english["explain.key-differences"] in out, "--lang xx 550 250")

# This build knows en and xx only: vi is no language of it.
rc, out, err = explain.run(["--lang", "vi", "550"])
check(rc == 2 and "en xx" in err, "--lang vi: exit %d, %r" % (rc, err))

# --json keeps the English source strings where xx has none, and names xx.
rc, out, _ = explain.run(["--json", "--lang", "xx", "550"])
check(rc == 0 and '"lang":"xx"' in out and '"locale":"xx"' in out,
      "--json --lang xx 550: %r" % out[:200])

sys.exit(finish())
