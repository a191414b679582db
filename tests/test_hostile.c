/* SPDX-License-Identifier: MIT */
/*
 * Hostile input: what a broken or malicious server can send. Every row appends a
 * valid "250 ok\r\n" to its input and says exactly what the parser must report,
 * in the BRIEF log format of tests/helpers.h, including that final reply (alone,
 * or joined to a reply the hostile bytes left open). Every row also runs at chunk
 * sizes 1..16 with the FULL log (offsets, lengths, error positions) equal to the
 * whole-input one, and the last reply must end exactly at the end of the stream.
 *
 * Generated rows (every byte value in every position of a line, codes 000-999,
 * long lines, long replies, long runs of errors) compute their expectation from
 * the rule each of them tests; none of them only checks that nothing crashed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define OK_LINE "250 ok\r\n"
#define OK_LEN 8

struct hostile_case {
    const char *name;
    const char *input;
    size_t len;               /* 0: strlen(input); set for inputs with NUL bytes */
    struct feed_opts opts;
    const char *want;         /* BRIEF log of input + OK_LINE */
};

#define OKR "\n250 - 'ok'"

static const struct hostile_case hostile_cases[] = {
    /* --- NUL bytes ------------------------------------------------------------- */
    { "NUL line", "\0\r\n", 3, DEF, "!bad-code@1:0" OKR },
    { "NUL as second digit", "2\0" "0 x\r\n", 7, DEF, "!bad-code@1:0" OKR },
    { "NUL as separator", "250\0x\r\n", 7, DEF, "!bad-separator@1:0" OKR },
    { "NUL first in text", "250 \0x\r\n", 8, DEF, "250 - '\\x00x' +nul" OKR },
    { "NUL before CRLF", "250 x\0\r\n", 8, DEF, "250 - 'x\\x00' +nul" OKR },
    { "NUL inside enhanced code", "550 5.\0.1 x\r\n", 13, DEF, "550 - '5.\\x00.1 x' +nul" OKR },
    { "NUL run", "500 \0\0\0\0\0\0\0\0\r\n", 14, DEF,
      "500 - '\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00' +nul" OKR },
    { "NUL between CR and LF", "250 a\r\0\n", 8, DEF, "250 - 'a\\x0d\\x00' +bare_lf +nul +lone_cr" OKR },
    { "strict NUL cuts the line", "250-a\0b\r\n250 c\r\n", 16, STRICT(SA),
      "!nul-byte@1:0\n250 - 'a|c' +nul +damaged" OKR },
    { "strict NUL on the last line", "250 a\0b\r\n", 9, STRICT(SMTPREPLY_STRICT_NUL),
      "!nul-byte@1:0\n250 - 'a' +nul +damaged" OKR },

    /* --- CR and LF in the wrong places ----------------------------------------- */
    { "lone CR then a code", "\r250 x\r\n", 0, DEF, "!bad-code@1:0" OKR },
    { "CR CR LF as a line", "\r\r\n", 0, DEF, "!bad-code@1:0" OKR },
    { "CR CR LF after text", "250 x\r\r\n", 0, DEF, "250 - 'x\\x0d' +lone_cr" OKR },
    { "strict CR CR LF", "250 x\r\r\n", 0, STRICT(SA), "!lone-cr@1:0\n250 - 'x' +lone_cr +damaged" OKR },
    { "CR storm", "250 \r\r\r\r\r\r\n", 0, DEF, "250 - '\\x0d\\x0d\\x0d\\x0d\\x0d' +lone_cr" OKR },
    { "CR inside the code", "25\r0 x\r\n", 0, DEF, "!bad-code@1:0" OKR },
    { "LF inside the code", "25\n0 x\r\n", 0, DEF, "!bad-code@1:0\n!bad-code@2:3" OKR },
    { "lone CR ends the input line", "250 x\r", 0, DEF, "250 - 'x\\x0d250 ok' +lone_cr" },
    { "bare CR line ends never end the reply", "250-a\r250 b\r", 0, DEF, "!incomplete@1:0" },
    { "empty lines between replies", "250 a\r\n\r\n\n\r\n", 0, DEF,
      "250 - 'a'\n!empty-line@2:7\n!empty-line@3:9\n!empty-line@4:10" OKR },
    { "empty line inside a reply", "250-a\r\n\r\n", 0, DEF, "!empty-line@2:7\n250 - 'a|ok' +damaged" },
    { "strict bare LF on a continuation", "250-a\n", 0, STRICT(SMTPREPLY_STRICT_BARE_LF),
      "!bare-lf@1:0\n250 - 'a|ok' +bare_lf +damaged" },
    { "LF CR", "250 a\n\r", 0, DEF, "250 - 'a' +bare_lf\n!bad-code@2:6" },

    /* --- invalid and overlong UTF-8 ---------------------------------------------- */
    { "overlong NUL C0 80", "250 \xc0\x80\r\n", 0, DEF, "250 - '\\xc0\\x80' +8bit +other" OKR },
    { "overlong C1 BF", "250 \xc1\xbf\r\n", 0, DEF, "250 - '\\xc1\\xbf' +8bit +other" OKR },
    { "overlong four bytes F0 80", "250 \xf0\x80\x80\xaf\r\n", 0, DEF,
      "250 - '\\xf0\\x80\\x80\\xaf' +8bit +other" OKR },
    { "surrogate pair half", "250 \xed\xb0\x80\r\n", 0, DEF, "250 - '\\xed\\xb0\\x80' +8bit +other" OKR },
    { "lead byte then ASCII", "250 \xe2(x\r\n", 0, DEF, "250 - '\\xe2(x' +8bit +other" OKR },
    { "FF and FE", "250 \xff\xfe\r\n", 0, DEF, "250 - '\\xff\\xfe' +8bit +other" OKR },
    { "valid max U+10FFFF", "250 \xf4\x8f\xbf\xbf\r\n", 0, DEF, "250 - '\\xf4\\x8f\\xbf\\xbf' +8bit +utf8" OKR },
    { "valid three bytes", "250 \xe2\x82\xac\r\n", 0, DEF, "250 - '\\xe2\\x82\\xac' +8bit +utf8" OKR },
    { "invalid reply does not taint the next", "250 \xc0\r\n", 0, DEF, "250 - '\\xc0' +8bit +other" OKR },
    { "strict SMTPUTF8 overlong", "250 a\xc0\x80\r\n", 0, UTF8STRICT, "!8bit-byte@1:0\n250 - 'a' +8bit +damaged" OKR },
    { "strict SMTPUTF8 surrogate", "250 a\xed\xa0\x80\r\n", 0, UTF8STRICT,
      "!8bit-byte@1:0\n250 - 'a\\xed' +8bit +damaged +other" OKR },
    { "strict SMTPUTF8 valid", "250 \xe2\x82\xac\r\n", 0, UTF8STRICT, "250 - '\\xe2\\x82\\xac' +8bit +utf8" OKR },
    { "strict 8-bit without SMTPUTF8", "250 ab\xe2\x82\xac\r\n", 0, STRICT(SMTPREPLY_STRICT_8BIT),
      "!8bit-byte@1:0\n250 - 'ab' +8bit +damaged" OKR },
    { "8-bit code digits", "\xb2\xb5\xb0 x\r\n", 0, DEF, "!bad-code@1:0" OKR },
    { "8-bit separator", "250\xa0x\r\n", 0, DEF, "!bad-separator@1:0" OKR },

    /* --- codes and separators ------------------------------------------------------ */
    { "code 000", "000 x\r\n", 0, DEF, "!bad-first-digit@1:0" OKR },
    { "code 999", "999 x\r\n", 0, DEF, "!bad-first-digit@1:0" OKR },
    { "code 199 inside a reply", "250-a\r\n199 x\r\n", 0, DEF, "!bad-first-digit@2:7\n250 - 'a|ok' +damaged" },
    { "five digits", "25000 x\r\n", 0, DEF, "!bad-separator@1:0" OKR },
    { "code and dash only", "250-\r\n", 0, DEF, "250 - '|ok'" },
    { "code only lines", "250-\r\n250\r\n", 0, DEF, "250 - '|' +code_only" OKR },
    { "letters as code", "abc def\r\n", 0, DEF, "!bad-code@1:0" OKR },
    { "leading space", " 250 x\r\n", 0, DEF, "!bad-code@1:0" OKR },
    { "second digit 9", "290 x\r\n", 0, DEF, "290 - 'x' +second_digit" OKR },
    { "strict second digit inside a reply", "250-a\r\n260 x\r\n", 0, STRICT(SMTPREPLY_STRICT_SECOND_DIGIT),
      "!bad-second-digit@2:7\n250 - 'a|ok' +damaged" },

    /* --- interleaved and partial replies --------------------------------------------- */
    { "open reply joined by the next", "250-a\r\n250-b\r\n", 0, DEF, "250 - 'a|b|ok'" },
    { "open banner cut by another code", "220-banner\r\n", 0, DEF, "!code-mismatch@2:12" OKR },
    { "interleaved codes", "250-a\r\n550-b\r\n250-c\r\n", 0, DEF,
      "!code-mismatch@2:7\n!code-mismatch@3:14\n250 - 'c|ok'" },
    { "mismatch ends its own reply", "250-a\r\n550 b\r\n", 0, DEF, "!code-mismatch@2:7\n550 - 'b'" OKR },
    { "garbage between continuation lines", "250-a\r\nxx\r\n250-b\r\n", 0, DEF,
      "!bad-code@2:7\n250 - 'a|b|ok' +damaged" },
    { "half a line then a new one", "250 hal", 0, DEF, "250 - 'hal250 ok'" },
    { "half a code then a new line", "25", 0, DEF, "!bad-separator@1:0" },
    { "enhanced codes change mid-reply", "550-5.1.1 a\r\n550-4.2.2 b\r\n550-5.1.1 c\r\n", 0, DEF,
      "!code-mismatch@4:39\n250 - 'ok'" },

    /* --- enhanced codes ---------------------------------------------------------------- */
    { "enhanced with huge numbers", "550 5.99999.1 x\r\n", 0, DEF, "550 - '5.99999.1 x' +enh_invalid" OKR },
    { "enhanced cut by LF", "550 5.1.\n", 0, DEF, "550 - '5.1.' +bare_lf" OKR },
    { "enhanced of many dots", "550 5.1.1.1.1 x\r\n", 0, DEF, "550 - '5.1.1.1.1 x'" OKR },
    { "enhanced alone then CR CR", "550 5.1.1\r\r\n", 0, DEF, "550 - '5.1.1\\x0d' +lone_cr" OKR },

    /* --- the caller's buffer and the limits ------------------------------------------ */
    { "capacity zero, many lines", "250-a\r\n250-b\r\n250 c\r\n", 0, NOTEXT,
      "250 - '' +truncated lines=3/0\n250 - '' +truncated lines=1/0" },
    { "capacity one, many lines", "250-a\r\n250 b\r\n", 0, CAP(1),
      "250 - '' +truncated lines=2/1\n250 - '' +truncated" },
    { "capacity two, cut at the separator", "250-a\r\n250 b\r\n", 0, CAP(2),
      "250 - 'a' +truncated lines=2/1\n250 - 'o' +truncated" },
    { "max line 5: code only fits", "250\r\n", 0, MAXLINE(5), "250 - '' +code_only\n!line-too-long@2:5\n250 - 'o' +damaged" },
    { "max line 5: the CR is one byte too many", "250 x\r\n", 0, MAXLINE(5),
      "!line-too-long@1:0\n250 - 'x' +damaged\n!line-too-long@2:7\n250 - 'o' +damaged" },
    { "max line 5: bare LF code only", "250\n", 0, MAXLINE(5),
      "250 - '' +bare_lf +code_only\n!line-too-long@2:4\n250 - 'o' +damaged" },
    { "max lines 1", "250-a\r\n250-b\r\n", 0, MAXLINES(1),
      "!too-many-lines@2:7\n250 - 'a' +truncated +damaged lines=3/1" },
};

