/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by lib/ files; never installed. Names use smtpreply__. */
#ifndef SMTPREPLY_INTERNAL_H
#define SMTPREPLY_INTERNAL_H

#include "smtpreply.h"

#define SMTPREPLY_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * scan.c: the parser's inner loop. Returns the index of the first byte in
 * [p, p + n) that needs individual attention -- LF, CR, NUL or a byte >= 0x80 --
 * or n when there is none. Every byte before the returned index is plain
 * printable-or-control ASCII that is copied as text unchanged. The vector
 * implementations (SSE2, AVX2, NEON) and the scalar one must agree exactly;
 * tests/test_scan.c checks that.
 */
size_t smtpreply__scan_text(const char *p, size_t n);
/* The portable implementation, always compiled, so tests can compare. */
size_t smtpreply__scan_text_scalar(const char *p, size_t n);
/* For tests: implementation i (0 is the scalar one) in *name and *fn. Returns 1
 * when this build has it and the CPU can run it, 0 otherwise. */
int smtpreply__scan_variant(size_t i, const char **name,
                            size_t (**fn)(const char *p, size_t n));

/*
 * parser.c: the whole-line fast path comes in variants by the vector width of its
 * line-end search (the baseline one -- "sse2", "neon" or "scalar" -- and "avx2"
 * where the build and CPU have it); the best is chosen on first use. For tests:
 * make variant i the one every parser in the process uses from now on, and name
 * it. Returns 1 when this build has it and the CPU can run it, 0 otherwise.
 */
int smtpreply__parser_variant(size_t i, const char **name);

/*
 * Severity and category of a reply code, as smtpreply_severity_of() and
 * smtpreply_category_of() return them; inline so the classifier does not pay two
 * calls per reply. RFC 5321 s.4.2.1 leaves x3z and x4z unspecified; second digits
 * 6-9 are not defined at all.
 */
static inline int smtpreply__severity(unsigned code)
{
    return code < 200 || code > 599 ? SMTPREPLY_SEV_UNKNOWN : (int)(code / 100);
}

static inline int smtpreply__category(unsigned code)
{
    unsigned d = code / 10 % 10;

    if (code < 200 || code > 599 || d > 5)
        return SMTPREPLY_CAT_UNKNOWN;
    return d == 4 ? SMTPREPLY_CAT_UNSPECIFIED : (int)d;
}

/* Locale selection shared by the catalog and names: 0 = en, 1 = vi. */
int smtpreply__locale_index(const char *lang);

#endif
