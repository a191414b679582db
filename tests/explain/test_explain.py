#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check smtp-explain's output.

Usage: test_explain.py PATH/TO/smtp-explain SOURCE_ROOT

Covers one code, two codes (220 535), an enhanced code (5.7.26), both in one
argument ("550 5.1.1"), unknown codes (599, 5.9.9), --lang vi, the language
from LC_ALL / LC_MESSAGES / LANG, --json (parsed with the json module) and the
exit statuses. Vietnamese is complete: every string of these outputs must be
served in Vietnamese, with no note about English text. Prints "N passed, N
failed" last and exits non-zero on any failure.
"""

import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from toolcheck import Tool, check, finish  # noqa: E402

explain = Tool(sys.argv[1])
ROOT = sys.argv[2]
WIDTH = 78
run = explain.run


def columns(line):
    return sum(0 if unicodedata.combining(ch) else 1 for ch in line)


def text_ok(name, out, needles, width=True):
    for n in needles:
        check(n in out, "%s: output lacks %r" % (name, n))
    if width:
        long = [l for l in out.splitlines() if columns(l) > WIDTH]
        check(not long, "%s: %d lines wider than %d columns, e.g. %r"
              % (name, len(long), WIDTH, long[:1]))
    check(not [l for l in out.splitlines() if l != l.rstrip()],
          "%s: trailing blanks" % name)


# ---- One basic code ----
rc, out, err = run(["535"])
check(rc == 0, "535: exit %d" % rc)
text_ok("535", out, ["535  ", "Class: 5xx Permanent Negative Completion", "permanent failure",
                     "Category: x3z", "Meaning: ", "When you see it: ", "How to fix: ",
                     "Reference: RFC 4954", "Reply to: AUTH (error)", "app password"])
check("not a standard" not in out, "535: called non-standard")

rc, out, err = run(["220"])
text_ok("220", out, ["220  ", "2xx Positive Completion", "CONNECT, STARTTLS (success)",
                     "RFC 5321", "RFC 3207", "STARTTLS"])

# ---- Two codes: the comparison ----
rc, out, err = run(["220", "535"])
check(rc == 0, "220 535: exit %d" % rc)
text_ok("220 535", out, [
    "SMTP 220 vs 535", "2xx Positive Completion", "5xx Permanent Negative",
    "Key differences", "When each applies",
    "220 is a success", "535 is a permanent", "Only 220 means the command worked",
    "Category: 220 is x2z (connections); 535 is x3z",
    "success reply to connecting (the greeting) and STARTTLS", "error reply to AUTH",
    "They never answer the same command",
    "How to fix: ", "When you see it: "])
sections = [l for l in out.splitlines() if re.match(r"^(220|535)  \S", l)]
check(len(sections) == 2, "220 535: want one section per code, got %r" % sections)
check(out.index("Key differences") < out.index("When each applies"),
      "220 535: differences after 'when each applies'")
applies = out[out.index("When each applies"):]
check("- 220: " in applies and "- 535: " in applies, "220 535: 'when each applies' per code")

rc, out, err = run(["450", "550"])
text_ok("450 550", out, ["450 is temporary", "550 is permanent", "Both can answer",
                         "RCPT"])
rc, out, err = run(["250", "251"])
text_ok("250 251", out, ["both are a success (2xx Positive Completion)"])
rc, out, err = run(["535", "535"])
text_ok("535 535", out, ["Both arguments name the same code"])

# ---- A 3xx: its outcome reads well in the class line, the table and a sentence ----
rc, out, err = run(["354"])
text_ok("354", out, ["Class: 3xx Positive Intermediate (request for more input)"])
rc, out, err = run(["354", "250"])
text_ok("354 250", out, ["354 is a request for more input (3xx Positive Intermediate)"])
for args in (["354"], ["354", "250"], ["--lang", "vi", "334"]):
    rc, out, err = run(args)
    check("((" not in out and "))" not in out and "a intermediate" not in out,
          "%r: doubled parentheses or a broken article in %r" % (args, out))

# ---- Enhanced code ----
rc, out, err = run(["5.7.26"])
check(rc == 0, "5.7.26: exit %d" % rc)
text_ok("5.7.26", out, ["5.7.26  ", "5.x.x Permanent Failure", "x.7.x Security or Policy",
                        "What to do: ", "DKIM", "Reference: RFC 7372",
                        "Usual basic codes: 550"])

# ---- Both in one argument ----
rc, out, err = run(["550 5.1.1"])
check(rc == 0, "'550 5.1.1': exit %d" % rc)
text_ok("550 5.1.1", out, ["550  ", "5.1.1  ", "x.1.x Addressing Status",
                           "Usual basic codes: 451, 550", "RCPT"])
check(out.index("550  ") < out.index("5.1.1  "), "'550 5.1.1': basic entry first")
rc, out, err = run(["250 5.1.1"])
text_ok("250 5.1.1", out, ["differs from the reply code's first digit"])

# ---- Unknown codes ----
rc, out, err = run(["599"])
check(rc == 0, "599: exit %d (unknown codes are explained, not refused)" % rc)
text_ok("599", out, ["599 is not a standard SMTP reply code", "explained by its class, 5xx",
                     "5xx Permanent Negative Completion", "How to fix: "])
rc, out, err = run(["5.9.9"])
check(rc == 0, "5.9.9: exit %d" % rc)
text_ok("5.9.9", out, ["5.9.9 is not a registered enhanced status code",
                       "5.x.x Permanent Failure", "What to do: "])

# ---- Exit statuses ----
for args, want in [(["700"], 1), (["199"], 1), (["abc"], 1), (["3.1.1"], 1), (["5.1"], 1),
                   (["55"], 1), (["5.1.1 x"], 1), ([""], 1), ([], 2),
                   (["--lang", "fr", "220"], 2), (["--lang"], 2), (["220", "221", "250"], 2),
                   (["--bogus", "220"], 2), (["--help"], 0), (["--lang=vi", "220"], 0),
                   (["--", "220"], 0)]:
    rc, out, err = run(args)
    check(rc == want, "%r: exit %d, want %d" % (args, rc, want))
    if want == 1:
        check(err.startswith("smtp-explain: ") and out == "", "%r: message on stderr only" % args)

# ---- JSON ----
doc = explain.json("535", ["535"])
if doc:
    e = doc["entry"]
    b = e["basic"]
    check(doc["lang"] == "en" and e["enhanced"] is None, "535 --json: lang/enhanced")
    check(b["code"] == 535 and b["standard"] is True and b["match"] == "exact",
          "535 --json: code/standard")
    check(b["severity"] == "permanent-negative" and b["category"] == "unspecified",
          "535 --json: severity/category names")
    check({"command": "AUTH", "outcome": "error"} in b["commands"], "535 --json: AUTH error")
    check(all(b[k] for k in ("title", "description", "when", "fix", "reference")),
          "535 --json: empty strings")
    check('"' in b["when"], "535 --json: quotes in text survive escaping")

doc = explain.json("220 535", ["220", "535"])
if doc:
    check([c["basic"]["code"] for c in doc["compare"]] == [220, 535], "220 535 --json: codes")
    check(len(doc["differences"]) >= 4, "220 535 --json: differences")
    check(any("Only 220" in d for d in doc["differences"]), "220 535 --json: success diff")
    check([a["input"] for a in doc["applies"]] == ["220", "535"], "220 535 --json: applies")
    check({"command": "CONNECT", "outcome": "success"} in doc["compare"][0]["basic"]["commands"],
          "220 535 --json: CONNECT")

doc = explain.json("550 5.1.1", ["550 5.1.1"])
if doc:
    e = doc["entry"]
    check(e["basic"]["code"] == 550 and e["enhanced"]["code"] == "5.1.1",
          "'550 5.1.1' --json: both parts")
    check(e["enhanced"]["registered"] is True and e["enhanced"]["basic_codes"] == "451, 550",
          "'550 5.1.1' --json: registry facts")
    check(e["class_disagrees"] is False, "'550 5.1.1' --json: classes agree")

doc = explain.json("599", ["599"])
if doc:
    b = doc["entry"]["basic"]
    check(b["standard"] is False and b["match"] == "class" and b["reference"] == "",
          "599 --json: class fallback")

doc = explain.json("5.7.26 vs 5.1.1", ["5.7.26", "5.1.1"])
if doc:
    check(any("Subject" in d for d in doc["differences"]), "5.7.26 5.1.1 --json: subject diff")

# ---- Vietnamese ----
UNTRANSLATED = ("Not yet translated into", "Chưa được dịch sang")
rc, out, err = run(["--lang", "vi", "220", "535"])
check(rc == 0, "vi 220 535: exit %d" % rc)
text_ok("vi 220 535", out, ["SMTP 220 và 535", "Khác biệt chính", "Khi nào mỗi mã áp dụng",
                            "Ý nghĩa: ", "Khi nào gặp: ", "Cách khắc phục: "])
check(not any(n in out for n in UNTRANSLATED), "vi 220 535: says some text is English")
doc = explain.json("vi 220 535", ["--lang", "vi", "220", "535"])
if doc:
    check(doc["lang"] == "vi", "vi --json: lang")
    for entry in doc["compare"]:
        code = str(entry["basic"]["code"])
        check(entry["basic"]["locale"] == "vi", "vi --json: %s served by %s"
              % (code, entry["basic"]["locale"]))
        check(entry["basic"]["title"] and entry["basic"]["title"] in out,
              "vi: %s title not in the text output" % code)

doc = explain.json("vi 5.7.26", ["--lang", "vi", "5.7.26"])
if doc:
    check(doc["entry"]["enhanced"]["locale"] == "vi", "vi 5.7.26: locale")
doc = explain.json("vi 599", ["--lang", "vi", "599"])
if doc:
    check(doc["entry"]["basic"]["locale"] == "vi", "vi 599: locale %s"
          % doc["entry"]["basic"]["locale"])
rc, out, err = run(["--lang", "vi", "599"])
text_ok("vi 599", out, ["599 không phải là mã phản hồi SMTP chuẩn"])
rc, out, err = run(["--lang", "vi", "550 5.1.1"])
check(rc == 0 and not any(n in out for n in UNTRANSLATED),
      "vi 550 5.1.1: exit %d or a note about English text" % rc)

# ---- The language from the environment (POSIX order), and --lang over it ----
rc, vi_out, _ = run(["--lang", "vi", "535"])
rc_en, en_out, _ = run(["--lang", "en", "535"])
check(rc == 0 and rc_en == 0 and vi_out != en_out, "535: vi and en outputs differ")
for env, want in [({"LANG": "vi_VN.UTF-8"}, vi_out),
                  ({"LANG": "vi"}, vi_out),
                  ({"LC_MESSAGES": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, vi_out),
                  ({"LC_ALL": "vi_VN.UTF-8", "LC_MESSAGES": "en_US"}, vi_out),
                  ({"LC_ALL": "C.UTF-8", "LANG": "vi_VN.UTF-8"}, en_out),
                  ({"LC_ALL": "", "LANG": "vi_VN"}, vi_out),
                  ({"LANG": "fr_FR.UTF-8"}, en_out),
                  ({"LANG": "C"}, en_out), ({}, en_out)]:
    rc, out, err = run(["535"], env=env)
    check(rc == 0 and out == want, "535 with %s: not the %s output (exit %d, %s)"
          % (env, "vi" if want == vi_out else "en", rc, err.strip()))
rc, out, _ = run(["--lang", "en", "535"], env={"LANG": "vi_VN.UTF-8"})
check(out == en_out, "--lang en does not win over LANG=vi_VN.UTF-8")
rc, out, _ = run(["--lang", "vi_VN.UTF-8", "535"])
check(rc == 0 and out == vi_out, "--lang vi_VN.UTF-8 is not vi")
rc, out, err = run(["--lang", "fr", "535"])
check(rc == 2 and "fr" in err and "en vi" in err, "--lang fr: exit %d, %r" % (rc, err))

sys.exit(finish())
