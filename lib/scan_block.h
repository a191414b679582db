/* SPDX-License-Identifier: MIT */
/*
 * One block of the parser's line fast path (parser.c, fast_lines()): copy a fixed
 * number of bytes and say, in the same step, which of them may need a look.
 *
 * Inline on purpose: scan.c's smtpreply__scan_text() is reached through a function
 * pointer chosen at run time, which costs more than a whole short reply line takes
 * to check. This block needs only the CPU's baseline (SSE2 on x86-64, NEON on
 * arm64, 64-bit integers elsewhere), so there is nothing to choose at run time.
 *
 * A *candidate* is any byte below 0x0E or at or above 0x80: a superset of the bytes
 * the parser treats specially (LF, CR, NUL, 8-bit), because "below 14, signed" is
 * one comparison where the exact set takes four. The caller looks at each
 * candidate byte itself; a TAB or other control byte is just passed over.
 *
 *   SMTPREPLY_BLOCK        bytes read (and written) per call
 *   smtpreply__block()     loads SMTPREPLY_BLOCK bytes at p, stores them at out,
 *                          returns the candidate mask
 *   smtpreply__block_pos() index in the block of the lowest candidate of a mask
 *
 * Masks may mark a byte that is not a candidate only above a real candidate (the
 * scalar version's borrow), never below; the lowest marked byte is always exact.
 * Clearing the lowest set bit (m &= m - 1) moves to the next marked byte.
 * smtpreply__window_after(m, pos) turns the window m into the window at the byte
 * after a CRLF whose CR is at pos: exact where m was (vector compares), with the
 * bytes m did not cover unmarked, so an empty result means "look again there";
 * the x86 window leaves its upper half unmarked when the lower one has a
 * candidate. The scalar one returns 0: its marks above a candidate are not exact.
 * With -Dsimd=false (SMTPREPLY_NO_SIMD) the scalar version is used everywhere;
 * tests/test_scan.c compares this block with a byte-by-byte definition.
 */
#ifndef SMTPREPLY_SCAN_BLOCK_H
#define SMTPREPLY_SCAN_BLOCK_H

#include <stdint.h>
#include <string.h>

#if !defined(SMTPREPLY_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64))
#include <emmintrin.h>

#define SMTPREPLY_BLOCK 32
#define SMTPREPLY_BLOCK_IMPL "sse2"

/* Bit i for byte i. */
static inline uint64_t smtpreply__block(const unsigned char *p, char *out)
{
    const __m128i plain = _mm_set1_epi8(13);
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    unsigned lo, hi;

    _mm_storeu_si128((__m128i *)(void *)out, a);
    _mm_storeu_si128((__m128i *)(void *)(out + 16), b);
    /* Signed compare: bytes >= 0x80 are negative, so they are not above 13 and
     * count as candidates with the control bytes. */
    lo = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(a, plain));
    hi = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(b, plain));
    return (uint64_t)(~(lo | hi << 16) & 0xFFFFFFFFu);
}

/* The window at a line start: 64 bytes, bit i for byte i, looked at in two halves
 * so that a short line costs one. */
#define SMTPREPLY_WINDOW 64

static inline uint64_t smtpreply__half_window(const unsigned char *p)
{
    /* Bytes above 13 (signed) are plain: mask those and invert, which keeps the
     * compiler from turning "below 14" into two comparisons. */
    const __m128i plain = _mm_set1_epi8(13);
    unsigned lo = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(
        _mm_loadu_si128((const __m128i *)(const void *)p), plain));
    unsigned hi = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(
        _mm_loadu_si128((const __m128i *)(const void *)(p + 16)), plain));
    return (uint64_t)(~(lo | hi << 16) & 0xFFFFFFFFu);
}

static inline uint64_t smtpreply__window(const unsigned char *p)
{
    uint64_t m = smtpreply__half_window(p);
    return m ? m : smtpreply__half_window(p + 32) << 32;
}

/* The window at the byte after a CRLF whose CR is byte pos of the window m:
 * what m says of the bytes after the LF, unknown bytes unmarked. */
static inline uint64_t smtpreply__window_after(uint64_t m, unsigned pos)
{
    return (m >> pos) >> 2;
}

#if defined(__GNUC__) && !defined(__INTEL_COMPILER)
#include <immintrin.h>

/* The same window, 32 bytes a step, for CPUs with AVX2 (chosen at run time by
 * parser.c; only a function compiled for AVX2 may call it). */
#define SMTPREPLY_HAVE_WINDOW_AVX2 1

