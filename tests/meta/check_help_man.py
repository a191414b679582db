#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A tool's --help, --version and man page agree.

Usage: check_help_man.py VERSION TOOL MAN_PAGE
       check_help_man.py --self-test

The contract every example tool follows (docs/design.md, section 7):

- `TOOL --help` prints its usage on standard output, nothing on standard
  error, and exits 0;
- `TOOL --version` prints "<tool> (smtpreply VERSION)" first on standard
  output and exits 0 (VERSION is the project's, given by meson; a tool may
  say more after it, as smtp-probe names its TLS library);
- the long options named in the --help output (every "--name") are exactly
  those the man page's OPTIONS section documents: each `.TP` paragraph there
  names its options in its tag line, the line after `.TP`, as `\\-\\-name`
  (roff writes a hyphen inside a name as `\\-` too). An option mentioned
  only inside another option's paragraph does not count as documented.

Prints what differs, then "N passed, N failed"; exits 1 on any failure.
--self-test runs the comparison on a table of small help texts and pages,
including pages and help texts that lack an option on either side, so the
check is shown to fail when it must.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from toolcheck import check, finish  # noqa: E402

HELP_OPTION = re.compile(r"(?<![\w-])--([a-z0-9][a-z0-9-]*)")
# In roff source: \-\-name, the name's own hyphens written \- as well.
MAN_OPTION = re.compile(r"\\-\\-((?:[a-z0-9]|\\-)+)")


def help_options(text):
    """Every --name in a --help text."""
    return set(HELP_OPTION.findall(text))


def man_options(source):
    """(options, problems): the long options named by the tag lines of the
    OPTIONS section of a man page's roff source."""
    lines = source.splitlines()
    problems = []
    try:
        start = next(i for i, l in enumerate(lines) if re.match(r"\.SH\s+\"?OPTIONS\"?\s*$", l))
    except StopIteration:
        return set(), ["no OPTIONS section"]
    found = set()
    i = start + 1
    while i < len(lines) and not lines[i].startswith(".SH"):
        if re.match(r"\.TP\b", lines[i]):
            j = i + 1
            # Comments and spacing requests between .TP and its tag.
            while j < len(lines) and re.match(r"\.(\\\"|PD\b)", lines[j]):
                j += 1
            if j < len(lines) and not lines[j].startswith(".SH"):
                tag = lines[j]
                names = [m.replace("\\-", "-") for m in MAN_OPTION.findall(tag)]
                # "\-\-" alone (the end of options) names no option.
                found.update(n for n in names if n and n[0] != "-")
            i = j
        else:
            i += 1
    if not found:
        problems.append("the OPTIONS section names no option in a .TP tag line")
    return found, problems


def compare(help_text, man_source):
    """The problems with one tool's help text against its man page."""
    in_help = help_options(help_text)
    in_man, problems = man_options(man_source)
    for name in sorted(in_help - in_man):
        problems.append("--%s is in --help but not in the man page's OPTIONS" % name)
    for name in sorted(in_man - in_help):
        problems.append("--%s is in the man page's OPTIONS but not in --help" % name)
    return problems


# ---- the check of one tool ----



def run(tool, arg):
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    p = subprocess.run([tool, arg], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=30)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check_tool(version, tool, man_path):
    name = os.path.basename(tool)
    if name.endswith(".exe"):
        name = name[:-4]
    rc, out, err = run(tool, "--help")
    check(rc == 0, "%s --help: exit %d, want 0" % (name, rc))
    check(out.strip() != "" and err == "",
          "%s --help: the usage belongs on standard output only (stderr %r)" % (name, err[:200]))
    with open(man_path, encoding="utf-8") as f:
        source = f.read()
    problems = compare(out, source)
    for p in problems:
        check(False, "%s: %s" % (name, p))
    if not problems:
        check(True, "")
        print("%s: --help and %s name the same %d long options: %s"
              % (name, os.path.basename(man_path), len(help_options(out)),
                 " ".join(sorted(help_options(out)))))
    rc, out, err = run(tool, "--version")
    want = "%s (smtpreply %s)" % (name, version)
    first = out.splitlines()[0] if out else ""
    check(rc == 0, "%s --version: exit %d, want 0 (stderr %r)" % (name, rc, err[:200]))
    check(first == want or first.startswith(want + ","),
          "%s --version: first line %r, want %r" % (name, first, want))


# ---- the self-test: the comparison on a table ----

PAGE = r""".TH T 1
.SH SYNOPSIS
.B t
.RB [ \-\-json ]
.SH OPTIONS
.TP
.B \-\-json
JSON output; see also
.BR \-\-not\-an\-option .
.TP
.BI \-\-chunk\-size " N"
Feed N bytes.
.TP
.\" a comment between .TP and its tag
.BR \-h ", " \-\-help
Usage.
.TP
.B \-\-
The end of options.
%s.SH EXIT STATUS
.TP
.B \-\-later
Not an option here.
"""
VERSION_TP = ".TP\n.B \\-\\-version\nThe version.\n"
HELP = "usage: t [--json] [--chunk-size N]\n  --help, --version\n"

SELF_TESTS = [
    # (name, help text, man source, want problems containing these, in order)
    ("equal sets", HELP, PAGE % VERSION_TP, []),
    ("missing from the man page", HELP, PAGE % "",
     ["--version is in --help but not in the man page"]),
    ("missing from --help", "usage: t [--json] [--chunk-size N]\n  --help\n", PAGE % VERSION_TP,
     ["--version is in the man page's OPTIONS but not in --help"]),
    ("both sides miss one", "usage: t [--json] [--chunk-size N] [--extra]\n  --help\n",
     PAGE % VERSION_TP,
     ["--extra is in --help but not", "--version is in the man page's OPTIONS but not"]),
    ("hyphens written plainly in roff are not escapes", HELP,
     (PAGE % VERSION_TP).replace(r"\-\-chunk\-size", "--chunk-size"),
     ["--chunk-size is in --help but not"]),
    ("a mention in a paragraph body is not documentation", HELP + "  --not-an-option\n",
     PAGE % VERSION_TP, ["--not-an-option is in --help but not"]),
    ("no OPTIONS section", HELP, ".TH T 1\n.SH DESCRIPTION\nx\n",
     ["no OPTIONS section", "--chunk-size is in --help", "--help is in --help",
      "--json is in --help", "--version is in --help"]),
    ("a word with two hyphens inside is not an option", HELP + "  see smtp--x and a--b\n",
     PAGE % VERSION_TP, []),
]


def self_test():
    for name, help_text, page, want in SELF_TESTS:
        got = compare(help_text, page)
        check(len(got) == len(want) and all(w in g for w, g in zip(want, got)),
              "self-test %s: got %r, want %r" % (name, got, want))
    check(man_options(PAGE % VERSION_TP)[0] == {"json", "chunk-size", "help", "version"},
          "self-test: the options of the sample page")


def main(argv):
    if argv == ["--self-test"]:
        self_test()
    elif len(argv) == 3:
        check_tool(*argv)
    else:
        sys.exit(__doc__)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
