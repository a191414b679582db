/* SPDX-License-Identifier: MIT */
/*
 * Properties over every table case and a fixed-seed generated set:
 * - split invariance: the whole input, byte by byte, one cut at every offset and
 *   random splits all give the same FULL log (replies, errors, offsets, flags);
 * - recovery: a good reply after a bad line parses exactly as it does alone;
 * - smtpreply_parser_feed_many(), whole and in pieces, logs what feed() logs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parser_cases.h"

static char whole[1 << 17], got[1 << 17];

/* smtpreply_parser_feed_many() with several array sizes, whole and in random
 * pieces, must log what smtpreply_parser_feed() logs (want). */
static void check_many(const char *name, const char *in, size_t len, const struct feed_opts *fo,
                       const char *want, uint64_t seed)
{
    static const size_t manys[] = { 1, FEED_MANY_MAX };
    struct feed_opts m;
    uint64_t rng = seed;
    size_t i, round;

    memset(&m, 0, sizeof m);
    if (fo)
        m = *fo;
    for (i = 0; i < ARRAY_SIZE(manys); i++) {
        m.many = manys[i];
        (void)feed_log(in, len, &m, NULL, 0, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "%s feed_many(%zu):\n got: %s\nwant: %s", name,
                      manys[i], got, want);
    }
    for (round = 0; round < 4 && len > 1; round++) {
        size_t cuts[8], n = 0, at = 0;
        m.many = 1 + (size_t)(test_rand(&rng) % FEED_MANY_MAX);
        while (n < 8) {
            at += 1 + (size_t)(test_rand(&rng) % (len / 2 + 2));
            if (at >= len)
                break;
            cuts[n++] = at;
        }
        (void)feed_log(in, len, &m, cuts, n, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "%s feed_many(%zu) split %zu:\n got: %s\nwant: %s",
                      name, m.many, round, got, want);
    }
}

/*
 * Every how many offsets the one-cut loop below cuts: 1 (every offset) unless
 * SMTPREPLY_TEST_CUT_STRIDE says more. tests/valgrind/run.sh sets it, as the
 * all-offsets loop is quadratic in the input and dominated the valgrind step;
 * the other builds, the sanitizer one among them, still cut at every offset.
 */
static size_t cut_stride(void)
{
    const char *v = getenv("SMTPREPLY_TEST_CUT_STRIDE");
    long n = v ? strtol(v, NULL, 10) : 1;

    return n > 1 && n < 1000 ? (size_t)n : 1;
}

static void check_splits(const char *name, const char *in, size_t len, const struct feed_opts *fo,
                         uint64_t seed)
{
    size_t cut, round, stride = cut_stride();
    uint64_t rng = seed;
    (void)feed_log(in, len, fo, NULL, 0, LOG_FULL, whole, sizeof whole);
    (void)feed_chunked(in, len, fo, 1, LOG_FULL, got, sizeof got);
    ck_assert_msg(strcmp(got, whole) == 0, "%s byte by byte:\n got: %s\nwant: %s", name, got, whole);
    /* With a stride, each input starts at another offset (by its seed), so the
     * inputs together still meet every residue. */
    for (cut = 1 + (size_t)(seed % stride); cut < len; cut += stride) {
        (void)feed_log(in, len, fo, &cut, 1, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, whole) == 0, "%s cut at %zu:\n got: %s\nwant: %s", name, cut, got, whole);
    }
    for (round = 0; round < 40 && len > 1; round++) {
        size_t cuts[32], n = 0, at = 0;
        while (n < 32) {
            at += 1 + (size_t)(test_rand(&rng) % (len / 4 + 2));
            if (at >= len)
                break;
            cuts[n++] = at;
        }
        (void)feed_log(in, len, fo, cuts, n, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, whole) == 0, "%s random split %zu:\n got: %s\nwant: %s", name, round, got, whole);
    }
    check_many(name, in, len, fo, whole, rng);
}

START_TEST(table_splits)
{
    const struct parser_case *c = &parser_cases[_i];
    size_t len = c->len ? c->len : strlen(c->input);
    check_splits(c->name, c->input, len, &c->opts, 0x5EED0000u + (uint64_t)_i);
}
END_TEST

/* A random but well-formed-ish session: codes, continuation lines, enhanced codes,
 * text bytes of every kind, occasional garbage and bare LFs. */
