#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the README's commands in the order written, on a fresh clone, and compare
every sample output block with what the commands print.

Usage:
  readme_test.py [--update] [--keep] [--done=COMMAND]... [REPO]
                                              run (REPO: default, this checkout)
  readme_test.py --check [REPO]               the markup alone, nothing run

--done=COMMAND: a README command the caller has already run on the same tree
(tools/test-all.sh passes the test-suite line, which its gcc step has just run
with every test); it is listed as not run, with that reason, instead of running
a second time. COMMAND is the whole command as the README writes it, its
trailing "# comment" left out or not.

REPO is cloned with `git clone` into an empty temporary folder (nothing beside
it); changes to tracked files that are not committed yet are applied to the
clone, so what is tested is the working tree as git sees it. HOME is an empty
folder of its own, so anything the README installs "for the user" stays in the
scratch space. Each command runs in bash with its standard output and error on a
pseudo-terminal of 80 columns (a program shows what it shows a person at a
terminal; NO_COLOR is set), standard input from /dev/null; the working folder and
the exported variables carry over from one command to the next, as in one shell.

The markup in README.md (fenced blocks, with HTML comments that a reader of the
rendered page does not see):

  ```sh        Commands, one per line (a line ending in a backslash goes on).
               Each must exit 0. What they print is compared only when a
               ```text block follows directly.
  ```text      Right after a ```sh block: what its commands print, together.
  ```console   Commands after "$ " and, below each, exactly what it prints.
  Any other block (```c, ```python, plain ```) is not run; a plain block with a
  line starting "$ " is an error, so that no command goes unnoticed.

  In a sample, a line that is only "..." (any indentation) stands for one or more
  lines that are left out; every other line must match its output line exactly
  (trailing blanks aside).

Directives, one HTML comment per line, on the lines right above a block:

  <!-- readme-test: not run: REASON -->               the block is not run
  <!-- readme-test: not run `COMMAND`: REASON -->     only its lines starting
                                                      with COMMAND are not run
  <!-- readme-test: exit N -->                        its commands exit N
  <!-- readme-test: vary REGEX -->                    in its sample, text that
                                                      matches REGEX (Python re)
                                                      may differ (times, paths)
  <!-- readme-test: run with COMMAND -->              a code block (```python,
                                                      ```js, ...) is run: its
                                                      text is COMMAND's standard
                                                      input; a ```text block
                                                      right after it is what it
                                                      prints

A REASON is required. The README's first block must hold the command that .ci/run
runs ("runs every test", so never run here, which would recurse) marked as not
run, and at least one command that is run (the demo).

--update rewrites each sample block from what its commands printed (keeping its
"..." lines where the lines around them still show up), so samples are produced
by the tool; review the diff and commit. --keep leaves the scratch folders.
Exit status: 0 all matched, 1 a command failed or a sample differs, 2 usage or
markup error.
"""

import difflib
import errno
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

DIRECTIVE = re.compile(r"^<!--\s*readme-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^```\s*([A-Za-z0-9_+-]*)\s*$")
ELISION = re.compile(r"^\s*\.\.\.\s*$")
COMMAND_TIMEOUT = 3600          # seconds; a whole build and test run fits easily
IDLE_AFTER_EXIT = 2.0           # seconds to drain output once bash has exited


class MarkupError(Exception):
    pass


class Block:
    def __init__(self, lang, start, body):
        self.lang = lang            # "sh", "console", "text", or another language
        self.start = start          # 1-based line of the opening fence
        self.body = body            # lines between the fences
        self.not_run = None         # reason the whole block is not run
        self.not_run_cmds = []      # [(prefix, reason)]
        self.exit = 0
        self.vary = []              # compiled regexes
        self.run_with = None        # command that reads a code block on stdin
        self.sample_of = None       # for a text block: the sh block it shows


class Command:
    def __init__(self, text, line, block):
        self.text = text
        self.line = line            # 1-based README line
        self.block = block
        self.not_run = None         # reason
        self.sample = None          # list of expected lines (console), or None