static char got[1 << 16], whole[1 << 16];

/* Chunk sizes a row is also fed in: every size up to 16 for the written rows; a
 * few for the thousands of generated ones (short inputs: 1 covers every cut). */
static const size_t all_chunks[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const size_t few_chunks[] = { 1, 2, 3, 5 };

/* Run one row: BRIEF log as wanted; FULL log equal at every given chunk size; the
 * last reply ends exactly at the end of the stream. */
static void check_row(const char *name, const char *in, size_t len, const struct feed_opts *fo,
                      const char *want, char *brief, size_t brief_cap, const size_t *chunks,
                      size_t nchunks)
{
    size_t k;
    const char *last;
    unsigned long long off, rlen;

    (void)feed_chunked(in, len, fo, 0, LOG_BRIEF, brief, brief_cap);
    ck_assert_msg(strcmp(brief, want) == 0, "%s:\n got: %s\nwant: %s", name, brief, want);
    (void)feed_chunked(in, len, fo, 0, LOG_FULL, whole, sizeof whole);
    for (k = 0; k < nchunks; k++) {
        (void)feed_chunked(in, len, fo, chunks[k], LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, whole) == 0, "%s chunk %zu:\n got: %s\nwant: %s", name,
                      chunks[k], got, whole);
    }
    /* When the wanted log ends in a reply, it ends where the stream ends. (A few
     * rows want the hostile bytes to swallow the valid line: they say so.) */
    last = strrchr(want, '\n');
    if ((last ? last[1] : want[0]) == '!')
        return;
    last = strrchr(whole, '\n');
    last = last ? last + 1 : whole;
    ck_assert_msg(last[0] != '!', "%s: the stream does not end in a reply: %s", name, last);
    last = strstr(last, " off=");
    ck_assert_msg(last && sscanf(last, " off=%llu len=%llu", &off, &rlen) == 2, "%s: %s", name, whole);
    ck_assert_msg(off + rlen == len, "%s: last reply ends at %llu of %zu", name, off + rlen, len);
}

