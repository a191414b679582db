#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""smtp-explain on a pasted reply: a table of inputs and what must come out.

Usage: test_paste.py PATH/TO/smtp-explain

Each row gives the arguments, standard input (or None), the environment, the
exit status and what the output must and must not hold; rows with --json are
parsed with the json module and checked field by field. Covers one line, a
continuation line left last, a whole multiline block (in one argument, one
argument per line, on standard input), a line copied from a Postfix log with
its "(in reply to ... command)" trailer, --command, --json, --lang vi and
LANG, and bad input (a named error and the documented exit status). Prints
"N passed, N failed" last and exits non-zero on any failure.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from toolcheck import Tool, check, finish  # noqa: E402

explain = Tool(sys.argv[1])
run = explain.run

GMAIL_1 = "550-5.1.1 The email account that you tried to reach does not exist."
GMAIL_LINES = [
    "550-5.1.1 The email account that you tried to reach does not exist. Please try",
    "550-5.1.1 double-checking the recipient's email address for typos or",
    "550-5.1.1 unnecessary spaces. For more information, go to",
    "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si - gsmtp",
]
GREYLIST = ("450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, "
            "see http://postgrey.schweikert.ch/help/example.org.html "
            "(in reply to RCPT TO command)")
# Postfix logs a multiline reply on one line, its lines joined by spaces, after
# "said: " and before "(in reply to ... command)".
POSTFIX_LOG = ("Dec  7 05:00:01 mx postfix/smtp[4242]: 4F2A1: to=<bob@gmail.com>, "
               "relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=1.2, "
               "status=bounced (host gmail-smtp-in.l.google.com[142.250.1.26] said: "
               + " ".join(GMAIL_LINES) + " (in reply to RCPT TO command))")
# Exim logs the reply after its own words, "SMTP error from remote mail server
# after CMD: ", the lines of a multiline reply joined by the two characters "\n".
EXIM_LOG = ("2026-12-07 05:00:01 1wQx3a-000Abc-1Z ** bob@gmail.com R=dnslookup "
            "T=remote_smtp H=gmail-smtp-in.l.google.com [142.250.1.26]: SMTP error from "
            "remote mail server after RCPT TO:<bob@gmail.com>: " + "\\n".join(GMAIL_LINES))
# Older Exim puts the host between the command and the reply.
EXIM_OLD = ("2026-12-07 05:00:02 1wQx3b-000Abc-2Z ** ann@example.org: SMTP error from remote "
            "mail server after end of data: host mx.example.org [192.0.2.7]: "
            "550 5.7.1 Message rejected as spam")
# A recipient's quoted local part holds ": 250 ok": the command's words are
# skipped whole, so the reply is the 550 that follows them.
EXIM_QUOTED = ("2026-12-07 05:00:03 1wQx3c-000Abc-3Z ** x@victim.example: SMTP error from "
               "remote mail server after RCPT TO:<\"x: 250 2.0.0 ok\"@victim.example>: "
               "550 5.1.1 No such user here")
# An Exim bounce message ends a line with the command and puts the reply below.
EXIM_BOUNCE = ("    SMTP error from remote mail server after pipelined RCPT TO:<bob@gmail.com>:\n"
               + "".join("    " + l + "\n" for l in GMAIL_LINES))
UNTRANSLATED = ("Not yet translated into", "Chưa được dịch sang")


