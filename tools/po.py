# SPDX-License-Identifier: MIT
"""Read and write gettext PO files, and pair each translation with its template.

The strings people read (the catalog's entries, the reason texts and the tools'
labels) live in po/: po/smtpreply.pot holds the English source text of each
string, keyed by a msgctxt that never changes ("basic.550.fix",
"explain.class"), and po/<locale>.po holds one locale's translations. The
generators (gen_catalog.py, gen_labels.py) and the check (po_check.py) read them
through this module; nothing here runs when the library runs.

A translation serves only when it is complete and current: its msgstr is not
empty, it is not marked fuzzy, its msgid is the template's msgid of today, and
it keeps the template's {1}..{9} placeholders. Anything else is reported and
the English text serves instead.

Only the subset of the PO format that this project uses is accepted: single
strings (no plural forms), UTF-8, msgctxt on every entry but the header.
Anything else stops with "file:line: message".
"""

import re
import sys

import datafile

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a",
           "b": "\b", "f": "\f", "v": "\v"}
ATTR = {"msgctxt": "ctx", "msgid": "msgid", "msgstr": "msgstr"}
PLACEHOLDER = re.compile(r"\{[1-9]\}")


class PoError(Exception):
    """A PO file this module cannot read; str() is "file:line: message"."""


class Entry:
    """One PO entry. ctx is None only for the header (msgid "")."""

    def __init__(self, line):
        self.line = line           # line of its first keyword
        self.ctx = None
        self.msgid = None
        self.msgstr = None
        self.flags = set()         # from "#," lines: fuzzy, ...
        self.comments = []         # "# " translator comments
        self.extracted = []        # "#." notes for translators
        self.previous = []         # "#|" lines, kept as written

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags


def unquote(text, path, line):
    """The value of one C-style quoted PO string ("..." with escapes)."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoError("%s:%d: expected a quoted string, got %s" % (path, line, text))
    body = text[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            raise PoError("%s:%d: unescaped quote inside a string" % (path, line))
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):
            raise PoError("%s:%d: string ends in a backslash" % (path, line))
        nxt = body[i + 1]
        if nxt in ESCAPES:
            out.append(ESCAPES[nxt])
            i += 2
        elif nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])
            if m is None:
                raise PoError("%s:%d: \\x without hex digits" % (path, line))
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        else:
            raise PoError("%s:%d: unknown escape \\%s" % (path, line, nxt))
    return "".join(out)


def parse_text(text, path):
    """(header entry or None, [entries]) from the text of a PO file."""
    entries = []
    header = None
    cur = None
    field = None               # the keyword the next continuation string extends
    seen = set()

    def finish():
        nonlocal cur, header
        if cur is None:
            return
        if cur.msgid is None or cur.msgstr is None:
            raise PoError("%s:%d: entry without msgid and msgstr" % (path, cur.line))
        if cur.ctx is None:
            if cur.msgid != "":
                raise PoError("%s:%d: entry %r has no msgctxt" % (path, cur.line, cur.msgid[:40]))
            if header is not None:
                raise PoError("%s:%d: second header entry" % (path, cur.line))
            header = cur
        else:
            if cur.ctx in seen:
                raise PoError("%s:%d: msgctxt %r appears twice" % (path, cur.line, cur.ctx))
            seen.add(cur.ctx)
            entries.append(cur)
        cur = None

    pending = Entry(1)         # comments collected before the next keyword
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r").strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue           # an obsolete entry: kept by tools, ignored here
        if line.startswith("#"):
            if cur is not None and cur.msgstr is not None:
                finish()
                pending = Entry(n)
            kind, rest = line[:2], line[2:].strip()
            if kind == "#,":
                pending.flags.update(f.strip() for f in rest.split(",") if f.strip())
            elif kind == "#.":
                pending.extracted.append(rest)
            elif kind == "#|":
                pending.previous.append(rest)
            elif kind == "#:":
                pass           # source references: none in this project
            else:
                pending.comments.append(line[1:].strip())
            continue
        m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)$", line)
        if m:
            key, value = m.group(1), m.group(2)
            if key == "msgid_plural" or key.startswith("msgstr["):
                raise PoError("%s:%d: plural forms are not used in this project" % (path, n))
            if key in ("msgctxt", "msgid") and cur is not None and cur.msgstr is not None:
                finish()
                pending = Entry(n)
            if cur is None:
                cur = pending
                cur.line = n
                pending = Entry(n)
            attr = ATTR[key]
            if getattr(cur, attr) is not None:
                raise PoError("%s:%d: %s given twice in one entry" % (path, n, key))
            if key == "msgid" and cur.msgstr is not None:
                raise PoError("%s:%d: msgid after msgstr" % (path, n))
            if key == "msgstr" and cur.msgid is None:
                raise PoError("%s:%d: msgstr before msgid" % (path, n))
            setattr(cur, attr, unquote(value, path, n))
            field = attr
            continue
        if line.startswith('"'):
            if cur is None or field is None:
                raise PoError("%s:%d: string outside an entry" % (path, n))
            setattr(cur, field, getattr(cur, field) + unquote(line, path, n))
            continue
        raise PoError("%s:%d: cannot read %r" % (path, n, line[:40]))
    finish()
    return header, entries


def parse(path):
    """(header, entries) of the PO file at path; PoError when it is not valid."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise PoError("%s:0: %s" % (path, e.strerror))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PoError("%s:0: not UTF-8 (byte %d)" % (path, e.start))
    header, entries = parse_text(text, path)
    if header is not None:
        m = re.search(r"charset=([A-Za-z0-9_-]+)", header.msgstr)
        if m and m.group(1).upper() not in ("UTF-8", "CHARSET"):
            raise PoError("%s:%d: charset %s; this project's PO files are UTF-8"
                          % (path, header.line, m.group(1)))
    return header, entries


