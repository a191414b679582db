/* SPDX-License-Identifier: MIT */
/*
 * The library never allocates. This program interposes the C allocator and counts
 * every call made while library functions run: parsing the whole case table at
 * every chunk size, classifying, explaining and reading EHLO capabilities.
 * (.ci/run also checks that the shared library imports no allocator symbol.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parser_cases.h"

/* glibc's own entry points, so the interposed functions can forward. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static volatile int counting;
static volatile long allocations;

void *malloc(size_t n)
{
    if (counting)
        allocations++;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    if (counting)
        allocations++;
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    if (counting)
        allocations++;
    return __libc_realloc(p, n);
}

void free(void *p)
{
    if (counting && p)
        allocations++;
    __libc_free(p);
}

START_TEST(interposition_works)
{
    /* The counter must see an allocation made on purpose, or the test proves nothing. */
    /* Called through volatile pointers: compilers may otherwise drop a
     * malloc/free pair whose memory is never used (clang does). */
    void *(*volatile alloc)(size_t) = malloc;
    void (*volatile release)(void *) = free;
    void *p;
    allocations = 0;
    counting = 1;
    p = alloc(16);
    counting = 0;
    release(p);
    ck_assert_int_eq(allocations, 1);
}
END_TEST

START_TEST(library_never_allocates)
{
    static char text[4096];
    size_t i, chunk;
    long seen;
    allocations = 0;
    for (i = 0; i < parser_case_count; i++) {
        const struct parser_case *c = &parser_cases[i];
        size_t len = c->len ? c->len : strlen(c->input);
        for (chunk = 1; chunk <= len; chunk = chunk * 2 + 1) {
            struct smtpreply_parser p;
            struct smtpreply_reply r;
            struct smtpreply_error e;
            size_t at = 0;
            counting = 1;
            smtpreply_parser_init(&p, text, sizeof text);
            while (at < len) {
                size_t n = len - at < chunk ? len - at : chunk, used;
                int rc = smtpreply_parser_feed(&p, c->input + at, n, &used, &r);
                at += used;
                if (rc == SMTPREPLY_REPLY) {
                    struct smtpreply_verdict v;
                    struct smtpreply_ehlo eh;
                    struct smtpreply_ehlo_keyword kw;
                    struct smtpreply_code_info ci;
                    struct smtpreply_enhanced_info ei;
                    const char *t;
                    size_t pos = 0, tl;
                    smtpreply_classify(&r, SMTPREPLY_CMD_RCPT, &v);
                    smtpreply_explain_code(r.code, "vi", &ci);
                    if (r.enhanced.klass)
                        smtpreply_explain_enhanced(&r.enhanced, "en", &ei);
                    (void)smtpreply_ehlo_parse(&r, &eh);
                    while (smtpreply_ehlo_next(&r, &pos, &kw))
                        ;
                    pos = 0;
                    while (smtpreply_reply_line(&r, &pos, &t, &tl))
                        ;
                } else if (rc < 0) {
                    smtpreply_parser_error(&p, &e);
                }
            }
            smtpreply_parser_finish(&p, NULL);
            counting = 0;
        }
    }
    seen = allocations;
    ck_assert_msg(seen == 0, "%ld allocations while the library ran", seen);
}
END_TEST

static Suite *noalloc_suite(void)
{
    Suite *s = suite_create("noalloc");
    TCase *tc = tcase_create("noalloc");
    tcase_add_test(tc, interposition_works);
    tcase_add_test(tc, library_never_allocates);
    suite_add_tcase(s, tc);
    return s;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

int main(void)
{
    SRunner *sr;
#ifdef UNDER_ASAN
    /* AddressSanitizer owns the allocator: interposing it here would mix two
     * heaps. The plain gcc and clang builds run this test. */
    puts("noalloc: skipped under AddressSanitizer");
    return 77;
#endif
    sr = srunner_create(noalloc_suite());
    int failed;
    /* No fork: the counters must live in the process that runs the library. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