def parse_directive(block, text, line):
    m = re.match(r"not run(?:\s+`([^`]+)`)?\s*:\s*(.*)$", text)
    if m:
        if not m.group(2):
            raise MarkupError("line %d: 'not run' needs a reason" % line)
        if m.group(1):
            block.not_run_cmds.append((m.group(1), m.group(2)))
        else:
            block.not_run = m.group(2)
        return
    m = re.match(r"exit\s+(\d+)$", text)
    if m:
        block.exit = int(m.group(1))
        return
    m = re.match(r"run with\s+(.+)$", text)
    if m:
        block.run_with = m.group(1)
        return
    m = re.match(r"vary\s+(.+)$", text)
    if m:
        try:
            block.vary.append(re.compile(m.group(1)))
        except re.error as e:
            raise MarkupError("line %d: vary: bad regular expression: %s" % (line, e))
        return
    raise MarkupError("line %d: unknown directive %r" % (line, text))


def parse_readme(lines):
    """Blocks of the README, with their directives attached."""
    blocks, pending, i = [], [], 0
    while i < len(lines):
        s = lines[i].rstrip("\n")
        d = DIRECTIVE.match(s.strip())
        m = FENCE.match(s)
        if d:
            pending.append((d.group(1), i + 1))
        elif m:
            lang, start, body = m.group(1), i + 1, []
            i += 1
            while i < len(lines) and not lines[i].rstrip("\n").startswith("```"):
                body.append(lines[i].rstrip("\n"))
                i += 1
            if i == len(lines):
                raise MarkupError("line %d: fenced block never closed" % start)
            b = Block(lang, start, body)
            for text, line in pending:
                parse_directive(b, text, line)
            pending = []
            blocks.append((b, start, i + 1))
        elif s.strip() and "readme-test" in s:
            raise MarkupError("line %d: a readme-test comment must be a line of its own: %s"
                              % (i + 1, s.strip()))
        elif s.strip() and pending:
            raise MarkupError("line %d: directive not followed by a fenced block"
                              % pending[0][1])
        i += 1
    if pending:
        raise MarkupError("line %d: directive not followed by a fenced block" % pending[0][1])
    return blocks


def commands_of(lines):
    """[(text, offset)] of a sh block: one command per line, backslash goes on."""
    out, cur, first = [], [], 0
    for n, line in enumerate(lines):
        if not cur:
            if not line.strip():
                continue
            first = n
        cur.append(line)
        if not line.rstrip().endswith("\\"):
            out.append(("\n".join(cur), first))
            cur = []
    if cur:
        out.append(("\n".join(cur), first))
    return out


