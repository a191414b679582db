# SPDX-License-Identifier: MIT
"""Tests of the Python package (python/smtpreply), with unittest or pytest.

Two ways to run them, both in CI:
- meson test (tests/ffi/meson.build) against the source tree: PYTHONPATH=python,
  SMTPREPLY_LIB the shared library of the build;
- pytest from a fresh virtual environment where the wheel is installed, with no
  SMTPREPLY_LIB and no build folder on the path: the package loads the library
  it carries (tools/test-all.sh, step python).
Either way SMTPREPLY_LAYOUT_EXE names tests/ffi/layout.c's program (the C layout
of the public structs) and SMTPREPLY_PARSE_TOOL the smtp-parse tool, whose output
`python3 -m smtpreply` must equal byte for byte. SMTPREPLY_SRCDIR is the source
tree (for the header); by default the one this file is in.
"""

import ctypes
import os
import re
import subprocess
import sys
import unittest

SRCDIR = os.environ.get("SMTPREPLY_SRCDIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

import smtpreply  # noqa: E402

PIPELINED = b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
GMAIL_550 = (
    b"550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
    b"550-5.1.1 double-checking the recipient's email address for typos or\r\n"
    b"550-5.1.1 unnecessary spaces. For more information, go to\r\n"
    b"550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170902 - gsmtp\r\n"
)


def header_text():
    with open(os.path.join(SRCDIR, "include", "smtpreply.h"), encoding="utf-8") as f:
        return f.read()


def log(items):
    """A comparable record of what a parse produced."""
    out = []
    for it in items:
        if isinstance(it, smtpreply.ParseError):
            out.append(("error", it.name, it.offset, it.line))
        else:
            out.append(("reply", it.code, it.enhanced, tuple(it.raw_lines),
                        tuple(it.flags), it.offset, it.length))
    return out


class Layout(unittest.TestCase):
    """The ctypes mirrors must match the C compiler's layout exactly."""

    MIRRORS = {
        "smtpreply_enhanced": smtpreply.EnhancedStruct,
        "smtpreply_options": smtpreply.Options,
        "smtpreply_error": smtpreply.ErrorStruct,
        "smtpreply_reply": smtpreply.ReplyStruct,
        "smtpreply_verdict": smtpreply.VerdictStruct,
        "smtpreply_code_info": smtpreply.CodeInfoStruct,
        "smtpreply_enhanced_info": smtpreply.EnhancedInfoStruct,
        "smtpreply_ehlo": smtpreply.EhloStruct,
        "smtpreply_ehlo_keyword": smtpreply.EhloKeywordStruct,
    }

    def test_struct_layout_matches_c(self):
        exe = os.environ.get("SMTPREPLY_LAYOUT_EXE")
        if not exe:
            self.skipTest("SMTPREPLY_LAYOUT_EXE not set (run through meson test)")
        rows = subprocess.run([exe], check=True, capture_output=True,
                              text=True).stdout.split("\n")
        seen = set()
        for row in filter(None, rows):
            struct, field, offset, size = row.split()
            mirror = self.MIRRORS[struct]
            if field == "-":
                self.assertEqual(ctypes.sizeof(mirror), int(size), struct)
                continue
            seen.add((struct, field))
            desc = getattr(mirror, field)
            self.assertEqual((desc.offset, desc.size), (int(offset), int(size)),
                             "%s.%s" % (struct, field))
        for struct, mirror in self.MIRRORS.items():
            for name, _ in mirror._fields_:
                self.assertIn((struct, name), seen, "mirror field not in C: %s.%s"
                              % (struct, name))

    def test_flag_names_come_from_the_library(self):
        # Every flag bit of the header has a name in the library, and the binding
        # prints that name (as smtp-parse does); an unknown bit shows as hex.
        text = header_text()
        lib = smtpreply.load()
        for prefix, fn in (("SMTPREPLY_FLAG_", lib.smtpreply_flag_name),
                           ("SMTPREPLY_VERDICT_", lib.smtpreply_verdict_flag_name)):
            bits = [int(b) for b in
                    re.findall(r"\b%s\w+\s*=\s*1u\s*<<\s*(\d+)" % prefix, text)]
            self.assertTrue(bits, prefix)
            mask = sum(1 << b for b in bits)
            names = smtpreply._bit_names(mask, fn)
            self.assertEqual(len(names), len(bits), prefix)
            self.assertNotIn("unknown", names)
            self.assertTrue(all(not n.startswith("0x") for n in names), names)
            self.assertEqual(smtpreply._bit_names(1 << 31, fn), ["0x80000000"])

    def test_parser_size(self):
        lib = smtpreply.load()
        size = int(re.search(r"#define SMTPREPLY_PARSER_SIZE (\d+)", header_text()).group(1))
        self.assertEqual(lib.smtpreply_parser_size(), size)


class Version(unittest.TestCase):
    def test_version_matches_project(self):
        # The version has one source, project() in meson.build; meson test passes
        # it as SMTPREPLY_VERSION, and it is read from there otherwise.
        want = os.environ.get("SMTPREPLY_VERSION")
        if not want:
            with open(os.path.join(SRCDIR, "meson.build"), encoding="utf-8") as f:
                want = re.search(r"^\s*version:\s*'([^']+)'", f.read(), re.M).group(1)
        self.assertEqual(smtpreply.version(), want)

    def test_loaded_library(self):
        # meson test names the build's library; an installed package (no
        # SMTPREPLY_LIB) loads the copy it carries beside its module.
        smtpreply.load()
        env = os.environ.get("SMTPREPLY_LIB")
        if env:
            self.assertEqual(smtpreply.LIBRARY_PATH, env)
        else:
            here = os.path.dirname(os.path.abspath(smtpreply.__file__))
            self.assertEqual(smtpreply.LIBRARY_PATH, os.path.join(here, smtpreply.SONAME))
        self.assertEqual(smtpreply.__version__, smtpreply.version())

    def test_wrong_version_is_refused(self):
        class Fake(object):
            def __init__(self, v):
                self.smtpreply_version = lambda: v

        for bad in (b"1.0.0", b"0.0.9", b"garbage"):
            with self.assertRaises(OSError, msg=bad):
                smtpreply._check_version(Fake(bad), "fake.so")
        self.assertEqual(smtpreply._check_version(Fake(b"0.1.0"), "x"), "0.1.0")
        self.assertEqual(smtpreply._check_version(Fake(b"0.7.2"), "x"), "0.7.2")

    def test_missing_library_says_where_it_looked(self):
        with self.assertRaises(OSError) as cm:
            smtpreply.load("/nonexistent/libsmtpreply.so.0")
        self.assertIn("SMTPREPLY_LIB", str(cm.exception))


class Parsing(unittest.TestCase):
    def test_pipelined_stream(self):
        items = smtpreply.Parser().parse(PIPELINED)
        self.assertEqual([type(i) for i in items], [smtpreply.Reply] * 3)
        self.assertEqual([r.code for r in items], [250, 250, 354])
        self.assertEqual([r.enhanced for r in items], ["2.1.0", "2.1.5", None])
        self.assertEqual([r.lines for r in items],
                         [["Ok"], ["Ok"], ["End data with <CR><LF>.<CR><LF>"]])
        self.assertEqual([r.offset for r in items], [0, 14, 28])
        self.assertEqual(sum(r.length for r in items), len(PIPELINED))

    def test_gmail_multiline(self):
        (r,) = smtpreply.Parser().parse(GMAIL_550)
        self.assertEqual(r.code, 550)
        self.assertEqual(r.enhanced, "5.1.1")
        self.assertEqual(r.line_count, 4)
        self.assertEqual(len(r.lines), 4)
        self.assertTrue(r.lines[0].startswith("The email account"), r.lines[0])
        self.assertIn("gsmtp", r.lines[3])
        self.assertEqual(r.text, b"\n".join(r.raw_lines))
        self.assertEqual(r.flags, [])
        self.assertEqual(r.encoding, "ascii")

    def test_split_at_every_byte(self):
        stream = PIPELINED + GMAIL_550 + b"garbage\r\n221 2.0.0 Bye\r\n"
        whole = log(smtpreply.Parser().parse(stream))
        self.assertEqual(len(whole), 6)
        for cut in range(len(stream) + 1):
            p = smtpreply.Parser()
            got = log(p.parse(stream[:cut]) + p.parse(stream[cut:]))
            self.assertEqual(got, whole, "cut at %d" % cut)
        for chunk in (1, 2, 3, 7, 16):
            got = log(smtpreply.Parser(chunk=chunk).parse(stream))
            self.assertEqual(got, whole, "chunk %d" % chunk)

    def test_batches_give_the_same_replies(self):
        # Long enough for smtpreply_parser_feed_many() to take runs of replies.
        stream = (b"250 2.1.5 Ok\r\n" * 40 + GMAIL_550 + b"250-mx.example.test\r\n"
                  b"250-PIPELINING\r\n250-SIZE 35882577\r\n250 SMTPUTF8\r\n"
                  b"garbage\r\n" + b"354 Go ahead\r\n" * 20)
        calls = []

        class Counting(object):
            """The library, counting the replies each feed_many() call returns."""
            def __init__(self, lib):
                self._lib = lib

            def __getattr__(self, name):
                fn = getattr(self._lib, name)
                if name != "smtpreply_parser_feed_many":
                    return fn

                def counted(*args):
                    rc = fn(*args)
                    calls.append(args[-1]._obj.value)
                    return rc
                return counted

        batched = log(smtpreply.Parser(lib=Counting(smtpreply.load())).parse(stream))
        self.assertEqual(len(batched), 40 + 1 + 1 + 1 + 20)
        self.assertEqual(batched, log(smtpreply.Parser(batch=1).parse(stream)))
        self.assertEqual(batched, log(smtpreply.Parser(chunk=1).parse(stream)))
        # Several replies came back from single calls.
        self.assertGreater(max(calls), 1)
        self.assertLess(len(calls), len(batched))
        # A 0.1 library has no feed_many(): it loads, and Parser calls feed().
        class Old(object):
            def __init__(self, lib):
                self._lib = lib

            def __getattr__(self, name):
                if name == "smtpreply_parser_feed_many":
                    raise AttributeError(name)
                return getattr(self._lib, name)

        old = Old(smtpreply.load())
        self.assertEqual(smtpreply._declare(old), [])
        self.assertEqual(log(smtpreply.Parser(lib=old).parse(stream)), batched)
        # Stopping inside a batch keeps the replies not yet taken.
        p = smtpreply.Parser()
        it = iter(p.feed(stream))
        head = [next(it) for _ in range(3)]
        it.close()
        self.assertEqual(log(head + p.parse(b"") + p.finish()), batched)

    def test_error_then_recovery(self):
        items = smtpreply.Parser().parse(b"garbage\r\n250 2.0.0 Ok\r\n")
        self.assertEqual(len(items), 2)
        err, rep = items
        self.assertIsInstance(err, smtpreply.ParseError)
        self.assertEqual((err.name, err.offset, err.line), ("bad-code", 0, 1))
        self.assertTrue(err.message)
        self.assertEqual(err.status, -2)
        self.assertIsInstance(rep, smtpreply.Reply)
        self.assertEqual((rep.code, rep.enhanced, rep.lines, rep.offset),
                         (250, "2.0.0", ["Ok"], 9))

    def test_code_mismatch_starts_next_reply(self):
        items = smtpreply.Parser().parse(b"220-mx.example.test\r\n521 5.3.2 No mail\r\n")
        self.assertEqual(log(items)[0], ("error", "code-mismatch", 21, 2))
        self.assertEqual((items[1].code, items[1].enhanced, items[1].lines),
                         (521, "5.3.2", ["No mail"]))

    def test_raise_mode_keeps_the_rest(self):
        p = smtpreply.Parser(errors="raise")
        got = []
        with self.assertRaises(smtpreply.ParseError) as cm:
            for r in p.feed(b"250 Ok\r\nXYZ\r\n354 Go\r\n"):
                got.append(r.code)
        self.assertEqual(got, [250])
        self.assertEqual((cm.exception.name, cm.exception.line), ("bad-code", 2))
        self.assertEqual([r.code for r in p.feed(b"221 Bye\r\n")], [354, 221])

    def test_stopping_early_loses_nothing(self):
        p = smtpreply.Parser()
        first = next(iter(p.feed(PIPELINED)))
        self.assertEqual(first.enhanced, "2.1.0")
        self.assertEqual([r.code for r in p.feed(b"")], [250, 354])

    def test_tolerated_and_strict(self):
        (r,) = smtpreply.Parser().parse(b"250 Ok\n")
        self.assertEqual(r.flags, ["bare-lf"])
        items = smtpreply.Parser(strict=True).parse(b"250 Ok\n250 Ok\r\n")
        self.assertIsInstance(items[0], smtpreply.ParseError)
        self.assertEqual(items[0].name, "bare-lf")
        (r,) = smtpreply.Parser().parse(b"250\r\n")
        self.assertIn("code-only", r.flags)
        (r,) = smtpreply.Parser().parse(b"500 5.5.2 bad \x00 command\r\n")
        self.assertIn("nul", r.flags)
        self.assertEqual(r.raw_lines, [b"bad \x00 command"])

    def test_finish_inside_a_reply(self):
        p = smtpreply.Parser()
        self.assertEqual(p.parse(b"250-mx.example.test\r\n250-SIZE"), [])
        (err,) = p.finish()
        self.assertEqual((err.name, err.offset, err.line), ("incomplete", 0, 1))
        self.assertEqual(p.finish(), [])

    def test_reply_outlives_the_parser_buffer(self):
        p = smtpreply.Parser(text_capacity=64)
        (first,) = p.parse(b"550 5.1.1 No such user here\r\n")
        p.parse(b"250 2.0.0 something else entirely, long enough to overwrite\r\n")
        self.assertEqual(first.lines, ["No such user here"])
        self.assertEqual(first.verdict("RCPT TO").reason, "recipient-unknown")

    def test_truncated_text(self):
        (r,) = smtpreply.Parser(text_capacity=8).parse(GMAIL_550)
        self.assertIn("truncated", r.flags)
        self.assertEqual((r.code, r.enhanced, r.length), (550, "5.1.1", len(GMAIL_550)))

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            smtpreply.Parser(errors="ignore")
        with self.assertRaises(ValueError):
            smtpreply.Parser(chunk=0)
        with self.assertRaises(ValueError):
            smtpreply.Parser(batch=0)
        with self.assertRaises(ValueError):
            smtpreply.Parser(max_line_length=2)


class Classifying(unittest.TestCase):
    def test_verdicts(self):
        items = smtpreply.Parser().parse(PIPELINED + GMAIL_550)
        commands = ["MAIL", "RCPT", "DATA", "RCPT"]
        got = [(r.verdict(c).severity, r.verdict(c).reason, r.verdict(c).retry)
               for r, c in zip(items, commands)]
        self.assertEqual(got[:3], [("positive-completion", "none", "not-needed"),
                                   ("positive-completion", "none", "not-needed"),
                                   ("positive-intermediate", "none", "not-needed")])
        v = items[3].verdict("RCPT")
        self.assertEqual((v.severity, v.category, v.reason, v.bounce, v.retry, v.command),
                         ("permanent-negative", "mail-system", "recipient-unknown", "hard",
                          "never", "RCPT"))
        # docs/classification.md: Gmail's ?p=NoSuchUser anchor is a provider
        # identifier, the strongest evidence.
        self.assertEqual((v.evidence, v.confidence), ("provider", "high"))
        self.assertTrue(v.rule)
        (plain,) = smtpreply.Parser().parse(b"550 5.1.1 <a@example.test>: rejected\r\n")
        self.assertEqual((plain.verdict("RCPT").reason, plain.verdict("RCPT").evidence,
                          plain.verdict("RCPT").confidence),
                         ("recipient-unknown", "enhanced", "high"))
        # A bare 550 to RCPT: the command alone, low confidence, never a hard bounce.
        (bare,) = smtpreply.Parser().parse(b"550\r\n")
        vb = bare.verdict("RCPT")
        self.assertEqual((vb.reason, vb.bounce, vb.confidence, vb.evidence),
                         ("recipient-unknown", "soft", "low", "command"))
        self.assertIn("low-confidence", vb.flags)
        self.assertEqual(vb.as_dict()["confidence"], "low")
        self.assertEqual(items[3].verdict(5).command, "RCPT")
        self.assertEqual(items[3].verdict().command, "UNKNOWN")


class Explaining(unittest.TestCase):
    def test_basic_en(self):
        e = smtpreply.explain(550)
        self.assertEqual((e["kind"], e["code"], e["match"], e["locale"]),
                         ("basic", 550, "exact", "en"))
        self.assertEqual(e["severity"], "permanent-negative")
        self.assertEqual(e["category"], "mail-system")
        for k in ("title", "description", "when", "fix", "reference"):
            self.assertTrue(e[k], k)
        self.assertEqual(smtpreply.explain("550"), e)

    def test_basic_vi(self):
        en = smtpreply.explain(550, "en")
        vi = smtpreply.explain(550, "vi")
        self.assertEqual(vi["locale"], "vi")
        self.assertNotEqual(vi["title"], en["title"])
        self.assertEqual(vi["code"], 550)

    def test_unknown_basic_falls_back_to_class(self):
        e = smtpreply.explain(599)
        self.assertEqual(e["match"], "class")
        self.assertTrue(e["title"])
        with self.assertRaises(ValueError):
            smtpreply.explain(999)

    def test_enhanced(self):
        e = smtpreply.explain("5.1.1")
        self.assertEqual((e["kind"], e["code"], e["match"]), ("enhanced", "5.1.1", "exact"))
        for k in ("class_title", "subject_title", "title", "description", "reference"):
            self.assertTrue(e[k], k)
        vi = smtpreply.explain("5.1.1", "vi")
        self.assertIn(vi["locale"], ("vi", "en"))
        if vi["locale"] == "en":  # not translated yet: served in English, and says so
            self.assertEqual(vi["title"], e["title"])
        else:
            self.assertNotEqual(vi["title"], e["title"])

    def test_not_a_code(self):
        for bad in ("hello", "5.1", "5.1.1x", ""):
            with self.assertRaises(ValueError, msg=bad):
                smtpreply.explain(bad)

    def test_describe_reason(self):
        self.assertTrue(smtpreply.describe_reason("mailbox-full"))
        with self.assertRaises(ValueError):
            smtpreply.describe_reason("no-such-reason")


class Errors(unittest.TestCase):
    def test_one_exception_per_error_status(self):
        # Every negative status of the header has its exception class, named after
        # the library's name for it, with the same value.
        lib = smtpreply.load()
        body = re.search(r"enum smtpreply_status \{(.*?)\};", header_text(), re.S).group(1)
        statuses = {name: int(v) for name, v in
                    re.findall(r"SMTPREPLY_(E_\w+)\s*=\s*(-\d+)", body)}
        self.assertGreaterEqual(len(statuses), 17)
        classes = dict(smtpreply._PARSE_ERRORS)
        classes.update(smtpreply._OTHER_ERRORS)
        self.assertEqual(sorted(classes), sorted(statuses.values()))
        for const, value in statuses.items():
            cls = classes[value]
            self.assertEqual(cls.status, value, const)
            self.assertEqual(cls.name, lib.smtpreply_status_name(value).decode(), const)
            self.assertTrue(issubclass(cls, smtpreply.Error), const)
            self.assertIn(cls.__name__, smtpreply.__all__)
            self.assertIs(getattr(smtpreply, cls.__name__), cls)
            if value in smtpreply._PARSE_ERRORS:
                self.assertTrue(issubclass(cls, smtpreply.ParseError), const)
            else:
                self.assertTrue(issubclass(cls, ValueError), const)

    def test_parse_errors_are_their_subclass(self):
        items = smtpreply.parse(b"250-a\r\n251 b\r\nxyz\r\n25\r\n650 x\r\n250-partial\r\n")
        self.assertEqual([type(i).__name__ for i in items],
                         ["CodeMismatchError", "Reply", "BadCodeError", "BadCodeError",
                          "BadFirstDigitError", "IncompleteError"])
        self.assertTrue(all(isinstance(i, smtpreply.ParseError) for i in items
                            if not isinstance(i, smtpreply.Reply)))
        p = smtpreply.Parser(errors="raise", strict=True)
        with self.assertRaises(smtpreply.BareLfError) as cm:
            p.parse(b"250 ok\n")
        self.assertEqual((cm.exception.status, cm.exception.name), (-9, "bare-lf"))
        self.assertIn("bare-lf at offset 0 (line 1)", str(cm.exception))
        import pickle
        again = pickle.loads(pickle.dumps(cm.exception))
        self.assertIs(type(again), smtpreply.BareLfError)
        self.assertEqual(again.as_dict(), cm.exception.as_dict())

    def test_other_errors(self):
        with self.assertRaises(smtpreply.UnknownCodeError) as cm:
            smtpreply.explain(999)
        self.assertEqual((cm.exception.status, cm.exception.name), (-16, "unknown-code"))
        with self.assertRaises(smtpreply.NotEhloError):
            smtpreply.ehlo(b"550 no\r\n")
        with self.assertRaises(smtpreply.InvalidArgumentError) as cm:
            smtpreply.Parser(max_line_length=2)
        self.assertEqual(cm.exception.name, "invalid-argument")


class ModuleLevel(unittest.TestCase):
    def test_parse_whole_stream(self):
        items = smtpreply.parse(PIPELINED + b"250-unfinished")
        self.assertEqual([type(i) for i in items], [smtpreply.Reply] * 3 +
                         [smtpreply.IncompleteError])
        self.assertEqual(log(smtpreply.parse(PIPELINED, batch=1)), log(items[:3]))

    def test_classify_parts(self):
        v = smtpreply.classify(550, "5.1.1", "User unknown", "RCPT")
        self.assertEqual((v.reason, v.bounce, v.retry), ("recipient-unknown", "hard", "never"))
        (r,) = smtpreply.parse(b"550 5.1.1 User unknown\r\n")
        self.assertEqual(r.classify("RCPT"), v)
        self.assertEqual(smtpreply.classify(550, (5, 1, 1), b"User unknown", "RCPT"), v)
        # No reply at all: the text of a log line decides.
        dns = smtpreply.classify(0, None, "Host or domain name not found")
        self.assertEqual(dns.severity, "unknown")
        self.assertNotEqual(dns.reason, "none")
        for bad in (-1, "550", True):
            with self.assertRaises(smtpreply.InvalidArgumentError, msg=repr(bad)):
                smtpreply.classify(bad)
        with self.assertRaises(smtpreply.InvalidArgumentError):
            smtpreply.classify(550, "5.1")
        with self.assertRaises(smtpreply.InvalidArgumentError):
            smtpreply.classify(550, command=-3)

    def test_parse_enhanced(self):
        self.assertEqual(smtpreply.parse_enhanced("5.7.26"), (5, 7, 26))
        self.assertEqual(str(smtpreply.parse_enhanced(b"4.2.2")), "4.2.2")
        self.assertEqual(smtpreply.parse_enhanced("5.7.26").klass, 5)
        for bad in ("5.7", "3.1.1", "5.1.1 x", "", "5.1000.1"):
            self.assertIsNone(smtpreply.parse_enhanced(bad), bad)

    def test_ehlo(self):
        raw = (b"250-mx.example.com Hello client\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
               b"250-AUTH PLAIN LOGIN XOAUTH2\r\n250-auth=login\r\n250-LIMITS RCPTMAX=50 MAILMAX=10\r\n"
               b"250-X-UNKNOWN a b\r\n250 smtputf8\r\n")
        e = smtpreply.ehlo(raw)
        self.assertEqual((e.server_name, e.greeting), ("mx.example.com", "Hello client"))
        for x in ("PIPELINING", "SIZE", "AUTH", "SMTPUTF8", "LIMITS"):
            self.assertIn(x, e.extensions)
        self.assertEqual(e.auth, ["PLAIN", "LOGIN", "XOAUTH2"])
        self.assertEqual((e.size_max, e.limits_rcptmax, e.limits_mailmax), (10240000, 50, 10))
        self.assertEqual(len(e.keywords), 7)
        self.assertEqual(e.keywords[5], ("X-UNKNOWN", "a b", None))
        self.assertEqual(e.keywords[6], ("smtputf8", "", "SMTPUTF8"))
        (r,) = smtpreply.parse(raw)
        self.assertEqual(r.ehlo(), e)
        with self.assertRaises(smtpreply.InvalidArgumentError):
            smtpreply.ehlo(b"250 a\r\n250 b\r\n")
        with self.assertRaises(smtpreply.BadCodeError):
            smtpreply.ehlo(b"2x0 a\r\n")


class Catalog(unittest.TestCase):
    def test_enumeration(self):
        codes = smtpreply.catalog_codes()
        self.assertIn(550, codes)
        self.assertIn(250, codes)
        self.assertEqual(len(codes), len(set(codes)))
        for code in codes:
            self.assertEqual(smtpreply.explain(code)["match"], "exact", code)
        pairs = smtpreply.catalog_enhanced_codes()
        self.assertIn((1, 1), pairs)
        self.assertIn((7, 26), pairs)
        for subject, detail in pairs:
            self.assertEqual(smtpreply.explain("5.%d.%d" % (subject, detail))["match"],
                             "exact", (subject, detail))

    def test_categories(self):
        title, desc = smtpreply.describe_category("mail-system")
        self.assertTrue(title and desc)
        self.assertEqual(smtpreply.describe_category(5), (title, desc))
        self.assertNotEqual(smtpreply.describe_category("mail-system", "vi")[0], title)
        with self.assertRaises(smtpreply.InvalidArgumentError):
            smtpreply.describe_category("no-such")
        with self.assertRaises(smtpreply.UnknownCodeError):
            smtpreply.describe_category(9)

    def test_command_expects(self):
        self.assertEqual(smtpreply.command_expects("RCPT", 250), "success")
        self.assertEqual(smtpreply.command_expects("DATA", 354), "intermediate")
        self.assertEqual(smtpreply.command_expects("rcpt to", 550), "error")
        self.assertIsNone(smtpreply.command_expects("DATA", 221))
        self.assertIsNone(smtpreply.command_expects(None, 250))


class Cli(unittest.TestCase):
    """python3 -m smtpreply prints what smtp-parse prints, byte for byte."""

    INPUTS = [
        ("pipelined", PIPELINED + GMAIL_550),
        ("errors", b"garbage\r\n220-mx\r\n521 5.3.2 no\r\n250 \xe9t\xe9\r\n"
                   b"250 caf\xc3\xa9 \x00 \x01\x7f\"\\\t\r\n250\n452 4.2.2 over quota\r\n250-cut"),
        ("ehlo", b"250-mx.example.com\r\n250-SIZE 100\r\n250 AUTH PLAIN\r\n"),
    ]
    ARGS = [[], ["--strict"], ["--strict", "--smtputf8"], ["--command", "RCPT"],
            ["--chunk-size", "3", "--command", "data_end"], ["--command", "XCLIENT"]]

    def run_both(self, args, data):
        tool = os.environ.get("SMTPREPLY_PARSE_TOOL")
        if not tool:
            self.skipTest("SMTPREPLY_PARSE_TOOL not set (the smtp-parse to compare with)")
        want = subprocess.run([tool] + args, input=data, capture_output=True)
        got = subprocess.run([sys.executable, "-m", "smtpreply"] + args, input=data,
                             capture_output=True)
        return want, got

    def test_same_output_as_smtp_parse(self):
        files = [os.path.join(SRCDIR, "examples", n) for n in ("quirks.txt", "session.txt")]
        inputs = list(self.INPUTS)
        for f in files:
            if os.path.isfile(f):
                with open(f, "rb") as fh:
                    inputs.append((os.path.basename(f), fh.read()))
        for name, data in inputs:
            for args in self.ARGS:
                want, got = self.run_both(args, data)
                self.assertEqual(got.stderr, b"", "%s %s" % (name, args))
                self.assertEqual(got.stdout.decode("utf-8", "replace"),
                                 want.stdout.decode("utf-8", "replace"), "%s %s" % (name, args))
                self.assertEqual(got.stdout, want.stdout, "%s %s" % (name, args))
                self.assertEqual(got.returncode, want.returncode, "%s %s" % (name, args))

    def test_usage_errors(self):
        for args in (["--chunk-size", "0"], ["--command", ""], ["--bogus"], ["a", "b"],
                     ["/nonexistent/input"]):
            want, got = self.run_both(args, b"")
            self.assertEqual((got.returncode, want.returncode), (2, 2), args)
            self.assertTrue(got.stderr, args)
            self.assertEqual(got.stdout, b"", args)


if __name__ == "__main__":
    unittest.main()
