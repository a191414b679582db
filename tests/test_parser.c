/* SPDX-License-Identifier: MIT */
/*
 * The parser table: inputs and the replies and errors they must give, in the BRIEF
 * log format of tests/helpers.h:
 *   "<code> <enhanced|-> '<text, lines joined by |>' +flag ..."   one reply
 *   "!<error-name>@<line>:<offset of the line>"                    one error
 * Every case also runs at every chunk size from 1 to 16 and at random splits
 * (tests/test_split.c reuses this table through parser_cases.h).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parser_cases.h"

static char got[1 << 16];

START_TEST(table)
{
    const struct parser_case *c = &parser_cases[_i];
    size_t len = c->len ? c->len : strlen(c->input);
    (void)feed_chunked(c->input, len, &c->opts, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_msg(strcmp(got, c->want) == 0, "case '%s':\n got: %s\nwant: %s", c->name, got,
                  c->want);
}
END_TEST

START_TEST(table_chunked)
{
    /* Every chunk size 1..16 gives exactly the whole-input log. */
    const struct parser_case *c = &parser_cases[_i];
    size_t len = c->len ? c->len : strlen(c->input), k;
    static char whole[1 << 16];
    (void)feed_chunked(c->input, len, &c->opts, 0, LOG_FULL, whole, sizeof whole);
    for (k = 1; k <= 16; k++) {
        (void)feed_chunked(c->input, len, &c->opts, k, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, whole) == 0, "case '%s' chunk %zu:\n got: %s\nwant: %s",
                      c->name, k, got, whole);
    }
}
END_TEST

/* The line path (lib/line_path.h) looks at a reply only with 80 bytes of input
 * after its start. Each case again with a long reply after it, so the line path
 * sees every reply of the case: whole input, a byte a call (the byte machine
 * alone) and through feed_many() must log the same. */
#define LONG_REPLY "250 " \
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" \
    "0123456789abcdef\r\n"

START_TEST(table_line_path)
{
    const struct parser_case *c = &parser_cases[_i];
    size_t len = c->len ? c->len : strlen(c->input);
    static char in[8192], whole[1 << 16];
    struct feed_opts many = c->opts;

    ck_assert(len + sizeof LONG_REPLY <= sizeof in);
    memcpy(in, c->input, len);
    memcpy(in + len, LONG_REPLY, sizeof LONG_REPLY - 1);
    len += sizeof LONG_REPLY - 1;
    (void)feed_chunked(in, len, &c->opts, 0, LOG_FULL, whole, sizeof whole);
    (void)feed_chunked(in, len, &c->opts, 1, LOG_FULL, got, sizeof got);
    ck_assert_msg(strcmp(got, whole) == 0, "case '%s' byte by byte:\n got: %s\nwant: %s",
                  c->name, got, whole);
    many.many = FEED_MANY_MAX;
    (void)feed_chunked(in, len, &many, 0, LOG_FULL, got, sizeof got);
    ck_assert_msg(strcmp(got, whole) == 0, "case '%s' feed_many:\n got: %s\nwant: %s",
                  c->name, got, whole);
}
END_TEST

/* Every code 000-999 as a one-line reply: 200-599 parse, others are errors, and
 * the valid reply after each is never lost. */
START_TEST(all_codes)
{
    unsigned code;
    for (code = 0; code <= 999; code++) {
        char in[64], want[128];
        unsigned first = code / 100, second = (code / 10) % 10;
        snprintf(in, sizeof in, "%03u text\r\n250 next\r\n", code);
        if (first < 2 || first > 5)
            snprintf(want, sizeof want, "!bad-first-digit@1:0\n250 - 'next'");
        else if (second > 5)
            snprintf(want, sizeof want, "%03u - 'text' +second_digit\n250 - 'next'", code);
        else
            snprintf(want, sizeof want, "%03u - 'text'\n250 - 'next'", code);
        (void)feed_chunked(in, strlen(in), NULL, 0, LOG_BRIEF, got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "code %03u: got %s", code, got);
    }
}
END_TEST

