#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-probe against hostile servers on loopback: it must end on time, say
which side gave up, never send a secret where it should not, and print only
valid, safe output.

    test_hostile.py PATH/TO/smtp-probe PART

PART is one of:
  deadlines  trickled, endless and unterminated replies, --max-time, a busy
             loop check (CPU time), each run measured to end within
             --timeout + 1 s of the start of its wait (2 s for a sanitizer
             build, whose exit is slower)
  auth       AUTH only when offered and only over verified TLS (or with
             --allow-plaintext-auth), refused or missing STARTTLS, the 334
             loop, secrets off the command line (environment, file, prompt)
  tls        certificates checked by default, --tls-ca, --tls-insecure, a
             stalled and a trickled handshake, implicit TLS; needs the openssl
             command to make a throwaway certificate (exit 77 without it)
  output     invalid UTF-8 never breaks JSON, valid lines are never garbled,
             terminal controls (C0, C1, bidi) are escaped, cut points through
             multi-byte characters at the text buffer's limit

Ends with "N passed, N failed"; exits 1 when a check failed.
"""
import base64
import json
import os
import pty
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

PROBE = sys.argv[1]
PART = sys.argv[2] if len(sys.argv) > 2 else "deadlines"
TIMEOUT = 2                 # --timeout for the hostile cases
SLACK = 1.0                 # each must end within TIMEOUT + SLACK seconds
# A sanitizer build spends a further moment at exit (LeakSanitizer scans the
# heap, the CA store is freed): measured from the same start, it gets 1 s more.
with open(PROBE, "rb") as _f:
    if b"__asan_init" in _f.read():
        SLACK += 1.0
BUSY_MARGIN = 0.3           # CPU seconds a 2 s wait may add to start and exit (no busy loop)
RESULTS = {"passed": 0, "failed": 0}
EHLO_AUTH = b"250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
EHLO_TLS_AUTH = b"250-mx.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"
SECRET = "s3cret-Pa55"


def check(name, ok, detail=""):
    if ok:
        RESULTS["passed"] += 1
        print("PASS  " + name)
    else:
        RESULTS["failed"] += 1
        print("FAIL  " + name + (("\n      " + str(detail).replace("\n", "\n      "))
                                 if detail else ""))


class Conn:
    """The server's side of one connection: line reads with a buffer, a log of
    every command line received, STARTTLS."""

    def __init__(self, sock, log):
        self.sock = sock
        self.buf = b""
        self.log = log

    def send(self, data):
        self.sock.sendall(data)

    def line(self, limit=10.0):
        """One CRLF line (logged), or None when the client closed or went quiet."""
        end = time.monotonic() + limit
        while b"\r\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, OSError, ssl.SSLError):
                return None
            if not data:
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        text = line.decode("latin-1")
        self.log.append(text)
        return text

    def expect(self, prefix):
        got = self.line()
        if got is None or not got.upper().startswith(prefix.upper()):
            raise EOFError("expected %s, got %r" % (prefix, got))
        return got

    def starttls(self, ctx):
        """Server side of the handshake; False when the client gave up on it."""
        self.sock.settimeout(10)
        try:
            self.sock = ctx.wrap_socket(self.sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log.append("<handshake failed: %s>" % e.__class__.__name__)
            return False
        self.log.append("<tls>")
        return True

    def trickle(self, data, delay, stop):
        """data one byte at a time, every delay seconds, until done or stop is set."""
        for b in data:
            if stop.is_set():
                return
            try:
                self.send(bytes([b]))
            except OSError:
                return
            stop.wait(delay)


class Server:
    """Accepts one connection on 127.0.0.1 and runs handler(conn, server) in a thread."""

    def __init__(self, handler, tls_ctx=None):
        self.handler = handler
        self.tls_ctx = tls_ctx
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.log = []
        self.problems = []
        self.stop = threading.Event()
        self.pid = None
        self.cmdline = None
        self.accepted = None        # when the probe's wait began: its connect, or a
                                    # handler's mark (the hostile phase's start)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        self.sock.settimeout(30)
        try:
            sock, _ = self.sock.accept()
        except OSError:
            return
        self.accepted = time.monotonic()
        conn = Conn(sock, self.log)
        try:
            self.handler(conn, self)
        except EOFError as e:
            self.problems.append(str(e))
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.sock.close()
            except OSError:
                pass
            self.sock.close()

    def snapshot_cmdline(self):
        """What other users of the machine see of the probe's arguments now."""
        if self.pid is not None:
            try:
                with open("/proc/%d/cmdline" % self.pid, "rb") as f:
                    self.cmdline = f.read()
            except OSError:
                self.cmdline = b""


def waited_from(srv, start):
    """When the probe's deadline started: the connection, or the moment the
    handler marked (the 220 to STARTTLS); loading a sanitizer build on a busy
    machine can take a while before that and does not count."""
    return srv.accepted if srv is not None and srv.accepted is not None else start


