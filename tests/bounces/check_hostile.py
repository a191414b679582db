#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-bounces against logs written to mislead it:

- recipients whose RFC 5321 quoted local part holds a whole fake status field
  ("y, status=bounced (... 550 5.1.1 ...)"@victim.example), in every format it
  reads (Postfix, Sendmail, OpenSMTPD, Exim, DSN): the true status and reply
  must win, and the recipient must come out whole;
- compressed input (gzip, bzip2, xz, zstd): a clear message naming the command
  that reads it and exit 2, never a silent "events 0"; the other inputs are
  still read;
- terminal controls (C1 such as U+009B, bidi such as U+202E, ESC) in the
  summary are escaped; JSON stays valid UTF-8 with the exact bytes of a
  recipient or file name that is not UTF-8 in recipient_raw / file_raw.

    check_hostile.py EXE        ends with "N passed, N failed"
"""
import bz2
import gzip
import lzma
import os
import subprocess
import sys
import tempfile

import harness
from harness import EXE, check, events_of, finish


def run(args, stdin=b""):
    """Exit status, standard output (bytes) and standard error (text)."""
    p = harness.run(args, stdin)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


PF = "Nov 27 09:00:02 mail postfix/smtp[2301]: 4YbQ1k0Xf2z9vQA: "
SM = "Nov 27 12:00:04 relay sm-mta[5103]: 5ARC01aB005101: "
OS = ("Nov 27 13:00:02 mx smtpd[7001]: 4d9a3b02c3e5f702 mta delivery evpid=5e1f0a2b7c3d9e01 "
      "from=<news@example.org> ")
EX = "2026-11-27 10:00:02 1wQx3a-000Abc-1Z "

# (name, log line, [(recipient, status, code, enhanced)]) for every event the
# line holds; the recipient is shown as logged (quotes kept).
INJECTED = [
    ("postfix: fake bounce inside a sent line",
     PF + 'to=<"y, status=bounced (host h said: 550 5.1.1 nope)"@victim.example>, '
     'relay=mx.victim.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, '
     'status=sent (250 2.0.0 OK)',
     [('"y, status=bounced (host h said: 550 5.1.1 nope)"@victim.example', "sent", 250, "2.0.0")]),
    ("postfix: fake delivery hiding a bounce (the server echoes the address)",
     PF + 'to=<"y, status=sent (250 2.0.0 OK)"@victim.example>, '
     'relay=mx.victim.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, '
     'status=bounced (host mx.victim.example[192.0.2.1] said: 550 5.1.1 '
     '<"y, status=sent (250 2.0.0 OK)"@victim.example>: User unknown (in reply to RCPT TO command))',
     [('"y, status=sent (250 2.0.0 OK)"@victim.example', "bounced", 550, "5.1.1")]),
    ("postfix: fake fields in orig_to, escaped quotes in the local part",
     PF + 'to=<"a\\"b, dsn=5.1.1, status=bounced (x)"@victim.example>, '
     'orig_to=<"c>, status=bounced (550 5.1.1 x)"@victim.example>, '
     'relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.7.1, '
     'status=deferred (host mx[192.0.2.1] said: 451 4.7.1 try later (in reply to RCPT TO command))',
     [('"a\\"b, dsn=5.1.1, status=bounced (x)"@victim.example', "deferred", 451, "4.7.1")]),
    ("postfix: a sender address cannot make a qmgr line a delivery",
     PF.replace("smtp[2301]", "qmgr[1873]") +
     'from=<"x, status=bounced (550 5.1.1 y)"@victim.example>, size=10, nrcpt=1 (queue active)',
     []),
    ("sendmail: fake stat= in the recipient",
     SM + 'to=<"y, stat=User unknown"@victim.example>, ctladdr=<news@example.org> (1001/1001), '
     'delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=151230, '
     'relay=mx.victim.example. [192.0.2.26], dsn=2.0.0, stat=Sent (OK queued)',
     [('"y, stat=User unknown"@victim.example', "sent", None, None)]),
    ("sendmail: quoted list item with ',' and a fake stat=Sent",
     SM + 'to="y, stat=Sent (250 ok)"@victim.example,<b@ok.example>, ctladdr=<news@example.org> '
     '(1001/1001), delay=00:00:03, xdelay=00:00:01, mailer=esmtp, pri=151230, '
     'relay=mx.victim.example. [192.0.2.26], dsn=4.2.0, stat=Deferred: 450 4.2.0 greylisted',
     [('"y, stat=Sent (250 ok)"@victim.example', "deferred", 450, "4.2.0"),
      ("b@ok.example", "deferred", 450, "4.2.0")]),
    ("sendmail: a sender address cannot make a from= line a delivery",
     SM + 'from=<"a to=<b@c>, stat=Sent (250 ok)"@victim.example>, size=5230, class=0, nrcpts=1',
     []),
    ("opensmtpd: fake result= and stat= in the recipient",
     OS + 'to=<"y result=\\"PermFail\\" stat=\\"550 5.1.1 nope"@victim.example> rcpt=<-> '
     'source="203.0.113.25" relay="192.0.2.26 (mx.victim.example)" delay=2s result="Ok" '
     'stat="250 2.0.0 OK"',
     [('"y result=\\"PermFail\\" stat=\\"550 5.1.1 nope"@victim.example', "sent", 250, "2.0.0")]),
    ("opensmtpd: fake result=Ok in the sender hides nothing",
     OS.replace("from=<news@example.org>", 'from=<"x result=\\"Ok\\" y"@victim.example>') +
     'to=<z@victim.example> rcpt=<-> delay=2s result="PermFail" stat="550 5.1.1 no such user"',
     [("z@victim.example", "bounced", 550, "5.1.1")]),
    ("exim: a whole fake error in a delivered recipient",
     EX + '=> "y R=x T=y H=h [1.2.3.4]: SMTP error from remote mail server after RCPT TO:<a@b>: '
     '550 5.1.1 nope"@victim.example R=dnslookup T=remote_smtp H=mx.victim.example [192.0.2.1] '
     'C="250 2.0.0 OK"',
     [('"y R=x T=y H=h [1.2.3.4]: SMTP error from remote mail server after RCPT TO:<a@b>: '
       '550 5.1.1 nope"@victim.example', "sent", 250, "2.0.0")]),
    ("exim: fake C= in the recipient, fake reply in the command's address",
     EX + '== "y C=\\"250 OK\\" x"@victim.example R=dnslookup T=remote_smtp defer (-44) '
     'H=mx.victim.example [192.0.2.1]: SMTP error from remote mail server after '
     'RCPT TO:<"y: 250 2.0.0 fine"@victim.example>: 451 4.7.1 greylisted',
     [('"y C=\\"250 OK\\" x"@victim.example', "deferred", 451, "4.7.1")]),
    ("exim: fake bounce after the recipient's own colon",
     EX + '** "q: 250 2.0.0 ok"@victim.example: Unrouteable address',
     [('"q: 250 2.0.0 ok"@victim.example', "bounced", None, None)]),
]

DSN = """Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

