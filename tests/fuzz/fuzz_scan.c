/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the parser's kernels (lib/isa.h). For every instruction set this
 * build has and the CPU runs (scalar, SSE2, AVX2, NEON):
 *   scan(p, n) must give the first special byte -- below 0x0E or from 0x80 up --
 *   or n, for every suffix of the input and every length of each suffix up to 80
 *   bytes, and the whole rest;
 *   window(p) must mark exactly the special bytes of the 64 at every start that
 *   leaves room for them.
 * The input is copied to a block of its exact size, so ASan sees any read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "isa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

static int special(unsigned char c)
{
    return c < 0x0E || c >= 0x80;
}

static size_t definition(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && !special(p[i]))
        i++;
    return i;
}

static void check_windows(const unsigned char *buf, size_t size,
                          const struct smtpreply__isa *const *sets, size_t nsets)
{
    size_t start, i, k;

    for (start = 0; start + 64 <= size; start++) {
        uint64_t want = 0;
        for (i = 0; i < 64; i++)
            want |= (uint64_t)special(buf[start + i]) << i;
        for (k = 0; k < nsets; k++) {
            if (sets[k]->window(buf + start) != want)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct smtpreply__isa *sets[8];
    size_t nsets = 0, i, start, len;
    unsigned char *buf;

    if (size > 1024)    /* the work grows with size times 80 */
        return 0;
    for (i = 0; i < 8; i++) {
        if (smtpreply__isa_at(i, &sets[nsets]))
            nsets++;
    }
    if (nsets == 0)
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
            size_t n = len <= top ? len : rest, want = definition(buf + start, n);
            for (i = 0; i < nsets; i++) {
                if (sets[i]->scan(buf + start, n) != want)
                    abort();
            }
        }
    }
    check_windows(buf, size, sets, nsets);
    free(buf);
    return 0;
}
