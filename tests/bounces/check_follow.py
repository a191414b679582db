#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-bounces --follow with a log that grows while it runs:

- from the end (the default): lines already there are not reported, lines
  appended later are, one JSON object each as soon as it is written, with the
  file's own line numbers;
- --from-start reports what the file holds first;
- a rotated log (renamed, a new file under the name) and a truncated log are
  read again from their start;
- it sleeps between reads (its CPU time while the log is idle stays small);
- SIGTERM and SIGINT end it cleanly: exit 0, and without --json the summary
  of what it saw;
- --follow needs exactly one FILE, not standard input.

Every wait is bounded; a tool that hangs is killed and the check fails.

    check_follow.py EXE        ends with "N passed, N failed"
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

from harness import ENV, EXE, check, finish, run

WAIT = 15.0                     # seconds for anything to show up


def line(rcpt, qid="Q1", status="bounced"):
    reply = ("host mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)"
             if status == "bounced" else "connect to mx.example.com[192.0.2.1]:25: Connection refused")
    return ("Nov 27 09:00:02 mail postfix/smtp[1]: %s: to=<%s>, relay=mx.example.com[192.0.2.1]:25, "
            "delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=%s (%s)\n" % (qid, rcpt, status, reply))


def append(path, text):
    with open(path, "a") as f:
        f.write(text)


class Tool:
    def __init__(self, args):
        self.p = subprocess.Popen([EXE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=ENV)
        self.buf = b""

    def read_events(self, n, timeout=WAIT):
        """Up to n JSON lines, waiting at most timeout seconds."""
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            while b"\n" in self.buf and len(out) < n:
                raw, self.buf = self.buf.split(b"\n", 1)
                out.append(json.loads(raw))
            if len(out) >= n:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if not r:
                break
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                break
            self.buf += chunk
        return out

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            out, err = self.p.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            out, err = self.p.communicate()
            return None, self.buf + out, err
        return self.p.returncode, self.buf + out, err

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.p.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "mail.log")
        with open(log, "w") as f:
            f.write(line("old@example.com"))

        # From the end: the old line is skipped, new lines come as they are written.
        t = Tool(["--follow", "--json", "--year", "2026", log])
        time.sleep(0.5)
        append(log, line("new1@example.com"))
        ev = t.read_events(1)
        check([e["recipient"] for e in ev] == ["new1@example.com"] and ev[0]["line"] == 2,
              "follow: an appended line is reported with its line number", ev)
        append(log, line("new2@example.com", status="deferred"))
        ev = t.read_events(1)
        check([(e["recipient"], e["status"]) for e in ev] == [("new2@example.com", "deferred")],
              "follow: the next appended line too", ev)
        # A line written in two pieces is reported once, whole.
        text = line("split@example.com")
        append(log, text[:40])
        time.sleep(1.2)
        append(log, text[40:])
        ev = t.read_events(1)
        check([e["recipient"] for e in ev] == ["split@example.com"],
              "follow: a line written in two pieces is read whole", ev)
        # Idle: it sleeps between reads.
        if os.path.exists("/proc/%d/stat" % t.p.pid):
            before = t.cpu_seconds()
            time.sleep(2.0)
            used = t.cpu_seconds() - before
            check(used < 0.5, "follow: no busy loop while the log is idle (%.2f s CPU in 2 s)" % used)
        # Rotation: the name now points to a new file.
        os.rename(log, log + ".1")
        with open(log, "w") as f:
            f.write(line("rotated@example.com"))
        ev = t.read_events(1)
        check([(e["recipient"], e["line"]) for e in ev] == [("rotated@example.com", 1)],
              "follow: a rotated log is read from the new file's start", ev)
        # Truncation in place (copytruncate).
        with open(log, "w") as f:
            f.write("")
        time.sleep(1.2)
        append(log, line("after-truncate@example.com"))
        ev = t.read_events(1)
        check([(e["recipient"], e["line"]) for e in ev] == [("after-truncate@example.com", 1)],
              "follow: a truncated log is read again from its start", ev)
        start = time.monotonic()
        rc, out, err = t.stop(signal.SIGTERM)
        check(rc == 0 and time.monotonic() - start < 5, "follow: SIGTERM ends it, exit 0",
              (rc, err))
        check(b"rotated" in err and b"truncated" in err,
              "follow: rotation and truncation are said on standard error", err)

        # --from-start and the summary on SIGINT.
        log2 = os.path.join(tmp, "two.log")
        with open(log2, "w") as f:
            f.write(line("first@example.com"))
        t = Tool(["--follow", "--from-start", "--year", "2026", log2])
        time.sleep(0.8)
        append(log2, line("second@example.com", status="deferred"))
        time.sleep(1.5)
        rc, out, err = t.stop(signal.SIGINT)
        s = out.decode("utf-8", "replace")
        check(rc == 0 and "events  2 (bounced 1, deferred 1" in s,
              "follow: --from-start, and SIGINT prints the summary", (rc, s, err))

        # CSV lines stream as well.
        t = Tool(["--follow", "--csv", log2])
        time.sleep(0.5)
        append(log2, line("csv@example.com"))
        deadline = time.monotonic() + WAIT
        while b"csv@example.com" not in t.buf and time.monotonic() < deadline:
            r, _, _ = select.select([t.p.stdout], [], [], 0.5)
            if r:
                t.buf += os.read(t.p.stdout.fileno(), 65536)
        check(t.buf.startswith(b"recipient,") and b"csv@example.com" in t.buf,
              "follow: --csv rows are written as they come", t.buf)
        t.stop()

        # Usage errors.
        for args in (["--follow"], ["--follow", "-"], ["--follow", log, log2],
                     ["--from-start", log]):
            p = run(args, timeout=WAIT)
            check(p.returncode == 2, "follow: %s is a usage error" % " ".join(args[:2]),
                  p.stderr)

    return finish()


if __name__ == "__main__":
    sys.exit(main())