/* Every byte value right after the code: only '-', SP, CR and LF are separators. */
START_TEST(all_separators)
{
    unsigned b;
    for (b = 0; b < 256; b++) {
        char in[32], want[128];
        size_t n;
        n = (size_t)snprintf(in, sizeof in, "250%cx\r\n250 next\r\n", 'Z');
        in[3] = (char)b;
        if (b == ' ')
            snprintf(want, sizeof want, "250 - 'x'\n250 - 'next'");
        else if (b == '-')
            snprintf(want, sizeof want, "250 - 'x|next'");
        else if (b == '\r')
            /* "250\rx": CR must be followed by LF. */
            snprintf(want, sizeof want, "!bad-separator@1:0\n250 - 'next'");
        else if (b == '\n')
            /* "250\n" is a code-only reply, then "x" is a bad line. */
            snprintf(want, sizeof want, "250 - '' +bare_lf +code_only\n!bad-code@2:4\n250 - 'next'");
        else
            snprintf(want, sizeof want, "!bad-separator@1:0\n250 - 'next'");
        (void)feed_chunked(in, n, NULL, 0, LOG_BRIEF, got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "byte 0x%02x: got %s", b, got);
    }
}
END_TEST

/* Long lines: the 512-octet flag, strict mode, and the configured limit. */
START_TEST(line_lengths)
{
    static char in[70000], want[70200], text[60000];
    struct feed_opts strict = { SMTPREPLY_STRICT_LINE_512, 0, 0, 0, 0, 0, 0 };
    struct feed_opts big = { 0, 0, 0, 0, 1 << 16, 0, 0 };
    size_t n;

    /* 512 octets exactly (4 + 506 + CRLF): no flag. */
    memset(text, 'a', 506);
    text[506] = '\0';
    n = (size_t)snprintf(in, sizeof in, "250 %s\r\n", text);
    ck_assert_uint_eq(n, 512);
    snprintf(want, sizeof want, "250 - '%s'", text);
    (void)feed_chunked(in, n, &strict, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);

    /* 513 octets: flagged, and an error in strict mode at the 513th octet. */
    memset(text, 'a', 507);
    text[507] = '\0';
    n = (size_t)snprintf(in, sizeof in, "250 %s\r\n", text);
    snprintf(want, sizeof want, "250 - '%s' +over_512", text);
    (void)feed_chunked(in, n, NULL, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);
    /* The 513th octet is the LF: all the text was read before the error. */
    snprintf(want, sizeof want, "!line-over-512@1:0\n250 - '%s' +over_512 +damaged", text);
    (void)feed_chunked(in, n, &strict, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);

    /* The same 513 octets on a line whose code differs from the reply's: the code
     * mismatch starts a new reply, and every octet still counts. */
    n = (size_t)snprintf(in, sizeof in, "250-a\r\n251 %s\r\n", text);
    ck_assert_uint_eq(n, 7 + 513);
    snprintf(want, sizeof want,
             "!code-mismatch@2:7\n!line-over-512@2:7\n251 - '%s' +over_512 +damaged", text);
    (void)feed_chunked(in, n, &strict, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);
    snprintf(want, sizeof want, "!code-mismatch@2:7\n251 - '%s' +over_512", text);
    (void)feed_chunked(in, n, NULL, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);

    /* Exim answers an overlong command with a 5,118-octet 501 line: accepted. */
    memset(text, 'x', 5112);
    text[5112] = '\0';
    n = (size_t)snprintf(in, sizeof in, "501 %s\r\n", text);
    ck_assert_uint_eq(n, 5118);
    snprintf(want, sizeof want, "501 - '%s' +over_512", text);
    (void)feed_chunked(in, n, &big, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);

    /* Past the default limit of 16,384 octets: error, text cut, reply still ends. */
    memset(text, 'y', 20000);
    text[20000] = '\0';
    n = (size_t)snprintf(in, sizeof in, "550 %s\r\n250 ok\r\n", text);
    text[SMTPREPLY_DEFAULT_MAX_LINE - 4] = '\0';
    snprintf(want, sizeof want, "!line-too-long@1:0\n550 - '%s' +over_512 +damaged\n250 - 'ok'",
             text);
    (void)feed_chunked(in, n, &big, 0, LOG_BRIEF, got, sizeof got);
    ck_assert_str_eq(got, want);
}
END_TEST