/* Input of a row plus the valid reply that must survive it. */
static size_t with_ok(char *buf, size_t cap, const char *in, size_t len)
{
    ck_assert(len + OK_LEN <= cap);
    memcpy(buf, in, len);
    memcpy(buf + len, OK_LINE, OK_LEN);
    return len + OK_LEN;
}

START_TEST(table)
{
    const struct hostile_case *c = &hostile_cases[_i];
    static char in[4096], brief[1 << 16];
    size_t len = with_ok(in, sizeof in, c->input, c->len ? c->len : strlen(c->input));

    check_row(c->name, in, len, &c->opts, c->want, brief, sizeof brief, all_chunks,
              ARRAY_SIZE(all_chunks));
}
END_TEST

/* The stream ends inside a reply: the error names the reply's first line and
 * offset, and its position is the end of the stream (it was 0 before the fix in
 * smtpreply_parser_finish(); tests/fuzz/corpus/parser/repro-finish-error-position). */
START_TEST(incomplete_position)
{
    static const char in[] = "221 bye\r\n250-a\r\n250 b";
    static char full[1024];
    size_t k;

    for (k = 0; k <= 5; k++) {
        (void)feed_chunked(in, sizeof in - 1, NULL, k, LOG_FULL, full, sizeof full);
        ck_assert_msg(strstr(full, "\n!incomplete@2:9 pos=21") != NULL, "chunk %zu: %s", k, full);
    }
}
END_TEST

