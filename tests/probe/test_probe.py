#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-probe against scripted servers on loopback: no root, no real MTA.

    test_probe.py PATH/TO/smtp-probe

Each scenario is a small fake server that answers the probe's commands with
fixed bytes (some of them odd or hostile), written from the quirks that broke
other clients (multiline banners, EHLO refused, 421 mid-session, lowercase
keywords, replies split at every byte, terminal escapes in reply text). The
scenario then checks what the probe printed and its exit status.
"""
import json
import socket
import subprocess
import sys
import threading
import time

PROBE = sys.argv[1]
MESSAGE = "<message>"   # a script step that reads message data up to "."
RESULTS = {"passed": 0, "failed": 0, "skipped": 0}


class FakeServer:
    """Accepts one connection and plays a script of (expect, reply) steps.

    expect is a command prefix (or a list of them, read before replying: a
    pipelined group); reply is bytes, or a list of byte chunks sent one by one
    with a pause between them (a number in the list is a pause of that many
    seconds). A step with expect None is sent at once (the greeting). reply
    None closes the connection.
    """

    def __init__(self, script, accept=True, family=socket.AF_INET):
        self.script = script
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.received = []      # command lines, in order
        self.chunks = []        # what each recv() returned
        self.problems = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        if accept:
            self.thread.start()

    def run(self):
        self.sock.settimeout(20)
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        conn.settimeout(20)
        pending = b""
        try:
            for expect, reply in self.script:
                wanted = expect if isinstance(expect, list) else ([expect] if expect else [])
                for prefix in wanted:
                    while b"\r\n" not in pending:
                        data = conn.recv(65536)
                        if not data:
                            self.problems.append("client closed before " + prefix)
                            return
                        self.chunks.append(data)
                        pending += data
                    line, pending = pending.split(b"\r\n", 1)
                    text = line.decode("latin-1")
                    if prefix == MESSAGE:
                        # Message data: read up to the lone "." line (RFC 5321 4.1.1.4).
                        size = 0
                        while line != b".":
                            size += len(line) + 2
                            while b"\r\n" not in pending:
                                data = conn.recv(65536)
                                if not data:
                                    self.problems.append("client closed inside the message")
                                    return
                                pending += data
                            line, pending = pending.split(b"\r\n", 1)
                        self.received.append("<message %d bytes>" % size)
                        continue
                    self.received.append(text)
                    if not text.upper().startswith(prefix.upper()):
                        self.problems.append("expected %r, got %r" % (prefix, text))
                if reply is None:
                    break
                for i, chunk in enumerate(reply if isinstance(reply, list) else [reply]):
                    if isinstance(chunk, (int, float)):
                        time.sleep(chunk)
                        continue
                    if i:
                        time.sleep(0.002)
                    conn.sendall(chunk)
            # Anything more the client sends after the script is a problem.
            conn.settimeout(0.5)
            try:
                extra = conn.recv(65536)
                if extra:
                    self.received.append(extra.decode("latin-1").strip())
                    self.problems.append("unexpected: %r" % extra)
            except (socket.timeout, OSError):
                pass
        finally:
            conn.close()
            self.sock.close()


def run_probe(server_port, *args, timeout=30, host="127.0.0.1"):
    cmd = [PROBE, "--timeout", "5", *args, host, str(server_port)]
    p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def json_lines(out):
    """The reply and error objects; the session's closing object is end_object()'s."""
    return [o for o in all_json(out) if "end" not in o]


def all_json(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def end_object(out):
    """The last line of --json output: how the session ended."""
    objs = all_json(out)
    return objs[-1] if objs and "end" in objs[-1] else {}


def check(name, ok, detail=""):
    if ok:
        RESULTS["passed"] += 1
        print("PASS  " + name)
    else:
        RESULTS["failed"] += 1
        print("FAIL  " + name + (("\n      " + detail.replace("\n", "\n      ")) if detail else ""))


def scenario(name, script, args, verify, accept=True, family=socket.AF_INET, host="127.0.0.1"):
    try:
        srv = FakeServer(script, accept, family)
    except OSError as e:
        RESULTS["skipped"] += 1
        print("SKIP  %s (%s)" % (name, e))
        return
    rc, out, err = run_probe(srv.port, *args, host=host)
    srv.thread.join(5) if accept else None
    try:
        problems = verify(rc, out, err, srv)
    except Exception as e:  # a missing field is a failed check
        problems = ["%s: %s" % (type(e).__name__, e)]
    problems = list(problems or []) + srv.problems
    check(name, not problems,
          "; ".join(problems) + "\nexit %d\nstdout:\n%s\nstderr:\n%s" % (rc, out, err))


EHLO_PLAIN = (b"250-mx.test Hello\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
              b"250 AUTH PLAIN LOGIN\r\n")
GREET = (None, b"220 mx.test ESMTP fake\r\n")
QUIT = ("QUIT", b"221 2.0.0 bye\r\n")


def by_command(objs, prefix):
    return [o for o in objs if o.get("command", "").startswith(prefix)]


def expect(cond, msg, problems):
    if not cond:
        problems.append(msg)


# --- scenarios ---------------------------------------------------------------

def v_basic(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    expect(rc == 0, "exit %d, want 0" % rc, p)
    expect([o["command"].split()[0] for o in objs] == ["CONNECT", "EHLO", "QUIT"],
           "commands %r" % [o["command"] for o in objs], p)
    ehlo = by_command(objs, "EHLO")[0]
    expect(ehlo["capabilities"]["size"] == 1000, "size", p)
    expect(set(ehlo["capabilities"]["extensions"]) == {"PIPELINING", "SIZE", "AUTH"}, "extensions", p)
    expect(ehlo["capabilities"]["auth"] == ["PLAIN", "LOGIN"], "auth", p)
    expect(objs[0]["offset"] == 0 and objs[1]["offset"] == len(b"220 mx.test ESMTP fake\r\n"),
           "offsets", p)
    for o in objs:
        for key in ("offset", "code", "enhanced", "lines", "severity", "category", "reason",
                    "bounce", "retry", "evidence", "flags", "command"):
            expect(key in o, "missing %s" % key, p)
    expect(srv.received[0].startswith("EHLO "), "EHLO sent", p)
    return p


def v_helo(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    expect(rc == 0, "EHLO refused then HELO accepted must exit 0, got %d" % rc, p)
    expect(by_command(objs, "EHLO")[0]["code"] == 502, "EHLO 502 shown", p)
    expect(by_command(objs, "HELO")[0]["code"] == 250, "HELO 250 shown", p)
    return p


def v_banner(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    g = objs[0]
    expect(g["code"] == 220 and len(g["lines"]) == 3, "3-line 220 banner as one reply", p)
    expect(by_command(objs, "EHLO")[0]["code"] == 250, "EHLO after the banner", p)
    expect(rc == 0, "exit %d" % rc, p)
    return p


def v_pipelined(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    got = [(o["command"], o["code"]) for o in objs if o["command"].startswith(("MAIL", "RCPT"))]
    want = [("MAIL FROM:<a@x.test>", 250), ("RCPT TO:<b@x.test>", 550),
            ("RCPT TO:<c@x.test>", 250)]
    expect(got == want, "replies matched in order: %r" % got, p)
    rcpt = by_command(objs, "RCPT TO:<b@")[0]
    expect(rcpt["reason"] == "recipient-unknown", "550 5.1.1 reason %s" % rcpt["reason"], p)
    expect(rcpt["enhanced"] == "5.1.1", "enhanced", p)
    expect(any(c.count(b"\r\n") == 3 and c.startswith(b"MAIL") for c in srv.chunks),
           "MAIL and two RCPT in one write: %r" % srv.chunks, p)
    expect(rc == 1, "a refused RCPT exits 1, got %d" % rc, p)
    return p


def v_not_pipelined(rc, out, err, srv):
    p = []
    expect(not any(c.count(b"\r\n") > 1 for c in srv.chunks),
           "without PIPELINING one command per write: %r" % srv.chunks, p)
    expect(rc == 0, "exit %d" % rc, p)
    return p


def v_421(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    expect(by_command(objs, "RCPT")[0]["code"] == 421, "421 shown", p)
    expect("QUIT" not in srv.received, "no QUIT after 421", p)
    expect(rc == 1, "exit %d, want 1" % rc, p)
    return p


def v_tls_required(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    mail = by_command(objs, "MAIL")[0]
    expect(mail["code"] == 530, "530 shown", p)
    expect("requires TLS" in err, "says TLS is required", p)
    expect(rc == 1, "exit %d" % rc, p)
    return p


def v_lowercase_starttls(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    ehlo = by_command(objs, "EHLO")[0]
    expect("STARTTLS" in ehlo["capabilities"]["extensions"], "starttls recognised", p)
    tried = bool(by_command(objs, "STARTTLS"))
    expect(tried or "without OpenSSL" in err, "STARTTLS tried, or the build says it cannot", p)
    return p


def v_hostile(rc, out, err, srv):
    p = []
    expect("\x1b" not in out and "\x1b" not in err, "no raw escape byte reaches the terminal", p)
    expect("\\x1B[2J" in out, "escape shown as text", p)
    expect("\\x00" in out, "NUL shown as text", p)
    return p


def v_hostile_json(rc, out, err, srv):
    p = []
    objs = json_lines(out)   # must parse
    ehlo = by_command(objs, "EHLO")[0]
    expect(ehlo["lines"][0] == "mx.test \x1b[2J\x00hi", "escapes kept in JSON strings", p)
    expect("nul" in ehlo["flags"], "nul flag", p)
    return p


def v_garbage(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    errors = [o for o in objs if "error" in o]
    expect(len(errors) == 1 and errors[0]["command"].startswith("EHLO"), "one error object", p)
    expect(by_command([o for o in objs if "code" in o], "EHLO")[0]["code"] == 250,
           "the reply after the garbage line", p)
    return p


def v_split(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    ehlo = by_command(objs, "EHLO")[0]
    expect(ehlo["lines"] == ["mx.test Hello", "PIPELINING", "SIZE 1000", "AUTH PLAIN LOGIN"],
           "EHLO read from one-byte writes", p)
    expect(rc == 0, "exit %d" % rc, p)
    return p


def v_auth_334(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    expect([o["command"] for o in objs if o["command"].startswith(("AUTH", "****"))] ==
           ["AUTH PLAIN ****", "****"], "secret hidden in both steps", p)
    expect("s3cret" not in out + err and "czNjcmV0" not in out + err, "no secret", p)
    expect(srv.received[1] == "AUTH PLAIN AHUAczNjcmV0", "initial response %r" % srv.received[1], p)
    expect(rc == 0, "exit %d" % rc, p)
    return p


def v_auth_login(rc, out, err, srv):
    p = []
    expect(srv.received[1:4] == ["AUTH LOGIN", "dQ==", "czNjcmV0"], "LOGIN exchange", p)
    objs = json_lines(out)
    auth = [o for o in objs if o["command"].startswith(("AUTH", "****"))]
    expect(auth[-1]["code"] == 535 and auth[-1]["reason"] == "client-auth-failed",
           "535 client-auth-failed", p)
    expect(rc == 1, "exit %d" % rc, p)
    return p


def v_closed(rc, out, err, srv):
    p = []
    expect(rc == 1, "server closing after the greeting: exit %d, want 1" % rc, p)
    expect("closed the connection" in err, "says the server closed", p)
    return p


def v_greeting_554(rc, out, err, srv):
    p = []
    objs = json_lines(out)
    expect(objs[0]["code"] == 554, "554 greeting", p)
    expect(srv.received == ["QUIT"], "only QUIT after a 554 greeting: %r" % srv.received, p)
    expect(rc == 1, "exit %d" % rc, p)
    return p


def v_data(rc, out, err, srv):
    p = []
    expect(any(r.startswith("<message") for r in srv.received), "message sent: %r" % srv.received, p)
    objs = json_lines(out)
    expect([o["code"] for o in objs if o["command"] in ("DATA", "DATA_END")] == [354, 250],
           "DATA 354 then 250", p)
    expect(rc == 0, "exit %d" % rc, p)
    return p


def main():
    scenario("basic session, JSON fields and capabilities",
             [GREET, ("EHLO", EHLO_PLAIN), QUIT], ["--json"], v_basic)
    scenario("EHLO refused: HELO instead",
             [GREET, ("EHLO", b"502 5.5.2 Error: command not recognized\r\n"),
              ("HELO", b"250 mx.test\r\n"), QUIT], ["--json"], v_helo)
    scenario("multiline 220 banner",
             [(None, b"220-mx.test ESMTP\r\n220-We do not authorize the use of this system\r\n"
                     b"220 to transport unsolicited mail\r\n"),
              ("EHLO", b"250 mx.test\r\n"), QUIT], ["--json"], v_banner)
    scenario("pipelined MAIL and RCPT matched in order",
             [GREET, ("EHLO", EHLO_PLAIN),
              (["MAIL", "RCPT", "RCPT"],
               b"250 2.1.0 Ok\r\n550 5.1.1 <b@x.test>: Recipient address rejected: User unknown\r\n"
               b"250 2.1.5 Ok\r\n"),
              ("RSET", b"250 2.0.0 Ok\r\n"), QUIT],
             ["--json", "--from", "a@x.test", "--to", "b@x.test", "--to", "c@x.test"], v_pipelined)
    scenario("no PIPELINING: one command at a time",
             [GREET, ("EHLO", b"250-mx.test\r\n250 SIZE 10\r\n"), ("MAIL", b"250 ok\r\n"),
              ("RCPT", b"250 ok\r\n"), ("RCPT", b"250 ok\r\n"), ("RSET", b"250 ok\r\n"), QUIT],
             ["--json", "--from", "a@x.test", "--to", "b@x.test", "--to", "c@x.test"],
             v_not_pipelined)
    scenario("421 mid-session: no QUIT, exit 1",
             [GREET, ("EHLO", b"250 mx.test\r\n"), ("MAIL", b"250 ok\r\n"),
              ("RCPT", b"421 4.3.2 mx.test closing connection\r\n"), ("", None)],
             ["--json", "--from", "a@x.test", "--to", "b@x.test"], v_421)
    scenario("530 STARTTLS first: the probe says TLS is required",
             [GREET, ("EHLO", b"250 mx.test\r\n"),
              ("MAIL", b"530 5.7.0 Must issue a STARTTLS command first\r\n"),
              ("RSET", b"250 ok\r\n"), QUIT],
             ["--json", "--no-starttls", "--from", "a@x.test"], v_tls_required)
    # Built without OpenSSL, the probe says so and goes on in clear text.
    has_tls = "without OpenSSL" not in run_probe(1, "--starttls")[2]
    scenario("lowercase starttls is recognised (golang/go #78749)",
             [GREET, ("EHLO", b"250-mx.test\r\n250 starttls\r\n")]
             + ([("STARTTLS", b"454 4.7.0 TLS not available due to temporary reason\r\n")]
                if has_tls else []) + [QUIT],
             ["--json"], v_lowercase_starttls)
    hostile_ehlo = b"250-mx.test \x1b[2J\x00hi\r\n250 8BITMIME\r\n"
    scenario("terminal escapes and NUL in reply text are shown as text",
             [GREET, ("EHLO", hostile_ehlo), QUIT], [], v_hostile)
    scenario("terminal escapes and NUL survive in JSON",
             [GREET, ("EHLO", hostile_ehlo), QUIT], ["--json"], v_hostile_json)
    scenario("a garbage line: error object, then the reply",
             [GREET, ("EHLO", b"hello there\r\n250 mx.test\r\n"), QUIT], ["--json"], v_garbage)
    scenario("replies arriving one byte at a time",
             [GREET, ("EHLO", [bytes([b]) for b in EHLO_PLAIN]), QUIT], ["--json"], v_split)
    scenario("AUTH PLAIN answered with 334: response on its own line, hidden",
             [GREET, ("EHLO", EHLO_PLAIN), ("AUTH PLAIN", b"334 \r\n"),
              ("AHUAczNjcmV0", b"235 2.7.0 Authentication successful\r\n"), QUIT],
             ["--json", "--allow-plaintext-auth", "--auth", "u:s3cret"], v_auth_334)
    scenario("AUTH LOGIN when only LOGIN is offered",
             [GREET, ("EHLO", b"250-mx.test\r\n250 AUTH=LOGIN\r\n"),
              ("AUTH LOGIN", b"334 VXNlcm5hbWU6\r\n"), ("dQ==", b"334 UGFzc3dvcmQ6\r\n"),
              ("czNjcmV0", b"535 5.7.8 Error: authentication failed\r\n"), QUIT],
             ["--json", "--allow-plaintext-auth", "--auth", "u:s3cret"], v_auth_login)
    scenario("the server closes after the greeting",
             [GREET, ("EHLO", None)], ["--json"], v_closed)
    scenario("554 greeting: QUIT and exit 1",
             [(None, b"554 5.7.1 mx.test no SMTP service here\r\n"), QUIT], ["--json"],
             v_greeting_554)
    scenario("--data: a small message accepted",
             [GREET, ("EHLO", b"250 mx.test\r\n"), ("MAIL", b"250 ok\r\n"), ("RCPT", b"250 ok\r\n"),
              ("DATA", b"354 go ahead\r\n"), (MESSAGE, b"250 2.0.0 queued as 1234\r\n"),
              ("RSET", b"250 ok\r\n"), QUIT],
             ["--json", "--data", "--from", "a@x.test", "--to", "b@x.test"], v_data)

    basic = [GREET, ("EHLO", b"250 mx.test\r\n"), QUIT]
    scenario("IPv6 literal ::1", basic, ["--json"],
             lambda rc, out, err, srv: [] if rc == 0 and json_lines(out)[0]["code"] == 220
             else ["exit %d" % rc], family=socket.AF_INET6, host="::1")
    # "localhost" may resolve to ::1 first: the probe must go on to 127.0.0.1.
    scenario("a name through getaddrinfo, next address on refusal", basic, ["--json"],
             lambda rc, out, err, srv: [] if rc == 0 and json_lines(out)[0]["code"] == 220
             else ["exit %d" % rc], host="localhost")

    # A server that accepts the connection and never speaks.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    rc, out, err = run_probe(silent.getsockname()[1], "--timeout", "1")
    silent.close()
    check("a silent server times out: exit 2", rc == 2 and "timed out" in err,
          "exit %d stderr %s" % (rc, err))

    # Nobody listening.
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    rc, out, err = run_probe(port)
    check("connection refused: exit 2", rc == 2, "exit %d stderr %s" % (rc, err))

    rc, out, err = run_probe(25, "--bogus")
    check("unknown option: exit 2 with usage", rc == 2 and "usage:" in err, err)
    rc, out, err = run_probe(25, "--to", "a@b\r\nRCPT TO:<c@d>")
    check("a line break in an address is refused", rc == 2, err)
    rc, out, err = run_probe(25, "--allow-plaintext-auth", "--auth", "u" * 300 + ":p")
    check("a user name over 255 bytes is refused", rc == 2 and "at most 255" in err, err)

    print("%d passed, %d failed, %d skipped"
          % (RESULTS["passed"], RESULTS["failed"], RESULTS["skipped"]))
    if RESULTS["failed"]:
        return 1
    return 77 if RESULTS["skipped"] else 0   # meson's skip: never a silent pass


if __name__ == "__main__":
    sys.exit(main())