static size_t generate(uint64_t *rng, char *out, size_t cap)
{
    static const char *texts[] = { "Ok", "mx.example.com ESMTP", "PIPELINING", "SIZE 35882577",
        "<a@example.org>: Recipient address rejected: User unknown", "Greylisted, see http://x/",
        "", " ", "\xc3\xa9t\xc3\xa9", "\x80\xff", "a\rb", "tab\there", "5.1.1", "dots 1.2.3" };
    static const char *enh[] = { "", "2.0.0 ", "5.1.1 ", "4.7.1 ", "5.7.26 ", "4.2.0 ", "5.123.456 " };
    size_t n = 0;
    while (n + 400 < cap) {
        uint64_t r = test_rand(rng);
        unsigned code = 200 + (unsigned)(r % 400);
        unsigned lines = 1 + (unsigned)((r >> 12) % 4), l;
        const char *e = enh[(r >> 20) % ARRAY_SIZE(enh)];
        if ((r >> 30) % 23 == 0)
            n += (size_t)snprintf(out + n, cap - n, "garbage %u\r\n", code);
        for (l = 0; l < lines; l++) {
            uint64_t q = test_rand(rng);
            const char *eol = (q % 11 == 0) ? "\n" : "\r\n";
            if (q % 17 == 0 && l == lines - 1) {
                n += (size_t)snprintf(out + n, cap - n, "%u%s", code, eol);
                continue;
            }
            n += (size_t)snprintf(out + n, cap - n, "%u%c%s%s%s", code, l + 1 < lines ? '-' : ' ', e,
                                  texts[(q >> 8) % ARRAY_SIZE(texts)], eol);
        }
        if ((r >> 40) % 5 == 0)
            break;
    }
    return n;
}

START_TEST(generated_splits)
{
    uint64_t rng = 0xC0FFEEu + (uint64_t)_i * 7919u;
    static char in[8192];
    size_t len = generate(&rng, in, sizeof in);
    char name[32];
    struct feed_opts small = { 0, 0, 0, 3, 64, 0, 0 };
    snprintf(name, sizeof name, "generated %d", _i);
    check_splits(name, in, len, NULL, rng);
    check_splits(name, in, len, &small, rng);
}
END_TEST

/* After any bad line, a good reply parses exactly as it does on its own. */
/* Every text capacity from 1 to 300 bytes, every line limit from 5 to 200 octets:
 * the fast path copies in fixed-size blocks and must leave exactly what the byte
 * machine (fed one byte at a time) leaves, truncation flags and stored line counts
 * included, at every edge of its room checks (64- and 128-byte copies, the NUL,
 * the window against the line limit). */
START_TEST(capacity_sweep)
{
    static const char in[] =
        "220 mx.example.com ESMTP Postfix (Debian/GNU) ready for you, take your time\r\n"
        "250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
        "250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n"
        "250 2.1.0 Ok\r\n"
        "250 2.0.0 OK  1732800000 a640c23a62f3a-a9a1b2c3d4e5f.123 - gsmtp for <someone@example.org>\r\n"
        "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail\r\n"
        "550-5.7.26 requires all senders to authenticate with either SPF or DKIM.\r\n"
        "550 5.7.26  https://support.google.com/mail/answer/81126 - gsmtp\r\n"
        "354 End data with <CR><LF>.<CR><LF>\r\n221 2.0.0 Bye\r\n"
        "250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n";
    struct feed_opts fo = { 0, 0, 0, 0, 0, 0, 0 };
    size_t cap;
    char name[48];

    for (cap = 1; cap <= 300; cap++) {
        fo.cap = cap;
        (void)feed_log(in, sizeof in - 1, &fo, NULL, 0, LOG_FULL, whole, sizeof whole);
        (void)feed_chunked(in, sizeof in - 1, &fo, 1, LOG_FULL, got, sizeof got);
        if (strcmp(got, whole) != 0) {
            snprintf(name, sizeof name, "capacity %zu", cap);
            ck_abort_msg("%s byte by byte:\n got: %s\nwant: %s", name, got, whole);
        }
        /* Replies after the first of a batch share the rest of the buffer. */
        fo.many = FEED_MANY_MAX;
        (void)feed_log(in, sizeof in - 1, &fo, NULL, 0, LOG_FULL, got, sizeof got);
        fo.many = 0;
        if (strcmp(got, whole) != 0)
            ck_abort_msg("capacity %zu feed_many:\n got: %s\nwant: %s", cap, got, whole);
    }
    /* The same for the line limit (the windows need room for a 64- or 128-byte
     * line) and the lines-per-reply limit, strict 512 on and off. */
    fo.cap = 0;
    for (cap = 5; cap <= 200; cap++) {
        fo.max_line = (uint32_t)cap;
        fo.max_lines = (uint32_t)(cap % 9 + 1);
        fo.strict = cap % 2 ? SMTPREPLY_STRICT_LINE_512 : 0;
        (void)feed_log(in, sizeof in - 1, &fo, NULL, 0, LOG_FULL, whole, sizeof whole);
        (void)feed_chunked(in, sizeof in - 1, &fo, 1, LOG_FULL, got, sizeof got);
        if (strcmp(got, whole) != 0) {
            snprintf(name, sizeof name, "line limit %zu, %u lines", cap, (unsigned)fo.max_lines);
            ck_abort_msg("%s byte by byte:\n got: %s\nwant: %s", name, got, whole);
        }
        fo.many = FEED_MANY_MAX;
        (void)feed_log(in, sizeof in - 1, &fo, NULL, 0, LOG_FULL, got, sizeof got);
        fo.many = 0;
        if (strcmp(got, whole) != 0)
            ck_abort_msg("line limit %zu, %u lines, feed_many:\n got: %s\nwant: %s", cap,
                         (unsigned)fo.max_lines, got, whole);
    }
}
END_TEST