# (name, args, stdin bytes or None, env, exit status, stdout needles,
#  stdout must not hold, stderr needles)
TEXT_CASES = [
    ("continuation line left last", [GMAIL_1], None, {}, 0,
     ["Reply: 550 5.1.1", "The email account that you tried to reach does not exist.",
      "Assumed: ", "550-5.1.1", "read as the reply's last line",
      "Verdict", "Reason: recipient-unknown", "Bounce: hard", "Retry: never",
      "Confidence: high", "Decided by: phrase (gmail)", "(evidence: text)",
      "Command: not given",
      "550  Mailbox unavailable or action refused", "5.1.1  Bad destination mailbox address",
      "Class: 5xx Permanent Negative Completion", "x.1.x Addressing Status"],
     [], []),
    ("one complete line", ["550 5.1.1 The email account that you tried to reach does not exist."],
     None, {}, 0,
     ["Reply: 550 5.1.1", "Reason: recipient-unknown", "Bounce: hard",
      "550  Mailbox unavailable", "5.1.1  Bad destination"],
     ["Assumed"], []),
    ("the enhanced code decides", ["550 5.1.1 Sorry, try again"], None, {}, 0,
     ["Decided by: enhanced 5.1.1 (evidence: enhanced)", "Bounce: hard", "Confidence: high"],
     ["Flags"], []),
    ("multiline block in one argument", ["\n".join(GMAIL_LINES)], None, {}, 0,
     ["Reply: 550 5.1.1", "double-checking the recipient's email address",
      "Reason: recipient-unknown", "Bounce: hard", "(evidence: provider)",
      "provider gmail", "550  Mailbox unavailable", "5.1.1  Bad destination"],
     ["Assumed", "550-5.1.1"], []),
    ("multiline block with CRLF", ["\r\n".join(GMAIL_LINES) + "\r\n"], None, {}, 0,
     ["Reply: 550 5.1.1", "provider gmail"], ["Assumed", "bare-lf"], []),
    ("one argument per line", GMAIL_LINES, None, {}, 0,
     ["Reply: 550 5.1.1", "double-checking", "provider gmail"], ["Assumed"], []),
    ("block cut after a continuation line", GMAIL_LINES[:2], None, {}, 0,
     ["Reply: 550 5.1.1", "double-checking", "Assumed: ", "read as the reply's last line"],
     [], []),
    ("line copied from a Postfix log", [GREYLIST], None, {}, 0,
     ["Reply: 450 4.2.0", "Reason: greylisted", "Bounce: soft", "Retry: retry",
      "Command: RCPT", "Assumed: ", "in reply to RCPT TO command",
      "450  ", "4.2.0  "],
     [], []),
    ("a whole Postfix log line", [POSTFIX_LOG], None, {}, 0,
     ["Reply: 550 5.1.1", "The email account that you tried to reach does not exist. Please try",
      "double-checking the recipient's email address", "provider gmail", "Command: RCPT",
      "before \"said:\"", "4 reply lines joined", "in reply to RCPT TO command"],
     ["postfix/smtp", "550-5.1.1 double", "command))"], []),
    ("lines joined without the log's prefix", [" ".join(GMAIL_LINES)], None, {}, 0,
     ["Reply: 550 5.1.1", "4 reply lines joined", "provider gmail"],
     ["550-5.1.1 double", "before \"said:\""], []),
    ("a code repeated in the text is not a joined line",
     ["550 5.1.1 mailbox full, code 550 seen before"], None, {}, 0,
     ["550 seen before"], ["Assumed"], []),
    ("an Exim log line", [EXIM_LOG], None, {}, 0,
     ["Reply: 550 5.1.1", "The email account that you tried to reach does not exist. Please try",
      "double-checking the recipient's email address", "provider gmail", "Command: RCPT",
      "SMTP error from remote mail server after COMMAND:", "4 reply lines joined by \\n",
      "the log says \"RCPT TO:<bob@gmail.com>\""],
     ["R=dnslookup", "\\n550", "as Postfix logs them"], []),
    ("an Exim log line on standard input", ["-"], (EXIM_LOG + "\n").encode(), {}, 0,
     ["Reply: 550 5.1.1", "Command: RCPT", "4 reply lines joined by \\n"], ["R=dnslookup"], []),
    ("an older Exim log line, the host before the reply", [EXIM_OLD], None, {}, 0,
     ["Reply: 550 5.7.1", "Command: DATA_END", "the log says \"end of data\"",
      "Message rejected as spam"],
     ["mx.example.org", "joined"], []),
    ("an address in Exim's command words cannot end them", [EXIM_QUOTED], None, {}, 0,
     ["Reply: 550 5.1.1", "Command: RCPT", "No such user here"],
     ["Reply: 250", "Reason: none"], []),
    ("lines of an Exim bounce message", ["-"], EXIM_BOUNCE.encode(), {}, 0,
     ["Reply: 550 5.1.1", "provider gmail", "Command: RCPT",
      "SMTP error from remote mail server after COMMAND:",
      "the log says \"pipelined RCPT TO:"],
     ["joined"], []),
    ("lines of an Exim bounce message in one argument", [EXIM_BOUNCE], None, {}, 0,
     ["Reply: 550 5.1.1", "Command: RCPT"], [], []),
    ("--command wins over Exim's command words", ["--command", "MAIL", EXIM_LOG], None, {}, 0,
     ["Command: MAIL", "Reply: 550 5.1.1"], ["Command: RCPT", "the log says"], []),
    ("a Postfix log line on standard input", ["-"], (POSTFIX_LOG + "\n").encode(), {}, 0,
     ["Reply: 550 5.1.1", "Command: RCPT", "4 reply lines joined"], ["postfix/smtp"], []),
    ("a trailer without its opening parenthesis names no command",
     ["550 5.1.1 no such user here in reply to RCPT TO command)"], None, {}, 0,
     ["Reply: 550 5.1.1", "Command: not given"], ["Command: RCPT"], []),
    ("the log's trailer names the end of the data in any case",
     ["550 5.7.1 Message rejected as spam (in reply to end of data command)"], None, {}, 0,
     ["Command: DATA_END"], [], []),
    ("--command wins over the log's trailer", ["--command", "MAIL", GREYLIST], None, {}, 0,
     ["Command: MAIL"], ["Command: RCPT", "Assumed"], []),
    ("--command=RCPT", ["--command=RCPT", "550 5.1.1 No such user"], None, {}, 0,
     ["Command: RCPT", "Reason: recipient-unknown"], [], []),
    ("a success", ["--command", "RCPT", "250 2.1.5 Ok"], None, {}, 0,
     ["Reply: 250 2.1.5", "Reason: none", "Bounce: none", "Retry: not-needed",
      "250  ", "2.1.5  "], [], []),
    ("no enhanced code", ["421 Service not available, closing channel"], None, {}, 0,
     ["Reply: 421", "421  Service not available"], ["Subject: "], []),
    ("standard input", ["-"], (GMAIL_1 + "\n").encode(), {}, 0,
     ["Reply: 550 5.1.1", "Reason: recipient-unknown", "Assumed: "], [], []),
    ("standard input, multiline", ["-"], ("\n".join(GMAIL_LINES) + "\n").encode(), {}, 0,
     ["Reply: 550 5.1.1", "provider gmail"], ["Assumed"], []),
    ("standard input without a final line end", ["-"],
     b"550 5.1.1 The email account that you tried to reach does not exist.", {}, 0,
     ["Reply: 550 5.1.1", "Assumed: ", "ended without a line end"], [], []),
    ("standard input with blank lines around", ["-"],
     b"\n\n  550 5.1.1 No such user here\n\n", {}, 0,
     ["Reply: 550 5.1.1", "No such user here"], [], []),
    ("two replies pasted", ["-"], b"250 2.1.0 Sender ok\n550 5.1.1 No such user\n", {}, 0,
     ["Reply: 250 2.1.0", "Reply: 550 5.1.1", "Reason: recipient-unknown"], [], []),
    ("vi", ["--lang", "vi", GMAIL_1], None, {}, 0,
     ["Phản hồi: 550 5.1.1", "Kết luận", "recipient-unknown", "Hộp thư không khả dụng"],
     ["Verdict", "Reason: "] + list(UNTRANSLATED), []),
    ("vi from LANG", [GMAIL_1], None, {"LANG": "vi_VN.UTF-8"}, 0,
     ["Phản hồi: 550 5.1.1", "Kết luận"], list(UNTRANSLATED), []),
    # Bad input: a named error on standard error, nothing lost, the exit status
    # of the man page (1 bad input, 2 usage).
    ("a code that does not match", ["550-5.1.1 first\n551 5.1.1 second"], None, {}, 1,
     ["Reply: 551 5.1.1"], [], ["code-mismatch", "line 2"]),
    ("not a reply", ["hello there"], None, {}, 1, [], ["Reply"],
     ["smtp-explain: ", "expected a reply code"]),
    ("a code out of range", ["700 5.1.1 No such user"], None, {}, 1, [], ["Reply"],
     ["bad-first-digit", "no-reply"]),
    ("empty standard input", ["-"], b"", {}, 1, [], ["Reply"], ["no-reply"]),
    ("blank standard input", ["-"], b"\n \n", {}, 1, [], ["Reply"], ["no-reply"]),
    ("standard input too long", ["-"], b"550 5.1.1 " + b"x" * 70000 + b"\n", {}, 1, [], ["Reply"],
     ["too-long"]),
    ("- with another argument", ["-", "550 x"], b"550 y\n", {}, 2, [], [], ["smtp-explain: "]),
    ("--command with CODEs", ["--command", "RCPT", "550"], None, {}, 2, [], [], ["--command"]),
    ("--command unknown", ["--command", "FROB", "550 x"], None, {}, 2, [], [], ["FROB"]),
    ("--command without a value", ["550 x", "--command"], None, {}, 2, [], [], ["--command"]),
    ("control bytes are not passed through", ["550 5.1.1 bad\x1b[31m user"], None, {}, 0,
     ["Reply: 550 5.1.1", "\\x1B[31m"], ["\x1b"], []),
]

