#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A scripted SMTP server on loopback, to try smtp-probe (and the README's examples).

Usage: smtp_demo_server.py PORT [SESSIONS]

Listens on 127.0.0.1:PORT, then goes to the background: the command returns as
soon as the port accepts connections. It answers SESSIONS sessions (default 1),
one after the other, and exits; it also exits after 60 seconds without a
connection, so it never stays behind. It answers as a small Exim setup would:
EHLO with SIZE, 8BITMIME, PIPELINING and AUTH PLAIN LOGIN (no STARTTLS), every
AUTH refused with 535, any sender accepted, a recipient whose local part is
"nobody" refused with 550, a message after DATA accepted. It is a demonstration,
not a mail server: it stores nothing and relays nothing.

Exit status: 0 listening (the sessions are served in the background), 2 usage
error or the port could not be opened.
"""

import os
import socket
import sys

NAME = b"mx.example.test"
IDLE_SECONDS = 60
EHLO_LINES = [b"SIZE 20480", b"8BITMIME", b"PIPELINING", b"AUTH PLAIN LOGIN", b"HELP"]


def read_line(conn, pending):
    """One line without its line end, or None when the client has closed."""
    while b"\n" not in pending[0]:
        data = conn.recv(4096)
        if not data:
            return None
        pending[0] += data
        if len(pending[0]) > 65536:
            return None         # no line end within 64 KiB: not a client to serve
    line, pending[0] = pending[0].split(b"\n", 1)
    return line.rstrip(b"\r")


def ehlo_reply(argument):
    first = NAME + b" Hello " + (argument or b"there") + b" [127.0.0.1]"
    lines = [first] + EHLO_LINES
    return b"".join(b"250" + (b" " if i == len(lines) - 1 else b"-") + l + b"\r\n"
                    for i, l in enumerate(lines))


def answer(verb, argument, conn, pending):
    """The reply to one command (bytes), or None to end the session after QUIT."""
    if verb == b"EHLO":
        return ehlo_reply(argument)
    if verb in (b"HELO", b"LHLO"):
        return b"250 " + NAME + b" Hello " + (argument or b"there") + b"\r\n"
    if verb == b"AUTH":
        if len(argument.split()) < 2:       # no initial response: one challenge first
            conn.sendall(b"334 \r\n")
            if read_line(conn, pending) is None:
                return None
        return b"535 Incorrect authentication data\r\n"
    if verb == b"MAIL":
        return b"250 OK\r\n"
    if verb == b"RCPT":
        local = argument.split(b"<", 1)[-1].split(b"@", 1)[0].lower()
        if local == b"nobody":
            return b"550 Unrouteable address\r\n"
        return b"250 Accepted\r\n"
    if verb == b"DATA":
        conn.sendall(b'354 Enter message, ending with "." on a line by itself\r\n')
        while True:
            line = read_line(conn, pending)
            if line is None:
                return None
            if line == b".":
                return b"250 OK id=demo-message\r\n"
    if verb == b"RSET":
        return b"250 Reset OK\r\n"
    if verb == b"NOOP":
        return b"250 OK\r\n"
    if verb == b"QUIT":
        conn.sendall(b"221 " + NAME + b" closing connection\r\n")
        return None
    return b"500 unrecognized command\r\n"


def serve_one(conn):
    pending = [b""]
    conn.settimeout(IDLE_SECONDS)
    conn.sendall(b"220 " + NAME + b" ESMTP demo server for smtp-probe\r\n")
    while True:
        line = read_line(conn, pending)
        if line is None:
            return
        verb, _, argument = line.partition(b" ")
        reply = answer(verb.upper(), argument.strip(), conn, pending)
        if reply is None:
            return
        conn.sendall(reply)


def main(argv):
    if len(argv) not in (1, 2) or not all(a.isdigit() for a in argv):
        sys.stderr.write(__doc__)
        return 2
    port, sessions = int(argv[0]), int(argv[1]) if len(argv) == 2 else 1
    if not 1 <= port <= 65535 or sessions < 1:
        sys.stderr.write("smtp_demo_server.py: PORT is 1 to 65535, SESSIONS 1 or more\n")
        return 2
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
        listener.listen(1)
    except OSError as e:
        sys.stderr.write("smtp_demo_server.py: cannot listen on 127.0.0.1:%d: %s\n"
                         % (port, e.strerror))
        return 2
    if os.fork() != 0:
        return 0                # listening: the caller goes on
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):        # let go of the caller's terminal
        os.dup2(null, fd)
    listener.settimeout(IDLE_SECONDS)
    for _ in range(sessions):
        try:
            conn, _ = listener.accept()
        except OSError:
            break
        try:
            serve_one(conn)
        except OSError:
            pass
        finally:
            conn.close()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
