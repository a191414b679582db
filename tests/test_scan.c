/* SPDX-License-Identifier: MIT */
/*
 * The text scanner (lib/scan.c): every implementation this build has and this CPU
 * can run -- scalar, SSE2, AVX2, NEON -- must return exactly what a byte-by-byte
 * definition returns: the index of the first LF, CR, NUL or byte >= 0x80, or n.
 * Inputs sit right after and right before an inaccessible page, so a vector step
 * that reads outside [p, p + n) crashes the test.
 *
 * The parser's fast-path block and window (lib/scan_block.h) are held to their own
 * contract: every byte below 0x0E or from 0x80 up is marked, the lowest mark is
 * such a byte, a mark on any other byte lies above a real one, and the block's
 * bytes are copied exactly.
 */
#define _DEFAULT_SOURCE

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "scan_block.h"

typedef size_t (*scan_fn)(const char *p, size_t n);

#define MAX_LEN 300
#define MAX_VARIANTS 8

static scan_fn fns[MAX_VARIANTS];
static const char *names[MAX_VARIANTS];
static size_t nfns;

/* Three pages: guard, data, guard. */
static unsigned char *region;
static size_t page;

static int is_special(unsigned c)
{
    return c == '\n' || c == '\r' || c == 0 || c >= 0x80;
}

/* The definition the implementations are held to. */
static size_t reference(const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n && !is_special(p[i]); i++)
        ;
    return i;
}

static void setup(void)
{
    size_t i;
    page = (size_t)sysconf(_SC_PAGESIZE);
    region = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(region != MAP_FAILED, "mmap failed");
    ck_assert_int_eq(mprotect(region, page, PROT_NONE), 0);
    ck_assert_int_eq(mprotect(region + 2 * page, page, PROT_NONE), 0);
    for (nfns = 0, i = 0; i < MAX_VARIANTS && nfns < MAX_VARIANTS; i++) {
        if (smtpreply__scan_variant(i, &names[nfns], &fns[nfns]))
            nfns++;
    }
    ck_assert_msg(nfns >= 1 && strcmp(names[0], "scalar") == 0, "no scalar variant");
}

static void teardown(void)
{
    munmap(region, 3 * page);
}

/* Where a buffer of len bytes starts: flush against the leading guard page
 * (where = 0) or ending at the trailing one (where = 1). */
static unsigned char *place(size_t len, int where)
{
    unsigned char *data = region + page;
    return where ? data + page - len : data;
}

/* Every variant and the dispatched entry point agree with the definition. */
static void check_all(const unsigned char *p, size_t n, const char *what, size_t a, size_t b)
{
    size_t want = reference(p, n), k, got;
    for (k = 0; k < nfns; k++) {
        got = fns[k]((const char *)p, n);
        if (got != want)    /* not ck_assert: it reports every pass to the runner */
            ck_abort_msg("%s %zu/%zu: %s gives %zu, want %zu", what, a, b, names[k], got, want);
    }
    got = smtpreply__scan_text((const char *)p, n);
    if (got != want)
        ck_abort_msg("%s %zu/%zu: dispatched scan gives %zu, want %zu", what, a, b, got, want);
}

START_TEST(variants_listed)
{
    size_t k;
    for (k = 1; k < nfns; k++)
        ck_assert(fns[k] != NULL);
    ck_assert_int_eq(smtpreply__scan_variant(MAX_VARIANTS + 1, NULL, NULL), 0);
    /* The list says what ran, so a log shows whether the vector paths were tested. */
    fprintf(stderr, "scan variants:");
    for (k = 0; k < nfns; k++)
        fprintf(stderr, " %s", names[k]);
    fprintf(stderr, "\n");
}
END_TEST

/* Plain text of every length 0..300: the answer is n, at both ends of the page. */
START_TEST(no_special)
{
    size_t len, i;
    int where;
    for (where = 0; where < 2; where++) {
        for (len = 0; len <= MAX_LEN; len++) {
            unsigned char *p = place(len, where);
            for (i = 0; i < len; i++)
                p[i] = (unsigned char)(' ' + (i * 7) % 95);
            check_all(p, len, "plain", len, (size_t)where);
        }
    }
}
END_TEST

/* One special byte (loop index picks which) at every position of every length
 * 0..300, with plain text around it, at both ends of the page. */