for name, args, stdin, env, want_rc, needles, absent, err_needles in TEXT_CASES:
    rc, out, err = run(args, stdin, env)
    check(rc == want_rc, "%s: exit %d, want %d (stderr %r)" % (name, rc, want_rc, err[:300]))
    for n in needles:
        check(n in out, "%s: output lacks %r:\n%s" % (name, n, out))
    for n in absent:
        check(n not in out, "%s: output holds %r" % (name, n))
    for n in err_needles:
        check(n in err, "%s: stderr lacks %r: %r" % (name, n, err))
    if want_rc == 2:
        check(out == "" and err.startswith("smtp-explain: "), "%s: usage error on stderr only" % name)
    check(not [l for l in out.splitlines() if l != l.rstrip()], "%s: trailing blanks" % name)

# The same reply as an argument, as lines and on standard input: the same output.
_, one_arg, _ = run(["\n".join(GMAIL_LINES)])
_, per_line, _ = run(GMAIL_LINES)
_, piped, _ = run(["-"], ("\n".join(GMAIL_LINES) + "\n").encode())
check(one_arg == per_line == piped and one_arg, "argument, lines and standard input differ")

# Today's forms are CODEs, not replies: no verdict, the catalog entry only.
for args in (["535"], ["5.7.8"], ["535 5.7.8"], [" 550\t5.1.1 "], ["220", "535"]):
    rc, out, err = run(args)
    check(rc == 0 and "Verdict" not in out and "Reply:" not in out,
          "%r: taken as a pasted reply (exit %d)" % (args, rc))


