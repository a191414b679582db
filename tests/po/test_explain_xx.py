#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-explain built with a locale that translates three strings.

Usage: test_explain_xx.py SMTP_EXPLAIN_XX POT SOURCE_ROOT

The tool was built from po/smtpreply.pot plus the xx.po that
tests/po/make_xx.py writes ("[xx] " and the English text for explain.class,
explain.meaning and basic.550.title). `--lang xx 550` must show those three,
English for everything else, and the note that says so; English output has
neither; the locale list the tool offers comes from the PO files.
Prints "N passed, N failed" and exits 1 on any failure.
"""

import os
import subprocess
import sys

TOOL, POT, ROOT = sys.argv[1:4]
sys.path.insert(0, os.path.join(ROOT, "tools"))
import po  # noqa: E402

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def run(*args, env=None):
    e = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    e.update(env or {})
    p = subprocess.run([TOOL] + list(args), capture_output=True, env=e)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


_, template = po.parse(POT)
english = {e.ctx: e.msgid for e in template}
NOTE = "Not everything here is translated into xx yet; the rest is shown in English."

rc, out, err = run("--lang", "xx", "550")
check(rc == 0, "--lang xx 550: exit %d (%s)" % (rc, err.strip()))
for ctx in ("explain.class", "explain.meaning", "basic.550.title"):
    check("[xx] " + english[ctx] in out, "--lang xx 550: no translated %s" % ctx)
check(out.count("[xx]") == 3, "--lang xx 550: %d translated texts, want 3" % out.count("[xx]"))
for ctx in ("explain.when", "explain.fix", "explain.category"):
    check("  %s: " % english[ctx] in out, "--lang xx 550: no English label %s" % ctx)
first_words = " ".join(english["basic.550.description"].split()[:4])
check(first_words in out, "--lang xx 550: no English description (%r)" % first_words)
check(out.rstrip("\n").endswith(NOTE), "--lang xx 550: the note is not the last line:\n" + out)

rc, out_env, _ = run("550", env={"LANG": "xx_YY.UTF-8"})
check(rc == 0 and out_env == out, "LANG=xx_YY.UTF-8 is not --lang xx")

rc, out, _ = run("--lang", "en", "550")
check(rc == 0 and "[xx]" not in out and "translated" not in out, "--lang en 550: %r" % out[:200])

# Two codes: the comparison shows the translated heading, English elsewhere, the note.
rc, out, _ = run("--lang", "xx", "550", "250")
check(rc == 0 and "[xx] " + english["explain.class"] in out and NOTE in out
      and english["explain.key-differences"] in out, "--lang xx 550 250")

# This build knows en and xx only: vi is no language of it.
rc, out, err = run("--lang", "vi", "550")
check(rc == 2 and "en xx" in err, "--lang vi: exit %d, %r" % (rc, err))

# --json keeps the English source strings where xx has none, and names xx.
rc, out, _ = run("--json", "--lang", "xx", "550")
check(rc == 0 and '"lang":"xx"' in out and '"locale":"xx"' in out,
      "--json --lang xx 550: %r" % out[:200])

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