def plan(readme_text):
    """Blocks and the commands to run, in order; raises MarkupError."""
    blocks = parse_readme(readme_text.splitlines(True))
    commands, prev_sh, prev_end = [], None, None
    for b, start, end in blocks:
        if b.run_with is not None and b.lang in ("sh", "console", "text", ""):
            raise MarkupError("line %d: 'run with' is for code blocks" % start)
        if b.lang == "sh":
            for text, off in commands_of(b.body):
                c = Command(text, start + 1 + off, b)
                if b.not_run:
                    c.not_run = b.not_run
                for prefix, reason in b.not_run_cmds:
                    if text.startswith(prefix):
                        c.not_run = reason
                commands.append(c)
            for prefix, reason in b.not_run_cmds:
                if not any(c.block is b and c.text.startswith(prefix) for c in commands):
                    raise MarkupError("line %d: 'not run `%s`' names no command of the block"
                                      % (start, prefix))
        elif b.lang == "console":
            cur = None
            for n, line in enumerate(b.body):
                if line.startswith("$ "):
                    cur = Command(line[2:], start + 1 + n, b)
                    cur.sample = []
                    cur.not_run = b.not_run
                    commands.append(cur)
                elif cur is None:
                    if line.strip():
                        raise MarkupError("line %d: console block must start with '$ '"
                                          % (start + 1 + n))
                else:
                    cur.sample.append(line)
            if b.not_run_cmds:
                raise MarkupError("line %d: in a console block, mark the whole block" % start)
        elif b.run_with is not None:
            mark = "README_TEST_EOF"
            c = Command("%s <<'%s'\n%s\n%s" % (b.run_with, mark, "\n".join(b.body), mark),
                        start, b)
            c.not_run = b.not_run
            commands.append(c)
        elif b.lang == "text" and prev_sh is not None and prev_end is not None \
                and readme_gap_is_blank(readme_text, prev_end, start):
            b.sample_of = prev_sh
            if prev_sh.not_run:
                raise MarkupError("line %d: a sample of a block that is not run" % start)
        elif b.lang in ("bash", "shell", "shell-session", "zsh"):
            raise MarkupError("line %d: use ```sh for commands, ```console for commands "
                              "with their output" % start)
        elif b.lang in ("", "text"):
            for n, line in enumerate(b.body):
                if line.startswith("$ "):
                    raise MarkupError("line %d: a command in a ```%s block: use ```console "
                                      "(or mark it)" % (start + 1 + n, b.lang))
        if (b.exit or b.vary) and b.run_with is None \
                and b.lang not in ("sh", "console", "text"):
            raise MarkupError("line %d: directive on a block that is not run" % start)
        prev_sh = b if b.lang == "sh" or b.run_with is not None else None
        prev_end = end
    return [b for b, _, _ in blocks], commands


def readme_gap_is_blank(text, after_line, before_line):
    """True when only blank lines or directives lie between two fences."""
    lines = text.splitlines()
    for s in lines[after_line:before_line - 1]:
        if s.strip() and not DIRECTIVE.match(s.strip()):
            return False
    return True


def ci_command(repo):
    """The command .ci/run executes (its exec line)."""
    path = os.path.join(repo, ".ci", "run")
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*exec\s+(.+?)\s*$", line)
            if m:
                return m.group(1)
    raise MarkupError(".ci/run has no exec line")


def check_opening(blocks, commands, repo):
    """The first block: the demo (run) and the command .ci/run calls (not run)."""
    ci = ci_command(repo)
    first = blocks[0] if blocks else None
    if first is None or first.lang != "sh":
        raise MarkupError("README.md must open with a ```sh block")
    mine = [c for c in commands if c.block is first]
    shell = [re.sub(r"\s+#.*$", "", c.text).strip() for c in mine]
    if ci not in shell:
        raise MarkupError("the first block of README.md lacks %r, which .ci/run runs" % ci)
    cmd = mine[shell.index(ci)]
    if not cmd.not_run:
        raise MarkupError("line %d: %r runs every test, this one too: mark it not run"
                          % (cmd.line, ci))
    if not any(not c.not_run for c in mine):
        raise MarkupError("the first block of README.md has no command that is run")
    return ci


# --- comparing ---------------------------------------------------------------

def norm(line, vary):
    line = line.rstrip()
    for rx in vary:
        line = rx.sub("\x00", line)
    return line


def segments(sample):
    """Split a sample at its "..." lines: [(lines, elided_before)]."""
    segs, cur, elided = [], [], False
    for line in sample:
        if ELISION.match(line):
            segs.append((cur, elided))
            cur, elided = [], True
        else:
            cur.append(line)
    segs.append((cur, elided))
    return segs


