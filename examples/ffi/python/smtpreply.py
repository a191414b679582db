# SPDX-License-Identifier: MIT
"""Python binding for libsmtpreply, with ctypes and the standard library only.

    import smtpreply
    parser = smtpreply.Parser()
    for item in parser.feed(b"250 2.1.0 Ok\\r\\n550 5.1.1 No such user\\r\\n"):
        if isinstance(item, smtpreply.ParseError):
            print("error", item.name, item.offset)
        else:
            print(item.code, item.enhanced, item.verdict("RCPT").reason)
    print(smtpreply.explain("5.1.1")["title"])

The parser state is opaque: the binding allocates smtpreply_parser_size() bytes
and never looks inside. The reply, verdict, error and catalog structs are public,
fixed-width and mirrored here field by field (tests/ffi checks the mirror against
the C compiler's layout).

Where the library is looked for, in order:
  1. the SMTPREPLY_LIB environment variable (a path to the shared object);
  2. meson build folders of the source tree this file sits in
     (build/, build-*/ or any folder holding meson-private/);
  3. ctypes.util.find_library("smtpreply") (the system's search path);
  4. the usual installed prefixes (/usr/local, /usr, /opt/smtpreply).
"""

import ctypes
import ctypes.util
import glob
import os

__all__ = [
    "Parser", "Reply", "Verdict", "ParseError", "explain", "version", "load",
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

STRICT_ALL = 0x3F

# enum smtpreply_reply_flags, in bit order; printed names are the constant's
# suffix in lower case with '-' for '_' (SMTPREPLY_FLAG_BARE_LF -> "bare-lf"),
# the names smtp-parse prints.
REPLY_FLAGS = (
    "BARE_LF", "SECOND_DIGIT", "LINE_OVER_512", "NUL", "8BIT", "LONE_CR",
    "TRUNCATED", "ENHANCED_MISMATCH", "ENHANCED_INVALID", "DAMAGED",
    "CODE_ONLY",
)
# enum smtpreply_verdict_flags, in bit order.
VERDICT_FLAGS = ("UNEXPECTED", "CLASS_DISAGREES", "TREAT_AS_TEMPORARY", "PROVIDER_TEXT")
# enum smtpreply_encoding.
ENCODINGS = ("ascii", "utf8", "other")
# enum smtpreply_match.
MATCHES = ("exact", "class")


# Where the printed name is not simply derived from the constant (as smtp-parse
# prints it).
_FLAG_NAME_EXCEPTIONS = {"UNEXPECTED": "unexpected-for-command"}


def _flag_names(bits, table):
    names = []
    for i, const in enumerate(table):
        if bits & (1 << i):
            names.append(_FLAG_NAME_EXCEPTIONS.get(const) or const.lower().replace("_", "-"))
    unknown = bits & ~((1 << len(table)) - 1)
    if unknown:
        names.append("0x%x" % unknown)
    return names


# ---------------------------------------------------------------------------
# Mirrors of the public structs of include/smtpreply.h, field by field.

class Enhanced(ctypes.Structure):
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
        ("enhanced", Enhanced),
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
        ("code", Enhanced),
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


# ---------------------------------------------------------------------------
# Finding and loading the library.

_HERE = os.path.dirname(os.path.abspath(__file__))
_SOURCE_ROOT = os.path.normpath(os.path.join(_HERE, "..", "..", ".."))


def _build_dir_candidates():
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
        if "san" in name or "fuzz" in name:
            continue  # sanitizer builds need their runtime preloaded
        path = os.path.join(d, "lib", SONAME)
        if os.path.isfile(path):
            found.append(path)
    found.sort(key=os.path.getmtime, reverse=True)
    return found


def _prefix_candidates():
    out = []
    for prefix in ("/usr/local", "/usr", "/opt/smtpreply"):
        for libdir in ("lib", "lib64", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"):
            out.append(os.path.join(prefix, libdir, SONAME))
    return out


def library_candidates():
    """Every path (or name) load() will try, in order."""
    env = os.environ.get("SMTPREPLY_LIB")
    if env:
        return [env]
    out = _build_dir_candidates()
    name = ctypes.util.find_library("smtpreply")
    if name:
        out.append(name)
    out.extend(p for p in _prefix_candidates() if os.path.isfile(p))
    return out


# Functions of a later minor version than ABI_MIN_MINOR; the binding works
# without them (Parser falls back to smtpreply_parser_feed()).
OPTIONAL = frozenset(["smtpreply_parser_feed_many"])     # since 0.2


def _declare(lib):
    """Give every function its C signature; ctypes would otherwise pass ints."""
    P = ctypes.POINTER
    c_char_p, c_int, c_size_t, c_void_p = (ctypes.c_char_p, ctypes.c_int,
                                           ctypes.c_size_t, ctypes.c_void_p)
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
        "smtpreply_enhanced_parse": (c_size_t, [c_char_p, c_size_t, P(Enhanced)]),
        "smtpreply_classify": (c_int, [P(ReplyStruct), c_int, P(VerdictStruct)]),
        "smtpreply_severity_name": (c_char_p, [c_int]),
        "smtpreply_category_name": (c_char_p, [c_int]),
        "smtpreply_reason_name": (c_char_p, [c_int]),
        "smtpreply_bounce_name": (c_char_p, [c_int]),
        "smtpreply_retry_name": (c_char_p, [c_int]),
        "smtpreply_evidence_name": (c_char_p, [c_int]),
        "smtpreply_command_name": (c_char_p, [c_int]),
        "smtpreply_command_parse": (c_int, [c_char_p, c_size_t]),
        "smtpreply_explain_code": (c_int, [ctypes.c_uint, c_char_p, P(CodeInfoStruct)]),
        "smtpreply_explain_enhanced": (c_int, [P(Enhanced), c_char_p,
                                               P(EnhancedInfoStruct)]),
        "smtpreply_reason_describe": (c_char_p, [c_int, c_char_p]),
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


def _check_version(lib, path):
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
LIBRARY_PATH = None


def load(path=None):
    """Load (once) and return the library; `path` overrides the search."""
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


def version():
    """The version string of the loaded library, e.g. '0.1.0'."""
    return load().smtpreply_version().decode("ascii")


def _s(b):
    return b.decode("utf-8", "replace") if b is not None else None


# ---------------------------------------------------------------------------
# Python-side objects.

class ParseError(Exception):
    """A parse error: the parser skipped the line in error and goes on after it.

    Attributes: status (negative int), name ("code-mismatch"), message, offset (the
    stream offset of the line in error), position (where it was detected), line
    (1-based stream line number).
    """

    def __init__(self, status, name, message, offset, position, line):
        super().__init__("%s at offset %d (line %d): %s" % (name, offset, line, message))
        self.status = status
        self.name = name
        self.message = message
        self.offset = offset
        self.position = position
        self.line = line

    def as_dict(self):
        return {"offset": self.offset, "error": self.name, "line": self.line,
                "message": self.message}


class Verdict(object):
    """The classifier's verdict, with every field as the tools print it."""

    __slots__ = ("severity", "category", "reason", "bounce", "retry", "evidence",
                 "command", "flags", "rule")

    def __init__(self, lib, v):
        self.severity = _s(lib.smtpreply_severity_name(v.severity))
        self.category = _s(lib.smtpreply_category_name(v.category))
        self.reason = _s(lib.smtpreply_reason_name(v.reason))
        self.bounce = _s(lib.smtpreply_bounce_name(v.bounce))
        self.retry = _s(lib.smtpreply_retry_name(v.retry))
        self.evidence = _s(lib.smtpreply_evidence_name(v.evidence))
        self.command = _s(lib.smtpreply_command_name(v.command))
        self.flags = _flag_names(v.flags, VERDICT_FLAGS)
        self.rule = _s(v.rule)

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def __repr__(self):
        return "Verdict(%s)" % ", ".join("%s=%r" % kv for kv in self.as_dict().items())


def _command_number(lib, command):
    if command is None:
        return 0  # SMTPREPLY_CMD_UNKNOWN
    if isinstance(command, int):
        return command
    raw = command.encode("ascii") if isinstance(command, str) else bytes(command)
    return lib.smtpreply_command_parse(raw, len(raw))


class Reply(object):
    """One complete reply. It owns a copy of its text, so it outlives the parser call.

    code (int), enhanced ("5.1.1" or None), raw_lines (list of bytes), lines (list of
    str, decoded as UTF-8 with U+FFFD for bad bytes), text (bytes, lines joined by
    LF), flags (list of names), encoding ("ascii", "utf8", "other"), offset and
    length (stream bytes), line_count, first_line.
    """

    def __init__(self, lib, st):
        self._lib = lib
        text = ctypes.string_at(st.text, st.text_len) if st.text_len else b""
        # A private copy of the struct whose text points at our own bytes, so
        # verdict() can hand the library a valid reply at any later time.
        self._buf = ctypes.create_string_buffer(text, len(text) + 1)
        self._st = ReplyStruct.from_buffer_copy(st)
        self._st.text = ctypes.cast(self._buf, ctypes.c_void_p)
        self.code = st.code
        self.enhanced = st.enhanced_text.decode("ascii") or None
        self.text = text
        self.raw_lines = self._iter_lines()
        self.lines = [b.decode("utf-8", "replace") for b in self.raw_lines]
        self.flags = _flag_names(st.flags, REPLY_FLAGS)
        self.encoding = ENCODINGS[st.encoding] if st.encoding < len(ENCODINGS) else "?"
        self.offset = st.offset
        self.length = st.length
        self.line_count = st.line_count
        self.first_line = st.first_line

    def _iter_lines(self):
        out = []
        pos = ctypes.c_size_t(0)
        ptr = ctypes.c_void_p()
        n = ctypes.c_size_t(0)
        while self._lib.smtpreply_reply_line(ctypes.byref(self._st), ctypes.byref(pos),
                                             ctypes.byref(ptr), ctypes.byref(n)):
            out.append(ctypes.string_at(ptr.value, n.value) if n.value else b"")
        return out

    def verdict(self, command=None):
        """Classify this reply; `command` is what it answers ("RCPT", "MAIL FROM", 5)."""
        v = VerdictStruct()
        rc = self._lib.smtpreply_classify(ctypes.byref(self._st),
                                          _command_number(self._lib, command),
                                          ctypes.byref(v))
        if rc != OK:
            raise ValueError(_s(self._lib.smtpreply_strerror(rc)))
        return Verdict(self._lib, v)

    def as_dict(self):
        return {"offset": self.offset, "code": self.code, "enhanced": self.enhanced,
                "lines": self.lines, "flags": self.flags}

    def __repr__(self):
        return "Reply(code=%d, enhanced=%r, lines=%r, flags=%r)" % (
            self.code, self.enhanced, self.lines, self.flags)


class Parser(object):
    """A streaming reply parser.

    Parser(strict=False, smtputf8=False, max_line_length=0, max_lines=0,
           text_capacity=65536, chunk=None, errors="yield", batch=32)

    strict: False, True (every deviation is an error) or a mask of STRICT_* bits.
    chunk: feed the library at most this many bytes per call (to exercise splits).
    errors: "yield" gives ParseError objects among the replies; "raise" raises
            them, keeping the unparsed rest for the next feed() call.
    batch: replies the library may return from one call. Above 1 (and without
           chunk) smtpreply_parser_feed_many() is used, which takes runs of
           well-formed pipelined replies in one call; 1 calls
           smtpreply_parser_feed() once per reply. The replies are the same.
    """

    def __init__(self, strict=False, smtputf8=False, max_line_length=0, max_lines=0,
                 text_capacity=65536, chunk=None, errors="yield", lib=None, batch=32):
        if errors not in ("yield", "raise"):
            raise ValueError("errors must be 'yield' or 'raise'")
        if chunk is not None and chunk < 1:
            raise ValueError("chunk must be at least 1")
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self._lib = lib or load()
        self._chunk = chunk
        self._errors = errors
        self._pending = b""
        # Replies a batch returned that the caller has not taken yet (it stopped
        # iterating): the library has already moved past them.
        self._ready = []
        self._batch = None
        if batch > 1 and chunk is None and hasattr(self._lib, "smtpreply_parser_feed_many"):
            self._batch = (ReplyStruct * batch)()
        size = self._lib.smtpreply_parser_size()
        # ctypes buffers are allocated with malloc: aligned to at least 8.
        self._state = ctypes.create_string_buffer(size)
        self._text = ctypes.create_string_buffer(max(int(text_capacity), 1))
        opt = Options()
        self._lib.smtpreply_options_default(ctypes.byref(opt))
        opt.strict = STRICT_ALL if strict is True else int(strict or 0)
        opt.smtputf8 = 1 if smtputf8 else 0
        opt.max_line_length = max_line_length
        opt.max_lines = max_lines
        rc = self._lib.smtpreply_parser_init_ex(self._state, self._text,
                                                len(self._text), ctypes.byref(opt))
        if rc != OK:
            raise ValueError(_s(self._lib.smtpreply_strerror(rc)))

    def _error(self, status):
        e = ErrorStruct()
        self._lib.smtpreply_parser_error(self._state, ctypes.byref(e))
        return ParseError(status, _s(e.name), _s(e.message), e.offset, e.position, e.line)

    def feed(self, data):
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

    def parse(self, data):
        """feed() into a list."""
        return list(self.feed(data))

    def finish(self):
        """The stream has ended. Returns what the kept bytes still held (errors="raise"
        may leave some), plus a ParseError when the stream ended inside a reply."""
        mode, self._errors = self._errors, "yield"
        try:
            items = self.parse(b"") if self._pending or self._ready else []
        finally:
            self._errors = mode
        rc = self._lib.smtpreply_parser_finish(self._state, None)
        if rc < 0:
            items.append(self._error(rc))
        return items

    def reset(self):
        """Forget any partial reply; start a new stream."""
        self._pending = b""
        self._ready = []
        self._lib.smtpreply_parser_reset(self._state)


# ---------------------------------------------------------------------------
# The catalog.

def _info_dict(lib, st, fields):
    out = {}
    for name in fields:
        out[name] = _s(getattr(st, name))
    out["match"] = MATCHES[st.match] if 0 <= st.match < len(MATCHES) else str(st.match)
    return out


def explain(code, lang="en"):
    """The documented strings of a basic code (550, "550") or an enhanced one ("5.1.1").

    Returns a dict; raises ValueError for something that is neither, or for a code
    the catalog has no entry for (not even a class fallback).
    """
    lib = load()
    lang_b = lang.encode("ascii") if lang else None
    if isinstance(code, int) or (isinstance(code, str) and code.strip().isdigit()):
        st = CodeInfoStruct()
        rc = lib.smtpreply_explain_code(int(code), lang_b, ctypes.byref(st))
        if rc != OK:
            raise ValueError("%s: %s" % (code, _s(lib.smtpreply_strerror(rc))))
        out = _info_dict(lib, st, ("locale", "title", "description", "when", "fix",
                                   "reference", "severity_title"))
        out.update(kind="basic", code=st.code,
                   severity=_s(lib.smtpreply_severity_name(st.severity)),
                   category=_s(lib.smtpreply_category_name(st.category)))
        return out
    raw = code.strip().encode("ascii") if isinstance(code, str) else bytes(code)
    enh = Enhanced()
    if lib.smtpreply_enhanced_parse(raw, len(raw), ctypes.byref(enh)) != len(raw) or not raw:
        raise ValueError("%r is neither a basic nor an enhanced status code" % (code,))
    st = EnhancedInfoStruct()
    rc = lib.smtpreply_explain_enhanced(ctypes.byref(enh), lang_b, ctypes.byref(st))
    if rc != OK:
        raise ValueError("%s: %s" % (code, _s(lib.smtpreply_strerror(rc))))
    out = _info_dict(lib, st, ("locale", "class_title", "class_description",
                               "subject_title", "subject_description", "title",
                               "description", "action", "reference", "basic_codes"))
    out.update(kind="enhanced",
               code="%d.%d.%d" % (st.code.klass, st.code.subject, st.code.detail))
    return out


def describe_reason(reason, lang="en"):
    """A sentence for a reason name or number ("mailbox-full" or 7)."""
    lib = load()
    if isinstance(reason, str):
        for i in range(64):
            if _s(lib.smtpreply_reason_name(i)) == reason:
                reason = i
                break
        else:
            raise ValueError("unknown reason %r" % reason)
    return _s(lib.smtpreply_reason_describe(reason, lang.encode("ascii") if lang else None))
