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
#define ISA_NAME "sse2"
#define ISA_TABLE smtpreply__isa_sse2
#define ISA_BLOCK 16
#define ISA_BLOCK_SHIFT 0

/* Bit i set when byte i of the 16 at p is special: below 14 as a signed byte
 * (bytes from 0x80 up are negative), one comparison. */
static inline uint64_t mask16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

    return (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(14), v));
}

#define isa_block mask16

static inline uint64_t isa_window(const unsigned char *p)
{
    return mask16(p) | mask16(p + 16) << 16 | mask16(p + 32) << 32 | mask16(p + 48) << 48;
}

static inline void isa_copy64(char *dst, const unsigned char *src)
{
    memcpy(dst, src, 64);       /* fixed size: four vector moves */
}

static int isa_usable(void)
{
    return 1;
}

#include "isa_common.h"
#else
typedef int smtpreply__no_sse2_;     /* ISO C wants something in a file */
#endif