def trim(lines):
    lines = [l.rstrip() for l in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def matches(sample, out, vary):
    """True when out shows as sample (with its elisions)."""
    segs = segments(trim(sample))
    out = trim(out)
    o = [norm(l, vary) for l in out]
    pos = 0
    for k, (seg, elided) in enumerate(segs):
        s = [norm(l, vary) for l in seg]
        last = k == len(segs) - 1
        lo = pos + (1 if elided else 0)
        if last:
            start = len(o) - len(s)
            if start < lo or o[start:] != s or (not elided and start != pos):
                return False
            return True
        if not elided:
            if o[pos:pos + len(s)] != s:
                return False
            pos += len(s)
            continue
        found = None
        for start in range(lo, len(o) - len(s) + 1):
            if o[start:start + len(s)] == s:
                found = start
                break
        if found is None:
            return False
        pos = found + len(s)
    return True


def updated(sample, out, vary):
    """A new sample from out, keeping the "..." lines where it can."""
    out = trim(out)
    sample = trim(sample)
    if not any(ELISION.match(l) for l in sample):
        return out
    segs = segments(sample)
    marks = [l for l in sample if ELISION.match(l)]
    o = [norm(l, vary) for l in out]
    new, pos = [], 0
    for k, (seg, elided) in enumerate(segs):
        last = k == len(segs) - 1
        if elided:
            new.append(marks[k - 1])
        if not seg:
            if last and elided and pos >= len(out):
                return out
            continue
        if k == 0:
            new += out[:len(seg)]
            pos = len(seg)
        elif last:
            # The closing lines: from where its first line shows up again (it
            # may have grown or shrunk), else as many lines as it had.
            head = norm(seg[0], vary)
            start = len(out) - len(seg)
            if head in o[pos + 1:]:
                start = len(o) - 1 - o[::-1].index(head)
            if start <= pos:
                return out
            new += out[start:]
            pos = len(out)
        else:
            head = norm(seg[0], vary)
            try:
                start = o.index(head, pos + 1)
            except ValueError:
                return out
            new += out[start:start + len(seg)]
            pos = start + len(seg)
    return new if matches(new, out, vary) else out


# --- running -----------------------------------------------------------------

WRAPPER = r'''
cd "$(cat "$STATE_DIR_/cwd")" || exit 125
. "$STATE_DIR_/env"
%s
rc_=$?
export -p >"$STATE_DIR_/env"
pwd >"$STATE_DIR_/cwd"
exit $rc_
'''


def run_on_pty(argv, env, cwd, log):
    """Run argv with its output on a pseudo-terminal; return (status, bytes)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST          # no CR before each LF
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                         cwd=cwd, env=env, start_new_session=True)
    os.close(slave)
    data = bytearray()
    deadline = time.monotonic() + COMMAND_TIMEOUT
    exited_at = None
    try:
        while True:
            if p.poll() is not None and exited_at is None:
                exited_at = time.monotonic()
            if exited_at is not None and time.monotonic() - exited_at > IDLE_AFTER_EXIT:
                break                   # something in the background holds the terminal
            if time.monotonic() > deadline:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                log.write(data)
                return None, bytes(data)
            r, _, _ = select.select([master], [], [], 0.2)
            if not r:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError as e:
                if e.errno != errno.EIO:
                    raise
                break                   # every writer has closed the terminal
            if not chunk:
                break
            data += chunk
            log.write(chunk)
            log.flush()
    finally:
        os.close(master)
    return p.wait(), bytes(data)


class Runner:
    def __init__(self, repo, keep):
        self.work = tempfile.mkdtemp(prefix="readme-test-")
        self.parent = tempfile.mkdtemp(prefix="readme-clone-")
        self.keep = keep
        self.clone = os.path.join(self.parent, os.path.basename(os.path.abspath(repo)))
        self.home = os.path.join(self.work, "home")
        self.state = os.path.join(self.work, "state")
        self.logs = os.path.join(self.work, "logs")
        for d in (self.home, self.state, self.logs):
            os.makedirs(d)
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", repo, self.clone],
                       check=True)
        diff = subprocess.run(["git", "-C", repo, "diff", "--binary", "HEAD"],
                              capture_output=True, check=True).stdout
        if diff:
            print("readme-test: uncommitted changes to tracked files are tested too")
            subprocess.run(["git", "-C", self.clone, "apply", "--binary", "-"], input=diff,
                           check=True)
        keep_vars = ("PATH", "USER", "LOGNAME", "http_proxy", "https_proxy", "no_proxy",
                     "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
        env = {k: os.environ[k] for k in keep_vars if k in os.environ}
        env.update({"HOME": self.home, "LANG": "C.UTF-8", "TERM": "dumb", "NO_COLOR": "1",
                    "SHELL": "/bin/bash", "TMPDIR": self.work})
        self.env = env
        with open(os.path.join(self.state, "env"), "w") as f:
            for k, v in sorted(env.items()):
                f.write("export %s=%s\n" % (k, shell_quote(v)))
        with open(os.path.join(self.state, "cwd"), "w") as f:
            f.write(self.clone + "\n")
        self.n = 0

    def run(self, cmd):
        """Run one command; return (status, output lines)."""
        self.n += 1
        script = os.path.join(self.state, "cmd-%03d.sh" % self.n)
        with open(script, "w") as f:
            f.write(WRAPPER % cmd.text)
        env = dict(self.env, STATE_DIR_=self.state)
        with open(os.path.join(self.logs, "%03d.log" % self.n), "wb") as log:
            log.write(("$ %s\n" % cmd.text).encode())
            status, data = run_on_pty(["bash", "--noprofile", "--norc", script], env,
                                      self.clone, log)
        text = data.decode("utf-8", "replace").replace("\r\n", "\n")
        return status, text.split("\n")

    def close(self):
        if self.keep:
            print("readme-test: kept %s (clone) and %s (home, logs)" % (self.parent, self.work))
            return
        for d in (self.parent, self.work):
            subprocess.run(["chmod", "-R", "u+w", d], check=False)
            shutil.rmtree(d, ignore_errors=True)


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def show_diff(sample, out, where):
    print("readme-test: %s: the sample differs from the output:" % where)
    for line in difflib.unified_diff(trim(sample), trim(out), "README.md", "output",
                                     lineterm=""):
        print("  " + line)


def rewrite(readme_lines, block, new_body):
    """Replace block's body (in place, by line numbers) in readme_lines."""
    start = block.start              # 1-based fence line; body starts after it
    end = start + len(block.body)    # exclusive index of the closing fence
    readme_lines[start:end] = [l + "\n" for l in new_body]


DONE_REASON = "the caller ran it on this tree already (--done)"


def mark_done(commands, done):
    """Mark the commands named by --done as not run; each must exist."""
    for text in done:
        hits = [c for c in commands if text in (c.text, c.text.split(" #")[0].rstrip())]
        if not hits:
            raise MarkupError("--done=%r is not a command of the README" % text)
        for c in hits:
            c.not_run = c.not_run or DONE_REASON


def run_all(repo, update, keep, done=()):
    repo = os.path.abspath(repo)
    readme_path = os.path.join(repo, "README.md")
    t0 = time.monotonic()
    runner = Runner(repo, keep)
    try:
        with open(os.path.join(runner.clone, "README.md"), encoding="utf-8") as f:
            text = f.read()
        blocks, commands = plan(text)
        ci = check_opening(blocks, commands, runner.clone)
        mark_done(commands, done)
        print("readme-test: %s on a fresh clone in %s" % (readme_path, runner.clone))
        print("readme-test: %r (what .ci/run runs) is in the opening block, not run" % ci)
        outputs = {}                 # block -> accumulated output lines (sh)
        new_bodies = {}              # block -> new body lines (update)
        failed = ran = compared = 0
        for c in commands:
            short = c.text.splitlines()[0]
            if c.not_run:
                print("-- README.md:%d NOT RUN  %s\n   reason: %s" % (c.line, short, c.not_run))
                continue
            t = time.monotonic()
            print("-- README.md:%d RUN  %s" % (c.line, short), flush=True)
            status, out = runner.run(c)
            ran += 1
            print("   exit %s, %.0fs" % (status, time.monotonic() - t), flush=True)
            if status != c.block.exit:
                print("readme-test: README.md:%d: %r exited %s, want %d; its last lines:"
                      % (c.line, short, status, c.block.exit))
                for line in trim(out)[-40:]:
                    print("  | " + line)
                failed += 1
                break
            if c.sample is not None:
                compared += 1
                if update:
                    new = updated(c.sample, out, c.block.vary)
                    if new != trim(c.sample):
                        body = new_bodies.setdefault(c.block, list(c.block.body))
                        i = body.index("$ " + c.text)
                        j = i + 1
                        while j < len(body) and not body[j].startswith("$ "):
                            j += 1
                        body[i + 1:j] = new
                elif not matches(c.sample, out, c.block.vary):
                    show_diff(c.sample, out, "README.md:%d" % c.line)
                    failed += 1
            else:
                outputs.setdefault(c.block, []).extend(trim(out) if trim(out) else [])
        for b in blocks:
            if b.sample_of is None or (b.sample_of not in outputs and failed):
                continue
            out = outputs.get(b.sample_of, [])
            compared += 1
            if update:
                new = updated(b.body, out, b.vary + b.sample_of.vary)
                if new != trim(b.body):
                    new_bodies[b] = new
            elif not matches(b.body, out, b.vary + b.sample_of.vary):
                show_diff(b.body, out, "README.md:%d" % b.start)
                failed += 1
        if update and new_bodies and not failed:
            with open(readme_path, encoding="utf-8") as f:
                lines = f.readlines()
            if "".join(lines) != text:
                print("readme-test: README.md changed while the test ran; not rewritten")
                return 1
            for b in sorted(new_bodies, key=lambda b: -b.start):
                rewrite(lines, b, new_bodies[b])
            with open(readme_path, "w", encoding="utf-8") as f:
                f.writelines(lines)
            print("readme-test: rewrote %d sample block(s) of %s; review with git diff"
                  % (len(new_bodies), readme_path))
        not_run = sum(1 for c in commands if c.not_run)
        print("readme-test: %d commands run, %d not run (reasons above), %d samples %s, "
              "%d failed, %.0fs" % (ran, not_run, compared,
                                    "updated" if update else "compared", failed,
                                    time.monotonic() - t0))
        if failed:
            print("readme-test: logs of every command: %s" % runner.logs)
            runner.keep = True
        return 1 if failed else 0
    finally:
        runner.close()


def check_only(repo):
    with open(os.path.join(repo, "README.md"), encoding="utf-8") as f:
        text = f.read()
    blocks, commands = plan(text)
    ci = check_opening(blocks, commands, repo)
    samples = sum(1 for c in commands if c.sample is not None) + \
        sum(1 for b in blocks if b.sample_of is not None)
    run = [c for c in commands if not c.not_run]
    for c in commands:
        if c.not_run:
            print("not run: README.md:%d %s (%s)" % (c.line, c.text.splitlines()[0], c.not_run))
    print("README.md: %d commands to run, %d not run, %d samples; .ci/run runs %r"
          % (len(run), len(commands) - len(run), samples, ci))
    return 0


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    done = [a[len("--done="):] for a in argv if a.startswith("--done=")]
    opts = {a for a in argv if a.startswith("--") and not a.startswith("--done=")}
    unknown = opts - {"--update", "--keep", "--check", "--help"}
    if "--help" in opts:
        print(__doc__)
        return 0
    if unknown or len(args) > 1 or ("--check" in opts and (opts & {"--update", "--keep"} or done)):
        print("usage: readme_test.py [--update] [--keep] [--done=COMMAND]... [REPO]"
              " | --check [REPO]", file=sys.stderr)
        return 2
    repo = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "..", "..")
    try:
        if "--check" in opts:
            return check_only(os.path.abspath(repo))
        return run_all(repo, "--update" in opts, "--keep" in opts, done)
    except MarkupError as e:
        print("readme-test: README.md: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