/* Multiline replies whose further lines are 40 to 200 bytes long, with the first
 * line's enhanced code (the batch path takes lines up to 127 bytes in its own
 * loop), another one and none, then one with a stray CR: every length meets the
 * 64- and 128-byte window edges at another place. The whole input, byte by byte
 * and through feed_many() must agree (all cuts would take too long here). */
START_TEST(continuation_lengths)
{
    static char in[4096], fill[256];
    struct feed_opts many = { 0, 0, 0, 0, 0, 0, 0 };
    size_t len, n;

    many.many = FEED_MANY_MAX;
    for (len = 40; len <= 200; len++) {
        memset(fill, 'a' + (int)(len % 26), len);
        fill[len] = '\0';
        n = (size_t)snprintf(in, sizeof in,
                             "550-5.7.26 first %s\r\n550-5.7.26 %s\r\n550-5.7.26 %.*s\r\n"
                             "550-5.7.26 %s\r\n550-5.7.1 %s\r\n550-%s\r\n550 5.7.26 %s\r\n"
                             "550-5.7.26 %.*s\r\n550-5.7.26 %.*s\rx\r\n550 5.7.26 %s\r\n"
                             "250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n"
                             "250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n",
                             fill, fill, (int)(len / 2), fill, fill + 1, fill, fill, fill,
                             (int)(len - 30), fill, (int)len, fill, fill);
        (void)feed_log(in, n, NULL, NULL, 0, LOG_FULL, whole, sizeof whole);
        (void)feed_chunked(in, n, NULL, 1, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, whole) == 0, "lines of %zu byte by byte:\n got: %s\nwant: %s",
                      len, got, whole);
        (void)feed_log(in, n, &many, NULL, 0, LOG_FULL, got, sizeof got);
        ck_assert_msg(strcmp(got, whole) == 0, "lines of %zu feed_many:\n got: %s\nwant: %s",
                      len, got, whole);
    }
}
END_TEST

START_TEST(recovery)
{
    static const char *bad[] = {
        "hello\r\n", "\r\n", "\n", "25\r\n", "2500 x\r\n", "150 x\r\n", "250xok\r\n", "\x01\x02\r\n",
        "0\r\n", " 250 x\r\n", "250\r\r\n", "\r\r\n", "9\n", "\xff\xfe\xfd\n",
    };
    static const char *good[] = {
        "250 ok\r\n", "250-a\r\n250 b\r\n", "550 5.1.1 gone\r\n", "250\r\n", "220 \xc3\xa9\r\n",
        GMAIL_550,
    };
    size_t b, g;
    char alone[4096], after[4096], in[4096];
    for (g = 0; g < ARRAY_SIZE(good); g++) {
        (void)feed_chunked(good[g], strlen(good[g]), NULL, 0, LOG_BRIEF, alone, sizeof alone);
        for (b = 0; b < ARRAY_SIZE(bad); b++) {
            const char *tail;
            size_t k;
            snprintf(in, sizeof in, "%s%s", bad[b], good[g]);
            for (k = 0; k <= 3; k++) {
                int errors = feed_chunked(in, strlen(in), NULL, k, LOG_BRIEF, after, sizeof after);
                ck_assert_msg(errors == 1, "bad %zu good %zu: %s", b, g, after);
                tail = strchr(after, '\n');
                ck_assert_msg(tail && strcmp(tail + 1, alone) == 0, "bad %zu good %zu chunk %zu:\n%s\nalone:\n%s",
                              b, g, k, after, alone);
            }
        }
    }
}
END_TEST

static Suite *split_suite(void)
{
    Suite *s = suite_create("split");
    TCase *tc = tcase_create("split");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, table_splits, 0, (int)parser_case_count);
    tcase_add_loop_test(tc, generated_splits, 0, 60);
    tcase_add_test(tc, capacity_sweep);
    tcase_add_test(tc, continuation_lengths);
    tcase_add_test(tc, recovery);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_per_parser_variant(split_suite) ? EXIT_FAILURE : EXIT_SUCCESS;
}