/* ---- every byte value in every position of a line ---------------------------------- */

/* The line "250 abc\r\n" with one byte replaced, then OK_LINE. */
static const char base_line[] = "250 abc\r\n";
static const size_t positions[] = { 0, 1, 2, 3, 4, 5, 7, 8 };

/* The BRIEF rendering of one byte of text (as helpers.c escapes it). */
static void esc(char *o, size_t cap, unsigned char c)
{
    if (c == '\n')
        snprintf(o, cap, "|");
    else if (c < 0x20 || c >= 0x7F || c == '|' || c == '\'' || c == '\\')
        snprintf(o, cap, "\\x%02x", c);
    else
        snprintf(o, cap, "%c", c);
}

static int is_digit(unsigned b)
{
    return b >= '0' && b <= '9';
}

/* The expected log when byte b replaces position pos of base_line: the rule of
 * that position (RFC 5321 4.2 grammar, plus the documented tolerances). */
static void byte_want(size_t pos, unsigned b, char *w, size_t cap)
{
    char e[8];
    const char *hi = b >= 0x80 ? " +8bit +other" : "";

    esc(e, sizeof e, (unsigned char)b);
    switch (pos) {
    case 0:     /* first digit: 2-5, or a bad first digit, or not a digit */
        if (b >= '2' && b <= '5')
            snprintf(w, cap, "%c50 - 'abc'" OKR, b);
        else if (is_digit(b))
            snprintf(w, cap, "!bad-first-digit@1:0" OKR);
        else if (b == '\n')     /* an empty line, then "50 abc" is a line of its own */
            snprintf(w, cap, "!empty-line@1:0\n!bad-code@2:1" OKR);
        else
            snprintf(w, cap, "!bad-code@1:0" OKR);
        break;
    case 1:     /* second digit: any digit; 6-9 is tolerated and flagged */
        if (is_digit(b))
            snprintf(w, cap, "2%c0 - 'abc'%s" OKR, b, b > '5' ? " +second_digit" : "");
        else if (b == '\n')     /* "2" is a bad line, "0 abc" another */
            snprintf(w, cap, "!bad-code@1:0\n!bad-code@2:2" OKR);
        else
            snprintf(w, cap, "!bad-code@1:0" OKR);
        break;
    case 2:
        if (is_digit(b))
            snprintf(w, cap, "25%c - 'abc'" OKR, b);
        else if (b == '\n')     /* "25" is a bad line, " abc" another */
            snprintf(w, cap, "!bad-code@1:0\n!bad-code@2:3" OKR);
        else
            snprintf(w, cap, "!bad-code@1:0" OKR);
        break;
    case 3:     /* separator: SP ends the reply, '-' continues it, LF ends a code-only line */
        if (b == ' ')
            snprintf(w, cap, "250 - 'abc'" OKR);
        else if (b == '-')
            snprintf(w, cap, "250 - 'abc|ok'");
        else if (b == '\n')
            snprintf(w, cap, "250 - '' +bare_lf +code_only\n!bad-code@2:4" OKR);
        else
            snprintf(w, cap, "!bad-separator@1:0" OKR);
        break;
    case 4:     /* first text byte (where an enhanced code could start) */
    case 5:     /* a text byte in the middle */
        if (b == '\n' && pos == 4)
            snprintf(w, cap, "250 - '' +bare_lf\n!bad-code@2:5" OKR);
        else if (b == '\n')
            snprintf(w, cap, "250 - 'a' +bare_lf\n!bad-code@2:6" OKR);
        else if (b == '\r')
            snprintf(w, cap, pos == 4 ? "250 - '\\x0dbc' +lone_cr" OKR : "250 - 'a\\x0dc' +lone_cr" OKR);
        else if (b == 0)
            snprintf(w, cap, pos == 4 ? "250 - '\\x00bc' +nul" OKR : "250 - 'a\\x00c' +nul" OKR);
        else if (pos == 4)
            snprintf(w, cap, "250 - '%sbc'%s" OKR, e, hi);
        else
            snprintf(w, cap, "250 - 'a%sc'%s" OKR, e, hi);
        break;
    case 7:     /* where the CR belongs: the LF that follows still ends the line, bare */
        if (b == '\r')
            snprintf(w, cap, "250 - 'abc'" OKR);
        else if (b == '\n')
            snprintf(w, cap, "250 - 'abc' +bare_lf\n!empty-line@2:8" OKR);
        else
            snprintf(w, cap, "250 - 'abc%s' +bare_lf%s%s" OKR, e, b == 0 ? " +nul" : "", hi);
        break;
    default:    /* where the LF belongs: the CR was a lone one, the line goes on */
        if (b == '\n')
            snprintf(w, cap, "250 - 'abc'" OKR);
        else
            snprintf(w, cap, "250 - 'abc\\x0d%s250 ok'%s%s +lone_cr%s", e, b == 0 ? " +nul" : "",
                     b >= 0x80 ? " +8bit" : "", b >= 0x80 ? " +other" : "");
        break;
    }
}

