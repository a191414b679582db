/* SPDX-License-Identifier: MIT */
/*
 * The arm64 kernels (lib/isa.h): NEON, 16 bytes a step, and the line path
 * compiled with them.
 */
#include "isa.h"

#if defined(SMTPREPLY_HAVE_NEON)
#include <arm_neon.h>
#include <string.h>

#define ISA_FN(name) neon_##name
#define ISA_NAME "neon"
#define ISA_TABLE smtpreply__isa_neon
#define ISA_BLOCK 16
#define ISA_BLOCK_SHIFT 2

/* 0xFF in each special byte of the 16 at p: signed, below 14 is special (bytes
 * from 0x80 up are negative). */
static inline uint8x16_t special16(const unsigned char *p)
{
    return vcltq_s8(vreinterpretq_s8_u8(vld1q_u8(p)), vdupq_n_s8(14));
}

/* Narrowed to four bits a byte: a 64-bit mask with 4 bits per byte. */
static inline uint64_t isa_block(const unsigned char *p)
{
    return vget_lane_u64(vreinterpret_u64_u8(
        vshrn_n_u16(vreinterpretq_u16_u8(special16(p)), 4)), 0);
}

/* Each byte's mark weighted by its place in its group of eight, then pairwise
 * sums until each byte of the result holds one group: bit i for byte i. */
static inline uint64_t isa_window(const unsigned char *p)
{
    static const uint8_t weights[16] = { 1, 2, 4, 8, 16, 32, 64, 128,
                                         1, 2, 4, 8, 16, 32, 64, 128 };
    uint8x16_t w = vld1q_u8(weights);
    uint8x16_t a = vandq_u8(special16(p), w), b = vandq_u8(special16(p + 16), w);
    uint8x16_t c = vandq_u8(special16(p + 32), w), d = vandq_u8(special16(p + 48), w);
    uint8x16_t s = vpaddq_u8(vpaddq_u8(a, b), vpaddq_u8(c, d));

    return vgetq_lane_u64(vreinterpretq_u64_u8(vpaddq_u8(s, s)), 0);
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
#else
typedef int smtpreply__no_neon_;     /* ISO C wants something in a file */
#endif
