/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the text scanner (lib/scan.c). Every implementation this build has
 * and the CPU runs (scalar, SSE2, AVX2, NEON) must give the same index -- the first
 * LF, CR, NUL or byte >= 0x80 -- for every suffix of the input and every length of
 * each suffix up to 80 bytes past a vector block, and the scalar one must match
 * the byte-by-byte definition. The input is copied to a block of its exact size, so
 * ASan sees any read past it.
 *
 * The parser's fast-path block and window (lib/scan_block.h) are checked at every
 * start that leaves them room: the lowest mark is the first byte below 0x0E or from
 * 0x80 up, none of those is left unmarked below it, the block copies its bytes
 * exactly, and the AVX2 window (where it runs) equals the baseline one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scan_block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

static size_t definition(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != '\n' && p[i] != '\r' && p[i] != 0 && p[i] < 0x80)
        i++;
    return i;
}

static int candidate(unsigned char c)
{
    return c < 0x0E || c >= 0x80;
}

/* The first candidate in p[0..n), or n. */
static size_t first_candidate(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && !candidate(p[i]))
        i++;
    return i;
}

#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
__attribute__((target("avx2")))
static uint64_t window_avx2(const unsigned char *p)
{
    return smtpreply__window_avx2(p);
}
#endif

static void check_blocks(const unsigned char *buf, size_t size, int avx2)
{
    size_t start;
    char out[SMTPREPLY_BLOCK];

    for (start = 0; start + SMTPREPLY_BLOCK <= size; start++) {
        const unsigned char *p = buf + start;
        uint64_t m = smtpreply__block(p, out);
        size_t first = first_candidate(p, SMTPREPLY_BLOCK);
        if (memcmp(out, p, SMTPREPLY_BLOCK) != 0)
            abort();
        if ((m == 0) != (first == SMTPREPLY_BLOCK))
            abort();
        if (m != 0 && smtpreply__block_pos(m) != first)
            abort();
        if (start + SMTPREPLY_WINDOW <= size) {
            uint64_t w = smtpreply__window(p);
            first = first_candidate(p, SMTPREPLY_WINDOW);
            if ((w == 0) != (first == SMTPREPLY_WINDOW))
                abort();
            if (w != 0 && smtpreply__block_pos(w) != first)
                abort();
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
            if (avx2 && window_avx2(p) != w)
                abort();
#endif
        }
    }
    (void)avx2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t (*fn[8])(const char *, size_t);
    const char *name;
    size_t nfn = 0, i, start, len;
    char *buf;

    if (size > 1024)    /* the work grows with size times 80 */
        return 0;
    for (i = 0; i < 8; i++) {
        if (smtpreply__scan_variant(i, &name, &fn[nfn]))
            nfn++;
    }
    if (nfn == 0)
        abort();
    buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    for (start = 0; start <= size; start++) {
        size_t rest = size - start;
        size_t top = rest < 80 ? rest : 80;
        /* Every short length, then the whole rest. */
        for (len = 0; len <= top + 1; len++) {
            size_t n = len <= top ? len : rest, want = definition((const unsigned char *)buf + start, n);
            for (i = 0; i < nfn; i++) {
                if (fn[i](buf + start, n) != want)
                    abort();
            }
            if (smtpreply__scan_text(buf + start, n) != want)
                abort();
        }
    }
    {
        int avx2 = 0;
#if defined(SMTPREPLY_HAVE_WINDOW_AVX2) && SMTPREPLY_WINDOW == 64
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
        check_blocks((const unsigned char *)buf, size, avx2);
    }
    free(buf);
    return 0;
}
