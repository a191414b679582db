/* SPDX-License-Identifier: MIT */
/**
 * @file smtpreply.h
 * @brief The only public header of libsmtpreply: parse SMTP replies, classify them,
 *        explain them.
 *
 * @mainpage smtpreply
 *
 * smtpreply turns the raw bytes an SMTP (or LMTP) server sends into structured
 * replies, and tells a program what each reply means.
 *
 * - @ref parser "The parser" is a zero-allocation streaming state machine. Feed it
 *   bytes in chunks of any size; it stops after each complete reply and says exactly
 *   how many bytes it used, so pipelined replies come out one at a time.
 * - @ref classify "The classifier" gives a reply's severity, category, reason (user
 *   unknown, mailbox full, blocked, ...), bounce class and retry advice.
 * - @ref catalog "The catalog" holds the documented strings for every standard basic
 *   and enhanced code, in English and Vietnamese.
 * - @ref ehlo "The EHLO parser" reads a server's capabilities from its EHLO reply.
 *
 * The @ref guide "user guide" walks through linking, the parse loop, memory and
 * lifetimes, classification, EHLO, and what is tolerated and what is an error.
 *
 * @section loop The parse loop
 * @code
 * struct smtpreply_parser p;
 * struct smtpreply_reply reply;
 * char text[4096];                        // reply text lives here; caller-owned
 * smtpreply_parser_init(&p, text, sizeof text);
 * while ((n = read(fd, buf, sizeof buf)) > 0) {
 *     size_t off = 0, used;
 *     while (off < (size_t)n) {
 *         int rc = smtpreply_parser_feed(&p, buf + off, n - off, &used, &reply);
 *         off += used;
 *         if (rc == SMTPREPLY_REPLY) {
 *             struct smtpreply_verdict v;
 *             smtpreply_classify(&reply, SMTPREPLY_CMD_RCPT, &v);
 *             printf("%u %s %s\n", reply.code, reply.enhanced_text,
 *                    smtpreply_reason_name(v.reason));
 *         } else if (rc < 0) {
 *             struct smtpreply_error e;
 *             smtpreply_parser_error(&p, &e);   // name, message, offset, line
 *         }                                    // NEED_MORE: read more bytes
 *     }
 * }
 * @endcode
 *
 * @section memory Memory and threads
 * The library never allocates and keeps no global state. The caller owns the parser
 * state (stack, heap, or a foreign allocator: see smtpreply_parser_size()) and the
 * buffer that receives reply text. Every string returned by a lookup function is in
 * static storage and must not be freed. Distinct parsers may be used from distinct
 * threads at the same time; one parser must not be used by two threads at once.
 *
 * @section classify_example Classifying and explaining
 * @code
 * struct smtpreply_verdict v;
 * smtpreply_classify(&reply, SMTPREPLY_CMD_RCPT, &v);
 * if (v.retry == SMTPREPLY_RETRY_NEVER)
 *     suppress_address(rcpt);
 * struct smtpreply_code_info info;
 * smtpreply_explain_code(reply.code, "vi", &info);   // falls back to English
 * puts(info.fix);
 * @endcode
 */
#ifndef SMTPREPLY_H
#define SMTPREPLY_H

#include <stddef.h>
#include <stdint.h>

/*
 * meson writes the project's version into smtpreply_version.h, installed next
 * to this header; programs include this header only.
 */
#include "smtpreply_version.h"

