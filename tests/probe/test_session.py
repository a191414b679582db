#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-probe's targets, LMTP, --quit-after, reply timing and session endings,
against scripted servers on loopback (tests/probe/test_probe.py's FakeServer).

    test_session.py PATH/TO/smtp-probe PART

PART is one of:
  forms       HOST:PORT, [ADDR]:PORT, [ADDR] PORT, a bare IPv6 literal; PORT
              digits only in 1-65535, each bad form a named usage error
  ipv6        [::1]:PORT and [::1] PORT against a server on ::1 (exit 77 only
              when this machine has no IPv6 loopback to bind)
  lmtp        --lmtp: LHLO, no HELO fallback, one reply per accepted recipient
              after the message, each shown against its recipient
  quit-after  --quit-after STAGE: what the server sees, the exit status, and
              the usage errors for unknown stages and stages without their options
  timing      milliseconds per reply, in the readable view and in JSON, measured
              against servers that wait before answering
  endings     every way a session ends: its name and exit status in the JSON
              closing object, its words on the readable view's last line

Ends with "N passed, N failed"; exits 1 when a check failed.
"""
import json
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_probe  # noqa: E402  (FakeServer, the scripts' helpers; reads sys.argv[1])
from test_probe import FakeServer, MESSAGE, GREET, QUIT, json_lines, end_object  # noqa: E402

PROBE = sys.argv[1]
PART = sys.argv[2] if len(sys.argv) > 2 else "forms"
RESULTS = test_probe.RESULTS
check = test_probe.check


def run(args, timeout=30, env=None):
    """smtp-probe with ARGS as given (the target too): (exit, stdout, stderr)."""
    e = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    e.update(env or {})
    p = subprocess.run([PROBE, "--timeout", "5"] + args, capture_output=True, timeout=timeout,
                       env=e, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def against(script, args, target=None, family=socket.AF_INET, env=None):
    """Run the probe against a FakeServer playing SCRIPT; TARGET is a function of
    the port giving the target arguments (default: 127.0.0.1 PORT)."""
    srv = FakeServer(script, family=family)
    tgt = target(srv.port) if target else ["127.0.0.1", str(srv.port)]
    rc, out, err = run(args + tgt, env=env)
    srv.thread.join(5)
    return rc, out, err, srv


def report(name, problems, rc, out, err, srv=None):
    problems = list(problems) + (srv.problems if srv is not None else [])
    check(name, not problems, "; ".join(problems) + "\nexit %d\nreceived %r\nstdout:\n%s\nstderr:\n%s"
          % (rc, srv.received if srv is not None else None, out, err))


def last_line(out):
    lines = [l for l in out.splitlines() if l.strip()]
    return lines[-1] if lines else ""


BASIC = [GREET, ("EHLO", b"250 mx.test\r\n"), QUIT]
EHLO_PIPE = b"250-mx.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- forms ------------------------------------------------------------------

def part_forms():
    for name, target in (("HOST:PORT", lambda p: ["127.0.0.1:%d" % p]),
                         ("[IPv4]:PORT", lambda p: ["[127.0.0.1]:%d" % p]),
                         ("[IPv4] PORT", lambda p: ["[127.0.0.1]", str(p)]),
                         ("HOST PORT", lambda p: ["127.0.0.1", str(p)]),
                         ("name:PORT", lambda p: ["localhost:%d" % p])):
        rc, out, err, srv = against(BASIC, ["--json"], target)
        objs = json_lines(out)
        report("target %s: connects, exit 0" % name,
               [] if rc == 0 and objs and objs[0]["code"] == 220 else ["no session"],
               rc, out, err, srv)

    # A bare IPv6 literal takes no port from its colons: ::1 alone means port 25.
    rc, out, err = run(["--timeout", "1", "::1"])
    check("bare ::1: port 25, not a port taken from the colons",
          rc == 2 and "usage:" not in err and re.search(r"::1 port 25\b", err) is not None, err)
    rc, out, err = run(["--timeout", "1", "[::1]"])
    check("[::1] alone: port 25", rc == 2 and "usage:" not in err
          and re.search(r"::1 port 25\b", err) is not None, err)

    bad = [
        (["127.0.0.1", "99999"], "PORT 99999: out of range (1 to 65535)"),
        (["127.0.0.1", "0"], "PORT 0: out of range (1 to 65535)"),
        (["127.0.0.1", "65536"], "PORT 65536: out of range (1 to 65535)"),
        (["127.0.0.1", "99999999999999999999999"], "out of range (1 to 65535)"),
        (["127.0.0.1", "25x"], "PORT 25x: not a number (digits only, 1 to 65535)"),
        (["127.0.0.1", "smtp"], "PORT smtp: not a number (digits only, 1 to 65535)"),
        (["127.0.0.1", "-1"], "PORT -1: not a number (digits only, 1 to 65535)"),
        (["127.0.0.1", "+25"], "PORT +25: not a number"),
        (["127.0.0.1", " 25"], "not a number"),
        (["127.0.0.1:99999"], "PORT 99999: out of range (1 to 65535)"),
        (["127.0.0.1:"], "PORT is empty"),
        (["[::1]:abc"], "PORT abc: not a number"),
        (["[::1]:0"], "PORT 0: out of range"),
        (["127.0.0.1:25", "26"], "the port is given twice"),
        (["[::1]:25", "26"], "the port is given twice"),
        (["[::1"], "no closing ]"),
        (["[::1]25"], "after ] only :PORT may follow"),
        (["[mx.example.com]:25"], "not an IP address"),
        (["[]:25"], "HOST is empty"),
        ([":25"], "HOST is empty"),
        (["1:2:3"], "not an IPv6 address"),
        (["mx.example.com:25:26"], "not an IPv6 address"),
    ]
    for args, want in bad:
        rc, out, err = run(args)
        check("usage error for %s: %r" % (" ".join(args), want),
              rc == 2 and want in err and "usage:" in err and out == "",
              "exit %d stderr %s" % (rc, err))
    # The highest port is valid: nobody listens there, so the connection fails.
    rc, out, err = run(["--timeout", "1", "127.0.0.1", "65535"])
    check("PORT 65535 is in range", rc == 2 and "usage:" not in err and "port 65535" in err, err)
    # Leading zeros are still the same number: 0465 is port 465, implicit TLS.
    rc, out, err = run(["--starttls", "127.0.0.1", "0465"])
    check("PORT 0465 is 465: implicit TLS, --starttls does not apply",
          rc == 2 and ("implicit" in err or "without OpenSSL" in err), err)
    rc, out, err = run(["--starttls", "127.0.0.1:465"])
    check("HOST:465 is implicit TLS too", rc == 2 and ("implicit" in err or "without OpenSSL" in err),
          err)
    return 0


# --- ipv6 -------------------------------------------------------------------

def part_ipv6():
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
    except OSError as e:
        print("SKIP  this machine has no IPv6 loopback (%s)" % e)
        return 77
    for name, target in (("[::1]:PORT", lambda p: ["[::1]:%d" % p]),
                         ("[::1] PORT", lambda p: ["[::1]", str(p)]),
                         ("::1 PORT", lambda p: ["::1", str(p)]),
                         ("[0:0:0:0:0:0:0:1]:PORT", lambda p: ["[0:0:0:0:0:0:0:1]:%d" % p])):
        rc, out, err, srv = against(BASIC, ["--json"], target, family=socket.AF_INET6)
        objs = json_lines(out)
        report("target %s on the IPv6 loopback: exit 0" % name,
               [] if rc == 0 and objs and objs[0]["code"] == 220 else ["no session"],
               rc, out, err, srv)
    rc, out, err, srv = against(BASIC, [], lambda p: ["[::1]:%d" % p], family=socket.AF_INET6)
    report("[::1]:PORT, readable view: connected to ::1",
           [] if rc == 0 and out.startswith("-- connected to ::1 port") else ["first line"],
           rc, out, err, srv)
    return 0


# --- lmtp -------------------------------------------------------------------

LMTP_GREET = (None, b"220 lmtp.test LMTP ready\r\n")
RCPTS = ["--from", "a@x.test", "--to", "b@x.test", "--to", "c@x.test", "--to", "d@x.test"]


def part_lmtp():
    script = [LMTP_GREET, ("LHLO", EHLO_PIPE),
              (["MAIL", "RCPT", "RCPT", "RCPT"],
               b"250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 <c@x.test> unknown user\r\n"
               b"250 2.1.5 ok\r\n"),
              ("DATA", b"354 go ahead\r\n"),
              (MESSAGE, b"250 2.0.0 <b@x.test> delivered\r\n"
                        b"452 4.2.2 <d@x.test> mailbox full\r\n"),
              ("RSET", b"250 2.0.0 ok\r\n"), QUIT]
    rc, out, err, srv = against(script, ["--json", "--lmtp", "--data"] + RCPTS)
    p = []
    objs = json_lines(out)
    if not srv.received or not srv.received[0].startswith("LHLO "):
        p.append("LHLO not sent first")
    if any(r.startswith(("EHLO", "HELO")) for r in srv.received):
        p.append("EHLO or HELO sent in LMTP")
    ends = [o for o in objs if o.get("command") == "DATA_END"]
    if [(o.get("recipient"), o["code"]) for o in ends] != [("b@x.test", 250), ("d@x.test", 452)]:
        p.append("per-recipient replies %r" % [(o.get("recipient"), o["code"]) for o in ends])
    elif ends[1]["reason"] != "mailbox-full" or ends[1]["severity"] != "transient-negative":
        p.append("452 4.2.2 classified %s %s" % (ends[1]["reason"], ends[1]["severity"]))
    lhlo = [o for o in objs if o.get("command", "").startswith("LHLO")]
    if not lhlo or "PIPELINING" not in lhlo[0].get("capabilities", {}).get("extensions", []):
        p.append("LHLO reply's capabilities")
    if rc != 1:
        p.append("exit %d, want 1 (a refused recipient)" % rc)
    report("--lmtp: LHLO, one reply per accepted RCPT after the data", p, rc, out, err, srv)

    rc, out, err, srv = against(script, ["--lmtp", "--data"] + RCPTS)
    lines = out.splitlines()
    p = []
    try:
        i = next(n for n, l in enumerate(lines) if l.startswith("C: DATA_END"))
        after = lines[i + 1:]
        rb = next(n for n, l in enumerate(after) if re.match(r"\s+recipient\s+b@x\.test$", l))
        rd = next(n for n, l in enumerate(after) if re.match(r"\s+recipient\s+d@x\.test$", l))
        if not after[rb + 1].startswith("S: 250") or not after[rd + 1].startswith("S: 452"):
            p.append("each reply right after its recipient")
    except StopIteration:
        p.append("no DATA_END with recipient lines")
    if not any(l.startswith("C: LHLO ") for l in lines):
        p.append("C: LHLO not shown")
    report("--lmtp, readable view: each reply under its recipient", p, rc, out, err, srv)

    ok = [LMTP_GREET, ("LHLO", EHLO_PIPE),
          (["MAIL", "RCPT", "RCPT"], b"250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n"),
          ("DATA", b"354 go ahead\r\n"),
          (MESSAGE, [b"250 2.0.0 <b@x.test> delivered\r\n", 0.05,
                     b"250 2.0.0 <c@x.test> delivered\r\n"]),
          ("RSET", b"250 2.0.0 ok\r\n"), QUIT]
    rc, out, err, srv = against(ok, ["--json", "--lmtp", "--data", "--from", "a@x.test",
                                     "--to", "b@x.test", "--to", "c@x.test"])
    ends = [o for o in json_lines(out) if o.get("command") == "DATA_END"]
    report("--lmtp: every recipient delivered, replies arriving apart: exit 0",
           [] if rc == 0 and [o.get("recipient") for o in ends] == ["b@x.test", "c@x.test"]
           and end_object(out).get("end") == "completed" else ["replies %r" % ends],
           rc, out, err, srv)

    # No HELO fallback in LMTP (RFC 2033 4.1): a refused LHLO ends the session.
    rc, out, err, srv = against([LMTP_GREET, ("LHLO", b"500 5.5.1 unknown command\r\n"), QUIT],
                                ["--json", "--lmtp"])
    report("--lmtp: LHLO refused, no HELO, QUIT, exit 1",
           [] if rc == 1 and srv.received[1:] == ["QUIT"] else ["received %r" % srv.received],
           rc, out, err, srv)

    # DATA refused: one reply, not one per recipient.
    rc, out, err, srv = against(
        [LMTP_GREET, ("LHLO", b"250 lmtp.test\r\n"), ("MAIL", b"250 ok\r\n"), ("RCPT", b"250 ok\r\n"),
         ("DATA", b"554 5.3.0 no\r\n"), ("RSET", b"250 ok\r\n"), QUIT],
        ["--json", "--lmtp", "--data", "--from", "a@x.test", "--to", "b@x.test"])
    report("--lmtp: DATA refused: no per-recipient replies, exit 1",
           [] if rc == 1 and not [o for o in json_lines(out) if o.get("command") == "DATA_END"]
           else ["DATA_END objects"], rc, out, err, srv)

    # The server closes before every recipient got its reply.
    rc, out, err, srv = against(
        [LMTP_GREET, ("LHLO", b"250 lmtp.test\r\n"), ("MAIL", b"250 ok\r\n"), ("RCPT", b"250 ok\r\n"),
         ("RCPT", b"250 ok\r\n"), ("DATA", b"354 go\r\n"), (MESSAGE, b"250 2.0.0 one\r\n"),
         ("", None)],
        ["--json", "--lmtp", "--data", "--from", "a@x.test", "--to", "b@x.test",
         "--to", "c@x.test"])
    report("--lmtp: server closes before the second recipient's reply: closed, exit 1",
           [] if rc == 1 and end_object(out).get("end") == "closed" else ["end %r" % end_object(out)],
           rc, out, err, srv)

    rc, out, err = run(["--lmtp", "127.0.0.1"])
    check("--lmtp without a port: usage error naming LMTP's missing standard port",
          rc == 2 and "--lmtp" in err and "PORT" in err and "usage:" in err, err)
    return 0


# --- quit-after -------------------------------------------------------------

def part_quit_after():
    pipelined = [GREET, ("EHLO", EHLO_PIPE),
                 (["MAIL", "RCPT", "RCPT"], b"250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n"),
                 QUIT]
    args = ["--from", "a@x.test", "--to", "b@x.test", "--to", "c@x.test"]
    rc, out, err, srv = against(pipelined, ["--json", "--quit-after", "rcpt", "--data"] + args)
    got = [r.split()[0] for r in srv.received]
    end = end_object(out)
    report("--quit-after rcpt: QUIT right after the RCPTs, no DATA, no RSET, exit 0",
           [] if got == ["EHLO", "MAIL", "RCPT", "RCPT", "QUIT"] and rc == 0
           and end.get("end") == "completed" and end.get("quit_after") == "rcpt"
           else ["commands %r end %r" % (got, end)], rc, out, err, srv)

    rc, out, err, srv = against(pipelined, ["--quit-after", "rcpt"] + args)
    report("--quit-after rcpt, readable view: says QUIT came after rcpt",
           [] if rc == 0 and "--quit-after rcpt" in last_line(out) else ["last line"],
           rc, out, err, srv)

    refused = [GREET, ("EHLO", b"250 mx.test\r\n"), ("MAIL", b"250 ok\r\n"),
               ("RCPT", b"550 5.1.1 no such user\r\n"), QUIT]
    rc, out, err, srv = against(refused, ["--json", "--quit-after", "rcpt", "--from", "a@x.test",
                                          "--to", "b@x.test"])
    report("--quit-after rcpt with a refused RCPT: QUIT, exit 1, ending refused",
           [] if rc == 1 and srv.received[-1] == "QUIT" and end_object(out).get("end") == "refused"
           else ["end %r" % end_object(out)], rc, out, err, srv)

    stages = [
        ("connect", [GREET, QUIT], ["--from", "a@x.test"], ["QUIT"]),
        ("ehlo", [GREET, ("EHLO", b"250-mx.test\r\n250 STARTTLS\r\n"), QUIT], [], ["EHLO", "QUIT"]),
        ("mail", [GREET, ("EHLO", b"250 mx.test\r\n"), ("MAIL", b"250 ok\r\n"), QUIT],
         ["--from", "a@x.test", "--to", "b@x.test"], ["EHLO", "MAIL", "QUIT"]),
        ("data", [GREET, ("EHLO", b"250 mx.test\r\n"), ("MAIL", b"250 ok\r\n"),
                  ("RCPT", b"250 ok\r\n"), ("DATA", b"354 go\r\n"),
                  (MESSAGE, b"250 2.0.0 queued\r\n"), QUIT],
         ["--data", "--from", "a@x.test", "--to", "b@x.test"],
         ["EHLO", "MAIL", "RCPT", "DATA", "<message", "QUIT"]),
        ("auth", [GREET, ("EHLO", b"250-mx.test\r\n250 AUTH PLAIN\r\n"),
                  ("AUTH PLAIN", b"235 2.7.0 ok\r\n"), QUIT],
         ["--allow-plaintext-auth", "--auth", "u:pw", "--from", "a@x.test", "--to", "b@x.test"],
         ["EHLO", "AUTH", "QUIT"]),
    ]
    for stage, script, extra, want in stages:
        rc, out, err, srv = against(script, ["--json", "--no-starttls", "--quit-after", stage]
                                    + extra)
        got = [r.split()[0] for r in srv.received]
        report("--quit-after %s: the server sees %s, exit 0" % (stage, " ".join(want)),
               [] if got == want and rc == 0 and end_object(out).get("quit_after") == stage
               else ["commands %r" % got], rc, out, err, srv)

    # "lhlo" is "ehlo" under another name, and it is the stage's name in LMTP.
    rc, out, err, srv = against([LMTP_GREET, ("LHLO", b"250 lmtp.test\r\n"), QUIT],
                                ["--json", "--lmtp", "--quit-after", "lhlo"])
    report("--lmtp --quit-after lhlo: LHLO then QUIT",
           [] if rc == 0 and [r.split()[0] for r in srv.received] == ["LHLO", "QUIT"]
           else ["commands"], rc, out, err, srv)

    # tls needs TLS: a server that does not offer STARTTLS ends it as --starttls would.
    rc, out, err, srv = against([GREET, ("EHLO", b"250 mx.test\r\n"), QUIT],
                                ["--json", "--quit-after", "tls"])
    tls_built = "without OpenSSL" not in err
    report("--quit-after tls, STARTTLS not offered: starttls-not-offered, exit 3",
           [] if not tls_built or (rc == 3 and end_object(out).get("end") == "starttls-not-offered")
           else ["end %r" % end_object(out)], rc, out, err, srv)

    usage = [
        (["--quit-after", "banana"],
         "--quit-after banana: no such stage (connect, ehlo, lhlo, tls, auth, mail, rcpt, data)"),
        (["--quit-after", "RCPT"], "no such stage"),
        (["--quit-after", "auth"], "--quit-after auth needs --auth"),
        (["--quit-after", "mail"], "--quit-after mail needs --from or --to"),
        (["--quit-after", "rcpt", "--from", "a@x.test"], "--quit-after rcpt needs --to"),
        (["--quit-after", "data", "--to", "b@x.test"], "--quit-after data needs --data"),
        (["--quit-after", "tls", "--no-starttls"], "--quit-after tls needs TLS"),
    ]
    for args, want in usage:
        rc, out, err = run(args + ["127.0.0.1", "9"])
        check("usage error: %s" % " ".join(args), rc == 2 and want in err and "usage:" in err,
              "exit %d stderr %s" % (rc, err))
    rc, out, err = run(["127.0.0.1", "--quit-after"])
    check("usage error: --quit-after without its STAGE",
          rc == 2 and "--quit-after needs a value" in err, err)
    return 0


# --- timing -----------------------------------------------------------------

MS = re.compile(r"\((\d+) ms\)")


def part_timing():
    script = [(None, [0.3, b"220 mx.test ESMTP\r\n"]),
              ("EHLO", [0.4, b"250-mx.test\r\n", 0.2, b"250 PIPELINING\r\n"]),
              (["MAIL", "RCPT"], [b"250 2.1.0 ok\r\n", 0.5, b"250 2.1.5 ok\r\n"]),
              ("RSET", b"250 ok\r\n"), QUIT]
    args = ["--from", "a@x.test", "--to", "b@x.test"]
    rc, out, err, srv = against(script, ["--json"] + args)
    objs = json_lines(out)
    ms = {o["command"].split()[0]: o.get("ms") for o in objs}
    p = []
    if not all(isinstance(o.get("ms"), int) and o["ms"] >= 0 for o in objs):
        p.append("every reply object has an integer ms: %r" % ms)
    else:
        if not 250 <= ms["CONNECT"] < 4000:
            p.append("greeting 0.3 s after connect: %d ms" % ms["CONNECT"])
        if not 550 <= ms["EHLO"] < 4000:
            p.append("EHLO's last line 0.6 s after EHLO: %d ms" % ms["EHLO"])
        # Both timed from the one write of the pipelined group.
        if not (450 <= ms["RCPT"] - ms["MAIL"] and ms["RCPT"] < 4000):
            p.append("pipelined RCPT answered 0.5 s after MAIL: %d, %d ms"
                     % (ms["MAIL"], ms["RCPT"]))
    report("JSON ms: from the command (or the connect) to the reply's last line", p,
           rc, out, err, srv)

    rc, out, err, srv = against(script, args)
    shown = {}
    for line in out.splitlines():
        m = MS.search(line)
        if line.startswith("S: ") and m:
            shown[line[3:6]] = shown.get(line[3:6], []) + [int(m.group(1))]
    p = []
    if len([l for l in out.splitlines() if l.startswith("S: ")]) != sum(map(len, shown.values())):
        p.append("every reply shows its ms: %r" % shown)
    elif not (250 <= shown["220"][0] and 550 <= shown["250"][0]):
        p.append("times %r" % shown)
    report("readable view: (N ms) on each reply", p, rc, out, err, srv)

    # LMTP's per-recipient replies are timed from the end of the message.
    script = [LMTP_GREET, ("LHLO", b"250 lmtp.test\r\n"), ("MAIL", b"250 ok\r\n"),
              ("RCPT", b"250 ok\r\n"), ("RCPT", b"250 ok\r\n"), ("DATA", b"354 go\r\n"),
              (MESSAGE, [b"250 2.0.0 one\r\n", 0.4, b"250 2.0.0 two\r\n"]),
              ("RSET", b"250 ok\r\n"), QUIT]
    rc, out, err, srv = against(script, ["--json", "--lmtp", "--data", "--from", "a@x.test",
                                         "--to", "b@x.test", "--to", "c@x.test"])
    ends = [o for o in json_lines(out) if o.get("command") == "DATA_END"]
    report("--lmtp: each recipient's reply timed from the end of the data",
           [] if len(ends) == 2 and 350 <= ends[1]["ms"] - ends[0]["ms"] and ends[1]["ms"] < 4000
           else ["ms %r" % [o.get("ms") for o in ends]], rc, out, err, srv)
    return 0


# --- endings ----------------------------------------------------------------

def ending(name, script, args, want_end, want_exit, words, target=None, env=None,
           client_talks_on=False):
    """Run twice, --json and readable; check the closing object and the last line.
    client_talks_on: what the probe sends after the script (a TLS handshake the
    server does not speak) is expected, not a problem."""
    runs = []
    for mode in (["--json"], []):
        if script is None:
            port = free_port()
            rc, out, err = run(mode + args + (target(port) if target else ["127.0.0.1", str(port)]),
                               env=env)
            srv = None
        else:
            rc, out, err, srv = against(script, mode + args, target, env=env)
            if client_talks_on:
                srv.problems = [x for x in srv.problems if not x.startswith("unexpected:")]
        runs.append((rc, out, err, srv))
    rc, out, err, srv = runs[0]
    end = end_object(out)
    p = []
    if rc != want_exit:
        p.append("exit %d, want %d" % (rc, want_exit))
    if end.get("end") != want_end or end.get("exit") != want_exit:
        p.append("closing object %r" % end)
    elif words not in end.get("message", ""):
        p.append("message %r lacks %r" % (end.get("message"), words))
    report("ending %s, JSON: end %s, exit %d" % (name, want_end, want_exit), p, rc, out, err, srv)
    rc, out, err, srv = runs[1]
    last = last_line(out)
    want_tail = "[%s, exit %d]" % (want_end, want_exit)
    report("ending %s, readable view: %r" % (name, words),
           [] if rc == want_exit and last.startswith("-- ") and words in last
           and last.endswith(want_tail) else ["last line %r" % last], rc, out, err, srv)


def part_endings():
    ehlo = ("EHLO", b"250 mx.test\r\n")
    ending("completed", BASIC, [], "completed", 0, "session completed")
    ending("refused", [GREET, ehlo, ("MAIL", b"250 ok\r\n"), ("RCPT", b"550 5.1.1 no\r\n"),
                       ("RSET", b"250 ok\r\n"), QUIT],
           ["--from", "a@x.test", "--to", "b@x.test"], "refused", 1, "the server refused")
    ending("auth-failed", [GREET, ("EHLO", b"250-mx.test\r\n250 AUTH PLAIN\r\n"),
                           ("AUTH", b"535 5.7.8 bad\r\n"), QUIT],
           ["--allow-plaintext-auth", "--auth", "u:pw"], "auth-failed", 1,
           "authentication did not complete")
    ending("closed", [GREET, ("EHLO", None)], [], "closed", 1, "the server closed the connection")
    ending("421", [GREET, ("EHLO", b"421 4.3.2 shutting down\r\n"), ("", None)], [], "closed", 1,
           "the server closed the connection")
    ending("starttls-not-offered", BASIC, ["--starttls"], "starttls-not-offered", 3,
           "the server does not offer STARTTLS")
    ending("starttls-refused", [GREET, ("EHLO", b"250-mx.test\r\n250 STARTTLS\r\n"),
                                ("STARTTLS", b"454 4.7.0 TLS not available\r\n"), QUIT],
           ["--starttls"], "starttls-refused", 3, "the server refused STARTTLS")
    ending("auth-without-tls", [GREET, ("EHLO", b"250-mx.test\r\n250 AUTH PLAIN\r\n"), QUIT],
           ["--auth", "u"], "auth-without-tls", 3, "the password was not sent",
           env={"SMTP_PROBE_PASSWORD": "pw"})
    many = b"".join(b"250-line %d\r\n" % i for i in range(1100)) + b"250 end\r\n"
    ending("protocol-error", [GREET, ("EHLO", many), ("", None)], [], "protocol-error", 2,
           "the server broke the protocol")
    ending("connect-failed", None, [], "connect-failed", 2, "no connection")
    ending("resolve-failed", None, [], "resolve-failed", 2, "did not resolve",
           target=lambda p: ["no-such-host.invalid", str(p)])
    if "TLS: not built in" not in run(["--version"])[1]:
        ending("tls-failed", [GREET, ("EHLO", b"250-mx.test\r\n250 STARTTLS\r\n"),
                              ("STARTTLS", [b"220 go ahead\r\n", 0.1, b"this is not TLS\r\n" * 20]),
                              ("", None)],
               [], "tls-failed", 2, "the TLS handshake failed", client_talks_on=True)

    # Deadline: a server that accepts and never speaks.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(2)
    port = silent.getsockname()[1]
    for mode in (["--json"], []):
        rc, out, err = run(["--timeout", "1"] + mode + ["127.0.0.1", str(port)])
        if mode:
            end = end_object(out)
            check("ending deadline, JSON: end deadline, exit 2",
                  rc == 2 and end.get("end") == "deadline" and end.get("exit") == 2
                  and "deadline" in end.get("message", ""), "exit %d out %s" % (rc, out))
        else:
            check("ending deadline, readable view",
                  rc == 2 and "deadline" in last_line(out)
                  and last_line(out).endswith("[deadline, exit 2]"), out)
    silent.close()

    # Connection lost: the server resets the connection instead of answering.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def reset():
        c, _ = srv.accept()
        c.sendall(b"220 mx.test\r\n")
        c.recv(100)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.close()
    import threading
    t = threading.Thread(target=reset, daemon=True)
    t.start()
    rc, out, err = run(["--json", "127.0.0.1", str(srv.getsockname()[1])])
    t.join(5)
    srv.close()
    end = end_object(out)
    check("ending connection-lost (reset): JSON end connection-lost, exit 2",
          rc == 2 and end.get("end") == "connection-lost", "exit %d out %s err %s" % (rc, out, err))

    # Usage errors print no closing object: nothing was attempted.
    rc, out, err = run(["--json", "--bogus", "127.0.0.1"])
    check("a usage error prints no JSON", rc == 2 and out == "", out)

    # The closing object counts the replies and is the last line.
    rc, out, err, srv = against(BASIC, ["--json"])
    end = end_object(out)
    report("closing object: replies counted, tls absent in clear text",
           [] if end.get("replies") == 3 and "tls" not in end else ["end %r" % end],
           rc, out, err, srv)
    return 0


def main():
    parts = {"forms": part_forms, "ipv6": part_ipv6, "lmtp": part_lmtp,
             "quit-after": part_quit_after, "timing": part_timing, "endings": part_endings}
    if PART not in parts:
        print("unknown part %s (%s)" % (PART, ", ".join(parts)))
        return 2
    rc = parts[PART]()
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    if rc == 77:
        return 77
    return 0 if RESULTS["failed"] == 0 and RESULTS["passed"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
