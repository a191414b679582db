#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Say what each locale of po/ does not translate yet, and check the template.

Usage: po_check.py --pot POT --linguas LINGUAS --po-dir DIR
                   [--report FILE] [--require LOCALE]... [--labels-used-in FILE...]

Prints one line per locale: how many of the template's strings it serves, and
how many are shown in English instead (missing, empty, fuzzy, outdated, or with
placeholders that differ from the English text; see tools/po.py).

--report FILE      write every string a locale does not serve, one per line:
                   "locale<TAB>msgctxt<TAB>why" (meson writes build/po/untranslated.txt)
--require LOCALE   fail, listing each string, unless LOCALE serves every one
                   and has no entry the template lacks (the tests require vi)
--labels-used-in   C sources of the tools; fail when a label of the template is
                   used by none of them (a label nobody shows is stale)

Exit status: 0 fine, 1 a requirement failed, 2 a PO file could not be read.
"""

import argparse
import os
import re
import sys

import po


def main(argv):
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--pot", required=True)
    ap.add_argument("--linguas", required=True)
    ap.add_argument("--po-dir", required=True)
    ap.add_argument("--report")
    ap.add_argument("--require", action="append", default=[])
    ap.add_argument("--labels-used-in", action="extend", nargs="+", default=[])
    args = ap.parse_args(argv)
    try:
        cat = po.Catalog(args.pot, args.linguas, args.po_dir)
    except po.PoError as e:
        print(e, file=sys.stderr)
        return 2

    total = len(cat.template)
    report = []
    print("po: en: %d strings (the English source, po/%s)" % (total, os.path.basename(args.pot)))
    for loc in cat.locales:
        problems = cat.problems(loc)
        stale = cat.stale[loc]
        served = total - len(problems)
        line = "po: %s: %d of %d strings translated" % (loc, served, total)
        if problems:
            line += "; %d shown in English" % len(problems)
        if stale:
            line += "; %d entries the template no longer has" % len(stale)
        print(line)
        report += ["%s\t%s\t%s\n" % (loc, ctx, why) for ctx, why in problems]
        report += ["%s\t%s\tnot in the template (obsolete)\n" % (loc, e.ctx) for e in stale]
    if args.report:
        with open(args.report, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(report))

    failed = False
    for loc in args.require:
        if loc not in cat.locales:
            print("po: %s is required but not listed in %s" % (loc, args.linguas))
            failed = True
            continue
        for ctx, why in cat.problems(loc):
            print("%s: %s: %s" % (cat.po_paths[loc], ctx, why))
            failed = True
        for e in cat.stale[loc]:
            print("%s:%d: %s: not in the template (remove it, or run po-update)"
                  % (cat.po_paths[loc], e.line, e.ctx))
            failed = True

    if args.labels_used_in:
        used = set()
        for path in args.labels_used_in:
            with open(path, encoding="utf-8") as f:
                used.update(re.findall(r"\bL_[A-Z0-9_]+\b", f.read()))
        for e in cat.template:
            if not po.is_library_key(e.ctx) and po.label_id(e.ctx) not in used:
                print("%s:%d: label %s (%s) is used by no tool"
                      % (args.pot, e.line, e.ctx, po.label_id(e.ctx)))
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
