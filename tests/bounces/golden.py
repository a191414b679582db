#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden tests for smtp-bounces: run the tool on the sample logs and DSN
messages in tests/data and compare its output byte for byte with the files in
tests/bounces/expected.

    golden.py EXE DATADIR EXPECTDIR [CASE...]        compare (all cases if none)
    golden.py --update EXE DATADIR EXPECTDIR [CASE...]   rewrite the expected files

The tool runs with DATADIR as its working directory and relative file names,
so the outputs do not depend on where the tree is checked out. Review a
regenerated file before committing it: it is the specification.
"""
import difflib
import glob
import os
import subprocess
import sys

# name -> (arguments, file fed on standard input or None, expected file)
LOGS = ["postfix", "exim", "sendmail", "opensmtpd"]


def cases(datadir):
    table = {}
    for log in LOGS:
        # --year: syslog times have none, and the outputs must not depend on today.
        table[log] = (["--year", "2026", log + ".log"], None, log + ".txt")
        table[log + "-json"] = (["--year", "2026", "--json", log + ".log"], None, log + ".jsonl")
    dsn = sorted(os.path.relpath(p, datadir)
                 for p in glob.glob(os.path.join(datadir, "dsn", "*.eml")))
    table["dsn"] = (dsn, None, "dsn.txt")
    table["dsn-json"] = (["--json"] + dsn, None, "dsn.jsonl")
    # Standard input gives the same summary as the file named on the command line.
    # postqueue -j: the deferred queue, one JSON record per message.
    table["postqueue"] = (["postqueue.jsonl"], None, "postqueue.txt")
    table["postqueue-json"] = (["--json", "postqueue.jsonl"], None, "postqueue.jsonl")
    table["postqueue-csv"] = (["--csv", "postqueue.jsonl"], None, "postqueue.csv")
    table["postfix-stdin"] = (["--year", "2026"], "postfix.log", "postfix.txt")
    table["exim-stdin-dash-json"] = (["--json", "-"], "exim.log", "exim.jsonl")
    return table


def run(exe, datadir, args, stdin_name):
    stdin = open(os.path.join(datadir, stdin_name), "rb") if stdin_name else subprocess.DEVNULL
    try:
        p = subprocess.run([exe] + args, cwd=datadir, stdin=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    finally:
        if stdin_name:
            stdin.close()
    return p


def main(argv):
    update = False
    if argv and argv[0] == "--update":
        update = True
        argv = argv[1:]
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    exe, datadir, expdir = os.path.abspath(argv[0]), argv[1], argv[2]
    table = cases(datadir)
    names = argv[3:] or sorted(table)
    passed = failed = 0
    for name in names:
        if name not in table:
            print("unknown case %r (known: %s)" % (name, ", ".join(sorted(table))))
            failed += 1
            continue
        args, stdin_name, expected_name = table[name]
        p = run(exe, datadir, args, stdin_name)
        got = p.stdout.decode("utf-8", "surrogateescape")
        path = os.path.join(expdir, expected_name)
        if p.returncode != 0:
            print("FAIL %s: exit status %d\n%s" % (name, p.returncode,
                                                  p.stderr.decode("utf-8", "replace")))
            failed += 1
            continue
        if update:
            if stdin_name is None:          # stdin cases share the file cases' output
                with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                    f.write(got)
                print("wrote %s" % path)
            passed += 1
            continue
        try:
            with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
                want = f.read()
        except OSError as e:
            print("FAIL %s: %s" % (name, e))
            failed += 1
            continue
        if got == want:
            print("ok   %s" % name)
            passed += 1
        else:
            print("FAIL %s: output differs from %s" % (name, path))
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True),
                fromfile="expected/" + expected_name, tofile="smtp-bounces " + " ".join(args)))
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
