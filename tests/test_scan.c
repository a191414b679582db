/* SPDX-License-Identifier: MIT */
/*
 * The kernels of every instruction set this build has and this CPU runs (lib/isa.h:
 * scalar, SSE2, AVX2, NEON) against the one definition of a special byte -- below
 * 0x0E or from 0x80 up -- written out here byte by byte:
 *   scan(p, n)  the index of the first special byte, or n;
 *   window(p)   bit i set exactly when p[i] is special, for 64 bytes.
 * Inputs sit right after and right before an inaccessible page, so a vector step
 * that reads outside its bytes crashes the test.
 */
#define _DEFAULT_SOURCE

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "isa.h"

typedef size_t (*scan_fn)(const unsigned char *p, size_t n);

#define MAX_LEN 300
#define MAX_VARIANTS 8

static const struct smtpreply__isa *sets[MAX_VARIANTS];
static size_t nfns;

/* Three pages: guard, data, guard. */
static unsigned char *region;
static size_t page;

static int is_special(unsigned c)
{
    return c < 0x0E || c >= 0x80;
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
        if (smtpreply__isa_at(i, &sets[nfns]))
            nfns++;
    }
    ck_assert_msg(nfns >= 1 && strcmp(sets[0]->name, "scalar") == 0, "no scalar set");
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
        got = sets[k]->scan(p, n);
        if (got != want)    /* not ck_assert: it reports every pass to the runner */
            ck_abort_msg("%s %zu/%zu: %s gives %zu, want %zu", what, a, b, sets[k]->name, got,
                         want);
    }
    got = smtpreply__isa()->scan(p, n);
    if (got != want)
        ck_abort_msg("%s %zu/%zu: dispatched scan gives %zu, want %zu", what, a, b, got, want);
}

START_TEST(variants_listed)
{
    size_t k;
    for (k = 1; k < nfns; k++)
        ck_assert(sets[k]->scan != NULL && sets[k]->window != NULL);
    ck_assert_int_eq(smtpreply__isa_at(MAX_VARIANTS + 1, NULL), 0);
    /* The list says what ran, so a log shows whether the vector paths were tested. */
    fprintf(stderr, "scan variants:");
    for (k = 0; k < nfns; k++)
        fprintf(stderr, " %s", sets[k]->name);
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
                if (sets[0]->scan(p, len) != (is_special(v) ? pos : len))
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
            ck_assert_uint_eq(sets[k]->scan(p + off, len - off),
                              reference(p + off, len - off));
        off += reference(p + off, len - off) + 1;
        stops++;
    }
    ck_assert_uint_eq(stops, 12);   /* CR and LF of 5 lines, the 2 bytes of the é */
}
END_TEST

/* ---- window ---------------------------------------------------------------- */

/* The window of 64 bytes at p by every set, against the definition. */
static void check_window(const unsigned char *p, const char *what, int round)
{
    uint64_t want = 0;
    size_t i, k;

    for (i = 0; i < 64; i++)
        want |= (uint64_t)is_special(p[i]) << i;
    for (k = 0; k < nfns; k++) {
        uint64_t got = sets[k]->window(p);
        if (got != want)
            ck_abort_msg("%s %d: %s window %016llx, want %016llx", what, round, sets[k]->name,
                         (unsigned long long)got, (unsigned long long)want);
    }
}

START_TEST(window)
{
    static const unsigned char odd[] = { 0, 9, 10, 13, 14, 31, 127, 128, 255, '-', ' ' };
    unsigned char *p = place(64, 1);     /* ends at the guard page */
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    size_t i, j, v;
    int round;

    /* One odd byte at each position in plain text, and every pair of positions. */
    for (v = 0; v < sizeof odd; v++) {
        for (i = 0; i < 64; i++) {
            memset(p, 'a', 64);
            p[i] = odd[v];
            check_window(p, "one byte", (int)(v * 1000 + i));
            for (j = i + 1; j < 64; j++) {
                p[j] = odd[(v + j) % sizeof odd];
                check_window(p, "two bytes", (int)(i * 1000 + j));
                p[j] = 'a';
            }
        }
    }
    /* Every byte value at every position. */
    for (v = 0; v < 256; v++) {
        for (i = 0; i < 64; i++) {
            memset(p, 'a', 64);
            p[i] = (unsigned char)v;
            check_window(p, "byte value", (int)(v * 1000 + i));
        }
    }
    /* Random bytes, weighted toward the interesting range. */
    for (round = 0; round < 20000; round++) {
        for (i = 0; i < 64; i++) {
            v = (size_t)(rnd(&rng) >> 56);
            p[i] = (unsigned char)(v < 200 ? 'a' + v % 26 : v);
        }
        check_window(p, "random", round);
    }
    for (i = 0; i < nfns; i++)
        fprintf(stderr, "scan block: %s\n", sets[i]->name);
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
    tcase_add_test(tc, window);
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
