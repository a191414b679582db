# SPDX-License-Identifier: MIT
"""What the Python checks of the tools' output share (tests/explain/,
tests/po/): a count of checks that ends a script with "N passed, N failed",
a tool run without the caller's locale, and its --json document read.

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import toolcheck
    explain = toolcheck.Tool(sys.argv[1])
    rc, out, err = explain.run(["--lang", "vi", "550"])
    toolcheck.check(rc == 0, "--lang vi 550: exit %d" % rc)
    sys.exit(toolcheck.finish())

The strings of po/ come through tools/po.py: english() and translated().
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import po  # noqa: E402

# Unset for every run unless the check sets them: the caller's own locale changes nothing.
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
_passed = _failed = 0


def check(cond, what):
    """Count one check; a failed one is printed."""
    global _passed, _failed
    if cond:
        _passed += 1
    else:
        _failed += 1
        print("FAIL: " + what)


def finish():
    """Print "N passed, N failed"; the exit status for sys.exit()."""
    print("%d passed, %d failed" % (_passed, _failed))
    return 1 if _failed else 0


class Tool:
    """One tool under test, by the path the test was given."""

    def __init__(self, path):
        self.path = path

    def run(self, args, stdin=None, env=None, timeout=60):
        """Exit status, standard output and standard error (UTF-8 text) of
        the tool on args; the locale variables are those of env only."""
        e = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
        e.update(env or {})
        p = subprocess.run([self.path] + list(args), input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=e, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")

    def json(self, name, args, stdin=None, env=None, want_rc=0):
        """The one-line document of --json args, checked for its exit status
        and its form; None when it is not JSON."""
        rc, out, err = self.run(["--json"] + list(args), stdin, env)
        check(rc == want_rc, "%s --json: exit %d, want %d (%s)" % (name, rc, want_rc, err.strip()))
        try:
            doc = json.loads(out)
        except ValueError as e:
            check(False, "%s --json: not JSON (%s): %r" % (name, e, out[:300]))
            return None
        check(out.count("\n") == 1, "%s --json: not exactly one line" % name)
        return doc


def english(pot_path):
    """msgctxt -> English text of the template."""
    _, entries = po.parse(pot_path)
    return {e.ctx: e.msgid for e in entries}


def translated(po_path):
    """msgctxt -> translation of one locale's PO file."""
    _, entries = po.parse(po_path)
    return {e.ctx: e.msgstr for e in entries}