def run_probe(srv, args, env=None, timeout=TIMEOUT, port=None):
    """Run the probe against srv (or a bare port); returns (rc, out, err, seconds, 0.0)."""
    cmd = [PROBE, "--timeout", str(timeout)] + args + ["127.0.0.1", str(port or srv.port)]
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, env=env)
    if srv is not None:
        srv.pid = p.pid
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return -9, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), 60.0, 0.0
    elapsed = time.monotonic() - waited_from(srv, start)
    if srv is not None:
        srv.stop.set()
        srv.thread.join(5)
    return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), \
        elapsed, 0.0


def run_probe_cpu(srv, args, timeout=TIMEOUT):
    """As run_probe, also measuring the probe's CPU time (os.wait4)."""
    cmd = [PROBE, "--timeout", str(timeout)] + args + ["127.0.0.1", str(srv.port)]
    start = time.monotonic()
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL)
        srv.pid = p.pid
        deadline = start + 60
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.01)
        p.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.monotonic() - waited_from(srv, start)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    srv.stop.set()
    srv.thread.join(5)
    return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), \
        elapsed, usage.ru_utime + usage.ru_stime


def closes_at_once(conn, srv):
    pass                        # the connection is closed as the handler returns


def startup_cpu(args, handler=closes_at_once):
    """CPU seconds the probe spends starting, connecting and ending (with
    handler: up to the same point as the case, then the server closes), with no
    waiting: what a waiting run may exceed by BUSY_MARGIN at most."""
    most = 0.0
    for _ in range(2):
        srv = Server(handler)
        most = max(most, run_probe_cpu(srv, args)[4])
    return most


def json_lines(out):
    """The reply and error objects printed, or [] when the output is not JSON
    lines (a check that wants an object then fails instead of the script)."""
    try:
        objs = [json.loads(line) for line in out.splitlines() if line.strip()]
    except ValueError:
        return []
    return [o for o in objs if "end" not in o]     # the closing object is not a reply


def detail(rc, out, err, elapsed, srv=None):
    return "exit %d after %.2f s%s\nstdout:\n%s\nstderr:\n%s" % (
        rc, elapsed, ("\nserver log: %r%s" % (srv.log, (" problems: %r" % srv.problems)
                                               if srv.problems else "")) if srv else "",
        out[-3000:], err[-3000:])


def on_time(elapsed, timeout=TIMEOUT):
    return elapsed <= timeout + SLACK


def no_auth(srv):
    return not any(line.upper().startswith("AUTH") for line in srv.log)


# --- deadlines ------------------------------------------------------------

def trickle_greeting(conn, srv):
    conn.trickle(b"220 mx.test ESMTP slow\r\n" * 100, 0.5, srv.stop)


def trickle_ehlo(conn, srv):
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    conn.trickle(b"250-mx.test\r\n" * 1000, 0.5, srv.stop)


def endless_fast(conn, srv):
    try:
        while not srv.stop.is_set():
            conn.send(b"220-mx.test endless\r\n" * 64)
    except OSError:
        pass


def endless_slow(conn, srv):
    while not srv.stop.wait(0.05):
        conn.send(b"220-mx.test endless\r\n")


def no_line_end_fast(conn, srv):
    try:
        conn.send(b"220 ")
        while not srv.stop.is_set():
            conn.send(b"x" * 4096)
    except OSError:
        pass


def no_line_end_slow(conn, srv):
    conn.send(b"220 ")
    while not srv.stop.wait(0.1):
        conn.send(b"xxxxxxxxxx")


def partial_then_silence(conn, srv):
    conn.send(b"220 mx.test ESM")
    srv.stop.wait(30)


def slow_steps(conn, srv):
    """Each reply complete within --timeout, but the session longer than --max-time."""
    time.sleep(1.2)
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    time.sleep(1.2)
    conn.send(b"250 mx.test\r\n")
    conn.expect("MAIL")
    time.sleep(1.2)
    conn.send(b"250 ok\r\n")
    conn.line()


def closes_after_greeting(conn, srv):
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")