START_TEST(every_byte_everywhere)
{
    /* One test per position (_i), one row per byte value: 256 rows each. */
    size_t pos = positions[_i];
    unsigned b;

    for (b = 0; b < 256; b++) {
        char line[sizeof base_line], in[64], want[256], name[64];
        static char brief[1 << 12];
        size_t len;

        memcpy(line, base_line, sizeof line);
        line[pos] = (char)b;
        len = with_ok(in, sizeof in, line, sizeof line - 1);
        byte_want(pos, b, want, sizeof want);
        snprintf(name, sizeof name, "byte 0x%02x at position %zu", b, pos);
        check_row(name, in, len, NULL, want, brief, sizeof brief, few_chunks,
                  ARRAY_SIZE(few_chunks));
    }
}
END_TEST

/* ---- codes 000 to 999 opening a multiline reply ------------------------------------ */

START_TEST(codes_000_999)
{
    /* One test per hundred (_i), one row per code. */
    unsigned code;

    for (code = (unsigned)_i * 100; code < (unsigned)_i * 100 + 100; code++) {
        char in[64], want[128], name[32];
        static char brief[1 << 12];
        unsigned first = code / 100;
        size_t len = (size_t)snprintf(in, sizeof in, "%03u-a\r\n" OK_LINE, code);

        if (first < 2 || first > 5)
            snprintf(want, sizeof want, "!bad-first-digit@1:0" OKR);
        else if (code == 250)
            snprintf(want, sizeof want, "250 - 'a|ok'");
        else    /* the open reply is dropped; the 250 starts its own */
            snprintf(want, sizeof want, "!code-mismatch@2:7" OKR);
        snprintf(name, sizeof name, "code %03u", code);
        check_row(name, in, len, NULL, want, brief, sizeof brief, few_chunks,
                  ARRAY_SIZE(few_chunks));
    }
}
END_TEST

