/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 baseline kernels (lib/isa.h): SSE2, 16 bytes a step, and the line
 * path compiled with them.
 */
#include "isa.h"

#if defined(SMTPREPLY_HAVE_SSE2)
#include <emmintrin.h>
#include <string.h>

#define ISA_FN(name) sse2_##name

/* Bit i set when byte i of the 16 at p is special: below 14 as a signed byte
 * (bytes from 0x80 up are negative), one comparison. */
static inline unsigned mask16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

    return (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(14), v));
}

static inline uint64_t isa_window(const unsigned char *p)
{
    return (uint64_t)mask16(p) | (uint64_t)mask16(p + 16) << 16
         | (uint64_t)mask16(p + 32) << 32 | (uint64_t)mask16(p + 48) << 48;
}

static inline void isa_copy64(char *dst, const unsigned char *src)
{
    memcpy(dst, src, 64);       /* fixed size: four vector moves */
}

static uint64_t sse2_window(const unsigned char *p)
{
    return isa_window(p);
}

static size_t sse2_scan(const unsigned char *p, size_t n)
{
    size_t i = 0;

    for (; i + 16 <= n; i += 16) {
        unsigned m = mask16(p + i);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return smtpreply__scan_bytes(p, i, n);
}

static int sse2_usable(void)
{
    return 1;
}

#include "line_path.h"

const struct smtpreply__isa smtpreply__isa_sse2 = {
    "sse2", sse2_usable, sse2_window, sse2_scan, sse2_feed_one, sse2_feed_many
};
#else
typedef int smtpreply__no_sse2_;     /* ISO C wants something in a file */
#endif
