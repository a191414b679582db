#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Table tests of readme_test.py's markup, sample matching and --update, then
the markup of the project's own README.md (nothing is run).

Usage: test_markup.py SOURCE_ROOT
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import readme_test as rt  # noqa: E402

FAILED = []


def check(name, ok, detail=""):
    print("%s  %s%s" % ("PASS" if ok else "FAIL", name, (": " + detail) if detail and not ok else ""))
    if not ok:
        FAILED.append(name)


# (name, README text, expected commands as (text, not_run?, has_sample), or an
# error fragment)
PLANS = [
    ("sh block, two commands", "```sh\na\nb  # note\n```\n",
     [("a", False, False), ("b  # note", False, False)]),
    ("backslash continues a line", "```sh\na \\\n  b\nc\n```\n",
     [("a \\\n  b", False, False), ("c", False, False)]),
    ("console block", "```console\n$ x\nout\n$ y\n```\n",
     [("x", False, True), ("y", False, True)]),
    ("not run, whole block", "<!-- readme-test: not run: no server -->\n```sh\na\n```\n",
     [("a", True, False)]),
    ("not run, one command", "<!-- readme-test: not run `b`: why -->\n```sh\na\nb c\n```\n",
     [("a", False, False), ("b c", True, False)]),
    ("text after sh is its sample", "```sh\na\n```\n```text\nout\n```\n",
     [("a", False, False)]),
    ("c block is not run", "```c\n$ not a command\n```\n", []),
    ("not run needs a reason", "<!-- readme-test: not run: -->\n```sh\na\n```\n",
     "needs a reason"),
    ("unknown directive", "<!-- readme-test: skip -->\n```sh\na\n```\n", "unknown directive"),
    ("directive without a block", "<!-- readme-test: exit 1 -->\ntext\n```sh\na\n```\n",
     "not followed by a fenced block"),
    ("selector naming nothing", "<!-- readme-test: not run `zz`: why -->\n```sh\na\n```\n",
     "names no command"),
    ("plain block with a prompt", "```\n$ ls\n```\n", "use ```console"),
    ("bash block", "```bash\nls\n```\n", "use ```sh"),
    ("console without prompt", "```console\nout\n```\n", "must start with '$ '"),
    ("unclosed fence", "```sh\na\n", "never closed"),
    ("python block run with a command",
     "<!-- readme-test: run with venv/bin/python - -->\n```python\nprint(1)\n```\n",
     [("venv/bin/python - <<'README_TEST_EOF'\nprint(1)\nREADME_TEST_EOF", False, False)]),
    ("run with on a sh block", "<!-- readme-test: run with x -->\n```sh\na\n```\n",
     "is for code blocks"),
    ("sample of a block not run",
     "<!-- readme-test: not run: why -->\n```sh\na\n```\n```text\nout\n```\n",
     "sample of a block that is not run"),
    ("exit on a block that is not run", "<!-- readme-test: exit 1 -->\n```c\nx\n```\n",
     "directive on a block that is not run"),
    ("bad vary", "<!-- readme-test: vary ([ -->\n```console\n$ a\n```\n",
     "bad regular expression"),
]

# (name, sample, output, vary, want)
MATCHES = [
    ("equal", ["a", "b"], ["a", "b"], [], True),
    ("trailing blanks and final empty lines", ["a  ", "b"], ["a", "b", "", ""], [], True),
    ("one line differs", ["a", "b"], ["a", "c"], [], False),
    ("missing last line", ["a", "b"], ["a"], [], False),
    ("extra line", ["a"], ["a", "b"], [], False),
    ("elision in the middle", ["a", "...", "d"], ["a", "b", "c", "d"], [], True),
    ("elision needs one line", ["a", "...", "b"], ["a", "b"], [], False),
    ("elision at the end", ["a", "  ..."], ["a", "b", "c"], [], True),
    ("elision at both ends", ["...", "c", "..."], ["a", "b", "c", "d"], [], True),
    ("elided lines keep their order", ["a", "...", "c", "...", "b"], ["a", "b", "c", "d"], [],
     False),
    ("head must be at the start", ["b", "..."], ["a", "b", "c"], [], False),
    ("tail must be at the end", ["...", "b"], ["a", "b", "c"], [], False),
    ("vary matches a time", ["took 12 ms"], ["took 7 ms"], [r"\d+ ms"], True),
    ("vary is narrow", ["took 12 ms"], ["took 7 s"], [r"\d+ ms"], False),
    ("no vary, no tolerance", ["took 12 ms"], ["took 7 ms"], [], False),
]

