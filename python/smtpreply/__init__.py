# SPDX-License-Identifier: MIT
"""Parse, classify and explain SMTP server replies: Python binding of libsmtpreply.

    import smtpreply
    for reply in smtpreply.parse(b"250 2.1.0 Ok\\r\\n550 5.1.1 No such user\\r\\n"):
        verdict = reply.classify("RCPT")
        print(reply.code, reply.enhanced, verdict.reason, verdict.bounce)
    print(smtpreply.explain("5.1.1", "vi")["title"])

What it offers:

- :class:`Parser` parses a stream as it arrives (``feed()`` in pieces of any size,
  batches of pipelined replies per call into the library), :func:`parse` a whole
  one. Replies are :class:`Reply` objects; parse errors are :class:`ParseError`
  exceptions (one subclass per library error, e.g. :class:`CodeMismatchError`),
  returned among the replies or raised, as the caller chooses.
- :meth:`Reply.classify` and :func:`classify` (a reply's parts as found in a
  log) give a :class:`Verdict`: severity, category, reason, bounce, retry, confidence, evidence.
- :func:`explain` documents a basic or enhanced code in English or Vietnamese;
  :func:`describe_reason` a reason.
- :func:`ehlo` reads a server's capabilities from its EHLO reply.
- :func:`parse_enhanced` reads an RFC 3463 enhanced status code.

``python3 -m smtpreply`` reads raw server bytes from standard input (or a file)
and prints one JSON object per reply or error, as the C tool smtp-parse does.

The binding uses ctypes and the standard library only. The parser state is
opaque: the binding allocates smtpreply_parser_size() bytes and never looks
inside; the other public structs are mirrored field by field.

Where the library is looked for, in order:
  1. the SMTPREPLY_LIB environment variable (a path to the shared object);
  2. beside this file (an installed package carries its own copy);
  3. meson build folders of the source tree this file sits in
     (build/, build-*/ or any folder holding meson-private/);
  4. ctypes.util.find_library("smtpreply") (the system's search path);
  5. the usual installed prefixes (/usr/local, /usr, /opt/smtpreply).
"""

import ctypes
import ctypes.util
import glob
import os
from typing import (Dict, Iterator, List, NamedTuple, Optional, Sequence, Union)

__all__ = [
    "Parser", "Reply", "Verdict", "Ehlo", "EhloKeyword", "Enhanced",
    "parse", "classify", "explain", "describe_reason", "describe_category", "ehlo",
    "parse_enhanced", "catalog_codes", "catalog_enhanced_codes", "command_expects",
    "version", "load",
    "Error", "InvalidArgumentError", "ParseError", "BadCodeError", "BadFirstDigitError",
    "BadSeparatorError", "EmptyLineError", "CodeMismatchError", "LineTooLongError",
    "TooManyLinesError", "BareLfError", "BadSecondDigitError", "LineOver512Error",
    "NulByteError", "EightBitByteError", "LoneCrError", "IncompleteError",
    "UnknownCodeError", "NotEhloError",
    "STRICT_ALL", "LIBRARY_PATH",
]

# The ABI this binding was written against: the soname's major version and the
# lowest minor version that has every function used below.
ABI_MAJOR = 0
ABI_MIN_MINOR = 1
SONAME = "libsmtpreply.so.0"

# Status values (enum smtpreply_status).
NEED_MORE = 0
REPLY = 1
OK = 0
E_INVALID_ARG = -1
E_INCOMPLETE = -15
E_UNKNOWN_CODE = -16
E_NOT_EHLO = -17

STRICT_ALL = 0x3F

# enum smtpreply_encoding.
ENCODINGS = ("ascii", "utf8", "other")
# enum smtpreply_match.
MATCHES = ("exact", "class")

Bytes = Union[bytes, bytearray, memoryview]
Command = Union[str, bytes, int, None]


# ---------------------------------------------------------------------------
# Mirrors of the public structs of include/smtpreply.h, field by field
# (tests/ffi checks them against the C compiler's layout).

class EnhancedStruct(ctypes.Structure):
    """struct smtpreply_enhanced."""
    _fields_ = [
        ("klass", ctypes.c_uint16),
        ("subject", ctypes.c_uint16),
        ("detail", ctypes.c_uint16),
        ("pad_", ctypes.c_uint16),
    ]


class Options(ctypes.Structure):
    """struct smtpreply_options."""
    _fields_ = [
        ("strict", ctypes.c_uint32),
        ("smtputf8", ctypes.c_uint32),
        ("max_line_length", ctypes.c_uint32),
        ("max_lines", ctypes.c_uint32),
    ]


class ErrorStruct(ctypes.Structure):
    """struct smtpreply_error."""
    _fields_ = [
        ("status", ctypes.c_int32),
        ("line", ctypes.c_uint32),
        ("offset", ctypes.c_uint64),
        ("position", ctypes.c_uint64),
        ("name", ctypes.c_char_p),
        ("message", ctypes.c_char_p),
    ]


class ReplyStruct(ctypes.Structure):
    """struct smtpreply_reply. `text` is a raw pointer: it may hold NUL bytes."""
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("pad_", ctypes.c_uint16),
        ("flags", ctypes.c_uint32),
        ("enhanced", EnhancedStruct),
        ("enhanced_text", ctypes.c_char * 12),
        ("encoding", ctypes.c_uint32),
        ("line_count", ctypes.c_uint32),
        ("lines_stored", ctypes.c_uint32),
        ("first_line", ctypes.c_uint32),
        ("text", ctypes.c_void_p),
        ("text_len", ctypes.c_size_t),
        ("offset", ctypes.c_uint64),
        ("length", ctypes.c_uint64),
    ]


