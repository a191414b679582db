/* SPDX-License-Identifier: MIT */
/*
 * The portable kernels (lib/isa.h), eight bytes at a time in a 64-bit word, and the
 * line path compiled with them. Always built: the only set with -Dsimd=false, and
 * the reference the vector sets are tested against.
 */
#include "isa.h"

#include <string.h>

#define ISA_FN(name) scalar_##name
#define ISA_NAME "scalar"
#define ISA_TABLE smtpreply__isa_scalar
#define ISA_BLOCK 8
#define ISA_BLOCK_SHIFT 3

/*
 * Bit 8i+7 set for each special byte b of the word x: b >= 0x80, or b < 0x0E.
 * (b & 0x7F) + 0x72 reaches 0x80 exactly when b & 0x7F >= 0x0E, and never carries
 * out of its byte, so the test is exact for every byte.
 */
static inline uint64_t special_bits(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL, highs = 0x8080808080808080ULL;
    uint64_t plain = ((x & low7) + 0x7272727272727272ULL) & ~x & highs;

    return plain ^ highs;
}

/* Bits 7, 15, ..., 63 of v gathered into bits 0-7. */
static inline unsigned gather_highs(uint64_t v)
{
    return (unsigned)(((v >> 7) * 0x0102040810204080ULL) >> 56);
}

static inline uint64_t isa_block(const unsigned char *p)
{
    return special_bits(smtpreply__load8(p));
}

static inline uint64_t isa_window(const unsigned char *p)
{
    uint64_t m = 0;
    size_t i;

    for (i = 0; i < 8; i++)
        m |= (uint64_t)gather_highs(special_bits(smtpreply__load8(p + 8 * i))) << (8 * i);
    return m;
}

static inline void isa_copy64(char *dst, const unsigned char *src)
{
    memcpy(dst, src, 64);
}

static int isa_usable(void)
{
    return 1;
}

#include "isa_common.h"