/* ---- sizes: a 1 MiB line, a reply of 100,000 lines, 10,000 errors in a row ------------ */

static char *big_in;
static char *big_want;
static char big_got[1 << 21];

static void big_setup(void)
{
    big_in = malloc((1 << 20) + 4096);
    big_want = malloc(1 << 21);
    ck_assert(big_in && big_want);
}

static void big_teardown(void)
{
    free(big_in);
    free(big_want);
}

/* FULL logs at a few chunk sizes equal the whole one (every size 1..16 is too slow
 * for megabytes under valgrind). */
static void check_big_splits(const char *name, size_t len, const struct feed_opts *fo)
{
    static const size_t chunks[] = { 3, 4096 };
    static char full[1 << 21];
    size_t k;

    (void)feed_chunked(big_in, len, fo, 0, LOG_FULL, full, sizeof full);
    for (k = 0; k < ARRAY_SIZE(chunks); k++) {
        (void)feed_chunked(big_in, len, fo, chunks[k], LOG_FULL, big_got, sizeof big_got);
        ck_assert_msg(strcmp(big_got, full) == 0, "%s chunk %zu differs", name, chunks[k]);
    }
}

START_TEST(one_mib_line)
{
    const size_t n = 1 << 20;
    size_t len, w;

    memcpy(big_in, "250 ", 4);
    memset(big_in + 4, 'x', n);
    len = 4 + n;
    len += (size_t)snprintf(big_in + len, 64, "\r\n" OK_LINE);
    /* Default limit 16384 octets: the error at the 16385th byte, text cut there and
     * truncated to the 4096-byte buffer, the stream still in step. */
    w = (size_t)snprintf(big_want, 64, "!line-too-long@1:0\n250 - '");
    memset(big_want + w, 'x', 4095);
    w += 4095;
    snprintf(big_want + w, 128, "' +over_512 +truncated +damaged" OKR);
    (void)feed_chunked(big_in, len, NULL, 0, LOG_BRIEF, big_got, sizeof big_got);
    ck_assert_msg(strcmp(big_got, big_want) == 0, "1 MiB line: %.200s", big_got);
    (void)feed_chunked(big_in, len, NULL, 0, LOG_FULL, big_got, sizeof big_got);
    ck_assert_msg(strstr(big_got, "!line-too-long@1:0 pos=16384\n") != NULL, "%.100s", big_got);
    snprintf(big_want, 128, "250 - 'ok' lines=1/1 off=%zu len=8 first=2 textlen=2", len - OK_LEN);
    ck_assert_msg(strstr(big_got, big_want) != NULL, "last reply: %s", strrchr(big_got, '\n'));
    check_big_splits("1 MiB line", len, NULL);
}
END_TEST

