/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the text scanner (lib/scan.c). Every implementation this build has
 * and the CPU runs (scalar, SSE2, AVX2, NEON) must give the same index -- the first
 * LF, CR, NUL or byte >= 0x80 -- for every suffix of the input and every length of
 * each suffix up to 80 bytes past a vector block, and the scalar one must match
 * the byte-by-byte definition. The input is copied to a block of its exact size, so
 * ASan sees any read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  /* for -Wmissing-prototypes */

static size_t definition(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != '\n' && p[i] != '\r' && p[i] != 0 && p[i] < 0x80)
        i++;
    return i;
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
    free(buf);
    return 0;
}
