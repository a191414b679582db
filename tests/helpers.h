/* SPDX-License-Identifier: MIT */
/* Shared test helpers: feed an input through the parser in given pieces and log
 * every reply and error as text, so tables compare strings and split tests compare
 * logs. */
#ifndef SMTPREPLY_TEST_HELPERS_H
#define SMTPREPLY_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "smtpreply.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* How to run the parser. Zero fields mean the library defaults; cap 0 means 4096. */
struct feed_opts {
    uint32_t strict;
    uint32_t smtputf8;
    uint32_t max_line;
    uint32_t max_lines;
    size_t cap;
    int no_text;        /* give the parser a zero-capacity buffer */
    size_t many;        /* 0: smtpreply_parser_feed(); else smtpreply_parser_feed_many()
                         * with up to this many replies (at most FEED_MANY_MAX) a call */
};

#define FEED_MANY_MAX 64

/* struct feed_opts initialisers for case tables (tests/parser_cases.h,
 * tests/test_hostile.c), kept next to the struct whose field order they follow. */
#define DEF { 0, 0, 0, 0, 0, 0, 0 }
#define STRICT(flags) { (flags), 0, 0, 0, 0, 0, 0 }
#define UTF8STRICT { SMTPREPLY_STRICT_ALL, 1, 0, 0, 0, 0, 0 }
#define CAP(n) { 0, 0, 0, 0, (n), 0, 0 }
#define NOTEXT { 0, 0, 0, 0, 0, 1, 0 }
#define MAXLINE(n) { 0, 0, (n), 0, 0, 0, 0 }
#define MAXLINES(n) { 0, 0, 0, (n), 0, 0, 0 }
#define SA SMTPREPLY_STRICT_ALL

/* Log detail: BRIEF is what tables are written in; FULL adds offsets, lengths,
 * line numbers, encoding and the exact consumed counts, for split comparisons. */
enum log_detail { LOG_BRIEF = 0, LOG_FULL = 1 };

/*
 * Feed in[0..len) cut at the offsets cuts[0..ncuts) (ascending, inside the input),
 * then call smtpreply_parser_finish(). Writes the log into out (NUL-terminated,
 * events separated by '\n'). The input is copied to the end of a page followed by
 * an inaccessible guard page, so any read past the end crashes.
 * BRIEF events:  "<code> <enhanced|-> '<text, lines joined by |>' +flag ..."
 *                "!<error-name>@<line>:<offset>"
 * Returns the number of errors logged. Aborts the test (ck_abort) when the parser
 * breaks its own contract: consumed > len, or no progress twice in a row.
 */
int feed_log(const char *in, size_t len, const struct feed_opts *fo,
             const size_t *cuts, size_t ncuts, enum log_detail detail,
             char *out, size_t outcap);

/* A copy of in[0..len) that ends right before an inaccessible page (a plain copy
 * where there is no page protection); release it with test_unguard(map, maplen). */
char *test_guarded(const char *in, size_t len, void **map, size_t *maplen);
void test_unguard(void *map, size_t maplen);

/* Convenience: whole input, or fixed chunk size (0 = whole). */
int feed_chunked(const char *in, size_t len, const struct feed_opts *fo, size_t chunk,
                 enum log_detail detail, char *out, size_t outcap);

/* Deterministic pseudo-random numbers for split tests (xorshift64*). */
uint64_t test_rand(uint64_t *state);

/*
 * Run the suite make() builds once per fast-path variant of the parser this build
 * has and this CPU runs (lib/parser.c: "sse2" and "avx2" on x86-64, "neon", or
 * "scalar" with -Dsimd=false), so every table and split property holds for each.
 * Prints the variant before its Check summary; returns the failures over all runs.
 */
struct Suite;
int run_per_parser_variant(struct Suite *(*make)(void));

/* Names of reply flags, for logs and messages. */
const char *flag_name(uint32_t bit);

#endif