/* Stream positions: offsets, lengths and consumed counts are exact. */
START_TEST(positions)
{
    const char *in = "220 hi\r\n250-a\r\n250 b\r\nbad\r\n354 go\n";
    (void)feed_chunked(in, strlen(in), NULL, 0, LOG_FULL, got, sizeof got);
    ck_assert_str_eq(got,
        "220 - 'hi' lines=1/1 off=0 len=8 first=1 textlen=2\n"
        "250 - 'a|b' lines=2/2 off=8 len=14 first=2 textlen=3\n"
        "!bad-code@4:22 pos=22\n"
        "354 - 'go' +bare_lf lines=1/1 off=27 len=7 first=5 textlen=2");
}
END_TEST

/* The call returns after each reply, leaving the rest of the buffer unread. */
START_TEST(one_reply_per_call)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    char text[256];
    const char *in = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n";
    size_t used;
    ck_assert_int_eq(smtpreply_parser_init(&p, text, sizeof text), SMTPREPLY_OK);
    ck_assert_int_eq(smtpreply_parser_feed(&p, in, strlen(in), &used, &r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(used, 14);
    ck_assert_uint_eq(r.code, 250);
    ck_assert_str_eq(r.enhanced_text, "2.1.0");
    ck_assert_uint_eq(r.enhanced.klass, 2);
    ck_assert_uint_eq(r.enhanced.subject, 1);
    ck_assert_uint_eq(r.enhanced.detail, 0);
    ck_assert_str_eq(r.text, "Ok");
    in += used;
    ck_assert_int_eq(smtpreply_parser_feed(&p, in, strlen(in), &used, &r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(used, 14);
    ck_assert_str_eq(r.enhanced_text, "2.1.5");
    in += used;
    ck_assert_int_eq(smtpreply_parser_feed(&p, in, strlen(in), &used, &r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(used, 8);
    ck_assert_uint_eq(r.code, 354);
    ck_assert_str_eq(r.enhanced_text, "");
    ck_assert_int_eq(smtpreply_parser_feed(&p, "", 0, &used, &r), SMTPREPLY_NEED_MORE);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(smtpreply_parser_finish(&p, &r), SMTPREPLY_OK);
}
END_TEST

/* smtpreply_parser_feed_many(): a pipelined batch in one call, each reply's text
 * kept apart in the buffer; it stops before what it cannot take whole, so errors
 * come from the next call; bad arguments. */
START_TEST(many_per_call)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r[8];
    char text[512];
    static const char batch[] =
        "250-mx.example.com Hello client.example.org [192.0.2.1]\r\n250-PIPELINING\r\n"
        "250 8BITMIME\r\n"
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <nobody@example.org>: Recipient unknown\r\n"
        "354 End data with <CR><LF>.<CR><LF>\r\n"
        "250 2.0.0 Ok: queued as 4Xk2Lq1Zp3z9vB and the rest of this line is long enough\r\n"
        "221 2.0.0 Bye\r\n";
    const char *in = batch;
    size_t len = sizeof batch - 1, used = 7, count = 7, total = 0, i;

    ck_assert_int_eq(smtpreply_parser_init(&p, text, sizeof text), SMTPREPLY_OK);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, in, len, &used, r, 8, &count), SMTPREPLY_REPLY);
    /* A line over 64 bytes needs 144 after its start on x86 (two windows and a
     * 128-byte copy; more with the narrower NEON and scalar windows), so the
     * long 250 starts the next call; then the last reply has fewer than 80 bytes
     * after it, and comes in a call of its own. */
    ck_assert_uint_eq(count, 5);
    ck_assert_uint_eq(r[0].code, 250);
    ck_assert_uint_eq(r[0].line_count, 3);
    ck_assert_str_eq(r[0].text, "mx.example.com Hello client.example.org [192.0.2.1]\nPIPELINING\n8BITMIME");
    ck_assert_str_eq(r[1].enhanced_text, "2.1.0");
    ck_assert_str_eq(r[1].text, "Ok");
    ck_assert_str_eq(r[2].enhanced_text, "2.1.5");
    ck_assert_uint_eq(r[3].code, 550);
    ck_assert_uint_eq(r[3].enhanced.klass, 5);
    ck_assert_uint_eq(r[3].enhanced.subject, 1);
    ck_assert_uint_eq(r[3].enhanced.detail, 1);
    ck_assert_str_eq(r[3].text, "<nobody@example.org>: Recipient unknown");
    ck_assert_str_eq(r[4].text, "End data with <CR><LF>.<CR><LF>");
    ck_assert_uint_eq(r[4].first_line, 7);
    for (i = 0; i < count; i++) {
        ck_assert_uint_eq(r[i].offset, total);
        total += r[i].length;
        if (i > 0)
            ck_assert_ptr_eq(r[i].text, r[i - 1].text + r[i - 1].text_len + 1);
    }
    ck_assert_uint_eq(used, total);
    for (i = 0; i < 2; i++) {
        in += used;
        len -= used;
        ck_assert_int_eq(smtpreply_parser_feed_many(&p, in, len, &used, r, 8, &count),
                         SMTPREPLY_REPLY);
        ck_assert_uint_eq(count, 1);
        ck_assert_uint_eq(r[0].first_line, 8 + i);
    }
    ck_assert_uint_eq(used, len);
    ck_assert_uint_eq(r[0].code, 221);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, in, 0, &used, r, 8, &count), SMTPREPLY_NEED_MORE);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(used, 0);

    /* max bounds the batch; a bad line ends it, and the next call reports it. */
    smtpreply_parser_reset(&p);
    in = batch;
    len = sizeof batch - 1;
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, in, len, &used, r, 2, &count), SMTPREPLY_REPLY);
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(used, r[0].length + r[1].length);
    {
        static const char bad[] =
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\nHELLO\r\n250 2.1.5 Ok, and a line long enough"
            " to take the rest of the window\r\n";
        smtpreply_parser_reset(&p);
        in = bad;
        len = sizeof bad - 1;
        ck_assert_int_eq(smtpreply_parser_feed_many(&p, in, len, &used, r, 8, &count),
                         SMTPREPLY_REPLY);
        ck_assert_uint_eq(count, 2);
        ck_assert_uint_eq(used, 28);
        in += used;
        len -= used;
        ck_assert_int_eq(smtpreply_parser_feed_many(&p, in, len, &used, r, 8, &count),
                         SMTPREPLY_E_BAD_CODE);
        ck_assert_uint_eq(count, 0);
        ck_assert_uint_eq(r[0].code, 0);
    }

    /* Arguments. */
    ck_assert_int_eq(smtpreply_parser_feed_many(NULL, "x", 1, &used, r, 8, &count),
                     SMTPREPLY_E_INVALID_ARG);
    ck_assert_uint_eq(used, 0);
    ck_assert_uint_eq(count, 0);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, "x", 1, &used, NULL, 8, &count),
                     SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, "x", 1, &used, r, 0, &count),
                     SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, "x", 1, &used, r, 8, NULL),
                     SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, "x", 1, NULL, r, 8, &count),
                     SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, NULL, 1, &used, r, 8, &count),
                     SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed_many(&p, NULL, 0, &used, r, 8, &count),
                     SMTPREPLY_NEED_MORE);
    ck_assert_uint_eq(count, 0);

    /* No text buffer (NULL, 0): one reply a call, by the byte machine, no text. */
    {
        struct smtpreply_parser q;

        ck_assert_int_eq(smtpreply_parser_init(&q, NULL, 0), SMTPREPLY_OK);
        ck_assert_int_eq(smtpreply_parser_feed_many(&q, batch, sizeof batch - 1, &used, r, 8,
                                                    &count), SMTPREPLY_REPLY);
        ck_assert_uint_eq(count, 1);
        ck_assert_uint_eq(r[0].line_count, 3);
        ck_assert_uint_eq(r[0].lines_stored, 0);
        ck_assert_ptr_nonnull(r[0].text);
        ck_assert_int_eq(smtpreply_parser_feed_many(&q, NULL, 0, &used, r, 8, &count),
                         SMTPREPLY_NEED_MORE);
    }
}
END_TEST