START_TEST(one_mib_line_allowed)
{
    /* A limit above the line: no error, the text kept up to the buffer (1 MiB). */
    const size_t n = 1 << 20;
    struct feed_opts fo = { 0, 0, (1 << 20) + 16, 0, 1 << 20, 0, 0 };
    size_t len;

    memcpy(big_in, "250 ", 4);
    memset(big_in + 4, 'y', n);
    len = 4 + n;
    len += (size_t)snprintf(big_in + len, 64, "\r\n" OK_LINE);
    (void)feed_chunked(big_in, len, &fo, 0, LOG_FULL, big_got, sizeof big_got);
    snprintf(big_want, 256, "' +over_512 +truncated lines=1/1 off=0 len=%zu first=1 textlen=%zu\n"
             "250 - 'ok' lines=1/1 off=%zu len=8 first=2 textlen=2",
             n + 6, (size_t)(1 << 20) - 1, n + 6);
    ck_assert_msg(strstr(big_got, big_want) != NULL, "%s", strrchr(big_got, '\''));
    ck_assert_msg(strncmp(big_got, "250 - 'yyyy", 11) == 0, "%.20s", big_got);
}
END_TEST

START_TEST(reply_of_100000_lines)
{
    const unsigned lines = 100000;
    size_t len = 0, w;
    unsigned i;

    for (i = 0; i + 1 < lines; i++) {
        memcpy(big_in + len, "250-l\r\n", 7);
        len += 7;
    }
    memcpy(big_in + len, "250 e\r\n" OK_LINE, 7 + OK_LEN);
    len += 7 + OK_LEN;
    /* Default limit 1024 lines: line 1025 reports, the rest is read but not stored,
     * and the reply still ends at its last line. */
    w = (size_t)snprintf(big_want, 64, "!too-many-lines@1025:%u\n250 - '", 1024u * 7);
    for (i = 0; i < 1024; i++) {
        big_want[w++] = 'l';
        big_want[w++] = '|';
    }
    w--;
    snprintf(big_want + w, 128, "' +truncated +damaged lines=%u/1024" OKR, lines);
    (void)feed_chunked(big_in, len, NULL, 0, LOG_BRIEF, big_got, sizeof big_got);
    ck_assert_msg(strcmp(big_got, big_want) == 0, "%.300s", big_got + (w > 200 ? w - 200 : 0));
    check_big_splits("100000 lines", len, NULL);
}
END_TEST

START_TEST(reply_of_100000_lines_allowed)
{
    /* With the limit raised, every line is stored: text is 100,000 "l" joined by LF. */
    const unsigned lines = 100000;
    struct feed_opts fo = { 0, 0, 0, lines, 1 << 20, 0, 0 };
    size_t len = 0;
    unsigned i;

    for (i = 0; i + 1 < lines; i++) {
        memcpy(big_in + len, "250-l\r\n", 7);
        len += 7;
    }
    memcpy(big_in + len, "250 l\r\n" OK_LINE, 7 + OK_LEN);
    len += 7 + OK_LEN;
    (void)feed_chunked(big_in, len, &fo, 0, LOG_FULL, big_got, sizeof big_got);
    snprintf(big_want, 256, "' lines=%u/%u off=0 len=%zu first=1 textlen=%u\n"
             "250 - 'ok' lines=1/1 off=%zu len=8 first=%u textlen=2",
             lines, lines, len - OK_LEN, 2 * lines - 1, len - OK_LEN, lines + 1);
    ck_assert_msg(strstr(big_got, big_want) != NULL, "%s", strrchr(big_got, '\''));
}
END_TEST

