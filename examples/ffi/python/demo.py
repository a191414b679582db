#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drive libsmtpreply from Python: parse a pipelined MAIL/RCPT/DATA exchange and a
Gmail rejection, print each reply with its verdict, then explain a code.

    python3 examples/ffi/python/demo.py            # finds the library in build*/
    SMTPREPLY_LIB=/path/libsmtpreply.so.0 python3 examples/ffi/python/demo.py

It uses the package installed with pip when there is one, else the package in
python/ of this source tree.
"""

import os
import sys

try:
    import smtpreply
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "..", "python"))
    import smtpreply  # noqa: E402

# What a server sends back to a pipelined MAIL FROM, RCPT TO, DATA (RFC 2920), and
# then Gmail's answer to a second RCPT TO for an address that does not exist.
STREAM = (
    b"250 2.1.0 Ok\r\n"
    b"250 2.1.5 Ok\r\n"
    b"354 End data with <CR><LF>.<CR><LF>\r\n"
    b"550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
    b"550-5.1.1 double-checking the recipient's email address for typos or\r\n"
    b"550-5.1.1 unnecessary spaces. For more information, go to\r\n"
    b"550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170902 - gsmtp\r\n"
)
COMMANDS = ["MAIL FROM", "RCPT TO", "DATA", "RCPT TO"]


def main():
    lib = smtpreply.load()
    print("libsmtpreply %s from %s" % (smtpreply.version(), smtpreply.LIBRARY_PATH))
    print("parser state: %d bytes, allocated by Python" % lib.smtpreply_parser_size())
    print()

    # Feed the stream in 10-byte pieces, as a socket might deliver it.
    parser = smtpreply.Parser(chunk=10)
    commands = iter(COMMANDS)
    for item in parser.feed(STREAM):
        if isinstance(item, smtpreply.ParseError):
            print("error %s at offset %d, line %d: %s"
                  % (item.name, item.offset, item.line, item.message))
            continue
        command = next(commands, None)
        v = item.classify(command)
        print("%-9s -> %d %-5s %s" % (command, item.code, item.enhanced or "-",
                                      " / ".join(item.lines)[:60]))
        print("             severity=%s category=%s reason=%s bounce=%s retry=%s "
              "confidence=%s evidence=%s" % (v.severity, v.category, v.reason, v.bounce,
                                             v.retry, v.confidence, v.evidence))
    leftover = parser.finish()
    if leftover:
        print("at end of stream:", leftover)
    print()

    for code, lang in (("5.1.1", "en"), (550, "vi")):
        e = smtpreply.explain(code, lang)
        print("explain %s (%s, served in %s):" % (code, lang, e["locale"]))
        print("  title:       %s" % e["title"])
        print("  description: %s" % e["description"])
        print("  what to do:  %s" % (e.get("action") or e.get("fix")))
        print("  reference:   %s" % e["reference"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