START_TEST(line_iteration)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    char text[256];
    const char *in = "250-first\r\n250-\r\n250 last\r\n";
    const char *want[] = { "first", "", "last" };
    const char *t;
    size_t used, n, pos = 0, i = 0;
    smtpreply_parser_init(&p, text, sizeof text);
    ck_assert_int_eq(smtpreply_parser_feed(&p, in, strlen(in), &used, &r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(r.line_count, 3);
    while (smtpreply_reply_line(&r, &pos, &t, &n)) {
        ck_assert_uint_lt(i, 3);
        ck_assert_uint_eq(n, strlen(want[i]));
        ck_assert(memcmp(t, want[i], n) == 0);
        i++;
    }
    ck_assert_uint_eq(i, 3);
    /* NULL arguments end the iteration instead of crashing. */
    pos = 0;
    ck_assert_int_eq(smtpreply_reply_line(NULL, &pos, &t, &n), 0);
    ck_assert_int_eq(smtpreply_reply_line(&r, NULL, &t, &n), 0);
}
END_TEST

START_TEST(arguments)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    struct smtpreply_error e;
    struct smtpreply_options o;
    char text[16];
    size_t used = 7;
    ck_assert_uint_eq(smtpreply_parser_size(), sizeof(struct smtpreply_parser));
    ck_assert_uint_eq(smtpreply_parser_size(), SMTPREPLY_PARSER_SIZE);
    ck_assert_int_eq(smtpreply_parser_init(NULL, text, sizeof text), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_init(&p, NULL, 5), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_init(&p, NULL, 0), SMTPREPLY_OK);
    smtpreply_options_default(&o);
    ck_assert_uint_eq(o.max_line_length, SMTPREPLY_DEFAULT_MAX_LINE);
    ck_assert_uint_eq(o.max_lines, SMTPREPLY_DEFAULT_MAX_LINES);
    o.max_line_length = 4;
    ck_assert_int_eq(smtpreply_parser_init_ex(&p, text, sizeof text, &o), SMTPREPLY_E_INVALID_ARG);
    smtpreply_options_default(NULL);
    ck_assert_int_eq(smtpreply_parser_init(&p, text, sizeof text), SMTPREPLY_OK);
    ck_assert_int_eq(smtpreply_parser_feed(NULL, "x", 1, &used, &r), SMTPREPLY_E_INVALID_ARG);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(smtpreply_parser_feed(&p, NULL, 1, &used, &r), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed(&p, "x", 1, NULL, &r), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_feed(&p, NULL, 0, &used, NULL), SMTPREPLY_NEED_MORE);
    ck_assert_int_eq(smtpreply_parser_feed(&p, "250 x\r\n", 7, &used, NULL), SMTPREPLY_REPLY);
    ck_assert_int_eq(smtpreply_parser_error(NULL, &e), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_error(&p, NULL), SMTPREPLY_E_INVALID_ARG);
    ck_assert_int_eq(smtpreply_parser_error(&p, &e), SMTPREPLY_OK);
    ck_assert_int_eq(e.status, 0);
    ck_assert_int_eq(smtpreply_parser_finish(NULL, &r), SMTPREPLY_E_INVALID_ARG);
    smtpreply_parser_reset(NULL);
}
END_TEST