class VerdictStruct(ctypes.Structure):
    """struct smtpreply_verdict."""
    _fields_ = [
        ("severity", ctypes.c_int32),
        ("category", ctypes.c_int32),
        ("reason", ctypes.c_int32),
        ("bounce", ctypes.c_int32),
        ("retry", ctypes.c_int32),
        ("evidence", ctypes.c_int32),
        ("command", ctypes.c_int32),
        ("flags", ctypes.c_uint32),
        ("rule", ctypes.c_char_p),
    ]


class CodeInfoStruct(ctypes.Structure):
    """struct smtpreply_code_info."""
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("pad_", ctypes.c_uint16),
        ("match", ctypes.c_int32),
        ("severity", ctypes.c_int32),
        ("category", ctypes.c_int32),
        ("locale", ctypes.c_char_p),
        ("title", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("when", ctypes.c_char_p),
        ("fix", ctypes.c_char_p),
        ("reference", ctypes.c_char_p),
        ("severity_title", ctypes.c_char_p),
    ]


class EnhancedInfoStruct(ctypes.Structure):
    """struct smtpreply_enhanced_info."""
    _fields_ = [
        ("code", EnhancedStruct),
        ("match", ctypes.c_int32),
        ("locale", ctypes.c_char_p),
        ("class_title", ctypes.c_char_p),
        ("class_description", ctypes.c_char_p),
        ("subject_title", ctypes.c_char_p),
        ("subject_description", ctypes.c_char_p),
        ("title", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("action", ctypes.c_char_p),
        ("reference", ctypes.c_char_p),
        ("basic_codes", ctypes.c_char_p),
    ]




class EhloStruct(ctypes.Structure):
    """struct smtpreply_ehlo. Its pointers point into a reply's text."""
    _fields_ = [
        ("server_name", ctypes.c_void_p),
        ("server_name_len", ctypes.c_size_t),
        ("greeting", ctypes.c_void_p),
        ("greeting_len", ctypes.c_size_t),
        ("extensions", ctypes.c_uint32),
        ("auth", ctypes.c_uint32),
        ("size_max", ctypes.c_uint64),
        ("limits_rcptmax", ctypes.c_uint32),
        ("limits_mailmax", ctypes.c_uint32),
        ("limits_rcptdomainmax", ctypes.c_uint32),
        ("keyword_count", ctypes.c_uint32),
        ("deliverby_min", ctypes.c_uint64),
    ]


class EhloKeywordStruct(ctypes.Structure):
    """struct smtpreply_ehlo_keyword. Its pointers point into a reply's text."""
    _fields_ = [
        ("keyword", ctypes.c_void_p),
        ("keyword_len", ctypes.c_size_t),
        ("params", ctypes.c_void_p),
        ("params_len", ctypes.c_size_t),
        ("extension", ctypes.c_uint32),
        ("pad_", ctypes.c_uint32),
    ]


# ---------------------------------------------------------------------------
# Finding and loading the library.

_HERE = os.path.dirname(os.path.abspath(__file__))
_SOURCE_ROOT = os.path.normpath(os.path.join(_HERE, "..", ".."))


def _build_dir_candidates() -> List[str]:
    """Shared objects in meson build folders of the source tree, newest first."""
    found = []
    if not os.path.isfile(os.path.join(_SOURCE_ROOT, "include", "smtpreply.h")):
        return found
    dirs = set(glob.glob(os.path.join(_SOURCE_ROOT, "build")))
    dirs.update(glob.glob(os.path.join(_SOURCE_ROOT, "build*")))
    dirs.update(os.path.dirname(p) for p in
                glob.glob(os.path.join(_SOURCE_ROOT, "*", "meson-private")))
    for d in dirs:
        name = os.path.basename(d)
        if "san" in name or "fuzz" in name or "wasm" in name:
            continue  # sanitizer builds need their runtime preloaded
        path = os.path.join(d, "lib", SONAME)
        if os.path.isfile(path):
            found.append(path)
    found.sort(key=os.path.getmtime, reverse=True)
    return found


def _prefix_candidates() -> List[str]:
    out = []
    for prefix in ("/usr/local", "/usr", "/opt/smtpreply"):
        for libdir in ("lib", "lib64", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"):
            out.append(os.path.join(prefix, libdir, SONAME))
    return out


def library_candidates() -> List[str]:
    """Every path (or name) load() will try, in order."""
    env = os.environ.get("SMTPREPLY_LIB")
    if env:
        return [env]
    out = []
    bundled = os.path.join(_HERE, SONAME)
    if os.path.isfile(bundled):
        out.append(bundled)
    out.extend(_build_dir_candidates())
    name = ctypes.util.find_library("smtpreply")
    if name:
        out.append(name)
    out.extend(p for p in _prefix_candidates() if os.path.isfile(p))
    return out


# Functions of a later minor version than ABI_MIN_MINOR; the binding works
# without them (Parser falls back to smtpreply_parser_feed()).
OPTIONAL = frozenset(["smtpreply_parser_feed_many",      # since 0.2
                      "smtpreply_verdict_confidence",    # since 0.3
                      "smtpreply_confidence_name"])      # since 0.3


def _declare(lib) -> List[str]:
    """Give every function its C signature; ctypes would otherwise pass ints."""
    P = ctypes.POINTER
    c_char_p, c_int, c_size_t, c_void_p, c_uint32 = (
        ctypes.c_char_p, ctypes.c_int, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_uint32)
    sigs = {
        "smtpreply_version": (c_char_p, []),
        "smtpreply_status_name": (c_char_p, [c_int]),
        "smtpreply_strerror": (c_char_p, [c_int]),
        "smtpreply_parser_size": (c_size_t, []),
        "smtpreply_options_default": (None, [P(Options)]),
        "smtpreply_parser_init_ex": (c_int, [c_void_p, c_void_p, c_size_t, P(Options)]),
        "smtpreply_parser_feed": (c_int, [c_void_p, c_void_p, c_size_t, P(c_size_t),
                                          P(ReplyStruct)]),
        "smtpreply_parser_feed_many": (c_int, [c_void_p, c_void_p, c_size_t, P(c_size_t),
                                               P(ReplyStruct), c_size_t, P(c_size_t)]),
        "smtpreply_parser_finish": (c_int, [c_void_p, P(ReplyStruct)]),
        "smtpreply_parser_reset": (None, [c_void_p]),
        "smtpreply_parser_error": (c_int, [c_void_p, P(ErrorStruct)]),
        "smtpreply_reply_line": (c_int, [P(ReplyStruct), P(c_size_t), P(c_void_p),
                                         P(c_size_t)]),
        "smtpreply_flag_name": (c_char_p, [c_uint32]),
        "smtpreply_verdict_flag_name": (c_char_p, [c_uint32]),
        "smtpreply_enhanced_parse": (c_size_t, [c_char_p, c_size_t, P(EnhancedStruct)]),
        "smtpreply_classify": (c_int, [P(ReplyStruct), c_int, P(VerdictStruct)]),
        "smtpreply_classify_parts": (c_int, [ctypes.c_uint, P(EnhancedStruct), c_char_p, c_size_t,
                                             c_int, P(VerdictStruct)]),
        "smtpreply_severity_name": (c_char_p, [c_int]),
        "smtpreply_category_name": (c_char_p, [c_int]),
        "smtpreply_reason_name": (c_char_p, [c_int]),
        "smtpreply_bounce_name": (c_char_p, [c_int]),
        "smtpreply_retry_name": (c_char_p, [c_int]),
        "smtpreply_evidence_name": (c_char_p, [c_int]),
        "smtpreply_verdict_confidence": (c_int, [P(VerdictStruct)]),
        "smtpreply_confidence_name": (c_char_p, [c_int]),
        "smtpreply_command_name": (c_char_p, [c_int]),
        "smtpreply_command_parse": (c_int, [c_char_p, c_size_t]),
        "smtpreply_explain_code": (c_int, [ctypes.c_uint, c_char_p, P(CodeInfoStruct)]),
        "smtpreply_explain_enhanced": (c_int, [P(EnhancedStruct), c_char_p,
                                               P(EnhancedInfoStruct)]),
        "smtpreply_reason_describe": (c_char_p, [c_int, c_char_p]),
        "smtpreply_category_describe": (c_int, [c_int, c_char_p, P(c_char_p), P(c_char_p)]),
        "smtpreply_catalog_code_at": (ctypes.c_uint, [c_size_t]),
        "smtpreply_catalog_enhanced_at": (c_int, [c_size_t, P(EnhancedStruct)]),
        "smtpreply_command_expects": (c_int, [c_int, ctypes.c_uint]),
        "smtpreply_ehlo_parse": (c_int, [P(ReplyStruct), P(EhloStruct)]),
        "smtpreply_ehlo_next": (c_int, [P(ReplyStruct), P(c_size_t), P(EhloKeywordStruct)]),
        "smtpreply_extension_name": (c_char_p, [c_uint32]),
        "smtpreply_auth_mech_name": (c_char_p, [c_uint32]),
    }
    missing = []
    for name, (restype, argtypes) in sigs.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            if name not in OPTIONAL:
                missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    return missing


def _check_version(lib, path: str) -> str:
    got = lib.smtpreply_version().decode("ascii", "replace")
    parts = got.split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise OSError("%s reports an unreadable version %r" % (path, got))
    if major != ABI_MAJOR or minor < ABI_MIN_MINOR:
        raise OSError("%s is libsmtpreply %s; this binding needs %d.%d or a later %d.x"
                      % (path, got, ABI_MAJOR, ABI_MIN_MINOR, ABI_MAJOR))
    return got


_lib = None
LIBRARY_PATH: Optional[str] = None


def load(path: Optional[str] = None):
    """Load (once) and return the library (a ctypes.CDLL); `path` overrides the search.

    Raises OSError, naming every place tried, when no usable library is found.
    """
    global _lib, LIBRARY_PATH
    if _lib is not None and path is None:
        return _lib
    tried = []
    for cand in ([path] if path else library_candidates()):
        try:
            lib = ctypes.CDLL(cand)
        except OSError as e:
            tried.append("%s (%s)" % (cand, e))
            continue
        missing = _declare(lib)
        if missing:
            raise OSError("%s lacks %s: not a complete libsmtpreply"
                          % (cand, ", ".join(missing)))
        _check_version(lib, cand)
        _lib, LIBRARY_PATH = lib, cand
        return lib
    raise OSError("libsmtpreply not found; set SMTPREPLY_LIB to the path of %s. Tried: %s"
                  % (SONAME, "; ".join(tried) or "nothing (no candidate found)"))


def version() -> str:
    """The version string of the loaded library, e.g. '0.3.0'."""
    return load().smtpreply_version().decode("ascii")


def __getattr__(name: str) -> str:
    # smtpreply.__version__ is the loaded library's version: the package ships
    # the library it was built with.
    if name == "__version__":
        return version()
    raise AttributeError("module 'smtpreply' has no attribute %r" % name)


def _s(b: Optional[bytes]) -> Optional[str]:
    return b.decode("utf-8", "replace") if b is not None else None


def _bit_names(bits: int, name_of) -> List[str]:
    """Every set bit by the library's own name; "0x..." for a bit it does not know."""
    out = []
    for i in range(32):
        bit = 1 << i
        if bits & bit:
            n = _s(name_of(bit))
            out.append(n if n != "unknown" else "0x%x" % bit)
    return out


# ---------------------------------------------------------------------------
# Errors: one exception class per error status of the library.

class Error(Exception):
    """Base of every error raised by this package for a library status.

    ``status`` is the library's negative status value, ``name`` its name
    ("code-mismatch"), ``message`` the library's sentence for it.
    """

    status = 0
    name = "error"

    def __init__(self, message: str, status: Optional[int] = None,
                 name: Optional[str] = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        if name is not None:
            self.name = name
        self.message = message


class InvalidArgumentError(Error, ValueError):
    """invalid-argument: a value the library or the binding cannot take."""
    status, name = -1, "invalid-argument"


class UnknownCodeError(Error, ValueError):
    """unknown-code: the catalog has no entry for the code, not even its class."""
    status, name = -16, "unknown-code"


class NotEhloError(Error, ValueError):
    """not-ehlo: the reply is not a 250, so it carries no EHLO capabilities."""
    status, name = -17, "not-ehlo"


class ParseError(Error):
    """A parse error. The parser skipped the line in error and goes on after it.

    Attributes: status (negative int), name ("code-mismatch"), message, offset (the
    stream offset of the line in error), position (where it was detected), line
    (1-based stream line number). The subclass says which error it is.
    """

    status, name = 0, "parse-error"

    def __new__(cls, status: int = 0, *args, **kwargs):
        # ParseError(status, ...) gives the subclass named after the status.
        if cls is ParseError:
            cls = _PARSE_ERRORS.get(status, ParseError)
        return super().__new__(cls)

    def __init__(self, status: int, name: str, message: str, offset: int, position: int,
                 line: int) -> None:
        super().__init__(message, status, name)
        self.args = ("%s at offset %d (line %d): %s" % (name, offset, line, message),)
        self.offset = offset
        self.position = position
        self.line = line

    def __reduce__(self):
        return (ParseError, (self.status, self.name, self.message, self.offset,
                             self.position, self.line))

    def as_dict(self) -> Dict[str, object]:
        """The object smtp-parse prints for this error."""
        return {"offset": self.offset, "error": self.name, "line": self.line,
                "position": self.position, "message": self.message}


def _parse_error(status: int, name: str, doc: str) -> type:
    cls_name = "".join(w.capitalize() for w in name.replace("8bit", "eight-bit").split("-"))
    return type(cls_name + "Error", (ParseError,),
                {"status": status, "name": name, "__doc__": "%s: %s" % (name, doc),
                 "__module__": __name__})


# The parse errors of enum smtpreply_status, by value (tests/ffi checks this
# table against the header and the library's names).
BadCodeError = _parse_error(-2, "bad-code", "the line does not start with three digits.")
BadFirstDigitError = _parse_error(-3, "bad-first-digit", "the code's first digit is outside 2-5.")
BadSeparatorError = _parse_error(-4, "bad-separator", "after the code: not '-', SP or the line end.")
EmptyLineError = _parse_error(-5, "empty-line", "a line with no code at all.")
CodeMismatchError = _parse_error(-6, "code-mismatch",
                                 "a continuation line's code differs from the first line's.")
LineTooLongError = _parse_error(-7, "line-too-long", "a line is longer than the limit.")
TooManyLinesError = _parse_error(-8, "too-many-lines", "a reply has more lines than the limit.")
BareLfError = _parse_error(-9, "bare-lf", "strict mode: a line ended in LF without CR.")
BadSecondDigitError = _parse_error(-10, "bad-second-digit",
                                   "strict mode: the code's second digit is above 5.")
LineOver512Error = _parse_error(-11, "line-over-512",
                                "strict mode: a line exceeds RFC 5321's 512 octets.")
NulByteError = _parse_error(-12, "nul-byte", "strict mode: a NUL byte in the text.")
EightBitByteError = _parse_error(-13, "8bit-byte", "strict mode: a byte above 127.")
LoneCrError = _parse_error(-14, "lone-cr", "strict mode: a CR not followed by LF.")
IncompleteError = _parse_error(-15, "incomplete", "the stream ended inside a reply.")

_PARSE_ERRORS = {cls.status: cls for cls in (
    BadCodeError, BadFirstDigitError, BadSeparatorError, EmptyLineError, CodeMismatchError,
    LineTooLongError, TooManyLinesError, BareLfError, BadSecondDigitError, LineOver512Error,
    NulByteError, EightBitByteError, LoneCrError, IncompleteError)}
_OTHER_ERRORS = {cls.status: cls for cls in (InvalidArgumentError, UnknownCodeError,
                                             NotEhloError)}


def _raise_status(lib, rc: int, what: str = "") -> None:
    """Raise the exception of a status that is not a parse error."""
    cls = _OTHER_ERRORS.get(rc, Error)
    msg = _s(lib.smtpreply_strerror(rc)) or ""
    raise cls("%s%s" % (what + ": " if what else "", msg), rc,
              _s(lib.smtpreply_status_name(rc)))


# ---------------------------------------------------------------------------
# Python-side objects.

# SMTPREPLY_VERDICT_LOW_CONFIDENCE (include/smtpreply.h).
_LOW_CONFIDENCE = 1 << 4


class Verdict(object):
    """The classifier's verdict, with every field as the tools print it.

    severity ("permanent-negative"), category ("mail-system"), reason
    ("recipient-unknown"), bounce ("none", "soft", "hard", "block"), retry
    ("not-needed", "retry", "retry-after-fix", "never"), confidence ("high" when
    specific evidence decided, "low" when only a fallback did; suppress an address
    only on a hard bounce with high confidence), evidence (what decided: "provider",
    "enhanced", "text", "command", "code", "class", "none"), command ("RCPT", or
    "UNKNOWN" when none was given), flags (names), rule (what decided, for people:
    a rule of docs/classification.md).
    """

    __slots__ = ("severity", "category", "reason", "bounce", "retry", "confidence",
                 "evidence", "command", "flags", "rule")

    def __init__(self, lib, v: VerdictStruct) -> None:
        self.severity: str = _s(lib.smtpreply_severity_name(v.severity))
        self.category: str = _s(lib.smtpreply_category_name(v.category))
        self.reason: str = _s(lib.smtpreply_reason_name(v.reason))
        self.bounce: str = _s(lib.smtpreply_bounce_name(v.bounce))
        self.retry: str = _s(lib.smtpreply_retry_name(v.retry))
        # Since 0.3; a 0.2 library has no confidence and never sets its flag, so
        # every verdict from it reads as "high" here.
        if hasattr(lib, "smtpreply_verdict_confidence"):
            self.confidence: str = _s(lib.smtpreply_confidence_name(
                lib.smtpreply_verdict_confidence(ctypes.byref(v))))
        else:
            self.confidence = "low" if v.flags & _LOW_CONFIDENCE else "high"
        self.evidence: str = _s(lib.smtpreply_evidence_name(v.evidence))
        self.command: str = _s(lib.smtpreply_command_name(v.command))
        self.flags: List[str] = _bit_names(v.flags, lib.smtpreply_verdict_flag_name)
        self.rule: str = _s(v.rule)

    def as_dict(self) -> Dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Verdict) and self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        return "Verdict(%s)" % ", ".join("%s=%r" % kv for kv in self.as_dict().items())


def _command_number(lib, command: Command) -> int:
    """A command name ("RCPT", "mail from", "DATA_END"), number, or None."""
    if command is None:
        return 0  # SMTPREPLY_CMD_UNKNOWN
    if isinstance(command, bool) or (isinstance(command, int) and command < 0):
        raise InvalidArgumentError("a command is a name or a non-negative number, not %r"
                                   % (command,))
    if isinstance(command, int):
        return command
    raw = command.encode("utf-8") if isinstance(command, str) else bytes(command)
    return lib.smtpreply_command_parse(raw, len(raw))


class Reply(object):
    """One complete reply. It owns a copy of its text, so it outlives the parser call.

    code (int), enhanced ("5.1.1" or None), raw_lines (list of bytes), lines (list of
    str, decoded as UTF-8 with U+FFFD for bad bytes), text (bytes, lines joined by
    LF), flags (list of names), encoding ("ascii", "utf8", "other"), offset and
    length (stream bytes), line_count (lines on the wire), lines_stored (lines in
    the text), first_line (its stream line number).
    """

    def __init__(self, lib, st: ReplyStruct) -> None:
        self._lib = lib
        text = ctypes.string_at(st.text, st.text_len) if st.text_len else b""
        # A private copy of the struct whose text points at our own bytes, so
        # classify() and ehlo() can hand the library a valid reply at any time.
        self._buf = ctypes.create_string_buffer(text, len(text) + 1)
        self._st = ReplyStruct.from_buffer_copy(st)
        self._st.text = ctypes.cast(self._buf, ctypes.c_void_p)
        self.code: int = st.code
        self.enhanced: Optional[str] = st.enhanced_text.decode("ascii") or None
        self.text: bytes = text
        self.raw_lines: List[bytes] = self._iter_lines()
        self.lines: List[str] = [b.decode("utf-8", "replace") for b in self.raw_lines]
        self.flags: List[str] = _bit_names(st.flags, lib.smtpreply_flag_name)
        self.encoding: str = ENCODINGS[st.encoding] if st.encoding < len(ENCODINGS) else "other"
        self.offset: int = st.offset
        self.length: int = st.length
        self.line_count: int = st.line_count
        self.lines_stored: int = st.lines_stored
        self.first_line: int = st.first_line

    def _iter_lines(self) -> List[bytes]:
        out = []
        pos = ctypes.c_size_t(0)
        ptr = ctypes.c_void_p()
        n = ctypes.c_size_t(0)
        while self._lib.smtpreply_reply_line(ctypes.byref(self._st), ctypes.byref(pos),
                                             ctypes.byref(ptr), ctypes.byref(n)):
            out.append(ctypes.string_at(ptr.value, n.value) if n.value else b"")
        return out

    def classify(self, command: Command = None) -> Verdict:
        """Classify this reply; `command` is what it answers ("RCPT", "MAIL FROM", 5)."""
        v = VerdictStruct()
        rc = self._lib.smtpreply_classify(ctypes.byref(self._st),
                                          _command_number(self._lib, command),
                                          ctypes.byref(v))
        if rc != OK:
            _raise_status(self._lib, rc)
        return Verdict(self._lib, v)

    # The name the first versions of the binding used.
    verdict = classify

    def ehlo(self) -> "Ehlo":
        """The EHLO capabilities this reply announces; see :func:`ehlo`."""
        return ehlo(self)

    def as_dict(self) -> Dict[str, object]:
        return {"offset": self.offset, "code": self.code, "enhanced": self.enhanced,
                "lines": self.lines, "flags": self.flags}

    def __repr__(self) -> str:
        return "Reply(code=%d, enhanced=%r, lines=%r, flags=%r)" % (
            self.code, self.enhanced, self.lines, self.flags)


class Parser(object):
    """A streaming reply parser.

    Parser(strict=False, smtputf8=False, max_line_length=0, max_lines=0,
           text_capacity=65536, chunk=None, errors="yield", batch=32)

    strict: False, True (every deviation is an error) or a mask of STRICT_* bits.
    smtputf8: SMTPUTF8 is in use (valid UTF-8 is not a strict-mode error).
    max_line_length, max_lines: limits; 0 means the library's default.
    text_capacity: bytes of reply text kept per reply; more is flagged "truncated".
    chunk: feed the library at most this many bytes per call (to exercise splits).
    errors: "yield" gives ParseError objects among the replies; "raise" raises
            them, keeping the unparsed rest for the next feed() call.
    batch: replies the library may return from one call. Above 1 (and without
           chunk) smtpreply_parser_feed_many() is used, which takes runs of
           well-formed pipelined replies in one call; 1 calls
           smtpreply_parser_feed() once per reply. The replies are the same.

    Bad arguments raise InvalidArgumentError (a ValueError).
    """

    def __init__(self, strict: Union[bool, int] = False, smtputf8: bool = False,
                 max_line_length: int = 0, max_lines: int = 0, text_capacity: int = 65536,
                 chunk: Optional[int] = None, errors: str = "yield", lib=None,
                 batch: int = 32) -> None:
        if errors not in ("yield", "raise"):
            raise InvalidArgumentError("errors must be 'yield' or 'raise'")
        if chunk is not None and chunk < 1:
            raise InvalidArgumentError("chunk must be at least 1")
        if batch < 1:
            raise InvalidArgumentError("batch must be at least 1")
        if text_capacity < 1:
            raise InvalidArgumentError("text_capacity must be at least 1")
        self._lib = lib or load()
        self._chunk = chunk
        self._errors = errors
        self._pending = b""
        # Replies a batch returned that the caller has not taken yet (it stopped
        # iterating): the library has already moved past them.
        self._ready: List[Reply] = []
        self._batch = None
        if batch > 1 and chunk is None and hasattr(self._lib, "smtpreply_parser_feed_many"):
            self._batch = (ReplyStruct * batch)()
        size = self._lib.smtpreply_parser_size()
        # ctypes buffers are allocated with malloc: aligned to at least 8.
        self._state = ctypes.create_string_buffer(size)
        self._text = ctypes.create_string_buffer(int(text_capacity))
        opt = Options()
        self._lib.smtpreply_options_default(ctypes.byref(opt))
        opt.strict = STRICT_ALL if strict is True else int(strict or 0)
        opt.smtputf8 = 1 if smtputf8 else 0
        opt.max_line_length = max_line_length
        opt.max_lines = max_lines
        rc = self._lib.smtpreply_parser_init_ex(self._state, self._text,
                                                len(self._text), ctypes.byref(opt))
        if rc != OK:
            _raise_status(self._lib, rc, "parser options")

    def _error(self, status: int) -> ParseError:
        e = ErrorStruct()
        self._lib.smtpreply_parser_error(self._state, ctypes.byref(e))
        return ParseError(status, _s(e.name), _s(e.message), e.offset, e.position, e.line)

    def feed(self, data: Bytes) -> Iterator[Union[Reply, ParseError]]:
        """Parse `data` (bytes); yield each Reply (and ParseError) in stream order.

        Bytes the generator did not get to (the caller stopped iterating, or a
        ParseError was raised) are kept and parsed first by the next feed() call,
        so nothing is lost. Finish iterating one feed() before starting another.
        """
        buf = self._pending + bytes(data)
        self._pending = b""
        # Points into `buf`, which this generator keeps alive.
        base = ctypes.cast(ctypes.c_char_p(buf), ctypes.c_void_p).value
        off = 0
        used = ctypes.c_size_t(0)
        count = ctypes.c_size_t(0)
        st = ReplyStruct()
        try:
            while self._ready:
                yield self._ready.pop(0)
            while off < len(buf):
                n = len(buf) - off
                if self._chunk is not None and n > self._chunk:
                    n = self._chunk
                if self._batch is not None:
                    rc = self._lib.smtpreply_parser_feed_many(
                        self._state, base + off, n, ctypes.byref(used), self._batch,
                        len(self._batch), ctypes.byref(count))
                    off += used.value
                    # Copies first: the texts live in the parser's buffer until the
                    # next call.
                    self._ready = [Reply(self._lib, self._batch[i])
                                   for i in range(count.value)]
                    while self._ready:
                        yield self._ready.pop(0)
                else:
                    rc = self._lib.smtpreply_parser_feed(self._state, base + off, n,
                                                         ctypes.byref(used),
                                                         ctypes.byref(st))
                    off += used.value
                    if rc == REPLY:
                        yield Reply(self._lib, st)
                if rc < 0:
                    err = self._error(rc)
                    if self._errors == "raise":
                        raise err
                    yield err
        finally:
            self._pending = buf[off:]

    def parse(self, data: Bytes) -> List[Union[Reply, ParseError]]:
        """feed() into a list."""
        return list(self.feed(data))

    def finish(self) -> List[Union[Reply, ParseError]]:
        """The stream has ended. Returns what the kept bytes still held (errors="raise"
        may leave some), plus an IncompleteError when the stream ended inside a
        reply. The parser is then ready for a new stream."""
        mode, self._errors = self._errors, "yield"
        try:
            items = self.parse(b"") if self._pending or self._ready else []
        finally:
            self._errors = mode
        rc = self._lib.smtpreply_parser_finish(self._state, None)
        if rc < 0:
            items.append(self._error(rc))
        return items

    def reset(self) -> None:
        """Forget any partial reply; start a new stream."""
        self._pending = b""
        self._ready = []
        self._lib.smtpreply_parser_reset(self._state)


def parse(data: Bytes, **options) -> List[Union[Reply, ParseError]]:
    """Parse a whole stream: its replies and errors in order, then an
    IncompleteError when it ends inside a reply. `options` are Parser's."""
    p = Parser(**options)
    return p.parse(data) + p.finish()


# ---------------------------------------------------------------------------
# Classification of parts, enhanced codes, EHLO.

class Enhanced(NamedTuple):
    """An RFC 3463 enhanced status code, class.subject.detail."""
    klass: int
    subject: int
    detail: int

    def __str__(self) -> str:
        return "%d.%d.%d" % self


def _enhanced_struct(lib, code: Union[str, bytes, Sequence[int]]) -> EnhancedStruct:
    if isinstance(code, (str, bytes)):
        raw = code.encode("ascii", "replace") if isinstance(code, str) else code
        enh = EnhancedStruct()
        if not raw or lib.smtpreply_enhanced_parse(raw, len(raw), ctypes.byref(enh)) != len(raw):
            raise InvalidArgumentError("%r is not an enhanced status code" % (code,))
        return enh
    try:
        k, s, d = (int(x) for x in code)
    except (TypeError, ValueError):
        raise InvalidArgumentError("%r is not an enhanced status code" % (code,))
    return _enhanced_struct(lib, "%d.%d.%d" % (k, s, d))


def parse_enhanced(text: Union[str, bytes]) -> Optional[Enhanced]:
    """The enhanced status code `text` is ("5.7.26" gives Enhanced(5, 7, 26)),
    or None when the whole text is not one valid code."""
    lib = load()
    try:
        enh = _enhanced_struct(lib, text)
    except InvalidArgumentError:
        return None
    return Enhanced(enh.klass, enh.subject, enh.detail)


def classify(code: int, enhanced: Union[str, bytes, Sequence[int], None] = None,
             text: Union[str, bytes] = b"", command: Command = None) -> Verdict:
    """Classify a reply from its parts, as found in a log line or a DSN.

    code: the basic reply code, or 0 when the event had no SMTP reply (the text
    then decides); enhanced: "5.1.1", (5, 1, 1) or None; text: the reply's text;
    command: what the reply answers. A parsed reply has Reply.classify().
    """
    lib = load()
    if isinstance(code, bool) or not isinstance(code, int) or code < 0:
        raise InvalidArgumentError("code must be a non-negative int, not %r" % (code,))
    enh = _enhanced_struct(lib, enhanced) if enhanced is not None else None
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    v = VerdictStruct()
    rc = lib.smtpreply_classify_parts(code, ctypes.byref(enh) if enh is not None else None,
                                      raw, len(raw), _command_number(lib, command),
                                      ctypes.byref(v))
    if rc != OK:
        _raise_status(lib, rc)
    return Verdict(lib, v)


class EhloKeyword(NamedTuple):
    """One capability line: the keyword as sent, its parameters, and the
    extension it names ("SIZE"), or None when the library does not know it."""
    keyword: str
    params: str
    extension: Optional[str]


class Ehlo(NamedTuple):
    """What an EHLO reply says about the server."""
    server_name: str
    greeting: str
    extensions: List[str]
    auth: List[str]
    size_max: int
    limits_rcptmax: int
    limits_mailmax: int
    limits_rcptdomainmax: int
    deliverby_min: int
    keywords: List[EhloKeyword]


def ehlo(reply: Union[Reply, Bytes]) -> Ehlo:
    """The capabilities of an EHLO reply: a parsed Reply, or the reply's bytes.

    Raises NotEhloError when the reply is not a 250, the ParseError of bytes that
    do not parse, and InvalidArgumentError for bytes that hold no reply or several.
    """
    lib = load()
    if not isinstance(reply, Reply):
        items = parse(reply)
        for item in items:
            if isinstance(item, ParseError):
                raise item
        if len(items) != 1:
            raise InvalidArgumentError("ehlo() needs exactly one reply; the bytes hold %d"
                                       % len(items))
        reply = items[0]
    st = reply._st
    base = st.text or 0

    def text_at(ptr: Optional[int], n: int) -> str:
        if not ptr or not n:
            return ""
        return reply.text[ptr - base:ptr - base + n].decode("utf-8", "replace")

    out = EhloStruct()
    rc = lib.smtpreply_ehlo_parse(ctypes.byref(st), ctypes.byref(out))
    if rc != OK:
        _raise_status(lib, rc, "%d reply" % reply.code)
    keywords = []
    pos = ctypes.c_size_t(0)
    kw = EhloKeywordStruct()
    while lib.smtpreply_ehlo_next(ctypes.byref(st), ctypes.byref(pos), ctypes.byref(kw)):
        ext = _bit_names(kw.extension, lib.smtpreply_extension_name)
        keywords.append(EhloKeyword(text_at(kw.keyword, kw.keyword_len),
                                    text_at(kw.params, kw.params_len),
                                    ext[0] if ext else None))
    return Ehlo(text_at(out.server_name, out.server_name_len),
                text_at(out.greeting, out.greeting_len),
                _bit_names(out.extensions, lib.smtpreply_extension_name),
                _bit_names(out.auth, lib.smtpreply_auth_mech_name),
                out.size_max, out.limits_rcptmax, out.limits_mailmax,
                out.limits_rcptdomainmax, out.deliverby_min, keywords)


# ---------------------------------------------------------------------------
# The catalog.

def _info_dict(st, fields: Sequence[str]) -> Dict[str, object]:
    out: Dict[str, object] = {}
    for name in fields:
        out[name] = _s(getattr(st, name))
    out["match"] = MATCHES[st.match] if 0 <= st.match < len(MATCHES) else str(st.match)
    return out


def explain(code: Union[int, str, bytes], lang: Optional[str] = "en") -> Dict[str, object]:
    """The documented strings of a basic code (550, "550") or an enhanced one ("5.1.1").

    lang is "en" or "vi"; a string not translated yet is served in English and the
    result's "locale" says so. Returns a dict with "kind" ("basic" or "enhanced"),
    "code", "match" ("exact" or "class": an unknown code gets its class's entry)
    and the strings. Raises InvalidArgumentError for what is no code and
    UnknownCodeError for a code without even a class entry (both ValueErrors).
    """
    lib = load()
    lang_b = lang.encode("ascii") if lang else None
    if isinstance(code, bytes):
        code = code.decode("ascii", "replace")
    if isinstance(code, int) or (isinstance(code, str) and code.strip().isdigit()):
        st = CodeInfoStruct()
        rc = lib.smtpreply_explain_code(int(code), lang_b, ctypes.byref(st))
        if rc != OK:
            _raise_status(lib, rc, str(code))
        out = _info_dict(st, ("locale", "title", "description", "when", "fix",
                              "reference", "severity_title"))
        out.update(kind="basic", code=st.code,
                   severity=_s(lib.smtpreply_severity_name(st.severity)),
                   category=_s(lib.smtpreply_category_name(st.category)))
        return out
    try:
        enh = _enhanced_struct(lib, code.strip())
    except (InvalidArgumentError, AttributeError):
        raise InvalidArgumentError("%r is neither a basic nor an enhanced status code"
                                   % (code,))
    st = EnhancedInfoStruct()
    rc = lib.smtpreply_explain_enhanced(ctypes.byref(enh), lang_b, ctypes.byref(st))
    if rc != OK:
        _raise_status(lib, rc, str(code))
    out = _info_dict(st, ("locale", "class_title", "class_description",
                          "subject_title", "subject_description", "title",
                          "description", "action", "reference", "basic_codes"))
    out.update(kind="enhanced",
               code="%d.%d.%d" % (st.code.klass, st.code.subject, st.code.detail))
    return out


def describe_reason(reason: Union[str, int], lang: Optional[str] = "en") -> str:
    """A sentence for a reason name or number ("mailbox-full" or 7), localised."""
    lib = load()
    if isinstance(reason, str):
        for i in range(64):
            if _s(lib.smtpreply_reason_name(i)) == reason and reason != "unknown":
                reason = i
                break
        else:
            raise InvalidArgumentError("unknown reason %r" % reason)
    return _s(lib.smtpreply_reason_describe(reason, lang.encode("ascii") if lang else None))


_CATEGORY_NUMBERS = {"syntax": 0, "information": 1, "connections": 2, "unspecified": 3,
                     "mail-system": 5}


def describe_category(category: Union[str, int],
                      lang: Optional[str] = "en") -> "tuple[str, str]":
    """(title, description) of a category ("mail-system", or its digit), localised.

    Raises InvalidArgumentError for a name that is no category and
    UnknownCodeError for a digit without an entry (4 shares 3's, "unspecified").
    """
    lib = load()
    if isinstance(category, str):
        if category not in _CATEGORY_NUMBERS:
            raise InvalidArgumentError("unknown category %r" % category)
        category = _CATEGORY_NUMBERS[category]
    title = ctypes.c_char_p()
    desc = ctypes.c_char_p()
    rc = lib.smtpreply_category_describe(int(category), lang.encode("ascii") if lang else None,
                                         ctypes.byref(title), ctypes.byref(desc))
    if rc != OK:
        _raise_status(lib, rc, "category %r" % (category,))
    return _s(title.value), _s(desc.value)


def catalog_codes() -> List[int]:
    """Every basic code the catalog documents, in its order."""
    lib = load()
    out = []
    while True:
        code = lib.smtpreply_catalog_code_at(len(out))
        if code == 0:
            return out
        out.append(code)


def catalog_enhanced_codes() -> List["tuple[int, int]"]:
    """(subject, detail) of every enhanced detail code the catalog documents
    (the class is any of 2, 4, 5: explain("5.%d.%d" % pair))."""
    lib = load()
    out = []
    enh = EnhancedStruct()
    while lib.smtpreply_catalog_enhanced_at(len(out), ctypes.byref(enh)):
        out.append((enh.subject, enh.detail))
    return out


def command_expects(command: Command, code: int) -> Optional[str]:
    """Is `code` a documented reply to `command` (RFC 5321 4.3.2 and extensions)?
    "success", "intermediate" or "error" when it is, None when not."""
    lib = load()
    got = lib.smtpreply_command_expects(_command_number(lib, command), int(code))
    return {ord("S"): "success", ord("I"): "intermediate", ord("E"): "error"}.get(got)
