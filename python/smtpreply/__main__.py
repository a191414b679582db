# SPDX-License-Identifier: MIT
"""python3 -m smtpreply: read raw SMTP server bytes and print one JSON object per
reply or error, in stream order, exactly as the C tool smtp-parse prints them.

    python3 -m smtpreply [--strict] [--smtputf8] [--chunk-size N] [--command CMD] [FILE]

Exit status: 0 when the input held no error, 1 when it did, 2 on a usage or I/O
error.
"""

import sys
from typing import BinaryIO, List, Optional

import smtpreply

USAGE = (
    "usage: python3 -m smtpreply [--strict] [--smtputf8] [--chunk-size N] [--command CMD] [FILE]\n"
    "  Reads raw SMTP server bytes (FILE or standard input) and prints one JSON\n"
    "  object per reply or error, as smtp-parse does.\n"
    "  --strict        every tolerated deviation is an error\n"
    "  --smtputf8      with --strict: valid UTF-8 text is allowed\n"
    "  --chunk-size N  feed the parser N bytes at a time (1 and up)\n"
    "  --command CMD   the command the replies answer (RCPT, DATA_END, AUTH, ...)\n"
)
READ_SIZE = 65536
_ESCAPES = {0x22: b'\\"', 0x5C: b"\\\\", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t"}


def json_string(data: bytes, utf8_ok: bool = True) -> bytes:
    """`data` as a JSON string, escaped as smtp-parse escapes it: quote, backslash
    and control bytes escaped; bytes from 0x80 up kept when the text is valid
    UTF-8 (utf8_ok), otherwise each written as \\u00XX, its Latin-1 reading."""
    out = bytearray(b'"')
    for c in data:
        esc = _ESCAPES.get(c)
        if esc is not None:
            out += esc
        elif c < 0x20 or c == 0x7F or (c >= 0x80 and not utf8_ok):
            out += b"\\u%04x" % c
        else:
            out.append(c)
    out += b'"'
    return bytes(out)


def _name(s: str) -> bytes:
    return b'"' + s.encode("utf-8") + b'"'


def reply_json(r: smtpreply.Reply, command: Optional[str]) -> bytes:
    """The line smtp-parse prints for a reply (without the newline)."""
    v = r.classify(command)
    out = [b'{"offset":%d,"code":%d,"enhanced":' % (r.offset, r.code),
           _name(r.enhanced) if r.enhanced else b"null",
           b',"lines":[',
           b",".join(json_string(line, r.encoding != "other") for line in r.raw_lines),
           b'],"severity":', _name(v.severity), b',"category":', _name(v.category),
           b',"reason":', _name(v.reason), b',"bounce":', _name(v.bounce),
           b',"retry":', _name(v.retry), b',"confidence":', _name(v.confidence),
           b',"evidence":', _name(v.evidence),
           b',"rule":', json_string(v.rule.encode("utf-8"))]
    if v.command != "UNKNOWN":
        out += [b',"command":', _name(v.command)]
    out += [b',"encoding":', _name(r.encoding), b',"flags":[',
            b",".join(_name(f) for f in r.flags + v.flags), b"]}"]
    return b"".join(out)


def error_json(e: smtpreply.ParseError) -> bytes:
    """The line smtp-parse prints for an error (without the newline)."""
    return (b'{"offset":%d,"error":%s,"line":%d,"position":%d,"message":%s}'
            % (e.offset, _name(e.name), e.line, e.position,
               json_string(e.message.encode("utf-8"))))


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    strict = smtputf8 = False
    chunk = None
    command = None
    path = None
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--strict":
            strict = True
        elif a == "--smtputf8":
            smtputf8 = True
        elif a == "--chunk-size" and i + 1 < len(args):
            i += 1
            v = args[i]
            if not v.isdigit() or int(v) == 0:
                sys.stderr.write("smtpreply: --chunk-size needs a number of bytes, 1 or more\n")
                return 2
            chunk = int(v)
        elif a == "--command" and i + 1 < len(args):
            i += 1
            command = args[i]
            # As smtp-parse: a verb the library does not know (XCLIENT) is an
            # unknown command, and the replies are still classified.
            if command == "":
                sys.stderr.write("smtpreply: --command needs a command (CONNECT, EHLO, MAIL, "
                                 "RCPT, DATA, DATA_END, AUTH, QUIT, ...)\n")
                return 2
        elif a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        elif a == "--version":
            sys.stdout.write("python3 -m smtpreply (smtpreply %s)\n" % smtpreply.version())
            return 0
        elif a.startswith("-") and a != "-":
            sys.stderr.write("smtpreply: unknown option '%s'\n" % a)
            sys.stderr.write(USAGE)
            return 2
        elif path is None:
            path = a
        else:
            sys.stderr.write(USAGE)
            return 2
        i += 1

    try:
        source: BinaryIO = (sys.stdin.buffer if path in (None, "-")
                            else open(path, "rb"))
    except OSError as e:
        sys.stderr.write("smtpreply: %s: %s\n" % (path, e.strerror))
        return 2
    parser = smtpreply.Parser(strict=strict, smtputf8=smtputf8, chunk=chunk)
    out = sys.stdout.buffer
    errors = 0
    try:
        with source:
            while True:
                try:
                    block = source.read(READ_SIZE)
                except OSError as e:
                    sys.stderr.write("smtpreply: read error: %s\n" % e.strerror)
                    return 2
                items = parser.feed(block) if block else parser.finish()
                for item in items:
                    if isinstance(item, smtpreply.ParseError):
                        out.write(error_json(item) + b"\n")
                        errors += 1
                    else:
                        out.write(reply_json(item, command) + b"\n")
                if not block:
                    break
        out.flush()
    except BrokenPipeError:
        return 2
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