def part_deadlines():
    cases = [
        ("greeting trickled 1 byte / 0.5 s", trickle_greeting, "no complete greeting within 2 s",
         "deadline"),
        ("EHLO reply trickled 1 byte / 0.5 s", trickle_ehlo, "no complete reply to EHLO",
         "deadline"),
        ("endless 220- reply, fast", endless_fast, "too-many-lines", "protocol-error"),
        ("endless 220- reply, one line / 50 ms", endless_slow, "no complete greeting within 2 s",
         "deadline"),
        ("bytes without a line end, fast", no_line_end_fast, "line-too-long", "protocol-error"),
        ("bytes without a line end, 100 / s", no_line_end_slow, "no complete greeting within 2 s",
         "deadline"),
        ("part of a greeting, then silence", partial_then_silence,
         "no complete greeting within 2 s (15 bytes of it received)", "deadline"),
    ]
    base = startup_cpu(["--json"])
    for name, handler, says, end in cases:
        srv = Server(handler)
        rc, out, err, elapsed, cpu = run_probe_cpu(srv, ["--json"])
        d = detail(rc, out, err, elapsed)
        check(name + ": ends within --timeout + 1 s", on_time(elapsed), d)
        check(name + ": exit 2", rc == 2, d)
        check(name + ": says smtp-probe gave up, and why", "gave up" in err and says in err, d)
        check(name + ": does not blame the server for closing", "closed the connection" not in err, d)
        check(name + ": no busy loop (%.2f CPU s, %.2f to start and end)" % (cpu, base),
              cpu < base + BUSY_MARGIN, d)
        try:
            objs = [json.loads(l) for l in out.splitlines() if l.strip()]
        except ValueError:
            objs = []
        check(name + ": output is JSON lines, the last one the ending %s" % end,
              objs and objs[-1].get("end") == end and objs[-1].get("exit") == 2, d)

    srv = Server(slow_steps)
    rc, out, err, elapsed, cpu = run_probe_cpu(srv, ["--max-time", "3", "--from", "a@x.test"])
    d = detail(rc, out, err, elapsed)
    check("--max-time 3: ends within 3 + 1 s although each reply is on time",
          elapsed <= 3 + SLACK, d)
    check("--max-time 3: exit 2, names --max-time", rc == 2 and "--max-time 3 s reached" in err, d)

    srv = Server(closes_after_greeting)
    rc, out, err, elapsed, cpu = run_probe_cpu(srv, [])
    check("a server that closes: says so, exit 1", rc == 1 and "closed the connection" in out + err,
          detail(rc, out, err, elapsed))


# --- auth -----------------------------------------------------------------

def refused_starttls(conn, srv):
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    conn.send(EHLO_TLS_AUTH)
    conn.expect("STARTTLS")
    conn.send(b"454 4.7.0 TLS not available due to local problem\r\n")
    while conn.line() is not None:
        conn.send(b"235 2.7.0 ok\r\n" if conn.log[-1].upper().startswith("AUTH")
                  else b"221 2.0.0 bye\r\n")


def no_starttls(conn, srv):
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    conn.send(EHLO_AUTH)
    accept_all(conn)


def accept_all(conn):
    """Accept every command (235 to AUTH) until QUIT or the client goes."""
    while conn.line() is not None:
        last = conn.log[-1].upper()
        if last.startswith("QUIT"):
            conn.send(b"221 2.0.0 bye\r\n")
            break
        conn.send(b"235 2.7.0 ok\r\n" if last.startswith("AUTH") else b"250 ok\r\n")


def ehlo_then(ehlo):
    def handler(conn, srv):
        conn.send(b"220 mx.test ESMTP\r\n")
        conn.expect("EHLO")
        srv.snapshot_cmdline()
        conn.send(ehlo)
        accept_all(conn)
    return handler


def loop_334(conn, srv):
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    conn.send(b"250-mx.test\r\n250 AUTH LOGIN\r\n")
    while conn.line() is not None and len(conn.log) < 50:
        conn.send(b"334 UGFzc3dvcmQ6\r\n")