# ---- JSON ----
doc = explain.json("continuation", [GMAIL_1])
if doc:
    check(doc["lang"] == "en", "json: lang")
    check(doc["assumed"] == [{"assumption": "last-line-continues", "line": 1}],
          "json: assumed %r" % doc["assumed"])
    check(doc["errors"] == [], "json: errors %r" % doc["errors"])
    check(len(doc["replies"]) == 1, "json: one reply")
    r = doc["replies"][0]
    for k, v in [("code", 550), ("enhanced", "5.1.1"),
                 ("lines", ["The email account that you tried to reach does not exist."]),
                 ("severity", "permanent-negative"), ("category", "mail-system"),
                 ("reason", "recipient-unknown"), ("bounce", "hard"), ("retry", "never"),
                 ("confidence", "high"), ("evidence", "text"),
                 ("rule", 'phrase (gmail): "account that you tried to reach does not exist"'),
                 ("command", None), ("flags", ["provider-text"])]:
        check(r.get(k, "missing") == v, "json: %s is %r, want %r" % (k, r.get(k, "missing"), v))
    check(r["reason_text"] and "mailbox" in r["reason_text"], "json: reason_text %r"
          % r.get("reason_text"))
    e = r["entry"]
    check(e["input"] == "550 5.1.1" and e["basic"]["code"] == 550
          and e["enhanced"]["code"] == "5.1.1" and e["enhanced"]["registered"] is True,
          "json: entry %r" % e.get("input"))
    check(e["basic"]["title"] == "Mailbox unavailable or action refused", "json: basic title")

