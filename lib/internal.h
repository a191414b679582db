/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by lib/ files; never installed. Names use smtpreply__. */
#ifndef SMTPREPLY_INTERNAL_H
#define SMTPREPLY_INTERNAL_H

#include "smtpreply.h"

#define SMTPREPLY_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * lib/dispatch.c: the parser's kernels and line path come in one set per
 * instruction set (lib/isa.h: "scalar", "sse2", "avx2", "neon"); the best this CPU
 * runs is chosen on first use. For tests: make set i the one every parser in the
 * process uses from now on, and name it. Returns 1 when this build has it and the
 * CPU runs it, 0 otherwise.
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
