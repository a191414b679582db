/* SPDX-License-Identifier: MIT */
/*
 * What each instruction set gives the parser (docs/parser.md, "Kernels").
 *
 * A *special* byte is one the parser must look at by itself: every byte below 0x0E
 * (NUL, TAB, LF, CR and the other low controls) and every byte from 0x80 up. It is
 * a superset of what the grammar treats specially (LF, CR, NUL, 8-bit), chosen
 * because "below 14 as a signed byte" is one vector comparison. This is the only
 * definition; every kernel implements exactly smtpreply__special(), and
 * tests/test_scan.c and tests/fuzz/fuzz_scan.c hold each one to it.
 *
 * Per instruction set, one file (lib/isa_<name>.c) supplies two kernels and
 * compiles the line path (lib/line_path.h) with them:
 *   window(p)  bit i set when p[i] is special, for the 64 bytes at p (all readable)
 *   scan(p, n) the index of the first special byte in p[0..n), or n; reads nothing
 *              outside p[0..n)
 * lib/dispatch.c picks the best set this CPU runs, once.
 */
#ifndef SMTPREPLY_ISA_H
#define SMTPREPLY_ISA_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* The definition of a special byte (see above). */
static inline int smtpreply__special(unsigned char c)
{
    return c < 0x0E || c >= 0x80;
}

/* 14 in each of 32 bytes: a vector kernel's bound (a byte below it as a signed
 * byte is special), defined in lib/dispatch.c. Read from memory, one load: the
 * compiler, which does not see the value here, cannot build it again with several
 * instructions at each use, nor test "p[i] <= 13" with two per block. */
extern SMTPREPLY__HIDDEN const unsigned char smtpreply__fourteens[32];

/* The first special byte in p[i..n), or n: the kernels' tails, byte by byte. */
static inline size_t smtpreply__scan_bytes(const unsigned char *p, size_t i, size_t n)
{
    while (i < n && !smtpreply__special(p[i]))
        i++;
    return i;
}

struct smtpreply__state;

/* One instruction set's kernels and line path. */
struct smtpreply__isa {
    const char *name;
    int (*usable)(void);        /* this CPU runs it */
    uint64_t (*window)(const unsigned char *p);
    size_t (*scan)(const unsigned char *p, size_t n);
    /* smtpreply_parser_feed() at a reply boundary with at least SMTPREPLY__LP_MIN
     * bytes, w the first four: one reply by the line path, or the byte machine
     * when it declines. feed_line() for a first line that is the reply's last
     * (smtpreply__last_start(w)), feed_other() for any other. */
    int (*feed_line)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                     size_t *consumed, struct smtpreply_reply *r, uint32_t w);
    int (*feed_other)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                      size_t *consumed, struct smtpreply_reply *r, uint32_t w);
    /* Whole replies by the line path from a reply boundary, up to max, the first
     * one's text at text; returns how many (0: it declined the first). */
    size_t (*feed_many)(struct smtpreply__state *s, const unsigned char *d, size_t n,
                        size_t *consumed, struct smtpreply_reply *rs, size_t max,
                        char *text);
};

/* The sets this build may have; a file whose set the build or target lacks
 * defines none (lib/dispatch.c lists what exists). */
extern SMTPREPLY__HIDDEN const struct smtpreply__isa smtpreply__isa_scalar;
extern SMTPREPLY__HIDDEN const struct smtpreply__isa smtpreply__isa_sse2;
extern SMTPREPLY__HIDDEN const struct smtpreply__isa smtpreply__isa_avx2;
extern SMTPREPLY__HIDDEN const struct smtpreply__isa smtpreply__isa_neon;

#if !defined(SMTPREPLY_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
#define SMTPREPLY_HAVE_SSE2 1
#define SMTPREPLY_HAVE_AVX2 1
#elif !defined(SMTPREPLY_NO_SIMD) && (defined(__aarch64__) || defined(_M_ARM64)) && defined(__GNUC__)
#define SMTPREPLY_HAVE_NEON 1
#endif

/*
 * lib/dispatch.c: the set in use. It starts as a set whose functions choose the
 * best one this CPU runs, install it and forward to it; threads racing on the first
 * call store the same value, and relaxed atomics keep that race defined at the cost
 * of a plain load.
 */
extern SMTPREPLY__HIDDEN const struct smtpreply__isa *smtpreply__isa_current;

static inline const struct smtpreply__isa *smtpreply__isa(void)
{
    return __atomic_load_n(&smtpreply__isa_current, __ATOMIC_RELAXED);
}

/*
 * For tests: set i of this build (0 is "scalar"), in *isa. Returns 1 when the
 * build has it and the CPU runs it, 0 otherwise. smtpreply__isa_use() makes it the
 * one every parser in the process uses from now on.
 */
int smtpreply__isa_at(size_t i, const struct smtpreply__isa **isa);
void smtpreply__isa_use(const struct smtpreply__isa *isa);

#endif