START_TEST(ten_thousand_errors)
{
    /* Every line a different error; each is reported once, at its own line and
     * offset, and the reply after them is intact. */
    static const char *const bad[] = { "x\r\n", "\r\n", "000 x\r\n", "25\r\n", "250x\r\n" };
    static const char *const names[] = { "bad-code", "empty-line", "bad-first-digit", "bad-code",
                                         "bad-separator" };
    size_t len = 0, w = 0, i;

    for (i = 0; i < 10000; i++) {
        const char *b = bad[i % 5];
        w += (size_t)sprintf(big_want + w, "!%s@%zu:%zu\n", names[i % 5], i + 1, len);
        memcpy(big_in + len, b, strlen(b));
        len += strlen(b);
    }
    memcpy(big_in + len, OK_LINE, OK_LEN);
    len += OK_LEN;
    snprintf(big_want + w, 32, "250 - 'ok'");
    ck_assert_int_eq(feed_chunked(big_in, len, NULL, 0, LOG_BRIEF, big_got, sizeof big_got), 10000);
    ck_assert_msg(strcmp(big_got, big_want) == 0, "10000 errors differ");
    check_big_splits("10000 errors", len, NULL);
}
END_TEST

START_TEST(ten_thousand_strict_errors)
{
    /* Strict mode, bare LF on every line of one long reply: one error per line and
     * one reply that keeps every line. */
    struct feed_opts fo = { SMTPREPLY_STRICT_BARE_LF, 0, 0, 20000, 1 << 20, 0, 0 };
    size_t len = 0, w = 0, i;

    for (i = 0; i < 10000; i++) {
        memcpy(big_in + len, "250-a\n", 6);
        w += (size_t)sprintf(big_want + w, "!bare-lf@%zu:%zu\n", i + 1, len);
        len += 6;
    }
    memcpy(big_in + len, OK_LINE, OK_LEN);
    len += OK_LEN;
    w += (size_t)sprintf(big_want + w, "250 - '");
    for (i = 0; i < 10000; i++)
        w += (size_t)sprintf(big_want + w, "a|");
    snprintf(big_want + w, 64, "ok' +bare_lf +damaged");
    ck_assert_int_eq(feed_chunked(big_in, len, &fo, 0, LOG_BRIEF, big_got, sizeof big_got), 10000);
    ck_assert_msg(strcmp(big_got, big_want) == 0, "%.200s", big_got);
}
END_TEST

static Suite *hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("table");
    TCase *gen = tcase_create("generated");
    TCase *big = tcase_create("big");

    tcase_add_loop_test(tc, table, 0, (int)ARRAY_SIZE(hostile_cases));
    tcase_add_test(tc, incomplete_position);
    suite_add_tcase(s, tc);
    tcase_add_loop_test(gen, every_byte_everywhere, 0, (int)ARRAY_SIZE(positions));
    tcase_add_loop_test(gen, codes_000_999, 0, 10);
    suite_add_tcase(s, gen);
    tcase_add_checked_fixture(big, big_setup, big_teardown);
    tcase_set_timeout(big, 600);
    tcase_add_test(big, one_mib_line);
    tcase_add_test(big, one_mib_line_allowed);
    tcase_add_test(big, reply_of_100000_lines);
    tcase_add_test(big, reply_of_100000_lines_allowed);
    tcase_add_test(big, ten_thousand_errors);
    tcase_add_test(big, ten_thousand_strict_errors);
    suite_add_tcase(s, big);
    return s;
}

int main(void)
{
    return run_per_parser_variant(hostile_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