/** @cond INTERNAL */
#if defined(_WIN32) && defined(SMTPREPLY_BUILD)
#  define SMTPREPLY_API __declspec(dllexport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define SMTPREPLY_API __attribute__((visibility("default")))
#else
#  define SMTPREPLY_API
#endif
/** @endcond */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup version Version
 * @brief Compile-time and run-time version of the library.
 * @{
 */
/*
 * The version macros (SMTPREPLY_VERSION_MAJOR, _MINOR, _PATCH, _STRING and
 * _NUMBER) are in smtpreply_version.h, included above.
 */

/**
 * @brief The version of the library actually loaded, e.g. "0.3.0".
 * @return Static storage; do not free. Bindings compare it with what they expect.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_version(void);
/** @} */

/**
 * @defgroup status Status codes and errors
 * @brief Every function returns an int: negative is an error, zero or positive progress.
 * @{
 */
/** Status values returned by the library. Signatures use int, never this enum. @since 0.1 */
enum smtpreply_status {
    SMTPREPLY_NEED_MORE = 0,              /**< All input used; the reply is not complete yet. */
    SMTPREPLY_REPLY = 1,                  /**< A complete reply was written to the out-parameter. */
    SMTPREPLY_OK = 0,                     /**< Success of a call that is not a feed (same value as NEED_MORE). */
    SMTPREPLY_E_INVALID_ARG = -1,         /**< A NULL pointer or an out-of-range argument. */
    SMTPREPLY_E_BAD_CODE = -2,            /**< The line does not start with three digits. */
    SMTPREPLY_E_BAD_FIRST_DIGIT = -3,     /**< The code's first digit is outside 2-5. */
    SMTPREPLY_E_BAD_SEPARATOR = -4,       /**< After the code: not '-', SP or the line end. */
    SMTPREPLY_E_EMPTY_LINE = -5,          /**< A line with no code at all. */
    SMTPREPLY_E_CODE_MISMATCH = -6,       /**< A continuation line's code differs from the first line's. */
    SMTPREPLY_E_LINE_TOO_LONG = -7,       /**< A line is longer than the configured limit. */
    SMTPREPLY_E_TOO_MANY_LINES = -8,      /**< A reply has more lines than the configured limit. */
    SMTPREPLY_E_BARE_LF = -9,             /**< Strict mode: a line ended in LF without CR. */
    SMTPREPLY_E_BAD_SECOND_DIGIT = -10,   /**< Strict mode: the code's second digit is above 5. */
    SMTPREPLY_E_LINE_OVER_512 = -11,      /**< Strict mode: a line exceeds RFC 5321's 512 octets. */
    SMTPREPLY_E_NUL = -12,                /**< Strict mode: a NUL byte in the text. */
    SMTPREPLY_E_8BIT = -13,               /**< Strict mode: a byte above 127 (not valid UTF-8 under SMTPUTF8). */
    SMTPREPLY_E_LONE_CR = -14,            /**< Strict mode: a CR not followed by LF. */
    SMTPREPLY_E_INCOMPLETE = -15,         /**< smtpreply_parser_finish(): the stream ended inside a reply. */
    SMTPREPLY_E_UNKNOWN_CODE = -16,       /**< A lookup found no entry, not even a class fallback. */
    SMTPREPLY_E_NOT_EHLO = -17            /**< smtpreply_ehlo_parse(): the reply is not a 250. */
};

/**
 * @brief The short kebab-case name of a status, e.g. "code-mismatch".
 * @param status Any int.
 * @return Static storage; do not free. "unknown" for a value that is no status.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_status_name(int status);

/**
 * @brief One English sentence that explains a status.
 * @param status Any int.
 * @return Static storage; do not free. Never NULL.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_strerror(int status);

/** A parse error: what went wrong and where. @since 0.1 */
struct smtpreply_error {
    int32_t status;        /**< The negative SMTPREPLY_E_* value, or 0 when there was no error. */
    uint32_t line;         /**< 1-based number of the line in error, counted over the whole stream. */
    uint64_t offset;       /**< Stream offset of the first byte of the line in error. */
    uint64_t position;     /**< Stream offset of the byte at which the error was detected. */
    const char *name;      /**< smtpreply_status_name() of @ref status; static storage. */
    const char *message;   /**< smtpreply_strerror() of @ref status; static storage. */
};
/** @} */

/**
 * @defgroup parser Parser
 * @brief The zero-allocation streaming reply parser (RFC 5321 section 4.2).
 *
 * A line is three digits, then '-' (more lines follow), SP (last line, text follows)
 * or the line end (last line, no text). CRLF ends a line; a bare LF is accepted and
 * flagged. After an error the line in error is skipped up to its end and parsing
 * goes on; a reply in progress stays open, except when the error is a
 * code mismatch: then the reply in progress is dropped and the mismatching line
 * starts the next reply, so a "220-" banner followed by a "521" block still yields
 * the 521. A code mismatch is decided only for a line whose separator is valid: a
 * line such as "251x" inside a 250 reply is skipped as a bad separator, whatever
 * its code, and the reply stays open.
 *
 * Text is cut at a limit (the text buffer full, a line over its length limit)
 * between characters: when the byte after the cut continues a UTF-8 character
 * whose first bytes were stored, those bytes are taken out of the stored text
 * too. The reply's encoding describes the stored text only.
 * @{
 */

/** Size in bytes of struct smtpreply_parser; changes only with the soname. @since 0.1 */
#define SMTPREPLY_PARSER_SIZE 256
/** Default line length limit, in octets including the code and the line end. @since 0.1 */
#define SMTPREPLY_DEFAULT_MAX_LINE 16384
/** Default limit on the number of lines in one reply. @since 0.1 */
#define SMTPREPLY_DEFAULT_MAX_LINES 1024

/**
 * @brief Parser state. Only its size is API: never touch the members.
 *
 * Put it anywhere (stack, inside another struct, foreign memory of
 * smtpreply_parser_size() bytes aligned to 8). It holds no pointer into itself, so it
 * may be moved between calls.
 * @since 0.1
 */
struct smtpreply_parser {
    /** @cond INTERNAL */
    union {
        uint64_t align_;
        unsigned char bytes_[SMTPREPLY_PARSER_SIZE];
    } priv_;
    /** @endcond */
};

/** Deviations the parser tolerates by default; each bit in smtpreply_options::strict makes one an error. @since 0.1 */
enum smtpreply_strict_flags {
    SMTPREPLY_STRICT_BARE_LF = 1u << 0,       /**< LF without CR ends a line: SMTPREPLY_E_BARE_LF. */
    SMTPREPLY_STRICT_SECOND_DIGIT = 1u << 1,  /**< Second digit 6-9: SMTPREPLY_E_BAD_SECOND_DIGIT. */
    SMTPREPLY_STRICT_LINE_512 = 1u << 2,      /**< Line over 512 octets: SMTPREPLY_E_LINE_OVER_512. */
    SMTPREPLY_STRICT_NUL = 1u << 3,           /**< NUL in the text: SMTPREPLY_E_NUL. */
    SMTPREPLY_STRICT_8BIT = 1u << 4,          /**< Byte above 127: SMTPREPLY_E_8BIT (unless SMTPUTF8 and valid). */
    SMTPREPLY_STRICT_LONE_CR = 1u << 5,       /**< CR not followed by LF: SMTPREPLY_E_LONE_CR. */
    SMTPREPLY_STRICT_ALL = 0x3Fu              /**< Every deviation above is an error. */
};

/** Parser options. Start from smtpreply_options_default(). @since 0.1 */
struct smtpreply_options {
    uint32_t strict;           /**< Bits of enum smtpreply_strict_flags; 0 tolerates all (the default). */
    uint32_t smtputf8;         /**< Non-zero: SMTPUTF8 is in use, so valid UTF-8 is not a strict-mode error. */
    uint32_t max_line_length;  /**< Octets per line, code and line end included; 0 means the default. */
    uint32_t max_lines;        /**< Lines per reply; 0 means the default. */
};

/** Flags a reply carries: deviations tolerated and facts worth knowing. @since 0.1 */
enum smtpreply_reply_flags {
    SMTPREPLY_FLAG_BARE_LF = 1u << 0,            /**< A line ended in LF without CR. */
    SMTPREPLY_FLAG_SECOND_DIGIT = 1u << 1,       /**< The code's second digit is above 5. */
    SMTPREPLY_FLAG_LINE_OVER_512 = 1u << 2,      /**< A line is longer than RFC 5321's 512 octets. */
    SMTPREPLY_FLAG_NUL = 1u << 3,                /**< The text holds a NUL byte (kept; text is pointer plus length). */
    SMTPREPLY_FLAG_8BIT = 1u << 4,               /**< The text on the wire holds bytes above 127 (stored or not; see smtpreply_reply::encoding for the stored text). */
    SMTPREPLY_FLAG_LONE_CR = 1u << 5,            /**< The text holds a CR not followed by LF (kept). */
    SMTPREPLY_FLAG_TRUNCATED = 1u << 6,          /**< The text did not fit the caller's buffer; what fit is kept, cut between characters (a UTF-8 character whose last bytes did not fit is left out whole). */
    SMTPREPLY_FLAG_ENHANCED_MISMATCH = 1u << 7,  /**< Lines carry different enhanced codes (or only some carry one). */
    SMTPREPLY_FLAG_ENHANCED_INVALID = 1u << 8,   /**< A line starts with a d.d.d form that is not a valid enhanced code here (kept in the text). */
    SMTPREPLY_FLAG_DAMAGED = 1u << 9,            /**< An error was reported inside this reply: a line was skipped or its text cut. */
    SMTPREPLY_FLAG_CODE_ONLY = 1u << 10          /**< The last line had no separator and no text ("250\r\n"). */
};

/**
 * @brief Name of one reply flag as the tools print it ("bare-lf", "code-only").
 * @param flag One enum smtpreply_reply_flags bit.
 * @return Static storage; "unknown" for anything else.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_flag_name(uint32_t flag);

/** Verdict on the bytes of a reply's stored text (smtpreply_reply::text). @since 0.1 */
enum smtpreply_encoding {
    SMTPREPLY_TEXT_ASCII = 0,  /**< Only bytes 0-127. */
    SMTPREPLY_TEXT_UTF8 = 1,   /**< Bytes above 127, all forming valid UTF-8 (no overlongs, surrogates). */
    SMTPREPLY_TEXT_OTHER = 2   /**< Bytes above 127 that are not valid UTF-8 (e.g. GBK, Latin-1). */
};

/** An RFC 3463 enhanced status code, class.subject.detail. @since 0.1 */
struct smtpreply_enhanced {
    uint16_t klass;    /**< 2, 4 or 5; 0 when the reply has no enhanced code. */
    uint16_t subject;  /**< 0-999. */
    uint16_t detail;   /**< 0-999. */
    uint16_t pad_;     /**< Always 0; keeps the size fixed. */
};

/**
 * @brief One complete reply, as filled by smtpreply_parser_feed().
 *
 * The text lives in the buffer the caller gave to smtpreply_parser_init(); it stays
 * valid until the next call of smtpreply_parser_feed(), smtpreply_parser_feed_many(),
 * smtpreply_parser_finish() or smtpreply_parser_reset() on the same parser, or until
 * the caller reuses the buffer.
 * @since 0.1
 */
struct smtpreply_reply {
    uint16_t code;                       /**< The three-digit reply code, 200-599. */
    uint16_t pad_;                       /**< Always 0. */
    uint32_t flags;                      /**< Bits of enum smtpreply_reply_flags. */
    struct smtpreply_enhanced enhanced;  /**< The first line's enhanced code; klass 0 when none. */
    char enhanced_text[12];              /**< @ref enhanced as a NUL-terminated string ("5.7.26"), "" when none. */
    uint32_t encoding;                   /**< enum smtpreply_encoding of the stored text, @ref text and @ref text_len exactly: bytes not stored (a truncated reply, a cut or skipped line) do not count. A cut never ends the stored text inside a character that the next byte would have continued, so a valid UTF-8 reply cut at a limit stays SMTPREPLY_TEXT_UTF8 (or SMTPREPLY_TEXT_ASCII). */
    uint32_t line_count;                 /**< Lines in the reply on the wire (always at least 1). */
    uint32_t lines_stored;               /**< Lines present in @ref text; fewer than line_count when the text was truncated, and 0 with a zero-capacity buffer. */
    uint32_t first_line;                 /**< 1-based stream line number of the reply's first line. */
    const char *text;                    /**< Every line's text joined by LF, without codes, enhanced codes or line ends; NUL-terminated when the buffer has room. Borrowed from the caller's buffer; never NULL. */
    size_t text_len;                     /**< Bytes at @ref text, without the terminating NUL. */
    uint64_t offset;                     /**< Stream offset of the reply's first byte. */
    uint64_t length;                     /**< Bytes the reply took on the wire, line ends included. */
};

/**
 * @brief Bytes a foreign caller must allocate for one parser (aligned to 8).
 * @return SMTPREPLY_PARSER_SIZE.
 * @since 0.1
 */
SMTPREPLY_API size_t smtpreply_parser_size(void);

/**
 * @brief Fill @p opt with the defaults: everything tolerated, default limits.
 * @param opt Caller-owned; written completely. NULL is ignored.
 * @since 0.1
 */
SMTPREPLY_API void smtpreply_options_default(struct smtpreply_options *opt);

/**
 * @brief Initialise a parser with the default options.
 * @param p     Caller-owned memory of at least smtpreply_parser_size() bytes; not retained
 *              beyond the parser's own use of it.
 * @param text  Caller-owned buffer that receives reply text; must outlive every use of
 *              @p p; never freed by the library. The parser may write anywhere in its
 *              first @p cap bytes (it copies in fixed-size blocks), so bytes past a
 *              reply's text and its NUL hold no meaning. NULL allowed only with @p cap
 *              0 (text is then always reported truncated).
 * @param cap   Bytes at @p text; one of them is kept for a terminating NUL.
 * @return SMTPREPLY_OK, or SMTPREPLY_E_INVALID_ARG.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_parser_init(struct smtpreply_parser *p, char *text, size_t cap);

/**
 * @brief Initialise a parser with explicit options.
 * @param p     As for smtpreply_parser_init().
 * @param text  As for smtpreply_parser_init().
 * @param cap   As for smtpreply_parser_init().
 * @param opt   Options, read during this call only; NULL means the defaults.
 * @return SMTPREPLY_OK, or SMTPREPLY_E_INVALID_ARG (NULL @p p, NULL @p text with
 *         non-zero @p cap, a line limit below 5 octets).
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_parser_init_ex(struct smtpreply_parser *p, char *text, size_t cap,
                                           const struct smtpreply_options *opt);

/**
 * @brief Feed received bytes; return as soon as one reply is complete or an error found.
 * @param p        Parser from smtpreply_parser_init(). Caller-owned; not retained.
 * @param data     Received bytes, borrowed for this call only. NULL allowed if @p len is 0.
 * @param len      Number of bytes at @p data.
 * @param[out] consumed  Always set, also on error: the bytes used. Bytes after it belong
 *                 to the next call; it is less than @p len only when a reply or an error
 *                 is returned.
 * @param[out] reply  Written on every path (zeroed when no reply); filled on
 *                 SMTPREPLY_REPLY. Its text lives in the caller's buffer; see
 *                 struct smtpreply_reply for how long. May be NULL to ignore replies.
 * @return SMTPREPLY_NEED_MORE, SMTPREPLY_REPLY, or a negative SMTPREPLY_E_* code (details
 *         from smtpreply_parser_error()); after an error, call again with the rest.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_parser_feed(struct smtpreply_parser *p, const char *data, size_t len,
                                        size_t *consumed, struct smtpreply_reply *reply);

/**
 * @brief Feed received bytes; return every complete reply they hold, up to @p max.
 *
 * The same replies as smtpreply_parser_feed() called again after each reply, from
 * one call: for a read buffer holding many pipelined replies, or a log. The first
 * reply is parsed exactly as smtpreply_parser_feed() parses it. Further replies are
 * taken only while each one is complete in @p data and in the parser's common form:
 * every line a valid code with a second digit of 0-5, an enhanced code or none,
 * printable ASCII text ending in CRLF within 256 bytes and the limits, at least 80
 * bytes of @p data from its start (more for a line over 64 bytes), and room for
 * its text in the rest of the text buffer. The call stops before the first reply
 * it does not take that way, so that reply, and any error in it, comes from the
 * next call. A loop that calls again with the rest of the data sees every reply
 * and every error, as with smtpreply_parser_feed(); the replies are the same in
 * every field but the text's address.
 *
 * @code
 * struct smtpreply_reply r[32]; size_t used, n, i;
 * while (len > 0) {
 *     int rc = smtpreply_parser_feed_many(&p, data, len, &used, r, 32, &n);
 *     data += used; len -= used;
 *     for (i = 0; i < n; i++) handle(&r[i]);
 *     if (rc == SMTPREPLY_NEED_MORE) break;
 *     if (rc < 0) handle_error(&p);
 * }
 * @endcode
 * @param p        Parser from smtpreply_parser_init(). Caller-owned; not retained.
 * @param data     Received bytes, borrowed for this call only. NULL allowed if @p len is 0.
 * @param len      Number of bytes at @p data.
 * @param[out] consumed  Always set, also on error: the bytes used, up to the end of
 *                 the last reply returned (or as smtpreply_parser_feed() sets it when
 *                 none is).
 * @param[out] replies  Array of @p max replies, caller-owned. replies[0] is written on
 *                 every path (zeroed when no reply); replies[1] to replies[*count - 1]
 *                 are filled, the rest untouched. Reply i's text follows reply
 *                 i - 1's NUL in the caller's text buffer; all of them stay valid until
 *                 the next call on the same parser (see struct smtpreply_reply).
 * @param max      Entries in @p replies; at least 1.
 * @param[out] count  Always set: the replies filled, 0 unless SMTPREPLY_REPLY is returned.
 * @return SMTPREPLY_REPLY with *count at least 1; otherwise what smtpreply_parser_feed()
 *         returns, with *count 0. SMTPREPLY_E_INVALID_ARG also for NULL @p replies or
 *         @p count, or @p max 0.
 * @since 0.2
 */
SMTPREPLY_API int smtpreply_parser_feed_many(struct smtpreply_parser *p, const char *data,
                                             size_t len, size_t *consumed,
                                             struct smtpreply_reply *replies, size_t max,
                                             size_t *count);

/**
 * @brief Tell the parser the stream has ended (the server closed the connection).
 * @param p  Parser. Caller-owned; not retained.
 * @param[out] reply  Zeroed; reserved for future use. May be NULL.
 * @return SMTPREPLY_OK when the stream ended between replies, SMTPREPLY_E_INCOMPLETE
 *         when it ended inside one (the partial reply is dropped). The parser is reset
 *         for a new stream either way (stream offsets start again at 0).
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_parser_finish(struct smtpreply_parser *p, struct smtpreply_reply *reply);

/**
 * @brief Forget any partial reply and start a new stream; options and buffer are kept.
 * @param p Parser. NULL is ignored.
 * @since 0.1
 */
SMTPREPLY_API void smtpreply_parser_reset(struct smtpreply_parser *p);

/**
 * @brief Details of the most recent error returned by this parser.
 * @param p  Parser. Caller-owned; not retained.
 * @param[out] err  Written completely; status 0 when no error happened since init or reset.
 * @return SMTPREPLY_OK, or SMTPREPLY_E_INVALID_ARG for NULL arguments.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_parser_error(const struct smtpreply_parser *p, struct smtpreply_error *err);

/**
 * @brief Iterate over the lines of a reply's text without copying.
 *
 * @code
 * size_t pos = 0; const char *t; size_t n;
 * while (smtpreply_reply_line(&reply, &pos, &t, &n)) fwrite(t, 1, n, stdout);
 * @endcode
 * @param r    The reply; its text must still be valid.
 * @param pos  In/out cursor: 0 before the first call; opaque afterwards.
 * @param[out] text  Start of the line, pointing into @p r's text; not NUL-terminated.
 * @param[out] len   Bytes of the line.
 * @return 1 when a line was produced, 0 at the end (or on NULL arguments).
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_reply_line(const struct smtpreply_reply *r, size_t *pos,
                                       const char **text, size_t *len);

/**
 * @brief Parse an RFC 3463 enhanced code at the start of @p s.
 * @param s    Bytes, borrowed for this call.
 * @param len  Bytes at @p s.
 * @param[out] out  Written on every path (klass 0 on failure).
 * @return Bytes the code took (5 to 9; a following SP or end is required but not counted),
 *         or 0 when @p s does not start with a valid enhanced code.
 * @since 0.1
 */
SMTPREPLY_API size_t smtpreply_enhanced_parse(const char *s, size_t len, struct smtpreply_enhanced *out);
/** @} */

/**
 * @defgroup classify Classification
 * @brief Severity, category, reason, bounce class, retry advice and confidence for a reply.
 *
 * The evidence decides in this order: a provider's identifier in the text, a
 * specific phrase, a specific enhanced detail, the command, and last a generic
 * phrase, the basic code or the first digit. docs/classification.md (in the source
 * tree) explains every rule a verdict's smtpreply_verdict::rule can name and how
 * conflicts are settled. The classifier allocates nothing and reads the text of a
 * 4xx or 5xx reply once; a 2xx or 3xx is decided by its class without reading it.
 * @{
 */

/** Severity, from the first digit (RFC 5321 section 4.2.1). @since 0.1 */
enum smtpreply_severity {
    SMTPREPLY_SEV_UNKNOWN = 0,                /**< Not a valid code. */
    SMTPREPLY_SEV_POSITIVE_COMPLETION = 2,    /**< 2yz: "positive-completion". */
    SMTPREPLY_SEV_POSITIVE_INTERMEDIATE = 3,  /**< 3yz: "positive-intermediate". */
    SMTPREPLY_SEV_TRANSIENT_NEGATIVE = 4,     /**< 4yz: "transient-negative". */
    SMTPREPLY_SEV_PERMANENT_NEGATIVE = 5      /**< 5yz: "permanent-negative". */
};

/** Category, from the second digit (RFC 5321 section 4.2.1). @since 0.1 */
enum smtpreply_category {
    SMTPREPLY_CAT_SYNTAX = 0,        /**< x0z: "syntax". */
    SMTPREPLY_CAT_INFORMATION = 1,   /**< x1z: "information". */
    SMTPREPLY_CAT_CONNECTIONS = 2,   /**< x2z: "connections". */
    SMTPREPLY_CAT_UNSPECIFIED = 3,   /**< x3z and x4z: "unspecified". */
    SMTPREPLY_CAT_MAIL_SYSTEM = 5,   /**< x5z: "mail-system". */
    SMTPREPLY_CAT_UNKNOWN = 9        /**< Second digit 6-9 or no valid code: "unknown". */
};

/** The reason behind a reply. Values are stable; new ones are appended. @since 0.1 */
enum smtpreply_reason {
    SMTPREPLY_REASON_NONE = 0,                  /**< "none": 2xx or 3xx. */
    SMTPREPLY_REASON_RECIPIENT_UNKNOWN = 1,     /**< "recipient-unknown": the mailbox does not exist. */
    SMTPREPLY_REASON_RECIPIENT_ADDRESS_INVALID = 2, /**< "recipient-address-invalid": bad address syntax. */
    SMTPREPLY_REASON_DOMAIN_UNKNOWN = 3,        /**< "domain-unknown": the domain does not exist or cannot be routed. */
    SMTPREPLY_REASON_DOMAIN_NO_MAIL = 4,        /**< "domain-no-mail": the domain accepts no mail (null MX, 521, 556). */
    SMTPREPLY_REASON_MAILBOX_MOVED = 5,         /**< "mailbox-moved": the mailbox has moved or changed owner. */
    SMTPREPLY_REASON_MAILBOX_DISABLED = 6,      /**< "mailbox-disabled": suspended or inactive account. */
    SMTPREPLY_REASON_MAILBOX_FULL = 7,          /**< "mailbox-full": over quota. */
    SMTPREPLY_REASON_MESSAGE_TOO_LARGE = 8,     /**< "message-too-large". */
    SMTPREPLY_REASON_TOO_MANY_RECIPIENTS = 9,   /**< "too-many-recipients". */
    SMTPREPLY_REASON_SENDER_REJECTED = 10,      /**< "sender-rejected": MAIL FROM refused. */
    SMTPREPLY_REASON_RELAY_DENIED = 11,         /**< "relay-denied". */
    SMTPREPLY_REASON_SENDER_AUTH_FAILED = 12,   /**< "sender-auth-failed": SPF, DKIM, DMARC or ARC. */
    SMTPREPLY_REASON_REVERSE_DNS = 13,          /**< "reverse-dns": missing or mismatched PTR. */
    SMTPREPLY_REASON_CLIENT_BLOCKED = 14,       /**< "client-blocked": IP or host refused, blocklists. */
    SMTPREPLY_REASON_REPUTATION = 15,           /**< "reputation": sender IP or domain reputation. */
    SMTPREPLY_REASON_RATE_LIMITED = 16,         /**< "rate-limited": too fast, too many connections. */
    SMTPREPLY_REASON_GREYLISTED = 17,           /**< "greylisted". */
    SMTPREPLY_REASON_SPAM_CONTENT = 18,         /**< "spam-content". */
    SMTPREPLY_REASON_VIRUS_OR_ATTACHMENT = 19,  /**< "virus-or-attachment". */
    SMTPREPLY_REASON_POLICY_REJECTED = 20,      /**< "policy-rejected": local policy. */
    SMTPREPLY_REASON_CONTENT_FORMAT = 21,       /**< "content-format": headers, MIME, encoding. */
    SMTPREPLY_REASON_CLIENT_AUTH_FAILED = 22,   /**< "client-auth-failed": SMTP AUTH failed. */
    SMTPREPLY_REASON_TLS_REQUIRED = 23,         /**< "tls-required". */
    SMTPREPLY_REASON_PROTOCOL_ERROR = 24,       /**< "protocol-error": syntax, sequence, unsupported command. */
    SMTPREPLY_REASON_SERVER_TEMPORARY = 25,     /**< "server-temporary": the server has a temporary problem. */
    SMTPREPLY_REASON_SERVER_MISCONFIGURED = 26, /**< "server-misconfigured": loops, bad config. */
    SMTPREPLY_REASON_NETWORK_ERROR = 27,        /**< "network-error": DNS, connection, routing. */
    SMTPREPLY_REASON_EXPIRED = 28,              /**< "expired": delivery time ran out. */
    SMTPREPLY_REASON_LOCAL_DELIVERY_ERROR = 29, /**< "local-delivery-error": pipe, procmail, mailer failed. */
    SMTPREPLY_REASON_UNCLASSIFIED = 30,         /**< "unclassified": nothing more specific applies. */
    SMTPREPLY_REASON_RECIPIENT_FILTERED = 31    /**< "recipient-filtered": the address exists, but the recipient's own filter or settings refuse this sender (@since 0.3). */
};
/** Number of reasons (one more than the largest value); 31 before 0.3. @since 0.1 */
#define SMTPREPLY_REASON_COUNT 32

/** Bounce class. @since 0.1 */
enum smtpreply_bounce {
    SMTPREPLY_BOUNCE_NONE = 0,   /**< "none": not a failure. */
    SMTPREPLY_BOUNCE_SOFT = 1,   /**< "soft": may succeed later. */
    SMTPREPLY_BOUNCE_HARD = 2,   /**< "hard": the address itself is bad. */
    SMTPREPLY_BOUNCE_BLOCK = 3   /**< "block": refused for a reason other than the address. */
};

/** Retry advice. @since 0.1 */
enum smtpreply_retry {
    SMTPREPLY_RETRY_NOT_NEEDED = 0,  /**< "not-needed": 2xx or 3xx. */
    SMTPREPLY_RETRY_RETRY = 1,       /**< "retry": later, with backoff. */
    SMTPREPLY_RETRY_AFTER_FIX = 2,   /**< "retry-after-fix": resending unchanged will fail. */
    SMTPREPLY_RETRY_NEVER = 3        /**< "never": the address is bad; suppress it. */
};

/** The evidence that decided a verdict, strongest first. @since 0.1 */
enum smtpreply_evidence {
    SMTPREPLY_EVIDENCE_NONE = 0,      /**< "none": nothing to go on (no code, no text). */
    SMTPREPLY_EVIDENCE_ENHANCED = 1,  /**< "enhanced": a specific enhanced detail code. */
    SMTPREPLY_EVIDENCE_COMMAND = 2,   /**< "command": the command the reply answers. */
    SMTPREPLY_EVIDENCE_TEXT = 3,      /**< "text": a phrase in the reply text. */
    SMTPREPLY_EVIDENCE_CODE = 4,      /**< "code": the basic reply code. */
    SMTPREPLY_EVIDENCE_CLASS = 5,     /**< "class": only the first digit. */
    SMTPREPLY_EVIDENCE_PROVIDER = 6   /**< "provider": a provider's identifier in the text (Gmail's ?p= anchor, Microsoft's RESOLVER code, Yahoo's [TSS04], ...) or its own enhanced code (@since 0.3). */
};

/** The SMTP command a reply answers. @since 0.1 */
enum smtpreply_command {
    SMTPREPLY_CMD_UNKNOWN = 0,   /**< Not known or not given. */
    SMTPREPLY_CMD_CONNECT = 1,   /**< The greeting after connecting. */
    SMTPREPLY_CMD_EHLO = 2,      /**< EHLO. */
    SMTPREPLY_CMD_HELO = 3,      /**< HELO (and LHLO for LMTP). */
    SMTPREPLY_CMD_MAIL = 4,      /**< MAIL FROM. */
    SMTPREPLY_CMD_RCPT = 5,      /**< RCPT TO. */
    SMTPREPLY_CMD_DATA = 6,      /**< DATA itself (354 expected). */
    SMTPREPLY_CMD_DATA_END = 7,  /**< The end of the message data, CRLF.CRLF. */
    SMTPREPLY_CMD_BDAT = 8,      /**< BDAT (CHUNKING). */
    SMTPREPLY_CMD_AUTH = 9,      /**< AUTH. */
    SMTPREPLY_CMD_STARTTLS = 10, /**< STARTTLS. */
    SMTPREPLY_CMD_VRFY = 11,     /**< VRFY. */
    SMTPREPLY_CMD_EXPN = 12,     /**< EXPN. */
    SMTPREPLY_CMD_RSET = 13,     /**< RSET. */
    SMTPREPLY_CMD_NOOP = 14,     /**< NOOP. */
    SMTPREPLY_CMD_QUIT = 15,     /**< QUIT. */
    SMTPREPLY_CMD_HELP = 16,     /**< HELP. */
    SMTPREPLY_CMD_ETRN = 17,     /**< ETRN. */
    SMTPREPLY_CMD_ATRN = 18      /**< ATRN (On-Demand Mail Relay). */
};
/** Number of commands (one more than the largest value). @since 0.1 */
#define SMTPREPLY_CMD_COUNT 19

/** Facts attached to a verdict. @since 0.1 */
enum smtpreply_verdict_flags {
    SMTPREPLY_VERDICT_UNEXPECTED = 1u << 0,         /**< The code is not a documented reply to the command given. */
    SMTPREPLY_VERDICT_CLASS_DISAGREES = 1u << 1,    /**< The enhanced class differs from the first digit. */
    SMTPREPLY_VERDICT_TREAT_AS_TEMPORARY = 1u << 2, /**< A 5xx to treat as temporary (552 too many recipients, RFC 5321 4.5.3.1.10). */
    SMTPREPLY_VERDICT_PROVIDER_TEXT = 1u << 3,      /**< A provider's identifier or one of its own phrases decided (see smtpreply_verdict::rule). */
    SMTPREPLY_VERDICT_LOW_CONFIDENCE = 1u << 4      /**< Only fallback evidence decided (the command, a generic phrase, the code, the class), or the evidence casts doubt; see smtpreply_verdict_confidence() (@since 0.3). */
};

/**
 * How far a verdict can be acted on. A host program may suppress
 * an address on SMTPREPLY_BOUNCE_HARD with SMTPREPLY_CONFIDENCE_HIGH; a hard bounce
 * with low confidence says "probably".
 * @since 0.3
 */
enum smtpreply_confidence {
    SMTPREPLY_CONFIDENCE_LOW = 0,  /**< "low": only a fallback decided (the command, a generic phrase, the basic code, the first digit), or the evidence disagrees with itself. */
    SMTPREPLY_CONFIDENCE_HIGH = 1  /**< "high": specific evidence decided (a provider identifier, a specific phrase, an enhanced detail the text does not contradict), or the reply is a 2xx/3xx. */
};

/**
 * @brief Name of one verdict flag ("unexpected-for-command").
 * @param flag One enum smtpreply_verdict_flags bit.
 * @return Static storage; "unknown" for anything else.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_verdict_flag_name(uint32_t flag);

/** The classifier's verdict on one reply. Every field is always written. @since 0.1 */
struct smtpreply_verdict {
    int32_t severity;   /**< enum smtpreply_severity. */
    int32_t category;   /**< enum smtpreply_category. */
    int32_t reason;     /**< enum smtpreply_reason. */
    int32_t bounce;     /**< enum smtpreply_bounce. */
    int32_t retry;      /**< enum smtpreply_retry. */
    int32_t evidence;   /**< enum smtpreply_evidence. */
    int32_t command;    /**< enum smtpreply_command, as given to the classifier. */
    uint32_t flags;     /**< Bits of enum smtpreply_verdict_flags. */
    const char *rule;   /**< What decided, for people: a rule of docs/classification.md, e.g. `phrase: "user unknown"` or `enhanced 5.1.1`; static storage, never NULL. */
};

/**
 * @brief The confidence of a verdict: SMTPREPLY_CONFIDENCE_LOW when its flags carry
 *        SMTPREPLY_VERDICT_LOW_CONFIDENCE, else SMTPREPLY_CONFIDENCE_HIGH.
 *
 * The verdict struct keeps its size and layout; the confidence travels in its flags.
 * @param v  A verdict written by smtpreply_classify() or smtpreply_classify_parts();
 *           read during this call only. NULL gives SMTPREPLY_CONFIDENCE_LOW.
 * @return enum smtpreply_confidence.
 * @since 0.3
 */
SMTPREPLY_API int smtpreply_verdict_confidence(const struct smtpreply_verdict *v);

/**
 * @brief Name of a confidence as the tools print it ("high", "low").
 * @param confidence enum smtpreply_confidence value.
 * @return Static storage; "unknown" for other values.
 * @since 0.3
 */
SMTPREPLY_API const char *smtpreply_confidence_name(int confidence);

/**
 * @brief Classify a parsed reply.
 * @param r        The reply; read during this call only.
 * @param command  enum smtpreply_command the reply answers; SMTPREPLY_CMD_UNKNOWN if not known.
 * @param[out] v   Written completely.
 * @return SMTPREPLY_OK, or SMTPREPLY_E_INVALID_ARG for NULL pointers.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_classify(const struct smtpreply_reply *r, int command,
                                     struct smtpreply_verdict *v);

/**
 * @brief Classify from parts: a code, an optional enhanced code and text, as found in logs.
 * @param code     Basic reply code, or 0 when the event had no SMTP reply (then the text
 *                 decides, e.g. a DNS or connection failure from a log line).
 * @param enhanced Enhanced code, or NULL; borrowed for this call.
 * @param text     Text to match phrases in (any bytes), or NULL; borrowed for this call.
 * @param len      Bytes at @p text.
 * @param command  enum smtpreply_command, or SMTPREPLY_CMD_UNKNOWN.
 * @param[out] v   Written completely.
 * @return SMTPREPLY_OK, or SMTPREPLY_E_INVALID_ARG.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_classify_parts(unsigned code, const struct smtpreply_enhanced *enhanced,
                                           const char *text, size_t len, int command,
                                           struct smtpreply_verdict *v);

/**
 * @brief Severity of a code from its first digit.
 * @param code Any number.
 * @return enum smtpreply_severity; SMTPREPLY_SEV_UNKNOWN outside 200-599.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_severity_of(unsigned code);

/**
 * @brief Category of a code from its second digit.
 * @param code Any number.
 * @return enum smtpreply_category; SMTPREPLY_CAT_UNKNOWN when not 200-599 or digit above 5.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_category_of(unsigned code);

/**
 * @brief Name of a severity as the tools print it ("permanent-negative").
 * @param severity enum smtpreply_severity value.
 * @return Static storage; "unknown" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_severity_name(int severity);
/**
 * @brief Name of a category ("mail-system").
 * @param category enum smtpreply_category value.
 * @return Static storage; "unknown" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_category_name(int category);
/**
 * @brief Name of a reason ("recipient-unknown").
 * @param reason enum smtpreply_reason value.
 * @return Static storage; "unknown" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_reason_name(int reason);
/**
 * @brief Name of a bounce class ("hard").
 * @param bounce enum smtpreply_bounce value.
 * @return Static storage; "unknown" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_bounce_name(int bounce);
/**
 * @brief Name of a retry advice ("retry-after-fix").
 * @param retry enum smtpreply_retry value.
 * @return Static storage; "unknown" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_retry_name(int retry);
/**
 * @brief Name of an evidence kind ("enhanced").
 * @param evidence enum smtpreply_evidence value.
 * @return Static storage; "unknown" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_evidence_name(int evidence);
/**
 * @brief Name of a command ("RCPT", "DATA_END").
 * @param command enum smtpreply_command value.
 * @return Static storage; "UNKNOWN" for other values.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_command_name(int command);

/**
 * @brief Parse a command name: "RCPT", "rcpt to", "MAIL FROM:<a@b>", "DATA_END", "LHLO", ...
 * @param s    Bytes, borrowed for this call; NULL allowed with @p len 0.
 * @param len  Bytes at @p s.
 * @return enum smtpreply_command; SMTPREPLY_CMD_UNKNOWN when not recognised.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_command_parse(const char *s, size_t len);

/**
 * @brief Is @p code a documented reply to @p command (RFC 5321 4.3.2 and extensions)?
 * @param command enum smtpreply_command.
 * @param code    Basic reply code.
 * @return 'S' (success), 'I' (intermediate) or 'E' (error) when documented, 0 when not
 *         (including for SMTPREPLY_CMD_UNKNOWN).
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_command_expects(int command, unsigned code);
/** @} */

/**
 * @defgroup catalog Catalog
 * @brief Documented strings for every standard code, per locale ("en", "vi", ...).
 *
 * A locale is chosen per call by a language tag ("vi", "vi-VN", "vi_VN.UTF-8").
 * English is the source text; every other locale is a translation compiled in
 * at build time from the project's gettext PO files (one per locale, listed by
 * smtpreply_locale_at()). An unknown locale, or a string the locale has not
 * translated yet, is served in English string by string, and the result names
 * the locale that served its main string.
 * @{
 */

/** How well a catalog lookup matched. @since 0.1 */
enum smtpreply_match {
    SMTPREPLY_MATCH_EXACT = 0,  /**< The code has its own entry. */
    SMTPREPLY_MATCH_CLASS = 1   /**< Unknown code: the entry is its class's (e.g. 5xx, X.7.X). */
};

/** The documented strings of a basic reply code. All strings are static storage, never NULL. @since 0.1 */
struct smtpreply_code_info {
    uint16_t code;            /**< The code asked for. */
    uint16_t pad_;            /**< Always 0. */
    int32_t match;            /**< enum smtpreply_match. */
    int32_t severity;         /**< enum smtpreply_severity. */
    int32_t category;         /**< enum smtpreply_category. */
    const char *locale;       /**< The locale that served the title ("en", "vi", ...); other strings the locale lacks are English. */
    const char *title;        /**< Short title ("Authentication failed"). */
    const char *description;  /**< What the code means. */
    const char *when;         /**< When you see this code. */
    const char *fix;          /**< What to do about it. */
    const char *reference;    /**< Where it is defined ("RFC 4954 s.6"); "" for class fallbacks. */
    const char *severity_title; /**< The severity in words ("Permanent Negative Completion"), localised. */
};

/** The documented strings of an enhanced status code. All strings are static storage, never NULL. @since 0.1 */
struct smtpreply_enhanced_info {
    struct smtpreply_enhanced code;  /**< The code asked for. */
    int32_t match;                   /**< enum smtpreply_match of the detail. */
    const char *locale;              /**< The locale that served the detail's title ("en", "vi", ...); other strings the locale lacks are English. */
    const char *class_title;         /**< The class ("Permanent Failure"). */
    const char *class_description;   /**< What the class means. */
    const char *subject_title;       /**< The subject ("Security or Policy Status"). */
    const char *subject_description; /**< What the subject covers. */
    const char *title;               /**< The detail ("Multiple authentication checks failed"); the subject's when unknown. */
    const char *description;         /**< What the detail means. */
    const char *action;              /**< What to do. */
    const char *reference;           /**< Where it is defined ("RFC 7372"). */
    const char *basic_codes;         /**< Basic codes the registry associates, e.g. "550"; "" when none. */
};

/**
 * @brief Look up a basic reply code.
 * @param code  Any number; unknown codes in 200-599 fall back to their class.
 * @param lang  A language tag ("en", "vi", "vi_VN.UTF-8", ...; see smtpreply_locale_match()),
 *              or NULL for English; borrowed for this call.
 * @param[out] out  Written completely.
 * @return SMTPREPLY_OK; SMTPREPLY_E_UNKNOWN_CODE outside 200-599 (out then holds empty
 *         strings); SMTPREPLY_E_INVALID_ARG for NULL @p out.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_explain_code(unsigned code, const char *lang,
                                         struct smtpreply_code_info *out);

/**
 * @brief Look up an enhanced status code.
 * @param code  The code; borrowed for this call. Unknown details fall back to the subject and class.
 * @param lang  A language tag as for smtpreply_explain_code(), or NULL for English.
 * @param[out] out  Written completely.
 * @return SMTPREPLY_OK; SMTPREPLY_E_UNKNOWN_CODE when the class is not 2, 4 or 5;
 *         SMTPREPLY_E_INVALID_ARG for NULL pointers.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_explain_enhanced(const struct smtpreply_enhanced *code, const char *lang,
                                             struct smtpreply_enhanced_info *out);

/**
 * @brief A sentence that explains a reason, localised.
 * @param reason  enum smtpreply_reason.
 * @param lang    A language tag as for smtpreply_explain_code(), or NULL for English.
 * @return Static storage; never NULL.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_reason_describe(int reason, const char *lang);

/**
 * @brief The title and description of a category (second digit), localised.
 * @param category  enum smtpreply_category (SMTPREPLY_CAT_UNKNOWN has no entry).
 * @param lang      A language tag as for smtpreply_explain_code(), or NULL for English;
 *                  borrowed for this call.
 * @param[out] title        Set to static storage ("" when unknown); may be NULL.
 * @param[out] description  Set to static storage ("" when unknown); may be NULL.
 * @return SMTPREPLY_OK, or SMTPREPLY_E_UNKNOWN_CODE for a value without an entry.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_category_describe(int category, const char *lang, const char **title,
                                              const char **description);

/**
 * @brief Enumerate the catalog's basic codes, for documentation and tests.
 * @param index  0, 1, 2, ...
 * @return The code at @p index, or 0 past the end.
 * @since 0.1
 */
SMTPREPLY_API unsigned smtpreply_catalog_code_at(size_t index);

/**
 * @brief Enumerate the catalog's enhanced detail codes (class 0 stands for "X").
 * @param index  0, 1, 2, ...
 * @param[out] out  Subject and detail of the entry at @p index; klass is 0.
 * @return 1 when written, 0 past the end or for NULL @p out.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_catalog_enhanced_at(size_t index, struct smtpreply_enhanced *out);

/**
 * @brief The catalog locale a language tag selects.
 *
 * The tag's codeset and modifier are ignored ("vi_VN.UTF-8@x" is "vi_VN"), '-' and
 * '_' are the same and letters compare without case. The whole tag is tried
 * first ("pt_BR"), then its language alone ("vi" of "vi-VN").
 * @param lang  A language tag, or a POSIX locale name such as the value of LANG;
 *              borrowed for this call. NULL is allowed.
 * @return The locale's name ("en", "vi", ...; static storage, do not free), or NULL
 *         when no locale matches (NULL, "", "C", "POSIX", a language without a
 *         translation). The lookup functions serve English for such a tag.
 * @since 0.3
 */
SMTPREPLY_API const char *smtpreply_locale_match(const char *lang);

/**
 * @brief Enumerate the catalog's locales: "en" first, then every translation.
 * @param index  0, 1, 2, ...
 * @return The locale's name (static storage; do not free), or NULL past the end.
 * @since 0.3
 */
SMTPREPLY_API const char *smtpreply_locale_at(size_t index);
/** @} */

/**
 * @defgroup ehlo EHLO capabilities
 * @brief Read a server's extensions from its parsed EHLO reply, without allocating.
 *
 * Keywords are matched case-insensitively (RFC 5321 4.1.1.1). Pointers in the results
 * point into the reply's text and live as long as it does.
 * @{
 */

/** Known extensions, one bit each in smtpreply_ehlo::extensions. @since 0.1 */
enum smtpreply_extension {
    SMTPREPLY_EXT_PIPELINING = 1u << 0,          /**< RFC 2920. */
    SMTPREPLY_EXT_SIZE = 1u << 1,                /**< RFC 1870. */
    SMTPREPLY_EXT_8BITMIME = 1u << 2,            /**< RFC 6152. */
    SMTPREPLY_EXT_BINARYMIME = 1u << 3,          /**< RFC 3030. */
    SMTPREPLY_EXT_CHUNKING = 1u << 4,            /**< RFC 3030. */
    SMTPREPLY_EXT_STARTTLS = 1u << 5,            /**< RFC 3207. */
    SMTPREPLY_EXT_SMTPUTF8 = 1u << 6,            /**< RFC 6531. */
    SMTPREPLY_EXT_DSN = 1u << 7,                 /**< RFC 3461. */
    SMTPREPLY_EXT_ENHANCEDSTATUSCODES = 1u << 8, /**< RFC 2034. */
    SMTPREPLY_EXT_ETRN = 1u << 9,                /**< RFC 1985. */
    SMTPREPLY_EXT_DELIVERBY = 1u << 10,          /**< RFC 2852. */
    SMTPREPLY_EXT_REQUIRETLS = 1u << 11,         /**< RFC 8689. */
    SMTPREPLY_EXT_MT_PRIORITY = 1u << 12,        /**< RFC 6710. */
    SMTPREPLY_EXT_FUTURERELEASE = 1u << 13,      /**< RFC 4865. */
    SMTPREPLY_EXT_LIMITS = 1u << 14,             /**< RFC 9422. */
    SMTPREPLY_EXT_AUTH = 1u << 15,               /**< RFC 4954 (also the legacy "AUTH=" form). */
    SMTPREPLY_EXT_VRFY = 1u << 16,               /**< VRFY offered. */
    SMTPREPLY_EXT_HELP = 1u << 17,               /**< HELP offered. */
    SMTPREPLY_EXT_AUTH_LEGACY = 1u << 18         /**< The server also sent the old "AUTH=" line. */
};

/** SASL mechanisms, one bit each in smtpreply_ehlo::auth. @since 0.1 */
enum smtpreply_auth_mech {
    SMTPREPLY_AUTH_PLAIN = 1u << 0,          /**< PLAIN. */
    SMTPREPLY_AUTH_LOGIN = 1u << 1,          /**< LOGIN. */
    SMTPREPLY_AUTH_CRAM_MD5 = 1u << 2,       /**< CRAM-MD5. */
    SMTPREPLY_AUTH_DIGEST_MD5 = 1u << 3,     /**< DIGEST-MD5. */
    SMTPREPLY_AUTH_XOAUTH2 = 1u << 4,        /**< XOAUTH2. */
    SMTPREPLY_AUTH_OAUTHBEARER = 1u << 5,    /**< OAUTHBEARER. */
    SMTPREPLY_AUTH_GSSAPI = 1u << 6,         /**< GSSAPI. */
    SMTPREPLY_AUTH_NTLM = 1u << 7,           /**< NTLM. */
    SMTPREPLY_AUTH_SCRAM_SHA_1 = 1u << 8,    /**< SCRAM-SHA-1. */
    SMTPREPLY_AUTH_SCRAM_SHA_256 = 1u << 9,  /**< SCRAM-SHA-256. */
    SMTPREPLY_AUTH_EXTERNAL = 1u << 10,      /**< EXTERNAL. */
    SMTPREPLY_AUTH_ANONYMOUS = 1u << 11,     /**< ANONYMOUS. */
    SMTPREPLY_AUTH_OTHER = 1u << 30          /**< Some mechanism not listed above. */
};

/** What an EHLO reply says about the server. @since 0.1 */
struct smtpreply_ehlo {
    const char *server_name;   /**< First word of the first line; points into the reply text. */
    size_t server_name_len;    /**< Bytes of @ref server_name. */
    const char *greeting;      /**< The rest of the first line after the name (may be empty); into the reply text. */
    size_t greeting_len;       /**< Bytes of @ref greeting. */
    uint32_t extensions;       /**< Bits of enum smtpreply_extension. */
    uint32_t auth;             /**< Bits of enum smtpreply_auth_mech. */
    uint64_t size_max;         /**< SIZE's value; 0 when absent or no limit given. */
    uint32_t limits_rcptmax;       /**< LIMITS RCPTMAX, 0 when absent. */
    uint32_t limits_mailmax;       /**< LIMITS MAILMAX, 0 when absent. */
    uint32_t limits_rcptdomainmax; /**< LIMITS RCPTDOMAINMAX, 0 when absent. */
    uint32_t keyword_count;        /**< Capability lines after the first. */
    uint64_t deliverby_min;        /**< DELIVERBY's minimum seconds, 0 when absent. */
};

/** One capability line of an EHLO reply, as produced by smtpreply_ehlo_next(). @since 0.1 */
struct smtpreply_ehlo_keyword {
    const char *keyword;   /**< The keyword as sent (any case); into the reply text. */
    size_t keyword_len;    /**< Bytes of @ref keyword. */
    const char *params;    /**< Parameters after the keyword and its separator (SP or '='), may be empty; into the reply text. */
    size_t params_len;     /**< Bytes of @ref params. */
    uint32_t extension;    /**< The enum smtpreply_extension bit it names, or 0 when unknown. */
    uint32_t pad_;         /**< Always 0. */
};

/**
 * @brief Read the capabilities of an EHLO reply.
 * @param r  A parsed reply (its text must still be valid).
 * @param[out] out  Written on every path; pointers point into @p r's text.
 * @return SMTPREPLY_OK; SMTPREPLY_E_NOT_EHLO when the code is not 250;
 *         SMTPREPLY_E_INVALID_ARG for NULL pointers.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_ehlo_parse(const struct smtpreply_reply *r, struct smtpreply_ehlo *out);

/**
 * @brief Iterate over every capability line after the first, unknown ones included.
 * @param r    A parsed EHLO reply.
 * @param pos  In/out cursor; 0 before the first call.
 * @param[out] kw  Written on every path.
 * @return 1 when a keyword was produced, 0 at the end.
 * @since 0.1
 */
SMTPREPLY_API int smtpreply_ehlo_next(const struct smtpreply_reply *r, size_t *pos,
                                      struct smtpreply_ehlo_keyword *kw);

/**
 * @brief Name of an extension bit ("PIPELINING").
 * @param extension One enum smtpreply_extension bit.
 * @return Static storage; "unknown" for anything else.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_extension_name(uint32_t extension);

/**
 * @brief Name of an AUTH mechanism bit ("CRAM-MD5").
 * @param mech One enum smtpreply_auth_mech bit.
 * @return Static storage; "unknown" for anything else.
 * @since 0.1
 */
SMTPREPLY_API const char *smtpreply_auth_mech_name(uint32_t mech);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SMTPREPLY_H */
