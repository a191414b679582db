/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by lib/ files; never installed. Names use smtpreply__. */
#ifndef SMTPREPLY_INTERNAL_H
#define SMTPREPLY_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "smtpreply.h"

#define SMTPREPLY_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* For the few small functions a hot loop must not call. */
#if defined(__GNUC__)
#define SMTPREPLY__INLINE inline __attribute__((always_inline))
#else
#define SMTPREPLY__INLINE inline
#endif

/* For data shared between lib/ files: hidden, like every symbol not marked
 * SMTPREPLY_API, and said so where it is declared, so that position-independent
 * code reads it with one load instead of through the global offset table. */
#if defined(__GNUC__) && __GNUC__ >= 4 && !defined(_WIN32)
#define SMTPREPLY__HIDDEN __attribute__((visibility("hidden")))
#else
#define SMTPREPLY__HIDDEN
#endif

/* The eight bytes at t as one number, byte 0 lowest, on any byte order: one load
 * where the byte order allows. */
static inline uint64_t smtpreply__load8(const unsigned char *t)
{
    uint64_t x;

    memcpy(&x, t, 8);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    x = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 | (uint64_t)t[3] << 24
      | (uint64_t)t[4] << 32 | (uint64_t)t[5] << 40 | (uint64_t)t[6] << 48
      | (uint64_t)t[7] << 56;
#endif
    return x;
}

/* The four bytes at t likewise. */
static inline uint32_t smtpreply__load4(const unsigned char *t)
{
    uint32_t x;

    memcpy(&x, t, 4);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    x = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
#endif
    return x;
}

/* The index of the lowest bit set in m (m not 0). */
static SMTPREPLY__INLINE unsigned smtpreply__lowest(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m);
#else
    unsigned i = 0;
    while (!(m & 1)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

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

/*
 * catalog.c: the index of the catalog locale a language tag names ("vi",
 * "vi-VN", "vi_VN.UTF-8"; 0 is English), or -1 when no locale matches.
 */
int smtpreply__locale_index(const char *lang);

#endif
