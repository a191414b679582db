# SPDX-License-Identifier: MIT
"""What the table checks of smtp-bounces share (check_fields.py,
check_follow.py, check_hostile.py): the tool under test, run in a fixed zone
and locale, its --json events, and the count of checks that ends each script
with "N passed, N failed".

    import harness        # sys.argv[1] is the tool
    p = harness.run(["--json", "mail.log"])
    harness.check(p.returncode == 0, "exit 0", p.stderr)
    sys.exit(harness.finish())
"""
import json
import os
import subprocess
import sys

EXE = os.path.abspath(sys.argv[1])
# The log's local time is TZ's and the summary is English, whoever runs the tests.
ENV = dict(os.environ, TZ="UTC", LC_ALL="C", LANG="C")
_failures = []
_checks = 0


def check(cond, what, detail=""):
    """Count one check; a failed one is printed with the start of its detail."""
    global _checks
    _checks += 1
    if cond:
        print("PASS " + what)
    else:
        _failures.append(what)
        print("FAIL " + what + (("\n     " + str(detail)[:3000]) if detail else ""))


def run(args, stdin=b"", env=ENV, timeout=60):
    """The finished tool (subprocess.CompletedProcess, bytes) on args, with
    stdin (text or bytes; empty unless given) on its standard input."""
    return subprocess.run([EXE] + args, input=stdin.encode() if isinstance(stdin, str) else stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env)


def events_of(out):
    """The JSON objects of --json output, or a string saying why it is not UTF-8 JSON."""
    try:
        return [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]
    except (UnicodeDecodeError, ValueError) as e:
        return "not UTF-8 JSON: %s" % e


def events(args, stdin, env=ENV):
    """The tool with --json: (the finished process, its events)."""
    p = run(["--json"] + args, stdin, env)
    return p, events_of(p.stdout)


def finish():
    """Print "N passed, N failed"; the exit status for sys.exit()."""
    print("%d passed, %d failed" % (_checks - len(_failures), len(_failures)))
    return 1 if _failures else 0