static const unsigned char specials[] = { '\n', '\r', 0, 0x80, 0xC3, 0xE2, 0xFF };

START_TEST(every_position)
{
    unsigned char sp = specials[_i];
    size_t len, pos, i;
    int where;
    for (where = 0; where < 2; where++) {
        for (len = 1; len <= MAX_LEN; len++) {
            unsigned char *p = place(len, where);
            for (i = 0; i < len; i++)
                p[i] = (unsigned char)('A' + i % 26);
            for (pos = 0; pos < len; pos++) {
                p[pos] = sp;
                check_all(p, len, "position/length", pos, len);
                /* A second special later on must not win over the first. */
                if (pos + 1 < len) {
                    p[len - 1] = '\n';
                    check_all(p, len, "two specials", pos, len);
                    p[len - 1] = (unsigned char)('A' + (len - 1) % 26);
                }
                p[pos] = (unsigned char)('A' + pos % 26);
            }
        }
    }
}
END_TEST

/* Every byte value at every position of lengths up to 70 (past two AVX2 blocks):
 * special or not, every variant must classify it the same way. */
START_TEST(all_byte_values)
{
    unsigned v;
    size_t len, pos, i;
    for (v = 0; v < 256; v++) {
        for (len = 1; len <= 70; len++) {
            unsigned char *p = place(len, 1);
            for (i = 0; i < len; i++)
                p[i] = 'x';
            for (pos = 0; pos < len; pos++) {
                p[pos] = (unsigned char)v;
                check_all(p, len, "byte value", v, pos);
                if (smtpreply__scan_text_scalar((const char *)p, len) != (is_special(v) ? pos : len))
                    ck_abort_msg("byte %u at %zu of %zu: scalar is wrong", v, pos, len);
                p[pos] = 'x';
            }
        }
    }
}
END_TEST

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Random lengths, alignments and densities of special bytes, fixed seed. */
START_TEST(random_data)
{
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    int round;
    for (round = 0; round < 200000; round++) {
        size_t len = (size_t)(rnd(&s) % (MAX_LEN + 1));
        size_t shift = (size_t)(rnd(&s) % 64), i;
        unsigned density = (unsigned)(rnd(&s) % 4);  /* 0: none .. 3: many */
        /* Even rounds start shift bytes after the leading guard page; odd ones
         * end right at the trailing one. */
        unsigned char *p = (round & 1) ? place(len, 1) : place(0, 0) + shift;
        for (i = 0; i < len; i++) {
            uint64_t r = rnd(&s);
            unsigned c = (unsigned)(r & 0xFF);
            if (density == 0 || (r >> 32) % (density == 1 ? 512u : density == 2 ? 64u : 4u))
                c = 0x20 + (unsigned)((r >> 8) % 95);  /* printable */
            p[i] = (unsigned char)c;
        }
        check_all(p, len, "random round", (size_t)round, len);
    }
}
END_TEST

/* Reply-shaped text: the scan stops at the CR of every line. */
START_TEST(reply_lines)
{
    static const char text[] =
        "250-mx.example.com Hello [192.0.2.1]\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n"
        "250 SMTPUTF8\r\n550 5.1.1 caf\xc3\xa9 unknown\r\n";
    size_t len = sizeof text - 1, off = 0, stops = 0, k;
    unsigned char *p = place(len, 1);
    memcpy(p, text, len);
    while (off < len) {
        for (k = 0; k < nfns; k++)
            ck_assert_uint_eq(fns[k]((const char *)p + off, len - off),
                              reference(p + off, len - off));
        off += reference(p + off, len - off) + 1;
        stops++;
    }
    ck_assert_uint_eq(stops, 12);   /* CR and LF of 5 lines, the 2 bytes of the é */
}
END_TEST

/* ---- lib/scan_block.h ------------------------------------------------------- */

static int is_candidate(unsigned c)
{
    return c < 0x0E || c >= 0x80;
}

/* Check one mask over bytes p[0..width) against the contract; returns a reason or
 * NULL. pos_of() turns the mask's lowest bit into a byte index. */
