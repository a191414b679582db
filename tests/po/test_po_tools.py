#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The PO reader (tools/po.py) and the generators that compile po/ into C.

Usage: test_po_tools.py SOURCE_ROOT

Tables of small PO texts with what the reader must make of them (or the error
it must stop with), which translations serve and why the others do not, and
the rows gen_catalog.py and gen_labels.py write for a tiny template with one
translation in every state. Prints "N passed, N failed" and exits 1 on any
failure.
"""

import os
import subprocess
import sys
import tempfile

ROOT = sys.argv[1]
TOOLS = os.path.join(ROOT, "tools")
sys.path.insert(0, TOOLS)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import po  # noqa: E402
from toolcheck import check, finish  # noqa: E402


HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'

# (name, PO text, expected [(ctx, msgid, msgstr, fuzzy)] or an error fragment)
PARSE_CASES = [
    ("one entry", HEADER + 'msgctxt "a.b"\nmsgid "Hello"\nmsgstr "Xin chào"\n',
     [("a.b", "Hello", "Xin chào", False)]),
    ("continued strings", HEADER + 'msgctxt "a"\nmsgid ""\n"one "\n"two"\nmsgstr ""\n"mot "\n"hai"\n',
     [("a", "one two", "mot hai", False)]),
    ("escapes", HEADER + r'msgctxt "e"' + '\n' + r'msgid "q\"b\\n\n\tt"' + '\nmsgstr ""\n',
     [("e", 'q"b\\n\n\tt', "", False)]),
    ("fuzzy flag and comments", HEADER + '# translator note\n#. for translators\n'
     '#, fuzzy, c-format\n#| msgid "Old"\nmsgctxt "f"\nmsgid "New"\nmsgstr "Cu"\n',
     [("f", "New", "Cu", True)]),
    ("obsolete entries ignored", HEADER + 'msgctxt "k"\nmsgid "K"\nmsgstr "k"\n\n'
     '#~ msgctxt "gone"\n#~ msgid "Gone"\n#~ msgstr "g"\n', [("k", "K", "k", False)]),
    ("two entries without blank line", HEADER + 'msgctxt "a"\nmsgid "A"\nmsgstr "x"\n'
     'msgctxt "b"\nmsgid "B"\nmsgstr "y"\n', [("a", "A", "x", False), ("b", "B", "y", False)]),
    ("CRLF line ends", (HEADER + 'msgctxt "a"\nmsgid "A"\nmsgstr "x"\n').replace("\n", "\r\n"),
     [("a", "A", "x", False)]),
    ("no msgctxt", HEADER + 'msgid "Hello"\nmsgstr "x"\n', "has no msgctxt"),
    ("duplicate msgctxt", HEADER + 'msgctxt "a"\nmsgid "A"\nmsgstr ""\n\n'
     'msgctxt "a"\nmsgid "B"\nmsgstr ""\n', "appears twice"),
    ("plural forms", HEADER + 'msgctxt "p"\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\n',
     "plural forms"),
    ("unknown escape", HEADER + 'msgctxt "a"\nmsgid "\\q"\nmsgstr ""\n', "unknown escape"),
    ("unterminated string", HEADER + 'msgctxt "a"\nmsgid "abc\nmsgstr ""\n', "quoted string"),
    ("msgstr missing", HEADER + 'msgctxt "a"\nmsgid "A"\n', "without msgid and msgstr"),
    ("garbage line", HEADER + 'msgctxt "a"\nmsgid "A"\nmsgstr ""\nhello\n', "cannot read"),
    ("second header", HEADER + HEADER, "second header"),
]


def parse_cases(tmp):
    for name, text, want in PARSE_CASES:
        path = os.path.join(tmp, "case.po")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        try:
            _, entries = po.parse(path)
            got = [(e.ctx, e.msgid, e.msgstr, e.fuzzy) for e in entries]
            check(got == want, "parse %s: got %r, want %r" % (name, got, want))
        except po.PoError as e:
            check(isinstance(want, str) and want in str(e) and str(e).startswith(path + ":"),
                  "parse %s: error %r, want %r" % (name, str(e), want))
    path = os.path.join(tmp, "latin1.po")
    with open(path, "wb") as f:
        f.write((HEADER + 'msgctxt "a"\nmsgid "A"\nmsgstr "\xe9"\n').encode("latin-1"))
    try:
        po.parse(path)
        check(False, "parse latin-1 bytes: no error")
    except po.PoError as e:
        check("not UTF-8" in str(e), "parse latin-1 bytes: %s" % e)


def entry(ctx, msgid, msgstr="", fuzzy=False):
    e = po.Entry(1)
    e.ctx, e.msgid, e.msgstr = ctx, msgid, msgstr
    if fuzzy:
        e.flags.add("fuzzy")
    return e


def status_cases():
    t = entry("x", "Send {1} to {2}")
    rows = [
        (None, "missing"),
        (entry("x", "Send {1} to {2}", ""), "untranslated"),
        (entry("x", "Send {1} to {2}", "Gui {1} den {2}", fuzzy=True), "fuzzy"),
        (entry("x", "Send {1} to {3}", "Gui {1} den {3}"), "outdated (the English text changed)"),
        (entry("x", "Send {1} to {2}", "Gui {1}"), "placeholders differ from the English text"),
        (entry("x", "Send {1} to {2}", "Den {2}, gui {1}"), None),
    ]
    for e, want in rows:
        got = po.status(t, e)
        check(got == want, "status %r: got %r, want %r" % (e and e.msgstr, got, want))


def round_trip(tmp):
    """format_file() writes what parse() reads back, long and multi-line strings too."""
    entries = [entry("long", "word " * 40, "từ " * 40), entry("nl", "a\nb\n", "c\nd"),
               entry("q", 'say "hi" \\ bye', "")]
    header = entry(None, "", "Content-Type: text/plain; charset=UTF-8\nLanguage: vi\n")
    path = os.path.join(tmp, "rt.po")
    with open(path, "w", encoding="utf-8") as f:
        f.write(po.format_file(header, entries))
    _, back = po.parse(path)
    check([(e.ctx, e.msgid, e.msgstr) for e in back] == [(e.ctx, e.msgid, e.msgstr) for e in entries],
          "format_file/parse round trip")
    with open(path, encoding="utf-8") as f:
        check(max(len(line) for line in f) <= 80, "format_file: a line longer than 79 columns")


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def generators(tmp):
    """A template for two basic codes and one reason; xx translates a few strings."""
    data = os.path.join(tmp, "data")
    podir = os.path.join(tmp, "po")
    os.makedirs(data)
    os.makedirs(podir)
    write(os.path.join(data, "basic.csv"), "# Source: test rows, 2026-01-01\n"
          "code,rfc_text,reference,notes\n250,Ok,RFC 5321 s.4.2.2,\n550,No,RFC 5321 s.4.2.2,\n")
    write(os.path.join(data, "enh.csv"), "# Source: test rows, 2026-01-01\n"
          "code,sample_text,associated_basic_status_codes,description,reference,submitter,"
          "change_controller,registry,source_note\n"
          "5.XXX.YYY,Permanent Failure,,d,[RFC3463],,,class,\n"
          "X.1.YYY,Addressing Status,,d,[RFC3463],,,subject,\n"
          "X.1.1,Bad destination mailbox address,550,d,[RFC3463],,,enumerated,\n")
    write(os.path.join(tmp, "reasons.def"), 'SMTPREPLY_REASON(NONE, "none", NONE, NOT_NEEDED)\n'
          'SMTPREPLY_REASON(RECIPIENT_FILTERED, "recipient-filtered", BLOCK, AFTER_FIX)\n')
    keys = ["severity.%d" % d for d in (2, 3, 4, 5)]
    keys += ["category.%d.%s" % (d, f) for d in (0, 1, 2, 3, 5) for f in ("title", "description")]
    keys += ["class.%d.%s" % (d, f) for d in (2, 3, 4, 5) for f in ("title", "description", "when", "fix")]
    keys += ["basic.%d.%s" % (c, f) for c in (250, 550) for f in ("title", "description", "when", "fix")]
    keys += ["enhanced.class.5.title", "enhanced.class.5.description",
             "enhanced.subject.1.title", "enhanced.subject.1.description"]
    keys += ["enhanced.X.1.1.%s" % f for f in ("title", "description", "action")]
    keys += ["reason.none", "reason.recipient-filtered", "demo.greeting", "demo.count"]
    english = {k: "EN " + k for k in keys}
    english["demo.count"] = "{1} of {2}"
    pot = [entry(k, english[k]) for k in keys]
    write(os.path.join(podir, "smtpreply.pot"), po.format_file(None, pot))
    write(os.path.join(podir, "LINGUAS"), "# test\nxx\n")
    xx = [entry("basic.550.title", english["basic.550.title"], "XX title"),
          entry("basic.550.fix", english["basic.550.fix"], "XX fix", fuzzy=True),
          entry("basic.250.when", "an older English text", "XX stale"),
          entry("reason.recipient-filtered", english["reason.recipient-filtered"], 'XX "quoted"'),
          entry("demo.greeting", english["demo.greeting"], "XX hello"),
          entry("demo.count", english["demo.count"], "{1}"),
          entry("no.such.key", "gone", "XX gone")]
    write(os.path.join(podir, "xx.po"), po.format_file(None, xx))

    out = os.path.join(tmp, "catalog_strings.def")
    p = subprocess.run([sys.executable, os.path.join(TOOLS, "gen_catalog.py"),
                        os.path.join(podir, "smtpreply.pot"), os.path.join(podir, "LINGUAS"),
                        podir, os.path.join(tmp, "reasons.def"), os.path.join(data, "basic.csv"),
                        os.path.join(data, "enh.csv"), out], capture_output=True, text=True)
    check(p.returncode == 0, "gen_catalog.py: exit %d: %s" % (p.returncode, p.stderr))
    if p.returncode == 0:
        with open(out, encoding="utf-8") as f:
            rows = f.read().splitlines()
        want = [
            'SMTPREPLY_LOCALE("en")', 'SMTPREPLY_LOCALE("xx")',
            'SMTPREPLY_BASIC_TEXT(0, 550, "EN basic.550.title", "EN basic.550.description",'
            ' "EN basic.550.when", "EN basic.550.fix")',
            'SMTPREPLY_BASIC_TEXT(1, 550, "XX title", NULL, NULL, NULL)',
            'SMTPREPLY_REASON_TEXT(1, SMTPREPLY_REASON_RECIPIENT_FILTERED, "XX \\"quoted\\"")',
            'SMTPREPLY_ENH_DETAIL_TEXT(0, 1, 1, "EN enhanced.X.1.1.title",'
            ' "EN enhanced.X.1.1.description", "EN enhanced.X.1.1.action")',
        ]
        for w in want:
            check(w in rows, "gen_catalog.py: no row %s" % w)
        xx_rows = [r for r in rows if r.startswith("SMTPREPLY_") and "(1, " in r]
        check(len(xx_rows) == 2, "gen_catalog.py: xx rows %r (the fuzzy, outdated and "
              "unknown entries must not serve)" % xx_rows)

    out = os.path.join(tmp, "tool_labels.h")
    p = subprocess.run([sys.executable, os.path.join(TOOLS, "gen_labels.py"),
                        os.path.join(podir, "smtpreply.pot"), os.path.join(podir, "LINGUAS"),
                        podir, out], capture_output=True, text=True)
    check(p.returncode == 0, "gen_labels.py: exit %d: %s" % (p.returncode, p.stderr))
    if p.returncode == 0:
        with open(out, encoding="utf-8") as f:
            text = f.read()
        check("L_DEMO_GREETING," in text and "L_DEMO_COUNT," in text, "gen_labels.py: enum")
        check("L_BASIC_" not in text and "L_REASON_" not in text,
              "gen_labels.py: library strings became labels")
        check('[L_DEMO_GREETING] = "XX hello"' in text, "gen_labels.py: xx greeting")
        check('"{1}"' not in text, "gen_labels.py: a translation that drops {2} serves")
        check('#define TOOL_LOCALE_COUNT 2' in text, "gen_labels.py: locale count")

    # The check lists what xx does not serve, and fails when xx is required.
    report = os.path.join(tmp, "untranslated.txt")
    args = [sys.executable, os.path.join(TOOLS, "po_check.py"), "--pot",
            os.path.join(podir, "smtpreply.pot"), "--linguas", os.path.join(podir, "LINGUAS"),
            "--po-dir", podir, "--report", report]
    p = subprocess.run(args, capture_output=True, text=True)
    check(p.returncode == 0, "po_check.py: exit %d without --require" % p.returncode)
    check("po: xx: 3 of %d strings translated" % len(keys) in p.stdout,
          "po_check.py summary: %r" % p.stdout)
    with open(report, encoding="utf-8") as f:
        lines = f.read().splitlines()
    check("xx\tbasic.550.fix\tfuzzy" in lines and "xx\tbasic.550.when\tmissing" in lines
          and "xx\tno.such.key\tnot in the template (obsolete)" in lines
          and "xx\tbasic.250.when\toutdated (the English text changed)" in lines,
          "po_check.py report: %r" % lines[:6])
    p = subprocess.run(args + ["--require", "xx"], capture_output=True, text=True)
    check(p.returncode == 1 and "basic.550.fix: fuzzy" in p.stdout,
          "po_check.py --require xx: exit %d" % p.returncode)

    # A template entry the registries do not call for stops the build.
    write(os.path.join(podir, "smtpreply.pot"),
          po.format_file(None, pot + [entry("basic.999.title", "Nine")]))
    p = subprocess.run([sys.executable, os.path.join(TOOLS, "gen_catalog.py"),
                        os.path.join(podir, "smtpreply.pot"), os.path.join(podir, "LINGUAS"),
                        podir, os.path.join(tmp, "reasons.def"), os.path.join(data, "basic.csv"),
                        os.path.join(data, "enh.csv"), os.path.join(tmp, "x.def")],
                       capture_output=True, text=True)
    check(p.returncode != 0 and "basic.999.title" in p.stderr,
          "gen_catalog.py: an unknown library entry: exit %d %r" % (p.returncode, p.stderr))
    # And so does a missing one.
    write(os.path.join(podir, "smtpreply.pot"),
          po.format_file(None, [e for e in pot if e.ctx != "reason.recipient-filtered"]))
    p = subprocess.run([sys.executable, os.path.join(TOOLS, "gen_catalog.py"),
                        os.path.join(podir, "smtpreply.pot"), os.path.join(podir, "LINGUAS"),
                        podir, os.path.join(tmp, "reasons.def"), os.path.join(data, "basic.csv"),
                        os.path.join(data, "enh.csv"), os.path.join(tmp, "x.def")],
                       capture_output=True, text=True)
    check(p.returncode != 0 and "reason.recipient-filtered" in p.stderr,
          "gen_catalog.py: a missing reason text: exit %d %r" % (p.returncode, p.stderr))

    # po_update.py: new entries arrive empty, changed English turns fuzzy.
    write(os.path.join(podir, "smtpreply.pot"), po.format_file(None, pot))
    p = subprocess.run([sys.executable, os.path.join(TOOLS, "po_update.py"), "--pot",
                        os.path.join(podir, "smtpreply.pot"), "--linguas",
                        os.path.join(podir, "LINGUAS"), "--po-dir", podir],
                       capture_output=True, text=True)
    check(p.returncode == 0, "po_update.py: exit %d %s" % (p.returncode, p.stderr))
    _, merged = po.parse(os.path.join(podir, "xx.po"))
    by = {e.ctx: e for e in merged}
    check([e.ctx for e in merged] == keys, "po_update.py: entries not in template order")
    check(by["basic.250.when"].fuzzy and by["basic.250.when"].msgstr == "XX stale"
          and by["basic.250.when"].msgid == english["basic.250.when"],
          "po_update.py: a changed English text keeps its translation, fuzzy")
    check(by["basic.250.title"].msgstr == "" and not by["basic.250.title"].fuzzy,
          "po_update.py: a new entry arrives empty")
    check(by["basic.550.title"].msgstr == "XX title" and not by["basic.550.title"].fuzzy,
          "po_update.py: an unchanged translation stays")
    with open(os.path.join(podir, "xx.po"), encoding="utf-8") as f:
        check('#~ msgctxt "no.such.key"' in f.read(), "po_update.py: obsolete entry dropped")


def data_header(tmp):
    """Every data file names its source and date on its first line."""
    import datafile
    path = os.path.join(tmp, "nohead.csv")
    write(path, "code,reference\n250,RFC 5321\n")
    p = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, %r); import datafile;"
                        " datafile.read_rows(%r)" % (TOOLS, path)], capture_output=True, text=True)
    check(p.returncode != 0 and "source" in p.stderr, "datafile: a CSV without its source line")
    for name in sorted(os.listdir(os.path.join(ROOT, "data"))):
        if name.endswith(".csv"):
            rows = datafile.read_rows(os.path.join(ROOT, "data", name))
            check(len(rows) > 10, "data/%s: %d rows" % (name, len(rows)))


# (name, text, C literal of datafile.c_string, of po.c_string); None: refused
C_STRING_CASES = [
    ("plain", "250 OK", '"250 OK"', '"250 OK"'),
    ("quote and backslash", 'a "b" \\c', '"a \\"b\\" \\\\c"', '"a \\"b\\" \\\\c"'),
    ("line end and tab", "a\nb\tc", '"a\\nb\\tc"', '"a\\nb\\tc"'),
    ("other controls in octal", "a\x01b\x7f", '"a\\001b\\177"', '"a\\001b\\177"'),
    ("no trigraphs", "what??!", '"what?\\?!"', '"what?\\?!"'),
    ("UTF-8: refused in a registry, kept in a translation", "Xin chào",
     None, '"Xin chào"'),
]


def c_strings():
    """One C literal writer (tools/datafile.py) for registry fields and translations."""
    import datafile
    for name, text, registry, translation in C_STRING_CASES:
        try:
            got = datafile.c_string(text)
        except ValueError:
            got = None
        check(got == registry, "datafile.c_string, %s: %r, want %r" % (name, got, registry))
        got = po.c_string(text)
        check(got == translation, "po.c_string, %s: %r, want %r" % (name, got, translation))


with tempfile.TemporaryDirectory() as tmp:
    parse_cases(tmp)
    status_cases()
    round_trip(tmp)
    generators(tmp)
    data_header(tmp)
c_strings()
sys.exit(finish())