# (name, sample, output, want sample after --update)
UPDATES = [
    ("no elision: the output", ["old"], ["new", "lines"], ["new", "lines"]),
    ("elisions kept", ["a", "...", "X"], ["a2", "b", "c", "X2"], ["a2", "...", "X2"]),
    ("middle anchor found again", ["...", "Key", "k1", "..."], ["t", "Key", "k2", "z"],
     ["...", "Key", "k2", "..."]),
    ("closing lines follow their first line", ["a", "...", "Totals", "t1"],
     ["a", "b", "Totals", "t1", "t2"], ["a", "...", "Totals", "t1", "t2"]),
    ("closing lines without their first line", ["a", "...", "Totals", "t1"],
     ["a", "b", "c", "d"], ["a", "...", "c", "d"]),
    ("anchor gone: the whole output", ["...", "Key", "..."], ["t", "u", "v"], ["t", "u", "v"]),
]


def main():
    for name, text, want in PLANS:
        try:
            _, cmds = rt.plan(text)
            got = [(c.text, bool(c.not_run), c.sample is not None) for c in cmds]
            if isinstance(want, str):
                check(name, False, "no error, want one containing %r" % want)
            else:
                check(name, got == want, "got %r" % got)
        except rt.MarkupError as e:
            check(name, isinstance(want, str) and want in str(e), "error %s" % e)
    blocks, _ = rt.plan("```sh\na\n```\n\n<!-- readme-test: vary x -->\n```text\nout\n```\n")
    check("a text block after sh, directives between, is its sample",
          blocks[1].sample_of is blocks[0])
    blocks, _ = rt.plan("```sh\na\n```\nwords\n```text\nout\n```\n")
    check("a text block after prose is not a sample", blocks[1].sample_of is None)

    for name, sample, out, vary, want in MATCHES:
        got = rt.matches(sample, out, [rt.re.compile(v) for v in vary])
        check("match: " + name, got == want, "got %r" % got)
    for name, sample, out, want in UPDATES:
        got = rt.updated(sample, out, [])
        check("update: " + name, got == want, "got %r" % got)
        check("update: %s: the result matches" % name, rt.matches(got, out, []))

    # --done: the named command (with or without its comment) is not run, with the
    # reason; another command stays run; a command the README lacks is an error.
    text = "```sh\nmake all   # build\nmake check\n```\n"
    for done in ("make all", "make all   # build"):
        _, cmds = rt.plan(text)
        rt.mark_done(cmds, [done])
        check("--done=%r: not run, with its reason" % done,
              [c.not_run for c in cmds] == [rt.DONE_REASON, None],
              "got %r" % [c.not_run for c in cmds])
    _, cmds = rt.plan(text)
    try:
        rt.mark_done(cmds, ["make install"])
        check("--done with a command the README lacks is an error", False, "no error")
    except rt.MarkupError as e:
        check("--done with a command the README lacks is an error", "make install" in str(e))

    # The opening block: the command .ci/run runs, not run; the demo, run.
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, ".ci"))
        with open(os.path.join(d, ".ci", "run"), "w") as f:
            f.write("#!/bin/sh\nexec bash tools/test-all.sh\n")
        cases = [
            ("opening block as it should be",
             "<!-- readme-test: not run `bash tools/test-all.sh`: recursion -->\n"
             "```sh\nbash tools/demo.sh\nbash tools/test-all.sh   # all\n```\n", None),
            ("CI command run by the test", "```sh\nbash tools/demo.sh\nbash tools/test-all.sh\n```\n",
             "mark it not run"),
            ("CI command missing", "```sh\nbash tools/demo.sh\n```\n", "lacks"),
            ("nothing run in the opening block",
             "<!-- readme-test: not run: x -->\n```sh\nbash tools/test-all.sh\n```\n",
             "no command that is run"),
            ("README opening with prose in a block", "```c\nint x;\n```\n", "must open"),
        ]
        for name, text, want in cases:
            try:
                blocks, cmds = rt.plan(text)
                rt.check_opening(blocks, cmds, d)
                check(name, want is None, "no error, want %r" % want)
            except rt.MarkupError as e:
                check(name, want is not None and want in str(e), "error %s" % e)

    # The project's README.
    root = os.path.abspath(sys.argv[1])
    try:
        check("README.md markup", rt.check_only(root) == 0)
    except rt.MarkupError as e:
        check("README.md markup", False, str(e))
    # CI runs the README's commands: tools/test-all.sh has the step, in its
    # default list, and the step calls readme_test.py.
    with open(os.path.join(root, "tools", "test-all.sh"), encoding="utf-8") as f:
        script = f.read()
    steps = rt.re.search(r"^ALL=\(([^)]*)\)", script, rt.re.M)
    check("tools/test-all.sh runs the readme step by default",
          steps is not None and "readme" in steps.group(1).split())
    check("the readme step runs tests/readme/readme_test.py",
          rt.re.search(r"step_readme\(\) \{[^}]*tests/readme/readme_test\.py", script)
          is not None)
    print("%d failed" % len(FAILED))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