def part_auth():
    plain = base64.b64encode(b"\0u\0" + SECRET.encode()).decode()
    args = ["--json", "--auth", "u"]
    env = dict(os.environ, SMTP_PROBE_PASSWORD=SECRET)
    # USER:PASS where the case is about where the password goes: the form every
    # version of the probe takes.
    inline = ["--json", "--auth", "u:" + SECRET]

    srv = Server(refused_starttls)
    rc, out, err, elapsed, _ = run_probe(srv, inline + ["--starttls"])
    d = detail(rc, out, err, elapsed, srv)
    check("454 to STARTTLS with --starttls: exit 3", rc == 3, d)
    check("454 to STARTTLS with --starttls: no AUTH in the server's log", no_auth(srv), d)
    check("454 to STARTTLS with --starttls: says the server refused STARTTLS",
          "refused STARTTLS" in err, d)
    check("454 to STARTTLS: ends on time", on_time(elapsed), d)

    srv = Server(refused_starttls)
    rc, out, err, elapsed, _ = run_probe(srv, inline)
    d = detail(rc, out, err, elapsed, srv)
    check("454 to STARTTLS, no --starttls: no AUTH in the server's log", no_auth(srv), d)
    check("454 to STARTTLS, no --starttls: exit 3, says why", rc == 3 and "not sending" in err, d)

    srv = Server(refused_starttls)
    rc, out, err, elapsed, _ = run_probe(srv, args + ["--allow-plaintext-auth"], env=env)
    d = detail(rc, out, err, elapsed, srv)
    check("454 to STARTTLS with --allow-plaintext-auth: AUTH sent",
          ("AUTH PLAIN " + plain) in srv.log, d)
    check("454 to STARTTLS with --allow-plaintext-auth: secret never printed",
          SECRET not in out + err and plain not in out + err, d)

    srv = Server(no_starttls)
    rc, out, err, elapsed, _ = run_probe(srv, inline + ["--starttls"])
    d = detail(rc, out, err, elapsed, srv)
    check("STARTTLS not offered with --starttls: no AUTH", no_auth(srv), d)
    check("STARTTLS not offered with --starttls: exit 3, says why",
          rc == 3 and "does not offer STARTTLS" in err, d)
    check("STARTTLS not offered with --starttls: ends on time", on_time(elapsed), d)

    srv = Server(no_starttls)
    rc, out, err, elapsed, _ = run_probe(srv, inline)
    d = detail(rc, out, err, elapsed, srv)
    check("STARTTLS not offered: no password in clear text", no_auth(srv), d)
    check("STARTTLS not offered: exit 3, says why", rc == 3 and "clear text" in err, d)

    srv = Server(ehlo_then(b"250-mx.test\r\n250 8BITMIME\r\n"))
    rc, out, err, elapsed, _ = run_probe(srv, inline)
    check("AUTH not offered (clear text): no AUTH sent", no_auth(srv),
          detail(rc, out, err, elapsed, srv))

    srv = Server(ehlo_then(b"250-mx.test\r\n250 8BITMIME\r\n"))
    rc, out, err, elapsed, _ = run_probe(srv, args + ["--allow-plaintext-auth"], env=env)
    d = detail(rc, out, err, elapsed, srv)
    check("AUTH not offered: none sent, exit 1, says so",
          no_auth(srv) and rc == 1 and "does not offer AUTH" in err, d)

    srv = Server(ehlo_then(b"250-mx.test\r\n250 AUTH CRAM-MD5 XOAUTH2\r\n"))
    rc, out, err, elapsed, _ = run_probe(srv, args + ["--allow-plaintext-auth"], env=env)
    d = detail(rc, out, err, elapsed, srv)
    check("only mechanisms smtp-probe does not speak: no AUTH, exit 1",
          no_auth(srv) and rc == 1 and "not PLAIN or LOGIN" in err, d)

    srv = Server(loop_334)
    rc, out, err, elapsed, _ = run_probe(srv, ["--allow-plaintext-auth", "--auth", "u"], env=env)
    d = detail(rc, out, err, elapsed, srv)
    check("334 loop: not 'session completed', exit 1",
          rc == 1 and "-- session completed\n" not in out and "did not complete" in out + err, d)
    check("334 loop: cancelled with '*', then stopped (%d lines sent)" % len(srv.log),
          "*" in srv.log and len(srv.log) <= 6, d)
    check("334 loop: ends on time", on_time(elapsed), d)

    # Secrets off the command line, and never in the output.
    ok_ehlo = ehlo_then(b"250-mx.test\r\n250 AUTH PLAIN\r\n")
    srv = Server(ok_ehlo)
    rc, out, err, elapsed, _ = run_probe(srv, args + ["--allow-plaintext-auth"], env=env)
    d = detail(rc, out, err, elapsed, srv)
    check("SMTP_PROBE_PASSWORD: AUTH PLAIN with it, exit 0",
          ("AUTH PLAIN " + plain) in srv.log and rc == 0, d)
    check("SMTP_PROBE_PASSWORD: not in /proc/PID/cmdline",
          srv.cmdline is not None and SECRET.encode() not in srv.cmdline, srv.cmdline)
    check("SMTP_PROBE_PASSWORD: no warning, no secret printed",
          "warning" not in err and SECRET not in out + err and plain not in out + err, d)

    with tempfile.TemporaryDirectory() as tmp:
        pw = os.path.join(tmp, "pw")
        with open(pw, "w") as f:
            f.write(SECRET + "\n")
        os.chmod(pw, 0o600)
        srv = Server(ok_ehlo)
        rc, out, err, elapsed, _ = run_probe(
            srv, args + ["--allow-plaintext-auth", "--password-file", pw])
        d = detail(rc, out, err, elapsed, srv)
        check("--password-file: its first line is the password",
              ("AUTH PLAIN " + plain) in srv.log and rc == 0 and "warning" not in err, d)
        os.chmod(pw, 0o644)
        srv = Server(ok_ehlo)
        rc, out, err, elapsed, _ = run_probe(
            srv, args + ["--allow-plaintext-auth", "--password-file", pw])
        check("--password-file readable by others: a warning",
              "can be read by other users" in err, detail(rc, out, err, elapsed, srv))

    srv = Server(ok_ehlo)
    rc, out, err, elapsed, _ = run_probe(
        srv, ["--json", "--allow-plaintext-auth", "--auth", "u:" + SECRET])
    d = detail(rc, out, err, elapsed, srv)
    check("USER:PASS still works", ("AUTH PLAIN " + plain) in srv.log and rc == 0, d)
    check("USER:PASS: warns that other users can read it",
          "can be read by other users" in err and "/proc/PID/cmdline" in err, d)
    check("USER:PASS: overwritten in /proc/PID/cmdline once running",
          srv.cmdline is not None and SECRET.encode() not in srv.cmdline, srv.cmdline)
    check("USER:PASS: secret never printed", SECRET not in out + err and plain not in out + err, d)

    rc, out, err, _, _ = run_probe(None, ["--auth", "u"], port=25,
                                   env={k: v for k, v in os.environ.items()
                                        if k != "SMTP_PROBE_PASSWORD"})
    check("--auth USER without a password and no terminal: exit 2, says how",
          rc == 2 and "no password" in err and "--password-file" in err, err)

    # The prompt: on a terminal, without echo.
    srv = Server(ok_ehlo)
    master, slave = pty.openpty()
    p = subprocess.Popen([PROBE, "--timeout", "5", "--json", "--allow-plaintext-auth",
                          "--auth", "u", "127.0.0.1", str(srv.port)],
                         stdin=slave, stdout=subprocess.PIPE, stderr=slave,
                         env={k: v for k, v in os.environ.items() if k != "SMTP_PROBE_PASSWORD"})
    os.close(slave)
    seen = b""
    end = time.monotonic() + 30
    while b"Password for u: " not in seen and time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
    os.write(master, (SECRET + "\n").encode())
    rest = b""
    end = time.monotonic() + 30
    while time.monotonic() < end and p.poll() is None:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                rest += os.read(master, 4096)
            except OSError:
                break
    try:
        out = p.communicate(timeout=10)[0].decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        p.kill()
        out = "(still running after the password was typed: killed)\n" + \
            p.communicate()[0].decode("utf-8", "replace")
    os.close(master)
    srv.stop.set()
    srv.thread.join(5)
    check("prompt: asks on the terminal", b"Password for u: " in seen, seen)
    check("prompt: the typed password is not echoed", SECRET.encode() not in rest, rest)
    check("prompt: the password is used", ("AUTH PLAIN " + plain) in srv.log and p.returncode == 0,
          "exit %s log %r out %s" % (p.returncode, srv.log, out))