doc = explain.json("gmail block", ["\n".join(GMAIL_LINES)])
if doc:
    r = doc["replies"][0]
    check(doc["assumed"] == [] and len(r["lines"]) == 4, "json block: lines/assumed")
    check(r["evidence"] == "provider" and "provider-text" in r["flags"], "json block: provider")

doc = explain.json("log line", [GREYLIST])
if doc:
    r = doc["replies"][0]
    check(r["command"] == "RCPT" and r["reason"] == "greylisted", "json log: command/reason")
    check(doc["assumed"] == [{"assumption": "command-from-log", "line": 1}],
          "json log: assumed %r" % doc["assumed"])

doc = explain.json("postfix log", [POSTFIX_LOG])
if doc:
    r = doc["replies"][0]
    check(r["lines"][0] == "The email account that you tried to reach does not exist. Please try"
          and len(r["lines"]) == 4, "json postfix: lines %r" % r["lines"])
    check([a["assumption"] for a in doc["assumed"]]
          == ["log-prefix", "joined-lines", "command-from-log"],
          "json postfix: assumed %r" % doc["assumed"])
    check(r["command"] == "RCPT" and r["bounce"] == "hard", "json postfix: command/bounce")

doc = explain.json("stdin no line end", ["-"], b"421 4.7.0 Try again later")
if doc:
    check(doc["assumed"] == [{"assumption": "no-final-line-end", "line": 1}],
          "json stdin: assumed %r" % doc["assumed"])
    check(doc["replies"][0]["bounce"] == "soft", "json stdin: bounce")

doc = explain.json("mismatch", ["550-5.1.1 first\n551 5.1.1 second"], want_rc=1)
if doc:
    check([x["error"] for x in doc["errors"]] == ["code-mismatch"] and doc["errors"][0]["line"] == 2,
          "json mismatch: errors %r" % doc["errors"])
    check([x["code"] for x in doc["replies"]] == [551], "json mismatch: replies")

doc = explain.json("no reply", ["-"], b"", want_rc=1)
if doc:
    check(doc["replies"] == [] and [x["error"] for x in doc["errors"]] == ["no-reply"],
          "json empty: %r" % doc)

doc = explain.json("every error kept", ["-"], b"oops\n" * 300 + b"550 5.1.1 No such user\n",
                   want_rc=1)
if doc:
    check(len(doc["errors"]) == 300 and doc["errors"][-1]["line"] == 300
          and len(doc["replies"]) == 1, "json: %d errors kept of 300" % len(doc["errors"]))

doc = explain.json("invalid UTF-8",
                   ["550 5.1.1 caf\xe9".encode("latin-1").decode("utf-8", "surrogateescape")])
if doc:
    r = doc["replies"][0]
    check(r["lines"] == ["caf\ufffd"] and r["lines_raw"] == ["caf\xe9"], "json raw: %r" % r)

doc = explain.json("vi", ["--lang", "vi", GMAIL_1])
if doc:
    r = doc["replies"][0]
    check(doc["lang"] == "vi" and r["reason"] == "recipient-unknown" and r["bounce"] == "hard",
          "json vi: names stay English")
    check(r["entry"]["basic"]["locale"] == "vi" and r["entry"]["enhanced"]["locale"] == "vi",
          "json vi: entries served in vi")

sys.exit(finish())