static const char *judge_mask(const unsigned char *p, size_t width, uint64_t m)
{
    size_t i, first = width;
    uint64_t seen = 0;

    for (i = 0; i < width; i++) {
        if (is_candidate(p[i])) {
            first = i;
            break;
        }
    }
    if (first == width)
        return m == 0 ? NULL : "mark without a candidate";
    if (m == 0 || smtpreply__block_pos(m) != first)
        return "lowest mark is not the first candidate";
    /* Walk the marks: each real candidate must be among them. */
    while (m) {
        size_t k = smtpreply__block_pos(m);
        if (k >= width)
            return "mark outside the block";
        if (k < first)
            return "mark below the first candidate";
        if (k < 64)
            seen |= (uint64_t)1 << k;
        m &= m - 1;
    }
    for (i = 0; i < width; i++) {
        if (is_candidate(p[i]) && !(seen & ((uint64_t)1 << i)))
            return "candidate not marked";
    }
    return NULL;
}

#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
__attribute__((target("avx2")))
static uint64_t window_avx2(const unsigned char *p)
{
    return smtpreply__window_avx2(p);
}

static int have_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}
#endif

/* One input through the block, the window and (where it runs) the AVX2 window. */
static void check_block(const unsigned char *p, const char *what, int round)
{
    char out[SMTPREPLY_BLOCK];
    uint64_t m = smtpreply__block(p, out);
    const char *why = judge_mask(p, SMTPREPLY_BLOCK, m);

    if (why)
        ck_abort_msg("%s %d: block: %s", what, round, why);
    if (memcmp(out, p, SMTPREPLY_BLOCK) != 0)
        ck_abort_msg("%s %d: block copied wrong bytes", what, round);
    /* The window is "first half with a candidate": marks up to its first one. */
    m = smtpreply__window(p);
    if (m) {
        size_t k = smtpreply__block_pos(m), i;
        for (i = 0; i < k; i++) {
            if (is_candidate(p[i]))
                ck_abort_msg("%s %d: window missed byte %zu", what, round, i);
        }
        if (!is_candidate(p[k]))
            ck_abort_msg("%s %d: window's lowest mark is byte %zu, not a candidate", what, round, k);
    } else {
        size_t i;
        for (i = 0; i < SMTPREPLY_WINDOW; i++) {
            if (is_candidate(p[i]))
                ck_abort_msg("%s %d: window empty but byte %zu is a candidate", what, round, i);
        }
    }
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
    if (have_avx2() && window_avx2(p) != smtpreply__window(p))
        ck_abort_msg("%s %d: AVX2 window differs from the baseline one", what, round);
#endif
}

START_TEST(block_and_window)
{
    static const unsigned char odd[] = { 0, 9, 10, 13, 14, 31, 127, 128, 255, '-', ' ' };
    const size_t width = SMTPREPLY_WINDOW > SMTPREPLY_BLOCK ? SMTPREPLY_WINDOW : SMTPREPLY_BLOCK;
    unsigned char *p = place(width, 1);     /* ends at the guard page */
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    size_t i, j, v;
    int round;

    /* One odd byte at each position in plain text, and every pair of positions. */
    for (v = 0; v < sizeof odd; v++) {
        for (i = 0; i < width; i++) {
            memset(p, 'a', width);
            p[i] = odd[v];
            check_block(p, "one byte", (int)(v * 1000 + i));
            for (j = i + 1; j < width; j++) {
                p[j] = odd[(v + j) % sizeof odd];
                check_block(p, "two bytes", (int)(i * 1000 + j));
                p[j] = 'a';
            }
        }
    }
    /* Random bytes, weighted toward the interesting range. */
    for (round = 0; round < 20000; round++) {
        for (i = 0; i < width; i++) {
            rng ^= rng >> 12;
            rng ^= rng << 25;
            rng ^= rng >> 27;
            v = (size_t)((rng * 0x2545F4914F6CDD1DULL) >> 56);
            p[i] = (unsigned char)(v < 200 ? 'a' + v % 26 : v);
        }
        check_block(p, "random", round);
    }
    fprintf(stderr, "scan block: %s, %d bytes; window %d bytes\n", SMTPREPLY_BLOCK_IMPL,
            SMTPREPLY_BLOCK, SMTPREPLY_WINDOW);
}
END_TEST

static Suite *scan_suite(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("scan");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, variants_listed);
    tcase_add_test(tc, no_special);
    tcase_add_loop_test(tc, every_position, 0, (int)(sizeof specials / sizeof specials[0]));
    tcase_add_test(tc, all_byte_values);
    tcase_add_test(tc, random_data);
    tcase_add_test(tc, reply_lines);
    tcase_add_test(tc, block_and_window);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scan_suite());
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
