# SPDX-License-Identifier: MIT
"""python3 -m smtpreply: read raw SMTP server bytes and print one JSON object per
reply or error, in stream order, exactly as the C tool smtp-parse prints them.

    python3 -m smtpreply [--strict] [--smtputf8] [--chunk-size N] [--command CMD] [FILE]

Exit status: 0 when the input held no error, 1 when it did, 2 on a usage or I/O
error.
"""

import codecs
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
# Written as \\uXXXX, as smtp-parse writes them: C0, DEL, C1, the bidi controls
# and U+2028/U+2029.
_UNSAFE = frozenset(list(range(0x20)) + list(range(0x7F, 0xA0)) + list(range(0x202A, 0x202F))
                    + list(range(0x2066, 0x206A)) + [0x2028, 0x2029])
_BAD = "\ud800"   # marks one ill-formed part; a decoder never yields a lone surrogate
codecs.register_error("smtpreply-mark", lambda e: (_BAD, e.end))


def json_string(data: bytes) -> bytes:
    """`data` as a JSON string, as smtp-parse writes it: valid UTF-8 kept, each
    maximal ill-formed part as \\ufffd (what Python's "replace" replaces), the
    characters in _UNSAFE and quote and backslash escaped."""
    out = bytearray(b'"')
    for ch in data.decode("utf-8", "smtpreply-mark"):
        c = ord(ch)
        esc = _ESCAPES.get(c)
        if esc is not None:
            out += esc
        elif ch == _BAD:
            out += b"\\ufffd"
        elif c in _UNSAFE:
            out += b"\\u%04x" % c
        else:
            out += ch.encode("utf-8")
    out += b'"'
    return bytes(out)


def json_bytes(data: bytes) -> bytes:
    """`data` as a JSON string of one code point per byte (lossless)."""
    out = bytearray(b'"')
    for c in data:
        esc = b'\\"' if c == 0x22 else b"\\\\" if c == 0x5C else None
        if esc is not None:
            out += esc
        elif c < 0x20 or c >= 0x7F:
            out += b"\\u%04x" % c
        else:
            out.append(c)
    out += b'"'
    return bytes(out)


def _valid(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def lines_json(lines: List[bytes]) -> bytes:
    """"lines":[...], and "lines_raw" when a line is not valid UTF-8."""
    out = b'"lines":[' + b",".join(json_string(line) for line in lines) + b"]"
    if not all(_valid(line) for line in lines):
        out += b',"lines_raw":[' + b",".join(b"null" if _valid(line) else json_bytes(line)
                                             for line in lines) + b"]"
    return out


def _name(s: str) -> bytes:
    return b'"' + s.encode("utf-8") + b'"'


def reply_json(r: smtpreply.Reply, command: Optional[str]) -> bytes:
    """The line smtp-parse prints for a reply (without the newline)."""
    v = r.classify(command)
    out = [b'{"offset":%d,"code":%d,"enhanced":' % (r.offset, r.code),
           _name(r.enhanced) if r.enhanced else b"null",
           b",", lines_json(r.raw_lines),
           b',"severity":', _name(v.severity), b',"category":', _name(v.category),
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
