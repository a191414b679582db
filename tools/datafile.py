# SPDX-License-Identifier: MIT
"""Read the registries in data/: CSV files whose first line names their source.

Every file in data/ starts with one comment line, "# ...", that says where its
rows come from and when they were compiled (a date written YYYY-MM-DD). The
generators refuse a file without it, so a registry cannot lose its provenance.
"""

import csv
import io
import re
import sys

DATE = re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b")


def fail(path, line, message):
    """Stop the build with a message that names the file and line."""
    sys.exit("%s:%d: %s" % (path, line, message))


def read_rows(path):
    """(line number, row dict) for every data row of the CSV at path."""
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    first, _, rest = text.partition("\n")
    if not first.startswith("# "):
        fail(path, 1, "the first line must be '# <source and date>'")
    if "ource" not in first or not DATE.search(first):
        fail(path, 1, "the header line must name the source and a date (YYYY-MM-DD)")
    reader = csv.DictReader(io.StringIO(rest, newline=""))
    rows = []
    for rec in reader:
        # DictReader.line_num counts lines of `rest`; the header line is one more.
        rows.append((reader.line_num + 1, rec))
    if not rows:
        fail(path, 2, "no data rows")
    return rows


def c_string(s, ascii_only=True):
    """A C string literal for s. Registry fields must be ASCII (ascii_only);
    the translations in po/ are UTF-8, whose non-ASCII bytes are kept as
    they are."""
    if ascii_only:
        try:
            s.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("non-ASCII text in a registry field: %r" % s)
    out = ['"']
    prev = ""
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\\%03o" % ord(ch))
        elif ch == "?" and prev == "?":
            out.append("\\?")          # no trigraphs
        else:
            out.append(ch)
        prev = ch
    out.append('"')
    return "".join(out)


def write(path, text):
    """Write a generated file (UTF-8, LF line ends)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