<"y (in reply to end of DATA command)"@victim.example>: host mx[192.0.2.1] said:
    550 5.1.1 no such user (in reply to RCPT TO command)

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.org

Final-Recipient: rfc822; "y; Action: failed"@victim.example
Action: delivered
Status: 2.0.0
Diagnostic-Code: smtp; 250 2.0.0 <"z; 550 5.1.1 x"@victim.example> ok

Final-Recipient: rfc822; "y (in reply to end of DATA command)"@victim.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 no such user

--b--
"""


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, line, want in INJECTED:
            path = os.path.join(tmp, "inj.log")
            with open(path, "w", encoding="utf-8") as f:
                f.write(line + "\n")
            rc, out, err = run(["--json", path])
            evs = events_of(out)
            got = [(e["recipient"], e["status"], e["code"], e["enhanced"]) for e in evs] \
                if isinstance(evs, list) else evs
            check(rc == 0 and got == want, "injected: " + name,
                  "got %r\n     want %r" % (got, want))

        path = os.path.join(tmp, "dsn.eml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(DSN)
        rc, out, err = run(["--json", path])
        evs = events_of(out)
        got = [(e["recipient"], e["status"], e["code"], e["enhanced"], e["command"])
               for e in evs] if isinstance(evs, list) else evs
        want = [('"y; Action: failed"@victim.example', "sent", 250, "2.0.0", "DATA_END"),
                ('"y (in reply to end of DATA command)"@victim.example', "bounced", 550,
                 "5.1.1", "RCPT")]
        check(rc == 0 and got == want, "injected: DSN fields and the human-readable part",
              "got %r\n     want %r" % (got, want))

        # Compressed input: named, with the command that reads it; others still read.
        plain = os.path.join(tmp, "plain.log")
        with open(plain, "w") as f:
            f.write(INJECTED[0][1] + "\n")
        payload = (INJECTED[1][1] + "\n").encode()
        packed = {
            "gzip": (gzip.compress(payload), "zcat"),
            "bzip2": (bz2.compress(payload), "bzcat"),
            "xz": (lzma.compress(payload), "xzcat"),
            # Python has no zstd module: the frame's magic number (RFC 8878 3.1.1)
            # is what the tool reads, the rest stands for the compressed data.
            "zstd": (b"\x28\xb5\x2f\xfd\x04\x58" + payload, "zstdcat"),
        }
        for fmt, (data, cat) in packed.items():
            path = os.path.join(tmp, "mail.log." + fmt)
            with open(path, "wb") as f:
                f.write(data)
            rc, out, err = run([path, plain])
            check(rc == 2 and fmt + "-compressed" in err and cat + " " in err and path in err,
                  "%s input: exit 2, message names it and %s" % (fmt, cat), err)
            check(b"events  1 " in out, "%s input: the plain file after it is still read" % fmt,
                  out)
            rc, out, err = run(["--json"], stdin=data)
            check(rc == 2 and "standard input" in err and cat in err and out == b"",
                  "%s on standard input: exit 2, names %s" % (fmt, cat), err)
        # Text that merely starts like a magic number is read as text.
        path = os.path.join(tmp, "bzh.log")
        with open(path, "w") as f:
            f.write("BZh9 not compressed\n" + INJECTED[0][1] + "\n")
        rc, out, err = run([path])
        check(rc == 0 and b"events  1 " in out, "text starting with BZh is not taken as bzip2",
              err)

        # Terminal controls in the summary: escaped, never raw.
        hostile = os.path.join(tmp, "controls.log")
        text = ("550 5.7.1 \u009b31m red \u202egnp.exe \u2066x\u2069 \x1b[2J \x07 done")
        with open(hostile, "wb") as f:
            f.write((PF + "to=<a@ctl\u009b\u202e.example>, relay=mx[192.0.2.1]:25, dsn=5.7.1, "
                     "status=bounced (host mx[192.0.2.1] said: " + text +
                     " (in reply to RCPT TO command))\n").encode("utf-8"))
        rc, out, err = run([hostile])
        s = out.decode("utf-8", "replace")
        check(not any(c in s for c in "\u009b\u202e\u2066\u2069\x1b\x07"),
              "summary: no C0, C1 or bidi control reaches the terminal raw", repr(s))
        check(all(e in s for e in ("\\u009B", "\\u202E", "\\u2066", "\\x1B", "\\x07")),
              "summary: controls shown as escapes", s)

        # Names and recipients that are not UTF-8: valid JSON, exact bytes kept.
        odd = os.path.join(tmp.encode(), b"mail-\xff.log")
        with open(odd, "wb") as f:
            f.write((PF + 'to=<"r\xe9"@victim.example>, relay=mx[192.0.2.1]:25, dsn=5.1.1, '
                     'status=bounced (host mx said: 550 5.1.1 no (in reply to RCPT TO command))\n')
                    .encode("latin-1"))
        p = subprocess.run([EXE.encode(), b"--json", odd, plain.encode()], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        evs = events_of(p.stdout)
        ok = isinstance(evs, list) and len(evs) == 2
        check(ok and evs[0]["file"].endswith("mail-\ufffd.log")
              and evs[0].get("file_raw", "").encode("latin-1") == odd and "file_raw" not in evs[1],
              "file name not UTF-8: U+FFFD in file, exact bytes in file_raw", evs)
        check(ok and evs[0]["recipient"] == '"r\ufffd"@victim.example'
              and evs[0].get("recipient_raw", "").encode("latin-1") == b'"r\xe9"@victim.example',
              "recipient not UTF-8: U+FFFD in recipient, exact bytes in recipient_raw", evs)

    return finish()


if __name__ == "__main__":
    sys.exit(main())