__attribute__((target("avx2")))
static inline uint64_t smtpreply__window_avx2(const unsigned char *p)
{
    const __m256i plain = _mm256_set1_epi8(13);
    uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(
        _mm256_loadu_si256((const __m256i *)(const void *)p), plain));
    uint32_t hi;

    if (lo != 0xFFFFFFFFu)
        return (uint64_t)~lo & 0xFFFFFFFFu;
    hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(
        _mm256_loadu_si256((const __m256i *)(const void *)(p + 32)), plain));
    return ((uint64_t)~hi & 0xFFFFFFFFu) << 32;
}

/* The whole window, both halves, without a branch between them. */
__attribute__((target("avx2")))
static inline uint64_t smtpreply__window_full_avx2(const unsigned char *p)
{
    const __m256i plain = _mm256_set1_epi8(13);
    uint32_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(
        _mm256_loadu_si256((const __m256i *)(const void *)p), plain));
    uint32_t hi = (uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(
        _mm256_loadu_si256((const __m256i *)(const void *)(p + 32)), plain));
    return ~((uint64_t)hi << 32 | lo);
}

/* 32 bytes from p to out in one move. */
__attribute__((target("avx2")))
static inline void smtpreply__copy32_avx2(char *out, const unsigned char *p)
{
    _mm256_storeu_si256((__m256i *)(void *)out,
                        _mm256_loadu_si256((const __m256i *)(const void *)p));
}

/* 64 bytes from p to out in two 32-byte moves (a memcpy of 64 would be split into
 * 16-byte moves under generic tuning). */
__attribute__((target("avx2")))
static inline void smtpreply__copy64_avx2(char *out, const unsigned char *p)
{
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    _mm256_storeu_si256((__m256i *)(void *)out, a);
    _mm256_storeu_si256((__m256i *)(void *)(out + 32), b);
}
#endif

static inline unsigned smtpreply__block_pos(uint64_t m)
{
    return (unsigned)__builtin_ctzll(m);
}

#elif !defined(SMTPREPLY_NO_SIMD) && (defined(__aarch64__) || defined(_M_ARM64)) \
    && defined(__GNUC__)
#include <arm_neon.h>

#define SMTPREPLY_BLOCK 16
#define SMTPREPLY_BLOCK_IMPL "neon"

/* Bit 4i+3 for byte i: the compare gives 0xFF per candidate byte, the narrowing
 * shift keeps four bits of each, the AND keeps one. */
static inline uint64_t smtpreply__block(const unsigned char *p, char *out)
{
    int8x16_t v = vreinterpretq_s8_u8(vld1q_u8(p));
    uint8x16_t hit = vcltq_s8(v, vdupq_n_s8(14));
    uint64_t bits;

    vst1q_u8((uint8_t *)out, vreinterpretq_u8_s8(v));
    bits = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(hit), 4)), 0);
    return bits & 0x8888888888888888ULL;
}

/* The window at a line start: one block, nothing stored. */
#define SMTPREPLY_WINDOW 16

static inline uint64_t smtpreply__window(const unsigned char *p)
{
    char scratch[16];
    return smtpreply__block(p, scratch);
}

static inline unsigned smtpreply__block_pos(uint64_t m)
{
    return (unsigned)__builtin_ctzll(m) >> 2;
}

static inline uint64_t smtpreply__window_after(uint64_t m, unsigned pos)
{
    return (m >> (4 * pos)) >> 8;
}

#else

#define SMTPREPLY_BLOCK 8
#define SMTPREPLY_BLOCK_IMPL "scalar"

/* Bit 8i+7 for byte i, eight bytes in one 64-bit word (byte 0 lowest, as the
 * word is assembled explicitly, whatever the machine's byte order). Byte b is
 * marked when b >= 0x80, or when b - 14 borrows: b < 14, or b = 14 right above a
 * marked byte (the false positive the contract allows). */
static inline uint64_t smtpreply__block(const unsigned char *p, char *out)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t x = 0;
    int i;

    memcpy(out, p, 8);
    for (i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    return ((x - 14 * ones) | x) & highs;
}

/* The window at a line start: one block, nothing stored. */
#define SMTPREPLY_WINDOW 8

static inline uint64_t smtpreply__window(const unsigned char *p)
{
    char scratch[8];
    return smtpreply__block(p, scratch);
}

static inline unsigned smtpreply__block_pos(uint64_t m)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(m) >> 3;
#else
    unsigned i = 0;
    while (!(m & 0x80))
        m >>= 8, i++;
    return i;
#endif
}

/* Not exact above the first candidate: nothing is known after a line end. */
static inline uint64_t smtpreply__window_after(uint64_t m, unsigned pos)
{
    (void)m;
    (void)pos;
    return 0;
}

#endif

#endif