def read_linguas(path):
    """Locale names from po/LINGUAS: whitespace-separated, '#' starts a comment."""
    names = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            for word in line.split("#", 1)[0].split():
                if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", word):
                    raise PoError("%s:%d: %r is not a locale name such as vi or pt_BR"
                                  % (path, n, word))
                if word == "en" or word in names:
                    raise PoError("%s:%d: %r listed twice (English is the template)"
                                  % (path, n, word))
                names.append(word)
    return names


def placeholders(s):
    return sorted(PLACEHOLDER.findall(s))


def status(template, entry):
    """Why a translation does not serve, or None when it does.

    template is the .pot entry (its msgid is today's English), entry the .po
    entry for the same msgctxt, or None when the .po has none.
    """
    if entry is None:
        return "missing"
    if entry.msgstr == "":
        return "untranslated"
    if entry.fuzzy:
        return "fuzzy"
    if entry.msgid != template.msgid:
        return "outdated (the English text changed)"
    if placeholders(entry.msgstr) != placeholders(template.msgid):
        return "placeholders differ from the English text"
    return None


class Catalog:
    """The template and every locale of po/, paired entry by entry."""

    def __init__(self, pot_path, linguas_path, po_dir):
        self.pot_path = pot_path
        _, self.template = parse(pot_path)
        for e in self.template:
            if e.msgstr != "":
                raise PoError("%s:%d: a template's msgstr stays empty" % (pot_path, e.line))
            if e.msgid == "":
                raise PoError("%s:%d: %s has no English text" % (pot_path, e.line, e.ctx))
        self.by_ctx = {e.ctx: e for e in self.template}
        self.locales = read_linguas(linguas_path)
        self.po = {}               # locale -> {ctx: entry}
        self.po_paths = {}
        self.stale = {}            # locale -> [entries whose msgctxt the template lacks]
        for loc in self.locales:
            path = "%s/%s.po" % (po_dir, loc)
            _, entries = parse(path)
            self.po_paths[loc] = path
            self.po[loc] = {e.ctx: e for e in entries}
            self.stale[loc] = [e for e in entries if e.ctx not in self.by_ctx]

    def text(self, locale, ctx):
        """The translation that serves, or None (English then serves)."""
        t = self.by_ctx[ctx]
        if locale == "en":
            return t.msgid
        e = self.po[locale].get(ctx)
        return e.msgstr if status(t, e) is None else None

    def problems(self, locale):
        """[(ctx, why)] for every template entry the locale does not serve."""
        out = []
        for t in self.template:
            why = status(t, self.po[locale].get(t.ctx))
            if why is not None:
                out.append((t.ctx, why))
        return out


def load(pot_path, linguas_path, po_dir):
    """A Catalog, or exit with the PO error message."""
    try:
        return Catalog(pot_path, linguas_path, po_dir)
    except PoError as e:
        sys.exit(str(e))


def c_string(s):
    """A C string literal for UTF-8 text s; non-ASCII bytes are kept as they are."""
    return datafile.c_string(s, ascii_only=False)


def quote(s):
    """A PO string literal for s."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t") + '"'


def format_field(key, value, width=79):
    """key "value" lines as gettext tools lay them out: long values wrapped at spaces."""
    one = "%s %s" % (key, quote(value))
    if len(one) <= width and "\n" not in value[:-1]:
        return [one]
    lines = ['%s ""' % key]
    chunk = ""
    for piece in re.findall(r"[^ \n]*(?: +|\n|$)", value):
        if not piece:
            continue
        if chunk and len(quote(chunk + piece)) > width:
            lines.append(quote(chunk))
            chunk = ""
        chunk += piece
        if piece.endswith("\n"):
            lines.append(quote(chunk))
            chunk = ""
    if chunk:
        lines.append(quote(chunk))
    return lines


def format_entry(e):
    """The lines of one entry, in the order gettext tools write them."""
    out = ["# " + c if c else "#" for c in e.comments]
    out += ["#. " + c for c in e.extracted]
    if e.flags:
        out.append("#, " + ", ".join(sorted(e.flags)))
    out += ["#| " + p for p in e.previous]
    if e.ctx is not None:
        out += format_field("msgctxt", e.ctx)
    out += format_field("msgid", e.msgid)
    out += format_field("msgstr", e.msgstr)
    return out


def format_file(header, entries):
    """The text of a PO file."""
    blocks = []
    if header is not None:
        blocks.append("\n".join(format_entry(header)))
    blocks += ["\n".join(format_entry(e)) for e in entries]
    return "\n\n".join(blocks) + "\n"


LIBRARY_NAMESPACES = ("severity", "category", "class", "basic", "enhanced", "reason")


def is_library_key(ctx):
    """Is this msgctxt one of the library catalog's (the rest are tool labels)?"""
    return ctx.split(".", 1)[0] in LIBRARY_NAMESPACES


def label_id(ctx):
    """The C enum constant of a tool label: "explain.key-differences" -> L_EXPLAIN_KEY_DIFFERENCES."""
    return "L_" + re.sub(r"[^A-Za-z0-9]", "_", ctx).upper()