# --- tls ------------------------------------------------------------------

def make_cert(tmp, name, san):
    key, cert = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san,
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return cert, ctx


def starttls_session(ctx, auth=True):
    def handler(conn, srv):
        conn.send(b"220 mx.test ESMTP\r\n")
        conn.expect("EHLO")
        conn.send(b"250-mx.test\r\n250 STARTTLS\r\n")
        conn.expect("STARTTLS")
        conn.send(b"220 2.0.0 go ahead\r\n")
        if not conn.starttls(ctx):
            return
        conn.expect("EHLO")
        conn.send(b"250-mx.test\r\n250 AUTH PLAIN\r\n" if auth else b"250 mx.test\r\n")
        accept_all(conn)
    return handler


def implicit_session(ctx):
    def handler(conn, srv):
        if not conn.starttls(ctx):
            return
        conn.send(b"220 mx.test ESMTP over TLS\r\n")
        conn.expect("EHLO")
        conn.send(b"250-mx.test\r\n250 AUTH PLAIN\r\n")
        accept_all(conn)
    return handler


def stall_after_starttls(conn, srv):
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    conn.send(b"250-mx.test\r\n250 STARTTLS\r\n")
    conn.expect("STARTTLS")
    conn.send(b"220 2.0.0 go ahead\r\n")
    srv.accepted = time.monotonic()
    srv.stop.wait(30)


def close_after_starttls(conn, srv):
    """What a STARTTLS case costs without any waiting: the baseline for its CPU."""
    conn.send(b"220 mx.test ESMTP\r\n")
    conn.expect("EHLO")
    conn.send(b"250-mx.test\r\n250 STARTTLS\r\n")
    conn.expect("STARTTLS")
    conn.send(b"220 2.0.0 go ahead\r\n")


def stall_silent(conn, srv):
    srv.stop.wait(30)


def trickled_handshake(ctx, starttls=False):
    """A real TLS server whose every byte to the client is delayed: the handshake
    makes progress all the time and still must not outlast its deadline."""
    def handler(conn, srv):
        if starttls:
            conn.send(b"220 mx.test ESMTP\r\n")
            conn.expect("EHLO")
            conn.send(b"250-mx.test\r\n250 STARTTLS\r\n")
            conn.expect("STARTTLS")
            conn.send(b"220 2.0.0 go ahead\r\n")
            srv.accepted = time.monotonic()
        inner, outer = socket.socketpair()

        def tls_side():
            try:
                t = ctx.wrap_socket(inner, server_side=True)
                t.sendall(b"220 mx.test ESMTP\r\n")
                t.recv(100)
            except (OSError, ssl.SSLError):
                pass

        threading.Thread(target=tls_side, daemon=True).start()
        conn.sock.setblocking(False)
        outer.setblocking(False)
        pending = b""
        while not srv.stop.is_set():
            r, _, _ = select.select([conn.sock, outer], [], [], 0.1)
            if conn.sock in r:
                try:
                    data = conn.sock.recv(65536)
                except BlockingIOError:
                    data = b"-"
                if not data:
                    break
                if data != b"-":
                    outer.sendall(data)
            if outer in r:
                try:
                    pending += outer.recv(65536)
                except BlockingIOError:
                    pass
            if pending:
                try:
                    conn.sock.send(pending[:1])
                    pending = pending[1:]
                except (BlockingIOError, OSError):
                    break
                srv.stop.wait(0.1)
        outer.close()
    return handler


