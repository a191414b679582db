#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Bring every po/<locale>.po in step with po/smtpreply.pot, as msgmerge would.

Usage: po_update.py --pot POT --linguas LINGUAS --po-dir DIR

For each locale of LINGUAS (its .po is created from the template when it does
not exist yet):
- entries follow the template's order and carry its notes for translators;
- a new template entry arrives with an empty msgstr (shown in English until
  someone translates it);
- an entry whose English text changed keeps its old translation, marked fuzzy,
  with the old English text in a "#|" line so the translator sees what changed
  (a fuzzy translation is not used: English serves until the mark is removed);
- an entry the template no longer has is kept at the end as obsolete (#~).
meson runs it as `meson compile -C build po-update`.
"""

import argparse
import os
import sys

import po


def obsolete_blocks(path):
    """[(msgctxt, lines)] of the obsolete (#~) entries already in the file."""
    if not os.path.exists(path):
        return []
    blocks, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n") + [""]:
            if line.startswith("#~"):
                cur.append(line)
            elif cur:
                ctx = ""
                for c in cur:
                    if c.startswith("#~ msgctxt "):
                        ctx = c[len("#~ msgctxt "):]
                blocks.append((ctx, cur))
                cur = []
    return blocks


def merge(template, header, entries, locale, kept=()):
    by_ctx = {e.ctx: e for e in entries}
    out = []
    for t in template:
        old = by_ctx.get(t.ctx)
        e = po.Entry(0)
        e.ctx, e.msgid, e.extracted = t.ctx, t.msgid, list(t.extracted)
        if old is None:
            e.msgstr = ""
        else:
            e.comments = list(old.comments)
            e.msgstr = old.msgstr
            e.flags = set(old.flags)
            e.previous = list(old.previous)
            if old.msgid != t.msgid and old.msgstr != "":
                e.flags.add("fuzzy")
                e.previous = ["msgid " + po.quote(old.msgid)]
            if "fuzzy" not in e.flags:
                e.previous = []
        out.append(e)
    obsolete = [e for e in entries if e.ctx not in {t.ctx for t in template}]
    if header is None:
        header = po.Entry(0)
        header.msgid = ""
        header.comments = ["Translation of smtpreply into %s." % locale,
                           "SPDX-License-Identifier: MIT"]
        header.msgstr = ("Project-Id-Version: smtpreply\n"
                         "Language: %s\n"
                         "MIME-Version: 1.0\n"
                         "Content-Type: text/plain; charset=UTF-8\n"
                         "Content-Transfer-Encoding: 8bit\n" % locale)
    text = po.format_file(header, out)
    names = {po.quote(t.ctx) for t in template}
    blocks = ["\n".join(lines) for ctx, lines in kept if ctx not in names]
    if obsolete or blocks:
        for e in obsolete:
            blocks.append("\n".join("#~ " + line for line in
                                    po.format_field("msgctxt", e.ctx)
                                    + po.format_field("msgid", e.msgid)
                                    + po.format_field("msgstr", e.msgstr)))
        text += "\n" + "\n\n".join(blocks) + "\n"
    return text


def main(argv):
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--pot", required=True)
    ap.add_argument("--linguas", required=True)
    ap.add_argument("--po-dir", required=True)
    args = ap.parse_args(argv)
    try:
        _, template = po.parse(args.pot)
        locales = po.read_linguas(args.linguas)
        for loc in locales:
            path = os.path.join(args.po_dir, loc + ".po")
            header, entries = po.parse(path) if os.path.exists(path) else (None, [])
            text = merge(template, header, entries, loc, obsolete_blocks(path))
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("po-update: %s" % path)
    except po.PoError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