START_TEST(reset_and_finish)
{
    struct smtpreply_parser p;
    struct smtpreply_reply r;
    struct smtpreply_error e;
    char text[64];
    size_t used;
    smtpreply_parser_init(&p, text, sizeof text);
    ck_assert_int_eq(smtpreply_parser_feed(&p, "250-a\r\n250 b", 12, &used, &r), SMTPREPLY_NEED_MORE);
    smtpreply_parser_reset(&p);
    ck_assert_int_eq(smtpreply_parser_feed(&p, "221 bye\r\n", 9, &used, &r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(r.offset, 0);
    ck_assert_str_eq(r.text, "bye");
    ck_assert_int_eq(smtpreply_parser_feed(&p, "250 unfinished", 14, &used, &r), SMTPREPLY_NEED_MORE);
    ck_assert_int_eq(smtpreply_parser_finish(&p, &r), SMTPREPLY_E_INCOMPLETE);
    smtpreply_parser_error(&p, &e);
    ck_assert_int_eq(e.status, SMTPREPLY_E_INCOMPLETE);
    ck_assert_str_eq(e.name, "incomplete");
    ck_assert_uint_eq(e.offset, 9);
    ck_assert_uint_eq(e.line, 2);
    /* finish also starts a new stream. */
    ck_assert_int_eq(smtpreply_parser_feed(&p, "250 x\r\n", 7, &used, &r), SMTPREPLY_REPLY);
    ck_assert_uint_eq(r.offset, 0);
    ck_assert_uint_eq(r.first_line, 1);
}
END_TEST

START_TEST(status_names)
{
    int s;
    ck_assert_str_eq(smtpreply_status_name(SMTPREPLY_E_CODE_MISMATCH), "code-mismatch");
    ck_assert_str_eq(smtpreply_status_name(12345), "unknown");
    ck_assert_str_eq(smtpreply_strerror(12345), "Unknown status value.");
    for (s = SMTPREPLY_E_NOT_EHLO; s <= SMTPREPLY_REPLY; s++) {
        ck_assert_str_ne(smtpreply_status_name(s), "unknown");
        ck_assert(strlen(smtpreply_strerror(s)) > 20);
    }
    ck_assert_str_eq(smtpreply_version(), SMTPREPLY_VERSION_STRING);
    /* Every reply flag has a name; the tools print these. */
    for (s = 0; s <= 10; s++)
        ck_assert_str_ne(smtpreply_flag_name(1u << s), "unknown");
    ck_assert_str_eq(smtpreply_flag_name(SMTPREPLY_FLAG_BARE_LF), "bare-lf");
    ck_assert_str_eq(smtpreply_flag_name(1u << 20), "unknown");
    ck_assert_str_eq(smtpreply_flag_name(3), "unknown");
    ck_assert_str_eq(smtpreply_verdict_flag_name(SMTPREPLY_VERDICT_UNEXPECTED), "unexpected-for-command");
    ck_assert_str_eq(smtpreply_verdict_flag_name(0), "unknown");
}
END_TEST

START_TEST(enhanced_parse_agrees)
{
    /* smtpreply_enhanced_parse and the parser recognise the same codes. */
    static const char *forms[] = {
        "5.1.1", "5.7.26", "5.7.606", "4.4.2", "2.0.0", "5.123.456", "5.1234.1", "5.1.1234",
        "3.0.0", "5.1", "5..1", "5.1.", ".1.1", "6.1.1", "5.1.1x", "5.01.001", "4.7.0",
    };
    size_t i;
    for (i = 0; i < ARRAY_SIZE(forms); i++) {
        char in[64], want[64];
        struct smtpreply_enhanced e;
        size_t n = smtpreply_enhanced_parse(forms[i], strlen(forms[i]), &e);
        snprintf(in, sizeof in, "%c50 %s t\r\n", forms[i][0] >= '2' && forms[i][0] <= '5' ? forms[i][0] : '5', forms[i]);
        (void)feed_chunked(in, strlen(in), NULL, 0, LOG_BRIEF, got, sizeof got);
        if (n) {
            ck_assert_uint_eq(n, strlen(forms[i]));
            snprintf(want, sizeof want, "%u.%u.%u", e.klass, e.subject, e.detail);
            ck_assert_msg(strstr(got, want) != NULL, "%s: %s", forms[i], got);
            ck_assert_msg(strstr(got, "' t'") == NULL && strstr(got, "'t'") != NULL, "%s: %s", forms[i], got);
        } else {
            ck_assert_msg(strncmp(got + 4, "- ", 2) == 0, "%s: %s", forms[i], got);
        }
    }
    ck_assert_uint_eq(smtpreply_enhanced_parse(NULL, 5, NULL), 0);
}
END_TEST

/* The test's own UTF-8 definition (RFC 3629): the length of the valid character at
 * t[0..n), or 0 when the bytes there are not one. */
static size_t utf8_char_len(const unsigned char *t, size_t n)
{
    unsigned char c = t[0], lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (i = 1; i <= need; i++) {
        if (i >= n || t[i] < lo || t[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* The longest prefix of t[0..n) of at most k bytes that ends between characters
 * (a byte that starts no valid character counts as one). */
static size_t boundary_at_most(const char *t, size_t n, size_t k)
{
    size_t i = 0, len;

    while (i < n) {
        len = utf8_char_len((const unsigned char *)t + i, n - i);
        if (len == 0)
            len = 1;
        if (i + len > k)
            break;
        i += len;
    }
    return i;
}

/* enum smtpreply_encoding of t[0..n) by the test's definition. */
static int encoding_of(const char *t, size_t n)
{
    size_t i = 0, len;
    int high = 0;

    while (i < n) {
        len = utf8_char_len((const unsigned char *)t + i, n - i);
        if (len == 0)
            return SMTPREPLY_TEXT_OTHER;
        high |= len > 1;
        i += len;
    }
    return high ? SMTPREPLY_TEXT_UTF8 : SMTPREPLY_TEXT_ASCII;
}

/* The last reply of in[0..n) with a text buffer of cap bytes and a line limit of
 * max_line (0: default), fed whole (mode 0), a byte a call (1) or through
 * smtpreply_parser_feed_many() (2); its text copied to text. Returns the errors. */
static int last_reply(const char *in, size_t n, size_t cap, uint32_t max_line, int mode,
                      struct smtpreply_reply *out, char *text)
{
    static char buf[4096];
    struct smtpreply_parser p;
    struct smtpreply_options o;
    struct smtpreply_reply r[4];
    size_t at = 0, used, count, i;
    int rc, errors = 0;

    smtpreply_options_default(&o);
    o.max_line_length = max_line;
    ck_assert(cap <= sizeof buf);
    ck_assert_int_eq(smtpreply_parser_init_ex(&p, buf, cap, &o), SMTPREPLY_OK);
    memset(out, 0, sizeof *out);
    while (at < n) {
        size_t len = mode == 1 ? 1 : n - at;
        count = 0;
        if (mode == 2) {
            rc = smtpreply_parser_feed_many(&p, in + at, len, &used, r, 4, &count);
        } else {
            rc = smtpreply_parser_feed(&p, in + at, len, &used, r);
            count = rc == SMTPREPLY_REPLY;
        }
        errors += rc < 0;
        for (i = 0; i < count; i++) {
            *out = r[i];
            memcpy(text, r[i].text, r[i].text_len);
            out->text = text;
        }
        at += used;
    }
    ck_assert_int_eq(smtpreply_parser_finish(&p, NULL), SMTPREPLY_OK);
    return errors;
}

/*
 * A cut -- the text buffer full, or the line over its limit -- never ends the
 * stored text inside a character: when the first byte left out continues a
 * character, that character's stored bytes go too. encoding describes exactly the
 * stored text. Cut points swept through characters of 2, 3 and 4 bytes, at both
 * limits; the text also holds a byte that is no UTF-8 (0xFF), so the verdict
 * changes with the cut.
 */
START_TEST(utf8_cuts)
{
    static const char *chars[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x93\xa7" };
    char t[64], joined[160], in[200], text[4096];
    struct smtpreply_reply r;
    size_t tn, jn, n, k, want, cap;
    uint32_t m;
    int mode, errors;

    tn = (size_t)snprintf(t, sizeof t, "ab%scd%s%se\xff" "f%s", chars[_i], chars[_i], chars[_i],
                          chars[_i]);
    for (mode = 0; mode < 3; mode++) {
        /* The text buffer: one line, then the cut in either line of two. */
        for (n = 1; n <= 2; n++) {
            size_t inlen = n == 1 ? (size_t)snprintf(in, sizeof in, "250 %s\r\n", t)
                                  : (size_t)snprintf(in, sizeof in, "250-%s\r\n250 %s\r\n", t, t);
            jn = n == 1 ? (size_t)snprintf(joined, sizeof joined, "%s", t)
                        : (size_t)snprintf(joined, sizeof joined, "%s\n%s", t, t);
            for (cap = 1; cap <= jn + 2; cap++) {
                errors = last_reply(in, inlen, cap, 0, mode, &r, text);
                k = cap - 1 < jn ? cap - 1 : jn;
                want = boundary_at_most(joined, jn, k);
                ck_assert_int_eq(errors, 0);
                ck_assert_msg(r.text_len == want, "char %d lines %zu cap %zu mode %d: %zu bytes, want %zu",
                              _i, n, cap, mode, r.text_len, want);
                ck_assert(memcmp(r.text, joined, want) == 0);
                ck_assert_msg((int)r.encoding == encoding_of(joined, want),
                              "char %d lines %zu cap %zu mode %d: encoding %u", _i, n, cap, mode,
                              r.encoding);
                ck_assert_uint_eq(!!(r.flags & SMTPREPLY_FLAG_TRUNCATED), jn > cap - 1);
                ck_assert(r.flags & SMTPREPLY_FLAG_8BIT);
            }
        }
        /* The line limit, on the first line of two: the second line follows. */
        n = (size_t)snprintf(in, sizeof in, "250-%s\r\n250 z\r\n", t);
        for (m = 5; m <= 4 + tn + 2 + 1; m++) {
            errors = last_reply(in, n, sizeof text, m, mode, &r, text);
            k = m - 4 < tn ? m - 4 : tn;
            want = boundary_at_most(t, tn, k);
            jn = (size_t)snprintf(joined, sizeof joined, "%.*s\nz", (int)want, t);
            ck_assert_int_eq(errors, (4 + tn + 2 > m) + (7 > m));
            ck_assert_msg(r.text_len == jn && memcmp(r.text, joined, jn) == 0,
                          "char %d limit %u mode %d: %zu bytes, want %zu", _i, m, mode,
                          r.text_len, jn);
            ck_assert_msg((int)r.encoding == encoding_of(joined, jn),
                          "char %d limit %u mode %d: encoding %u", _i, m, mode, r.encoding);
        }
    }
}
END_TEST

static Suite *parser_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("table");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, table, 0, (int)parser_case_count);
    tcase_add_loop_test(tc, table_chunked, 0, (int)parser_case_count);
    tcase_add_loop_test(tc, table_line_path, 0, (int)parser_case_count);
    tcase_add_test(tc, all_codes);
    tcase_add_test(tc, all_separators);
    tcase_add_test(tc, line_lengths);
    tcase_add_test(tc, positions);
    tcase_add_test(tc, one_reply_per_call);
    tcase_add_test(tc, many_per_call);
    tcase_add_test(tc, line_iteration);
    tcase_add_test(tc, arguments);
    tcase_add_test(tc, reset_and_finish);
    tcase_add_test(tc, status_names);
    tcase_add_test(tc, enhanced_parse_agrees);
    tcase_add_loop_test(tc, utf8_cuts, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_per_parser_variant(parser_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