def part_tls():
    if "TLS: not built in" in subprocess.run([PROBE, "--version"], capture_output=True,
                                             text=True).stdout:
        # Built without OpenSSL: everything that needs TLS is refused up front.
        for args in (["--starttls"], ["--tls"], ["--tls-insecure"], ["--tls-name", "mx.test"],
                     ["--auth", "u:p"]):
            rc, out, err, _, _ = run_probe(None, args, port=25)
            check("without OpenSSL %s is refused: exit 2, says so" % args[0],
                  rc == 2 and "without OpenSSL" in err, err)
        rc, out, err, _, _ = run_probe(None, [], port=465)
        check("without OpenSSL port 465 is refused", rc == 2 and "without OpenSSL" in err, err)
        return 0
    if shutil.which("openssl") is None:
        print("SKIP  the openssl command is needed for a throwaway certificate")
        return 77
    env = dict(os.environ, SMTP_PROBE_PASSWORD=SECRET)
    with tempfile.TemporaryDirectory() as tmp:
        good, good_ctx = make_cert(tmp, "loopback", "IP:127.0.0.1,DNS:localhost")
        other, other_ctx = make_cert(tmp, "mx.test", "DNS:mx.test")

        srv = Server(starttls_session(good_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--auth", "u:" + SECRET])
        d = detail(rc, out, err, elapsed, srv)
        check("self-signed certificate: refused by default, exit 3", rc == 3, d)
        check("self-signed certificate: says it did not verify, and why",
              "did not verify" in err and "self-signed" in err, d)
        check("self-signed certificate: no AUTH reaches the server", no_auth(srv), d)
        check("self-signed certificate: ends on time", on_time(elapsed), d)
        check("self-signed certificate: the closing object says certificate-not-verified",
              out.strip() and json.loads(out.strip().splitlines()[-1]).get("end")
              == "certificate-not-verified", d)

        # --quit-after tls: TLS up, EHLO over it, then QUIT and nothing else.
        srv = Server(starttls_session(good_ctx, auth=False))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-ca", good, "--quit-after", "tls",
                                                   "--from", "a@x.test", "--to", "b@x.test"])
        d = detail(rc, out, err, elapsed, srv)
        cmds = [l.split()[0] if not l.startswith("<") else l for l in srv.log]
        check("--quit-after tls: EHLO, STARTTLS, handshake, EHLO, QUIT; exit 0",
              rc == 0 and cmds == ["EHLO", "STARTTLS", "<tls>", "EHLO", "QUIT"], d)

        srv = Server(implicit_session(good_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls", "--tls-ca", good,
                                                   "--quit-after", "tls", "--from", "a@x.test"])
        d = detail(rc, out, err, elapsed, srv)
        cmds = [l.split()[0] if not l.startswith("<") else l for l in srv.log]
        check("--quit-after tls, implicit TLS: handshake, EHLO, QUIT; exit 0",
              rc == 0 and cmds == ["<tls>", "EHLO", "QUIT"], d)

        srv = Server(starttls_session(good_ctx, auth=False))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-insecure"])
        d = detail(rc, out, err, elapsed, srv)
        objs = json_lines(out)
        after = [o for o in objs if o["command"].startswith(("EHLO", "QUIT"))][1:]
        check("--tls-insecure: accepted, exit 0", rc == 0 and "<tls>" in srv.log, d)
        check("--tls-insecure: ends on time", on_time(elapsed), d)
        check("--tls-insecure: the TLS line says NOT VERIFIED", "NOT VERIFIED" in err, d)
        check("--tls-insecure: replies over TLS carry tls: unverified",
              after and all(o.get("tls") == "unverified" for o in after), d)
        check("--tls-insecure: replies before TLS carry no tls field",
              objs and "tls" not in objs[0], d)

        srv = Server(starttls_session(good_ctx, auth=False))
        rc, out, err, elapsed, _ = run_probe(srv, ["--tls-insecure"])
        d = detail(rc, out, err, elapsed, srv)
        # Lines about TLS itself (not the STARTTLS command or capability).
        tls_lines = [l for l in out.splitlines() if "TLS" in l.replace("STARTTLS", "")]
        check("--tls-insecure, readable view: every TLS line says so",
              tls_lines and all("NOT VERIFIED" in l for l in tls_lines), d)

        srv = Server(starttls_session(good_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-insecure", "--auth", "u"],
                                             env=env)
        d = detail(rc, out, err, elapsed, srv)
        check("--tls-insecure with --auth: no password over unverified TLS, exit 3",
              rc == 3 and no_auth(srv) and "not verified" in err, d)

        srv = Server(starttls_session(good_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-ca", good, "--auth", "u"],
                                             env=env)
        d = detail(rc, out, err, elapsed, srv)
        auth = [o for o in json_lines(out) if o["command"].startswith("AUTH")]
        check("--tls-ca: verified, AUTH over TLS, exit 0",
              rc == 0 and auth and auth[0]["code"] == 235 and auth[0].get("tls") == "verified"
              and "certificate verified" in err, d)

        srv = Server(starttls_session(other_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-ca", other, "--auth", "u"],
                                             env=env)
        d = detail(rc, out, err, elapsed, srv)
        check("certificate for another name (mx.test, not 127.0.0.1): refused, no AUTH",
              rc == 3 and no_auth(srv) and "did not verify" in err, d)

        # --tls-name: the certificate names mx.test, the server is reached at 127.0.0.1.
        sni = []
        other_ctx.sni_callback = lambda sock, name, ctx: sni.append(name)
        srv = Server(starttls_session(other_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-ca", other, "--tls-name",
                                                   "mx.test", "--auth", "u"], env=env)
        d = detail(rc, out, err, elapsed, srv)
        auth = [o for o in json_lines(out) if o["command"].startswith("AUTH")]
        check("--tls-name mx.test: the certificate verified, AUTH over TLS, exit 0",
              rc == 0 and auth and auth[0]["code"] == 235 and auth[0].get("tls") == "verified", d)
        check("--tls-name mx.test: sent as SNI", sni == ["mx.test"], "%r %s" % (sni, d))
        srv = Server(starttls_session(other_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls-ca", other, "--tls-name",
                                                   "mx.other", "--auth", "u"], env=env)
        d = detail(rc, out, err, elapsed, srv)
        check("--tls-name with a name the certificate lacks: refused, no AUTH, exit 3",
              rc == 3 and no_auth(srv) and "did not verify for mx.other" in err, d)
        other_ctx.sni_callback = None
        for bad in ("mx test", "", "-x", "a:b", "x" * 254):
            rc, out, err, _, _ = run_probe(None, ["--tls-name", bad], port=25)
            check("--tls-name %r: usage error, exit 2" % bad[:20],
                  rc == 2 and "--tls-name" in err and "a host name" in err, err)
        rc, out, err, _, _ = run_probe(None, ["--tls-name", "mx.test", "--no-starttls"], port=25)
        check("--tls-name with --no-starttls: usage error, exit 2",
              rc == 2 and "--no-starttls" in err, err)

        srv = Server(implicit_session(good_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls", "--tls-ca", good,
                                                   "--auth", "u"], env=env)
        d = detail(rc, out, err, elapsed, srv)
        objs = json_lines(out)
        check("implicit TLS (--tls): greeting over verified TLS, AUTH, exit 0",
              rc == 0 and objs and objs[0]["code"] == 220 and objs[0].get("tls") == "verified"
              and not no_auth(srv), d)
        check("implicit TLS (--tls): ends on time", on_time(elapsed), d)

        srv = Server(implicit_session(good_ctx))
        rc, out, err, elapsed, _ = run_probe(srv, ["--json", "--tls"])
        check("implicit TLS, self-signed: refused by default, exit 3", rc == 3,
              detail(rc, out, err, elapsed, srv))

        for name, handler, args, before in (
                ("TLS handshake stall after STARTTLS", stall_after_starttls, [],
                 close_after_starttls),
                ("TLS handshake stall, implicit TLS", stall_silent, ["--tls"], closes_at_once),
                ("TLS handshake trickled 1 byte / 0.1 s", trickled_handshake(good_ctx),
                 ["--tls", "--tls-ca", good], closes_at_once),
                ("TLS handshake after STARTTLS trickled 1 byte / 0.1 s",
                 trickled_handshake(good_ctx, starttls=True), [], close_after_starttls)):
            base = startup_cpu(args, before)
            srv = Server(handler)
            rc, out, err, elapsed, cpu = run_probe_cpu(srv, args)
            d = detail(rc, out, err, elapsed)
            check(name + ": ends within --timeout + 1 s", on_time(elapsed), d)
            check(name + ": exit 2, says the handshake did not finish",
                  rc == 2 and "TLS handshake did not finish within 2 s" in err, d)
            check(name + ": no busy loop (%.2f CPU s, %.2f to start and end)" % (cpu, base),
                  cpu < base + BUSY_MARGIN, d)

    rc, out, err, _, _ = run_probe(None, ["--starttls"], port=465)
    check("--starttls on port 465 (implicit TLS): usage error", rc == 2 and "implicit" in err, err)
    return 0


# --- output ---------------------------------------------------------------

def replies(greeting, ehlo):
    def handler(conn, srv):
        conn.send(greeting)
        conn.expect("EHLO")
        conn.send(ehlo)
        conn.expect("QUIT")
        conn.send(b"221 bye\r\n")
    return handler


def valid_json_utf8(out_bytes):
    try:
        text = out_bytes.decode("utf-8")
        return [json.loads(l) for l in text.splitlines() if l.strip()]
    except (UnicodeDecodeError, ValueError):
        return None


def probe_bytes(srv, args):
    cmd = [PROBE, "--timeout", "5"] + args + ["127.0.0.1", str(srv.port)]
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    srv.stop.set()
    srv.thread.join(5)
    return p.returncode, p.stdout, p.stderr


def part_output():
    greet = b"220 mx.test ESMTP\r\n"
    # One line valid UTF-8, one not: the valid one must not become mojibake.
    mixed = b"250-mx.test caf\xc3\xa9\r\n250-bad \xff\xfe byte\r\n250 8BITMIME\r\n"
    srv = Server(replies(greet, mixed))
    rc, out, err = probe_bytes(srv, ["--json"])
    objs = valid_json_utf8(out)
    check("mixed lines: output is valid UTF-8 JSON", objs is not None, out)
    ehlo = [o for o in objs or [] if o.get("command", "").startswith("EHLO")]
    check("mixed lines: the valid line is printed unchanged",
          ehlo and ehlo[0]["lines"][0] == "mx.test caf\u00e9", ehlo)
    check("mixed lines: the bad bytes become U+FFFD",
          ehlo and ehlo[0]["lines"][1] == "bad \ufffd\ufffd byte", ehlo)
    check("mixed lines: lines_raw keeps the exact bytes of the bad line only",
          ehlo and ehlo[0].get("lines_raw") == [None, "bad \u00ff\u00fe byte", None]
          and ehlo[0]["lines_raw"][1].encode("latin-1") == b"bad \xff\xfe byte", ehlo)

    srv = Server(replies(greet, mixed))
    rc, out, err = probe_bytes(srv, [])
    text = out.decode("utf-8", "replace")
    check("mixed lines, readable view: valid line unchanged, bad bytes as \\xFF",
          "mx.test caf\u00e9" in text and "bad \\xFF\\xFE byte" in text, text)

    # Terminal controls: 8-bit CSI (U+009B), bidi override (U+202E), isolates, ESC.
    hostile = ("250-mx.test \u009b31m red \u202e txet \u2066x\u2069 \x1b[2J\r\n"
               "250 8BITMIME\r\n").encode("utf-8")
    srv = Server(replies(greet, hostile))
    rc, out, err = probe_bytes(srv, [])
    text = out.decode("utf-8", "replace")
    check("terminal controls: none reaches the readable view raw",
          not any(c in text for c in "\u009b\u202e\u2066\u2069\x1b"), repr(text))
    check("terminal controls: shown as escapes",
          all(e in text for e in ("\\u009B", "\\u202E", "\\u2066", "\\u2069", "\\x1B")), text)
    srv = Server(replies(greet, hostile))
    rc, out, err = probe_bytes(srv, ["--json"])
    objs = valid_json_utf8(out)
    ehlo = [o for o in objs or [] if o.get("command", "").startswith("EHLO")]
    check("terminal controls: kept exactly in JSON (as escapes)",
          ehlo and ehlo[0]["lines"][0] == "mx.test \u009b31m red \u202e txet \u2066x\u2069 \x1b[2J"
          and b"\xc2\x9b" not in out and b"\xe2\x80\xae" not in out, out[:400])

    # A line over the parser's line limit (16384 octets), cut inside a character:
    # the probe gives up on the session, and what it printed is still UTF-8 JSON.
    for ch in ("\u00e9", "\u20ac", "\U0001f600"):
        enc = ch.encode("utf-8")
        ok, why = True, ""
        for shift in range(len(enc) + 1):
            long_line = b"250 " + b"z" * (16384 - 12 + shift) + enc * 8 + b"\r\n"
            srv = Server(replies(greet, long_line))
            rc, out, err = probe_bytes(srv, ["--json"])
            objs = valid_json_utf8(out)
            if objs is None or rc != 2 or b"line-too-long" not in out:
                ok, why = False, "shift %d: exit %d %r %r" % (shift, rc, out[-200:], err[-300:])
        check("line over the limit cut through U+%04X: UTF-8 JSON, exit 2" % ord(ch), ok, why)

    # Cut points through multi-byte characters where the text buffer (65536
    # bytes) fills: every offset of 2-, 3- and 4-byte characters.
    for ch in ("\u00e9", "\u20ac", "\U0001f600"):
        enc = ch.encode("utf-8")
        for shift in range(len(enc)):
            lines, total = [], 0
            while total < 70000:
                body = b"x" * (8000 - shift) + enc * 40
                lines.append(body)
                total += len(body) + 1
            reply = b"".join(b"250-" + l + b"\r\n" for l in lines[:-1]) + b"250 " + lines[-1] + b"\r\n"
            srv = Server(replies(greet, reply))
            rc, out, err = probe_bytes(srv, ["--json"])
            objs = valid_json_utf8(out)
            ehlo = [o for o in objs or [] if o.get("command", "").startswith("EHLO")]
            ok = objs is not None and ehlo and "truncated" in ehlo[0]["flags"]
            if ok:
                raw = ehlo[0].get("lines_raw") or [None] * len(ehlo[0]["lines"])
                stored = b"\n".join(r.encode("latin-1") if r is not None else l.encode("utf-8")
                                    for l, r in zip(ehlo[0]["lines"], raw))
                ok = b"\n".join(lines).startswith(stored) and len(stored) > 60000
            check("text buffer cut, U+%04X at offset %d: valid JSON, lossless" % (ord(ch), shift),
                  ok, out[-300:])


def main():
    if PART == "deadlines":
        part_deadlines()
    elif PART == "auth":
        part_auth()
    elif PART == "tls":
        if part_tls() == 77:
            return 77
    elif PART == "output":
        part_output()
    else:
        print("unknown part %r" % PART)
        return 2
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 0 if RESULTS["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
