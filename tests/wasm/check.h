/* SPDX-License-Identifier: MIT */
/*
 * The part of Check's API that test_parser.c, test_split.c and helpers.c use, for
 * builds where Check itself cannot run: WebAssembly under WASI has no fork, no
 * signals and no setjmp. Found before <check.h> through the include path of the
 * tests/wasm builds only; the ordinary builds use the real Check.
 *
 * Differences from Check, all on the failure path: the first failed assertion
 * prints Check's failure line and ends the process with status 1 (no other test
 * runs after it), and tcase_set_timeout() sets nothing (WASI has no timers; the
 * meson test around the run has its own timeout). A run that passes prints
 * Check's own summary line, "100%: Checks: N, Failures: 0, Errors: 0".
 */
#ifndef SMTPREPLY_CHECK_SHIM_H
#define SMTPREPLY_CHECK_SHIM_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CK_SHIM_MAX_TESTS 64
#define CK_SHIM_MAX_CASES 8

typedef void (*ck_shim_fn)(int);

typedef struct TCase {
    const char *name;
    struct {
        const char *name;
        ck_shim_fn fn;
        int start, end;
    } tests[CK_SHIM_MAX_TESTS];
    int count;
} TCase;

typedef struct Suite {
    const char *name;
    TCase *cases[CK_SHIM_MAX_CASES];
    int count;
} Suite;

typedef struct SRunner {
    Suite *suite;
    int failed;
} SRunner;

enum print_output { CK_SILENT, CK_MINIMAL, CK_NORMAL, CK_VERBOSE, CK_ENV };

/* The test running now, for failure messages. */
static const char *ck_shim_test_name;
static int ck_shim_test_i;

#define START_TEST(name) static void name(int _i) { (void)_i;
#define END_TEST }

static inline Suite *suite_create(const char *name)
{
    Suite *s = calloc(1, sizeof *s);
    if (s == NULL)
        abort();
    s->name = name;
    return s;
}

static inline TCase *tcase_create(const char *name)
{
    TCase *tc = calloc(1, sizeof *tc);
    if (tc == NULL)
        abort();
    tc->name = name;
    return tc;
}

static inline void suite_add_tcase(Suite *s, TCase *tc)
{
    if (s->count == CK_SHIM_MAX_CASES)
        abort();
    s->cases[s->count++] = tc;
}

static inline void ck_shim_add(TCase *tc, const char *name, ck_shim_fn fn, int start, int end)
{
    if (tc->count == CK_SHIM_MAX_TESTS)
        abort();
    tc->tests[tc->count].name = name;
    tc->tests[tc->count].fn = fn;
    tc->tests[tc->count].start = start;
    tc->tests[tc->count].end = end;
    tc->count++;
}

#define tcase_add_test(tc, fn) ck_shim_add((tc), #fn, (fn), 0, 1)
#define tcase_add_loop_test(tc, fn, s, e) ck_shim_add((tc), #fn, (fn), (s), (e))

static inline void tcase_set_timeout(TCase *tc, double seconds)
{
    (void)tc;
    (void)seconds;
}

static inline SRunner *srunner_create(Suite *s)
{
    SRunner *sr = calloc(1, sizeof *sr);
    if (sr == NULL)
        abort();
    sr->suite = s;
    return sr;
}

static inline void srunner_run_all(SRunner *sr, enum print_output mode)
{
    long checks = 0;
    int c, t, i;
    (void)mode;
    for (c = 0; c < sr->suite->count; c++) {
        TCase *tc = sr->suite->cases[c];
        for (t = 0; t < tc->count; t++) {
            for (i = tc->tests[t].start; i < tc->tests[t].end; i++) {
                ck_shim_test_name = tc->tests[t].name;
                ck_shim_test_i = i;
                tc->tests[t].fn(i);
                checks++;
            }
        }
    }
    printf("100%%: Checks: %ld, Failures: 0, Errors: 0\n", checks);
    fflush(stdout);
}

static inline int srunner_ntests_failed(SRunner *sr)
{
    return sr->failed;
}

static inline void srunner_free(SRunner *sr)
{
    int c;
    for (c = 0; c < sr->suite->count; c++)
        free(sr->suite->cases[c]);
    free(sr->suite);
    free(sr);
}

/* Prints Check's failure line and ends the process: WASI has no way to unwind
 * out of the test function. */
#define ck_shim_fail(...)                                                             \
    do {                                                                              \
        fflush(stdout);                                                               \
        printf("0%%: Checks: 1, Failures: 1, Errors: 0\n%s:%d:F:%s:%s:%d: ", __FILE__, \
               __LINE__, ck_shim_test_name ? ck_shim_test_name : "-",                  \
               ck_shim_test_name ? ck_shim_test_name : "-", ck_shim_test_i);           \
        printf(__VA_ARGS__);                                                          \
        printf("\n");                                                                 \
        fflush(stdout);                                                               \
        exit(1);                                                                      \
    } while (0)

#define ck_assert_msg(expr, ...)    \
    do {                            \
        if (!(expr))                \
            ck_shim_fail(__VA_ARGS__); \
    } while (0)
#define ck_assert(expr) ck_assert_msg((expr), "Assertion '%s' failed", #expr)
#define ck_abort_msg(...) ck_shim_fail(__VA_ARGS__)

#define ck_shim_cmp(T, fmt, a, op, b)                                                  \
    do {                                                                              \
        T ck_a_ = (T)(a), ck_b_ = (T)(b);                                             \
        ck_assert_msg(ck_a_ op ck_b_, "Assertion '%s' failed: %s == " fmt ", %s == " fmt, \
                      #a " " #op " " #b, #a, ck_a_, #b, ck_b_);                       \
    } while (0)
#define ck_assert_int_eq(a, b) ck_shim_cmp(intmax_t, "%jd", a, ==, b)
#define ck_assert_int_ne(a, b) ck_shim_cmp(intmax_t, "%jd", a, !=, b)
#define ck_assert_uint_eq(a, b) ck_shim_cmp(uintmax_t, "%ju", a, ==, b)
#define ck_assert_uint_lt(a, b) ck_shim_cmp(uintmax_t, "%ju", a, <, b)

#define ck_assert_str_eq(a, b)                                                         \
    do {                                                                              \
        const char *ck_a_ = (a), *ck_b_ = (b);                                        \
        ck_assert_msg(strcmp(ck_a_, ck_b_) == 0, "Assertion '%s' failed: \"%s\" != \"%s\"", \
                      #a " == " #b, ck_a_, ck_b_);                                    \
    } while (0)
#define ck_assert_str_ne(a, b)                                                         \
    do {                                                                              \
        const char *ck_a_ = (a), *ck_b_ = (b);                                        \
        ck_assert_msg(strcmp(ck_a_, ck_b_) != 0, "Assertion '%s' failed: both \"%s\"", \
                      #a " != " #b, ck_a_);                                           \
    } while (0)
#define ck_assert_ptr_eq(a, b) \
    ck_assert_msg((const void *)(a) == (const void *)(b), "Assertion '%s' failed", #a " == " #b)
#define ck_assert_ptr_nonnull(a) \
    ck_assert_msg((const void *)(a) != NULL, "Assertion '%s' failed", #a " != NULL")

#endif
